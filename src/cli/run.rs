//! `nightshift run SCENARIO`: simulate, write outputs, print a short summary.

use super::destination::{check_apart, check_replace, parent_of, remove_leftovers};
use super::progress::{ProgressMode, RunProgress};
use super::{CliError, default_out, json, read_scenario_arg, say, tell};
use crate::output::{self, Scope, Staging, SummaryFile};
use crate::pipeline::{self, Drawn, Folder, FolderOptions, RunOptions};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); `-` reads it from standard input (its relative trace paths then
    /// start from the current folder).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    scenario: PathBuf,
    /// Check every invariant after every event (slower); a violation stops the run.
    #[arg(long)]
    check: bool,
    /// Print the result as one line of JSON on stdout instead of the text summary (the output
    /// folder, the headline numbers, the warnings; docs/cli.md).
    #[arg(long)]
    json: bool,
    /// Where and what to write.
    #[command(flatten)]
    output: super::OutputArgs,
    /// Progress on stderr: `auto` draws a bar on a terminal and prints a plain line per tenth
    /// of simulated time otherwise (a batch job's log), both once the run has taken 2 s;
    /// `lines` prints the lines from the start; `off` prints nothing.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    progress: ProgressMode,
}

/// Runs the scenario and its baseline, and writes every output.
pub fn run(args: RunArgs) -> Result<(), CliError> {
    let source = read_scenario_arg(&args.scenario)?;
    let text = source.text;
    let mut overrides = args.output.set.clone();
    if let Some(seed) = args.output.seed {
        overrides.push(format!("simulation.seed={seed}"));
    }
    let origin = source.path.display().to_string();
    let prepared = pipeline::prepare(&text, &source.path, &overrides)?;
    let setup = &prepared.setup;
    if !args.output.quiet {
        for w in &prepared.warnings {
            tell(&format!("warning: {w}"));
        }
    }
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| default_out(&setup.name));
    let mut inputs: Vec<PathBuf> = source.file.into_iter().collect();
    inputs.extend(pipeline::trace_paths(setup, &source.path));
    check_apart(&out, &inputs)?;
    check_replace(&out, args.output.force)?;
    remove_leftovers(parent_of(&out), Scope::Folders, args.output.quiet);

    let clock = Instant::now();
    let staging = Staging::create(&out)
        .map_err(|e| CliError::Other(format!("{}: cannot create: {e}", out.display())))?;
    let io_err = |e: std::io::Error| {
        CliError::Other(format!("{}: cannot write outputs: {e}", out.display()))
    };
    let options = FolderOptions {
        run: RunOptions {
            baseline: !args.output.no_baseline,
            check: args.check,
            host_utilisation: !args.output.no_host_utilisation,
            baseline_timeseries: true,
            format: args.output.format.format(),
            overrides: &overrides,
        },
        charts: !args.output.no_charts && args.output.format.has_csv(),
    };
    let copy = output::scenario_copy(&origin, &overrides, &text);
    let bar = RunProgress::new(
        setup.duration as f64 / 1000.0,
        args.progress,
        args.output.quiet,
    );
    let folder = Folder {
        dir: staging.path(),
        shown: &out,
    };
    let (summary, drawn) = pipeline::write_run_folder(
        setup,
        &prepared.traces,
        &copy,
        folder,
        options,
        &prepared.warnings,
        &|stage, t| bar.update(stage, t),
    )?;
    bar.finish();
    staging.commit(args.output.force).map_err(io_err)?;
    if args.json {
        json::print(&json::RunResult::new(&summary, &out, &prepared.warnings))?;
    } else if !args.output.quiet {
        say(&report(
            &summary,
            &out,
            clock.elapsed().as_secs_f64(),
            &drawn,
        ))?;
        if args.check {
            say(&format!(
                "  checked     every invariant after each of the run's {} events: all held\n",
                summary.summary.events
            ))?;
        }
    }
    Ok(())
}

