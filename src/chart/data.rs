//! Reading a run's (or a comparison's) output folder back for charts and reports (a sweep's
//! is in `sweep_results`). Columns are looked up by name, so files that gain columns keep
//! working; a missing column or a value that is not a number is an error naming the file,
//! the row and the column.

use super::style::Night;
use crate::output::files::{
    BASELINE_TIMESERIES_FILE, COMPARISON_FILE, CONFLICTS_FILE, HOST_UTILISATION_FILE, RESULTS_FILE,
    RUN_TABLE_FILES, SCENARIO_COPY_FILE, SUMMARY_FILE, TIMESERIES_FILE, parquet_name,
};
use crate::output::{ComparisonRow, SummaryFile};
use crate::sim::records::Summary;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with a file of an earlier run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known (the header is line 1).
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DataError {}

/// An error reading `file` (at `line`, when known).
pub(super) fn data_error(file: &Path, line: Option<u64>, message: impl Into<String>) -> DataError {
    DataError {
        file: file.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Opens a CSV file and finds the position of each wanted column by name.
fn open_columns(
    path: &Path,
    wanted: &[&str],
) -> Result<(csv::Reader<std::fs::File>, Vec<usize>), DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| data_error(path, None, format!("cannot read: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| data_error(path, Some(1), format!("cannot read the header: {e}")))?
        .clone();
    let writer = if path.file_name().is_some_and(|n| n == RESULTS_FILE) {
        "nightshift merge"
    } else {
        "nightshift run"
    };
    let index = wanted
        .iter()
        .map(|name| {
            headers.iter().position(|h| h == *name).ok_or_else(|| {
                data_error(
                    path,
                    Some(1),
                    format!("no column \"{name}\" ({writer} writes it)"),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok((reader, index))
}

/// Reads the named text columns of a CSV file, in the order asked.
pub fn read_text_columns(path: &Path, wanted: &[&str]) -> Result<Vec<Vec<String>>, DataError> {
    let (mut reader, index) = open_columns(path, wanted)?;
    let mut columns = vec![Vec::new(); wanted.len()];
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(data_error(path, Some(line), e.to_string())),
        }
        for (col, &i) in columns.iter_mut().zip(&index) {
            col.push(record.get(i).unwrap_or("").to_string());
        }
    }
    Ok(columns)
}

/// Reads the named numeric columns of a CSV file, in the order asked; empty fields are NaN.
pub fn read_columns(path: &Path, wanted: &[&str]) -> Result<Vec<Vec<f64>>, DataError> {
    let (mut reader, index) = open_columns(path, wanted)?;
    let mut columns = vec![Vec::new(); wanted.len()];
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(data_error(path, Some(line), e.to_string())),
        }
        for ((col, &i), name) in columns.iter_mut().zip(&index).zip(wanted) {
            let field = record.get(i).unwrap_or(b"");
            col.push(parse_number(field).ok_or_else(|| {
                data_error(
                    path,
                    Some(line),
                    format!(
                        "column \"{name}\": expected a number, found \"{}\"",
                        String::from_utf8_lossy(field)
                    ),
                )
            })?);
        }
    }
    Ok(columns)
}

/// Like [`read_columns`], but a column of `optional` missing from the header reads as NaN in
/// every row: a column added after the file was written (older folders still load).
pub fn read_columns_or_nan(
    path: &Path,
    wanted: &[&str],
    optional: &[&str],
) -> Result<Vec<Vec<f64>>, DataError> {
    let headers = csv::Reader::from_path(path)
        .and_then(|mut r| r.headers().cloned())
        .map_err(|e| data_error(path, Some(1), format!("cannot read the header: {e}")))?;
    let present: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !optional.contains(w) || headers.iter().any(|h| h == *w))
        .collect();
    let read = read_columns(path, &present)?;
    let rows = read.first().map_or(0, Vec::len);
    let mut columns = read.into_iter();
    Ok(wanted
        .iter()
        .map(|w| {
            if present.contains(w) {
                columns.next().unwrap_or_default()
            } else {
                vec![f64::NAN; rows]
            }
        })
        .collect())
}

fn parse_number(field: &[u8]) -> Option<f64> {
    if field.is_empty() {
        return Some(f64::NAN);
    }
    std::str::from_utf8(field).ok()?.trim().parse().ok()
}

/// The columns of `timeseries.csv` the charts use, times in hours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeseries {
    /// Time of each control tick, h since the start (Monday 00:00).
    pub time_h: Vec<f64>,
    /// Hosts on.
    pub hosts_on: Vec<f64>,
    /// Hosts booting.
    pub hosts_booting: Vec<f64>,
    /// Hosts shutting down.
    pub hosts_shutting_down: Vec<f64>,
    /// Hosts off.
    pub hosts_off: Vec<f64>,
    /// Hosts in the low-power sleep state (zeros when the file has no such column).
    pub hosts_sleeping: Vec<f64>,
    /// CPU demand, MIPS.
    pub demand_mips: Vec<f64>,
    /// CPU capacity of hosts on, MIPS.
    pub capacity_on_mips: Vec<f64>,
    /// IT power, W.
    pub power_w: Vec<f64>,
    /// Cumulative IT energy, kWh.
    pub energy_kwh: Vec<f64>,
    /// Cumulative cost of IT energy (without PUE).
    pub cost: Vec<f64>,
    /// Migrations started since the previous tick.
    pub migrations_started: Vec<f64>,
    /// Hosts the demand needs at the power policy's target (empty when the file predates
    /// the column).
    pub hosts_needed: Vec<f64>,
    /// The lower bound on hosts needed (empty when the file predates the column).
    pub hosts_lower_bound: Vec<f64>,
    /// The carbon columns, when the run had `[carbon]`.
    pub carbon: Option<CarbonSeries>,
}

/// The carbon columns of a timeseries (`[carbon]` runs only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CarbonSeries {
    /// Grid intensity at each tick, gCO2e per kWh.
    pub intensity_g_per_kwh: Vec<f64>,
    /// Operational emissions since the start, kgCO2e.
    pub carbon_kg: Vec<f64>,
}

const TIMESERIES_USED: &[&str] = &[
    "time_s",
    "hosts_on",
    "hosts_booting",
    "hosts_shutting_down",
    "hosts_off",
    "demand_mips",
    "capacity_on_mips",
    "power_w",
    "energy_kwh",
    "cost",
    "migrations_started",
];

/// Columns read when present (files from before they existed lack them).
const TIMESERIES_OPTIONAL: &[&str] = &[
    "hosts_sleeping",
    "hosts_needed",
    "hosts_lower_bound",
    "intensity_g_per_kwh",
    "carbon_kg",
];

/// The header of a CSV file.
pub(super) fn header(path: &Path) -> Result<Vec<String>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| data_error(path, None, format!("cannot read: {e}")))?;
    Ok(reader
        .headers()
        .map_err(|e| data_error(path, Some(1), format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect())
}

impl Timeseries {
    /// Reads a `timeseries.csv` (or `baseline_timeseries.csv`).
    pub fn read(path: &Path) -> Result<Self, DataError> {
        let present = header(path)?;
        let mut wanted: Vec<&str> = TIMESERIES_USED.to_vec();
        let optional: Vec<&str> = TIMESERIES_OPTIONAL
            .iter()
            .copied()
            .filter(|c| present.iter().any(|h| h == c))
            .collect();
        wanted.extend(&optional);
        let mut c = read_columns(path, &wanted)?.into_iter();
        let mut next = || c.next().unwrap_or_default();
        let time_h = next().into_iter().map(|s| s / 3600.0).collect();
        let ts = Timeseries {
            time_h,
            hosts_on: next(),
            hosts_booting: next(),
            hosts_shutting_down: next(),
            hosts_off: next(),
            demand_mips: next(),
            capacity_on_mips: next(),
            power_w: next(),
            energy_kwh: next(),
            cost: next(),
            migrations_started: next(),
            hosts_sleeping: Vec::new(),
            hosts_needed: Vec::new(),
            hosts_lower_bound: Vec::new(),
            carbon: None,
        };
        let mut ts = ts;
        ts.hosts_sleeping = if optional.contains(&"hosts_sleeping") {
            next()
        } else {
            vec![0.0; ts.time_h.len()]
        };
        if optional.contains(&"hosts_needed") {
            ts.hosts_needed = next();
        }
        if optional.contains(&"hosts_lower_bound") {
            ts.hosts_lower_bound = next();
        }
        if optional.contains(&"intensity_g_per_kwh") && optional.contains(&"carbon_kg") {
            ts.carbon = Some(CarbonSeries {
                intensity_g_per_kwh: next(),
                carbon_kg: next(),
            });
        }
        if ts.time_h.is_empty() {
            return Err(data_error(
                path,
                None,
                "no rows: the run recorded no control tick",
            ));
        }
        Ok(ts)
    }

    /// The last tick, h.
    pub fn end_h(&self) -> f64 {
        self.time_h.last().copied().unwrap_or(0.0)
    }

    /// `(time_h, value)` pairs of a column, scaled.
    pub fn points<'a>(
        &'a self,
        column: &'a [f64],
        scale: f64,
    ) -> impl Iterator<Item = (f64, f64)> + Clone + 'a {
        self.time_h
            .iter()
            .zip(column)
            .map(move |(&t, &v)| (t, v * scale))
    }
}

