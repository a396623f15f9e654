//! End-to-end checks of charts, reports, `plot` and `compare` through the `nightshift` binary,
//! on a small version of the README's scenario (20 hosts, 108 VMs, one day).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHARTS: [&str; 6] = [
    "power",
    "energy",
    "migrations",
    "utilisation-heatmap",
    "utilisation-distribution",
    "hosts-needed",
];

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/night-consolidation.toml")
}

/// Shrinks the example to 8 + 12 hosts and 60 + 30 + 6 + 12 VMs over one day.
const SMALL: &[&str] = &[
    "hosts.0.count=8",
    "hosts.1.count=12",
    "vms.0.count=60",
    "vms.1.count=30",
    "vms.2.count=6",
    "vms.3.count=12",
    "simulation.duration=1d",
];

fn nightshift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn with_small(mut args: Vec<String>) -> Vec<String> {
    for s in SMALL {
        args.push("--set".into());
        args.push(s.to_string());
    }
    args
}

fn run_small(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run".to_string(),
        scenario().display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "-q".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args = with_small(args);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = nightshift(&refs);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn num(v: &serde_json::Value, path: &str) -> f64 {
    path.split('.')
        .fold(v, |n, k| &n[k])
        .as_f64()
        .unwrap_or_else(|| panic!("{path} is a number"))
}

/// Column `name` of a CSV file, as text fields.
fn column(path: &Path, name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

fn svg_texts(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", path.display()));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

/// `simulation.night` moves the charts' night: `summary.json` records it, and the power and
/// migration charts shade and name it (19:30–07:00 here, where the default is 22:00–06:00).
#[test]
fn the_scenarios_night_is_recorded_and_named_in_the_legends() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(
        &out,
        &[
            "--no-baseline",
            "--set",
            "simulation.night={ from = \"19:30\", to = \"07:00\" }",
        ],
    );
    let summary = json(&out.join("summary.json"));
    assert_eq!(num(&summary, "night.from_h"), 19.5);
    assert_eq!(num(&summary, "night.to_h"), 7.0);
    for chart in ["power", "migrations"] {
        let texts = svg_texts(&out.join(format!("{chart}.svg")));
        assert!(
            texts.iter().any(|t| t == "night (19:30–07:00)"),
            "{chart}.svg names the scenario's night: {texts:?}"
        );
    }
}

/// `run` writes every chart as PNG and SVG, the reports, and logs whose ends match the
/// summary: the energy chart ends at the headline energy and cost, and the heat map's data
/// has exactly `hosts_on` values at each tick.
#[test]
fn run_writes_charts_reports_and_consistent_logs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(&out, &[]);
    let sizes = [
        (1200, 900),
        (1200, 850),
        (1200, 650),
        (1200, 800),
        (1200, 650),
        (1200, 600),
    ];
    for (name, size) in CHARTS.iter().zip(sizes) {
        assert_eq!(
            png_size(&out.join(format!("{name}.png"))),
            size,
            "{name}.png"
        );
        let texts = svg_texts(&out.join(format!("{name}.svg")));
        assert!(
            texts.iter().any(|t| t.ends_with("— night-consolidation")),
            "{name}.svg has its title"
        );
    }
    let summary = json(&out.join("summary.json"));
    // The energy chart draws cumulative IT energy and cost x PUE: their last points are the
    // summary's energy.it_kwh and energy.cost, and the baseline's is baseline.it_kwh.
    let last = |file: &str, col: &str| -> f64 {
        column(&out.join(file), col)
            .last()
            .unwrap()
            .parse()
            .unwrap()
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    assert!(close(
        last("timeseries.csv", "energy_kwh"),
        num(&summary, "energy.it_kwh")
    ));
    assert!(close(
        last("timeseries.csv", "cost") * num(&summary, "energy.pue"),
        num(&summary, "energy.cost")
    ));
    assert!(close(
        last("baseline_timeseries.csv", "energy_kwh"),
        num(&summary, "baseline.it_kwh")
    ));
    // host_utilisation.csv (long form): one row per host on at each timeseries tick, so the
    // rows at a tick are as many as timeseries.csv's hosts_on there, ids among the 20 hosts.
    let util = fs::read_to_string(out.join("host_utilisation.csv")).unwrap();
    let mut lines = util.lines();
    assert_eq!(lines.next().unwrap(), "time_s,host,utilisation");
    let times = column(&out.join("timeseries.csv"), "time_s");
    let on = column(&out.join("timeseries.csv"), "hosts_on");
    // One day at 5-minute ticks: 288 ticks plus the end.
    assert_eq!(on.len(), 289);
    let mut per_time: std::collections::BTreeMap<String, usize> = Default::default();
    for row in lines {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f.len(), 3, "row {row}");
        assert!(f[1].parse::<usize>().unwrap() < 20, "row {row}");
        assert!(f[2].parse::<f64>().unwrap() >= 0.0, "row {row}");
        *per_time.entry(f[0].to_string()).or_default() += 1;
    }
    let mut expected: std::collections::BTreeMap<String, usize> = Default::default();
    for (t, on) in times.iter().zip(&on) {
        let on: usize = on.parse().unwrap();
        if on > 0 {
            *expected.entry(t.clone()).or_default() += on;
        }
    }
    assert_eq!(per_time, expected);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 6);
    assert!(
        html.contains("# nightshift: copy of"),
        "the scenario is echoed"
    );
    // The only URL is the SVG namespace name (in the charts' xmlns and the time series
    // script's createElementNS), which is an identifier, never fetched.
    let urls = html.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !urls.contains("http:") && !urls.contains("https:"),
        "nothing to fetch"
    );
    // Two inline scripts, the time series' data and the code that draws it; none loaded.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "no script or style fetched"
    );
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    for name in CHARTS {
        assert!(
            md.contains(&format!("]({name}.png)")),
            "report.md links {name}.png"
        );
    }
}

