//! The validated input of one simulation run, in the simulator's units.

use crate::model::host::HostClass;
use crate::model::lifetime::Lifetime;
use crate::model::load::LoadCurve;
use crate::model::tariff::Tariff;
use crate::model::vm::VmType;
use crate::policy::window::Windows;
use crate::time::SimTime;
use crate::workload::replay::{TraceGroup, TraceSetup};
use crate::workload::requests::RequestSetup;
use crate::workload::scaling::ServiceSetup;

/// What placement counts as a VM's CPU need. The scenario's `policy.initial_fit` chooses it
/// for the placement of new VMs; consolidation always counts demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitBasis {
    /// The VM's full size (vCPUs x MIPS).
    Size,
    /// The VM's demand at the time it is placed.
    Demand,
}

/// Where a group's CPU demand comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupDemand {
    /// A load curve: index into [`Setup::loads`].
    Curve(usize),
    /// A trace replay, one VM per trace VM.
    Trace(TraceGroup),
}

/// A group of VMs that follow one load curve (and arrive together), or replay one trace.
#[derive(Debug, Clone, PartialEq)]
pub struct VmGroup {
    /// Group name.
    pub name: String,
    /// Index into [`Setup::vm_types`]; a trace group's VMs carry their own types.
    pub vm_type: usize,
    /// Number of VMs (for a trace group, known once its trace is bound).
    pub count: u32,
    /// The demand of its VMs.
    pub demand: GroupDemand,
    /// Arrival time.
    pub start: SimTime,
    /// Run time once started (drawn per VM from the lifetimes stream); `None` = until the end.
    pub lifetime: Option<Lifetime>,
    /// Memory demand over time: a load curve (index into [`Setup::loads`]) giving it as a
    /// fraction of the VM type's RAM; `None` = the whole reservation.
    pub ram_load: Option<usize>,
    /// The group's hard placement rules; `None` = placed anywhere it fits.
    pub rule: Option<PlacementRule>,
}

/// A `[[vms]]` group's hard ("must") placement rules, held wherever a destination host is
/// chosen: initial placement, consolidation, evacuation and failure restarts.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementRule {
    /// No two VMs of the group on one host, counting VMs arriving by migration.
    pub anti_affinity: bool,
    /// Every running VM of the group on one host ("keep together"), counting VMs arriving by
    /// migration at their destination; never with `anti_affinity`.
    pub affinity: bool,
    /// Per host class (index into [`Setup::host_classes`]): may the group's VMs run there;
    /// `None` = every class.
    pub classes: Option<Vec<bool>>,
}

/// Consolidation settings: policy names and parameters, built into policies at run start.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsolidationSetup {
    /// Overload detector name.
    pub overload: String,
    /// Its parameter, if set.
    pub overload_param: Option<f64>,
    /// VM selection name.
    pub selection: String,
    /// Destination placement name.
    pub placement: String,
    /// Hosts below this utilisation are evacuated (0 = never).
    pub underload_threshold: f64,
    /// Failed evacuations after which a round stops trying (0 = no limit).
    pub evacuation_failures: u32,
    /// Utilisation a destination keeps free below the detector's ceiling, fraction.
    pub destination_headroom: f64,
    /// Whether over-load and under-load are judged on RAM and disk too, not CPU alone
    /// (`policy.consolidation.dimensions = "all"`).
    pub all_dimensions: bool,
}

/// Power-management settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerSetup {
    /// Power policy name.
    pub name: String,
    /// Headroom parameter.
    pub headroom: f64,
    /// Hosts always kept on.
    pub min_hosts_on: usize,
    /// Time an empty host waits before it may be switched off.
    pub idle_grace: SimTime,
    /// Where powered-down hosts go: off, or asleep when their class can sleep.
    pub park: Park,
    /// The `dpm` policy's target, tolerance, history windows and HA reserve.
    pub dpm: crate::policy::dpm::DpmConfig,
    /// Whether hosts are powered up ahead of the demand a forecast expects.
    pub forecast: crate::policy::forecast::Forecast,
}

/// The state a power-managed host is parked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Park {
    /// Switched off (long boot).
    Off,
    /// Suspended to RAM (short wake) if the class has a sleep state, else switched off.
    Sleep,
}

/// How a live migration copies a VM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MigrationModel {
    /// One copy of the VM's RAM at a fixed rate: `share x` the slower of the two links
    /// (CloudSim's model with a share of 0.5). Concurrent migrations do not slow each other.
    Simple,
    /// Iterative pre-copy: copy the RAM, then the pages dirtied meanwhile, round after round,
    /// then pause the VM for a final stop-and-copy. Each host link is shared equally among the
    /// migrations using it.
    Precopy(Precopy),
}

