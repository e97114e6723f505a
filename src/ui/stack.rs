//! The Stack tab: the frames of the current step, outermost first, each with its function, line,
//! kind and local names (`name = repr`), plus the value being returned or the exception raised (with
//! the frames it has left and its `__cause__`/`__context__` chain) or being handled by an `except` or
//! `finally` block, and the generators that are alive but paused, each with its state and its own
//! frame's line and locals (off the stack until resumed).
//!
//! In a program with several threads, each thread's frames come under its name, the running one
//! marked; the others wait for the GIL (or have finished).
//!
//! Clicking a frame focuses it in the heap diagram; clicking a name selects it for "when did it
//! change?" (Previous/Next change); clicking a paused generator or one of its locals selects that object.

use egui::text::LayoutJob;
use egui::{RichText, ScrollArea, TextFormat, Ui};

use super::commands::{Command, Selection};
use super::model::Model;
use super::theme::{self, Palette, REPR_CHARS, space};
use crate::trace::{Event, ExceptionInfo, Frame, FrameKind, GeneratorPhase, Internals, ObjId, ObjKind, Snapshot};

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
    /// One section per thread, in thread order; a single one (without a header) for a program
    /// that runs in one thread.
    threads: Vec<ThreadSection>,
    /// On a return step: the repr of the value returned by the top frame.
    returning: Option<String>,
    /// On an exception step: "ZeroDivisionError: division by zero".
    raising: Option<String>,
    /// The frames the travelling exception has already left, innermost first ("left f at line 3").
    traceback: Vec<String>,
    /// The exceptions chained to the one raised or handled, as Python prints them above it
    /// (the sentence, then the exception), nearest first.
    chain: Vec<(String, String)>,
    /// While an `except` or `finally` block runs because of an exception: that exception.
    handling: Option<String>,
    /// Generator and coroutine objects that are alive but not running at this step.
    paused: Vec<PausedRow>,
}

struct ThreadSection {
    /// "MainThread — running this step", "worker-1 — waiting"; `None` with one thread.
    header: Option<String>,
    /// The thread that ran this step: its top frame shows the value returned or the exception.
    running: bool,
    frames: Vec<FrameRow>,
}

struct PausedRow {
    id: ObjId,
    repr: String,
    short_id: String,
    /// The names that refer to it ("gen in <module>").
    names: Vec<String>,
    /// "created", "suspended" or "closed", when recorded.
    state: Option<GeneratorPhase>,
    /// Its own frame while it waits: the function, the line it will resume at and its locals.
    frame: Option<(String, u32, Vec<PausedLocal>)>,
}

struct PausedLocal {
    id: ObjId,
    row: LocalRow,
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
            for section in &view.threads {
                if let Some(header) = &section.header {
                    let color = if section.running { palette.ok } else { palette.weak };
                    ui.label(RichText::new(header).strong().color(color));
                    if section.frames.is_empty() {
                        ui.label(
                            RichText::new("no frames of your code now (finished, or inside library code)")
                                .color(palette.weak),
                        );
                    }
                }
                let top = section.frames.len().saturating_sub(1);
                for (index, frame) in section.frames.iter().enumerate() {
                    let top_of_running = section.running && index == top;
                    frame_box(ui, view, frame, top_of_running, selected, palette, &mut commands);
                }
            }
            if !view.paused.is_empty() {
                ui.label(RichText::new("Paused generators and coroutines").strong());
                for paused in &view.paused {
                    paused_generator(ui, paused, selected, palette, &mut commands);
                }
            }
        });
        commands
    }
}

/// One frame: its header, its local names, and on the running thread's top frame the value being
/// returned or the exception.
fn frame_box(
    ui: &mut Ui,
    view: &StackView,
    frame: &FrameRow,
    top_of_running: bool,
    selected: Option<&Selection>,
    palette: Palette,
    commands: &mut Vec<Command>,
) {
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
            if top_of_running {
                if let Some(value) = &view.returning {
                    ui.label(RichText::new(format!("returns {value}")).color(palette.ok));
                }
                exception_rows(ui, view, palette);
            }
        })
    });
    ui.add_space(space::SECTION / 2.0);
}

