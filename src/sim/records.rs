//! What a run reports: rows streamed to a [`Recorder`] while it runs, and the totals at the end.

use super::energy::Split;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::workload_records::{RequestRow, RequestSummary, ServiceSummary, TeamSummary};

/// One row of `timeseries.csv`: the fleet at a control tick, after that tick's decisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IntervalRow {
    /// Simulated time, s.
    pub time_s: f64,
    /// Hosts on.
    pub hosts_on: usize,
    /// Hosts booting.
    pub hosts_booting: usize,
    /// Hosts shutting down.
    pub hosts_shutting_down: usize,
    /// Hosts off.
    pub hosts_off: usize,
    /// VMs running (including migrating).
    pub vms_running: usize,
    /// VMs waiting for capacity (or deferred next to a migration).
    pub vms_waiting: usize,
    /// CPU requested by running VMs, MIPS.
    pub demand_mips: f64,
    /// CPU capacity of on hosts, MIPS.
    pub capacity_on_mips: f64,
    /// IT power draw now, W.
    pub power_w: f64,
    /// IT energy since the start, kWh.
    pub energy_kwh: f64,
    /// IT energy cost since the start.
    pub cost: f64,
    /// Price per kWh now.
    pub price_per_kwh: f64,
    /// Migrations in flight.
    pub migrations_in_flight: usize,
    /// Migrations started since the previous row.
    pub migrations_started: usize,
    /// Hosts asleep.
    pub hosts_sleeping: usize,
    /// Migrations planned but not copying yet (waiting for a slot or a booting destination).
    pub migrations_queued: usize,
    /// Data migrations moved over the hosts' links since the previous row, GB.
    pub migration_traffic_gb: f64,
    /// Highest migration traffic of the fleet since the previous row, Gbit/s.
    pub migration_peak_gbit_s: f64,
    /// The fewest hosts, most efficient first, whose CPU and RAM at the power policy's target
    /// share hold `demand_mips` and the RAM in use (see `accounts::spread`).
    pub hosts_needed: usize,
    /// CPU demand of placed VMs not served since the previous row (hosts short of CPU, VMs
    /// slowed or paused by their migration), vCPU-hours.
    pub unserved_core_h: f64,
    /// Hosts on with their load above `simulation.high_utilisation` of capacity now.
    pub hosts_above: usize,
    /// A lower bound on the hosts the running VMs need at 100 % of CPU and RAM (see
    /// `accounts::bound`): hosts on below it means hosts over-loaded.
    pub hosts_lower_bound: usize,
    /// The carbon columns, when the scenario sets `[carbon]` (written after the others).
    #[serde(skip)]
    pub carbon: Option<CarbonRow>,
    /// The failure columns, when the scenario has failures (written after the carbon ones).
    #[serde(skip)]
    pub failures: Option<FailureColumns>,
    /// The rack columns, when the scenario sets `[racks]` (written after the failure ones).
    #[serde(skip)]
    pub racks: Option<RackRow>,
    /// The memory columns, when the scenario models memory ([`Setup::models_memory`];
    /// written last).
    ///
    /// [`Setup::models_memory`]: crate::sim::setup::Setup::models_memory
    #[serde(skip)]
    pub memory: Option<MemoryRow>,
}

/// The failure columns of a `timeseries.csv` row (only with `[failures]` or a class's
/// `failure`, so that the files of scenarios without failures keep their columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FailureColumns {
    /// Hosts failed now.
    pub hosts_failed: usize,
    /// VMs stopped by a failure and not running again yet (down, or restarted and waiting for
    /// a host).
    pub vms_down: usize,
}

/// One row of `failures.csv`: a host failing or repaired, a VM stopped by a failure or
/// restarted after one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureRow {
    /// Time, s.
    pub time_s: f64,
    /// `host-failed`, `host-repaired`, `vm-stopped` or `vm-restarted`.
    pub event: &'static str,
    /// The host that failed or was repaired; for a VM, the failed host (stopped) or the host
    /// it restarted on (restarted).
    pub host: usize,
    /// The VM, for `vm-stopped` and `vm-restarted`.
    pub vm: Option<usize>,
    /// For `vm-restarted`: time from the failure to running again, s.
    pub downtime_s: Option<f64>,
}

/// The rack columns of a `timeseries.csv` row (only with `[racks]`, so that the files of
/// scenarios without it keep their columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RackRow {
    /// Top-of-rack switches on now.
    pub racks_on: usize,
    /// Their draw now, W (part of `power_w`).
    pub switch_w: f64,
}

