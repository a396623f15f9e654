//! `nightshift sweep SWEEP` and `nightshift merge DIR`: run a sweep's runs in parallel (or one
//! shard of them), each into its own folder, and collect their headline numbers into
//! `results.csv`.
//!
//! Layout of a sweep folder: `sweep.json` (what the sweep is: name, fingerprint, run ids and
//! axes), copies of the sweep file and base scenario (`sweep.toml`, `scenario.toml`),
//! `runs/<id>/` (one complete run each, with `run.json` naming its sweep and index), and
//! `results.csv`, the sweep charts and reports once every run is present. A run is written into a hidden staging folder and
//! renamed when complete, so an interrupted sweep leaves only complete runs and a rerun skips
//! them.

use super::destination::{check_apart, check_nightshift_folder, remove_leftovers};
use super::progress::{ProgressMode, SweepProgress};
use super::{CliError, FormatArg, read_input, read_scenario, say, tell};
use crate::output::files::{
    MANIFEST_FILE, REPORT_HTML_FILE, RESULTS_FILE, RUN_RECORD_FILE, RUNS_DIR, SCENARIO_COPY_FILE,
    SUMMARY_FILE, SWEEP_COPY_FILE,
};
use crate::output::{self, AtomicFile, Lock, Scope, Staging, SummaryFile, write_atomically};
use crate::pipeline::{self, Drawn, Folder, RunOptions, Scans};
use crate::sweep::{Manifest, RunSpec, Shard, Sweep, fingerprint};
use clap::Args;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Number;
use std::fs;
use std::path::{Path, PathBuf};

/// Arguments of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    sweep: PathBuf,
    /// Output folder [default: output/<sweep name>/].
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    out: Option<PathBuf>,
    /// Runs at once [default: all cores]; capped at the machine's parallelism and the number
    /// of runs.
    #[arg(long, short, value_name = "N")]
    jobs: Option<usize>,
    /// Run only shard K of N (`K/N`, 0-based), or `auto` from SLURM_ARRAY_TASK_ID or
    /// JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Shard count for `--shard auto` under a Kubernetes Indexed Job (or NIGHTSHIFT_SHARDS).
    #[arg(long, value_name = "N")]
    shards: Option<usize>,
    /// Skip the always-on baseline of each run (no savings columns).
    #[arg(long)]
    no_baseline: bool,
    /// Do not draw the sweep's charts (the reports are still written; `nightshift plot DIR`
    /// draws them later).
    #[arg(long)]
    no_charts: bool,
    /// Also draw each run's own charts and reports in runs/<id>/ (off by default: it costs
    /// time per run; `nightshift plot DIR/runs/<id>` draws one run's later).
    #[arg(long)]
    run_charts: bool,
    /// Replace an output folder that holds a different sweep (or another nightshift output;
    /// never a folder nightshift did not write, nor one holding the current folder or inputs).
    #[arg(long)]
    force: bool,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Write each run's tables as CSV, Parquet or both (results.csv stays CSV); `--run-charts`
    /// needs the CSV files.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// Progress on stderr: `auto` draws a bar on a terminal and prints a plain line per tenth
    /// of the runs otherwise (a batch job's log), both once the sweep has taken 2 s; `lines`
    /// prints the lines from the start; `off` prints nothing.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    progress: ProgressMode,
}

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// A sweep's output folder, after all its shards ran.
    #[arg(value_hint = clap::ValueHint::DirPath)]
    dir: PathBuf,
    /// Do not draw the sweep's charts (the reports are still written).
    #[arg(long)]
    no_charts: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

/// `runs/<id>/run.json`: which sweep and run a folder is, its axis values typed (numbers,
/// strings, booleans as in the sweep file) by axis key, and the `--set` overrides they make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunRecord {
    sweep: String,
    fingerprint: String,
    index: usize,
    id: String,
    seed: Option<u64>,
    values: serde_json::Map<String, serde_json::Value>,
    overrides: Vec<String>,
}

/// An axis value as `--set` text (`0.2`, `"spare-capacity"`) as the JSON value it stands for;
/// text that is not a TOML value stays a string.
fn typed(text: &str) -> serde_json::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or_else(|| serde_json::Value::String(text.to_string()))
}

