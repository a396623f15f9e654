//! Scenario and trace input that refuses nonsense (issue 18 items 5-8, 21-24; issue 16's
//! units): values outside what a real datacenter has, sizes and bandwidths without a unit,
//! malformed `--set` keys, ambiguous trace headers, traces cut while a run reads them, and
//! messages that quote the input briefly in the user's words. Each refusal is exit status 2
//! with no output folder; each expected message says what would be valid.

mod common;
use common::*;
use nightshift::trace;
use std::fs;

/// A small valid scenario: each test replaces one line.
const GOOD: &str = r#"version = 1

[simulation]
name = "ranges"
duration = "1h"

[[hosts]]
class = "h"
count = 2
cores = 8
ram = "16 GB"
network = "10 Gbit/s"
power = { model = "linear", idle_w = 100, max_w = 200 }

[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"

[[vms]]
type = "vm"
count = 3
load = "flat"

[loads.flat]
shape = "constant"
level = 0.5
"#;

/// `nightshift validate` on `scenario`: exit status and stderr.
fn validate(scenario: &str, extra: &[&str]) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("s.toml"), scenario).unwrap();
    let mut args = vec!["validate", "s.toml"];
    args.extend_from_slice(extra);
    let out = run_in(tmp.path(), &args);
    (out.status.code(), stderr(&out))
}

// ---- issue 16: units -------------------------------------------------------------------

