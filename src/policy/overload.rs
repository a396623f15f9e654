//! Overload detection: is a host too loaded, now or once a VM is added?

use super::Entry;

/// A host's CPU load as a detector sees it.
#[derive(Debug, Clone, Copy)]
pub struct HostLoad<'a> {
    /// Utilisation now (committed MIPS / capacity), may exceed 1.
    pub utilisation: f64,
    /// Past utilisations at control-interval steps, oldest first (may be empty).
    pub history: &'a [f64],
}

/// An overload detector.
pub trait OverloadDetector: Send {
    /// Whether the host is over-loaded.
    fn is_overloaded(&self, load: &HostLoad) -> bool;
    /// How many past values the detector reads (0 = none).
    fn history_len(&self) -> usize {
        0
    }
}

/// Static threshold (THR): over-loaded when utilisation exceeds the threshold.
pub struct Threshold(pub f64);
impl OverloadDetector for Threshold {
    fn is_overloaded(&self, load: &HostLoad) -> bool {
        load.utilisation > self.0
    }
}

/// Every overload detector, by scenario name.
pub const DETECTORS: &[Entry<dyn OverloadDetector>] = &[Entry {
    name: "thr",
    summary: "static threshold on utilisation (parameter: threshold, default 0.9)",
    build: |p, _| Box::new(Threshold(p.unwrap_or(0.9))),
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_strict() {
        let thr = Threshold(0.8);
        assert!(!thr.is_overloaded(&HostLoad {
            utilisation: 0.8,
            history: &[]
        }));
        assert!(thr.is_overloaded(&HostLoad {
            utilisation: 0.8001,
            history: &[]
        }));
    }
}
