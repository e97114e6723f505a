//! One row of slots, as the list view and the hash-table view draw them: numbered boxes, filled,
//! hollow (allocated but empty) or marked, wrapping to the pane's width. Each slot is a widget with
//! its own accessible name, so the row can be read (and tested) slot by slot.

use egui::{Align2, Color32, CornerRadius, FontId, Sense, Stroke, StrokeKind, Ui, vec2};

use crate::ui::theme::{InternalsPalette, internals as size};

/// How one slot looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Filled,
    /// Allocated, nothing in it: drawn hollow.
    Hollow,
    /// A deleted entry's tombstone.
    Dummy,
}

pub struct SlotCell {
    pub index: u64,
    /// What the slot shows (an item's repr, an entry number), already short.
    pub text: String,
    pub look: Look,
    /// Outlined as a collision (an entry away from its home slot).
    pub collided: bool,
    /// Its place in the chosen entry's probe sequence (1 = the home slot).
    pub probe_step: Option<usize>,
    /// The accessible name ("slot 3: entry 1, not its home slot").
    pub label: String,
}

/// Draws the cells left to right, wrapping; returns the index of a clicked slot.
pub fn show(ui: &mut Ui, cells: &[SlotCell], palette: &InternalsPalette) -> Option<u64> {
    let mut clicked = None;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = vec2(size::SLOT_GAP, size::SLOT_GAP);
        for cell in cells {
            let (rect, response) = ui.allocate_exact_size(vec2(size::SLOT_WIDTH, size::SLOT_HEIGHT), Sense::click());
            let response = response.accessible_name(&cell.label).on_hover_text(&cell.label);
            if response.clicked() {
                clicked = Some(cell.index);
            }
            let corner = CornerRadius::same(size::SLOT_CORNER);
            let (fill, text_color) = match cell.look {
                Look::Filled => (palette.filled, palette.filled_text),
                Look::Hollow => (Color32::TRANSPARENT, palette.empty_outline),
                Look::Dummy => (palette.dummy, palette.filled_text),
            };
            let painter = ui.painter();
            painter.rect_filled(rect, corner, fill);
            let outline = if cell.probe_step.is_some() {
                Stroke::new(size::SLOT_STRONG_OUTLINE, palette.probe)
            } else if cell.collided {
                Stroke::new(size::SLOT_STRONG_OUTLINE, palette.collision)
            } else {
                Stroke::new(size::SLOT_OUTLINE, palette.empty_outline)
            };
            painter.rect_stroke(rect, corner, outline, StrokeKind::Inside);
            let small = FontId::proportional(size::SLOT_INDEX_FONT);
            let pad = size::SLOT_PAD;
            painter.text(rect.left_top() + vec2(pad, 0.0), Align2::LEFT_TOP, cell.index, small.clone(), text_color);
            if let Some(step) = cell.probe_step {
                let at = rect.right_top() + vec2(-pad, 0.0);
                painter.text(at, Align2::RIGHT_TOP, format!("{step}."), small, palette.probe);
            }
            // Below the number row.
            let body = FontId::monospace(size::SLOT_TEXT_FONT);
            let middle = rect.center() + vec2(0.0, size::SLOT_INDEX_FONT / 2.0);
            painter.text(middle, Align2::CENTER_CENTER, &cell.text, body, text_color);
        }
    });
    clicked
}

/// `text` cut to `max` characters with `…`.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shortening_counts_characters() {
        assert_eq!(shorten("'héllo'", 7), "'héllo'");
        assert_eq!(shorten("'héllo wörld'", 5), "'hél…");
    }
}
