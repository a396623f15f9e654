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
pub mod table;
mod tables;
mod timestamp;

pub use comparison::{ComparisonRow, write_comparison};
pub use lock::Lock;
pub use report_facts::{ConsolidationFacts, HostClassFacts, ReportFacts, TariffPeriodFacts};
pub use scenario_copy::{scenario_copy, strip_copy_header};
pub use scratch::{AtomicFile, Leftover, Scope, remove_leftovers, write_atomically};
pub use staging::{Staging, remove_unfinished};
pub use summary::{BaselineSummary, FORMAT_VERSION, FormatInfo, Savings, SummaryFile};
pub use table::Format;
pub use timestamp::iso;

use crate::sim::records::{
    ConflictRow, FailureRow, HostRow, IntervalRow, MigrationRow, Recorder, RequestRow,
};
use files::{
    CONFLICTS_FILE, FAILURES_FILE, HOST_UTILISATION_FILE, HOSTS_FILE, MIGRATIONS_FILE,
    REQUESTS_FILE, SUMMARY_FILE, TIMESERIES_FILE,
};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use table::{Cell, TableWriter};

/// How a run's tables are written: in which formats, and the absolute time of time 0 (from
/// `simulation.start`, milliseconds since 1970) that adds timestamp columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// CSV, Parquet or both.
    pub format: Format,
    /// Time 0 as an instant, when the scenario sets `simulation.start`.
    pub start_ms: Option<i64>,
    /// Whether the timeseries end with the carbon columns (the scenario sets `[carbon]`).
    pub carbon: bool,
    /// Whether the run has failures: the timeseries end with the failure columns and
    /// `failures.csv` is written.
    pub failures: bool,
    /// Whether the timeseries end with the rack columns (the scenario sets `[racks]`).
    pub racks: bool,
    /// Whether the timeseries end with the memory columns (the scenario models memory).
    pub memory: bool,
}

/// The columns of `timeseries.csv` under `options`: the carbon, failure, rack and memory
/// columns, in that order, after the others.
fn timeseries_columns(options: &TableOptions) -> Vec<table::Column> {
    let start = options.start_ms.is_some();
    let mut columns = tables::timeseries_columns(start, options.carbon, options.failures);
    if options.racks {
        columns.extend(tables::rack_columns());
    }
    if options.memory {
        columns.extend(tables::memory_columns());
    }
    columns
}

/// Streams timeseries, migration and conflict rows (and, when asked, every host's
/// utilisation) to a run folder's tables.
pub struct RunRecorder {
    timeseries: TableWriter,
    migrations: TableWriter,
    conflicts: TableWriter,
    utilisation: Option<TableWriter>,
    /// `failures.csv`, when the run has failures.
    failures: Option<TableWriter>,
    options: TableOptions,
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

/// Writes one row, its cells built by `fill`, into `table`.
fn write_row<'a>(table: &mut TableWriter, fill: impl FnOnce(&mut Vec<Cell<'a>>)) -> io::Result<()> {
    let mut cells = Vec::with_capacity(table.columns().len());
    fill(&mut cells);
    table.row(&cells)
}

impl RunRecorder {
    /// Creates `timeseries`, `migrations` and `conflicts` tables in `dir`.
    pub fn create(dir: &Path, options: TableOptions) -> io::Result<Self> {
        let start = options.start_ms.is_some();
        let table = |name: &str, columns| TableWriter::create(dir, name, columns, options.format);
        Ok(RunRecorder {
            timeseries: table(TIMESERIES_FILE, timeseries_columns(&options))?,
            migrations: table(MIGRATIONS_FILE, tables::migration_columns(start))?,
            conflicts: table(CONFLICTS_FILE, tables::conflict_columns(start))?,
            utilisation: None,
            failures: if options.failures {
                Some(table(FAILURES_FILE, tables::failure_columns(start))?)
            } else {
                None
            },
            options,
            error: None,
        })
    }

    /// Also streams `host_utilisation`: one row per host on at each control tick.
    pub fn with_host_utilisation(mut self, dir: &Path) -> io::Result<Self> {
        let columns = tables::utilisation_columns(self.options.start_ms.is_some());
        self.utilisation = Some(TableWriter::create(
            dir,
            HOST_UTILISATION_FILE,
            columns,
            self.options.format,
        )?);
        Ok(self)
    }

