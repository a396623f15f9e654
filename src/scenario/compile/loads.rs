//! `[loads.<name>]`: the load curves, in name order, which groups, teams and services name.

use super::checks::{Check, fraction};
use crate::model::load::{LoadCurve, Noise, Shape};
use crate::scenario::error::FieldError;
use crate::scenario::file::{LoadCurveSpec, NoiseSpec};
use crate::scenario::limits;
use std::collections::BTreeMap;

/// Compiles every load curve, in name order (the order their indexes follow).
pub(super) fn compile(loads: &BTreeMap<String, LoadCurveSpec>) -> Check<Vec<LoadCurve>> {
    loads
        .iter()
        .map(|(name, c)| compile_one(&format!("loads.{name}"), c))
        .collect()
}

/// Compiles load curve `c`, at `key` (`loads.<name>`).
fn compile_one(key: &str, c: &LoadCurveSpec) -> Check<LoadCurve> {
    let k = |f: &str| format!("{key}.{f}");
    let noise = |n: &Option<NoiseSpec>| -> Check<Option<Noise>> {
        Ok(match n {
            None => None,
            Some(NoiseSpec::Normal { sd }) => {
                Some(Noise::Normal(limits::NOISE.check(&k("noise.sd"), *sd)?))
            }
            Some(NoiseSpec::Uniform { half_width }) => Some(Noise::Uniform(
                limits::NOISE.check(&k("noise.half_width"), *half_width)?,
            )),
        })
    };
    Ok(match c {
        LoadCurveSpec::Constant { level, noise: n } => LoadCurve {
            shape: Shape::Constant(fraction(&k("level"), *level)?),
            weekend_factor: 1.0,
            noise: noise(n)?,
        },
        LoadCurveSpec::Sinusoid {
            trough,
            peak,
            peak_hour,
            weekend_factor,
            noise: n,
        } => {
            fraction(&k("trough"), *trough)?;
            fraction(&k("peak"), *peak)?;
            if trough > peak {
                return Err(FieldError::new(
                    k("trough"),
                    format!("must not exceed peak ({peak}), got {trough}"),
                ));
            }
            LoadCurve {
                shape: Shape::Sinusoid {
                    trough: *trough,
                    peak: *peak,
                    peak_hour: peak_hour.0,
                },
                weekend_factor: limits::WEEKEND_FACTOR
                    .check(&k("weekend_factor"), *weekend_factor)?,
                noise: noise(n)?,
            }
        }
        LoadCurveSpec::Hourly {
            levels,
            weekend_factor,
            noise: n,
        } => {
            let arr: [f64; 24] = levels.as_slice().try_into().map_err(|_| {
                FieldError::new(
                    k("levels"),
                    format!("needs 24 values (00:00 to 23:00), got {}", levels.len()),
                )
            })?;
            for (i, v) in arr.iter().enumerate() {
                fraction(&format!("{key}.levels[{i}]"), *v)?;
            }
            LoadCurve {
                shape: Shape::Hourly(arr),
                weekend_factor: limits::WEEKEND_FACTOR
                    .check(&k("weekend_factor"), *weekend_factor)?,
                noise: noise(n)?,
            }
        }
    })
}