/// Two runs of the same scenario and seed write byte-identical folders, charts and reports
/// included; and `plot` redraws the very same chart files from the CSV logs.
#[test]
fn outputs_are_deterministic_and_plot_redraws_them_identically() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_small(&a, &[]);
    run_small(&b, &[]);
    let mut names: Vec<String> = fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for f in [
        "report.html",
        "report.md",
        "scenario.toml",
        "host_utilisation.csv",
        "power.png",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} in {names:?}");
    }
    for name in &names {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
    for name in CHARTS {
        fs::remove_file(b.join(format!("{name}.png"))).unwrap();
        fs::remove_file(b.join(format!("{name}.svg"))).unwrap();
    }
    fs::remove_file(b.join("report.html")).unwrap();
    let o = nightshift(&["plot", b.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("drew 6 charts (12 files)"));
    for name in &names {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
}

/// `--no-charts` draws nothing but still writes the reports (which say how to draw later);
/// `--no-host-utilisation` leaves out the file and the two charts that need it.
#[test]
fn chart_flags_skip_what_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plain");
    run_small(&out, &["--no-charts"]);
    for name in CHARTS {
        assert!(!out.join(format!("{name}.svg")).exists());
        assert!(!out.join(format!("{name}.png")).exists());
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("nightshift plot DIR"));
    let lean = dir.path().join("lean");
    run_small(&lean, &["--no-host-utilisation"]);
    assert!(!lean.join("host_utilisation.csv").exists());
    assert!(lean.join("power.svg").exists());
    assert!(!lean.join("utilisation-heatmap.svg").exists());
    let html = fs::read_to_string(lean.join("report.html")).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 4);
}

