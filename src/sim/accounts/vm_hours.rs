//! Each placed VM's CPU demand and the part of it not served, metered by clock hour, for the
//! 99th percentile of the unserved share over VM-hours in `summary.json` → `impact`.
//!
//! A VM's rates are set when the host it runs on is refreshed (realistic profile) and are
//! constant in between, so metering is exact; a finished hour goes into a histogram of
//! 0.01 % bins, which keeps memory bounded however long the run.

use crate::sim::state::{Rates, VmId};
use crate::time::SimTime;

/// One hour, ms.
const HOUR_MS: SimTime = 3_600_000;
/// Bins of the unserved share, each 0.01 % wide.
const BINS: usize = 10_000;

/// One VM's open hour: how far it is metered and the hour's integrals so far.
#[derive(Debug, Clone, Copy, Default)]
struct Meter {
    /// Metered up to here, ms.
    since: SimTime,
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
    /// Set while a load step refreshes every host: every VM on a host is already metered up
    /// to this time, so its refresh only sets the VM's new rates.
    pub metered_to: Option<SimTime>,
    /// The last time metered to and the start of its clock hour, ms (one division per time,
    /// not one per VM).
    now_hour: (SimTime, SimTime),
}

impl VmHours {
    /// Meters for `vms` VMs, all idle from time 0.
    pub fn new(vms: usize) -> Self {
        VmHours {
            meters: vec![Meter::default(); vms],
            served: 0,
            bins: vec![0; BINS],
            metered_to: None,
            now_hour: (0, 0),
        }
    }

    /// Meters VM `vm` up to `now` at its old `rates`, then sets them to `new` (idle when it
    /// leaves the fleet). VMs created during the run get a meter when first set.
    #[inline]
    pub fn set(&mut self, vm: VmId, now: SimTime, rates: &mut Rates, new: Rates) {
        self.advance(vm, now, *rates);
        *rates = new;
    }

    /// Integrates VM `vm`'s `rates` (those set last) up to `now`, closing each clock hour it
    /// crosses. Metering splits the hour's integrals where it is called, so it is called
    /// exactly where the rates are set (or could change).
    #[inline]
    pub fn advance(&mut self, vm: VmId, now: SimTime, rates: Rates) {
        if vm >= self.meters.len() {
            self.meters.resize(vm + 1, Meter::default());
        }
        self.prepare(now, 0);
        self.advance_prepared(vm, now, rates);
    }

    /// Makes room for the meters of VMs `0..vms` and notes `now`'s clock hour, so that a
    /// pass over those VMs can meter each with [`Self::advance_prepared`], without these
    /// checks per VM.
    pub fn prepare(&mut self, now: SimTime, vms: usize) {
        if self.meters.len() < vms {
            self.meters.resize(vms, Meter::default());
        }
        if self.now_hour.0 != now {
            self.now_hour = (now, now / HOUR_MS * HOUR_MS);
        }
    }

    /// [`Self::advance`] for a VM with a meter, to the time last [prepared](Self::prepare).
    #[inline(always)]
    pub fn advance_prepared(&mut self, vm: VmId, now: SimTime, rates: Rates) {
        debug_assert_eq!(self.now_hour.0, now, "metering to a time not prepared");
        // Metered last in `now`'s clock hour: one stretch, no hour closes (no division).
        let m = &mut self.meters[vm];
        if m.since >= self.now_hour.1 {
            if m.since < now {
                let dt = (now - m.since) as f64;
                m.hour_demand += rates.demand * dt;
                m.hour_unserved += rates.unserved * dt;
                m.since = now;
            }
            return;
        }
        self.advance_hours(vm, now, rates);
    }

    /// [`Self::advance`] for a meter last run before `now`'s clock hour: one stretch per
    /// hour crossed, each closed (once every hour per VM, so kept out of the passes' loop).
    #[inline(never)]
    fn advance_hours(&mut self, vm: VmId, now: SimTime, rates: Rates) {
        while self.meters[vm].since < now {
            let m = &mut self.meters[vm];
            let hour_end = (m.since / HOUR_MS + 1) * HOUR_MS;
            let to = now.min(hour_end);
            let dt = (to - m.since) as f64;
            m.hour_demand += rates.demand * dt;
            m.hour_unserved += rates.unserved * dt;
            m.since = to;
            if to == hour_end {
                self.close_hour(vm);
                // An idle VM's later hours add nothing: skip to `now` at once.
                if rates.demand == 0.0 {
                    self.meters[vm].since = now;
                }
            }
        }
    }

