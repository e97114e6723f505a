//! The Bytecode tab: the code object running at the current step, disassembled by CPython's own
//! `dis` before the run, grouped by source line. The instruction about to run is highlighted and
//! kept in view; clicking a line (or one of its instructions) highlights every instruction of that
//! line and says where they are. A selector shows any other code object of the program, and a
//! checkbox switches between one step per line and one step per instruction.

use egui::accesskit::Role;
use egui::text::LayoutJob;
use egui::{Color32, ComboBox, RichText, ScrollArea, Sense, TextFormat, Ui, WidgetInfo};

use super::Command;
use super::commands::{self, spec_of};
use super::model::Model;
use super::theme::{self, Palette, space};
use crate::trace::{CodeObject, Disassembly, Event, Snapshot};

#[derive(Default)]
pub struct BytecodePanel {
    /// What `view` was built from.
    built_for: Option<BuildKey>,
    view: BytecodeView,
    /// The code object picked in the selector (by `id()`); `None` follows the frame shown.
    picked: Option<u64>,
    /// The frame whose code is shown (a click in the Stack panel); `None`: the top frame.
    focus: Option<u64>,
    /// The source line whose instructions are highlighted.
    selected_line: Option<u32>,
    /// The run the program's lines were split for, and the lines.
    source: Option<(u64, Vec<String>)>,
    /// Bring this row into view (the step moved, or a line was picked), checking again for this
    /// many frames.
    scroll_to_row: Option<(usize, u8)>,
    /// The scroll position, visible height and number of rows at the last draw: scroll only when
    /// needed, and only within rows already laid out (egui springs back from beyond them).
    last_scroll: (f32, f32, usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BuildKey {
    run_id: u64,
    snapshot: u64,
    picked: Option<u64>,
    focus: Option<u64>,
    selected_line: Option<u32>,
}

#[derive(Default)]
struct BytecodeView {
    /// "step 5 of 40 · instruction event · offset 6"
    status: String,
    /// "f · function · first line 1 · 12 instructions"
    title: String,
    /// Every code object of the program, for the selector: `(id, label)`.
    choices: Vec<(u64, String)>,
    shown: Option<u64>,
    rows: Vec<Row>,
    /// The row of the instruction about to run (or, for an outer frame, of its line).
    current_row: Option<usize>,
    /// The first row of the selected line.
    selected_row: Option<usize>,
    /// Where the selected line's instructions are.
    selection_note: Option<String>,
    /// Why there is no listing.
    message: Option<String>,
}

struct Row {
    /// What the row shows, in columns.
    kind: RowKind,
    line: Option<u32>,
    /// The accessible name: "offset 6 LOAD_CONST 1, about to run", "line 3: x = 1 + y".
    label: String,
    current: bool,
    selected: bool,
}

enum RowKind {
    Header { text: String },
    Instruction { marker: String, offset: String, opname: String, argument: String, jump_target: bool },
}

/// Room for `>>` or `L12` left of an instruction, as `dis` prints it.
const MARKER_WIDTH: usize = 4;
/// Frames in which a row to bring into view is checked again.
const SCROLL_ATTEMPTS: u8 = 3;
const OFFSET_WIDTH: usize = 5;
const OPNAME_WIDTH: usize = 24;

impl BytecodePanel {
    /// Shows this frame's code (the Stack panel's focus) until the frame is gone or another is focused.
    pub fn focus_frame(&mut self, frame_id: u64) {
        self.focus = Some(frame_id);
        self.picked = None;
    }

    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        match model.bytecode() {
            Some(bytecode) => self.rebuild_if_needed(model, bytecode),
            None => self.view.choices.clear(),
        }
        let mut commands = Vec::new();
        self.toolbar(ui, model, &mut commands);
        let Some(_) = model.bytecode() else {
            let text = if model.is_recording() {
                "Waiting for the program's bytecode..."
            } else {
                "Run the program to see its bytecode here."
            };
            ui.label(RichText::new(text).color(palette.weak));
            return commands;
        };
        let view = &self.view;
        if !view.status.is_empty() {
            ui.label(RichText::new(&view.status).color(palette.weak));
        }
        if let Some(message) = &view.message {
            ui.label(RichText::new(message).color(palette.warn));
            return commands;
        }
        ui.label(RichText::new(&view.title).strong());
        let note = view.selection_note.as_deref().unwrap_or("Click a line to see where its instructions are.");
        ui.label(RichText::new(note).color(palette.weak));
        ui.add_space(space::SECTION / 2.0);
        if let Some(line) = self.draw_rows(ui, palette) {
            self.selected_line = if self.selected_line == Some(line) { None } else { Some(line) };
        }
        commands
    }

    /// The code object selector and the stepping toggle.
    fn toolbar(&mut self, ui: &mut Ui, model: &Model, commands: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            let follow = "Follow the running frame";
            let shown = match self.picked {
                None => follow.to_owned(),
                Some(id) => {
                    self.view.choices.iter().find(|(c, _)| *c == id).map_or(follow.to_owned(), |(_, l)| l.clone())
                }
            };
            let mut picked = self.picked;
            ComboBox::from_label("Code object").selected_text(shown).width(260.0).show_ui(ui, |ui| {
                ui.selectable_value(&mut picked, None, follow);
                for (id, label) in &self.view.choices {
                    ui.selectable_value(&mut picked, Some(*id), label);
                }
            });
            self.picked = picked;
            let toggle = Command::ToggleInstructionStepping;
            let mut on = model.instruction_stepping;
            let label = spec_of(&toggle).map_or("Step by instruction", |spec| spec.label);
            let mut response = ui.checkbox(&mut on, label);
            if let Some(spec) = spec_of(&toggle) {
                response = response.on_hover_text(commands::tooltip(ui.ctx(), spec));
            }
            if response.changed() {
                commands.push(toggle);
            }
        });
    }

    fn rebuild_if_needed(&mut self, model: &Model, bytecode: &Disassembly) {
        let run_id = model.run_id();
        if self.source.as_ref().is_none_or(|(run, _)| *run != run_id) {
            // A new run: the code objects (and their ids) are new.
            if self.source.is_some() {
                self.picked = None;
                self.focus = None;
            }
            self.source = Some((run_id, bytecode.source.lines().map(str::to_owned).collect()));
        }
        let key = BuildKey {
            run_id,
            snapshot: model.snapshot_generation(),
            picked: self.picked,
            focus: self.focus,
            selected_line: self.selected_line,
        };
        if self.built_for == Some(key) {
            return;
        }
        let moved = self.built_for.is_none_or(|old| {
            old.run_id != key.run_id
                || old.snapshot != key.snapshot
                || old.picked != key.picked
                || old.focus != key.focus
        });
        let lines = self.source.as_ref().map_or(&[][..], |(_, lines)| lines.as_slice());
        self.view = build_view(model, bytecode, lines, self.picked, self.focus, self.selected_line);
        self.built_for = Some(key);
        let target = if moved { self.view.current_row } else { self.view.selected_row };
        self.scroll_to_row = target.map(|row| (row, SCROLL_ATTEMPTS)).or(self.scroll_to_row);
    }

    /// Draws the rows (only the visible ones); returns the line clicked, if any.
    fn draw_rows(&mut self, ui: &mut Ui, palette: Palette) -> Option<u32> {
        let font = theme::code_font();
        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&font)) + 4.0;
        let pitch = row_height + ui.spacing().item_spacing.y;
        let mut area = ScrollArea::vertical().id_salt("bytecode_scroll").auto_shrink(false);
        if let Some((row, attempts)) = self.scroll_to_row.take() {
            let top = row as f32 * pitch;
            let (offset, height, rows_drawn) = self.last_scroll;
            if height <= 0.0 || rows_drawn != self.view.rows.len() {
                // A new listing: scroll once it has been laid out.
                self.scroll_to_row = Some((row, attempts));
                ui.ctx().request_repaint();
            } else if top < offset - 0.5 || top + row_height > offset + height + 0.5 {
                if attempts > 1 {
                    self.scroll_to_row = Some((row, attempts - 1));
                    ui.ctx().request_repaint();
                }
                // Out of view: bring it in with a few rows of context above, never past the end
                // (which would make the list spring back for several frames).
                let content = self.view.rows.len() as f32 * pitch - ui.spacing().item_spacing.y;
                let end = (content - height).max(0.0);
                area = area.vertical_scroll_offset((top - 3.0 * pitch).clamp(0.0, end));
            }
        }
        let mut clicked = None;
        let rows = &self.view.rows;
        let output = area.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                let (rect, response) =
                    ui.allocate_exact_size(egui::vec2(ui.available_width(), row_height), Sense::click());
                let background = if row.current {
                    palette.current_line_bg
                } else if row.selected {
                    palette.selection_bg
                } else {
                    Color32::TRANSPARENT
                };
                if background != Color32::TRANSPARENT {
                    ui.painter().rect_filled(rect, 2.0, background);
                }
                let galley = ui.painter().layout_job(row_job(row, palette, &font));
                let top = rect.top() + (row_height - galley.size().y) / 2.0;
                let cut = galley.size().x + 4.0 > rect.width();
                ui.painter().with_clip_rect(rect).galley(egui::pos2(rect.left() + 4.0, top), galley, palette.stdout);
                let enabled = ui.is_enabled();
                response.widget_info(|| WidgetInfo::selected(Role::Button, enabled, row.selected, &row.label));
                // A row too long for the pane shows all of it on hover.
                let response = if cut { response.on_hover_text(&row.label) } else { response };
                if response.clicked() {
                    clicked = row.line;
                }
            }
        });
        self.last_scroll = (output.state.clamped_offset().y, output.inner_rect.height(), self.view.rows.len());
        clicked
    }
}

