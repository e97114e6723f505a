//! The Heap panel, driven through its accessibility tree: every frame, name, object and slot of the
//! diagram is a node whose label says what it is and where its arrow goes ("numbers → list #1234").

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pyxray::ui::commands::Selection;

mod gui_support;

use gui_support::*;

fn heap_texts(harness: &Harness<'_, App>) -> Vec<String> {
    texts_in(harness, "Heap panel")
}

/// The one label starting with `prefix`.
fn label_starting(harness: &Harness<'_, App>, prefix: &str) -> String {
    let texts = heap_texts(harness);
    let found: Vec<&String> = texts.iter().filter(|t| t.starts_with(prefix)).collect();
    assert_eq!(found.len(), 1, "one label starting {prefix:?} in {texts:?}");
    found[0].clone()
}

/// `#1234` from "x → list #1234" or "x → int #1234 = 5".
fn target_id(label: &str) -> String {
    let after = label.split(" → ").nth(1).unwrap_or_default();
    after.split(' ').nth(1).unwrap_or_default().to_owned()
}

fn run_in_heap(harness: &mut Harness<'_, App>, program: &str) {
    type_program(harness, program);
    run_and_wait(harness, "finished");
    show_tab(harness, "Heap");
}

const PROGRAM: &str = "\
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

def make_counter():
    count = 0
    def bump():
        nonlocal count
        count += 1
        return count
    return bump

numbers = [1, 2, 3]
alias = numbers
table = {'a': 1, 'b': [4, 5]}
p = Point(3, 4)
counter = make_counter()
counter()
done = True
";

#[test]
fn names_objects_and_arrow_targets_are_found_by_label() {
    let mut harness = harness();
    run_in_heap(&mut harness, PROGRAM);

    // Aliasing: two names, one list.
    let numbers = label_starting(&harness, "numbers → list #");
    let alias = label_starting(&harness, "alias → list #");
    let list = target_id(&numbers);
    assert_eq!(list, target_id(&alias), "{numbers:?} and {alias:?} point at one list");
    let list_box = label_starting(&harness, &format!("list {list} "));
    assert_eq!(list_box, format!("list {list} [1, 2, 3]"));
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with("[2] → int #") && t.ends_with("= 3")));

    // A dict: key/value rows, a value pointing at another list.
    let table = label_starting(&harness, "table → dict #");
    let dict = target_id(&table);
    label_starting(&harness, &format!("dict {dict} {{'a': 1, 'b': [4, 5]}}"));
    let b = label_starting(&harness, "['b'] → list #");
    label_starting(&harness, &format!("list {} [4, 5]", target_id(&b)));
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with("['a'] → int #") && t.ends_with("= 1")));

    // An instance with attribute rows.
    let p = label_starting(&harness, "p → Point #");
    label_starting(&harness, &format!("Point {} ", target_id(&p)));
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with(".x → int #") && t.ends_with("= 3")));
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with(".y → int #") && t.ends_with("= 4")));

    // A closure: the function's cell, and the cell's contents after one call.
    let counter = label_starting(&harness, "counter → function #");
    label_starting(&harness, &format!("function {} ", target_id(&counter)));
    let cell = label_starting(&harness, "count → cell #");
    label_starting(&harness, &format!("cell {} ", target_id(&cell)));
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with("contents → int #") && t.ends_with("= 1")));

    // Primitives are written in their rows by default.
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with("done → bool #") && t.ends_with("= True")));
    assert!(harness.query_by_label("Show every object").is_some());
    assert!(harness.query_by_label("Fit").is_some());
}

#[test]
fn show_every_object_makes_small_int_sharing_visible_and_more_expands() {
    let mut harness = harness();
    run_in_heap(&mut harness, "a = 5\nb = 5\nbig = list(range(30))\nend = None\n");

    let a = label_starting(&harness, "a → int #");
    let b = label_starting(&harness, "b → int #");
    assert!(a.ends_with("= 5") && b.ends_with("= 5"), "inlined: {a:?} {b:?}");
    let five = target_id(&a);
    assert_eq!(five, target_id(&b), "both names hold the same small int");
    assert!(!heap_texts(&harness).iter().any(|t| t.starts_with(&format!("int {five}"))), "no box for the int yet");

    harness.get_by_label("Show every object").click();
    harness.run();
    let five_box = label_starting(&harness, &format!("int {five} "));
    assert_eq!(five_box, format!("int {five} 5"));
    assert_eq!(label_starting(&harness, "a → int #"), format!("a → int {five}"), "a now has an arrow");
    assert_eq!(label_starting(&harness, "b → int #"), format!("b → int {five}"));
    harness.get_by_label("Show every object").click();
    harness.run();

    // A long list shows its first slots and "+N more"; clicking shows the rest.
    let big = target_id(&label_starting(&harness, "big → list #"));
    assert!(!heap_texts(&harness).iter().any(|t| t.starts_with("[29] → ")));
    let more = format!("show 18 more of list {big}");
    harness.get_by_label(&more).click();
    harness.run();
    assert!(heap_texts(&harness).iter().any(|t| t.starts_with("[29] → int #") && t.ends_with("= 29")));
    // The longer list reaches below the view: Fit brings it all back in.
    harness.get_by_label("Fit").click();
    harness.run();
    harness.get_by_label(&format!("show fewer of list {big}")).click();
    harness.run();
    assert!(!heap_texts(&harness).iter().any(|t| t.starts_with("[29] → ")));
}

#[test]
fn clicking_selects_objects_and_names_and_the_diagram_exports() {
    let mut harness = harness();
    run_in_heap(&mut harness, "xs = [1, 2]\nys = xs\nend = 0\n");

    let xs = label_starting(&harness, "xs → list #");
    let list_box = label_starting(&harness, &format!("list {} ", target_id(&xs)));
    // Through the accessibility action: the box's middle is one of its slots, which selects the
    // slot's own object.
    harness.get_by_label(&list_box).click_accesskit();
    harness.run();
    let Some(Selection::Object(id)) = app(&harness).model().selection().cloned() else {
        panic!("clicking the box selects its object: {:?}", app(&harness).model().selection())
    };
    assert_eq!(app(&harness).model().short_ids.label(id), target_id(&xs), "{id} is {xs:?}'s list");

    harness.get_by_label(&label_starting(&harness, "ys → list #")).click();
    harness.run();
    match app(&harness).model().selection() {
        Some(Selection::Name { name, .. }) => assert_eq!(name, "ys"),
        other => panic!("clicking a name selects it: {other:?}"),
    }

    // Export: the same labels in the SVG; a wrong extension is refused with a notice.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let svg_path = folder.path().join("heap.svg");
    app_mut(&mut harness).export_heap_to(&svg_path).expect("exported");
    let svg = std::fs::read_to_string(&svg_path).expect("the SVG is there");
    for label in [&xs, &list_box] {
        let escaped = label.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        assert!(svg.contains(&escaped), "{label:?} in the SVG");
    }
    let png_path = folder.path().join("heap.png");
    app_mut(&mut harness).export_heap_to(&png_path).expect("exported");
    let png = std::fs::read(&png_path).expect("the PNG is there");
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");
    let refused = app_mut(&mut harness).export_heap_to(&folder.path().join("heap.gif"));
    assert!(refused.is_err_and(|e| e.contains(".svg or .png")));
    wait_for(&mut harness, "the export notices", Duration::from_secs(5), |h| {
        h.query_all_by_label_contains("The heap diagram was exported").count() == 2
    });
}