/// Parameters of the pre-copy model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precopy {
    /// Rate at which a running VM dirties memory, MB/s.
    pub dirty_mb_s: f64,
    /// Most pre-copy rounds (the first full copy included) before stop-and-copy is forced.
    pub max_rounds: u32,
    /// Stop-and-copy starts once the data left would take at most this long, ms.
    pub max_downtime: SimTime,
}

/// Live-migration settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationSetup {
    /// How the copy proceeds.
    pub model: MigrationModel,
    /// Fraction of a host's link that migrations may use.
    pub bandwidth_share: f64,
    /// Extra CPU on the source while copying, fraction of the VM's demand.
    pub overhead_source: f64,
    /// Extra CPU on the destination while copying, fraction of the VM's demand.
    pub overhead_destination: f64,
    /// Fraction of demand the migrating VM loses while pre-copying (all of it while paused).
    pub degradation: f64,
    /// Most migrations copying at once per host (in or out); 0 = no limit. The rest queue.
    pub max_concurrent: usize,
    /// Energy per MB sent and per migration on each host, beyond the CPU overhead.
    pub energy: crate::model::migration::MigrationEnergy,
}

/// What happens when a new VM's best host is the source or destination of a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioning {
    /// Place it there anyway.
    Allow,
    /// Place it on the best host without a migration in flight, or queue it.
    Deny,
    /// Wait until that host's migrations end, then place it again.
    Defer,
}

/// How conflicts are resolved and when they are flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSetup {
    /// Provisioning onto a host with a migration in flight.
    pub provisioning: Provisioning,
    /// A VM migrated again less than this long after its last migration ended is a
    /// ping-pong (0 = never flagged).
    pub ping_pong_window: SimTime,
}

/// Maintenance windows and migration budgets (`[policy.calm]`): when the consolidation round
/// may move VMs for energy and hosts may be powered down, and how many moves it may plan.
/// The default limits nothing (the loop as it runs without them).
#[derive(Debug, Clone, PartialEq)]
pub struct CalmSetup {
    /// Weekly windows for energy moves and power-down; `None` = always allowed.
    pub window: Option<Windows>,
    /// Whether overload relief may migrate outside the windows.
    pub relief_outside_window: bool,
    /// Most migrations planned per control tick.
    pub max_per_tick: Option<u32>,
    /// Most migrations planned in any 60 minutes.
    pub max_per_hour: Option<u32>,
    /// A VM may not move again this long after its last move was planned, ms (0 = no wait).
    pub vm_cooldown: SimTime,
    /// Most moves of one VM per simulated day.
    pub vm_daily_cap: Option<u32>,
    /// Evacuate a host only if the power settings would then switch it off.
    pub benefit_host_off: bool,
}

impl Default for CalmSetup {
    fn default() -> Self {
        CalmSetup {
            window: None,
            relief_outside_window: true,
            max_per_tick: None,
            max_per_hour: None,
            vm_cooldown: 0,
            vm_daily_cap: None,
            benefit_host_off: false,
        }
    }
}

impl CalmSetup {
    /// Whether any limit is set (the run then reports what the limits refused).
    pub fn is_active(&self) -> bool {
        *self != CalmSetup::default()
    }
}

/// Which modelling choices a run follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// nightshift's own model (the default).
    #[default]
    Realistic,
    /// CloudSim 3.0.3's accounting and consolidation loop (see [`crate::sim::cloudsim`]).
    Cloudsim,
}

