//! `simulation.profile`: the modelling choices, and what the `cloudsim` profile requires of
//! the rest of the scenario.

use super::checks::Check;
use super::simulation::Clock;
use crate::scenario::error::FieldError;
use crate::scenario::file::{ProfileSpec, ScenarioSpec};
use crate::sim::setup::{ConsolidationSetup, MigrationModel, MigrationSetup, Profile};

/// The profile of `s`, checked against its compiled migration model, consolidation and clock.
pub(super) fn compile(
    s: &ScenarioSpec,
    migration: &MigrationSetup,
    consolidation: Option<&ConsolidationSetup>,
    clock: &Clock,
) -> Check<Profile> {
    Ok(match s.simulation.profile {
        ProfileSpec::Realistic => Profile::Realistic,
        ProfileSpec::Cloudsim => {
            check_cloudsim_network(s)?;
            check_cloudsim_memory(s)?;
            check_cloudsim(migration, clock.interval, clock.duration)?;
            check_cloudsim_workload(s)?;
            if consolidation.is_some_and(|c| c.destination_headroom > 0.0) {
                return Err(FieldError::new(
                    "policy.consolidation.destination_headroom",
                    "must be 0 under the cloudsim profile (CloudSim only keeps a destination from becoming over-loaded)",
                ));
            }
            if consolidation.is_some_and(|c| c.all_dimensions) {
                return Err(FieldError::new(
                    "policy.consolidation.dimensions",
                    "must be \"cpu\" under the cloudsim profile (CloudSim judges over-load and under-load by CPU alone); use profile = \"realistic\" to judge RAM and disk too",
                ));
            }
            Profile::Cloudsim
        }
    })
}

/// Network reservations (`vm_types[].network`) need the realistic profile: the `cloudsim`
/// profile reproduces the reference experiment's placement and consolidation, and models no
/// bandwidth reservations.
fn check_cloudsim_network(s: &ScenarioSpec) -> Check<()> {
    match s
        .vm_types
        .iter()
        .position(|t| t.network.is_some_and(|n| n.0 > 0.0))
    {
        None => Ok(()),
        Some(i) => Err(FieldError::new(
            format!("vm_types[{i}].network"),
            "needs the realistic profile: `simulation.profile = \"cloudsim\"` reproduces CloudSim's placement as the reference experiment runs it, without network reservations; remove it or use profile = \"realistic\"",
        )),
    }
}

/// What the `cloudsim` profile needs: CloudSim's migration model (one copy of the RAM at a
/// fixed rate, started at once) and room for its offset control ticks.
fn check_cloudsim(m: &MigrationSetup, interval: u64, duration: u64) -> Check<()> {
    if m.model != MigrationModel::Simple {
        return Err(FieldError::new(
            "migration.model",
            "the cloudsim profile uses the \"simple\" model (CloudSim copies the RAM once); use preset = \"cloudsim\"",
        ));
    }
    if m.max_concurrent != 0 {
        return Err(FieldError::new(
            "migration.max_concurrent",
            "must be 0 under the cloudsim profile (CloudSim starts every migration at once)",
        ));
    }
    if interval + crate::sim::cloudsim::TICK_OFFSET >= duration {
        return Err(FieldError::new(
            "simulation.control_interval",
            "under the cloudsim profile the first update runs 0.1 s after the first interval: make the duration longer than the interval",
        ));
    }
    Ok(())
}

/// What the `cloudsim` profile runs: the VMs of `[[vms]]` groups (curves or traces, at the
/// start or later). CloudSim's study has no team requests or scaled services, and the
/// profile's accounting (hosts switching on and off instantly with their load, per-VM state
/// histories of the VMs set up at the start) does not model what they measure: waits for
/// capacity and boots.
fn check_cloudsim_workload(s: &ScenarioSpec) -> Check<()> {
    let refuse = |what: &str| {
        FieldError::new(
            format!("{what}[0]"),
            format!(
                "[[{what}]] is not supported under the cloudsim profile, which runs [[vms]] groups only (curves or traces); remove it or use profile = \"realistic\""
            ),
        )
    };
    if !s.teams.is_empty() {
        return Err(refuse("teams"));
    }
    if !s.services.is_empty() {
        return Err(refuse("services"));
    }
    Ok(())
}

/// The `cloudsim` profile models neither over-commit ratios nor memory demand over time:
/// CloudSim's study reserves each VM's RAM, which never moves (see docs/scenario.md).
fn check_cloudsim_memory(s: &ScenarioSpec) -> Check<()> {
    if let Some(i) = s.hosts.iter().position(|h| h.overcommit.is_some()) {
        return Err(FieldError::new(
            format!("hosts[{i}].overcommit"),
            "over-commit ratios are not modelled under the cloudsim profile (CloudSim reserves RAM by the VM's size, CPU by its demand); remove it or use profile = \"realistic\"",
        ));
    }
    if let Some(i) = s
        .vms
        .iter()
        .position(|g| g.ram_load.is_some() || g.ram_trace.is_some())
    {
        let field = if s.vms[i].ram_load.is_some() {
            "ram_load"
        } else {
            "ram_trace"
        };
        return Err(FieldError::new(
            format!("vms[{i}].{field}"),
            "memory demand over time is not modelled under the cloudsim profile (CloudSim's VMs use their RAM size throughout); remove it or use profile = \"realistic\"",
        ));
    }
    Ok(())
}
