//! The accounting profile of a run, behind one seam: nightshift's own model ([`realistic`])
//! and CloudSim 3.0.3's ([`cloudsim`]) side by side. The engine calls the hooks below at
//! fixed points of an event; each hook is one `match` over [`ProfileRun`] (no dynamic
//! dispatch: `refresh` and `accrue` run a million times in the reference day). What a profile
//! changes without code of its own is a flag in its [`Rules`].
//!
//! The hooks, in the order an event meets them:
//! - [`Simulation::before_event`]: work put off from the last instant is done first;
//! - [`Simulation::accrue`]: a host's energy up to now, before a change;
//! - [`Simulation::refresh`]: a host's loads and draw after a change;
//! - [`Simulation::trace_demand`], [`Simulation::trace_stepped`]: demand from a trace;
//! - [`Simulation::tick_decisions`]: consolidation and power decisions at a control tick,
//!   [`Simulation::manage_power`]: power decisions when a VM must wait;
//! - [`Simulation::place_initial`]: the VMs present at time 0;
//! - [`Simulation::migration_step_ready`], [`Simulation::migration_landed`],
//!   [`Simulation::second_migration`]: a migration's end, and what follows it;
//! - [`Simulation::detach`]: a VM leaves a host's list;
//! - [`Simulation::settle`], [`Simulation::finish_profile`]: put-off work done, histories
//!   closed at the end.
//!
//! Adding a profile: a variant here, its module beside the two, and one arm per hook.

pub mod cloudsim;
mod realistic;

use super::setup::{Profile, Setup};
use super::state::*;
use super::{Event, Simulation};
use crate::policy::power;
use crate::policy::selection::VmSelection;
use crate::time::{SimTime, secs};

/// The profile a run follows, with its own state.
pub(crate) enum ProfileRun {
    /// nightshift's model: energy accrued exactly at every change, power management.
    Realistic,
    /// CloudSim's accounting and consolidation loop (boxed: the realistic runs carry a
    /// pointer, not its buffers).
    Cloudsim(Box<cloudsim::Cloudsim>),
}

/// What a profile changes in shared code, as flags read where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Hosts are on exactly while they carry load and switch instantly: a migration's
    /// destination is always ready, and a host that is off may hold VMs.
    pub hosts_follow_load: bool,
    /// RAM is checked only when a VM is first placed (the checker lets it run over).
    pub ram_overcommits: bool,
    /// Each vCPU needs a core as fast as its share of the CPU counted, not as fast as its
    /// type's vCPUs (CloudSim's rule: with demands, a VM asking little fits slower cores).
    pub vcpu_by_share: bool,
    /// A host's VM list keeps its order when a VM leaves (selection breaks ties by it).
    pub ordered_lists: bool,
    /// A new VM placed by demand in a consolidating run looks first where consolidation
    /// would put it (below the detector's ceiling), so its next tick finds nothing to move.
    pub new_vms_below_ceiling: bool,
    /// Trace demand is interpolated between samples (the next one is read ahead).
    pub interpolated_traces: bool,
}

const REALISTIC: Rules = Rules {
    hosts_follow_load: false,
    ram_overcommits: false,
    vcpu_by_share: false,
    ordered_lists: false,
    new_vms_below_ceiling: true,
    interpolated_traces: false,
};

impl ProfileRun {
    /// The profile `setup` asks for, over `hosts` hosts and `vms` VMs; `peak` when on hosts
    /// draw their peak power whatever their load (the `npa` power policy).
    pub(crate) fn new(setup: &Setup, hosts: usize, vms: usize, peak: bool) -> Self {
        match setup.profile {
            Profile::Realistic => ProfileRun::Realistic,
            Profile::Cloudsim => ProfileRun::Cloudsim(Box::new(cloudsim::Cloudsim::new(
                &setup.host_classes,
                hosts,
                vms,
                peak,
            ))),
        }
    }

