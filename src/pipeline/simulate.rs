//! Simulating a prepared setup and its always-on baseline, handing their rows to the output
//! writers as they come, then writing the summary, per-host and request files.

use super::PipelineError;
use super::progress::Progress;
use crate::output::files::BASELINE_TIMESERIES_FILE;
use crate::output::{
    CsvRecorder, SummaryFile, TimeseriesCsv, write_hosts, write_requests, write_summary,
};
use crate::sim::{self, records::NullRecorder, setup::Setup};
use crate::trace::{self, TraceIndex};
use std::path::Path;

/// What to simulate and write besides the run itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Also run the always-on baseline, for the savings.
    pub baseline: bool,
    /// Check every invariant after every event.
    pub check: bool,
    /// Also write `host_utilisation.csv` (every host's utilisation at every control tick).
    pub host_utilisation: bool,
    /// Also write the baseline's `baseline_timeseries.csv` (when the baseline runs).
    pub baseline_timeseries: bool,
}

/// Runs `setup` (and its baseline if asked), replaying `traces` (the scanned indexes of
/// `setup.traces`, bound to it), writing the run's data files into `dir`, and calling
/// `report(stage, simulated seconds)` as the run (stage `"run"`) and then its baseline (stage
/// `"baseline"`) progress. I/O errors say "cannot write outputs" without naming `dir`: the
/// caller knows the folder the user asked for.
pub fn simulate(
    setup: &Setup,
    traces: &[TraceIndex],
    dir: &Path,
    options: RunOptions,
    report: &dyn Fn(&'static str, f64),
) -> Result<SummaryFile, PipelineError> {
    let write = |e: std::io::Error| PipelineError::Io(format!("cannot write outputs: {e}"));
    let replays = || traces.iter().map(trace::open).collect::<Vec<_>>();
    let mut csv = CsvRecorder::create(dir).map_err(write)?;
    if options.host_utilisation {
        csv = csv
            .with_host_utilisation(dir, setup.hosts.len())
            .map_err(write)?;
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
        let rows = TimeseriesCsv::create(dir, BASELINE_TIMESERIES_FILE).map_err(write)?;
        let mut rows = Progress {
            inner: rows,
            report: &|t| report("baseline", t),
        };
        let base = sim::run_with_traces(&setup.baseline(), replays(), &mut rows)
            .map_err(PipelineError::Sim)?;
        rows.inner.finish().map_err(write)?;
        Some(base.summary)
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
            .map_err(PipelineError::Sim)?
            .summary,
        )
    };
    let summary = SummaryFile::new(outcome.summary, baseline.as_ref());
    write_summary(dir, &summary).map_err(write)?;
    write_hosts(dir, &outcome.hosts).map_err(write)?;
    write_requests(dir, &outcome.requests).map_err(write)?;
    Ok(summary)
}
