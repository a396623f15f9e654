//! `[carbon]`: grid carbon intensity, hosts' embodied emissions and carbon-aware deferral.

use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[carbon]`: how energy becomes emissions. Exactly one of the three intensity fields.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CarbonSpec {
    /// A constant grid intensity, gCO2e per kWh.
    #[serde(default)]
    pub intensity_g_per_kwh: Option<f64>,
    /// One intensity an hour from Monday 00:00, repeated: 24 values (a day) or 168 (a week).
    #[serde(default)]
    pub hourly_g_per_kwh: Option<Vec<f64>>,
    /// A CSV file of intensities over the run (path relative to the scenario file).
    #[serde(default)]
    pub intensity_file: Option<String>,
    /// Embodied emissions of host classes.
    #[serde(default)]
    pub embodied: Vec<EmbodiedSpec>,
    /// Carbon-aware deferral of named work; absent = off.
    #[serde(default)]
    pub defer: Option<DeferSpec>,
}

/// `[[carbon.embodied]]`: a host class's embodied emissions over its service life.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmbodiedSpec {
    /// A `hosts[].class` name.
    pub class: String,
    /// kgCO2e of one host (manufacture, transport, end of life).
    pub kg_co2e: f64,
    /// Service life the emissions are spread over, years.
    pub life_years: f64,
}

/// `[carbon.defer]`: deferrable work waits for the cleanest hour within a delay.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeferSpec {
    /// Names of `[[teams]]` and `[[vms]]` groups whose VMs may wait.
    pub work: Vec<String>,
    /// The longest a VM may wait past its arrival.
    pub max_delay: Duration,
}
