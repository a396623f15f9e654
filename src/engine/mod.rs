//! The discrete-event core: the event queue and the simulation's event types.

mod queue;

pub use queue::EventQueue;
