//! Preparing a run: the scenario text compiled with its overrides, its traces found (paths
//! relative to the scenario file), scanned (errors name the trace file and line) and bound to
//! the setup, and every warning collected for the caller to show.

use super::PipelineError;
use crate::scenario;
use crate::scenario::limits::short;
use crate::sim::setup::Setup;
use crate::time::SimTime;
use crate::trace::{self, TraceIndex};
use crate::workload::replay::TraceSetup;
use std::path::{Path, PathBuf};

/// A trace's path: as written if absolute, else relative to the scenario file's folder.
pub fn resolve(scenario: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        scenario.parent().unwrap_or(Path::new(".")).join(p)
    }
}

/// The scenario's traces, scanned and bound to `setup`, with the readers' and the binding's
/// warnings.
fn load(
    setup: &mut Setup,
    scenario_path: &Path,
    text: &str,
    overrides: &[String],
) -> Result<(Vec<TraceIndex>, Vec<String>), PipelineError> {
    let origin = scenario_path.display().to_string();
    load_intensity(setup, scenario_path)?;
    load_failure_trace(setup, scenario_path)?;
    let mut indexes = Vec::with_capacity(setup.traces.len());
    let mut warnings = Vec::new();
    for t in &setup.traces {
        let index = scan(t, scenario_path)?;
        warnings.extend(
            index
                .warnings
                .iter()
                .map(|w| format!("traces.{}: {w}", t.name)),
        );
        indexes.push(index);
    }
    let bound = scenario::bind(text, &origin, overrides, setup, &indexes)
        .map_err(|e| PipelineError::Input(e.to_string()))?;
    warnings.extend(bound);
    warnings.extend(
        setup
            .capacity_warnings()
            .into_iter()
            .map(|w| format!("{origin}: {w}")),
    );
    Ok((indexes, warnings))
}

/// Reads the intensity file of `setup`'s `[carbon]`, if it names one, into the setup: the
/// series must cover the run. Errors name the scenario, the key, the file and its line.
fn load_intensity(setup: &mut Setup, scenario_path: &Path) -> Result<(), PipelineError> {
    let duration = setup.duration;
    let Some(c) = setup.carbon.as_mut().filter(|c| c.intensity.is_none()) else {
        return Ok(());
    };
    let path = resolve(scenario_path, c.file.as_deref().unwrap_or_default());
    let fail = |what: String| {
        PipelineError::Input(format!(
            "{}: carbon.intensity_file: {}: {what}",
            scenario_path.display(),
            path.display()
        ))
    };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let series = crate::model::carbon::parse_series(&text).map_err(|e| fail(e.to_string()))?;
    if let Some(end) = series.end().filter(|&end| end < duration) {
        return Err(fail(format!(
            "covers {} h but the run lasts {} h: add rows up to the end of the run",
            short(end as f64 / 3.6e6),
            short(duration as f64 / 3.6e6)
        )));
    }
    c.intensity = Some(series);
    Ok(())
}

/// Reads the failure trace of `setup`'s `[failures]`, if it names one, into the setup.
/// Errors name the scenario, the key, the file, its line and column.
fn load_failure_trace(setup: &mut Setup, scenario_path: &Path) -> Result<(), PipelineError> {
    let hosts = setup.hosts.len();
    let racks = setup.racks.as_ref().map(|r| &r.map);
    let Some(f) = setup.failures.as_mut().filter(|f| f.trace.is_none()) else {
        return Ok(());
    };
    let Some(file) = &f.file else {
        return Ok(());
    };
    let path = resolve(scenario_path, file);
    let fail = |what: String| {
        PipelineError::Input(format!(
            "{}: failures.trace: {}: {what}",
            scenario_path.display(),
            path.display()
        ))
    };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let outages =
        crate::model::failure::parse_trace(&text, hosts, racks).map_err(|e| fail(e.to_string()))?;
    f.trace = Some(outages);
    Ok(())
}

/// Scans one trace of the scenario at `scenario_path` (its memory column, for a trace with
/// `metric = "memory"`); errors name the scenario and trace.
fn scan(t: &TraceSetup, scenario_path: &Path) -> Result<TraceIndex, PipelineError> {
    let path = resolve(scenario_path, &t.path);
    let scanned = if t.memory {
        trace::formats::scan_memory(t.format, &path)
    } else {
        trace::scan(t.format, &path, t.interval)
    };
    scanned.map_err(|e| {
        PipelineError::Input(format!(
            "{}: traces.{}: {e}",
            scenario_path.display(),
            t.name
        ))
    })
}

