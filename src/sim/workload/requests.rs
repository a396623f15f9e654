//! Team requests in the simulation: arrivals, the batch of VMs each asks for, the waiting
//! queue (FIFO or by priority), and response, waiting and turnaround times.

use crate::policy::power;
use crate::rng::{Stream, substream};
use crate::sim::conflicts::ConflictKind;
use crate::sim::records::{RequestRow, RequestSummary, TeamSummary};
use crate::sim::setup::Setup;
use crate::sim::state::*;
use crate::sim::{Event, Simulation};
use crate::time::{SimTime, secs};
use crate::workload::requests::{QueueOrder, jain};
use rand::rngs::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// One request and how far it has been served.
#[derive(Debug, Clone)]
struct Request {
    team: usize,
    submitted: SimTime,
    vms: u32,
    started: u32,
    first_start: Option<SimTime>,
    last_start: Option<SimTime>,
    ended: u32,
    last_end: Option<SimTime>,
    queued: bool,
}

/// The requests of a run and each team's random streams (arrival times, batches, lifetimes).
pub(crate) struct RequestRun {
    arrivals: Vec<Xoshiro256PlusPlus>,
    batches: Vec<Xoshiro256PlusPlus>,
    lifetimes: Vec<Xoshiro256PlusPlus>,
    list: Vec<Request>,
}

impl RequestRun {
    pub(crate) fn new(setup: &Setup) -> Self {
        let streams = |s: Stream| -> Vec<Xoshiro256PlusPlus> {
            (0..setup.requests.teams.len())
                .map(|i| substream(setup.seed, s, i))
                .collect()
        };
        RequestRun {
            arrivals: streams(Stream::Arrivals),
            batches: streams(Stream::Requests),
            lifetimes: streams(Stream::RequestLifetimes),
            list: Vec::new(),
        }
    }

    /// The team of request `r`.
    pub(crate) fn team_of(&self, r: usize) -> usize {
        self.list[r].team
    }
}

