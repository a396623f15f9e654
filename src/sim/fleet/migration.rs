//! Live migrations: planning (the destination is reserved at once), queueing for a copy slot
//! or a powered destination, copying round by round (simple or pre-copy, with host links
//! shared among concurrent copies), completion and abort.

use super::Fleet;
use crate::model::host::PowerState;
use crate::model::migration::stop_copying;
use crate::model::vm::VmType;
use crate::sim::conflicts::ConflictKind;
use crate::sim::records::MigrationRow;
use crate::sim::setup::{MigrationModel, Setup};
use crate::sim::state::*;
use crate::sim::{Event, Simulation};
use crate::time::{SimTime, secs};

impl Simulation<'_> {
    /// Plans the migration of running `vm` to `dst`: reserves the destination, logs clashes
    /// with its power state and ping-pong, and starts copying if a slot is free.
    pub(in crate::sim) fn plan_migration(&mut self, vm: VmId, dst: HostId) {
        // A VM already migrating is not planned again here, nor moved to where it is.
        let VmState::Running(src) = self.fleet.vms[vm].state else {
            return;
        };
        if src == dst {
            return;
        }
        self.accrue(src);
        self.accrue(dst);
        let window = self.setup.conflicts.ping_pong_window;
        if let Some(t) = self.fleet.lives[vm].last_moved
            && window > 0
            && self.clock.now - t < window
        {
            self.conflict(
                ConflictKind::PingPong,
                Some(vm),
                &[src, dst],
                "migrated again within the ping-pong window",
            );
        }
        match self.fleet.hosts[dst].state {
            PowerState::Booting => self.conflict(
                ConflictKind::DestinationBooting,
                Some(vm),
                &[src, dst],
                "migration queued until the destination is on",
            ),
            PowerState::ShuttingDown => self.conflict(
                ConflictKind::DestinationShuttingDown,
                Some(vm),
                &[src, dst],
                "migration queued; the destination boots again once down",
            ),
            _ => {}
        }
        let m = self.open_migration(vm, src, dst);
        self.fleet.vms[vm].state = VmState::Migrating(m);
        // A copy that starts now refreshes both hosts as it starts, and nothing in between
        // reads what a refresh sets (other copies started first accrue at this instant,
        // which adds nothing), so only a copy left queued needs the refreshes here: each host
        // is walked once where it was walked twice, with the same result.
        self.pump_migrations();
        if self.fleet.migrations[m].phase == Phase::Queued {
            self.refresh(src);
            self.refresh(dst);
        }
    }

    /// Opens a migration of `vm` from `src` to `dst` now ([`Fleet::open_migration`]) and
    /// counts it for the next timeseries row; returns its id.
    pub(in crate::sim) fn open_migration(&mut self, vm: VmId, src: HostId, dst: HostId) -> MigId {
        let types = &self.setup.vm_types;
        let m = self
            .fleet
            .open_migration(types, self.clock.now, vm, src, dst);
        self.accounts.started_since_row += 1;
        m
    }

    /// Starts queued migrations, oldest first, whose destination is on and whose hosts both
    /// have a free copy slot.
    pub(in crate::sim) fn pump_migrations(&mut self) {
        let mut i = 0;
        while i < self.fleet.mig_queue.len() {
            let m = self.fleet.mig_queue[i];
            let limit = self.setup.migration.max_concurrent;
            if self
                .fleet
                .can_start(limit, self.profile.rules().hosts_follow_load, m)
            {
                self.fleet.mig_queue.remove(i);
                self.start_copy(m);
            } else {
                i += 1;
            }
        }
    }

    fn start_copy(&mut self, m: MigId) {
        let (src, dst) = (
            self.fleet.migrations[m].source,
            self.fleet.migrations[m].destination,
        );
        self.accrue(src);
        self.accrue(dst);
        let ram = self.setup.vm_types[self.fleet.vms[self.fleet.migrations[m].vm].vm_type].ram_mb;
        let mig = &mut self.fleet.migrations[m];
        mig.phase = Phase::Copying;
        mig.start = self.clock.now;
        mig.round_start = self.clock.now;
        mig.progress_at = self.clock.now;
        mig.round_mb = ram;
        mig.remaining_mb = ram;
        self.fleet.set_rate(m, 0.0, self.clock.now);
        self.book_fixed_energy(src, dst);
        self.fleet.hosts[src].copying += 1;
        self.fleet.hosts[dst].copying += 1;
        self.refresh(src);
        self.refresh(dst);
        if self.policies.fixed_rates {
            self.reschedule(m);
        } else {
            self.reshare(src, dst);
        }
    }

    /// Accounts `m`'s progress up to now at its old rate, takes its new rate and schedules the
    /// end of its current round (unless the rate is unchanged and already scheduled).
    fn reschedule(&mut self, m: MigId) {
        let rate = self.fleet.link_rate(self.setup, m);
        let now = self.clock.now;
        let mig = &mut self.fleet.migrations[m];
        let dt = (now - mig.progress_at) as f64 / 1000.0;
        mig.remaining_mb = (mig.remaining_mb - mig.rate_mb_s * dt).max(0.0);
        mig.progress_at = now;
        if mig.rate_mb_s == rate {
            return;
        }
        mig.stamp += 1;
        let ms = (mig.remaining_mb / rate * 1000.0 - 1e-6).ceil().max(0.0) as SimTime;
        let event = Event::MigrationStep {
            mig: m,
            stamp: mig.stamp,
        };
        let (src, dst) = (mig.source, mig.destination);
        self.clock.queue.push(now.saturating_add(ms), event);
        self.fleet.set_rate(m, rate, now);
        if !self.setup.migration.energy.per_mb_is_zero() {
            // The hosts' draw follows the rate (energy per MB sent).
            self.accrue(src);
            self.accrue(dst);
            self.refresh(src);
            self.refresh(dst);
        }
    }

    /// Books the fixed part of a migration's energy on `src` and `dst` as its copy starts
    /// (both already accrued up to now).
    fn book_fixed_energy(&mut self, src: HostId, dst: HostId) {
        let e = self.setup.migration.energy;
        let (price, intensity) = (self.accounts.price, self.accounts.intensity);
        for (h, j) in [(src, e.source_j_fixed), (dst, e.destination_j_fixed)] {
            if j > 0.0 {
                self.fleet.hosts[h]
                    .energy
                    .book_migration(j, price, intensity);
            }
        }
    }

    /// Re-rates every copy on hosts `a` and `b` after a copy started or ended there (nothing to
    /// do when rates are fixed: a copy's progress is then only read at its end).
    fn reshare(&mut self, a: HostId, b: HostId) {
        if self.policies.fixed_rates {
            return;
        }
        for h in [a, b] {
            for i in 0..self.fleet.hosts[h].migrations.len() {
                let m = self.fleet.hosts[h].migrations[i];
                if self.fleet.migrations[m].phase != Phase::Queued {
                    self.reschedule(m);
                }
            }
        }
    }

    /// The end of a copy round: start the next pre-copy round, the stop-and-copy, or finish.
    pub(in crate::sim) fn on_migration_step(&mut self, m: MigId, stamp: u32) {
        let mig = &self.fleet.migrations[m];
        if mig.outcome != MigrationOutcome::InFlight || mig.stamp != stamp {
            return;
        }
        if !self.migration_step_ready(m) {
            return;
        }
        let now = self.clock.now;
        let (src, phase, elapsed_s, rate) = {
            let mig = &mut self.fleet.migrations[m];
            mig.data_mb += mig.round_mb;
            mig.remaining_mb = 0.0;
            mig.progress_at = now;
            let elapsed = (now - mig.round_start) as f64 / 1000.0;
            (mig.source, mig.phase, elapsed, mig.rate_mb_s)
        };
        match (phase, self.setup.migration.model) {
            (Phase::StopAndCopy, _) => {
                let mig = &mut self.fleet.migrations[m];
                mig.downtime = now - mig.round_start;
                self.finish_migration(m);
            }
            (Phase::Copying, MigrationModel::Simple) => {
                self.fleet.migrations[m].rounds = 1;
                self.finish_migration(m);
            }
            (Phase::Copying, MigrationModel::Precopy(p)) => {
                // A VM cannot dirty more memory than it has.
                let ram =
                    self.setup.vm_types[self.fleet.vms[self.fleet.migrations[m].vm].vm_type].ram_mb;
                let dirty = (p.dirty_mb_s * elapsed_s).min(ram);
                let mig = &mut self.fleet.migrations[m];
                mig.rounds += 1;
                let stop =
                    stop_copying(mig.rounds, dirty, rate, p.max_rounds, secs(p.max_downtime));
                mig.round_start = now;
                mig.round_mb = dirty;
                mig.remaining_mb = dirty;
                self.fleet.set_rate(m, 0.0, now);
                if stop {
                    self.accrue(src);
                    self.fleet.migrations[m].phase = Phase::StopAndCopy;
                    self.refresh(src);
                    if dirty <= 0.0 {
                        self.finish_migration(m);
                        return;
                    }
                }
                self.reschedule(m);
            }
            (Phase::Queued, _) => {}
        }
    }

    /// Detaches migration `m` from both hosts and records it with `outcome`.
    pub(in crate::sim) fn close_migration(&mut self, m: MigId, outcome: MigrationOutcome) {
        let (src, dst) = (
            self.fleet.migrations[m].source,
            self.fleet.migrations[m].destination,
        );
        self.accrue(src);
        self.accrue(dst);
        for h in [src, dst] {
            let list = &mut self.fleet.hosts[h].migrations;
            if let Some(i) = list.iter().position(|&x| x == m) {
                list.swap_remove(i);
            }
        }
        if self.fleet.migrations[m].phase == Phase::Queued {
            self.fleet.mig_queue.retain(|&x| x != m);
            self.fleet.migrations[m].start = self.clock.now;
        } else {
            self.fleet.hosts[src].copying -= 1;
            self.fleet.hosts[dst].copying -= 1;
            self.fleet.set_rate(m, 0.0, self.clock.now);
        }
        self.fleet.in_flight -= 1;
        let mig = &mut self.fleet.migrations[m];
        mig.outcome = outcome;
        mig.end = self.clock.now;
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
            wait_s: secs(mig.start - mig.planned),
            rounds: mig.rounds,
            downtime_s: secs(mig.downtime),
        };
        if m >= self.accounts.first_reported_mig {
            self.recorder.migration(&row);
        }
    }

    fn finish_migration(&mut self, m: MigId) {
        let (vm, src, dst) = (
            self.fleet.migrations[m].vm,
            self.fleet.migrations[m].source,
            self.fleet.migrations[m].destination,
        );
        self.close_migration(m, MigrationOutcome::Done);
        // The destination reserved RAM, disk and network at planning; release the source's.
        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
        self.fleet.hosts[src].book(t, -1.0);
        self.detach(src, vm);
        self.fleet.hosts[dst].vms.push(vm);
        self.fleet.vms[vm].state = VmState::Running(dst);
        self.fleet.lives[vm].last_moved = Some(self.clock.now);
        self.refresh(src);
        self.refresh(dst);
        self.migration_landed(vm, m, dst);
        self.after_migration(src, dst);
    }

    /// Aborts an in-flight or queued migration: the VM stays on the source, the destination's
    /// reservation is released. The caller runs [`Self::after_migration`] once its own
    /// changes are done.
    pub(in crate::sim) fn abort_migration(&mut self, m: MigId) {
        let (vm, src, dst) = (
            self.fleet.migrations[m].vm,
            self.fleet.migrations[m].source,
            self.fleet.migrations[m].destination,
        );
        self.close_migration(m, MigrationOutcome::Aborted);
        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
        self.fleet.hosts[dst].book(t, -1.0);
        self.fleet.vms[vm].state = VmState::Running(src);
        self.refresh(src);
        self.refresh(dst);
    }

    /// What a closed migration frees: link bandwidth, copy slots, deferred VMs and shutdowns
    /// that waited for it.
    pub(in crate::sim) fn after_migration(&mut self, src: HostId, dst: HostId) {
        self.reshare(src, dst);
        self.pump_migrations();
        for h in [src, dst] {
            let host = &self.fleet.hosts[h];
            if host.shutdown_pending && host.state == PowerState::On && host.is_empty() {
                // A switch-off held for this copy obeys the calm window as it is now.
                if self.calm_power_down(vec![h]).is_empty() {
                    self.fleet.hosts[h].shutdown_pending = false;
                } else {
                    self.start_shutdown(h);
                }
            }
        }
        if !self.fleet.deferred.is_empty() || !self.fleet.waiting.is_empty() {
            // Placement reads the hosts' loads: refresh those put off first.
            self.settle();
        }
        self.retry_deferred(false);
        self.place_waiting();
    }
}

