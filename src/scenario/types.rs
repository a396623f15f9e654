//! The scenario file format, version 1: what a planner writes. Every field and its default is
//! documented in `docs/scenario.md`; serde rejects unknown fields so a typo never goes unnoticed.

use super::units::{Duration, Mbps, Megabytes, TimeOfDay};
use super::workload::{Requests, Service, Team, TraceDef, TypeRule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; only `1` exists.
    pub version: u32,
    /// Name, seed, duration and control interval.
    pub simulation: Simulation,
    /// Host classes: the hypervisor fleet.
    pub hosts: Vec<HostClass>,
    /// VM shapes, referred to by name from `vms`.
    pub vm_types: Vec<VmType>,
    /// VM groups: the initial population (and later arrivals), each with a load curve or a
    /// trace.
    #[serde(default)]
    pub vms: Vec<VmGroup>,
    /// Named load curves, referred to by `vms[].load`.
    #[serde(default)]
    pub loads: BTreeMap<String, LoadCurve>,
    /// Placement, consolidation and power-management policies.
    #[serde(default)]
    pub policy: Policy,
    /// Live-migration model.
    #[serde(default)]
    pub migration: Migration,
    /// Electricity price and facility overhead.
    #[serde(default)]
    pub electricity: Electricity,
    /// Recorded utilisation traces, referred to by `vms[].trace`.
    #[serde(default)]
    pub traces: BTreeMap<String, TraceDef>,
    /// How VM requests wait, and the day/night boundaries of their arrival rates.
    #[serde(default)]
    pub requests: Requests,
    /// Teams submitting batches of VMs during the run.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// Replicated services scaled by a schedule or an autoscaler.
    #[serde(default)]
    pub services: Vec<Service>,
}

/// `[simulation]`: what to run and for how long.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Name of the scenario; the default output folder is `output/<name>/`.
    pub name: String,
    /// Seed of every random stream (noise, random selection, arrivals).
    #[serde(default)]
    pub seed: u64,
    /// Simulated span; time 0 is Monday 00:00.
    #[serde(default = "default_duration")]
    pub duration: Duration,
    /// Period of the control loop (consolidation and power decisions) and of timeseries rows.
    #[serde(default = "default_interval")]
    pub control_interval: Duration,
    /// Period at which load curves are re-sampled; defaults to the control interval.
    #[serde(default)]
    pub load_step: Option<Duration>,
    /// Accounting profile: `realistic` (nightshift's own model) or `cloudsim` (CloudSim
    /// 3.0.3's modelling choices, to reproduce its consolidation study; see
    /// docs/validation.md).
    #[serde(default)]
    pub profile: ProfileSpec,
    /// How host ids are given out: `by-class` (the first class's hosts first) or
    /// `interleaved` (round robin over the classes, as CloudSim's set-up alternates its two
    /// host types).
    #[serde(default)]
    pub host_order: HostOrderSpec,
    /// The hours the charts shade and label as night (they may wrap midnight).
    #[serde(default)]
    pub night: NightSpec,
    /// Time at the start left out of every metric, row and chart (and of the baseline's),
    /// while the fleet settles from its initial placement; none by default.
    #[serde(default)]
    pub warmup: Option<Duration>,
}

/// `simulation.night`: the daily hours the charts shade as night; either end may be left
/// at its default.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NightSpec {
    /// Start of the night.
    #[serde(default = "default_night_from")]
    pub from: TimeOfDay,
    /// End of the night (before `from`: the night wraps midnight).
    #[serde(default = "default_night_to")]
    pub to: TimeOfDay,
}

fn default_night_from() -> TimeOfDay {
    TimeOfDay(22.0)
}

fn default_night_to() -> TimeOfDay {
    TimeOfDay(6.0)
}

impl Default for NightSpec {
    fn default() -> Self {
        NightSpec {
            from: default_night_from(),
            to: default_night_to(),
        }
    }
}

/// `simulation.profile`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileSpec {
    /// nightshift's model: boot and shutdown delays and energy, exact integration.
    #[default]
    Realistic,
    /// CloudSim 3.0.3's accounting and consolidation loop.
    Cloudsim,
}

/// `simulation.host_order`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostOrderSpec {
    /// Class by class, in the order of `[[hosts]]`.
    #[default]
    ByClass,
    /// One host of each class in turn while counts last.
    Interleaved,
}

fn default_duration() -> Duration {
    Duration::from_secs(86_400)
}
fn default_interval() -> Duration {
    Duration::from_secs(300)
}

