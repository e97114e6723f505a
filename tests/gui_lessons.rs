//! The lesson pane, driven through the accessibility tree like a learner would: open lessons from the
//! table of contents, load and run examples, answer predictions, check exercises, search, and load a
//! teacher's folder. Headless (kittest's plain `Harness`); each test starts its own Python worker.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pyxray::lessons::Catalog;
use pyxray::ui::commands::LessonEvent;

mod gui_support;

use gui_support::*;

const NAMES: &str = "names-and-references";
const NAMES_TITLE: &str = "Variables don't store values";

fn output_text(harness: &Harness<'_, App>) -> String {
    texts_in(harness, "Output panel").join("\n")
}

/// A few frames, then until nothing moves (when nothing runs, that also checks that every control
/// has an accessible name).
fn settle(harness: &mut Harness<'_, App>) {
    for _ in 0..3 {
        harness.step();
    }
    harness.run_ok();
}

/// Clicks the widget labelled `label` inside `container` (scrolled into view first, as a person would).
fn click_in(harness: &mut Harness<'_, App>, container: &str, label: &str) {
    harness.get_by_label(container).get_by_label(label).scroll_to_me();
    settle(harness);
    harness.get_by_label(container).get_by_label(label).click();
    settle(harness);
}

/// Clicks the widget in `container` whose label contains `label`.
fn click_containing(harness: &mut Harness<'_, App>, container: &str, label: &str) {
    harness.get_by_label(container).get_by_label_contains(label).scroll_to_me();
    settle(harness);
    harness.get_by_label(container).get_by_label_contains(label).click();
    settle(harness);
}

/// From the table of contents: the lesson, back to the contents, then the section's link under it.
fn open_section(harness: &mut Harness<'_, App>, lesson_title: &str, section_title: &str) {
    click_containing(harness, "Lesson panel", lesson_title);
    click_in(harness, "Lesson panel", "All lessons");
    click_in(harness, "Lesson panel", section_title);
}

/// Where the lesson pane's content ends on the right: the search field (and the button that clears
/// it) fill the top row to there.
fn pane_right_edge(harness: &Harness<'_, App>) -> f64 {
    ["Search lessons", "Clear search"]
        .into_iter()
        .filter_map(|label| harness.query_by_label(label)?.accesskit_node().raw_bounds())
        .map(|bounds| bounds.x1)
        .fold(0.0, f64::max)
}

fn events(harness: &Harness<'_, App>) -> Vec<LessonEvent> {
    app(harness).lesson_pane().reported().to_vec()
}

fn wait_idle(harness: &mut Harness<'_, App>, what: &str) {
    wait_for(harness, what, |h| !app(h).model().is_recording() && status_has(h, "worker: ready"));
    settle(harness);
}

#[test]
fn a_lesson_opens_from_the_contents_and_its_example_loads_and_runs() {
    let mut harness = harness();
    assert!(has_text(&harness, "Lesson panel", "Lessons"), "the contents show first");
    click_containing(&mut harness, "Lesson panel", NAMES_TITLE);
    assert_eq!(app(&harness).lesson_pane().current_lesson(), Some(NAMES));
    assert_eq!(events(&harness), vec![LessonEvent::Visited { lesson: NAMES.into() }]);
    assert!(has_text(&harness, "Lesson panel", "Goals of this lesson"));

    click_containing(&mut harness, "Lesson panel", "Next: Two names, one object");
    assert_eq!(app(&harness).lesson_pane().current_section(), Some(1));
    let catalog = Catalog::embedded();
    let example = catalog.lesson(NAMES).and_then(|l| l.examples().next()).map(|e| e.code.clone()).unwrap_or_default();

    click_in(&mut harness, "Example 1", "Load");
    assert_eq!(app(&harness).code(), example, "Load puts the example into the editor");
    assert!(!app(&harness).model().has_run(), "Load does not run");

    click_in(&mut harness, "Example 1", "Run");
    wait_idle(&mut harness, "the example to run");
    assert!(status_has(&harness, "finished"));
    assert!(output_text(&harness).contains("a = [1, 2, 3, 4]"), "output: {}", output_text(&harness));
    assert!(events(&harness).contains(&LessonEvent::ExampleRun { lesson: NAMES.into(), index: 0 }));
}

