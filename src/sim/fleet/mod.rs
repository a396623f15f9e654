//! The fleet part of a run: hosts, VMs and migrations, and the queues of what waits for
//! them; placement (with its index), live migrations, power transitions, and what the
//! overload detector reads of the fleet.

pub(super) mod admission;
pub(super) mod detect;
pub(super) mod dimensions;
pub(super) mod history;
pub(super) mod migration;
pub(super) mod placement;
pub(super) mod placement_index;
pub(super) mod rules;
pub(super) mod traffic;
pub(super) mod transitions;

#[cfg(test)]
mod tests;

use super::state::*;
use history::VmHistory;
use std::collections::VecDeque;
use traffic::Traffic;

/// Hosts, VMs and migrations, and the queues of VMs and copies waiting for them.
pub(crate) struct Fleet {
    /// Every host, by id.
    pub hosts: Vec<Host>,
    /// Every VM, by id, from before it arrives to after it ends.
    pub vms: Vec<Vm>,
    /// Every VM's arrival, lifetime, last move and wait, by id (as long as `vms`).
    pub lives: Vec<VmLife>,
    /// Every migration started, by id.
    pub migrations: Vec<Migration>,
    /// Migrations neither done nor aborted.
    pub in_flight: usize,
    /// Migrations waiting for a copy slot or a destination that is on, oldest first.
    pub mig_queue: Vec<MigId>,
    /// VMs waiting for a host, in the order they are placed.
    pub waiting: VecDeque<VmId>,
    /// VMs waiting for a host's migrations to end, and the host.
    pub deferred: Vec<(VmId, HostId)>,
    /// Each VM's utilisation at past control ticks, for the adaptive detectors and MC.
    pub history: VmHistory,
    /// Migration traffic on the hosts' links.
    pub traffic: Traffic,
    /// Each `[[vms]]` group's placement rule, by group index (empty: no rules).
    pub rules: Vec<Option<crate::sim::setup::PlacementRule>>,
    /// The VMs of each keep-together (`affinity`) group, by group index (empty for other
    /// groups): set with the rules ([`Fleet::set_rules`]).
    pub together: Vec<Vec<VmId>>,
}

impl Fleet {
    /// A fleet of `hosts` and `vms` (none arrived, none with a lifetime), nothing migrating
    /// or waiting yet, keeping `keep` past utilisations of each VM.
    pub(super) fn new(hosts: Vec<Host>, vms: Vec<Vm>, keep: usize) -> Self {
        Fleet {
            hosts,
            lives: vec![VmLife::default(); vms.len()],
            vms,
            migrations: Vec::new(),
            in_flight: 0,
            mig_queue: Vec::new(),
            waiting: VecDeque::new(),
            deferred: Vec::new(),
            history: VmHistory::new(keep),
            traffic: Traffic::default(),
            rules: Vec::new(),
            together: Vec::new(),
        }
    }

    /// Adds a VM created during the run, and its life; returns its id.
    pub(in crate::sim) fn push_vm(&mut self, vm: Vm, life: VmLife) -> VmId {
        self.vms.push(vm);
        self.lives.push(life);
        self.vms.len() - 1
    }
}
