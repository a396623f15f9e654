//! The policies part of a run: the decisions it makes (placement, consolidation, power) and
//! the constants they read.

use super::Consolidation;
use super::calm::Calm;
use super::day_mix::DayMix;
use crate::policy::placement::Placement;
use crate::policy::power::PowerPolicy;
use crate::sim::setup::FitBasis;
use std::rc::Rc;

/// The decisions of a run and the constants they read.
pub(crate) struct Policies {
    /// Where new VMs go.
    pub initial_placement: Box<dyn Placement>,
    /// Consolidation's detector, placement and numbers, if the run consolidates (its VM
    /// selection is held by the run loop: [`super::Selection`]).
    pub consolidation: Option<Rc<Consolidation>>,
    /// Which hosts to power up and down.
    pub power: Box<dyn PowerPolicy>,
    /// What placement counts as a new VM's CPU need now: the start-up basis while the VMs of
    /// time 0 are placed, then the scenario's.
    pub fit: FitBasis,
    /// What the maintenance windows and migration budgets remember and refused.
    pub calm: Calm,
    /// The committed mix the evacuation order ranks host classes by, averaged over a day.
    pub evacuation_mix: DayMix,
    /// On hosts draw their peak power whatever their load (the `npa` power policy).
    pub peak_draw: bool,
    /// Whether a copy's rate is fixed once it starts: the simple migration model on links all
    /// of one speed (no copy then needs re-rating when another starts or ends).
    pub fixed_rates: bool,
    /// vCPUs per MIPS of each VM type: a VM's demand in vCPUs is its MIPS times this.
    pub cores_per_mips: Vec<f64>,
}