fn row_job(row: &Row, palette: Palette, font: &egui::FontId) -> LayoutJob {
    let mut job = LayoutJob::default();
    let plain = |color: Color32| TextFormat::simple(font.clone(), color);
    match &row.kind {
        RowKind::Header { text } => job.append(text, 0.0, plain(palette.name)),
        RowKind::Instruction { marker, offset, opname, argument, jump_target } => {
            let marker_color = if *jump_target { palette.warn } else { palette.weak };
            job.append(&format!("{marker:>MARKER_WIDTH$} "), 0.0, plain(marker_color));
            job.append(&format!("{offset:>OFFSET_WIDTH$}  "), 0.0, plain(palette.gutter_text));
            job.append(&format!("{opname:<OPNAME_WIDTH$} "), 0.0, plain(palette.type_name));
            job.append(argument, 0.0, plain(palette.stdout));
        }
    }
    job
}

/// The frame whose code is shown: the focused one while it is on the stack, else the top one.
fn shown_frame(snapshot: &Snapshot, focus: Option<u64>) -> Option<(usize, &crate::trace::Frame)> {
    let top = snapshot.stack.len().checked_sub(1)?;
    let focused = focus.and_then(|id| snapshot.stack.iter().position(|frame| frame.frame_id == id));
    let index = focused.unwrap_or(top);
    Some((index, &snapshot.stack[index]))
}

