//! The `cloudsim` accounting profile: CloudSim 3.0.3's modelling choices, on the same engine
//! and policies, so that its PlanetLab consolidation study can be reproduced (see
//! `docs/validation.md`).
//!
//! Under this profile the datacenter is *updated* at control ticks (offset by
//! [`TICK_OFFSET`], as CloudSim's periodic events are) and whenever migrations end. At an
//! update every VM's demand is re-read (traces interpolated between samples), every host's CPU
//! is shared CloudSim's way ([`share`]), and between two updates a host's energy is the
//! trapezoid of its power at both ends, or nothing if it carried no load at the first one (a
//! host with no load is off; switching is instant and free). SLATAH and PDM follow CloudSim's
//! state histories: a host violates its SLA while it delivers less CPU than is asked of it
//! (an arriving VM asks for all of its demand but gets 10 %), and a migrating VM loses what its
//! source does not deliver. A VM whose demand is exactly 0 at an update ends (CloudSim takes
//! its workload as finished). Consolidation follows CloudSim's loop ([`plan`]).

mod control;
pub(crate) mod plan;
pub mod share;

use super::{ProfileRun, Rules};
use crate::model::host::{HostClass, PowerState};
use crate::model::power::PowerModel;
use crate::model::vm::VmType;
use crate::sim::energy::Split;
use crate::sim::fleet::Fleet;
use crate::sim::setup::Setup;
use crate::sim::state::*;
use crate::sim::{Event, Simulation};
use crate::time::{SimTime, secs};
use share::{Claim, Role, Scheduler};

/// CloudSim runs its periodic update 0.1 s after each multiple of the scheduling interval
/// (300.1 s, 600.1 s, ...): the control ticks of the profile are offset by as much.
pub const TICK_OFFSET: SimTime = 100;

/// What the profile changes in shared code: hosts are on exactly while they carry load, RAM
/// is checked only at first placement, a vCPU needs a core as fast as its share, VM lists
/// keep their order, new VMs go where they fit (CloudSim's rules), and trace demand is
/// interpolated between samples.
pub(crate) const RULES: Rules = Rules {
    hosts_follow_load: true,
    ram_overcommits: true,
    vcpu_by_share: true,
    ordered_lists: true,
    new_vms_below_ceiling: false,
    interpolated_traces: true,
};

/// A state-history entry of a host: what it delivered and was asked from `time` on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct HostEntry {
    time: SimTime,
    allocated: f64,
    requested: f64,
    active: bool,
}

/// A state-history entry of a VM.
#[derive(Debug, Clone, Copy, PartialEq)]
struct VmEntry {
    time: SimTime,
    /// Host whose meters the interval is charged to.
    host: HostId,
    allocated: f64,
    requested: f64,
    migrating: bool,
}

/// Per-host accounting of the profile.
#[derive(Debug, Clone, Default)]
struct HostAccount {
    /// CPU the host delivers (CloudSim's utilisation, MIPS) since its last change.
    allocated: f64,
    /// The host's power at `allocated` (its idle draw when it delivers nothing), W.
    watts: f64,
    /// Latest state entry (replaced while the time stays the same).
    entry: Option<HostEntry>,
    /// Whether the last closed entry was active (CloudSim starts from "active").
    was_active: bool,
}

/// The profile's state during a run.
#[derive(Debug, Clone)]
pub(crate) struct Cloudsim {
    /// Time up to which energy is accounted.
    last_update: SimTime,
    /// Whether the first update happened (nothing is accounted before it).
    started: bool,
    /// Every host draws its peak power all the time (the `npa` power policy).
    peak: bool,
    /// CloudSim's clock at the current update, s (a migration ends at its start plus RAM over
    /// rate, computed in seconds as CloudSim does).
    clock: f64,
    hosts: Vec<HostAccount>,
    vms: Vec<Option<VmEntry>>,
    /// Per VM, the second migration planned in the same round, if any.
    follow: Vec<Option<MigId>>,
    /// Per VM, whether its second migration finished copying before the first ended (over a
    /// faster link): it then lands once the first has (see [`Simulation::cs_follow_waits`]).
    follow_copied: Vec<bool>,
    /// Each host class's power model in CloudSim's arithmetic.
    power: Vec<PowerModel>,
    claims: Vec<Claim>,
    members: Vec<VmId>,
    shares: Vec<f64>,
    /// Each host's `allocated` and `watts` before an update (reused from update to update).
    before: Vec<(f64, f64)>,
    /// Whether refreshes are being collected (see [`Simulation::cs_batch`]).
    batching: bool,
    /// Whether the refreshes of the migrations ending at one instant are collected (off only
    /// in the test that shows collecting changes nothing).
    #[cfg(test)]
    batch_steps: bool,
    /// The hosts whose refresh was put off, in order, each once.
    batch: Vec<HostId>,
    /// Per host, whether it is in `batch`.
    batched: Vec<bool>,
    /// The planner's per-host VM lists, kept from round to round for their buffers.
    lists: Vec<plan::HostList>,
    /// Per trace, the time since its current sample at an update, s (reused from update to
    /// update).
    trace_clocks: Vec<f64>,
}

