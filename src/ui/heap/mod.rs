//! The Heap panel: the current step drawn as a diagram, frames on the left with their names, objects
//! on the right, arrows from names and slots to objects.
//!
//! Split in the manner of a graph view: `layout` turns the snapshot into a plain `Diagram` (only
//! when the snapshot, the options or the expanded containers change), `paint` draws it with egui
//! inside a pan-and-zoom `Scene`, `svg` writes the same diagram as SVG and `export` renders that
//! to PNG.

pub mod animation;
pub mod diagram;
pub mod export;
pub mod layout;
pub mod paint;
pub mod svg;

use std::collections::HashSet;
use std::path::Path;

use egui::{Rect, RichText, Scene, Ui, vec2};

pub use diagram::Diagram;
pub use layout::{LayoutInput, Placements, StepChanges, ViewOptions, layout};

use self::animation::Motion;
use self::diagram::MoreAction;
use self::paint::{Clicked, Galleys, PaintState};
use super::Command;
use super::commands::Selection;
use super::model::{Model, ShortIds};
use super::theme::{DiagramPalette, Palette, diagram as size};
use crate::trace::{ObjId, ObjectChange, TraceStore};

pub struct HeapPanel {
    options: ViewOptions,
    /// Containers showing every recorded slot.
    expanded: HashSet<ObjId>,
    expanded_revision: u64,
    /// Where each object of the current run was first placed.
    placements: Placements,
    placements_run: Option<u64>,
    /// What `diagram` was laid out from: snapshot generation, options, expanded revision.
    built_for: Option<(u64, ViewOptions, u64)>,
    diagram: Option<Diagram>,
    /// Counts layouts, so the galleys know when to follow.
    diagram_generation: u64,
    galleys: Option<Galleys>,
    focus: Option<u64>,
    pan_to_focus: bool,
    /// The part of the diagram in view (the scene's pan and zoom).
    scene_rect: Rect,
    fit_pending: bool,
    /// Why this step's changes could not be read (the diagram is still drawn).
    problem: Option<String>,
    /// Seconds a step change's motion takes (0: none, the Reduce motion setting).
    motion_secs: f32,
    /// The motion from the diagram drawn before to this one, while it runs.
    motion: Option<Motion>,
    /// How far Fit may zoom a small diagram in (1 in the workbench; more for a room).
    fit_zoom_max: f32,
    /// The diagram generation last checked against the view.
    fitted_generation: u64,
}

impl Default for HeapPanel {
    fn default() -> Self {
        HeapPanel {
            options: ViewOptions::default(),
            expanded: HashSet::new(),
            expanded_revision: 0,
            placements: Placements::default(),
            placements_run: None,
            built_for: None,
            diagram: None,
            diagram_generation: 0,
            galleys: None,
            focus: None,
            pan_to_focus: false,
            scene_rect: Rect::ZERO,
            fit_pending: true,
            problem: None,
            motion_secs: size::MOTION_SECS,
            motion: None,
            fit_zoom_max: 1.0,
            fitted_generation: 0,
        }
    }
}

