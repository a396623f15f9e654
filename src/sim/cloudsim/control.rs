//! The profile's control flow: initial placement, the update and consolidation round at each
//! tick, and migrations (including CloudSim's VMs planned twice in one round).

use super::super::Simulation;
use super::super::state::*;
use super::plan::Planner;
use crate::policy::overload::HostLoad;
use crate::policy::placement::{Candidate, Need};
use crate::scenario::FitBasis;
use crate::time::secs;

impl Simulation<'_> {
    /// Places the VMs present at the start one by one, in id order, as CloudSim creates them:
    /// each asks for its full size (or its demand, with `initial_fit = "demand"`), and RAM is
    /// checked; the rest wait.
    pub(in crate::sim) fn cs_place_initial(&mut self, batch: Vec<VmId>) {
        for vm in batch {
            match self.cs_initial_host(vm) {
                Some(h) => self.start_vm(vm, h),
                None => self.waiting.push_back(vm),
            }
        }
    }

    /// The host the initial placement policy picks for new VM `vm`: a core fast enough for
    /// each vCPU, CPU and RAM left, and (when the run consolidates, as CloudSim then places
    /// with its migration policy) a host that the detector does not find over-loaded with the
    /// VM, unless the host is empty. Until their workload starts, the VMs already placed ask
    /// for no CPU, so the detector sees the new VM alone; the power baseline of every host is
    /// its idle draw (nothing has been measured yet).
    fn cs_initial_host(&self, vm: VmId) -> Option<HostId> {
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let need = Need {
            mips: match self.setup.initial_fit {
                FitBasis::Size => t.mips,
                FitBasis::Demand => self.vms[vm].demand_mips,
            },
            ram_mb: t.ram_mb,
            disk_mb: t.disk_mb,
        };
        let per_vcpu = need.mips / f64::from(t.vcpus.max(1));
        let policy = self.initial_placement.as_ref();
        let detector = self.consolidator.as_ref().map(|c| c.detector.as_ref());
        let mut best: Option<(HostId, f64)> = None;
        // The hosts with nothing placed yet that have been scored, one per look.
        let mut idle_scored: Vec<HostId> = Vec::new();
        for (h, host) in self.hosts.iter().enumerate() {
            let class = &self.setup.host_classes[host.class];
            let used = host.sized_mips;
            if per_vcpu > self.scheduler(h).core
                || class.mips - used < need.mips
                || host.ram_used + need.ram_mb > class.ram_mb + 1e-9
                || (class.disk_mb > 0.0 && host.disk_used + need.disk_mb > class.disk_mb + 1e-9)
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
            if used == 0.0 {
                // A host with nothing placed takes the VM whenever it scores best, so once
                // one is scored the best score is at or below that of each later twin.
                if idle_scored.iter().any(|&r| self.initial_twins(r, h)) {
                    continue;
                }
                idle_scored.push(h);
            }
            let power = self
                .cloudsim
                .as_ref()
                .map_or(&class.power, |cs| cs.power(host.class));
            let candidate = Candidate {
                cpu_capacity: class.mips,
                cpu_used: used,
                baseline_w: Some(power.idle_w()),
                ram_capacity: class.ram_mb,
                ram_used: host.ram_used,
                disk_capacity: class.disk_mb,
                disk_used: host.disk_used,
                power,
            };
            let score = policy.score(&candidate, &need);
            if best.is_none_or(|(_, b)| score < b) && accepts() {
                best = Some((h, score));
            }
        }
        best.map(|(h, _)| h)
    }

    /// Whether hosts `a` and `b` look the same to the initial placement (same class, CPU,
    /// RAM and disk placed, bit for bit), so that any policy scores them the same.
    fn initial_twins(&self, a: HostId, b: HostId) -> bool {
        let (a, b) = (&self.hosts[a], &self.hosts[b]);
        let same = |x: f64, y: f64| x.to_bits() == y.to_bits();
        a.class == b.class
            && same(a.sized_mips, b.sized_mips)
            && same(a.ram_used, b.ram_used)
            && same(a.disk_used, b.disk_used)
    }

    /// A control tick under the profile: the full update, then CloudSim's consolidation round,
    /// its migrations started in plan order.
    pub(in crate::sim) fn cs_tick(&mut self) {
        self.cs_update(true, secs(self.now));
        let Some(mut c) = self.consolidator.take() else {
            return;
        };
        let lists = self
            .cloudsim
            .as_mut()
            .map(|cs| std::mem::take(&mut cs.lists))
            .unwrap_or_default();
        let (map, lists) = Planner::new(self, lists).plan(
            c.detector.as_ref(),
            c.selection.as_mut(),
            c.placement.as_ref(),
            c.underload_threshold,
        );
        if let Some(cs) = self.cloudsim.as_mut() {
            cs.lists = lists;
        }
        self.consolidator = Some(c);
        // Each host the plan touches is refreshed once, after all its migrations are open.
        self.cs_batch(true);
        for (vm, dst) in map {
            match self.vms[vm].state {
                VmState::Running(_) => self.plan_migration(vm, dst),
                VmState::Migrating(first) => self.cs_follow(vm, first, dst),
                _ => {}
            }
        }
        self.cs_batch(false);
    }

    /// Starts a second migration of `vm`, already migrating by `first`, to `dst` (CloudSim
    /// plans a VM twice when the host it was just given is then evacuated): both copies run
    /// from the VM's source; when the first ends the VM lands on its destination, and the
    /// second then carries it on to `dst`.
    fn cs_follow(&mut self, vm: VmId, first: MigId, dst: HostId) {
        let src = self.migrations[first].source;
        let m = self.open_migration(vm, src, dst);
        if let Some(cs) = self.cloudsim.as_mut() {
            cs.set_follow(vm, Some(m));
        }
        self.refresh(src);
        self.refresh(dst);
        self.pump_migrations();
    }

    /// After migration `m` of `vm` ended on `at` under the profile: a second migration of the
    /// VM now leaves from there, and a VM with no demand left ends.
    pub(in crate::sim) fn cs_after_migration(&mut self, vm: VmId, m: MigId, at: HostId) {
        let follow = self.cloudsim.as_mut().and_then(|cs| cs.take_follow(vm));
        match follow {
            Some(next) if next != m => {
                let old = self.migrations[next].source;
                let list = &mut self.hosts[old].migrations;
                if let Some(i) = list.iter().position(|&x| x == next) {
                    list.remove(i);
                }
                self.hosts[at].migrations.push(next);
                if self.migrations[next].phase != Phase::Queued {
                    self.hosts[old].copying -= 1;
                    self.hosts[at].copying += 1;
                }
                self.migrations[next].source = at;
                self.vms[vm].state = VmState::Migrating(next);
                self.refresh(old);
                self.refresh(at);
            }
            _ => {
                if self.vms[vm].state == VmState::Running(at) && self.vms[vm].demand_mips == 0.0 {
                    self.on_vm_end(vm);
                }
            }
        }
    }

    /// The migration still to come for `vm` after the one in flight, if CloudSim planned it
    /// twice (aborted along with the VM).
    pub(in crate::sim) fn cs_pending_follow(&mut self, vm: VmId) -> Option<MigId> {
        self.cloudsim.as_mut().and_then(|cs| cs.take_follow(vm))
    }
}
