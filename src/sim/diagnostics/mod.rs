//! The diagnostics part of a run: the conflicts it logs ([`conflicts`]), the invariant
//! checker ([`check`]), and why it stopped.

pub(super) mod check;
pub mod conflicts;

use super::state::VmId;
use conflicts::{ConflictCounts, ConflictKind};
use std::collections::BTreeMap;

/// What the run reports about itself: conflicts, invariant checks, and why it stopped.
pub(crate) struct Diagnostics {
    /// Whether every invariant is checked after every event.
    pub check: bool,
    /// The first invariant violated, and after which event.
    pub violation: Option<String>,
    /// Why the run stopped early, if it did.
    pub failure: Option<String>,
    /// Conflicts logged, by kind.
    pub conflicts: ConflictCounts,
    /// VMs waiting on a logged conflict, and its kind.
    pub open_waits: BTreeMap<VmId, ConflictKind>,
}
