//! Migration costs as a planner reads them (issue 19 items 1 and 3): the energy of a
//! migration's data and its fixed part in `energy.migration_kwh`, migration traffic in
//! `timeseries.csv` and `summary.json`, and `[migration.energy]` refused where it is
//! nonsense (out of range, or under the cloudsim profile, which has no such term).

mod common;
use common::*;

/// Two hosts on an 800 Mbit/s (100 MB/s) link, two 1000 MB VMs at a low constant load,
/// spread one per host (worst fit); consolidation empties one host at the first tick: one
/// simple migration of 1000 MB, 10 s. No CPU overhead, so migration energy is the energy
/// model's alone.
const ONE_MOVE: &str = r#"version = 1

[simulation]
name = "one-move"
duration = "1h"
control_interval = "5m"

[[hosts]]
class = "h"
count = 2
cores = 8
ram = "16 GB"
network = "800 Mbit/s"
power = { model = "linear", idle_w = 100, max_w = 200 }

[[vm_types]]
name = "vm"
vcpus = 1
ram = "1000 MB"

[[vms]]
type = "vm"
count = 2
load = "low"

[loads.low]
shape = "constant"
level = 0.1

[policy]
initial_placement = "worst-fit"
power = { name = "keep-on" }

[migration]
model = "simple"
cpu_overhead = 0
"#;

/// Runs [`ONE_MOVE`] with `extra` arguments; the folder lives as long as the guard.
fn run_one_move(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), ONE_MOVE).unwrap();
    let mut args = vec!["run", "s.toml", "--out", "out", "--no-charts", "-q"];
    args.extend_from_slice(extra);
    let o = run_in(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("out");
    (tmp, out)
}

/// One migration of 1000 MB: 20 J + 0.5 J/MB x 1000 MB = 520 J = 1.444e-4 kWh of migration
/// energy; the timeseries moves 1 GB in the first interval at 0.8 Gbit/s, and the summary
/// says the same.
#[test]
fn one_migration_costs_fixed_plus_per_mb_and_its_traffic_is_reported() {
    let (_tmp, out) = run_one_move(&[]);
    let s = summary(&out);
    assert_eq!(s["migrations"]["count"], 1, "{s}");
    let kwh = s["energy"]["migration_kwh"].as_f64().unwrap();
    assert!((kwh * 3.6e6 - 520.0).abs() < 1e-6, "{kwh} kWh");
    let traffic = column(&out.join("timeseries.csv"), "migration_traffic_gb");
    let peak = column(&out.join("timeseries.csv"), "migration_peak_gbit_s");
    assert!(
        (traffic.iter().sum::<f64>() - 1.0).abs() < 1e-9,
        "{traffic:?}"
    );
    assert!(
        (peak.iter().cloned().fold(0.0, f64::max) - 0.8).abs() < 1e-9,
        "{peak:?}"
    );
    assert!((s["migrations"]["traffic_gb"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert!((s["migrations"]["peak_traffic_gbit_s"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    // Set to nothing, only the (zero) CPU overhead is left.
    let (_tmp2, out) = run_one_move(&[
        "--set",
        "migration.energy.joules_per_mb=0",
        "--set",
        "migration.energy.joules_per_migration=0",
    ]);
    assert_eq!(summary(&out)["energy"]["migration_kwh"].as_f64(), Some(0.0));
}

/// Out-of-range energy figures are refused at their key with the valid range, exit 2.
#[test]
fn out_of_range_migration_energy_is_refused_with_the_range() {
    for (set, key, range) in [
        (
            "migration.energy.joules_per_mb=-1",
            "migration.energy.joules_per_mb",
            "0 to 1000 J per MB",
        ),
        (
            "migration.energy.joules_per_migration=1e9",
            "migration.energy.joules_per_migration",
            "0 to 10000000 J per migration",
        ),
        (
            "migration.energy.source_share=1.5",
            "migration.energy.source_share",
            "fraction between 0 and 1",
        ),
        (
            "migration.energy.network_joules_per_gb=-5",
            "migration.energy.network_joules_per_gb",
            "0 to 10000000 J per GB",
        ),
    ] {
        rejects(ONE_MOVE, &["--set", set], &[key, range]);
    }
}

/// The cloudsim profile counts a migration's CPU overhead alone, as CloudSim does: an
/// energy model set there is refused rather than silently ignored.
#[test]
fn migration_energy_under_the_cloudsim_profile_is_refused() {
    let text = ONE_MOVE.replace(
        "control_interval = \"5m\"",
        "control_interval = \"5m\"\nprofile = \"cloudsim\"",
    );
    rejects(
        &text,
        &["--set", "migration.energy.joules_per_mb=0.5"],
        &[
            "migration.energy",
            "not modelled under the cloudsim profile",
        ],
    );
}
