//! The recorded trace of a run: compact step deltas plus periodic checkpoints, so memory grows with
//! what changes rather than with steps x heap, and any step's snapshot can be rebuilt quickly.

use std::ops::Range;

use super::concurrency::{ConcurrencyEvent, ThreadTimeline};
use super::delta::{ModuleChange, StepDelta};
use super::model::{ModuleEntry, Stream};
use super::outcome::RunEnd;
use super::snapshot::Snapshot;

/// A checkpoint is taken once the deltas since the last one outweigh a copy of the snapshot
/// (but never more often than this many bytes of deltas), bounding both replay time and memory.
const MIN_BYTES_BETWEEN_CHECKPOINTS: usize = 16 * 1024;
/// Every this many steps the byte offset of a step's record is indexed; the steps between are found
/// by walking the length prefixes (a few bytes each, instead of 8 bytes of index per step).
const INDEX_STRIDE: u64 = 64;
/// A rough per-object cost of a checkpoint, for the policy above.
const CHECKPOINT_BYTES_PER_OBJECT: usize = 160;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputChunk {
    pub step: u64,
    pub stream: Stream,
    range: Range<usize>,
}

#[derive(Debug)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a recorded step could not be decoded: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

#[derive(Default)]
pub struct TraceStore {
    /// Every step's delta, postcard-encoded, as `[varint length][bytes]` records back to back.
    deltas: Vec<u8>,
    /// Where the record of every `INDEX_STRIDE`th step starts in `deltas`.
    index: Vec<u64>,
    steps: u64,
    /// Every change to `sys.modules`, by step: the module list is rebuilt from it rather than copied
    /// into every checkpoint (it holds a hundred paths or more).
    module_log: Vec<(u64, ModuleChange)>,
    /// Thread switches and asyncio states, each logged against the step it comes before (see
    /// `trace::concurrency`); empty for most programs.
    concurrency_log: Vec<(u64, ConcurrencyEvent)>,
    /// `(step, state after that step)`, ascending.
    checkpoints: Vec<(u64, Snapshot)>,
    bytes_since_checkpoint: usize,
    /// The state after the newest step.
    head: Snapshot,
    /// The last snapshot asked for, so stepping by one replays one delta.
    cursor: Option<Snapshot>,
    output_text: String,
    output: Vec<OutputChunk>,
    end: Option<RunEnd>,
}

