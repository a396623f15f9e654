//! VM selection: which VM leaves an over-loaded host first.

use super::Entry;
use super::overload::HISTORY_LEN;
use super::stats::r_squared;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// A VM that may be migrated away, as a selection policy sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VmCandidate<'a> {
    /// Memory, MB (sets the migration time).
    pub ram_mb: f64,
    /// Current CPU demand, MIPS.
    pub demand_mips: f64,
    /// Size, MIPS (vCPUs x MIPS per vCPU).
    pub size_mips: f64,
    /// Past demand at control-interval steps, oldest first, the last being now's; empty unless
    /// the policy asks for history ([`VmSelection::history_len`]).
    pub history: &'a [f64],
}

/// A VM selection policy.
pub trait VmSelection: Send {
    /// Index in `candidates` of the VM to migrate next; `None` if empty.
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize>;
    /// How many past demand values per VM the policy reads (0 = none).
    fn history_len(&self) -> usize {
        0
    }
}

/// Index of the first minimum of `key` (ties go to the earliest candidate).
pub fn argmin(candidates: &[VmCandidate], key: impl Fn(&VmCandidate) -> f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in candidates.iter().enumerate() {
        let k = key(c);
        if best.is_none_or(|(_, b)| k < b) {
            best = Some((i, k));
        }
    }
    best.map(|(i, _)| i)
}

/// Minimum migration time (MMT): the VM with the least RAM.
pub struct MinimumMigrationTime;
impl VmSelection for MinimumMigrationTime {
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize> {
        argmin(candidates, |c| c.ram_mb)
    }
}

/// Minimum utilisation (MU): the VM using the smallest share of its own size (demand / size,
/// as CloudSim computes it), so the least work is disturbed.
pub struct MinimumUtilisation;
impl VmSelection for MinimumUtilisation {
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize> {
        argmin(candidates, |c| {
            if c.size_mips > 0.0 {
                c.demand_mips / c.size_mips
            } else {
                0.0
            }
        })
    }
}

/// Random selection (RS): a uniformly random VM, from the run's own selection stream.
pub struct RandomSelection(pub Xoshiro256PlusPlus);
impl VmSelection for RandomSelection {
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize> {
        if candidates.is_empty() {
            None
        } else {
            Some(self.0.random_range(0..candidates.len()))
        }
    }
}

/// Maximum correlation (MC): the VM whose demand history is best explained by the other
/// candidates' histories (largest R² of a least-squares regression on them, i.e. the highest
/// multiple correlation), since correlated VMs peak together. Uses the most recent values all
/// candidates have; falls back to MMT when there is one candidate, when there are not more
/// values than candidates, or when no VM's R² is defined (every history constant).
///
/// With `cloudsim_rules`, it decides as CloudSim 3.0.3 does: MMT only when there are fewer
/// values than candidates; a VM needs an R² above 0 to be chosen, and when none has one the
/// first candidate goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct MaximumCorrelation {
    /// Follow CloudSim 3.0.3's fallbacks (the `cloudsim` profile).
    pub cloudsim_rules: bool,
}
impl VmSelection for MaximumCorrelation {
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize> {
        let n = candidates.len();
        let m = candidates
            .iter()
            .map(|c| c.history.len())
            .min()
            .unwrap_or(0);
        let too_short = if self.cloudsim_rules { m < n } else { m <= n };
        if n < 2 || too_short {
            return MinimumMigrationTime.select(candidates);
        }
        let recent =
            |c: &VmCandidate<'_>| -> Vec<f64> { c.history[c.history.len() - m..].to_vec() };
        let series: Vec<Vec<f64>> = candidates.iter().map(recent).collect();
        let mut best: Option<(usize, f64)> = None;
        for i in 0..n {
            let others: Vec<&[f64]> = (0..n)
                .filter(|&j| j != i)
                .map(|j| series[j].as_slice())
                .collect();
            let floor = if self.cloudsim_rules {
                0.0
            } else {
                f64::NEG_INFINITY
            };
            if let Some(r2) = r_squared(&series[i], &others)
                && r2 > floor
                && best.is_none_or(|(_, b)| r2 > b)
            {
                best = Some((i, r2));
            }
        }
        match best {
            Some((i, _)) => Some(i),
            None if self.cloudsim_rules => Some(0),
            None => MinimumMigrationTime.select(candidates),
        }
    }
    fn history_len(&self) -> usize {
        HISTORY_LEN
    }
}

