//! The command line: argument parsing, reading the input files, output-folder checks, calling
//! the run pipeline ([`crate::pipeline`]) and printing. Each subcommand lives in its own
//! module; errors become exit status 2 (bad input) or 1 (anything else).

mod compare;
mod destination;
mod generate;
mod json;
mod plot;
mod progress;
mod report;
mod run;
mod schema;
mod servers;
mod shell;
mod sweep;
mod validate;

use crate::pipeline::PipelineError;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Datacenter power-saving simulator: consolidate VMs at night, power hosts down, and see the
/// energy, cost, migrations and SLA impact.
#[derive(Debug, Parser)]
#[command(name = "nightshift", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and write its outputs (summary.json, CSV files, charts, report.html).
    Run(run::RunArgs),
    /// Check scenario files without running them.
    Validate(validate::ValidateArgs),
    /// Write a scale-test scenario with the given numbers of hosts and VMs.
    Generate(generate::GenerateArgs),
    /// Run a parameter sweep (all of it, or one shard) in parallel.
    Sweep(sweep::SweepArgs),
    /// Collect the runs of a sharded sweep into results.csv, its charts and its report.
    Merge(sweep::MergeArgs),
    /// Run the same workload and seed under several policies and compare them.
    Compare(compare::CompareArgs),
    /// Redraw the charts and reports of an earlier run, comparison or sweep from its files.
    Plot(plot::PlotArgs),
    /// List the published server power curves a scenario can name (`power = { server = "NAME" }`).
    Servers(servers::ServersArgs),
    /// Write the reports of an earlier run, comparison or sweep again; --pdf prints report.pdf.
    Report(report::ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff) of nightshift, or of one of its commands, to stdout.
    Man(shell::ManArgs),
    /// Print the JSON Schema of scenario files, sweep files or summary.json to stdout.
    Schema(schema::SchemaArgs),
}

/// Options shared by the commands that simulate and write an output folder (`run`, `compare`).
#[derive(Debug, clap::Args)]
pub(crate) struct OutputArgs {
    /// Output folder [default: output/<scenario name>/; for compare,
    /// output/<first scenario name>-compare/].
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub out: Option<PathBuf>,
    /// Seed of every random stream (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a scenario value: KEY=VALUE, e.g. policy.power.headroom=0.3 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Skip the always-on baseline (no savings in the summary).
    #[arg(long)]
    pub no_baseline: bool,
    /// Do not draw charts (reports are still written; `nightshift plot DIR` draws them later).
    #[arg(long)]
    pub no_charts: bool,
    /// Do not write host_utilisation.csv (large for big fleets; the heat map and the
    /// utilisation distribution need it).
    #[arg(long)]
    pub no_host_utilisation: bool,
    /// Replace this output folder if it exists (only a folder nightshift wrote, never one that
    /// holds the current folder or an input).
    #[arg(long)]
    pub force: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write the tables (timeseries, migrations, ...) as CSV, Parquet or both, with the same
    /// values; charts read the CSV files, so `parquet` alone draws none.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    pub format: FormatArg,
}

/// `--format`: which files a run's tables go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// NAME.csv (the default).
    Csv,
    /// NAME.parquet only.
    Parquet,
    /// Both files, with the same values.
    Both,
}

impl FormatArg {
    /// The output layer's format.
    pub fn format(self) -> crate::output::Format {
        match self {
            FormatArg::Csv => crate::output::Format::Csv,
            FormatArg::Parquet => crate::output::Format::Parquet,
            FormatArg::Both => crate::output::Format::Both,
        }
    }

    /// Whether the CSV files the charts read are written.
    pub fn has_csv(self) -> bool {
        self != FormatArg::Parquet
    }
}

/// An error that ends the program, with its exit status.
#[derive(Debug)]
pub enum CliError {
    /// Bad input (scenario, trace, arguments): exit status 2.
    Input(String),
    /// Anything else (I/O, internal): exit status 1.
    Other(String),
    /// Standard output was closed by its reader (`| head -1`): the program stops quietly with
    /// status 141, what a shell reports for a process ended by SIGPIPE.
    StdoutClosed,
}

impl From<PipelineError> for CliError {
    /// Bad input exits with status 2, a failed simulation or file with 1.
    fn from(e: PipelineError) -> Self {
        if e.is_bad_input() {
            CliError::Input(e.to_string())
        } else {
            CliError::Other(e.to_string())
        }
    }
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
            CliError::StdoutClosed => 141,
        }
    }
}

/// SLAV as stdout prints it: `0` when no violation was measured (not `0.00e0`), else two
/// significant digits in scientific notation.
pub(crate) fn slav_text(slav: f64) -> String {
    if slav == 0.0 {
        "0".to_string()
    } else {
        format!("{slav:.2e}")
    }
}

/// Writes `text` to standard output. A reader that went away ends the program quietly
/// ([`CliError::StdoutClosed`]); any other failure (a full disk) is an error naming stdout.
pub(crate) fn say(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::StdoutClosed,
            _ => CliError::Other(format!("cannot write to standard output: {e}")),
        })
}

