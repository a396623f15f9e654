//! Scaling a replicated service: a crontab-like schedule of replica counts, and a
//! target-utilisation autoscaler (the rule of Kubernetes' horizontal pod autoscaler).

use crate::time::{MS_PER_DAY, SimTime};
use std::collections::VecDeque;

/// `at` a time of day on some weekdays, set the replica count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleEntry {
    /// Time of day, ms after midnight.
    pub at: SimTime,
    /// Replica count from then on.
    pub replicas: u32,
    /// Weekdays it applies to: bit 0 = Monday ... bit 6 = Sunday (time 0 is a Monday).
    pub days: u8,
}

/// Every day of the week.
pub const EVERY_DAY: u8 = 0b111_1111;

/// Weekday names and the days they stand for.
pub const DAY_NAMES: [(&str, u8); 9] = [
    ("mon", 1),
    ("tue", 2),
    ("wed", 4),
    ("thu", 8),
    ("fri", 16),
    ("sat", 32),
    ("sun", 64),
    ("weekdays", 0b001_1111),
    ("weekends", 0b110_0000),
];

/// A weekly schedule of replica counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Entries, in any order.
    pub entries: Vec<ScheduleEntry>,
}

impl Schedule {
    /// Occurrences (time, count) of every entry on the day of `t` shifted by `day` days; the
    /// schedule repeats every week, before time 0 too.
    fn on_day(&self, t: SimTime, day: i64) -> impl Iterator<Item = (i64, u32)> + '_ {
        let day_ms = MS_PER_DAY as i64;
        let midnight = (t - t % MS_PER_DAY) as i64 + day * day_ms;
        let weekday = midnight.div_euclid(day_ms).rem_euclid(7) as u32;
        self.entries
            .iter()
            .filter(move |e| e.days & (1 << weekday) != 0)
            .map(move |e| (midnight + e.at as i64, e.replicas))
    }

    /// The count set by the latest entry at or before `t` (the weekly pattern repeats before
    /// the run, so at Monday 00:00 the previous Sunday's last entry is in force).
    pub fn in_force(&self, t: SimTime) -> Option<u32> {
        (-7..=0)
            .flat_map(|d| self.on_day(t, d))
            .filter(|&(at, _)| at <= t as i64)
            .max_by_key(|&(at, _)| at)
            .map(|(_, n)| n)
    }

    /// The next entry strictly after `t`: its time and count.
    pub fn next_after(&self, t: SimTime) -> Option<(SimTime, u32)> {
        (0..=7)
            .flat_map(|d| self.on_day(t, d))
            .filter(|&(at, _)| at > t as i64)
            .min_by_key(|&(at, _)| at)
            .map(|(at, n)| (at as SimTime, n))
    }
}

/// Settings of a target-utilisation autoscaler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoscaleSetup {
    /// Utilisation per replica aimed at.
    pub target: f64,
    /// Period of its decisions, ms.
    pub interval: SimTime,
    /// Dead band around the target (0.1 = no change between 90 % and 110 % of it).
    pub tolerance: f64,
    /// Scale-down stabilisation window, ms.
    pub window: SimTime,
}

/// A target-utilisation autoscaler: `desired = ceil(current x utilisation / target)`,
/// clamped to the service's bounds; it scales up at once and down only to the highest
/// count it recommended during the stabilisation window, so a short dip does not shed
/// replicas that are needed again minutes later.
#[derive(Debug, Clone)]
pub struct Autoscaler {
    /// Settings.
    pub setup: AutoscaleSetup,
    recent: VecDeque<(SimTime, u32)>,
}

impl Autoscaler {
    /// An autoscaler with no history.
    pub fn new(setup: AutoscaleSetup) -> Self {
        Autoscaler {
            setup,
            recent: VecDeque::new(),
        }
    }

    /// The replica count to run from `now`, given `current` replicas of which `ready` run
    /// with a mean observed utilisation `utilisation` (capped at 1 by what a replica can
    /// do), within `min..=max`. With no replica ready there is nothing to observe: the count
    /// stays.
    pub fn decide(
        &mut self,
        now: SimTime,
        current: u32,
        ready: u32,
        utilisation: f64,
        min: u32,
        max: u32,
    ) -> u32 {
        if ready == 0 {
            return current.clamp(min, max);
        }
        let ratio = utilisation / self.setup.target;
        let raw = if (ratio - 1.0).abs() <= self.setup.tolerance {
            current
        } else {
            (f64::from(ready) * ratio - 1e-9).ceil().max(0.0) as u32
        }
        .clamp(min, max);
        while self
            .recent
            .front()
            .is_some_and(|&(t, _)| t + self.setup.window <= now)
        {
            self.recent.pop_front();
        }
        self.recent.push_back((now, raw));
        if raw >= current {
            raw
        } else {
            let highest = self.recent.iter().map(|&(_, n)| n).max().unwrap_or(raw);
            highest.min(current).max(raw)
        }
    }
}

