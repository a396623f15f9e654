//! `[policy.power.dpm]`: the settings of the vSphere DPM-style power policy; the defaults
//! are DPM's documented ones (see `docs/policies.md`).

use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[policy.power.dpm]`: target utilisation, tolerance, history windows and HA reserve.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DpmSpec {
    /// Utilisation (demand over powered capacity) steered to, fraction (DPM: 0.63).
    #[serde(default = "default_target")]
    pub target: f64,
    /// Band around the target, fraction: hosts come on above `target + tolerance`, go off
    /// below `target - tolerance` (DPM: 0.18).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// How long the average must stay above the high mark before a power-on (DPM: 5 min).
    #[serde(default = "default_power_on_window")]
    pub power_on_window: Duration,
    /// How long the average must stay below the low mark before a power-off (DPM: 40 min).
    #[serde(default = "default_power_off_window")]
    pub power_off_window: Duration,
    /// Hosts' worth of capacity (the largest hosts') kept on beyond what demand needs.
    #[serde(default)]
    pub ha_reserve: u32,
}

impl Default for DpmSpec {
    fn default() -> Self {
        DpmSpec {
            target: default_target(),
            tolerance: default_tolerance(),
            power_on_window: default_power_on_window(),
            power_off_window: default_power_off_window(),
            ha_reserve: 0,
        }
    }
}

fn default_target() -> f64 {
    0.63
}
fn default_tolerance() -> f64 {
    0.18
}
fn default_power_on_window() -> Duration {
    Duration::from_secs(300)
}
fn default_power_off_window() -> Duration {
    Duration::from_secs(2400)
}
