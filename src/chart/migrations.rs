//! Live migrations started in each control interval, with the interval's conflicts marked:
//! when consolidation moves VMs, and whether it clashes with what else is going on.

use super::data::RunData;
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The migrations chart of a run (`migrations.svg`, `migrations.png`).
pub struct MigrationsChart<'a> {
    run: &'a RunData,
}

impl<'a> MigrationsChart<'a> {
    /// The chart of `run`.
    pub fn new(run: &'a RunData) -> Self {
        MigrationsChart { run }
    }

    /// Conflicts per timeseries row: a conflict at time t counts in the first row at or after
    /// t, as `migrations_started` counts the migrations since the previous row.
    pub fn conflicts_per_row(&self) -> Vec<usize> {
        let times = &self.run.timeseries.time_h;
        let mut counts = vec![0; times.len()];
        for &t in &self.run.conflict_h {
            let i = times.partition_point(|&row| row < t - 1e-9);
            if let Some(c) = counts.get_mut(i.min(times.len().saturating_sub(1))) {
                *c += 1;
            }
        }
        counts
    }
}

/// The typical control interval of a timeseries, h (the median step; 1 h when unknown).
pub fn typical_step_h(times: &[f64]) -> f64 {
    let mut steps: Vec<f64> = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|s| *s > 0.0)
        .collect();
    if steps.is_empty() {
        return 1.0;
    }
    steps.sort_by(f64::total_cmp);
    steps[steps.len() / 2]
}

/// Closest bars may be, px: narrower ones are drawn 0 px wide in the SVG and vanish in the
/// PNG (a week of 5-minute ticks is under half a pixel per tick).
const MIN_BAR_PX: f64 = 4.0;

/// Round bin lengths, s: a bin is one of these when the step divides it.
const ROUND_BINS_S: [f64; 17] = [
    60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0, 7200.0, 10800.0, 14400.0, 21600.0,
    43200.0, 86400.0, 172800.0, 345600.0, 604800.0,
];

/// The length of one bar, h: the step when bars of a step are at least [`MIN_BAR_PX`] apart
/// on a plot `plot_px` wide showing `end_h` hours, else the shortest round length the step
/// divides that is (else the fewest whole steps that are).
pub fn bin_h(step_h: f64, end_h: f64, plot_px: f64) -> f64 {
    let needed = end_h * MIN_BAR_PX / plot_px;
    if step_h >= needed || step_h <= 0.0 {
        return step_h;
    }
    let step_s = (step_h * 3600.0).round();
    ROUND_BINS_S
        .into_iter()
        .find(|&s| s / 3600.0 >= needed && step_s > 0.0 && s % step_s == 0.0)
        .map_or_else(|| (needed / step_h).ceil() * step_h, |s| s / 3600.0)
}

/// Sums a per-row count into bins of `bin` hours from time 0: a row counts what happened
/// since the previous row, so the row at t falls in the bin ending at or after t, and the
/// row at t = 0 (what the first tick did) in the first bin.
pub fn binned(times: &[f64], values: &[f64], bin: f64) -> Vec<f64> {
    let index = |t: f64| {
        if t <= 0.0 || bin <= 0.0 {
            0
        } else {
            ((t / bin - 1e-9).ceil() as usize).saturating_sub(1)
        }
    };
    let n = times.last().map_or(0, |&t| index(t) + 1);
    let mut sums = vec![0.0; n];
    for (&t, &v) in times.iter().zip(values) {
        if v.is_finite() {
            sums[index(t)] += v;
        }
    }
    sums
}

