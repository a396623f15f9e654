//! `[[services]]`: replicated services scaled by a schedule or an autoscaler.

use super::defaults::one_u32;
use crate::scenario::units::{Duration, TimeOfDay};
use schemars::JsonSchema;
use serde::Deserialize;

/// `[[services]]`: a replicated service whose replica count a schedule or an autoscaler sets.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
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
    pub schedule: Vec<ScheduleEntrySpec>,
    /// Autoscaler settings for `scaling = "autoscale"`.
    #[serde(default)]
    pub autoscale: AutoscaleSpec,
}

fn default_scaling() -> String {
    "fixed".into()
}

/// `{ at = "22:00", replicas = 4 }`: set the replica count at a time of day.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntrySpec {
    /// Time of day.
    pub at: TimeOfDay,
    /// Replica count from then on.
    pub replicas: u32,
    /// Days it applies (`mon` .. `sun`, `weekdays`, `weekends`); default every day.
    #[serde(default)]
    pub days: Vec<String>,
}

/// `[services.autoscale]`: a target-utilisation autoscaler (as Kubernetes' HPA).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscaleSpec {
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

impl Default for AutoscaleSpec {
    fn default() -> Self {
        AutoscaleSpec {
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
