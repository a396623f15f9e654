//! Reports of a run, a comparison and a sweep: `report.html`, self-contained (inline CSS, charts as
//! inline SVG, the run's time series drawn by an inline script of our own, nothing fetched),
//! and `report.md` for wikis (charts as PNG links); `report.pdf` on request ([`pdf`]). Both
//! open with a paragraph that answers the question in plain words ([`executive`]) and are built
//! from the same headline rows, read from `summary.json` as its typed
//! [`crate::output::SummaryFile`] (older folders load with defaults for later fields).

mod executive;
mod html;
mod interactive;
mod markdown;
pub mod pdf;

pub use html::{comparison_html, run_html, sweep_html};
pub use interactive::explorer;
pub use markdown::{comparison_markdown, run_markdown, sweep_markdown};

use crate::chart::data::Comparison;
use crate::chart::sweep_results::{AxisPoint, Metric};
use crate::chart::tolerance::{
    self, ENERGY, HOURS_ABOVE, Lead, UNSERVED, lead, rank, tolerance_note,
};
use crate::chart::{RunSummary, SweepResults, grouped, kg_decimals};
use crate::output::ComparisonRow;
use crate::output::files::SCENARIO_COPY_FILE;

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
pub(crate) fn pct(f: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, f * 100.0);
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => format!("{rest} %"),
        _ => format!("{text} %"),
    }
}

/// What SLAV measures, in one line (printed where SLA metrics read `none`).
pub const SLAV_MEANING: &str =
    "SLAV = SLATAH × PDM: time hosts spent at 100 % CPU while active × CPU lost to migrations";

/// A value that is 0 reads `none`, else `text`.
fn or_none(v: f64, text: impl FnOnce(f64) -> String) -> String {
    if v == 0.0 {
        "none".to_string()
    } else {
        text(v)
    }
}

/// A SLAV-like number: `none` at 0, else scientific with 3 decimals.
fn sci_or_none(v: f64) -> String {
    or_none(v, |v| format!("{v:.3e}"))
}

/// The SLA row of a run: zero metrics read `none` (not `0.000e0`), with what SLAV measures.
fn sla_headline(run: &RunSummary) -> String {
    let sla = &run.run().sla;
    let (slatah, pdm, slav, esv) = (sla.slatah, sla.pdm, sla.slav, sla.esv);
    let text = format!(
        "SLATAH {}, PDM {}, SLAV {}, ESV {}",
        or_none(slatah, |v| pct(v, 3)),
        or_none(pdm, |v| pct(v, 4)),
        sci_or_none(slav),
        sci_or_none(esv)
    );
    if [slatah, pdm, slav, esv].contains(&0.0) {
        format!("{text} ({SLAV_MEANING})")
    } else {
        text
    }
}

/// The headline numbers of a run, from its `summary.json`.
pub fn run_headlines(run: &RunSummary) -> Vec<Headline> {
    let r = run.run();
    let (e, v, m, h) = (&r.energy, &r.vms, &r.migrations, &r.hosts);
    let cur = run.currency();
    let count = |n: usize| grouped(n as f64, 0);
    let saving = match (&run.file.savings, &run.file.baseline) {
        (Some(s), Some(b)) => format!(
            "{} kWh ({}) and {} {cur} ({}) of always-on's {} kWh",
            grouped(s.energy_kwh, 1),
            pct(s.energy_fraction, 1),
            grouped(s.cost, 2),
            pct(s.cost_fraction, 1),
            grouped(b.it_kwh, 1)
        ),
        _ => "not computed (run with --no-baseline)".to_string(),
    } + &caveat(run);
    let mut served = format!(
        "{} of {} VMs placed, {} of CPU demand unserved",
        count(v.count.saturating_sub(v.unplaced)),
        count(v.count),
        pct(v.unserved_fraction, 1)
    );
    if let Some(b) = &run.file.baseline {
        served += &format!(
            "; always-on: {} never placed, {} unserved",
            count(b.vms_unplaced),
            pct(b.unserved_fraction, 1)
        );
    }
    let kinds = r
        .conflicts
        .by_kind
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {}", count(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let conflicts = if kinds.is_empty() {
        count(r.conflicts.total)
    } else {
        format!("{} ({kinds})", count(r.conflicts.total))
    };
    let rows = [
        (
            "Simulated",
            format!(
                "{}, seed {}, {} hosts, {} VMs",
                human_span(r.duration_s),
                r.seed,
                count(h.count),
                count(v.count)
            ),
        ),
        ("IT energy", format!("{} kWh", grouped(e.it_kwh, 1))),
        (
            "Facility energy",
            format!("{} kWh (PUE {})", grouped(e.facility_kwh, 1), run.pue()),
        ),
        ("Cost", format!("{} {cur}", grouped(e.cost, 2))),
        ("Saving vs always-on", saving),
        ("Workload served", served),
        (
            "Migrations",
            format!(
                "{} ({} aborted), mean {:.1} s, {} GB moved",
                count(m.count),
                count(m.aborted),
                m.mean_duration_s,
                grouped(m.data_gb, 1)
            ),
        ),
        ("SLA", sla_headline(run)),
        ("Conflicts", conflicts),
        (
            "Hosts on",
            format!(
                "mean {:.1}, min {}, max {}; {} boots, {} shutdowns",
                h.mean_on,
                count(h.min_on),
                count(h.max_on),
                grouped(h.boots as f64, 0),
                grouped(h.shutdowns as f64, 0)
            ),
        ),
        ("Packing", packing_headline(r.packing.as_ref())),
        (
            "Migrations per VM-day",
            migration_spread(&r.migration_spread),
        ),
        ("Performance impact", impact_headline(run)),
    ];
    let mut rows: Vec<(&'static str, String)> = rows.into_iter().collect();
    rows.extend(rack_headline(run));
    rows.extend(carbon_headlines(run));
    rows.extend(failure_headlines(run));
    rows.extend(rules_headline(run));
    rows.into_iter()
        .map(|(label, value)| Headline { label, value })
        .collect()
}

