//! The control loop: consolidation (overload relief, evacuation of under-loaded hosts).

use super::placement::FIT_EPS;
use super::placement_index::Window;
use super::setup::MigrationModel;
use super::state::*;
use super::{Consolidator, Event, Simulation};
use crate::model::host::PowerState;
use crate::model::migration::{precopy, simple};
use crate::policy::overload::{HISTORY_LEN, HostLoad, OverloadDetector};
use crate::policy::power;
use crate::policy::selection::VmCandidate;
use crate::scenario::FitBasis;
use crate::time::secs;

impl Simulation<'_> {
    pub(super) fn on_control_tick(&mut self) {
        self.tick_decisions();
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

    /// Calls `f` on every VM committed to host `h`: resident VMs not migrating away, and VMs
    /// migrating in.
    fn for_each_committed(&self, h: HostId, mut f: impl FnMut(VmId)) {
        let host = &self.hosts[h];
        for &vm in &host.vms {
            if !matches!(self.vms[vm].state, VmState::Migrating(_)) {
                f(vm);
            }
        }
        for &m in &host.migrations {
            if self.migrations[m].destination == h {
                f(self.migrations[m].vm);
            }
        }
    }

    /// Control intervals it takes to migrate `ram_mb` off host `h` at its full link share,
    /// rounded up, at least 1: how far ahead the regression detectors predict (the reference
    /// uses the longest migration time of the host's VMs).
    pub(super) fn horizon(&self, h: HostId, ram_mb: f64) -> f64 {
        let m = &self.setup.migration;
        let rate = self.setup.host_classes[self.hosts[h].class].net_mbps * m.bandwidth_share / 8.0;
        let seconds = match m.model {
            MigrationModel::Simple => simple(ram_mb, rate).duration_s,
            MigrationModel::Precopy(p) => {
                precopy(
                    ram_mb,
                    rate,
                    p.dirty_mb_s,
                    p.max_rounds,
                    secs(p.max_downtime),
                )
                .duration_s
            }
        };
        (seconds / secs(self.setup.control_interval))
            .ceil()
            .max(1.0)
    }

    /// Whether `detector` finds host `h` over-loaded at utilisation `u`, its history being
    /// that of its committed VMs without `minus` and with `plus` (so a VM's own history comes
    /// along when it is tentatively added, as in the reference).
    pub(super) fn is_overloaded(
        &self,
        detector: &dyn OverloadDetector,
        h: HostId,
        u: f64,
        plus: impl Iterator<Item = VmId>,
        minus: &[VmId],
    ) -> bool {
        if self.history.keep() == 0 {
            return detector.is_overloaded(&HostLoad::new(u, &[]));
        }
        let scale = 1.0 / self.setup.host_classes[self.hosts[h].class].mips;
        let mut buf = [0.0; HISTORY_LEN];
        let (mut n, mut ram) = (0, 0.0_f64);
        let mut add = |vm: VmId| {
            n = n.max(self.history.add_into(vm, &mut buf, scale));
            ram = ram.max(self.setup.vm_types[self.vms[vm].vm_type].ram_mb);
        };
        self.for_each_committed(h, |vm| {
            if !minus.contains(&vm) {
                add(vm);
            }
        });
        plus.for_each(&mut add);
        let load = HostLoad {
            utilisation: u,
            history: &buf[HISTORY_LEN - n..],
            horizon: self.horizon(h, ram),
        };
        detector.is_overloaded(&load)
    }

    /// One consolidation round; returns what could not be moved off over-loaded hosts.
    pub(super) fn consolidate(&mut self, c: &mut Consolidator) -> power::Need {
        self.history.record(&self.vms);
        let detector = c.detector.as_ref();
        let overloaded: Vec<bool> = (0..self.hosts.len())
            .map(|h| {
                self.hosts[h].state == PowerState::On
                    && self.is_overloaded(detector, h, self.utilisation(h), std::iter::empty(), &[])
            })
            .collect();
        // Over-loaded hosts take no VM this round: placement searches skip them in bulk.
        let index = self.index.get_mut();
        for h in (0..overloaded.len()).filter(|&h| overloaded[h]) {
            index.bar(h);
        }

        // 1. Select VMs off over-loaded hosts until each is no longer over-loaded.
        let mut to_move: Vec<VmId> = Vec::new();
        let wants_history = c.selection.history_len() > 0;
        let mut series: Vec<Vec<f64>> = Vec::new();
        for h in (0..self.hosts.len()).filter(|&h| overloaded[h]) {
            let capacity = self.setup.host_classes[self.hosts[h].class].mips;
            let mut pool: Vec<VmId> = self.hosts[h]
                .vms
                .iter()
                .copied()
                .filter(|&vm| self.vms[vm].state == VmState::Running(h))
                .collect();
            let mut committed = self.hosts[h].committed_mips;
            let first = to_move.len();
            while !pool.is_empty() {
                if wants_history {
                    series.resize_with(pool.len(), Vec::new);
                    for (s, &vm) in series.iter_mut().zip(&pool) {
                        self.history.copy_into(vm, s);
                    }
                }
                let candidates: Vec<VmCandidate> = pool
                    .iter()
                    .enumerate()
                    .map(|(i, &vm)| {
                        let t = &self.setup.vm_types[self.vms[vm].vm_type];
                        VmCandidate {
                            ram_mb: t.ram_mb,
                            demand_mips: self.vms[vm].demand_mips,
                            size_mips: t.mips,
                            history: if wants_history { &series[i] } else { &[] },
                        }
                    })
                    .collect();
                let Some(i) = c.selection.select(&candidates) else {
                    break;
                };
                let vm = pool.remove(i);
                committed -= self.vms[vm].demand_mips;
                to_move.push(vm);
                let u = committed / capacity;
                if !self.is_overloaded(detector, h, u, std::iter::empty(), &to_move[first..]) {
                    break;
                }
            }
        }

        // 2. Place them elsewhere, largest demand first if the policy says so: on a host that
        // is on; failing that, on one still booting or going down (the copy waits for it).
        if c.placement.decreasing() {
            to_move.sort_by(|&a, &b| {
                self.vms[b]
                    .demand_mips
                    .total_cmp(&self.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
        }
        let most = detector.most_within(1.0 + FIT_EPS) - c.destination_headroom;
        let mut unplaced = power::Need::default();
        for vm in to_move {
            let need = self.need(vm, FitBasis::Demand);
            let mut found = None;
            for state in [
                PowerState::On,
                PowerState::Booting,
                PowerState::ShuttingDown,
            ] {
                found = self.find_host(
                    &need,
                    FitBasis::Demand,
                    c.placement.as_ref(),
                    state,
                    Window {
                        min: f64::NEG_INFINITY,
                        max: most,
                    },
                    &|h| overloaded[h],
                    &|h, u| !self.is_overloaded(detector, h, u, std::iter::once(vm), &[]),
                );
                if found.is_some() {
                    break;
                }
            }
            match found {
                Some(dst) => self.plan_migration(vm, dst),
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
        self.index.get_mut().lift_bars();
        unplaced
    }

    /// Empties under-loaded hosts whose VMs all fit on busier ones. It bars its sources from
    /// placement searches; [`Self::consolidate`], its caller, lifts the round's bars.
    fn evacuate_underloaded(&mut self, c: &Consolidator, overloaded: &[bool]) {
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
        let detector = c.detector.as_ref();
        let most = detector.most_within(1.0 + FIT_EPS) - c.destination_headroom;
        let mut failures = 0;
        for (u_src, src) in sources {
            if c.evacuation_failures > 0 && failures >= c.evacuation_failures {
                break;
            }
            if is_destination[src] {
                continue;
            }
            is_source[src] = true;
            self.index.get_mut().bar(src);
            let mut vms = self.hosts[src].vms.clone();
            vms.sort_by(|&a, &b| {
                self.vms[b]
                    .demand_mips
                    .total_cmp(&self.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
            let mut plan: Vec<(VmId, HostId)> = Vec::new();
            for &vm in &vms {
                let need = self.need(vm, FitBasis::Demand);
                // Only towards busier hosts (the window's floor): no ping-pong between two
                // lightly loaded hosts.
                let excluded = |h: HostId| overloaded[h] || is_source[h];
                let found = self.find_host(
                    &need,
                    FitBasis::Demand,
                    c.placement.as_ref(),
                    PowerState::On,
                    Window {
                        min: u_src,
                        max: most,
                    },
                    &excluded,
                    &|h, u| {
                        let planned = plan.iter().filter(|p| p.1 == h).map(|p| p.0);
                        !self.is_overloaded(detector, h, u, planned.chain(std::iter::once(vm)), &[])
                    },
                );
                match found {
                    Some(dst) => {
                        self.reserve(dst, vm, 1.0);
                        plan.push((vm, dst));
                    }
                    None => break,
                }
            }
            for &(vm, dst) in &plan {
                self.reserve(dst, vm, -1.0);
            }
            if plan.len() == vms.len() {
                for (vm, dst) in plan {
                    is_destination[dst] = true;
                    self.plan_migration(vm, dst);
                }
            } else {
                failures += 1;
            }
        }
    }

    /// Adds (`sign` = 1) or removes (-1) a tentative reservation of `vm` on `h` while planning.
    pub(super) fn reserve(&mut self, h: HostId, vm: VmId, sign: f64) {
        self.index.get_mut().touch(h);
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let host = &mut self.hosts[h];
        host.committed_mips += sign * self.vms[vm].demand_mips;
        host.sized_mips += sign * t.mips;
        host.ram_used += sign * t.ram_mb;
        host.disk_used += sign * t.disk_mb;
    }
}
