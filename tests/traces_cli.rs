//! Trace replay through the binary: demand at known times equals sums read by hand (awk) from
//! the bundled traces; malformed traces and bad trace settings exit with status 2, name the
//! file and line, and leave no output folder.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const FLEET: &str = r#"
[[hosts]]
class = "h"
count = 8
cores = 16
core_mips = 2600
ram = "256 GB"
power = { model = "linear", idle_w = 100, max_w = 300 }

[policy.consolidation]
enabled = false

[policy.power]
name = "keep-on"
"#;

fn scenario(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("s.toml");
    std::fs::write(&p, format!("version = 1\n{body}\n{FLEET}")).unwrap();
    p
}

fn traces(sub: &str) -> String {
    root().join("traces").join(sub).display().to_string()
}

/// `demand_mips` of the timeseries row at `time_s`.
fn demand_at(out: &Path, time_s: f64) -> f64 {
    let times = column(&out.join("timeseries.csv"), "time_s");
    let demand = column(&out.join("timeseries.csv"), "demand_mips");
    let i = times
        .iter()
        .position(|&t| t == time_s)
        .unwrap_or_else(|| panic!("no row at {time_s}"));
    demand[i]
}

#[test]
fn planetlab_day_demand_is_the_trace_times_the_vm_sizes() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("pl");
    run_ok(
        &root().join("scenarios/planetlab-day.toml"),
        &out,
        &["--no-baseline"],
    );
    let s = summary(&out);
    assert_eq!(s["vms"]["count"], 1052);
    assert_eq!(s["vms"]["ended"], 0, "288 samples cover the day");
    // Files sorted by bytes, VM i of 1052 in block i / 263 (2500, 2000, 1000, 500 MIPS);
    // awk over the first (second) line of every file: sum of % / 100 x MIPS.
    assert_eq!(demand_at(&out, 0.0), 178_255.0);
    assert_eq!(demand_at(&out, 300.0), 182_385.0);
}

#[test]
fn bitbrains_month_replays_all_16_vms_and_the_late_one_arrives_on_its_first_sample() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        &format!(
            r#"
[simulation]
name = "bitbrains-month"
duration = "30d"

[traces.rnd]
format = "bitbrains"
path = "{}"

[[vm_types]]
name = "one-core"
vcpus = 1
vcpu_mips = 2600
ram = "2 GB"

[[vm_types]]
name = "two-core"
vcpus = 2
vcpu_mips = 2600
ram = "8 GB"

[[vms]]
trace = "rnd"
type_by = "cores"
type_map = {{ "1" = "one-core", "2" = "two-core" }}
"#,
            traces("bitbrains-rnd")
        ),
    );
    let out = dir.path().join("out");
    let o = run_ok(&s, &out, &["--no-baseline"]);
    assert!(o.stderr.is_empty(), "--quiet hides warnings");
    assert_eq!(summary(&out)["vms"]["count"], 16);
    // First rows: sum of CPU % / 100 x cores x 2600 MIPS over the 15 VMs present = 1196.
    assert!((demand_at(&out, 0.0) - 1196.0).abs() < 1e-6);
    // 14.csv's first provisioned row is step 8220: it arrives at 8220 x 300 = 2,466,000 s.
    let times = column(&out.join("timeseries.csv"), "time_s");
    let running = column(&out.join("timeseries.csv"), "vms_running");
    let first16 = times
        .iter()
        .zip(&running)
        .find(|&(_, &r)| r == 16.0)
        .map(|(&t, _)| t);
    assert_eq!(first16, Some(2_466_000.0));
    assert_eq!(running[0], 15.0);

    // Without --quiet, the reader's decision about 14.csv is a warning on stderr.
    let out2 = dir.path().join("out2");
    let o = run_args(&[
        "run",
        s.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--no-baseline",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success());
    assert!(
        err.contains("warning: traces.rnd: ") && err.contains("14.csv: 8 rows report 0 CPU cores"),
        "{err}"
    );
}

#[test]
fn azure_replay_is_shifted_scaled_looped_and_typed_by_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        &format!(
            r#"
[simulation]
name = "azure"
duration = "25d"
control_interval = "1h"

[traces.az]
format = "azure"
path = "{}"
shift = "1h"
scale = 1.5
loop = true

[[vm_types]]
name = "two"
vcpus = 2
ram = "4 GB"

[[vm_types]]
name = "four"
vcpus = 4
ram = "8 GB"

[[vm_types]]
name = "eight"
vcpus = 8
ram = "32 GB"

[[vms]]
trace = "az"
type_by = "cores"
type_map = {{ "2" = "two", "4" = "four", "8" = "eight" }}
"#,
            traces("azure-2019")
        ),
    );
    let out = dir.path().join("out");
    run_ok(&s, &out, &["--no-baseline"]);
    // Time 0 replays trace time 3600 s: awk over batch_1 of min(1, 1.5 x avg_cpu / 100) x
    // core bucket x 1000 MIPS = 5181.
    assert!((demand_at(&out, 0.0) - 5181.0).abs() < 1e-6);
    let sum = summary(&out);
    assert_eq!(sum["vms"]["count"], 20);
    assert_eq!(
        sum["vms"]["ended"], 0,
        "a looped trace's VMs stay past its 20.8 days"
    );
}

