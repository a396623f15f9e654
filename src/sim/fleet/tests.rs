//! Placement and migration bookkeeping on a fleet alone, without a simulation around it.

use super::Fleet;
use super::placement_index::{Hosts, PlacementIndex, Search, Window};
use crate::model::host::PowerState;
use crate::policy::lookup;
use crate::policy::placement::{Need, PLACEMENTS, Placement};
use crate::sim::setup::FitBasis;
use crate::sim::setup::Setup;
use crate::sim::state::*;

/// Two hosts of 4 cores (2000 MIPS each, 8000 MIPS) and 8 GB; VMs of 1 vCPU (2000 MIPS) and
/// 1 GB.
const TWO_HOSTS: &str = r#"
version = 1
[simulation]
name = "fleet"
duration = "1h"
[[hosts]]
class = "h"
count = 2
cores = 4
core_mips = 2000
ram = "8 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "vm"
count = 3
load = "l"
[loads.l]
shape = "constant"
level = 0.5
"#;

/// The scenario's fleet with VMs 0 and 1 running on host 0 and VM 2 not placed yet, its
/// loads summed as a refresh would, and an index over it.
fn fleet() -> (Setup, Fleet, PlacementIndex) {
    fleet_of(TWO_HOSTS)
}

/// [`fleet`] of the scenario `text`.
fn fleet_of(text: &str) -> (Setup, Fleet, PlacementIndex) {
    let setup = crate::scenario::load(text, "fleet.toml", &[]).unwrap();
    let hosts = setup
        .hosts
        .iter()
        .map(|&c| Host::new(c, PowerState::On))
        .collect();
    let vm = |state| Vm {
        origin: Origin::Group(0),
        vm_type: 0,
        demand: Demand::Curve(0),
        state,
        demand_mips: 1000.0,
        metered: Rates::IDLE,
        ram_demand_mb: 0.0,
        ram: RamDemand::Reserved,
    };
    let vms = vec![
        vm(VmState::Running(0)),
        vm(VmState::Running(0)),
        vm(VmState::Waiting),
    ];
    let mut fleet = Fleet::new(hosts, vms, 0);
    let ram = setup.vm_types[0].ram_mb;
    fleet.hosts[0].vms = vec![0, 1];
    fleet.hosts[0].ram_used = 2.0 * ram;
    for h in 0..2 {
        let sizes = (&fleet.vms[..], &fleet.migrations[..], &setup.vm_types[..]);
        let loads = sum_loads(h, &fleet.hosts[h], sizes, &mut NoExtra);
        fleet.hosts[h].set_loads(&loads, 0);
    }
    let t = &setup.vm_types[0];
    let sizes = [(t.ram_mb, t.disk_mb, t.net_mbps)];
    let index = PlacementIndex::new(&setup.hosts, setup.host_classes.len(), &sizes);
    (setup, fleet, index)
}

/// Sums nothing besides the loads.
struct NoExtra;

impl LoadVisitor for NoExtra {
    fn vm(&mut self, _: VmId, _: &Vm) {}
    fn migration(&mut self, _: &Migration) {}
}

fn policy(name: &str) -> Box<dyn Placement> {
    (lookup(PLACEMENTS, name).unwrap().build)(None, 0)
}

/// A search by size among the hosts on, with no utilisation window, for `need` scored by
/// `policy`.
fn on_search<'p>(need: &'p Need, policy: &'p dyn Placement) -> Search<'p> {
    Search {
        need,
        basis: FitBasis::Size,
        policy,
        state: PowerState::On,
        window: Window {
            min: f64::NEG_INFINITY,
            max: 1.0,
        },
        vm: None,
        ram_in_use: None,
    }
}

/// The host an index search settles on when every host it judges takes the VM (the first
/// visited), and the hosts it visited; the first searches of a tree not filled yet are left
/// to the scan, so it searches until the index answers.
fn first_taker(
    index: &mut PlacementIndex,
    hosts: Hosts,
    search: &Search,
) -> (Option<HostId>, Vec<HostId>) {
    loop {
        let mut seen = Vec::new();
        let found = index.search(hosts, search, &mut |h, best| {
            seen.push(h);
            if best.is_none() {
                *best = Some((0.0, h));
            }
        });
        if let Some(found) = found {
            return (found.map(|b| b.1), seen);
        }
    }
}

