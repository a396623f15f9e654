//! DPM-style power management, modelled on vSphere DPM's documented behaviour: the fleet's
//! CPU and memory demand against its powered capacity, averaged over two windows of history
//! sampled at control ticks, powers a host on when it runs hot and one off when it runs cold,
//! while an HA reserve of the largest hosts' capacity stays on beyond what demand needs.

use super::power::{HostPower, Need, PowerPlan, PowerPolicy, SpareCapacity, is_parked};
use crate::model::host::PowerState;
use crate::time::SimTime;
use std::collections::VecDeque;

/// The settings of [`Dpm`]; the defaults are vSphere DPM's documented ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DpmConfig {
    /// Utilisation (demand / powered capacity) the fleet is steered to (DPM's
    /// `DemandCapacityRatioTarget`, 63 %).
    pub target: f64,
    /// Band around the target (DPM's `DemandCapacityRatioToleranceHost`, 18 %): above
    /// `target + tolerance` hosts are powered on, below `target - tolerance` powered off.
    pub tolerance: f64,
    /// How long the fleet must have run hot (on average) before a power-on, ms (5 minutes).
    pub power_on_window: SimTime,
    /// How long the fleet must have run cold (on average) before a power-off, ms (40 minutes).
    pub power_off_window: SimTime,
    /// Hosts' worth of capacity (the largest hosts' CPU and RAM) kept on beyond what demand
    /// needs, so the VMs of that many failed hosts could restart (HA admission control).
    pub ha_reserve: usize,
}

impl Default for DpmConfig {
    fn default() -> Self {
        DpmConfig {
            target: 0.63,
            tolerance: 0.18,
            power_on_window: 5 * 60_000,
            power_off_window: 40 * 60_000,
            ha_reserve: 0,
        }
    }
}

/// The fleet at one control tick: demand (used plus unsatisfied) and capacity of the hosts on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    /// When it was taken, ms.
    at: SimTime,
    /// CPU demand of the VMs on the hosts that are on, MIPS.
    cpu: f64,
    /// Memory used on them, MB.
    ram: f64,
    /// CPU capacity of the hosts on, MIPS.
    cpu_cap: f64,
    /// Memory of the hosts on, MB.
    ram_cap: f64,
}

impl Sample {
    /// CPU and memory utilisation (demand over capacity; above 1 when demand goes unserved).
    fn utilisation(&self) -> (f64, f64) {
        (ratio(self.cpu, self.cpu_cap), ratio(self.ram, self.ram_cap))
    }
}

