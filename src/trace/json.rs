//! The `pyxray trace` JSON Lines format (see docs/trace-format.md).
//!
//! Step lines are written by hand into one byte buffer, straight from each step's delta and the
//! state it leads to: a trace can have millions of lines, and building `serde_json::Value`s for
//! them cost more than recording the run. The rare parts (modules, exceptions, the header and end
//! lines) still go through serde_json. `tests.rs` checks every line against serde_json's reading.

mod reprs;
#[cfg(test)]
mod tests;
mod text;

use serde_json::{Map, Value, json};

use self::reprs::ReprTracker;
use super::delta::{ModuleChange, ObjectChange, ObjectUpdate, StepDelta};
use super::model::{ChainLink, Child, ExceptionInfo, Frame, HeapObject, Key, ModuleOrigin};
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

pub fn exception_json(exception: &ExceptionInfo) -> Value {
    let mut value = json!({
        "type": exception.type_name,
        "message": exception.message,
        "traceback": exception.traceback.iter().map(|entry| json!({
            "file": entry.filename, "function": entry.function, "line": entry.line,
        })).collect::<Vec<_>>(),
        "handled": exception.handled,
    });
    if let Some(object) = exception.object {
        value["id"] = Value::String(object.to_string());
    }
    if !exception.chain.is_empty() {
        value["chain"] = exception
            .chain
            .iter()
            .map(|link| {
                let how = match link.link {
                    ChainLink::Cause => "cause",
                    ChainLink::Context => "context",
                };
                json!({"link": how, "type": link.type_name, "message": link.message})
            })
            .collect();
    }
    value
}

fn origin_json(origin: &ModuleOrigin) -> Value {
    Value::String(origin.describe())
}

/// A step's `modules` field: the changes to `sys.modules`.
fn modules_json(changes: &[ModuleChange]) -> Value {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut hits = Vec::new();
    let mut timed = Vec::new();
    for change in changes {
        match change {
            ModuleChange::Added { name, origin, import } => {
                let mut entry = json!({"name": name, "origin": origin_json(origin)});
                if let Some(import) = import {
                    entry["import"] = import_json(import);
                }
                added.push(entry)
            }
            ModuleChange::Timed { name, import } => timed.push(json!({"name": name, "import": import_json(import)})),
            ModuleChange::Removed { name } => removed.push(Value::String(name.clone())),
            ModuleChange::Hit { name, importer, initializing, count } => hits.push(json!({
                "name": name, "importer": importer, "initializing": initializing, "count": count,
            })),
        }
    }
    let mut modules = json!({"added": added, "removed": removed});
    if !hits.is_empty() {
        modules["hits"] = Value::Array(hits);
    }
    if !timed.is_empty() {
        modules["timed"] = Value::Array(timed);
    }
    modules
}

fn import_json(import: &super::model::ImportTiming) -> Value {
    json!({
        "self_us": import.self_us,
        "cumulative_us": import.cumulative_us,
        "parent": import.parent,
        "importer": import.importer,
    })
}

/// The last line. `stdout`/`stderr`: output written after the last step.
pub fn end(end: &RunEnd, stdout: &str, stderr: &str) -> Value {
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
    out.insert("stdout".into(), stdout.into());
    out.insert("stderr".into(), stderr.into());
    Value::Object(out)
}

/// Turns a run's steps, in order, into JSON Lines, gathered in a buffer the caller drains.
#[derive(Default)]
pub struct JsonLines {
    out: Vec<u8>,
    state: Snapshot,
    reprs: ReprTracker,
    steps: u64,
}

impl JsonLines {
    /// Lines written and not yet taken.
    pub fn pending(&self) -> &[u8] {
        &self.out
    }

    /// Forgets the pending lines (after the caller wrote them out); the buffer keeps its capacity.
    pub fn clear_pending(&mut self) {
        self.out.clear();
    }

    /// Steps written so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A line made by serde_json (the header, the end).
    pub fn value_line(&mut self, value: &Value) {
        // Writing a `Value` into a `Vec` cannot fail: its keys are strings.
        let _ = serde_json::to_writer(&mut self.out, value);
        self.out.push(b'\n');
    }

    /// Something about threads or tasks that holds from the next step on. Steps run by a thread
    /// other than the main one name it in a `"thread"` field.
    pub fn concurrency(&mut self, event: &super::concurrency::ConcurrencyEvent) {
        self.state.apply_concurrency(event);
    }

