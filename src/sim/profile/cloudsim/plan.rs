//! CloudSim's consolidation round, planned on a copy of the hosts' VM lists (nothing in the
//! simulation changes until the plan is carried out).
//!
//! 1. Every host is checked by the overload detector (utilisation = the demand of the VMs on
//!    its list over its capacity; history = the sum of their own histories).
//! 2. From each over-loaded host, in id order, the selection policy takes VMs (not those
//!    migrating) until the detector is satisfied.
//! 3. Those VMs, largest demand first, go to the host the placement policy scores best (in id
//!    order, first wins ties), among hosts not over-loaded that have a core fast enough for
//!    the VM and enough CPU not yet handed out, and that the detector does not find
//!    over-loaded with the VM added (unless they deliver no CPU at all). RAM is not checked.
//! 4. Then, repeatedly, the least-utilised host that carries load (by the utilisation measured
//!    at the update, below the under-load threshold; CloudSim's is 100 %) is tried: all the VMs on its list must find a place elsewhere (over-loaded
//!    hosts, hosts that carried no load and hosts already tried are excluded), or none moves.
//!    Hosts that received VMs in this step are not tried; those that received VMs in step 3
//!    are, and their new VMs are then planned again (as in CloudSim).
//!
//! The policies score with the power the host drew at the update as their baseline, since
//! CloudSim does not refresh it while planning.

use super::share::{Claim, Role};
use crate::policy::overload::{HISTORY_LEN, HostLoad, OverloadDetector};
use crate::policy::placement::{Candidate, Placement};
use crate::policy::selection::{VmCandidate, VmSelection};
use crate::sim::Simulation;
use crate::sim::setup::FitBasis;
use crate::sim::state::*;

/// CPU left and CPU delivered on a planned host.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// Not handed out, MIPS.
    available: f64,
    /// Delivered, counting arriving VMs at their full share, MIPS.
    used: f64,
}

/// What the detector reads of a host's planned list, summed once until the list changes
/// (adding a VM to these sums gives the bits of summing the list with the VM at its end).
#[derive(Debug, Clone, Copy)]
struct ListLoad {
    /// The members' demands summed in list order, MIPS.
    demand: f64,
    /// The members' histories over the host's capacity, summed in list order, newest last.
    history: [f64; HISTORY_LEN],
    /// Length of the longest member history.
    len: usize,
    /// Largest member RAM, MB.
    ram_mb: f64,
}

impl ListLoad {
    /// Whether both hold the same bits.
    fn same_bits(&self, other: &ListLoad) -> bool {
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
        self.len == other.len
            && same(self.demand, other.demand)
            && same(self.ram_mb, other.ram_mb)
            && self
                .history
                .iter()
                .zip(&other.history)
                .all(|(&a, &b)| same(a, b))
    }

    /// The sums of an empty list, as `Sum` starts (so that adding a demand later gives the
    /// bits of summing it last).
    const EMPTY: ListLoad = ListLoad {
        demand: -0.0,
        history: [0.0; HISTORY_LEN],
        len: 0,
        ram_mb: 0.0,
    };
}

/// Adds VM `vm`'s demand, history (times `scale`, one over the host's capacity) and RAM to
/// `l`, the sums over a host's list.
fn add_to(sim: &Simulation, scale: f64, l: &mut ListLoad, vm: VmId) {
    l.demand += sim.fleet.vms[vm].demand_mips;
    if sim.fleet.history.keep() > 0 {
        let n = sim.fleet.history.add_into(vm, &mut l.history, scale);
        l.len = l.len.max(n);
    }
    l.ram_mb = l
        .ram_mb
        .max(sim.setup.vm_types[sim.fleet.vms[vm].vm_type].ram_mb);
}

/// Whether `detector` finds host `h` (of `capacity` MIPS) over-loaded with the sums `l`.
fn judge(
    sim: &Simulation,
    detector: &dyn OverloadDetector,
    h: HostId,
    capacity: f64,
    l: &ListLoad,
) -> bool {
    let history = &l.history[HISTORY_LEN - l.len..];
    ask(sim, detector, h, l.demand / capacity, history, l.ram_mb)
}

