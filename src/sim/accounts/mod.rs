//! The accounts part of a run: the price and the meters that are not a host's own; the
//! timeseries rows and the summary ([`report`]).

pub(super) mod bound;
pub(super) mod report;
pub(super) mod spread;
pub(super) mod switches;
pub(in crate::sim) mod vm_hours;

use super::state::MigId;

/// Prices and the meters that are not a host's own.
pub(crate) struct Accounts {
    /// Electricity price now, per kWh.
    pub price: f64,
    /// Grid carbon intensity now, gCO2e per kWh (0 without `[carbon]`).
    pub intensity: f64,
    /// Carbon-aware deferral: VMs held back and their total wait, ms.
    pub deferred: (usize, u64),
    /// Demand of VMs while they waited for a host, vCPU x ms.
    pub waiting_core_ms: f64,
    /// Migrations started since the last timeseries row.
    pub started_since_row: usize,
    /// Migration traffic reported in timeseries rows so far, MB, and its peak, MB/s.
    pub traffic: (f64, f64),
    /// Fewest and most hosts on in a timeseries row.
    pub on_counts: (usize, usize),
    /// Migrations with a smaller id started during the warm-up and are not reported (all of
    /// them, `MigId::MAX`, until the warm-up ends).
    pub first_reported_mig: MigId,
    /// Demand above the capacity on while hosts boot, sampled at control ticks, vCPU x ms
    /// (`summary.json`'s `late_demand`).
    pub late_core_ms: f64,
    /// Per-host utilisations handed to the recorder at each tick (reused; empty when the
    /// recorder does not want them).
    pub utilisation: Vec<Option<f64>>,
    /// The lower bound on hosts needed (its capacities are set up at the first tick).
    pub bound: Option<bound::LowerBound>,
    /// Hosts on over that bound, over the rows so far.
    pub packing: bound::Packing,
    /// VM-days seen and the hosts-needed order.
    pub spread: spread::Spread,
    /// Each placed VM's demand not served, by clock hour (realistic profile).
    pub vm_hours: vm_hours::VmHours,
    /// The hosts' unserved demand reported in timeseries rows so far, vCPU x ms.
    pub unserved_reported: f64,
    /// The top-of-rack switches' state and energy (`[racks]`; `None` without).
    pub switches: Option<switches::Switches>,
}
