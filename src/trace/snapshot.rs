//! A step's full state, rebuilt by replaying deltas.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::concurrency::{AsyncioState, ConcurrencyEvent, ThreadView};
use super::delta::{FrameUpdate, ObjectChange, ObjectUpdate, StepDelta};
use super::internals::Internals;
use super::model::{Event, ExceptionInfo, Frame, HeapObject, Key, ModuleEntry, ObjId, ObjKind};

/// Everything the panels show for one step, except output (kept apart, see `TraceStore::output_upto`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub index: u64,
    pub event: Option<Event>,
    pub line: u32,
    pub offset: i32,
    /// Outermost first.
    pub stack: Vec<Frame>,
    pub heap: HashMap<ObjId, HeapObject>,
    /// `sys.modules` in insertion order.
    pub modules: Vec<ModuleEntry>,
    pub exception: Option<ExceptionInfo>,
    pub return_value: Option<ObjId>,
    /// The internals recorded for some heap objects (hash tables, paused generators' frames).
    pub internals: HashMap<ObjId, Internals>,
    /// The thread that ran this step: an index into `threads` (0 is the main thread).
    pub thread: u32,
    /// Every thread seen running learner code so far (empty until the first one is named). The
    /// running thread's frames are `stack`; its entry here holds none.
    pub threads: Vec<ThreadView>,
    /// The asyncio event loop running in this step's thread, if any.
    pub asyncio: Option<AsyncioState>,
}

impl Snapshot {
    /// Like `apply`, but moves new objects out of `delta` instead of copying them (their ids stay,
    /// their contents are left empty).
    pub fn apply_taking(&mut self, index: u64, delta: &mut StepDelta) {
        self.apply_except_objects(index, delta);
        for change in &mut delta.objects {
            match change {
                ObjectChange::New(id, object) => {
                    self.internals.remove(id);
                    self.heap.insert(*id, std::mem::take(object));
                }
                ObjectChange::Update(id, update) => self.apply_update(*id, update),
                ObjectChange::Gone(id) => self.remove_object(*id),
                ObjectChange::Internals(id, internals) => self.set_internals(*id, internals.take().map(|boxed| *boxed)),
            }
        }
    }

    /// Turns the state of step `index - 1` into the state of step `index`.
    pub fn apply(&mut self, index: u64, delta: &StepDelta) {
        self.apply_except_objects(index, delta);
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, object) => {
                    self.internals.remove(id);
                    self.heap.insert(*id, object.clone());
                }
                ObjectChange::Update(id, update) => self.apply_update(*id, update),
                ObjectChange::Gone(id) => self.remove_object(*id),
                ObjectChange::Internals(id, internals) => {
                    self.set_internals(*id, internals.as_deref().cloned());
                }
            }
        }
    }

    fn remove_object(&mut self, id: ObjId) {
        self.heap.remove(&id);
        self.internals.remove(&id);
    }

    fn set_internals(&mut self, id: ObjId, internals: Option<Internals>) {
        match internals {
            Some(internals) if self.heap.contains_key(&id) => {
                self.internals.insert(id, internals);
            }
            _ => {
                self.internals.remove(&id);
            }
        }
    }

    fn apply_update(&mut self, id: ObjId, update: &ObjectUpdate) {
        let Some(object) = self.heap.get_mut(&id) else {
            return;
        };
        if let Some(repr) = &update.repr {
            object.repr.clone_from(repr);
        }
        if let Some(size) = update.size {
            object.size = size;
        }
        if let Some(refcount) = update.refcount {
            object.refcount = refcount;
        }
        if let Some(splice) = &update.splice {
            splice.apply(&mut object.children);
            object.more = splice.more;
        }
    }

    fn apply_except_objects(&mut self, index: u64, delta: &StepDelta) {
        self.index = index;
        self.event = Some(delta.event);
        self.line = delta.line;
        self.offset = delta.offset;
        self.exception = delta.exception.clone();
        self.return_value = delta.return_value;

        let keep = (delta.stack.keep as usize).min(self.stack.len());
        self.stack.truncate(keep);
        for update in &delta.stack.updated {
            apply_frame_update(&mut self.stack, update);
        }
        self.stack.extend(delta.stack.pushed.iter().cloned());

        for change in &delta.modules {
            change.apply_to(&mut self.modules, index);
        }
    }

    /// Applies something about threads or tasks that holds from this step on (before its delta).
    pub fn apply_concurrency(&mut self, event: &ConcurrencyEvent) {
        match event {
            ConcurrencyEvent::Switch(switch) => {
                let needed = (switch.thread.max(self.thread) as usize) + 1;
                if self.threads.len() < needed {
                    let first_new = self.threads.len();
                    self.threads.extend(
                        (first_new..needed)
                            .map(|index| ThreadView { name: format!("thread {index}"), stack: Vec::new() }),
                    );
                }
                if let Some(name) = &switch.name {
                    self.threads[switch.thread as usize].name.clone_from(name);
                }
                self.stack.truncate(switch.leaving_keep as usize);
                if switch.thread != self.thread {
                    let leaving = std::mem::take(&mut self.stack);
                    self.threads[self.thread as usize].stack = leaving;
                    self.stack = std::mem::take(&mut self.threads[switch.thread as usize].stack);
                    self.thread = switch.thread;
                }
            }
            ConcurrencyEvent::ParkedFrame { thread, update } => {
                if let Some(view) = self.threads.get_mut(*thread as usize) {
                    apply_frame_update(&mut view.stack, update);
                }
            }
            ConcurrencyEvent::Asyncio(state) => self.asyncio.clone_from(state),
            ConcurrencyEvent::Finished { .. } => {}
        }
    }

    /// Every thread's name and frames (outermost first), the running thread's included, in thread
    /// order. A program that never started a thread has one, unnamed until the worker names it.
    pub fn thread_stacks(&self) -> impl Iterator<Item = (u32, &str, &[Frame])> {
        let running = (self.threads.is_empty()).then_some((0, "MainThread", self.stack.as_slice()));
        let named = self.threads.iter().enumerate().map(|(index, view)| {
            let frames = if index as u32 == self.thread { self.stack.as_slice() } else { view.stack.as_slice() };
            (index as u32, view.name.as_str(), frames)
        });
        running.into_iter().chain(named)
    }

    /// The name of the thread that ran this step.
    pub fn thread_name(&self) -> &str {
        self.threads.get(self.thread as usize).map_or("MainThread", |view| view.name.as_str())
    }

    pub fn top_frame(&self) -> Option<&Frame> {
        self.stack.last()
    }

    /// Python's repr of an object as of this step, at most about `limit` characters (then `...`).
    /// Exact builtin containers are rebuilt from their children the way CPython's own repr does it.
    pub fn repr_of(&self, id: ObjId, limit: usize) -> String {
        let mut out = String::new();
        let mut active = Vec::new();
        self.write_repr(id, limit, &mut out, &mut active);
        if out.len() > limit {
            truncate_at_char(&mut out, limit);
            out.push_str("...");
        }
        out
    }

    fn write_repr(&self, id: ObjId, limit: usize, out: &mut String, active: &mut Vec<ObjId>) {
        if out.len() > limit {
            return;
        }
        let Some(object) = self.heap.get(&id) else {
            out.push_str("<?>");
            return;
        };
        if !object.flags.repr_from_children() {
            out.push_str(&object.repr);
            return;
        }
        let (open, close) = match object.kind {
            ObjKind::List => ("[", "]"),
            ObjKind::Tuple => ("(", ")"),
            ObjKind::Dict => ("{", "}"),
            ObjKind::Set if object.children.is_empty() => return out.push_str("set()"),
            ObjKind::Set => ("{", "}"),
            ObjKind::FrozenSet if object.children.is_empty() => return out.push_str("frozenset()"),
            ObjKind::FrozenSet => ("frozenset({", "})"),
            _ => ("<", ">"),
        };
        if active.contains(&id) {
            // CPython's marker for a container that contains itself.
            out.push_str(match object.kind {
                ObjKind::Dict => "{...}",
                ObjKind::List => "[...]",
                _ => "...",
            });
            return;
        }
        active.push(id);
        out.push_str(open);
        for (i, child) in object.children.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if out.len() > limit {
                break;
            }
            if let Key::Object(key) = child.key {
                self.write_repr(key, limit, out, active);
                out.push_str(": ");
            }
            self.write_repr(child.id, limit, out, active);
        }
        if object.more > 0 {
            out.push_str(", ...");
        }
        if object.kind == ObjKind::Tuple && object.children.len() == 1 && object.more == 0 {
            out.push(',');
        }
        out.push_str(close);
        active.pop();
    }
}

