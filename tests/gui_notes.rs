//! Notes, progress and settings through the window: what the learner writes and does survives
//! closing pyxray, damaged files are reported and set aside, and data moves in and out through
//! files. Each test uses its own data folder (`--data-dir`), and "closing pyxray" is dropping the
//! app and building a new one on the same folder. Headless: kittest's plain `Harness`.

use std::fs;
use std::path::Path;
use std::time::Duration;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::store::{EngineLimitsSettings, LessonId, Theme};
use pyxray::ui::Pane;
use pyxray::ui::commands::{Command, EngineLimitsChange, LessonEvent};

mod gui_support;

use gui_support::*;

/// Presses a command's shortcut, then lets the frame apply it and settle.
fn press(harness: &mut Harness<'_, App>, key: Key) {
    harness.key_press_modifiers(Modifiers::COMMAND, key);
    harness.step();
    harness.run();
}

/// Applies a command through the app's command path, as a panel returning it would.
fn command(harness: &mut Harness<'_, App>, command: Command) {
    app_mut(harness).queue_command(command);
    harness.step();
    harness.run();
}

fn show_notes(harness: &mut Harness<'_, App>) {
    press(harness, Key::Num5);
    assert_eq!(app(harness).tab(), Pane::Notes);
}

fn show_progress(harness: &mut Harness<'_, App>) {
    press(harness, Key::Num6);
    assert_eq!(app(harness).tab(), Pane::Progress);
}

fn note_editor_text(harness: &Harness<'_, App>) -> String {
    harness.get_by_label("Note editor").accesskit_node().value().unwrap_or_default()
}

fn open_lesson(harness: &Harness<'_, App>) -> LessonId {
    LessonId::parse(app(harness).open_lesson().expect("a lesson is open")).expect("a valid lesson id")
}

fn wait_until_ready(harness: &mut Harness<'_, App>) {
    wait_for(harness, "the worker to be ready", Duration::from_secs(20), |h| status_has(h, "worker: ready"));
}

fn files_named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| entries.flatten().filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    names.retain(|name| name.starts_with(prefix));
    names.sort();
    names
}

#[test]
fn a_typed_note_is_autosaved_and_there_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let lesson;
    {
        let mut harness = window(dir.path());
        show_notes(&mut harness);
        lesson = open_lesson(&harness);
        assert!(has_text(&harness, "Notes panel", "saved"));
        harness.get_by_label("Note editor").click();
        harness.step();
        harness.get_by_label("Note editor").type_text("# Names\n\nA name is a *reference* to an object.");
        harness.step();
        harness.run();
        assert!(has_text(&harness, "Notes panel", "saving…"), "{:?}", texts_in(&harness, "Notes panel"));
        assert!(has_text(&harness, "Note preview", "Names"), "the preview shows the heading");

        let note_path = dir.path().join("notes").join(format!("{lesson}.md"));
        // The store saves about a second after typing stops; the frames go on meanwhile.
        wait_for(&mut harness, "the autosave", Duration::from_secs(5), |_| note_path.exists());
        assert_eq!(fs::read_to_string(&note_path).unwrap(), "# Names\n\nA name is a *reference* to an object.");
        harness.run();
        assert!(has_text(&harness, "Notes panel", "saved"));
        assert!(!has_text(&harness, "Notes panel", "saving…"));
    }
    let mut harness = window(dir.path());
    show_notes(&mut harness);
    assert_eq!(open_lesson(&harness), lesson, "the same lesson is open again");
    assert_eq!(note_editor_text(&harness), "# Names\n\nA name is a *reference* to an object.");
}

