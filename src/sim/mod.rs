//! The simulation: a discrete-event loop over hosts, VMs and migrations that reports to a
//! [`Recorder`] and returns the run's totals. It does no I/O.
//!
//! A run is made of parts, each owning its state: `clock` (time, event queue), `fleet`
//! (hosts, VMs, migrations, queues; placement, migration, power transitions),
//! `accounts` (price, meters; timeseries rows and the summary), `workload` (requests,
//! services; trace replays in `traces`), `policies` and `diagnostics` (conflicts,
//! invariant checks). The accounting profile (`profile`: realistic or `cloudsim`) is the
//! one seam where the two models differ. [`setup`], [`state`], [`energy`] and [`records`]
//! are the data types they share.

pub mod energy;
pub mod records;
pub mod setup;
pub mod state;
pub mod workload_records;

mod accounts;
mod calm;
mod clock;
mod day_mix;
mod diagnostics;
mod failures;
mod fleet;
mod memory;
mod policies;
mod profile;
mod traces;
mod workload;

#[cfg(test)]
mod tests;

pub use diagnostics::conflicts;
pub use profile::cloudsim;

use crate::engine::EventQueue;
use crate::model::host::PowerState;
use crate::policy::dpm::Dpm;
use crate::policy::forecast::{Forecast, Forecasting};
use crate::policy::overload::{DETECTORS, OverloadDetector};
use crate::policy::placement::{PLACEMENTS, Placement};
use crate::policy::power::{POWER_POLICIES, PowerPolicy};
use crate::policy::selection::{SELECTIONS, VmSelection};
use crate::policy::{Entry, lookup};
use crate::rng::{Stream, stream};
use crate::time::{SimTime, secs};
use crate::workload::replay::Replay;
use accounts::Accounts;
use clock::Clock;
use diagnostics::Diagnostics;
use fleet::Fleet;
use fleet::placement_index::PlacementIndex;
use policies::Policies;
use profile::ProfileRun;
use records::*;
use setup::{GroupDemand, Setup};
use state::*;
use std::rc::Rc;
use workload::Workload;
use workload::{requests, scaling};

/// What happens in the simulation, at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// Load curves are re-sampled.
    LoadStep,
    /// Consolidation and power decisions, and a timeseries row.
    ControlTick,
    /// The electricity price may change.
    TariffChange,
    /// The grid carbon intensity changes (`[carbon]`).
    IntensityChange,
    /// A VM arrives and asks for a host.
    VmArrive(VmId),
    /// A VM's lifetime is over.
    VmEnd(VmId),
    /// A migration's copy round ends (stale if aborted or re-rated since: `stamp` differs).
    MigrationStep {
        /// The migration.
        mig: MigId,
        /// Its reschedule count when the event was queued.
        stamp: u32,
    },
    /// A host finishes booting (stale if its generation moved on).
    BootDone { host: HostId, generation: u32 },
    /// A host finishes shutting down (stale if its generation moved on).
    ShutdownDone { host: HostId, generation: u32 },
    /// A trace moves to its next sample (index into the setup's traces).
    TraceStep(usize),
    /// A team submits a request (index into the setup's teams).
    Request(usize),
    /// A service's schedule sets its replica count (index into the setup's services).
    ScaleAt(usize),
    /// A service's autoscaler decides (index into the setup's services).
    Autoscale(usize),
    /// The warm-up is over: every meter, count and account starts again from zero.
    WarmupEnd,
    /// The end of the simulated span.
    End,
    /// A host fails, to be repaired at `repair` (`[failures]`).
    HostFail { host: HostId, repair: SimTime },
    /// A failed host is repaired (stale unless it is the host's current repair time).
    HostRepair(HostId),
    /// The HA restart of a VM stopped by a failure is due.
    VmRestart(VmId),
}

/// The result of a run: the summary and per-host totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Headline numbers (`summary.json`).
    pub summary: Summary,
    /// Per-host totals (`hosts.csv`).
    pub hosts: Vec<HostRow>,
    /// One row per team request (`requests.csv`), in submission order.
    pub requests: Vec<RequestRow>,
}

