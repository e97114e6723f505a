//! The rules the shipped curriculum follows on top of the file format. A teacher's own lessons need not
//! follow them; the shipped ones are tested against them.

use super::model::Lesson;

pub const MIN_EXAMPLES: usize = 3;
pub const MIN_PREDICTS: usize = 2;
pub const RECAP_TITLE: &str = "Recap";

/// What keeps `lesson` from meeting the curriculum rules; empty when it meets them all.
pub fn curriculum_problems(lesson: &Lesson) -> Vec<String> {
    let mut problems = Vec::new();
    let examples = lesson.examples().count();
    if examples < MIN_EXAMPLES {
        problems.push(format!("has {examples} examples, needs at least {MIN_EXAMPLES}"));
    }
    let predicts = lesson.predicts().count();
    if predicts < MIN_PREDICTS {
        problems.push(format!("has {predicts} predicts, needs at least {MIN_PREDICTS}"));
    }
    if !lesson.exercises().any(|exercise| !exercise.check.trim().is_empty()) {
        problems.push("has no exercise with a check".to_owned());
    }
    for exercise in lesson.exercises() {
        if exercise.hints.is_empty() {
            problems.push(format!("exercise `{}` has no hint", exercise.id));
        }
        if exercise.solution.trim().is_empty() {
            problems.push(format!("exercise `{}` has no solution", exercise.id));
        }
    }
    if lesson.goals.is_empty() {
        problems.push("has no goals".to_owned());
    }
    if !lesson.sections.iter().any(|section| section.title == RECAP_TITLE) {
        problems.push(format!("has no `## {RECAP_TITLE}` section"));
    }
    problems
}
