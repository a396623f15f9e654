//! Workload models beyond load curves, in the simulator's units: trace replay on the
//! simulated timeline ([`replay`]), VM requests from teams ([`requests`]) and replicated
//! services scaled by a schedule or an autoscaler ([`scaling`]). Pure: no I/O, no clock.

pub mod replay;
pub mod requests;
pub mod scaling;
