//! `[simulation]`: what to run, for how long, under which accounting profile.

use crate::scenario::units::{Duration, TimeOfDay};
use schemars::JsonSchema;
use serde::Deserialize;

/// `[simulation]`: what to run and for how long.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    /// Name of the scenario; the default output folder is `output/<name>/`.
    pub name: String,
    /// Seed of every random stream (noise, random selection, arrivals).
    #[serde(default)]
    pub seed: u64,
    /// Simulated span; time 0 is Monday 00:00.
    #[serde(default = "default_duration")]
    pub duration: Duration,
    /// Period of the control loop (consolidation and power decisions) and of timeseries rows.
    #[serde(default = "default_interval")]
    pub control_interval: Duration,
    /// Period at which load curves are re-sampled; defaults to the control interval.
    #[serde(default)]
    pub load_step: Option<Duration>,
    /// Accounting profile: `realistic` (nightshift's own model) or `cloudsim` (CloudSim
    /// 3.0.3's modelling choices, to reproduce its consolidation study; see
    /// docs/validation.md).
    #[serde(default)]
    pub profile: ProfileSpec,
    /// How host ids are given out: `by-class` (the first class's hosts first) or
    /// `interleaved` (round robin over the classes, as CloudSim's set-up alternates its two
    /// host types).
    #[serde(default)]
    pub host_order: HostOrderSpec,
    /// The hours the charts shade and label as night (they may wrap midnight).
    #[serde(default)]
    pub night: NightSpec,
    /// Time at the start left out of every metric, row and chart (and of the baseline's),
    /// while the fleet settles from its initial placement; none by default.
    #[serde(default)]
    pub warmup: Option<Duration>,
    /// The host utilisation above which time counts as time near saturation in the
    /// performance impact (`impact.host_hours_above` in summary.json), a fraction in (0, 1].
    #[serde(default = "default_high_utilisation")]
    pub high_utilisation: f64,
    /// The instant time 0 stands for, RFC 3339 in UTC (`"2026-01-05T00:00:00Z"`, a Monday at
    /// midnight): the outputs then give every time an absolute `timestamp` too.
    #[serde(default)]
    pub start: Option<String>,
}

/// `simulation.night`: the daily hours the charts shade as night; either end may be left
/// at its default.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NightSpec {
    /// Start of the night.
    #[serde(default = "default_night_from")]
    pub from: TimeOfDay,
    /// End of the night (before `from`: the night wraps midnight).
    #[serde(default = "default_night_to")]
    pub to: TimeOfDay,
}

fn default_night_from() -> TimeOfDay {
    TimeOfDay(22.0)
}

fn default_night_to() -> TimeOfDay {
    TimeOfDay(6.0)
}

impl Default for NightSpec {
    fn default() -> Self {
        NightSpec {
            from: default_night_from(),
            to: default_night_to(),
        }
    }
}

/// `simulation.profile`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileSpec {
    /// nightshift's model: boot and shutdown delays and energy, exact integration.
    #[default]
    Realistic,
    /// CloudSim 3.0.3's accounting and consolidation loop.
    Cloudsim,
}

/// `simulation.host_order`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HostOrderSpec {
    /// Class by class, in the order of `[[hosts]]`.
    #[default]
    ByClass,
    /// One host of each class in turn while counts last.
    Interleaved,
}

fn default_duration() -> Duration {
    Duration::from_secs(86_400)
}
/// 90 %: where vSphere's default host CPU usage alarm turns from warning (75 %) to alert.
fn default_high_utilisation() -> f64 {
    0.9
}

fn default_interval() -> Duration {
    Duration::from_secs(300)
}
