//! `nightshift generate`: write a scale-test scenario of any size.

use super::CliError;
use crate::generate::{Size, scenario};
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
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Prints or writes the scenario.
pub fn generate(args: GenerateArgs) -> Result<(), CliError> {
    let text = scenario(Size {
        hosts: args.hosts,
        vms: args.vms,
        days: args.days,
        seed: args.seed,
    });
    match args.out {
        None => print!("{text}"),
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?,
    }
    Ok(())
}
