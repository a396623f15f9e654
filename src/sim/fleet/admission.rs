//! The one admission rule for a destination host: may host `h` take VM `vm`, beside the VMs
//! already planned for it this round? Consolidation's relief and evacuation ask it, and so
//! does placement of a new VM below the detector's ceiling (arrivals, deferred and waiting
//! VMs, HA restarts after a failure all place through it); the search itself
//! ([`Fleet::find_host`]) keeps the checks every placement makes (power state, cores, RAM,
//! disk and network reservations, the groups' placement rules, the utilisation window).

use super::Fleet;
use super::dimensions::MEMORY_CEILING;
use super::placement_index::PlacementIndex;
use crate::policy::overload::OverloadDetector;
use crate::policy::placement::Need;
use crate::sim::setup::Setup;
use crate::sim::state::*;

/// What a destination must pass besides the search's own checks.
#[derive(Clone, Copy)]
pub(in crate::sim) struct Admission<'r> {
    pub setup: &'r Setup,
    /// Consolidation's overload detector: a destination it finds over-loaded with the VM is
    /// refused.
    pub detector: &'r dyn OverloadDetector,
    /// RAM and disk judged too (`dimensions = "all"`): a destination must stay within
    /// [`MEMORY_CEILING`] on both.
    pub all_dimensions: bool,
    /// Memory in use judged too: a move must not leave its destination under memory
    /// pressure. A new VM's placement does not ask it.
    pub memory_in_use: bool,
}

impl Fleet {
    /// Whether host `h` may take VM `vm` (needing `need`), its utilisation `u` with the VM,
    /// beside `planned`, the VMs planned for `h` this round and not yet migrating: none of
    /// them in the VM's anti-affinity group; the detector does not find `h` over-loaded with
    /// them and the VM (their histories counted); with every dimension judged, RAM and disk
    /// within [`MEMORY_CEILING`]; with memory in use judged, their memory in use held without
    /// pressure. Cheapest checks first: the detector may be costly.
    pub(in crate::sim) fn admits(
        &self,
        rule: &Admission<'_>,
        h: HostId,
        u: f64,
        vm: VmId,
        need: &Need,
        planned: impl Iterator<Item = VmId> + Clone,
    ) -> bool {
        let setup = rule.setup;
        if planned.clone().any(|p| self.kept_apart(p, vm)) {
            return false;
        }
        let plus = planned.clone().chain(std::iter::once(vm));
        if self.is_overloaded(setup, rule.detector, h, u, plus, &[]) {
            return false;
        }
        if rule.all_dimensions
            && self.memory_load(setup, h, need.ram_mb, need.disk_mb) > MEMORY_CEILING
        {
            return false;
        }
        if !rule.memory_in_use {
            return true;
        }
        let ram: f64 = planned.map(|p| self.vms[p].ram_demand_mb).sum();
        self.has_memory_for(&setup.host_classes, h, ram + self.vms[vm].ram_demand_mb)
    }