fn build_view(
    model: &Model,
    bytecode: &Disassembly,
    lines: &[String],
    picked: Option<u64>,
    focus: Option<u64>,
    selected_line: Option<u32>,
) -> BytecodeView {
    let mut view = BytecodeView { choices: choices(bytecode), ..Default::default() };
    if let Some(problem) = &bytecode.problem {
        view.message = Some(problem.clone());
        return view;
    }
    let snapshot = model.current();
    let frame = snapshot.and_then(|snapshot| shown_frame(snapshot, focus));
    // What is running in the code shown: the exact instruction for the top frame, the line of the
    // call in progress for an outer one.
    let mut running_offset = None;
    let mut running_line = None;
    if let (Some(snapshot), Some((index, frame))) = (snapshot, frame) {
        let is_top = index + 1 == snapshot.stack.len();
        let event = snapshot.event.map_or("step", Event::as_str);
        view.status = if is_top {
            let at = if snapshot.offset < 0 {
                "before its first instruction".to_owned()
            } else {
                format!("offset {}", snapshot.offset)
            };
            format!("step {} of {} · {event} event · {} at {at}", snapshot.index + 1, model.len(), frame.function)
        } else {
            format!(
                "step {} of {} · {} (an outer frame) is calling from line {}",
                snapshot.index + 1,
                model.len(),
                frame.function,
                frame.line
            )
        };
        if picked.is_none_or(|id| id == frame.code) {
            if is_top {
                running_offset = Some((snapshot.offset, snapshot.event));
            } else {
                running_line = Some(frame.line);
            }
        }
    }
    let shown_id = picked.or(frame.map(|(_, frame)| frame.code)).or(bytecode.objects.first().map(|code| code.id));
    view.shown = shown_id;
    let Some(code) = shown_id.and_then(|id| bytecode.by_id(id)) else {
        view.message = Some(
            "This frame runs code made while the program ran (with exec or compile), so there is no listing for it."
                .into(),
        );
        return view;
    };
    view.title = format!(
        "{} · {} · first line {} · {} instructions",
        code.name,
        code.kind.as_str(),
        code.first_line,
        code.instructions.len()
    );
    let current_index = running_offset.and_then(|(offset, _)| code.instruction_at(offset));
    let state = match running_offset.and_then(|(_, event)| event) {
        Some(Event::Return) => "returning",
        Some(Event::Exception) => "raising",
        _ => "about to run",
    };
    for (line, range) in code.line_runs() {
        let selected = selected_line.is_some() && line == selected_line;
        let header_current = current_index.is_none() && running_line.is_some() && line == running_line;
        if header_current {
            view.current_row = Some(view.rows.len());
        }
        if selected && view.selected_row.is_none() {
            view.selected_row = Some(view.rows.len());
        }
        let text = header_text(line, lines);
        let mut label = text.clone();
        if header_current {
            label.push_str(", the call in progress");
        }
        view.rows.push(Row { kind: RowKind::Header { text }, line, label, current: header_current, selected });
        for index in range {
            let instruction = &code.instructions[index];
            let current = current_index == Some(index);
            if current {
                view.current_row = Some(view.rows.len());
            }
            let argument = match (instruction.arg, instruction.argrepr.is_empty()) {
                (Some(arg), true) => arg.to_string(),
                (Some(arg), false) => format!("{arg} ({})", instruction.argrepr),
                (None, _) => instruction.argrepr.clone(),
            };
            let spoken_argument = if instruction.argrepr.is_empty() {
                instruction.arg.map(|arg| format!(" {arg}")).unwrap_or_default()
            } else {
                format!(" {}", instruction.argrepr)
            };
            let mut label = format!("offset {} {}{spoken_argument}", instruction.offset, instruction.opname);
            if instruction.is_jump_target {
                label.push_str(", jump target");
            }
            if current {
                label.push_str(", ");
                label.push_str(state);
            }
            let marker = match (instruction.is_jump_target, instruction.label) {
                (true, Some(number)) => format!("L{number}"),
                (true, None) => ">>".to_owned(),
                (false, _) => String::new(),
            };
            view.rows.push(Row {
                kind: RowKind::Instruction {
                    marker,
                    offset: instruction.offset.to_string(),
                    opname: instruction.opname.clone(),
                    argument,
                    jump_target: instruction.is_jump_target,
                },
                line,
                label,
                current,
                selected,
            });
        }
    }
    view.selection_note = selected_line.map(|line| selection_note(bytecode, code, line));
    view
}

