//! The calm part of a run: what `[policy.calm]` remembers between ticks (each VM's last move
//! and moves today, the last hour's moves, this tick's) to refuse moves outside the windows
//! or beyond the budgets, and the counts of what it refused.

use super::records::CalmSummary;
use super::setup::CalmSetup;
use super::state::VmId;
use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};
use std::collections::VecDeque;

/// Why a move was not planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Outside every window.
    Window,
    /// The tick's cap was reached.
    TickCap,
    /// The 60-minute cap was reached.
    HourCap,
    /// The VM moved too recently.
    Cooldown,
    /// The VM reached its daily cap.
    DailyCap,
    /// The evacuated host would stay on.
    Benefit,
}

/// The state behind the windows and budgets, and the counts for `summary.json`.
#[derive(Debug, Default)]
pub(crate) struct Calm {
    /// When each VM's last move was planned.
    last_move: Vec<Option<SimTime>>,
    /// Each VM's day (since time 0) of its last move and its moves that day.
    day_moves: Vec<(u64, u32)>,
    /// When the moves of the last 60 minutes were planned, oldest first.
    hour: VecDeque<SimTime>,
    /// Moves planned this tick.
    tick: u32,
    /// Whether the current time counts (it is past the warm-up).
    counting: bool,
    /// What was refused and how moves fell.
    pub counts: CalmSummary,
}

impl Calm {
    /// A new control tick at `now`: its budget is fresh, moves older than an hour age out.
    pub fn start_tick(&mut self, now: SimTime, warmup: SimTime) {
        self.tick = 0;
        self.counting = now >= warmup;
        while self.hour.front().is_some_and(|&t| t + MS_PER_HOUR <= now) {
            self.hour.pop_front();
        }
    }

    /// Whether `now` is inside a window (always, without windows).
    pub fn window_open(setup: &CalmSetup, now: SimTime) -> bool {
        setup.window.as_ref().is_none_or(|w| w.allows(now))
    }

    /// Why `vm` may not move now, if it may not: its cool-down or its daily cap.
    pub fn vm_refusal(&self, setup: &CalmSetup, vm: VmId, now: SimTime) -> Option<Refusal> {
        if let Some(Some(t)) = self.last_move.get(vm)
            && now < t + setup.vm_cooldown
        {
            return Some(Refusal::Cooldown);
        }
        if let (Some(cap), Some(&(day, n))) = (setup.vm_daily_cap, self.day_moves.get(vm))
            && day == now / MS_PER_DAY
            && n >= cap
        {
            return Some(Refusal::DailyCap);
        }
        None
    }

    /// Why `n` more moves may not be planned now, if they may not: the tick's or the hour's cap.
    pub fn budget_refusal(&self, setup: &CalmSetup, n: usize) -> Option<Refusal> {
        if setup
            .max_per_tick
            .is_some_and(|m| self.tick as usize + n > m as usize)
        {
            return Some(Refusal::TickCap);
        }
        if setup
            .max_per_hour
            .is_some_and(|m| self.hour.len() + n > m as usize)
        {
            return Some(Refusal::HourCap);
        }
        None
    }

    /// Counts `n` moves refused for `why`.
    pub fn refuse(&mut self, why: Refusal, n: usize) {
        if !self.counting {
            return;
        }
        let c = &mut self.counts;
        let counter = match why {
            Refusal::Window => &mut c.refused_window,
            Refusal::TickCap => &mut c.refused_tick_cap,
            Refusal::HourCap => &mut c.refused_hour_cap,
            Refusal::Cooldown => &mut c.refused_cooldown,
            Refusal::DailyCap => &mut c.refused_daily_cap,
            Refusal::Benefit => &mut c.refused_benefit,
        };
        *counter += n as u64;
    }

    /// Whether the cool-down or daily cap of one of `vms` (a VM and the keep-together
    /// members moving with it) keeps them from being selected for relief at `now` (counted,
    /// one refused move per VM).
    pub fn vm_held(&mut self, setup: &CalmSetup, vms: &[VmId], now: SimTime) -> bool {
        let why = vms.iter().find_map(|&vm| self.vm_refusal(setup, vm, now));
        if let Some(why) = why {
            self.refuse(why, vms.len());
        }
        why.is_some()
    }

    /// Whether the window (`open` or not) or the budgets refuse `n` relief moves now (a VM
    /// and the keep-together members moving with it; counted).
    pub fn relief_refused(&mut self, setup: &CalmSetup, open: bool, n: usize) -> bool {
        let why = if open {
            self.budget_refusal(setup, n)
        } else {
            Some(Refusal::Window)
        };
        if let Some(why) = why {
            self.refuse(why, n);
        }
        why.is_some()
    }

    /// Counts `n` power-down decisions refused outside the windows.
    pub fn refuse_shutdowns(&mut self, n: usize) {
        if self.counting {
            self.counts.shutdowns_refused_window += n as u64;
        }
    }