/// The memory columns of a `timeseries.csv` row (only when the scenario models memory, so
/// that the files of other scenarios keep their columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryRow {
    /// Memory the VMs on hosts that are on use now, GB.
    pub ram_demand_gb: f64,
    /// The part of it above the physical memory of the host it is on, GB.
    pub ram_overflow_gb: f64,
    /// Hosts on whose VMs use more memory than they have now.
    pub hosts_ram_pressure: usize,
}

/// The carbon columns of a `timeseries.csv` row (only with `[carbon]`, so that the files of
/// scenarios without it keep their columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CarbonRow {
    /// Grid carbon intensity now, gCO2e per kWh.
    pub intensity_g_per_kwh: f64,
    /// Operational emissions since the start (facility energy x intensity), kgCO2e.
    pub carbon_kg: f64,
}

/// One row of `migrations.csv`, written when a migration ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationRow {
    /// Migration id, in start order.
    pub id: usize,
    /// VM id.
    pub vm: usize,
    /// Source host id.
    pub source: usize,
    /// Destination host id.
    pub destination: usize,
    /// Start of the copy (or the abort, if it never started), s.
    pub start_s: f64,
    /// End (or abort), s.
    pub end_s: f64,
    /// End minus start, s.
    pub duration_s: f64,
    /// Data sent, MB (all pre-copy rounds and the stop-and-copy).
    pub data_mb: f64,
    /// `done` or `aborted`.
    pub outcome: &'static str,
    /// Time queued between the decision and the start of the copy, s.
    pub wait_s: f64,
    /// Pre-copy rounds completed (1 for the simple model).
    pub rounds: u32,
    /// Time the VM was paused for the stop-and-copy, s.
    pub downtime_s: f64,
}

/// One row of `conflicts.csv`: a clash with a migration or power transition in flight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictRow {
    /// Time, s.
    pub time_s: f64,
    /// Conflict kind (see [`super::conflicts::ConflictKind`]).
    pub kind: &'static str,
    /// VM involved, if any.
    pub vm: Option<usize>,
    /// The host involved: a migration's source, the host a VM was to be provisioned on or
    /// placed on after waiting, the host refused a shutdown; empty when none.
    pub host: Option<usize>,
    /// The second host, when there is one: a migration's destination, or the host a VM denied
    /// `host` was placed on instead.
    pub destination: Option<usize>,
    /// What the simulator did.
    pub action: &'static str,
}

/// Receives rows while a run progresses; the CLI writes them to CSV, tests keep them in memory.
pub trait Recorder {
    /// A control tick's fleet state.
    fn interval(&mut self, row: &IntervalRow);
    /// A migration that ended or was aborted.
    fn migration(&mut self, row: &MigrationRow);
    /// A conflict.
    fn conflict(&mut self, row: &ConflictRow);
    /// A host failure or repair, or a VM stopped or restarted by one (`failures.csv`).
    fn failure(&mut self, _row: &FailureRow) {}
    /// Whether [`Recorder::host_utilisation`] should be called at each control tick; the run
    /// skips the per-host pass when it is not wanted.
    fn wants_host_utilisation(&self) -> bool {
        false
    }
    /// Every host's CPU utilisation at a control tick, indexed by host id: load (demand plus
    /// migration overhead) over capacity, above 1 when over-loaded; `None` for hosts not on.
    fn host_utilisation(&mut self, _time_s: f64, _hosts: &[Option<f64>]) {}
}

/// A recorder that drops everything (for baselines and benchmarks).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullRecorder;
impl Recorder for NullRecorder {
    fn interval(&mut self, _: &IntervalRow) {}
    fn migration(&mut self, _: &MigrationRow) {}
    fn conflict(&mut self, _: &ConflictRow) {}
}

/// A recorder that keeps every row in memory.
#[derive(Debug, Default, Clone)]
pub struct MemoryRecorder {
    /// Timeseries rows.
    pub intervals: Vec<IntervalRow>,
    /// Migration rows.
    pub migrations: Vec<MigrationRow>,
    /// Conflict rows.
    pub conflicts: Vec<ConflictRow>,
    /// Failure rows.
    pub failures: Vec<FailureRow>,
}
impl Recorder for MemoryRecorder {
    fn interval(&mut self, row: &IntervalRow) {
        self.intervals.push(row.clone());
    }
    fn migration(&mut self, row: &MigrationRow) {
        self.migrations.push(row.clone());
    }
    fn conflict(&mut self, row: &ConflictRow) {
        self.conflicts.push(row.clone());
    }
    fn failure(&mut self, row: &FailureRow) {
        self.failures.push(row.clone());
    }
}

