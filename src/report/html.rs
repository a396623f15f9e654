//! `report.html`: one self-contained page (inline CSS, inline SVG charts, the time series'
//! own inline script, no external resource), readable offline and printable to A4 (its print
//! stylesheet numbers the pages and never cuts a chart).

use super::executive;
use super::{
    Headline, comparison_scenarios, comparison_table, comparison_verdict, run_headlines,
    sweep_headlines, sweep_table,
};
use crate::chart::data::Comparison;
use crate::chart::{RunSummary, SweepResults, WrittenChart};
use crate::output::files::{
    HOST_UTILISATION_FILE, MANIFEST_FILE, RESULTS_FILE, RUNS_DIR, SCENARIO_COPY_FILE, SUMMARY_FILE,
    SWEEP_COPY_FILE,
};

const STYLE: &str = "\
body{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;color:#222;background:#fff;\
margin:0 auto;max-width:1240px;padding:24px 32px;line-height:1.45}\
h1{font-size:1.9em;margin:0 0 4px}h2{font-size:1.35em;margin:32px 0 10px;border-bottom:2px solid #1f3b73}\
p.sub{color:#555;margin:0 0 16px}p.lead{font-size:1.12em;max-width:60em}\
ul.caveats li,ul.assumptions li{margin:3px 0;max-width:60em}\
table{border-collapse:collapse;margin:8px 0}th,td{padding:6px 12px;border-bottom:1px solid #ccc;\
text-align:left;vertical-align:top}th{background:#eef1f8}td.num{text-align:right;font-variant-numeric:tabular-nums;\
white-space:nowrap}\
figure.chart,figure.explorer{margin:20px 0 28px;break-inside:avoid;page-break-inside:avoid}\
figure.chart svg{width:100%;height:auto;display:block;border:1px solid #ddd}\
figure.explorer svg{width:100%;height:auto;display:block;border:1px solid #ddd;user-select:none}\
p.takeaway{font-weight:bold;margin:0 0 6px}figcaption{color:#444;font-size:.95em;margin-top:6px}\
p.readout{font-variant-numeric:tabular-nums;color:#1f3b73;margin:6px 0;min-height:1.4em}\
#explorer-svg .grid{stroke:#e4e4e4}#explorer-svg .axis{stroke:#555}#explorer-svg .frame{fill:none;stroke:#999}\
#explorer-svg .tick{font-size:12px;fill:#333}#explorer-svg .label{font-size:13px;fill:#222}\
#explorer-svg .on{fill:#b8661c}#explorer-svg polyline{fill:none;stroke-width:2}\
#explorer-svg polyline.power{stroke:#1f3b73;stroke-width:2.5}#explorer-svg polyline.base{stroke:#8c8c8c;stroke-dasharray:7 5}\
#explorer-svg polyline.on{stroke:#d9822b;fill:none;stroke-width:1.5}#explorer-svg .cursor{stroke:#555;stroke-dasharray:3 3}\
#explorer-svg .dot.power{fill:#1f3b73}#explorer-svg .dot.on{fill:#d9822b}#explorer-svg .band{fill:rgba(31,59,115,.12)}\
#explorer-svg .hit{fill:transparent;cursor:crosshair}\
pre{background:#f6f6f6;border:1px solid #ddd;padding:12px;overflow-x:auto;font-size:.85em}\
details.appendix{margin:32px 0}details.appendix summary{font-size:1.35em;font-weight:bold;cursor:pointer;\
border-bottom:2px solid #1f3b73}\
p.note{color:#555}tr.best td{font-weight:bold;background:#fdf0dc}footer{margin-top:40px;color:#777;font-size:.85em}\
@page{size:A4;margin:14mm 12mm 16mm;@bottom-center{content:'Page ' counter(page) ' of ' counter(pages);\
font:9pt 'Liberation Sans',Arial,sans-serif;color:#555}}\
@media print{body{max-width:none;padding:0;font-size:10pt}figure.chart svg,figure.explorer svg{border:none}\
h2,h3,p.takeaway{break-after:avoid}table.comparison th,table.comparison td,table.sweep th,table.sweep td{padding:3px 5px;font-size:8pt}table,tr,ul.caveats li{break-inside:avoid}p.readout{display:none}\
a{color:inherit;text-decoration:none}}";

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

