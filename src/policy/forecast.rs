//! Boot ahead of demand (`policy.power.forecast`): a wrapper round any power policy that
//! switches hosts off, which keeps the history of the CPU the fleet must hold (what the hosts
//! have committed and waiting VMs need, as the policy is told at each control tick) and powers
//! hosts up one boot time before the need it forecasts arrives, instead of after.
//!
//! The forecast is "the same time yesterday, scaled by today": the peak need of yesterday
//! between now and now + a host's boot time (plus one control interval), times the ratio of
//! today's last hour to yesterday's same hour. A datacenter's day repeats far better than its
//! last hour's trend predicts a morning ramp, and the ratio carries a busier or quieter day.

use super::power::{HostPower, Need, PowerPlan, PowerPolicy, is_parked};
use crate::model::host::PowerState;
use crate::time::SimTime;
use std::collections::VecDeque;

/// One day, ms.
const DAY: SimTime = 24 * 3_600_000;
/// One hour, ms: the span whose ratio scales yesterday to today.
const HOUR: SimTime = 3_600_000;

/// Which forecast powers hosts up ahead of demand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Forecast {
    /// None: power management reacts to demand that has arrived.
    #[default]
    None,
    /// The same time yesterday, scaled by today's last hour against yesterday's.
    Yesterday,
}

impl Forecast {
    /// The name in scenario files and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Forecast::None => "none",
            Forecast::Yesterday => "yesterday",
        }
    }
}

/// The CPU the fleet must hold, sampled at control ticks, kept for a day and two hours.
#[derive(Debug, Clone, Default)]
pub struct DemandHistory {
    /// (time, CPU the fleet must hold, MIPS), oldest first.
    samples: VecDeque<(SimTime, f64)>,
}

impl DemandHistory {
    /// Records `mips` at `now` and forgets what no forecast reads any more.
    pub fn push(&mut self, now: SimTime, mips: f64) {
        self.samples.push_back((now, mips));
        while self
            .samples
            .front()
            .is_some_and(|&(t, _)| t + DAY + 2 * HOUR < now)
        {
            self.samples.pop_front();
        }
    }

    /// The samples taken in `[from, to]`.
    fn between(&self, from: SimTime, to: SimTime) -> impl Iterator<Item = f64> + '_ {
        let start = self.samples.partition_point(|&(t, _)| t < from);
        self.samples
            .range(start..)
            .take_while(move |&&(t, _)| t <= to)
            .map(|&(_, d)| d)
    }

    /// The mean of the samples in `[from, to]`, if there is one.
    fn mean(&self, from: SimTime, to: SimTime) -> Option<f64> {
        let (n, sum) = self
            .between(from, to)
            .fold((0usize, 0.0), |(n, s), d| (n + 1, s + d));
        (n > 0).then(|| sum / n as f64)
    }

    /// The peak need forecast for `(now, now + ahead]`: yesterday's peak over the same span,
    /// scaled by today's last hour against yesterday's same hour. `None` until a day and an
    /// hour of history exist (the first day has nothing to go by).
    pub fn expected(&self, now: SimTime, ahead: SimTime) -> Option<f64> {
        let first = self.samples.front()?.0;
        if first + DAY + HOUR > now {
            return None;
        }
        let yesterday = now - DAY;
        let peak = self
            .between(yesterday, yesterday + ahead)
            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))?;
        let today = self.mean(now - HOUR, now)?;
        let before = self.mean(yesterday - HOUR, yesterday)?;
        let scale = if before > 0.0 { today / before } else { 1.0 };
        Some(peak * scale)
    }
}

/// A power policy that also boots ahead of the demand its forecast expects: for each parked
/// host, the demand expected within its boot time and one control interval must fit in the
/// powered capacity at the policy's usable share, or the host is powered up now; a planned
/// shutdown that the forecast would need back within that time is dropped.
pub struct Forecasting {
    /// The policy that reacts to demand that has arrived.
    inner: Box<dyn PowerPolicy>,
    /// The control interval, ms: a host booted now serves from the first tick after its boot.
    interval: SimTime,
    /// The history the forecast reads.
    history: DemandHistory,
    /// The last control tick observed.
    now: Option<SimTime>,
    /// Whether that tick's need is in the history (its first plan records it).
    sampled: bool,
}