/// One row of `hosts.csv`: a host's totals over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostRow {
    /// Host id.
    pub host: usize,
    /// Class name.
    pub class: String,
    /// Time on, h.
    pub on_hours: f64,
    /// Time on at 100 % (demand above capacity), h.
    pub overload_hours: f64,
    /// Mean CPU utilisation while on.
    pub mean_utilisation: f64,
    /// Boots.
    pub boots: u32,
    /// Shutdowns.
    pub shutdowns: u32,
    /// Migrations received.
    pub migrations_in: u32,
    /// Migrations sent.
    pub migrations_out: u32,
    /// IT energy, kWh.
    pub it_kwh: f64,
    /// Idle part, kWh.
    pub idle_kwh: f64,
    /// Dynamic part, kWh.
    pub dynamic_kwh: f64,
    /// Migration-overhead part, kWh.
    pub migration_kwh: f64,
    /// Boot and shutdown part, kWh.
    pub transition_kwh: f64,
    /// Off- and sleep-state part, kWh.
    pub standby_kwh: f64,
    /// IT energy cost.
    pub cost: f64,
    /// Suspends to sleep.
    pub sleeps: u32,
    /// Wakes from sleep.
    pub wakes: u32,
    /// Time on with the load above `simulation.high_utilisation` of capacity, h.
    pub hours_above: f64,
}

/// `summary.json` → `energy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EnergySummary {
    /// IT energy of all hosts, kWh.
    pub it_kwh: f64,
    /// IT energy x PUE, kWh.
    pub facility_kwh: f64,
    /// Facility energy priced by the tariff in force at each moment.
    pub cost: f64,
    /// Currency of `cost`.
    pub currency: String,
    /// IT energy split by cause, kWh.
    pub idle_kwh: f64,
    /// Dynamic part, kWh.
    pub dynamic_kwh: f64,
    /// Migration-overhead part, kWh.
    pub migration_kwh: f64,
    /// Boot and shutdown part, kWh.
    pub transition_kwh: f64,
    /// Off-state part, kWh.
    pub standby_kwh: f64,
    /// Power usage effectiveness applied.
    pub pue: f64,
    /// Top-of-rack switches' part of `it_kwh`, kWh (only with `[racks]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_kwh: Option<f64>,
}

impl EnergySummary {
    /// Builds the energy summary from total joules and IT cost.
    pub fn new(joules: &Split, it_cost: f64, pue: f64, currency: &str) -> Self {
        let k = joules.to_kwh();
        let it = k.total();
        EnergySummary {
            it_kwh: it,
            facility_kwh: it * pue,
            cost: it_cost * pue,
            currency: currency.to_string(),
            idle_kwh: k.idle,
            dynamic_kwh: k.dynamic,
            migration_kwh: k.migration,
            transition_kwh: k.transition,
            standby_kwh: k.standby,
            pue,
            switch_kwh: None,
        }
    }

    /// Adds the top-of-rack switches' energy (`joules`) and IT cost (`it_cost`, before PUE)
    /// as their own part of the IT energy.
    pub fn add_switches(&mut self, joules: f64, it_cost: f64) {
        let switch = crate::time::kwh(joules);
        self.it_kwh += switch;
        self.facility_kwh = self.it_kwh * self.pue;
        self.cost += it_cost * self.pue;
        self.switch_kwh = Some(switch);
    }
}

/// `summary.json` → `migrations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MigrationSummary {
    /// Migrations started.
    pub count: usize,
    /// Migrations completed.
    pub completed: usize,
    /// Migrations aborted.
    pub aborted: usize,
    /// Migrations still in flight at the end.
    pub in_flight: usize,
    /// Mean duration of completed migrations, s.
    pub mean_duration_s: f64,
    /// Total duration of completed migrations, s.
    pub total_duration_s: f64,
    /// Data copied by completed migrations, GB.
    pub data_gb: f64,
    /// Total time VMs were paused by completed migrations (stop-and-copy), s.
    #[serde(default)]
    pub total_downtime_s: f64,
    /// Longest pause of a completed migration, s.
    #[serde(default)]
    pub max_downtime_s: f64,
    /// Mean time completed migrations queued before copying, s.
    #[serde(default)]
    pub mean_wait_s: f64,
    /// Data migrations moved over the hosts' links, GB: every round sent, aborted migrations'
    /// partial rounds included (the timeseries rows' sum).
    #[serde(default)]
    pub traffic_gb: f64,
    /// Highest migration traffic of the fleet at any moment, Gbit/s.
    #[serde(default)]
    pub peak_traffic_gbit_s: f64,
    /// Migrations started on each simulated day (00:00 to 24:00 of day 1, 2, ...; from the
    /// day the warm-up ends, a last day cut short by the run's end included).
    #[serde(default)]
    pub per_day: Vec<usize>,
}

