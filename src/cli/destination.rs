//! Checks on an output folder before anything is touched. `--force` replaces the output
//! folder and nothing else: a folder that is or holds the current folder or an input (the
//! scenario, its traces, the sweep file) is refused, and so is a non-empty folder that
//! nightshift did not write. Also removes what killed runs left beside it.

use super::{CliError, tell};
use crate::output::files::{COMPARISON_FILE, MANIFEST_FILE, RESULTS_FILE, SUMMARY_FILE};
use crate::output::{self, Scope};
use std::path::{Component, Path, PathBuf};

/// Files that mark a folder nightshift wrote: a run, a comparison, a sweep (started or done).
const MARKERS: [&str; 4] = [SUMMARY_FILE, COMPARISON_FILE, MANIFEST_FILE, RESULTS_FILE];

/// `path` made absolute with symbolic links and `..` resolved, also when its end does not
/// exist yet (the part that exists is resolved by the system, the rest by its components).
fn resolved(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = cwd.join(path);
    let (base, rest) = absolute
        .ancestors()
        .find_map(|a| {
            let real = a.canonicalize().ok()?;
            Some((real, absolute.strip_prefix(a).ok()?.to_path_buf()))
        })
        .unwrap_or_else(|| (PathBuf::from("/"), absolute.clone()));
    let mut out = base;
    for c in rest.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// Whether `dir` holds one of the files nightshift writes at the top of an output folder.
pub(crate) fn is_output_folder(dir: &Path) -> bool {
    MARKERS.iter().any(|m| dir.join(m).exists())
}

/// Refuses `out` if it is, or lies above, the current folder or one of `inputs` (bad input,
/// before anything is touched), or if it exists and is not a folder.
pub(crate) fn check_apart(out: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let target = resolved(out);
    let cwd = std::env::current_dir().map(|d| resolved(&d));
    let here = cwd
        .iter()
        .map(|d| (d.clone(), "the current folder".to_string()));
    let inputs = inputs
        .iter()
        .map(|p| (resolved(p), format!("the input {}", p.display())));
    for (path, what) in here.chain(inputs) {
        if path.starts_with(&target) {
            let relation = if path == target { "is" } else { "holds" };
            return Err(CliError::Input(format!(
                "--out {}: this folder {relation} {what}; an output folder is replaced as a whole (--force), so it must be a folder of its own, e.g. --out output/NAME",
                out.display()
            )));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(CliError::Input(format!(
            "--out {}: is a file, not a folder; give a folder for the outputs",
            out.display()
        )));
    }
    Ok(())
}

/// Refuses replacing an existing `out`: without `force`, or with it when `out` is neither
/// empty nor a folder nightshift wrote.
pub(crate) fn check_replace(out: &Path, force: bool) -> Result<(), CliError> {
    if !out.exists() {
        return Ok(());
    }
    if !force {
        return Err(CliError::Input(format!(
            "{} already exists; pass --force to replace it, or --out DIR to write elsewhere",
            out.display()
        )));
    }
    check_nightshift_folder(out)
}

/// Refuses a non-empty folder with none of the files nightshift writes: `--force` replaces
/// output folders only.
pub(crate) fn check_nightshift_folder(out: &Path) -> Result<(), CliError> {
    let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if empty || is_output_folder(out) {
        return Ok(());
    }
    Err(CliError::Input(format!(
        "{}: not replaced: it is not empty and has none of {}, so nightshift did not write it; --force replaces only output folders (remove it yourself, or choose another --out)",
        out.display(),
        MARKERS.join(", ")
    )))
}

/// Removes the staging folders (and the temporary files `scope` names)
/// that killed processes left in `dir`, saying so on stderr unless `quiet`.
pub(crate) fn remove_leftovers(dir: &Path, scope: Scope, quiet: bool) {
    let removed = output::remove_leftovers(dir, scope);
    if quiet || removed.is_empty() {
        return;
    }
    let bytes: u64 = removed.iter().map(|r| r.bytes).sum();
    let names: Vec<String> = removed
        .iter()
        .take(3)
        .map(|r| r.path.display().to_string())
        .collect();
    let more = match removed.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    tell(&format!(
        "note: removed {} unfinished output(s) of processes that ended early ({:.1} MB): {}{more}",
        removed.len(),
        bytes as f64 / 1e6,
        names.join(", ")
    ));
}

/// The folder `path` is in (`.` for a bare name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_through_missing_parts_and_dot_dot() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("a")).unwrap();
        assert_eq!(resolved(&real.join("a/..")), real);
        assert_eq!(resolved(&real.join("a/new/../..")), real);
        assert_eq!(resolved(&real.join("a/./new")), real.join("a/new"));
    }
}
