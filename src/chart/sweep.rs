//! Sweep charts, drawn from `results.csv`: metrics against each axis (one line per value of
//! the other axes, seeds aggregated into a mean with min–max whiskers), and energy against
//! CPU demand not served with one marker series per value of a chosen axis and the Pareto
//! front marked.
//! Which charts and which lines follow [`super::sweep_results::plan`].

use super::compare::{ImpactAxis, TradePoint, UNSERVED_AXIS, draw_energy_impact};
use super::style::*;
use super::sweep_results::{AxisChartPlan, Metric, SweepAxis, SweepResults};
use super::tolerance::{Tolerance, UNSERVED, pareto_front};
use super::{DrawResult, Figure};
use crate::sweep::sanitize;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How the `j`-th line or marker series is drawn: colour, shape, dashed. Four colours of
/// different lightness with four shapes; the next four lines are dashed with shifted shapes.
fn series_style(j: usize) -> (RGBColor, Shape, bool) {
    (
        POINT_COLORS[j % POINT_COLORS.len()],
        SHAPES[(j + j / POINT_COLORS.len()) % SHAPES.len()],
        (j / POINT_COLORS.len()) % 2 == 1,
    )
}

/// The runs behind one line: per value of the x axis, the runs at it.
struct Line {
    label: String,
    cells: Vec<Vec<usize>>,
}

/// One panel: what it shows and how its numbers read.
struct Panel {
    caption: String,
    metric: Metric,
    scale: f64,
    /// Tick labels in scientific notation.
    scientific: bool,
}

/// IT energy, cost saving (or cost without a baseline), CPU demand not served and migrations
/// against one axis
/// (`sweep-by-<axis>.svg`, `.png`).
pub struct SweepByAxis<'a> {
    results: &'a SweepResults,
    plan: AxisChartPlan,
    lines: Vec<Line>,
}

impl<'a> SweepByAxis<'a> {
    /// The chart of `results` that `plan` describes.
    pub fn new(results: &'a SweepResults, plan: AxisChartPlan) -> Self {
        let n_x = results.axes[plan.x].values.len();
        let mut keys: Vec<Vec<usize>> = Vec::new();
        let mut lines: Vec<Line> = Vec::new();
        for (i, run) in results.runs.iter().enumerate() {
            let key: Vec<usize> = plan.series.iter().map(|&a| run.values[a]).collect();
            let l = match keys.iter().position(|k| *k == key) {
                Some(l) => l,
                None => {
                    let label = if plan.series.is_empty() {
                        "mean of runs".to_string()
                    } else {
                        results.describe(&run.values, &plan.series)
                    };
                    keys.push(key);
                    lines.push(Line {
                        label,
                        cells: vec![Vec::new(); n_x],
                    });
                    keys.len() - 1
                }
            };
            lines[l].cells[run.values[plan.x]].push(i);
        }
        SweepByAxis {
            results,
            plan,
            lines,
        }
    }

    fn axis(&self) -> &SweepAxis {
        &self.results.axes[self.plan.x]
    }

    /// The x position of each value of the axis, the tick positions, and the x range.
    fn positions(&self) -> (Vec<f64>, Vec<f64>, f64, f64) {
        let axis = self.axis();
        match &axis.numbers {
            Some(numbers) => {
                let lo = numbers.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let pad = ((hi - lo) * 0.06).max(hi.abs().max(1.0) * 1e-9);
                let ticks = if numbers.len() <= 10 {
                    let mut t = numbers.clone();
                    t.sort_by(f64::total_cmp);
                    t
                } else {
                    span_ticks(lo, hi)
                        .into_iter()
                        .filter(|t| *t >= lo - pad && *t <= hi + pad)
                        .collect()
                };
                (numbers.clone(), ticks, lo - pad, hi + pad)
            }
            None => {
                let n = axis.values.len();
                let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
                (x.clone(), x, -0.5, n as f64 - 0.5)
            }
        }
    }