/// `host_utilisation.csv`: every host's utilisation at every tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Utilisation {
    /// Tick times, h.
    pub time_h: Vec<f64>,
    /// Number of hosts (columns).
    pub hosts: usize,
    /// Row-major `[tick][host]` utilisation; NaN where the host was not on.
    pub values: Vec<f32>,
}

impl Utilisation {
    /// Reads `host_utilisation.csv`: the long form (`time_s`, `host`, `utilisation`: one row
    /// per host on at each tick, format version 2) placed on `time_h`, the ticks of
    /// `timeseries.csv` (hours), for a fleet of `hosts`; or the wide form of older folders
    /// (`time_s`, then one column per host, empty when not on).
    pub fn read(path: &Path, time_h: &[f64], hosts: usize) -> Result<Self, DataError> {
        let present = header(path)?;
        if present.iter().any(|h| h == "utilisation") {
            Self::read_long(path, time_h, hosts)
        } else {
            Self::read_wide(path)
        }
    }

    fn read_long(path: &Path, time_h: &[f64], hosts: usize) -> Result<Self, DataError> {
        let columns = read_columns(path, &["time_s", "host", "utilisation"])?;
        let mut values = vec![f32::NAN; time_h.len() * hosts];
        let (mut tick, mut last_host): (Option<usize>, Option<usize>) = (None, None);
        for (row, ((&t, &h), &u)) in columns[0]
            .iter()
            .zip(&columns[1])
            .zip(&columns[2])
            .enumerate()
        {
            let line = Some(row as u64 + 2);
            let t = t / 3600.0;
            if !(h >= 0.0 && h.fract() == 0.0 && (h as usize) < hosts) {
                return Err(data_error(
                    path,
                    line,
                    format!(
                        "column \"host\": {h} is not a host of this run (0 to {})",
                        hosts.saturating_sub(1)
                    ),
                ));
            }
            let h = h as usize;
            // Rows of one tick come in host order: a host not above the last starts the next
            // tick, even at the same time (the end-of-run row may share a tick's time).
            let same = tick.is_some_and(|k| time_h[k] == t) && last_host.is_some_and(|l| h > l);
            if !same {
                let from = tick.map_or(0, |k| k + 1);
                tick = (from..time_h.len()).find(|&k| time_h[k] == t);
            }
            let Some(k) = tick else {
                return Err(data_error(
                    path,
                    line,
                    format!(
                        "column \"time_s\": {} s is not a later row's time of {TIMESERIES_FILE}",
                        t * 3600.0
                    ),
                ));
            };
            values[k * hosts + h] = u as f32;
            last_host = Some(h);
        }
        Ok(Utilisation {
            time_h: time_h.to_vec(),
            hosts,
            values,
        })
    }

