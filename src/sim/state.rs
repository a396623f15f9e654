//! Runtime state of hosts, VMs and migrations.

use super::energy::{EnergyAccount, Split};
use crate::model::host::{HostClass, PowerState};
use crate::model::power::PowerModel;
use crate::model::vm::VmType;
use crate::policy::placement::{Candidate, Need};
use crate::time::SimTime;

/// Index of a host (its position in the fleet).
pub type HostId = usize;
/// Index of a VM.
pub type VmId = usize;
/// Index of a migration, in start order.
pub type MigId = usize;

/// Time-integrated measures of one host besides energy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Meters {
    /// Time on, ms.
    pub on_ms: SimTime,
    /// Time on with demand above capacity (at 100 %), ms.
    pub overload_ms: SimTime,
    /// Integral of utilisation while on, ms (divide by `on_ms` for the mean).
    pub utilisation_ms: f64,
    /// Integral of requested MIPS, MIPS x ms.
    pub requested_mips_ms: f64,
    /// Integral of MIPS lost to migration degradation, MIPS x ms.
    pub lost_mips_ms: f64,
    /// Integral of the resident VMs' demand in vCPUs (demand over vCPU speed), vCPU x ms.
    pub requested_core_ms: f64,
    /// Integral of that demand not served (the host short of CPU, or a VM slowed or paused by
    /// its migration), vCPU x ms.
    pub unserved_core_ms: f64,
    /// Time on with its load above the scenario's `high_utilisation` of capacity, ms
    /// (realistic profile).
    pub above_ms: SimTime,
    /// Integral of the memory its VMs use, MB x ms (realistic profile).
    pub ram_demand_mb_ms: f64,
    /// Integral of that memory above physical memory, MB x ms.
    pub ram_overflow_mb_ms: f64,
    /// Time on with its VMs using more memory than it has, ms.
    pub ram_pressure_ms: SimTime,
}

/// A host's state. Laid out in declaration order, on cache lines of its own: what a
/// placement search reads of each host it judges (power state, class, reservations, CPU
/// committed and in use) fills the first line, what a refresh and an accrual add to it
/// (losses, vCPUs, memory, the VM list) the second, so judging a host scattered in memory
/// fetches one line, where the compiler's own order spread these fields over several.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub struct Host {
    /// Power state.
    pub state: PowerState,
    /// Whether power management asked to switch it off while migrations were still in flight:
    /// it is switched off once they end, unless a VM is committed to it meanwhile.
    pub shutdown_pending: bool,
    /// Whether the current transition is a suspend to sleep (ShuttingDown) or a wake
    /// (Booting), rather than a shutdown or boot.
    pub via_sleep: bool,
    /// Bumped at every power transition; events carrying an older value are stale.
    pub generation: u32,
    /// Index into the setup's host classes.
    pub class: usize,
    /// RAM reserved by resident and incoming VMs, MB.
    pub ram_used: f64,
    /// Disk reserved by resident and incoming VMs, MB.
    pub disk_used: f64,
    /// Network bandwidth reserved by resident and incoming VMs, Mbit/s.
    pub net_used: f64,
    /// CPU the host will carry once its migrations end: resident VMs not leaving plus incoming.
    pub committed_mips: f64,
    /// Like `committed_mips` but counting each VM at its full size (vCPUs x MIPS).
    pub sized_mips: f64,
    /// CPU load: requested plus migration overhead, MIPS.
    pub load_mips: f64,
    /// CPU requested by resident VMs, MIPS.
    pub requested_mips: f64,
    /// CPU lost by VMs migrating away (degraded while pre-copying, all while paused), MIPS.
    pub lost_mips: f64,
    /// Demand of resident VMs in vCPUs (each VM's demand over its vCPU speed).
    pub requested_cores: f64,
    /// Part of `requested_cores` not served now, vCPUs.
    pub unserved_cores: f64,
    /// Memory in use by the VMs executing here, MB (realistic profile; `sim::memory`).
    pub ram_demand_mb: f64,
    /// The part of `ram_demand_mb` above physical memory, MB: memory pressure.
    pub ram_overflow_mb: f64,
    /// VMs executing here (including those migrating away).
    pub vms: Vec<VmId>,
    /// Migrations in flight with this host as source or destination.
    pub migrations: Vec<MigId>,
    /// Migrations copying now with this host as source or destination (queued ones excluded).
    pub copying: usize,
    /// Current draw by cause, W.
    pub draw: Split,
    /// Since when the host has been on with no VM committed to it (none staying, none
    /// incoming), if so: it is empty, or draining its last VMs.
    pub empty_since: Option<SimTime>,
    /// Energy and cost so far.
    pub energy: EnergyAccount,
    /// Other integrated measures.
    pub meters: Meters,
    /// Number of boots (from off).
    pub boots: u32,
    /// Number of shutdowns (to off).
    pub shutdowns: u32,
    /// Number of suspends to sleep.
    pub sleeps: u32,
    /// Number of wakes from sleep.
    pub wakes: u32,
    /// Migrations received.
    pub migrations_in: u32,
    /// Migrations sent.
    pub migrations_out: u32,
}

