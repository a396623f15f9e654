//! A recorder wrapper that reports how far a run has got, for a progress bar.

use crate::sim::records::{ConflictRow, FailureRow, IntervalRow, MigrationRow, Recorder};

/// Forwards every row to `inner`, and after each timeseries row calls `report` with the
/// simulated time reached, in seconds.
pub struct Progress<'a, R> {
    /// The recorder that keeps the rows.
    pub inner: R,
    /// Called with the simulated time of each timeseries row.
    pub report: &'a dyn Fn(f64),
}

impl<R: Recorder> Recorder for Progress<'_, R> {
    fn interval(&mut self, row: &IntervalRow) {
        self.inner.interval(row);
        (self.report)(row.time_s);
    }
    fn migration(&mut self, row: &MigrationRow) {
        self.inner.migration(row);
    }
    fn conflict(&mut self, row: &ConflictRow) {
        self.inner.conflict(row);
    }
    fn failure(&mut self, row: &FailureRow) {
        self.inner.failure(row);
    }
    fn wants_host_utilisation(&self) -> bool {
        self.inner.wants_host_utilisation()
    }
    fn host_utilisation(&mut self, time_s: f64, hosts: &[Option<f64>]) {
        self.inner.host_utilisation(time_s, hosts);
    }
}
