//! The regular time grid a trace is replayed on: the sampling interval taken from the data,
//! snapping of timestamps to grid steps, and sample-and-hold between samples.

use super::{Level, TraceError};
use std::collections::BTreeMap;

/// Gaps between consecutive samples of each VM, to find the sampling interval.
#[derive(Debug, Default, Clone)]
pub struct IntervalEstimate {
    gaps: BTreeMap<u64, u64>,
}

impl IntervalEstimate {
    /// Records the gap between two consecutive samples of one VM, ms.
    pub fn add(&mut self, gap_ms: u64) {
        *self.gaps.entry(gap_ms).or_default() += 1;
    }

    /// Adds every gap seen by `other`.
    pub fn merge(&mut self, other: &IntervalEstimate) {
        for (&gap, &n) in &other.gaps {
            *self.gaps.entry(gap).or_default() += n;
        }
    }

    /// Each distinct gap (ms) with how often it occurs, smallest first.
    pub fn counts(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.gaps.iter().map(|(&g, &n)| (g, n))
    }

    /// The median gap (the lower one for an even count); `None` without any gap. The median
    /// ignores jitter (299, 301 s) and the odd hole (a 3.75 h outage) that a mean would not.
    pub fn median(&self) -> Option<u64> {
        let total: u64 = self.gaps.values().sum();
        if total == 0 {
            return None;
        }
        let half = (total - 1) / 2;
        let mut seen = 0;
        for (&gap, &n) in &self.gaps {
            seen += n;
            if seen > half {
                return Some(gap);
            }
        }
        None
    }
}

/// Irregular spacing found in a trace: holes (gaps of 1.5 intervals or more, where the
/// previous sample is held) and crowded samples (less than half an interval after the
/// previous one, where the later is kept).
#[derive(Debug, Default, Clone)]
pub(crate) struct Spacing {
    holes: u64,
    longest: u64,
    longest_in: String,
    crowded: u64,
    vms: usize,
}

impl Spacing {
    /// Adds the gaps of VM `vm`.
    pub(crate) fn add(&mut self, vm: &str, gaps: &IntervalEstimate, interval_ms: u64) {
        let before = (self.holes, self.crowded);
        for (gap, n) in gaps.counts() {
            if gap * 2 >= interval_ms * 3 {
                self.holes += n;
                if gap > self.longest {
                    self.longest = gap;
                    self.longest_in = vm.to_string();
                }
            } else if gap * 2 < interval_ms {
                self.crowded += n;
            }
        }
        if (self.holes, self.crowded) != before {
            self.vms += 1;
        }
    }

    /// One warning line for the whole trace at `what`, if anything was irregular.
    pub(crate) fn warning(&self, what: &str, vms: usize) -> Option<String> {
        let mut parts = Vec::new();
        if self.holes > 0 {
            parts.push(format!(
                "{} gaps of 1.5 intervals or more (longest {} s, {}): the previous sample is held",
                self.holes,
                self.longest / 1000,
                self.longest_in
            ));
        }
        if self.crowded > 0 {
            parts.push(format!(
                "{} samples less than half an interval after the previous one: the later one is kept",
                self.crowded
            ));
        }
        (!parts.is_empty()).then(|| {
            format!(
                "{what}: {} of {vms} VMs sampled irregularly: {}",
                self.vms,
                parts.join("; ")
            )
        })
    }
}

/// A regular grid: step `k` is at `origin_ms + k x interval_ms` on the trace's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// Trace time of step 0, ms: the earliest sample of any VM.
    pub origin_ms: i64,
    /// Step length, ms.
    pub interval_ms: u64,
}

impl Grid {
    /// The step nearest to trace time `t_ms` (half-way rounds up); `None` before the origin or
    /// beyond `u32::MAX` steps.
    pub fn step(&self, t_ms: i64) -> Option<u32> {
        let offset = u64::try_from(t_ms.checked_sub(self.origin_ms)?).ok()?;
        let step = (offset + self.interval_ms / 2) / self.interval_ms;
        u32::try_from(step).ok()
    }
}

/// Counts what snapping samples onto the grid did to one VM: steps without a sample (held
/// from the previous one) and samples that landed on the step of the previous one (the
/// later wins).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SnapStats {
    /// Grid steps with no sample of their own.
    pub gaps: u64,
    /// Samples that replaced an earlier sample on the same step.
    pub merged: u64,
}

impl SnapStats {
    /// Accounts for a sample on `step` after one on `previous`.
    pub fn observe(&mut self, previous: Option<u32>, step: u32) {
        match previous {
            Some(p) if step == p => self.merged += 1,
            Some(p) => self.gaps += u64::from(step - p - 1),
            None => {}
        }
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: SnapStats) {
        self.gaps += other.gaps;
        self.merged += other.merged;
    }
}

/// Sample-and-hold over one VM's samples `(step, level)`, pulled in step order on demand.
#[derive(Debug, Clone)]
pub struct Hold {
    first: u32,
    end: u32,
    current: Level,
    /// The next sample not yet applied; `None` = not fetched yet, `Some(None)` = no more.
    pending: Option<Option<(u32, Level)>>,
}

