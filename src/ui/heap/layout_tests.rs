use std::collections::HashSet;

use super::*;
use crate::trace::{Binding, Child, Frame, FrameKind, HeapObject, Key, ObjKind, Snapshot};
use crate::ui::heap::diagram::{Change, MoreAction};

pub(crate) fn leaf(type_name: &str, repr: &str) -> HeapObject {
    HeapObject {
        type_name: type_name.into(),
        kind: ObjKind::Leaf,
        repr: repr.into(),
        size: 28,
        refcount: 3,
        ..HeapObject::default()
    }
}

pub(crate) fn container(kind: ObjKind, type_name: &str, children: Vec<Child>) -> HeapObject {
    HeapObject {
        type_name: type_name.into(),
        kind,
        flags: crate::trace::ObjFlags::REPR_FROM_CHILDREN,
        size: 72,
        refcount: 2,
        children,
        ..HeapObject::default()
    }
}

pub(crate) fn items(ids: &[ObjId]) -> Vec<Child> {
    ids.iter().map(|&id| Child { key: Key::Index, id }).collect()
}

pub(crate) fn module_frame(locals: &[(&str, ObjId)]) -> Frame {
    Frame {
        frame_id: 1,
        function: "<module>".into(),
        kind: FrameKind::Module,
        code: 0,
        line: 3,
        locals: locals.iter().map(|(name, id)| Binding { name: (*name).into(), id: *id }).collect(),
    }
}

/// `numbers = [1, 2, 3]; alias = numbers; n = 1`.
pub(crate) fn aliasing() -> Snapshot {
    let mut snapshot = Snapshot::default();
    snapshot.heap.insert(101, leaf("int", "1"));
    snapshot.heap.insert(102, leaf("int", "2"));
    snapshot.heap.insert(103, leaf("int", "3"));
    snapshot.heap.insert(200, container(ObjKind::List, "list", items(&[101, 102, 103])));
    snapshot.stack.push(module_frame(&[("numbers", 200), ("alias", 200), ("n", 101)]));
    snapshot
}

pub(crate) fn short_ids(snapshot: &Snapshot) -> ShortIds {
    let mut ids = ShortIds::default();
    let mut all: Vec<_> = snapshot.heap.keys().copied().collect();
    all.sort_unstable();
    for id in all {
        ids.note(id);
    }
    ids
}

fn lay_out(
    snapshot: &Snapshot,
    options: ViewOptions,
    expanded: &HashSet<ObjId>,
    placements: &mut Placements,
) -> Diagram {
    let ids = short_ids(snapshot);
    let changes = StepChanges::default();
    let input = LayoutInput { snapshot, short_ids: &ids, changes: &changes, options, expanded, title: "test".into() };
    layout(&input, placements)
}

fn simple(snapshot: &Snapshot) -> Diagram {
    lay_out(snapshot, ViewOptions::default(), &HashSet::new(), &mut Placements::default())
}

fn assert_no_overlaps(diagram: &Diagram) {
    let rects: Vec<Rect> =
        diagram.frames.iter().map(|f| f.rect).chain(diagram.objects.iter().map(|o| o.rect)).collect();
    for (i, a) in rects.iter().enumerate() {
        for b in &rects[i + 1..] {
            assert!(!a.shrink(0.5).intersects(b.shrink(0.5)), "{a:?} overlaps {b:?}");
        }
    }
}

fn assert_arrows_end_on_targets(diagram: &Diagram) {
    for arrow in &diagram.arrows {
        let target = diagram.object(arrow.target).expect("an arrow's target has a box").rect;
        let end = arrow.points[3];
        let on_side = (end.x - target.left()).abs() < 0.01 || (end.x - target.right()).abs() < 0.01;
        assert!(on_side && end.y >= target.top() && end.y <= target.bottom(), "{end:?} is not on {target:?}");
        let row = diagram.source_row(arrow.source).expect("an arrow leaves a row");
        assert_eq!(row.dot, Some(arrow.points[0]), "the arrow starts at its row's dot");
        assert_eq!(row.target, arrow.target);
    }
}

#[test]
fn two_names_point_at_one_list_and_small_ints_are_inlined() {
    let snapshot = aliasing();
    let diagram = simple(&snapshot);
    assert_eq!(diagram.objects.len(), 1, "only the list has a box");
    let list = diagram.object(200).expect("the list");
    assert_eq!(list.rows.len(), 3);
    assert!(list.label.starts_with("list #0200 [1, 2, 3]"), "{}", list.label);
    assert_eq!(list.rows[0].label, "[0] → int #0101 = 1");
    let frame = &diagram.frames[0];
    let labels: Vec<&str> = frame.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["numbers → list #0200", "alias → list #0200", "n → int #0101 = 1"]);
    let into_list = diagram.arrows.iter().filter(|a| a.target == 200).count();
    assert_eq!(into_list, 2, "numbers and alias both point at the list");
    assert_arrows_end_on_targets(&diagram);
    assert_no_overlaps(&diagram);
    assert!(diagram.objects[0].rect.left() > frame.rect.right(), "objects are right of the frames");
}

