//! What changed between two consecutive steps. The worker computes deltas; everything else replays them.

use serde::{Deserialize, Serialize};

use super::internals::Internals;
use super::model::{
    Binding, Child, Event, ExceptionInfo, Frame, HeapObject, ImportHit, ImportTiming, ModuleEntry, ModuleOrigin, ObjId,
};

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
    /// The thread that ran the step (see `Snapshot::thread`). Not part of the encoded step: the
    /// store fills it in from the thread switches it logged.
    #[serde(skip)]
    pub thread: u32,
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
    /// The object's internals as of this step (`None`: it has none any more). Comes after the
    /// object's own `New`, in the same step.
    Internals(ObjId, Option<Box<Internals>>),
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

/// Writing a step's bytes piece by piece, exactly as postcard encodes the equivalent `StepDelta`, so
/// the recorder never builds (and frees) an owned delta for every step. Sections whose length is
/// known only at the end (updated and pushed frames) are gathered first, then written in order.
#[derive(Default)]
pub struct StepWriter {
    out: Vec<u8>,
    updates: Vec<u8>,
    update_count: u32,
    pushed: Vec<u8>,
    pushed_count: u32,
}

impl StepWriter {
    /// Starts a new step, forgetting the last one (the buffers keep their capacity).
    pub fn begin(&mut self) {
        self.out.clear();
        self.updates.clear();
        self.update_count = 0;
        self.pushed.clear();
        self.pushed_count = 0;
    }

    /// One `FrameUpdate`: bound or rebound names, then deleted ones.
    pub fn frame_update<'a>(
        &mut self,
        index: u32,
        line: u32,
        set: impl ExactSizeIterator<Item = (&'a str, ObjId)>,
        removed: &[String],
    ) {
        let out = &mut self.updates;
        wire::varint(out, index.into());
        wire::varint(out, line.into());
        wire::varint(out, set.len() as u64);
        for (name, id) in set {
            wire::text(out, name);
            wire::varint(out, id);
        }
        wire::varint(out, removed.len() as u64);
        for name in removed {
            wire::text(out, name);
        }
        self.update_count += 1;
    }

    pub fn pushed_frame(&mut self, frame: &Frame) -> Result<(), postcard::Error> {
        wire::value(&mut self.pushed, frame)?;
        self.pushed_count += 1;
        Ok(())
    }

    /// Writes the step's head and its stack section; returns the buffer for the objects section
    /// (see `wire::object_*`), which must follow at once.
    pub fn head(&mut self, event: Event, line: u32, offset: i32, keep: u32) -> &mut Vec<u8> {
        let out = &mut self.out;
        wire::varint(out, event as u64);
        wire::varint(out, line.into());
        wire::signed(out, offset);
        wire::varint(out, keep.into());
        wire::varint(out, self.update_count.into());
        out.extend_from_slice(&self.updates);
        wire::varint(out, self.pushed_count.into());
        out.extend_from_slice(&self.pushed);
        out
    }

    /// Writes everything after the objects section; returns the finished step.
    pub fn tail(
        &mut self,
        modules: &[ModuleChange],
        stdout: &str,
        stderr: &str,
        exception: Option<&ExceptionInfo>,
        return_value: Option<ObjId>,
    ) -> Result<&[u8], postcard::Error> {
        let out = &mut self.out;
        wire::varint(out, modules.len() as u64);
        for change in modules {
            wire::value(out, change)?;
        }
        wire::text(out, stdout);
        wire::text(out, stderr);
        match exception {
            Some(info) => {
                out.push(1);
                wire::value(out, info)?;
            }
            None => out.push(0),
        }
        match return_value {
            Some(id) => {
                out.push(1);
                wire::varint(out, id);
            }
            None => out.push(0),
        }
        Ok(&self.out)
    }
}

/// postcard's encoding of the pieces of a step (see `StepWriter`).
pub mod wire {
    use serde::Serialize;

    use crate::trace::delta::ObjectUpdate;
    use crate::trace::internals::Internals;
    use crate::trace::model::{HeapObject, ObjFlags, ObjId, ObjKind};