impl HeapPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let now = ui.input(|input| input.time);
        // egui's own switch for animations (0 turns them all off, as test harnesses do).
        let animate = ui.style().animation_time > 0.0;
        if !self.refresh(model, animate.then_some(now)) {
            let text = if model.is_recording() {
                "Waiting for the first step..."
            } else {
                "Run the program to see its names and objects here."
            };
            ui.label(RichText::new(text).color(palette.weak));
            return Vec::new();
        }
        let mut commands = Vec::new();
        self.toolbar(ui, palette);
        let Some(diagram) = &self.diagram else { return commands };

        let dark = ui.visuals().dark_mode;
        let diagram_palette = DiagramPalette::for_dark_mode(dark);
        let ppp = ui.ctx().pixels_per_point();
        if !self.galleys.as_ref().is_some_and(|g| g.is_for(self.diagram_generation, ppp, dark)) {
            self.galleys = Some(Galleys::new(ui, diagram, self.diagram_generation, &diagram_palette, dark));
        }
        let Some(galleys) = &self.galleys else { return commands };

        let view_size = ui.available_size();
        // For a room (zooming in allowed), a step whose diagram outgrows the view is fitted again,
        // once: the presenter never has to reach for Fit, and can still pan.
        let grown = self.fit_zoom_max > 1.0
            && self.fitted_generation != self.diagram_generation
            && !self.scene_rect.contains_rect(diagram.bounds);
        self.fitted_generation = self.diagram_generation;
        if self.fit_pending || grown {
            self.scene_rect = paint::fit_rect(diagram.bounds, view_size, self.fit_zoom_max);
            self.fit_pending = false;
        }
        if self.pan_to_focus {
            self.pan_to_focus = false;
            if let Some(frame) = self.focus.and_then(|id| diagram.frame(id))
                && !self.scene_rect.contains_rect(frame.rect)
            {
                self.scene_rect =
                    self.scene_rect.translate(frame.rect.min - vec2(size::MARGIN, size::MARGIN) - self.scene_rect.min);
            }
        }
        // While a motion runs, a moved copy of the diagram is drawn (the galleys fit it: same texts).
        if self.motion.as_ref().is_some_and(|motion| motion.is_settled(now)) {
            self.motion = None;
        }
        let moving =
            self.motion.as_ref().map(|motion| (motion.displaced(diagram, motion.progress(now)), motion.fade(now)));
        if moving.is_some() {
            ui.ctx().request_repaint();
        }
        let (diagram, fade) = match &moving {
            Some((moved, fade)) => (moved, Some(*fade)),
            None => (diagram, None),
        };
        let state = PaintState {
            palette: diagram_palette,
            selection: model.selection(),
            focus: self.focus,
            fade,
            snapshot: model.current(),
        };
        let frame = egui::Frame::new().fill(diagram_palette.background);
        let clicked = frame
            .show(ui, |ui| {
                Scene::new()
                    .zoom_range(size::MIN_ZOOM..=size::MAX_ZOOM)
                    .show(ui, &mut self.scene_rect, |ui| paint::show(ui, diagram, galleys, &state))
                    .inner
            })
            .inner;
        match clicked {
            Some(Clicked::Object(id)) => commands.push(Command::Select(Some(Selection::Object(id)))),
            Some(Clicked::Name { frame_id, name }) => {
                commands.push(Command::Select(Some(Selection::Name { frame_id, name })));
            }
            Some(Clicked::Frame(frame_id)) => commands.push(Command::FocusFrame(frame_id)),
            Some(Clicked::More { object, action: MoreAction::Expand }) => self.set_expanded(object, true),
            Some(Clicked::More { object, action: MoreAction::Collapse }) => self.set_expanded(object, false),
            Some(Clicked::More { action: MoreAction::NotRecorded, .. }) => commands.push(Command::OpenSettings),
            None => {}
        }
        commands
    }

    fn toolbar(&mut self, ui: &mut Ui, palette: Palette) {
        ui.horizontal_wrapped(|ui| {
            if ui.button("Fit").on_hover_text("Show the whole diagram").clicked() {
                self.fit_pending = true;
            }
            let mut options = self.options;
            ui.checkbox(&mut options.show_every_object, "Show every object").on_hover_text(
                "Draw ints, strings and other values as objects of their own, so you can see which names share them",
            );
            ui.checkbox(&mut options.badges, "Refcount and size")
                .on_hover_text("Show each object's sys.getrefcount and sys.getsizeof");
            self.options = options;
            if let Some(diagram) = &self.diagram {
                let count = diagram.objects.len();
                let text = format!("{} · {count} object{}", diagram.title, if count == 1 { "" } else { "s" });
                ui.label(RichText::new(text).color(palette.weak));
            }
            if let Some(problem) = &self.problem {
                ui.label(RichText::new(problem).color(palette.warn));
            }
        });
    }

    fn set_expanded(&mut self, object: ObjId, expanded: bool) {
        let changed = if expanded { self.expanded.insert(object) } else { self.expanded.remove(&object) };
        if changed {
            self.expanded_revision += 1;
        }
    }

    /// Lays the diagram out again if the step, the options or the expanded containers changed.
    /// `false` when there is no step to show. With `now` (egui's input time), a new layout within
    /// the same run starts a motion from the diagram drawn before.
    fn refresh(&mut self, model: &Model, now: Option<f64>) -> bool {
        let Some(snapshot) = model.current() else {
            self.diagram = None;
            self.built_for = None;
            self.motion = None;
            return false;
        };
        let same_run = self.placements_run == Some(model.run_id());
        if !same_run {
            self.placements.clear();
            self.expanded.clear();
            self.placements_run = Some(model.run_id());
            self.fit_pending = true;
        }
        let key = (model.snapshot_generation(), self.options, self.expanded_revision);
        if self.built_for == Some(key) {
            return self.diagram.is_some();
        }
        let changes = match model.trace.delta(snapshot.index) {
            Ok(delta) => {
                self.problem = None;
                StepChanges::of(&delta, snapshot)
            }
            Err(err) => {
                self.problem = Some(format!("What changed at this step is not shown: {err}"));
                StepChanges::default()
            }
        };
        let input = LayoutInput {
            snapshot,
            short_ids: &model.short_ids,
            changes: &changes,
            options: self.options,
            expanded: &self.expanded,
            title: format!("step {} · line {}", snapshot.index + 1, snapshot.line),
        };
        let diagram = layout(&input, &mut self.placements);
        self.motion = match (&self.diagram, now) {
            (Some(old), Some(now)) if same_run => {
                Motion::between(old, self.motion.as_ref(), &diagram, now, self.motion_secs)
            }
            _ => None,
        };
        self.diagram = Some(diagram);
        self.diagram_generation += 1;
        self.built_for = Some(key);
        true
    }

    /// Outlines a frame and pans it into view (the Stack panel's "focus this frame").
    pub fn focus_frame(&mut self, frame_id: u64) {
        self.focus = Some(frame_id);
        self.pan_to_focus = true;
    }

    /// How long objects take to slide to their new places when the step changes; 0 turns the
    /// motion off (Reduce motion).
    pub fn set_motion_secs(&mut self, seconds: f32) {
        self.motion_secs = if seconds.is_finite() { seconds.max(0.0) } else { 0.0 };
        if self.motion_secs == 0.0 {
            self.motion = None;
        }
    }

    /// How far fitting the view may zoom a small diagram in; a change fits the view again.
    pub fn set_fit_zoom_max(&mut self, zoom: f32) {
        if zoom.is_finite() && zoom != self.fit_zoom_max {
            self.fit_zoom_max = zoom;
            self.fit_pending = true;
        }
    }

    pub fn options(&self) -> ViewOptions {
        self.options
    }

    pub fn set_options(&mut self, options: ViewOptions) {
        self.options = options;
    }

    /// The diagram of the step shown, as on screen (laid out now if the panel has not drawn it yet).
    pub fn diagram(&mut self, model: &Model) -> Option<&Diagram> {
        self.refresh(model, None);
        self.diagram.as_ref()
    }

    /// Writes the step shown to `path` as SVG or PNG (by its extension), in the given theme.
    pub fn export_to(&mut self, model: &Model, path: &Path, dark: bool) -> Result<(), String> {
        let diagram = self.diagram(model).ok_or("There is no step to export yet: run the program first.")?;
        export::write_diagram(path, diagram, &DiagramPalette::for_dark_mode(dark))
    }
}

/// The diagram of `step` (0-based) of a recorded run, laid out as the panel does for a fresh view
/// (for `pyxray render`). Short ids are those the window would show for this run.
pub fn diagram_of_step(trace: &mut TraceStore, step: u64, options: ViewOptions) -> Result<Diagram, String> {
    let mut short_ids = ShortIds::default();
    for index in 0..trace.len() {
        let delta = trace.delta(index).map_err(|err| err.to_string())?;
        for change in &delta.objects {
            if let ObjectChange::New(id, _) = change {
                short_ids.note(*id);
            }
        }
    }
    let delta = trace.delta(step).map_err(|err| err.to_string())?;
    let steps = trace.len();
    let snapshot = trace
        .snapshot(step)
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("step {} was not recorded", step + 1))?;
    let changes = StepChanges::of(&delta, snapshot);
    let input = LayoutInput {
        snapshot,
        short_ids: &short_ids,
        changes: &changes,
        options,
        expanded: &HashSet::new(),
        title: format!("step {} of {steps} · line {}", step + 1, snapshot.line),
    };
    Ok(layout(&input, &mut Placements::default()))
}
