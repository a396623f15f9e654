//! File access for traces: listing folders, the scanning pass ([`scan`]) and replays
//! ([`open`]). Per-VM-file formats are replayed by re-opening each file at the offset reached
//! and reading [`CHUNK_ROWS`] rows at a time, so no file stays open between steps and a
//! replay holds at most `CHUNK_ROWS` rows per VM, however long the trace. Short PlanetLab
//! traces (at most [`PRELOAD_MAX_STEPS`] samples per file) are kept in memory by the scan
//! instead, which is smaller than a streaming window.

use super::grid::{Grid, Hold, IntervalEstimate, Series};
use super::long_csv::{Layout, Rows};
use super::{
    Format, Level, NOT_UTF8, Replay, TraceError, TraceIndex, VmInfo, azure, bitbrains, lines,
    long_csv, planetlab,
};
use crate::quote::excerpt;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows read from a per-VM file at a time during a replay.
pub const CHUNK_ROWS: usize = 128;

/// A PlanetLab trace whose files all have at most this many samples is kept in memory by the
/// scan (2 bytes a sample, less than a streaming window of [`CHUNK_ROWS`] rows) instead of
/// being streamed: a day of 288 samples is 576 bytes per VM, and replays open no file.
pub const PRELOAD_MAX_STEPS: u32 = 512;

/// Where a trace's samples are.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    /// One file per VM (PlanetLab, Bitbrains), streamed.
    Files {
        /// The grid samples are snapped to (Bitbrains); PlanetLab rows are steps 0, 1, ...
        grid: Grid,
        /// One file per VM, in VM order.
        files: Vec<VmFile>,
    },
    /// Every VM's levels in memory (long formats), shared between replays.
    Compact(Arc<Vec<Series>>),
}

/// A per-VM file and where its samples start.
#[derive(Debug, Clone)]
pub(crate) struct VmFile {
    path: PathBuf,
    /// Byte offset of the first data line.
    data_offset: u64,
    /// Line number of the first data line.
    data_line: u64,
    /// Bitbrains columns (`None` for PlanetLab).
    columns: Option<bitbrains::Columns>,
    /// Bytes in the file when it was scanned: a replay that reaches its end elsewhere finds
    /// the file changed since (truncated or appended to) and stops with an error.
    size: u64,
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn io_error(path: &Path, e: std::io::Error) -> TraceError {
    TraceError::file(shown(path), format!("cannot read: {e}"))
}

/// Reads lines from a byte offset, counting lines and bytes; strips `\n` and `\r\n`.
struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Number of the line last returned (1-based).
    line: u64,
    /// Byte offset just after the line last returned.
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    fn new(reader: R, line: u64, offset: u64) -> Self {
        LineReader {
            reader,
            buf: Vec::new(),
            line,
            offset,
        }
    }

    /// The next line and its number, or `None` at the end.
    fn next_line(&mut self, path: &Path) -> Result<Option<(u64, &str)>, TraceError> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| io_error(path, e))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.offset += n as u64;
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        let line = self.line;
        std::str::from_utf8(&self.buf)
            .map(|t| Some((line, t)))
            .map_err(|_| TraceError::at(shown(path), self.line, None, NOT_UTF8))
    }
}

fn open_at(path: &Path, offset: u64, line: u64) -> Result<LineReader<BufReader<File>>, TraceError> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    if offset > 0 {
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(path, e))?;
    }
    Ok(LineReader::new(BufReader::new(file), line, offset))
}

