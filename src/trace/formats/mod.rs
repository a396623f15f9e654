//! The trace formats behind one trait, [`TraceFormat`], and one registry table, [`FORMATS`]:
//! scenarios name a format, [`scan`] and [`open`] look it up here. Each format is one module
//! of this folder holding its parser and its scan. Adding a format is two files: its module
//! (a type implementing [`TraceFormat`]) and this one (its `mod` line and its row in
//! [`FORMATS`]).

pub mod azure;
pub mod bitbrains;
pub mod long_csv;
pub mod planetlab;

use super::{Replay, TraceError, TraceIndex, samples};
use std::path::Path;

/// A trace format: its name in scenarios, what it is, and how to read it.
pub trait TraceFormat: Sync {
    /// The name scenarios give it (`[traces.<name>] format = "..."`).
    fn name(&self) -> &'static str;

    /// One line for errors and docs: what the format's files look like.
    fn summary(&self) -> &'static str;

    /// Whether its samples carry timestamps (the interval is then taken from the data);
    /// without, the format fixes the interval.
    fn has_timestamps(&self) -> bool;

    /// The `[traces.<name>]` keys it takes beyond those every trace has (`format`, `path`,
    /// `shift`, `loop`, `scale`); [`scan`] refuses the others.
    fn settings(&self) -> &'static [&'static str] {
        &[]
    }

    /// Reads the trace at `path` once, validating every row (errors name the file, line and
    /// field), and returns its index; `interval_ms` is the `interval` setting, if given.
    fn scan(&self, path: &Path, interval_ms: Option<u64>) -> Result<TraceIndex, TraceError>;

    /// Whether its samples carry each VM's memory utilisation, which
    /// [`TraceFormat::scan_memory`] reads (`metric = "memory"`).
    fn has_memory(&self) -> bool {
        false
    }

    /// Reads the trace at `path` once like [`TraceFormat::scan`], keeping each VM's memory
    /// utilisation instead of its CPU (the same VMs, in the same order, on the same grid);
    /// a file without the memory column is an error naming it. Formats without memory
    /// refuse.
    fn scan_memory(&self, path: &Path) -> Result<TraceIndex, TraceError> {
        Err(TraceError::file(
            path.display().to_string(),
            format!("the {} format has no memory column", self.name()),
        ))
    }

    /// A replay of `index`, which this format's [`TraceFormat::scan`] made. The default
    /// replays the samples where the scan left them (in memory, or in per-VM files read a
    /// chunk at a time), which every format so far does.
    fn open(&self, index: &TraceIndex) -> Box<dyn Replay> {
        samples::open(index)
    }
}

/// Every format nightshift reads, in the order listed to users.
pub const FORMATS: &[&dyn TraceFormat] = &[
    &planetlab::PlanetLab,
    &bitbrains::Bitbrains,
    &azure::Azure,
    &long_csv::Csv,
];

/// The format called `name` in scenarios.
pub fn format(name: &str) -> Option<&'static dyn TraceFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// The valid format names, for error messages: `"a", "b", "c"`.
pub fn names() -> String {
    let quoted: Vec<String> = FORMATS
        .iter()
        .map(|f| format!("\"{}\"", f.name()))
        .collect();
    quoted.join(", ")
}

/// Reads the trace at `path` in the format called `format` once, validating every row, and
/// returns its index. `interval_ms` sets the step of formats without timestamps (PlanetLab:
/// default 5 minutes); formats with timestamps take their interval from the data and refuse
/// it.
pub fn scan(format: &str, path: &Path, interval_ms: Option<u64>) -> Result<TraceIndex, TraceError> {
    let Some(reader) = self::format(format) else {
        return Err(TraceError::file(
            path.display().to_string(),
            format!("unknown trace format \"{format}\"; valid: {}", names()),
        ));
    };
    if interval_ms.is_some() && !reader.settings().contains(&"interval") {
        return Err(TraceError::file(
            path.display().to_string(),
            format!(
                "the {} format has timestamps: its interval is taken from the data and cannot be set",
                reader.name()
            ),
        ));
    }
    reader.scan(path, interval_ms)
}

/// The formats with a memory column, for error messages: `"a", "b"`.
pub fn memory_names() -> String {
    let quoted: Vec<String> = FORMATS
        .iter()
        .filter(|f| f.has_memory())
        .map(|f| format!("\"{}\"", f.name()))
        .collect();
    quoted.join(", ")
}

/// Reads the memory utilisation of the trace at `path` in the format called `format` once,
/// validating every row (see [`TraceFormat::scan_memory`]).
pub fn scan_memory(format: &str, path: &Path) -> Result<TraceIndex, TraceError> {
    match self::format(format) {
        Some(reader) => reader.scan_memory(path),
        None => Err(TraceError::file(
            path.display().to_string(),
            format!("unknown trace format \"{format}\"; valid: {}", names()),
        )),
    }
}

/// A replay of `index`, by the format that scanned it.
pub fn open(index: &TraceIndex) -> Box<dyn Replay> {
    match self::format(index.format) {
        Some(reader) => reader.open(index),
        None => samples::open(index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, f) in FORMATS.iter().enumerate() {
            assert_eq!(format(f.name()).map(|g| g.name()), Some(f.name()));
            assert!(
                FORMATS[..i].iter().all(|g| g.name() != f.name()),
                "{} listed twice",
                f.name()
            );
            assert!(!f.summary().is_empty(), "{} has a summary", f.name());
        }
        assert!(format("swf").is_none());
        assert_eq!(names(), "\"planetlab\", \"bitbrains\", \"azure\", \"csv\"");
    }

    #[test]
    fn only_formats_without_timestamps_take_an_interval() {
        for f in FORMATS {
            assert_eq!(
                f.settings().contains(&"interval"),
                !f.has_timestamps(),
                "{}",
                f.name()
            );
        }
    }

    #[test]
    fn an_unknown_format_is_refused_by_name() {
        let e = scan("swf", Path::new("t"), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t: unknown trace format \"swf\"; valid: \"planetlab\", \"bitbrains\", \"azure\", \"csv\""
        );
    }
}