impl Simulation<'_> {
    /// Schedules each team's first request.
    pub(in crate::sim) fn start_requests(&mut self) {
        for team in 0..self.setup.requests.teams.len() {
            self.schedule_request(team);
        }
    }

    fn schedule_request(&mut self, team: usize) {
        let arrivals = &self.setup.requests.teams[team].arrivals;
        if let Some(t) = arrivals.next_after(
            self.clock.now,
            self.setup.duration,
            &mut self.workload.requests.arrivals[team],
        ) {
            self.clock.queue.push(t, Event::Request(team));
        }
    }

    /// The queue priority of `vm`: its team's for requested VMs, 0 for others.
    fn priority(&self, vm: VmId) -> i32 {
        match self.fleet.vms[vm].origin {
            Origin::Request(r) => {
                self.setup.requests.teams[self.workload.requests.list[r].team].priority
            }
            _ => 0,
        }
    }

    /// Puts `vm` in the waiting queue: at the back (FIFO), or behind every waiting VM of the
    /// same or higher priority.
    pub(in crate::sim) fn enqueue(&mut self, vm: VmId) {
        match self.setup.requests.queue {
            QueueOrder::Fifo => self.fleet.waiting.push_back(vm),
            QueueOrder::Priority => {
                let p = self.priority(vm);
                let at = self
                    .fleet
                    .waiting
                    .iter()
                    .position(|&w| self.priority(w) < p)
                    .unwrap_or(self.fleet.waiting.len());
                self.fleet.waiting.insert(at, vm);
            }
        }
    }

    /// Queues a batch of waiting VMs (largest first if the placement policy says so) and
    /// places what fits; returns the first VM of the batch still waiting, if any.
    pub(in crate::sim) fn enqueue_batch(&mut self, batch: Vec<VmId>) -> Option<VmId> {
        let batch = self.in_placement_order(batch);
        for &vm in &batch {
            self.enqueue(vm);
        }
        self.place_waiting();
        batch
            .into_iter()
            .find(|&vm| self.fleet.vms[vm].state == VmState::Waiting)
    }

    pub(in crate::sim) fn on_request(&mut self, team: usize) {
        let setup = &self.setup.requests.teams[team];
        let types = setup.draw_batch(&mut self.workload.requests.batches[team]);
        let r = self.workload.requests.list.len();
        self.workload.requests.list.push(Request {
            team,
            submitted: self.clock.now,
            vms: types.len() as u32,
            started: 0,
            first_start: None,
            last_start: None,
            ended: 0,
            last_end: None,
            queued: false,
        });
        let mut batch = Vec::with_capacity(types.len());
        for vm_type in types {
            let lifetime = setup
                .lifetime
                .map(|d| d.draw(&mut self.workload.requests.lifetimes[team]));
            let life = VmLife {
                arrived: Some(self.clock.now),
                lifetime,
                last_moved: None,
                waiting_since: self.clock.now,
            };
            let vm = self.fleet.push_vm(
                Vm {
                    origin: Origin::Request(r),
                    vm_type,
                    demand: Demand::Curve(setup.load),
                    state: VmState::Waiting,
                    demand_mips: 0.0,
                    metered: Rates::IDLE,
                    ram_demand_mb: self.setup.vm_types[vm_type].ram_mb,
                    ram: RamDemand::Reserved,
                },
                life,
            );
            self.fleet.vms[vm].demand_mips = self.demand_now(vm);
            batch.push(vm);
        }
        let start = match batch.first() {
            Some(&vm) => self.deferred_start(vm, self.clock.now),
            None => self.clock.now,
        };
        if start > self.clock.now {
            // The whole batch waits for a cleaner hour, out of the queue; it arrives then.
            self.accounts.deferred.0 += batch.len() - 1;
            self.accounts.deferred.1 += (start - self.clock.now) * (batch.len() as u64 - 1);
            for vm in batch {
                let v = &mut self.fleet.vms[vm];
                (v.state, v.demand_mips) = (VmState::Pending, 0.0);
                self.fleet.lives[vm].arrived = None;
                self.clock.queue.push(start, Event::VmArrive(vm));
            }
        } else if let Some(vm) = self.enqueue_batch(batch) {
            self.workload.requests.list[r].queued = true;
            self.wait_conflict(
                ConflictKind::CapacityShortfall,
                vm,
                &[],
                "request queued until capacity is available",
            );
            self.manage_power(power::Need::default());
        }
        self.schedule_request(team);
    }

    /// Bookkeeping when `vm` starts running: request times, service shares.
    pub(in crate::sim) fn note_started(&mut self, vm: VmId) {
        match self.fleet.vms[vm].origin {
            Origin::Request(r) => {
                let now = self.clock.now;
                let req = &mut self.workload.requests.list[r];
                req.started += 1;
                req.first_start.get_or_insert(now);
                if req.started == req.vms {
                    req.last_start = Some(now);
                }
            }
            Origin::Service(s) => self.resample_service(s),
            Origin::Group(_) => {}
        }
    }

    /// Bookkeeping when `vm` ends: request turnaround, service shares.
    pub(in crate::sim) fn note_ended(&mut self, vm: VmId) {
        match self.fleet.vms[vm].origin {
            Origin::Request(r) => {
                let now = self.clock.now;
                let req = &mut self.workload.requests.list[r];
                req.ended += 1;
                if req.ended == req.vms {
                    req.last_end = Some(now);
                }
            }
            Origin::Service(s) => self.replica_ended(s, vm),
            Origin::Group(_) => {}
        }
    }

    /// `requests.csv` rows and the `requests` summary (none without teams).
    pub(in crate::sim) fn request_report(&self) -> (Vec<RequestRow>, Option<RequestSummary>) {
        let teams = &self.setup.requests.teams;
        if teams.is_empty() {
            return (Vec::new(), None);
        }
        let since = |t: Option<SimTime>, r: &Request| t.map(|t| secs(t - r.submitted));
        let rows: Vec<RequestRow> = self
            .workload
            .requests
            .list
            .iter()
            .enumerate()
            .map(|(id, r)| RequestRow {
                id,
                team: teams[r.team].name.clone(),
                submitted_s: secs(r.submitted),
                vms: r.vms,
                started: r.started,
                response_s: since(r.first_start, r),
                waiting_s: since(r.last_start, r),
                turnaround_s: since(r.last_end, r),
            })
            .collect();
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                0.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
        let of = |rows: &[&RequestRow], f: fn(&RequestRow) -> Option<f64>| -> Vec<f64> {
            rows.iter().filter_map(|r| f(r)).collect()
        };
        let all: Vec<&RequestRow> = rows.iter().collect();
        let mut by_team = BTreeMap::new();
        let mut team_waits = Vec::new();
        for team in teams {
            let mine: Vec<&RequestRow> = rows.iter().filter(|r| r.team == team.name).collect();
            let waits = of(&mine, |r| r.waiting_s);
            if !mine.is_empty() {
                team_waits.push(mean(&waits));
            }
            by_team.insert(
                team.name.clone(),
                TeamSummary {
                    requests: mine.len(),
                    vms: mine.iter().map(|r| u64::from(r.vms)).sum(),
                    mean_waiting_s: mean(&waits),
                    mean_response_s: mean(&of(&mine, |r| r.response_s)),
                    max_waiting_s: max(&waits),
                },
            );
        }
        let waits = of(&all, |r| r.waiting_s);
        let started: u64 = rows.iter().map(|r| u64::from(r.started)).sum();
        let summary = RequestSummary {
            count: rows.len(),
            vms_requested: rows.iter().map(|r| u64::from(r.vms)).sum(),
            vms_started: started,
            queued: self
                .workload
                .requests
                .list
                .iter()
                .filter(|r| r.queued)
                .count(),
            incomplete: rows.iter().filter(|r| r.started < r.vms).count(),
            mean_response_s: mean(&of(&all, |r| r.response_s)),
            mean_waiting_s: mean(&waits),
            max_waiting_s: max(&waits),
            mean_turnaround_s: mean(&of(&all, |r| r.turnaround_s)),
            throughput_vms_per_hour: started as f64 / (secs(self.setup.duration) / 3600.0),
            fairness_jain: jain(&team_waits),
            by_team,
        };
        (rows, Some(summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::records::NullRecorder;

    /// One 4-core host, full from the start; two teams asking for 1 to 3 VMs of 4 vCPUs.
    fn setup(queue: &str) -> Setup {
        let text = format!(
            r#"
version = 1
[simulation]
name = "queue"
[[hosts]]
class = "h"
count = 1
cores = 4
ram = "64 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}
[[vm_types]]
name = "big"
vcpus = 4
ram = "4 GB"
[[vms]]
type = "big"
count = 1
load = "flat"
[loads.flat]
shape = "constant"
level = 0.5
[policy]
initial_fit = "size"
[requests]
queue = "{queue}"
[[teams]]
name = "low"
day_rate = 1
batch_min = 1
batch_max = 3
types = ["big"]
load = "flat"
[[teams]]
name = "high"
day_rate = 1
batch_min = 1
batch_max = 3
types = ["big"]
load = "flat"
priority = 5
"#
        );
        crate::scenario::load(&text, "queue.toml", &[]).unwrap()
    }

    /// Teams of the waiting VMs, front first, after low, high, low submit in that order.
    fn waiting_teams(queue: &str) -> Vec<usize> {
        let setup = setup(queue);
        let mut recorder = NullRecorder;
        let (mut sim, _) = Simulation::new(&setup, &mut recorder).unwrap();
        sim.start();
        for team in [0, 1, 0] {
            sim.on_request(team);
        }
        sim.fleet
            .waiting
            .iter()
            .map(|&vm| match sim.fleet.vms[vm].origin {
                Origin::Request(r) => sim.workload.requests.list[r].team,
                _ => usize::MAX,
            })
            .collect()
    }

    fn runs(teams: &[usize]) -> Vec<usize> {
        let mut out = teams.to_vec();
        out.dedup();
        out
    }

    #[test]
    fn fifo_queue_keeps_submission_order() {
        assert_eq!(runs(&waiting_teams("fifo")), vec![0, 1, 0]);
    }

    #[test]
    fn priority_queue_puts_the_higher_priority_team_first() {
        let teams = waiting_teams("priority");
        assert_eq!(runs(&teams), vec![1, 0], "{teams:?}");
    }
}
