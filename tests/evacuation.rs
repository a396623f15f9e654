//! Where an under-loaded host's VMs may go: only to hosts at least as busy, and to an empty
//! host only if it runs them on less power. Hand-checked schedules on two-host fleets kept on
//! by `min_hosts_on`, so that power management never takes a host away.

mod common;

use common::*;

/// Two hosts of `classes` (a `[[hosts]]` block each), both kept on, two VMs of 1 vCPU and
/// 1 GB at a constant `level` of their size, for 2 h with a control tick every 5 minutes.
fn two_hosts(classes: &str, level: f64) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "evacuation"
duration = "2h"
{classes}
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "1 GB"
[[vms]]
type = "vm"
count = 2
load = "flat"
[loads.flat]
shape = "constant"
level = {level}
[policy.power]
min_hosts_on = 2
"#
    )
}

fn host(class: &str, max_w: u32) -> String {
    format!(
        "[[hosts]]\nclass = \"{class}\"\ncount = 1\ncores = 8\ncore_mips = 1000\nram = \"16 GB\"\n\
         power = {{ model = \"linear\", idle_w = 100, max_w = {max_w} }}\n"
    )
}

/// Idle VMs on one of two alike hosts: the busy host (load 0) is under-loaded, and the
/// other, empty, is as busy (0 >= 0), but moving there gains nothing: it would only swap the
/// hosts' roles, and back at the next tick, all day (the ping-pong seen on a Bitbrains week:
/// 1,486 conflicts). No migration.
#[test]
fn idle_vms_do_not_swap_between_two_alike_hosts() {
    let text = two_hosts(&(host("a", 200) + &host("a", 200)), 0.0);
    let (o, rec) = simulate(&text);
    assert_eq!(o.summary.migrations.count, 0, "{:?}", rec.migrations);
    assert_eq!(o.summary.conflicts.total, 0);
}

/// The same VMs start on a host drawing up to 300 W (the first declared: placement ties go
/// to the lowest id); the empty one draws up to 200 W for the same 8,000 MIPS, so it runs
/// them on less power: both VMs move there at the first control tick (time 0), and never back, since
/// the emptied host is the less efficient one.
#[test]
fn an_empty_host_that_runs_the_vms_on_less_power_takes_them_once() {
    let text = two_hosts(&(host("old", 300) + &host("new", 200)), 0.0);
    let (_, rec) = simulate(&text);
    let moves: Vec<_> = rec
        .migrations
        .iter()
        .map(|m| (m.vm, m.source, m.destination, m.start_s))
        .collect();
    assert_eq!(moves, [(0, 0, 1, 0.0), (1, 0, 1, 0.0)]);
}

/// Five hosts of 8 cores; by size, first fit decreasing puts three 5-vCPU VMs alone on hosts
/// 0-2 and two 4-vCPU VMs together on host 3; host 4, empty, is switched off at once. From
/// 0:30 every VM's load climbs from half to all of its size by 1:30: host 3 goes over THR's
/// 0.8 and its VMs (4,000 MIPS each at the end) fit on no other host (5,000 + 4,000 > 8,000),
/// though the fleet as a whole has room (27,000 MIPS needed counting the VM twice, of 28,800
/// at the 0.1 head-room). Relief that finds no host strands its VM, and power management
/// boots a host for it: host 4, once, and the VM moves there.
#[test]
fn a_vm_relief_cannot_place_gets_a_host_booted() {
    let climb = format!(
        "[loads.climb]\nshape = \"hourly\"\nlevels = [0.5{}, 0.5]\n",
        ", 1.0".repeat(22)
    );
    let text = scenario_head("stranded", "3h")
        + &linear_host("h", 5, 8, 200)
        + &vm_type("five", 5, "1 GB")
        + &vm_type("four", 4, "1 GB")
        + &vm_group("five", "five", 3, "climb", "")
        + &vm_group("four", "four", 2, "climb", "")
        + &climb
        + &by_size_thr_08(0.0, "");
    let text = text.as_str();
    let (o, rec) = simulate(text);
    let moves: Vec<_> = rec
        .migrations
        .iter()
        .map(|m| (m.source, m.destination))
        .collect();
    assert_eq!((o.summary.hosts.boots, o.summary.hosts.shutdowns), (1, 1));
    assert_eq!(moves, [(3, 4)]);
}

/// A small host (4 cores, 4,000 MIPS) and a large one (8 cores, 8,000 MIPS), both idling at
/// 100 W with 16 GB. By size, first fit decreasing puts the 4-vCPU VM alone on the small host
/// (host 0, declared first; 4,000 of 4,000) and the 2-vCPU VM on the large host (host 1). At
/// constant loads the small host runs 1,800 MIPS (0.45) and the large 2,000 (0.25), both
/// under the 0.5 under-load mark. Beloglazov's rule never moves anything: the large host, the
/// least utilised, is tried first, but the small host would end at 3,800 MIPS, above the THR
/// ceiling of 0.8 x 4,000 = 3,200; the small host may only go to a busier host, and 0.25 <
/// 0.45. Ordered by what powering off saves, the small host comes first: its 100 W hold 95 %
/// of the 3,800 MIPS committed (CPU binds; RAM is 2 of 16 GB), the large host's 47.5 %, so
/// the small saves 95 W per share against 47.5. The large host, saving less, takes the VM
/// whatever its load (3,800 of 8,000, 0.475, under 0.8): one move at the first tick (time
/// 0), of VM 1 from host 0 to host 1, and the small host is switched off once.
#[test]
fn a_small_busier_host_is_emptied_onto_a_large_one_that_saves_less_when_off() {
    let text = scenario_head("small-onto-large", "2h")
        + &linear_host("small", 1, 4, 150)
        + &linear_host("large", 1, 8, 200)
        + &vm_type("two", 2, "1 GB")
        + &vm_type("four", 4, "1 GB")
        + &vm_group("two", "two", 1, "full", "")
        + &vm_group("four", "four", 1, "most", "")
        + &constant_load("full", 1.0)
        + &constant_load("most", 0.45)
        + &by_size_thr_08(0.5, "min_hosts_on = 1\n");
    let text = text.as_str();
    let (o, rec) = simulate(text);
    let moves: Vec<_> = rec
        .migrations
        .iter()
        .map(|m| (m.vm, m.source, m.destination, m.start_s))
        .collect();
    assert_eq!(moves, [(1, 0, 1, 0.0)]);
    assert_eq!(o.summary.hosts.shutdowns, 1);
}

/// A `[[hosts]]` block: `count` hosts of class `class`, `cores` cores of 1000 MIPS, 16 GB,
/// drawing 100 W idle and `max_w` at full load.
fn linear_host(class: &str, count: u32, cores: u32, max_w: u32) -> String {
    format!(
        "[[hosts]]\nclass = \"{class}\"\ncount = {count}\ncores = {cores}\ncore_mips = 1000\nram = \"16 GB\"\npower = {{ model = \"linear\", idle_w = 100, max_w = {max_w} }}\n"
    )
}

/// Policies of the by-size tests: first fit decreasing by size, THR at 0.8, under-load at
/// `underload`, spare capacity with 10 % head-room (`power_extra` lines added to it).
fn by_size_thr_08(underload: f64, power_extra: &str) -> String {
    format!(
        "[policy]\ninitial_placement = \"first-fit-decreasing\"\ninitial_fit = \"size\"\n[policy.consolidation]\noverload = \"thr\"\noverload_param = 0.8\nunderload_threshold = {underload}\n[policy.power]\nname = \"spare-capacity\"\nheadroom = 0.1\n{power_extra}"
    )
}
