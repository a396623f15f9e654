//! When two values of a metric differ enough to call one better: a relative tolerance with an
//! absolute floor per metric. Verdicts, the best rows of tables and Pareto fronts use it, so a
//! report never crowns noise (SLAV 7e-10 against 0) as a winner or a trade-off. Compare and
//! sweep judge performance by the share of CPU demand not served ([`UNSERVED`]) by default.

/// How far apart two values of a metric must be to count as different: more than
/// `relative` of the larger magnitude and more than `absolute`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Share of the larger magnitude (0.01 = 1 %).
    pub relative: f64,
    /// Floor in the metric's unit: values closer than this are the same, and a value within
    /// it of 0 is negligible.
    pub absolute: f64,
}

/// IT energy, kWh: 1 %, at least 0.1 kWh.
pub const ENERGY: Tolerance = Tolerance {
    relative: 0.01,
    absolute: 0.1,
};

/// SLAV (SLATAH × PDM), for callers comparing with the literature (verdicts and charts use
/// [`UNSERVED`]): 1 %, at least 1e-8 (hosts at 100 % CPU for 0.01 % of their active
/// time while migrations lose 0.01 % of the CPU requested; CloudSim's study reports 1e-5 to
/// 1e-4).
pub const SLAV: Tolerance = Tolerance {
    relative: 0.01,
    absolute: 1e-8,
};

/// Share of CPU demand not served (`vms.unserved_fraction`): 1 %, at least 0.01 % of the
/// demand (a hundredth of a percent is below what a planner can act on, and above the
/// rounding of the meters).
pub const UNSERVED: Tolerance = Tolerance {
    relative: 0.01,
    absolute: 1e-4,
};

/// Host-hours above `simulation.high_utilisation` (`impact.host_hours_above`): 1 %, at least
/// one host-hour (an hour of one host near saturation is what an operator's alarm shows).
pub const HOURS_ABOVE: Tolerance = Tolerance {
    relative: 0.01,
    absolute: 1.0,
};

/// The tolerance rule in words, as the reports print it next to a verdict.
pub fn tolerance_note() -> String {
    format!(
        "Tolerance: a difference counts only when it is larger than {} % of the larger value and than {} kWh of IT energy, {} % of CPU demand not served or {} host-hour above the high utilisation; closer values are ties.",
        ENERGY.relative * 100.0,
        ENERGY.absolute,
        UNSERVED.absolute * 100.0,
        HOURS_ABOVE.absolute
    )
}

impl Tolerance {
    /// The allowed difference between `a` and `b`.
    pub fn allowance(&self, a: f64, b: f64) -> f64 {
        (self.relative * a.abs().max(b.abs())).max(self.absolute)
    }

    /// Whether `a` and `b` are the same within the tolerance.
    pub fn same(&self, a: f64, b: f64) -> bool {
        (a - b).abs() <= self.allowance(a, b)
    }

    /// Whether `a` is less than `b` by more than the tolerance.
    pub fn less(&self, a: f64, b: f64) -> bool {
        b - a > self.allowance(a, b)
    }

    /// Whether `v` is within the floor of 0.
    pub fn negligible(&self, v: f64) -> bool {
        v.abs() <= self.absolute
    }
}

/// Who leads on a metric where less is better.
#[derive(Debug, Clone, PartialEq)]
pub enum Lead {
    /// One value is less than every other by more than the tolerance.
    Clear(usize),
    /// These are within the tolerance of the least (least first, then in input order).
    Tied(Vec<usize>),
    /// Every value is negligible (`zero`: exactly 0 everywhere); nothing to win.
    Negligible {
        /// Every value is exactly 0.
        zero: bool,
    },
    /// No finite value.
    Unknown,
}

/// The lead among `values` (NaN and infinities ignored). With `none_when_negligible`, a
/// metric within its floor of 0 everywhere has no leader (SLAV: no violation to speak of);
/// without it, the least still leads (energy).
pub fn lead(values: &[f64], tol: Tolerance, none_when_negligible: bool) -> Lead {
    let finite: Vec<usize> = (0..values.len())
        .filter(|&i| values[i].is_finite())
        .collect();
    if finite.is_empty() {
        return Lead::Unknown;
    }
    if none_when_negligible && finite.iter().all(|&i| tol.negligible(values[i])) {
        return Lead::Negligible {
            zero: finite.iter().all(|&i| values[i] == 0.0),
        };
    }
    let least = finite
        .iter()
        .copied()
        .min_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)))
        .expect("not empty");
    let mut tied: Vec<usize> = finite
        .into_iter()
        .filter(|&i| tol.same(values[i], values[least]))
        .collect();
    tied.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    if tied.len() == 1 {
        Lead::Clear(least)
    } else {
        Lead::Tied(tied)
    }
}

/// The `k` best indices by `primary` (less is better): each pick is, among the values left
/// within `tol` of the least primary, the one with the least `secondary` (then input order).
/// NaN in either is never picked.
pub fn rank(primary: &[f64], tol: Tolerance, secondary: &[f64], k: usize) -> Vec<usize> {
    let mut left: Vec<usize> = (0..primary.len())
        .filter(|&i| primary[i].is_finite() && secondary[i].is_finite())
        .collect();
    let mut picked = Vec::new();
    while picked.len() < k && !left.is_empty() {
        let least = left
            .iter()
            .map(|&i| primary[i])
            .fold(f64::INFINITY, f64::min);
        let best = left
            .iter()
            .copied()
            .filter(|&i| tol.same(primary[i], least))
            .min_by(|&a, &b| secondary[a].total_cmp(&secondary[b]).then(a.cmp(&b)))
            .expect("the least is within tolerance of itself");
        picked.push(best);
        left.retain(|&i| i != best);
    }
    picked
}