#[test]
fn add_code_and_add_output_put_fenced_blocks_into_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = window(dir.path());
    wait_until_ready(&mut harness);
    type_program(&mut harness, "word = 'hello'\nprint(word)\n");
    show_notes(&mut harness);
    harness.get_by_label("Note editor").click();
    harness.step();
    harness.get_by_label("Note editor").type_text("My program:");
    harness.step();
    harness.run();
    assert!(harness.get_by_label("Add output to notes").accesskit_node().is_disabled(), "nothing printed yet");
    harness.get_by_label("Add code to notes").click();
    harness.step();
    harness.run();
    let expected = "My program:\n\n```python\nword = 'hello'\nprint(word)\n```\n";
    assert_eq!(note_editor_text(&harness), expected);

    run_and_wait(&mut harness, "finished");
    assert_eq!(app(&harness).tab(), Pane::Notes);
    harness.get_by_label("Add output to notes").click();
    harness.step();
    harness.run();
    assert_eq!(note_editor_text(&harness), format!("{expected}\n```text\nhello\n```\n"));
    // Typing goes on after the inserted block: the cursor was put there.
    harness.get_by_label("Note editor").type_text("Done.");
    harness.step();
    harness.run();
    assert_eq!(note_editor_text(&harness), format!("{expected}\n```text\nhello\n```\nDone."));
}

#[test]
fn lesson_activity_shows_in_the_progress_view_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = || "names-and-references".to_owned();
    {
        let mut harness = window(dir.path());
        show_progress(&mut harness);
        assert!(has_text(&harness, "Progress panel", "0 of 12 lessons completed"));
        let event = LessonEvent::ExercisePassed {
            lesson: lesson(),
            exercise: "clone-board".into(),
            code: "board = [row[:] for row in board]".into(),
        };
        command(&mut harness, Command::Lesson(event));
        command(&mut harness, Command::Lesson(LessonEvent::ExampleRun { lesson: lesson(), index: 0 }));
        let progress = texts_in(&harness, "Progress panel");
        assert!(progress.iter().any(|t| t.contains("exercises 1 of 1 passed")), "{progress:?}");
        assert!(progress.iter().any(|t| t.contains("1 of 12 visited")), "{progress:?}");
        assert!(progress.iter().any(|t| t.contains("Exercise clone-board: passed")), "{progress:?}");
        command(&mut harness, Command::Lesson(LessonEvent::Completed { lesson: lesson() }));
        assert!(has_text(&harness, "Progress panel", "1 of 12 lessons completed"));
    }
    let saved = fs::read_to_string(dir.path().join("progress.json")).unwrap();
    assert!(saved.contains("board = [row[:] for row in board]"), "{saved}");
    let mut harness = window(dir.path());
    show_progress(&mut harness);
    let progress = texts_in(&harness, "Progress panel");
    assert!(progress.iter().any(|t| t.contains("1 of 12 lessons completed")), "{progress:?}");
    assert!(progress.iter().any(|t| t.contains("exercises 1 of 1 passed")), "{progress:?}");
    assert!(progress.iter().any(|t| t.contains("examples run 1 of")), "{progress:?}");
}

#[test]
fn theme_zoom_and_limits_persist_and_runs_use_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let limits = EngineLimitsSettings { max_steps: 1_000, time_limit_secs: 7.5, ..EngineLimitsSettings::default() };
    {
        let mut harness = window(dir.path());
        press(&mut harness, Key::Equals);
        press(&mut harness, Key::Equals);
        press(&mut harness, Key::Minus);
        press(&mut harness, Key::Equals);
        assert!((harness.ctx.zoom_factor() - 1.2).abs() < 1e-4, "{}", harness.ctx.zoom_factor());

        press(&mut harness, Key::Comma);
        assert!(harness.query_by_label("Settings window").is_some(), "Ctrl+, opens the settings");
        harness.get_by_label("Light").click();
        harness.step();
        harness.run();
        assert!(!app(&harness).dark_mode());
        assert_eq!(harness.ctx.theme(), egui::Theme::Light);
        command(&mut harness, Command::SetEngineLimits(EngineLimitsChange(limits.clone())));
        assert_eq!(
            harness.get_by_role_and_label(Role::SpinButton, "Max steps").accesskit_node().numeric_value(),
            Some(1000.0),
            "the window shows the new limit"
        );
    }
    let settings = fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(settings.contains("\"theme\": \"light\""), "{settings}");

    let mut harness = window(dir.path());
    let saved = app(&harness).store().settings.get().clone();
    assert_eq!(saved.theme, Theme::Light);
    assert!((saved.zoom_factor - 1.2).abs() < 1e-4);
    assert_eq!(saved.engine_limits, limits);
    assert!((harness.ctx.zoom_factor() - 1.2).abs() < 1e-4);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    press(&mut harness, Key::Num0);
    assert_eq!(harness.ctx.zoom_factor(), 1.0);

    wait_until_ready(&mut harness);
    type_program(&mut harness, "total = 0\nfor i in range(100_000):\n    total += i\n");
    run_and_wait(&mut harness, "step_limit");
    assert!(app(&harness).model().len() <= 1_001, "{} steps", app(&harness).model().len());
}