/// Hosts on and their idle power against the lower bounds (`summary.json` → `packing`), at
/// night and by day.
fn packing_headline(p: Option<&crate::sim::records::PackingSummary>) -> String {
    let ratio = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.2}×"));
    match p {
        Some(p) if p.rows > 0 => format!(
            "hosts on {} the fewest that could hold the VMs at night, {} by day; their idle power {} the least that could, {} by day",
            ratio(p.night_ratio),
            ratio(p.day_ratio),
            ratio(p.idle_night_ratio),
            ratio(p.idle_day_ratio)
        ),
        _ => "no VM ran".to_string(),
    }
}

/// The failure rows of a run with host failures (none without): failures and repairs, the
/// VMs they stopped and how their restarts went, downtime and capacity shortfall.
fn failure_headlines(run: &RunSummary) -> Vec<(&'static str, String)> {
    let Some(f) = &run.run().failures else {
        return Vec::new();
    };
    let count = |n: u64| grouped(n as f64, 0);
    vec![
        (
            "Host failures",
            format!(
                "{} failures, {} repairs, {} host-hours failed; {} migrations aborted",
                count(f.failures),
                count(f.repairs),
                grouped(f.host_failed_hours, 1),
                count(f.migrations_aborted)
            ),
        ),
        (
            "VM restarts",
            format!(
                "{} VM stops ({} VMs), {} restarted after the {} s delay, {} of them waited for a host (a boot or a repair); p99 stop to restart {} s; {} still down at the end",
                count(f.vm_stops),
                count(f.vms_hit),
                count(f.restarts),
                grouped(f.restart_delay_s, 0),
                count(f.restarts_waited),
                grouped(f.restart_p99_s, 0),
                count(f.vms_down_at_end)
            ),
        ),
        (
            "VM downtime",
            format!(
                "{} VM-hours in all, p99 per VM hit {} h; {} vCPU-hours of demand not served while down",
                grouped(f.downtime_vm_hours, 2),
                grouped(f.downtime_p99_hours, 2),
                grouped(f.shortfall_core_hours, 2)
            ),
        ),
    ]
}

/// The placement rules' row of a run with rules (none without): hosts on and IT energy with
/// them, against the same scenario and seed without them.
fn rules_headline(run: &RunSummary) -> Option<(&'static str, String)> {
    let r = run.run().rules.as_ref()?;
    let together = if r.affinity_groups > 0 {
        format!(", {} keep-together", grouped(r.affinity_groups as f64, 0))
    } else {
        String::new()
    };
    let groups = format!(
        "{} anti-affinity{together} and {} host-class group(s)",
        grouped(r.anti_affinity_groups as f64, 0),
        grouped(r.class_groups as f64, 0)
    );
    let kwh = |v: f64| format!("{} kWh", grouped(v, kg_decimals(v)));
    let cost = match (r.without_rules_mean_hosts_on, r.without_rules_it_kwh) {
        (Some(on), Some(without)) => format!(
            "{} hosts on (mean) and {} with them, {} and {} without: {} hosts and {}{}",
            grouped(r.mean_hosts_on, 2),
            kwh(r.it_kwh),
            grouped(on, 2),
            kwh(without),
            signed(r.mean_hosts_on - on, 2),
            if r.it_kwh >= without { "+" } else { "-" },
            kwh((r.it_kwh - without).abs())
        ),
        _ => format!(
            "{} hosts on (mean) and {} with them; the run without them was skipped (--no-baseline)",
            grouped(r.mean_hosts_on, 2),
            kwh(r.it_kwh)
        ),
    };
    Some(("Placement rules", format!("{groups}: {cost}")))
}

/// `v` with its sign, grouped: `+1.5`, `-0.25`.
fn signed(v: f64, decimals: usize) -> String {
    if v >= 0.0 {
        format!("+{}", grouped(v, decimals))
    } else {
        format!("-{}", grouped(-v, decimals))
    }
}

/// The switches' row of a run with `[racks]` (none without): their part of the IT energy
/// and the switch-hours on, against always-on's switches.
fn rack_headline(run: &RunSummary) -> Option<(&'static str, String)> {
    let k = run.run().racks.as_ref()?;
    let baseline = k.baseline_switch_kwh.map_or(String::new(), |b| {
        format!("; always-on's: {} kWh", grouped(b, 1))
    });
    Some((
        "Top-of-rack switches",
        format!(
            "{} kWh of the IT energy: {} racks, {} W a switch, {} switch-hours on ({}){baseline}",
            grouped(k.switch_kwh, 1),
            grouped(k.count as f64, 0),
            executive::significant(k.switch_w, 3),
            grouped(k.switch_on_hours, 1),
            match (k.switch_mode.as_str(), k.prefer_empty) {
                ("always-on", _) => "switches always on",
                (_, false) => "a switch is on while a host of its rack is",
                (_, true) =>
                    "a switch is on while a host of its rack is; power management empties whole racks first",
            }
        ),
    ))
}

