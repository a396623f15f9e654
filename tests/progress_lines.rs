//! Issue 23 item 4: a batch job's log (stderr a file, as under Slurm or in a container) gets
//! plain progress lines, one per tenth of the work, instead of a bar it cannot draw.

mod common;

use common::{nightshift, root};
use std::fs::{self, File};
use std::path::Path;
use std::process::Output;

/// Runs `nightshift args...` in the project root with stderr written to `log`.
fn with_stderr_in(log: &Path, args: &[&str]) -> (Output, String) {
    let o = nightshift()
        .args(args)
        .current_dir(root())
        .stderr(File::create(log).unwrap())
        .output()
        .unwrap();
    let text = fs::read_to_string(log).unwrap();
    (o, text)
}

/// `--progress lines`: a one-day run prints the run's tenths, 10 % to 100 %, then the
/// baseline's: 20 lines, each saying the stage, how far, and the wall time elapsed.
#[test]
fn a_run_logs_a_line_per_tenth_of_simulated_time() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let log = tmp.path().join("stderr.log");
    let (o, text) = with_stderr_in(
        &log,
        &[
            "run",
            "scenarios/exercise-1.toml",
            "--set",
            "simulation.duration=1d",
            "--no-charts",
            "--progress",
            "lines",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let mut expected = Vec::new();
    for stage in ["run", "baseline"] {
        for pct in (10..=100).step_by(10) {
            expected.push(format!("nightshift: {stage} {pct} % of simulated time, "));
        }
    }
    assert_eq!(lines.len(), expected.len(), "{text}");
    for (line, start) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(start.as_str()),
            "{line:?} should start {start:?}"
        );
        assert!(line.contains(" s elapsed"), "{line:?}");
    }
}

/// The default (`auto`) shows nothing for a run that ends within 2 s, and `--quiet` wins over
/// `--progress lines`: scripts reading stderr see only what they saw before.
#[test]
fn short_and_quiet_runs_log_no_progress() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("stderr.log");
    for extra in [&[][..], &["--progress", "lines", "-q"][..]] {
        let out = tmp.path().join("out");
        let mut args = vec![
            "run",
            "scenarios/exercise-1.toml",
            "--set",
            "simulation.duration=6h",
            "--no-charts",
            "--no-baseline",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (o, text) = with_stderr_in(&log, &args);
        assert!(o.status.success(), "{text}");
        assert!(!text.contains("nightshift: run"), "{extra:?}: {text}");
    }
}

/// A sweep's log says what it will do, then a line per run here (each of 4 runs is a
/// further tenth or more): "1 of 4 runs done" to "4 of 4 runs done".
#[test]
fn a_sweep_logs_its_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/exercise-1.toml");
    let sweep = tmp.path().join("tiny.toml");
    fs::write(
        &sweep,
        format!(
            "version = 1\nname = \"tiny\"\nscenario = \"{}\"\nreplicates = 4\nset = [\"simulation.duration=\\\"6h\\\"\"]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let log = tmp.path().join("stderr.log");
    let (o, text) = with_stderr_in(
        &log,
        &[
            "sweep",
            sweep.to_str().unwrap(),
            "--no-baseline",
            "--no-charts",
            "-j",
            "1",
            "--progress",
            "lines",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "nightshift: sweep shard 0/1, 0 of 4 runs already done; 4 runs to do",
        "{text}"
    );
    for (i, line) in lines[1..].iter().enumerate() {
        let start = format!("nightshift: sweep {} of 4 runs done, ", i + 1);
        assert!(line.starts_with(&start), "{line:?} should start {start:?}");
    }
    assert_eq!(lines.len(), 5, "{text}");
}
