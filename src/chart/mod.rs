//! Charts of a run and of a policy comparison, drawn with plotters from the CSV files a run
//! writes, as SVG (inline in `report.html`) and PNG (for slides and wikis).
//!
//! Every chart is a [`Figure`]: a name, a title, a size and a `draw` generic over plotters'
//! backends. The blanket [`Chart`] impl makes any figure drawable behind `dyn`, and an
//! [`Exporter`] per file format turns a chart into bytes, so adding a chart is one type and
//! adding a format is one exporter. Text uses the bundled Liberation Sans (registered once
//! through plotters' `ab_glyph` font support), so charts look the same on a bare machine.

mod compare;
pub mod data;
mod distribution;
mod energy;
mod heatmap;
mod migrations;
mod power;
mod style;

pub use compare::{CompareBars, TradeOff};
pub use data::{Comparison, DataError, RunData, Timeseries, Utilisation};
pub use distribution::UtilisationDistribution;
pub use energy::EnergyChart;
pub use heatmap::UtilisationHeatmap;
pub use migrations::MigrationsChart;
pub use power::PowerChart;
pub use style::grouped;

use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Once;

/// What a figure's drawing returns; plotters' errors are boxed and turned into [`ChartError`].
pub type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A chart that cannot be drawn or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    /// The chart's file name stem.
    pub chart: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chart {}: {}", self.chart, self.message)
    }
}

impl std::error::Error for ChartError {}

/// A chart drawable on any plotters backend (not object safe: see [`Chart`]).
pub trait Figure {
    /// File name stem, e.g. `power` for `power.svg` and `power.png`.
    fn name(&self) -> &'static str;
    /// The title drawn on top (also the report's caption).
    fn title(&self) -> String;
    /// Size in pixels (SVG user units).
    fn size(&self) -> (u32, u32) {
        (1200, 700)
    }
    /// Draws the whole chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// A chart behind `dyn`: what exporters and the report use.
pub trait Chart {
    /// File name stem.
    fn name(&self) -> &'static str;
    /// Title.
    fn title(&self) -> String;
    /// Size in pixels.
    fn size(&self) -> (u32, u32);
    /// The chart as an SVG document.
    fn render_svg(&self) -> Result<String, ChartError>;
    /// The chart as 8-bit RGB pixels, row by row.
    fn render_rgb(&self) -> Result<Vec<u8>, ChartError>;
}

impl<F: Figure> Chart for F {
    fn name(&self) -> &'static str {
        Figure::name(self)
    }
    fn title(&self) -> String {
        Figure::title(self)
    }
    fn size(&self) -> (u32, u32) {
        Figure::size(self)
    }
    fn render_svg(&self) -> Result<String, ChartError> {
        register_font();
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, Figure::size(self)).into_drawing_area();
            self.draw(&root).map_err(|e| error(self.name(), e))?;
            root.present().map_err(|e| error(self.name(), e))?;
        }
        Ok(text)
    }
    fn render_rgb(&self) -> Result<Vec<u8>, ChartError> {
        register_font();
        let (w, h) = Figure::size(self);
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&root).map_err(|e| error(self.name(), e))?;
            root.present().map_err(|e| error(self.name(), e))?;
        }
        Ok(pixels)
    }
}

fn error(chart: &str, e: impl fmt::Display) -> ChartError {
    ChartError {
        chart: chart.to_string(),
        message: e.to_string(),
    }
}

/// The bundled font, registered as plotters' `sans-serif` family (what SVG text names too).
static FONT: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font compiled into the binary; a failure here is a
        // build defect, caught by every chart test.
        if plotters::style::register_font(style::FONT, FontStyle::Normal, FONT).is_err() {
            panic!("the bundled font assets/fonts/LiberationSans-Regular.ttf is not a valid font");
        }
    });
}

/// Turns a chart into the bytes of one file format.
pub trait Exporter {
    /// File extension, without the dot.
    fn extension(&self) -> &'static str;
    /// The file's bytes.
    fn export(&self, chart: &dyn Chart) -> Result<Vec<u8>, ChartError>;
}

