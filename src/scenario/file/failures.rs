//! `[failures]` and `hosts[].failure`: host failures and repairs, and the HA restart of the
//! VMs a failure stops.

use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[failures]`: the failure trace and how VMs are restarted.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailuresSpec {
    /// A CSV file of outages, `host,start_s,end_s` (path relative to the scenario file).
    #[serde(default)]
    pub trace: Option<String>,
    /// The HA restart delay: from a host's failure to its VMs' restart elsewhere.
    #[serde(default)]
    pub restart_delay: Option<Duration>,
    /// How each rack fails as a unit (its switch or power feed) and is repaired: all its
    /// hosts fail at once (needs `[racks]`).
    #[serde(default)]
    pub racks: Option<HostFailureSpec>,
}

/// `hosts[].failure` and `failures.racks`: how the class's hosts (a rack) fail and are
/// repaired.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostFailureSpec {
    /// Time from a repair (or the start) to the next failure.
    pub time_to_failure: TimeLawSpec,
    /// Time from a failure to the repair.
    pub time_to_repair: TimeLawSpec,
}

/// A distribution of a time, `{ distribution = "...", ... }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TimeLawSpec {
    /// Exponential with this mean (a constant rate).
    Exponential {
        /// Mean time.
        mean: Duration,
    },
    /// Weibull with this shape and scale.
    Weibull {
        /// Shape `k` (below 1: a falling rate; 1: exponential; above 1: wear-out).
        shape: f64,
        /// Scale `lambda`.
        scale: Duration,
    },
}
