//! VM selection: which VM leaves an over-loaded host first.

use super::Entry;

/// A VM that may be migrated away, as a selection policy sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VmCandidate {
    /// Memory, MB (sets the migration time).
    pub ram_mb: f64,
    /// Current CPU demand, MIPS.
    pub demand_mips: f64,
    /// Size, MIPS (vCPUs x MIPS per vCPU).
    pub size_mips: f64,
}

/// A VM selection policy.
pub trait VmSelection: Send {
    /// Index in `candidates` of the VM to migrate next; `None` if empty.
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize>;
}

/// Index of the first minimum of `key` (ties go to the earliest candidate).
pub fn argmin(candidates: &[VmCandidate], key: impl Fn(&VmCandidate) -> f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in candidates.iter().enumerate() {
        let k = key(c);
        if best.is_none_or(|(_, b)| k < b) {
            best = Some((i, k));
        }
    }
    best.map(|(i, _)| i)
}

/// Minimum migration time (MMT): the VM with the least RAM.
pub struct MinimumMigrationTime;
impl VmSelection for MinimumMigrationTime {
    fn select(&mut self, candidates: &[VmCandidate]) -> Option<usize> {
        argmin(candidates, |c| c.ram_mb)
    }
}

/// Every VM selection policy, by scenario name.
pub const SELECTIONS: &[Entry<dyn VmSelection>] = &[Entry {
    name: "mmt",
    summary: "minimum migration time: least RAM first",
    build: |_, _| Box::new(MinimumMigrationTime),
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmt_picks_least_ram_and_first_on_ties() {
        let c = |ram| VmCandidate {
            ram_mb: ram,
            demand_mips: 1.0,
            size_mips: 1.0,
        };
        assert_eq!(
            MinimumMigrationTime.select(&[c(870.0), c(613.0), c(613.0), c(1740.0)]),
            Some(1)
        );
        assert_eq!(MinimumMigrationTime.select(&[]), None);
    }
}
