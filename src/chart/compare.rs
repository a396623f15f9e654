//! Comparison charts: energy, cost, migrations and CPU demand not served per variant side by
//! side, and the energy-vs-impact trade-off that a planner chooses a policy on (demand not
//! served; SLAV stays in `comparison.csv` and the report's table).

use super::data::Comparison;
use super::style::*;
use super::tolerance::{Tolerance, UNSERVED};
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
        floor: f64,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let rows = &self.cmp.rows;
        let n = rows.len();
        let values: Vec<f64> = rows.iter().map(&value).collect();
        let y_max = headroom(max_of(&values).max(baseline.unwrap_or(0.0)).max(floor) * 1.1);
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
            0.0,
        )?;
        self.panel(
            &panels[1],
            &format!("cost ({}, facility energy)", cmp.currency()),
            |r| r.cost,
            |v| grouped(v, 0),
            cost_base,
            0.0,
        )?;
        self.panel(
            &panels[2],
            "live migrations",
            |r| r.migrations as f64,
            |v| grouped(v, 0),
            None,
            0.0,
        )?;
        self.panel(
            &panels[3],
            "CPU demand not served (%)",
            |r| r.unserved_fraction * 100.0,
            |v| {
                if v == 0.0 {
                    "0".into()
                } else {
                    format!("{v:.2} %")
                }
            },
            None,
            // The axis reaches 10 times the tolerance's floor, so noise stays flat.
            10.0 * UNSERVED.absolute * 100.0,
        )?;
        let mut keys = vec![(Key::Swatch(DARK), "variant".to_string())];
        if energy_base.is_some() || cost_base.is_some() {
            keys.push((Key::Dashed(GREY, 3), "always-on baseline".to_string()));
        }
        legend(&key, &keys)?;
        Ok(())
    }
}

/// Energy against CPU demand not served, one marked point per variant
/// (`compare-tradeoff.svg`, `.png`).
pub struct TradeOff<'a> {
    cmp: &'a Comparison,
}

impl<'a> TradeOff<'a> {
    /// The trade-off of `cmp`.
    pub fn new(cmp: &'a Comparison) -> Self {
        TradeOff { cmp }
    }
}

/// Places point labels so that each reads as its own marker's: a label may not overprint
/// another label or any marker, must lie inside the plot, and must be nearer its own marker
/// than any other (a label just above a neighbour's marker reads as the neighbour's). It
/// tries right of the marker, left, then above and below (centred, ending or starting at
/// the marker); when none
/// fits it goes above-right (above-left at the plot's edge), moved up until clear of labels
/// and markers, with a leader line to its marker.
#[derive(Debug)]
pub struct LabelPlacer {
    /// Boxes (left, top, right, bottom) of the labels placed.
    placed: Vec<(i32, i32, i32, i32)>,
    /// Marker centres.
    markers: Vec<(i32, i32)>,
    /// Half the marker size, px.
    half: i32,
    /// The plot's width and height, px.
    size: (i32, i32),
}

/// Gap between a marker's centre and its label, px.
const LABEL_GAP: i32 = 14;

impl LabelPlacer {
    /// A placer for labels of `markers` (centres, `half` px either side) on a plot of `size`.
    pub fn new(markers: Vec<(i32, i32)>, half: i32, size: (i32, i32)) -> Self {
        LabelPlacer {
            placed: Vec::new(),
            markers,
            half,
            size,
        }
    }

    /// The position (left, bottom) of a label of `width` x `height` pixels for the marker at
    /// `at`, and whether it needs a leader line to its marker.
    pub fn place(&mut self, at: (i32, i32), width: i32, height: i32) -> ((i32, i32), bool) {
        let (x, y) = at;
        let right = x + LABEL_GAP;
        let left = x - LABEL_GAP - width;
        let h = self.half;
        let (above, below) = (y - LABEL_GAP, y + LABEL_GAP + height);
        let candidates = [
            (right, y + height / 2),
            (left, y + height / 2),
            (x - width / 2, above),
            (x + h - width, above),
            (x - h, above),
            (x - width / 2, below),
            (x + h - width, below),
            (x - h, below),
        ];
        let chosen = candidates
            .into_iter()
            .map(|(l, b)| (l, b - height, l + width, b))
            .find(|&r| self.inside(r) && self.clear(r) && self.nearest_is(r, at));
        let (rect, leader) = match chosen {
            Some(r) => (r, false),
            None => {
                let l = if right + width > self.size.0 - 4 {
                    left
                } else {
                    right
                };
                let mut r = (l, y - 12 - height, l + width, y - 12);
                while !self.clear(r) && r.1 > 0 {
                    r = (r.0, r.1 - height, r.2, r.3 - height);
                }
                (r, true)
            }
        };
        self.placed.push(rect);
        ((rect.0, rect.3), leader)
    }