/// A typed axis value as a `results.csv` cell: strings bare, numbers and booleans as JSON
/// writes them.
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn input(e: impl ToString) -> CliError {
    CliError::Input(e.to_string())
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Other(format!("{}: {e}", path.display()))
}

/// Worker threads for `runs` runs when `-j jobs` is asked: at most the machine's parallelism
/// (more threads only contend for the same cores and memory) and the number of runs, at least
/// one.
fn workers(jobs: Option<usize>, runs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    jobs.unwrap_or(cores).clamp(1, cores).min(runs.max(1))
}

/// Runs a sweep (or one shard of it).
pub fn sweep(args: SweepArgs) -> Result<(), CliError> {
    let text = read_input(&args.sweep, "sweep")?;
    let origin = args.sweep.display().to_string();
    let sweep = Sweep::parse(&text, &origin).map_err(input)?;
    let scenario_path = args
        .sweep
        .parent()
        .unwrap_or(Path::new("."))
        .join(&sweep.scenario);
    let scenario_text = read_scenario(&scenario_path)?;
    // Traces are read once up front so a bad trace fails before any run starts.
    let base = pipeline::prepare(&scenario_text, &scenario_path, &sweep.set)?;
    for w in &base.warnings {
        tell(&format!("warning: {w}"));
    }
    let runs = sweep.runs(base.setup.seed);
    // The inputs no output folder may hold: the sweep file, the scenario, every run's traces.
    let mut inputs = vec![args.sweep.clone(), scenario_path.clone()];
    // Every run is checked before anything runs, its traces included: a bad axis value fails
    // fast, not halfway through the sweep.
    let mut scans = Scans::new(base, &scenario_path);
    for run in &runs {
        let setup = scans
            .check(&scenario_text, &scenario_path, &run.overrides)
            .map_err(|e| e.within(&format!("run {} ({})", run.index, run.id)))?;
        inputs.extend(pipeline::trace_paths(&setup, &scenario_path));
    }
    let shard = match args.shard.as_deref() {
        None => Shard::ALL,
        Some("auto") => Shard::from_env(|k| std::env::var(k).ok(), args.shards).map_err(input)?,
        Some(k) => Shard::parse(k).map_err(input)?,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&sweep.name));
    let manifest = Manifest {
        sweep: sweep.name.clone(),
        fingerprint: fingerprint(&[
            text.as_bytes(),
            scenario_text.as_bytes(),
            env!("CARGO_PKG_VERSION").as_bytes(),
        ]),
        nightshift: env!("CARGO_PKG_VERSION").to_string(),
        axes: sweep.axes.iter().map(|a| a.key.clone()).collect(),
        runs: runs.iter().map(|r| r.id.clone()).collect(),
    };
    let copies = [
        (SWEEP_COPY_FILE, text.as_str()),
        (SCENARIO_COPY_FILE, scenario_text.as_str()),
    ];
    check_apart(&out, &inputs)?;
    prepare(&out, &manifest, args.force, &copies)?;
    let _running = lock_shard(&out, shard)?;
    remove_leftovers(&out, Scope::All, args.quiet);
    remove_leftovers(&out.join(RUNS_DIR), Scope::All, args.quiet);

    let todo: Vec<&RunSpec> = runs
        .iter()
        .filter(|r| shard.owns(r.index) && !is_complete(&out, &manifest, r))
        .collect();
    let owned = runs.iter().filter(|r| shard.owns(r.index)).count();
    let bar = SweepProgress::new(
        todo.len() as u64,
        format!(
            "shard {shard}, {} of {owned} runs already done",
            owned - todo.len()
        ),
        args.progress,
        args.quiet,
    );
    super::when_interrupted("complete runs are kept; run the same command again to finish");
    // A run's own charts need the per-host utilisation and the baseline's timeseries.
    let options = RunOptions {
        baseline: !args.no_baseline,
        check: false,
        host_utilisation: args.run_charts,
        baseline_timeseries: args.run_charts,
        format: args.format.format(),
        overrides: &[],
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers(args.jobs, todo.len()))
        .build()
        .map_err(|e| CliError::Other(format!("cannot start worker threads: {e}")))?;
    let results: Vec<Result<(), CliError>> = pool.install(|| {
        todo.par_iter()
            .map(|run| {
                let r = run_one(
                    &scenario_text,
                    &scenario_path,
                    &out,
                    &manifest,
                    run,
                    options,
                    args.run_charts && args.format.has_csv(),
                );
                bar.run_done();
                r
            })
            .collect()
    });
    bar.finish();
    results.into_iter().collect::<Result<Vec<()>, CliError>>()?;

    if shard.count == 1 {
        let (n, drawn) = collect(&out, !args.no_charts)?;
        if !args.quiet {
            say(&format!(
                "nightshift sweep {}: {n} runs; {}\n",
                sweep.name,
                collected(&out, &drawn)
            ))?;
        }
    } else if !args.quiet {
        say(&format!(
            "nightshift sweep {}: shard {shard} done ({owned} runs); when every shard is done: nightshift merge {}\n",
            sweep.name,
            out.display()
        ))?;
    }
    Ok(())
}

