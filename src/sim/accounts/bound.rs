//! A lower bound on the hosts the running VMs need at each control tick (`timeseries.csv` →
//! `hosts_lower_bound`), and the packing quality: hosts on over that bound (`summary.json` →
//! `packing`).
//!
//! # Why it is a lower bound
//!
//! Hosts are grouped into speed tiers: tier `t` is every host whose cores are at least as fast
//! as the `t`-th slowest class's (tier 0 is the whole fleet). A VM whose vCPUs no class slower
//! than tier `t` runs ([`HostClass::runs_vcpu`]) can only sit on a host of tier `t`. For each
//! tier, counting only the VMs bound to it (all of them for tier 0):
//!
//! - **Volume.** The hosts of the tier that hold those VMs have, together, at least their CPU
//!   demand (and, separately, their reserved RAM, each host's up to its class's over-committed
//!   limit, and, where a VM type reserves network bandwidth, their reserved bandwidth, each
//!   host's up to its link). Any `k` hosts of the tier have no more capacity than its `k`
//!   largest, so at least as many hosts as the fewest largest-first ones whose capacity covers
//!   the demand are needed, per dimension.
//! - **Item size.** Two VMs whose demand (or RAM, or bandwidth) each exceeds half the tier's
//!   largest host cannot share any host of the tier: their sum exceeds every host's capacity.
//!   Each such VM needs a host of its own, so there are at least as many hosts as such VMs.
//!
//! The bound is the largest of these counts over all tiers. Every count assumes the demand is
//! held at 100 % at most: a host carrying more demand than its capacity (over-loaded) can
//! leave the hosts on below the bound, and a row where `hosts_on < hosts_lower_bound` is a
//! fleet short of capacity. The `cloudsim` profile over-commits RAM and fits vCPUs by share,
//! so there the bound counts CPU only, over one tier. Disk is not counted: a bound that leaves a
//! constraint out stays valid, only weaker.
//!
//! # The idle-power bound
//!
//! On a fleet of unlike hosts the fewest hosts are the largest, not the ones that draw least:
//! a count favours a packing that keeps big, hungry hosts on. So the packing is also judged in
//! watts: the least idle power of any set of hosts whose CPU and RAM cover the demand (the
//! volume rule above, every host allowed; network bandwidth is left out of this one, which
//! keeps it valid and weaker). Choosing how many hosts of each class to keep on is
//! a covering problem with one row per dimension; any weighted sum of its rows (weight `θ` on
//! CPU, `1 - θ` on RAM, each row divided by its demand) is a single-row relaxation, whose
//! fractional optimum takes classes by idle watts per unit of weighted capacity. Every `θ`
//! gives a valid bound; the largest over [`WEIGHTS`] evenly spaced weights, refined around the
//! best of them, is kept (the best weight of all gives the linear relaxation's optimum, so this
//! bound lies at or just under it).

use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::sim::records::{Night, PackingSummary};

/// Relative slack for rounding: the bound errs low, never high.
const SLACK: f64 = 1e-9;

/// Weights of CPU against RAM tried by the idle-power bound (0, 1/16, ..., 1).
const WEIGHTS: u32 = 17;

/// Ternary-search steps of the idle-power bound around the grid's best weight (the bracket
/// shrinks to (2/3)^24, about 6e-5, of two grid steps).
const REFINE: u32 = 24;

/// A host class as the idle-power bound sees it: what its hosts hold and draw idle.
#[derive(Debug, Clone, Copy)]
struct ClassWatts {
    /// Idle draw of one host, W.
    idle_w: f64,
    /// One host's CPU (MIPS) and RAM limit (MB).
    mips: f64,
    ram_mb: f64,
    /// Hosts of the class.
    hosts: f64,
}

/// One speed tier: its hosts' capacities, largest first, as running sums.
#[derive(Debug)]
struct Tier {
    /// Running sums of the CPU capacities (MIPS), largest host first.
    cpu: Vec<f64>,
    /// Running sums of the RAM capacities (MB), largest host first.
    ram: Vec<f64>,
    /// The largest host's CPU (MIPS) and RAM (MB).
    largest: (f64, f64),
    /// Running sums of the links (Mbit/s), widest first; empty where no VM type reserves
    /// bandwidth.
    net: Vec<f64>,
    /// The widest link, Mbit/s.
    widest: f64,
}

