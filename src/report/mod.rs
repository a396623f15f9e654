//! Reports of a run, a comparison and a sweep: `report.html`, self-contained (inline CSS, charts as
//! inline SVG, no script, nothing fetched), and `report.md` for wikis (charts as PNG links).
//! Both are built from the same headline rows, read from `summary.json` by key so that
//! summaries that gain keys keep working.

mod html;
mod markdown;

pub use html::{comparison_html, run_html, sweep_html};
pub use markdown::{comparison_markdown, run_markdown, sweep_markdown};

use crate::chart::data::Comparison;
use crate::chart::sweep_results::{AxisPoint, Metric};
use crate::chart::{RunSummary, SweepResults, grouped};
use crate::output::ComparisonRow;

/// One headline number: what it is and its value, formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// What is measured.
    pub label: &'static str,
    /// Value with units.
    pub value: String,
}

/// A simulated span as `2 days`, `1 day 6 h`, `3 h 20 min`, `45 s`.
pub fn human_span(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} day{}", if d == 1 { "" } else { "s" }));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 && d == 0 {
        parts.push(format!("{m} min"));
    }
    if parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

/// A fraction as a percentage; a value that rounds to zero reads `0.0 %`, never `-0.0 %`.
fn pct(f: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, f * 100.0);
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => format!("{rest} %"),
        _ => format!("{text} %"),
    }
}

