//! Overload detection: is a host too loaded, now or once a VM is added?
//!
//! The adaptive detectors of Beloglazov & Buyya (2012) read the host's recent utilisation
//! history; with too little history they fall back to a static threshold of
//! [`FALLBACK_THRESHOLD`], as CloudSim 3.0.3 does.

use super::Entry;
use super::stats::{iqr, mad, ols_line, robust_line};

/// Past values a detector may read: the last 30 control intervals (CloudSim's history length).
pub const HISTORY_LEN: usize = 30;
/// Threshold used by the adaptive detectors while the history is too short.
pub const FALLBACK_THRESHOLD: f64 = 0.7;
/// Values IQR and MAD need before they trust the history.
pub const MIN_HISTORY_DISPERSION: usize = 12;
/// Values LR and LRR fit (and need).
pub const REGRESSION_WINDOW: usize = 10;

/// A host's CPU load as a detector sees it.
#[derive(Debug, Clone, Copy)]
pub struct HostLoad<'a> {
    /// Utilisation now (committed MIPS / capacity), may exceed 1.
    pub utilisation: f64,
    /// Past utilisations at control-interval steps, oldest first, the last one being now's
    /// (may be empty). Detectors read at most the last [`HISTORY_LEN`] values.
    pub history: &'a [f64],
    /// How many control intervals ahead a predicting detector looks past the last value: the
    /// reference uses the longest migration time of the host's VMs, in intervals, rounded up.
    pub horizon: f64,
}

impl<'a> HostLoad<'a> {
    /// A load with `history` and a one-interval prediction horizon.
    pub fn new(utilisation: f64, history: &'a [f64]) -> Self {
        HostLoad {
            utilisation,
            history,
            horizon: 1.0,
        }
    }

    /// The last [`HISTORY_LEN`] values of the history at most.
    fn recent(&self) -> &'a [f64] {
        &self.history[self.history.len().saturating_sub(HISTORY_LEN)..]
    }
}

/// An overload detector.
pub trait OverloadDetector: Send {
    /// Whether the host is over-loaded.
    fn is_overloaded(&self, load: &HostLoad) -> bool;
    /// How many past values the detector reads (0 = none).
    fn history_len(&self) -> usize {
        0
    }
    /// A utilisation above which the detector finds any host over-loaded whatever its
    /// history, if there is one: placement then skips hosts that would pass it in bulk.
    fn ceiling(&self) -> Option<f64> {
        None
    }
    /// The most utilisation a destination may reach under the detector: its ceiling, at most
    /// `full` (100 %, plus whatever tolerance the caller's comparisons allow).
    fn most_within(&self, full: f64) -> f64 {
        self.ceiling().map_or(full, |c| c.min(full))
    }
}

/// Static threshold (THR): over-loaded when utilisation exceeds the threshold.
pub struct Threshold(pub f64);
impl OverloadDetector for Threshold {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        load.utilisation > self.0
    }
    fn ceiling(&self) -> Option<f64> {
        Some(self.0)
    }
}

/// Inter-quartile range (IQR): over-loaded when `u > 1 - safety x IQR(history)`; needs
/// [`MIN_HISTORY_DISPERSION`] values, else the fallback threshold.
pub struct InterQuartileRange {
    /// Safety parameter `s` (the reference uses 1.5).
    pub safety: f64,
}
impl OverloadDetector for InterQuartileRange {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        let h = load.recent();
        if h.len() < MIN_HISTORY_DISPERSION {
            return load.utilisation > FALLBACK_THRESHOLD;
        }
        load.utilisation > 1.0 - self.safety * iqr(h, &mut [0.0; HISTORY_LEN])
    }
    fn history_len(&self) -> usize {
        HISTORY_LEN
    }
}

/// Median absolute deviation (MAD): over-loaded when `u > 1 - safety x MAD(history)`; needs
/// [`MIN_HISTORY_DISPERSION`] values, else the fallback threshold.
pub struct MedianAbsoluteDeviation {
    /// Safety parameter `s` (the reference uses 2.5).
    pub safety: f64,
}
impl OverloadDetector for MedianAbsoluteDeviation {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        let h = load.recent();
        if h.len() < MIN_HISTORY_DISPERSION {
            return load.utilisation > FALLBACK_THRESHOLD;
        }
        load.utilisation > 1.0 - self.safety * mad(h, &mut [0.0; HISTORY_LEN])
    }
    fn history_len(&self) -> usize {
        HISTORY_LEN
    }
}

