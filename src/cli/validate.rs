//! `nightshift validate SCENARIO...`: parse and check scenarios without running them.

use super::{CliError, read_scenario, say, tell};
use crate::pipeline;
use crate::sim::setup::Setup;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Override a scenario value before checking: KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
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
    let mut bad = 0;
    for path in &args.scenarios {
        let checked = read_scenario(path).and_then(|text| {
            let prepared = pipeline::prepare(&text, path, &args.set)?;
            for w in &prepared.warnings {
                tell(&format!("warning: {w}"));
            }
            Ok(prepared.setup)
        });
        match checked {
            Ok(setup) => say(&format!(
                "ok: {} ({}: {} hosts, {}, {} simulated)\n",
                path.display(),
                setup.name,
                setup.hosts.len(),
                workload(&setup),
                crate::report::human_span(setup.duration as f64 / 1000.0)
            ))?,
            Err(CliError::Input(msg) | CliError::Other(msg)) => {
                tell(&format!("error: {msg}"));
                bad += 1;
            }
            Err(closed @ CliError::StdoutClosed) => return Err(closed),
        }
    }
    match bad {
        0 => Ok(()),
        n => Err(CliError::Input(format!(
            "{n} of {} scenario(s) invalid",
            args.scenarios.len()
        ))),
    }
}
