//! Checking an exercise: its starter code must fail the check and its solution must pass it.

use super::model::{DEFAULT_TIMEOUT_SECS, Exercise};
use super::runner::{CodeRunner, OUTCOME_CRASHED};
use super::text::to_u32;

/// The starter code must fail the check (the exercise would be solved already otherwise) and the
/// solution must pass it.
pub(super) fn check_exercise(exercise: &Exercise, runner: &mut dyn CodeRunner) -> Vec<String> {
    let mut failures = Vec::new();
    let starter_run = runner.run(&combined_program(&exercise.starter, &exercise.check), DEFAULT_TIMEOUT_SECS);
    if starter_run.is_finished() {
        failures.push(format!(
            "exercise `{}` at line {}: the starter code already passes the check",
            exercise.id, exercise.line
        ));
    } else if starter_run.outcome == OUTCOME_CRASHED {
        failures.push(format!(
            "exercise `{}` at line {}: the starter code followed by the check ended with {} instead of \
             failing the check ({})",
            exercise.id,
            exercise.line,
            starter_run.describe(),
            program_map(exercise, &exercise.starter, exercise.line, "starter code")
        ));
    }
    let solution_run = runner.run(&combined_program(&exercise.solution, &exercise.check), DEFAULT_TIMEOUT_SECS);
    if !solution_run.is_finished() {
        failures.push(format!(
            "exercise `{}` at line {}: the solution followed by the check ended with {}, expected \
             finished ({})",
            exercise.id,
            exercise.line,
            solution_run.describe(),
            program_map(exercise, &exercise.solution, exercise.solution_line, "solution")
        ));
    }
    failures
}

/// The program the checker runs for an exercise: the learner's (or reference) code, then the check.
pub fn combined_program(code: &str, check: &str) -> String {
    format!("{code}\n{check}")
}

/// Explains which file lines the lines of a combined program come from, since a traceback in the
/// runner's message counts lines of the combined program, not of the lesson file. Code lines start on
/// the line after their block's opening fence.
fn program_map(exercise: &Exercise, code: &str, code_fence_line: u32, code_name: &str) -> String {
    let code_lines = program_line_count(code);
    let check_lines = program_line_count(&exercise.check);
    let check_first = code_lines.saturating_add(1);
    format!(
        "program {} the {code_name} at file {}; program {} the check at file {}",
        line_span(1, code_lines, "is", "are"),
        line_span(code_fence_line.saturating_add(1), code_fence_line.saturating_add(code_lines), "", ""),
        line_span(check_first, check_first.saturating_add(check_lines.saturating_sub(1)), "is", "are"),
        line_span(exercise.check_line.saturating_add(1), exercise.check_line.saturating_add(check_lines), "", ""),
    )
}

/// "line 3 is", "lines 1-2 are" (or without the verb when it is empty).
fn line_span(first: u32, last: u32, singular_verb: &str, plural_verb: &str) -> String {
    let text = if first == last {
        format!("line {first} {singular_verb}")
    } else {
        format!("lines {first}-{last} {plural_verb}")
    };
    text.trim_end().to_owned()
}

/// The lines `text` occupies in a combined program: every `\n` starts one more, and even an empty
/// text takes a line before the `\n` that joins it to what follows.
fn program_line_count(text: &str) -> u32 {
    to_u32(text.matches('\n').count()).saturating_add(1)
}
