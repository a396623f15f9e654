//! Validation and compilation of a parsed scenario into a [`Setup`], one module per section
//! of the file; every check fails with the key path and what would be valid. [`compile`] is
//! the order the sections are checked in: a scenario with several mistakes is always told
//! the same first one.

mod bind;
mod calm;
mod carbon;
mod catalogue;
mod checks;
mod dpm;
mod electricity;
mod failures;
mod hosts;
mod lifetime;
mod loads;
mod migration;
mod policy;
mod profile;
mod racks;
mod requests;
mod rules;
mod services;
mod simulation;
mod traces;
mod vm_types;
mod vms;
#[cfg(test)]
mod workload_tests;

pub use bind::bind_traces;

use crate::scenario::error::FieldError;
use crate::scenario::file::ScenarioSpec;
use crate::scenario::limits;
use crate::sim::setup::Setup;

/// Validates `s` and compiles it into a [`Setup`].
pub fn compile(s: &ScenarioSpec) -> Result<Setup, FieldError> {
    version(s.version)?;
    let sim = &s.simulation;
    let clock = simulation::clock(sim)?;
    services::check_autoscale_intervals(&s.services)?;
    limits::check(s)?;
    let fleet = hosts::compile(&s.hosts, sim.host_order)?;
    let vm_types = vm_types::compile(&s.vm_types)?;
    let load_names: Vec<&String> = s.loads.keys().collect();
    let loads = loads::compile(&s.loads)?;
    let traces = traces::compile(&s.traces)?;
    let groups = vms::compile(s, &vm_types, &fleet.classes, &fleet.hosts, &load_names)?;
    let requests = requests::compile(s, &vm_types, &fleet.classes, &load_names)?;
    let services = services::compile(s, &vm_types, &fleet.classes, &load_names, clock.interval)?;
    let policies = policy::compile(&s.policy, fleet.hosts.len())?;
    let warmup = simulation::warmup(sim, clock.duration)?;
    let high_utilisation = simulation::high_utilisation(sim)?;
    let start_ms = simulation::start(sim)?;
    let migration = migration::compile(
        &s.migration,
        s.simulation.profile == crate::scenario::file::ProfileSpec::Cloudsim,
    )?;
    let profile = profile::compile(s, &migration, policies.consolidation.as_ref(), &clock)?;
    let conflicts = policy::conflicts(&s.policy.conflicts)?;
    let calm = calm::compile(&s.policy.calm, sim.profile)?;
    let tariff = electricity::tariff(&s.electricity)?;
    let night = simulation::night(&sim.night)?;
    let dpm = dpm::compile(&s.policy.power.dpm, fleet.hosts.len())?;
    let power = policy::power(&s.policy.power, policies.headroom, dpm)?;
    let carbon = carbon::compile(s, &fleet.classes)?;
    let failures = failures::compile(s)?;
    let racks = racks::compile(s, &fleet.hosts)?;
    let fits = policy::fits(
        s.policy.initial_fit,
        policies.consolidation.is_some(),
        sim.profile,
    );
    Ok(Setup {
        name: sim.name.clone(),
        seed: sim.seed,
        duration: clock.duration,
        warmup,
        night,
        control_interval: clock.interval,
        load_step: clock.load_step,
        host_classes: fleet.classes,
        hosts: fleet.hosts,
        vm_types,
        groups,
        loads,
        initial_placement: s.policy.initial_placement.clone(),
        initial_fit: fits.initial,
        startup_fit: fits.startup,
        baseline_startup_fit: fits.baseline_startup,
        consolidation: policies.consolidation,
        power,
        migration,
        conflicts,
        calm,
        tariff,
        currency: s.electricity.currency.clone(),
        pue: s.electricity.pue,
        traces,
        requests,
        services,
        profile,
        high_utilisation,
        carbon,
        start_ms,
        failures,
        racks,
    })
}

/// `version`: only 1 exists.
fn version(v: u32) -> Result<(), FieldError> {
    if v == 1 {
        Ok(())
    } else {
        Err(FieldError::new(
            "version",
            format!("unsupported version {v}; this nightshift reads version 1"),
        ))
    }
}
