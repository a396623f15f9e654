//! A sweep's results for its charts and report: the rows of `results.csv` (read by column
//! name), runs grouped into axis points (the seeds of one combination of axis values), and
//! the rule that picks which charts to draw from the axes.
//!
//! Only [`SweepResults::load`] reads files; grouping, statistics and the chart plan are pure
//! functions of the rows, tested on rows built in memory.

use super::data::{
    DataError, data_error, header, read_columns_or_nan, read_summary, read_text_columns,
};
use crate::output::files::{
    MANIFEST_FILE, RESULTS_FILE, RUNS_DIR, SCENARIO_COPY_FILE, SUMMARY_FILE, SWEEP_COPY_FILE,
};
use crate::sweep::{Manifest, axis_column, short_keys};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A headline number of each run, by its `results.csv` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// IT energy, kWh.
    ItKwh,
    /// Cost of facility energy, in the scenario's currency.
    Cost,
    /// Always-on baseline's IT energy, kWh.
    BaselineItKwh,
    /// IT energy saved against always-on, fraction.
    EnergySaving,
    /// Cost saved against always-on, fraction.
    CostSaving,
    /// Live migrations.
    Migrations,
    /// SLA violation (SLATAH × PDM).
    Slav,
    /// Conflicts.
    Conflicts,
    /// Mean hosts on.
    MeanHostsOn,
    /// Share of CPU demand not served (`vms.unserved_fraction`).
    Unserved,
    /// The always-on baseline's share of CPU demand not served.
    BaselineUnserved,
    /// Host-hours above `simulation.high_utilisation` (`impact.host_hours_above`).
    HostHoursAbove,
    /// 99th percentile of the time from a VM's stop by a host failure to its restart, s
    /// (`failures.restart_p99_s`; NaN for a sweep without failures).
    RestartP99,
}

impl Metric {
    /// Every metric, in storage order.
    pub const ALL: [Metric; 13] = [
        Metric::ItKwh,
        Metric::Cost,
        Metric::BaselineItKwh,
        Metric::EnergySaving,
        Metric::CostSaving,
        Metric::Migrations,
        Metric::Slav,
        Metric::Conflicts,
        Metric::MeanHostsOn,
        Metric::Unserved,
        Metric::BaselineUnserved,
        Metric::HostHoursAbove,
        Metric::RestartP99,
    ];

    /// The `results.csv` column: the `summary.json` key with `_` for `.`.
    pub fn column(self) -> &'static str {
        match self {
            Metric::ItKwh => "energy_it_kwh",
            Metric::Cost => "energy_cost",
            Metric::BaselineItKwh => "baseline_it_kwh",
            Metric::EnergySaving => "savings_energy_fraction",
            Metric::CostSaving => "savings_cost_fraction",
            Metric::Migrations => "migrations_count",
            Metric::Slav => "sla_slav",
            Metric::Conflicts => "conflicts_total",
            Metric::MeanHostsOn => "hosts_mean_on",
            Metric::Unserved => "vms_unserved_fraction",
            Metric::BaselineUnserved => "baseline_unserved_fraction",
            Metric::HostHoursAbove => "impact_host_hours_above",
            Metric::RestartP99 => "failures_restart_p99_s",
        }
    }

    /// The column's name in `results.csv` of format version 1, read when the file has no
    /// [`Metric::column`].
    fn legacy_column(self) -> &'static str {
        match self {
            Metric::ItKwh => "it_kwh",
            Metric::Cost => "cost",
            Metric::BaselineItKwh => "baseline_it_kwh",
            Metric::EnergySaving => "energy_saving",
            Metric::CostSaving => "cost_saving",
            Metric::Migrations => "migrations",
            Metric::Slav => "slav",
            Metric::Conflicts => "conflicts",
            Metric::MeanHostsOn => "mean_hosts_on",
            Metric::Unserved => "unserved_fraction",
            Metric::BaselineUnserved => "baseline_unserved_fraction",
            Metric::HostHoursAbove => "host_hours_above",
            Metric::RestartP99 => "failures_restart_p99_s",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// One axis of the sweep as the results show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// Scenario key (the column name).
    pub key: String,
    /// Short name for legends and labels (last key segment unless two axes share it).
    pub short: String,
    /// Values in order of first appearance (the sweep file's order), as written (strings
    /// unquoted).
    pub values: Vec<String>,
    /// The values as numbers, when every one of them is a finite number.
    pub numbers: Option<Vec<f64>>,
}

