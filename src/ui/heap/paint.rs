//! Drawing a `Diagram` with egui, inside the panel's `Scene` (diagram coordinates; the scene's
//! transform pans and zooms them), and reading clicks and hovers off its boxes and rows.
//!
//! Nothing here lays anything out: texts are galleys made once per diagram (`Galleys`), stretched
//! to the diagram's character width, so the screen matches the layout and the SVG.

use std::sync::Arc;

use egui::epaint::{CubicBezierShape, PathStroke};
use egui::text::{LayoutJob, TextFormat};
use egui::{
    Color32, CornerRadius, FontId, Galley, Id, Pos2, Rect, Sense, Shape, Stroke, StrokeKind, Ui, Vec2, pos2, vec2,
};

use super::animation::Fade;
use super::diagram::{Change, Diagram, MoreAction, Row, RowOwner, Text};
use super::svg::text_color;
use crate::trace::ObjId;
use crate::ui::commands::Selection;
use crate::ui::theme::{DiagramPalette, diagram as size};

/// What the pointer did to the diagram this frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clicked {
    Object(ObjId),
    Name { frame_id: u64, name: String },
    Frame(u64),
    More { object: ObjId, action: MoreAction },
}

/// Every text of a diagram laid out once, in `Diagram::texts` order.
pub struct Galleys {
    galleys: Vec<Arc<Galley>>,
    /// What they were made for: the diagram's generation, pixels per point, the palette.
    key: (u64, u32, bool),
}

impl Galleys {
    pub fn is_for(&self, generation: u64, pixels_per_point: f32, dark: bool) -> bool {
        self.key == (generation, pixels_per_point.to_bits(), dark)
    }

    pub fn new(ui: &Ui, diagram: &Diagram, generation: u64, palette: &DiagramPalette, dark: bool) -> Galleys {
        let font = FontId::monospace(size::FONT_SIZE);
        // egui snaps glyph advances to pixels; spacing makes every character exactly the layout's width.
        let sample = "0".repeat(20);
        let natural = ui.fonts_mut(|fonts| fonts.layout_no_wrap(sample.clone(), font.clone(), Color32::WHITE)).size().x
            / sample.len() as f32;
        let spacing = size::CHAR_WIDTH - natural;
        let galleys = ui.fonts_mut(|fonts| {
            diagram
                .texts()
                .map(|text| {
                    let format = TextFormat {
                        font_id: font.clone(),
                        color: text_color(text.role, palette),
                        extra_letter_spacing: spacing,
                        ..TextFormat::default()
                    };
                    fonts.layout_job(LayoutJob::single_section(text.text.clone(), format))
                })
                .collect()
        });
        Galleys { galleys, key: (generation, ui.ctx().pixels_per_point().to_bits(), dark) }
    }
}

pub struct PaintState<'a> {
    pub palette: DiagramPalette,
    pub selection: Option<&'a Selection>,
    /// The frame the Stack panel asked to focus.
    pub focus: Option<u64>,
    /// What fades in while the step's motion runs.
    pub fade: Option<Fade<'a>>,
    /// The step's objects, for their identity flags (small int, interned...), badged on their boxes.
    pub snapshot: Option<&'a crate::trace::Snapshot>,
}

