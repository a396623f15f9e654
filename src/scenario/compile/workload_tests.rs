//! Tests of the workload sections (`[requests]`, `[[teams]]`, `[[services]]`, trace groups),
//! through [`crate::scenario::load`] on one base scenario.

use crate::scenario::load;

const BASE: &str = r#"
version = 1
[simulation]
name = "w"
[[hosts]]
class = "h"
count = 2
cores = 8
ram = "32 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"
[loads.flat]
shape = "constant"
level = 0.5
[requests]
queue = "fifo"
[[teams]]
name = "a"
day_rate = 1
batch_max = 5
types = ["vm"]
load = "flat"
[[services]]
name = "s"
type = "vm"
load = "flat"
max_replicas = 4
scaling = "schedule"
schedule = [{ at = "22:00", replicas = 1 }, { at = "07:00", replicas = 4, days = ["weekdays"] }]
"#;

/// The key and message of the error after replacing `from` by `to` in the base.
fn error(from: &str, to: &str) -> (String, String) {
    let text = BASE.replacen(from, to, 1);
    assert_ne!(text, BASE, "{from:?} is in the base scenario");
    let e = load(&text, "w.toml", &[]).unwrap_err();
    (e.key.unwrap_or_default(), e.message)
}

#[test]
fn the_base_compiles_with_teams_and_a_schedule_and_no_vms() {
    let setup = load(BASE, "w.toml", &[]).unwrap();
    assert_eq!(setup.requests.teams[0].batch_min, 1);
    // Monday 00:00: the 22:00 entry (1 replica) is in force.
    assert_eq!(setup.services[0].initial, 1);
    assert_eq!(setup.vm_count(), 0);
}

#[test]
fn request_settings_are_checked() {
    let (k, m) = error("queue = \"fifo\"", "queue = \"lifo\"");
    assert_eq!(k, "requests.queue");
    assert!(m.contains("valid: \"fifo\", \"priority\""), "{m}");
    let (k, m) = error("batch_max = 5", "batch_max = 5\nbatch_min = 6");
    assert_eq!(k, "teams[0].batch_max");
    assert!(m.contains("at least batch_min (6)"), "{m}");
    let (k, _) = error("types = [\"vm\"]", "types = [\"vm\"]\nweights = [1, 2]");
    assert_eq!(k, "teams[0].weights");
    let (k, _) = error("types = [\"vm\"]", "types = [\"xl\"]");
    assert_eq!(k, "teams[0].types[0]");
    let (k, _) = error("day_rate = 1", "day_rate = -1");
    assert_eq!(k, "teams[0].day_rate");
    let (k, _) = error(
        "load = \"flat\"\n[[services]]",
        "load = \"flat\"\nlifetime = { distribution = \"uniform\", min = \"2h\", max = \"1h\" }\n[[services]]",
    );
    assert_eq!(k, "teams[0].lifetime.max");
}

#[test]
fn service_settings_are_checked() {
    let (k, m) = error("replicas = 1 }", "replicas = 9 }");
    assert_eq!(k, "services[0].schedule[0].replicas");
    assert!(
        m.contains("between min_replicas (1) and max_replicas (4)"),
        "{m}"
    );
    let (k, m) = error("[\"weekdays\"]", "[\"someday\"]");
    assert_eq!(k, "services[0].schedule[1].days");
    assert!(m.contains("unknown day \"someday\""), "{m}");
    let (k, _) = error("scaling = \"schedule\"", "scaling = \"cron\"");
    assert_eq!(k, "services[0].scaling");
    let (k, _) = error(
        "scaling = \"schedule\"",
        "scaling = \"autoscale\"\nmin_replicas = 0",
    );
    assert_eq!(k, "services[0].min_replicas");
    let (k, _) = error(
        "scaling = \"schedule\"",
        "scaling = \"autoscale\"\nautoscale = { target = 1.5 }",
    );
    assert_eq!(k, "services[0].autoscale.target");
    let (k, _) = error("max_replicas = 4", "max_replicas = 4\nidle = 1.0");
    assert_eq!(k, "services[0].idle");
}

#[test]
fn trace_groups_need_one_way_to_get_types() {
    let traced = BASE.to_string()
        + "[traces.t]\nformat = \"planetlab\"\npath = \"d\"\n[[vms]]\ntrace = \"t\"\n";
    let e = load(&traced, "w.toml", &[]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("vms[0].type"));
    assert!(e.message.contains("exactly one of"), "{e}");
    let e = load(
        &(traced.clone() + "type = \"vm\"\ntypes = [\"vm\"]\n"),
        "w.toml",
        &[],
    )
    .unwrap_err();
    assert!(e.message.contains("exactly one of"), "{e}");
    let e = load(
        &(traced.clone() + "type_by = \"colour\"\ntype_map = { a = \"vm\" }\n"),
        "w.toml",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.key.as_deref(), Some("vms[0].type_by"));
    let e = load(&(traced + "types = [\"vm\"]\nstart = 60\n"), "w.toml", &[]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("vms[0].start"));
    let curve =
        BASE.to_string() + "[[vms]]\ntype = \"vm\"\ncount = 1\nload = \"flat\"\ntypes = [\"vm\"]\n";
    let e = load(&curve, "w.toml", &[]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("vms[0].types"));
    let interval =
        BASE.to_string() + "[traces.t]\nformat = \"azure\"\npath = \"d\"\ninterval = \"5m\"\n";
    let e = load(&interval, "w.toml", &[]).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("traces.t.interval"));
}
