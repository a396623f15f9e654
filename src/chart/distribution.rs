//! The distribution of host utilisation over all (host, control tick) pairs with the host on:
//! how full consolidation packs the hosts it keeps on, and how often they are over-loaded.

use super::data::{RunData, Utilisation};
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Histogram bins of 5 % from 0 to 100 %, then one bin for over-loaded (above 100 %).
pub const BINS: usize = 21;

/// Counts of host-ticks per bin, with the host on; the run's last tick (its end) is left out.
pub fn histogram(u: &Utilisation) -> [u64; BINS] {
    let mut counts = [0u64; BINS];
    let ticks = u.ticks().saturating_sub(1);
    for &v in &u.values[..ticks * u.hosts] {
        if v.is_nan() {
            continue;
        }
        let bin = if v > 1.0 {
            BINS - 1
        } else {
            ((v.max(0.0) * 20.0).floor() as usize).min(BINS - 2)
        };
        counts[bin] += 1;
    }
    counts
}

/// The utilisation distribution chart of a run (`utilisation-distribution.svg`, `.png`).
pub struct UtilisationDistribution<'a> {
    run: &'a RunData,
    utilisation: &'a Utilisation,
}

impl<'a> UtilisationDistribution<'a> {
    /// The distribution of `run`'s per-host utilisation `u`.
    pub fn new(run: &'a RunData, u: &'a Utilisation) -> Self {
        UtilisationDistribution {
            run,
            utilisation: u,
        }
    }
}

impl Figure for UtilisationDistribution<'_> {
    fn name(&self) -> String {
        "utilisation-distribution".into()
    }

    fn title(&self) -> String {
        format!("Utilisation of hosts while on — {}", self.run.scenario())
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
        let counts = histogram(self.utilisation);
        let total: u64 = counts.iter().sum();
        let share: Vec<f64> = counts
            .iter()
            .map(|&c| {
                if total > 0 {
                    c as f64 * 100.0 / total as f64
                } else {
                    0.0
                }
            })
            .collect();
        let y_max = headroom(max_of(&share).max(1.0));
        // x in percent; the over-loaded bin sits apart at 102.5..107.5.
        let x_ticks: Vec<f64> = (0..=10).map(|i| i as f64 * 10.0).chain([105.0]).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(10)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .right_y_label_area_size(95)
            .build_cartesian_2d(Keyed::new(0.0, 109.0, x_ticks.clone()), 0.0..y_max)?
            .set_secondary_coord(Keyed::new(0.0, 109.0, x_ticks), 0.0..100.0);
        chart
            .configure_mesh()
            .x_labels(12)
            .x_label_formatter(&|x| {
                if *x > 100.0 {
                    "over".to_string()
                } else {
                    format!("{x:.0} %")
                }
            })
            .y_label_formatter(&|v| axis_number(*v))
            .x_desc("CPU utilisation of a host that is on (load / capacity)")
            .y_desc("share of host-intervals on (%)")
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .house_grid()
            .draw()?;
        chart
            .configure_secondary_axes()
            .y_desc("cumulative share (%)")
            .y_label_formatter(&|v| axis_number(*v))
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .draw()?;
        let bin_x = |i: usize| -> (f64, f64) {
            if i == BINS - 1 {
                (102.5, 107.5)
            } else {
                (i as f64 * 5.0, i as f64 * 5.0 + 5.0)
            }
        };
        chart.draw_series(share.iter().enumerate().map(|(i, &s)| {
            let (a, b) = bin_x(i);
            let color = if i == BINS - 1 { INK } else { DARK };
            Rectangle::new([(a + 0.4, 0.0), (b - 0.4, s)], color.filled())
        }))?;
        let mut cumulative = 0.0;
        let mut cdf = vec![(0.0, 0.0)];
        for (i, &s) in share.iter().enumerate().take(BINS - 1) {
            cumulative += s;
            cdf.push((bin_x(i).1, cumulative));
        }
        chart.draw_secondary_series(DashedLineSeries::new(cdf, 10, 6, MID.stroke_width(3)))?;
        let on_values = || {
            let ticks = self.utilisation.ticks().saturating_sub(1);
            self.utilisation.values[..ticks * self.utilisation.hosts]
                .iter()
                .filter(|v| !v.is_nan())
        };
        let mean = if total > 0 {
            on_values().map(|&v| v as f64).sum::<f64>() / total as f64
        } else {
            0.0
        };
        let note = format!(
            "mean {:.1} %, over-loaded {:.2} % of {} host-intervals",
            mean * 100.0,
            share[BINS - 1],
            grouped(total as f64, 0)
        );
        chart.draw_series(std::iter::once(Text::new(
            note,
            (2.0, y_max * 0.97),
            label_font().pos(Pos::new(HPos::Left, VPos::Top)),
        )))?;
        legend(
            &key,
            &[
                (Key::Swatch(DARK), "share per 5 % bin".to_string()),
                (Key::Swatch(INK), "over 100 % (over-loaded)".to_string()),
                (Key::Dashed(MID, 3), "cumulative (right axis)".to_string()),
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Off hosts and the final tick are not counted; 1.0 falls in 95–100 %, 1.2 in the
    /// over-loaded bin.
    #[test]
    fn histogram_counts_on_host_intervals() {
        let u = Utilisation {
            time_h: vec![0.0, 1.0, 2.0],
            hosts: 3,
            values: vec![0.0, 0.26, f32::NAN, 1.0, 1.2, 0.26, 0.9, 0.9, 0.9],
        };
        let h = histogram(&u);
        assert_eq!(h.iter().sum::<u64>(), 5);
        assert_eq!(h[0], 1);
        assert_eq!(h[5], 2);
        assert_eq!(h[19], 1);
        assert_eq!(h[20], 1);
    }
}
