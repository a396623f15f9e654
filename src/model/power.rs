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
    CloudsimTable {
        /// Watts at 0, 10, ..., 100 % CPU.
        points: [f64; 11],
        /// Per segment, CloudSim's `(p2 - p1) / 10`, divided once here rather than per call.
        steps: [f64; 10],
    },
    /// The linear model evaluated with CloudSim 3.0.3's arithmetic.
    CloudsimLinear {
        /// Watts at 0 % CPU.
        idle_w: f64,
        /// Watts at 100 % CPU.
        max_w: f64,
    },
}

/// `k / 10` for `k` in `0..=10`, as the division gives it (constant evaluation rounds as the
/// processor does): a load instead of a division on the way to a CloudSim table's watts, which
/// placement scoring asks for every candidate host.
const TENTHS: [f64; 11] = {
    let mut tenths = [0.0; 11];
    let mut k = 0;
    while k < 11 {
        tenths[k] = k as f64 / 10.0;
        k += 1;
    }
    tenths
};

/// `(x.floor() as usize, x.ceil() as usize)` for `x` in `0..=10` (or NaN), without calls to
/// libm: the cast truncates, which is the floor of a non-negative value, and the ceiling is
/// one more when `x` lies above it (never for NaN, which casts to 0 both ways).
fn floor_ceil(x: f64) -> (usize, usize) {
    // Through i32, whose saturating cast is a single instruction plus a NaN test on x86-64,
    // where one to usize takes a dozen.
    let lo = x as i32;
    let hi = if x > f64::from(lo) { lo + 1 } else { lo };
    (lo as usize, hi as usize)
}

impl PowerModel {
    /// Watts at utilisation `u`, clamped to `0..=1`.
    pub fn watts(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            PowerModel::Linear { idle_w, max_w } => idle_w + (max_w - idle_w) * u,
            PowerModel::Table(points) => {
                let x = u * 10.0;
                let i = floor_ceil(x).0.min(9);
                let frac = x - i as f64;
                points[i] + (points[i + 1] - points[i]) * frac
            }
            PowerModel::CloudsimTable { points, steps } => {
                // PowerModelSpecPower.getPower: the points where `u % 0.1 == 0`, else
                // p1 + (p2 - p1) / 10 x (u - u1 / 10) x 100. The remainder is 0 exactly at
                // the doubles 0, 0.1, 0.2, 0.4 and 0.8 (`u = k x d` with d the double nearest
                // 0.1 has an odd part below 2^53 only for k in {0, 1, 2, 4, 8}), where u x 10
                // is the integer k: floor and ceiling meet, p2 - p1 is 0, and the formula
                // gives the point too. So no test is needed (the test below checks the bits).
                let (lo, hi) = floor_ceil(u * 10.0);
                // (p2 - p1) / 10 is 0 where floor and ceiling meet, or at 100 %.
                let delta = if hi > lo && lo < 10 { steps[lo] } else { 0.0 };
                points[lo] + delta * (u - TENTHS[lo]) * 100.0
            }
            PowerModel::CloudsimLinear { idle_w, max_w } => {
                idle_w + (max_w - idle_w) / 100.0 * u * 100.0
            }
        }
    }

    /// A SPECpower table evaluated with CloudSim 3.0.3's arithmetic.
    pub fn cloudsim_table(points: [f64; 11]) -> PowerModel {
        PowerModel::CloudsimTable {
            points,
            steps: std::array::from_fn(|i| (points[i + 1] - points[i]) / 10.0),
        }
    }

    /// The same model evaluated with CloudSim 3.0.3's arithmetic (for the `cloudsim` profile).
    pub fn in_cloudsim_arithmetic(&self) -> PowerModel {
        match *self {
            PowerModel::Linear { idle_w, max_w } | PowerModel::CloudsimLinear { idle_w, max_w } => {
                PowerModel::CloudsimLinear { idle_w, max_w }
            }
            PowerModel::Table(points) | PowerModel::CloudsimTable { points, .. } => {
                PowerModel::cloudsim_table(points)
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
            PowerModel::Table(points) | PowerModel::CloudsimTable { points, .. } => points[0],
        }
    }

    /// Watts at 100 % CPU.
    pub fn max_w(&self) -> f64 {
        self.watts(1.0)
    }

    /// Watts added by raising utilisation from `u` to `u + d`. For a table, computed as the
    /// least slope among the segments `u..u + d` covers times `d`, plus what the steeper
    /// segments add on their share (each term at least 0): a host whose range lies in one
    /// segment gets exactly slope × `d`, so hosts that tie in exact arithmetic tie to the bit
    /// (the lowest id wins), and no host gets less than [`Self::min_increase`] says.
    pub fn increase(&self, u: f64, d: f64) -> f64 {
        match self {
            PowerModel::Linear { idle_w, max_w } => (max_w - idle_w) * d,
            PowerModel::Table(p) => {
                let (i, j) = (segment(u), segment(u + d));
                if i == j {
                    return slope(p, i) * d;
                }
                let least = (i..=j).map(|s| slope(p, s)).fold(f64::INFINITY, f64::min);
                // Both at least 0, by the definition of `segment`.
                let first = SEGMENT_START[i + 1] - u;
                let last = u + d - SEGMENT_START[j];
                let middle: f64 = (i + 1..j).map(|s| (slope(p, s) - least) / 10.0).sum();
                least * d + ((slope(p, i) - least) * first + middle + (slope(p, j) - least) * last)
            }
            PowerModel::CloudsimTable { .. } | PowerModel::CloudsimLinear { .. } => {
                self.watts(u + d) - self.watts(u)
            }
        }
    }

    /// A lower bound on [`Self::increase`] of `d` for every utilisation `u` in `lo..=hi`, to the
    /// bit, so placement can skip whole ranges of hosts. It is the increase itself for a
    /// linear model and for a range within one segment. Across segments it is the least
    /// increase in exact arithmetic (at an end of the range or where `u` or `u + d` crosses a
    /// segment start), less a margin far above rounding, but never less than the least slope
    /// among the segments covered times `d`, which bounds every computed increase exactly.
    pub fn min_increase(&self, lo: f64, hi: f64, d: f64) -> f64 {
        match self {
            PowerModel::Linear { .. } => self.increase(lo, d),
            PowerModel::Table(p) => {
                let (i, j) = (segment(lo), segment(hi + d));
                let least = (i..=j).map(|s| slope(p, s)).fold(f64::INFINITY, f64::min);
                if i == j {
                    return least * d;
                }
                let inside = |u: &f64| lo < *u && *u < hi;
                let lowest = SEGMENT_START[i + 1..=j]
                    .iter()
                    .flat_map(|&start| [start, start - d])
                    .filter(inside)
                    .chain([lo, hi])
                    .map(|u| self.increase(u, d))
                    .fold(f64::INFINITY, f64::min);
                (lowest - 1e-9 * (1.0 + lowest.abs())).max(least * d)
            }
            // Not used for placement bounds (the cloudsim profile scans): no bound.
            PowerModel::CloudsimTable { .. } | PowerModel::CloudsimLinear { .. } => {
                f64::NEG_INFINITY
            }
        }
    }
}

