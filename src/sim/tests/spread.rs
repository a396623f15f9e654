//! Hand-counted migration spread: VM-days, their nearest-rank median, p90 and max, the
//! window counts (`simulation.night` or `[policy.calm] window`), and hosts needed.

use crate::scenario;
use crate::sim::Simulation;
use crate::sim::records::{MemoryRecorder, MigrationSpread, PerVmDay};

/// Three hosts of 8 x 1000 MIPS and 64 GB (host 2 draws more per MIPS: the least efficient),
/// four 1-vCPU VMs of 1 GB at a constant half load packed on host 0, hosts always on, two
/// days with a tick every 6 h; `extra` is appended (a `[policy.calm]` table or nothing).
fn scenario(extra: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "spread"
duration = "2d"
control_interval = "6h"

[[hosts]]
class = "h"
count = 2
cores = 8
ram = "64 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}

[[hosts]]
class = "hot"
count = 1
cores = 8
ram = "64 GB"
power = {{ model = "linear", idle_w = 150, max_w = 300 }}

[[vm_types]]
name = "vm"
vcpus = 1
ram = "1024 MB"

[[vms]]
type = "vm"
count = 4
load = "half"

[loads.half]
shape = "constant"
level = 0.5

[policy]
initial_placement = "first-fit"
consolidation = {{ enabled = false }}
power = {{ name = "keep-on" }}
{extra}
"#
    )
}

/// Runs `text`, moving VM 0 to host 1 and VM 1 to host 2 at time 0 (Monday 00:00).
fn spread_of(text: &str) -> (MemoryRecorder, MigrationSpread) {
    let setup = scenario::load(text, "spread.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let outcome = {
        let (mut sim, mut selection) = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        sim.plan_migration(0, 1);
        sim.plan_migration(1, 2);
        sim.run(&mut selection);
        sim.finish()
    };
    (rec, outcome.summary.migration_spread)
}

#[test]
fn per_vm_day_counts_every_running_vm_each_day_with_its_moves() {
    let (rec, spread) = spread_of(&scenario(""));
    // 4 VMs running on both days: 8 VM-days. VMs 0 and 1 moved once on day 0, the other
    // six VM-days not at all: sorted counts 0,0,0,0,0,0,1,1. Median = 4th of 8 = 0;
    // p90 = ceil(7.2) = 8th = 1; max 1.
    assert_eq!(
        spread.per_vm_day,
        PerVmDay {
            vm_days: 8,
            vm_days_moved: 2,
            median: 0,
            p90: 1,
            max: 1,
        }
    );
    // Without a calm window the night (22:00-06:00 by default) is the window: 00:00 is in it.
    assert_eq!(spread.window, "simulation.night");
    assert_eq!((spread.inside_window, spread.outside_window), (2, 0));
    // Demand 4 x 500 = 2000 MIPS fits the first (most efficient) host at the keep-on
    // policy's share 1: one host needed at every tick, while all three are on.
    assert!(rec.intervals.iter().all(|r| r.hosts_needed == 1));
    assert!(rec.intervals.iter().all(|r| r.hosts_on == 3));
}

#[test]
fn a_calm_window_replaces_the_night_for_the_window_counts() {
    let (_, spread) = spread_of(&scenario("[policy.calm]\nwindow = [\"08:00-18:00\"]\n"));
    // Both moves were planned at Monday 00:00, outside 08:00-18:00.
    assert_eq!(spread.window, "policy.calm.window");
    assert_eq!((spread.inside_window, spread.outside_window), (0, 2));
}