    fn read_wide(path: &Path) -> Result<Self, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .from_path(path)
            .map_err(|e| data_error(path, None, format!("cannot read: {e}")))?;
        let headers = reader
            .byte_headers()
            .map_err(|e| data_error(path, Some(1), e.to_string()))?;
        if headers.get(0) != Some(b"time_s".as_slice()) {
            return Err(data_error(
                path,
                Some(1),
                "the first column must be \"time_s\"",
            ));
        }
        let hosts = headers.len() - 1;
        let (mut time_h, mut values) = (Vec::new(), Vec::new());
        let mut record = csv::ByteRecord::new();
        loop {
            let line = reader.position().line();
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(data_error(path, Some(line), e.to_string())),
            }
            let bad = |col: usize| {
                data_error(
                    path,
                    Some(line),
                    format!(
                        "column {}: expected a number or nothing, found \"{}\"",
                        col + 1,
                        String::from_utf8_lossy(record.get(col).unwrap_or(b""))
                    ),
                )
            };
            let t = parse_number(&record[0])
                .filter(|t| t.is_finite())
                .ok_or_else(|| bad(0))?;
            time_h.push(t / 3600.0);
            for col in 1..=hosts {
                let v = parse_number(&record[col]).ok_or_else(|| bad(col))?;
                values.push(v as f32);
            }
        }
        Ok(Utilisation {
            time_h,
            hosts,
            values,
        })
    }

    /// Utilisation of `host` at tick `tick` (NaN when not on).
    pub fn at(&self, tick: usize, host: usize) -> f32 {
        self.values[tick * self.hosts + host]
    }

    /// Number of ticks.
    pub fn ticks(&self) -> usize {
        self.time_h.len()
    }
}

