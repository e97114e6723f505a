//! The Stack tab: the frames of the current step, outermost first, each with its function, line,
//! kind and local names (`name = repr`), plus the value being returned or the exception raised, and
//! the generators that are alive but paused (their frames are off the stack until resumed).
//!
//! Clicking a frame focuses it in the heap diagram; clicking a name selects it for "when did it
//! change?" (Previous/Next change).

use egui::text::LayoutJob;
use egui::{RichText, ScrollArea, TextFormat, Ui};

use super::commands::{Command, Selection};
use super::model::Model;
use super::theme::{self, Palette, REPR_CHARS, space};
use crate::trace::{Event, FrameKind, ObjKind, Snapshot};

#[derive(Default)]
pub struct StackPanel {
    /// The snapshot generation `view` was built from.
    built_for: Option<u64>,
    view: StackView,
}

#[derive(Default)]
struct StackView {
    /// "step 4 of 9 · line 3 · line"
    summary: String,
    frames: Vec<FrameRow>,
    /// On a return step: the repr of the value returned by the top frame.
    returning: Option<String>,
    /// On an exception step: "ZeroDivisionError: division by zero".
    raising: Option<String>,
    /// Where the travelling exception has been, innermost last ("f, line 3").
    traceback: Vec<String>,
    /// Generator and coroutine objects that are alive but not running at this step.
    paused: Vec<PausedRow>,
}

struct PausedRow {
    repr: String,
    short_id: String,
    /// The names that refer to it ("gen in <module>").
    names: Vec<String>,
}

struct FrameRow {
    frame_id: u64,
    function: String,
    line: u32,
    kind: FrameKind,
    locals: Vec<LocalRow>,
}

struct LocalRow {
    name: String,
    repr: String,
    short_id: String,
}

impl StackPanel {
    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let Some(snapshot) = model.current() else {
            let text = if model.is_recording() {
                "Waiting for the first step..."
            } else {
                "Run the program to see its call stack here."
            };
            ui.label(RichText::new(text).color(palette.weak));
            return Vec::new();
        };
        if self.built_for != Some(model.snapshot_generation()) {
            self.view = build_view(model, snapshot);
            self.built_for = Some(model.snapshot_generation());
        }
        let view = &self.view;
        let selected = model.selection();
        let mut commands = Vec::new();
        ui.label(RichText::new(&view.summary).color(palette.weak));
        ui.add_space(space::SECTION / 2.0);
        ScrollArea::vertical().id_salt("stack_scroll").auto_shrink(false).show(ui, |ui| {
            let top = view.frames.len().saturating_sub(1);
            for (index, frame) in view.frames.iter().enumerate() {
                let label = format!("Frame {} line {}", frame.function, frame.line);
                let builder = egui::UiBuilder::new().accessibility_label(label).accessibility_role(egui::Role::Group);
                ui.scope_builder(builder, |ui| {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let header = frame_header(ui, frame, palette);
                        if header.clicked() {
                            commands.push(Command::FocusFrame(frame.frame_id));
                        }
                        if frame.locals.is_empty() {
                            ui.label(RichText::new("no local names yet").color(palette.weak));
                        }
                        for local in &frame.locals {
                            let selection = Selection::Name { frame_id: frame.frame_id, name: local.name.clone() };
                            let is_selected = selected == Some(&selection);
                            let response = ui.selectable_label(is_selected, local_job(local, palette)).on_hover_text(
                                "Select it; Previous/Next change (Ctrl+[ / Ctrl+]) jump to the steps that changed it",
                            );
                            if response.clicked() {
                                commands.push(Command::Select((!is_selected).then_some(selection)));
                            }
                        }
                        if index == top {
                            if let Some(value) = &view.returning {
                                ui.label(RichText::new(format!("returns {value}")).color(palette.ok));
                            }
                            if let Some(exception) = &view.raising {
                                ui.label(RichText::new(format!("raises {exception}")).color(palette.error));
                                for place in &view.traceback {
                                    ui.label(RichText::new(format!("  from {place}")).color(palette.weak));
                                }
                            }
                        }
                    })
                });
                ui.add_space(space::SECTION / 2.0);
            }
            if !view.paused.is_empty() {
                ui.label(RichText::new("Paused generators and coroutines").strong());
                for paused in &view.paused {
                    let mut text = format!("{}   {}", paused.repr, paused.short_id);
                    if !paused.names.is_empty() {
                        text.push_str(&format!("   ({})", paused.names.join(", ")));
                    }
                    ui.label(RichText::new(text).font(theme::code_font()).color(palette.warn));
                }
            }
        });
        commands
    }
}

