//! The Bitbrains GWA-T-12 format: a folder with one CSV file per VM (`1.csv`, `2.csv`, ...),
//! fields separated by `;` followed by a tab, and a header row:
//! `Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage [MHZ];
//! CPU usage [%]; Memory capacity provisioned [KB]; ...`.
//!
//! Two quirks of the published data: the timestamp column says `[ms]` but holds Unix
//! seconds, and rows of a VM that is not provisioned yet report 0 cores (and zeros
//! everywhere). nightshift reads timestamps as seconds, and skips 0-core rows (the VM's replay
//! starts at its first row with cores), counting them in a warning.

use crate::quote::{excerpt, short};
use crate::trace::files::{is_csv, list, open_at, shown};
use crate::trace::grid::{Grid, IntervalEstimate, Spacing};
use crate::trace::samples::{Data, LineSamples, VmFile};
use crate::trace::{
    Level, TraceError, TraceFormat, TraceIndex, VmInfo, duplicate, level_from_percent,
};
use std::path::{Path, PathBuf};

/// The Bitbrains format, for the registry ([`super::FORMATS`]).
#[derive(Debug, Clone, Copy)]
pub struct Bitbrains;

impl TraceFormat for Bitbrains {
    fn name(&self) -> &'static str {
        "bitbrains"
    }

    fn summary(&self) -> &'static str {
        "a folder of GWA-T-12 per-VM CSV files (`;` + tab separated, header row)"
    }

    fn has_timestamps(&self) -> bool {
        true
    }

    fn scan(&self, path: &Path, _interval_ms: Option<u64>) -> Result<TraceIndex, TraceError> {
        scan_folder(path, false)
    }

    fn has_memory(&self) -> bool {
        true
    }

    fn scan_memory(&self, path: &Path) -> Result<TraceIndex, TraceError> {
        scan_folder(path, true)
    }
}

/// The header column holding the timestamp (Unix seconds, whatever its label says).
pub const TIME: &str = "Timestamp [ms]";
/// The header column holding the number of cores.
pub const CORES: &str = "CPU cores";
/// The header column holding the CPU utilisation in percent.
pub const CPU: &str = "CPU usage [%]";
/// The header column holding the VM's memory, KB (read with `metric = "memory"`).
pub const MEMORY_PROVISIONED: &str = "Memory capacity provisioned [KB]";
/// The header column holding the memory in use, KB (read with `metric = "memory"`).
pub const MEMORY_USED: &str = "Memory usage [KB]";

/// Where the columns nightshift reads are, from the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Number of fields in every row.
    pub count: usize,
    /// Index of the timestamp.
    pub time: usize,
    /// Index of the core count.
    pub cores: usize,
    /// Index of the CPU utilisation.
    pub cpu: usize,
    /// Indexes of the memory provisioned and in use, when the header has both.
    pub memory: Option<(usize, usize)>,
}

/// One row: time (Unix seconds), cores and CPU level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Timestamp, seconds.
    pub time_s: i64,
    /// Cores provisioned (0 = VM not provisioned at that time).
    pub cores: u32,
    /// CPU utilisation.
    pub cpu: Level,
}

fn fields(line: &str) -> impl Iterator<Item = &str> {
    line.split(';').map(str::trim)
}

/// Reads the header row; fails naming the missing column.
pub fn header(line: &str) -> Result<Columns, String> {
    let names: Vec<&str> = fields(line).collect();
    if let Some(dup) = duplicate(&names) {
        return Err(format!(
            "column {} appears twice in the header: each column is named once",
            excerpt(dup)
        ));
    }
    let find = |name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            format!(
                "header has no {name:?} column; a GWA-T-12 header starts \"{TIME};\\t{CORES};\\t...\" and has {CPU:?} (got {} columns: {})",
                names.len(),
                excerpt(&names.join(" | "))
            )
        })
    };
    let at = |name: &str| names.iter().position(|n| *n == name);
    Ok(Columns {
        count: names.len(),
        time: find(TIME)?,
        cores: find(CORES)?,
        cpu: find(CPU)?,
        memory: at(MEMORY_PROVISIONED).zip(at(MEMORY_USED)),
    })
}

