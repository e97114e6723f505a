//! Presenter mode as a teacher uses it: F12 turns a lesson into slides, the clicker's keys move
//! through the slides and through each example's trace, the audience window shows the same slide,
//! and leaving presenter mode gives back the workbench at the learner's own zoom. Bookmarked steps
//! stop Play and can be jumped to; Spotlight dims all but the part under the mouse. Driven through
//! the accessibility tree with the real worker.

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::ui::presenter::{AUDIENCE_LABEL, AUDIENCE_TITLE, Spot};

mod gui_support;

use gui_support::*;

const LESSON: &str = r#"+++
id = "presenting"
title = "A lesson to present"
order = 1
goals = ["Watch a loop"]
panels = ["heap"]
minutes = 5
+++

Intro text for the room.

## Counting up

We add three numbers.

```python example
total = 0
for n in range(3):
    total += n
print("total", total)
```

## Closing words

Nothing runs here.
"#;

/// The window with the lesson above open at its first section, presenter mode off.
fn lesson_open() -> (Harness<'static, App>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("presenting.md"), LESSON).expect("write the lesson");
    let mut harness = harness();
    app_mut(&mut harness).open_lesson_folder(dir.path());
    app_mut(&mut harness).open_lesson_at("presenting", 0);
    harness.step();
    harness.step();
    assert_eq!(app(&harness).open_lesson(), Some("presenting"));
    (harness, dir)
}

fn press(harness: &mut Harness<'_, App>, key: Key) {
    harness.key_press(key);
    harness.step();
    harness.step();
}

fn slide_says(harness: &Harness<'_, App>, text: &str) -> bool {
    has_text(harness, "Slide", text)
}

fn bar_says(harness: &Harness<'_, App>, text: &str) -> bool {
    has_text(harness, "Presenter bar", text)
}

/// Waits until the slide's example has run to its end.
fn wait_for_trace(harness: &mut Harness<'_, App>) {
    wait_for(harness, "the slide's example to run", Duration::from_secs(20), |h| {
        let model = app(h).model();
        model.has_run() && !model.is_busy() && !model.is_empty() && bar_says(h, " · step ")
    });
}

#[test]
fn f12_enters_presenter_mode_and_escape_restores_the_workbench() {
    let (mut harness, _dir) = lesson_open();
    let zoom = harness.ctx.zoom_factor();
    assert!(harness.query_by_label("Toolbar").is_some());

    press(&mut harness, Key::F12);
    assert!(bar_says(&harness, "slide 1 of 3"), "{:?}", texts_in(&harness, "Presenter bar"));
    assert!(slide_says(&harness, "Intro text for the room."), "{:?}", texts_in(&harness, "Slide"));
    assert!(harness.query_by_label("Toolbar").is_none(), "the toolbar is hidden");
    assert!(harness.query_by_label("Status bar").is_none(), "the status bar is hidden");
    assert!(harness.ctx.zoom_factor() > zoom * 1.5, "presenter text is larger");

    press(&mut harness, Key::Escape);
    assert!(harness.query_by_label("Presenter bar").is_none());
    assert!(harness.query_by_label("Toolbar").is_some(), "the toolbar is back");
    assert!(status_has(&harness, "worker"), "the status bar is back");
    assert_eq!(harness.ctx.zoom_factor(), zoom, "the learner's zoom is back exactly");

    // The toolbar's toggle and Ctrl+Shift+P do the same; so does the bar's Exit button.
    click_toolbar(&mut harness, "Presenter mode");
    harness.step();
    assert!(bar_says(&harness, "slide 1 of 3"));
    harness.get_by_label("Presenter bar").get_by_label("Exit presenter").click();
    harness.step();
    harness.step();
    assert!(harness.query_by_label("Toolbar").is_some());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.step();
    harness.step();
    assert!(bar_says(&harness, "slide 1 of 3"));
}

