//! The run as the panels see it: the recorded trace, the step being shown and its snapshot (fetched
//! from the `TraceStore` only when the step changes), the worker's state and the last run's end.
//!
//! Engine events come in through `handle`; the app calls `refresh` once a frame before drawing.
//! Panels read it and keep their own derived lists, rebuilt when `snapshot_generation` changes.

use std::collections::{HashMap, HashSet};

use crate::engine::{EngineEvent, WorkerState};

use crate::trace::steps::{self, Selection, StepIndex};
use crate::trace::{Disassembly, Event, ObjId, ObjectChange, Outcome, RunEnd, Snapshot, TraceStore};

/// Something worth telling the user that is not a run's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice { text: text.into(), is_error: false }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Notice { text: text.into(), is_error: true }
    }
}

/// While a run records and the view follows it, the snapshot shown moves on at most this often:
/// every panel rebuilds what it derives from the snapshot when it moves, and a fast program makes
/// thousands of steps between two frames.
pub const FOLLOW_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// Shown while a restart the user asked for is under way; cleared when the new worker is ready.
pub const RESTARTING: &str = "restarting the interpreter";

/// How the editor marks a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineMark {
    /// The line about to run at the current step.
    Current,
    /// Where an exception is travelling, or where a syntax error is.
    Error,
}

pub struct Model {
    pub trace: TraceStore,
    /// Counts runs, so a cached snapshot of an older run is never mistaken for one of this run.
    run_id: u64,
    step: u64,
    /// Keep showing the newest step while the run records.
    follow: bool,
    recording: bool,
    current: Option<Snapshot>,
    current_key: Option<(u64, u64)>,
    /// When `current` was last fetched.
    fetched_at: Option<std::time::Instant>,
    /// `current` lags the step to show (see `FOLLOW_INTERVAL`): refresh again soon.
    refresh_pending: bool,
    snapshot_generation: u64,
    output_generation: u64,
    pub short_ids: ShortIds,
    pub end: Option<RunEnd>,
    pub worker: WorkerState,
    pub python_version: Option<String>,
    /// The prompt of an `input()` waiting for a line.
    pub waiting_prompt: Option<String>,
    pub notice: Option<Notice>,
    /// Runs started whose `Finished` has not arrived yet.
    unfinished_runs: u32,
    /// Of those, the ones older than the current run: their late events are dropped.
    stale_runs: u32,
    /// The first step recorded on each line of this run (for "step through from line N").
    first_step_of_line: HashMap<u32, u64>,
    /// Line, depth and event of every step, for stepping over, out and to breakpoints.
    steps: StepIndex,
    /// What "when did it change?" follows, and the steps that changed it (found when asked).
    selection: Option<Selection>,
    selection_changes: Option<Vec<u64>>,
    /// The run's code objects, disassembled (the Bytecode panel's listing).
    bytecode: Option<Disassembly>,
    /// Record runs one step per bytecode instruction (the app's toggle, shown by the Bytecode panel).
    pub instruction_stepping: bool,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            trace: TraceStore::new(),
            run_id: 0,
            step: 0,
            follow: true,
            recording: false,
            current: None,
            current_key: None,
            fetched_at: None,
            refresh_pending: false,
            snapshot_generation: 0,
            output_generation: 0,
            short_ids: ShortIds::default(),
            end: None,
            worker: WorkerState::Starting,
            python_version: None,
            waiting_prompt: None,
            notice: None,
            unfinished_runs: 0,
            stale_runs: 0,
            first_step_of_line: HashMap::new(),
            steps: StepIndex::default(),
            selection: None,
            selection_changes: None,
            bytecode: None,
            instruction_stepping: false,
        }
    }
}

impl Model {
    pub fn new() -> Self {
        Self::default()
    }

    /// The engine accepted a new run: forget the old trace and follow the new one.
    pub fn begin_run(&mut self) {
        self.stale_runs = self.unfinished_runs;
        self.unfinished_runs += 1;
        self.trace = TraceStore::new();
        self.run_id += 1;
        self.bytecode = None;
        self.step = 0;
        self.follow = true;
        self.recording = true;
        self.current = None;
        self.current_key = None;
        self.snapshot_generation += 1;
        self.output_generation += 1;
        self.short_ids = ShortIds::default();
        self.first_step_of_line.clear();
        self.steps.clear();
        self.selection = None;
        self.selection_changes = None;
        self.end = None;
        self.waiting_prompt = None;
        self.notice = None;
    }