/// The loads a refresh sets on a host (see [`sum_loads`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Loads {
    /// Demand of every VM on the host's list (a migrating VM executes on its source), MIPS.
    pub requested: f64,
    /// Demand of the VMs that stay (on the list and not migrating) and of those arriving.
    pub committed: f64,
    /// The same VMs at their type's full size, MIPS.
    pub sized: f64,
    /// How many VMs stay or arrive.
    pub staying: usize,
}

/// What a profile sums besides the loads, in the same pass ([`sum_loads`]); both methods
/// are inlined into the pass (a refresh runs a million times in the reference day).
pub(super) trait LoadVisitor {
    /// VM `vm`, on the host's list, in state `v`.
    fn vm(&mut self, vm: VmId, v: &Vm);
    /// A migration from or to the host.
    fn migration(&mut self, mig: &Migration);
}

/// Sums host `h`'s loads in one pass over its VM list, then its migrations, in list order
/// (every profile refreshes with these sums, so they get the same bits); `visit` sees each
/// VM on the list and each migration in the same pass, for what a profile sums besides.
#[inline(always)]
pub(super) fn sum_loads(
    h: HostId,
    host: &Host,
    (vms, migrations, types): (&[Vm], &[Migration], &[VmType]),
    visit: &mut impl LoadVisitor,
) -> Loads {
    let mut l = Loads {
        requested: 0.0,
        committed: 0.0,
        sized: 0.0,
        staying: 0,
    };
    for &vm in &host.vms {
        let v = &vms[vm];
        let d = v.demand_mips;
        l.requested += d;
        if !matches!(v.state, VmState::Migrating(_)) {
            l.committed += d;
            l.sized += types[v.vm_type].mips;
            l.staying += 1;
        }
        visit.vm(vm, v);
    }
    for &m in &host.migrations {
        let mig = &migrations[m];
        if mig.source != h {
            let v = &vms[mig.vm];
            l.committed += v.demand_mips;
            l.sized += types[v.vm_type].mips;
            l.staying += 1;
        }
        visit.migration(mig);
    }
    l
}

impl Host {
    /// Books (`sign` 1) or releases (`sign` -1) the RAM, disk and network bandwidth a VM of
    /// type `t` reserves here.
    #[inline]
    pub(in crate::sim) fn book(&mut self, t: &VmType, sign: f64) {
        self.ram_used += sign * t.ram_mb;
        self.disk_used += sign * t.disk_mb;
        self.net_used += sign * t.net_mbps;
    }

    /// Sets the loads a refresh summed over the host's VMs and migrations at `now`, and
    /// whether it is empty: `staying` VMs are neither leaving nor gone.
    pub(super) fn set_loads(&mut self, loads: &Loads, now: SimTime) {
        let staying = loads.staying;
        self.requested_mips = loads.requested;
        self.committed_mips = loads.committed;
        self.sized_mips = loads.sized;
        self.empty_since = if self.state == PowerState::On && staying == 0 {
            Some(self.empty_since.unwrap_or(now))
        } else {
            None
        };
        if staying > 0 {
            self.shutdown_pending = false;
        }
    }

