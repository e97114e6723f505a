//! A list's length beside its allocated capacity: the slots as a row (the empty ones hollow), and
//! how both grew over the run, read from the recorded deltas (the object's `New`, the splices of
//! its children, its `Internals` changes). The history is read a bounded number of steps per frame
//! and keeps a bounded number of points, so a huge trace never stalls the window.

use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, VLine};

use super::slots::{self, Look, SlotCell};
use crate::trace::store::DecodeError;
use crate::trace::{HeapObject, Internals, ObjId, ObjectChange, Snapshot, TraceStore};
use crate::ui::model::Model;
use crate::ui::theme::{InternalsPalette, Palette, internals as size};

/// Steps of the trace read per frame while the history is being found.
pub const STEPS_PER_FRAME: u64 = 20_000;
/// Points kept for the plot (each a change of length or capacity); the rest of the run is left out.
pub const MAX_POINTS: usize = 5_000;

/// The list at the step shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListView {
    pub len: u64,
    /// `None` when the engine recorded none (not an exact list, or an older trace).
    pub capacity: Option<u64>,
    /// Reprs of the first recorded items, short enough for a slot.
    pub items: Vec<String>,
}

impl ListView {
    pub fn of(snapshot: &Snapshot, id: ObjId, object: &HeapObject) -> ListView {
        let capacity = match snapshot.internals.get(&id) {
            Some(Internals::List { capacity }) => Some(*capacity),
            _ => None,
        };
        let items = object
            .children
            .iter()
            .take(size::SLOTS_SHOWN)
            .map(|child| slots::shorten(&snapshot.repr_of(child.id, size::SLOT_CHARS * 4), size::SLOT_CHARS))
            .collect();
        ListView { len: object.children.len() as u64 + object.more, capacity, items }
    }

    /// The row of slots: items first, then the spare capacity hollow.
    pub fn cells(&self) -> Vec<SlotCell> {
        let allocated = self.capacity.unwrap_or(self.len).max(self.len);
        let shown = allocated.min(size::SLOTS_SHOWN as u64);
        (0..shown)
            .map(|index| {
                let item = usize::try_from(index).ok().and_then(|i| self.items.get(i));
                match item {
                    Some(repr) => SlotCell {
                        index,
                        text: repr.clone(),
                        look: Look::Filled,
                        collided: false,
                        probe_step: None,
                        label: format!("slot {index}: {repr}"),
                    },
                    None if index < self.len => SlotCell {
                        index,
                        text: "…".into(),
                        look: Look::Filled,
                        collided: false,
                        probe_step: None,
                        label: format!("slot {index}: an item not recorded"),
                    },
                    None => SlotCell {
                        index,
                        text: String::new(),
                        look: Look::Hollow,
                        collided: false,
                        probe_step: None,
                        label: format!("slot {index}: empty (allocated, room to grow)"),
                    },
                }
            })
            .collect()
    }

    /// "len 5 / capacity 8".
    pub fn summary(&self) -> String {
        match self.capacity {
            Some(capacity) => format!("len {} / capacity {capacity}", self.len),
            None => format!("len {} / capacity not recorded", self.len),
        }
    }
}

/// A length and capacity from the step `step` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub step: u64,
    pub len: u64,
    pub capacity: Option<u64>,
}

/// One object's life under one id: from its `New` to its `Gone` (ids are reused after that).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lifetime {
    pub first_step: u64,
    /// The step at which it went away.
    pub gone_at: Option<u64>,
    /// A point at its first step and at every step that changed its length or capacity.
    pub points: Vec<Point>,
}

impl Lifetime {
    /// The capacities it went through, in order (0, 4, 8, 16).
    pub fn capacities(&self) -> Vec<u64> {
        let mut seen: Vec<u64> = Vec::new();
        for capacity in self.points.iter().filter_map(|point| point.capacity) {
            if seen.last() != Some(&capacity) {
                seen.push(capacity);
            }
        }
        seen
    }
}

/// The current state of the lifetime being read.
#[derive(Clone, Copy, Debug)]
struct Tracked {
    recorded: u64,
    more: u64,
    capacity: Option<u64>,
}

/// Length and capacity of one object over the run, found incrementally.
#[derive(Debug, Default)]
pub struct CapacityHistory {
    /// The run and object it is for.
    key: Option<(u64, ObjId)>,
    next_step: u64,
    lifetimes: Vec<Lifetime>,
    tracked: Option<Tracked>,
    points: usize,
    /// The step at which `MAX_POINTS` was reached (the plot stops there).
    capped_at: Option<u64>,
    problem: Option<String>,
}

