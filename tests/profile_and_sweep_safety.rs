//! The cloudsim profile, sweeps and plot fail safe (issue 18): workloads the profile does not
//! run are refused up front, a VM's second migration never lands before its first, and bad
//! sweep or plot input is exit 2 with nothing written.

mod common;

use common::{run_args, run_in, stderr};
use std::path::Path;

/// Four hosts, one class on a 100 Mbit/s link and three on 1 Gbit/s links, under the profile:
/// at 15,000.1 s the round moves VM 21 from host 1 to host 0 (a slow link, 81.92 s) and then,
/// evacuating host 0, on to host 3 (a fast link, 8.192 s). Found by the random scenarios.
const TWO_LINKS: &str = r#"version = 1
[simulation]
name = "random"
seed = 13527360504685737733
duration = "5h"
control_interval = "10m"
profile = "cloudsim"
[[hosts]]
class = "c0"
count = 1
cores = 7
core_mips = 1720
ram = "37 GB"
network = "100 Mbit/s"
power = { model = "specpower", watts = [60, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110] }
states = { boot_time = "0s", shutdown_time = "0s" }
[[hosts]]
class = "c1"
count = 3
cores = 13
core_mips = 769
ram = "24 GB"
network = "1 Gbit/s"
power = { model = "specpower", watts = [61, 66, 71, 76, 81, 86, 91, 96, 101, 106, 111] }
states = { boot_time = "0s", shutdown_time = "0s" }
[[vm_types]]
name = "t0"
vcpus = 1
vcpu_mips = 769
ram = "512 MB"
[[vm_types]]
name = "t1"
vcpus = 2
vcpu_mips = 769
ram = "1024 MB"
[[vm_types]]
name = "t2"
vcpus = 3
vcpu_mips = 769
ram = "1536 MB"
[[vms]]
name = "g0"
type = "t0"
count = 9
load = "l0"
start = "51m"

[[vms]]
name = "g1"
type = "t0"
count = 3
load = "l1"
start = "0m"
lifetime = "90m"

[[vms]]
name = "g2"
type = "t1"
count = 11
load = "l2"
start = "0m"

[loads.l0]
shape = "constant"
level = 0.6
noise = { distribution = "normal", sd = 0.2 }
[loads.l1]
shape = "sinusoid"
trough = 0.05
peak = 0.95
peak_hour = 2
[loads.l2]
shape = "hourly"
levels = [0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1]
noise = { distribution = "uniform", half_width = 0.1 }
[policy]
initial_placement = "first-fit"
[policy.consolidation]
overload = "mad"
selection = "mmt"
placement = "worst-fit"
underload_threshold = 0.45
[policy.power]
name = "keep-on"
headroom = 0
park = "off"
[policy.conflicts]
provisioning = "deny"
[migration]
model = "simple"
max_concurrent = 0
"#;

/// Two hosts, two VMs and a team of requests under the profile.
const CLOUDSIM_TEAM: &str = r#"version = 1
[simulation]
name = "team"
duration = "2h"
profile = "cloudsim"
[[hosts]]
class = "a"
count = 2
cores = 8
core_mips = 2000
ram = "64 GB"
power = { model = "linear", idle_w = 60, max_w = 180 }
[[vm_types]]
name = "t"
vcpus = 1
vcpu_mips = 1000
ram = "1 GB"
[[vms]]
name = "g"
type = "t"
count = 2
load = "l"
[loads.l]
shape = "constant"
level = 0.5
[[teams]]
name = "ci"
day_rate = 6
night_rate = 6
batch_min = 1
batch_max = 2
types = ["t"]
load = "l"
lifetime = "40m"
[migration]
max_concurrent = 0
"#;

/// [`CLOUDSIM_TEAM`] without its team, under the realistic profile: two hosts, two VMs.
fn small_realistic() -> String {
    let vms_only = CLOUDSIM_TEAM.split("[[teams]]").next().unwrap();
    vms_only.replace("profile = \"cloudsim\"\n", "")
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A VM planned twice in a round whose second copy (over the faster link) ends first lands
/// on the second destination only after the first copy ends: the checker holds throughout
/// (before the fix: "2 VMs are migrating but 3 migrations are counted in flight" at
/// 15,008.292 s), no migration goes from a host to itself, and both of VM 21's migrations of
/// that round end at 15,082.02 s (15,000.1 s + 1,024 MB at 12.5 MB/s), 1 -> 0 then 0 -> 3.
#[test]
fn a_second_migration_lands_after_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "two-links.toml", TWO_LINKS);
    let out = dir.path().join("out");
    let o = run_args(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--check",
        "--no-charts",
        "--no-baseline",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = common::read_csv(&out.join("migrations.csv"));
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (vm, src, dst, start, end) = (
        col("vm"),
        col("source"),
        col("destination"),
        col("start_s"),
        col("end_s"),
    );
    assert!(
        rows.iter().all(|r| r[src] != r[dst]),
        "a migration from a host to itself"
    );
    let round: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[vm] == "21" && r[start] == "15000.1")
        .map(|r| (r[src].as_str(), r[dst].as_str(), r[end].as_str()))
        .collect();
    assert_eq!(round, [("1", "0", "15082.02"), ("0", "3", "15082.02")]);
}

