//! Placement: which host receives a VM (at arrival or as a migration destination).
//!
//! The simulator filters hosts that fit (CPU within the limit, RAM, disk); a placement policy
//! only scores the candidates: the lowest score wins, and ties go to the lowest host id.
//!
//! The vector policies (`dot-product`, `cosine`, `l2-norm`) score a host on every dimension
//! at once, CPU, RAM and disk each as a fraction of the host's capacity, after the vector bin
//! packing heuristics of Panigrahy et al. (2011): see [`Dimensions`].

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
    /// Network bandwidth reserved, Mbit/s: a fit test, not a scored dimension.
    pub net_mbps: f64,
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

/// A host's free capacity and a VM's need as vectors over CPU, RAM and disk, each a fraction
/// of the host's capacity in that dimension (a dimension the host does not declare, capacity
/// 0, counts 0 in both), as the vector bin packing literature normalises bins to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dimensions {
    /// Free capacity before the VM.
    pub free: [f64; 3],
    /// The VM's need.
    pub need: [f64; 3],
}

impl Dimensions {
    /// `need` against `host`, dimension by dimension.
    pub fn of(host: &Candidate, need: &Need) -> Self {
        let dims = [
            (host.cpu_capacity, host.cpu_used, need.mips),
            (host.ram_capacity, host.ram_used, need.ram_mb),
            (host.disk_capacity, host.disk_used, need.disk_mb),
        ];
        let mut out = Dimensions {
            free: [0.0; 3],
            need: [0.0; 3],
        };
        for (j, (cap, used, add)) in dims.into_iter().enumerate() {
            if cap > 0.0 {
                out.free[j] = (cap - used) / cap;
                out.need[j] = add / cap;
            }
        }
        out
    }

    /// Free capacity · need: large when the VM asks most of what the host has most of.
    pub fn dot(&self) -> f64 {
        (0..3).map(|j| self.free[j] * self.need[j]).sum()
    }

    /// The cosine of the angle between free capacity and need (0 if either is zero).
    pub fn cosine(&self) -> f64 {
        let norm = |v: &[f64; 3]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let both = norm(&self.free) * norm(&self.need);
        if both > 0.0 { self.dot() / both } else { 0.0 }
    }

    /// The squared Euclidean norm of what is left free after the VM.
    pub fn left_squared(&self) -> f64 {
        (0..3).map(|j| (self.free[j] - self.need[j]).powi(2)).sum()
    }
}

/// Added to the score of a host with nothing committed on any dimension under `dot-product`
/// and `cosine`: more than any host in use can score (a dot product of fractions over three
/// dimensions is at most 3), so a new host is taken only when no host in use fits, as the
/// bin-centric heuristics fill the open bin before opening another. Without it both would
/// prefer the emptiest hosts, whose free vector is largest, and spread VMs out.
pub const EMPTY_HOST_PENALTY: f64 = 4.0;

/// Whether `host` has nothing committed on any dimension.
pub fn is_empty(host: &Candidate) -> bool {
    host.cpu_used <= 0.0 && host.ram_used <= 0.0 && host.disk_used <= 0.0
}

/// [`EMPTY_HOST_PENALTY`] for a host with nothing committed (`empty`), else 0.
fn empty_penalty(empty: bool) -> f64 {
    if empty { EMPTY_HOST_PENALTY } else { 0.0 }
}

/// Slack under a vector bound over a range of hosts: far above the rounding in a score of a
/// few products of fractions, far below the gap between two hosts' scores that matters.
const BOUND_SLACK: f64 = 1e-9;

/// The free capacity of a group of hosts as the vector policies read it ([`Dimensions`]):
/// per dimension (CPU, RAM, disk), the least and the most fraction free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeRange {
    /// Least fraction free, per dimension.
    pub lo: [f64; 3],
    /// Most fraction free, per dimension.
    pub hi: [f64; 3],
}

