//! Host failures (issue 21 item 2): a host that fails at a known time restarts its VM on the
//! other host after the restart delay (closed form: downtime, energy, failures.csv); a
//! migration whose source or destination fails is aborted and counted; failures configured
//! but never firing leave every other output as it was (other random streams untouched);
//! same seed, same bytes; bad failure input refused (file, line, field), exit 2, nothing
//! written.

mod common;

use common::*;
use nightshift::model::failure::Outage;
use nightshift::scenario;
use nightshift::sim::{self, records::MemoryRecorder};
use std::path::Path;

/// Two linear hosts (100-200 W, 4 x 1000 MIPS) kept on, one VM of 2 x 1000 MIPS at a
/// constant 45 % (900 MIPS: u = 0.225, P = 122.5 W), placed on host 0 (first fit); two
/// hours. `extra` is appended.
fn two_hosts(extra: &str) -> String {
    closed_form(2, LINEAR_100_200, 2, extra)
}

/// Runs `text` in the library with every invariant checked, its failure trace set to
/// `outages` (the pipeline reads the file; here the outages are given).
fn run_with_outages(text: &str, outages: Vec<Outage>) -> (sim::Outcome, MemoryRecorder) {
    let mut setup = scenario::load(text, "test.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    let f = setup.failures.as_mut().expect("the scenario has failures");
    f.trace = Some(outages);
    let mut rec = MemoryRecorder::default();
    let outcome = sim::run_checked(&setup, &mut rec).unwrap();
    (outcome, rec)
}

/// The closed form: host 0 fails at 1 h (repaired after the end), the restart delay is 120 s,
/// so the VM stops at 3600 s and runs on host 1 from 3720 s. Downtime 120 s exactly; host 0
/// draws 122.5 W for 1 h then nothing (0.1225 kWh); host 1 idles at 100 W for 3720 s then
/// carries the VM at 122.5 W for 3480 s (103.333 + 118.417 Wh = 0.22175 kWh).
#[test]
fn a_failed_host_restarts_its_vm_on_the_other_host_after_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        two_hosts("[failures]\ntrace = \"outages.csv\"\nrestart_delay = \"2m\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("outages.csv"),
        "host,start_s,end_s\n0,3600,9000\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (scenario_arg, out_arg) = (scenario.to_str().unwrap(), out.to_str().unwrap());
    let o = run_args(&["run", scenario_arg, "--out", out_arg, "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The printed summary says it in one line: 1 h failed (3600 to the 7200 s end).
    let printed = stdout(&o);
    assert!(
        printed.contains("  failures    1 host failures (1.0 host-h down), 1 VM restarts (0 waited for a host), restart p99 120 s, VM downtime 0.0 VM-h\n"),
        "{printed}"
    );
    let s = summary(&out);
    assert_eq!(num(&s, "failures.failures"), 1.0);
    assert_eq!(num(&s, "failures.repairs"), 0.0, "repaired after the end");
    assert_eq!(num(&s, "failures.vm_stops"), 1.0);
    assert_eq!(num(&s, "failures.restarts"), 1.0);
    assert_eq!(num(&s, "failures.restarts_waited"), 0.0, "host 1 had room");
    close(num(&s, "failures.restart_p99_s"), 120.0);
    close(num(&s, "failures.downtime_vm_hours"), 120.0 / 3600.0);
    close(num(&s, "failures.downtime_p99_hours"), 120.0 / 3600.0);
    close(num(&s, "failures.host_failed_hours"), 1.0);
    // 900 MIPS of a 1000-MIPS-per-vCPU VM is 0.9 vCPU, unserved for 120 s.
    close(
        num(&s, "failures.shortfall_core_hours"),
        0.9 * 120.0 / 3600.0,
    );
    let it = column(&out.join("hosts.csv"), "it_kwh");
    close(it[0], 0.1225);
    close(it[1], (3720.0 * 100.0 + 3480.0 * 122.5) / 3.6e6);
    // failures.csv: the failure, the VM stopped on host 0, restarted on host 1.
    let events = text_column(&out.join("failures.csv"), "event");
    assert_eq!(events, ["host-failed", "vm-stopped", "vm-restarted"]);
    let hosts = column(&out.join("failures.csv"), "host");
    assert_eq!(hosts, [0.0, 0.0, 1.0]);
    let times = column(&out.join("failures.csv"), "time_s");
    assert_eq!(times, [3600.0, 3600.0, 3720.0]);
    assert_eq!(
        text_column(&out.join("failures.csv"), "downtime_s"),
        ["", "", "120.0"]
    );
    // The timeseries end with the failure columns: one host failed from 1 h on.
    let failed = column(&out.join("timeseries.csv"), "hosts_failed");
    let time = column(&out.join("timeseries.csv"), "time_s");
    for (t, f) in time.iter().zip(&failed) {
        assert_eq!(*f, if *t >= 3600.0 { 1.0 } else { 0.0 }, "at {t} s");
    }
}

/// The always-on baseline gets the same outage, so the saving stays like for like: here both
/// runs keep every host on, so their energies are equal.
#[test]
fn the_baseline_sees_the_same_failures() {
    let text = two_hosts("[failures]\ntrace = \"x.csv\"\nrestart_delay = \"2m\"\n");
    let setup = {
        let mut s = scenario::load(&text, "t.toml", &[]).unwrap();
        s.failures.as_mut().unwrap().trace = Some(vec![Outage {
            host: 0,
            start: 3_600_000,
            end: 9_000_000,
        }]);
        s
    };
    let run = sim::run_checked(&setup, &mut MemoryRecorder::default()).unwrap();
    let base = sim::run_checked(&setup.baseline(), &mut MemoryRecorder::default()).unwrap();
    let (r, b) = (
        run.summary.failures.unwrap(),
        base.summary.failures.unwrap(),
    );
    assert_eq!((r.failures, r.restarts), (b.failures, b.restarts));
    close(run.summary.energy.it_kwh, base.summary.energy.it_kwh);
}

/// A repaired host comes back off; with no VM waiting, keep-on boots it at the next tick.
/// A restart that finds no room waits, counted as waited, until power management boots the
/// repaired host: here the only other host is full.
#[test]
fn a_restart_with_no_room_waits_for_the_repaired_host() {
    // Host 1 is full of a VM as large as the host; host 0 fails at 1 h for 10 minutes.
    let text = two_hosts("[failures]\ntrace = \"x.csv\"\nrestart_delay = \"1m\"\n").replace(
        "[loads.l]",
        "[[vms]]\nname = \"big\"\ntype = \"big\"\ncount = 1\nload = \"l\"\n[[vm_types]]\nname = \"big\"\nvcpus = 4\nvcpu_mips = 1000\nram = \"14 GB\"\n[loads.l]",
    );
    let (o, rec) = run_with_outages(
        &text,
        vec![Outage {
            host: 0,
            start: 3_600_000,
            end: 4_200_000,
        }],
    );
    let f = o.summary.failures.unwrap();
    assert_eq!((f.failures, f.repairs, f.restarts), (1, 1, 1));
    assert_eq!(f.restarts_waited, 1);
    // Repaired at 4200 s, booted at once for the waiting VM (boot time 120 s by default is
    // added): the restart is later than the delay.
    assert!(f.restart_p99_s > 60.0, "{f:?}");
    let restarted = rec
        .failures
        .iter()
        .find(|r| r.event == "vm-restarted")
        .unwrap();
    assert_eq!(restarted.host, 0, "the repaired host takes it back");
    assert!(restarted.time_s > 4200.0);
}

/// Consolidation moves a VM from host 0 to host 1; its source fails mid-copy: the migration
/// is aborted (conflict `migration-source-failed`), the VM stopped and restarted. A second
/// run fails the destination instead: `migration-destination-failed`, the VM keeps running.
#[test]
fn a_migration_whose_host_fails_is_aborted_and_counted() {
    // Two hosts each with one small VM: the under-loaded evacuation moves one of them. A
    // 6 GB VM over a 1 Gbit/s link takes about 50 s to copy.
    let text = two_hosts("[failures]\ntrace = \"x.csv\"\nrestart_delay = \"1m\"\n")
        .replace("count = 1\nload", "count = 2\nload")
        .replace("ram = \"2 GB\"", "ram = \"6 GB\"")
        .replace(
            "initial_placement = \"first-fit\"",
            "initial_placement = \"worst-fit\"",
        )
        .replace(
            "[policy.consolidation]\nenabled = false",
            "[policy.consolidation]\nenabled = true\nunderload_threshold = 0.5",
        )
        .replace("ram = \"16 GB\"", "ram = \"16 GB\"\nnetwork = \"1 Gbit/s\"")
        .replace("name = \"keep-on\"", "name = \"dvfs\"");
    let (plain, rec) = run_with_outages(&text, vec![]);
    let first = rec
        .migrations
        .first()
        .unwrap_or_else(|| panic!("no migration: {:?}", plain.summary.migrations));
    let mid = ((first.start_s + first.end_s) / 2.0 * 1000.0) as u64;
    // Worst fit put one VM on each host: the source holds the migrating VM, the destination
    // the other one.
    let other = 1 - first.vm;
    for (host, kind, stopped) in [
        (first.source, "migration-source-failed", first.vm),
        (first.destination, "migration-destination-failed", other),
    ] {
        let (o, rec) = run_with_outages(
            &text,
            vec![Outage {
                host,
                start: mid,
                end: mid + 600_000,
            }],
        );
        let f = o.summary.failures.unwrap();
        assert_eq!(f.migrations_aborted, 1, "{kind}");
        assert_eq!(o.summary.conflicts.by_kind[kind], 1);
        let row = rec.conflicts.iter().find(|c| c.kind == kind).unwrap();
        assert_eq!(
            (row.vm, row.host, row.destination),
            (Some(first.vm), Some(first.source), Some(first.destination))
        );
        assert_eq!(rec.migrations[0].outcome, "aborted");
        let stops: Vec<_> = rec
            .failures
            .iter()
            .filter(|r| r.event == "vm-stopped")
            .map(|r| r.vm)
            .collect();
        assert_eq!(stops, [Some(stopped)], "{kind}");
    }
}

/// Writes `scenario` and `files` in a fresh folder, runs it, and expects exit 2 with each of
/// `expected` on stderr and nothing written but the inputs.
fn refused(scenario: &str, files: &[(&str, &str)], expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), scenario).unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let out = run_in(
        tmp.path(),
        &["run", "s.toml", "--out", "out", "--no-charts"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(!tmp.path().join("out").exists(), "nothing may be written");
}

#[test]
fn bad_failure_traces_name_the_file_line_and_column() {
    let s = two_hosts("[failures]\ntrace = \"outages.csv\"\n");
    // Time going backwards.
    refused(
        &s,
        &[(
            "outages.csv",
            "host,start_s,end_s\n0,3600,4000\n1,100,200\n",
        )],
        &[
            "failures.trace",
            "outages.csv",
            "line 3, column `start_s`",
            "order of start_s",
        ],
    );
    // A host the scenario does not have.
    refused(
        &s,
        &[("outages.csv", "host,start_s,end_s\n7,3600,4000\n")],
        &["line 2, column `host`", "unknown host 7", "ids 0 to 1"],
    );
    // A repair no later than the failure: a time to repair of zero.
    refused(
        &s,
        &[("outages.csv", "host,start_s,end_s\n0,3600,3600\n")],
        &["line 2, column `end_s`", "must come after the failure"],
    );
    // Racks fail only where the scenario has racks, and only the racks it has.
    refused(
        &s,
        &[("outages.csv", "rack,start_s,end_s\n0,3600,4000\n")],
        &["line 1, column `rack`", "need `[racks]`"],
    );
    let with_racks = two_hosts(
        "[racks]\nhosts_per_rack = 1\nswitch = { watts = 150 }\n[failures]\ntrace = \"outages.csv\"\n",
    );
    refused(
        &with_racks,
        &[("outages.csv", "rack,start_s,end_s\nrack-3,3600,4000\n")],
        &[
            "line 2, column `rack`",
            "unknown rack \"rack-3\"",
            "\"rack-1\", \"rack-2\"",
        ],
    );
}

#[test]
fn bad_failure_models_are_refused_at_their_key() {
    let model = |ttr: &str| {
        two_hosts("").replace(
            "power = {",
            &format!(
                "failure = {{ time_to_failure = {{ distribution = \"exponential\", mean = \"30d\" }}, time_to_repair = {ttr} }}\npower = {{"
            ),
        )
    };
    // A mean time to repair of zero.
    refused(
        &model("{ distribution = \"exponential\", mean = 0 }"),
        &[],
        &[
            "s.toml",
            "hosts[0].failure.time_to_repair.mean",
            "longer than 0 s",
        ],
    );
    refused(
        &model("{ distribution = \"weibull\", shape = 0, scale = \"4h\" }"),
        &[],
        &["hosts[0].failure.time_to_repair.shape"],
    );
    refused(
        &model("{ distribution = \"gamma\", mean = \"4h\" }"),
        &[],
        &["hosts[0].failure", "gamma"],
    );
    // The cloudsim profile has no failures.
    refused(
        &two_hosts("[failures]\nrestart_delay = \"1m\"\n")
            .replace("[simulation]\n", "[simulation]\nprofile = \"cloudsim\"\n"),
        &[],
        &["failures", "needs the realistic profile"],
    );
}

/// Every output file of `dir` but the charts and reports, by name.
fn data_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.ends_with(".csv") || n == "summary.json"
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A small consolidating scenario with noise and random selection (draws on other streams).
fn noisy(extra: &str) -> String {
    two_hosts(extra)
        .replace("count = 2\ncores", "count = 4\ncores")
        .replace("count = 1\nload", "count = 6\nload")
        .replace(
            "level = 0.45",
            "level = 0.3\nnoise = { distribution = \"normal\", sd = 0.05 }",
        )
        .replace(
            "[policy.consolidation]\nenabled = false",
            "[policy.consolidation]\nenabled = true\nselection = \"rs\"\nunderload_threshold = 0.3",
        )
        .replace("name = \"keep-on\"", "name = \"dvfs\"")
}

/// Failures on their own stream: a model that never fires within the run (a mean time to
/// failure of ten years, seed fixed) leaves every output as without failures, but for the
/// failure columns at the end of the timeseries and the `failures` block; and the same seed
/// gives the same bytes twice.
#[test]
fn failures_that_never_fire_change_nothing_else_and_runs_repeat() {
    let never = "failure = { time_to_failure = { distribution = \"weibull\", shape = 1.5, scale = \"3650d\" }, time_to_repair = { distribution = \"exponential\", mean = \"4h\" } }\npower = {";
    let run = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let out = dir.path().join("out");
        run_ok(&dir.path().join("s.toml"), &out, &["--no-charts"]);
        (dir, data_files(&out))
    };
    let (_a, plain) = run(&noisy(""));
    let with = noisy("").replace("power = {", never);
    let (_b, failing) = run(&with);
    let (_c, again) = run(&with);
    assert_eq!(failing, again, "same scenario and seed, same bytes");
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let mut expected = names(&plain);
    expected.push("failures.csv".into());
    expected.sort();
    assert_eq!(names(&failing), expected);
    for ((name, a), (_, b)) in plain
        .iter()
        .zip(failing.iter().filter(|(n, _)| n != "failures.csv"))
    {
        let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        match name.as_str() {
            "timeseries.csv" | "baseline_timeseries.csv" => {
                for (la, lb) in a.lines().zip(b.lines()) {
                    assert!(lb.starts_with(la), "{name}: {la} vs {lb}");
                    let extra = &lb[la.len()..];
                    assert!(
                        extra == ",hosts_failed,vms_down" || extra == ",0,0",
                        "{name}: {extra}"
                    );
                }
            }
            "summary.json" => {
                let mut vb: serde_json::Value = serde_json::from_str(&b).unwrap();
                let va: serde_json::Value = serde_json::from_str(&a).unwrap();
                let f = vb.as_object_mut().unwrap().remove("failures").unwrap();
                assert_eq!(f["failures"], 0);
                assert_eq!(va, vb);
            }
            _ => assert_eq!(a, b, "{name}"),
        }
    }
}

/// `--format both`: `failures.parquet` holds the columns and rows of `failures.csv` (empty
/// cells as nulls).
#[test]
fn the_failures_table_has_a_parquet_twin() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, two_hosts("[failures]\ntrace = \"o.csv\"\n")).unwrap();
    std::fs::write(
        dir.path().join("o.csv"),
        "host,start_s,end_s\n0,3600,4000\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&scenario, &out, &["--format", "both", "--no-charts"]);
    let (header, rows) = read_csv(&out.join("failures.csv"));
    let reader =
        SerializedFileReader::new(std::fs::File::open(out.join("failures.parquet")).unwrap())
            .unwrap();
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(names, header);
    let parquet: Vec<Vec<String>> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .into_columns()
                .into_iter()
                .map(|(_, f)| match f {
                    Field::Null => String::new(),
                    Field::Long(v) => v.to_string(),
                    Field::Double(v) => format!("{v:?}"),
                    Field::Str(s) => s,
                    other => panic!("unexpected {other:?}"),
                })
                .collect()
        })
        .collect();
    // Failure, stop, restart (a minute later, the default delay), repair.
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(parquet, rows);
}

