//! Carbon (issue 21 item 1): closed-form emissions for a constant and a two-step intensity, an
//! embodied amortisation by hand, carbon-aware deferral against the same run without it, bad
//! intensity files refused at their line and column, and byte-identical outputs.

mod common;

use common::simulate as run;
use common::*;
use nightshift::scenario;
use nightshift::sim::{self, records::MemoryRecorder};

/// One linear host (100-200 W, 4 x 1000 MIPS) always on, one VM of 2 x 1000 MIPS at a
/// constant 45 %: u = 900 / 4000 = 0.225, P = 122.5 W; default PUE 1.5. `extra` is appended.
fn one_host(hours: u32, extra: &str) -> String {
    closed_form(1, LINEAR_100_200, hours, extra)
}

/// 24 hourly values: `low` in hours `from..to`, `rest` elsewhere.
fn hourly(rest: f64, from: usize, to: usize, low: f64) -> String {
    let v: Vec<String> = (0..24)
        .map(|h| if (from..to).contains(&h) { low } else { rest }.to_string())
        .collect();
    format!("[{}]", v.join(", "))
}

#[test]
fn constant_intensity_times_constant_power() {
    // 122.5 W for 10 h = 1.225 kWh IT, 1.8375 kWh facility; at 400 g/kWh: 735 g = 0.735 kg
    // (IT: 490 g).
    let (o, rec) = run(&one_host(10, "[carbon]\nintensity_g_per_kwh = 400\n"));
    let c = o.summary.carbon.as_ref().expect("a carbon summary");
    close(c.operational_kg, 0.735);
    close(c.it_operational_kg, 0.49);
    close(c.mean_intensity_g_per_kwh, 400.0);
    close(c.embodied_kg, 0.0);
    close(c.total_kg, 0.735);
    assert_eq!(c.intensity_source, "constant");
    // The last timeseries row carries the cumulative emissions and the intensity.
    let last = rec.intervals.last().unwrap().carbon.unwrap();
    close(last.carbon_kg, 0.735);
    close(last.intensity_g_per_kwh, 400.0);
}

#[test]
fn a_two_step_profile_splits_the_energy_at_the_step() {
    // 4 h: hours 0-1 at 100 g/kWh, hours 2-3 at 500. Facility power 0.18375 kW:
    // 2 h x 0.18375 x 100 + 2 h x 0.18375 x 500 = 36.75 + 183.75 = 220.5 g.
    let profile = hourly(500.0, 0, 2, 100.0);
    let (o, rec) = run(&one_host(
        4,
        &format!("[carbon]\nhourly_g_per_kwh = {profile}\n"),
    ));
    let c = o.summary.carbon.unwrap();
    close(c.operational_kg, 0.2205);
    close(c.mean_intensity_g_per_kwh, 300.0);
    close(c.min_intensity_g_per_kwh, 100.0);
    close(c.max_intensity_g_per_kwh, 500.0);
    // At the 2 h row (default 5-minute ticks), the first step alone: 36.75 g.
    let at_2h = rec.intervals.iter().find(|r| r.time_s == 7200.0).unwrap();
    close(at_2h.carbon.unwrap().carbon_kg, 0.03675);
    close(at_2h.carbon.unwrap().intensity_g_per_kwh, 500.0);
}

#[test]
fn embodied_emissions_amortise_over_the_simulated_time() {
    // One host of 1,461 kgCO2e over 4 years (1,461 days): 1 kg a day, 10 h = 10/24 kg.
    let (o, _) = run(&one_host(
        10,
        "[carbon]\nintensity_g_per_kwh = 0\n[[carbon.embodied]]\nclass = \"h\"\nkg_co2e = 1461\nlife_years = 4\n",
    ));
    let c = o.summary.carbon.unwrap();
    close(c.embodied_kg, 10.0 / 24.0);
    close(c.operational_kg, 0.0);
    close(c.total_kg, 10.0 / 24.0);
}

#[test]
fn without_carbon_there_is_no_carbon_block_or_column() {
    let (o, rec) = run(&one_host(1, ""));
    assert!(o.summary.carbon.is_none());
    assert!(rec.intervals.iter().all(|r| r.carbon.is_none()));
}