/// What the VMs bound to one tier ask for at a tick.
#[derive(Debug, Default, Clone, Copy)]
struct Ask {
    mips: f64,
    ram_mb: f64,
    big_ram: usize,
    net_mbps: f64,
    big_net: usize,
}

/// What a VM type brings, fixed for the run.
#[derive(Debug, Clone)]
struct TypeFacts {
    /// Its tier: the slowest one with a class that runs its vCPUs. It counts in this tier
    /// and every slower one.
    tier: usize,
    ram_mb: f64,
    /// Per tier up to `tier`: whether its RAM exceeds half the tier's largest host's.
    big_ram: Vec<bool>,
    /// Network bandwidth reserved, Mbit/s.
    net_mbps: f64,
    /// Per tier up to `tier`: whether its bandwidth exceeds half the tier's widest link.
    big_net: Vec<bool>,
}

/// A VM type's running VMs at the tick being counted, next to the one fact each VM is
/// checked against (one slot per type: the per-VM step touches nothing else).
#[derive(Debug, Clone, Copy)]
struct Tally {
    /// VMs running.
    n: usize,
    /// Their CPU demand, MIPS.
    mips: f64,
    /// Half the largest CPU of the type's own tier (the smallest among the tiers it counts
    /// in): a demand at or below it is large in none.
    half_cpu: f64,
}

/// The lower bound's precomputed capacities (hosts never change capacity), and the running
/// VMs of the tick being counted, summed by type.
#[derive(Debug, Default)]
pub(crate) struct LowerBound {
    tiers: Vec<Tier>,
    types: Vec<TypeFacts>,
    /// Whether RAM counts (not when the profile over-commits it).
    use_ram: bool,
    /// Whether network bandwidth counts: some VM type reserves it.
    use_net: bool,
    /// Per type, this tick.
    by_type: Vec<Tally>,
    /// Per tier, this tick: VMs whose CPU demand exceeds half its largest host's.
    big_cpu: Vec<usize>,
    /// Per tier: the sums of the tick (reused).
    asks: Vec<Ask>,
    /// The classes with hosts, for the idle-power bound.
    watts: Vec<ClassWatts>,
    /// Classes in the order of one weight's ratio (reused).
    order: Vec<(f64, usize)>,
}

impl LowerBound {
    /// The tiers of a fleet whose hosts are of `host_class` (one class index per host).
    /// `by_share`: vCPUs fit by their share of CPU (one tier); `ram`: whether RAM counts.
    pub fn new(
        classes: &[HostClass],
        host_class: impl Iterator<Item = usize> + Clone,
        types: &[VmType],
        by_share: bool,
        ram: bool,
    ) -> Self {
        let speed = |c: &HostClass| c.mips / f64::from(c.cores.max(1));
        let mut speeds: Vec<f64> = if by_share {
            vec![f64::NEG_INFINITY]
        } else {
            classes.iter().map(speed).collect()
        };
        speeds.sort_by(f64::total_cmp);
        speeds.dedup();
        let use_net = types.iter().any(|t| t.net_mbps > 0.0);
        let tiers: Vec<Tier> = speeds
            .iter()
            .map(|&s| {
                let (mut cpu, mut ram): (Vec<f64>, Vec<f64>) = host_class
                    .clone()
                    .map(|c| &classes[c])
                    .filter(|c| by_share || speed(c) >= s)
                    // RAM reservations are bounded by what placement may reserve (over-commit).
                    .map(|c| (c.mips, c.ram_limit_mb()))
                    .unzip();
                cpu.sort_by(|a, b| b.total_cmp(a));
                ram.sort_by(|a, b| b.total_cmp(a));
                let largest = (
                    cpu.first().copied().unwrap_or(0.0),
                    ram.first().copied().unwrap_or(0.0),
                );
                let mut net: Vec<f64> = if use_net {
                    (host_class.clone().map(|c| &classes[c]))
                        .filter(|c| by_share || speed(c) >= s)
                        .map(|c| c.net_mbps)
                        .collect()
                } else {
                    Vec::new()
                };
                net.sort_by(|a, b| b.total_cmp(a));
                Tier {
                    cpu: running_sums(cpu),
                    ram: running_sums(ram),
                    largest,
                    widest: net.first().copied().unwrap_or(0.0),
                    net: running_sums(net),
                }
            })
            .collect();
        let types: Vec<TypeFacts> = types
            .iter()
            .map(|t| {
                let vcpu = t.mips / f64::from(t.vcpus.max(1));
                let runs = |&s: &f64| classes.iter().any(|c| speed(c) == s && c.runs_vcpu(vcpu));
                let tier = if by_share {
                    0
                } else {
                    speeds.iter().position(runs).unwrap_or(0)
                };
                TypeFacts {
                    tier,
                    ram_mb: t.ram_mb,
                    big_ram: tiers[..=tier]
                        .iter()
                        .map(|k| more_than_half(t.ram_mb, k.largest.1))
                        .collect(),
                    net_mbps: t.net_mbps,
                    big_net: tiers[..=tier]
                        .iter()
                        .map(|k| use_net && more_than_half(t.net_mbps, k.widest))
                        .collect(),
                }
            })
            .collect();
        let mut watts: Vec<ClassWatts> = (classes.iter())
            .map(|c| ClassWatts {
                idle_w: c.power.idle_w(),
                mips: c.mips,
                ram_mb: c.ram_limit_mb(),
                hosts: 0.0,
            })
            .collect();
        for c in host_class {
            watts[c].hosts += 1.0;
        }
        watts.retain(|w| w.hosts > 0.0);
        LowerBound {
            watts,
            order: Vec::new(),
            by_type: types
                .iter()
                .map(|f| Tally {
                    n: 0,
                    mips: 0.0,
                    half_cpu: tiers[f.tier].largest.0 / 2.0,
                })
                .collect(),
            big_cpu: vec![0; tiers.len()],
            asks: vec![Ask::default(); tiers.len()],
            tiers,
            types,
            use_ram: ram,
            use_net,
        }
    }

