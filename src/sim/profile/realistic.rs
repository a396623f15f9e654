//! nightshift's own model behind the profile hooks: a host's energy is accrued exactly at
//! every change to it, its draw follows its load (and migrations' overhead) at once, trace
//! demand steps with the samples, and each control tick consolidates, then manages power.

use crate::policy::power;
use crate::sim::Simulation;
use crate::sim::energy::Split;
use crate::sim::state::*;

impl Simulation<'_> {
    /// Adds host `h`'s energy since its last change, at its draw and the current price.
    pub(super) fn realistic_accrue(&mut self, h: HostId) {
        let class = &self.setup.host_classes[self.hosts[h].class];
        self.hosts[h].accrue(self.now, class, self.price);
    }

    /// Host `h`'s loads from its VMs and migrations (migration overhead, what migrations
    /// and a full CPU leave unserved) and the draw they set.
    pub(super) fn realistic_refresh(&mut self, h: HostId) {
        let mig_setup = &self.setup.migration;
        let host = &self.hosts[h];
        let size = |vm: VmId| self.setup.vm_types[self.vms[vm].vm_type].mips;
        let (mut requested, mut committed, mut sized) = (0.0, 0.0, 0.0);
        let (mut cores, mut lost_cores) = (0.0, 0.0);
        let mut staying = 0usize;
        for &vm in &host.vms {
            let d = self.vms[vm].demand_mips;
            requested += d;
            cores += d * self.cores_per_mips[self.vms[vm].vm_type];
            if !matches!(self.vms[vm].state, VmState::Migrating(_)) {
                committed += d;
                sized += size(vm);
                staying += 1;
            }
        }
        let (mut extra, mut lost) = (0.0, 0.0);
        for &m in &host.migrations {
            let mig = &self.migrations[m];
            let d = self.vms[mig.vm].demand_mips;
            let copying = mig.phase != Phase::Queued;
            if mig.source == h {
                if copying {
                    extra += mig_setup.overhead_source * d;
                    let share = if mig.phase == Phase::StopAndCopy {
                        1.0
                    } else {
                        mig_setup.degradation
                    };
                    lost += share * d;
                    lost_cores += share * d * self.cores_per_mips[self.vms[mig.vm].vm_type];
                }
            } else {
                committed += d;
                sized += size(mig.vm);
                staying += 1;
                if copying {
                    extra += mig_setup.overhead_destination * d;
                }
            }
        }
        let class = &self.setup.host_classes[host.class];
        let now = self.now;
        let host = &mut self.hosts[h];
        host.set_loads((requested, committed, sized), staying, now);
        host.load_mips = requested + extra;
        host.lost_mips = lost;
        host.requested_cores = cores;
        // What migrations take is lost; demand beyond capacity goes unserved too, shared by
        // the other VMs in proportion to their demand.
        let short = (host.load_mips - class.mips).clamp(0.0, requested);
        host.unserved_cores = if short > 0.0 {
            lost_cores + short / requested * (cores - lost_cores)
        } else {
            lost_cores
        };
        host.refresh_draw(class);
        if self.peak_draw && host.state == crate::model::host::PowerState::On {
            host.draw = Split::peak(&class.power);
        }
    }

    /// The demands of trace `t`'s VMs follow its new sample at once: every host is accrued
    /// before and refreshed after.
    pub(super) fn realistic_trace_stepped(&mut self, t: usize) {
        // Accrued at the old demands (the trace's new levels are read, but no host changed).
        self.accrue_all();
        for vm in 0..self.vms.len() {
            let Demand::Trace { trace, column } = self.vms[vm].demand else {
                continue;
            };
            if trace != t || matches!(self.vms[vm].state, VmState::Pending | VmState::Ended) {
                continue;
            }
            let size = self.setup.vm_types[self.vms[vm].vm_type].mips;
            self.meter_waiting(vm);
            self.vms[vm].demand_mips = self.trace_fraction(t, column) * size;
        }
        for h in 0..self.hosts.len() {
            self.refresh(h);
        }
    }

    /// The VMs of time 0 placed as a batch by the initial placement policy; later VMs are
    /// then counted by the scenario's fit basis.
    pub(super) fn realistic_place_initial(&mut self, batch: Vec<VmId>) {
        self.place_batch(batch);
        self.fit = self.setup.initial_fit;
    }

    /// A control tick's decisions: a consolidation round, power management given what it
    /// could not move, and deferred VMs placed again.
    pub(super) fn realistic_tick(&mut self) {
        let unplaced = match self.consolidator.take() {
            Some(mut c) => {
                let unplaced = self.consolidate(&mut c);
                self.consolidator = Some(c);
                unplaced
            }
            None => power::Need::default(),
        };
        self.manage_power(unplaced);
        self.retry_deferred(true);
    }
}