/// Draws the diagram into `ui` (a scene's ui) and returns what was clicked.
pub fn show(ui: &mut Ui, diagram: &Diagram, galleys: &Galleys, state: &PaintState) -> Option<Clicked> {
    let visible = ui.clip_rect();
    let transform = ui.ctx().layer_transform_to_global(ui.layer_id());
    let scaling = transform.map_or(1.0, |t| t.scaling);
    // Zoomed out too far to read, rows are under a pixel or two: boxes and arrows only, plainly.
    let detailed = scaling * size::FONT_SIZE >= size::MIN_READABLE_FONT_PX;
    let mut clicked = None;
    let mut hovered: Option<ObjId> = None;
    let mut hovered_frame: Option<u64> = None;

    // Interaction first, so this frame's hover is drawn this frame. Later widgets lie on top.
    // Only what is in view takes part (and so is in the accessibility tree): a large heap costs
    // what is visible.
    let base = ui.scope_id().with("heap_diagram");
    let sense = |rect: Rect, id: Id, label: &str| {
        let response = ui.interact(rect, id, Sense::click()).accessible_name(label);
        if let Some(transform) = transform {
            let on_screen = transform * rect;
            ui.ctx().accesskit_node_builder(response.id, |node| {
                node.set_bounds(egui::accesskit::Rect {
                    x0: on_screen.min.x.into(),
                    y0: on_screen.min.y.into(),
                    x1: on_screen.max.x.into(),
                    y1: on_screen.max.y.into(),
                });
            });
        }
        response
    };
    for frame in diagram.frames.iter().filter(|f| f.rect.intersects(visible)) {
        let response = sense(frame.header, base.with(("frame", frame.frame_id)), &frame.label);
        if response.hovered() {
            hovered_frame = Some(frame.frame_id);
        }
        if response.clicked() {
            clicked = Some(Clicked::Frame(frame.frame_id));
        }
        for row in frame.rows.iter().filter(|_| detailed) {
            let response = sense(row.rect, base.with(("name", frame.frame_id, &row.owner)), &row.label);
            if response.hovered() {
                hovered = Some(row.target);
                response.clone().on_hover_text(&row.details);
            }
            if response.clicked() {
                clicked = Some(match &row.owner {
                    RowOwner::Name { frame_id, name } => Clicked::Name { frame_id: *frame_id, name: name.clone() },
                    _ => Clicked::Object(row.target),
                });
            }
        }
    }
    let mut flag_badges = Vec::new();
    for object in diagram.objects.iter().filter(|o| o.rect.intersects(visible)) {
        let response = sense(object.rect, base.with(("object", object.id)), &object.label);
        if response.clicked() {
            clicked = Some(Clicked::Object(object.id));
        }
        if let Some(badge) = detailed.then(|| flag_badge(ui, object, state)).flatten() {
            let label = format!("{}: {}", badge.words, object.label);
            if sense(badge.rect, base.with(("flags", object.id)), &label).on_hover_text(&badge.words).clicked() {
                clicked = Some(Clicked::Object(object.id));
            }
            flag_badges.push(badge);
        }
        if response.hovered() {
            hovered = Some(object.id);
            response.on_hover_text(&object.details);
        }
        for (index, row) in object.rows.iter().enumerate().filter(|_| detailed) {
            let response = sense(row.rect, base.with(("slot", object.id, index)), &row.label);
            if response.hovered() {
                hovered = Some(row.target);
                response.clone().on_hover_text(&row.details);
            }
            if response.clicked() {
                clicked = Some(Clicked::Object(row.target));
            }
        }
        for (index, more) in object.more.iter().enumerate().filter(|_| detailed) {
            let response = sense(more.rect, base.with(("more", object.id, index)), &more.label);
            if response.clicked() {
                clicked = Some(Clicked::More { object: object.id, action: more.action.clone() });
            }
            if more.action == MoreAction::NotRecorded {
                response.on_hover_text(
                    "The engine counted these items but did not record them. Raise the container size limit \
                     in Settings and run again to see them.",
                );
            }
        }
    }

    let painter = ui.painter();
    let palette = &state.palette;
    let selected_object = match state.selection {
        Some(Selection::Object(id)) => Some(*id),
        _ => None,
    };
    let draw_text = detailed;
    let mut texts = galleys.galleys.iter();
    let paint_text = |painter: &egui::Painter, galley: Option<&Arc<Galley>>, text: &Text| {
        if let Some(galley) = galley
            && draw_text
        {
            let top_left = text.at - vec2(0.0, galley.size().y / 2.0);
            if Rect::from_min_size(top_left, galley.size()).intersects(visible) {
                painter.galley(top_left, galley.clone(), palette.text);
            }
        }
    };

    for frame in &diagram.frames {
        let in_view = frame.rect.intersects(visible);
        if in_view {
            let outline = if state.focus == Some(frame.frame_id) {
                Stroke::new(size::STRONG_OUTLINE, palette.selection)
            } else if hovered_frame == Some(frame.frame_id) {
                Stroke::new(size::STRONG_OUTLINE, palette.hover)
            } else if frame.is_new {
                Stroke::new(size::STRONG_OUTLINE, palette.new)
            } else {
                Stroke::new(size::OUTLINE, palette.border)
            };
            if !detailed {
                painter.rect_filled(frame.rect, CornerRadius::ZERO, outline.color);
                continue;
            }
            paint_box(painter, frame.rect, frame.header, palette.frame_fill, palette.frame_header, outline);
            for row in &frame.rows {
                let selected = matches!((state.selection, &row.owner),
                    (Some(Selection::Name { frame_id, name }), RowOwner::Name { frame_id: f, name: n }) if frame_id == f && name == n);
                paint_row(painter, row, palette, hovered, selected);
            }
        }
        for text in frame.texts.iter().chain(frame.rows.iter().flat_map(|r| &r.texts)) {
            let galley = texts.next();
            if in_view {
                paint_text(painter, galley, text);
            }
        }
    }
    for object in &diagram.objects {
        let in_view = object.rect.intersects(visible);
        let faded;
        let painter = match state.fade.map(|fade| fade.object(object.id)) {
            Some(opacity) if opacity < 1.0 => {
                faded = faded_painter(painter, opacity);
                &faded
            }
            _ => painter,
        };
        if in_view {
            let outline = if selected_object == Some(object.id) {
                Stroke::new(size::STRONG_OUTLINE, palette.selection)
            } else if hovered == Some(object.id) {
                Stroke::new(size::STRONG_OUTLINE, palette.hover)
            } else {
                match object.change {
                    Change::New => Stroke::new(size::STRONG_OUTLINE, palette.new),
                    Change::Updated => Stroke::new(size::STRONG_OUTLINE, palette.changed),
                    Change::None => Stroke::new(size::OUTLINE, palette.border),
                }
            };
            if !detailed {
                let fill = if outline.width > size::OUTLINE { outline.color } else { palette.object_header };
                painter.rect_filled(object.rect, CornerRadius::ZERO, fill);
                continue;
            }
            paint_box(painter, object.rect, object.header, palette.object_fill, palette.object_header, outline);
            for badge in &object.badges {
                painter.rect_filled(*badge, CornerRadius::same((badge.height() / 2.0) as u8), palette.badge_fill);
            }
            for row in &object.rows {
                paint_row(painter, row, palette, hovered, false);
            }
        }
        let all = object
            .texts
            .iter()
            .chain(object.rows.iter().flat_map(|r| &r.texts))
            .chain(object.more.iter().map(|m| &m.text));
        for text in all {
            let galley = texts.next();
            if in_view {
                paint_text(painter, galley, text);
            }
        }
    }

    let colors = crate::ui::theme::InternalsPalette::for_dark_mode(ui.visuals().dark_mode);
    for badge in &flag_badges {
        let corner = CornerRadius::same((badge.rect.height() / 2.0) as u8);
        painter.rect_filled(badge.rect, corner, colors.heap_badge_fill);
        painter.galley(badge.rect.center() - badge.galley.size() / 2.0, badge.galley.clone(), colors.heap_badge_text);
    }

    // Arrows above the boxes; those into the hovered object last, on top of the others.
    for highlighted in [false, true] {
        for (index, arrow) in diagram.arrows.iter().enumerate() {
            if (hovered == Some(arrow.target)) != highlighted {
                continue;
            }
            let bounds = Rect::from_points(&arrow.points);
            if !bounds.intersects(visible) {
                continue;
            }
            let faded;
            let painter = match state.fade.map(|fade| fade.arrow(index)) {
                Some(opacity) if opacity < 1.0 => {
                    faded = faded_painter(painter, opacity);
                    &faded
                }
                _ => painter,
            };
            let (color, width) =
                if highlighted { (palette.hover, size::ARROW_WIDTH * 1.8) } else { (palette.arrow, size::ARROW_WIDTH) };
            if !detailed {
                painter.line_segment([arrow.points[0], arrow.points[3]], Stroke::new(width / scaling.max(0.01), color));
                continue;
            }
            painter.add(CubicBezierShape::from_points_stroke(
                arrow.points,
                false,
                Color32::TRANSPARENT,
                PathStroke::new(width, color),
            ));
            painter.add(Shape::convex_polygon(arrow_head(&arrow.points).to_vec(), color, Stroke::NONE));
        }
    }
    clicked
}