/// [`judge`] of the sums `l` with VM `vm` added at the end of the list (the same bits as
/// [`add_to`] then [`judge`], copying only the history values the sums hold).
fn judge_with(
    sim: &Simulation,
    detector: &dyn OverloadDetector,
    h: HostId,
    capacity: f64,
    l: &ListLoad,
    vm: VmId,
) -> bool {
    let utilisation = (l.demand + sim.fleet.vms[vm].demand_mips) / capacity;
    let ram_mb = l
        .ram_mb
        .max(sim.setup.vm_types[sim.fleet.vms[vm].vm_type].ram_mb);
    if sim.fleet.history.keep() == 0 {
        return ask(sim, detector, h, utilisation, &[], ram_mb);
    }
    let mut history = [0.0; HISTORY_LEN];
    let len = l.len.max(sim.fleet.history.len(vm).min(HISTORY_LEN));
    let tail = HISTORY_LEN - len;
    history[tail..].copy_from_slice(&l.history[tail..]);
    sim.fleet.history.add_into(vm, &mut history, 1.0 / capacity);
    ask(sim, detector, h, utilisation, &history[tail..], ram_mb)
}

/// Whether `detector` finds host `h` over-loaded at `utilisation` with `history`, predicting
/// as far ahead as migrating `ram_mb` takes (without histories, one interval and no history).
fn ask(
    sim: &Simulation,
    detector: &dyn OverloadDetector,
    h: HostId,
    utilisation: f64,
    history: &[f64],
    ram_mb: f64,
) -> bool {
    if sim.fleet.history.keep() == 0 {
        return detector.is_overloaded(&HostLoad::new(utilisation, &[]));
    }
    detector.is_overloaded(&HostLoad {
        utilisation,
        history,
        horizon: sim.fleet.horizon(sim.setup, h, ram_mb),
    })
}

/// A host's VM list as CloudSim keeps it: residents in arrival order, then arriving VMs.
pub(crate) type HostList = Vec<(VmId, Role)>;

/// A consolidation round being planned.
pub(crate) struct Planner<'s, 'a> {
    sim: &'s Simulation<'a>,
    /// Each host's VM list.
    lists: Vec<HostList>,
    fits: Vec<Option<Fit>>,
    loads: Vec<Option<ListLoad>>,
    /// CPU each host delivered at the update (its power baseline), MIPS.
    measured: Vec<f64>,
    /// Speed of one core of each host, MIPS (a vCPU never gets more).
    cores: Vec<f64>,
    /// Each host as the placement policy sees it, its CPU used set from its fit when scored:
    /// its baseline is the draw at its measured load, fixed for the round, as in PABFD.
    candidates: Vec<Candidate<'s>>,
    /// Per host, the first host that looks the same to a search before anything is planned
    /// (same core speed and candidate): found among the hosts with no measured load, the
    /// others being their own.
    looks: Vec<HostId>,
    /// Whether another host has the same look.
    shares_look: Vec<bool>,
    claims: Vec<Claim>,
    shares: Vec<f64>,
    series: Vec<Vec<f64>>,
    /// Per host class, whether the detector finds a host with an empty list over-loaded.
    empty_verdicts: Vec<Option<bool>>,
    /// A search's eligible hosts with their scores and fits, in visiting order.
    scored: Vec<(HostId, f64, Fit)>,
}

impl<'s, 'a> Planner<'s, 'a> {
    /// A planner over the simulation's current hosts; `lists` is what the last round's
    /// [`Self::plan`] handed back (its buffers are reused; empty at first).
    pub(crate) fn new(sim: &'s Simulation<'a>, mut lists: Vec<HostList>) -> Self {
        lists.resize_with(sim.fleet.hosts.len(), Vec::new);
        for (h, (host, list)) in sim.fleet.hosts.iter().zip(&mut lists).enumerate() {
            list.clear();
            list.extend(host.vms.iter().map(|&vm| match sim.fleet.vms[vm].state {
                VmState::Migrating(m) if sim.fleet.migrations[m].source == h => (vm, Role::Leaving),
                _ => (vm, Role::Resident),
            }));
            list.extend(
                host.migrations
                    .iter()
                    .filter(|&&m| sim.fleet.migrations[m].destination == h)
                    .map(|&m| (sim.fleet.migrations[m].vm, Role::Arriving)),
            );
        }
        let measured = match sim.profile.cloudsim() {
            Some(cs) => cs.allocated().collect(),
            None => vec![0.0; sim.fleet.hosts.len()],
        };
        let candidates: Vec<Candidate> = (0..sim.fleet.hosts.len())
            .map(|h| candidate(sim, h, measured[h]))
            .collect();
        let cores: Vec<f64> = (0..sim.fleet.hosts.len())
            .map(|h| sim.scheduler(h).core)
            .collect();
        let looks = looks(&candidates, &cores, &measured);
        let mut shares_look = vec![false; looks.len()];
        for (h, &first) in looks.iter().enumerate() {
            if first != h {
                shares_look[h] = true;
                shares_look[first] = true;
            }
        }
        Planner {
            sim,
            lists,
            fits: vec![None; sim.fleet.hosts.len()],
            loads: vec![None; sim.fleet.hosts.len()],
            measured,
            cores,
            candidates,
            looks,
            shares_look,
            claims: Vec::new(),
            shares: Vec::new(),
            series: Vec::new(),
            empty_verdicts: vec![None; sim.setup.host_classes.len()],
            scored: Vec::new(),
        }
    }

