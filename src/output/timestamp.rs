//! Absolute times in outputs: a simulated time plus `simulation.start`, written as ISO 8601
//! UTC text (`2026-01-05T00:05:00Z`, milliseconds only when there are some).

use crate::time::{MS_PER_DAY, civil_from_days};
use std::fmt::Write;

/// Appends the instant `ms` milliseconds after 1970-01-01 00:00 UTC as ISO 8601 text.
pub fn push_iso(s: &mut String, ms: i64) {
    let day_ms = MS_PER_DAY as i64;
    let (days, in_day) = (ms.div_euclid(day_ms), ms.rem_euclid(day_ms));
    let (year, month, day) = civil_from_days(days);
    let secs = in_day / 1000;
    let _ = write!(
        s,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if in_day % 1000 != 0 {
        let _ = write!(s, ".{:03}", in_day % 1000);
    }
    s.push('Z');
}

/// The instant `ms` milliseconds after 1970-01-01 00:00 UTC as ISO 8601 text, as the CSV
/// tables write it (`2026-01-05T00:05:00Z`).
pub fn iso(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    push_iso(&mut s, ms);
    s
}

/// The instant of simulated time `time_s` (seconds) after `start_ms` (milliseconds since
/// 1970): simulated times are whole milliseconds, so rounding recovers them exactly.
pub fn at(start_ms: i64, time_s: f64) -> i64 {
    start_ms + (time_s * 1000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_in_iso_8601_utc() {
        let monday = 20_458 * 86_400_000;
        assert_eq!(iso(monday), "2026-01-05T00:00:00Z");
        assert_eq!(iso(at(monday, 300.0)), "2026-01-05T00:05:00Z");
        assert_eq!(iso(at(monday, 86_399.5)), "2026-01-05T23:59:59.500Z");
        assert_eq!(iso(at(monday, 7.0 * 86_400.0)), "2026-01-12T00:00:00Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    }
}