    fn panels(&self) -> [Panel; 4] {
        let cost = if self.results.has_baseline() {
            Panel {
                caption: "cost saving vs always-on (%)".into(),
                metric: Metric::CostSaving,
                scale: 100.0,
                scientific: false,
            }
        } else {
            Panel {
                caption: format!("cost ({}, facility energy)", self.results.currency)
                    .replace(" (, ", " ("),
                metric: Metric::Cost,
                scale: 1.0,
                scientific: false,
            }
        };
        [
            Panel {
                caption: "IT energy (kWh)".into(),
                metric: Metric::ItKwh,
                scale: 1.0,
                scientific: false,
            },
            cost,
            Panel {
                caption: "CPU demand not served (%)".into(),
                metric: Metric::Unserved,
                scale: 100.0,
                scientific: false,
            },
            Panel {
                caption: "live migrations".into(),
                metric: Metric::Migrations,
                scale: 1.0,
                scientific: false,
            },
        ]
    }

    /// Most runs behind one point.
    fn runs_per_point(&self) -> usize {
        self.lines
            .iter()
            .flat_map(|l| l.cells.iter().map(Vec::len))
            .max()
            .unwrap_or(0)
    }

    /// What each point and whisker stands for.
    fn note(&self) -> String {
        let n = self.runs_per_point();
        let seeds = self.results.seeds_per_point();
        let pooled: Vec<&str> = self
            .plan
            .pooled
            .iter()
            .map(|&a| self.results.axes[a].key.as_str())
            .collect();
        if n <= 1 {
            "each point: one run".to_string()
        } else if pooled.is_empty() {
            format!("each point: mean of {n} seeds; whiskers: min to max")
        } else {
            let seeds = if seeds > 1 {
                format!(" × {seeds} seeds")
            } else {
                String::new()
            };
            format!(
                "each point: mean of {n} runs (all values of {}{seeds}); whiskers: min to max",
                pooled.join(", ")
            )
        }
    }

    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, panel: &Panel) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let r = self.results;
        let (xs, x_ticks, x0, x1) = self.positions();
        let categorical = !self.axis().is_numeric();
        let m = self.lines.len();
        let dodge = |j: usize| {
            if categorical && m > 1 {
                (j as f64 - (m as f64 - 1.0) / 2.0) * (0.6 / m as f64).min(0.15)
            } else {
                0.0
            }
        };
        // (x, mean, min, max) per line, finite means only, in x order.
        let series: Vec<Vec<(f64, f64, f64, f64)>> = self
            .lines
            .iter()
            .enumerate()
            .map(|(j, line)| {
                let mut pts: Vec<(f64, f64, f64, f64)> = line
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|(_, runs)| !runs.is_empty())
                    .map(|(v, runs)| {
                        let s = r.stat(runs, panel.metric);
                        (
                            xs[v] + dodge(j),
                            s.mean * panel.scale,
                            s.min * panel.scale,
                            s.max * panel.scale,
                        )
                    })
                    .filter(|p| p.1.is_finite())
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                pts
            })
            .collect();
        let all = series.iter().flatten();
        let lo = all.clone().map(|p| p.2).fold(f64::INFINITY, f64::min);
        let hi = all.map(|p| p.3).fold(f64::NEG_INFINITY, f64::max);
        // Demand not served within 10 times the tolerance's floor is drawn from 0, not
        // zoomed into.
        let floor = 10.0 * UNSERVED.absolute * panel.scale;
        let y_ticks = if panel.metric == Metric::Unserved && hi <= floor && lo >= 0.0 {
            nice_ticks(floor)
        } else {
            span_ticks(lo, hi)
        };
        let (y0, y1) = (
            y_ticks.first().copied().unwrap_or(0.0),
            y_ticks.last().copied().unwrap_or(1.0),
        );
        let n_y = y_ticks.len();
        let n_x = x_ticks.len();
        let axis = self.axis();
        let y_label = tick_labeller(&y_ticks, panel.scientific);
        let x_number = tick_labeller(&x_ticks, false);
        // A tick at an axis value reads as the value was written in the sweep file.
        let x_label = |v: &f64| {
            let written = if categorical {
                let i = v.round();
                (i >= 0.0 && (v - i).abs() < 1e-9)
                    .then(|| axis.values.get(i as usize).cloned())
                    .flatten()
            } else {
                axis.numbers
                    .as_ref()
                    .and_then(|n| n.iter().position(|x| x == v))
                    .map(|i| axis.values[i].clone())
            };
            match written {
                Some(text) => text,
                None if categorical => String::new(),
                None => x_number(*v),
            }
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.caption, label_font())
            .margin(12)
            .margin_right(24)
            .x_label_area_size(58)
            .y_label_area_size(90)
            .build_cartesian_2d(
                Keyed::new(x0, x1, x_ticks),
                // A little room beyond the end ticks so that markers there are not cut.
                Keyed::new(y0 - (y1 - y0) * 0.03, y1 + (y1 - y0) * 0.03, y_ticks),
            )?;
        chart
            .configure_mesh()
            .x_labels(n_x)
            .y_labels(n_y)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| y_label(*v))
            .x_desc(axis.key.as_str())
            .axis_desc_style(note_font())
            .label_style(if n_x > 6 { small_font() } else { tick_font() })
            .house_grid()
            .draw()?;
        // Lines first, then whiskers and markers over every line.
        for (j, pts) in series.iter().enumerate() {
            let (color, _, dashed) = series_style(j);
            let path: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
            if categorical || path.len() < 2 {
                continue;
            }
            for piece in unspiked(path, |p| chart.backend_coord(p)) {
                if dashed {
                    chart.draw_series(DashedLineSeries::new(
                        piece,
                        12,
                        7,
                        color.stroke_width(3),
                    ))?;
                } else {
                    chart.draw_series(LineSeries::new(piece, color.stroke_width(3)))?;
                }
            }
        }
        let plotting = chart.plotting_area().strip_coord_spec();
        let (ox, oy) = plotting.get_base_pixel();
        let local = |x: f64, y: f64| {
            let (px, py) = chart.backend_coord(&(x, y));
            (px - ox, py - oy)
        };
        for (j, pts) in series.iter().enumerate() {
            let (color, shape, _) = series_style(j);
            for &(x, _, min, max) in pts {
                if max > min {
                    let (a, b) = (local(x, min), local(x, max));
                    let style = color.stroke_width(2);
                    plotting.draw(&PathElement::new(vec![a, b], style))?;
                    for end in [a, b] {
                        plotting.draw(&PathElement::new(
                            vec![(end.0 - 6, end.1), (end.0 + 6, end.1)],
                            style,
                        ))?;
                    }
                }
            }
            for &(x, mean, _, _) in pts {
                draw_marker(&plotting, local(x, mean), shape, color, 7)?;
            }
        }
        Ok(())
    }
}

