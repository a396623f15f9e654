//! Host power models: watts drawn as a function of CPU utilisation while a host is on.

/// Power draw of an on host as a function of its CPU utilisation.
#[derive(Debug, Clone, PartialEq)]
pub enum PowerModel {
    /// Linear from `idle_w` at 0 % to `max_w` at 100 %.
    Linear {
        /// Watts at 0 % CPU.
        idle_w: f64,
        /// Watts at 100 % CPU.
        max_w: f64,
    },
    /// SPECpower table: watts at 0, 10, ..., 100 % CPU, linearly interpolated.
    Table([f64; 11]),
    /// A SPECpower table evaluated with CloudSim 3.0.3's arithmetic (same values, rounded its
    /// way: in the reference reproduction its rounding decides ties between hosts).
    CloudsimTable([f64; 11]),
    /// The linear model evaluated with CloudSim 3.0.3's arithmetic.
    CloudsimLinear {
        /// Watts at 0 % CPU.
        idle_w: f64,
        /// Watts at 100 % CPU.
        max_w: f64,
    },
}

impl PowerModel {
    /// Watts at utilisation `u`, clamped to `0..=1`.
    pub fn watts(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            PowerModel::Linear { idle_w, max_w } => idle_w + (max_w - idle_w) * u,
            PowerModel::Table(points) => {
                let x = u * 10.0;
                let i = (x.floor() as usize).min(9);
                let frac = x - i as f64;
                points[i] + (points[i + 1] - points[i]) * frac
            }
            PowerModel::CloudsimTable(points) => {
                // PowerModelSpecPower.getPower: the points on multiples of 10 %, else
                // p1 + (p2 - p1) / 10 x (u - u1 / 10) x 100.
                if u % 0.1 == 0.0 {
                    return points[(u * 10.0) as usize];
                }
                let lo = (u * 10.0).floor() as usize;
                let hi = ((u * 10.0).ceil() as usize).min(10);
                let delta = (points[hi] - points[lo]) / 10.0;
                points[lo] + delta * (u - lo as f64 / 10.0) * 100.0
            }
            PowerModel::CloudsimLinear { idle_w, max_w } => {
                idle_w + (max_w - idle_w) / 100.0 * u * 100.0
            }
        }
    }

    /// The same model evaluated with CloudSim 3.0.3's arithmetic (for the `cloudsim` profile).
    pub fn in_cloudsim_arithmetic(&self) -> PowerModel {
        match *self {
            PowerModel::Linear { idle_w, max_w } | PowerModel::CloudsimLinear { idle_w, max_w } => {
                PowerModel::CloudsimLinear { idle_w, max_w }
            }
            PowerModel::Table(points) | PowerModel::CloudsimTable(points) => {
                PowerModel::CloudsimTable(points)
            }
        }
    }

    /// Watts at 0 % CPU.
    pub fn idle_w(&self) -> f64 {
        // The same bits as `watts(0.0)` (each model adds exactly 0 there), without the work.
        match self {
            PowerModel::Linear { idle_w, .. } | PowerModel::CloudsimLinear { idle_w, .. } => {
                *idle_w
            }
            PowerModel::Table(points) | PowerModel::CloudsimTable(points) => points[0],
        }
    }

    /// Watts at 100 % CPU.
    pub fn max_w(&self) -> f64 {
        self.watts(1.0)
    }

    /// The least power increase from adding `d` of utilisation to a host at any utilisation
    /// `u` in `0..=1-d` (`None` if `d > 1`): a lower bound that lets placement skip a whole
    /// class of hosts. The increase is piecewise linear in `u`, so its minimum is at a point
    /// where `u` or `u + d` crosses a table point, or at an end.
    pub fn min_increase(&self, d: f64) -> Option<f64> {
        if !(0.0..=1.0).contains(&d) {
            return None;
        }
        let increase = |u: f64| self.watts(u + d) - self.watts(u);
        Some(match self {
            PowerModel::Linear { .. } | PowerModel::CloudsimLinear { .. } => increase(0.0),
            PowerModel::Table(_) | PowerModel::CloudsimTable(_) => (0..=10)
                .flat_map(|k| [k as f64 / 10.0, k as f64 / 10.0 - d])
                .chain([0.0, 1.0 - d])
                .filter(|u| (0.0..=1.0 - d).contains(u))
                .map(increase)
                .fold(f64::INFINITY, f64::min),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G4: [f64; 11] = [
        86.0, 89.4, 92.6, 96.0, 99.5, 102.0, 106.0, 108.0, 112.0, 114.0, 117.0,
    ];

    #[test]
    fn idle_w_has_the_bits_of_watts_at_zero() {
        for (idle, max) in [(0.1, 0.3), (86.0, 117.0), (93.7, 135.0), (1e-3, 7e5)] {
            let linear = PowerModel::Linear {
                idle_w: idle,
                max_w: max,
            };
            let table = PowerModel::Table(std::array::from_fn(|i| {
                idle + (max - idle) * i as f64 / 10.0
            }));
            for m in [
                linear.clone(),
                table.clone(),
                linear.in_cloudsim_arithmetic(),
                table.in_cloudsim_arithmetic(),
            ] {
                assert_eq!(m.idle_w().to_bits(), m.watts(0.0).to_bits(), "{m:?}");
            }
        }
    }

    #[test]
    fn linear_model_interpolates_between_idle_and_max() {
        let m = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 300.0,
        };
        assert_eq!(m.watts(0.0), 100.0);
        assert_eq!(m.watts(0.25), 150.0);
        assert_eq!(m.watts(1.0), 300.0);
        assert_eq!(m.watts(1.7), 300.0, "utilisation is clamped at 100 %");
    }

    #[test]
    fn min_increase_bounds_every_increase() {
        let table = PowerModel::Table(G4);
        // Adding 10 %: the smallest rise between two G4 table points is 2 W (60 -> 70 %,
        // 106 -> 108 W, and 80 -> 90 %, 112 -> 114 W).
        assert!((table.min_increase(0.1).unwrap() - 2.0).abs() < 1e-12);
        for d in [0.0, 0.05, 0.13, 0.5, 0.99, 1.0] {
            let lb = table.min_increase(d).unwrap();
            for i in 0..=1000 {
                let u = i as f64 / 1000.0 * (1.0 - d);
                assert!(
                    table.watts(u + d) - table.watts(u) >= lb - 1e-12,
                    "d {d} u {u}"
                );
            }
        }
        let linear = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 300.0,
        };
        assert!((linear.min_increase(0.25).unwrap() - 50.0).abs() < 1e-12);
        assert_eq!(linear.min_increase(1.5), None);
    }

    #[test]
    fn specpower_table_interpolates_between_points() {
        let m = PowerModel::Table(G4);
        assert_eq!(m.watts(0.0), 86.0);
        assert_eq!(m.watts(0.1), 89.4);
        // Halfway between 40 % (99.5 W) and 50 % (102 W).
        assert!((m.watts(0.45) - 100.75).abs() < 1e-9);
        assert_eq!(m.watts(1.0), 117.0);
    }

    #[test]
    fn cloudsim_arithmetic_gives_the_same_watts_up_to_rounding() {
        let ours = PowerModel::Table(G4);
        let theirs = ours.in_cloudsim_arithmetic();
        for i in 0..=1000 {
            let u = f64::from(i) / 1000.0;
            assert!((ours.watts(u) - theirs.watts(u)).abs() < 1e-9, "at {u}");
        }
        assert_eq!(theirs.watts(0.0), 86.0);
        assert_eq!(theirs.watts(1.0), 117.0);
        let linear = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 300.0,
        };
        assert!((linear.in_cloudsim_arithmetic().watts(0.25) - 150.0).abs() < 1e-12);
    }
}
