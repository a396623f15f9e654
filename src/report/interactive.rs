//! The interactive time series of `report.html` (issue 23): the run's IT power, the always-on
//! baseline's and the hosts on, drawn as inline SVG by a small script of our own in the page
//! (no library, nothing fetched), with a hover read-out and drag-to-zoom. The data sits in the
//! page as JSON; the PNG/SVG chart files are separate and unchanged.

use super::html::escape;
use crate::chart::Timeseries;

/// Most points per series kept in the page: a year of 5-minute ticks (105 120) would make the
/// page megabytes long; beyond this, every k-th tick is kept (and the note says so).
pub const MAX_POINTS: usize = 4_000;

/// The script that draws, reads out and zooms the explorer (`explorer.js`, kept beside this
/// file so it can be read and linted as JavaScript).
const SCRIPT: &str = include_str!("explorer.js");

/// The indices kept: all when there are at most [`MAX_POINTS`], else every k-th and the last.
fn kept(n: usize) -> Vec<usize> {
    if n <= MAX_POINTS {
        return (0..n).collect();
    }
    let stride = n.div_ceil(MAX_POINTS);
    let mut idx: Vec<usize> = (0..n).step_by(stride).collect();
    if idx.last() != Some(&(n - 1)) {
        idx.push(n - 1);
    }
    idx
}

fn series(values: &[f64], idx: &[usize], scale: f64, decimals: usize) -> String {
    let parts: Vec<String> = idx
        .iter()
        .map(|&i| {
            format!(
                "{:.*}",
                decimals,
                values.get(i).copied().unwrap_or(0.0) * scale
            )
        })
        .collect();
    format!("[{}]", parts.join(","))
}

/// The explorer figure: SVG drawn by the script from the JSON data beside it, a read-out line
/// and a note on how to use it. `hosts` is the fleet size (the hosts axis's top).
pub fn explorer(run: &Timeseries, baseline: Option<&Timeseries>, hosts: usize) -> String {
    let idx = kept(run.time_h.len());
    // The baseline has the same control ticks; a shorter file is cut to the run's length.
    let base = baseline
        .filter(|b| b.time_h.len() == run.time_h.len())
        .map_or("null".to_string(), |b| series(&b.power_w, &idx, 1e-3, 3));
    let data = format!(
        "{{\"t\":{},\"power\":{},\"base\":{base},\"on\":{},\"demand\":{},\"hosts\":{hosts}}}",
        series(&run.time_h, &idx, 1.0, 4),
        series(&run.power_w, &idx, 1e-3, 3),
        series(&run.hosts_on, &idx, 1.0, 0),
        series(&run.demand_mips, &idx, 1e-3, 1),
    );
    let thinned = if idx.len() < run.time_h.len() {
        format!(
            " It shows every {}th of the {} control ticks; timeseries.csv has them all.",
            run.time_h.len().div_ceil(MAX_POINTS),
            run.time_h.len()
        )
    } else {
        String::new()
    };
    format!(
        "<figure class=\"explorer\" id=\"explorer\" data-points=\"{}\">\n\
         <p class=\"takeaway\">Explore the run: IT power of this run (navy) against the always-on fleet (dashed grey), and hosts on (orange, right axis).</p>\n\
         <svg id=\"explorer-svg\" role=\"img\" aria-label=\"IT power and hosts on over time\" viewBox=\"0 0 1000 360\" xmlns=\"http://www.w3.org/2000/svg\"></svg>\n\
         <p class=\"readout\" id=\"explorer-readout\">Hover over the chart to read the values at a time; drag across it to zoom in, double-click to zoom out.</p>\n\
         <figcaption>Drawn in the page from the run's timeseries.csv.{}</figcaption>\n\
         <script type=\"application/json\" id=\"explorer-data\">{}</script>\n\
         <script>{SCRIPT}</script>\n</figure>\n",
        idx.len(),
        escape(&thinned),
        data
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Up to the cap every tick is kept; a year of 5-minute ticks keeps every 27th and the last.
    #[test]
    fn long_runs_are_thinned_to_the_cap() {
        assert_eq!(kept(3), [0, 1, 2]);
        let year = kept(105_120);
        assert!(year.len() <= MAX_POINTS + 1, "{}", year.len());
        assert_eq!(year[1], 27);
        assert_eq!(year.last(), Some(&105_119));
    }
}
