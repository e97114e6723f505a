//! A dict's or set's real hash table: the index (or table) as a row of numbered slots, the entries
//! with their hashes, home slots and actual slots, collisions and deleted entries marked, and the
//! probe sequence of a chosen entry's lookup, recomputed with CPython's own algorithm
//! (`trace::hashing`).

use egui::text::LayoutJob;
use egui::{Grid, RichText, ScrollArea, TextFormat, Ui};

use super::slots::{self, Look, SlotCell};
use crate::trace::hashing::{home_slot, probe_path};
use crate::trace::{HashTable, ObjId, Slot, Snapshot, TableKind};
use crate::ui::theme::{self, InternalsPalette, Palette, internals as size};

/// One entry of the table, as the entries grid shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRow {
    /// Its position in the entries array (dict: insertion order).
    pub number: u32,
    pub hash: i64,
    pub key: String,
    /// `None` for sets.
    pub value: Option<String>,
    pub home: u64,
    /// The slot that holds it (`None`: deleted, or beyond the recorded slots).
    pub slot: Option<u64>,
    pub deleted: bool,
    /// Not in its home slot: another key, or a dummy, was there when it went in.
    pub collided: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    pub table: HashTable,
    pub rows: Vec<EntryRow>,
    pub live: usize,
    pub deleted: usize,
    pub dummies: usize,
}

impl TableView {
    pub fn of(snapshot: &Snapshot, table: &HashTable) -> TableView {
        let mut slot_of_entry: Vec<Option<u64>> = vec![None; table.entries.len()];
        for (at, slot) in table.slots.iter().enumerate() {
            if let Slot::Entry(entry) = slot
                && let Some(place) = slot_of_entry.get_mut(*entry as usize)
            {
                *place = Some(at as u64);
            }
        }
        let repr = |id: Option<ObjId>| id.map(|id| snapshot.repr_of(id, size::KEY_CHARS * 2));
        let rows: Vec<EntryRow> = table
            .entries
            .iter()
            .enumerate()
            .map(|(number, entry)| {
                let home = home_slot(entry.hash, table.size);
                let slot = slot_of_entry.get(number).copied().flatten();
                let deleted = entry.key.is_none();
                EntryRow {
                    number: number as u32,
                    hash: entry.hash,
                    key: repr(entry.key).unwrap_or_else(|| "(deleted)".into()),
                    value: if table.kind == TableKind::Set {
                        None
                    } else {
                        Some(repr(entry.value).unwrap_or_default())
                    },
                    home,
                    slot,
                    deleted,
                    collided: !deleted && slot.is_some_and(|slot| slot != home),
                }
            })
            .collect();
        let deleted = rows.iter().filter(|row| row.deleted).count();
        TableView {
            table: table.clone(),
            live: rows.len() - deleted,
            deleted,
            dummies: table.slots.iter().filter(|slot| **slot == Slot::Dummy).count(),
            rows,
        }
    }

    fn is_set(&self) -> bool {
        self.table.kind == TableKind::Set
    }

    /// The bits of a hash that pick the home slot.
    pub fn low_bit_count(&self) -> u32 {
        self.table.size.max(1).trailing_zeros()
    }

    /// The slots a lookup of `entry` visits, home first, up to its slot.
    pub fn probe_path(&self, entry: u32) -> Option<Vec<u64>> {
        probe_path(&self.table, entry)
    }

    /// The index row. `path`: the chosen entry's probe sequence, numbered on its slots.
    pub fn cells(&self, path: Option<&[u64]>) -> Vec<SlotCell> {
        self.table
            .slots
            .iter()
            .take(size::SLOTS_SHOWN)
            .enumerate()
            .map(|(at, slot)| {
                let index = at as u64;
                let probe_step = path.and_then(|path| path.iter().position(|&s| s == index)).map(|p| p + 1);
                let (text, look, collided, label) = match slot {
                    Slot::Empty => (String::new(), Look::Hollow, false, format!("slot {index}: empty")),
                    Slot::Dummy => (
                        "dummy".to_owned(),
                        Look::Dummy,
                        false,
                        format!("slot {index}: dummy (a deleted key was here)"),
                    ),
                    Slot::Entry(entry) => self.entry_cell(index, *entry),
                };
                SlotCell { index, text, look, collided, probe_step, label }
            })
            .collect()
    }