    /// Whether VM `vm` is metered up to `now` (debug checks of [`Self::metered_to`]).
    pub fn is_metered_to(&self, vm: VmId, now: SimTime) -> bool {
        self.meters.get(vm).is_some_and(|m| m.since == now)
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
    /// `rates(vm)` is each VM's rates now.
    pub fn restart(&mut self, now: SimTime, rates: impl Fn(VmId) -> Rates) {
        for vm in 0..self.meters.len() {
            self.advance(vm, now, rates(vm));
            let m = &mut self.meters[vm];
            (m.hour_demand, m.hour_unserved) = (0.0, 0.0);
        }
        self.served = 0;
        self.bins.iter_mut().for_each(|b| *b = 0);
    }

    /// Meters every VM up to `now` and closes its open (partial) hour: the end of the run.
    /// `rates(vm)` is each VM's rates now.
    pub fn close_all(&mut self, now: SimTime, rates: impl Fn(VmId) -> Rates) {
        for vm in 0..self.meters.len() {
            self.advance(vm, now, rates(vm));
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

    /// Meters and the rates their VMs would hold, set the way a refresh sets them.
    struct Run {
        m: VmHours,
        rates: Vec<Rates>,
    }

    impl Run {
        fn new(vms: usize) -> Self {
            Run {
                m: VmHours::new(vms),
                rates: vec![Rates::IDLE; vms],
            }
        }

        fn set(&mut self, vm: VmId, now: SimTime, demand: f64, unserved: f64) {
            let new = Rates { demand, unserved };
            self.m.set(vm, now, &mut self.rates[vm], new);
        }

        fn close_all(&mut self, now: SimTime) {
            self.m.close_all(now, |vm| self.rates[vm]);
        }

        fn restart(&mut self, now: SimTime) {
            self.m.restart(now, |vm| self.rates[vm]);
        }
    }

    #[test]
    fn splits_at_clock_hours_and_ranks_the_worst_percent() {
        // 100 VMs with 1 vCPU of demand for two hours; VM 0 loses half of it in its second
        // hour only: 1 of 200 VM-hours is 50 % unserved, so the 99th percentile is 0 (the
        // worst 1 % is two VM-hours, one of them served).
        let mut r = Run::new(100);
        for vm in 0..100 {
            r.set(vm, 0, 1.0, 0.0);
        }
        r.set(0, HOUR_MS, 1.0, 0.5);
        r.close_all(2 * HOUR_MS);
        assert_eq!(r.m.count(), 200);
        assert_eq!(r.m.p99(), 0.0);
        // Three VMs unserved in full for the second half of their first hour: three of 200
        // VM-hours at 50 % put the 99th percentile (rank 198, after 197 served) among them.
        let mut r = Run::new(100);
        for vm in 0..100 {
            r.set(vm, 0, 1.0, 0.0);
        }
        for vm in 0..3 {
            r.set(vm, HOUR_MS / 2, 1.0, 1.0);
            r.set(vm, HOUR_MS, 1.0, 0.0);
        }
        r.close_all(2 * HOUR_MS);
        assert_eq!(r.m.count(), 200);
        assert!((r.m.p99() - 0.5).abs() < 1e-12, "{}", r.m.p99());
    }

    #[test]
    fn idle_hours_and_the_warm_up_are_left_out() {
        // A VM idle for a day, then busy and fully unserved for 30 minutes: one VM-hour,
        // 100 % unserved; what came before the restart at 24 h is dropped.
        let mut r = Run::new(1);
        r.set(0, 0, 2.0, 2.0);
        r.set(0, HOUR_MS, 0.0, 0.0);
        r.restart(24 * HOUR_MS);
        assert_eq!(r.m.count(), 0);
        r.set(0, 24 * HOUR_MS, 2.0, 2.0);
        r.close_all(24 * HOUR_MS + HOUR_MS / 2);
        assert_eq!(r.m.count(), 1);
        assert_eq!(r.m.p99(), 1.0);
    }

    #[test]
    fn an_hour_closes_when_metering_reaches_its_end_or_passes_it() {
        // 1 vCPU from 0, half of it unserved from 15 to 45 minutes (within the hour: no
        // division), metered again exactly at 60 minutes (the hour closes: 15 of 60
        // vCPU-minutes unserved, 25 %, bin (24.99 %, 25 %]), then at 150 minutes, past the
        // end of the second hour (served in full) into the third, closed at 170 minutes.
        let mut r = Run::new(1);
        r.set(0, 0, 1.0, 0.0);
        r.set(0, 15 * 60_000, 1.0, 0.5);
        r.set(0, 45 * 60_000, 1.0, 0.0);
        r.set(0, HOUR_MS, 1.0, 0.0);
        assert_eq!((r.m.count(), r.m.bins[2499]), (1, 1));
        r.set(0, 150 * 60_000, 1.0, 0.0);
        assert_eq!((r.m.count(), r.m.served), (2, 1));
        r.close_all(170 * 60_000);
        assert_eq!((r.m.count(), r.m.served), (3, 2));
    }

    #[test]
    fn metering_first_then_writing_the_rates_equals_setting_them() {
        // A load step meters every VM up to its time, then its refreshes write the new rates
        // alone; a refresh at another time sets them. Both ways give the same VM-hours:
        // VM 0 at 1 vCPU, then 3 vCPUs with 1 of them unserved from 45 minutes; VM 1 at 2
        // vCPUs throughout: 2 VM-hours, VM 0's 1/6 unserved (1 x 15 of 1 x 45 + 3 x 15 = 90
        // vCPU-minutes), which lies in the 0.01 % bin (16.66 %, 16.67 %].
        let steps = [(0, 1.0, 0.0), (45 * 60_000, 3.0, 1.0)];
        let mut eager = Run::new(2);
        let mut bulk = Run::new(2);
        for &(t, demand, unserved) in &steps {
            eager.set(0, t, demand, unserved);
            eager.set(1, t, 2.0, 0.0);
            for vm in 0..2 {
                bulk.m.advance(vm, t, bulk.rates[vm]);
                assert!(bulk.m.is_metered_to(vm, t));
            }
            bulk.rates[0] = Rates { demand, unserved };
            bulk.rates[1] = Rates {
                demand: 2.0,
                unserved: 0.0,
            };
        }
        eager.close_all(HOUR_MS);
        bulk.close_all(HOUR_MS);
        assert_eq!((eager.m.count(), bulk.m.count()), (2, 2));
        assert_eq!(eager.m.bins, bulk.m.bins);
        assert_eq!(bulk.m.bins[1666], 1);
        assert_eq!(bulk.m.served, 1);
    }
}
