//! Memory demand over time and memory pressure (docs/scenario.md, "Memory"): each VM's memory
//! in use moves with a memory curve or its trace's memory column; a host whose VMs use more
//! memory than it physically has (possible only with RAM over-commit) serves the excess by
//! ballooning and swapping, which the realistic profile counts as CPU demand not served.

use super::Simulation;
use super::fleet::Fleet;
use super::records::{MemoryRow, MemorySummary};
use super::state::{Demand, HostId, RamDemand, VmId, VmState};
use crate::model::host::{HostClass, PowerState};

/// Memory in use above physical memory this small (a millionth of it) is rounding in the sum
/// of the VMs' demands, not pressure.
const ROUNDING: f64 = 1e-6;

/// The memory of demand `demand_mb` that host memory `physical_mb` cannot hold, MB (0 when
/// it fits).
pub(super) fn overflow_mb(demand_mb: f64, physical_mb: f64) -> f64 {
    let excess = demand_mb - physical_mb;
    if excess > physical_mb * ROUNDING {
        excess
    } else {
        0.0
    }
}

/// The share of its VMs' CPU demand a host under memory pressure does not serve: the share of
/// their memory in use that is not in physical memory (`overflow_mb / demand_mb`), each
/// access to it waiting on the balloon driver or on swap.
pub(super) fn pressure_share(demand_mb: f64, overflow_mb: f64) -> f64 {
    if overflow_mb > 0.0 {
        overflow_mb / demand_mb
    } else {
        0.0
    }
}

impl Simulation<'_> {
    /// VM `vm`'s memory in use now, MB: its memory curve's level (noise drawn from its own
    /// stream, so CPU noise draws do not move) or its memory trace's current sample (at its
    /// own column, scaled and capped at 1), times its type's RAM; or its whole RAM.
    pub(super) fn ram_now(&mut self, vm: VmId) -> f64 {
        let v = &self.fleet.vms[vm];
        let ram = self.setup.vm_types[v.vm_type].ram_mb;
        match v.ram {
            RamDemand::Reserved => ram,
            RamDemand::Curve(load) => {
                let curve = &self.setup.loads[load];
                let level = curve.level(self.clock.now);
                curve.with_noise(level, &mut self.workload.ram_noise) * ram
            }
            RamDemand::Trace(t) => match v.demand {
                Demand::Trace { column, .. } => self.trace_fraction(t, column) * ram,
                _ => ram,
            },
        }
    }

    /// Trace `t` stepped: if it is a memory trace, the memory in use of the VMs reading it
    /// follows its new sample (called between accruing and refreshing every host).
    pub(super) fn trace_memory_stepped(&mut self, t: usize) {
        if !self.setup.traces[t].memory {
            return;
        }
        for vm in 0..self.fleet.vms.len() {
            let v = &self.fleet.vms[vm];
            if v.ram == RamDemand::Trace(t) && !matches!(v.state, VmState::Pending | VmState::Ended)
            {
                self.sample_memory(vm);
            }
        }
    }

    /// The memory columns of a timeseries row now, if the scenario models memory: the
    /// memory the VMs of hosts that are on use, the part above physical memory, and the hosts
    /// under memory pressure.
    pub(super) fn memory_row(&self) -> Option<MemoryRow> {
        if !self.setup.models_memory() {
            return None;
        }
        let mut row = MemoryRow {
            ram_demand_gb: 0.0,
            ram_overflow_gb: 0.0,
            hosts_ram_pressure: 0,
        };
        for host in &self.fleet.hosts {
            if host.state == PowerState::On {
                row.ram_demand_gb += host.ram_demand_mb / 1e3;
                row.ram_overflow_gb += host.ram_overflow_mb / 1e3;
                if host.ram_overflow_mb > 0.0 {
                    row.hosts_ram_pressure += 1;
                }
            }
        }
        Some(row)
    }

    /// `summary.json` → `memory` at the end of the run (from the hosts' meters, reset at
    /// the warm-up's end), if the scenario models memory.
    pub(super) fn memory_summary(&self) -> Option<MemorySummary> {
        if !self.setup.models_memory() {
            return None;
        }
        const MB_MS_PER_GB_H: f64 = 1e3 * 3.6e6;
        let (mut demand, mut overflow, mut pressure_ms) = (0.0, 0.0, 0);
        for host in &self.fleet.hosts {
            demand += host.meters.ram_demand_mb_ms;
            overflow += host.meters.ram_overflow_mb_ms;
            pressure_ms += host.meters.ram_pressure_ms;
        }
        let classes = &self.setup.host_classes;
        let most = |f: fn(&HostClass) -> f64| classes.iter().map(f).fold(1.0, f64::max);
        Some(MemorySummary {
            demand_gb_h: demand / MB_MS_PER_GB_H,
            overflow_gb_h: overflow / MB_MS_PER_GB_H,
            overflow_fraction: if demand > 0.0 { overflow / demand } else { 0.0 },
            pressure_host_h: pressure_ms as f64 / 3.6e6,
            max_ram_overcommit: most(|c| c.overcommit.ram),
            max_cpu_overcommit: most(|c| c.overcommit.cpu),
        })
    }

    /// Sets VM `vm`'s memory demand to what it is now ([`Self::ram_now`]).
    pub(super) fn sample_memory(&mut self, vm: VmId) {
        if self.fleet.vms[vm].ram != RamDemand::Reserved {
            self.fleet.vms[vm].ram_demand_mb = self.ram_now(vm);
        }
    }
}