impl Cloudsim {
    /// The profile's state for `hosts` hosts and `vms` VMs; `peak` for the non-power-aware
    /// baseline.
    pub(crate) fn new(classes: &[HostClass], hosts: usize, vms: usize, peak: bool) -> Self {
        Cloudsim {
            power: classes
                .iter()
                .map(|c| c.power.in_cloudsim_arithmetic())
                .collect(),
            last_update: 0,
            started: false,
            peak,
            clock: 0.0,
            hosts: vec![
                HostAccount {
                    was_active: true,
                    ..HostAccount::default()
                };
                hosts
            ],
            vms: vec![None; vms],
            follow: vec![None; vms],
            follow_copied: vec![false; vms],
            claims: Vec::new(),
            members: Vec::new(),
            shares: Vec::new(),
            before: Vec::new(),
            batching: false,
            #[cfg(test)]
            batch_steps: true,
            batch: Vec::new(),
            batched: vec![false; hosts],
            lists: Vec::new(),
            trace_clocks: Vec::new(),
        }
    }

    /// Checks the second migrations planned in a round (for the invariant checker): each is in
    /// flight, of its VM, which is migrating by another one; returns how many there are.
    pub(crate) fn follow_ups(&self, migrations: &[Migration], vms: &[Vm]) -> Result<usize, String> {
        let mut n = 0;
        for (vm, next) in self.follow.iter().enumerate() {
            let Some(m) = *next else { continue };
            let ok = migrations[m].vm == vm
                && migrations[m].outcome == MigrationOutcome::InFlight
                && matches!(vms[vm].state, VmState::Migrating(first) if first != m);
            if !ok {
                return Err(format!(
                    "VM {vm} has a second migration {m} pending, but it is {:?} of VM {} while the VM is {:?}",
                    migrations[m].outcome, migrations[m].vm, vms[vm].state
                ));
            }
            n += 1;
        }
        Ok(n)
    }

    /// Host class `class`'s power model in CloudSim's arithmetic.
    pub(crate) fn power(&self, class: usize) -> &PowerModel {
        &self.power[class]
    }

    /// CloudSim's clock at the current update, s.
    pub(crate) fn clock(&self) -> f64 {
        self.clock
    }

    fn set_follow(&mut self, vm: VmId, m: Option<MigId>) {
        self.follow[vm] = m;
        self.follow_copied[vm] = false;
    }

    /// Takes `vm`'s second migration, and whether it already finished copying.
    fn take_follow(&mut self, vm: VmId) -> Option<(MigId, bool)> {
        let next = self.follow.get_mut(vm).and_then(Option::take)?;
        Some((next, std::mem::take(&mut self.follow_copied[vm])))
    }

    /// Whether `vm` has a second migration pending.
    fn has_follow(&self, vm: VmId) -> bool {
        self.follow.get(vm).is_some_and(Option::is_some)
    }

    /// CloudSim's utilisation of every host at its last change, MIPS.
    pub(crate) fn allocated(&self) -> impl Iterator<Item = f64> + '_ {
        self.hosts.iter().map(|h| h.allocated)
    }
}

/// The CPU sharing rule of hosts of class `class` under the profile.
pub(crate) fn scheduler(setup: &Setup, class: usize) -> Scheduler {
    let class = &setup.host_classes[class];
    let m = &setup.migration;
    Scheduler {
        capacity: class.mips,
        core: class.core_mips(),
        keep: 1.0 - m.degradation,
        arrive: m.overhead_destination,
    }
}

