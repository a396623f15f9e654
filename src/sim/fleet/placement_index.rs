//! A placement index. For each host class, a segment tree over the class's hosts in id order
//! keeps, for every subtree, each size of VM and each tenth of the CPU range (a power table's
//! segment), the least and the most CPU utilisation of the hosts there with the RAM, disk and
//! network bandwidth to take the VM, for the hosts in one power state. A search visits subtrees best first, by
//! the least score the placement policy says any of their hosts could show
//! ([`Placement::range_bound`]), judges hosts at the leaves exactly as a scan of every host
//! does, and stops when no subtree left can beat the best host found. So it returns the host
//! the scan returns (debug builds check every search against the scan), usually after
//! visiting O(log hosts) nodes: hosts of a class on one segment of its power curve tie, and
//! the first of them by id is found by descending the tree.
//!
//! The vector policies' scores read every dimension, so for them the trees also keep, per
//! subtree, size and host kind (in use or empty), the box of the hosts' CPU utilisation and
//! free CPU, RAM and disk fractions, and the policy bounds its score over a box
//! ([`Placement::free_bound`]); a box of one host gives its exact score. Once they keep
//! boxes, the trees lay each class's hosts out by free capacity rather than by id, at each
//! whole refill (along a Z-order curve, [`z_key`]), so a subtree's box is narrow and
//! its bound tight. Each node keeps its least host id (in id order, its leftmost leaf's), and
//! a subtree that can at best tie the best host so far is still searched if it holds a lower
//! id, so ties go to the lowest id in either order. Where RAM is over-committed, the trees keep the most memory room of a
//! subtree's hosts ([`Fleet::memory_room`]), so searches that need memory in use
//! ([`Search::ram_in_use`]) skip hosts under memory pressure in bulk. Both are kept only once
//! a search needs them.
//!
//! The index follows the simulation lazily: [`PlacementIndex::touch`] marks a host whose load,
//! RAM, disk or power state changed, and the next search brings the trees up to date (leaf by
//! leaf, or whole trees when many hosts changed, as after a load step). Hosts the caller
//! excludes for a while (over-loaded hosts during a consolidation round) can be barred, so
//! searches do not visit them one by one.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::model::host::{HostClass, PowerState};
use crate::model::power::{segment, segment_start};
use crate::policy::placement::{Dimensions, FreeRange, Need, Placement, is_empty};
use crate::sim::fleet::Fleet;
use crate::sim::fleet::placement::fit_mips;
use crate::sim::setup::FitBasis;
use crate::sim::state::{HostId, VmId};

/// Slack in MB (Mbit/s for network) when skipping subtrees for RAM, disk or network: far
/// above rounding in sums of MB, far below any VM's size. Skipping must never drop a host the
/// exact test accepts.
const MB_SLACK: f64 = 1e-6;

/// Slack in MB when skipping subtrees for memory in use: far above rounding in a sum of a
/// host's VMs' memory in use (up to about a million MB), far below any VM's.
const MB_SLACK_ROOM: f64 = 1e-3;

/// Slack in CPU fraction when skipping subtrees for CPU, far above rounding.
const CPU_SLACK: f64 = 1e-9;

/// Searches left to the scan, per VM size kept apart, before a stale tree is refilled: a
/// refill writes about 40 values per host and size, a scan judges each host in about as much
/// work as 10 (see [`PlacementIndex::search`]).
const SCANS_PER_SIZE: u32 = 4;

/// Tenths of the CPU range a subtree summary keeps apart: a power table's segments.
const SEGMENTS: usize = 10;

/// What the caller's own tests imply about the hosts they accept: a committed CPU fraction of
/// at least `min` before the VM, and at most `max` after it. Only used to skip hosts in bulk;
/// the caller's tests still decide at each host.
#[derive(Debug, Clone, Copy)]
pub(in crate::sim) struct Window {
    /// Least committed fraction before the VM.
    pub min: f64,
    /// Most committed fraction after the VM.
    pub max: f64,
}

/// What a search reads of the hosts: the fleet and the setup's host classes.
#[derive(Clone, Copy)]
pub(in crate::sim) struct Hosts<'s> {
    pub fleet: &'s Fleet,
    pub classes: &'s [HostClass],
}

/// A placement search: what a VM needs, how CPU is counted, by which policy, among hosts in
/// which power state and utilisation window.
#[derive(Clone, Copy)]
pub(in crate::sim) struct Search<'p> {
    pub need: &'p Need,
    pub basis: FitBasis,
    pub policy: &'p dyn Placement,
    pub state: PowerState,
    pub window: Window,
    /// The VM being placed, whose group's placement rules the host must keep (`None`: no
    /// VM in particular, no rules).
    pub vm: Option<VmId>,
    /// The memory in use, MB, the caller's tests require room for beside a host's committed
    /// VMs' ([`Fleet::has_memory_for`]; at least this much): subtrees with less room are
    /// skipped. `None`: not asked.
    pub ram_in_use: Option<f64>,
}

/// The best host so far: (score, host id); lower wins.
pub(in crate::sim) type Best = Option<(f64, HostId)>;

/// The RAM and disk (MB) and network bandwidth (Mbit/s) a VM reserves: the sizes subtree
/// summaries keep apart.
pub(in crate::sim) type Size = (f64, f64, f64);

