//! Trace replay in the simulation: each trace moves to its next sample at its own interval,
//! and its VMs' demands follow.

use super::state::*;
use super::{Event, Simulation};
use crate::trace::{Level, Replay};

/// A trace being replayed: the replay and every trace VM's current level.
pub(crate) struct TraceRun {
    replay: Box<dyn Replay>,
    levels: Vec<Level>,
}

impl TraceRun {
    pub(crate) fn new(replay: Box<dyn Replay>) -> Self {
        TraceRun {
            replay,
            levels: Vec::new(),
        }
    }
}

impl Simulation<'_> {
    /// Reads every trace's levels at time 0 and schedules each trace's next step.
    pub(super) fn start_traces(&mut self) -> Result<(), String> {
        for t in 0..self.traces.len() {
            let vms = self.setup.traces[t].grid.map_or(0, |g| g.vms);
            self.traces[t].levels = vec![0; vms];
            self.seek_trace(t)?;
        }
        Ok(())
    }

    /// Moves trace `t` to the step replayed now and schedules its next step.
    fn seek_trace(&mut self, t: usize) -> Result<(), String> {
        let setup = &self.setup.traces[t];
        let run = &mut self.traces[t];
        run.replay
            .seek(setup.step_at(self.now), &mut run.levels)
            .map_err(|e| e.to_string())?;
        let next = setup.next_step_time(self.now);
        if next < self.setup.duration {
            self.queue.push(next, Event::TraceStep(t));
        }
        Ok(())
    }

    /// The current level of VM `column` of trace `t`, as a fraction of the VM's CPU.
    pub(super) fn trace_fraction(&self, t: usize, column: u32) -> f64 {
        let level = self.traces[t]
            .levels
            .get(column as usize)
            .copied()
            .unwrap_or(0);
        self.setup.traces[t].fraction(level)
    }

    pub(super) fn on_trace_step(&mut self, t: usize) {
        self.accrue_all();
        if let Err(e) = self.seek_trace(t) {
            self.failure = Some(e);
            return;
        }
        for vm in 0..self.vms.len() {
            let Demand::Trace { trace, column } = self.vms[vm].demand else {
                continue;
            };
            if trace != t || matches!(self.vms[vm].state, VmState::Pending | VmState::Ended) {
                continue;
            }
            let size = self.setup.vm_types[self.vms[vm].vm_type].mips;
            self.vms[vm].demand_mips = self.trace_fraction(t, column) * size;
        }
        for h in 0..self.hosts.len() {
            self.refresh(h);
        }
    }
}
