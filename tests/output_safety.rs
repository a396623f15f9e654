//! Output folders and streams never lose data or hang: `--force` replaces only an output
//! folder, closed or full standard output ends the program cleanly, non-regular inputs are
//! refused, and what killed processes leave behind is removed by the next command.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A one-hour scenario of two hosts: runs in a few milliseconds.
const MINI: &str = r#"version = 1

[simulation]
name = "mini"
duration = "1h"

[[hosts]]
class = "h"
count = 2
cores = 8
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }

[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"

[[vms]]
type = "vm"
count = 3
load = "flat"

[loads.flat]
shape = "constant"
level = 0.5
"#;

/// `proj/scenarios/mini.toml` and a sweep of it beside, in a fresh temporary folder.
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = tmp.path().join("proj/scenarios");
    fs::create_dir_all(&scenarios).unwrap();
    fs::write(scenarios.join("mini.toml"), MINI).unwrap();
    fs::write(
        scenarios.join("sweep.toml"),
        "version = 1\nname = \"s\"\nscenario = \"mini.toml\"\nreplicates = 2\n",
    )
    .unwrap();
    (tmp, scenarios)
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// Waits for `child` at most `limit`, killing it if it is still running: a hang fails the
/// test instead of blocking it.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Issue 18 item 1: `--out ..` or `--out .` with `--force` used to empty the project (or the
/// scenarios folder) and then fail. A folder that is or holds the current folder or an input
/// is refused with exit 2 before anything is touched, in `run`, `compare` and `sweep`.
#[test]
fn force_never_replaces_the_current_folder_or_one_holding_the_inputs() {
    let (tmp, scenarios) = project();
    let before = names(&tmp.path().join("proj"));
    for args in [
        &["run", "mini.toml", "--out", "..", "--force"][..],
        &["run", "mini.toml", "--out", ".", "--force"],
        &[
            "compare",
            "mini.toml",
            "--policies",
            "always-on",
            "--out",
            "..",
            "--force",
        ],
        &["sweep", "sweep.toml", "--out", "..", "--force"],
    ] {
        let o = run_in(&scenarios, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let relation = if args.contains(&".") { "is" } else { "holds" };
        assert!(
            stderr(&o).contains(&format!("this folder {relation} the current folder")),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(names(&tmp.path().join("proj")), before, "{args:?}");
        assert_eq!(names(&scenarios), ["mini.toml", "sweep.toml"], "{args:?}");
    }
    // From elsewhere: the folder holding the scenario is refused as well.
    let o = run_in(
        tmp.path(),
        &[
            "run",
            "proj/scenarios/mini.toml",
            "--out",
            "proj",
            "--force",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds the input proj/scenarios/mini.toml"),
        "{}",
        stderr(&o)
    );
    assert!(scenarios.join("mini.toml").is_file());
}

/// Issue 18 item 1: `--force` replaces an output folder (or an empty one), never a non-empty
/// folder without any of the files nightshift writes.
#[test]
fn force_replaces_only_folders_nightshift_wrote() {
    let (tmp, scenarios) = project();
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("thesis.tex"), "years of work").unwrap();
    let o = run_in(
        &scenarios,
        &["run", "mini.toml", "--out", "../../mine", "--force", "-q"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not replaced: it is not empty and has none of summary.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(&mine), ["thesis.tex"]);
    // An earlier run's folder is replaced.
    let out = tmp.path().join("out");
    run_ok(&scenarios.join("mini.toml"), &out, &["--no-charts"]);
    run_ok(
        &scenarios.join("mini.toml"),
        &out,
        &["--no-charts", "--force"],
    );
    assert!(out.join("summary.json").is_file());
}

/// Issue 18 item 4 and issue 16: a reader that closes the pipe (`| head -1`) used to make
/// the program panic (exit 134). It now stops quietly with status 141, what a shell shows for
/// a process ended by SIGPIPE, like other Unix tools.
#[test]
fn a_closed_stdout_ends_quietly_with_status_141() {
    let (_tmp, scenarios) = project();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = nightshift()
        .args(["validate", "mini.toml", "mini.toml"])
        .current_dir(&scenarios)
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(141), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "nothing to say on a closed pipe");
}

/// Issue 18 item 4: a full standard output (`> /dev/full`) used to panic; it is exit 1 with a
/// message, for `validate` and for `run` (whose outputs are complete by then).
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_exit_1_with_a_message() {
    let (tmp, scenarios) = project();
    let out = tmp.path().join("out");
    for args in [
        vec!["validate", "mini.toml"],
        vec![
            "run",
            "mini.toml",
            "--out",
            out.to_str().unwrap(),
            "--no-charts",
        ],
    ] {
        let o = nightshift()
            .args(&args)
            .current_dir(&scenarios)
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// Issue 18 item 11: a FIFO with no writer given as the scenario (or sweep) blocked forever.
/// Non-regular files are refused up front, exit 2.
#[cfg(unix)]
#[test]
fn a_fifo_as_input_is_refused_instead_of_blocking() {
    let (_tmp, scenarios) = project();
    let made = Command::new("mkfifo")
        .arg(scenarios.join("pipe.toml"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &["validate", "pipe.toml"][..],
        &["run", "pipe.toml", "--out", "o"],
        &["sweep", "pipe.toml", "--out", "o"],
        &[
            "compare",
            "pipe.toml",
            "--policies",
            "always-on",
            "--out",
            "o",
        ],
    ] {
        let child = nightshift()
            .args(args)
            .current_dir(&scenarios)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let o = wait_at_most(child, Duration::from_secs(10));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("pipe.toml: cannot read")
                && stderr(&o).contains("not a regular file (a named pipe, socket or device)"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(!scenarios.join("o").exists());
    }
    // A trace that is a named pipe: refused, not read.
    let with_trace = MINI.replace("load = \"flat\"", "trace = \"t\"")
        + "\n[traces.t]\nformat = \"csv\"\npath = \"pipe.toml\"\n";
    fs::write(scenarios.join("traced.toml"), with_trace).unwrap();
    let child = nightshift()
        .args(["validate", "traced.toml"])
        .current_dir(&scenarios)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_at_most(child, Duration::from_secs(10));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pipe.toml: is not a regular file or a folder (a named pipe"),
        "{}",
        stderr(&o)
    );
}

/// Issue 18 item 14: two processes running the same shard into one folder deleted each
/// other's staging folders. The second one now stops at once (exit 1) with a clear message,
/// touching nothing of the first; the lock (held here as a running sweep holds it) goes with
/// its holder, and the sweep then runs.
#[test]
fn a_shard_already_running_in_the_folder_is_refused() {
    let (_tmp, scenarios) = project();
    let out = scenarios.join("out");
    let o = run_in(&scenarios, &["sweep", "sweep.toml", "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::remove_file(out.join("results.csv")).unwrap();
    let held = nightshift::output::Lock::try_take(&out.join(".shard-0-of-1.lock"), true, false)
        .unwrap()
        .unwrap();
    let o = run_in(&scenarios, &["sweep", "sweep.toml", "--out", "out", "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shard 0/1 of this sweep is already running in this folder"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("results.csv").exists());
    drop(held);
    let o = run_in(&scenarios, &["sweep", "sweep.toml", "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("results.csv").is_file());
    assert!(
        !names(&out).iter().any(|n| n.starts_with('.')),
        "no lock or staging left: {:?}",
        names(&out)
    );
}

/// Issue 18 item 15: `kill -9` while a sweep wrote its charts left a `.tmp-PID` file that the
/// resumed sweep never removed. A file whose writer is gone (its lock free, as a killed
/// process leaves it) is removed when the sweep resumes.
#[test]
fn a_resumed_sweep_removes_temporary_files_of_a_killed_one() {
    let (_tmp, scenarios) = project();
    let o = run_in(&scenarios, &["sweep", "sweep.toml", "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let left = scenarios.join("out/.sweep-tradeoff.png.tmp-4194303");
    fs::write(&left, "half a chart").unwrap();
    let o = run_in(&scenarios, &["sweep", "sweep.toml", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!left.exists(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: removed 1 unfinished output(s)"),
        "{}",
        stderr(&o)
    );
}

/// The PID of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Starts `run` of a four-week scenario (seconds in a debug build) and waits until its
/// staging folder is in `dir`; returns the process.
fn start_long_run(dir: &Path) -> std::process::Child {
    let out = dir.join("out");
    let scenario = root().join("scenarios/exercise-1.toml");
    let child = nightshift()
        .args(["run", scenario.to_str().unwrap(), "--out", "out/long", "-q"])
        .args(["--set", "simulation.duration=\"28d\""])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = format!(".long.partial-{}", child.id());
    let started = Instant::now();
    while !out.is_dir() || !names(&out).contains(&staging) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no staging folder"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// Issue 18 item 16: `run` stopped by SIGTERM or SIGHUP left its `.partial-PID` folder. Both
/// are handled like Ctrl-C: the staging folder is removed, exit 130.
#[cfg(unix)]
#[test]
fn sigterm_and_sighup_remove_the_staging_folder() {
    for signal in ["-TERM", "-HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let child = start_long_run(tmp.path());
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let o = wait_at_most(child, Duration::from_secs(10));
        assert_eq!(o.status.code(), Some(130), "{signal}: {}", stderr(&o));
        assert!(
            names(&tmp.path().join("out")).is_empty(),
            "{signal}: {:?}",
            names(&tmp.path().join("out"))
        );
    }
}

/// Issue 18 item 16: `kill -9` leaves a staging folder (one reached 13 GB) that later runs
/// never cleaned. The next run removes it (its lock is free: the writer is gone), and staging
/// folders of older versions (no lock file) whose PID no longer runs, once a minute old. A
/// staging folder being written is left alone.
#[cfg(target_os = "linux")]
#[test]
fn the_next_run_removes_staging_folders_of_killed_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let mut live = start_long_run(tmp.path());
    let mut killed = start_long_run(tmp.path());
    killed.kill().unwrap();
    killed.wait().unwrap();
    let legacy = tmp.path().join(format!("out/.old.partial-{}", dead_pid()));
    fs::create_dir(&legacy).unwrap();
    fs::write(legacy.join("timeseries.csv"), "time_s\n").unwrap();
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    fs::File::open(&legacy)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let o = run_in(
        tmp.path(),
        &[
            "run",
            root().join("scenarios/exercise-1.toml").to_str().unwrap(),
        ]
        .iter()
        .copied()
        .chain(["--out", "out/next", "--no-charts"])
        .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: removed 2 unfinished output(s) of processes that ended early"),
        "{}",
        stderr(&o)
    );
    let partials: Vec<String> = names(&tmp.path().join("out"))
        .into_iter()
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert_eq!(
        partials,
        [format!(".long.partial-{}", live.id())],
        "only the live run's staging folder stays"
    );
    live.kill().unwrap();
    live.wait().unwrap();
}

/// Issue 18 item 17: output names of 241-255 bytes failed ('File name too long': the staging
/// name was longer) and left an empty `output/`. The staging name is shortened to fit.
#[test]
fn the_longest_legal_output_name_works() {
    let (tmp, scenarios) = project();
    let name = "n".repeat(255);
    let out = tmp.path().join("output").join(&name);
    run_ok(&scenarios.join("mini.toml"), &out, &["--no-charts"]);
    assert!(out.join("summary.json").is_file());
    assert_eq!(names(&tmp.path().join("output")), [name]);
}

/// Issue 18 item 19: `generate -o` on a full disk left an empty file. The file is written
/// under a temporary name and renamed: a failed write leaves nothing (here the file-size limit,
/// with its signal ignored, fails writes as a full disk would).
#[cfg(unix)]
#[test]
fn generate_on_a_full_disk_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let script = format!(
        "ulimit -f 4; trap '' XFSZ; exec '{}' generate --hosts 100 --vms 1000 -o big.toml",
        env!("CARGO_BIN_EXE_nightshift")
    );
    let o = Command::new("sh")
        .args(["-c", &script])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("big.toml: cannot write: File too large"),
        "{}",
        stderr(&o)
    );
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

/// Issue 16: `generate -o FILE` overwrote an existing file silently and printed nothing. An
/// existing file is kept without `--force` (exit 2); what was written is said on stderr.
#[test]
fn generate_keeps_an_existing_file_and_says_what_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.toml"), "precious").unwrap();
    let args = ["generate", "--hosts", "3", "--vms", "5", "-o", "mine.toml"];
    let o = run_in(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("-o mine.toml: already exists; pass --force"));
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine.toml")).unwrap(),
        "precious"
    );
    let o = run_in(tmp.path(), &[&args[..], &["--force"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("nightshift: wrote mine.toml (3 hosts, 5 VMs, 1 day(s), seed 1;"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "", "stdout carries a scenario or nothing");
    let o = run_in(tmp.path(), &["validate", "mine.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Issue 18 item 20: a full disk while drawing charts named the hidden staging file. The
/// error names the file in the folder asked for. The limit (32 KiB) lets a six-hour run's CSV
/// files through and stops the first chart. The `output/` folder made for the run goes too.
#[cfg(unix)]
#[test]
fn a_full_disk_while_drawing_names_the_folder_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let script = format!(
        "ulimit -f 64; trap '' XFSZ; exec '{}' run '{}' --set 'simulation.duration=\"6h\"' --out output/out -q",
        env!("CARGO_BIN_EXE_nightshift"),
        root().join("scenarios/exercise-1.toml").display()
    );
    let o = Command::new("sh")
        .args(["-c", &script])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: output/out/power.svg: cannot write: File too large (os error 27)\n"
    );
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

/// Issue 16: `run --check` did not say it checked anything. It prints the number of events
/// after each of which every invariant was checked.
#[test]
fn run_check_says_what_it_checked() {
    let (tmp, scenarios) = project();
    let out = tmp.path().join("out");
    let o = run_in(
        &scenarios,
        &[
            "run",
            "mini.toml",
            "--out",
            out.to_str().unwrap(),
            "--check",
            "--no-charts",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let events = summary(&out)["events"].as_u64().unwrap();
    assert!(events > 0);
    assert!(
        stdout(&o).contains(&format!(
            "  checked     every invariant after each of the run's {events} events: all held\n"
        )),
        "{}",
        stdout(&o)
    );
}