    fn entry_cell(&self, index: u64, entry: u32) -> (String, Look, bool, String) {
        let Some(row) = self.rows.get(entry as usize) else {
            return (entry.to_string(), Look::Filled, false, format!("slot {index}: entry {entry} (not recorded)"));
        };
        let text = if self.is_set() { slots::shorten(&row.key, size::SLOT_CHARS) } else { entry.to_string() };
        let what = if self.is_set() { format!("key {}", row.key) } else { format!("entry {entry} (key {})", row.key) };
        let label = if row.collided {
            format!("slot {index}: {what}, collided: its home slot is {}", row.home)
        } else {
            format!("slot {index}: {what}, in its home slot")
        };
        (text, Look::Filled, row.collided, label)
    }

    /// "size 8 · 3 keys, 1 deleted · usable 1 · load 3/8 = 0.38" and the rule for growing.
    pub fn summary(&self) -> (String, String) {
        let size = self.table.size;
        let load = if size == 0 { 0.0 } else { self.live as f64 / size as f64 };
        if self.is_set() {
            // A set counts its dummies towards the fill that makes it grow.
            let fill = self.live + self.dummies;
            let head = format!(
                "{size} slots · {} keys, {} dummies · fill {fill}/{size} = {:.2}",
                self.live,
                self.dummies,
                fill as f64 / size.max(1) as f64
            );
            (head, "A set grows when its fill (keys and dummies) reaches 3/5 of its slots.".to_owned())
        } else {
            let head = format!(
                "{size} slots in the index · {} keys, {} deleted · usable {} · load {}/{size} = {load:.2}",
                self.live, self.deleted, self.table.usable, self.live
            );
            let rule = format!(
                "Its entries array holds 2/3 of the slots ({}); \"usable\" is how many more entries fit before the \
                 dict is rebuilt bigger (deleted entries still take their place until then).",
                size * 2 / 3
            );
            (head, rule)
        }
    }

    /// Split and truncated tables, and the unicode layout, explained in a line each.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        match self.table.kind {
            TableKind::SplitDict => notes.push(
                "Split table: the instances of one class share these keys (and hashes); each instance keeps only its \
                 own values."
                    .to_owned(),
            ),
            TableKind::UnicodeDict => notes.push(
                "Every key is a str: the entries store no hash; the hash shown is the one each string caches."
                    .to_owned(),
            ),
            TableKind::Dict | TableKind::Set => {}
        }
        let recorded = self.table.slots.len() as u64;
        if recorded < self.table.size {
            notes.push(format!(
                "Only the first {recorded} of {} slots were recorded (the container size limit in Settings): entries \
                 beyond them show no slot.",
                self.table.size
            ));
        }
        notes
    }

    /// "Looking up 9: slot 1 (1 is there), then slot 6 (found): 2 probes".
    pub fn describe_path(&self, entry: u32, path: &[u64]) -> String {
        let Some(row) = self.rows.get(entry as usize) else { return String::new() };
        let mut text = format!("Looking up {}: ", row.key);
        for (step, slot) in path.iter().enumerate() {
            if step > 0 {
                text.push_str(", then ");
            }
            let content = match self.table.slots.get(*slot as usize) {
                Some(Slot::Entry(other)) if *other == entry => "found".to_owned(),
                Some(Slot::Entry(other)) => match self.rows.get(*other as usize) {
                    Some(taken) => format!("{} is there", taken.key),
                    None => "taken".to_owned(),
                },
                Some(Slot::Dummy) => "dummy, go on".to_owned(),
                Some(Slot::Empty) | None => "empty".to_owned(),
            };
            text.push_str(&format!("slot {slot} ({content})"));
        }
        let probes = path.len();
        text.push_str(&format!(": {probes} probe{}", if probes == 1 { "" } else { "s" }));
        text
    }
}

