//! The hand-written step lines against a plain reference: the same steps replayed into a snapshot,
//! each line built as a `serde_json::Value` (every repr rebuilt at every update), then printed by
//! serde_json. The lines must match byte for byte, and read back as the same JSON.

use rustc_hash::FxHashMap as HashMap;
use serde_json::{Value, json};

use super::{JSON_REPR_LIMIT, JsonLines, exception_json, modules_json};
use crate::trace::delta::{FrameUpdate, ModuleChange, ObjectChange, ObjectUpdate, Splice, StackDelta, StepDelta};
use crate::trace::model::{
    Binding, Child, Event, ExceptionInfo, Frame, FrameKind, HeapObject, ImportTiming, Key, ModuleOrigin, ObjFlags,
    ObjId, ObjKind, TracebackEntry,
};
use crate::trace::snapshot::Snapshot;

#[derive(Default)]
struct Reference {
    state: Snapshot,
    written: HashMap<ObjId, String>,
}

fn id(value: ObjId) -> Value {
    Value::String(value.to_string())
}

fn inserted(child: &Child) -> Value {
    match &child.key {
        Key::Index => id(child.id),
        Key::Object(key) => json!([id(*key), id(child.id)]),
        Key::Name(name) => json!({"attr": name, "id": id(child.id)}),
    }
}

impl Reference {
    fn line(&mut self, index: u64, delta: &StepDelta) -> Value {
        self.state.apply(index, delta);
        let mut changed = HashMap::default();
        for change in &delta.objects {
            match change {
                ObjectChange::New(object_id, _) => {
                    self.written.insert(*object_id, self.state.repr_of(*object_id, JSON_REPR_LIMIT));
                }
                ObjectChange::Update(object_id, _) => {
                    let repr = self.state.repr_of(*object_id, JSON_REPR_LIMIT);
                    if self.written.get(object_id) != Some(&repr) {
                        self.written.insert(*object_id, repr.clone());
                        changed.insert(*object_id, repr);
                    }
                }
                ObjectChange::Gone(object_id) => {
                    self.written.remove(object_id);
                }
                ObjectChange::Internals(..) => {}
            }
        }
        let stack: Vec<Value> = self
            .state
            .stack
            .iter()
            .map(|frame| {
                let locals: serde_json::Map<String, Value> =
                    frame.locals.iter().map(|binding| (binding.name.clone(), id(binding.id))).collect();
                json!({"function": frame.function, "frame": frame.frame_id, "kind": frame.kind.as_str(),
                       "line": frame.line, "locals": locals})
            })
            .collect();
        let mut objects = serde_json::Map::new();
        for change in &delta.objects {
            match change {
                ObjectChange::New(object_id, object) => {
                    objects.insert(object_id.to_string(), self.new_object(*object_id, object));
                }
                ObjectChange::Update(object_id, update) if self.state.heap.contains_key(object_id) => {
                    let mut entry = serde_json::Map::new();
                    if let Some(repr) = changed.get(object_id) {
                        entry.insert("repr".into(), json!(repr));
                    }
                    if let Some(size) = update.size {
                        entry.insert("size".into(), json!(size));
                    }
                    if let Some(refcount) = update.refcount {
                        entry.insert("refcount".into(), json!(refcount));
                    }
                    if let Some(splice) = &update.splice {
                        let insert: Vec<Value> = splice.insert.iter().map(inserted).collect();
                        entry.insert(
                            "splice".into(),
                            json!({"at": splice.at, "remove": splice.remove, "insert": insert}),
                        );
                        entry.insert("more".into(), json!(splice.more));
                    }
                    objects.insert(object_id.to_string(), Value::Object(entry));
                }
                _ => {}
            }
        }
        let mut line = json!({"type": "step", "index": index, "event": delta.event.as_str(), "line": delta.line,
                              "offset": delta.offset, "stack": stack, "objects": objects});
        let gone: Vec<Value> = delta
            .objects
            .iter()
            .filter_map(|change| match change {
                ObjectChange::Gone(object_id) => Some(id(*object_id)),
                _ => None,
            })
            .collect();
        if !gone.is_empty() {
            line["gone"] = Value::Array(gone);
        }
        line["stdout"] = json!(delta.stdout);
        if !delta.stderr.is_empty() {
            line["stderr"] = json!(delta.stderr);
        }
        if !delta.modules.is_empty() {
            line["modules"] = modules_json(&delta.modules);
        }
        if let Some(exception) = &delta.exception {
            line["exception"] = exception_json(exception);
        }
        if let Some(value) = delta.return_value {
            line["return_value"] = id(value);
        }
        line
    }

