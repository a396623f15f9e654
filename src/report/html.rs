//! `report.html`: one self-contained page (inline CSS, inline SVG charts, no script, no
//! external resource), readable offline and printable.

use super::{
    Headline, comparison_scenarios, comparison_table, comparison_verdict, run_headlines,
    sweep_headlines, sweep_table,
};
use crate::chart::data::Comparison;
use crate::chart::{RunSummary, SweepResults, WrittenChart};
use crate::output::files::{
    BASELINE_TIMESERIES_FILE, CONFLICTS_FILE, HOST_UTILISATION_FILE, HOSTS_FILE, MANIFEST_FILE,
    MIGRATIONS_FILE, RESULTS_FILE, RUNS_DIR, SCENARIO_COPY_FILE, SUMMARY_FILE, SWEEP_COPY_FILE,
    TIMESERIES_FILE,
};

const STYLE: &str = "\
body{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;color:#222;background:#fff;\
margin:0 auto;max-width:1240px;padding:24px 32px;line-height:1.45}\
h1{font-size:1.9em;margin:0 0 4px}h2{font-size:1.35em;margin:32px 0 10px;border-bottom:2px solid #1f3b73}\
p.sub{color:#555;margin:0 0 16px}\
table{border-collapse:collapse;margin:8px 0}th,td{padding:6px 12px;border-bottom:1px solid #ccc;\
text-align:left;vertical-align:top}th{background:#eef1f8}td.num{text-align:right;font-variant-numeric:tabular-nums}\
figure.chart{margin:20px 0 28px;page-break-inside:avoid}figure.chart svg{width:100%;height:auto;display:block;\
border:1px solid #ddd}figcaption{color:#444;font-size:.95em;margin-top:6px}\
pre{background:#f6f6f6;border:1px solid #ddd;padding:12px;overflow-x:auto;font-size:.85em}\
p.note{color:#555}tr.best td{font-weight:bold;background:#fdf0dc}footer{margin-top:40px;color:#777;font-size:.85em}\
@media print{body{max-width:none;padding:0}figure.chart svg{border:none}}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}<footer>Written by nightshift {}.</footer>\n</body>\n</html>\n",
        escape(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn headline_table(rows: &[Headline]) -> String {
    let mut s = String::from("<table class=\"headline\">\n");
    for h in rows {
        s += &format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
            escape(h.label),
            escape(&h.value)
        );
    }
    s + "</table>\n"
}

/// The charts as figures with inline SVG (labelled for screen readers).
fn figures(charts: &[WrittenChart]) -> String {
    let mut s = String::new();
    for c in charts {
        let svg = c.svg.trim();
        let svg = svg.strip_prefix("<svg").map_or_else(
            || svg.to_string(),
            |rest| {
                format!(
                    "<svg role=\"img\" aria-label=\"{}\"{rest}",
                    escape(&c.title)
                )
            },
        );
        s += &format!(
            "<figure class=\"chart\" id=\"chart-{}\">\n{svg}\n<figcaption>{} (<a href=\"{}.svg\">SVG</a>, <a href=\"{}.png\">PNG</a>)</figcaption>\n</figure>\n",
            c.name,
            escape(&c.title),
            c.name,
            c.name
        );
    }
    s
}

fn charts_section(charts: &[WrittenChart], missing: &str) -> String {
    if charts.is_empty() {
        format!(
            "<h2>Charts</h2>\n<p class=\"note\">{}</p>\n",
            escape(missing)
        )
    } else {
        format!("<h2>Charts</h2>\n{}", figures(charts))
    }
}

