//! Power management: which hosts to boot and which to switch off, every control interval.

use super::Entry;
use super::dpm::{Dpm, DpmConfig};
use crate::model::host::PowerState;
use crate::time::SimTime;

/// A host as the power manager sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostPower {
    /// Host id.
    pub id: usize,
    /// Power state now.
    pub state: PowerState,
    /// CPU capacity, MIPS.
    pub mips: f64,
    /// Memory, MB.
    pub ram_mb: f64,
    /// Speed of one core, MIPS (a VM's vCPU needs a core at least as fast).
    pub core_mips: f64,
    /// Whether it may be switched off now: on, empty, no migration in or out, idle long enough.
    pub removable: bool,
    /// Watts at full load per MIPS (lower = more efficient).
    pub watts_per_mips: f64,
    /// CPU demand of the VMs executing on it, served or not (0 unless on), MIPS.
    pub demand_mips: f64,
    /// Memory its VMs and incoming migrations hold (0 unless on), MB.
    pub ram_used_mb: f64,
    /// Time from a power-up decision to on: its wake time if asleep, else its boot time, ms.
    pub boot_ms: SimTime,
}

/// What the fleet must hold: committed and waiting CPU and RAM, and a floor of powered hosts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Need {
    /// CPU, MIPS.
    pub mips: f64,
    /// Memory, MB.
    pub ram_mb: f64,
    /// Hosts that stay powered whatever the load.
    pub min_hosts: usize,
    /// CPU of VMs that found no room on any on host (part of `mips`): hosts must be powered
    /// up for them, whatever the fleet-wide headroom says, MIPS.
    pub stranded_mips: f64,
    /// Memory of those VMs, MB.
    pub stranded_ram_mb: f64,
    /// The fastest vCPU among them, MIPS: a host with slower cores cannot take them all, so
    /// it is not powered up for them (0: any host).
    pub stranded_vcpu_mips: f64,
}

/// The hosts to boot and to switch off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PowerPlan {
    /// Hosts to power up (now off or asleep): booted, or woken if asleep.
    pub boot: Vec<usize>,
    /// Hosts to power down (now on, removable): switched off, or put to sleep if the scenario
    /// parks hosts in sleep and the class has a sleep state.
    pub shut_down: Vec<usize>,
}

/// Whether a host is parked (off or asleep) and may be powered up.
pub fn is_parked(state: PowerState) -> bool {
    matches!(state, PowerState::Off | PowerState::Sleep)
}

/// A power-management policy.
pub trait PowerPolicy: Send {
    /// Decides boots and shutdowns given every host and what the fleet must hold.
    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan;
    /// Records every host at a control tick `now` (ms), before that tick's plan, for
    /// policies that decide on history (`dpm`); the others ignore it.
    fn observe(&mut self, _now: SimTime, _hosts: &[HostPower]) {}
    /// Whether an on host draws its peak power whatever its load (no frequency scaling).
    fn peak_draw(&self) -> bool {
        false
    }
    /// The share of powered CPU and RAM this policy lets demand fill before it keeps a host
    /// on, or `None` if it never switches hosts off: what a consolidation move that empties a
    /// host must leave room for, for the host to go off (`policy.calm.benefit`).
    fn usable_share(&self) -> Option<f64> {
        Some(1.0)
    }
    /// The share of powered CPU and RAM that demand must be below before the policy switches
    /// any host off, where that is a separate, lower mark than [`usable_share`](Self::usable_share)
    /// (DPM's target less its tolerance); `None` where the usable share alone decides.
    fn off_mark(&self) -> Option<f64> {
        None
    }
}

/// Every host stays on: the baseline.
pub struct AlwaysOn;
impl PowerPolicy for AlwaysOn {
    fn plan(&mut self, hosts: &[HostPower], _: Need) -> PowerPlan {
        PowerPlan {
            boot: hosts
                .iter()
                .filter(|h| is_parked(h.state))
                .map(|h| h.id)
                .collect(),
            shut_down: vec![],
        }
    }
    fn usable_share(&self) -> Option<f64> {
        None
    }
}