/// Under the top frame: the exception raised (the frames it left, its chain) or being handled.
fn exception_rows(ui: &mut Ui, view: &StackView, palette: Palette) {
    if let Some(exception) = &view.raising {
        ui.label(RichText::new(format!("raises {exception}")).color(palette.error));
        for place in &view.traceback {
            ui.label(RichText::new(format!("  {place}")).color(palette.weak));
        }
    }
    if let Some(exception) = &view.handling {
        ui.label(RichText::new(format!("handling {exception}")).color(palette.warn))
            .on_hover_text("An except or finally block is running because of this exception (sys.exc_info())");
    }
    for (sentence, exception) in &view.chain {
        ui.label(RichText::new(format!("  {sentence}")).color(palette.weak).italics());
        ui.label(RichText::new(format!("  {exception}")).color(palette.error));
    }
}

/// One paused generator: its repr, state and names, then its frame's line and locals.
fn paused_generator(
    ui: &mut Ui,
    paused: &PausedRow,
    selected: Option<&Selection>,
    palette: Palette,
    commands: &mut Vec<Command>,
) {
    let state = paused.state.map_or("paused", GeneratorPhase::as_str);
    let label = match &paused.frame {
        Some((function, line, _)) => format!("Paused {function} {state} at line {line}"),
        None => format!("Paused generator {state}"),
    };
    let builder = egui::UiBuilder::new().accessibility_label(label).accessibility_role(egui::Role::Group);
    ui.scope_builder(builder, |ui| {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let mut text = format!("{}   {}", paused.repr, paused.short_id);
            if !paused.names.is_empty() {
                text.push_str(&format!("   ({})", paused.names.join(", ")));
            }
            let object = Selection::Object(paused.id);
            let is_selected = selected == Some(&object);
            let header = ui
                .selectable_label(is_selected, RichText::new(text).font(theme::code_font()).color(palette.warn))
                .on_hover_text("Select this generator object in the heap");
            if header.clicked() {
                commands.push(Command::Select((!is_selected).then_some(object)));
            }
            let Some((function, line, locals)) = &paused.frame else {
                ui.label(RichText::new(format!("{state}: no frame")).color(palette.weak));
                return;
            };
            let resumes = match paused.state {
                Some(GeneratorPhase::Created) => format!("{state}: {function} starts at line {line} on first next()"),
                _ => format!("{state} at line {line} in {function}"),
            };
            ui.label(RichText::new(resumes).color(palette.weak));
            for local in locals {
                let selection = Selection::Object(local.id);
                let is_selected = selected == Some(&selection);
                let response = ui
                    .selectable_label(is_selected, local_job(&local.row, palette))
                    .on_hover_text("Select this object; Previous/Next change jump to the steps that changed it");
                if response.clicked() {
                    commands.push(Command::Select((!is_selected).then_some(selection)));
                }
            }
        })
    });
    ui.add_space(space::SECTION / 2.0);
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
    let mut summary = format!(
        "step {} of {} · line {} · {event} event · outermost frame first",
        snapshot.index + 1,
        model.len(),
        snapshot.line
    );
    let threads = if snapshot.threads.len() > 1 {
        summary.push_str(&format!(" · {} runs this step", snapshot.thread_name()));
        snapshot
            .thread_stacks()
            .map(|(thread, name, frames)| {
                let running = thread == snapshot.thread;
                let state = if running { "running this step" } else { "waiting" };
                ThreadSection {
                    header: Some(format!("{name} — {state}")),
                    running,
                    frames: frame_rows(model, snapshot, frames),
                }
            })
            .collect()
    } else {
        vec![ThreadSection { header: None, running: true, frames: frame_rows(model, snapshot, &snapshot.stack) }]
    };
    let returning = match (snapshot.event, snapshot.return_value) {
        (Some(Event::Return), Some(id)) => Some(one_line(&snapshot.repr_of(id, REPR_CHARS))),
        _ => None,
    };
    let info = snapshot.exception.as_ref();
    let raising = info.filter(|info| !info.handled).map(|info| describe_exception(model, info));
    let handling = info.filter(|info| info.handled).map(|info| describe_exception(model, info));
    // The traceback starts at the frame raising now; the entries after it are frames it has left.
    let traceback = info
        .filter(|info| !info.handled)
        .map(|info| {
            let left = info.traceback.iter().skip(1).rev();
            left.map(|entry| format!("left {} at line {} (its frame is gone)", entry.function, entry.line)).collect()
        })
        .unwrap_or_default();
    let chain = info
        .map(|info| {
            info.chain
                .iter()
                .map(|linked| {
                    let exception = if linked.message.is_empty() {
                        linked.type_name.clone()
                    } else {
                        format!("{}: {}", linked.type_name, one_line(&linked.message))
                    };
                    (linked.link.sentence().to_owned(), exception)
                })
                .collect()
        })
        .unwrap_or_default();
    let paused = paused_generators(model, snapshot);
    StackView { summary, threads, returning, raising, traceback, chain, handling, paused }
}

