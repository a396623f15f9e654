//! Writing one run's folder: its simulation's data files, the scenario as run, then the
//! charts and reports drawn from those files.

use super::PipelineError;
use super::render::{Drawn, Folder, render_run};
use super::simulate::{RunOptions, simulate};
use crate::output::SummaryFile;
use crate::output::files::SCENARIO_COPY_FILE;
use crate::sim::setup::Setup;
use crate::trace::TraceIndex;

/// What a run folder holds besides the run's own data files.
#[derive(Debug, Clone, Copy)]
pub struct FolderOptions<'a> {
    /// Baseline, invariant checks, host utilisation, baseline timeseries, format, overrides.
    pub run: RunOptions<'a>,
    /// Draw charts (reports are written either way).
    pub charts: bool,
}

/// Simulates `setup` (replaying `traces`, its bound trace indexes) into `folder.dir`, then
/// adds the scenario as run (`scenario_copy`), the charts and the reports; `warnings` are the
/// ones preparing the scenario printed, kept for the report. Errors name
/// `folder.shown`, the folder the user asked for (`folder.dir` may be its staging copy).
pub fn write_run_folder(
    setup: &Setup,
    traces: &[TraceIndex],
    scenario_copy: &str,
    folder: Folder,
    options: FolderOptions<'_>,
    warnings: &[String],
    progress: &dyn Fn(&'static str, f64),
) -> Result<(SummaryFile, Drawn), PipelineError> {
    let shown = folder.shown.display().to_string();
    let summary = simulate(setup, traces, folder.dir, options.run, warnings, progress).map_err(
        |e| match e {
            PipelineError::Io(m) => PipelineError::Io(format!("{shown}: {m}")),
            other => other,
        },
    )?;
    std::fs::write(folder.dir.join(SCENARIO_COPY_FILE), scenario_copy)
        .map_err(|e| PipelineError::Io(format!("{shown}: cannot write outputs: {e}")))?;
    let drawn = render_run(folder, options.charts).map_err(|e| e.into_error(false))?;
    Ok((summary, drawn))
}