#[test]
fn generic_csv_replay_follows_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(
        dir.path(),
        &format!(
            r#"
[simulation]
name = "csv"
duration = "12h"

[traces.day]
format = "csv"
path = "{}"
shift = "1h"

[[vm_types]]
name = "one"
vcpus = 1
ram = "1 GB"

[[vms]]
trace = "day"
type = "one"
"#,
            traces("csv-example/bitbrains-first-day.csv")
        ),
    );
    let out = dir.path().join("out");
    run_ok(&s, &out, &["--no-baseline"]);
    // Rows at 1372629804 + 3600: VM 1 at 0.5 %, VM 9 at 23.533333 % (23.53 %): 5 + 235.3.
    assert!((demand_at(&out, 0.0) - 240.3).abs() < 1e-9);
}

// ---- bad input -------------------------------------------------------------------------

fn expect_input_error(body: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario(dir.path(), body);
    let out = dir.path().join("out");
    let o = run_args(&["run", s.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
    assert!(!out.exists(), "no output folder after bad input");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the scenario remains: {leftovers:?}"
    );
}

const TYPES: &str = r#"
[[vm_types]]
name = "one"
vcpus = 1
ram = "1 GB"
"#;

#[test]
fn a_missing_trace_folder_exits_2_naming_it() {
    expect_input_error(
        &format!(
            "[simulation]\nname = \"x\"\n[traces.t]\nformat = \"planetlab\"\npath = \"no/such/day\"\n{TYPES}\n[[vms]]\ntrace = \"t\"\ntype = \"one\"\n"
        ),
        &["s.toml: traces.t: ", "no/such/day: no such folder"],
    );
}

#[test]
fn a_bad_sample_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let day = dir.path().join("day");
    std::fs::create_dir(&day).unwrap();
    std::fs::write(day.join("vm-a"), "10\n20\n").unwrap();
    std::fs::write(day.join("vm-b"), "10\n20\n130\n").unwrap();
    expect_input_error(
        &format!(
            "[simulation]\nname = \"x\"\n[traces.t]\nformat = \"planetlab\"\npath = \"{}\"\n{TYPES}\n[[vms]]\ntrace = \"t\"\ntype = \"one\"\n",
            day.display()
        ),
        &["vm-b:3: 130 is outside 0-100"],
    );
}

#[test]
fn bad_trace_settings_exit_2_naming_the_key_and_line() {
    let base = |trace: &str, group: &str| {
        format!("[simulation]\nname = \"x\"\n{trace}\n{TYPES}\n[[vms]]\n{group}\n",)
    };
    let pl = format!(
        "[traces.t]\nformat = \"planetlab\"\npath = \"{}\"",
        traces("planetlab/20110303")
    );
    expect_input_error(
        &base(
            "[traces.t]\nformat = \"swf\"\npath = \"x\"",
            "trace = \"t\"\ntype = \"one\"",
        ),
        &["s.toml:5", "traces.t.format: unknown trace format \"swf\""],
    );
    expect_input_error(
        &base(&pl, "trace = \"t\"\ntype = \"one\"\ncount = 2000"),
        &["vms[0].count: asks for 2000 VMs but trace t has 1052 VMs"],
    );
    expect_input_error(
        &base(&pl, "trace = \"u\"\ntype = \"one\""),
        &["vms[0].trace: unknown trace \"u\"; defined in [traces]: \"t\""],
    );
    expect_input_error(
        &base(&pl, "trace = \"t\"\ntype = \"one\"\nload = \"flat\""),
        &["vms[0].load: a group replays either a load curve"],
    );
    expect_input_error(
        &base(
            &pl,
            "trace = \"t\"\ntype_by = \"cores\"\ntype_map = { \"1\" = \"one\" }",
        ),
        &["vms[0].type_by: trace VM", "has no \"cores\" attribute"],
    );
    expect_input_error(
        &base(
            &format!("{pl}\nshift = \"2d\""),
            "trace = \"t\"\ntype = \"one\"",
        ),
        &["traces.t.shift: is beyond the end of the trace (288 steps of 300 s = 86400 s)"],
    );
    expect_input_error(
        &base(&format!("{pl}\nscale = 0"), "trace = \"t\"\ntype = \"one\""),
        &["traces.t.scale: must be above 0 and up to 100 (got 0)"],
    );
}

#[test]
fn every_bundled_scenario_validates() {
    let dir = root().join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    names.sort();
    for required in [
        "exercise-2.toml",
        "nightly-scale-down.toml",
        "planetlab-day.toml",
    ] {
        assert!(names.iter().any(|n| n.ends_with(required)), "{required}");
    }
    let mut args = vec!["validate"];
    args.extend(names.iter().map(String::as_str));
    let o = run_args(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("planetlab-day.toml (planetlab-day: 800 hosts, 1052 VMs"),
        "{text}"
    );
    assert!(
        text.contains("exercise-2.toml (exercise-2: 1050 hosts"),
        "{text}"
    );
}
