//! Live migrations: start, completion and abort.

use super::records::MigrationRow;
use super::state::*;
use super::{Event, Simulation};
use crate::time::{SimTime, secs};

impl Simulation<'_> {
    pub(super) fn start_migration(&mut self, vm: VmId, dst: HostId) {
        let VmState::Running(src) = self.vms[vm].state else {
            return;
        };
        self.accrue(src);
        self.accrue(dst);
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        let (src_class, dst_class) = (
            &self.setup.host_classes[self.hosts[src].class],
            &self.setup.host_classes[self.hosts[dst].class],
        );
        let mbps =
            src_class.net_mbps.min(dst_class.net_mbps) * self.setup.migration.bandwidth_share;
        let duration = (t.ram_mb * 8.0 / mbps * 1000.0).ceil() as SimTime;
        let m = self.migrations.len();
        self.migrations.push(Migration {
            vm,
            source: src,
            destination: dst,
            start: self.now,
            end: self.now + duration,
            data_mb: t.ram_mb,
            outcome: MigrationOutcome::InFlight,
        });
        self.hosts[dst].ram_used += t.ram_mb;
        self.hosts[dst].disk_used += t.disk_mb;
        self.hosts[dst].empty_since = None;
        self.hosts[src].migrations.push(m);
        self.hosts[dst].migrations.push(m);
        self.hosts[src].migrations_out += 1;
        self.hosts[dst].migrations_in += 1;
        self.vms[vm].state = VmState::Migrating(m);
        self.in_flight += 1;
        self.started_since_row += 1;
        self.refresh(src);
        self.refresh(dst);
        self.queue
            .push(self.now + duration, Event::MigrationDone(m));
    }

    /// Detaches migration `m` from both hosts and records it with `outcome`.
    pub(super) fn close_migration(&mut self, m: MigId, outcome: MigrationOutcome) {
        let (src, dst) = (self.migrations[m].source, self.migrations[m].destination);
        self.accrue(src);
        self.accrue(dst);
        for h in [src, dst] {
            let list = &mut self.hosts[h].migrations;
            if let Some(i) = list.iter().position(|&x| x == m) {
                list.swap_remove(i);
            }
        }
        self.in_flight -= 1;
        let mig = &mut self.migrations[m];
        mig.outcome = outcome;
        mig.end = self.now;
        let row = MigrationRow {
            id: m,
            vm: mig.vm,
            source: src,
            destination: dst,
            start_s: secs(mig.start),
            end_s: secs(mig.end),
            duration_s: secs(mig.end - mig.start),
            data_mb: mig.data_mb,
            outcome: if outcome == MigrationOutcome::Done {
                "done"
            } else {
                "aborted"
            },
        };
        self.recorder.migration(&row);
    }

    /// Aborts an in-flight migration: the VM stays on the source; the destination's
    /// reservation is released.
    pub(super) fn abort_migration(&mut self, m: MigId) {
        let (vm, src, dst) = (
            self.migrations[m].vm,
            self.migrations[m].source,
            self.migrations[m].destination,
        );
        self.close_migration(m, MigrationOutcome::Aborted);
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        self.hosts[dst].ram_used -= t.ram_mb;
        self.hosts[dst].disk_used -= t.disk_mb;
        if self.hosts[dst].is_empty() {
            self.hosts[dst].empty_since = Some(self.now);
        }
        self.vms[vm].state = VmState::Running(src);
        self.refresh(src);
        self.refresh(dst);
    }

    pub(super) fn on_migration_done(&mut self, m: MigId) {
        if self.migrations[m].outcome != MigrationOutcome::InFlight {
            return;
        }
        let (vm, src, dst) = (
            self.migrations[m].vm,
            self.migrations[m].source,
            self.migrations[m].destination,
        );
        self.close_migration(m, MigrationOutcome::Done);
        // The destination reserved RAM and disk at the start; release the source's copy.
        let t = &self.setup.vm_types[self.vms[vm].vm_type];
        self.hosts[src].ram_used -= t.ram_mb;
        self.hosts[src].disk_used -= t.disk_mb;
        let list = &mut self.hosts[src].vms;
        if let Some(i) = list.iter().position(|&v| v == vm) {
            list.swap_remove(i);
        }
        if self.hosts[src].is_empty() {
            self.hosts[src].empty_since = Some(self.now);
        }
        self.hosts[dst].vms.push(vm);
        self.vms[vm].state = VmState::Running(dst);
        self.refresh(src);
        self.refresh(dst);
    }
}
