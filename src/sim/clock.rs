//! The clock part of a run: simulated time and the events due.

use super::Event;
use crate::engine::EventQueue;
use crate::time::SimTime;

/// Simulated time and what is due: events ordered by (time, insertion sequence).
pub(crate) struct Clock {
    /// The current time.
    pub now: SimTime,
    /// Events to come.
    pub queue: EventQueue<Event>,
    /// Events run so far.
    pub events: u64,
}
