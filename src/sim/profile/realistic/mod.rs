//! nightshift's own model behind the profile hooks: a host's energy is accrued exactly at
//! every change to it, its draw follows its load (and migrations' overhead) at once, trace
//! demand steps with the samples, and each control tick consolidates ([`consolidate`]), then
//! manages power ([`power`]).

mod calm;
mod consolidate;
mod power;
mod racks;

use crate::policy::power::Need;
use crate::policy::selection::VmSelection;
use crate::sim::Simulation;
use crate::sim::accounts::vm_hours::VmHours;
use crate::sim::energy::Split;
use crate::sim::fleet::Fleet;
use crate::sim::memory;
use crate::sim::setup::MigrationSetup;
use crate::sim::state::*;
use crate::time::SimTime;

impl Simulation<'_> {
    /// Adds host `h`'s energy since its last change, at its draw and the current price
    /// and grid intensity.
    pub(super) fn realistic_accrue(&mut self, h: HostId) {
        let class = &self.setup.host_classes[self.fleet.hosts[h].class];
        let high = self.setup.high_utilisation;
        let rates = (self.accounts.price, self.accounts.intensity);
        self.fleet.hosts[h].accrue(self.clock.now, class, rates, high);
    }

    /// Host `h`'s loads from its VMs and migrations (migration overhead, what migrations
    /// and a full CPU leave unserved) and the draw they set.
    pub(super) fn realistic_refresh(&mut self, h: HostId) {
        let host = &self.fleet.hosts[h];
        let mut unserved = Unserved {
            h,
            vms: &self.fleet.vms,
            per_mips: &self.policies.cores_per_mips,
            setup: &self.setup.migration,
            cores: 0.0,
            lost_cores: 0.0,
            extra: 0.0,
            lost: 0.0,
            link_w: 0.0,
            ram_mb: 0.0,
        };
        let types = &self.setup.vm_types;
        let loads = sum_loads(
            h,
            host,
            (&self.fleet.vms, &self.fleet.migrations, types),
            &mut unserved,
        );
        let Unserved {
            cores,
            lost_cores,
            extra,
            lost,
            link_w,
            ram_mb,
            ..
        } = unserved;
        let requested = loads.requested;
        let class = &self.setup.host_classes[host.class];
        let now = self.clock.now;
        let host = &mut self.fleet.hosts[h];
        host.set_loads(&loads, now);
        host.load_mips = requested + extra;
        host.lost_mips = lost;
        host.requested_cores = cores;
        // What migrations take is lost; demand beyond capacity goes unserved too, shared by
        // the other VMs in proportion to their demand; so does the share memory pressure
        // leaves waiting on swap, of what the CPU serves (`sim::memory`).
        host.ram_demand_mb = ram_mb;
        host.ram_overflow_mb = memory::overflow_mb(ram_mb, class.ram_mb);
        let pressure = memory::pressure_share(ram_mb, host.ram_overflow_mb);
        let short = (host.load_mips - class.mips).clamp(0.0, requested);
        let cpu_share = if short > 0.0 { short / requested } else { 0.0 };
        let short_share = if pressure > 0.0 {
            cpu_share + (1.0 - cpu_share) * pressure
        } else {
            cpu_share
        };
        host.unserved_cores = if short_share > 0.0 {
            lost_cores + short_share * (cores - lost_cores)
        } else {
            lost_cores
        };
        host.refresh_draw(class);
        if self.policies.peak_draw && host.state == crate::model::host::PowerState::On {
            host.draw = Split::peak(&class.power);
        }
        if host.state == crate::model::host::PowerState::On {
            host.draw.migration += link_w;
        }
        let meters = &mut self.accounts.vm_hours;
        let per_mips = &self.policies.cores_per_mips;
        meter_vm_hours(
            meters,
            &mut self.fleet,
            &self.setup.migration,
            per_mips,
            h,
            now,
            short_share,
        );
    }

    /// The demands of trace `t`'s VMs follow its new sample at once: every host is accrued
    /// before and refreshed after.
    pub(super) fn realistic_trace_stepped(&mut self, t: usize) {
        // Accrued at the old demands (the trace's new levels are read, but no host changed).
        self.accrue_all();
        for vm in 0..self.fleet.vms.len() {
            let Demand::Trace { trace, column } = self.fleet.vms[vm].demand else {
                continue;
            };
            if trace != t || matches!(self.fleet.vms[vm].state, VmState::Pending | VmState::Ended) {
                continue;
            }
            let size = self.setup.vm_types[self.fleet.vms[vm].vm_type].mips;
            self.meter_waiting(vm);
            self.fleet.vms[vm].demand_mips = self.trace_fraction(t, column) * size;
        }
        self.trace_memory_stepped(t);
        for h in 0..self.fleet.hosts.len() {
            self.refresh(h);
        }
    }

    /// The VMs of time 0 placed as a batch by the initial placement policy; later VMs are
    /// then counted by the scenario's fit basis.
    pub(super) fn realistic_place_initial(&mut self, batch: Vec<VmId>) {
        self.place_batch(batch);
        self.policies.fit = self.setup.initial_fit;
    }

    /// A control tick's decisions: a consolidation round, power management given what it
    /// could not move (the power policy observes the hosts first), and deferred VMs placed
    /// again.
    /// `selection` is the run's VM selection policy, when it consolidates.
    pub(super) fn realistic_tick(&mut self, selection: Option<&mut dyn VmSelection>) {
        let unplaced = match (self.policies.consolidation.clone(), selection) {
            (Some(c), Some(selection)) => self.consolidate(&c, selection),
            _ => Need::default(),
        };
        self.realistic_tick_power(unplaced);
        self.retry_deferred(true);
    }
}

