//! Writing a run's outputs, and nothing else: CSV writers the pipeline streams the
//! simulation's rows to, `summary.json`, `hosts.csv` and `requests.csv` at the end, the names
//! of every output file ([`files`]), staging folders renamed into place only when complete
//! (so a failed run never leaves a half-written output folder) and the one atomic write of a
//! single file ([`write_atomically`]). Running the simulation is [`crate::pipeline`]'s.

mod comparison;
mod csv_line;
pub mod files;
mod lock;
mod report_facts;
mod scenario_copy;
mod scratch;
mod staging;
mod summary;
mod utilisation;

pub use comparison::{ComparisonRow, write_comparison};
pub use lock::Lock;
pub use report_facts::{ConsolidationFacts, HostClassFacts, ReportFacts, TariffPeriodFacts};
pub use scenario_copy::{scenario_copy, strip_copy_header};
pub use scratch::{AtomicFile, Leftover, Scope, remove_leftovers, write_atomically};
pub use staging::{Staging, remove_unfinished};
pub use summary::{BaselineSummary, Savings, SummaryFile};
pub use utilisation::HostUtilisationCsv;

use crate::sim::records::{ConflictRow, HostRow, IntervalRow, MigrationRow, Recorder, RequestRow};
use csv_line::CsvLine;
use files::{
    CONFLICTS_FILE, HOSTS_FILE, MIGRATIONS_FILE, REQUESTS_FILE, SUMMARY_FILE, TIMESERIES_FILE,
};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Streams timeseries, migration and conflict rows to CSV files in a folder.
pub struct CsvRecorder {
    timeseries: csv::Writer<BufWriter<File>>,
    /// Written line by line ([`CsvLine`]): the files with the most rows.
    migrations: BufWriter<File>,
    conflicts: BufWriter<File>,
    line: CsvLine,
    utilisation: Option<HostUtilisationCsv>,
    /// The run's first write error: nothing more is written after it, and `finish` reports it.
    error: Option<io::Error>,
}

/// Keeps `result`'s error in `first` unless an earlier one is there: a writer reports the
/// first error of its run.
fn keep_first(first: &mut Option<io::Error>, result: io::Result<()>) {
    if let Err(e) = result {
        first.get_or_insert(e);
    }
}

/// A csv writer's error as the I/O error it is (a full disk stays `StorageFull`), or wrapped.
fn io_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        kind => io::Error::other(format!("{kind:?}")),
    }
}

/// Creates `dir/name` for [`CsvLine`]s, with its header.
fn line_writer(dir: &Path, name: &str, header: &[&str]) -> io::Result<BufWriter<File>> {
    let mut file = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
    writeln!(file, "{}", header.join(","))?;
    Ok(file)
}

fn writer(dir: &Path, name: &str, header: &[&str]) -> io::Result<csv::Writer<BufWriter<File>>> {
    let file = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(file);
    // Headers are written up front so that a file with no rows still names its columns.
    w.write_record(header)?;
    Ok(w)
}

impl CsvRecorder {
    /// Creates `timeseries.csv`, `migrations.csv` and `conflicts.csv` in `dir`.
    pub fn create(dir: &Path) -> io::Result<Self> {
        Self::create_with_carbon(dir, false)
    }

    /// The same, `timeseries.csv` ending with the carbon columns if `carbon`.
    pub fn create_with_carbon(dir: &Path, carbon: bool) -> io::Result<Self> {
        Ok(CsvRecorder {
            timeseries: writer(dir, TIMESERIES_FILE, &timeseries_header(carbon))?,
            migrations: line_writer(dir, MIGRATIONS_FILE, MIGRATION_COLUMNS)?,
            conflicts: line_writer(dir, CONFLICTS_FILE, CONFLICT_COLUMNS)?,
            line: CsvLine::default(),
            utilisation: None,
            error: None,
        })
    }

    /// Also streams `host_utilisation.csv` for a fleet of `hosts` hosts.
    pub fn with_host_utilisation(mut self, dir: &Path, hosts: usize) -> io::Result<Self> {
        self.utilisation = Some(HostUtilisationCsv::create(dir, hosts)?);
        Ok(self)
    }