/// The report of a run.
pub fn run_html(run: &RunSummary, charts: &[WrittenChart]) -> String {
    let name = run.scenario();
    let mut body = format!(
        "<header>\n<h1>nightshift report: {}</h1>\n<p class=\"sub\">Energy, cost, migrations and SLA of one simulated run, against an always-on fleet running the same workload.</p>\n</header>\n",
        escape(name)
    );
    body += "<h2>Headline numbers</h2>\n";
    body += &headline_table(&run_headlines(run));
    body += &charts_section(
        charts,
        "Charts were not drawn (run with --no-charts); `nightshift plot DIR` draws them.",
    );
    if !run.files.host_utilisation && !charts.is_empty() {
        body += &format!(
            "<p class=\"note\">No {HOST_UTILISATION_FILE} in this folder, so the utilisation heat map and distribution are left out.</p>\n"
        );
    }
    body += "<h2>Scenario</h2>\n";
    match &run.scenario_text {
        Some(text) => body += &format!("<pre><code>{}</code></pre>\n", escape(text)),
        None => {
            body += &format!("<p class=\"note\">{SCENARIO_COPY_FILE} is not in this folder.</p>\n")
        }
    }
    body += "<h2>Files</h2>\n<p>";
    body += &[
        SUMMARY_FILE,
        TIMESERIES_FILE,
        MIGRATIONS_FILE,
        CONFLICTS_FILE,
        HOSTS_FILE,
    ]
    .join(", ");
    if run.files.baseline {
        body += &format!(", {BASELINE_TIMESERIES_FILE}");
    }
    if run.files.host_utilisation {
        body += &format!(", {HOST_UTILISATION_FILE}");
    }
    body += ".</p>\n";
    page(&format!("nightshift report: {name}"), &body)
}

/// The report of a comparison.
pub fn comparison_html(cmp: &Comparison, charts: &[WrittenChart]) -> String {
    let names: Vec<&str> = cmp.rows.iter().map(|r| r.variant.as_str()).collect();
    let mut body = format!(
        "<header>\n<h1>nightshift comparison: {}</h1>\n<p class=\"sub\">The same workload and seed under each variant. {}</p>\n</header>\n",
        escape(&names.join(", ")),
        escape(&comparison_verdict(cmp))
    );
    body += "<h2>Headline numbers</h2>\n<table class=\"comparison\">\n<tr>";
    let table = comparison_table(cmp);
    for header in &table.headers {
        body += &format!("<th>{}</th>", escape(header));
    }
    body += "<th>run</th></tr>\n";
    for (row, cells) in cmp.rows.iter().zip(&table.rows) {
        body += "<tr>";
        for (i, cell) in cells.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            body += &format!("<td{class}>{}</td>", escape(cell));
        }
        body += &format!(
            "<td><a href=\"{}/report.html\">report</a></td></tr>\n",
            escape(&row.run_dir)
        );
    }
    body += "</table>\n";
    for note in &table.notes {
        body += &format!("<p class=\"note\">{}</p>\n", escape(note));
    }
    body += &charts_section(
        charts,
        "Charts were not drawn (--no-charts); `nightshift plot DIR` draws them.",
    );
    body += "<h2>Variants</h2>\n<table class=\"variants\">\n<tr><th>variant</th><th>scenario</th><th>seed</th><th>overrides applied</th></tr>\n";
    for row in &cmp.rows {
        let overrides = if row.overrides.is_empty() {
            "none (the scenario as written)".to_string()
        } else {
            row.overrides.replace(';', "; ")
        };
        body += &format!(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>\n",
            escape(&row.variant),
            escape(&row.scenario),
            row.seed,
            escape(&overrides)
        );
    }
    body += "</table>\n";
    for (name, text) in comparison_scenarios(cmp) {
        body += &format!(
            "<h2>Scenario {}</h2>\n<pre><code>{}</code></pre>\n",
            escape(&name),
            escape(&text)
        );
    }
    page(
        &format!("nightshift comparison: {}", names.join(", ")),
        &body,
    )
}

