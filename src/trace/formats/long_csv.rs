//! Long CSV: one row per VM and sample, rows of all VMs in one file (or several). Two
//! layouts share this reader: the generic `time,vm,cpu[,ram]` format (documented in
//! `docs/traces.md`, for converting any other trace) and the Azure readings (see
//! [`super::azure`]).
//!
//! Generic layout: a header row naming the columns `time` (seconds on any clock, integer or
//! decimal), `vm` (any text id), `cpu` (percent, 0-100) and optionally `ram` (percent of the
//! VM's memory, 0-100; validated but not replayed: VM memory is reserved at its type's size).
//! Columns may come in any order; other columns are an error, so a typo is not ignored.

use crate::quote::{excerpt, short};
use crate::trace::files::{io_error, is_csv, list, shown};
use crate::trace::grid::{Grid, IntervalEstimate, Series, Spacing};
use crate::trace::samples::Data;
use crate::trace::{Level, TraceError, TraceFormat, TraceIndex, VmInfo, level_from_percent};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The generic long-CSV format, for the registry ([`super::FORMATS`]).
#[derive(Debug, Clone, Copy)]
pub struct Csv;

impl TraceFormat for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn summary(&self) -> &'static str {
        "a file or folder of long CSV: `time,vm,cpu[,ram]`"
    }

    fn has_timestamps(&self) -> bool {
        true
    }

    fn scan(&self, path: &Path, _interval_ms: Option<u64>) -> Result<TraceIndex, TraceError> {
        let readings = if path.is_file() {
            vec![path.to_path_buf()]
        } else {
            list(path, &is_csv)?.into_iter().map(|(_, p)| p).collect()
        };
        scan_readings(path, self.name(), GENERIC, readings)
    }

    fn has_memory(&self) -> bool {
        true
    }

    fn scan_memory(&self, path: &Path) -> Result<TraceIndex, TraceError> {
        let readings = if path.is_file() {
            vec![path.to_path_buf()]
        } else {
            list(path, &is_csv)?.into_iter().map(|(_, p)| p).collect()
        };
        scan_readings(path, self.name(), GENERIC_MEMORY, readings)
    }
}

/// Which columns a long-CSV layout has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Name of the time column (seconds).
    pub time: &'static str,
    /// Name of the VM id column.
    pub vm: &'static str,
    /// Name of the CPU % column replayed.
    pub cpu: &'static str,
    /// Other columns that must hold a percentage when present (validated, not replayed).
    pub percent: &'static [&'static str],
    /// Whether files may lack the header (then the columns are in `order`).
    pub headerless_order: Option<&'static [&'static str]>,
}

/// The generic `time,vm,cpu[,ram]` layout.
pub const GENERIC: Layout = Layout {
    time: "time",
    vm: "vm",
    cpu: "cpu",
    percent: &["ram"],
    headerless_order: None,
};

/// The generic layout read for memory (`metric = "memory"`): `ram` replayed, required; `cpu`
/// validated.
pub const GENERIC_MEMORY: Layout = Layout {
    time: "time",
    vm: "vm",
    cpu: "ram",
    percent: &["cpu"],
    headerless_order: None,
};

/// One row: time (ms on the trace's clock), VM id, CPU level and the row's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    /// Time, ms.
    pub time_ms: i64,
    /// VM id.
    pub vm: &'a str,
    /// CPU utilisation.
    pub cpu: Level,
    /// 1-based line in the file.
    pub line: u64,
}