    /// Records a move of `vm` planned at `now`, inside a window or not.
    pub fn record(&mut self, vm: VmId, now: SimTime, in_window: bool) {
        if self.last_move.len() <= vm {
            self.last_move.resize(vm + 1, None);
            self.day_moves.resize(vm + 1, (0, 0));
        }
        self.last_move[vm] = Some(now);
        let day = now / MS_PER_DAY;
        let moves = &mut self.day_moves[vm];
        *moves = if moves.0 == day && moves.1 > 0 {
            (day, moves.1 + 1)
        } else {
            (day, 1)
        };
        self.hour.push_back(now);
        self.tick += 1;
        if self.counting {
            self.counts.max_vm_moves_day = self.counts.max_vm_moves_day.max(moves.1);
            if !in_window {
                self.counts.migrations_outside_window += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::window::{Windows, parse_entry};

    fn setup() -> CalmSetup {
        CalmSetup::default()
    }

    #[test]
    fn the_cool_down_refuses_a_second_move_until_it_has_passed() {
        let s = CalmSetup {
            vm_cooldown: 2 * MS_PER_HOUR,
            ..setup()
        };
        let mut c = Calm::default();
        c.start_tick(0, 0);
        c.record(3, 10 * MS_PER_HOUR, true);
        // One hour later: still cooling down (2 h); other VMs are free.
        assert_eq!(
            c.vm_refusal(&s, 3, 11 * MS_PER_HOUR),
            Some(Refusal::Cooldown)
        );
        assert_eq!(c.vm_refusal(&s, 2, 11 * MS_PER_HOUR), None);
        assert_eq!(
            c.vm_refusal(&s, 3, 12 * MS_PER_HOUR),
            None,
            "2 h later it may move"
        );
    }

    #[test]
    fn the_daily_cap_refuses_the_fourth_move_of_a_day_and_resets_at_midnight() {
        let s = CalmSetup {
            vm_daily_cap: Some(3),
            ..setup()
        };
        let mut c = Calm::default();
        c.start_tick(0, 0);
        for h in [1, 5, 9] {
            assert_eq!(c.vm_refusal(&s, 0, h * MS_PER_HOUR), None);
            c.record(0, h * MS_PER_HOUR, true);
        }
        assert_eq!(
            c.vm_refusal(&s, 0, 23 * MS_PER_HOUR),
            Some(Refusal::DailyCap)
        );
        assert_eq!(
            c.vm_refusal(&s, 0, MS_PER_DAY),
            None,
            "a new day, a new allowance"
        );
        assert_eq!(c.counts.max_vm_moves_day, 3);
    }

    #[test]
    fn the_tick_cap_resets_each_tick_and_the_hour_cap_after_60_minutes() {
        let s = CalmSetup {
            max_per_tick: Some(2),
            max_per_hour: Some(3),
            ..setup()
        };
        let mut c = Calm::default();
        c.start_tick(0, 0);
        c.record(0, 0, true);
        assert_eq!(c.budget_refusal(&s, 1), None);
        c.record(1, 0, true);
        assert_eq!(
            c.budget_refusal(&s, 1),
            Some(Refusal::TickCap),
            "2 per tick"
        );
        // Next tick, 5 minutes later: one more fits the hour (3), a second does not.
        c.start_tick(300_000, 0);
        assert_eq!(c.budget_refusal(&s, 2), Some(Refusal::HourCap));
        c.record(2, 300_000, true);
        assert_eq!(c.budget_refusal(&s, 1), Some(Refusal::HourCap));
        // At 60 minutes the two moves of time 0 age out.
        c.start_tick(MS_PER_HOUR, 0);
        assert_eq!(c.budget_refusal(&s, 2), None);
        assert_eq!(c.budget_refusal(&s, 3), Some(Refusal::TickCap));
    }

    #[test]
    fn refusals_and_moves_outside_the_window_are_counted_after_the_warm_up() {
        let mut c = Calm::default();
        c.start_tick(0, MS_PER_HOUR);
        c.refuse(Refusal::Window, 4);
        c.record(0, 0, false);
        assert_eq!(
            c.counts,
            CalmSummary::default(),
            "nothing counts in the warm-up"
        );
        c.start_tick(MS_PER_HOUR, MS_PER_HOUR);
        c.refuse(Refusal::Window, 4);
        c.refuse(Refusal::Benefit, 2);
        c.refuse_shutdowns(1);
        c.record(1, MS_PER_HOUR, false);
        assert_eq!(c.counts.refused_window, 4);
        assert_eq!(c.counts.refused_benefit, 2);
        assert_eq!(c.counts.shutdowns_refused_window, 1);
        assert_eq!(c.counts.migrations_outside_window, 1);
    }

    #[test]
    fn the_window_opens_at_23_00_and_not_at_07_00() {
        let s = CalmSetup {
            window: Some(Windows {
                entries: vec![parse_entry("Mon-Fri 22:00-06:00").unwrap()],
            }),
            ..setup()
        };
        assert!(!Calm::window_open(&s, 7 * MS_PER_HOUR));
        assert!(Calm::window_open(&s, 23 * MS_PER_HOUR));
        assert!(
            Calm::window_open(&setup(), 7 * MS_PER_HOUR),
            "no window: always"
        );
    }
}
