//! Quantities with units in scenario files: sizes, bandwidths, durations and times of day.
//!
//! Sizes and bandwidths need a unit (`"16 GB"`, `"10 Gbit/s"`): a bare `ram = 16` was read as
//! 16 MB where a planner meant 16 GB, so it is refused with the two readings to choose from.
//! Durations and times of day also take a bare number in their base unit (seconds, hours),
//! which nobody reads another way.

use crate::quote::{excerpt, short};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A number or a string, as a scenario value may be written either way.
enum Raw {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Raw {
    fn number(&self) -> Option<f64> {
        match self {
            Raw::Int(i) => Some(*i as f64),
            Raw::Float(f) => Some(*f),
            Raw::Text(_) => None,
        }
    }

    /// Reads a number or a string; anything else is refused saying `expecting` (what the
    /// field takes, in the user's words), not the name of this type.
    fn read<'de, D: Deserializer<'de>>(d: D, expecting: &'static str) -> Result<Raw, D::Error> {
        struct RawVisitor(&'static str);
        impl Visitor<'_> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Float(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Text(v.to_string()))
            }
        }
        d.deserialize_any(RawVisitor(expecting))
    }
}

/// `Deserialize` for a unit type `$t` through its `TryFrom<Raw>`, saying `$expecting` when the
/// value is neither a number nor a string.
macro_rules! deserialize_via_raw {
    ($t:ty, $expecting:expr) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = Raw::read(d, $expecting)?;
                <$t>::try_from(raw).map_err(de::Error::custom)
            }
        }
    };
}

/// `JsonSchema` for a unit type `$t`, named `$name` in the schema's definitions: what an
/// editor can check of the value before the parser's `TryFrom<Raw>` reads it.
macro_rules! schema_of {
    ($t:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// Splits `"16 GiB"` into `(16.0, "GiB")`.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(text.len());
    // Do not let a unit starting with 'e' (none do) be eaten: numbers only.
    let value: f64 = text[..end].trim().parse().ok()?;
    Some((value, text[end..].trim()))
}

/// `value` (in `unit`, the one it was converted to) when finite and not negative.
fn finite_non_negative(value: f64, what: &str, unit: &str) -> Result<f64, String> {
    if !value.is_finite() {
        return Err(format!("{what} must be a finite number"));
    }
    if value < 0.0 {
        return Err(format!(
            "{what} must not be negative (got {} {unit})",
            short(value)
        ));
    }
    Ok(value)
}

/// The refusal of a bare number (or a string without a unit) where a unit is required,
/// offering the two readings a planner most likely meant.
fn unit_required(what: &str, value: &str, big: &str, base: &str) -> String {
    format!(
        "{value} has no unit: write \"{value} {big}\" or \"{value} {base}\" (a {what} needs a unit)"
    )
}

/// A size in megabytes (10^6 bytes), e.g. RAM or disk, written with its unit (`"16 GB"`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Megabytes(pub f64);

deserialize_via_raw!(Megabytes, "a size with a unit, like \"16 GB\"");
schema_of!(Megabytes, "Size", {
    "description": "A size with its unit, like \"16 GB\" or \"870 MB\" (KB, MB, GB, TB, KiB, MiB, GiB, TiB).",
    "type": "string",
    "pattern": "^\\s*[-+.e0-9]+\\s*(KB|kB|MB|GB|TB|KiB|MiB|GiB|TiB)\\s*$"
});

impl TryFrom<Raw> for Megabytes {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        const VALID: &str = "a string like \"870 MB\", \"16 GiB\", \"2 TB\" (units: KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
        let mb = match &raw {
            Raw::Text(t) => {
                let (v, unit) = split_number(t)
                    .ok_or_else(|| format!("invalid size {}: expected {VALID}", excerpt(t)))?;
                let factor = match unit {
                    "" => return Err(unit_required("size", &short(v), "GB", "MB")),
                    "KB" | "kB" => 1e-3,
                    "MB" => 1.0,
                    "GB" => 1e3,
                    "TB" => 1e6,
                    "KiB" => 1024.0 / 1e6,
                    "MiB" => 1_048_576.0 / 1e6,
                    "GiB" => 1_073_741_824.0 / 1e6,
                    "TiB" => 1_099_511_627_776.0 / 1e6,
                    _ => {
                        return Err(format!(
                            "invalid size {}: unknown unit {}; expected {VALID}",
                            excerpt(t),
                            excerpt(unit)
                        ));
                    }
                };
                v * factor
            }
            other => {
                let v = other.number().expect("numbers have a value");
                return Err(unit_required("size", &short(v), "GB", "MB"));
            }
        };
        finite_non_negative(mb, "a size", "MB").map(Megabytes)
    }
}

impl fmt::Display for Megabytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} MB", self.0)
    }
}

/// A bandwidth in megabits per second, written with its unit (`"10 Gbit/s"`, `"50 MB/s"`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Mbps(pub f64);