/// A migration's bookkeeping on the fleet alone.
impl Fleet {
    /// Records a migration of `vm` from `src` to `dst` planned at `now`, reserves the
    /// destination's RAM, disk and network (of the VM's type among `types`) and queues the copy;
    /// returns its id.
    pub(in crate::sim) fn open_migration(
        &mut self,
        types: &[VmType],
        now: SimTime,
        vm: VmId,
        src: HostId,
        dst: HostId,
    ) -> MigId {
        let t = &types[self.vms[vm].vm_type];
        let m = self.migrations.len();
        self.migrations.push(Migration {
            vm,
            source: src,
            destination: dst,
            planned: now,
            start: now,
            end: now,
            data_mb: 0.0,
            outcome: MigrationOutcome::InFlight,
            phase: Phase::Queued,
            rounds: 0,
            round_mb: 0.0,
            remaining_mb: 0.0,
            round_start: now,
            rate_mb_s: 0.0,
            progress_at: now,
            downtime: 0,
            stamp: 0,
            overload_logged: false,
        });
        self.hosts[dst].book(t, 1.0);
        self.hosts[src].migrations.push(m);
        self.hosts[dst].migrations.push(m);
        self.hosts[src].migrations_out += 1;
        self.hosts[dst].migrations_in += 1;
        self.in_flight += 1;
        self.mig_queue.push(m);
        m
    }