/// The carbon rows of a run with `[carbon]` (none without): operational emissions and the
/// intensity they were drawn at, the saving against always-on, embodied emissions, and what
/// carbon-aware deferral saved.
fn carbon_headlines(run: &RunSummary) -> Vec<(&'static str, String)> {
    let Some(c) = &run.run().carbon else {
        return Vec::new();
    };
    let kg = |v: f64| format!("{} kgCO2e", grouped(v, kg_decimals(v)));
    let mut rows = vec![(
        "Operational emissions",
        format!(
            "{} (facility energy at a mean {} gCO2e/kWh; grid {} to {}, {})",
            kg(c.operational_kg),
            grouped(c.mean_intensity_g_per_kwh, 0),
            grouped(c.min_intensity_g_per_kwh, 0),
            grouped(c.max_intensity_g_per_kwh, 0),
            c.intensity_source
        ),
    )];
    rows.push((
        "Emissions saved vs always-on",
        match (c.saved_kg, c.baseline_operational_kg) {
            (Some(s), Some(b)) => format!(
                "{} of always-on's {} (operational only){}",
                kg(s),
                kg(b),
                caveat(run)
            ),
            _ => "not computed (run with --no-baseline)".to_string(),
        },
    ));
    rows.push((
        "Embodied emissions",
        format!(
            "{} amortised over the simulated time (reported apart; {} in all)",
            kg(c.embodied_kg),
            kg(c.total_kg)
        ),
    ));
    if let Some(d) = &c.deferral {
        let saved = match (d.saved_kg, d.without_deferral_kg) {
            (Some(s), Some(w)) => format!(
                "; {} {} against the same run without deferral ({})",
                if s >= 0.0 { "saves" } else { "costs an extra" },
                kg(s.abs()),
                kg(w)
            ),
            _ => "; the run without deferral was skipped (--no-baseline)".to_string(),
        };
        rows.push((
            "Carbon-aware deferral",
            format!(
                "{} VMs waited a mean {} h for a cleaner hour (at most {} h){saved}",
                grouped(d.vms_deferred as f64, 0),
                grouped(d.mean_delay_h, 1),
                grouped(d.max_delay_h, 1)
            ),
        ));
    }
    rows
}

/// The migration spread row: per VM-day statistics and the window split.
fn migration_spread(s: &crate::sim::records::MigrationSpread) -> String {
    let d = &s.per_vm_day;
    let count = |n: u64| grouped(n as f64, 0);
    let window = if s.window.is_empty() {
        "the window".to_string()
    } else {
        format!("the window ({})", s.window)
    };
    format!(
        "median {}, p90 {}, max {} over {} VM-days ({} with a move); {} planned inside {window}, {} outside",
        d.median,
        d.p90,
        d.max,
        count(d.vm_days),
        count(d.vm_days_moved),
        count(s.inside_window),
        count(s.outside_window)
    )
}

/// The performance impact of a run as operators read it: demand not served (share,
/// vCPU-hours, 99th percentile per VM-hour), host time above the stated utilisation, stun
/// time per VM and VMs disturbed per day.
fn impact_headline(run: &RunSummary) -> String {
    let r = run.run();
    let (v, i) = (&r.vms, &r.impact);
    format!(
        "{} of CPU demand not served ({} vCPU-h; 99th percentile per VM-hour {}); hosts above {} utilisation for {} host-hours ({} of their time on); stun per VM: worst {} s, mean {} s; {} VMs disturbed per day (most {})",
        pct(v.unserved_fraction, 2),
        grouped(v.unserved_demand_core_h, 1),
        pct(i.unserved_p99_vm_hour, 2),
        pct(i.high_utilisation, 0),
        grouped(i.host_hours_above, 1),
        pct(i.host_share_above, 1),
        grouped(i.stun_worst_vm_s, 2),
        grouped(i.stun_mean_vm_s, 2),
        grouped(i.vms_disturbed_per_day, 1),
        grouped(i.vms_disturbed_max_day as f64, 0)
    )
}

/// The saving's caveat (` — not like-for-like: …`) when the run and its baseline served
/// different workloads; empty otherwise.
fn caveat(run: &RunSummary) -> String {
    run.file
        .savings
        .as_ref()
        .map(|s| s.caveat.as_str())
        .filter(|c| !c.is_empty())
        .map_or(String::new(), |c| format!(" — {c}"))
}

/// A comparison's table in the reports: headers, one row of cells per variant, and a line
/// for each SLA metric that is 0 in every variant (its cells read `none`) saying what it
/// measures.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonTable {
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Cells per variant, in variant order.
    pub rows: Vec<Vec<String>>,
    /// Lines under the table.
    pub notes: Vec<String>,
}