    fn inside(&self, r: (i32, i32, i32, i32)) -> bool {
        r.0 >= 0 && r.1 >= 0 && r.2 <= self.size.0 && r.3 <= self.size.1
    }

    /// Whether `r` overprints no label and no marker.
    fn clear(&self, r: (i32, i32, i32, i32)) -> bool {
        let overlaps = |o: (i32, i32, i32, i32)| r.0 < o.2 && o.0 < r.2 && r.1 < o.3 && o.1 < r.3;
        let h = self.half;
        !self.placed.iter().any(|&o| overlaps(o))
            && !self
                .markers
                .iter()
                .any(|&(mx, my)| overlaps((mx - h, my - h, mx + h, my + h)))
    }

    /// Whether the marker at `at` is nearer `r` than every marker elsewhere.
    fn nearest_is(&self, r: (i32, i32, i32, i32), at: (i32, i32)) -> bool {
        let distance = |(mx, my): (i32, i32)| {
            let dx = f64::from((r.0 - mx).max(mx - r.2).max(0));
            let dy = f64::from((r.1 - my).max(my - r.3).max(0));
            dx.hypot(dy)
        };
        let own = distance(at);
        self.markers
            .iter()
            .filter(|&&m| m != at)
            .all(|&m| distance(m) > own)
    }
}

impl Figure for TradeOff<'_> {
    fn name(&self) -> String {
        "compare-tradeoff".into()
    }

    fn title(&self) -> String {
        format!("Energy vs CPU demand not served — {}", scenarios(self.cmp))
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
        let baseline_unserved = self.cmp.shared_baseline(|r| r.baseline_unserved_fraction);
        let mut points: Vec<TradePoint> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| TradePoint {
                energy: r.it_kwh,
                impact: r.unserved_fraction,
                shape: SHAPES[i % SHAPES.len()],
                color: POINT_COLORS[i % POINT_COLORS.len()],
                label: Some(r.variant.clone()),
            })
            .collect();
        if let Some(b) = baseline {
            points.push(TradePoint {
                energy: b,
                impact: baseline_unserved.unwrap_or(f64::NAN),
                shape: Shape::HollowSquare,
                color: GREY,
                label: Some("always-on baseline".to_string()),
            });
        }
        draw_energy_impact(&plot, &points, &[], 10, "variant", &UNSERVED_AXIS)?;
        let keys: Vec<(Key, String)> = points
            .iter()
            .filter(|p| p.impact.is_finite())
            .map(|p| {
                (
                    Key::Marker(p.shape, p.color),
                    p.label.clone().unwrap_or_default(),
                )
            })
            .collect();
        legend(&key, &keys)?;
        Ok(())
    }
}

/// The y axis of an energy-vs-impact chart: the impact metric, its tolerance and its words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpactAxis {
    /// Axis description.
    pub title: &'static str,
    /// When two values differ ([`super::tolerance`]); its floor sets the least axis span.
    pub tolerance: Tolerance,
    /// Factor from the metric's unit to the axis's (100 for a fraction shown in %).
    pub scale: f64,
    /// Tick labels in scientific notation.
    pub scientific: bool,
    /// Why a point can have 0, for the note when every point has.
    pub zero_means: &'static str,
}

/// CPU demand not served, % of demand (`vms.unserved_fraction`): the default.
pub const UNSERVED_AXIS: ImpactAxis = ImpactAxis {
    title: "CPU demand not served (%)",
    tolerance: UNSERVED,
    scale: 100.0,
    scientific: false,
    zero_means: "no host short of CPU, no VM slowed by a migration",
};

/// One marker of an energy-vs-impact chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TradePoint {
    /// IT energy, kWh (x).
    pub energy: f64,
    /// The impact metric (y), in its own unit (a fraction for demand not served); NaN for a
    /// point with none (the always-on baseline, whose run folder is not kept).
    pub impact: f64,
    /// Marker shape.
    pub shape: Shape,
    /// Marker colour.
    pub color: RGBColor,
    /// Text beside the marker, if any.
    pub label: Option<String>,
}