    /// Starts counting a tick's running VMs.
    pub fn clear(&mut self) {
        for t in &mut self.by_type {
            (t.n, t.mips) = (0, 0.0);
        }
        self.big_cpu.fill(0);
    }

    /// Counts a running VM of type `ty` with a CPU demand of `demand` MIPS. Called for every
    /// running VM at every tick, so it only adds to its type's sums, save for the rare VM
    /// above half a host.
    pub fn add(&mut self, ty: usize, demand: f64) {
        let tally = &mut self.by_type[ty];
        tally.n += 1;
        tally.mips += demand;
        if demand > tally.half_cpu {
            let tier = self.types[ty].tier;
            for (n, tier) in self.big_cpu[..=tier].iter_mut().zip(&self.tiers) {
                *n += usize::from(more_than_half(demand, tier.largest.0));
            }
        }
    }

    /// The bound for the VMs counted since [`LowerBound::clear`]; 0 for none.
    pub fn total(&mut self) -> usize {
        let asks = &mut self.asks;
        asks.fill(Ask::default());
        for (facts, &Tally { n, mips, .. }) in self.types.iter().zip(&self.by_type) {
            if n == 0 {
                continue;
            }
            for (t, ask) in asks[..=facts.tier].iter_mut().enumerate() {
                ask.mips += mips;
                ask.ram_mb += n as f64 * facts.ram_mb;
                ask.big_ram += if facts.big_ram[t] { n } else { 0 };
                ask.net_mbps += n as f64 * facts.net_mbps;
                ask.big_net += if facts.big_net[t] { n } else { 0 };
            }
        }
        let mut bound = 0;
        for ((ask, tier), &big_cpu) in asks.iter().zip(&self.tiers).zip(&self.big_cpu) {
            let mut n = covering(&tier.cpu, ask.mips).max(big_cpu);
            if self.use_ram {
                n = n.max(covering(&tier.ram, ask.ram_mb)).max(ask.big_ram);
            }
            if self.use_net {
                n = n.max(covering(&tier.net, ask.net_mbps)).max(ask.big_net);
            }
            bound = bound.max(n.min(tier.cpu.len()));
        }
        bound
    }

