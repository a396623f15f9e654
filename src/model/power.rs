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
        }
    }

    /// Watts at 0 % CPU.
    pub fn idle_w(&self) -> f64 {
        self.watts(0.0)
    }

    /// Watts at 100 % CPU.
    pub fn max_w(&self) -> f64 {
        self.watts(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G4: [f64; 11] = [
        86.0, 89.4, 92.6, 96.0, 99.5, 102.0, 106.0, 108.0, 112.0, 114.0, 117.0,
    ];

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
    fn specpower_table_interpolates_between_points() {
        let m = PowerModel::Table(G4);
        assert_eq!(m.watts(0.0), 86.0);
        assert_eq!(m.watts(0.1), 89.4);
        // Halfway between 40 % (99.5 W) and 50 % (102 W).
        assert!((m.watts(0.45) - 100.75).abs() < 1e-9);
        assert_eq!(m.watts(1.0), 117.0);
    }
}