    pub fn handle(&mut self, event: EngineEvent) {
        match event {
            EngineEvent::Ready { python_version } => {
                self.python_version = Some(python_version);
                if self.notice.as_ref().is_some_and(|notice| notice.text == RESTARTING) {
                    self.notice = None;
                }
            }
            EngineEvent::Step(_)
            | EngineEvent::Concurrency(_)
            | EngineEvent::Bytecode(_)
            | EngineEvent::Output { .. }
            | EngineEvent::WaitingForInput { .. }
                if self.stale_runs > 0 => {}
            EngineEvent::Step(bytes) => match self.trace.push_encoded(&bytes) {
                Ok(delta) => {
                    for change in &delta.objects {
                        if let ObjectChange::New(id, _) = change {
                            self.short_ids.note(*id);
                        }
                    }
                    let index = self.trace.len().saturating_sub(1);
                    self.first_step_of_line.entry(delta.line).or_insert(index);
                    self.steps.push(&delta);
                    if !delta.stdout.is_empty() || !delta.stderr.is_empty() {
                        self.output_generation += 1;
                    }
                    if self.follow {
                        self.step = self.trace.len().saturating_sub(1);
                    }
                }
                Err(err) => self.notice = Some(Notice::error(err.to_string())),
            },
            EngineEvent::Concurrency(event) => self.trace.push_concurrency(event),
            EngineEvent::Bytecode(disassembly) => self.bytecode = Some(*disassembly),
            EngineEvent::Output { stream, text } => {
                self.trace.push_output(stream, &text);
                self.output_generation += 1;
            }
            EngineEvent::WaitingForInput { prompt } => self.waiting_prompt = Some(prompt),
            EngineEvent::Finished(end) => {
                self.unfinished_runs = self.unfinished_runs.saturating_sub(1);
                if self.stale_runs > 0 {
                    self.stale_runs -= 1;
                    return;
                }
                self.trace.set_end(end.clone());
                // Found again over the whole run when next asked.
                self.selection_changes = None;
                self.end = Some(end);
                self.recording = false;
                self.waiting_prompt = None;
                if self.follow {
                    self.step = self.trace.len().saturating_sub(1);
                }
            }
            // During a restart the user asked for, the engine may also report the old worker's end.
            EngineEvent::Restarting { .. } if self.notice.as_ref().is_some_and(|n| n.text == RESTARTING) => {}
            EngineEvent::Restarting { reason } => {
                self.notice = Some(Notice::info(format!("the interpreter was restarted: {reason}")));
            }
            EngineEvent::Failed(message) => self.notice = Some(Notice::error(message)),
        }
    }

    /// Fetches the snapshot of the step to show, if it is not the cached one. Call once a frame.
    pub fn refresh(&mut self) {
        let len = self.trace.len();
        if len == 0 {
            if self.current_key.is_some() || self.current.is_some() {
                self.current = None;
                self.current_key = None;
                self.snapshot_generation += 1;
            }
            return;
        }
        self.step = self.step.min(len - 1);
        let key = (self.run_id, self.step);
        if self.current_key == Some(key) {
            return;
        }
        let following_a_recording =
            self.recording && self.follow && self.current_key.is_some_and(|(run, _)| run == self.run_id);
        if following_a_recording && self.fetched_at.is_some_and(|at| at.elapsed() < FOLLOW_INTERVAL) {
            self.refresh_pending = true;
            return;
        }
        self.refresh_pending = false;
        self.fetched_at = Some(std::time::Instant::now());
        self.current = match self.trace.snapshot(self.step) {
            Ok(snapshot) => snapshot.cloned(),
            Err(err) => {
                self.notice = Some(Notice::error(err.to_string()));
                None
            }
        };
        self.current_key = Some(key);
        self.snapshot_generation += 1;
    }

    /// The snapshot shown lags the newest step for now; `refresh` again within `FOLLOW_INTERVAL`.
    pub fn refresh_pending(&self) -> bool {
        self.refresh_pending
    }

    /// Shows step `step` (clamped to the recorded ones).
    pub fn go_to(&mut self, step: u64) {
        let len = self.trace.len();
        if len == 0 {
            return;
        }
        self.step = step.min(len - 1);
        self.follow = self.step == len - 1;
    }

    /// Moves by meaning (over, out, to a breakpoint): `find` gets the index of steps and the step
    /// shown, and names the step to go to; nothing happens when it finds none.
    pub fn go_by(&mut self, find: impl FnOnce(&StepIndex, u64) -> Option<u64>) -> bool {
        match find(&self.steps, self.step) {
            Some(step) => {
                self.go_to(step);
                true
            }
            None => false,
        }
    }

