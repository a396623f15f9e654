//! Hidden scratch entries written beside a destination and renamed into place when complete:
//! their names, files written that way ([`AtomicFile`]), and removing the ones that processes
//! which died (`kill -9`, a lost node) left behind ([`remove_leftovers`]).
//!
//! Names: `.<name>.partial-<pid>[-<n>]` for staging folders and `.<name>.tmp-<pid>[-<n>]` for
//! files, `<name>` shortened so that the whole name fits in 255 bytes. A staging folder holds
//! a [`LOCK_FILE`] locked by its writer; a temporary file is locked itself.

use super::files::{RUNS_DIR, SUMMARY_FILE, TIMESERIES_FILE};
use super::lock::Lock;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The lock file inside a staging folder, removed just before the folder is renamed.
pub const LOCK_FILE: &str = ".nightshift.lock";

/// The longest file name most filesystems take, in bytes.
const NAME_MAX: usize = 255;

/// Names tried per destination before giving up (each taken name is someone else's entry).
const ATTEMPTS: u32 = 1000;

/// A staging folder without a lock file is judged by its PID only once it is this old: a
/// folder is created a moment before its lock file, and older nightshift versions made none.
const UNLOCKED_GRACE: Duration = Duration::from_secs(60);

/// What a scratch entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A staging folder (`.partial-`).
    Partial,
    /// A temporary file (`.tmp-`).
    Tmp,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Partial => ".partial-",
            Kind::Tmp => ".tmp-",
        }
    }
}

/// The scratch name for destination `name`, process `pid` and attempt `n`: `.<name><tag><pid>`
/// (`-<n>` added after the first attempt), `<name>` cut at a character boundary to fit.
pub fn scratch_name(name: &OsStr, kind: Kind, pid: u32, n: u32) -> String {
    let suffix = match n {
        0 => format!("{}{pid}", kind.tag()),
        n => format!("{}{pid}-{n}", kind.tag()),
    };
    let name = name.to_string_lossy();
    let mut keep = name.len().min(NAME_MAX - 1 - suffix.len());
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!(".{}{suffix}", &name[..keep])
}

/// The kind and PID of a scratch name, or `None` for any other name.
pub fn parse_scratch(name: &str) -> Option<(Kind, u32)> {
    let rest = name.strip_prefix('.')?;
    [Kind::Partial, Kind::Tmp].into_iter().find_map(|kind| {
        let (_, tail) = rest.rsplit_once(kind.tag())?;
        let (pid, n) = tail.split_once('-').unwrap_or((tail, "0"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(pid) && digits(n)).then_some(())?;
        Some((kind, pid.parse().ok()?))
    })
}

/// Creates a fresh, locked scratch entry beside `target` with `make(path)` (which must fail
/// with `AlreadyExists` if the path is taken), `lock(path)` locking it (`None`: someone else
/// took it first). Returns the path and its lock.
pub(super) fn create_scratch(
    target: &Path,
    kind: Kind,
    make: impl Fn(&Path) -> io::Result<()>,
    lock: impl Fn(&Path) -> io::Result<Option<Lock>>,
) -> io::Result<(PathBuf, Lock)> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().unwrap_or(OsStr::new("out"));
    for n in 0..ATTEMPTS {
        let path = parent.join(scratch_name(name, kind, std::process::id(), n));
        match make(&path) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            other => other?,
        }
        match lock(&path) {
            Ok(Some(l)) => return Ok((path, l)),
            // A cleaner judged it left over in the instant before it was locked: it removes it.
            Ok(None) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => {
                let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
                return Err(e);
            }
        }
    }
    Err(io::Error::other(format!(
        "{}: no free name for a hidden {} beside it",
        target.display(),
        if kind == Kind::Tmp { "file" } else { "folder" }
    )))
}

/// A file written under a hidden, locked name beside its destination and renamed into place by
/// [`AtomicFile::commit`]: the destination is never seen half-written. Dropped uncommitted,
/// the temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    lock: Option<Lock>,
    tmp: PathBuf,
    path: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file for `path`.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let (tmp, lock) = create_scratch(
            path,
            Kind::Tmp,
            |_| Ok(()),
            |p| Lock::try_take(p, true, true),
        )?;
        Ok(AtomicFile {
            lock: Some(lock),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// The temporary file, to write into.
    pub fn file(&mut self) -> &mut fs::File {
        self.lock
            .as_mut()
            .map(Lock::file)
            .expect("the lock is kept until commit")
    }

    /// Flushes and renames the file into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.file().flush()?;
        fs::rename(&self.tmp, &self.path)?;
        self.lock = None;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.lock.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

/// Writes `bytes` to `path` through an [`AtomicFile`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Which scratch entries of a folder [`remove_leftovers`] looks at.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Staging folders (any destination's) and temporary files: a folder nightshift writes.
    All,
    /// Staging folders only: a folder of the user's that holds output folders.
    Folders,
    /// Staging folders, and the temporary files of the one file named: a folder of the user's.
    FoldersAndTmpOf(&'a OsStr),
}

/// A scratch entry that [`remove_leftovers`] removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    /// Its path.
    pub path: PathBuf,
    /// Bytes it held.
    pub bytes: u64,
}

/// Removes the scratch entries of `dir` that their processes left behind: those whose lock
/// can be taken (the owner is gone), and staging folders from before lock files whose PID no
/// longer runs here. Entries still written are left alone; errors are ignored (an entry that
/// cannot be removed now is tried again next time).
pub fn remove_leftovers(dir: &Path, scope: Scope) -> Vec<Leftover> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((kind, pid)) = name.to_str().and_then(parse_scratch) else {
            continue;
        };
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let gone = match kind {
            Kind::Partial if meta.is_dir() => partial_is_left_over(&path, pid, &meta),
            Kind::Tmp if meta.is_file() && tmp_is_ours(&name, scope) => {
                Lock::try_take(&path, false, false).ok().flatten().map(Some)
            }
            _ => continue,
        };
        let Some(lock) = gone else { continue };
        let bytes = size(&path);
        let done = match kind {
            Kind::Partial => fs::remove_dir_all(&path),
            Kind::Tmp => fs::remove_file(&path),
        };
        drop(lock);
        if done.is_ok() {
            removed.push(Leftover { path, bytes });
        }
    }
    removed.sort_by(|a, b| a.path.cmp(&b.path));
    removed
}

