//! The `summary.json` document: the run's summary plus the always-on baseline and the savings.
//! Written and read back as the same types, so a renamed field fails to compile instead of
//! reading as missing; fields added after the first version default when absent, so folders
//! written by older versions still load.

use super::report_facts::ReportFacts;
use crate::sim::records::Summary;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The always-on baseline of the same workload (every host on, no consolidation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineSummary {
    /// IT energy, kWh.
    pub it_kwh: f64,
    /// Facility energy, kWh.
    pub facility_kwh: f64,
    /// Facility energy cost.
    pub cost: f64,
    /// SLATAH of the baseline (hosts at 100 % without consolidation).
    pub slatah: f64,
    /// VMs the baseline never placed (see `vms.unplaced`).
    #[serde(default)]
    pub vms_unplaced: usize,
    /// CPU demand of the baseline's VMs, vCPU-hours (see `vms.demand_core_h`).
    #[serde(default)]
    pub demand_core_h: f64,
    /// The part of it the baseline did not serve, vCPU-hours.
    #[serde(default)]
    pub unserved_demand_core_h: f64,
    /// `unserved_demand_core_h / demand_core_h`.
    #[serde(default)]
    pub unserved_fraction: f64,
}

/// What the scenario saves against the baseline; positive = saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Savings {
    /// IT energy saved, kWh.
    pub energy_kwh: f64,
    /// Saved share of the baseline's energy.
    pub energy_fraction: f64,
    /// Cost saved.
    pub cost: f64,
    /// Saved share of the baseline's cost.
    pub cost_fraction: f64,
    /// Whether both runs served the same VMs and demand (within [`Savings::TOLERANCE`]), so
    /// that the saving compares like with like. Folders from before the check read as
    /// comparable, as they were presented.
    #[serde(default = "comparable_before_the_check")]
    pub comparable: bool,
    /// Why not, in words (empty when comparable).
    #[serde(default)]
    pub caveat: String,
}

impl Savings {
    /// Savings of `run` against `baseline`.
    pub fn between(run: &Summary, baseline: &BaselineSummary) -> Self {
        let frac = |saved: f64, base: f64| if base > 0.0 { saved / base } else { 0.0 };
        let energy = baseline.it_kwh - run.energy.it_kwh;
        let cost = baseline.cost - run.energy.cost;
        let caveat = Self::caveat(run, baseline);
        Savings {
            energy_kwh: energy,
            energy_fraction: frac(energy, baseline.it_kwh),
            cost,
            cost_fraction: frac(cost, baseline.cost),
            comparable: caveat.is_empty(),
            caveat,
        }
    }

    /// Largest difference in the share of demand served by the run and the baseline for which
    /// a saving still counts as like-for-like: one percentage point.
    pub const TOLERANCE: f64 = 0.01;

    /// What makes `run` and `baseline` serve different workloads, in words; empty if nothing.
    fn caveat(run: &Summary, baseline: &BaselineSummary) -> String {
        let v = &run.vms;
        let mut why = Vec::new();
        if v.unplaced != baseline.vms_unplaced {
            why.push(format!(
                "{} VMs never placed in this run, {} in the baseline",
                v.unplaced, baseline.vms_unplaced
            ));
        }
        let gap = v.unserved_fraction - baseline.unserved_fraction;
        if gap.abs() > Self::TOLERANCE {
            why.push(format!(
                "{:.1} % of CPU demand unserved in this run, {:.1} % in the baseline",
                v.unserved_fraction * 100.0,
                baseline.unserved_fraction * 100.0
            ));
        }
        if why.is_empty() {
            String::new()
        } else {
            format!(
                "not like-for-like: {}; the saving compares different workloads",
                why.join("; ")
            )
        }
    }
}

/// The `comparable` of savings written before it was recorded.
fn comparable_before_the_check() -> bool {
    true
}

/// Everything in `summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryFile {
    /// The run's own numbers (top-level keys).
    #[serde(flatten)]
    pub summary: Summary,
    /// The baseline, unless it was skipped.
    #[serde(default)]
    pub baseline: Option<BaselineSummary>,
    /// Savings against the baseline, unless it was skipped.
    #[serde(default)]
    pub savings: Option<Savings>,
    /// What the report states in words (policies, tariff, host classes, warnings); `None`
    /// in folders written before it (issue 23).
    #[serde(default)]
    pub report: Option<ReportFacts>,
    /// Which format and which nightshift wrote the folder, and with which overrides.
    #[serde(flatten)]
    pub format: FormatInfo,
}

/// The version of the output format this nightshift writes: 2 since the tidy outputs (typed
/// columns, split conflict hosts, long host utilisation, one metric naming rule); folders
/// without `format_version` are version 1. docs/outputs.md says what each version changed.
pub const FORMAT_VERSION: u32 = 2;

/// `summary.json`'s record of what wrote it: read by tools that must tell versions apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FormatInfo {
    /// The output format's version ([`FORMAT_VERSION`]); 1 when absent (older folders).
    #[serde(default = "format_version_before_the_key")]
    pub format_version: u32,
    /// The nightshift version that wrote the folder (empty in older folders).
    #[serde(default)]
    pub nightshift_version: String,
    /// The `--set` overrides applied to the scenario, in order (`--seed N` shows as
    /// `simulation.seed=N`).
    #[serde(default)]
    pub overrides: Vec<String>,
}

/// The `format_version` of folders written before it was recorded.
fn format_version_before_the_key() -> u32 {
    1
}

impl FormatInfo {
    /// This version's record, with the run's `overrides`.
    pub fn current(overrides: &[String]) -> Self {
        FormatInfo {
            format_version: FORMAT_VERSION,
            nightshift_version: env!("CARGO_PKG_VERSION").to_string(),
            overrides: overrides.to_vec(),
        }
    }
}

impl SummaryFile {
    /// Combines a run's summary with its baseline's, if any, under this version's
    /// [`FormatInfo`] (no overrides: see [`SummaryFile::with_overrides`]).
    pub fn new(summary: Summary, baseline: Option<&Summary>) -> Self {
        let baseline = baseline.map(|b| BaselineSummary {
            it_kwh: b.energy.it_kwh,
            facility_kwh: b.energy.facility_kwh,
            cost: b.energy.cost,
            slatah: b.sla.slatah,
            vms_unplaced: b.vms.unplaced,
            demand_core_h: b.vms.demand_core_h,
            unserved_demand_core_h: b.vms.unserved_demand_core_h,
            unserved_fraction: b.vms.unserved_fraction,
        });
        let savings = baseline.as_ref().map(|b| Savings::between(&summary, b));
        SummaryFile {
            summary,
            baseline,
            savings,
            report: None,
            format: FormatInfo::current(&[]),
        }
    }

    /// The same, recording the `--set` overrides the run applied.
    pub fn with_overrides(mut self, overrides: &[String]) -> Self {
        self.format.overrides = overrides.to_vec();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is written reads back as the same value, with and without a baseline: the write
    /// and read sides are one type.
    #[test]
    fn summary_json_reads_back_as_written() {
        let mut run = Summary {
            scenario: "s".into(),
            ..Summary::default()
        };
        run.energy.it_kwh = 12.5;
        run.energy.cost = 3.0;
        run.vms.count = 4;
        let mut base = run.clone();
        base.energy.it_kwh = 20.0;
        for file in [
            SummaryFile::new(run.clone(), None),
            SummaryFile::new(run, Some(&base)),
        ] {
            let text = serde_json::to_string_pretty(&file).unwrap();
            let back: SummaryFile = serde_json::from_str(&text).unwrap();
            assert_eq!(back, file);
        }
    }
}
