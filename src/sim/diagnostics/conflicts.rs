//! The conflict catalog: events that clash with a migration or a power transition in flight.
//! Each is detected where it happens, resolved (the scenario chooses how for provisioning),
//! counted by kind in `summary.json` and logged as a row of `conflicts.csv`.

use crate::sim::Simulation;
use crate::sim::records::ConflictRow;
use crate::sim::state::{HostId, VmId};
use crate::time::secs;
use std::collections::BTreeMap;

/// A kind of conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConflictKind {
    /// A VM ended while it was migrating (or queued to): the migration is aborted and the
    /// destination's reservation released.
    VmEndedWhileMigrating,
    /// A new VM's best host is the source or destination of a migration: allowed, denied
    /// (placed elsewhere) or deferred, as `policy.conflicts.provisioning` says.
    ProvisionOnMigratingHost,
    /// Power management chose to switch off a host that is still a migration source or
    /// destination: refused; the host is switched off once its migrations end.
    ShutdownRefused,
    /// A migration's destination went over 100 % of its CPU before the copy finished.
    DestinationOverloaded,
    /// A migration was planned onto a host still booting: it waits for the boot.
    DestinationBooting,
    /// A migration was planned onto a host shutting down: it waits for the shutdown, then the
    /// host boots again.
    DestinationShuttingDown,
    /// A VM migrated again within the ping-pong window of its previous migration.
    PingPong,
    /// A VM arrived and no powered host could take it: it waits (often for a boot).
    CapacityShortfall,
    /// A migration's source failed (`[failures]`): the migration is aborted, the destination's
    /// reservation released, and the VM restarted after the HA delay.
    MigrationSourceFailed,
    /// A migration's destination failed (`[failures]`): the migration is aborted and the VM
    /// keeps running on its source.
    MigrationDestinationFailed,
}

impl ConflictKind {
    /// Every kind, in the order of the catalog.
    pub const ALL: [ConflictKind; 10] = [
        ConflictKind::VmEndedWhileMigrating,
        ConflictKind::ProvisionOnMigratingHost,
        ConflictKind::ShutdownRefused,
        ConflictKind::DestinationOverloaded,
        ConflictKind::DestinationBooting,
        ConflictKind::DestinationShuttingDown,
        ConflictKind::PingPong,
        ConflictKind::CapacityShortfall,
        ConflictKind::MigrationSourceFailed,
        ConflictKind::MigrationDestinationFailed,
    ];

    /// Where the kind lies in [`Self::ALL`] and in [`ConflictCounts`] (a match, so that a new
    /// kind does not compile until it has its place).
    pub const fn index(self) -> usize {
        match self {
            ConflictKind::VmEndedWhileMigrating => 0,
            ConflictKind::ProvisionOnMigratingHost => 1,
            ConflictKind::ShutdownRefused => 2,
            ConflictKind::DestinationOverloaded => 3,
            ConflictKind::DestinationBooting => 4,
            ConflictKind::DestinationShuttingDown => 5,
            ConflictKind::PingPong => 6,
            ConflictKind::CapacityShortfall => 7,
            ConflictKind::MigrationSourceFailed => 8,
            ConflictKind::MigrationDestinationFailed => 9,
        }
    }

    /// The name used in `conflicts.csv` and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::VmEndedWhileMigrating => "vm-ended-while-migrating",
            ConflictKind::ProvisionOnMigratingHost => "provision-on-migrating-host",
            ConflictKind::ShutdownRefused => "shutdown-refused",
            ConflictKind::DestinationOverloaded => "destination-overloaded",
            ConflictKind::DestinationBooting => "destination-booting",
            ConflictKind::DestinationShuttingDown => "destination-shutting-down",
            ConflictKind::PingPong => "ping-pong",
            ConflictKind::CapacityShortfall => "capacity-shortfall",
            ConflictKind::MigrationSourceFailed => "migration-source-failed",
            ConflictKind::MigrationDestinationFailed => "migration-destination-failed",
        }
    }
}