/// The charts as figures with inline SVG (labelled for screen readers), each under its
/// one-line takeaway when `takeaway` has one for it.
fn figures(charts: &[WrittenChart], takeaway: &dyn Fn(&str) -> Option<String>) -> String {
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
        let lead = takeaway(&c.name).map_or(String::new(), |t| {
            format!("<p class=\"takeaway\">{}</p>\n", escape(&t))
        });
        s += &format!(
            "<figure class=\"chart\" id=\"chart-{}\">\n{lead}{svg}\n<figcaption>{} (<a href=\"{}.svg\">SVG</a>, <a href=\"{}.png\">PNG</a>)</figcaption>\n</figure>\n",
            c.name,
            escape(&c.title),
            c.name,
            c.name
        );
    }
    s
}

fn charts_section(
    charts: &[WrittenChart],
    missing: &str,
    takeaway: &dyn Fn(&str) -> Option<String>,
) -> String {
    if charts.is_empty() {
        format!(
            "<h2>Charts</h2>\n<p class=\"note\">{}</p>\n",
            escape(missing)
        )
    } else {
        format!("<h2>Charts</h2>\n{}", figures(charts, takeaway))
    }
}

/// A list of sentences as `<ul class="{class}">`.
fn sentences(class: &str, items: &[String]) -> String {
    let mut s = format!("<ul class=\"{class}\">\n");
    for i in items {
        s += &format!("<li>{}</li>\n", escape(i));
    }
    s + "</ul>\n"
}

/// A table with a header row; cells after the first are numbers (right-aligned, unbroken).
fn plain_table(class: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = format!("<table class=\"{class}\">\n<tr>");
    for h in headers {
        s += &format!("<th>{}</th>", escape(h));
    }
    s += "</tr>\n";
    for row in rows {
        s += "<tr>";
        for (i, c) in row.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            s += &format!("<td{class}>{}</td>", escape(c));
        }
        s += "</tr>\n";
    }
    s + "</table>\n"
}

/// A file of the folder as a link.
fn file_link(name: &str) -> String {
    format!("<a href=\"{0}\">{0}</a>", escape(name))
}

/// The report of a run: the first paragraph, the caveats, the headline numbers, the host
/// classes, the assumptions, the interactive time series (`explorer`, when the series were
/// read), the charts with their takeaways, and the scenario and files in a collapsed appendix.
pub fn run_html(run: &RunSummary, charts: &[WrittenChart], explorer: Option<&str>) -> String {
    let name = run.scenario();
    let mut body = format!(
        "<header>\n<h1>nightshift report: {}</h1>\n<p class=\"sub\">What consolidating VMs and powering hosts down saves in one simulated run, against an always-on fleet running the same workload.</p>\n</header>\n",
        escape(name)
    );
    body += &format!(
        "<section id=\"summary\">\n<h2>In brief</h2>\n<p class=\"lead\" id=\"executive\">{}</p>\n",
        escape(&executive::run_paragraph(run))
    );
    let caveats = executive::caveats(run);
    if !caveats.is_empty() {
        body += "<h3>Caveats the run detected</h3>\n";
        body += &sentences("caveats", &caveats);
    }
    body += "</section>\n<h2>Headline numbers</h2>\n";
    body += &headline_table(&run_headlines(run));
    let (headers, rows) = executive::class_table(run);
    if !rows.is_empty() {
        body += "<h2>By host class</h2>\n";
        body += &plain_table("classes", &headers, &rows);
        body += "<p class=\"note\">Energy in kWh/MWh as measured over the run (warm-up excluded); always-on is the baseline's same class.</p>\n";
    }
    body += "<h2>Assumptions</h2>\n";
    body += &sentences("assumptions", &executive::assumptions(run));
    if let Some(explorer) = explorer {
        body += "<h2>The run over time</h2>\n";
        body += explorer;
    }
    body += &charts_section(
        charts,
        "Charts were not drawn (run with --no-charts); `nightshift plot DIR` draws them.",
        &|chart| executive::chart_takeaway(run, chart),
    );
    if !run.files.host_utilisation && !charts.is_empty() {
        body += &format!(
            "<p class=\"note\">No {HOST_UTILISATION_FILE} in this folder, so the utilisation heat map and distribution are left out.</p>\n"
        );
    }
    body += "<details class=\"appendix\">\n<summary>Appendix: the scenario as run and the files</summary>\n";
    match &run.scenario_text {
        Some(text) => {
            body += &format!(
                "<h3>Scenario</h3>\n<pre><code>{}</code></pre>\n",
                escape(text)
            )
        }
        None => {
            body += &format!("<p class=\"note\">{SCENARIO_COPY_FILE} is not in this folder.</p>\n")
        }
    }
    let files: Vec<&str> = std::iter::once(SUMMARY_FILE)
        .chain(run.files.tables.iter().map(String::as_str))
        .collect();
    body += "<h3>Files</h3>\n<p>";
    body += &files
        .iter()
        .map(|f| file_link(f))
        .collect::<Vec<_>>()
        .join(", ");
    body += ".</p>\n</details>\n";
    page(&format!("nightshift report: {name}"), &body)
}

