//! Replicated services through the binary: a crontab schedule and an autoscaler on a
//! constant load, with replica hours and unserved demand worked out by hand, and the bundled
//! crontab-vs-autoscaler scenario.

mod common;
use common::*;

/// Ample always-on capacity; a service of up to 20 one-vCPU replicas whose total demand is a
/// constant 25 % of 20 busy replicas = 5 busy replicas.
const SERVICE: &str = r#"
version = 1

[simulation]
name = "service"
duration = "1d"
control_interval = "5m"

[[hosts]]
class = "h"
count = 4
cores = 16
ram = "64 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }

[[vm_types]]
name = "replica"
vcpus = 1
ram = "1 GB"

[loads.flat]
shape = "constant"
level = 0.25

[[services]]
name = "web"
type = "replica"
load = "flat"
min_replicas = 1
max_replicas = 20
scaling = "schedule"
schedule = [{ at = "22:00", replicas = 4 }, { at = "07:00", replicas = 20 }]

[services.autoscale]
target = 0.5

[policy.consolidation]
enabled = false

[policy.power]
name = "keep-on"
"#;

fn run_service(extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("service.toml");
    std::fs::write(&scenario, SERVICE).unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["--no-baseline"];
    args.extend_from_slice(extra);
    run_ok(&scenario, &out, &args);
    summary(&out)["services"]["web"].clone()
}

fn f(v: &serde_json::Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

#[test]
fn crontab_schedule_sets_replicas_by_time_of_day() {
    let web = run_service(&[]);
    // Monday 00:00 starts with the 22:00 count (4): 4 replicas for 00-07 h and 22-24 h, 20
    // for 07-22 h: (7 x 4 + 15 x 20 + 2 x 4) / 24 = 14 replicas, 336 replica-hours.
    assert_eq!(web["scaling"], "schedule");
    assert!((f(&web, "mean_replicas") - 14.0).abs() < 1e-9);
    assert!((f(&web, "replica_hours") - 336.0).abs() < 1e-9);
    assert_eq!(
        (web["min_replicas"].as_u64(), web["max_replicas"].as_u64()),
        (Some(4), Some(20))
    );
    assert_eq!(
        (web["scale_ups"].as_u64(), web["scale_downs"].as_u64()),
        (Some(1), Some(1))
    );
    // Demand 5 busy replicas all day = 120; at night 4 replicas serve 4: 1 x 9 h unserved.
    assert!((f(&web, "demand_replica_hours") - 120.0).abs() < 1e-9);
    assert!((f(&web, "unserved_replica_hours") - 9.0).abs() < 1e-9);
    assert!((f(&web, "unserved_fraction") - 0.075).abs() < 1e-12);
}

#[test]
fn autoscaler_settles_at_demand_over_target() {
    let web = run_service(&["--set", "services.0.scaling=autoscale"]);
    // Starts at max (20) with 5 / 20 = 25 % each; the first decision, at 300 s, asks for
    // ceil(20 x 0.25 / 0.5) = 10; then 5 / 10 = 50 % = target: no change.
    // Replica-hours: (20 x 300 + 10 x 86,100) / 3600 = 240.8333.
    assert_eq!(web["scaling"], "autoscale");
    assert!((f(&web, "replica_hours") - 867_000.0 / 3600.0).abs() < 1e-9);
    assert_eq!(
        (web["min_replicas"].as_u64(), web["max_replicas"].as_u64()),
        (Some(10), Some(20))
    );
    assert_eq!(
        (web["scale_ups"].as_u64(), web["scale_downs"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(f(&web, "unserved_fraction"), 0.0);
}

#[test]
fn fixed_replicas_never_change() {
    let web = run_service(&["--set", "services.0.scaling=fixed"]);
    assert_eq!(f(&web, "mean_replicas"), 20.0);
    assert_eq!(f(&web, "replica_hours"), 480.0);
    assert_eq!(f(&web, "unserved_fraction"), 0.0);
}

#[test]
fn bundled_crontab_vs_autoscaler_both_save_against_fixed_replicas() {
    let scenario = root().join("scenarios/nightly-scale-down.toml");
    let dir = tempfile::tempdir().unwrap();
    let run = |mode: &str| {
        let out = dir.path().join(mode);
        let set = format!("services.0.scaling={mode}");
        run_ok(&scenario, &out, &["--no-baseline", "--set", &set]);
        summary(&out)
    };
    let (cron, auto, fixed) = (run("schedule"), run("autoscale"), run("fixed"));
    let kwh = |s: &serde_json::Value| s["energy"]["it_kwh"].as_f64().unwrap();
    let web = |s: &serde_json::Value| s["services"]["web"].clone();
    // Scaling down at night saves energy against 40 replicas all day, whichever way.
    assert!(
        kwh(&cron) < kwh(&fixed),
        "{} vs {}",
        kwh(&cron),
        kwh(&fixed)
    );
    assert!(
        kwh(&auto) < kwh(&fixed),
        "{} vs {}",
        kwh(&auto),
        kwh(&fixed)
    );
    // The crontab's 8 night replicas are too few for the late evening (at 22:00 the
    // sinusoid is at 0.1 + 0.6 x (1 - 0.5) / 2 = 25 % of 40 = 10 busy replicas); the
    // autoscaler follows demand and leaves less unserved.
    assert!(f(&web(&cron), "unserved_fraction") > 0.0);
    assert!(f(&web(&auto), "unserved_fraction") < f(&web(&cron), "unserved_fraction"));
    assert_eq!(f(&web(&fixed), "replica_hours"), 40.0 * 48.0);
}

#[test]
fn validate_counts_services_and_teams_besides_the_vm_groups() {
    // nightly-scale-down has 8 VMs in groups and a service `web` of 4 to 40 replicas;
    // exercise-2 has 4,030 VMs in groups and five teams requesting more.
    let out = run_args(&[
        "validate",
        "scenarios/nightly-scale-down.toml",
        "scenarios/exercise-2.toml",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("24 hosts, 8 VMs + service web (4-40 replicas), 2 days simulated"),
        "{text}"
    );
    assert!(
        text.contains("1050 hosts, 4030 VMs + requests from 5 teams, 3 days simulated"),
        "{text}"
    );
}
