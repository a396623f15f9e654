//! The look shared by every chart: fonts, a palette whose colours differ in lightness (so they
//! stay apart when printed in grey), the simulated-time axis with nights, and a legend strip
//! drawn above the plot instead of over the data.

use super::DrawResult;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font family of all text (the bundled font is registered under this name).
pub const FONT: &str = "sans-serif";

/// Title text.
pub fn title_font() -> TextStyle<'static> {
    (FONT, 30).into_font().color(&INK)
}
/// Axis descriptions.
pub fn label_font() -> TextStyle<'static> {
    (FONT, 20).into_font().color(&INK)
}
/// Tick labels and legend entries.
pub fn tick_font() -> TextStyle<'static> {
    (FONT, 17).into_font().color(&INK)
}
/// Notes and value labels.
pub fn note_font() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&INK)
}

/// Crowded tick labels (many variants side by side).
pub fn small_font() -> TextStyle<'static> {
    (FONT, 13).into_font().color(&INK)
}

/// Text and axes (grey luma ≈ 40).
pub const INK: RGBColor = RGBColor(40, 40, 40);
/// The run's main series: dark navy (luma ≈ 57).
pub const DARK: RGBColor = RGBColor(31, 59, 115);
/// Second series: orange (luma ≈ 146).
pub const MID: RGBColor = RGBColor(217, 130, 43);
/// Third series: light blue (luma ≈ 180).
pub const LIGHT: RGBColor = RGBColor(140, 190, 225);
/// Reference series (the always-on baseline): mid grey, always dashed.
pub const GREY: RGBColor = RGBColor(118, 118, 118);
/// Background fills such as hosts off (luma ≈ 215).
pub const PALE: RGBColor = RGBColor(215, 215, 215);
/// Night shading (luma ≈ 234).
pub const NIGHT: RGBColor = RGBColor(228, 232, 245);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// The house grid on a chart's mesh: light grey major lines, no minor lines.
pub trait HouseGrid {
    /// Applies the house grid.
    fn house_grid(&mut self) -> &mut Self;
}

impl<X, Y, XT, YT, DB> HouseGrid for plotters::chart::MeshStyle<'_, '_, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged<ValueType = XT>
        + plotters::coord::ranged1d::ValueFormatter<XT>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = YT>
        + plotters::coord::ranged1d::ValueFormatter<YT>,
    DB: DrawingBackend,
{
    fn house_grid(&mut self) -> &mut Self {
        self.bold_line_style(GRID).light_line_style(TRANSPARENT)
    }
}

pub use crate::sim::records::Night;

/// Shades the spans of `night` on a time chart from 0 to `top`.
pub fn shade_nights<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Keyed, RangedCoordf64>>,
    axis: &TimeAxis,
    night: Night,
    top: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(
        axis.nights(night)
            .into_iter()
            .map(|(a, b)| Rectangle::new([(a, 0.0), (b, top)], NIGHT.filled())),
    )?;
    Ok(())
}

/// Draws the house mesh of a time chart: the time axis's ticks, labels and description, and
/// `y_desc` on the numbers of the y axis.
pub fn time_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Keyed, RangedCoordf64>>,
    axis: &TimeAxis,
    y_desc: impl Into<String>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .x_labels(axis.ticks().len())
        .x_label_formatter(&|h| axis.label(*h))
        .y_label_formatter(&|v| axis_number(*v))
        .x_desc(axis.description())
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(tick_font())
        .house_grid()
        .draw()?;
    Ok(())
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The simulated-time x axis: hours since Monday 00:00, ticks on round hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAxis {
    /// End of the axis, h.
    pub end_h: f64,
    /// Hours between ticks.
    pub step_h: f64,
}

