//! The recorded trace of a run: compact step deltas plus periodic checkpoints, so memory grows with
//! what changes rather than with steps x heap, and any step's snapshot can be rebuilt quickly.

use std::ops::Range;

use super::delta::StepDelta;
use super::model::Stream;
use super::outcome::RunEnd;
use super::snapshot::Snapshot;

/// A checkpoint is taken once the deltas since the last one outweigh a copy of the snapshot
/// (but never more often than this many bytes of deltas), bounding both replay time and memory.
const MIN_BYTES_BETWEEN_CHECKPOINTS: usize = 64 * 1024;
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
    /// Every step's delta, postcard-encoded, back to back.
    deltas: Vec<u8>,
    /// Where each step's delta starts in `deltas`.
    starts: Vec<u64>,
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
        self.starts.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
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

    /// Appends one step given as the postcard bytes the worker sent; returns the decoded delta.
    pub fn push_encoded(&mut self, bytes: &[u8]) -> Result<StepDelta, DecodeError> {
        let delta: StepDelta = postcard::from_bytes(bytes).map_err(|err| DecodeError(err.to_string()))?;
        let index = self.len();
        self.head.apply(index, &delta);
        self.starts.push(self.deltas.len() as u64);
        self.deltas.extend_from_slice(bytes);
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
            self.checkpoints.push((index, self.head.clone()));
            self.bytes_since_checkpoint = 0;
        }
        Ok(delta)
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
        let i = step as usize;
        let start = self.starts[i] as usize;
        let end = self.starts.get(i + 1).map_or(self.deltas.len(), |&s| s as usize);
        &self.deltas[start..end]
    }

    fn replay(&self, snapshot: &mut Snapshot, from: u64, to: u64) -> Result<(), DecodeError> {
        for step in from..=to {
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
        let start = cursor.or_else(|| base.map(|(_, snap)| snap.clone()));
        let (mut snapshot, from) = match start {
            Some(snap) => {
                let from = snap.index + 1;
                (snap, from)
            }
            None => (Snapshot::default(), 0),
        };
        if from <= step {
            self.replay(&mut snapshot, from, step)?;
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
        self.deltas.len() + self.starts.len() * std::mem::size_of::<u64>() + checkpoint_bytes
    }

    /// Steps whose frame `frame_id` binds `name` to a different object than the step before
    /// ("when did x change?"), or steps where object `id` changed.
    pub fn changes_of_object(&self, id: u64) -> Vec<u64> {
        let mut steps = Vec::new();
        for step in 0..self.len() {
            if let Ok(delta) = postcard::from_bytes::<StepDelta>(self.delta_bytes(step)) {
                let touched = delta.objects.iter().any(|change| match change {
                    super::delta::ObjectChange::New(oid, _)
                    | super::delta::ObjectChange::Update(oid, _)
                    | super::delta::ObjectChange::Gone(oid) => *oid == id,
                });
                if touched {
                    steps.push(step);
                }
            }
        }
        steps
    }
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
            repr_from_children: false,
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
            event: Some(Event::Line),
            line: 1,
            stack: StackDelta {
                keep: 0,
                updated: vec![],
                pushed: vec![Frame {
                    frame_id: 1,
                    function: "<module>".into(),
                    kind: FrameKind::Module,
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
                event: Some(Event::Line),
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
    fn garbage_bytes_are_an_error_not_a_panic() {
        let mut store = TraceStore::new();
        assert!(store.push_encoded(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(store.is_empty());
    }
}
