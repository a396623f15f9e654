//! `[simulation]`: the name, the clock (duration, control interval, load step), the warm-up
//! and the night the charts shade.

use super::checks::Check;
use crate::scenario::error::FieldError;
use crate::scenario::file::{NightSpec, ProfileSpec, SimulationSpec};
use crate::scenario::limits;
use crate::sim::records::Night;
use crate::time::SimTime;

/// The run's clock, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    /// Simulated span.
    pub duration: SimTime,
    /// Control-loop period.
    pub interval: SimTime,
    /// Load re-sampling period.
    pub load_step: SimTime,
}

/// Checks the name and compiles the clock.
pub(super) fn clock(sim: &SimulationSpec) -> Check<Clock> {
    if sim.name.is_empty()
        || !sim
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || sim.name.starts_with('.')
    {
        return Err(FieldError::new(
            "simulation.name",
            format!(
                "{:?} is not a valid name: use letters, digits, '-', '_' and '.' (it names the output folder)",
                sim.name
            ),
        ));
    }
    let duration = sim.duration.ms();
    if duration == 0 || duration > limits::MAX_DURATION_MS {
        return Err(FieldError::new(
            "simulation.duration",
            format!(
                "must be longer than 0 s and at most {} (ten years), e.g. \"1d\" (got {})",
                limits::span(limits::MAX_DURATION_MS),
                sim.duration
            ),
        ));
    }
    let interval = sim.control_interval.ms();
    if interval < limits::MIN_INTERVAL_MS || interval > duration {
        return Err(FieldError::new(
            "simulation.control_interval",
            format!(
                "must be between 1s and the duration ({}), e.g. \"5m\" (got {})",
                sim.duration, sim.control_interval
            ),
        ));
    }
    let load_step = limits::check_duration(
        "simulation.load_step",
        sim.load_step.unwrap_or(sim.control_interval),
        limits::MIN_INTERVAL_MS,
        limits::MAX_DURATION_MS,
    )?;
    Ok(Clock {
        duration,
        interval,
        load_step,
    })
}

/// `simulation.high_utilisation`: a fraction above 0 and at most 1.
pub(super) fn high_utilisation(sim: &SimulationSpec) -> Check<f64> {
    let u = sim.high_utilisation;
    if u.is_finite() && u > 0.0 && u <= 1.0 {
        Ok(u)
    } else {
        Err(FieldError::new(
            "simulation.high_utilisation",
            format!("must be a fraction above 0 and at most 1, e.g. 0.9 for 90 % (got {u})"),
        ))
    }
}

/// `simulation.warmup`: shorter than the run, and none under the cloudsim profile.
pub(super) fn warmup(sim: &SimulationSpec, duration: SimTime) -> Check<SimTime> {
    let warmup = sim.warmup.map_or(0, |w| w.ms());
    if warmup >= duration {
        return Err(FieldError::new(
            "simulation.warmup",
            format!(
                "must be shorter than the duration ({}), e.g. \"6h\"",
                sim.duration
            ),
        ));
    }
    if warmup > 0 && matches!(sim.profile, ProfileSpec::Cloudsim) {
        return Err(FieldError::new(
            "simulation.warmup",
            "the cloudsim profile measures from time 0, as CloudSim does: remove the warm-up",
        ));
    }
    Ok(warmup)
}

/// `simulation.night`: a non-empty span of the day; 24:00 is midnight, as 00:00 is.
pub(super) fn night(n: &NightSpec) -> Check<Night> {
    let night = Night {
        from_h: n.from.0 % 24.0,
        to_h: n.to.0 % 24.0,
    };
    if night.from_h == night.to_h {
        return Err(FieldError::new(
            "simulation.night.to",
            "must differ from `from` (the night would be empty); the default is from \"22:00\" to \"06:00\"",
        ));
    }
    Ok(night)
}
