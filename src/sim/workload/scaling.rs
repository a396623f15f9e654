//! Replicated services in the simulation: replicas share the service's demand evenly, and a
//! schedule or an autoscaler changes how many there are. Demand that saturated (or absent)
//! replicas cannot serve is metered as unserved.

use crate::policy::power;
use crate::rng::{Stream, substream};
use crate::sim::conflicts::ConflictKind;
use crate::sim::records::ServiceSummary;
use crate::sim::setup::Setup;
use crate::sim::state::*;
use crate::sim::{Event, Simulation};
use crate::time::{MS_PER_HOUR, SimTime};
use crate::workload::scaling::{Autoscaler, Scaling};
use rand::rngs::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// A service's replicas, demand and meters.
pub(crate) struct ServiceRun {
    /// Replicas (waiting or running), oldest first.
    replicas: Vec<VmId>,
    /// Total demand now, in busy replicas.
    total: f64,
    /// Replicas running now (as last counted).
    running: u32,
    rng: Xoshiro256PlusPlus,
    autoscaler: Option<Autoscaler>,
    since: SimTime,
    replica_ms: f64,
    demand_ms: f64,
    served_ms: f64,
    fewest: u32,
    most: u32,
    scale_ups: u32,
    scale_downs: u32,
}

impl ServiceRun {
    /// One run per service of `setup`.
    pub(crate) fn build(setup: &Setup) -> Vec<ServiceRun> {
        setup
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| ServiceRun {
                replicas: Vec::new(),
                total: 0.0,
                running: 0,
                rng: substream(setup.seed, Stream::Services, i),
                autoscaler: match &s.scaling {
                    Scaling::Autoscale(a) => Some(Autoscaler::new(*a)),
                    _ => None,
                },
                since: 0,
                replica_ms: 0.0,
                demand_ms: 0.0,
                served_ms: 0.0,
                fewest: s.initial,
                most: s.initial,
                scale_ups: 0,
                scale_downs: 0,
            })
            .collect()
    }

    /// Drops the meters' integrals so far (the end of the warm-up) and restarts them at `now`.
    pub(in crate::sim) fn restart_meters(&mut self, now: SimTime) {
        self.accrue(now);
        (self.replica_ms, self.demand_ms, self.served_ms) = (0.0, 0.0, 0.0);
        (self.scale_ups, self.scale_downs) = (0, 0);
        (self.fewest, self.most) = (self.replicas.len() as u32, self.replicas.len() as u32);
    }

    /// Adds the meters' integrals up to `now`.
    fn accrue(&mut self, now: SimTime) {
        let dt = (now - self.since) as f64;
        self.replica_ms += self.replicas.len() as f64 * dt;
        self.demand_ms += self.total * dt;
        self.served_ms += self.total.min(f64::from(self.running)) * dt;
        self.since = now;
    }
}