impl SweepAxis {
    /// Whether the axis takes more than one value.
    pub fn varies(&self) -> bool {
        self.values.len() > 1
    }

    /// Whether the axis is numeric (its values have positions on a number line).
    pub fn is_numeric(&self) -> bool {
        self.numbers.is_some()
    }
}

/// One row of `results.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRun {
    /// Run id.
    pub id: String,
    /// Seed, as written (empty when the sweep uses the scenario's seed).
    pub seed: String,
    /// Index into each axis's values, in axis order.
    pub values: Vec<usize>,
    /// The metrics, indexed by [`Metric`]; NaN where the file has no value (no baseline).
    pub metrics: [f64; Metric::ALL.len()],
}

impl SweepRun {
    /// The value of a metric.
    pub fn get(&self, m: Metric) -> f64 {
        self.metrics[m.slot()]
    }
}

/// Mean, minimum and maximum of a metric over the runs of an axis point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    /// Mean (NaN when any run lacks the value).
    pub mean: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// The runs that share one combination of axis values (its seeds).
#[derive(Debug, Clone, PartialEq)]
pub struct AxisPoint {
    /// Index into each axis's values, in axis order.
    pub values: Vec<usize>,
    /// Indices of its runs in [`SweepResults::runs`], in run order.
    pub runs: Vec<usize>,
}

/// Everything a sweep's charts and report need.
#[derive(Debug, Clone)]
pub struct SweepResults {
    /// The sweep folder.
    pub dir: PathBuf,
    /// The sweep's name.
    pub name: String,
    /// Axes in file order.
    pub axes: Vec<SweepAxis>,
    /// Runs in run order.
    pub runs: Vec<SweepRun>,
    /// Currency of costs (from a run's summary; empty when unknown).
    pub currency: String,
    /// The sweep file as written (`sweep.toml`), when present.
    pub sweep_text: Option<String>,
    /// The base scenario as written (`scenario.toml`), when present.
    pub scenario_text: Option<String>,
}

