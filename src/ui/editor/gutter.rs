//! The editor's gutter and line marks: line numbers, breakpoint dots (each line number is a button
//! that sets or clears its breakpoint), the arrows for the line about to run and the line just run,
//! and the error line with its message (and, for a syntax error, a caret under its column).

use std::collections::BTreeSet;

use egui::accesskit::Role;
use egui::text::CCursor;
use egui::{
    Align2, Color32, CornerRadius, FontId, Galley, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Ui, WidgetInfo, pos2,
    vec2,
};

use super::super::model::LineMark;
use super::super::theme::{self, Palette, space};
use super::row_band;

/// The error the editor marks: its line (1-based), for a syntax error the column (1-based), and
/// the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorMark {
    pub line: u32,
    pub column: Option<u32>,
    pub message: String,
}

impl ErrorMark {
    /// "line 2, column 5: SyntaxError: invalid syntax": the place first, and not repeated at the
    /// end as the run's message has it.
    pub fn describe(&self) -> String {
        let message = match self.message.rfind(" (line ") {
            Some(place) if self.message.ends_with(')') => &self.message[..place],
            _ => self.message.as_str(),
        };
        match self.column {
            Some(column) => format!("line {}, column {column}: {message}", self.line),
            None => format!("line {}: {message}", self.line),
        }
    }
}

/// What the rows are marked with this frame.
pub struct RowMarks {
    /// The line about to run, as the model marks it.
    pub about_to_run: Option<(u32, LineMark)>,
    /// The line run last in the frame shown.
    pub just_run: Option<u32>,
    pub error: Option<ErrorMark>,
}

/// Where the editor is on screen: the gutter's left edge, the text's left edge, the right edge of
/// the row highlights, and the galley's origin.
pub struct Area {
    pub left: f32,
    pub text_left: f32,
    pub right: f32,
    pub origin: Pos2,
}

/// What drawing the gutter produced.
pub struct Drawn {
    /// Lines whose breakpoint was clicked.
    pub toggled: Vec<u32>,
    /// Row highlights to paint under the text (the line about to run, the error line).
    pub backgrounds: Vec<(Rect, Color32)>,
    /// The row of the line about to run (or the error), to scroll to when the step changes.
    pub mark_rect: Option<Rect>,
}

/// The gutter's columns: a breakpoint dot, the line number, an arrow; then the text.
pub struct Gutter {
    digits: usize,
    digit_width: f32,
    /// The width of the dot and of the arrow column.
    marker: f32,
}

impl Gutter {
    pub fn new(line_count: u32, digit_width: f32, row_height: f32) -> Self {
        Gutter { digits: line_count.to_string().len().max(2), digit_width, marker: row_height }
    }

    pub fn width(&self) -> f32 {
        self.marker * 2.0 + self.digit_width * self.digits as f32 + space::GUTTER_PAD
    }

    /// Draws every visible line's gutter and marks; returns the clicks and what to paint under the text.
    pub fn show(
        &self,
        ui: &mut Ui,
        galley: &Galley,
        area: &Area,
        marks: &RowMarks,
        breakpoints: &BTreeSet<u32>,
        palette: &Palette,
    ) -> Drawn {
        let mut drawn = Drawn { toggled: Vec::new(), backgrounds: Vec::new(), mark_rect: None };
        let clip = ui.clip_rect();
        let font = theme::code_font();
        let arrow_right = area.text_left - space::GUTTER_PAD / 2.0 - 2.0;
        let number_right = arrow_right - self.marker;
        // Over any code scrolled in under it.
        let gutter_band = |y_range| Rect::from_x_y_ranges(area.left..=area.text_left, y_range);
        ui.painter().rect_filled(gutter_band(clip.y_range()), 0.0, ui.visuals().extreme_bg_color);
        let mut line = 0u32;
        for (index, row) in galley.rows.iter().enumerate() {
            // No wrapping: every row starts a line, but be exact about it anyway.
            if index > 0 && !galley.rows[index - 1].ends_with_newline {
                continue;
            }
            line += 1;
            let row_rect = row.rect().translate(area.origin.to_vec2());
            let band = row_band(area.left, area.right, row_rect);
            let about_to_run = marks.about_to_run.filter(|(marked, _)| *marked == line).map(|(_, mark)| mark);
            let is_error_line = marks.error.as_ref().is_some_and(|error| error.line == line);
            if let Some(mark) = about_to_run {
                let fill = match mark {
                    LineMark::Current => palette.current_line_bg,
                    LineMark::Error => palette.error_line_bg,
                };
                drawn.backgrounds.push((band, fill));
                drawn.mark_rect = Some(band);
            }
            if is_error_line {
                drawn.backgrounds.push((band, palette.error_line_bg));
                drawn.mark_rect.get_or_insert(band);
            }
            if row_rect.bottom() < clip.top() || row_rect.top() > clip.bottom() {
                continue;
            }
            // The row's highlight, under the numbers and marks, where the gutter covered it.
            if let Some((_, fill)) = drawn.backgrounds.iter().rev().find(|(rect, _)| *rect == band) {
                ui.painter().rect_filled(gutter_band(row_rect.y_range()), 0.0, *fill);
            }

            let has_breakpoint = breakpoints.contains(&line);
            let mid_y = row_rect.center().y;
            let number_color = if about_to_run.is_some() { palette.gutter_current } else { palette.gutter_text };
            ui.painter().text(
                pos2(number_right, row_rect.top()),
                Align2::RIGHT_TOP,
                line.to_string(),
                font.clone(),
                number_color,
            );
            if has_breakpoint {
                let center = pos2(area.left + self.marker / 2.0, mid_y);
                ui.painter().circle_filled(center, self.marker * 0.3, palette.breakpoint);
            }
            let arrow_box = Rect::from_x_y_ranges(arrow_right - self.marker..=arrow_right, row_rect.y_range());
            if marks.just_run == Some(line) {
                let points = arrow(arrow_box.shrink(self.marker * 0.22));
                ui.painter().add(Shape::closed_line(points, Stroke::new(1.5, palette.just_run_arrow)));
            }
            if about_to_run.is_some() {
                let points = arrow(arrow_box.shrink(self.marker * 0.2));
                ui.painter().add(Shape::convex_polygon(points, palette.next_line_arrow, Stroke::NONE));
            }

            let button_rect = Rect::from_x_y_ranges(area.left..=arrow_right, row_rect.y_range());
            let id = ui.scope_id().with(("gutter_line", line));
            let response = ui.interact(button_rect, id, Sense::click());
            let label = if has_breakpoint { format!("Line {line}, breakpoint") } else { format!("Line {line}") };
            response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
            let state = describe_marks(about_to_run.is_some(), marks.just_run == Some(line));
            if !state.is_empty() {
                ui.ctx().accesskit_node_builder(id, |node| node.set_description(state.clone()));
            }
            let hint = if has_breakpoint { "Click to clear the breakpoint" } else { "Click to set a breakpoint" };
            if response.on_hover_text(hint).clicked() {
                drawn.toggled.push(line);
            }
        }
        if let Some(error) = &marks.error {
            self.show_error(ui, galley, area, error, palette);
        }
        drawn
    }