/// Everything a run needs; built from a scenario by [`crate::scenario::compile`].
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Scenario name.
    pub name: String,
    /// Root seed of every random stream.
    pub seed: u64,
    /// Simulated span.
    pub duration: SimTime,
    /// Time at the start left out of every metric and row (0 = none).
    pub warmup: SimTime,
    /// The hours the charts shade as night.
    pub night: super::records::Night,
    /// Control-loop period.
    pub control_interval: SimTime,
    /// Load re-sampling period.
    pub load_step: SimTime,
    /// Host classes.
    pub host_classes: Vec<HostClass>,
    /// Class index of each host, in host-id order.
    pub hosts: Vec<usize>,
    /// VM shapes.
    pub vm_types: Vec<VmType>,
    /// VM groups.
    pub groups: Vec<VmGroup>,
    /// Load curves.
    pub loads: Vec<LoadCurve>,
    /// Initial placement policy name.
    pub initial_placement: String,
    /// What placement counts as the CPU need of a VM arriving during the run.
    pub initial_fit: FitBasis,
    /// What it counts for the VMs present at time 0: demand in a run that consolidates
    /// (unless the scenario says otherwise), so its first tick has nothing to re-pack.
    pub startup_fit: FitBasis,
    /// The same in the always-on baseline, which never consolidates.
    pub baseline_startup_fit: FitBasis,
    /// Consolidation, if enabled.
    pub consolidation: Option<ConsolidationSetup>,
    /// Power management.
    pub power: PowerSetup,
    /// Live migration.
    pub migration: MigrationSetup,
    /// Conflict resolution.
    pub conflicts: ConflictSetup,
    /// Maintenance windows and migration budgets.
    pub calm: CalmSetup,
    /// Electricity tariff.
    pub tariff: Tariff,
    /// Currency label.
    pub currency: String,
    /// Power usage effectiveness.
    pub pue: f64,
    /// Traces replayed by trace groups.
    pub traces: Vec<TraceSetup>,
    /// Teams requesting VMs.
    pub requests: RequestSetup,
    /// Replicated services.
    pub services: Vec<ServiceSetup>,
    /// Modelling choices.
    pub profile: Profile,
    /// Utilisation above which a host's time counts as near saturation in the impact metrics.
    pub high_utilisation: f64,
    /// Carbon accounting (`[carbon]`), if the scenario sets it.
    pub carbon: Option<CarbonSetup>,
    /// Time 0 as an instant (`simulation.start`), milliseconds since 1970-01-01 UTC: the
    /// outputs add timestamps to their times; the simulation itself never reads it.
    pub start_ms: Option<i64>,
    /// Host failures and the HA restart of their VMs (`[failures]`, `hosts[].failure`);
    /// `None` = hosts never fail.
    pub failures: Option<FailureSetup>,
    /// Racks and their top-of-rack switches (`[racks]`), if the scenario sets them.
    pub racks: Option<crate::model::racks::RackSetup>,
}

/// Host failures: each class's failure model, the failure trace and the HA restart delay.
/// The always-on baseline gets the same (its setup is a copy), so both see the same outages.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureSetup {
    /// From a host's failure to the restart of its VMs elsewhere, ms.
    pub restart_delay: SimTime,
    /// Failure model of each host class (index of [`Setup::host_classes`]), if it fails.
    pub models: Vec<Option<crate::model::failure::FailureModel>>,
    /// The failure trace's path as written in the scenario, if any.
    pub file: Option<String>,
    /// The trace's outages, once the pipeline has read the file (`None` before, or without
    /// a trace).
    pub trace: Option<Vec<crate::model::failure::Outage>>,
    /// How each rack fails as a unit (`failures.racks`), if racks fail.
    pub rack_model: Option<crate::model::failure::FailureModel>,
}

/// `[carbon]` compiled: the grid's intensity over time, embodied emissions per host class and
/// the work that may wait for a cleaner hour.
#[derive(Debug, Clone, PartialEq)]
pub struct CarbonSetup {
    /// Intensity over the run; `None` until the file of `carbon.intensity_file` is read and
    /// bound (`pipeline::prepare` does it).
    pub intensity: Option<crate::model::carbon::Intensity>,
    /// Where the intensity comes from: `constant`, `hourly` or the file's path as written.
    pub source: String,
    /// `carbon.intensity_file` as written, if the intensity comes from a file.
    pub file: Option<String>,
    /// Per host class (index into `host_classes`), its embodied emissions if given.
    pub embodied: Vec<Option<crate::model::carbon::Embodied>>,
    /// Carbon-aware deferral, if on.
    pub defer: Option<DeferSetup>,
}

/// `[carbon.defer]` compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct DeferSetup {
    /// Per team (index into `requests.teams`), whether its VMs may wait.
    pub teams: Vec<bool>,
    /// Per `[[vms]]` group (index into `groups`), whether its VMs may wait.
    pub groups: Vec<bool>,
    /// The longest a VM may wait past its arrival, ms.
    pub max_delay: SimTime,
}

impl Setup {
    /// Grid carbon intensity at `t`, gCO2e per kWh (0 without `[carbon]`).
    pub fn intensity_at(&self, t: SimTime) -> f64 {
        self.carbon
            .as_ref()
            .and_then(|c| c.intensity.as_ref())
            .map_or(0.0, |i| i.at(t))
    }

    /// The same setup with carbon-aware deferral off: the counterfactual its saving is
    /// measured against.
    pub fn without_deferral(&self) -> Setup {
        let mut setup = self.clone();
        if let Some(c) = &mut setup.carbon {
            c.defer = None;
        }
        setup
    }