#[test]
fn loading_lesson_code_asks_before_it_replaces_unsaved_work() {
    let mut harness = harness();
    click_containing(&mut harness, "Lesson panel", NAMES_TITLE);
    click_containing(&mut harness, "Lesson panel", "Next: Two names, one object");
    type_program(&mut harness, "my_work = 42\n");

    click_in(&mut harness, "Example 1", "Load");
    assert!(harness.query_by_label("Don't save").is_some(), "Load asks first");
    harness.get_by_label("Cancel").click();
    settle(&mut harness);
    assert_eq!(app(&harness).code(), "my_work = 42\n", "Cancel keeps the learner's text");

    click_in(&mut harness, "Example 1", "Load");
    harness.get_by_label("Don't save").click();
    settle(&mut harness);
    let catalog = Catalog::embedded();
    let example = catalog.lesson(NAMES).and_then(|l| l.examples().next()).map(|e| e.code.clone()).unwrap_or_default();
    assert_eq!(app(&harness).code(), example, "Don't save lets the example in");
    assert_eq!(app(&harness).window_title(), "pyxray", "the loaded example counts as nothing to lose");

    // Loaded and untouched, it is replaced by the next Load without a question.
    click_in(&mut harness, "Example 1", "Run");
    wait_idle(&mut harness, "the example to run");
    assert!(harness.query_by_label("Don't save").is_none());
}

#[test]
fn predictions_get_a_verdict_right_and_wrong() {
    let mut harness = harness();
    open_section(&mut harness, NAMES_TITLE, "Augmented assignment: mutate or rebind?");
    assert_eq!(app(&harness).lesson_pane().current_section(), Some(2));

    // Choices: pick the right one.
    click_in(&mut harness, "Prediction 1", "[1, 2, 3] (1, 2)");
    click_in(&mut harness, "Prediction 1", "Check my prediction");
    wait_for(&mut harness, "the verdict", |h| has_text(h, "Prediction 1", "Right!"));
    assert!(has_text(&harness, "Prediction 1", "Real output"));
    assert!(output_text(&harness).contains("[1, 2, 3] (1, 2)"), "the run shows in the Output panel");
    assert!(events(&harness).contains(&LessonEvent::Predicted {
        lesson: NAMES.into(),
        index: 0,
        answer: "[1, 2, 3] (1, 2)".into(),
        correct: true
    }));

    // A typed answer, wrong.
    wait_idle(&mut harness, "the first check to end");
    harness.get_by_label("Prediction 2").get_by_label("Your prediction").scroll_to_me();
    settle(&mut harness);
    harness.get_by_label("Prediction 2").get_by_label("Your prediction").click();
    settle(&mut harness);
    harness.get_by_label("Prediction 2").get_by_label("Your prediction").type_text("[[1, 0, 0], [0, 0, 0], [0, 0, 0]]");
    settle(&mut harness);
    click_in(&mut harness, "Prediction 2", "Check my prediction");
    wait_for(&mut harness, "the verdict", |h| has_text(h, "Prediction 2", "Not quite"));
    let texts = texts_in(&harness, "Prediction 2");
    assert!(texts.iter().any(|t| t == "[[1, 0, 0], [1, 0, 0], [1, 0, 0]]"), "the real output is shown: {texts:?}");
    assert!(texts.iter().any(|t| t == "[[1, 0, 0], [0, 0, 0], [0, 0, 0]]"), "next to the answer: {texts:?}");
    assert!(events(&harness).iter().any(|e| matches!(e, LessonEvent::Predicted { index: 1, correct: false, .. })));
}