    /// The index of the run's steps (lines, depths, events).
    pub fn steps(&self) -> &StepIndex {
        &self.steps
    }

    /// The line run last in the frame of the step shown (the editor's "just ran" mark).
    pub fn line_just_run(&self) -> Option<u32> {
        self.steps.line_just_run(self.step)
    }

    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    pub fn select(&mut self, selection: Option<Selection>) {
        if self.selection != selection {
            self.selection = selection;
            self.selection_changes = None;
        }
    }

    /// The steps at which the selection changed: found once per selection, and again when the run
    /// ends (a selection made while it records first covers the steps recorded by then).
    pub fn selection_changes(&mut self) -> &[u64] {
        if self.selection_changes.is_none() {
            let changes = match &self.selection {
                Some(selection) => steps::changes_of(&self.trace, selection).unwrap_or_else(|err| {
                    self.notice = Some(Notice::error(err.to_string()));
                    Vec::new()
                }),
                None => Vec::new(),
            };
            self.selection_changes = Some(changes);
        }
        self.selection_changes.as_deref().unwrap_or_default()
    }

    /// The selection in words: "x in square", "list #0432".
    pub fn describe_selection(&self) -> Option<String> {
        let text = match self.selection.as_ref()? {
            Selection::Name { frame_id, name } => {
                let frame = self
                    .current
                    .as_ref()
                    .and_then(|snapshot| snapshot.stack.iter().find(|frame| frame.frame_id == *frame_id));
                match frame {
                    Some(frame) => format!("{name} in {}", frame.function),
                    None => name.clone(),
                }
            }
            Selection::Object(id) => {
                let type_name = self.current.as_ref().and_then(|snapshot| snapshot.heap.get(id));
                match type_name {
                    Some(object) => format!("{} {}", object.type_name, self.short_ids.label(*id)),
                    None => self.short_ids.label(*id),
                }
            }
        };
        Some(text)
    }

    /// The steps that changed the selection, if they were found already (`selection_changes`).
    pub fn known_selection_changes(&self) -> Option<&[u64]> {
        self.selection_changes.as_deref()
    }

    /// Goes to the next (or previous) step that changed the selection; false if there is none.
    pub fn go_to_change(&mut self, forward: bool) -> bool {
        let step = self.step;
        let target = steps::neighbour_change(self.selection_changes(), step, forward);
        target.map(|target| self.go_to(target)).is_some()
    }

    pub fn step_back(&mut self) {
        self.go_to(self.step.saturating_sub(1));
    }

    pub fn step_forward(&mut self) {
        self.go_to(self.step.saturating_add(1));
    }

    /// The index of the step shown (0-based).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Steps recorded so far.
    pub fn len(&self) -> u64 {
        self.trace.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trace.is_empty()
    }

    /// A run was started and has not ended.
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// The run's code objects, disassembled (arrives before the first step of a traced run).
    pub fn bytecode(&self) -> Option<&Disassembly> {
        self.bytecode.as_ref()
    }

    /// The snapshot of the step shown.
    pub fn current(&self) -> Option<&Snapshot> {
        self.current.as_ref()
    }

    /// Changes whenever `current` does: panels rebuild their derived lists when it moves.
    pub fn snapshot_generation(&self) -> u64 {
        self.snapshot_generation
    }

    /// Changes whenever output arrives or a new run starts.
    pub fn output_generation(&self) -> u64 {
        self.output_generation
    }

    /// Whether any run was started since the window opened.
    pub fn has_run(&self) -> bool {
        self.run_id > 0
    }

    /// Counts runs: changes when a run starts, so a run's end can be matched with who started it.
    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    /// The first step of this run on `line` (1-based) of the program, if it got there.
    pub fn first_step_on_line(&self, line: u32) -> Option<u64> {
        self.first_step_of_line.get(&line).copied()
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.worker, WorkerState::Running | WorkerState::WaitingForInput) || self.recording
    }

    /// The line the editor marks, if any.
    pub fn marked_line(&self) -> Option<(u32, LineMark)> {
        if let Some(snapshot) = &self.current {
            if snapshot.line == 0 {
                return None;
            }
            let mark = if snapshot.event == Some(Event::Exception) { LineMark::Error } else { LineMark::Current };
            return Some((snapshot.line, mark));
        }
        let end = self.end.as_ref()?;
        match end.outcome {
            Outcome::SyntaxError | Outcome::Exception => end.line.map(|line| (line, LineMark::Error)),
            _ => None,
        }
    }

    /// The last run's outcome as one line: "exception — ZeroDivisionError: division by zero (line 3)".
    pub fn outcome_text(&self) -> Option<String> {
        self.end.as_ref().map(describe_end)
    }
}