/// A group of one VM (2 x 1000 MIPS at 50 %: +25 W dynamic on the host) arriving at 1 h for
/// 2 h; hours 1-2 at 500 g/kWh, 3-4 at 100, the rest 300.
fn deferrable_batch(defer: &str) -> String {
    let profile = {
        let v: Vec<String> = (0..24)
            .map(|h| match h {
                1 | 2 => "500",
                3 | 4 => "100",
                _ => "300",
            })
            .map(str::to_string)
            .collect();
        format!("[{}]", v.join(", "))
    };
    one_host(
        8,
        &format!(
            r#"[[vms]]
name = "batch"
type = "vm"
count = 1
load = "busy"
start = "1h"
lifetime = "2h"
[loads.busy]
shape = "constant"
level = 0.5
[carbon]
hourly_g_per_kwh = {profile}
{defer}"#
        ),
    )
}

#[test]
fn deferral_waits_for_the_cleaner_hours_and_saves_by_hand() {
    let defer = "[carbon.defer]\nwork = [\"batch\"]\nmax_delay = \"3h\"\n";
    let text = deferrable_batch(defer);
    let setup = scenario::load(&text, "t.toml", &[]).unwrap();
    let with = sim::run_checked(&setup, &mut MemoryRecorder::default()).unwrap();
    let without =
        sim::run_checked(&setup.without_deferral(), &mut MemoryRecorder::default()).unwrap();
    let (cw, cwo) = (
        with.summary.carbon.unwrap(),
        without.summary.carbon.unwrap(),
    );
    // The batch waits from 1 h to 3 h, the first cleaner step within 3 h.
    let d = cw.deferral.as_ref().unwrap();
    assert_eq!(d.vms_deferred, 1);
    close(d.mean_delay_h, 2.0);
    close(d.max_delay_h, 3.0);
    assert!(cwo.deferral.is_none());
    // Same energy either way; its 25 W x 2 h x 1.5 = 0.075 kWh is drawn at 100 g instead of
    // 500: 30 g saved.
    close(with.summary.energy.it_kwh, without.summary.energy.it_kwh);
    close(cwo.operational_kg - cw.operational_kg, 0.030);
    // A deferral decided during the warm-up (arrival at 1 h, warm-up 2 h) is not reported,
    // and emissions count from 2 h: 183.75 W facility for 1 h at 500, 2 h at 100 and 3 h at
    // 300 = 294 g, plus the batch's 37.5 W for 2 h at 100 = 7.5 g: 301.5 g.
    let warm = text.replace("[simulation]\n", "[simulation]\nwarmup = \"2h\"\n");
    let setup = scenario::load(&warm, "t.toml", &[]).unwrap();
    let w = sim::run_checked(&setup, &mut MemoryRecorder::default()).unwrap();
    let cw2 = w.summary.carbon.unwrap();
    assert_eq!(cw2.deferral.unwrap().vms_deferred, 0);
    close(cw2.operational_kg, 0.3015);
    // Not deferrable: no wait, no saving.
    let plain = scenario::load(&deferrable_batch(""), "t.toml", &[]).unwrap();
    let p = sim::run_checked(&plain, &mut MemoryRecorder::default()).unwrap();
    close(p.summary.carbon.unwrap().operational_kg, cwo.operational_kg);
}

#[test]
fn deferred_team_requests_start_in_the_clean_half_of_the_day() {
    // 500 g/kWh before noon, 100 after; requests may wait 12 h: every request submitted in
    // the morning starts at 12:00 or later, and only those are deferred (afternoon requests
    // may still queue for the one host behind the morning's).
    let profile = hourly(500.0, 12, 24, 100.0);
    let text = one_host(
        24,
        &format!(
            r#"[[teams]]
name = "etl"
day_rate = 1.0
night_rate = 1.0
batch_max = 1
types = ["vm"]
load = "l"
lifetime = "30m"
[carbon]
hourly_g_per_kwh = {profile}
[carbon.defer]
work = ["etl"]
max_delay = "12h"
"#
        ),
    );
    let setup = scenario::load(&text, "t.toml", &[]).unwrap();
    let o = sim::run_checked(&setup, &mut MemoryRecorder::default()).unwrap();
    let mut morning = 0;
    for r in &o.requests {
        let started = r.submitted_s + r.response_s.expect("every request starts");
        if r.submitted_s < 43_200.0 {
            morning += 1;
            assert!(started >= 43_200.0, "request {} started at {started}", r.id);
        }
    }
    let d = o.summary.carbon.unwrap().deferral.unwrap();
    assert!(morning > 0);
    assert_eq!(d.vms_deferred, morning);
}

