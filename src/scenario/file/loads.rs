//! `[loads.<name>]`: CPU demand curves over time, with their noise.

use super::defaults::one;
use crate::scenario::units::TimeOfDay;
use schemars::JsonSchema;
use serde::Deserialize;

/// `[loads.<name>]`: CPU demand over time, as a fraction (0..1) of a VM's size.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "shape", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LoadCurveSpec {
    /// Constant demand.
    Constant {
        /// Fraction of the VM's CPU.
        level: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<NoiseSpec>,
    },
    /// A daily sinusoid between `trough` and `peak`, peaking at `peak_hour`.
    Sinusoid {
        /// Lowest demand, reached 12 h from the peak.
        trough: f64,
        /// Highest demand.
        peak: f64,
        /// Time of day of the peak.
        #[serde(default = "default_peak_hour")]
        peak_hour: TimeOfDay,
        /// Multiplier applied on Saturdays and Sundays.
        #[serde(default = "one")]
        weekend_factor: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<NoiseSpec>,
    },
    /// 24 hourly levels (hour 0 = 00:00-01:00), linearly interpolated between hour centres.
    Hourly {
        /// Twenty-four fractions.
        levels: Vec<f64>,
        /// Multiplier applied on Saturdays and Sundays.
        #[serde(default = "one")]
        weekend_factor: f64,
        /// Random noise added to each VM at each load step.
        #[serde(default)]
        noise: Option<NoiseSpec>,
    },
}

fn default_peak_hour() -> TimeOfDay {
    TimeOfDay(14.0)
}

/// Random noise on a load curve, drawn per VM and load step, then clamped to 0..1.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum NoiseSpec {
    /// Additive normal noise with mean 0.
    Normal {
        /// Standard deviation, as a fraction of the VM's size.
        sd: f64,
    },
    /// Additive uniform noise in `[-half_width, +half_width]`.
    Uniform {
        /// Half the width of the interval.
        half_width: f64,
    },
}
