//! The Stack pane between resumptions and during unwinding, as a learner steps: a paused generator
//! with its state, line and locals, and a `finally` block running while an exception is handled.
//! Driven through the accessibility tree with the real worker.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pyxray::ui::Command;

mod gui_support;

use gui_support::*;

/// The line of the step shown, as the Stack pane's summary reads it ("... · line 5 · ...").
fn shown_line(harness: &Harness<'_, App>) -> u32 {
    let texts = texts_in(harness, "Stack panel");
    let summary = texts.iter().find(|text| text.starts_with("step ")).expect("the stack summary");
    let line = summary.split(" · ").find_map(|part| part.strip_prefix("line ")).expect("a line in the summary");
    line.parse().expect("a line number")
}

/// From the first step, steps into until the shown line is `line`.
fn step_to_line(harness: &mut Harness<'_, App>, line: u32) {
    app_mut(harness).queue_command(Command::GoToStep(0));
    harness.run();
    for _ in 0..app(harness).model().len() {
        if shown_line(harness) == line {
            return;
        }
        click_toolbar(harness, "Step into");
        harness.run();
    }
    panic!("no step on line {line}");
}

const TICKS: &str = "\
def count():
    n = 0
    while True:
        yield n
        n += 1

ticks = count()
first = next(ticks)
second = next(ticks)
done = True
";

#[test]
fn a_paused_generator_shows_its_state_line_and_locals() {
    let mut harness = harness();
    type_program(&mut harness, TICKS);
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Stack");
    // On `done = True`: resumed twice, it waits at its yield (line 4) with n = 1.
    step_to_line(&mut harness, 10);
    let group = "Paused count suspended at line 4";
    assert!(harness.query_by_label(group).is_some(), "{:?}", texts_in(&harness, "Stack panel"));
    let texts = texts_in(&harness, group);
    assert!(texts.iter().any(|t| t.starts_with("n = 1")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("ticks in <module>")), "{texts:?}");
    // Its heap box says where it waits, with its frame's local as a row of the box.
    show_tab(&mut harness, "Heap");
    let heap = texts_in(&harness, "Heap panel");
    let boxes: Vec<&String> = heap.iter().filter(|t| t.starts_with("generator ")).collect();
    assert!(boxes.iter().any(|t| t.ends_with("suspended at line 4")), "{heap:?}");
    show_tab(&mut harness, "Stack");
    // On `first = next(ticks)`, before the first resumption, it was created and not yet started.
    step_to_line(&mut harness, 8);
    let created = "Paused count created at line 1";
    assert!(harness.query_by_label(created).is_some(), "{:?}", texts_in(&harness, "Stack panel"));
}

const UNWINDING: &str = "\
def inner():
    raise ValueError('bad')

def middle():
    try:
        inner()
    finally:
        cleanup = True

middle()
";

#[test]
fn stepping_into_a_finally_block_shows_the_exception_being_handled() {
    let mut harness = harness();
    type_program(&mut harness, UNWINDING);
    run_and_wait(&mut harness, "ValueError");
    show_tab(&mut harness, "Stack");
    step_to_line(&mut harness, 8);
    let texts = texts_in(&harness, "Stack panel");
    assert!(texts.iter().any(|t| t.starts_with("handling ValueError: bad")), "{texts:?}");
    // One step before, the exception left `inner`: its frame is gone.
    step_to_line(&mut harness, 6);
    let mut seen_left = false;
    for _ in 0..6 {
        let texts = texts_in(&harness, "Stack panel");
        if texts.iter().any(|t| t.trim_start().starts_with("left inner at line 2")) {
            seen_left = true;
            break;
        }
        click_toolbar(&mut harness, "Step into");
        harness.run();
    }
    assert!(seen_left, "the exception step in middle names the frame it left");
}
