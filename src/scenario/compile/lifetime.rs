//! VM lifetimes (`vms[].lifetime`, `teams[].lifetime`): a fixed duration or a distribution.

use super::checks::Check;
use crate::model::lifetime::Lifetime;
use crate::scenario::error::FieldError;
use crate::scenario::file::{LifetimeDistributionSpec, LifetimeSpec};
use crate::scenario::limits;
use crate::scenario::units::Duration;

/// Compiles a lifetime (`vms[].lifetime`, `teams[].lifetime`) at `key`.
pub(super) fn compile(key: &str, spec: &LifetimeSpec) -> Check<Lifetime> {
    let positive_ms = |k: &str, d: Duration| -> Check<f64> {
        if d.ms() == 0 {
            Err(FieldError::new(
                format!("{key}{k}"),
                "must be longer than 0 s, e.g. \"2h\"",
            ))
        } else {
            limits::check_duration(&format!("{key}{k}"), d, 1, limits::MAX_DURATION_MS)
                .map(|ms| ms as f64)
        }
    };
    Ok(match spec {
        LifetimeSpec::Fixed(d) => Lifetime::Fixed(positive_ms("", *d)? as u64),
        LifetimeSpec::Drawn(LifetimeDistributionSpec::Exponential { mean }) => {
            Lifetime::Exponential {
                mean_ms: positive_ms(".mean", *mean)?,
            }
        }
        LifetimeSpec::Drawn(LifetimeDistributionSpec::Uniform { min, max }) => {
            let min_ms = positive_ms(".min", *min)?;
            let max_ms = positive_ms(".max", *max)?;
            if max_ms < min_ms {
                return Err(FieldError::new(
                    format!("{key}.max"),
                    format!("must be at least min ({min}), got {max}"),
                ));
            }
            Lifetime::Uniform { min_ms, max_ms }
        }
        LifetimeSpec::Drawn(LifetimeDistributionSpec::Lognormal { median, sigma }) => {
            Lifetime::LogNormal {
                median_ms: positive_ms(".median", *median)?,
                sigma: limits::SIGMA.check(&format!("{key}.sigma"), *sigma)?,
            }
        }
    })
}
