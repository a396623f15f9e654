//! A placement index. For each host class, a segment tree over the class's hosts in id order
//! keeps, for every subtree, the range of CPU utilisation of its hosts within each tenth of
//! the CPU range (a power table's segment) and the most free RAM and disk among them, for the
//! hosts in one power state. A search visits subtrees best
//! first, by the least score the placement policy says any of their hosts could show
//! ([`Placement::range_bound`]), judges hosts at the leaves exactly as a scan of every host
//! does, and stops when no subtree left can beat the best host found. So it returns the host
//! the scan returns (debug builds check every search against the scan), usually after
//! visiting O(log hosts) nodes: hosts of a class on one segment of its power curve tie, and
//! the first of them by id is found by descending the tree.
//!
//! The index follows the simulation lazily: [`PlacementIndex::touch`] marks a host whose load,
//! RAM, disk or power state changed, and the next search brings the trees up to date (leaf by
//! leaf, or whole trees when many hosts changed, as after a load step). Hosts the caller
//! excludes for a while (over-loaded hosts during a consolidation round) can be barred, so
//! searches do not visit them one by one.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::Simulation;
use super::state::HostId;
use crate::model::host::PowerState;
use crate::model::power::{segment, segment_start};
use crate::policy::placement::{Need, Placement};
use crate::scenario::FitBasis;

/// Slack in MB when skipping subtrees for RAM or disk: far above rounding in sums of MB, far
/// below any VM's size. Skipping must never drop a host the exact test accepts.
const MB_SLACK: f64 = 1e-6;

/// Slack in CPU fraction when skipping subtrees for CPU, far above rounding.
const CPU_SLACK: f64 = 1e-9;

/// Tenths of the CPU range a subtree summary keeps apart: a power table's segments.
const SEGMENTS: usize = 10;

/// What the caller's own tests imply about the hosts they accept: a committed CPU fraction of
/// at least `min` before the VM, and at most `max` after it. Only used to skip hosts in bulk;
/// the caller's tests still decide at each host.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    /// Least committed fraction before the VM.
    pub min: f64,
    /// Most committed fraction after the VM.
    pub max: f64,
}

/// The best host so far: (score, host id); lower wins.
pub(super) type Best = Option<(f64, HostId)>;

/// A subtree's summary, per power table segment ([`segment`]): the least and most CPU
/// utilisation of its hosts in that segment (`lo > hi` if none), and the most free RAM and
/// disk of any one of them. Keeping segments apart keeps bounds tight: hosts on one segment
/// share a slope, and the hosts on the cheapest segments are often full on RAM. Stored in
/// `f32`, rounded outwards (ranges wider, free space larger), so a summary never rules out a
/// host that fits.
#[derive(Debug, Clone, Copy)]
struct Node {
    lo: [f32; SEGMENTS],
    hi: [f32; SEGMENTS],
    ram: [f32; SEGMENTS],
    disk: [f32; SEGMENTS],
}

const EMPTY: Node = Node {
    lo: [f32::INFINITY; SEGMENTS],
    hi: [f32::NEG_INFINITY; SEGMENTS],
    ram: [f32::NEG_INFINITY; SEGMENTS],
    disk: [f32::NEG_INFINITY; SEGMENTS],
};

fn merge(a: &Node, b: &Node) -> Node {
    Node {
        lo: std::array::from_fn(|s| a.lo[s].min(b.lo[s])),
        hi: std::array::from_fn(|s| a.hi[s].max(b.hi[s])),
        ram: std::array::from_fn(|s| a.ram[s].max(b.ram[s])),
        disk: std::array::from_fn(|s| a.disk[s].max(b.disk[s])),
    }
}

/// `v` rounded down to an `f32`.
fn down(v: f64) -> f32 {
    let x = v as f32;
    if f64::from(x) > v { x.next_down() } else { x }
}

/// `v` rounded up to an `f32`.
fn up(v: f64) -> f32 {
    let x = v as f32;
    if f64::from(x) < v { x.next_up() } else { x }
}

/// The hosts in one power state, CPU counted by one basis: per class, a complete binary tree
/// in an array, leaves at `size..size + hosts`.
struct Tree {
    state: PowerState,
    basis: FitBasis,
    classes: Vec<Vec<Node>>,
}

/// A subtree waiting to be visited, ordered by (least score, first host id).
#[derive(Debug, Clone, Copy)]
struct Visit {
    bound: f64,
    first: HostId,
    class: u32,
    node: u32,
}

impl PartialEq for Visit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Visit {}
impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Visit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bound
            .total_cmp(&other.bound)
            .then(self.first.cmp(&other.first))
    }
}

