//! A host's load on RAM and disk beside CPU, for consolidation that judges over-load and
//! under-load on every dimension (`policy.consolidation.dimensions = "all"`).

use super::Fleet;
use crate::model::vm::VmType;
use crate::sim::fleet::placement::FIT_EPS;
use crate::sim::setup::Setup;
use crate::sim::state::*;

/// The most RAM or disk a host may have committed, as a fraction of its capacity, before it is
/// over-loaded on that dimension: all of it. Reservations are not a load that rises and falls
/// like CPU demand, so the detector's CPU threshold does not apply to them: holding RAM below
/// THR's 85 % strands the rest, which power management counts as free (on `exercise-3`, 11 %
/// of the CPU demand went unserved that way). Only an over-committed host passes it.
pub(in crate::sim) const MEMORY_CEILING: f64 = 1.0 + FIT_EPS;

impl Fleet {
    /// The fuller of host `h`'s RAM and disk, as a fraction of its class's, with `ram_mb` and
    /// `disk_mb` more (negative: less). Counted as the CPU committed is: reserved by the VMs
    /// that stay (not those migrating away, whose reservation stays until the copy ends) and
    /// by those migrating in. A dimension the class does not declare counts 0.
    pub(in crate::sim) fn memory_load(
        &self,
        setup: &Setup,
        h: HostId,
        ram_mb: f64,
        disk_mb: f64,
    ) -> f64 {
        let host = &self.hosts[h];
        let class = &setup.host_classes[host.class];
        let (leaving_ram, leaving_disk) = self.leaving(&setup.vm_types, h);
        let ram = host.ram_used + ram_mb - leaving_ram;
        let disk = host.disk_used + disk_mb - leaving_disk;
        let frac = |used: f64, cap: f64| if cap > 0.0 { used / cap } else { 0.0 };
        frac(ram, class.ram_mb).max(frac(disk, class.disk_mb))
    }

    /// The RAM and disk (MB) reserved on host `h` by VMs migrating away from it: freed when
    /// their copies end, and reserved on their destinations meanwhile. Read from the host's
    /// migrations, so a host with none costs nothing; each VM counts once, by the migration
    /// it is in (a CloudSim follow-up migration of the same VM leaves it uncounted).
    pub(in crate::sim) fn leaving(&self, types: &[VmType], h: HostId) -> (f64, f64) {
        let (mut ram, mut disk) = (0.0, 0.0);
        for &m in &self.hosts[h].migrations {
            let vm = &self.vms[self.migrations[m].vm];
            if self.migrations[m].source == h
                && matches!(vm.state, VmState::Migrating(now) if now == m)
            {
                let t = &types[vm.vm_type];
                ram += t.ram_mb;
                disk += t.disk_mb;
            }
        }
        (ram, disk)
    }

    /// Host `h`'s fullest dimension: the largest of its committed CPU utilisation and its
    /// [`Self::memory_load`].
    pub(in crate::sim) fn fullest(&self, setup: &Setup, h: HostId) -> f64 {
        self.utilisation(&setup.host_classes, h)
            .max(self.memory_load(setup, h, 0.0, 0.0))
    }
}
