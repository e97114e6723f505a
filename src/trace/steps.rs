//! Moving through a recorded run by meaning rather than by one step: step over, step out, continue
//! to a breakpoint (forwards and backwards), and "when did it change?".
//!
//! `StepIndex` keeps three small facts per step (line, stack depth, event), filled as steps arrive,
//! so the stepping commands never rebuild snapshots. Change queries decode the recorded deltas once
//! per selection (`changes_of`), since keeping a per-object history of every step would cost more
//! memory than the trace itself.

use std::collections::BTreeSet;

use super::delta::{ObjectChange, StepDelta};
use super::model::{Event, ObjId};
use super::store::{DecodeError, TraceStore};

/// What "when did it change?" follows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    /// An object, by `id()`: steps where it appeared, changed or went away.
    Object(ObjId),
    /// A name in a frame: steps where it was bound to another object, or its object changed.
    Name { frame_id: u64, name: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StepFacts {
    line: u32,
    depth: u32,
    event: Event,
    /// Which thread ran the step: stepping over or out stays in one thread's stack.
    thread: u32,
}

/// Line, stack depth and event of every recorded step.
#[derive(Clone, Debug, Default)]
pub struct StepIndex {
    steps: Vec<StepFacts>,
}

impl StepIndex {
    pub fn clear(&mut self) {
        self.steps.clear();
    }

    pub fn push(&mut self, delta: &StepDelta) {
        let depth = delta.stack.keep + delta.stack.pushed.len() as u32;
        self.steps.push(StepFacts { line: delta.line, depth, event: delta.event, thread: delta.thread });
    }

    pub fn len(&self) -> u64 {
        self.steps.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn line(&self, step: u64) -> Option<u32> {
        self.facts(step).map(|facts| facts.line)
    }

    pub fn depth(&self, step: u64) -> Option<u32> {
        self.facts(step).map(|facts| facts.depth)
    }

    fn facts(&self, step: u64) -> Option<StepFacts> {
        usize::try_from(step).ok().and_then(|step| self.steps.get(step)).copied()
    }

    /// The line run in the same frame just before `step` (the editor's "just ran" mark): the
    /// closest earlier step at the same depth, unless the frame was entered in between.
    pub fn line_just_run(&self, step: u64) -> Option<u32> {
        let here = self.facts(step)?;
        for earlier in (0..step).rev() {
            let facts = self.facts(earlier)?;
            if facts.thread != here.thread {
                continue;
            }
            if facts.depth < here.depth {
                return None;
            }
            if facts.depth == here.depth {
                return (facts.event != Event::Call).then_some(facts.line);
            }
        }
        None
    }

    /// Step over: the next step in this frame or an outer one.
    pub fn next_over(&self, step: u64) -> Option<u64> {
        let here = self.facts(step)?;
        self.find_forward(step, |facts| facts.thread == here.thread && facts.depth <= here.depth)
    }

    /// Step over, backwards: the previous step in this frame or an outer one.
    pub fn previous_over(&self, step: u64) -> Option<u64> {
        let here = self.facts(step)?;
        self.find_backward(step, |facts| facts.thread == here.thread && facts.depth <= here.depth)
    }

    /// Step out: the first step after this frame has returned.
    pub fn next_out(&self, step: u64) -> Option<u64> {
        let here = self.facts(step)?;
        self.find_forward(step, |facts| facts.thread == here.thread && facts.depth < here.depth)
    }

    /// Step out, backwards: the last step of the caller before this frame was entered.
    pub fn previous_out(&self, step: u64) -> Option<u64> {
        let here = self.facts(step)?;
        self.find_backward(step, |facts| facts.thread == here.thread && facts.depth < here.depth)
    }

    /// The next step that starts running a line with a breakpoint.
    pub fn next_breakpoint(&self, step: u64, breakpoints: &BTreeSet<u32>) -> Option<u64> {
        (step + 1..self.len()).find(|&later| self.stops_at(later, breakpoints))
    }

    /// The previous step that starts running a line with a breakpoint.
    pub fn previous_breakpoint(&self, step: u64, breakpoints: &BTreeSet<u32>) -> Option<u64> {
        (0..step.min(self.len())).rev().find(|&earlier| self.stops_at(earlier, breakpoints))
    }

    /// A breakpoint stops where its line starts to run: at `line` events, and at the first of a
    /// line's instruction steps.
    fn stops_at(&self, step: u64, breakpoints: &BTreeSet<u32>) -> bool {
        let Some(facts) = self.facts(step) else { return false };
        if !breakpoints.contains(&facts.line) {
            return false;
        }
        match facts.event {
            Event::Line => return true,
            Event::Call | Event::Return | Event::Exception => return false,
            // Instruction steps (when stepping by instruction) stop at the first of their line.
            Event::Instruction => {}
        }
        let before = step.checked_sub(1).and_then(|before| self.facts(before));
        before.is_none_or(|before| before.line != facts.line || before.depth != facts.depth)
    }

    /// The first step on `line` at or after `from`, else the last one before it.
    pub fn nearest_on_line(&self, line: u32, from: u64) -> Option<u64> {
        let on_line = |step: u64| self.facts(step).is_some_and(|facts| facts.line == line);
        (from..self.len()).find(|&step| on_line(step)).or_else(|| (0..from.min(self.len())).rev().find(|&s| on_line(s)))
    }

    fn find_forward(&self, step: u64, wanted: impl Fn(StepFacts) -> bool) -> Option<u64> {
        (step + 1..self.len()).find(|&later| self.facts(later).is_some_and(&wanted))
    }

    fn find_backward(&self, step: u64, wanted: impl Fn(StepFacts) -> bool) -> Option<u64> {
        (0..step.min(self.len())).rev().find(|&earlier| self.facts(earlier).is_some_and(&wanted))
    }
}

/// The steps at which `selection` changed, in order, read from the recorded deltas.
pub fn changes_of(store: &TraceStore, selection: &Selection) -> Result<Vec<u64>, DecodeError> {
    let mut steps = Vec::new();
    // For a name: the frame ids of the stack as it is replayed, and the object the name is bound to.
    let mut frames: Vec<u64> = Vec::new();
    let mut bound: Option<ObjId> = None;
    for step in 0..store.len() {
        let delta = store.delta(step)?;
        let changed = match selection {
            Selection::Object(id) => touches(&delta, *id),
            Selection::Name { frame_id, name } => {
                let rebound = replay_binding(&delta, &mut frames, *frame_id, name, &mut bound);
                rebound || bound.is_some_and(|id| touches(&delta, id))
            }
        };
        if changed {
            steps.push(step);
        }
    }
    Ok(steps)
}

fn touches(delta: &StepDelta, id: ObjId) -> bool {
    delta.objects.iter().any(|change| match change {
        ObjectChange::New(changed, _)
        | ObjectChange::Update(changed, _)
        | ObjectChange::Gone(changed)
        | ObjectChange::Internals(changed, _) => *changed == id,
    })
}

/// Replays one step's stack change; true if `name` in frame `frame_id` was bound, rebound or deleted.
fn replay_binding(
    delta: &StepDelta,
    frames: &mut Vec<u64>,
    frame_id: u64,
    name: &str,
    bound: &mut Option<ObjId>,
) -> bool {
    let keep = delta.stack.keep as usize;
    let frame_was_kept = frames.iter().take(keep).any(|&id| id == frame_id);
    frames.truncate(keep);
    let mut rebound = false;
    if !frame_was_kept && bound.take().is_some() {
        // The frame returned (a generator's frame comes back with its locals in `pushed`).
        rebound = true;
    }
    for update in &delta.stack.updated {
        if frames.get(update.index as usize) != Some(&frame_id) {
            continue;
        }
        if let Some(binding) = update.set.iter().find(|binding| binding.name == name) {
            rebound |= *bound != Some(binding.id);
            *bound = Some(binding.id);
        }
        if update.removed.iter().any(|removed| removed == name) {
            rebound |= bound.take().is_some();
        }
    }
    for frame in &delta.stack.pushed {
        frames.push(frame.frame_id);
        if frame.frame_id == frame_id {
            let now = frame.locals.iter().find(|binding| binding.name == name).map(|binding| binding.id);
            rebound |= now != *bound;
            *bound = now;
        }
    }
    rebound
}

/// The step before or after `step` among `changes` (sorted), for Previous/Next change.
pub fn neighbour_change(changes: &[u64], step: u64, forward: bool) -> Option<u64> {
    if forward {
        let at = changes.partition_point(|&change| change <= step);
        changes.get(at).copied()
    } else {
        let at = changes.partition_point(|&change| change < step);
        at.checked_sub(1).and_then(|before| changes.get(before)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::delta::{FrameUpdate, StackDelta};
    use crate::trace::model::{Binding, Frame, FrameKind, HeapObject};

    fn frame(frame_id: u64, function: &str, line: u32, locals: &[(&str, ObjId)]) -> Frame {
        Frame {
            frame_id,
            function: function.into(),
            kind: if frame_id == 1 { FrameKind::Module } else { FrameKind::Function },
            code: 0,
            line,
            locals: locals.iter().map(|(name, id)| Binding { name: (*name).into(), id: *id }).collect(),
        }
    }

    fn step(event: Event, line: u32, keep: u32, pushed: Vec<Frame>) -> StepDelta {
        StepDelta { event, line, stack: StackDelta { keep, updated: vec![], pushed }, ..StepDelta::default() }
    }

    /// module line 1 (x = f()), call f (line 3), f line 4, f return, module line 2, module line 5.
    fn calls() -> Vec<StepDelta> {
        vec![
            step(Event::Line, 1, 0, vec![frame(1, "<module>", 1, &[])]),
            step(Event::Call, 3, 1, vec![frame(2, "f", 3, &[])]),
            step(Event::Line, 4, 2, vec![]),
            step(Event::Return, 4, 2, vec![]),
            step(Event::Line, 2, 1, vec![]),
            step(Event::Line, 5, 1, vec![]),
        ]
    }

    fn index(deltas: &[StepDelta]) -> StepIndex {
        let mut index = StepIndex::default();
        deltas.iter().for_each(|delta| index.push(delta));
        index
    }

    #[test]
    fn over_out_and_back() {
        let index = index(&calls());
        assert_eq!(index.next_over(0), Some(4), "step over runs through the call");
        assert_eq!(index.next_over(1), Some(2));
        assert_eq!(index.next_out(2), Some(4), "step out lands after the return");
        assert_eq!(index.previous_over(4), Some(0), "backwards over skips the call's steps");
        assert_eq!(index.previous_out(2), Some(0), "backwards out is the caller's step");
        assert_eq!(index.next_out(4), None, "nothing is outside the module");
        assert_eq!(index.next_over(5), None, "the last step has no next");
        assert_eq!(index.line_just_run(4), Some(1));
        assert_eq!(index.line_just_run(2), None, "the frame just started");
        assert_eq!(index.line_just_run(3), Some(4));
    }

    #[test]
    fn stepping_over_stays_in_the_thread_it_started_in() {
        // Main at depth 1 (steps 0, 3, 5); a worker thread at depth 1 (steps 1, 2, 4).
        let mut deltas = vec![
            step(Event::Line, 10, 0, vec![frame(1, "<module>", 10, &[])]),
            step(Event::Call, 3, 0, vec![frame(2, "work", 3, &[])]),
            step(Event::Line, 4, 1, vec![]),
            step(Event::Line, 11, 1, vec![]),
            step(Event::Line, 5, 1, vec![]),
            step(Event::Line, 12, 1, vec![]),
        ];
        for (delta, thread) in deltas.iter_mut().zip([0, 1, 1, 0, 1, 0]) {
            delta.thread = thread;
        }
        let index = index(&deltas);
        assert_eq!(index.next_over(0), Some(3), "the worker's steps are another thread's");
        assert_eq!(index.next_over(2), Some(4));
        assert_eq!(index.previous_over(5), Some(3));
        assert_eq!(index.next_out(2), None, "nothing is outside the worker's own frame");
        assert_eq!(index.line_just_run(3), Some(10), "the line run before, in the same thread");
        assert_eq!(index.line_just_run(4), Some(4));
    }

    #[test]
    fn breakpoints_stop_at_line_events_only() {
        let index = index(&calls());
        let breakpoints = BTreeSet::from([4, 5]);
        assert_eq!(index.next_breakpoint(0, &breakpoints), Some(2), "the return on line 4 is not a stop");
        assert_eq!(index.next_breakpoint(2, &breakpoints), Some(5));
        assert_eq!(index.next_breakpoint(5, &breakpoints), None);
        assert_eq!(index.previous_breakpoint(5, &breakpoints), Some(2));
        assert_eq!(index.previous_breakpoint(2, &breakpoints), None);
        assert_eq!(index.nearest_on_line(4, 4), Some(3));
        assert_eq!(index.nearest_on_line(3, 4), Some(1));
    }

    #[test]
    fn breakpoints_stop_at_the_first_instruction_of_a_line() {
        let index = index(&[
            step(Event::Instruction, 1, 0, vec![frame(1, "<module>", 1, &[])]),
            step(Event::Instruction, 1, 1, vec![]),
            step(Event::Instruction, 2, 1, vec![]),
            step(Event::Instruction, 2, 1, vec![]),
            step(Event::Instruction, 1, 1, vec![]),
            step(Event::Instruction, 2, 1, vec![]),
        ]);
        let breakpoints = BTreeSet::from([2]);
        assert_eq!(index.next_breakpoint(0, &breakpoints), Some(2));
        assert_eq!(index.next_breakpoint(2, &breakpoints), Some(5), "the line's later instructions are not stops");
        assert_eq!(index.previous_breakpoint(5, &breakpoints), Some(2));
    }

    #[test]
    fn name_changes_follow_rebinding_and_mutation() {
        let mut store = TraceStore::new();
        let list = HeapObject { type_name: "list".into(), ..HeapObject::default() };
        let mut first = step(Event::Line, 1, 0, vec![frame(1, "<module>", 1, &[])]);
        first.objects = vec![];
        let mut bind = step(Event::Line, 2, 1, vec![]);
        bind.stack.updated =
            vec![FrameUpdate { index: 0, line: 2, set: vec![Binding { name: "x".into(), id: 10 }], removed: vec![] }];
        bind.objects = vec![ObjectChange::New(10, list.clone())];
        let quiet = step(Event::Line, 3, 1, vec![]);
        let mut mutate = step(Event::Line, 4, 1, vec![]);
        mutate.objects = vec![ObjectChange::Update(10, Default::default())];
        let mut other = step(Event::Line, 5, 1, vec![]);
        other.objects = vec![ObjectChange::New(11, list)];
        for delta in [first, bind, quiet, mutate, other] {
            store.push(&delta).expect("store takes the step");
        }
        let name = Selection::Name { frame_id: 1, name: "x".into() };
        assert_eq!(changes_of(&store, &name).expect("decodes"), vec![1, 3]);
        assert_eq!(changes_of(&store, &Selection::Object(11)).expect("decodes"), vec![4]);
        let changes = [1, 3];
        assert_eq!(neighbour_change(&changes, 0, true), Some(1));
        assert_eq!(neighbour_change(&changes, 1, true), Some(3));
        assert_eq!(neighbour_change(&changes, 3, true), None);
        assert_eq!(neighbour_change(&changes, 3, false), Some(1));
        assert_eq!(neighbour_change(&changes, 1, false), None);
    }
}