/// The prediction of a line fitted to the last [`REGRESSION_WINDOW`] values at x = 1..10, at
/// `x = 10 + horizon`; `None` when the history is too short.
fn predict(load: &HostLoad, robust: bool) -> Option<f64> {
    let h = load.recent();
    if h.len() < REGRESSION_WINDOW {
        return None;
    }
    let window = &h[h.len() - REGRESSION_WINDOW..];
    let line = if robust {
        robust_line(window, &mut [0.0; REGRESSION_WINDOW])?
    } else {
        ols_line(window)?
    };
    Some(line.at(REGRESSION_WINDOW as f64 + load.horizon))
}

/// LR's verdict `safety x prediction >= 1` when an estimate of the prediction settles it, else
/// `None` (then the least-squares fit decides, as the reference computes it).
///
/// The prediction of a least-squares line through `(i, y_i)`, `i = 1..n`, at `x` is the fixed
/// weighted sum `sum y_i (1/n + (i - m)(x - m) / sxx)` (`m` the mean of the `i`, `sxx` the sum
/// of their squared deviations): four independent products at a time instead of the fit's
/// chains of dependent sums and divisions. The two differ by rounding only, some 1e-15 of the
/// values' weighted size; a verdict further from the bar than 1e-9 of that size (times the
/// leverage of the horizon) is the fit's. LR asks this at every host it considers for a VM.
fn clear_verdict(window: &[f64; REGRESSION_WINDOW], horizon: f64, safety: f64) -> Option<bool> {
    const N: f64 = REGRESSION_WINDOW as f64;
    const MEAN: f64 = (N + 1.0) / 2.0;
    const SXX: f64 = N * (N * N - 1.0) / 12.0;
    let k = (N + horizon - MEAN) / SXX;
    let (mut sum, mut size) = ([0.0; 4], [0.0; 4]);
    for (i, &y) in window.iter().enumerate() {
        let term = y * (1.0 / N + (i as f64 + 1.0 - MEAN) * k);
        sum[i % 4] += term;
        size[i % 4] += term.abs() + y.abs();
    }
    let estimate = safety * ((sum[0] + sum[1]) + (sum[2] + sum[3]));
    let tolerance =
        1e-9 * safety.abs() * (1.0 + k.abs() * N) * ((size[0] + size[1]) + (size[2] + size[3]));
    // A NaN or infinite value fails the comparison: the fit decides.
    ((estimate - 1.0).abs() > tolerance).then_some(estimate >= 1.0)
}

/// Local regression (LR): fit a straight line by least squares to the last 10 values and call
/// the host over-loaded when `safety x prediction >= 1`; needs 10 values, else the fallback.
pub struct LocalRegression {
    /// Safety parameter `s` (the reference uses 1.2).
    pub safety: f64,
}
impl OverloadDetector for LocalRegression {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        let h = load.recent();
        if let Some(window) = h.last_chunk::<REGRESSION_WINDOW>()
            && let Some(verdict) = clear_verdict(window, load.horizon, self.safety)
        {
            return verdict;
        }
        match predict(load, false) {
            Some(p) => self.safety * p >= 1.0,
            None => load.utilisation > FALLBACK_THRESHOLD,
        }
    }
    fn history_len(&self) -> usize {
        REGRESSION_WINDOW
    }
}

/// Robust local regression (LRR): as LR, but the line is a robust fit (bisquare-weighted
/// iteratively reweighted least squares, Cleveland 1979), so one outlying value does not move
/// the prediction. CloudSim 3.0.3's LRR computes its weights but never applies them, so there
/// LRR gives exactly LR's numbers; this one really is robust.
pub struct RobustLocalRegression {
    /// Safety parameter `s` (the reference uses 1.2).
    pub safety: f64,
}
impl OverloadDetector for RobustLocalRegression {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        match predict(load, true) {
            Some(p) => self.safety * p >= 1.0,
            None => load.utilisation > FALLBACK_THRESHOLD,
        }
    }
    fn history_len(&self) -> usize {
        REGRESSION_WINDOW
    }
}

