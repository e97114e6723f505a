//! Spotlight: in presenter mode everything but one part of the slide is dimmed, so the room looks
//! where the presenter is talking. The part is the one under the mouse (in either window); when the
//! mouse is elsewhere (the bar, the speaker's column) the last one stays lit.

use egui::{Painter, Pos2, Rect, Stroke, StrokeKind};

use crate::ui::theme::presenter as look;

/// The parts of a slide Spotlight can leave lit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// The slide's text and its example's code.
    Slide,
    /// The lesson's live panel (the heap, the stack, ...).
    Panel,
    /// The program's output below it.
    Output,
}

impl Spot {
    /// "the live panel", for the bar's "spotlight on the live panel".
    pub fn name(self) -> &'static str {
        match self {
            Spot::Slide => "the slide",
            Spot::Panel => "the live panel",
            Spot::Output => "the output",
        }
    }
}

/// Where each part was drawn in the window being drawn (screen points).
#[derive(Clone, Debug, Default)]
pub struct Regions(Vec<(Spot, Rect)>);

impl Regions {
    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn note(&mut self, spot: Spot, rect: Rect) {
        if rect.is_positive() {
            self.0.retain(|(known, _)| *known != spot);
            self.0.push((spot, rect));
        }
    }

    pub fn rect(&self, spot: Spot) -> Option<Rect> {
        self.0.iter().find(|(known, _)| *known == spot).map(|(_, rect)| *rect)
    }

    /// The part the pointer is over, if any: `has_pointer` says whether a rect has it (and is not
    /// covered by another window there).
    pub fn under(&self, has_pointer: impl Fn(Rect) -> bool) -> Option<Spot> {
        self.0.iter().find(|(_, rect)| has_pointer(*rect)).map(|(spot, _)| *spot)
    }
}

/// The four pieces of `screen` around `lit` (above, below, left, right), which the shade covers.
pub fn around(screen: Rect, lit: Rect) -> [Rect; 4] {
    let lit = lit.intersect(screen);
    [
        Rect::from_min_max(screen.min, Pos2::new(screen.max.x, lit.min.y)),
        Rect::from_min_max(Pos2::new(screen.min.x, lit.max.y), screen.max),
        Rect::from_min_max(Pos2::new(screen.min.x, lit.min.y), Pos2::new(lit.min.x, lit.max.y)),
        Rect::from_min_max(Pos2::new(lit.max.x, lit.min.y), Pos2::new(screen.max.x, lit.max.y)),
    ]
}

/// Dims `screen` but `lit`, and outlines `lit`.
pub fn shade_around(painter: &Painter, screen: Rect, lit: Rect) {
    for piece in around(screen, lit).into_iter().filter(|piece| piece.is_positive()) {
        painter.rect_filled(piece, 0.0, look::spotlight_shade());
    }
    let dark = painter.ctx().global_style().visuals.dark_mode;
    painter.rect_stroke(lit, 4.0, Stroke::new(3.0, look::spotlight_ring(dark)), StrokeKind::Inside);
}

#[cfg(test)]
mod tests {
    use egui::{pos2, vec2};

    use super::*;

    #[test]
    fn the_shade_covers_everything_but_the_lit_part() {
        let screen = Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 600.0));
        let lit = Rect::from_min_max(pos2(400.0, 100.0), pos2(900.0, 450.0));
        let pieces = around(screen, lit);
        let area: f32 = pieces.iter().map(|piece| piece.area()).sum();
        assert_eq!(area, screen.area() - lit.area(), "no gap, no overlap");
        assert!(pieces.iter().all(|piece| !piece.intersects(lit.shrink(0.5))));
        for probe in [pos2(10.0, 10.0), pos2(950.0, 300.0), pos2(200.0, 300.0), pos2(500.0, 500.0)] {
            assert!(pieces.iter().any(|piece| piece.contains(probe)), "{probe:?} is shaded");
        }
    }

    #[test]
    fn the_part_under_the_mouse_is_found() {
        let mut regions = Regions::default();
        regions.note(Spot::Slide, Rect::from_min_size(Pos2::ZERO, vec2(400.0, 600.0)));
        regions.note(Spot::Panel, Rect::from_min_size(pos2(410.0, 0.0), vec2(500.0, 400.0)));
        regions.note(Spot::Output, Rect::from_min_size(pos2(410.0, 410.0), vec2(500.0, 190.0)));
        let at = |pointer: Pos2| move |rect: Rect| rect.contains(pointer);
        assert_eq!(regions.under(at(pos2(100.0, 100.0))), Some(Spot::Slide));
        assert_eq!(regions.under(at(pos2(600.0, 500.0))), Some(Spot::Output));
        assert_eq!(regions.under(at(pos2(950.0, 100.0))), None);
        assert_eq!(regions.under(|_| false), None, "no pointer");
        regions.note(Spot::Panel, Rect::from_min_size(pos2(410.0, 0.0), vec2(500.0, 300.0)));
        assert_eq!(regions.rect(Spot::Panel).map(|rect| rect.height()), Some(300.0), "the newest place counts");
    }
}