impl CapacityHistory {
    /// Reads up to `budget` more steps of `trace` for object `id` of run `run`, starting over if the
    /// run or the object changed. True if steps recorded so far remain to be read.
    pub fn advance(&mut self, trace: &TraceStore, run: u64, id: ObjId, budget: u64) -> bool {
        if self.key != Some((run, id)) {
            *self = CapacityHistory { key: Some((run, id)), ..CapacityHistory::default() };
        }
        if self.capped_at.is_some() || self.problem.is_some() {
            return false;
        }
        let end = trace.len().min(self.next_step.saturating_add(budget));
        while self.next_step < end {
            let step = self.next_step;
            if let Err(err) = self.read_step(trace, id, step) {
                self.problem = Some(format!("the history stops at step {}: {err}", step + 1));
                return false;
            }
            self.next_step += 1;
            if self.points >= MAX_POINTS {
                self.capped_at = Some(step);
                return false;
            }
        }
        self.next_step < trace.len()
    }

    fn read_step(&mut self, trace: &TraceStore, id: ObjId, step: u64) -> Result<(), DecodeError> {
        let delta = trace.delta(step)?;
        let mut touched = false;
        for change in &delta.objects {
            match change {
                ObjectChange::New(changed, object) if *changed == id => {
                    self.lifetimes.push(Lifetime { first_step: step, ..Lifetime::default() });
                    self.tracked =
                        Some(Tracked { recorded: object.children.len() as u64, more: object.more, capacity: None });
                    touched = true;
                }
                ObjectChange::Update(changed, update) if *changed == id => {
                    if let (Some(tracked), Some(splice)) = (&mut self.tracked, &update.splice) {
                        tracked.recorded =
                            tracked.recorded.saturating_sub(u64::from(splice.remove)) + splice.insert.len() as u64;
                        tracked.more = splice.more;
                        touched = true;
                    }
                }
                ObjectChange::Internals(changed, internals) if *changed == id => {
                    if let Some(tracked) = &mut self.tracked {
                        tracked.capacity = match internals.as_deref() {
                            Some(Internals::List { capacity }) => Some(*capacity),
                            _ => None,
                        };
                        touched = true;
                    }
                }
                ObjectChange::Gone(changed) if *changed == id => {
                    if let Some(lifetime) = self.lifetimes.last_mut() {
                        lifetime.gone_at = Some(step);
                    }
                    self.tracked = None;
                }
                _ => {}
            }
        }
        if let (true, Some(tracked), Some(lifetime)) = (touched, self.tracked, self.lifetimes.last_mut()) {
            let point = Point { step, len: tracked.recorded + tracked.more, capacity: tracked.capacity };
            let same =
                lifetime.points.last().is_some_and(|last| last.len == point.len && last.capacity == point.capacity);
            if !same {
                lifetime.points.push(point);
                self.points += 1;
            }
        }
        Ok(())
    }

    /// The lifetime the object shown at `step` belongs to.
    pub fn lifetime_at(&self, step: u64) -> Option<&Lifetime> {
        self.lifetimes
            .iter()
            .rev()
            .find(|lifetime| lifetime.first_step <= step && lifetime.gone_at.is_none_or(|gone| step < gone))
    }

    /// Steps read so far.
    pub fn steps_read(&self) -> u64 {
        self.next_step
    }

    /// Why the plot stops early, if it does.
    pub fn limit_note(&self) -> Option<String> {
        if let Some(problem) = &self.problem {
            return Some(problem.clone());
        }
        self.capped_at.map(|step| {
            format!("The plot shows the first {MAX_POINTS} changes (up to step {}); later ones are left out.", step + 1)
        })
    }
}

