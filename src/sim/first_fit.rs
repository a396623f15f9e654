//! A first-fit index for placing a batch of VMs: a segment tree over host ids holding, for
//! each subtree, the most free CPU, RAM and disk of any one of its hosts. The search descends
//! to the leftmost subtree that might fit and checks hosts exactly at the leaves, so it finds
//! the same host as a scan in id order, in about O(log hosts) instead of O(hosts).

use super::Simulation;
use super::placement::FIT_EPS;
use super::state::HostId;
use crate::model::host::PowerState;
use crate::policy::placement::Need;
use crate::scenario::FitBasis;

/// Slack when pruning a subtree: pruning must never skip a host the exact check accepts.
const PRUNE_SLACK: f64 = 1e-6;

/// Free CPU, RAM and disk of a host, or the most of each over a subtree.
type Free = [f64; 3];

/// The index: a complete binary tree in an array, leaves at `size..size + hosts`.
pub(super) struct FirstFitIndex {
    size: usize,
    nodes: Vec<Free>,
    basis: FitBasis,
}

impl FirstFitIndex {
    /// Builds the index over every host of `sim`, counting CPU by `basis`.
    pub(super) fn build(sim: &Simulation, basis: FitBasis) -> Self {
        let size = sim.hosts.len().next_power_of_two();
        let mut index = FirstFitIndex {
            size,
            nodes: vec![[f64::NEG_INFINITY; 3]; 2 * size],
            basis,
        };
        for h in 0..sim.hosts.len() {
            index.nodes[size + h] = index.free(sim, h);
        }
        for i in (1..size).rev() {
            index.nodes[i] = max(index.nodes[2 * i], index.nodes[2 * i + 1]);
        }
        index
    }

    fn free(&self, sim: &Simulation, h: HostId) -> Free {
        let host = &sim.hosts[h];
        if host.state != PowerState::On {
            return [f64::NEG_INFINITY; 3];
        }
        let class = &sim.setup.host_classes[host.class];
        let cpu_used = match self.basis {
            FitBasis::Size => host.sized_mips,
            FitBasis::Demand => host.committed_mips,
        };
        let disk = if class.disk_mb > 0.0 {
            class.disk_mb - host.disk_used
        } else {
            f64::INFINITY
        };
        [
            class.mips * (1.0 + FIT_EPS) - cpu_used,
            class.ram_mb - host.ram_used,
            disk,
        ]
    }

    /// Refreshes host `h` after its load or state changed.
    pub(super) fn update(&mut self, sim: &Simulation, h: HostId) {
        let mut i = self.size + h;
        self.nodes[i] = self.free(sim, h);
        while i > 1 {
            i /= 2;
            self.nodes[i] = max(self.nodes[2 * i], self.nodes[2 * i + 1]);
        }
    }

    /// The lowest host id that `fits` accepts, visiting only subtrees that might hold one.
    pub(super) fn first(&self, need: &Need, fits: &dyn Fn(HostId) -> bool) -> Option<HostId> {
        self.descend(1, need, fits)
    }

    fn descend(&self, i: usize, need: &Need, fits: &dyn Fn(HostId) -> bool) -> Option<HostId> {
        let [cpu, ram, disk] = self.nodes[i];
        if cpu < need.mips - PRUNE_SLACK
            || ram < need.ram_mb - PRUNE_SLACK
            || disk < need.disk_mb - PRUNE_SLACK
        {
            return None;
        }
        if i >= self.size {
            let h = i - self.size;
            return fits(h).then_some(h);
        }
        self.descend(2 * i, need, fits)
            .or_else(|| self.descend(2 * i + 1, need, fits))
    }
}

fn max(a: Free, b: Free) -> Free {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].max(b[2])]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::records::NullRecorder;

    /// Three classes of different sizes, filled unevenly by an initial first-fit batch.
    const FLEET: &str = r#"
version = 1
[simulation]
name = "index"
duration = "1h"
[[hosts]]
class = "small"
count = 37
cores = 4
ram = "8 GB"
disk = "200 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[hosts]]
class = "big"
count = 21
cores = 16
ram = "64 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[hosts]]
class = "mid"
count = 30
cores = 8
ram = "16 GB"
disk = "1 TB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "a"
vcpus = 3
ram = "5 GB"
disk = "50 GB"
[[vm_types]]
name = "b"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "a"
count = 40
load = "l"
[[vms]]
type = "b"
count = 90
load = "l"
[loads.l]
shape = "constant"
level = 0.5
[policy.consolidation]
enabled = false
"#;

    #[test]
    fn finds_the_same_host_as_a_scan_in_id_order() {
        let setup = crate::scenario::load(FLEET, "index.toml", &[]).unwrap();
        let mut rec = NullRecorder;
        let mut sim = Simulation::new(&setup, &mut rec).unwrap();
        sim.start();
        let index = FirstFitIndex::build(&sim, FitBasis::Size);
        let mut found = 0;
        for mips in [
            0.0, 500.0, 1000.0, 2500.0, 3999.0, 4000.0, 8000.0, 16_000.0, 16_001.0,
        ] {
            for ram_mb in [0.0, 1000.0, 3000.0, 8000.0, 20_000.0, 64_000.0, 70_000.0] {
                for disk_mb in [0.0, 100_000.0, 500_000.0] {
                    let need = Need {
                        mips,
                        ram_mb,
                        disk_mb,
                    };
                    let fits = |h: HostId| sim.fits_new(h, &need, FitBasis::Size);
                    let scan = (0..sim.hosts.len()).find(|&h| fits(h));
                    assert_eq!(index.first(&need, &fits), scan, "{need:?}");
                    found += usize::from(scan.is_some());
                }
            }
        }
        assert!(found > 20, "the grid exercises hosts that fit ({found})");
    }
}
