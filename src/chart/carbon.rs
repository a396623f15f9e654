//! Grid carbon intensity over the run, and cumulative operational emissions of the run
//! against the always-on baseline: when the grid is clean and what the run emitted
//! (`[carbon]` runs only).

use super::data::{CarbonSeries, RunData};
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The carbon chart of a run (`carbon.svg`, `carbon.png`).
pub struct CarbonChart<'a> {
    run: &'a RunData,
}

impl<'a> CarbonChart<'a> {
    /// The chart of `run` (which must have carbon columns: see [`super::run_charts`]).
    pub fn new(run: &'a RunData) -> Self {
        CarbonChart { run }
    }
}

/// `(time, value)` steps: each value held from its tick to the next (the intensity is a step
/// function; a row reports the value in force at its tick).
fn steps(time_h: &[f64], values: &[f64]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(values.len() * 2);
    for (i, (&t, &v)) in time_h.iter().zip(values).enumerate() {
        if i > 0 {
            out.push((t, values[i - 1]));
        }
        out.push((t, v));
    }
    out
}

impl Figure for CarbonChart<'_> {
    fn name(&self) -> String {
        "carbon".into()
    }

    fn title(&self) -> String {
        format!(
            "Grid carbon intensity and operational emissions — {}",
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
        let (upper, lower) = panels.split_vertically(height * 45 / 100);
        let ts = &self.run.timeseries;
        let empty = CarbonSeries::default();
        let carbon = ts.carbon.as_ref().unwrap_or(&empty);
        let base = self.run.baseline.as_ref().and_then(|b| b.carbon.as_ref());
        let axis = TimeAxis::new(ts.end_h());

        // Upper panel: the grid's intensity, nights shaded.
        let i_max = headroom(max_of(&carbon.intensity_g_per_kwh));
        let mut chart = ChartBuilder::on(&upper)
            .margin_left(10)
            .margin_right(45)
            .margin_top(6)
            .x_label_area_size(50)
            .y_label_area_size(100)
            .build_cartesian_2d(axis.range(), 0.0..i_max)?;
        shade_nights(&mut chart, &axis, self.run.night(), i_max)?;
        time_mesh(&mut chart, &axis, "grid intensity (gCO2e/kWh)")?;
        chart.draw_series(LineSeries::new(
            steps(&ts.time_h, &carbon.intensity_g_per_kwh),
            MID.stroke_width(2),
        ))?;

        // Lower panel: cumulative operational emissions, run and baseline.
        let e_max =
            headroom(max_of(&carbon.carbon_kg).max(base.map_or(0.0, |b| max_of(&b.carbon_kg))));
        let mut chart = ChartBuilder::on(&lower)
            .margin_left(10)
            .margin_right(45)
            .margin_top(6)
            .x_label_area_size(50)
            .y_label_area_size(100)
            .build_cartesian_2d(axis.range(), 0.0..e_max)?;
        time_mesh(
            &mut chart,
            &axis,
            "operational emissions (kgCO2e, facility)",
        )?;
        if let (Some(b), Some(bt)) = (base, self.run.baseline.as_ref()) {
            chart.draw_series(DashedLineSeries::new(
                bt.points(&b.carbon_kg, 1.0),
                12,
                7,
                GREY.stroke_width(3),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            ts.points(&carbon.carbon_kg, 1.0),
            DARK.stroke_width(3),
        ))?;
        if let Some(c) = &self.run.run().carbon {
            let mut note = format!(
                "{} kgCO2e operational, {} embodied",
                grouped(c.operational_kg, kg_decimals(c.operational_kg)),
                grouped(c.embodied_kg, kg_decimals(c.embodied_kg))
            );
            if let Some(saved) = c.saved_kg {
                note.push_str(&format!(
                    "; {} {} kg against always-on",
                    if saved >= 0.0 {
                        "saves"
                    } else {
                        "costs an extra"
                    },
                    grouped(saved.abs(), kg_decimals(saved))
                ));
            }
            chart.draw_series(std::iter::once(Text::new(
                note,
                (axis.end_h * 0.02, e_max * 0.95),
                label_font().pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
        let mut keys = vec![
            (Key::Swatch(NIGHT), self.run.night().label()),
            (Key::Line(MID, 2), "grid intensity".to_string()),
            (Key::Line(DARK, 3), "emissions, this run".to_string()),
        ];
        if base.is_some() {
            keys.push((
                Key::Dashed(GREY, 3),
                "emissions, always-on baseline".to_string(),
            ));
        }
        legend(&key, &keys)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Chart;
    use crate::chart::data::test_run;

    #[test]
    fn intensity_is_drawn_as_steps() {
        assert_eq!(
            steps(&[0.0, 1.0, 2.0], &[5.0, 3.0, 4.0]),
            vec![(0.0, 5.0), (1.0, 5.0), (1.0, 3.0), (2.0, 3.0), (2.0, 4.0)]
        );
    }

    #[test]
    fn a_carbon_run_draws_its_chart() {
        let mut run = test_run(25, 1.0);
        run.timeseries.carbon = Some(CarbonSeries {
            intensity_g_per_kwh: (0..25).map(|h| 100.0 + (h % 24) as f64 * 5.0).collect(),
            carbon_kg: (0..25).map(|h| h as f64 * 2.0).collect(),
        });
        let svg = CarbonChart::new(&run).render_svg().unwrap();
        assert!(svg.contains("grid intensity (gCO2e/kWh)"), "axis missing");
        assert!(svg.contains("emissions, this run"), "legend missing");
    }
}