/// The headline numbers of a run, from its `summary.json`.
pub fn run_headlines(run: &RunSummary) -> Vec<Headline> {
    let n = |k: &str| run.number(k);
    let cur = run.currency();
    let mut rows = Vec::new();
    let mut push = |label, value: Option<String>| {
        if let Some(value) = value {
            rows.push(Headline { label, value });
        }
    };
    push(
        "Simulated",
        n("duration_s").map(|d| {
            let span = human_span(d);
            let seed = n("seed").map_or(String::new(), |s| format!(", seed {s}"));
            let hosts =
                n("hosts.count").map_or(String::new(), |h| format!(", {} hosts", grouped(h, 0)));
            let vms = n("vms.count").map_or(String::new(), |v| format!(", {} VMs", grouped(v, 0)));
            format!("{span}{seed}{hosts}{vms}")
        }),
    );
    push(
        "IT energy",
        n("energy.it_kwh").map(|v| format!("{} kWh", grouped(v, 1))),
    );
    push(
        "Facility energy",
        n("energy.facility_kwh").map(|v| format!("{} kWh (PUE {})", grouped(v, 1), run.pue())),
    );
    push(
        "Cost",
        n("energy.cost").map(|v| format!("{} {cur}", grouped(v, 2))),
    );
    push(
        "Saving vs always-on",
        Some(
            match (
                n("savings.energy_kwh"),
                n("savings.energy_fraction"),
                n("savings.cost"),
                n("savings.cost_fraction"),
                n("baseline.it_kwh"),
            ) {
                (Some(e), Some(ef), Some(c), Some(cf), Some(b)) => format!(
                    "{} kWh ({}) and {} {cur} ({}) of always-on's {} kWh",
                    grouped(e, 1),
                    pct(ef, 1),
                    grouped(c, 2),
                    pct(cf, 1),
                    grouped(b, 1)
                ),
                _ => "not computed (run with --no-baseline)".to_string(),
            }
            .to_string()
                + &caveat(run),
        ),
    );
    push(
        "Workload served",
        n("vms.unplaced").map(|u| {
            let count = n("vms.count").unwrap_or(0.0);
            let mut s = format!(
                "{} of {} VMs placed, {} of CPU demand unserved",
                grouped((count - u).max(0.0), 0),
                grouped(count, 0),
                pct(n("vms.unserved_fraction").unwrap_or(0.0), 1)
            );
            if let (Some(bu), Some(bf)) =
                (n("baseline.vms_unplaced"), n("baseline.unserved_fraction"))
            {
                s += &format!(
                    "; always-on: {} never placed, {} unserved",
                    grouped(bu, 0),
                    pct(bf, 1)
                );
            }
            s
        }),
    );
    push(
        "Migrations",
        n("migrations.count").map(|c| {
            let mut s = grouped(c, 0);
            if let Some(a) = n("migrations.aborted") {
                s += &format!(" ({} aborted)", grouped(a, 0));
            }
            if let Some(m) = n("migrations.mean_duration_s") {
                s += &format!(", mean {m:.1} s");
            }
            if let Some(d) = n("migrations.data_gb") {
                s += &format!(", {} GB moved", grouped(d, 1));
            }
            s
        }),
    );
    push(
        "SLA",
        n("sla.slav").map(|slav| {
            format!(
                "SLATAH {}, PDM {}, SLAV {slav:.3e}, ESV {:.3e}",
                pct(n("sla.slatah").unwrap_or(0.0), 3),
                pct(n("sla.pdm").unwrap_or(0.0), 4),
                n("sla.esv").unwrap_or(0.0)
            )
        }),
    );
    push(
        "Conflicts",
        n("conflicts.total").map(|t| {
            let kinds = crate::chart::data::lookup(&run.json, "conflicts.by_kind")
                .and_then(|v| v.as_object())
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| v.as_f64().filter(|v| *v > 0.0).map(|v| (k, v)))
                        .map(|(k, v)| format!("{k} {}", grouped(v, 0)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            if kinds.is_empty() {
                grouped(t, 0)
            } else {
                format!("{} ({kinds})", grouped(t, 0))
            }
        }),
    );
    push(
        "Hosts on",
        n("hosts.mean_on").map(|m| {
            format!(
                "mean {m:.1}, min {}, max {}; {} boots, {} shutdowns",
                grouped(n("hosts.min_on").unwrap_or(0.0), 0),
                grouped(n("hosts.max_on").unwrap_or(0.0), 0),
                grouped(n("hosts.boots").unwrap_or(0.0), 0),
                grouped(n("hosts.shutdowns").unwrap_or(0.0), 0)
            )
        }),
    );
    rows
}

/// The saving's caveat (` — not like-for-like: …`) when the run and its baseline served
/// different workloads; empty otherwise.
fn caveat(run: &RunSummary) -> String {
    crate::chart::data::lookup(&run.json, "savings.caveat")
        .and_then(|v| v.as_str())
        .filter(|c| !c.is_empty())
        .map_or(String::new(), |c| format!(" — {c}"))
}

/// Columns of a comparison's table in the reports: header and the cell of a row.
pub type ComparisonColumn = (&'static str, fn(&ComparisonRow) -> String);

/// The comparison table's columns.
pub fn comparison_columns() -> Vec<ComparisonColumn> {
    fn opt_pct(v: Option<f64>) -> String {
        v.map_or_else(|| "–".to_string(), |f| pct(f, 1))
    }
    vec![
        ("variant", |r| r.variant.clone()),
        ("IT energy (kWh)", |r| grouped(r.it_kwh, 1)),
        ("cost", |r| format!("{} {}", grouped(r.cost, 2), r.currency)),
        ("energy saved", |r| {
            let saved = opt_pct(r.energy_saving);
            match r.saving_comparable {
                Some(false) => format!("{saved} (not like-for-like)"),
                _ => saved,
            }
        }),
        ("cost saved", |r| opt_pct(r.cost_saving)),
        ("migrations", |r| grouped(r.migrations as f64, 0)),
        ("SLATAH", |r| pct(r.slatah, 3)),
        ("PDM", |r| pct(r.pdm, 4)),
        ("SLAV", |r| format!("{:.3e}", r.slav)),
        ("conflicts", |r| grouped(r.conflicts as f64, 0)),
        ("hosts on (mean)", |r| format!("{:.1}", r.mean_hosts_on)),
        ("VMs never placed", |r| grouped(r.vms_unplaced as f64, 0)),
        ("demand unserved", |r| pct(r.unserved_fraction, 1)),
    ]
}

/// The scenarios of a comparison as run, once each: `(scenario name, text)`, the text taken
/// from the first variant of each scenario with the header comment that lists that
/// variant's overrides removed (the overrides are in the variants table).
pub fn comparison_scenarios(cmp: &Comparison) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for row in &cmp.rows {
        if out.iter().any(|(name, _)| *name == row.scenario) {
            continue;
        }
        let path = cmp.dir.join(&row.run_dir).join("scenario.toml");
        if let Ok(text) = std::fs::read_to_string(path) {
            out.push((
                row.scenario.clone(),
                crate::output::strip_copy_header(&text).to_string(),
            ));
        }
    }
    out
}

/// A one-line summary of what a comparison found: the variant with the least energy and
/// the one with the least SLAV.
pub fn comparison_verdict(cmp: &Comparison) -> String {
    let least = |key: fn(&ComparisonRow) -> f64| {
        cmp.rows
            .iter()
            .min_by(|a, b| key(a).total_cmp(&key(b)))
            .map(|r| r.variant.clone())
            .unwrap_or_default()
    };
    format!(
        "Least energy: {}. Least SLA violation (SLAV): {}.",
        least(|r| r.it_kwh),
        least(|r| r.slav)
    )
}

/// How many axis points are marked best by energy and by SLAV in a sweep's table.
pub const SWEEP_BEST: usize = 3;

/// Longest sweep table shown in full; a longer one shows only its best rows.
pub const SWEEP_TABLE_MAX: usize = 200;

/// A sweep's table: one row per axis point (means over its seeds), the best marked.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    /// Column headers (the last one is the `best` column).
    pub headers: Vec<String>,
    /// Rows in run order.
    pub rows: Vec<SweepTableRow>,
    /// Axis points left out (a long table keeps only its best rows).
    pub hidden: usize,
}