/// At most this many sizes are kept apart (more would make summaries large); other VMs are
/// judged by the largest kept size they cover.
const MAX_SIZES: usize = 8;

/// Subtree summaries of one class, in one flat array: per node, per VM size kept apart, per
/// power table segment ([`segment`]), the least and the most CPU utilisation of the hosts in
/// the segment with RAM and disk for that size (`least > most` if none). Keeping segments
/// apart keeps bounds tight (hosts on one segment share a slope); keeping sizes apart avoids
/// mistaking a subtree whose cheap hosts are full on RAM, and whose hosts with RAM are full on
/// CPU, for one that can take the VM. Values are `f32`, rounded outwards, so a summary never
/// rules out a host that fits.
struct Summaries {
    sizes: usize,
    data: Vec<f32>,
}

impl Summaries {
    /// Empty summaries for `nodes` nodes.
    fn new(sizes: usize, nodes: usize) -> Self {
        let mut empty = Summaries {
            sizes,
            data: Vec::new(),
        };
        let w = empty.stride();
        empty.data = vec![0.0; nodes * w];
        for i in 0..nodes {
            empty.clear(i);
        }
        empty
    }

    fn stride(&self) -> usize {
        2 * SEGMENTS * self.sizes
    }

    /// Where a node's least loads for size `k` start: all least loads come first, then all
    /// most loads, so merging is two straight loops.
    fn least(&self, k: usize) -> usize {
        SEGMENTS * k
    }

    /// Where a node's most loads for size `k` start.
    fn most(&self, k: usize) -> usize {
        SEGMENTS * (self.sizes + k)
    }

    fn node(&self, i: usize) -> &[f32] {
        let w = self.stride();
        &self.data[i * w..(i + 1) * w]
    }

    /// Makes node `i` empty and returns it.
    fn clear(&mut self, i: usize) -> &mut [f32] {
        let w = self.stride();
        let node = &mut self.data[i * w..(i + 1) * w];
        let (least, most) = node.split_at_mut(w / 2);
        least.fill(f32::INFINITY);
        most.fill(f32::NEG_INFINITY);
        node
    }