/// `ram = 16` meant 16 GB and used to be read as 16 MB; `network = 25` meant 25 Gbit/s and
/// gave 30-hour migrations. Both are refused at their line, offering the two readings.
#[test]
fn bare_sizes_and_bandwidths_are_refused_suggesting_a_unit() {
    rejects(
        &GOOD.replace("ram = \"16 GB\"", "ram = 16"),
        &[],
        &["s.toml:11:", "hosts[0].ram", r#"write "16 GB" or "16 MB""#],
    );
    rejects(
        &GOOD.replace("network = \"10 Gbit/s\"", "network = 25"),
        &[],
        &[
            "s.toml:12:",
            "hosts[0].network",
            r#"write "25 Gbit/s" or "25 Mbit/s""#,
        ],
    );
    rejects(
        &GOOD.replace("ram = \"4 GB\"", "ram = \"4\""),
        &[],
        &["s.toml:18:", "vm_types[0].ram", r#"write "4 GB" or "4 MB""#],
    );
    rejects(
        GOOD,
        &["--set", "migration.dirty_rate=50"],
        &[r#"write "50 Gbit/s" or "50 Mbit/s""#],
    );
}

/// Valid but implausible values run, with a warning naming the line and key: a 100 Mbit/s
/// link (below 1 Gbit/s) and a 64 MB VM (below 128 MB).
#[test]
fn implausible_values_are_warned_about() {
    let text = GOOD
        .replace("network = \"10 Gbit/s\"", "network = \"100 Mbit/s\"")
        .replace("ram = \"4 GB\"", "ram = \"64 MB\"");
    let (code, err) = validate(&text, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "warning: s.toml:12: hosts[0].network: 100 Mbit/s is slower than any datacenter link"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning: s.toml:18: vm_types[0].ram: 64 MB is less than a minimal guest OS"),
        "{err}"
    );
    let (code, err) = validate(GOOD, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !err.contains("warning"),
        "a plausible scenario warns of nothing: {err}"
    );
}

/// Every bundled scenario (the validation cases included) spells its sizes with units and
/// validates without a warning, but for the capacity warnings of the deliberately crowded
/// conflicts.toml.
#[test]
fn bundled_scenarios_validate_without_warnings() {
    let mut paths: Vec<String> = Vec::new();
    for dir in ["scenarios", "scenarios/reference", "scenarios/validation"] {
        for e in fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                paths.push(p.display().to_string());
            }
        }
    }
    paths.sort();
    let mut args = vec!["validate"];
    args.extend(paths.iter().map(String::as_str));
    let out = run_args(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // conflicts.toml is over-subscribed on purpose (its header says so): its capacity warnings
    // are the only ones, and they are expected.
    let unexpected: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("warning") && !l.contains("scenarios/conflicts.toml: the VMs'"))
        .collect();
    assert!(unexpected.is_empty(), "{err}");
    assert_eq!(err.matches("conflicts.toml: the VMs'").count(), 2, "{err}");
}

// ---- issue 18 item 5: power tables -------------------------------------------------------

/// A SPECpower table with a dropped digit (116 typed 16) dips below its idle point: it used to
/// book negative dynamic and migration energy. A table never decreases as load rises.
#[test]
fn a_power_table_that_dips_is_refused_at_the_point() {
    let table = "power = { model = \"specpower\", watts = [93.7, 97, 101, 105, 110, 16, 121, 125, 129, 133, 135] }";
    rejects(
        &GOOD.replace(
            "power = { model = \"linear\", idle_w = 100, max_w = 200 }",
            table,
        ),
        &[],
        &[
            "s.toml:13:",
            "hosts[0].power.watts[5]",
            "16 W at 50 % CPU is below the 110 W at 40 %",
        ],
    );
}

// ---- issue 18 item 6: ranges ----------------------------------------------------------------

/// 1e308 for a draw, a price or a PUE used to give `null` in summary.json and inf in CSVs
/// (and, with charts, a run that never finished). Each is refused with its range, and the
/// number is quoted in scientific notation, not as 309 digits.
#[test]
fn huge_finite_values_are_refused_with_the_range() {
    for (set, key, range) in [
        (
            "hosts.0.power.max_w=1e308",
            "hosts[0].power.max_w",
            "0 to 50000 W",
        ),
        (
            "electricity.price_per_kwh=1e308",
            "electricity.price_per_kwh",
            "0 to 10000 per kWh",
        ),
        (
            "electricity.pue=1e308",
            "electricity.pue",
            "must be 1 to 5 (got 1.000e308)",
        ),
        (
            "hosts.0.core_mips=1e308",
            "hosts[0].core_mips",
            "above 0 and up to 1000000 MIPS",
        ),
    ] {
        let err = rejects(GOOD, &["--set", set], &[key, range]);
        assert!(!err.contains("00000000000000000000"), "{err}");
    }
    rejects(
        &GOOD.replace("ram = \"16 GB\"", "ram = \"1e10 TB\""),
        &[],
        &[
            "hosts[0].ram",
            "must be above 0 and up to 100000000 MB (100 TB)",
        ],
    );
}

// ---- issue 18 items 7 and 8: intervals, duration, estimates ---------------------------------

/// A 1 ms autoscaler rescanned its window a hundred million times a day; the shortest
/// interval of anything periodic is 1 s.
#[test]
fn a_millisecond_autoscaler_is_refused() {
    let service = "\n[[services]]\nname = \"web\"\ntype = \"vm\"\nload = \"flat\"\nmax_replicas = 4\nscaling = \"autoscale\"\nautoscale = { interval = 0.001 }\n";
    rejects(
        &(GOOD.to_string() + service),
        &[],
        &[
            "services[0].autoscale.interval",
            "must be 1s to 3650d (got 1ms)",
        ],
    );
    rejects(
        GOOD,
        &["--set", "simulation.control_interval=0.5"],
        &[
            "simulation.control_interval",
            "must be between 1s and the duration",
        ],
    );
}

/// A 584-million-year run passed every estimate; the longest run is ten years.
#[test]
fn durations_beyond_ten_years_are_refused() {
    rejects(
        GOOD,
        &["--set", "simulation.duration=\"100years\""],
        &["simulation.duration", "at most 3650d (ten years)"],
    );
    let (code, err) = validate(GOOD, &["--set", "simulation.duration=\"3650d\""]);
    assert_eq!(code, Some(0), "ten years is allowed: {err}");
}

/// With a tariff, each daily change accrues every host: ten years of a 200-period tariff on
/// ten million hosts is refused at `electricity.tariff`, naming why.
#[test]
fn tariff_changes_count_in_the_estimate() {
    // 200 five-minute periods: 400 changes a day, 1.5e13 host accruals over ten years.
    let tariff: Vec<String> = (0..200)
        .map(|p| {
            let (from, to) = (p * 7, p * 7 + 5);
            format!(
                "{{ from = \"{:02}:{:02}\", to = \"{:02}:{:02}\", price_per_kwh = 0.1 }}",
                from / 60,
                from % 60,
                to / 60,
                to % 60
            )
        })
        .collect();
    let text = GOOD.replace("count = 2\n", "count = 10000000\n")
        + &format!("\n[electricity]\ntariff = [{}]\n", tariff.join(", "));
    rejects(
        &text,
        &[
            "--set",
            "simulation.duration=\"3650d\"",
            "--set",
            "simulation.control_interval=\"3650d\"",
            "--set",
            "simulation.load_step=\"3650d\"",
        ],
        &[
            "electricity.tariff",
            "each daily tariff change accrues every host",
        ],
    );
}

// ---- issue 18 item 22: --set ----------------------------------------------------------------

/// `hosts[0.count=1` used to be read as `hosts.0.count`; `policy.power.headrom=` (a typo
/// with an empty value) used to remove nothing and exit 0.
#[test]
fn malformed_set_keys_and_typos_in_removals_are_refused() {
    rejects(
        GOOD,
        &["--set", "hosts[0.count=1"],
        &[
            "--set",
            "malformed key \"hosts[0.count\": a '[' is not closed",
        ],
    );
    rejects(
        GOOD,
        &["--set", "policy.power.headrom="],
        &[
            "policy.power.headrom=",
            "not a field of the format",
            "unknown field `headrom`",
            "`headroom`",
        ],
    );
    // Resetting a field the scenario does not set is what compare does: still fine.
    let (code, err) = validate(GOOD, &["--set", "policy.consolidation.overload_param="]);
    assert_eq!(code, Some(0), "{err}");
}

// ---- issue 18 item 24: messages ---------------------------------------------------------------

/// Rejections used to leak Rust names ('untagged enum Raw', 'PowerModelSpec') or give no key;
/// they now say what the field takes, at its key and line.
#[test]
fn messages_name_the_field_in_the_users_words() {
    let err = rejects(
        &GOOD.replace(
            "power = { model = \"linear\", idle_w = 100, max_w = 200 }",
            "power = 5",
        ),
        &[],
        &[
            "s.toml:13:",
            "hosts[0].power",
            "expected a power model, like",
        ],
    );
    assert!(!err.contains("PowerModelSpec"), "{err}");
    let err = rejects(
        &GOOD.replace("ram = \"16 GB\"", "ram = true"),
        &[],
        &["hosts[0].ram", "expected a size with a unit"],
    );
    assert!(!err.contains("untagged") && !err.contains("Raw"), "{err}");
    let err = rejects(
        &GOOD.replace("level = 0.5", &format!("level = {}", "[".repeat(200))),
        &[],
        &["s.toml:27:", "nested too deeply"],
    );
    assert!(!err.contains("recurs"), "{err}");
}

// ---- traces: items 21, 23 and 24 -----------------------------------------------------------

/// A generic CSV trace scenario replaying `file` (a path).
fn csv_scenario(file: &str) -> String {
    GOOD.replace(
        "[[vms]]\ntype = \"vm\"\ncount = 3\nload = \"flat\"\n",
        &format!("[traces.t]\nformat = \"csv\"\npath = \"{file}\"\n\n[[vms]]\ntrace = \"t\"\ntype = \"vm\"\n"),
    )
}

/// Two `cpu` columns left the reader to pick one silently.
#[test]
fn a_csv_trace_with_a_duplicated_column_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let trace = tmp.path().join("t.csv");
    fs::write(&trace, "time,vm,cpu,cpu\n0,a,10,20\n300,a,10,20\n").unwrap();
    rejects(
        &csv_scenario(&trace.display().to_string()),
        &[],
        &["t.csv:1", "column \"cpu\" appears twice in the header"],
    );
}