#[test]
fn showing_every_object_makes_small_int_sharing_visible() {
    let snapshot = aliasing();
    let options = ViewOptions { show_every_object: true, badges: false };
    let diagram = lay_out(&snapshot, options, &HashSet::new(), &mut Placements::default());
    assert_eq!(diagram.objects.len(), 4, "the list and its three ints");
    // `n` and `numbers[0]` are one int object: two arrows into it.
    let into_one: Vec<_> = diagram.arrows.iter().filter(|a| a.target == 101).collect();
    assert_eq!(into_one.len(), 2);
    assert!(diagram.frames[0].rows[2].dot.is_some(), "n now points at a box");
    assert_eq!(diagram.frames[0].rows[2].label, "n → int #0101");
    assert_arrows_end_on_targets(&diagram);
    assert_no_overlaps(&diagram);
}

#[test]
fn objects_keep_their_place_from_step_to_step() {
    let mut placements = Placements::default();
    let expanded = HashSet::new();
    let first = aliasing();
    let before = lay_out(&first, ViewOptions::default(), &expanded, &mut placements);

    // Next step: a dict appears, named before the list, and the list grows.
    let mut second = first.clone();
    second.heap.insert(300, container(ObjKind::Dict, "dict", vec![Child { key: Key::Object(102), id: 103 }]));
    second.heap.insert(104, leaf("int", "4"));
    if let Some(list) = second.heap.get_mut(&200) {
        list.children.push(Child { key: Key::Index, id: 104 });
    }
    second.stack[0].locals.insert(0, Binding { name: "table".into(), id: 300 });
    let after = lay_out(&second, ViewOptions::default(), &expanded, &mut placements);

    let list_before = before.object(200).expect("list").rect;
    let list_after = after.object(200).expect("list").rect;
    assert_eq!(list_before.min, list_after.min, "the list did not move");
    assert!(list_after.height() > list_before.height(), "it grew by a row");
    let dict = after.object(300).expect("the new dict");
    assert_eq!(dict.rows[0].label, "[2] → int #0103 = 3");
    assert_no_overlaps(&after);
    assert_arrows_end_on_targets(&after);

    // Back to the first step: same place again.
    let again = lay_out(&first, ViewOptions::default(), &expanded, &mut placements);
    assert_eq!(again.object(200).expect("list").rect, list_before);
}

#[test]
fn many_objects_never_overlap_and_every_arrow_lands() {
    // A list of 60 lists, each holding itself's neighbour and a tuple: a dense graph.
    let mut snapshot = Snapshot::default();
    let outer: Vec<ObjId> = (0..60).map(|i| 1000 + i).collect();
    for (i, &id) in outer.iter().enumerate() {
        let tuple = 5000 + i as u64;
        snapshot.heap.insert(tuple, container(ObjKind::Tuple, "tuple", items(&[7])));
        let neighbour = outer[(i + 1) % outer.len()];
        snapshot.heap.insert(id, container(ObjKind::List, "list", items(&[neighbour, tuple])));
    }
    snapshot.heap.insert(7, leaf("str", "'shared'"));
    snapshot.heap.insert(9, container(ObjKind::List, "list", items(&outer)));
    snapshot.stack.push(module_frame(&[("rows", 9), ("first", 1000)]));
    let expanded: HashSet<ObjId> = [9].into();
    let diagram = lay_out(&snapshot, ViewOptions::default(), &expanded, &mut Placements::default());
    assert_eq!(diagram.objects.len(), 121);
    assert_no_overlaps(&diagram);
    assert_arrows_end_on_targets(&diagram);
    assert!(diagram.objects.iter().all(|o| diagram.bounds.contains_rect(o.rect)));
}

#[test]
fn long_containers_are_cut_and_expand_on_request() {
    let mut snapshot = Snapshot::default();
    let ints: Vec<ObjId> = (0..30).map(|i| 100 + i).collect();
    for (i, &id) in ints.iter().enumerate() {
        snapshot.heap.insert(id, leaf("int", &i.to_string()));
    }
    let mut list = container(ObjKind::List, "list", items(&ints));
    list.more = 5;
    snapshot.heap.insert(1, list);
    snapshot.stack.push(module_frame(&[("big", 1)]));

    let cut = simple(&snapshot);
    let big = cut.object(1).expect("the list");
    assert_eq!(big.rows.len(), size::SLOTS_SHOWN);
    let actions: Vec<_> = big.more.iter().map(|m| m.action.clone()).collect();
    assert_eq!(actions, [MoreAction::Expand, MoreAction::NotRecorded]);
    assert_eq!(big.more[0].text.text, format!("+{} more · show", 30 - size::SLOTS_SHOWN));
    assert!(big.more[1].label.contains("Settings"), "{}", big.more[1].label);

    let expanded: HashSet<ObjId> = [1].into();
    let full = lay_out(&snapshot, ViewOptions::default(), &expanded, &mut Placements::default());
    let big = full.object(1).expect("the list");
    assert_eq!(big.rows.len(), 30);
    assert_eq!(big.rows[29].label, "[29] → int #0129 = 29");
    let actions: Vec<_> = big.more.iter().map(|m| m.action.clone()).collect();
    assert_eq!(actions, [MoreAction::Collapse, MoreAction::NotRecorded]);
}