    /// The least idle power, W, of hosts whose CPU and RAM cover the VMs counted by the last
    /// [`LowerBound::total`] (see the module's header); all the fleet's idle power if they
    /// do not fit it, 0 for none.
    pub fn idle_w(&mut self) -> f64 {
        let Some(ask) = self.asks.first() else {
            return 0.0;
        };
        let demand = (ask.mips, if self.use_ram { ask.ram_mb } else { 0.0 });
        // With one dimension asked for, its own row is the relaxation.
        match (demand.0 > 0.0, demand.1 > 0.0) {
            (false, false) => return 0.0,
            (true, false) => return self.relaxed(demand, 1.0),
            (false, true) => return self.relaxed(demand, 0.0),
            (true, true) => {}
        }
        let step = 1.0 / f64::from(WEIGHTS - 1);
        let (mut best, mut at) = (f64::NEG_INFINITY, 0.0);
        for k in 0..WEIGHTS {
            let theta = f64::from(k) * step;
            let w = self.relaxed(demand, theta);
            if w > best {
                (best, at) = (w, theta);
            }
        }
        // Closer to the best weight by ternary search around the best of the grid: every
        // weight tried gives a valid bound, so the largest is kept whatever the curve's shape.
        let (mut lo, mut hi) = ((at - step).max(0.0), (at + step).min(1.0));
        for _ in 0..REFINE {
            let (a, b) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
            let (wa, wb) = (self.relaxed(demand, a), self.relaxed(demand, b));
            best = best.max(wa).max(wb);
            if wa < wb {
                lo = a;
            } else {
                hi = b;
            }
        }
        best
    }

    /// The fractional optimum of the single row `theta` x CPU + (1 - `theta`) x RAM, each
    /// over its `demand` (MIPS, MB; 0 for a dimension not counted): classes taken by idle
    /// watts per unit of the row; the whole fleet's idle power if it does not cover the row.
    fn relaxed(&mut self, (mips, ram): (f64, f64), theta: f64) -> f64 {
        let share = |w: &ClassWatts| {
            let cpu = if mips > 0.0 {
                theta * w.mips / mips
            } else {
                0.0
            };
            let mem = if ram > 0.0 {
                (1.0 - theta) * w.ram_mb / ram
            } else {
                0.0
            };
            cpu + mem
        };
        self.order.clear();
        (self.order).extend(self.watts.iter().enumerate().filter_map(|(i, w)| {
            let a = share(w);
            (a > 0.0).then(|| (w.idle_w / a, i))
        }));
        self.order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut left, mut watts) = (1.0 - SLACK, 0.0);
        for &(per_share, i) in &self.order {
            let w = &self.watts[i];
            let take = share(w) * w.hosts;
            if take >= left {
                return watts + per_share * left;
            }
            watts += w.idle_w * w.hosts;
            left -= take;
        }
        // Beyond the fleet: every host, as the count caps at the fleet.
        self.watts.iter().map(|w| w.idle_w * w.hosts).sum()
    }

    /// The bound for running VMs given as (VM type, CPU demand in MIPS).
    #[cfg(test)]
    fn hosts(&mut self, vms: impl Iterator<Item = (usize, f64)>) -> usize {
        self.clear();
        for (ty, demand) in vms {
            self.add(ty, demand);
        }
        self.total()
    }
}

/// Whether `x` exceeds half of `capacity`, so that two such never share it (a billionth of
/// slack: the bound errs low, never high).
fn more_than_half(x: f64, capacity: f64) -> bool {
    2.0 * x > capacity * (1.0 + SLACK)
}

/// Running sums of `values`.
fn running_sums(values: Vec<f64>) -> Vec<f64> {
    let mut sum = 0.0;
    values
        .into_iter()
        .map(|v| {
            sum += v;
            sum
        })
        .collect()
}

/// The fewest leading hosts whose running sum `sums` covers `need` (all of them if none do;
/// 0 for no need), by binary search.
fn covering(sums: &[f64], need: f64) -> usize {
    if need <= 0.0 {
        return 0;
    }
    let short = sums.partition_point(|&s| s * (1.0 + SLACK) < need);
    (short + 1).min(sums.len())
}

/// The packing ratios seen so far: hosts on over the bound, and idle power on over the
/// idle-power bound, per timeseries row with a bound above zero (each row counts once: rows
/// are one control interval apart).
#[derive(Debug, Default)]
pub(crate) struct Packing {
    hosts: Ratios,
    idle: Ratios,
}

/// One ratio's rows: its sums at night and by day, extremes, and the sums of its two sides.
#[derive(Debug, Default)]
struct Ratios {
    /// (sum of ratios, rows) at night and by day.
    night: (f64, usize),
    day: (f64, usize),
    min: Option<f64>,
    max: Option<f64>,
    /// Sums of the bound and of what was on over the rows counted.
    bound_sum: f64,
    on_sum: f64,
}