#[test]
fn damaged_settings_and_progress_are_set_aside_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("settings.json"), "{\"schema_version\": 1, \"zoom_factor\": ").unwrap();
    fs::write(dir.path().join("progress.json"), "not json at all").unwrap();
    let mut harness = window(dir.path());
    harness.run();
    let notices = texts_in(&harness, "Notices");
    for name in ["settings.json", "progress.json"] {
        let set_aside = files_named(dir.path(), &format!("{name}.corrupt-"));
        assert_eq!(set_aside.len(), 1, "{name} is set aside: {:?}", files_named(dir.path(), ""));
        let new_path = dir.path().join(&set_aside[0]);
        assert!(
            notices.iter().any(|t| t.contains(&new_path.display().to_string())),
            "the notice names {}: {notices:?}",
            new_path.display()
        );
    }
    assert_eq!(
        fs::read_to_string(dir.path().join(&files_named(dir.path(), "progress.json.corrupt-")[0])).unwrap(),
        "not json at all"
    );
    let mut shown = app(&harness).notices().len();
    assert!(shown >= 2, "{notices:?}");
    while shown > 0 {
        assert_eq!(harness.query_all_by_label("Dismiss notice").count(), shown);
        harness.query_all_by_label("Dismiss notice").next().unwrap().click();
        harness.step();
        harness.run();
        assert_eq!(app(&harness).notices().len(), shown - 1);
        shown -= 1;
    }
    assert!(harness.query_by_label("Notices").is_none(), "the notice area is gone");
    // The files in use now are fresh ones, saved without complaint.
    drop(harness);
    let mut harness = window(dir.path());
    harness.run();
    assert!(app(&harness).notices().is_empty(), "{:?}", app(&harness).notices());
}

#[test]
fn notes_and_progress_are_exported_and_progress_imported_elsewhere() {
    let (first, second, files) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let notes_file = files.path().join("notes.md");
    let progress_file = files.path().join("progress-export.json");
    {
        let mut harness = window(first.path());
        let edit =
            pyxray::ui::commands::NoteCommand::Edit { lesson: "imports".into(), text: "sys.modules is a cache".into() };
        command(&mut harness, Command::Notes(edit));
        let event = LessonEvent::ExercisePassed {
            lesson: "imports".into(),
            exercise: "load-module".into(),
            code: "import json".into(),
        };
        command(&mut harness, Command::Lesson(event));
        command(&mut harness, Command::Lesson(LessonEvent::Completed { lesson: "imports".into() }));
        app_mut(&mut harness).export_notes_to(&notes_file).unwrap();
        app_mut(&mut harness).export_progress_to(&progress_file).unwrap();
        harness.run();
        assert!(has_text(&harness, "Notices", "exported to"));
    }
    let markdown = fs::read_to_string(&notes_file).unwrap();
    assert_eq!(markdown, "# Imports are not includes\n\nsys.modules is a cache\n");
    assert!(fs::read_to_string(&progress_file).unwrap().contains("\"pyxray-progress\""));

    let mut harness = window(second.path());
    show_progress(&mut harness);
    assert!(has_text(&harness, "Progress panel", "0 of 12 lessons completed"));
    let garbage = files.path().join("garbage.json");
    fs::write(&garbage, "{\"hello\": 1}").unwrap();
    let refused = app_mut(&mut harness).import_progress_from(&garbage).unwrap_err();
    assert!(refused.contains("not a pyxray progress file"), "{refused}");
    harness.run();
    assert!(has_text(&harness, "Notices", "Your progress is unchanged"), "{:?}", texts_in(&harness, "Notices"));
    assert!(has_text(&harness, "Progress panel", "0 of 12 lessons completed"), "a refused import changes nothing");
    assert!(
        !second.path().join("progress.json").exists()
            || !fs::read_to_string(second.path().join("progress.json")).unwrap().contains("imports")
    );

    let summary = app_mut(&mut harness).import_progress_from(&progress_file).unwrap();
    assert_eq!((summary.lessons_in_file, summary.lessons_added), (1, 1));
    harness.run();
    assert!(has_text(&harness, "Progress panel", "1 of 12 lessons completed"));
    assert!(has_text(&harness, "Notices", "Progress imported from"));
    assert!(fs::read_to_string(second.path().join("progress.json")).unwrap().contains("import json"), "saved at once");
    assert!(app(&harness).notices().len() >= 2);
    harness.get_by_label("Dismiss all notices").click();
    harness.step();
    harness.run();
    assert!(app(&harness).notices().is_empty());
}

