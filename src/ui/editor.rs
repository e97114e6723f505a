//! The code editor: Python with syntax highlighting, line numbers in a gutter, and the line about to
//! run at the current step marked.

use egui::text::{CCursor, CCursorRange};
use egui::{Align2, Key, Rect, ScrollArea, Sense, Shape, TextBuffer, TextEdit, Ui, vec2};
use egui_extras::syntax_highlighting::{self, CodeTheme};

use super::Command;
use super::model::{LineMark, Model};
use super::theme::{self, Palette, space};

/// What the editor holds when the window opens.
pub const SAMPLE_PROGRAM: &str = "\
# Press Run (Ctrl+Enter), then step with F10 and Shift+F10.
numbers = [1, 2]
alias = numbers
alias.append(3)
print(numbers)
";

/// Spaces a Tab key press inserts.
const INDENT: &str = "    ";

pub struct EditorPanel {
    pub code: String,
    focus_pending: bool,
    /// The snapshot generation the view last scrolled to, so it scrolls once per step change.
    scrolled_for: Option<u64>,
}

impl Default for EditorPanel {
    fn default() -> Self {
        EditorPanel { code: SAMPLE_PROGRAM.to_owned(), focus_pending: true, scrolled_for: None }
    }
}

impl EditorPanel {
    pub fn new(code: impl Into<String>) -> Self {
        EditorPanel { code: code.into(), ..Self::default() }
    }

    pub fn ui(&mut self, ui: &mut Ui, model: &Model) -> Vec<Command> {
        let palette = Palette::of(ui);
        let font = theme::code_font();
        let row_height = ui.fonts_mut(|fonts| fonts.row_height(&font));
        let code_theme = if ui.visuals().dark_mode {
            CodeTheme::dark(theme::font::CODE)
        } else {
            CodeTheme::light(theme::font::CODE)
        };
        let marked = model.marked_line();
        let generation = model.snapshot_generation();
        let scroll_to_mark = self.scrolled_for != Some(generation);
        self.scrolled_for = Some(generation);

        let line_count = self.code.bytes().filter(|&b| b == b'\n').count() + 1;
        let digit_width = ui.fonts_mut(|fonts| fonts.glyph_width(&font, '0'));
        let gutter_width = digit_width * line_count.to_string().len().max(2) as f32 + space::GUTTER_PAD * 2.0;

        egui::Frame::new().fill(ui.visuals().extreme_bg_color).show(ui, |ui| {
            ScrollArea::both().id_salt("editor_scroll").auto_shrink(false).show(ui, |ui| {
                let visible_rows = (ui.available_height() / row_height).floor().max(1.0) as usize;
                ui.horizontal_top(|ui| {
                    ui.spacing_mut().item_spacing.x = 0.0;
                    let (gutter, _) = ui.allocate_exact_size(vec2(gutter_width, row_height), Sense::hover());
                    // Reserved now so the line mark is painted under the text.
                    let mark_shape = ui.painter().add(Shape::Noop);
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

                    let origin = output.galley_pos - vec2(output.galley.rect.left(), 0.0);
                    let clip = ui.clip_rect();
                    let text_left = response.rect.left();
                    let right = clip.right().max(response.rect.right());
                    let mut line = 1u32;
                    for (index, row) in output.galley.rows.iter().enumerate() {
                        let row_rect = row.rect().translate(origin.to_vec2());
                        let starts_line = index == 0 || output.galley.rows[index - 1].ends_with_newline;
                        if index > 0 && starts_line {
                            line += 1;
                        }
                        let mark = marked.filter(|(marked_line, _)| *marked_line == line).map(|(_, mark)| mark);
                        if let Some(mark) = mark {
                            let fill = match mark {
                                LineMark::Current => palette.current_line_bg,
                                LineMark::Error => palette.error_line_bg,
                            };
                            let rect = Rect::from_x_y_ranges(gutter.left()..=right, row_rect.y_range());
                            ui.painter().set(mark_shape, Shape::rect_filled(rect, 0.0, fill));
                            if scroll_to_mark && !clip.contains_rect(rect) {
                                ui.scroll_to_rect(rect, Some(egui::Align::Center));
                            }
                        }
                        if starts_line && row_rect.bottom() >= clip.top() && row_rect.top() <= clip.bottom() {
                            let color = if mark.is_some() { palette.gutter_current } else { palette.gutter_text };
                            ui.painter().text(
                                egui::pos2(text_left - space::GUTTER_PAD, row_rect.top()),
                                Align2::RIGHT_TOP,
                                line.to_string(),
                                font.clone(),
                                color,
                            );
                        }
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
        Vec::new()
    }
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