/// The refresh of a host under the profile, on the fleet alone.
impl Cloudsim {
    /// Re-shares host `h`'s CPU at `now`: its loads, delivered CPU, draw and power state, and
    /// (once the first update has happened) its state entry and those of its VMs (vCPUs per
    /// MIPS of each VM type: `per_mips`).
    fn refresh(
        &mut self,
        fleet: &mut Fleet,
        setup: &Setup,
        per_mips: &[f64],
        now: SimTime,
        h: HostId,
    ) {
        self.gather(fleet, setup, now, h);
        let class_id = fleet.hosts[h].class;
        let totals = scheduler(setup, class_id).share(&self.claims, &mut self.shares);
        let class = &setup.host_classes[class_id];
        let power = &self.power[class_id];
        let active = totals.allocated > 0.0;
        // With no CPU delivered, the utilisation is 0, where a model draws its idle power.
        let watts = if active {
            power.watts(utilisation(totals.allocated, class.mips))
        } else {
            power.idle_w()
        };
        if self.started {
            self.hosts[h].allocated = totals.allocated;
            self.hosts[h].watts = watts;
        }
        let host = &mut fleet.hosts[h];
        host.load_mips = totals.allocated;
        host.lost_mips = totals.requested - totals.allocated;
        host.draw = if self.peak {
            Split::peak(power)
        } else if active {
            Split::running(power, watts)
        } else {
            Split::default()
        };
        if !self.started {
            return;
        }
        host.state = if active || self.peak {
            PowerState::On
        } else {
            PowerState::Off
        };
        let entry = HostEntry {
            time: now,
            allocated: totals.allocated,
            requested: totals.requested,
            active,
        };
        self.host_entry(host, h, entry);
        for i in 0..self.members.len() {
            let c = self.claims[i];
            if c.role == Role::Arriving {
                continue;
            }
            let entry = VmEntry {
                time: now,
                host: h,
                allocated: self.shares[i],
                requested: c.requested,
                migrating: c.role == Role::Leaving,
            };
            let vm = self.members[i];
            self.vm_entry(fleet, per_mips, vm, entry);
        }
    }

    /// In one pass over host `h`'s VMs and migrations: fills `members` and `claims`
    /// (residents and leaving VMs in list order, then arriving VMs), and sets the host's
    /// requested, committed and sized loads, `empty_since` and `shutdown_pending` with the
    /// realistic model's sums ([`sum_loads`]).
    fn gather(&mut self, fleet: &mut Fleet, setup: &Setup, now: SimTime, h: HostId) {
        self.claims.clear();
        self.members.clear();
        let (vms, migrations, types) = (&fleet.vms, &fleet.migrations, &setup.vm_types);
        let mut visitor = Claims {
            h,
            members: &mut self.members,
            claims: &mut self.claims,
            vms,
            migrations,
            types,
        };
        let loads = sum_loads(h, &fleet.hosts[h], (vms, migrations, types), &mut visitor);
        fleet.hosts[h].set_loads(&loads, now);
    }

    /// Records host `h`'s state from `entry.time` on, closing its previous entry: time active,
    /// time delivering less than asked (SLATAH), and switch-offs.
    fn host_entry(&mut self, host: &mut Host, h: HostId, entry: HostEntry) {
        let account = &mut self.hosts[h];
        if let Some(prev) = account.entry
            && prev.time < entry.time
        {
            let dt = entry.time - prev.time;
            let meters = &mut host.meters;
            if prev.active {
                meters.on_ms += dt;
                if prev.allocated < prev.requested {
                    meters.overload_ms += dt;
                }
            }
            close_transition(account, host, prev.active);
        }
        account.entry = Some(entry);
    }

    /// Records VM `vm`'s state from `entry.time` on, closing its previous entry: CPU asked,
    /// and CPU lost while migrating (PDM), charged to the host it ran on.
    fn vm_entry(&mut self, fleet: &mut Fleet, per_mips: &[f64], vm: VmId, entry: VmEntry) {
        if let Some(prev) = self.vms[vm]
            && prev.time < entry.time
        {
            let dt = (entry.time - prev.time) as f64;
            let per_mips = per_mips[fleet.vms[vm].vm_type];
            let meters = &mut fleet.hosts[prev.host].meters;
            meters.requested_mips_ms += prev.requested * dt;
            if prev.migrating {
                meters.lost_mips_ms += (prev.requested - prev.allocated) * dt;
            }
            meters.requested_core_ms += prev.requested * per_mips * dt;
            meters.unserved_core_ms += (prev.requested - prev.allocated).max(0.0) * per_mips * dt;
        }
        self.vms[vm] = Some(entry);
    }
}

