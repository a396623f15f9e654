//! `[simulation]`: the name, the clock (duration, control interval, load step), the warm-up
//! and the night the charts shade.

use super::checks::Check;
use crate::scenario::error::FieldError;
use crate::scenario::file::{NightSpec, ProfileSpec, SimulationSpec};
use crate::scenario::limits;
use crate::sim::records::Night;
use crate::time::{MS_PER_DAY, SimTime, civil_from_days, days_from_civil, weekday};

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

/// `simulation.start`: an RFC 3339 instant in UTC (`Z` or `+00:00`) on a Monday at 00:00:00,
/// since time 0 is Monday 00:00 for tariffs, nights and weekly loads; milliseconds since
/// 1970-01-01 UTC.
pub(super) fn start(sim: &SimulationSpec) -> Check<Option<i64>> {
    let Some(text) = &sim.start else {
        return Ok(None);
    };
    let bad = |why: String| FieldError::new("simulation.start", why);
    let (days, ms) = parse_utc(text).ok_or_else(|| {
        bad(format!(
            "{:?} is not an RFC 3339 time in UTC: write it like \"2026-01-05T00:00:00Z\"",
            text
        ))
    })?;
    if ms != 0 || weekday(days) != 0 {
        let (y, m, d) = civil_from_days(days);
        return Err(bad(format!(
            "{text:?} is not a Monday at 00:00:00Z ({y:04}-{m:02}-{d:02} is a {}): time 0 of a run is Monday 00:00, which tariffs, nights and weekly loads follow; the Monday of that week is {}",
            WEEKDAYS[weekday(days) as usize],
            {
                let (y, m, d) = civil_from_days(days - i64::from(weekday(days)));
                format!("\"{y:04}-{m:02}-{d:02}T00:00:00Z\"")
            }
        )));
    }
    Ok(Some(days * MS_PER_DAY as i64))
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `YYYY-MM-DDTHH:MM:SS[.fff]` followed by `Z` or `+00:00` (`T` may be `t` or a space):
/// the day (since 1970-01-01) and the milliseconds into it; `None` if it is not such a time
/// or not a real date.
fn parse_utc(text: &str) -> Option<(i64, u64)> {
    let t = text.trim();
    let rest = t
        .strip_suffix('Z')
        .or_else(|| t.strip_suffix('z'))
        .or_else(|| t.strip_suffix("+00:00"))?;
    let b = rest.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = rest.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let millis = match &rest[19..] {
        "" => 0,
        frac => {
            let digits = frac.strip_prefix('.')?;
            if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            digits.parse::<u32>().ok()? * 10u32.pow(3 - digits.len() as u32)
        }
    };
    // A day that does not exist (30 February) comes back from the round trip as another.
    let days = days_from_civil(i64::from(year), month, day);
    if !(1..=12).contains(&month) || civil_from_days(days) != (i64::from(year), month, day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let ms = ((u64::from(hour) * 60 + u64::from(minute)) * 60 + u64::from(second)) * 1000
        + u64::from(millis);
    Some((days, ms))
}

#[cfg(test)]
mod start_tests {
    use super::*;

    fn spec(start: &str) -> SimulationSpec {
        let text = format!("name = \"s\"\nstart = {start:?}\n");
        toml::from_str(&text).unwrap()
    }

    #[test]
    fn a_monday_midnight_in_utc_is_time_zero() {
        let monday = days_from_civil(2026, 1, 5) * MS_PER_DAY as i64;
        assert_eq!(start(&spec("2026-01-05T00:00:00Z")).unwrap(), Some(monday));
        assert_eq!(
            start(&spec("2026-01-05T00:00:00.000+00:00")).unwrap(),
            Some(monday)
        );
    }

    /// Each bad value is refused naming the field and saying what is valid.
    #[test]
    fn other_times_are_refused_with_the_reason() {
        let message = |s: &str| {
            let e = start(&spec(s)).unwrap_err();
            format!("{}: {}", e.key, e.message)
        };
        let wednesday = message("2026-01-07T00:00:00Z");
        assert!(wednesday.contains("simulation.start"), "{wednesday}");
        assert!(
            wednesday.contains("2026-01-07 is a Wednesday")
                && wednesday.contains("\"2026-01-05T00:00:00Z\""),
            "{wednesday}"
        );
        assert!(message("2026-01-05T06:00:00Z").contains("not a Monday at 00:00:00Z"));
        for bad in [
            "2026-01-05",
            "2026-01-05T00:00:00",
            "2026-01-05T00:00:00+01:00",
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-05T24:00:00Z",
            "2026-01-05T00:00:00.1234Z",
            "next monday",
            "",
        ] {
            assert!(
                message(bad).contains("is not an RFC 3339 time in UTC"),
                "{bad}"
            );
        }
    }
}
