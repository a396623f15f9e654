//! What consolidation and placement ask of the overload detector about the fleet: a host's
//! committed utilisation, its VMs' histories and the migration horizon.

use super::Fleet;
use crate::model::host::HostClass;
use crate::model::migration::{precopy, simple};
use crate::policy::overload::{HISTORY_LEN, HostLoad, OverloadDetector};
use crate::sim::setup::{MigrationModel, Setup};
use crate::sim::state::*;
use crate::time::secs;

/// What the overload detector reads of the fleet: committed utilisation, the committed VMs'
/// histories and how long migrating off a host takes.
impl Fleet {
    /// Host `h`'s committed CPU over its capacity (`classes`: the setup's host classes).
    pub(in crate::sim) fn utilisation(&self, classes: &[HostClass], h: HostId) -> f64 {
        self.hosts[h].committed_mips / classes[self.hosts[h].class].mips
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
    pub(in crate::sim) fn horizon(&self, setup: &Setup, h: HostId, ram_mb: f64) -> f64 {
        let m = &setup.migration;
        let rate = setup.host_classes[self.hosts[h].class].net_mbps * m.bandwidth_share / 8.0;
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
        (seconds / secs(setup.control_interval)).ceil().max(1.0)
    }

    /// Whether `detector` finds host `h` over-loaded at utilisation `u`, its history being
    /// that of its committed VMs without `minus` and with `plus` (so a VM's own history comes
    /// along when it is tentatively added, as in the reference).
    pub(in crate::sim) fn is_overloaded(
        &self,
        setup: &Setup,
        detector: &dyn OverloadDetector,
        h: HostId,
        u: f64,
        plus: impl Iterator<Item = VmId>,
        minus: &[VmId],
    ) -> bool {
        if self.history.keep() == 0 {
            return detector.is_overloaded(&HostLoad::new(u, &[]));
        }
        let scale = 1.0 / setup.host_classes[self.hosts[h].class].mips;
        let mut buf = [0.0; HISTORY_LEN];
        let (mut n, mut ram) = (0, 0.0_f64);
        let mut add = |vm: VmId| {
            n = n.max(self.history.add_into(vm, &mut buf, scale));
            ram = ram.max(setup.vm_types[self.vms[vm].vm_type].ram_mb);
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
            horizon: self.horizon(setup, h, ram),
        };
        detector.is_overloaded(&load)
    }
}
