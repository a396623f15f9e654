//! The control loop: consolidation (overload relief, evacuation of under-loaded hosts).

use super::state::*;
use super::{Consolidator, Event, Simulation};
use crate::model::host::PowerState;
use crate::policy::overload::HostLoad;
use crate::policy::placement::Need;
use crate::policy::power;
use crate::policy::selection::VmCandidate;
use crate::scenario::FitBasis;

impl Simulation<'_> {
    pub(super) fn on_control_tick(&mut self) {
        let unplaced = match self.consolidator.take() {
            Some(mut c) => {
                let unplaced = self.consolidate(&mut c);
                self.consolidator = Some(c);
                unplaced
            }
            None => power::Need::default(),
        };
        self.manage_power(unplaced);
        self.place_waiting();
        self.record_interval();
        let next = self.now + self.setup.control_interval;
        if next < self.setup.duration {
            self.queue.push(next, Event::ControlTick);
        }
    }

    pub(super) fn utilisation(&self, h: HostId) -> f64 {
        self.hosts[h].committed_mips / self.setup.host_classes[self.hosts[h].class].mips
    }

    /// One consolidation round; returns what could not be moved off over-loaded hosts.
    pub(super) fn consolidate(&mut self, c: &mut Consolidator) -> power::Need {
        let keep = c.detector.history_len();
        for h in 0..self.hosts.len() {
            if self.hosts[h].state == PowerState::On && keep > 0 {
                let u = self.utilisation(h);
                let history = &mut self.hosts[h].history;
                history.push(u);
                if history.len() > keep {
                    history.remove(0);
                }
            }
        }
        let on: Vec<HostId> = (0..self.hosts.len())
            .filter(|&h| self.hosts[h].state == PowerState::On)
            .collect();
        let overloaded: Vec<bool> = (0..self.hosts.len())
            .map(|h| {
                self.hosts[h].state == PowerState::On
                    && c.detector.is_overloaded(&HostLoad {
                        utilisation: self.utilisation(h),
                        history: &self.hosts[h].history,
                    })
            })
            .collect();

        // 1. Select VMs off over-loaded hosts until each is no longer over-loaded.
        let mut to_move: Vec<VmId> = Vec::new();
        for &h in on.iter().filter(|&&h| overloaded[h]) {
            let capacity = self.setup.host_classes[self.hosts[h].class].mips;
            let mut pool: Vec<VmId> = self.hosts[h]
                .vms
                .iter()
                .copied()
                .filter(|&vm| self.vms[vm].state == VmState::Running(h))
                .collect();
            let mut committed = self.hosts[h].committed_mips;
            while !pool.is_empty() {
                let candidates: Vec<VmCandidate> = pool
                    .iter()
                    .map(|&vm| {
                        let t = &self.setup.vm_types[self.vms[vm].vm_type];
                        VmCandidate {
                            ram_mb: t.ram_mb,
                            demand_mips: self.vms[vm].demand_mips,
                            size_mips: t.mips,
                        }
                    })
                    .collect();
                let Some(i) = c.selection.select(&candidates) else {
                    break;
                };
                let vm = pool.swap_remove(i);
                committed -= self.vms[vm].demand_mips;
                to_move.push(vm);
                let load = HostLoad {
                    utilisation: committed / capacity,
                    history: &self.hosts[h].history,
                };
                if !c.detector.is_overloaded(&load) {
                    break;
                }
            }
        }

        // 2. Place them elsewhere, largest demand first if the policy says so.
        if c.placement.decreasing() {
            to_move.sort_by(|&a, &b| {
                self.vms[b]
                    .demand_mips
                    .total_cmp(&self.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
        }
        let mut unplaced = power::Need::default();
        for vm in to_move {
            let need = self.need(vm, FitBasis::Demand);
            let detector = c.detector.as_ref();
            let found = self.find_host(
                &need,
                FitBasis::Demand,
                c.placement.as_ref(),
                &|h| overloaded[h],
                &|host, u| {
                    !detector.is_overloaded(&HostLoad {
                        utilisation: u,
                        history: &host.history,
                    })
                },
            );
            match found {
                Some(dst) => self.start_migration(vm, dst),
                None => {
                    unplaced.mips += need.mips;
                    unplaced.ram_mb += need.ram_mb;
                }
            }
        }

        // 3. Evacuate under-loaded hosts whose VMs all fit elsewhere.
        if c.underload_threshold > 0.0 {
            self.evacuate_underloaded(c, &overloaded);
        }
        unplaced
    }

    pub(super) fn evacuate_underloaded(&mut self, c: &Consolidator, overloaded: &[bool]) {
        let mut sources: Vec<(f64, HostId)> = (0..self.hosts.len())
            .filter(|&h| {
                let host = &self.hosts[h];
                host.state == PowerState::On
                    && !overloaded[h]
                    && !host.vms.is_empty()
                    && host.migrations.is_empty()
            })
            .map(|h| (self.utilisation(h), h))
            .filter(|&(u, _)| u < c.underload_threshold)
            .collect();
        sources.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // A source is not a destination, and a destination is not evacuated, this round.
        let mut is_source = vec![false; self.hosts.len()];
        let mut is_destination = vec![false; self.hosts.len()];
        for (u_src, src) in sources {
            if is_destination[src] {
                continue;
            }
            is_source[src] = true;
            let mut vms = self.hosts[src].vms.clone();
            vms.sort_by(|&a, &b| {
                self.vms[b]
                    .demand_mips
                    .total_cmp(&self.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
            let mut plan: Vec<(VmId, HostId, Need)> = Vec::new();
            let detector = c.detector.as_ref();
            for &vm in &vms {
                let need = self.need(vm, FitBasis::Demand);
                // Only towards busier hosts: no ping-pong between two lightly loaded hosts.
                let excluded =
                    |h: HostId| overloaded[h] || is_source[h] || self.utilisation(h) < u_src;
                let found = self.find_host(
                    &need,
                    FitBasis::Demand,
                    c.placement.as_ref(),
                    &excluded,
                    &|host, u| {
                        !detector.is_overloaded(&HostLoad {
                            utilisation: u,
                            history: &host.history,
                        })
                    },
                );
                match found {
                    Some(dst) => {
                        self.reserve(dst, vm, 1.0);
                        plan.push((vm, dst, need));
                    }
                    None => break,
                }
            }
            for &(vm, dst, _) in &plan {
                self.reserve(dst, vm, -1.0);
            }
            if plan.len() == vms.len() {
                for (vm, dst, _) in plan {
                    is_destination[dst] = true;
                    self.start_migration(vm, dst);
                }
            }
        }
    }

    /// Adds (`sign` = 1) or removes (-1) a tentative reservation of `vm` on `h` while planning.
    pub(super) fn reserve(&mut self, h: HostId, vm: VmId, sign: f64) {
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let host = &mut self.hosts[h];
        host.committed_mips += sign * self.vms[vm].demand_mips;
        host.sized_mips += sign * t.mips;
        host.ram_used += sign * t.ram_mb;
        host.disk_used += sign * t.disk_mb;
    }
}
