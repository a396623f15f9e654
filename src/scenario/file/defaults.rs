//! Defaults that several sections share, so that one value is documented once.

/// A core's (and a vCPU's) capacity when the scenario does not say: 1000 MIPS.
pub(super) fn default_mips() -> f64 {
    1000.0
}

/// A multiplier or fraction of 1.
pub(super) fn one() -> f64 {
    1.0
}

/// A count of 1.
pub(super) fn one_u32() -> u32 {
    1
}
