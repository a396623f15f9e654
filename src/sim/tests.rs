//! Hand-checked runs of the simulator: migration timing under both models, link sharing and
//! the per-host copy limit, migration costs (PDM, energy), and power states.

mod bound;
mod calm;
mod spread;

use super::Simulation;
use super::records::{MemoryRecorder, MigrationRow};
use crate::scenario;

/// Three hosts of 8 x 1000 MIPS on an 800 Mbit/s (100 MB/s) link, two 1-vCPU VMs of 1024 MB
/// at a constant half load, packed on host 0 by first fit; no consolidation, hosts always on.
/// `migration` is the `[migration]` table.
fn scenario(migration: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "unit"
duration = "1000s"
control_interval = "1000s"

[[hosts]]
class = "h"
count = 3
cores = 8
ram = "64 GB"
network = "800 Mbit/s"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[[vm_types]]
name = "vm"
vcpus = 1
ram = "1024 MB"

[[vms]]
type = "vm"
count = 2
load = "half"

[loads.half]
shape = "constant"
level = 0.5

[policy]
initial_placement = "first-fit"
consolidation = {{ enabled = false }}
power = {{ name = "keep-on" }}

[migration]
{migration}
"#
    )
}

const PRECOPY: &str = r#"model = "precopy"
dirty_rate = "25 MB/s"
max_downtime = "100ms"
"#;

/// Runs `text`, migrating VM `vm` to host `dst` for each pair at time 0.
fn run_with(text: &str, moves: &[(usize, usize)]) -> (MemoryRecorder, super::Outcome) {
    let setup = scenario::load(text, "unit.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let outcome = {
        let (mut sim, mut selection) = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        for &(vm, dst) in moves {
            sim.plan_migration(vm, dst);
        }
        sim.run(&mut selection);
        sim.finish()
    };
    (rec, outcome)
}

fn row(rec: &MemoryRecorder, vm: usize) -> &MigrationRow {
    rec.migrations.iter().find(|r| r.vm == vm).unwrap()
}

#[test]
fn precopy_alone_takes_the_hand_computed_time_and_downtime() {
    // 1024 MB at 100 MB/s while 25 MB/s get dirtied: rounds of 1024, 256, 64 and 16 MB
    // (10.24 + 2.56 + 0.64 + 0.16 s); the 4 MB dirtied last fit the 0.1 s downtime target and
    // go with the VM paused for 0.04 s. 13.64 s in all, 1364 MB sent.
    let (rec, _) = run_with(&scenario(PRECOPY), &[(0, 1)]);
    let r = row(&rec, 0);
    assert_eq!(r.outcome, "done");
    assert_eq!(r.duration_s, 13.64);
    assert_eq!(r.downtime_s, 0.04);
    assert_eq!(r.rounds, 4);
    assert!((r.data_mb - 1364.0).abs() < 1e-9, "{r:?}");
}

#[test]
fn two_precopies_sharing_a_link_each_take_longer_than_one_alone() {
    // Both leave host 0, so each gets half its link, 50 MB/s, and dirtying (25 MB/s) now
    // halves each round instead of quartering it: rounds of 20.48, 10.24, ..., 0.16 s
    // (1024 MB down to 8 MB, eight rounds), then 4 MB paused for 0.08 s: 40.88 s each.
    let (rec, _) = run_with(&scenario(PRECOPY), &[(0, 1), (1, 2)]);
    for vm in [0, 1] {
        let r = row(&rec, vm);
        assert_eq!(r.duration_s, 40.88, "{r:?}");
        assert_eq!(r.downtime_s, 0.08, "{r:?}");
        assert_eq!(r.rounds, 8, "{r:?}");
        assert!(r.duration_s > 13.64);
    }
}