/// What VM 2 (2000 MIPS by size, of the first VM type) asks of a host.
fn vm2_need(setup: &Setup) -> Need {
    Need {
        mips: 2000.0,
        ram_mb: setup.vm_types[0].ram_mb,
        disk_mb: setup.vm_types[0].disk_mb,
        net_mbps: setup.vm_types[0].net_mbps,
        vcpu_mips: 2000.0,
    }
}

/// Where `policy` puts VM 2 (2000 MIPS by size) among the hosts that are on.
fn place(policy_name: &str) -> Option<HostId> {
    let (setup, fleet, mut index) = fleet();
    let need = vm2_need(&setup);
    let policy = policy(policy_name);
    let search = on_search(&need, policy.as_ref());
    fleet.find_host(
        &setup.host_classes,
        &mut index,
        &search,
        &|_| false,
        &|_, _| true,
    )
}

#[test]
fn a_search_on_the_fleet_alone_follows_the_policy() {
    // Host 0 has 4000 of 8000 MIPS committed by size, host 1 none: best fit packs the new
    // VM onto host 0 (75 % after), worst fit spreads it to host 1 (25 % after).
    assert_eq!(place("best-fit"), Some(0));
    assert_eq!(place("worst-fit"), Some(1));
}

#[test]
fn opening_a_migration_reserves_the_destination_and_queues_the_copy() {
    let (setup, mut fleet, _) = fleet();
    let m = fleet.open_migration(&setup.vm_types, 5_000, 0, 0, 1);
    // The destination books the VM's 1 GB at once; the source keeps its own until the end.
    assert_eq!(fleet.hosts[1].ram_used, setup.vm_types[0].ram_mb);
    assert_eq!(fleet.hosts[0].ram_used, 2.0 * setup.vm_types[0].ram_mb);
    assert_eq!((fleet.in_flight, &fleet.mig_queue[..]), (1, &[m][..]));
    assert_eq!(fleet.migrations[m].planned, 5_000);
    // One copy slot per host: free now, taken once host 1 copies something else.
    assert!(fleet.can_start(1, false, m));
    fleet.hosts[1].copying = 1;
    assert!(!fleet.can_start(1, false, m));
    // With no limit it may start; with the destination off, only where hosts follow load.
    assert!(fleet.can_start(0, false, m));
    fleet.hosts[1].state = PowerState::Off;
    assert!(!fleet.can_start(0, false, m));
    assert!(fleet.can_start(0, true, m));
}

/// VM 0 (1 GB: 1000 MB of RAM, no disk) migrating from host 0 to host 1 leaves host 0 only;
/// a second migration of it from host 0 (as CloudSim's follow-up is opened) leaves the
/// count at one VM, as the VM is in the first.
#[test]
fn a_vm_migrating_away_leaves_its_source_once() {
    let (setup, mut fleet, _) = fleet();
    let m = fleet.open_migration(&setup.vm_types, 0, 0, 0, 1);
    fleet.vms[0].state = VmState::Migrating(m);
    assert_eq!(fleet.leaving(&setup.vm_types, 0), (1000.0, 0.0));
    assert_eq!(fleet.leaving(&setup.vm_types, 1), (0.0, 0.0));
    fleet.open_migration(&setup.vm_types, 0, 0, 0, 1);
    assert_eq!(fleet.leaving(&setup.vm_types, 0), (1000.0, 0.0));
}

/// Where worst-fit puts VM 2 (by size) under its group's rules.
fn place_vm_2(fleet: &Fleet, setup: &Setup, index: &mut PlacementIndex) -> Option<HostId> {
    let need = vm2_need(setup);
    let policy = policy("worst-fit");
    let search = Search {
        vm: Some(2),
        ..on_search(&need, policy.as_ref())
    };
    fleet.find_host(&setup.host_classes, index, &search, &|_| false, &|_, _| {
        true
    })
}

