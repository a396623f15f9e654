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

/// Days from 1970-01-01 to the proleptic Gregorian date `year-month-day` (negative before
/// 1970): the inverse of [`civil_from_days`]. Months and days are 1-based.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The weekday of `days` after 1970-01-01: 0 = Monday ... 6 = Sunday (1970-01-01 was a
/// Thursday).
pub fn weekday(days: i64) -> u32 {
    (days + 3).rem_euclid(7) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known dates both ways, and every day of four centuries round-trips.
    #[test]
    fn civil_dates_convert_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 1, 5), 20_458);
        assert_eq!(civil_from_days(20_458), (2026, 1, 5));
        assert_eq!(weekday(20_458), 0, "2026-01-05 is a Monday");
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for d in -146_097..146_097 {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
    }
}