#[test]
fn copy_limit_queues_the_second_migration_until_the_first_ends() {
    // One copy at a time per host: the second waits the first's 13.64 s, then runs alone.
    let text = scenario(&format!("{PRECOPY}max_concurrent = 1\n"));
    let (rec, outcome) = run_with(&text, &[(0, 1), (1, 2)]);
    assert_eq!(row(&rec, 0).duration_s, 13.64);
    let second = row(&rec, 1);
    assert_eq!((second.start_s, second.wait_s), (13.64, 13.64));
    assert_eq!(second.duration_s, 13.64);
    assert_eq!(outcome.summary.migrations.mean_wait_s, 6.82);
}

#[test]
fn simple_migrations_do_not_share_bandwidth() {
    // RAM over the link: 1024 MB / 100 MB/s = 10.24 s, concurrent or not; no downtime.
    let (rec, _) = run_with(&scenario("model = \"simple\"\n"), &[(0, 1), (1, 2)]);
    for vm in [0, 1] {
        let r = row(&rec, vm);
        assert_eq!((r.duration_s, r.downtime_s, r.rounds), (10.24, 0.0, 1));
    }
    // The cloudsim preset uses half the link: 20.48 s.
    let (rec, _) = run_with(&scenario("preset = \"cloudsim\"\n"), &[(0, 1)]);
    assert_eq!(row(&rec, 0).duration_s, 20.48);
}

#[test]
fn migration_costs_cpu_energy_and_performance_by_hand() {
    // Simple model, 10.24 s. The VM demands 500 MIPS (half of one 1000-MIPS vCPU); 10 %
    // overhead adds 50 MIPS on source and destination: 50 / 8000 of the 100 W dynamic range
    // = 0.625 W on each, for 10.24 s: 12.8 J. The default energy model adds 0.5 J per MB
    // sent (1024 MB: 512 J) and 20 J per migration: 544.8 J of migration energy.
    // PDM: the VM loses 10 % (50 MIPS) for 10.24 s = 512 MIPS s, over 2 VMs x 500 MIPS x
    // 1000 s requested = 1e6 MIPS s: 5.12e-4.
    let (_, outcome) = run_with(&scenario("model = \"simple\"\n"), &[(0, 1)]);
    let s = &outcome.summary;
    assert!(
        (s.energy.migration_kwh * 3.6e6 - 544.8).abs() < 1e-6,
        "{:?}",
        s.energy
    );
    assert!((s.sla.pdm - 5.12e-4).abs() < 1e-12, "{:?}", s.sla);
    // With the cloudsim preset only the destination pays (20.48 s x 0.625 W = 12.8 J again)
    // and, as in CloudSim, nothing per MB or per migration.
    let (_, outcome) = run_with(&scenario("preset = \"cloudsim\"\n"), &[(0, 1)]);
    assert!((outcome.summary.energy.migration_kwh * 3.6e6 - 12.8).abs() < 1e-6);
}

#[test]
fn migration_energy_is_fixed_plus_per_mb_times_data_split_as_configured() {
    // No CPU overhead, so migration energy is the energy model alone. Two simple migrations
    // of a 1024 MB VM out of host 0 (to hosts 1 and 2): 2 x (20 + 0.5 x 1024) = 1064 J.
    // With 75 % on the source, host 0 books 2 x 0.75 x 532 = 798 J, hosts 1 and 2 each
    // 0.25 x 532 = 133 J. Energy parts still sum to the total.
    let text =
        scenario("model = \"simple\"\ncpu_overhead = 0\n[migration.energy]\nsource_share = 0.75\n");
    let (rec, outcome) = run_with(&text, &[(0, 1), (1, 2)]);
    assert_eq!(rec.migrations.len(), 2);
    let e = &outcome.summary.energy;
    assert!((e.migration_kwh * 3.6e6 - 1064.0).abs() < 1e-6, "{e:?}");
    let parts = e.idle_kwh + e.dynamic_kwh + e.migration_kwh + e.transition_kwh + e.standby_kwh;
    assert!((parts - e.it_kwh).abs() < 1e-12, "{e:?}");
    for (h, joules) in [(0, 798.0), (1, 133.0), (2, 133.0)] {
        let got = outcome.hosts[h].migration_kwh * 3.6e6;
        assert!((got - joules).abs() < 1e-6, "host {h}: {got} J");
    }
    // Network energy (default 0) of 1000 J per GB adds 1 J per MB: 2 x 1024 J more.
    let text = scenario(
        "model = \"simple\"\ncpu_overhead = 0\n[migration.energy]\nnetwork_joules_per_gb = 1000\n",
    );
    let (_, outcome) = run_with(&text, &[(0, 1), (1, 2)]);
    let e = &outcome.summary.energy;
    assert!((e.migration_kwh * 3.6e6 - 3112.0).abs() < 1e-6, "{e:?}");
}

