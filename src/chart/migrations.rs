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
        let step = typical_step_h(&ts.time_h);
        let conflicts = self.conflicts_per_row();
        let started_max = headroom(max_of(&ts.migrations_started).max(1.0));
        let conflict_ticks =
            count_ticks(conflicts.iter().copied().max().unwrap_or(0) as f64 * 1.08);
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
        chart.draw_series(
            axis.nights(self.run.night())
                .into_iter()
                .map(|(a, b)| Rectangle::new([(a, 0.0), (b, started_max)], NIGHT.filled())),
        )?;
        chart
            .configure_mesh()
            .x_labels(axis.ticks().len())
            .x_label_formatter(&|h| axis.label(*h))
            .y_label_formatter(&|v| axis_number(*v))
            .x_desc(axis.description())
            .y_desc(format!("migrations started per {}", duration_label(step)))
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .house_grid()
            .draw()?;
        chart
            .configure_secondary_axes()
            .y_desc(format!("conflicts per {}", duration_label(step)))
            .y_label_formatter(&|v| axis_number(*v))
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .draw()?;
        let half = step * 0.45;
        chart.draw_series(
            ts.time_h
                .iter()
                .zip(&ts.migrations_started)
                .filter(|(_, n)| **n > 0.0)
                .map(|(&t, &n)| Rectangle::new([(t - half, 0.0), (t + half, n)], DARK.filled())),
        )?;
        chart.draw_secondary_series(
            ts.time_h
                .iter()
                .zip(&conflicts)
                .filter(|(_, c)| **c > 0)
                .map(|(&t, &c)| TriangleMarker::new((t, c as f64), 7, MID.filled())),
        )?;
        let total_started: f64 = ts.migrations_started.iter().filter(|v| v.is_finite()).sum();
        let note = format!(
            "{} migrations, {} conflicts",
            grouped(total_started, 0),
            grouped(self.run.conflict_h.len() as f64, 0)
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
