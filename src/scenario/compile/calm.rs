//! `[policy.calm]`: maintenance windows, migration budgets, the per-VM cool-down and daily
//! cap, and the benefit bar, checked and compiled into a [`CalmSetup`].

use super::checks::{Check, at_least_one};
use crate::policy::window::{Windows, parse_entry};
use crate::scenario::error::FieldError;
use crate::scenario::file::{BenefitSpec, CalmSpec, ProfileSpec};
use crate::scenario::limits;
use crate::sim::setup::CalmSetup;

/// Checks `c` and compiles it; the `cloudsim` profile follows CloudSim's loop and takes none.
pub(super) fn compile(c: &CalmSpec, profile: ProfileSpec) -> Check<CalmSetup> {
    if profile == ProfileSpec::Cloudsim && *c != CalmSpec::default() {
        return Err(FieldError::new(
            "policy.calm",
            "must be left unset under the cloudsim profile (CloudSim's loop has no windows or budgets); use profile = \"realistic\"",
        ));
    }
    let window = match &c.window {
        None => None,
        Some(entries) if entries.is_empty() => {
            return Err(FieldError::new(
                "policy.calm.window",
                "is empty, which would forbid consolidation and power-down for good; leave it unset to allow them at any time, or list windows such as \"Mon-Fri 22:00-06:00\"",
            ));
        }
        Some(entries) => Some(Windows {
            entries: entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    parse_entry(e).map_err(|why| {
                        FieldError::new(
                            format!("policy.calm.window[{i}]"),
                            format!("\"{e}\": {why}"),
                        )
                    })
                })
                .collect::<Check<_>>()?,
        }),
    };
    let cap = |key: &str, v: Option<u32>| -> Check<Option<u32>> {
        v.map(|v| at_least_one(key, v, "migration")).transpose()
    };
    let defaults = CalmSetup::default();
    Ok(CalmSetup {
        window,
        relief_outside_window: c
            .relief_outside_window
            .unwrap_or(defaults.relief_outside_window),
        max_per_tick: cap("policy.calm.max_per_tick", c.max_per_tick)?,
        max_per_hour: cap("policy.calm.max_per_hour", c.max_per_hour)?,
        vm_cooldown: match c.vm_cooldown {
            None => 0,
            Some(d) => {
                limits::check_duration("policy.calm.vm_cooldown", d, 0, limits::MAX_DURATION_MS)?
            }
        },
        vm_daily_cap: cap("policy.calm.vm_daily_cap", c.vm_daily_cap)?,
        benefit_host_off: c.benefit == Some(BenefitSpec::HostOff),
    })
}
