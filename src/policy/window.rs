//! Maintenance windows: the weekly hours in which consolidation and power-down may run, written
//! as `"Mon-Fri 22:00-06:00"` (days, then a span of the day; a span whose end is not after
//! its start runs past midnight into the next day).

use crate::time::{MS_PER_DAY, SimTime};

/// Day names in the order of simulated time, which starts on a Monday at 00:00.
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MS_PER_WEEK: SimTime = 7 * MS_PER_DAY;
const MS_PER_MINUTE: SimTime = 60_000;

/// One entry: the days it opens on and its span, opening at `start` after midnight of each of
/// those days and lasting `length`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowEntry {
    /// Which days (0 = Monday) the window opens on.
    pub days: [bool; 7],
    /// Opening time after midnight, ms.
    pub start: SimTime,
    /// How long it stays open, ms (at most a day).
    pub length: SimTime,
}

/// A set of weekly windows; a time is inside if any entry covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Windows {
    /// The entries, in the scenario's order.
    pub entries: Vec<WindowEntry>,
}

impl Windows {
    /// Whether simulated time `t` falls inside one of the windows.
    pub fn allows(&self, t: SimTime) -> bool {
        let week = t % MS_PER_WEEK;
        self.entries.iter().any(|e| {
            (0..7).filter(|&d| e.days[d]).any(|d| {
                let open = d as SimTime * MS_PER_DAY + e.start;
                // A Sunday window that runs past midnight covers Monday's early hours.
                [week, week + MS_PER_WEEK]
                    .iter()
                    .any(|&w| w >= open && w < open + e.length)
            })
        })
    }
}

/// Parses one entry: `[DAYS ]HH:MM-HH:MM`, where DAYS is `daily` or a comma-separated list of
/// days (`Mon`) and ranges (`Mon-Fri`, `Fri-Mon`); no days means every day. Times run from
/// 00:00 to 24:00; a span whose end is not after its start runs into the next day.
pub fn parse_entry(text: &str) -> Result<WindowEntry, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (days, span) = match words.as_slice() {
        [span] => ([true; 7], *span),
        [days, span] => (parse_days(days)?, *span),
        _ => {
            return Err(
                "expected \"DAYS HH:MM-HH:MM\" (e.g. \"Mon-Fri 22:00-06:00\") or \"HH:MM-HH:MM\" for every day"
                    .into(),
            );
        }
    };
    let Some((from, to)) = span.split_once('-') else {
        return Err(format!(
            "the span \"{span}\" must be two times joined by '-', e.g. 22:00-06:00"
        ));
    };
    let start = parse_time(from)?;
    let end = parse_time(to)?;
    if start == MS_PER_DAY {
        return Err("a window cannot open at 24:00; open it at 00:00 of the next day".into());
    }
    let length = if end > start {
        end - start
    } else {
        end + MS_PER_DAY - start
    };
    if length > MS_PER_DAY {
        return Err(format!(
            "{from}-{to} lasts more than a day; use 00:00-24:00 for a whole day"
        ));
    }
    Ok(WindowEntry {
        days,
        start,
        length,
    })
}

/// `HH:MM`, from 00:00 to 24:00, as ms after midnight.
fn parse_time(t: &str) -> Result<SimTime, String> {
    let bad = || format!("\"{t}\" is not a time of day: use HH:MM from 00:00 to 24:00");
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: SimTime = h.parse().map_err(|_| bad())?;
    let m: SimTime = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok((h * 60 + m) * MS_PER_MINUTE)
}

/// `daily`, or days and day ranges separated by commas.
fn parse_days(text: &str) -> Result<[bool; 7], String> {
    if text.eq_ignore_ascii_case("daily") {
        return Ok([true; 7]);
    }
    let mut days = [false; 7];
    for part in text.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (day(a)?, day(b)?),
            None => (day(part)?, day(part)?),
        };
        // A range may wrap round the week (Fri-Mon).
        let mut d = a;
        loop {
            days[d] = true;
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Ok(days)
}