impl Forecasting {
    /// `inner`, with hosts booted ahead of the forecast demand; `interval` is the control
    /// interval, ms.
    pub fn new(inner: Box<dyn PowerPolicy>, interval: SimTime) -> Forecasting {
        Forecasting {
            inner,
            interval,
            history: DemandHistory::default(),
            now: None,
            sampled: true,
        }
    }

    /// The need host `h` must be on for if booted now, MIPS, if there is a forecast.
    fn expected_for(&self, now: SimTime, h: &HostPower) -> Option<f64> {
        self.history.expected(now, h.boot_ms + self.interval)
    }
}

impl PowerPolicy for Forecasting {
    fn observe(&mut self, now: SimTime, hosts: &[HostPower]) {
        self.now = Some(now);
        self.sampled = false;
        self.inner.observe(now, hosts);
    }

    /// The first plan after a tick's `observe` records the tick's need (committed CPU and
    /// that of waiting VMs, as the reactive policy counts it); later plans before the next
    /// tick (VMs waiting between ticks) read the history as it is.
    fn plan(&mut self, hosts: &[HostPower], need: Need) -> PowerPlan {
        if let (Some(now), false) = (self.now, self.sampled) {
            self.history.push(now, need.mips);
            self.sampled = true;
        }
        let mut plan = self.inner.plan(hosts, need);
        let (Some(now), Some(share)) = (self.now, self.inner.usable_share()) else {
            return plan;
        };
        if share <= 0.0 {
            return plan;
        }
        let powered = |h: &&HostPower| {
            matches!(h.state, PowerState::On | PowerState::Booting) || plan.boot.contains(&h.id)
        };
        let mut cap: f64 = hosts.iter().filter(powered).map(|h| h.mips).sum();
        // Shutdowns in the plan's order: each goes only if what stays holds the demand
        // expected before the host could be back on.
        let mut kept = Vec::with_capacity(plan.shut_down.len());
        for &id in &plan.shut_down {
            let h = &hosts[id];
            let wanted = self.expected_for(now, h).map_or(0.0, |d| d / share);
            if cap - h.mips >= wanted {
                cap -= h.mips;
                kept.push(id);
            }
        }
        plan.shut_down = kept;
        // Parked hosts: sleeping ones first (they wake fast), then the most efficient.
        let mut parked: Vec<&HostPower> = hosts
            .iter()
            .filter(|h| is_parked(h.state) && !plan.boot.contains(&h.id))
            .collect();
        parked.sort_by(|a, b| {
            (a.state != PowerState::Sleep)
                .cmp(&(b.state != PowerState::Sleep))
                .then(a.watts_per_mips.total_cmp(&b.watts_per_mips))
                .then(a.id.cmp(&b.id))
        });
        for h in parked {
            let Some(expected) = self.expected_for(now, h) else {
                continue;
            };
            if cap < expected / share {
                plan.boot.push(h.id);
                cap += h.mips;
            }
        }
        plan
    }

    fn peak_draw(&self) -> bool {
        self.inner.peak_draw()
    }

    fn usable_share(&self) -> Option<f64> {
        self.inner.usable_share()
    }