    fn new_object(&self, object_id: ObjId, object: &HeapObject) -> Value {
        let mut entry = json!({"type": object.type_name, "kind": object.kind.as_str(),
                               "repr": self.state.repr_of(object_id, JSON_REPR_LIMIT),
                               "size": object.size, "refcount": object.refcount});
        let items: Vec<Value> =
            object.children.iter().filter(|c| matches!(c.key, Key::Index)).map(|c| id(c.id)).collect();
        if !items.is_empty() {
            entry["items"] = Value::Array(items);
        }
        let entries: Vec<Value> = object
            .children
            .iter()
            .filter_map(|c| match c.key {
                Key::Object(key) => Some(json!([id(key), id(c.id)])),
                _ => None,
            })
            .collect();
        if !entries.is_empty() {
            entry["entries"] = Value::Array(entries);
        }
        let attrs: serde_json::Map<String, Value> = object
            .children
            .iter()
            .filter_map(|c| match &c.key {
                Key::Name(name) => Some((name.clone(), id(c.id))),
                _ => None,
            })
            .collect();
        if !attrs.is_empty() {
            entry["attrs"] = Value::Object(attrs);
        }
        if object.more > 0 {
            entry["more"] = json!(object.more);
        }
        entry
    }
}

fn leaf(type_name: &str, repr: &str) -> HeapObject {
    HeapObject {
        type_name: type_name.into(),
        kind: ObjKind::Leaf,
        repr: repr.into(),
        size: 28,
        refcount: 3,
        ..Default::default()
    }
}

fn container(kind: ObjKind, children: Vec<Child>) -> HeapObject {
    HeapObject {
        type_name: kind.as_str().into(),
        kind,
        flags: ObjFlags::REPR_FROM_CHILDREN,
        size: 56,
        refcount: 1,
        children,
        ..Default::default()
    }
}

fn items(ids: impl IntoIterator<Item = ObjId>) -> Vec<Child> {
    ids.into_iter().map(|id| Child { key: Key::Index, id }).collect()
}

fn step(objects: Vec<ObjectChange>) -> StepDelta {
    StepDelta {
        event: Event::Line,
        line: 2,
        offset: 10,
        stack: StackDelta { keep: 1, ..Default::default() },
        objects,
        ..Default::default()
    }
}

fn splice(at: u32, remove: u32, insert: Vec<Child>, more: u64) -> ObjectUpdate {
    ObjectUpdate { splice: Some(Splice { at, remove, insert, more }), ..Default::default() }
}

fn repr_update(repr: &str) -> ObjectUpdate {
    ObjectUpdate { repr: Some(repr.into()), ..Default::default() }
}

