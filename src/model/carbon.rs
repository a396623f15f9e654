//! Grid carbon intensity (gCO2e per kWh) as a step function of simulated time, the embodied
//! emissions of hosts amortised over their service life, and the reading of an intensity
//! series from CSV text (the caller reads the file: this module does no I/O).

use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};

/// The highest intensity accepted, gCO2e/kWh: lignite-fired generation is some 1,200, so
/// more than twice that is a unit slip (kg for g).
pub const MAX_INTENSITY: f64 = 3000.0;

/// Milliseconds in a year of 365.25 days: service lives are given in years.
pub const MS_PER_YEAR: f64 = 365.25 * MS_PER_DAY as f64;

/// Grid carbon intensity over time: equal steps of `step` ms from time 0, each at one value
/// (gCO2e per kWh). A profile repeats (a constant is a one-step profile); a series read from a
/// file does not, and must cover the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Intensity {
    /// Length of each step, ms.
    pub step: SimTime,
    /// The value of each step, gCO2e/kWh.
    pub values: Vec<f64>,
    /// Whether the steps start again after the last one.
    pub repeats: bool,
}

impl Intensity {
    /// The same intensity at every moment.
    pub fn constant(g_per_kwh: f64) -> Self {
        Intensity {
            step: MS_PER_DAY,
            values: vec![g_per_kwh],
            repeats: true,
        }
    }

    /// A profile of one value an hour, repeated (24 values: daily; 168: weekly).
    pub fn hourly(values: Vec<f64>) -> Self {
        Intensity {
            step: MS_PER_HOUR,
            values,
            repeats: true,
        }
    }

    /// Where the steps end for a series that does not repeat, ms (`None` for a profile).
    pub fn end(&self) -> Option<SimTime> {
        (!self.repeats).then(|| self.step * self.values.len() as SimTime)
    }

    fn index(&self, t: SimTime) -> usize {
        let i = (t / self.step) as usize;
        if self.repeats {
            i % self.values.len()
        } else {
            i.min(self.values.len() - 1)
        }
    }

    /// gCO2e per kWh in force at `t` (a series holds its last value past its end).
    pub fn at(&self, t: SimTime) -> f64 {
        self.values[self.index(t)]
    }

    /// The first time after `t` at which the value changes, if it ever does.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let now = self.at(t);
        let mut boundary = (t / self.step + 1) * self.step;
        // One full cycle is enough to find a change, if there is one.
        for _ in 0..self.values.len() {
            if let Some(end) = self.end()
                && boundary >= end
            {
                return None;
            }
            if self.at(boundary) != now {
                return Some(boundary);
            }
            boundary += self.step;
        }
        None
    }

    /// The lowest and highest intensity in force during `[from, to)`.
    pub fn range(&self, from: SimTime, to: SimTime) -> (f64, f64) {
        let first = self.at(from);
        let (mut low, mut high, mut at) = (first, first, from);
        while let Some(next) = self.next_change_after(at).filter(|&t| t < to) {
            let v = self.at(next);
            (low, high, at) = (low.min(v), high.max(v), next);
            // A repeating profile shows every value within one cycle.
            if self.repeats && next - from >= self.step * self.values.len() as SimTime {
                break;
            }
        }
        (low, high)
    }

    /// The start in `[t, t + max_delay]` at which the intensity is lowest (the earliest such
    /// moment, so `t` itself unless a later one is strictly cleaner): where deferrable work
    /// waits for. The schedule is known ahead, as a day-ahead forecast would be.
    pub fn cleanest_start(&self, t: SimTime, max_delay: SimTime) -> SimTime {
        let (mut best, mut best_value) = (t, self.at(t));
        // A profile shows every value within one cycle: a longer delay finds nothing earlier.
        let cycle = self.step * self.values.len() as SimTime;
        let horizon = if self.repeats {
            max_delay.min(cycle)
        } else {
            max_delay
        };
        let mut at = t;
        while let Some(next) = self.next_change_after(at) {
            if next > t + horizon {
                break;
            }
            let value = self.at(next);
            if value < best_value {
                (best, best_value) = (next, value);
            }
            at = next;
        }
        best
    }
}

/// A host class's embodied emissions: manufacturing, transport and end of life, spread evenly
/// over its service life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Embodied {
    /// kgCO2e of one host over its life.
    pub kg_per_host: f64,
    /// Service life, years.
    pub life_years: f64,
}

impl Embodied {
    /// The share of `hosts` hosts' embodied emissions that falls in `span` ms, kgCO2e.
    pub fn amortised_kg(&self, hosts: usize, span: SimTime) -> f64 {
        hosts as f64 * self.kg_per_host * span as f64 / (self.life_years * MS_PER_YEAR)
    }
}

/// A fault in an intensity CSV: the 1-based line, the column named in the user's words, what
/// is wrong.
pub type SeriesError = crate::model::line_fault::LineFault;

