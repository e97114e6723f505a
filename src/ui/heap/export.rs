//! Writing the diagram to a file: SVG as written by `svg.rs`, PNG rendered from that SVG with
//! resvg, using egui's own bundled fonts, so the picture matches the screen and needs no system fonts.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::usvg::{self, fontdb};

use super::diagram::Diagram;
use super::svg::{FONT_FAMILY, to_svg};
use crate::ui::theme::DiagramPalette;

/// Pixels per diagram point in a PNG (sharp on slides), lowered for very large diagrams.
const PNG_SCALE: f32 = 2.0;
/// The largest PNG side, in pixels.
const PNG_MAX_SIDE: f32 = 16_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    /// By the file's extension (`.svg` or `.png`, any case).
    pub fn of(path: &Path) -> Result<Format, String> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            Some(other) => {
                Err(format!("{} ends in .{other}; the heap diagram can be written as .svg or .png", path.display()))
            }
            None => Err(format!("{} has no extension; name it .svg or .png", path.display())),
        }
    }
}

/// Writes `diagram` to `path` as SVG or PNG, chosen by the extension.
pub fn write_diagram(path: &Path, diagram: &Diagram, palette: &DiagramPalette) -> Result<(), String> {
    let format = Format::of(path)?;
    let svg = to_svg(diagram, palette);
    let bytes = match format {
        Format::Svg => svg.into_bytes(),
        Format::Png => svg_to_png(&svg)?,
    };
    std::fs::write(path, bytes).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Renders an SVG to PNG bytes.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options { fontdb: fonts(), font_family: FONT_FAMILY.to_owned(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|err| format!("the diagram's SVG did not parse: {err}"))?;
    let size = tree.size();
    let scale = PNG_SCALE.min(PNG_MAX_SIDE / size.width().max(size.height()).max(1.0));
    let width = (size.width() * scale).ceil().max(1.0) as u32;
    let height = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| format!("a {width}×{height} picture is too large to make"))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|err| format!("the PNG could not be encoded: {err}"))
}

/// egui's bundled fonts, loaded once: Hack (the diagram's) and Ubuntu for anything else.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(epaint_default_fonts::HACK_REGULAR.to_vec());
            db.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
            db.set_monospace_family(FONT_FAMILY);
            db.set_sans_serif_family("Ubuntu");
            Arc::new(db)
        })
        .clone()
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