/// How a service's replica count is set.
#[derive(Debug, Clone, PartialEq)]
pub enum Scaling {
    /// Never changes.
    Fixed,
    /// By a weekly schedule.
    Schedule(Schedule),
    /// By a target-utilisation autoscaler.
    Autoscale(AutoscaleSetup),
}

impl Scaling {
    /// The scenario name of the scaling mode.
    pub fn name(&self) -> &'static str {
        match self {
            Scaling::Fixed => "fixed",
            Scaling::Schedule(_) => "schedule",
            Scaling::Autoscale(_) => "autoscale",
        }
    }
}

/// A replicated service, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSetup {
    /// Name.
    pub name: String,
    /// VM type of each replica.
    pub vm_type: usize,
    /// Load curve: total demand as a fraction of `max` busy replicas.
    pub load: usize,
    /// CPU a replica uses with no traffic, fraction of its size.
    pub idle: f64,
    /// Fewest replicas.
    pub min: u32,
    /// Most replicas.
    pub max: u32,
    /// Replicas at time 0.
    pub initial: u32,
    /// How the count changes.
    pub scaling: Scaling,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MS_PER_HOUR;

    const H: SimTime = MS_PER_HOUR;

    fn nightly() -> Schedule {
        Schedule {
            entries: vec![
                ScheduleEntry {
                    at: 22 * H,
                    replicas: 4,
                    days: EVERY_DAY,
                },
                ScheduleEntry {
                    at: 7 * H,
                    replicas: 20,
                    days: EVERY_DAY,
                },
            ],
        }
    }

    #[test]
    fn schedule_in_force_and_next_entry() {
        let s = nightly();
        // Monday 00:00: the previous Sunday's 22:00 entry is in force.
        assert_eq!(s.in_force(0), Some(4));
        assert_eq!(s.next_after(0), Some((7 * H, 20)));
        assert_eq!(s.in_force(7 * H), Some(20));
        assert_eq!(s.next_after(7 * H), Some((22 * H, 4)));
        assert_eq!(s.in_force(MS_PER_DAY + 3 * H), Some(4), "the night before");
        assert_eq!(s.next_after(23 * H), Some((MS_PER_DAY + 7 * H, 20)));
    }

    #[test]
    fn weekday_entries_skip_the_weekend() {
        let s = Schedule {
            entries: vec![ScheduleEntry {
                at: 9 * H,
                replicas: 10,
                days: 0b001_1111,
            }],
        };
        // Friday 09:00 is day 4; the next is Monday (day 7).
        assert_eq!(
            s.next_after(4 * MS_PER_DAY + 9 * H),
            Some((7 * MS_PER_DAY + 9 * H, 10))
        );
    }

    fn scaler() -> Autoscaler {
        Autoscaler::new(AutoscaleSetup {
            target: 0.5,
            interval: 60_000,
            tolerance: 0.1,
            window: 300_000,
        })
    }

    #[test]
    fn autoscaler_follows_utilisation_over_target() {
        let mut a = scaler();
        // 10 replicas at 80 % with a 50 % target: ceil(10 x 1.6) = 16.
        assert_eq!(a.decide(0, 10, 10, 0.8, 1, 40), 16);
        // Within the 10 % dead band: no change.
        assert_eq!(a.decide(60_000, 16, 16, 0.53, 1, 40), 16);
        // Saturated replicas report 100 %: doubling, capped at max.
        assert_eq!(a.decide(120_000, 30, 30, 1.0, 1, 40), 40);
    }

    #[test]
    fn scale_down_waits_for_the_stabilisation_window() {
        let mut a = scaler();
        assert_eq!(a.decide(0, 10, 10, 0.5, 1, 40), 10);
        // Load halves: the recommendation is 5, but 10 was recommended within 5 minutes.
        assert_eq!(a.decide(60_000, 10, 10, 0.25, 1, 40), 10);
        assert_eq!(a.decide(240_000, 10, 10, 0.25, 1, 40), 10);
        // Once the 10 leaves the window, scale down to 5.
        assert_eq!(a.decide(300_000, 10, 10, 0.25, 1, 40), 5);
        // Never below min.
        assert_eq!(a.decide(900_000, 5, 5, 0.0, 2, 40), 2);
    }

    #[test]
    fn scale_up_counts_only_ready_replicas() {
        let mut a = scaler();
        // 10 replicas asked for, 4 of them running, saturated: ceil(4 x 1.0 / 0.5) = 8. No
        // higher count was recommended within the window, so 8 it is.
        assert_eq!(a.decide(0, 10, 4, 1.0, 1, 40), 8);
        // Nothing running: nothing observed, no change.
        assert_eq!(a.decide(60_000, 8, 0, 0.0, 1, 40), 8);
    }
}