#[derive(Debug, Clone)]
struct Positions {
    time: usize,
    vm: usize,
    cpu: usize,
    percent: Vec<(usize, &'static str)>,
    count: usize,
}

/// Reads the rows of one long-CSV file, validating each.
pub struct Rows<R: Read> {
    csv: csv::Reader<R>,
    record: csv::StringRecord,
    layout: Layout,
    cols: Positions,
    origin: String,
    /// The first record was data (headerless file) and has not been returned yet.
    first_is_data: bool,
}

impl<R: Read> Rows<R> {
    /// Starts reading `reader` (named `origin` in errors) in `layout`; reads the header.
    pub fn new(reader: R, origin: &str, layout: Layout) -> Result<Self, TraceError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let mut record = csv::StringRecord::new();
        let read = csv
            .read_record(&mut record)
            .map_err(|e| csv_error(origin, &e))?;
        if !read {
            return Err(TraceError::file(
                origin,
                format!("empty file: expected a header row ({})", expected(&layout)),
            ));
        }
        let headerless = layout
            .headerless_order
            .filter(|_| record.get(0).is_some_and(|f| f.parse::<f64>().is_ok()));
        let cols = match headerless {
            Some(order) => positions(&layout, order.iter().copied(), origin)?,
            None => positions(&layout, record.iter(), origin)?,
        };
        Ok(Rows {
            csv,
            record,
            layout,
            cols,
            origin: origin.to_string(),
            first_is_data: headerless.is_some(),
        })
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, TraceError> {
        if self.first_is_data {
            self.first_is_data = false;
        } else if !self
            .csv
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&self.origin, &e))?
        {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let origin = &self.origin;
        let err = |field: &str, msg: String| TraceError::at(origin, line, Some(field), msg);
        if self.record.len() != self.cols.count {
            return Err(TraceError::at(
                origin,
                line,
                None,
                format!(
                    "has {} fields but the header has {}",
                    self.record.len(),
                    self.cols.count
                ),
            ));
        }
        let field = |i: usize| self.record.get(i).unwrap_or("");
        let time_text = field(self.cols.time);
        let time_s: f64 = time_text
            .parse()
            .ok()
            .filter(|t: &f64| t.is_finite())
            .ok_or_else(|| {
                err(
                    self.layout.time,
                    format!(
                        "{} is not a number; expected a time in seconds",
                        excerpt(time_text)
                    ),
                )
            })?;
        if time_s.abs() > crate::trace::MAX_TIME_S {
            return Err(err(
                self.layout.time,
                format!(
                    "{} is beyond {} seconds either side of 0 (about 3,000 years); expected a time in seconds",
                    excerpt(time_text),
                    short(crate::trace::MAX_TIME_S)
                ),
            ));
        }
        let percent = |i: usize, name: &str| {
            let text = field(i);
            let value: f64 = text.parse().map_err(|_| {
                err(
                    name,
                    format!(
                        "{} is not a number; expected a utilisation in percent (0-100)",
                        excerpt(text)
                    ),
                )
            })?;
            level_from_percent(value).ok_or_else(|| {
                err(
                    name,
                    format!(
                        "{} is outside 0-100; expected a utilisation in percent",
                        short(value)
                    ),
                )
            })
        };
        let cpu = percent(self.cols.cpu, self.layout.cpu)?;
        for &(i, name) in &self.cols.percent {
            percent(i, name)?;
        }
        let vm = field(self.cols.vm);
        if vm.is_empty() {
            return Err(err(self.layout.vm, "empty VM id".into()));
        }
        Ok(Some(Row {
            time_ms: (time_s * 1000.0).round() as i64,
            vm,
            cpu,
            line,
        }))
    }
}

/// Per-VM totals gathered by the first pass over a long trace.
struct LongVm {
    first_ms: i64,
    last_ms: i64,
    last_at: (usize, u64),
    gaps: IntervalEstimate,
}