/// The identity flags of an object ("small int · immortal"), on a tag sitting on its top edge.
struct FlagBadge {
    rect: Rect,
    galley: Arc<Galley>,
    words: String,
}

fn flag_badge(ui: &Ui, object: &super::diagram::ObjectBox, state: &PaintState) -> Option<FlagBadge> {
    use crate::ui::theme::internals::{HEAP_BADGE_FONT, HEAP_BADGE_HEIGHT, HEAP_BADGE_PAD};
    let flags = state.snapshot?.heap.get(&object.id)?.flags;
    let words = crate::ui::internals::identity::flag_words(flags).join(" · ");
    if words.is_empty() {
        return None;
    }
    let font = FontId::proportional(HEAP_BADGE_FONT);
    let galley = ui.fonts_mut(|fonts| fonts.layout_no_wrap(words.clone(), font, Color32::PLACEHOLDER));
    let size = vec2(galley.size().x + 2.0 * HEAP_BADGE_PAD, HEAP_BADGE_HEIGHT);
    let right_top = pos2(object.rect.right() - size::CORNER * 2.0, object.rect.top() - size.y / 2.0);
    let rect = Rect::from_min_size(right_top - vec2(size.x, 0.0), size);
    Some(FlagBadge { rect, galley, words })
}

/// A painter whose shapes are `opacity` as opaque (what fades in).
fn faded_painter(painter: &egui::Painter, opacity: f32) -> egui::Painter {
    let mut faded = painter.clone();
    faded.multiply_opacity(opacity);
    faded
}

