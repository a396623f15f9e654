//! `nightshift plot DIR`: redraw the charts and reports of an earlier run, comparison or
//! sweep from the files in its folder. `run`, `compare`, `sweep` and `merge` draw through the
//! same functions.

use super::destination::{is_output_folder, remove_leftovers};
use super::{CliError, say};
use crate::chart::{self, Comparison, DataError, RunData, RunSummary, SweepResults, WrittenChart};
use crate::output::{COMPARISON_FILE, Scope};
use crate::report;
use crate::sweep::MANIFEST_FILE;
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of `nightshift run`, `nightshift compare` or `nightshift sweep`.
    dir: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

/// What drawing produced, for the closing message.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Drawn {
    /// Charts drawn.
    pub charts: usize,
    /// Chart files written (each chart in each format).
    pub files: usize,
    /// Wall time spent reading the files, drawing and writing charts and reports, s.
    pub seconds: f64,
}

impl Drawn {
    fn add(&mut self, other: Drawn) {
        self.charts += other.charts;
        self.files += other.files;
        self.seconds += other.seconds;
    }
}

/// Why drawing failed: the folder's files (bad input) or writing (anything else).
#[derive(Debug)]
pub(crate) enum DrawError {
    /// A file of the folder is missing or malformed.
    Data(DataError),
    /// A chart or report could not be drawn or written.
    Write(String),
}

impl DrawError {
    /// As a CLI error: a malformed folder is bad input when the user named it (`plot`), an
    /// internal failure when nightshift has just written it (`run`, `compare`).
    pub(crate) fn into_cli(self, user_folder: bool) -> CliError {
        match self {
            DrawError::Data(e) if user_folder => CliError::Input(e.to_string()),
            DrawError::Data(e) => CliError::Other(e.to_string()),
            DrawError::Write(e) => CliError::Other(e),
        }
    }
}

/// A folder drawn into: where the files go (`dir`, perhaps a hidden staging folder) and the
/// folder the user asked for, which errors name (`shown`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Folder<'a> {
    /// Where to write.
    pub dir: &'a Path,
    /// What to call it in messages.
    pub shown: &'a Path,
}

impl<'a> Folder<'a> {
    /// A folder written in place, named as it is.
    pub(crate) fn at(dir: &'a Path) -> Self {
        Folder { dir, shown: dir }
    }

    fn cannot_write(&self, name: &str, e: impl std::fmt::Display) -> DrawError {
        DrawError::Write(format!(
            "{}: cannot write: {e}",
            self.shown.join(name).display()
        ))
    }
}

fn write_text(folder: Folder, name: &str, text: &str) -> Result<(), DrawError> {
    chart::write_atomically(&folder.dir.join(name), text.as_bytes())
        .map_err(|e| folder.cannot_write(name, e))
}