#[test]
fn migration_traffic_per_interval_and_peak_by_hand() {
    // Rows every 5 s. Two simple migrations of 1024 MB out of host 0 at 100 MB/s each, for
    // 10.24 s: 200 MB/s (1.6 Gbit/s) together; rows at 5 and 10 s see 1000 MB (1 GB) each,
    // the row at 15 s the last 0.24 s: 48 MB. The run moved 2.048 GB, peak 1.6 Gbit/s.
    let text = scenario("model = \"simple\"\n")
        .replace("control_interval = \"1000s\"", "control_interval = \"5s\"");
    let (rec, outcome) = run_with(&text, &[(0, 1), (1, 2)]);
    let at = |t: f64| rec.intervals.iter().find(|r| r.time_s == t).unwrap();
    for (t, gb, peak) in [
        (5.0, 1.0, 1.6),
        (10.0, 1.0, 1.6),
        (15.0, 0.048, 1.6),
        (20.0, 0.0, 0.0),
    ] {
        let r = at(t);
        assert!((r.migration_traffic_gb - gb).abs() < 1e-9, "{t}: {r:?}");
        assert!((r.migration_peak_gbit_s - peak).abs() < 1e-9, "{t}: {r:?}");
    }
    let m = &outcome.summary.migrations;
    assert!((m.traffic_gb - 2.048).abs() < 1e-9, "{m:?}");
    assert!((m.peak_traffic_gbit_s - 1.6).abs() < 1e-9, "{m:?}");
    // Pre-copy sends 1364 MB in 13.64 s (see above): the traffic is the data sent.
    let (_, outcome) = run_with(&scenario(PRECOPY), &[(0, 1)]);
    let m = &outcome.summary.migrations;
    assert!((m.traffic_gb - 1.364).abs() < 1e-9, "{m:?}");
    assert!((m.peak_traffic_gbit_s - 0.8).abs() < 1e-9, "{m:?}");
}

#[test]
fn paused_vm_loses_all_its_demand_during_the_downtime() {
    // Pre-copy: 10 % lost for 13.6 s of copying, 100 % for the 0.04 s pause:
    // 50 x 13.6 + 500 x 0.04 = 700 MIPS s over 1e6 requested.
    let (_, outcome) = run_with(&scenario(PRECOPY), &[(0, 1)]);
    assert!(
        (outcome.summary.sla.pdm - 7.0e-4).abs() < 1e-12,
        "{:?}",
        outcome.summary.sla
    );
}

#[test]
fn an_empty_host_is_suspended_and_its_transition_and_sleep_energy_counted() {
    // Hosts 1 and 2 are empty at the first tick; with no headroom and one host kept on, both
    // are parked: 10 s suspending at the shutdown draw (50 W) = 500 J of transition each, then
    // 990 s asleep at 8 W = 7920 J of standby each.
    let text = scenario("model = \"simple\"\n")
        .replace(
            "power = { model = \"linear\", idle_w = 100, max_w = 200 }",
            "power = { model = \"linear\", idle_w = 100, max_w = 200 }\n\
             states = { sleep_w = 8, suspend_time = \"10s\", wake_time = \"5s\", shutdown_w = 50 }",
        )
        .replace(
            "power = { name = \"keep-on\" }",
            "power = { name = \"spare-capacity\", headroom = 0, park = \"sleep\" }",
        );
    let (_, outcome) = run_with(&text, &[]);
    for h in [1, 2] {
        let row = &outcome.hosts[h];
        assert_eq!((row.sleeps, row.shutdowns, row.boots), (1, 0, 0));
        assert!((row.transition_kwh * 3.6e6 - 500.0).abs() < 1e-6, "{row:?}");
        assert!((row.standby_kwh * 3.6e6 - 7920.0).abs() < 1e-6, "{row:?}");
        assert_eq!(row.idle_kwh, 0.0);
    }
    assert_eq!(outcome.summary.hosts.sleeps, 2);
}

