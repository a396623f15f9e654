//! The scenario file format, version 1: what a planner writes, one module per section.
//! Every field and its default is documented in `docs/scenario.md`; serde rejects unknown
//! fields so a typo never goes unnoticed. Each type here ends in `Spec` (see the naming rule
//! in [`crate::scenario`]); [`crate::scenario::compile`] turns them into the simulator's types.

mod carbon;
mod defaults;
mod dpm;
mod electricity;
mod failures;
mod hosts;
mod loads;
mod migration;
mod policy;
mod racks;
mod requests;
mod services;
mod simulation;
mod traces;
mod vm_types;
mod vms;

pub use carbon::*;
pub use dpm::*;
pub use electricity::*;
pub use failures::*;
pub use hosts::*;
pub use loads::*;
pub use migration::*;
pub use policy::*;
pub use racks::*;
pub use requests::*;
pub use services::*;
pub use simulation::*;
pub use traces::*;
pub use vm_types::*;
pub use vms::*;

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Format version; only `1` exists.
    pub version: u32,
    /// Name, seed, duration and control interval.
    pub simulation: SimulationSpec,
    /// Host classes: the hypervisor fleet.
    pub hosts: Vec<HostClassSpec>,
    /// VM shapes, referred to by name from `vms`.
    pub vm_types: Vec<VmTypeSpec>,
    /// VM groups: the initial population (and later arrivals), each with a load curve or a
    /// trace.
    #[serde(default)]
    pub vms: Vec<VmGroupSpec>,
    /// Named load curves, referred to by `vms[].load`.
    #[serde(default)]
    pub loads: BTreeMap<String, LoadCurveSpec>,
    /// Placement, consolidation and power-management policies.
    #[serde(default)]
    pub policy: PolicySpec,
    /// Live-migration model.
    #[serde(default)]
    pub migration: MigrationSpec,
    /// Electricity price and facility overhead.
    #[serde(default)]
    pub electricity: ElectricitySpec,
    /// Recorded utilisation traces, referred to by `vms[].trace`.
    #[serde(default)]
    pub traces: BTreeMap<String, TraceSpec>,
    /// How VM requests wait, and the day/night boundaries of their arrival rates.
    #[serde(default)]
    pub requests: RequestsSpec,
    /// Teams submitting batches of VMs during the run.
    #[serde(default)]
    pub teams: Vec<TeamSpec>,
    /// Replicated services scaled by a schedule or an autoscaler.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    /// Grid carbon intensity, embodied emissions and carbon-aware deferral; absent = no
    /// carbon accounting.
    #[serde(default)]
    pub carbon: Option<CarbonSpec>,
    /// Host failures: a failure trace and the HA restart delay; absent = hosts never fail
    /// unless a host class sets `failure`.
    #[serde(default)]
    pub failures: Option<FailuresSpec>,
    /// Racks and their top-of-rack switches; absent = no racks, no switch power.
    #[serde(default)]
    pub racks: Option<RacksSpec>,
}