/// Draws IT energy (x) against an impact metric (y, `axis`) on `plot`: axes, a dashed grey
/// line through `front` (energy, impact pairs in order; nothing when empty), the markers of
/// `points` (`marker` px), their labels kept apart by a [`LabelPlacer`], and a note saying
/// which way is better (when every point, a `what`, is within the metric's floor of 0, that
/// it is 0 or negligible: then only energy tells points apart). The y axis reaches at least
/// 10 times the floor, so noise below it is not blown up into a trade-off. The legend is the
/// caller's.
pub fn draw_energy_impact<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    points: &[TradePoint],
    front: &[(f64, f64)],
    marker: i32,
    what: &str,
    axis: &ImpactAxis,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let finite: Vec<&TradePoint> = points
        .iter()
        .filter(|p| p.energy.is_finite() && p.impact.is_finite())
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
    let impact_max = finite.iter().map(|p| p.impact).fold(0.0, f64::max);
    let floor = axis.tolerance.absolute;
    let y_ticks = nice_ticks((impact_max * 1.25).max(10.0 * floor) * axis.scale);
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
        .y_label_formatter(&|v| {
            if axis.scientific {
                slav_number(*v)
            } else {
                axis_number(*v)
            }
        })
        .x_desc("IT energy (kWh)")
        .y_desc(axis.title)
        .axis_desc_style(label_font())
        .label_style(tick_font())
        .house_grid()
        .draw()?;
    if front.len() > 1 {
        chart.draw_series(DashedLineSeries::new(
            front.iter().map(|&(e, i)| (e, i * axis.scale)),
            10,
            6,
            GREY.stroke_width(2),
        ))?;
    }
    let plotting = chart.plotting_area().strip_coord_spec();
    let (ox, oy) = plotting.get_base_pixel();
    let local = |p: &TradePoint| {
        let at = chart.backend_coord(&(p.energy, p.impact * axis.scale));
        (at.0 - ox, at.1 - oy)
    };
    let (plot_w, plot_h) = plotting.dim_in_pixel();
    let mut labels = LabelPlacer::new(
        finite.iter().map(|p| local(p)).collect(),
        marker,
        (plot_w as i32, plot_h as i32),
    );
    for p in &finite {
        draw_marker(&plotting, local(p), p.shape, p.color, marker)?;
    }
    for p in &finite {
        let Some(name) = &p.label else { continue };
        let at = local(p);
        let width = plotting
            .estimate_text_size(name, &tick_font())
            .map_or(name.len() as i32 * 9, |(w, _)| w as i32);
        let (spot, leader) = labels.place(at, width, 20);
        if leader {
            // A leader line from the point to its moved label.
            let end_x = if spot.0 < at.0 {
                spot.0 + width
            } else {
                spot.0
            };
            plotting.draw(&PathElement::new(
                vec![(at.0, at.1 - 6), (end_x, spot.1 - 8)],
                GREY.stroke_width(1),
            ))?;
        }
        plotting.draw(&Text::new(
            name.clone(),
            spot,
            tick_font().pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))?;
    }
    let metric = axis.title.split(" (").next().unwrap_or(axis.title);
    let note = if impact_max > floor {
        "better: lower left".to_string()
    } else if impact_max == 0.0 {
        format!(
            "every {what} has {metric} 0 ({}): better = left",
            axis.zero_means
        )
    } else if axis.scientific {
        format!("every {what} has a negligible {metric} (at most {floor:.0e}): better = left")
    } else {
        format!(
            "every {what} has a negligible {metric} (at most {}): better = left",
            axis_number(floor * axis.scale)
        )
    };
    plotting.draw(&Text::new(
        note,
        (14, 12),
        note_font().pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Markers at (100, 200) and (128, 200), 8 px either side, on a 1000 x 600 plot: the
    /// first's 80 px label goes left, since on the right it would sit over the second marker;
    /// the second's goes right. A third marker in a crowd with no free side gets its label
    /// moved up with a leader line.
    #[test]
    fn labels_sit_nearest_their_own_marker() {
        let markers = vec![(100, 200), (128, 200), (400, 300), (380, 300), (420, 300)];
        let mut p = LabelPlacer::new(markers.clone(), 8, (1000, 600));
        assert_eq!(p.place((100, 200), 80, 20), ((6, 210), false));
        assert_eq!(p.place((128, 200), 80, 20), ((142, 210), false));
        let (spot, leader) = p.place((400, 300), 80, 20);
        assert!(leader && spot.1 < 300 - 8, "{spot:?}");
    }
}
