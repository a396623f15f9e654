//! Host failures and repairs: times to failure and to repair drawn from a distribution per host
//! class (or per rack), or read from a failure trace (`host,start_s,end_s` or
//! `rack,start_s,end_s`), turned into outages of hosts on the timeline: a rack's outage is one
//! of each of its hosts. Pure: the trace's text is parsed here, the file is read by the
//! pipeline.

use crate::model::racks::RackMap;
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
pub type TraceFault = crate::model::line_fault::LineFault;

/// The header a failure trace of hosts must have.
pub const TRACE_HEADER: &str = "host,start_s,end_s";

/// The header a failure trace of racks must have (with `[racks]`).
pub const RACK_TRACE_HEADER: &str = "rack,start_s,end_s";

/// Parses a failure trace: a header `host,start_s,end_s`, then one outage a line: a host id
/// below `hosts`, and its failure and repair in seconds since the run's start; or, given
/// `racks`, a header `rack,start_s,end_s` and a rack's name a line, each row an outage of
/// every host of that rack. Rows are in order of `start_s` (equal starts allowed), each ends
/// after it starts, and a host's (a rack's) outages do not overlap.
pub fn parse_trace(
    text: &str,
    hosts: usize,
    racks: Option<&RackMap>,
) -> Result<Vec<Outage>, TraceFault> {
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
    let of_racks = names.first() == Some(&"rack");
    if of_racks && racks.is_none() {
        return Err(fault(
            1,
            "rack",
            "failures of whole racks need `[racks]` in the scenario: add it, or name one `host` a row".to_string(),
        ));
    }
    if names != ["host", "start_s", "end_s"] && names != ["rack", "start_s", "end_s"] {
        return Err(fault(
            1,
            "",
            format!(
                "the header must be `{TRACE_HEADER}` (host id as in hosts.csv, failure and repair in seconds since the start){}, got `{}`",
                if racks.is_some() {
                    format!(" or `{RACK_TRACE_HEADER}` (a rack's name)")
                } else {
                    String::new()
                },
                names.join(",")
            ),
        ));
    }
    let racks = racks.filter(|_| of_racks);
    let units = racks.map_or(hosts, RackMap::len);
    let mut out: Vec<Outage> = Vec::new();
    let mut last_end = vec![None::<SimTime>; units];
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
        let unit = match racks {
            Some(map) => rack_named(map, &record[0]).ok_or_else(|| {
                fault(
                    line,
                    "rack",
                    format!(
                        "unknown rack {}: the scenario's racks are {}",
                        crate::quote::excerpt(&record[0]),
                        rack_names(map)
                    ),
                )
            })?,
            None => host_id(&record[0], hosts).map_err(|m| fault(line, "host", m))?,
        };
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
        if let Some(prev_end) = last_end[unit].filter(|&e| e > start) {
            let what = match racks {
                Some(map) => format!("rack {}", map.name(unit)),
                None => format!("host {unit}"),
            };
            return Err(fault(
                line,
                "start_s",
                format!(
                    "{what} is still down until {} s from an earlier row: its outages overlap",
                    secs(prev_end)
                ),
            ));
        }
        last_end[unit] = Some(end);
        match racks {
            Some(map) => {
                out.extend(
                    map.hosts(unit)
                        .iter()
                        .map(|&host| Outage { host, start, end }),
                )
            }
            None => out.push(Outage {
                host: unit,
                start,
                end,
            }),
        }
    }
    Ok(out)
}

/// A host id below `hosts`, or what is wrong with `text`.
fn host_id(text: &str, hosts: usize) -> Result<usize, String> {
    let last = hosts.saturating_sub(1);
    let host: usize = text.parse().map_err(|_| {
        format!(
            "{} is not a host id: expected a whole number from 0 to {last}",
            crate::quote::excerpt(text)
        )
    })?;
    if host >= hosts {
        return Err(format!(
            "unknown host {host}: the scenario has {hosts} hosts, ids 0 to {last}"
        ));
    }
    Ok(host)
}

/// The rack of `map` named `name`.
fn rack_named(map: &RackMap, name: &str) -> Option<usize> {
    (0..map.len()).find(|&r| map.name(r) == name)
}

/// The racks' names for a message: all of a few, else the first and the last.
fn rack_names(map: &RackMap) -> String {
    let quoted = |r: usize| format!("\"{}\"", map.name(r));
    match map.len() {
        0 => "none".to_string(),
        n if n <= 6 => (0..n).map(quoted).collect::<Vec<_>>().join(", "),
        n => format!("{} to {} ({n} racks)", quoted(0), quoted(n - 1)),
    }
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
        let t = parse_trace("host,start_s,end_s\n1,3600,5400\n0,3600,3601.5\n", 2, None).unwrap();
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
    /// outages and a `rack` column without racks are each refused at their line and column.
    #[test]
    fn bad_traces_name_line_and_column() {
        let e = parse_trace("host,start_s,end_s\n0,100,200\n1,50,60\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "start_s"));
        let e = parse_trace("host,start_s,end_s\n2,100,200\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "host"));
        assert!(e.message.contains("ids 0 to 1"), "{e}");
        let e = parse_trace("host,start_s,end_s\n0,100,100\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "end_s"));
        let e = parse_trace("host,start_s,end_s\n0,100,300\n0,200,400\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "start_s"));
        let e = parse_trace("rack,start_s,end_s\n0,100,300\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "rack"));
        let e = parse_trace("host,start_s,end_s\nx,100,300\n", 2, None).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "host"));
    }

    /// A rack's row is an outage of each of its hosts; an unknown rack and a rack's
    /// overlapping outages are refused at their line and column.
    #[test]
    fn a_rack_trace_fails_every_host_of_the_rack() {
        let map = RackMap::filled(5, 2);
        let t = parse_trace(
            "rack,start_s,end_s\nrack-2,10,20\nrack-3,10,30\n",
            5,
            Some(&map),
        );
        let hosts: Vec<(usize, SimTime)> = t.unwrap().iter().map(|o| (o.host, o.end)).collect();
        assert_eq!(hosts, [(2, 20_000), (3, 20_000), (4, 30_000)]);
        let e = parse_trace("rack,start_s,end_s\nrack-9,10,20\n", 5, Some(&map)).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "rack"));
        assert!(
            e.message.contains("\"rack-1\", \"rack-2\", \"rack-3\""),
            "{e}"
        );
        let overlap = "rack,start_s,end_s\nrack-1,10,20\nrack-1,15,30\n";
        let e = parse_trace(overlap, 5, Some(&map)).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "start_s"));
        assert!(e.message.contains("rack rack-1 is still down"), "{e}");
        // Host rows still read with racks present.
        assert!(parse_trace("host,start_s,end_s\n4,1,2\n", 5, Some(&map)).is_ok());
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