    /// Adds (`sign` = 1) or removes (-1) a tentative reservation of `vm` on `h` while a
    /// round plans, so later searches and admissions see it (`index` is told).
    pub(in crate::sim) fn reserve(
        &mut self,
        index: &mut PlacementIndex,
        setup: &Setup,
        h: HostId,
        vm: VmId,
        sign: f64,
    ) {
        index.touch(h);
        let t = &setup.vm_types[self.vms[vm].vm_type];
        let host = &mut self.hosts[h];
        host.committed_mips += sign * self.vms[vm].demand_mips;
        host.sized_mips += sign * t.mips;
        host.book(t, sign);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::host::PowerState;
    use crate::policy::lookup;
    use crate::policy::overload::DETECTORS;

    /// Three hosts of 4000 MIPS and 8 GB (RAM over-committed twice, so reservations do not
    /// stop memory in use from overflowing), VMs of 1 vCPU (1000 MIPS) and 1 GB in one
    /// anti-affinity group (three VMs need three hosts).
    const FLEET: &str = r#"
version = 1
[simulation]
name = "admission"
duration = "1h"
[[hosts]]
class = "h"
count = 3
cores = 4
core_mips = 1000
ram = "8 GB"
overcommit = { cpu = 1.0, ram = 2.0 }
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "vm"
count = 3
load = "l"
anti_affinity = true
[loads.l]
shape = "constant"
level = 0.5
"#;

    /// The scenario's fleet: VMs 0 and 1 on host 0 (their memory in use 3 GB each; together
    /// only where a test lifts the group's rule), VM 2 (1 GB in use) not placed; hosts 1 and
    /// 2 empty.
    fn fleet() -> (Setup, Fleet) {
        let setup = crate::scenario::load(FLEET, "admission.toml", &[]).unwrap();
        let hosts = setup
            .hosts
            .iter()
            .map(|&c| Host::new(c, PowerState::On))
            .collect();
        let vm = |state, ram_demand_mb| Vm {
            origin: Origin::Group(0),
            vm_type: 0,
            demand: Demand::Curve(0),
            state,
            demand_mips: 500.0,
            metered: Rates::IDLE,
            ram_demand_mb,
            ram: RamDemand::Reserved,
        };
        let vms = vec![
            vm(VmState::Running(0), 3.0 * GB),
            vm(VmState::Running(0), 3.0 * GB),
            vm(VmState::Waiting, GB),
        ];
        let mut fleet = Fleet::new(hosts, vms, 0);
        fleet.rules = setup.groups.iter().map(|g| g.rule.clone()).collect();
        fleet.hosts[0].vms = vec![0, 1];
        fleet.hosts[0].ram_used = 2.0 * setup.vm_types[0].ram_mb;
        fleet.hosts[0].committed_mips = 1000.0;
        (setup, fleet)
    }

    /// A gigabyte, MB (the scenario's "1 GB").
    const GB: f64 = 1000.0;

    fn thr(threshold: f64) -> Box<dyn OverloadDetector> {
        (lookup(DETECTORS, "thr").unwrap().build)(Some(threshold), 0)
    }

    fn need(setup: &Setup, ram_mb: f64) -> Need {
        Need {
            mips: 500.0,
            ram_mb,
            disk_mb: 0.0,
            net_mbps: 0.0,
            vcpu_mips: 1000.0,
        }
        .with_disk(setup)
    }

    impl Need {
        /// The need with the VM type's disk, as the simulation counts it.
        fn with_disk(self, setup: &Setup) -> Need {
            Need {
                disk_mb: setup.vm_types[0].disk_mb,
                ..self
            }
        }
    }

    /// THR at 0.8 admits a host reaching 0.75 (3000 of 4000 MIPS) and refuses one reaching
    /// 0.85: the detector's verdict with the VM is the rule's.
    #[test]
    fn the_detector_with_the_vm_decides() {
        let (setup, fleet) = fleet();
        let detector = thr(0.8);
        let rule = Admission {
            setup: &setup,
            detector: detector.as_ref(),
            all_dimensions: false,
            memory_in_use: false,
        };
        let need = need(&setup, GB);
        assert!(fleet.admits(&rule, 1, 0.75, 2, &need, std::iter::empty()));
        assert!(!fleet.admits(&rule, 1, 0.85, 2, &need, std::iter::empty()));
    }

    /// VM 2 shares its anti-affinity group with VM 0: host 1 refuses it once VM 0 is planned
    /// there this round (the plan is no migration yet, so only `planned` shows it), and takes
    /// it with an unrelated plan.
    #[test]
    fn a_planned_vm_of_the_group_keeps_it_apart() {
        let (setup, mut fleet) = fleet();
        let detector = thr(1.0);
        let rule = Admission {
            setup: &setup,
            detector: detector.as_ref(),
            all_dimensions: false,
            memory_in_use: false,
        };
        let need = need(&setup, GB);
        assert!(!fleet.admits(&rule, 1, 0.5, 2, &need, [0].into_iter()));
        fleet.rules = vec![None];
        assert!(fleet.admits(&rule, 1, 0.5, 2, &need, [0].into_iter()));
    }

    /// Judged on every dimension, host 0 (2 GB of 8 reserved) refuses a VM reserving 7 GB
    /// more (9 GB, over the ceiling of 100 %) and takes one reserving 6 GB (exactly full);
    /// judged on CPU alone it takes both.
    #[test]
    fn every_dimension_keeps_reservations_within_capacity() {
        let (setup, fleet) = fleet();
        let detector = thr(1.0);
        let mut rule = Admission {
            setup: &setup,
            detector: detector.as_ref(),
            all_dimensions: true,
            memory_in_use: false,
        };
        assert_eq!(setup.vm_types[0].ram_mb, GB);
        let (big, full) = (need(&setup, 7.0 * GB), need(&setup, 6.0 * GB));
        assert!(!fleet.admits(&rule, 0, 0.5, 2, &big, std::iter::empty()));
        assert!(fleet.admits(&rule, 0, 0.5, 2, &full, std::iter::empty()));
        rule.all_dimensions = false;
        assert!(fleet.admits(&rule, 0, 0.5, 2, &big, std::iter::empty()));
    }

    /// Host 1 is empty: VM 2, using 3 GB, fits alone, but not beside VMs 0 and 1 (3 GB each)
    /// planned there this round (9 GB of 8). A new VM's placement (memory in use not judged)
    /// takes it.
    #[test]
    fn memory_in_use_counts_the_planned_vms() {
        let (setup, mut fleet) = fleet();
        fleet.rules = vec![None];
        fleet.vms[2].ram_demand_mb = 3.0 * GB;
        let detector = thr(1.0);
        let mut rule = Admission {
            setup: &setup,
            detector: detector.as_ref(),
            all_dimensions: false,
            memory_in_use: true,
        };
        let need = need(&setup, GB);
        assert!(fleet.admits(&rule, 1, 0.5, 2, &need, std::iter::empty()));
        assert!(!fleet.admits(&rule, 1, 0.5, 2, &need, [0, 1].into_iter()));
        rule.memory_in_use = false;
        assert!(fleet.admits(&rule, 1, 0.5, 2, &need, [0, 1].into_iter()));
    }

    /// A tentative reservation moves the host's committed CPU, size, RAM and disk, and
    /// taking it back restores them exactly.
    #[test]
    fn a_reservation_is_undone_exactly() {
        let (setup, mut fleet) = fleet();
        let t = &setup.vm_types[0];
        let sizes = [(t.ram_mb, t.disk_mb, t.net_mbps)];
        let mut index = PlacementIndex::new(&setup.hosts, setup.host_classes.len(), &sizes);
        let before = (fleet.hosts[1].committed_mips, fleet.hosts[1].ram_used);
        fleet.reserve(&mut index, &setup, 1, 2, 1.0);
        assert_eq!(fleet.hosts[1].committed_mips, 500.0);
        assert_eq!(fleet.hosts[1].ram_used, GB);
        fleet.reserve(&mut index, &setup, 1, 2, -1.0);
        assert_eq!(
            (fleet.hosts[1].committed_mips, fleet.hosts[1].ram_used),
            before
        );
    }
}
