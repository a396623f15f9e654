//! Rack-aware choices of the realistic model (`racks.prefer_empty`): which hosts to power
//! down and up so that whole racks empty and their switches go off, and the order in which
//! consolidation evacuates racks. The power policy still decides how many hosts of each kind
//! change state; only which ones, among hosts it cannot tell apart, is chosen here.

use crate::policy::power::{HostPower, PowerPlan, is_parked};
use crate::sim::Simulation;
use crate::sim::fleet::Fleet;
use crate::sim::setup::Setup;
use crate::sim::state::HostId;

/// What the power policy sees of a host besides its id: hosts with equal keys are
/// interchangeable for its decision (capacity, efficiency, state and time to power up).
fn kind(h: &HostPower) -> (u64, u64, u64, u64, u64, bool, bool) {
    (
        h.mips.to_bits(),
        h.ram_mb.to_bits(),
        h.core_mips.to_bits(),
        h.watts_per_mips.to_bits(),
        h.boot_ms,
        is_parked(h.state),
        h.state == crate::model::host::PowerState::Sleep,
    )
}

/// Replaces each chosen host by the first of `order` of the same kind: the plan keeps its
/// count of hosts per kind and takes them in `order`'s preference.
fn rechoose(chosen: &[HostId], order: &[&HostPower], view: &[HostPower]) -> Vec<HostId> {
    let mut taken = vec![false; view.len()];
    let mut out = Vec::with_capacity(chosen.len());
    for &c in chosen {
        let k = kind(&view[c]);
        let pick = order
            .iter()
            .find(|h| !taken[h.id] && kind(h) == k)
            .map_or(c, |h| h.id);
        taken[pick] = true;
        out.push(pick);
    }
    out
}

impl Simulation<'_> {
    /// With `racks.prefer_empty`, re-chooses `plan`'s hosts among interchangeable ones:
    /// hosts to power down from racks that can go dark (every host up in them removable),
    /// those with the fewest to switch off first, then as the policy chose; hosts to power
    /// up from racks whose switch is on, the fullest first (so dark racks stay dark). `view`
    /// is indexed by host id.
    pub(super) fn prefer_empty_racks(&self, view: &[HostPower], plan: &mut PowerPlan) {
        let (Some(racks), Some(sw)) = (&self.setup.racks, &self.accounts.switches) else {
            return;
        };
        if !racks.prefer_empty {
            return;
        }
        let map = &racks.map;
        // Hosts of each rack that stay up whatever this plan does: not off, not removable.
        let mut staying = vec![0usize; map.len()];
        for h in view {
            if !is_parked(h.state) && !h.removable {
                staying[map.rack_of(h.id)] += 1;
            }
        }
        // Hosts in racks that can go dark (no host staying up) first, the racks with the
        // fewest hosts to switch off first; then the rest in the policy's own order.
        let mut to_darken = vec![0usize; map.len()];
        for h in view.iter().filter(|h| h.removable) {
            to_darken[map.rack_of(h.id)] += 1;
        }
        let policy_order = |h: &HostPower| {
            plan.shut_down
                .iter()
                .position(|&c| c == h.id)
                .unwrap_or(usize::MAX)
        };
        let mut removable: Vec<&HostPower> = view.iter().filter(|h| h.removable).collect();
        removable.sort_by_key(|h| {
            let r = map.rack_of(h.id);
            if staying[r] == 0 {
                (0, to_darken[r], r, h.id)
            } else {
                (1, policy_order(h), 0, h.id)
            }
        });
        plan.shut_down = rechoose(&plan.shut_down, &removable, view);
        let mut parked: Vec<&HostPower> = view.iter().filter(|h| is_parked(h.state)).collect();
        parked.sort_by_key(|h| {
            let r = map.rack_of(h.id);
            (!sw.is_on(racks, r), std::cmp::Reverse(sw.awake(r)), r, h.id)
        });
        plan.boot = rechoose(&plan.boot, &parked, view);
    }
}

/// With `racks.prefer_empty`, each rack's rank in evacuation order (`fleet`'s hosts, by
/// `setup`'s racks): racks whose hosts carry the least committed CPU for their capacity
/// first (ties by rack). `None` without.
pub(super) fn rack_ranks(fleet: &Fleet, setup: &Setup) -> Option<Vec<usize>> {
    let racks = setup.racks.as_ref().filter(|r| r.prefer_empty)?;
    let map = &racks.map;
    let mut used: Vec<(f64, usize)> = (0..map.len())
        .map(|r| {
            let (mut load, mut capacity) = (0.0, 0.0);
            for &h in map.hosts(r) {
                let host = &fleet.hosts[h];
                load += host.committed_mips;
                capacity += setup.host_classes[host.class].mips;
            }
            (load / capacity.max(f64::MIN_POSITIVE), r)
        })
        .collect();
    used.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut rank = vec![0; map.len()];
    for (i, &(_, r)) in used.iter().enumerate() {
        rank[r] = i;
    }
    Some(rank)
}