/// Which optional files a run's output folder holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFiles {
    /// `baseline_timeseries.csv` (the baseline ran).
    pub baseline: bool,
    /// `host_utilisation.csv`.
    pub host_utilisation: bool,
    /// The run's table files present, CSV and Parquet, in the catalogue's order.
    pub tables: Vec<String>,
}

/// What the reports of a run read from its output folder: `summary.json`, `scenario.toml` and
/// which optional files are there (no series: a run without charts reads only this).
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The folder.
    pub dir: PathBuf,
    /// `summary.json`.
    pub file: SummaryFile,
    /// Which optional files the folder holds.
    pub files: RunFiles,
    /// `scenario.toml` (the scenario as run), when present.
    pub scenario_text: Option<String>,
}

impl RunSummary {
    /// Reads a run's summary, scenario and file list.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let file = read_summary(&dir.join(SUMMARY_FILE))?;
        let files = RunFiles {
            baseline: dir.join(BASELINE_TIMESERIES_FILE).exists(),
            host_utilisation: dir.join(HOST_UTILISATION_FILE).exists(),
            tables: RUN_TABLE_FILES
                .iter()
                .flat_map(|csv| [csv.to_string(), parquet_name(csv)])
                .filter(|name| dir.join(name).exists())
                .collect(),
        };
        let scenario_text = std::fs::read_to_string(dir.join(SCENARIO_COPY_FILE)).ok();
        Ok(RunSummary {
            dir: dir.to_path_buf(),
            file,
            files,
            scenario_text,
        })
    }

    /// The run's own numbers (the top level of `summary.json`).
    pub fn run(&self) -> &Summary {
        &self.file.summary
    }

    /// The hours the charts shade as night (22:00–06:00 for run folders written before
    /// `night` was recorded).
    pub fn night(&self) -> Night {
        self.run().night
    }

    /// The scenario's name.
    pub fn scenario(&self) -> &str {
        &self.run().scenario
    }

    /// The currency of costs.
    pub fn currency(&self) -> &str {
        &self.run().energy.currency
    }

    /// The PUE applied to costs in the summary.
    pub fn pue(&self) -> f64 {
        self.run().energy.pue
    }
}