    /// Whether queued migration `m` may start copying now: its destination is on (or, with
    /// `always_ready`, where hosts follow their load, switches on at once) and both hosts
    /// have a free copy slot (`limit` copies each; 0: no limit).
    pub(in crate::sim) fn can_start(&self, limit: usize, always_ready: bool, m: MigId) -> bool {
        let free = |h: HostId| limit == 0 || self.hosts[h].copying < limit;
        let (src, dst) = (self.migrations[m].source, self.migrations[m].destination);
        let ready = self.hosts[dst].state == PowerState::On || always_ready;
        ready && free(src) && free(dst)
    }

    /// Sets migration `m`'s copy rate to `rate` MB/s at `now`, and the fleet's traffic with it.
    fn set_rate(&mut self, m: MigId, rate: f64, now: SimTime) {
        let old = std::mem::replace(&mut self.migrations[m].rate_mb_s, rate);
        if old != rate {
            self.traffic.change(now, old, rate);
        }
    }

    /// The rate migration `m` gets now, MB/s: the bandwidth share of the slower link, split
    /// equally among the copies using each link under the pre-copy model.
    fn link_rate(&self, setup: &Setup, m: MigId) -> f64 {
        let mig = &self.migrations[m];
        let link = |h: HostId| setup.host_classes[self.hosts[h].class].net_mbps;
        let (s, d) = (link(mig.source), link(mig.destination));
        let mbps = match setup.migration.model {
            MigrationModel::Simple => s.min(d),
            MigrationModel::Precopy(_) => {
                let users = |h: HostId| self.hosts[h].copying.max(1) as f64;
                (s / users(mig.source)).min(d / users(mig.destination))
            }
        };
        setup.migration.bandwidth_share * mbps / 8.0
    }
}