    pub fn varint(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push((value as u8) | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    /// A signed integer, zigzag-encoded.
    pub fn signed(out: &mut Vec<u8>, value: i32) {
        varint(out, ((value << 1) ^ (value >> 31)) as u32 as u64);
    }

    pub fn text(out: &mut Vec<u8>, text: &str) {
        varint(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }

    /// Anything else, through postcard itself.
    pub fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), postcard::Error> {
        let start = out.len();
        postcard::to_io(value, &mut *out).map(|_| ()).inspect_err(|_| out.truncate(start))
    }

    /// The number of object changes that follow.
    pub fn object_count(out: &mut Vec<u8>, count: usize) {
        varint(out, count as u64);
    }

    pub fn object_new(out: &mut Vec<u8>, id: ObjId, object: &HeapObject) -> Result<(), postcard::Error> {
        varint(out, 0);
        varint(out, id);
        value(out, object)
    }

    /// A new int that fits in 64 bits: its repr is its value.
    pub struct NewInt<'a> {
        pub type_name: &'a str,
        pub number: i64,
        pub flags: ObjFlags,
        pub size: u64,
        pub refcount: u64,
    }

    /// `ObjectChange::New` of an int that fits in 64 bits: its repr is its value.
    pub fn object_new_int(out: &mut Vec<u8>, id: ObjId, int: NewInt<'_>) {
        let NewInt { type_name, number, flags, size, refcount } = int;
        varint(out, 0);
        varint(out, id);
        text(out, type_name);
        varint(out, ObjKind::Leaf as u64);
        let mut digits = [0u8; 20];
        let mut left = number.unsigned_abs();
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (left % 10) as u8;
            left /= 10;
            if left == 0 {
                break;
            }
        }
        let negative = number < 0;
        varint(out, (digits.len() - at + usize::from(negative)) as u64);
        if negative {
            out.push(b'-');
        }
        out.extend_from_slice(&digits[at..]);
        out.push(flags.0);
        varint(out, size);
        varint(out, refcount);
        varint(out, 0); // children
        varint(out, 0); // more
    }

    pub fn object_update(out: &mut Vec<u8>, id: ObjId, update: &ObjectUpdate) -> Result<(), postcard::Error> {
        varint(out, 1);
        varint(out, id);
        value(out, update)
    }

    pub fn object_gone(out: &mut Vec<u8>, id: ObjId) {
        varint(out, 2);
        varint(out, id);
    }