/// Reads a run's `summary.json` at `path`. Invalid JSON names its line; a document that is
/// not a summary (a field missing or of the wrong type) names the field by its dotted path,
/// as [`misfit`] finds it.
pub fn read_summary(path: &Path) -> Result<SummaryFile, DataError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| data_error(path, None, format!("cannot read: {e}")))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| data_error(path, Some(e.line() as u64), format!("not valid JSON: {e}")))?;
    serde_json::from_value(json.clone()).map_err(|e| {
        let what = misfit(&json).unwrap_or_else(|| e.to_string());
        data_error(path, None, format!(
                "{what}; it is not a summary nightshift wrote (run the scenario again to rebuild the folder)"
            ))
    })
}

/// The first field of a summary document that does not fit [`SummaryFile`], as
/// `` `energy.it_kwh` is missing or not a number ``: a field present with the wrong kind of
/// value, else a missing field the summary cannot do without (fields that older versions did
/// not write are left out; so are the baseline's and the savings' when they are `null`). The
/// shape is that of a summary serialised from the types, so no field name is spelt here.
pub fn misfit(found: &Value) -> Option<String> {
    // With a baseline, so that its fields and the savings' are in the shape too.
    let empty = Summary::default();
    let shape = serde_json::to_value(SummaryFile::new(empty.clone(), Some(&empty))).ok()?;
    let mut leaves = Vec::new();
    leaves_of(&shape, &mut Vec::new(), &mut leaves);
    let at = |doc: &Value, path: &[String]| {
        path.iter()
            .try_fold(doc, |node, key| node.get(key))
            .cloned()
    };
    let kind = |v: &Value| match v {
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Bool(_) => "true or false",
        _ => "an object",
    };
    let message = |path: &[String], expected: &Value| {
        format!("`{}` is missing or not {}", path.join("."), kind(expected))
    };
    let object = Value::Object(Default::default());
    // Present but of another kind: always wrong.
    for (path, expected) in &leaves {
        if let Some(v) = at(found, path)
            && std::mem::discriminant(&v) != std::mem::discriminant(expected)
        {
            return Some(message(path, expected));
        }
    }
    // Missing (the leaf, or the outermost object on its way): wrong when the summary's own
    // shape without it no longer reads.
    // A part left `null` (no baseline) holds nothing to miss.
    leaves.iter().find_map(|(path, expected)| {
        if (1..path.len()).any(|n| at(found, &path[..n]) == Some(Value::Null)) {
            return None;
        }
        let gone = (1..=path.len()).find(|&n| at(found, &path[..n]).is_none())?;
        let mut without = shape.clone();
        let (last, parents) = path[..gone].split_last()?;
        if let Some(Value::Object(map)) = parents
            .iter()
            .try_fold(&mut without, |node, key| node.get_mut(key))
        {
            map.remove(last);
        }
        serde_json::from_value::<SummaryFile>(without)
            .is_err()
            .then(|| {
                message(
                    &path[..gone],
                    if gone == path.len() {
                        expected
                    } else {
                        &object
                    },
                )
            })
    })
}

/// Every number, string and boolean in `doc` with its path of keys (maps and `null`s, the
/// parts a summary may leave empty, are not leaves).
fn leaves_of(doc: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match doc {
        Value::Object(map) => {
            for (key, value) in map {
                path.push(key.clone());
                leaves_of(value, path, out);
                path.pop();
            }
        }
        Value::Null | Value::Array(_) => {}
        leaf => out.push((path.clone(), leaf.clone())),
    }
}

/// Everything the charts of one run need: its summary (which it dereferences to) and its
/// series, read from its output folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// What the reports read.
    pub summary: RunSummary,
    /// `timeseries.csv`.
    pub timeseries: Timeseries,
    /// `baseline_timeseries.csv`, when the baseline ran.
    pub baseline: Option<Timeseries>,
    /// Times of conflicts (from `conflicts.csv`), h.
    pub conflict_h: Vec<f64>,
    /// `host_utilisation.csv`, when written.
    pub utilisation: Option<Utilisation>,
}

impl std::ops::Deref for RunData {
    type Target = RunSummary;
    fn deref(&self) -> &RunSummary {
        &self.summary
    }
}