/// Conflict counts, one per kind in the order of [`ConflictKind::ALL`].
pub type ConflictCounts = [usize; ConflictKind::ALL.len()];

/// Conflict counts by kind name, every kind present (zero if it never happened).
pub fn counts_by_name(counts: &ConflictCounts) -> BTreeMap<String, usize> {
    ConflictKind::ALL
        .iter()
        .zip(counts)
        .map(|(k, &n)| (k.name().to_string(), n))
        .collect()
}

impl Simulation<'_> {
    /// Counts and logs a conflict that leaves VM `vm` waiting (for capacity, or for a host's
    /// migrations to end), unless the VM is already waiting on an earlier one: a wait is one
    /// conflict, however often placement is retried. [`Self::close_wait`] logs its end.
    pub(in crate::sim) fn wait_conflict(
        &mut self,
        kind: ConflictKind,
        vm: VmId,
        hosts: &[HostId],
        action: &'static str,
    ) {
        if self.diagnostics.open_waits.contains_key(&vm) {
            return;
        }
        self.diagnostics.open_waits.insert(vm, kind);
        self.conflict(kind, Some(vm), hosts, action);
    }

    /// Logs, uncounted, the end of VM `vm`'s wait, if it had one: it was placed on `host`,
    /// or it ended (`None`) before it was.
    pub(in crate::sim) fn close_wait(&mut self, vm: VmId, host: Option<HostId>) {
        let Some(kind) = self.diagnostics.open_waits.remove(&vm) else {
            return;
        };
        self.recorder.conflict(&ConflictRow {
            time_s: secs(self.clock.now),
            kind: kind.name(),
            vm: Some(vm),
            host,
            destination: None,
            action: match host {
                Some(_) => "resolved: placed",
                None => "resolved: the VM ended before it was placed",
            },
        });
    }

    /// Counts and logs a conflict of `kind` involving `vm` and `hosts`, with what was done.
    pub(in crate::sim) fn conflict(
        &mut self,
        kind: ConflictKind,
        vm: Option<VmId>,
        hosts: &[HostId],
        action: &'static str,
    ) {
        if !self.measuring() {
            return;
        }
        self.diagnostics.conflicts[kind.index()] += 1;
        debug_assert!(hosts.len() <= 2, "a conflict names at most two hosts");
        self.recorder.conflict(&ConflictRow {
            time_s: secs(self.clock.now),
            kind: kind.name(),
            vm,
            host: hosts.first().copied(),
            destination: hosts.get(1).copied(),
            action,
        });
    }

    /// Logs, once per migration, destinations whose committed CPU now exceeds their capacity.
    pub(in crate::sim) fn check_destination_overload(&mut self, h: HostId) {
        let capacity = self.setup.host_classes[self.fleet.hosts[h].class].mips;
        if self.fleet.hosts[h].committed_mips <= capacity * (1.0 + 1e-9) {
            return;
        }
        for i in 0..self.fleet.hosts[h].migrations.len() {
            let m = self.fleet.hosts[h].migrations[i];
            let mig = &self.fleet.migrations[m];
            if mig.destination != h || mig.overload_logged {
                continue;
            }
            let (vm, src) = (mig.vm, mig.source);
            self.fleet.migrations[m].overload_logged = true;
            self.conflict(
                ConflictKind::DestinationOverloaded,
                Some(vm),
                &[src, h],
                "migration continues; the next control tick relieves the destination",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_and_every_kind_is_counted() {
        let mut counts = ConflictCounts::default();
        counts[ConflictKind::PingPong.index()] += 2;
        let by_name = counts_by_name(&counts);
        assert_eq!(by_name.len(), ConflictKind::ALL.len());
        assert_eq!(by_name["ping-pong"], 2);
        assert_eq!(by_name.values().sum::<usize>(), 2);
    }

    #[test]
    fn every_kind_indexes_its_own_count() {
        for (i, k) in ConflictKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i, "{}", k.name());
        }
    }
}
