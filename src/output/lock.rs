//! Lock files that say whether their owner still runs: an exclusive lock (`flock`) is
//! released by the system when its process ends, however it ends (`kill -9` included), so a
//! lock that can be taken marks something a dead process left behind. Unlike a PID, this
//! holds across machines sharing a folder and after the PID is reused.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// An exclusive lock on a file, held until dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
    /// Remove the lock file when dropped.
    remove: bool,
}

/// Whether `path` still names the very file `file` is open on: a lock taken on a file that
/// someone removed (or replaced) meanwhile guards nothing.
fn still_at(file: &File, path: &Path) -> bool {
    let (Ok(open), Ok(named)) = (file.metadata(), fs::symlink_metadata(path)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        open.dev() == named.dev() && open.ino() == named.ino()
    }
    #[cfg(not(unix))]
    {
        open.len() == named.len() && named.is_file()
    }
}

impl Lock {
    /// Locks the file at `path`, creating it if `create` (and only if it does not exist when
    /// `create_new`). `Ok(None)`: another process holds it, or it went away meanwhile. On a
    /// filesystem without locks, a writer (`create`) goes on unlocked, and a cleaner gets the
    /// error, so that it leaves the entry alone.
    pub fn try_take(path: &Path, create: bool, create_new: bool) -> io::Result<Option<Lock>> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(create && !create_new)
                .create_new(create_new)
                .open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Ok(None),
                Err(fs::TryLockError::Error(_)) if create => {}
                Err(fs::TryLockError::Error(e)) => return Err(e),
            }
            if still_at(&file, path) {
                return Ok(Some(Lock {
                    file,
                    path: path.to_path_buf(),
                    remove: false,
                }));
            }
            // Removed between opening and locking: a new lock file may be made, an old one
            // (or a fresh one of someone else's) may not.
            if !create || create_new {
                return Ok(None);
            }
        }
    }

    /// The locked file, for writing into it.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Removes the lock file, keeping the lock until dropped: whoever opens the path from now
    /// on finds nothing (or a new file), never this lock.
    pub fn remove_file(&self) -> io::Result<()> {
        fs::remove_file(&self.path)
    }

    /// This lock, removing its file when dropped (while still holding it, so that nobody
    /// takes a lock on a file about to go).
    pub fn removed_when_dropped(mut self) -> Self {
        self.remove = true;
        self
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.remove {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_refused_until_released_and_a_removed_one_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l");
        let held = Lock::try_take(&path, true, false).unwrap().unwrap();
        assert!(Lock::try_take(&path, true, false).unwrap().is_none());
        drop(held);
        let again = Lock::try_take(&path, false, false).unwrap().unwrap();
        again.remove_file().unwrap();
        assert!(Lock::try_take(&path, false, false).is_err(), "gone");
        // A new file at the path is a new lock, free while the old one is still held.
        assert!(Lock::try_take(&path, true, true).unwrap().is_some());
    }
}
