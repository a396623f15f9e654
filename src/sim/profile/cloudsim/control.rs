//! The profile's control flow: initial placement, the update and consolidation round at each
//! tick, and migrations (including CloudSim's VMs planned twice in one round).

use super::plan::Planner;
use crate::policy::overload::HostLoad;
use crate::policy::selection::VmSelection;
use crate::sim::Simulation;
use crate::sim::conflicts::ConflictKind;
use crate::sim::state::*;
use crate::time::secs;
use std::collections::{BTreeMap, BTreeSet};

impl Simulation<'_> {
    /// Places the VMs present at the start one by one, in id order, as CloudSim creates them:
    /// each asks for its full size (or its demand, with `initial_fit = "demand"`), and RAM is
    /// checked; the rest wait.
    pub(in crate::sim) fn cs_place_initial(&mut self, batch: Vec<VmId>) {
        let mut looks = InitialLooks::default();
        for h in 0..self.fleet.hosts.len() {
            looks.add(self, h);
        }
        for vm in batch {
            match self.cs_initial_host(vm, &looks.firsts()) {
                Some(h) => {
                    looks.remove(self, h);
                    self.start_vm(vm, h);
                    looks.add(self, h);
                }
                None => {
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
    }

    /// The host the initial placement policy picks for new VM `vm`: a core fast enough for
    /// each vCPU, CPU and RAM left, and (when the run consolidates, as CloudSim then places
    /// with its migration policy) a host that the detector does not find over-loaded with the
    /// VM, unless the host is empty. Until their workload starts, the VMs already placed ask
    /// for no CPU, so the detector sees the new VM alone; the power baseline of every host is
    /// its idle draw (nothing has been measured yet). Only `firsts` (in id order) are tried:
    /// the first host of each look (see [`InitialLooks`]).
    fn cs_initial_host(&self, vm: VmId, firsts: &[HostId]) -> Option<HostId> {
        let need = self.need(vm, self.setup.initial_fit);
        let per_vcpu = need.vcpu_mips;
        let policy = self.policies.initial_placement.as_ref();
        let detector = self
            .policies
            .consolidation
            .as_ref()
            .map(|c| c.detector.as_ref());
        let mut best: Option<(HostId, f64)> = None;
        for &h in firsts {
            let host = &self.fleet.hosts[h];
            let class = &self.setup.host_classes[host.class];
            let used = host.sized_mips;
            if per_vcpu > self.scheduler(h).core
                || class.mips - used < need.mips
                || !host.fits_memory(class, &need)
            {
                continue;
            }
            let accepts = || {
                used == 0.0
                    || detector.is_none_or(|d| {
                        !d.is_overloaded(&HostLoad::new(need.mips / class.mips, &[]))
                    })
            };
            if policy.takes_first() {
                if accepts() {
                    return Some(h);
                }
                continue;
            }
            let power = self
                .profile
                .cloudsim()
                .map_or(&class.power, |cs| cs.power(host.class));
            let candidate = host.candidate(class, used, Some(power.idle_w()), power);
            let score = policy.score(&candidate, &need);
            if best.is_none_or(|(_, b)| score < b) && accepts() {
                best = Some((h, score));
            }
        }
        best.map(|(h, _)| h)
    }

    /// A control tick under the profile: the full update, then CloudSim's consolidation round,
    /// its migrations started in plan order.
    pub(in crate::sim) fn cs_tick(&mut self, selection: Option<&mut dyn VmSelection>) {
        self.cs_update(true, secs(self.clock.now));
        let (Some(c), Some(selection)) = (self.policies.consolidation.clone(), selection) else {
            return;
        };
        let lists = self
            .profile
            .cloudsim_mut()
            .map(|cs| std::mem::take(&mut cs.lists))
            .unwrap_or_default();
        let (map, lists) = Planner::new(self, lists).plan(
            c.detector.as_ref(),
            selection,
            c.placement.as_ref(),
            c.underload_threshold,
        );
        if let Some(cs) = self.profile.cloudsim_mut() {
            cs.lists = lists;
        }
        // Each host the plan touches is refreshed once, after all its migrations are open.
        self.cs_batch(true);
        for (vm, dst) in map {
            match self.fleet.vms[vm].state {
                VmState::Running(src) if src != dst => self.plan_migration(vm, dst),
                VmState::Migrating(first) if self.cs_may_follow(vm, first, dst) => {
                    self.cs_follow(vm, first, dst)
                }
                _ => {}
            }
        }
        self.cs_batch(false);
    }

    /// Whether `vm`, migrating by `first`, may be given a second migration to `dst`: it has
    /// none yet (a VM migrates at most twice at once), and `dst` is neither where the first
    /// lands (the second would leave from there to there) nor where it leaves from.
    fn cs_may_follow(&self, vm: VmId, first: MigId, dst: HostId) -> bool {
        let m = &self.fleet.migrations[first];
        let pending = self.profile.cloudsim().is_some_and(|cs| cs.has_follow(vm));
        !pending && dst != m.destination && dst != m.source
    }

    /// Whether migration `m`, whose copy just ended, is a VM's second migration while its
    /// first is still copying (over a slower link): it then waits, its copy done, and lands as
    /// soon as the first has (the VM is carried on from the first's destination).
    pub(in crate::sim) fn cs_follow_waits(&mut self, m: MigId) -> bool {
        let vm = self.fleet.migrations[m].vm;
        let first = match self.fleet.vms[vm].state {
            VmState::Migrating(first) if first != m => first,
            _ => return false,
        };
        let Some(cs) = self.profile.cloudsim_mut() else {
            return false;
        };
        if cs.follow.get(vm) != Some(&Some(m)) {
            return false;
        }
        debug_assert_eq!(
            self.fleet.migrations[first].outcome,
            MigrationOutcome::InFlight
        );
        cs.follow_copied[vm] = true;
        true
    }

    /// Starts a second migration of `vm`, already migrating by `first`, to `dst` (CloudSim
    /// plans a VM twice when the host it was just given is then evacuated): both copies run
    /// from the VM's source; when the first ends the VM lands on its destination, and the
    /// second then carries it on to `dst`.
    fn cs_follow(&mut self, vm: VmId, first: MigId, dst: HostId) {
        let src = self.fleet.migrations[first].source;
        let m = self.open_migration(vm, src, dst);
        if let Some(cs) = self.profile.cloudsim_mut() {
            cs.set_follow(vm, Some(m));
        }
        self.refresh(src);
        self.refresh(dst);
        self.pump_migrations();
    }

    /// After migration `m` of `vm` ended on `at` under the profile: a second migration of the
    /// VM now leaves from there, and a VM with no demand left ends.
    pub(in crate::sim) fn cs_after_migration(&mut self, vm: VmId, m: MigId, at: HostId) {
        let follow = self
            .profile
            .cloudsim_mut()
            .and_then(|cs| cs.take_follow(vm));
        match follow {
            Some((next, copied)) if next != m => {
                let old = self.fleet.migrations[next].source;
                let list = &mut self.fleet.hosts[old].migrations;
                if let Some(i) = list.iter().position(|&x| x == next) {
                    list.remove(i);
                }
                self.fleet.hosts[at].migrations.push(next);
                if self.fleet.migrations[next].phase != Phase::Queued {
                    self.fleet.hosts[old].copying -= 1;
                    self.fleet.hosts[at].copying += 1;
                }
                self.fleet.migrations[next].source = at;
                self.fleet.vms[vm].state = VmState::Migrating(next);
                self.refresh(old);
                self.refresh(at);
                if copied {
                    // Its copy ended first: it lands right after this one, at this instant.
                    let stamp = self.fleet.migrations[next].stamp;
                    self.clock.queue.push(
                        self.clock.now,
                        crate::sim::Event::MigrationStep { mig: next, stamp },
                    );
                }
            }
            _ => {
                if self.fleet.vms[vm].state == VmState::Running(at)
                    && self.fleet.vms[vm].demand_mips == 0.0
                {
                    self.on_vm_end(vm);
                }
            }
        }
    }

    /// The migration still to come for `vm` after the one in flight, if CloudSim planned it
    /// twice (aborted along with the VM).
    pub(in crate::sim) fn cs_pending_follow(&mut self, vm: VmId) -> Option<MigId> {
        self.profile
            .cloudsim_mut()
            .and_then(|cs| cs.take_follow(vm))
            .map(|(next, _)| next)
    }
}

/// What the initial placement sees of a host: its class and the CPU, RAM and disk placed on
/// it, bit for bit.
type Look = (usize, u64, u64, u64);

/// The hosts grouped by look, while the initial placement runs. Hosts of one look score the
/// same for any policy and get the same answer from the detector (which sees the new VM
/// alone, and is not asked about an empty host), so only the first of them (by id) can be
/// picked under the strict `<`: the search tries one host per look. The reference's 800
/// hosts show two to six looks while its 1,052 VMs are placed (one of 800 hosts each).
#[derive(Debug, Default)]
struct InitialLooks {
    hosts: BTreeMap<Look, BTreeSet<HostId>>,
}

impl InitialLooks {
    fn look(sim: &Simulation, h: HostId) -> Look {
        let host = &sim.fleet.hosts[h];
        (
            host.class,
            host.sized_mips.to_bits(),
            host.ram_used.to_bits(),
            host.disk_used.to_bits(),
        )
    }

    fn add(&mut self, sim: &Simulation, h: HostId) {
        self.hosts.entry(Self::look(sim, h)).or_default().insert(h);
    }

    fn remove(&mut self, sim: &Simulation, h: HostId) {
        let look = Self::look(sim, h);
        if let Some(set) = self.hosts.get_mut(&look) {
            set.remove(&h);
            if set.is_empty() {
                self.hosts.remove(&look);
            }
        }
    }

    /// The first host of each look, in id order.
    fn firsts(&self) -> Vec<HostId> {
        let mut firsts: Vec<HostId> = self
            .hosts
            .values()
            .filter_map(|s| s.first().copied())
            .collect();
        firsts.sort_unstable();
        firsts
    }
}
