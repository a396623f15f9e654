//! `[policy.calm]` through the binary on a small day/night cluster: unset, `summary.json` has
//! no `calm` key; a strict night window keeps every migration and every power-down inside it
//! and counts what it refused; a malformed window entry is refused with its line and index.

mod common;

use common::*;
use std::path::Path;

/// Twelve hosts and 60 VMs under a day/night sinusoid for one day (Monday), consolidated
/// every 10 minutes, empty hosts switched off.
const SCENARIO: &str = r#"
version = 1
[simulation]
name = "calm"
seed = 7
duration = "1d"
control_interval = "10m"

[[hosts]]
class = "h"
count = 12
cores = 16
ram = "256 GB"
power = { model = "linear", idle_w = 100, max_w = 300 }
states = { off_w = 5, boot_time = "3m", boot_w = 200, shutdown_time = "30s", shutdown_w = 150 }

[[vm_types]]
name = "small"
vcpus = 2
ram = "8 GB"

[[vms]]
type = "small"
count = 60
load = "daily"

[loads.daily]
shape = "sinusoid"
trough = 0.05
peak = 0.7
peak_hour = "14:00"
noise = { distribution = "normal", sd = 0.05 }

[policy.consolidation]
underload_threshold = 0.4

[policy.power]
name = "spare-capacity"
headroom = 0.2
min_hosts_on = 2
"#;

/// Runs the scenario (written in `dir`) into `dir/out` with `extra` arguments.
fn run(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let path = dir.join("calm.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    let out = dir.join("out");
    let mut args = vec!["--no-charts", "--force"];
    args.extend_from_slice(extra);
    run_ok(&path, &out, &args);
    summary(&out)
}

/// Whether `t` seconds after Monday 00:00 falls in 22:00-06:00.
fn at_night(t: f64) -> bool {
    let h = (t / 3600.0) % 24.0;
    !(6.0..22.0).contains(&h)
}

#[test]
fn a_strict_night_window_keeps_migrations_and_power_down_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let free = run(tmp.path(), &[]);
    assert!(free.get("calm").is_none(), "unset: summary.json unchanged");
    let free_moves = num(&free, "migrations.count");
    let free_day = column(&tmp.path().join("out/migrations.csv"), "start_s")
        .into_iter()
        .filter(|&t| !at_night(t))
        .count();
    assert!(
        free_day > 0,
        "without a window the loop also moves VMs by day"
    );

    let s = run(
        tmp.path(),
        &[
            "--set",
            r#"policy.calm.window=["22:00-06:00"]"#,
            "--set",
            "policy.calm.relief_outside_window=false",
        ],
    );
    let out = tmp.path().join("out");
    // A migration planned in the window may wait for its copy; planned = start - wait.
    let starts = column(&out.join("migrations.csv"), "start_s");
    let waits = column(&out.join("migrations.csv"), "wait_s");
    for (start, wait) in starts.iter().zip(&waits) {
        assert!(
            at_night(start - wait),
            "a move planned at {} s",
            start - wait
        );
    }
    assert!(num(&s, "migrations.count") < free_moves);
    assert_eq!(num(&s, "calm.migrations_outside_window"), 0.0);
    assert!(num(&s, "calm.refused_window") > 0.0, "{s}");
    // Empty hosts found by day wait for the night: refused at least once.
    assert!(num(&s, "calm.shutdowns_refused_window") > 0.0, "{s}");
    let (header, rows) = read_csv(&out.join("timeseries.csv"));
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (time, off) = (col("time_s"), col("hosts_off"));
    for pair in rows.windows(2) {
        let more_off = pair[1][off].parse::<f64>().unwrap() > pair[0][off].parse::<f64>().unwrap();
        let t: f64 = pair[1][time].parse().unwrap();
        // A shutdown ordered at the last tick of the night (05:50) ends by 06:00 + 30 s.
        assert!(!more_off || at_night(t - 600.0), "a host went off by {t} s");
    }
}

#[test]
fn a_malformed_window_entry_is_refused_with_its_line_and_index() {
    let text = format!(
        "{SCENARIO}\n[policy.calm]\nwindow = [\n  \"Mon-Fri 22:00-06:00\",\n  \"Sat-Sun 00:00-25:00\",\n]\n"
    );
    rejects(
        &text,
        &[],
        &[
            "policy.calm.window[1]",
            "\"Sat-Sun 00:00-25:00\": \"25:00\" is not a time of day: use HH:MM from 00:00 to 24:00",
        ],
    );
    rejects(
        &format!("{SCENARIO}\n[policy.calm]\nmax_per_tick = 0\n"),
        &[],
        &["policy.calm.max_per_tick", "must be at least 1 migration"],
    );
    rejects(
        &format!("{SCENARIO}\n[policy.calm]\nwindow = []\n"),
        &[],
        &["policy.calm.window", "leave it unset"],
    );
}
