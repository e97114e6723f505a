//! The code editor: Python with syntax highlighting, and a gutter with line numbers, breakpoints
//! (click a line number), an arrow at the line about to run and one at the line just run. After an
//! exception or a syntax error its line is highlighted with the message next to it, until the
//! learner edits the code.

mod gutter;
pub mod lines;

use std::collections::BTreeSet;

use egui::text::{CCursor, CCursorRange};
use egui::{Key, Rect, ScrollArea, Sense, Shape, TextBuffer, TextEdit, Ui, vec2};
use egui_extras::syntax_highlighting::{self, CodeTheme};

use super::Command;
use super::model::{LineMark, Model};
use super::theme::{self, Palette, space};
use crate::trace::Outcome;
use gutter::{ErrorMark, Gutter, RowMarks};

/// What the editor holds when the window opens.
pub const SAMPLE_PROGRAM: &str = "\
# Run: Ctrl+Enter. Step over: F10, into: F11, back: Alt+F11.
numbers = [1, 2]
alias = numbers
alias.append(3)
print(numbers)
";

/// Spaces a Tab key press inserts.
const INDENT: &str = "    ";

pub struct EditorPanel {
    pub code: String,
    /// Lines (1-based) with a breakpoint: Continue stops where they start to run. They follow
    /// their lines when lines are inserted or deleted above them.
    pub breakpoints: BTreeSet<u32>,
    focus_pending: bool,
    /// The snapshot generation the view last scrolled to, so it scrolls once per step change.
    scrolled_for: Option<u64>,
    /// The text as the editor last saw it: a difference is an edit (or a change from outside),
    /// and tells where the breakpoints moved.
    seen_code: String,
    /// Counts the learner's edits in the editor (not text put in from outside), for live mode.
    edits: u64,
    /// Where the text cursor is (a character index), if the editor has one.
    cursor: Option<usize>,
    /// The run whose error line the learner has edited since: its mark and message are hidden.
    error_hidden_for_run: Option<u64>,
    /// The run of a program the editor no longer holds (a file was opened since): no marks at all.
    marks_hidden_for_run: Option<u64>,
}

impl Default for EditorPanel {
    fn default() -> Self {
        Self::new(SAMPLE_PROGRAM)
    }
}

impl EditorPanel {
    pub fn new(code: impl Into<String>) -> Self {
        let code = code.into();
        EditorPanel {
            seen_code: code.clone(),
            code,
            breakpoints: BTreeSet::new(),
            focus_pending: true,
            scrolled_for: None,
            edits: 0,
            cursor: None,
            error_hidden_for_run: None,
            marks_hidden_for_run: None,
        }
    }

    /// Puts a whole new program in (a file opened, New): its breakpoints start afresh, and the
    /// marks of `model`'s run (of the old program) are not shown on it.
    pub fn replace_text(&mut self, code: String, model: &Model) {
        self.marks_hidden_for_run = Some(model.run_id());
        self.seen_code.clone_from(&code);
        self.code = code;
        self.breakpoints.clear();
        self.cursor = None;
        self.focus_pending = true;
    }

    /// How many edits the learner made in the editor so far (live mode re-runs when it changes).
    pub fn edits(&self) -> u64 {
        self.edits
    }

    /// The 1-based line the text cursor is on (line 1 when the editor has no cursor yet).
    pub fn cursor_line(&self) -> u32 {
        self.cursor.map_or(1, |cursor| lines::line_of_char(&self.code, cursor))
    }

    /// Sets or clears the breakpoint on `line`; lines past the end are ignored.
    pub fn toggle_breakpoint(&mut self, line: u32) {
        if line == 0 || line > lines::line_count(&self.code) {
            return;
        }
        if !self.breakpoints.remove(&line) {
            self.breakpoints.insert(line);
        }
    }

    /// The error to mark: the last run's exception or syntax error, unless the code was edited since.
    fn error_mark(&self, model: &Model) -> Option<ErrorMark> {
        let end = model.end.as_ref()?;
        if !matches!(end.outcome, Outcome::Exception | Outcome::SyntaxError)
            || self.error_hidden_for_run == Some(model.run_id())
        {
            return None;
        }
        let column = if end.outcome == Outcome::SyntaxError { end.column } else { None };
        Some(ErrorMark { line: end.line?, column, message: end.message.trim().to_owned() })
    }

    /// Notes a change of the text since the last look: moves the breakpoints with their lines and
    /// hides the error mark (it describes code that is no longer there).
    fn note_change(&mut self, model: &Model) {
        if self.code == self.seen_code {
            return;
        }
        self.breakpoints = lines::remap_breakpoints(&self.breakpoints, &self.seen_code, &self.code);
        self.seen_code.clone_from(&self.code);
        if model.end.is_some() {
            self.error_hidden_for_run = Some(model.run_id());
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        // Text put in from outside (a lesson's Load) moves breakpoints too, but is not an edit.
        self.note_change(model);
        let palette = Palette::of(ui);
        let font = theme::code_font();
        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&font));
        let code_theme = if ui.visuals().dark_mode {
            CodeTheme::dark(theme::font::CODE)
        } else {
            CodeTheme::light(theme::font::CODE)
        };
        let error = self.error_mark(model);
        let marks = if self.marks_hidden_for_run == Some(model.run_id()) {
            RowMarks { about_to_run: None, just_run: None, error: None }
        } else {
            RowMarks {
                // An exception step's line is marked as an error only while the error is shown.
                // With no steps (a syntax error) nothing is about to run; the error mark says it all.
                about_to_run: model
                    .marked_line()
                    .filter(|(_, mark)| !model.is_empty() && (*mark == LineMark::Current || error.is_some())),
                just_run: model.line_just_run(),
                error,
            }
        };
        let generation = model.snapshot_generation();
        let scroll_to_mark = self.scrolled_for != Some(generation);
        self.scrolled_for = Some(generation);

