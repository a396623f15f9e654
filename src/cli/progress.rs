//! Progress on stderr for `run` and `sweep`: a bar on a terminal; plain lines, one per tenth
//! of the work, when stderr is a file or a pipe (a Slurm job's log, a container's), since a
//! bar drawn there is either hidden or a stream of control codes; nothing with `--quiet`.

use super::tell;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

/// `--progress`: how a run or sweep shows how far it has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar on a terminal, plain lines otherwise; either only once the work has taken 2 s.
    Auto,
    /// Plain lines from the start, whatever stderr is.
    Lines,
    /// Nothing.
    Off,
}

/// Seconds of wall time before `auto` shows anything: a short run stays silent.
const DELAY_S: f64 = 2.0;

/// Longest wait between two plain lines, s, so a log shows a slow stage is still alive.
const QUIET_S: f64 = 60.0;

/// What a command draws, decided once from `--progress`, `--quiet` and stderr.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shown {
    Bar,
    Lines { delay_s: f64 },
    Nothing,
}

impl Shown {
    fn choose(mode: ProgressMode, quiet: bool) -> Shown {
        match mode {
            _ if quiet => Shown::Nothing,
            ProgressMode::Off => Shown::Nothing,
            ProgressMode::Lines => Shown::Lines { delay_s: 0.0 },
            ProgressMode::Auto if std::io::stderr().is_terminal() => Shown::Bar,
            ProgressMode::Auto => Shown::Lines { delay_s: DELAY_S },
        }
    }
}

/// When the next plain line is due: at each further tenth of the work, or `QUIET_S` after
/// the last line, never before `delay_s` has passed since the start.
#[derive(Debug)]
struct Pace {
    started: Instant,
    delay_s: f64,
    next_tenth: u32,
    last: Instant,
}

impl Pace {
    fn new(delay_s: f64) -> Self {
        let now = Instant::now();
        Pace {
            started: now,
            delay_s,
            next_tenth: 1,
            last: now,
        }
    }

    /// Whether a line is due with `fraction` (0..=1) of the work done; if so, the next one
    /// is due a tenth further on.
    fn due(&mut self, fraction: f64) -> bool {
        let now = Instant::now();
        if now.duration_since(self.started).as_secs_f64() < self.delay_s {
            return false;
        }
        let tenth = (fraction.clamp(0.0, 1.0) * 10.0).floor() as u32;
        if tenth >= self.next_tenth || now.duration_since(self.last).as_secs_f64() >= QUIET_S {
            self.next_tenth = tenth + 1;
            self.last = now;
            return true;
        }
        false
    }

    /// Starts counting tenths again, for the next stage of the same work.
    fn restart(&mut self) {
        self.next_tenth = 1;
        self.last = Instant::now();
    }
}

/// Wall seconds `elapsed` and, from `fraction` done, an estimate of those left.
fn timing(elapsed: f64, fraction: f64) -> String {
    if fraction > 0.0 && fraction < 1.0 {
        let left = elapsed * (1.0 - fraction) / fraction;
        format!("{elapsed:.1} s elapsed, ~{left:.1} s left")
    } else {
        format!("{elapsed:.1} s elapsed")
    }
}

/// A run's progress through simulated time, stage by stage (`run`, then `baseline`).
pub struct RunProgress {
    bar: ProgressBar,
    shown: Shown,
    started: Instant,
    duration_s: f64,
    /// The stage of the last update, the wall time it began and the lines' pace.
    lines: Mutex<(&'static str, Instant, Pace)>,
}

impl RunProgress {
    /// Progress of a run of `duration_s` simulated seconds.
    pub fn new(duration_s: f64, mode: ProgressMode, quiet: bool) -> Self {
        let shown = Shown::choose(mode, quiet);
        let bar = ProgressBar::with_draw_target(
            Some(duration_s.max(1.0) as u64),
            ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:>9} {bar:40} {percent:>3} % of simulated time, {elapsed} elapsed, ~{eta} left",
        ) {
            bar.set_style(style);
        }
        let delay_s = match shown {
            Shown::Lines { delay_s } => delay_s,
            _ => DELAY_S,
        };
        let now = Instant::now();
        RunProgress {
            bar,
            shown,
            started: now,
            duration_s: duration_s.max(1.0),
            lines: Mutex::new(("", now, Pace::new(delay_s))),
        }
    }