/// `[[teams]]` (and `[[services]]`) under the profile: validate, run, sweep and compare all
/// refuse the scenario (exit 2, the line of the `[[teams]]` table and what the profile runs)
/// before anything runs, where `run` used to panic (exit 134).
#[test]
fn the_cloudsim_profile_refuses_teams_and_services() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "team.toml", CLOUDSIM_TEAM);
    let s = scenario.to_str().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    for args in [
        vec!["validate", s],
        vec!["run", s, "--out", o, "--quiet"],
        vec![
            "compare",
            s,
            "--policies",
            "always-on,thr-mmt",
            "--out",
            o,
            "--quiet",
        ],
    ] {
        let r = run_args(&args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", stderr(&r));
        let e = stderr(&r);
        assert!(
            e.contains("team.toml:26: teams[0]: [[teams]] is not supported under the cloudsim profile, which runs [[vms]] groups only"),
            "{args:?}: {e}"
        );
        assert!(!out.exists(), "{args:?} left {}", out.display());
    }
    let services = CLOUDSIM_TEAM.split("[[teams]]").next().unwrap().to_string()
        + "[[services]]\nname = \"web\"\ntype = \"t\"\nload = \"l\"\nmin_replicas = 1\nmax_replicas = 2\n[migration]\nmax_concurrent = 0\n";
    let scenario = write(dir.path(), "service.toml", &services);
    let r = run_args(&["run", scenario.to_str().unwrap(), "--out", o, "--quiet"]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r)
            .contains("services[0]: [[services]] is not supported under the cloudsim profile"),
        "{}",
        stderr(&r)
    );
    assert!(!out.exists());
}

/// A list of a folder's files with their contents, to show nothing was written.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `plot` of a run whose summary.json lost its energy (valid JSON, a key renamed) or holds
/// text where a number belongs: exit 2 naming the file and the key, and the folder's files
/// (report.html among them) stay as they were. Before, plot exited 0 and rewrote the report
/// without its energy rows.
#[test]
fn plot_refuses_a_damaged_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "small.toml", &small_realistic());
    let out = dir.path().join("out");
    let o = run_args(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--no-baseline",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = out.join("summary.json");
    let good = std::fs::read_to_string(&summary).unwrap();
    for (damage, key) in [
        (
            good.replacen("\"it_kwh\"", "\"it_kwhx\"", 1),
            "`energy.it_kwh` is missing or not a number",
        ),
        (
            good.replacen("\"boots\": ", "\"boots\": \"x\", \"was\": ", 1),
            "`hosts.boots` is missing or not a number",
        ),
    ] {
        std::fs::write(&summary, &damage).unwrap();
        let before = snapshot(&out);
        let r = run_args(&["plot", out.to_str().unwrap(), "--quiet"]);
        assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
        let e = stderr(&r);
        assert!(e.contains("summary.json: ") && e.contains(key), "{e}");
        assert!(snapshot(&out) == before, "plot wrote into the folder");
    }
}

/// A scenario replaying a three-sample PlanetLab trace (15 minutes) of two VMs, in `dir`.
fn tiny_trace_scenario(dir: &Path) -> std::path::PathBuf {
    let day = dir.join("day");
    std::fs::create_dir(&day).unwrap();
    std::fs::write(day.join("vm-a"), "10\n20\n30\n").unwrap();
    std::fs::write(day.join("vm-b"), "40\n50\n60\n").unwrap();
    write(
        dir,
        "traced.toml",
        r#"version = 1
[simulation]
name = "traced"
duration = "10m"
[[hosts]]
class = "h"
count = 2
cores = 4
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "small"
vcpus = 1
ram = "1 GB"
[traces.t]
format = "planetlab"
path = "day"
[[vms]]
trace = "t"
type = "small"
"#,
    )
}