impl SweepResults {
    /// Reads a sweep folder: `sweep.json` (name and axes), `results.csv`, the copies of the
    /// sweep file and base scenario, and the currency from the first run's `summary.json`.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| data_error(&manifest_path, None, format!("cannot read: {e}")))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            data_error(
                &manifest_path,
                Some(e.line() as u64),
                format!("not a sweep manifest: {e}"),
            )
        })?;
        let path = dir.join(RESULTS_FILE);
        if !path.exists() {
            return Err(data_error(
                &path,
                None,
                "missing: the sweep's runs are not collected yet; run `nightshift merge DIR` once every shard is done",
            ));
        }
        // Format version 1 named axis columns by their dotted keys and metrics otherwise.
        let present = header(&path)?;
        let has = |name: &str| present.iter().any(|h| h == name);
        let axis_cols: Vec<String> = manifest
            .axes
            .iter()
            .map(|key| {
                let column = axis_column(key);
                if has(&column) { column } else { key.clone() }
            })
            .collect();
        let mut text_cols: Vec<&str> = vec!["id", "seed"];
        text_cols.extend(axis_cols.iter().map(String::as_str));
        let texts = read_text_columns(&path, &text_cols)?;
        let metric_cols: Vec<&str> = Metric::ALL
            .iter()
            .map(|m| {
                if has(m.column()) || !has(m.legacy_column()) {
                    m.column()
                } else {
                    m.legacy_column()
                }
            })
            .collect();
        // Demand not served came later: an older results.csv reads it as unknown; so does a
        // sweep without failures read their columns.
        let later = [
            Metric::Unserved,
            Metric::BaselineUnserved,
            Metric::HostHoursAbove,
            Metric::RestartP99,
        ]
        .map(|m| metric_cols[m.slot()]);
        let numbers = read_columns_or_nan(&path, &metric_cols, &later)?;
        let currency = manifest
            .runs
            .first()
            .and_then(|id| read_summary(&dir.join(RUNS_DIR).join(id).join(SUMMARY_FILE)).ok())
            .map(|s| s.summary.energy.currency)
            .unwrap_or_default();
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        let mut results =
            SweepResults::from_columns(&manifest.sweep, &manifest.axes, &texts, &numbers, currency);
        results.dir = dir.to_path_buf();
        results.sweep_text = read(SWEEP_COPY_FILE);
        results.scenario_text = read(SCENARIO_COPY_FILE);
        if results.runs.is_empty() {
            return Err(data_error(&path, None, "no rows: the sweep has no run"));
        }
        Ok(results)
    }

    /// Builds the results from columns: `texts` holds id, seed, then one column per axis;
    /// `numbers` one column per [`Metric`] in [`Metric::ALL`] order.
    pub fn from_columns(
        name: &str,
        keys: &[String],
        texts: &[Vec<String>],
        numbers: &[Vec<f64>],
        currency: String,
    ) -> Self {
        let shorts = short_keys(keys);
        let mut axes: Vec<SweepAxis> = keys
            .iter()
            .zip(shorts)
            .map(|(key, short)| SweepAxis {
                key: key.clone(),
                short,
                values: Vec::new(),
                numbers: None,
            })
            .collect();
        let rows = texts.first().map_or(0, Vec::len);
        let mut runs = Vec::with_capacity(rows);
        for r in 0..rows {
            let values = axes
                .iter_mut()
                .enumerate()
                .map(|(a, axis)| {
                    let v = &texts[2 + a][r];
                    match axis.values.iter().position(|x| x == v) {
                        Some(i) => i,
                        None => {
                            axis.values.push(v.clone());
                            axis.values.len() - 1
                        }
                    }
                })
                .collect();
            let mut metrics = [f64::NAN; Metric::ALL.len()];
            for (slot, col) in metrics.iter_mut().zip(numbers) {
                *slot = col[r];
            }
            runs.push(SweepRun {
                id: texts[0][r].clone(),
                seed: texts[1][r].clone(),
                values,
                metrics,
            });
        }
        for axis in &mut axes {
            let parsed: Option<Vec<f64>> = axis
                .values
                .iter()
                .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect();
            axis.numbers = parsed;
        }
        SweepResults {
            dir: PathBuf::new(),
            name: name.to_string(),
            axes,
            runs,
            currency,
            sweep_text: None,
            scenario_text: None,
        }
    }

    /// Runs grouped by axis values, in order of first run.
    pub fn points(&self) -> Vec<AxisPoint> {
        let mut points: Vec<AxisPoint> = Vec::new();
        // The map only finds a point's position; the order is the Vec's.
        let mut at: HashMap<&[usize], usize> = HashMap::new();
        for (i, run) in self.runs.iter().enumerate() {
            match at.get(run.values.as_slice()) {
                Some(&p) => points[p].runs.push(i),
                None => {
                    at.insert(&run.values, points.len());
                    points.push(AxisPoint {
                        values: run.values.clone(),
                        runs: vec![i],
                    });
                }
            }
        }
        points
    }

    /// Mean, min and max of `m` over `runs`.
    pub fn stat(&self, runs: &[usize], m: Metric) -> Stat {
        let values: Vec<f64> = runs.iter().map(|&i| self.runs[i].get(m)).collect();
        let n = values.len().max(1) as f64;
        Stat {
            mean: values.iter().sum::<f64>() / n,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Whether every run has a baseline (the savings are known).
    pub fn has_baseline(&self) -> bool {
        self.runs
            .iter()
            .all(|r| r.get(Metric::BaselineItKwh).is_finite())
    }

    /// The always-on baseline's IT energy when every run shares it (one workload), else None.
    pub fn shared_baseline(&self) -> Option<f64> {
        self.shared(Metric::BaselineItKwh)
    }

    /// The value of metric `m` when every run has the same (a baseline's), else `None`.
    pub fn shared(&self, m: Metric) -> Option<f64> {
        let first = self.runs.first()?.get(m);
        (first.is_finite()
            && self
                .runs
                .iter()
                .all(|r| (r.get(m) - first).abs() <= 1e-9 * first.abs().max(1.0)))
        .then_some(first)
    }

    /// Largest number of runs in one axis point (the seeds per point).
    pub fn seeds_per_point(&self) -> usize {
        self.points()
            .iter()
            .map(|p| p.runs.len())
            .max()
            .unwrap_or(0)
    }

    /// `short=value` for the given axes of a point, joined by `, ` (empty for no axes).
    pub fn describe(&self, values: &[usize], axes: &[usize]) -> String {
        axes.iter()
            .map(|&a| {
                let axis = &self.axes[a];
                format!("{}={}", axis.short, axis.values[values[a]])
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Indices of the axes that take more than one value.
    pub fn varying(&self) -> Vec<usize> {
        (0..self.axes.len())
            .filter(|&a| self.axes[a].varies())
            .collect()
    }

    /// Which charts to draw: see [`plan`].
    pub fn plan(&self) -> SweepPlan {
        plan(&self.axes)
    }
}

/// Most lines (or marker series) in one chart before axes are pooled.
pub const MAX_LINES: usize = 8;

/// One chart of metrics against an axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisChartPlan {
    /// The axis on x.
    pub x: usize,
    /// Axes whose combination of values makes one line (empty: one line).
    pub series: Vec<usize>,
    /// Varying axes neither on x nor in the series: their values are pooled into each
    /// point's mean and whiskers, with the seeds.
    pub pooled: Vec<usize>,
}

/// The charts of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepPlan {
    /// Metrics against an axis, one chart each.
    pub by_axis: Vec<AxisChartPlan>,
    /// The axis whose values make the marker series of the energy-vs-SLAV chart.
    pub tradeoff_series: Option<usize>,
}

/// The chart rule. Only axes with two or more values count (a single value is a constant).
///
/// - Every numeric axis gets a chart with its values on x; when no axis is numeric, the
///   categorical axis with the most values does (first in file order on ties), markers
///   not joined by lines.
/// - The lines of such a chart are the combinations of the other axes' values when there
///   are at most [`MAX_LINES`]; otherwise one line per value of the other axis with the
///   fewest values (categorical first, then file order), the rest pooled; if even that
///   axis has more than [`MAX_LINES`] values, one line with everything pooled.
/// - The energy-vs-SLAV chart's marker series are the values of the categorical axis with
///   the fewest values among those with at most [`MAX_LINES`], else of the numeric axis
///   with the fewest (first in file order on ties); with neither, one series.
pub fn plan(axes: &[SweepAxis]) -> SweepPlan {
    let varying: Vec<usize> = (0..axes.len()).filter(|&a| axes[a].varies()).collect();
    let numeric: Vec<usize> = varying
        .iter()
        .copied()
        .filter(|&a| axes[a].is_numeric())
        .collect();
    let xs: Vec<usize> = if numeric.is_empty() {
        varying
            .iter()
            .copied()
            .rev()
            .max_by_key(|&a| axes[a].values.len())
            .into_iter()
            .collect()
    } else {
        numeric
    };
    // Fewest values first; categorical before numeric; file order.
    let fewest = |candidates: &[usize]| {
        candidates
            .iter()
            .copied()
            .min_by_key(|&a| (axes[a].values.len(), axes[a].is_numeric(), a))
    };
    let by_axis = xs
        .into_iter()
        .map(|x| {
            let others: Vec<usize> = varying.iter().copied().filter(|&a| a != x).collect();
            let lines = others
                .iter()
                .fold(1usize, |n, &a| n.saturating_mul(axes[a].values.len()));
            if lines <= MAX_LINES {
                return AxisChartPlan {
                    x,
                    series: others,
                    pooled: Vec::new(),
                };
            }
            let series: Vec<usize> = fewest(&others)
                .filter(|&s| axes[s].values.len() <= MAX_LINES)
                .into_iter()
                .collect();
            let pooled = others.into_iter().filter(|a| !series.contains(a)).collect();
            AxisChartPlan { x, series, pooled }
        })
        .collect();
    let small = |numeric: bool| -> Vec<usize> {
        varying
            .iter()
            .copied()
            .filter(|&a| axes[a].is_numeric() == numeric && axes[a].values.len() <= MAX_LINES)
            .collect()
    };
    let tradeoff_series = fewest(&small(false)).or_else(|| fewest(&small(true)));
    SweepPlan {
        by_axis,
        tradeoff_series,
    }
}

/// A sweep for tests: `policy.power.name` (always-on, spare-capacity) x
/// `policy.power.headroom` (0.1, 0.3) x seeds 1 and 2, always-on baseline 110 kWh for all.
/// IT energy per run 100, 100, 100, 100 | 80, 84 | 90, 92 (means 100, 100, 82, 91); SLAV 0
/// for always-on, 2e-6 and 1e-6 for spare-capacity at 0.1 and 0.3; migrations 0, 10, 6.
#[cfg(test)]
pub(crate) fn sample() -> SweepResults {
    let keys = vec![
        "policy.power.name".to_string(),
        "policy.power.headroom".to_string(),
    ];
    let ids: Vec<String> = (0..8).map(|i| format!("run{i}")).collect();
    let seeds: Vec<String> = (0..8).map(|i| (1 + i % 2).to_string()).collect();
    let names: Vec<String> = (0..8)
        .map(|i| if i < 4 { "always-on" } else { "spare-capacity" }.to_string())
        .collect();
    let heads: Vec<String> = (0..8)
        .map(|i| if i % 4 < 2 { "0.1" } else { "0.3" }.to_string())
        .collect();
    let it = [100.0, 100.0, 100.0, 100.0, 80.0, 84.0, 90.0, 92.0];
    let column = |f: &dyn Fn(usize) -> f64| (0..8).map(f).collect::<Vec<f64>>();
    let numbers: Vec<Vec<f64>> = Metric::ALL
        .iter()
        .map(|m| match m {
            Metric::ItKwh => column(&|i| it[i]),
            Metric::Cost => column(&|i| it[i] * 0.4),
            Metric::BaselineItKwh => column(&|_| 110.0),
            Metric::EnergySaving | Metric::CostSaving => column(&|i| 1.0 - it[i] / 110.0),
            Metric::Migrations => column(&|i| [0.0, 10.0, 6.0][(i / 4) * (1 + i % 4 / 2)]),
            Metric::Slav => column(&|i| [0.0, 2e-6, 1e-6][(i / 4) * (1 + i % 4 / 2)]),
            Metric::Conflicts => column(&|_| 0.0),
            Metric::MeanHostsOn => column(&|i| [10.0, 6.0, 8.0][(i / 4) * (1 + i % 4 / 2)]),
            Metric::Unserved => column(&|i| [0.0, 0.02, 0.01][(i / 4) * (1 + i % 4 / 2)]),
            Metric::BaselineUnserved => column(&|_| 0.0),
            Metric::HostHoursAbove => column(&|i| [0.0, 30.0, 12.0][(i / 4) * (1 + i % 4 / 2)]),
            // The sample has no host failures: its results.csv has no failure columns.
            Metric::RestartP99 => column(&|_| f64::NAN),
        })
        .collect();
    SweepResults::from_columns(
        "demo",
        &keys,
        &[ids, seeds, names, heads],
        &numbers,
        "EUR".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample's groups: 4 points; spare-capacity at 0.3 has energies 90 and 92, one
    /// shared baseline, 2 seeds per point.
    #[test]
    fn sample_groups_as_documented() {
        let r = sample();
        let points = r.points();
        assert_eq!(points.len(), 4);
        let s = r.stat(&points[3].runs, Metric::ItKwh);
        assert_eq!((s.mean, s.min, s.max), (91.0, 90.0, 92.0));
        assert_eq!(r.stat(&points[2].runs, Metric::Slav).mean, 2e-6);
        assert_eq!(r.stat(&points[1].runs, Metric::Migrations).mean, 0.0);
        assert_eq!(r.shared_baseline(), Some(110.0));
        assert!(r.has_baseline());
    }

    fn axis(key: &str, values: &[&str]) -> SweepAxis {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let numbers = values.iter().map(|v| v.parse::<f64>().ok()).collect();
        SweepAxis {
            key: key.into(),
            short: key.rsplit('.').next().unwrap().into(),
            values,
            numbers,
        }
    }

    /// A sweep of 2 policies x 2 headrooms x 2 seeds: seeds group into 4 points in run
    /// order, and each point's mean, min and max are those of its two seeds.
    #[test]
    fn runs_group_into_axis_points_with_seed_statistics() {
        let keys = vec!["power.name".to_string(), "power.headroom".to_string()];
        let ids: Vec<String> = (0..8).map(|i| format!("r{i}")).collect();
        let seeds: Vec<String> = (0..8).map(|i| (1 + i % 2).to_string()).collect();
        let names: Vec<String> = (0..8)
            .map(|i| if i < 4 { "always-on" } else { "spare" }.to_string())
            .collect();
        let heads: Vec<String> = (0..8)
            .map(|i| if i % 4 < 2 { "0.1" } else { "0.3" }.to_string())
            .collect();
        let energy = vec![10.0, 12.0, 10.0, 12.0, 8.0, 9.0, 8.5, 9.5];
        let mut numbers = vec![vec![f64::NAN; 8]; Metric::ALL.len()];
        numbers[Metric::ItKwh as usize] = energy;
        let r = SweepResults::from_columns(
            "s",
            &keys,
            &[ids, seeds, names, heads],
            &numbers,
            "EUR".into(),
        );
        assert_eq!(r.axes[0].values, ["always-on", "spare"]);
        assert!(!r.axes[0].is_numeric());
        assert_eq!(r.axes[1].numbers, Some(vec![0.1, 0.3]));
        let points = r.points();
        assert_eq!(points.len(), 4);
        assert_eq!(points[3].values, vec![1, 1]);
        assert_eq!(points[3].runs, vec![6, 7]);
        let s = r.stat(&points[2].runs, Metric::ItKwh);
        assert_eq!((s.mean, s.min, s.max), (8.5, 8.0, 9.0));
        assert_eq!(r.seeds_per_point(), 2);
        assert!(!r.has_baseline());
        assert_eq!(
            r.describe(&points[3].values, &[0, 1]),
            "name=spare, headroom=0.3"
        );
    }

    /// Two axes: the numeric one is on x with a line per policy; the policy makes the
    /// trade-off's series. A constant axis is ignored.
    #[test]
    fn numeric_axes_go_on_x_and_categorical_make_series() {
        let axes = [
            axis("power.name", &["always-on", "spare"]),
            axis("power.headroom", &["0.1", "0.2", "0.3"]),
            axis("simulation.duration", &["1d"]),
        ];
        let p = plan(&axes);
        assert_eq!(
            p.by_axis,
            vec![AxisChartPlan {
                x: 1,
                series: vec![0],
                pooled: vec![]
            }]
        );
        assert_eq!(p.tradeoff_series, Some(0));
    }

    /// Three axes with 3 x 4 = 12 combinations beside the numeric x (more than 8 lines):
    /// one line per value of the smallest other axis (the 3-valued one), the 4-valued axis
    /// pooled. The second numeric axis gets its own chart (3 x 3 = 9 > 8: lines per policy).
    #[test]
    fn too_many_combinations_pool_the_larger_axes() {
        let axes = [
            axis("power.name", &["a", "b", "c"]),
            axis("power.headroom", &["0.1", "0.2", "0.3"]),
            axis("consolidation.threshold", &["0.7", "0.8", "0.9", "1.0"]),
        ];
        let p = plan(&axes);
        assert_eq!(
            p.by_axis,
            vec![
                AxisChartPlan {
                    x: 1,
                    series: vec![0],
                    pooled: vec![2]
                },
                AxisChartPlan {
                    x: 2,
                    series: vec![0],
                    pooled: vec![1]
                },
            ]
        );
        // Both smallest axes have 3 values: the categorical one wins.
        assert_eq!(p.tradeoff_series, Some(0));
    }

    /// Only categorical axes: the one with the most values goes on x; the other makes the
    /// lines and the trade-off's series. No axis at all: no axis chart, one series.
    #[test]
    fn categorical_only_sweeps_put_the_largest_axis_on_x() {
        let axes = [
            axis("tariff", &["flat", "night"]),
            axis("policy", &["a", "b", "c"]),
        ];
        let p = plan(&axes);
        assert_eq!(
            p.by_axis,
            vec![AxisChartPlan {
                x: 1,
                series: vec![0],
                pooled: vec![]
            }]
        );
        assert_eq!(p.tradeoff_series, Some(0));
        assert_eq!(
            plan(&[]),
            SweepPlan {
                by_axis: vec![],
                tradeoff_series: None
            }
        );
    }

    /// An axis with more values than lines allowed is pooled entirely.
    #[test]
    fn an_axis_with_too_many_values_is_not_split_into_lines() {
        let many: Vec<String> = (0..10).map(|i| format!("s{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let axes = [axis("x", &["1", "2"]), axis("site", &many)];
        let p = plan(&axes);
        assert_eq!(
            p.by_axis,
            vec![AxisChartPlan {
                x: 0,
                series: vec![],
                pooled: vec![1]
            }]
        );
        assert_eq!(p.tradeoff_series, Some(0));
    }
}
