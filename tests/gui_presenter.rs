//! Presenter mode as a teacher uses it: F12 turns a lesson into slides, the clicker's keys move
//! through the slides and through each example's trace, the audience window shows the same slide,
//! and leaving presenter mode gives back the workbench at the learner's own zoom. Driven through the
//! accessibility tree with the real worker.

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::ui::presenter::{AUDIENCE_LABEL, AUDIENCE_TITLE};

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

    harness.get_by_label("Presenter bar").get_by_label("Pointer").click();
    harness.step();
    harness.step();
    let pointer = harness.get_by_label("Presenter bar").get_by_label("Pointer");
    assert_eq!(pointer.accesskit_node().toggled(), Some(egui::accesskit::Toggled::True), "the Pointer toggle is on");
}
