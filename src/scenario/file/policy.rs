//! `[policy]`: initial placement, consolidation, power management and conflict resolution.

use super::defaults::one_u32;
use super::dpm::DpmSpec;
use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[policy]`: the decisions a planner compares.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Initial placement of VMs: a placement policy name.
    #[serde(default = "default_initial_placement")]
    pub initial_placement: String,
    /// What placement counts as a VM's CPU need: `size` (its full vCPUs) or `demand` (its
    /// current load, as CloudSim does). Unset: size, except for the VMs present at time 0 of a
    /// run that consolidates, placed by demand so its first tick has nothing to re-pack.
    #[serde(default)]
    pub initial_fit: Option<FitBasisSpec>,
    /// Dynamic consolidation by live migration.
    #[serde(default)]
    pub consolidation: ConsolidationSpec,
    /// Power management of hosts.
    #[serde(default)]
    pub power: PowerPolicySpec,
    /// How conflicts with migrations in flight are resolved.
    #[serde(default)]
    pub conflicts: ConflictPolicySpec,
    /// Maintenance windows and migration budgets.
    #[serde(default)]
    pub calm: CalmSpec,
}

/// `[policy.conflicts]`: resolution of clashes with migrations in flight.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictPolicySpec {
    /// A new VM whose best host is the source or destination of a migration: `allow`
    /// (place it there), `deny` (place it elsewhere or queue it), `defer` (wait for the
    /// host's migrations to end).
    #[serde(default)]
    pub provisioning: ProvisioningSpec,
    /// A VM migrated again within this window of its last migration is logged as ping-pong.
    #[serde(default = "default_ping_pong_window")]
    pub ping_pong_window: Duration,
}

impl Default for ConflictPolicySpec {
    fn default() -> Self {
        ConflictPolicySpec {
            provisioning: ProvisioningSpec::default(),
            ping_pong_window: default_ping_pong_window(),
        }
    }
}

fn default_ping_pong_window() -> Duration {
    Duration::from_secs(3600)
}

/// `policy.conflicts.provisioning`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProvisioningSpec {
    /// Place the VM on the host anyway.
    #[default]
    Allow,
    /// Never place on a host with a migration in flight.
    Deny,
    /// Wait for the host's migrations to end.
    Defer,
}

impl Default for PolicySpec {
    fn default() -> Self {
        PolicySpec {
            initial_placement: default_initial_placement(),
            initial_fit: None,
            consolidation: ConsolidationSpec::default(),
            power: PowerPolicySpec::default(),
            conflicts: ConflictPolicySpec::default(),
            calm: CalmSpec::default(),
        }
    }
}

fn default_initial_placement() -> String {
    "first-fit-decreasing".into()
}

/// `policy.initial_fit`: what placement counts as a VM's CPU need (compiled into
/// [`crate::sim::setup::FitBasis`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FitBasisSpec {
    /// The VM's full size (vCPUs x MIPS).
    Size,
    /// The VM's demand at the time it is placed.
    Demand,
}

/// `[policy.consolidation]`: overload detection, VM selection, destination placement and
/// evacuation of under-loaded hosts, run every control interval.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsolidationSpec {
    /// Whether consolidation runs at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Overload detector name.
    #[serde(default = "default_overload")]
    pub overload: String,
    /// The detector's parameter (threshold or safety factor); each detector has a default.
    #[serde(default)]
    pub overload_param: Option<f64>,
    /// VM selection policy name.
    #[serde(default = "default_selection")]
    pub selection: String,
    /// Placement policy for migrating VMs.
    #[serde(default = "default_placement")]
    pub placement: String,
    /// Evacuate hosts whose utilisation is below this fraction (0 disables evacuation).
    #[serde(default = "default_underload")]
    pub underload_threshold: f64,
    /// Stop evacuating for the round after this many under-loaded hosts could not be
    /// emptied (0 = try every one).
    #[serde(default = "default_evacuation_failures")]
    pub evacuation_failures: u32,
    /// How far below the detector's ceiling (THR's threshold, else 100 %) a destination must
    /// stay after taking a VM: a margin against moving VMs onto hosts that the next load
    /// rise over-loads (0 = none, as in the reference).
    #[serde(default)]
    pub destination_headroom: f64,
    /// Which dimensions judge over-load and under-load: `cpu` (CPU utilisation only) or
    /// `all` (CPU, RAM and disk: over-loaded when any exceeds the ceiling, under-loaded when
    /// the fullest is below the threshold).
    #[serde(default)]
    pub dimensions: DimensionsSpec,
}

/// `policy.consolidation.dimensions`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DimensionsSpec {
    /// CPU utilisation alone, as Beloglazov & Buyya's loop.
    #[default]
    Cpu,
    /// Every dimension: CPU, RAM and disk reserved, each as a fraction of the host's.
    All,
}

impl Default for ConsolidationSpec {
    fn default() -> Self {
        ConsolidationSpec {
            enabled: true,
            overload: default_overload(),
            overload_param: None,
            selection: default_selection(),
            placement: default_placement(),
            underload_threshold: default_underload(),
            evacuation_failures: default_evacuation_failures(),
            destination_headroom: 0.0,
            dimensions: DimensionsSpec::default(),
        }
    }
}

fn default_evacuation_failures() -> u32 {
    16
}
fn yes() -> bool {
    true
}
pub(crate) fn default_overload() -> String {
    "thr".into()
}
fn default_selection() -> String {
    "mmt".into()
}
fn default_placement() -> String {
    "pabfd".into()
}
fn default_underload() -> f64 {
    0.5
}

/// `[policy.power]`: which hosts are powered, and when.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PowerPolicySpec {
    /// `always-on` or `spare-capacity`.
    #[serde(default = "default_power_policy")]
    pub name: String,
    /// Fraction of powered capacity (CPU and RAM) kept free for `spare-capacity`.
    #[serde(default = "default_headroom")]
    pub headroom: f64,
    /// Hosts that always stay on, whatever the load.
    #[serde(default = "one_u32")]
    pub min_hosts_on: u32,
    /// An empty host must stay empty this long before it is switched off.
    #[serde(default)]
    pub idle_grace: Duration,
    /// Where powered-down hosts go: `off`, or `sleep` (classes without `sleep_w` go off).
    #[serde(default)]
    pub park: ParkSpec,
    /// The settings of the `dpm` policy.
    #[serde(default)]
    pub dpm: DpmSpec,
    /// Boot ahead of demand: `none` (react to demand that has arrived) or `yesterday`.
    #[serde(default)]
    pub forecast: ForecastSpec,
}

/// `policy.power.forecast`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ForecastSpec {
    /// No forecast: hosts are powered up for demand that has arrived.
    #[default]
    None,
    /// The same time yesterday, scaled by today's last hour against yesterday's.
    Yesterday,
}

/// `policy.power.park`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ParkSpec {
    /// Switch hosts off.
    #[default]
    Off,
    /// Suspend hosts to RAM.
    Sleep,
}

impl Default for PowerPolicySpec {
    fn default() -> Self {
        PowerPolicySpec {
            name: default_power_policy(),
            headroom: default_headroom(),
            min_hosts_on: 1,
            idle_grace: Duration(0),
            park: ParkSpec::default(),
            dpm: DpmSpec::default(),
            forecast: ForecastSpec::default(),
        }
    }
}

fn default_power_policy() -> String {
    "spare-capacity".into()
}
fn default_headroom() -> f64 {
    0.2
}

/// `[policy.calm]`: when consolidation and power-down may run and how many migrations they
/// may plan (maintenance windows, budgets, per-VM cool-down, a benefit bar). Every field
/// unset keeps the loop as it was: always allowed, no limit.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalmSpec {
    /// Weekly windows (`"Mon-Fri 22:00-06:00"`) in which migrations for energy and
    /// power-down may run; unset = always.
    #[serde(default)]
    pub window: Option<Vec<String>>,
    /// Whether overload relief may migrate outside the windows (default: yes).
    #[serde(default)]
    pub relief_outside_window: Option<bool>,
    /// Most migrations planned in one control tick.
    #[serde(default)]
    pub max_per_tick: Option<u32>,
    /// Most migrations planned in any 60 minutes.
    #[serde(default)]
    pub max_per_hour: Option<u32>,
    /// A VM may not be moved again this long after its last move was planned.
    #[serde(default)]
    pub vm_cooldown: Option<Duration>,
    /// Most moves of one VM in a simulated day (00:00-24:00).
    #[serde(default)]
    pub vm_daily_cap: Option<u32>,
    /// `any` (every complete evacuation) or `host-off`: evacuate a host only if the power
    /// settings would then switch it off.
    #[serde(default)]
    pub benefit: Option<BenefitSpec>,
}

/// `policy.calm.benefit`: what a consolidation move must gain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BenefitSpec {
    /// Any evacuation that empties its host.
    Any,
    /// Only one whose emptied host the power settings would switch off.
    HostOff,
}