#[test]
fn anti_affinity_counts_residents_and_incoming_migrations() {
    use crate::sim::setup::PlacementRule;
    let (setup, mut fleet, mut index) = fleet();
    fleet.rules = vec![Some(PlacementRule {
        anti_affinity: true,
        affinity: false,
        classes: None,
    })];
    // VMs 0 and 1 of the group are on host 0: VM 2 may only go to host 1.
    assert!(!fleet.rules_allow(2, 0) && fleet.rules_allow(2, 1));
    assert_eq!(place_vm_2(&fleet, &setup, &mut index), Some(1));
    assert!(fleet.kept_apart(0, 2));
    // VM 0 is decided to move to host 1: host 1 is reserved for it from now on, so VM 2 has
    // no legal host left, while VM 0 itself still may be at host 1.
    fleet.open_migration(&setup.vm_types, 0, 0, 0, 1);
    assert!(!fleet.rules_allow(2, 1) && fleet.rules_allow(0, 1));
    assert_eq!(place_vm_2(&fleet, &setup, &mut index), None);
    // A class rule alone: the only class is not allowed, so no host is legal.
    fleet.rules = vec![Some(PlacementRule {
        anti_affinity: false,
        affinity: false,
        classes: Some(vec![false]),
    })];
    assert!(!fleet.rules_allow(2, 0) && !fleet.rules_allow(2, 1));
    assert!(!fleet.kept_apart(0, 2));
}

#[test]
fn keep_together_binds_to_where_the_group_is_or_is_going() {
    use crate::sim::setup::PlacementRule;
    let (setup, fleet, mut index) = fleet();
    let rule = PlacementRule {
        anti_affinity: false,
        affinity: true,
        classes: None,
    };
    let mut fleet = fleet.with_rules(vec![Some(rule)]);
    // VMs 0 and 1 run on host 0: VM 2 may only go there, and the worst-fit search of
    // `place_vm_2` finds host 0 though host 1 is empty.
    assert_eq!(fleet.bound_host(2), Some(0));
    assert!(fleet.rules_allow(2, 0) && !fleet.rules_allow(2, 1));
    assert_eq!(place_vm_2(&fleet, &setup, &mut index), Some(0));
    // A move of VM 0 takes VM 1 along (VM 2 waits, so it is not on host 0).
    assert_eq!(fleet.moving_with(0, 0), Some(vec![0, 1]));
    // VM 0 is decided to move to host 1: it counts there from now on, so the group is split
    // (the invariant checker says so), VM 2 is bound to host 1 (VM 1's host 0 comes later in
    // the group's order), and the group does not move again while VM 0 is on its way.
    fleet.open_migration(&setup.vm_types, 0, 0, 0, 1);
    fleet.vms[0].state = VmState::Migrating(0);
    assert!(
        fleet
            .broken_rule()
            .unwrap()
            .contains("keep-together group 0")
    );
    assert_eq!(fleet.bound_host(2), Some(1));
    assert_eq!(fleet.moving_with(1, 0), None);
    // With VM 1 gone too, nothing binds VM 2 but VM 0's destination.
    fleet.vms[1].state = VmState::Ended;
    assert!(fleet.broken_rule().is_none());
    assert_eq!(fleet.starting_with(2), vec![2]);
    // With no member anywhere, the first to start brings the waiting ones.
    fleet.vms[0].state = VmState::Down;
    fleet.vms[1].state = VmState::Waiting;
    assert_eq!(fleet.bound_host(2), None);
    assert_eq!(fleet.starting_with(2), vec![2, 0, 1]);
}

/// With RAM over-committed twice, host 0's two VMs use all 8 GB of its memory: a search that
/// asks room for 1 GB more in use skips host 0 in the index, unvisited, and returns host 1;
/// asked for nothing, `pabfd` visits host 0 first (both hosts' power grows alike on a linear
/// model, and ties go to the lowest id) and takes it.
#[test]
fn a_search_for_memory_in_use_skips_hosts_without_room() {
    let over = TWO_HOSTS.replace(
        "ram = \"8 GB\"\n",
        "ram = \"8 GB\"\novercommit = { ram = 2 }\n",
    );
    let (setup, mut fleet, mut index) = fleet_of(&over);
    let physical = setup.host_classes[0].ram_mb;
    fleet.vms[0].ram_demand_mb = physical / 2.0;
    fleet.vms[1].ram_demand_mb = physical / 2.0;
    assert!(!fleet.has_memory_for(&setup.host_classes, 0, 1024.0));
    let need = vm2_need(&setup);
    let policy = policy("pabfd");
    let hosts = Hosts {
        fleet: &fleet,
        classes: &setup.host_classes,
    };
    let mut visits = |ram_in_use: Option<f64>| {
        let search = Search {
            ram_in_use,
            ..on_search(&need, policy.as_ref())
        };
        first_taker(&mut index, hosts, &search)
    };
    assert_eq!(visits(Some(1024.0)), (Some(1), vec![1]));
    assert_eq!(visits(None), (Some(0), vec![0]));
}