    fn capacity(&self, h: HostId) -> f64 {
        self.sim.setup.host_classes[self.sim.fleet.hosts[h].class].mips
    }

    fn migrating(&self, vm: VmId) -> bool {
        matches!(self.sim.fleet.vms[vm].state, VmState::Migrating(_))
    }

    fn demand(&self, vm: VmId) -> f64 {
        self.sim.fleet.vms[vm].demand_mips
    }

    fn remove(&mut self, h: HostId, vm: VmId) {
        if let Some(i) = self.lists[h].iter().position(|&(v, _)| v == vm) {
            self.lists[h].remove(i);
        }
        self.fits[h] = None;
        self.loads[h] = None;
    }

    fn add(&mut self, h: HostId, vm: VmId) {
        self.lists[h].push((vm, Role::Resident));
        self.fits[h] = None;
        // The VM joins at the end of the list: adding it to the sums gives their bits anew.
        let (sim, scale) = (self.sim, 1.0 / self.capacity(h));
        if let Some(l) = self.loads[h].as_mut() {
            add_to(sim, scale, l, vm);
            debug_assert!(
                self.loads[h].is_some_and(|l| l.same_bits(&self.summed(h))),
                "host {h}: sums after adding VM {vm}"
            );
        }
    }

    /// CPU left and delivered on host `h` with its planned list.
    #[inline]
    fn fit(&mut self, h: HostId) -> Fit {
        match self.fits[h] {
            Some(f) => f,
            None => self.fit_anew(h),
        }
    }

    /// [`Self::fit`] when the list changed since it was last shared out.
    #[inline(never)]
    fn fit_anew(&mut self, h: HostId) -> Fit {
        let sim = self.sim;
        self.claims.clear();
        self.claims
            .extend(self.lists[h].iter().map(|&(vm, role)| Claim {
                requested: sim.fleet.vms[vm].demand_mips,
                vcpus: sim.setup.vm_types[sim.fleet.vms[vm].vm_type].vcpus,
                role,
            }));
        let sched = sim.scheduler(h);
        let totals = sched.share(&self.claims, &mut self.shares);
        let mut used = 0.0;
        for (c, &a) in self.claims.iter().zip(&self.shares) {
            if c.role == Role::Arriving {
                used += a * sched.keep / sched.arrive;
            }
            used += a;
        }
        let f = Fit {
            available: totals.available,
            used,
        };
        self.fits[h] = Some(f);
        f
    }

    /// The sums the detector reads over host `h`'s planned list (summed in place when the
    /// list changed).
    fn load(&mut self, h: HostId) -> &ListLoad {
        let (sim, scale) = (self.sim, 1.0 / self.capacity(h));
        if self.loads[h].is_none() {
            let l = self.loads[h].insert(ListLoad::EMPTY);
            for &(vm, _) in &self.lists[h] {
                add_to(sim, scale, l, vm);
            }
        }
        self.loads[h].as_ref().expect("summed above")
    }

    /// [`Self::load`] summed afresh (for checks).
    fn summed(&self, h: HostId) -> ListLoad {
        let mut l = ListLoad::EMPTY;
        for &(vm, _) in &self.lists[h] {
            add_to(self.sim, 1.0 / self.capacity(h), &mut l, vm);
        }
        l
    }