impl TimeAxis {
    /// An axis from 0 to `end_h` with at most 8 intervals between ticks on round hours (so
    /// `Mon 06:00` labels never overlap at report size).
    pub fn new(end_h: f64) -> Self {
        let end_h = if end_h > 0.0 { end_h } else { 1.0 };
        let step_h = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 168.0]
            .into_iter()
            .find(|s| end_h / s <= 8.0)
            .unwrap_or((end_h / 8.0 / 168.0).ceil() * 168.0);
        TimeAxis { end_h, step_h }
    }

    /// Tick positions, h.
    pub fn ticks(&self) -> Vec<f64> {
        let n = (self.end_h / self.step_h).floor() as usize;
        (0..=n).map(|i| i as f64 * self.step_h).collect()
    }

    /// The axis range with ticks bound to round hours.
    pub fn range(&self) -> Keyed {
        Keyed::new(0.0, self.end_h, self.ticks())
    }

    /// A tick label: `Mon 06:00` (or `Tue` at midnight when ticks are a day or more apart;
    /// `day 9` past the first week). Day-apart ticks name the day that starts there, so the
    /// axis's last tick, where the run ends, names the day that ends there: `Sun 24:00`.
    pub fn label(&self, h: f64) -> String {
        let minutes = (h * 60.0).round() as u64;
        let day_name = |day: u64| {
            if day < 7 {
                DAYS[day as usize].to_string()
            } else {
                format!("day {}", day + 1)
            }
        };
        let day = minutes / (24 * 60);
        if self.step_h < 24.0 {
            let m = minutes % (24 * 60);
            format!("{} {:02}:{:02}", day_name(day), m / 60, m % 60)
        } else if day > 0 && (h - self.end_h).abs() < 1e-9 && minutes.is_multiple_of(24 * 60) {
            format!("{} 24:00", day_name(day - 1))
        } else {
            day_name(day)
        }
    }

    /// The axis description.
    pub fn description(&self) -> &'static str {
        "simulated time (day, hh:mm)"
    }

    /// The spans of `night` within the axis, h.
    pub fn nights(&self, night: Night) -> Vec<(f64, f64)> {
        let length = night.length_h();
        let days = (self.end_h / 24.0).ceil() as i64;
        (-1..=days)
            .map(|d| {
                let start = d as f64 * 24.0 + night.from_h;
                (start, start + length)
            })
            .filter_map(|(a, b)| {
                let (a, b) = (a.max(0.0), b.min(self.end_h));
                (b > a).then_some((a, b))
            })
            .collect()
    }
}

/// Clears `root` to white, draws `title` at the top and returns the area below it.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    Ok(root.margin(10, 0, 0, 0).titled(title, title_font())?)
}

/// A linear `f64` axis with ticks exactly where asked (round hours, variant indices, 1-2-5
/// steps); plotters' own `with_key_points` cannot be combined with custom label formatting
/// on `f64` ranges.
#[derive(Clone)]
pub struct Keyed {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Keyed {
    /// The range `lo..hi` with `ticks`.
    pub fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Self {
        Keyed {
            inner: (lo..hi).into(),
            ticks,
        }
    }
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        let r = self.inner.range();
        let slack = (r.end - r.start).abs() * 1e-9;
        self.ticks
            .iter()
            .copied()
            .filter(|t| *t >= r.start - slack && *t <= r.end + slack)
            .collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    /// A solid line of a width.
    Line(RGBColor, u32),
    /// A dashed line of a width.
    Dashed(RGBColor, u32),
    /// A filled box.
    Swatch(RGBColor),
    /// A marker.
    Marker(Shape, RGBColor),
    /// A line (dashed when the flag is set) with a marker on it.
    MarkedLine(Shape, RGBColor, bool),
}

/// Marker shapes, told apart without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Filled circle.
    Circle,
    /// Filled triangle.
    Triangle,
    /// Filled square.
    Square,
    /// Diagonal cross.
    Cross,
    /// Hollow square.
    HollowSquare,
}

/// The shapes variants cycle through.
pub const SHAPES: [Shape; 4] = [Shape::Circle, Shape::Triangle, Shape::Square, Shape::Cross];

/// The colours variants cycle through (with [`SHAPES`]), from dark to light and back.
pub const POINT_COLORS: [RGBColor; 4] = [DARK, MID, LIGHT, INK];