/// A column of the comparison table: header and the cell of a row.
type TextColumn = (&'static str, fn(&ComparisonRow) -> String);

/// The SLA columns: header, value, cell text, and what the metric measures.
type SlaColumn = (
    &'static str,
    fn(&ComparisonRow) -> f64,
    fn(f64) -> String,
    &'static str,
);

/// The comparison's table.
pub fn comparison_table(cmp: &Comparison) -> ComparisonTable {
    fn opt_pct(v: Option<f64>) -> String {
        v.map_or_else(|| "–".to_string(), |f| pct(f, 1))
    }
    let plain: [TextColumn; 6] = [
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
    ];
    let sla: [SlaColumn; 3] = [
        (
            "SLATAH",
            |r| r.slatah,
            |v| or_none(v, |v| pct(v, 3)),
            "the share of active time hosts spent at 100 % CPU",
        ),
        (
            "PDM",
            |r| r.pdm,
            |v| or_none(v, |v| pct(v, 4)),
            "the share of requested CPU lost to live migrations",
        ),
        (
            "SLAV (SLATAH × PDM)",
            |r| r.slav,
            sci_or_none,
            "both at once, the SLA violation of Beloglazov 2012",
        ),
    ];
    let rest: [TextColumn; 8] = [
        ("conflicts", |r| grouped(r.conflicts as f64, 0)),
        ("hosts on (mean)", |r| format!("{:.1}", r.mean_hosts_on)),
        ("VMs never placed", |r| grouped(r.vms_unplaced as f64, 0)),
        ("demand unserved", |r| pct(r.unserved_fraction, 2)),
        ("unserved p99 per VM-hour", |r| {
            pct(r.unserved_p99_vm_hour, 2)
        }),
        ("host-hours above high utilisation", |r| {
            grouped(r.host_hours_above, 1)
        }),
        ("worst VM stun (s)", |r| grouped(r.stun_worst_vm_s, 2)),
        ("VMs disturbed per day", |r| {
            grouped(r.vms_disturbed_per_day, 1)
        }),
    ];
    let mut headers: Vec<&'static str> = plain.iter().map(|c| c.0).collect();
    headers.extend(sla.iter().map(|c| c.0));
    headers.extend(rest.iter().map(|c| c.0));
    let rows = cmp
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = plain.iter().map(|c| (c.1)(r)).collect();
            cells.extend(sla.iter().map(|c| (c.2)((c.1)(r))));
            cells.extend(rest.iter().map(|c| (c.1)(r)));
            cells
        })
        .collect();
    let notes = sla
        .iter()
        .filter(|c| !cmp.rows.is_empty() && cmp.rows.iter().all(|r| (c.1)(r) == 0.0))
        .map(|c| format!("{} is none in every variant: it measures {}.", c.0, c.3))
        .collect();
    ComparisonTable {
        headers,
        rows,
        notes,
    }
}

/// Names as `a`, `a and b`, `a, b and c`, `a, b, c and 2 more`.
fn name_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] if names.len() <= 3 => format!("{} and {last}", first.join(", ")),
        _ => format!("{} and {} more", names[..3].join(", "), names.len() - 3),
    }
}

/// One metric's part of a verdict: `Least energy: x (620.0 kWh).`, a tie within the
/// tolerance, or (SLAV) none anywhere. `name` names the i-th candidate, `value` formats a
/// value, `detail` adds to a clear winner's value; `anywhere` is `in any variant` or `at
/// any point`.
fn verdict_part(
    title: &str,
    values: &[f64],
    tol: tolerance::Tolerance,
    name: &dyn Fn(usize) -> String,
    value: &dyn Fn(f64) -> String,
    anywhere: &str,
) -> String {
    // An impact metric within its floor of 0 everywhere has no winner; energy always has.
    match lead(values, tol, tol != ENERGY) {
        Lead::Clear(i) => format!("Least {title}: {} ({}).", name(i), value(values[i])),
        Lead::Tied(tied) => {
            let names: Vec<String> = tied.iter().map(|&i| name(i)).collect();
            let (lo, hi) = (value(values[tied[0]]), value(values[tied[tied.len() - 1]]));
            let span = if lo == hi {
                format!("each {lo}")
            } else {
                format!("{lo} to {hi}")
            };
            format!(
                "Least {title}: no clear winner: {} are within the tolerance ({span}).",
                name_list(&names)
            )
        }
        Lead::Negligible { zero: true } => format!("{}: none {anywhere}.", capitalised(title)),
        Lead::Negligible { zero: false } => format!(
            "{}: negligible {anywhere} (at most {}).",
            capitalised(title),
            value(tol.absolute)
        ),
        Lead::Unknown => format!("{}: no value {anywhere}.", capitalised(title)),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
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
        let path = cmp.dir.join(&row.run_dir).join(SCENARIO_COPY_FILE);
        if let Ok(text) = std::fs::read_to_string(path) {
            out.push((
                row.scenario.clone(),
                crate::output::strip_copy_header(&text).to_string(),
            ));
        }
    }
    out
}