    /// Flushes every file; reports the first write error of the run, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.timeseries.flush()?;
        self.migrations.flush()?;
        self.conflicts.flush()?;
        if let Some(u) = self.utilisation.take() {
            u.finish()?;
        }
        Ok(())
    }
}

impl Recorder for CsvRecorder {
    fn interval(&mut self, row: &IntervalRow) {
        if self.error.is_none() {
            let written = write_interval(&mut self.timeseries, row);
            keep_first(&mut self.error, written);
        }
    }
    fn migration(&mut self, row: &MigrationRow) {
        if self.error.is_some() {
            return;
        }
        let id = |v: usize| v as u64;
        self.line
            .uint(id(row.id))
            .uint(id(row.vm))
            .uint(id(row.source))
            .uint(id(row.destination))
            .float(row.start_s)
            .float(row.end_s)
            .float(row.duration_s)
            .float(row.data_mb)
            .text(row.outcome)
            .float(row.wait_s)
            .uint(u64::from(row.rounds))
            .float(row.downtime_s);
        let written = self.line.write_to(&mut self.migrations);
        keep_first(&mut self.error, written);
    }
    fn conflict(&mut self, row: &ConflictRow) {
        if self.error.is_some() {
            return;
        }
        self.line.float(row.time_s).text(row.kind);
        match row.vm {
            Some(vm) => self.line.uint(vm as u64),
            None => self.line.empty(),
        };
        self.line.text(&row.hosts).text(row.action);
        let written = self.line.write_to(&mut self.conflicts);
        keep_first(&mut self.error, written);
    }
    fn wants_host_utilisation(&self) -> bool {
        self.utilisation.is_some()
    }
    fn host_utilisation(&mut self, time_s: f64, hosts: &[Option<f64>]) {
        if self.error.is_none()
            && let Some(w) = &mut self.utilisation
        {
            let written = w.write_row(time_s, hosts);
            keep_first(&mut self.error, written);
        }
    }
}

/// Streams only timeseries rows, to a file of a given name: the always-on baseline's
/// `baseline_timeseries.csv`, which the energy chart compares the run against.
pub struct TimeseriesCsv {
    rows: csv::Writer<BufWriter<File>>,
    /// The first write error: nothing more is written after it, and `finish` reports it.
    error: Option<io::Error>,
}

impl TimeseriesCsv {
    /// Creates `dir/name` with the timeseries header.
    pub fn create(dir: &Path, name: &str) -> io::Result<Self> {
        Self::create_with_carbon(dir, name, false)
    }

    /// The same, ending with the carbon columns if `carbon`.
    pub fn create_with_carbon(dir: &Path, name: &str, carbon: bool) -> io::Result<Self> {
        Ok(TimeseriesCsv {
            rows: writer(dir, name, &timeseries_header(carbon))?,
            error: None,
        })
    }

    /// Flushes the file; reports the first write error, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.rows.flush()
    }
}

impl Recorder for TimeseriesCsv {
    fn interval(&mut self, row: &IntervalRow) {
        if self.error.is_none() {
            let written = write_interval(&mut self.rows, row);
            keep_first(&mut self.error, written);
        }
    }
    fn migration(&mut self, _: &MigrationRow) {}
    fn conflict(&mut self, _: &ConflictRow) {}
}

/// The carbon columns `timeseries.csv` ends with when the scenario sets `[carbon]` (the
/// fields of [`crate::sim::records::CarbonRow`]).
pub const CARBON_COLUMNS: &[&str] = &["intensity_g_per_kwh", "carbon_kg"];

/// The timeseries header: [`TIMESERIES_COLUMNS`], then [`CARBON_COLUMNS`] if `carbon`.
fn timeseries_header(carbon: bool) -> Vec<&'static str> {
    let extra = if carbon { CARBON_COLUMNS } else { &[] };
    [TIMESERIES_COLUMNS, extra].concat()
}

