//! The report as a management document (issue 23): a first paragraph that answers the question
//! in plain words (the saving per year, what it costs in migrations and performance, how sure
//! we are), the caveats the run detected, the assumptions in words and the per-host-class table,
//! all from `summary.json` (its `report` block carries what the scenario said).

use super::{human_span, pct};
use crate::chart::RunSummary;
use crate::chart::SweepResults;
use crate::chart::data::Comparison;
use crate::chart::grouped;
use crate::chart::sweep_results::{AxisPoint, Metric};
use crate::output::ReportFacts;

/// Days in the year the yearly figures extrapolate to.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Below this many measured days a yearly figure ignores the weekly pattern, and says so.
const SHORT_RUN_DAYS: f64 = 7.0;

/// `v` to `digits` significant digits, thousands grouped (`12 300`, `4.56`, `0.0123`).
pub fn significant(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".to_string();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0);
    let scale = 10f64.powi(magnitude - digits + 1);
    let rounded = if decimals == 0 {
        (v / scale).round() * scale
    } else {
        v
    };
    let text = grouped(rounded, decimals as usize);
    // Trailing zeros after the point say nothing to a reader: `83.0` reads `83`.
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Energy in the unit a reader expects: `820 kWh`, `12.3 MWh`, `4.56 GWh` (3 significant digits).
pub fn energy(kwh: f64) -> String {
    let a = kwh.abs();
    if a >= 1e6 {
        format!("{} GWh", significant(kwh / 1e6, 3))
    } else if a >= 1e3 {
        format!("{} MWh", significant(kwh / 1e3, 3))
    } else {
        format!("{} kWh", significant(kwh, 3))
    }
}

/// A mass of CO2e in the unit a reader expects: `820 kg`, `12.3 t` (3 significant digits).
pub fn mass(kg: f64) -> String {
    if kg.abs() >= 1e3 {
        format!("{} t", significant(kg / 1e3, 3))
    } else {
        format!("{} kg", significant(kg, 3))
    }
}

/// Money to 3 significant digits with its currency: `12 300 EUR`.
pub fn money(v: f64, currency: &str) -> String {
    format!("{} {currency}", significant(v, 3))
}

/// Days the numbers were measured over: the run without its warm-up.
pub fn measured_days(run: &RunSummary) -> f64 {
    let r = run.run();
    ((r.duration_s - r.warmup_s) / 86_400.0).max(0.0)
}

/// How a yearly figure is extrapolated, in words.
pub fn annualised_how(days: f64) -> String {
    format!(
        "yearly figures are the run's × {} / {} measured days (warm-up excluded): every day of the year is assumed to look like the simulated ones",
        DAYS_PER_YEAR,
        significant(days, 3)
    )
}

/// The policies in a phrase: `consolidating with thr / mmt / pabfd and the spare-capacity power
/// policy`.
fn policy_phrase(facts: Option<&ReportFacts>) -> String {
    match facts {
        None => "this scenario's policies".to_string(),
        Some(f) => match &f.consolidation {
            Some(c) => format!(
                "consolidating ({} overload detection, {} VM selection, {} placement) with the {} power policy",
                c.detector, c.selection, c.placement, f.power
            ),
            None => format!("the {} power policy without consolidation", f.power),
        },
    }
}

/// The warm-up's caveat: the span left out, or, without one, the moves made from the initial
/// placement. A run of two whole days or more tells those apart: its first day is flagged
/// when it has more than [`FRONT_LOADED`] times the migrations of any later whole day (the
/// busiest, so that quiet weekends do not make a working Monday look like a start-up).
fn warmup_caveat(run: &RunSummary) -> Option<String> {
    let r = run.run();
    if r.warmup_s > 0.0 {
        return Some(format!(
            "A warm-up of {} at the start is left out of every figure.",
            human_span(r.warmup_s)
        ));
    }
    if r.migrations.count == 0 {
        return None;
    }
    let whole_days = (measured_days(run) as usize).min(r.migrations.per_day.len());
    if whole_days < 2 {
        return Some(
            "No warm-up was set: moves that pack the initial placement, if any, are counted with the rest, and a run shorter than two days cannot tell them apart (simulation.warmup leaves them out)."
                .to_string(),
        );
    }
    let first = r.migrations.per_day[0] as f64;
    let busiest = r.migrations.per_day[1..whole_days]
        .iter()
        .copied()
        .max()
        .unwrap_or(0) as f64;
    (first > FRONT_LOADED * busiest).then(|| {
        let more = if busiest == 0.0 {
            "none on any day after it".to_string()
        } else if first >= 2.0 * busiest {
            format!("{} times the most of any day after it ({})", significant(first / busiest, 2), grouped(busiest, 0))
        } else {
            format!("{} more than any day after it (at most {})", pct(first / busiest - 1.0, 0), grouped(busiest, 0))
        };
        format!(
            "No warm-up was set: the first day has {} migrations, {more}: moves from the initial placement, counted as the policy's work; simulation.warmup = \"1d\" leaves them out.",
            grouped(first, 0),
        )
    })
}

/// How many times the busiest later day's migrations the first day must have to be called a
/// start-up: 10 % more (a judgement; no published threshold exists).
const FRONT_LOADED: f64 = 1.1;

/// What the run detected that bends its figures, each in a sentence; empty when nothing does.
/// The saving's own caveat (`savings.caveat`, not like-for-like) comes first, then VMs never
/// placed, an over-subscribed baseline, demand not served, memory pressure, the warm-up, a
/// short run, host failures, the cloudsim profile and the warnings the run printed.
pub fn caveats(run: &RunSummary) -> Vec<String> {
    let r = run.run();
    let mut out = Vec::new();
    if let Some(s) = run.file.savings.as_ref().filter(|s| !s.caveat.is_empty()) {
        out.push(format!("The saving is {}.", s.caveat));
    }
    if r.vms.unplaced > 0 {
        out.push(format!(
            "{} of {} VMs were never placed (no host could take them); their demand counts as not served.",
            grouped(r.vms.unplaced as f64, 0),
            grouped(r.vms.count as f64, 0)
        ));
    }
    if let Some(b) = run.file.baseline.as_ref().filter(|b| b.vms_unplaced > 0) {
        out.push(format!(
            "The fleet is over-subscribed: even with every host on, {} VMs found no host.",
            grouped(b.vms_unplaced as f64, 0)
        ));
    }
    if r.vms.unserved_fraction >= 0.001 {
        out.push(format!(
            "{} of CPU demand was not served ({} vCPU-hours).",
            pct(r.vms.unserved_fraction, 2),
            significant(r.vms.unserved_demand_core_h, 3)
        ));
    }
    if let Some(m) = r.memory.as_ref().filter(|m| m.overflow_gb_h > 0.0) {
        out.push(format!(
            "VMs used more memory than their hosts have: {} GB-hours ({} of the memory in use) over {} host-hours were served by ballooning and swapping, and the CPU demand that slowed counts as not served.",
            significant(m.overflow_gb_h, 3),
            pct(m.overflow_fraction, 2),
            significant(m.pressure_host_h, 3)
        ));
    }
    out.extend(warmup_caveat(run));
    let days = measured_days(run);
    if days > 0.0 && days < SHORT_RUN_DAYS {
        out.push(format!(
            "The run measures {}: a yearly figure from less than a week leaves out weekends and weekly patterns.",
            human_span(days * 86_400.0)
        ));
    }
    if let Some(f) = r.failures.as_ref().filter(|f| f.failures > 0) {
        out.push(format!(
            "{} host failures stopped {} VMs; {} restarts waited for a host to boot or be repaired. The always-on baseline saw the same failures, so the saving stays like for like, but the always-on fleet had its reserve on when they struck.",
            grouped(f.failures as f64, 0),
            grouped(f.vms_hit as f64, 0),
            grouped(f.restarts_waited as f64, 0)
        ));
    }
    if let Some(f) = &run.file.report {
        if f.profile == "cloudsim" {
            out.push(
                "The cloudsim profile reproduces CloudSim 3.0.3's accounting, for comparison with published results, not as a forecast."
                    .to_string(),
            );
        }
        out.extend(f.warnings.iter().map(|w| format!("The run warned: {w}.")));
    }
    out
}

/// The first paragraph of a run's report: the saving over the run and per year, what it cost
/// in migrations and performance, and how sure we are.
pub fn run_paragraph(run: &RunSummary) -> String {
    let r = run.run();
    let cur = run.currency();
    let days = measured_days(run);
    let per_year = if days > 0.0 {
        DAYS_PER_YEAR / days
    } else {
        0.0
    };
    let span = human_span(r.duration_s - r.warmup_s);
    let policy = policy_phrase(run.file.report.as_ref());
    let mut text = match &run.file.savings {
        Some(s) if s.energy_fraction.abs() < 0.0005 => format!(
            "Against the same fleet kept always on, {policy} uses as much IT energy over {span} (within 0.05 %): {} against {}.",
            energy(r.energy.it_kwh),
            energy(r.energy.it_kwh + s.energy_kwh)
        ),
        Some(s) => {
            let (verb, more) = if s.energy_kwh > 0.0 {
                ("saves", "")
            } else {
                ("uses", " more")
            };
            let cost = if s.cost >= 0.0 {
                format!("{} of electricity saved", money(s.cost, cur))
            } else {
                format!("{} more for electricity", money(-s.cost, cur))
            };
            // At PUE 1 facility energy is IT energy: no second figure.
            let facility = if run.pue() == 1.0 {
                String::new()
            } else {
                format!(
                    " ({}{more} of facility energy at PUE {})",
                    energy(s.energy_kwh.abs() * run.pue() * per_year),
                    run.pue()
                )
            };
            let mut t = format!(
                "Against the same fleet kept always on, {policy} {verb} {}{more} of IT energy ({}; {cost}) over {span}: about {}{more} a year{facility} and {} a year.",
                energy(s.energy_kwh.abs()),
                pct(s.energy_fraction.abs(), 1),
                energy(s.energy_kwh.abs() * per_year),
                money(s.cost.abs() * per_year, cur)
                    + if s.cost >= 0.0 { " saved" } else { " more" }
            );
            if let Some(saved) = r.carbon.as_ref().and_then(|c| c.saved_kg) {
                let (verb, more) = if saved >= 0.0 {
                    ("avoids", "")
                } else {
                    ("emits", " more")
                };
                t += &format!(
                    " At the grid's carbon intensity it {verb} {}{more} of operational CO2e, about {} a year.",
                    mass(saved.abs()),
                    mass(saved.abs() * per_year)
                );
            }
            if !s.comparable {
                t += " This is not a like-for-like saving: the always-on fleet served a different workload (see the caveats).";
            }
            t
        }
        None => format!(
            "The run used {} of IT energy and {} of electricity over {span} with {policy}; no saving was computed (the always-on baseline was skipped with --no-baseline).",
            energy(r.energy.it_kwh),
            money(r.energy.cost, cur)
        ),
    };
    let i = &r.impact;
    // The cloudsim profile does not model the pause of a migration: its stun reads 0.
    let cloudsim = run
        .file
        .report
        .as_ref()
        .is_some_and(|f| f.profile == "cloudsim");
    let stun = if i.stun_worst_vm_s > 0.0 {
        format!(
            ", the worst VM paused {} s in all",
            significant(i.stun_worst_vm_s, 3)
        )
    } else if cloudsim {
        String::new()
    } else {
        ", no VM paused".to_string()
    };
    text += &format!(
        " It takes {} live migrations ({} VMs disturbed per day{stun})",
        grouped(r.migrations.count as f64, 0),
        significant(i.vms_disturbed_per_day, 3),
    );
    let base_unserved = run.file.baseline.as_ref().map(|b| b.unserved_fraction);
    text += &match base_unserved {
        // Below 0.005 % both read 0.00 %: the demand is served.
        _ if r.vms.unserved_fraction < 5e-5 && base_unserved.unwrap_or(0.0) < 5e-5 => {
            " and serves all CPU demand.".to_string()
        }
        Some(b) => format!(
            " and leaves {} of CPU demand unserved (always-on: {}).",
            pct(r.vms.unserved_fraction, 2),
            pct(b, 2)
        ),
        None => format!(
            " and leaves {} of CPU demand unserved.",
            pct(r.vms.unserved_fraction, 2)
        ),
    };
    let caveats = caveats(run);
    text += &if caveats.is_empty() {
        " How sure: the run detected nothing that bends the comparison (both runs served the same VMs and demand, no VM was left unplaced)."
            .to_string()
    } else {
        format!(
            " How sure: read it with the {} caveat{} below.",
            caveats.len(),
            if caveats.len() == 1 { "" } else { "s" }
        )
    };
    if days > 0.0 && run.file.savings.is_some() {
        text += &format!(" ({}.)", capital(&annualised_how(days)));
    }
    text
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The assumptions of a run in words: fleet, workload, policies, baseline, energy and price,
/// time.
pub fn assumptions(run: &RunSummary) -> Vec<String> {
    let r = run.run();
    let cur = run.currency();
    let mut out = Vec::new();
    if let Some(f) = &run.file.report {
        let classes: Vec<String> = f
            .host_classes
            .iter()
            .map(|c| {
                format!(
                    "{} × {} ({} cores, {} MIPS, {} GB RAM, {}–{} W)",
                    grouped(c.hosts as f64, 0),
                    c.class,
                    c.cores,
                    significant(c.mips, 3),
                    significant(c.ram_gb, 3),
                    significant(c.idle_w, 3),
                    significant(c.max_w, 3)
                )
            })
            .collect();
        out.push(format!(
            "Fleet: {} hosts in {} class{}: {}.",
            grouped(r.hosts.count as f64, 0),
            classes.len(),
            if classes.len() == 1 { "" } else { "es" },
            classes.join("; ")
        ));
    } else {
        out.push(format!(
            "Fleet: {} hosts.",
            grouped(r.hosts.count as f64, 0)
        ));
    }
    out.push(format!(
        "Workload: {} VMs asking for {} vCPU-hours of CPU over the measured span.",
        grouped(r.vms.count as f64, 0),
        significant(r.vms.demand_core_h, 3)
    ));
    if let Some(f) = &run.file.report {
        let consolidation = match &f.consolidation {
            Some(c) => format!(
                "consolidation by {} overload detection, {} VM selection and {} placement",
                c.detector, c.selection, c.placement
            ),
            None => "no consolidation".to_string(),
        };
        out.push(format!(
            "Policies: new VMs placed {}; {consolidation}; the {} power policy switches hosts off and on.",
            f.placement, f.power
        ));
    }
    out.push(
        "Baseline: the same fleet with every host on, the same VMs placed by the same rule, no consolidation and no power management."
            .to_string(),
    );
    let tariff = match &run.file.report {
        Some(f) if !f.tariff_periods.is_empty() => {
            let periods: Vec<String> = f
                .tariff_periods
                .iter()
                .map(|p| {
                    format!(
                        "{} {cur}/kWh {}–{}",
                        p.price,
                        clock(p.from_h),
                        clock(p.to_h)
                    )
                })
                .collect();
            format!("{} {cur}/kWh, {}", f.tariff_base, periods.join(", "))
        }
        Some(f) => format!("{} {cur}/kWh at all hours", f.tariff_base),
        None => format!("the scenario's tariff, in {cur}"),
    };
    out.push(format!(
        "Energy and price: facility energy is IT energy × PUE {}; electricity is priced at {tariff}.",
        run.pue()
    ));
    if let Some(k) = &r.racks {
        out.push(rack_assumption(k));
    }
    if r.rules.is_some() {
        out.push(
            "Placement rules are hard: a VM of an anti-affinity group never shares a host with another of its group (counting migrations under way), the running VMs of a keep-together group share one host (they start, move and restart as one, and a member waits while its group's host has no room for it), and a VM restricted to host classes runs only there, at placement, consolidation, evacuation and restarts after a failure; a VM that no host can take under them waits. Their cost is measured against the same scenario and seed with every rule dropped; the always-on baseline keeps them."
                .to_string(),
        );
    }
    let warmup = if r.warmup_s > 0.0 {
        format!(
            ", of which the first {} are a warm-up left out of every figure",
            human_span(r.warmup_s)
        )
    } else {
        String::new()
    };
    out.push(format!(
        "Time: {} simulated from Monday 00:00{warmup}, seed {}; {}.",
        human_span(r.duration_s),
        r.seed,
        annualised_how(measured_days(run))
    ));
    out
}

/// The racks' assumption: how many, the switch's draw and where it comes from, and when a
/// switch is on.
fn rack_assumption(k: &crate::sim::records::RackSummary) -> String {
    let source = if k.switch_source.is_empty() {
        "the scenario gives no source for it".to_string()
    } else {
        format!("source: {}", k.switch_source)
    };
    let when = if k.switch_mode == "always-on" {
        "on for the whole run"
    } else {
        "on while any host of its rack is not off (booting, on, shutting down or asleep)"
    };
    format!(
        "Racks: {} racks, each with a top-of-rack switch drawing a constant {} W ({source}), {when}; its energy is part of the IT energy, and the always-on baseline has every switch on.",
        grouped(k.count as f64, 0),
        significant(k.switch_w, 3)
    )
}

/// Hours after midnight as `22:00`.
fn clock(h: f64) -> String {
    let m = (h * 60.0).round() as u32;
    format!("{:02}:{:02}", m / 60 % 24, m % 60)
}

/// The per-host-class table: headers and one row of cells per class (empty for folders
/// written before the `report` block).
pub fn class_table(run: &RunSummary) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = vec![
        "host class",
        "hosts",
        "host-hours on",
        "always-on host-hours",
        "mean CPU while on",
        "IT energy",
        "always-on IT energy",
        "saved",
        "migrations received",
    ];
    let rows = run
        .file
        .report
        .as_ref()
        .map(|f| {
            f.host_classes
                .iter()
                .map(|c| {
                    let saved = c.baseline_it_kwh.map_or("–".to_string(), |b| {
                        let s = b - c.it_kwh;
                        let share = if b > 0.0 {
                            format!(" ({})", pct(s / b, 0))
                        } else {
                            String::new()
                        };
                        format!("{}{share}", energy(s))
                    });
                    vec![
                        c.class.clone(),
                        grouped(c.hosts as f64, 0),
                        significant(c.on_hours, 3),
                        c.baseline_on_hours
                            .map_or("–".to_string(), |h| significant(h, 3)),
                        pct(c.mean_utilisation, 0),
                        energy(c.it_kwh),
                        c.baseline_it_kwh.map_or("–".to_string(), energy),
                        saved,
                        grouped(c.migrations_in as f64, 0),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    (headers, rows)
}

/// One line under a run's chart saying what to read in it, from the summary.
pub fn chart_takeaway(run: &RunSummary, chart: &str) -> Option<String> {
    let r = run.run();
    let h = &r.hosts;
    Some(match chart {
        "power" => format!(
            "Hosts on follow demand: {} on average out of {} (from {} to {}), with {} boots and {} shutdowns.",
            significant(h.mean_on, 3),
            grouped(h.count as f64, 0),
            grouped(h.min_on as f64, 0),
            grouped(h.max_on as f64, 0),
            grouped(h.boots as f64, 0),
            grouped(h.shutdowns as f64, 0)
        ),
        "energy" => match &run.file.savings {
            Some(s) => format!(
                "The gap between the lines is the saving: {} ({}) of IT energy by the end of the run.",
                energy(s.energy_kwh),
                pct(s.energy_fraction, 1)
            ),
            None => format!("The run used {} of IT energy.", energy(r.energy.it_kwh)),
        },
        "migrations" => format!(
            "{} migrations: {} planned inside {}, {} outside.",
            grouped(r.migrations.count as f64, 0),
            grouped(r.migration_spread.inside_window as f64, 0),
            if r.migration_spread.window.is_empty() {
                "the window".to_string()
            } else {
                format!("the window ({})", r.migration_spread.window)
            },
            grouped(r.migration_spread.outside_window as f64, 0)
        ),
        "utilisation-heatmap" => format!(
            "White is a host switched off; the hosts left on carry the load, {} on average.",
            significant(h.mean_on, 3)
        ),
        "utilisation-distribution" => format!(
            "Hosts spent {} host-hours ({} of their time on) above {} CPU.",
            significant(r.impact.host_hours_above, 3),
            pct(r.impact.host_share_above, 1),
            pct(r.impact.high_utilisation, 0)
        ),
        "hosts-needed" => format!(
            "The gap between hosts on and hosts needed is the reserve the power policy keeps: {} hosts on on average.",
            significant(h.mean_on, 3)
        ),
        _ => return None,
    })
}

/// The measured days of a comparison's runs (its first run's, as every variant runs the same
/// span), when that run's summary can be read.
pub fn comparison_days(cmp: &Comparison) -> Option<f64> {
    let row = cmp.rows.first()?;
    RunSummary::load(&cmp.dir.join(&row.run_dir))
        .ok()
        .map(|run| measured_days(&run))
}

/// The first paragraph of a comparison: which variant saves the most, at what cost in
/// migrations and CPU demand not served, and per year when the runs' length is known.
pub fn comparison_paragraph(cmp: &Comparison, days: Option<f64>) -> String {
    let Some(best) = cmp
        .rows
        .iter()
        .filter(|r| r.energy_saving.is_some())
        .max_by(|a, b| {
            a.energy_saving
                .unwrap_or(0.0)
                .total_cmp(&b.energy_saving.unwrap_or(0.0))
        })
    else {
        return "No variant has an always-on baseline, so no saving was computed.".to_string();
    };
    let saved_kwh = best.baseline_it_kwh.unwrap_or(0.0) - best.it_kwh;
    let saved_cost = best.baseline_cost.unwrap_or(0.0) - best.cost;
    let mut text = format!(
        "{} saves the most against the always-on fleet: {} of IT energy ({}) and {} over the run",
        best.variant,
        energy(saved_kwh),
        pct(best.energy_saving.unwrap_or(0.0), 1),
        money(saved_cost, &best.currency)
    );
    if let Some(d) = days.filter(|d| *d > 0.0) {
        text += &format!(
            ", about {} and {} a year (× {DAYS_PER_YEAR} / {} measured days)",
            energy(saved_kwh * DAYS_PER_YEAR / d),
            money(saved_cost * DAYS_PER_YEAR / d, &best.currency),
            significant(d, 3)
        );
    }
    text += &format!(
        ", at the cost of {} migrations and {} of CPU demand unserved.",
        grouped(best.migrations as f64, 0),
        pct(best.unserved_fraction, 2)
    );
    let others: Vec<String> = cmp
        .rows
        .iter()
        .filter(|r| r.variant != best.variant)
        .map(|r| {
            format!(
                "{} saves {} with {} migrations and {} unserved",
                r.variant,
                r.energy_saving.map_or("–".to_string(), |s| pct(s, 1)),
                grouped(r.migrations as f64, 0),
                pct(r.unserved_fraction, 2)
            )
        })
        .collect();
    if !others.is_empty() {
        text += &format!(" For comparison: {}.", others.join("; "));
    }
    if cmp.rows.iter().any(|r| r.saving_comparable == Some(false)) {
        text += " Some savings are not like-for-like (the table marks them): those runs served different VMs or demand than their baseline.";
    }
    text
}

/// The first paragraph of a sweep: the axis point with the least mean energy, its saving
/// against always-on and what it costs in migrations and CPU demand not served, next to the
/// point that serves the most demand.
pub fn sweep_paragraph(r: &SweepResults) -> String {
    let points = r.points();
    let mean = |p: &AxisPoint, m: Metric| r.stat(&p.runs, m).mean;
    let Some(best) = points
        .iter()
        .filter(|p| mean(p, Metric::ItKwh).is_finite())
        .min_by(|a, b| mean(a, Metric::ItKwh).total_cmp(&mean(b, Metric::ItKwh)))
    else {
        return "No run of the sweep has results yet.".to_string();
    };
    let name = |p: &AxisPoint| {
        let d = r.describe(&p.values, &r.varying());
        if d.is_empty() {
            "the base scenario".to_string()
        } else {
            d
        }
    };
    let saving = mean(best, Metric::EnergySaving);
    let mut text = format!(
        "Of {} axis points, {} uses the least IT energy: {} per run on average",
        points.len(),
        name(best),
        energy(mean(best, Metric::ItKwh))
    );
    if saving.is_finite() {
        text += &format!(
            ", {} less than the always-on fleet ({} of electricity saved)",
            pct(saving, 1),
            pct(mean(best, Metric::CostSaving), 1)
        );
    }
    text += &format!(
        ", with {} migrations and {} of CPU demand unserved.",
        significant(mean(best, Metric::Migrations), 3),
        pct(mean(best, Metric::Unserved), 2)
    );
    if let Some(safest) = points
        .iter()
        .filter(|p| mean(p, Metric::Unserved).is_finite())
        .min_by(|a, b| {
            mean(a, Metric::Unserved)
                .total_cmp(&mean(b, Metric::Unserved))
                .then(mean(a, Metric::ItKwh).total_cmp(&mean(b, Metric::ItKwh)))
        })
        .filter(|p| p.values != best.values)
    {
        text += &format!(
            " The point that serves the most demand is {} ({} unserved, {} per run).",
            name(safest),
            pct(mean(safest, Metric::Unserved), 2),
            energy(mean(safest, Metric::ItKwh))
        );
    }
    text + " Numbers are means over each point's seeds; the verdict below says which differences exceed the tolerance."
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{BaselineSummary, HostClassFacts, Savings, SummaryFile};
    use crate::sim::records::Summary;

    /// Three days, 100 of 120 kWh saved (cost 30 EUR), one host class of 4 hosts; the
    /// baseline left 3 VMs waiting that the run placed.
    fn three_days() -> RunSummary {
        let mut run = Summary {
            duration_s: 3.0 * 86_400.0,
            ..Summary::default()
        };
        run.energy.it_kwh = 20.0;
        run.energy.pue = 1.4;
        run.energy.currency = "EUR".into();
        run.vms.count = 10;
        run.migrations.count = 12;
        run.migrations.per_day = vec![6, 3, 3];
        run.hosts.count = 4;
        let baseline = BaselineSummary {
            it_kwh: 120.0,
            facility_kwh: 180.0,
            cost: 40.0,
            slatah: 0.0,
            vms_unplaced: 3,
            demand_core_h: 0.0,
            unserved_demand_core_h: 0.0,
            unserved_fraction: 0.0,
        };
        let savings = Savings {
            energy_kwh: 100.0,
            energy_fraction: 100.0 / 120.0,
            cost: 30.0,
            cost_fraction: 0.75,
            comparable: false,
            caveat: "not like-for-like: 0 VMs never placed in this run, 3 in the baseline; the saving compares different workloads".into(),
        };
        let report = ReportFacts {
            power: "spare-capacity".into(),
            host_classes: vec![HostClassFacts {
                class: "a".into(),
                hosts: 4,
                on_hours: 100.0,
                it_kwh: 20.0,
                baseline_on_hours: Some(192.0),
                baseline_it_kwh: Some(120.0),
                ..HostClassFacts::default()
            }],
            ..ReportFacts::default()
        };
        RunSummary {
            dir: "r".into(),
            file: SummaryFile {
                summary: run,
                baseline: Some(baseline),
                savings: Some(savings),
                report: Some(report),
                format: Default::default(),
            },
            files: Default::default(),
            scenario_text: None,
        }
    }

    /// 100 kWh over 3 days is 12 167 kWh a year (× 365 / 3), 17 033 kWh of facility energy at
    /// PUE 1.4, 30 EUR is 3 650 EUR; all at 3 significant digits. The saving is not
    /// like-for-like, and the paragraph says so and counts the caveats.
    #[test]
    fn the_first_paragraph_states_the_yearly_saving_and_how_sure() {
        let run = three_days();
        let text = run_paragraph(&run);
        assert!(
            text.starts_with(
                "Against the same fleet kept always on, the spare-capacity power policy without consolidation saves 100 kWh of IT energy (83.3 %; 30 EUR of electricity saved) over 3 days: about 12.2 MWh a year (17 MWh of facility energy at PUE 1.4) and 3\u{202f}650 EUR saved a year. This is not a like-for-like saving"
            ),
            "{text}"
        );
        assert!(text.contains("It takes 12 live migrations"), "{text}");
        assert!(
            text.contains("How sure: read it with the 4 caveats below."),
            "{text}"
        );
        assert!(
            text.contains("× 365 / 3 measured days (warm-up excluded)"),
            "{text}"
        );
    }

    /// With `[carbon]`, the paragraph adds the operational CO2e avoided: 1,500 kg over 3 days
    /// (1.5 t) is 182,500 kg a year (× 365 / 3), written 183 t at 3 significant digits.
    #[test]
    fn the_first_paragraph_states_the_co2_avoided_when_carbon_is_set() {
        let mut run = three_days();
        run.file.summary.carbon = Some(crate::sim::records::CarbonSummary {
            saved_kg: Some(1500.0),
            ..Default::default()
        });
        let text = run_paragraph(&run);
        assert!(
            text.contains(
                "At the grid's carbon intensity it avoids 1.5 t of operational CO2e, about 183 t a year."
            ),
            "{text}"
        );
        assert!(!run_paragraph(&three_days()).contains("CO2e"));
    }

    /// With `[racks]`, the assumptions name the switch's draw and its source, and say the
    /// baseline's switches are all on; without, no rack line.
    #[test]
    fn the_assumptions_name_the_switch_power_and_its_source() {
        let mut run = three_days();
        assert!(!assumptions(&run).iter().any(|a| a.starts_with("Racks:")));
        run.file.summary.racks = Some(crate::sim::records::RackSummary {
            count: 8,
            switch_w: 240.0,
            switch_mode: "with-hosts".into(),
            switch_source: "vendor datasheet, typical power".into(),
            ..Default::default()
        });
        let found = assumptions(&run);
        let line = found.iter().find(|a| a.starts_with("Racks:")).unwrap();
        assert_eq!(
            line,
            "Racks: 8 racks, each with a top-of-rack switch drawing a constant 240 W (source: \
             vendor datasheet, typical power), on while any host of its rack is not off \
             (booting, on, shutting down or asleep); its energy is part of the IT energy, and \
             the always-on baseline has every switch on."
        );
    }

    /// The caveats of the three days, in order: the saving's own, the over-subscribed baseline,
    /// no warm-up with migrations counted, and a run shorter than a week.
    #[test]
    fn caveats_name_what_bends_the_saving() {
        let found = caveats(&three_days());
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].starts_with("The saving is not like-for-like: 0 VMs never placed"));
        assert_eq!(
            found[1],
            "The fleet is over-subscribed: even with every host on, 3 VMs found no host."
        );
        assert_eq!(
            found[2],
            "No warm-up was set: the first day has 6 migrations, 2 times the most of any day after it (3): moves from the initial placement, counted as the policy's work; simulation.warmup = \"1d\" leaves them out."
        );
        assert!(found[3].starts_with("The run measures 3 days: a yearly figure"));
    }

    /// Without a warm-up, a first day with no more than 1.1 times the busiest later day's
    /// migrations adds no caveat (a quiet weekend does not count against a working Monday); a run shorter than two whole days cannot tell, and says so;
    /// a warm-up is named with its span.
    #[test]
    fn the_warm_up_caveat_names_a_front_loaded_first_day_only() {
        let mut run = three_days();
        let warm_up = |run: &RunSummary| {
            let found = caveats(run);
            found
                .into_iter()
                .find(|c| c.contains("warm-up"))
                .unwrap_or_default()
        };
        run.file.summary.migrations.per_day = vec![11, 10, 2];
        assert_eq!(warm_up(&run), "");
        run.file.summary.migrations.per_day = vec![12, 10, 2];
        assert!(warm_up(&run).contains(
            "the first day has 12 migrations, 20 % more than any day after it (at most 10)"
        ));
        run.file.summary.migrations.per_day = vec![12, 0, 0];
        assert!(
            warm_up(&run).contains("the first day has 12 migrations, none on any day after it:")
        );
        run.file.summary.duration_s = 1.5 * 86_400.0;
        assert!(warm_up(&run).contains("a run shorter than two days cannot tell them apart"));
        run.file.summary.warmup_s = 6.0 * 3600.0;
        assert_eq!(
            warm_up(&run),
            "A warm-up of 6 h at the start is left out of every figure."
        );
    }

    /// Host failures add a caveat after the short run's: how many VMs they stopped and how
    /// many restarts waited; a run whose failures never fired adds none.
    #[test]
    fn host_failures_add_a_caveat() {
        let mut run = three_days();
        run.file.summary.failures = Some(crate::sim::records::FailureSummary::default());
        assert_eq!(caveats(&run).len(), 4, "no failure, no caveat");
        run.file.summary.failures = Some(crate::sim::records::FailureSummary {
            failures: 3,
            vms_hit: 40,
            restarts_waited: 12,
            ..Default::default()
        });
        let found = caveats(&run);
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(
            found[4].starts_with(
                "3 host failures stopped 40 VMs; 12 restarts waited for a host to boot or be repaired."
            ),
            "{}",
            found[4]
        );
    }

    /// Memory pressure adds a caveat after demand not served: 4 GB-hours over 2 host-hours,
    /// 4/45 = 8.89 % of the memory in use; none without overflow.
    #[test]
    fn memory_pressure_is_a_caveat() {
        let mut run = three_days();
        run.file.summary.memory = Some(crate::sim::records::MemorySummary {
            demand_gb_h: 45.0,
            overflow_gb_h: 4.0,
            overflow_fraction: 4.0 / 45.0,
            pressure_host_h: 2.0,
            max_ram_overcommit: 2.0,
            max_cpu_overcommit: 1.0,
        });
        let found = caveats(&run);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(
            found[2],
            "VMs used more memory than their hosts have: 4 GB-hours (8.89 % of the memory in use) over 2 host-hours were served by ballooning and swapping, and the CPU demand that slowed counts as not served."
        );
        run.file.summary.memory.as_mut().unwrap().overflow_gb_h = 0.0;
        assert_eq!(caveats(&run).len(), 4);
    }

    /// A class row: 120 - 20 = 100 kWh saved, 83 % of its always-on energy.
    #[test]
    fn class_rows_give_the_saving_per_class() {
        let (headers, rows) = class_table(&three_days());
        assert_eq!(headers.len(), rows[0].len());
        assert_eq!(
            rows[0],
            [
                "a",
                "4",
                "100",
                "192",
                "0 %",
                "20 kWh",
                "120 kWh",
                "100 kWh (83 %)",
                "0"
            ]
        );
    }

    /// Figures for people: three significant digits, thousands grouped by a narrow space.
    #[test]
    fn numbers_read_for_people() {
        assert_eq!(significant(12_345.0, 3), "12\u{202f}300");
        assert_eq!(significant(4.5612, 3), "4.56");
        assert_eq!(significant(0.012_34, 3), "0.0123");
        assert_eq!(significant(83.0, 3), "83");
        assert_eq!(significant(1.0, 3), "1");
        assert_eq!(energy(820.4), "820 kWh");
        assert_eq!(energy(12_345.0), "12.3 MWh");
        assert_eq!(energy(4_560_000.0), "4.56 GWh");
        assert_eq!(money(749.8, "EUR"), "750 EUR");
        assert_eq!(clock(22.0), "22:00");
        assert_eq!(clock(6.5), "06:30");
    }
}