/// Takes the lock of `shard` in the sweep folder `out` (removed when dropped), or says that
/// another process runs that shard there: two would write the same runs.
fn lock_shard(out: &Path, shard: Shard) -> Result<Lock, CliError> {
    let path = out.join(format!(".shard-{}-of-{}.lock", shard.index, shard.count));
    match Lock::try_take(&path, true, false) {
        Ok(Some(lock)) => Ok(lock.removed_when_dropped()),
        Ok(None) => Err(CliError::Other(format!(
            "{}: shard {shard} of this sweep is already running in this folder (another process holds {}); wait for it to end, or give this one another --out",
            out.display(),
            path.display()
        ))),
        Err(e) => Err(CliError::Other(format!(
            "{}: cannot lock: {e}",
            path.display()
        ))),
    }
}

/// Checks every run is present and from the same sweep, then writes `results.csv`, the
/// sweep's charts and its reports.
pub fn merge(args: MergeArgs) -> Result<(), CliError> {
    if args.dir.join(MANIFEST_FILE).is_file() {
        remove_leftovers(&args.dir, Scope::All, args.quiet);
    }
    let (n, drawn) = collect(&args.dir, !args.no_charts)?;
    if !args.quiet {
        say(&format!(
            "nightshift merge: {n} runs; {}\n",
            collected(&args.dir, &drawn)
        ))?;
    }
    Ok(())
}

/// Writes `results.csv`, then the charts (unless `with_charts` is false) and the reports
/// drawn from it: what an unsharded sweep and `merge` end with. Returns the number of runs.
fn collect(out: &Path, with_charts: bool) -> Result<(usize, Drawn), CliError> {
    let n = write_results(out)?;
    let drawn = pipeline::render_sweep(out, with_charts).map_err(|e| e.into_error(false))?;
    Ok((n, drawn))
}

/// The closing line's account of what was written.
fn collected(out: &Path, drawn: &Drawn) -> String {
    let charts = match drawn.charts {
        0 => String::new(),
        1 => "1 chart, ".to_string(),
        n => format!("{n} charts, "),
    };
    format!(
        "results in {}, {charts}report in {}",
        out.join(RESULTS_FILE).display(),
        out.join(REPORT_HTML_FILE).display()
    )
}

