//! A staging folder beside the destination, renamed into place when the run is complete.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder being filled; dropped without [`Staging::commit`], it is removed.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
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
        fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or("run".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
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
        fs::rename(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
