//! The Progress tab: how far the learner got, overall ("3 of 12 lessons completed") and lesson by
//! lesson (visited, examples run, predictions, exercises passed with the code that passed). Also the
//! one place that turns lesson activity into recorded progress ([`record`]).

use std::time::{Instant, SystemTime};

use egui::{CollapsingHeader, ProgressBar, RichText, ScrollArea, Ui};

use super::Command;
use super::commands::{LessonEvent, NoteCommand};
use super::theme::{self, Palette, space};
use crate::lessons::Catalog;
use crate::store::{InvalidLessonId, LessonId, LessonProgress, Progress, ProgressStore};

/// What the app needs to know about a lesson for notes and progress, taken once from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonSummary {
    pub id: LessonId,
    pub title: String,
    pub examples: usize,
    pub predicts: usize,
    pub exercises: Vec<String>,
}

/// The catalogue's lessons, in order. A lesson whose id cannot name a note file is left out (the
/// lesson checker reports such ids).
pub fn lesson_summaries(catalog: &Catalog) -> Vec<LessonSummary> {
    catalog
        .lessons
        .iter()
        .filter_map(|lesson| {
            Some(LessonSummary {
                id: LessonId::parse(&lesson.id).ok()?,
                title: lesson.title.clone(),
                examples: lesson.examples().count(),
                predicts: lesson.predicts().count(),
                exercises: lesson.exercises().map(|exercise| exercise.id.clone()).collect(),
            })
        })
        .collect()
}

/// The id of the lesson an event happened in.
pub fn event_lesson(event: &LessonEvent) -> &str {
    match event {
        LessonEvent::Visited { lesson }
        | LessonEvent::ExampleRun { lesson, .. }
        | LessonEvent::Predicted { lesson, .. }
        | LessonEvent::ExercisePassed { lesson, .. }
        | LessonEvent::Completed { lesson } => lesson,
    }
}

/// Records lesson activity; whether progress changed. Any activity in a lesson also marks it
/// visited. The store saves the change a moment later.
pub fn record(store: &mut ProgressStore, event: &LessonEvent, now: Instant) -> Result<bool, InvalidLessonId> {
    let lesson = LessonId::parse(event_lesson(event))?;
    Ok(store.update(now, |progress| {
        let visited = progress.mark_visited(&lesson);
        let changed = match event {
            LessonEvent::Visited { .. } => false,
            LessonEvent::ExampleRun { index, .. } => progress.record_example_run(&lesson, *index),
            LessonEvent::Predicted { index, answer, correct, .. } => {
                progress.record_prediction(&lesson, *index, answer, *correct)
            }
            LessonEvent::ExercisePassed { exercise, code, .. } => {
                progress.record_exercise_pass(&lesson, exercise, code, SystemTime::now())
            }
            LessonEvent::Completed { .. } => progress.mark_completed(&lesson),
        };
        visited || changed
    }))
}

/// One lesson's line in the view, worked out when progress changes.
struct Row {
    id: LessonId,
    title: String,
    completed: bool,
    /// "visited · examples run 2 of 3 · predictions 1 of 2 (1 right) · exercises 1 of 1 passed"
    facts: String,
    /// (exercise id, the code that passed)
    passed: Vec<(String, String)>,
}

struct Overview {
    headline: String,
    fraction: f32,
    totals: String,
    rows: Vec<Row>,
    /// Lessons with progress that are not in the catalogue (another lesson folder, an import).
    others: Vec<Row>,
}

#[derive(Default)]
pub struct ProgressPanel {
    /// The progress the overview was worked out from; compared each frame (a few small maps).
    shown: Option<Progress>,
    overview: Option<Overview>,
}

impl ProgressPanel {
    pub fn ui(&mut self, ui: &mut Ui, progress: &Progress, lessons: &[LessonSummary]) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.shown.as_ref() != Some(progress) || self.overview.is_none() {
            self.overview = Some(overview(progress, lessons));
            self.shown = Some(progress.clone());
        }
        let Some(overview) = &self.overview else { return commands };
        let palette = Palette::of(ui);
        ui.label(RichText::new(&overview.headline).heading());
        ui.add(ProgressBar::new(overview.fraction).desired_height(8.0)).on_hover_text(&overview.headline);
        ui.label(RichText::new(&overview.totals).color(palette.weak));
        ui.separator();
        ScrollArea::vertical().id_salt("progress_scroll").auto_shrink(false).show(ui, |ui| {
            for row in &overview.rows {
                row_ui(ui, palette, row, &mut commands);
            }
            if !overview.others.is_empty() {
                ui.add_space(space::SECTION);
                ui.label(RichText::new("Lessons not in this course").strong());
                for row in &overview.others {
                    row_ui(ui, palette, row, &mut commands);
                }
            }
        });
        commands
    }
}

