//! Checks that several sections share: a fraction, a count of at least one, a policy name.

use crate::policy::{Entry, lookup, names};
use crate::scenario::error::FieldError;
use crate::scenario::limits::short;
use crate::scenario::units::TimeOfDay;
use crate::time::{MS_PER_HOUR, SimTime};

/// A compiled value, or the first problem found at its key.
pub(super) type Check<T> = Result<T, FieldError>;

/// `v` if it is a fraction between 0 and 1, else an error at `key`.
pub(super) fn fraction(key: &str, v: f64) -> Check<f64> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            key,
            format!("must be a fraction between 0 and 1 (got {})", short(v)),
        ))
    }
}

/// `v` if it is at least 1, else an error at `key` saying "at least 1 `what`".
pub(super) fn at_least_one(key: &str, v: u32, what: &str) -> Check<u32> {
    if v >= 1 {
        Ok(v)
    } else {
        Err(FieldError::new(
            key,
            format!("must be at least 1 {what} (got 0)"),
        ))
    }
}

/// An error at `key` unless `name` is in the policy registry `table`; it lists the valid names.
pub(super) fn policy_name<T: ?Sized>(key: &str, table: &[Entry<T>], name: &str) -> Check<()> {
    lookup(table, name).map(|_| ()).ok_or_else(|| {
        FieldError::new(
            key,
            format!("unknown policy \"{name}\"; valid: {}", names(table)),
        )
    })
}

/// A time of day in milliseconds since midnight.
pub(super) fn tod_ms(t: TimeOfDay) -> SimTime {
    (t.0 * MS_PER_HOUR as f64).round() as SimTime
}
