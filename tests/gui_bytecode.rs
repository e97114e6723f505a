//! The Bytecode pane, driven through the accessibility tree: the instruction about to run follows
//! the steps, a clicked line shows where its instructions are, the code object selector shows
//! another function, and "Step by instruction" records one step per instruction.

use std::time::Duration;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::trace::Event;

mod gui_support;

use gui_support::*;

const PROGRAM: &str = "\
def grow(a):
    b = a + 1
    return b

x = grow(2)
print(x)
";

const STATES: [&str; 3] = [", about to run", ", returning", ", raising"];

/// The label of the highlighted instruction row ("offset 6 LOAD_CONST 1, about to run").
fn current_instruction(harness: &Harness<'_, App>) -> Option<String> {
    texts_in(harness, "Bytecode panel")
        .into_iter()
        .find(|text| text.starts_with("offset ") && STATES.iter().any(|state| text.ends_with(state)))
}

fn offset_in(label: &str) -> i32 {
    let number = label.strip_prefix("offset ").and_then(|rest| rest.split(' ').next()).expect("an offset");
    number.parse().expect("a number")
}

/// F11, then frames enough for the editor's scroll to the new line to finish.
fn step_forward(harness: &mut Harness<'_, App>) {
    harness.key_press(Key::F11);
    harness.run_steps(12);
}

fn ran_program() -> Harness<'static, App> {
    let mut harness = harness();
    type_program(&mut harness, PROGRAM);
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Bytecode");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    harness.run();
    harness
}

#[test]
fn the_highlighted_instruction_follows_the_steps() {
    let mut harness = ran_program();
    let steps = app(&harness).model().len();
    let mut labels = Vec::new();
    let mut saw_function = false;
    for step in 0..steps {
        assert_eq!(app(&harness).model().step(), step);
        let snapshot = app(&harness).model().current().expect("a step is shown").clone();
        let label = current_instruction(&harness).unwrap_or_else(|| {
            panic!("step {step}: no highlighted instruction in {:?}", texts_in(&harness, "Bytecode panel"))
        });
        assert_eq!(offset_in(&label), snapshot.offset, "step {step}: {label}");
        let top = snapshot.stack.last().expect("a frame");
        let texts = texts_in(&harness, "Bytecode panel");
        assert!(texts.iter().any(|t| t.starts_with(&format!("{} · ", top.function))), "step {step}: {texts:?}");
        saw_function |= top.function == "grow";
        if snapshot.event == Some(Event::Return) {
            assert!(label.ends_with(", returning"), "{label}");
        }
        labels.push(label);
        step_forward(&mut harness);
    }
    assert!(saw_function, "the listing switches to grow's code while grow runs");
    labels.dedup();
    assert!(labels.len() >= 5, "the highlight moves: {labels:?}");
    assert_eq!(labels[0], "offset 0 RESUME 0, about to run", "the module starts at RESUME");
}

#[test]
fn clicking_a_line_shows_its_instructions_and_the_selector_shows_other_code() {
    let mut harness = ran_program();
    let line = "line 5: x = grow(2)";
    harness.get_by_label(line).scroll_to_me();
    harness.run_steps(4);
    harness.get_by_label(line).click();
    harness.run();
    let texts = texts_in(&harness, "Bytecode panel");
    let note = texts
        .iter()
        .find(|t| t.starts_with("Line 5 runs at offsets "))
        .unwrap_or_else(|| panic!("a note on line 5: {texts:?}"));
    // The note's range covers exactly the instruction rows listed under the line.
    let range = note.trim_start_matches("Line 5 runs at offsets ").trim_end_matches('.');
    let (first, last) = range.split_once('–').expect("a range");
    let (first, last): (i32, i32) = (first.parse().expect("first"), last.parse().expect("last"));
    let header = texts.iter().position(|t| t == line).expect("the header row");
    let rows: Vec<i32> =
        texts[header + 1..].iter().take_while(|t| t.starts_with("offset ")).map(|t| offset_in(t)).collect();
    // (The rows further down may be scrolled out of view.)
    assert_eq!(rows.first().copied(), Some(first), "{texts:?}");
    assert!(rows.iter().all(|&offset| offset <= last) && first < last, "{rows:?} within {first}–{last}");
    assert!(rows.len() >= 3, "x = grow(2) is several instructions: {rows:?}");
    let selected = harness.get_by_label(line).accesskit_node().toggled();
    assert_eq!(selected, Some(egui::accesskit::Toggled::True), "the line's row is marked selected");

    // Clicking it again clears the selection.
    harness.get_by_label(line).scroll_to_me();
    harness.run_steps(4);
    harness.get_by_label(line).click();
    harness.run();
    assert!(!has_text(&harness, "Bytecode panel", "Line 5 runs at"));

    // The selector lists every code object; picking grow shows its listing even at a module step.
    harness.get_by_label("Code object").click();
    harness.run();
    harness.get_by_label("  grow (function, line 1)").click();
    harness.run();
    let texts = texts_in(&harness, "Bytecode panel");
    assert!(texts.iter().any(|t| t.starts_with("grow · function")), "{texts:?}");
    assert!(texts.iter().any(|t| t == "line 2: b = a + 1"), "{texts:?}");
    assert_eq!(current_instruction(&harness), None, "grow is not running at the first step");
}

#[test]
fn stepping_by_instruction_records_one_step_per_instruction() {
    let mut harness = ran_program();
    let by_line = app(&harness).model().len();
    let toggle = harness.get_by_role_and_label(Role::CheckBox, "Step by instruction");
    assert_eq!(toggle.accesskit_node().toggled(), Some(egui::accesskit::Toggled::False));
    toggle.click();
    // The run it starts keeps the window repainting (the spinner), so no waiting to settle here.
    harness.step();
    // The toggle records the program again at once.
    wait_for(&mut harness, "the run by instruction", Duration::from_secs(20), |h| {
        let model = app(h).model();
        !model.is_recording() && model.len() > by_line && status_has(h, "finished")
    });
    harness.run();
    let model = app(&harness).model();
    assert!(model.instruction_stepping);
    let by_instruction = model.len();
    assert!(by_instruction > 2 * by_line, "{by_instruction} instruction steps, {by_line} line steps");
    let toggle = harness.get_by_role_and_label(Role::CheckBox, "Step by instruction");
    assert_eq!(toggle.accesskit_node().toggled(), Some(egui::accesskit::Toggled::True));

    // Every step forward highlights the next instruction; most steps are instruction steps.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    harness.run();
    let mut instruction_steps = 0;
    let checked = by_instruction.min(40);
    for _ in 0..checked {
        let snapshot = app(&harness).model().current().expect("a step").clone();
        if snapshot.event == Some(Event::Instruction) {
            instruction_steps += 1;
            let label = current_instruction(&harness).expect("a highlighted instruction");
            assert_eq!(offset_in(&label), snapshot.offset);
        }
        step_forward(&mut harness);
    }
    // At least half: the rest are the call, return and exception events around them, whose share
    // depends on the Python version.
    assert!(instruction_steps * 2 >= checked, "{instruction_steps} instruction steps of {checked}");
}
