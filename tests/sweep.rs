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
values = ["keep-on", "spare-capacity"]
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

/// The sweep-level files that the small sweep's charts and reports make.
const SWEEP_FILES: [&str; 6] = [
    "sweep-by-headroom.svg",
    "sweep-by-headroom.png",
    "sweep-tradeoff.svg",
    "sweep-tradeoff.png",
    "report.html",
    "report.md",
];

fn svg_texts(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info.width, info.height)
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
    for name in SWEEP_FILES {
        assert!(
            !tmp.path().join("sharded").join(name).exists(),
            "a shard draws no {name}"
        );
    }
    let said = ok(tmp.path(), &["merge", "sharded"]);
    assert!(
        said.contains("8 runs") && said.contains("2 charts"),
        "{said}"
    );
    let whole = fs::read(tmp.path().join("whole/results.csv")).unwrap();
    assert_eq!(
        whole,
        fs::read(tmp.path().join("sharded/results.csv")).unwrap()
    );
    let text = String::from_utf8(whole).unwrap();
    assert_eq!(text.lines().count(), 1 + 8);
    assert!(
        text.starts_with("index,id,seed,policy_power_name,policy_power_headroom,energy_it_kwh,")
    );
    // Charts and reports come from results.csv and the sweep's files only: the same bytes
    // whichever way the runs were made.
    for name in SWEEP_FILES
        .iter()
        .chain(&["sweep.toml", "scenario.toml", "sweep.json"])
    {
        assert_eq!(
            fs::read(tmp.path().join("whole").join(name)).unwrap(),
            fs::read(tmp.path().join("sharded").join(name)).unwrap(),
            "{name}"
        );
    }
}

/// A sweep draws a chart of the metrics by its numeric axis (a line per power policy) and
/// the energy-vs-demand-not-served trade-off (a marker series per policy), writes both reports with the
/// sweep file echoed, leaves the runs' own charts out by default, and `plot` redraws the
/// very same files.
#[test]
fn sweep_draws_charts_and_reports_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let said = ok(tmp.path(), &["sweep", &sweep, "--out", "s"]);
    assert!(said.contains("2 charts"), "{said}");
    let dir = tmp.path().join("s");
    let by = svg_texts(&dir.join("sweep-by-headroom.svg"));
    for want in [
        "Results by policy.power.headroom — sweep small",
        "IT energy (kWh)",
        "cost saving vs always-on (%)",
        "CPU demand not served (%)",
        "live migrations",
        "name=keep-on",
        "name=spare-capacity",
        "each point: mean of 2 seeds; whiskers: min to max",
        "0.1",
        "0.3",
    ] {
        assert!(by.iter().any(|t| t == want), "no {want:?} in {by:?}");
    }
    let trade = svg_texts(&dir.join("sweep-tradeoff.svg"));
    for want in [
        "Energy vs CPU demand not served — sweep small",
        "name=keep-on",
        "name=spare-capacity",
        "each marker: one axis point, mean of 2 seeds",
    ] {
        assert!(trade.iter().any(|t| t == want), "no {want:?} in {trade:?}");
    }
    assert_eq!(png_size(&dir.join("sweep-by-headroom.png")), (1200, 950));
    assert_eq!(png_size(&dir.join("sweep-tradeoff.png")), (1200, 800));
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 2);
    // Least energy marks spare-capacity 0.1, 0.3, then always-on 0.1 (tied with always-on
    // 0.3, first in run order); demand not served is negligible at every point (below 0.01 %), so it marks none. Three of
    // the four rows are marked.
    assert_eq!(html.matches("<tr class=\"best\">").count(), 3);
    assert!(html.contains("least energy #1"));
    assert!(
        html.contains("name = &quot;small&quot;"),
        "the sweep file is echoed"
    );
    assert!(html.contains("[[hosts]]"), "the base scenario is echoed");
    assert!(!html.contains("<script") && !html.contains("<link"));
    let md = fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("](sweep-tradeoff.png)") && md.contains("| **spare-capacity** |"));
    let run = dir.join("runs/name=spare-capacity_headroom=0.1_seed=1");
    assert!(run.join("summary.json").exists() && !run.join("power.svg").exists());

    let before: Vec<Vec<u8>> = SWEEP_FILES
        .iter()
        .map(|n| fs::read(dir.join(n)).unwrap())
        .collect();
    for name in SWEEP_FILES {
        fs::remove_file(dir.join(name)).unwrap();
    }
    let said = ok(tmp.path(), &["plot", "s"]);
    assert!(said.contains("drew 2 charts (4 files)"), "{said}");
    for (name, bytes) in SWEEP_FILES.iter().zip(&before) {
        assert_eq!(&fs::read(dir.join(name)).unwrap(), bytes, "{name}");
    }
}