    fn off_mark(&self) -> Option<f64> {
        self.inner.off_mark()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::power::SpareCapacity;

    const MIN: SimTime = 60_000;

    /// A host of 1000 MIPS that boots in 10 minutes, carrying `cpu` MIPS if on.
    fn host(id: usize, state: PowerState, cpu: f64) -> HostPower {
        HostPower {
            id,
            state,
            mips: 1000.0,
            ram_mb: 1000.0,
            core_mips: 1000.0,
            removable: state == PowerState::On && cpu == 0.0,
            watts_per_mips: 0.1 + id as f64 * 0.01,
            demand_mips: cpu,
            ram_used_mb: 0.0,
            boot_ms: 10 * MIN,
        }
    }

    /// The fleet's demand at minute `m` of a day: 500 MIPS, ramping to 1500 at 08:00.
    fn demand(m: u64) -> f64 {
        if m % (24 * 60) >= 8 * 60 {
            1500.0
        } else {
            500.0
        }
    }

    #[test]
    fn yesterday_boots_a_host_one_boot_time_before_day_twos_ramp() {
        // Two hosts of 1000 MIPS, spare capacity with no headroom, a control tick each
        // minute; the fleet must hold its demand. Day 1 runs 500 MIPS until 08:00 then 1500
        // (host 1 was booted at the ramp, reactively). On day 2 before 08:00 host 1 is off. Booting takes 10 minutes
        // and the forecast looks 10 + 1 minutes ahead: at 07:49 yesterday's peak over
        // 07:49-08:00 is 1500 MIPS, scaled by today's last hour (500) against yesterday's
        // (500), 1500 > 1000 powered: host 1 boots at 07:49, not before (07:48 looks to 07:59).
        let mut f = Forecasting::new(Box::new(SpareCapacity { headroom: 0.0 }), MIN);
        let day2 = 24 * 60;
        let mut booted_at = None;
        for m in 0..day2 + 8 * 60 {
            let d = demand(m);
            let hosts = if m < day2 && d > 1000.0 {
                [
                    host(0, PowerState::On, 1000.0),
                    host(1, PowerState::On, d - 1000.0),
                ]
            } else {
                [host(0, PowerState::On, d), host(1, PowerState::Off, 0.0)]
            };
            f.observe(m * MIN, &hosts);
            let need = Need {
                mips: d,
                min_hosts: 1,
                ..Need::default()
            };
            let plan = f.plan(&hosts, need);
            if m >= day2 && plan.boot.contains(&1) && booted_at.is_none() {
                booted_at = Some(m - day2);
            }
        }
        assert_eq!(booted_at, Some(7 * 60 + 49));
    }

    #[test]
    fn no_forecast_before_a_day_and_an_hour_of_history() {
        let mut h = DemandHistory::default();
        for m in 0..=(24 * 60 + 59) {
            h.push(m * MIN, 100.0);
        }
        assert_eq!(h.expected((24 * 60 + 59) * MIN, 10 * MIN), None);
        h.push((24 * 60 + 60) * MIN, 100.0);
        assert_eq!(h.expected((24 * 60 + 60) * MIN, 10 * MIN), Some(100.0));
    }

    #[test]
    fn todays_last_hour_scales_yesterdays_peak() {
        // Yesterday 400 MIPS all day but 800 at 10:05; today's last hour runs at 600: the
        // forecast for 10:00-10:10 is 800 x 600 / 400 = 1200 MIPS.
        let mut h = DemandHistory::default();
        for m in 0..24 * 60 {
            h.push(m * MIN, if m == 10 * 60 + 5 { 800.0 } else { 400.0 });
        }
        for m in 24 * 60..=(24 + 10) * 60 {
            h.push(m * MIN, 600.0);
        }
        assert_eq!(h.expected((24 + 10) * 60 * MIN, 10 * MIN), Some(1200.0));
    }

    #[test]
    fn a_shutdown_the_forecast_needs_back_is_dropped() {
        // Yesterday ran 1500 MIPS from 08:00; at 07:50 today the fleet runs 500 on host 0 and
        // host 1 is on and empty: spare capacity would switch it off, the forecast keeps it.
        // Without the forecast, host 1 goes off (500 MIPS fit on host 0 alone).
        let mut f = Forecasting::new(Box::new(SpareCapacity { headroom: 0.0 }), MIN);
        let mut plan = PowerPlan::default();
        for m in 0..=(24 * 60 + 7 * 60 + 50) {
            let hosts = [
                host(0, PowerState::On, demand(m)),
                host(1, PowerState::On, 0.0),
            ];
            let need = Need {
                mips: demand(m),
                min_hosts: 1,
                ..Need::default()
            };
            f.observe(m * MIN, &hosts);
            plan = f.plan(&hosts, need);
        }
        assert!(plan.shut_down.is_empty(), "{plan:?}");
        let hosts = [host(0, PowerState::On, 500.0), host(1, PowerState::On, 0.0)];
        let need = Need {
            mips: 500.0,
            min_hosts: 1,
            ..Need::default()
        };
        assert_eq!(
            SpareCapacity { headroom: 0.0 }.plan(&hosts, need).shut_down,
            vec![1]
        );
    }
}
