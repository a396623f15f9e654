//! `nightshift report DIR [--pdf]`: write the reports of an earlier run, comparison or sweep
//! again from its files (as `plot` does, charts included) and, with `--pdf`, print its
//! `report.html` to `report.pdf` with headless Chromium (docs/charts.md, "PDF").

use super::plot::{self, PlotArgs};
use super::{CliError, say};
use crate::report::pdf;
use clap::Args;

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    folder: PlotArgs,
    /// Also print report.html to report.pdf (A4, page numbers) with headless Chromium
    /// (chromium on PATH, or the binary NIGHTSHIFT_CHROMIUM names).
    #[arg(long)]
    pdf: bool,
}

/// Writes the folder's reports again, then its PDF if asked. Without Chromium nothing is
/// written: the browser is looked for first (exit status 1: the input is fine, the machine
/// lacks a program).
pub fn report(args: ReportArgs) -> Result<(), CliError> {
    let browser = if args.pdf {
        Some(pdf::browser().map_err(|e| CliError::Other(e.to_string()))?)
    } else {
        None
    };
    let dir = args.folder.dir().to_path_buf();
    let quiet = args.folder.quiet();
    plot::plot(args.folder)?;
    if let Some(browser) = browser {
        let written = pdf::print(&browser, &dir).map_err(|e| CliError::Other(e.to_string()))?;
        if !quiet {
            say(&format!("nightshift: printed {}\n", written.display()))?;
        }
    }
    Ok(())
}