/// The short human-readable summary printed after a run.
fn report(s: &SummaryFile, out: &Path, wall_s: f64, drawn: &Drawn) -> String {
    let r = &s.summary;
    let e = &r.energy;
    let mut text = format!(
        "nightshift: {} (seed {}), {} simulated in {:.2} s\n",
        r.scenario,
        r.seed,
        crate::report::human_span(r.duration_s),
        wall_s
    );
    text += &format!(
        "  energy      {:.1} kWh IT, {:.1} kWh facility (PUE {}), cost {:.2} {}\n",
        e.it_kwh, e.facility_kwh, e.pue, e.cost, e.currency
    );
    if let (Some(b), Some(sv)) = (&s.baseline, &s.savings) {
        text += &format!(
            "  vs always-on {:.1} kWh IT, {:.2} {}: saves {:.1} kWh ({:.1} %), {:.2} {} ({:.1} %)\n",
            b.it_kwh,
            b.cost,
            e.currency,
            sv.energy_kwh,
            sv.energy_fraction * 100.0,
            sv.cost,
            e.currency,
            sv.cost_fraction * 100.0
        );
        if !sv.comparable {
            text += &format!("  WARNING     {}\n", sv.caveat);
        }
    }
    let v = &r.vms;
    if v.unplaced > 0
        || v.unserved_fraction > 0.0005
        || s.savings.as_ref().is_some_and(|x| !x.comparable)
    {
        text += &format!(
            "  workload    {} of {} VMs placed, {:.1} % of CPU demand unserved ({:.1} vCPU-h){}\n",
            v.count - v.unplaced,
            v.count,
            v.unserved_fraction * 100.0,
            v.unserved_demand_core_h,
            s.baseline.as_ref().map_or(String::new(), |b| format!(
                "; always-on: {} never placed, {:.1} % unserved",
                b.vms_unplaced,
                b.unserved_fraction * 100.0
            ))
        );
    }
    text += &format!(
        "  hosts       {} in fleet, {:.1} on average ({}..{} on), {} boots, {} shutdowns\n",
        r.hosts.count,
        r.hosts.mean_on,
        r.hosts.min_on,
        r.hosts.max_on,
        r.hosts.boots,
        r.hosts.shutdowns
    );
    text += &format!(
        "  migrations  {} ({} aborted), mean {:.1} s, {:.1} GB moved\n",
        r.migrations.count,
        r.migrations.aborted,
        r.migrations.mean_duration_s,
        r.migrations.data_gb
    );
    text += &format!(
        "  SLA         SLATAH {:.2} %, PDM {:.3} %, SLAV {}; conflicts {}\n",
        r.sla.slatah * 100.0,
        r.sla.pdm * 100.0,
        super::slav_text(r.sla.slav),
        r.conflicts.total
    );
    if let Some(c) = &r.carbon {
        text += &format!(
            "  carbon      {:.1} kg CO2e from the facility's energy (mean {:.0} g/kWh){}{}\n",
            c.operational_kg,
            c.mean_intensity_g_per_kwh,
            if c.embodied_kg > 0.0 {
                format!(", {:.1} kg embodied", c.embodied_kg)
            } else {
                String::new()
            },
            match (c.baseline_operational_kg, c.saved_kg) {
                (Some(b), Some(saved)) if b > 0.0 => format!(
                    "; always-on {b:.1} kg: saves {saved:.1} kg ({:.1} %)",
                    saved / b * 100.0
                ),
                _ => String::new(),
            }
        );
    }
    if let Some(f) = &r.failures {
        text += &format!(
            "  failures    {} host failures ({:.1} host-h down), {} VM restarts ({} waited for a host), restart p99 {:.0} s, VM downtime {:.1} VM-h\n",
            f.failures,
            f.host_failed_hours,
            f.restarts,
            f.restarts_waited,
            f.restart_p99_s,
            f.downtime_vm_hours
        );
    }
    if let Some(k) = &r.rules {
        let together = if k.affinity_groups > 0 {
            format!(", {} keep-together", k.affinity_groups)
        } else {
            String::new()
        };
        text += &format!(
            "  rules       {} anti-affinity{together} and {} host-class groups{}\n",
            k.anti_affinity_groups,
            k.class_groups,
            match (k.extra_it_kwh, k.extra_hosts_on) {
                (Some(kwh), Some(hosts)) => format!(
                    ": they keep {:.1} {} hosts on (mean) and {} {:.1} kWh of IT energy",
                    hosts.abs(),
                    if hosts < 0.0 { "fewer" } else { "more" },
                    if kwh < 0.0 { "save" } else { "cost" },
                    kwh.abs()
                ),
                _ => String::new(),
            }
        );
    }
    if let Some(q) = &r.requests {
        text += &format!(
            "  requests    {} ({} VMs, {} started), {} queued; waiting mean {:.0} s, max {:.0} s; fairness {:.3}\n",
            q.count,
            q.vms_requested,
            q.vms_started,
            q.queued,
            q.mean_waiting_s,
            q.max_waiting_s,
            q.fairness_jain
        );
    }
    for (name, v) in r.services.iter().flatten() {
        text += &format!(
            "  service     {name} ({}): {:.1} replicas on average ({}..{}), {:.2} % of demand unserved\n",
            v.scaling,
            v.mean_replicas,
            v.min_replicas,
            v.max_replicas,
            v.unserved_fraction * 100.0
        );
    }
    if drawn.charts > 0 {
        text += &format!(
            "  charts      {} charts ({} files) and reports drawn in {:.2} s\n",
            drawn.charts, drawn.files, drawn.seconds
        );
    }
    text += &format!("  outputs     {}/ (report.html)\n", out.display());
    text
}