/// The memory level of data row `line` (already read by [`row`]): memory in use over memory
/// provisioned, capped at 100 %; on failure the column at fault and what is wrong. `cols`
/// must have the memory columns.
pub fn memory_level(line: &str, cols: &Columns) -> Result<Level, (Option<&'static str>, String)> {
    let Some((provisioned, used)) = cols.memory else {
        return Err((None, missing_memory()));
    };
    let values: Vec<&str> = fields(line).collect();
    let kb = |i: usize, name: &'static str| {
        values[i]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                (
                    Some(name),
                    format!(
                        "{} is not a non-negative number; expected a memory size in KB",
                        excerpt(values[i])
                    ),
                )
            })
    };
    let total = kb(provisioned, MEMORY_PROVISIONED)?;
    let in_use = kb(used, MEMORY_USED)?;
    if total <= 0.0 {
        return Err((
            Some(MEMORY_PROVISIONED),
            "is 0 on a row with cores: expected the VM's memory in KB".to_string(),
        ));
    }
    Ok(level_from_percent((in_use / total).min(1.0) * 100.0).unwrap_or(0))
}

/// Why a file without the memory columns cannot be read for memory.
fn missing_memory() -> String {
    format!(
        "header has no {MEMORY_PROVISIONED:?} and {MEMORY_USED:?} columns, which metric = \"memory\" reads"
    )
}

/// Reads a data row; on failure returns the column at fault and what is wrong.
pub fn row(line: &str, cols: &Columns) -> Result<Row, (Option<&'static str>, String)> {
    let values: Vec<&str> = fields(line).collect();
    if values.len() != cols.count {
        return Err((
            None,
            format!(
                "has {} fields but the header has {} (fields are separated by \";\")",
                values.len(),
                cols.count
            ),
        ));
    }
    let number = |i: usize, name: &'static str, what: &str| {
        values[i]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                (
                    Some(name),
                    format!("{} is not a number; expected {what}", excerpt(values[i])),
                )
            })
    };
    let time = number(cols.time, TIME, "Unix seconds")?;
    if time.fract() != 0.0 || time < 0.0 {
        return Err((
            Some(TIME),
            format!(
                "{} is not a whole, non-negative number of Unix seconds",
                short(time)
            ),
        ));
    }
    if time > crate::trace::MAX_TIME_S {
        return Err((
            Some(TIME),
            format!(
                "{} is beyond {} Unix seconds (about the year 5000); expected Unix seconds",
                short(time),
                short(crate::trace::MAX_TIME_S)
            ),
        ));
    }
    let cores = number(cols.cores, CORES, "a whole number of cores")?;
    if cores.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&cores) {
        return Err((
            Some(CORES),
            format!(
                "{} is not a whole, non-negative number of cores",
                short(cores)
            ),
        ));
    }
    let cpu_pct = number(cols.cpu, CPU, "a CPU utilisation in percent (0-100)")?;
    let cpu = level_from_percent(cpu_pct).ok_or_else(|| {
        (
            Some(CPU),
            format!(
                "{} is outside 0-100; expected a CPU utilisation in percent",
                short(cpu_pct)
            ),
        )
    })?;
    Ok(Row {
        time_s: time as i64,
        cores: cores as u32,
        cpu,
    })
}

/// What the scan learnt about one file.
struct BitbrainsScan {
    first_ms: i64,
    last_ms: i64,
    cores: u32,
    gaps: IntervalEstimate,
    unprovisioned: u64,
    columns: Columns,
    path: PathBuf,
    /// Byte offset and line number of the first data line.
    data_at: (u64, u64),
    size: u64,
}

/// Reads one VM's file; with `memory`, its memory columns must be there and every row's
/// memory level valid too.
fn scan_file(path: &Path, memory: bool) -> Result<BitbrainsScan, TraceError> {
    let mut reader = open_at(path, 0, 0)?;
    let columns = match reader.next_line(path)? {
        None => {
            return Err(TraceError::file(
                shown(path),
                "empty file: expected a GWA-T-12 header row and samples",
            ));
        }
        Some((_, text)) => header(text.trim_start_matches('\u{feff}'))
            .map_err(|m| TraceError::at(shown(path), 1, None, m))?,
    };
    if memory && columns.memory.is_none() {
        return Err(TraceError::at(shown(path), 1, None, missing_memory()));
    }
    let data_at = (reader.offset, reader.line);
    let mut first: Option<(i64, u32)> = None;
    let mut previous: Option<(i64, u64)> = None;
    let mut gaps = IntervalEstimate::default();
    let mut unprovisioned = 0;
    while let Some((line, text)) = reader.next_line(path)? {
        if text.trim().is_empty() {
            continue;
        }
        let row = row(text, &columns)
            .map_err(|(field, msg)| TraceError::at(shown(path), line, field, msg))?;
        if row.cores == 0 {
            unprovisioned += 1;
            continue;
        }
        if memory {
            memory_level(text, &columns)
                .map_err(|(field, msg)| TraceError::at(shown(path), line, field, msg))?;
        }
        let t = row.time_s * 1000;
        if let Some((p, p_line)) = previous {
            if t <= p {
                return Err(TraceError::at(
                    shown(path),
                    line,
                    Some(TIME),
                    format!(
                        "timestamp {} is not after the previous one ({} on line {p_line}): rows must be in time order",
                        row.time_s,
                        p / 1000
                    ),
                ));
            }
            gaps.add((t - p) as u64);
        }
        first.get_or_insert((t, row.cores));
        previous = Some((t, line));
    }
    let size = reader.offset;
    let (Some((first_ms, cores)), Some((last_ms, _))) = (first, previous) else {
        return Err(TraceError::file(
            shown(path),
            if unprovisioned > 0 {
                format!(
                    "no samples: all {unprovisioned} rows report 0 CPU cores (VM not provisioned); remove the file or give it provisioned rows"
                )
            } else {
                "no samples: the file has a header but no rows".to_string()
            },
        ));
    };
    Ok(BitbrainsScan {
        first_ms,
        last_ms,
        cores,
        gaps,
        unprovisioned,
        columns,
        path: path.to_path_buf(),
        data_at,
        size,
    })
}

