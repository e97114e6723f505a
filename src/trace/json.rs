//! The `pyxray trace` JSON Lines format (see docs/trace-format.md).

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

fn children_json(children: &[Child], out: &mut Map<String, Value>) {
    let mut items = Vec::new();
    let mut entries = Vec::new();
    let mut attrs = Map::new();
    for child in children {
        match &child.key {
            Key::Index => items.push(id_str(child.id)),
            Key::Object(key) => entries.push(json!([key.to_string(), child.id.to_string()])),
            Key::Name(name) => {
                attrs.insert(name.clone(), id_str(child.id));
            }
        }
    }
    if !items.is_empty() {
        out.insert("items".into(), Value::Array(items));
    }
    if !entries.is_empty() {
        out.insert("entries".into(), Value::Array(entries));
    }
    if !attrs.is_empty() {
        out.insert("attrs".into(), Value::Object(attrs));
    }
}

fn object_json(id: u64, object: &HeapObject, snapshot: &Snapshot) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), Value::String(object.type_name.clone()));
    out.insert("kind".into(), Value::String(object.kind.as_str().into()));
    out.insert("repr".into(), Value::String(snapshot.repr_of(id, JSON_REPR_LIMIT)));
    out.insert("size".into(), json!(object.size));
    out.insert("refcount".into(), json!(object.refcount));
    children_json(&object.children, &mut out);
    if object.more > 0 {
        out.insert("more".into(), json!(object.more));
    }
    Value::Object(out)
}

fn splice_json(splice: &Splice) -> Value {
    json!({
        "at": splice.at,
        "remove": splice.remove,
        "insert": splice.insert.iter().map(child_json).collect::<Vec<_>>(),
    })
}

fn frame_json(frame: &Frame) -> Value {
    let locals: Map<String, Value> =
        frame.locals.iter().map(|binding| (binding.name.clone(), id_str(binding.id))).collect();
    json!({
        "function": frame.function,
        "frame": frame.frame_id,
        "kind": frame.kind.as_str(),
        "line": frame.line,
        "locals": locals,
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

/// One step line. `snapshot` is the state after `delta` was applied (used for reprs and the stack).
pub fn step(index: u64, delta: &StepDelta, snapshot: &Snapshot) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), "step".into());
    out.insert("index".into(), json!(index));
    out.insert("event".into(), json!(delta.event.map(|e| e.as_str())));
    out.insert("line".into(), json!(delta.line));
    out.insert("offset".into(), json!(delta.offset));
    out.insert("stack".into(), Value::Array(snapshot.stack.iter().map(frame_json).collect()));
    let mut objects = Map::new();
    let mut gone = Vec::new();
    for change in &delta.objects {
        match change {
            ObjectChange::New(id, object) => {
                objects.insert(id.to_string(), object_json(*id, object, snapshot));
            }
            ObjectChange::Update(id, update) => {
                let Some(object) = snapshot.heap.get(id) else { continue };
                let mut entry = Map::new();
                if update.repr.is_some() || object.repr_from_children {
                    entry.insert("repr".into(), Value::String(snapshot.repr_of(*id, JSON_REPR_LIMIT)));
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
                objects.insert(id.to_string(), Value::Object(entry));
            }
            ObjectChange::Gone(id) => gone.push(id_str(*id)),
        }
    }
    out.insert("objects".into(), Value::Object(objects));
    if !gone.is_empty() {
        out.insert("gone".into(), Value::Array(gone));
    }
    out.insert("stdout".into(), Value::String(delta.stdout.clone()));
    if !delta.stderr.is_empty() {
        out.insert("stderr".into(), Value::String(delta.stderr.clone()));
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
        out.insert("modules".into(), json!({"added": added, "removed": removed}));
    }
    if let Some(exception) = &delta.exception {
        out.insert("exception".into(), exception_json(exception));
    }
    if let Some(value) = delta.return_value {
        out.insert("return_value".into(), id_str(value));
    }
    Value::Object(out)
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
