//! The workbench as a learner uses it: panes that move, close and come back (and stay where they
//! were put across launches), stepping over, into and out of calls in both directions, breakpoints,
//! playback, "when did it change?", and the Stack and Modules panes' links. Driven through the
//! accessibility tree with the real worker.

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pyxray::ui::{Command, Pane};

mod gui_support;

use gui_support::*;

const CALLS: &str = "\
def square(n):
    result = n * n
    return result

a = square(3)
b = square(4)
print(a + b)
";

/// The line of the step shown, as the Stack pane's summary reads it ("... · line 5 · ...").
fn shown_line(harness: &Harness<'_, App>) -> u32 {
    let texts = texts_in(harness, "Stack panel");
    let summary = texts.iter().find(|text| text.starts_with("step ")).expect("the stack summary");
    let line = summary.split(" · ").find_map(|part| part.strip_prefix("line ")).expect("a line in the summary");
    line.parse().expect("a line number")
}

/// Opens a menu of the menu bar and waits until `entry` shows in it.
fn open_menu(harness: &mut Harness<'_, App>, menu: &str, entry: &str) {
    harness.get_by_label(menu).click();
    wait_for(harness, entry, Duration::from_secs(5), |h| h.query_by_label(entry).is_some());
}

fn has_tab(harness: &Harness<'_, App>, title: &str) -> bool {
    harness.query_by_role_and_label(egui::accesskit::Role::Button, title).is_some()
}

fn first_step(harness: &mut Harness<'_, App>) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    harness.run();
    assert_eq!(app(harness).model().step(), 0);
}

fn ran_calls() -> Harness<'static, App> {
    let mut harness = harness();
    type_program(&mut harness, CALLS);
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Stack");
    first_step(&mut harness);
    harness
}

#[test]
fn stepping_over_into_and_out_in_both_directions() {
    let mut harness = ran_calls();
    // Step 0 is the module starting; its first line is the def.
    click_toolbar(&mut harness, "Step over");
    harness.run();
    assert_eq!(shown_line(&harness), 1);
    click_toolbar(&mut harness, "Step over");
    harness.run();
    assert_eq!(shown_line(&harness), 5);

    click_toolbar(&mut harness, "Step over");
    harness.run();
    assert_eq!(shown_line(&harness), 6, "step over runs square(3) through");
    assert!(has_text(&harness, "Stack panel", "a = 9"), "{:?}", texts_in(&harness, "Stack panel"));

    click_toolbar(&mut harness, "Step into");
    harness.run();
    assert_eq!(shown_line(&harness), 1, "step into enters square(4) at its call");
    assert!(has_text(&harness, "Stack panel", "Frame square"));
    click_toolbar(&mut harness, "Step into");
    harness.run();
    assert_eq!(shown_line(&harness), 2);

    click_toolbar(&mut harness, "Step out");
    harness.run();
    assert_eq!(shown_line(&harness), 7, "step out lands after the call returned");
    assert!(has_text(&harness, "Stack panel", "b = 16"));

    click_toolbar(&mut harness, "Step over back");
    harness.run();
    assert_eq!(shown_line(&harness), 6, "back over skips square's own steps");

    // Into square(4) again, then back out to the line that called it.
    click_toolbar(&mut harness, "Step into");
    click_toolbar(&mut harness, "Step into");
    harness.run();
    assert_eq!(shown_line(&harness), 2);
    harness.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::F11);
    harness.run();
    assert_eq!(shown_line(&harness), 6, "step out back returns to the caller's line");

    click_toolbar(&mut harness, "Step back");
    harness.run();
    assert_eq!(shown_line(&harness), 3, "step back goes into square(3)'s last step");
}

#[test]
fn continue_runs_between_breakpoints_both_ways() {
    let mut harness = ran_calls();
    app_mut(&mut harness).queue_command(Command::ToggleBreakpoint(3));
    harness.run();
    click_toolbar(&mut harness, "Continue to breakpoint");
    harness.run();
    assert_eq!(shown_line(&harness), 3);
    assert!(has_text(&harness, "Stack panel", "n = 3"), "the first call");
    click_toolbar(&mut harness, "Continue to breakpoint");
    harness.run();
    assert!(has_text(&harness, "Stack panel", "n = 4"), "the second call");
    harness.key_press_modifiers(Modifiers::ALT, Key::F8);
    harness.run();
    assert!(has_text(&harness, "Stack panel", "n = 3"), "back to the first call");
    click_toolbar(&mut harness, "Continue to breakpoint");
    click_toolbar(&mut harness, "Continue to breakpoint");
    harness.run();
    let model = app(&harness).model();
    assert_eq!(model.step() + 1, model.len(), "with no breakpoint ahead, continue goes to the end");
}

#[test]
fn play_moves_through_the_steps_and_pauses() {
    let mut harness = ran_calls();
    click_toolbar(&mut harness, "Play");
    let start = app(&harness).model().step();
    wait_for(&mut harness, "playback to move", Duration::from_secs(10), |h| app(h).model().step() >= start + 2);
    click_toolbar(&mut harness, "Pause");
    harness.run();
    let paused_at = app(&harness).model().step();
    std::thread::sleep(Duration::from_millis(600));
    harness.run();
    assert_eq!(app(&harness).model().step(), paused_at, "paused playback stays put");

    // Played to the end, it stops by itself.
    harness.get_by_label("Play speed").click();
    harness.run();
    harness.get_by_label("60 steps/s").click();
    harness.run();
    click_toolbar(&mut harness, "Play");
    wait_for(&mut harness, "playback to reach the end", Duration::from_secs(10), |h| {
        let model = app(h).model();
        model.step() + 1 == model.len() && h.query_by_label("Pause").is_none()
    });
}

