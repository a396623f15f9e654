//! `nightshift generate`: write a scale-test scenario of any size.

use super::destination::{parent_of, remove_leftovers};
use super::{CliError, say, tell};
use crate::generate::{Size, scenario};
use crate::output::{Scope, write_atomically};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Hosts in the fleet.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    hosts: u32,
    /// VMs.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    vms: u32,
    /// Simulated days.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
    /// Seed of the generated scenario.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to FILE instead of stdout (complete or not at all).
    #[arg(long, short, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    out: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// Prints or writes the scenario.
pub fn generate(args: GenerateArgs) -> Result<(), CliError> {
    let text = scenario(Size {
        hosts: args.hosts,
        vms: args.vms,
        days: args.days,
        seed: args.seed,
    });
    let Some(path) = args.out else {
        return say(&text);
    };
    if let Ok(meta) = std::fs::metadata(&path) {
        if !meta.is_file() {
            return Err(CliError::Input(format!(
                "-o {}: exists and is not a regular file; give a file name",
                path.display()
            )));
        }
        if !args.force {
            return Err(CliError::Input(format!(
                "-o {}: already exists; pass --force to replace it",
                path.display()
            )));
        }
    }
    if let Some(name) = path.file_name() {
        remove_leftovers(parent_of(&path), Scope::FoldersAndTmpOf(name), false);
    }
    write_atomically(&path, text.as_bytes())
        .map_err(|e| CliError::Other(format!("{}: cannot write: {e}", path.display())))?;
    // On stderr: stdout carries the scenario itself when there is no -o, and nothing else.
    tell(&format!(
        "nightshift: wrote {} ({} hosts, {} VMs, {} day(s), seed {}; {} bytes)",
        path.display(),
        args.hosts,
        args.vms,
        args.days,
        args.seed,
        text.len()
    ));
    Ok(())
}
