//! Host failures and repairs: times to failure and to repair drawn from a distribution per host
//! class, or read from a failure trace (`host,start_s,end_s`), turned into outages on the
//! timeline. Pure: the trace's text is parsed here, the file is read by the pipeline.

use crate::time::{MS_PER_SECOND, SimTime};
use rand::Rng;
use rand_distr::{Distribution, Exp, Weibull};

/// A distribution of a time between two events (to failure, or to repair).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeLaw {
    /// Exponential with this mean, ms (a constant failure rate: memoryless).
    Exponential {
        /// Mean, ms.
        mean_ms: f64,
    },
    /// Weibull with this shape and scale, ms (shape below 1: infant mortality, a rate that
    /// falls with age; above 1: wear-out).
    Weibull {
        /// Shape `k`.
        shape: f64,
        /// Scale `lambda`, ms.
        scale_ms: f64,
    },
}

impl TimeLaw {
    /// One draw, in whole milliseconds, at least 1 ms.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let ms = match *self {
            TimeLaw::Exponential { mean_ms } => Exp::new(1.0 / mean_ms)
                .map(|d| d.sample(rng))
                .unwrap_or(mean_ms),
            TimeLaw::Weibull { shape, scale_ms } => Weibull::new(scale_ms, shape)
                .map(|d| d.sample(rng))
                .unwrap_or(scale_ms),
        };
        // An absurdly long draw is capped rather than overflowing the clock.
        ms.round().clamp(1.0, (u64::MAX / 4) as f64) as SimTime
    }
}

/// How a host class fails and is repaired.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureModel {
    /// Time from a repair (or the start) to the next failure.
    pub time_to_failure: TimeLaw,
    /// Time from a failure to the repair.
    pub time_to_repair: TimeLaw,
}

impl FailureModel {
    /// The outages of one host over `[0, duration)`: failure, repair, failure... drawn in
    /// turn from `rng`, in calendar time (whatever the host's power state).
    pub fn outages<R: Rng + ?Sized>(
        &self,
        host: usize,
        duration: SimTime,
        rng: &mut R,
    ) -> Vec<Outage> {
        let mut out = Vec::new();
        let mut t: SimTime = 0;
        loop {
            let start = t.saturating_add(self.time_to_failure.draw(rng));
            if start >= duration {
                return out;
            }
            let end = start.saturating_add(self.time_to_repair.draw(rng));
            out.push(Outage { host, start, end });
            t = end;
        }
    }
}

/// A host down from `start` to `end` (ms since the run's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Outage {
    /// Host id (its row in `hosts.csv`).
    pub host: usize,
    /// When it fails.
    pub start: SimTime,
    /// When it is repaired.
    pub end: SimTime,
}

/// A fault in a failure trace: the line (1 = the header), the column and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceFault {
    /// Line of the file.
    pub line: u64,
    /// The column at fault (empty when the fault is the file's shape).
    pub field: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl std::fmt::Display for TraceFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column `{}`: {}",
                self.line, self.field, self.message
            )
        }
    }
}

/// The header a failure trace must have.
pub const TRACE_HEADER: &str = "host,start_s,end_s";