impl Hold {
    /// A hold for a VM with samples on steps `first .. end`.
    pub fn new(first: u32, end: u32) -> Self {
        Hold {
            first,
            end,
            current: 0,
            pending: None,
        }
    }

    /// Forgets every sample applied, to replay from the start.
    pub fn rewind(&mut self) {
        self.current = 0;
        self.pending = None;
    }

    /// The level at `step`: the latest sample at or before it, 0 outside `first .. end`.
    /// `pull` yields the next sample; steps must not decrease between calls.
    pub fn level_at(
        &mut self,
        step: u32,
        pull: &mut dyn FnMut() -> Result<Option<(u32, Level)>, TraceError>,
    ) -> Result<Level, TraceError> {
        if step < self.first || step >= self.end {
            return Ok(0);
        }
        loop {
            let next = match self.pending {
                Some(next) => next,
                None => {
                    let next = pull()?;
                    self.pending = Some(next);
                    next
                }
            };
            match next {
                Some((s, level)) if s <= step => {
                    self.current = level;
                    self.pending = None;
                }
                _ => return Ok(self.current),
            }
        }
    }
}

/// No sample on this step yet (while building a [`Series`]).
const EMPTY: Level = Level::MAX;

/// One VM's levels held in memory, one per grid step from its first to its last sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Step of `values[0]`.
    pub first: u32,
    /// Levels, steps `first ..`.
    pub values: Vec<Level>,
}

impl Series {
    /// An empty series for a VM with samples on steps `first .. end`.
    pub fn with_range(first: u32, end: u32) -> Self {
        Series {
            first,
            values: vec![EMPTY; end.saturating_sub(first) as usize],
        }
    }

    /// Sets the sample of `step` (a later sample on the same step replaces it).
    pub fn set(&mut self, step: u32, level: Level) {
        if let Some(v) = step
            .checked_sub(self.first)
            .and_then(|i| self.values.get_mut(i as usize))
        {
            *v = level;
        }
    }

    /// Fills every step without a sample with the previous sample (sample-and-hold).
    pub fn fill_gaps(&mut self) {
        let mut last = 0;
        for v in &mut self.values {
            if *v == EMPTY {
                *v = last;
            } else {
                last = *v;
            }
        }
    }

    /// The level at `step`, 0 outside the series.
    pub fn level_at(&self, step: u32) -> Level {
        step.checked_sub(self.first)
            .and_then(|i| self.values.get(i as usize))
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_interval_ignores_jitter_and_outages() {
        let mut e = IntervalEstimate::default();
        for _ in 0..100 {
            e.add(300_000);
        }
        for _ in 0..30 {
            e.add(301_000);
        }
        e.add(3_300_000);
        e.add(13_500_000);
        assert_eq!(e.median(), Some(300_000));
        assert_eq!(IntervalEstimate::default().median(), None);
        let mut two = IntervalEstimate::default();
        two.add(10);
        two.add(20);
        assert_eq!(two.median(), Some(10), "lower median of an even count");
    }

    #[test]
    fn timestamps_snap_to_the_nearest_step() {
        let g = Grid {
            origin_ms: 1_000_000,
            interval_ms: 300_000,
        };
        assert_eq!(g.step(1_000_000), Some(0));
        assert_eq!(g.step(1_000_000 + 149_999), Some(0));
        assert_eq!(g.step(1_000_000 + 150_000), Some(1));
        assert_eq!(g.step(1_000_000 + 301_000), Some(1));
        assert_eq!(g.step(999_999), None);
    }

    #[test]
    fn snap_stats_count_gaps_and_merges() {
        let mut s = SnapStats::default();
        s.observe(None, 0);
        s.observe(Some(0), 1);
        s.observe(Some(1), 4);
        s.observe(Some(4), 4);
        assert_eq!(s, SnapStats { gaps: 2, merged: 1 });
    }

    #[test]
    fn hold_repeats_the_last_sample_and_is_zero_outside_the_range() {
        let samples = [(2u32, 10u16), (3, 20), (6, 60), (6, 61)];
        let mut next = 0;
        let mut pulls = 0;
        let mut pull = || {
            pulls += 1;
            let s = samples.get(next).copied();
            next += 1;
            Ok(s)
        };
        let mut h = Hold::new(2, 7);
        let got: Vec<Level> = (0..9).map(|k| h.level_at(k, &mut pull).unwrap()).collect();
        assert_eq!(got, vec![0, 0, 10, 20, 20, 20, 61, 0, 0]);
        assert_eq!(pulls, 5, "each sample pulled once, plus the end");
    }

    #[test]
    fn series_fills_gaps_with_the_previous_sample() {
        let mut s = Series::with_range(3, 8);
        s.set(3, 5);
        s.set(5, 7);
        s.set(5, 8);
        s.set(7, 9);
        s.fill_gaps();
        assert_eq!(s.values, vec![5, 5, 8, 8, 9]);
        assert_eq!(s.level_at(2), 0);
        assert_eq!(s.level_at(4), 5);
        assert_eq!(s.level_at(8), 0);
    }
}
