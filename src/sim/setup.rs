//! The validated input of one simulation run, in the simulator's units.

use crate::model::host::HostClass;
use crate::model::load::LoadCurve;
use crate::model::tariff::Tariff;
use crate::model::vm::VmType;
use crate::scenario::FitBasis;
use crate::time::SimTime;

/// A group of identical VMs that arrive together and follow one load curve.
#[derive(Debug, Clone, PartialEq)]
pub struct VmGroup {
    /// Group name.
    pub name: String,
    /// Index into [`Setup::vm_types`].
    pub vm_type: usize,
    /// Number of VMs.
    pub count: u32,
    /// Index into [`Setup::loads`].
    pub load: usize,
    /// Arrival time.
    pub start: SimTime,
    /// Run time after arrival; `None` = until the end.
    pub lifetime: Option<SimTime>,
}

/// Consolidation settings: policy names and parameters, built into policies at run start.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsolidationSetup {
    /// Overload detector name.
    pub overload: String,
    /// Its parameter, if set.
    pub overload_param: Option<f64>,
    /// VM selection name.
    pub selection: String,
    /// Destination placement name.
    pub placement: String,
    /// Hosts below this utilisation are evacuated (0 = never).
    pub underload_threshold: f64,
}

/// Power-management settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerSetup {
    /// Power policy name.
    pub name: String,
    /// Headroom parameter.
    pub headroom: f64,
    /// Hosts always kept on.
    pub min_hosts_on: usize,
    /// Time an empty host waits before it may be switched off.
    pub idle_grace: SimTime,
}

/// Live-migration settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationSetup {
    /// Fraction of the slower link a migration uses.
    pub bandwidth_share: f64,
    /// Extra CPU on source and destination, fraction of the VM's demand.
    pub cpu_overhead: f64,
    /// Fraction of demand the migrating VM loses.
    pub degradation: f64,
}

/// Everything a run needs; built from a scenario by [`crate::scenario::compile`].
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Scenario name.
    pub name: String,
    /// Root seed of every random stream.
    pub seed: u64,
    /// Simulated span.
    pub duration: SimTime,
    /// Control-loop period.
    pub control_interval: SimTime,
    /// Load re-sampling period.
    pub load_step: SimTime,
    /// Host classes.
    pub host_classes: Vec<HostClass>,
    /// Class index of each host, in host-id order.
    pub hosts: Vec<usize>,
    /// VM shapes.
    pub vm_types: Vec<VmType>,
    /// VM groups.
    pub groups: Vec<VmGroup>,
    /// Load curves.
    pub loads: Vec<LoadCurve>,
    /// Initial placement policy name.
    pub initial_placement: String,
    /// What initial placement counts as a VM's CPU need.
    pub initial_fit: FitBasis,
    /// Consolidation, if enabled.
    pub consolidation: Option<ConsolidationSetup>,
    /// Power management.
    pub power: PowerSetup,
    /// Live migration.
    pub migration: MigrationSetup,
    /// Electricity tariff.
    pub tariff: Tariff,
    /// Currency label.
    pub currency: String,
    /// Power usage effectiveness.
    pub pue: f64,
}

impl Setup {
    /// The always-on baseline of the same workload: every host on, no consolidation.
    pub fn baseline(&self) -> Setup {
        Setup {
            consolidation: None,
            power: PowerSetup {
                name: "always-on".into(),
                ..self.power.clone()
            },
            ..self.clone()
        }
    }

    /// Total number of VMs over all groups.
    pub fn vm_count(&self) -> usize {
        self.groups.iter().map(|g| g.count as usize).sum()
    }
}
