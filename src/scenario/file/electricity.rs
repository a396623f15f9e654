//! `[electricity]`: price, time-of-use tariff and facility overhead.

use crate::scenario::units::TimeOfDay;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[electricity]`: how energy becomes money.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectricitySpec {
    /// Price per kWh outside any tariff period.
    #[serde(default = "default_price")]
    pub price_per_kwh: f64,
    /// Currency label for outputs.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Power usage effectiveness: facility energy = IT energy x PUE.
    #[serde(default = "default_pue")]
    pub pue: f64,
    /// Time-of-use periods that override the base price.
    #[serde(default)]
    pub tariff: Vec<TariffPeriodSpec>,
}

impl Default for ElectricitySpec {
    fn default() -> Self {
        ElectricitySpec {
            price_per_kwh: default_price(),
            currency: default_currency(),
            pue: default_pue(),
            tariff: Vec::new(),
        }
    }
}

fn default_price() -> f64 {
    0.15
}
fn default_currency() -> String {
    "EUR".into()
}
fn default_pue() -> f64 {
    1.5
}

/// `[[electricity.tariff]]`: a daily time-of-use period; it may wrap midnight.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffPeriodSpec {
    /// Start, time of day.
    pub from: TimeOfDay,
    /// End, time of day (exclusive).
    pub to: TimeOfDay,
    /// Price per kWh during the period.
    pub price_per_kwh: f64,
}
