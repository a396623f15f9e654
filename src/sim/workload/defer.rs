//! Carbon-aware deferral (`[carbon.defer]`): a VM of deferrable work (a named team's request
//! or `[[vms]]` group) that arrives while the grid is dirtier than it will be within the
//! allowed delay waits, out of every queue, for the cleanest moment in that delay.

use crate::sim::Simulation;
use crate::sim::state::*;
use crate::time::SimTime;

impl Simulation<'_> {
    /// When `vm`, arriving at `at`, should start: `at` unless it is deferrable and a strictly
    /// cleaner intensity comes within its delay (and before the end of the run). A wait is
    /// counted in the run's deferral totals.
    pub(in crate::sim) fn deferred_start(&mut self, vm: VmId, at: SimTime) -> SimTime {
        let Some(c) = &self.setup.carbon else {
            return at;
        };
        let (Some(d), Some(intensity)) = (&c.defer, &c.intensity) else {
            return at;
        };
        let deferrable = match self.fleet.vms[vm].origin {
            Origin::Group(g) => d.groups[g],
            Origin::Request(r) => d.teams[self.workload.requests.team_of(r)],
            Origin::Service(_) => false,
        };
        if !deferrable {
            return at;
        }
        let latest = (at + d.max_delay).min(self.setup.duration.saturating_sub(1));
        let start = intensity.cleanest_start(at, latest.saturating_sub(at));
        if start > at {
            self.accounts.deferred.0 += 1;
            self.accounts.deferred.1 += start - at;
        }
        start
    }
}