    /// Whether `detector` finds host `h` over-loaded with its planned list (plus `extra`).
    fn overloaded(
        &mut self,
        detector: &dyn OverloadDetector,
        h: HostId,
        extra: Option<VmId>,
    ) -> bool {
        let capacity = self.capacity(h);
        let sim = self.sim;
        if extra.is_none() && self.lists[h].is_empty() {
            // The detector's view of an empty list depends on the host's class alone (no
            // demand, no history, the horizon of no RAM): asked once per class and round.
            let class = sim.fleet.hosts[h].class;
            return *self.empty_verdicts[class]
                .get_or_insert_with(|| judge(sim, detector, h, capacity, &ListLoad::EMPTY));
        }
        let l = self.load(h);
        match extra {
            Some(vm) => judge_with(sim, detector, h, capacity, l, vm),
            None => judge(sim, detector, h, capacity, l),
        }
    }

    /// The VMs on host `h`'s planned list that are not migrating, in list order: those a
    /// round may move.
    fn movable(&self, h: HostId) -> Vec<VmId> {
        let mut vms = Vec::with_capacity(self.lists[h].len());
        vms.extend(
            self.lists[h]
                .iter()
                .map(|&(vm, _)| vm)
                .filter(|&vm| !self.migrating(vm)),
        );
        vms
    }

    /// The VM `selection` takes off host `h` next (VMs migrating are not candidates).
    fn select(&mut self, selection: &mut dyn VmSelection, h: HostId) -> Option<VmId> {
        let sim = self.sim;
        let pool = self.movable(h);
        let wants_history = selection.history_len() > 0;
        if wants_history {
            self.series.resize_with(pool.len(), Vec::new);
            for (s, &vm) in self.series.iter_mut().zip(&pool) {
                sim.fleet.history.copy_into(vm, s);
            }
        }
        let candidates: Vec<VmCandidate> = pool
            .iter()
            .enumerate()
            .map(|(i, &vm)| {
                let t = &sim.setup.vm_types[sim.fleet.vms[vm].vm_type];
                VmCandidate {
                    ram_mb: t.ram_mb,
                    demand_mips: sim.fleet.vms[vm].demand_mips,
                    size_mips: t.mips,
                    history: if wants_history { &self.series[i] } else { &[] },
                }
            })
            .collect();
        selection.select(&candidates).map(|i| pool[i])
    }

    /// The host `placement` scores best for `vm` among the `open` hosts (in id order; see
    /// [`Self::without_twins`] for the hosts that can be left out).
    fn find(
        &mut self,
        detector: &dyn OverloadDetector,
        placement: &dyn Placement,
        vm: VmId,
        open: &[HostId],
    ) -> Option<HostId> {
        let need = self.sim.need(vm, FitBasis::Demand);
        let per_vcpu = need.vcpu_mips;
        let takes_first = placement.takes_first();
        // Every host is scored first, then the best is picked: no branch waits on a score
        // while the next ones are worked out (a PABFD score is a chain of a division and an
        // interpolation), and the detector is asked in the same order as before.
        let mut scored = std::mem::take(&mut self.scored);
        scored.clear();
        for &h in open {
            if per_vcpu > self.cores[h] {
                continue;
            }
            let fit = self.fit(h);
            if fit.available < need.mips {
                continue;
            }
            if takes_first {
                if self.accepts(detector, h, fit, vm) {
                    self.scored = scored;
                    return Some(h);
                }
                continue;
            }
            let candidate = &mut self.candidates[h];
            candidate.cpu_used = fit.used;
            scored.push((h, placement.score(candidate, &need), fit));
        }
        let mut best: Option<(HostId, f64)> = None;
        for &(h, score, fit) in &scored {
            if best.is_none_or(|(_, b)| score < b) && self.accepts(detector, h, fit, vm) {
                best = Some((h, score));
            }
        }
        self.scored = scored;
        best.map(|(h, _)| h)
    }

    /// `hosts` (in id order) without the hosts that have a twin delivering nothing earlier in
    /// the list: such a twin passes the same checks and takes the VM without asking the
    /// detector whenever it scores best, so once it has been scored the best score is at or
    /// below the score of each later twin, which cannot win under the strict `<`. (Many empty
    /// hosts of a class are such twins; a search then scores one of them.)
    fn without_twins(&mut self, hosts: &[HostId]) -> Vec<HostId> {
        let mut idle: Vec<HostId> = Vec::new();
        let mut kept = Vec::with_capacity(hosts.len());
        for &h in hosts {
            if self.shares_look[h] && self.fit(h).used == 0.0 {
                if idle.iter().any(|&r| self.twins(r, h)) {
                    continue;
                }
                idle.push(h);
            }
            kept.push(h);
        }
        kept
    }