/// Reads the long-CSV files `readings` of the trace at `path` in `layout` (two passes:
/// each VM's span and gaps, then its levels on the grid) and returns the index of the format
/// called `format`, its samples in memory.
pub(crate) fn scan_readings(
    path: &Path,
    format: &'static str,
    layout: Layout,
    readings: Vec<PathBuf>,
) -> Result<TraceIndex, TraceError> {
    if readings.is_empty() {
        return Err(TraceError::file(
            shown(path),
            format!(
                "no readings: the folder has no .csv files besides metadata (expected rows {})",
                [layout.time, layout.vm, layout.cpu].join(",")
            ),
        ));
    }
    let mut warnings = Vec::new();
    // Files in the order of their first timestamp, so each VM's rows come in time order even
    // when file names do not sort (batch_10 before batch_2).
    let mut ordered = Vec::with_capacity(readings.len());
    for p in readings {
        let file = File::open(&p).map_err(|e| io_error(&p, e))?;
        let mut rows = Rows::new(BufReader::new(file), &shown(&p), layout)?;
        let first = rows.next_row()?.map(|r| r.time_ms);
        match first {
            Some(t) => ordered.push((t, p)),
            None => warnings.push(format!("{}: header but no rows: skipped", shown(&p))),
        }
    }
    if ordered.is_empty() {
        return Err(TraceError::file(
            shown(path),
            "no rows: every readings file has a header only",
        ));
    }
    ordered.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let files: Vec<PathBuf> = ordered.into_iter().map(|(_, p)| p).collect();

    // Pass 1: each VM's first and last time, and its gaps.
    let mut per_vm: BTreeMap<String, LongVm> = BTreeMap::new();
    for (f, p) in files.iter().enumerate() {
        let file = File::open(p).map_err(|e| io_error(p, e))?;
        let mut rows = Rows::new(BufReader::new(file), &shown(p), layout)?;
        while let Some(r) = rows.next_row()? {
            match per_vm.get_mut(r.vm) {
                None => {
                    per_vm.insert(
                        r.vm.to_string(),
                        LongVm {
                            first_ms: r.time_ms,
                            last_ms: r.time_ms,
                            last_at: (f, r.line),
                            gaps: IntervalEstimate::default(),
                        },
                    );
                }
                Some(vm) => {
                    if r.time_ms <= vm.last_ms {
                        return Err(TraceError::at(
                            shown(p),
                            r.line,
                            Some(layout.time),
                            format!(
                                "time {} s of VM {} is not after its previous sample ({} s, {}:{}): each VM's rows must be in time order",
                                r.time_ms as f64 / 1000.0,
                                excerpt(r.vm),
                                vm.last_ms as f64 / 1000.0,
                                shown(&files[vm.last_at.0]),
                                vm.last_at.1
                            ),
                        ));
                    }
                    vm.gaps.add((r.time_ms - vm.last_ms) as u64);
                    vm.last_ms = r.time_ms;
                    vm.last_at = (f, r.line);
                }
            }
        }
    }
    let mut estimate = IntervalEstimate::default();
    for vm in per_vm.values() {
        estimate.merge(&vm.gaps);
    }
    let interval_ms = estimate.median().ok_or_else(|| {
        TraceError::file(
            shown(path),
            "cannot take the sampling interval from the data: every VM has a single sample",
        )
    })?;
    let grid = Grid {
        origin_ms: per_vm.values().map(|v| v.first_ms).min().unwrap_or(0),
        interval_ms,
    };
    let too_long = |id: &str| {
        TraceError::file(
            shown(path),
            format!(
                "VM {} spans more than 2^32 steps of the interval",
                excerpt(id)
            ),
        )
    };
    let mut vms = Vec::with_capacity(per_vm.len());
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (id, v)) in per_vm.iter().enumerate() {
        let first = grid.step(v.first_ms).ok_or_else(|| too_long(id))?;
        let last = grid.step(v.last_ms).ok_or_else(|| too_long(id))?;
        vms.push(VmInfo::new(id.clone(), first, last + 1));
        index.insert(id, i);
    }
    let mut spacing = Spacing::default();
    for (id, v) in &per_vm {
        spacing.add(&format!("VM {id}"), &v.gaps, interval_ms);
    }
    warnings.extend(spacing.warning(&shown(path), vms.len()));

    // Pass 2: the levels, snapped to the grid, held in memory (2 bytes per VM and step).
    let mut series: Vec<Series> = vms
        .iter()
        .map(|v| Series::with_range(v.first_step, v.end_step))
        .collect();
    for p in &files {
        let file = File::open(p).map_err(|e| io_error(p, e))?;
        let mut rows = Rows::new(BufReader::new(file), &shown(p), layout)?;
        while let Some(r) = rows.next_row()? {
            if let (Some(&i), Some(step)) = (index.get(r.vm), grid.step(r.time_ms)) {
                series[i].set(step, r.cpu);
            }
        }
    }
    for s in &mut series {
        s.fill_gaps();
    }

    Ok(TraceIndex {
        format,
        source: shown(path),
        interval_ms,
        steps: vms.iter().map(|v| v.end_step).max().unwrap_or(0),
        vms,
        warnings,
        data: Data::Compact(Arc::new(series)),
    })
}

