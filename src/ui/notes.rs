//! The Notes tab: the learner's note for the open lesson, a Markdown editor with a live preview
//! beside it (below it when the panel is narrow). The store autosaves every change; the line at the
//! top says whether the note is saved. "Add code" and "Add output" put the editor's program or the
//! output shown into the note, as fenced blocks, at the note's cursor (or at its end).

use std::path::Path;

use egui::text::LayoutJob;
use egui::text::{CCursor, CCursorRange};
use egui::{ComboBox, Frame, Margin, RichText, ScrollArea, TextEdit, TextStyle, TextWrapMode, Ui};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};
use egui_extras::syntax_highlighting::{self, CodeTheme};

use super::commands::{self, Command, CommandStates, NoteCommand};
use super::markdown::MarkdownPiece as Piece;
use super::model::Model;
use super::notices::Notice;
use super::progress::LessonSummary;
use super::theme::{self, Palette, space};
use crate::store::{LessonId, NotesStore, StoreError};

/// Output longer than this is cut (from the start) when added to a note.
pub const MAX_OUTPUT_IN_NOTE: usize = 20_000;

/// How the note stands with the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Changed; the store saves it within about a second.
    Saving,
    /// The store's message; the note is kept in memory and saving is retried.
    Failed(String),
}

impl SaveState {
    pub fn of(notes: &NotesStore, lesson: &LessonId) -> SaveState {
        match notes.save_problem(lesson) {
            Some(problem) => SaveState::Failed(problem.to_owned()),
            None if notes.is_unsaved(lesson) => SaveState::Saving,
            None => SaveState::Saved,
        }
    }
}

/// What the panel shows this frame.
pub struct NotesView<'a> {
    /// The open lesson; `None` when there are no lessons at all.
    pub lesson: Option<&'a LessonId>,
    pub lessons: &'a [LessonSummary],
    /// The note's text as the store has it.
    pub text: &'a str,
    pub save_state: SaveState,
    /// Where the note is saved.
    pub path: Option<&'a Path>,
    /// A conflict notice about this note that is still shown.
    pub conflict: Option<&'a Notice>,
    pub states: &'a CommandStates,
}

#[derive(Default)]
pub struct NotesPanel {
    /// The note the editor edits: a copy of the store's text, refreshed whenever they differ (after
    /// a conflict the store holds the version on disk).
    buffer: String,
    buffer_lesson: Option<LessonId>,
    /// The note's text cursor (a character index) as last seen, for "Add to notes".
    cursor: Option<(LessonId, usize)>,
    /// After an insertion: put the cursor here and focus the editor, next frame.
    move_cursor_to: Option<(LessonId, usize)>,
    preview: CommonMarkCache,
    /// The note the preview was split from, and its pieces; split again only when the note changes.
    pieces: Option<(String, Vec<Piece>)>,
}

