//! What changed between two consecutive steps. The worker computes deltas; everything else replays them.

use serde::{Deserialize, Serialize};

use super::model::{Binding, Child, Event, ExceptionInfo, Frame, HeapObject, ModuleOrigin, ObjId};

/// One recorded step, as the difference from the step before it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepDelta {
    pub event: Event,
    /// The line of the top frame (for `line` steps: the line about to run).
    pub line: u32,
    /// The top frame's bytecode offset (`f_lasti`), -1 before its first instruction.
    pub offset: i32,
    pub stack: StackDelta,
    pub objects: Vec<ObjectChange>,
    pub modules: Vec<ModuleChange>,
    pub stdout: String,
    pub stderr: String,
    /// Set on `exception` steps.
    pub exception: Option<ExceptionInfo>,
    /// Set on `return` steps.
    pub return_value: Option<ObjId>,
}

/// The stack is kept as `keep` bottom frames of the previous step, some of them updated, with new ones pushed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackDelta {
    pub keep: u32,
    pub updated: Vec<FrameUpdate>,
    pub pushed: Vec<Frame>,
}

/// Changes to a kept frame: its line and the locals bound, rebound or deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameUpdate {
    pub index: u32,
    pub line: u32,
    /// Bound or rebound names; a new name goes at the end.
    pub set: Vec<Binding>,
    pub removed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectChange {
    /// An object that appeared (or whose id now names a different object).
    New(ObjId, HeapObject),
    Update(ObjId, ObjectUpdate),
    /// No longer reachable from any learner frame.
    Gone(ObjId),
}

/// The parts of an existing object that changed. All `None` means only something it contains changed
/// (so a repr built from children may differ).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectUpdate {
    pub repr: Option<String>,
    pub size: Option<u64>,
    pub refcount: Option<u64>,
    pub splice: Option<Splice>,
}

/// `children[at..at + remove]` replaced by `insert`, and the new count of unrecorded children.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Splice {
    pub at: u32,
    pub remove: u32,
    pub insert: Vec<Child>,
    pub more: u64,
}

impl Splice {
    /// The smallest splice turning `old` into `new` (a common prefix and suffix kept), or `None` if equal.
    pub fn between(old: &[Child], new: &[Child], more: u64, old_more: u64) -> Option<Splice> {
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let max_suffix = old.len().min(new.len()) - prefix;
        let suffix = old.iter().rev().zip(new.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
        if prefix == old.len() && prefix == new.len() && more == old_more {
            return None;
        }
        Some(Splice {
            at: prefix as u32,
            remove: (old.len() - prefix - suffix) as u32,
            insert: new[prefix..new.len() - suffix].to_vec(),
            more,
        })
    }

    pub fn apply(&self, children: &mut Vec<Child>) {
        let at = (self.at as usize).min(children.len());
        let end = (at + self.remove as usize).min(children.len());
        children.splice(at..end, self.insert.iter().cloned());
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleChange {
    Added { name: String, origin: ModuleOrigin },
    Removed { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::model::Key;

    fn kids(ids: &[u64]) -> Vec<Child> {
        ids.iter().map(|&id| Child { key: Key::Index, id }).collect()
    }

    #[test]
    fn splice_round_trips_common_edits() {
        let cases: [(&[u64], &[u64]); 7] = [
            (&[1, 2, 3], &[1, 2, 3, 4]),
            (&[1, 2, 3], &[0, 1, 2, 3]),
            (&[1, 2, 3], &[1, 3]),
            (&[1, 2, 3], &[1, 9, 3]),
            (&[1, 2, 3], &[3, 2, 1]),
            (&[], &[5]),
            (&[1, 1, 1], &[1, 1]),
        ];
        for (old, new) in cases {
            let (old, new) = (kids(old), kids(new));
            let splice = Splice::between(&old, &new, 0, 0).expect("lists differ");
            let mut patched = old.clone();
            splice.apply(&mut patched);
            assert_eq!(patched, new, "{splice:?}");
        }
    }

    #[test]
    fn append_is_a_one_child_splice() {
        let splice = Splice::between(&kids(&[1, 2]), &kids(&[1, 2, 7]), 0, 0).expect("differ");
        assert_eq!((splice.at, splice.remove, splice.insert.len()), (2, 0, 1));
    }

    #[test]
    fn equal_children_give_no_splice() {
        assert!(Splice::between(&kids(&[1, 2]), &kids(&[1, 2]), 0, 0).is_none());
        assert!(Splice::between(&kids(&[1, 2]), &kids(&[1, 2]), 3, 0).is_some());
    }
}
