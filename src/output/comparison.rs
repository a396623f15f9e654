//! `comparison.csv`: one row per variant of `nightshift compare`, the headline numbers side by
//! side (read back by the comparison charts, by column name). A metric's column is its
//! `summary.json` key with `_` for `.` (`energy.it_kwh` -> `energy_it_kwh`), as in a sweep's
//! `results.csv`; the names of format version 1 still read (`alias`).

use super::SummaryFile;
use super::files::COMPARISON_FILE;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

/// One variant of a comparison: what ran and its headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// Variant name (a policy preset, `name:` of `--variant`, or the scenario name).
    pub variant: String,
    /// Scenario name.
    pub scenario: String,
    /// The `--set` overrides this variant applied on top of the scenario, `;`-separated.
    pub overrides: String,
    /// Seed.
    pub seed: u64,
    /// IT energy, kWh.
    #[serde(rename = "energy_it_kwh", alias = "it_kwh")]
    pub it_kwh: f64,
    /// Facility energy, kWh.
    #[serde(rename = "energy_facility_kwh", alias = "facility_kwh")]
    pub facility_kwh: f64,
    /// Facility energy cost.
    #[serde(rename = "energy_cost", alias = "cost")]
    pub cost: f64,
    /// Currency of costs.
    #[serde(rename = "energy_currency", alias = "currency")]
    pub currency: String,
    /// IT energy of the always-on baseline, kWh (empty when the baseline was skipped).
    pub baseline_it_kwh: Option<f64>,
    /// Cost of the always-on baseline.
    pub baseline_cost: Option<f64>,
    /// Share of the baseline's IT energy saved.
    #[serde(rename = "savings_energy_fraction", alias = "energy_saving")]
    pub energy_saving: Option<f64>,
    /// Share of the baseline's cost saved.
    #[serde(rename = "savings_cost_fraction", alias = "cost_saving")]
    pub cost_saving: Option<f64>,
    /// Migrations started.
    #[serde(rename = "migrations_count", alias = "migrations")]
    pub migrations: u64,
    /// Migrations aborted.
    #[serde(rename = "migrations_aborted", alias = "aborted")]
    pub aborted: u64,
    /// SLATAH.
    #[serde(rename = "sla_slatah", alias = "slatah")]
    pub slatah: f64,
    /// PDM.
    #[serde(rename = "sla_pdm", alias = "pdm")]
    pub pdm: f64,
    /// SLAV = SLATAH x PDM.
    #[serde(rename = "sla_slav", alias = "slav")]
    pub slav: f64,
    /// ESV = energy x SLAV.
    #[serde(rename = "sla_esv", alias = "esv")]
    pub esv: f64,
    /// Conflicts.
    #[serde(rename = "conflicts_total", alias = "conflicts")]
    pub conflicts: u64,
    /// Host boots.
    #[serde(rename = "hosts_boots", alias = "boots")]
    pub boots: u64,
    /// Host shutdowns.
    #[serde(rename = "hosts_shutdowns", alias = "shutdowns")]
    pub shutdowns: u64,
    /// Mean number of hosts on.
    #[serde(rename = "hosts_mean_on", alias = "mean_hosts_on")]
    pub mean_hosts_on: f64,
    /// The variant's run folder, relative to the comparison folder.
    pub run_dir: String,
    /// VMs that never ran (`vms.unplaced`).
    #[serde(default)]
    pub vms_unplaced: u64,
    /// Share of CPU demand not served (`vms.unserved_fraction`).
    #[serde(default)]
    #[serde(rename = "vms_unserved_fraction", alias = "unserved_fraction")]
    pub unserved_fraction: f64,
    /// Whether the saving compares like with like (`savings.comparable`; empty without a
    /// baseline).
    #[serde(default)]
    #[serde(rename = "savings_comparable", alias = "saving_comparable")]
    pub saving_comparable: Option<bool>,
    /// 99th percentile over VM-hours of the share of demand not served
    /// (`impact.unserved_p99_vm_hour`).
    #[serde(default)]
    #[serde(rename = "impact_unserved_p99_vm_hour", alias = "unserved_p99_vm_hour")]
    pub unserved_p99_vm_hour: f64,
    /// Host-hours on above `simulation.high_utilisation` (`impact.host_hours_above`).
    #[serde(default)]
    #[serde(rename = "impact_host_hours_above", alias = "host_hours_above")]
    pub host_hours_above: f64,
    /// The most one VM was paused by its migrations in total, s (`impact.stun_worst_vm_s`).
    #[serde(default)]
    #[serde(rename = "impact_stun_worst_vm_s", alias = "stun_worst_vm_s")]
    pub stun_worst_vm_s: f64,
    /// VMs migrated at least once in a day, mean over days (`impact.vms_disturbed_per_day`).
    #[serde(default)]
    #[serde(
        rename = "impact_vms_disturbed_per_day",
        alias = "vms_disturbed_per_day"
    )]
    pub vms_disturbed_per_day: f64,
    /// Share of CPU demand the always-on baseline did not serve (empty without a baseline).
    #[serde(default)]
    pub baseline_unserved_fraction: Option<f64>,
}

