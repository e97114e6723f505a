//! The diagram as an SVG document: the same boxes, texts and arrows as the screen, in the same
//! colours, with each box, name and slot carrying its label as a `<title>` (a tooltip in browsers).

use std::fmt::Write as _;

use egui::{Color32, Pos2, Rect};

use super::diagram::{Change, Diagram, FrameBox, ObjectBox, Row, Text, TextRole};
use super::paint::arrow_head;
use crate::ui::theme::{DiagramPalette, diagram as size};

/// The font family the diagram is written in (egui's monospace font, bundled for the PNG export).
pub const FONT_FAMILY: &str = "Hack";

/// Where the baseline sits below the middle of a line of text, in ems (Hack's capitals are centred).
const BASELINE_BELOW_CENTRE_EM: f32 = 0.35;

pub fn to_svg(diagram: &Diagram, palette: &DiagramPalette) -> String {
    let bounds = diagram.bounds;
    let mut out = String::with_capacity(4096 + diagram.objects.len() * 1024);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="{x} {y} {w} {h}" font-family="{FONT_FAMILY}, DejaVu Sans Mono, monospace" font-size="{fs}">"#,
        x = num(bounds.min.x),
        y = num(bounds.min.y),
        w = num(bounds.width()),
        h = num(bounds.height()),
        fs = num(size::FONT_SIZE),
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&diagram.title));
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
        num(bounds.min.x),
        num(bounds.min.y),
        num(bounds.width()),
        num(bounds.height()),
        hex(palette.background)
    );
    for frame in &diagram.frames {
        write_frame(&mut out, frame, palette);
    }
    for object in &diagram.objects {
        write_object(&mut out, object, palette);
    }
    out.push_str("<g class=\"arrows\">\n");
    for arrow in &diagram.arrows {
        let [a, b, c, d] = arrow.points;
        let _ = writeln!(
            out,
            r#"<path d="M {} {} C {} {}, {} {}, {} {}" fill="none" stroke="{}" stroke-width="{}"/>"#,
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            num(c.x),
            num(c.y),
            num(d.x),
            num(d.y),
            hex(palette.arrow),
            num(size::ARROW_WIDTH)
        );
        let head = arrow_head(&arrow.points);
        let _ = writeln!(out, r#"<polygon points="{}" fill="{}"/>"#, points(&head), hex(palette.arrow));
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn write_frame(out: &mut String, frame: &FrameBox, palette: &DiagramPalette) {
    let _ = writeln!(out, r#"<g class="frame"><title>{}</title>"#, escape(&frame.label));
    let border = if frame.is_new { (palette.new, size::STRONG_OUTLINE) } else { (palette.border, size::OUTLINE) };
    write_box(out, frame.rect, frame.header, palette.frame_fill, palette.frame_header, border);
    for text in &frame.texts {
        write_text(out, text, palette);
    }
    for row in &frame.rows {
        write_row(out, row, palette);
    }
    out.push_str("</g>\n");
}

fn write_object(out: &mut String, object: &ObjectBox, palette: &DiagramPalette) {
    let _ = writeln!(
        out,
        r#"<g class="object"><title>{}</title><desc>{}</desc>"#,
        escape(&object.label),
        escape(&object.details)
    );
    let border = match object.change {
        Change::New => (palette.new, size::STRONG_OUTLINE),
        Change::Updated => (palette.changed, size::STRONG_OUTLINE),
        Change::None => (palette.border, size::OUTLINE),
    };
    write_box(out, object.rect, object.header, palette.object_fill, palette.object_header, border);
    for badge in &object.badges {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}"/>"#,
            num(badge.min.x),
            num(badge.min.y),
            num(badge.width()),
            num(badge.height()),
            num(badge.height() / 2.0),
            hex(palette.badge_fill)
        );
    }
    for text in &object.texts {
        write_text(out, text, palette);
    }
    for row in &object.rows {
        write_row(out, row, palette);
    }
    for more in &object.more {
        let _ = write!(out, "<g><title>{}</title>", escape(&more.label));
        write_text(out, &more.text, palette);
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
}

fn write_box(out: &mut String, rect: Rect, header: Rect, fill: Color32, header_fill: Color32, border: (Color32, f32)) {
    let r = size::CORNER;
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{r}" fill="{}"/>"#,
        num(rect.min.x),
        num(rect.min.y),
        num(rect.width()),
        num(rect.height()),
        hex(fill)
    );
    // The header: rounded at the top only.
    let (x0, y0, x1, y1) = (header.min.x, header.min.y, header.max.x, header.max.y);
    let _ = writeln!(
        out,
        r#"<path d="M {} {} L {} {} Q {} {} {} {} L {} {} Q {} {} {} {} L {} {} Z" fill="{}"/>"#,
        num(x0),
        num(y1),
        num(x0),
        num(y0 + r),
        num(x0),
        num(y0),
        num(x0 + r),
        num(y0),
        num(x1 - r),
        num(y0),
        num(x1),
        num(y0),
        num(x1),
        num(y0 + r),
        num(x1),
        num(y1),
        hex(header_fill)
    );
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{r}" fill="none" stroke="{}" stroke-width="{}"/>"#,
        num(rect.min.x),
        num(rect.min.y),
        num(rect.width()),
        num(rect.height()),
        hex(border.0),
        num(border.1)
    );
}

fn write_row(out: &mut String, row: &Row, palette: &DiagramPalette) {
    let _ = write!(out, "<g><title>{}</title><desc>{}</desc>", escape(&row.label), escape(&row.details));
    if row.changed {
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            num(row.rect.min.x + 1.0),
            num(row.rect.min.y),
            num(row.rect.width() - 2.0),
            num(row.rect.height()),
            hex(palette.changed_row)
        );
    }
    for text in &row.texts {
        write_text(out, text, palette);
    }
    if let Some(dot) = row.dot {
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}"/>"#,
            num(dot.x),
            num(dot.y),
            num(size::DOT_RADIUS),
            hex(palette.arrow)
        );
    }
    out.push_str("</g>\n");
}

fn write_text(out: &mut String, text: &Text, palette: &DiagramPalette) {
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" fill="{}" xml:space="preserve">{}</text>"#,
        num(text.at.x),
        num(text.at.y + size::FONT_SIZE * BASELINE_BELOW_CENTRE_EM),
        hex(text_color(text.role, palette)),
        escape(&text.text)
    );
}

/// The colour of each kind of text (the screen uses the same).
pub fn text_color(role: TextRole, palette: &DiagramPalette) -> Color32 {
    match role {
        TextRole::Function => palette.text,
        TextRole::Name => palette.name,
        TextRole::Key | TextRole::Note => palette.weak,
        TextRole::Value => palette.text,
        TextRole::TypeName => palette.type_name,
        TextRole::ShortId => palette.id_text,
        TextRole::Badge => palette.badge_text,
    }
}

fn points(points: &[Pos2]) -> String {
    points.iter().map(|p| format!("{},{}", num(p.x), num(p.y))).collect::<Vec<_>>().join(" ")
}

/// A coordinate with at most two decimals, without trailing zeros.
fn num(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

fn hex(color: Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", color.r(), color.g(), color.b())
}

/// Text for XML content and attributes; characters XML 1.0 cannot hold become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
