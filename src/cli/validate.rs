//! `nightshift validate SCENARIO...`: parse and check scenarios without running them.

use super::json::{self, FileVerdict, ValidateResult};
use super::{CliError, read_scenario_arg, say, stdin_at_most_once, tell};
use crate::pipeline;
use crate::sim::setup::Setup;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check; `-` reads one from standard input (its relative trace paths
    /// then start from the current folder).
    #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
    scenarios: Vec<PathBuf>,
    /// Override a scenario value before checking: KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Print every file's verdict as one line of JSON on stdout instead of the `ok:` lines
    /// (docs/cli.md).
    #[arg(long)]
    json: bool,
}

/// What runs on the fleet: the VMs of the groups, then each service's replica range and the
/// teams that request VMs (their counts are only known once the run draws them).
fn workload(setup: &Setup) -> String {
    let mut parts = vec![format!("{} VMs", setup.vm_count())];
    for s in &setup.services {
        parts.push(format!("service {} ({}-{} replicas)", s.name, s.min, s.max));
    }
    match setup.requests.teams.len() {
        0 => {}
        1 => parts.push("requests from 1 team".into()),
        n => parts.push(format!("requests from {n} teams")),
    }
    parts.join(" + ")
}

/// Checks every file, reporting each problem; fails with status 2 if any is invalid.
pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    stdin_at_most_once(&args.scenarios)?;
    let mut verdicts = Vec::with_capacity(args.scenarios.len());
    for arg in &args.scenarios {
        let checked = read_scenario_arg(arg).and_then(|source| {
            let prepared = pipeline::prepare(&source.text, &source.path, &args.set)?;
            for w in &prepared.warnings {
                tell(&format!("warning: {w}"));
            }
            Ok((source.path, prepared))
        });
        let verdict = match checked {
            Ok((path, prepared)) => {
                let setup = &prepared.setup;
                if !args.json {
                    say(&format!(
                        "ok: {} ({}: {} hosts, {}, {} simulated)\n",
                        path.display(),
                        setup.name,
                        setup.hosts.len(),
                        workload(setup),
                        crate::report::human_span(setup.duration as f64 / 1000.0)
                    ))?;
                }
                FileVerdict {
                    path: arg.display().to_string(),
                    ok: true,
                    scenario: Some(setup.name.clone()),
                    hosts: Some(setup.hosts.len()),
                    vms: Some(setup.vm_count()),
                    duration_s: Some(setup.duration as f64 / 1000.0),
                    warnings: prepared.warnings,
                    error: None,
                }
            }
            Err(CliError::Input(msg) | CliError::Other(msg)) => {
                tell(&format!("error: {msg}"));
                FileVerdict {
                    path: arg.display().to_string(),
                    ok: false,
                    scenario: None,
                    hosts: None,
                    vms: None,
                    duration_s: None,
                    warnings: Vec::new(),
                    error: Some(msg),
                }
            }
            Err(closed @ CliError::StdoutClosed) => return Err(closed),
        };
        verdicts.push(verdict);
    }
    let bad = verdicts.iter().filter(|v| !v.ok).count();
    if args.json {
        json::print(&ValidateResult::new(verdicts))?;
    }
    match bad {
        0 => Ok(()),
        n => Err(CliError::Input(format!(
            "{n} of {} scenario(s) invalid",
            args.scenarios.len()
        ))),
    }
}
