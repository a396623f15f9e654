//! The `summary.json` document: the run's summary plus the always-on baseline and the savings.

use crate::sim::records::Summary;
use serde::Serialize;

/// The always-on baseline of the same workload (every host on, no consolidation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineSummary {
    /// IT energy, kWh.
    pub it_kwh: f64,
    /// Facility energy, kWh.
    pub facility_kwh: f64,
    /// Facility energy cost.
    pub cost: f64,
    /// SLATAH of the baseline (hosts at 100 % without consolidation).
    pub slatah: f64,
}

/// What the scenario saves against the baseline; positive = saves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Savings {
    /// IT energy saved, kWh.
    pub energy_kwh: f64,
    /// Saved share of the baseline's energy.
    pub energy_fraction: f64,
    /// Cost saved.
    pub cost: f64,
    /// Saved share of the baseline's cost.
    pub cost_fraction: f64,
}

impl Savings {
    /// Savings of `run` against `baseline`.
    pub fn between(run: &Summary, baseline: &BaselineSummary) -> Self {
        let frac = |saved: f64, base: f64| if base > 0.0 { saved / base } else { 0.0 };
        let energy = baseline.it_kwh - run.energy.it_kwh;
        let cost = baseline.cost - run.energy.cost;
        Savings {
            energy_kwh: energy,
            energy_fraction: frac(energy, baseline.it_kwh),
            cost,
            cost_fraction: frac(cost, baseline.cost),
        }
    }
}

/// Everything in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryFile {
    /// The run's own numbers (top-level keys).
    #[serde(flatten)]
    pub summary: Summary,
    /// The baseline, unless it was skipped.
    pub baseline: Option<BaselineSummary>,
    /// Savings against the baseline, unless it was skipped.
    pub savings: Option<Savings>,
}

impl SummaryFile {
    /// Combines a run's summary with its baseline's, if any.
    pub fn new(summary: Summary, baseline: Option<&Summary>) -> Self {
        let baseline = baseline.map(|b| BaselineSummary {
            it_kwh: b.energy.it_kwh,
            facility_kwh: b.energy.facility_kwh,
            cost: b.energy.cost,
            slatah: b.sla.slatah,
        });
        let savings = baseline.as_ref().map(|b| Savings::between(&summary, b));
        SummaryFile {
            summary,
            baseline,
            savings,
        }
    }
}
