//! How migrations spread over VMs, days and the window (`summary.json` → `migration_spread`),
//! and the hosts the demand needs at each tick (`timeseries.csv` → `hosts_needed`).

use crate::sim::records::{MigrationSpread, PerVmDay};
use crate::sim::setup::Setup;
use crate::sim::state::{Host, Migration, VmId};
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};
use std::collections::BTreeSet;

/// The VM-days seen so far and the fleet's capacity in efficiency order.
#[derive(Debug, Default)]
pub(crate) struct Spread {
    /// (VM, day since time 0) for every VM running at a reported control tick of that day.
    present: BTreeSet<(VmId, u64)>,
    /// Each VM's last day put in `present`, plus one (0 = none): skips the set at most ticks.
    last_marked: Vec<u64>,
    /// Cumulative CPU (MIPS) and RAM (MB) of the hosts, most efficient (fewest watts per MIPS
    /// at full load, then lowest id) first; empty until the first tick.
    cumulative: Vec<(f64, f64)>,
}

impl Spread {
    /// Makes room for marking VMs `0..vms` and returns the mark of `now`'s day (the day
    /// plus one), so that a pass over those VMs marks each with [`Self::mark_on`] without a
    /// check and a division per VM.
    pub fn day_mark(&mut self, now: SimTime, vms: usize) -> u64 {
        if self.last_marked.len() < vms {
            self.last_marked.resize(vms, 0);
        }
        now / MS_PER_DAY + 1
    }

    /// Marks `vm` present on the day whose mark [`Self::day_mark`] gave.
    #[inline(always)]
    pub fn mark_on(&mut self, vm: VmId, mark: u64) {
        if self.last_marked[vm] != mark {
            self.last_marked[vm] = mark;
            self.present.insert((vm, mark - 1));
        }
    }

    /// The fewest hosts, taken most efficient first, whose CPU and RAM times `usable` (the
    /// power policy's target share) hold `demand_mips` and `ram_mb`; every host if none do.
    pub fn hosts_needed(
        &mut self,
        setup: &Setup,
        hosts: &[Host],
        usable: f64,
        demand_mips: f64,
        ram_mb: f64,
    ) -> usize {
        if self.cumulative.len() != hosts.len() {
            let mut order: Vec<usize> = (0..hosts.len()).collect();
            let class = |h: usize| &setup.host_classes[hosts[h].class];
            order.sort_by(|&a, &b| {
                class(a)
                    .watts_per_mips()
                    .total_cmp(&class(b).watts_per_mips())
                    .then(a.cmp(&b))
            });
            let mut sum = (0.0, 0.0);
            self.cumulative = order
                .into_iter()
                .map(|h| {
                    sum = (sum.0 + class(h).mips, sum.1 + class(h).ram_limit_mb());
                    sum
                })
                .collect();
        }
        let fits = |&(mips, ram): &(f64, f64)| {
            usable * mips + 1e-9 >= demand_mips && usable * ram + 1e-9 >= ram_mb
        };
        if demand_mips <= 0.0 && ram_mb <= 0.0 {
            return 0;
        }
        self.cumulative
            .iter()
            .position(fits)
            .map_or(hosts.len(), |i| i + 1)
    }

    /// The spread of `migrations` (the reported ones) over VM-days and the window.
    pub fn summary(&self, setup: &Setup, migrations: &[Migration]) -> MigrationSpread {
        let (mut inside, mut outside) = (0u64, 0u64);
        for m in migrations {
            if in_window(setup, m.planned) {
                inside += 1;
            } else {
                outside += 1;
            }
        }
        // Each VM-day's moves: the sorted moves merged with the (sorted) days present; a
        // sort, not a map insert per move (tens of thousands in a CloudSim day).
        let mut moved: Vec<(VmId, u64)> = migrations
            .iter()
            .map(|m| (m.vm, m.planned / MS_PER_DAY))
            .collect();
        moved.sort_unstable();
        let mut counts: Vec<u32> = Vec::with_capacity(self.present.len());
        let mut present = self.present.iter().copied().peekable();
        let mut i = 0;
        loop {
            let key = match (present.peek().copied(), moved.get(i).copied()) {
                (None, None) => break,
                (Some(p), Some(m)) => p.min(m),
                (Some(k), None) | (None, Some(k)) => k,
            };
            if present.peek() == Some(&key) {
                present.next();
            }
            let mut n = 0;
            while moved.get(i) == Some(&key) {
                n += 1;
                i += 1;
            }
            counts.push(n);
        }
        counts.sort_unstable();
        MigrationSpread {
            per_vm_day: PerVmDay {
                vm_days: counts.len() as u64,
                vm_days_moved: counts.iter().filter(|&&c| c > 0).count() as u64,
                median: nearest_rank(&counts, 0.5),
                p90: nearest_rank(&counts, 0.9),
                max: counts.last().copied().unwrap_or(0),
            },
            window: if setup.calm.window.is_some() {
                "policy.calm.window"
            } else {
                "simulation.night"
            }
            .to_string(),
            inside_window: inside,
            outside_window: outside,
        }
    }
}

/// The nearest-rank percentile of sorted `values`: the smallest value at least a share `p`
/// of them do not exceed (0 for none).
pub(crate) fn nearest_rank(values: &[u32], p: f64) -> u32 {
    if values.is_empty() {
        return 0;
    }
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

/// Whether `t` is inside `[policy.calm] window` if the scenario sets one, else inside the
/// `simulation.night` hours.
pub(crate) fn in_window(setup: &Setup, t: SimTime) -> bool {
    if let Some(w) = &setup.calm.window {
        return w.allows(t);
    }
    setup.night.contains(hour_of_day(t))
}

/// The hours since midnight at `t`.
pub(crate) fn hour_of_day(t: SimTime) -> f64 {
    (t % MS_PER_DAY) as f64 / MS_PER_HOUR as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_takes_the_smallest_value_covering_the_share() {
        // Ten VM-days: 0 x5, 1 x3, 2, 6. The median is the 5th value (0), p90 the 9th (2).
        let v = [0, 0, 0, 0, 0, 1, 1, 1, 2, 6];
        assert_eq!(nearest_rank(&v, 0.5), 0);
        assert_eq!(nearest_rank(&v, 0.9), 2);
        assert_eq!(nearest_rank(&v, 1.0), 6);
        assert_eq!(nearest_rank(&[], 0.5), 0);
        assert_eq!(nearest_rank(&[3], 0.9), 3);
    }
}