/// Writes a timeseries row, with its carbon columns if it has them.
fn write_interval(w: &mut csv::Writer<BufWriter<File>>, row: &IntervalRow) -> io::Result<()> {
    match &row.carbon {
        None => w.serialize(row),
        Some(c) => w.serialize((row, c)),
    }
    .map_err(io_error)
}

/// Columns of `timeseries.csv`, in order (the fields of [`IntervalRow`]).
pub const TIMESERIES_COLUMNS: &[&str] = &[
    "time_s",
    "hosts_on",
    "hosts_booting",
    "hosts_shutting_down",
    "hosts_off",
    "vms_running",
    "vms_waiting",
    "demand_mips",
    "capacity_on_mips",
    "power_w",
    "energy_kwh",
    "cost",
    "price_per_kwh",
    "migrations_in_flight",
    "migrations_started",
    "hosts_sleeping",
    "migrations_queued",
    "migration_traffic_gb",
    "migration_peak_gbit_s",
    "hosts_needed",
    "unserved_core_h",
    "hosts_above",
    "hosts_lower_bound",
];

/// Columns of `migrations.csv` (the fields of [`MigrationRow`]).
pub const MIGRATION_COLUMNS: &[&str] = &[
    "id",
    "vm",
    "source",
    "destination",
    "start_s",
    "end_s",
    "duration_s",
    "data_mb",
    "outcome",
    "wait_s",
    "rounds",
    "downtime_s",
];

/// Columns of `conflicts.csv` (the fields of [`ConflictRow`]).
pub const CONFLICT_COLUMNS: &[&str] = &["time_s", "kind", "vm", "hosts", "action"];

/// Writes `hosts.csv`.
pub fn write_hosts(dir: &Path, rows: &[HostRow]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(dir.join(HOSTS_FILE))?));
    for row in rows {
        w.serialize(row).map_err(io::Error::other)?;
    }
    w.flush()
}

/// Columns of `requests.csv` (the fields of [`RequestRow`]).
pub const REQUEST_COLUMNS: &[&str] = &[
    "id",
    "team",
    "submitted_s",
    "vms",
    "started",
    "response_s",
    "waiting_s",
    "turnaround_s",
];

/// Writes `requests.csv`: one row per team request (a header only without teams).
pub fn write_requests(dir: &Path, rows: &[RequestRow]) -> io::Result<()> {
    let file = BufWriter::new(File::create(dir.join(REQUESTS_FILE))?);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(file);
    w.write_record(REQUEST_COLUMNS)?;
    for row in rows {
        w.serialize(row).map_err(io::Error::other)?;
    }
    w.flush()
}