/// Draws the table; `chosen` is the entry whose probe sequence is shown (clicking changes it).
pub fn show(ui: &mut Ui, view: &TableView, chosen: &mut Option<u32>) {
    let palette = Palette::of(ui);
    let colors = InternalsPalette::of(ui);
    let (head, rule) = view.summary();
    ui.label(RichText::new(head).strong());
    ui.label(RichText::new(rule).color(palette.weak));
    for note in view.notes() {
        ui.label(RichText::new(note).color(palette.warn));
    }
    let path = chosen.and_then(|entry| view.probe_path(entry).map(|path| (entry, path)));
    let clicked_slot = slots::show(ui, &view.cells(path.as_ref().map(|(_, path)| path.as_slice())), &colors);
    if let Some(slot) = clicked_slot
        && let Some(Slot::Entry(entry)) = view.table.slots.get(slot as usize)
    {
        *chosen = Some(*entry);
    }
    if view.table.slots.len() > size::SLOTS_SHOWN {
        let text = format!("first {} of {} slots drawn", size::SLOTS_SHOWN, view.table.slots.len());
        ui.label(RichText::new(text).color(palette.weak));
    }
    match (&path, *chosen) {
        (Some((entry, path)), _) => {
            ui.label(RichText::new(view.describe_path(*entry, path)).color(colors.probe));
        }
        (None, Some(entry)) => {
            ui.label(
                RichText::new(format!("Entry {entry} is in no recorded slot, so it has no probe sequence."))
                    .color(palette.weak),
            );
        }
        (None, None) => {
            ui.label(
                RichText::new("Click an entry (or its slot) to see the slots its lookup visits.").color(palette.weak),
            );
        }
    }
    ui.add_space(size::GAP);
    entries_grid(ui, view, chosen, &palette, &colors);
}