    /// Completes every table; reports the first write error of the run, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.timeseries.finish()?;
        self.migrations.finish()?;
        self.conflicts.finish()?;
        if let Some(u) = self.utilisation.take() {
            u.finish()?;
        }
        if let Some(f) = self.failures.take() {
            f.finish()?;
        }
        Ok(())
    }
}

impl Recorder for RunRecorder {
    fn interval(&mut self, row: &IntervalRow) {
        if self.error.is_none() {
            let start = self.options.start_ms;
            let written = write_row(&mut self.timeseries, |c| {
                tables::interval_cells(row, start, c)
            });
            keep_first(&mut self.error, written);
        }
    }
    fn migration(&mut self, row: &MigrationRow) {
        if self.error.is_none() {
            let start = self.options.start_ms;
            let written = write_row(&mut self.migrations, |c| {
                tables::migration_cells(row, start, c)
            });
            keep_first(&mut self.error, written);
        }
    }
    fn conflict(&mut self, row: &ConflictRow) {
        if self.error.is_none() {
            let start = self.options.start_ms;
            let written = write_row(&mut self.conflicts, |c| {
                tables::conflict_cells(row, start, c)
            });
            keep_first(&mut self.error, written);
        }
    }
    fn failure(&mut self, row: &FailureRow) {
        if self.error.is_none()
            && let Some(table) = &mut self.failures
        {
            let start = self.options.start_ms;
            let written = write_row(table, |c| tables::failure_cells(row, start, c));
            keep_first(&mut self.error, written);
        }
    }
    fn wants_host_utilisation(&self) -> bool {
        self.utilisation.is_some()
    }
    fn host_utilisation(&mut self, time_s: f64, hosts: &[Option<f64>]) {
        let start = self.options.start_ms;
        let Some(table) = &mut self.utilisation else {
            return;
        };
        for (host, u) in hosts.iter().enumerate() {
            let Some(u) = *u else { continue };
            if self.error.is_some() {
                return;
            }
            let (cells, used) = tables::utilisation_cells(time_s, host, u, start);
            let written = table.row(&cells[..used]);
            keep_first(&mut self.error, written);
        }
    }
}

/// Streams only timeseries rows, to a table of a given name: the always-on baseline's
/// `baseline_timeseries`, which the energy chart compares the run against.
pub struct TimeseriesTable {
    rows: TableWriter,
    start_ms: Option<i64>,
    /// The first write error: nothing more is written after it, and `finish` reports it.
    error: Option<io::Error>,
}

impl TimeseriesTable {
    /// Creates `dir/name` (and its Parquet twin, as `options` say) with the timeseries columns.
    pub fn create(dir: &Path, name: &str, options: TableOptions) -> io::Result<Self> {
        let columns = timeseries_columns(&options);
        Ok(TimeseriesTable {
            rows: TableWriter::create(dir, name, columns, options.format)?,
            start_ms: options.start_ms,
            error: None,
        })
    }

    /// Completes the table; reports the first write error, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.rows.finish()
    }
}

impl Recorder for TimeseriesTable {
    fn interval(&mut self, row: &IntervalRow) {
        if self.error.is_none() {
            let start = self.start_ms;
            let written = write_row(&mut self.rows, |c| tables::interval_cells(row, start, c));
            keep_first(&mut self.error, written);
        }
    }
    fn migration(&mut self, _: &MigrationRow) {}
    fn conflict(&mut self, _: &ConflictRow) {}
}

/// Writes the `hosts` table: one row per host.
pub fn write_hosts(dir: &Path, rows: &[HostRow], options: TableOptions) -> io::Result<()> {
    let mut table = TableWriter::create(dir, HOSTS_FILE, tables::host_columns(), options.format)?;
    let mut cells = Vec::new();
    for row in rows {
        cells.clear();
        tables::host_cells(row, &mut cells);
        table.row(&cells)?;
    }
    table.finish()
}

