//! `summary.json` → `migration_spread` through the binary, checked against `migrations.csv`
//! counted independently: VM-days, nearest-rank median and p90, max, and the split at the
//! night (22:00-06:00) or at `[policy.calm] window`; `timeseries.csv` → `hosts_needed`.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// The README's scenario shrunk to 20 hosts and 108 VMs (all present from Monday 00:00 to
/// the end) over `duration`.
fn small(duration: &str) -> Vec<String> {
    [
        "hosts.0.count=8",
        "hosts.1.count=12",
        "vms.0.count=60",
        "vms.1.count=30",
        "vms.2.count=6",
        "vms.3.count=12",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("simulation.duration={duration}")])
    .collect()
}

fn run(out: &Path, sets: &[String]) -> serde_json::Value {
    let mut args = vec!["--no-charts"];
    for s in sets {
        args.extend(["--set", s.as_str()]);
    }
    run_ok(
        &root().join("scenarios/night-consolidation.toml"),
        out,
        &args,
    );
    summary(out)
}

/// Nearest rank: the smallest count that at least `p` of the sorted counts do not exceed.
fn rank(sorted: &[u64], p: f64) -> u64 {
    sorted[((p * sorted.len() as f64).ceil() as usize).max(1) - 1]
}

#[test]
fn per_vm_day_and_window_counts_match_migrations_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    // Without the example's calm window the split falls at the night (22:00-06:00).
    let mut sets = small("2d");
    sets.push("policy.calm=".into());
    let s = run(&out, &sets);
    let vm = column(&out.join("migrations.csv"), "vm");
    let start = column(&out.join("migrations.csv"), "start_s");
    let wait = column(&out.join("migrations.csv"), "wait_s");
    // Every migration ended before the run did, so the file lists them all.
    assert_eq!(num(&s, "migrations.in_flight"), 0.0);
    assert_eq!(vm.len() as f64, num(&s, "migrations.count"));
    assert!(vm.len() > 50, "the scenario migrates: {}", vm.len());
    // 108 VMs present both days: 216 VM-days, each counting the moves planned that day
    // (planned = copy start - queue wait).
    let mut per_day: BTreeMap<(u64, u64), u64> = BTreeMap::new();
    for v in 0..108 {
        for d in 0..2 {
            per_day.insert((v, d), 0);
        }
    }
    let (mut inside, mut outside) = (0, 0);
    for i in 0..vm.len() {
        let planned = start[i] - wait[i];
        *per_day
            .get_mut(&(vm[i] as u64, (planned / 86400.0).floor() as u64))
            .unwrap() += 1;
        let hour = (planned % 86400.0) / 3600.0;
        if !(6.0..22.0).contains(&hour) {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    let mut counts: Vec<u64> = per_day.into_values().collect();
    counts.sort_unstable();
    let d = "migration_spread.per_vm_day";
    assert_eq!(num(&s, &format!("{d}.vm_days")), 216.0);
    let moved = counts.iter().filter(|&&c| c > 0).count();
    assert_eq!(num(&s, &format!("{d}.vm_days_moved")), moved as f64);
    assert_eq!(num(&s, &format!("{d}.median")), rank(&counts, 0.5) as f64);
    assert_eq!(num(&s, &format!("{d}.p90")), rank(&counts, 0.9) as f64);
    assert_eq!(num(&s, &format!("{d}.max")), *counts.last().unwrap() as f64);
    assert_eq!(s["migration_spread"]["window"], "simulation.night");
    assert_eq!(num(&s, "migration_spread.inside_window"), inside as f64);
    assert_eq!(num(&s, "migration_spread.outside_window"), outside as f64);
    // No tick needs more hosts than the fleet has, and the demand always needs one.
    let needed = column(&out.join("timeseries.csv"), "hosts_needed");
    assert!(
        needed.iter().all(|&n| (1.0..=20.0).contains(&n)),
        "{needed:?}"
    );
}

/// With `[policy.calm] window` set, the split follows it, and the moves outside it are the
/// relief moves calm counts as `calm.migrations_outside_window`.
#[test]
fn a_calm_window_sets_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut sets = small("1d");
    sets.push("policy.calm.window=[\"01:00-05:00\"]".into());
    let s = run(&out, &sets);
    assert_eq!(s["migration_spread"]["window"], "policy.calm.window");
    assert_eq!(
        num(&s, "migration_spread.outside_window"),
        num(&s, "calm.migrations_outside_window")
    );
    assert_eq!(
        num(&s, "migration_spread.inside_window") + num(&s, "migration_spread.outside_window"),
        num(&s, "migrations.count")
    );
}
