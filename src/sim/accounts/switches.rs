//! Top-of-rack switches during a run (`[racks]`): how many hosts of each rack are not off,
//! and each switch's energy, accrued exactly as a host's is: at each change of its rack's
//! state, and before the price or the grid intensity steps.

use crate::model::host::PowerState;
use crate::model::racks::{RackId, RackSetup};
use crate::sim::Simulation;
use crate::sim::energy::{EnergyAccount, Split};
use crate::sim::state::HostId;
use crate::time::SimTime;

/// The switches' state and meters, one entry per rack.
pub(crate) struct Switches {
    /// Hosts of each rack that are not off (booting, on, shutting down or asleep).
    awake: Vec<usize>,
    /// Each switch's energy, cost and emissions (its draw is booked as `idle`).
    pub energy: Vec<EnergyAccount>,
    /// Each switch's time on since the warm-up, ms.
    pub on_ms: Vec<u64>,
}

impl Switches {
    /// Every rack with all its hosts on, as a run starts.
    pub fn new(racks: &RackSetup) -> Switches {
        let n = racks.map.len();
        Switches {
            awake: (0..n).map(|r| racks.map.hosts(r).len()).collect(),
            energy: vec![EnergyAccount::default(); n],
            on_ms: vec![0; n],
        }
    }

    /// Whether rack `r`'s switch is on now (always-on, or a host of the rack not off).
    pub fn is_on(&self, racks: &RackSetup, r: RackId) -> bool {
        racks.mode == crate::model::racks::SwitchMode::AlwaysOn || self.awake[r] > 0
    }

    /// Hosts of rack `r` not off now.
    pub fn awake(&self, r: RackId) -> usize {
        self.awake[r]
    }

    /// Switch `r`'s draw now, W.
    pub fn draw(&self, racks: &RackSetup, r: RackId) -> f64 {
        racks.draw(self.awake[r])
    }

    /// Adds switch `r`'s energy up to `now` at the draw in force since its last accrual.
    pub fn accrue(&mut self, racks: &RackSetup, r: RackId, now: SimTime, rates: (f64, f64)) {
        let elapsed = now - self.energy[r].since;
        if self.is_on(racks, r) {
            self.on_ms[r] += elapsed;
        }
        let draw = Split {
            idle: self.draw(racks, r),
            ..Split::default()
        };
        self.energy[r].accrue(now, &draw, rates.0, rates.1);
    }

    /// Drops what was metered so far (the warm-up's end): accounts restart at `now`.
    pub fn restart(&mut self, now: SimTime) {
        for e in &mut self.energy {
            *e = EnergyAccount {
                since: now,
                ..Default::default()
            };
        }
        self.on_ms.fill(0);
    }

    /// Total energy (J), cost and emissions (g) of every switch so far.
    pub fn totals(&self) -> (f64, f64, f64) {
        let mut out = (0.0, 0.0, 0.0);
        for e in &self.energy {
            out.0 += e.joules.total();
            out.1 += e.cost;
            out.2 += e.carbon_g;
        }
        out
    }

    /// Switches on now, and their total draw, W.
    pub fn now(&self, racks: &RackSetup) -> (usize, f64) {
        let mut out = (0, 0.0);
        for r in 0..self.awake.len() {
            if self.is_on(racks, r) {
                out.0 += 1;
            }
            out.1 += self.draw(racks, r);
        }
        out
    }
}

impl Simulation<'_> {
    /// Accrues every switch up to now (with every host: `accrue_all`).
    pub(in crate::sim) fn accrue_switches(&mut self) {
        let (Some(racks), Some(sw)) = (&self.setup.racks, &mut self.accounts.switches) else {
            return;
        };
        let rates = (self.accounts.price, self.accounts.intensity);
        for r in 0..racks.map.len() {
            sw.accrue(racks, r, self.clock.now, rates);
        }
    }

    /// The invariant of the switches: each rack's count of hosts not off is its hosts'.
    pub(in crate::sim) fn check_switches(&self) -> Result<(), String> {
        let (Some(racks), Some(sw)) = (&self.setup.racks, &self.accounts.switches) else {
            return Ok(());
        };
        for r in 0..racks.map.len() {
            let awake = racks
                .map
                .hosts(r)
                .iter()
                .filter(|&&h| keeps_switch_on(self.fleet.hosts[h].state))
                .count();
            if awake != sw.awake[r] {
                return Err(format!(
                    "rack {} has {awake} hosts not off but its switch counts {}",
                    racks.map.name(r),
                    sw.awake[r]
                ));
            }
        }
        Ok(())
    }

    /// Puts host `h` in `state`; its rack's switch is accrued at its old draw, then counts
    /// the host if it now keeps the switch on, or no longer does (the one place a host's
    /// power state changes, so the count cannot drift).
    pub(in crate::sim) fn set_power_state(&mut self, h: HostId, state: PowerState) {
        let old = std::mem::replace(&mut self.fleet.hosts[h].state, state);
        let (was, is) = (keeps_switch_on(old), keeps_switch_on(state));
        let (Some(racks), Some(sw)) = (&self.setup.racks, &mut self.accounts.switches) else {
            return;
        };
        if was == is {
            return;
        }
        let r = racks.map.rack_of(h);
        let rates = (self.accounts.price, self.accounts.intensity);
        sw.accrue(racks, r, self.clock.now, rates);
        if is {
            sw.awake[r] += 1;
        } else {
            sw.awake[r] -= 1;
        }
    }
}

/// Whether a host in `state` keeps its rack's switch on: all but off and failed (a sleeping
/// host is woken through its network card; a failed one no longer needs its switch).
fn keeps_switch_on(state: PowerState) -> bool {
    !matches!(state, PowerState::Off | PowerState::Failed)
}

#[cfg(test)]
mod tests {
    use crate::model::host::PowerState;
    use crate::sim::Simulation;
    use crate::sim::records::NullRecorder;

    /// Three hosts in racks of two: `rack-1` = {0, 1}, `rack-2` = {2}.
    const RACKED: &str = r#"
version = 1
[simulation]
name = "racked"
duration = "1h"
[[hosts]]
class = "h"
count = 3
cores = 4
ram = "8 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "vm"
count = 1
load = "l"
[loads.l]
shape = "constant"
level = 0.5
[racks]
hosts_per_rack = 2
switch = { watts = 150 }
"#;

    #[test]
    fn a_host_switched_off_behind_its_racks_back_is_caught() {
        let setup = crate::scenario::load(RACKED, "racked.toml", &[]).unwrap();
        let mut rec = NullRecorder;
        let (mut sim, _) = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        sim.check_switches().expect("every host starts on");
        sim.fleet.hosts[2].state = PowerState::Off;
        let e = sim.check_switches().unwrap_err();
        assert_eq!(e, "rack rack-2 has 0 hosts not off but its switch counts 1");
    }
}
