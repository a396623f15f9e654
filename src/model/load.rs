//! Load curves: a VM's CPU demand over time as a fraction of its size.

use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

/// The deterministic shape of a daily load curve.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The same level all the time.
    Constant(f64),
    /// Cosine between `trough` and `peak`, with the peak at `peak_hour` (hours).
    Sinusoid {
        /// Lowest level, 12 h from the peak.
        trough: f64,
        /// Highest level.
        peak: f64,
        /// Hour of day of the peak.
        peak_hour: f64,
    },
    /// Levels at hour centres (00:30, 01:30, ...), linear in between, wrapping at midnight.
    Hourly([f64; 24]),
}

/// Additive noise drawn per VM per load step.
#[derive(Debug, Clone, PartialEq)]
pub enum Noise {
    /// Normal with mean 0 and this standard deviation.
    Normal(f64),
    /// Uniform in `[-w, +w]`.
    Uniform(f64),
}

/// A load curve: shape, weekend factor and optional noise; levels are clamped to `0..=1`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCurve {
    /// Daily shape.
    pub shape: Shape,
    /// Multiplier on Saturdays and Sundays (time 0 is Monday 00:00).
    pub weekend_factor: f64,
    /// Noise, if any.
    pub noise: Option<Noise>,
}

impl LoadCurve {
    /// A noiseless constant curve.
    pub fn constant(level: f64) -> Self {
        LoadCurve {
            shape: Shape::Constant(level),
            weekend_factor: 1.0,
            noise: None,
        }
    }

    /// The noiseless level at time `t`.
    pub fn level(&self, t: SimTime) -> f64 {
        let hour = (t % MS_PER_DAY) as f64 / MS_PER_HOUR as f64;
        let base = match &self.shape {
            Shape::Constant(level) => *level,
            Shape::Sinusoid {
                trough,
                peak,
                peak_hour,
            } => {
                let phase = (hour - peak_hour) / 24.0 * std::f64::consts::TAU;
                trough + (peak - trough) * (1.0 + phase.cos()) / 2.0
            }
            Shape::Hourly(levels) => {
                let x = (hour - 0.5).rem_euclid(24.0);
                let i = x.floor() as usize % 24;
                let frac = x - x.floor();
                levels[i] + (levels[(i + 1) % 24] - levels[i]) * frac
            }
        };
        let day_of_week = (t / MS_PER_DAY) % 7;
        let factor = if day_of_week >= 5 {
            self.weekend_factor
        } else {
            1.0
        };
        (base * factor).clamp(0.0, 1.0)
    }

    /// The level at time `t` with noise drawn from `rng`, clamped to `0..=1`.
    pub fn sample<R: Rng + ?Sized>(&self, t: SimTime, rng: &mut R) -> f64 {
        self.with_noise(self.level(t), rng)
    }

    /// `level` (from [`Self::level`]) with this curve's noise drawn from `rng`, clamped to
    /// `0..=1`: lets a caller compute the level once per time for many VMs.
    pub fn with_noise<R: Rng + ?Sized>(&self, level: f64, rng: &mut R) -> f64 {
        let delta = match self.noise {
            None => return level,
            Some(Noise::Normal(sd)) if sd > 0.0 => {
                Normal::new(0.0, sd).map(|d| d.sample(rng)).unwrap_or(0.0)
            }
            Some(Noise::Uniform(w)) if w > 0.0 => Uniform::new_inclusive(-w, w)
                .map(|d| d.sample(rng))
                .unwrap_or(0.0),
            Some(_) => 0.0,
        };
        (level + delta).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn at_hour(h: f64) -> SimTime {
        (h * MS_PER_HOUR as f64) as SimTime
    }

    #[test]
    fn sinusoid_peaks_at_peak_hour_and_bottoms_twelve_hours_later() {
        let c = LoadCurve {
            shape: Shape::Sinusoid {
                trough: 0.1,
                peak: 0.7,
                peak_hour: 14.0,
            },
            weekend_factor: 1.0,
            noise: None,
        };
        assert!((c.level(at_hour(14.0)) - 0.7).abs() < 1e-12);
        assert!((c.level(at_hour(2.0)) - 0.1).abs() < 1e-12);
        // Six hours from the peak the cosine is 0: halfway.
        assert!((c.level(at_hour(8.0)) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn hourly_profile_interpolates_between_hour_centres() {
        let mut levels = [0.0; 24];
        levels[10] = 0.5;
        levels[11] = 1.0;
        let c = LoadCurve {
            shape: Shape::Hourly(levels),
            weekend_factor: 1.0,
            noise: None,
        };
        assert_eq!(c.level(at_hour(10.5)), 0.5);
        assert_eq!(c.level(at_hour(11.0)), 0.75);
        assert_eq!(c.level(at_hour(11.5)), 1.0);
    }

    #[test]
    fn weekend_factor_applies_on_saturday_and_sunday() {
        let c = LoadCurve {
            shape: Shape::Constant(0.5),
            weekend_factor: 0.5,
            noise: None,
        };
        assert_eq!(c.level(4 * MS_PER_DAY), 0.5, "Friday");
        assert_eq!(c.level(5 * MS_PER_DAY), 0.25, "Saturday");
        assert_eq!(c.level(6 * MS_PER_DAY + 1), 0.25, "Sunday");
        assert_eq!(c.level(7 * MS_PER_DAY), 0.5, "Monday again");
    }

    #[test]
    fn noise_is_clamped_and_reproducible() {
        let c = LoadCurve {
            shape: Shape::Constant(0.5),
            weekend_factor: 1.0,
            noise: Some(Noise::Normal(2.0)),
        };
        let mut a = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut b = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        for _ in 0..100 {
            let x = c.sample(0, &mut a);
            assert!((0.0..=1.0).contains(&x));
            assert_eq!(x, c.sample(0, &mut b));
        }
    }
}
