//! `[traces.<name>]`: recorded utilisation traces that `[[vms]]` groups replay (see
//! `docs/traces.md`).

use super::defaults::one;
use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[traces.<name>]`: a recorded utilisation trace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TraceSpec {
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
    /// What the trace's samples give: `cpu` (default) or `memory` (the memory column, for a
    /// group's `ram_trace`; formats with one: see `docs/traces.md`).
    #[serde(default)]
    pub metric: TraceMetricSpec,
}

/// `traces.<name>.metric`: which column of the trace is replayed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TraceMetricSpec {
    /// CPU utilisation: the VMs' CPU demand.
    #[default]
    Cpu,
    /// Memory utilisation: the VMs' memory in use.
    Memory,
}