/// Draws a marker of `shape` centred at a pixel position.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Shape,
    color: RGBColor,
    size: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    match shape {
        Shape::Circle => area.draw(&Circle::new((x, y), size, color.filled()))?,
        Shape::Triangle => area.draw(&Polygon::new(
            vec![
                (x, y - size),
                (x - size, y + size * 4 / 5),
                (x + size, y + size * 4 / 5),
            ],
            color.filled(),
        ))?,
        Shape::Square => area.draw(&Rectangle::new(
            [
                (x - size * 4 / 5, y - size * 4 / 5),
                (x + size * 4 / 5, y + size * 4 / 5),
            ],
            color.filled(),
        ))?,
        Shape::Cross => {
            let s = size * 4 / 5;
            let style = color.stroke_width(3);
            area.draw(&PathElement::new(
                vec![(x - s, y - s), (x + s, y + s)],
                style,
            ))?;
            area.draw(&PathElement::new(
                vec![(x - s, y + s), (x + s, y - s)],
                style,
            ))?;
        }
        Shape::HollowSquare => area.draw(&Rectangle::new(
            [(x - size, y - size), (x + size, y + size)],
            color.stroke_width(3),
        ))?,
    }
    Ok(())
}

/// Draws a horizontal legend, centred in `area` (a strip above a plot), wrapping to a second
/// line when the entries do not fit.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Key, String)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let font = tick_font();
    let (width, height) = area.dim_in_pixel();
    let key_w = 34;
    let gap = 28;
    let sizes: Vec<i32> = entries
        .iter()
        .map(|(_, label)| {
            let (w, _) = area
                .estimate_text_size(label, &font)
                .unwrap_or((label.len() as u32 * 9, 0));
            key_w + 8 + w as i32
        })
        .collect();
    // Greedy wrapping into lines that fit the width.
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, &w) in sizes.iter().enumerate() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && used + gap + w > width as i32 - 20 {
            lines.push(vec![i]);
            used = w;
        } else {
            used += if line.is_empty() { w } else { gap + w };
            line.push(i);
        }
    }
    let line_h = 26;
    let top = (height as i32 - line_h * lines.len() as i32) / 2 + line_h / 2;
    for (l, line) in lines.iter().enumerate() {
        let total: i32 =
            line.iter().map(|&i| sizes[i]).sum::<i32>() + gap * (line.len() as i32 - 1);
        let mut x = (width as i32 - total) / 2;
        let y = top + l as i32 * line_h;
        for &i in line {
            let (key, label) = &entries[i];
            draw_key(area, *key, x, y, key_w)?;
            area.draw(&Text::new(
                label.clone(),
                (x + key_w + 8, y),
                font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            x += sizes[i] + gap;
        }
    }
    Ok(())
}

fn draw_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    key: Key,
    x: i32,
    y: i32,
    w: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    match key {
        Key::Line(c, width) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + w, y)],
                c.stroke_width(width),
            ))?;
        }
        Key::Dashed(c, width) => {
            let dash = w / 4;
            for i in 0..3 {
                let a = x + i * (dash + dash / 2);
                area.draw(&PathElement::new(
                    vec![(a, y), (a + dash, y)],
                    c.stroke_width(width),
                ))?;
            }
        }
        Key::Swatch(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 9), (x + w - 4, y + 9)],
                c.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 4, y - 9), (x + w - 4, y + 9)],
                GREY.stroke_width(1),
            ))?;
        }
        Key::Marker(shape, c) => draw_marker(area, (x + w / 2, y), shape, c, 8)?,
        Key::MarkedLine(shape, c, dashed) => {
            draw_key(
                area,
                if dashed {
                    Key::Dashed(c, 3)
                } else {
                    Key::Line(c, 3)
                },
                x,
                y,
                w,
            )?;
            draw_marker(area, (x + w / 2, y), shape, c, 7)?;
        }
    }
    Ok(())
}

/// Cosine of the sharpest turn a thick line is drawn through in one piece (29°, where SVG's
/// default miter limit of 4 gives up on the join).
const SHARPEST_TURN_COS: f64 = 0.875;

