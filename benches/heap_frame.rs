//! Heap panel speed: laying out a step with 1,000 objects, and drawing frames of the panel with all
//! of them on screen (egui's pass plus tessellation, as a real frame does). Target: <= 16 ms a frame.
//!
//! `cargo bench --bench heap_frame` (release). Prints median and p95 per scenario.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use pyxray::engine::EngineEvent;
use pyxray::trace::{
    Binding, Child, Event, Frame, FrameKind, HeapObject, Key, ObjId, ObjKind, ObjectChange, StackDelta, StepDelta,
};
use pyxray::ui::Model;
use pyxray::ui::heap::{HeapPanel, LayoutInput, Placements, StepChanges, ViewOptions, layout};

const NAMES: u64 = 10;
const ROWS_PER_NAME: u64 = 10;
const POINTS_PER_ROW: u64 = 9;

/// Ten names, each a list of ten lists of nine instances: 1,010 objects with boxes, plus the ints
/// and strings inside them (drawn in their slots).
fn step_with_many_objects() -> StepDelta {
    let mut objects = Vec::new();
    let mut next_id: ObjId = 1_000;
    let mut leaf = |objects: &mut Vec<ObjectChange>, type_name: &str, repr: String| {
        next_id += 8;
        let object = HeapObject { type_name: type_name.into(), repr, size: 28, refcount: 2, ..HeapObject::default() };
        objects.push(ObjectChange::New(next_id, object));
        next_id
    };
    let mut locals = Vec::new();
    let mut ids = Vec::new();
    for name in 0..NAMES {
        let mut rows = Vec::new();
        for row in 0..ROWS_PER_NAME {
            let mut points = Vec::new();
            for point in 0..POINTS_PER_ROW {
                let x = leaf(&mut objects, "int", point.to_string());
                let label = leaf(&mut objects, "str", format!("'p{name}-{row}-{point}'"));
                let id = 7_000_000_000 + name * 1000 + row * 10 + point;
                let instance = HeapObject {
                    type_name: "Point".into(),
                    kind: ObjKind::Instance,
                    repr: "<__main__.Point object>".into(),
                    size: 56,
                    refcount: 1,
                    children: vec![
                        Child { key: Key::Name("x".into()), id: x },
                        Child { key: Key::Name("label".into()), id: label },
                    ],
                    ..HeapObject::default()
                };
                objects.push(ObjectChange::New(id, instance));
                points.push(id);
            }
            let id = 9_000_000_000 + name * 1000 + row;
            objects.push(ObjectChange::New(id, list(&points)));
            rows.push(id);
        }
        let id = 8_000_000_000 + name;
        objects.push(ObjectChange::New(id, list(&rows)));
        locals.push(Binding { name: format!("grid_{name}"), id });
        ids.push(id);
    }
    let frame = Frame { frame_id: 1, function: "<module>".into(), kind: FrameKind::Module, code: 0, line: 1, locals };
    StepDelta {
        event: Event::Line,
        line: 1,
        stack: StackDelta { keep: 0, updated: Vec::new(), pushed: vec![frame] },
        objects,
        ..StepDelta::default()
    }
}

fn list(items: &[ObjId]) -> HeapObject {
    HeapObject {
        type_name: "list".into(),
        kind: ObjKind::List,
        flags: pyxray::trace::ObjFlags::REPR_FROM_CHILDREN,
        size: 56 + 8 * items.len() as u64,
        refcount: 1,
        children: items.iter().map(|&id| Child { key: Key::Index, id }).collect(),
        ..HeapObject::default()
    }
}

struct Timing {
    samples: Vec<Duration>,
}

impl Timing {
    fn report(mut self, what: &str) {
        self.samples.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = self.samples[self.samples.len() / 2];
        let p95 = self.samples[(self.samples.len() * 95 / 100).min(self.samples.len() - 1)];
        println!("{what:<58} median {:>7.2} ms   p95 {:>7.2} ms   ({} runs)", ms(median), ms(p95), self.samples.len());
    }
}

