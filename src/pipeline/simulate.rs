//! Simulating a prepared setup and its always-on baseline, handing their rows to the output
//! writers as they come, then writing the summary, per-host and request files.

use super::PipelineError;
use super::progress::Progress;
use crate::output::files::BASELINE_TIMESERIES_FILE;
use crate::output::{
    Format, ReportFacts, RunRecorder, SummaryFile, TableOptions, TimeseriesTable, write_hosts,
    write_requests, write_summary,
};
use crate::sim::{self, records::NullRecorder, setup::Setup};
use crate::trace::{self, TraceIndex};
use std::path::Path;

/// What to simulate and write besides the run itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Also run the always-on baseline, for the savings.
    pub baseline: bool,
    /// Check every invariant after every event.
    pub check: bool,
    /// Also write `host_utilisation.csv` (every host's utilisation at every control tick).
    pub host_utilisation: bool,
    /// Also write the baseline's `baseline_timeseries.csv` (when the baseline runs).
    pub baseline_timeseries: bool,
    /// The tables as CSV, Parquet or both (`--format`).
    pub format: Format,
    /// The `--set` overrides the setup was prepared with, recorded in `summary.json`.
    pub overrides: &'a [String],
}

/// Runs `setup` (and its baseline if asked), replaying `traces` (the scanned indexes of
/// `setup.traces`, bound to it), writing the run's data files into `dir`, and calling
/// `report(stage, simulated seconds)` as the run (stage `"run"`), its baseline (stage
/// `"baseline"`), with carbon-aware deferral the run without it (`"without deferral"`) and
/// with placement rules the run without them (`"without rules"`) progress; `warnings` (what preparing the scenario found) go into the summary's `report`
/// block for the report. I/O errors say "cannot write outputs" without naming `dir`: the
/// caller knows the folder the user asked for.
pub fn simulate(
    setup: &Setup,
    traces: &[TraceIndex],
    dir: &Path,
    options: RunOptions,
    warnings: &[String],
    report: &dyn Fn(&'static str, f64),
) -> Result<SummaryFile, PipelineError> {
    let write = |e: std::io::Error| PipelineError::Io(format!("cannot write outputs: {e}"));
    let replays = || traces.iter().map(trace::open).collect::<Vec<_>>();
    let tables = TableOptions {
        format: options.format,
        start_ms: setup.start_ms,
        carbon: setup.carbon.is_some(),
        failures: setup.failures.is_some(),
        racks: setup.racks.is_some(),
        memory: setup.models_memory(),
    };
    let mut csv = RunRecorder::create(dir, tables).map_err(write)?;
    if options.host_utilisation {
        csv = csv.with_host_utilisation(dir).map_err(write)?;
    }
    let mut recorder = Progress {
        inner: csv,
        report: &|t| report("run", t),
    };
    let outcome = if options.check {
        sim::run_checked_with_traces(setup, replays(), &mut recorder)
    } else {
        sim::run_with_traces(setup, replays(), &mut recorder)
    }
    .map_err(PipelineError::Sim)?;
    recorder.inner.finish().map_err(write)?;
    let baseline = if !options.baseline {
        None
    } else if options.baseline_timeseries {
        let rows = TimeseriesTable::create(dir, BASELINE_TIMESERIES_FILE, tables).map_err(write)?;
        let mut rows = Progress {
            inner: rows,
            report: &|t| report("baseline", t),
        };
        let base = sim::run_with_traces(&setup.baseline(), replays(), &mut rows)
            .map_err(PipelineError::Sim)?;
        rows.inner.finish().map_err(write)?;
        Some(base)
    } else {
        Some(
            sim::run_with_traces(
                &setup.baseline(),
                replays(),
                &mut Progress {
                    inner: NullRecorder,
                    report: &|t| report("baseline", t),
                },
            )
            .map_err(PipelineError::Sim)?,
        )
    };
    let mut run = outcome.summary;
    if let (Some(racks), Some(b)) = (
        &mut run.racks,
        baseline.as_ref().and_then(|b| b.summary.racks.as_ref()),
    ) {
        racks.baseline_switch_kwh = Some(b.switch_kwh);
    }
    if let Some(carbon) = &mut run.carbon {
        if let Some(b) = baseline.as_ref().and_then(|b| b.summary.carbon.as_ref()) {
            carbon.compare_baseline(b);
        }
        // Deferral's saving: the same scenario and seed without it (skipped with the baseline).
        if carbon.deferral.is_some() && options.baseline {
            let without = sim::run_with_traces(
                &setup.without_deferral(),
                replays(),
                &mut Progress {
                    inner: NullRecorder,
                    report: &|t| report("without deferral", t),
                },
            )
            .map_err(PipelineError::Sim)?;
            if let Some(w) = &without.summary.carbon {
                carbon.compare_without_deferral(w);
            }
        }
    }
    // What the placement rules cost: the same scenario and seed without them (skipped with
    // the baseline).
    if let Some(rules) = &mut run.rules
        && options.baseline
    {
        let without = sim::run_with_traces(
            &setup.without_rules(),
            replays(),
            &mut Progress {
                inner: NullRecorder,
                report: &|t| report("without rules", t),
            },
        )
        .map_err(PipelineError::Sim)?;
        rules.compare_without_rules(&without.summary);
    }
    let mut summary = SummaryFile::new(run, baseline.as_ref().map(|b| &b.summary))
        .with_overrides(options.overrides);
    summary.report = Some(ReportFacts::new(
        setup,
        &outcome.hosts,
        baseline.as_ref().map(|b| b.hosts.as_slice()),
        warnings,
    ));
    write_summary(dir, &summary).map_err(write)?;
    write_hosts(dir, &outcome.hosts, tables).map_err(write)?;
    write_requests(dir, &outcome.requests, tables).map_err(write)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::files::{
        CONFLICTS_FILE, HOSTS_FILE, MIGRATIONS_FILE, REQUESTS_FILE, SUMMARY_FILE, TIMESERIES_FILE,
    };
    use crate::pipeline::prepare;

    /// Two hosts, two VMs at half a vCPU each, two hours.
    const TINY: &str = r#"version = 1
[simulation]
name = "tiny"
duration = "2h"
[[hosts]]
class = "a"
count = 2
cores = 8
core_mips = 2000
ram = "64 GB"
power = { model = "linear", idle_w = 60, max_w = 180 }
[[vm_types]]
name = "t"
vcpus = 1
vcpu_mips = 1000
ram = "1 GB"
[[vms]]
name = "g"
type = "t"
count = 2
load = "l"
[loads.l]
shape = "constant"
level = 0.5
"#;

    /// A run and its baseline write exactly the catalogue's data files, and the
    /// `summary.json` written reads back as the summary returned.
    #[test]
    fn a_run_writes_the_catalogue_files_and_its_summary_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let prepared = prepare(TINY, &dir.path().join("tiny.toml"), &[]).unwrap();
        let options = RunOptions {
            baseline: true,
            baseline_timeseries: true,
            ..RunOptions::default()
        };
        let summary = simulate(
            &prepared.setup,
            &prepared.traces,
            dir.path(),
            options,
            &[],
            &|_, _| {},
        )
        .unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = [
            BASELINE_TIMESERIES_FILE,
            CONFLICTS_FILE,
            HOSTS_FILE,
            MIGRATIONS_FILE,
            REQUESTS_FILE,
            SUMMARY_FILE,
            TIMESERIES_FILE,
        ];
        expected.sort();
        assert_eq!(names, expected);
        // Read back typed, every field is what an untyped read of the file finds (serde_json
        // parses some floats a unit in the last place off, both ways alike).
        let path = dir.path().join(SUMMARY_FILE);
        let back = crate::chart::read_summary(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        );
        assert_eq!((back.summary.vms.count, back.summary.hosts.count), (2, 2));
        assert_eq!(back.summary.events, summary.summary.events);
        assert!(back.baseline.is_some() && back.savings.is_some());
    }

    /// A scenario that does not compile, or names a trace that is not there, is bad input
    /// (exit status 2), the message naming the scenario.
    #[test]
    fn bad_scenarios_and_missing_traces_are_bad_input() {
        let path = std::path::Path::new("nowhere/tiny.toml");
        let e = prepare(
            &TINY.replace("count = 2\ncores", "count = -2\ncores"),
            path,
            &[],
        )
        .unwrap_err();
        assert!(e.is_bad_input(), "{e:?}");
        let traced =
            format!("{TINY}[traces.p]\nformat = \"planetlab\"\npath = \"no-such-folder\"\n");
        let e = prepare(&traced, path, &[]).unwrap_err();
        assert!(e.is_bad_input(), "{e:?}");
        assert!(e.to_string().contains("nowhere/tiny.toml"), "{e}");
    }
}