#[test]
fn keys_step_through_the_example_before_moving_to_the_next_slide() {
    let (mut harness, _dir) = lesson_open();
    press(&mut harness, Key::F12);
    assert!(bar_says(&harness, "slide 1 of 3"));

    // The introduction has no example: Right goes straight to the next slide, which runs its example.
    press(&mut harness, Key::ArrowRight);
    assert!(bar_says(&harness, "slide 2 of 3"));
    assert!(slide_says(&harness, "Counting up"), "{:?}", texts_in(&harness, "Slide"));
    wait_for_trace(&mut harness);
    assert!(app(&harness).code().contains("total += n"), "the example is in the editor");
    let len = app(&harness).model().len();
    assert!(len > 3, "{len} steps");
    assert_eq!(app(&harness).model().step(), 0);
    assert!(bar_says(&harness, &format!("step 1 of {len}")), "{:?}", texts_in(&harness, "Presenter bar"));

    // Right and PageDown step through the trace, one step each; Left and PageUp step back.
    press(&mut harness, Key::ArrowRight);
    assert_eq!(app(&harness).model().step(), 1);
    press(&mut harness, Key::PageDown);
    assert_eq!(app(&harness).model().step(), 2);
    assert!(bar_says(&harness, &format!("step 3 of {len}")));
    press(&mut harness, Key::ArrowLeft);
    press(&mut harness, Key::PageUp);
    assert_eq!(app(&harness).model().step(), 0);
    assert!(bar_says(&harness, "slide 2 of 3"), "still on the slide while the trace has steps");

    // Left at the first step leaves the slide backwards; Right at the last step leaves it forwards.
    press(&mut harness, Key::ArrowLeft);
    assert!(bar_says(&harness, "slide 1 of 3"));
    press(&mut harness, Key::ArrowRight);
    assert!(bar_says(&harness, "slide 2 of 3"));
    wait_for_trace(&mut harness);
    for _ in 1..len {
        press(&mut harness, Key::ArrowRight);
    }
    assert_eq!(app(&harness).model().step(), len - 1);
    assert!(bar_says(&harness, "slide 2 of 3"));
    press(&mut harness, Key::ArrowRight);
    assert!(bar_says(&harness, "slide 3 of 3"), "{:?}", texts_in(&harness, "Presenter bar"));
    assert!(slide_says(&harness, "Closing words"));
    // The last slide: Right stays.
    press(&mut harness, Key::PageDown);
    assert!(bar_says(&harness, "slide 3 of 3"));
}

#[test]
fn the_audience_window_shows_the_same_slide_and_the_speaker_column_the_next_one() {
    let (mut harness, _dir) = lesson_open();
    press(&mut harness, Key::F12);
    press(&mut harness, Key::ArrowRight);
    wait_for_trace(&mut harness);
    harness.run_ok();

    // kittest embeds viewports, so the audience viewport is a window (titled as the viewport) inside this one.
    assert!(harness.query_by_label(AUDIENCE_TITLE).is_some(), "the audience window's title");
    assert!(has_text(&harness, AUDIENCE_LABEL, "Counting up"), "{:?}", texts_in(&harness, AUDIENCE_LABEL));
    assert!(has_text(&harness, AUDIENCE_LABEL, "slide 2 of 3"));
    assert!(has_text(&harness, "Speaker column", "Closing words"), "the next slide's title");
    assert!(has_text(&harness, "Speaker column", "No note for this lesson"));
    assert!(!has_text(&harness, AUDIENCE_LABEL, "Speaker notes"), "the room does not see the notes");

    // The presenter can close it and open it again.
    harness.get_by_label("Presenter bar").get_by_label("Audience window").click();
    harness.step();
    harness.step();
    assert!(harness.query_by_label(AUDIENCE_LABEL).is_none());
    assert!(harness.query_by_label(AUDIENCE_TITLE).is_none(), "its window is gone too");
    harness.get_by_label("Presenter bar").get_by_label("Audience window").click();
    harness.step();
    harness.step();
    assert!(has_text(&harness, AUDIENCE_LABEL, "Counting up"));
}

