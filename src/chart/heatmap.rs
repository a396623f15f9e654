//! Host utilisation heat map: hosts (ranked by time on) against time, each cell coloured by
//! a utilisation band. Consolidation shows as hosts going blank at night while the rest turn
//! darker. Large fleets are drawn in at most [`MAX_ROWS`] rows of neighbouring ranks, and
//! equal cells in a row merge into one rectangle, so the SVG stays small.

use super::data::{RunData, Utilisation};
use super::style::*;
use super::{DrawResult, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Most rows drawn; more hosts than this share rows.
pub const MAX_ROWS: usize = 200;

/// Utilisation bands, lightest (idle) to darkest (over-loaded), and the label of each.
const BANDS: [(RGBColor, &str); 6] = [
    (RGBColor(199, 233, 180), "0–20 %"),
    (RGBColor(127, 205, 187), "20–40 %"),
    (RGBColor(65, 182, 196), "40–60 %"),
    (RGBColor(34, 94, 168), "60–80 %"),
    (RGBColor(37, 52, 148), "80–100 %"),
    (RGBColor(10, 10, 10), "over 100 %"),
];

/// Colour of hosts not on (off, booting, shutting down).
const NOT_ON: RGBColor = WHITE;

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Most hosts of the row were not on.
    NotOn,
    /// The mean utilisation of the row's hosts that were on, as an index into the bands.
    Band(u8),
}

/// The band of a utilisation: 0 for [0, 0.2), ..., 4 for [0.8, 1], 5 above 1.
pub fn band(u: f32) -> u8 {
    if u > 1.0 {
        5
    } else {
        ((u.max(0.0) * 5.0).floor() as u8).min(4)
    }
}

/// Hosts ranked for display: most time on first, then highest mean utilisation while on,
/// then lowest id (so the order is fully determined).
pub fn rank_hosts(u: &Utilisation) -> Vec<usize> {
    let mut stats: Vec<(usize, usize, f64)> = (0..u.hosts)
        .map(|h| {
            let (mut on, mut sum) = (0usize, 0.0f64);
            for t in 0..u.ticks() {
                let v = u.at(t, h);
                if !v.is_nan() {
                    on += 1;
                    sum += v as f64;
                }
            }
            (h, on, if on > 0 { sum / on as f64 } else { 0.0 })
        })
        .collect();
    stats.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0)));
    stats.into_iter().map(|(h, _, _)| h).collect()
}

/// The grid drawn: rows of ranked hosts by ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// First rank (0-based) of each row, plus one past the last.
    pub row_starts: Vec<usize>,
    /// Row-major `[row][tick]` cells.
    pub cells: Vec<Cell>,
    /// Ticks per row.
    pub ticks: usize,
}

impl Grid {
    /// Bins ranked hosts into at most `max_rows` rows: a cell is not-on when fewer than half
    /// of its hosts were on, else the band of their mean utilisation.
    pub fn new(u: &Utilisation, max_rows: usize) -> Self {
        let ranked = rank_hosts(u);
        let rows = u.hosts.min(max_rows.max(1));
        let row_starts: Vec<usize> = (0..=rows).map(|r| r * u.hosts / rows.max(1)).collect();
        let ticks = u.ticks();
        let mut cells = Vec::with_capacity(rows * ticks);
        for r in 0..rows {
            let members = &ranked[row_starts[r]..row_starts[r + 1]];
            for t in 0..ticks {
                let (mut on, mut sum) = (0usize, 0.0f32);
                for &h in members {
                    let v = u.at(t, h);
                    if !v.is_nan() {
                        on += 1;
                        sum += v;
                    }
                }
                cells.push(if on * 2 < members.len() || on == 0 {
                    Cell::NotOn
                } else {
                    Cell::Band(band(sum / on as f32))
                });
            }
        }
        Grid {
            row_starts,
            cells,
            ticks,
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_starts.len() - 1
    }

    /// Runs of equal cells in a row, as `(first tick, one past the last tick, cell)`; the last
    /// tick is left out, as it marks the end of the run and spans no time.
    pub fn runs(&self, row: usize) -> Vec<(usize, usize, Cell)> {
        let cells = &self.cells[row * self.ticks..(row + 1) * self.ticks];
        let drawn = self.ticks.saturating_sub(1);
        let mut runs = Vec::new();
        let mut start = 0;
        for t in 1..=drawn {
            if t == drawn || cells[t] != cells[start] {
                runs.push((start, t, cells[start]));
                start = t;
            }
        }
        runs
    }
}

/// The utilisation heat map of a run (`utilisation-heatmap.svg`, `.png`).
pub struct UtilisationHeatmap<'a> {
    run: &'a RunData,
    utilisation: &'a Utilisation,
}