/// The frame's name, line and kind; clicking the name focuses the frame in the heap.
fn frame_header(ui: &mut Ui, frame: &FrameRow, palette: Palette) -> egui::Response {
    ui.horizontal_wrapped(|ui| {
        let name = ui
            .add(egui::Button::new(RichText::new(&frame.function).strong().font(theme::code_font())).frame(false))
            .on_hover_text("Show this frame in the heap diagram");
        ui.label(format!("line {}", frame.line));
        let kind = if frame.kind.is_resumable() {
            RichText::new(format!("{} frame (can pause and resume)", frame.kind.as_str())).color(palette.warn)
        } else {
            RichText::new(format!("{} frame", frame.kind.as_str())).color(palette.weak)
        };
        ui.label(kind);
        name
    })
    .inner
}

/// `x = [1, 2, 3]   #0432` as one label: the name, its object's repr, and the object's short id.
fn local_job(local: &LocalRow, palette: Palette) -> LayoutJob {
    let code = theme::code_font();
    let mut job = LayoutJob::default();
    job.append(&local.name, 0.0, TextFormat::simple(code.clone(), palette.name));
    job.append(" = ", 0.0, TextFormat::simple(code.clone(), palette.weak));
    job.append(&local.repr, 0.0, TextFormat::simple(code, palette.stdout));
    job.append("   ", 0.0, TextFormat::simple(theme::small_font(), palette.weak));
    job.append(&local.short_id, 0.0, TextFormat::simple(theme::small_font(), palette.id_text));
    job
}

fn build_view(model: &Model, snapshot: &Snapshot) -> StackView {
    let event = snapshot.event.map_or("step", Event::as_str);
    let summary = format!(
        "step {} of {} · line {} · {event} event · outermost frame first",
        snapshot.index + 1,
        model.len(),
        snapshot.line
    );
    let frames = snapshot
        .stack
        .iter()
        .map(|frame| FrameRow {
            frame_id: frame.frame_id,
            function: frame.function.clone(),
            line: frame.line,
            kind: frame.kind,
            locals: frame
                .locals
                .iter()
                .map(|binding| LocalRow {
                    name: binding.name.clone(),
                    repr: one_line(&snapshot.repr_of(binding.id, REPR_CHARS)),
                    short_id: model.short_ids.label(binding.id),
                })
                .collect(),
        })
        .collect();
    let returning = match (snapshot.event, snapshot.return_value) {
        (Some(Event::Return), Some(id)) => Some(one_line(&snapshot.repr_of(id, REPR_CHARS))),
        _ => None,
    };
    let raising = match (snapshot.event, &snapshot.exception) {
        (Some(Event::Exception), Some(info)) if info.message.is_empty() => Some(info.type_name.clone()),
        (Some(Event::Exception), Some(info)) => Some(format!("{}: {}", info.type_name, info.message)),
        _ => None,
    };
    let traceback = match (snapshot.event, &snapshot.exception) {
        (Some(Event::Exception), Some(info)) => info
            .traceback
            .iter()
            .rev()
            .skip(1)
            .map(|entry| format!("{}, line {}", entry.function, entry.line))
            .collect(),
        _ => Vec::new(),
    };
    StackView { summary, frames, returning, raising, traceback, paused: paused_generators(model, snapshot) }
}

/// Whether a generator (by its repr, `<generator object count at 0x…>`) has a frame of that name
/// running on the stack. Two live generators of one function cannot be told apart this way; both
/// then count as running, which errs on the side of not calling a running one paused.
fn is_running(repr: &str, snapshot: &Snapshot) -> bool {
    let name = repr.split(" object ").nth(1).and_then(|rest| rest.split(" at ").next()).unwrap_or_default();
    let name = name.rsplit('.').next().unwrap_or(name);
    snapshot.stack.iter().any(|frame| frame.kind.is_resumable() && frame.function == name)
}

/// Generator-like objects on the heap whose frame is not on the stack: they wait for `next()`/`send()`.
fn paused_generators(model: &Model, snapshot: &Snapshot) -> Vec<PausedRow> {
    let mut paused: Vec<PausedRow> = snapshot
        .heap
        .iter()
        .filter(|(_, object)| object.kind == ObjKind::Generator && !is_running(&object.repr, snapshot))
        .map(|(&id, object)| {
            let names = snapshot
                .stack
                .iter()
                .flat_map(|frame| {
                    frame
                        .locals
                        .iter()
                        .filter(move |binding| binding.id == id)
                        .map(move |binding| format!("{} in {}", binding.name, frame.function))
                })
                .collect();
            PausedRow { repr: one_line(&object.repr), short_id: model.short_ids.label(id), names }
        })
        .collect();
    paused.sort_by(|a, b| a.short_id.cmp(&b.short_id));
    paused
}

/// A repr on one line (a custom `__repr__` may contain newlines).
pub fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) { text.replace('\n', "\\n").replace('\r', "\\r") } else { text.to_owned() }
}