/// `[[hosts]]`: a class of identical hypervisors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostClass {
    /// Class name, shown in hosts.csv.
    pub class: String,
    /// Number of hosts of this class.
    pub count: u32,
    /// Physical cores.
    pub cores: u32,
    /// Capacity of one core in MIPS (any consistent CPU unit; VMs use the same).
    #[serde(default = "default_mips")]
    pub core_mips: f64,
    /// Memory.
    pub ram: Megabytes,
    /// Local disk.
    #[serde(default)]
    pub disk: Option<Megabytes>,
    /// Network link used by live migration.
    #[serde(default = "default_network")]
    pub network: Mbps,
    /// Power draw as a function of CPU utilisation while on.
    pub power: PowerModelSpec,
    /// Power states: off draw, boot and shutdown durations and draws.
    #[serde(default)]
    pub states: PowerStates,
}

fn default_mips() -> f64 {
    1000.0
}
fn default_network() -> Mbps {
    Mbps(10_000.0)
}

/// `power`: the power model of a host class.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PowerModelSpec {
    /// Linear between idle (0 % CPU) and max (100 % CPU) watts.
    Linear {
        /// Watts at 0 % CPU while on.
        idle_w: f64,
        /// Watts at 100 % CPU.
        max_w: f64,
    },
    /// A SPECpower_ssj2008 table: watts at 0, 10, ..., 100 % CPU, linear in between.
    Specpower {
        /// Eleven watt values.
        watts: Vec<f64>,
    },
}

/// `states`: power states of a host class other than On.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerStates {
    /// Draw while switched off (BMC, PSU standby), watts.
    #[serde(default = "default_off_w")]
    pub off_w: f64,
    /// Time from power-on to accepting VMs.
    #[serde(default = "default_boot_time")]
    pub boot_time: Duration,
    /// Draw while booting, watts.
    #[serde(default)]
    pub boot_w: Option<f64>,
    /// Time from shutdown decision to off.
    #[serde(default = "default_shutdown_time")]
    pub shutdown_time: Duration,
    /// Draw while shutting down, watts.
    #[serde(default)]
    pub shutdown_w: Option<f64>,
    /// Draw while asleep (suspended to RAM), watts; setting it gives the class a sleep state.
    #[serde(default)]
    pub sleep_w: Option<f64>,
    /// Time from the sleep decision to asleep (draws `shutdown_w`).
    #[serde(default = "default_suspend_time")]
    pub suspend_time: Duration,
    /// Time from the wake decision to accepting VMs (draws `boot_w`).
    #[serde(default = "default_wake_time")]
    pub wake_time: Duration,
}

impl Default for PowerStates {
    fn default() -> Self {
        PowerStates {
            off_w: default_off_w(),
            boot_time: default_boot_time(),
            boot_w: None,
            shutdown_time: default_shutdown_time(),
            shutdown_w: None,
            sleep_w: None,
            suspend_time: default_suspend_time(),
            wake_time: default_wake_time(),
        }
    }
}

fn default_off_w() -> f64 {
    5.0
}
fn default_boot_time() -> Duration {
    Duration::from_secs(180)
}
fn default_shutdown_time() -> Duration {
    Duration::from_secs(30)
}
fn default_suspend_time() -> Duration {
    Duration::from_secs(10)
}
fn default_wake_time() -> Duration {
    Duration::from_secs(20)
}

/// `[[vm_types]]`: a VM shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmType {
    /// Name referred to by `vms[].type`.
    pub name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Capacity of one vCPU in MIPS at 100 % demand.
    #[serde(default = "default_mips")]
    pub vcpu_mips: f64,
    /// Memory; also the data a simple live migration copies.
    pub ram: Megabytes,
    /// Disk reserved on the host.
    #[serde(default)]
    pub disk: Option<Megabytes>,
}

