//! `timeseries.csv` → `hosts_lower_bound` and `summary.json` → `packing` through the binary:
//! the column closes the base columns, the hosts on never fall below the bound on a run that
//! never over-loads a host (a bound they did fall below would be no bound), and the summary's
//! ratios are the column's, recomputed here.

mod common;

use common::*;

/// The README's scenario shrunk to 20 hosts and 108 VMs over one day; `hosts_above` counts
/// hosts over-loaded (load above 100 % of capacity; the setting changes no decision).
const SMALL: &[&str] = &[
    "simulation.high_utilisation=1",
    "hosts.0.count=8",
    "hosts.1.count=12",
    "vms.0.count=60",
    "vms.1.count=30",
    "vms.2.count=6",
    "vms.3.count=12",
    "simulation.duration=\"1d\"",
];

#[test]
fn hosts_on_never_fall_below_the_bound_and_the_summary_is_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut args = vec!["--no-charts"];
    for s in SMALL {
        args.extend(["--set", s]);
    }
    run_ok(
        &root().join("scenarios/night-consolidation.toml"),
        &out,
        &args,
    );
    let ts = out.join("timeseries.csv");
    let (header, _) = read_csv(&ts);
    assert_eq!(header.last().map(String::as_str), Some("hosts_lower_bound"));
    let time = column(&ts, "time_s");
    let on = column(&ts, "hosts_on");
    let bound = column(&ts, "hosts_lower_bound");
    let above = column(&ts, "hosts_above");
    let needed = column(&ts, "hosts_needed");
    // 108 VMs run all day: every row has a bound of at least one host.
    assert!(bound.iter().all(|&b| b >= 1.0), "{bound:?}");
    let (mut night, mut day) = (Vec::new(), Vec::new());
    for i in 0..time.len() {
        // No host above 100 %: the hosts on hold the demand, and so are at least the bound.
        assert_eq!(above[i], 0.0, "row {i} has a host over-loaded");
        assert!(
            on[i] >= bound[i],
            "row {i} (t = {} s): {} hosts on below the lower bound {}",
            time[i],
            on[i],
            bound[i]
        );
        // `hosts_needed` holds the demand below 100 % in a fixed order: never fewer.
        assert!(needed[i] >= bound[i], "row {i}: needed below the bound");
        let hour = (time[i] % 86_400.0) / 3600.0;
        let ratio = on[i] / bound[i];
        if !(6.0..22.0).contains(&hour) {
            night.push(ratio);
        } else {
            day.push(ratio);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let all: Vec<f64> = night.iter().chain(&day).copied().collect();
    let s = summary(&out);
    let close = |key: &str, want: f64| {
        let got = num(&s, key);
        assert!(
            (got - want).abs() < 1e-9,
            "{key}: {got}, column says {want}"
        );
    };
    assert_eq!(num(&s, "packing.rows"), time.len() as f64);
    close("packing.mean_ratio", mean(&all));
    close("packing.night_ratio", mean(&night));
    close("packing.day_ratio", mean(&day));
    close(
        "packing.min_ratio",
        all.iter().copied().fold(f64::MAX, f64::min),
    );
    close("packing.max_ratio", all.iter().copied().fold(0.0, f64::max));
    close("packing.mean_lower_bound", mean(&bound));
    close("packing.mean_hosts_on", mean(&on));
    assert!(num(&s, "packing.min_ratio") >= 1.0);
}
