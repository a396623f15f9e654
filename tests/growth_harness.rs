//! `bench/growth.sh --scenarios DIR`: the growth harness's cloudsim series are valid scenarios
//! with K PlanetLab days' VMs on K x 800 hosts (checked with `nightshift validate`, which does
//! not run them).

mod common;

use common::*;
use std::process::Command;

/// x1 is the reference day (1,052 VMs on 800 hosts); x2 adds day 20110309 (1,061 VMs); x16
/// is all ten bundled days (11,746 VMs) plus the first six again, replayed from noon (6,176
/// VMs): 17,922 VMs on 12,800 hosts. Both policies' files hold the same fleet and VMs.
#[test]
fn growth_scenarios_hold_k_days_on_k_times_800_hosts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new("bash")
        .arg(root().join("bench/growth.sh"))
        .arg("--scenarios")
        .arg(dir.path())
        .env("SCALES", "1 2 16")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "growth.sh: {}", stderr(&out));
    let expected = [(1, 800, 1052), (2, 1600, 2113), (16, 12800, 17922)];
    for policy in ["lr-mmt-1.2", "thr-mmt-0.8"] {
        for (k, hosts, vms) in expected {
            let file = dir.path().join(format!("{policy}-x{k}.toml"));
            let o = nightshift()
                .args(["validate", "--json"])
                .arg(&file)
                .output()
                .expect("the binary runs");
            assert!(o.status.success(), "{}: {}", file.display(), stderr(&o));
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
            let f = &v["files"][0];
            assert_eq!(f["hosts"], hosts, "{policy} x{k} hosts");
            assert_eq!(f["vms"], vms, "{policy} x{k} VMs");
        }
    }
}

/// `bench/features.sh --validate`: every run of the feature-cost benchmark (each feature
/// alone, then all but vector packing) is a valid scenario, on a trace scenario (the memory
/// row over-commits RAM) and on a generated one (the memory row adds memory curves).
#[test]
fn feature_cost_runs_are_valid_scenarios() {
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = dir.path().join("g.toml");
    let o = nightshift()
        .args([
            "generate", "--hosts", "30", "--vms", "100", "--days", "1", "-o",
        ])
        .arg(&generated)
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = Command::new("bash")
        .arg(root().join("bench/features.sh"))
        .arg("--validate")
        .arg("scenarios/planetlab-day.toml")
        .arg(&generated)
        .env("BIN", env!("CARGO_BIN_EXE_nightshift"))
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "features.sh: {}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 20, "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("ok: ")), "{lines:?}");
    assert!(
        lines[19].ends_with("g.toml: all of the above but vector packing"),
        "{lines:?}"
    );
}