/// Draws the list view and its history (read further if needed).
pub fn show(ui: &mut Ui, model: &Model, view: &ListView, history: &mut CapacityHistory, id: ObjId) {
    let palette = Palette::of(ui);
    let colors = InternalsPalette::of(ui);
    ui.label(RichText::new(view.summary()).strong());
    if view.capacity.is_some() {
        ui.label(
            RichText::new(
                "A list keeps room for more items than it holds, so most appends only fill a slot; when it is full \
                 CPython allocates a bigger block (about 1/8 more, rounded) and copies the pointers.",
            )
            .color(palette.weak),
        );
    }
    slots::show(ui, &view.cells(), &colors);
    let allocated = view.capacity.unwrap_or(view.len).max(view.len);
    if allocated > size::SLOTS_SHOWN as u64 {
        ui.label(RichText::new(format!("first {} of {allocated} slots drawn", size::SLOTS_SHOWN)).color(palette.weak));
    }
    ui.add_space(size::GAP);

    if history.advance(&model.trace, model.run_id(), id, STEPS_PER_FRAME) {
        ui.ctx().request_repaint();
        let read = history.steps_read();
        ui.label(RichText::new(format!("reading the run: step {read} of {}...", model.len())).color(palette.weak));
    }
    let step = model.step();
    let Some(lifetime) = history.lifetime_at(step) else { return };
    let capacities = lifetime.capacities();
    if capacities.len() > 1 {
        let grown: Vec<String> = capacities.iter().map(u64::to_string).collect();
        ui.label(format!("capacity over the run: {}", grown.join(", ")));
    }
    let last_step = lifetime.gone_at.unwrap_or(model.len()).max(lifetime.first_step + 1);
    let (lengths, capacity_steps) = staircases(&lifetime.points, last_step);
    let plot = Plot::new(("list_capacity", id))
        .height(size::PLOT_HEIGHT)
        .legend(Legend::default())
        .x_axis_label("step")
        .allow_scroll(false)
        .show(ui, |plot| {
            // Drawn as plain paths: egui_plot would merge a staircase's vertical steps into bands.
            let stairs = |name: &str, points: Vec<[f64; 2]>, color| {
                Line::new(name, PlotPoints::from(points)).color(color).width(size::PLOT_LINE).allow_band(false)
            };
            plot.line(stairs("length", lengths, colors.length_line));
            if !capacity_steps.is_empty() {
                plot.line(stairs("capacity", capacity_steps, colors.capacity_line));
            }
            plot.vline(VLine::new("step shown", (step + 1) as f64).color(palette.weak));
        });
    plot.response.accessible_name("Plot of the list's length and capacity over the run");
    if let Some(note) = history.limit_note() {
        ui.label(RichText::new(note).color(palette.warn));
    }
}