    /// The profile's flags.
    pub(crate) fn rules(&self) -> &'static Rules {
        match self {
            ProfileRun::Realistic => &REALISTIC,
            ProfileRun::Cloudsim(_) => &cloudsim::RULES,
        }
    }

    /// The clock trace interpolation reads at `now`, s: CloudSim's at its last update under
    /// that profile.
    pub(crate) fn clock_s(&self, now: SimTime) -> f64 {
        match self {
            ProfileRun::Realistic => secs(now),
            ProfileRun::Cloudsim(cs) => cs.clock(),
        }
    }

    /// The `cloudsim` profile's state, if the run follows it.
    pub(crate) fn cloudsim(&self) -> Option<&cloudsim::Cloudsim> {
        match self {
            ProfileRun::Cloudsim(cs) => Some(cs),
            ProfileRun::Realistic => None,
        }
    }

    /// [`Self::cloudsim`], to change.
    pub(crate) fn cloudsim_mut(&mut self) -> Option<&mut cloudsim::Cloudsim> {
        match self {
            ProfileRun::Cloudsim(cs) => Some(cs),
            ProfileRun::Realistic => None,
        }
    }
}

/// The overload detector a run builds for `name` under `profile`.
pub(crate) fn detector_name(profile: Profile, name: &str) -> &str {
    match profile {
        Profile::Realistic => name,
        Profile::Cloudsim => cloudsim::detector_name(name),
    }
}

/// The selection a run builds for `name` when `profile` changes it (else the registry's).
pub(crate) fn selection(profile: Profile, name: &str) -> Option<Box<dyn VmSelection>> {
    match profile {
        Profile::Realistic => None,
        Profile::Cloudsim => cloudsim::selection(name),
    }
}

