//! Host classes (hardware specs) and power states.

use super::power::PowerModel;
use crate::time::SimTime;
use serde::Serialize;

/// The hardware of a class of identical hosts, in the simulator's units.
#[derive(Debug, Clone, PartialEq)]
pub struct HostClass {
    /// Class name.
    pub name: String,
    /// Physical cores.
    pub cores: u32,
    /// Total CPU capacity, MIPS (cores x MIPS per core).
    pub mips: f64,
    /// Memory, MB.
    pub ram_mb: f64,
    /// Disk, MB (0 = not modelled).
    pub disk_mb: f64,
    /// Network link, Mbit/s.
    pub net_mbps: f64,
    /// Draw while on, by utilisation.
    pub power: PowerModel,
    /// Draw while off, W.
    pub off_w: f64,
    /// Time to boot.
    pub boot_ms: SimTime,
    /// Draw while booting, W.
    pub boot_w: f64,
    /// Time to shut down.
    pub shutdown_ms: SimTime,
    /// Draw while shutting down, W.
    pub shutdown_w: f64,
    /// The low-power sleep state, if the class has one.
    pub sleep: Option<SleepState>,
    /// Over-commit ratios placement admits VMs by (1 = none; `[[hosts]] overcommit`).
    pub overcommit: Overcommit,
}

/// Over-commit ratios of a host class, as operators configure them (OpenStack Nova's
/// `cpu_allocation_ratio` and `ram_allocation_ratio`): placement admits a VM while the sum of
/// reservations stays within capacity x ratio. See docs/scenario.md.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overcommit {
    /// VM sizes (vCPUs x MIPS) per MIPS of the host, for placement by size.
    pub cpu: f64,
    /// Reserved VM memory per MB of the host's physical memory.
    pub ram: f64,
}

impl Default for Overcommit {
    fn default() -> Self {
        Overcommit { cpu: 1.0, ram: 1.0 }
    }
}

/// A suspend-to-RAM state: low draw, short wake. Suspending draws the class's shutdown power,
/// waking its boot power.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SleepState {
    /// Draw while asleep, W.
    pub draw_w: f64,
    /// Time from the decision to asleep.
    pub suspend_ms: SimTime,
    /// Time from the wake decision to accepting VMs.
    pub wake_ms: SimTime,
}

impl HostClass {
    /// Speed of one core, MIPS: the most one virtual CPU can get on this class.
    pub fn core_mips(&self) -> f64 {
        self.mips / f64::from(self.cores.max(1))
    }

    /// Whether a core is fast enough for a vCPU of `vcpu_mips` (a vCPU runs on one core; a
    /// billionth of slack for rounding). Placement asks it of every host it judges, so it is
    /// multiplied out rather than divided.
    pub fn runs_vcpu(&self, vcpu_mips: f64) -> bool {
        vcpu_mips * f64::from(self.cores.max(1)) <= self.mips * (1.0 + 1e-9)
    }

    /// Watts at full load per MIPS: lower is more efficient; power management boots the most
    /// efficient hosts first and switches the least efficient off first.
    pub fn watts_per_mips(&self) -> f64 {
        self.power.max_w() / self.mips
    }

    /// The RAM placement may reserve on a host of this class, MB: physical memory times the
    /// RAM over-commit ratio (exactly `ram_mb` without over-commit).
    pub fn ram_limit_mb(&self) -> f64 {
        self.ram_mb * self.overcommit.ram
    }

    /// The CPU placement by size may reserve on a host of this class, MIPS: capacity times
    /// the CPU over-commit ratio (exactly `mips` without over-commit).
    pub fn sized_limit_mips(&self) -> f64 {
        self.mips * self.overcommit.cpu
    }
}

/// Power state of a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PowerState {
    /// Switched off: draws `off_w`, hosts nothing.
    Off,
    /// Booting (or waking from sleep): draws `boot_w`, takes no VM until on.
    Booting,
    /// On: draws by utilisation, hosts VMs.
    On,
    /// Shutting down (or suspending to sleep): draws `shutdown_w`, takes no VM.
    ShuttingDown,
    /// Asleep (suspended to RAM): draws the sleep power, hosts nothing, wakes quickly.
    Sleep,
    /// Failed (`[failures]`): draws nothing, hosts nothing, cannot be powered up until it is
    /// repaired (then it is off).
    Failed,
}
