//! Energy accounting: a host's draw is constant between two events that change it, and the
//! energy of that stretch is added when it ends (exact integration, no sampling error).

use crate::model::power::PowerModel;
use crate::time::{SimTime, kwh};
use serde::Serialize;

/// Power (W) or energy (J or kWh) split by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Split {
    /// Drawn by an on host at 0 % CPU.
    pub idle: f64,
    /// Load-dependent part of an on host's draw, from VM demand.
    pub dynamic: f64,
    /// Load-dependent part due to migration CPU overhead.
    pub migration: f64,
    /// Drawn while booting or shutting down.
    pub transition: f64,
    /// Drawn while off.
    pub standby: f64,
}

impl Split {
    /// Sum of all parts.
    pub fn total(&self) -> f64 {
        self.idle + self.dynamic + self.migration + self.transition + self.standby
    }

    /// `self + other x factor`, part by part.
    pub fn add_scaled(&mut self, other: &Split, factor: f64) {
        self.idle += other.idle * factor;
        self.dynamic += other.dynamic * factor;
        self.migration += other.migration * factor;
        self.transition += other.transition * factor;
        self.standby += other.standby * factor;
    }

    /// The draw of an on host whose CPU runs at `watts`: idle plus dynamic, the rest 0.
    pub fn running(power: &PowerModel, watts: f64) -> Split {
        Split {
            idle: power.idle_w(),
            dynamic: watts - power.idle_w(),
            ..Split::default()
        }
    }

    /// The draw of an on host at its peak whatever its load (the `npa` power policy).
    pub fn peak(power: &PowerModel) -> Split {
        Split::running(power, power.max_w())
    }

    /// Each part converted from joules to kWh.
    pub fn to_kwh(&self) -> Split {
        let mut out = Split::default();
        out.add_scaled(self, kwh(1.0));
        out
    }
}

/// Energy and cost accumulated by one host.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EnergyAccount {
    /// Energy so far, joules, by cause.
    pub joules: Split,
    /// IT cost so far (before PUE), in the tariff's currency.
    pub cost: f64,
    /// IT emissions so far (before PUE), gCO2e: energy x the grid intensity in force (0
    /// without `[carbon]`).
    pub carbon_g: f64,
    /// Time up to which energy has been added.
    pub since: SimTime,
}

impl EnergyAccount {
    /// Adds the energy of drawing `draw` watts from `since` to `now` at `price` per kWh and
    /// `intensity` gCO2e per kWh.
    pub fn accrue(&mut self, now: SimTime, draw: &Split, price: f64, intensity: f64) {
        debug_assert!(now >= self.since, "time went backwards");
        let seconds = (now - self.since) as f64 / 1000.0;
        self.joules.add_scaled(draw, seconds);
        let kwh = kwh(draw.total() * seconds);
        self.cost += kwh * price;
        self.carbon_g += kwh * intensity;
        self.since = now;
    }

    /// Adds `joules` of migration energy drawn at once (a migration's fixed part) at `price`
    /// per kWh and `intensity` gCO2e per kWh.
    pub fn book_migration(&mut self, joules: f64, price: f64, intensity: f64) {
        self.joules.migration += joules;
        self.cost += kwh(joules) * price;
        self.carbon_g += kwh(joules) * intensity;
    }

    /// Moves the account to `now` with nothing drawn since the last accrual: the same as
    /// [`Self::accrue`] with a zero draw at a finite price, whose terms are all +0 and leave
    /// every sum as it is (a sum that starts at +0 never becomes -0), without the work.
    pub fn skip_to(&mut self, now: SimTime) {
        debug_assert!(now >= self.since, "time went backwards");
        self.since = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_draw_integrates_to_power_times_time() {
        let mut acc = EnergyAccount::default();
        let draw = Split {
            idle: 100.0,
            dynamic: 50.0,
            ..Split::default()
        };
        acc.accrue(3_600_000, &draw, 0.2, 400.0);
        // 150 W for one hour = 0.15 kWh, at 0.2 per kWh = 0.03, at 400 g/kWh = 60 g.
        assert!((kwh(acc.joules.total()) - 0.15).abs() < 1e-12);
        assert!((acc.cost - 0.03).abs() < 1e-12);
        assert!((acc.carbon_g - 60.0).abs() < 1e-9);
        assert_eq!(acc.joules.idle, 360_000.0);
    }
}
