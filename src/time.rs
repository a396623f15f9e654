//! Simulated time: integer milliseconds since the start (Monday 00:00).

/// A point in simulated time, in milliseconds since the start of the run.
pub type SimTime = u64;

/// Milliseconds in a second.
pub const MS_PER_SECOND: SimTime = 1_000;
/// Milliseconds in an hour.
pub const MS_PER_HOUR: SimTime = 3_600_000;
/// Milliseconds in a day.
pub const MS_PER_DAY: SimTime = 86_400_000;

/// Seconds as a float, for outputs.
pub fn secs(t: SimTime) -> f64 {
    t as f64 / MS_PER_SECOND as f64
}

/// Joules to kilowatt-hours.
pub fn kwh(joules: f64) -> f64 {
    joules / 3.6e6
}