/// CloudSim's utilisation of a host as a fraction, as its power model and policies read it:
/// values just above 1 (rounding) count as 1.
pub(crate) fn utilisation(allocated: f64, capacity: f64) -> f64 {
    let u = allocated / capacity;
    if u > 1.0 && u < 1.01 { 1.0 } else { u }
}

impl Simulation<'_> {
    /// Re-shares host `h`'s CPU the profile's way after a change: its loads (as
    /// [`Simulation::refresh`] defines them), delivered CPU, draw and power state, and (once
    /// the first update has happened) its state entry and those of its VMs at the current time.
    pub(in crate::sim) fn cs_refresh(&mut self, h: HostId) {
        let ProfileRun::Cloudsim(cs) = &mut self.profile else {
            return;
        };
        if cs.batching {
            if !cs.batched[h] {
                cs.batched[h] = true;
                cs.batch.push(h);
            }
            return;
        }
        let per_mips = &self.policies.cores_per_mips;
        cs.refresh(&mut self.fleet, self.setup, per_mips, self.clock.now, h);
    }

    /// The CPU sharing rule of host `h` under the profile.
    pub(in crate::sim) fn scheduler(&self, h: HostId) -> Scheduler {
        scheduler(self.setup, self.fleet.hosts[h].class)
    }

    /// Starts (`on`) or ends collecting refreshes: while on, a host's refresh is put off, and
    /// ending refreshes each host that asked, once. For a batch of changes at one instant in
    /// which nothing reads what a refresh sets (the migrations a round plans, those that end
    /// together): a refresh reads the host's own lists and replaces its state entries at the
    /// same time, so the last of several refreshes of a host is the one that counts, whatever
    /// the order of hosts. (It also reads the power state the last refresh left, for
    /// `empty_since`, which only power management reads, and the profile has none.)
    pub(in crate::sim) fn cs_batch(&mut self, on: bool) {
        if !on && !self.cs_batching() {
            return;
        }
        let Some(cs) = self.profile.cloudsim_mut() else {
            return;
        };
        cs.batching = on;
        if on {
            return;
        }
        let mut batch = std::mem::take(&mut cs.batch);
        for &h in &batch {
            if let Some(cs) = self.profile.cloudsim_mut() {
                cs.batched[h] = false;
            }
            self.cs_refresh(h);
        }
        batch.clear();
        if let Some(cs) = self.profile.cloudsim_mut() {
            cs.batch = batch;
        }
    }

    /// Before `event` at `time`: the refreshes put off by the migrations that ended at the
    /// last instant are done before anything else happens ([`Self::cs_step_ready`]).
    pub(in crate::sim) fn cs_before_event(&mut self, time: SimTime, event: &Event) {
        if self.cs_batching()
            && (time != self.clock.now || !matches!(event, Event::MigrationStep { .. }))
        {
            self.cs_batch(false);
        }
    }

    /// Whether migration `m`'s step goes on: CloudSim updates the datacenter before moving
    /// the VM (its clock at the copy's start plus RAM over rate), which may end the VM; a
    /// second migration whose copy ended before the first's waits for it. Otherwise the
    /// refreshes of the migrations ending at this instant are collected from here on.
    pub(in crate::sim) fn cs_step_ready(&mut self, m: MigId) -> bool {
        if self.cs_due() {
            let mig = &self.fleet.migrations[m];
            let clock = secs(mig.start) + mig.round_mb / mig.rate_mb_s;
            self.cs_update(false, clock);
            if self.fleet.migrations[m].outcome != MigrationOutcome::InFlight {
                return false;
            }
        }
        if self.cs_follow_waits(m) {
            return false;
        }
        self.cs_batch_steps();
        true
    }

    /// Whether refreshes are being collected ([`Self::cs_batch`]).
    pub(in crate::sim) fn cs_batching(&self) -> bool {
        self.profile.cloudsim().is_some_and(|cs| cs.batching)
    }

    /// Starts collecting the refreshes of the migrations that end at this instant (see
    /// [`Simulation::run`]): the update at the first of them has accounted every host up to
    /// now, so only each host's final state at the instant counts.
    pub(in crate::sim) fn cs_batch_steps(&mut self) {
        #[cfg(test)]
        if self.profile.cloudsim().is_some_and(|cs| !cs.batch_steps) {
            return;
        }
        self.cs_batch(true);
    }

    /// Whether a refresh of host `h` now would change nothing the run reads: it has no VM and
    /// no migration (so it was last refreshed that way: the energy rule), and its last state
    /// entry is inactive with no switch-off left to count, so closing it adds nothing. Only
    /// the entry's start time would move, which an inactive entry never reads.
    fn cs_settled(&self, h: HostId) -> bool {
        let host = &self.fleet.hosts[h];
        let Some(cs) = self.profile.cloudsim() else {
            return false;
        };
        let account = &cs.hosts[h];
        host.vms.is_empty()
            && host.migrations.is_empty()
            && !account.was_active
            && account.entry.is_some_and(|e| !e.active)
    }

    /// Whether the profile is on and its last update is older than now.
    pub(in crate::sim) fn cs_due(&self) -> bool {
        self.profile
            .cloudsim()
            .is_some_and(|cs| !cs.started || cs.last_update < self.clock.now)
    }

    /// The profile's full update at the current time (`clock`: CloudSim's clock, s): demands
    /// re-read, every host re-shared,
    /// energy of the interval since the last update added, VM histories recorded (at a tick),
    /// and VMs whose demand is 0 ended.
    pub(in crate::sim) fn cs_update(&mut self, tick: bool, clock: f64) {
        let now = self.clock.now;
        let Some(cs) = self.profile.cloudsim_mut() else {
            return;
        };
        let dt = now - cs.last_update;
        cs.started = true;
        cs.clock = clock;
        let mut before = std::mem::take(&mut cs.before);
        before.clear();
        before.extend(cs.hosts.iter().map(|a| (a.allocated, a.watts)));
        // Each trace's clock once per update, not once per VM (`demand_now` works it out per
        // call; the other kinds of demand go through it).
        let mut clocks = self
            .profile
            .cloudsim_mut()
            .map(|cs| std::mem::take(&mut cs.trace_clocks))
            .unwrap_or_default();
        clocks.clear();
        clocks.extend((0..self.workload.traces.len()).map(|t| self.trace_clock(t)));
        // Whether a VM's demand is 0 (only then may one end below).
        let mut idle = false;
        for vm in 0..self.fleet.vms.len() {
            if !matches!(
                self.fleet.vms[vm].state,
                VmState::Running(_) | VmState::Migrating(_)
            ) {
                continue;
            }
            let demand = match self.fleet.vms[vm].demand {
                Demand::Trace { trace, column } => {
                    let size = self.setup.vm_types[self.fleet.vms[vm].vm_type].mips;
                    self.trace_fraction_at(trace, column, clocks[trace]) * size
                }
                _ => self.demand_now(vm),
            };
            idle |= demand == 0.0;
            self.fleet.vms[vm].demand_mips = demand;
        }
        if let Some(cs) = self.profile.cloudsim_mut() {
            cs.trace_clocks = clocks;
        }
        let (price, intensity) = (self.accounts.price, self.accounts.intensity);
        let peak = self.profile.cloudsim().is_some_and(|cs| cs.peak);
        for (h, &(from, p0)) in before.iter().enumerate() {
            if !self.cs_settled(h) {
                self.refresh(h);
            }
            if from == 0.0 && !peak {
                // Off at the start of the interval: it drew and delivered nothing (adding the
                // zeros below would leave every sum as it is).
                self.fleet.hosts[h].energy.skip_to(self.clock.now);
                continue;
            }
            let cs = self.profile.cloudsim().expect("profile state");
            let class = &self.setup.host_classes[self.fleet.hosts[h].class];
            let power = &cs.power[self.fleet.hosts[h].class];
            let (to, p1) = (cs.hosts[h].allocated, cs.hosts[h].watts);
            let seconds = dt as f64 / 1000.0;
            let (u0, u1) = (utilisation(from, class.mips), utilisation(to, class.mips));
            // Mean draw over the interval: the peak for the non-power-aware baseline, else
            // the trapezoid of both ends (a host off at the start was skipped above).
            let mean = if peak {
                power.max_w()
            } else {
                p0 + (p1 - p0) / 2.0
            };
            let idle_w = power.idle_w();
            let host = &mut self.fleet.hosts[h];
            if mean > 0.0 {
                let draw = Split {
                    idle: idle_w,
                    dynamic: mean - idle_w,
                    ..Split::default()
                };
                host.energy.accrue(self.clock.now, &draw, price, intensity);
            } else {
                host.energy.skip_to(self.clock.now);
            }
            host.meters.utilisation_ms += if from != 0.0 {
                (u0 + u1) / 2.0 * seconds * 1000.0
            } else {
                0.0
            };
        }
        if let Some(cs) = self.profile.cloudsim_mut() {
            cs.last_update = self.clock.now;
            cs.before = before;
        }
        if tick {
            self.fleet.history.record(&self.fleet.vms);
        }
        if idle {
            self.end_idle_vms();
        }
    }

    /// Ends every running VM whose demand is exactly 0 (CloudSim's "completed" VMs).
    pub(in crate::sim) fn end_idle_vms(&mut self) {
        for h in 0..self.fleet.hosts.len() {
            let mut i = 0;
            while i < self.fleet.hosts[h].vms.len() {
                let vm = self.fleet.hosts[h].vms[i];
                if self.fleet.vms[vm].state == VmState::Running(h)
                    && self.fleet.vms[vm].demand_mips == 0.0
                {
                    self.on_vm_end(vm);
                } else {
                    i += 1;
                }
            }
        }
    }

    /// Closes the profile's histories at the end of the run (the last switch-offs count).
    pub(in crate::sim) fn cs_finish(&mut self) {
        let ProfileRun::Cloudsim(cs) = &mut self.profile else {
            return;
        };
        for (account, host) in cs.hosts.iter_mut().zip(&mut self.fleet.hosts) {
            if let Some(last) = account.entry {
                close_transition(account, host, last.active);
            }
        }
    }
}