#[test]
fn when_did_it_change_jumps_between_the_steps_that_changed_a_name() {
    let mut harness = harness();
    type_program(&mut harness, "x = [1]\ny = 2\nx.append(y)\ny = 3\nx = 'done'\nprint(x, y)\n");
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Stack");
    harness.get_by(|node| node.label().is_some_and(|label| label.starts_with("x = "))).click();
    harness.run();
    first_step(&mut harness);
    let mut lines = Vec::new();
    for _ in 0..4 {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::CloseBracket);
        harness.run();
        lines.push(shown_line(&harness));
    }
    // x is bound after line 1 runs (shown at line 2), changed by the append (shown at line 4) and
    // rebound by line 5 (shown at line 6); there is no later change, so the view stays.
    assert_eq!(lines, vec![2, 4, 6, 6]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::OpenBracket);
    harness.run();
    assert_eq!(shown_line(&harness), 4);
}

#[test]
fn modules_pane_marks_new_imports_filters_and_links_to_the_import() {
    let mut harness = harness();
    type_program(&mut harness, "x = 1\nimport json\nprint(json.dumps(x))\n");
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Modules");
    harness.get_by_label("Filter modules").click();
    harness.get_by_label("Filter modules").type_text("json");
    harness.run();
    let rows = texts_in(&harness, "Modules panel");
    assert!(rows.iter().any(|text| text == "json"), "{rows:?}");
    assert!(!rows.iter().any(|text| text == "sys"), "the filter hides the others: {rows:?}");
    harness.get_by_label("Go to the import of json").click();
    harness.run();
    show_tab(&mut harness, "Stack");
    assert_eq!(shown_line(&harness), 3, "the step after `import json` ran");
    show_tab(&mut harness, "Modules");
    assert!(has_text(&harness, "Modules panel", "added at this step"));
    assert!(has_text(&harness, "Modules panel", "new"));
}

#[test]
fn panes_close_come_back_and_keep_their_place_across_launches() {
    let folder = tempfile::tempdir().expect("a data folder");
    let mut harness = window(folder.path());
    assert!(has_tab(&harness, "Modules"), "the Modules tab is there at first");
    app_mut(&mut harness).queue_command(Command::HidePane(Pane::Modules));
    harness.run();
    assert!(!has_tab(&harness, "Modules"), "closed");
    // The Lesson tab's own close button.
    harness.get_all_by_label("Close").next().expect("tabs have close buttons").click();
    harness.run();
    assert!(!has_tab(&harness, "Lesson"), "the lesson pane closed with its tab's button");
    show_tab(&mut harness, "Bytecode");
    harness.run();
    assert!(app_mut(&mut harness).flush_store().is_ok(), "the layout is saved");
    drop(harness);

    let mut harness = window(folder.path());
    harness.run();
    assert!(!has_tab(&harness, "Modules"), "still closed after a restart");
    assert!(!has_tab(&harness, "Lesson"));
    assert!(harness.query_by_label("Bytecode panel").is_some(), "Bytecode is still the tab in front");

    // The View menu brings a closed pane back.
    open_menu(&mut harness, "View", "Modules Ctrl+4");
    // Menu entries read with their shortcut.
    harness.get_by_label("Modules Ctrl+4").click();
    harness.run();
    assert!(harness.query_by_label("Modules panel").is_some());
    open_menu(&mut harness, "View", "Lesson pane");
    harness.get_by_label("Lesson pane").click();
    harness.run();
    assert!(has_tab(&harness, "Lesson"), "and the lesson pane too");
}

#[test]
fn the_stack_lists_generators_that_are_paused_between_resumptions() {
    let mut harness = harness();
    type_program(
        &mut harness,
        "def count():\n    n = 0\n    while True:\n        yield n\n        n += 1\n\nticks = count()\nfirst = next(ticks)\nsecond = next(ticks)\ndone = True\n",
    );
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Stack");
    // At the last step the generator sits paused at its yield: not on the stack, but alive.
    let texts = texts_in(&harness, "Stack panel");
    assert!(texts.iter().any(|t| t == "Paused generators and coroutines"), "{texts:?}");
    let paused = texts.iter().find(|t| t.starts_with("<generator object count")).expect("the paused generator");
    assert!(paused.contains("ticks in <module>"), "{paused:?}");

    // While it runs (inside next), its frame is on the stack and it is not listed as paused.
    app_mut(&mut harness).queue_command(Command::GoToStep(0));
    harness.run();
    let mut seen_running = false;
    for _ in 0..app(&harness).model().len() {
        let texts = texts_in(&harness, "Stack panel");
        if texts.iter().any(|t| t.starts_with("Frame count")) {
            seen_running = true;
            assert!(!texts.iter().any(|t| t.starts_with("<generator object count")), "{texts:?}");
        }
        click_toolbar(&mut harness, "Step into");
        harness.run();
    }
    assert!(seen_running, "the generator's frame was on the stack at some step");
}

#[test]
fn quick_key_presses_each_take_a_step() {
    let mut harness = ran_calls();
    harness.key_press(Key::F11);
    harness.key_press(Key::F11);
    harness.key_press(Key::F11);
    harness.run();
    assert_eq!(app(&harness).model().step(), 3, "three presses in one frame, three steps");
    harness.key_press(Key::F11);
    harness.run();
    harness.key_press(Key::F11);
    harness.run();
    assert_eq!(app(&harness).model().step(), 5);
}
