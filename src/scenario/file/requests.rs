//! `[requests]` and `[[teams]]`: batches of VMs asked for during the day, and how they wait.

use super::defaults::one_u32;
use super::vms::LifetimeSpec;
use crate::scenario::units::TimeOfDay;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[requests]`: how waiting requests are served, and when it is day.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestsSpec {
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

impl Default for RequestsSpec {
    fn default() -> Self {
        RequestsSpec {
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
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