/// One row of a sweep's table.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTableRow {
    /// Cells, one per header but the last.
    pub cells: Vec<String>,
    /// Why the row is marked (`least energy #1`, `least SLAV #2`), empty if it is not.
    pub best: Vec<String>,
}

/// Mean energy and SLAV of each axis point, in point order.
fn point_means(r: &SweepResults, points: &[AxisPoint]) -> Vec<(f64, f64)> {
    points
        .iter()
        .map(|p| {
            (
                r.stat(&p.runs, Metric::ItKwh).mean,
                r.stat(&p.runs, Metric::Slav).mean,
            )
        })
        .collect()
}

/// Indices of the `k` best points by `(primary, secondary)` ascending, ties broken by the
/// other metric and then by run order.
fn best_by(means: &[(f64, f64)], k: usize, slav_first: bool) -> Vec<usize> {
    let key = |i: usize| {
        let (e, s) = means[i];
        if slav_first { (s, e) } else { (e, s) }
    };
    let mut order: Vec<usize> = (0..means.len())
        .filter(|&i| means[i].0.is_finite() && means[i].1.is_finite())
        .collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.cmp(&b))
    });
    order.truncate(k);
    order
}

/// A point's description by every varying axis (`the base scenario` when none varies).
fn point_name(r: &SweepResults, p: &AxisPoint) -> String {
    let d = r.describe(&p.values, &r.varying());
    if d.is_empty() {
        "the base scenario".to_string()
    } else {
        d
    }
}

fn sci(v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else if v.is_finite() {
        format!("{v:.3e}")
    } else {
        "–".to_string()
    }
}

fn opt_pct(v: f64) -> String {
    if v.is_finite() {
        pct(v, 1)
    } else {
        "–".to_string()
    }
}