/// `summary.json` → `sla` (Beloglazov & Buyya 2012).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SlaSummary {
    /// Share of active host time spent at 100 % CPU.
    pub slatah: f64,
    /// Share of requested CPU lost to migrations.
    pub pdm: f64,
    /// SLATAH x PDM.
    pub slav: f64,
    /// IT energy (kWh) x SLAV.
    pub esv: f64,
}

/// `summary.json` → `impact`: the performance impact as operators read it (CPU demand not
/// served is `vms.unserved_demand_core_h` and `vms.unserved_fraction`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImpactSummary {
    /// The utilisation above which host time counts in `host_hours_above`, a fraction.
    #[serde(default)]
    pub high_utilisation: f64,
    /// Time hosts spent on with their load above `high_utilisation`, host-hours.
    #[serde(default)]
    pub host_hours_above: f64,
    /// `host_hours_above` over the hosts' time on (0 when no host was on).
    #[serde(default)]
    pub host_share_above: f64,
    /// The 99th percentile over VM-hours (a placed VM with demand in a clock hour) of the
    /// share of the VM's demand not served, to 0.01 % (0 under the cloudsim profile).
    #[serde(default)]
    pub unserved_p99_vm_hour: f64,
    /// VM-hours behind `unserved_p99_vm_hour`.
    #[serde(default)]
    pub vm_hours: u64,
    /// The most one VM was paused in total by its completed migrations (stop-and-copy), s.
    #[serde(default)]
    pub stun_worst_vm_s: f64,
    /// Mean total pause of the VMs with at least one completed migration, s.
    #[serde(default)]
    pub stun_mean_vm_s: f64,
    /// VMs with at least one migration started that day, mean over the simulated days.
    #[serde(default)]
    pub vms_disturbed_per_day: f64,
    /// The most VMs disturbed in one simulated day.
    #[serde(default)]
    pub vms_disturbed_max_day: usize,
}

/// `summary.json` → `conflicts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConflictSummary {
    /// All conflicts.
    pub total: usize,
    /// By kind; every kind is listed, with 0 if it never happened.
    pub by_kind: BTreeMap<String, usize>,
}

/// `summary.json` → `calm`: what `[policy.calm]` refused and how the moves it let through fell,
/// after the warm-up. A refused evacuation counts every VM of its host.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalmSummary {
    /// Moves not planned because the time was outside every window.
    pub refused_window: u64,
    /// Moves not planned because the tick's cap was reached.
    pub refused_tick_cap: u64,
    /// Moves not planned because the 60-minute cap was reached.
    pub refused_hour_cap: u64,
    /// Moves not planned because the VM was cooling down from its last move.
    pub refused_cooldown: u64,
    /// Moves not planned because the VM had reached its daily cap.
    pub refused_daily_cap: u64,
    /// Evacuation moves not planned because the emptied host would stay on.
    pub refused_benefit: u64,
    /// Power-down decisions refused outside the windows (a host refused at several ticks
    /// counts at each).
    pub shutdowns_refused_window: u64,
    /// Migrations planned outside the windows (overload relief; 0 without windows).
    pub migrations_outside_window: u64,
    /// Most moves of one VM in one simulated day.
    pub max_vm_moves_day: u32,
}

/// `summary.json` → `hosts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HostSummary {
    /// Hosts in the fleet.
    pub count: usize,
    /// Boots.
    pub boots: u64,
    /// Shutdowns.
    pub shutdowns: u64,
    /// Suspends to sleep.
    #[serde(default)]
    pub sleeps: u64,
    /// Wakes from sleep.
    #[serde(default)]
    pub wakes: u64,
    /// Mean number of hosts on.
    pub mean_on: f64,
    /// Fewest hosts on at a control tick.
    pub min_on: usize,
    /// Most hosts on at a control tick.
    pub max_on: usize,
}

