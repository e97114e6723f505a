//! The editor through the window: breakpoints set by clicking the gutter, the error line and its
//! message, files opened and saved through the test entry points (the dialogs are skipped), the
//! "save changes?" question answered by its buttons, recent files across a restart, and live mode.
//! Headless: kittest's plain `Harness`; each test starts its own Python worker.

use std::fs;
use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use pyxray::ui::commands::Command;

mod gui_support;

use gui_support::*;

fn click_toolbar(harness: &mut Harness<'_, App>, label: &str) {
    harness.get_by_label("Toolbar").get_by_label(label).click();
    harness.step();
}

fn run_and_wait(harness: &mut Harness<'_, App>, outcome: &str) {
    click_toolbar(harness, "Run");
    wait_for(harness, outcome, Duration::from_secs(20), |h| !app(h).model().is_recording() && status_has(h, outcome));
    harness.run();
}

fn command(harness: &mut Harness<'_, App>, command: Command) {
    app_mut(harness).queue_command(command);
    harness.step();
    harness.run();
}

/// The line of the step shown.
fn shown_line(harness: &Harness<'_, App>) -> Option<u32> {
    let model = app(harness).model();
    model.steps().line(model.step())
}

/// The labels of the editor's gutter and marks.
fn editor_texts(harness: &Harness<'_, App>) -> Vec<String> {
    let marked = By::new().predicate(|node| {
        let text = node.label().or_else(|| node.value());
        text.is_some_and(|text| text.starts_with("Line ") || text.starts_with("Error on line"))
    });
    let texts = harness.query_all(marked).filter_map(|node| {
        let node = node.accesskit_node();
        node.label().or_else(|| node.value())
    });
    texts.collect()
}

/// The error shown next to its line, if any.
fn error_message(harness: &Harness<'_, App>) -> Option<String> {
    editor_texts(harness).into_iter().find(|text| text.starts_with("Error on line"))
}

/// Clicks into the editor (the cursor goes to the end of the text) and types.
fn type_more(harness: &mut Harness<'_, App>, text: &str) {
    harness.get_by_label("Code editor").click();
    harness.step();
    harness.get_by_label("Code editor").type_text(text);
    harness.step();
    harness.run_ok();
}

fn output_text(harness: &Harness<'_, App>) -> String {
    texts_in(harness, "Output panel").join("\n")
}

const LOOP: &str = "total = 0\nfor i in range(3):\n    total += i\nprint(total)\n";

#[test]
fn a_gutter_click_sets_a_breakpoint_and_continue_stops_on_its_line() {
    let mut harness = harness();
    type_program(&mut harness, LOOP);
    harness.get_by_label("Line 3").click();
    harness.step();
    harness.run();
    assert!(harness.query_by_label("Line 3, breakpoint").is_some(), "{:?}", editor_texts(&harness));
    assert!(harness.query_by_label("Line 2, breakpoint").is_none());

    run_and_wait(&mut harness, "finished");
    command(&mut harness, Command::FirstStep);
    assert_ne!(shown_line(&harness), Some(3));
    click_toolbar(&mut harness, "Continue to breakpoint");
    harness.run();
    assert_eq!(shown_line(&harness), Some(3), "Continue stops on the breakpoint's line");
    let first_stop = app(&harness).model().step();
    let gutter = harness.get_by_label("Line 3, breakpoint");
    assert_eq!(
        gutter.accesskit_node().description().as_deref(),
        Some("about to run"),
        "the gutter marks the line about to run"
    );
    let line_2 = harness.get_by_label("Line 2");
    assert_eq!(line_2.accesskit_node().description().as_deref(), Some("just ran"), "and the line just run");

    click_toolbar(&mut harness, "Continue to breakpoint");
    harness.run();
    assert_eq!(shown_line(&harness), Some(3));
    assert!(app(&harness).model().step() > first_stop, "the next iteration's stop");

    // Clicking again clears it.
    harness.get_by_label("Line 3, breakpoint").click();
    harness.step();
    harness.run();
    assert!(harness.query_by_label("Line 3, breakpoint").is_none());
    assert!(harness.query_by_label("Line 3").is_some());
}

#[test]
fn breakpoints_follow_their_lines_and_f9_uses_the_cursor_line() {
    let mut harness = harness();
    type_program(&mut harness, "a = 1\nb = 2");
    // The cursor is at the end of line 2.
    harness.key_press(Key::F9);
    harness.step();
    harness.run();
    assert!(harness.query_by_label("Line 2, breakpoint").is_some(), "{:?}", editor_texts(&harness));
    // A line typed above it pushes it down.
    harness.key_press(Key::ArrowUp);
    harness.key_press(Key::Home);
    harness.step();
    harness.get_by_label("Code editor").type_text("# comment\n");
    harness.step();
    harness.run();
    assert_eq!(app(&harness).code(), "# comment\na = 1\nb = 2");
    assert!(harness.query_by_label("Line 3, breakpoint").is_some(), "{:?}", editor_texts(&harness));
    assert!(harness.query_by_label("Line 2, breakpoint").is_none());
}