/// A duration in hours as `5 min`, `1 h`, `90 s`.
pub fn duration_label(h: f64) -> String {
    let s = (h * 3600.0).round() as u64;
    if s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

impl Figure for MigrationsChart<'_> {
    fn name(&self) -> String {
        "migrations".into()
    }

    fn title(&self) -> String {
        format!("Live migrations and conflicts — {}", self.run.scenario())
    }

    fn size(&self) -> (u32, u32) {
        (1200, 650)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, plot) = body.split_vertically(40);
        let ts = &self.run.timeseries;
        let axis = TimeAxis::new(ts.end_h());
        // The plot's width: the area less the margins and both axis label areas.
        let plot_px = (f64::from(plot.dim_in_pixel().0) - 2.0 * (10.0 + 95.0)).max(100.0);
        let bin = bin_h(typical_step_h(&ts.time_h), axis.end_h, plot_px);
        let started = binned(&ts.time_h, &ts.migrations_started, bin);
        let conflict_rows: Vec<f64> = self
            .conflicts_per_row()
            .into_iter()
            .map(|c| c as f64)
            .collect();
        let conflicts = binned(&ts.time_h, &conflict_rows, bin);
        let started_max = headroom(max_of(&started).max(1.0));
        let conflict_ticks = count_ticks(max_of(&conflicts) * 1.08);
        let conflict_max = conflict_ticks.last().copied().unwrap_or(1.0);
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(10)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .right_y_label_area_size(95)
            .build_cartesian_2d(axis.range(), 0.0..started_max)?
            .set_secondary_coord(axis.range(), Keyed::new(0.0, conflict_max, conflict_ticks));
        shade_nights(&mut chart, &axis, self.run.night(), started_max)?;
        time_mesh(
            &mut chart,
            &axis,
            format!("migrations started per {}", duration_label(bin)),
        )?;
        chart
            .configure_secondary_axes()
            .y_desc(format!("conflicts per {}", duration_label(bin)))
            .y_label_formatter(&|v| axis_number(*v))
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .draw()?;
        // Each bar spans its bin (the last one cut at the axis's end), a tenth left free on
        // either side.
        let span = |b: usize| {
            let start = b as f64 * bin;
            let end = (start + bin).min(axis.end_h);
            let gap = (end - start) * 0.1;
            (start + gap, end - gap)
        };
        chart.draw_series(started.iter().enumerate().filter(|(_, n)| **n > 0.0).map(
            |(b, &n)| {
                let (a, z) = span(b);
                Rectangle::new([(a, 0.0), (z, n)], DARK.filled())
            },
        ))?;
        chart.draw_secondary_series(
            conflicts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0.0)
                .map(|(b, &c)| {
                    let (a, z) = span(b);
                    TriangleMarker::new(((a + z) / 2.0, c), 7, MID.filled())
                }),
        )?;
        let total_started: f64 = ts.migrations_started.iter().filter(|v| v.is_finite()).sum();
        let n_conflicts = self.run.conflict_h.len();
        let note = format!(
            "{} migrations, {} conflict{}",
            grouped(total_started, 0),
            grouped(n_conflicts as f64, 0),
            if n_conflicts == 1 { "" } else { "s" }
        );
        chart.draw_series(std::iter::once(Text::new(
            note,
            (axis.end_h * 0.99, started_max * 0.97),
            label_font().pos(Pos::new(HPos::Right, VPos::Top)),
        )))?;
        legend(
            &key,
            &[
                (Key::Swatch(NIGHT), self.run.night().label()),
                (Key::Swatch(DARK), "migrations started".to_string()),
                (
                    Key::Marker(Shape::Triangle, MID),
                    "conflicts (right axis)".to_string(),
                ),
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bars of the migrations chart: (x, width, height) of the rectangles filled navy,
    /// the legend's swatch (the one 18 px high at the top) left out.
    fn bars(svg: &str) -> Vec<(f64, f64, f64)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F3B73"))
            .map(|n| (num(n, "x"), num(n, "width"), num(n, "height")))
            .filter(|&(_, _, h)| h != 18.0)
            .collect()
    }

    /// A week at 5-minute ticks with 1660 migrations at the first tick (t = 0) and 10 at
    /// every other: 2016 bars would be under half a pixel each, so ticks are summed per hour
    /// (168 bars, each wider than 3 px), and the first hour's bar (1660 + 12 x 10 = 1780),
    /// the tallest, is drawn from the axis's start instead of a zero-width rectangle.
    #[test]
    fn every_bar_of_a_week_is_visible() {
        let mut run = crate::chart::data::test_run(2017, 1.0 / 12.0);
        run.timeseries.migrations_started = vec![10.0; 2017];
        run.timeseries.migrations_started[0] = 1660.0;
        let chart = MigrationsChart::new(&run);
        let svg = crate::chart::Chart::render_svg(&chart).unwrap();
        let bars = bars(&svg);
        assert_eq!(bars.len(), 168);
        let thin: Vec<_> = bars.iter().filter(|b| b.1 < 3.0).collect();
        assert!(thin.is_empty(), "{} bars under 3 px: {thin:?}", thin.len());
        let first = bars.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
        let tallest = bars.iter().map(|b| b.2).fold(0.0, f64::max);
        assert_eq!(first.2, tallest, "the first hour has the most migrations");
        let texts: Vec<String> = roxmltree::Document::parse(&svg)
            .unwrap()
            .descendants()
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect();
        assert!(
            texts.iter().any(|t| t == "migrations started per 1 h"),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t == "21\u{202f}820 migrations, 0 conflicts"),
            "{texts:?}"
        );
    }

    /// 5-minute steps are found as the median even with a short last step.
    #[test]
    fn typical_step_is_the_median_step() {
        let times = [0.0, 5.0 / 60.0, 10.0 / 60.0, 15.0 / 60.0, 16.0 / 60.0];
        assert!((typical_step_h(&times) - 5.0 / 60.0).abs() < 1e-12);
        assert_eq!(duration_label(5.0 / 60.0), "5 min");
        assert_eq!(duration_label(1.0), "1 h");
        assert_eq!(duration_label(90.0 / 3600.0), "90 s");
    }
}
