//! The performance impact a planner reads (issue 19 item 2): CPU demand not served, host time
//! above `simulation.high_utilisation`, stun time per VM and VMs disturbed per day, in a run's
//! files, and compare and sweep ranking policies by demand not served.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn scenario() -> PathBuf {
    root().join("scenarios/night-consolidation.toml")
}

/// The example shrunk to 8 + 12 hosts and 108 VMs over one day (as in cli_charts.rs).
const SMALL: &[&str] = &[
    "hosts.0.count=8",
    "hosts.1.count=12",
    "vms.0.count=60",
    "vms.1.count=30",
    "vms.2.count=6",
    "vms.3.count=12",
    "simulation.duration=1d",
];

/// A policy built to hurt: hosts packed to 100 % before anything counts as overloaded, no
/// spare capacity kept on, one host on at least. The day's peak then finds hosts short of CPU.
const PACKED: &str = "packed:policy.consolidation.overload_param=1.0,policy.power.headroom=0,policy.consolidation.underload_threshold=0.9,policy.power.min_hosts_on=1";

fn small_args(args: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    for s in SMALL {
        v.push("--set".into());
        v.push(s.to_string());
    }
    v
}

fn run_ok_args(dir: &Path, args: &[String]) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run_in(dir, &refs);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The packed policy leaves CPU demand unserved and always-on does not: comparison.csv,
/// the trade-off chart and the verdict tell them apart by it, and name always-on the winner
/// on it (the packed variant's 0.012 %, above the 0.01 % floor: power management boots a
/// host for what relief cannot place, so the shortfall lasts until it is up). The other impact
/// columns differ the same way: hosts above 90 % and VMs disturbed only under packing.
#[test]
fn compare_ranks_policies_by_demand_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let args = small_args(&[
        "compare",
        scenario().to_str().unwrap(),
        "--policies",
        "always-on",
        "--variant",
        PACKED,
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    run_ok_args(dir.path(), &args);
    let csv = out.join("comparison.csv");
    let variants = text_column(&csv, "variant");
    assert_eq!(variants, ["always-on", "packed"]);
    let unserved = column(&csv, "vms_unserved_fraction");
    assert_eq!(unserved[0], 0.0, "always-on serves every VM in full");
    assert!(
        unserved[1] > 1e-4,
        "packed leaves demand unserved: {unserved:?}"
    );
    let p99 = column(&csv, "impact_unserved_p99_vm_hour");
    assert!(p99[1] > p99[0], "{p99:?}");
    let above = column(&csv, "impact_host_hours_above");
    assert!(above[1] > above[0], "{above:?}");
    let disturbed = column(&csv, "impact_vms_disturbed_per_day");
    assert_eq!(disturbed[0], 0.0, "always-on migrates nothing");
    assert!(disturbed[1] > 0.0, "{disturbed:?}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("Least CPU demand not served: always-on (0.00 %)."),
        "{report}"
    );
    assert!(
        report.contains("Least host time above the high utilisation: always-on (0.0 host-hours)."),
        "{report}"
    );
    let svg = std::fs::read_to_string(out.join("compare-tradeoff.svg")).unwrap();
    assert!(svg.contains("CPU demand not served (%)"));
    assert!(
        !svg.contains("SLAV"),
        "the trade-off plots demand not served, not SLAV"
    );
}

/// A sweep over the overload threshold: at 1.0 hosts run short of CPU four times as much as
/// at 0.7 (0.0146 % against 0.0034 % of the demand not served); results.csv has the impact columns, and the verdict names 0.7 on demand not served
/// (1.0 uses less energy: a trade-off SLAV alone would hardly show, at 2e-7).
#[test]
fn sweep_ranks_points_by_demand_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let mut set: Vec<String> = SMALL.iter().map(|s| format!("{s:?}")).collect();
    set.push("\"policy.power.headroom=0\"".into());
    set.push("\"policy.power.min_hosts_on=1\"".into());
    set.push("\"policy.consolidation.underload_threshold=0.9\"".into());
    // Beloglazov's loop unbounded, as the example ran before its calm defaults: with them the
    // 30 % destination head-room keeps hosts off 1.0 too.
    for unset in ["policy.calm=", "policy.consolidation.destination_headroom="] {
        set.push(format!("{unset:?}"));
    }
    let sweep = format!(
        "version = 1\nname = \"impact\"\nscenario = {:?}\nset = [{}]\n\n[[axis]]\nkey = \"policy.consolidation.overload_param\"\nvalues = [0.7, 1.0]\n",
        scenario().to_str().unwrap(),
        set.join(", ")
    );
    std::fs::write(dir.path().join("s.toml"), sweep).unwrap();
    let o = run_in(dir.path(), &["sweep", "s.toml", "--out", "sw", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = dir.path().join("sw/results.csv");
    let unserved = column(&csv, "vms_unserved_fraction");
    assert_eq!(unserved.len(), 2);
    assert!(
        unserved[1] > 4.0 * unserved[0] && unserved[1] > 1e-4,
        "1.0 packs hosts full: {unserved:?}"
    );
    for c in [
        "baseline_unserved_fraction",
        "impact_unserved_p99_vm_hour",
        "impact_host_hours_above",
        "impact_stun_worst_vm_s",
        "impact_vms_disturbed_per_day",
    ] {
        assert_eq!(column(&csv, c).len(), 2, "{c}");
    }
    let report = std::fs::read_to_string(dir.path().join("sw/report.md")).unwrap();
    assert!(
        report.contains("Least CPU demand not served: overload_param=0.7 (0.00 %"),
        "{report}"
    );
    // A results.csv from before the demand-not-served columns still plots: they read as
    // unknown, and the verdict says so instead of refusing the folder.
    let (header, rows) = read_csv(&csv);
    let keep: Vec<usize> = (0..header.len())
        .filter(|&i| !header[i].ends_with("unserved_fraction"))
        .collect();
    let mut w = csv::Writer::from_path(&csv).unwrap();
    w.write_record(keep.iter().map(|&i| &header[i])).unwrap();
    for row in &rows {
        w.write_record(keep.iter().map(|&i| &row[i])).unwrap();
    }
    w.flush().unwrap();
    let o = run_in(dir.path(), &["plot", "sw", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(dir.path().join("sw/report.md")).unwrap();
    assert!(
        report.contains("No run has both an energy and a demand-not-served value."),
        "{report}"
    );
}

/// One packed run: the timeseries' unserved column adds up to the summary's demand not
/// served less what waiting VMs missed, hosts.csv's hours above 90 % add up to the
/// summary's host-hours, the 99th percentile per VM-hour is above the run's mean share
/// (the shortfall falls on a few hosts' VMs at the peak), and migrations.csv's rows by the day
/// they start on are the summary's migrations per day.
#[test]
fn run_files_agree_on_the_impact() {
    let dir = tempfile::tempdir().unwrap();
    let packed: Vec<String> = PACKED
        .trim_start_matches("packed:")
        .split(',')
        .flat_map(|s| ["--set".to_string(), s.to_string()])
        .collect();
    let mut args = small_args(&["run", scenario().to_str().unwrap(), "--out", "r", "-q"]);
    args.extend(packed);
    args.extend(["--no-charts", "--set", "simulation.duration=2d"].map(String::from));
    run_ok_args(dir.path(), &args);
    let out = dir.path().join("r");
    let s = summary(&out);
    let ts: f64 = column(&out.join("timeseries.csv"), "unserved_core_h")
        .iter()
        .sum();
    let placed = num(&s, "vms.unserved_demand_core_h") - num(&s, "vms.waiting_core_h");
    assert!(placed > 0.0);
    assert!((ts - placed).abs() <= 1e-9 * placed, "{ts} vs {placed}");
    let hours: f64 = column(&out.join("hosts.csv"), "hours_above").iter().sum();
    let total = num(&s, "impact.host_hours_above");
    assert!(total > 0.0);
    assert!((hours - total).abs() <= 1e-9 * total, "{hours} vs {total}");
    assert_eq!(num(&s, "impact.high_utilisation"), 0.9);
    assert!(num(&s, "impact.unserved_p99_vm_hour") > num(&s, "vms.unserved_fraction"));
    assert!(
        column(&out.join("timeseries.csv"), "hosts_above")
            .iter()
            .any(|&n| n > 0.0)
    );
    // migrations.per_day counts migrations.csv's rows by the day they start on.
    let per_day: Vec<f64> = (s["migrations"]["per_day"].as_array().unwrap().iter())
        .map(|n| n.as_f64().unwrap())
        .collect();
    let mut by_day = vec![0.0; per_day.len()];
    for start in column(&out.join("migrations.csv"), "start_s") {
        by_day[(start / 86_400.0) as usize] += 1.0;
    }
    assert_eq!(per_day, by_day);
    assert!(
        by_day.len() == 2 && by_day.iter().all(|&n| n > 0.0),
        "{by_day:?}"
    );
    assert_eq!(by_day.iter().sum::<f64>(), num(&s, "migrations.count"));
}

/// Pre-copy pauses each VM for its stop-and-copy: the worst VM's total stun is at least the
/// longest single pause, and the mean per moved VM is positive. The simple model defines no
/// pause, so its stun is 0.
#[test]
fn stun_time_follows_the_pre_copy_pauses() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = small_args(&["run", scenario().to_str().unwrap(), "--out", "p", "-q"]);
    for s in ["migration.model=precopy", "simulation.duration=12h"] {
        args.push("--set".into());
        args.push(s.into());
    }
    args.push("--no-charts".into());
    run_ok_args(dir.path(), &args);
    let s = summary(&dir.path().join("p"));
    let longest = num(&s, "migrations.max_downtime_s");
    assert!(longest > 0.0, "pre-copy pauses VMs");
    assert!(num(&s, "impact.stun_worst_vm_s") >= longest);
    assert!(num(&s, "impact.stun_mean_vm_s") > 0.0);
}

/// `simulation.high_utilisation` must be a fraction in (0, 1]: 1.5 is refused with the
/// field's name and what is valid, exit 2, nothing written.
#[test]
fn high_utilisation_out_of_range_is_refused() {
    let text = std::fs::read_to_string(scenario()).unwrap();
    rejects(
        &text,
        &["--set", "simulation.high_utilisation=1.5"],
        &[
            "simulation.high_utilisation",
            "must be a fraction above 0 and at most 1",
        ],
    );
}

/// Migrations started during a warm-up are left out of migrations.csv as they are of the
/// summary: with a one-day warm-up on the packed two-day run, every row starts on the second
/// day, and the rows are the summary's count (the first day moves VMs too: see
/// `run_files_agree_on_the_impact`).
#[test]
fn a_warm_ups_migrations_are_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = small_args(&["run", scenario().to_str().unwrap(), "--out", "r", "-q"]);
    for s in PACKED.trim_start_matches("packed:").split(',') {
        args.extend(["--set".to_string(), s.to_string()]);
    }
    args.extend(
        [
            "--no-charts",
            "--no-baseline",
            "--set",
            "simulation.duration=2d",
            "--set",
            "simulation.warmup=1d",
        ]
        .map(String::from),
    );
    run_ok_args(dir.path(), &args);
    let out = dir.path().join("r");
    let starts = column(&out.join("migrations.csv"), "start_s");
    assert!(!starts.is_empty());
    assert!(starts.iter().all(|&t| t >= 86_400.0), "{starts:?}");
    assert_eq!(starts.len() as f64, num(&summary(&out), "migrations.count"));
}
