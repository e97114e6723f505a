//! The Internals pane, driven as a learner would: run a program, click a name in the Heap panel,
//! and read what CPython keeps inside the object: a list's capacity and its growth, a dict's table
//! with a collision and a dummy, an int's identity and who refers to it. The numbers are CPython's
//! own (list over-allocation `n + n/8 + 6` rounded down to a multiple of 4; dict probing), read by
//! the engine from the real objects.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod gui_support;

use gui_support::*;

fn internals(harness: &Harness<'_, App>) -> Vec<String> {
    texts_in(harness, "Internals panel")
}

fn has(texts: &[String], wanted: &str) -> bool {
    texts.iter().any(|text| text.contains(wanted))
}

/// Runs `program`, clicks the heap's arrow row for `name` and brings the Internals pane forward.
fn select_name(harness: &mut Harness<'_, App>, program: &str, name: &str) {
    type_program(harness, program);
    run_and_wait(harness, "finished");
    show_tab(harness, "Heap");
    let prefix = format!("{name} → ");
    let texts = texts_in(harness, "Heap panel");
    let row = texts.iter().find(|text| text.starts_with(&prefix)).unwrap_or_else(|| panic!("{prefix} in {texts:?}"));
    harness.get_by_label(row).click();
    harness.run();
    show_tab(harness, "Internals");
}

#[test]
fn without_a_selection_the_pane_says_how_to_select() {
    let mut harness = harness();
    show_tab(&mut harness, "Internals");
    assert!(has(&internals(&harness), "Click an object or a name in the Heap or Stack panel"));
}

#[test]
fn a_list_shows_its_spare_capacity_and_how_it_grew() {
    let mut harness = harness();
    select_name(&mut harness, "xs = []\nfor i in range(10):\n    xs.append(i)\nend = 0\n", "xs");
    let texts = internals(&harness);
    // 10 items: the 9th append grew 8 slots to 9 + 9/8 + 6 = 16 (a multiple of 4).
    assert!(has(&texts, "len 10 / capacity 16"), "{texts:?}");
    assert!(has(&texts, "slot 9: 9"), "{texts:?}");
    assert!(has(&texts, "slot 15: empty (allocated, room to grow)"), "{texts:?}");
    assert!(!has(&texts, "slot 16:"), "{texts:?}");
    assert!(has(&texts, "capacity over the run: 0, 4, 8, 16"), "{texts:?}");
    assert!(has(&texts, "refcount 1: 1 visible referrer"), "{texts:?}");
    assert!(has(&texts, "xs in <module>"), "{texts:?}");
}

#[test]
fn a_dict_shows_its_table_with_a_collision_a_dummy_and_a_probe_sequence() {
    let mut harness = harness();
    // 1, 9 and 17 all hash to slot 1 of 8: 9 and 17 probe on; deleting 1 leaves a dummy there.
    select_name(&mut harness, "d = {1: 'a', 9: 'b', 17: 'c'}\ndel d[1]\nend = 0\n", "d");
    let texts = internals(&harness);
    assert!(has(&texts, "8 slots in the index · 2 keys, 1 deleted"), "{texts:?}");
    assert!(has(&texts, "slot 1: dummy (a deleted key was here)"), "{texts:?}");
    assert!(has(&texts, "slot 6: entry 1 (key 9), collided: its home slot is 1"), "{texts:?}");
    assert!(has(&texts, "slot 7: entry 2 (key 17), collided: its home slot is 1"), "{texts:?}");
    assert!(has(&texts, "entry 0: deleted"), "{texts:?}");
    assert!(has(&texts, "collision: slot 1 was taken"), "{texts:?}");

    // The entries table is below the fold of the small pane: through the accessibility action.
    harness.get_by_label("entry 2: key 17").click_accesskit();
    harness.run();
    let texts = internals(&harness);
    assert!(
        has(&texts, "Looking up 17: slot 1 (dummy, go on), then slot 6 (9 is there), then slot 7 (found): 3 probes"),
        "{texts:?}"
    );
}

#[test]
fn a_set_is_drawn_as_its_table() {
    let mut harness = harness();
    // A set probes differently from a dict (runs of neighbours in big tables), but in 8 slots 9 and 17
    // also end up in slots 6 and 7; discarding 1 leaves a dummy.
    select_name(&mut harness, "s = {1, 9, 17}\ns.discard(1)\nend = 0\n", "s");
    let texts = internals(&harness);
    assert!(has(&texts, "8 slots · 2 keys, 1 dummies · fill 3/8"), "{texts:?}");
    assert!(has(&texts, "slot 1: dummy (a deleted key was here)"), "{texts:?}");
    assert!(has(&texts, "slot 6: key 9, collided: its home slot is 1"), "{texts:?}");
    assert!(has(&texts, "slot 7: key 17, collided: its home slot is 1"), "{texts:?}");
}

#[test]
fn a_small_int_is_badged_and_its_referrers_listed() {
    let mut harness = harness();
    select_name(&mut harness, "n = 7\nm = 3 + 4\nend = 0\n", "n");
    let texts = internals(&harness);
    assert!(has(&texts, "small int"), "{texts:?}");
    assert!(has(&texts, "every 7 in the program is this very object"), "{texts:?}");
    assert!(has(&texts, "2 visible referrers"), "{texts:?}");
    assert!(has(&texts, "n in <module>") && has(&texts, "m in <module>"), "{texts:?}");
    // A cached small int's refcount is no count: 3.11 starts it near a billion, 3.12+ makes it immortal.
    assert!(has(&texts, "marker, not a count"), "{texts:?}");

    // On the heap, drawn as an object of its own, the int wears the badge too.
    show_tab(&mut harness, "Heap");
    harness.get_by_label("Show every object").click();
    harness.run();
    let heap = texts_in(&harness, "Heap panel");
    assert!(heap.iter().any(|text| text.starts_with("small int") && text.contains(": int #")), "{heap:?}");
}