/// `[[vms]]`: a group of VMs sharing a load curve, or replaying a trace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmGroup {
    /// Name of the group, shown in outputs; defaults to `<type>-<index>`.
    #[serde(default)]
    pub name: Option<String>,
    /// A `vm_types` name (for a trace group: every VM gets it).
    #[serde(rename = "type", default)]
    pub vm_type: Option<String>,
    /// Number of VMs (for a trace group: the first `count` trace VMs; default all).
    #[serde(default)]
    pub count: Option<u32>,
    /// A `loads` name giving CPU demand over time (fraction of the VM's size).
    #[serde(default)]
    pub load: Option<String>,
    /// A `traces` name, instead of `load`: one VM per trace VM, replaying its samples.
    #[serde(default)]
    pub trace: Option<String>,
    /// Trace groups: VM types the trace's VMs are spread over by `type_rule`.
    #[serde(default)]
    pub types: Vec<String>,
    /// How `types` are spread: `blocks` (default; CloudSim's rule) or `cycle`.
    #[serde(default)]
    pub type_rule: TypeRule,
    /// Trace groups: a per-VM trace attribute (`cores`, `memory_gb`, `category`) choosing
    /// each VM's type through `type_map`.
    #[serde(default)]
    pub type_by: Option<String>,
    /// Attribute value -> VM type for `type_by`; the key `"*"` matches any other value.
    #[serde(default)]
    pub type_map: BTreeMap<String, String>,
    /// When the group's VMs arrive; 0 = present at start.
    #[serde(default)]
    pub start: Option<Duration>,
    /// How long each VM runs once started: a duration, or a distribution drawn per VM;
    /// absent = until the end.
    #[serde(default)]
    pub lifetime: Option<LifetimeSpec>,
}

/// `vms[].lifetime`: a fixed duration (`"2h"`, seconds) or a table naming a distribution.
#[derive(Debug, Clone)]
pub enum LifetimeSpec {
    /// Every VM runs this long.
    Fixed(Duration),
    /// Each VM draws its own lifetime.
    Drawn(LifetimeDistribution),
}

impl<'de> Deserialize<'de> for LifetimeSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        if value.is_table() {
            LifetimeDistribution::deserialize(value)
                .map(LifetimeSpec::Drawn)
                .map_err(|e| D::Error::custom(e.message()))
        } else {
            Duration::deserialize(value)
                .map(LifetimeSpec::Fixed)
                .map_err(|e| {
                    D::Error::custom(format!(
                        "{}; or a table like {{ distribution = \"exponential\", mean = \"2h\" }}",
                        e.message()
                    ))
                })
        }
    }
}

/// A lifetime distribution, `{ distribution = "...", ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LifetimeDistribution {
    /// Exponential with this mean.
    Exponential {
        /// Mean lifetime.
        mean: Duration,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// Shortest lifetime.
        min: Duration,
        /// Longest lifetime.
        max: Duration,
    },
    /// Log-normal with this median and shape.
    Lognormal {
        /// Median lifetime.
        median: Duration,
        /// Standard deviation of the logarithm (0.5 = moderate spread, 1.5 = heavy tail).
        sigma: f64,
    },
}

/// `[loads.<name>]`: CPU demand over time, as a fraction (0..1) of a VM's size.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "shape", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LoadCurve {
    /// Constant demand.
    Constant {
        /// Fraction of the VM's CPU.
        level: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<Noise>,
    },
    /// A daily sinusoid between `trough` and `peak`, peaking at `peak_hour`.
    Sinusoid {
        /// Lowest demand, reached 12 h from the peak.
        trough: f64,
        /// Highest demand.
        peak: f64,
        /// Time of day of the peak.
        #[serde(default = "default_peak_hour")]
        peak_hour: TimeOfDay,
        /// Multiplier applied on Saturdays and Sundays.
        #[serde(default = "one")]
        weekend_factor: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<Noise>,
    },
    /// 24 hourly levels (hour 0 = 00:00-01:00), linearly interpolated between hour centres.
    Hourly {
        /// Twenty-four fractions.
        levels: Vec<f64>,
        /// Multiplier applied on Saturdays and Sundays.
        #[serde(default = "one")]
        weekend_factor: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<Noise>,
    },
}

fn default_peak_hour() -> TimeOfDay {
    TimeOfDay(14.0)
}
fn one() -> f64 {
    1.0
}

/// Random noise on a load curve, drawn per VM and load step, then clamped to 0..1.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Noise {
    /// Additive normal noise with mean 0.
    Normal {
        /// Standard deviation, as a fraction of the VM's size.
        sd: f64,
    },
    /// Additive uniform noise in `[-half_width, +half_width]`.
    Uniform {
        /// Half the width of the interval.
        half_width: f64,
    },
}