/// `summary.json` → `vms`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VmSummary {
    /// VMs in the scenario.
    pub count: usize,
    /// VMs that ended before the end of the run.
    pub ended: usize,
    /// VMs still waiting for capacity (or deferred) at the end.
    pub waiting_at_end: usize,
    /// VMs running (or migrating) at the end; with `ended` and `waiting_at_end` this
    /// accounts for every VM that arrived.
    #[serde(default)]
    pub running_at_end: usize,
    /// VMs that arrived and never ran (a VM that ran never waits again, so these are the
    /// VMs waiting at the end).
    #[serde(default)]
    pub unplaced: usize,
    /// CPU demand of every VM that arrived, placed or waiting, vCPU-hours (demand over the
    /// VM's vCPU speed, integrated over time).
    #[serde(default)]
    pub demand_core_h: f64,
    /// The part of `demand_core_h` not served: VMs waiting for a host, hosts short of CPU,
    /// VMs slowed or paused by their migration, vCPU-hours.
    #[serde(default)]
    pub unserved_demand_core_h: f64,
    /// The part of `unserved_demand_core_h` of VMs waiting for a host, vCPU-hours.
    #[serde(default)]
    pub waiting_core_h: f64,
    /// `unserved_demand_core_h / demand_core_h` (0 when there is no demand).
    #[serde(default)]
    pub unserved_fraction: f64,
}

/// The daily hours a run's charts shade as night (`simulation.night`), in `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Night {
    /// Start, hours after midnight (`0..24`).
    pub from_h: f64,
    /// End, hours after midnight (`0..24`; below `from_h`: the night wraps midnight).
    pub to_h: f64,
}

/// Run folders written before `night` was recorded shade the scenario default.
impl Default for Night {
    fn default() -> Self {
        Night::DEFAULT
    }
}

impl Night {
    /// 22:00 to 06:00, the scenario default (and the night of run folders from before the
    /// setting existed).
    pub const DEFAULT: Night = Night {
        from_h: 22.0,
        to_h: 6.0,
    };

    /// How long the night lasts, h.
    pub fn length_h(&self) -> f64 {
        if self.to_h > self.from_h {
            self.to_h - self.from_h
        } else {
            24.0 - self.from_h + self.to_h
        }
    }

    /// Whether `hour` (hours after midnight, `0..24`) is inside the night.
    pub fn contains(&self, hour: f64) -> bool {
        if self.from_h <= self.to_h {
            self.from_h <= hour && hour < self.to_h
        } else {
            hour >= self.from_h || hour < self.to_h
        }
    }

    /// The legend entry: `night (22:00–06:00)`.
    pub fn label(&self) -> String {
        let hhmm = |h: f64| {
            let m = (h * 60.0).round() as u32;
            format!("{:02}:{:02}", m / 60, m % 60)
        };
        format!("night ({}–{})", hhmm(self.from_h), hhmm(self.to_h))
    }
}

/// The headline numbers of a run, written as `summary.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Simulated span, s.
    pub duration_s: f64,
    /// The warm-up at its start, left out of every other number, s (0 = none).
    #[serde(default)]
    pub warmup_s: f64,
    /// The hours the charts shade as night.
    #[serde(default)]
    pub night: Night,
    /// Energy and cost.
    pub energy: EnergySummary,
    /// Live migrations.
    pub migrations: MigrationSummary,
    /// SLA metrics.
    pub sla: SlaSummary,
    /// Conflicts.
    pub conflicts: ConflictSummary,
    /// Hosts.
    pub hosts: HostSummary,
    /// VMs.
    pub vms: VmSummary,
    /// Team requests, if the scenario has teams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestSummary>,
    /// Replicated services by name, if the scenario has services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<BTreeMap<String, ServiceSummary>>,
    /// What the maintenance windows and migration budgets refused, if the scenario sets any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calm: Option<CalmSummary>,
    /// Events processed.
    pub events: u64,
    /// How migrations spread over VM-days and the window.
    #[serde(default)]
    pub migration_spread: MigrationSpread,
    /// Demand served late: what waited for hosts to boot, and the forecast that boots ahead.
    #[serde(default)]
    pub late_demand: LateDemandSummary,
    /// Performance impact as operators read it.
    #[serde(default)]
    pub impact: ImpactSummary,
    /// Emissions, if the scenario sets `[carbon]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbon: Option<CarbonSummary>,
    /// How close the hosts on came to the fewest that could hold the demand (none in run
    /// folders written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packing: Option<PackingSummary>,
    /// Host failures, VM restarts and downtime, when the scenario has failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<FailureSummary>,
    /// Racks and their top-of-rack switches, if the scenario sets `[racks]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub racks: Option<RackSummary>,
    /// Memory in use and memory pressure, if the scenario models memory (a memory curve or
    /// an over-commit ratio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemorySummary>,
    /// Placement rules and what they cost, if some `[[vms]]` group has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RulesSummary>,
}