/// Writes `summary.json` (pretty-printed, trailing newline).
pub fn write_summary(dir: &Path, summary: &SummaryFile) -> io::Result<()> {
    let mut file = BufWriter::new(File::create(dir.join(SUMMARY_FILE))?);
    serde_json::to_writer_pretty(&mut file, summary).map_err(io::Error::other)?;
    file.write_all(b"\n")?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::records::MemoryRecorder;
    use serde::Serialize;

    /// A full disk: the first write error stops the writing and is what `finish` reports.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_first_write_error_is_reported() {
        // Only where the device that is always full exists (a symlink to a missing one would
        // make a plain file in a writable /dev).
        if !Path::new("/dev/full").exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/full", dir.path().join("migrations.csv")).unwrap();
        // The header is buffered, so creating succeeds.
        let mut rec = CsvRecorder::create(dir.path()).unwrap();
        let row = MigrationRow {
            id: 0,
            vm: 1,
            source: 2,
            destination: 3,
            start_s: 300.1,
            end_s: 310.1,
            duration_s: 10.0,
            data_mb: 625.0,
            outcome: "done",
            wait_s: 0.0,
            rounds: 1,
            downtime_s: 0.0,
        };
        // Some 100 KB of rows: more than the 64 KB buffer, so a write fails on the way.
        for _ in 0..2000 {
            rec.migration(&row);
        }
        assert!(rec.error.is_some(), "the failed write is kept");
        let e = rec.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull, "{e}");
    }

    /// `migrations.csv` and `conflicts.csv`, written line by line, hold what the csv crate
    /// writes for the same rows through serde: header, fields in order, quoting.
    #[test]
    fn line_written_files_match_serde_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut rec = CsvRecorder::create(dir.path()).unwrap();
        let m = MigrationRow {
            id: 3,
            vm: 813,
            source: 574,
            destination: 7,
            start_s: 300.1,
            end_s: 309.908,
            duration_s: 309.908 - 300.1,
            data_mb: 613.0,
            outcome: "done",
            wait_s: 0.0,
            rounds: 2,
            downtime_s: 1.0 / 3.0,
        };
        let c = [
            ConflictRow {
                time_s: 263.577,
                kind: "vm-ended-while-migrating",
                vm: Some(25),
                hosts: "12;5".into(),
                action: "migration aborted, destination capacity released",
            },
            ConflictRow {
                time_s: 0.5,
                kind: "k",
                vm: None,
                hosts: "1".into(),
                action: "a \"quoted\" word",
            },
        ];
        rec.migration(&m);
        for row in &c {
            rec.conflict(row);
        }
        rec.finish().unwrap();
        fn serde_text<T: Serialize>(header: &[&str], rows: &[T]) -> String {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(vec![]);
            w.write_record(header).unwrap();
            for row in rows {
                w.serialize(row).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(read("migrations.csv"), serde_text(MIGRATION_COLUMNS, &[m]));
        assert_eq!(read("conflicts.csv"), serde_text(CONFLICT_COLUMNS, &c));
    }

    /// The column lists must match the serialised field order, or headers would lie.
    #[test]
    fn column_lists_match_row_fields() {
        fn header_of<T: Serialize>(row: &T) -> String {
            let mut w = csv::Writer::from_writer(vec![]);
            w.serialize(row).unwrap();
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            text.lines().next().unwrap().to_string()
        }
        let mut rec = MemoryRecorder::default();
        let row = IntervalRow {
            time_s: 0.0,
            hosts_on: 0,
            hosts_booting: 0,
            hosts_shutting_down: 0,
            hosts_off: 0,
            vms_running: 0,
            vms_waiting: 0,
            demand_mips: 0.0,
            capacity_on_mips: 0.0,
            power_w: 0.0,
            energy_kwh: 0.0,
            cost: 0.0,
            price_per_kwh: 0.0,
            migrations_in_flight: 0,
            migrations_started: 0,
            hosts_sleeping: 0,
            migrations_queued: 0,
            migration_traffic_gb: 0.0,
            migration_peak_gbit_s: 0.0,
            hosts_needed: 0,
            unserved_core_h: 0.0,
            hosts_above: 0,
            hosts_lower_bound: 0,
            carbon: None,
        };
        rec.interval(&row);
        assert_eq!(header_of(&row), TIMESERIES_COLUMNS.join(","));
        let carbon = crate::sim::records::CarbonRow {
            intensity_g_per_kwh: 0.0,
            carbon_kg: 0.0,
        };
        assert_eq!(header_of(&carbon), CARBON_COLUMNS.join(","));
        let m = MigrationRow {
            id: 0,
            vm: 0,
            source: 0,
            destination: 1,
            start_s: 0.0,
            end_s: 1.0,
            duration_s: 1.0,
            data_mb: 1.0,
            outcome: "done",
            wait_s: 0.0,
            rounds: 1,
            downtime_s: 0.0,
        };
        assert_eq!(header_of(&m), MIGRATION_COLUMNS.join(","));
        let c = ConflictRow {
            time_s: 0.0,
            kind: "k",
            vm: Some(1),
            hosts: "1".into(),
            action: "a",
        };
        assert_eq!(header_of(&c), CONFLICT_COLUMNS.join(","));
        let r = RequestRow {
            id: 0,
            team: "t".into(),
            submitted_s: 0.0,
            vms: 1,
            started: 1,
            response_s: Some(0.0),
            waiting_s: None,
            turnaround_s: None,
        };
        assert_eq!(header_of(&r), REQUEST_COLUMNS.join(","));
    }
}
