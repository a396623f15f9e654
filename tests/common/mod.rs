//! Helpers shared by the integration tests: running the binary and reading its outputs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `nightshift` binary built for these tests.
pub fn nightshift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nightshift"))
}

/// The project root (where `scenarios/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `nightshift` with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    nightshift()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Reads a CSV file into a header and rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The column `name` of a CSV as numbers.
pub fn column(path: &Path, name: &str) -> Vec<f64> {
    let (header, rows) = read_csv(path);
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    rows.iter().map(|r| r[i].parse().unwrap()).collect()
}

/// Reads `summary.json`.
pub fn summary(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A number at a dotted path in a JSON value.
pub fn num(v: &serde_json::Value, path: &str) -> f64 {
    path.split('.')
        .fold(v, |v, k| {
            v.get(k).unwrap_or_else(|| panic!("no key {path}"))
        })
        .as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number"))
}

/// Runs `nightshift` with `args` (in the current folder).
pub fn run_args(args: &[&str]) -> Output {
    nightshift().args(args).output().expect("the binary runs")
}

/// Runs `nightshift run SCENARIO --out DIR --quiet [extra]` and asserts success.
pub fn run_ok(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = run_args(&args);
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    o
}

/// The column `name` of a CSV as text (empty cells stay empty).
pub fn text_column(path: &Path, name: &str) -> Vec<String> {
    let (header, rows) = read_csv(path);
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    rows.into_iter().map(|r| r[i].clone()).collect()
}

/// Runs `nightshift run` on `scenario` (text, written as `s.toml` in a fresh folder) with
/// `extra` arguments; asserts exit status 2, that nothing but the scenario is left, and that
/// stderr holds every `expected` fragment. Returns stderr.
pub fn rejects(scenario: &str, extra: &[&str], expected: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), scenario).unwrap();
    let mut args = vec!["run", "s.toml", "--out", "out", "--no-charts"];
    args.extend_from_slice(extra);
    let out = run_in(tmp.path(), &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["s.toml"], "nothing but the scenario may be left");
    err
}

/// Runs scenario `text` in the library with every invariant checked: its outcome and rows.
pub fn simulate(
    text: &str,
) -> (
    nightshift::sim::Outcome,
    nightshift::sim::records::MemoryRecorder,
) {
    let setup =
        nightshift::scenario::load(text, "test.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut rec = nightshift::sim::records::MemoryRecorder::default();
    let outcome = nightshift::sim::run_checked(&setup, &mut rec).unwrap();
    (outcome, rec)
}

/// Asserts `actual` equals `expected` to 1e-9, relative (absolute below 1).
pub fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "expected {expected}, got {actual}"
    );
}

/// The `[failures]` table of [`run_host0_failing`]: restarts after a 60 s HA delay, hosts
/// failing as `fail.csv` says.
pub const HOST0_FAILS: &str = "[failures]\nrestart_delay = \"60s\"\ntrace = \"fail.csv\"\n";

/// Runs scenario `text` in a fresh folder beside `files` (name, contents), every invariant
/// checked (`--check`), no baseline, no charts; returns the folder (removed when dropped) and
/// the run's output folder in it.
pub fn run_checked(text: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        std::fs::write(tmp.path().join(name), contents).unwrap();
    }
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = tmp.path().join("out");
    run_ok(
        &scenario,
        &out,
        &["--no-charts", "--no-baseline", "--check"],
    );
    (tmp, out)
}

/// Runs scenario `text` (with [`HOST0_FAILS`]) where host 0 fails from 1,800 s to 7,200 s,
/// as [`run_checked`]; returns the summary and each host's dynamic energy, kWh.
pub fn run_host0_failing(text: &str) -> (serde_json::Value, Vec<f64>) {
    let (_tmp, out) = run_checked(text, &[("fail.csv", "host,start_s,end_s\n0,1800,7200\n")]);
    (summary(&out), column(&out.join("hosts.csv"), "dynamic_kwh"))
}

