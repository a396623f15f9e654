//! Placement: which host receives a VM (at arrival or as a migration destination).
//!
//! The simulator filters hosts that fit (CPU within the limit, RAM, disk); a placement policy
//! only scores the candidates: the lowest score wins, and ties go to the lowest host id.

use super::Entry;
use crate::model::power::PowerModel;

/// What a VM needs from a host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Need {
    /// CPU in MIPS.
    pub mips: f64,
    /// Memory in MB.
    pub ram_mb: f64,
    /// Disk in MB.
    pub disk_mb: f64,
    /// Speed each virtual CPU needs of a core, MIPS: a host whose cores are slower cannot run
    /// the VM (0: any core).
    pub vcpu_mips: f64,
}

/// A host that fits the VM, as a placement policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// CPU capacity in MIPS.
    pub cpu_capacity: f64,
    /// CPU committed before the VM, MIPS.
    pub cpu_used: f64,
    /// The draw the increase is measured from under the `cloudsim` profile, W: the draw at
    /// the load measured at the last update, as CloudSim does not refresh a host's power
    /// while it plans. `None`: the increase is measured from `cpu_used`
    /// ([`PowerModel::increase`]).
    pub baseline_w: Option<f64>,
    /// RAM capacity, MB.
    pub ram_capacity: f64,
    /// RAM committed before the VM, MB.
    pub ram_used: f64,
    /// Disk capacity, MB (0 when the class declares none).
    pub disk_capacity: f64,
    /// Disk committed before the VM, MB.
    pub disk_used: f64,
    /// The host's power model.
    pub power: &'a PowerModel,
}

impl Candidate<'_> {
    /// Sum over CPU, RAM and disk of the fraction left free after adding `need`.
    pub fn leftover_after(&self, need: &Need) -> f64 {
        let frac = |cap: f64, used: f64, add: f64| {
            if cap > 0.0 {
                (cap - used - add) / cap
            } else {
                0.0
            }
        };
        frac(self.cpu_capacity, self.cpu_used, need.mips)
            + frac(self.ram_capacity, self.ram_used, need.ram_mb)
            + frac(self.disk_capacity, self.disk_used, need.disk_mb)
    }

    /// Increase in power draw (W) from adding `need`'s CPU.
    pub fn power_increase(&self, need: &Need) -> f64 {
        match self.baseline_w {
            Some(before) => {
                self.power
                    .watts((self.cpu_used + need.mips) / self.cpu_capacity)
                    - before
            }
            None => self.power.increase(
                self.cpu_used / self.cpu_capacity,
                need.mips / self.cpu_capacity,
            ),
        }
    }
}

/// A placement policy.
pub trait Placement: Send {
    /// Score of placing `need` on `host`; lowest wins.
    fn score(&self, host: &Candidate, need: &Need) -> f64;
    /// Whether the first fitting host can be taken without scoring the others.
    fn takes_first(&self) -> bool {
        false
    }
    /// Whether a batch of VMs is placed largest first.
    fn decreasing(&self) -> bool {
        false
    }
    /// A score below which no host of a class (its power model and CPU capacity) whose
    /// committed CPU fraction lies in `lo..=hi` scores for `need`, to the bit, if the policy
    /// can tell: placement then skips such hosts in bulk. `None`: every host is scored. (For
    /// candidates without a `baseline_w`.) A policy that takes the first host scores 0
    /// everywhere.
    fn range_bound(
        &self,
        _power: &PowerModel,
        _cpu_capacity: f64,
        _lo: f64,
        _hi: f64,
        _need: &Need,
    ) -> Option<f64> {
        self.takes_first().then_some(0.0)
    }
}

/// First host (by id) that fits.
pub struct FirstFit;
impl Placement for FirstFit {
    fn score(&self, _: &Candidate, _: &Need) -> f64 {
        0.0
    }
    fn takes_first(&self) -> bool {
        true
    }
}

/// First fit, largest VMs first.
pub struct FirstFitDecreasing;
impl Placement for FirstFitDecreasing {
    fn score(&self, _: &Candidate, _: &Need) -> f64 {
        0.0
    }
    fn takes_first(&self) -> bool {
        true
    }
    fn decreasing(&self) -> bool {
        true
    }
}

/// The host left with the least free CPU, RAM and disk together (tightest packing).
pub struct BestFit;
impl Placement for BestFit {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        host.leftover_after(need)
    }
}

/// The host left with the most free capacity (spreads load).
pub struct WorstFit;
impl Placement for WorstFit {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        -host.leftover_after(need)
    }
}

