//! Running one setup and writing all of its outputs into a folder: the pipeline shared by
//! `run`, `compare` and `sweep`.

use super::{
    BASELINE_TIMESERIES_FILE, CsvRecorder, Progress, SummaryFile, TimeseriesCsv, write_hosts,
    write_requests, write_summary,
};
use crate::sim::{self, records::NullRecorder, setup::Setup};
use crate::trace::{self, TraceIndex};
use std::fmt;
use std::io;
use std::path::Path;

/// How to run.
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

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// The simulation refused the setup or broke an invariant.
    Sim(String),
    /// Writing outputs failed.
    Io(io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Sim(m) => write!(f, "{m}"),
            RunError::Io(e) => write!(f, "cannot write outputs: {e}"),
        }
    }
}

impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Io(e)
    }
}

/// Runs `setup` (and its baseline if asked), replaying `traces` (the scanned indexes of
/// `setup.traces`, bound to it), writing every output into `dir`.
pub fn write_run(
    setup: &Setup,
    traces: &[TraceIndex],
    dir: &Path,
    options: RunOptions,
) -> Result<SummaryFile, RunError> {
    write_run_reporting(setup, traces, dir, options, &|_, _| {})
}

/// [`write_run`], calling `report(stage, simulated seconds)` as the run (stage `"run"`) and
/// then its baseline (stage `"baseline"`) progress.
pub fn write_run_reporting(
    setup: &Setup,
    traces: &[TraceIndex],
    dir: &Path,
    options: RunOptions,
    report: &dyn Fn(&'static str, f64),
) -> Result<SummaryFile, RunError> {
    let replays = || traces.iter().map(trace::open).collect::<Vec<_>>();
    let mut csv = CsvRecorder::create(dir)?;
    if options.host_utilisation {
        csv = csv.with_host_utilisation(dir, setup.hosts.len())?;
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
    .map_err(RunError::Sim)?;
    recorder.inner.finish()?;
    let baseline = if !options.baseline {
        None
    } else if options.baseline_timeseries {
        let rows = TimeseriesCsv::create(dir, BASELINE_TIMESERIES_FILE)?;
        let mut rows = Progress {
            inner: rows,
            report: &|t| report("baseline", t),
        };
        let base =
            sim::run_with_traces(&setup.baseline(), replays(), &mut rows).map_err(RunError::Sim)?;
        rows.inner.finish()?;
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
            .map_err(RunError::Sim)?
            .summary,
        )
    };
    let summary = SummaryFile::new(outcome.summary, baseline.as_ref());
    write_summary(dir, &summary)?;
    write_hosts(dir, &outcome.hosts)?;
    write_requests(dir, &outcome.requests)?;
    Ok(summary)
}