/// The slope of segment `s` of power table `p`, W per unit of CPU fraction.
fn slope(p: &[f64; 11], s: usize) -> f64 {
    (p[s + 1] - p[s]) * 10.0
}

/// Where each segment of a power table starts, in CPU fraction.
const SEGMENT_START: [f64; 10] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The table segment (0..=9) utilisation `u` falls in: the last whose start is at most `u`
/// (the first for negative values and NaN), so `segment(u) == k` exactly when
/// `segment_start(k) <= u` and, below the last, `u < segment_start(k + 1)`.
pub fn segment(u: f64) -> usize {
    SEGMENT_START[1..].partition_point(|&start| start <= u)
}

/// Where segment `k` (0..=9) of a power table starts, in CPU fraction.
pub fn segment_start(k: usize) -> f64 {
    SEGMENT_START[k]
}

#[cfg(test)]
mod tests {
    use super::*;

    const G4: [f64; 11] = [
        86.0, 89.4, 92.6, 96.0, 99.5, 102.0, 106.0, 108.0, 112.0, 114.0, 117.0,
    ];

    /// Utilisations where the shortcuts could go wrong: the multiples of 0.1 and their
    /// neighbouring doubles, the ends, NaN, and a deterministic spread over `0..=1`.
    fn tricky_utilisations() -> Vec<f64> {
        let mut us = vec![0.0, -0.0, 1.0, f64::NAN, f64::MIN_POSITIVE, 5e-324];
        for k in 0..=10 {
            for u in [f64::from(k) / 10.0, f64::from(k) * 0.1] {
                us.extend([u, u.next_up(), u.next_down()]);
            }
        }
        // A 64-bit linear congruential generator: reproducible, no dependency.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            us.push((state >> 11) as f64 / (1u64 << 53) as f64);
        }
        us.retain(|u| u.is_nan() || (0.0..=1.0).contains(u));
        us
    }

    #[test]
    fn the_remainder_is_zero_only_at_the_tenths_that_double_from_one_tenth() {
        let us = tricky_utilisations();
        for &u in &us {
            let expected = [0.0, 0.1, 0.2, 0.4, 0.8].contains(&u);
            assert_eq!(u % 0.1 == 0.0, expected, "u = {u:e}");
            if expected {
                assert_eq!(
                    (u * 10.0).fract(),
                    0.0,
                    "u = {u:e}: u x 10 is a whole number"
                );
            }
        }
    }

    #[test]
    fn cloudsim_table_has_the_bits_of_cloudsims_formula() {
        // PowerModelSpecPower.getPower written out with `%`, floor and ceil, as CloudSim has it.
        let cloudsim = |p: &[f64; 11], u: f64| {
            if u % 0.1 == 0.0 {
                return p[(u * 10.0) as usize];
            }
            let lo = (u * 10.0).floor() as usize;
            let hi = ((u * 10.0).ceil() as usize).min(10);
            p[lo] + (p[hi] - p[lo]) / 10.0 * (u - lo as f64 / 10.0) * 100.0
        };
        // HP ProLiant G4 and G5, the reference's two servers.
        let g5 = [
            93.7, 97.0, 101.0, 105.0, 110.0, 116.0, 121.0, 125.0, 129.0, 133.0, 135.0,
        ];
        for points in [G4, g5] {
            let m = PowerModel::cloudsim_table(points);
            for u in tricky_utilisations().into_iter().filter(|u| !u.is_nan()) {
                assert_eq!(
                    m.watts(u).to_bits(),
                    cloudsim(&points, u).to_bits(),
                    "u = {u:e}"
                );
            }
        }
    }

    #[test]
    fn floor_ceil_matches_libm_on_the_table_range() {
        let us = tricky_utilisations();
        for x in us.iter().map(|u| u * 10.0).chain((0..=10).map(f64::from)) {
            let (lo, hi) = floor_ceil(x);
            assert_eq!(
                (lo, hi),
                (x.floor() as usize, x.ceil() as usize),
                "x = {x:e}"
            );
        }
    }

    #[test]
    fn tenths_are_the_quotients_of_the_division() {
        for (k, tenth) in TENTHS.iter().enumerate() {
            assert_eq!(
                tenth.to_bits(),
                (std::hint::black_box(k) as f64 / 10.0).to_bits()
            );
        }
    }

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
    fn increase_is_the_rise_of_the_curve() {
        let table = PowerModel::Table(G4);
        // 45 % -> 75 %: 100.75 W (halfway between 99.5 and 102) -> 110 W (halfway between
        // 108 and 112).
        assert!((table.increase(0.45, 0.3) - 9.25).abs() < 1e-12);
        // Within one segment (60-70 %, 106 -> 108 W, 20 W per unit): 0.05 x 20 = 1 W.
        assert_eq!(table.increase(0.61, 0.05), 20.0 * 0.05);
        for i in 0..=200 {
            let u = f64::from(i) / 250.0;
            for d in [0.0, 0.01, 0.1, 0.17, 0.2] {
                let rise = table.watts(u + d) - table.watts(u);
                assert!((table.increase(u, d) - rise).abs() < 1e-9, "u {u} d {d}");
            }
        }
        let linear = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 300.0,
        };
        assert_eq!(linear.increase(0.1, 0.25), 50.0);
        assert_eq!(linear.increase(0.7, 0.25), 50.0);
    }

    #[test]
    fn segments_start_on_the_tenths() {
        for k in 0..10 {
            let start = segment_start(k);
            assert_eq!(segment(start), k);
            if k > 0 {
                assert_eq!(segment(start.next_down()), k - 1, "just below {start}");
            }
        }
        assert_eq!(segment(-0.5), 0);
        assert_eq!(segment(1.0), 9);
        assert_eq!(segment(1.5), 9);
        assert_eq!(segment(f64::NAN), 0);
    }

    #[test]
    fn hosts_in_one_segment_tie_to_the_bit() {
        // In float arithmetic watts(u + d) - watts(u) differs in the last bits from host to
        // host; the increase does not, so the lowest id wins a tie as documented.
        let table = PowerModel::Table(G4);
        let d = 0.013;
        let bits = table.increase(0.3, d).to_bits();
        for i in 0..=80 {
            let u = 0.3 + f64::from(i) / 1000.0;
            assert_eq!(table.increase(u, d).to_bits(), bits, "u {u}");
        }
    }

    #[test]
    fn min_increase_bounds_every_increase_in_the_range_to_the_bit() {
        let table = PowerModel::Table(G4);
        // Adding 10 % anywhere: the least slope of G4 is 20 W per unit (60 -> 70 %, 106 ->
        // 108 W, and 80 -> 90 %, 112 -> 114 W), so at least 2 W.
        assert_eq!(table.min_increase(0.0, 0.9, 0.1), 20.0 * 0.1);
        for (lo, hi) in [
            (0.0, 1.0),
            (0.05, 0.3),
            (0.42, 0.47),
            (0.6, 0.6),
            (0.31, 0.9),
        ] {
            for d in [0.0, 0.05, 0.13, 0.5, 1e-7] {
                let bound = table.min_increase(lo, hi, d);
                for i in 0..=1000 {
                    let u = lo + (hi - lo) * f64::from(i) / 1000.0;
                    assert!(table.increase(u, d) >= bound, "lo {lo} hi {hi} d {d} u {u}");
                }
            }
        }
        // 42-47 % plus 2 % stays within 40-50 % (99.5 -> 102 W, 25 W per unit): the bound is
        // the increase of every host there.
        assert_eq!(table.min_increase(0.42, 0.47, 0.02), 25.0 * 0.02);
        assert_eq!(table.increase(0.44, 0.02), 25.0 * 0.02);
        let linear = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 300.0,
        };
        assert_eq!(linear.min_increase(0.0, 0.75, 0.25), 50.0);
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
