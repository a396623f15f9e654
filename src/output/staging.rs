//! A staging folder beside the destination, renamed into place when the run is complete.
//! Its writer holds the lock file inside it, so that a folder left by a process that died
//! is told apart from one still being written ([`super::remove_leftovers`]).

use super::lock::Lock;
use super::scratch::{Kind, LOCK_FILE, create_scratch};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Staging folders neither committed nor dropped yet, so that an interruption or a panic
/// (which ends the process without running destructors: release builds abort) can remove them.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // The list stays valid whatever a panicking holder was doing: each change is one call.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every staging folder still being filled: for a process ending early (Ctrl-C, a
/// panic), so that it leaves only complete runs behind. Waits for the list if another thread
/// holds it (only ever for a push or a removal; the Ctrl-C handler runs on a thread of its
/// own, not in a signal handler).
pub fn remove_unfinished() {
    for dir in live().iter() {
        let _ = fs::remove_dir_all(dir);
    }
}

/// A folder being filled; dropped without [`Staging::commit`], it is removed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// The lock on the folder's lock file, held while the folder is written.
    lock: Lock,
    /// The outermost folder made to hold it (`output/` on a first run), removed with the
    /// staging folder when left empty.
    made: Option<PathBuf>,
}

/// The outermost missing folder on the way to `dir`, which `create_dir_all(dir)` would make.
fn outermost_missing(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .last()
        .map(Path::to_path_buf)
}

/// Removes `from` and its parents up to `made`, as long as they are empty.
fn remove_empty(from: &Path, made: &Option<PathBuf>) {
    let Some(made) = made else { return };
    for dir in from.ancestors() {
        if !dir.starts_with(made) || fs::remove_dir(dir).is_err() {
            return;
        }
    }
}

impl Staging {
    /// Creates a hidden staging folder next to `target`.
    pub fn create(target: &Path) -> io::Result<Self> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
            return Err(io::Error::other(format!(
                "{} is a file, not a folder",
                file.display()
            )));
        }
        let made = outermost_missing(parent);
        fs::create_dir_all(parent)?;
        let (dir, lock) = create_scratch(
            target,
            Kind::Partial,
            |p| fs::create_dir(p),
            |p| Lock::try_take(&p.join(LOCK_FILE), true, true),
        )
        .inspect_err(|_| remove_empty(parent, &made))?;
        live().push(dir.clone());
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            lock,
            made,
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Moves the staging folder to the target, replacing an existing target if `replace`.
    pub fn commit(mut self, replace: bool) -> io::Result<()> {
        if self.target.exists() {
            if !replace {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "target exists",
                ));
            }
            fs::remove_dir_all(&self.target)?;
        }
        // Without its lock file the folder is judged by its PID and age, both keeping it.
        self.lock.remove_file()?;
        fs::rename(&self.dir, &self.target)?;
        self.committed = true;
        live().retain(|d| d != &self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            live().retain(|d| d != &self.dir);
            if let Some(parent) = self.dir.parent() {
                remove_empty(parent, &self.made);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_folders_are_listed_until_committed_or_dropped_and_can_be_removed() {
        let root = std::env::temp_dir().join(format!("nightshift-staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        let kept = Staging::create(&root.join("kept")).unwrap();
        let dropped = Staging::create(&root.join("dropped")).unwrap();
        let cut = Staging::create(&root.join("cut")).unwrap();
        let (kept_dir, dropped_dir, cut_dir) = (
            kept.path().to_path_buf(),
            dropped.path().to_path_buf(),
            cut.path().to_path_buf(),
        );
        assert!(live().contains(&kept_dir) && live().contains(&cut_dir));
        kept.commit(false).unwrap();
        drop(dropped);
        assert!(!live().contains(&kept_dir) && !live().contains(&dropped_dir));
        assert!(root.join("kept").is_dir() && !dropped_dir.exists());
        // A process ending early: the folder still being filled goes, the committed run stays.
        remove_unfinished();
        assert!(!cut_dir.exists());
        assert!(root.join("kept").is_dir());
        std::mem::forget(cut);
        live().retain(|d| d != &cut_dir);
        fs::remove_dir_all(&root).unwrap();
    }
}
