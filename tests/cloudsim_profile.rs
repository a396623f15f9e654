//! The `cloudsim` profile through the binary on a small hand-made PlanetLab trace: demand
//! interpolated between samples at CloudSim's update times (the last sample holding past the
//! end), a VM with no demand ended, and scenario settings the profile refuses.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Two hosts of one 2000-MIPS core (linear 100 to 200 W), two 1000-MIPS VMs from the trace in
/// `dir/trace` (files `a` and `b`), 900 s: the profile updates at 300.1 s and 600.1 s.
fn scenario(dir: &Path, extra: &str) -> PathBuf {
    let trace = dir.join("trace");
    std::fs::create_dir_all(&trace).unwrap();
    // a: 20 %, 60 %, 40 %; b: 50 %, 0 %, 0 %.
    std::fs::write(trace.join("a"), "20\n60\n40\n").unwrap();
    std::fs::write(trace.join("b"), "50\n0\n0\n").unwrap();
    let p = dir.join("s.toml");
    std::fs::write(
        &p,
        format!(
            r#"version = 1
[simulation]
name = "small"
duration = "900s"
control_interval = "300s"
profile = "cloudsim"

[traces.t]
format = "planetlab"
path = "trace"

[[hosts]]
class = "h"
count = 2
cores = 1
core_mips = 2000
ram = "4096 MB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "625 MB"

[[vms]]
trace = "t"
type = "vm"

[policy]
initial_placement = "first-fit"
consolidation = {{ enabled = false }}
power = {{ name = "dvfs" }}

[migration]
model = "simple"
bandwidth_share = 0.5
{extra}
"#
        ),
    )
    .unwrap();
    p
}

#[test]
fn demand_is_interpolated_at_update_times_and_a_vm_with_none_ends() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&scenario(dir.path(), ""), &out, &["--no-baseline"]);
    let s = summary(&out);
    // At 300.1 s VM a is 0.1 s into its 60 % -> 40 % sample: 60 - 20 x 0.1 / 300 %, so
    // 599.9333 MIPS; VM b is at 0 % between two 0 % samples, and CloudSim takes its workload
    // as finished: it ends.
    assert_eq!(num(&s, "vms.ended"), 1.0);
    let demand = column(&out.join("timeseries.csv"), "demand_mips");
    assert!((demand[0] - (1000.0 * (0.6 - 0.2 * 0.1 / 300.0))).abs() < 1e-9);
    // At 600.1 s a is on its last sample, which holds: 400 MIPS.
    assert!((demand[1] - 400.0).abs() < 1e-9);
    // Energy: nothing before the first update; then the trapezoid of 100 + 100 u W between
    // u = 599.9333 / 2000 and u = 400 / 2000 over 300 s.
    let a = 1000.0 * (0.6 - 0.2 * 0.1 / 300.0);
    let p1 = 100.0 + 100.0 * a / 2000.0;
    let joules = (p1 + 120.0) / 2.0 * 300.0;
    assert!((num(&s, "energy.it_kwh") - joules / 3.6e6).abs() < 1e-12);
}

#[test]
fn the_profile_refuses_precopy_and_copy_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = scenario(dir.path(), "max_concurrent = 2");
    let o = run_in(
        dir.path(),
        &["run", p.to_str().unwrap(), "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("migration.max_concurrent"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("o").exists());
    let o = run_in(
        dir.path(),
        &[
            "run",
            p.to_str().unwrap(),
            "--out",
            "o",
            "--quiet",
            "--set",
            "migration.max_concurrent=0",
            "--set",
            "migration.model=precopy",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("migration.model"), "{}", stderr(&o));
}