/// `summary.json` → `rules`: how many `[[vms]]` groups carry placement rules, and hosts on
/// and IT energy with them against the same scenario and seed without them (that second run
/// is skipped with the baseline, `--no-baseline`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RulesSummary {
    /// Groups with `anti_affinity = true`.
    pub anti_affinity_groups: usize,
    /// Groups kept together on one host (`affinity = true`).
    #[serde(default)]
    pub affinity_groups: usize,
    /// Groups restricted to some host classes (`host_classes`).
    pub class_groups: usize,
    /// Mean hosts on with the rules (`hosts.mean_on`).
    pub mean_hosts_on: f64,
    /// IT energy with the rules, kWh (`energy.it_kwh`).
    pub it_kwh: f64,
    /// Mean hosts on without the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_rules_mean_hosts_on: Option<f64>,
    /// IT energy without the rules, kWh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_rules_it_kwh: Option<f64>,
    /// `mean_hosts_on - without_rules_mean_hosts_on`: hosts the rules keep on, on average.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_hosts_on: Option<f64>,
    /// `it_kwh - without_rules_it_kwh`: what the rules cost in energy (negative: they saved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_it_kwh: Option<f64>,
}

impl RulesSummary {
    /// The counts of groups with each rule (anti-affinity, keep-together, host classes) and
    /// the run's hosts on and energy; `None` when no group has a rule (every rule is one of
    /// the three kinds).
    pub fn of(
        [anti_affinity_groups, affinity_groups, class_groups]: [usize; 3],
        run: &Summary,
    ) -> Option<RulesSummary> {
        (anti_affinity_groups + affinity_groups + class_groups > 0).then(|| RulesSummary {
            anti_affinity_groups,
            affinity_groups,
            class_groups,
            mean_hosts_on: run.hosts.mean_on,
            it_kwh: run.energy.it_kwh,
            ..RulesSummary::default()
        })
    }

    /// Fills in the run of the same scenario and seed without the rules.
    pub fn compare_without_rules(&mut self, without: &Summary) {
        self.without_rules_mean_hosts_on = Some(without.hosts.mean_on);
        self.without_rules_it_kwh = Some(without.energy.it_kwh);
        self.extra_hosts_on = Some(self.mean_hosts_on - without.hosts.mean_on);
        self.extra_it_kwh = Some(self.it_kwh - without.energy.it_kwh);
    }
}

/// `summary.json` → `racks`: the top-of-rack switches' energy and time on since the warm-up.
/// Their energy is also part of `energy.it_kwh` (as `energy.switch_kwh`), and so of the cost,
/// the emissions and the saving against the baseline, whose switches are all on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RackSummary {
    /// Racks (one switch each).
    pub count: usize,
    /// A switch's draw while on, W.
    pub switch_w: f64,
    /// When a switch is on: `with-hosts` or `always-on`.
    pub switch_mode: String,
    /// Where the switch's draw comes from, as the scenario says (empty if it does not).
    pub switch_source: String,
    /// Whether power management preferred emptying whole racks.
    pub prefer_empty: bool,
    /// The switches' IT energy, kWh.
    pub switch_kwh: f64,
    /// Switch-hours on, over all racks.
    pub switch_on_hours: f64,
    /// Mean number of switches on over the simulated time after the warm-up.
    pub mean_on: f64,
    /// The always-on baseline's switch energy, kWh (absent if it did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_switch_kwh: Option<f64>,
}

/// `summary.json` → `memory`: the memory the VMs used over the run (after the warm-up) and
/// what did not fit in their hosts' physical memory, served by ballooning and swapping at
/// the cost of CPU demand not served (counted in `vms.unserved_demand_core_h`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MemorySummary {
    /// Memory in use, integrated over time, GB-hours.
    pub demand_gb_h: f64,
    /// Memory in use above its host's physical memory, integrated over time, GB-hours.
    pub overflow_gb_h: f64,
    /// `overflow_gb_h / demand_gb_h` (0 without demand).
    pub overflow_fraction: f64,
    /// Time hosts spent on with their VMs using more memory than they have, host-hours.
    pub pressure_host_h: f64,
    /// Largest memory over-commit ratio of a host class (reservations per physical MB).
    pub max_ram_overcommit: f64,
    /// Largest CPU over-commit ratio of a host class (VM sizes per MIPS, placement by size).
    pub max_cpu_overcommit: f64,
}

