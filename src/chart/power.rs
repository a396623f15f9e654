//! Power draw and CPU demand over time, with the hosts on / booting / shutting down / off
//! beneath and nights shaded: where the savings come from, at a glance.

use super::data::RunData;
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The power chart of a run (`power.svg`, `power.png`).
pub struct PowerChart<'a> {
    run: &'a RunData,
}

impl<'a> PowerChart<'a> {
    /// The chart of `run`.
    pub fn new(run: &'a RunData) -> Self {
        PowerChart { run }
    }
}

impl Figure for PowerChart<'_> {
    fn name(&self) -> String {
        "power".into()
    }

    fn title(&self) -> String {
        format!("Power draw, CPU demand and hosts — {}", self.run.scenario())
    }

    fn size(&self) -> (u32, u32) {
        (1200, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let height = body.dim_in_pixel().1;
        let (upper, lower) = body.split_vertically(height * 58 / 100);
        let (upper_key, upper_plot) = upper.split_vertically(40);
        let (lower_key, lower_plot) = lower.split_vertically(40);
        let ts = &self.run.timeseries;
        let baseline = self.run.baseline.as_ref();
        let axis = TimeAxis::new(ts.end_h());

        // Upper panel: power on the left axis, CPU on the right.
        let power_max = headroom(
            max_of(&ts.power_w).max(baseline.map_or(0.0, |b| max_of(&b.power_w))) / 1000.0,
        );
        let cpu_max = headroom(max_of(&ts.demand_mips).max(max_of(&ts.capacity_on_mips)) / 1000.0);
        let mut chart = ChartBuilder::on(&upper_plot)
            .margin_left(10)
            .margin_right(10)
            .margin_top(4)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .right_y_label_area_size(105)
            .build_cartesian_2d(axis.range(), 0.0..power_max)?
            .set_secondary_coord(axis.range(), 0.0..cpu_max);
        shade_nights(&mut chart, &axis, self.run.night(), power_max)?;
        time_mesh(&mut chart, &axis, "IT power (kW)")?;
        chart
            .configure_secondary_axes()
            .y_desc("CPU (thousand MIPS)")
            .y_label_formatter(&|v| axis_number(*v))
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .draw()?;
        // Thick lines are drawn in pieces that never turn sharply (see `unspiked`).
        let right = |p: &(f64, f64)| chart.borrow_secondary().backend_coord(p);
        let capacity = unspiked(ts.points(&ts.capacity_on_mips, 1e-3), right);
        let demand = unspiked(ts.points(&ts.demand_mips, 1e-3), right);
        let left = |p: &(f64, f64)| chart.backend_coord(p);
        let base = baseline.map(|b| unspiked(b.points(&b.power_w, 1e-3), left));
        let power = unspiked(ts.points(&ts.power_w, 1e-3), left);
        for piece in capacity {
            chart.draw_secondary_series(DashedLineSeries::new(
                piece,
                10,
                6,
                LIGHT.stroke_width(3),
            ))?;
        }
        for piece in demand {
            chart.draw_secondary_series(LineSeries::new(piece, MID.stroke_width(2)))?;
        }
        for piece in base.into_iter().flatten() {
            chart.draw_series(DashedLineSeries::new(piece, 12, 7, GREY.stroke_width(2)))?;
        }
        for piece in power {
            chart.draw_series(LineSeries::new(piece, DARK.stroke_width(3)))?;
        }
        let mut keys = vec![
            (Key::Swatch(NIGHT), self.run.night().label()),
            (Key::Line(DARK, 3), "IT power".to_string()),
        ];
        if baseline.is_some() {
            keys.push((
                Key::Dashed(GREY, 2),
                "IT power, always-on baseline".to_string(),
            ));
        }
        keys.push((Key::Line(MID, 2), "CPU demand (right axis)".to_string()));
        keys.push((
            Key::Dashed(LIGHT, 3),
            "CPU capacity of hosts on (right axis)".to_string(),
        ));
        legend(&upper_key, &keys)?;

        // Lower panel: hosts by power state, stacked (on at the bottom).
        let on = &ts.hosts_on;
        let booting: Vec<f64> = on
            .iter()
            .zip(&ts.hosts_booting)
            .map(|(a, b)| a + b)
            .collect();
        let shutting: Vec<f64> = booting
            .iter()
            .zip(&ts.hosts_shutting_down)
            .map(|(a, b)| a + b)
            .collect();
        let sleeping: Vec<f64> = shutting
            .iter()
            .zip(&ts.hosts_sleeping)
            .map(|(a, b)| a + b)
            .collect();
        let all: Vec<f64> = sleeping
            .iter()
            .zip(&ts.hosts_off)
            .map(|(a, b)| a + b)
            .collect();
        let any_sleep = max_of(&ts.hosts_sleeping) > 0.0;
        let hosts_max = headroom(max_of(&all));
        // The right margin matches the upper panel's right axis, so the time axes line up.
        let mut chart = ChartBuilder::on(&lower_plot)
            .margin_left(10)
            .margin_right(10 + 105)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .build_cartesian_2d(axis.range(), 0.0..hosts_max)?;
        time_mesh(&mut chart, &axis, "hosts")?;
        for (column, color) in [
            (&all, PALE),
            (&sleeping, GREY),
            (&shutting, LIGHT),
            (&booting, MID),
            (on, DARK),
        ] {
            chart.draw_series(AreaSeries::new(ts.points(column, 1.0), 0.0, color.filled()))?;
        }
        let mut keys = vec![
            (Key::Swatch(DARK), "hosts on".to_string()),
            (Key::Swatch(MID), "booting".to_string()),
            (Key::Swatch(LIGHT), "shutting down".to_string()),
        ];
        if any_sleep {
            keys.push((Key::Swatch(GREY), "sleeping".to_string()));
        }
        keys.push((Key::Swatch(PALE), "off".to_string()));
        legend(&lower_key, &keys)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Chart;
    use crate::chart::data::test_run;

    /// The week at 5-minute ticks with power at 100 kW but for `jumps`: (tick, kW).
    fn week(jumps: &[(usize, f64)]) -> RunData {
        let mut run = test_run(2016, 1.0 / 12.0);
        for &(i, kw) in jumps {
            run.timeseries.power_w[i] = kw * 1000.0;
        }
        run
    }

    /// A sharp jump in power (to 10 kW for one tick, to 20 kW for another) draws nothing
    /// above the plot: plotters' thick-line rasteriser mitres such a turn into a spike that
    /// ran up through the legend into the title of the PNG (the SVG was right). The rows
    /// above the upper plot (title and legend, the first 100 px) equal those of the chart
    /// without the jumps, pixel for pixel.
    #[test]
    fn a_sharp_power_jump_stays_inside_the_plot() {
        let flat = PowerChart::new(&week(&[])).render_rgb().unwrap();
        let jumpy = PowerChart::new(&week(&[(1000, 10.0), (1500, 20.0)]))
            .render_rgb()
            .unwrap();
        let rows = 100 * 1200 * 3;
        let differing: Vec<(usize, usize)> = (0..rows / 3)
            .filter(|&p| flat[p * 3..p * 3 + 3] != jumpy[p * 3..p * 3 + 3])
            .map(|p| (p % 1200, p / 1200))
            .collect();
        assert!(
            differing.is_empty(),
            "{} pixels above the plot differ, first at (x, y) {:?}",
            differing.len(),
            differing.first()
        );
    }
}