/// The table of a sweep's axis points: axis values, runs, mean headline numbers, and the
/// [`SWEEP_BEST`] points with least energy and least SLAV marked.
pub fn sweep_table(r: &SweepResults) -> SweepTable {
    let points = r.points();
    let means = point_means(r, &points);
    let mut best: Vec<Vec<String>> = vec![Vec::new(); points.len()];
    for (rank, &i) in best_by(&means, SWEEP_BEST, false).iter().enumerate() {
        best[i].push(format!("least energy #{}", rank + 1));
    }
    for (rank, &i) in best_by(&means, SWEEP_BEST, true).iter().enumerate() {
        best[i].push(format!("least SLAV #{}", rank + 1));
    }
    let mut headers: Vec<String> = r.axes.iter().map(|a| a.key.clone()).collect();
    headers.extend(
        [
            "runs",
            "IT energy (kWh)",
            "energy saved",
            "cost saved",
            "migrations",
            "SLAV",
            "conflicts",
            "hosts on (mean)",
            "best",
        ]
        .map(String::from),
    );
    let long = points.len() > SWEEP_TABLE_MAX;
    let mut rows = Vec::new();
    for (p, best) in points.iter().zip(best) {
        if long && best.is_empty() {
            continue;
        }
        let mean = |m: Metric| r.stat(&p.runs, m).mean;
        let mut cells: Vec<String> = r
            .axes
            .iter()
            .zip(&p.values)
            .map(|(a, &v)| a.values[v].clone())
            .collect();
        cells.push(p.runs.len().to_string());
        cells.push(grouped(mean(Metric::ItKwh), 2));
        cells.push(opt_pct(mean(Metric::EnergySaving)));
        cells.push(opt_pct(mean(Metric::CostSaving)));
        cells.push(grouped(mean(Metric::Migrations), 1));
        cells.push(sci(mean(Metric::Slav)));
        cells.push(grouped(mean(Metric::Conflicts), 1));
        cells.push(format!("{:.1}", mean(Metric::MeanHostsOn)));
        rows.push(SweepTableRow { cells, best });
    }
    SweepTable {
        headers,
        hidden: points.len() - rows.len(),
        rows,
    }
}

/// A one-line summary of a sweep: the axis point with the least energy and the one with the
/// least SLAV (ties broken by the other).
pub fn sweep_verdict(r: &SweepResults) -> String {
    let points = r.points();
    let means = point_means(r, &points);
    let pick = |slav_first: bool| {
        best_by(&means, 1, slav_first)
            .first()
            .map(|&i| (point_name(r, &points[i]), means[i]))
    };
    match (pick(false), pick(true)) {
        (Some((e_name, (e, s))), Some((s_name, _))) if e_name == s_name => format!(
            "Least energy and least SLA violation: {e_name} ({} kWh, SLAV {}).",
            grouped(e, 2),
            sci(s)
        ),
        (Some((e_name, (e, _))), Some((s_name, (se, s)))) => format!(
            "Least energy: {e_name} ({} kWh). Least SLA violation: {s_name} (SLAV {}, {} kWh).",
            grouped(e, 2),
            sci(s),
            grouped(se, 2)
        ),
        _ => "No run has both an energy and a SLAV value.".to_string(),
    }
}