impl FreeRange {
    /// `need` against the one free vector every host of the group has, if they all have the
    /// same: a score over it is then exact, so hosts that tie are told apart by id as the scan
    /// does.
    fn at_point(&self, need: &[f64; 3]) -> Option<Dimensions> {
        (self.lo == self.hi).then_some(Dimensions {
            free: self.lo,
            need: *need,
        })
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
    /// can tell: placement then skips such hosts in bulk. `None`: bounded by free capacity
    /// ([`Self::free_bound`]) if the policy can, else every host is scored. (For
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
    /// A score below which no host whose free capacity lies in `free` scores for a VM that
    /// needs `need` (fractions of the hosts' capacities, as [`Dimensions::of`] counts them),
    /// among hosts with nothing committed (`empty`) or with something: exactly the score
    /// when `free` is one point. Placement then skips such hosts in bulk, on every dimension.
    /// `None`: the policy's score does not depend on free capacity alone.
    fn free_bound(&self, _free: &FreeRange, _need: &[f64; 3], _empty: bool) -> Option<f64> {
        None
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

/// Vector packing by dot product (Panigrahy et al. 2011, "DotProduct"): among hosts in use,
/// the one whose free capacity vector has the largest dot product with the VM's need, both as
/// fractions of the host's capacity; an empty host only when none in use fits
/// ([`EMPTY_HOST_PENALTY`]). Largest VMs first.
pub struct DotProduct;
impl Placement for DotProduct {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        empty_penalty(is_empty(host)) - Dimensions::of(host, need).dot()
    }
    fn decreasing(&self) -> bool {
        true
    }
    /// The dot product grows with every free fraction (needs are not negative): at most the
    /// most free of each dimension times its need.
    fn free_bound(&self, free: &FreeRange, need: &[f64; 3], empty: bool) -> Option<f64> {
        let penalty = empty_penalty(empty);
        if let Some(at) = free.at_point(need) {
            return Some(penalty - at.dot());
        }
        let most: f64 = (0..3).map(|j| free.hi[j] * need[j]).sum();
        Some(penalty - most - BOUND_SLACK)
    }
}

/// Vector packing by alignment: among hosts in use, the one whose free capacity vector points
/// most nearly the way the VM's need does (largest cosine), so its free dimensions fill
/// together; an empty host only when none in use fits. Largest VMs first.
pub struct Cosine;
impl Placement for Cosine {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        empty_penalty(is_empty(host)) - Dimensions::of(host, need).cosine()
    }
    fn decreasing(&self) -> bool {
        true
    }
    fn free_bound(&self, free: &FreeRange, need: &[f64; 3], empty: bool) -> Option<f64> {
        let penalty = empty_penalty(empty);
        if let Some(at) = free.at_point(need) {
            return Some(penalty - at.cosine());
        }
        Some(penalty - most_cosine(free, need) - BOUND_SLACK)
    }
}

/// At least the largest cosine between `need` and any free vector in `free` (1 at most).
/// With free fractions not negative, a free vector's unit coordinate `j`, `f_j / |f|`, grows
/// with `f_j` and shrinks with the others, so it is at most `hi_j / sqrt(hi_j² + Σ lo_i²)`
/// (the others least); the cosine is the need's unit vector times the free one's, at most the
/// need's times those coordinates. Also at most the largest dot product over the least norm.
/// Tight for a narrow range.
fn most_cosine(free: &FreeRange, need: &[f64; 3]) -> f64 {
    let need_norm = need.iter().map(|x| x * x).sum::<f64>().sqrt();
    if need_norm == 0.0 {
        return 0.0;
    }
    if free.lo.iter().any(|&x| x < 0.0) {
        return 1.0;
    }
    let lo_squares: f64 = free.lo.iter().map(|x| x * x).sum();
    let mut by_coordinates = 0.0;
    for ((&lo, &hi), &n) in free.lo.iter().zip(&free.hi).zip(need) {
        let norm = (hi * hi + lo_squares - lo * lo).sqrt();
        // A dimension with nothing free in any host adds nothing.
        let unit = if norm > 0.0 { hi / norm } else { 0.0 };
        by_coordinates += n / need_norm * unit;
    }
    let least_norm = lo_squares.sqrt();
    let by_norm = if least_norm > 0.0 {
        (0..3).map(|j| free.hi[j] * need[j]).sum::<f64>() / (need_norm * least_norm)
    } else {
        1.0
    };
    by_coordinates.min(by_norm).min(1.0)
}

/// Vector packing by norm (Panigrahy et al. 2011, "L2-norm" greedy): the host left with the
/// shortest free vector after the VM, squared Euclidean norm of the free fractions: the
/// fullest hosts, and among them those left evenly full. Largest VMs first.
pub struct L2Norm;
impl Placement for L2Norm {
    fn score(&self, host: &Candidate, need: &Need) -> f64 {
        Dimensions::of(host, need).left_squared()
    }
    fn decreasing(&self) -> bool {
        true
    }
    /// Each dimension's term is least where the free fraction is nearest the need: 0 inside
    /// the range, else at its nearer end.
    fn free_bound(&self, free: &FreeRange, need: &[f64; 3], _empty: bool) -> Option<f64> {
        if let Some(at) = free.at_point(need) {
            return Some(at.left_squared());
        }
        let least: f64 = (0..3)
            .map(|j| {
                if need[j] < free.lo[j] {
                    (free.lo[j] - need[j]).powi(2)
                } else if need[j] > free.hi[j] {
                    (need[j] - free.hi[j]).powi(2)
                } else {
                    0.0
                }
            })
            .sum();
        Some(least - BOUND_SLACK)
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
    Entry {
        name: "dot-product",
        summary: "vector packing: host in use whose free CPU/RAM/disk has the largest dot product with the VM's need",
        build: |_, _| Box::new(DotProduct),
    },
    Entry {
        name: "cosine",
        summary: "vector packing: host in use whose free CPU/RAM/disk points most the VM's way",
        build: |_, _| Box::new(Cosine),
    },
    Entry {
        name: "l2-norm",
        summary: "vector packing: host left with the shortest free CPU/RAM/disk vector",
        build: |_, _| Box::new(L2Norm),
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
            net_mbps: 0.0,
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
            net_mbps: 0.0,
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
            net_mbps: 0.0,
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

    /// Packs `items` (CPU, RAM), in the order given, on as many hosts of 10 CPU and 10 RAM
    /// as needed: each item goes to the least (score, id) among the hosts in use and one empty
    /// host that fit it on both dimensions, as the simulator's search does. Returns the hosts
    /// used.
    fn hosts_used(policy: &dyn Placement, items: &[(f64, f64)]) -> usize {
        let p = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 200.0,
        };
        let mut used: Vec<(f64, f64)> = Vec::new();
        for &(cpu, ram) in items {
            let need = Need {
                mips: cpu,
                ram_mb: ram,
                disk_mb: 0.0,
                net_mbps: 0.0,
                vcpu_mips: 0.0,
            };
            let open = used.iter().copied().chain(std::iter::once((0.0, 0.0)));
            let mut best: Option<(f64, usize)> = None;
            for (h, (c, r)) in open.enumerate() {
                if c + cpu > 10.0 || r + ram > 10.0 {
                    continue;
                }
                let candidate = Candidate {
                    cpu_capacity: 10.0,
                    ram_capacity: 10.0,
                    ..host(&p, c, r)
                };
                let s = policy.score(&candidate, &need);
                if best.is_none_or(|(bs, _)| s < bs) {
                    best = Some((s, h));
                }
            }
            let (_, h) = best.expect("an empty host fits every item");
            if h == used.len() {
                used.push((0.0, 0.0));
            }
            used[h].0 += cpu;
            used[h].1 += ram;
        }
        used.len()
    }

    /// Hosts of (10 CPU, 10 RAM); items (8,1), (7,2), (2,1), (1,9), largest CPU first.
    /// First fit: (8,1) on host 0, (7,2) on host 1 (15 CPU would not fit host 0), (2,1) on
    /// host 0 (now 10, 2), and (1,9) fits neither (11 CPU on 0, 11 RAM on 1): a third host.
    /// Dot product, at (2,1) = (0.2, 0.1): host 0 has (0.2, 0.9) free, 0.04 + 0.09 = 0.13;
    /// host 1 has (0.3, 0.8), 0.06 + 0.08 = 0.14, so host 1 (now 9, 3), and (1,9) fits host
    /// 0 (9, 10): two hosts. L2 norm after (2,1): host 0 leaves (0, 0.8), 0.64; host 1 leaves
    /// (0.1, 0.7), 0.50: host 1 too. Cosine: 0.13 / (0.922 x 0.224) = 0.63 on host 0 against
    /// 0.14 / (0.854 x 0.224) = 0.73 on host 1. Two hosts are the least: 18 CPU needs two.
    #[test]
    fn vector_packing_needs_fewer_hosts_than_cpu_first_fit_in_two_dimensions() {
        let items = [(8.0, 1.0), (7.0, 2.0), (2.0, 1.0), (1.0, 9.0)];
        assert_eq!(hosts_used(&FirstFitDecreasing, &items), 3);
        assert_eq!(hosts_used(&DotProduct, &items), 2);
        assert_eq!(hosts_used(&Cosine, &items), 2);
        assert_eq!(hosts_used(&L2Norm, &items), 2);
    }

    #[test]
    fn vector_scores_read_every_dimension_as_a_fraction_of_capacity() {
        let p = PowerModel::Linear {
            idle_w: 100.0,
            max_w: 200.0,
        };
        let need = Need {
            mips: 100.0,
            ram_mb: 300.0,
            disk_mb: 50.0,
            net_mbps: 0.0,
            vcpu_mips: 0.0,
        };
        // CPU 200/1000 used, RAM 400/1000, disk 0/0 (undeclared: counts 0 both ways).
        let d = Dimensions::of(&host(&p, 200.0, 400.0), &need);
        assert_eq!(d.free, [0.8, 0.6, 0.0]);
        assert_eq!(d.need, [0.1, 0.3, 0.0]);
        // 0.8 x 0.1 + 0.6 x 0.3 = 0.26; left (0.7, 0.3): 0.49 + 0.09 = 0.58.
        assert!((d.dot() - 0.26).abs() < 1e-12);
        assert!((d.left_squared() - 0.58).abs() < 1e-12);
        assert!((d.cosine() - 0.26 / (1.0f64.sqrt() * 0.1f64.sqrt())).abs() < 1e-12);
        // An empty host scores worse under dot-product than any host in use that fits.
        let empty = host(&p, 0.0, 0.0);
        assert!(DotProduct.score(&empty, &need) > DotProduct.score(&host(&p, 890.0, 690.0), &need));
        assert!(Cosine.score(&empty, &need) > Cosine.score(&host(&p, 890.0, 690.0), &need));
    }

    proptest::proptest! {
        /// Over a group of hosts (random loads on each dimension, some over-committed on CPU,
        /// some empty), each vector policy's bound over the group's free range is never above
        /// any host's score, and over a group of one host it is the host's score, to the bit.
        #[test]
        fn vector_bounds_never_exceed_a_hosts_score(
            used in proptest::collection::vec(
                proptest::prop_oneof![
                    (0.0f64..1.2, 0.0f64..1.0, 0.0f64..1.0),
                    proptest::strategy::Just((0.0, 0.0, 0.0)),
                ],
                1..6,
            ),
            need in (0.0f64..0.5, 0.0f64..0.5, 0.0f64..0.3),
        ) {
            let p = PowerModel::Linear { idle_w: 100.0, max_w: 200.0 };
            let need = Need { mips: need.0, ram_mb: need.1, disk_mb: need.2, net_mbps: 0.0, vcpu_mips: 0.0 };
            let hosts: Vec<Candidate> = used
                .iter()
                .map(|&(cpu, ram, disk)| Candidate {
                    cpu_capacity: 1.0,
                    cpu_used: cpu,
                    baseline_w: None,
                    ram_capacity: 1.0,
                    ram_used: ram,
                    disk_capacity: 1.0,
                    disk_used: disk,
                    power: &p,
                })
                .collect();
            let frees: Vec<Dimensions> = hosts.iter().map(|h| Dimensions::of(h, &need)).collect();
            let mut range = FreeRange { lo: frees[0].free, hi: frees[0].free };
            for d in &frees {
                for j in 0..3 {
                    range.lo[j] = range.lo[j].min(d.free[j]);
                    range.hi[j] = range.hi[j].max(d.free[j]);
                }
            }
            let policies: [&dyn Placement; 3] = [&DotProduct, &Cosine, &L2Norm];
            for policy in policies {
                for (host, d) in hosts.iter().zip(&frees) {
                    let score = policy.score(host, &need);
                    let bound = policy.free_bound(&range, &d.need, is_empty(host)).unwrap();
                    proptest::prop_assert!(bound <= score, "{} above {} for {:?}", bound, score, d);
                    let alone = FreeRange { lo: d.free, hi: d.free };
                    proptest::prop_assert_eq!(
                        policy.free_bound(&alone, &d.need, is_empty(host)),
                        Some(score)
                    );
                }
            }
        }
    }

    /// Two hosts whose free CPU and RAM are (0.5, 0.1) and (0.1, 0.5) against a need of
    /// (0.1, 0.1): the best cosine of either is 0.6 / (0.510 x 0.141) = 0.832, and the bound
    /// over their range may say no more than 1; a need pointing the way neither points,
    /// (0.1, 0), has at most 0.5 / 0.510 = 0.981 by the first host, and the bound stays
    /// below 1 (the second host's unit CPU coordinate is at most 0.5 / 0.510).
    #[test]
    fn the_cosine_bound_follows_the_direction_of_the_need() {
        let range = FreeRange {
            lo: [0.1, 0.1, 0.0],
            hi: [0.5, 0.5, 0.0],
        };
        let along = most_cosine(&range, &[0.1, 0.0, 0.0]);
        let best = 0.5 / (0.5f64 * 0.5 + 0.1 * 0.1).sqrt();
        assert!(along >= best && along < 1.0, "{along}");
        assert_eq!(most_cosine(&range, &[0.1, 0.1, 0.0]), 1.0);
        assert_eq!(most_cosine(&range, &[0.0; 3]), 0.0, "no need: cosine 0");
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