fn row_ui(ui: &mut Ui, palette: Palette, row: &Row, commands: &mut Vec<Command>) {
    ui.add_space(space::ITEM / 2.0);
    ui.horizontal(|ui| {
        let state = if row.completed { "completed" } else { "not completed" };
        completion_mark(ui, palette, row.completed).on_hover_text(state);
        ui.label(RichText::new(&row.title).strong()).on_hover_text(format!("{} ({state})", row.id));
        let note = ui.small_button("Note").on_hover_text("Show your note for this lesson");
        if note.accessible_name(format!("Note for {}", row.title)).clicked() {
            commands.push(Command::Notes(NoteCommand::ShowLesson(row.id.to_string())));
        }
    });
    ui.indent(("progress_row", row.id.as_str()), |ui| {
        ui.label(RichText::new(&row.facts).color(palette.weak));
        for (exercise, code) in &row.passed {
            CollapsingHeader::new(format!("Exercise {exercise}: passed"))
                .id_salt(("passed", row.id.as_str(), exercise.as_str()))
                .show(ui, |ui| {
                    ui.label(RichText::new("The code that passed:").color(palette.weak));
                    ui.add(egui::Label::new(RichText::new(code).font(theme::code_font())).selectable(true));
                });
        }
    });
}

/// A tick in a circle for a completed lesson, an empty circle otherwise (painted: pyxray's fonts
/// have no tick glyph). The row's text says the same in words.
fn completion_mark(ui: &mut Ui, palette: Palette, completed: bool) -> egui::Response {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let painter = ui.painter();
    let center = rect.center();
    let radius = size * 0.42;
    if completed {
        painter.circle_filled(center, radius, palette.ok);
        let tick = [
            center + egui::vec2(-0.45, 0.0) * radius,
            center + egui::vec2(-0.1, 0.4) * radius,
            center + egui::vec2(0.5, -0.35) * radius,
        ];
        painter.line(tick.to_vec(), egui::Stroke::new(2.0, ui.visuals().extreme_bg_color));
    } else {
        painter.circle_stroke(center, radius, egui::Stroke::new(1.5, palette.weak));
    }
    response
}

fn overview(progress: &Progress, lessons: &[LessonSummary]) -> Overview {
    let total = lessons.len();
    let completed = lessons.iter().filter(|lesson| lesson_of(progress, &lesson.id).completed).count();
    let visited = lessons.iter().filter(|lesson| lesson_of(progress, &lesson.id).visited).count();
    let exercises: usize = lessons.iter().map(|lesson| lesson.exercises.len()).sum();
    let passed: usize = lessons
        .iter()
        .map(|lesson| {
            let done = lesson_of(progress, &lesson.id);
            lesson.exercises.iter().filter(|id| done.exercises_passed.contains_key(*id)).count()
        })
        .sum();
    let rows = lessons.iter().map(|lesson| row(lesson, progress)).collect();
    let others = progress
        .lessons
        .keys()
        .filter(|id| !lessons.iter().any(|lesson| &lesson.id == *id))
        .map(|id| {
            let summary = LessonSummary {
                id: id.clone(),
                title: id.to_string(),
                examples: 0,
                predicts: 0,
                exercises: Vec::new(),
            };
            row(&summary, progress)
        })
        .collect();
    Overview {
        headline: format!("{completed} of {total} lessons completed"),
        fraction: if total == 0 { 0.0 } else { completed as f32 / total as f32 },
        totals: format!("{visited} of {total} visited · {passed} of {exercises} exercises passed"),
        rows,
        others,
    }
}

fn lesson_of<'p>(progress: &'p Progress, lesson: &LessonId) -> std::borrow::Cow<'p, LessonProgress> {
    progress
        .lesson(lesson)
        .map_or_else(|| std::borrow::Cow::Owned(LessonProgress::default()), std::borrow::Cow::Borrowed)
}