/// The headline rows of a sweep.
pub fn sweep_headlines(r: &SweepResults) -> Vec<Headline> {
    let points = r.points();
    let seeds = r.seeds_per_point();
    let mut rows = vec![Headline {
        label: "Runs",
        value: format!(
            "{} ({} axis point{} × {seeds} seed{})",
            r.runs.len(),
            points.len(),
            if points.len() == 1 { "" } else { "s" },
            if seeds == 1 { "" } else { "s" }
        ),
    }];
    if !r.axes.is_empty() {
        rows.push(Headline {
            label: "Axes",
            value: r
                .axes
                .iter()
                .map(|a| format!("{}: {}", a.key, a.values.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let mut seed_list: Vec<&str> = Vec::new();
    for run in &r.runs {
        if !seed_list.contains(&run.seed.as_str()) {
            seed_list.push(&run.seed);
        }
    }
    rows.push(Headline {
        label: "Seeds",
        value: if seed_list.iter().all(|s| s.is_empty()) {
            "the scenario's own seed".to_string()
        } else {
            seed_list.join(", ")
        },
    });
    let energy: Vec<f64> = r.runs.iter().map(|x| x.get(Metric::ItKwh)).collect();
    let lo = energy.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = energy.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi.is_finite() {
        rows.push(Headline {
            label: "IT energy",
            value: format!(
                "{} to {} kWh per run{}",
                grouped(lo, 2),
                grouped(hi, 2),
                r.shared_baseline().map_or(String::new(), |b| format!(
                    "; always-on baseline {} kWh",
                    grouped(b, 2)
                ))
            ),
        });
    }
    rows.push(Headline {
        label: "Verdict",
        value: sweep_verdict(r),
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(summary: serde_json::Value) -> RunSummary {
        RunSummary {
            dir: "r".into(),
            json: summary,
            files: Default::default(),
            scenario_text: None,
        }
    }

    /// Conflicts list only the kinds that happened; without a baseline the saving says why
    /// it is missing; absent keys leave their row out.
    #[test]
    fn headlines_come_from_summary_keys() {
        let run = run_with(serde_json::json!({
            "energy": {"it_kwh": 1234.56, "cost": 99.5, "currency": "EUR"},
            "conflicts": {"total": 5, "by_kind": {"ping-pong": 5, "shutdown-refused": 0}},
            "baseline": null,
            "savings": null
        }));
        let rows = run_headlines(&run);
        let value = |label: &str| {
            rows.iter()
                .find(|h| h.label == label)
                .map(|h| h.value.clone())
        };
        assert_eq!(value("IT energy").as_deref(), Some("1\u{202f}234.6 kWh"));
        assert_eq!(value("Cost").as_deref(), Some("99.50 EUR"));
        assert_eq!(value("Conflicts").as_deref(), Some("5 (ping-pong 5)"));
        assert_eq!(
            value("Saving vs always-on").as_deref(),
            Some("not computed (run with --no-baseline)")
        );
        assert_eq!(value("Migrations"), None);
    }

    /// The sample sweep's means: energy 100, 100, 82, 91 and SLAV 0, 0, 2e-6, 1e-6. Least
    /// energy: spare 0.1, spare 0.3, then always-on 0.1 (tied with 0.3 on both, first in run
    /// order). Least SLAV: the two always-on points (SLAV 0, same energy: run order), then
    /// spare 0.3.
    #[test]
    fn sweep_table_marks_the_best_points() {
        let r = crate::chart::sweep_results::sample();
        let table = sweep_table(&r);
        assert_eq!(table.hidden, 0);
        let best: Vec<String> = table.rows.iter().map(|row| row.best.join(", ")).collect();
        assert_eq!(
            best,
            [
                "least energy #3, least SLAV #1",
                "least SLAV #2",
                "least energy #1",
                "least energy #2, least SLAV #3"
            ]
        );
        assert_eq!(
            table.rows[3].cells,
            [
                "spare-capacity",
                "0.3",
                "2",
                "91.00",
                // 1 - 91/110
                "17.3 %",
                "17.3 %",
                "6.0",
                "1.000e-6",
                "0.0",
                "8.0"
            ]
        );
        assert_eq!(table.headers.len(), table.rows[0].cells.len() + 1);
        assert_eq!(
            sweep_verdict(&r),
            "Least energy: name=spare-capacity, headroom=0.1 (82.00 kWh). Least SLA violation: name=always-on, headroom=0.1 (SLAV 0, 100.00 kWh)."
        );
    }

    /// A fraction that rounds to zero never reads as negative.
    #[test]
    fn percentages_have_no_negative_zero() {
        assert_eq!(pct(-0.00004, 1), "0.0 %");
        assert_eq!(pct(-0.004, 1), "-0.4 %");
        assert_eq!(pct(0.25, 0), "25 %");
    }

    /// Spans read the way a planner says them; minutes are dropped once a span has days.
    #[test]
    fn spans_are_human() {
        assert_eq!(human_span(172_800.0), "2 days");
        assert_eq!(human_span(108_000.0), "1 day 6 h");
        assert_eq!(human_span(12_000.0), "3 h 20 min");
        assert_eq!(human_span(45.0), "45 s");
    }
}
