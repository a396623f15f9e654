//! The realistic model's consolidation round: VMs selected off over-loaded hosts and placed
//! elsewhere (on hosts that are on, else on ones booting or going down), then under-loaded
//! hosts evacuated whose VMs all fit on busier ones. The migrations are planned at once.

use super::calm::{OffRoom, evacuation_refused};
use super::racks::rack_ranks;
use crate::model::host::{HostClass, PowerState};
use crate::policy::placement::Need;
use crate::policy::power;
use crate::policy::selection::{VmCandidate, VmSelection};
use crate::sim::calm::Calm;
use crate::sim::fleet::Fleet;
use crate::sim::fleet::admission::Admission;
use crate::sim::fleet::dimensions::MEMORY_CEILING;
use crate::sim::fleet::placement_index::{Search, Window};
use crate::sim::fleet::rules::summed;
use crate::sim::setup::FitBasis;
use crate::sim::setup::Setup;
use crate::sim::state::*;
use crate::sim::{Consolidation, Simulation};

impl Simulation<'_> {
    /// One consolidation round with the run's policies `c` and `selection`; returns what
    /// could not be moved off over-loaded hosts.
    pub(in crate::sim) fn consolidate(
        &mut self,
        c: &Consolidation,
        selection: &mut dyn VmSelection,
    ) -> power::Need {
        self.fleet.history.record(&self.fleet.vms);
        let now = self.clock.now;
        self.policies.calm.start_tick(now, self.setup.warmup);
        let in_window = Calm::window_open(&self.setup.calm, now);
        let relief_open = in_window || self.setup.calm.relief_outside_window;
        let detector = c.detector.as_ref();
        let (fleet, setup) = (&self.fleet, self.setup);
        // With every dimension judged, RAM or disk committed above capacity over-loads a host
        // too.
        let memory_over = |h: HostId, ram_mb: f64, disk_mb: f64| {
            c.all_dimensions && fleet.memory_load(setup, h, ram_mb, disk_mb) > MEMORY_CEILING
        };
        let overloaded: Vec<bool> = (0..fleet.hosts.len())
            .map(|h| {
                let u = fleet.utilisation(&setup.host_classes, h);
                fleet.hosts[h].state == PowerState::On
                    && (fleet.is_overloaded(setup, detector, h, u, std::iter::empty(), &[])
                        || memory_over(h, 0.0, 0.0)
                        || fleet.under_memory_pressure(h))
            })
            .collect();
        // Over-loaded hosts take no VM this round: placement searches skip them in bulk.
        for h in (0..overloaded.len()).filter(|&h| overloaded[h]) {
            self.index.bar(h);
        }

        // 1. Select VMs off over-loaded hosts until each is no longer over-loaded.
        let mut to_move: Vec<VmId> = Vec::new();
        let wants_history = selection.history_len() > 0;
        let mut series: Vec<Vec<f64>> = Vec::new();
        for h in (0..self.fleet.hosts.len()).filter(|&h| overloaded[h]) {
            let capacity = self.setup.host_classes[self.fleet.hosts[h].class].mips;
            let mut pool: Vec<VmId> = self.fleet.hosts[h]
                .vms
                .iter()
                .copied()
                .filter(|&vm| self.fleet.vms[vm].state == VmState::Running(h))
                .collect();
            let mut committed = self.fleet.hosts[h].committed_mips;
            let (mut ram_off, mut disk_off) = (0.0, 0.0);
            let mut ram_freed = 0.0;
            let first = to_move.len();
            while !pool.is_empty() {
                if wants_history {
                    series.resize_with(pool.len(), Vec::new);
                    for (s, &vm) in series.iter_mut().zip(&pool) {
                        self.fleet.history.copy_into(vm, s);
                    }
                }
                let candidates: Vec<VmCandidate> = pool
                    .iter()
                    .enumerate()
                    .map(|(i, &vm)| {
                        let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
                        VmCandidate {
                            ram_mb: t.ram_mb,
                            demand_mips: self.fleet.vms[vm].demand_mips,
                            size_mips: t.mips,
                            history: if wants_history { &series[i] } else { &[] },
                        }
                    })
                    .collect();
                let Some(i) = selection.select(&candidates) else {
                    break;
                };
                let vm = pool.remove(i);
                // A keep-together VM leaves with its group's members on the host, as one, and
                // stays while one of them is still arriving.
                let Some(gang) = self.fleet.moving_with(vm, h) else {
                    continue;
                };
                if gang.len() > 1 {
                    pool.retain(|v| !gang.contains(v));
                }
                // A VM the budgets keep still is passed over for the next candidate.
                if relief_open && self.policies.calm.vm_held(&self.setup.calm, &gang, now) {
                    continue;
                }
                for vm in gang {
                    committed -= self.fleet.vms[vm].demand_mips;
                    let t = &self.setup.vm_types[self.fleet.vms[vm].vm_type];
                    ram_off -= t.ram_mb;
                    disk_off -= t.disk_mb;
                    ram_freed += self.fleet.vms[vm].ram_demand_mb;
                    to_move.push(vm);
                }
                let u = committed / capacity;
                let minus = &to_move[first..];
                let (fleet, setup) = (&self.fleet, self.setup);
                let memory_over = c.all_dimensions
                    && fleet.memory_load(setup, h, ram_off, disk_off) > MEMORY_CEILING;
                if !memory_over
                    && !fleet.is_overloaded(setup, detector, h, u, std::iter::empty(), minus)
                    && fleet.has_memory_for(&setup.host_classes, h, -ram_freed)
                {
                    break;
                }
            }
        }

        // 2. Place them elsewhere, largest demand first if the policy says so: on a host that
        // is on; failing that, on one still booting or going down (the copy waits for it).
        if c.placement.decreasing() {
            to_move.sort_by(|&a, &b| {
                self.fleet.vms[b]
                    .demand_mips
                    .total_cmp(&self.fleet.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
        }
        let most = c.most();
        let admission = c.admission(self.setup, true);
        let mut unplaced = power::Need::default();
        // Keep-together members already moved (or refused) with the first of their group.
        let mut with_group: Vec<VmId> = Vec::new();
        for vm in to_move {
            if with_group.contains(&vm) {
                continue;
            }
            let VmState::Running(src) = self.fleet.vms[vm].state else {
                continue;
            };
            let Some(gang) = self.fleet.moving_with(vm, src) else {
                continue;
            };
            if gang.len() > 1 {
                with_group.extend(&gang);
            }
            if self
                .policies
                .calm
                .relief_refused(&self.setup.calm, relief_open, gang.len())
            {
                continue;
            }
            let (need, search_vm, ram_in_use) = self.gang_need(&gang);
            let others = &gang[1..];
            let mut found = None;
            for state in [
                PowerState::On,
                PowerState::Booting,
                PowerState::ShuttingDown,
            ] {
                let search = Search {
                    need: &need,
                    basis: FitBasis::Demand,
                    policy: c.placement.as_ref(),
                    state,
                    window: Window {
                        min: f64::NEG_INFINITY,
                        max: most,
                    },
                    vm: search_vm,
                    ram_in_use: Some(ram_in_use),
                };
                let fleet = &self.fleet;
                found = fleet.find_host(
                    &self.setup.host_classes,
                    &mut self.index,
                    &search,
                    &|h| overloaded[h],
                    &|h, u| {
                        fleet.class_allows(vm, h)
                            && fleet.admits(&admission, h, u, vm, &need, others.iter().copied())
                    },
                );
                if found.is_some() {
                    break;
                }
            }
            match found {
                Some(dst) => {
                    for vm in gang {
                        self.plan_calm_move(vm, dst, in_window);
                    }
                }
                // No host that is on or coming up has room: power management must boot one
                // for it, whatever the fleet-wide head-room says (its RAM or CPU may be free
                // only in pieces too small for it).
                None => {
                    unplaced.mips += need.mips;
                    unplaced.ram_mb += need.ram_mb;
                    unplaced.stranded_mips += need.mips;
                    unplaced.stranded_ram_mb += need.ram_mb;
                    unplaced.stranded_vcpu_mips = unplaced.stranded_vcpu_mips.max(need.vcpu_mips);
                }
            }
        }

        // 3. Evacuate under-loaded hosts whose VMs all fit elsewhere.
        if c.underload_threshold > 0.0 {
            self.evacuate_underloaded(c, &overloaded, in_window);
        }
        self.index.lift_bars();
        unplaced
    }

    /// Empties under-loaded hosts whose VMs all fit on busier ones, unless `[policy.calm]`
    /// refuses (asked before any destination is searched: searching only to count a refusal
    /// cost the flagship most of its run time). It bars its sources from placement searches;
    /// [`Self::consolidate`], its caller, lifts the round's bars.
    fn evacuate_underloaded(&mut self, c: &Consolidation, overloaded: &[bool], in_window: bool) {
        let mut sources: Vec<(f64, HostId)> = (0..self.fleet.hosts.len())
            .filter(|&h| {
                let host = &self.fleet.hosts[h];
                host.state == PowerState::On
                    && !overloaded[h]
                    && !host.vms.is_empty()
                    && host.migrations.is_empty()
            })
            .map(|h| (c.load(&self.fleet, self.setup, h), h))
            .filter(|&(u, _)| u < c.underload_threshold)
            .collect();
        // With `racks.prefer_empty`, the least-used racks are evacuated first, into racks
        // evacuated later (or the same rack) when one can take the VM.
        let rank = rack_ranks(&self.fleet, self.setup);
        let rank_of = |h: HostId| {
            rank.as_ref()
                .zip(self.setup.racks.as_ref())
                .map_or(0, |(rank, racks)| rank[racks.map.rack_of(h)])
        };
        // Within a rack, the hosts whose power-off saves most for the room it takes first
        // ([`saving_per_share`]: the least efficient class, as DPM switches off), then the
        // least utilised.
        let mut room = OffRoom::new(&self.fleet, self.setup, self.policies.power.as_ref());
        let mix = (self.policies.evacuation_mix).update(self.clock.now, room.need());
        let per_class: Vec<f64> = (self.setup.host_classes.iter())
            .map(|class| saving_per_share(class, mix))
            .collect();
        let saves = |h: HostId| per_class[self.fleet.hosts[h].class];
        sources.sort_by(|a, b| {
            rank_of(a.1)
                .cmp(&rank_of(b.1))
                .then(saves(b.1).total_cmp(&saves(a.1)))
                .then(a.0.total_cmp(&b.0))
                .then(a.1.cmp(&b.1))
        });
        // A source is not a destination, and a destination is not evacuated, this round.
        let mut is_source = vec![false; self.fleet.hosts.len()];
        let mut is_destination = vec![false; self.fleet.hosts.len()];
        let most = c.most();
        let admission = c.admission(self.setup, true);
        let mut failures = 0;
        let classes = &self.setup.host_classes;
        for (u_src, src) in sources {
            if c.evacuation_failures > 0 && failures >= c.evacuation_failures {
                break;
            }
            if is_destination[src] {
                continue;
            }
            is_source[src] = true;
            self.index.bar(src);
            let class = &self.setup.host_classes[self.fleet.hosts[src].class];
            let vms = &self.fleet.hosts[src].vms;
            let (calm, now) = (&self.setup.calm, self.clock.now);
            let state = &mut self.policies.calm;
            if evacuation_refused(state, calm, now, vms, class, in_window, &room) {
                continue;
            }
            let mut vms = self.fleet.hosts[src].vms.clone();
            vms.sort_by(|&a, &b| {
                self.fleet.vms[b]
                    .demand_mips
                    .total_cmp(&self.fleet.vms[a].demand_mips)
                    .then(a.cmp(&b))
            });
            // An empty host gains nothing as a destination unless it runs the VMs on less
            // power than the source (its class's full-load watts per MIPS, the order power
            // management boots in): otherwise the VMs only swap hosts, and back again at the
            // next tick when both are idle.
            let src_efficiency = classes[self.fleet.hosts[src].class].watts_per_mips();
            // With a class that saves less when off, the window cannot bound the search: its
            // hosts take the VMs whatever their load ([`Consolidation::moves_up`]).
            let src_saves = per_class[self.fleet.hosts[src].class];
            let upward = per_class.iter().any(|&k| k < src_saves);
            let mut plan: Vec<(VmId, HostId)> = Vec::new();
            for &vm in &vms {
                // Keep-together members go where the first of their group went.
                // A source has no migration in flight, so none of its groups is arriving.
                let gang = self.fleet.moving_with(vm, src);
                debug_assert!(
                    gang.is_some(),
                    "evacuation source {src} has a group arriving"
                );
                let Some(gang) = gang else {
                    break;
                };
                if gang.len() > 1 && plan.iter().any(|p| p.0 == vm) {
                    continue;
                }
                let (need, search_vm, ram_in_use) = self.gang_need(&gang);
                let others = &gang[1..];
                // Only towards busier hosts (the window's floor, on CPU; on the fullest
                // dimension with every dimension judged): no ping-pong between two lightly
                // loaded hosts. Preferring empty racks, a host in a rack evacuated later (or
                // the source's) first, failing that any.
                let mut found = None;
                for racks_first in [rank.is_some(), false] {
                    let excluded = |h: HostId| {
                        overloaded[h]
                            || is_source[h]
                            || (self.fleet.hosts[h].empty_since.is_some()
                                && classes[self.fleet.hosts[h].class].watts_per_mips()
                                    >= src_efficiency)
                            || (racks_first && rank_of(h) < rank_of(src))
                            || !c.moves_up(&self.fleet, self.setup, &per_class, (src, u_src), h)
                    };
                    let search = Search {
                        need: &need,
                        basis: FitBasis::Demand,
                        policy: c.placement.as_ref(),
                        state: PowerState::On,
                        window: Window {
                            min: if c.all_dimensions || upward {
                                f64::NEG_INFINITY
                            } else {
                                u_src
                            },
                            max: most,
                        },
                        vm: search_vm,
                        ram_in_use: Some(ram_in_use),
                    };
                    let (fleet, setup) = (&self.fleet, self.setup);
                    found = fleet.find_host(
                        &setup.host_classes,
                        &mut self.index,
                        &search,
                        &excluded,
                        &|h, u| {
                            // The plan's reservations are not migrations yet: admission
                            // counts them as planned VMs.
                            let planned = plan.iter().filter(|p| p.1 == h).map(|p| p.0);
                            let planned = planned.chain(others.iter().copied());
                            fleet.class_allows(vm, h)
                                && fleet.admits(&admission, h, u, vm, &need, planned)
                        },
                    );
                    if found.is_some() || !racks_first {
                        break;
                    }
                }
                match found {
                    Some(dst) => {
                        for vm in gang {
                            self.fleet
                                .reserve(&mut self.index, self.setup, dst, vm, 1.0);
                            plan.push((vm, dst));
                        }
                    }
                    None => break,
                }
            }
            for &(vm, dst) in &plan {
                self.fleet
                    .reserve(&mut self.index, self.setup, dst, vm, -1.0);
            }
            if plan.len() == vms.len() {
                room.leave(&self.setup.host_classes[self.fleet.hosts[src].class]);
                for (vm, dst) in plan {
                    is_destination[dst] = true;
                    self.plan_calm_move(vm, dst, in_window);
                }
            } else {
                failures += 1;
            }
        }
    }
}

impl Simulation<'_> {
    /// What a move of `gang` (a VM, then the keep-together members going with it) needs of
    /// one destination, by demand; the VM its search names (`None` for a group: every
    /// member's rules but the class are about where the others are, and they all move, so
    /// the caller checks the class); and the memory in use it brings, MB.
    fn gang_need(&self, gang: &[VmId]) -> (Need, Option<VmId>, f64) {
        let ram_in_use = gang.iter().map(|&v| self.fleet.vms[v].ram_demand_mb).sum();
        if let [vm] = *gang {
            return (self.need(vm, FitBasis::Demand), Some(vm), ram_in_use);
        }
        let need = summed(gang.iter().map(|&v| self.need(v, FitBasis::Demand)));
        (need, None, ram_in_use)
    }
}

/// How consolidation reads a host's load: CPU alone, or every dimension.
impl Consolidation {
    /// Whether an evacuation may move VMs from `src` (at load `u_src`) to `h`: up the order
    /// sources are taken in, so never back. `h`'s class saves less when off (`per_class`,
    /// each class's [`saving_per_share`]), whatever its load; or it saves as much and is
    /// busier (Beloglazov's rule, all there is on a fleet of one class).
    fn moves_up(
        &self,
        fleet: &Fleet,
        setup: &Setup,
        per_class: &[f64],
        (src, u_src): (HostId, f64),
        h: HostId,
    ) -> bool {
        let (to, from) = (
            per_class[fleet.hosts[h].class],
            per_class[fleet.hosts[src].class],
        );
        if to != from {
            return to < from;
        }
        self.load(fleet, setup, h) >= u_src
    }

    /// Host `h`'s load as under-load is judged: its CPU utilisation, or with every dimension
    /// judged its fullest dimension.
    fn load(&self, fleet: &Fleet, setup: &Setup, h: HostId) -> f64 {
        if self.all_dimensions {
            fleet.fullest(setup, h)
        } else {
            fleet.utilisation(&setup.host_classes, h)
        }
    }

    /// The admission rule of this run's destinations ([`Admission`]): its detector and
    /// dimensions, memory in use judged or not (`memory_in_use`).
    pub(in crate::sim) fn admission<'r>(
        &'r self,
        setup: &'r Setup,
        memory_in_use: bool,
    ) -> Admission<'r> {
        Admission {
            setup,
            detector: self.detector.as_ref(),
            all_dimensions: self.all_dimensions,
            memory_in_use,
        }
    }
}