/// Traces scanned once for many runs of one scenario (a sweep's), so that every run's traces
/// can be checked before the first run starts without reading a file twice.
pub struct Scans(Vec<(ScanKey, TraceIndex)>);

/// What makes two scans of a trace the same: its format, resolved path, interval and whether
/// it reads memory.
type ScanKey = (&'static str, PathBuf, Option<SimTime>, bool);

impl Scans {
    /// Starts from a scenario already prepared from `scenario_path` (its traces, in order).
    pub fn new(prepared: Prepared, scenario_path: &Path) -> Scans {
        Scans(
            prepared
                .setup
                .traces
                .iter()
                .map(|t| {
                    let path = resolve(scenario_path, &t.path);
                    (t.format, path, t.interval, t.memory)
                })
                .zip(prepared.traces)
                .collect(),
        )
    }

    /// Checks that the scenario `text` at `scenario_path`, as `overrides` change it, compiles
    /// and that its traces can be read and bound: a missing file, a shift past a trace's end or
    /// more VMs than a trace holds fail here. Each distinct trace is scanned once over all
    /// calls. Returns the setup (bound to its traces).
    pub fn check(
        &mut self,
        text: &str,
        scenario_path: &Path,
        overrides: &[String],
    ) -> Result<Setup, PipelineError> {
        let origin = scenario_path.display().to_string();
        let mut setup = scenario::load(text, &origin, overrides)
            .map_err(|e| PipelineError::Input(e.to_string()))?;
        load_intensity(&mut setup, scenario_path)?;
        load_failure_trace(&mut setup, scenario_path)?;
        let mut found = Vec::with_capacity(setup.traces.len());
        for t in &setup.traces {
            let key = (
                t.format,
                resolve(scenario_path, &t.path),
                t.interval,
                t.memory,
            );
            let at = match self.0.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    self.0.push((key, scan(t, scenario_path)?));
                    self.0.len() - 1
                }
            };
            found.push(at);
        }
        let indexes: Vec<&TraceIndex> = found.iter().map(|&i| &self.0[i].1).collect();
        scenario::bind(text, &origin, overrides, &mut setup, &indexes)
            .map_err(|e| PipelineError::Input(e.to_string()))?;
        Ok(setup)
    }
}

/// A scenario ready to simulate.
#[derive(Debug)]
pub struct Prepared {
    /// The compiled setup, bound to its traces.
    pub setup: Setup,
    /// The scanned traces `setup` replays, in the order of `setup.traces`.
    pub traces: Vec<TraceIndex>,
    /// What the trace readers, the binding and the capacity check found worth saying.
    pub warnings: Vec<String>,
}

/// Compiles the scenario `text` read from `path` with `overrides` (`KEY=VALUE`), then scans
/// and binds its traces. Every error is bad input.
pub fn prepare(text: &str, path: &Path, overrides: &[String]) -> Result<Prepared, PipelineError> {
    let origin = path.display().to_string();
    let mut setup = scenario::load(text, &origin, overrides)
        .map_err(|e| PipelineError::Input(e.to_string()))?;
    let (traces, warnings) = load(&mut setup, path, text, overrides)?;
    Ok(Prepared {
        setup,
        traces,
        warnings,
    })
}

/// The files a setup reads besides its scenario: its traces, its carbon intensity file and
/// its failure trace, resolved from `scenario_path`.
pub fn trace_paths(setup: &Setup, scenario_path: &Path) -> Vec<PathBuf> {
    let intensity_file = setup
        .carbon
        .as_ref()
        .and_then(|c| c.file.as_ref())
        .map(|f| resolve(scenario_path, f));
    setup
        .traces
        .iter()
        .map(|t| resolve(scenario_path, &t.path))
        .chain(intensity_file)
        .chain(
            setup
                .failures
                .as_ref()
                .and_then(|f| f.file.as_ref())
                .map(|f| resolve(scenario_path, f)),
        )
        .collect()
}