/// `summary.json` → `packing`: hosts on over the lower bound on hosts needed
/// (`timeseries.csv` → `hosts_lower_bound`), per timeseries row, each row weighing the same
/// (rows are one control interval apart). Rows whose bound is 0 (no VM running) have no
/// ratio and are left out. A ratio of 1 is a packing no policy can beat; below 1, the hosts
/// on were over-loaded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PackingSummary {
    /// Rows with a ratio.
    pub rows: usize,
    /// Mean of the rows' ratios (none without a row).
    pub mean_ratio: Option<f64>,
    /// Mean ratio of the rows inside the `simulation.night` hours.
    pub night_ratio: Option<f64>,
    /// Mean ratio of the other rows.
    pub day_ratio: Option<f64>,
    /// Lowest ratio of a row.
    pub min_ratio: Option<f64>,
    /// Highest ratio of a row.
    pub max_ratio: Option<f64>,
    /// Mean lower bound over the rows, hosts.
    pub mean_lower_bound: Option<f64>,
    /// Mean hosts on over the same rows.
    pub mean_hosts_on: Option<f64>,
    /// Mean over the rows of the idle power of the hosts on over the least idle power of
    /// hosts whose CPU and RAM hold the running VMs (`accounts::bound`: fair to fleets of
    /// unlike hosts, where the fewest hosts are not the ones that draw least).
    #[serde(default)]
    pub idle_mean_ratio: Option<f64>,
    /// The idle-power ratio's mean inside the `simulation.night` hours.
    #[serde(default)]
    pub idle_night_ratio: Option<f64>,
    /// The idle-power ratio's mean over the other rows.
    #[serde(default)]
    pub idle_day_ratio: Option<f64>,
    /// Mean idle-power lower bound over the rows, kW.
    #[serde(default)]
    pub mean_idle_kw_bound: Option<f64>,
    /// Mean idle power of the hosts on over the same rows, kW.
    #[serde(default)]
    pub mean_idle_kw_on: Option<f64>,
}

/// `summary.json` → `failures`: host failures and the HA restarts of the VMs they stopped,
/// after the warm-up. Downtime counts from a VM's stop to its restart (or the run's end, or
/// its own end); the per-VM figures are over the VMs some failure stopped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailureSummary {
    /// HA restart delay of the scenario, s.
    pub restart_delay_s: f64,
    /// Host failures.
    pub failures: u64,
    /// Host repairs.
    pub repairs: u64,
    /// Host-hours spent failed.
    pub host_failed_hours: f64,
    /// VM stops caused by failures (a VM stopped twice counts twice).
    pub vm_stops: u64,
    /// Distinct VMs a failure stopped.
    pub vms_hit: u64,
    /// Stopped VMs restarted on another host.
    pub restarts: u64,
    /// Restarts that found no host at their restart time and waited (for a boot or a repair).
    pub restarts_waited: u64,
    /// VMs still down at the end of the run.
    pub vms_down_at_end: u64,
    /// Migrations aborted because their source or destination failed.
    pub migrations_aborted: u64,
    /// Total VM downtime, VM-hours.
    pub downtime_vm_hours: f64,
    /// 99th percentile (nearest rank) of the downtime of each VM hit, hours.
    pub downtime_p99_hours: f64,
    /// Mean time from a stop to the restart over the restarts, s.
    pub restart_mean_s: f64,
    /// 99th percentile (nearest rank) of that time over the restarts, s: equals the restart
    /// delay when every restart found a host at once.
    pub restart_p99_s: f64,
    /// Capacity shortfall: CPU demand of stopped VMs not served from their stop until they
    /// run again, vCPU-hours.
    pub shortfall_core_hours: f64,
}

