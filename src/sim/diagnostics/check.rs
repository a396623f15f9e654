//! The invariant checker: after every event, verifies that the state is consistent. Off by
//! default (it costs O(hosts + VMs) per event); on in tests and with `nightshift run --check`.

use crate::model::host::PowerState;
use crate::sim::Simulation;
use crate::sim::state::*;

impl Simulation<'_> {
    /// Checks every invariant; returns the first violation found.
    pub(in crate::sim) fn check_invariants(&self) -> Result<(), String> {
        let mut placed = vec![0u32; self.fleet.vms.len()];
        // Where the profile has hosts follow their load, a host that is off may hold VMs and
        // reservations; where RAM is checked only at first placement, it may run over.
        let rules = self.profile.rules();
        for (h, host) in self.fleet.hosts.iter().enumerate() {
            let class = &self.setup.host_classes[host.class];
            if !rules.hosts_follow_load && host.state != PowerState::On && !host.vms.is_empty() {
                return Err(format!(
                    "host {h} is {:?} but holds {} VMs",
                    host.state,
                    host.vms.len()
                ));
            }
            // A host that is not on may only hold reservations of migrations waiting for it.
            if !rules.hosts_follow_load
                && host.state != PowerState::On
                && let Some(&m) = host.migrations.iter().find(|&&m| {
                    self.fleet.migrations[m].destination != h
                        || self.fleet.migrations[m].phase != Phase::Queued
                })
            {
                return Err(format!(
                    "host {h} is {:?} but migration {m} is {:?} from {} to {}",
                    host.state,
                    self.fleet.migrations[m].phase,
                    self.fleet.migrations[m].source,
                    self.fleet.migrations[m].destination
                ));
            }
            if !rules.ram_overcommits && host.ram_used > class.ram_limit_mb() * (1.0 + 1e-9) + 1e-6
            {
                return Err(format!(
                    "host {h} has {} MB RAM reserved, above its {} MB",
                    host.ram_used,
                    class.ram_limit_mb()
                ));
            }
            if host.net_used > class.net_mbps * (1.0 + 1e-9) + 1e-6 {
                return Err(format!(
                    "host {h} has {} Mbit/s of network reserved, above its {} Mbit/s link",
                    host.net_used, class.net_mbps
                ));
            }
            if host.ram_used < -1e-6 || host.disk_used < -1e-6 || host.net_used < -1e-6 {
                return Err(format!(
                    "host {h} has negative reservations (RAM {}, disk {}, network {})",
                    host.ram_used, host.disk_used, host.net_used
                ));
            }
            let (mut ram, mut net) = (0.0, 0.0);
            for &vm in &host.vms {
                placed[vm] += 1;
                let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
                ram += t.ram_mb;
                net += t.net_mbps;
                match self.fleet.vms[vm].state {
                    VmState::Running(at) if at == h => {}
                    VmState::Migrating(m) if self.fleet.migrations[m].source == h => {}
                    other => return Err(format!("host {h} lists VM {vm}, which is {other:?}")),
                }
            }
            let mut copying = 0;
            for &m in &host.migrations {
                let mig = &self.fleet.migrations[m];
                if mig.outcome != MigrationOutcome::InFlight
                    || (mig.source != h && mig.destination != h)
                {
                    return Err(format!(
                        "host {h} lists migration {m}, which is {:?} between {} and {}",
                        mig.outcome, mig.source, mig.destination
                    ));
                }
                if mig.destination == h {
                    let t = &self.setup.vm_types[self.fleet.vms[mig.vm].vm_type];
                    ram += t.ram_mb;
                    net += t.net_mbps;
                }
                if mig.phase != Phase::Queued {
                    copying += 1;
                }
            }
            if (ram - host.ram_used).abs() > 1e-6 * ram.max(1.0) {
                return Err(format!(
                    "host {h} books {} MB RAM but its VMs and incoming migrations need {ram} MB",
                    host.ram_used
                ));
            }
            if (net - host.net_used).abs() > 1e-6 * net.max(1.0) {
                return Err(format!(
                    "host {h} books {} Mbit/s of network but its VMs and incoming migrations reserve {net} Mbit/s",
                    host.net_used
                ));
            }
            if copying != host.copying {
                return Err(format!(
                    "host {h} counts {} copies but {copying} of its migrations are copying",
                    host.copying
                ));
            }
        }
        let mut in_flight = 0;
        for (vm, state) in self.fleet.vms.iter().map(|v| v.state).enumerate() {
            let expected = match state {
                VmState::Running(_) | VmState::Migrating(_) => 1,
                _ => 0,
            };
            if placed[vm] != expected {
                return Err(format!(
                    "VM {vm} is {state:?} but is listed on {} hosts",
                    placed[vm]
                ));
            }
            if let VmState::Migrating(m) = state {
                let mig = &self.fleet.migrations[m];
                in_flight += 1;
                if mig.vm != vm || mig.outcome != MigrationOutcome::InFlight {
                    return Err(format!(
                        "VM {vm} is migrating with migration {m}, which is {:?} of VM {}",
                        mig.outcome, mig.vm
                    ));
                }
                if !self.fleet.hosts[mig.destination].migrations.contains(&m) {
                    return Err(format!(
                        "migration {m} of VM {vm} is missing from destination host {}",
                        mig.destination
                    ));
                }
                if (mig.phase == Phase::Queued) != self.fleet.mig_queue.contains(&m) {
                    return Err(format!(
                        "migration {m} is {:?} but the copy queue {} it",
                        mig.phase,
                        if mig.phase == Phase::Queued {
                            "lacks"
                        } else {
                            "holds"
                        }
                    ));
                }
            }
        }
        let (mut done, mut aborted, mut open, mut flowing) = (0, 0, 0, 0);
        for m in &self.fleet.migrations {
            match m.outcome {
                MigrationOutcome::Done => done += 1,
                MigrationOutcome::Aborted => aborted += 1,
                MigrationOutcome::InFlight => open += 1,
            }
            flowing += usize::from(m.rate_mb_s > 0.0);
        }
        if flowing != self.fleet.traffic.flowing() {
            return Err(format!(
                "{flowing} migrations send data but the traffic counts {}",
                self.fleet.traffic.flowing()
            ));
        }
        self.check_switches()?;
        if open != self.fleet.in_flight || done + aborted + open != self.fleet.migrations.len() {
            return Err(format!(
                "{} migrations started but {done} done + {aborted} aborted + {open} in flight (counter says {})",
                self.fleet.migrations.len(),
                self.fleet.in_flight
            ));
        }
        for (h, host) in self.fleet.hosts.iter().enumerate() {
            let j = &host.energy.joules;
            let parts = [j.idle, j.dynamic, j.migration, j.transition, j.standby];
            if parts.iter().any(|p| !p.is_finite() || *p < -1e-6)
                || host.energy.since > self.clock.now
            {
                return Err(format!(
                    "host {h} has inconsistent energy {j:?} accrued up to {} ms",
                    host.energy.since
                ));
            }
        }
        in_flight += self.check_profile()?;
        if in_flight != self.fleet.in_flight {
            return Err(format!(
                "{in_flight} VMs are migrating but {} migrations are counted in flight",
                self.fleet.in_flight
            ));
        }
        let waiting = self
            .fleet
            .vms
            .iter()
            .filter(|v| v.state == VmState::Waiting)
            .count();
        if waiting != self.fleet.waiting.len() + self.fleet.deferred.len() {
            return Err(format!(
                "{waiting} VMs are waiting but the queue holds {} and {} are deferred",
                self.fleet.waiting.len(),
                self.fleet.deferred.len()
            ));
        }
        // Placement rules: no two VMs of an anti-affinity group on a host (running or
        // incoming), no VM on a class its group does not allow, no keep-together group on
        // two hosts.
        if self.fleet.rules.iter().any(Option::is_some)
            && let Some(broken) = self.fleet.broken_rule()
        {
            return Err(broken);
        }
        self.check_failures()
    }

    /// Failures (`[failures]`): a host is failed exactly while a repair is due, and holds no
    /// VM and no migration; a VM is down only while a failure stopped it and it was not
    /// restarted, and a VM stopped by a failure is down or waiting until it runs again.
    fn check_failures(&self) -> Result<(), String> {
        let Some(run) = &self.failures else {
            return Ok(());
        };
        for (h, host) in self.fleet.hosts.iter().enumerate() {
            let failed = host.state == PowerState::Failed;
            if failed != run.is_failed(h) {
                return Err(format!(
                    "host {h} is {:?} but {} repair is due",
                    host.state,
                    if failed { "no" } else { "a" }
                ));
            }
            if failed && !(host.vms.is_empty() && host.migrations.is_empty()) {
                return Err(format!(
                    "host {h} is failed but holds {} VMs and {} migrations",
                    host.vms.len(),
                    host.migrations.len()
                ));
            }
        }
        for (vm, v) in self.fleet.vms.iter().enumerate() {
            let ok = match v.state {
                VmState::Down => run.is_down(vm),
                VmState::Running(_) | VmState::Migrating(_) | VmState::Ended => !run.is_down(vm),
                VmState::Pending | VmState::Waiting => true,
            };
            if !ok {
                return Err(format!(
                    "VM {vm} is {:?} but the failure bookkeeping {} it down",
                    v.state,
                    if run.is_down(vm) {
                        "has"
                    } else {
                        "does not have"
                    }
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::fleet::Fleet;
    use crate::sim::records::NullRecorder;

    const TINY: &str = r#"
version = 1
[simulation]
name = "tiny"
duration = "1h"
[[hosts]]
class = "h"
count = 2
cores = 4
ram = "8 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "vm"
count = 2
load = "l"
[loads.l]
shape = "constant"
level = 0.5
"#;

    fn with_sim(corrupt: impl FnOnce(&mut Simulation)) -> Result<(), String> {
        let setup = crate::scenario::load(TINY, "tiny.toml", &[]).unwrap();
        let mut rec = NullRecorder;
        let (mut sim, _) = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        sim.check_invariants()
            .expect("a fresh simulation is consistent");
        corrupt(&mut sim);
        sim.check_invariants()
    }

    #[test]
    fn a_vm_listed_on_two_hosts_is_caught() {
        let e = with_sim(|s| s.fleet.hosts[1].vms.push(0)).unwrap_err();
        assert!(e.contains("host 1 lists VM 0"), "{e}");
    }

    #[test]
    fn a_vm_on_a_host_that_is_off_is_caught() {
        let e = with_sim(|s| s.fleet.hosts[0].state = PowerState::Off).unwrap_err();
        assert!(e.contains("host 0 is Off but holds 2 VMs"), "{e}");
    }

    #[test]
    fn overcommitted_ram_is_caught() {
        let e = with_sim(|s| s.fleet.hosts[0].ram_used = 9_000.0).unwrap_err();
        assert!(e.contains("above its 8000 MB"), "{e}");
    }

    /// The host's link is the default 10 Gbit/s: 20,000 Mbit/s reserved is above it.
    #[test]
    fn network_reserved_above_the_link_is_caught() {
        let e = with_sim(|s| s.fleet.hosts[0].net_used = 20_000.0).unwrap_err();
        assert!(
            e.contains("host 0 has 20000 Mbit/s of network reserved, above its 10000 Mbit/s link"),
            "{e}"
        );
    }

    /// The VMs reserve no bandwidth: 500 Mbit/s booked on host 0 (within its link) is wrong.
    #[test]
    fn wrong_network_books_are_caught() {
        let e = with_sim(|s| s.fleet.hosts[0].net_used = 500.0).unwrap_err();
        assert!(
            e.contains("host 0 books 500 Mbit/s of network but its VMs and incoming migrations reserve 0 Mbit/s"),
            "{e}"
        );
    }

    #[test]
    fn a_lost_migration_is_caught() {
        let e = with_sim(|s| s.fleet.in_flight = 1).unwrap_err();
        assert!(e.contains("in flight"), "{e}");
    }

    #[test]
    fn a_reservation_on_a_host_that_is_off_is_caught_unless_it_waits_for_the_host() {
        // A migration planned onto a booting host queues for it: consistent.
        with_sim(|s| {
            s.fleet.hosts[1].state = PowerState::Booting;
            s.plan_migration(0, 1);
        })
        .unwrap();
        // A copy running to a host that is off is not.
        let e = with_sim(|s| {
            s.plan_migration(0, 1);
            s.fleet.hosts[1].state = PowerState::Off;
        })
        .unwrap_err();
        assert!(
            e.contains("host 1 is Off but migration 0 is Copying"),
            "{e}"
        );
    }

    #[test]
    fn wrong_ram_books_are_caught() {
        let e = with_sim(|s| s.fleet.hosts[0].ram_used -= 1000.0).unwrap_err();
        assert!(e.contains("host 0 books"), "{e}");
    }

    #[test]
    fn a_copy_rate_the_traffic_does_not_know_is_caught() {
        let e = with_sim(|s| {
            let m = s.open_migration(0, 0, 1);
            s.fleet.migrations[m].rate_mb_s = 10.0;
        })
        .unwrap_err();
        assert!(
            e.contains("1 migrations send data but the traffic counts 0"),
            "{e}"
        );
    }

    #[test]
    fn broken_placement_rules_are_caught() {
        use crate::sim::setup::PlacementRule;
        // Both VMs of the group run on host 0: an anti-affinity rule on it is broken.
        let e = with_sim(|s| {
            s.fleet.rules = vec![Some(PlacementRule {
                anti_affinity: true,
                affinity: false,
                classes: None,
            })];
        })
        .unwrap_err();
        assert!(
            e.contains("host 0 holds VM 0 and 1 other VM(s) of its anti-affinity group"),
            "{e}"
        );
        // The group may not use the fleet's only class.
        let e = with_sim(|s| {
            s.fleet.rules = vec![Some(PlacementRule {
                anti_affinity: false,
                affinity: false,
                classes: Some(vec![false]),
            })];
        })
        .unwrap_err();
        assert!(
            e.contains("VM 0 is on or bound for host 0, of a class its group does not allow"),
            "{e}"
        );
        // Kept together, with VM 1 moved to host 1 (its RAM with it): the group is split.
        let e = with_sim(|s| {
            let rule = PlacementRule {
                anti_affinity: false,
                affinity: true,
                classes: None,
            };
            let fleet = std::mem::replace(&mut s.fleet, Fleet::new(Vec::new(), Vec::new(), 0));
            s.fleet = fleet.with_rules(vec![Some(rule)]);
            let ram = s.setup.vm_types[0].ram_mb;
            s.fleet.hosts[0].vms.retain(|&v| v != 1);
            s.fleet.hosts[0].ram_used -= ram;
            s.fleet.hosts[1].vms.push(1);
            s.fleet.hosts[1].ram_used += ram;
            s.fleet.hosts[1].state = PowerState::On;
            s.fleet.vms[1].state = VmState::Running(1);
        })
        .unwrap_err();
        assert!(
            e.contains(
                "VMs 0 (host 0) and 1 (host 1) of keep-together group 0 are on or bound for different hosts"
            ),
            "{e}"
        );
    }

    #[test]
    fn negative_energy_is_caught() {
        let e = with_sim(|s| s.fleet.hosts[1].energy.joules.idle = -5.0).unwrap_err();
        assert!(e.contains("inconsistent energy"), "{e}");
    }
}
