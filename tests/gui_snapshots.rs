//! Image snapshots of the main panels, rendered with wgpu (lavapipe on machines without a GPU) and
//! compared with the PNGs in `tests/snapshots/`. The panels are fed a made-up run with fixed object
//! ids, so the pictures do not depend on where CPython happened to put its objects.
//!
//! After a deliberate change of the look: `UPDATE_SNAPSHOTS=1 cargo test --test gui_snapshots`,
//! then look at the new PNGs before committing them.

use egui_kittest::{Harness, SnapshotResults};
use pyxray::engine::EngineEvent;
use pyxray::trace::{
    Binding, Child, Event, Frame, FrameKind, FrameUpdate, HeapObject, Key, ModuleChange, ModuleOrigin, ObjKind,
    ObjectChange, Outcome, RunEnd, StackDelta, StepDelta,
};
use pyxray::ui::Model;
use pyxray::ui::heap::HeapPanel;
use pyxray::ui::modules::ModulesPanel;
use pyxray::ui::output::OutputPanel;
use pyxray::ui::stack::StackPanel;

fn object(type_name: &str, kind: ObjKind, repr: &str, children: Vec<Child>) -> HeapObject {
    HeapObject {
        type_name: type_name.into(),
        kind,
        repr: repr.into(),
        flags: pyxray::trace::ObjFlags::default(),
        size: 56,
        refcount: 2,
        children,
        more: 0,
    }
}

fn leaf(type_name: &str, repr: &str) -> HeapObject {
    object(type_name, ObjKind::Leaf, repr, Vec::new())
}

fn frame(frame_id: u64, function: &str, kind: FrameKind, line: u32, locals: &[(&str, u64)]) -> Frame {
    Frame {
        frame_id,
        function: function.into(),
        kind,
        code: frame_id,
        line,
        locals: locals.iter().map(|(name, id)| Binding { name: (*name).into(), id: *id }).collect(),
    }
}

/// A run of `shapes = [3, 4, 'wide']; sizes = {'a': 12}; import json; area(3, 4)` as three steps.
fn made_up_run() -> Model {
    let mut model = Model::new();
    model.begin_run();
    let index = |id| Child { key: Key::Index, id };
    let first = StepDelta {
        event: Event::Line,
        line: 6,
        stack: StackDelta {
            keep: 0,
            updated: vec![],
            pushed: vec![frame(1, "<module>", FrameKind::Module, 6, &[("shapes", 1100), ("sizes", 1200)])],
        },
        objects: vec![
            ObjectChange::New(
                1100,
                object("list", ObjKind::List, "[3, 4, 'wide']", vec![index(2001), index(2002), index(2003)]),
            ),
            ObjectChange::New(2001, leaf("int", "3")),
            ObjectChange::New(2002, leaf("int", "4")),
            ObjectChange::New(2003, leaf("str", "'wide'")),
            ObjectChange::New(
                1200,
                object("dict", ObjKind::Dict, "{'a': 12}", vec![Child { key: Key::Object(2004), id: 2005 }]),
            ),
            ObjectChange::New(2004, leaf("str", "'a'")),
            ObjectChange::New(2005, leaf("int", "12")),
        ],
        modules: vec![
            ModuleChange::Added { name: "sys".into(), origin: ModuleOrigin::BuiltIn, import: None },
            ModuleChange::Added { name: "builtins".into(), origin: ModuleOrigin::BuiltIn, import: None },
        ],
        stdout: "start\n".into(),
        ..StepDelta::default()
    };
    let import = StepDelta {
        event: Event::Line,
        line: 7,
        stack: StackDelta {
            keep: 1,
            updated: vec![FrameUpdate { index: 0, line: 7, set: vec![], removed: vec![] }],
            pushed: vec![],
        },
        modules: vec![ModuleChange::Added {
            name: "json".into(),
            origin: ModuleOrigin::File("/usr/lib/python3/json/__init__.py".into()),
            import: None,
        }],
        ..StepDelta::default()
    };
    let call = StepDelta {
        event: Event::Line,
        line: 2,
        stack: StackDelta {
            keep: 1,
            updated: vec![],
            pushed: vec![frame(2, "area", FrameKind::Function, 2, &[("w", 2001), ("h", 2002)])],
        },
        stderr: "a warning\n".into(),
        ..StepDelta::default()
    };
    for delta in [first, import, call] {
        let bytes = postcard::to_stdvec(&delta).expect("a step encodes");
        model.handle(EngineEvent::Step(bytes));
    }
    model.handle(EngineEvent::Finished(RunEnd::new(Outcome::Finished, "finished")));
    model.go_to(1);
    model.refresh();
    model
}

/// Renders `draw` (a panel over the made-up run, at `step`) in both themes and compares the images.
fn snapshot_both_themes<P: FnMut(&mut egui::Ui, &Model) + 'static>(name: &str, step: u64, panel: impl Fn() -> P) {
    // One result for both pictures, so a failing dark one still lets the light one be written.
    let mut results = SnapshotResults::new();
    for dark in [true, false] {
        let mut model = made_up_run();
        model.go_to(step);
        model.refresh();
        let mut draw = panel();
        let mut harness = Harness::builder()
            .with_size(egui::vec2(520.0, 320.0))
            .wgpu()
            .with_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light })
            .with_context_setup(move |ctx| pyxray::ui::theme::install(ctx, dark))
            .build_ui_state(
                move |ui, model: &mut Model| {
                    egui::Frame::central_panel(ui.style()).show(ui, |ui| draw(ui, model));
                },
                model,
            );
        harness.run();
        let theme = if dark { "dark" } else { "light" };
        harness.snapshot(format!("{name}_{theme}"));
        results.extend_harness(&mut harness);
    }
    if let Err(errors) = results.into_result() {
        panic!("{name}: {errors:?}");
    }
}

#[test]
fn stack_panel_looks_right() {
    snapshot_both_themes("stack", 2, || {
        let mut panel = StackPanel::default();
        move |ui: &mut egui::Ui, model: &Model| {
            panel.ui(ui, model);
        }
    });
}

#[test]
fn heap_panel_looks_right() {
    snapshot_both_themes("heap", 0, || {
        let mut panel = HeapPanel::default();
        move |ui: &mut egui::Ui, model: &Model| {
            panel.ui(ui, model);
        }
    });
}

#[test]
fn modules_panel_looks_right() {
    snapshot_both_themes("modules", 1, || {
        let mut panel = ModulesPanel::default();
        move |ui: &mut egui::Ui, model: &Model| {
            panel.ui(ui, model);
        }
    });
}

#[test]
fn output_panel_looks_right() {
    snapshot_both_themes("output", 2, || {
        let mut panel = OutputPanel::default();
        move |ui: &mut egui::Ui, model: &Model| {
            panel.ui(ui, model);
        }
    });
}
