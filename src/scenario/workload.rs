//! Scenario sections for real workloads: `[traces.<name>]` (recorded utilisation replayed by
//! `[[vms]]` groups), `[requests]` and `[[teams]]` (batches of VMs asked for during the day),
//! and `[[services]]` (replicated services scaled by a schedule or an autoscaler). Documented
//! in `docs/scenario.md` and `docs/traces.md`.

use super::types::LifetimeSpec;
use super::units::{Duration, TimeOfDay};
use serde::Deserialize;

/// `[traces.<name>]`: a recorded utilisation trace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceDef {
    /// `planetlab`, `bitbrains`, `azure` or `csv`.
    pub format: String,
    /// Folder (or, for `csv`, file or folder); relative paths start at the scenario's folder.
    pub path: String,
    /// Replay from this far into the trace (time 0 of the run = trace start + shift).
    #[serde(default)]
    pub shift: Duration,
    /// Start again from the beginning when the trace ends.
    #[serde(default, rename = "loop")]
    pub looped: bool,
    /// Multiplier on every sample (the result is capped at 100 %).
    #[serde(default = "one")]
    pub scale: f64,
    /// Sampling interval of a `planetlab` trace (default 5 minutes); other formats take it
    /// from their timestamps.
    #[serde(default)]
    pub interval: Option<Duration>,
}

fn one() -> f64 {
    1.0
}

/// How a trace group spreads its VMs over `types`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypeRule {
    /// Contiguous blocks: VM `i` of `n` gets type `i / ceil(n / k)` (CloudSim's rule).
    #[default]
    Blocks,
    /// Round robin: VM `i` gets type `i mod k`.
    Cycle,
}

/// `[requests]`: how waiting requests are served, and when it is day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requests {
    /// `fifo` (arrival order) or `priority` (higher team priority first, then arrival).
    #[serde(default = "default_queue")]
    pub queue: String,
    /// Start of the day rate.
    #[serde(default = "default_day_from")]
    pub day_from: TimeOfDay,
    /// End of the day rate (the night rate applies from here to `day_from`).
    #[serde(default = "default_day_to")]
    pub day_to: TimeOfDay,
}

impl Default for Requests {
    fn default() -> Self {
        Requests {
            queue: default_queue(),
            day_from: default_day_from(),
            day_to: default_day_to(),
        }
    }
}

fn default_queue() -> String {
    "fifo".into()
}
fn default_day_from() -> TimeOfDay {
    TimeOfDay(8.0)
}
fn default_day_to() -> TimeOfDay {
    TimeOfDay(20.0)
}

/// `[[teams]]`: a team submitting batches of VMs at random times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Team name, shown in requests.csv and summary.json.
    pub name: String,
    /// Mean requests per hour during the day.
    pub day_rate: f64,
    /// Mean requests per hour at night.
    #[serde(default)]
    pub night_rate: f64,
    /// Fewest VMs in a request.
    #[serde(default = "one_u32")]
    pub batch_min: u32,
    /// Most VMs in a request (uniform between min and max).
    pub batch_max: u32,
    /// VM types to draw from, one draw per VM.
    pub types: Vec<String>,
    /// Relative weights of `types` (default: equal).
    #[serde(default)]
    pub weights: Vec<f64>,
    /// Load curve (a `loads` name) of the VMs.
    pub load: String,
    /// How long each VM runs once started: a duration or a distribution, as for
    /// `vms[].lifetime`; absent = until the end.
    #[serde(default)]
    pub lifetime: Option<LifetimeSpec>,
    /// Queue priority under `requests.queue = "priority"` (higher first).
    #[serde(default)]
    pub priority: i32,
}

fn one_u32() -> u32 {
    1
}

/// `[[services]]`: a replicated service whose replica count a schedule or an autoscaler sets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// VM type of each replica.
    #[serde(rename = "type")]
    pub vm_type: String,
    /// Load curve giving the service's total demand as a fraction of `max_replicas` busy
    /// replicas; the running replicas share it evenly.
    pub load: String,
    /// CPU a replica uses with no traffic (runtime, health checks), as a fraction of its size.
    #[serde(default)]
    pub idle: f64,
    /// Fewest replicas.
    #[serde(default = "one_u32")]
    pub min_replicas: u32,
    /// Most replicas.
    pub max_replicas: u32,
    /// Replicas at time 0 (default: the schedule's count in force then, else `max_replicas`).
    #[serde(default)]
    pub replicas: Option<u32>,
    /// `fixed`, `schedule` or `autoscale`.
    #[serde(default = "default_scaling")]
    pub scaling: String,
    /// Crontab-like entries for `scaling = "schedule"`.
    #[serde(default)]
    pub schedule: Vec<ScheduleEntry>,
    /// Autoscaler settings for `scaling = "autoscale"`.
    #[serde(default)]
    pub autoscale: Autoscale,
}

fn default_scaling() -> String {
    "fixed".into()
}

/// `{ at = "22:00", replicas = 4 }`: set the replica count at a time of day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// Time of day.
    pub at: TimeOfDay,
    /// Replica count from then on.
    pub replicas: u32,
    /// Days it applies (`mon` .. `sun`, `weekdays`, `weekends`); default every day.
    #[serde(default)]
    pub days: Vec<String>,
}

/// `[services.autoscale]`: a target-utilisation autoscaler (as Kubernetes' HPA).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    /// Utilisation per replica the autoscaler aims at.
    #[serde(default = "default_target")]
    pub target: f64,
    /// How often it looks; default the control interval.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// No change while utilisation / target is within 1 +- tolerance.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Scale down only to the highest count recommended over this window.
    #[serde(default = "default_stabilisation")]
    pub scale_down_window: Duration,
}

impl Default for Autoscale {
    fn default() -> Self {
        Autoscale {
            target: default_target(),
            interval: None,
            tolerance: default_tolerance(),
            scale_down_window: default_stabilisation(),
        }
    }
}

fn default_target() -> f64 {
    0.6
}
fn default_tolerance() -> f64 {
    0.1
}
fn default_stabilisation() -> Duration {
    Duration::from_secs(300)
}