/// Steps that touch every field of the format, and every way a container's repr can go stale.
fn steps() -> Vec<StepDelta> {
    const LONG: ObjId = 1_000;
    const NESTED: ObjId = 2_000;
    const DICT: ObjId = 3_000;
    const EMPTIES: ObjId = 4_000;
    const EMPTY_REPR: ObjId = 4_001;
    let first = StepDelta {
        event: Event::Call,
        line: 0,
        offset: -1,
        stack: StackDelta {
            keep: 0,
            updated: vec![],
            pushed: vec![Frame {
                frame_id: 1,
                function: "<module>".into(),
                kind: FrameKind::Module,
                code: 5,
                line: 0,
                locals: vec![],
            }],
        },
        modules: vec![
            ModuleChange::Added { name: "sys".into(), origin: ModuleOrigin::BuiltIn, import: None },
            ModuleChange::Added {
                name: "m\"od".into(),
                origin: ModuleOrigin::File("/tmp/a b/m.py".into()),
                import: Some(ImportTiming { self_us: 5, cumulative_us: 9, parent: None, importer: "__main__".into() }),
            },
            ModuleChange::Removed { name: "gone".into() },
            ModuleChange::Hit { name: "sys".into(), importer: "__main__".into(), initializing: false, count: 2 },
        ],
        ..Default::default()
    };
    let mut all = vec![first];

    // A long list of ints, a list holding a list, a dict, an instance, reprs with escapes and cuts.
    let mut objects: Vec<ObjectChange> =
        (0..150).map(|n| ObjectChange::New(10_000 + n, leaf("int", &n.to_string()))).collect();
    objects.push(ObjectChange::New(LONG, container(ObjKind::List, items(10_000..10_150))));
    objects.push(ObjectChange::New(1, leaf("str", "'quote \" back \\ tab \t nul \u{0} é'")));
    objects.push(ObjectChange::New(2, leaf("str", &format!("'{}é✓'", "x".repeat(197)))));
    objects.push(ObjectChange::New(3, HeapObject { more: 7, ..container(ObjKind::List, items([1, 2])) }));
    objects.push(ObjectChange::New(NESTED, container(ObjKind::List, items((0..120).map(|_| 3)))));
    let entries = (0..110).map(|n| Child { key: Key::Object(10_000 + n), id: 1 }).collect();
    objects.push(ObjectChange::New(DICT, container(ObjKind::Dict, entries)));
    let attrs = vec![Child { key: Key::Name("x".into()), id: 10_001 }, Child { key: Key::Name("ü".into()), id: 1 }];
    objects.push(ObjectChange::New(
        4,
        HeapObject { kind: ObjKind::Instance, children: attrs, ..leaf("Point", "<Point>") },
    ));
    let bind = |names: &[(&str, ObjId)]| FrameUpdate {
        index: 0,
        line: 1,
        set: names.iter().map(|(name, id)| Binding { name: (*name).into(), id: *id }).collect(),
        removed: vec![],
    };
    let mut second = step(objects);
    second.stack.updated =
        vec![bind(&[("long", LONG), ("nested", NESTED), ("d", DICT), ("p", 4), ("s", 1), ("ü\n", 2)])];
    all.push(second);

    // Appends past the cut, then what makes the long list's repr stale without it being updated.
    for n in 150..160 {
        all.push(step(vec![
            ObjectChange::New(10_000 + n, leaf("int", &n.to_string())),
            ObjectChange::Update(LONG, splice(n as u32, 0, items([10_000 + n]), 0)),
        ]));
    }
    all.push(step(vec![ObjectChange::Update(10_000, repr_update("'changed'"))]));
    all.push(step(vec![ObjectChange::Update(LONG, ObjectUpdate { size: Some(99), ..Default::default() })]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(160, 0, items([10_001]), 0))]));
    all.push(step(vec![ObjectChange::New(10_002, leaf("float", "2.5"))]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(161, 0, items([10_002]), 3))]));
    all.push(step(vec![ObjectChange::Gone(10_003)]));
    all.push(step(vec![ObjectChange::Update(LONG, ObjectUpdate { refcount: Some(4), ..Default::default() })]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(3, 1, items([10_004]), 3))]));
    all.push(step(vec![ObjectChange::Update(LONG, ObjectUpdate { refcount: Some(5), ..Default::default() })]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(5, 1, items([10_001]), 3))]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(20, 140, vec![], 0))]));
    all.push(step(vec![ObjectChange::Update(LONG, splice(20, 0, items([10_005]), 0))]));

    // Empty reprs: the last child that can show is the one at `PREFIX - 2` (byte 199 of 200).
    let mut empties: Vec<ObjectChange> = vec![ObjectChange::New(EMPTY_REPR, leaf("Blank", ""))];
    empties.push(ObjectChange::New(EMPTIES, container(ObjKind::List, items((0..150).map(|_| EMPTY_REPR)))));
    all.push(step(empties));
    all.push(step(vec![ObjectChange::New(5, leaf("str", "'x'"))]));
    all.push(step(vec![ObjectChange::Update(EMPTIES, splice(99, 1, items([5]), 0))]));
    all.push(step(vec![ObjectChange::Update(EMPTIES, splice(100, 1, items([5]), 0))]));
    all.push(step(vec![ObjectChange::Update(EMPTIES, splice(99, 1, items([EMPTY_REPR]), 0))]));

    // The nested list depends on its inner list's children; the dict on its keys.
    all.push(step(vec![ObjectChange::Update(3, splice(0, 1, items([10_004]), 7))]));
    all.push(step(vec![ObjectChange::Update(NESTED, splice(120, 0, items([1]), 0))]));
    all.push(step(vec![ObjectChange::Update(10_050, repr_update("'key'"))]));
    all.push(step(vec![ObjectChange::Update(DICT, splice(110, 0, vec![Child { key: Key::Object(2), id: 4 }], 0))]));

    // Own reprs: changed, changed only past the cut, unchanged; attributes spliced.
    all.push(step(vec![ObjectChange::Update(4, repr_update("<Point at 1>"))]));
    all.push(step(vec![ObjectChange::Update(2, repr_update(&format!("'{}é✗'", "x".repeat(197))))]));
    all.push(step(vec![ObjectChange::Update(2, repr_update(&format!("'{}y'", "x".repeat(300))))]));
    all.push(step(vec![ObjectChange::Update(
        4,
        ObjectUpdate {
            repr: Some("<Point at 1>".into()),
            refcount: Some(1),
            splice: Some(Splice {
                at: 1,
                remove: 1,
                insert: vec![Child { key: Key::Name("y".into()), id: 10_006 }],
                more: 0,
            }),
            ..Default::default()
        },
    )]));
    all.push(step(vec![ObjectChange::Update(77, repr_update("not there"))]));

    // The end: output, an exception, a return value, a frame pushed and popped.
    let mut last = step(vec![ObjectChange::Gone(LONG), ObjectChange::Gone(NESTED)]);
    last.event = Event::Return;
    last.stdout = "printed\n\"quoted\"\r\n".into();
    last.stderr = "warn\u{1b}[0m".into();
    last.return_value = Some(10_001);
    last.exception = Some(ExceptionInfo {
        type_name: "ValueError".into(),
        message: "bad \"value\"".into(),
        traceback: vec![TracebackEntry { filename: "/p.py".into(), function: "f".into(), line: 3 }],
        ..Default::default()
    });
    last.stack.pushed = vec![Frame {
        frame_id: 2,
        function: "f.<locals>.g".into(),
        kind: FrameKind::Generator,
        code: 6,
        line: 3,
        locals: vec![Binding { name: "n".into(), id: 10_001 }, Binding { name: "m".into(), id: 10_002 }],
    }];
    all.push(last);
    all
}

