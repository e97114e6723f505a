//! The pure layout step: a snapshot, the view options and the expanded containers in, a `Diagram`
//! out. It runs when the snapshot or the options change, never per frame, and needs no egui fonts:
//! every text is in one monospace size, so its width is its length times `CHAR_WIDTH`.
//!
//! Frames go on the left, outermost on top. Objects go on the right, found breadth first from the
//! names, each placed next to the row that first refers to it and pushed down until it overlaps
//! nothing. `Placements` remembers where every object went the first time, so within a run an
//! object stays where it is from step to step.

use std::collections::{HashMap, HashSet, VecDeque};

use egui::{Pos2, Rect, Vec2, pos2, vec2};

use super::diagram::{
    Arrow, ArrowSource, Change, Diagram, FrameBox, MoreAction, MoreRow, ObjectBox, Row, RowOwner, Text, TextRole,
};
use crate::trace::{Event, Frame, FrameKind, HeapObject, Key, ObjId, ObjKind, ObjectChange, Snapshot, StepDelta};
use crate::ui::model::ShortIds;
use crate::ui::stack::one_line;
use crate::ui::theme::{REPR_CHARS, diagram as size};

/// How the diagram is drawn (the Heap panel's toggles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ViewOptions {
    /// Ints, strings and other primitives get boxes of their own, so sharing them is visible;
    /// otherwise they are written inside the slot that refers to them.
    pub show_every_object: bool,
    /// Refcount and size badges on every object.
    pub badges: bool,
}

/// What the step being shown did, from its `StepDelta`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepChanges {
    pub new_objects: HashSet<ObjId>,
    pub updated_objects: HashSet<ObjId>,
    /// `(frame_id, name)` bound or rebound at this step.
    pub bound_names: HashSet<(u64, String)>,
    /// Frames called at this step.
    pub new_frames: HashSet<u64>,
}

impl StepChanges {
    /// `snapshot` is the state after `delta` (the step shown).
    pub fn of(delta: &StepDelta, snapshot: &Snapshot) -> Self {
        let mut changes = StepChanges::default();
        for change in &delta.objects {
            match change {
                ObjectChange::New(id, _) => {
                    changes.new_objects.insert(*id);
                }
                // A refcount alone moving is not something the learner's line did to the object.
                ObjectChange::Update(id, update)
                    if update.refcount.is_none() || update.repr.is_some() || update.splice.is_some() =>
                {
                    changes.updated_objects.insert(*id);
                }
                // A paused generator that ran on, or a table that was rebuilt.
                ObjectChange::Internals(id, _) => {
                    changes.updated_objects.insert(*id);
                }
                ObjectChange::Update(..) | ObjectChange::Gone(_) => {}
            }
        }
        for update in &delta.stack.updated {
            if let Some(frame) = snapshot.stack.get(update.index as usize) {
                for binding in &update.set {
                    changes.bound_names.insert((frame.frame_id, binding.name.clone()));
                }
            }
        }
        changes.new_frames.extend(delta.stack.pushed.iter().map(|frame| frame.frame_id));
        changes
    }
}

/// Where each object of a run was first placed, relative to the top left of the objects' area.
#[derive(Clone, Debug, Default)]
pub struct Placements {
    homes: HashMap<ObjId, Vec2>,
}

impl Placements {
    pub fn clear(&mut self) {
        self.homes.clear();
    }

    pub fn len(&self) -> usize {
        self.homes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.homes.is_empty()
    }
}

pub struct LayoutInput<'a> {
    pub snapshot: &'a Snapshot,
    pub short_ids: &'a ShortIds,
    pub changes: &'a StepChanges,
    pub options: ViewOptions,
    /// Containers whose every recorded slot is shown (the others show `SLOTS_SHOWN`).
    pub expanded: &'a HashSet<ObjId>,
    pub title: String,
}