impl Figure for SweepByAxis<'_> {
    fn name(&self) -> String {
        format!("sweep-by-{}", sanitize(&self.axis().short))
    }

    fn title(&self) -> String {
        format!(
            "Results by {} — sweep {}",
            self.axis().key,
            self.results.name
        )
    }

    fn size(&self) -> (u32, u32) {
        (1200, 950)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, rest) = body.split_vertically(if self.lines.len() > 4 { 66 } else { 40 });
        let (note, grid) = rest.split_vertically(26);
        let categorical = !self.axis().is_numeric();
        let keys: Vec<(Key, String)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(j, line)| {
                let (color, shape, dashed) = series_style(j);
                let key = if categorical {
                    Key::Marker(shape, color)
                } else {
                    Key::MarkedLine(shape, color, dashed)
                };
                (key, line.label.clone())
            })
            .collect();
        legend(&key, &keys)?;
        let (w, _) = note.dim_in_pixel();
        note.draw(&Text::new(
            self.note(),
            (w as i32 / 2, 13),
            note_font().pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let areas = grid.split_evenly((2, 2));
        for (area, panel) in areas.iter().zip(self.panels()) {
            self.panel(area, &panel)?;
        }
        Ok(())
    }
}

/// IT energy against CPU demand not served (`sweep-tradeoff.svg`, `.png`), or, for a sweep
/// with host failures, against the p99 restart time (`sweep-restart-tradeoff`): one marker
/// per axis point (mean of its seeds), one marker series per value of the plan's axis, the
/// Pareto front dashed and labelled.
pub struct SweepTradeOff<'a> {
    results: &'a SweepResults,
    series: Option<usize>,
    /// The impact on y: CPU demand not served, or the p99 restart time after failures.
    impact: Impact,
}

