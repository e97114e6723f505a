//! The `pyxray trace` JSON Lines format (see docs/trace-format.md).

use rustc_hash::FxHashMap as HashMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::delta::{ObjectChange, Splice, StepDelta};
use super::model::{Child, ExceptionInfo, Frame, HeapObject, Key, ModuleOrigin};
use super::outcome::RunEnd;
use super::snapshot::Snapshot;

pub const FORMAT_NAME: &str = "pyxray-trace";
pub const FORMAT_VERSION: u32 = 1;
/// Reprs in the JSON are cut at this many bytes (then `...`).
pub const JSON_REPR_LIMIT: usize = 200;

pub fn header(python_version: &str, program: &str, max_steps: u64) -> Value {
    json!({
        "type": "header",
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "python": python_version,
        "pyxray": env!("CARGO_PKG_VERSION"),
        "program": program,
        "max_steps": max_steps,
    })
}

fn id_str(id: u64) -> Value {
    Value::String(id.to_string())
}

fn child_json(child: &Child) -> Value {
    match &child.key {
        Key::Index => id_str(child.id),
        Key::Object(key) => json!([key.to_string(), child.id.to_string()]),
        Key::Name(name) => json!({"attr": name, "id": child.id.to_string()}),
    }
}

fn splice_json(splice: &Splice) -> Value {
    json!({
        "at": splice.at,
        "remove": splice.remove,
        "insert": splice.insert.iter().map(child_json).collect::<Vec<_>>(),
    })
}

pub fn exception_json(exception: &ExceptionInfo) -> Value {
    json!({
        "type": exception.type_name,
        "message": exception.message,
        "traceback": exception.traceback.iter().map(|entry| json!({
            "file": entry.filename, "function": entry.function, "line": entry.line,
        })).collect::<Vec<_>>(),
    })
}

fn origin_json(origin: &ModuleOrigin) -> Value {
    Value::String(origin.describe())
}

/// One step line, serialized straight to the writer (no intermediate `Value`s: a trace can have
/// millions of lines). `snapshot` is the state after `delta` was applied (reprs and the stack).
pub struct StepLine<'a> {
    pub index: u64,
    pub delta: &'a StepDelta,
    pub snapshot: &'a Snapshot,
    /// The reprs that changed, for objects updated at this step (see `ReprTracker`).
    pub changed_reprs: &'a HashMap<u64, String>,
}

/// Remembers the repr last written for each object, so an update line carries `repr` only when it
/// changed (appending to a long list rarely changes its first 200 characters).
#[derive(Default)]
pub struct ReprTracker {
    written: HashMap<u64, String>,
    changed: HashMap<u64, String>,
}

impl ReprTracker {
    /// The reprs to write for the objects `delta` updates, and what is remembered for the rest.
    pub fn prepare(&mut self, delta: &StepDelta, snapshot: &Snapshot) -> &HashMap<u64, String> {
        self.changed.clear();
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, _) => {
                    self.written.insert(*id, snapshot.repr_of(*id, JSON_REPR_LIMIT));
                }
                ObjectChange::Update(id, _) => {
                    let repr = snapshot.repr_of(*id, JSON_REPR_LIMIT);
                    if self.written.get(id) != Some(&repr) {
                        self.written.insert(*id, repr.clone());
                        self.changed.insert(*id, repr);
                    }
                }
                ObjectChange::Gone(id) => {
                    self.written.remove(id);
                }
            }
        }
        &self.changed
    }
}

/// An id written as a decimal string without allocating.
struct Id(u64);

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

struct Locals<'a>(&'a Frame);

impl Serialize for Locals<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.locals.len()))?;
        for binding in &self.0.locals {
            map.serialize_entry(&binding.name, &Id(binding.id))?;
        }
        map.end()
    }
}

struct FrameLine<'a>(&'a Frame);

impl Serialize for FrameLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let frame = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("function", &frame.function)?;
        map.serialize_entry("frame", &frame.frame_id)?;
        map.serialize_entry("kind", frame.kind.as_str())?;
        map.serialize_entry("line", &frame.line)?;
        map.serialize_entry("locals", &Locals(frame))?;
        map.end()
    }
}

struct Stack<'a>(&'a [Frame]);

impl Serialize for Stack<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(FrameLine))
    }
}

struct Objects<'a>(&'a StepDelta, &'a Snapshot, &'a HashMap<u64, String>);

impl Serialize for Objects<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (delta, snapshot, changed_reprs) = (self.0, self.1, self.2);
        let mut map = serializer.serialize_map(None)?;
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, object) => map.serialize_entry(&Id(*id), &NewObject(*id, object, snapshot))?,
                ObjectChange::Update(id, update) => {
                    if !snapshot.heap.contains_key(id) {
                        continue;
                    }
                    let mut entry = Map::new();
                    if let Some(repr) = changed_reprs.get(id) {
                        entry.insert("repr".into(), Value::String(repr.clone()));
                    }
                    if let Some(size) = update.size {
                        entry.insert("size".into(), json!(size));
                    }
                    if let Some(refcount) = update.refcount {
                        entry.insert("refcount".into(), json!(refcount));
                    }
                    if let Some(splice) = &update.splice {
                        entry.insert("splice".into(), splice_json(splice));
                        entry.insert("more".into(), json!(splice.more));
                    }
                    map.serialize_entry(&Id(*id), &entry)?;
                }
                ObjectChange::Gone(_) => {}
            }
        }
        map.end()
    }
}

