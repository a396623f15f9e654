//! The committed CPU and RAM of the powered hosts as the evacuation order reads them: averaged
//! over about a day, so that a day/night swing in which dimension binds does not swap the
//! classes' ranks twice a day (each class then emptied onto the other in turn).

use crate::time::{MS_PER_DAY, SimTime};

/// An exponential average of the committed (CPU MIPS, RAM MB) with a time constant of a day,
/// advanced at each consolidation round by the time since the last.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DayMix {
    last: Option<(SimTime, (f64, f64))>,
}

impl DayMix {
    /// Takes the committed `need` at `now` and returns the average: the first reading as it
    /// is, then each moving the average by the share of a day since the previous one (all of
    /// it after a day or more).
    pub(crate) fn update(&mut self, now: SimTime, need: (f64, f64)) -> (f64, f64) {
        let mix = match self.last {
            None => need,
            Some((then, (cpu, ram))) => {
                let k = (now.saturating_sub(then) as f64 / MS_PER_DAY as f64).min(1.0);
                (cpu + (need.0 - cpu) * k, ram + (need.1 - ram) * k)
            }
        };
        self.last = Some((now, mix));
        mix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reading_is_taken_whole_and_later_ones_by_their_share_of_a_day() {
        let mut mix = DayMix::default();
        assert_eq!(mix.update(0, (100.0, 1000.0)), (100.0, 1000.0));
        // Six hours later a quarter of the way to the new reading: 100 + 0.25 x 400 = 200.
        let six_h = MS_PER_DAY / 4;
        assert_eq!(mix.update(six_h, (500.0, 1000.0)), (200.0, 1000.0));
        // Two days later the new reading whole.
        assert_eq!(mix.update(six_h + 2 * MS_PER_DAY, (40.0, 8.0)), (40.0, 8.0));
    }

    #[test]
    fn a_day_night_swing_moves_the_average_a_little() {
        // CPU committed 180,000 MIPS by night and 2,000,000 by day, switching every 12 h and
        // read every 5 minutes for ten days: the average stays within a band around the
        // mean, 1.09 M, far from both ends: it moves by at most a twelve-hour share of a day
        // of the gap (1 - e^-0.5 = 0.39 of 1.82 M) and settles symmetric about the mean.
        let mut mix = DayMix::default();
        let step = 300_000;
        let (mut lo, mut hi) = (f64::MAX, f64::MIN);
        for i in 0..(10 * MS_PER_DAY / step) {
            let now = i * step;
            let day = (now % MS_PER_DAY) >= MS_PER_DAY / 2;
            let cpu = mix.update(now, (if day { 2.0e6 } else { 1.8e5 }, 7.2e6)).0;
            if now >= 5 * MS_PER_DAY {
                (lo, hi) = (lo.min(cpu), hi.max(cpu));
            }
        }
        // Settled: each half-day moves it from m - d to m + d with d = 0.91 M x tanh(1/4)
        // = 0.223 M (continuous limit), so between 0.87 M and 1.31 M.
        assert!(lo > 0.86e6 && lo < 0.88e6, "{lo}");
        assert!(hi > 1.30e6 && hi < 1.32e6, "{hi}");
    }
}