/// Reads every `.csv` file of the folder `dir`, for its CPU or (`memory`) its memory.
fn scan_folder(dir: &Path, memory: bool) -> Result<TraceIndex, TraceError> {
    let names = list(dir, &is_csv)?;
    if names.is_empty() {
        return Err(TraceError::file(
            shown(dir),
            "folder has no .csv files: a Bitbrains trace is one CSV file per VM",
        ));
    }
    let mut scans = Vec::with_capacity(names.len());
    for (name, path) in &names {
        scans.push((name.clone(), scan_file(path, memory)?));
    }
    let mut estimate = IntervalEstimate::default();
    for (_, s) in &scans {
        estimate.merge(&s.gaps);
    }
    let interval_ms = estimate.median().ok_or_else(|| {
        TraceError::file(
            shown(dir),
            "cannot take the sampling interval from the data: every VM has a single sample",
        )
    })?;
    let grid = Grid {
        origin_ms: scans.iter().map(|(_, s)| s.first_ms).min().unwrap_or(0),
        interval_ms,
    };
    let mut warnings = Vec::new();
    let mut spacing = Spacing::default();
    let count = scans.len();
    let mut vms = Vec::with_capacity(count);
    let mut files = Vec::with_capacity(count);
    for (name, s) in scans {
        let path = shown(&s.path);
        if s.unprovisioned > 0 {
            warnings.push(format!(
                "{path}: {} rows report 0 CPU cores (VM not provisioned yet): skipped, the VM's replay starts at its first row with cores",
                s.unprovisioned
            ));
        }
        spacing.add(&path, &s.gaps, interval_ms);
        let step = |t: i64| grid.step(t).unwrap_or(0);
        let mut vm = VmInfo::new(
            name.strip_suffix(".csv").unwrap_or(&name),
            step(s.first_ms),
            step(s.last_ms) + 1,
        );
        vm.cores = Some(s.cores.to_string());
        vms.push(vm);
        files.push(VmFile {
            path: s.path,
            data_offset: s.data_at.0,
            data_line: s.data_at.1,
            size: s.size,
            samples: Box::new(Lines {
                columns: s.columns,
                grid,
                memory,
            }),
        });
    }
    warnings.extend(spacing.warning(&shown(dir), count));
    Ok(TraceIndex {
        format: Bitbrains.name(),
        source: shown(dir),
        interval_ms,
        steps: vms.iter().map(|v| v.end_step).max().unwrap_or(0),
        vms,
        warnings,
        data: Data::Files(files),
    })
}

/// A streamed file's lines as samples: rows with cores, snapped to the trace's grid; their
/// CPU level, or with `memory` their memory level.
#[derive(Debug, Clone)]
struct Lines {
    columns: Columns,
    grid: Grid,
    memory: bool,
}

