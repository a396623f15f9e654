//! Hand-checked runs under the `cloudsim` profile: trapezoid energy with idle hosts off, the
//! non-power-aware baseline, CloudSim's consolidation round (a host evacuated, a VM planned
//! twice) and its SLATAH and PDM.

use crate::scenario;
use crate::sim::records::MemoryRecorder;
use crate::sim::{Outcome, Simulation};
use crate::time::kwh;

/// Hosts of one 2000-MIPS core, linear 100 W idle to 200 W at full load, 1 Gbit/s links (a
/// migration runs at half of it: 62.5 MB/s); 700 s, so the profile updates at 300.1 s and
/// 600.1 s. `body` adds hosts count, VMs and policies.
fn scenario(hosts: u32, body: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "profile"
duration = "700s"
control_interval = "300s"
profile = "cloudsim"

[[hosts]]
class = "h"
count = {hosts}
cores = 1
core_mips = 2000
ram = "4096 MB"
network = "1 Gbit/s"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[migration]
model = "simple"
bandwidth_share = 0.5
cpu_overhead = 0.1
degradation = 0.1

{body}
"#
    )
}

fn run(text: &str) -> (MemoryRecorder, Outcome) {
    run_with(text, |_| {})
}

/// [`run`], with `configure` applied to the simulation before it starts.
fn run_with(text: &str, configure: impl FnOnce(&mut Simulation)) -> (MemoryRecorder, Outcome) {
    let setup = scenario::load(text, "profile.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let outcome = {
        let (mut sim, mut selection) = Simulation::new(&setup, &mut rec).unwrap();
        sim.diagnostics.check = true;
        configure(&mut sim);
        sim.start();
        sim.run(&mut selection);
        assert_eq!(sim.diagnostics.violation, None);
        sim.finish()
    };
    (rec, outcome)
}

const ONE_VM: &str = r#"
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "625 MB"

[[vms]]
type = "vm"
count = 1
load = "half"

[loads.half]
shape = "constant"
level = 0.5
"#;

#[test]
fn energy_is_the_trapezoid_between_updates_and_nothing_before_the_first() {
    let text = scenario(
        2,
        &format!(
            "{ONE_VM}\n[policy]\ninitial_placement = \"first-fit\"\n\
             consolidation = {{ enabled = false }}\npower = {{ name = \"dvfs\" }}\n"
        ),
    );
    let (rec, out) = run(&text);
    // The VM asks 500 of 2000 MIPS: 125 W from 300.1 s to 600.1 s; before the first update
    // the host counts as off, and the empty host never draws.
    assert!((kwh(125.0 * 300.0) - out.summary.energy.it_kwh).abs() < 1e-12);
    let times: Vec<f64> = rec.intervals.iter().map(|r| r.time_s).collect();
    assert_eq!(times, vec![300.1, 600.1, 700.0]);
    assert_eq!(rec.intervals[0].hosts_on, 1);
    assert_eq!(rec.intervals[0].hosts_off, 1);
    // CloudSim counts a host that is never active as switched off once.
    assert_eq!(out.summary.hosts.shutdowns, 1);
}

#[test]
fn the_non_power_aware_baseline_draws_peak_power_from_time_0_to_the_last_update() {
    let text = scenario(
        2,
        &format!(
            "{ONE_VM}\n[policy]\ninitial_placement = \"first-fit\"\n\
             consolidation = {{ enabled = false }}\npower = {{ name = \"npa\" }}\n"
        ),
    );
    let (_, out) = run(&text);
    // Two hosts at 200 W from 0 to 600.1 s.
    assert!((kwh(2.0 * 200.0 * 600.1) - out.summary.energy.it_kwh).abs() < 1e-12);
}

/// VM `a` (600 MIPS) and VM `b` (200 MIPS), 1000-MIPS single-vCPU VMs of 625 MB, placed by
/// PABFD, THR 0.8.
const TWO_VMS: &str = r#"
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "625 MB"

[[vms]]
name = "a"
type = "vm"
count = 1
load = "busy"

[[vms]]
name = "b"
type = "vm"
count = 1
load = "light"

[loads.busy]
shape = "constant"
level = 0.6

[loads.light]
shape = "constant"
level = 0.2

[policy]
initial_placement = "pabfd"
initial_fit = "size"
power = { name = "dvfs" }

[policy.consolidation]
overload = "thr"
overload_param = 0.8
selection = "mmt"
placement = "pabfd"
underload_threshold = 1.0
"#;

