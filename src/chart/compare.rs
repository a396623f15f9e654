//! Comparison charts: energy, cost, migrations and SLAV per variant side by side, and the
//! energy-vs-SLAV trade-off that a planner chooses a policy on.

use super::data::Comparison;
use super::style::*;
use super::{DrawResult, Figure};
use crate::output::ComparisonRow;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

fn scenarios(cmp: &Comparison) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in &cmp.rows {
        if !names.contains(&r.scenario.as_str()) {
            names.push(&r.scenario);
        }
    }
    names.join(", ")
}

/// Four bar panels, one per metric (`compare-bars.svg`, `.png`).
pub struct CompareBars<'a> {
    cmp: &'a Comparison,
}

impl<'a> CompareBars<'a> {
    /// The bars of `cmp`.
    pub fn new(cmp: &'a Comparison) -> Self {
        CompareBars { cmp }
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        value: impl Fn(&ComparisonRow) -> f64,
        label: impl Fn(f64) -> String,
        baseline: Option<f64>,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let rows = &self.cmp.rows;
        let n = rows.len();
        let values: Vec<f64> = rows.iter().map(&value).collect();
        let y_max = headroom(max_of(&values).max(baseline.unwrap_or(0.0)) * 1.1);
        let keys: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .caption(caption, label_font())
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(Keyed::new(-0.5, n as f64 - 0.5, keys), 0.0..y_max)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if i >= 0.0 && (i as usize) < n && (x - i).abs() < 1e-9 {
                    rows[i as usize].variant.clone()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| axis_number(*v))
            .axis_desc_style(label_font())
            .label_style(if n > 5 { small_font() } else { tick_font() })
            .house_grid()
            .disable_x_mesh()
            .draw()?;
        chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
            let x = i as f64;
            Rectangle::new([(x - 0.32, 0.0), (x + 0.32, v)], DARK.filled())
        }))?;
        chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
            Text::new(
                label(v),
                (i as f64, v + y_max * 0.015),
                note_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))?;
        if let Some(b) = baseline {
            chart.draw_series(DashedLineSeries::new(
                vec![(-0.5, b), (n as f64 - 0.5, b)],
                12,
                7,
                GREY.stroke_width(3),
            ))?;
        }
        Ok(())
    }
}

impl Figure for CompareBars<'_> {
    fn name(&self) -> String {
        "compare-bars".into()
    }

    fn title(&self) -> String {
        format!("Policies compared — {}", scenarios(self.cmp))
    }

    fn size(&self) -> (u32, u32) {
        (1200, 850)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, grid) = body.split_vertically(40);
        let panels = grid.split_evenly((2, 2));
        let cmp = self.cmp;
        let energy_base = cmp.shared_baseline(|r| r.baseline_it_kwh);
        let cost_base = cmp.shared_baseline(|r| r.baseline_cost);
        self.panel(
            &panels[0],
            "IT energy (kWh)",
            |r| r.it_kwh,
            |v| grouped(v, 0),
            energy_base,
        )?;
        self.panel(
            &panels[1],
            &format!("cost ({}, facility energy)", cmp.currency()),
            |r| r.cost,
            |v| grouped(v, 0),
            cost_base,
        )?;
        self.panel(
            &panels[2],
            "live migrations",
            |r| r.migrations as f64,
            |v| grouped(v, 0),
            None,
        )?;
        self.panel(
            &panels[3],
            "SLAV (SLATAH × PDM)",
            |r| r.slav,
            |v| {
                if v == 0.0 {
                    "0".into()
                } else {
                    format!("{v:.2e}")
                }
            },
            None,
        )?;
        let mut keys = vec![(Key::Swatch(DARK), "variant".to_string())];
        if energy_base.is_some() || cost_base.is_some() {
            keys.push((Key::Dashed(GREY, 3), "always-on baseline".to_string()));
        }
        legend(&key, &keys)?;
        Ok(())
    }
}

/// Energy against SLAV, one marked point per variant (`compare-tradeoff.svg`, `.png`).
pub struct TradeOff<'a> {
    cmp: &'a Comparison,
}

impl<'a> TradeOff<'a> {
    /// The trade-off of `cmp`.
    pub fn new(cmp: &'a Comparison) -> Self {
        TradeOff { cmp }
    }
}

/// Places point labels so that they do not overprint: a label that would overlap one already
/// placed moves up a line until it is clear.
#[derive(Debug, Default)]
pub struct LabelPlacer {
    placed: Vec<(i32, i32, i32, i32)>,
}

impl LabelPlacer {
    /// The position (left, bottom) for a label of `width` x `height` pixels wanted at `at`.
    pub fn place(&mut self, at: (i32, i32), width: i32, height: i32) -> (i32, i32) {
        let (x, mut y) = at;
        let overlaps = |y: i32, placed: &[(i32, i32, i32, i32)]| {
            placed.iter().any(|&(px, py, pw, ph)| {
                x < px + pw && px < x + width && y - height < py && py - ph < y
            })
        };
        while overlaps(y, &self.placed) {
            y -= height;
        }
        self.placed.push((x, y, width, height));
        (x, y)
    }
}