/// Applies a frame's new line and bindings to the frame it names in `stack`.
fn apply_frame_update(stack: &mut [Frame], update: &FrameUpdate) {
    let Some(frame) = stack.get_mut(update.index as usize) else {
        return;
    };
    frame.line = update.line;
    if !update.removed.is_empty() {
        frame.locals.retain(|binding| !update.removed.contains(&binding.name));
    }
    for binding in &update.set {
        match frame.locals.iter_mut().find(|b| b.name == binding.name) {
            Some(existing) => existing.id = binding.id,
            None => frame.locals.push(binding.clone()),
        }
    }
}

/// Cuts `text` to at most `max` bytes without splitting a character.
pub fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::model::{Child, ObjFlags};

    fn leaf(repr: &str) -> HeapObject {
        HeapObject {
            type_name: "int".into(),
            kind: ObjKind::Leaf,
            repr: repr.into(),
            flags: ObjFlags::default(),
            size: 28,
            refcount: 1,
            children: vec![],
            more: 0,
        }
    }

    fn container(kind: ObjKind, children: Vec<Child>) -> HeapObject {
        HeapObject {
            type_name: kind.as_str().into(),
            kind,
            repr: String::new(),
            flags: ObjFlags::REPR_FROM_CHILDREN,
            size: 56,
            refcount: 1,
            children,
            more: 0,
        }
    }

    #[test]
    fn composed_reprs_match_python_spelling() {
        let mut snap = Snapshot::default();
        snap.heap.insert(1, leaf("1"));
        snap.heap.insert(2, leaf("'a'"));
        let item = |id| Child { key: Key::Index, id };
        snap.heap.insert(10, container(ObjKind::List, vec![item(1), item(2)]));
        snap.heap.insert(11, container(ObjKind::Tuple, vec![item(1)]));
        snap.heap.insert(12, container(ObjKind::Dict, vec![Child { key: Key::Object(2), id: 1 }]));
        snap.heap.insert(13, container(ObjKind::Set, vec![]));
        snap.heap.insert(14, container(ObjKind::List, vec![item(14)]));
        snap.heap.insert(15, container(ObjKind::FrozenSet, vec![item(1)]));
        assert_eq!(snap.repr_of(10, 100), "[1, 'a']");
        assert_eq!(snap.repr_of(11, 100), "(1,)");
        assert_eq!(snap.repr_of(12, 100), "{'a': 1}");
        assert_eq!(snap.repr_of(13, 100), "set()");
        assert_eq!(snap.repr_of(14, 100), "[[...]]");
        assert_eq!(snap.repr_of(15, 100), "frozenset({1})");
        assert_eq!(snap.repr_of(10, 3), "[1,...");
    }
}
