//! `[electricity]`: the base price and the time-of-use tariff.

use super::checks::Check;
use crate::model::tariff::{Period, Tariff};
use crate::scenario::error::FieldError;
use crate::scenario::file::ElectricitySpec;
use crate::scenario::limits;

/// Checks the prices and PUE and compiles the tariff.
pub(super) fn tariff(e: &ElectricitySpec) -> Check<Tariff> {
    limits::PRICE_PER_KWH.check("electricity.price_per_kwh", e.price_per_kwh)?;
    limits::PUE.check("electricity.pue", e.pue)?;
    let mut periods = Vec::new();
    for (i, t) in e.tariff.iter().enumerate() {
        limits::PRICE_PER_KWH.check(
            &format!("electricity.tariff[{i}].price_per_kwh"),
            t.price_per_kwh,
        )?;
        if t.from == t.to {
            return Err(FieldError::new(
                format!("electricity.tariff[{i}].to"),
                "must differ from `from` (an empty period)",
            ));
        }
        periods.push(Period::from_hours(t.from.0, t.to.0, t.price_per_kwh));
    }
    Ok(Tariff {
        base: e.price_per_kwh,
        periods,
    })
}