#[test]
fn an_under_loaded_host_is_evacuated_and_its_migration_costs_slatah_and_pdm() {
    let (rec, out) = run(&scenario(3, TWO_VMS));
    // Initial placement scores every host against its idle power (nothing is measured yet),
    // so `b` goes to the empty host 1 rather than next to `a`. At 300.1 s host 1 (10 %) is
    // the least utilised: `b` moves to host 0 (the only host left: host 2 is off), 625 MB at
    // 62.5 MB/s = 10 s.
    assert_eq!(out.summary.migrations.count, 1);
    let m = &rec.migrations[0];
    assert_eq!((m.vm, m.source, m.destination), (1, 1, 0));
    assert_eq!((m.start_s, m.end_s), (300.1, 310.1));
    // Energy: 300.1-310.1 s host 0 carries 600 + 10 % of 200 = 620 MIPS (131 W) and host 1
    // still 200 (110 W); then host 0 carries 800 (140 W) until 600.1 s and host 1 is off.
    let joules = 131.0 * 10.0 + 110.0 * 10.0 + 140.0 * 290.0;
    assert!(
        (kwh(joules) - out.summary.energy.it_kwh).abs() < 1e-9,
        "{}",
        out.summary.energy.it_kwh
    );
    // SLATAH: host 0 is asked 800 but delivers 620 for 10 s of its 300 active s; host 1 is
    // active for 10 s without violation: 10 / 310.
    assert!((out.summary.sla.slatah - 10.0 / 310.0).abs() < 1e-12);
    // PDM: `b` gets 90 % of 200 MIPS for 10 s (200 MIPS·s lost) of 600 x 300 + 200 x 300
    // MIPS·s asked.
    assert!((out.summary.sla.pdm - 200.0 / 240_000.0).abs() < 1e-12);
    // Host 1 went off at 310.1 s, host 2 was never on.
    assert_eq!(out.summary.hosts.shutdowns, 2);
}

/// Single-core 2000-MIPS hosts, THR 0.7: host 0 holds `v1` (1000 MIPS) and `v2` (500), host
/// 1 `v3` (300), host 2 `v4` (600), host 3 nothing (first fit by size, then constant loads).
const PLANNED_TWICE: &str = r#"
[[vm_types]]
name = "big"
vcpus = 1
vcpu_mips = 1000
ram = "1250 MB"

[[vm_types]]
name = "small"
vcpus = 1
vcpu_mips = 1000
ram = "625 MB"

[[vm_types]]
name = "mid"
vcpus = 1
vcpu_mips = 1200
ram = "625 MB"

[[vms]]
name = "v1"
type = "big"
count = 1
load = "full"

[[vms]]
name = "v2"
type = "small"
count = 1
load = "half"

[[vms]]
name = "v3"
type = "mid"
count = 1
load = "quarter"

[[vms]]
name = "v4"
type = "mid"
count = 1
load = "half"

[loads.full]
shape = "constant"
level = 1.0

[loads.half]
shape = "constant"
level = 0.5

[loads.quarter]
shape = "constant"
level = 0.25

[policy]
initial_placement = "first-fit"
initial_fit = "size"
power = { name = "dvfs" }

[policy.consolidation]
overload = "thr"
overload_param = 0.7
selection = "mmt"
placement = "pabfd"
underload_threshold = 1.0
"#;

#[test]
fn a_vm_given_to_a_host_that_is_then_evacuated_is_planned_twice_as_in_cloudsim() {
    let (rec, out) = run(&scenario(4, PLANNED_TWICE));
    // At 300.1 s host 0 is at 75 %: MMT takes v2 (least RAM); every host adds the same 25 W
    // for it, so the first, host 1, gets it. Host 1 (15 % measured) is then the least
    // utilised: its list now holds v2 and v3, which both fit on host 2 (55 %, then 70 %).
    // CloudSim starts all three migrations: v2 to host 1, v2 to host 2, v3 to host 2.
    assert_eq!(out.summary.migrations.count, 3);
    let moves: Vec<(usize, usize, usize, f64)> = rec
        .migrations
        .iter()
        .map(|m| (m.vm, m.source, m.destination, m.end_s))
        .collect();
    // All end at 310.1 s, in start order: v2 lands on host 1 and goes on to host 2.
    assert_eq!(
        moves,
        vec![(1, 0, 1, 310.1), (1, 1, 2, 310.1), (2, 1, 2, 310.1)]
    );
    // At 600.1 s nothing moves: host 0's v1 fits nowhere else, and host 2 is the only other
    // host on.
    let hosts_on: Vec<usize> = rec.intervals.iter().map(|r| r.hosts_on).collect();
    assert_eq!(hosts_on, vec![3, 2, 2]);
}