/// Sets the VM-hour rates of host `h`'s VMs to what its refresh found at `now`: each VM's
/// demand (vCPUs: MIPS times `per_mips` of its type) and the part not served (what its
/// migration takes, then its share of the host's shortfall `short_share` of the rest), so
/// they sum to the host's `unserved_cores`. Each VM's meter is run up to `now` at its old
/// rates first, unless a load step already did (`VmHours::metered_to`): then only the rates,
/// on the VM's own cache line, are written. It writes the VMs' rates and the meters only.
#[inline]
fn meter_vm_hours(
    meters: &mut VmHours,
    fleet: &mut Fleet,
    mig: &MigrationSetup,
    per_mips: &[f64],
    h: HostId,
    now: SimTime,
    short_share: f64,
) {
    let metered = meters.metered_to == Some(now);
    let Fleet {
        hosts,
        vms,
        migrations,
        ..
    } = fleet;
    for &vm in &hosts[h].vms {
        let v = &mut vms[vm];
        let cores = v.demand_mips * per_mips[v.vm_type];
        let lost_share = match v.state {
            VmState::Migrating(m) => match migrations[m].phase {
                Phase::Queued => 0.0,
                Phase::Copying => mig.degradation,
                Phase::StopAndCopy => 1.0,
            },
            _ => 0.0,
        };
        let lost = lost_share * cores;
        let unserved = lost + short_share * (cores - lost);
        let new = Rates {
            demand: cores,
            unserved,
        };
        if metered {
            debug_assert!(
                meters.is_metered_to(vm, now),
                "VM {vm} not metered to {now}"
            );
            v.metered = new;
        } else {
            meters.set(vm, now, &mut v.metered, new);
        }
    }
}

/// What host `h`'s refresh sums besides its loads: the vCPUs its VMs ask for, migrations'
/// CPU overhead, and the CPU (and vCPUs) migrations take from their VMs.
struct Unserved<'a> {
    h: HostId,
    vms: &'a [Vm],
    per_mips: &'a [f64],
    setup: &'a MigrationSetup,
    /// vCPUs asked for.
    cores: f64,
    /// vCPUs migrations take.
    lost_cores: f64,
    /// Migrations' CPU overhead on the host, MIPS.
    extra: f64,
    /// CPU migrations take from their VMs, MIPS.
    lost: f64,
    /// Draw of the data migrations send or receive here, W (rate x energy per MB).
    link_w: f64,
    /// Memory its VMs use, MB.
    ram_mb: f64,
}

impl LoadVisitor for Unserved<'_> {
    #[inline(always)]
    fn vm(&mut self, _: VmId, v: &Vm) {
        self.cores += v.demand_mips * self.per_mips[v.vm_type];
        self.ram_mb += v.ram_demand_mb;
    }

    #[inline(always)]
    fn migration(&mut self, mig: &Migration) {
        let d = self.vms[mig.vm].demand_mips;
        let copying = mig.phase != Phase::Queued;
        if mig.source == self.h {
            if copying {
                self.extra += self.setup.overhead_source * d;
                self.link_w += mig.rate_mb_s * self.setup.energy.source_j_per_mb;
                let share = if mig.phase == Phase::StopAndCopy {
                    1.0
                } else {
                    self.setup.degradation
                };
                self.lost += share * d;
                self.lost_cores += share * d * self.per_mips[self.vms[mig.vm].vm_type];
            }
        } else if copying {
            self.extra += self.setup.overhead_destination * d;
            self.link_w += mig.rate_mb_s * self.setup.energy.destination_j_per_mb;
        }
    }
}
