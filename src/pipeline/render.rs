//! Drawing a folder's charts and writing its reports from the files in it: a run's, a
//! comparison's or a sweep's. `run`, `compare`, `sweep`, `merge` and `plot` all draw here.

use super::PipelineError;
use crate::chart::{self, Comparison, DataError, RunData, RunSummary, SweepResults, WrittenChart};
use crate::output::files::{REPORT_HTML_FILE, REPORT_MD_FILE};
use crate::output::write_atomically;
use crate::report;
use std::path::Path;
use std::time::Instant;

/// What drawing produced, for the closing message.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Drawn {
    /// Charts drawn.
    pub charts: usize,
    /// Chart files written (each chart in each format).
    pub files: usize,
    /// Wall time spent reading the files, drawing and writing charts and reports, s.
    pub seconds: f64,
}

impl Drawn {
    /// Adds what another drawing produced.
    pub fn add(&mut self, other: Drawn) {
        self.charts += other.charts;
        self.files += other.files;
        self.seconds += other.seconds;
    }
}

/// Why drawing failed: the folder's files (bad input) or writing (anything else).
#[derive(Debug)]
pub enum DrawError {
    /// A file of the folder is missing or malformed.
    Data(DataError),
    /// A chart or report could not be drawn or written.
    Write(String),
}

impl DrawError {
    /// As a pipeline error: a malformed folder is bad input when the user named it (`plot`),
    /// a failure when nightshift has just written it (`run`, `compare`).
    pub fn into_error(self, user_folder: bool) -> PipelineError {
        match self {
            DrawError::Data(e) if user_folder => PipelineError::Input(e.to_string()),
            DrawError::Data(e) => PipelineError::Io(e.to_string()),
            DrawError::Write(e) => PipelineError::Io(e),
        }
    }
}

/// A folder drawn into: where the files go (`dir`, perhaps a hidden staging folder) and the
/// folder the user asked for, which errors name (`shown`).
#[derive(Debug, Clone, Copy)]
pub struct Folder<'a> {
    /// Where to write.
    pub dir: &'a Path,
    /// What to call it in messages.
    pub shown: &'a Path,
}

impl<'a> Folder<'a> {
    /// A folder written in place, named as it is.
    pub fn at(dir: &'a Path) -> Self {
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
    write_atomically(&folder.dir.join(name), text.as_bytes())
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
pub fn render_run(folder: Folder, with_charts: bool) -> Result<Drawn, DrawError> {
    let dir = folder.dir;
    let clock = Instant::now();
    // The reports need the summary only; the series are read for the charts.
    let (run, written, explorer) = if with_charts {
        let data = RunData::load(dir).map_err(DrawError::Data)?;
        let written = draw(folder, &chart::run_charts(&data))?;
        let explorer = report::explorer(
            &data.timeseries,
            data.baseline.as_ref(),
            data.run().hosts.count,
        );
        (data.summary, written, Some(explorer))
    } else {
        (
            RunSummary::load(dir).map_err(DrawError::Data)?,
            Vec::new(),
            None,
        )
    };
    write_text(
        folder,
        REPORT_HTML_FILE,
        &report::run_html(&run, &written, explorer.as_deref()),
    )?;
    write_text(
        folder,
        REPORT_MD_FILE,
        &report::run_markdown(&run, &written),
    )?;
    Ok(Drawn {
        charts: written.len(),
        files: written.len() * chart::default_exporters().len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// Draws a comparison's charts (unless `with_charts` is false) and writes its reports.
pub fn render_comparison(folder: Folder, with_charts: bool) -> Result<Drawn, DrawError> {
    let clock = Instant::now();
    let cmp = Comparison::load(folder.dir).map_err(DrawError::Data)?;
    let written = if with_charts {
        draw(folder, &chart::comparison_charts(&cmp))?
    } else {
        Vec::new()
    };
    write_text(
        folder,
        REPORT_HTML_FILE,
        &report::comparison_html(&cmp, &written),
    )?;
    write_text(
        folder,
        REPORT_MD_FILE,
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
pub fn render_sweep(dir: &Path, with_charts: bool) -> Result<Drawn, DrawError> {
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
        REPORT_HTML_FILE,
        &report::sweep_html(&results, &written),
    )?;
    write_text(
        folder,
        REPORT_MD_FILE,
        &report::sweep_markdown(&results, &written),
    )?;
    Ok(Drawn {
        charts: written.len(),
        files: written.len() * chart::default_exporters().len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}