impl<'a> UtilisationHeatmap<'a> {
    /// The heat map of `run`'s per-host utilisation `u`.
    pub fn new(run: &'a RunData, u: &'a Utilisation) -> Self {
        UtilisationHeatmap {
            run,
            utilisation: u,
        }
    }
}

impl Figure for UtilisationHeatmap<'_> {
    fn name(&self) -> String {
        "utilisation-heatmap".into()
    }

    fn title(&self) -> String {
        format!("Host CPU utilisation over time — {}", self.run.scenario())
    }

    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = titled(root, &self.title())?;
        let (key, plot) = body.split_vertically(40);
        let u = self.utilisation;
        let grid = Grid::new(u, MAX_ROWS);
        let rows = grid.rows();
        let end_h = u.time_h.last().copied().unwrap_or(0.0);
        let axis = TimeAxis::new(end_h);
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(10)
            .margin_right(45)
            .margin_bottom(6)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .build_cartesian_2d(
                axis.range(),
                Keyed::new(0.0, u.hosts.max(1) as f64, count_ticks(u.hosts as f64)),
            )?;
        chart
            .configure_mesh()
            .x_labels(axis.ticks().len())
            .x_label_formatter(&|h| axis.label(*h))
            .y_labels(12)
            .y_label_formatter(&|y| axis_number(*y))
            .x_desc(axis.description())
            .y_desc("hosts, ranked by time on (most at the bottom)")
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .disable_mesh()
            .draw()?;
        for r in 0..rows {
            let (y0, y1) = (grid.row_starts[r] as f64, grid.row_starts[r + 1] as f64);
            chart.draw_series(grid.runs(r).into_iter().filter_map(|(a, b, cell)| {
                let color = match cell {
                    Cell::NotOn => return None,
                    Cell::Band(i) => BANDS[i as usize].0,
                };
                Some(Rectangle::new(
                    [(u.time_h[a], y0), (u.time_h[b], y1)],
                    color.filled(),
                ))
            }))?;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (axis.end_h, u.hosts.max(1) as f64)],
            GREY.stroke_width(1),
        )))?;
        let mut keys: Vec<(Key, String)> = vec![(Key::Swatch(NOT_ON), "not on".to_string())];
        keys.extend(
            BANDS
                .iter()
                .map(|(c, label)| (Key::Swatch(*c), label.to_string())),
        );
        legend(&key, &keys)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn util(hosts: usize, rows: &[&[f32]]) -> Utilisation {
        Utilisation {
            time_h: (0..rows.len()).map(|i| i as f64).collect(),
            hosts,
            values: rows.iter().flat_map(|r| r.iter().copied()).collect(),
        }
    }

    /// Band edges: 0.2 starts band 1; exactly 1.0 is still 80–100 %; above 1 is over-loaded.
    #[test]
    fn bands_split_at_twenty_percent_steps() {
        assert_eq!(band(0.0), 0);
        assert_eq!(band(0.199), 0);
        assert_eq!(band(0.2), 1);
        assert_eq!(band(0.85), 4);
        assert_eq!(band(1.0), 4);
        assert_eq!(band(1.001), 5);
    }

    /// Host 2 is on at both ticks, host 0 at one tick with more load than host 1 at one
    /// tick: rank 2, 0, 1.
    #[test]
    fn hosts_rank_by_time_on_then_mean_utilisation() {
        let nan = f32::NAN;
        let u = util(3, &[&[0.9, nan, 0.1], &[nan, 0.3, 0.1]]);
        assert_eq!(rank_hosts(&u), vec![2, 0, 1]);
    }

    /// Four hosts in two rows: the row of the two busiest averages them; a row where only
    /// one of two hosts is on is still shown on (half counts), none on is not-on.
    #[test]
    fn grid_bins_rows_and_merges_equal_cells() {
        let nan = f32::NAN;
        let u = util(
            4,
            &[
                &[0.5, 0.7, nan, nan],
                &[0.5, 0.7, 0.1, nan],
                &[0.9, 0.95, nan, nan],
                &[0.9, 0.95, nan, nan],
            ],
        );
        let grid = Grid::new(&u, 2);
        assert_eq!(grid.row_starts, vec![0, 2, 4]);
        // Row 0 = hosts 1 and 0 (four ticks on each): mean 0.6, 0.6, 0.925, 0.925.
        assert_eq!(
            grid.runs(0),
            vec![(0, 2, Cell::Band(3)), (2, 3, Cell::Band(4))]
        );
        // Row 1 = hosts 2 and 3: host 2 on at tick 1 only.
        assert_eq!(
            grid.runs(1),
            vec![
                (0, 1, Cell::NotOn),
                (1, 2, Cell::Band(0)),
                (2, 3, Cell::NotOn)
            ]
        );
    }
}