deserialize_via_raw!(Mbps, "a bandwidth with a unit, like \"10 Gbit/s\"");
schema_of!(Mbps, "Bandwidth", {
    "description": "A bandwidth with its unit, like \"10 Gbit/s\" or \"125 MB/s\" (Kbit/s, Mbit/s, Gbit/s, Kbps, Mbps, Gbps, Mb/s, Gb/s, MB/s, GB/s).",
    "type": "string",
    "pattern": "^\\s*[-+.e0-9]+\\s*(Mbit/s|Mbps|Mb/s|Gbit/s|Gbps|Gb/s|Kbit/s|kbit/s|Kbps|kbps|MB/s|GB/s)\\s*$"
});

impl TryFrom<Raw> for Mbps {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        const VALID: &str = "a string like \"1 Gbit/s\", \"10 Gbps\", \"125 MB/s\" (units: Kbit/s, Mbit/s, Gbit/s, Kbps, Mbps, Gbps, MB/s, GB/s)";
        let mbps = match &raw {
            Raw::Text(t) => {
                let (v, unit) = split_number(t)
                    .ok_or_else(|| format!("invalid bandwidth {}: expected {VALID}", excerpt(t)))?;
                let factor = match unit {
                    "" => return Err(unit_required("bandwidth", &short(v), "Gbit/s", "Mbit/s")),
                    "Mbit/s" | "Mbps" | "Mb/s" => 1.0,
                    "Gbit/s" | "Gbps" | "Gb/s" => 1e3,
                    "Kbit/s" | "kbit/s" | "Kbps" | "kbps" => 1e-3,
                    "MB/s" => 8.0,
                    "GB/s" => 8e3,
                    _ => {
                        return Err(format!(
                            "invalid bandwidth {}: unknown unit {}; expected {VALID}",
                            excerpt(t),
                            excerpt(unit)
                        ));
                    }
                };
                v * factor
            }
            other => {
                let v = other.number().expect("numbers have a value");
                return Err(unit_required("bandwidth", &short(v), "Gbit/s", "Mbit/s"));
            }
        };
        finite_non_negative(mbps, "a bandwidth", "Mbit/s").map(Mbps)
    }
}

/// A duration, stored in whole milliseconds. Bare numbers are seconds (fractions allowed);
/// strings use humantime syntax: `"300s"`, `"5m"`, `"1h 30m"`, `"7d"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub u64);

deserialize_via_raw!(
    Duration,
    "a duration: seconds as a number or a string like \"5m\""
);
schema_of!(Duration, "Duration", {
    "description": "A duration: seconds as a number, or a string like \"300s\", \"5m\", \"1h 30m\", \"7d\".",
    "type": ["number", "string"],
    "minimum": 0
});

impl Duration {
    /// The duration in milliseconds of simulated time.
    pub fn ms(self) -> u64 {
        self.0
    }
    /// Builds a duration from seconds.
    pub fn from_secs(s: u64) -> Self {
        Duration(s * 1000)
    }
}

impl TryFrom<Raw> for Duration {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        match &raw {
            Raw::Text(t) => {
                if let Ok(secs) = t.trim().parse::<f64>() {
                    return seconds_to_ms(secs).map(Duration);
                }
                humantime::parse_duration(t.trim())
                    .map_err(|e| format!("invalid duration {} ({}); expected seconds as a number or a string like \"300s\", \"5m\", \"1h 30m\", \"7d\"", excerpt(t), excerpt(&e.to_string())))
                    .and_then(|d| u64::try_from(d.as_millis()).map_err(|_| format!("duration {} is too long", excerpt(t))))
                    .map(Duration)
            }
            other => seconds_to_ms(other.number().expect("numbers have a value")).map(Duration),
        }
    }
}

fn seconds_to_ms(secs: f64) -> Result<u64, String> {
    let secs = finite_non_negative(secs, "a duration", "s")?;
    let ms = (secs * 1000.0).round();
    if ms > 1e17 {
        return Err(format!("duration of {} s is too long", short(secs)));
    }
    Ok(ms as u64)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            humantime::format_duration(std::time::Duration::from_millis(self.0))
        )
    }
}

/// A time of day in hours since midnight, `0 <= h <= 24`. Bare numbers are hours (`14.5`);
/// strings are `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct TimeOfDay(pub f64);

deserialize_via_raw!(TimeOfDay, "a time of day like \"22:00\"");
schema_of!(TimeOfDay, "TimeOfDay", {
    "description": "A time of day: \"HH:MM\" from \"00:00\" to \"24:00\", or hours since midnight as a number.",
    "type": ["number", "string"],
    "minimum": 0,
    "maximum": 24,
    "pattern": "^\\s*[0-9]+:[0-9]+\\s*$"
});