/// Host 0 (6 x 1000 MIPS) holds five 1-vCPU VMs at `busy` load, host 1 (5 x 1000 MIPS) one
/// 2-vCPU VM at `light` load (first fit: the 2-vCPU VM no longer fits on host 0), host 2
/// (8 x 1000 MIPS) is empty; THR 0.8, first-fit destinations, hosts always on, consolidation
/// at 300 s and 600 s with the given under-load threshold and destination head-room.
fn consolidation_scenario(busy: f64, light: f64, underload: f64, headroom: f64) -> String {
    let hosts: String = [("six", 6), ("five", 5), ("eight", 8)]
        .iter()
        .map(|(class, cores)| {
            format!(
                "[[hosts]]\nclass = \"{class}\"\ncount = 1\ncores = {cores}\nram = \"64 GB\"\n\
                 power = {{ model = \"linear\", idle_w = 100, max_w = 200 }}\n\n"
            )
        })
        .collect();
    format!(
        r#"
version = 1
[simulation]
name = "unit"
duration = "900s"
control_interval = "300s"

{hosts}
[[vm_types]]
name = "one"
vcpus = 1
ram = "1024 MB"

[[vm_types]]
name = "two"
vcpus = 2
ram = "1024 MB"

[[vms]]
type = "one"
count = 5
load = "busy"

[[vms]]
type = "two"
count = 1
load = "light"

[loads.busy]
shape = "constant"
level = {busy}

[loads.light]
shape = "constant"
level = {light}

[policy]
initial_placement = "first-fit"
initial_fit = "size"
power = {{ name = "keep-on" }}

[policy.consolidation]
overload = "thr"
overload_param = 0.8
placement = "first-fit"
underload_threshold = {underload}
destination_headroom = {headroom}
"#
    )
}

/// (VM, source, destination) of every migration of a run.
fn moves(text: &str) -> Vec<(usize, usize, usize)> {
    let (rec, _) = run_with(text, &[]);
    rec.migrations
        .iter()
        .map(|r| (r.vm, r.source, r.destination))
        .collect()
}

#[test]
fn destination_headroom_sends_relief_past_a_host_it_would_leave_near_the_threshold() {
    // Host 0 at 5 x 1000 / 6000 = 0.833 > 0.8 sheds one VM (1000 MIPS; 4000 / 6000 = 0.667
    // is not over-loaded). First fit offers host 1 first: 2000 + 1000 of 5000 = 0.6, within
    // 0.8, so it takes the VM; with a head-room of 0.25 the bar is 0.55 and host 2 takes it
    // (1000 / 8000 = 0.125).
    assert_eq!(
        moves(&consolidation_scenario(1.0, 1.0, 0.0, 0.0)),
        [(0, 0, 1)]
    );
    assert_eq!(
        moves(&consolidation_scenario(1.0, 1.0, 0.0, 0.25)),
        [(0, 0, 2)]
    );
}

#[test]
fn destination_headroom_keeps_an_evacuation_off_a_host_it_would_leave_near_the_threshold() {
    // Host 1 at 2 x 1000 x 0.3 / 5000 = 0.12 is under-loaded (0.4); its VM (600 MIPS) may go
    // to busier host 0 at 4000 / 6000 = 0.667: 4600 / 6000 = 0.767 is within 0.8. With a
    // head-room of 0.1 the bar is 0.7: host 0 refuses, and the VM goes to empty host 2 (its
    // 100 W idle over 8,000 MIPS save less per share than host 1's over 5,000, and it runs
    // VMs on less power, 200 / 8000 < 200 / 5000 W per MIPS), 600 / 8000 = 0.075.
    assert_eq!(
        moves(&consolidation_scenario(0.8, 0.3, 0.4, 0.0)),
        [(5, 1, 0)]
    );
    assert_eq!(
        moves(&consolidation_scenario(0.8, 0.3, 0.4, 0.1)),
        [(5, 1, 2)]
    );
}