/// `[policy]`: the decisions a planner compares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Initial placement of VMs: a placement policy name.
    #[serde(default = "default_initial_placement")]
    pub initial_placement: String,
    /// What placement counts as a VM's CPU need: `size` (its full vCPUs) or `demand` (its
    /// current load, as CloudSim does). Unset: size, except for the VMs present at time 0 of a
    /// run that consolidates, placed by demand so its first tick has nothing to re-pack.
    #[serde(default)]
    pub initial_fit: Option<FitBasis>,
    /// Dynamic consolidation by live migration.
    #[serde(default)]
    pub consolidation: Consolidation,
    /// Power management of hosts.
    #[serde(default)]
    pub power: PowerPolicySpec,
    /// How conflicts with migrations in flight are resolved.
    #[serde(default)]
    pub conflicts: ConflictPolicySpec,
}

/// `[policy.conflicts]`: resolution of clashes with migrations in flight.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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

impl Default for Policy {
    fn default() -> Self {
        Policy {
            initial_placement: default_initial_placement(),
            initial_fit: None,
            consolidation: Consolidation::default(),
            power: PowerPolicySpec::default(),
            conflicts: ConflictPolicySpec::default(),
        }
    }
}

fn default_initial_placement() -> String {
    "first-fit-decreasing".into()
}

/// How initial placement measures a VM's CPU need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FitBasis {
    /// The VM's full size (vCPUs x MIPS).
    #[default]
    Size,
    /// The VM's demand at the time it is placed.
    Demand,
}

/// `[policy.consolidation]`: overload detection, VM selection, destination placement and
/// evacuation of under-loaded hosts, run every control interval.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consolidation {
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
}

impl Default for Consolidation {
    fn default() -> Self {
        Consolidation {
            enabled: true,
            overload: default_overload(),
            overload_param: None,
            selection: default_selection(),
            placement: default_placement(),
            underload_threshold: default_underload(),
            evacuation_failures: default_evacuation_failures(),
            destination_headroom: 0.0,
        }
    }
}

fn default_evacuation_failures() -> u32 {
    16
}
fn yes() -> bool {
    true
}
fn default_overload() -> String {
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
#[derive(Debug, Clone, Deserialize)]
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
}

/// `policy.power.park`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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
        }
    }
}

fn default_power_policy() -> String {
    "spare-capacity".into()
}
fn default_headroom() -> f64 {
    0.2
}
fn one_u32() -> u32 {
    1
}

/// `[migration]`: the live-migration model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// `simple` (RAM / bandwidth) or `precopy` (iterative pre-copy with dirty pages).
    #[serde(default)]
    pub model: MigrationModelSpec,
    /// `cloudsim`: the reference's set-up (simple model, half the link, CPU overhead on the
    /// destination only). A preset changes defaults; fields set explicitly still win.
    #[serde(default)]
    pub preset: Option<MigrationPreset>,
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
}

impl Default for Migration {
    fn default() -> Self {
        Migration {
            model: MigrationModelSpec::default(),
            preset: None,
            bandwidth_share: None,
            cpu_overhead: default_overhead(),
            degradation: default_overhead(),
            dirty_rate: default_dirty_rate(),
            max_rounds: default_max_rounds(),
            max_downtime: default_max_downtime(),
            max_concurrent: 0,
        }
    }
}

/// `migration.model`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationModelSpec {
    /// Duration = RAM / bandwidth.
    #[default]
    Simple,
    /// Iterative pre-copy.
    Precopy,
}

/// `migration.preset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationPreset {
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

/// `[electricity]`: how energy becomes money.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Electricity {
    /// Price per kWh outside any tariff period.
    #[serde(default = "default_price")]
    pub price_per_kwh: f64,
    /// Currency label for outputs.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Power usage effectiveness: facility energy = IT energy x PUE.
    #[serde(default = "default_pue")]
    pub pue: f64,
    /// Time-of-use periods that override the base price.
    #[serde(default)]
    pub tariff: Vec<TariffPeriod>,
}

impl Default for Electricity {
    fn default() -> Self {
        Electricity {
            price_per_kwh: default_price(),
            currency: default_currency(),
            pue: default_pue(),
            tariff: Vec::new(),
        }
    }
}

fn default_price() -> f64 {
    0.15
}
fn default_currency() -> String {
    "EUR".into()
}
fn default_pue() -> f64 {
    1.5
}

/// `[[electricity.tariff]]`: a daily time-of-use period; it may wrap midnight.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffPeriod {
    /// Start, time of day.
    pub from: TimeOfDay,
    /// End, time of day (exclusive).
    pub to: TimeOfDay,
    /// Price per kWh during the period.
    pub price_per_kwh: f64,
}