/// What a comparison found: the variant with the least energy and the one with the least
/// CPU demand not served, each named only when it beats the others by more than the
/// tolerance (which is stated after the verdict); none unserved anywhere is `none`.
pub fn comparison_verdict(cmp: &Comparison) -> String {
    let name = |i: usize| cmp.rows[i].variant.clone();
    let energy: Vec<f64> = cmp.rows.iter().map(|r| r.it_kwh).collect();
    let unserved: Vec<f64> = cmp.rows.iter().map(|r| r.unserved_fraction).collect();
    format!(
        "{} {} {} {}",
        verdict_part(
            "energy",
            &energy,
            ENERGY,
            &name,
            &|v| format!("{} kWh", grouped(v, 1)),
            "in any variant"
        ),
        verdict_part(
            UNSERVED_TITLE,
            &unserved,
            UNSERVED,
            &name,
            &|v| pct(v, 2),
            "in any variant"
        ),
        verdict_part(
            HOURS_ABOVE_TITLE,
            &cmp.rows
                .iter()
                .map(|r| r.host_hours_above)
                .collect::<Vec<_>>(),
            HOURS_ABOVE,
            &name,
            &host_hours,
            "in any variant"
        ),
        tolerance_note()
    )
}

/// The second impact metric's name in verdicts.
const HOURS_ABOVE_TITLE: &str = "host time above the high utilisation";

/// Host-hours as a verdict prints them.
fn host_hours(v: f64) -> String {
    format!("{} host-hours", grouped(v, 1))
}

/// The impact metric's name in verdicts.
const UNSERVED_TITLE: &str = "CPU demand not served";

/// How many axis points are marked best by energy and by CPU demand not served in a sweep's
/// table.
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
    /// Lines under the table (what a metric that reads `none` everywhere measures).
    pub notes: Vec<String>,
}

/// One row of a sweep's table.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTableRow {
    /// Cells, one per header but the last.
    pub cells: Vec<String>,
    /// Why the row is marked (`least energy #1`, `least unserved #2`), empty if it is not.
    pub best: Vec<String>,
}

/// Mean energy and CPU demand not served of each axis point, in point order.
fn point_means(r: &SweepResults, points: &[AxisPoint]) -> Vec<(f64, f64)> {
    points
        .iter()
        .map(|p| {
            (
                r.stat(&p.runs, Metric::ItKwh).mean,
                r.stat(&p.runs, Metric::Unserved).mean,
            )
        })
        .collect()
}

/// Indices of the `k` best points by energy (`impact_first`: by CPU demand not served), each
/// pick the least of the other metric among those within the tolerance of the least (see
/// [`tolerance::rank`]). No point is best by demand not served when it is negligible
/// everywhere.
fn best_by(means: &[(f64, f64)], k: usize, impact_first: bool) -> Vec<usize> {
    let energy: Vec<f64> = means.iter().map(|m| m.0).collect();
    let unserved: Vec<f64> = means.iter().map(|m| m.1).collect();
    if impact_first {
        if matches!(lead(&unserved, UNSERVED, true), Lead::Negligible { .. }) {
            return Vec::new();
        }
        rank(&unserved, UNSERVED, &energy, k)
    } else {
        rank(&energy, ENERGY, &unserved, k)
    }
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

/// A share to two decimals of a percent (demand not served), `–` when unknown.
fn opt_pct2(v: f64) -> String {
    if v.is_finite() {
        pct(v, 2)
    } else {
        "–".to_string()
    }
}

/// The table of a sweep's axis points: axis values, runs, mean headline numbers, and the
/// [`SWEEP_BEST`] points with least energy and least CPU demand not served marked.
pub fn sweep_table(r: &SweepResults) -> SweepTable {
    let points = r.points();
    let means = point_means(r, &points);
    let mut best: Vec<Vec<String>> = vec![Vec::new(); points.len()];
    for (rank, &i) in best_by(&means, SWEEP_BEST, false).iter().enumerate() {
        best[i].push(format!("least energy #{}", rank + 1));
    }
    for (rank, &i) in best_by(&means, SWEEP_BEST, true).iter().enumerate() {
        best[i].push(format!("least unserved #{}", rank + 1));
    }
    let mut headers: Vec<String> = r.axes.iter().map(|a| a.key.clone()).collect();
    headers.extend(
        [
            "runs",
            "IT energy (kWh)",
            "energy saved",
            "cost saved",
            "migrations",
            "demand unserved",
            "SLAV",
            "conflicts",
            "hosts on (mean)",
            "best",
        ]
        .map(String::from),
    );
    let slav_none = !points.is_empty()
        && points
            .iter()
            .all(|p| r.stat(&p.runs, Metric::Slav).mean == 0.0);
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
        cells.push(opt_pct2(mean(Metric::Unserved)));
        cells.push(if slav_none {
            "none".to_string()
        } else {
            sci(mean(Metric::Slav))
        });
        cells.push(grouped(mean(Metric::Conflicts), 1));
        cells.push(format!("{:.1}", mean(Metric::MeanHostsOn)));
        rows.push(SweepTableRow { cells, best });
    }
    let notes = if slav_none {
        vec![format!("SLAV is none at every point ({SLAV_MEANING}).")]
    } else {
        Vec::new()
    };
    SweepTable {
        headers,
        hidden: points.len() - rows.len(),
        rows,
        notes,
    }
}

