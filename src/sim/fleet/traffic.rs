//! Migration traffic on the hosts' links: the sum of the copies' rates now, the data it moved
//! since the last timeseries row (exact: rates are constant between the events that change
//! them) and the highest sum reached since then.

use crate::time::SimTime;

/// The fleet's migration traffic, as the timeseries reports it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traffic {
    /// Sum of the rates of the copies in progress, MB/s.
    rate_mb_s: f64,
    /// Copies with a rate above 0 (with none, the sum is exactly 0, whatever rounding left).
    flowing: usize,
    /// Time up to which `moved_mb` is counted.
    since: SimTime,
    /// Data moved since the last row, MB.
    moved_mb: f64,
    /// Highest sum of rates since the last row, MB/s.
    peak_mb_s: f64,
}

impl Traffic {
    /// A copy's rate goes from `old` to `new` MB/s at `now`.
    pub fn change(&mut self, now: SimTime, old: f64, new: f64) {
        self.advance(now);
        if old > 0.0 {
            self.flowing -= 1;
        }
        if new > 0.0 {
            self.flowing += 1;
        }
        self.rate_mb_s = if self.flowing == 0 {
            0.0
        } else {
            (self.rate_mb_s - old + new).max(0.0)
        };
        self.peak_mb_s = self.peak_mb_s.max(self.rate_mb_s);
    }

    /// Copies sending data now (what the invariant checker compares with the migrations).
    pub fn flowing(&self) -> usize {
        self.flowing
    }

    /// The data moved (MB) and the peak rate (MB/s) since the last call, up to `now`; the
    /// next period starts at the rate flowing now.
    pub fn take(&mut self, now: SimTime) -> (f64, f64) {
        self.advance(now);
        let out = (self.moved_mb, self.peak_mb_s);
        self.moved_mb = 0.0;
        self.peak_mb_s = self.rate_mb_s;
        out
    }

    fn advance(&mut self, now: SimTime) {
        self.moved_mb += self.rate_mb_s * (now - self.since) as f64 / 1000.0;
        self.since = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_data_is_rate_times_time_and_peak_is_the_highest_sum() {
        // 100 MB/s from 0 to 10 s, a second copy adds 50 MB/s from 4 s to 6 s: 1000 + 100 MB
        // by 10 s, peak 150 MB/s. Then nothing flows: the next period moves 0, peak 0.
        let mut t = Traffic::default();
        t.change(0, 0.0, 100.0);
        t.change(4000, 0.0, 50.0);
        t.change(6000, 50.0, 0.0);
        t.change(10_000, 100.0, 0.0);
        assert_eq!(t.take(12_000), (1100.0, 150.0));
        assert_eq!(t.take(20_000), (0.0, 0.0));
    }

    #[test]
    fn a_copy_still_flowing_at_a_row_starts_the_next_period_at_its_rate() {
        let mut t = Traffic::default();
        t.change(0, 0.0, 125.0);
        assert_eq!(t.take(2000), (250.0, 125.0));
        t.change(3000, 125.0, 0.0);
        assert_eq!(t.take(5000), (125.0, 125.0));
    }
}