fn paint_box(painter: &egui::Painter, rect: Rect, header: Rect, fill: Color32, header_fill: Color32, outline: Stroke) {
    let corner = size::CORNER as u8;
    painter.rect_filled(rect, CornerRadius::same(corner), fill);
    painter.rect_filled(header, CornerRadius { nw: corner, ne: corner, sw: 0, se: 0 }, header_fill);
    painter.rect_stroke(rect, CornerRadius::same(corner), outline, StrokeKind::Inside);
}

fn paint_row(painter: &egui::Painter, row: &Row, palette: &DiagramPalette, hovered: Option<ObjId>, selected: bool) {
    if row.changed {
        painter.rect_filled(row.rect.shrink2(vec2(1.0, 0.0)), CornerRadius::ZERO, palette.changed_row);
    }
    if hovered == Some(row.target) || selected {
        let color = if selected { palette.selection } else { palette.hover };
        painter.rect_stroke(row.rect.shrink(1.5), CornerRadius::same(3), Stroke::new(1.5, color), StrokeKind::Inside);
    }
    if let Some(dot) = row.dot {
        let color = if hovered == Some(row.target) { palette.hover } else { palette.arrow };
        painter.circle_filled(dot, size::DOT_RADIUS, color);
    }
}

/// The arrowhead at the end of a curve, pointing along its last tangent.
pub fn arrow_head(points: &[Pos2; 4]) -> [Pos2; 3] {
    let end = points[3];
    let mut direction = end - points[2];
    if direction.length_sq() < 1e-6 {
        direction = end - points[0];
    }
    let direction = if direction.length_sq() < 1e-6 { Vec2::X } else { direction.normalized() };
    let base = end - direction * size::ARROW_HEAD;
    let side = direction.rot90() * (size::ARROW_HEAD * 0.45);
    [end, base + side, base - side]
}

/// A view of the whole diagram in a `view_size` area: zoomed out to fit if it is larger, zoomed in
/// up to `max_zoom` (1: never) if it is smaller, with its top left corner at the top left.
pub fn fit_rect(bounds: Rect, view_size: Vec2, max_zoom: f32) -> Rect {
    if view_size.x <= 0.0 || view_size.y <= 0.0 {
        return bounds;
    }
    let max_zoom = max_zoom.clamp(size::MIN_ZOOM, size::MAX_ZOOM);
    let scale = (view_size.x / bounds.width()).min(view_size.y / bounds.height()).clamp(size::MIN_ZOOM, max_zoom);
    Rect::from_min_size(pos2(bounds.min.x, bounds.min.y), view_size / scale)
}