/// What a sweep found: the axis point with the least energy and the one with the least CPU
/// demand not served (one sentence when it is the same point), each named only when it beats
/// the others by more than the tolerance (stated after the verdict).
pub fn sweep_verdict(r: &SweepResults) -> String {
    let points = r.points();
    let means = point_means(r, &points);
    let energy: Vec<f64> = means.iter().map(|m| m.0).collect();
    let unserved: Vec<f64> = means.iter().map(|m| m.1).collect();
    let verdict = match (
        lead(&energy, ENERGY, false),
        lead(&unserved, UNSERVED, true),
    ) {
        (Lead::Unknown, _) | (_, Lead::Unknown) => {
            return "No run has both an energy and a demand-not-served value.".to_string();
        }
        (Lead::Clear(e), Lead::Clear(u)) if e == u => format!(
            "Least energy and least CPU demand not served: {} ({} kWh, {} not served).",
            point_name(r, &points[e]),
            grouped(energy[e], 2),
            pct(unserved[e], 2)
        ),
        (_, u_lead) => {
            let name = |i: usize| point_name(r, &points[i]);
            let energy_part = verdict_part(
                "energy",
                &energy,
                ENERGY,
                &name,
                &|v| format!("{} kWh", grouped(v, 2)),
                "at any point",
            );
            let impact_part = match u_lead {
                Lead::Clear(u) => format!(
                    "Least CPU demand not served: {} ({}, {} kWh).",
                    name(u),
                    pct(unserved[u], 2),
                    grouped(energy[u], 2)
                ),
                _ => verdict_part(
                    UNSERVED_TITLE,
                    &unserved,
                    UNSERVED,
                    &name,
                    &|v| pct(v, 2),
                    "at every point",
                ),
            };
            format!("{energy_part} {impact_part}")
        }
    };
    let above: Vec<f64> = points
        .iter()
        .map(|p| r.stat(&p.runs, Metric::HostHoursAbove).mean)
        .collect();
    let above_part = verdict_part(
        HOURS_ABOVE_TITLE,
        &above,
        HOURS_ABOVE,
        &|i| point_name(r, &points[i]),
        &host_hours,
        "at every point",
    );
    format!("{verdict} {above_part} {}", tolerance_note())
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

    use crate::output::SummaryFile;
    use crate::sim::records::{ConflictSummary, EnergySummary, SlaSummary, Summary};

    fn run_with(summary: Summary) -> RunSummary {
        RunSummary {
            dir: "r".into(),
            file: SummaryFile {
                summary,
                baseline: None,
                savings: None,
                report: None,
                format: Default::default(),
            },
            files: Default::default(),
            scenario_text: None,
        }
    }

    /// Conflicts list only the kinds that happened; without a baseline the saving says why
    /// it is missing; every row is there, zeros included.
    #[test]
    fn headlines_come_from_the_typed_summary() {
        let run = run_with(Summary {
            energy: EnergySummary {
                it_kwh: 1234.56,
                cost: 99.5,
                currency: "EUR".into(),
                ..EnergySummary::default()
            },
            conflicts: ConflictSummary {
                total: 5,
                by_kind: [
                    ("ping-pong".to_string(), 5),
                    ("shutdown-refused".to_string(), 0),
                ]
                .into(),
            },
            ..Summary::default()
        });
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
        assert_eq!(
            value("Migrations").as_deref(),
            Some("0 (0 aborted), mean 0.0 s, 0.0 GB moved")
        );
    }

    /// With `[racks]` the headlines add the switches' row (kWh, racks, draw, switch-hours,
    /// mode, always-on's kWh); without, no such row.
    #[test]
    fn the_switches_row_states_their_energy_against_always_on() {
        let label = "Top-of-rack switches";
        let plain = run_headlines(&run_with(Summary::default()));
        assert!(!plain.iter().any(|h| h.label == label));
        let run = run_with(Summary {
            racks: Some(crate::sim::records::RackSummary {
                count: 8,
                switch_w: 240.0,
                switch_mode: "with-hosts".into(),
                switch_kwh: 40.0,
                switch_on_hours: 166.5,
                baseline_switch_kwh: Some(92.2),
                ..Default::default()
            }),
            ..Summary::default()
        });
        let rows = run_headlines(&run);
        let row = rows.iter().find(|h| h.label == label).unwrap();
        assert_eq!(
            row.value,
            "40.0 kWh of the IT energy: 8 racks, 240 W a switch, 166.5 switch-hours on (a switch \
             is on while a host of its rack is); always-on's: 92.2 kWh"
        );
    }

    /// The migration spread row states the per-VM-day statistics and the window split as
    /// the summary has them.
    #[test]
    fn migration_spread_row_reads_the_summary() {
        use crate::sim::records::{MigrationSpread, PerVmDay};
        let run = run_with(Summary {
            migration_spread: MigrationSpread {
                per_vm_day: PerVmDay {
                    vm_days: 15120,
                    vm_days_moved: 5272,
                    median: 0,
                    p90: 2,
                    max: 3,
                },
                window: "policy.calm.window".into(),
                inside_window: 2899,
                outside_window: 5198,
            },
            ..Summary::default()
        });
        let rows = run_headlines(&run);
        let row = rows
            .iter()
            .find(|h| h.label == "Migrations per VM-day")
            .expect("the row is there");
        assert_eq!(
            row.value,
            "median 0, p90 2, max 3 over 15\u{202f}120 VM-days (5\u{202f}272 with a move); \
             2\u{202f}899 planned inside the window (policy.calm.window), 5\u{202f}198 outside"
        );
    }

    /// The sample sweep's means: energy 100, 100, 82, 91 and demand not served 0, 0, 2 %,
    /// 1 % (SLAV 0, 0, 2e-6, 1e-6). Least energy: spare 0.1, spare 0.3, then always-on 0.1
    /// (tied with 0.3 on both, first in run order). Least unserved: the two always-on points
    /// (0, same energy: run order), then spare 0.3.
    #[test]
    fn sweep_table_marks_the_best_points() {
        let r = crate::chart::sweep_results::sample();
        let table = sweep_table(&r);
        assert_eq!(table.hidden, 0);
        let best: Vec<String> = table.rows.iter().map(|row| row.best.join(", ")).collect();
        assert_eq!(
            best,
            [
                "least energy #3, least unserved #1",
                "least unserved #2",
                "least energy #1",
                "least energy #2, least unserved #3"
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
                "1.00 %",
                "1.000e-6",
                "0.0",
                "8.0"
            ]
        );
        assert_eq!(table.headers.len(), table.rows[0].cells.len() + 1);
        // Always-on at 0.1 and 0.3 are the same run twice: neither is named the winner.
        assert_eq!(
            sweep_verdict(&r),
            format!(
                "Least energy: name=spare-capacity, headroom=0.1 (82.00 kWh). Least CPU demand not served: no clear winner: name=always-on, headroom=0.1 and name=always-on, headroom=0.3 are within the tolerance (each 0.00 %). Least host time above the high utilisation: no clear winner: name=always-on, headroom=0.1 and name=always-on, headroom=0.3 are within the tolerance (each 0.0 host-hours). {}",
                tolerance::tolerance_note()
            )
        );
    }

    fn cmp_row(variant: &str, it_kwh: f64, slav: f64) -> ComparisonRow {
        ComparisonRow::sample("s", variant, it_kwh, 0, slav)
    }

    fn comparison(rows: Vec<ComparisonRow>) -> Comparison {
        Comparison {
            dir: "cmp".into(),
            rows,
        }
    }

    /// Three variants with all CPU demand served: no variant "wins" on it, the report says
    /// none was unserved; power-only (620 kWh) beats thr-mmt (640) by 20 kWh, more than 1 % of 640.
    /// The tolerance is printed with the verdict.
    #[test]
    fn comparison_verdict_crowns_no_zero() {
        let cmp = comparison(vec![
            cmp_row("always-on", 1000.0, 0.0),
            cmp_row("power-only", 620.0, 0.0),
            cmp_row("thr-mmt", 640.0, 0.0),
        ]);
        let verdict = comparison_verdict(&cmp);
        assert!(!verdict.contains("Least CPU demand"), "{verdict}");
        assert!(
            verdict.starts_with(
                "Least energy: power-only (620.0 kWh). CPU demand not served: none in any variant."
            ),
            "{verdict}"
        );
        assert!(verdict.contains(&crate::chart::tolerance::tolerance_note()));
    }

    /// 620 and 625 kWh are within 1 % of each other: no single least-energy variant. Demand
    /// not served 2 % against 0.0007 % and 0: always-on and lazy tie on it (within the
    /// 0.01 % floor).
    #[test]
    fn comparison_verdict_names_ties_within_tolerance() {
        let cmp = comparison(vec![
            cmp_row("always-on", 1000.0, 0.0),
            cmp_row("thr-mmt", 620.0, 2e-6),
            cmp_row("lazy", 625.0, 7e-10),
        ]);
        assert!(
            comparison_verdict(&cmp).starts_with(
                "Least energy: no clear winner: thr-mmt and lazy are within the tolerance (620.0 kWh to 625.0 kWh). Least CPU demand not served: no clear winner: always-on and lazy are within the tolerance (each 0.00 %)."
            ),
            "{}",
            comparison_verdict(&cmp)
        );
    }

    /// A SLAV column that is 0 in every variant reads `none`, never `0.000e0`, and a line
    /// below the table says what SLAV, SLATAH and PDM measure.
    #[test]
    fn comparison_table_shows_metrics_zero_everywhere_as_none() {
        let cmp = comparison(vec![
            cmp_row("always-on", 1000.0, 0.0),
            cmp_row("power-only", 620.0, 0.0),
        ]);
        for report in [comparison_html(&cmp, &[]), comparison_markdown(&cmp, &[])] {
            assert!(!report.contains("0.000e0"), "{report}");
            assert!(!report.contains("Least SLA"), "{report}");
            assert!(report.contains("SLAV (SLATAH × PDM) is none in every variant"));
            assert!(report.contains("| none |") || report.contains(">none</td>"));
        }
    }

    /// The headroom sweep of sweeps/headroom.toml (means of its two seeds): demand not served
    /// 0.003 % at spare-capacity 0.1 and 0 elsewhere is no trade-off (below the 0.01 % floor);
    /// energy 860.12 kWh there is less than 875.75 at 0.2 by more than 1 %. No row is marked
    /// least unserved.
    #[test]
    fn sweep_verdict_ignores_noise_in_demand_not_served() {
        use crate::chart::sweep_results::Metric;
        let keys = vec![
            "policy.power.name".to_string(),
            "policy.power.headroom".to_string(),
        ];
        let names = ["always-on", "always-on", "spare-capacity", "spare-capacity"];
        let heads = ["0.1", "0.2", "0.1", "0.2"];
        let texts = vec![
            (0..4).map(|i| format!("r{i}")).collect(),
            vec![String::new(); 4],
            names.iter().map(|s| s.to_string()).collect(),
            heads.iter().map(|s| s.to_string()).collect(),
        ];
        let it = [1330.32, 1330.32, 860.12, 875.75];
        let unserved = [0.0, 0.0, 3e-5, 0.0];
        let numbers: Vec<Vec<f64>> = Metric::ALL
            .iter()
            .map(|m| match m {
                Metric::ItKwh => it.to_vec(),
                Metric::Unserved => unserved.to_vec(),
                Metric::BaselineItKwh => vec![1358.6; 4],
                _ => vec![1.0; 4],
            })
            .collect();
        let r = SweepResults::from_columns("h", &keys, &texts, &numbers, "EUR".into());
        assert_eq!(
            sweep_verdict(&r),
            format!(
                "Least energy: name=spare-capacity, headroom=0.1 (860.12 kWh). CPU demand not served: negligible at every point (at most 0.01 %). Host time above the high utilisation: negligible at every point (at most 1.0 host-hours). {}",
                crate::chart::tolerance::tolerance_note()
            )
        );
        let table = sweep_table(&r);
        assert!(
            table
                .rows
                .iter()
                .all(|row| !row.best.iter().any(|b| b.contains("unserved"))),
            "{table:?}"
        );
    }

    /// power-only (620 kWh) saves the most against the shared always-on 1 000 kWh: 380 kWh,
    /// 38 %, and 300 - 186 = 114 EUR (cost is 0.3 EUR per kWh in these rows); without a run
    /// folder to read the days from, no yearly figure; over 2 days, 380 × 182.5 = 69 350 kWh
    /// (69.35 MWh is stored a hair below, so 69.3) and 114 × 182.5 = 20 805 EUR a year. The
    /// other variants follow.
    #[test]
    fn comparison_paragraph_names_the_biggest_saving_and_its_cost() {
        let cmp = comparison(vec![
            cmp_row("always-on", 1000.0, 0.0),
            cmp_row("power-only", 620.0, 0.0),
            cmp_row("thr-mmt", 640.0, 1e-6),
        ]);
        assert_eq!(
            executive::comparison_paragraph(&cmp, None),
            "power-only saves the most against the always-on fleet: 380 kWh of IT energy (38.0 %) and 114 EUR over the run, at the cost of 0 migrations and 0.00 % of CPU demand unserved. For comparison: always-on saves 0.0 % with 0 migrations and 0.00 % unserved; thr-mmt saves 36.0 % with 0 migrations and 1.00 % unserved."
        );
        let yearly = executive::comparison_paragraph(&cmp, Some(2.0));
        assert!(
            yearly
                .contains("about 69.3 MWh and 20\u{202f}800 EUR a year (× 365 / 2 measured days)"),
            "{yearly}"
        );
    }

    /// The sample sweep's least-energy point is spare-capacity at headroom 0.1 (82 kWh), and
    /// the always-on point at 0.1 serves the most demand (0 unserved, 100 kWh).
    #[test]
    fn sweep_paragraph_names_the_least_energy_point() {
        let r = crate::chart::sweep_results::sample();
        let text = executive::sweep_paragraph(&r);
        assert!(
            text.starts_with(
                "Of 4 axis points, name=spare-capacity, headroom=0.1 uses the least IT energy: 82 kWh per run on average"
            ),
            "{text}"
        );
        assert!(
            text.contains("The point that serves the most demand is name=always-on, headroom=0.1 (0.00 % unserved, 100 kWh per run)."),
            "{text}"
        );
    }

    /// A run with SLATAH, SLAV and ESV 0 reads `none` for them, with what SLAV measures.
    #[test]
    fn run_headline_shows_zero_sla_as_none() {
        let run = run_with(Summary {
            sla: SlaSummary {
                slatah: 0.0,
                pdm: 0.00001,
                slav: 0.0,
                esv: 0.0,
            },
            ..Summary::default()
        });
        let sla = run_headlines(&run)
            .into_iter()
            .find(|h| h.label == "SLA")
            .unwrap()
            .value;
        assert_eq!(
            sla,
            "SLATAH none, PDM 0.0010 %, SLAV none, ESV none (SLAV = SLATAH × PDM: time hosts spent at 100 % CPU while active × CPU lost to migrations)"
        );
    }

    /// A fraction that rounds to zero never reads as negative.
    #[test]
    fn percentages_have_no_negative_zero() {
        assert_eq!(pct(-0.00004, 1), "0.0 %");
        assert_eq!(pct(-0.004, 1), "-0.4 %");
        assert_eq!(pct(0.25, 0), "25 %");
    }

    /// Carbon masses keep about three significant digits: a small fleet's grams are not
    /// printed as `0.0`.
    #[test]
    fn carbon_masses_keep_three_digits() {
        assert_eq!(
            [1234.5, 12.345, 0.0227, 0.0012, 0.0].map(kg_decimals),
            [1, 2, 3, 4, 1]
        );
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
