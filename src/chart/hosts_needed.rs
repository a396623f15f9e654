//! Hosts on against hosts needed and the lower bound on hosts needed over time, nights
//! shaded: how closely power management follows demand, what it keeps on beyond it (reserve,
//! history windows, boot lag), and how far any packing could go.

use super::data::RunData;
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The hosts-needed chart of a run (`hosts-needed.svg`, `hosts-needed.png`), drawn when
/// `timeseries.csv` has the `hosts_needed` column.
pub struct HostsNeededChart<'a> {
    run: &'a RunData,
}

impl<'a> HostsNeededChart<'a> {
    /// The chart of `run`.
    pub fn new(run: &'a RunData) -> Self {
        HostsNeededChart { run }
    }
}

/// The legend entry of the needed line, stating the rule.
pub const NEEDED_LABEL: &str =
    "hosts needed: fewest, most efficient first, holding CPU and RAM demand at the policy's target";

/// The legend entry of the lower bound's line (`timeseries.csv` → `hosts_lower_bound`).
pub const BOUND_LABEL: &str =
    "lower bound: fewest hosts any packing needs at 100 % (largest first, VM sizes, core speeds)";

impl Figure for HostsNeededChart<'_> {
    fn name(&self) -> String {
        "hosts-needed".into()
    }

    fn title(&self) -> String {
        format!("Hosts on and hosts needed — {}", self.run.scenario())
    }

    fn size(&self) -> (u32, u32) {
        (1200, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, plot) = body.split_vertically(66);
        let ts = &self.run.timeseries;
        let axis = TimeAxis::new(ts.end_h());
        let top = headroom(
            max_of(&ts.hosts_on)
                .max(max_of(&ts.hosts_needed))
                .max(max_of(&ts.hosts_lower_bound)),
        );
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(45)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .build_cartesian_2d(axis.range(), 0.0..top)?;
        shade_nights(&mut chart, &axis, self.run.night(), top)?;
        time_mesh(&mut chart, &axis, "hosts")?;
        // Thick lines in pieces that never turn sharply (see `unspiked`).
        let px = |p: &(f64, f64)| chart.backend_coord(p);
        let needed = unspiked(ts.points(&ts.hosts_needed, 1.0), px);
        let on = unspiked(ts.points(&ts.hosts_on, 1.0), px);
        // Empty (no line) for a file from before the column.
        let bound = unspiked(ts.points(&ts.hosts_lower_bound, 1.0), px);
        for piece in bound {
            chart.draw_series(LineSeries::new(piece, GREY.stroke_width(2)))?;
        }
        for piece in on {
            chart.draw_series(LineSeries::new(piece, DARK.stroke_width(3)))?;
        }
        for piece in needed {
            chart.draw_series(DashedLineSeries::new(piece, 10, 6, MID.stroke_width(3)))?;
        }
        let mut entries = vec![
            (Key::Swatch(NIGHT), self.run.night().label()),
            (Key::Line(DARK, 3), "hosts on".to_string()),
            (Key::Dashed(MID, 3), NEEDED_LABEL.to_string()),
        ];
        if !ts.hosts_lower_bound.is_empty() {
            entries.push((Key::Line(GREY, 2), BOUND_LABEL.to_string()));
        }
        legend(&key, &entries)?;
        Ok(())
    }
}