impl Simulation<'_> {
    /// Creates each service's initial replicas (returned, waiting, for the initial
    /// placement) and schedules its scaling events.
    pub(in crate::sim) fn start_services(&mut self) -> Vec<VmId> {
        let mut initial = Vec::new();
        for s in 0..self.setup.services.len() {
            let service = &self.setup.services[s];
            for _ in 0..service.initial {
                initial.push(self.new_replica(s));
            }
            match &service.scaling {
                Scaling::Schedule(schedule) => {
                    if let Some((t, _)) = schedule.next_after(0) {
                        self.schedule_event(t, Event::ScaleAt(s));
                    }
                }
                Scaling::Autoscale(a) => self.schedule_event(a.interval, Event::Autoscale(s)),
                Scaling::Fixed => {}
            }
        }
        initial
    }

    fn schedule_event(&mut self, t: SimTime, event: Event) {
        if t < self.setup.duration {
            self.clock.queue.push(t, event);
        }
    }

    /// A new waiting replica of service `s`.
    fn new_replica(&mut self, s: usize) -> VmId {
        let life = VmLife {
            arrived: Some(self.clock.now),
            lifetime: None,
            last_moved: None,
            waiting_since: self.clock.now,
        };
        let vm = self.fleet.push_vm(
            Vm {
                origin: Origin::Service(s),
                vm_type: self.setup.services[s].vm_type,
                demand: Demand::Service(s),
                state: VmState::Waiting,
                demand_mips: 0.0,
                metered: Rates::IDLE,
                ram_demand_mb: self.setup.vm_types[self.setup.services[s].vm_type].ram_mb,
                ram: RamDemand::Reserved,
            },
            life,
        );
        self.workload.services[s].replicas.push(vm);
        self.fleet.vms[vm].demand_mips = self.demand_now(vm);
        vm
    }

    /// Draws every service's total demand now (called with the load step).
    pub(in crate::sim) fn sample_services(&mut self) {
        for s in 0..self.workload.services.len() {
            let service = &self.setup.services[s];
            let run = &mut self.workload.services[s];
            run.accrue(self.clock.now);
            run.total = self.setup.loads[service.load].sample(self.clock.now, &mut run.rng)
                * f64::from(service.max);
        }
    }

    /// A replica's share of service `s`'s demand, as a fraction of its CPU: the total spread
    /// over the running replicas (over all replicas while none runs), capped at 1.
    pub(in crate::sim) fn replica_share(&self, s: usize) -> f64 {
        let run = &self.workload.services[s];
        let over = if run.running > 0 {
            run.running as usize
        } else {
            run.replicas.len()
        };
        if over == 0 {
            0.0
        } else {
            (run.total / over as f64).min(1.0)
        }
    }

    /// A replica's demand as a fraction of its CPU: its idle floor plus its share of the
    /// traffic on the rest.
    pub(in crate::sim) fn replica_fraction(&self, s: usize) -> f64 {
        let idle = self.setup.services[s].idle;
        idle + (1.0 - idle) * self.replica_share(s)
    }

    /// Recounts service `s`'s running replicas and updates their demands.
    pub(in crate::sim) fn resample_service(&mut self, s: usize) {
        self.workload.services[s].accrue(self.clock.now);
        let running = self.workload.services[s]
            .replicas
            .iter()
            .filter(|&&vm| {
                matches!(
                    self.fleet.vms[vm].state,
                    VmState::Running(_) | VmState::Migrating(_)
                )
            })
            .count() as u32;
        self.workload.services[s].running = running;
        let share = self.replica_fraction(s);
        for i in 0..self.workload.services[s].replicas.len() {
            let vm = self.workload.services[s].replicas[i];
            let hosts = match self.fleet.vms[vm].state {
                VmState::Running(h) => [Some(h), None],
                VmState::Migrating(m) => [
                    Some(self.fleet.migrations[m].source),
                    Some(self.fleet.migrations[m].destination),
                ],
                _ => [None, None],
            };
            for h in hosts.iter().flatten() {
                self.accrue(*h);
            }
            self.meter_waiting(vm);
            self.fleet.vms[vm].demand_mips =
                share * self.setup.vm_types[self.fleet.vms[vm].vm_type].mips;
            for h in hosts.iter().flatten() {
                self.refresh(*h);
            }
        }
    }

    /// Forgets an ended replica of service `s`.
    pub(in crate::sim) fn replica_ended(&mut self, s: usize, vm: VmId) {
        self.workload.services[s].accrue(self.clock.now);
        self.workload.services[s].replicas.retain(|&v| v != vm);
        self.resample_service(s);
    }

    /// Sets service `s`'s replica count to `n`: new replicas queue for capacity; removed
    /// ones are the newest, waiting ones first.
    fn set_replicas(&mut self, s: usize, n: u32) {
        let current = self.workload.services[s].replicas.len() as u32;
        if n == current {
            return;
        }
        self.workload.services[s].accrue(self.clock.now);
        let run = &mut self.workload.services[s];
        run.fewest = run.fewest.min(n);
        run.most = run.most.max(n);
        if n > current {
            run.scale_ups += 1;
            let batch: Vec<VmId> = (current..n).map(|_| self.new_replica(s)).collect();
            if let Some(vm) = self.enqueue_batch(batch) {
                self.wait_conflict(
                    ConflictKind::CapacityShortfall,
                    vm,
                    &[],
                    "replica queued until capacity is available",
                );
                self.manage_power(power::Need::default());
            }
        } else {
            run.scale_downs += 1;
            for _ in n..current {
                let replicas = &self.workload.services[s].replicas;
                let vm = replicas
                    .iter()
                    .rev()
                    .find(|&&v| self.fleet.vms[v].state == VmState::Waiting)
                    .or(replicas.last())
                    .copied();
                if let Some(vm) = vm {
                    self.on_vm_end(vm);
                }
            }
        }
        self.resample_service(s);
    }

    pub(in crate::sim) fn on_scale_at(&mut self, s: usize) {
        let Scaling::Schedule(schedule) = &self.setup.services[s].scaling else {
            return;
        };
        if let Some(n) = schedule.in_force(self.clock.now) {
            self.set_replicas(s, n);
        }
        if let Some((t, _)) = schedule.next_after(self.clock.now) {
            self.schedule_event(t, Event::ScaleAt(s));
        }
    }

    pub(in crate::sim) fn on_autoscale(&mut self, s: usize) {
        let service = &self.setup.services[s];
        let run = &self.workload.services[s];
        let (current, ready) = (run.replicas.len() as u32, run.running);
        let utilisation = if ready > 0 {
            (run.total / f64::from(ready)).min(1.0)
        } else {
            0.0
        };
        let now = self.clock.now;
        if let Some(a) = self.workload.services[s].autoscaler.as_mut() {
            let interval = a.setup.interval;
            let n = a.decide(now, current, ready, utilisation, service.min, service.max);
            self.set_replicas(s, n);
            self.schedule_event(now + interval, Event::Autoscale(s));
        }
    }

    /// The `services` summary (none without services).
    pub(in crate::sim) fn service_report(&mut self) -> Option<BTreeMap<String, ServiceSummary>> {
        if self.workload.services.is_empty() {
            return None;
        }
        let hours = |ms: f64| ms / MS_PER_HOUR as f64;
        let duration = self.setup.duration.max(1) as f64;
        let mut out = BTreeMap::new();
        for (s, run) in self.workload.services.iter_mut().enumerate() {
            run.accrue(self.clock.now);
            let service = &self.setup.services[s];
            let unserved = (run.demand_ms - run.served_ms).max(0.0);
            out.insert(
                service.name.clone(),
                ServiceSummary {
                    scaling: service.scaling.name().to_string(),
                    mean_replicas: run.replica_ms / duration,
                    min_replicas: run.fewest,
                    max_replicas: run.most,
                    replica_hours: hours(run.replica_ms),
                    demand_replica_hours: hours(run.demand_ms),
                    unserved_replica_hours: hours(unserved),
                    unserved_fraction: if run.demand_ms > 0.0 {
                        unserved / run.demand_ms
                    } else {
                        0.0
                    },
                    scale_ups: run.scale_ups,
                    scale_downs: run.scale_downs,
                },
            );
        }
        Some(out)
    }
}
