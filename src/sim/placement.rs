//! Placing VMs on hosts: arrivals, the waiting queue and VM ends.

use super::state::*;
use super::{Event, Simulation};
use crate::model::host::PowerState;
use crate::policy::placement::{Candidate, Need, Placement};
use crate::policy::power;
use crate::scenario::FitBasis;

impl Simulation<'_> {
    pub(super) fn need(&self, vm: VmId, basis: FitBasis) -> Need {
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let mips = match basis {
            FitBasis::Size => t.mips,
            FitBasis::Demand => self.vms[vm].demand_mips,
        };
        Need {
            mips,
            ram_mb: t.ram_mb,
            disk_mb: t.disk_mb,
        }
    }

    /// The best on host for `need` under `policy`, among hosts not `excluded`, whose RAM and
    /// disk fit and for which `cpu_ok(host, utilisation after)` holds; CPU use is counted by
    /// `basis` (VM sizes or demands).
    pub(super) fn find_host(
        &self,
        need: &Need,
        basis: FitBasis,
        policy: &dyn Placement,
        excluded: &dyn Fn(HostId) -> bool,
        cpu_ok: &dyn Fn(&Host, f64) -> bool,
    ) -> Option<HostId> {
        let mut best: Option<(HostId, f64)> = None;
        for (h, host) in self.hosts.iter().enumerate() {
            if host.state != PowerState::On || excluded(h) {
                continue;
            }
            let class = &self.setup.host_classes[host.class];
            let cpu_used = match basis {
                FitBasis::Size => host.sized_mips,
                FitBasis::Demand => host.committed_mips,
            };
            if host.ram_used + need.ram_mb > class.ram_mb + 1e-9
                || (class.disk_mb > 0.0 && host.disk_used + need.disk_mb > class.disk_mb + 1e-9)
                || !cpu_ok(host, (cpu_used + need.mips) / class.mips)
            {
                continue;
            }
            if policy.takes_first() {
                return Some(h);
            }
            let candidate = Candidate {
                cpu_capacity: class.mips,
                cpu_used,
                ram_capacity: class.ram_mb,
                ram_used: host.ram_used,
                disk_capacity: class.disk_mb,
                disk_used: host.disk_used,
                power: &class.power,
            };
            let score = policy.score(&candidate, need);
            if best.is_none_or(|(_, b)| score < b) {
                best = Some((h, score));
            }
        }
        best.map(|(h, _)| h)
    }

    /// Tries to place a waiting VM with the initial placement policy; starts it if a host fits.
    pub(super) fn try_place(&mut self, vm: VmId) -> bool {
        let need = self.need(vm, self.setup.initial_fit);
        let basis = self.setup.initial_fit;
        let found = self.find_host(
            &need,
            basis,
            self.initial_placement.as_ref(),
            &|_| false,
            &|_, u| u <= 1.0 + 1e-9,
        );
        match found {
            Some(h) => {
                self.start_vm(vm, h);
                true
            }
            None => false,
        }
    }

    /// Places a batch of arriving VMs (largest first if the policy says so); the rest wait.
    pub(super) fn place_batch(&mut self, mut batch: Vec<VmId>) {
        if self.initial_placement.decreasing() {
            let needs: Vec<Need> = batch
                .iter()
                .map(|&vm| self.need(vm, self.setup.initial_fit))
                .collect();
            let mut order: Vec<usize> = (0..batch.len()).collect();
            order.sort_by(|&a, &b| {
                needs[b]
                    .mips
                    .total_cmp(&needs[a].mips)
                    .then(needs[b].ram_mb.total_cmp(&needs[a].ram_mb))
            });
            batch = order.into_iter().map(|i| batch[i]).collect();
        }
        for vm in batch {
            if !self.try_place(vm) {
                self.waiting.push_back(vm);
            }
        }
    }

    pub(super) fn start_vm(&mut self, vm: VmId, h: HostId) {
        self.accrue(h);
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let host = &mut self.hosts[h];
        host.vms.push(vm);
        host.ram_used += t.ram_mb;
        host.disk_used += t.disk_mb;
        host.empty_since = None;
        self.vms[vm].state = VmState::Running(h);
        // A lifetime counts from when the VM starts running, not from when it asked.
        if let Some(life) = self.setup.groups[self.vms[vm].group].lifetime {
            let end = self.now + life;
            if end < self.setup.duration {
                self.queue.push(end, Event::VmEnd(vm));
            }
        }
        self.refresh(h);
    }

    /// Removes a VM from the host it runs on, releasing its RAM and disk.
    pub(super) fn remove_from_host(&mut self, vm: VmId, h: HostId) {
        self.accrue(h);
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let host = &mut self.hosts[h];
        if let Some(i) = host.vms.iter().position(|&v| v == vm) {
            host.vms.swap_remove(i);
        }
        host.ram_used -= t.ram_mb;
        host.disk_used -= t.disk_mb;
        if host.is_empty() {
            host.empty_since = Some(self.now);
        }
        self.refresh(h);
    }

    /// Places waiting VMs in arrival order until one does not fit.
    pub(super) fn place_waiting(&mut self) {
        while let Some(&vm) = self.waiting.front() {
            if !self.try_place(vm) {
                break;
            }
            self.waiting.pop_front();
        }
    }

    pub(super) fn on_vm_arrive(&mut self, vm: VmId) {
        let size = self.setup.vm_types[self.vms[vm].vm_type].mips;
        self.vms[vm].demand_mips =
            self.setup.loads[self.vms[vm].load].sample(self.now, &mut self.noise) * size;
        self.vms[vm].state = VmState::Waiting;
        self.vms[vm].arrived = Some(self.now);
        if !self.waiting.is_empty() || !self.try_place(vm) {
            self.waiting.push_back(vm);
            self.conflict(
                "capacity-shortfall",
                Some(vm),
                &[],
                "queued until capacity is available",
            );
            self.manage_power(power::Need::default());
        }
    }

    pub(super) fn on_vm_end(&mut self, vm: VmId) {
        match self.vms[vm].state {
            VmState::Running(h) => self.remove_from_host(vm, h),
            VmState::Migrating(m) => {
                let (src, dst) = (self.migrations[m].source, self.migrations[m].destination);
                self.abort_migration(m);
                self.conflict(
                    "vm-ended-while-migrating",
                    Some(vm),
                    &[src, dst],
                    "migration aborted, destination capacity released",
                );
                self.remove_from_host(vm, src);
            }
            VmState::Waiting => self.waiting.retain(|&v| v != vm),
            VmState::Pending | VmState::Ended => {}
        }
        self.vms[vm].state = VmState::Ended;
    }
}