/// The consolidation policies of a run that do not change as it decides: the detector, the
/// placement of moved VMs and the numbers they read. Shared (`Rc`) between [`Policies`] and a
/// control tick's round, which reads them while it borrows the whole simulation to plan moves.
pub(crate) struct Consolidation {
    detector: Box<dyn OverloadDetector>,
    placement: Box<dyn Placement>,
    underload_threshold: f64,
    evacuation_failures: u32,
    destination_headroom: f64,
    /// Over-load and under-load judged on RAM and disk too (`dimensions = "all"`).
    all_dimensions: bool,
}

impl Consolidation {
    /// The highest utilisation a destination may reach with a VM: just below the detector's
    /// ceiling, less the destination head-room.
    pub(in crate::sim) fn most(&self) -> f64 {
        self.detector.most_within(1.0 + fleet::placement::FIT_EPS) - self.destination_headroom
    }
}

/// The VM selection policy of a run that consolidates: the one consolidation policy whose
/// state changes as it decides (a random stream, history buffers). The run loop holds it
/// beside the simulation, not in it, and lends it to each control tick, so a round can
/// borrow the simulation whole (the `cloudsim` planner does) and the selection at once.
pub(crate) type Selection = Option<Box<dyn VmSelection>>;

fn build<T: ?Sized>(
    table: &[Entry<T>],
    kind: &str,
    name: &str,
    param: Option<f64>,
    seed: u64,
) -> Result<Box<T>, String> {
    lookup(table, name)
        .map(|e| (e.build)(param, seed))
        .ok_or_else(|| {
            format!(
                "unknown {kind} policy \"{name}\"; valid: {}",
                crate::policy::names(table)
            )
        })
}

/// Runs `setup` to the end, streaming rows to `recorder`.
///
/// Fails if the setup names a policy that does not exist (scenario validation catches that
/// earlier for scenario files) or replays traces (use [`run_with_traces`]).
pub fn run(setup: &Setup, recorder: &mut dyn Recorder) -> Result<Outcome, String> {
    run_with_traces(setup, Vec::new(), recorder)
}

/// Runs `setup`, whose traces are replayed by `replays` (one per `setup.traces` entry, in
/// order, each bound with [`crate::scenario::bind_traces`]).
///
/// Also fails if a replay cannot read its trace (a file changed since it was scanned).
pub fn run_with_traces(
    setup: &Setup,
    replays: Vec<Box<dyn Replay>>,
    recorder: &mut dyn Recorder,
) -> Result<Outcome, String> {
    run_inner(setup, replays, recorder, false)
}

/// Like [`run`], but checks every invariant after every event and stops at the first
/// violation, naming the event and what broke.
pub fn run_checked(setup: &Setup, recorder: &mut dyn Recorder) -> Result<Outcome, String> {
    run_inner(setup, Vec::new(), recorder, true)
}

/// [`run_with_traces`] with the invariant checks of [`run_checked`].
pub fn run_checked_with_traces(
    setup: &Setup,
    replays: Vec<Box<dyn Replay>>,
    recorder: &mut dyn Recorder,
) -> Result<Outcome, String> {
    run_inner(setup, replays, recorder, true)
}

fn run_inner(
    setup: &Setup,
    replays: Vec<Box<dyn Replay>>,
    recorder: &mut dyn Recorder,
    check: bool,
) -> Result<Outcome, String> {
    if replays.len() != setup.traces.len() {
        return Err(format!(
            "the scenario replays {} trace(s) but {} were opened",
            setup.traces.len(),
            replays.len()
        ));
    }
    if let Some(t) = setup.traces.iter().find(|t| t.grid.is_none()) {
        return Err(format!("trace {} was not bound to the scenario", t.name));
    }
    if let Some(c) = setup.carbon.as_ref().filter(|c| c.intensity.is_none()) {
        return Err(format!(
            "carbon intensity file {} was not read into the scenario",
            c.source
        ));
    }
    if let Some(f) = setup
        .failures
        .as_ref()
        .filter(|f| f.file.is_some() && f.trace.is_none())
    {
        return Err(format!(
            "failure trace {} was not read into the scenario",
            f.file.as_deref().unwrap_or_default()
        ));
    }
    let (mut sim, mut selection) = Simulation::new(setup, recorder)?;
    // Debug builds (every `cargo test`) check every invariant after every event, always.
    sim.diagnostics.check = check || cfg!(debug_assertions);
    sim.workload.traces = replays.into_iter().map(traces::TraceRun::new).collect();
    sim.start();
    sim.run(&mut selection);
    if let Some(v) = sim.diagnostics.violation.take() {
        return Err(format!("invariant violated {v}"));
    }
    match sim.diagnostics.failure.take() {
        Some(e) => Err(e),
        None => Ok(sim.finish()),
    }
}

