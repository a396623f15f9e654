//! Trace replay in the simulation: each trace moves to its next sample at its own interval,
//! and its VMs' demands follow.

use super::{Event, Simulation};
use crate::time::secs;
use crate::workload::replay::{Level, Replay};

/// A trace being replayed: the replay and every trace VM's current level (and, under the
/// `cloudsim` profile, which interpolates between samples, the next one).
pub(crate) struct TraceRun {
    replay: Box<dyn Replay>,
    levels: Vec<Level>,
    next: Vec<Level>,
    step: Option<u32>,
    /// Under the `cloudsim` profile, per column: the fraction at the current sample and
    /// CloudSim's `(next - current) / interval`, per second, worked out once per sample
    /// rather than at every update (the same operations, so the same bits).
    ramp: Vec<(f64, f64)>,
}

impl TraceRun {
    pub(crate) fn new(replay: Box<dyn Replay>) -> Self {
        TraceRun {
            replay,
            levels: Vec::new(),
            next: Vec::new(),
            step: None,
            ramp: Vec::new(),
        }
    }
}

impl Simulation<'_> {
    /// Reads every trace's levels at time 0 and schedules each trace's next step.
    pub(super) fn start_traces(&mut self) -> Result<(), String> {
        for t in 0..self.workload.traces.len() {
            let vms = self.setup.traces[t].grid.map_or(0, |g| g.vms);
            self.workload.traces[t].levels = vec![0; vms];
            self.workload.traces[t].next = vec![0; vms];
            self.seek_trace(t)?;
        }
        Ok(())
    }

    /// Moves trace `t` to the step replayed now and schedules its next step. Under the
    /// `cloudsim` profile it also reads the step after (the replay only moves forward: the
    /// levels read ahead become the current ones); past the trace's last step the last sample
    /// holds, as in CloudSim.
    fn seek_trace(&mut self, t: usize) -> Result<(), String> {
        let setup = &self.setup.traces[t];
        let run = &mut self.workload.traces[t];
        let step = setup.step_at(self.clock.now);
        if self.profile.rules().interpolated_traces {
            if run.step.is_some_and(|s| s + 1 == step) {
                std::mem::swap(&mut run.levels, &mut run.next);
            } else {
                run.replay
                    .seek(step, &mut run.levels)
                    .map_err(|e| e.to_string())?;
            }
            let steps = setup.grid.map_or(0, |g| g.steps);
            if step + 1 < steps || setup.looped {
                let after = setup.step_at(self.clock.now + setup.grid.map_or(0, |g| g.interval));
                run.replay
                    .seek(after, &mut run.next)
                    .map_err(|e| e.to_string())?;
            } else {
                run.next.copy_from_slice(&run.levels);
            }
            run.step = Some(step);
            let interval_s = secs(setup.grid.map_or(1, |g| g.interval.max(1)));
            run.ramp.clear();
            run.ramp
                .extend(run.levels.iter().zip(&run.next).map(|(&a, &b)| {
                    let (a, b) = (setup.fraction(a), setup.fraction(b));
                    (a, (b - a) / interval_s)
                }));
        } else {
            run.replay
                .seek(step, &mut run.levels)
                .map_err(|e| e.to_string())?;
        }
        let next = setup.next_step_time(self.clock.now);
        if next < self.setup.duration {
            self.clock.queue.push(next, Event::TraceStep(t));
        }
        Ok(())
    }

    /// The current level of VM `column` of trace `t`, as a fraction of the VM's CPU.
    pub(super) fn trace_fraction(&self, t: usize, column: u32) -> f64 {
        let level = self.workload.traces[t]
            .levels
            .get(column as usize)
            .copied()
            .unwrap_or(0);
        self.setup.traces[t].fraction(level)
    }

    /// VM `column` of trace `t` at the current time, interpolated linearly between the current
    /// sample and the next (CloudSim's PlanetLab utilisation model), as a fraction of its CPU.
    pub(super) fn trace_fraction_between(&self, t: usize, column: u32) -> f64 {
        self.trace_fraction_at(t, column, self.trace_clock(t))
    }

    /// For [`Self::trace_fraction_at`]: the time since trace `t`'s current sample by
    /// CloudSim's clock, s (the same for all its VMs at one update).
    pub(super) fn trace_clock(&self, t: usize) -> f64 {
        let setup = &self.setup.traces[t];
        let interval = setup.grid.map_or(1, |g| g.interval.max(1));
        // Seconds since the current sample, from CloudSim's clock in seconds.
        let clock = self.profile.clock_s(self.clock.now);
        let sample = secs(self.clock.now + setup.shift - (self.clock.now + setup.shift) % interval);
        clock + secs(setup.shift) - sample
    }

    /// [`Self::trace_fraction_between`] with the time since trace `t`'s sample given (`into`,
    /// s): `a + (b - a) / interval * into`.
    pub(super) fn trace_fraction_at(&self, t: usize, column: u32, into: f64) -> f64 {
        match self.workload.traces[t].ramp.get(column as usize) {
            Some(&(a, per_s)) => a + per_s * into,
            None => 0.0,
        }
    }

    pub(super) fn on_trace_step(&mut self, t: usize) {
        if let Err(e) = self.seek_trace(t) {
            self.diagnostics.failure = Some(e);
            return;
        }
        self.trace_stepped(t);
    }
}