/// Parses a failure trace: a header `host,start_s,end_s`, then one outage a line: a host id
/// below `hosts`, and its failure and repair in seconds since the run's start. Rows are in
/// order of `start_s` (equal starts allowed), each ends after it starts, and a host's
/// outages do not overlap. The first column may be named `rack` only once racks exist; it is
/// refused for now.
pub fn parse_trace(text: &str, hosts: usize) -> Result<Vec<Outage>, TraceFault> {
    let fault = |line: u64, field: &str, message: String| TraceFault {
        line,
        field: field.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(fault(1, "", format!("not CSV: {e}"))),
        None => {
            return Err(fault(
                1,
                "",
                format!("empty file: expected a header `{TRACE_HEADER}`"),
            ));
        }
    };
    let names: Vec<&str> = header.iter().collect();
    if names.first() == Some(&"rack") {
        return Err(fault(
            1,
            "rack",
            "failures of whole racks are not modelled yet: name one `host` a row".to_string(),
        ));
    }
    if names != ["host", "start_s", "end_s"] {
        return Err(fault(
            1,
            "",
            format!(
                "the header must be `{TRACE_HEADER}` (host id as in hosts.csv, failure and repair in seconds since the start), got `{}`",
                names.join(",")
            ),
        ));
    }
    let mut out: Vec<Outage> = Vec::new();
    let mut last_end = vec![None::<SimTime>; hosts];
    for (i, record) in records.enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| fault(line, "", format!("not CSV: {e}")))?;
        if record.len() != 3 {
            return Err(fault(
                line,
                "",
                format!("{} fields, expected 3 (`{TRACE_HEADER}`)", record.len()),
            ));
        }
        let host: usize = record[0].parse().map_err(|_| {
            fault(
                line,
                "host",
                format!(
                    "{} is not a host id: expected a whole number from 0 to {}",
                    crate::quote::excerpt(&record[0]),
                    hosts.saturating_sub(1)
                ),
            )
        })?;
        if host >= hosts {
            return Err(fault(
                line,
                "host",
                format!(
                    "unknown host {host}: the scenario has {hosts} hosts, ids 0 to {}",
                    hosts.saturating_sub(1)
                ),
            ));
        }
        let seconds = |col: usize, name: &str| -> Result<SimTime, TraceFault> {
            let v: f64 = record[col].parse().map_err(|_| {
                fault(
                    line,
                    name,
                    format!(
                        "{} is not a number of seconds",
                        crate::quote::excerpt(&record[col])
                    ),
                )
            })?;
            if !v.is_finite() || !(0.0..=1e12).contains(&v) {
                return Err(fault(
                    line,
                    name,
                    format!(
                        "{} s is out of range: seconds since the start, 0 to 1e12",
                        record[col].trim()
                    ),
                ));
            }
            Ok((v * MS_PER_SECOND as f64).round() as SimTime)
        };
        let start = seconds(1, "start_s")?;
        let end = seconds(2, "end_s")?;
        if let Some(prev) = out.last().filter(|p| p.start > start) {
            return Err(fault(
                line,
                "start_s",
                format!(
                    "{} s is before the previous row's {} s: rows must be in order of start_s",
                    secs(start),
                    secs(prev.start)
                ),
            ));
        }
        if end <= start {
            return Err(fault(
                line,
                "end_s",
                format!(
                    "the repair ({} s) must come after the failure ({} s): a time to repair of zero or less",
                    secs(end),
                    secs(start)
                ),
            ));
        }
        if let Some(prev_end) = last_end[host].filter(|&e| e > start) {
            return Err(fault(
                line,
                "start_s",
                format!(
                    "host {host} is still down until {} s from an earlier row: its outages overlap",
                    secs(prev_end)
                ),
            ));
        }
        last_end[host] = Some(end);
        out.push(Outage { host, start, end });
    }
    Ok(out)
}

fn secs(ms: SimTime) -> String {
    crate::quote::short(ms as f64 / MS_PER_SECOND as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn a_trace_reads_into_outages_in_milliseconds() {
        let t = parse_trace("host,start_s,end_s\n1,3600,5400\n0,3600,3601.5\n", 2).unwrap();
        assert_eq!(
            t,
            vec![
                Outage {
                    host: 1,
                    start: 3_600_000,
                    end: 5_400_000
                },
                Outage {
                    host: 0,
                    start: 3_600_000,
                    end: 3_601_500
                },
            ]
        );
    }

    /// Issue 21: time going backwards, an unknown host, a repair time of zero, overlapping
    /// outages and a `rack` column are each refused at their line and column.
    #[test]
    fn bad_traces_name_line_and_column() {
        let e = parse_trace("host,start_s,end_s\n0,100,200\n1,50,60\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "start_s"));
        let e = parse_trace("host,start_s,end_s\n2,100,200\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "host"));
        assert!(e.message.contains("ids 0 to 1"), "{e}");
        let e = parse_trace("host,start_s,end_s\n0,100,100\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "end_s"));
        let e = parse_trace("host,start_s,end_s\n0,100,300\n0,200,400\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "start_s"));
        let e = parse_trace("rack,start_s,end_s\n0,100,300\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "rack"));
        let e = parse_trace("host,start_s,end_s\nx,100,300\n", 2).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "host"));
    }

    /// Outages alternate failure and repair and stop at the run's end; the mean time to
    /// failure of many draws is the law's mean (exponential: the mean; Weibull with shape 1:
    /// the scale).
    #[test]
    fn drawn_outages_follow_the_laws() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let model = FailureModel {
            time_to_failure: TimeLaw::Weibull {
                shape: 1.0,
                scale_ms: 1_000.0,
            },
            time_to_repair: TimeLaw::Exponential { mean_ms: 100.0 },
        };
        let outages = model.outages(3, 10_000_000, &mut rng);
        let mut t = 0;
        let mut up = 0.0;
        for o in &outages {
            assert!(o.host == 3 && o.start >= t && o.end > o.start);
            up += (o.start - t) as f64;
            t = o.end;
        }
        let mean = up / outages.len() as f64;
        // About 9 000 failures: the standard error of the mean is about 1 %.
        assert!(
            (mean / 1_000.0 - 1.0).abs() < 0.05,
            "mean up time {mean} ms"
        );
    }
}