/// The state of a run in progress: the scenario, the recorder, the placement index, the
/// profile, and the parts, each in its module ([`clock`], [`fleet`], [`accounts`],
/// [`workload`], [`policies`], [`diagnostics`]).
pub(crate) struct Simulation<'a> {
    setup: &'a Setup,
    recorder: &'a mut dyn Recorder,
    clock: Clock,
    fleet: Fleet,
    /// Hosts by class and power state, for placement searches ([`fleet::placement_index`]).
    index: PlacementIndex,
    accounts: Accounts,
    workload: Workload,
    policies: Policies,
    diagnostics: Diagnostics,
    /// The accounting profile the run follows, and its state ([`profile`]).
    profile: ProfileRun,
    /// Host failures and VM restarts, when the scenario has failures ([`failures`]).
    failures: Option<failures::FailureRun>,
}

impl<'a> Simulation<'a> {
    /// A run of `setup` reporting to `recorder`, and its VM selection policy, which the run
    /// loop holds beside it ([`Selection`]).
    pub(super) fn new(
        setup: &'a Setup,
        recorder: &'a mut dyn Recorder,
    ) -> Result<(Self, Selection), String> {
        let initial_placement = build(
            PLACEMENTS,
            "placement",
            &setup.initial_placement,
            None,
            setup.seed,
        )?;
        let (consolidation, selection) = match &setup.consolidation {
            None => (None, None),
            Some(c) => {
                let consolidation = Consolidation {
                    detector: build(
                        DETECTORS,
                        "overload",
                        profile::detector_name(setup.profile, &c.overload),
                        c.overload_param,
                        setup.seed,
                    )?,
                    placement: build(PLACEMENTS, "placement", &c.placement, None, setup.seed)?,
                    underload_threshold: c.underload_threshold,
                    evacuation_failures: c.evacuation_failures,
                    destination_headroom: c.destination_headroom,
                    all_dimensions: c.all_dimensions,
                };
                let selection = match profile::selection(setup.profile, &c.selection) {
                    Some(s) => s,
                    None => build(
                        SELECTIONS,
                        "selection",
                        &c.selection,
                        None,
                        seed_of(setup.seed, Stream::Selection),
                    )?,
                };
                (Some(Rc::new(consolidation)), Some(selection))
            }
        };
        let mut power: Box<dyn PowerPolicy> = match setup.power.name.as_str() {
            "dpm" => Box::new(Dpm::new(setup.power.dpm)),
            name => build(
                POWER_POLICIES,
                "power",
                name,
                Some(setup.power.headroom),
                setup.seed,
            )?,
        };
        if setup.power.forecast == Forecast::Yesterday {
            power = Box::new(Forecasting::new(power, setup.control_interval));
        }
        let hosts: Vec<Host> = setup
            .hosts
            .iter()
            .map(|&class| Host::new(class, PowerState::On))
            .collect();
        let mut vms = Vec::with_capacity(setup.vm_count());
        let mut lives = Vec::with_capacity(setup.vm_count());
        let mut arrivals = Vec::with_capacity(setup.vm_count());
        let mut lifetimes = stream(setup.seed, Stream::Lifetimes);
        for (g, group) in setup.groups.iter().enumerate() {
            let vm = |vm_type: usize, demand, ram| Vm {
                ram_demand_mb: setup.vm_types[vm_type].ram_mb,
                ram,
                origin: Origin::Group(g),
                vm_type,
                demand,
                state: VmState::Pending,
                demand_mips: 0.0,
                metered: Rates::IDLE,
            };
            let life = |lifetime| VmLife {
                lifetime,
                ..VmLife::default()
            };
            match &group.demand {
                GroupDemand::Curve(load) => {
                    for _ in 0..group.count {
                        arrivals.push((vms.len(), group.start));
                        // Drawn up front in VM order, so lifetimes do not depend on the
                        // policies.
                        let lifetime = group.lifetime.map(|l| l.draw(&mut lifetimes));
                        let ram = group.ram_load.map_or(RamDemand::Reserved, RamDemand::Curve);
                        vms.push(vm(group.vm_type, Demand::Curve(*load), ram));
                        lives.push(life(lifetime));
                    }
                }
                GroupDemand::Trace(tg) => {
                    let ram = tg.ram_trace.map_or(RamDemand::Reserved, RamDemand::Trace);
                    for t in &tg.vms {
                        arrivals.push((vms.len(), t.arrive));
                        let demand = Demand::Trace {
                            trace: tg.trace,
                            column: t.column,
                        };
                        vms.push(vm(t.vm_type, demand, ram));
                        lives.push(life(t.end.map(|e| e - t.arrive)));
                    }
                }
            }
        }
        let keep = consolidation
            .as_ref()
            .map_or(0, |c| c.detector.history_len());
        let keep = keep.max(selection.as_ref().map_or(0, |s| s.history_len()));
        let utilisation = if recorder.wants_host_utilisation() {
            vec![None; hosts.len()]
        } else {
            Vec::new()
        };
        let peak_draw = power.peak_draw();
        let vm_count = vms.len();
        let mut sim = Simulation {
            setup,
            recorder,
            clock: Clock {
                now: 0,
                queue: EventQueue::new(),
                events: 0,
            },
            fleet: Fleet {
                lives,
                ..Fleet::new(hosts, vms, keep)
            }
            .with_rules(setup.groups.iter().map(|g| g.rule.clone()).collect()),
            index: PlacementIndex::new(
                &setup.hosts,
                setup.host_classes.len(),
                &setup
                    .vm_types
                    .iter()
                    .map(|t| (t.ram_mb, t.disk_mb, t.net_mbps))
                    .collect::<Vec<_>>(),
            ),
            accounts: Accounts {
                price: setup.tariff.price_at(0),
                intensity: setup.intensity_at(0),
                deferred: (0, 0),
                waiting_core_ms: 0.0,
                started_since_row: 0,
                traffic: (0.0, 0.0),
                on_counts: (usize::MAX, 0),
                late_core_ms: 0.0,
                // Nothing is reported until the warm-up ends (`on_warmup_end`).
                first_reported_mig: if setup.warmup > 0 { MigId::MAX } else { 0 },
                utilisation,
                bound: None,
                packing: Default::default(),
                spread: Default::default(),
                vm_hours: accounts::vm_hours::VmHours::new(vm_count),
                unserved_reported: 0.0,
                switches: setup.racks.as_ref().map(accounts::switches::Switches::new),
            },
            workload: Workload {
                traces: Vec::new(),
                requests: requests::RequestRun::new(setup),
                services: scaling::ServiceRun::build(setup),
                arrivals,
                curve_levels: vec![None; setup.loads.len()],
                noise: stream(setup.seed, Stream::Noise),
                ram_noise: stream(setup.seed, Stream::MemoryNoise),
            },
            policies: Policies {
                initial_placement,
                consolidation,
                power,
                fit: setup.startup_fit,
                calm: calm::Calm::default(),
                evacuation_mix: day_mix::DayMix::default(),
                peak_draw,
                fixed_rates: matches!(setup.migration.model, setup::MigrationModel::Simple)
                    && setup
                        .host_classes
                        .windows(2)
                        .all(|w| w[0].net_mbps == w[1].net_mbps),
                cores_per_mips: setup
                    .vm_types
                    .iter()
                    .map(|t| {
                        if t.mips > 0.0 {
                            f64::from(t.vcpus) / t.mips
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            },
            diagnostics: Diagnostics {
                check: false,
                violation: None,
                failure: None,
                conflicts: conflicts::ConflictCounts::default(),
                open_waits: std::collections::BTreeMap::new(),
            },
            profile: ProfileRun::Realistic,
            failures: setup
                .failures
                .as_ref()
                .map(|_| failures::FailureRun::new(setup.hosts.len())),
        };
        sim.profile = ProfileRun::new(
            setup,
            sim.fleet.hosts.len(),
            sim.fleet.vms.len(),
            sim.policies.peak_draw,
        );
        Ok((sim, selection))
    }

    /// Schedules the first events and places the VMs present at time 0.
    pub(super) fn start(&mut self) {
        // End first: among events at the end time, it runs before anything else.
        self.clock.queue.push(self.setup.duration, Event::End);
        // Next: among events at the warm-up's end, the reset runs first.
        if self.setup.warmup > 0 {
            self.clock.queue.push(self.setup.warmup, Event::WarmupEnd);
        }
        for h in 0..self.fleet.hosts.len() {
            self.refresh(h);
        }
        if let Err(e) = self.start_traces() {
            self.diagnostics.failure = Some(e);
            return;
        }
        let mut initial = Vec::new();
        for (vm, at) in std::mem::take(&mut self.workload.arrivals) {
            let at = self.deferred_start(vm, at);
            if at == 0 {
                self.fleet.vms[vm].state = VmState::Waiting;
                self.fleet.lives[vm].waiting_since = 0;
                self.fleet.lives[vm].arrived = Some(0);
                initial.push(vm);
            } else if at < self.setup.duration {
                self.clock.queue.push(at, Event::VmArrive(vm));
            }
        }
        initial.extend(self.start_services());
        self.sample_load();
        self.place_initial(initial);
        self.start_requests();
        if let Some(t) = self.setup.tariff.next_change_after(0) {
            self.clock.queue.push(t, Event::TariffChange);
        }
        self.schedule_intensity_change();
        self.schedule_first_ticks();
        self.schedule_failures();
    }

    /// Runs events until the end, the first failure or the first invariant violated. Every
    /// handler keeps these ordering rules:
    /// - Events run in (time, insertion sequence) order: `End` is queued first, so it runs
    ///   first among events at the end time; `WarmupEnd` likewise at its time.
    /// - Accrue before a change, refresh after: before a handler changes a host's power
    ///   state, VMs, migrations or their demand it calls [`Self::accrue`] (energy up to now
    ///   at the old draw and price), and after the change [`Self::refresh`] (loads, draw, the
    ///   placement index). A tariff change accrues every host before the price moves.
    /// - Work the profile put off is done before the next event ([`Self::before_event`])
    ///   and before placement reads host loads ([`Self::settle`]).
    /// - Stale events are dropped: a boot or shutdown carries its host's generation, a
    ///   migration step its migration's stamp.
    /// - Invariants are checked between events, never inside one, and not after a stale
    ///   migration step (it changes nothing).
    ///
    /// `selection` is the run's VM selection policy, lent to each control tick.
    pub(super) fn run(&mut self, selection: &mut Selection) {
        while let Some((time, event)) = self.clock.queue.pop() {
            self.before_event(time, &event);
            if self.diagnostics.failure.is_some() {
                break;
            }
            debug_assert!(time >= self.clock.now, "time went backwards");
            self.clock.now = time;
            self.clock.events += 1;
            // A stale migration step changes nothing, so there is nothing to check after it.
            let check = self.diagnostics.check
                && !matches!(event, Event::MigrationStep { mig, stamp }
                    if self.fleet.migrations[mig].stamp != stamp);
            match event {
                Event::LoadStep => self.on_load_step(),
                Event::ControlTick => {
                    let selection = selection.as_mut().map(|s| &mut **s as &mut dyn VmSelection);
                    self.on_control_tick(selection)
                }
                Event::TariffChange => self.on_tariff_change(),
                Event::IntensityChange => self.on_intensity_change(),
                Event::VmArrive(vm) => self.on_vm_arrive(vm),
                Event::VmEnd(vm) => self.on_vm_end(vm),
                Event::MigrationStep { mig, stamp } => self.on_migration_step(mig, stamp),
                Event::BootDone { host, generation } => self.on_boot_done(host, generation),
                Event::ShutdownDone { host, generation } => self.on_shutdown_done(host, generation),
                Event::TraceStep(t) => self.on_trace_step(t),
                Event::Request(team) => self.on_request(team),
                Event::ScaleAt(s) => self.on_scale_at(s),
                Event::Autoscale(s) => self.on_autoscale(s),
                Event::WarmupEnd => self.on_warmup_end(),
                Event::End => {
                    self.on_end();
                    break;
                }
                Event::HostFail { host, repair } => self.on_host_fail(host, repair),
                Event::HostRepair(host) => self.on_host_repair(host),
                Event::VmRestart(vm) => self.on_vm_restart(vm),
            }
            // The invariants read no state a refresh sets: they hold with refreshes put off.
            if check && let Err(what) = self.check_invariants() {
                self.diagnostics.violation = Some(format!(
                    "after {event:?} at {} s: {what}",
                    secs(self.clock.now)
                ));
                break;
            }
        }
        self.settle();
    }

    // ---- bookkeeping -------------------------------------------------------------------

    pub(super) fn accrue_all(&mut self) {
        for h in 0..self.fleet.hosts.len() {
            self.accrue(h);
        }
        self.accrue_switches();
    }

    // ---- load --------------------------------------------------------------------------

    /// Re-samples every live VM's demand (and every service's) and refreshes every host.
    /// The VM-hour meters of the VMs on hosts are run up to now in the same pass, in VM
    /// order, so the refreshes only write each VM's new rates (`accounts::vm_hours`).
    pub(super) fn sample_load(&mut self) {
        self.accrue_all();
        self.sample_services();
        let now = self.clock.now;
        let vms = self.fleet.vms.len();
        self.accounts.vm_hours.prepare(now, vms);
        for vm in 0..vms {
            match self.fleet.vms[vm].state {
                VmState::Pending | VmState::Ended => continue,
                VmState::Running(_) | VmState::Migrating(_) => {
                    let rates = self.fleet.vms[vm].metered;
                    self.accounts.vm_hours.advance_prepared(vm, now, rates);
                }
                VmState::Waiting | VmState::Down => self.meter_waiting(vm),
            }
            self.fleet.vms[vm].demand_mips = self.demand_now(vm);
            if self.fleet.vms[vm].ram != RamDemand::Reserved {
                self.sample_memory(vm);
            }
        }
        self.accounts.vm_hours.metered_to = Some(now);
        for h in 0..self.fleet.hosts.len() {
            self.refresh(h);
            if !self.fleet.hosts[h].migrations.is_empty() {
                self.check_destination_overload(h);
            }
        }
        self.accounts.vm_hours.metered_to = None;
    }

    /// VM `vm`'s CPU demand now, MIPS: its load curve (with fresh noise), its trace's
    /// current sample, or (a replica) its idle floor plus its share of its service.
    pub(super) fn demand_now(&mut self, vm: VmId) -> f64 {
        let size = self.setup.vm_types[self.fleet.vms[vm].vm_type].mips;
        let fraction = match self.fleet.vms[vm].demand {
            Demand::Curve(load) => {
                // The level is the same for every VM on the curve at a time: compute it once.
                let level = match self.workload.curve_levels[load] {
                    Some((t, level)) if t == self.clock.now => level,
                    _ => {
                        let level = self.setup.loads[load].level(self.clock.now);
                        self.workload.curve_levels[load] = Some((self.clock.now, level));
                        level
                    }
                };
                self.setup.loads[load].with_noise(level, &mut self.workload.noise)
            }
            Demand::Trace { trace, column } => self.trace_demand(trace, column),
            Demand::Service(s) => self.replica_fraction(s),
        };
        fraction * size
    }

    pub(super) fn on_load_step(&mut self) {
        self.sample_load();
        let next = self.clock.now + self.setup.load_step;
        if next < self.setup.duration {
            self.clock.queue.push(next, Event::LoadStep);
        }
    }

    /// A control tick: the profile's decisions (consolidation with `selection`, when the run
    /// consolidates), waiting VMs placed, a timeseries row.
    pub(super) fn on_control_tick(&mut self, selection: Option<&mut dyn VmSelection>) {
        self.tick_decisions(selection);
        self.place_waiting();
        self.record_interval();
        let next = self.clock.now + self.setup.control_interval;
        if next < self.setup.duration {
            self.clock.queue.push(next, Event::ControlTick);
        }
    }

    pub(super) fn on_tariff_change(&mut self) {
        self.accrue_all();
        self.accounts.price = self.setup.tariff.price_at(self.clock.now);
        if let Some(t) = self.setup.tariff.next_change_after(self.clock.now) {
            self.clock.queue.push(t, Event::TariffChange);
        }
    }

    /// The grid intensity steps: every host is accrued at the old intensity first, as for a
    /// tariff change, so emissions split exactly at the step.
    pub(super) fn on_intensity_change(&mut self) {
        self.accrue_all();
        self.accounts.intensity = self.setup.intensity_at(self.clock.now);
        self.schedule_intensity_change();
    }

    /// Queues the next intensity step before the end, if the intensity changes again.
    fn schedule_intensity_change(&mut self) {
        let next = self
            .setup
            .carbon
            .as_ref()
            .and_then(|c| c.intensity.as_ref())
            .and_then(|i| i.next_change_after(self.clock.now));
        if let Some(t) = next.filter(|&t| t < self.setup.duration) {
            self.clock.queue.push(t, Event::IntensityChange);
        }
    }
}

fn seed_of(seed: u64, s: Stream) -> u64 {
    use rand::Rng;
    stream(seed, s).next_u64()
}