    /// After idle host `dst` (fitted `was`), kept in `visit` = `without_twins(hosts)`,
    /// received a VM: adds to `visit` the first of the twins it hid, the first later host of
    /// `hosts` with its look and fit (any other twin of that one lies behind it too), so that
    /// `visit` is again `without_twins(hosts)`.
    fn reveal_twin(&mut self, hosts: &[HostId], visit: &mut Vec<HostId>, dst: HostId, was: Fit) {
        let start = hosts.partition_point(|&h| h <= dst);
        for &h in &hosts[start..] {
            if self.looks[h] != self.looks[dst] {
                continue;
            }
            let fit = self.fit(h);
            if fit.used.to_bits() == was.used.to_bits()
                && fit.available.to_bits() == was.available.to_bits()
            {
                if let Err(i) = visit.binary_search(&h) {
                    visit.insert(i, h);
                }
                return;
            }
        }
    }

    /// Whether hosts `a` and `b` (both fitted) look the same to a search: the same look and
    /// the same fit, bit for bit, so that any policy scores them the same. Many empty hosts
    /// of a class are such twins.
    fn twins(&self, a: HostId, b: HostId) -> bool {
        let (Some(fa), Some(fb)) = (self.fits[a], self.fits[b]) else {
            return false;
        };
        self.looks[a] == self.looks[b]
            && fa.available.to_bits() == fb.available.to_bits()
            && fa.used.to_bits() == fb.used.to_bits()
    }

    /// Whether host `h` (with `fit`) may take `vm`: the detector must not find it over-loaded
    /// with the VM added, unless it delivers nothing (then the detector is not asked).
    fn accepts(&mut self, detector: &dyn OverloadDetector, h: HostId, fit: Fit, vm: VmId) -> bool {
        fit.used == 0.0 || !self.overloaded(detector, h, Some(vm))
    }

    /// Sorts `vms` by demand, largest first, keeping the order of equal demands.
    fn by_demand(&self, vms: &mut [VmId]) {
        vms.sort_by(|&a, &b| self.demand(b).total_cmp(&self.demand(a)));
    }

    /// Plans one round: the migrations to start, in order (a VM may appear twice, as in
    /// CloudSim, when a host that received it is then evacuated), and the list buffers for
    /// the next round's planner.
    pub(crate) fn plan(
        mut self,
        detector: &dyn OverloadDetector,
        selection: &mut dyn VmSelection,
        placement: &dyn Placement,
        underload: f64,
    ) -> (Vec<(VmId, HostId)>, Vec<HostList>) {
        let n = self.lists.len();
        let over: Vec<bool> = (0..n).map(|h| self.overloaded(detector, h, None)).collect();
        let mut to_move = Vec::new();
        for h in (0..n).filter(|&h| over[h]) {
            while let Some(vm) = self.select(selection, h) {
                to_move.push(vm);
                self.remove(h, vm);
                if !self.overloaded(detector, h, None) {
                    break;
                }
            }
        }
        self.by_demand(&mut to_move);
        let not_over = hosts_where(n, |h| !over[h]);
        let mut visit = self.without_twins(&not_over);
        let mut map = Vec::new();
        for vm in to_move {
            if let Some(dst) = self.find(detector, placement, vm, &visit) {
                let was = self.fit(dst);
                self.add(dst, vm);
                map.push((vm, dst));
                if self.shares_look[dst] && was.used == 0.0 {
                    self.reveal_twin(&not_over, &mut visit, dst, was);
                    debug_assert_eq!(visit, self.without_twins(&not_over));
                }
            }
        }

        // Under-loaded hosts, least utilised first.
        let measured: Vec<f64> = (0..n)
            .map(|h| super::utilisation(self.measured[h], self.capacity(h)))
            .collect();
        let mut tried: Vec<bool> = (0..n).map(|h| over[h] || measured[h] == 0.0).collect();
        // Hosts that may receive VMs: not over-loaded, carrying load, not tried as a source.
        // Having measured load, each is its own look: none has a twin to leave out.
        let mut open = hosts_where(n, |h| !tried[h]);
        // CloudSim tries every host below 100 %; `underload` lowers that bar (0: never).
        let limit = underload.min(1.0);
        // The hosts that may be tried, least utilised first (ties in id order, as a scan in id
        // order keeping only a strictly lower value picks them). Measured loads do not change
        // while planning, so one sort serves the round; a host once tried stays tried.
        let mut order = hosts_where(n, |h| !tried[h] && measured[h] > 0.0 && measured[h] < limit);
        order.sort_by(|&a, &b| measured[a].total_cmp(&measured[b]));
        let mut first = 0;
        loop {
            while first < order.len() && tried[order[first]] {
                first += 1;
            }
            let pick = order[first..]
                .iter()
                .copied()
                .find(|&h| !tried[h] && !self.draining(h));
            let Some(src) = pick else {
                break;
            };
            tried[src] = true;
            if let Ok(i) = open.binary_search(&src) {
                open.remove(i);
            }
            let mut vms = self.movable(src);
            if vms.is_empty() {
                continue;
            }
            self.by_demand(&mut vms);
            let mut moves: Vec<(VmId, HostId)> = Vec::new();
            for &vm in &vms {
                match self.find(detector, placement, vm, &open) {
                    Some(dst) => {
                        self.add(dst, vm);
                        moves.push((vm, dst));
                    }
                    None => {
                        for &(v, d) in &moves {
                            self.remove(d, v);
                        }
                        moves.clear();
                        break;
                    }
                }
            }
            for &(_, dst) in &moves {
                tried[dst] = true;
            }
            map.extend(moves);
        }
        (map, self.lists)
    }

