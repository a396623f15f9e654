//! `[policy.calm]` in the realistic control tick: moves planned through the windows and
//! budgets, evacuations refused when a limit or the benefit bar says no, and power-down held
//! back outside the windows.

use crate::model::host::{HostClass, PowerState};
use crate::policy::power::PowerPolicy;
use crate::sim::Simulation;
use crate::sim::calm::{Calm, Refusal};
use crate::sim::fleet::Fleet;
use crate::sim::setup::{CalmSetup, Setup};
use crate::sim::state::*;
use crate::time::SimTime;

/// What the power settings would still allow to be switched off this round, for the
/// `host-off` benefit bar: powered hosts and capacity against what the fleet has committed.
pub(super) struct OffRoom {
    /// Whether the power policy switches hosts off at all.
    switches_off: bool,
    /// Powered (on or booting) hosts left after this round's evacuations.
    on: usize,
    /// Their CPU, MIPS, and RAM, MB.
    cap: (f64, f64),
    /// What the fleet has committed: CPU, MIPS, and RAM, MB.
    need: (f64, f64),
    /// Fraction of powered capacity the policy keeps in use at most (1 - its headroom).
    usable: f64,
    /// Whether the fleet is below the policy's power-off mark, if it has one (DPM switches
    /// nothing off above it, however much room the rest would keep).
    cold: bool,
    /// Hosts always kept on.
    min_hosts: usize,
}

impl Simulation<'_> {
    /// Plans `vm`'s move to `dst` and records it against the budgets.
    pub(super) fn plan_calm_move(&mut self, vm: VmId, dst: HostId, in_window: bool) {
        self.plan_migration(vm, dst);
        if matches!(self.fleet.vms[vm].state, VmState::Migrating(_)) {
            self.policies.calm.record(vm, self.clock.now, in_window);
        }
    }

    /// Power-down decisions in `hosts` that the windows allow now; the rest are counted.
    pub(in crate::sim) fn calm_power_down(&mut self, hosts: Vec<HostId>) -> Vec<HostId> {
        if hosts.is_empty() || Calm::window_open(&self.setup.calm, self.clock.now) {
            return hosts;
        }
        self.policies.calm.refuse_shutdowns(hosts.len());
        Vec::new()
    }
}

/// Whether the evacuation of `vms` (all of a host's, of `class`) is refused at `now`,
/// counted in `state` for each of its moves. Checked before its destinations are searched,
/// since none of the reasons depends on them, in this order: the window (`in_window` false),
/// a VM's cool-down or daily cap, the benefit bar (`room`), the budgets.
pub(super) fn evacuation_refused(
    state: &mut Calm,
    calm: &CalmSetup,
    now: SimTime,
    vms: &[VmId],
    class: &HostClass,
    in_window: bool,
    room: &OffRoom,
) -> bool {
    let frees = (class.mips, class.ram_limit_mb());
    let why = if !in_window {
        Some(Refusal::Window)
    } else if let Some(why) = vms.iter().find_map(|&vm| state.vm_refusal(calm, vm, now)) {
        Some(why)
    } else if calm.benefit_host_off && !room.would_switch_off(frees) {
        Some(Refusal::Benefit)
    } else {
        state.budget_refusal(calm, vms.len())
    };
    if let Some(why) = why {
        state.refuse(why, vms.len());
    }
    why.is_some()
}

/// Whether committed `need` is below the power-off `mark` of powered capacity `cap` on CPU and
/// RAM alike (always, without a mark).
fn below_mark(need: (f64, f64), cap: (f64, f64), mark: Option<f64>) -> bool {
    mark.is_none_or(|m| need.0 < m * cap.0 && need.1 < m * cap.1)
}

impl OffRoom {
    /// The room to switch hosts off at the start of an evacuation pass: the powered hosts of
    /// `fleet`, what they have committed, and the settings of `power`.
    pub(super) fn new(fleet: &Fleet, setup: &Setup, power: &dyn PowerPolicy) -> OffRoom {
        let usable = power.usable_share();
        let mut room = OffRoom {
            switches_off: usable.is_some(),
            on: 0,
            cap: (0.0, 0.0),
            need: (0.0, 0.0),
            usable: usable.unwrap_or(1.0),
            cold: true,
            min_hosts: setup.power.min_hosts_on,
        };
        for host in &fleet.hosts {
            if matches!(host.state, PowerState::On | PowerState::Booting) {
                let class = &setup.host_classes[host.class];
                room.on += 1;
                room.cap.0 += class.mips;
                room.cap.1 += class.ram_limit_mb();
                room.need.0 += host.committed_mips;
                room.need.1 += host.ram_used;
            }
        }
        room.cold = below_mark(room.need, room.cap, power.off_mark());
        room
    }

    /// What the powered hosts have committed: CPU, MIPS, and RAM, MB.
    pub(super) fn need(&self) -> (f64, f64) {
        self.need
    }

    /// Takes a host of `class` out of the room once its evacuation is planned.
    pub(super) fn leave(&mut self, class: &HostClass) {
        self.on = self.on.saturating_sub(1);
        self.cap = (self.cap.0 - class.mips, self.cap.1 - class.ram_limit_mb());
    }

    /// Whether a host of capacity `frees` (CPU, RAM), once empty, would be switched off: the
    /// policy switches hosts off, the fleet is below its power-off mark, the floor of hosts on
    /// holds, and the rest still keep the headroom.
    fn would_switch_off(&self, frees: (f64, f64)) -> bool {
        self.switches_off
            && self.cold
            && self.on > self.min_hosts
            && self.need.0 <= self.usable * (self.cap.0 - frees.0)
            && self.need.1 <= self.usable * (self.cap.1 - frees.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten hosts of 1000 MIPS and 1000 MB on, 5000 of each committed (50 %). Emptying one
    /// leaves 9000, of which DPM's target 0.63 is 5670: room for the 5000. But DPM switches
    /// nothing off above its power-off mark, 0.63 - 0.18 = 0.45 (4500 of 10000): the
    /// evacuation would free no host. At 4400 committed (44 %) it would.
    #[test]
    fn an_evacuation_frees_a_host_only_below_the_power_off_mark() {
        let room = |need: f64, mark: Option<f64>| OffRoom {
            switches_off: true,
            on: 10,
            cap: (10_000.0, 10_000.0),
            need: (need, need),
            usable: 0.63,
            cold: below_mark((need, need), (10_000.0, 10_000.0), mark),
            min_hosts: 1,
        };
        let dpm = Some(0.63 - 0.18);
        assert!(room(5000.0, None).would_switch_off((1000.0, 1000.0)));
        assert!(!room(5000.0, dpm).would_switch_off((1000.0, 1000.0)));
        assert!(room(4400.0, dpm).would_switch_off((1000.0, 1000.0)));
        // RAM above the mark is enough to keep the host on.
        let mut warm_ram = room(4400.0, dpm);
        warm_ram.cold = below_mark((4400.0, 4600.0), warm_ram.cap, dpm);
        assert!(!warm_ram.would_switch_off((1000.0, 1000.0)));
    }
}