impl LineSamples for Lines {
    fn sample(
        &mut self,
        path: &Path,
        line: u64,
        text: &str,
    ) -> Result<Option<(u32, Level)>, TraceError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let row =
            row(text, &self.columns).map_err(|(f, m)| TraceError::at(shown(path), line, f, m))?;
        if row.cores == 0 {
            return Ok(None);
        }
        let step = self.grid.step(row.time_s * 1000).ok_or_else(|| {
            TraceError::at(
                shown(path),
                line,
                Some(TIME),
                "timestamp before the trace start: the file changed since it was scanned",
            )
        })?;
        let level = if self.memory {
            memory_level(text, &self.columns)
                .map_err(|(f, m)| TraceError::at(shown(path), line, f, m))?
        } else {
            row.cpu
        };
        Ok(Some((step, level)))
    }

    fn boxed_clone(&self) -> Box<dyn LineSamples> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    #[test]
    fn header_locates_the_columns() {
        let c = header(HEADER).unwrap();
        assert_eq!(
            c,
            Columns {
                count: 11,
                time: 0,
                cores: 1,
                cpu: 4,
                memory: Some((5, 6)),
            }
        );
        let e = header("Timestamp [ms];\tCPU cores").unwrap_err();
        assert!(e.contains("no \"CPU usage [%]\" column"), "{e}");
    }

    #[test]
    fn rows_read_seconds_cores_and_percent() {
        let c = header(HEADER).unwrap();
        let r = row("1372629804;\t2;\t5851.9989;\t87.7799835;\t1.5;\t8218624.0;\t1034592.8;\t160.86;\t21.73;\t0.26;\t1.46", &c).unwrap();
        assert_eq!(
            r,
            Row {
                time_s: 1_372_629_804,
                cores: 2,
                cpu: 150
            }
        );
    }

    /// Memory level = in use over provisioned: 1,034,592.8 of 8,218,624 KB is 12.588 %, kept
    /// as 1259 hundredths of a percent; use above provisioned is capped at 100 %.
    #[test]
    fn memory_level_is_use_over_provisioned() {
        let c = header(HEADER).unwrap();
        let line = "1372629804;\t2;\t5851.9989;\t87.7799835;\t1.5;\t8218624.0;\t1034592.8;\t160.86;\t21.73;\t0.26;\t1.46";
        assert_eq!(memory_level(line, &c), Ok(1259));
        let over = line.replace("1034592.8", "9000000");
        assert_eq!(memory_level(&over, &c), Ok(10_000));
        let (col, msg) = memory_level(&line.replace("8218624.0", "0"), &c).unwrap_err();
        assert_eq!(col, Some(MEMORY_PROVISIONED));
        assert!(msg.contains("is 0"), "{msg}");
        let (col, _) = memory_level(&line.replace("1034592.8", "-1"), &c).unwrap_err();
        assert_eq!(col, Some(MEMORY_USED));
    }

    /// A folder scanned for memory replays each VM's memory level on the CPU scan's grid; a
    /// file without the memory columns is refused at line 1.
    #[test]
    fn memory_scan_replays_memory_and_needs_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let rows = "1000;\t2;\t1;\t1;\t10;\t1000;\t250;\t0;\t0;\t0;\t0\n1300;\t2;\t1;\t1;\t20;\t1000;\t500;\t0;\t0;\t0;\t0\n";
        std::fs::write(dir.path().join("1.csv"), format!("{HEADER}\n{rows}")).unwrap();
        let cpu = Bitbrains.scan(dir.path(), None).unwrap();
        let mem = Bitbrains.scan_memory(dir.path()).unwrap();
        assert_eq!((mem.interval_ms, mem.steps), (cpu.interval_ms, cpu.steps));
        let mut out = [0];
        let mut replay = Bitbrains.open(&mem);
        replay.seek(0, &mut out).unwrap();
        assert_eq!(out, [2500]);
        replay.seek(1, &mut out).unwrap();
        assert_eq!(out, [5000]);
        let short = "Timestamp [ms];\tCPU cores;\tCPU usage [%]\n1000;\t2;\t10\n1300;\t2;\t20\n";
        std::fs::write(dir.path().join("1.csv"), short).unwrap();
        let e = Bitbrains.scan_memory(dir.path()).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("Memory usage [KB]"), "{e}");
    }

    #[test]
    fn bad_rows_name_the_column() {
        let c = header(HEADER).unwrap();
        let ok = "1;\t2;\t3;\t4;\t5;\t6;\t7;\t8;\t9;\t10;\t11";
        assert!(row(ok, &c).is_ok());
        let (col, msg) = row("1;\t2;\t3", &c).unwrap_err();
        assert_eq!(col, None);
        assert!(msg.contains("has 3 fields but the header has 11"), "{msg}");
        let (col, msg) = row(&ok.replacen("5;", "x;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        assert!(msg.contains("\"x\" is not a number"), "{msg}");
        let (col, _) = row(&ok.replacen("5;", "-1;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        let (col, _) = row(&ok.replacen("5;", "100.5;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        let (col, _) = row(&ok.replacen("2;", "1.5;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CORES));
        let (col, _) = row(&ok.replacen("1;", "1e3x;", 1), &c).unwrap_err();
        assert_eq!(col, Some(TIME));
    }
}