/// Scalable vector graphics: text stays text (searchable, inspectable), inline in HTML.
#[derive(Debug, Clone, Copy, Default)]
pub struct SvgExporter;

impl Exporter for SvgExporter {
    fn extension(&self) -> &'static str {
        "svg"
    }
    fn export(&self, chart: &dyn Chart) -> Result<Vec<u8>, ChartError> {
        chart.render_svg().map(String::into_bytes)
    }
}

/// Portable network graphics, fast compression (charts are flat colours; the size gained by
/// harder compression is small and costs most of the drawing time).
#[derive(Debug, Clone, Copy, Default)]
pub struct PngExporter;

impl Exporter for PngExporter {
    fn extension(&self) -> &'static str {
        "png"
    }
    fn export(&self, chart: &dyn Chart) -> Result<Vec<u8>, ChartError> {
        let pixels = chart.render_rgb()?;
        let (w, h) = chart.size();
        encode_png(&pixels, w, h).map_err(|e| error(chart.name(), e))
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// A chart written to disk, with its SVG kept for the HTML report.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenChart {
    /// File name stem.
    pub name: &'static str,
    /// Title.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// The exporters a run uses: SVG and PNG.
pub fn default_exporters() -> [&'static dyn Exporter; 2] {
    [&SvgExporter, &PngExporter]
}

/// Writes every chart in every format into `dir` (each file written beside and renamed into
/// place, so an interrupted redraw never leaves a truncated chart).
pub fn write_charts(
    dir: &Path,
    charts: &[Box<dyn Chart + '_>],
    exporters: &[&dyn Exporter],
) -> Result<Vec<WrittenChart>, WriteError> {
    let mut written = Vec::with_capacity(charts.len());
    for chart in charts {
        let mut svg = None;
        for exporter in exporters {
            let bytes = exporter.export(chart.as_ref()).map_err(WriteError::Chart)?;
            let file = dir.join(format!("{}.{}", chart.name(), exporter.extension()));
            write_atomically(&file, &bytes)
                .map_err(|e| WriteError::Io(file.display().to_string(), e))?;
            if exporter.extension() == "svg" {
                svg = String::from_utf8(bytes).ok();
            }
        }
        let svg = match svg {
            Some(svg) => svg,
            None => chart.render_svg().map_err(WriteError::Chart)?,
        };
        written.push(WrittenChart {
            name: chart.name(),
            title: chart.title(),
            svg,
        });
    }
    Ok(written)
}

/// Failure to write charts: drawing failed, or the file could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// A chart could not be drawn.
    Chart(ChartError),
    /// A file could not be written (path, error).
    Io(String, io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Chart(e) => write!(f, "{e}"),
            WriteError::Io(path, e) => write!(f, "{path}: cannot write: {e}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// Writes `bytes` to a temporary name next to `path` and renames it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The charts of one run: power, energy, migrations, and (when `host_utilisation.csv` was
/// written) the utilisation heat map and distribution.
pub fn run_charts(run: &RunData) -> Vec<Box<dyn Chart + '_>> {
    let mut charts: Vec<Box<dyn Chart + '_>> = vec![
        Box::new(PowerChart::new(run)),
        Box::new(EnergyChart::new(run)),
        Box::new(MigrationsChart::new(run)),
    ];
    if let Some(u) = &run.utilisation {
        charts.push(Box::new(UtilisationHeatmap::new(run, u)));
        charts.push(Box::new(UtilisationDistribution::new(run, u)));
    }
    charts
}

/// The charts of a comparison: metric bars and the energy-vs-SLAV trade-off.
pub fn comparison_charts(cmp: &Comparison) -> Vec<Box<dyn Chart + '_>> {
    vec![
        Box::new(CompareBars::new(cmp)),
        Box::new(TradeOff::new(cmp)),
    ]
}