/// The intensity column's name.
pub const INTENSITY_COLUMN: &str = "gco2_per_kwh";
/// The time column: seconds since the run's start...
pub const OFFSET_COLUMN: &str = "offset_s";
/// ...or an RFC 3339 time, the first row being the run's start.
pub const TIMESTAMP_COLUMN: &str = "timestamp";

/// Reads an intensity series from CSV `text`: a header naming `offset_s` (seconds since the
/// start) or `timestamp` (RFC 3339, e.g. `2024-03-18T00:00:00Z`; the first row is the
/// start), and `gco2_per_kwh`; other columns are ignored. Rows are evenly spaced from time 0:
/// the first row is at 0, the step is the gap between the first two, and a missing row (a
/// gap), a time that does not move forward or a negative or non-numeric value is refused.
pub fn parse_series(text: &str) -> Result<Intensity, SeriesError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let fault = |line: u64, field: &str, message: String| SeriesError {
        line,
        field: field.to_string(),
        message,
    };
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(fault(1, "", format!("not CSV: {e}"))),
        None => {
            return Err(fault(
                1,
                "",
                format!("empty file: expected a header `{OFFSET_COLUMN},{INTENSITY_COLUMN}`"),
            ));
        }
    };
    let find = |name: &str| header.iter().position(|c| c == name);
    let (time_col, time_name) = match (find(OFFSET_COLUMN), find(TIMESTAMP_COLUMN)) {
        (Some(i), None) => (i, OFFSET_COLUMN),
        (None, Some(i)) => (i, TIMESTAMP_COLUMN),
        (Some(_), Some(_)) => {
            return Err(fault(
                1,
                "",
                format!("both `{OFFSET_COLUMN}` and `{TIMESTAMP_COLUMN}`: keep one time column"),
            ));
        }
        (None, None) => {
            return Err(fault(
                1,
                "",
                format!(
                    "no time column: the header must name `{OFFSET_COLUMN}` (seconds since the start) or `{TIMESTAMP_COLUMN}` (RFC 3339)"
                ),
            ));
        }
    };
    let value_col = find(INTENSITY_COLUMN).ok_or_else(|| {
        fault(
            1,
            "",
            format!("no `{INTENSITY_COLUMN}` column (grid carbon intensity, gCO2e per kWh)"),
        )
    })?;
    let mut times: Vec<f64> = Vec::new();
    let mut values = Vec::new();
    let mut origin = None;
    let mut step = None;
    for (i, record) in records.enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| fault(line, "", format!("not CSV: {e}")))?;
        let cell = |col: usize, name: &str| {
            record
                .get(col)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| fault(line, name, "is missing".into()))
        };
        let time_text = cell(time_col, time_name)?;
        let seconds = match time_name {
            OFFSET_COLUMN => time_text.parse::<f64>().ok().filter(|s| s.is_finite()),
            _ => humantime::parse_rfc3339_weak(time_text)
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs_f64()),
        }
        .ok_or_else(|| {
            let valid = if time_name == OFFSET_COLUMN {
                "seconds since the start, e.g. 3600"
            } else {
                "an RFC 3339 time such as 2024-03-18T01:00:00Z"
            };
            fault(line, time_name, format!("`{time_text}` is not {valid}"))
        })?;
        // Offsets count from 0; timestamps from the first row.
        let first = if time_name == OFFSET_COLUMN {
            0.0
        } else {
            seconds
        };
        let offset = seconds - *origin.get_or_insert(first);
        if times.is_empty() && offset != 0.0 {
            return Err(fault(
                line,
                time_name,
                format!("the first row must be at 0 s, the run's start (got {time_text})"),
            ));
        }
        if let Some(&last) = times.last()
            && offset <= last
        {
            return Err(fault(
                line,
                time_name,
                format!("time does not move forward: `{time_text}` is not after the row above"),
            ));
        }
        if times.len() == 1 {
            step = Some(offset);
        }
        if let Some(step) = step {
            let expected = step * times.len() as f64;
            if (offset - expected).abs() > 1e-6 {
                return Err(fault(
                    line,
                    time_name,
                    format!(
                        "a gap: rows are {step} s apart (the first two), so this row should be at {expected} s after the first, not {offset} s"
                    ),
                ));
            }
        }
        let value_text = cell(value_col, INTENSITY_COLUMN)?;
        let value = value_text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                fault(
                    line,
                    INTENSITY_COLUMN,
                    format!("`{value_text}` is not a number (gCO2e per kWh)"),
                )
            })?;
        if !(0.0..=MAX_INTENSITY).contains(&value) {
            return Err(fault(
                line,
                INTENSITY_COLUMN,
                format!("must be 0 to {MAX_INTENSITY} gCO2e per kWh (got {value_text})"),
            ));
        }
        times.push(offset);
        values.push(value);
    }
    if values.len() < 2 {
        return Err(fault(
            values.len() as u64 + 1,
            "",
            "at least two rows are needed (the gap between the first two is the step)".into(),
        ));
    }
    let step_ms = (step.unwrap_or(0.0) * 1000.0).round() as SimTime;
    if step_ms == 0 {
        return Err(fault(
            3,
            time_name,
            "rows must be at least 1 ms apart".into(),
        ));
    }
    Ok(Intensity {
        step: step_ms,
        values,
        repeats: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: SimTime = MS_PER_HOUR;

    #[test]
    fn a_profile_repeats_and_changes_only_where_the_value_does() {
        let mut v = vec![300.0; 24];
        v[2] = 100.0;
        v[3] = 100.0;
        let p = Intensity::hourly(v);
        assert_eq!(p.at(2 * H + 5), 100.0);
        assert_eq!(p.at(MS_PER_DAY + 3 * H), 100.0);
        assert_eq!(p.next_change_after(0), Some(2 * H));
        assert_eq!(p.next_change_after(2 * H), Some(4 * H));
        assert_eq!(p.next_change_after(5 * H), Some(MS_PER_DAY + 2 * H));
        assert_eq!(Intensity::constant(50.0).next_change_after(7), None);
    }

    #[test]
    fn the_cleanest_start_is_the_earliest_lowest_step_within_the_delay() {
        let mut v = vec![300.0; 24];
        v[2] = 100.0;
        v[5] = 100.0;
        v[6] = 50.0;
        let p = Intensity::hourly(v);
        // From 01:30 within 3 h: 02:00 at 100 beats 300; 05:00 is also 100 but later.
        assert_eq!(p.cleanest_start(H + H / 2, 3 * H + H / 2), 2 * H);
        // Within 5 h, 06:00 at 50 is cleaner still.
        assert_eq!(p.cleanest_start(H + H / 2, 5 * H), 6 * H);
        // Already in the cleanest step: no wait.
        assert_eq!(p.cleanest_start(6 * H, 8 * H), 6 * H);
        assert_eq!(Intensity::constant(1.0).cleanest_start(9, H), 9);
        // A delay of ten years looks one day ahead: 06:00 the same day is the earliest 50.
        assert_eq!(p.cleanest_start(H, 3650 * MS_PER_DAY), 6 * H);
    }

    #[test]
    fn embodied_amortisation_by_hand() {
        // 10 hosts of 1,461 kg over 4 years (1,461 days): one day is 10 x 1 kg = 10 kg.
        let e = Embodied {
            kg_per_host: 1461.0,
            life_years: 4.0,
        };
        assert!((e.amortised_kg(10, MS_PER_DAY) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn a_series_reads_offsets_or_timestamps() {
        let s = parse_series("offset_s,gco2_per_kwh\n0,200\n1800,150\n3600,100\n").unwrap();
        assert_eq!(
            (s.step, s.values.clone()),
            (H / 2, vec![200.0, 150.0, 100.0])
        );
        assert_eq!(s.end(), Some(3 * H / 2));
        assert_eq!(s.next_change_after(H), None);
        let t = parse_series(
            "timestamp,gco2_per_kwh,note\n2024-03-18T00:00:00Z,90,a\n2024-03-18T01:00:00Z,80,b\n",
        )
        .unwrap();
        assert_eq!((t.step, t.values), (H, vec![90.0, 80.0]));
        // A space for `T` and no zone are read as UTC; a zone offset is refused.
        let spaced = "timestamp,gco2_per_kwh\n2024-03-18 00:00:00,1\n2024-03-18 00:30:00,2\n";
        assert_eq!(parse_series(spaced).unwrap().step, H / 2);
        let zoned =
            "timestamp,gco2_per_kwh\n2024-03-18T00:00:00+01:00,1\n2024-03-18T01:00:00+01:00,2\n";
        assert_eq!(parse_series(zoned).unwrap_err().field, "timestamp");
    }

    /// Issue 21: gaps, negative values and time going backwards are each refused at their
    /// line and column.
    #[test]
    fn bad_series_name_line_and_column() {
        let e = parse_series("offset_s,gco2_per_kwh\n0,200\n3600,150\n10800,100\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (4, "offset_s"));
        assert!(e.message.contains("a gap"), "{e}");
        let e = parse_series("offset_s,gco2_per_kwh\n0,200\n3600,-5\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "gco2_per_kwh"));
        assert!(e.message.contains("must be 0 to"), "{e}");
        let e = parse_series("offset_s,gco2_per_kwh\n0,200\n3600,150\n1800,100\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (4, "offset_s"));
        assert!(e.message.contains("does not move forward"), "{e}");
        let e = parse_series("time,g\n0,1\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_series("offset_s,gco2_per_kwh\n0,abc\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "gco2_per_kwh"));
    }
}