impl RunData {
    /// Reads a run's output folder.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let summary = RunSummary::load(dir)?;
        let csv = dir.join(TIMESERIES_FILE);
        if !csv.exists() && dir.join(parquet_name(TIMESERIES_FILE)).exists() {
            return Err(data_error(
                &csv,
                None,
                "missing: this run wrote its tables as Parquet only (--format parquet) and charts read the CSV files; run it again with --format both",
            ));
        }
        let timeseries = Timeseries::read(&csv)?;
        let baseline = if summary.files.baseline {
            Some(Timeseries::read(&dir.join(BASELINE_TIMESERIES_FILE))?)
        } else {
            None
        };
        let conflicts = read_columns(&dir.join(CONFLICTS_FILE), &["time_s"])?;
        let conflict_h = conflicts
            .into_iter()
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|s| s / 3600.0)
            .collect();
        let utilisation = if summary.files.host_utilisation {
            Some(Utilisation::read(
                &dir.join(HOST_UTILISATION_FILE),
                &timeseries.time_h,
                summary.run().hosts.count,
            )?)
        } else {
            None
        };
        Ok(RunData {
            summary,
            timeseries,
            baseline,
            conflict_h,
            utilisation,
        })
    }
}

/// A comparison's rows, read from `comparison.csv`, and each variant's scenario as run.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The folder.
    pub dir: PathBuf,
    /// One row per variant, in the order they ran.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// Reads `comparison.csv` in `dir`.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let path = dir.join(COMPARISON_FILE);
        let mut reader = csv::ReaderBuilder::new()
            .from_path(&path)
            .map_err(|e| data_error(&path, None, format!("cannot read: {e}")))?;
        let mut rows = Vec::new();
        for (i, row) in reader.deserialize::<ComparisonRow>().enumerate() {
            rows.push(row.map_err(|e| data_error(&path, Some(i as u64 + 2), e.to_string()))?);
        }
        if rows.is_empty() {
            return Err(data_error(
                &path,
                None,
                "no rows: the comparison has no variant",
            ));
        }
        Ok(Comparison {
            dir: dir.to_path_buf(),
            rows,
        })
    }

    /// The currency of costs (of the first variant).
    pub fn currency(&self) -> &str {
        self.rows.first().map_or("", |r| r.currency.as_str())
    }

    /// The baseline value of a metric when every variant shares it (same workload), else None.
    pub fn shared_baseline(&self, pick: impl Fn(&ComparisonRow) -> Option<f64>) -> Option<f64> {
        let first = pick(self.rows.first()?)?;
        self.rows
            .iter()
            .all(|r| pick(r).is_some_and(|v| (v - first).abs() <= 1e-9 * first.abs().max(1.0)))
            .then_some(first)
    }
}