/// `demand / capacity`, infinite when demand meets no capacity, 0 with no demand.
fn ratio(demand: f64, capacity: f64) -> f64 {
    if capacity > 0.0 {
        demand / capacity
    } else if demand > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The averages of the samples of one window.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WindowMean {
    /// Mean CPU utilisation.
    cpu_util: f64,
    /// Mean memory utilisation.
    ram_util: f64,
    /// Mean CPU demand, MIPS.
    cpu: f64,
    /// Mean memory demand, MB.
    ram: f64,
}

/// vSphere DPM's power manager, on the fleet's history (see the module doc and
/// `docs/policies.md`). Waiting VMs and the floor of hosts on are served at once, as by
/// `dvfs`; the windows decide the rest once per control tick.
#[derive(Debug, Clone)]
pub struct Dpm {
    config: DpmConfig,
    /// Samples of the last `max(power_on_window, power_off_window)`, oldest first.
    history: VecDeque<Sample>,
    /// When the first sample was taken: a window is judged only once history covers it.
    since: Option<SimTime>,
    /// The time of the sample the windows last decided on (once per tick).
    decided: Option<SimTime>,
}

impl Dpm {
    /// A DPM power manager with no history yet.
    pub fn new(config: DpmConfig) -> Dpm {
        Dpm {
            config,
            history: VecDeque::new(),
            since: None,
            decided: None,
        }
    }

    /// The mean of the samples of the last `window` before the newest, if history covers it.
    fn mean(&self, window: SimTime) -> Option<WindowMean> {
        let now = self.history.back()?.at;
        if self.since? + window > now {
            return None;
        }
        let from = now - window;
        let mut n = 0.0;
        let mut m = WindowMean {
            cpu_util: 0.0,
            ram_util: 0.0,
            cpu: 0.0,
            ram: 0.0,
        };
        for s in self.history.iter().filter(|s| s.at >= from) {
            let (c, r) = s.utilisation();
            m.cpu_util += c;
            m.ram_util += r;
            m.cpu += s.cpu;
            m.ram += s.ram;
            n += 1.0;
        }
        Some(WindowMean {
            cpu_util: m.cpu_util / n,
            ram_util: m.ram_util / n,
            cpu: m.cpu / n,
            ram: m.ram / n,
        })
    }

    /// The utilisation below which hosts may go off: the target less the tolerance.
    fn power_off_mark(&self) -> f64 {
        self.config.target - self.config.tolerance
    }

    /// The CPU and RAM of the `ha_reserve` largest hosts of the fleet (each resource apart).
    fn reserve(&self, hosts: &[HostPower]) -> (f64, f64) {
        let n = self.config.ha_reserve;
        let mut mips: Vec<f64> = hosts.iter().map(|h| h.mips).collect();
        let mut ram: Vec<f64> = hosts.iter().map(|h| h.ram_mb).collect();
        mips.sort_by(|a, b| b.total_cmp(a));
        ram.sort_by(|a, b| b.total_cmp(a));
        (mips.iter().take(n).sum(), ram.iter().take(n).sum())
    }
}

/// Most efficient first (lowest watts per MIPS), then by id.
fn by_efficiency(a: &&HostPower, b: &&HostPower) -> std::cmp::Ordering {
    a.watts_per_mips
        .total_cmp(&b.watts_per_mips)
        .then(a.id.cmp(&b.id))
}

impl PowerPolicy for Dpm {
    /// Hosts go off only while demand stays at or below the target.
    fn usable_share(&self) -> Option<f64> {
        Some(self.config.target)
    }
    /// Hosts go off only once demand is below the target less the tolerance.
    fn off_mark(&self) -> Option<f64> {
        Some(self.power_off_mark())
    }
    fn observe(&mut self, now: SimTime, hosts: &[HostPower]) {
        let on = hosts.iter().filter(|h| h.state == PowerState::On);
        let mut s = Sample {
            at: now,
            cpu: 0.0,
            ram: 0.0,
            cpu_cap: 0.0,
            ram_cap: 0.0,
        };
        for h in on {
            s.cpu += h.demand_mips;
            s.ram += h.ram_used_mb;
            s.cpu_cap += h.mips;
            s.ram_cap += h.ram_mb;
        }
        self.since.get_or_insert(now);
        self.history.push_back(s);
        let keep = self
            .config
            .power_on_window
            .max(self.config.power_off_window);
        while self.history.front().is_some_and(|f| f.at + keep < now) {
            self.history.pop_front();
        }
    }

    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan {
        // Waiting VMs, committed load beyond capacity and the floor of hosts: at once.
        let mut plan = SpareCapacity { headroom: 0.0 }.plan(hosts, need);
        plan.shut_down.clear();
        let Some(newest) = self.history.back().copied() else {
            return plan;
        };
        if self.decided == Some(newest.at) {
            return plan;
        }
        self.decided = Some(newest.at);
        let c = self.config;
        let (reserve_mips, reserve_ram) = self.reserve(hosts);
        // Powered capacity: hosts on or booting, and those just planned to boot.
        let powered = |h: &&HostPower| {
            matches!(h.state, PowerState::On | PowerState::Booting) || plan.boot.contains(&h.id)
        };
        let mut cap_mips: f64 = hosts.iter().filter(powered).map(|h| h.mips).sum();
        let mut cap_ram: f64 = hosts.iter().filter(powered).map(|h| h.ram_mb).sum();
        // Whether `cpu` and `ram` of demand run at most at the target on the capacity left
        // once the HA reserve is set aside.
        let within = |cpu: f64, ram: f64, cap_mips: f64, cap_ram: f64| {
            cap_mips >= reserve_mips
                && cap_ram >= reserve_ram
                && ratio(cpu, cap_mips - reserve_mips) <= c.target
                && ratio(ram, cap_ram - reserve_ram) <= c.target
        };
        let hot = self
            .mean(c.power_on_window)
            .filter(|m| m.cpu_util.max(m.ram_util) > c.target + c.tolerance);
        // HA admission control: the reserve set aside, powered capacity must still hold
        // the latest sample's demand.
        let short_of_reserve = cap_mips < reserve_mips
            || cap_ram < reserve_ram
            || ratio(newest.cpu, cap_mips - reserve_mips) > 1.0
            || ratio(newest.ram, cap_ram - reserve_ram) > 1.0;
        if hot.is_some() || short_of_reserve {
            // Power hosts on until the window's mean demand (or the latest, if higher) runs
            // at the target: sleeping hosts first (they wake fast), then the most efficient.
            let (cpu, ram) = match hot {
                Some(m) => (m.cpu.max(newest.cpu), m.ram.max(newest.ram)),
                None => (newest.cpu, newest.ram),
            };
            let mut parked: Vec<&HostPower> = hosts
                .iter()
                .filter(|h| is_parked(h.state) && !plan.boot.contains(&h.id))
                .collect();
            parked.sort_by(|a, b| {
                (a.state != PowerState::Sleep)
                    .cmp(&(b.state != PowerState::Sleep))
                    .then(by_efficiency(a, b))
            });
            for h in parked {
                if within(cpu, ram, cap_mips, cap_ram) {
                    break;
                }
                plan.boot.push(h.id);
                cap_mips += h.mips;
                cap_ram += h.ram_mb;
            }
            return plan;
        }
        if !plan.boot.is_empty() {
            return plan;
        }
        let Some(cold) = self.mean(c.power_off_window) else {
            return plan;
        };
        let low = self.power_off_mark();
        if cold.cpu_util >= low || cold.ram_util >= low {
            return plan;
        }
        // Power empty hosts off, least efficient first, while the window's mean demand (or
        // the latest, if higher) still runs at most at the target with the reserve kept on.
        let (cpu, ram) = (cold.cpu.max(newest.cpu), cold.ram.max(newest.ram));
        let mut on = hosts.iter().filter(|h| h.state == PowerState::On).count();
        let mut removable: Vec<&HostPower> = hosts.iter().filter(|h| h.removable).collect();
        removable.sort_by(|a, b| by_efficiency(b, a));
        for h in removable {
            let (mips, ram_mb) = (cap_mips - h.mips, cap_ram - h.ram_mb);
            if on <= need.min_hosts
                || need.mips > mips
                || need.ram_mb > ram_mb
                || !within(cpu, ram, mips, ram_mb)
            {
                continue;
            }
            plan.shut_down.push(h.id);
            cap_mips = mips;
            cap_ram = ram_mb;
            on -= 1;
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: SimTime = 60_000;

    /// A host of 1000 MIPS and 1000 MB carrying `cpu` MIPS and `ram` MB of demand.
    fn host(id: usize, state: PowerState, cpu: f64, ram: f64) -> HostPower {
        HostPower {
            id,
            state,
            mips: 1000.0,
            ram_mb: 1000.0,
            core_mips: 1000.0,
            removable: state == PowerState::On && cpu == 0.0 && ram == 0.0,
            watts_per_mips: 0.1 + id as f64 * 0.01,
            demand_mips: cpu,
            ram_used_mb: ram,
            boot_ms: 0,
        }
    }

    /// Feeds `hosts` to `dpm` once a minute from `from` to `to` minutes (inclusive) and
    /// returns the plan of each tick.
    fn ticks(dpm: &mut Dpm, hosts: &[HostPower], from: u64, to: u64) -> Vec<PowerPlan> {
        let need = Need {
            min_hosts: 1,
            ..Need::default()
        };
        (from..=to)
            .map(|m| {
                dpm.observe(m * MIN, hosts);
                dpm.plan(hosts, need)
            })
            .collect()
    }

    #[test]
    fn defaults_are_dpms_documented_ones() {
        // 63 % +/- 18 %: power on above 81 % over 5 minutes, off below 45 % over 40.
        let c = DpmConfig::default();
        assert_eq!((c.target, c.tolerance), (0.63, 0.18));
        assert_eq!((c.power_on_window, c.power_off_window), (5 * MIN, 40 * MIN));
        assert_eq!(c.ha_reserve, 0);
    }

    #[test]
    fn powers_on_after_five_minutes_above_81_percent_not_before() {
        // Two hosts on at 850 MIPS of 1000 (85 % > 81 %), two off. Sampled each minute from
        // minute 0, the 5-minute window is covered at minute 5: no boot at minutes 0 to 4.
        // Then the window's demand, 1700 MIPS, must run at 63 % at most: 1700 / 0.63 = 2698
        // MIPS, so one parked host comes on (3000 MIPS: 57 %), the most efficient (id 2).
        let hosts = [
            host(0, PowerState::On, 850.0, 100.0),
            host(1, PowerState::On, 850.0, 100.0),
            host(2, PowerState::Off, 0.0, 0.0),
            host(3, PowerState::Off, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 5);
        assert!(plans[..5].iter().all(|p| p.boot.is_empty()), "{plans:?}");
        assert_eq!(plans[5].boot, vec![2]);
    }

    #[test]
    fn a_vm_waiting_at_a_hot_tick_gets_its_host_and_the_window_its_own() {
        // Two hosts at 95 % for 5 minutes, and at minute 5 a 500-MIPS VM waits for room: host
        // 2 boots for it at once (as under `dvfs`), and the window, counting host 2, still
        // finds 1900 MIPS above 63 % of 3000: host 3 boots too (1900 / 4000 = 47.5 %).
        let hosts = [
            host(0, PowerState::On, 950.0, 100.0),
            host(1, PowerState::On, 950.0, 100.0),
            host(2, PowerState::Off, 0.0, 0.0),
            host(3, PowerState::Off, 0.0, 0.0),
            host(4, PowerState::Off, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 4);
        assert!(plans.iter().all(|p| p.boot.is_empty()));
        dpm.observe(5 * MIN, &hosts);
        let waiting = Need {
            mips: 500.0,
            min_hosts: 1,
            stranded_mips: 500.0,
            ..Need::default()
        };
        assert_eq!(dpm.plan(&hosts, waiting).boot, vec![2, 3]);
    }

    #[test]
    fn a_hot_spell_shorter_than_the_window_averages_below_the_mark() {
        // Minutes 0-2 at 50 %, minutes 3-5 at 95 %: the 5-minute window (minutes 0-5) averages
        // 72.5 %, below 81 %, so nothing is booted yet.
        let cool = [
            host(0, PowerState::On, 500.0, 0.0),
            host(1, PowerState::Off, 0.0, 0.0),
        ];
        let hot = [
            host(0, PowerState::On, 950.0, 0.0),
            host(1, PowerState::Off, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        ticks(&mut dpm, &cool, 0, 2);
        let plans = ticks(&mut dpm, &hot, 3, 5);
        assert!(plans.iter().all(|p| p.boot.is_empty()), "{plans:?}");
        // At minute 6 the window (minutes 1-6) averages (2 x 50 + 4 x 95) / 6 = 80 %; at
        // minute 7 (minutes 2-7) (50 + 5 x 95) / 6 = 87.5 %: host 1 comes on.
        let plans = ticks(&mut dpm, &hot, 6, 7);
        assert!(plans[0].boot.is_empty());
        assert_eq!(plans[1].boot, vec![1]);
    }

    #[test]
    fn memory_above_the_mark_powers_a_host_on_while_cpu_is_low() {
        // CPU at 10 %, memory at 90 % (> 81 %) for 5 minutes: one more host brings memory to
        // 1800 / 3000 = 60 %, within the 63 % target.
        let hosts = [
            host(0, PowerState::On, 100.0, 900.0),
            host(1, PowerState::On, 100.0, 900.0),
            host(2, PowerState::Off, 0.0, 0.0),
            host(3, PowerState::Off, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 5);
        assert!(plans[..5].iter().all(|p| p.boot.is_empty()));
        assert_eq!(plans[5].boot, vec![2]);
    }

    #[test]
    fn powers_off_after_forty_minutes_below_45_percent_not_before() {
        // Four hosts on, two empty, 2 x 300 MIPS of demand: 600 / 4000 = 15 % < 45 %. The
        // 40-minute window is covered at minute 40 only. Then the demand must run at 63 % at
        // most on what stays on: 600 / 0.63 = 952 MIPS, so both empty hosts go (2000 MIPS
        // left: 30 %), least efficient (id 3) first.
        let hosts = [
            host(0, PowerState::On, 300.0, 300.0),
            host(1, PowerState::On, 300.0, 300.0),
            host(2, PowerState::On, 0.0, 0.0),
            host(3, PowerState::On, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 40);
        assert!(plans[..40].iter().all(|p| p.shut_down.is_empty()));
        assert_eq!(plans[40].shut_down, vec![3, 2]);
    }

    #[test]
    fn no_power_off_while_memory_stays_above_the_low_mark() {
        // CPU at 15 % but memory at 50 % (>= 45 %) for 40 minutes: DPM needs both low.
        let hosts = [
            host(0, PowerState::On, 300.0, 1000.0),
            host(1, PowerState::On, 300.0, 1000.0),
            host(2, PowerState::On, 0.0, 0.0),
            host(3, PowerState::On, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 45);
        assert!(plans.iter().all(|p| p.shut_down.is_empty()));
    }

    #[test]
    fn ha_reserve_keeps_the_largest_hosts_capacity_on_at_night() {
        // Night: one host carries 300 MIPS, three on hosts are empty, all 1000 MIPS but host
        // 3 with 2000 (the most efficient). Without a reserve 300 / 0.63 = 476 MIPS is
        // enough: the three empty hosts go, least efficient first. With ha_reserve = 1 the
        // largest host's 2000 MIPS is set aside: capacity must stay at 476 + 2000 = 2476
        // MIPS, so hosts 2 and 1 go and hosts 0 and 3 (3000 MIPS) stay on: if host 3 failed,
        // host 0 still holds the 300 MIPS.
        let mut hosts = [
            host(0, PowerState::On, 300.0, 300.0),
            host(1, PowerState::On, 0.0, 0.0),
            host(2, PowerState::On, 0.0, 0.0),
            host(3, PowerState::On, 0.0, 0.0),
        ];
        hosts[3].mips = 2000.0;
        hosts[3].watts_per_mips = 0.05;
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 40);
        assert_eq!(plans[40].shut_down, vec![2, 1, 3]);
        let mut dpm = Dpm::new(DpmConfig {
            ha_reserve: 1,
            ..DpmConfig::default()
        });
        let plans = ticks(&mut dpm, &hosts, 0, 40);
        assert_eq!(plans[40].shut_down, vec![2, 1]);
        // With no demand at all the reserve still stays on: host 3 alone (2000 MIPS).
        hosts[0] = host(0, PowerState::On, 0.0, 0.0);
        let mut dpm = Dpm::new(DpmConfig {
            ha_reserve: 1,
            ..DpmConfig::default()
        });
        let plans = ticks(&mut dpm, &hosts, 0, 40);
        assert_eq!(plans[40].shut_down, vec![2, 1, 0]);
    }

    #[test]
    fn ha_reserve_powers_hosts_on_at_once_when_it_is_short() {
        // One host on at 600 MIPS, two off. With ha_reserve = 1 (1000 MIPS set aside) the on
        // capacity left, 0, cannot hold 600 MIPS: a host is booted at the first tick, before
        // any window is covered; then 600 / (2000 - 1000) = 60 % is within the target.
        let hosts = [
            host(0, PowerState::On, 600.0, 100.0),
            host(1, PowerState::Off, 0.0, 0.0),
            host(2, PowerState::Off, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig {
            ha_reserve: 1,
            ..DpmConfig::default()
        });
        let plans = ticks(&mut dpm, &hosts, 0, 0);
        assert_eq!(plans[0].boot, vec![1]);
    }

    #[test]
    fn the_windows_decide_once_per_tick() {
        // A second plan with no new sample (a VM waits between ticks) powers nothing off.
        let hosts = [
            host(0, PowerState::On, 300.0, 300.0),
            host(1, PowerState::On, 0.0, 0.0),
        ];
        let mut dpm = Dpm::new(DpmConfig::default());
        let plans = ticks(&mut dpm, &hosts, 0, 40);
        assert_eq!(plans[40].shut_down, vec![1]);
        let need = Need {
            min_hosts: 1,
            ..Need::default()
        };
        assert_eq!(dpm.plan(&hosts, need), PowerPlan::default());
    }
}