/// Power-aware best-fit decreasing (Beloglazov & Buyya 2012): the host whose power grows least.
pub struct PowerAwareBestFitDecreasing;
impl Placement for PowerAwareBestFitDecreasing {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        host.power_increase(need)
    }
    fn decreasing(&self) -> bool {
        true
    }
    fn range_bound(
        &self,
        power: &PowerModel,
        cpu_capacity: f64,
        lo: f64,
        hi: f64,
        need: &Need,
    ) -> Option<f64> {
        Some(power.min_increase(lo, hi, need.mips / cpu_capacity))
    }
}

/// Every placement policy, by scenario name.
pub const PLACEMENTS: &[Entry<dyn Placement>] = &[
    Entry {
        name: "first-fit",
        summary: "first host by id that fits",
        build: |_, _| Box::new(FirstFit),
    },
    Entry {
        name: "first-fit-decreasing",
        summary: "first fit, largest VMs first",
        build: |_, _| Box::new(FirstFitDecreasing),
    },
    Entry {
        name: "best-fit",
        summary: "host left with least free CPU+RAM+disk",
        build: |_, _| Box::new(BestFit),
    },
    Entry {
        name: "worst-fit",
        summary: "host left with most free CPU+RAM+disk",
        build: |_, _| Box::new(WorstFit),
    },
    Entry {
        name: "pabfd",
        summary: "power-aware best-fit decreasing: least power increase",
        build: |_, _| Box::new(PowerAwareBestFitDecreasing),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn host(power: &PowerModel, cpu_used: f64, ram_used: f64) -> Candidate<'_> {
        Candidate {
            cpu_capacity: 1000.0,
            cpu_used,
            baseline_w: None,
            ram_capacity: 1000.0,
            ram_used,
            disk_capacity: 0.0,
            disk_used: 0.0,
            power,
        }
    }

    #[test]
    fn best_fit_prefers_the_fuller_host_and_worst_fit_the_emptier() {
        let p = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 200.0,
        };
        let need = Need {
            mips: 100.0,
            ram_mb: 100.0,
            disk_mb: 0.0,
            vcpu_mips: 0.0,
        };
        let (full, empty) = (host(&p, 700.0, 500.0), host(&p, 100.0, 100.0));
        assert!(BestFit.score(&full, &need) < BestFit.score(&empty, &need));
        assert!(WorstFit.score(&full, &need) > WorstFit.score(&empty, &need));
        // Leftover on the full host: CPU (1000-800)/1000 + RAM (1000-600)/1000 = 0.6.
        assert!((full.leftover_after(&need) - 0.6).abs() < 1e-12);
    }

    #[test]
    fn pabfd_scores_the_power_increase() {
        let flat_top = PowerModel::Table([
            86.0, 89.4, 92.6, 96.0, 99.5, 102.0, 106.0, 108.0, 112.0, 114.0, 117.0,
        ]);
        let need = Need {
            mips: 100.0,
            ram_mb: 0.0,
            disk_mb: 0.0,
            vcpu_mips: 0.0,
        };
        // From 80 % to 90 % on the G4 table: 114 - 112 = 2 W.
        assert!(
            (PowerAwareBestFitDecreasing.score(&host(&flat_top, 800.0, 0.0), &need) - 2.0).abs()
                < 1e-9
        );
    }

    #[test]
    fn pabfd_measures_the_increase_from_the_reference_load() {
        let p = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 200.0,
        };
        let need = Need {
            mips: 100.0,
            ram_mb: 0.0,
            disk_mb: 0.0,
            vcpu_mips: 0.0,
        };
        // 300 MIPS committed but the draw was measured at 200 (the cloudsim profile's stale
        // baseline): from 20 % (120 W) to 40 % (140 W) = 20 W, not 10 W.
        let stale = Candidate {
            baseline_w: Some(p.watts(0.2)),
            ..host(&p, 300.0, 0.0)
        };
        assert!((PowerAwareBestFitDecreasing.score(&stale, &need) - 20.0).abs() < 1e-9);
        assert!(
            (PowerAwareBestFitDecreasing.score(&host(&p, 300.0, 0.0), &need) - 10.0).abs() < 1e-9
        );
    }

    #[test]
    fn every_registered_name_builds() {
        for e in PLACEMENTS {
            let _ = (e.build)(None, 0);
        }
        assert_eq!(
            super::super::names(&PLACEMENTS[..2]),
            "\"first-fit\" or \"first-fit-decreasing\""
        );
    }
}
