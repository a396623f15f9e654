//! Utilisation traces: readers for the PlanetLab, Bitbrains (GWA-T-12), Azure (2019) and
//! generic long-CSV formats, and their replay on a regular time grid. This module implements
//! the core's replay seam ([`Replay`], [`Level`], [`VmInfo`], defined in
//! [`crate::workload::replay`]); the simulation never imports it.
//!
//! Reading happens in two passes. [`scan`] reads a trace once, validates every row (errors
//! name the file, line and field) and returns a [`TraceIndex`]: the VM ids, each VM's first and
//! last step on the grid, the sampling interval taken from the data, per-VM attributes and
//! warnings. [`open`] then gives a [`Replay`] that yields every VM's utilisation step by step:
//! per-VM-file formats (PlanetLab, Bitbrains) are streamed from disk a few rows at a time, so a
//! replay holds [`samples::CHUNK_ROWS`] rows per VM whatever the trace length; long formats
//! (Azure, CSV), whose rows mix all VMs, and short PlanetLab traces (a day) are held compactly
//! (2 bytes per VM and step).
//!
//! Each format is one module of [`formats`] holding its parser and its scan
//! ([`formats::planetlab`], [`formats::bitbrains`], [`formats::azure`],
//! [`formats::long_csv`]), a type implementing [`TraceFormat`], and one row of the
//! [`FORMATS`] table in `formats/mod.rs`; adding a format touches those two files. What the
//! formats share: [`files`] lists folders and opens files, [`samples`] keeps the samples and
//! replays them, [`grid`] snaps samples to steps, [`lines`] splits whole files into lines.
//! Formats and their quirks are documented in `docs/traces.md`.

pub mod files;
pub mod formats;
pub mod grid;
pub mod lines;
pub mod samples;

pub use crate::workload::replay::{ATTRIBUTES, FULL, Level, Replay, VmInfo, fraction};
pub use formats::{FORMATS, TraceFormat, format, open, scan};

use std::fmt;

/// The level of a utilisation in percent, rounded to 0.01 %; `None` if it is not a number
/// between 0 and 100.
pub fn level_from_percent(percent: f64) -> Option<Level> {
    if percent.is_finite() && (0.0..=100.0).contains(&percent) {
        Some((percent * 100.0).round() as Level)
    } else {
        None
    }
}

/// The first column name of a header that appears twice: two `cpu` columns would leave the
/// reader to pick one silently.
pub(crate) fn duplicate<'a>(names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].contains(n))
        .map(|(_, n)| *n)
}

/// The message of a trace line that is not UTF-8 (the error names the file and line).
pub(crate) const NOT_UTF8: &str = "is not UTF-8 text";

/// A problem with a trace: the file, line and field, and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// The file or folder.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// The column or field, when known.
    pub field: Option<String>,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl TraceError {
    /// An error about `file` as a whole.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        TraceError {
            file: file.into(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// An error at `line` of `file`, in `field` if given.
    pub fn at(
        file: impl Into<String>,
        line: u64,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        TraceError {
            file: file.into(),
            line: Some(line),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for TraceError {}

/// What [`scan`] learnt about a trace: enough to bind it to a scenario and to replay it.
#[derive(Debug, Clone)]
pub struct TraceIndex {
    /// The format's name (see [`FORMATS`]).
    pub format: &'static str,
    /// The path read, for messages.
    pub source: String,
    /// Sampling interval: the median gap between consecutive samples of a VM.
    pub interval_ms: u64,
    /// Grid length: one past the last step of any VM.
    pub steps: u32,
    /// The VMs, ordered by id (bytes).
    pub vms: Vec<VmInfo>,
    /// Things the reader did about odd data, one line each.
    pub warnings: Vec<String>,
    /// Where the samples are.
    pub(crate) data: samples::Data,
}

/// The largest timestamp a trace may hold, in seconds either side of 0 (about 3,000 years):
/// beyond it a time in milliseconds, or the gap between two, would overflow.
pub const MAX_TIME_S: f64 = 1e11;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_hundredths_of_a_percent_and_reject_out_of_range() {
        assert_eq!(level_from_percent(0.0), Some(0));
        assert_eq!(level_from_percent(13.433333), Some(1343));
        assert_eq!(level_from_percent(100.0), Some(FULL));
        assert_eq!(level_from_percent(-0.01), None);
        assert_eq!(level_from_percent(100.01), None);
        assert_eq!(level_from_percent(f64::NAN), None);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = TraceError::at("t/1.csv", 7, Some("CPU usage [%]"), "not a number");
        assert_eq!(e.to_string(), "t/1.csv:7: CPU usage [%]: not a number");
        assert_eq!(TraceError::file("t", "missing").to_string(), "t: missing");
    }
}
