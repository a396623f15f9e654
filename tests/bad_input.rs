//! Bad input: every class of mistake gets a message naming the place and what is valid, exit
//! status 2, and no output folder.

mod common;
use common::*;
use std::fs;

const GOOD: &str = r#"version = 1

[simulation]
name = "bad"
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

#[test]
fn the_good_scenario_runs() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("s.toml"), GOOD).unwrap();
    let out = run_in(tmp.path(), &["run", "s.toml", "--out", "out", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn unknown_field_names_line_and_valid_fields() {
    rejects(
        &GOOD.replace("cores = 8", "coress = 8"),
        &[],
        &["s.toml:10:", "unknown field `coress`", "`cores`"],
    );
}

#[test]
fn wrong_type_names_line() {
    rejects(
        &GOOD.replace("count = 2", "count = \"two\""),
        &[],
        &["s.toml:9:", "invalid type"],
    );
}

#[test]
fn missing_required_value_is_named() {
    rejects(
        &GOOD.replace("cores = 8\n", ""),
        &[],
        &["s.toml:", "missing field `cores`"],
    );
}

#[test]
fn negative_size_is_refused_with_its_line() {
    rejects(
        &GOOD.replace("ram = \"16 GB\"", "ram = \"-16 GB\""),
        &[],
        &["s.toml:11:", "must not be negative"],
    );
}

#[test]
fn zero_size_is_refused_with_its_key() {
    rejects(
        &GOOD.replace("cores = 8", "cores = 0"),
        &[],
        &["s.toml:10:", "hosts[0].cores", "at least 1"],
    );
    rejects(
        &GOOD.replace("ram = \"4 GB\"", "ram = \"0 GB\""),
        &[],
        &["vm_types[0].ram", "must be above 0"],
    );
}

#[test]
fn unknown_unit_lists_valid_units() {
    rejects(
        &GOOD.replace("\"16 GB\"", "\"16 gigs\""),
        &[],
        &["s.toml:11:", "unknown unit", "GiB"],
    );
}

#[test]
fn vm_larger_than_every_host_is_refused() {
    rejects(
        &GOOD.replace("vcpus = 2", "vcpus = 64"),
        &[],
        &["vms[0].type", "larger than every host class"],
    );
}

#[test]
fn empty_fleet_is_refused() {
    let text = GOOD
        .replace("[[hosts]]\nclass = \"h\"\ncount = 2\ncores = 8\nram = \"16 GB\"\npower = { model = \"linear\", idle_w = 100, max_w = 200 }\n", "")
        .replace("version = 1", "version = 1\nhosts = []");
    rejects(&text, &[], &["hosts", "fleet is empty"]);
}

#[test]
fn unknown_policy_lists_valid_names() {
    let text = format!("{GOOD}\n[policy]\ninitial_placement = \"random-fit\"\n");
    rejects(
        &text,
        &[],
        &["policy.initial_placement", "\"first-fit\"", "\"pabfd\""],
    );
}

#[test]
fn destination_headroom_that_leaves_no_destination_is_refused() {
    // THR's threshold is 0.9 unless set: a head-room of 0.9 would bar every destination.
    let text = format!("{GOOD}\n[policy.consolidation]\ndestination_headroom = 0.9\n");
    rejects(
        &text,
        &[],
        &[
            "policy.consolidation.destination_headroom",
            "must be below 0.9, the most a destination may reach under \"thr\"",
        ],
    );
    // A threshold above 100 %: destinations still stop at full utilisation.
    let text = format!(
        "{GOOD}\n[policy.consolidation]\noverload_param = 1.2\ndestination_headroom = 1.0\n"
    );
    rejects(
        &text,
        &[],
        &[
            "destination_headroom",
            "must be below 1, the most a destination",
        ],
    );
    let text =
        format!("{GOOD}\n[policy.consolidation]\noverload = \"lr\"\ndestination_headroom = 1.5\n");
    rejects(
        &text,
        &[],
        &["destination_headroom", "fraction between 0 and 1 (got 1.5)"],
    );
}

#[test]
fn an_empty_night_is_refused() {
    let text = GOOD.replace(
        "duration = \"1h\"",
        "duration = \"1h\"\nnight = { from = \"06:00\", to = \"06:00\" }",
    );
    rejects(
        &text,
        &[],
        &["simulation.night.to", "must differ from `from`"],
    );
}

#[test]
fn destination_headroom_is_refused_under_the_cloudsim_profile() {
    let text = format!(
        "{GOOD}\n[policy.consolidation]\ndestination_headroom = 0.05\n[migration]\npreset = \"cloudsim\"\n"
    )
    .replace("duration = \"1h\"", "duration = \"1h\"\nprofile = \"cloudsim\"");
    rejects(
        &text,
        &[],
        &[
            "destination_headroom",
            "must be 0 under the cloudsim profile",
        ],
    );
}

#[test]
fn malformed_set_is_refused() {
    rejects(GOOD, &["--set", "hosts.0.count"], &["--set", "KEY=VALUE"]);
    rejects(
        GOOD,
        &["--set", "hosts.5.count=1"],
        &["--set", "out of range"],
    );
    rejects(
        GOOD,
        &["--set", "hosts.0.cores=0"],
        &["--set", "hosts[0].cores", "at least 1"],
    );
    rejects(
        GOOD,
        &["--set", "hosts.0.corse=3"],
        &["unknown field `corse`", "after --set hosts.0.corse"],
    );
}

#[test]
fn missing_scenario_file_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(tmp.path(), &["run", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.toml"), "{}", stderr(&out));
}

#[test]
fn unsupported_version_is_refused() {
    rejects(
        &GOOD.replace("version = 1", "version = 2"),
        &[],
        &["version", "version 1"],
    );
}

#[test]
fn validate_reports_each_bad_file_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("good.toml"), GOOD).unwrap();
    fs::write(
        tmp.path().join("bad.toml"),
        GOOD.replace("cores = 8", "cores = -1"),
    )
    .unwrap();
    let out = run_in(tmp.path(), &["validate", "good.toml", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("ok: good.toml"));
    assert!(stderr(&out).contains("bad.toml:10:"), "{}", stderr(&out));
}

#[test]
fn bad_sweep_files_exit_2_naming_file_line_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("s.toml"), GOOD).unwrap();
    let sweep = "version = 1\nname = \"x\"\nscenario = \"s.toml\"\n[[axis]]\nkey = \"policy.power.headroom\"\nvalus = [0.1]\n";
    fs::write(tmp.path().join("sweep.toml"), sweep).unwrap();
    let out = run_in(tmp.path(), &["sweep", "sweep.toml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sweep.toml:6:") && stderr(&out).contains("unknown field `valus`"),
        "{}",
        stderr(&out)
    );
    // A value the scenario refuses fails before any run starts, naming the run and the key.
    let sweep = "version = 1\nname = \"x\"\nscenario = \"s.toml\"\n[[axis]]\nkey = \"hosts.0.cores\"\nvalues = [4, 0]\n";
    fs::write(tmp.path().join("sweep.toml"), sweep).unwrap();
    let out = run_in(tmp.path(), &["sweep", "sweep.toml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cores=0") && stderr(&out).contains("hosts[0].cores"),
        "{}",
        stderr(&out)
    );
    assert!(
        !tmp.path().join("out").exists(),
        "nothing is written before every run is checked"
    );
}