/// What a sweep trade-off puts on y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Impact {
    /// CPU demand not served (`sweep-tradeoff`).
    Unserved,
    /// The p99 time from a VM's stop by a host failure to its restart
    /// (`sweep-restart-tradeoff`).
    Restart,
}

/// The p99 time from a VM's stop by a failure to its restart, s (`failures.restart_p99_s`).
const RESTART_AXIS: ImpactAxis = ImpactAxis {
    title: "p99 time from a VM's stop by a failure to its restart (s)",
    tolerance: RESTART,
    scale: 1.0,
    scientific: false,
    zero_means: "no VM stopped by a host failure",
};

/// Restart times, s: 1 %, at least a second.
const RESTART: Tolerance = Tolerance {
    relative: 0.01,
    absolute: 1.0,
};

impl Impact {
    fn metric(self) -> Metric {
        match self {
            Impact::Unserved => Metric::Unserved,
            Impact::Restart => Metric::RestartP99,
        }
    }
    fn axis(self) -> &'static ImpactAxis {
        match self {
            Impact::Unserved => &UNSERVED_AXIS,
            Impact::Restart => &RESTART_AXIS,
        }
    }
    /// What less of it means, for the note on the Pareto front.
    fn less(self) -> &'static str {
        match self {
            Impact::Unserved => "less demand not served",
            Impact::Restart => "quicker restarts",
        }
    }
}

/// Most front points labelled; a longer front is drawn without labels.
const MAX_LABELS: usize = 12;

impl<'a> SweepTradeOff<'a> {
    /// The trade-off of `results`, marker series by the values of axis `series`.
    pub fn new(results: &'a SweepResults, series: Option<usize>) -> Self {
        SweepTradeOff {
            results,
            series,
            impact: Impact::Unserved,
        }
    }

    /// IT energy against the p99 time from a VM's stop by a host failure to its restart, for
    /// a sweep of a scenario with failures (the reserve analysis, `sweeps/reserve.toml`).
    pub fn restarts(results: &'a SweepResults, series: Option<usize>) -> Self {
        SweepTradeOff {
            results,
            series,
            impact: Impact::Restart,
        }
    }

    /// The markers (axis points, then the shared baseline) and the front's points.
    fn points(&self) -> (Vec<TradePoint>, Vec<(f64, f64)>) {
        let r = self.results;
        let points = r.points();
        let means: Vec<(f64, f64)> = points
            .iter()
            .map(|p| {
                (
                    r.stat(&p.runs, Metric::ItKwh).mean,
                    r.stat(&p.runs, self.impact.metric()).mean,
                )
            })
            .collect();
        let front = pareto_front(&means, self.impact.axis().tolerance);
        let label_axes: Vec<usize> = r
            .varying()
            .into_iter()
            .filter(|a| Some(*a) != self.series)
            .collect();
        let labelled = front.len() <= MAX_LABELS && !label_axes.is_empty();
        let mut markers: Vec<TradePoint> = points
            .iter()
            .zip(&means)
            .enumerate()
            .map(|(i, (p, &(energy, impact)))| {
                let j = self.series.map_or(0, |s| p.values[s]);
                let (color, shape, _) = series_style(j);
                TradePoint {
                    energy,
                    impact,
                    shape,
                    color,
                    label: (labelled && front.contains(&i))
                        .then(|| r.describe(&p.values, &label_axes)),
                }
            })
            .collect();
        if let (Impact::Unserved, Some(b), Some(unserved)) = (
            self.impact,
            r.shared_baseline(),
            r.shared(Metric::BaselineUnserved),
        ) {
            markers.push(TradePoint {
                energy: b,
                impact: unserved,
                shape: Shape::HollowSquare,
                color: GREY,
                label: Some("always-on baseline".into()),
            });
        }
        let line = front.iter().map(|&i| means[i]).collect();
        (markers, line)
    }
}

