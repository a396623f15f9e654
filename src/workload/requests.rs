//! VM requests: teams submitting batches of VMs at random times, with a day and a night rate,
//! each VM running for a lifetime (fixed or drawn, as [`Lifetime`]); and the fairness of the
//! service they get.

use crate::model::lifetime::Lifetime;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp};

/// The order in which waiting VMs are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueOrder {
    /// Arrival order.
    Fifo,
    /// Higher team priority first, arrival order among equals.
    Priority,
}

/// The daily window in which the day rate applies (it may wrap midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    /// Start, ms after midnight.
    pub from: SimTime,
    /// End (exclusive), ms after midnight.
    pub to: SimTime,
}

impl DayWindow {
    /// Whether `t` is in the day window.
    pub fn is_day(&self, t: SimTime) -> bool {
        let tod = t % MS_PER_DAY;
        if self.from <= self.to {
            (self.from..self.to).contains(&tod)
        } else {
            tod >= self.from || tod < self.to
        }
    }

    /// The first time after `t` at which day turns to night or night to day.
    pub fn next_switch(&self, t: SimTime) -> SimTime {
        let day_start = t - t % MS_PER_DAY;
        [
            self.from,
            self.to,
            self.from + MS_PER_DAY,
            self.to + MS_PER_DAY,
        ]
        .into_iter()
        .map(|x| day_start + x)
        .filter(|&x| x > t)
        .min()
        .unwrap_or(t + MS_PER_DAY)
    }
}

/// A Poisson arrival process whose rate is `day` per hour in the day window and `night` per
/// hour outside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrivals {
    /// Requests per hour during the day.
    pub day: f64,
    /// Requests per hour at night.
    pub night: f64,
    /// When it is day.
    pub window: DayWindow,
}

impl Arrivals {
    /// The first arrival after `t` and before `until`, if any. Exact for a piecewise-constant
    /// rate: an exponential gap is drawn at the current rate, and if it crosses a day/night
    /// switch the draw restarts there (the process is memoryless).
    pub fn next_after<R: Rng + ?Sized>(
        &self,
        t: SimTime,
        until: SimTime,
        rng: &mut R,
    ) -> Option<SimTime> {
        let mut now = t;
        while now < until {
            let per_hour = if self.window.is_day(now) {
                self.day
            } else {
                self.night
            };
            let switch = self.window.next_switch(now);
            if per_hour > 0.0 {
                let gap_hours = Exp::new(per_hour).map(|d| d.sample(rng)).ok()?;
                let at = now as f64 + gap_hours * MS_PER_HOUR as f64;
                if at < switch as f64 {
                    // At least 1 ms after `now`, so time always advances.
                    return Some((at.ceil() as SimTime).max(now + 1)).filter(|&a| a < until);
                }
            } else if self.day <= 0.0 && self.night <= 0.0 {
                return None;
            }
            now = switch;
        }
        None
    }
}

/// A team and what it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSetup {
    /// Name.
    pub name: String,
    /// When its requests arrive.
    pub arrivals: Arrivals,
    /// Fewest VMs per request.
    pub batch_min: u32,
    /// Most VMs per request.
    pub batch_max: u32,
    /// VM type indices to draw from.
    pub types: Vec<usize>,
    /// Cumulative weights of `types`, ending at 1.
    pub cumulative: Vec<f64>,
    /// Load curve index of its VMs.
    pub load: usize,
    /// Lifetime of its VMs once started; `None` = until the end.
    pub lifetime: Option<Lifetime>,
    /// Queue priority (higher first).
    pub priority: i32,
}

impl TeamSetup {
    /// Cumulative weights from relative `weights` (equal if empty).
    pub fn cumulative_weights(weights: &[f64], n: usize) -> Vec<f64> {
        let w: Vec<f64> = if weights.is_empty() {
            vec![1.0; n]
        } else {
            weights.to_vec()
        };
        let total: f64 = w.iter().sum();
        let mut acc = 0.0;
        let mut out: Vec<f64> = w
            .iter()
            .map(|x| {
                acc += x / total;
                acc
            })
            .collect();
        if let Some(last) = out.last_mut() {
            *last = 1.0;
        }
        out
    }

    /// Draws a request: the VM type of each VM in the batch.
    pub fn draw_batch<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<usize> {
        let n = rng.random_range(self.batch_min..=self.batch_max);
        (0..n)
            .map(|_| {
                let u: f64 = rng.random();
                let i = self
                    .cumulative
                    .iter()
                    .position(|&c| u < c)
                    .unwrap_or(self.types.len() - 1);
                self.types[i]
            })
            .collect()
    }
}