#[test]
fn play_runs_through_the_slide_trace_and_the_pointer_can_be_shown() {
    let (mut harness, _dir) = lesson_open();
    press(&mut harness, Key::F12);
    press(&mut harness, Key::ArrowRight);
    wait_for_trace(&mut harness);
    assert_eq!(app(&harness).model().step(), 0);

    harness.get_by_label("Presenter bar").get_by_label("Play").click();
    harness.step();
    let len = app(&harness).model().len();
    wait_for(&mut harness, "playback to reach the last step", Duration::from_secs(20), |h| {
        app(h).model().step() + 1 == len
    });
    assert!(bar_says(&harness, &format!("step {len} of {len}")));
    assert!(bar_says(&harness, "slide 2 of 3"), "playing stays on the slide");

    harness.get_by_label("Presenter bar").get_by_label("Pointer highlight").click();
    harness.step();
    harness.step();
    assert!(toggled_on(&harness, "Pointer highlight"), "the Pointer highlight toggle is on");
    assert!(app(&harness).presenter().pointer_shown());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::H);
    harness.step();
    harness.step();
    assert!(!app(&harness).presenter().pointer_shown(), "Ctrl+Shift+H turns it off");
    assert!(!toggled_on(&harness, "Pointer highlight"));
}

/// Whether the presenter bar's toggle named `label` is pressed.
fn toggled_on(harness: &Harness<'_, App>, label: &str) -> bool {
    let toggle = harness.get_by_label("Presenter bar").get_by_label(label);
    toggle.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
}

fn press_with(harness: &mut Harness<'_, App>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.step();
    harness.step();
}

fn step_shown(harness: &Harness<'_, App>) -> u64 {
    app(harness).model().step()
}

#[test]
fn play_pauses_at_a_bookmark_and_the_bookmarks_can_be_jumped_to() {
    let (mut harness, _dir) = lesson_open();
    press(&mut harness, Key::F12);
    press(&mut harness, Key::ArrowRight);
    wait_for_trace(&mut harness);
    let len = app(&harness).model().len();
    assert!(len > 6, "{len} steps");
    assert!(has_text(&harness, "Speaker column", "None: Bookmark step marks a step to pause at."));

    // Ctrl+B at step 3 and the bar's Bookmark step at step 5 (0-based 2 and 4).
    press(&mut harness, Key::ArrowRight);
    press(&mut harness, Key::ArrowRight);
    assert_eq!(step_shown(&harness), 2);
    press_with(&mut harness, Modifiers::COMMAND, Key::B);
    assert_eq!(app(&harness).bookmarks(), vec![2]);
    assert!(toggled_on(&harness, "Bookmark step"), "the step shown is bookmarked");
    press(&mut harness, Key::ArrowRight);
    press(&mut harness, Key::ArrowRight);
    assert!(!toggled_on(&harness, "Bookmark step"));
    harness.get_by_label("Presenter bar").get_by_label("Bookmark step").click();
    harness.step();
    harness.step();
    assert_eq!(app(&harness).bookmarks(), vec![2, 4]);
    let column = texts_in(&harness, "Speaker column");
    assert!(harness.get_by_label("Speaker column").query_by_label("Bookmark at step 3").is_some(), "{column:?}");
    assert!(harness.get_by_label("Speaker column").query_by_label("Bookmark at step 5").is_some(), "{column:?}");

    // Play from the first step stops at the first bookmark, and stays there.
    for _ in 0..4 {
        press(&mut harness, Key::ArrowLeft);
    }
    assert_eq!(step_shown(&harness), 0);
    harness.get_by_label("Presenter bar").get_by_label("Play").click();
    harness.step();
    harness.step();
    assert!(harness.get_by_label("Presenter bar").query_by_label("Pause").is_some(), "playing");
    wait_for(&mut harness, "playback to reach the bookmark", Duration::from_secs(20), |h| {
        h.get_by_label("Presenter bar").query_by_label("Play").is_some()
    });
    assert_eq!(step_shown(&harness), 2, "paused at the bookmark");
    for _ in 0..60 {
        harness.step();
    }
    assert_eq!(step_shown(&harness), 2, "and it stays paused");
    // Play again leaves the bookmark and stops at the next one.
    harness.get_by_label("Presenter bar").get_by_label("Play").click();
    harness.step();
    harness.step();
    wait_for(&mut harness, "playback to reach the second bookmark", Duration::from_secs(20), |h| {
        h.get_by_label("Presenter bar").query_by_label("Play").is_some()
    });
    assert_eq!(step_shown(&harness), 4);

    // Alt+PageUp / Alt+PageDown and the bar's buttons jump between bookmarks.
    press_with(&mut harness, Modifiers::ALT, Key::PageUp);
    assert_eq!(step_shown(&harness), 2);
    press_with(&mut harness, Modifiers::ALT, Key::PageDown);
    assert_eq!(step_shown(&harness), 4);
    let next = harness.get_by_label("Presenter bar").get_by_label("Next bookmark");
    assert!(next.accesskit_node().is_disabled(), "no bookmark after the last one");
    harness.get_by_label("Presenter bar").get_by_label("Previous bookmark").click();
    harness.step();
    harness.step();
    assert_eq!(step_shown(&harness), 2);
    harness.get_by_label("Speaker column").get_by_label("Bookmark at step 5").click();
    harness.step();
    harness.step();
    assert_eq!(step_shown(&harness), 4, "the speaker column's bookmark goes there");

    // Back in the workbench the timeline shows them as ticks; a tick is a way there too.
    press(&mut harness, Key::Escape);
    let toolbar = harness.get_by_label("Toolbar");
    assert!(toolbar.query_by_label("Bookmark at step 3").is_some());
    assert!(toolbar.query_by_label("Bookmark at step 5").is_some());
    harness.get_by_label("Toolbar").get_by_label("Bookmark at step 3").click();
    harness.step();
    harness.step();
    assert_eq!(step_shown(&harness), 2);
    // Ctrl+B again clears the bookmark; the other one stays.
    press_with(&mut harness, Modifiers::COMMAND, Key::B);
    assert_eq!(app(&harness).bookmarks(), vec![4]);
    assert!(harness.get_by_label("Toolbar").query_by_label("Bookmark at step 3").is_none());
}

