//! The logic of `pyxray lessons check [DIR]`: run every example, predict and exercise of a lesson and
//! report what does not behave as the lesson says. How code runs is left to a [`CodeRunner`].

use super::catalog::Catalog;
use super::error::LessonError;
use super::exercise_check::check_exercise;
use super::model::{DEFAULT_TIMEOUT_SECS, Example, ExpectedOutcome, Lesson, Part, Predict};
use super::runner::{CodeRunner, MAX_QUOTE_CHARS, OUTCOME_EXCEPTION};
use super::text::{normalize_output, truncate_chars};

/// How many checks of each kind a lesson has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckCounts {
    pub examples: usize,
    pub predicts: usize,
    pub exercises: usize,
}

/// The result of checking one lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonCheck {
    pub lesson_id: String,
    pub order: u32,
    /// One sentence per problem, each naming the block's line.
    pub failures: Vec<String>,
    pub counts: CheckCounts,
}

impl LessonCheck {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The result of checking a whole catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogCheck {
    pub lessons: Vec<LessonCheck>,
    /// Files that did not parse (each is a failure of the check).
    pub parse_errors: Vec<LessonError>,
}

impl CatalogCheck {
    /// True when every file parsed and every lesson passed; the command exits non-zero otherwise.
    pub fn passed(&self) -> bool {
        self.parse_errors.is_empty() && self.lessons.iter().all(LessonCheck::passed)
    }

    /// The lines the command prints: one per file that did not parse, then one per lesson.
    pub fn report_lines(&self) -> Vec<String> {
        self.parse_errors.iter().map(parse_error_report_line).chain(self.lessons.iter().map(report_line)).collect()
    }
}

/// Runs every check of every lesson in `catalog`.
pub fn check_catalog(catalog: &Catalog, runner: &mut dyn CodeRunner) -> CatalogCheck {
    CatalogCheck {
        lessons: catalog.lessons.iter().map(|lesson| check_lesson(lesson, runner)).collect(),
        parse_errors: catalog.errors.clone(),
    }
}

/// Runs every example, predict and exercise of `lesson`, in file order, and collects what does not
/// behave as written.
pub fn check_lesson(lesson: &Lesson, runner: &mut dyn CodeRunner) -> LessonCheck {
    let mut failures = Vec::new();
    let mut counts = CheckCounts::default();
    for part in lesson.parts() {
        match part {
            Part::Markdown(_) => {}
            Part::Example(example) => {
                counts.examples += 1;
                failures.extend(check_example(example, runner));
            }
            Part::Predict(predict) => {
                counts.predicts += 1;
                failures.extend(check_predict(predict, runner));
            }
            Part::Exercise(exercise) => {
                counts.exercises += 1;
                failures.extend(check_exercise(exercise, runner));
            }
        }
    }
    LessonCheck { lesson_id: lesson.id.clone(), order: lesson.order, failures, counts }
}

/// `ok   02 names-and-references  (4 examples, 3 predicts, 1 exercise)` or
/// `FAIL 03 lists-tuples-sets: example at line 40 ended with exception ZeroDivisionError, expected finished`
/// (several failures are joined with `; `).
pub fn report_line(check: &LessonCheck) -> String {
    if check.passed() {
        let counts = check.counts;
        format!(
            "ok   {:02} {}  ({}, {}, {})",
            check.order,
            check.lesson_id,
            plural(counts.examples, "example"),
            plural(counts.predicts, "predict"),
            plural(counts.exercises, "exercise"),
        )
    } else {
        format!("FAIL {:02} {}: {}", check.order, check.lesson_id, check.failures.join("; "))
    }
}

/// `FAIL 03-lists.md: line 12: a `check` block must follow an `exercise` block`.
pub fn parse_error_report_line(error: &LessonError) -> String {
    format!("FAIL {error}")
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn check_example(example: &Example, runner: &mut dyn CodeRunner) -> Option<String> {
    let report = runner.run(&example.code, example.timeout_secs);
    let as_expected = match &example.outcome {
        ExpectedOutcome::Finished => report.is_finished(),
        ExpectedOutcome::Exception(expected) => {
            report.outcome == OUTCOME_EXCEPTION
                && report.exception_type.as_deref().is_some_and(|actual| same_exception_type(expected, actual))
        }
    };
    (!as_expected).then(|| {
        format!("example at line {} ended with {}, expected {}", example.line, report.describe(), example.outcome)
    })
}

/// `json.JSONDecodeError` and `json.decoder.JSONDecodeError` name the same class; compare the class
/// names when either is qualified.
fn same_exception_type(expected: &str, actual: &str) -> bool {
    let class_name = |name: &str| name.rsplit('.').next().unwrap_or(name).to_owned();
    expected == actual || class_name(expected) == class_name(actual)
}

/// The learner predicts the output; a predict may end in an exception (the output before it still
/// counts) but not in a time limit, a crash or a syntax error.
fn check_predict(predict: &Predict, runner: &mut dyn CodeRunner) -> Option<String> {
    let report = runner.run(&predict.code, DEFAULT_TIMEOUT_SECS);
    if !report.is_finished() && report.outcome != OUTCOME_EXCEPTION {
        return Some(format!(
            "predict at line {} ended with {}, expected it to run to the end",
            predict.line,
            report.describe()
        ));
    }
    let expected = normalize_output(&predict.answer);
    let actual = normalize_output(&report.stdout);
    (expected != actual).then(|| {
        format!(
            "predict at line {}: the output differs from the answer at line {}: {}",
            predict.line,
            predict.answer_line,
            first_difference(&expected, &actual)
        )
    })
}

/// "output line 2 is `[1]`, the answer says `[1, 2]`".
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for line_number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(want), Some(got)) if want == got => continue,
            (Some(want), Some(got)) => {
                return format!(
                    "output line {line_number} is `{}`, the answer says `{}`",
                    truncate_chars(got, MAX_QUOTE_CHARS),
                    truncate_chars(want, MAX_QUOTE_CHARS)
                );
            }
            (Some(want), None) => {
                return format!(
                    "the output ends before line {line_number}, the answer goes on with `{}`",
                    truncate_chars(want, MAX_QUOTE_CHARS)
                );
            }
            (None, Some(got)) => {
                return format!(
                    "the output goes on at line {line_number} with `{}`, after the answer ends",
                    truncate_chars(got, MAX_QUOTE_CHARS)
                );
            }
            (None, None) => break,
        }
    }
    "the output differs from the answer".to_owned()
}