    /// A host of `class` in `state` at time 0.
    pub fn new(class: usize, state: PowerState) -> Self {
        Host {
            class,
            state,
            generation: 0,
            vms: Vec::new(),
            migrations: Vec::new(),
            ram_used: 0.0,
            disk_used: 0.0,
            net_used: 0.0,
            requested_mips: 0.0,
            load_mips: 0.0,
            committed_mips: 0.0,
            sized_mips: 0.0,
            lost_mips: 0.0,
            requested_cores: 0.0,
            unserved_cores: 0.0,
            copying: 0,
            draw: Split::default(),
            energy: EnergyAccount::default(),
            meters: Meters::default(),
            empty_since: Some(0),
            boots: 0,
            shutdowns: 0,
            sleeps: 0,
            wakes: 0,
            shutdown_pending: false,
            via_sleep: false,
            migrations_in: 0,
            migrations_out: 0,
            ram_demand_mb: 0.0,
            ram_overflow_mb: 0.0,
        }
    }

    /// Adds energy and meters from the last accrual up to `now` at `rates` (price per kWh,
    /// gCO2e per kWh); time with the load above
    /// `high` (a fraction of capacity) counts in `above_ms`.
    pub fn accrue(&mut self, now: SimTime, class: &HostClass, rates: (f64, f64), high: f64) {
        let dt = now - self.energy.since;
        if self.state == PowerState::On && dt > 0 {
            self.meters.on_ms += dt;
            if self.load_mips > class.mips * high {
                self.meters.above_ms += dt;
            }
            if self.load_mips > class.mips * (1.0 + 1e-12) {
                self.meters.overload_ms += dt;
            }
            self.meters.utilisation_ms += (self.load_mips / class.mips).min(1.0) * dt as f64;
        }
        self.meters.requested_mips_ms += self.requested_mips * dt as f64;
        self.meters.lost_mips_ms += self.lost_mips * dt as f64;
        self.meters.requested_core_ms += self.requested_cores * dt as f64;
        self.meters.unserved_core_ms += self.unserved_cores * dt as f64;
        self.meters.ram_demand_mb_ms += self.ram_demand_mb * dt as f64;
        self.meters.ram_overflow_mb_ms += self.ram_overflow_mb * dt as f64;
        if self.ram_overflow_mb > 0.0 && self.state == PowerState::On {
            self.meters.ram_pressure_ms += dt;
        }
        self.energy.accrue(now, &self.draw, rates.0, rates.1);
    }

    /// Recomputes the draw from the power state and load.
    pub fn refresh_draw(&mut self, class: &HostClass) {
        self.draw = match self.state {
            PowerState::Off => Split {
                standby: class.off_w,
                ..Split::default()
            },
            PowerState::Sleep => Split {
                standby: class.sleep.map_or(class.off_w, |s| s.draw_w),
                ..Split::default()
            },
            PowerState::Booting => Split {
                transition: class.boot_w,
                ..Split::default()
            },
            PowerState::ShuttingDown => Split {
                transition: class.shutdown_w,
                ..Split::default()
            },
            PowerState::Failed => Split::default(),
            PowerState::On => {
                let idle = class.power.idle_w();
                let work = class.power.watts(self.requested_mips / class.mips);
                let all = class.power.watts(self.load_mips / class.mips);
                Split {
                    idle,
                    dynamic: work - idle,
                    migration: all - work,
                    ..Split::default()
                }
            }
        };
    }

    /// Whether the host is on and has no VM and no migration.
    pub fn is_empty(&self) -> bool {
        self.vms.is_empty() && self.migrations.is_empty()
    }