fn row(lesson: &LessonSummary, progress: &Progress) -> Row {
    let done = lesson_of(progress, &lesson.id);
    let mut exercise_ids = lesson.exercises.clone();
    exercise_ids.extend(done.exercises_passed.keys().filter(|id| !lesson.exercises.contains(id)).cloned());
    let passed: Vec<(String, String)> = exercise_ids
        .iter()
        .filter_map(|id| done.exercises_passed.get(id).map(|passed| (id.clone(), passed.code.clone())))
        .collect();
    let started = done.visited
        || done.completed
        || !done.example_runs.is_empty()
        || !done.predictions.is_empty()
        || !done.exercises_passed.is_empty();
    let facts = if started {
        let mut facts = Vec::new();
        if done.completed {
            facts.push("completed".to_owned());
        }
        if done.visited {
            facts.push("visited".to_owned());
        }
        let examples_run = done.example_runs.len();
        if lesson.examples > 0 || examples_run > 0 {
            let runs: u32 = done.example_runs.values().sum();
            let extra = if runs as usize > examples_run { format!(" ({runs} runs)") } else { String::new() };
            facts.push(format!("examples run {examples_run} of {}{extra}", lesson.examples.max(examples_run)));
        }
        let answered = done.predictions.len();
        if lesson.predicts > 0 || answered > 0 {
            let right = done.predictions.values().filter(|answer| answer.correct).count();
            facts.push(format!("predictions {answered} of {} ({right} right)", lesson.predicts.max(answered)));
        }
        if !exercise_ids.is_empty() {
            facts.push(format!("exercises {} of {} passed", passed.len(), exercise_ids.len()));
        }
        facts.join(" · ")
    } else {
        let parts: Vec<String> = [
            (lesson.examples, "example", "examples"),
            (lesson.predicts, "prediction", "predictions"),
            (lesson.exercises.len(), "exercise", "exercises"),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if count == 1 { one } else { many }))
        .collect();
        if parts.is_empty() { "not started".to_owned() } else { format!("not started · {}", parts.join(", ")) }
    };
    Row { id: lesson.id.clone(), title: lesson.title.clone(), completed: done.completed, facts, passed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StorePaths};

    fn summary(id: &str, exercises: &[&str]) -> LessonSummary {
        LessonSummary {
            id: LessonId::parse(id).unwrap(),
            title: format!("Lesson {id}"),
            examples: 2,
            predicts: 1,
            exercises: exercises.iter().map(|id| (*id).to_owned()).collect(),
        }
    }

    #[test]
    fn every_event_is_recorded_and_marks_the_lesson_visited() {
        let folder = tempfile::tempdir().unwrap();
        let mut store = Store::open(StorePaths::in_dir(folder.path()));
        let now = Instant::now();
        let lesson = |lesson: &str| lesson.to_owned();
        let events = [
            LessonEvent::ExampleRun { lesson: lesson("a"), index: 1 },
            LessonEvent::ExampleRun { lesson: lesson("a"), index: 1 },
            LessonEvent::Predicted { lesson: lesson("a"), index: 0, answer: "3".into(), correct: true },
            LessonEvent::ExercisePassed { lesson: lesson("a"), exercise: "swap".into(), code: "x, y = y, x".into() },
            LessonEvent::Completed { lesson: lesson("a") },
            LessonEvent::Visited { lesson: lesson("b") },
        ];
        for event in &events {
            assert_eq!(record(&mut store.progress, event, now), Ok(true), "{event:?}");
        }
        assert_eq!(record(&mut store.progress, &events[5], now), Ok(false), "visiting again changes nothing");
        assert!(record(&mut store.progress, &LessonEvent::Visited { lesson: "../x".into() }, now).is_err());
        let progress = store.progress.get();
        let a = progress.lesson(&LessonId::parse("a").unwrap()).unwrap();
        assert!(a.visited && a.completed);
        assert_eq!(a.example_runs.get(&1), Some(&2));
        assert_eq!(a.exercises_passed["swap"].code, "x, y = y, x");
        assert!(progress.lesson(&LessonId::parse("b").unwrap()).unwrap().visited);

        let lessons = [summary("a", &["swap", "other"]), summary("b", &[]), summary("c", &[])];
        let overview = overview(progress, &lessons);
        assert_eq!(overview.headline, "1 of 3 lessons completed");
        assert_eq!(overview.totals, "2 of 3 visited · 1 of 2 exercises passed");
        assert_eq!(
            overview.rows[0].facts,
            "completed · visited · examples run 1 of 2 (2 runs) · predictions 1 of 1 (1 right) · exercises 1 of 2 passed"
        );
        assert_eq!(overview.rows[0].passed, [("swap".to_owned(), "x, y = y, x".to_owned())]);
        assert_eq!(overview.rows[1].facts, "visited · examples run 0 of 2 · predictions 0 of 1 (0 right)");
        assert_eq!(overview.rows[2].facts, "not started · 2 examples, 1 prediction");
        assert!(overview.others.is_empty());
    }

    #[test]
    fn the_embedded_lessons_all_have_usable_ids() {
        let catalog = Catalog::embedded();
        let lessons = lesson_summaries(&catalog);
        assert_eq!(lessons.len(), catalog.lessons.len());
        assert!(lessons.iter().all(|lesson| !lesson.exercises.is_empty()));
    }
}