/// A run for chart tests: `n` ticks `step_h` apart, 10 hosts on, 1000 MIPS of demand on 2000,
/// 100 kW, no migrations, no baseline, no conflicts.
#[cfg(test)]
pub(crate) fn test_run(n: usize, step_h: f64) -> RunData {
    let ts = Timeseries {
        time_h: (0..n).map(|i| i as f64 * step_h).collect(),
        hosts_on: vec![10.0; n],
        hosts_booting: vec![0.0; n],
        hosts_shutting_down: vec![0.0; n],
        hosts_off: vec![0.0; n],
        hosts_sleeping: vec![0.0; n],
        demand_mips: vec![1000.0; n],
        capacity_on_mips: vec![2000.0; n],
        power_w: vec![100_000.0; n],
        energy_kwh: (0..n).map(|i| i as f64 * 100.0 * step_h).collect(),
        cost: vec![0.0; n],
        migrations_started: vec![0.0; n],
        hosts_needed: vec![4.0; n],
        hosts_lower_bound: vec![3.0; n],
        carbon: None,
    };
    RunData {
        summary: RunSummary {
            dir: PathBuf::from("test"),
            file: SummaryFile {
                summary: Summary {
                    scenario: "test".into(),
                    ..Summary::default()
                },
                ..SummaryFile::default()
            },
            files: RunFiles::default(),
            scenario_text: None,
        },
        timeseries: ts,
        baseline: None,
        conflict_h: Vec::new(),
        utilisation: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns come back by name whatever their position; extra columns are ignored; an
    /// empty field is NaN.
    #[test]
    fn columns_are_found_by_name_and_extra_columns_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "b,new_column,a\n1.5,x,2\n,y,-3e2\n").unwrap();
        let cols = read_columns(&path, &["a", "b"]).unwrap();
        assert_eq!(cols[0], vec![2.0, -300.0]);
        assert_eq!(cols[1][0], 1.5);
        assert!(cols[1][1].is_nan());
    }

    /// A missing column names the file, line 1 and the column.
    #[test]
    fn missing_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a\n1\n").unwrap();
        let e = read_columns(&path, &["a", "power_w"]).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.to_string().contains("no column \"power_w\""), "{e}");
    }

    /// A value that is not a number names its line (header = line 1) and column.
    #[test]
    fn bad_value_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a\n1\n2\nlots\n").unwrap();
        let e = read_columns(&path, &["a"]).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("\"lots\""), "{e}");
    }

    /// `hosts_sleeping` is read when the file has it and zero when it does not (files
    /// written before the sleep state existed).
    #[test]
    fn sleeping_column_is_optional() {
        let dir = tempfile::tempdir().unwrap();
        let base = TIMESERIES_USED.join(",");
        let row = "0,1,0,0,2,100,200,300,0,0,0";
        let old = dir.path().join("old.csv");
        std::fs::write(&old, format!("{base}\n{row}\n")).unwrap();
        assert_eq!(Timeseries::read(&old).unwrap().hosts_sleeping, vec![0.0]);
        let new = dir.path().join("new.csv");
        std::fs::write(&new, format!("{base},hosts_sleeping\n{row},1\n")).unwrap();
        let ts = Timeseries::read(&new).unwrap();
        assert_eq!(ts.hosts_sleeping, vec![1.0]);
        assert_eq!(ts.power_w, vec![300.0]);
    }

    /// A summary.json as the first versions wrote it (no night, warm-up, sleep counts,
    /// downtime, unserved demand, caveat): it still loads, each later field at its default
    /// (the night 22:00–06:00, savings comparable as they were then presented).
    #[test]
    fn summaries_from_older_versions_load_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{
          "scenario": "old", "seed": 42, "duration_s": 86400.0,
          "energy": {"it_kwh": 10.5, "facility_kwh": 14.7, "cost": 2.0, "currency": "EUR",
                     "idle_kwh": 5.0, "dynamic_kwh": 5.5, "migration_kwh": 0.0,
                     "transition_kwh": 0.0, "standby_kwh": 0.0, "pue": 1.4},
          "migrations": {"count": 3, "completed": 3, "aborted": 0, "in_flight": 0,
                         "mean_duration_s": 9.5, "total_duration_s": 28.5, "data_gb": 6.0},
          "sla": {"slatah": 0.0, "pdm": 0.0, "slav": 0.0, "esv": 0.0},
          "conflicts": {"total": 0, "by_kind": {}},
          "hosts": {"count": 4, "boots": 1, "shutdowns": 2, "mean_on": 3.5,
                    "min_on": 3, "max_on": 4},
          "vms": {"count": 20, "ended": 0, "waiting_at_end": 0},
          "events": 1234,
          "baseline": {"it_kwh": 12.0, "facility_kwh": 16.8, "cost": 2.4, "slatah": 0.0},
          "savings": {"energy_kwh": 1.5, "energy_fraction": 0.125, "cost": 0.4,
                      "cost_fraction": 0.1667}
        }"#;
        std::fs::write(dir.path().join(SUMMARY_FILE), old).unwrap();
        let run = RunSummary::load(dir.path()).unwrap();
        assert_eq!(run.scenario(), "old");
        assert_eq!(run.run().migrations.count, 3);
        assert_eq!(run.run().vms.unplaced, 0);
        assert_eq!(run.night(), Night::DEFAULT);
        let savings = run.file.savings.as_ref().unwrap();
        assert!(savings.comparable && savings.caveat.is_empty());
        assert_eq!(run.file.baseline.as_ref().unwrap().vms_unplaced, 0);
    }

    /// A summary that lost a field every version wrote, or holds text where a number
    /// belongs, is refused naming the field by its path; a field only later versions write
    /// is never the one blamed.
    #[test]
    fn a_damaged_summary_names_the_field() {
        let good = serde_json::to_value(SummaryFile::default()).unwrap();
        assert_eq!(misfit(&good), None);
        // `migrations.mean_wait_s`, `night` and `warmup_s` came later: skipped over.
        let mut lost = good.clone();
        lost["migrations"]
            .as_object_mut()
            .unwrap()
            .remove("mean_wait_s");
        lost["sla"].as_object_mut().unwrap().remove("pdm");
        lost.as_object_mut().unwrap().remove("night");
        lost.as_object_mut().unwrap().remove("warmup_s");
        assert_eq!(
            misfit(&lost).as_deref(),
            Some("`sla.pdm` is missing or not a number")
        );
        let mut text = good.clone();
        text["hosts"]["boots"] = Value::from("x");
        assert_eq!(
            misfit(&text).as_deref(),
            Some("`hosts.boots` is missing or not a number")
        );
        let mut no_caveat = serde_json::to_value(SummaryFile::new(
            Summary::default(),
            Some(&Summary::default()),
        ))
        .unwrap();
        no_caveat["savings"]["comparable"] = Value::from(1);
        assert_eq!(
            misfit(&no_caveat).as_deref(),
            Some("`savings.comparable` is missing or not true or false")
        );
        let mut no_sla = good;
        no_sla.as_object_mut().unwrap().remove("sla");
        assert_eq!(
            misfit(&no_sla).as_deref(),
            Some("`sla` is missing or not an object")
        );
    }

    /// The long utilisation file is placed on the timeseries' ticks, NaN where a host was not
    /// on; a tick with no host on has no row, and a second tick at the same time (the end of
    /// the run) starts when the host ids start again.
    #[test]
    fn utilisation_reads_long_rows_onto_the_ticks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(HOST_UTILISATION_FILE);
        std::fs::write(
            &path,
            "time_s,host,utilisation\n0.0,0,0.5\n3600.0,1,1.25\n3600.0,0,0.25\n",
        )
        .unwrap();
        let ticks = [0.0, 0.5, 1.0, 1.0];
        let u = Utilisation::read(&path, &ticks, 2).unwrap();
        assert_eq!((u.hosts, u.ticks()), (2, 4));
        assert_eq!(u.at(0, 0), 0.5);
        assert!(u.at(0, 1).is_nan() && u.at(1, 0).is_nan() && u.at(1, 1).is_nan());
        assert_eq!(u.at(2, 1), 1.25);
        assert!(u.at(2, 0).is_nan());
        assert_eq!(u.at(3, 0), 0.25);
        std::fs::write(&path, "time_s,host,utilisation\n0.0,2,0.5\n").unwrap();
        let e = Utilisation::read(&path, &ticks, 2).unwrap_err().to_string();
        assert!(
            e.ends_with(":2: column \"host\": 2 is not a host of this run (0 to 1)"),
            "{e}"
        );
    }

    /// The wide utilisation file of format version 1: NaN where a host was not on, times
    /// converted to hours.
    #[test]
    fn utilisation_reads_wide_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(HOST_UTILISATION_FILE);
        std::fs::write(
            &path,
            "time_s,host_0,host_1\n0.000,0.500,\n1800.000,,1.250\n",
        )
        .unwrap();
        let u = Utilisation::read(&path, &[], 0).unwrap();
        assert_eq!(u.hosts, 2);
        assert_eq!(u.time_h, vec![0.0, 0.5]);
        assert_eq!(u.at(0, 0), 0.5);
        assert!(u.at(0, 1).is_nan());
        assert_eq!(u.at(1, 1), 1.25);
    }
}