fn entries_grid(ui: &mut Ui, view: &TableView, chosen: &mut Option<u32>, palette: &Palette, colors: &InternalsPalette) {
    let bits = view.low_bit_count();
    let mask = view.table.size.saturating_sub(1);
    ScrollArea::horizontal().id_salt("internals_entries").show(ui, |ui| {
        Grid::new("internals_entries_grid").striped(true).num_columns(7).show(ui, |ui| {
            let header = |ui: &mut Ui, text: &str| ui.label(RichText::new(text).strong());
            header(ui, if view.is_set() { "item" } else { "entry" });
            header(ui, "hash (low bits pick the home slot)");
            header(ui, "key");
            if !view.is_set() {
                header(ui, "value");
            }
            header(ui, "home");
            header(ui, "slot");
            header(ui, "");
            ui.end_row();
            for row in view.rows.iter().take(size::ENTRIES_SHOWN) {
                let label = if row.deleted {
                    format!("entry {}: deleted", row.number)
                } else {
                    format!("entry {}: key {}", row.number, row.key)
                };
                let picked = *chosen == Some(row.number);
                let response = ui.selectable_label(picked, row.number.to_string()).accessible_name(&label);
                if response.clicked() {
                    *chosen = if picked { None } else { Some(row.number) };
                }
                if row.deleted {
                    // CPython clears a deleted entry: no hash, no home.
                    ui.label("—");
                } else {
                    ui.label(hash_job(row.hash, bits, mask, palette, colors));
                }
                let key = RichText::new(slots::shorten(&row.key, size::KEY_CHARS)).font(theme::code_font());
                ui.label(if row.deleted { key.color(palette.weak).strikethrough() } else { key });
                if let Some(value) = &row.value {
                    ui.label(RichText::new(slots::shorten(value, size::KEY_CHARS)).font(theme::code_font()));
                }
                ui.label(if row.deleted { "—".to_owned() } else { row.home.to_string() });
                ui.label(row.slot.map_or_else(|| "—".to_owned(), |slot| slot.to_string()));
                if row.deleted {
                    ui.label(RichText::new("deleted: its slot became a dummy").color(palette.weak));
                } else if row.collided {
                    ui.label(RichText::new(format!("collision: slot {} was taken", row.home)).color(colors.collision));
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    });
    if view.rows.len() > size::ENTRIES_SHOWN {
        let text = format!("first {} of {} entries listed", size::ENTRIES_SHOWN, view.rows.len());
        ui.label(RichText::new(text).color(palette.weak));
    }
}

/// The hash in hex (as the unsigned word CPython masks), then its low bits in binary, highlighted:
/// "0x11 001".
fn hash_job(hash: i64, bits: u32, mask: u64, palette: &Palette, colors: &InternalsPalette) -> LayoutJob {
    let mut job = LayoutJob::default();
    let font = theme::code_font();
    let plain = TextFormat { font_id: font.clone(), color: palette.weak, ..TextFormat::default() };
    let strong = TextFormat { font_id: font, color: colors.low_bits, ..TextFormat::default() };
    job.append(&format!("{:#x} ", hash as u64), 0.0, plain);
    if bits > 0 {
        job.append(&format!("{:0width$b}", hash as u64 & mask, width = bits as usize), 0.0, strong);
    }
    job
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{HeapObject, TableEntry};

    fn snapshot_with_ints(values: &[i64]) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for value in values {
            let int = HeapObject { type_name: "int".into(), repr: value.to_string(), ..Default::default() };
            snapshot.heap.insert(*value as ObjId + 1000, int);
        }
        snapshot
    }

    fn entry(key: Option<i64>, hash: i64) -> TableEntry {
        TableEntry { hash, key: key.map(|k| k as ObjId + 1000), value: key.map(|k| k as ObjId + 1000) }
    }

    /// `{1: 1, 9: 9, 17: 17}` then `del d[1]`: 9 and 17 collided on slot 1 and stay where they went;
    /// slot 1 becomes a dummy.
    fn collided_dict() -> TableView {
        let mut slots = vec![Slot::Empty; 8];
        slots[1] = Slot::Dummy;
        slots[6] = Slot::Entry(1);
        slots[7] = Slot::Entry(2);
        let table = HashTable {
            kind: TableKind::Dict,
            size: 8,
            usable: 2,
            slots,
            entries: vec![entry(None, 1), entry(Some(9), 9), entry(Some(17), 17)],
        };
        TableView::of(&snapshot_with_ints(&[9, 17]), &table)
    }

    #[test]
    fn rows_know_home_slot_actual_slot_collisions_and_deletions() {
        let view = collided_dict();
        let summary: Vec<(u32, u64, Option<u64>, bool, bool)> =
            view.rows.iter().map(|r| (r.number, r.home, r.slot, r.collided, r.deleted)).collect();
        assert_eq!(summary, [(0, 1, None, false, true), (1, 1, Some(6), true, false), (2, 1, Some(7), true, false)]);
        assert_eq!(view.rows[1].key, "9");
        assert_eq!((view.live, view.deleted, view.dummies), (2, 1, 1));
        assert_eq!(view.low_bit_count(), 3);
    }

    #[test]
    fn slots_are_classified_and_the_probe_path_is_numbered() {
        let view = collided_dict();
        let path = view.probe_path(2).unwrap();
        assert_eq!(path, [1, 6, 7]);
        let cells = view.cells(Some(&path));
        let looks: Vec<Look> = cells.iter().map(|cell| cell.look).collect();
        use Look::*;
        assert_eq!(looks, [Hollow, Dummy, Hollow, Hollow, Hollow, Hollow, Filled, Filled]);
        assert_eq!(cells[1].label, "slot 1: dummy (a deleted key was here)");
        assert_eq!(cells[7].label, "slot 7: entry 2 (key 17), collided: its home slot is 1");
        assert!(cells[6].collided && cells[7].collided && !cells[1].collided);
        let steps: Vec<Option<usize>> = cells.iter().map(|cell| cell.probe_step).collect();
        assert_eq!(steps, [None, Some(1), None, None, None, None, Some(2), Some(3)]);
        assert_eq!(
            view.describe_path(2, &path),
            "Looking up 17: slot 1 (dummy, go on), then slot 6 (9 is there), then slot 7 (found): 3 probes"
        );
        assert!(view.probe_path(0).is_none(), "a deleted entry is in no slot");
    }

    #[test]
    fn summaries_and_notes_explain_the_table() {
        let view = collided_dict();
        let (head, _) = view.summary();
        assert_eq!(head, "8 slots in the index · 2 keys, 1 deleted · usable 2 · load 2/8 = 0.25");
        assert!(view.notes().is_empty());

        let mut table = view.table.clone();
        table.kind = TableKind::SplitDict;
        table.slots.truncate(4);
        let notes = TableView::of(&snapshot_with_ints(&[9, 17]), &table).notes();
        assert!(notes[0].starts_with("Split table"));
        assert!(notes[1].starts_with("Only the first 4 of 8 slots were recorded"));
    }

    #[test]
    fn set_slots_hold_their_keys() {
        let mut slots = vec![Slot::Empty; 8];
        slots[1] = Slot::Entry(0);
        slots[2] = Slot::Dummy;
        slots[6] = Slot::Entry(1);
        let table = HashTable {
            kind: TableKind::Set,
            size: 8,
            usable: 0,
            slots,
            entries: vec![entry(Some(1), 1), entry(Some(9), 9)],
        };
        let view = TableView::of(&snapshot_with_ints(&[1, 9]), &table);
        assert_eq!(view.rows[1].value, None);
        let cells = view.cells(None);
        assert_eq!(cells[6].text, "9");
        assert_eq!(cells[6].label, "slot 6: key 9, collided: its home slot is 1");
        assert_eq!(view.summary().0, "8 slots · 2 keys, 1 dummies · fill 3/8 = 0.38");
    }
}