/// The width of `text` in the diagram's font.
pub fn text_width(text: &str) -> f32 {
    text.chars().count() as f32 * size::CHAR_WIDTH
}

/// `text` on one line, cut to `max` characters with `…`.
pub fn cut(text: &str, max: usize) -> String {
    let line = one_line(text);
    if line.chars().count() <= max {
        return line;
    }
    let mut out: String = line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Where the first reference to an object was drawn.
#[derive(Clone, Copy)]
enum Referrer {
    Frame { frame: usize, row: usize },
    Object { object: ObjId, row: usize },
}

pub fn layout(input: &LayoutInput, placements: &mut Placements) -> Diagram {
    let builder = Builder { input };
    let frames = builder.frames();
    let frames_right = frames.iter().map(|f| f.rect.right()).fold(0.0, f32::max);

    // Breadth first from the names: which objects get a box, in the order a reader meets them.
    let mut boxes: HashMap<ObjId, ObjectBox> = HashMap::new();
    let mut order: Vec<(ObjId, Referrer)> = Vec::new();
    let mut queue: VecDeque<(ObjId, Referrer)> = VecDeque::new();
    for (frame_index, frame) in frames.iter().enumerate() {
        for (row_index, row) in frame.rows.iter().enumerate() {
            if row.dot.is_some() {
                queue.push_back((row.target, Referrer::Frame { frame: frame_index, row: row_index }));
            }
        }
    }
    while let Some((id, referrer)) = queue.pop_front() {
        if boxes.contains_key(&id) {
            continue;
        }
        let Some(object) = input.snapshot.heap.get(&id) else { continue };
        let object_box = builder.object(id, object);
        for (row_index, row) in object_box.rows.iter().enumerate() {
            if row.dot.is_some() && !boxes.contains_key(&row.target) {
                queue.push_back((row.target, Referrer::Object { object: id, row: row_index }));
            }
        }
        boxes.insert(id, object_box);
        order.push((id, referrer));
    }

    // Objects already placed earlier in the run keep their place; new ones go next to their referrer.
    let origin = vec2(frames_right + size::COLUMN_GAP, 0.0);
    let mut placed = Occupied::default();
    let mut positions: HashMap<ObjId, Pos2> = HashMap::with_capacity(order.len());
    for pass_homes in [true, false] {
        for &(id, referrer) in &order {
            let home = placements.homes.get(&id).copied();
            if home.is_some() != pass_homes {
                continue;
            }
            let Some(object_box) = boxes.get(&id) else { continue };
            let wanted = match home {
                Some(home) => Pos2::ZERO + origin + home,
                None => near_referrer(referrer, &frames, &boxes, &positions, origin),
            };
            let spot = placed.free_spot(wanted, object_box.rect.size());
            placed.insert(Rect::from_min_size(spot, object_box.rect.size()));
            positions.insert(id, spot);
            if home.is_none() {
                placements.homes.insert(id, spot - origin - Pos2::ZERO);
            }
        }
    }

    let mut objects: Vec<ObjectBox> = Vec::with_capacity(order.len());
    for (id, _) in &order {
        if let (Some(mut object_box), Some(at)) = (boxes.remove(id), positions.get(id)) {
            translate_object(&mut object_box, at.to_vec2());
            objects.push(object_box);
        }
    }
    let arrows = arrows(&frames, &objects);
    let bounds = frames
        .iter()
        .map(|f| f.rect)
        .chain(objects.iter().map(|o| o.rect))
        // A curve stays inside its control points' hull.
        .chain(arrows.iter().map(|a| Rect::from_points(&a.points)))
        .reduce(|a, b| a.union(b))
        .unwrap_or(Rect::from_min_size(Pos2::ZERO, vec2(200.0, 60.0)))
        .expand(size::MARGIN);
    Diagram { frames, objects, arrows, bounds, title: input.title.clone() }
}

fn near_referrer(
    referrer: Referrer,
    frames: &[FrameBox],
    boxes: &HashMap<ObjId, ObjectBox>,
    positions: &HashMap<ObjId, Pos2>,
    origin: Vec2,
) -> Pos2 {
    let align = |row: &Row, x: f32| pos2(x, row.rect.center().y - size::HEADER_HEIGHT / 2.0);
    match referrer {
        Referrer::Frame { frame, row } => {
            frames.get(frame).and_then(|f| f.rows.get(row)).map_or(Pos2::ZERO + origin, |row| align(row, origin.x))
        }
        Referrer::Object { object, row } => {
            let (Some(at), Some(object_box)) = (positions.get(&object), boxes.get(&object)) else {
                return Pos2::ZERO + origin;
            };
            match object_box.rows.get(row) {
                // The box is still at the origin here: its rows are relative to its top left.
                Some(r) => align(r, at.x + object_box.rect.width() + size::COLUMN_GAP) + vec2(0.0, at.y),
                None => pos2(at.x + object_box.rect.width() + size::COLUMN_GAP, at.y),
            }
        }
    }
}

/// The boxes placed so far, ordered by their top edge.
#[derive(Default)]
struct Occupied {
    rects: Vec<Rect>,
}

impl Occupied {
    fn insert(&mut self, rect: Rect) {
        let at = self.rects.partition_point(|r| r.top() <= rect.top());
        self.rects.insert(at, rect);
    }

    /// The first spot at or below `wanted` where a box of `box_size` keeps `BOX_GAP` from every
    /// placed box. One sweep down the boxes sharing its columns.
    fn free_spot(&self, wanted: Pos2, box_size: Vec2) -> Pos2 {
        let gap = size::BOX_GAP;
        let (left, right) = (wanted.x, wanted.x + box_size.x);
        let mut y = wanted.y.max(0.0);
        for rect in &self.rects {
            if rect.left() >= right + gap / 2.0 || rect.right() + gap / 2.0 <= left {
                continue;
            }
            if rect.top() >= y + box_size.y + gap {
                // Every later box starts lower still: the spot is free.
                break;
            }
            if rect.bottom() + gap > y {
                y = rect.bottom() + gap;
            }
        }
        pos2(wanted.x, y)
    }
}

fn translate_object(object: &mut ObjectBox, by: Vec2) {
    object.rect = object.rect.translate(by);
    object.header = object.header.translate(by);
    for text in &mut object.texts {
        text.at += by;
    }
    for badge in &mut object.badges {
        *badge = badge.translate(by);
    }
    for row in &mut object.rows {
        translate_row(row, by);
    }
    for more in &mut object.more {
        more.rect = more.rect.translate(by);
        more.text.at += by;
    }
}

fn translate_row(row: &mut Row, by: Vec2) {
    row.rect = row.rect.translate(by);
    for text in &mut row.texts {
        text.at += by;
    }
    if let Some(dot) = &mut row.dot {
        *dot += by;
    }
}

fn arrows(frames: &[FrameBox], objects: &[ObjectBox]) -> Vec<Arrow> {
    let targets: HashMap<ObjId, Rect> = objects.iter().map(|o| (o.id, o.rect)).collect();
    let mut arrows = Vec::new();
    let mut add = |source: ArrowSource, row: &Row| {
        if let (Some(dot), Some(target)) = (row.dot, targets.get(&row.target)) {
            arrows.push(Arrow { source, target: row.target, points: curve(dot, *target) });
        }
    };
    for (frame, frame_box) in frames.iter().enumerate() {
        for (row, r) in frame_box.rows.iter().enumerate() {
            add(ArrowSource::Frame { frame, row }, r);
        }
    }
    for (object, object_box) in objects.iter().enumerate() {
        for (row, r) in object_box.rows.iter().enumerate() {
            add(ArrowSource::Object { object, row }, r);
        }
    }
    arrows
}

/// From a dot to the middle of the target's header: into its left side when the target lies to
/// the right, else looping round into its right side.
fn curve(from: Pos2, target: Rect) -> [Pos2; 4] {
    let y = target.top() + size::HEADER_HEIGHT / 2.0;
    if from.x + size::DOT_CELL <= target.left() {
        let end = pos2(target.left(), y);
        let reach = ((end.x - from.x) / 2.0).max(size::COLUMN_GAP / 3.0);
        [from, from + vec2(reach, 0.0), end - vec2(reach, 0.0), end]
    } else {
        let end = pos2(target.right(), y);
        let reach = (from.x.max(end.x) - from.x.min(end.x)) / 2.0 + size::COLUMN_GAP / 2.0;
        [from, from + vec2(reach, 0.0), end + vec2(reach, 0.0), end]
    }
}

struct Builder<'a> {
    input: &'a LayoutInput<'a>,
}

