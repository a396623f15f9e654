//! One run pipeline, shared by every command that simulates: prepare (scenario text, path
//! and overrides -> a setup bound to its scanned traces, and warnings), simulate (the run and
//! its always-on baseline, rows handed to the output writers), write the run folder (data
//! files, the scenario copy, charts and reports). No command-line types: the CLI parses
//! arguments, calls these steps and prints; a [`PipelineError`] tells it the exit status.

mod prepare;
mod progress;
mod render;
mod run_folder;
mod simulate;

pub use prepare::{Prepared, Scans, prepare, resolve, trace_paths};
pub use render::{DrawError, Drawn, Folder, render_comparison, render_run, render_sweep};
pub use run_folder::{FolderOptions, write_run_folder};
pub use simulate::{RunOptions, simulate};

use std::fmt;

/// Why a step of the pipeline failed, and so how the program ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// Bad input (scenario, trace, a folder the user named): exit status 2.
    Input(String),
    /// The simulation refused the setup or broke an invariant: exit status 1.
    Sim(String),
    /// Reading or writing files failed: exit status 1.
    Io(String),
}

impl PipelineError {
    /// Whether the user's input is at fault (exit status 2) rather than the system.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, PipelineError::Input(_))
    }

    /// The same error with `context` (`variant x`, `run 3 (id)`) before its message.
    pub fn within(self, context: &str) -> Self {
        match self {
            PipelineError::Input(m) => PipelineError::Input(format!("{context}: {m}")),
            PipelineError::Sim(m) => PipelineError::Sim(format!("{context}: {m}")),
            PipelineError::Io(m) => PipelineError::Io(format!("{context}: {m}")),
        }
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Input(m) | PipelineError::Sim(m) | PipelineError::Io(m) => {
                write!(f, "{m}")
            }
        }
    }
}

impl std::error::Error for PipelineError {}