/// Splits a line into pieces that turn by less than 29° at no inner vertex, as drawn (`px`
/// maps a point to its pixel; points on the same pixel count once). Plotters' bitmap
/// backend joins the segments of a thick line with an unlimited miter, so a sharp jump and
/// back (power falling for one tick) drew a spike far out of the plot; pieces joined end
/// to end look the same as the SVG's line, without that join.
pub fn unspiked(
    points: impl IntoIterator<Item = (f64, f64)>,
    px: impl Fn(&(f64, f64)) -> (i32, i32),
) -> Vec<Vec<(f64, f64)>> {
    let sharp = |a: (i32, i32), b: (i32, i32), c: (i32, i32)| {
        let u = (f64::from(a.0 - b.0), f64::from(a.1 - b.1));
        let v = (f64::from(c.0 - b.0), f64::from(c.1 - b.1));
        (u.0 * v.0 + u.1 * v.1) > SHARPEST_TURN_COS * u.0.hypot(u.1) * v.0.hypot(v.1)
    };
    let mut pieces = Vec::new();
    let mut piece: Vec<(f64, f64)> = Vec::new();
    // The last two distinct pixels of the piece.
    let mut before: Option<(i32, i32)> = None;
    let mut last: Option<(i32, i32)> = None;
    for p in points {
        let q = px(&p);
        if Some(q) == last {
            piece.push(p);
            continue;
        }
        if let (Some(a), Some(b)) = (before, last)
            && sharp(a, b, q)
        {
            let joint = *piece.last().expect("a piece with a last pixel has points");
            pieces.push(std::mem::replace(&mut piece, vec![joint]));
        }
        piece.push(p);
        before = last;
        last = Some(q);
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Rounds a maximum up to a value that leaves room above the data.
pub fn headroom(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 {
        max * 1.08
    } else {
        1.0
    }
}

/// Ticks from 0 to at least `max` on a 1-2-5 step, four to eight of them.
pub fn nice_ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| max / s <= 7.0)
        .unwrap_or(10.0 * magnitude);
    let n = (max / step - 1e-9).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Ticks on a 1-2-5 step from a tick at or below `lo` to one at or above `hi`, four to seven
/// intervals; never below 0 when `lo` is not. Equal ends get a span around them.
pub fn span_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        (0.0, 1.0)
    } else if hi - lo <= 1e-12 * hi.abs().max(lo.abs()) {
        let d = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        let below = if lo >= 0.0 { (lo - d).max(0.0) } else { lo - d };
        (below, hi + d)
    } else {
        (lo, hi)
    };
    let magnitude = 10f64.powf(((hi - lo) / 5.0).log10().floor());
    let intervals = |step: f64| ((hi / step - 1e-9).ceil() - (lo / step + 1e-9).floor()) as i64;
    let step = [1.0, 2.0, 2.5, 5.0, 10.0, 20.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| intervals(s) <= 7)
        .unwrap_or(20.0 * magnitude);
    let (a, b) = (
        (lo / step + 1e-9).floor() as i64,
        (hi / step - 1e-9).ceil() as i64,
    );
    (a..=b).map(|k| k as f64 * step).collect()
}

/// Ticks for counts: like [`nice_ticks`] but never closer than 1 apart.
pub fn count_ticks(max: f64) -> Vec<f64> {
    if max <= 5.0 {
        (0..=(max.max(1.0).ceil() as usize))
            .map(|i| i as f64)
            .collect()
    } else {
        nice_ticks(max)
    }
}