/// A row before it is placed: key text, label key, and target.
struct RowSpec {
    key: String,
    key_label: String,
    key_role: TextRole,
    owner: RowOwner,
    target: ObjId,
    /// A dict entry's key object.
    key_id: Option<ObjId>,
    changed: bool,
}

impl Builder<'_> {
    fn snapshot(&self) -> &Snapshot {
        self.input.snapshot
    }

    /// Whether `id` is written inside its slot rather than given a box.
    fn inline(&self, id: ObjId) -> bool {
        match self.snapshot().heap.get(&id) {
            Some(object) => !self.input.options.show_every_object && object.kind == ObjKind::Leaf,
            None => true,
        }
    }

    fn describe(&self, id: ObjId) -> String {
        match self.snapshot().heap.get(&id) {
            Some(object) => format!("{} {}", object.type_name, self.input.short_ids.label(id)),
            None => "an object that was not recorded".to_owned(),
        }
    }

    /// "id() = 140…; 'hello'", with the key's id and repr for a dict entry.
    fn row_details(&self, target: ObjId, key: Option<ObjId>) -> String {
        let describe = |id: ObjId| match self.snapshot().heap.get(&id) {
            Some(object) => format!(
                "{} {} id() = {id}: {}",
                object.type_name,
                self.input.short_ids.label(id),
                one_line(&self.snapshot().repr_of(id, REPR_CHARS))
            ),
            None => format!("id() = {id} (not recorded)"),
        };
        match key {
            Some(key) => format!("key {}\nvalue {}", describe(key), describe(target)),
            None => describe(target),
        }
    }

    /// The running thread's frames, then (with several threads) every other thread's, each titled
    /// with its thread's name, so what only a waiting thread refers to is still drawn as reachable.
    fn frames(&self) -> Vec<FrameBox> {
        let snapshot = self.snapshot();
        let threaded = snapshot.threads.len() > 1;
        let last = snapshot.stack.len().saturating_sub(1);
        let running_name = threaded.then(|| snapshot.thread_name());
        let running = snapshot.stack.iter().enumerate().map(|(index, frame)| (frame, running_name, index == last));
        let waiting = snapshot
            .threads
            .iter()
            .enumerate()
            .filter(|(thread, _)| threaded && *thread as u32 != snapshot.thread)
            .flat_map(|(_, view)| view.stack.iter().map(|frame| (frame, Some(view.name.as_str()), false)));
        let mut frames = Vec::with_capacity(snapshot.stack.len());
        let mut top = 0.0;
        for (frame, thread, is_top) in running.chain(waiting) {
            let mut specs: Vec<RowSpec> = frame
                .locals
                .iter()
                .map(|binding| RowSpec {
                    key: binding.name.clone(),
                    key_label: binding.name.clone(),
                    key_role: TextRole::Name,
                    owner: RowOwner::Name { frame_id: frame.frame_id, name: binding.name.clone() },
                    target: binding.id,
                    key_id: None,
                    changed: self.input.changes.bound_names.contains(&(frame.frame_id, binding.name.clone())),
                })
                .collect();
            if is_top
                && snapshot.event == Some(Event::Return)
                && let Some(value) = snapshot.return_value
            {
                specs.push(RowSpec {
                    key: "return value".into(),
                    key_label: "return value".into(),
                    key_role: TextRole::Note,
                    owner: RowOwner::Return { frame_id: frame.frame_id },
                    target: value,
                    key_id: None,
                    changed: true,
                });
            }
            let frame_box = self.frame(frame, thread, specs, top);
            top = frame_box.rect.bottom() + size::BOX_GAP;
            frames.push(frame_box);
        }
        frames
    }

    fn frame(&self, frame: &Frame, thread: Option<&str>, specs: Vec<RowSpec>, top: f32) -> FrameBox {
        let mut title = match frame.kind {
            FrameKind::Module | FrameKind::Function => frame.function.clone(),
            kind => format!("{} ({})", frame.function, kind.as_str()),
        };
        if let Some(thread) = thread {
            title.push_str(&format!(" · {thread}"));
        }
        let line = format!("line {}", frame.line);
        let header_width = size::PAD * 2.0 + text_width(&title) + size::KEY_GAP + text_width(&line);
        let (rows, rows_width) = self.rows(specs, top + size::HEADER_HEIGHT);
        let width = header_width.max(rows_width).max(140.0);
        let mut rows = rows;
        let empty = rows.is_empty();
        let body_height = if empty { size::ROW_HEIGHT } else { rows.len() as f32 * size::ROW_HEIGHT };
        let rect = Rect::from_min_size(pos2(0.0, top), vec2(width, size::HEADER_HEIGHT + body_height + 4.0));
        let header = Rect::from_min_size(rect.min, vec2(width, size::HEADER_HEIGHT));
        for row in &mut rows {
            stretch_row(row, width);
        }
        let mut texts = vec![
            Text { at: pos2(size::PAD, header.center().y), text: title.clone(), role: TextRole::Function },
            Text {
                at: pos2(width - size::PAD - text_width(&line), header.center().y),
                text: line,
                role: TextRole::Note,
            },
        ];
        if empty {
            texts.push(Text {
                at: pos2(size::PAD, header.bottom() + size::ROW_HEIGHT / 2.0),
                text: "no names yet".into(),
                role: TextRole::Note,
            });
        }
        FrameBox {
            frame_id: frame.frame_id,
            rect,
            header,
            label: format!("frame {title}, line {}: {} names", frame.line, frame.locals.len()),
            texts,
            rows,
            is_new: self.input.changes.new_frames.contains(&frame.frame_id),
        }
    }

    /// Rows laid out from `top`, as wide as their content (`stretch_row` widens them to the box);
    /// returns them and the box width they need.
    fn rows(&self, specs: Vec<RowSpec>, top: f32) -> (Vec<Row>, f32) {
        let key_width = specs.iter().map(|s| text_width(&s.key)).fold(0.0, f32::max);
        let key_column = if key_width > 0.0 { key_width + size::KEY_GAP } else { 0.0 };
        let mut value_width: f32 = size::DOT_CELL;
        let mut rows = Vec::with_capacity(specs.len());
        for (index, spec) in specs.into_iter().enumerate() {
            let y = top + index as f32 * size::ROW_HEIGHT;
            let rect = Rect::from_min_size(pos2(0.0, y), vec2(0.0, size::ROW_HEIGHT));
            let mut texts = Vec::with_capacity(2);
            if !spec.key.is_empty() {
                texts.push(Text { at: pos2(size::PAD, rect.center().y), text: spec.key, role: spec.key_role });
            }
            let described = self.describe(spec.target);
            let (dot, label) = if self.inline(spec.target) {
                let value = match self.snapshot().heap.get(&spec.target) {
                    Some(_) => cut(&self.snapshot().repr_of(spec.target, REPR_CHARS), size::INLINE_CHARS),
                    None => "…".to_owned(),
                };
                value_width = value_width.max(text_width(&value));
                let label = format!("{} → {described} = {value}", spec.key_label);
                texts.push(Text {
                    at: pos2(size::PAD + key_column, rect.center().y),
                    text: value,
                    role: TextRole::Value,
                });
                (None, label)
            } else {
                // Placed at the right end by `stretch_row`.
                (Some(pos2(0.0, rect.center().y)), format!("{} → {described}", spec.key_label))
            };
            let details = self.row_details(spec.target, spec.key_id);
            rows.push(Row {
                rect,
                owner: spec.owner,
                target: spec.target,
                texts,
                dot,
                changed: spec.changed,
                label,
                details,
            });
        }
        (rows, size::PAD * 2.0 + key_column + value_width)
    }

    fn object(&self, id: ObjId, object: &HeapObject) -> ObjectBox {
        let short = self.input.short_ids.label(id);
        let repr = self.snapshot().repr_of(id, REPR_CHARS);
        let header_y = size::HEADER_HEIGHT / 2.0;
        let mut texts = vec![
            Text { at: pos2(size::PAD, header_y), text: object.type_name.clone(), role: TextRole::TypeName },
            Text {
                at: pos2(size::PAD + text_width(&object.type_name) + size::CHAR_WIDTH, header_y),
                text: short.clone(),
                role: TextRole::ShortId,
            },
        ];
        let mut header_width = size::PAD * 2.0 + text_width(&object.type_name) + size::CHAR_WIDTH + text_width(&short);
        let badge_texts = if self.input.options.badges {
            vec![format!("rc {}", object.refcount), format!("{} B", object.size)]
        } else {
            Vec::new()
        };
        let badges_width: f32 = badge_texts.iter().map(|t| text_width(t) + 8.0 + 4.0).sum();
        header_width += badges_width;

        let mut y = size::HEADER_HEIGHT;
        let shown_children =
            object.children.len().min(if self.input.expanded.contains(&id) { usize::MAX } else { size::SLOTS_SHOWN });
        let has_rows = !object.children.is_empty() && object.kind != ObjKind::Leaf;
        let mut value_width: f32 = 0.0;
        if !has_rows {
            let value = cut(&repr, size::VALUE_CHARS);
            value_width = size::PAD * 2.0 + text_width(&value);
            texts.push(Text { at: pos2(size::PAD, y + size::ROW_HEIGHT / 2.0), text: value, role: TextRole::Value });
            y += size::ROW_HEIGHT;
        }
        // A paused generator: where its frame (its rows below: the frame's locals) will resume.
        let paused_note = crate::ui::stack::paused_note(self.snapshot(), id);
        if let Some(note) = &paused_note {
            value_width = value_width.max(size::PAD * 2.0 + text_width(note));
            let at = pos2(size::PAD, y + size::ROW_HEIGHT / 2.0);
            texts.push(Text { at, text: note.clone(), role: TextRole::Note });
            y += size::ROW_HEIGHT;
        }
        let specs: Vec<RowSpec> = if has_rows {
            object.children[..shown_children]
                .iter()
                .enumerate()
                .map(|(index, child)| self.slot_spec(id, object, index, child))
                .collect()
        } else {
            Vec::new()
        };
        let row_count = specs.len();
        let (mut rows, rows_width) = self.rows(specs, y);
        y += row_count as f32 * size::ROW_HEIGHT;

        let mut more = Vec::new();
        let hidden = object.children.len() - shown_children;
        let mut more_width: f32 = 0.0;
        let mut add_more = |text: String, action: MoreAction, label: String, y: &mut f32| {
            more_width = more_width.max(size::PAD * 2.0 + text_width(&text));
            let rect = Rect::from_min_size(pos2(0.0, *y), vec2(0.0, size::ROW_HEIGHT));
            more.push(MoreRow {
                rect,
                text: Text { at: pos2(size::PAD, rect.center().y), text, role: TextRole::Note },
                action,
                label,
            });
            *y += size::ROW_HEIGHT;
        };
        if hidden > 0 && has_rows {
            let text = format!("+{hidden} more · show");
            let label = format!("show {hidden} more of {} {short}", object.type_name);
            add_more(text, MoreAction::Expand, label, &mut y);
        } else if has_rows && object.children.len() > size::SLOTS_SHOWN {
            let label = format!("show fewer of {} {short}", object.type_name);
            add_more("show fewer".into(), MoreAction::Collapse, label, &mut y);
        }
        if object.more > 0 {
            let text = format!("+{} more not recorded (Settings: container size)", object.more);
            let label = format!(
                "{} more items of {} {short} were not recorded: raise the container size limit in Settings",
                object.more, object.type_name
            );
            add_more(text, MoreAction::NotRecorded, label, &mut y);
        }

        let width = header_width.max(rows_width).max(value_width).max(more_width).max(90.0);
        for row in &mut rows {
            stretch_row(row, width);
        }
        for row in &mut more {
            row.rect.max.x = width;
        }
        let mut badges = Vec::new();
        let mut right = width - size::PAD;
        for text in badge_texts.into_iter().rev() {
            let badge_width = text_width(&text) + 8.0;
            let rect = Rect::from_min_max(pos2(right - badge_width, header_y - 8.0), pos2(right, header_y + 8.0));
            texts.push(Text { at: pos2(rect.left() + 4.0, header_y), text, role: TextRole::Badge });
            badges.push(rect);
            right -= badge_width + 4.0;
        }
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(width, y + 4.0));
        let change = if self.input.changes.new_objects.contains(&id) {
            Change::New
        } else if self.input.changes.updated_objects.contains(&id) {
            Change::Updated
        } else {
            Change::None
        };
        ObjectBox {
            id,
            rect,
            header: Rect::from_min_size(Pos2::ZERO, vec2(width, size::HEADER_HEIGHT)),
            texts,
            badges,
            rows,
            more,
            change,
            label: match &paused_note {
                Some(note) => format!("{} {short} {} {note}", object.type_name, cut(&repr, 80)),
                None => format!("{} {short} {}", object.type_name, cut(&repr, 80)),
            },
            details: format!(
                "{} {short}\nid() = {id}\nrefcount {} · {} bytes\n{}",
                object.type_name,
                object.refcount,
                object.size,
                one_line(&repr)
            ),
        }
    }

    fn slot_spec(&self, id: ObjId, object: &HeapObject, index: usize, child: &crate::trace::Child) -> RowSpec {
        let (key, key_label) = match (&child.key, object.kind) {
            (Key::Index, ObjKind::Set | ObjKind::FrozenSet) => (String::new(), "item".to_owned()),
            (Key::Index, ObjKind::Cell) => ("contents".to_owned(), "contents".to_owned()),
            (Key::Index, _) => (index.to_string(), format!("[{index}]")),
            (Key::Name(name), ObjKind::Instance | ObjKind::Class) => (name.clone(), format!(".{name}")),
            (Key::Name(name), _) => (name.clone(), name.clone()),
            (Key::Object(key), _) => {
                let key = cut(&self.snapshot().repr_of(*key, REPR_CHARS), size::KEY_CHARS);
                (key.clone(), format!("[{key}]"))
            }
        };
        RowSpec {
            key,
            key_label,
            key_role: TextRole::Key,
            owner: RowOwner::Slot { object: id, index },
            target: child.id,
            key_id: match child.key {
                Key::Object(key) => Some(key),
                _ => None,
            },
            changed: false,
        }
    }
}

/// Widens a row to its box and puts its dot at the right end.
fn stretch_row(row: &mut Row, width: f32) {
    row.rect.max.x = row.rect.min.x + width;
    if let Some(dot) = &mut row.dot {
        dot.x = row.rect.right() - size::PAD - size::DOT_CELL / 2.0 + 4.0;
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
pub(crate) mod tests;
