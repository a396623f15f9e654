//! The workload part of a run: what drives demand (trace replays, team requests, replicated
//! services, arrivals, load curves), and carbon-aware deferral of the work that may wait.

mod defer;
pub(super) mod requests;
pub(super) mod scaling;

use super::state::*;
use super::traces;
use crate::time::SimTime;
use rand::rngs::Xoshiro256PlusPlus;

/// What drives demand: trace replays, team requests, services, arrivals and load curves.
pub(crate) struct Workload {
    /// Trace replays, one per setup trace.
    pub traces: Vec<traces::TraceRun>,
    /// Team requests.
    pub requests: requests::RequestRun,
    /// Replicated services.
    pub services: Vec<scaling::ServiceRun>,
    /// VMs of groups and when they arrive, until `start` schedules them.
    pub arrivals: Vec<(VmId, SimTime)>,
    /// Each load curve's noiseless level at the time it was last computed.
    pub curve_levels: Vec<Option<(SimTime, f64)>>,
    /// The load curves' noise.
    pub noise: Xoshiro256PlusPlus,
    /// Noise on memory curves, its own stream so CPU noise draws do not move.
    pub ram_noise: Xoshiro256PlusPlus,
}