/// The largest finite value of a slice (0 when none).
pub fn max_of(values: &[f64]) -> f64 {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// Decimals that show a mass in kg to about three significant digits (at least one): a
/// small test fleet's grams are not all printed as `0.0`.
pub fn kg_decimals(v: f64) -> usize {
    match v.abs() {
        a if a >= 100.0 || a == 0.0 => 1,
        a if a >= 1.0 => 2,
        a if a >= 0.01 => 3,
        _ => 4,
    }
}

/// A number with a thousands separator and `decimals` decimals (`12 345.6`).
pub fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// Decimals that show a tick step exactly (0.25 needs 2, 2.5 needs 1, 5 needs 0), at most 9.
pub fn step_decimals(step: f64) -> usize {
    let step = step.abs();
    (0..9)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(9)
}

/// Tick labels for `ticks` (evenly spaced): as many decimals as the step needs, or, when
/// `scientific`, one mantissa precision for all in scientific notation (`2.5e-7`); 0 is `0`.
pub fn tick_labeller(ticks: &[f64], scientific: bool) -> impl Fn(f64) -> String + use<> {
    let step = match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    };
    let top = ticks.iter().map(|t| t.abs()).fold(0.0, f64::max);
    let decimals = if scientific {
        let e = if top > 0.0 { top.log10().floor() } else { 0.0 };
        step_decimals(step / 10f64.powf(e)).max(1)
    } else {
        step_decimals(step)
    };
    move |v: f64| {
        if v == 0.0 || v.abs() < step.abs() * 1e-9 {
            "0".to_string()
        } else if scientific {
            format!("{v:.decimals$e}")
        } else {
            grouped(v, decimals)
        }
    }
}

/// A SLAV tick label: `0`, else one decimal in scientific notation (`2.5e-6`).
pub fn slav_number(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v:.1e}")
    }
}