#[test]
fn an_exercise_fails_with_its_starter_and_passes_with_its_solution() {
    let mut harness = harness();
    open_section(&mut harness, NAMES_TITLE, "Exercise: a board you can change safely");
    let exercise = "Exercise clone-board";
    let catalog = Catalog::embedded();
    let solution = catalog
        .lesson(NAMES)
        .and_then(|l| l.exercises().find(|e| e.id == "clone-board"))
        .map(|e| e.solution.clone())
        .unwrap_or_default();

    click_in(&mut harness, exercise, "Load starter");
    assert!(app(&harness).code().contains("return board.copy()"));
    click_in(&mut harness, exercise, "Check");
    wait_for(&mut harness, "the check to fail", |h| has_text(h, exercise, "Not yet"));
    // The starter's copy shares its rows, so the first assertion of the check fails.
    assert!(has_text(&harness, exercise, "AssertionError: original changed"), "{:?}", texts_in(&harness, exercise));
    assert!(has_text(&harness, exercise, "at line 5 of the check"), "{:?}", texts_in(&harness, exercise));
    assert!(has_text(&harness, exercise, "assert board == [["), "the failing line is quoted");
    assert!(!events(&harness).iter().any(|e| matches!(e, LessonEvent::ExercisePassed { .. })));

    // Hints, one at a time.
    assert!(!has_text(&harness, exercise, "Hint 1"));
    click_in(&mut harness, exercise, "Show a hint (1 of 2)");
    assert!(has_text(&harness, exercise, "Hint 1"));
    assert!(!has_text(&harness, exercise, "Hint 2"));
    click_in(&mut harness, exercise, "Show a hint (2 of 2)");
    assert!(has_text(&harness, exercise, "Hint 2"));
    assert!(harness.get_by_label(exercise).query_by_label_contains("Show a hint").is_none(), "no hints left");

    // The solution, behind a confirmation.
    click_in(&mut harness, exercise, "Show solution");
    assert!(harness.get_by_label(exercise).query_by_label("Load solution").is_none(), "not shown before confirming");
    click_in(&mut harness, exercise, "Yes, show the solution");
    wait_idle(&mut harness, "the failed check to end");
    click_in(&mut harness, exercise, "Load solution");
    assert_eq!(app(&harness).code(), solution);
    click_in(&mut harness, exercise, "Check");
    wait_for(&mut harness, "the check to pass", |h| has_text(h, exercise, "Passed"));
    assert!(has_text(&harness, exercise, "Exercise passed"), "a tick on the exercise");
    assert!(events(&harness).contains(&LessonEvent::ExercisePassed {
        lesson: NAMES.into(),
        exercise: "clone-board".into(),
        code: solution,
    }));
}

#[test]
fn search_finds_a_lesson_and_opens_it_at_the_section() {
    let mut harness = harness();
    harness.get_by_label("Search lessons").click();
    settle(&mut harness);
    harness.get_by_label("Search lessons").type_text("deepcopy");
    settle(&mut harness);
    assert!(has_text(&harness, "Lesson panel", "matches"), "{:?}", texts_in(&harness, "Lesson panel"));
    let hit = "Variables don't store values, Shallow and deep copies";
    let first_hit =
        harness.get_by_label("Lesson panel").get_all_by_label_contains(hit).next().map(|node| node.rect().center());
    let position = first_hit.expect("a hit in the lesson on copies");
    harness.event(egui::Event::PointerMoved(position));
    for pressed in [true, false] {
        let button = egui::PointerButton::Primary;
        harness.event(egui::Event::PointerButton { pos: position, button, pressed, modifiers: Default::default() });
    }
    settle(&mut harness);
    assert_eq!(app(&harness).lesson_pane().current_lesson(), Some(NAMES));
    assert_eq!(app(&harness).lesson_pane().current_section(), Some(5));
    assert!(has_text(&harness, "Lesson panel", "Shallow and deep copies"));
}