    /// Whether the RAM, disk and network reservations of `need` fit next to what is reserved
    /// on this host of class `class` (a class declaring no disk size takes any disk); RAM is
    /// reserved up to the class's over-committed limit, network up to its link.
    pub fn fits_memory(&self, class: &HostClass, need: &Need) -> bool {
        !(self.ram_used + need.ram_mb > class.ram_limit_mb() + 1e-9
            || (class.disk_mb > 0.0 && self.disk_used + need.disk_mb > class.disk_mb + 1e-9)
            || self.net_used + need.net_mbps > class.net_mbps + 1e-9)
    }

    /// This host of class `class` as a placement policy scores it: `cpu_used` MIPS counted,
    /// drawing by `power` (the class's model, or the profile's arithmetic of it), its
    /// increase measured from `baseline_w` if given.
    pub fn candidate<'c>(
        &self,
        class: &HostClass,
        cpu_used: f64,
        baseline_w: Option<f64>,
        power: &'c PowerModel,
    ) -> Candidate<'c> {
        Candidate {
            cpu_capacity: class.mips,
            cpu_used,
            baseline_w,
            ram_capacity: class.ram_limit_mb(),
            ram_used: self.ram_used,
            disk_capacity: class.disk_mb,
            disk_used: self.disk_used,
            power,
        }
    }
}

/// Where a VM is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmState {
    /// Not arrived yet.
    Pending,
    /// Arrived, waiting for capacity.
    Waiting,
    /// Running on a host.
    Running(HostId),
    /// Running on the migration's source, being copied to its destination.
    Migrating(MigId),
    /// Ended.
    Ended,
    /// Stopped by its host's failure, waiting for its HA restart (`[failures]`).
    Down,
}

/// Where a VM comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A `[[vms]]` group (index into the setup's groups).
    Group(usize),
    /// A team's request (index into the run's requests).
    Request(usize),
    /// A replica of a service (index into the setup's services).
    Service(usize),
}

/// What a VM's CPU demand follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demand {
    /// A load curve (index into the setup's loads).
    Curve(usize),
    /// A trace VM: the trace (index into the setup's traces) and the VM's column in it.
    Trace {
        /// Trace index.
        trace: usize,
        /// Column in the trace's replay.
        column: u32,
    },
    /// An even share of a service's demand (index into the setup's services).
    Service(usize),
}

/// A VM's state: what is read for every VM at every load step, refresh and timeseries row.
/// What is read at its arrival, start, moves and waits alone is its [`VmLife`], kept apart
/// so that the passes over every VM read fewer bytes. The fields a refresh reads for each VM
/// of a host (where it is, its demand, its type, its memory, its metered rates) come first,
/// in declaration order.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Vm {
    /// Where it is.
    pub state: VmState,
    /// CPU requested now, MIPS.
    pub demand_mips: f64,
    /// Index into the setup's VM types.
    pub vm_type: usize,
    /// Memory in use now, MB: its type's RAM unless `ram` moves it (docs/scenario.md).
    pub ram_demand_mb: f64,
    /// Its demand and the part not served as its host's last refresh set them, vCPUs (the
    /// VM-hour meter's rates: `accounts::vm_hours`; realistic profile, idle otherwise).
    pub(in crate::sim) metered: Rates,
    /// What its demand follows.
    pub demand: Demand,
    /// What its memory demand follows.
    pub ram: RamDemand,
    /// Where it comes from.
    pub origin: Origin,
}

/// A VM's VM-hour rates (`accounts::vm_hours`): its demand now and the part of it not served,
/// vCPUs. They live in the VM itself ([`Vm::metered`]), on the cache line a refresh reads
/// anyway, so a refresh after a load step has metered its VMs writes them alone.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(in crate::sim) struct Rates {
    /// Demand, vCPUs.
    pub demand: f64,
    /// Part of it not served, vCPUs.
    pub unserved: f64,
}

impl Rates {
    /// No demand: a VM not on a host.
    pub const IDLE: Rates = Rates {
        demand: 0.0,
        unserved: 0.0,
    };
}

/// What a VM's arrival, start, moves and waits read and write (by VM id, beside [`Vm`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct VmLife {
    /// When it arrived.
    pub arrived: Option<SimTime>,
    /// How long it runs once started (drawn up front); `None` = until it is stopped or the
    /// run ends.
    pub lifetime: Option<SimTime>,
    /// When its last completed migration ended (for ping-pong detection).
    pub last_moved: Option<SimTime>,
    /// While it waits: the time up to which its unserved demand is metered.
    pub waiting_since: SimTime,
}