#[test]
fn an_exception_marks_its_line_with_the_message_until_the_code_is_edited() {
    let mut harness = harness();
    type_program(&mut harness, "a = 1\nb = 0\nc = a / b\nprint(c)\n");
    run_and_wait(&mut harness, "exception");
    let message = error_message(&harness)
        .unwrap_or_else(|| panic!("no error shown: {:?} {:?}", editor_texts(&harness), app(&harness).model().end));
    assert_eq!(message, "Error on line 3: ZeroDivisionError: division by zero");

    type_more(&mut harness, "# fixed?\n");
    assert_eq!(error_message(&harness), None, "an edit clears the error mark");
}

#[test]
fn a_syntax_error_marks_its_line_and_column() {
    let mut harness = harness();
    type_program(&mut harness, "x = 1\ny = = 2\n");
    run_and_wait(&mut harness, "syntax_error");
    let message = error_message(&harness)
        .unwrap_or_else(|| panic!("no error shown: {:?} {:?}", editor_texts(&harness), app(&harness).model().end));
    assert!(message.starts_with("Error on line 2, column 5: SyntaxError"), "{message}");
}

#[test]
fn a_file_opens_saves_and_names_the_window() {
    let mut harness = harness();
    let dir = tempfile::tempdir().unwrap();
    let loops = dir.path().join("loops.py");
    fs::write(&loops, "for i in range(3):\n    print(i)\n").unwrap();

    app_mut(&mut harness).open_file_from(&loops).unwrap();
    harness.run();
    assert_eq!(app(&harness).code(), "for i in range(3):\n    print(i)\n");
    assert_eq!(app(&harness).window_title(), "pyxray — loops.py");

    type_more(&mut harness, "print('done')\n");
    assert_eq!(app(&harness).window_title(), "pyxray — loops.py •", "unsaved changes show");
    run_and_wait(&mut harness, "finished");
    assert!(output_text(&harness).contains("done"), "{}", output_text(&harness));

    let copy = dir.path().join("copy.py");
    app_mut(&mut harness).save_file_to(&copy).unwrap();
    harness.run();
    assert_eq!(fs::read_to_string(&copy).unwrap(), app(&harness).code());
    assert_eq!(
        fs::read_to_string(&loops).unwrap(),
        "for i in range(3):\n    print(i)\n",
        "Save as leaves the old file"
    );
    assert_eq!(app(&harness).window_title(), "pyxray — copy.py");
    assert_eq!(app(&harness).program_path(), Some(copy.as_path()));
    // No temporary files are left next to it.
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|entry| entry.file_name()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn files_the_editor_cannot_take_are_refused_and_the_text_kept() {
    let mut harness = harness();
    type_program(&mut harness, "keep = 'me'\n");
    let dir = tempfile::tempdir().unwrap();

    let latin1 = dir.path().join("latin1.py");
    fs::write(&latin1, b"name = 'Jos\xe9'\n").unwrap();
    let problem = app_mut(&mut harness).open_file_from(&latin1).unwrap_err();
    assert!(problem.contains("not UTF-8") && problem.contains("line 1, column 12"), "{problem}");

    let huge = dir.path().join("huge.py");
    fs::write(&huge, "x = 1\n".repeat(300_000)).unwrap();
    let problem = app_mut(&mut harness).open_file_from(&huge).unwrap_err();
    assert!(problem.contains("up to 1000 KB"), "{problem}");

    let problem = app_mut(&mut harness).open_file_from(&dir.path().join("vanished.py")).unwrap_err();
    assert!(problem.contains("does not exist"), "{problem}");

    harness.run();
    assert_eq!(app(&harness).code(), "keep = 'me'\n", "the editor is unchanged");
    assert!(has_text(&harness, "Notices", "is not UTF-8 text"), "{:?}", texts_in(&harness, "Notices"));
    assert!(has_text(&harness, "Notices", "huge.py"));

    // A save that cannot happen (the folder is a file) says so and keeps the text unsaved.
    let blocked = latin1.join("inside.py");
    let problem = app_mut(&mut harness).save_file_to(&blocked).unwrap_err();
    assert!(problem.contains("was not saved"), "{problem}");
    harness.run();
    assert_eq!(app(&harness).code(), "keep = 'me'\n");
    assert!(app(&harness).window_title().ends_with('•'));
    assert!(app(&harness).program_path().is_none());
}

#[test]
fn the_unsaved_changes_question_guards_new_and_quit() {
    let mut harness = harness();
    type_program(&mut harness, "precious = 1\n");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.step();
    harness.run();
    assert!(harness.query_by_label("Don't save").is_some(), "New asks first");
    harness.get_by_label("Cancel").click();
    harness.step();
    harness.run();
    assert!(harness.query_by_label("Don't save").is_none());
    assert_eq!(app(&harness).code(), "precious = 1\n", "Cancel keeps the text");

    // Save writes the file, then New goes ahead.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("precious.py");
    app_mut(&mut harness).save_file_to(&path).unwrap();
    type_more(&mut harness, "more = 2\n");
    command(&mut harness, Command::NewFile);
    harness.get_by_label("Save").click();
    harness.step();
    harness.run();
    assert_eq!(fs::read_to_string(&path).unwrap(), "precious = 1\nmore = 2\n");
    assert_eq!(app(&harness).code(), "", "then the new, empty program");
    assert_eq!(app(&harness).window_title(), "pyxray");

    // Quit with unsaved changes to a file asks too; Don't save on New drops them.
    app_mut(&mut harness).open_file_from(&path).unwrap();
    harness.run();
    type_more(&mut harness, "lost = 3\n");
    command(&mut harness, Command::Quit);
    assert!(harness.query_by_label("Don't save").is_some(), "Quit asks first");
    harness.get_by_label("Cancel").click();
    harness.step();
    harness.run();
    command(&mut harness, Command::NewFile);
    harness.get_by_label("Don't save").click();
    harness.step();
    harness.run();
    assert_eq!(app(&harness).code(), "");
    assert_eq!(fs::read_to_string(&path).unwrap(), "precious = 1\nmore = 2\n", "nothing was saved");
}

#[test]
fn recent_files_are_listed_and_come_back_after_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let code = tempfile::tempdir().unwrap();
    let first = code.path().join("first.py");
    let second = code.path().join("second.py");
    fs::write(&first, "a = 1\n").unwrap();
    fs::write(&second, "b = 2\n").unwrap();
    {
        let mut harness = window(data.path());
        app_mut(&mut harness).open_file_from(&first).unwrap();
        app_mut(&mut harness).open_file_from(&second).unwrap();
        app_mut(&mut harness).open_file_from(&first).unwrap();
        harness.run();
        assert_eq!(app(&harness).recent_files(), [first.clone(), second.clone()], "most recent first, once each");
        harness.get_by_label("File").click();
        harness.run();
        harness.get_by_label("Open recent").hover();
        harness.run();
        assert!(harness.query_by_label("second.py").is_some(), "the menu lists it");
        assert!(app_mut(&mut harness).flush_store().is_ok());
    }
    fs::remove_file(&second).unwrap();
    let mut harness = window(data.path());
    assert_eq!(app(&harness).recent_files(), [first.clone(), second.clone()], "kept in the settings");
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Open recent").hover();
    harness.run();
    assert!(harness.query_by_label("second.py (not found)").is_some(), "a missing file is shown as such");
    harness.key_press(Key::Escape);
    harness.run();

    command(&mut harness, Command::OpenRecent(second.clone()));
    assert_eq!(app(&harness).recent_files(), std::slice::from_ref(&first), "a missing file is taken off the list");
    assert!(has_text(&harness, "Notices", "second.py is no longer there"), "{:?}", texts_in(&harness, "Notices"));
    command(&mut harness, Command::OpenRecent(first.clone()));
    assert_eq!(app(&harness).code(), "a = 1\n");
}