#[test]
fn every_section_of_every_built_in_lesson_renders() {
    let mut harness = harness();
    let catalog = Catalog::embedded();
    let edge = pane_right_edge(&harness);
    for lesson in &catalog.lessons {
        click_containing(&mut harness, "Lesson panel", &lesson.title);
        assert_eq!(app(&harness).lesson_pane().current_lesson(), Some(lesson.id.as_str()));
        for (index, section) in lesson.sections.iter().enumerate() {
            assert_eq!(app(&harness).lesson_pane().current_section(), Some(index), "{}", lesson.id);
            assert!(has_text(&harness, "Lesson panel", &section.title), "{}: {}", lesson.id, section.title);
            let now = pane_right_edge(&harness);
            // Prose is egui_commonmark's: a word of inline code that cannot wrap may stick out a pixel or two.
            assert!(now <= edge + 3.0, "{}: {} widens the pane from {edge} to {now}", lesson.id, section.title);
            match lesson.sections.get(index + 1) {
                Some(next) => click_containing(&mut harness, "Lesson panel", &format!("Next: {}", next.title)),
                None => click_in(&mut harness, "Lesson panel", "Back to all lessons"),
            }
        }
    }
    let visits = events(&harness).iter().filter(|e| matches!(e, LessonEvent::Visited { .. })).count();
    assert_eq!(visits, catalog.lessons.len());
}

const GOOD_LESSON: &str = r#"+++
id = "teacher-lesson"
title = "A teacher's lesson"
order = 1
goals = ["Watch a loop"]
minutes = 5
+++

Intro.

## Stepping

```python example start=3
total = 0
for n in range(3):
    total += n
print("total", total)
```

```python example plot=scatter
for x in range(4):
    print("PLOT squares", x, x * x)
print("done")
```

```python predict
print(1 + 1)
```

```text answer
2
```

## Practice

```python exercise id=double
def double(x):
    return x
```

```python check
assert double(2) == 4, "double(2) should be 4"
```

```text hint
Multiply.
```

```python solution
def double(x):
    return 2 * x
```
"#;

const BROKEN_LESSON: &str = r#"+++
id = "broken"
title = "Broken"
order = 2
goals = []
+++

Text.

```python check
assert True
```
"#;

#[test]
fn a_teacher_folder_loads_its_good_lessons_and_lists_the_broken_ones() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("good.md"), GOOD_LESSON).expect("write good.md");
    std::fs::write(dir.path().join("bad.md"), BROKEN_LESSON).expect("write bad.md");
    let mut harness = harness();
    harness.state_mut().as_mut().expect("the app").open_lesson_folder(dir.path());
    settle(&mut harness);

    let errors = texts_in(&harness, "Lesson files that did not load");
    assert!(errors.iter().any(|t| t.starts_with("bad.md: line 10: ")), "{errors:?}");
    assert!(has_text(&harness, "Lesson panel", "A teacher's lesson"));
    assert!(!has_text(&harness, "Lesson panel", NAMES_TITLE), "only the folder's lessons are listed");

    // Step through starts at the example's `start` line.
    click_containing(&mut harness, "Lesson panel", "A teacher's lesson");
    click_containing(&mut harness, "Lesson panel", "Next: Stepping");
    click_in(&mut harness, "Example 1", "Step through");
    wait_idle(&mut harness, "the example to run");
    let model = app(&harness).model();
    assert!(model.len() > 4);
    assert_eq!(Some(model.step()), model.first_step_on_line(3), "the view is at the first step on line 3");
    assert_eq!(model.current().map(|s| s.line), Some(3));

    // A plot example draws its PLOT lines after it runs; the rest stays in the Output panel.
    assert!(has_text(&harness, "Example 2", "Run it to draw its chart here."));
    click_in(&mut harness, "Example 2", "Run");
    wait_idle(&mut harness, "the plot example to run");
    assert!(!has_text(&harness, "Example 2", "Run it to draw its chart here."));
    assert!(has_text(&harness, "Example 2", "squares"), "the chart's legend: {:?}", texts_in(&harness, "Example 2"));
    assert!(output_text(&harness).contains("done"));

    // Answering the predict and passing the exercise completes the lesson.
    click_in(&mut harness, "Prediction 1", "Your prediction");
    harness.get_by_label("Prediction 1").get_by_label("Your prediction").type_text("2");
    click_in(&mut harness, "Prediction 1", "Check my prediction");
    wait_for(&mut harness, "the verdict", |h| has_text(h, "Prediction 1", "Right!"));
    wait_idle(&mut harness, "the prediction's run to end");
    assert!(!events(&harness).iter().any(|e| matches!(e, LessonEvent::Completed { .. })));
    click_containing(&mut harness, "Lesson panel", "Next: Practice");
    click_in(&mut harness, "Exercise double", "Show solution");
    click_in(&mut harness, "Exercise double", "Yes, show the solution");
    click_in(&mut harness, "Exercise double", "Load solution");
    click_in(&mut harness, "Exercise double", "Check");
    wait_for(&mut harness, "the check to pass", |h| has_text(h, "Exercise double", "Passed"));
    assert!(events(&harness).contains(&LessonEvent::Completed { lesson: "teacher-lesson".into() }));
    click_in(&mut harness, "Lesson panel", "All lessons");
    assert!(
        harness
            .get_by_label("Lesson panel")
            .query_by_label_contains("A teacher's lesson, 5 minutes, completed")
            .is_some(),
        "the contents tick the lesson"
    );

    // And back to the built-in course.
    click_in(&mut harness, "Lesson panel", "Back to built-in lessons");
    settle(&mut harness);
    assert!(has_text(&harness, "Lesson panel", NAMES_TITLE));
    assert!(harness.query_by_label("Lesson files that did not load").is_none());
}