#[test]
fn bookmarks_are_kept_for_the_example_across_windows() {
    let data = tempfile::tempdir().expect("a data folder");
    let lessons = tempfile::tempdir().expect("a lesson folder");
    std::fs::write(lessons.path().join("presenting.md"), LESSON).expect("write the lesson");
    let open = |harness: &mut Harness<'_, App>| {
        wait_for(harness, "the worker to be ready", Duration::from_secs(30), |h| status_has(h, "worker: ready"));
        app_mut(harness).open_lesson_folder(lessons.path());
        app_mut(harness).open_lesson_at("presenting", 1);
        harness.step();
        harness.step();
        press(harness, Key::F12);
        wait_for_trace(harness);
    };
    let mut first = window(data.path());
    open(&mut first);
    press(&mut first, Key::ArrowRight);
    press_with(&mut first, Modifiers::COMMAND, Key::B);
    assert_eq!(app(&first).bookmarks(), vec![1]);
    app_mut(&mut first).flush_store().expect("the settings save");
    drop(first);

    let mut second = window(data.path());
    open(&mut second);
    assert_eq!(app(&second).bookmarks(), vec![1], "the bookmark came back with the settings");
    assert!(second.get_by_label("Speaker column").query_by_label("Bookmark at step 2").is_some());
}

#[test]
fn spotlight_dims_all_but_the_part_under_the_mouse() {
    let (mut harness, _dir) = lesson_open();
    press(&mut harness, Key::F12);
    press(&mut harness, Key::ArrowRight);
    wait_for_trace(&mut harness);
    assert_eq!(app(&harness).presenter().spotlight(), None);

    press_with(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    assert!(toggled_on(&harness, "Spotlight"));
    assert_eq!(app(&harness).presenter().spotlight(), Some(Spot::Panel), "the live panel first");
    assert!(bar_says(&harness, "spotlight on the live panel"), "{:?}", texts_in(&harness, "Presenter bar"));

    // The mouse over the slide's title lights the slide instead.
    harness.get_by_label("Slide").get_by_label("Counting up").hover();
    harness.step();
    harness.step();
    assert_eq!(app(&harness).presenter().spotlight(), Some(Spot::Slide));
    assert!(bar_says(&harness, "spotlight on the slide"));
    // Over the bar, nothing changes: the last part stays lit.
    harness.get_by_label("Presenter bar").get_by_label("Exit presenter").hover();
    harness.step();
    harness.step();
    assert_eq!(app(&harness).presenter().spotlight(), Some(Spot::Slide));

    harness.get_by_label("Presenter bar").get_by_label("Spotlight").click();
    harness.step();
    harness.step();
    assert_eq!(app(&harness).presenter().spotlight(), None);
    assert!(!toggled_on(&harness, "Spotlight"));
    assert!(!bar_says(&harness, "spotlight on"));
}
