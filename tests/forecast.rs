//! Boot ahead of demand (`policy.power.forecast`) and the demand served late
//! (`late_demand.core_h` in summary.json) on small fleets that can be timed by hand.

mod common;
use common::*;

/// Runs `text` with its outputs in `tmp/out` and returns its summary.
fn run(tmp: &tempfile::TempDir, text: &str) -> serde_json::Value {
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    run_ok(&path, &tmp.path().join("out"), &["--no-charts"]);
    summary(&tmp.path().join("out"))
}

/// Two hosts of one 1000-MIPS core that boot in 10 minutes, a control tick each minute, no
/// consolidation. A full 1-vCPU VM fills host 0 from the start (host 1, empty, goes off at
/// the first tick); a second VM, at `level` of 1000 MIPS, arrives at 30 minutes and waits
/// for host 1 to boot.
fn one_boot(level: f64) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "late"
duration = "1h"
control_interval = "1m"
[[hosts]]
class = "h"
count = 2
cores = 1
core_mips = 1000
ram = "4 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}
states = {{ off_w = 10, boot_time = "10m", boot_w = 200, shutdown_time = "1m", shutdown_w = 100 }}
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "1 GB"
[[vms]]
type = "vm"
count = 1
load = "full"
[[vms]]
type = "vm"
count = 1
load = "part"
start = "30m"
[loads.full]
shape = "constant"
level = 1.0
[loads.part]
shape = "constant"
level = {level}
[policy.consolidation]
enabled = false
[policy.power]
name = "spare-capacity"
headroom = 0
"#
    )
}

#[test]
fn a_vm_waiting_ten_minutes_for_a_boot_is_its_demand_times_ten_minutes() {
    // The VM of 0.6 x 1000 MIPS (0.6 vCPU of demand) waits from 30 to 40 minutes while host
    // 1 boots: 0.6 vCPU x 10 min = 0.1 vCPU-hours served late. Reactive power: forecast
    // "none".
    let tmp = tempfile::tempdir().unwrap();
    let s = run(&tmp, &one_boot(0.6));
    assert_eq!(num(&s, "hosts.boots"), 1.0);
    assert!((num(&s, "late_demand.core_h") - 0.1).abs() < 1e-9, "{s}");
    assert_eq!(s["late_demand"]["forecast"], "none");
    // A full VM waits 1 vCPU x 10 min: 1/6 vCPU-hour.
    let tmp = tempfile::tempdir().unwrap();
    let s = run(&tmp, &one_boot(1.0));
    assert!(
        (num(&s, "late_demand.core_h") - 1.0 / 6.0).abs() < 1e-9,
        "{s}"
    );
}

/// Two days on two hosts of 4 x 1000 MIPS (boot 15 minutes, ticks every 5): four 2-vCPU VMs
/// at 25 % at night (2000 MIPS, consolidated onto one host, the other off) and 90 % from
/// 08:30 to 17:30 (7200 MIPS, both hosts), ramping over the hour before (hourly levels taken
/// at the middle of each hour); spare capacity with no headroom, so it reacts only once the
/// one host on is full.
fn two_days(forecast: &str) -> String {
    let mut levels = vec!["0.25"; 24];
    for l in &mut levels[8..18] {
        *l = "0.9";
    }
    format!(
        r#"
version = 1
[simulation]
name = "ramp"
duration = "48h"
control_interval = "5m"
[[hosts]]
class = "h"
count = 2
cores = 4
core_mips = 1000
ram = "16 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}
states = {{ off_w = 10, boot_time = "15m", boot_w = 200, shutdown_time = "1m", shutdown_w = 100 }}
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "2 GB"
[[vms]]
type = "vm"
count = 4
load = "day"
[loads.day]
shape = "hourly"
levels = [{}]
[policy.power]
name = "spare-capacity"
headroom = 0
forecast = "{forecast}"
"#,
        levels.join(", ")
    )
}

#[test]
fn the_forecast_serves_day_twos_ramp_on_time() {
    // Reactive: each morning the ramp overloads the one host on and waits a 15-minute boot.
    // With the forecast, day 1 (no history yet) is the same, and day 2's boot starts a boot
    // time (and a tick) ahead of the ramp: day 2 serves nothing late, so the total falls to
    // at most half.
    let tmp = tempfile::tempdir().unwrap();
    let reactive = run(&tmp, &two_days("none"));
    let late = num(&reactive, "late_demand.core_h");
    assert!(late > 0.0, "{reactive}");
    let tmp = tempfile::tempdir().unwrap();
    let ahead = run(&tmp, &two_days("yesterday"));
    assert_eq!(ahead["late_demand"]["forecast"], "yesterday");
    let with = num(&ahead, "late_demand.core_h");
    eprintln!("late demand: reactive {late} vCPU-h, forecast {with} vCPU-h");
    assert!(with <= late / 2.0 + 1e-9, "{with} vs {late}");
    // Booting earlier costs energy.
    assert!(num(&ahead, "energy.it_kwh") > num(&reactive, "energy.it_kwh"));
}

#[test]
fn a_forecast_with_a_policy_that_keeps_hosts_on_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    let text = two_days("yesterday").replace("\"spare-capacity\"", "\"keep-on\"");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let o = run_args(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("policy.power.forecast"), "{err}");
    assert!(err.contains("keep-on"), "{err}");
    assert!(!out.exists());
}

#[test]
fn an_unknown_forecast_names_the_valid_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, two_days("tomorrow")).unwrap();
    let out = tmp.path().join("out");
    let o = run_args(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("forecast") && err.contains("yesterday"),
        "{err}"
    );
    assert!(!out.exists());
}