/// "exception — ZeroDivisionError: division by zero (line 3)".
pub fn describe_end(end: &RunEnd) -> String {
    let outcome = end.outcome.as_str();
    let mut text = outcome.to_owned();
    let message = end.message.trim();
    if !message.is_empty() && message != outcome {
        text.push_str(" — ");
        text.push_str(message);
    }
    if let Some(line) = end.line
        && !message.contains("(line ")
    {
        text.push_str(&format!(" (line {line})"));
    }
    text
}

/// Short labels for object ids: the last digits of `id()`, as few as keep every object of the
/// run apart (at least four), so `#0432` always means the same object within a run.
pub struct ShortIds {
    digits: u32,
    ids: HashSet<ObjId>,
    by_suffix: HashMap<u64, ObjId>,
}

impl Default for ShortIds {
    fn default() -> Self {
        ShortIds { digits: Self::MIN_DIGITS, ids: HashSet::new(), by_suffix: HashMap::new() }
    }
}

impl ShortIds {
    const MIN_DIGITS: u32 = 4;

    /// `None` once the digits cover the whole id.
    fn modulus(&self) -> Option<u64> {
        10u64.checked_pow(self.digits)
    }

    /// Takes note of an object id seen in the run.
    pub fn note(&mut self, id: ObjId) {
        if !self.ids.insert(id) {
            return;
        }
        let Some(modulus) = self.modulus() else { return };
        match self.by_suffix.get(&(id % modulus)) {
            None => {
                self.by_suffix.insert(id % modulus, id);
            }
            Some(other) if *other == id => {}
            Some(_) => self.grow(),
        }
    }

    /// Adds digits until every id seen has its own suffix.
    fn grow(&mut self) {
        loop {
            self.digits += 1;
            self.by_suffix.clear();
            let Some(modulus) = self.modulus() else { return };
            let unique = self.ids.iter().all(|&id| self.by_suffix.insert(id % modulus, id).is_none());
            if unique {
                return;
            }
        }
    }

    /// `#0432`.
    pub fn label(&self, id: ObjId) -> String {
        match self.modulus() {
            Some(modulus) => format!("#{:0width$}", id % modulus, width = self.digits as usize),
            None => format!("#{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_grow_until_unique() {
        let mut ids = ShortIds::default();
        ids.note(140_000_000_001_234);
        assert_eq!(ids.label(140_000_000_001_234), "#1234");
        ids.note(140_000_000_011_234);
        assert_ne!(ids.label(140_000_000_001_234), ids.label(140_000_000_011_234));
        assert_eq!(ids.label(140_000_000_001_234), "#01234");
        ids.note(u64::MAX);
        ids.note(u64::MAX - 10u64.pow(19));
        assert_eq!(ids.label(7), "#7");
    }

    #[test]
    fn outcomes_read_as_one_line() {
        let mut end = RunEnd::new(Outcome::Exception, "ZeroDivisionError: division by zero");
        end.line = Some(3);
        assert_eq!(describe_end(&end), "exception — ZeroDivisionError: division by zero (line 3)");
        assert_eq!(describe_end(&RunEnd::new(Outcome::Finished, "finished")), "finished");
        let mut syntax = RunEnd::new(Outcome::SyntaxError, "SyntaxError: invalid syntax (line 2, column 5)");
        syntax.line = Some(2);
        assert_eq!(describe_end(&syntax), "syntax_error — SyntaxError: invalid syntax (line 2, column 5)");
    }

    #[test]
    fn late_events_of_an_older_run_are_dropped() {
        let mut model = Model::new();
        model.begin_run();
        model.begin_run();
        model.handle(EngineEvent::Output { stream: crate::trace::Stream::Stdout, text: "old".into() });
        model.handle(EngineEvent::Finished(RunEnd::new(Outcome::Stopped, "stopped")));
        assert!(model.is_recording());
        assert!(model.end.is_none());
        assert_eq!(model.trace.all_output(crate::trace::Stream::Stdout), "");
        model.handle(EngineEvent::Output { stream: crate::trace::Stream::Stdout, text: "new".into() });
        model.handle(EngineEvent::Finished(RunEnd::new(Outcome::Finished, "finished")));
        assert!(!model.is_recording());
        assert_eq!(model.trace.all_output(crate::trace::Stream::Stdout), "new");
    }
}
