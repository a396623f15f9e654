//! `[migration]`: the live-migration model (simple or pre-copy), its bandwidth share and
//! overheads.

use super::checks::{Check, at_least_one, fraction};
use crate::model::migration::MigrationEnergy;
use crate::scenario::error::FieldError;
use crate::scenario::file::{
    MigrationEnergySpec, MigrationModelSpec, MigrationPresetSpec, MigrationSpec,
};
use crate::scenario::limits;
use crate::sim::setup::{MigrationModel, MigrationSetup, Precopy};

/// Compiles the migration model; the cloudsim preset changes defaults, set fields still win.
/// Under the cloudsim profile (`cloudsim_profile`) migrations cost no energy beyond CPU.
pub(super) fn compile(m: &MigrationSpec, cloudsim_profile: bool) -> Check<MigrationSetup> {
    let cloudsim = m.preset == Some(MigrationPresetSpec::Cloudsim);
    if cloudsim && m.model != MigrationModelSpec::Simple {
        return Err(FieldError::new(
            "migration.model",
            "the \"cloudsim\" preset uses the \"simple\" model; remove `preset` to use \"precopy\"",
        ));
    }
    let share = fraction(
        "migration.bandwidth_share",
        m.bandwidth_share
            .unwrap_or(if cloudsim { 0.5 } else { 1.0 }),
    )?;
    if share == 0.0 {
        return Err(FieldError::new(
            "migration.bandwidth_share",
            "must be above 0 (a migration needs some bandwidth)",
        ));
    }
    let overhead = limits::CPU_OVERHEAD.check("migration.cpu_overhead", m.cpu_overhead)?;
    let model = match m.model {
        MigrationModelSpec::Simple => MigrationModel::Simple,
        MigrationModelSpec::Precopy => {
            let dirty_mb_s =
                limits::DIRTY_RATE_MBPS.check("migration.dirty_rate", m.dirty_rate.0)? / 8.0;
            at_least_one("migration.max_rounds", m.max_rounds, "round")?;
            limits::MAX_ROUNDS.check_count("migration.max_rounds", m.max_rounds)?;
            MigrationModel::Precopy(Precopy {
                dirty_mb_s,
                max_rounds: m.max_rounds,
                max_downtime: limits::check_duration(
                    "migration.max_downtime",
                    m.max_downtime,
                    0,
                    limits::MAX_STATE_TIME_MS,
                )?,
            })
        }
    };
    Ok(MigrationSetup {
        model,
        bandwidth_share: share,
        // CloudSim charges the extra CPU on the destination only.
        overhead_source: if cloudsim { 0.0 } else { overhead },
        overhead_destination: overhead,
        degradation: fraction("migration.degradation", m.degradation)?,
        max_concurrent: m.max_concurrent as usize,
        energy: energy(&m.energy, cloudsim, cloudsim_profile)?,
    })
}

/// Liu et al. 2011 (HPDC, Xen): migration energy ≈ 0.5 J per MB sent + 20 J per migration.
const JOULES_PER_MB: f64 = 0.5;
/// See [`JOULES_PER_MB`].
const JOULES_PER_MIGRATION: f64 = 20.0;

/// `[migration.energy]`: Liu et al.'s fit by default, none under the cloudsim preset; the
/// cloudsim profile's accounting has no such term, so setting it there is an error.
fn energy(e: &MigrationEnergySpec, preset: bool, profile: bool) -> Check<MigrationEnergy> {
    if profile {
        return if e.is_set() {
            Err(FieldError::new(
                "migration.energy",
                "is not modelled under the cloudsim profile (CloudSim counts a migration's CPU overhead only); remove it or use simulation.profile = \"realistic\"",
            ))
        } else {
            Ok(MigrationEnergy::NONE)
        };
    }
    let (per_mb, fixed) = if preset {
        (0.0, 0.0)
    } else {
        (JOULES_PER_MB, JOULES_PER_MIGRATION)
    };
    let per_mb = limits::JOULES_PER_MB.check(
        "migration.energy.joules_per_mb",
        e.joules_per_mb.unwrap_or(per_mb),
    )?;
    let fixed = limits::JOULES_PER_MIGRATION.check(
        "migration.energy.joules_per_migration",
        e.joules_per_migration.unwrap_or(fixed),
    )?;
    let network = limits::JOULES_PER_GB.check(
        "migration.energy.network_joules_per_gb",
        e.network_joules_per_gb.unwrap_or(0.0),
    )?;
    let share = fraction(
        "migration.energy.source_share",
        e.source_share.unwrap_or(0.5),
    )?;
    Ok(MigrationEnergy::new(per_mb, fixed, network, share))
}