/// A `[[hosts]]` block of `count` hosts of class `class`: 4 cores of 1000 MIPS, 16 GB, drawing
/// 100 W idle to 200 W at full load, linearly (so power-aware placement ties and the lowest id
/// wins).
pub fn linear_hosts(class: &str, count: u32) -> String {
    format!(
        "[[hosts]]\nclass = \"{class}\"\ncount = {count}\ncores = 4\ncore_mips = 1000\nram = \"16 GB\"\n\
         power = {{ model = \"linear\", idle_w = 100, max_w = 200 }}\n"
    )
}

/// The first lines of a scenario: its version and a `[simulation]` table naming it `name`,
/// `duration` long.
pub fn scenario_head(name: &str, duration: &str) -> String {
    format!("version = 1\n[simulation]\nname = \"{name}\"\nduration = \"{duration}\"\n")
}

/// A `[[vm_types]]` block: type `name` of `vcpus` vCPUs of 1000 MIPS and `ram` (with its unit).
pub fn vm_type(name: &str, vcpus: u32, ram: &str) -> String {
    format!("[[vm_types]]\nname = \"{name}\"\nvcpus = {vcpus}\nvcpu_mips = 1000\nram = \"{ram}\"\n")
}

/// A `[[vms]]` group `name` of `count` VMs of type `vm_type` under load curve `load`; `rule`
/// (lines such as `affinity = true`, or nothing) is added to it.
pub fn vm_group(name: &str, vm_type: &str, count: u32, load: &str, rule: &str) -> String {
    format!(
        "[[vms]]\nname = \"{name}\"\ntype = \"{vm_type}\"\ncount = {count}\nload = \"{load}\"\n{rule}\n"
    )
}

/// A `[loads.NAME]` curve `name` at a constant `level` of the VMs' size.
pub fn constant_load(name: &str, level: f64) -> String {
    format!("[loads.{name}]\nshape = \"constant\"\nlevel = {level}\n")
}

/// Policies that leave the placement alone: first fit, no consolidation, every host kept on.
pub const FIRST_FIT_KEPT_ON: &str = "[policy]\ninitial_placement = \"first-fit\"\n[policy.consolidation]\nenabled = false\n[policy.power]\nname = \"keep-on\"\n";

/// Policies that pack light VMs away: worst fit spreads them one a host, consolidation
/// evacuates hosts below 50 %, and the power policy switches empty hosts off down to one.
pub const SPREAD_THEN_CONSOLIDATE: &str = "[policy]\ninitial_placement = \"worst-fit\"\n[policy.consolidation]\nunderload_threshold = 0.5\n[policy.power]\nmin_hosts_on = 1\n";

/// The fleet of the closed-form tests (energy, carbon, failures): `hosts` hosts of 4 cores x
/// 1000 MIPS and 16 GB drawing `power` (a TOML inline table), kept on, no consolidation;
/// one VM (group `g`, load curve `l`) of 2 vCPUs x 1000 MIPS and 2 GB at a constant 45 %,
/// 900 MIPS, placed first fit on host 0 (u = 0.225 there); `hours` long; `extra` appended.
pub fn closed_form(hosts: u32, power: &str, hours: u32, extra: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "closed-form"
duration = "{hours}h"
[[hosts]]
class = "h"
count = {hosts}
cores = 4
core_mips = 1000
ram = "16 GB"
power = {power}
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "2 GB"
[[vms]]
name = "g"
type = "vm"
count = 1
load = "l"
[loads.l]
shape = "constant"
level = 0.45
{FIRST_FIT_KEPT_ON}{extra}
"#
    )
}

/// [`closed_form`]'s usual power: linear from 100 W idle to 200 W at full load, so the VM's
/// host draws 100 + 100 x 0.225 = 122.5 W.
pub const LINEAR_100_200: &str = "{ model = \"linear\", idle_w = 100, max_w = 200 }";