impl NotesPanel {
    pub fn ui(&mut self, ui: &mut Ui, view: &NotesView<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let palette = Palette::of(ui);
        header(ui, view, palette, &mut commands);
        ui.horizontal(|ui| {
            for command in [Command::Notes(NoteCommand::AddCode), Command::Notes(NoteCommand::AddOutput)] {
                let Some(spec) = commands::spec_of(&command) else { continue };
                let label = spec.label.trim_end_matches(" to notes");
                let tooltip = commands::tooltip(ui.ctx(), spec);
                let button = ui.add_enabled(view.states.enabled(&command), egui::Button::new(label));
                if button.on_hover_text(&tooltip).on_disabled_hover_text(&tooltip).accessible_name(spec.label).clicked()
                {
                    commands.push(command);
                }
            }
        });
        if let Some(conflict) = view.conflict {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&conflict.text).color(palette.warn));
                if ui.small_button("Dismiss").accessible_name("Dismiss conflict notice").clicked() {
                    commands.push(Command::DismissNotice(Some(conflict.id)));
                }
            });
        }
        ui.separator();
        let Some(lesson) = view.lesson else {
            ui.label(RichText::new("There are no lessons, so there is no note to show.").color(palette.weak));
            return commands;
        };
        if self.buffer_lesson.as_ref() != Some(lesson) || self.buffer != view.text {
            view.text.clone_into(&mut self.buffer);
            self.buffer_lesson = Some(lesson.clone());
        }
        let side_by_side = ui.available_width() >= space::NOTES_SIDE_BY_SIDE_WIDTH;
        if side_by_side {
            ui.columns(2, |columns| {
                self.editor(&mut columns[0], lesson, &mut commands);
                self.preview(&mut columns[1], palette);
            });
        } else {
            let half = (ui.available_height() - space::SECTION) / 2.0;
            ui.allocate_ui(egui::vec2(ui.available_width(), half), |ui| self.editor(ui, lesson, &mut commands));
            ui.separator();
            self.preview(ui, palette);
        }
        commands
    }

    fn editor(&mut self, ui: &mut Ui, lesson: &LessonId, commands: &mut Vec<Command>) {
        ui.label(RichText::new("Your note (Markdown)").strong());
        let height = ui.available_height();
        ScrollArea::vertical().id_salt(("note_editor_scroll", lesson.as_str())).auto_shrink(false).show(ui, |ui| {
            let mut output = TextEdit::multiline(&mut self.buffer)
                .id_salt(("note_editor", lesson.as_str()))
                .font(TextStyle::Monospace)
                .hint_text("Write what you learned here. Markdown works: # headings, *emphasis*, ```code```.")
                .desired_width(f32::INFINITY)
                .min_size(egui::vec2(0.0, height))
                .show(ui);
            let response = output.response.response.clone().accessible_name("Note editor");
            if response.changed() {
                let lesson = lesson.to_string();
                commands.push(Command::Notes(NoteCommand::Edit { lesson, text: self.buffer.clone() }));
            }
            if let Some((for_lesson, at)) = self.move_cursor_to.take() {
                if &for_lesson == lesson {
                    let range = CCursorRange::one(CCursor::new(at));
                    output.state.cursor.set_char_range(Some(range));
                    output.state.clone().store(ui.ctx(), response.id);
                    response.request_focus();
                    self.cursor = Some((for_lesson, at));
                }
            } else if let Some(range) = output.cursor_range {
                self.cursor = Some((lesson.clone(), range.primary.index.0));
            }
        });
    }

    fn preview(&mut self, ui: &mut Ui, palette: Palette) {
        ui.label(RichText::new("Preview").strong());
        if self.pieces.as_ref().is_none_or(|(text, _)| *text != self.buffer) {
            self.pieces = Some((self.buffer.clone(), split_for_preview(&self.buffer)));
        }
        let builder = egui::UiBuilder::new().accessibility_label("Note preview");
        ui.scope_builder(builder, |ui| {
            ScrollArea::vertical().id_salt("note_preview_scroll").auto_shrink(false).show(ui, |ui| {
                let Some((text, pieces)) = &self.pieces else { return };
                if text.trim().is_empty() {
                    ui.label(RichText::new("The formatted note appears here as you type.").color(palette.weak));
                }
                for (index, piece) in pieces.iter().enumerate() {
                    match piece {
                        Piece::Prose(range) => {
                            if let Some(prose) = text.get(range.clone()) {
                                CommonMarkViewer::new().show(ui, &mut self.preview, prose);
                            }
                        }
                        Piece::Code { language, code } => code_block(ui, index, language, code),
                    }
                }
            });
        });
    }

    /// `note` with `block` inserted where the note's cursor was (its end if the cursor is unknown or
    /// in another lesson's note); the cursor goes after the block next frame.
    pub fn insert(&mut self, lesson: &LessonId, note: &str, block: &str) -> String {
        let at = self.cursor.as_ref().filter(|(cursor_lesson, _)| cursor_lesson == lesson).map(|(_, at)| *at);
        let (text, after) = insert_block(note, at, block);
        self.move_cursor_to = Some((lesson.clone(), after));
        text
    }
}