/// What switching an empty host of `class` off saves for the room it takes away: its idle
/// watts per share of the fleet's committed `need` (CPU MIPS, RAM MB, averaged over a day:
/// [`crate::sim::day_mix`]) it can hold, on the dimension it holds least of (RAM where RAM
/// binds, as on a memory-bound fleet). Higher is more worth emptying; without demand every
/// class scores 0 and utilisation alone orders.
fn saving_per_share(class: &HostClass, need: (f64, f64)) -> f64 {
    saving(
        class.power.idle_w(),
        (class.mips, class.ram_limit_mb()),
        need,
    )
}

/// [`saving_per_share`] of a class idling at `idle_w` with `capacity` (MIPS, RAM MB).
fn saving(idle_w: f64, capacity: (f64, f64), (cpu, ram): (f64, f64)) -> f64 {
    let share = |need: f64, capacity: f64| {
        if need > 0.0 && capacity > 0.0 {
            need / capacity
        } else {
            0.0
        }
    };
    idle_w * share(cpu, capacity.0).max(share(ram, capacity.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::day_mix::DayMix;
    use crate::time::MS_PER_DAY;

    /// A CPU-rich class (80,000 MIPS, 96 GB, 150 W idle) and a RAM-rich one (20,000 MIPS,
    /// 512 GB, 120 W), 7.2 TB of RAM committed and CPU 180,000 MIPS by night, 2,000,000 by
    /// day. Read raw, the ranks swap: by night 150 x 7.2 TB / 96 GB = 11,250 against 120 x
    /// 7.2 TB / 512 GB = 1,687.5; by day 11,250 against 120 x 2 M / 20,000 = 12,000. Read
    /// through the day's average, CPU stays between 0.18 M and 1.32 M, so the RAM-rich class
    /// scores at most 120 x 66 = 7,900 and the CPU-rich class is ranked first at every tick.
    #[test]
    fn a_day_night_swing_does_not_swap_the_ranks_of_two_classes() {
        let cpu_rich = |need| saving(150.0, (80_000.0, 96_000.0), need);
        let ram_rich = |need| saving(120.0, (20_000.0, 512_000.0), need);
        let (night, day) = ((180_000.0, 7.2e6), (2.0e6, 7.2e6));
        assert_eq!((cpu_rich(night), ram_rich(night)), (11_250.0, 1_687.5));
        assert_eq!((cpu_rich(day), ram_rich(day)), (11_250.0, 12_000.0));
        let mut mix = DayMix::default();
        let step = 300_000;
        for i in 0..(10 * MS_PER_DAY / step) {
            let now = i * step;
            let by_day = (now % MS_PER_DAY) >= MS_PER_DAY / 2;
            let m = mix.update(now, if by_day { day } else { night });
            assert!(cpu_rich(m) > ram_rich(m), "swapped at {now} ms: {m:?}");
        }
    }
}