/// Whether a subtree whose hosts score at least `bound` and have ids from `first` on could
/// hold a host that beats `best`.
fn can_win(bound: f64, first: HostId, best: Best) -> bool {
    best.is_none_or(|(score, host)| bound < score || (bound == score && first < host))
}

/// The index over every host of a simulation; trees are built on first use.
pub(super) struct PlacementIndex {
    /// Each class's hosts, in id order.
    members: Vec<Vec<HostId>>,
    /// Each class's tree size (a power of two at least its host count).
    sizes: Vec<usize>,
    /// Each host's (class, position among its class).
    position: Vec<(u32, u32)>,
    trees: Vec<Tree>,
    dirty: Vec<bool>,
    pending: Vec<HostId>,
    barred: Vec<bool>,
    bars: Vec<HostId>,
    heap: BinaryHeap<Reverse<Visit>>,
}

impl PlacementIndex {
    /// An index over hosts of the given classes (`class_of[h]`), with no tree built yet.
    pub(super) fn new(class_of: &[usize], classes: usize) -> Self {
        let mut members = vec![Vec::new(); classes];
        let mut position = Vec::with_capacity(class_of.len());
        for (h, &c) in class_of.iter().enumerate() {
            position.push((c as u32, members[c].len() as u32));
            members[c].push(h);
        }
        let sizes = members
            .iter()
            .map(|m| m.len().next_power_of_two())
            .collect();
        PlacementIndex {
            members,
            sizes,
            position,
            trees: Vec::new(),
            dirty: vec![false; class_of.len()],
            pending: Vec::new(),
            barred: vec![false; class_of.len()],
            bars: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Marks host `h` as changed (load, RAM, disk or power state).
    pub(super) fn touch(&mut self, h: HostId) {
        if !self.trees.is_empty() && !self.dirty[h] {
            self.dirty[h] = true;
            self.pending.push(h);
        }
    }

    /// Leaves host `h` out of searches until [`Self::lift_bars`]; only for a host every search
    /// meanwhile excludes.
    pub(super) fn bar(&mut self, h: HostId) {
        if !self.barred[h] {
            self.barred[h] = true;
            self.bars.push(h);
            self.touch(h);
        }
    }

    /// Lets every barred host into searches again.
    pub(super) fn lift_bars(&mut self) {
        for i in 0..self.bars.len() {
            let h = self.bars[i];
            self.barred[h] = false;
            self.touch(h);
        }
        self.bars.clear();
    }

    /// The leaf of host `h` in a tree for `state` and `basis`.
    fn leaf(&self, sim: &Simulation, h: HostId, state: PowerState, basis: FitBasis) -> Node {
        let host = &sim.hosts[h];
        if host.state != state || self.barred[h] {
            return EMPTY;
        }
        let class = &sim.setup.host_classes[host.class];
        let u = sim.cpu_used(h, basis) / class.mips;
        let disk = if class.disk_mb > 0.0 {
            class.disk_mb - host.disk_used
        } else {
            f64::INFINITY
        };
        let s = segment(u);
        let mut leaf = EMPTY;
        leaf.lo[s] = down(u);
        leaf.hi[s] = up(u);
        leaf.ram[s] = up(class.ram_mb - host.ram_used);
        leaf.disk[s] = up(disk);
        leaf
    }

    /// Builds the nodes of every class for `state` and `basis`.
    fn build(&self, sim: &Simulation, state: PowerState, basis: FitBasis) -> Vec<Vec<Node>> {
        self.members
            .iter()
            .zip(&self.sizes)
            .map(|(hosts, &size)| {
                let mut nodes = vec![EMPTY; 2 * size];
                for (i, &h) in hosts.iter().enumerate() {
                    nodes[size + i] = self.leaf(sim, h, state, basis);
                }
                for i in (1..size).rev() {
                    nodes[i] = merge(&nodes[2 * i], &nodes[2 * i + 1]);
                }
                nodes
            })
            .collect()
    }

    /// Brings every tree up to date with the hosts touched since the last search.
    fn catch_up(&mut self, sim: &Simulation) {
        if self.pending.is_empty() {
            return;
        }
        // Past an eighth of the hosts, rebuilding (linear) beats updating (log per host).
        if self.pending.len() * 8 > self.position.len() {
            for t in 0..self.trees.len() {
                let (state, basis) = (self.trees[t].state, self.trees[t].basis);
                self.trees[t].classes = self.build(sim, state, basis);
            }
        } else {
            for t in 0..self.trees.len() {
                let (state, basis) = (self.trees[t].state, self.trees[t].basis);
                for &h in &self.pending {
                    let (c, p) = self.position[h];
                    let leaf = self.leaf(sim, h, state, basis);
                    let nodes = &mut self.trees[t].classes[c as usize];
                    let mut i = self.sizes[c as usize] + p as usize;
                    nodes[i] = leaf;
                    while i > 1 {
                        i /= 2;
                        nodes[i] = merge(&nodes[2 * i], &nodes[2 * i + 1]);
                    }
                }
            }
        }
        for &h in &self.pending {
            self.dirty[h] = false;
        }
        self.pending.clear();
    }

    /// The tree for `state` and `basis`, built if it is not yet.
    fn tree(&mut self, sim: &Simulation, state: PowerState, basis: FitBasis) -> usize {
        if let Some(t) = self
            .trees
            .iter()
            .position(|t| t.state == state && t.basis == basis)
        {
            return t;
        }
        let classes = self.build(sim, state, basis);
        self.trees.push(Tree {
            state,
            basis,
            classes,
        });
        self.trees.len() - 1
    }

    /// The best host for `need` under `policy` among hosts in `state` whose committed CPU
    /// (counted by `basis`) lies in `window`: `consider(h, best)` judges host `h` exactly and
    /// updates `best`. `None` if the policy cannot bound scores (the caller scans instead).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn search(
        &mut self,
        sim: &Simulation,
        policy: &dyn Placement,
        state: PowerState,
        basis: FitBasis,
        need: &Need,
        window: Window,
        consider: &mut dyn FnMut(HostId, &mut Best),
    ) -> Option<Best> {
        let classes = &sim.setup.host_classes;
        let probe = classes.first()?;
        policy.range_bound(&probe.power, probe.mips, 0.0, 1.0, need)?;
        self.catch_up(sim);
        let t = self.tree(sim, state, basis);
        let (tree, sizes, members) = (&self.trees[t], &self.sizes, &self.members);
        let heap = &mut self.heap;
        heap.clear();
        // Queues node `i` of class `c` if a host in it might take the VM and win.
        let push = |heap: &mut BinaryHeap<Reverse<Visit>>, c: usize, i: usize| -> Option<()> {
            let n = &tree.classes[c][i];
            let class = &classes[c];
            let top = window.max - need.mips / class.mips + CPU_SLACK;
            // The least bound over the segments, each over its hosts that fit and that the
            // window admits (a range starting no lower than its segment, so its slope is
            // the segment's).
            let mut bound = f64::INFINITY;
            for s in 0..SEGMENTS {
                if f64::from(n.ram[s]) < need.ram_mb - MB_SLACK
                    || f64::from(n.disk[s]) < need.disk_mb - MB_SLACK
                {
                    continue;
                }
                let lo = f64::from(n.lo[s]).max(window.min).max(segment_start(s));
                let hi = f64::from(n.hi[s]).min(top);
                if lo <= hi {
                    bound =
                        bound.min(policy.range_bound(&class.power, class.mips, lo, hi, need)?);
                }
            }
            if bound == f64::INFINITY {
                return Some(());
            }
            // The subtree's first host: its leftmost leaf.
            let size = sizes[c];
            let mut left = i;
            while left < size {
                left *= 2;
            }
            heap.push(Reverse(Visit {
                bound,
                first: members[c][left - size],
                class: c as u32,
                node: i as u32,
            }));
            Some(())
        };
        for (c, hosts) in members.iter().enumerate() {
            if !hosts.is_empty() {
                push(heap, c, 1)?;
            }
        }
        let mut best: Best = None;
        while let Some(Reverse(v)) = heap.pop() {
            if !can_win(v.bound, v.first, best) {
                break;
            }
            let (c, i) = (v.class as usize, v.node as usize);
            if i >= sizes[c] {
                consider(v.first, &mut best);
            } else {
                push(heap, c, 2 * i)?;
                push(heap, c, 2 * i + 1)?;
            }
        }
        Some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_keep_segments_apart_and_round_outwards() {
        let mut a = EMPTY;
        a.lo[3] = down(0.35);
        a.hi[3] = up(0.35);
        a.ram[3] = up(0.0);
        let mut b = EMPTY;
        b.lo[3] = down(0.31);
        b.hi[3] = up(0.31);
        b.ram[3] = up(1000.0);
        b.lo[8] = down(0.84);
        b.hi[8] = up(0.84);
        b.ram[8] = up(64000.0);
        let both = merge(&a, &b);
        assert!(f64::from(both.lo[3]) <= 0.31 && f64::from(both.hi[3]) >= 0.35);
        assert_eq!(both.ram[3], 1000.0);
        assert_eq!(both.ram[8], 64000.0);
        assert!(both.lo[0] > both.hi[0], "no host in the first segment");
        for v in [0.1, 0.3, 1.0 / 3.0, 12345.678, 0.0] {
            assert!(f64::from(down(v)) <= v && f64::from(up(v)) >= v, "{v}");
        }
    }
}
