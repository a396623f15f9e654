//! `[failures]` and `hosts[].failure`: each class's failure model, the failure trace (read
//! later, by the pipeline) and the HA restart delay. Refused under the `cloudsim` profile,
//! whose accounting has no failures.

use super::checks::Check;
use crate::model::failure::{FailureModel, TimeLaw};
use crate::scenario::error::FieldError;
use crate::scenario::file::{HostFailureSpec, ProfileSpec, ScenarioSpec, TimeLawSpec};
use crate::scenario::limits;
use crate::sim::setup::FailureSetup;

/// The HA restart delay when `[failures]` does not set one: vSphere HA declares a host failed
/// after 15 s without heartbeats, then powers its VMs on elsewhere; a minute covers both
/// (see docs/scenario.md, `[failures]`).
pub const DEFAULT_RESTART_DELAY_MS: u64 = 60_000;

/// Checks and compiles failures, if the scenario has any (a `[failures]` section or a host
/// class with `failure`).
pub(super) fn compile(s: &ScenarioSpec) -> Check<Option<FailureSetup>> {
    let any_class = s.hosts.iter().any(|h| h.failure.is_some());
    if s.failures.is_none() && !any_class {
        return Ok(None);
    }
    if s.simulation.profile == ProfileSpec::Cloudsim {
        let key = if s.failures.is_some() {
            "failures".to_string()
        } else {
            let i = s
                .hosts
                .iter()
                .position(|h| h.failure.is_some())
                .unwrap_or(0);
            format!("hosts[{i}].failure")
        };
        return Err(FieldError::new(
            key,
            "needs the realistic profile: `simulation.profile = \"cloudsim\"` reproduces CloudSim's accounting, which has no host failures",
        ));
    }
    let spec = s.failures.clone().unwrap_or_default();
    let restart_delay = match spec.restart_delay {
        None => DEFAULT_RESTART_DELAY_MS,
        Some(d) => {
            limits::check_duration("failures.restart_delay", d, 0, limits::MAX_STATE_TIME_MS)?
        }
    };
    let mut models = Vec::with_capacity(s.hosts.len());
    for (i, h) in s.hosts.iter().enumerate() {
        models.push(match &h.failure {
            None => None,
            Some(f) => Some(model(&format!("hosts[{i}].failure"), f)?),
        });
    }
    let rack_model = match &spec.racks {
        None => None,
        Some(_) if s.racks.is_none() => {
            return Err(FieldError::new(
                "failures.racks",
                "racks fail as a unit only where there are racks: add a `[racks]` section (hosts_per_rack or names)",
            ));
        }
        Some(f) => Some(model("failures.racks", f)?),
    };
    let file = match spec.trace {
        Some(path) if path.trim().is_empty() => {
            return Err(FieldError::new(
                "failures.trace",
                "is empty: give the path of a CSV file `host,start_s,end_s` or `rack,start_s,end_s` (relative to the scenario)",
            ));
        }
        other => other,
    };
    Ok(Some(FailureSetup {
        restart_delay,
        models,
        file,
        trace: None,
        rack_model,
    }))
}

/// The failure model at `key` (`hosts[i].failure` or `failures.racks`).
fn model(key: &str, f: &HostFailureSpec) -> Check<FailureModel> {
    Ok(FailureModel {
        time_to_failure: law(&format!("{key}.time_to_failure"), &f.time_to_failure)?,
        time_to_repair: law(&format!("{key}.time_to_repair"), &f.time_to_repair)?,
    })
}

/// A time law at `key`: its times must be longer than zero (a repair of zero time is no
/// outage, a failure time of zero fails the host for ever).
fn law(key: &str, spec: &TimeLawSpec) -> Check<TimeLaw> {
    let positive = |k: &str, d: crate::scenario::units::Duration| -> Check<f64> {
        if d.ms() == 0 {
            return Err(FieldError::new(
                format!("{key}.{k}"),
                "must be longer than 0 s, e.g. \"4h\" or \"180d\"",
            ));
        }
        limits::check_duration(&format!("{key}.{k}"), d, 1, limits::MAX_DURATION_MS)
            .map(|ms| ms as f64)
    };
    Ok(match spec {
        TimeLawSpec::Exponential { mean } => TimeLaw::Exponential {
            mean_ms: positive("mean", *mean)?,
        },
        TimeLawSpec::Weibull { shape, scale } => TimeLaw::Weibull {
            shape: limits::WEIBULL_SHAPE.check(&format!("{key}.shape"), *shape)?,
            scale_ms: positive("scale", *scale)?,
        },
    })
}
