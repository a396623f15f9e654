//! Cumulative IT energy and cost of the run against the always-on baseline of the same
//! workload: the gap at the right edge is the saving in the summary.

use super::data::{RunData, Timeseries};
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The cumulative energy and cost chart of a run (`energy.svg`, `energy.png`).
pub struct EnergyChart<'a> {
    run: &'a RunData,
}

impl<'a> EnergyChart<'a> {
    /// The chart of `run`.
    pub fn new(run: &'a RunData) -> Self {
        EnergyChart { run }
    }

    /// A panel: one cumulative column of the run and of the baseline.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        axis: &TimeAxis,
        column: impl Fn(&Timeseries) -> &[f64],
        scale: f64,
        y_desc: &str,
        note: Option<String>,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let ts = &self.run.timeseries;
        let baseline = self.run.baseline.as_ref();
        let y_max =
            headroom(max_of(column(ts)).max(baseline.map_or(0.0, |b| max_of(column(b)))) * scale);
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(45)
            .margin_top(6)
            .x_label_area_size(50)
            .y_label_area_size(100)
            .build_cartesian_2d(axis.range(), 0.0..y_max)?;
        time_mesh(&mut chart, axis, y_desc)?;
        if let Some(b) = baseline {
            chart.draw_series(DashedLineSeries::new(
                b.points(column(b), scale),
                12,
                7,
                GREY.stroke_width(3),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            ts.points(column(ts), scale),
            DARK.stroke_width(3),
        ))?;
        if let Some(note) = note {
            chart.draw_series(std::iter::once(Text::new(
                note,
                (axis.end_h * 0.02, y_max * 0.95),
                label_font().pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
        Ok(())
    }
}

impl Figure for EnergyChart<'_> {
    fn name(&self) -> String {
        "energy".into()
    }

    fn title(&self) -> String {
        format!(
            "Cumulative energy and cost vs always-on — {}",
            self.run.scenario()
        )
    }

    fn size(&self) -> (u32, u32) {
        (1200, 850)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, panels) = body.split_vertically(40);
        let height = panels.dim_in_pixel().1;
        let (upper, lower) = panels.split_vertically(height / 2);
        let axis = TimeAxis::new(self.run.timeseries.end_h());
        let run = self.run;
        let savings = run.file.savings.as_ref();
        let saving = |saved: Option<(f64, f64)>, what: String| match saved {
            Some((v, f)) => Some(format!(
                "{} {} {what} ({:.1} %) against always-on",
                if v >= 0.0 { "saves" } else { "costs an extra" },
                grouped(v.abs(), 1),
                f.abs() * 100.0
            )),
            _ => Some("always-on baseline not run (--no-baseline)".to_string()),
        };
        self.panel(
            &upper,
            &axis,
            |t| &t.energy_kwh,
            1.0,
            "IT energy (kWh)",
            saving(
                savings.map(|s| (s.energy_kwh, s.energy_fraction)),
                "kWh of IT energy".into(),
            )
            .map(|note| note + &switch_note(run)),
        )?;
        let pue = run.pue();
        let cost_desc = format!("cost ({}, facility, PUE {pue})", run.currency());
        self.panel(
            &lower,
            &axis,
            |t| &t.cost,
            pue,
            &cost_desc,
            saving(
                savings.map(|s| (s.cost, s.cost_fraction)),
                run.currency().to_string(),
            ),
        )?;
        let mut keys = vec![(Key::Line(DARK, 3), "this run".to_string())];
        if run.baseline.is_some() {
            keys.push((
                Key::Dashed(GREY, 3),
                "always-on baseline (same workload)".to_string(),
            ));
        }
        legend(&key, &keys)?;
        Ok(())
    }
}

/// With `[racks]`, the top-of-rack switches' part of the IT energy, for the energy note
/// (empty without).
fn switch_note(run: &RunData) -> String {
    run.run().racks.as_ref().map_or(String::new(), |k| {
        let baseline = k
            .baseline_switch_kwh
            .map_or(String::new(), |b| format!(", always-on {}", grouped(b, 1)));
        format!(
            "; top-of-rack switches {} kWh{baseline}",
            grouped(k.switch_kwh, 1)
        )
    })
}