/// The lesson selector and the save state.
fn header(ui: &mut Ui, view: &NotesView<'_>, palette: Palette, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("Lesson");
        let selected = view
            .lesson
            .map(|id| view.lessons.iter().find(|lesson| &lesson.id == id).map_or(id.as_str(), |l| l.title.as_str()))
            .unwrap_or("(none)");
        let combo = ComboBox::from_id_salt("note_lesson").selected_text(selected).width(240.0).show_ui(ui, |ui| {
            for lesson in view.lessons {
                if ui.selectable_label(view.lesson == Some(&lesson.id), &lesson.title).clicked() {
                    commands.push(Command::Notes(NoteCommand::ShowLesson(lesson.id.to_string())));
                }
            }
        });
        combo.response.labelled_by(label.id).on_hover_text("Whose note is shown: the open lesson's");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (text, color) = match &view.save_state {
                SaveState::Saved => ("saved".to_owned(), palette.ok),
                SaveState::Saving => ("saving…".to_owned(), palette.warn),
                SaveState::Failed(_) => ("not saved".to_owned(), palette.error),
            };
            let hover = view.path.map_or_else(String::new, |path| format!("Saved as {}", path.display()));
            ui.label(RichText::new(text).color(color)).on_hover_text(hover);
        });
    });
    if let SaveState::Failed(problem) = &view.save_state {
        let text = format!("{problem}. Your note is kept in pyxray and saving is retried every few seconds.");
        ui.add(egui::Label::new(RichText::new(text).color(palette.error)).wrap());
    }
}

/// The note as prose and top-level code blocks, in order.
fn split_for_preview(text: &str) -> Vec<Piece> {
    super::markdown::split_code_blocks(text)
}

/// A code block of the preview: highlighted Python (or plain text), scrolling sideways when long.
fn code_block(ui: &mut Ui, index: usize, language: &str, code: &str) {
    let code_theme =
        if ui.visuals().dark_mode { CodeTheme::dark(theme::font::CODE) } else { CodeTheme::light(theme::font::CODE) };
    let syntax = match language {
        "python" | "py" | "python3" | "pycon" => Some("py"),
        "" | "text" | "txt" | "output" => None,
        other => Some(other),
    };
    let mut job = match syntax {
        Some(syntax) => syntax_highlighting::highlight(ui.ctx(), ui.style(), &code_theme, code, syntax),
        None => LayoutJob::simple(code.to_owned(), theme::code_font(), ui.visuals().text_color(), f32::INFINITY),
    };
    job.wrap.max_width = f32::INFINITY;
    ui.add_space(space::ITEM / 2.0);
    Frame::new().fill(ui.visuals().extreme_bg_color).inner_margin(Margin::same(6)).corner_radius(4.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ScrollArea::horizontal().id_salt(("note_code_block", index)).auto_shrink([false, true]).show(ui, |ui| {
            ui.add(egui::Label::new(job).wrap_mode(TextWrapMode::Extend).selectable(true));
        });
    });
    ui.add_space(space::ITEM / 2.0);
}

/// A fenced Markdown code block. The fence is longer than any run of backticks in `body`, so the
/// block cannot end early.
pub fn fenced_block(language: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let body = body.trim_end_matches(['\n', '\r']);
    format!("{fence}{language}\n{body}\n{fence}\n")
}

/// `note` with `block` inserted at character `at` (the end when `None` or past the end), on lines
/// of its own with a blank line before and after; and the character index just after the block.
pub fn insert_block(note: &str, at: Option<usize>, block: &str) -> (String, usize) {
    let byte = at.and_then(|at| note.char_indices().nth(at).map(|(byte, _)| byte)).unwrap_or(note.len());
    let (before, after) = note.split_at(byte);
    let lead = if before.is_empty() || before.ends_with("\n\n") {
        ""
    } else if before.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let trail = if after.is_empty() || after.starts_with("\n") { "" } else { "\n" };
    let inserted = format!("{lead}{block}{trail}");
    let cursor = before.chars().count() + lead.chars().count() + block.chars().count();
    (format!("{before}{inserted}{after}"), cursor)
}

