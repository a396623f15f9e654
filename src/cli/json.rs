//! The `--json` results of `run`, `validate`, `compare` and `servers`: one JSON document on stdout for
//! scripts. Numbers sit at the same dotted paths as in `summary.json` (and carry the same
//! values); the shapes are documented in docs/cli.md and their keys are kept stable.

use super::{CliError, say};
use crate::model::servers::Server;
use crate::output::{BaselineSummary, ComparisonRow, Savings, SummaryFile};
use crate::sim::records::SlaSummary;
use serde::Serialize;
use std::path::Path;

/// `run --json`: where the outputs are and the summary's headline numbers.
#[derive(Debug, Serialize)]
pub struct RunResult<'a> {
    /// Always `"run"`.
    command: &'static str,
    /// The output folder, as given or defaulted.
    out: String,
    /// Scenario name.
    scenario: &'a str,
    /// Seed of the run.
    seed: u64,
    /// Simulated time, s.
    duration_s: f64,
    energy: Energy<'a>,
    migrations: Migrations,
    sla: &'a SlaSummary,
    conflicts: Conflicts,
    hosts: Hosts,
    vms: Vms,
    /// The always-on baseline (null with --no-baseline).
    baseline: Option<&'a BaselineSummary>,
    /// Savings against the baseline (null with --no-baseline).
    savings: Option<&'a Savings>,
    /// What the scenario check found worth saying (also on stderr unless --quiet).
    warnings: &'a [String],
}

/// `energy` of [`RunResult`]: `summary.json`'s `energy` headline.
#[derive(Debug, Serialize)]
struct Energy<'a> {
    it_kwh: f64,
    facility_kwh: f64,
    cost: f64,
    currency: &'a str,
}

/// `migrations` of [`RunResult`].
#[derive(Debug, Serialize)]
struct Migrations {
    count: usize,
    aborted: usize,
}

/// `conflicts` of [`RunResult`].
#[derive(Debug, Serialize)]
struct Conflicts {
    total: usize,
}

/// `hosts` of [`RunResult`].
#[derive(Debug, Serialize)]
struct Hosts {
    count: usize,
    boots: u64,
    shutdowns: u64,
    mean_on: f64,
}

/// `vms` of [`RunResult`].
#[derive(Debug, Serialize)]
struct Vms {
    count: usize,
    unplaced: usize,
    unserved_fraction: f64,
}

impl<'a> RunResult<'a> {
    /// The result of a run written to `out`, from its summary and the warnings shown.
    pub fn new(s: &'a SummaryFile, out: &Path, warnings: &'a [String]) -> Self {
        let r = &s.summary;
        RunResult {
            command: "run",
            out: out.display().to_string(),
            scenario: &r.scenario,
            seed: r.seed,
            duration_s: r.duration_s,
            energy: Energy {
                it_kwh: r.energy.it_kwh,
                facility_kwh: r.energy.facility_kwh,
                cost: r.energy.cost,
                currency: &r.energy.currency,
            },
            migrations: Migrations {
                count: r.migrations.count,
                aborted: r.migrations.aborted,
            },
            sla: &r.sla,
            conflicts: Conflicts {
                total: r.conflicts.total,
            },
            hosts: Hosts {
                count: r.hosts.count,
                boots: r.hosts.boots,
                shutdowns: r.hosts.shutdowns,
                mean_on: r.hosts.mean_on,
            },
            vms: Vms {
                count: r.vms.count,
                unplaced: r.vms.unplaced,
                unserved_fraction: r.vms.unserved_fraction,
            },
            baseline: s.baseline.as_ref(),
            savings: s.savings.as_ref(),
            warnings,
        }
    }
}

/// `validate --json`: every file's verdict, in the order given.
#[derive(Debug, Serialize)]
pub struct ValidateResult {
    /// Always `"validate"`.
    command: &'static str,
    /// Whether every file is valid (the exit status is 2 otherwise).
    ok: bool,
    /// One entry per scenario argument.
    files: Vec<FileVerdict>,
}

/// One scenario's verdict in [`ValidateResult`].
#[derive(Debug, Serialize)]
pub struct FileVerdict {
    /// The argument as given (`-` for standard input).
    pub path: String,
    /// Whether it is valid.
    pub ok: bool,
    /// Scenario name (null when invalid).
    pub scenario: Option<String>,
    /// Hosts in the fleet (null when invalid).
    pub hosts: Option<usize>,
    /// VMs of the VM groups (null when invalid).
    pub vms: Option<usize>,
    /// Simulated time, s (null when invalid).
    pub duration_s: Option<f64>,
    /// Warnings about a valid file.
    pub warnings: Vec<String>,
    /// The error, as printed on stderr (null when valid).
    pub error: Option<String>,
}

impl ValidateResult {
    /// The result of checking `files`.
    pub fn new(files: Vec<FileVerdict>) -> Self {
        ValidateResult {
            command: "validate",
            ok: files.iter().all(|f| f.ok),
            files,
        }
    }
}

/// `compare --json`: the comparison folder and one object per variant, with the keys of
/// `comparison.csv`'s columns.
#[derive(Debug, Serialize)]
pub struct CompareResult<'a> {
    /// Always `"compare"`.
    command: &'static str,
    /// The comparison folder.
    out: String,
    /// The variants in the order they ran.
    variants: &'a [ComparisonRow],
}

impl<'a> CompareResult<'a> {
    /// The result of a comparison written to `out`.
    pub fn new(out: &Path, variants: &'a [ComparisonRow]) -> Self {
        CompareResult {
            command: "compare",
            out: out.display().to_string(),
            variants,
        }
    }
}

/// `servers --json`: the library of published SPECpower curves, each server with every
/// field of its entry.
#[derive(Debug, Serialize)]
pub struct ServersResult<'a> {
    /// Always `"servers"`.
    command: &'static str,
    /// The library, by date.
    servers: &'a [Server],
}

impl<'a> ServersResult<'a> {
    /// The result listing `servers`.
    pub fn new(servers: &'a [Server]) -> Self {
        ServersResult {
            command: "servers",
            servers,
        }
    }
}

/// Prints `value` as one line of JSON on stdout.
pub fn print<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut line = serde_json::to_string(value)
        .map_err(|e| CliError::Other(format!("cannot write the JSON result: {e}")))?;
    line.push('\n');
    say(&line)
}
