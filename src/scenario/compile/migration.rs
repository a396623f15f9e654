//! `[migration]`: the live-migration model (simple or pre-copy), its bandwidth share and
//! overheads.

use super::checks::{Check, at_least_one, fraction};
use crate::scenario::error::FieldError;
use crate::scenario::file::{MigrationModelSpec, MigrationPresetSpec, MigrationSpec};
use crate::scenario::limits;
use crate::sim::setup::{MigrationModel, MigrationSetup, Precopy};

/// Compiles the migration model; the cloudsim preset changes defaults, set fields still win.
pub(super) fn compile(m: &MigrationSpec) -> Check<MigrationSetup> {
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
    })
}
