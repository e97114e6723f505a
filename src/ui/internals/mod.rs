//! The Internals pane: what CPython keeps inside the selected object that no diagram shows. A
//! list's capacity beside its length (`list`), a dict's or set's real hash table (`table`), and the
//! object's identity: the caches and tables it belongs to and who holds it (`identity`).
//!
//! It follows the existing selection (an object or a name clicked in the Heap or Stack panel). What
//! it shows is rebuilt when the step or the selection changes; a list's history over the run is read
//! from the recorded deltas a bounded number of steps per frame (`list::CapacityHistory`).

pub mod identity;
pub mod list;
mod slots;
pub mod table;

use egui::{RichText, ScrollArea, Ui};

use self::identity::{Badge, Referrer};
use self::list::{CapacityHistory, ListView};
use self::table::TableView;
use super::Command;
use super::commands::Selection;
use super::model::Model;
use super::theme::{Palette, REPR_CHARS, internals as size};
use crate::trace::{HeapObject, Internals, ObjId, ObjKind, Snapshot};

#[derive(Default)]
pub struct InternalsPanel {
    /// What `shown` was built for: the snapshot generation and the selection.
    built_for: Option<(u64, Option<Selection>)>,
    shown: Shown,
    history: CapacityHistory,
    /// The table entry whose probe sequence is drawn, and the object it belongs to.
    chosen: Option<(ObjId, u32)>,
}

#[derive(Default)]
enum Shown {
    /// Nothing selected, or nothing to show: a line saying why.
    #[default]
    Nothing,
    Hint(String),
    Object(Box<ObjectView>),
}

struct ObjectView {
    id: ObjId,
    /// "list #0432 · [1, 2, 3]".
    title: String,
    object: HeapObject,
    badges: Vec<Badge>,
    referrers: Vec<Referrer>,
    detail: Detail,
}

enum Detail {
    List(ListView),
    Table(TableView),
    /// Why there is no capacity or table to show.
    Note(String),
}

const SELECT_HINT: &str = "Click an object or a name in the Heap or Stack panel to look inside it: a list's spare capacity, a dict's or \
     set's hash table, and who refers to it.";

impl InternalsPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let key = (model.snapshot_generation(), model.selection().cloned());
        if self.built_for.as_ref() != Some(&key) {
            self.shown = build(model);
            self.built_for = Some(key);
        }
        match &self.shown {
            Shown::Nothing => {
                ui.label(RichText::new(SELECT_HINT).color(palette.weak));
            }
            Shown::Hint(text) => {
                ui.label(RichText::new(text).color(palette.weak));
                ui.label(RichText::new(SELECT_HINT).color(palette.weak));
            }
            Shown::Object(view) => {
                let id = view.id;
                let mut chosen = self.chosen.filter(|(of, _)| *of == id).map(|(_, entry)| entry);
                ScrollArea::vertical().id_salt("internals_scroll").auto_shrink(false).show(ui, |ui| {
                    ui.label(RichText::new(&view.title).strong().font(super::theme::code_font()));
                    ui.add_space(size::GAP);
                    match &view.detail {
                        Detail::List(list_view) => list::show(ui, model, list_view, &mut self.history, id),
                        Detail::Table(table_view) => table::show(ui, table_view, &mut chosen),
                        Detail::Note(note) => {
                            ui.label(RichText::new(note).color(palette.weak));
                        }
                    }
                    ui.separator();
                    identity::show(ui, &palette, &view.badges, &view.object, &view.referrers);
                });
                self.chosen = chosen.map(|entry| (id, entry));
            }
        }
        Vec::new()
    }
}

/// The object the selection points at in `snapshot`, if it is there.
pub fn selected_object(snapshot: &Snapshot, selection: &Selection) -> Option<ObjId> {
    match selection {
        Selection::Object(id) => Some(*id),
        Selection::Name { frame_id, name } => snapshot
            .stack
            .iter()
            .find(|frame| frame.frame_id == *frame_id)?
            .locals
            .iter()
            .find(|binding| &binding.name == name)
            .map(|binding| binding.id),
    }
}

fn build(model: &Model) -> Shown {
    let Some(selection) = model.selection() else { return Shown::Nothing };
    let Some(snapshot) = model.current() else {
        return Shown::Hint("Run the program, then select an object.".into());
    };
    let Some(id) = selected_object(snapshot, selection) else {
        let what = model.describe_selection().unwrap_or_else(|| "The selected name".into());
        return Shown::Hint(format!("{what} is not bound at this step."));
    };
    let Some(object) = snapshot.heap.get(&id) else {
        let label = model.short_ids.label(id);
        return Shown::Hint(format!("Object {label} is not on the heap at this step."));
    };
    let repr = snapshot.repr_of(id, REPR_CHARS);
    let title = format!("{} {} · {repr}", object.type_name, model.short_ids.label(id));
    let detail = match (snapshot.internals.get(&id), object.kind) {
        (Some(Internals::HashTable(table)), _) => Detail::Table(TableView::of(snapshot, table)),
        (Some(Internals::List { .. }), _) | (None, ObjKind::List) => Detail::List(ListView::of(snapshot, id, object)),
        (Some(Internals::Generator(_)), _) => {
            Detail::Note("A generator: its paused frame is in the Stack panel.".into())
        }
        (None, kind) => Detail::Note(no_internals(kind).into()),
    };
    Shown::Object(Box::new(ObjectView {
        id,
        title,
        badges: identity::badges(object, &repr),
        referrers: identity::referrers(snapshot, id, &model.short_ids),
        object: object.clone(),
        detail,
    }))
}

/// Why an object of this kind has no capacity or table to show.
fn no_internals(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Tuple => {
            "A tuple's items are fixed when it is made: it has exactly as many slots as items, no spare room."
        }
        ObjKind::Dict | ObjKind::Set | ObjKind::FrozenSet => {
            "No hash table was recorded for this object (a subclass, or a run recorded without internals)."
        }
        ObjKind::Leaf => "Nothing inside to show: see its identity below.",
        _ => "No internals are recorded for this kind of object; see its identity below.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Binding, Frame, FrameKind};

    #[test]
    fn a_selected_name_resolves_to_its_object_in_its_frame() {
        let mut snapshot = Snapshot::default();
        let frame = |frame_id, id| Frame {
            frame_id,
            function: "f".into(),
            kind: FrameKind::Function,
            code: 0,
            line: 1,
            locals: vec![Binding { name: "xs".into(), id }],
        };
        snapshot.stack = vec![frame(1, 10), frame(2, 20)];
        let name = |frame_id| Selection::Name { frame_id, name: "xs".into() };
        assert_eq!(selected_object(&snapshot, &name(2)), Some(20));
        assert_eq!(selected_object(&snapshot, &name(3)), None);
        assert_eq!(selected_object(&snapshot, &Selection::Object(7)), Some(7));
    }
}