/// Writes `scenario.toml` using `intensity_file = "grid.csv"` and `grid.csv` in a fresh folder.
fn with_file(csv: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let text = one_host(2, "[carbon]\nintensity_file = \"grid.csv\"\n");
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    std::fs::write(tmp.path().join("grid.csv"), csv).unwrap();
    tmp
}

/// Runs the scenario of `with_file(csv)`: exit 2, stderr holding each of `expected`, and no
/// output folder.
fn refused(csv: &str, expected: &[&str]) {
    let tmp = with_file(csv);
    let out = run_in(
        tmp.path(),
        &["run", "s.toml", "--out", "out", "--no-charts"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(
        !tmp.path().join("out").exists(),
        "an output folder was left"
    );
}

#[test]
fn bad_intensity_files_are_refused_at_file_line_and_column() {
    let file = "grid.csv";
    // A gap: 0 h, 1 h, then 3 h (2 h missing).
    refused(
        "offset_s,gco2_per_kwh\n0,200\n3600,150\n10800,100\n",
        &[
            "s.toml",
            "carbon.intensity_file",
            file,
            "line 4",
            "`offset_s`",
            "a gap",
        ],
    );
    // A negative value.
    refused(
        "offset_s,gco2_per_kwh\n0,200\n3600,-20\n7200,100\n",
        &[file, "line 3", "`gco2_per_kwh`", "must be 0 to 3000"],
    );
    // Time going backwards, with timestamps.
    refused(
        "timestamp,gco2_per_kwh\n2024-03-18T00:00:00Z,200\n2024-03-18T01:00:00Z,150\n2024-03-18T00:30:00Z,100\n",
        &[file, "line 4", "`timestamp`", "does not move forward"],
    );
    // Too short for the 2 h run.
    refused(
        "offset_s,gco2_per_kwh\n0,200\n1800,150\n",
        &[file, "covers 1 h but the run lasts 2 h"],
    );
}

#[test]
fn the_test_scenario_runs_the_same_twice_and_reports_carbon() {
    let scenario = root().join("tests/carbon/carbon.toml");
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let o = run_args(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    run_ok(&scenario, &b, &[]);
    for f in [
        "summary.json",
        "timeseries.csv",
        "baseline_timeseries.csv",
        "report.md",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs");
    }
    let s = summary(&a);
    let op = num(&s, "carbon.operational_kg");
    assert!(op > 0.0);
    // Two hosts of 1,300 kg over 5 years, one day: 2 x 1300 / 1826.25 kg.
    let embodied = num(&s, "carbon.embodied_kg");
    assert!(
        (embodied - 2.0 * 1300.0 / 1826.25).abs() < 1e-9,
        "{embodied}"
    );
    // Both batch VMs wait from 06:00 to 12:00 (130 g/kWh, the cleanest within 6 h).
    assert_eq!(num(&s, "carbon.deferral.vms_deferred"), 2.0);
    assert!((num(&s, "carbon.deferral.mean_delay_h") - 6.0).abs() < 1e-9);
    let saved = num(&s, "carbon.deferral.saved_kg");
    let without = num(&s, "carbon.deferral.without_deferral_kg");
    assert!((without - op - saved).abs() < 1e-12);
    assert!(num(&s, "carbon.baseline_operational_kg") > op);
    // The printed summary gives the operational and embodied emissions and the saving.
    let printed = stdout(&o);
    let line = format!(
        "  carbon      {op:.1} kg CO2e from the facility's energy (mean {:.0} g/kWh), {embodied:.1} kg embodied; always-on {:.1} kg: saves {:.1} kg",
        num(&s, "carbon.mean_intensity_g_per_kwh"),
        num(&s, "carbon.baseline_operational_kg"),
        num(&s, "carbon.saved_kg"),
    );
    assert!(printed.contains(&line), "{line:?} not in {printed}");
    let ts = a.join("timeseries.csv");
    let (header, _) = read_csv(&ts);
    assert_eq!(
        &header[header.len() - 2..],
        ["intensity_g_per_kwh", "carbon_kg"]
    );
    let cum = column(&ts, "carbon_kg");
    assert!((cum.last().unwrap() - op).abs() < 1e-9);
    assert!(a.join("carbon.svg").exists() && a.join("carbon.png").exists());
    let report = std::fs::read_to_string(a.join("report.md")).unwrap();
    for row in [
        "Operational emissions",
        "Emissions saved vs always-on",
        "Embodied emissions",
        "Carbon-aware deferral",
    ] {
        assert!(report.contains(row), "report.md lacks {row:?}");
    }
}

#[test]
fn bad_carbon_sections_are_refused_with_the_valid_choices() {
    // Two intensities at once.
    rejects(
        &one_host(
            1,
            "[carbon]\nintensity_g_per_kwh = 1\nhourly_g_per_kwh = [1]\n",
        ),
        &[],
        &["carbon", "exactly one of"],
    );
    // A profile of the wrong length.
    rejects(
        &one_host(1, "[carbon]\nhourly_g_per_kwh = [1, 2, 3]\n"),
        &[],
        &["carbon.hourly_g_per_kwh", "24 values", "got 3"],
    );
    // Embodied emissions of a class that does not exist.
    rejects(
        &one_host(
            1,
            "[carbon]\nintensity_g_per_kwh = 1\n[[carbon.embodied]]\nclass = \"x\"\nkg_co2e = 1\nlife_years = 4\n",
        ),
        &[],
        &[
            "carbon.embodied[0].class",
            "unknown host class \"x\"",
            "\"h\"",
        ],
    );
    // Deferring work nobody names.
    rejects(
        &one_host(
            1,
            "[carbon]\nintensity_g_per_kwh = 1\n[carbon.defer]\nwork = [\"nope\"]\nmax_delay = \"1h\"\n",
        ),
        &[],
        &["carbon.defer.work[0]", "valid: \"g\""],
    );
    // The cloudsim profile has no carbon.
    rejects(
        &one_host(1, "[carbon]\nintensity_g_per_kwh = 1\n")
            .replace("[simulation]\n", "[simulation]\nprofile = \"cloudsim\"\n"),
        &[],
        &["carbon", "realistic profile"],
    );
}

#[test]
fn a_sweep_of_a_carbon_scenario_reports_its_emissions_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = tmp.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        format!(
            "version = 1\nname = \"c\"\nscenario = \"{}\"\n[[axis]]\nkey = \"carbon.defer.max_delay\"\nvalues = [\"1h\", \"6h\"]\n",
            root().join("tests/carbon/carbon.toml").display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run_args(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let results = out.join("results.csv");
    let (header, rows) = read_csv(&results);
    assert_eq!(
        &header[header.len() - 4..],
        [
            "carbon_operational_kg",
            "carbon_embodied_kg",
            "carbon_saved_kg",
            "carbon_deferral_saved_kg"
        ]
    );
    assert_eq!(rows.len(), 2);
    // Each run's cells are its summary's numbers.
    for (row, id) in rows.iter().zip(text_column(&results, "id")) {
        let s = summary(&out.join("runs").join(&id));
        let cell = |name: &str| -> f64 {
            row[header.iter().position(|h| h == name).unwrap()]
                .parse()
                .unwrap()
        };
        assert_eq!(
            cell("carbon_operational_kg"),
            num(&s, "carbon.operational_kg")
        );
        assert_eq!(
            cell("carbon_deferral_saved_kg"),
            num(&s, "carbon.deferral.saved_kg")
        );
    }
}
