use std::collections::HashSet;

use super::*;
use crate::ui::heap::layout::tests::{aliasing, short_ids};
use crate::ui::heap::{LayoutInput, Placements, StepChanges, ViewOptions, layout};

fn diagram(show_every_object: bool) -> Diagram {
    let snapshot = aliasing();
    let ids = short_ids(&snapshot);
    let changes = StepChanges::default();
    let expanded = HashSet::new();
    let input = LayoutInput {
        snapshot: &snapshot,
        short_ids: &ids,
        changes: &changes,
        options: ViewOptions { show_every_object, badges: true },
        expanded: &expanded,
        title: "step 1 · line 3 <&>".into(),
    };
    layout(&input, &mut Placements::default())
}

#[test]
fn the_svg_is_well_formed_and_names_everything_drawn() {
    for show_every_object in [false, true] {
        let diagram = diagram(show_every_object);
        let svg = to_svg(&diagram, &DiagramPalette::LIGHT);
        let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let titles: Vec<&str> =
            document.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
        let texts: Vec<&str> =
            document.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert!(titles.contains(&"step 1 · line 3 <&>"), "the title is escaped and read back");
        for row in diagram.rows() {
            assert!(titles.contains(&row.label.as_str()), "no title {:?}", row.label);
        }
        for object in &diagram.objects {
            assert!(titles.contains(&object.label.as_str()), "no title {:?}", object.label);
        }
        for text in diagram.texts() {
            assert!(texts.contains(&text.text.as_str()), "no text {:?}", text.text);
        }
        let paths = document.descendants().filter(|n| n.has_tag_name("path") && n.attribute("fill") == Some("none"));
        assert_eq!(paths.count(), diagram.arrows.len(), "one curve per arrow");
    }
}

#[test]
fn the_png_decodes_and_shows_something() {
    let svg = to_svg(&diagram(false), &DiagramPalette::DARK);
    let png = svg_to_png(&svg).expect("rendered");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG that decodes");
    assert!(pixmap.width() > 100 && pixmap.height() > 50);
    let background = DiagramPalette::DARK.background;
    let pixels = pixmap.pixels();
    let differing = pixels
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (background.r(), background.g(), background.b()))
        .count();
    assert!(differing > pixels.len() / 20, "boxes and text are drawn: {differing} of {} pixels", pixels.len());
    // Text is drawn with the bundled font: a strip of a name row holds the name's colour.
    let name = DiagramPalette::DARK.name;
    let near = |p: &resvg::tiny_skia::PremultipliedColorU8| {
        (p.red() as i32 - name.r() as i32).abs() < 40
            && (p.green() as i32 - name.g() as i32).abs() < 40
            && (p.blue() as i32 - name.b() as i32).abs() < 40
    };
    assert!(pixels.iter().filter(|p| near(p)).count() > 30, "the names' text is rendered");
}

#[test]
fn the_extension_chooses_the_format() {
    assert_eq!(Format::of(Path::new("a/b.SVG")), Ok(Format::Svg));
    assert_eq!(Format::of(Path::new("b.png")), Ok(Format::Png));
    let err = Format::of(Path::new("b.jpg")).expect_err("jpg is refused");
    assert!(err.contains(".svg or .png"), "{err}");
    assert!(Format::of(Path::new("diagram")).is_err());
}
