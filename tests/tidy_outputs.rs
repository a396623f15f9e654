//! Output format version 2 through the binary: Parquet next to CSV with the same values,
//! `simulation.start` timestamps, and what `summary.json` records about its writer.

mod common;
use common::*;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::Path;

/// Two 4-core hosts, one full of a resident VM; the second is switched off at time 0 and a
/// team's 4-vCPU requests wait for it to boot (capacity-shortfall conflicts with no host,
/// resolved rows naming the host), and requests still running at the end leave
/// `turnaround_s` empty. Six hours from Monday 5 January 2026.
const SCENARIO: &str = r#"
version = 1

[simulation]
name = "tidy"
seed = 7
duration = "6h"
control_interval = "5m"
start = "2026-01-05T00:00:00Z"

[[hosts]]
class = "node"
count = 2
cores = 4
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
states = { boot_time = "150s", shutdown_time = "1s" }

[[vm_types]]
name = "full"
vcpus = 4
ram = "8 GB"

[[vms]]
name = "resident"
type = "full"
count = 1
load = "half"

[[teams]]
name = "alpha"
day_rate = 0.5
night_rate = 0.5
batch_min = 1
batch_max = 1
types = ["full"]
load = "half"
lifetime = "2h"

[loads.half]
shape = "constant"
level = 0.5

[policy.consolidation]
enabled = false

[policy.power]
name = "spare-capacity"
headroom = 0.0
min_hosts_on = 1
"#;

/// Every table of a run folder.
const TABLES: [&str; 7] = [
    "timeseries",
    "baseline_timeseries",
    "migrations",
    "conflicts",
    "hosts",
    "requests",
    "host_utilisation",
];

/// A Parquet value as the CSV writes it; floats are compared as numbers by the caller.
fn text(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Long(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Str(s) => s.clone(),
        Field::Bool(b) => b.to_string(),
        Field::TimestampMillis(ms) => nightshift::output::iso(*ms),
        other => panic!("unexpected Parquet value {other:?}"),
    }
}

/// A Parquet file's column names and rows.
fn read_parquet(path: &Path) -> (Vec<String>, Vec<Vec<Field>>) {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let names = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .into_columns()
                .into_iter()
                .map(|(_, f)| f)
                .collect()
        })
        .collect();
    (names, rows)
}

/// `--format both`: each table's Parquet file has the CSV's columns and rows, value for
/// value (floats bit for bit, empty CSV cells as nulls, timestamps as UTC milliseconds that
/// the CSV writes in ISO 8601); `summary.json` records format version 2, the version and the
/// overrides.
#[test]
fn parquet_and_csv_hold_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tidy.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.path().join("out");
    run_ok(
        &scenario,
        &out,
        &[
            "--format",
            "both",
            "--no-charts",
            "--set",
            "policy.power.idle_grace=0s",
        ],
    );
    let mut nulls = 0;
    let mut timestamps = 0;
    for table in TABLES {
        let (header, rows) = read_csv(&out.join(format!("{table}.csv")));
        let (names, parquet_rows) = read_parquet(&out.join(format!("{table}.parquet")));
        assert_eq!(names, header, "{table}: the same columns");
        assert_eq!(parquet_rows.len(), rows.len(), "{table}: the same rows");
        for (r, (csv_row, pq_row)) in rows.iter().zip(&parquet_rows).enumerate() {
            for ((name, cell), field) in header.iter().zip(csv_row).zip(pq_row) {
                let at = format!("{table} row {r} column {name}");
                match field {
                    Field::Double(v) => {
                        let csv: f64 = cell.parse().unwrap_or_else(|_| panic!("{at}: {cell}"));
                        assert_eq!(v.to_bits(), csv.to_bits(), "{at}");
                    }
                    Field::Null => {
                        nulls += 1;
                        assert_eq!(cell, "", "{at}");
                    }
                    Field::TimestampMillis(_) => {
                        timestamps += 1;
                        assert_eq!(text(field), *cell, "{at}");
                    }
                    _ => assert_eq!(text(field), *cell, "{at}"),
                }
            }
        }
    }
    assert!(nulls > 0, "some empty cells were compared");
    assert!(timestamps > 0, "some timestamps were compared");
    // The capacity shortfall names no host, its resolution the host the VM went to.
    let conflicts = read_csv(&out.join("conflicts.csv"));
    assert_eq!(
        conflicts.0,
        [
            "time_s",
            "timestamp",
            "kind",
            "vm",
            "host",
            "destination",
            "action"
        ]
    );
    let first = &conflicts.1[0];
    assert_eq!(first[2], "capacity-shortfall", "{first:?}");
    assert_eq!((first[4].as_str(), first[5].as_str()), ("", ""));
    let s = summary(&out);
    assert_eq!(s["format_version"], 2);
    assert_eq!(s["nightshift_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        s["overrides"],
        serde_json::json!(["policy.power.idle_grace=0s"])
    );
}

/// With the start, the timeseries' first row is Monday 5 January 2026 00:00 UTC and each
/// time has its instant; `--format parquet` writes no CSV table and draws no chart (charts
/// read CSV), but still the summary and the reports, and `plot` says why it draws nothing.
#[test]
fn parquet_alone_writes_no_csv_tables() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tidy.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.path().join("out");
    run_ok(&scenario, &out, &["--format", "parquet"]);
    for table in TABLES {
        assert!(out.join(format!("{table}.parquet")).is_file(), "{table}");
        assert!(!out.join(format!("{table}.csv")).exists(), "{table}");
    }
    assert!(!out.join("power.svg").exists(), "no chart without CSV");
    assert!(out.join("summary.json").is_file() && out.join("report.html").is_file());
    // The report's file list names the files written, not their CSV names.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<a href=\"timeseries.parquet\">"), "{html}");
    assert!(!html.contains("<a href=\"timeseries.csv\">"), "{html}");
    // `plot` says why it cannot draw them (exit 2).
    let o = run_args(&["plot", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("timeseries.csv: missing: this run wrote its tables as Parquet only"),
        "{}",
        stderr(&o)
    );
    let (names, rows) = read_parquet(&out.join("timeseries.parquet"));
    assert_eq!(&names[..2], ["time_s", "timestamp"]);
    assert_eq!(text(&rows[0][1]), "2026-01-05T00:00:00Z");
    assert_eq!(text(&rows[1][1]), "2026-01-05T00:05:00Z");
}

/// A start that is not a Monday at midnight UTC is bad input: exit 2, the file, the line and
/// the field named, the Monday of that week suggested, nothing written.
#[test]
fn a_start_off_a_monday_midnight_is_refused() {
    let text = SCENARIO.replace("2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z");
    let err = rejects(&text, &[], &["s.toml:9", "simulation.start"]);
    assert!(
        err.contains("2026-01-07 is a Wednesday") && err.contains("\"2026-01-05T00:00:00Z\""),
        "{err}"
    );
    let text = SCENARIO.replace("2026-01-05T00:00:00Z", "5 Jan 2026");
    rejects(
        &text,
        &[],
        &["simulation.start", "is not an RFC 3339 time in UTC"],
    );
}