/// Runs `sweep` from `dir` and expects exit 2 with every one of `needles` in its message and
/// no output folder.
fn sweep_refused(dir: &Path, sweep: &str, needles: &[&str]) {
    write(dir, "sw.toml", sweep);
    let o = run_in(dir, &["sweep", "sw.toml", "--out", "out", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
    assert!(
        !dir.join("out").exists(),
        "nothing is written before runs start"
    );
}

/// Issue 18 item 13: axis values that are only wrong against the trace (a shift past its
/// 15-minute end, a folder that does not exist, more VMs than its two) are refused before the
/// first run starts, naming the run, instead of failing halfway with a folder left behind.
#[test]
fn trace_dependent_axis_values_are_checked_before_any_run() {
    let dir = tempfile::tempdir().unwrap();
    tiny_trace_scenario(dir.path());
    let sweep = |key: &str, values: &str| {
        format!(
            "version = 1\nname = \"s\"\nscenario = \"traced.toml\"\n[[axis]]\nkey = \"{key}\"\nvalues = {values}\n"
        )
    };
    sweep_refused(
        dir.path(),
        &sweep("traces.t.shift", r#"["0s", "1h"]"#),
        &[
            "run 1 (shift=1h)",
            "traces.t.shift",
            "beyond the end of the trace",
        ],
    );
    sweep_refused(
        dir.path(),
        &sweep("traces.t.path", r#"["day", "no-such-day"]"#),
        &[
            "run 1 (path=no-such-day)",
            "traces.t",
            "no-such-day: no such folder",
        ],
    );
    sweep_refused(
        dir.path(),
        &sweep("vms.0.count", "[2, 3]"),
        &["run 1 (count=3)", "vms[0].count"],
    );
    // The same sweep over values the trace allows runs both.
    write(
        dir.path(),
        "sw.toml",
        &sweep("traces.t.shift", r#"["0s", "5m"]"#),
    );
    let o = run_in(
        dir.path(),
        &["sweep", "sw.toml", "--out", "out", "-q", "--no-charts"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Issue 18 item 12: two runs that would share a run id (and folder) are refused when the
/// sweep is read, before anything is written.
#[test]
fn runs_that_would_share_a_folder_are_refused_before_any_run() {
    let dir = tempfile::tempdir().unwrap();
    tiny_trace_scenario(dir.path());
    sweep_refused(
        dir.path(),
        "version = 1\nname = \"s\"\nscenario = \"traced.toml\"\nseeds = [1, 1]\n",
        &["sw.toml", "seeds: 1 is listed twice"],
    );
    sweep_refused(
        dir.path(),
        "version = 1\nname = \"s\"\nscenario = \"traced.toml\"\n[[axis]]\nkey = \"simulation.name\"\nvalues = [\"a b\", \"a/b\"]\n",
        &[r#"values: "a b" and "a/b" would name the same run folder (a-b)"#],
    );
}

/// `plot` of a run folder whose summary.json an older version wrote, without the fields added
/// since (night, warm-up, sleep counts, downtime, unserved demand, the baseline's workload,
/// the savings' caveat): summary.json reads back with their defaults and the report is
/// redrawn (exit 0) with the run's saving. Reading it typed must not refuse old folders.
#[test]
fn plot_reads_a_summary_from_an_older_version() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "small.toml", &small_realistic());
    let out = dir.path().join("out");
    let o = run_args(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--no-host-utilisation",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = out.join("summary.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let later: [(&str, &[&str]); 6] = [
        ("", &["night", "warmup_s", "impact"]),
        ("hosts", &["sleeps", "wakes"]),
        (
            "migrations",
            &[
                "total_downtime_s",
                "max_downtime_s",
                "mean_wait_s",
                "traffic_gb",
                "peak_traffic_gbit_s",
            ],
        ),
        (
            "vms",
            &[
                "running_at_end",
                "unplaced",
                "demand_core_h",
                "unserved_demand_core_h",
                "waiting_core_h",
                "unserved_fraction",
            ],
        ),
        (
            "baseline",
            &[
                "vms_unplaced",
                "demand_core_h",
                "unserved_demand_core_h",
                "unserved_fraction",
            ],
        ),
        ("savings", &["comparable", "caveat"]),
    ];
    for (section, keys) in later {
        let node = if section.is_empty() {
            &mut doc
        } else {
            &mut doc[section]
        };
        let map = node.as_object_mut().unwrap();
        for key in keys {
            assert!(map.remove(*key).is_some(), "{section}.{key}");
        }
    }
    std::fs::write(&summary, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let r = run_args(&["plot", out.to_str().unwrap(), "--quiet"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("of always-on's"), "{report}");
    assert!(!report.contains("not like-for-like"), "{report}");
}
