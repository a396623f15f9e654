//! The reference reproduction: CloudSim 3.0.3's PlanetLab consolidation study on 20110303,
//! run from `scenarios/reference/` under the `cloudsim` profile, against the numbers CloudSim
//! printed (`scenarios/reference/cloudsim-3.0.3-20110303.csv`). The bounds are those of the
//! validation: energy within 1 %, migrations within 5 %, SLATAH and PDM within 10 %.
//!
//! NPA, DVFS, THR-MMT-0.8 and LR-MMT-1.2 (the regression detector with VM histories) take
//! about 0.3, 0.3, 3 and 6 s in a debug build; they run in parallel.

mod common;

use common::{num, root, run_ok, summary};
use std::collections::BTreeMap;

/// CloudSim's figures by policy name: energy (kWh), migrations, SLATAH, PDM.
fn cloudsim() -> BTreeMap<String, [f64; 4]> {
    let path = root().join("scenarios/reference/cloudsim-3.0.3-20110303.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (p, e, m, s, d) = (
        col("policy"),
        col("energy_kwh"),
        col("migrations"),
        col("slatah"),
        col("pdm"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let f = |i: usize| rec[i].parse::<f64>().unwrap();
            (rec[p].to_string(), [f(e), f(m), f(s), f(d)])
        })
        .collect()
}

/// Runs `scenarios/reference/<file>.toml` and returns energy, migrations, SLATAH and PDM.
fn ours(file: &str) -> [f64; 4] {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = root().join(format!("scenarios/reference/{file}.toml"));
    run_ok(
        &scenario,
        &out,
        &["--no-baseline", "--no-charts", "--no-host-utilisation"],
    );
    let s = summary(&out);
    [
        num(&s, "energy.it_kwh"),
        num(&s, "migrations.count"),
        num(&s, "sla.slatah"),
        num(&s, "sla.pdm"),
    ]
}

fn within(what: &str, policy: &str, ours: f64, theirs: f64, bound: f64) {
    let ok = if theirs == 0.0 {
        ours == 0.0
    } else {
        ((ours - theirs) / theirs).abs() <= bound
    };
    assert!(
        ok,
        "{policy}: {what} {ours} vs CloudSim's {theirs} (bound {} %)",
        bound * 100.0
    );
}

#[test]
fn cloudsim_profile_reproduces_cloudsims_figures_on_20110303() {
    let reference = cloudsim();
    let runs = [
        ("npa", "NPA"),
        ("dvfs", "DVFS"),
        ("thr-mmt-0.8", "THR-MMT-0.8"),
        ("lr-mmt-1.2", "LR-MMT-1.2"),
    ];
    let results: Vec<[f64; 4]> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(file, _)| scope.spawn(move || ours(file)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // NPA is every host at its peak power (400 x 117 W + 400 x 135 W) from 0 to CloudSim's
    // last update at 86,100.1 s: 2410.8028 kWh, exactly.
    assert!((results[0][0] - 100_800.0 * 86_100.1 / 3.6e6).abs() < 1e-6);
    for ((_, policy), got) in runs.iter().zip(results) {
        let want = reference[*policy];
        within("energy (kWh)", policy, got[0], want[0], 0.01);
        within("migrations", policy, got[1], want[1], 0.05);
        within("SLATAH", policy, got[2], want[2], 0.10);
        within("PDM", policy, got[3], want[3], 0.10);
    }
}