    /// The error's message in a box after the end of its line, and a caret under a syntax error's
    /// column.
    fn show_error(&self, ui: &mut Ui, galley: &Galley, area: &Area, error: &ErrorMark, palette: &Palette) {
        let Some(row) = galley.rows.get(error.line.saturating_sub(1) as usize) else { return };
        let row_rect = row.rect().translate(area.origin.to_vec2());
        if let Some(column) = error.column.filter(|&column| column > 0) {
            let index = galley_line_start(galley, error.line) + column as usize - 1;
            let x = area.origin.x + galley.pos_from_cursor(CCursor::new(index)).left() + self.digit_width / 2.0;
            let size = row_rect.height() * 0.28;
            let bottom = row_rect.bottom();
            let points = vec![pos2(x, bottom - size), pos2(x + size, bottom), pos2(x - size, bottom)];
            ui.painter().add(Shape::convex_polygon(points, palette.error, Stroke::NONE));
        }

        let text = error.describe();
        let font = FontId::proportional(theme::font::SMALL);
        let text_galley = ui.painter().layout_no_wrap(text.clone(), font, palette.error);
        let padding = vec2(space::ITEM / 2.0, 1.0);
        let top = row_rect.center().y - text_galley.size().y / 2.0 - padding.y;
        let chip =
            Rect::from_min_size(pos2(row_rect.right() + space::ITEM * 2.0, top), text_galley.size() + padding * 2.0);
        let stroke = Stroke::new(1.0, palette.error);
        ui.painter().rect(chip, CornerRadius::same(3), palette.error_line_bg, stroke, StrokeKind::Inside);
        ui.painter().galley(chip.min + padding, text_galley, palette.error);
        let response = ui.interact(chip, ui.scope_id().with("error_message"), Sense::hover());
        response.widget_info(|| WidgetInfo::labeled(Role::Label, true, format!("Error on {text}")));
    }
}

/// What the arrows in the gutter say, for screen readers and tests.
fn describe_marks(about_to_run: bool, just_run: bool) -> String {
    match (about_to_run, just_run) {
        (true, true) => "about to run, just ran".to_owned(),
        (true, false) => "about to run".to_owned(),
        (false, true) => "just ran".to_owned(),
        (false, false) => String::new(),
    }
}

/// A right-pointing triangle filling `rect`'s height.
fn arrow(rect: Rect) -> Vec<Pos2> {
    let half = rect.height() / 2.0;
    let left = rect.right() - half * 1.6;
    vec![pos2(left, rect.top()), pos2(rect.right(), rect.center().y), pos2(left, rect.bottom())]
}

/// The character index where 1-based `line` starts in the galley (one row per line: no wrapping).
fn galley_line_start(galley: &Galley, line: u32) -> usize {
    let rows = galley.rows.iter().take(line.saturating_sub(1) as usize);
    rows.map(|row| row.char_count_including_newline().0).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_names_the_place_once() {
        let syntax =
            ErrorMark { line: 2, column: Some(5), message: "SyntaxError: invalid syntax (line 2, column 5)".into() };
        assert_eq!(syntax.describe(), "line 2, column 5: SyntaxError: invalid syntax");
        let exception = ErrorMark { line: 3, column: None, message: "ZeroDivisionError: division by zero".into() };
        assert_eq!(exception.describe(), "line 3: ZeroDivisionError: division by zero");
    }
}