/// Every VM selection policy, by scenario name. `rs` draws from the seed it is built with (the
/// run's selection stream).
pub const SELECTIONS: &[Entry<dyn VmSelection>] = &[
    Entry {
        name: "mmt",
        summary: "minimum migration time: least RAM first",
        build: |_, _| Box::new(MinimumMigrationTime),
    },
    Entry {
        name: "mu",
        summary: "minimum utilisation: lowest demand / size first",
        build: |_, _| Box::new(MinimumUtilisation),
    },
    Entry {
        name: "rs",
        summary: "random selection (seeded, own random stream)",
        build: |_, seed| Box::new(RandomSelection(Xoshiro256PlusPlus::seed_from_u64(seed))),
    },
    Entry {
        name: "mc",
        summary: "maximum correlation: VM whose history the others' explain best (R²)",
        build: |_, _| Box::new(MaximumCorrelation::default()),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ram: f64, demand: f64, size: f64) -> VmCandidate<'static> {
        VmCandidate {
            ram_mb: ram,
            demand_mips: demand,
            size_mips: size,
            history: &[],
        }
    }

    #[test]
    fn mmt_picks_least_ram_and_first_on_ties() {
        let cs = [
            c(870.0, 1.0, 1.0),
            c(613.0, 1.0, 1.0),
            c(613.0, 1.0, 1.0),
            c(1740.0, 1.0, 1.0),
        ];
        assert_eq!(MinimumMigrationTime.select(&cs), Some(1));
        assert_eq!(MinimumMigrationTime.select(&[]), None);
    }

    #[test]
    fn mu_picks_the_lowest_share_of_its_own_size() {
        // Shares 0.5, 0.25, 0.4: the 500-MIPS VM on a 2000-MIPS size wins though it uses more
        // MIPS than the third.
        let cs = [
            c(1.0, 500.0, 1000.0),
            c(1.0, 500.0, 2000.0),
            c(1.0, 400.0, 1000.0),
        ];
        assert_eq!(MinimumUtilisation.select(&cs), Some(1));
    }

    #[test]
    fn rs_is_seeded_and_covers_every_candidate() {
        let cs = [c(1.0, 1.0, 1.0); 4];
        let draw = |seed| {
            let mut rs = RandomSelection(Xoshiro256PlusPlus::seed_from_u64(seed));
            (0..200)
                .map(|_| rs.select(&cs).unwrap())
                .collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7), "same seed, same picks");
        assert_ne!(a, draw(8), "another seed, other picks");
        for i in 0..4 {
            assert!(a.contains(&i), "candidate {i} never picked in 200 draws");
        }
        assert_eq!(
            RandomSelection(Xoshiro256PlusPlus::seed_from_u64(1)).select(&[]),
            None
        );
    }

    #[test]
    fn mc_picks_the_vm_the_others_explain() {
        // Orthogonal centred patterns a, b and a small e (Walsh functions); VMs are a, a + b + e
        // and b, each offset by 2. Regressed on the other two: R²(a + b + e) = 16 / 16.08 =
        // 0.995, R²(a) = 8 / 8.08 = 0.990 and R²(b) = 0.990, so the middle VM goes, although
        // it has the most RAM.
        let a = [1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, -1.0];
        let b = [1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
        let e = [0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1];
        let va: Vec<f64> = a.iter().map(|x| 2.0 + x).collect();
        let vb: Vec<f64> = b.iter().map(|x| 2.0 + x).collect();
        let vs: Vec<f64> = (0..8).map(|i| 2.0 + a[i] + b[i] + e[i]).collect();
        fn with(h: &[f64], ram: f64) -> VmCandidate<'_> {
            VmCandidate {
                ram_mb: ram,
                demand_mips: 1.0,
                size_mips: 1.0,
                history: h,
            }
        }
        let cs = [with(&va, 100.0), with(&vs, 900.0), with(&vb, 100.0)];
        assert_eq!(MaximumCorrelation::default().select(&cs), Some(1));
        let r2 = r_squared(&vs, &[&va, &vb]).unwrap();
        assert!((r2 - 16.0 / 16.08).abs() < 1e-12, "R² {r2}");
    }

    #[test]
    fn mc_falls_back_to_mmt_without_enough_history() {
        // Three candidates but only three values each: not more values than parameters.
        let h: &'static [f64] = &[0.1, 0.2, 0.4];
        let cs = [
            VmCandidate {
                history: h,
                ..c(900.0, 1.0, 1.0)
            },
            VmCandidate {
                history: h,
                ..c(300.0, 1.0, 1.0)
            },
            VmCandidate {
                history: h,
                ..c(600.0, 1.0, 1.0)
            },
        ];
        assert_eq!(MaximumCorrelation::default().select(&cs), Some(1));
        // A lone VM: nothing to correlate with.
        assert_eq!(MaximumCorrelation::default().select(&cs[..1]), Some(0));
    }

    #[test]
    fn mc_under_cloudsim_rules_needs_as_many_values_as_vms_and_falls_back_to_the_first() {
        // Three constant histories: no R² is defined. Our MC takes MMT (index 1, least RAM);
        // CloudSim's takes the first candidate.
        let flat: &'static [f64] = &[0.3, 0.3, 0.3, 0.3, 0.3];
        let cs = [
            VmCandidate {
                history: flat,
                ..c(900.0, 1.0, 1.0)
            },
            VmCandidate {
                history: flat,
                ..c(300.0, 1.0, 1.0)
            },
            VmCandidate {
                history: flat,
                ..c(600.0, 1.0, 1.0)
            },
        ];
        let cloudsim = MaximumCorrelation {
            cloudsim_rules: true,
        };
        assert_eq!(MaximumCorrelation::default().select(&cs), Some(1));
        assert_eq!({ cloudsim }.select(&cs), Some(0));
        // Two values for three VMs: too few for either, both take MMT.
        let short: &'static [f64] = &[0.1, 0.2];
        let few = cs.map(|c| VmCandidate {
            history: short,
            ..c
        });
        assert_eq!({ cloudsim }.select(&few), Some(1));
    }

    #[test]
    fn every_registered_name_builds() {
        for e in SELECTIONS {
            let mut s = (e.build)(None, 3);
            assert_eq!(s.select(&[c(1.0, 1.0, 1.0)]), Some(0), "{}", e.name);
        }
    }
}
