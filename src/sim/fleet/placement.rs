//! Placing VMs on hosts: arrivals, the waiting queue, provisioning next to migrations in
//! flight (allow / deny / defer), and VM ends.

use crate::model::host::{HostClass, PowerState};
use crate::policy::placement::Need;
use crate::policy::power;
use crate::sim::conflicts::ConflictKind;
use crate::sim::fleet::Fleet;
use crate::sim::fleet::placement_index::{Best, Hosts, PlacementIndex, Search, Window};
use crate::sim::fleet::rules::summed;
use crate::sim::setup::FitBasis;
use crate::sim::setup::Provisioning;
use crate::sim::state::*;
use crate::sim::{Event, Simulation};

/// Slack when comparing a host's utilisation with 100 %, for rounding in sums of demands.
pub(in crate::sim) const FIT_EPS: f64 = 1e-9;

impl Simulation<'_> {
    /// What VM `vm` needs of a host, its CPU counted by `basis`. Each vCPU needs a core at
    /// least as fast as the type's vCPUs, or as fast as its share of the CPU counted where the
    /// profile's rules say so ([`crate::sim::profile::Rules::vcpu_by_share`]).
    pub(in crate::sim) fn need(&self, vm: VmId, basis: FitBasis) -> Need {
        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
        let mips = match basis {
            FitBasis::Size => t.mips,
            FitBasis::Demand => self.fleet.vms[vm].demand_mips,
        };
        let per_vcpu = |mips: f64| mips / f64::from(t.vcpus.max(1));
        Need {
            mips,
            ram_mb: t.ram_mb,
            disk_mb: t.disk_mb,
            net_mbps: t.net_mbps,
            vcpu_mips: if self.profile.rules().vcpu_by_share {
                per_vcpu(mips)
            } else {
                per_vcpu(t.mips)
            },
        }
    }

    /// The best on host for a new VM under the initial placement policy (not one with
    /// migrations in flight, if `avoid_migrating`). Placing by demand in a run that
    /// consolidates, it first looks where consolidation would put the VM (below the overload
    /// detector's ceiling, less the destination head-room), so its next control tick finds
    /// nothing to move; failing that, anywhere it fits.
    ///
    /// The first VM of a keep-together group to start needs room for the members not running
    /// yet ([`Fleet::starting_with`]).
    fn find_for_new(&mut self, vm: VmId, avoid_migrating: bool) -> Option<HostId> {
        let fit = self.policies.fit;
        let gang = self.fleet.starting_with(vm);
        let need = if gang.len() == 1 {
            self.need(vm, fit)
        } else {
            summed(gang.iter().map(|&v| self.need(v, fit)))
        };
        let others = &gang[1..];
        let (fleet, setup, index) = (&self.fleet, self.setup, &mut self.index);
        let classes = &setup.host_classes;
        let excluded = |h: HostId| avoid_migrating && !fleet.hosts[h].migrations.is_empty();
        let policy = self.policies.initial_placement.as_ref();
        if fit == FitBasis::Demand
            && self.profile.rules().new_vms_below_ceiling
            && let Some(c) = &self.policies.consolidation
        {
            let search = Search {
                need: &need,
                basis: FitBasis::Demand,
                policy,
                state: PowerState::On,
                window: Window {
                    min: f64::NEG_INFINITY,
                    max: c.most(),
                },
                vm: Some(vm),
                ram_in_use: None,
            };
            let admission = c.admission(setup, false);
            let found = fleet.find_host(classes, index, &search, &excluded, &|h, u| {
                fleet.admits(&admission, h, u, vm, &need, others.iter().copied())
            });
            if found.is_some() {
                return found;
            }
        }
        let search = Search {
            need: &need,
            basis: fit,
            policy,
            state: PowerState::On,
            window: Window {
                min: f64::NEG_INFINITY,
                max: 1.0 + FIT_EPS,
            },
            vm: Some(vm),
            ram_in_use: None,
        };
        fleet.find_host(classes, index, &search, &excluded, &|_, _| true)
    }

    /// Tries to place a waiting VM with the initial placement policy. Returns whether it was
    /// placed or deferred (handled); `false` means no host fits and it must wait.
    pub(in crate::sim) fn try_place(&mut self, vm: VmId) -> bool {
        self.place_or_defer(vm, None)
    }

    /// [`Self::try_place`] for a VM that was deferred to host `before`: deferring it to the
    /// same host again is not a new conflict and is not logged again. A VM already started
    /// with its keep-together group is handled.
    fn place_or_defer(&mut self, vm: VmId, before: Option<HostId>) -> bool {
        if self.fleet.vms[vm].state != VmState::Waiting {
            return true;
        }
        let Some(h) = self.find_for_new(vm, false) else {
            return false;
        };
        if before == Some(h) && !self.fleet.hosts[h].migrations.is_empty() {
            self.fleet.deferred.push((vm, h));
            return true;
        }
        if self.fleet.hosts[h].migrations.is_empty() {
            self.start_with_group(vm, h);
            return true;
        }
        match self.setup.conflicts.provisioning {
            Provisioning::Allow => {
                self.conflict(
                    ConflictKind::ProvisionOnMigratingHost,
                    Some(vm),
                    &[h],
                    "allowed: placed on the host during its migration",
                );
                self.start_with_group(vm, h);
            }
            Provisioning::Deny => match self.find_for_new(vm, true) {
                Some(other) => {
                    self.conflict(
                        ConflictKind::ProvisionOnMigratingHost,
                        Some(vm),
                        &[h, other],
                        "denied: placed on the best host without a migration",
                    );
                    self.start_with_group(vm, other);
                }
                None => {
                    self.wait_conflict(
                        ConflictKind::ProvisionOnMigratingHost,
                        vm,
                        &[h],
                        "denied: no other host fits; waits for the host's migrations to end",
                    );
                    self.fleet.deferred.push((vm, h));
                }
            },
            Provisioning::Defer => {
                self.wait_conflict(
                    ConflictKind::ProvisionOnMigratingHost,
                    vm,
                    &[h],
                    "deferred until the host's migrations end",
                );
                self.fleet.deferred.push((vm, h));
            }
        }
        true
    }

    /// Starts VM `vm` on host `h` and, if it is the first of its keep-together group to run,
    /// the group's members waiting to be placed with it (queued, deferred, or down with
    /// their restart due): its search found room for them all, so they start together rather
    /// than leave that room to other VMs placed in between.
    fn start_with_group(&mut self, vm: VmId, h: HostId) {
        let gang = self.fleet.starting_with(vm);
        self.start_vm(vm, h);
        let now = self.clock.now;
        for &v in &gang[1..] {
            let due = match self.fleet.vms[v].state {
                VmState::Waiting => true,
                VmState::Down => (self.failures.as_ref()).is_some_and(|f| f.restart_due(v, now)),
                _ => false,
            };
            if due {
                self.fleet.waiting.retain(|&w| w != v);
                self.fleet.deferred.retain(|&(w, _)| w != v);
                self.start_vm(v, h);
            }
        }
    }

    /// Places again the deferred VMs whose host has no migration left (or all of them, with
    /// `all`, at a control tick: the best host may have changed); those that no longer fit
    /// anywhere join the waiting queue.
    pub(in crate::sim) fn retry_deferred(&mut self, all: bool) {
        let pending = std::mem::take(&mut self.fleet.deferred);
        for (vm, h) in pending {
            if !all && !self.fleet.hosts[h].migrations.is_empty() {
                self.fleet.deferred.push((vm, h));
            } else if !self.place_or_defer(vm, Some(h)) {
                self.fleet.waiting.push_back(vm);
            }
        }
    }

    /// Places a batch of arriving VMs (largest first if the policy says so); the rest wait.
    pub(in crate::sim) fn place_batch(&mut self, batch: Vec<VmId>) {
        for vm in self.in_placement_order(batch) {
            if !self.try_place(vm) {
                self.fleet.waiting.push_back(vm);
                self.wait_conflict(
                    ConflictKind::CapacityShortfall,
                    vm,
                    &[],
                    "queued until capacity is available",
                );
            }
        }
    }

    /// `batch` in the order the placement policy takes VMs: largest first (CPU need, then
    /// RAM; ties keep their order) for a decreasing policy, else as given.
    pub(in crate::sim) fn in_placement_order(&self, batch: Vec<VmId>) -> Vec<VmId> {
        if !self.policies.initial_placement.decreasing() {
            return batch;
        }
        let needs: Vec<Need> = batch
            .iter()
            .map(|&vm| self.need(vm, self.policies.fit))
            .collect();
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by(|&a, &b| {
            needs[b]
                .mips
                .total_cmp(&needs[a].mips)
                .then(needs[b].ram_mb.total_cmp(&needs[a].ram_mb))
        });
        order.into_iter().map(|i| batch[i]).collect()
    }

    /// Meters the demand VM `vm` left unserved while waiting, up to now; call before its
    /// demand changes and when it stops waiting.
    pub(in crate::sim) fn meter_waiting(&mut self, vm: VmId) {
        let v = &self.fleet.vms[vm];
        if matches!(v.state, VmState::Waiting | VmState::Down) {
            let since = &mut self.fleet.lives[vm].waiting_since;
            let dt = (self.clock.now - *since) as f64;
            let core_ms = v.demand_mips * self.policies.cores_per_mips[v.vm_type] * dt;
            if v.state == VmState::Waiting {
                self.accounts.waiting_core_ms += core_ms;
            }
            *since = self.clock.now;
            if let Some(f) = &mut self.failures {
                f.meter_shortfall(vm, core_ms);
            }
        }
    }

    pub(in crate::sim) fn start_vm(&mut self, vm: VmId, h: HostId) {
        debug_assert_eq!(
            self.fleet.hosts[h].state,
            PowerState::On,
            "VM placed on a host not on"
        );
        self.accrue(h);
        self.meter_waiting(vm);
        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
        let host = &mut self.fleet.hosts[h];
        host.vms.push(vm);
        host.book(t, 1.0);
        self.fleet.vms[vm].state = VmState::Running(h);
        // A lifetime counts from when the VM starts running, not from when it asked.
        if let Some(life) = self.fleet.lives[vm].lifetime {
            // A trace VM ends with its last sample, however long it waited to start.
            let from = match self.fleet.vms[vm].demand {
                Demand::Trace { .. } => self.fleet.lives[vm].arrived.unwrap_or(self.clock.now),
                _ => self.clock.now,
            };
            let end = from.saturating_add(life).max(self.clock.now);
            if end < self.setup.duration {
                self.clock.queue.push(end, Event::VmEnd(vm));
            }
        }
        self.refresh(h);
        self.close_wait(vm, Some(h));
        // A VM restarted after a failure started once already: its request is not started
        // again.
        if !self.note_restarted(vm, h) {
            self.note_started(vm);
        }
    }

    /// Removes a VM from the host it runs on, releasing its RAM, disk and network.
    pub(in crate::sim) fn remove_from_host(&mut self, vm: VmId, h: HostId) {
        self.accrue(h);
        self.detach(h, vm);
        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
        self.fleet.hosts[h].book(t, -1.0);
        self.refresh(h);
    }

    /// Places waiting VMs in arrival order until one does not fit.
    pub(in crate::sim) fn place_waiting(&mut self) {
        while let Some(&vm) = self.fleet.waiting.front() {
            if !self.try_place(vm) {
                break;
            }
            self.fleet.waiting.pop_front();
        }
    }

    pub(in crate::sim) fn on_vm_arrive(&mut self, vm: VmId) {
        self.fleet.vms[vm].demand_mips = self.demand_now(vm);
        self.sample_memory(vm);
        self.fleet.vms[vm].state = VmState::Waiting;
        self.fleet.lives[vm].waiting_since = self.clock.now;
        self.fleet.lives[vm].arrived = Some(self.clock.now);
        if !self.fleet.waiting.is_empty() || !self.try_place(vm) {
            self.enqueue(vm);
            self.wait_conflict(
                ConflictKind::CapacityShortfall,
                vm,
                &[],
                "queued until capacity is available",
            );
            self.manage_power(power::Need::default());
        }
    }

    pub(in crate::sim) fn on_vm_end(&mut self, vm: VmId) {
        match self.fleet.vms[vm].state {
            VmState::Running(h) => self.remove_from_host(vm, h),
            VmState::Migrating(m) => {
                let (src, dst) = (
                    self.fleet.migrations[m].source,
                    self.fleet.migrations[m].destination,
                );
                if let Some(next) = self.second_migration(vm) {
                    let other = self.fleet.migrations[next].destination;
                    self.close_migration(next, MigrationOutcome::Aborted);
                    let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
                    self.fleet.hosts[other].book(t, -1.0);
                    self.refresh(other);
                }
                self.abort_migration(m);
                self.conflict(
                    ConflictKind::VmEndedWhileMigrating,
                    Some(vm),
                    &[src, dst],
                    "migration aborted, destination capacity released",
                );
                self.remove_from_host(vm, src);
                self.fleet.vms[vm].state = VmState::Ended;
                self.after_migration(src, dst);
            }
            VmState::Waiting => {
                self.meter_waiting(vm);
                self.close_wait(vm, None);
                self.fleet.waiting.retain(|&v| v != vm);
                self.fleet.deferred.retain(|&(v, _)| v != vm);
            }
            VmState::Down => self.meter_waiting(vm),
            VmState::Pending => {}
            VmState::Ended => return,
        }
        self.note_ended_down(vm);
        self.fleet.vms[vm].state = VmState::Ended;
        let rates = &mut self.fleet.vms[vm].metered;
        self.accounts
            .vm_hours
            .set(vm, self.clock.now, rates, Rates::IDLE);
        self.note_ended(vm);
    }
}

