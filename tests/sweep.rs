//! Sweeps: the same results whether run in one process, in shards, with any number of jobs, or
//! interrupted and resumed.

mod common;
use common::*;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// A sweep of exercise-1 over two headrooms and two power policies, two seeds each: 8 runs.
fn small_sweep(dir: &Path) -> String {
    let scenario = root().join("scenarios/exercise-1.toml");
    let text = format!(
        r#"version = 1
name = "small"
scenario = "{}"
replicates = 2
set = ["simulation.duration=\"1d\""]
[[axis]]
key = "policy.power.name"
values = ["always-on", "spare-capacity"]
[[axis]]
key = "policy.power.headroom"
values = [0.1, 0.3]
"#,
        scenario.display()
    );
    fs::write(dir.join("small.toml"), text).unwrap();
    "small.toml".into()
}

/// Four seeds of a one-day night-consolidation: runs long enough to interrupt.
fn slow_sweep(dir: &Path) {
    let scenario = root().join("scenarios/night-consolidation.toml");
    let text = format!(
        "version = 1\nname = \"slow\"\nscenario = \"{}\"\nreplicates = 4\nset = [\"simulation.duration=\\\"1d\\\"\"]\n",
        scenario.display()
    );
    fs::write(dir.join("slow.toml"), text).unwrap();
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn three_shards_then_merge_equal_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(tmp.path(), &["sweep", &sweep, "--out", "whole", "-q"]);
    for k in 0..3 {
        let shard = format!("{k}/3");
        let said = ok(
            tmp.path(),
            &["sweep", &sweep, "--out", "sharded", "--shard", &shard],
        );
        assert!(said.contains("nightshift merge"), "{said}");
        assert!(
            !tmp.path().join("sharded/results.csv").exists(),
            "a shard does not write results"
        );
    }
    ok(tmp.path(), &["merge", "sharded"]);
    let whole = fs::read(tmp.path().join("whole/results.csv")).unwrap();
    assert_eq!(
        whole,
        fs::read(tmp.path().join("sharded/results.csv")).unwrap()
    );
    let text = String::from_utf8(whole).unwrap();
    assert_eq!(text.lines().count(), 1 + 8);
    assert!(text.starts_with("index,id,seed,policy.power.name,policy.power.headroom,it_kwh,"));
}

#[test]
fn results_do_not_depend_on_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(
        tmp.path(),
        &["sweep", &sweep, "--out", "j1", "--jobs", "1", "-q"],
    );
    ok(
        tmp.path(),
        &["sweep", &sweep, "--out", "j2", "--jobs", "2", "-q"],
    );
    assert_eq!(
        fs::read(tmp.path().join("j1/results.csv")).unwrap(),
        fs::read(tmp.path().join("j2/results.csv")).unwrap()
    );
}

#[test]
fn slurm_array_environment_selects_the_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    for task in 1..=2 {
        let out = nightshift()
            .args(["sweep", &sweep, "--out", "slurm", "--shard", "auto", "-q"])
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Shard 0 (task 1) ran the even runs, shard 1 the odd ones: together, all of them.
    ok(tmp.path(), &["merge", "slurm"]);
}

#[test]
fn merge_refuses_an_incomplete_sweep_naming_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(
        tmp.path(),
        &["sweep", &sweep, "--out", "part", "--shard", "0/2", "-q"],
    );
    let out = run_in(tmp.path(), &["merge", "part"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("4 of 8 runs are missing"), "{err}");
    assert!(err.contains("seed=2"), "names a missing run: {err}");
}

#[test]
fn a_folder_of_another_sweep_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(tmp.path(), &["sweep", &sweep, "--out", "s", "-q"]);
    let changed = fs::read_to_string(tmp.path().join(&sweep))
        .unwrap()
        .replace("[0.1, 0.3]", "[0.2]");
    fs::write(tmp.path().join("other.toml"), changed).unwrap();
    let out = run_in(tmp.path(), &["sweep", "other.toml", "--out", "s", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("different sweep"), "{}", stderr(&out));
}

