//! Charts of a run and of a policy comparison, drawn with plotters from the CSV files a run
//! writes, as SVG (inline in `report.html`) and PNG (for slides and wikis).
//!
//! Every chart is a [`Figure`]: a name, a title, a size and a `draw` generic over plotters'
//! backends. The blanket [`Chart`] impl makes any figure drawable behind `dyn`, and an
//! [`Exporter`] per file format turns a chart into bytes, so adding a chart is one type and
//! adding a format is one exporter. Text uses the bundled Liberation Sans (registered once
//! through plotters' `ab_glyph` font support), so charts look the same on a bare machine.

mod carbon;
mod compare;
pub mod data;
mod distribution;
mod energy;
mod heatmap;
mod hosts_needed;
mod migrations;
mod power;
mod style;
mod sweep;
pub mod sweep_results;
pub mod tolerance;

pub use carbon::CarbonChart;
pub use compare::{CompareBars, TradeOff};
pub use data::{
    Comparison, DataError, RunData, RunFiles, RunSummary, Timeseries, Utilisation, read_summary,
};
pub use distribution::UtilisationDistribution;
pub use energy::EnergyChart;
pub use heatmap::UtilisationHeatmap;
pub use hosts_needed::HostsNeededChart;
pub use migrations::MigrationsChart;
pub use power::PowerChart;
pub use style::{grouped, kg_decimals};
pub use sweep::{SweepByAxis, SweepTradeOff};
pub use sweep_results::SweepResults;

