//! The window, driven through its accessibility tree the way a person (or a screen reader) would:
//! type into the editor, press the toolbar's buttons, read the panels. Headless: kittest's plain
//! `Harness`, no renderer. Each test starts its own Python worker.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod gui_support;

use gui_support::*;

fn output_text(harness: &Harness<'_, App>) -> String {
    texts_in(harness, "Output panel").join("\n")
}

fn slider_value(harness: &Harness<'_, App>) -> f64 {
    harness.get_by_label("Step").accesskit_node().numeric_value().expect("the step slider has a value")
}

/// The `#1234` at the end of a stack row like `x = [1, 2, 3]   #1234`.
fn short_id_of(row: &str) -> &str {
    row.rsplit(' ').next().unwrap_or_default()
}

#[test]
fn names_share_one_list_and_stepping_back_shrinks_the_output() {
    let mut harness = harness();
    type_program(&mut harness, "x = [1, 2]\ny = x\ny.append(3)\nprint(x)\n");
    run_and_wait(&mut harness, "finished");

    assert!(output_text(&harness).contains("[1, 2, 3]"), "output: {:?}", output_text(&harness));
    let steps = app(&harness).model().len();
    assert!(steps >= 4, "{steps} steps");
    assert_eq!(slider_value(&harness), steps as f64, "the view stays at the last step");

    show_tab(&mut harness, "Stack");
    let stack = texts_in(&harness, "Stack panel");
    let x = stack.iter().find(|t| t.starts_with("x = [1, 2, 3]")).unwrap_or_else(|| panic!("no x in {stack:?}"));
    let y = stack.iter().find(|t| t.starts_with("y = [1, 2, 3]")).unwrap_or_else(|| panic!("no y in {stack:?}"));
    let id = short_id_of(x);
    assert!(id.starts_with('#'), "{x:?}");
    assert_eq!(id, short_id_of(y), "x and y name one object");

    show_tab(&mut harness, "Heap");
    let heap = texts_in(&harness, "Heap panel");
    let lists: Vec<_> = heap.iter().filter(|t| t.contains("[1, 2, 3]")).collect();
    assert_eq!(lists.len(), 1, "the list appears once: {heap:?}");
    assert!(lists[0].starts_with(&format!("list {id}")), "{:?} has id {id}", lists[0]);
    for name in ["x", "y"] {
        let arrow = format!("{name} → list {id}");
        assert!(heap.iter().any(|t| t.starts_with(&arrow)), "{arrow:?} in {heap:?}");
    }

    show_tab(&mut harness, "Output");
    let mut value = slider_value(&harness);
    for _ in 0..steps {
        if !output_text(&harness).contains("[1, 2, 3]") {
            break;
        }
        click_toolbar(&mut harness, "Step back");
        harness.run();
        let moved = slider_value(&harness);
        assert_eq!(moved, value - 1.0, "Step back moves the slider by one");
        value = moved;
    }
    assert!(!output_text(&harness).contains("[1, 2, 3]"), "before print(x) nothing is printed");
    assert!(value < steps as f64);

    // F10 steps forward again, Shift+F10 back.
    harness.key_press(Key::F10);
    harness.run();
    assert_eq!(slider_value(&harness), value + 1.0);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::F10);
    harness.run();
    assert_eq!(slider_value(&harness), value);
}

#[test]
fn stop_ends_a_runaway_loop_and_the_next_run_works() {
    let mut harness = harness();
    type_program(&mut harness, "while True: pass\n");
    click_toolbar(&mut harness, "Run");
    wait_for(&mut harness, "the loop to run", Duration::from_secs(20), |h| status_has(h, "worker: running"));
    std::thread::sleep(Duration::from_millis(200));

    click_toolbar(&mut harness, "Stop");
    let stopped_at = Instant::now();
    wait_for(&mut harness, "stopped", Duration::from_secs(2), |h| status_has(h, "stopped"));
    assert!(stopped_at.elapsed() < Duration::from_secs(2));

    type_program(&mut harness, "print(42)\n");
    run_and_wait(&mut harness, "finished");
    assert!(output_text(&harness).contains("42"), "output: {:?}", output_text(&harness));
}

#[test]
fn a_syntax_error_shows_its_line_in_the_status_bar() {
    let mut harness = harness();
    type_program(&mut harness, "x = 1\ny = = 2\n");
    // Ctrl+Enter runs, like the Run button.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    wait_for(&mut harness, "the syntax error", Duration::from_secs(20), |h| status_has(h, "syntax_error"));
    harness.run();
    let status = texts_in(&harness, "Status bar");
    let outcome = status.iter().find(|t| t.contains("syntax_error")).map_or("", String::as_str);
    assert!(outcome.contains("line 2"), "{outcome:?}");
    assert_eq!(app(&harness).code(), "x = 1\ny = = 2\n", "Ctrl+Enter did not type a newline");
}

#[test]
fn enter_types_a_newline_and_tab_indents_with_spaces() {
    let mut harness = harness();
    type_program(&mut harness, "if True:");
    // Plain Enter is text, not the Ctrl+Enter shortcut.
    harness.key_press(Key::Enter);
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    harness.get_by_label("Code editor").type_text("x = 1");
    harness.run();
    assert_eq!(app(&harness).code(), "if True:\n    x = 1");
}

#[test]
fn input_is_typed_into_the_output_tab() {
    let mut harness = harness();
    type_program(&mut harness, "name = input('Name? ')\nprint('hi', name)\n");
    show_tab(&mut harness, "Stack");
    click_toolbar(&mut harness, "Run");
    wait_for(&mut harness, "input() to wait", Duration::from_secs(20), |h| h.query_by_label("Program input").is_some());
    harness.run_ok();
    assert_eq!(app(&harness).tab(), pyxray::ui::Pane::Output, "waiting for input shows the Output tab");
    assert!(status_has(&harness, "worker: waiting for input"));
    assert!(output_text(&harness).contains("Name? "), "the prompt is shown: {:?}", output_text(&harness));
    harness.get_by_label("Program input").type_text("Ada");
    harness.step();
    harness.get_by_label("Output panel").get_by_label("Send").click();
    harness.step();
    wait_for(&mut harness, "finished", Duration::from_secs(20), |h| status_has(h, "finished"));
    harness.run();
    assert!(output_text(&harness).contains("hi Ada"), "output: {:?}", output_text(&harness));
}

#[test]
fn restarting_the_interpreter_keeps_the_window_usable() {
    let mut harness = harness();
    click_toolbar(&mut harness, "Restart interpreter");
    // Commands apply after the frame that saw the click; the next frame shows their effect.
    harness.step();
    assert!(status_has(&harness, "restarting the interpreter"), "{:?}", texts_in(&harness, "Status bar"));
    wait_for(&mut harness, "a fresh worker", Duration::from_secs(20), |h| {
        status_has(h, "worker: ready") && !status_has(h, "restarting")
    });
    type_program(&mut harness, "import sys\nprint('json' in sys.modules)\n");
    run_and_wait(&mut harness, "finished");
    assert!(output_text(&harness).contains("False"), "output: {:?}", output_text(&harness));
}