/// The regular files of `dir` (hidden ones excluded) whose names satisfy `keep`, sorted by
/// name as bytes.
fn list(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Vec<(String, PathBuf)>, TraceError> {
    // One status call for both checks (`Path::exists` and `is_dir` would make one each).
    let Ok(status) = std::fs::metadata(dir) else {
        return Err(TraceError::file(
            shown(dir),
            "no such folder: check the trace path (relative paths start at the scenario file's folder)",
        ));
    };
    if status.is_file() {
        return Err(TraceError::file(
            shown(dir),
            "is a file, but this trace format is a folder of files",
        ));
    }
    if !status.is_dir() {
        // Reading a named pipe without a writer would block forever.
        return Err(TraceError::file(
            shown(dir),
            "is not a regular file or a folder (a named pipe, socket or device): give a trace file or folder",
        ));
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file =
            entry.file_type().map_err(|e| io_error(dir, e))?.is_file() || entry.path().is_file();
        if is_file && !name.starts_with('.') && keep(&name) {
            out.push((name, entry.path()));
        }
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}

fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}

/// Reads the trace at `path` in `format` once, validating every row, and returns its index.
/// `interval_ms` sets the step of PlanetLab files (default 5 minutes); formats with
/// timestamps take their interval from the data and reject it.
pub fn scan(
    format: Format,
    path: &Path,
    interval_ms: Option<u64>,
) -> Result<TraceIndex, TraceError> {
    if interval_ms.is_some() && format.has_timestamps() {
        return Err(TraceError::file(
            shown(path),
            format!(
                "the {} format has timestamps: its interval is taken from the data and cannot be set",
                format.name()
            ),
        ));
    }
    match format {
        Format::PlanetLab => scan_planetlab(path, interval_ms.unwrap_or(planetlab::INTERVAL_MS)),
        Format::Bitbrains => scan_bitbrains(path),
        Format::Azure => scan_long(path, format),
        Format::Csv => scan_long(path, format),
    }
}

fn scan_planetlab(dir: &Path, interval_ms: u64) -> Result<TraceIndex, TraceError> {
    let names = list(dir, &|_| true)?;
    if names.is_empty() {
        return Err(TraceError::file(
            shown(dir),
            "folder has no trace files: a PlanetLab trace is one file per VM",
        ));
    }
    let mut vms = Vec::with_capacity(names.len());
    let mut files = Vec::with_capacity(names.len());
    // Levels kept while every file is short enough to preload; dropped at the first long one.
    let mut preload: Option<Vec<Series>> = Some(Vec::with_capacity(names.len()));
    // Reused from file to file: the bytes read and the levels of the file being read.
    let (mut head, mut buf) = (Vec::new(), Vec::new());
    let mut levels: Vec<Level> = Vec::with_capacity(PRELOAD_MAX_STEPS as usize);
    for (name, path) in names {
        let mut file = File::open(&path).map_err(|e| io_error(&path, e))?;
        let size = file.metadata().map_err(|e| io_error(&path, e))?.len();
        let mut decoder = planetlab::Decoder::default();
        let mut count: u32 = 0;
        levels.clear();
        // A file of one block (a day of samples is about 1 KB) in PlanetLab's own form is read
        // in one pass; anything else goes line by line through the decoder, from the bytes
        // already read on.
        head.clear();
        (&mut file)
            .take(lines::BLOCK as u64 + 1)
            .read_to_end(&mut head)
            .map_err(|e| io_error(&path, e))?;
        if head.len() <= lines::BLOCK && planetlab::whole_percent_lines(&head, &mut levels) {
            count = levels.len() as u32;
            if count > PRELOAD_MAX_STEPS {
                preload = None;
            }
        } else {
            lines::each_line(
                &mut (&head[..]).chain(&mut file),
                &mut buf,
                lines::BLOCK,
                |line, bytes| {
                    if let Some(level) = decoder
                        .bytes(line, bytes)
                        .map_err(|(line, msg)| TraceError::at(shown(&path), line, None, msg))?
                    {
                        count += 1;
                        if preload.is_some() {
                            if count <= PRELOAD_MAX_STEPS {
                                levels.push(level);
                            } else {
                                preload = None;
                            }
                        }
                    }
                    Ok(())
                },
                |e| io_error(&path, e),
            )?;
        }
        if let Some(series) = preload.as_mut() {
            series.push(Series {
                first: 0,
                values: levels.clone(),
            });
        }
        if count == 0 {
            return Err(TraceError::file(
                shown(&path),
                "empty file: a PlanetLab file holds one CPU % (0-100) per line",
            ));
        }
        vms.push(VmInfo::new(name, 0, count));
        files.push(VmFile {
            path,
            data_offset: 0,
            data_line: 0,
            columns: None,
            size,
        });
    }
    let steps = vms.iter().map(|v| v.end_step).max().unwrap_or(0);
    let mut warnings = Vec::new();
    let short: Vec<&VmInfo> = vms.iter().filter(|v| v.end_step < steps).collect();
    if let Some(first) = short.first() {
        warnings.push(format!(
            "{}: {} of {} files have fewer samples than the longest ({steps}), e.g. {:?} with {}: each of those VMs ends after its last sample",
            shown(dir),
            short.len(),
            vms.len(),
            first.id,
            first.end_step
        ));
    }
    let data = match preload {
        Some(series) => Data::Compact(Arc::new(series)),
        None => Data::Files {
            grid: Grid {
                origin_ms: 0,
                interval_ms,
            },
            files,
        },
    };
    Ok(TraceIndex {
        format: Format::PlanetLab,
        source: shown(dir),
        interval_ms,
        steps,
        vms,
        warnings,
        data,
    })
}

/// What the scan learnt about one Bitbrains file.
struct BitbrainsScan {
    first_ms: i64,
    last_ms: i64,
    cores: u32,
    gaps: IntervalEstimate,
    unprovisioned: u64,
    file: VmFile,
}

fn scan_bitbrains_file(path: &Path) -> Result<BitbrainsScan, TraceError> {
    let mut reader = open_at(path, 0, 0)?;
    let columns = match reader.next_line(path)? {
        None => {
            return Err(TraceError::file(
                shown(path),
                "empty file: expected a GWA-T-12 header row and samples",
            ));
        }
        Some((_, header)) => bitbrains::header(header.trim_start_matches('\u{feff}'))
            .map_err(|m| TraceError::at(shown(path), 1, None, m))?,
    };
    let mut file = VmFile {
        path: path.to_path_buf(),
        data_offset: reader.offset,
        data_line: reader.line,
        columns: Some(columns),
        size: 0,
    };
    let mut first: Option<(i64, u32)> = None;
    let mut previous: Option<(i64, u64)> = None;
    let mut gaps = IntervalEstimate::default();
    let mut unprovisioned = 0;
    while let Some((line, text)) = reader.next_line(path)? {
        if text.trim().is_empty() {
            continue;
        }
        let row = bitbrains::row(text, &columns)
            .map_err(|(field, msg)| TraceError::at(shown(path), line, field, msg))?;
        if row.cores == 0 {
            unprovisioned += 1;
            continue;
        }
        let t = row.time_s * 1000;
        if let Some((p, p_line)) = previous {
            if t <= p {
                return Err(TraceError::at(
                    shown(path),
                    line,
                    Some(bitbrains::TIME),
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
    file.size = reader.offset;
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
        file,
    })
}

fn scan_bitbrains(dir: &Path) -> Result<TraceIndex, TraceError> {
    let names = list(dir, &is_csv)?;
    if names.is_empty() {
        return Err(TraceError::file(
            shown(dir),
            "folder has no .csv files: a Bitbrains trace is one CSV file per VM",
        ));
    }
    let mut scans = Vec::with_capacity(names.len());
    for (name, path) in &names {
        scans.push((name.clone(), scan_bitbrains_file(path)?));
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
        let path = shown(&s.file.path);
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
        files.push(s.file);
    }
    warnings.extend(spacing.warning(&shown(dir), count));
    Ok(TraceIndex {
        format: Format::Bitbrains,
        source: shown(dir),
        interval_ms,
        steps: vms.iter().map(|v| v.end_step).max().unwrap_or(0),
        vms,
        warnings,
        data: Data::Files { grid, files },
    })
}

/// Irregular spacing found in a trace: holes (gaps of 1.5 intervals or more, where the
/// previous sample is held) and crowded samples (less than half an interval after the
/// previous one, where the later is kept).
#[derive(Debug, Default, Clone)]
struct Spacing {
    holes: u64,
    longest: u64,
    longest_in: String,
    crowded: u64,
    vms: usize,
}

impl Spacing {
    /// Adds the gaps of VM `vm`.
    fn add(&mut self, vm: &str, gaps: &IntervalEstimate, interval_ms: u64) {
        let before = (self.holes, self.crowded);
        for (gap, n) in gaps.counts() {
            if gap * 2 >= interval_ms * 3 {
                self.holes += n;
                if gap > self.longest {
                    self.longest = gap;
                    self.longest_in = vm.to_string();
                }
            } else if gap * 2 < interval_ms {
                self.crowded += n;
            }
        }
        if (self.holes, self.crowded) != before {
            self.vms += 1;
        }
    }

    /// One warning line for the whole trace at `what`, if anything was irregular.
    fn warning(&self, what: &str, vms: usize) -> Option<String> {
        let mut parts = Vec::new();
        if self.holes > 0 {
            parts.push(format!(
                "{} gaps of 1.5 intervals or more (longest {} s, {}): the previous sample is held",
                self.holes,
                self.longest / 1000,
                self.longest_in
            ));
        }
        if self.crowded > 0 {
            parts.push(format!(
                "{} samples less than half an interval after the previous one: the later one is kept",
                self.crowded
            ));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "{what}: {} of {vms} VMs sampled irregularly: {}",
                self.vms,
                parts.join("; ")
            )
        })
    }
}

/// Per-VM totals gathered by the first pass over a long trace.
struct LongVm {
    first_ms: i64,
    last_ms: i64,
    last_at: (usize, u64),
    gaps: IntervalEstimate,
}

fn long_layout(format: Format) -> Layout {
    if format == Format::Azure {
        azure::READINGS
    } else {
        long_csv::GENERIC
    }
}

fn scan_long(path: &Path, format: Format) -> Result<TraceIndex, TraceError> {
    let layout = long_layout(format);
    let is_metadata = |name: &str| name.to_ascii_lowercase().contains("metadata");
    let (readings, metadata_files): (Vec<PathBuf>, Vec<PathBuf>) =
        if format == Format::Csv && path.is_file() {
            (vec![path.to_path_buf()], vec![])
        } else {
            let all = list(path, &is_csv)?;
            let (meta, rest): (Vec<_>, Vec<_>) = all
                .into_iter()
                .partition(|(name, _)| format == Format::Azure && is_metadata(name));
            (
                rest.into_iter().map(|(_, p)| p).collect(),
                meta.into_iter().map(|(_, p)| p).collect(),
            )
        };
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

    for m in &metadata_files {
        let file = File::open(m).map_err(|e| io_error(m, e))?;
        let mut unused = 0;
        for meta in azure::metadata(BufReader::new(file), &shown(m))? {
            match index.get(meta.vm.as_str()) {
                Some(&i) => {
                    let vm = &mut vms[i];
                    vm.cores = meta.cores;
                    vm.memory_gb = meta.memory_gb;
                    vm.category = meta.category;
                }
                None => unused += 1,
            }
        }
        if unused > 0 {
            warnings.push(format!(
                "{}: {unused} VMs listed have no readings: ignored",
                shown(m)
            ));
        }
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

/// A replay of `index`: streamed from the files for per-VM-file formats, from memory for
/// long formats.
pub fn open(index: &TraceIndex) -> Box<dyn Replay> {
    match &index.data {
        Data::Compact(series) => Box::new(CompactReplay {
            series: Arc::clone(series),
        }),
        Data::Files { grid, files } => Box::new(FileReplay::new(*grid, files, &index.vms)),
    }
}

/// Replays levels held in memory.
struct CompactReplay {
    series: Arc<Vec<Series>>,
}

impl Replay for CompactReplay {
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), TraceError> {
        for (o, s) in out.iter_mut().zip(self.series.iter()) {
            *o = s.level_at(step);
        }
        Ok(())
    }
}

/// The samples of a per-VM file read ahead: at most [`CHUNK_ROWS`], and where to go on.
struct Window {
    buffer: VecDeque<(u32, Level)>,
    offset: u64,
    line: u64,
    /// Data rows read so far (the step of a PlanetLab row).
    rows: u32,
    decoder: planetlab::Decoder,
    at_end: bool,
}

impl Window {
    fn new(file: &VmFile) -> Self {
        Window {
            buffer: VecDeque::with_capacity(CHUNK_ROWS),
            offset: file.data_offset,
            line: file.data_line,
            rows: 0,
            decoder: planetlab::Decoder::default(),
            at_end: false,
        }
    }

    /// The next sample of `file`, reading a chunk when the window is empty.
    fn next(&mut self, file: &VmFile, grid: &Grid) -> Result<Option<(u32, Level)>, TraceError> {
        if self.buffer.is_empty() && !self.at_end {
            self.refill(file, grid)?;
        }
        Ok(self.buffer.pop_front())
    }

    /// Reads up to [`CHUNK_ROWS`] samples of `file` from where the last chunk ended.
    fn refill(&mut self, file: &VmFile, grid: &Grid) -> Result<(), TraceError> {
        let path = &file.path;
        let mut reader = open_at(path, self.offset, self.line)?;
        while self.buffer.len() < CHUNK_ROWS {
            let Some((n, text)) = reader.next_line(path)? else {
                if reader.offset != file.size {
                    return Err(changed_since_scan(file, reader.offset));
                }
                self.at_end = true;
                break;
            };
            let sample = match &file.columns {
                None => self
                    .decoder
                    .line(n, text)
                    .map_err(|(l, m)| TraceError::at(shown(path), l, None, m))?
                    .map(|level| {
                        self.rows += 1;
                        (self.rows - 1, level)
                    }),
                Some(columns) if !text.trim().is_empty() => {
                    let row = bitbrains::row(text, columns)
                        .map_err(|(f, m)| TraceError::at(shown(path), n, f, m))?;
                    if row.cores == 0 {
                        None
                    } else {
                        let step = grid.step(row.time_s * 1000).ok_or_else(|| {
                            TraceError::at(
                                shown(path),
                                n,
                                Some(bitbrains::TIME),
                                "timestamp before the trace start: the file changed since it was scanned",
                            )
                        })?;
                        Some((step, row.cpu))
                    }
                }
                Some(_) => None,
            };
            if let Some(s) = sample {
                self.buffer.push_back(s);
            }
        }
        self.offset = reader.offset;
        self.line = reader.line;
        Ok(())
    }
}

/// The error of a replay that found `file` ending at byte `end`, not where the scan saw it end:
/// the file was cut (or grown) while the run read it, and the run's results would silently
/// mix two versions of it.
fn changed_since_scan(file: &VmFile, end: u64) -> TraceError {
    TraceError::file(
        shown(&file.path),
        format!(
            "the file changed while the run was reading it: it ends at byte {end} but had {} bytes when it was scanned{}; run again once it no longer changes",
            file.size,
            if end < file.size { " (truncated?)" } else { "" }
        ),
    )
}

/// One VM's file being replayed.
struct FileCursor {
    file: VmFile,
    hold: Hold,
    window: Window,
}

impl FileCursor {
    fn new(file: &VmFile, vm: &VmInfo) -> Self {
        FileCursor {
            file: file.clone(),
            hold: Hold::new(vm.first_step, vm.end_step),
            window: Window::new(file),
        }
    }

    fn rewind(&mut self) {
        self.hold.rewind();
        self.window = Window::new(&self.file);
    }

    fn level_at(&mut self, step: u32, grid: &Grid) -> Result<Level, TraceError> {
        let FileCursor { file, hold, window } = self;
        hold.level_at(step, &mut || window.next(file, grid))
    }
}

/// Replays per-VM files, a chunk of rows at a time.
pub struct FileReplay {
    grid: Grid,
    cursors: Vec<FileCursor>,
    last_step: Option<u32>,
}

impl FileReplay {
    fn new(grid: Grid, files: &[VmFile], vms: &[VmInfo]) -> Self {
        FileReplay {
            grid,
            cursors: files
                .iter()
                .zip(vms)
                .map(|(f, v)| FileCursor::new(f, v))
                .collect(),
            last_step: None,
        }
    }

    /// A streaming replay of `index`, or `None` if its samples are held in memory.
    pub fn of(index: &TraceIndex) -> Option<FileReplay> {
        match &index.data {
            Data::Files { grid, files } => Some(FileReplay::new(*grid, files, &index.vms)),
            Data::Compact(_) => None,
        }
    }

    /// The most samples any VM holds in memory now (at most [`CHUNK_ROWS`]).
    pub fn buffered(&self) -> usize {
        self.cursors
            .iter()
            .map(|c| c.window.buffer.len())
            .max()
            .unwrap_or(0)
    }
}

impl Replay for FileReplay {
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), TraceError> {
        if self.last_step.is_some_and(|last| step < last) {
            for c in &mut self.cursors {
                c.rewind();
            }
        }
        self.last_step = Some(step);
        for (o, c) in out.iter_mut().zip(self.cursors.iter_mut()) {
            *o = c.level_at(step, &self.grid)?;
        }
        Ok(())
    }
}