    /// The next step's line. New objects are moved out of `delta` into the state it leads to.
    pub fn step(&mut self, mut delta: StepDelta) {
        let index = self.steps;
        self.reprs.before_apply(&delta, &self.state);
        self.state.apply_taking(index, &mut delta);
        self.reprs.after_apply(&delta, &self.state);
        self.steps += 1;

        let out = &mut self.out;
        out.extend_from_slice(b"{\"type\":\"step\",\"index\":");
        text::number(out, index);
        out.extend_from_slice(b",\"event\":");
        text::string(out, delta.event.as_str());
        out.extend_from_slice(b",\"line\":");
        text::number(out, delta.line.into());
        out.extend_from_slice(b",\"offset\":");
        text::signed(out, delta.offset.into());
        if self.state.thread != 0 {
            out.extend_from_slice(b",\"thread\":");
            text::string(out, self.state.thread_name());
        }
        out.extend_from_slice(b",\"stack\":[");
        for (i, frame) in self.state.stack.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_frame(out, frame);
        }
        out.extend_from_slice(b"],\"objects\":{");
        let mut first = true;
        for change in &delta.objects {
            let written = match change {
                ObjectChange::New(id, _) => self.write_new(*id, first),
                ObjectChange::Update(id, update) => self.write_update(*id, update, first),
                // Internals are for the panels; the JSON format has no place for them (yet).
                ObjectChange::Gone(_) | ObjectChange::Internals(..) => false,
            };
            first &= !written;
        }
        let out = &mut self.out;
        out.push(b'}');
        let mut gone = delta.objects.iter().filter_map(|change| match change {
            ObjectChange::Gone(id) => Some(*id),
            _ => None,
        });
        if let Some(first_gone) = gone.next() {
            out.extend_from_slice(b",\"gone\":[");
            text::id(out, first_gone);
            for id in gone {
                out.push(b',');
                text::id(out, id);
            }
            out.push(b']');
        }
        out.extend_from_slice(b",\"stdout\":");
        text::string(out, &delta.stdout);
        if !delta.stderr.is_empty() {
            out.extend_from_slice(b",\"stderr\":");
            text::string(out, &delta.stderr);
        }
        if !delta.modules.is_empty() {
            out.extend_from_slice(b",\"modules\":");
            let _ = serde_json::to_writer(&mut *out, &modules_json(&delta.modules));
        }
        if let Some(exception) = &delta.exception {
            out.extend_from_slice(b",\"exception\":");
            let _ = serde_json::to_writer(&mut *out, &exception_json(exception));
        }
        if let Some(value) = delta.return_value {
            out.extend_from_slice(b",\"return_value\":");
            text::id(out, value);
        }
        out.extend_from_slice(b"}\n");
    }

    /// A new object with everything it has; returns whether anything was written. (An object that
    /// left again within its step is not there: the recorder never sends that.)
    fn write_new(&mut self, id: u64, first: bool) -> bool {
        let Some(object) = self.state.heap.get(&id) else { return false };
        let composed_repr =
            if object.flags.repr_from_children() { Some(self.reprs.new_container(id, &self.state)) } else { None };
        let out = &mut self.out;
        if !first {
            out.push(b',');
        }
        text::id(out, id);
        out.extend_from_slice(b":{\"type\":");
        text::string(out, &object.type_name);
        out.extend_from_slice(b",\"kind\":");
        text::string(out, object.kind.as_str());
        out.extend_from_slice(b",\"repr\":");
        match composed_repr {
            Some(repr) => text::string(out, repr),
            None => write_cut(out, &object.repr),
        }
        out.extend_from_slice(b",\"size\":");
        text::number(out, object.size);
        out.extend_from_slice(b",\"refcount\":");
        text::number(out, object.refcount);
        write_children(out, object);
        if object.more > 0 {
            out.extend_from_slice(b",\"more\":");
            text::number(out, object.more);
        }
        out.push(b'}');
        true
    }

    /// What changed in an object still there; returns whether anything was written.
    fn write_update(&mut self, id: u64, update: &ObjectUpdate, first: bool) -> bool {
        if !self.state.heap.contains_key(&id) {
            return false;
        }
        let out = &mut self.out;
        if !first {
            out.push(b',');
        }
        text::id(out, id);
        out.extend_from_slice(b":{");
        let mut separator: &[u8] = b"";
        if let Some(repr) = self.reprs.changed(id) {
            out.extend_from_slice(b"\"repr\":");
            text::string(out, repr);
            separator = b",";
        }
        if let Some(size) = update.size {
            out.extend_from_slice(separator);
            out.extend_from_slice(b"\"size\":");
            text::number(out, size);
            separator = b",";
        }
        if let Some(refcount) = update.refcount {
            out.extend_from_slice(separator);
            out.extend_from_slice(b"\"refcount\":");
            text::number(out, refcount);
            separator = b",";
        }
        if let Some(splice) = &update.splice {
            out.extend_from_slice(separator);
            out.extend_from_slice(b"\"splice\":{\"at\":");
            text::number(out, splice.at.into());
            out.extend_from_slice(b",\"remove\":");
            text::number(out, splice.remove.into());
            out.extend_from_slice(b",\"insert\":[");
            for (i, child) in splice.insert.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_inserted_child(out, child);
            }
            out.extend_from_slice(b"]},\"more\":");
            text::number(out, splice.more);
        }
        out.push(b'}');
        true
    }
}