/// Whether a temporary file of this name is one [`remove_leftovers`] may judge.
fn tmp_is_ours(name: &OsStr, scope: Scope) -> bool {
    match scope {
        Scope::All => true,
        Scope::Folders => false,
        Scope::FoldersAndTmpOf(file) => {
            let prefix = scratch_name(file, Kind::Tmp, 0, 0);
            let prefix = prefix.trim_end_matches('0');
            name.to_string_lossy().starts_with(prefix)
        }
    }
}

/// `Some` for a staging folder left behind (with its lock, taken, if it has a lock file),
/// `None` if it is (or may be) still being written. A folder without a lock file is left over
/// when it is old enough, made by a process no longer running here, and holds run outputs (or
/// nothing).
fn partial_is_left_over(dir: &Path, pid: u32, meta: &fs::Metadata) -> Option<Option<Lock>> {
    match Lock::try_take(&dir.join(LOCK_FILE), false, false) {
        Ok(lock) => return lock.map(Some),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return None,
        Err(_) => {}
    }
    let old = meta
        .modified()
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age >= UNLOCKED_GRACE);
    let dead = Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists();
    let looks_like_outputs = fs::read_dir(dir).is_ok_and(|mut entries| {
        let mut empty = true;
        let ours = entries.any(|e| {
            empty = false;
            e.is_ok_and(|e| {
                [TIMESERIES_FILE, SUMMARY_FILE, RUNS_DIR]
                    .iter()
                    .any(|n| e.file_name() == *n)
            })
        });
        ours || empty
    });
    (old && dead && looks_like_outputs).then_some(None)
}

/// Bytes held by a file or a folder's files.
fn size(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    fs::read_dir(path)
        .map(|d| d.flatten().map(|e| size(&e.path())).sum())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_in_255_bytes_and_parse_back() {
        let long = "é".repeat(127) + "x"; // 255 bytes, the longest legal name
        let n = scratch_name(OsStr::new(&long), Kind::Partial, 4_000_000, 12);
        assert!(n.len() <= 255, "{} bytes", n.len());
        assert_eq!(parse_scratch(&n), Some((Kind::Partial, 4_000_000)));
        let short = scratch_name(OsStr::new("power.png"), Kind::Tmp, 42, 0);
        assert_eq!(short, ".power.png.tmp-42");
        assert_eq!(parse_scratch(&short), Some((Kind::Tmp, 42)));
        assert_eq!(parse_scratch(".a.partial-7-2"), Some((Kind::Partial, 7)));
        for other in [
            "a.partial-7",
            ".a.partial-",
            ".a.partial-x",
            ".a.tmp-7-",
            "results.csv",
        ] {
            assert_eq!(parse_scratch(other), None, "{other}");
        }
    }

    #[test]
    fn only_entries_of_dead_writers_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        // A staging folder and a temporary file being written: kept.
        let (live_dir, _live_lock) = create_scratch(
            &dir.join("run"),
            Kind::Partial,
            |p| fs::create_dir(p),
            |p| Lock::try_take(&p.join(LOCK_FILE), true, true),
        )
        .unwrap();
        let live_tmp = AtomicFile::create(&dir.join("chart.png")).unwrap();
        // Left by a dead writer: a staging folder whose lock is free, a free temporary file.
        let dead_dir = dir.join(".old.partial-1");
        fs::create_dir(&dead_dir).unwrap();
        fs::write(dead_dir.join(LOCK_FILE), "").unwrap();
        fs::write(dead_dir.join("timeseries.csv"), "0123456789").unwrap();
        fs::write(dir.join(".power.png.tmp-1"), "abc").unwrap();
        // A lock-less folder of a young or unknown writer, and a file of the user's: kept.
        fs::create_dir(dir.join(".young.partial-1")).unwrap();
        fs::write(dir.join("notes.partial-1"), "").unwrap();
        let removed = remove_leftovers(dir, Scope::All);
        assert_eq!(
            removed,
            vec![
                Leftover {
                    path: dead_dir,
                    bytes: 10
                },
                Leftover {
                    path: dir.join(".power.png.tmp-1"),
                    bytes: 3
                },
            ]
        );
        assert!(live_dir.is_dir() && dir.join(".young.partial-1").is_dir());
        // In a user's folder only the named file's temporary files are judged.
        fs::write(dir.join(".other.toml.tmp-1"), "").unwrap();
        fs::write(dir.join(".big.toml.tmp-1"), "").unwrap();
        let removed = remove_leftovers(dir, Scope::FoldersAndTmpOf(OsStr::new("big.toml")));
        assert_eq!(removed.len(), 1);
        assert!(dir.join(".other.toml.tmp-1").exists());
        live_tmp.commit().unwrap();
        assert!(dir.join("chart.png").is_file());
    }
}