/// Non-power-aware (NPA), the baseline of Beloglazov & Buyya (2012): every host stays on and
/// draws its peak power whatever its load (no frequency scaling, nothing switched off).
pub struct NonPowerAware;
impl PowerPolicy for NonPowerAware {
    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan {
        AlwaysOn.plan(hosts, need)
    }
    fn peak_draw(&self) -> bool {
        true
    }
    fn usable_share(&self) -> Option<f64> {
        None
    }
}

/// DVFS, the other baseline of Beloglazov & Buyya (2012): power follows load, and a host with
/// no VM is switched off at once; hosts are powered up only when the committed load needs
/// them (spare capacity with no headroom).
pub struct Dvfs;
impl PowerPolicy for Dvfs {
    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan {
        SpareCapacity { headroom: 0.0 }.plan(hosts, need)
    }
}

/// Keep a fraction `headroom` of powered CPU and RAM free: power up parked hosts when short
/// (sleeping ones first, as they wake fast, then the most efficient), switch the least
/// efficient empty hosts off when there is more than enough.
pub struct SpareCapacity {
    /// Fraction of powered capacity kept free.
    pub headroom: f64,
}

impl PowerPolicy for SpareCapacity {
    fn usable_share(&self) -> Option<f64> {
        Some(1.0 - self.headroom)
    }
    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan {
        let usable = 1.0 - self.headroom;
        let powered = |h: &&HostPower| matches!(h.state, PowerState::On | PowerState::Booting);
        let mut cap_mips: f64 = hosts.iter().filter(powered).map(|h| h.mips).sum();
        let mut cap_ram: f64 = hosts.iter().filter(powered).map(|h| h.ram_mb).sum();
        let mut on = hosts.iter().filter(powered).count();
        let short = |mips: f64, ram: f64| need.mips > usable * mips || need.ram_mb > usable * ram;
        // Capacity on its way up serves the VMs that found no room on the hosts already on,
        // if its cores can run them.
        let serves = |h: &HostPower| h.core_mips * (1.0 + 1e-9) >= need.stranded_vcpu_mips;
        let rising = |h: &&HostPower| h.state == PowerState::Booting && serves(h);
        let mut rising_mips: f64 = hosts.iter().filter(rising).map(|h| h.mips).sum();
        let mut rising_ram: f64 = hosts.iter().filter(rising).map(|h| h.ram_mb).sum();
        let stranded =
            |mips: f64, ram: f64| need.stranded_mips > mips || need.stranded_ram_mb > ram;
        let mut plan = PowerPlan::default();

        let by_efficiency = |a: &&HostPower, b: &&HostPower| {
            a.watts_per_mips
                .total_cmp(&b.watts_per_mips)
                .then(a.id.cmp(&b.id))
        };
        if short(cap_mips, cap_ram) || on < need.min_hosts || stranded(rising_mips, rising_ram) {
            let mut off: Vec<&HostPower> = hosts.iter().filter(|h| is_parked(h.state)).collect();
            off.sort_by(|a, b| {
                (a.state != PowerState::Sleep)
                    .cmp(&(b.state != PowerState::Sleep))
                    .then(by_efficiency(a, b))
            });
            for h in off {
                let enough = !short(cap_mips, cap_ram) && on >= need.min_hosts;
                if enough && !stranded(rising_mips, rising_ram) {
                    break;
                }
                if enough && !serves(h) {
                    // Wanted only for the stranded VMs, which its cores cannot run.
                    continue;
                }
                plan.boot.push(h.id);
                cap_mips += h.mips;
                cap_ram += h.ram_mb;
                on += 1;
                if serves(h) {
                    rising_mips += h.mips;
                    rising_ram += h.ram_mb;
                }
            }
            return plan;
        }
        let mut removable: Vec<&HostPower> = hosts.iter().filter(|h| h.removable).collect();
        removable.sort_by(|a, b| by_efficiency(b, a));
        for h in removable {
            if on <= need.min_hosts || short(cap_mips - h.mips, cap_ram - h.ram_mb) {
                continue;
            }
            plan.shut_down.push(h.id);
            cap_mips -= h.mips;
            cap_ram -= h.ram_mb;
            on -= 1;
        }
        plan
    }
}

