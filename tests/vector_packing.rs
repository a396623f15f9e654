//! Vector packing: the vector placement policies by name, consolidation that judges over-load
//! and under-load on every dimension (`policy.consolidation.dimensions = "all"`), a small
//! memory-bound fleet shaped like `scenarios/exercise-3.toml` run under `--check`, and the
//! settings the `cloudsim` profile refuses.

mod common;

use common::*;

/// Two hosts of 4 cores and 100 GB, both kept on; three VMs of 1 vCPU and 30 GB at 20 % of
/// their CPU, all placed on host 0 by size (first fit: 90 GB of RAM there, 15 % of its CPU).
/// THR at 80 %, first-fit destinations.
const RAM_BOUND: &str = r#"
version = 1
[simulation]
name = "ram-bound"
duration = "2h"
control_interval = "5m"
[[hosts]]
class = "h"
count = 2
cores = 4
core_mips = 1000
ram = "100 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "30 GB"
[[vms]]
type = "vm"
count = 3
load = "low"
[loads.low]
shape = "constant"
level = 0.2
[policy]
initial_placement = "first-fit"
initial_fit = "size"
[policy.consolidation]
overload = "thr"
overload_param = 0.8
selection = "mmt"
placement = "first-fit"
underload_threshold = 0.5
dimensions = "DIMENSIONS"
[policy.power]
name = "spare-capacity"
headroom = 0
min_hosts_on = 2
"#;

/// By CPU alone host 0 (15 %) is under-loaded, not over-loaded, and its VMs have no busier
/// host to go to (host 1 is empty): no migration. On every dimension its RAM (90 %) passes
/// the 80 % ceiling: one VM moves to host 1 (30 %), leaving 60 % on host 0. Host 1 is then
/// under-loaded (fullest dimension 30 %) but its VM would take host 0 to 90 % RAM, above the
/// ceiling, so it stays: exactly one migration in the two hours.
#[test]
fn ram_above_the_ceiling_over_loads_a_host_only_when_every_dimension_is_judged() {
    let (cpu, _) = simulate(&RAM_BOUND.replace("DIMENSIONS", "cpu"));
    assert_eq!(cpu.summary.migrations.count, 0);
    let (all, _) = simulate(&RAM_BOUND.replace("DIMENSIONS", "all"));
    assert_eq!(all.summary.migrations.count, 1);
    assert_eq!(all.hosts[0].migrations_out, 1);
    assert_eq!(all.hosts[1].migrations_in, 1);
}

/// `scenarios/exercise-3.toml` shrunk to 21 hosts and 132 VMs over one day.
const SMALL_EXERCISE_3: &[&str] = &[
    "hosts.0.count=2",
    "hosts.1.count=4",
    "hosts.2.count=6",
    "hosts.3.count=5",
    "hosts.4.count=1",
    "hosts.5.count=3",
    "vms.0.count=60",
    "vms.1.count=30",
    "vms.2.count=24",
    "vms.3.count=12",
    "vms.4.count=6",
    "policy.power.min_hosts_on=2",
    "simulation.duration=\"1d\"",
];

/// Runs the small exercise 3 under `--check` (every invariant after every event) with
/// `placement` for both initial placement and consolidation; returns its summary.
fn small_exercise_3(placement: &str, dimensions: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let initial = format!("policy.initial_placement=\"{placement}\"");
    let consolidation = format!("policy.consolidation.placement=\"{placement}\"");
    let dims = format!("policy.consolidation.dimensions=\"{dimensions}\"");
    let mut args = vec!["--no-charts", "--check"];
    for s in SMALL_EXERCISE_3.iter().copied().chain([
        initial.as_str(),
        consolidation.as_str(),
        dims.as_str(),
    ]) {
        args.extend(["--set", s]);
    }
    run_ok(&root().join("scenarios/exercise-3.toml"), &out, &args);
    summary(&out)
}

/// Every vector policy runs a memory-bound fleet with every invariant checked, serves the
/// whole workload, and packs at night within the ratio the docs state for the full scenario's
/// order of magnitude.
#[test]
fn vector_policies_run_a_small_memory_bound_fleet_under_check() {
    for placement in ["dot-product", "cosine", "l2-norm"] {
        let s = small_exercise_3(placement, "all");
        assert_eq!(num(&s, "vms.waiting_at_end"), 0.0, "{placement}");
        let night = num(&s, "packing.night_ratio");
        assert!(night >= 1.0, "{placement}: {night} below the bound");
    }
}

#[test]
fn an_unknown_placement_lists_the_vector_policies() {
    rejects(
        &RAM_BOUND.replace("DIMENSIONS", "cpu").replace(
            "placement = \"first-fit\"\nunder",
            "placement = \"dot\"\nunder",
        ),
        &[],
        &[
            "policy.consolidation.placement",
            "\"dot-product\", \"cosine\" or \"l2-norm\"",
        ],
    );
}

#[test]
fn dimensions_take_cpu_or_all_and_the_cloudsim_profile_refuses_all() {
    rejects(
        &RAM_BOUND.replace("DIMENSIONS", "ram"),
        &[],
        &[
            "s.toml:35:14: policy.consolidation.dimensions",
            "expected `cpu` or `all`",
        ],
    );
    rejects(
        &RAM_BOUND.replace("DIMENSIONS", "all"),
        &[
            "--set",
            "simulation.profile=\"cloudsim\"",
            "--set",
            "migration.preset=\"cloudsim\"",
        ],
        &[
            "policy.consolidation.dimensions",
            "must be \"cpu\" under the cloudsim profile",
        ],
    );
}