/// A new object, streamed (`object_json` builds the same as a `Value`).
struct NewObject<'a>(u64, &'a HeapObject, &'a Snapshot);

struct Children<'a>(&'a [Child], fn(&Key) -> bool);

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let keep = self.1;
        serializer.collect_seq(self.0.iter().filter(|c| keep(&c.key)).map(|c| match &c.key {
            Key::Object(key) => EntryOrId::Entry(Id(*key), Id(c.id)),
            _ => EntryOrId::Id(Id(c.id)),
        }))
    }
}

enum EntryOrId {
    Id(Id),
    Entry(Id, Id),
}

impl Serialize for EntryOrId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            EntryOrId::Id(id) => id.serialize(serializer),
            EntryOrId::Entry(key, value) => (key, value).serialize(serializer),
        }
    }
}

struct Attrs<'a>(&'a [Child]);

impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for child in self.0 {
            if let Key::Name(name) = &child.key {
                map.serialize_entry(name, &Id(child.id))?;
            }
        }
        map.end()
    }
}

impl Serialize for NewObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (id, object, snapshot) = (self.0, self.1, self.2);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", &object.type_name)?;
        map.serialize_entry("kind", object.kind.as_str())?;
        map.serialize_entry("repr", &snapshot.repr_of(id, JSON_REPR_LIMIT))?;
        map.serialize_entry("size", &object.size)?;
        map.serialize_entry("refcount", &object.refcount)?;
        let has = |wanted: fn(&Key) -> bool| object.children.iter().any(|c| wanted(&c.key));
        let is_index: fn(&Key) -> bool = |k| matches!(k, Key::Index);
        let is_entry: fn(&Key) -> bool = |k| matches!(k, Key::Object(_));
        if has(is_index) {
            map.serialize_entry("items", &Children(&object.children, is_index))?;
        }
        if has(is_entry) {
            map.serialize_entry("entries", &Children(&object.children, is_entry))?;
        }
        if has(|k| matches!(k, Key::Name(_))) {
            map.serialize_entry("attrs", &Attrs(&object.children))?;
        }
        if object.more > 0 {
            map.serialize_entry("more", &object.more)?;
        }
        map.end()
    }
}

struct Gone<'a>(&'a StepDelta);

impl Serialize for Gone<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.objects.iter().filter_map(|c| match c {
            ObjectChange::Gone(id) => Some(Id(*id)),
            _ => None,
        }))
    }
}

impl Serialize for StepLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let delta = self.delta;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", "step")?;
        map.serialize_entry("index", &self.index)?;
        map.serialize_entry("event", delta.event.as_str())?;
        map.serialize_entry("line", &delta.line)?;
        map.serialize_entry("offset", &delta.offset)?;
        map.serialize_entry("stack", &Stack(&self.snapshot.stack))?;
        map.serialize_entry("objects", &Objects(delta, self.snapshot, self.changed_reprs))?;
        if delta.objects.iter().any(|c| matches!(c, ObjectChange::Gone(_))) {
            map.serialize_entry("gone", &Gone(delta))?;
        }
        map.serialize_entry("stdout", &delta.stdout)?;
        if !delta.stderr.is_empty() {
            map.serialize_entry("stderr", &delta.stderr)?;
        }
        if !delta.modules.is_empty() {
            let mut added = Vec::new();
            let mut removed = Vec::new();
            for change in &delta.modules {
                match change {
                    super::delta::ModuleChange::Added { name, origin } => {
                        added.push(json!({"name": name, "origin": origin_json(origin)}))
                    }
                    super::delta::ModuleChange::Removed { name } => removed.push(Value::String(name.clone())),
                }
            }
            map.serialize_entry("modules", &json!({"added": added, "removed": removed}))?;
        }
        if let Some(exception) = &delta.exception {
            map.serialize_entry("exception", &exception_json(exception))?;
        }
        if let Some(value) = delta.return_value {
            map.serialize_entry("return_value", &Id(value))?;
        }
        map.end()
    }
}

pub fn end(end: &RunEnd) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), "end".into());
    out.insert("outcome".into(), end.outcome.as_str().into());
    out.insert("message".into(), end.message.clone().into());
    out.insert("exit_code".into(), json!(end.exit_code));
    out.insert("steps".into(), json!(end.steps));
    if let Some(line) = end.line {
        out.insert("line".into(), json!(line));
    }
    if let Some(column) = end.column {
        out.insert("column".into(), json!(column));
    }
    if let Some(exception) = &end.exception {
        out.insert("exception".into(), exception_json(exception));
    }
    Value::Object(out)
}