#[test]
fn instances_functions_and_cells_get_named_rows() {
    let mut snapshot = Snapshot::default();
    snapshot.heap.insert(1, leaf("int", "3"));
    snapshot.heap.insert(
        2,
        HeapObject {
            type_name: "Point".into(),
            kind: ObjKind::Instance,
            repr: "<__main__.Point object at 0x7f>".into(),
            children: vec![Child { key: Key::Name("x".into()), id: 1 }],
            ..HeapObject::default()
        },
    );
    snapshot.heap.insert(
        3,
        HeapObject {
            type_name: "cell".into(),
            kind: ObjKind::Cell,
            repr: "<cell>".into(),
            children: items(&[1]),
            ..HeapObject::default()
        },
    );
    snapshot.heap.insert(
        4,
        HeapObject {
            type_name: "function".into(),
            kind: ObjKind::Function,
            repr: "<function outer.<locals>.inner at 0x7f>".into(),
            children: vec![Child { key: Key::Name("count".into()), id: 3 }],
            ..HeapObject::default()
        },
    );
    snapshot.stack.push(module_frame(&[("p", 2), ("inner", 4)]));
    let diagram = simple(&snapshot);
    assert_eq!(diagram.object(2).expect("instance").rows[0].label, ".x → int #0001 = 3");
    assert_eq!(diagram.object(4).expect("function").rows[0].label, "count → cell #0003");
    assert_eq!(diagram.object(3).expect("cell").rows[0].label, "contents → int #0001 = 3");
    assert_arrows_end_on_targets(&diagram);
}

#[test]
fn changes_of_a_step_are_marked() {
    use crate::trace::{FrameUpdate, ObjectChange, ObjectUpdate, StackDelta, StepDelta};
    let snapshot = aliasing();
    let delta = StepDelta {
        stack: StackDelta {
            keep: 1,
            updated: vec![FrameUpdate {
                index: 0,
                line: 3,
                set: vec![Binding { name: "alias".into(), id: 200 }],
                removed: vec![],
            }],
            pushed: vec![],
        },
        objects: vec![
            ObjectChange::Update(200, ObjectUpdate { refcount: Some(3), ..ObjectUpdate::default() }),
            ObjectChange::New(103, leaf("int", "3")),
        ],
        ..StepDelta::default()
    };
    let changes = StepChanges::of(&delta, &snapshot);
    assert!(changes.bound_names.contains(&(1, "alias".to_owned())));
    assert!(changes.updated_objects.is_empty(), "a refcount alone is not a change the line made");
    let ids = short_ids(&snapshot);
    let expanded = HashSet::new();
    let options = ViewOptions { show_every_object: true, badges: true };
    let input = LayoutInput {
        snapshot: &snapshot,
        short_ids: &ids,
        changes: &changes,
        options,
        expanded: &expanded,
        title: String::new(),
    };
    let diagram = layout(&input, &mut Placements::default());
    assert!(diagram.frames[0].rows[1].changed && !diagram.frames[0].rows[0].changed);
    assert_eq!(diagram.object(103).expect("new int").change, Change::New);
    assert_eq!(diagram.object(200).expect("list").change, Change::None);
    let badges: Vec<&str> = diagram
        .object(200)
        .expect("list")
        .texts
        .iter()
        .filter(|t| t.role == TextRole::Badge)
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(badges, ["72 B", "rc 2"]);
}

#[test]
fn a_waiting_threads_frames_are_drawn_after_the_running_ones_with_their_objects() {
    use crate::trace::ThreadView;
    // The worker runs; the main thread waits in `<module>` holding the only reference to a list.
    let mut snapshot = aliasing();
    let main_frames = std::mem::take(&mut snapshot.stack);
    let worker =
        Frame { frame_id: 7, function: "work".into(), kind: FrameKind::Function, ..module_frame(&[("n", 102)]) };
    snapshot.stack.push(worker);
    snapshot.thread = 1;
    snapshot.threads = vec![
        ThreadView { name: "MainThread".into(), stack: main_frames },
        ThreadView { name: "worker-1".into(), stack: vec![] },
    ];
    let diagram = simple(&snapshot);
    let titles: Vec<&str> = diagram.frames.iter().map(|frame| frame.label.as_str()).collect();
    assert_eq!(titles, ["frame work · worker-1, line 3: 1 names", "frame <module> · MainThread, line 3: 3 names"]);
    assert!(diagram.frames[0].rect.bottom() < diagram.frames[1].rect.top(), "stacked, running thread first");
    assert!(diagram.objects.iter().any(|object| object.id == 200), "the list only the main thread holds is drawn");
    assert!(
        diagram
            .arrows
            .iter()
            .any(|arrow| arrow.target == 200 && arrow.source == ArrowSource::Frame { frame: 1, row: 0 })
    );

    // With one thread the frames carry no thread name.
    let single = simple(&aliasing());
    assert_eq!(single.frames[0].label, "frame <module>, line 3: 3 names");
}
