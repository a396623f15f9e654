//! Host failures and repairs, and the HA restart of the VMs a failure stops (`[failures]`,
//! `hosts[].failure`).
//!
//! Outages are known at the start: drawn per host from its class's model on the failure
//! stream (one substream per host, so no other stream moves and adding a host moves no other
//! host's outages), plus the failure trace's. A failed host draws nothing and takes nothing;
//! its migrations abort (a conflict each), its VMs stop and are restarted after the restart
//! delay through the normal placement, or wait like other VMs (power management boots hosts
//! for them). A repaired host is off, for power management to use.

use crate::model::failure::Outage;
use crate::model::host::PowerState;
use crate::policy::power;
use crate::rng::{Stream, substream};
use crate::sim::conflicts::ConflictKind;
use crate::sim::records::{FailureColumns, FailureRow, FailureSummary};
use crate::sim::state::*;
use crate::sim::{Event, Simulation};
use crate::time::{SimTime, secs};
use std::collections::BTreeMap;

/// What a run remembers of failures: repairs due, VMs down, and the totals.
pub(crate) struct FailureRun {
    /// When each failed host is repaired; `None` while it is up.
    repair_at: Vec<Option<SimTime>>,
    /// VMs stopped by a failure and not running again: when they stopped and when their
    /// restart is (or was) due.
    down: BTreeMap<VmId, (SimTime, SimTime)>,
    /// Downtime of each VM hit so far, ms.
    downtime: BTreeMap<VmId, SimTime>,
    /// Time from stop to running again of each restart, ms.
    restarts: Vec<SimTime>,
    failures: u64,
    repairs: u64,
    vm_stops: u64,
    restarts_waited: u64,
    migrations_aborted: u64,
    /// Host time failed, ms: closed outages, and `failed_since` for the open ones.
    failed_ms: SimTime,
    failed_since: Vec<Option<SimTime>>,
    /// Demand of stopped VMs not served, vCPU x ms.
    shortfall_core_ms: f64,
}

impl FailureRun {
    /// Nothing failed yet, in a fleet of `hosts`.
    pub(crate) fn new(hosts: usize) -> Self {
        FailureRun {
            repair_at: vec![None; hosts],
            down: BTreeMap::new(),
            downtime: BTreeMap::new(),
            restarts: Vec::new(),
            failures: 0,
            repairs: 0,
            vm_stops: 0,
            restarts_waited: 0,
            migrations_aborted: 0,
            failed_ms: 0,
            failed_since: vec![None; hosts],
            shortfall_core_ms: 0.0,
        }
    }

    /// Adds `core_ms` of VM `vm`'s demand not served, if a failure stopped it.
    pub(crate) fn meter_shortfall(&mut self, vm: VmId, core_ms: f64) {
        if self.down.contains_key(&vm) {
            self.shortfall_core_ms += core_ms;
        }
    }

    /// The warm-up ends at `now`: totals start again from zero, and open outages and VM
    /// stops count from now.
    pub(crate) fn restart(&mut self, now: SimTime) {
        let fresh = FailureRun {
            repair_at: std::mem::take(&mut self.repair_at),
            failed_since: self.failed_since.iter().map(|f| f.map(|_| now)).collect(),
            down: self
                .down
                .iter()
                .map(|(&vm, &(_, due))| (vm, (now, due.max(now))))
                .collect(),
            ..FailureRun::new(0)
        };
        *self = fresh;
    }

    /// Whether VM `vm` was stopped by a failure and is not running again.
    pub(crate) fn is_down(&self, vm: VmId) -> bool {
        self.down.contains_key(&vm)
    }

    /// Whether VM `vm` is down and its HA restart is due by `now`.
    pub(crate) fn restart_due(&self, vm: VmId, now: SimTime) -> bool {
        self.down.get(&vm).is_some_and(|&(_, due)| due <= now)
    }