#[test]
fn the_code_and_step_from_last_time_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let program = "a = 1\nb = 2\nc = a + b\nprint(c)\n";
    let step;
    {
        let mut harness = window(dir.path());
        wait_until_ready(&mut harness);
        type_program(&mut harness, program);
        run_and_wait(&mut harness, "finished");
        harness.get_by_label("Toolbar").get_by_label("Step back").click();
        harness.step();
        harness.run();
        step = app(&harness).model().step();
        assert!(step > 0);
        assert!(app_mut(&mut harness).flush_store().is_ok());
    }
    let mut harness = window(dir.path());
    assert_eq!(app(&harness).code(), program);
    assert!(
        status_has(&harness, &format!("Run it to return to step {}", step + 1)),
        "{:?}",
        texts_in(&harness, "Status bar")
    );
    wait_until_ready(&mut harness);
    run_and_wait(&mut harness, "finished");
    assert_eq!(app(&harness).model().step(), step, "the step from last time is shown");
}

#[test]
fn a_note_changed_elsewhere_keeps_both_versions_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = window(dir.path());
    show_notes(&mut harness);
    let lesson = open_lesson(&harness);
    harness.get_by_label("Note editor").click();
    harness.step();
    harness.get_by_label("Note editor").type_text("written in pyxray");
    harness.step();
    harness.run();
    // Another program writes the note before pyxray saves it.
    let note_path = dir.path().join("notes").join(format!("{lesson}.md"));
    fs::create_dir_all(note_path.parent().unwrap()).unwrap();
    fs::write(&note_path, "written elsewhere").unwrap();
    assert!(app_mut(&mut harness).flush_store().is_ok());
    harness.step();
    harness.run();

    assert_eq!(note_editor_text(&harness), "written elsewhere", "the version on disk is shown");
    let conflicts = files_named(&dir.path().join("notes"), &format!("{lesson}.conflict-"));
    assert_eq!(conflicts.len(), 1, "{:?}", files_named(&dir.path().join("notes"), ""));
    let conflict_path = dir.path().join("notes").join(&conflicts[0]);
    assert_eq!(fs::read_to_string(&conflict_path).unwrap(), "written in pyxray");
    let where_it_went = conflict_path.display().to_string();
    assert!(has_text(&harness, "Notices", &where_it_went), "{:?}", texts_in(&harness, "Notices"));
    assert!(has_text(&harness, "Notes panel", &where_it_went), "the Notes panel says it too");
    harness.get_by_label("Dismiss conflict notice").click();
    harness.step();
    harness.run();
    assert!(app(&harness).notices().is_empty());
    assert!(!has_text(&harness, "Notes panel", &where_it_went));
}

#[test]
fn the_lesson_and_section_left_off_at_reopen_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let mut harness = window(dir.path());
        app_mut(&mut harness).open_lesson_at("names-and-references", 2);
        harness.step();
        harness.step();
        assert_eq!(app(&harness).lesson_pane().current_section(), Some(2));
        app_mut(&mut harness).flush_store().expect("progress saved");
    }
    let harness = window(dir.path());
    assert_eq!(app(&harness).open_lesson(), Some("names-and-references"));
    assert_eq!(app(&harness).lesson_pane().current_section(), Some(2), "the section left off at");
}
