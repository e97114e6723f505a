//! Which reprs a step line carries. A new object always carries its repr; an updated one only when
//! the first `JSON_REPR_LIMIT` characters changed since they were last written (appending to a long
//! list rarely changes them).
//!
//! An object with a repr of its own changes it only through `ObjectUpdate::repr`, so comparing the
//! old and new text, cut, decides. A container whose repr is rebuilt from its children (a list,
//! dict, ...) would need a rebuild at every update; rebuilding a long list's repr at every append is
//! most of what writing a trace costs. So when a container's repr can be shown to depend only on its
//! first `PREFIX` children, all with reprs of their own, those children are remembered, and the repr
//! is rebuilt only once one of them, or that prefix, changes.

use rustc_hash::FxHashMap as HashMap;

use super::JSON_REPR_LIMIT;
use crate::trace::delta::{ObjectChange, ObjectUpdate, StepDelta};
use crate::trace::model::{Key, ObjId};
use crate::trace::snapshot::Snapshot;

/// Children at this index and beyond never reach a repr cut at `JSON_REPR_LIMIT` bytes: every child
/// after the first is preceded by a two-byte separator (`, `), and the rebuild stops at the first
/// child it reaches with more than `JSON_REPR_LIMIT` bytes written, so it stops by this index.
const PREFIX: usize = JSON_REPR_LIMIT / 2 + 1;

/// The repr last written for a container whose repr is rebuilt from its children.
struct Written {
    text: String,
    /// What `text` depends on, when that is known to be only the first `PREFIX` children (and
    /// their keys), all with reprs of their own; empty: unknown, rebuild at the next update.
    depends_on: Vec<ObjId>,
}

#[derive(Default)]
pub struct ReprTracker {
    written: HashMap<ObjId, Written>,
    /// For each object some written container repr depends on: those containers.
    dependents: HashMap<ObjId, Vec<ObjId>>,
    /// The reprs the current step's updates carry.
    changed: HashMap<ObjId, String>,
}

/// `text` as the JSON shows it: at most `JSON_REPR_LIMIT` bytes (cut at a character), then `...`.
pub fn cut(text: &str) -> (&str, bool) {
    if text.len() <= JSON_REPR_LIMIT {
        return (text, false);
    }
    let mut end = JSON_REPR_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

impl ReprTracker {
    /// Before `delta` is applied to `snapshot` (the previous step): notes which objects with reprs
    /// of their own now show a different (cut) repr.
    pub fn before_apply(&mut self, delta: &StepDelta, snapshot: &Snapshot) {
        self.changed.clear();
        for change in &delta.objects {
            let ObjectChange::Update(id, ObjectUpdate { repr: Some(new), .. }) = change else { continue };
            let Some(object) = snapshot.heap.get(id) else { continue };
            if !object.flags.repr_from_children() && cut(&object.repr) != cut(new) {
                let (text, was_cut) = cut(new);
                let mut shown = text.to_owned();
                if was_cut {
                    shown.push_str("...");
                }
                self.changed.insert(*id, shown);
            }
        }
    }

    /// After `delta` was applied: forgets what it made stale, then works out the reprs of the
    /// containers it updated (see `changed`).
    pub fn after_apply(&mut self, delta: &StepDelta, snapshot: &Snapshot) {
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, _) => {
                    self.forget_dependents(*id);
                    self.forget(*id);
                }
                ObjectChange::Gone(id) => {
                    self.forget_dependents(*id);
                    self.forget(*id);
                }
                ObjectChange::Update(id, update) => {
                    if update.repr.is_some() {
                        self.forget_dependents(*id);
                    }
                    let prefix_kept = match &update.splice {
                        Some(splice) => splice.at as usize >= PREFIX,
                        None => true,
                    };
                    let long_enough = snapshot.heap.get(id).is_some_and(|object| object.children.len() > PREFIX);
                    if update.repr.is_some() || !prefix_kept || !long_enough {
                        self.make_stale(*id);
                    }
                }
                ObjectChange::Internals(..) => {}
            }
        }
        for change in &delta.objects {
            let ObjectChange::Update(id, _) = change else { continue };
            let composed = snapshot.heap.get(id).is_some_and(|object| object.flags.repr_from_children());
            if !composed || self.written.get(id).is_some_and(|written| !written.depends_on.is_empty()) {
                continue;
            }
            let text = snapshot.repr_of(*id, JSON_REPR_LIMIT);
            if self.written.get(id).is_none_or(|written| written.text != text) {
                self.changed.insert(*id, text.clone());
            }
            self.remember(*id, text, snapshot);
        }
    }

    /// The repr the current step's update of `id` carries, if it changed.
    pub fn changed(&self, id: ObjId) -> Option<&str> {
        self.changed.get(&id).map(String::as_str)
    }

    /// The repr of a new container (rebuilt from its children), remembered for later updates.
    pub fn new_container(&mut self, id: ObjId, snapshot: &Snapshot) -> &str {
        let text = snapshot.repr_of(id, JSON_REPR_LIMIT);
        self.remember(id, text, snapshot);
        self.written.get(&id).map_or("", |written| written.text.as_str())
    }

    fn remember(&mut self, id: ObjId, text: String, snapshot: &Snapshot) {
        self.forget(id);
        let depends_on = prefix_dependencies(id, snapshot);
        for dependency in &depends_on {
            self.dependents.entry(*dependency).or_default().push(id);
        }
        self.written.insert(id, Written { text, depends_on });
    }

    fn forget(&mut self, id: ObjId) {
        self.make_stale(id);
        self.written.remove(&id);
    }

    /// `id`'s written repr must be rebuilt at its next update.
    fn make_stale(&mut self, id: ObjId) {
        let Some(written) = self.written.get_mut(&id) else { return };
        for dependency in written.depends_on.drain(..) {
            if let Some(dependents) = self.dependents.get_mut(&dependency) {
                dependents.retain(|&container| container != id);
                if dependents.is_empty() {
                    self.dependents.remove(&dependency);
                }
            }
        }
    }

    /// The containers whose written repr showed `id`'s repr must be rebuilt at their next update.
    fn forget_dependents(&mut self, id: ObjId) {
        if let Some(containers) = self.dependents.remove(&id) {
            for container in containers {
                self.make_stale(container);
            }
        }
    }
}

/// The objects `id`'s repr depends on, when those are only its first `PREFIX` children (and keys),
/// each with a repr of its own; otherwise none.
fn prefix_dependencies(id: ObjId, snapshot: &Snapshot) -> Vec<ObjId> {
    let Some(object) = snapshot.heap.get(&id) else { return Vec::new() };
    if object.children.len() <= PREFIX {
        return Vec::new();
    }
    let mut depends_on = Vec::with_capacity(PREFIX * 2);
    for child in &object.children[..PREFIX] {
        if let Key::Object(key) = child.key {
            depends_on.push(key);
        }
        depends_on.push(child.id);
    }
    let own_reprs = depends_on
        .iter()
        .all(|dependency| snapshot.heap.get(dependency).is_some_and(|child| !child.flags.repr_from_children()));
    if own_reprs { depends_on } else { Vec::new() }
}
