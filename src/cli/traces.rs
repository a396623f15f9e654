//! Reading the traces a scenario replays: paths relative to the scenario file, scanning
//! (errors name the trace file and line, exit status 2) and binding to the setup.

use super::CliError;
use crate::scenario;
use crate::sim::setup::Setup;
use crate::trace::{self, TraceIndex};
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
        let path = resolve(scenario_path, &t.path);
        let index = trace::scan(t.format, &path, t.interval)
            .map_err(|e| CliError::Input(format!("{origin}: traces.{}: {e}", t.name)))?;
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