impl Ratios {
    fn add(&mut self, night: Night, hour: f64, on: f64, bound: f64) {
        if bound <= 0.0 {
            return;
        }
        let ratio = on / bound;
        let part = if night.contains(hour) {
            &mut self.night
        } else {
            &mut self.day
        };
        part.0 += ratio;
        part.1 += 1;
        self.min = Some(self.min.map_or(ratio, |m| m.min(ratio)));
        self.max = Some(self.max.map_or(ratio, |m| m.max(ratio)));
        self.bound_sum += bound;
        self.on_sum += on;
    }

    fn rows(&self) -> usize {
        self.night.1 + self.day.1
    }

    fn mean(&self, (sum, n): (f64, usize)) -> Option<f64> {
        (n > 0).then(|| sum / n as f64)
    }
}

impl Packing {
    /// Counts a row at `hour` (of the day) with `hosts_on` hosts on and bound `bound`, and
    /// `idle_on_w` of idle power on against the idle-power bound `idle_bound_w`.
    pub fn add(
        &mut self,
        night: Night,
        hour: f64,
        (hosts_on, bound): (usize, usize),
        (idle_on_w, idle_bound_w): (f64, f64),
    ) {
        (self.hosts).add(night, hour, hosts_on as f64, bound as f64);
        (self.idle).add(night, hour, idle_on_w, idle_bound_w);
    }

    /// `summary.json` → `packing`.
    pub fn summary(&self) -> PackingSummary {
        let (h, w) = (&self.hosts, &self.idle);
        let (rows, idle_rows) = (h.rows(), w.rows());
        let kw = |x: Option<f64>| x.map(|x| x / 1000.0);
        PackingSummary {
            rows,
            mean_ratio: h.mean((h.night.0 + h.day.0, rows)),
            night_ratio: h.mean(h.night),
            day_ratio: h.mean(h.day),
            min_ratio: h.min,
            max_ratio: h.max,
            mean_lower_bound: h.mean((h.bound_sum, rows)),
            mean_hosts_on: h.mean((h.on_sum, rows)),
            idle_mean_ratio: w.mean((w.night.0 + w.day.0, idle_rows)),
            idle_night_ratio: w.mean(w.night),
            idle_day_ratio: w.mean(w.day),
            mean_idle_kw_bound: kw(w.mean((w.bound_sum, idle_rows))),
            mean_idle_kw_on: kw(w.mean((w.on_sum, idle_rows))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::power::PowerModel;

    /// A class of `cores` cores at `core_mips` each and `ram_gb` GB.
    fn class(cores: u32, core_mips: f64, ram_gb: f64) -> HostClass {
        HostClass {
            name: format!("c{cores}x{core_mips}"),
            cores,
            mips: f64::from(cores) * core_mips,
            ram_mb: ram_gb * 1024.0,
            disk_mb: 0.0,
            net_mbps: 1000.0,
            power: PowerModel::Linear {
                idle_w: 100.0,
                max_w: 200.0,
            },
            off_w: 0.0,
            boot_ms: 0,
            boot_w: 0.0,
            shutdown_ms: 0,
            shutdown_w: 0.0,
            sleep: None,
            overcommit: Default::default(),
        }
    }

    /// A VM type of `vcpus` vCPUs at `vcpu_mips` each and `ram_gb` GB.
    fn vm(vcpus: u32, vcpu_mips: f64, ram_gb: f64) -> VmType {
        VmType {
            name: format!("v{vcpus}"),
            vcpus,
            mips: f64::from(vcpus) * vcpu_mips,
            ram_mb: ram_gb * 1024.0,
            disk_mb: 0.0,
            net_mbps: 0.0,
        }
    }

    /// Three identical hosts of 10 cores x 1000 MIPS; three VMs of 6 busy cores each. Volume:
    /// 18 000 MIPS over 10 000 a host = 2 hosts. But 6 000 > half of 10 000: no two VMs share
    /// a host, so 3, which is the optimum (one VM a host).
    #[test]
    fn half_size_items_lift_the_volume_bound_to_the_optimum() {
        let classes = [class(10, 1000.0, 64.0)];
        let types = [vm(6, 1000.0, 1.0)];
        let mut b = LowerBound::new(&classes, [0, 0, 0].into_iter(), &types, false, true);
        let vms = || std::iter::repeat_n((0, 6000.0), 3);
        assert_eq!(b.hosts(vms()), 3);
        // The same demand as six VMs of 3 cores: none is above half a host, and three fit a
        // host (1 core spare), so the volume bound, 2, is the optimum.
        let small = [vm(3, 1000.0, 1.0)];
        let mut b = LowerBound::new(&classes, [0, 0, 0].into_iter(), &small, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 3000.0), 6)), 2);
        assert_eq!(b.hosts(std::iter::empty()), 0);
    }

