//! The parts a run is made of, each owning its state: the clock, the fleet, the accounts,
//! the workload runs, the policies and the diagnostics. [`super::Simulation`] holds one of
//! each; a function that needs only some of them can take those alone.

use super::conflicts::{ConflictCounts, ConflictKind};
use super::history::VmHistory;
use super::state::*;
use super::{Consolidator, Event, requests, scaling, traces};
use crate::engine::EventQueue;
use crate::policy::placement::Placement;
use crate::policy::power::PowerPolicy;
use crate::scenario::FitBasis;
use crate::time::SimTime;
use rand::rngs::Xoshiro256PlusPlus;
use std::collections::{BTreeMap, VecDeque};

/// Simulated time and what is due: events ordered by (time, insertion sequence).
pub(crate) struct Clock {
    /// The current time.
    pub now: SimTime,
    /// Events to come.
    pub queue: EventQueue<Event>,
    /// Events run so far.
    pub events: u64,
}

/// Hosts, VMs and migrations, and the queues of VMs and copies waiting for them.
pub(crate) struct Fleet {
    pub hosts: Vec<Host>,
    pub vms: Vec<Vm>,
    /// Every migration started, by id.
    pub migrations: Vec<Migration>,
    /// Migrations neither done nor aborted.
    pub in_flight: usize,
    /// Migrations waiting for a copy slot or a destination that is on, oldest first.
    pub mig_queue: Vec<MigId>,
    /// VMs waiting for a host, in the order they are placed.
    pub waiting: VecDeque<VmId>,
    /// VMs waiting for a host's migrations to end, and the host.
    pub deferred: Vec<(VmId, HostId)>,
    /// Each VM's utilisation at past control ticks, for the adaptive detectors and MC.
    pub history: VmHistory,
}

/// Prices and the meters that are not a host's own.
pub(crate) struct Accounts {
    /// Electricity price now, per kWh.
    pub price: f64,
    /// Demand of VMs while they waited for a host, vCPU x ms.
    pub waiting_core_ms: f64,
    /// Migrations started since the last timeseries row.
    pub started_since_row: usize,
    /// Fewest and most hosts on in a timeseries row.
    pub on_counts: (usize, usize),
    /// Migrations with a smaller id started during the warm-up and are not reported.
    pub first_reported_mig: MigId,
    /// Per-host utilisations handed to the recorder at each tick (reused; empty when the
    /// recorder does not want them).
    pub utilisation: Vec<Option<f64>>,
}

/// What drives demand: trace replays, team requests, services, arrivals and load curves.
pub(crate) struct Workload {
    /// Trace replays, one per setup trace.
    pub traces: Vec<traces::TraceRun>,
    /// Team requests.
    pub requests: requests::RequestRun,
    /// Replicated services.
    pub services: Vec<scaling::ServiceRun>,
    /// VMs of groups and when they arrive, until `start` schedules them.
    pub arrivals: Vec<(VmId, SimTime)>,
    /// Each load curve's noiseless level at the time it was last computed.
    pub curve_levels: Vec<Option<(SimTime, f64)>>,
    /// The load curves' noise.
    pub noise: Xoshiro256PlusPlus,
}

/// The decisions of a run and the constants they read.
pub(crate) struct Policies {
    /// Where new VMs go.
    pub initial_placement: Box<dyn Placement>,
    /// Consolidation, if the run consolidates.
    pub consolidator: Option<Consolidator>,
    /// Which hosts to power up and down.
    pub power: Box<dyn PowerPolicy>,
    /// What placement counts as a new VM's CPU need now: the start-up basis while the VMs of
    /// time 0 are placed, then the scenario's.
    pub fit: FitBasis,
    /// On hosts draw their peak power whatever their load (the `npa` power policy).
    pub peak_draw: bool,
    /// Whether a copy's rate is fixed once it starts: the simple migration model on links all
    /// of one speed (no copy then needs re-rating when another starts or ends).
    pub fixed_rates: bool,
    /// vCPUs per MIPS of each VM type: a VM's demand in vCPUs is its MIPS times this.
    pub cores_per_mips: Vec<f64>,
}

/// What the run reports about itself: conflicts, invariant checks, and why it stopped.
pub(crate) struct Diagnostics {
    /// Whether every invariant is checked after every event.
    pub check: bool,
    /// The first invariant violated, and after which event.
    pub violation: Option<String>,
    /// Why the run stopped early, if it did.
    pub failure: Option<String>,
    /// Conflicts logged, by kind.
    pub conflicts: ConflictCounts,
    /// VMs waiting on a logged conflict, and its kind.
    pub open_waits: BTreeMap<VmId, ConflictKind>,
}
