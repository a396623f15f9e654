//! Utilisation traces: readers for the PlanetLab, Bitbrains (GWA-T-12), Azure (2019) and
//! generic long-CSV formats, and their replay on a regular time grid.
//!
//! Reading happens in two passes. [`scan`] reads a trace once, validates every row (errors
//! name the file, line and field) and returns a [`TraceIndex`]: the VM ids, each VM's first and
//! last step on the grid, the sampling interval taken from the data, per-VM attributes and
//! warnings. [`open`] then gives a [`Replay`] that yields every VM's utilisation step by step:
//! per-VM-file formats (PlanetLab, Bitbrains) are streamed from disk a few rows at a time, so a
//! replay holds [`files::CHUNK_ROWS`] rows per VM whatever the trace length; long formats
//! (Azure, CSV), whose rows mix all VMs, and short PlanetLab traces (a day) are held compactly
//! (2 bytes per VM and step).
//!
//! The parsers ([`planetlab`], [`bitbrains`], [`azure`], [`long_csv`]) work on text and
//! readers; [`files`] is the thin layer that lists folders and opens files. Formats and their
//! quirks are documented in `docs/traces.md`.

pub mod azure;
pub mod bitbrains;
pub mod files;
pub mod grid;
pub mod lines;
pub mod long_csv;
pub mod planetlab;

pub use files::{open, scan};

use std::fmt;

/// CPU utilisation in hundredths of a percent (0 ..= [`FULL`]): two bytes per sample.
pub type Level = u16;

/// The level of 100 % utilisation.
pub const FULL: Level = 10_000;

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

/// A level as a fraction of the VM's CPU (0..=1).
pub fn fraction(level: Level) -> f64 {
    f64::from(level) / f64::from(FULL)
}

/// The trace formats nightshift reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A folder, one file per VM, one CPU % per line at a fixed step (5 minutes).
    PlanetLab,
    /// A folder of GWA-T-12 per-VM CSV files (`;` + tab separated, header row).
    Bitbrains,
    /// A folder of Azure 2019 readings files (`timestamp,vm_id,min_cpu,max_cpu,avg_cpu`).
    Azure,
    /// A file or folder of long CSV: `time,vm,cpu[,ram]`.
    Csv,
}

impl Format {
    /// Every format with its scenario name.
    pub const ALL: [(Format, &'static str); 4] = [
        (Format::PlanetLab, "planetlab"),
        (Format::Bitbrains, "bitbrains"),
        (Format::Azure, "azure"),
        (Format::Csv, "csv"),
    ];

    /// The format called `name` in scenarios.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// The scenario name of the format.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, n)| n)
    }

    /// Whether the format carries timestamps (else its interval is fixed by the format).
    pub fn has_timestamps(self) -> bool {
        self != Format::PlanetLab
    }
}

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

/// Per-VM attributes a scenario can map onto VM types (`type_by`).
pub const ATTRIBUTES: [&str; 3] = ["cores", "memory_gb", "category"];

/// One VM of a trace, as found by [`scan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmInfo {
    /// VM id: the file name (PlanetLab, Bitbrains without `.csv`) or the id column.
    pub id: String,
    /// First grid step with a sample.
    pub first_step: u32,
    /// One past the last grid step with a sample.
    pub end_step: u32,
    /// Cores (Bitbrains `CPU cores`, Azure metadata core bucket).
    pub cores: Option<String>,
    /// Memory in GB (Azure metadata memory bucket).
    pub memory_gb: Option<String>,
    /// Workload category (Azure metadata `vm_category`).
    pub category: Option<String>,
}

impl VmInfo {
    /// A VM with samples on steps `first_step .. end_step` and no attributes.
    pub fn new(id: impl Into<String>, first_step: u32, end_step: u32) -> Self {
        VmInfo {
            id: id.into(),
            first_step,
            end_step,
            cores: None,
            memory_gb: None,
            category: None,
        }
    }

    /// The attribute called `name` (one of [`ATTRIBUTES`]), if the trace has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "cores" => self.cores.as_deref(),
            "memory_gb" => self.memory_gb.as_deref(),
            "category" => self.category.as_deref(),
            _ => None,
        }
    }
}

/// What [`scan`] learnt about a trace: enough to bind it to a scenario and to replay it.
#[derive(Debug, Clone)]
pub struct TraceIndex {
    /// The format.
    pub format: Format,
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
    pub(crate) data: files::Data,
}

/// A trace being replayed: every VM's level, one grid step at a time.
pub trait Replay {
    /// Writes each VM's level at grid step `step` into `out` (one entry per VM, in
    /// [`TraceIndex::vms`] order): the VM's latest sample at or before the step, 0 outside
    /// its first..end steps. Steps must not decrease, except that going back rewinds the
    /// replay (for looped traces).
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), TraceError>;
}

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
        assert_eq!(fraction(2500), 0.25);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = TraceError::at("t/1.csv", 7, Some("CPU usage [%]"), "not a number");
        assert_eq!(e.to_string(), "t/1.csv:7: CPU usage [%]: not a number");
        assert_eq!(TraceError::file("t", "missing").to_string(), "t: missing");
    }

    #[test]
    fn format_names_round_trip() {
        for (f, n) in Format::ALL {
            assert_eq!(Format::from_name(n), Some(f));
            assert_eq!(f.name(), n);
        }
        assert_eq!(Format::from_name("swf"), None);
    }
}
