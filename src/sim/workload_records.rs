//! Rows and summaries of team requests and replicated services (`requests.csv`,
//! `summary.json` -> `requests`, `services`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of `requests.csv`: a team's request and how it was served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestRow {
    /// Request id, in submission order.
    pub id: usize,
    /// Team name.
    pub team: String,
    /// Submission time, s.
    pub submitted_s: f64,
    /// VMs asked for.
    pub vms: u32,
    /// VMs started by the end of the run.
    pub started: u32,
    /// Submission to the first VM running, s (empty if none started).
    pub response_s: Option<f64>,
    /// Submission to the last VM running: the time the request waited for capacity, s
    /// (empty if some VM never started).
    pub waiting_s: Option<f64>,
    /// Submission to the last VM ending, s (empty if some VM still runs at the end).
    pub turnaround_s: Option<f64>,
}

/// `summary.json` -> `requests.by_team.<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TeamSummary {
    /// Requests submitted.
    pub requests: usize,
    /// VMs asked for.
    pub vms: u64,
    /// Mean waiting time of its fully started requests, s.
    pub mean_waiting_s: f64,
    /// Mean response time of its requests with a VM started, s.
    pub mean_response_s: f64,
    /// Longest waiting time, s.
    pub max_waiting_s: f64,
}

/// `summary.json` -> `requests`: scheduling metrics of team requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestSummary {
    /// Requests submitted.
    pub count: usize,
    /// VMs asked for.
    pub vms_requested: u64,
    /// VMs started.
    pub vms_started: u64,
    /// Requests that had to queue for capacity.
    pub queued: usize,
    /// Requests with a VM still waiting at the end.
    pub incomplete: usize,
    /// Mean response time (submission to first VM running), s.
    pub mean_response_s: f64,
    /// Mean waiting time (submission to last VM running) of fully started requests, s.
    pub mean_waiting_s: f64,
    /// Longest waiting time, s.
    pub max_waiting_s: f64,
    /// Mean turnaround (submission to last VM ended) of finished requests, s.
    pub mean_turnaround_s: f64,
    /// Requested VMs started per hour of simulated time.
    pub throughput_vms_per_hour: f64,
    /// Jain's fairness index of the teams' mean waiting times (1 = equal; 1/n = one team
    /// does all the waiting).
    pub fairness_jain: f64,
    /// Per team.
    pub by_team: BTreeMap<String, TeamSummary>,
}

/// `summary.json` -> `services.<name>`: how a replicated service was scaled and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceSummary {
    /// `fixed`, `schedule` or `autoscale`.
    pub scaling: String,
    /// Time-weighted mean replica count.
    pub mean_replicas: f64,
    /// Fewest replicas at any time.
    pub min_replicas: u32,
    /// Most replicas at any time.
    pub max_replicas: u32,
    /// Replica count x time, h.
    pub replica_hours: f64,
    /// Demand in busy-replica hours.
    pub demand_replica_hours: f64,
    /// Demand not served because running replicas were saturated (or absent), busy-replica
    /// hours.
    pub unserved_replica_hours: f64,
    /// Unserved share of demand.
    pub unserved_fraction: f64,
    /// Changes that added replicas.
    pub scale_ups: u32,
    /// Changes that removed replicas.
    pub scale_downs: u32,
}
