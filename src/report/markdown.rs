//! `report.md`: the same report as Markdown for wikis; charts are linked as the PNG files next
//! to it.

use super::executive;
use super::{
    Headline, comparison_scenarios, comparison_table, comparison_verdict, run_headlines,
    sweep_headlines, sweep_table,
};
use crate::chart::data::Comparison;
use crate::chart::{RunSummary, SweepResults, WrittenChart};
use crate::output::files::RESULTS_FILE;

/// Escapes a table cell (pipes would end the cell).
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A fenced code block whose fence is longer than any backtick run in `text`.
fn fenced(lang: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    };
    format!("{fence}{lang}\n{body}{fence}\n")
}

/// Sentences as a bulleted list, then a blank line.
fn bullets(items: &[String]) -> String {
    items.iter().map(|i| format!("- {i}\n")).collect::<String>() + "\n"
}

fn headline_table(rows: &[Headline]) -> String {
    let mut s = String::from("| Metric | Value |\n| --- | --- |\n");
    for h in rows {
        s += &format!("| {} | {} |\n", cell(h.label), cell(&h.value));
    }
    s
}

fn chart_links(charts: &[WrittenChart], missing: &str) -> String {
    if charts.is_empty() {
        return format!("{missing}\n");
    }
    charts
        .iter()
        .map(|c| format!("![{}]({}.png)\n", cell(&c.title), c.name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Markdown report of a run.
pub fn run_markdown(run: &RunSummary, charts: &[WrittenChart]) -> String {
    let mut s = format!("# nightshift report: {}\n\n", run.scenario());
    s += &format!("## In brief\n\n{}\n\n", executive::run_paragraph(run));
    let caveats = executive::caveats(run);
    if !caveats.is_empty() {
        s += "### Caveats the run detected\n\n";
        s += &bullets(&caveats);
    }
    s += "## Headline numbers\n\n";
    s += &headline_table(&run_headlines(run));
    let (headers, rows) = executive::class_table(run);
    if !rows.is_empty() {
        s += "\n## By host class\n\n|";
        for h in &headers {
            s += &format!(" {} |", cell(h));
        }
        s += "\n|";
        for i in 0..headers.len() {
            s += if i == 0 { " --- |" } else { " ---: |" };
        }
        s += "\n";
        for row in &rows {
            s += "|";
            for c in row {
                s += &format!(" {} |", cell(c));
            }
            s += "\n";
        }
    }
    s += "\n## Assumptions\n\n";
    s += &bullets(&executive::assumptions(run));
    s += "\n## Charts\n\n";
    s += &chart_links(
        charts,
        "Charts were not drawn (`--no-charts`); `nightshift plot DIR` draws them.",
    );
    if let Some(text) = &run.scenario_text {
        s += "\n## Scenario\n\n";
        s += &fenced("toml", text);
    }
    s
}

/// The Markdown report of a comparison.
pub fn comparison_markdown(cmp: &Comparison, charts: &[WrittenChart]) -> String {
    let names: Vec<&str> = cmp.rows.iter().map(|r| r.variant.as_str()).collect();
    let mut s = format!("# nightshift comparison: {}\n\n", names.join(", "));
    s += &format!(
        "The same workload and seed under each variant.\n\n## In brief\n\n{}\n\n{}\n\n## Headline numbers\n\n",
        executive::comparison_paragraph(cmp, executive::comparison_days(cmp)),
        comparison_verdict(cmp)
    );
    let table = comparison_table(cmp);
    s += "|";
    for header in &table.headers {
        s += &format!(" {} |", cell(header));
    }
    s += " run |\n|";
    for i in 0..table.headers.len() {
        s += if i == 0 { " --- |" } else { " ---: |" };
    }
    s += " --- |\n";
    for (row, cells) in cmp.rows.iter().zip(&table.rows) {
        s += "|";
        for value in cells {
            s += &format!(" {} |", cell(value));
        }
        s += &format!(" [report]({}/report.md) |\n", row.run_dir);
    }
    for note in &table.notes {
        s += &format!("\n{note}\n");
    }
    s += "\n## Charts\n\n";
    s += &chart_links(
        charts,
        "Charts were not drawn (`--no-charts`); `nightshift plot DIR` draws them.",
    );
    s += "\n## Variants\n\n| variant | scenario | seed | overrides applied |\n| --- | --- | ---: | --- |\n";
    for row in &cmp.rows {
        let overrides = if row.overrides.is_empty() {
            "none (the scenario as written)".to_string()
        } else {
            format!("`{}`", row.overrides.replace(';', "`, `"))
        };
        s += &format!(
            "| {} | {} | {} | {} |\n",
            cell(&row.variant),
            cell(&row.scenario),
            row.seed,
            cell(&overrides)
        );
    }
    for (name, text) in comparison_scenarios(cmp) {
        s += &format!("\n## Scenario {name}\n\n");
        s += &fenced("toml", &text);
    }
    s
}

/// The Markdown report of a sweep.
pub fn sweep_markdown(r: &SweepResults, charts: &[WrittenChart]) -> String {
    let mut s = format!("# nightshift sweep: {}\n\n", r.name);
    s += &format!(
        "{} runs of one base scenario over the sweep's axes.\n\n## In brief\n\n{}\n\n## Headline numbers\n\n",
        r.runs.len(),
        executive::sweep_paragraph(r)
    );
    s += &headline_table(&sweep_headlines(r));
    s += "\n## Charts\n\n";
    s += &chart_links(
        charts,
        "Charts were not drawn (`--no-charts`); `nightshift plot DIR` draws them.",
    );
    let table = sweep_table(r);
    s += "\n## Axis points\n\nOne row per combination of axis values; numbers are means over its runs (seeds). Rows in bold have the least energy or the least CPU demand not served (values within the tolerance count as ties, broken by the other metric; no row is marked for demand not served when it is negligible everywhere).\n\n";
    if table.hidden > 0 {
        s += &format!(
            "{} more axis points are left out of this table; {RESULTS_FILE} has every run.\n\n",
            table.hidden
        );
    }
    let axes = r.axes.len();
    s += "|";
    for h in &table.headers {
        s += &format!(" {} |", cell(h));
    }
    s += "\n|";
    for i in 0..table.headers.len() {
        s += if i < axes || i + 1 == table.headers.len() {
            " --- |"
        } else {
            " ---: |"
        };
    }
    s += "\n";
    for row in &table.rows {
        s += "|";
        for c in row.cells.iter().chain([&row.best.join(", ")]) {
            if row.best.is_empty() || c.is_empty() {
                s += &format!(" {} |", cell(c));
            } else {
                s += &format!(" **{}** |", cell(c));
            }
        }
        s += "\n";
    }
    for note in &table.notes {
        s += &format!("\n{note}\n");
    }
    if let Some(text) = &r.sweep_text {
        s += "\n## Sweep file\n\n";
        s += &fenced("toml", text);
    }
    if let Some(text) = &r.scenario_text {
        s += "\n## Base scenario\n\n";
        s += &fenced("toml", text);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario containing a triple backtick gets a four-backtick fence.
    #[test]
    fn fence_outgrows_backticks_in_text() {
        assert_eq!(fenced("toml", "a = 1\n"), "```toml\na = 1\n```\n");
        assert_eq!(fenced("", "x ``` y"), "````\nx ``` y\n````\n");
    }

    /// Pipes in a cell are escaped so the table keeps its columns.
    #[test]
    fn cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