impl Simulation<'_> {
    /// Before `event` at `time` runs: work the profile put off is done (the `cloudsim`
    /// profile collects the refreshes of migrations ending at one instant).
    pub(super) fn before_event(&mut self, time: SimTime, event: &Event) {
        match self.profile {
            ProfileRun::Realistic => {}
            ProfileRun::Cloudsim(_) => self.cs_before_event(time, event),
        }
    }

    /// Adds host `h`'s energy up to now; call before changing its state or load. (Under the
    /// `cloudsim` profile energy is added at its updates only.)
    pub(in crate::sim) fn accrue(&mut self, h: HostId) {
        match self.profile {
            ProfileRun::Realistic => self.realistic_accrue(h),
            ProfileRun::Cloudsim(_) => {}
        }
    }

    /// Recomputes host `h`'s loads from its VMs and migrations, its draw, and since when no VM
    /// is committed to it; tells the placement index it changed.
    pub(in crate::sim) fn refresh(&mut self, h: HostId) {
        self.index.touch(h);
        match self.profile {
            ProfileRun::Realistic => self.realistic_refresh(h),
            ProfileRun::Cloudsim(_) => self.cs_refresh(h),
        }
    }

    /// Work the profile put off (refreshes), done now: before placement reads host loads,
    /// and at the end.
    pub(in crate::sim) fn settle(&mut self) {
        match self.profile {
            ProfileRun::Realistic => {}
            ProfileRun::Cloudsim(_) => self.cs_batch(false),
        }
    }

    /// VM `column` of trace `t`'s demand now, as a fraction of the VM's CPU.
    pub(in crate::sim) fn trace_demand(&self, t: usize, column: u32) -> f64 {
        match self.profile {
            ProfileRun::Realistic => self.trace_fraction(t, column),
            ProfileRun::Cloudsim(_) => self.trace_fraction_between(t, column),
        }
    }

    /// Trace `t` moved to its next sample (already read): the demands that follow it change
    /// now, or (`cloudsim`) at the next update.
    pub(in crate::sim) fn trace_stepped(&mut self, t: usize) {
        match self.profile {
            ProfileRun::Realistic => self.realistic_trace_stepped(t),
            ProfileRun::Cloudsim(_) => {}
        }
    }

    /// Schedules the first control tick (and load step): at time 0, or under the `cloudsim`
    /// profile after the first interval, offset as CloudSim's updates are.
    pub(in crate::sim) fn schedule_first_ticks(&mut self) {
        match self.profile {
            ProfileRun::Realistic => {
                self.clock.queue.push(self.setup.load_step, Event::LoadStep);
                self.clock.queue.push(0, Event::ControlTick);
            }
            ProfileRun::Cloudsim(_) => {
                let first = self.setup.control_interval + cloudsim::TICK_OFFSET;
                self.clock.queue.push(first, Event::ControlTick);
            }
        }
    }

    /// Asks the power policy what to power up and down, with `extra` needed on top of what
    /// hosts have committed and waiting VMs need (under the `cloudsim` profile hosts are on
    /// exactly while they carry load: nothing to decide).
    pub(in crate::sim) fn manage_power(&mut self, extra: power::Need) {
        match self.profile {
            ProfileRun::Realistic => self.realistic_manage_power(extra),
            ProfileRun::Cloudsim(_) => {}
        }
    }

    /// Places the VMs present at time 0 (the rest wait).
    pub(in crate::sim) fn place_initial(&mut self, batch: Vec<VmId>) {
        match self.profile {
            ProfileRun::Realistic => self.realistic_place_initial(batch),
            ProfileRun::Cloudsim(_) => self.cs_place_initial(batch),
        }
    }

    /// The decisions of a control tick before waiting VMs are placed and the row recorded:
    /// consolidation, power management and deferred VMs, or the `cloudsim` update and round.
    /// `selection` is the run's VM selection policy, when it consolidates.
    pub(in crate::sim) fn tick_decisions(&mut self, selection: Option<&mut dyn VmSelection>) {
        match self.profile {
            ProfileRun::Realistic => self.realistic_tick(selection),
            ProfileRun::Cloudsim(_) => self.cs_tick(selection),
        }
    }

    /// Whether migration `m`'s step goes on (the `cloudsim` profile updates first, and holds
    /// a second migration that finished copying before the first).
    pub(in crate::sim) fn migration_step_ready(&mut self, m: MigId) -> bool {
        match self.profile {
            ProfileRun::Realistic => true,
            ProfileRun::Cloudsim(_) => self.cs_step_ready(m),
        }
    }

    /// Migration `m` of `vm` landed on `at` (source and destination refreshed): what the
    /// profile does next (a second migration leaves from there, an idle VM ends).
    pub(in crate::sim) fn migration_landed(&mut self, vm: VmId, m: MigId, at: HostId) {
        match self.profile {
            ProfileRun::Realistic => {}
            ProfileRun::Cloudsim(_) => self.cs_after_migration(vm, m, at),
        }
    }

    /// The migration still to come for `vm` after the one in flight, taken (aborted along
    /// with the VM): only the `cloudsim` profile plans a VM twice.
    pub(in crate::sim) fn second_migration(&mut self, vm: VmId) -> Option<MigId> {
        match self.profile {
            ProfileRun::Realistic => None,
            ProfileRun::Cloudsim(_) => self.cs_pending_follow(vm),
        }
    }

    /// For the invariant checker: the profile's own bookkeeping is consistent; returns how
    /// many in-flight migrations it holds beyond the one each migrating VM names.
    pub(in crate::sim) fn check_profile(&self) -> Result<usize, String> {
        match &self.profile {
            ProfileRun::Realistic => Ok(0),
            ProfileRun::Cloudsim(cs) => cs.follow_ups(&self.fleet.migrations, &self.fleet.vms),
        }
    }

    /// Takes `vm` off host `h`'s list (keeping the others' order if the profile's rules say
    /// so, else swapping the last in).
    pub(in crate::sim) fn detach(&mut self, h: HostId, vm: VmId) {
        let keep_order = self.profile.rules().ordered_lists;
        let list = &mut self.fleet.hosts[h].vms;
        if let Some(i) = list.iter().position(|&v| v == vm) {
            if keep_order {
                list.remove(i);
            } else {
                list.swap_remove(i);
            }
        }
    }

    /// At the end of the run, before the totals are read: the profile closes its histories.
    pub(in crate::sim) fn finish_profile(&mut self) {
        match self.profile {
            ProfileRun::Realistic => {}
            ProfileRun::Cloudsim(_) => self.cs_finish(),
        }
    }
}