    /// One big host (20 cores) and one small (8 cores), small first in the host list. 15 000
    /// MIPS of demand in 1-core VMs fits the big host alone: the bound takes the largest
    /// first, so 1 (the optimum), where `hosts_needed`'s efficiency order may say 2.
    #[test]
    fn volume_bound_takes_the_largest_host_first() {
        let classes = [class(8, 1000.0, 32.0), class(20, 1000.0, 128.0)];
        let types = [vm(1, 1000.0, 1.0)];
        let mut b = LowerBound::new(&classes, [0, 1].into_iter(), &types, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 1000.0), 15)), 1);
        // 21 000 MIPS outgrow the big host: both.
        assert_eq!(b.hosts(std::iter::repeat_n((0, 1000.0), 21)), 2);
    }

    /// RAM binds when CPU does not: four idle VMs of 40 GB on hosts of 64 GB. CPU needs none;
    /// 160 GB over 64 GB hosts needs 3; 40 GB > 32 GB makes each its own host: 4, the
    /// optimum. Without RAM (the cloudsim profile) the bound is 0.
    #[test]
    fn ram_counts_by_volume_and_by_size() {
        let classes = [class(16, 1000.0, 64.0)];
        let types = [vm(1, 1000.0, 40.0)];
        let hosts = [0; 6];
        let mut b = LowerBound::new(&classes, hosts.into_iter(), &types, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 0.0), 4)), 4);
        let mut b = LowerBound::new(&classes, hosts.into_iter(), &types, false, false);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 0.0), 4)), 0);
    }

    /// Network binds when CPU and RAM do not: three idle VMs of 1 GB reserving 600 Mbit/s
    /// each, on hosts of 64 GB and 1,000 Mbit/s links. CPU needs none, RAM 3 GB one host;
    /// 1,800 Mbit/s over 1,000 Mbit/s links needs 2; 600 > 500 makes each its own host: 3,
    /// the optimum. The same VMs reserving nothing: 1 (RAM).
    #[test]
    fn network_reservations_count_by_volume_and_by_size() {
        let classes = [class(16, 1000.0, 64.0)];
        let reserving = [VmType {
            net_mbps: 600.0,
            ..vm(1, 1000.0, 1.0)
        }];
        let hosts = [0; 6];
        let mut b = LowerBound::new(&classes, hosts.into_iter(), &reserving, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 0.0), 3)), 3);
        let mut b = LowerBound::new(
            &classes,
            hosts.into_iter(),
            &[vm(1, 1000.0, 1.0)],
            false,
            true,
        );
        assert_eq!(b.hosts(std::iter::repeat_n((0, 0.0), 3)), 1);
    }

    /// Two slow hosts (16 cores x 1000) and two fast (4 cores x 3000 = 12 000 MIPS). VMs of
    /// 1 vCPU x 2500 run on the fast hosts only. Five of them at full demand ask 12 500 MIPS:
    /// over the whole fleet one slow host would hold that (bound 1), but the fast tier needs
    /// both its hosts (12 500 > 12 000), so 2, the optimum.
    #[test]
    fn fast_vcpus_are_bound_to_hosts_with_fast_cores() {
        let classes = [class(16, 1000.0, 64.0), class(4, 3000.0, 64.0)];
        let types = [vm(1, 2500.0, 1.0)];
        let mut b = LowerBound::new(&classes, [0, 0, 1, 1].into_iter(), &types, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 2500.0), 5)), 2);
        // Fitting by share (the cloudsim rule), any host runs them: the volume bound, 1.
        let mut b = LowerBound::new(&classes, [0, 0, 1, 1].into_iter(), &types, true, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 2500.0), 5)), 1);
    }

    /// Demand beyond the whole fleet is capped at the fleet: never more hosts than exist.
    #[test]
    fn the_bound_never_exceeds_the_fleet() {
        let classes = [class(4, 1000.0, 16.0)];
        let types = [vm(4, 1000.0, 1.0)];
        let mut b = LowerBound::new(&classes, [0, 0].into_iter(), &types, false, true);
        assert_eq!(b.hosts(std::iter::repeat_n((0, 4000.0), 5)), 2);
    }

    /// A class of `mips` MIPS and `ram_gb` GB drawing `idle_w` idle.
    fn drawing(name: &str, mips: f64, ram_gb: f64, idle_w: f64) -> HostClass {
        HostClass {
            name: name.into(),
            power: PowerModel::Linear {
                idle_w,
                max_w: 2.0 * idle_w,
            },
            mips,
            ram_mb: ram_gb * 1024.0,
            ..class(1, mips, ram_gb)
        }
    }

    /// Two CPU-rich hosts (20 000 MIPS, 32 GB) and two RAM-rich (5 000 MIPS, 256 GB), 100 W
    /// idle each; VMs ask 20 000 MIPS and 256 GB. The count bound is 1 (each dimension alone
    /// fits one host), the fewest hosts 2 (one of each). Idle power, relaxed: x CPU-rich and y RAM-rich hosts with 20 000x + 5 000y >=
    /// 20 000 and 32x + 256y >= 256 cost least with both tight, y = 224/248, x = 1 - y/4,
    /// 100 (x + y) = 167.74 W: the bound is that linear optimum (to the search's precision)
    /// and never above it. With RAM not counted, one CPU-rich host's 100 W.
    #[test]
    fn idle_power_bound_is_the_linear_relaxations_optimum() {
        let classes = [
            drawing("cpu", 20_000.0, 32.0, 100.0),
            drawing("ram", 5_000.0, 256.0, 100.0),
        ];
        let types = [vm(1, 1_000.0, 16.0)];
        let hosts = [0, 0, 1, 1];
        // 16 VMs of 16 GB at 1 250 MIPS each: 20 000 MIPS and 256 GB.
        let vms = || std::iter::repeat_n((0, 1_250.0), 16);
        let mut b = LowerBound::new(&classes, hosts.into_iter(), &types, false, true);
        assert_eq!(b.hosts(vms()), 1);
        let optimum = 100.0 * (224.0 / 248.0 + (1.0 - 224.0 / 248.0 / 4.0));
        let w = b.idle_w();
        assert!(w <= optimum && w > optimum - 1e-3, "{w} against {optimum}");
        let mut cpu_only = LowerBound::new(&classes, hosts.into_iter(), &types, false, false);
        cpu_only.hosts(vms());
        assert!((cpu_only.idle_w() - 100.0).abs() < 1e-6);
        // Twice the demand outgrows the fleet's RAM (576 GB): all four hosts' 400 W.
        b.hosts(std::iter::repeat_n((0, 1_250.0), 40));
        assert_eq!(b.idle_w(), 400.0);
    }

    /// Night 22-6: ratios 2 and 1 at night, 1.5 by day; a row with bound 0 is not counted.
    #[test]
    fn packing_means_split_night_and_day() {
        let night = Night {
            from_h: 22.0,
            to_h: 6.0,
        };
        let mut p = Packing::default();
        p.add(night, 23.0, (4, 2), (400.0, 200.0));
        p.add(night, 3.0, (3, 3), (300.0, 150.0));
        p.add(night, 12.0, (3, 2), (300.0, 300.0));
        p.add(night, 13.0, (1, 0), (100.0, 0.0));
        let s = p.summary();
        assert_eq!(s.rows, 3);
        assert_eq!(s.night_ratio, Some(1.5));
        assert_eq!(s.day_ratio, Some(1.5));
        assert_eq!(s.mean_ratio, Some(1.5));
        assert_eq!(s.min_ratio, Some(1.0));
        assert_eq!(s.max_ratio, Some(2.0));
        assert_eq!(s.mean_lower_bound, Some(7.0 / 3.0));
        assert_eq!(s.mean_hosts_on, Some(10.0 / 3.0));
        // Idle power: 2 and 2 at night, 1 by day; 650 W over 3 rows is the mean bound.
        assert_eq!(
            (s.idle_night_ratio, s.idle_day_ratio),
            (Some(2.0), Some(1.0))
        );
        assert_eq!(s.idle_mean_ratio, Some(5.0 / 3.0));
        assert_eq!(s.mean_idle_kw_bound, Some(650.0 / 3.0 / 1000.0));
        assert_eq!(Packing::default().summary().mean_ratio, None);
    }
}
