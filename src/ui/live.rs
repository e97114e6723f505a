//! Live mode: every edit of the editor's program runs it again, once typing pauses for
//! `DEBOUNCE`; a run still going is stopped first, so the newest code always wins. After the new
//! run the view goes back to the line it showed before the edit (its first step there), or to the
//! end if it showed the end.
//!
//! This is the timing and bookkeeping only; the app asks `poll` once a frame what to do.

use std::time::{Duration, Instant};

use super::model::Model;

/// Quiet time after the last keystroke before live mode runs the program: long enough that a
/// word typed at normal speed runs once, short enough to feel immediate.
pub const DEBOUNCE: Duration = Duration::from_millis(120);
/// How often to look again while waiting for a stopped run or a lesson's run to end.
const RECHECK: Duration = Duration::from_millis(20);

/// Where the view was before the edits, to show after the new run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeptView {
    /// The first step on this line (1-based).
    Line(u32),
    /// The last step (the run's final state and output).
    End,
}

impl KeptView {
    /// The view the model shows now, if it shows a step.
    pub fn of(model: &Model) -> Option<KeptView> {
        if model.is_empty() {
            return None;
        }
        if model.step() + 1 == model.len() && !model.is_recording() {
            return Some(KeptView::End);
        }
        model.steps().line(model.step()).filter(|&line| line > 0).map(KeptView::Line)
    }
}

/// What the app should do for live mode this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveAction {
    Nothing,
    /// Stop the run in flight (its code is out of date).
    Stop,
    /// Run the editor's program now.
    Run,
    /// Nothing yet: look again after this long.
    WakeAfter(Duration),
}

#[derive(Debug)]
pub struct LiveMode {
    on: bool,
    debounce: Duration,
    /// The editor's edit count when last looked at.
    seen_edits: u64,
    /// When the newest edit not run yet was made.
    pending_since: Option<Instant>,
    /// A stop was asked for the run in flight.
    stop_sent: bool,
    /// The view to bring back once the live run ends.
    kept: Option<KeptView>,
    /// The model's run id of the live run whose end puts the view back.
    run: Option<u64>,
}

impl Default for LiveMode {
    fn default() -> Self {
        LiveMode {
            on: false,
            debounce: DEBOUNCE,
            seen_edits: 0,
            pending_since: None,
            stop_sent: false,
            kept: None,
            run: None,
        }
    }
}

impl LiveMode {
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The quiet time before a run (benchmarks set it to zero to time the rest).
    pub fn set_debounce(&mut self, debounce: Duration) {
        self.debounce = debounce;
    }

    /// Turns live mode on (the program runs right away) or off (a pending run is forgotten).
    pub fn toggle(&mut self, now: Instant, view: Option<KeptView>) {
        self.on = !self.on;
        self.stop_sent = false;
        if self.on {
            self.pending_since = Some(now.checked_sub(self.debounce).unwrap_or(now));
            self.kept = view;
        } else {
            self.pending_since = None;
            self.kept = None;
            self.run = None;
        }
    }

    /// Takes note of the editor's edit count; a new edit (re)starts the quiet time. The view shown
    /// at the first edit since the last live run is the one brought back.
    pub fn note_edits(&mut self, edits: u64, now: Instant, view: Option<KeptView>) {
        if edits == self.seen_edits {
            return;
        }
        self.seen_edits = edits;
        if !self.on {
            return;
        }
        if self.pending_since.is_none() && self.run.is_none() {
            self.kept = view;
        }
        self.pending_since = Some(now);
    }

    /// What to do now. `busy`: a run is in flight or the worker is not ready; `blocked`: a run the
    /// lesson pane asked for is in flight, which live mode must not cut short.
    pub fn poll(&mut self, now: Instant, busy: bool, blocked: bool) -> LiveAction {
        let Some(since) = self.pending_since.filter(|_| self.on) else { return LiveAction::Nothing };
        let quiet = now.saturating_duration_since(since);
        if quiet < self.debounce {
            return LiveAction::WakeAfter(self.debounce - quiet);
        }
        if blocked {
            return LiveAction::WakeAfter(RECHECK);
        }
        if busy {
            if self.stop_sent {
                return LiveAction::WakeAfter(RECHECK);
            }
            self.stop_sent = true;
            return LiveAction::Stop;
        }
        self.pending_since = None;
        self.stop_sent = false;
        LiveAction::Run
    }

    /// The live run started as the model's run `run_id`.
    pub fn started(&mut self, run_id: u64) {
        self.run = Some(run_id);
    }

    /// Once the live run has ended, shows the kept view in it. Call after engine events are handled.
    pub fn restore_view(&mut self, model: &mut Model) {
        let Some(run) = self.run else { return };
        if model.run_id() != run {
            // Another run (Run, a lesson) replaced it: that one's view is not live mode's business.
            self.run = None;
            return;
        }
        if model.is_recording() || model.end.is_none() {
            return;
        }
        self.run = None;
        if self.pending_since.is_some() {
            // More edits wait: keep the view for after their run.
            return;
        }
        match self.kept.take() {
            Some(KeptView::Line(line)) => {
                if let Some(step) = model.steps().nearest_on_line(line, 0) {
                    model.go_to(step);
                }
            }
            Some(KeptView::End) | None => model.go_to(u64::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn edits_run_once_typing_pauses() {
        let start = Instant::now();
        let mut live = LiveMode::default();
        live.note_edits(1, start, None);
        assert_eq!(live.poll(start + ms(500), false, false), LiveAction::Nothing, "off: edits do nothing");

        live.toggle(start, None);
        assert_eq!(live.poll(start, false, false), LiveAction::Run, "turning it on runs at once");
        live.note_edits(2, start, Some(KeptView::Line(3)));
        live.note_edits(3, start + ms(50), Some(KeptView::Line(4)));
        assert_eq!(live.poll(start + ms(100), false, false), LiveAction::WakeAfter(DEBOUNCE - ms(50)));
        assert_eq!(live.poll(start + ms(50) + DEBOUNCE, false, false), LiveAction::Run);
        assert_eq!(live.poll(start + ms(400), false, false), LiveAction::Nothing, "one run per pause");
        assert_eq!(live.kept, Some(KeptView::Line(3)), "the view before the first edit is kept");
    }

    #[test]
    fn a_run_in_flight_is_stopped_once_and_a_lesson_run_is_waited_for() {
        let start = Instant::now();
        let mut live = LiveMode::default();
        live.toggle(start, None);
        let later = start + DEBOUNCE;
        assert_eq!(live.poll(later, true, true), LiveAction::WakeAfter(RECHECK), "a lesson run is never stopped");
        assert_eq!(live.poll(later, true, false), LiveAction::Stop);
        assert_eq!(live.poll(later, true, false), LiveAction::WakeAfter(RECHECK));
        assert_eq!(live.poll(later, false, false), LiveAction::Run);
    }

    #[test]
    fn turning_it_off_forgets_pending_edits() {
        let start = Instant::now();
        let mut live = LiveMode::default();
        live.toggle(start, None);
        live.note_edits(1, start, None);
        live.toggle(start, None);
        assert!(!live.is_on());
        assert_eq!(live.poll(start + ms(500), false, false), LiveAction::Nothing);
    }
}
