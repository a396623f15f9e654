//! Hard placement rules of `[[vms]]` groups (anti-affinity, allowed host classes), checked
//! wherever a destination host is chosen. A VM without a rule costs one lookup; a VM with
//! anti-affinity reads only the candidate host's own VMs and migrations, never the fleet.

use crate::sim::fleet::Fleet;
use crate::sim::setup::PlacementRule;
use crate::sim::state::*;

impl Fleet {
    /// The placement rule of VM `vm`'s group, if it has one.
    fn rule_of(&self, vm: VmId) -> Option<(usize, &PlacementRule)> {
        match self.vms[vm].origin {
            Origin::Group(g) => self.rules.get(g)?.as_ref().map(|r| (g, r)),
            Origin::Request(_) | Origin::Service(_) => None,
        }
    }

    /// Whether VM `vm` may go to host `h`: its class is one the VM's group allows, and, with
    /// anti-affinity, no other VM of the group runs there or is on its way there.
    pub(in crate::sim) fn rules_allow(&self, vm: VmId, h: HostId) -> bool {
        let Some((g, rule)) = self.rule_of(vm) else {
            return true;
        };
        let class_ok = rule
            .classes
            .as_ref()
            .is_none_or(|allowed| allowed[self.hosts[h].class]);
        class_ok && !(rule.anti_affinity && self.group_members_on(g, h).any(|v| v != vm))
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
    /// anti-affinity group, or a VM on (or bound for) a class its group does not allow.
    pub(in crate::sim) fn broken_rule(&self) -> Option<String> {
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
