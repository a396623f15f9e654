//! `[migration]`: the live-migration model and its presets.

use crate::scenario::units::{Duration, Mbps};
use schemars::JsonSchema;
use serde::Deserialize;

/// `[migration]`: the live-migration model.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationSpec {
    /// `simple` (RAM / bandwidth) or `precopy` (iterative pre-copy with dirty pages).
    #[serde(default)]
    pub model: MigrationModelSpec,
    /// `cloudsim`: the reference's set-up (simple model, half the link, CPU overhead on the
    /// destination only). A preset changes defaults; fields set explicitly still win.
    #[serde(default)]
    pub preset: Option<MigrationPresetSpec>,
    /// Fraction of a host's link migrations may use (default 1, or 0.5 with the cloudsim preset).
    #[serde(default)]
    pub bandwidth_share: Option<f64>,
    /// Extra CPU on source and destination while copying, as a fraction of the VM's demand.
    #[serde(default = "default_overhead")]
    pub cpu_overhead: f64,
    /// Fraction of its demand a migrating VM loses (what PDM measures).
    #[serde(default = "default_overhead")]
    pub degradation: f64,
    /// Precopy: rate at which a running VM dirties memory (`"50 MB/s"`, bare numbers Mbit/s).
    #[serde(default = "default_dirty_rate")]
    pub dirty_rate: Mbps,
    /// Precopy: most pre-copy rounds, the first full copy included.
    #[serde(default = "default_max_rounds")]
    pub max_rounds: u32,
    /// Precopy: stop-and-copy once the remaining data takes at most this long to send.
    #[serde(default = "default_max_downtime")]
    pub max_downtime: Duration,
    /// Most migrations copying at once per host, in or out (0 = no limit); the rest queue.
    #[serde(default)]
    pub max_concurrent: u32,
    /// `[migration.energy]`: the energy a migration costs beyond its CPU overhead.
    #[serde(default)]
    pub energy: MigrationEnergySpec,
}

impl Default for MigrationSpec {
    fn default() -> Self {
        MigrationSpec {
            model: MigrationModelSpec::default(),
            preset: None,
            bandwidth_share: None,
            cpu_overhead: default_overhead(),
            degradation: default_overhead(),
            dirty_rate: default_dirty_rate(),
            max_rounds: default_max_rounds(),
            max_downtime: default_max_downtime(),
            max_concurrent: 0,
            energy: MigrationEnergySpec::default(),
        }
    }
}

/// `[migration.energy]`: energy per MB sent and per migration on the two hosts, and for the
/// network; unset fields take the defaults of docs/scenario.md (Liu et al. 2011's fit on Xen,
/// or 0 under the cloudsim profile or preset, which count the CPU overhead alone).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationEnergySpec {
    /// Joules per MB sent, source and destination together (default 0.5).
    #[serde(default)]
    pub joules_per_mb: Option<f64>,
    /// Joules per migration, source and destination together (default 20).
    #[serde(default)]
    pub joules_per_migration: Option<f64>,
    /// Fraction of both parts booked on the source, the rest on the destination (default 0.5).
    #[serde(default)]
    pub source_share: Option<f64>,
    /// Joules per GB sent drawn by the network between the hosts, booked on them by the same
    /// split (default 0: the model has no switches).
    #[serde(default)]
    pub network_joules_per_gb: Option<f64>,
}

impl MigrationEnergySpec {
    /// Whether any field is set.
    pub fn is_set(&self) -> bool {
        self.joules_per_mb.is_some()
            || self.joules_per_migration.is_some()
            || self.source_share.is_some()
            || self.network_joules_per_gb.is_some()
    }
}

/// `migration.model`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationModelSpec {
    /// Duration = RAM / bandwidth.
    #[default]
    Simple,
    /// Iterative pre-copy.
    Precopy,
}

/// `migration.preset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationPresetSpec {
    /// CloudSim 3.0.3's PlanetLab set-up.
    Cloudsim,
}

fn default_overhead() -> f64 {
    0.1
}
fn default_dirty_rate() -> Mbps {
    Mbps(400.0)
}
fn default_max_rounds() -> u32 {
    30
}
fn default_max_downtime() -> Duration {
    Duration(300)
}