/// One thread's frames as the panel lists them, outermost first.
fn frame_rows(model: &Model, snapshot: &Snapshot, frames: &[Frame]) -> Vec<FrameRow> {
    frames
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
        .collect()
}

/// "ValueError: bad   #0123" (the exception object's short id when it is on the heap).
fn describe_exception(model: &Model, info: &ExceptionInfo) -> String {
    let mut text = if info.message.is_empty() {
        info.type_name.clone()
    } else {
        format!("{}: {}", info.type_name, one_line(&info.message))
    };
    if let Some(id) = info.object {
        text.push_str(&format!("   {}", model.short_ids.label(id)));
    }
    text
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
/// Their recorded state decides; without one (an older trace), a frame of the same name on the stack.
fn paused_generators(model: &Model, snapshot: &Snapshot) -> Vec<PausedRow> {
    let state_of = |id: &ObjId| match snapshot.internals.get(id) {
        Some(Internals::Generator(state)) => Some(state),
        _ => None,
    };
    let mut paused: Vec<PausedRow> = snapshot
        .heap
        .iter()
        .filter(|(id, object)| {
            object.kind == ObjKind::Generator
                && match state_of(id) {
                    // At the `return` step of a `yield` it is already suspended, but its frame is still shown.
                    Some(state) => {
                        state.state != GeneratorPhase::Running
                            && !state.frame.as_ref().is_some_and(|paused| {
                                snapshot.stack.iter().any(|frame| frame.frame_id == paused.frame_id)
                            })
                    }
                    None => !is_running(&object.repr, snapshot),
                }
        })
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
            let state = state_of(&id);
            let frame = state.and_then(|state| state.frame.as_ref()).map(|frame| {
                let locals = frame
                    .locals
                    .iter()
                    .map(|binding| PausedLocal {
                        id: binding.id,
                        row: LocalRow {
                            name: binding.name.clone(),
                            repr: one_line(&snapshot.repr_of(binding.id, REPR_CHARS)),
                            short_id: model.short_ids.label(binding.id),
                        },
                    })
                    .collect();
                (frame.function.clone(), frame.line, locals)
            });
            PausedRow {
                id,
                repr: one_line(&object.repr),
                short_id: model.short_ids.label(id),
                names,
                state: state.map(|state| state.state),
                frame,
            }
        })
        .collect();
    paused.sort_by(|a, b| a.short_id.cmp(&b.short_id));
    paused
}

/// "suspended at line 5" for a generator whose state was recorded (what its heap box says).
pub fn paused_note(snapshot: &Snapshot, id: ObjId) -> Option<String> {
    let Some(Internals::Generator(state)) = snapshot.internals.get(&id) else { return None };
    Some(match (&state.frame, state.state) {
        (Some(frame), GeneratorPhase::Created) => format!("created, starts at line {}", frame.line),
        (Some(frame), phase) => format!("{} at line {}", phase.as_str(), frame.line),
        (None, phase) => phase.as_str().to_owned(),
    })
}

/// A repr on one line (a custom `__repr__` may contain newlines).
pub fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) { text.replace('\n', "\\n").replace('\r', "\\r") } else { text.to_owned() }
}