/// Collects host `h`'s VMs and their claims on its CPU while its loads are summed:
/// residents and leaving VMs in list order, then arriving VMs.
struct Claims<'a> {
    h: HostId,
    members: &'a mut Vec<VmId>,
    claims: &'a mut Vec<Claim>,
    vms: &'a [Vm],
    migrations: &'a [Migration],
    types: &'a [VmType],
}

impl LoadVisitor for Claims<'_> {
    #[inline(always)]
    fn vm(&mut self, vm: VmId, v: &Vm) {
        let role = match v.state {
            VmState::Migrating(m) if self.migrations[m].source == self.h => Role::Leaving,
            _ => Role::Resident,
        };
        self.members.push(vm);
        self.claims
            .push(claim(v, self.types[v.vm_type].vcpus, role));
    }

    #[inline(always)]
    fn migration(&mut self, mig: &Migration) {
        if mig.source != self.h && mig.destination == self.h {
            let v = &self.vms[mig.vm];
            self.members.push(mig.vm);
            self.claims
                .push(claim(v, self.types[v.vm_type].vcpus, Role::Arriving));
        }
    }
}

/// VM `v`'s claim (with `vcpus` virtual CPUs) in role `role`.
fn claim(v: &Vm, vcpus: u32, role: Role) -> Claim {
    Claim {
        requested: v.demand_mips,
        vcpus,
        role,
    }
}

/// Counts a switch-off (active to inactive) or a switch-on when an entry closes.
fn close_transition(account: &mut HostAccount, host: &mut Host, active: bool) {
    if account.was_active && !active {
        host.shutdowns += 1;
    } else if !account.was_active && active {
        host.boots += 1;
    }
    account.was_active = active;
}

/// The detector a run builds for `name`: under the profile `lrr` is `lr`, because CloudSim
/// 3.0.3's robust regression computes its weights but never applies them.
pub(crate) fn detector_name(name: &str) -> &str {
    if name == "lrr" { "lr" } else { name }
}

/// The selection a run builds for `name` when the profile changes it: MC with CloudSim's
/// fallbacks.
pub(crate) fn selection(name: &str) -> Option<Box<dyn crate::policy::selection::VmSelection>> {
    (name == "mc").then(|| {
        Box::new(crate::policy::selection::MaximumCorrelation {
            cloudsim_rules: true,
        }) as Box<dyn crate::policy::selection::VmSelection>
    })
}

#[cfg(test)]
mod tests;
