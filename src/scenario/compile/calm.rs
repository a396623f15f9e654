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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::units::Duration;
    use crate::time::MS_PER_HOUR;

    fn window(entries: &[&str]) -> CalmSpec {
        CalmSpec {
            window: Some(entries.iter().map(|e| e.to_string()).collect()),
            ..CalmSpec::default()
        }
    }

    #[test]
    fn unset_compiles_to_no_limit_and_set_fields_to_their_units() {
        let none = compile(&CalmSpec::default(), ProfileSpec::Realistic).unwrap();
        assert!(!none.is_active() && none.relief_outside_window);
        let spec = CalmSpec {
            vm_cooldown: Some(Duration(2 * MS_PER_HOUR)),
            vm_daily_cap: Some(3),
            benefit: Some(BenefitSpec::HostOff),
            ..window(&["Mon-Fri 22:00-06:00", "Sat-Sun 00:00-24:00"])
        };
        let c = compile(&spec, ProfileSpec::Realistic).unwrap();
        assert_eq!(c.window.unwrap().entries.len(), 2);
        assert_eq!((c.vm_cooldown, c.vm_daily_cap), (2 * MS_PER_HOUR, Some(3)));
        assert!(c.benefit_host_off);
    }

    #[test]
    fn a_bad_entry_is_named_by_its_index_and_text() {
        let e = compile(
            &window(&["22:00-06:00", "Sat 7:00-9:00"]),
            ProfileSpec::Realistic,
        )
        .unwrap_err();
        assert_eq!(e.key, "policy.calm.window[1]");
        assert!(
            e.message
                .starts_with("\"Sat 7:00-9:00\": \"7:00\" is not a time of day")
        );
        let e = compile(&window(&[]), ProfileSpec::Realistic).unwrap_err();
        assert_eq!(e.key, "policy.calm.window");
    }

    #[test]
    fn zero_caps_and_any_calm_under_cloudsim_are_refused() {
        let zero = CalmSpec {
            max_per_tick: Some(0),
            ..CalmSpec::default()
        };
        let e = compile(&zero, ProfileSpec::Realistic).unwrap_err();
        assert_eq!(e.key, "policy.calm.max_per_tick");
        let e = compile(&window(&["22:00-06:00"]), ProfileSpec::Cloudsim).unwrap_err();
        assert_eq!(e.key, "policy.calm");
        assert!(compile(&CalmSpec::default(), ProfileSpec::Cloudsim).is_ok());
    }
}