#[test]
fn step_lines_match_serde_json_byte_for_byte() {
    let mut lines = JsonLines::default();
    let mut reference = Reference::default();
    for (index, delta) in steps().into_iter().enumerate() {
        let expected = reference.line(index as u64, &delta);
        lines.step(delta);
        let written = std::str::from_utf8(lines.pending()).expect("UTF-8").to_owned();
        lines.clear_pending();
        let read: Value = serde_json::from_str(&written).expect("the line is JSON");
        assert_eq!(read, expected, "step {index} reads back differently");
        let printed = serde_json::to_string(&expected).expect("printable");
        assert_eq!(written, format!("{printed}\n"), "step {index} is spelled differently");
    }
    assert_eq!(lines.steps(), steps().len() as u64);
}

#[test]
fn a_long_lists_repr_follows_its_first_children() {
    let mut lines = JsonLines::default();
    let reprs: Vec<Option<String>> = steps()
        .into_iter()
        .map(|delta| {
            lines.step(delta);
            let line: Value = serde_json::from_slice(lines.pending()).expect("JSON");
            lines.clear_pending();
            line["objects"]["1000"]["repr"].as_str().map(str::to_owned)
        })
        .collect();
    let shown: Vec<&str> = reprs.iter().flatten().map(String::as_str).collect();
    assert!(shown[0].starts_with("[0, 1, 2, 3,") && shown[0].ends_with("..."), "{shown:?}");
    assert!(shown.iter().any(|repr| repr.starts_with("['changed', 1, 2,")), "a changed child shows: {shown:?}");
    assert!(shown.iter().any(|repr| repr.starts_with("['changed', 1, 2.5, <?>,")), "{shown:?}");
    assert!(shown.last().is_some_and(|repr| repr.ends_with("1, ...]") || repr.ends_with(']')), "{shown:?}");
}