    pub fn object_internals(
        out: &mut Vec<u8>,
        id: ObjId,
        internals: Option<&Internals>,
    ) -> Result<(), postcard::Error> {
        varint(out, 3);
        varint(out, id);
        value(out, &internals)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleChange {
    /// `import`: how the program's import of it went (`None`: loaded some other way, or before the run).
    Added {
        name: String,
        origin: ModuleOrigin,
        import: Option<ImportTiming>,
    },
    Removed {
        name: String,
    },
    /// `count` imports by `importer` found `name` already in `sys.modules` (cache hits).
    Hit {
        name: String,
        importer: String,
        initializing: bool,
        count: u32,
    },
    /// The import of `name`, added at an earlier step, ended (its code ran steps of the program's file).
    Timed {
        name: String,
        import: ImportTiming,
    },
}

impl ModuleChange {
    /// Applies this change, recorded at `step`, to `sys.modules` as seen before it.
    pub fn apply_to(&self, modules: &mut Vec<ModuleEntry>, step: u64) {
        match self {
            ModuleChange::Added { name, origin, import } => {
                modules.retain(|m| &m.name != name);
                modules.push(ModuleEntry {
                    name: name.clone(),
                    origin: origin.clone(),
                    added_step: step,
                    import: import.clone(),
                    hits: Vec::new(),
                    hit_count: 0,
                });
            }
            ModuleChange::Removed { name } => modules.retain(|m| &m.name != name),
            ModuleChange::Timed { name, import } => {
                if let Some(module) = modules.iter_mut().rev().find(|m| &m.name == name) {
                    module.import = Some(import.clone());
                }
            }
            ModuleChange::Hit { name, importer, initializing, count } => {
                let Some(module) = modules.iter_mut().rev().find(|m| &m.name == name) else { return };
                module.hit_count += u64::from(*count);
                if module.hits.len() < ModuleEntry::MAX_HITS_KEPT {
                    let hit =
                        ImportHit { step, importer: importer.clone(), initializing: *initializing, count: *count };
                    module.hits.push(hit);
                }
            }
        }
    }
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

    /// Encodes `delta` the way the recorder does, piece by piece.
    fn written(delta: &StepDelta) -> Vec<u8> {
        let mut writer = StepWriter::default();
        writer.begin();
        for update in &delta.stack.updated {
            let set = update.set.iter().map(|b| (b.name.as_str(), b.id));
            writer.frame_update(update.index, update.line, set, &update.removed);
        }
        for frame in &delta.stack.pushed {
            writer.pushed_frame(frame).unwrap();
        }
        let out = writer.head(delta.event, delta.line, delta.offset, delta.stack.keep);
        wire::object_count(out, delta.objects.len());
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, object) => match object.repr.parse::<i64>() {
                    Ok(number) if object.type_name == "int" => {
                        let int = wire::NewInt {
                            type_name: &object.type_name,
                            number,
                            flags: object.flags,
                            size: object.size,
                            refcount: object.refcount,
                        };
                        wire::object_new_int(out, *id, int)
                    }
                    _ => wire::object_new(out, *id, object).unwrap(),
                },
                ObjectChange::Internals(id, internals) => {
                    wire::object_internals(out, *id, internals.as_deref()).unwrap()
                }
                ObjectChange::Update(id, update) => wire::object_update(out, *id, update).unwrap(),
                ObjectChange::Gone(id) => wire::object_gone(out, *id),
            }
        }
        writer
            .tail(&delta.modules, &delta.stdout, &delta.stderr, delta.exception.as_ref(), delta.return_value)
            .unwrap()
            .to_vec()
    }

    fn int_object(number: i64) -> HeapObject {
        HeapObject { type_name: "int".into(), repr: number.to_string(), size: 28, refcount: 3, ..Default::default() }
    }

    #[test]
    fn step_writer_gives_postcard_bytes() {
        use crate::trace::model::{Binding, Frame, FrameKind, ObjKind, TracebackEntry};
        let full = StepDelta {
            event: Event::Exception,
            line: 300,
            offset: -1,
            stack: StackDelta {
                keep: 2,
                updated: vec![
                    FrameUpdate {
                        index: 0,
                        line: 9,
                        set: vec![Binding { name: "s".into(), id: 140_000_000_000 }],
                        removed: vec![],
                    },
                    FrameUpdate { index: 1, line: 200, set: vec![], removed: vec!["gone".into(), "ü".into()] },
                ],
                pushed: vec![Frame {
                    frame_id: 7,
                    function: "f".into(),
                    kind: FrameKind::Function,
                    code: 99,
                    line: 3,
                    locals: vec![Binding { name: "n".into(), id: 5 }],
                }],
            },
            objects: vec![
                ObjectChange::New(1, HeapObject { flags: crate::trace::ObjFlags::SMALL_INT, ..int_object(0) }),
                ObjectChange::New(2, int_object(-9_223_372_036_854_775_808)),
                ObjectChange::New(3, int_object(i64::MAX)),
                ObjectChange::New(
                    4,
                    HeapObject {
                        type_name: "list".into(),
                        kind: ObjKind::List,
                        flags: crate::trace::ObjFlags::REPR_FROM_CHILDREN,
                        children: kids(&[1, 2]),
                        more: 4,
                        ..Default::default()
                    },
                ),
                ObjectChange::Update(
                    5,
                    ObjectUpdate {
                        refcount: Some(2),
                        splice: Splice::between(&kids(&[1]), &kids(&[1, 3]), 0, 0),
                        ..Default::default()
                    },
                ),
                ObjectChange::Internals(
                    4,
                    Some(Box::new(crate::trace::Internals::HashTable(crate::trace::HashTable {
                        kind: crate::trace::TableKind::Dict,
                        size: 8,
                        usable: 3,
                        slots: vec![crate::trace::Slot::Empty, crate::trace::Slot::Dummy, crate::trace::Slot::Entry(0)],
                        entries: vec![crate::trace::TableEntry { hash: -2, key: Some(1), value: None }],
                    }))),
                ),
                ObjectChange::Internals(5, None),
                ObjectChange::Gone(u64::MAX),
            ],
            modules: vec![
                ModuleChange::Added {
                    name: "m".into(),
                    origin: ModuleOrigin::File("/m.py".into()),
                    import: Some(ImportTiming {
                        self_us: 12,
                        cumulative_us: 40,
                        parent: Some("pkg".into()),
                        importer: "__main__".into(),
                    }),
                },
                ModuleChange::Hit { name: "m".into(), importer: "__main__".into(), initializing: true, count: 3 },
                ModuleChange::Removed { name: "old".into() },
            ],
            stdout: "out\n".into(),
            stderr: "err".into(),
            exception: Some(ExceptionInfo {
                type_name: "ValueError".into(),
                message: "bad".into(),
                traceback: vec![TracebackEntry { filename: "p.py".into(), function: "f".into(), line: 3 }],
                object: Some(77),
                chain: vec![crate::trace::ChainedException {
                    link: crate::trace::ChainLink::Context,
                    type_name: "KeyError".into(),
                    message: "'k'".into(),
                    suppress_context: false,
                }],
                suppress_context: true,
                handled: true,
            }),
            return_value: Some(1234),
            thread: 0,
        };
        let events = [Event::Call, Event::Line, Event::Return, Event::Exception, Event::Instruction, Event::default()];
        let mut cases = vec![StepDelta::default(), full.clone()];
        for (i, event) in events.into_iter().enumerate() {
            cases.push(StepDelta { event, offset: i as i32 * 1000 - 1, ..full.clone() });
        }
        for delta in cases {
            let bytes = postcard::to_stdvec(&delta).unwrap();
            assert_eq!(written(&delta), bytes, "{delta:?}");
        }
    }

    #[test]
    fn equal_children_give_no_splice() {
        assert!(Splice::between(&kids(&[1, 2]), &kids(&[1, 2]), 0, 0).is_none());
        assert!(Splice::between(&kids(&[1, 2]), &kids(&[1, 2]), 3, 0).is_some());
    }
}