fn draw(
    folder: Folder,
    charts: &[Box<dyn chart::Chart + '_>],
) -> Result<Vec<WrittenChart>, DrawError> {
    chart::write_charts(folder.dir, charts, &chart::default_exporters()).map_err(|e| match e {
        chart::WriteError::Io(name, e) => folder.cannot_write(&name, e),
        other => DrawError::Write(other.to_string()),
    })
}

/// Draws a run's charts (unless `with_charts` is false) and writes its reports.
pub(crate) fn render_run(folder: Folder, with_charts: bool) -> Result<Drawn, DrawError> {
    let dir = folder.dir;
    let clock = Instant::now();
    // The reports need the summary only; the series are read for the charts.
    let (run, written) = if with_charts {
        let data = RunData::load(dir).map_err(DrawError::Data)?;
        let written = draw(folder, &chart::run_charts(&data))?;
        (data.summary, written)
    } else {
        (RunSummary::load(dir).map_err(DrawError::Data)?, Vec::new())
    };
    write_text(folder, "report.html", &report::run_html(&run, &written))?;
    write_text(folder, "report.md", &report::run_markdown(&run, &written))?;
    Ok(Drawn {
        charts: written.len(),
        files: written.len() * chart::default_exporters().len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Draws a comparison's charts (unless `with_charts` is false) and writes its reports.
pub(crate) fn render_comparison(folder: Folder, with_charts: bool) -> Result<Drawn, DrawError> {
    let clock = Instant::now();
    let cmp = Comparison::load(folder.dir).map_err(DrawError::Data)?;
    let written = if with_charts {
        draw(folder, &chart::comparison_charts(&cmp))?
    } else {
        Vec::new()
    };
    write_text(
        folder,
        "report.html",
        &report::comparison_html(&cmp, &written),
    )?;
    write_text(
        folder,
        "report.md",
        &report::comparison_markdown(&cmp, &written),
    )?;
    Ok(Drawn {
        charts: written.len(),
        files: written.len() * chart::default_exporters().len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Draws a sweep's charts from its `results.csv` (unless `with_charts` is false) and writes
/// its reports.
pub(crate) fn render_sweep(dir: &Path, with_charts: bool) -> Result<Drawn, DrawError> {
    let clock = Instant::now();
    let folder = Folder::at(dir);
    let results = SweepResults::load(dir).map_err(DrawError::Data)?;
    let written = if with_charts {
        draw(folder, &chart::sweep_charts(&results))?
    } else {
        Vec::new()
    };
    write_text(
        folder,
        "report.html",
        &report::sweep_html(&results, &written),
    )?;
    write_text(
        folder,
        "report.md",
        &report::sweep_markdown(&results, &written),
    )?;
    Ok(Drawn {
        charts: written.len(),
        files: written.len() * chart::default_exporters().len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// The keys every run's `summary.json` holds as numbers (the design's contract, plus what
/// the reports' headline rows start from).
const SUMMARY_NUMBERS: [&str; 13] = [
    "seed",
    "duration_s",
    "energy.it_kwh",
    "energy.facility_kwh",
    "energy.cost",
    "migrations.count",
    "sla.slatah",
    "sla.pdm",
    "sla.slav",
    "sla.esv",
    "conflicts.total",
    "hosts.boots",
    "hosts.shutdowns",
];

/// Checks that run folder `dir`'s `summary.json` is one nightshift wrote: valid JSON with the
/// scenario's name and every key of [`SUMMARY_NUMBERS`] as a number (not negative). Reports
/// leave out what they do not find, so a damaged summary would otherwise give a report that
/// silently misses its headline numbers.
fn check_summary(dir: &Path) -> Result<(), CliError> {
    let run = RunSummary::load(dir).map_err(|e| CliError::Input(e.to_string()))?;
    let path = dir.join("summary.json");
    let damaged = |what: String| {
        CliError::Input(format!(
            "{}: {what}; it is not a summary nightshift wrote (run the scenario again to rebuild the folder)",
            path.display()
        ))
    };
    if run.text("scenario").is_none() {
        return Err(damaged(
            "`scenario` (the scenario's name, a string) is missing".into(),
        ));
    }
    for key in SUMMARY_NUMBERS {
        match run.number(key) {
            None => return Err(damaged(format!("`{key}` is missing or not a number"))),
            Some(v) if v < 0.0 => {
                return Err(damaged(format!("`{key}` is {v}, below 0")));
            }
            Some(_) => {}
        }
    }
    Ok(())
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
            if run_dir.join("summary.json").exists() {
                check_summary(&run_dir)?;
            }
        }
        for row in &cmp.rows {
            let run_dir = dir.join(&row.run_dir);
            if run_dir.join("summary.json").exists() {
                remove_leftovers(&run_dir, Scope::All, args.quiet);
                drawn.add(render_run(Folder::at(&run_dir), true).map_err(|e| e.into_cli(true))?);
            }
        }
        drawn.add(render_comparison(Folder::at(dir), true).map_err(|e| e.into_cli(true))?);
    } else if dir.join(MANIFEST_FILE).exists() {
        drawn.add(render_sweep(dir, true).map_err(|e| e.into_cli(true))?);
    } else if dir.join("summary.json").exists() {
        check_summary(dir)?;
        drawn.add(render_run(Folder::at(dir), true).map_err(|e| e.into_cli(true))?);
    } else {
        return Err(CliError::Input(format!(
            "{}: neither summary.json (a run), {COMPARISON_FILE} (a comparison) nor {MANIFEST_FILE} (a sweep) is here",
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
