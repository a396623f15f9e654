//! End-to-end runs of the binary on bundled scenarios: outputs, savings, determinism.

mod common;
use common::*;
use std::fs;

#[test]
fn night_consolidation_saves_energy_and_powers_hosts_down_at_night() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/night-consolidation.toml");
    let out = run_in(
        tmp.path(),
        &["run", scenario.to_str().unwrap(), "--out", "run", "--check"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tmp.path().join("run");
    for f in [
        "summary.json",
        "timeseries.csv",
        "migrations.csv",
        "conflicts.csv",
        "hosts.csv",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let s = summary(&dir);
    // Spare-capacity with consolidation uses clearly less than the always-on baseline.
    assert!(
        num(&s, "savings.energy_fraction") > 0.2,
        "saving {}",
        num(&s, "savings.energy_fraction")
    );
    assert!(num(&s, "energy.it_kwh") < num(&s, "baseline.it_kwh"));
    assert!(num(&s, "hosts.shutdowns") > 0.0 && num(&s, "hosts.boots") > 0.0);
    assert!(num(&s, "migrations.count") > 0.0);

    // Hosts are off at night and booted for the afternoon peak (time 0 is Monday 00:00).
    let ts = dir.join("timeseries.csv");
    let (time, on, off) = (
        column(&ts, "time_s"),
        column(&ts, "hosts_on"),
        column(&ts, "hosts_off"),
    );
    let at = |hour: f64| time.iter().position(|&t| t == hour * 3600.0).unwrap();
    assert!(off[at(4.0)] > 100.0, "hosts off at 04:00: {}", off[at(4.0)]);
    assert!(
        on[at(14.0)] > on[at(4.0)] + 20.0,
        "hosts on at 14:00 ({}) vs 04:00 ({})",
        on[at(14.0)],
        on[at(4.0)]
    );
    assert!(
        on[at(28.0)] < on[at(14.0)],
        "hosts go off again the next night"
    );

    // The human summary states the saving.
    assert!(stdout(&out).contains("vs always-on"), "{}", stdout(&out));
}

#[test]
fn same_scenario_and_seed_give_byte_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/night-consolidation.toml");
    let scenario = scenario.to_str().unwrap();
    for dir in ["a", "b"] {
        let out = run_in(
            tmp.path(),
            &[
                "run",
                scenario,
                "--out",
                dir,
                "--set",
                "simulation.duration=\"1d\"",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let files: Vec<_> = fs::read_dir(tmp.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(files.len() >= 5);
    for f in files {
        let a = fs::read(tmp.path().join("a").join(&f)).unwrap();
        let b = fs::read(tmp.path().join("b").join(&f)).unwrap();
        assert!(a == b, "{f:?} differs between two runs");
    }
    // A different seed changes the noisy load, hence the outputs.
    let out = run_in(
        tmp.path(),
        &[
            "run",
            scenario,
            "--out",
            "c",
            "--seed",
            "7",
            "--set",
            "simulation.duration=\"1d\"",
        ],
    );
    assert!(out.status.success());
    assert_ne!(
        fs::read(tmp.path().join("a/timeseries.csv")).unwrap(),
        fs::read(tmp.path().join("c/timeseries.csv")).unwrap()
    );
}

#[test]
fn every_bundled_scenario_validates() {
    let mut paths: Vec<_> = fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 2);
    let mut args = vec!["validate".to_string()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let out = nightshift().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_existing_output_folder_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/exercise-1.toml");
    let scenario = scenario.to_str().unwrap();
    fs::create_dir(tmp.path().join("taken")).unwrap();
    fs::write(tmp.path().join("taken/notes.txt"), "mine").unwrap();
    // An earlier run's folder (one without any file nightshift writes is never replaced:
    // tests/output_safety.rs).
    fs::write(tmp.path().join("taken/summary.json"), "{}").unwrap();
    let out = run_in(tmp.path(), &["run", scenario, "--out", "taken", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(tmp.path().join("taken/notes.txt").exists());
    let out = run_in(
        tmp.path(),
        &["run", scenario, "--out", "taken", "-q", "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!tmp.path().join("taken/notes.txt").exists());
    assert!(tmp.path().join("taken/summary.json").exists());
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_output_folder_that_cannot_be_created_is_reported_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/exercise-1.toml");
    let scenario = scenario.to_str().unwrap();
    fs::write(tmp.path().join("a-file"), "not a folder").unwrap();
    let out = run_in(tmp.path(), &["run", scenario, "--out", "a-file/run", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a-file is a file, not a folder"),
        "{}",
        stderr(&out)
    );
    // /proc takes no new folders, even for root.
    let out = run_in(
        tmp.path(),
        &["run", scenario, "--out", "/proc/nightshift-test/run", "-q"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/proc/nightshift-test/run: cannot create"),
        "{}",
        stderr(&out)
    );
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("a-file")],
        "nothing half-written is left"
    );
}

/// A write that fails part-way (here the shell's file-size limit, with the signal it sends
/// ignored, so that writes fail with EFBIG as they would with ENOSPC on a full disk): exit 1,
/// the folder the user asked for named, and neither it nor the staging folder left behind.
#[cfg(unix)]
#[test]
fn a_write_that_fails_part_way_leaves_nothing_and_names_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/exercise-1.toml");
    // Files of at most 4 blocks of 512 bytes: a week of 5-minute rows is far more.
    let script = format!(
        "ulimit -f 4; trap '' XFSZ; exec '{}' run '{}' --out out --no-charts -q",
        env!("CARGO_BIN_EXE_nightshift"),
        scenario.display()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .current_dir(tmp.path())
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("out: cannot write outputs: File too large"),
        "{}",
        stderr(&out)
    );
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing half-written is left: {left:?}");
}
