//! `summary.json` → `report`: what the report states in words besides the headline numbers
//! (issue 23): the policies, the tariff, each host class with its energy in the run and in the
//! always-on baseline, and the warnings the run printed. Taken from the setup and the per-host
//! rows when the folder is written, so the report needs no scenario compiler.

use crate::model::power::PowerModel;
use crate::sim::records::HostRow;
use crate::sim::setup::{Profile, Setup};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The facts behind the report's assumptions, caveats and per-class table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReportFacts {
    /// `realistic` or `cloudsim`.
    pub profile: String,
    /// Initial placement policy.
    pub placement: String,
    /// Consolidation policies, `None` when the scenario does not consolidate.
    pub consolidation: Option<ConsolidationFacts>,
    /// Power policy.
    pub power: String,
    /// Price per kWh outside every time-of-use period.
    pub tariff_base: f64,
    /// Time-of-use periods.
    pub tariff_periods: Vec<TariffPeriodFacts>,
    /// Hosts by class, in scenario order.
    pub host_classes: Vec<HostClassFacts>,
    /// The warnings the run printed (trace readers, binding, fleet capacity), as printed.
    pub warnings: Vec<String>,
}

/// The consolidation policies by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConsolidationFacts {
    /// Overload detector.
    pub detector: String,
    /// VM selection.
    pub selection: String,
    /// Destination placement.
    pub placement: String,
}

/// A daily time-of-use period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TariffPeriodFacts {
    /// Start, hours after midnight.
    pub from_h: f64,
    /// End, hours after midnight.
    pub to_h: f64,
    /// Price per kWh.
    pub price: f64,
}

/// One host class: its hardware and what its hosts did in the run and the baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HostClassFacts {
    /// Class name.
    pub class: String,
    /// Hosts of the class.
    pub hosts: usize,
    /// Cores per host.
    pub cores: u32,
    /// CPU capacity per host, MIPS.
    pub mips: f64,
    /// RAM per host, GB.
    pub ram_gb: f64,
    /// Draw at 0 % CPU, W.
    pub idle_w: f64,
    /// Draw at 100 % CPU, W.
    pub max_w: f64,
    /// Host-hours on in the run.
    pub on_hours: f64,
    /// Mean CPU utilisation while on, weighted by time on.
    pub mean_utilisation: f64,
    /// IT energy of the class in the run, kWh.
    pub it_kwh: f64,
    /// Migrations the class's hosts received.
    pub migrations_in: u64,
    /// Host-hours on in the always-on baseline (`None` without a baseline).
    pub baseline_on_hours: Option<f64>,
    /// IT energy of the class in the baseline, kWh (`None` without a baseline).
    pub baseline_it_kwh: Option<f64>,
}

impl ReportFacts {
    /// The facts of `setup` run as `hosts` (its per-host rows), its baseline's rows when the
    /// baseline ran, and the run's `warnings`.
    pub fn new(
        setup: &Setup,
        hosts: &[HostRow],
        baseline: Option<&[HostRow]>,
        warnings: &[String],
    ) -> Self {
        let host_classes = setup
            .host_classes
            .iter()
            .map(|c| {
                let of_class = |rows: &[HostRow]| -> (f64, f64, f64, u64) {
                    rows.iter().filter(|r| r.class == c.name).fold(
                        (0.0, 0.0, 0.0, 0),
                        |(on, busy, kwh, moves), r| {
                            (
                                on + r.on_hours,
                                busy + r.on_hours * r.mean_utilisation,
                                kwh + r.it_kwh,
                                moves + u64::from(r.migrations_in),
                            )
                        },
                    )
                };
                let (on, busy, kwh, moves) = of_class(hosts);
                let base = baseline.map(of_class);
                let (idle_w, max_w) = match &c.power {
                    PowerModel::Linear { idle_w, max_w } => (*idle_w, *max_w),
                    other => (other.idle_w(), other.max_w()),
                };
                HostClassFacts {
                    class: c.name.clone(),
                    hosts: setup
                        .hosts
                        .iter()
                        .filter(|&&h| setup.host_classes[h].name == c.name)
                        .count(),
                    cores: c.cores,
                    mips: c.mips,
                    ram_gb: c.ram_mb / 1e3,
                    idle_w,
                    max_w,
                    on_hours: on,
                    mean_utilisation: if on > 0.0 { busy / on } else { 0.0 },
                    it_kwh: kwh,
                    migrations_in: moves,
                    baseline_on_hours: base.map(|b| b.0),
                    baseline_it_kwh: base.map(|b| b.2),
                }
            })
            .collect();
        ReportFacts {
            profile: match setup.profile {
                Profile::Realistic => "realistic",
                Profile::Cloudsim => "cloudsim",
            }
            .to_string(),
            placement: setup.initial_placement.clone(),
            consolidation: setup.consolidation.as_ref().map(|c| ConsolidationFacts {
                detector: c.overload.clone(),
                selection: c.selection.clone(),
                placement: c.placement.clone(),
            }),
            power: setup.power.name.clone(),
            tariff_base: setup.tariff.base,
            tariff_periods: setup
                .tariff
                .periods
                .iter()
                .map(|p| TariffPeriodFacts {
                    from_h: p.from as f64 / 3.6e6,
                    to_h: p.to as f64 / 3.6e6,
                    price: p.price,
                })
                .collect(),
            host_classes,
            warnings: warnings.to_vec(),
        }
    }
}