/// "line 3: x = 1 + y"; instructions before the first line get "no source line".
fn header_text(line: Option<u32>, lines: &[String]) -> String {
    match line {
        Some(line) if line > 0 => {
            let source = lines.get(line as usize - 1).map_or("", |text| text.trim());
            format!("line {line}: {source}")
        }
        _ => "no source line (set-up instructions)".to_owned(),
    }
}

/// Where line `line`'s instructions are: in this code object (by offsets), and in which others.
fn selection_note(bytecode: &Disassembly, code: &CodeObject, line: u32) -> String {
    let places: Vec<String> = code
        .line_runs()
        .into_iter()
        .filter(|(run_line, _)| *run_line == Some(line))
        .map(|(_, range)| {
            let first = code.instructions[range.start].offset;
            let last = code.instructions[range.end - 1].offset;
            if first == last { format!("offset {first}") } else { format!("offsets {first}–{last}") }
        })
        .collect();
    let elsewhere: Vec<&str> = bytecode
        .objects
        .iter()
        .filter(|other| other.id != code.id && other.instructions.iter().any(|i| i.line == Some(line)))
        .map(|other| other.name.as_str())
        .collect();
    let mut note = match places.len() {
        0 => format!("Line {line} has no instructions in {}", code.name),
        1 => format!("Line {line} runs at {}", places[0]),
        count => format!("Line {line} runs in {count} places: {}", places.join(", ")),
    };
    if !elsewhere.is_empty() {
        note.push_str(&format!("; also in {}", elsewhere.join(", ")));
    }
    note.push('.');
    note
}