/// Every power policy, by scenario name. The parameter of `spare-capacity` is its headroom.
pub const POWER_POLICIES: &[Entry<dyn PowerPolicy>] = &[
    Entry {
        name: "keep-on",
        summary: "every host stays on (consolidation still runs unless disabled)",
        build: |_, _| Box::new(AlwaysOn),
    },
    Entry {
        name: "npa",
        summary: "non-power-aware baseline: every host on at its peak power all the time",
        build: |_, _| Box::new(NonPowerAware),
    },
    Entry {
        name: "dvfs",
        summary: "power follows load; hosts with no VM are switched off at once",
        build: |_, _| Box::new(Dvfs),
    },
    Entry {
        name: "spare-capacity",
        summary: "switch empty hosts off, keeping a headroom of powered capacity free",
        build: |p, _| {
            Box::new(SpareCapacity {
                headroom: p.unwrap_or(0.2),
            })
        },
    },
    Entry {
        name: "dpm",
        summary: "vSphere DPM-style: hosts on above 81 % over 5 min, off below 45 % over 40 min, HA reserve kept on",
        // A run builds it from `policy.power.dpm` (`sim::Simulation::new`); this row, with
        // the defaults, serves validation and the listing of names.
        build: |_, _| Box::new(Dpm::new(DpmConfig::default())),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn host(id: usize, state: PowerState, removable: bool, wpm: f64) -> HostPower {
        HostPower {
            id,
            state,
            mips: 1000.0,
            ram_mb: 1000.0,
            core_mips: 1000.0,
            removable,
            watts_per_mips: wpm,
            demand_mips: 0.0,
            ram_used_mb: 0.0,
            boot_ms: 0,
        }
    }

    #[test]
    fn switches_off_least_efficient_empty_hosts_down_to_headroom() {
        // Four on hosts (4000 MIPS), need 1500 MIPS, headroom 0.25: 1500 <= 0.75 x cap needs
        // cap >= 2000, so two of the three empty hosts may go, least efficient (id 3, id 2) first.
        let hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::On, true, 0.1),
            host(2, PowerState::On, true, 0.2),
            host(3, PowerState::On, true, 0.3),
        ];
        let plan = SpareCapacity { headroom: 0.25 }.plan(
            &hosts,
            Need {
                mips: 1500.0,
                ram_mb: 0.0,
                min_hosts: 1,
                ..Need::default()
            },
        );
        assert_eq!(
            plan,
            PowerPlan {
                boot: vec![],
                shut_down: vec![3, 2]
            }
        );
    }

    #[test]
    fn vms_that_found_no_room_get_hosts_booted_for_them() {
        // The fleet-wide headroom is fine (1000 of 3000 MIPS), but a 1500-MIPS VM found no
        // room on the on hosts: power up parked capacity for it, most efficient first (id 2,
        // then id 1), counting hosts already booting (id 3, 1000 MIPS) first.
        let hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::Off, false, 0.3),
            host(2, PowerState::Off, false, 0.2),
            host(3, PowerState::Booting, false, 0.25),
        ];
        let need = Need {
            mips: 1000.0,
            min_hosts: 1,
            stranded_mips: 1500.0,
            ..Need::default()
        };
        let plan = SpareCapacity { headroom: 0.2 }.plan(&hosts, need);
        assert_eq!(
            plan,
            PowerPlan {
                boot: vec![2],
                shut_down: vec![]
            }
        );
        let need = Need {
            stranded_mips: 3500.0,
            ..need
        };
        assert_eq!(
            SpareCapacity { headroom: 0.2 }.plan(&hosts, need).boot,
            vec![2, 1]
        );
    }

    #[test]
    fn hosts_whose_cores_are_too_slow_are_not_booted_for_stranded_vms() {
        // A VM of 1500-MIPS vCPUs found no room: the most efficient parked host (id 1) has
        // 1000-MIPS cores, so host 2 (2000) is booted for it; the booting host 3 (1000) does
        // not count as capacity on its way up for it either.
        let mut hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::Off, false, 0.2),
            host(2, PowerState::Off, false, 0.3),
            host(3, PowerState::Booting, false, 0.25),
        ];
        hosts[2].core_mips = 2000.0;
        let need = Need {
            mips: 1000.0,
            min_hosts: 1,
            stranded_mips: 500.0,
            stranded_vcpu_mips: 1500.0,
            ..Need::default()
        };
        let plan = SpareCapacity { headroom: 0.2 }.plan(&hosts, need);
        assert_eq!(plan.boot, vec![2]);
        // With no host fast enough parked, none is booted for it.
        hosts[2].core_mips = 1000.0;
        assert!(
            SpareCapacity { headroom: 0.2 }
                .plan(&hosts, need)
                .boot
                .is_empty()
        );
    }

    #[test]
    fn boots_most_efficient_off_hosts_until_headroom_is_restored() {
        let hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::Off, false, 0.3),
            host(2, PowerState::Off, false, 0.2),
            host(3, PowerState::Off, false, 0.25),
        ];
        // Need 2000 MIPS with headroom 0.2: cap >= 2500, so two more hosts: ids 2 then 3.
        let plan = SpareCapacity { headroom: 0.2 }.plan(
            &hosts,
            Need {
                mips: 2000.0,
                ram_mb: 0.0,
                min_hosts: 1,
                ..Need::default()
            },
        );
        assert_eq!(
            plan,
            PowerPlan {
                boot: vec![2, 3],
                shut_down: vec![]
            }
        );
    }

    #[test]
    fn sleeping_hosts_are_woken_before_off_hosts_even_if_less_efficient() {
        let hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::Off, false, 0.1),
            host(2, PowerState::Sleep, false, 0.3),
        ];
        // Need 1000 MIPS with headroom 0.2: cap >= 1250, one more host: the sleeping one.
        let plan = SpareCapacity { headroom: 0.2 }.plan(
            &hosts,
            Need {
                mips: 1000.0,
                ram_mb: 0.0,
                min_hosts: 1,
                ..Need::default()
            },
        );
        assert_eq!(plan.boot, vec![2]);
    }

    #[test]
    fn npa_keeps_every_host_on_at_peak_and_dvfs_switches_every_empty_host_off() {
        let hosts = [
            host(0, PowerState::On, false, 0.1),
            host(1, PowerState::On, true, 0.1),
            host(2, PowerState::Off, false, 0.1),
        ];
        // NPA boots the off host and switches nothing off.
        let plan = NonPowerAware.plan(&hosts, Need::default());
        assert_eq!(plan.boot, vec![2]);
        assert!(plan.shut_down.is_empty() && NonPowerAware.peak_draw());
        // DVFS: 500 MIPS committed fit on host 0 alone, so the empty host 1 goes off.
        let need = Need {
            mips: 500.0,
            min_hosts: 1,
            ..Need::default()
        };
        assert_eq!(
            Dvfs.plan(&hosts, need),
            PowerPlan {
                boot: vec![],
                shut_down: vec![1]
            }
        );
        assert!(!Dvfs.peak_draw());
    }

    #[test]
    fn always_on_boots_whatever_is_off() {
        let hosts = [
            host(0, PowerState::On, true, 0.1),
            host(1, PowerState::Off, false, 0.1),
        ];
        assert_eq!(
            AlwaysOn.plan(&hosts, Need::default()),
            PowerPlan {
                boot: vec![1],
                shut_down: vec![]
            }
        );
    }
}