    /// Reports that `stage` has reached `simulated_s`.
    pub fn update(&self, stage: &'static str, simulated_s: f64) {
        match self.shown {
            Shown::Nothing => {}
            Shown::Bar => {
                if self.bar.is_hidden() && self.started.elapsed().as_secs_f64() > DELAY_S {
                    self.bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                if self.bar.message() != stage {
                    self.bar.set_message(stage);
                }
                self.bar.set_position(simulated_s as u64);
            }
            Shown::Lines { .. } => {
                let Ok(mut lines) = self.lines.lock() else {
                    return;
                };
                let (current, began, pace) = &mut *lines;
                if *current != stage {
                    *current = stage;
                    *began = Instant::now();
                    pace.restart();
                }
                let fraction = simulated_s / self.duration_s;
                if pace.due(fraction) {
                    tell(&format!(
                        "nightshift: {stage} {:.0} % of simulated time, {}",
                        (fraction * 100.0).min(100.0),
                        timing(began.elapsed().as_secs_f64(), fraction)
                    ));
                }
            }
        }
    }

    /// Clears the bar (plain lines stay in the log).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A sweep's progress in runs done, from any worker thread.
pub struct SweepProgress {
    bar: ProgressBar,
    shown: Shown,
    total: u64,
    started: Instant,
    /// Runs done and the lines' pace.
    lines: Mutex<(u64, Pace)>,
}

impl SweepProgress {
    /// Progress over `total` runs; `context` (the shard, the runs already done) is shown
    /// beside the bar and printed once as a line.
    pub fn new(total: u64, context: String, mode: ProgressMode, quiet: bool) -> Self {
        let shown = Shown::choose(mode, quiet);
        let bar = ProgressBar::new(total);
        if shown != Shown::Bar {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs, {elapsed} elapsed, ~{eta} left  {msg}",
        ) {
            bar.set_style(style);
        }
        let delay_s = match shown {
            Shown::Lines { delay_s } => delay_s,
            _ => DELAY_S,
        };
        if let Shown::Lines { .. } = shown {
            tell(&format!("nightshift: sweep {context}; {total} runs to do"));
        }
        bar.set_message(context);
        SweepProgress {
            bar,
            shown,
            total,
            started: Instant::now(),
            lines: Mutex::new((0, Pace::new(delay_s))),
        }
    }

    /// Reports one more run done.
    pub fn run_done(&self) {
        self.bar.inc(1);
        if let Shown::Lines { .. } = self.shown {
            let Ok(mut lines) = self.lines.lock() else {
                return;
            };
            let (done, pace) = &mut *lines;
            *done += 1;
            let fraction = *done as f64 / self.total.max(1) as f64;
            if pace.due(fraction) {
                tell(&format!(
                    "nightshift: sweep {done} of {} runs done, {}",
                    self.total,
                    timing(self.started.elapsed().as_secs_f64(), fraction)
                ));
            }
        }
    }

    /// Clears the bar (plain lines stay in the log).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a delay, a line is due at each tenth reached, once: 25 % of the work after
    /// 5 % gives one line (the 20 % one), 28 % none, 30 % the next.
    #[test]
    fn a_line_per_tenth_of_the_work() {
        let mut pace = Pace::new(0.0);
        assert!(!pace.due(0.0));
        assert!(!pace.due(0.05));
        assert!(pace.due(0.25));
        assert!(!pace.due(0.28));
        assert!(pace.due(0.30));
        assert!(pace.due(1.0));
        assert!(!pace.due(1.0));
    }

    /// Before the delay nothing is due, however far the work has got.
    #[test]
    fn nothing_before_the_delay() {
        let mut pace = Pace::new(3600.0);
        assert!(!pace.due(0.5));
        assert!(!pace.due(1.0));
    }

    /// A new stage counts its tenths from zero again.
    #[test]
    fn a_new_stage_starts_again() {
        let mut pace = Pace::new(0.0);
        assert!(pace.due(1.0));
        pace.restart();
        assert!(pace.due(0.1));
    }
}
