//! Where a scan keeps a trace's samples (`Data`: in memory, or in per-VM files) and the two
//! replays that read them back. Per-VM-file formats are replayed by re-opening each file at
//! the offset reached and reading [`CHUNK_ROWS`] rows at a time, so no file stays open between
//! steps and a replay holds at most `CHUNK_ROWS` rows per VM, however long the trace; each
//! format says how its lines become samples (`LineSamples`).

use super::files::{open_at, shown};
use super::grid::{Hold, Series};
use super::{Level, Replay, TraceError, TraceIndex, VmInfo};
use crate::workload::replay::ReplayError;
use std::collections::VecDeque;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows read from a per-VM file at a time during a replay.
pub const CHUNK_ROWS: usize = 128;

/// Where a trace's samples are.
#[derive(Debug, Clone)]
pub(crate) enum Data {
    /// One file per VM (PlanetLab, Bitbrains), in VM order, streamed.
    Files(Vec<VmFile>),
    /// Every VM's levels in memory, shared between replays.
    Compact(Arc<Vec<Series>>),
}

/// How the data lines of one per-VM file become samples on the trace's grid. A file's value
/// is in its state before the first data line; each pass over the file starts from a copy.
pub(crate) trait LineSamples: Send + Sync + fmt::Debug {
    /// The sample `(step, level)` on data line `line` (`text`, without its line end), or
    /// `None` for a line without one; errors name `path`.
    fn sample(
        &mut self,
        path: &Path,
        line: u64,
        text: &str,
    ) -> Result<Option<(u32, Level)>, TraceError>;

    /// A copy, in the same state.
    fn boxed_clone(&self) -> Box<dyn LineSamples>;
}

impl Clone for Box<dyn LineSamples> {
    fn clone(&self) -> Self {
        self.boxed_clone()
    }
}

/// A per-VM file and where its samples start.
#[derive(Debug, Clone)]
pub(crate) struct VmFile {
    /// The file.
    pub(crate) path: PathBuf,
    /// Byte offset of the first data line.
    pub(crate) data_offset: u64,
    /// Line number of the first data line.
    pub(crate) data_line: u64,
    /// Bytes in the file when it was scanned: a replay that reaches its end elsewhere finds
    /// the file changed since (truncated or appended to) and stops with an error.
    pub(crate) size: u64,
    /// How its lines become samples.
    pub(crate) samples: Box<dyn LineSamples>,
}

/// A replay of `index` where its scan left the samples: from memory, or streamed from the
/// per-VM files.
pub(crate) fn open(index: &TraceIndex) -> Box<dyn Replay> {
    match &index.data {
        Data::Compact(series) => Box::new(CompactReplay {
            series: Arc::clone(series),
        }),
        Data::Files(files) => Box::new(FileReplay::new(files, &index.vms)),
    }
}

/// Replays levels held in memory.
struct CompactReplay {
    series: Arc<Vec<Series>>,
}

impl Replay for CompactReplay {
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), ReplayError> {
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
    samples: Box<dyn LineSamples>,
    at_end: bool,
}

impl Window {
    fn new(file: &VmFile) -> Self {
        Window {
            buffer: VecDeque::with_capacity(CHUNK_ROWS),
            offset: file.data_offset,
            line: file.data_line,
            samples: file.samples.clone(),
            at_end: false,
        }
    }

    /// The next sample of `file`, reading a chunk when the window is empty.
    fn next(&mut self, file: &VmFile) -> Result<Option<(u32, Level)>, TraceError> {
        if self.buffer.is_empty() && !self.at_end {
            self.refill(file)?;
        }
        Ok(self.buffer.pop_front())
    }

    /// Reads up to [`CHUNK_ROWS`] samples of `file` from where the last chunk ended.
    fn refill(&mut self, file: &VmFile) -> Result<(), TraceError> {
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
            if let Some(sample) = self.samples.sample(path, n, text)? {
                self.buffer.push_back(sample);
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

    fn level_at(&mut self, step: u32) -> Result<Level, TraceError> {
        let FileCursor { file, hold, window } = self;
        hold.level_at(step, &mut || window.next(file))
    }
}

/// Replays per-VM files, a chunk of rows at a time.
pub struct FileReplay {
    cursors: Vec<FileCursor>,
    last_step: Option<u32>,
}

impl FileReplay {
    fn new(files: &[VmFile], vms: &[VmInfo]) -> Self {
        FileReplay {
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
            Data::Files(files) => Some(FileReplay::new(files, &index.vms)),
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
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), ReplayError> {
        if self.last_step.is_some_and(|last| step < last) {
            for c in &mut self.cursors {
                c.rewind();
            }
        }
        self.last_step = Some(step);
        for (o, c) in out.iter_mut().zip(self.cursors.iter_mut()) {
            *o = c.level_at(step)?;
        }
        Ok(())
    }
}