/// A tick label for an axis whose values may be large or tiny.
pub fn axis_number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        grouped(v, 0)
    } else if a >= 1.0 {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map_or(s.clone(), str::to_string)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-day run gets a tick every 6 hours, labelled with the weekday and time.
    #[test]
    fn two_days_tick_every_six_hours() {
        let axis = TimeAxis::new(48.0);
        assert_eq!(axis.step_h, 6.0);
        assert_eq!(axis.ticks().len(), 9);
        assert_eq!(TimeAxis::new(24.0).step_h, 3.0);
        assert_eq!(axis.label(0.0), "Mon 00:00");
        assert_eq!(axis.label(30.0), "Tue 06:00");
        // A week: daily ticks named by day.
        let week = TimeAxis::new(168.0);
        assert_eq!(week.step_h, 24.0);
        assert_eq!(week.label(48.0), "Wed");
        assert_eq!(TimeAxis::new(24.0 * 10.0).label(24.0 * 8.0), "day 9");
    }

    /// A week's daily ticks name days; the last tick is the end of Sunday, `Sun 24:00`, not
    /// a day 8 the run never reaches. Ticks inside the run keep their names, and an end tick
    /// that names a time of day (`Wed 00:00` after two days) stays as it is.
    #[test]
    fn a_week_ends_at_the_end_of_sunday() {
        let week = TimeAxis::new(168.0);
        assert_eq!(week.label(144.0), "Sun");
        assert_eq!(week.label(168.0), "Sun 24:00");
        let ten = TimeAxis::new(240.0);
        assert_eq!(ten.label(192.0), "day 9");
        assert_eq!(ten.label(240.0), "day 10 24:00");
        assert_eq!(TimeAxis::new(48.0).label(48.0), "Wed 00:00");
    }

    /// Nights of a run from Monday 00:00 to Wednesday 00:00: Monday 00–06, Mon 22 – Tue 06,
    /// Tue 22 – Wed 00 (clipped to the axis).
    #[test]
    fn nights_are_clipped_to_the_axis() {
        assert_eq!(
            TimeAxis::new(48.0).nights(Night::DEFAULT),
            vec![(0.0, 6.0), (22.0, 30.0), (46.0, 48.0)]
        );
    }

    /// A night within one day (01:00–05:30) and one wrapping midnight (19:30–07:00) over
    /// Monday and Tuesday; the labels name both ends.
    #[test]
    fn a_scenarios_night_is_shaded_and_labelled() {
        let axis = TimeAxis::new(48.0);
        let early = Night {
            from_h: 1.0,
            to_h: 5.5,
        };
        assert_eq!(axis.nights(early), vec![(1.0, 5.5), (25.0, 29.5)]);
        assert_eq!(early.label(), "night (01:00–05:30)");
        let long = Night {
            from_h: 19.5,
            to_h: 7.0,
        };
        assert_eq!(
            axis.nights(long),
            vec![(0.0, 7.0), (19.5, 31.0), (43.5, 48.0)]
        );
        assert_eq!(long.label(), "night (19:30–07:00)");
        assert_eq!(Night::DEFAULT.label(), "night (22:00–06:00)");
    }

    /// A line down 300 px and back up one pixel to the right turns by under 1°: it is
    /// split there, the joint point in both pieces; a right angle and points on one pixel
    /// do not split.
    #[test]
    fn lines_split_at_sharp_turns_only() {
        let px = |p: &(f64, f64)| (p.0 as i32, p.1 as i32);
        let spike = [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 300.0),
            (11.0, 0.0),
            (20.0, 0.0),
        ];
        assert_eq!(
            unspiked(spike, px),
            vec![
                vec![(0.0, 0.0), (10.0, 0.0), (10.0, 300.0)],
                vec![(10.0, 300.0), (11.0, 0.0), (20.0, 0.0)]
            ]
        );
        let corner = [(0.0, 0.0), (10.0, 0.0), (10.2, 0.4), (10.0, 10.0)];
        assert_eq!(unspiked(corner, px).len(), 1);
    }

    /// 0..3.1e-5 gets ticks every 5e-6 up to 3.5e-5; 0..100 every 20.
    #[test]
    fn nice_ticks_cover_the_maximum() {
        let t = nice_ticks(3.1e-5);
        assert_eq!(t.len(), 8);
        assert!((t[1] - 5e-6).abs() < 1e-18 && (t[7] - 3.5e-5).abs() < 1e-15);
        assert_eq!(nice_ticks(100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(count_ticks(1.08), vec![0.0, 1.0, 2.0]);
    }

    /// 9.43..11.53 kWh gets ticks every 0.5 from 9 to 12; -3..12 every 2.5 (seven intervals);
    /// equal ends are widened by 10 % (not below 0); zero spans 0..1.
    #[test]
    fn span_ticks_cover_the_data_on_round_steps() {
        let close = |got: Vec<f64>, want: &[f64]| {
            got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9)
        };
        assert!(close(
            span_ticks(9.43, 11.53),
            &[9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0]
        ));
        assert!(close(
            span_ticks(-3.0, 12.0),
            &[-5.0, -2.5, 0.0, 2.5, 5.0, 7.5, 10.0, 12.5]
        ));
        assert!(close(
            span_ticks(5.0, 5.0),
            &[4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6]
        ));
        assert!(close(span_ticks(0.0, 0.0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]));
    }

    /// Labels carry the decimals their step needs, so close ticks never read the same.
    #[test]
    fn tick_labels_tell_close_ticks_apart() {
        assert_eq!(step_decimals(0.25), 2);
        assert_eq!(step_decimals(2.5), 1);
        assert_eq!(step_decimals(5.0), 0);
        assert_eq!(step_decimals(0.002), 3);
        let plain = tick_labeller(&[14.2, 14.202, 14.204], false);
        assert_eq!(plain(14.202), "14.202");
        assert_eq!(plain(1500.0), "1\u{202f}500.000");
        let sci = tick_labeller(&[4e-7, 4.5e-7, 5e-7], true);
        assert_eq!(sci(4.5e-7), "4.5e-7");
        assert_eq!(sci(0.0), "0");
        let fine = tick_labeller(&[1.0e-6, 1.02e-6, 1.04e-6], true);
        assert_eq!(fine(1.02e-6), "1.02e-6");
    }

    /// Thousands are grouped with a narrow space; tiny and huge values go scientific.
    #[test]
    fn numbers_are_formatted_for_reading() {
        assert_eq!(grouped(1234567.891, 1), "1\u{202f}234\u{202f}567.9");
        assert_eq!(grouped(-950.0, 0), "-950");
        assert_eq!(axis_number(2500.0), "2\u{202f}500");
        assert_eq!(axis_number(12.0), "12");
        assert_eq!(axis_number(0.25), "0.25");
        assert_eq!(axis_number(0.9999), "1");
        assert_eq!(axis_number(2e-5), "2.0e-5");
    }
}