/// The output the Output tab shows at the current step, for a note: its last
/// [`MAX_OUTPUT_IN_NOTE`] bytes, stdout and stderr in the order written.
pub fn shown_output(model: &Model) -> String {
    if !model.has_run() {
        return String::new();
    }
    let mut text = String::new();
    for (_, chunk) in model.trace.output_upto(model.step()) {
        text.push_str(chunk);
    }
    if text.len() > MAX_OUTPUT_IN_NOTE {
        let mut start = text.len() - MAX_OUTPUT_IN_NOTE;
        while !text.is_char_boundary(start) {
            start += 1;
        }
        text = format!("[... earlier output left out ...]\n{}", &text[start..]);
    }
    text
}

/// Whether the Output tab shows anything at the current step.
pub fn has_shown_output(model: &Model) -> bool {
    model.has_run() && model.trace.output_upto(model.step()).any(|(_, chunk)| !chunk.is_empty())
}

/// Every note as one Markdown file, in course order (File > Export notes as Markdown…).
pub fn export_notes(notes: &mut NotesStore, lessons: &[LessonSummary], target: &Path) -> Result<(), StoreError> {
    let titles: Vec<(LessonId, String)> =
        lessons.iter().map(|lesson| (lesson.id.clone(), lesson.title.clone())).collect();
    notes.export_to_file(&titles, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_fenced_safely() {
        assert_eq!(fenced_block("python", "x = 1\n"), "```python\nx = 1\n```\n");
        assert_eq!(fenced_block("text", "a ```` b"), "`````text\na ```` b\n`````\n");
        assert_eq!(fenced_block("text", ""), "```text\n\n```\n");
    }

    #[test]
    fn the_preview_draws_top_level_code_blocks_itself() {
        let note =
            "# Title\n\nText\n\n```python\nx = 1\n```\n\n- item\n\n  ```\n  nested\n  ```\n\n````text\nhello\n````\n";
        let pieces = split_for_preview(note);
        let code = |language: &str, code: &str| Piece::Code { language: language.into(), code: code.into() };
        assert_eq!(pieces.len(), 4, "{pieces:?}");
        assert!(matches!(&pieces[0], Piece::Prose(range) if note[range.clone()].trim() == "# Title\n\nText"));
        assert_eq!(pieces[1], code("python", "x = 1"));
        assert!(matches!(&pieces[2], Piece::Prose(range) if note[range.clone()].contains("nested")));
        assert_eq!(pieces[3], code("text", "hello"));
        assert_eq!(split_for_preview(""), []);
        assert_eq!(split_for_preview("```\nopen"), [code("", "open")]);
    }

    #[test]
    fn blocks_go_on_their_own_lines_at_the_cursor_or_the_end() {
        let block = "```python\nx\n```\n";
        assert_eq!(insert_block("", None, block), (block.to_owned(), block.len()));
        let (text, cursor) = insert_block("intro", None, block);
        assert_eq!(text, format!("intro\n\n{block}"));
        assert_eq!(cursor, text.chars().count());
        let (text, cursor) = insert_block("é first\nsecond", Some(7), block);
        assert_eq!(text, format!("é first\n\n{block}\nsecond"));
        assert_eq!(text.chars().take(cursor).collect::<String>(), format!("é first\n\n{block}"));
        let (text, _) = insert_block("a\n\nb", Some(3), block);
        assert_eq!(text, format!("a\n\n{block}\nb"));
        assert_eq!(insert_block("ab", Some(99), block).0, format!("ab\n\n{block}"));
    }
}