#[test]
fn a_killed_sweep_resumes_to_the_same_results() {
    let tmp = tempfile::tempdir().unwrap();
    slow_sweep(tmp.path());
    ok(
        tmp.path(),
        &["sweep", "slow.toml", "--out", "reference", "-q"],
    );

    let mut child = nightshift()
        .args(["sweep", "slow.toml", "--out", "killed", "--jobs", "1", "-q"])
        .current_dir(tmp.path())
        .spawn()
        .unwrap();
    // Kill it once one run is complete and the next one is being written.
    let runs = tmp.path().join("killed/runs");
    let started = Instant::now();
    loop {
        let names: Vec<String> = fs::read_dir(&runs)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let complete = names.iter().filter(|n| !n.starts_with('.')).count();
        if complete >= 1 && names.iter().any(|n| n.contains(".partial-")) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let complete: Vec<_> = fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(complete.len() < 4, "killed midway");
    for run in &complete {
        assert!(
            run.path().join("summary.json").is_file(),
            "a visible run folder is complete"
        );
    }
    let said = ok(tmp.path(), &["sweep", "slow.toml", "--out", "killed"]);
    assert!(said.contains("4 runs"), "{said}");
    assert_eq!(
        fs::read(tmp.path().join("reference/results.csv")).unwrap(),
        fs::read(tmp.path().join("killed/results.csv")).unwrap()
    );
    let leftovers: Vec<_> = fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "stale staging folders are cleaned on resume"
    );
}

#[test]
fn ctrl_c_leaves_only_complete_runs() {
    let tmp = tempfile::tempdir().unwrap();
    slow_sweep(tmp.path());
    let mut child = nightshift()
        .args(["sweep", "slow.toml", "--out", "int", "--jobs", "1", "-q"])
        .current_dir(tmp.path())
        .spawn()
        .unwrap();
    let runs = tmp.path().join("int/runs");
    let started = Instant::now();
    while !fs::read_dir(&runs)
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().contains(".partial-"))
        })
        .unwrap_or(false)
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be interrupted"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130), "exit status of an interrupted sweep");
    for e in fs::read_dir(&runs).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "staging folder {name} left after Ctrl-C"
        );
        assert!(
            e.path().join("summary.json").is_file(),
            "{name} is incomplete"
        );
    }
}

/// A stand-in for Slurm's `sbatch`: runs an array job's tasks one after another with the
/// environment Slurm would give them, and a dependent job right away.
const FAKE_SBATCH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
array=""; wrap=""
for a in "$@"; do
  case "$a" in
    --array=*) array=${a#--array=} ;;
    --wrap=*) wrap=${a#--wrap=} ;;
  esac
done
echo "$@" >> "$FAKE_SLURM_LOG"
if [ -n "$array" ]; then
  first=${array%-*}; last=${array#*-}
  for ((i = first; i <= last; i++)); do
    SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$first SLURM_ARRAY_TASK_COUNT=$((last - first + 1)) bash -c "$wrap"
  done
else
  bash -c "$wrap"
fi
echo 1000
"#;

#[test]
fn the_slurm_script_runs_shards_then_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let bin = tmp.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let sbatch = bin.join("sbatch");
    fs::write(&sbatch, FAKE_SBATCH).unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&sbatch)
        .status()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(root().join("deploy/slurm/sweep.sh"))
        .args([sweep.as_str(), "out", "3", "2"])
        .env("PATH", path)
        .env("NIGHTSHIFT", env!("CARGO_BIN_EXE_nightshift"))
        .env("FAKE_SLURM_LOG", tmp.path().join("sbatch.log"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = fs::read_to_string(tmp.path().join("sbatch.log")).unwrap();
    assert!(
        log.contains("--array=0-2") && log.contains("--dependency=afterok:1000"),
        "{log}"
    );
    ok(tmp.path(), &["sweep", &sweep, "--out", "whole", "-q"]);
    assert_eq!(
        fs::read(tmp.path().join("whole/results.csv")).unwrap(),
        fs::read(tmp.path().join("out/results.csv")).unwrap()
    );
}