impl TraceStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of recorded steps.
    pub fn len(&self) -> u64 {
        self.steps
    }

    pub fn is_empty(&self) -> bool {
        self.steps == 0
    }

    pub fn end(&self) -> Option<&RunEnd> {
        self.end.as_ref()
    }

    pub fn set_end(&mut self, end: RunEnd) {
        self.end = Some(end);
    }

    /// The newest step's state.
    pub fn head(&self) -> &Snapshot {
        &self.head
    }

    /// Appends one step given as the postcard bytes the worker sent; returns the decoded delta, whose
    /// new objects have been moved into the store (their ids remain, their contents are empty).
    pub fn push_encoded(&mut self, bytes: &[u8]) -> Result<StepDelta, DecodeError> {
        let mut delta: StepDelta = postcard::from_bytes(bytes).map_err(|err| DecodeError(err.to_string()))?;
        let index = self.len();
        self.head.apply_taking(index, &mut delta);
        delta.thread = self.head.thread;
        if index.is_multiple_of(INDEX_STRIDE) {
            self.index.push(self.deltas.len() as u64);
        }
        write_varint(&mut self.deltas, bytes.len() as u64);
        self.deltas.extend_from_slice(bytes);
        self.steps += 1;
        self.module_log.extend(delta.modules.iter().map(|change| (index, change.clone())));
        for (stream, text) in [(Stream::Stdout, &delta.stdout), (Stream::Stderr, &delta.stderr)] {
            if !text.is_empty() {
                let start = self.output_text.len();
                self.output_text.push_str(text);
                self.output.push(OutputChunk { step: index, stream, range: start..self.output_text.len() });
            }
        }
        self.bytes_since_checkpoint += bytes.len();
        let snapshot_cost = self.head.heap.len() * CHECKPOINT_BYTES_PER_OBJECT;
        if self.bytes_since_checkpoint >= snapshot_cost.max(MIN_BYTES_BETWEEN_CHECKPOINTS) {
            let modules = std::mem::take(&mut self.head.modules);
            self.checkpoints.push((index, self.head.clone()));
            self.head.modules = modules;
            self.bytes_since_checkpoint = 0;
        }
        Ok(delta)
    }

    /// Logs something about threads or tasks that holds from the next step on.
    pub fn push_concurrency(&mut self, event: ConcurrencyEvent) {
        self.head.apply_concurrency(&event);
        self.concurrency_log.push((self.len(), event));
    }

    /// Which thread ran when, from the logged thread switches.
    pub fn thread_timeline(&self) -> ThreadTimeline {
        ThreadTimeline::build(&self.concurrency_log, self.len())
    }

    /// Whether the run ran learner code in more than one thread (so far).
    pub fn is_multithreaded(&self) -> bool {
        self.head.threads.len() > 1
    }

    /// Output that arrived outside a step (after the last one, or in a plain run); it belongs to the newest step.
    pub fn push_output(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        let start = self.output_text.len();
        self.output_text.push_str(text);
        let step = self.len().saturating_sub(1);
        self.output.push(OutputChunk { step, stream, range: start..self.output_text.len() });
    }

    /// Appends one step given as a delta (encodes it first).
    pub fn push(&mut self, delta: &StepDelta) -> Result<(), DecodeError> {
        let bytes = postcard::to_stdvec(delta).map_err(|err| DecodeError(err.to_string()))?;
        self.push_encoded(&bytes).map(|_| ())
    }

    fn delta_bytes(&self, step: u64) -> &[u8] {
        let Some(&start) = self.index.get((step / INDEX_STRIDE) as usize) else { return &[] };
        let mut position = start as usize;
        for _ in 0..step % INDEX_STRIDE {
            let (length, after) = read_varint(&self.deltas, position);
            position = after + length as usize;
        }
        let (length, after) = read_varint(&self.deltas, position);
        self.deltas.get(after..after + length as usize).unwrap_or(&[])
    }

    /// `sys.modules` as of `step`, from the module log.
    fn modules_at(&self, step: u64) -> Vec<ModuleEntry> {
        let mut modules: Vec<ModuleEntry> = Vec::new();
        for (at, change) in self.module_log.iter().take_while(|(at, _)| *at <= step) {
            change.apply_to(&mut modules, *at);
        }
        modules
    }

    fn replay(&self, snapshot: &mut Snapshot, from: u64, to: u64) -> Result<(), DecodeError> {
        let mut events = self.concurrency_log.partition_point(|(at, _)| *at < from);
        for step in from..=to {
            while let Some((_, event)) = self.concurrency_log.get(events).filter(|(at, _)| *at == step) {
                snapshot.apply_concurrency(event);
                events += 1;
            }
            let delta: StepDelta =
                postcard::from_bytes(self.delta_bytes(step)).map_err(|err| DecodeError(err.to_string()))?;
            snapshot.apply(step, &delta);
        }
        Ok(())
    }

    /// The full state at `step` (clamped to the recorded range); `None` when nothing is recorded.
    pub fn snapshot(&mut self, step: u64) -> Result<Option<&Snapshot>, DecodeError> {
        if self.is_empty() {
            return Ok(None);
        }
        let step = step.min(self.len() - 1);
        if step == self.len() - 1 {
            return Ok(Some(&self.head));
        }
        let base = self.checkpoints.partition_point(|(at, _)| *at <= step).checked_sub(1).map(|i| &self.checkpoints[i]);
        // Start from the cursor when it lies between the nearest checkpoint and the target, else the checkpoint.
        let cursor = self.cursor.take().filter(|c| c.index <= step && base.is_none_or(|(at, _)| c.index >= *at));
        // A checkpoint carries no module list (see `module_log`); the cursor and a replay from the
        // first step do.
        let (mut snapshot, from, from_checkpoint) = match (cursor, base) {
            (Some(cursor), _) => {
                let from = cursor.index + 1;
                (cursor, from, false)
            }
            (None, Some((at, checkpoint))) => (checkpoint.clone(), at + 1, true),
            (None, None) => (Snapshot::default(), 0, false),
        };
        if from <= step {
            self.replay(&mut snapshot, from, step)?;
        }
        if from_checkpoint {
            snapshot.modules = self.modules_at(step);
        }
        Ok(Some(self.cursor.insert(snapshot)))
    }

    /// Output written up to and including `step`, in order.
    pub fn output_upto(&self, step: u64) -> impl Iterator<Item = (Stream, &str)> {
        let count = self.output.partition_point(|chunk| chunk.step <= step);
        self.output[..count].iter().map(|chunk| (chunk.stream, &self.output_text[chunk.range.clone()]))
    }

    /// All output, as one string (for `pyxray run`-style summaries and tests).
    pub fn all_output(&self, stream: Stream) -> String {
        self.output
            .iter()
            .filter(|chunk| chunk.stream == stream)
            .map(|chunk| &self.output_text[chunk.range.clone()])
            .collect()
    }

    /// Bytes held for the recorded steps: deltas, their index and checkpoints (an estimate for the last).
    pub fn stored_bytes(&self) -> usize {
        let checkpoint_bytes: usize = self
            .checkpoints
            .iter()
            .map(|(_, snap)| {
                snap.heap.values().map(|o| 96 + o.repr.len() + o.type_name.len() + o.children.len() * 24).sum::<usize>()
                    + snap.stack.iter().map(|f| 64 + f.locals.len() * 40).sum::<usize>()
            })
            .sum();
        let module_bytes: usize = self
            .module_log
            .iter()
            .map(|(_, change)| match change {
                ModuleChange::Added { name, origin, import } => {
                    48 + name.len()
                        + origin.describe().len()
                        + import
                            .as_ref()
                            .map_or(0, |i| 40 + i.importer.len() + i.parent.as_ref().map_or(0, String::len))
                }
                ModuleChange::Removed { name } => 24 + name.len(),
                ModuleChange::Hit { name, importer, .. } => 40 + name.len() + importer.len(),
                ModuleChange::Timed { name, import } => 64 + name.len() + import.importer.len(),
            })
            .sum();
        // Switches and asyncio states: rare, and small but for the task lists.
        let concurrency_bytes: usize = self
            .concurrency_log
            .iter()
            .map(|(_, event)| match event {
                ConcurrencyEvent::Asyncio(Some(state)) => 64 + (state.tasks.len() + state.ready.len()) * 64,
                _ => 48,
            })
            .sum();
        self.deltas.len()
            + self.index.len() * std::mem::size_of::<u64>()
            + checkpoint_bytes
            + module_bytes
            + concurrency_bytes
    }

    /// The recorded change of step `step` (for panels that show what a step did).
    pub fn delta(&self, step: u64) -> Result<StepDelta, DecodeError> {
        if step >= self.len() {
            return Err(DecodeError(format!("step {step} was not recorded")));
        }
        postcard::from_bytes(self.delta_bytes(step)).map_err(|err| DecodeError(format!("step {step}: {err}")))
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint at `position`; returns it and the position after it (0 past the end).
fn read_varint(bytes: &[u8], mut position: usize) -> (u64, usize) {
    let mut value = 0u64;
    let mut shift = 0;
    while let Some(&byte) = bytes.get(position) {
        position += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 || shift > 56 {
            break;
        }
        shift += 7;
    }
    (value, position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::delta::{FrameUpdate, ObjectChange, StackDelta};
    use crate::trace::model::{Binding, Event, Frame, FrameKind, HeapObject, ObjKind};

    fn int(value: i64) -> HeapObject {
        HeapObject {
            type_name: "int".into(),
            kind: ObjKind::Leaf,
            repr: value.to_string(),
            flags: crate::trace::ObjFlags::default(),
            size: 28,
            refcount: 1,
            children: vec![],
            more: 0,
        }
    }

    /// A synthetic `s += i` loop: every step rebinds `s` to a new int and drops the old one.
    fn counting_trace(steps: u64) -> TraceStore {
        let mut store = TraceStore::new();
        let first = StepDelta {
            event: Event::Line,
            line: 1,
            stack: StackDelta {
                keep: 0,
                updated: vec![],
                pushed: vec![Frame {
                    frame_id: 1,
                    function: "<module>".into(),
                    kind: FrameKind::Module,
                    code: 0,
                    line: 1,
                    locals: vec![Binding { name: "s".into(), id: 1000 }],
                }],
            },
            objects: vec![ObjectChange::New(1000, int(0))],
            ..Default::default()
        };
        store.push(&first).unwrap();
        for step in 1..steps {
            let id = 1000 + step;
            let delta = StepDelta {
                event: Event::Line,
                line: 2,
                stack: StackDelta {
                    keep: 1,
                    updated: vec![FrameUpdate {
                        index: 0,
                        line: 2,
                        set: vec![Binding { name: "s".into(), id }],
                        removed: vec![],
                    }],
                    pushed: vec![],
                },
                objects: vec![ObjectChange::New(id, int(step as i64)), ObjectChange::Gone(id - 1)],
                stdout: if step % 10 == 0 { format!("{step}\n") } else { String::new() },
                ..Default::default()
            };
            store.push(&delta).unwrap();
        }
        store
    }

    #[test]
    fn any_step_is_rebuilt_exactly() {
        let mut store = counting_trace(5000);
        for step in [0u64, 1, 2, 777, 2048, 4998, 4999, 3000, 10] {
            let snap = store.snapshot(step).unwrap().unwrap().clone();
            assert_eq!(snap.index, step);
            let s = snap.stack[0].locals[0].id;
            assert_eq!(s, 1000 + step);
            assert_eq!(snap.heap.len(), 1, "old ints are gone at step {step}");
            assert_eq!(snap.repr_of(s, 50), step.to_string());
        }
        assert!(!store.checkpoints.is_empty(), "a long trace takes checkpoints");
    }

    #[test]
    fn output_is_cut_at_the_step() {
        let store = counting_trace(100);
        let text: String = store.output_upto(35).map(|(_, t)| t).collect();
        assert_eq!(text, "10\n20\n30\n");
    }

    #[test]
    fn per_step_storage_stays_small() {
        let store = counting_trace(20_000);
        let per_step = store.stored_bytes() as f64 / store.len() as f64;
        assert!(per_step < 64.0, "{per_step} bytes per step");
    }

    #[test]
    fn module_list_is_right_at_every_step_across_checkpoints() {
        use crate::trace::delta::ModuleChange;
        use crate::trace::model::ModuleOrigin;
        let mut store = counting_trace(1);
        for step in 1..6000u64 {
            let mut delta = StepDelta { event: Event::Line, line: 2, ..Default::default() };
            if step % 1000 == 0 {
                delta.modules.push(ModuleChange::Added {
                    name: format!("m{step}"),
                    origin: ModuleOrigin::BuiltIn,
                    import: None,
                });
            }
            store.push(&delta).unwrap();
        }
        assert!(store.checkpoints.len() > 1);
        for step in [0u64, 999, 1000, 2500, 5999, 4000, 10] {
            let snap = store.snapshot(step).unwrap().unwrap().clone();
            let names: Vec<_> = snap.modules.iter().map(|m| m.name.clone()).collect();
            let expected: Vec<_> = (1..=step / 1000).map(|k| format!("m{}", k * 1000)).collect();
            assert_eq!(names, expected, "step {step}");
        }
    }

    #[test]
    fn garbage_bytes_are_an_error_not_a_panic() {
        let mut store = TraceStore::new();
        assert!(store.push_encoded(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(store.is_empty());
    }

    /// Two threads taking turns every 7 steps, each counting in its own frame; the waiting main
    /// thread's module frame is rebound by the worker now and then.
    #[test]
    fn thread_switches_replay_exactly_from_any_checkpoint() {
        use crate::trace::concurrency::ThreadSwitch;
        let mut store = TraceStore::new();
        let mut expected = Vec::new();
        let mut depth = [0u32, 0];
        let mut running = 0u32;
        for step in 0..4000u64 {
            let thread = ((step / 7) % 2) as u32;
            if thread != running || step == 0 {
                let name = (step < 14).then(|| ["MainThread", "worker"][thread as usize].to_owned());
                let switch = ThreadSwitch { thread, name, time_us: step * 10, left_at_us: None, leaving_keep: 1 };
                store.push_concurrency(ConcurrencyEvent::Switch(switch));
                running = thread;
            }
            if thread == 1 && step % 50 == 3 {
                let update = FrameUpdate {
                    index: 0,
                    line: 9,
                    set: vec![Binding { name: "shared".into(), id: 7 }],
                    removed: vec![],
                };
                store.push_concurrency(ConcurrencyEvent::ParkedFrame { thread: 0, update });
            }
            let id = 10_000 + step;
            let (keep, pushed, updated) = if depth[thread as usize] == 0 {
                depth[thread as usize] = 1;
                let function = if thread == 0 { "<module>" } else { "work" };
                let frame = Frame {
                    frame_id: u64::from(thread) + 1,
                    function: function.into(),
                    kind: FrameKind::Function,
                    code: 0,
                    line: 1,
                    locals: vec![Binding { name: "n".into(), id }],
                };
                (0, vec![frame], vec![])
            } else {
                let set = vec![Binding { name: "n".into(), id }];
                (1, vec![], vec![FrameUpdate { index: 0, line: 2, set, removed: vec![] }])
            };
            let delta = StepDelta {
                line: 2,
                stack: StackDelta { keep, updated, pushed },
                objects: vec![ObjectChange::New(id, int(step as i64)), ObjectChange::Gone(id - 1)],
                ..Default::default()
            };
            store.push(&delta).unwrap();
            expected.push(store.head().clone());
        }
        assert!(!store.checkpoints.is_empty());
        for step in [0u64, 6, 7, 13, 14, 999, 2001, 3998, 1500, 3] {
            let snap = store.snapshot(step).unwrap().unwrap().clone();
            let want = &expected[step as usize];
            assert_eq!((snap.thread, &snap.stack, &snap.threads), (want.thread, &want.stack, &want.threads), "{step}");
        }
        let timeline = store.thread_timeline();
        assert_eq!(timeline.names, ["MainThread", "worker"]);
        assert_eq!(timeline.spans.len(), 4000 / 7 + 1);
        assert_eq!(timeline.hand_offs(), 4000 / 7);
        let late = store.snapshot(3996).unwrap().unwrap().clone();
        assert_eq!(late.thread_name(), "MainThread");
        assert_eq!(late.threads[1].stack[0].function, "work");
        assert!(late.stack[0].locals.iter().any(|b| b.name == "shared"), "the worker's rebinding reached main");
    }
}
