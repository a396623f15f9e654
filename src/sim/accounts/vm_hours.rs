//! Each placed VM's CPU demand and the part of it not served, metered by clock hour, for the
//! 99th percentile of the unserved share over VM-hours in `summary.json` → `impact`.
//!
//! A VM's rates are set when the host it runs on is refreshed (realistic profile) and are
//! constant in between, so metering is exact; a finished hour goes into a histogram of
//! 0.01 % bins, which keeps memory bounded however long the run.

use crate::sim::state::VmId;
use crate::time::SimTime;

/// One hour, ms.
const HOUR_MS: SimTime = 3_600_000;
/// Bins of the unserved share, each 0.01 % wide.
const BINS: usize = 10_000;

/// One VM's meter: its rates now and the open hour's integrals.
#[derive(Debug, Clone, Copy, Default)]
struct Meter {
    /// Metered up to here, ms.
    since: SimTime,
    /// Demand now, vCPUs.
    demand: f64,
    /// Part of it not served now, vCPUs.
    unserved: f64,
    /// Demand in the open hour, vCPU x ms.
    hour_demand: f64,
    /// Unserved in the open hour, vCPU x ms.
    hour_unserved: f64,
}

/// The VM-hour meters of a run and the histogram of finished VM-hours.
#[derive(Debug, Clone)]
pub(crate) struct VmHours {
    meters: Vec<Meter>,
    /// VM-hours with demand and all of it served.
    served: u64,
    /// `bins[i]`: VM-hours whose unserved share lies in `(i, i + 1] / BINS`.
    bins: Vec<u64>,
}

impl VmHours {
    /// Meters for `vms` VMs, all idle from time 0.
    pub fn new(vms: usize) -> Self {
        VmHours {
            meters: vec![Meter::default(); vms],
            served: 0,
            bins: vec![0; BINS],
        }
    }

    /// Meters VM `vm` up to `now` at its old rates, then sets its demand and the part not
    /// served, vCPUs (both 0 when it leaves the fleet). VMs created during the run get a
    /// meter when first set.
    #[inline]
    pub fn set(&mut self, vm: VmId, now: SimTime, demand: f64, unserved: f64) {
        if vm >= self.meters.len() {
            self.meters.resize(vm + 1, Meter::default());
        }
        self.advance(vm, now);
        let m = &mut self.meters[vm];
        m.demand = demand;
        m.unserved = unserved;
    }

    /// Integrates VM `vm`'s rates up to `now`, closing each clock hour it crosses.
    fn advance(&mut self, vm: VmId, now: SimTime) {
        while self.meters[vm].since < now {
            let m = &mut self.meters[vm];
            let hour_end = (m.since / HOUR_MS + 1) * HOUR_MS;
            let to = now.min(hour_end);
            let dt = (to - m.since) as f64;
            m.hour_demand += m.demand * dt;
            m.hour_unserved += m.unserved * dt;
            m.since = to;
            if to == hour_end {
                self.close_hour(vm);
                // An idle VM's later hours add nothing: skip to `now` at once.
                if self.meters[vm].demand == 0.0 {
                    self.meters[vm].since = now;
                }
            }
        }
    }

    /// Puts VM `vm`'s open hour into the histogram (if it had demand) and starts a new one.
    fn close_hour(&mut self, vm: VmId) {
        let m = &mut self.meters[vm];
        let (demand, unserved) = (m.hour_demand, m.hour_unserved);
        (m.hour_demand, m.hour_unserved) = (0.0, 0.0);
        if demand <= 0.0 {
            return;
        }
        let share = (unserved / demand).clamp(0.0, 1.0);
        if share == 0.0 {
            self.served += 1;
        } else {
            let bin = ((share * BINS as f64).ceil() as usize).clamp(1, BINS) - 1;
            self.bins[bin] += 1;
        }
    }

    /// Meters every VM up to `now` and drops what was metered (the end of the warm-up).
    pub fn restart(&mut self, now: SimTime) {
        for vm in 0..self.meters.len() {
            self.advance(vm, now);
            let m = &mut self.meters[vm];
            (m.hour_demand, m.hour_unserved) = (0.0, 0.0);
        }
        self.served = 0;
        self.bins.iter_mut().for_each(|b| *b = 0);
    }

    /// Meters every VM up to `now` and closes its open (partial) hour: the end of the run.
    pub fn close_all(&mut self, now: SimTime) {
        for vm in 0..self.meters.len() {
            self.advance(vm, now);
            self.close_hour(vm);
        }
    }

    /// VM-hours with demand metered so far.
    pub fn count(&self) -> u64 {
        self.served + self.bins.iter().sum::<u64>()
    }

    /// The 99th percentile of the unserved share over VM-hours with demand (the upper edge
    /// of its 0.01 % bin; 0 when at least 99 % of VM-hours were served in full, or none).
    pub fn p99(&self) -> f64 {
        let total = self.count();
        let rank = (total as f64 * 0.99).ceil() as u64;
        if rank <= self.served {
            return 0.0;
        }
        let mut seen = self.served;
        for (i, &n) in self.bins.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return (i + 1) as f64 / BINS as f64;
            }
        }
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_clock_hours_and_ranks_the_worst_percent() {
        // 100 VMs with 1 vCPU of demand for two hours; VM 0 loses half of it in its second
        // hour only: 1 of 200 VM-hours is 50 % unserved, so the 99th percentile is 0 (the
        // worst 1 % is two VM-hours, one of them served).
        let mut m = VmHours::new(100);
        for vm in 0..100 {
            m.set(vm, 0, 1.0, 0.0);
        }
        m.set(0, HOUR_MS, 1.0, 0.5);
        m.close_all(2 * HOUR_MS);
        assert_eq!(m.count(), 200);
        assert_eq!(m.p99(), 0.0);
        // Three VMs unserved in full for the second half of their first hour: three of 200
        // VM-hours at 50 % put the 99th percentile (rank 198, after 197 served) among them.
        let mut m = VmHours::new(100);
        for vm in 0..100 {
            m.set(vm, 0, 1.0, 0.0);
        }
        for vm in 0..3 {
            m.set(vm, HOUR_MS / 2, 1.0, 1.0);
            m.set(vm, HOUR_MS, 1.0, 0.0);
        }
        m.close_all(2 * HOUR_MS);
        assert_eq!(m.count(), 200);
        assert!((m.p99() - 0.5).abs() < 1e-12, "{}", m.p99());
    }

    #[test]
    fn idle_hours_and_the_warm_up_are_left_out() {
        // A VM idle for a day, then busy and fully unserved for 30 minutes: one VM-hour,
        // 100 % unserved; what came before the restart at 24 h is dropped.
        let mut m = VmHours::new(1);
        m.set(0, 0, 2.0, 2.0);
        m.set(0, HOUR_MS, 0.0, 0.0);
        m.restart(24 * HOUR_MS);
        assert_eq!(m.count(), 0);
        m.set(0, 24 * HOUR_MS, 2.0, 2.0);
        m.close_all(24 * HOUR_MS + HOUR_MS / 2);
        assert_eq!(m.count(), 1);
        assert_eq!(m.p99(), 1.0);
    }
}