fn expected(layout: &Layout) -> String {
    let mut cols = vec![layout.time, layout.vm, layout.cpu];
    cols.extend(layout.percent.iter().copied());
    cols.join(",")
}

fn positions<'a>(
    layout: &Layout,
    names: impl Iterator<Item = &'a str>,
    origin: &str,
) -> Result<Positions, TraceError> {
    let names: Vec<&str> = names.collect();
    let mut known = vec![layout.time, layout.vm, layout.cpu];
    known.extend(layout.percent.iter().copied());
    for name in &names {
        if !known.contains(name) {
            return Err(TraceError::at(
                origin,
                1,
                None,
                format!(
                    "unknown column {} in the header; valid columns: {}",
                    excerpt(name),
                    known.join(", ")
                ),
            ));
        }
    }
    if let Some(dup) = crate::trace::duplicate(&names) {
        return Err(TraceError::at(
            origin,
            1,
            Some(dup),
            format!(
                "column {} appears twice in the header: each column is named once",
                excerpt(dup)
            ),
        ));
    }
    let find = |name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            TraceError::at(
                origin,
                1,
                None,
                format!(
                    "header has no {name:?} column; expected columns {}",
                    expected(layout)
                ),
            )
        })
    };
    Ok(Positions {
        time: find(layout.time)?,
        vm: find(layout.vm)?,
        cpu: find(layout.cpu)?,
        percent: layout
            .percent
            .iter()
            .filter_map(|&p| names.iter().position(|n| *n == p).map(|i| (i, p)))
            .collect(),
        count: names.len(),
    })
}

fn csv_error(origin: &str, e: &csv::Error) -> TraceError {
    match e.position() {
        Some(p) => TraceError::at(origin, p.line(), None, e.to_string()),
        None => TraceError::file(origin, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Result<Vec<(i64, String, Level, u64)>, TraceError> {
        let mut rows = Rows::new(text.as_bytes(), "t.csv", GENERIC)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next_row()? {
            out.push((r.time_ms, r.vm.to_string(), r.cpu, r.line));
        }
        Ok(out)
    }

    #[test]
    fn generic_rows_read_seconds_ids_and_percent_in_any_column_order() {
        let rows = read_all("vm,time,cpu\na,0,10\nb,0,20.5\na,300.5,30\n").unwrap();
        assert_eq!(
            rows,
            vec![
                (0, "a".into(), 1000, 2),
                (0, "b".into(), 2050, 3),
                (300_500, "a".into(), 3000, 4)
            ]
        );
        let with_ram = read_all("time,vm,cpu,ram\n0,a,10,55\n").unwrap();
        assert_eq!(with_ram.len(), 1);
    }

    #[test]
    fn generic_errors_name_line_and_column() {
        let e = read_all("").unwrap_err();
        assert!(e.message.contains("empty file"), "{e}");
        let e = read_all("time,vm,cpux\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("unknown column \"cpux\""), "{e}");
        let e = read_all("time,vm\n0,a\n").unwrap_err();
        assert!(e.message.contains("no \"cpu\" column"), "{e}");
        let e = read_all("time,vm,cpu\n0,a,5\n1,a,x\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("cpu")));
        let e = read_all("time,vm,cpu\n0,a,-5\n").unwrap_err();
        assert!(e.message.contains("outside 0-100"), "{e}");
        let e = read_all("time,vm,cpu,ram\n0,a,5,120\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ram"));
        let e = read_all("time,vm,cpu\n0,a,5,7\n").unwrap_err();
        assert!(
            e.message.contains("has 4 fields but the header has 3"),
            "{e}"
        );
        let e = read_all("time,vm,cpu\nnow,a,5\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("time"));
    }
}