/// Every overload detector, by scenario name; the parameter is the threshold (THR) or the
/// safety parameter (the others).
pub const DETECTORS: &[Entry<dyn OverloadDetector>] = &[
    Entry {
        name: "thr",
        summary: "static threshold on utilisation (parameter: threshold, default 0.9)",
        build: |p, _| Box::new(Threshold(p.unwrap_or(0.9))),
    },
    Entry {
        name: "iqr",
        summary: "1 - s x inter-quartile range of the history (parameter: s, default 1.5)",
        build: |p, _| {
            Box::new(InterQuartileRange {
                safety: p.unwrap_or(1.5),
            })
        },
    },
    Entry {
        name: "mad",
        summary: "1 - s x median absolute deviation of the history (parameter: s, default 2.5)",
        build: |p, _| {
            Box::new(MedianAbsoluteDeviation {
                safety: p.unwrap_or(2.5),
            })
        },
    },
    Entry {
        name: "lr",
        summary: "least-squares line over the last 10 values predicts s x u >= 1 (parameter: s, default 1.2)",
        build: |p, _| {
            Box::new(LocalRegression {
                safety: p.unwrap_or(1.2),
            })
        },
    },
    Entry {
        name: "lrr",
        summary: "robust (bisquare) line over the last 10 values predicts s x u >= 1 (parameter: s, default 1.2)",
        build: |p, _| {
            Box::new(RobustLocalRegression {
                safety: p.unwrap_or(1.2),
            })
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn load(u: f64, history: &[f64]) -> HostLoad<'_> {
        HostLoad::new(u, history)
    }

    #[test]
    fn threshold_is_strict() {
        let thr = Threshold(0.8);
        assert!(!thr.is_overloaded(&load(0.8, &[])));
        assert!(thr.is_overloaded(&load(0.8001, &[])));
    }

    /// Twelve values whose MAD is 0.04: median 0.5, deviations 0,0,0,0.02,0.02,0.04,0.04,0.04,
    /// 0.06,0.06,0.1,0.1 -> median of deviations (0.04 + 0.04) / 2.
    const SERIES: [f64; 12] = [
        0.5, 0.5, 0.5, 0.52, 0.48, 0.54, 0.46, 0.54, 0.56, 0.44, 0.6, 0.4,
    ];

    #[test]
    fn mad_threshold_is_one_minus_s_times_mad() {
        // s = 2.5: threshold 1 - 2.5 x 0.04 = 0.9.
        let mad = MedianAbsoluteDeviation { safety: 2.5 };
        assert!(!mad.is_overloaded(&load(0.899, &SERIES)));
        assert!(mad.is_overloaded(&load(0.901, &SERIES)));
    }

    #[test]
    fn iqr_threshold_is_one_minus_s_times_iqr() {
        // Sorted: 0.4 0.44 0.46 0.48 0.5 0.5 0.5 0.52 0.54 0.54 0.56 0.6; Q1 = x[2] = 0.46,
        // Q3 = x[9] = 0.54, IQR = 0.08; s = 1.5: threshold 1 - 0.12 = 0.88.
        let iqr = InterQuartileRange { safety: 1.5 };
        assert!(!iqr.is_overloaded(&load(0.879, &SERIES)));
        assert!(iqr.is_overloaded(&load(0.881, &SERIES)));
    }

    #[test]
    fn adaptive_detectors_fall_back_to_0_7_with_short_history() {
        let short = &SERIES[..11];
        let detectors: [Box<dyn OverloadDetector>; 4] = [
            Box::new(InterQuartileRange { safety: 1.5 }),
            Box::new(MedianAbsoluteDeviation { safety: 2.5 }),
            Box::new(LocalRegression { safety: 1.2 }),
            Box::new(RobustLocalRegression { safety: 1.2 }),
        ];
        for d in &detectors {
            assert!(!d.is_overloaded(&load(0.7, &short[..9])));
            assert!(d.is_overloaded(&load(0.71, &short[..9])));
        }
        // IQR and MAD still fall back with 11 values; LR does not (it needs 10).
        assert!(detectors[0].is_overloaded(&load(0.71, short)));
        assert!(!detectors[2].is_overloaded(&load(0.71, short)));
    }

    #[test]
    fn lr_predicts_the_next_point_of_a_line() {
        // u = 0.3, 0.35, ..., 0.75 at x = 1..10: next (x = 11) is 0.8; 1.2 x 0.8 = 0.96 < 1.
        let line: Vec<f64> = (1..=10).map(|x| 0.25 + 0.05 * x as f64).collect();
        let lr = LocalRegression { safety: 1.2 };
        assert!(!lr.is_overloaded(&load(0.0, &line)));
        assert!((predict(&load(0.0, &line), false).unwrap() - 0.8).abs() < 1e-12);
        // Two intervals ahead: 0.85 x 1.2 = 1.02 >= 1.
        let far = HostLoad {
            horizon: 2.0,
            ..load(0.0, &line)
        };
        assert!(lr.is_overloaded(&far));
        // Only the last 10 values count: older ones are ignored.
        let mut longer = vec![5.0; 5];
        longer.extend_from_slice(&line);
        assert!((predict(&load(0.0, &longer), false).unwrap() - 0.8).abs() < 1e-12);
    }

    /// LR's verdict by the least-squares fit alone, as the reference computes it.
    fn fitted_verdict(window: &[f64], horizon: f64, safety: f64) -> bool {
        let load = HostLoad {
            horizon,
            ..load(0.0, window)
        };
        safety * predict(&load, false).unwrap() >= 1.0
    }

    #[test]
    fn a_prediction_on_the_bar_is_left_to_the_fit() {
        // 0.3, 0.35, ..., 0.75 predict 0.8 one interval ahead: 1.25 x 0.8 is 1 up to rounding.
        let line: [f64; 10] = std::array::from_fn(|i| 0.25 + 0.05 * (i + 1) as f64);
        assert_eq!(clear_verdict(&line, 1.0, 1.25), None);
        assert_eq!(clear_verdict(&line, 1.0, 1.2), Some(false));
        assert_eq!(clear_verdict(&line, 2.0, 1.2), Some(true));
        assert_eq!(clear_verdict(&[f64::NAN; 10], 1.0, 1.2), None);
    }

    proptest::proptest! {
        #[test]
        fn the_estimated_verdict_is_the_fits(
            window in proptest::array::uniform10(0.0..3.0f64),
            horizon in 1.0..6.0f64,
            safety in 0.5..3.0f64,
        ) {
            if let Some(verdict) = clear_verdict(&window, horizon, safety) {
                proptest::prop_assert_eq!(verdict, fitted_verdict(&window, horizon, safety));
            }
        }

        #[test]
        fn near_the_bar_the_estimate_agrees_or_defers(
            window in proptest::array::uniform10(0.0..3.0f64),
            horizon in 1.0..6.0f64,
            ulps in -4i64..=4,
        ) {
            // A safety that puts the fitted prediction on the bar, give or take a few ulps.
            let p = predict(&HostLoad { horizon, ..load(0.0, &window) }, false).unwrap();
            proptest::prop_assume!(p > 1e-3);
            let safety = f64::from_bits(((1.0 / p).to_bits() as i64 + ulps) as u64);
            if let Some(verdict) = clear_verdict(&window, horizon, safety) {
                proptest::prop_assert_eq!(verdict, fitted_verdict(&window, horizon, safety));
            }
        }
    }

    #[test]
    fn lrr_ignores_an_outlier_that_moves_lr() {
        let mut series: Vec<f64> = (1..=10).map(|x| 0.25 + 0.05 * x as f64).collect();
        series[7] = 1.2; // one spike at x = 8
        // LR is pulled up by the spike and calls the host over-loaded ...
        let lr_pred = predict(&load(0.0, &series), false).unwrap();
        assert!(lr_pred > 0.84, "LR prediction {lr_pred}");
        assert!(LocalRegression { safety: 1.2 }.is_overloaded(&load(0.0, &series)));
        // ... LRR fits the other nine points exactly and predicts 0.8 as on the clean line.
        let lrr_pred = predict(&load(0.0, &series), true).unwrap();
        assert!((lrr_pred - 0.8).abs() < 1e-9, "LRR prediction {lrr_pred}");
        assert!(!RobustLocalRegression { safety: 1.2 }.is_overloaded(&load(0.0, &series)));
    }

    #[test]
    fn every_registered_detector_builds_with_its_default() {
        for e in DETECTORS {
            let d = (e.build)(None, 0);
            assert!(!d.is_overloaded(&load(0.0, &[])), "{}", e.name);
        }
    }
}