/// The CPU a placement search counts a host of `class` as having, MIPS: by size, its
/// capacity times the class's CPU over-commit ratio; by demand, its physical capacity (demand
/// beyond it goes unserved whatever the ratio).
pub(in crate::sim) fn fit_mips(class: &HostClass, basis: FitBasis) -> f64 {
    match basis {
        FitBasis::Size => class.sized_limit_mips(),
        FitBasis::Demand => class.mips,
    }
}

/// Placement searches over the fleet.
impl Fleet {
    /// The best host for `search.need` under `search.policy`, among hosts in power state
    /// `search.state` not `excluded`, whose cores are fast enough for its vCPUs, whose RAM,
    /// disk and network reservations fit, whose utilisation lies in `search.window` (at least `window.min` before the
    /// VM, at most `window.max` after it) and for which `cpu_ok(host, utilisation after)`
    /// holds; CPU use is counted by `search.basis` (VM sizes or demands). The winner is the
    /// least (score, id) among such hosts. `cpu_ok` may be costly (an adaptive detector), so
    /// it runs only on hosts that would beat the best so far. The placement `index` skips
    /// hosts outside the window, and classes whose cores are too slow, in bulk.
    pub(in crate::sim) fn find_host(
        &self,
        classes: &[HostClass],
        index: &mut PlacementIndex,
        search: &Search<'_>,
        excluded: &dyn Fn(HostId) -> bool,
        cpu_ok: &dyn Fn(HostId, f64) -> bool,
    ) -> Option<HostId> {
        let Search {
            need,
            basis,
            policy,
            state,
            window,
            vm,
            ram_in_use: _,
        } = *search;
        let consider = |h: HostId, best: &mut Best| {
            let host = &self.hosts[h];
            if host.state != state || excluded(h) || vm.is_some_and(|v| !self.rules_allow(v, h)) {
                return;
            }
            let class = &classes[host.class];
            if !class.runs_vcpu(need.vcpu_mips) || !host.fits_memory(class, need) {
                return;
            }
            let cpu_used = self.cpu_used(h, basis);
            let capacity = fit_mips(class, basis);
            let u = (cpu_used + need.mips) / capacity;
            if u > window.max || cpu_used / capacity < window.min {
                return;
            }
            let mut candidate = host.candidate(class, cpu_used, None, &class.power);
            candidate.cpu_capacity = capacity;
            let score = policy.score(&candidate, need);
            if best.is_none_or(|(bs, bh)| score < bs || (score == bs && h < bh)) && cpu_ok(h, u) {
                *best = Some((score, h));
            }
        };
        let scan = || {
            let mut best = None;
            for h in 0..self.hosts.len() {
                consider(h, &mut best);
                if best.is_some() && policy.takes_first() {
                    break;
                }
            }
            best
        };
        // A keep-together VM whose group is somewhere may go only there.
        if let Some(h) = vm.and_then(|v| self.bound_host(v)) {
            let mut best = None;
            consider(h, &mut best);
            return best.map(|(_, h)| h);
        }
        let hosts = Hosts {
            fleet: self,
            classes,
        };
        let indexed = index.search(hosts, search, &mut |h, best| consider(h, best));
        let best = match indexed {
            Some(best) => {
                // Every `cargo test` checks the index against the scan it stands for.
                debug_assert_eq!(
                    best.map(|b| b.1),
                    scan().map(|b| b.1),
                    "placement index and scan disagree for {need:?}"
                );
                best
            }
            None => scan(),
        };
        best.map(|(_, h)| h)
    }

    /// CPU committed on host `h`, counted by VM sizes or demands.
    pub(in crate::sim) fn cpu_used(&self, h: HostId, basis: FitBasis) -> f64 {
        match basis {
            FitBasis::Size => self.hosts[h].sized_mips,
            FitBasis::Demand => self.hosts[h].committed_mips,
        }
    }
}
