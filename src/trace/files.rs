//! The file layer every format shares, kept small: listing a trace folder, opening a file
//! at a byte offset and reading it line by line, and the errors that name the file.

use super::{NOT_UTF8, TraceError};
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A path as errors show it.
pub(crate) fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The error of a file that cannot be read.
pub(crate) fn io_error(path: &Path, e: std::io::Error) -> TraceError {
    TraceError::file(shown(path), format!("cannot read: {e}"))
}

/// Reads lines from a byte offset, counting lines and bytes; strips `\n` and `\r\n`.
pub(crate) struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Number of the line last returned (1-based).
    pub(crate) line: u64,
    /// Byte offset just after the line last returned.
    pub(crate) offset: u64,
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
    pub(crate) fn next_line(&mut self, path: &Path) -> Result<Option<(u64, &str)>, TraceError> {
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

/// `path` opened for reading lines from byte `offset`, which starts line `line + 1`.
pub(crate) fn open_at(
    path: &Path,
    offset: u64,
    line: u64,
) -> Result<LineReader<BufReader<File>>, TraceError> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    if offset > 0 {
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| io_error(path, e))?;
    }
    Ok(LineReader::new(BufReader::new(file), line, offset))
}

/// The regular files of `dir` (hidden ones excluded) whose names satisfy `keep`, sorted by
/// name as bytes.
pub(crate) fn list(
    dir: &Path,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, PathBuf)>, TraceError> {
    // One status call for both checks (`Path::exists` and `is_dir` would make one each).
    let Ok(status) = std::fs::metadata(dir) else {
        return Err(TraceError::file(
            shown(dir),
            "no such folder: check the trace path (relative paths start at the scenario file's folder, or at the current folder for a scenario read from standard input)",
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

/// Whether a file name ends in `.csv` (any case).
pub(crate) fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}