    /// Whether every VM on host `h`'s list is migrating, or one is arriving (CloudSim does not
    /// evacuate such a host).
    fn draining(&self, h: HostId) -> bool {
        for &(vm, role) in &self.lists[h] {
            if !self.migrating(vm) {
                return false;
            }
            if role == Role::Arriving {
                return true;
            }
        }
        true
    }
}

/// The hosts `0..n` that `keep`, in id order (collected into room for all of them: a round's
/// lists would otherwise grow by reallocation).
fn hosts_where(n: usize, keep: impl Fn(HostId) -> bool) -> Vec<HostId> {
    let mut hosts = Vec::with_capacity(n);
    hosts.extend((0..n).filter(|&h| keep(h)));
    hosts
}

/// Per host, the first host with the same core speed and candidate, bit for bit and with the
/// same power model, among the hosts with no `measured` load (few looks: typically one per
/// class); a host with load is its own look.
fn looks(candidates: &[Candidate], cores: &[f64], measured: &[f64]) -> Vec<HostId> {
    let same = |x: f64, y: f64| x.to_bits() == y.to_bits();
    let alike = |a: HostId, b: HostId| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        same(cores[a], cores[b])
            && same(ca.cpu_capacity, cb.cpu_capacity)
            && same(ca.cpu_used, cb.cpu_used)
            && ca.baseline_w.map(f64::to_bits) == cb.baseline_w.map(f64::to_bits)
            && same(ca.ram_capacity, cb.ram_capacity)
            && same(ca.ram_used, cb.ram_used)
            && same(ca.disk_capacity, cb.disk_capacity)
            && same(ca.disk_used, cb.disk_used)
            && std::ptr::eq(ca.power, cb.power)
    };
    let mut firsts: Vec<HostId> = Vec::new();
    (0..candidates.len())
        .map(|h| {
            if measured[h] != 0.0 {
                return h;
            }
            match firsts.iter().find(|&&r| alike(r, h)) {
                Some(&r) => r,
                None => {
                    firsts.push(h);
                    h
                }
            }
        })
        .collect()
}

/// Host `h` as a placement policy sees it in a round, with no CPU used yet: its baseline is
/// its draw at the CPU it delivered at the update (`measured`, MIPS).
fn candidate<'s>(sim: &'s Simulation<'_>, h: HostId, measured: f64) -> Candidate<'s> {
    let host = &sim.fleet.hosts[h];
    let class = &sim.setup.host_classes[host.class];
    let power = match sim.profile.cloudsim() {
        Some(cs) => cs.power(host.class),
        None => &class.power,
    };
    // The draw at no load is the idle draw, bit for bit (see `PowerModel::idle_w`).
    let baseline = if measured == 0.0 {
        power.idle_w()
    } else {
        power.watts(measured / class.mips)
    };
    host.candidate(class, 0.0, Some(baseline), power)
}