/// An object's own repr as the JSON shows it (cut at `JSON_REPR_LIMIT` bytes, then `...`).
fn write_cut(out: &mut Vec<u8>, repr: &str) {
    let (shown, was_cut) = reprs::cut(repr);
    if !was_cut {
        return text::string(out, shown);
    }
    text::string(out, shown);
    out.pop();
    out.extend_from_slice(b"...\"");
}

fn write_frame(out: &mut Vec<u8>, frame: &Frame) {
    out.extend_from_slice(b"{\"function\":");
    text::string(out, &frame.function);
    out.extend_from_slice(b",\"frame\":");
    text::number(out, frame.frame_id);
    out.extend_from_slice(b",\"kind\":");
    text::string(out, frame.kind.as_str());
    out.extend_from_slice(b",\"line\":");
    text::number(out, frame.line.into());
    out.extend_from_slice(b",\"locals\":{");
    for (i, binding) in frame.locals.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        text::string(out, &binding.name);
        out.push(b':');
        text::id(out, binding.id);
    }
    out.extend_from_slice(b"}}");
}

/// A new object's `items`, `entries` and `attrs`, each present when it has children of that kind.
fn write_children(out: &mut Vec<u8>, object: &HeapObject) {
    let children = &object.children;
    if children.iter().any(|child| matches!(child.key, Key::Index)) {
        out.extend_from_slice(b",\"items\":[");
        let items = children.iter().filter(|child| matches!(child.key, Key::Index));
        for (i, child) in items.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            text::id(out, child.id);
        }
        out.push(b']');
    }
    if children.iter().any(|child| matches!(child.key, Key::Object(_))) {
        out.extend_from_slice(b",\"entries\":[");
        let entries = children.iter().filter_map(|child| match child.key {
            Key::Object(key) => Some((key, child.id)),
            _ => None,
        });
        for (i, (key, value)) in entries.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            text::id(out, key);
            out.push(b',');
            text::id(out, value);
            out.push(b']');
        }
        out.push(b']');
    }
    if children.iter().any(|child| matches!(child.key, Key::Name(_))) {
        out.extend_from_slice(b",\"attrs\":{");
        let attrs = children.iter().filter_map(|child| match &child.key {
            Key::Name(name) => Some((name, child.id)),
            _ => None,
        });
        for (i, (name, id)) in attrs.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            text::string(out, name);
            out.push(b':');
            text::id(out, id);
        }
        out.push(b'}');
    }
}

/// A child in a splice's `insert`: an id for items, `[key, value]` for dict entries,
/// `{"attr": name, "id": id}` for attributes.
fn write_inserted_child(out: &mut Vec<u8>, child: &Child) {
    match &child.key {
        Key::Index => text::id(out, child.id),
        Key::Object(key) => {
            out.push(b'[');
            text::id(out, *key);
            out.push(b',');
            text::id(out, child.id);
            out.push(b']');
        }
        Key::Name(name) => {
            out.extend_from_slice(b"{\"attr\":");
            text::string(out, name);
            out.extend_from_slice(b",\"id\":");
            text::id(out, child.id);
            out.push(b'}');
        }
    }
}
