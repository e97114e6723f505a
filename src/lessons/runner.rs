//! The interface between the checker and whatever runs Python code.

use super::text::truncate_chars;

/// `RunReport::outcome` of a run that ended normally.
pub const OUTCOME_FINISHED: &str = "finished";
/// `RunReport::outcome` of a run that ended with an uncaught exception.
pub const OUTCOME_EXCEPTION: &str = "exception";
/// `RunReport::outcome` of a run that could not be carried out at all.
pub const OUTCOME_CRASHED: &str = "crashed";

/// Longest failure detail (an exception message, an output line) quoted in a report.
pub(super) const MAX_QUOTE_CHARS: usize = 100;

/// Runs code the way the app's Run button does.
pub trait CodeRunner {
    /// Runs `code` as a complete program (as the learner's Run button would).
    fn run(&mut self, code: &str, timeout_secs: f64) -> RunReport;
}

/// How one run ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// "finished", "exception", "syntax_error", "time_limit", "step_limit", "crashed", ...
    pub outcome: String,
    /// e.g. "ZeroDivisionError" when outcome == "exception".
    pub exception_type: Option<String>,
    /// The outcome's message, for failure reports.
    pub message: String,
    pub stdout: String,
}

impl RunReport {
    /// A run that finished normally after printing `stdout`.
    pub fn finished(stdout: &str) -> Self {
        Self { outcome: OUTCOME_FINISHED.to_owned(), stdout: stdout.to_owned(), ..Self::default() }
    }

    /// A run that ended with an uncaught exception.
    pub fn exception(exception_type: &str, message: &str) -> Self {
        Self {
            outcome: OUTCOME_EXCEPTION.to_owned(),
            exception_type: Some(exception_type.to_owned()),
            message: message.to_owned(),
            ..Self::default()
        }
    }

    pub(super) fn is_finished(&self) -> bool {
        self.outcome == OUTCOME_FINISHED
    }

    /// "finished", "exception ZeroDivisionError (division by zero)", "time_limit (…)".
    pub(super) fn describe(&self) -> String {
        let mut text = self.outcome.clone();
        if let Some(type_name) = &self.exception_type {
            text = format!("{text} {type_name}");
        }
        let message = self.message.trim();
        if !message.is_empty() {
            let first_line = message.lines().next().unwrap_or_default();
            text = format!("{text} ({})", truncate_chars(first_line, MAX_QUOTE_CHARS));
        }
        text
    }
}