    /// Whether some `[[vms]]` group has a placement rule.
    pub fn has_placement_rules(&self) -> bool {
        self.groups.iter().any(|g| g.rule.is_some())
    }

    /// The same scenario with every placement rule dropped, to measure what the rules cost.
    pub fn without_rules(&self) -> Setup {
        let mut setup = self.clone();
        for g in &mut setup.groups {
            g.rule = None;
        }
        setup
    }
}

impl Setup {
    /// The always-on baseline of the same workload: every host on, no consolidation (under
    /// the `cloudsim` profile, where hosts with no load are off, the non-power-aware one).
    pub fn baseline(&self) -> Setup {
        let name = match self.profile {
            Profile::Realistic => "keep-on",
            Profile::Cloudsim => "npa",
        };
        Setup {
            consolidation: None,
            calm: CalmSetup::default(),
            startup_fit: self.baseline_startup_fit,
            power: PowerSetup {
                name: name.into(),
                forecast: crate::policy::forecast::Forecast::None,
                ..self.power.clone()
            },
            ..self.clone()
        }
    }

    /// Warnings when the fleet cannot hold every VM of the `[[vms]]` groups at once: RAM, disk
    /// and network reservations (always reserved in full), and CPU at full size when the
    /// baseline places by size, each against what the hosts admit (over-commit included). The always-on baseline would then leave VMs waiting, and the
    /// saving compare different workloads.
    pub fn capacity_warnings(&self) -> Vec<String> {
        // MIPS, RAM MB, disk MB, network Mbit/s.
        let mut need = [0.0; 4];
        let mut add = |t: &VmType, n: f64| {
            for (sum, v) in need
                .iter_mut()
                .zip([t.mips, t.ram_mb, t.disk_mb, t.net_mbps])
            {
                *sum += v * n;
            }
        };
        for g in &self.groups {
            match &g.demand {
                GroupDemand::Curve(_) => add(&self.vm_types[g.vm_type], f64::from(g.count)),
                GroupDemand::Trace(tg) => {
                    for vm in &tg.vms {
                        add(&self.vm_types[vm.vm_type], 1.0);
                    }
                }
            }
        }
        let mut have = [0.0; 4];
        for &c in &self.hosts {
            let h = &self.host_classes[c];
            // What placement admits: CPU sizes and RAM reservations up to the over-commit, any
            // disk on a class that declares none.
            let disk = if h.disk_mb == 0.0 {
                f64::INFINITY
            } else {
                h.disk_mb
            };
            let admits = [h.sized_limit_mips(), h.ram_limit_mb(), disk, h.net_mbps];
            for (sum, v) in have.iter_mut().zip(admits) {
                *sum += v;
            }
        }
        let hint = "the always-on baseline will leave VMs waiting and the saving will not be \
                    like-for-like; add hosts or remove VMs";
        let mut out = Vec::new();
        if self.baseline_startup_fit == FitBasis::Size && need[0] > have[0] {
            out.push(format!(
                "the VMs' full CPU size ({:.0} MIPS) is {:.2} times the fleet's ({:.0} MIPS): \
                 {hint}, or set policy.initial_fit = \"demand\" to place by demand",
                need[0],
                need[0] / have[0],
                have[0]
            ));
        }
        // What each reservation is called and its unit as printed (in thousands of the model's).
        let reserved = [
            (1, "RAM is", "GB"),
            (2, "disk is", "GB"),
            (3, "network reservations are", "Gbit/s"),
        ];
        for (i, what, unit) in reserved {
            if need[i] > have[i] {
                out.push(format!(
                    "the VMs' {what} {:.2} times the fleet's ({:.1} against {:.1} {unit}): {hint}",
                    need[i] / have[i],
                    need[i] / 1e3,
                    have[i] / 1e3
                ));
            }
        }
        out
    }

    /// Total number of VMs over all groups.
    pub fn vm_count(&self) -> usize {
        self.groups.iter().map(|g| g.count as usize).sum()
    }

    /// Whether the scenario models memory beyond fixed reservations: a memory curve or trace
    /// on a VM group, or an over-commit ratio on a host class. Only then do the outputs carry the
    /// memory columns and `summary.json` its `memory` block (other runs keep their files).
    pub fn models_memory(&self) -> bool {
        self.groups.iter().any(|g| {
            g.ram_load.is_some()
                || matches!(&g.demand, GroupDemand::Trace(tg) if tg.ram_trace.is_some())
        }) || self
            .host_classes
            .iter()
            .any(|c| c.overcommit != crate::model::host::Overcommit::default())
    }
}
