//! The names of every file nightshift writes into an output folder, in one place: writers
//! and readers (charts, reports, `plot`, `merge`, the folder checks) use these constants, so
//! renaming a file is one edit here.

/// A run's headline numbers, the baseline and the savings (JSON).
pub const SUMMARY_FILE: &str = "summary.json";
/// One row per control interval.
pub const TIMESERIES_FILE: &str = "timeseries.csv";
/// The always-on baseline's timeseries (same columns as [`TIMESERIES_FILE`]).
pub const BASELINE_TIMESERIES_FILE: &str = "baseline_timeseries.csv";
/// One row per live migration.
pub const MIGRATIONS_FILE: &str = "migrations.csv";
/// One row per conflict.
pub const CONFLICTS_FILE: &str = "conflicts.csv";
/// Per-host totals.
pub const HOSTS_FILE: &str = "hosts.csv";
/// One row per host failure, repair, VM stop and VM restart (only with failures).
pub const FAILURES_FILE: &str = "failures.csv";
/// One row per team request.
pub const REQUESTS_FILE: &str = "requests.csv";
/// Every host's utilisation at every control tick: one row per host on.
pub const HOST_UTILISATION_FILE: &str = "host_utilisation.csv";
/// The scenario as run (with its overrides in a header comment); in a sweep folder, the
/// verbatim copy of the base scenario.
pub const SCENARIO_COPY_FILE: &str = "scenario.toml";
/// The self-contained HTML report of a run, comparison or sweep.
pub const REPORT_HTML_FILE: &str = "report.html";
/// The Markdown report of a run, comparison or sweep.
pub const REPORT_MD_FILE: &str = "report.md";
/// `report.html` printed to A4 by headless Chromium (`nightshift report DIR --pdf`).
pub const REPORT_PDF_FILE: &str = "report.pdf";
/// A comparison's table, one row per variant.
pub const COMPARISON_FILE: &str = "comparison.csv";
/// The folder of a comparison's or a sweep's runs, one sub-folder each.
pub const RUNS_DIR: &str = "runs";
/// A sweep's manifest: name, fingerprint, run ids and axes.
pub const MANIFEST_FILE: &str = "sweep.json";
/// A sweep's table of results, one row per run.
pub const RESULTS_FILE: &str = "results.csv";
/// The verbatim copy of the sweep file in a sweep folder.
pub const SWEEP_COPY_FILE: &str = "sweep.toml";
/// In a sweep's run folder: which sweep and run it is.
pub const RUN_RECORD_FILE: &str = "run.json";

/// A run folder's tables, by their CSV names, in the order a report lists them (each may be
/// missing: no baseline, no teams, `--no-host-utilisation`, no failures, or written only as
/// Parquet).
pub const RUN_TABLE_FILES: &[&str] = &[
    TIMESERIES_FILE,
    MIGRATIONS_FILE,
    CONFLICTS_FILE,
    HOSTS_FILE,
    REQUESTS_FILE,
    BASELINE_TIMESERIES_FILE,
    HOST_UTILISATION_FILE,
    FAILURES_FILE,
];

/// The Parquet twin of a table's CSV file name (`timeseries.csv` -> `timeseries.parquet`),
/// written with `--format parquet` or `both`.
pub fn parquet_name(csv_name: &str) -> String {
    let stem = csv_name.strip_suffix(".csv").unwrap_or(csv_name);
    format!("{stem}.parquet")
}
