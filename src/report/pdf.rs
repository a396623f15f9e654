//! `report.pdf`: a folder's `report.html` printed to A4 by headless Chromium, through the
//! report's print stylesheet (page numbers in the footer, no chart cut across two pages).
//! Chromium is a program the user installs; nightshift only starts it.

use crate::output::files::{REPORT_HTML_FILE, REPORT_PDF_FILE};
use crate::output::write_atomically;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that names the browser to print with, before the names looked up on `PATH`.
pub const BROWSER_VARIABLE: &str = "NIGHTSHIFT_CHROMIUM";

/// Browser programs looked for on `PATH`, in order.
const BROWSERS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Longest a print may take.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Why no PDF was written.
#[derive(Debug)]
pub enum PdfError {
    /// No Chromium to print with (what to install is in the message).
    NoBrowser(String),
    /// Chromium failed, or the PDF could not be written.
    Failed(String),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::NoBrowser(m) | PdfError::Failed(m) => f.write_str(m),
        }
    }
}

/// The browser to print with: `NIGHTSHIFT_CHROMIUM` when set, else the first of
/// `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on `PATH`.
pub fn browser() -> Result<PathBuf, PdfError> {
    if let Some(path) = std::env::var_os(BROWSER_VARIABLE).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(PdfError::NoBrowser(format!(
                "{BROWSER_VARIABLE} names {}, which is not a file; name a Chromium or Chrome binary",
                path.display()
            )))
        };
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    BROWSERS
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            PdfError::NoBrowser(format!(
                "--pdf prints report.html with headless Chromium, and none of {} is on PATH: install it (Debian/Ubuntu: apt-get install chromium) or set {BROWSER_VARIABLE} to its binary",
                BROWSERS.join(", ")
            ))
        })
}

/// Prints `dir/report.html` to `dir/report.pdf` with `browser`: A4 as the page's stylesheet
/// says, its own page-number footer instead of Chromium's header and footer, and the file
/// renamed into place only once complete.
pub fn print(browser: &Path, dir: &Path) -> Result<PathBuf, PdfError> {
    let html = dir.join(REPORT_HTML_FILE);
    let html = html
        .canonicalize()
        .map_err(|e| PdfError::Failed(format!("{}: cannot read: {e}", html.display())))?;
    let scratch = scratch_dir()
        .map_err(|e| PdfError::Failed(format!("cannot make a scratch folder for Chromium: {e}")))?;
    let result = run_browser(browser, &html, &scratch.0);
    let printed = result.and_then(|pdf| {
        std::fs::read(&pdf).map_err(|e| PdfError::Failed(format!("Chromium wrote no PDF ({e})")))
    });
    let bytes = printed?;
    let target = dir.join(REPORT_PDF_FILE);
    write_atomically(&target, &bytes)
        .map_err(|e| PdfError::Failed(format!("{}: cannot write: {e}", target.display())))?;
    Ok(target)
}

/// A scratch folder under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch_dir() -> std::io::Result<Scratch> {
    let base = std::env::temp_dir();
    for n in 0..1000 {
        let dir = base.join(format!("nightshift-pdf-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(Scratch(dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("every scratch name is taken"))
}

/// Runs Chromium headless on `html`, printing into `scratch`; returns the PDF's path.
fn run_browser(browser: &Path, html: &Path, scratch: &Path) -> Result<PathBuf, PdfError> {
    let pdf = scratch.join(REPORT_PDF_FILE);
    let log = scratch.join("chromium.log");
    let stderr = std::fs::File::create(&log)
        .map_err(|e| PdfError::Failed(format!("cannot make a log for Chromium: {e}")))?;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            // Chromium refuses to start as root without it; the page is nightshift's own.
            "--no-sandbox",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| PdfError::Failed(format!("cannot start {}: {e}", browser.display())))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() && pdf.is_file() => return Ok(pdf),
            Ok(Some(status)) => {
                let err = std::fs::read_to_string(&log).unwrap_or_default();
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                return Err(PdfError::Failed(format!(
                    "{} did not print the report ({status}){}",
                    browser.display(),
                    if last.is_empty() {
                        String::new()
                    } else {
                        format!(": {last}")
                    }
                )));
            }
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PdfError::Failed(format!(
                    "{} did not print the report within {} s",
                    browser.display(),
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(PdfError::Failed(format!("waiting for Chromium: {e}"))),
        }
    }
}