/// What a VM's memory demand follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RamDemand {
    /// Its type's whole RAM, all the time (the default).
    Reserved,
    /// A load curve (index into the setup's loads), as a fraction of its type's RAM.
    Curve(usize),
    /// A memory trace (index into the setup's traces) read at the VM's own trace column, as
    /// a fraction of its type's RAM.
    Trace(usize),
}

/// How a migration ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationOutcome {
    /// Still copying.
    InFlight,
    /// The VM now runs on the destination.
    Done,
    /// Stopped before the end; the VM stayed on the source (or ended).
    Aborted,
}

/// Where a migration in flight stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Planned, destination reserved, not copying yet: waiting for a copy slot on a host or
    /// for the destination to be on.
    Queued,
    /// Copying memory while the VM runs (pre-copy round, or the simple model's one copy).
    Copying,
    /// VM paused, the last dirty pages copied: the downtime.
    StopAndCopy,
}

/// A live migration.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The VM moved.
    pub vm: VmId,
    /// Source host.
    pub source: HostId,
    /// Destination host.
    pub destination: HostId,
    /// When it was decided (and the destination reserved).
    pub planned: SimTime,
    /// When copying started (equals `planned` unless it queued).
    pub start: SimTime,
    /// When it ended or was aborted (meaningful once closed).
    pub end: SimTime,
    /// Data sent so far, MB.
    pub data_mb: f64,
    /// Outcome so far.
    pub outcome: MigrationOutcome,
    /// Phase while in flight.
    pub phase: Phase,
    /// Copy rounds completed (pre-copy rounds plus the stop-and-copy).
    pub rounds: u32,
    /// Data of the current round, MB.
    pub round_mb: f64,
    /// Data of the current round still to send, MB.
    pub remaining_mb: f64,
    /// When the current round started.
    pub round_start: SimTime,
    /// Current transfer rate, MB/s.
    pub rate_mb_s: f64,
    /// Time up to which `remaining_mb` is accounted.
    pub progress_at: SimTime,
    /// Time the VM was paused, ms.
    pub downtime: SimTime,
    /// Bumped whenever its next step is rescheduled; events with an older value are stale.
    pub stamp: u32,
    /// Whether a destination overload was already logged for it.
    pub overload_logged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vm_is_what_every_pass_over_the_vms_reads_and_no_more() {
        // A load step, a refresh and a timeseries row read every VM: 104 bytes each (state
        // 16, demand, type, memory 8 each, rates 16, demand and memory sources 16 each,
        // origin 16), not the 160 it took with its arrival, lifetime, last move and wait
        // (`VmLife`, 56 bytes). A refresh's fields are the first 56 bytes.
        assert_eq!(std::mem::size_of::<Vm>(), 104);
        assert_eq!(std::mem::offset_of!(Vm, demand), 56);
        assert_eq!(std::mem::size_of::<VmLife>(), 56);
    }

    #[test]
    fn what_a_placement_search_reads_of_a_host_is_its_first_cache_line() {
        // State, the two flags and the generation take 8 bytes, then class, RAM, disk and
        // network reserved, CPU committed (by demand and by size) and load: 7 x 8 = 56, so
        // the load ends at byte 64. The refresh's second line starts with the request (then
        // 5 x 8 bytes, and 24 for the VM list's `Vec`, which ends 8 bytes into a third line:
        // 64 + 48 + 24 = 136). A host starts a line.
        assert_eq!(std::mem::align_of::<Host>(), 64);
        assert_eq!(std::mem::offset_of!(Host, load_mips), 56);
        assert_eq!(std::mem::offset_of!(Host, requested_mips), 64);
        assert_eq!(std::mem::offset_of!(Host, vms), 112);
        assert_eq!(std::mem::size_of::<Host>() % 64, 0);
    }
}
