//! `[policy.power.dpm]`: the DPM-style policy's target and tolerance (the high mark
//! `target + tolerance` at most 1, the low mark `target - tolerance` at least 0), its two
//! history windows and its HA reserve (fewer hosts than the fleet has).

use super::checks::{Check, fraction};
use crate::policy::dpm::DpmConfig;
use crate::quote::short;
use crate::scenario::error::FieldError;
use crate::scenario::file::DpmSpec;
use crate::scenario::limits;

/// Checks and compiles `[policy.power.dpm]` for a fleet of `hosts` hosts.
pub(super) fn compile(d: &DpmSpec, hosts: usize) -> Check<DpmConfig> {
    let target = fraction("policy.power.dpm.target", d.target)?;
    if target == 0.0 {
        return Err(FieldError::new(
            "policy.power.dpm.target",
            "must be above 0 (a target utilisation of 0 would keep every host on for no demand)",
        ));
    }
    let tolerance = fraction("policy.power.dpm.tolerance", d.tolerance)?;
    if tolerance > target || target + tolerance > 1.0 + 1e-12 {
        return Err(FieldError::new(
            "policy.power.dpm.tolerance",
            format!(
                "is {} but must be at most {} with target {}: the low mark (target - tolerance) must be at least 0 and the high mark (target + tolerance) at most 1",
                short(tolerance),
                short(target.min(1.0 - target)),
                short(target)
            ),
        ));
    }
    let window = |key: &str, v| limits::check_duration(key, v, 1, limits::MAX_DURATION_MS);
    let power_on_window = window("policy.power.dpm.power_on_window", d.power_on_window)?;
    let power_off_window = window("policy.power.dpm.power_off_window", d.power_off_window)?;
    if d.ha_reserve as usize >= hosts.max(1) {
        return Err(FieldError::new(
            "policy.power.dpm.ha_reserve",
            format!(
                "is {} but the fleet has {hosts} hosts: the reserve must leave at least one host for the demand (0 to {})",
                d.ha_reserve,
                hosts.saturating_sub(1)
            ),
        ));
    }
    Ok(DpmConfig {
        target,
        tolerance,
        power_on_window,
        power_off_window,
        ha_reserve: d.ha_reserve as usize,
    })
}