/// Indices of the (energy, impact) points that no other point beats, sorted by energy: `q`
/// beats `p` when it is worse on neither beyond the tolerance (`impact`'s for the second)
/// and better on one beyond it. Of points within the tolerance on both, only the first (by
/// energy, then impact, then input order) is kept. NaN points are skipped.
pub fn pareto_front(points: &[(f64, f64)], impact: Tolerance) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    order.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[a].1.total_cmp(&points[b].1))
            .then(a.cmp(&b))
    });
    let beats = |q: (f64, f64), p: (f64, f64)| {
        !ENERGY.less(p.0, q.0)
            && !impact.less(p.1, q.1)
            && (ENERGY.less(q.0, p.0) || impact.less(q.1, p.1))
    };
    let mut front: Vec<usize> = Vec::new();
    for &i in &order {
        let p = points[i];
        let beaten = order.iter().any(|&j| beats(points[j], p));
        let repeated = front
            .iter()
            .any(|&j| ENERGY.same(points[j].0, p.0) && impact.same(points[j].1, p.1));
        if !beaten && !repeated {
            front.push(i);
        }
    }
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 875.7 and 860.1 kWh differ by 15.6 kWh, more than 1 % of 875.7 (8.76 kWh): different.
    /// 875.7 and 870 differ by 5.7: the same. SLAV 7.2e-10 and 0 are within the 1e-8 floor.
    #[test]
    fn differences_count_beyond_the_relative_and_absolute_tolerance() {
        assert!(ENERGY.less(860.1, 875.7));
        assert!(ENERGY.same(870.0, 875.7));
        assert!(ENERGY.same(0.0, 0.1), "the 0.1 kWh floor");
        assert!(SLAV.same(7.2e-10, 0.0));
        assert!(SLAV.negligible(7.2e-10));
        assert!(SLAV.less(1e-6, 2e-6));
        assert!(SLAV.same(1.0e-6, 1.005e-6), "within 1 %");
    }

    /// The lead: three zeros have no SLAV winner (`none`), noise near 0 neither; energy 82
    /// beats 91 clearly; 100 and 100.5 tie (within 1 %).
    #[test]
    fn a_lead_needs_a_difference_beyond_the_tolerance() {
        assert_eq!(
            lead(&[0.0, 0.0, 0.0], SLAV, true),
            Lead::Negligible { zero: true }
        );
        assert_eq!(
            lead(&[0.0, 7.2e-10, 0.0], SLAV, true),
            Lead::Negligible { zero: false }
        );
        assert_eq!(lead(&[0.0, 2e-6, 1e-6], SLAV, true), Lead::Clear(0));
        assert_eq!(lead(&[100.0, 82.0, 91.0], ENERGY, false), Lead::Clear(1));
        assert_eq!(
            lead(&[100.5, 120.0, 100.0], ENERGY, false),
            Lead::Tied(vec![2, 0])
        );
        assert_eq!(lead(&[f64::NAN], ENERGY, false), Lead::Unknown);
    }

    /// Ranking by energy with SLAV breaking ties within the tolerance: 100.5 and 100 tie,
    /// and 100.5 has less SLAV, so it ranks first.
    #[test]
    fn ranks_break_ties_within_tolerance_by_the_other_metric() {
        let energy = [100.0, 100.5, 90.0, 120.0];
        let slav = [3e-6, 1e-6, 5e-6, 0.0];
        assert_eq!(rank(&energy, ENERGY, &slav, 3), vec![2, 1, 0]);
        assert_eq!(rank(&slav, SLAV, &energy, 2), vec![3, 1]);
    }

    /// The headroom sweep's points: spare 0.1 (860.1 kWh, SLAV 7.2e-10) beats spare 0.2
    /// (875.7, 0) and 0.3 (908.1, 0) since their SLAV is the same within 1e-8; always-on
    /// (1330.3, 0) twice is beaten too. The front is one point, not a trade-off.
    #[test]
    fn noise_in_slav_is_no_trade_off() {
        let pts = [
            (1330.3, 0.0),
            (1330.3, 0.0),
            (860.1, 7.2e-10),
            (875.7, 0.0),
            (908.1, 0.0),
        ];
        assert_eq!(pareto_front(&pts, SLAV), vec![2]);
    }

    /// The front keeps the points nothing beats on both counts: (5, 3) beats (6, 4); (9, 0)
    /// and (7, 1) stay; (7, 2) loses to (7, 1); NaN is skipped; a repeat of (9, 0) is not
    /// kept twice.
    #[test]
    fn pareto_front_keeps_undominated_points_by_energy() {
        let pts = [
            (9.0, 0.0),
            (6.0, 4.0),
            (5.0, 3.0),
            (7.0, 1.0),
            (7.0, 2.0),
            (f64::NAN, 0.0),
            (9.0, 0.0),
        ];
        assert_eq!(pareto_front(&pts, SLAV), vec![2, 3, 0]);
    }
}
