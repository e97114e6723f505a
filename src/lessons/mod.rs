//! Lessons: the Markdown lesson format (see `docs/lesson-format.md`), the catalogue of shipped and
//! teacher-supplied lessons, text search, the curriculum rules, and the logic of
//! `pyxray lessons check`. Nothing here draws UI or runs Python; both plug in from outside.

mod assemble;
mod catalog;
mod check;
mod companions;
mod curriculum;
mod error;
mod exercise_check;
mod front_matter;
mod info_string;
mod model;
mod parse;
mod runner;
mod scan;
mod search;
mod text;

#[cfg(test)]
mod catalog_tests;
#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod curriculum_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod parse_error_tests;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod proptests;

pub use catalog::{Catalog, MAX_LESSON_BYTES};
pub use check::{
    CatalogCheck, CheckCounts, LessonCheck, check_catalog, check_lesson, parse_error_report_line, report_line,
};
pub use curriculum::{MIN_EXAMPLES, MIN_PREDICTS, RECAP_TITLE, curriculum_problems};
pub use error::LessonError;
pub use exercise_check::combined_program;
pub use model::{
    DEFAULT_TIMEOUT_SECS, Example, Exercise, ExpectedOutcome, Lesson, MarkdownText, Panel, Part, PlotKind, Predict,
    Section,
};
pub use parse::parse_lesson;
pub use runner::{CodeRunner, OUTCOME_CRASHED, OUTCOME_EXCEPTION, OUTCOME_FINISHED, RunReport};
pub use search::SearchHit;
pub use text::normalize_output;