#[test]
fn live_mode_runs_again_after_an_edit_and_keeps_the_line() {
    let mut harness = harness();
    type_program(&mut harness, "x = 1\ny = x + 1\nz = y * 2\nprint(z)\n");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.step();
    wait_for(&mut harness, "the first live run", Duration::from_secs(20), |h| {
        app(h).model().has_run() && !app(h).model().is_recording() && status_has(h, "finished")
    });
    harness.run();
    assert!(output_text(&harness).contains('4'), "{}", output_text(&harness));

    // Look at line 2, then edit the program below it.
    let step = app(&harness).model().first_step_on_line(2).expect("line 2 ran");
    command(&mut harness, Command::GoToStep(step));
    assert_eq!(shown_line(&harness), Some(2));
    let runs = app(&harness).model().run_id();
    type_more(&mut harness, "print(z * 100)\n");
    wait_for(&mut harness, "the live run after the edit", Duration::from_secs(20), |h| {
        app(h).model().run_id() > runs && !app(h).model().is_recording() && app(h).model().end.is_some()
    });
    harness.run();
    assert_eq!(app(&harness).model().run_id(), runs + 1, "one run for one edit");
    assert_eq!(shown_line(&harness), Some(2), "the view stays at line 2");
    command(&mut harness, Command::LastStep);
    assert!(output_text(&harness).contains("400"), "the new code ran: {}", output_text(&harness));

    // A syntax error while typing marks the line, quietly.
    type_more(&mut harness, "if x\n");
    wait_for(&mut harness, "the syntax error", Duration::from_secs(20), |h| status_has(h, "syntax_error"));
    harness.run();
    assert!(error_message(&harness).is_some_and(|m| m.starts_with("Error on line 6")), "{:?}", editor_texts(&harness));
    assert!(app(&harness).notices().is_empty(), "no notices while typing");
}
