//! VM lifetimes: how long a VM runs once started, fixed or drawn from a distribution.

use crate::time::{MS_PER_SECOND, SimTime};
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Uniform};

/// How long each VM of a group runs after it arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lifetime {
    /// The same for every VM.
    Fixed(SimTime),
    /// Exponential with this mean, ms (memoryless: many short VMs, a few long ones).
    Exponential {
        /// Mean, ms.
        mean_ms: f64,
    },
    /// Uniform between two bounds, ms.
    Uniform {
        /// Shortest, ms.
        min_ms: f64,
        /// Longest, ms.
        max_ms: f64,
    },
    /// Log-normal with this median, ms, and shape `sigma` (heavy tail, as measured cloud VM
    /// lifetimes often are).
    LogNormal {
        /// Median, ms.
        median_ms: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
}

impl Lifetime {
    /// A lifetime for one VM, at least 1 ms; draws from `rng` unless fixed.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let ms = match *self {
            Lifetime::Fixed(ms) => return ms.max(1),
            Lifetime::Exponential { mean_ms } => Exp::new(1.0 / mean_ms)
                .map(|d| d.sample(rng))
                .unwrap_or(mean_ms),
            Lifetime::Uniform { min_ms, max_ms } => Uniform::new_inclusive(min_ms, max_ms)
                .map(|d| d.sample(rng))
                .unwrap_or(min_ms),
            Lifetime::LogNormal { median_ms, sigma } => LogNormal::new(median_ms.ln(), sigma)
                .map(|d| d.sample(rng))
                .unwrap_or(median_ms),
        };
        // Whole milliseconds; an absurdly long draw is capped rather than overflowing.
        ms.round().clamp(1.0, (u64::MAX / 2) as f64) as SimTime
    }

    /// The mean lifetime in seconds, for documentation and checks.
    pub fn mean_s(&self) -> f64 {
        let ms = match *self {
            Lifetime::Fixed(ms) => ms as f64,
            Lifetime::Exponential { mean_ms } => mean_ms,
            Lifetime::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Lifetime::LogNormal { median_ms, sigma } => median_ms * (sigma * sigma / 2.0).exp(),
        };
        ms / MS_PER_SECOND as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn fixed_lifetime_draws_nothing() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(Lifetime::Fixed(7_000).draw(&mut rng), 7_000);
        assert_eq!(Lifetime::Fixed(0).draw(&mut rng), 1, "at least 1 ms");
    }

    #[test]
    fn drawn_lifetimes_have_the_stated_mean_and_bounds() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let n = 20_000;
        for dist in [
            Lifetime::Exponential {
                mean_ms: 3_600_000.0,
            },
            Lifetime::Uniform {
                min_ms: 600_000.0,
                max_ms: 6_600_000.0,
            },
            Lifetime::LogNormal {
                median_ms: 3_000_000.0,
                sigma: 0.5,
            },
        ] {
            let draws: Vec<SimTime> = (0..n).map(|_| dist.draw(&mut rng)).collect();
            let mean = draws.iter().sum::<u64>() as f64 / n as f64 / 1000.0;
            // Within 3 % of the analytic mean (standard error is under 1 % for all three).
            assert!(
                (mean / dist.mean_s() - 1.0).abs() < 0.03,
                "{dist:?}: mean {mean} s vs {} s",
                dist.mean_s()
            );
            if let Lifetime::Uniform { min_ms, max_ms } = dist {
                assert!(
                    draws
                        .iter()
                        .all(|&d| d as f64 >= min_ms && d as f64 <= max_ms)
                );
            }
        }
    }
}