/// A VM stopped 10 s before the end, with a 2-minute restart delay, is still down at the end:
/// it counts as waiting at the end (ended + waiting + running = arrived) but not as unplaced
/// (it ran), and its downtime runs to the end (10 s).
#[test]
fn a_vm_down_at_the_end_is_waiting_but_not_unplaced() {
    let (o, _) = run_with_outages(
        &two_hosts("[failures]\ntrace = \"x.csv\"\nrestart_delay = \"2m\"\n"),
        vec![Outage {
            host: 0,
            start: 7_190_000,
            end: 8_000_000,
        }],
    );
    let v = &o.summary.vms;
    assert_eq!((v.waiting_at_end, v.unplaced, v.running_at_end), (1, 0, 0));
    let f = o.summary.failures.unwrap();
    assert_eq!((f.vm_stops, f.restarts, f.vms_down_at_end), (1, 0, 1));
    close(f.downtime_vm_hours, 10.0 / 3600.0);
}

/// A rack's failure (issue 21 item 3) in closed form: the two hosts in racks of one, rack-1
/// (host 0) down from 1 h in a `rack` trace: the VM restarts on host 1 after the 120 s delay
/// as in the host case, and rack-1's switch goes dark with its failed host. Switches of
/// 150 W: rack-1 on for 3600 s, rack-2 for 7200 s: 150 x 10,800 s = 0.45 kWh.
#[test]
fn a_failed_rack_stops_its_hosts_and_its_switch() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    let racks = "[racks]\nhosts_per_rack = 1\nswitch = { watts = 150 }\n";
    let failures = "[failures]\ntrace = \"racks.csv\"\nrestart_delay = \"2m\"\n";
    std::fs::write(&scenario, two_hosts(&format!("{racks}{failures}"))).unwrap();
    std::fs::write(
        dir.path().join("racks.csv"),
        "rack,start_s,end_s\nrack-1,3600,9000\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&scenario, &out, &["--no-charts"]);
    let s = summary(&out);
    assert_eq!(num(&s, "failures.failures"), 1.0);
    assert_eq!(num(&s, "failures.restarts"), 1.0);
    close(num(&s, "failures.restart_p99_s"), 120.0);
    close(num(&s, "racks.switch_kwh"), 150.0 * 10_800.0 / 3.6e6);
    let hosts = column(&out.join("failures.csv"), "host");
    assert_eq!(hosts, [0.0, 0.0, 1.0]);
}