use crate::output::write_atomically;
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
    fn name(&self) -> String;
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
    fn name(&self) -> String;
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
    fn name(&self) -> String {
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
            self.draw(&root)
                .map_err(|e| error(&Figure::name(self), e))?;
            root.present().map_err(|e| error(&Figure::name(self), e))?;
        }
        Ok(text)
    }
    fn render_rgb(&self) -> Result<Vec<u8>, ChartError> {
        register_font();
        let (w, h) = Figure::size(self);
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&root)
                .map_err(|e| error(&Figure::name(self), e))?;
            root.present().map_err(|e| error(&Figure::name(self), e))?;
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
        encode_png(&pixels, w, h).map_err(|e| error(&chart.name(), e))
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
    pub name: String,
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
            write_atomically(&file, &bytes).map_err(|e| WriteError::Io(file_name(&file), e))?;
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
    /// A file could not be written (its name in the folder, error).
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

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
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
    if !run.timeseries.hosts_needed.is_empty() {
        charts.push(Box::new(HostsNeededChart::new(run)));
    }
    if run.timeseries.carbon.is_some() {
        charts.push(Box::new(CarbonChart::new(run)));
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

/// The charts of a sweep: metrics against each axis the plan picks, then the energy-vs-SLAV
/// trade-off (see [`sweep_results::plan`]).
pub fn sweep_charts(results: &SweepResults) -> Vec<Box<dyn Chart + '_>> {
    let plan = results.plan();
    let mut charts: Vec<Box<dyn Chart + '_>> = plan
        .by_axis
        .into_iter()
        .map(|p| Box::new(SweepByAxis::new(results, p)) as Box<dyn Chart + '_>)
        .collect();
    charts.push(Box::new(SweepTradeOff::new(results, plan.tradeoff_series)));
    // With failures, the reserve analysis: energy against the p99 restart time.
    if results
        .runs
        .iter()
        .any(|r| r.get(sweep_results::Metric::RestartP99).is_finite())
    {
        charts.push(Box::new(SweepTradeOff::restarts(
            results,
            plan.tradeoff_series,
        )));
    }
    charts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{BaselineSummary, ComparisonRow, Savings, SummaryFile};
    use crate::sim::records::{EnergySummary, Summary};
    use std::path::PathBuf;

    /// A two-day run with 4 hosts, ticks every 6 h: power falls at night, host 3 is off at
    /// night, one conflict at 13:00 on Monday.
    fn sample_run() -> RunData {
        let time_h: Vec<f64> = (0..=8).map(|i| i as f64 * 6.0).collect();
        let n = time_h.len();
        let on = vec![4.0, 3.0, 4.0, 4.0, 3.0, 3.0, 4.0, 4.0, 3.0];
        let ts = Timeseries {
            time_h: time_h.clone(),
            hosts_off: on.iter().map(|o| 4.0 - o).collect(),
            hosts_on: on,
            hosts_booting: vec![0.0; n],
            hosts_shutting_down: vec![0.0; n],
            hosts_sleeping: vec![0.0; n],
            demand_mips: vec![
                1000.0, 500.0, 1500.0, 1200.0, 500.0, 500.0, 1500.0, 1200.0, 500.0,
            ],
            capacity_on_mips: vec![
                4000.0, 3000.0, 4000.0, 4000.0, 3000.0, 3000.0, 4000.0, 4000.0, 3000.0,
            ],
            power_w: vec![
                800.0, 550.0, 900.0, 850.0, 550.0, 550.0, 900.0, 850.0, 550.0,
            ],
            energy_kwh: (0..n).map(|i| i as f64 * 4.0).collect(),
            cost: (0..n).map(|i| i as f64 * 0.8).collect(),
            migrations_started: vec![0.0, 3.0, 1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 2.0],
            hosts_needed: vec![1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, 1.0],
            hosts_lower_bound: vec![1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 1.0],
            carbon: None,
        };
        let mut baseline = ts.clone();
        baseline.power_w = vec![1000.0; n];
        baseline.energy_kwh = (0..n).map(|i| i as f64 * 6.0).collect();
        baseline.cost = (0..n).map(|i| i as f64 * 1.2).collect();
        let nan = f32::NAN;
        let mut values = Vec::new();
        for t in 0..n {
            let night = t % 4 == 0 || t % 4 == 1;
            values.extend([0.5, 0.3, 0.9, if night { nan } else { 0.1 }]);
        }
        RunData {
            summary: RunSummary {
                dir: PathBuf::from("sample"),
                file: SummaryFile {
                    summary: Summary {
                        scenario: "sample".into(),
                        seed: 1,
                        duration_s: 172800.0,
                        energy: EnergySummary {
                            it_kwh: 32.0,
                            facility_kwh: 44.8,
                            cost: 8.96,
                            currency: "EUR".into(),
                            pue: 1.4,
                            ..EnergySummary::default()
                        },
                        ..Summary::default()
                    },
                    baseline: Some(BaselineSummary {
                        it_kwh: 48.0,
                        facility_kwh: 67.2,
                        cost: 13.44,
                        slatah: 0.0,
                        vms_unplaced: 0,
                        demand_core_h: 0.0,
                        unserved_demand_core_h: 0.0,
                        unserved_fraction: 0.0,
                    }),
                    savings: Some(Savings {
                        energy_kwh: 16.0,
                        energy_fraction: 0.333333,
                        cost: 4.48,
                        cost_fraction: 0.333333,
                        comparable: true,
                        caveat: String::new(),
                    }),
                    report: None,
                    format: Default::default(),
                },
                files: RunFiles {
                    baseline: true,
                    host_utilisation: true,
                    tables: Vec::new(),
                },
                scenario_text: Some("version = 1\n".into()),
            },
            timeseries: ts,
            baseline: Some(baseline),
            conflict_h: vec![13.0],
            utilisation: Some(Utilisation {
                time_h,
                hosts: 4,
                values,
            }),
        }
    }

    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect()
    }

    fn assert_has(texts: &[String], wanted: &[&str], chart: &str) {
        for w in wanted {
            assert!(
                texts.iter().any(|t| t == w),
                "{chart}: no text {w:?} among {texts:?}"
            );
        }
    }

    /// Every run chart is well-formed SVG whose text has its title, axis descriptions with
    /// units, and a legend entry for each series.
    #[test]
    fn run_charts_have_titles_axes_and_series() {
        let run = sample_run();
        let charts = run_charts(&run);
        let names: Vec<String> = charts.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            [
                "power",
                "energy",
                "migrations",
                "utilisation-heatmap",
                "utilisation-distribution",
                "hosts-needed"
            ]
        );
        let expected: [&[&str]; 6] = [
            &[
                "Power draw, CPU demand and hosts — sample",
                "IT power (kW)",
                "CPU (thousand MIPS)",
                "night (22:00–06:00)",
                "IT power",
                "IT power, always-on baseline",
                "CPU demand (right axis)",
                "CPU capacity of hosts on (right axis)",
                "hosts on",
                "booting",
                "shutting down",
                "off",
                "Mon 06:00",
                "Wed 00:00",
            ],
            &[
                "Cumulative energy and cost vs always-on — sample",
                "IT energy (kWh)",
                "cost (EUR, facility, PUE 1.4)",
                "this run",
                "always-on baseline (same workload)",
                "saves 16.0 kWh of IT energy (33.3 %) against always-on",
                "saves 4.5 EUR (33.3 %) against always-on",
            ],
            &[
                "Live migrations and conflicts — sample",
                "migrations started per 6 h",
                "conflicts per 6 h",
                "migrations started",
                "conflicts (right axis)",
                "9 migrations, 1 conflict",
            ],
            &[
                "Host CPU utilisation over time — sample",
                "hosts, ranked by time on (most at the bottom)",
                "not on",
                "0–20 %",
                "80–100 %",
                "over 100 %",
            ],
            &[
                "Utilisation of hosts while on — sample",
                "share of host-intervals on (%)",
                "cumulative (right axis)",
                // Over the 8 drawn ticks hosts 0-2 are always on and host 3 on the 4 day
                // ticks: 28 host-intervals summing 8 x (0.5 + 0.3 + 0.9) + 4 x 0.1 = 14.0,
                // mean 50 %.
                "mean 50.0 %, over-loaded 0.00 % of 28 host-intervals",
            ],
            &[
                "Hosts on and hosts needed — sample",
                "hosts",
                "night (22:00–06:00)",
                "hosts on",
                hosts_needed::NEEDED_LABEL,
                hosts_needed::BOUND_LABEL,
                "Mon 06:00",
                "Wed 00:00",
            ],
        ];
        for (chart, wanted) in charts.iter().zip(expected) {
            let svg = chart.render_svg().unwrap();
            assert_has(&texts(&svg), wanted, &chart.name());
        }
    }

    /// A timeseries from before the `hosts_needed` column draws no hosts-needed chart.
    #[test]
    fn hosts_needed_chart_needs_its_column() {
        let mut run = sample_run();
        run.timeseries.hosts_needed.clear();
        let names: Vec<String> = run_charts(&run).iter().map(|c| c.name()).collect();
        assert!(!names.contains(&"hosts-needed".to_string()), "{names:?}");
    }

    /// A timeseries from before the `hosts_lower_bound` column draws the chart without the
    /// bound's line or legend entry.
    #[test]
    fn hosts_needed_chart_draws_the_bound_only_with_its_column() {
        let mut run = sample_run();
        run.timeseries.hosts_lower_bound.clear();
        let svg = HostsNeededChart::new(&run).render_svg().unwrap();
        let texts = texts(&svg);
        assert!(texts.iter().any(|t| t == hosts_needed::NEEDED_LABEL));
        assert!(!texts.iter().any(|t| t == hosts_needed::BOUND_LABEL));
    }

    /// Sleeping hosts get their own band and legend entry, only when some host sleeps.
    #[test]
    fn sleeping_hosts_are_shown_when_present() {
        let mut run = sample_run();
        let without = texts(&PowerChart::new(&run).render_svg().unwrap());
        assert!(!without.iter().any(|t| t == "sleeping"));
        run.timeseries.hosts_sleeping[4] = 1.0;
        run.timeseries.hosts_off[4] = 0.0;
        let with = texts(&PowerChart::new(&run).render_svg().unwrap());
        assert_has(&with, &["sleeping", "off"], "power");
    }

    /// The heat map merges equal neighbouring cells: host 3 (on by day only) alternates
    /// between not-on and the 0–20 % band, so the 8 drawn columns give 2 cells of that band;
    /// hosts 0, 1 and 2 are one rectangle each (bands 40–60, 20–40 and 80–100 %).
    #[test]
    fn heatmap_draws_one_rectangle_per_run_of_equal_cells() {
        let run = sample_run();
        let u = run.utilisation.as_ref().unwrap();
        let svg = UtilisationHeatmap::new(&run, u).render_svg().unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let filled = |color: &str| {
            doc.descendants()
                .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(color))
                .count()
        };
        // Each band colour also appears once as a legend swatch.
        assert_eq!(filled("#C7E9B4"), 2 + 1, "0–20 %: host 3 by day, twice");
        assert_eq!(filled("#7FCDBB"), 1 + 1, "20–40 %: host 1");
        assert_eq!(filled("#41B6C4"), 1 + 1, "40–60 %: host 0");
        assert_eq!(filled("#253494"), 1 + 1, "80–100 %: host 2");
        assert_eq!(filled("#0A0A0A"), 1, "over 100 %: legend only");
    }

    /// The PNG exporter writes a PNG of the chart's size with more than flat colour in it.
    #[test]
    fn png_is_decodable_at_the_chart_size() {
        let run = sample_run();
        let chart = PowerChart::new(&run);
        let bytes = PngExporter.export(&chart).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (1200, 900));
        let pixels = &buf[..info.buffer_size()];
        let mut colours: Vec<[u8; 3]> = pixels.chunks(3).map(|p| [p[0], p[1], p[2]]).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 20, "only {} colours", colours.len());
        assert!(
            colours.contains(&[31, 59, 115]),
            "the IT power line's navy is drawn"
        );
    }

    /// Same data, same bytes: charts carry no time stamp or hash-ordered content.
    #[test]
    fn charts_are_deterministic() {
        let run = sample_run();
        for chart in run_charts(&run) {
            assert_eq!(chart.render_svg().unwrap(), chart.render_svg().unwrap());
            assert_eq!(
                PngExporter.export(chart.as_ref()).unwrap(),
                PngExporter.export(chart.as_ref()).unwrap()
            );
        }
    }

    /// The conflict at 13:00 counts in the 18:00 row, like migrations started since 12:00.
    #[test]
    fn conflicts_count_in_the_next_row() {
        let run = sample_run();
        assert_eq!(
            MigrationsChart::new(&run).conflicts_per_row(),
            vec![0, 0, 0, 1, 0, 0, 0, 0, 0]
        );
    }

    fn row(variant: &str, it_kwh: f64, migrations: u64, slav: f64) -> ComparisonRow {
        ComparisonRow::sample("sample", variant, it_kwh, migrations, slav)
    }

    /// Comparison bars label each variant and its value; the trade-off names each point.
    #[test]
    fn comparison_charts_name_variants_and_values() {
        let cmp = Comparison {
            dir: PathBuf::from("cmp"),
            rows: vec![
                row("always-on", 1000.0, 0, 0.0),
                row("thr-mmt", 620.0, 1234, 2.5e-6),
                row("lazy", 800.0, 400, 1.0e-6),
            ],
        };
        let bars = texts(&CompareBars::new(&cmp).render_svg().unwrap());
        assert_has(
            &bars,
            &[
                "Policies compared — sample",
                "IT energy (kWh)",
                "cost (EUR, facility energy)",
                "live migrations",
                "CPU demand not served (%)",
                "always-on",
                "thr-mmt",
                "lazy",
                "1\u{202f}000",
                "620",
                "1\u{202f}234",
                "2.50 %",
                "always-on baseline",
            ],
            "compare-bars",
        );
        let trade = texts(&TradeOff::new(&cmp).render_svg().unwrap());
        assert_has(
            &trade,
            &[
                "Energy vs CPU demand not served — sample",
                "IT energy (kWh)",
                "CPU demand not served (%)",
                "thr-mmt",
                "lazy",
                "better: lower left",
                "always-on baseline",
            ],
            "compare-tradeoff",
        );
    }
}