        let digit_width = ui.fonts_mut(|fonts| fonts.glyph_width(&font, '0'));
        let gutter = Gutter::new(lines::line_count(&self.code), digit_width, row_height);
        let mut commands = Vec::new();

        egui::Frame::new().fill(ui.visuals().extreme_bg_color).show(ui, |ui| {
            ScrollArea::both().id_salt("editor_scroll").auto_shrink(false).show(ui, |ui| {
                let visible_rows = (ui.available_height() / row_height).floor().max(1.0) as usize;
                ui.horizontal_top(|ui| {
                    ui.spacing_mut().item_spacing.x = 0.0;
                    let (gutter_rect, _) = ui.allocate_exact_size(vec2(gutter.width(), row_height), Sense::hover());
                    // Reserved now so the line backgrounds are painted under the text.
                    let backgrounds = [ui.painter().add(Shape::Noop), ui.painter().add(Shape::Noop)];
                    let tab_pressed = ui.input(|input| input.key_pressed(Key::Tab) && input.modifiers.is_none());

                    let mut layouter = |ui: &Ui, text: &dyn TextBuffer, _wrap_width: f32| {
                        let mut job =
                            syntax_highlighting::highlight(ui.ctx(), ui.style(), &code_theme, text.as_str(), "py");
                        job.wrap.max_width = f32::INFINITY;
                        ui.fonts_mut(|fonts| fonts.layout_job(job))
                    };
                    let mut output = TextEdit::multiline(&mut self.code)
                        .id_salt("code_editor")
                        .font(font.clone())
                        .code_editor()
                        .frame(egui::Frame::NONE)
                        .desired_width(f32::INFINITY)
                        .desired_rows(visible_rows)
                        .cursor_at_end(true)
                        .layouter(&mut layouter)
                        .show(ui);
                    let response = output.response.response.clone().accessible_name("Code editor");
                    if self.focus_pending {
                        response.request_focus();
                        self.focus_pending = false;
                    }
                    if tab_pressed && response.changed() {
                        expand_tab(&mut self.code, &mut output.state, ui.ctx(), response.id);
                    }
                    if let Some(range) = output.cursor_range {
                        self.cursor = Some(range.primary.index.0);
                    }
                    if response.changed() {
                        self.edits += 1;
                        self.note_change(model);
                    }

                    // The gutter stays at the left edge when the code is scrolled sideways.
                    let clip = ui.clip_rect();
                    let gutter_left = gutter_rect.left().max(clip.left());
                    let text_left = gutter_left + gutter.width();
                    let area = gutter::Area {
                        left: gutter_left,
                        text_left,
                        right: clip.right().max(response.rect.right()),
                        origin: output.galley_pos - vec2(output.galley.rect.left(), 0.0),
                    };
                    let drawn = gutter.show(ui, &output.galley, &area, &marks, &self.breakpoints, &palette);
                    commands.extend(drawn.toggled.into_iter().map(Command::ToggleBreakpoint));
                    for (shape, (rect, fill)) in backgrounds.into_iter().zip(drawn.backgrounds) {
                        ui.painter().set(shape, Shape::rect_filled(rect, 0.0, fill));
                    }
                    // Only up or down: the row's band is wider than the view.
                    if scroll_to_mark
                        && let Some(rect) = drawn.mark_rect
                        && !clip.y_range().contains(rect.top())
                    {
                        let target = Rect::from_x_y_ranges(clip.left()..=clip.left() + 1.0, rect.y_range());
                        ui.scroll_to_rect(target, Some(egui::Align::Center));
                    }
                    let separator_x = text_left - space::GUTTER_PAD / 2.0;
                    ui.painter().vline(
                        separator_x,
                        clip.y_range(),
                        egui::Stroke::new(1.0, palette.gutter_text.gamma_multiply(0.4)),
                    );
                });
            });
        });
        commands
    }
}

/// The rectangle spanning a row of the editor, from the gutter to the right edge.
fn row_band(left: f32, right: f32, row: Rect) -> Rect {
    Rect::from_x_y_ranges(left..=right, row.y_range())
}

/// Replaces the tab the editor just inserted before the cursor with spaces up to the next indent stop.
fn expand_tab(code: &mut String, state: &mut egui::text_edit::TextEditState, ctx: &egui::Context, id: egui::Id) {
    let Some(range) = state.cursor.char_range() else { return };
    let cursor = range.primary.index.0;
    if cursor == 0 {
        return;
    }
    let Some((byte, '\t')) = code.char_indices().nth(cursor - 1) else { return };
    let column = code[..byte].chars().rev().take_while(|&c| c != '\n').count();
    let width = INDENT.len() - column % INDENT.len();
    code.replace_range(byte..byte + 1, &INDENT[..width]);
    state.cursor.set_char_range(Some(CCursorRange::one(CCursor::new(cursor - 1 + width))));
    state.clone().store(ctx, id);
}
