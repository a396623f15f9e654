//! Hard placement rules of `[[vms]]` groups (anti-affinity, keep-together affinity, allowed
//! host classes), checked wherever a destination host is chosen. A VM without a rule costs
//! one lookup; a VM with anti-affinity reads only the candidate host's own VMs and
//! migrations, never the fleet; a keep-together VM reads its own group's members.
//!
//! Keep-together: a member counts where it runs, or, while it migrates, at its migration's
//! destination (it still executes on its source during the copy, but consolidation moves a
//! group only whole, every member to one destination in one round, so the destination is
//! where the group is going). The first member placed while none counts anywhere may go to
//! any host with room for every member not running yet; those waiting start with it, the
//! others follow it there.

use crate::policy::placement::Need;
use crate::sim::fleet::Fleet;
use crate::sim::setup::PlacementRule;
use crate::sim::state::*;

/// What a gang of VMs moving or starting together needs of one host: their CPU, RAM, disk
/// and network summed, their fastest vCPU.
pub(in crate::sim) fn summed(needs: impl Iterator<Item = Need>) -> Need {
    needs.fold(
        Need {
            mips: 0.0,
            ram_mb: 0.0,
            disk_mb: 0.0,
            net_mbps: 0.0,
            vcpu_mips: 0.0,
        },
        |a, n| Need {
            mips: a.mips + n.mips,
            ram_mb: a.ram_mb + n.ram_mb,
            disk_mb: a.disk_mb + n.disk_mb,
            net_mbps: a.net_mbps + n.net_mbps,
            vcpu_mips: a.vcpu_mips.max(n.vcpu_mips),
        },
    )
}

impl Fleet {
    /// This fleet with the groups' placement `rules` (by group index), each keep-together
    /// group's members listed.
    pub(in crate::sim) fn with_rules(mut self, rules: Vec<Option<PlacementRule>>) -> Self {
        self.together = vec![Vec::new(); rules.len()];
        for (vm, v) in self.vms.iter().enumerate() {
            if let Origin::Group(g) = v.origin
                && rules
                    .get(g)
                    .is_some_and(|r| r.as_ref().is_some_and(|r| r.affinity))
            {
                self.together[g].push(vm);
            }
        }
        self.rules = rules;
        self
    }

    /// The placement rule of VM `vm`'s group, if it has one.
    fn rule_of(&self, vm: VmId) -> Option<(usize, &PlacementRule)> {
        match self.vms[vm].origin {
            Origin::Group(g) => self.rules.get(g)?.as_ref().map(|r| (g, r)),
            Origin::Request(_) | Origin::Service(_) => None,
        }
    }

    /// Whether VM `vm` may go to host `h`: its class is one the VM's group allows; with
    /// anti-affinity, no other VM of the group runs there or is on its way there; kept
    /// together, `h` is where the rest of its group is, if any of it is somewhere.
    pub(in crate::sim) fn rules_allow(&self, vm: VmId, h: HostId) -> bool {
        let Some((g, rule)) = self.rule_of(vm) else {
            return true;
        };
        self.class_allows(vm, h)
            && !(rule.anti_affinity && self.group_members_on(g, h).any(|v| v != vm))
            && self.bound_host(vm).is_none_or(|b| b == h)
    }

    /// Whether host `h`'s class is one VM `vm`'s group allows: the only rule a keep-together
    /// group's move checks, the whole group going to `h` at once.
    pub(in crate::sim) fn class_allows(&self, vm: VmId, h: HostId) -> bool {
        self.rule_of(vm).is_none_or(|(_, rule)| {
            (rule.classes.as_ref()).is_none_or(|allowed| allowed[self.hosts[h].class])
        })
    }

    /// The keep-together group of VM `vm`, if it has one.
    fn together_group(&self, vm: VmId) -> Option<usize> {
        self.rule_of(vm).filter(|(_, r)| r.affinity).map(|(g, _)| g)
    }

    /// Where VM `vm` counts for keep-together: its host while it runs, its migration's
    /// destination while it migrates; nowhere while it waits, is down, pending or ended.
    fn counted_at(&self, vm: VmId) -> Option<HostId> {
        match self.vms[vm].state {
            VmState::Running(h) => Some(h),
            VmState::Migrating(m) => Some(self.migrations[m].destination),
            VmState::Pending | VmState::Waiting | VmState::Ended | VmState::Down => None,
        }
    }