impl TryFrom<Raw> for TimeOfDay {
    type Error = String;
    fn try_from(raw: Raw) -> Result<Self, String> {
        let bad = |t: &str| {
            format!(
                "invalid time of day {}: expected \"HH:MM\" (00:00 to 24:00) or hours as a number",
                excerpt(t)
            )
        };
        let hours = match &raw {
            Raw::Text(t) => {
                let (h, m) = t.trim().split_once(':').ok_or_else(|| bad(t))?;
                let h: u32 = h.parse().map_err(|_| bad(t))?;
                let m: u32 = m.parse().map_err(|_| bad(t))?;
                if m >= 60 {
                    return Err(bad(t));
                }
                h as f64 + m as f64 / 60.0
            }
            other => other.number().expect("numbers have a value"),
        };
        if !(0.0..=24.0).contains(&hours) {
            return Err(format!("time of day {} h is outside 0..24 h", short(hours)));
        }
        Ok(TimeOfDay(hours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: for<'de> Deserialize<'de>>(toml_value: &str) -> Result<T, String> {
        #[derive(Deserialize)]
        struct W<T> {
            v: T,
        }
        toml::from_str::<W<T>>(&format!("v = {toml_value}"))
            .map(|w| w.v)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn sizes_convert_to_megabytes() {
        assert_eq!(parse::<Megabytes>("\"870 MB\"").unwrap().0, 870.0);
        assert_eq!(parse::<Megabytes>("\"16 GB\"").unwrap().0, 16_000.0);
        assert_eq!(parse::<Megabytes>("\"4 GiB\"").unwrap().0, 4294.967296);
        assert_eq!(parse::<Megabytes>("\"1TB\"").unwrap().0, 1e6);
        assert!(
            parse::<Megabytes>("\"16 GBs\"")
                .unwrap_err()
                .contains("unknown unit")
        );
        // The value is told in the unit it was converted to: -1 GB is -1000 MB.
        let e = parse::<Megabytes>("\"-1 GB\"").unwrap_err();
        assert!(e.contains("must not be negative (got -1000 MB)"), "{e}");
        let e = parse::<Mbps>("\"-5 Gbit/s\"").unwrap_err();
        assert!(e.contains("(got -5000 Mbit/s)"), "{e}");
        let e = parse::<Duration>("-2").unwrap_err();
        assert!(e.contains("(got -2 s)"), "{e}");
    }

    /// Issue 16: `ram = 16` meant 16 GB and was read as 16 MB. A size or bandwidth without a
    /// unit is refused with both readings to choose from, whether written as a number or as
    /// a string.
    #[test]
    fn sizes_and_bandwidths_need_a_unit() {
        let e = parse::<Megabytes>("16").unwrap_err();
        assert!(e.contains(r#"write "16 GB" or "16 MB""#), "{e}");
        let e = parse::<Megabytes>("\"16\"").unwrap_err();
        assert!(e.contains(r#"write "16 GB" or "16 MB""#), "{e}");
        let e = parse::<Mbps>("25").unwrap_err();
        assert!(e.contains(r#"write "25 Gbit/s" or "25 Mbit/s""#), "{e}");
        let e = parse::<Mbps>("2.5").unwrap_err();
        assert!(e.contains(r#""2.5 Gbit/s""#), "{e}");
    }

    /// Issue 18 item 24: a value of the wrong kind is refused in the field's words, not with
    /// the name of a type inside the parser; a huge number is quoted short.
    #[test]
    fn wrong_kinds_and_huge_numbers_are_told_in_the_users_words() {
        let e = parse::<Megabytes>("true").unwrap_err();
        assert!(
            e.contains(r#"expected a size with a unit, like "16 GB""#),
            "{e}"
        );
        assert!(!e.contains("Raw") && !e.contains("untagged"), "{e}");
        let e = parse::<Duration>("[1]").unwrap_err();
        assert!(e.contains("expected a duration"), "{e}");
        let e = parse::<Duration>("1e308").unwrap_err();
        assert!(e.contains("1.000e308 s is too long"), "{e}");
        let e = parse::<Megabytes>(&format!("\"{} GBs\"", "9".repeat(400))).unwrap_err();
        assert!(e.len() < 400, "quotes an excerpt: {e}");
    }

    #[test]
    fn bandwidths_convert_to_mbps() {
        assert_eq!(parse::<Mbps>("\"1 Gbit/s\"").unwrap().0, 1000.0);
        assert_eq!(parse::<Mbps>("\"125 MB/s\"").unwrap().0, 1000.0);
        assert_eq!(parse::<Mbps>("\"100 Mbit/s\"").unwrap().0, 100.0);
    }

    #[test]
    fn durations_accept_seconds_and_humantime() {
        assert_eq!(parse::<Duration>("300").unwrap().ms(), 300_000);
        assert_eq!(parse::<Duration>("0.5").unwrap().ms(), 500);
        assert_eq!(parse::<Duration>("\"5m\"").unwrap().ms(), 300_000);
        assert_eq!(parse::<Duration>("\"1d\"").unwrap().ms(), 86_400_000);
        assert_eq!(parse::<Duration>("\"1h 30m\"").unwrap().ms(), 5_400_000);
        assert!(parse::<Duration>("\"soon\"").is_err());
    }

    #[test]
    fn times_of_day_accept_clock_and_hours() {
        assert_eq!(parse::<TimeOfDay>("\"22:30\"").unwrap().0, 22.5);
        assert_eq!(parse::<TimeOfDay>("14").unwrap().0, 14.0);
        assert!(parse::<TimeOfDay>("\"25:00\"").is_err());
        assert!(parse::<TimeOfDay>("\"7:75\"").is_err());
    }
}
