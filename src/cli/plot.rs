//! `nightshift plot DIR`: redraw the charts and reports of an earlier run, comparison or
//! sweep from the files in its folder, through the pipeline's drawing (which `run`, `compare`,
//! `sweep` and `merge` use too).

use super::destination::{is_output_folder, remove_leftovers};
use super::{CliError, say};
use crate::chart::{Comparison, RunSummary};
use crate::output::Scope;
use crate::output::files::{COMPARISON_FILE, MANIFEST_FILE, SUMMARY_FILE};
use crate::pipeline::{Drawn, Folder, render_comparison, render_run, render_sweep};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of `nightshift run`, `nightshift compare` or `nightshift sweep`.
    #[arg(value_hint = clap::ValueHint::DirPath)]
    dir: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

impl PlotArgs {
    /// The folder to redraw.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether to print nothing on success.
    pub(super) fn quiet(&self) -> bool {
        self.quiet
    }
}

/// Checks that run folder `dir`'s `summary.json` is one nightshift wrote: it reads as a
/// summary (every field there, of its type; [`crate::chart::read_summary`] names a field that
/// is not) and no measured amount is below 0. A damaged summary would otherwise give a report
/// with wrong headline numbers.
fn check_summary(dir: &Path) -> Result<(), CliError> {
    let run = RunSummary::load(dir).map_err(|e| CliError::Input(e.to_string()))?;
    let s = run.run();
    let amounts = [
        ("duration_s", s.duration_s),
        ("energy.it_kwh", s.energy.it_kwh),
        ("energy.facility_kwh", s.energy.facility_kwh),
        ("energy.cost", s.energy.cost),
        ("sla.slatah", s.sla.slatah),
        ("sla.pdm", s.sla.pdm),
        ("sla.slav", s.sla.slav),
        ("sla.esv", s.sla.esv),
    ];
    match amounts.iter().find(|(_, v)| *v < 0.0) {
        Some((key, v)) => Err(CliError::Input(format!(
            "{}: `{key}` is {v}, below 0; it is not a summary nightshift wrote (run the scenario again to rebuild the folder)",
            dir.join(SUMMARY_FILE).display()
        ))),
        None => Ok(()),
    }
}

/// Redraws everything in the folder: a run, a comparison and each of its runs, or a sweep
/// (its own charts and reports; a run of it is redrawn by naming its folder).
pub fn plot(args: PlotArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(CliError::Input(format!(
            "{}: not a folder; give the output folder of `nightshift run`, `compare` or `sweep`",
            dir.display()
        )));
    }
    // Only in a folder nightshift wrote are hidden temporary files its own.
    if is_output_folder(dir) {
        remove_leftovers(dir, Scope::All, args.quiet);
    }
    let mut drawn = Drawn::default();
    if dir.join(COMPARISON_FILE).exists() {
        let cmp = Comparison::load(dir).map_err(|e| CliError::Input(e.to_string()))?;
        // Every run is checked before anything is drawn: nothing is written over bad input.
        for row in &cmp.rows {
            let run_dir = dir.join(&row.run_dir);
            if run_dir.join(SUMMARY_FILE).exists() {
                check_summary(&run_dir)?;
            }
        }
        for row in &cmp.rows {
            let run_dir = dir.join(&row.run_dir);
            if run_dir.join(SUMMARY_FILE).exists() {
                remove_leftovers(&run_dir, Scope::All, args.quiet);
                drawn.add(render_run(Folder::at(&run_dir), true).map_err(|e| e.into_error(true))?);
            }
        }
        drawn.add(render_comparison(Folder::at(dir), true).map_err(|e| e.into_error(true))?);
    } else if dir.join(MANIFEST_FILE).exists() {
        drawn.add(render_sweep(dir, true).map_err(|e| e.into_error(true))?);
    } else if dir.join(SUMMARY_FILE).exists() {
        check_summary(dir)?;
        drawn.add(render_run(Folder::at(dir), true).map_err(|e| e.into_error(true))?);
    } else {
        return Err(CliError::Input(format!(
            "{}: neither {SUMMARY_FILE} (a run), {COMPARISON_FILE} (a comparison) nor {MANIFEST_FILE} (a sweep) is here",
            dir.display()
        )));
    }
    if !args.quiet {
        say(&format!(
            "nightshift: drew {} charts ({} files) and the reports in {}/ in {:.2} s\n",
            drawn.charts,
            drawn.files,
            dir.display(),
            drawn.seconds
        ))?;
    }
    Ok(())
}