/// Writes a line to standard error; a closed or full stderr is ignored (there is nowhere left
/// to report it).
pub(crate) fn tell(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Reads an input file (`what`: "scenario", "sweep"). Only regular files are read: a FIFO
/// without a writer would block forever, a device might never end.
pub(crate) fn read_input(path: &Path, what: &str) -> Result<String, CliError> {
    let cannot = |e: &dyn std::fmt::Display| {
        CliError::Input(format!("{}: cannot read {what}: {e}", path.display()))
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a named pipe, socket or device)"
        };
        return Err(cannot(&format!(
            "it is {kind}; give the {what} as a .toml file"
        )));
    }
    std::fs::read_to_string(path).map_err(|e| cannot(&e))
}

/// Reads a scenario file, turning a missing, unreadable or non-regular file into an input
/// error.
pub(crate) fn read_scenario(path: &Path) -> Result<String, CliError> {
    read_input(path, "scenario")
}

/// The scenario argument that stands for standard input.
pub(crate) const STDIN_ARG: &str = "-";

/// What messages call a scenario read from standard input. As a path it has no folder, so
/// the scenario's relative trace paths start from the current folder.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// A scenario given on the command line: a file, or standard input for `-`.
pub(crate) struct ScenarioSource {
    /// The scenario's text.
    pub text: String,
    /// The path messages name and relative trace paths start from: the file, or
    /// [`STDIN_NAME`] (traces relative to the current folder).
    pub path: PathBuf,
    /// The file read, if any: an input the output folder must not hold.
    pub file: Option<PathBuf>,
}

/// Reads the scenario argument `arg`: standard input for `-`, else the file.
pub(crate) fn read_scenario_arg(arg: &Path) -> Result<ScenarioSource, CliError> {
    if arg.as_os_str() != STDIN_ARG {
        return Ok(ScenarioSource {
            text: read_scenario(arg)?,
            path: arg.to_path_buf(),
            file: Some(arg.to_path_buf()),
        });
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text).map_err(|e| {
        CliError::Input(format!(
            "{STDIN_NAME}: cannot read scenario from standard input: {e}"
        ))
    })?;
    // Nothing at all usually means the command feeding the pipe failed: say so, rather than
    // that the scenario lacks `version`.
    if text.trim().is_empty() {
        return Err(CliError::Input(format!(
            "{STDIN_NAME}: standard input is empty; give the scenario there (`nightshift run - < scenario.toml`) or give its file instead of `-`"
        )));
    }
    Ok(ScenarioSource {
        text,
        path: PathBuf::from(STDIN_NAME),
        file: None,
    })
}

/// Refuses `-` more than once among `args`: standard input can be read only once.
pub(crate) fn stdin_at_most_once(args: &[PathBuf]) -> Result<(), CliError> {
    if args.iter().filter(|a| a.as_os_str() == STDIN_ARG).count() > 1 {
        return Err(CliError::Input(format!(
            "\"{STDIN_ARG}\" (the scenario on standard input) is given more than once; standard input can be read once, give it at most one time"
        )));
    }
    Ok(())
}

/// Parses arguments, runs the subcommand and maps errors to exit statuses.
pub fn main() -> ExitCode {
    // A panic is a bug, reported by the default hook. Release builds then abort without
    // running destructors (which remove unfinished output folders when a panic unwinds), so
    // the folders being filled are removed here.
    if cfg!(panic = "abort") {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            crate::output::remove_unfinished();
        }));
    }
    // Ctrl-C, SIGTERM and SIGHUP leave no half-written output folder either.
    let _ = ctrlc::set_handler(|| {
        crate::output::remove_unfinished();
        let note = INTERRUPTED
            .get()
            .copied()
            .unwrap_or("unfinished output removed");
        tell(&format!("\ninterrupted: {note}"));
        std::process::exit(130);
    });
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Generate(args) => generate::generate(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Compare(args) => compare::compare(args),
        Command::Plot(args) => plot::plot(args),
        Command::Servers(args) => servers::servers(args),
        Command::Report(args) => report::report(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
        Command::Schema(args) => schema::schema(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let CliError::Input(msg) | CliError::Other(msg) = &e {
                tell(&format!("error: {msg}"));
            }
            ExitCode::from(e.code())
        }
    }
}

/// What Ctrl-C says after removing the unfinished output, when a command has more to say.
static INTERRUPTED: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Sets what Ctrl-C says (once per process).
pub(crate) fn when_interrupted(note: &'static str) {
    let _ = INTERRUPTED.set(note);
}

/// The default output folder of a scenario: `output/<name>/`.
pub(crate) fn default_out(name: &str) -> PathBuf {
    Path::new("output").join(name)
}

#[cfg(test)]
mod tests {
    /// No violation prints as `0` (run and compare printed `0.00e0` for it), any other value
    /// with two significant digits.
    #[test]
    fn slav_prints_zero_plainly() {
        assert_eq!(super::slav_text(0.0), "0");
        assert_eq!(super::slav_text(1.49e-10), "1.49e-10");
    }
}