    /// Whether host `h` waits for a repair.
    pub(crate) fn is_failed(&self, h: HostId) -> bool {
        self.repair_at[h].is_some()
    }
}

impl Simulation<'_> {
    /// Queues every outage that starts before the end: each host's drawn from its class's
    /// model, then the trace's, in order of start (then host).
    pub(in crate::sim) fn schedule_failures(&mut self) {
        let Some(f) = &self.setup.failures else {
            return;
        };
        let mut outages = Vec::new();
        for (h, &class) in self.setup.hosts.iter().enumerate() {
            if let Some(model) = &f.models[class] {
                let mut rng = substream(self.setup.seed, Stream::Failures, h);
                outages.extend(model.outages(h, self.setup.duration, &mut rng));
            }
        }
        // A rack draws from the substream after the hosts' (hosts.len() + rack), so racks
        // move no host's draws.
        if let (Some(model), Some(racks)) = (&f.rack_model, &self.setup.racks) {
            let hosts = self.setup.hosts.len();
            for r in 0..racks.map.len() {
                let mut rng = substream(self.setup.seed, Stream::Failures, hosts + r);
                for o in model.outages(r, self.setup.duration, &mut rng) {
                    let rack = racks.map.hosts(r).iter();
                    outages.extend(rack.map(|&host| Outage { host, ..o }));
                }
            }
        }
        outages.extend(
            f.trace
                .iter()
                .flatten()
                .filter(|o| o.start < self.setup.duration),
        );
        outages.sort_by_key(|o| (o.start, o.host, o.end));
        for o in outages {
            self.clock.queue.push(
                o.start,
                Event::HostFail {
                    host: o.host,
                    repair: o.end,
                },
            );
        }
    }

    /// Host `h` fails until `repair`: its migrations abort, its VMs stop (their restarts
    /// queued after the delay), it draws nothing. A host already failed stays failed until
    /// the later of the two repairs.
    pub(in crate::sim) fn on_host_fail(&mut self, h: HostId, repair: SimTime) {
        let now = self.clock.now;
        let delay = self.setup.failures.as_ref().map_or(0, |f| f.restart_delay);
        let measuring = self.measuring();
        let Some(run) = &mut self.failures else {
            return;
        };
        if let Some(at) = run.repair_at[h] {
            if repair > at {
                run.repair_at[h] = Some(repair);
                if repair < self.setup.duration {
                    self.clock.queue.push(repair, Event::HostRepair(h));
                }
            }
            return;
        }
        run.repair_at[h] = Some(repair);
        run.failed_since[h] = Some(now);
        if measuring {
            run.failures += 1;
        }
        if repair < self.setup.duration {
            self.clock.queue.push(repair, Event::HostRepair(h));
        }
        self.log_failure("host-failed", h, None, None);
        self.accrue(h);
        self.set_power_state(h, PowerState::Failed);
        let host = &mut self.fleet.hosts[h];
        host.generation += 1;
        host.shutdown_pending = false;
        let mut peers = Vec::new();
        for m in self.fleet.hosts[h].migrations.clone() {
            let (vm, src, dst) = {
                let mig = &self.fleet.migrations[m];
                (mig.vm, mig.source, mig.destination)
            };
            self.abort_migration(m);
            let (kind, action, peer) = if src == h {
                (
                    ConflictKind::MigrationSourceFailed,
                    "migration aborted, destination capacity released; the VM restarts after the HA delay",
                    dst,
                )
            } else {
                (
                    ConflictKind::MigrationDestinationFailed,
                    "migration aborted; the VM keeps running on its source",
                    src,
                )
            };
            self.conflict(kind, Some(vm), &[src, dst], action);
            if measuring && let Some(run) = &mut self.failures {
                run.migrations_aborted += 1;
            }
            if !peers.contains(&peer) {
                peers.push(peer);
            }
        }
        for vm in self.fleet.hosts[h].vms.clone() {
            self.remove_from_host(vm, h);
            self.fleet.lives[vm].waiting_since = now;
            let v = &mut self.fleet.vms[vm];
            v.state = VmState::Down;
            let rates = &mut v.metered;
            self.accounts.vm_hours.set(vm, now, rates, Rates::IDLE);
            if let Some(run) = &mut self.failures {
                run.down.insert(vm, (now, now + delay));
                if measuring {
                    run.vm_stops += 1;
                    run.downtime.entry(vm).or_insert(0);
                }
            }
            self.log_failure("vm-stopped", h, Some(vm), None);
            if now + delay < self.setup.duration {
                self.clock.queue.push(now + delay, Event::VmRestart(vm));
            }
        }
        self.refresh(h);
        for peer in peers {
            self.after_migration(peer, h);
        }
    }

    /// Host `h` is repaired (if this is its current repair time): it is off, for power
    /// management to boot when it needs it (at once, if VMs wait).
    pub(in crate::sim) fn on_host_repair(&mut self, h: HostId) {
        let now = self.clock.now;
        let measuring = self.measuring();
        let Some(run) = &mut self.failures else {
            return;
        };
        if run.repair_at[h] != Some(now) {
            return;
        }
        run.repair_at[h] = None;
        if let Some(since) = run.failed_since[h].take() {
            run.failed_ms += now - since;
        }
        if measuring {
            run.repairs += 1;
        }
        self.log_failure("host-repaired", h, None, None);
        self.accrue(h);
        self.set_power_state(h, PowerState::Off);
        let host = &mut self.fleet.hosts[h];
        host.generation += 1;
        self.refresh(h);
        if !self.fleet.waiting.is_empty() {
            self.manage_power(power::Need::default());
        }
    }

    /// VM `vm`'s HA restart is due: it is placed through the normal placement, or waits at
    /// the head of the queue (behind earlier restarts) while power management boots hosts.
    pub(in crate::sim) fn on_vm_restart(&mut self, vm: VmId) {
        if self.fleet.vms[vm].state != VmState::Down {
            return;
        }
        self.meter_waiting(vm);
        self.fleet.vms[vm].state = VmState::Waiting;
        self.fleet.lives[vm].waiting_since = self.clock.now;
        if self.try_place(vm) {
            return;
        }
        let failures = self.failures.as_ref();
        let at = self
            .fleet
            .waiting
            .iter()
            .position(|&w| !failures.is_some_and(|f| f.is_down(w)))
            .unwrap_or(self.fleet.waiting.len());
        self.fleet.waiting.insert(at, vm);
        self.wait_conflict(
            ConflictKind::CapacityShortfall,
            vm,
            &[],
            "restart after a host failure queued until capacity is available",
        );
        self.manage_power(power::Need::default());
    }

    /// Bookkeeping when VM `vm` starts on host `h`: if a failure had stopped it, this is its
    /// restart (its downtime ends). Returns whether it was.
    pub(in crate::sim) fn note_restarted(&mut self, vm: VmId, h: HostId) -> bool {
        let now = self.clock.now;
        let measuring = self.measuring();
        let Some(run) = &mut self.failures else {
            return false;
        };
        let Some((since, due)) = run.down.remove(&vm) else {
            return false;
        };
        let down = now - since;
        if measuring {
            *run.downtime.entry(vm).or_insert(0) += down;
            run.restarts.push(down);
            if now > due {
                run.restarts_waited += 1;
            }
        }
        self.log_failure("vm-restarted", h, Some(vm), Some(down));
        true
    }

    /// Bookkeeping when VM `vm` ends: if it was down, its downtime ends with it.
    pub(in crate::sim) fn note_ended_down(&mut self, vm: VmId) {
        let now = self.clock.now;
        let measuring = self.measuring();
        if let Some(run) = &mut self.failures
            && let Some((since, _)) = run.down.remove(&vm)
            && measuring
        {
            *run.downtime.entry(vm).or_insert(0) += now - since;
        }
    }

    /// VMs a failure stopped that do not run at the end: those down (waiting for their restart
    /// delay) and those restarted but queued for a host; (0, 0) without failures.
    pub(in crate::sim) fn down_at_end(&self) -> (usize, usize) {
        let Some(run) = &self.failures else {
            return (0, 0);
        };
        let down = run
            .down
            .keys()
            .filter(|&&vm| self.fleet.vms[vm].state == VmState::Down)
            .count();
        (down, run.down.len() - down)
    }

    /// The failure columns of a timeseries row with `hosts_failed` hosts failed, when the
    /// scenario has failures.
    pub(in crate::sim) fn failure_columns(&self, hosts_failed: usize) -> Option<FailureColumns> {
        self.failures.as_ref().map(|f| FailureColumns {
            hosts_failed,
            vms_down: f.down.len(),
        })
    }

    /// `summary.json` → `failures`, when the scenario has failures; VMs and hosts still down
    /// count up to the end.
    pub(in crate::sim) fn failure_summary(&self) -> Option<FailureSummary> {
        let run = self.failures.as_ref()?;
        let end = self.clock.now;
        let mut downtime = run.downtime.clone();
        for (&vm, &(since, _)) in &run.down {
            *downtime.entry(vm).or_insert(0) += end.saturating_sub(since);
        }
        let failed_ms = run.failed_ms
            + run
                .failed_since
                .iter()
                .flatten()
                .map(|&s| end.saturating_sub(s))
                .sum::<SimTime>();
        let mut per_vm: Vec<SimTime> = downtime.values().copied().collect();
        per_vm.sort_unstable();
        let mut restarts = run.restarts.clone();
        restarts.sort_unstable();
        let hours = |ms: SimTime| ms as f64 / 3.6e6;
        Some(FailureSummary {
            restart_delay_s: secs(self.setup.failures.as_ref().map_or(0, |f| f.restart_delay)),
            failures: run.failures,
            repairs: run.repairs,
            host_failed_hours: hours(failed_ms),
            vm_stops: run.vm_stops,
            vms_hit: per_vm.len() as u64,
            restarts: restarts.len() as u64,
            restarts_waited: run.restarts_waited,
            vms_down_at_end: run.down.len() as u64,
            migrations_aborted: run.migrations_aborted,
            downtime_vm_hours: hours(per_vm.iter().sum()),
            downtime_p99_hours: hours(nearest_rank(&per_vm, 0.99)),
            restart_mean_s: if restarts.is_empty() {
                0.0
            } else {
                secs(restarts.iter().sum::<SimTime>()) / restarts.len() as f64
            },
            restart_p99_s: secs(nearest_rank(&restarts, 0.99)),
            shortfall_core_hours: run.shortfall_core_ms / 3.6e6,
        })
    }

    /// Logs a row of `failures.csv` (after the warm-up).
    fn log_failure(
        &mut self,
        event: &'static str,
        host: HostId,
        vm: Option<VmId>,
        down: Option<SimTime>,
    ) {
        if !self.measuring() {
            return;
        }
        self.recorder.failure(&FailureRow {
            time_s: secs(self.clock.now),
            event,
            host,
            vm,
            downtime_s: down.map(secs),
        });
    }
}

/// The nearest-rank `p` quantile of sorted `values` (0 when empty).
fn nearest_rank(sorted: &[SimTime], p: f64) -> SimTime {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn nearest_rank_takes_the_smallest_value_covering_the_share() {
        assert_eq!(nearest_rank(&[], 0.99), 0);
        let v: Vec<u64> = (1..=200).collect();
        // 99 % of 200 values is 198: the 198th smallest.
        assert_eq!(nearest_rank(&v, 0.99), 198);
        assert_eq!(nearest_rank(&[5], 0.99), 5);
    }
}