/// Four hosts of 8000 MIPS and 8 GB, free (CPU, RAM): host 0 (0.25, 0.75), host 1 (0.5,
/// 0.125), host 2 (0.5, 0.25), host 3 (0.25, 0.0625: less than VM 2's 1 GB). For VM 2 (0.25
/// of the CPU, 0.125 of the RAM), `dot-product` scores hosts 0 and 2 alike, 0.25 x 0.25 + 0.75
/// x 0.125 = 0.5 x 0.25 + 0.25 x 0.125 = 0.15625 (exact in binary), host 1 0.140625. The index
/// lays the hosts out along the Z-order curve of their free capacity: hosts 3 and 0 (less
/// CPU free) in the left subtree, in that order (less RAM free first), 1 and 2 in the right.
/// The right subtree's box bounds the dot product by 0.15625 less a slack, so it is searched
/// first and host 2 found; the left subtree holds only host 0 with room for the VM, so its
/// bound is host 0's score exactly, the best so far: only its least id, 0, not its first
/// leaf's host, 3, says host 2 may be beaten there. The tie goes to the lower id, host 0, as
/// the scan has it.
#[test]
fn a_tie_across_subtrees_of_a_free_capacity_layout_goes_to_the_lower_id() {
    let four = TWO_HOSTS.replace("count = 2\n", "count = 4\n");
    let (setup, mut fleet, mut index) = fleet_of(&four);
    let (mips, ram) = (8000.0, setup.host_classes[0].ram_mb);
    for (h, (cpu_free, ram_free)) in [(0.25, 0.75), (0.5, 0.125), (0.5, 0.25), (0.25, 0.0625)]
        .into_iter()
        .enumerate()
    {
        fleet.hosts[h].sized_mips = mips * (1.0 - cpu_free);
        fleet.hosts[h].ram_used = ram * (1.0 - ram_free);
    }
    let need = vm2_need(&setup);
    let policy = policy("dot-product");
    let search = on_search(&need, policy.as_ref());
    let hosts = Hosts {
        fleet: &fleet,
        classes: &setup.host_classes,
    };
    // The first searches of a tree not filled yet are left to the scan.
    let found = loop {
        let found = index.search(hosts, &search, &mut |h, best| {
            let host = &fleet.hosts[h];
            let class = &setup.host_classes[host.class];
            let mut candidate = host.candidate(class, host.sized_mips, None, &class.power);
            candidate.cpu_capacity = mips;
            let score = policy.score(&candidate, &need);
            if best.is_none_or(|(bs, bh)| score < bs || (score == bs && h < bh)) {
                *best = Some((score, h));
            }
        });
        if let Some(found) = found {
            break found;
        }
    };
    let leaves = index.leaves(PowerState::On, FitBasis::Size).unwrap();
    assert_eq!(leaves[0], vec![3, 0, 1, 2]);
    assert_eq!(found, Some((-0.15625, 0)));
    assert_eq!(
        fleet.find_host(
            &setup.host_classes,
            &mut index,
            &search,
            &|_| false,
            &|_, _| true
        ),
        Some(0)
    );
}

/// Hosts of 1 Gbit/s links and VMs reserving 400 Mbit/s each: host 0's two VMs hold 800, so
/// VM 2 (400 more) does not fit there. The index leaves host 0 out unvisited and `pabfd`
/// takes host 1, where without the reservation it visits and takes host 0 first (power grows
/// alike on both, ties go to the lowest id).
#[test]
fn a_search_skips_hosts_whose_link_is_reserved() {
    let reserving = TWO_HOSTS
        .replace(
            "ram = \"8 GB\"\n",
            "ram = \"8 GB\"\nnetwork = \"1 Gbit/s\"\n",
        )
        .replace(
            "ram = \"1 GB\"\n",
            "ram = \"1 GB\"\nnetwork = \"400 Mbit/s\"\n",
        );
    let first_visited = |text: &str| {
        let (setup, mut fleet, mut index) = fleet_of(text);
        fleet.hosts[0].net_used = 2.0 * setup.vm_types[0].net_mbps;
        let need = vm2_need(&setup);
        let policy = policy("pabfd");
        let search = on_search(&need, policy.as_ref());
        let hosts = Hosts {
            fleet: &fleet,
            classes: &setup.host_classes,
        };
        first_taker(&mut index, hosts, &search)
    };
    assert_eq!(first_visited(&reserving), (Some(1), vec![1]));
    assert_eq!(first_visited(TWO_HOSTS), (Some(0), vec![0]));
}