/// `summary.json` → `carbon`: operational emissions (facility energy x the grid intensity in
/// force at each moment, integrated like cost), embodied emissions amortised over the
/// simulated time (after the warm-up), and what the baseline and deferral compare.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CarbonSummary {
    /// Where the intensity came from: `constant`, `hourly` or the file's path as written.
    pub intensity_source: String,
    /// Operational emissions over facility energy, gCO2e per kWh (the intensity the run's
    /// energy was drawn at; 0 without energy).
    pub mean_intensity_g_per_kwh: f64,
    /// Lowest intensity in force during the run, gCO2e per kWh.
    pub min_intensity_g_per_kwh: f64,
    /// Highest intensity in force during the run, gCO2e per kWh.
    pub max_intensity_g_per_kwh: f64,
    /// Operational emissions of the IT energy, kgCO2e.
    pub it_operational_kg: f64,
    /// Operational emissions of the facility energy (IT x PUE), kgCO2e.
    pub operational_kg: f64,
    /// Embodied emissions of the fleet's hosts falling in the simulated time, kgCO2e (0 for
    /// classes without `[[carbon.embodied]]`).
    pub embodied_kg: f64,
    /// `operational_kg + embodied_kg`.
    pub total_kg: f64,
    /// The always-on baseline's operational emissions, kgCO2e (absent if it did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_operational_kg: Option<f64>,
    /// `baseline_operational_kg - operational_kg`: operational emissions saved against the
    /// baseline (embodied emissions are the same fleet's in both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_kg: Option<f64>,
    /// Carbon-aware deferral, if `[carbon.defer]` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral: Option<DeferralSummary>,
}

/// `summary.json` → `carbon.deferral`: deferrable work held back for a cleaner hour, and what
/// it saved against the same scenario run without deferral.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeferralSummary {
    /// The longest a VM could wait, h.
    pub max_delay_h: f64,
    /// VMs that waited for a cleaner hour.
    pub vms_deferred: usize,
    /// Their mean wait, h (0 if none waited).
    pub mean_delay_h: f64,
    /// Operational emissions of the same scenario and seed with deferral off, kgCO2e
    /// (absent if that run was skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_deferral_kg: Option<f64>,
    /// `without_deferral_kg - operational_kg`: what deferring saved (negative: it cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_kg: Option<f64>,
}

impl CarbonSummary {
    /// Fills in the baseline's operational emissions and the saving against it.
    pub fn compare_baseline(&mut self, baseline: &CarbonSummary) {
        self.baseline_operational_kg = Some(baseline.operational_kg);
        self.saved_kg = Some(baseline.operational_kg - self.operational_kg);
    }

    /// Fills in the emissions of the run without deferral and what deferring saved.
    pub fn compare_without_deferral(&mut self, without: &CarbonSummary) {
        let run = self.operational_kg;
        if let Some(d) = &mut self.deferral {
            d.without_deferral_kg = Some(without.operational_kg);
            d.saved_kg = Some(without.operational_kg - run);
        }
    }
}

/// `summary.json` → `migration_spread`: how the reported migrations (after the warm-up) fall
/// over VM-days and inside or outside the window. Each migration counts once, on the day and
/// at the time it was planned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MigrationSpread {
    /// Migrations per VM per day.
    pub per_vm_day: PerVmDay,
    /// The window the two counts below use: `policy.calm.window` when the scenario sets
    /// one, else `simulation.night`.
    pub window: String,
    /// Migrations planned inside the window.
    pub inside_window: u64,
    /// Migrations planned outside the window.
    pub outside_window: u64,
}

/// Migrations per VM-day. A VM-day is a VM and a simulated day (midnight to midnight from
/// time 0, Monday 00:00) on which the VM was running at a control tick after the warm-up (the
/// last tick of a run ending at midnight starts no day) or was migrated; its count is the migrations of that VM planned that day, 0 included.
/// Percentiles are nearest-rank: the smallest count at least that share of VM-days do not
/// exceed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PerVmDay {
    /// VM-days counted.
    pub vm_days: u64,
    /// VM-days with at least one migration.
    pub vm_days_moved: u64,
    /// Median migrations per VM-day.
    pub median: u32,
    /// 90th percentile.
    pub p90: u32,
    /// Most migrations of one VM in one day.
    pub max: u32,
}

/// CPU demand that waited for a boot (`policy.power.forecast` boots ahead to cut it), in
/// `summary.json` as `late_demand`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LateDemandSummary {
    /// The forecast that powered hosts up ahead of demand: `none` or `yesterday`.
    pub forecast: String,
    /// CPU demand above the capacity on (beyond what on hosts can run, and of VMs waiting for
    /// a host) while at least one host was booting or waking, sampled at each control tick
    /// and held for the interval, vCPU-hours.
    pub core_h: f64,
}
