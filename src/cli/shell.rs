//! `nightshift completions SHELL` and `nightshift man [COMMAND]`: shell completion scripts and
//! man pages generated from the clap definition, so they always match the real arguments.

use super::{Cli, CliError, say};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command whose page to print (e.g. `run`); without it, the page of nightshift itself,
    /// which lists every command.
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

/// Prints the completion script of the chosen shell.
pub fn completions(args: CompletionsArgs) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "nightshift", &mut script);
    say(&String::from_utf8_lossy(&script))
}

/// Prints a man page: nightshift(1), or nightshift-COMMAND(1).
pub fn man(args: ManArgs) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    // Building names each command's page after its parent (`nightshift-run`), as the
    // top page's SUBCOMMANDS section refers to them.
    cmd.build();
    let page = match &args.command {
        None => cmd,
        Some(name) => cmd.find_subcommand(name).cloned().ok_or_else(|| {
            let valid: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
            CliError::Input(format!(
                "man {name}: no such command; valid: {}",
                valid.join(", ")
            ))
        })?,
    };
    let mut roff = Vec::new();
    // Every page names the program's version (a command's page would name only the command).
    clap_mangen::Man::new(page)
        .source(concat!("nightshift ", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .map_err(|e| CliError::Other(format!("cannot render the man page: {e}")))?;
    say(&String::from_utf8_lossy(&roff))
}