/// The policies of [`initial_placement_takes_the_first_host_of_each_look`]: PABFD by size,
/// THR 0.8.
const SPREAD_POLICY: &str = r#"
[policy]
initial_placement = "pabfd"
initial_fit = "size"

[policy.consolidation]
overload = "thr"
overload_param = 0.8
selection = "mmt"
placement = "pabfd"
underload_threshold = 0.0
"#;

#[test]
fn initial_placement_takes_the_first_host_of_each_look() {
    // Six of `ONE_VM`'s 1000-MIPS VMs on four 2000-MIPS hosts.
    let body = format!(
        "{}{SPREAD_POLICY}",
        ONE_VM.replace("count = 1", "count = 6")
    );
    let setup = scenario::load(&scenario(4, &body), "profile.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let (mut sim, _) = Simulation::new(&setup, &mut rec).unwrap();
    sim.start();
    // Every baseline is the idle draw (100 W): an empty host adds 50 W for a 1000-MIPS VM, a
    // half-full one 100 W, so the first four VMs go to the four empty hosts in id order. The
    // fifth finds four half-full hosts that look the same (the detector sees the VM alone,
    // 50 % < 80 %, and accepts each): the first, host 0, takes it; the sixth finds host 0
    // full and hosts 1 to 3 alike: host 1.
    let hosts: Vec<Option<usize>> = sim
        .fleet
        .vms
        .iter()
        .map(|v| match v.state {
            crate::sim::state::VmState::Running(h) => Some(h),
            _ => None,
        })
        .collect();
    assert_eq!(
        hosts,
        vec![Some(0), Some(1), Some(2), Some(3), Some(0), Some(1)]
    );
}

/// Fourteen hosts and thirty-four VMs of one RAM size on a day/night curve: every round evacuates
/// hosts, and the copies it starts together end together.
const BUSY_DAY: &str = r#"
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 700
ram = "625 MB"

[[vms]]
type = "vm"
count = 34
load = "day"

[loads.day]
shape = "sinusoid"
trough = 0.1
peak = 0.9
noise = { distribution = "uniform", half_width = 0.2 }

[policy]
initial_placement = "pabfd"
power = { name = "dvfs" }

[policy.consolidation]
overload = "lr"
overload_param = 1.2
selection = "mmt"
placement = "pabfd"
underload_threshold = 1.0
"#;

#[test]
fn collecting_the_refreshes_of_migrations_ending_together_changes_nothing() {
    // With 625 MB every VM is placed at once; with 1900 MB two fit a host by RAM, so six of
    // the thirty-four wait, and are placed as evacuated hosts free their RAM at migrations'
    // ends (placement then reads host loads: the refreshes put off so far are done first).
    for ram in ["625 MB", "1900 MB"] {
        let body = BUSY_DAY.replace("625 MB", ram);
        let text = scenario(14, &body).replace("\"700s\"", "\"1d\"");
        let run_batched = |batch: bool| {
            run_with(&text, |sim| {
                if let Some(cs) = sim.profile.cloudsim_mut() {
                    cs.batch_steps = batch;
                }
            })
        };
        let (batched, with) = run_batched(true);
        let (one_by_one, without) = run_batched(false);
        // Migrations that end at one instant: the case.
        let mut ends: Vec<u64> = batched
            .migrations
            .iter()
            .map(|m| m.end_s.to_bits())
            .collect();
        ends.sort_unstable();
        let all = ends.len();
        ends.dedup();
        assert!(
            all - ends.len() > 20,
            "{ram}: {} shared ends",
            all - ends.len()
        );
        if ram == "1900 MB" {
            let waiting: Vec<usize> = batched.intervals.iter().map(|r| r.vms_waiting).collect();
            // Six wait at the start, none by the second tick's row.
            assert_eq!(&waiting[..2], &[6, 0], "{ram}");
        }
        assert_eq!(batched.migrations, one_by_one.migrations, "{ram}");
        assert_eq!(batched.intervals, one_by_one.intervals, "{ram}");
        assert_eq!(batched.conflicts, one_by_one.conflicts, "{ram}");
        assert_eq!(with.summary, without.summary, "{ram}");
        assert_eq!(with.hosts, without.hosts, "{ram}");
    }
}