/// The concurrency lesson tells the learner to step through its switch-interval example and read the
/// Threads panel: that must stay a few hundred steps, give each worker its own lane, and with the
/// one-second interval show all of one worker's bars before any of the other's (it kept the GIL to
/// the end; a pause in `spin` may still split its bars).
#[test]
fn the_concurrency_lessons_switch_interval_example_steps_and_shows_its_threads() {
    let mut harness = harness();
    open_section(&mut harness, "Python is not parallel", "Threads, measured");
    click_in(&mut harness, "Example 2", "Step through");
    wait_idle(&mut harness, "the example to be recorded");
    assert!(status_has(&harness, "finished"));
    let model = app(&harness).model();
    assert!(model.len() < 500, "{} steps are too many to step through", model.len());
    let timeline = model.trace.thread_timeline();
    let mut names = timeline.names.clone();
    names.sort();
    assert_eq!(names, ["MainThread", "a, interval 0.0005", "a, interval 1.0", "b, interval 0.0005", "b, interval 1.0"]);
    for slow in ["a, interval 1.0", "b, interval 1.0"] {
        let thread = timeline.names.iter().position(|name| name == slow).unwrap_or(usize::MAX);
        let own: Vec<usize> =
            (0..timeline.spans.len()).filter(|&i| timeline.spans[i].thread as usize == thread).collect();
        let (Some(first), Some(last)) = (own.first(), own.last()) else { panic!("{slow} ran no steps") };
        assert_eq!(own.len(), last - first + 1, "another thread ran between {slow}'s bars: {:?}", timeline.spans);
    }
    show_tab(&mut harness, "Threads");
    assert!(
        has_text(&harness, "Threads panel", "5 threads ran your code"),
        "{:?}",
        texts_in(&harness, "Threads panel")
    );
}

#[test]
fn searching_keeps_the_pane_its_width() {
    let mut harness = harness();
    let before = pane_right_edge(&harness);
    harness.get_by_label("Search lessons").click();
    settle(&mut harness);
    harness.get_by_label("Search lessons").type_text("deepcopy");
    settle(&mut harness);
    settle(&mut harness);
    assert!(has_text(&harness, "Lesson panel", "7 matches"));
    assert!((pane_right_edge(&harness) - before).abs() < 1.0, "{before} -> {}", pane_right_edge(&harness));
}

/// Steps the ui until `done` holds (30 s at most).
fn wait_for(harness: &mut Harness<'_, App>, what: &str, done: impl Fn(&Harness<'_, App>) -> bool) {
    gui_support::wait_for(harness, what, Duration::from_secs(30), done);
}