/// Creates the sweep folder or checks that it holds this very sweep, then writes the
/// manifest and `copies` (file name, text).
fn prepare(
    out: &Path,
    manifest: &Manifest,
    force: bool,
    copies: &[(&str, &str)],
) -> Result<(), CliError> {
    let path = out.join(MANIFEST_FILE);
    if let Ok(text) = fs::read_to_string(&path) {
        let existing: Option<Manifest> = serde_json::from_str(&text).ok();
        if existing.as_ref() != Some(manifest) {
            if !force {
                return Err(input(format!(
                    "{} holds a different sweep (or another version of this one); pass --force to replace it, or --out DIR",
                    out.display()
                )));
            }
            check_nightshift_folder(out)?;
            fs::remove_dir_all(out).map_err(io_error(out))?;
        }
    } else if out.exists() && fs::read_dir(out).map_err(io_error(out))?.next().is_some() {
        if !force {
            return Err(input(format!(
                "{} exists and is not a sweep folder; pass --force to replace it, or --out DIR",
                out.display()
            )));
        }
        check_nightshift_folder(out)?;
        fs::remove_dir_all(out).map_err(io_error(out))?;
    }
    fs::create_dir_all(out.join(RUNS_DIR)).map_err(io_error(out))?;
    // Every shard writes the same files; write-then-rename keeps concurrent writers safe.
    let json =
        serde_json::to_string_pretty(manifest).map_err(|e| CliError::Other(e.to_string()))? + "\n";
    for (name, text) in copies
        .iter()
        .copied()
        .chain([(MANIFEST_FILE, json.as_str())])
    {
        let file = out.join(name);
        write_atomically(&file, text.as_bytes()).map_err(io_error(&file))?;
    }
    Ok(())
}

fn run_dir(out: &Path, run: &RunSpec) -> PathBuf {
    out.join(RUNS_DIR).join(&run.id)
}