/// Without charts the reports are written from the summary alone (the series are not read):
/// they are exactly what the fully loaded folder gives without charts, and their file list
/// still names the optional files present.
#[test]
fn reports_without_charts_match_the_fully_loaded_folder() {
    use nightshift::chart::{RunData, RunFiles, RunSummary};
    use nightshift::report::{run_html, run_markdown};
    let dir = tempfile::tempdir().unwrap();
    for (name, extra, files) in [
        (
            "all",
            &["--no-charts"][..],
            RunFiles {
                baseline: true,
                host_utilisation: true,
                tables: vec![
                    "timeseries.csv".to_string(),
                    "migrations.csv".to_string(),
                    "conflicts.csv".to_string(),
                    "hosts.csv".to_string(),
                    "requests.csv".to_string(),
                    "baseline_timeseries.csv".to_string(),
                    "host_utilisation.csv".to_string(),
                ],
            },
        ),
        (
            "lean",
            &["--no-charts", "--no-baseline", "--no-host-utilisation"][..],
            RunFiles {
                baseline: false,
                host_utilisation: false,
                tables: vec![
                    "timeseries.csv".to_string(),
                    "migrations.csv".to_string(),
                    "conflicts.csv".to_string(),
                    "hosts.csv".to_string(),
                    "requests.csv".to_string(),
                ],
            },
        ),
    ] {
        let out = dir.path().join(name);
        run_small(&out, extra);
        let full = RunData::load(&out).unwrap();
        let summary = RunSummary::load(&out).unwrap();
        assert_eq!((&full.files, &summary.files), (&files, &files), "{name}");
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        assert_eq!(html, run_html(&summary, &[], None), "{name}");
        assert_eq!(
            fs::read_to_string(out.join("report.md")).unwrap(),
            run_markdown(&summary, &[]),
            "{name}"
        );
        assert_eq!(
            html.contains("<a href=\"baseline_timeseries.csv\">baseline_timeseries.csv</a>, <a href=\"host_utilisation.csv\">host_utilisation.csv</a>."),
            name == "all"
        );
    }
}

/// `compare` runs each variant on the same workload and seed: the `always-on` preset is the
/// baseline itself (same energy to the last bit, no migration), every variant shares one
/// baseline, and the comparison folder has its table, charts, reports and runs.
#[test]
fn compare_runs_policies_on_the_same_workload() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let args = with_small(vec![
        "compare".into(),
        scenario().display().to_string(),
        "--policies".into(),
        "always-on,thr-mmt".into(),
        "--variant".into(),
        "roomy:policy.power.headroom=0.5,policy.power.idle_grace=30m".into(),
        "--out".into(),
        out.display().to_string(),
        "-q".into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = nightshift(&refs);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = out.join("comparison.csv");
    assert_eq!(column(&table, "variant"), ["always-on", "thr-mmt", "roomy"]);
    let it: Vec<f64> = column(&table, "energy_it_kwh")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let base: Vec<String> = column(&table, "baseline_it_kwh");
    assert_eq!(it[0].to_string(), base[0], "always-on is the baseline");
    assert!(
        base.iter().all(|b| *b == base[0]),
        "one workload, one baseline"
    );
    assert_eq!(column(&table, "migrations_count")[0], "0");
    assert!(it[1] < it[0], "consolidating saves energy: {it:?}");
    assert_eq!(
        column(&table, "overrides")[2],
        "policy.power.headroom=0.5;policy.power.idle_grace=30m"
    );
    for name in ["compare-bars", "compare-tradeoff"] {
        assert!(
            svg_texts(&out.join(format!("{name}.svg")))
                .iter()
                .any(|t| t == "thr-mmt")
        );
        assert_eq!(png_size(&out.join(format!("{name}.png"))).0, 1200);
    }
    for v in ["always-on", "thr-mmt", "roomy"] {
        assert!(out.join("runs").join(v).join("power.svg").exists(), "{v}");
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 2);
    assert!(html.contains("<a href=\"runs/thr-mmt/report.html\">"));
    assert!(html.contains("[[hosts]]"), "the scenario is echoed");
    assert!(
        !html.contains("# nightshift: copy of"),
        "without the copy header"
    );
}

/// Bad input: an unknown policy is exit status 2 with the valid names, and no folder.
#[test]
fn compare_rejects_unknown_policy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let o = nightshift(&[
        "compare",
        scenario().to_str().unwrap(),
        "--policies",
        "thr-mmt,fastest",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown policy \"fastest\""), "{err}");
    assert!(
        err.contains("always-on") && err.contains("power-only"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no staging left behind"
    );
}

/// `plot` on a damaged run names the file and line; on a folder that is no run, says so.
#[test]
fn plot_reports_damaged_folders_as_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_small(&out, &["--no-charts"]);
    let path = out.join("timeseries.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let power = lines[0].split(',').position(|h| h == "power_w").unwrap();
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields[power] = "lots";
    lines[2] = fields.join(",");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = nightshift(&["plot", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("timeseries.csv:3: column \"power_w\": expected a number, found \"lots\""),
        "{err}"
    );
    let o = nightshift(&["plot", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither summary.json"));
}