/// The report of a comparison.
pub fn comparison_html(cmp: &Comparison, charts: &[WrittenChart]) -> String {
    let names: Vec<&str> = cmp.rows.iter().map(|r| r.variant.as_str()).collect();
    let mut body = format!(
        "<header>\n<h1>nightshift comparison: {}</h1>\n<p class=\"sub\">The same workload and seed under each variant.</p>\n</header>\n",
        escape(&names.join(", ")),
    );
    body += &format!(
        "<section id=\"summary\">\n<h2>In brief</h2>\n<p class=\"lead\" id=\"executive\">{}</p>\n<p>{}</p>\n</section>\n",
        escape(&executive::comparison_paragraph(
            cmp,
            executive::comparison_days(cmp)
        )),
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
        &|chart| comparison_takeaway(chart),
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
    let scenarios = comparison_scenarios(cmp);
    if !scenarios.is_empty() {
        body += "<details class=\"appendix\">\n<summary>Appendix: the scenarios as run</summary>\n";
        for (name, text) in scenarios {
            body += &format!(
                "<h3>Scenario {}</h3>\n<pre><code>{}</code></pre>\n",
                escape(&name),
                escape(&text)
            );
        }
        body += "</details>\n";
    }
    page(
        &format!("nightshift comparison: {}", names.join(", ")),
        &body,
    )
}

/// What to read in a comparison's chart.
fn comparison_takeaway(chart: &str) -> Option<String> {
    match chart {
        "compare-bars" => Some("Each variant's energy, cost, migrations and CPU demand not served side by side; the dashed line is the always-on fleet.".to_string()),
        "compare-tradeoff" => Some("Lower left is better: less energy and less CPU demand not served.".to_string()),
        _ => None,
    }
}

/// The report of a sweep.
pub fn sweep_html(r: &SweepResults, charts: &[WrittenChart]) -> String {
    let mut body = format!(
        "<header>\n<h1>nightshift sweep: {}</h1>\n<p class=\"sub\">{} runs of one base scenario over the sweep's axes.</p>\n</header>\n",
        escape(&r.name),
        r.runs.len(),
    );
    body += &format!(
        "<section id=\"summary\">\n<h2>In brief</h2>\n<p class=\"lead\" id=\"executive\">{}</p>\n</section>\n",
        escape(&executive::sweep_paragraph(r))
    );
    body += "<h2>Headline numbers</h2>\n";
    body += &headline_table(&sweep_headlines(r));
    body += &charts_section(
        charts,
        "Charts were not drawn (--no-charts); `nightshift plot DIR` draws them.",
        &|chart| {
            if chart == "sweep-tradeoff" {
                Some("Lower left is better: each marker is an axis point's mean energy and CPU demand not served; the dashed line joins the points nothing beats on both.".to_string())
            } else if chart == "sweep-restart-tradeoff" {
                Some("The reserve: each marker is an axis point's mean energy and 99th-percentile time from a VM's stop by a host failure to its restart; less powered reserve saves energy and makes more restarts wait for a boot.".to_string())
            } else {
                chart.strip_prefix("sweep-by-").map(|axis| format!("How the metrics move with {axis}, a line per value of the other axes; whiskers span the seeds."))
            }
        },
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
    body += "<details class=\"appendix\">\n<summary>Appendix: the sweep file, the base scenario and the files</summary>\n<h3>Sweep file</h3>\n";
    match &r.sweep_text {
        Some(text) => body += &format!("<pre><code>{}</code></pre>\n", escape(text)),
        None => {
            body += &format!("<p class=\"note\">{SWEEP_COPY_FILE} is not in this folder.</p>\n")
        }
    }
    if let Some(text) = &r.scenario_text {
        body += &format!(
            "<h3>Base scenario</h3>\n<pre><code>{}</code></pre>\n",
            escape(text)
        );
    }
    body += &format!(
        "<h3>Files</h3>\n<p>{RESULTS_FILE} (one row per run), {MANIFEST_FILE}, {SWEEP_COPY_FILE}, {SCENARIO_COPY_FILE}, and {RUNS_DIR}/&lt;id&gt;/ with each run's complete output.</p>\n</details>\n"
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