fn is_complete(out: &Path, manifest: &Manifest, run: &RunSpec) -> bool {
    let dir = run_dir(out, run);
    let record: Option<RunRecord> = fs::read_to_string(dir.join(RUN_RECORD_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    record.is_some_and(|r| r.fingerprint == manifest.fingerprint && r.index == run.index)
        && dir.join(SUMMARY_FILE).is_file()
}

fn run_one(
    scenario_text: &str,
    scenario_path: &Path,
    out: &Path,
    manifest: &Manifest,
    run: &RunSpec,
    options: RunOptions,
    charts: bool,
) -> Result<(), CliError> {
    let target = run_dir(out, run);
    // A folder at `target` is an earlier, different attempt (is_complete said no): replaced.
    let prepared = pipeline::prepare(scenario_text, scenario_path, &run.overrides)?;
    let staging = Staging::create(&target).map_err(io_error(&target))?;
    let options = RunOptions {
        overrides: &run.overrides,
        ..options
    };
    let result = pipeline::simulate(
        &prepared.setup,
        &prepared.traces,
        staging.path(),
        options,
        &prepared.warnings,
        &|_, _| {},
    )
    .map_err(|e| CliError::Other(format!("run {}: {e}", run.id)))
    .and_then(|_| {
        let record = RunRecord {
            sweep: manifest.sweep.clone(),
            fingerprint: manifest.fingerprint.clone(),
            index: run.index,
            id: run.id.clone(),
            seed: run.seed,
            values: run
                .values
                .iter()
                .map(|(k, v)| (k.clone(), typed(v)))
                .collect(),
            overrides: run.overrides.clone(),
        };
        let json = serde_json::to_string_pretty(&record)
            .map_err(|e| CliError::Other(e.to_string()))?
            + "\n";
        fs::write(staging.path().join(RUN_RECORD_FILE), json).map_err(io_error(&target))
    })
    .and_then(|_| {
        if !charts {
            return Ok(());
        }
        let origin = scenario_path.display().to_string();
        let copy = output::scenario_copy(&origin, &run.overrides, scenario_text);
        fs::write(staging.path().join(SCENARIO_COPY_FILE), copy).map_err(io_error(&target))?;
        let folder = Folder {
            dir: staging.path(),
            shown: &target,
        };
        pipeline::render_run(folder, true)
            .map(|_| ())
            .map_err(|e| e.into_error(false).into())
    });
    result?;
    // Another process (an overlapping shard) completed the same run meanwhile: its copy stays.
    if is_complete(out, manifest, run) {
        return Ok(());
    }
    staging.commit(true).map_err(io_error(&target))
}

/// A headline column of `results.csv`: its name and its value in a run's summary.
type ResultColumn = (&'static str, fn(&SummaryFile) -> Option<Number>);

/// A float cell; empty when not finite (as `summary.json` writes it: `null`).
fn float(v: f64) -> Option<Number> {
    Number::from_f64(v)
}

/// A count cell.
fn count(v: impl Into<u64>) -> Option<Number> {
    Some(Number::from(v.into()))
}

/// Headline columns of `results.csv`, after the run's index, id, seed and axis values: each is
/// its `summary.json` key with `_` for `.` (`energy.it_kwh` -> `energy_it_kwh`), as in
/// `comparison.csv`. A cell holds the number as `summary.json` does (the same digits); the
/// baseline's and the savings' are empty when the baseline was skipped.
const RESULT_COLUMNS: &[ResultColumn] = &[
    ("energy_it_kwh", |s| float(s.summary.energy.it_kwh)),
    ("energy_facility_kwh", |s| {
        float(s.summary.energy.facility_kwh)
    }),
    ("energy_cost", |s| float(s.summary.energy.cost)),
    ("baseline_it_kwh", |s| float(s.baseline.as_ref()?.it_kwh)),
    ("savings_energy_fraction", |s| {
        float(s.savings.as_ref()?.energy_fraction)
    }),
    ("savings_cost_fraction", |s| {
        float(s.savings.as_ref()?.cost_fraction)
    }),
    ("migrations_count", |s| {
        count(s.summary.migrations.count as u64)
    }),
    ("migrations_aborted", |s| {
        count(s.summary.migrations.aborted as u64)
    }),
    ("sla_slatah", |s| float(s.summary.sla.slatah)),
    ("sla_pdm", |s| float(s.summary.sla.pdm)),
    ("sla_slav", |s| float(s.summary.sla.slav)),
    ("sla_esv", |s| float(s.summary.sla.esv)),
    ("conflicts_total", |s| {
        count(s.summary.conflicts.total as u64)
    }),
    ("hosts_boots", |s| count(s.summary.hosts.boots)),
    ("hosts_shutdowns", |s| count(s.summary.hosts.shutdowns)),
    ("hosts_mean_on", |s| float(s.summary.hosts.mean_on)),
    ("vms_waiting_at_end", |s| {
        count(s.summary.vms.waiting_at_end as u64)
    }),
    ("vms_unserved_fraction", |s| {
        float(s.summary.vms.unserved_fraction)
    }),
    ("baseline_unserved_fraction", |s| {
        float(s.baseline.as_ref()?.unserved_fraction)
    }),
    ("impact_unserved_p99_vm_hour", |s| {
        float(s.summary.impact.unserved_p99_vm_hour)
    }),
    ("impact_host_hours_above", |s| {
        float(s.summary.impact.host_hours_above)
    }),
    ("impact_stun_worst_vm_s", |s| {
        float(s.summary.impact.stun_worst_vm_s)
    }),
    ("impact_vms_disturbed_per_day", |s| {
        float(s.summary.impact.vms_disturbed_per_day)
    }),
];

/// The carbon columns of `results.csv`, after [`RESULT_COLUMNS`], only when a run of the sweep
/// has `[carbon]` (so other sweeps keep their columns); empty cells for a run without it, or
/// when the baseline (and the run without deferral) was skipped.
const CARBON_RESULT_COLUMNS: &[ResultColumn] = &[
    ("carbon_operational_kg", |s| {
        float(s.summary.carbon.as_ref()?.operational_kg)
    }),
    ("carbon_embodied_kg", |s| {
        float(s.summary.carbon.as_ref()?.embodied_kg)
    }),
    ("carbon_saved_kg", |s| {
        float(s.summary.carbon.as_ref()?.saved_kg?)
    }),
    ("carbon_deferral_saved_kg", |s| {
        float(s.summary.carbon.as_ref()?.deferral.as_ref()?.saved_kg?)
    }),
];

/// The failure columns of `results.csv`, after the carbon ones, only when a run of the sweep
/// has failures (so other sweeps keep their columns); empty cells for a run without them.
const FAILURE_RESULT_COLUMNS: &[ResultColumn] = &[
    ("failures_failures", |s| {
        count(s.summary.failures.as_ref()?.failures)
    }),
    ("failures_restarts", |s| {
        count(s.summary.failures.as_ref()?.restarts)
    }),
    ("failures_restarts_waited", |s| {
        count(s.summary.failures.as_ref()?.restarts_waited)
    }),
    ("failures_restart_p99_s", |s| {
        float(s.summary.failures.as_ref()?.restart_p99_s)
    }),
    ("failures_downtime_vm_hours", |s| {
        float(s.summary.failures.as_ref()?.downtime_vm_hours)
    }),
    ("failures_shortfall_core_hours", |s| {
        float(s.summary.failures.as_ref()?.shortfall_core_hours)
    }),
];

/// Reads every run of the sweep in `out` and writes `results.csv`; fails if any is missing or
/// from another sweep. Returns the number of runs.
fn write_results(out: &Path) -> Result<usize, CliError> {
    let manifest_path = out.join(MANIFEST_FILE);
    let text = fs::read_to_string(&manifest_path).map_err(|e| {
        input(format!(
            "{}: not a sweep folder ({e})",
            manifest_path.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| input(format!("{}: {e}", manifest_path.display())))?;
    let mut missing = Vec::new();
    let mut rows = Vec::new();
    for (index, id) in manifest.runs.iter().enumerate() {
        let dir = out.join(RUNS_DIR).join(id);
        let record: Option<RunRecord> = fs::read_to_string(dir.join(RUN_RECORD_FILE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        let summary = crate::chart::read_summary(&dir.join(SUMMARY_FILE)).ok();
        match (record, summary) {
            (Some(r), Some(s)) if r.fingerprint == manifest.fingerprint && r.index == index => {
                rows.push((r, s))
            }
            (Some(r), Some(_)) if r.fingerprint != manifest.fingerprint => {
                return Err(input(format!(
                    "{}: run {id} comes from another sweep or version (fingerprint {} instead of {})",
                    dir.display(),
                    r.fingerprint,
                    manifest.fingerprint
                )));
            }
            _ => missing.push(id.clone()),
        }
    }
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        return Err(input(format!(
            "{}: {} of {} runs are missing or incomplete (e.g. {}); run the missing shards, then merge again",
            out.display(),
            missing.len(),
            manifest.runs.len(),
            shown.join(", ")
        )));
    }
    let path = out.join(RESULTS_FILE);
    let mut w = csv::Writer::from_writer(AtomicFile::create(&path).map_err(io_error(&path))?);
    let mut header: Vec<String> = vec!["index".into(), "id".into(), "seed".into()];
    header.extend(manifest.axes.iter().map(|k| crate::sweep::axis_column(k)));
    let carbon = rows.iter().any(|(_, s)| s.summary.carbon.is_some());
    let failures = rows.iter().any(|(_, s)| s.summary.failures.is_some());
    let columns: Vec<&ResultColumn> = RESULT_COLUMNS
        .iter()
        .chain(CARBON_RESULT_COLUMNS.iter().filter(|_| carbon))
        .chain(FAILURE_RESULT_COLUMNS.iter().filter(|_| failures))
        .collect();
    header.extend(columns.iter().map(|(name, _)| name.to_string()));
    let csv_err = |e: csv::Error| CliError::Other(format!("{}: {e}", path.display()));
    w.write_record(&header).map_err(csv_err)?;
    for (record, summary) in &rows {
        let mut row = vec![
            record.index.to_string(),
            record.id.clone(),
            // The seed the run used: the sweep's, or the scenario's own (never empty).
            record.seed.unwrap_or(summary.summary.seed).to_string(),
        ];
        row.extend(
            manifest
                .axes
                .iter()
                .map(|k| record.values.get(k).map_or(String::new(), cell_text)),
        );
        for (_, cell) in &columns {
            row.push(cell(summary).map_or(String::new(), |n| n.to_string()));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| CliError::Other(format!("{}: {}", path.display(), e.error())))?
        .commit()
        .map_err(io_error(&path))?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::workers;

    #[test]
    fn jobs_are_capped_at_the_cores_and_the_runs() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        // `-j 100000` on a 2-run sweep: issue 18 item 10 saw some 2,000 threads.
        assert_eq!(workers(Some(100_000), 2), cores.min(2));
        assert_eq!(workers(Some(100_000), 1_000), cores);
        assert_eq!(workers(None, 1_000), cores);
        assert_eq!(workers(Some(0), 5), 1);
        assert_eq!(workers(Some(1), 0), 1);
    }
}