impl ComparisonRow {
    /// The row of a variant from its summary.
    pub fn new(variant: &str, overrides: &[String], run_dir: &str, s: &SummaryFile) -> Self {
        let r = &s.summary;
        ComparisonRow {
            variant: variant.to_string(),
            scenario: r.scenario.clone(),
            overrides: overrides.join(";"),
            seed: r.seed,
            it_kwh: r.energy.it_kwh,
            facility_kwh: r.energy.facility_kwh,
            cost: r.energy.cost,
            currency: r.energy.currency.clone(),
            baseline_it_kwh: s.baseline.as_ref().map(|b| b.it_kwh),
            baseline_cost: s.baseline.as_ref().map(|b| b.cost),
            energy_saving: s.savings.as_ref().map(|v| v.energy_fraction),
            cost_saving: s.savings.as_ref().map(|v| v.cost_fraction),
            migrations: r.migrations.count as u64,
            aborted: r.migrations.aborted as u64,
            slatah: r.sla.slatah,
            pdm: r.sla.pdm,
            slav: r.sla.slav,
            esv: r.sla.esv,
            conflicts: r.conflicts.total as u64,
            boots: r.hosts.boots,
            shutdowns: r.hosts.shutdowns,
            mean_hosts_on: r.hosts.mean_on,
            run_dir: run_dir.to_string(),
            vms_unplaced: r.vms.unplaced as u64,
            unserved_fraction: r.vms.unserved_fraction,
            saving_comparable: s.savings.as_ref().map(|v| v.comparable),
            unserved_p99_vm_hour: r.impact.unserved_p99_vm_hour,
            host_hours_above: r.impact.host_hours_above,
            stun_worst_vm_s: r.impact.stun_worst_vm_s,
            vms_disturbed_per_day: r.impact.vms_disturbed_per_day,
            baseline_unserved_fraction: s.baseline.as_ref().map(|b| b.unserved_fraction),
        }
    }
}

/// Writes `comparison.csv` in `dir`.
pub fn write_comparison(dir: &Path, rows: &[ComparisonRow]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(dir.join(COMPARISON_FILE))?));
    for row in rows {
        w.serialize(row).map_err(io::Error::other)?;
    }
    w.flush()
}

#[cfg(test)]
impl ComparisonRow {
    /// A row of scenario `scenario` for chart and report tests: `it_kwh` of a 1,000 kWh
    /// baseline (the saving follows), `migrations`, and a SLAV of `slav` with the demand not
    /// served following it (a SLAV of 1e-6 is 1 %); every other count 0.
    pub(crate) fn sample(
        scenario: &str,
        variant: &str,
        it_kwh: f64,
        migrations: u64,
        slav: f64,
    ) -> Self {
        ComparisonRow {
            variant: variant.into(),
            scenario: scenario.into(),
            overrides: String::new(),
            seed: 1,
            it_kwh,
            facility_kwh: it_kwh * 1.4,
            cost: it_kwh * 0.3,
            currency: "EUR".into(),
            baseline_it_kwh: Some(1000.0),
            baseline_cost: Some(300.0),
            energy_saving: Some(1.0 - it_kwh / 1000.0),
            cost_saving: Some(1.0 - it_kwh / 1000.0),
            migrations,
            aborted: 0,
            slatah: 0.0,
            pdm: 0.0,
            slav,
            esv: 0.0,
            conflicts: 0,
            boots: 0,
            shutdowns: 0,
            mean_hosts_on: 10.0,
            run_dir: format!("runs/{variant}"),
            vms_unplaced: 0,
            unserved_fraction: slav * 1e4,
            saving_comparable: Some(true),
            unserved_p99_vm_hour: 0.0,
            host_hours_above: 0.0,
            stun_worst_vm_s: 0.0,
            vms_disturbed_per_day: 0.0,
            baseline_unserved_fraction: Some(0.0),
        }
    }
}