/// Host 0 has four 1000-MIPS cores, host 1 two of 2500; a VM of one 2000-MIPS vCPU, placed by
/// first fit under `profile`.
fn cores_scenario(profile: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "cores"
duration = "1000s"
control_interval = "300s"
profile = "{profile}"

[[hosts]]
class = "slow"
count = 1
cores = 4
core_mips = 1000
ram = "8 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[[hosts]]
class = "fast"
count = 1
cores = 2
core_mips = 2500
ram = "8 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 2000
ram = "1024 MB"

[[vms]]
type = "vm"
count = 1
load = "low"

[loads.low]
shape = "constant"
level = 0.25

[policy]
initial_placement = "first-fit"
initial_fit = "demand"
consolidation = {{ enabled = false }}
power = {{ name = "keep-on" }}
"#
    )
}

#[test]
fn a_vcpu_runs_only_on_a_core_at_least_as_fast() {
    use super::state::VmState;
    let placed_on = |profile: &str| {
        let setup = scenario::load(&cores_scenario(profile), "unit.toml", &[]).unwrap();
        let mut rec = MemoryRecorder::default();
        let (mut sim, _) = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        sim.fleet.vms[0].state
    };
    // Host 0 comes first and has 4000 MIPS free, but its cores (1000) are slower than the
    // vCPU (2000): the realistic model places the VM on host 1.
    assert_eq!(placed_on("realistic"), VmState::Running(1));
    // CloudSim's rule counts the vCPU's share of the demand placed (500 MIPS), which a
    // 1000-MIPS core serves: host 0.
    assert_eq!(placed_on("cloudsim"), VmState::Running(0));
}

#[test]
fn a_vm_type_faster_than_every_core_is_refused() {
    let text = cores_scenario("realistic").replace("core_mips = 2500", "core_mips = 1500");
    let e = scenario::load(&text, "unit.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("vCPUs of 2000 MIPS") && e.contains("fastest core: 1500 MIPS"),
        "{e}"
    );
    // CloudSim counting demands places it on a slower core (its vCPU then gets one core).
    let text = cores_scenario("cloudsim").replace("core_mips = 2500", "core_mips = 1500");
    if let Err(e) = scenario::load(&text, "unit.toml", &[]) {
        panic!("{e}");
    }
}

#[test]
fn placement_searches_skip_classes_whose_cores_are_too_slow() {
    use super::state::VmState;
    // Forty hosts of each class and 120 VMs placed by PABFD: enough searches for the placement
    // index to serve most of them (debug builds check each against the scan). The slow class
    // draws less per MIPS, so PABFD would prefer it; its cores cannot run the VMs.
    let text = cores_scenario("realistic")
        .replace("count = 1\ncores = 4", "count = 40\ncores = 4")
        .replace("count = 1\ncores = 2", "count = 40\ncores = 2")
        .replacen("max_w = 200", "max_w = 120", 1)
        .replace("count = 1\nload", "count = 120\nload")
        .replace(
            "initial_placement = \"first-fit\"",
            "initial_placement = \"pabfd\"",
        );
    let setup = scenario::load(&text, "unit.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let (mut sim, _) = Simulation::new(&setup, &mut rec).unwrap();
    sim.start();
    let on = |vm: usize| match sim.fleet.vms[vm].state {
        VmState::Running(h) => sim.setup.host_classes[sim.fleet.hosts[h].class]
            .name
            .clone(),
        other => format!("{other:?}"),
    };
    assert!((0..120).all(|vm| on(vm) == "fast"), "{:?}", on(0));
}
