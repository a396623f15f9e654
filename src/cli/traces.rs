//! Reading the traces a scenario replays: paths relative to the scenario file, scanning
//! (errors name the trace file and line, exit status 2) and binding to the setup.

use super::CliError;
use crate::scenario;
use crate::sim::setup::Setup;
use crate::time::SimTime;
use crate::trace::{self, TraceIndex};
use crate::workload::replay::TraceSetup;
use std::path::{Path, PathBuf};

/// A trace's path: as written if absolute, else relative to the scenario file's folder.
pub(crate) fn resolve(scenario: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        scenario.parent().unwrap_or(Path::new(".")).join(p)
    }
}

/// The scenario's traces, scanned and bound to `setup`, with the readers' and the binding's
/// warnings.
pub(crate) fn load(
    setup: &mut Setup,
    scenario_path: &Path,
    text: &str,
    overrides: &[String],
) -> Result<(Vec<TraceIndex>, Vec<String>), CliError> {
    let origin = scenario_path.display().to_string();
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
        .map_err(|e| CliError::Input(e.to_string()))?;
    warnings.extend(bound);
    warnings.extend(
        setup
            .capacity_warnings()
            .into_iter()
            .map(|w| format!("{origin}: {w}")),
    );
    Ok((indexes, warnings))
}

/// Scans one trace of the scenario at `scenario_path`; errors name the scenario and trace.
fn scan(t: &TraceSetup, scenario_path: &Path) -> Result<TraceIndex, CliError> {
    trace::scan(t.format, &resolve(scenario_path, &t.path), t.interval).map_err(|e| {
        CliError::Input(format!(
            "{}: traces.{}: {e}",
            scenario_path.display(),
            t.name
        ))
    })
}

/// Traces scanned once for many runs of one scenario (a sweep's), so that every run's traces
/// can be checked before the first run starts without reading a file twice.
pub(crate) struct Scans(Vec<(ScanKey, TraceIndex)>);

/// What makes two scans of a trace the same: its format, resolved path and interval.
type ScanKey = (&'static str, PathBuf, Option<SimTime>);

impl Scans {
    /// Starts from the traces of `setup` already scanned by [`load`] (`indexes`, in order).
    pub(crate) fn new(setup: &Setup, scenario_path: &Path, indexes: Vec<TraceIndex>) -> Scans {
        Scans(
            setup
                .traces
                .iter()
                .map(|t| (t.format, resolve(scenario_path, &t.path), t.interval))
                .zip(indexes)
                .collect(),
        )
    }

    /// Checks that the traces of `setup` (the scenario at `scenario_path` as `overrides`
    /// changed it) can be read and bound: a missing file, a shift past a trace's end or more
    /// VMs than a trace holds fail here. Each distinct trace is scanned once over all calls.
    pub(crate) fn check(
        &mut self,
        setup: &mut Setup,
        scenario_path: &Path,
        text: &str,
        overrides: &[String],
    ) -> Result<(), CliError> {
        let mut found = Vec::with_capacity(setup.traces.len());
        for t in &setup.traces {
            let key = (t.format, resolve(scenario_path, &t.path), t.interval);
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
        let origin = scenario_path.display().to_string();
        scenario::bind(text, &origin, overrides, setup, &indexes)
            .map(drop)
            .map_err(|e| CliError::Input(e.to_string()))
    }
}