/// A rack failure model fails every host of a rack at once, from its own substream: with
/// racks of two hosts and no host model, each failure time holds both hosts of one rack.
#[test]
fn a_rack_failure_model_fails_whole_racks() {
    let text = two_hosts(
        "[racks]\nhosts_per_rack = 2\nswitch = { watts = 150 }\n[failures]\nracks = { time_to_failure = { distribution = \"exponential\", mean = \"20m\" }, time_to_repair = { distribution = \"exponential\", mean = \"10m\" } }\n",
    )
    .replace("count = 2\ncores", "count = 4\ncores");
    let setup = scenario::load(&text, "racks.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut rec = MemoryRecorder::default();
    let o = sim::run_checked(&setup, &mut rec).unwrap();
    let failed: Vec<(f64, usize)> = rec
        .failures
        .iter()
        .filter(|r| r.event == "host-failed")
        .map(|r| (r.time_s, r.host))
        .collect();
    assert!(failed.len() >= 4, "a 20-minute mean over 2 h: {failed:?}");
    for pair in failed.chunks(2) {
        assert_eq!(pair.len(), 2, "{failed:?}");
        assert_eq!(pair[0].0, pair[1].0, "{failed:?}");
        assert_eq!(pair[0].1 / 2, pair[1].1 / 2, "one rack: {failed:?}");
    }
    assert_eq!(o.summary.failures.unwrap().failures, failed.len() as u64);
    // Racks fail only where there are racks.
    let e = scenario::load(
        &two_hosts("[failures]\nracks = { time_to_failure = { distribution = \"exponential\", mean = \"20m\" }, time_to_repair = { distribution = \"exponential\", mean = \"10m\" } }\n"),
        "norack.toml",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("failures.racks") && e.contains("[racks]"), "{e}");
}