/// The report of a sweep.
pub fn sweep_html(r: &SweepResults, charts: &[WrittenChart]) -> String {
    let mut body = format!(
        "<header>\n<h1>nightshift sweep: {}</h1>\n<p class=\"sub\">{} runs of one base scenario over the sweep's axes.</p>\n</header>\n",
        escape(&r.name),
        r.runs.len(),
    );
    body += "<h2>Headline numbers</h2>\n";
    body += &headline_table(&sweep_headlines(r));
    body += &charts_section(
        charts,
        "Charts were not drawn (--no-charts); `nightshift plot DIR` draws them.",
    );
    let table = sweep_table(r);
    body += "<h2>Axis points</h2>\n<p class=\"note\">One row per combination of axis values; numbers are means over its runs (seeds). Bold rows have the least energy or the least CPU demand not served (values within the tolerance count as ties, broken by the other metric; no row is marked for demand not served when it is negligible everywhere); the best column says which.</p>\n";
    if table.hidden > 0 {
        body += &format!(
            "<p class=\"note\">{} more axis points are left out of this table; {RESULTS_FILE} has every run.</p>\n",
            table.hidden
        );
    }
    body += "<table class=\"sweep\">\n<tr>";
    for h in &table.headers {
        body += &format!("<th>{}</th>", escape(h));
    }
    body += "</tr>\n";
    let axes = r.axes.len();
    for row in &table.rows {
        body += if row.best.is_empty() {
            "<tr>"
        } else {
            "<tr class=\"best\">"
        };
        for (i, c) in row.cells.iter().enumerate() {
            let class = if i < axes { "" } else { " class=\"num\"" };
            body += &format!("<td{class}>{}</td>", escape(c));
        }
        body += &format!("<td>{}</td></tr>\n", escape(&row.best.join(", ")));
    }
    body += "</table>\n";
    for note in &table.notes {
        body += &format!("<p class=\"note\">{}</p>\n", escape(note));
    }
    body += "<h2>Sweep file</h2>\n";
    match &r.sweep_text {
        Some(text) => body += &format!("<pre><code>{}</code></pre>\n", escape(text)),
        None => {
            body += &format!("<p class=\"note\">{SWEEP_COPY_FILE} is not in this folder.</p>\n")
        }
    }
    if let Some(text) = &r.scenario_text {
        body += &format!(
            "<h2>Base scenario</h2>\n<pre><code>{}</code></pre>\n",
            escape(text)
        );
    }
    body += &format!(
        "<h2>Files</h2>\n<p>{RESULTS_FILE} (one row per run), {MANIFEST_FILE}, {SWEEP_COPY_FILE}, {SCENARIO_COPY_FILE}, and {RUNS_DIR}/&lt;id&gt;/ with each run's complete output.</p>\n"
    );
    page(&format!("nightshift sweep: {}", r.name), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight headrooms, one run each, energy falling and CPU demand not served rising with
    /// headroom: the three least-energy rows (0.6, 0.7, 0.8) and the three least-unserved
    /// rows (0.1, 0.2, 0.3)
    /// are bold, the two in the middle are not; the sweep file is echoed escaped.
    #[test]
    fn sweep_report_highlights_best_rows_and_echoes_the_sweep() {
        use crate::chart::sweep_results::Metric;
        let values: Vec<String> = (1..=8).map(|i| format!("0.{i}")).collect();
        let texts = vec![
            values.iter().map(|v| format!("headroom={v}")).collect(),
            vec![String::new(); 8],
            values.clone(),
        ];
        let numbers: Vec<Vec<f64>> = Metric::ALL
            .iter()
            .map(|m| match m {
                Metric::ItKwh => (0..8).map(|i| 100.0 - i as f64).collect(),
                Metric::Unserved => (0..8).map(|i| i as f64 * 0.01).collect(),
                _ => vec![1.0; 8],
            })
            .collect();
        let mut r = SweepResults::from_columns(
            "h",
            &["policy.power.headroom".to_string()],
            &texts,
            &numbers,
            "EUR".into(),
        );
        r.sweep_text = Some("name = \"<h>\"\n".into());
        let html = sweep_html(&r, &[]);
        assert_eq!(html.matches("<tr class=\"best\">").count(), 6);
        let row = |v: &str| {
            html.lines()
                .find(|l| l.contains(&format!("<td>{v}</td>")))
                .unwrap_or_else(|| panic!("a row for {v}"))
                .to_string()
        };
        assert!(row("0.1").contains("least unserved #1"));
        assert!(row("0.8").contains("least energy #1"));
        assert!(row("0.4").starts_with("<tr><td>"));
        assert!(row("0.5").starts_with("<tr><td>"));
        assert!(html.contains("name = &quot;&lt;h&gt;&quot;"));
        assert!(html.contains("Seeds</th><td>the scenario&#39;s own seed"));
        assert!(
            html.contains("nightshift plot DIR"),
            "says how to draw charts"
        );
    }

    /// Markup characters in scenario text cannot open tags in the report.
    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