/// Writes the `requests` table: one row per team request (no rows without teams).
pub fn write_requests(dir: &Path, rows: &[RequestRow], options: TableOptions) -> io::Result<()> {
    let columns = tables::request_columns(options.start_ms.is_some());
    let mut table = TableWriter::create(dir, REQUESTS_FILE, columns, options.format)?;
    let mut cells = Vec::new();
    for row in rows {
        cells.clear();
        tables::request_cells(row, options.start_ms, &mut cells);
        table.row(&cells)?;
    }
    table.finish()
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
    use serde::Serialize;

    fn migration(id: usize) -> MigrationRow {
        MigrationRow {
            id,
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
        }
    }

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
        let mut rec = RunRecorder::create(dir.path(), TableOptions::default()).unwrap();
        // Some 100 KB of rows: more than the 64 KB buffer, so a write fails on the way.
        for i in 0..2000 {
            rec.migration(&migration(i));
        }
        assert!(rec.error.is_some(), "the failed write is kept");
        let e = rec.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull, "{e}");
    }

    /// What the `csv` crate writes for `rows` through serde under `header`.
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

    fn names(columns: &[table::Column]) -> Vec<&str> {
        columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The tables whose rows keep their fields hold, byte for byte, what the `csv` crate
    /// writes for the same rows through serde (as they did before the table writer), and a
    /// conflict's hosts are two integer columns, empty when absent.
    #[test]
    fn csv_tables_match_serde_output_and_conflict_hosts_are_split() {
        let dir = tempfile::tempdir().unwrap();
        let mut rec = RunRecorder::create(dir.path(), TableOptions::default()).unwrap();
        let interval = IntervalRow {
            time_s: 300.0,
            hosts_on: 3,
            demand_mips: 1234.5,
            power_w: 1.0 / 3.0,
            ..IntervalRow::default()
        };
        rec.interval(&interval);
        let m = migration(3);
        rec.migration(&m);
        for c in [
            ConflictRow {
                time_s: 263.577,
                kind: "vm-ended-while-migrating",
                vm: Some(25),
                host: Some(12),
                destination: Some(5),
                action: "migration aborted, destination capacity released",
            },
            ConflictRow {
                time_s: 0.5,
                kind: "capacity-shortfall",
                vm: Some(3),
                host: None,
                destination: None,
                action: "a \"quoted\" word",
            },
        ] {
            rec.conflict(&c);
        }
        rec.finish().unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let ts = tables::timeseries_columns(false, false, false);
        assert_eq!(read(TIMESERIES_FILE), serde_text(&names(&ts), &[interval]));
        let mc = tables::migration_columns(false);
        assert_eq!(read(MIGRATIONS_FILE), serde_text(&names(&mc), &[m]));
        assert_eq!(
            read(CONFLICTS_FILE),
            "time_s,kind,vm,host,destination,action\n\
             263.577,vm-ended-while-migrating,25,12,5,\"migration aborted, destination capacity released\"\n\
             0.5,capacity-shortfall,3,,,\"a \"\"quoted\"\" word\"\n"
        );
    }

    /// The column lists name the rows' fields in their serialised order, so headers tell the
    /// truth about the cells.
    #[test]
    fn column_lists_match_row_fields() {
        fn header_of<T: Serialize>(row: &T) -> String {
            let mut w = csv::Writer::from_writer(vec![]);
            w.serialize(row).unwrap();
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            text.lines().next().unwrap().to_string()
        }
        let joined = |c: Vec<table::Column>| names(&c).join(",");
        assert_eq!(
            header_of(&IntervalRow::default()),
            joined(tables::timeseries_columns(false, false, false))
        );
        assert_eq!(
            header_of(&migration(0)),
            joined(tables::migration_columns(false))
        );
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
        assert_eq!(header_of(&r), joined(tables::request_columns(false)));
    }

    /// With an absolute start, each time column has its ISO timestamp right after it.
    #[test]
    fn a_start_adds_timestamp_columns() {
        let dir = tempfile::tempdir().unwrap();
        let monday = crate::time::days_from_civil(2026, 1, 5) * 86_400_000;
        let options = TableOptions {
            format: Format::Csv,
            start_ms: Some(monday),
            carbon: false,
            failures: false,
            racks: false,
            memory: false,
        };
        let mut rec = RunRecorder::create(dir.path(), options).unwrap();
        rec.migration(&migration(0));
        rec.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join(MIGRATIONS_FILE)).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,vm,source,destination,start_s,start_timestamp,end_s,end_timestamp,duration_s,data_mb,outcome,wait_s,rounds,downtime_s"
        );
        assert!(
            lines.next().unwrap().starts_with(
                "0,813,574,7,300.1,2026-01-05T00:05:00.100Z,309.908,2026-01-05T00:05:09.908Z,"
            ),
            "{text}"
        );
    }
}