impl Figure for SweepTradeOff<'_> {
    fn name(&self) -> String {
        match self.impact {
            Impact::Unserved => "sweep-tradeoff".into(),
            Impact::Restart => "sweep-restart-tradeoff".into(),
        }
    }

    fn title(&self) -> String {
        let what = match self.impact {
            Impact::Unserved => "CPU demand not served",
            Impact::Restart => "p99 restart time after host failures",
        };
        format!("Energy vs {what} — sweep {}", self.results.name)
    }

    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let r = self.results;
        let body = titled(root, &self.title())?;
        let n_series = self.series.map_or(1, |s| r.axes[s].values.len());
        let (key, rest) = body.split_vertically(if n_series > 3 { 66 } else { 40 });
        let (note, plot) = rest.split_vertically(26);
        let (markers, front) = self.points();
        draw_energy_impact(&plot, &markers, &front, 8, "point", self.impact.axis())?;
        let mut keys: Vec<(Key, String)> = match self.series {
            Some(s) => {
                let axis = &r.axes[s];
                axis.values
                    .iter()
                    .enumerate()
                    .map(|(j, v)| {
                        let (color, shape, _) = series_style(j);
                        (Key::Marker(shape, color), format!("{}={v}", axis.short))
                    })
                    .collect()
            }
            None => {
                let (color, shape, _) = series_style(0);
                vec![(Key::Marker(shape, color), "axis point".to_string())]
            }
        };
        if front.len() > 1 {
            keys.push((Key::Dashed(GREY, 2), "Pareto front".to_string()));
        }
        if markers.iter().any(|m| m.shape == Shape::HollowSquare) {
            keys.push((
                Key::Marker(Shape::HollowSquare, GREY),
                "always-on baseline".to_string(),
            ));
        }
        legend(&key, &keys)?;
        let seeds = r.seeds_per_point();
        let each = if seeds > 1 {
            format!("each marker: one axis point, mean of {seeds} seeds")
        } else {
            "each marker: one run".to_string()
        };
        let front_note = if front.len() > 1 {
            format!(
                "; dashed: the Pareto front (no other point has both less energy and {})",
                self.impact.less()
            )
        } else {
            String::new()
        };
        let (w, _) = note.dim_in_pixel();
        note.draw(&Text::new(
            format!("{each}{front_note}"),
            (w as i32 / 2, 13),
            note_font().pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Chart;
    use crate::chart::sweep_results::{SweepPlan, sample};

    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect()
    }

    fn assert_has(texts: &[String], wanted: &[&str]) {
        for w in wanted {
            assert!(
                texts.iter().any(|t| t == w),
                "no text {w:?} among {texts:?}"
            );
        }
    }

    /// Polylines (lines, whiskers, legend keys) stroked in `color`.
    fn polylines(svg: &str, color: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(color))
            .count()
    }

    /// The sample's headroom chart: title, the four panels, a line per policy in the legend,
    /// the note on seeds, x ticks as written, and energy ticks every 5 kWh over 80..100.
    /// Each policy is one line in each of the 4 panels plus its legend key; spare-capacity's
    /// two points have a spread in energy and in cost saving, so 2 x 2 whiskers of 3 strokes.
    #[test]
    fn by_axis_chart_has_panels_lines_and_whiskers() {
        let r = sample();
        let plan = r.plan();
        assert_eq!(
            plan,
            SweepPlan {
                by_axis: vec![AxisChartPlan {
                    x: 1,
                    series: vec![0],
                    pooled: vec![]
                }],
                tradeoff_series: Some(0)
            }
        );
        let chart = SweepByAxis::new(&r, plan.by_axis[0].clone());
        assert_eq!(Chart::name(&chart), "sweep-by-headroom");
        let svg = chart.render_svg().unwrap();
        assert_has(
            &texts(&svg),
            &[
                "Results by policy.power.headroom — sweep demo",
                "IT energy (kWh)",
                "cost saving vs always-on (%)",
                "CPU demand not served (%)",
                "live migrations",
                "name=always-on",
                "name=spare-capacity",
                "each point: mean of 2 seeds; whiskers: min to max",
                "policy.power.headroom",
                "0.1",
                "0.3",
                "80",
                "85",
                "95",
                "100",
                "2.0",
            ],
        );
        assert_eq!(
            polylines(&svg, "#1F3B73"),
            4 + 1,
            "always-on: 4 lines, 1 key"
        );
        assert_eq!(
            polylines(&svg, "#D9822B"),
            4 + 1 + 2 * 2 * 3,
            "spare-capacity: 4 lines, 1 key, 4 whiskers"
        );
    }

    /// The trade-off: a marker series per policy, the front labelled by headroom (the
    /// series axis is in the legend), the shared baseline, and what markers stand for.
    #[test]
    fn tradeoff_marks_series_front_and_baseline() {
        let r = sample();
        let chart = SweepTradeOff::new(&r, Some(0));
        assert_eq!(Chart::name(&chart), "sweep-tradeoff");
        let (markers, front) = chart.points();
        // Front by energy and demand not served: spare 0.1 (82, 2 %), spare 0.3 (91, 1 %),
        // always-on 0.1 (100, 0); always-on 0.3 ties with 0.1 and is not on it.
        assert_eq!(front, vec![(82.0, 0.02), (91.0, 0.01), (100.0, 0.0)]);
        let labels: Vec<Option<&str>> = markers.iter().map(|m| m.label.as_deref()).collect();
        assert_eq!(
            labels,
            [
                Some("headroom=0.1"),
                None,
                Some("headroom=0.1"),
                Some("headroom=0.3"),
                Some("always-on baseline")
            ]
        );
        let svg = chart.render_svg().unwrap();
        assert_has(
            &texts(&svg),
            &[
                "Energy vs CPU demand not served — sweep demo",
                "IT energy (kWh)",
                "CPU demand not served (%)",
                "name=always-on",
                "name=spare-capacity",
                "Pareto front",
                "always-on baseline",
                "headroom=0.3",
                "better: lower left",
                "each marker: one axis point, mean of 2 seeds; dashed: the Pareto front (no other point has both less energy and less demand not served)",
            ],
        );
    }

    /// With only categorical axes the chart puts categories on x, one marker per category
    /// and series, never joined by a line, and legend keys are bare markers: the dark series
    /// (headroom=low) draws only spare-capacity's whiskers in energy and cost saving (80..84),
    /// 2 whiskers of 3 strokes each.
    #[test]
    fn categorical_axes_are_not_joined_by_lines() {
        let mut r = sample();
        for (i, v) in ["low", "high"].iter().enumerate() {
            r.axes[1].values[i] = v.to_string();
        }
        r.axes[1].numbers = None;
        let plan = r.plan();
        // Both axes have 2 values: the first in file order goes on x.
        assert_eq!(plan.by_axis[0].x, 0);
        let chart = SweepByAxis::new(&r, plan.by_axis[0].clone());
        let svg = chart.render_svg().unwrap();
        assert_has(
            &texts(&svg),
            &[
                "Results by policy.power.name — sweep demo",
                "always-on",
                "spare-capacity",
                "headroom=low",
            ],
        );
        assert_eq!(polylines(&svg, "#1F3B73"), 2 * 3);
    }

    /// A sweep of two policies and three headrooms, one seed, like sweeps/headroom.toml:
    /// spare-capacity 0.1 (860 kWh, SLAV 1e-6) is on the front, 0.2 (876 kWh, same SLAV)
    /// is beaten by it and sits 28 px to its right at the same height, 0.3 (908 kWh, SLAV 0)
    /// is on the front. A label is read as belonging to the marker nearest it, so the label
    /// `headroom=0.1` must be nearer its own marker than any other (it sat just above 0.2's).
    #[test]
    fn front_labels_keep_clear_of_other_markers() {
        let keys = vec![
            "policy.power.name".to_string(),
            "policy.power.headroom".to_string(),
        ];
        let names = [
            "always-on",
            "always-on",
            "always-on",
            "spare-capacity",
            "spare-capacity",
            "spare-capacity",
        ];
        let heads = ["0.1", "0.2", "0.3", "0.1", "0.2", "0.3"];
        let texts = vec![
            (0..6).map(|i| format!("r{i}")).collect(),
            vec![String::new(); 6],
            names.iter().map(|s| s.to_string()).collect(),
            heads.iter().map(|s| s.to_string()).collect(),
        ];
        let it = [1330.0, 1330.0, 1330.0, 860.0, 875.7, 908.0];
        let slav = [0.0, 0.0, 0.0, 1e-6, 1e-6, 0.0];
        let numbers: Vec<Vec<f64>> = Metric::ALL
            .iter()
            .map(|m| match m {
                Metric::ItKwh => it.to_vec(),
                Metric::Slav => slav.to_vec(),
                Metric::BaselineItKwh => vec![1358.6; 6],
                _ => vec![1.0; 6],
            })
            .collect();
        let r = SweepResults::from_columns("h", &keys, &texts, &numbers, "EUR".into());
        let svg = SweepTradeOff::new(&r, Some(0)).render_svg().unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let num = |t: &str| t.parse::<f64>().unwrap();
        // Triangles (spare-capacity): the apex is 8 px above the centre.
        let mut centres: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some("#D9822B"))
            .map(|n| {
                let apex = n.attribute("points").unwrap().split(' ').next().unwrap();
                let (x, y) = apex.split_once(',').unwrap();
                (num(x), num(y) + 8.0)
            })
            .collect();
        centres.extend(
            doc.descendants()
                .filter(|n| n.has_tag_name("circle"))
                .map(|n| {
                    (
                        num(n.attribute("cx").unwrap()),
                        num(n.attribute("cy").unwrap()),
                    )
                }),
        );
        // The legend's keys (above 110 px) are no markers of points.
        centres.retain(|c| c.1 > 110.0);
        let label = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some("headroom=0.1"))
            .expect("the front point 0.1 is labelled");
        let (x, y) = (
            num(label.attribute("x").unwrap()),
            num(label.attribute("y").unwrap()),
        );
        // The label's box, at least 7 px per character wide and 20 px high, anchored at its
        // bottom left; its own marker is the leftmost triangle (least energy).
        let (right, top) = (x + 7.0 * "headroom=0.1".len() as f64, y - 20.0);
        let distance = |c: &(f64, f64)| {
            let dx = (x - c.0).max(c.0 - right).max(0.0);
            let dy = (top - c.1).max(c.1 - y).max(0.0);
            dx.hypot(dy)
        };
        let own = *centres.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
        let nearer: Vec<&(f64, f64)> = centres
            .iter()
            .filter(|c| **c != own && distance(c) <= distance(&own))
            .collect();
        assert!(
            nearer.is_empty(),
            "label at ({x}, {y}) is nearer {nearer:?} than its marker {own:?}"
        );
    }

    /// Same results, same bytes.
    #[test]
    fn sweep_charts_are_deterministic() {
        let r = sample();
        for chart in crate::chart::sweep_charts(&r) {
            assert_eq!(chart.render_svg().unwrap(), chart.render_svg().unwrap());
        }
    }

    /// A sweep with host failures adds `sweep-restart-tradeoff`: IT energy against the p99
    /// restart time, its axis titled so; the sample without failures draws no such chart.
    #[test]
    fn a_sweep_with_failures_draws_the_restart_tradeoff() {
        let names = |r: &SweepResults| -> Vec<String> {
            crate::chart::sweep_charts(r)
                .iter()
                .map(|c| c.name())
                .collect()
        };
        let mut r = sample();
        assert!(!names(&r).contains(&"sweep-restart-tradeoff".to_string()));
        let slot = Metric::ALL
            .iter()
            .position(|&m| m == Metric::RestartP99)
            .unwrap();
        for (i, run) in r.runs.iter_mut().enumerate() {
            // Less reserve (spare-capacity at 0.1) than at 0.3 or always on: slower restarts.
            run.metrics[slot] = [60.0, 300.0, 60.0][(i / 4) * (1 + i % 4 / 2)];
        }
        assert!(names(&r).contains(&"sweep-restart-tradeoff".to_string()));
        let chart = SweepTradeOff::restarts(&r, r.plan().tradeoff_series);
        let svg = chart.render_svg().unwrap();
        assert_has(
            &texts(&svg),
            &[
                "Energy vs p99 restart time after host failures — sweep demo",
                "p99 time from a VM's stop by a failure to its restart (s)",
            ],
        );
    }
}
