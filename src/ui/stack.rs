//! The Stack tab: the frames of the current step, outermost first, each with its function, line,
//! kind and local names (`name = repr`), plus the value being returned or the exception raised.

use egui::text::LayoutJob;
use egui::{RichText, ScrollArea, TextFormat, Ui};

use super::Command;
use super::model::Model;
use super::theme::{self, Palette, REPR_CHARS, space};
use crate::trace::{Event, FrameKind, Snapshot};

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
}

struct FrameRow {
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
        ui.label(RichText::new(&view.summary).color(palette.weak));
        ui.add_space(space::SECTION / 2.0);
        ScrollArea::vertical().id_salt("stack_scroll").auto_shrink(false).show(ui, |ui| {
            let top = view.frames.len().saturating_sub(1);
            for (index, frame) in view.frames.iter().enumerate() {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    frame_header(ui, frame, palette);
                    if frame.locals.is_empty() {
                        ui.label(RichText::new("no local names yet").color(palette.weak));
                    }
                    for local in &frame.locals {
                        ui.label(local_job(local, palette));
                    }
                    if index == top {
                        if let Some(value) = &view.returning {
                            ui.label(RichText::new(format!("returns {value}")).color(palette.ok));
                        }
                        if let Some(exception) = &view.raising {
                            ui.label(RichText::new(format!("raises {exception}")).color(palette.error));
                        }
                    }
                });
                ui.add_space(space::SECTION / 2.0);
            }
        });
        Vec::new()
    }
}

fn frame_header(ui: &mut Ui, frame: &FrameRow, palette: Palette) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&frame.function).strong().font(theme::code_font()));
        ui.label(format!("line {}", frame.line));
        let kind = if frame.kind.is_resumable() {
            RichText::new(format!("{} frame (can pause and resume)", frame.kind.as_str())).color(palette.warn)
        } else {
            RichText::new(format!("{} frame", frame.kind.as_str())).color(palette.weak)
        };
        ui.label(kind);
    });
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
    StackView { summary, frames, returning, raising }
}

/// A repr on one line (a custom `__repr__` may contain newlines).
pub fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) { text.replace('\n', "\\n").replace('\r', "\\r") } else { text.to_owned() }
}