    /// Sets node `i` to the union of its children.
    fn merge(&mut self, i: usize) {
        let w = self.stride();
        merge_node(&mut self.data, i, w);
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

/// Values of a vector box per VM size kept apart and host kind (in use, empty): the CPU
/// utilisation before the VM (for the window), then the free fraction of CPU, RAM and disk as
/// the vector policies read them ([`Dimensions`]).
const BOX: usize = 4;

/// Subtree summaries the vector policies and RAM over-commit read, in `f64` (a box of one
/// host holds its exact values, so a vector score over it is the host's own, to the bit),
/// in one flat array: per node, the least values, then the most. Per VM size kept apart and
/// host kind (in use or empty, as the empty host penalty tells them apart), a [`BOX`] of the
/// hosts with room for the size (only if `vectors`); then the memory room
/// ([`Fleet::memory_room`]) of the hosts. Empty (no values) when no search needs them.
struct Boxes {
    /// Where the memory room sits in each half (the vector boxes come first).
    room: usize,
    /// Values per half of a node: 0 when nothing is kept.
    half: usize,
    data: Vec<f64>,
}

impl Boxes {
    /// Empty boxes for `nodes` nodes: vector boxes for `sizes` sizes if `vectors`, memory
    /// rooms if `rooms`; nothing if neither.
    fn new(sizes: usize, nodes: usize, vectors: bool, rooms: bool) -> Self {
        let room = if vectors { 2 * BOX * sizes } else { 0 };
        let half = if vectors || rooms { room + 1 } else { 0 };
        let mut empty = Boxes {
            room,
            half,
            data: vec![0.0; 2 * half * nodes],
        };
        for i in 0..nodes {
            empty.clear(i);
        }
        empty
    }

    /// Where the box of size `k` for empty hosts (`empty`) or hosts in use starts in a half.
    fn at(k: usize, empty: bool) -> usize {
        BOX * (2 * k + usize::from(empty))
    }

    fn node(&self, i: usize) -> &[f64] {
        let w = 2 * self.half;
        &self.data[i * w..(i + 1) * w]
    }

    /// Makes node `i` empty and returns it.
    fn clear(&mut self, i: usize) -> &mut [f64] {
        let w = 2 * self.half;
        let node = &mut self.data[i * w..(i + 1) * w];
        let (least, most) = node.split_at_mut(w / 2);
        least.fill(f64::INFINITY);
        most.fill(f64::NEG_INFINITY);
        node
    }

    /// Sets node `i` to the union of its children.
    fn merge(&mut self, i: usize) {
        let w = 2 * self.half;
        if w > 0 {
            merge_node(&mut self.data, i, w);
        }
    }
}

/// Sets node `i` of a tree stored `w` values a node (least values first, most values in the
/// second half) to the union of its children `2i` and `2i + 1`.
#[inline]
fn merge_node<T: PartialOrd + Copy>(data: &mut [T], i: usize, w: usize) {
    let (head, tail) = data.split_at_mut(2 * i * w);
    let (left, right) = tail[..2 * w].split_at(w);
    let node = &mut head[i * w..(i + 1) * w];
    let half = w / 2;
    // Plain comparisons (no NaN is ever stored) so the loops vectorise.
    for v in 0..half {
        node[v] = if right[v] < left[v] {
            right[v]
        } else {
            left[v]
        };
    }
    for v in half..w {
        node[v] = if right[v] > left[v] {
            right[v]
        } else {
            left[v]
        };
    }
}

/// The hosts in one power state, CPU counted by one basis: per class, a complete binary tree
/// in an array, leaves at `size..size + hosts`.
struct Tree {
    state: PowerState,
    basis: FitBasis,
    classes: Vec<Summaries>,
    /// Per class, the vector boxes and memory rooms, beside `classes`.
    boxes: Vec<Boxes>,
    /// Hosts changed since the tree was last brought up to date (each once).
    pending: Vec<HostId>,
    dirty: Vec<bool>,
    /// Searches left to the scan since the tree last needed a refill.
    declined: u32,
    /// Where each host's leaf is: in id order until the trees keep vector boxes.
    layout: Layout,
}

/// Which host is at which leaf. In id order, until the trees keep vector boxes; then the
/// hosts of each class are laid out by how alike they look, so that a subtree's box of free
/// capacity is narrow and bounds the vector scores tightly ([`z_key`]): laid out again at
/// each whole refill, and in between each host keeps its leaf (a box then stays sound, only
/// looser). Each node keeps its least host id, so the search breaks ties to the lowest id
/// whatever the order.
#[derive(Default)]
struct Layout {
    /// Per class, the host at each leaf position (past the class's hosts, none).
    hosts: Vec<Vec<HostId>>,
    /// Each host's leaf position among its class's.
    slot: Vec<u32>,
    /// Per class and node, the least host id under the node (`HostId::MAX` if none).
    first: Vec<Vec<HostId>>,
}

impl Layout {
    /// Each class's hosts (`members`, in id order) at the leaves in that order, in trees of
    /// `sizes` leaves.
    fn by_id(members: &[Vec<HostId>], sizes: &[usize], hosts: usize) -> Self {
        let mut layout = Layout {
            hosts: members.to_vec(),
            slot: vec![0; hosts],
            first: sizes
                .iter()
                .map(|&size| vec![HostId::MAX; 2 * size])
                .collect(),
        };
        for (c, &size) in sizes.iter().enumerate() {
            layout.index(c, size);
        }
        layout
    }

    /// Sets class `c`'s leaf positions and least ids (a tree of `size` leaves) from the order
    /// of its hosts.
    fn index(&mut self, c: usize, size: usize) {
        let first = &mut self.first[c];
        first.fill(HostId::MAX);
        for (p, &h) in self.hosts[c].iter().enumerate() {
            self.slot[h] = p as u32;
            first[size + p] = h;
        }
        for i in (1..size).rev() {
            first[i] = first[2 * i].min(first[2 * i + 1]);
        }
    }
}

/// A host's vector values ([`vector_values`]): its [`BOX`] and whether it is empty.
type Vector = ([f64; BOX], bool);

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
pub(in crate::sim) struct PlacementIndex {
    /// Each class's hosts, in id order.
    members: Vec<Vec<HostId>>,
    /// Each class's tree size (a power of two at least its host count).
    sizes: Vec<usize>,
    /// Each host's class.
    class_of: Vec<u32>,
    trees: Vec<Tree>,
    barred: Vec<bool>,
    bars: Vec<HostId>,
    /// The VM sizes kept apart.
    kept: Vec<Size>,
    heap: BinaryHeap<Reverse<Visit>>,
    /// Whether trees keep vector boxes: since the first search by a vector policy.
    vectors: bool,
    /// Whether trees keep memory rooms: since the first search that asked for memory in use
    /// on a fleet with RAM over-commit.
    rooms: bool,
    /// During a whole refill by a layout, each laid-out host's vector values (by host id),
    /// worked out once for its place in the layout and read again for its leaf.
    values: Vec<Vector>,
    /// During a layout, one class's hosts by their place on the curve; kept for the next.
    keys: Vec<(u64, HostId)>,
}

impl PlacementIndex {
    /// An index over hosts of the given classes (`class_of[h]`), for VMs of the given sizes,
    /// with no tree built yet.
    pub(in crate::sim) fn new(class_of: &[usize], classes: usize, vm_sizes: &[Size]) -> Self {
        let mut members = vec![Vec::new(); classes];
        for (h, &c) in class_of.iter().enumerate() {
            members[c].push(h);
        }
        let sizes = members
            .iter()
            .map(|m| m.len().next_power_of_two())
            .collect();
        PlacementIndex {
            members,
            sizes,
            class_of: class_of.iter().map(|&c| c as u32).collect(),
            trees: Vec::new(),
            barred: vec![false; class_of.len()],
            bars: Vec::new(),
            kept: kept_sizes(vm_sizes),
            heap: BinaryHeap::new(),
            vectors: false,
            rooms: false,
            values: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// The kept size a VM of size `need` is judged by: the largest it covers (every host with
    /// room for the VM has room for it); `None` if it covers none.
    fn size_of(&self, need: &Need) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (k, &(ram, disk, net)) in self.kept.iter().enumerate() {
            if ram <= need.ram_mb
                && disk <= need.disk_mb
                && net <= need.net_mbps
                && best.is_none_or(|b| (ram, disk, net) > self.kept[b])
            {
                best = Some(k);
            }
        }
        best
    }

    /// Marks host `h` as changed (load, RAM, disk, network or power state).
    pub(in crate::sim) fn touch(&mut self, h: HostId) {
        for tree in &mut self.trees {
            if !tree.dirty[h] {
                tree.dirty[h] = true;
                tree.pending.push(h);
            }
        }
    }

    /// Leaves host `h` out of searches until [`Self::lift_bars`]; only for a host every search
    /// meanwhile excludes.
    pub(in crate::sim) fn bar(&mut self, h: HostId) {
        if !self.barred[h] {
            self.barred[h] = true;
            self.bars.push(h);
            self.touch(h);
        }
    }

    /// Lets every barred host into searches again.
    pub(in crate::sim) fn lift_bars(&mut self) {
        for i in 0..self.bars.len() {
            let h = self.bars[i];
            self.barred[h] = false;
            self.touch(h);
        }
        self.bars.clear();
    }

    /// Writes the leaf of host `h` (at node `i`) in summaries and boxes for `state` and
    /// `basis`; its vector values are read from `known` where a layout just worked them out.
    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &self,
        hosts: Hosts<'_>,
        h: HostId,
        state: PowerState,
        basis: FitBasis,
        known: Option<&[Vector]>,
        into: &mut Summaries,
        boxes: &mut Boxes,
        i: usize,
    ) {
        let (least, most) = (into.least(0), into.most(0));
        let node = into.clear(i);
        let (room_at, half) = (boxes.room, boxes.half);
        let out = boxes.clear(i);
        let host = &hosts.fleet.hosts[h];
        if host.state != state || self.barred[h] {
            return;
        }
        let class = &hosts.classes[host.class];
        let cpu_used = hosts.fleet.cpu_used(h, basis);
        let capacity = fit_mips(class, basis);
        let u = cpu_used / capacity;
        let ram = class.ram_limit_mb() - host.ram_used;
        let disk = if class.disk_mb > 0.0 {
            class.disk_mb - host.disk_used
        } else {
            f64::INFINITY
        };
        let net = class.net_mbps - host.net_used;
        let s = segment(u);
        let fits = |&(need_ram, need_disk, need_net): &Size| {
            ram >= need_ram - MB_SLACK && disk >= need_disk - MB_SLACK && net >= need_net - MB_SLACK
        };
        for (k, size) in self.kept.iter().enumerate() {
            if fits(size) {
                node[least + SEGMENTS * k + s] = down(u);
                node[most + SEGMENTS * k + s] = up(u);
            }
        }
        if self.rooms {
            let room = hosts.fleet.memory_room(hosts.classes, h);
            out[room_at] = room;
            out[half + room_at] = room;
        }
        if self.vectors {
            let (values, empty) = known.map_or_else(|| vector_values(hosts, h, basis), |v| v[h]);
            for (k, size) in self.kept.iter().enumerate() {
                if fits(size) {
                    let at = Boxes::at(k, empty);
                    out[at..at + BOX].copy_from_slice(&values);
                    out[half + at..half + at + BOX].copy_from_slice(&values);
                }
            }
        }
    }

    /// Writes every leaf and node of `classes`, summaries for `state` and `basis`, each
    /// class's hosts at the leaves in the `order` given (vector values from `known`, as
    /// [`Self::leaf`]).
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        hosts: Hosts<'_>,
        state: PowerState,
        basis: FitBasis,
        order: &[Vec<HostId>],
        known: Option<&[Vector]>,
        classes: &mut [Summaries],
        boxes: &mut [Boxes],
    ) {
        let trees = order.iter().zip(&self.sizes).zip(classes.iter_mut());
        for (((members, &size), nodes), boxes) in trees.zip(boxes.iter_mut()) {
            for p in 0..size {
                match members.get(p) {
                    Some(&h) => {
                        self.leaf(hosts, h, state, basis, known, nodes, boxes, size + p);
                    }
                    None => {
                        nodes.clear(size + p);
                        boxes.clear(size + p);
                    }
                }
            }
            for i in (1..size).rev() {
                nodes.merge(i);
                boxes.merge(i);
            }
        }
    }

    /// Whether tree `t` must be refilled whole before a search: never filled yet, or more than
    /// an eighth of the hosts changed (after a load step, all of them), where refilling
    /// (linear) beats updating each leaf and its ancestors.
    fn needs_refill(&self, t: usize) -> bool {
        let tree = &self.trees[t];
        tree.classes.is_empty() || tree.pending.len() * 8 > self.class_of.len()
    }

    /// Brings tree `t` up to date with the hosts changed since it last was.
    fn catch_up(&mut self, hosts: Hosts<'_>, t: usize) {
        let refill = self.needs_refill(t);
        let (state, basis) = (self.trees[t].state, self.trees[t].basis);
        let mut classes = std::mem::take(&mut self.trees[t].classes);
        let mut boxes = std::mem::take(&mut self.trees[t].boxes);
        let pending = std::mem::take(&mut self.trees[t].pending);
        if classes.is_empty() {
            classes = self
                .sizes
                .iter()
                .map(|&size| Summaries::new(self.kept.len(), 2 * size))
                .collect();
            boxes = self
                .sizes
                .iter()
                .map(|&size| Boxes::new(self.kept.len(), 2 * size, self.vectors, self.rooms))
                .collect();
        }
        let mut layout = std::mem::take(&mut self.trees[t].layout);
        if refill {
            let mut values = std::mem::take(&mut self.values);
            if self.vectors {
                let mut keys = std::mem::take(&mut self.keys);
                values.resize(self.class_of.len(), ([0.0; BOX], false));
                self.lay_out(hosts, state, basis, &mut layout, &mut values, &mut keys);
                self.keys = keys;
            }
            let known = self.vectors.then_some(&values[..]);
            self.fill(
                hosts,
                state,
                basis,
                &layout.hosts,
                known,
                &mut classes,
                &mut boxes,
            );
            self.values = values;
        } else {
            for &h in &pending {
                let c = self.class_of[h] as usize;
                let (nodes, boxes) = (&mut classes[c], &mut boxes[c]);
                let mut i = self.sizes[c] + layout.slot[h] as usize;
                self.leaf(hosts, h, state, basis, None, nodes, boxes, i);
                while i > 1 {
                    i /= 2;
                    nodes.merge(i);
                    boxes.merge(i);
                }
            }
        }
        let tree = &mut self.trees[t];
        for &h in &pending {
            tree.dirty[h] = false;
        }
        tree.classes = classes;
        tree.boxes = boxes;
        tree.layout = layout;
        tree.pending = pending;
        tree.pending.clear();
        tree.declined = 0;
    }

    /// Lays each class's hosts out in `layout` by their free capacity now, along the
    /// Z-order curve ([`z_key`]; ties by id); hosts not in `state` last. Each host in `state`
    /// has its vector values written to `values` (by host id), for its leaf. `keys` is room
    /// to sort in.
    fn lay_out(
        &self,
        hosts: Hosts<'_>,
        state: PowerState,
        basis: FitBasis,
        layout: &mut Layout,
        values: &mut [Vector],
        keys: &mut Vec<(u64, HostId)>,
    ) {
        for (c, (members, &size)) in self.members.iter().zip(&self.sizes).enumerate() {
            keys.clear();
            keys.extend(members.iter().map(|&h| {
                let free = (hosts.fleet.hosts[h].state == state).then(|| {
                    values[h] = vector_values(hosts, h, basis);
                    let v = &values[h].0;
                    [v[1], v[2], v[3]]
                });
                (z_key(free), h)
            }));
            keys.sort_unstable();
            let placed = &mut layout.hosts[c];
            placed.clear();
            placed.extend(keys.iter().map(|&(_, h)| h));
            layout.index(c, size);
        }
    }

    /// Each class's hosts in leaf order in the tree for `state` and `basis`, if it exists.
    #[cfg(test)]
    pub(in crate::sim) fn leaves(
        &self,
        state: PowerState,
        basis: FitBasis,
    ) -> Option<&[Vec<HostId>]> {
        let tree = self
            .trees
            .iter()
            .find(|t| t.state == state && t.basis == basis)?;
        Some(&tree.layout.hosts[..])
    }

    /// The tree for `state` and `basis` (not filled until first searched).
    fn tree(&mut self, state: PowerState, basis: FitBasis) -> usize {
        if let Some(t) = self
            .trees
            .iter()
            .position(|t| t.state == state && t.basis == basis)
        {
            return t;
        }
        self.trees.push(Tree {
            state,
            basis,
            classes: Vec::new(),
            boxes: Vec::new(),
            pending: Vec::new(),
            dirty: vec![false; self.class_of.len()],
            declined: 0,
            layout: Layout::by_id(&self.members, &self.sizes, self.class_of.len()),
        });
        self.trees.len() - 1
    }

    /// The best host for `need` under `policy` among hosts in `state` whose committed CPU
    /// (counted by `basis`) lies in `window`: `consider(h, best)` judges host `h` exactly and
    /// updates `best`. `None` if the caller should scan instead: the policy cannot bound
    /// scores, the VM is smaller than any size kept apart, or the tree is stale and a scan is
    /// cheaper than refilling it for now.
    pub(in crate::sim) fn search(
        &mut self,
        hosts: Hosts<'_>,
        search: &Search<'_>,
        consider: &mut dyn FnMut(HostId, &mut Best),
    ) -> Option<Best> {
        let Search {
            need,
            basis,
            policy,
            state,
            window,
            vm: _,
            ram_in_use,
        } = *search;
        let classes = &hosts.classes;
        // Whether the policy bounds scores at all, by CPU or by free capacity: asked over a
        // one-point range, the cheapest.
        let probe = classes.first()?;
        let vector = policy
            .range_bound(&probe.power, probe.mips, 0.0, 0.0, need)
            .is_none();
        if vector {
            let point = FreeRange {
                lo: [0.0; 3],
                hi: [0.0; 3],
            };
            policy.free_bound(&point, &[0.0; 3], false)?;
        }
        let kind = self.size_of(need)?;
        // Memory in use is worth keeping only where a class over-commits RAM (elsewhere every
        // host has room).
        let ram_in_use = ram_in_use.filter(|_| classes.iter().any(|c| c.overcommit.ram > 1.0));
        if (vector && !self.vectors) || (ram_in_use.is_some() && !self.rooms) {
            // The trees start again with the boxes this search reads.
            self.vectors |= vector;
            self.rooms |= ram_in_use.is_some();
            self.trees.clear();
        }
        let t = self.tree(state, basis);
        // A refill costs as much as several scans: the first searches after a load step
        // (often the only ones, between arrivals) scan instead, and only a burst (a
        // consolidation round) pays for the refill, so neither costs more than twice the best
        // choice in hindsight.
        if self.needs_refill(t) && self.trees[t].declined < SCANS_PER_SIZE * self.kept.len() as u32
        {
            self.trees[t].declined += 1;
            return None;
        }
        self.catch_up(hosts, t);
        let (tree, sizes, members) = (&self.trees[t], &self.sizes, &self.members);
        let heap = &mut self.heap;
        heap.clear();
        // What the VM needs of a host of each class, as the vector policies count it.
        let needs: Vec<[f64; 3]> = classes
            .iter()
            .map(|class| need_fractions(class, basis, need))
            .collect();
        // The least score of node `i` of class `c` by its CPU bands: per segment, over its
        // hosts with room for the VM's size that the window admits (a range starting no lower
        // than its segment, so its slope is the segment's). Infinite if none.
        let by_cpu = |c: usize, i: usize, top: f64| -> Option<f64> {
            let n = tree.classes[c].node(i);
            let class = &classes[c];
            let capacity = fit_mips(class, basis);
            let mut bound = f64::INFINITY;
            for s in 0..SEGMENTS {
                let lo = f64::from(n[tree.classes[c].least(kind) + s])
                    .max(window.min)
                    .max(segment_start(s));
                let hi = f64::from(n[tree.classes[c].most(kind) + s]).min(top);
                if lo <= hi {
                    bound = bound.min(policy.range_bound(&class.power, capacity, lo, hi, need)?);
                }
            }
            Some(bound)
        };
        // The least score of node `i` of class `c` by its boxes of free capacity, hosts in
        // use and empty hosts apart, over those the window may admit. Infinite if none.
        let by_free = |c: usize, i: usize, top: f64| -> Option<f64> {
            let boxes = &tree.boxes[c];
            let n = boxes.node(i);
            let mut bound = f64::INFINITY;
            for empty in [false, true] {
                let at = Boxes::at(kind, empty);
                let (least, most) = (&n[at..at + BOX], &n[boxes.half + at..boxes.half + at + BOX]);
                if least[0].max(window.min) > most[0].min(top) {
                    continue;
                }
                let free = FreeRange {
                    lo: [least[1], least[2], least[3]],
                    hi: [most[1], most[2], most[3]],
                };
                bound = bound.min(policy.free_bound(&free, &needs[c], empty)?);
            }
            Some(bound)
        };
        // Queues node `i` of class `c` if a host in it might take the VM and win.
        let push = |heap: &mut BinaryHeap<Reverse<Visit>>, c: usize, i: usize| -> Option<()> {
            if let Some(ram) = ram_in_use {
                let boxes = &tree.boxes[c];
                if boxes.node(i)[boxes.half + boxes.room] < ram - MB_SLACK_ROOM {
                    return Some(());
                }
            }
            let top = window.max - need.mips / fit_mips(&classes[c], basis) + CPU_SLACK;
            let bound = if vector {
                by_free(c, i, top)?
            } else {
                by_cpu(c, i, top)?
            };
            if bound == f64::INFINITY {
                return Some(());
            }
            let first = tree.layout.first[c][i];
            heap.push(Reverse(Visit {
                bound,
                first,
                class: c as u32,
                node: i as u32,
            }));
            Some(())
        };
        for (c, hosts) in members.iter().enumerate() {
            // A class whose cores are too slow holds no candidate (as the scan judges).
            if !hosts.is_empty() && classes[c].runs_vcpu(need.vcpu_mips) {
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

/// Host `h`'s CPU utilisation (counted by `basis`) and free CPU, RAM and disk fractions, a
/// [`BOX`]'s values, exactly as a placement search scores them ([`Dimensions::of`]), and
/// whether it has nothing committed.
fn vector_values(hosts: Hosts<'_>, h: HostId, basis: FitBasis) -> ([f64; BOX], bool) {
    let host = &hosts.fleet.hosts[h];
    let class = &hosts.classes[host.class];
    let cpu_used = hosts.fleet.cpu_used(h, basis);
    let capacity = fit_mips(class, basis);
    let mut candidate = host.candidate(class, cpu_used, None, &class.power);
    candidate.cpu_capacity = capacity;
    let nothing = Need {
        mips: 0.0,
        ram_mb: 0.0,
        disk_mb: 0.0,
        net_mbps: 0.0,
        vcpu_mips: 0.0,
    };
    let free = Dimensions::of(&candidate, &nothing).free;
    (
        [cpu_used / capacity, free[0], free[1], free[2]],
        is_empty(&candidate),
    )
}

/// Bits per dimension of a leaf's place on the Z-order curve ([`z_key`]): three in a `u64`.
const Z_BITS: u32 = 21;

/// A host's place on a Z-order (Morton) curve through its free CPU, RAM and disk fractions, by
/// which the trees lay leaves out: each fraction, from -1 (over-committed) to 1 (all free),
/// cut into 2^21 steps, and their bits interleaved, CPU's highest. Hosts near each other on
/// the curve look alike, so a subtree (leaves in a row) holds a narrow box of free capacity.
/// `None`, a host the tree leaves empty: after every host.
fn z_key(free: Option<[f64; 3]>) -> u64 {
    let Some(free) = free else {
        return u64::MAX;
    };
    let (steps, top) = (f64::from(1u32 << Z_BITS), (1u64 << Z_BITS) - 1);
    // Spreads the low 21 bits of `x` two bits apart.
    let spread = |x: u64| {
        let mut x = x & 0x1f_ffff;
        x = (x | x << 32) & 0x001f_0000_0000_ffff;
        x = (x | x << 16) & 0x001f_0000_ff00_00ff;
        x = (x | x << 8) & 0x100f_00f0_0f00_f00f;
        x = (x | x << 4) & 0x10c3_0c30_c30c_30c3;
        (x | x << 2) & 0x1249_2492_4924_9249
    };
    free.iter().fold(0, |key, &v| {
        // The step below (in range by the clamp; all free is the last step).
        let step = ((((v + 1.0) / 2.0).clamp(0.0, 1.0) * steps) as u64).min(top);
        key << 1 | spread(step)
    })
}

/// What `need` asks of a host of `class`, CPU counted by `basis`, as fractions of its
/// capacities exactly as a placement search scores it ([`Dimensions::of`]).
fn need_fractions(class: &HostClass, basis: FitBasis, need: &Need) -> [f64; 3] {
    let nothing = crate::policy::placement::Candidate {
        cpu_capacity: fit_mips(class, basis),
        cpu_used: 0.0,
        baseline_w: None,
        ram_capacity: class.ram_limit_mb(),
        ram_used: 0.0,
        disk_capacity: class.disk_mb,
        disk_used: 0.0,
        power: &class.power,
    };
    Dimensions::of(&nothing, need).need
}

/// The VM sizes to keep apart: the distinct sizes, largest RAM first; beyond [`MAX_SIZES`],
/// evenly thinned, plus the least RAM, the least disk and the least network of any size,
/// which every VM covers.
fn kept_sizes(vm_sizes: &[Size]) -> Vec<Size> {
    let mut all: Vec<Size> = vm_sizes.to_vec();
    all.sort_by(|a, b| {
        (b.0.total_cmp(&a.0))
            .then(b.1.total_cmp(&a.1))
            .then(b.2.total_cmp(&a.2))
    });
    all.dedup();
    if all.len() <= MAX_SIZES {
        return all;
    }
    let room = MAX_SIZES - 1;
    let least = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let floor = all
        .iter()
        .fold(least, |m, s| (m.0.min(s.0), m.1.min(s.1), m.2.min(s.2)));
    (0..room)
        .map(|i| all[i * all.len() / room])
        .chain(std::iter::once(floor))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_keep_segments_and_sizes_apart() {
        // Two sizes: (0, 0) and one VM size; 2 x 10 values each.
        let mut nodes = Summaries::new(2, 4);
        assert_eq!(nodes.stride(), 40);
        // Leaf 2: 31 % with room for the VM size; leaf 3: 35 %, no room.
        let (l0, l1, m0, m1) = (nodes.least(0), nodes.least(1), nodes.most(0), nodes.most(1));
        let leaf = nodes.clear(2);
        leaf[l0 + 3] = down(0.31);
        leaf[m0 + 3] = up(0.31);
        leaf[l1 + 3] = down(0.31);
        leaf[m1 + 3] = up(0.31);
        let leaf = nodes.clear(3);
        leaf[l0 + 3] = down(0.35);
        leaf[m0 + 3] = up(0.35);
        nodes.merge(1);
        let root = nodes.node(1);
        let at = |v: usize| f64::from(root[v]);
        assert!(at(l0 + 3) <= 0.31 && at(m0 + 3) >= 0.35);
        assert!(at(l1 + 3) <= 0.31 && at(l1 + 3) > 0.3);
        assert!(at(m1 + 3) < 0.32, "the host with room is at 31 %");
        assert!(at(l0) > at(m0), "no host in the first segment");
        for v in [0.1, 0.3, 1.0 / 3.0, 12345.678, 0.0] {
            assert!(f64::from(down(v)) <= v && f64::from(up(v)) >= v, "{v}");
        }
    }

    proptest::proptest! {
        /// Random hosts (free CPU, RAM and disk fractions) written as leaves of a tree of
        /// boxes and merged up: every subtree's bound under each vector policy is at most the
        /// score of every host under it, and a leaf's is its host's score.
        #[test]
        fn a_subtree_bound_is_never_above_its_hosts_scores(
            frees in proptest::collection::vec(
                (-0.2f64..1.0, 0.0f64..1.0, 0.0f64..1.0), 1..9),
            need in (0.0f64..0.5, 0.0f64..0.5, 0.0f64..0.3),
        ) {
            use crate::policy::placement::{Cosine, DotProduct, L2Norm};
            let size = frees.len().next_power_of_two();
            let mut boxes = Boxes::new(1, 2 * size, true, false);
            let half = boxes.half;
            for (p, f) in frees.iter().enumerate() {
                let values = [1.0 - f.0, f.0, f.1, f.2];
                let out = boxes.clear(size + p);
                let at = Boxes::at(0, false);
                out[at..at + BOX].copy_from_slice(&values);
                out[half + at..half + at + BOX].copy_from_slice(&values);
            }
            for p in frees.len()..size {
                boxes.clear(size + p);
            }
            for i in (1..size).rev() {
                boxes.merge(i);
            }
            let need = [need.0, need.1, need.2];
            let policies: [&dyn Placement; 3] = [&DotProduct, &Cosine, &L2Norm];
            for policy in policies {
                for (p, f) in frees.iter().enumerate() {
                    let host = FreeRange { lo: [f.0, f.1, f.2], hi: [f.0, f.1, f.2] };
                    let score = policy.free_bound(&host, &need, false).unwrap();
                    let mut i = size + p;
                    while i >= 1 {
                        let n = boxes.node(i);
                        let at = Boxes::at(0, false);
                        let range = FreeRange {
                            lo: [n[at + 1], n[at + 2], n[at + 3]],
                            hi: [n[half + at + 1], n[half + at + 2], n[half + at + 3]],
                        };
                        let bound = policy.free_bound(&range, &need, false).unwrap();
                        proptest::prop_assert!(bound <= score, "node {}: {} above {}", i, bound, score);
                        if i == size + p {
                            proptest::prop_assert_eq!(bound, score);
                        }
                        i /= 2;
                    }
                }
            }
        }
    }

    /// Eight hosts, ids alternating between two groups, one with little free (CPU, RAM)
    /// about (0.1, 0.2), one with much about (0.8, 0.7): along the Z-order curve each group
    /// fills one half of the leaves, so each subtree of four holds one group; a host the tree
    /// leaves empty comes after every host.
    #[test]
    fn the_z_order_puts_hosts_that_look_alike_side_by_side() {
        let frees = [
            [0.1, 0.2, 0.0],
            [0.8, 0.7, 0.0],
            [0.12, 0.18, 0.0],
            [0.79, 0.72, 0.0],
            [0.09, 0.21, 0.0],
            [0.81, 0.69, 0.0],
            [0.11, 0.22, 0.0],
            [0.8, 0.71, 0.0],
        ];
        let mut leaves: Vec<(u64, HostId)> = frees
            .iter()
            .enumerate()
            .map(|(h, &f)| (z_key(Some(f)), h))
            .collect();
        leaves.sort_unstable();
        let mut left: Vec<HostId> = leaves[..4].iter().map(|&(_, h)| h).collect();
        left.sort_unstable();
        assert_eq!(left, vec![0, 2, 4, 6]);
        assert!(z_key(Some([1.0; 3])) < z_key(None));
        assert!(z_key(Some([2.0; 3])) < z_key(None), "clamped");
    }

    proptest::proptest! {
        /// A host with at least as much free of every dimension as another is never before
        /// it on the curve: the order agrees with every dimension's.
        #[test]
        fn more_free_capacity_is_never_earlier_on_the_z_order_curve(
            a in (-1.2f64..1.2, -1.2f64..1.2, -1.2f64..1.2),
            more in (0.0f64..1.0, 0.0f64..1.0, 0.0f64..1.0),
        ) {
            let low = [a.0, a.1, a.2];
            let high = [a.0 + more.0, a.1 + more.1, a.2 + more.2];
            proptest::prop_assert!(z_key(Some(low)) <= z_key(Some(high)));
        }
    }

    #[test]
    fn vms_are_judged_by_the_largest_kept_size_they_cover() {
        let kept = kept_sizes(&[
            (4000.0, 40.0, 0.0),
            (16000.0, 100.0, 0.0),
            (4000.0, 40.0, 0.0),
        ]);
        assert_eq!(kept, vec![(16000.0, 100.0, 0.0), (4000.0, 40.0, 0.0)]);
        let many: Vec<Size> = (1..=20)
            .map(|i| (f64::from(i) * 1000.0, 0.0, 0.0))
            .collect();
        let kept = kept_sizes(&many);
        assert_eq!(kept.len(), MAX_SIZES);
        assert_eq!(kept[0], (20000.0, 0.0, 0.0), "the largest is kept");
        assert_eq!(
            kept[MAX_SIZES - 1],
            (1000.0, 0.0, 0.0),
            "and the least, which all cover"
        );
        let index = PlacementIndex::new(&[0], 1, &many);
        let kept_for = |ram_mb: f64| {
            let need = Need {
                mips: 1.0,
                ram_mb,
                disk_mb: 0.0,
                net_mbps: 0.0,
                vcpu_mips: 0.0,
            };
            index.size_of(&need).map(|k| index.kept[k])
        };
        // 20 sizes thinned to 7 + the least: 20, 18, 15, 12, 9, 6, 3, 1 GB; 13 GB is judged
        // as 12 GB.
        assert_eq!(kept_for(13000.0), Some((12000.0, 0.0, 0.0)));
        assert_eq!(kept_for(1000.0), Some((1000.0, 0.0, 0.0)));
        assert_eq!(kept_for(20000.0), Some((20000.0, 0.0, 0.0)));
        assert_eq!(
            kept_for(500.0),
            None,
            "smaller than any size: the caller scans"
        );
    }
}
