//! The Modules pane's import tree, driven through the window as a learner would: a program that
//! imports, the tree with its times and nesting, a branch closed and opened, and the cache hit
//! with its link to the step.

mod gui_support;

use egui_kittest::kittest::Queryable;
use gui_support::*;

const PROGRAM: &str = "import colorsys\nimport colorsys\nimport fractions\nprint(colorsys.rgb_to_hsv(1, 0, 0), fractions.Fraction(1, 2))\n";

fn shown_step(harness: &egui_kittest::Harness<'_, App>) -> u64 {
    app(harness).model().step()
}

#[test]
fn import_tree_shows_times_nesting_and_the_cache_hit() {
    let mut harness = harness();
    type_program(&mut harness, PROGRAM);
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Modules");
    assert!(has_text(&harness, "Modules panel", "1 cache hit"), "the list counts the hit on colorsys");

    harness.get_by_label("Show the import tree").click();
    harness.run();
    let texts = texts_in(&harness, "Modules panel");
    assert!(texts.iter().any(|t| t == "colorsys"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "fractions"), "{texts:?}");
    assert!(texts.iter().filter(|t| t.ends_with(" µs")).count() >= 4, "self and cumulative times: {texts:?}");
    // fractions imports modules of its own (decimal, numbers, ...): a branch that closes and opens.
    let nested_under_fractions = |texts: &[String]| texts.iter().any(|t| t == "Go to the import of decimal");
    assert!(nested_under_fractions(&texts), "fractions' imports are in the tree: {texts:?}");
    harness.get_by_label("Collapse fractions").click();
    harness.run();
    let closed = texts_in(&harness, "Modules panel");
    assert!(
        closed.iter().any(|t| t == "Go to the import of fractions") && !nested_under_fractions(&closed),
        "{closed:?}"
    );
    // With fractions' branch closed the hits below the tree are in view (on 3.13 the open branch
    // pushes them out of the pane): the second `import colorsys`, and fractions' own imports of
    // modules already loaded.
    assert!(closed.iter().any(|t| t.starts_with("Cache hits (")), "{closed:?}");
    assert!(closed.iter().any(|t| t.starts_with("Go to the cache hit on colorsys")), "{closed:?}");
    assert!(closed.iter().any(|t| t == "imported by __main__"), "{closed:?}");
    harness.get_by_label("Expand fractions").click();
    harness.run();
    assert!(nested_under_fractions(&texts_in(&harness, "Modules panel")));

    // The hit's link (in view with the branch closed) goes to the step right after the second
    // `import colorsys` (line 3 is next).
    harness.get_by_label("Collapse fractions").click();
    harness.run();
    harness.get_by_label_contains("Go to the cache hit on colorsys").click();
    harness.run();
    let snapshot = app(&harness).model().current().expect("a step is shown");
    assert_eq!(snapshot.line, 3, "shown at step {}", shown_step(&harness));
}