fn day(name: &str) -> Result<usize, String> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            format!(
                "\"{name}\" is not a day: use {}, a range such as Mon-Fri, or daily",
                DAYS.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS_PER_HOUR;

    fn windows(entries: &[&str]) -> Windows {
        Windows {
            entries: entries.iter().map(|e| parse_entry(e).unwrap()).collect(),
        }
    }

    /// Day `d` (0 = Monday) at `h` hours and `m` minutes.
    fn at(d: u64, h: u64, m: u64) -> SimTime {
        d * MS_PER_DAY + h * MS_PER_HOUR + m * MS_PER_MINUTE
    }

    #[test]
    fn a_night_window_opens_at_22_and_closes_at_06_next_morning() {
        let w = windows(&["Mon-Fri 22:00-06:00"]);
        assert!(w.allows(at(0, 23, 0)), "Monday 23:00 is inside");
        assert!(
            w.allows(at(1, 5, 59)),
            "Tuesday 05:59 is inside Monday's night"
        );
        assert!(!w.allows(at(1, 6, 0)), "06:00 closes it");
        assert!(!w.allows(at(1, 7, 0)), "07:00 is outside");
        assert!(
            !w.allows(at(0, 5, 0)),
            "Monday 05:00 follows Sunday, not in Mon-Fri"
        );
        assert!(
            w.allows(at(5, 5, 0)),
            "Saturday 05:00 is inside Friday's night"
        );
        assert!(!w.allows(at(5, 23, 0)), "Saturday 23:00 is outside");
        assert!(
            w.allows(at(7, 23, 0)),
            "the next week's Monday repeats the first"
        );
    }

    #[test]
    fn whole_weekend_days_and_a_sunday_night_that_wraps_into_monday() {
        let w = windows(&["Sat-Sun 00:00-24:00"]);
        assert!(w.allows(at(5, 0, 0)) && w.allows(at(6, 23, 59)));
        assert!(!w.allows(at(7, 0, 0)), "Monday 00:00 is outside");
        let sunday_night = windows(&["Sun 23:00-01:00"]);
        assert!(
            sunday_night.allows(at(0, 0, 30)),
            "Monday 00:30 of week one: Sunday's window of the week before"
        );
        assert!(sunday_night.allows(at(6, 23, 30)));
    }

    #[test]
    fn days_lists_ranges_daily_and_no_days() {
        assert_eq!(parse_entry("Fri-Mon 01:00-02:00").unwrap().days, {
            [true, false, false, false, true, true, true]
        });
        assert_eq!(
            parse_entry("mon,wed 01:00-02:00").unwrap().days,
            [true, false, true, false, false, false, false]
        );
        assert_eq!(parse_entry("daily 01:00-02:00").unwrap().days, [true; 7]);
        let e = parse_entry("22:00-06:00").unwrap();
        assert_eq!(
            (e.days, e.start, e.length),
            ([true; 7], 22 * MS_PER_HOUR, 8 * MS_PER_HOUR)
        );
        assert_eq!(parse_entry("00:00-00:00").unwrap().length, MS_PER_DAY);
    }

    #[test]
    fn malformed_entries_say_what_is_valid() {
        let err = |s: &str| parse_entry(s).unwrap_err();
        assert!(err("Mon-Fry 22:00-06:00").contains("\"Fry\" is not a day"));
        assert!(err("Mon 25:00-06:00").contains("\"25:00\" is not a time of day"));
        assert!(err("Mon 22:00").contains("two times joined by '-'"));
        assert!(err("Mon 22:60-23:00").contains("HH:MM from 00:00 to 24:00"));
        assert!(err("Mon 2:00-3:00").contains("\"2:00\" is not a time of day"));
        assert!(err("Mon Tue 22:00-06:00").contains("expected \"DAYS HH:MM-HH:MM\""));
        assert!(err("").contains("expected"));
        assert!(err("Mon 24:00-06:00").contains("cannot open at 24:00"));
    }
}