/// `--no-charts` on `sweep` and `merge` draws no chart but writes the reports, which say how
/// to draw later; `--run-charts` gives each run its own charts and report; neither changes
/// results.csv.
#[test]
fn chart_flags_of_sweep_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(
        tmp.path(),
        &[
            "sweep",
            &sweep,
            "--out",
            "plain",
            "--no-charts",
            "--run-charts",
            "-q",
        ],
    );
    for k in 0..2 {
        let shard = format!("{k}/2");
        ok(
            tmp.path(),
            &["sweep", &sweep, "--out", "merged", "--shard", &shard, "-q"],
        );
    }
    ok(tmp.path(), &["merge", "merged", "--no-charts", "-q"]);
    for dir in ["plain", "merged"] {
        let dir = tmp.path().join(dir);
        assert!(!dir.join("sweep-tradeoff.svg").exists());
        let html = fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(html.contains("nightshift plot DIR"), "{}", dir.display());
        assert!(dir.join("report.md").exists());
    }
    let run = tmp
        .path()
        .join("plain/runs/name=keep-on_headroom=0.3_seed=2");
    for name in [
        "power.svg",
        "utilisation-heatmap.png",
        "report.html",
        "scenario.toml",
    ] {
        assert!(run.join(name).exists(), "--run-charts writes {name}");
    }
    assert_eq!(
        fs::read(tmp.path().join("plain/results.csv")).unwrap(),
        fs::read(tmp.path().join("merged/results.csv")).unwrap()
    );
}

/// `plot` on a sweep whose results.csv lost a column names the file, line 1 and the column
/// (exit 2).
#[test]
fn plot_names_a_damaged_results_file() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(
        tmp.path(),
        &["sweep", &sweep, "--out", "s", "-q", "--no-charts"],
    );
    let path = tmp.path().join("s/results.csv");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace(",sla_slav,", ",sla_slav_renamed,");
    fs::write(&path, text).unwrap();
    let out = run_in(tmp.path(), &["plot", "s"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("results.csv:1: no column \"sla_slav\" (nightshift merge writes it)"),
        "{err}"
    );
}

/// `plot` on a sharded sweep that is not merged yet says to merge first (exit 2).
#[test]
fn plot_on_an_unmerged_sweep_asks_for_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    ok(
        tmp.path(),
        &["sweep", &sweep, "--out", "part", "--shard", "0/2", "-q"],
    );
    let out = run_in(tmp.path(), &["plot", "part"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("results.csv") && err.contains("nightshift merge"),
        "{err}"
    );
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
/// environment Slurm would give them, and a dependent job right away. What the tasks print
/// goes to stderr (Slurm writes it to the job's log, never to sbatch's output).
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
    SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$first SLURM_ARRAY_TASK_COUNT=$((last - first + 1)) bash -c "$wrap" >&2
  done
else
  bash -c "$wrap" >&2
fi
echo 1000
"#;

/// `deploy/slurm/sweep.sh` with `args`, run in `dir` against [`FAKE_SBATCH`], which logs
/// its arguments to `dir/sbatch.log`.
fn slurm_script(dir: &Path, args: &[&str]) -> std::process::Output {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
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
    std::process::Command::new(root().join("deploy/slurm/sweep.sh"))
        .args(args)
        .env("PATH", path)
        .env("NIGHTSHIFT", env!("CARGO_BIN_EXE_nightshift"))
        .env("FAKE_SLURM_LOG", dir.join("sbatch.log"))
        .env_remove("SBATCH_TIMELIMIT")
        .env_remove("SBATCH_ACCOUNT")
        .env_remove("SBATCH_PARTITION")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_slurm_script_runs_shards_then_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let out = slurm_script(tmp.path(), &[sweep.as_str(), "out", "3", "2"]);
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

/// Issue 23 item 4: the Slurm script passes the time limit, account and partition to both
/// jobs (the merge job's own limit with --merge-time) and what follows `--`; each task logs
/// its progress as plain lines; missing arguments get the usage line and exit 2.
#[test]
fn the_slurm_script_sets_time_account_and_partition_and_tasks_log_progress() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/exercise-1.toml");
    fs::write(
        tmp.path().join("tiny.toml"),
        format!(
            "version = 1\nname = \"tiny\"\nscenario = \"{}\"\nreplicates = 2\nset = [\"simulation.duration=\\\"6h\\\"\"]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let o = slurm_script(
        tmp.path(),
        &[
            "--time",
            "2:00:00",
            "--merge-time=0:20:00",
            "--account",
            "proj42",
            "--partition=short",
            "tiny.toml",
            "out",
            "2",
            "1",
            "--",
            "--qos=normal",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let log = fs::read_to_string(tmp.path().join("sbatch.log")).unwrap();
    let calls: Vec<&str> = log.lines().collect();
    assert_eq!(calls.len(), 2, "{log}");
    for (call, limit) in calls.iter().zip(["--time=2:00:00", "--time=0:20:00"]) {
        for arg in [
            "--account=proj42",
            "--partition=short",
            limit,
            "--qos=normal",
        ] {
            assert!(call.contains(arg), "{arg} missing in: {call}");
        }
    }
    // Each of the 2 shards runs 1 run: "1 of 1 runs done" once per shard.
    let text = stderr(&o);
    assert_eq!(
        text.matches("nightshift: sweep 1 of 1 runs done").count(),
        2,
        "{text}"
    );
    assert!(fs::read_to_string(tmp.path().join("out/results.csv")).is_ok());

    let tmp = tempfile::tempdir().unwrap();
    let sweep = small_sweep(tmp.path());
    let o = std::process::Command::new(root().join("deploy/slurm/sweep.sh"))
        .args([sweep.as_str(), "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "SHARDS missing: {}", stderr(&o));
    assert!(stderr(&o).starts_with("usage: sweep.sh"), "{}", stderr(&o));
}