/// All request settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSetup {
    /// How the waiting queue is ordered.
    pub queue: QueueOrder,
    /// The teams.
    pub teams: Vec<TeamSetup>,
}

/// Jain's fairness index of `values`: (sum x)^2 / (n sum x^2), 1 when all are equal, 1/n when
/// one gets everything. All zeros (nobody waited) count as perfectly fair: 1.
pub fn jain(values: &[f64]) -> f64 {
    let sum: f64 = values.iter().sum();
    let squares: f64 = values.iter().map(|x| x * x).sum();
    if values.is_empty() || squares == 0.0 {
        1.0
    } else {
        sum * sum / (values.len() as f64 * squares)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};

    const H: SimTime = MS_PER_HOUR;

    #[test]
    fn day_window_switches_and_wraps_midnight() {
        let w = DayWindow {
            from: 8 * H,
            to: 20 * H,
        };
        assert!(!w.is_day(7 * H));
        assert!(w.is_day(8 * H));
        assert!(!w.is_day(20 * H));
        assert_eq!(w.next_switch(0), 8 * H);
        assert_eq!(w.next_switch(8 * H), 20 * H);
        assert_eq!(w.next_switch(21 * H), MS_PER_DAY + 8 * H);
        let night_shift = DayWindow {
            from: 22 * H,
            to: 6 * H,
        };
        assert!(night_shift.is_day(23 * H) && night_shift.is_day(MS_PER_DAY + 5 * H));
        assert!(!night_shift.is_day(12 * H));
    }

    #[test]
    fn arrival_counts_follow_the_day_and_night_rates() {
        // 2 per hour for 12 h of day and 0.5 per hour for 12 h of night, over 200 days:
        // expected 4,800 day and 1,200 night arrivals (sd about 69 and 35).
        let a = Arrivals {
            day: 2.0,
            night: 0.5,
            window: DayWindow {
                from: 8 * H,
                to: 20 * H,
            },
        };
        let mut rng = stream(1, Stream::Arrivals);
        let (mut day, mut night, mut t) = (0, 0, 0);
        let until = 200 * MS_PER_DAY;
        while let Some(next) = a.next_after(t, until, &mut rng) {
            assert!(next > t);
            if a.window.is_day(next) {
                day += 1;
            } else {
                night += 1;
            }
            t = next;
        }
        assert!((4600..5000).contains(&day), "day arrivals {day}");
        assert!((1100..1300).contains(&night), "night arrivals {night}");
    }

    #[test]
    fn no_rate_means_no_arrivals_and_a_zero_night_skips_the_night() {
        let w = DayWindow {
            from: 8 * H,
            to: 20 * H,
        };
        let mut rng = stream(1, Stream::Arrivals);
        let none = Arrivals {
            day: 0.0,
            night: 0.0,
            window: w,
        };
        assert_eq!(none.next_after(0, MS_PER_DAY, &mut rng), None);
        let day_only = Arrivals {
            day: 5.0,
            night: 0.0,
            window: w,
        };
        for _ in 0..100 {
            let t = day_only
                .next_after(20 * H, 3 * MS_PER_DAY, &mut rng)
                .unwrap();
            assert!(w.is_day(t), "arrival at night: {t}");
        }
    }

    #[test]
    fn batches_respect_size_bounds_and_weights() {
        let team = TeamSetup {
            name: "t".into(),
            arrivals: Arrivals {
                day: 1.0,
                night: 0.0,
                window: DayWindow { from: 0, to: H },
            },
            batch_min: 1,
            batch_max: 50,
            types: vec![7, 9],
            cumulative: TeamSetup::cumulative_weights(&[3.0, 1.0], 2),
            load: 0,
            lifetime: None,
            priority: 0,
        };
        assert_eq!(team.cumulative, vec![0.75, 1.0]);
        let mut rng = stream(5, Stream::Requests);
        let (mut sevens, mut all) = (0, 0);
        for _ in 0..1000 {
            let b = team.draw_batch(&mut rng);
            assert!((1..=50).contains(&b.len()));
            sevens += b.iter().filter(|&&t| t == 7).count();
            all += b.len();
        }
        let share = sevens as f64 / all as f64;
        assert!((share - 0.75).abs() < 0.02, "share of type 7: {share}");
    }

    #[test]
    fn jain_index_is_one_when_equal_and_one_over_n_when_one_takes_all() {
        assert_eq!(jain(&[3.0, 3.0, 3.0]), 1.0);
        assert_eq!(jain(&[0.0, 0.0, 12.0]), 1.0 / 3.0);
        assert_eq!(jain(&[0.0, 0.0]), 1.0);
        // (1 + 3)^2 / (2 x (1 + 9)) = 0.8
        assert_eq!(jain(&[1.0, 3.0]), 0.8);
    }
}