/// What policies may read of a host's memory use (besides its reservations).
impl Fleet {
    /// Whether host `h`'s VMs use more memory than it physically has (consolidation then
    /// treats it as over-loaded, whatever its CPU).
    pub(in crate::sim) fn under_memory_pressure(&self, h: HostId) -> bool {
        self.hosts[h].ram_overflow_mb > 0.0
    }

    /// Memory in use by the VMs committed to host `h`, MB: those executing there and not
    /// migrating away, and those migrating in.
    pub(in crate::sim) fn committed_ram_demand(&self, h: HostId) -> f64 {
        let host = &self.hosts[h];
        let mut ram = 0.0;
        for &vm in &host.vms {
            if !matches!(self.vms[vm].state, VmState::Migrating(_)) {
                ram += self.vms[vm].ram_demand_mb;
            }
        }
        for &m in &host.migrations {
            if self.migrations[m].destination == h {
                ram += self.vms[self.migrations[m].vm].ram_demand_mb;
            }
        }
        ram
    }

    /// Whether host `h` holds `extra_mb` more memory in use (negative: less) beside its
    /// committed VMs' without memory pressure (`classes`: the setup's host classes). Always
    /// so for a class without RAM over-commit, answered without summing: memory in use never
    /// exceeds a VM's reservation, and placement keeps reservations within physical memory.
    pub(in crate::sim) fn has_memory_for(
        &self,
        classes: &[HostClass],
        h: HostId,
        extra_mb: f64,
    ) -> bool {
        let class = &classes[self.hosts[h].class];
        if class.overcommit.ram <= 1.0 {
            return true;
        }
        overflow_mb(self.committed_ram_demand(h) + extra_mb, class.ram_mb) == 0.0
    }

    /// About the most memory in use host `h` takes beside its committed VMs' without memory
    /// pressure, MB ([`Self::has_memory_for`] accepts no more than this, give or take
    /// rounding): infinite for a class without RAM over-commit. The placement index keeps the
    /// most of a subtree's to skip the subtree when a VM's memory in use exceeds it.
    pub(in crate::sim) fn memory_room(&self, classes: &[HostClass], h: HostId) -> f64 {
        let class = &classes[self.hosts[h].class];
        if class.overcommit.ram <= 1.0 {
            return f64::INFINITY;
        }
        class.ram_mb * (1.0 + ROUNDING) - self.committed_ram_demand(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 20 GiB in use on a 16 GiB host: 4 GiB overflow, a fifth (4 / 20) of the VMs' demand
    /// unserved.
    #[test]
    fn overflow_and_share_by_hand() {
        let o = overflow_mb(20_480.0, 16_384.0);
        assert_eq!(o, 4096.0);
        assert_eq!(pressure_share(20_480.0, o), 0.2);
    }

    /// Demand at physical memory, or above it by rounding, is no pressure.
    #[test]
    fn rounding_is_not_pressure() {
        assert_eq!(overflow_mb(16_384.0, 16_384.0), 0.0);
        assert_eq!(overflow_mb(16_384.0 + 1e-9, 16_384.0), 0.0);
        assert_eq!(overflow_mb(1000.0, 16_384.0), 0.0);
        assert_eq!(pressure_share(1000.0, 0.0), 0.0);
    }
}