/// The selector's entries: every code object, nested ones indented under their parent.
fn choices(bytecode: &Disassembly) -> Vec<(u64, String)> {
    bytecode
        .objects
        .iter()
        .map(|code| {
            let mut depth = 0;
            let mut parent = code.parent;
            while let Some(index) = parent {
                depth += 1;
                parent = bytecode.objects.get(index as usize).and_then(|p| p.parent).filter(|_| depth < 32);
            }
            let indent = "  ".repeat(depth);
            (code.id, format!("{indent}{} ({}, line {})", code.name, code.kind.as_str(), code.first_line))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{FrameKind, Instruction};

    fn instruction(offset: u32, opname: &str, line: u32, starts_line: bool) -> Instruction {
        Instruction {
            offset,
            opname: opname.into(),
            arg: None,
            argrepr: String::new(),
            line: Some(line),
            starts_line,
            is_jump_target: false,
            jump_target: None,
            label: None,
        }
    }

    fn program() -> Disassembly {
        let module = CodeObject {
            id: 10,
            name: "<module>".into(),
            kind: FrameKind::Module,
            first_line: 1,
            parent: None,
            instructions: vec![
                instruction(0, "NOP", 1, true),
                instruction(2, "NOP", 2, true),
                instruction(4, "NOP", 1, true),
                instruction(6, "NOP", 1, false),
            ],
        };
        let function = CodeObject {
            id: 11,
            name: "f".into(),
            kind: FrameKind::Function,
            first_line: 2,
            parent: Some(0),
            instructions: vec![instruction(0, "NOP", 2, true)],
        };
        Disassembly { source: "a\nb\n".into(), objects: vec![module, function], problem: None }
    }

    #[test]
    fn a_selected_line_says_where_its_instructions_are() {
        let bytecode = program();
        let module = &bytecode.objects[0];
        assert_eq!(selection_note(&bytecode, module, 1), "Line 1 runs in 2 places: offset 0, offsets 4–6.");
        assert_eq!(selection_note(&bytecode, module, 2), "Line 2 runs at offset 2; also in f.");
        assert_eq!(selection_note(&bytecode, module, 9), "Line 9 has no instructions in <module>.");
    }

    #[test]
    fn nested_code_objects_are_indented_under_their_parent() {
        let labels: Vec<String> = choices(&program()).into_iter().map(|(_, label)| label).collect();
        assert_eq!(labels, vec!["<module> (module, line 1)", "  f (function, line 2)"]);
    }
}