/// The points as step functions (x: 1-based step), held flat until `end` (exclusive).
pub fn staircases(points: &[Point], end: u64) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let mut lengths = Vec::with_capacity(points.len() * 2 + 1);
    let mut capacities = Vec::with_capacity(points.len() * 2 + 1);
    let step_x = |step: u64| (step + 1) as f64;
    for (index, point) in points.iter().enumerate() {
        let x = step_x(point.step);
        if index > 0 {
            let before = points[index - 1];
            lengths.push([x, before.len as f64]);
            if let Some(capacity) = before.capacity {
                capacities.push([x, capacity as f64]);
            }
        }
        lengths.push([x, point.len as f64]);
        if let Some(capacity) = point.capacity {
            capacities.push([x, capacity as f64]);
        }
    }
    if let Some(last) = points.last() {
        let x = step_x(end.saturating_sub(1)).max(step_x(last.step));
        lengths.push([x, last.len as f64]);
        if let Some(capacity) = last.capacity {
            capacities.push([x, capacity as f64]);
        }
    }
    (lengths, capacities)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Child, Event, Key, ObjKind, ObjectUpdate, Splice, StepDelta};

    const LIST: ObjId = 4242;

    fn int(id: ObjId) -> Child {
        Child { key: Key::Index, id }
    }

    fn step(objects: Vec<ObjectChange>) -> StepDelta {
        StepDelta { event: Event::Line, line: 1, objects, ..Default::default() }
    }

    fn capacity(capacity: u64) -> ObjectChange {
        ObjectChange::Internals(LIST, Some(Box::new(Internals::List { capacity })))
    }

    fn append(at: u32, id: ObjId) -> ObjectChange {
        let splice = Splice { at, remove: 0, insert: vec![int(id)], more: 0 };
        ObjectChange::Update(LIST, ObjectUpdate { splice: Some(splice), ..Default::default() })
    }

    /// `xs = []`, five appends (growing 0 → 4 → 8 as CPython does), a step that changes nothing,
    /// then the list goes away and a new object gets its id.
    fn store() -> TraceStore {
        let list = HeapObject { type_name: "list".into(), kind: ObjKind::List, ..Default::default() };
        let mut steps = vec![step(vec![ObjectChange::New(LIST, list.clone()), capacity(0)])];
        steps.push(step(vec![append(0, 1), capacity(4)]));
        steps.push(step(vec![append(1, 2)]));
        steps.push(step(vec![append(2, 3)]));
        steps.push(step(vec![append(3, 4)]));
        steps.push(step(vec![append(4, 5), capacity(8)]));
        steps.push(step(vec![ObjectChange::Update(999, ObjectUpdate::default())]));
        steps.push(step(vec![ObjectChange::Gone(LIST)]));
        let reused = HeapObject { children: vec![int(1), int(2)], more: 3, ..list };
        steps.push(step(vec![ObjectChange::New(LIST, reused)]));
        let mut store = TraceStore::new();
        for delta in &steps {
            store.push(delta).unwrap();
        }
        store
    }

    #[test]
    fn the_history_follows_splices_and_capacity_changes() {
        let store = store();
        let mut history = CapacityHistory::default();
        assert!(!history.advance(&store, 1, LIST, 1_000));
        let first = history.lifetime_at(3).unwrap();
        let lens: Vec<(u64, u64, Option<u64>)> = first.points.iter().map(|p| (p.step, p.len, p.capacity)).collect();
        assert_eq!(
            lens,
            [(0, 0, Some(0)), (1, 1, Some(4)), (2, 2, Some(4)), (3, 3, Some(4)), (4, 4, Some(4)), (5, 5, Some(8))]
        );
        assert_eq!(first.gone_at, Some(7));
        assert_eq!(first.capacities(), [0, 4, 8]);
        // The object that took the id later is another lifetime; its length counts unrecorded items.
        let second = history.lifetime_at(8).unwrap();
        assert_eq!(second.first_step, 8);
        assert_eq!(second.points, [Point { step: 8, len: 5, capacity: None }]);
        assert!(history.lifetime_at(7).is_none(), "gone at step 7");
    }

    #[test]
    fn the_history_is_read_a_budget_at_a_time_and_restarts_for_another_object() {
        let store = store();
        let mut history = CapacityHistory::default();
        assert!(history.advance(&store, 1, LIST, 3));
        assert_eq!(history.steps_read(), 3);
        assert_eq!(history.lifetime_at(2).unwrap().points.len(), 3);
        assert!(!history.advance(&store, 1, LIST, 100));
        assert_eq!(history.lifetime_at(5).unwrap().points.len(), 6);
        assert!(history.advance(&store, 1, 7, 2), "another object starts over");
        assert_eq!(history.steps_read(), 2);
        assert!(history.lifetime_at(1).is_none());
    }

    #[test]
    fn the_points_are_capped() {
        let list = HeapObject { type_name: "list".into(), kind: ObjKind::List, ..Default::default() };
        let mut store = TraceStore::new();
        store.push(&step(vec![ObjectChange::New(LIST, list)])).unwrap();
        for at in 0..(MAX_POINTS as u32 + 10) {
            store.push(&step(vec![append(at, 1)])).unwrap();
        }
        let mut history = CapacityHistory::default();
        assert!(!history.advance(&store, 1, LIST, u64::MAX));
        assert_eq!(history.lifetime_at(0).unwrap().points.len(), MAX_POINTS);
        assert!(history.limit_note().is_some_and(|note| note.contains("first 5000 changes")));
    }

    #[test]
    fn staircases_hold_each_value_until_the_next_change() {
        let points = [Point { step: 0, len: 0, capacity: Some(0) }, Point { step: 2, len: 1, capacity: Some(4) }];
        let (lengths, capacities) = staircases(&points, 6);
        assert_eq!(lengths, [[1.0, 0.0], [3.0, 0.0], [3.0, 1.0], [6.0, 1.0]]);
        assert_eq!(capacities, [[1.0, 0.0], [3.0, 0.0], [3.0, 4.0], [6.0, 4.0]]);
    }

    #[test]
    fn spare_capacity_is_drawn_hollow() {
        let view = ListView { len: 2, capacity: Some(4), items: vec!["1".into(), "'a'".into()] };
        let cells = view.cells();
        let looks: Vec<Look> = cells.iter().map(|cell| cell.look).collect();
        assert_eq!(looks, [Look::Filled, Look::Filled, Look::Hollow, Look::Hollow]);
        assert_eq!(cells[1].label, "slot 1: 'a'");
        assert_eq!(cells[3].label, "slot 3: empty (allocated, room to grow)");
        assert_eq!(view.summary(), "len 2 / capacity 4");
    }
}