/// A 2 MB value in a trace row is quoted as a 40-character excerpt with its length.
#[test]
fn trace_errors_quote_an_excerpt_of_a_long_value() {
    let tmp = tempfile::tempdir().unwrap();
    let trace = tmp.path().join("t.csv");
    let huge = "9x".repeat(1_000_000);
    fs::write(&trace, format!("time,vm,cpu\n0,a,{huge}\n")).unwrap();
    let err = rejects(
        &csv_scenario(&trace.display().to_string()),
        &[],
        &["t.csv:2", "... (2000000 characters) is not a number"],
    );
    assert!(err.len() < 2_000, "{} bytes of stderr", err.len());
}

/// A streamed trace file cut after the scan: the replay reaches its end early and stops with
/// an error naming the file and both sizes, instead of replaying a shorter trace and exiting 0.
#[test]
fn a_trace_truncated_after_the_scan_stops_the_replay() {
    let tmp = tempfile::tempdir().unwrap();
    // 600 samples: more than the 512 kept in memory, so the replay reads the file as it goes.
    let text: String = (0..600).map(|i| format!("{}\n", i % 100)).collect();
    let file = tmp.path().join("vm1");
    fs::write(&file, &text).unwrap();
    let index = trace::scan("planetlab", tmp.path(), None).unwrap();
    let mut replay = trace::open(&index);
    let mut out = vec![0; 1];
    replay.seek(0, &mut out).unwrap();
    fs::write(&file, &text[..text.len() / 2]).unwrap();
    let err = (0..600)
        .find_map(|s| replay.seek(s, &mut out).err())
        .expect("the cut is found");
    let msg = err.to_string();
    assert!(msg.contains("vm1"), "{msg}");
    assert!(
        msg.contains(&format!(
            "the file changed while the run was reading it: it ends at byte {} but had {} bytes when it was scanned (truncated?)",
            text.len() / 2,
            text.len()
        )),
        "{msg}"
    );
}