fn time(runs: usize, mut run: impl FnMut()) -> Timing {
    run(); // warm up
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    Timing { samples }
}

/// Frames of the Heap panel in a window of `screen` points: egui's pass, then tessellation (timed
/// apart and together).
fn frames(model: &Model, screen: egui::Vec2, options: ViewOptions, runs: usize) -> [Timing; 3] {
    let ctx = egui::Context::default();
    let mut panel = HeapPanel::default();
    panel.set_options(options);
    let mut passes = Vec::new();
    let mut tessellations = Vec::new();
    let mut frame = || {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, screen)),
            ..egui::RawInput::default()
        };
        let start = Instant::now();
        let mut output = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let _ = panel.ui(ui, model);
            });
        });
        output.textures_delta.clear();
        let passed = Instant::now();
        let meshes = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(meshes);
        passes.push(passed - start);
        tessellations.push(passed.elapsed());
    };
    let whole = time(runs, &mut frame);
    // The warm-up frame is not counted.
    passes.remove(0);
    tessellations.remove(0);
    [whole, Timing { samples: passes }, Timing { samples: tessellations }]
}

fn report_frames(what: &str, [whole, pass, tessellation]: [Timing; 3]) {
    whole.report(what);
    pass.report("  of which egui's pass (panel ui, interaction)");
    tessellation.report("  of which tessellation");
}

fn main() {
    let delta = step_with_many_objects();
    let bytes = postcard::to_stdvec(&delta).expect("the step encodes");
    let mut model = Model::new();
    model.handle(EngineEvent::Step(bytes));
    model.refresh();
    let snapshot = model.current().expect("one step").clone();

    let changes = StepChanges::default();
    let expanded = HashSet::new();
    let input = LayoutInput {
        snapshot: &snapshot,
        short_ids: &model.short_ids,
        changes: &changes,
        options: ViewOptions::default(),
        expanded: &expanded,
        title: "bench".into(),
    };
    let diagram = layout(&input, &mut Placements::default());
    let boxes = diagram.objects.len();
    let rows: usize = diagram.objects.iter().map(|o| o.rows.len()).sum();
    println!(
        "heap panel: {} objects in the snapshot, {boxes} boxes, {rows} slots, {} arrows; diagram {:.0} x {:.0} points",
        snapshot.heap.len(),
        diagram.arrows.len(),
        diagram.bounds.width(),
        diagram.bounds.height()
    );
    assert!(boxes >= 1000, "the benchmark draws at least 1,000 boxes");

    time(20, || {
        let _ = layout(&input, &mut Placements::default());
    })
    .report("layout (on a step change, not per frame)");
    let show_all = LayoutInput { options: ViewOptions { show_every_object: true, badges: true }, ..input };
    time(10, || {
        let _ = layout(&show_all, &mut Placements::default());
    })
    .report("layout, every object shown (3,000+ boxes)");

    // A 1600 x 1000 window, the view fitted to the whole diagram: every box on screen, too small
    // for text (left out below 4 px a character), arrows and boxes drawn.
    let window = egui::vec2(1600.0, 1000.0);
    report_frames(
        &format!("frame, 1600 x 1000 window, all {boxes} boxes on screen"),
        frames(&model, window, ViewOptions::default(), 100),
    );
    let badges = ViewOptions { show_every_object: false, badges: true };
    report_frames("frame, the same with refcount and size badges", frames(&model, window, badges, 100));
    // The worst case: a screen as large as the diagram at zoom 1, every text drawn.
    let whole = diagram.bounds.size() + egui::vec2(40.0, 80.0);
    report_frames(
        &format!("frame, {:.0} x {:.0} screen at zoom 1, all text drawn", whole.x, whole.y),
        frames(&model, whole, ViewOptions::default(), 40),
    );
    println!("target: <= 16 ms a frame");
}