impl Figure for TradeOff<'_> {
    fn name(&self) -> String {
        "compare-tradeoff".into()
    }

    fn title(&self) -> String {
        format!("Energy vs SLA violation — {}", scenarios(self.cmp))
    }

    fn size(&self) -> (u32, u32) {
        (1200, 750)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, plot) = body.split_vertically(if self.cmp.rows.len() > 5 { 66 } else { 40 });
        let rows = &self.cmp.rows;
        let baseline = self.cmp.shared_baseline(|r| r.baseline_it_kwh);
        let mut points: Vec<TradePoint> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| TradePoint {
                energy: r.it_kwh,
                slav: r.slav,
                shape: SHAPES[i % SHAPES.len()],
                color: POINT_COLORS[i % POINT_COLORS.len()],
                label: Some(r.variant.clone()),
            })
            .collect();
        if let Some(b) = baseline {
            points.push(TradePoint {
                energy: b,
                slav: 0.0,
                shape: Shape::HollowSquare,
                color: GREY,
                label: Some("always-on baseline".to_string()),
            });
        }
        draw_energy_slav(
            &plot,
            &points,
            &[],
            10,
            "every variant has SLAV 0 (no host at 100 % CPU, or no migration): better = left",
        )?;
        let keys: Vec<(Key, String)> = points
            .iter()
            .map(|p| {
                let label = if p.shape == Shape::HollowSquare {
                    "always-on baseline (no migrations: SLAV 0)".to_string()
                } else {
                    p.label.clone().unwrap_or_default()
                };
                (Key::Marker(p.shape, p.color), label)
            })
            .collect();
        legend(&key, &keys)?;
        Ok(())
    }
}

/// One marker of an energy-vs-SLAV chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TradePoint {
    /// IT energy, kWh (x).
    pub energy: f64,
    /// SLAV (y).
    pub slav: f64,
    /// Marker shape.
    pub shape: Shape,
    /// Marker colour.
    pub color: RGBColor,
    /// Text beside the marker, if any.
    pub label: Option<String>,
}

/// Draws IT energy (x) against SLAV (y) on `plot`: axes, a dashed grey line through `front`
/// (energy, SLAV pairs in order; nothing when empty), the markers of `points` (`marker` px),
/// their labels kept apart by a [`LabelPlacer`], and a note saying which way is better
/// (`zero_note` when every point has SLAV 0). The legend is the caller's.
pub fn draw_energy_slav<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    points: &[TradePoint],
    front: &[(f64, f64)],
    marker: i32,
    zero_note: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let finite: Vec<&TradePoint> = points
        .iter()
        .filter(|p| p.energy.is_finite() && p.slav.is_finite())
        .collect();
    let lo = finite
        .iter()
        .map(|p| p.energy)
        .fold(f64::INFINITY, f64::min);
    let hi = finite
        .iter()
        .map(|p| p.energy)
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.12).max(hi.abs() * 0.02).max(1e-9);
    let (x0, x1) = ((lo - pad).max(0.0), hi + pad);
    let slav_max = finite.iter().map(|p| p.slav).fold(0.0, f64::max);
    let y_ticks = nice_ticks(if slav_max > 0.0 {
        slav_max * 1.25
    } else {
        1e-6
    });
    let y_max = y_ticks.last().copied().unwrap_or(1e-6);
    let n_y = y_ticks.len();
    let mut chart = ChartBuilder::on(plot)
        .margin_left(10)
        .margin_right(40)
        .margin_top(10)
        .margin_bottom(6)
        .x_label_area_size(50)
        .y_label_area_size(110)
        // A little room below 0 so that points with no violation are not cut by the axis.
        .build_cartesian_2d(x0..x1, Keyed::new(-y_max * 0.04, y_max, y_ticks))?;
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(n_y)
        .x_label_formatter(&|v| axis_number(*v))
        .y_label_formatter(&|v| slav_number(*v))
        .x_desc("IT energy (kWh)")
        .y_desc("SLAV (SLATAH × PDM)")
        .axis_desc_style(label_font())
        .label_style(tick_font())
        .house_grid()
        .draw()?;
    if front.len() > 1 {
        chart.draw_series(DashedLineSeries::new(
            front.to_vec(),
            10,
            6,
            GREY.stroke_width(2),
        ))?;
    }
    let plotting = chart.plotting_area().strip_coord_spec();
    let (ox, oy) = plotting.get_base_pixel();
    let mut labels = LabelPlacer::default();
    for p in finite {
        let at = chart.backend_coord(&(p.energy, p.slav));
        let local = (at.0 - ox, at.1 - oy);
        draw_marker(&plotting, local, p.shape, p.color, marker)?;
        let Some(name) = &p.label else { continue };
        let width = plotting
            .estimate_text_size(name, &tick_font())
            .map_or(name.len() as i32 * 9, |(w, _)| w as i32);
        let plot_w = plotting.dim_in_pixel().0 as i32;
        let x = if local.0 + 14 + width > plot_w - 4 {
            local.0 - 14 - width
        } else {
            local.0 + 14
        };
        let spot = labels.place((x, local.1 - 12), width, 20);
        if spot.1 != local.1 - 12 {
            // A leader line from the point to its moved label.
            let end_x = if spot.0 < local.0 {
                spot.0 + width
            } else {
                spot.0
            };
            plotting.draw(&PathElement::new(
                vec![(local.0, local.1 - 6), (end_x, spot.1 - 8)],
                GREY.stroke_width(1),
            ))?;
        }
        plotting.draw(&Text::new(
            name.clone(),
            spot,
            tick_font().pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))?;
    }
    let note = if slav_max > 0.0 {
        "better: lower left"
    } else {
        zero_note
    };
    plotting.draw(&Text::new(
        note.to_string(),
        (14, 12),
        note_font().pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels wanted at the same spot stack upwards a line (20 px) at a time; the third, wanted
    /// 5 px higher, clears both after three moves (195 -> 155); one far away stays.
    #[test]
    fn coincident_labels_stack_upwards() {
        let mut p = LabelPlacer::default();
        assert_eq!(p.place((100, 200), 80, 20), (100, 200));
        assert_eq!(p.place((100, 200), 80, 20), (100, 180));
        assert_eq!(p.place((110, 195), 80, 20), (110, 155));
        assert_eq!(p.place((400, 200), 80, 20), (400, 200));
    }
}
