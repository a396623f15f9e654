//! A saving is presented as such only when the run and its always-on baseline served the same
//! VMs and demand; what bends it (VMs never placed, demand unserved, a warm-up) is said in
//! stdout, summary.json and the report. Small scenarios whose numbers follow by hand.

mod common;

use common::{nightshift, num, read_csv, stderr, stdout, summary};
use std::path::Path;

/// Two hosts of 8 cores at 1,000 MIPS (16,000 MIPS, 32 GB) and ten 2-vCPU VMs (20,000 MIPS
/// at full size, 20 GB) at a constant half load (1 vCPU, 1,000 MIPS each): by size, 4 fit
/// on each host and 2 wait; by demand all 10 fit.
const OVERSUBSCRIBED: &str = r#"
version = 1
[simulation]
name = "oversubscribed"
duration = "1d"
[[hosts]]
class = "h"
count = 2
cores = 8
core_mips = 1000
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "2 GB"
[[vms]]
type = "vm"
count = 10
load = "half"
[loads.half]
shape = "constant"
level = 0.5
"#;

fn write(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(scenario: &Path, out: &Path, sets: &[&str]) -> std::process::Output {
    let mut cmd = nightshift();
    cmd.arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--no-charts");
    for s in sets {
        cmd.arg("--set").arg(s);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

#[test]
fn an_oversubscribed_fleet_says_its_saving_is_not_like_for_like() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write(tmp.path(), OVERSUBSCRIBED);
    let out = tmp.path().join("out");
    let o = run(&scenario, &out, &[]);
    let text = stdout(&o);
    // The run consolidates, so it places by demand: all 10 run. The baseline places by
    // size: 2 never run, 2 of 10 vCPUs of demand (20 %) for the whole day.
    assert!(text.contains("not like-for-like"), "{text}");
    assert!(text.contains("10 of 10 VMs placed"), "{text}");
    assert!(
        text.contains("always-on: 2 never placed, 20.0 % unserved"),
        "{text}"
    );
    assert!(
        stderr(&o).contains("is 1.25 times the fleet's"),
        "{}",
        stderr(&o)
    );
    let s = summary(&out);
    assert_eq!(num(&s, "vms.unplaced"), 0.0);
    assert_eq!(num(&s, "baseline.vms_unplaced"), 2.0);
    // 10 VMs x 1 vCPU x 24 h of demand, 2 x 24 of it never served in the baseline.
    assert!((num(&s, "baseline.demand_core_h") - 240.0).abs() < 1e-9);
    assert!((num(&s, "baseline.unserved_demand_core_h") - 48.0).abs() < 1e-9);
    assert_eq!(s["savings"]["comparable"], false);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("not like-for-like"));
    assert!(html.contains("2 never placed"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("not like-for-like"));
}

#[test]
fn vms_left_out_by_the_initial_placement_are_logged_once_and_metered() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write(tmp.path(), OVERSUBSCRIBED);
    let out = tmp.path().join("out");
    // Without consolidation both runs place by size: the same 2 VMs wait in both, so the
    // saving (none: every host stays on) compares like with like.
    run(&scenario, &out, &["policy.consolidation.enabled=false"]);
    let (header, rows) = read_csv(&out.join("conflicts.csv"));
    let kind = header.iter().position(|h| h == "kind").unwrap();
    let vm = header.iter().position(|h| h == "vm").unwrap();
    let shortfalls: Vec<&str> = rows
        .iter()
        .filter(|r| r[kind] == "capacity-shortfall")
        .map(|r| r[vm].as_str())
        .collect();
    assert_eq!(
        shortfalls,
        ["8", "9"],
        "one row per VM left waiting at time 0"
    );
    let s = summary(&out);
    assert_eq!(num(&s, "vms.unplaced"), 2.0);
    assert!((num(&s, "vms.waiting_core_h") - 48.0).abs() < 1e-9);
    assert!((num(&s, "vms.unserved_fraction") - 0.2).abs() < 1e-12);
    assert_eq!(num(&s, "conflicts.by_kind.capacity-shortfall"), 2.0);
    assert_eq!(s["savings"]["comparable"], true);
}

#[test]
fn a_warm_up_is_left_out_of_every_number() {
    let tmp = tempfile::tempdir().unwrap();
    let fits = OVERSUBSCRIBED.replace("count = 10", "count = 8");
    let scenario = write(
        tmp.path(),
        &fits.replace("duration = \"1d\"", "duration = \"1d\"\nwarmup = \"6h\""),
    );
    let out = tmp.path().join("out");
    run(
        &scenario,
        &out,
        &[
            "policy.consolidation.enabled=false",
            "policy.power.name=keep-on",
        ],
    );
    let s = summary(&out);
    // 4 VMs per host at 1,000 MIPS of 8,000: 50 %, 150 W each; 300 W for the 18 h after
    // the warm-up = 5.4 kWh (7.2 kWh over the whole day).
    assert!((num(&s, "energy.it_kwh") - 5.4).abs() < 1e-9, "{s}");
    assert!((num(&s, "baseline.it_kwh") - 5.4).abs() < 1e-9, "{s}");
    assert_eq!(num(&s, "warmup_s"), 21_600.0);
    assert!((num(&s, "vms.demand_core_h") - 8.0 * 18.0).abs() < 1e-9);
    let (header, rows) = read_csv(&out.join("timeseries.csv"));
    let t = header.iter().position(|h| h == "time_s").unwrap();
    assert_eq!(
        rows[0][t], "21600.0",
        "rows start at the end of the warm-up"
    );
}

#[test]
fn switching_the_old_power_policy_name_is_refused_with_its_new_name() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write(tmp.path(), OVERSUBSCRIBED);
    let o = nightshift()
        .arg("validate")
        .arg(&scenario)
        .args(["--set", "policy.power.name=always-on"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("now called \"keep-on\""),
        "{}",
        stderr(&o)
    );
}
