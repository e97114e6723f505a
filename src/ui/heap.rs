//! The Heap tab: one collapsible row per object of the current step (short id, type, repr, refcount,
//! size and the names bound to it), opening onto its children (index, key or attribute, each with
//! the child's short id and repr).
//!
//! Objects come in the order a reader meets them: those named by the outermost frame first, then
//! what they contain, then the rest.

use std::collections::{HashMap, HashSet, VecDeque};

use egui::text::LayoutJob;
use egui::{CollapsingHeader, RichText, ScrollArea, TextFormat, Ui};

use super::Command;
use super::model::Model;
use super::stack::one_line;
use super::theme::{self, Palette, REPR_CHARS, space};
use crate::trace::{FrameKind, HeapObject, Key, ObjId, ObjKind, Snapshot};

#[derive(Default)]
pub struct HeapPanel {
    built_for: Option<u64>,
    rows: Vec<HeapRow>,
}

struct HeapRow {
    id: ObjId,
    short_id: String,
    type_name: String,
    repr: String,
    refcount: u64,
    size: u64,
    /// Names bound to it in the stack's frames ("x", "n in f").
    names: Vec<String>,
    children: Vec<ChildRow>,
    more: u64,
}

struct ChildRow {
    /// "[0]", "['a']", ".name"
    key: String,
    short_id: String,
    repr: String,
}

impl HeapPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let Some(snapshot) = model.current() else {
            ui.label(RichText::new("Run the program to see the objects it makes here.").color(palette.weak));
            return Vec::new();
        };
        if self.built_for != Some(model.snapshot_generation()) {
            self.rows = build_rows(model, snapshot);
            self.built_for = Some(model.snapshot_generation());
        }
        ui.label(
            RichText::new(format!(
                "{} objects at step {} · open a row to see what it refers to",
                self.rows.len(),
                snapshot.index + 1
            ))
            .color(palette.weak),
        );
        ui.add_space(space::SECTION / 2.0);
        ScrollArea::vertical().id_salt("heap_scroll").auto_shrink(false).show(ui, |ui| {
            for row in &self.rows {
                CollapsingHeader::new(header_job(row, palette)).id_salt(("heap_object", row.id)).show(ui, |ui| {
                    details(ui, row, palette);
                });
            }
        });
        Vec::new()
    }
}

fn header_job(row: &HeapRow, palette: Palette) -> LayoutJob {
    let code = theme::code_font();
    let small = theme::small_font();
    let mut job = LayoutJob::default();
    let gap = TextFormat::simple(small.clone(), palette.weak);
    job.append(&row.short_id, 0.0, TextFormat::simple(small.clone(), palette.id_text));
    job.append("  ", 0.0, gap.clone());
    job.append(&row.type_name, 0.0, TextFormat::simple(code.clone(), palette.type_name));
    job.append("  ", 0.0, gap.clone());
    job.append(&row.repr, 0.0, TextFormat::simple(code, palette.stdout));
    if !row.names.is_empty() {
        job.append("  ", 0.0, gap.clone());
        job.append(&format!("names: {}", row.names.join(", ")), 0.0, TextFormat::simple(small.clone(), palette.name));
    }
    job.append("  ", 0.0, gap);
    job.append(
        &format!("refcount {} · {} bytes", row.refcount, row.size),
        0.0,
        TextFormat::simple(small, palette.weak),
    );
    job
}

fn details(ui: &mut Ui, row: &HeapRow, palette: Palette) {
    ui.label(
        RichText::new(format!("refcount {} (sys.getrefcount, without pyxray's own references)", row.refcount))
            .color(palette.weak),
    );
    ui.label(RichText::new(format!("size {} bytes (sys.getsizeof)", row.size)).color(palette.weak));
    if row.children.is_empty() && row.more == 0 {
        ui.label(RichText::new("refers to no other objects").color(palette.weak));
    }
    for child in &row.children {
        let code = theme::code_font();
        let mut job = LayoutJob::default();
        job.append(&child.key, 0.0, TextFormat::simple(code.clone(), palette.name));
        job.append(" -> ", 0.0, TextFormat::simple(code.clone(), palette.weak));
        job.append(&child.short_id, 0.0, TextFormat::simple(theme::small_font(), palette.id_text));
        job.append("  ", 0.0, TextFormat::simple(code.clone(), palette.weak));
        job.append(&child.repr, 0.0, TextFormat::simple(code, palette.stdout));
        ui.label(job);
    }
    if row.more > 0 {
        ui.label(RichText::new(format!("... and {} more not recorded", row.more)).color(palette.weak));
    }
}

fn build_rows(model: &Model, snapshot: &Snapshot) -> Vec<HeapRow> {
    let mut names: HashMap<ObjId, Vec<String>> = HashMap::new();
    let mut order = Vec::with_capacity(snapshot.heap.len());
    let mut seen = HashSet::with_capacity(snapshot.heap.len());
    let mut queue = VecDeque::new();
    for frame in &snapshot.stack {
        for binding in &frame.locals {
            let name = if frame.kind == FrameKind::Module {
                binding.name.clone()
            } else {
                format!("{} in {}", binding.name, frame.function)
            };
            names.entry(binding.id).or_default().push(name);
            queue.push_back(binding.id);
        }
    }
    // Breadth first from the names, so objects appear near whatever refers to them.
    while let Some(id) = queue.pop_front() {
        let Some(object) = snapshot.heap.get(&id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        for child in &object.children {
            if let Key::Object(key) = child.key {
                queue.push_back(key);
            }
            queue.push_back(child.id);
        }
    }
    let mut rest: Vec<ObjId> = snapshot.heap.keys().copied().filter(|id| !seen.contains(id)).collect();
    rest.sort_unstable();
    order.extend(rest);

    order
        .into_iter()
        .filter_map(|id| snapshot.heap.get(&id).map(|object| (id, object)))
        .map(|(id, object)| HeapRow {
            id,
            short_id: model.short_ids.label(id),
            type_name: object.type_name.clone(),
            repr: one_line(&snapshot.repr_of(id, REPR_CHARS)),
            refcount: object.refcount,
            size: object.size,
            names: names.remove(&id).unwrap_or_default(),
            children: children_of(model, snapshot, object),
            more: object.more,
        })
        .collect()
}

fn children_of(model: &Model, snapshot: &Snapshot, object: &HeapObject) -> Vec<ChildRow> {
    object
        .children
        .iter()
        .enumerate()
        .map(|(index, child)| {
            let key = match (&child.key, object.kind) {
                (Key::Index, ObjKind::Set | ObjKind::FrozenSet) => "item".to_owned(),
                (Key::Index, _) => format!("[{index}]"),
                (Key::Name(name), ObjKind::Instance | ObjKind::Class) => format!(".{name}"),
                (Key::Name(name), _) => name.clone(),
                (Key::Object(key), _) => format!("[{}]", one_line(&snapshot.repr_of(*key, 40))),
            };
            ChildRow {
                key,
                short_id: model.short_ids.label(child.id),
                repr: one_line(&snapshot.repr_of(child.id, REPR_CHARS)),
            }
        })
        .collect()
}