    /// The host a keep-together VM `vm` may only go to: where another member of its group
    /// runs or is migrating to. `None`: no rule binds it (no such group, or no member
    /// anywhere).
    pub(in crate::sim) fn bound_host(&self, vm: VmId) -> Option<HostId> {
        let g = self.together_group(vm)?;
        (self.together[g].iter())
            .filter(|&&v| v != vm)
            .find_map(|&v| self.counted_at(v))
    }

    /// The VMs whose room a host must have for `vm` to start there unbound: `vm` first, then
    /// the other members of its keep-together group not running yet (waiting, down after a
    /// failure, or yet to arrive), so that they can all follow it. Just `vm` outside such a
    /// group, or bound.
    pub(in crate::sim) fn starting_with(&self, vm: VmId) -> Vec<VmId> {
        let mut gang = vec![vm];
        if let Some(g) = self.together_group(vm)
            && self.bound_host(vm).is_none()
        {
            gang.extend(self.together[g].iter().copied().filter(|&v| {
                v != vm
                    && matches!(
                        self.vms[v].state,
                        VmState::Waiting | VmState::Down | VmState::Pending
                    )
            }));
        }
        gang
    }

    /// The VMs a consolidation move of `vm`, running on host `h`, takes along: `vm` first,
    /// then the other members of its keep-together group running on `h`. Just `vm` outside
    /// such a group. `None` while a member of the group migrates (to `h`: the group moves
    /// again only once it has all landed).
    pub(in crate::sim) fn moving_with(&self, vm: VmId, h: HostId) -> Option<Vec<VmId>> {
        let mut gang = vec![vm];
        if let Some(g) = self.together_group(vm) {
            for &v in &self.together[g] {
                match self.vms[v].state {
                    VmState::Migrating(_) => return None,
                    VmState::Running(at) if at == h && v != vm => gang.push(v),
                    _ => {}
                }
            }
        }
        Some(gang)
    }

    /// Whether VMs `a` and `b` belong to the same anti-affinity group (then never share a
    /// host).
    pub(in crate::sim) fn kept_apart(&self, a: VmId, b: VmId) -> bool {
        match (self.rule_of(a), self.rule_of(b)) {
            (Some((ga, ra)), Some((gb, _))) => ra.anti_affinity && ga == gb,
            _ => false,
        }
    }

    /// The VMs of group `g` on host `h`: resident (running, or migrating away) and incoming
    /// (a migration towards `h` reserves it from when it is decided until it ends).
    pub(in crate::sim) fn group_members_on(
        &self,
        g: usize,
        h: HostId,
    ) -> impl Iterator<Item = VmId> + '_ {
        let host = &self.hosts[h];
        let incoming = host
            .migrations
            .iter()
            .map(|&m| &self.migrations[m])
            .filter(move |m| m.destination == h)
            .map(|m| m.vm);
        host.vms
            .iter()
            .copied()
            .chain(incoming)
            .filter(move |&v| self.vms[v].origin == Origin::Group(g))
    }

    /// The first broken rule, for the invariant checker: a host holding two VMs of an
    /// anti-affinity group, a VM on (or bound for) a class its group does not allow, or two
    /// members of a keep-together group counted on different hosts (a migrating member
    /// counts at its destination: see the module's comment).
    pub(in crate::sim) fn broken_rule(&self) -> Option<String> {
        for (g, members) in self.together.iter().enumerate() {
            let mut at = members
                .iter()
                .filter_map(|&v| self.counted_at(v).map(|h| (v, h)));
            if let Some((first, h)) = at.next()
                && let Some((other, k)) = at.find(|&(_, k)| k != h)
            {
                return Some(format!(
                    "VMs {first} (host {h}) and {other} (host {k}) of keep-together group {g} are on or bound for different hosts"
                ));
            }
        }
        for h in 0..self.hosts.len() {
            let host = &self.hosts[h];
            let incoming = (host.migrations.iter().map(|&m| &self.migrations[m]))
                .filter(|m| m.destination == h)
                .map(|m| m.vm);
            for vm in host.vms.iter().copied().chain(incoming) {
                let Some((g, rule)) = self.rule_of(vm) else {
                    continue;
                };
                if rule.classes.as_ref().is_some_and(|a| !a[host.class]) {
                    return Some(format!(
                        "VM {vm} is on or bound for host {h}, of a class its group does not allow"
                    ));
                }
                if rule.anti_affinity {
                    let n = self.group_members_on(g, h).filter(|&v| v != vm).count();
                    if n > 0 {
                        return Some(format!(
                            "host {h} holds VM {vm} and {n} other VM(s) of its anti-affinity group"
                        ));
                    }
                }
            }
        }
        None
    }
}
