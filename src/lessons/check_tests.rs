//! The checker's logic, with a runner that returns scripted reports instead of running Python.

use std::collections::HashMap;

use super::fixtures::SAMPLE_LESSON;
use super::*;

/// Answers each program with the report scripted for it (a plain finish when none is) and records
/// what it was asked to run.
#[derive(Default)]
struct ScriptedRunner {
    replies: HashMap<String, RunReport>,
    calls: Vec<(String, f64)>,
}

impl ScriptedRunner {
    fn reply(mut self, code: &str, report: RunReport) -> Self {
        self.replies.insert(code.to_owned(), report);
        self
    }
}

impl CodeRunner for ScriptedRunner {
    fn run(&mut self, code: &str, timeout_secs: f64) -> RunReport {
        self.calls.push((code.to_owned(), timeout_secs));
        self.replies.get(code).cloned().unwrap_or_else(|| RunReport::finished(""))
    }
}

fn sample() -> Lesson {
    parse_lesson("03-sample.md", SAMPLE_LESSON).unwrap()
}

const EXAMPLE_1: &str = "x = [1, 2, 3]\ny = x\nprint(x)";
const EXAMPLE_2: &str = "1 / 0";
const PREDICT_1: &str = "a = [1]\nb = a\nb += [2]\nprint(a)";
const PREDICT_2: &str = "print(\"hi\")";
const STARTER_AND_CHECK: &str = "def swap(pair):\n    ...\nassert swap((1, 2)) == (2, 1)";
const SOLUTION_AND_CHECK: &str = "def swap(pair):\n    return pair[1], pair[0]\nassert swap((1, 2)) == (2, 1)";

/// A runner under which every check of the sample lesson passes.
fn runner_where_sample_passes() -> ScriptedRunner {
    ScriptedRunner::default()
        .reply(EXAMPLE_2, RunReport::exception("ZeroDivisionError", "division by zero"))
        .reply(PREDICT_1, RunReport::finished("[1, 2]\n"))
        .reply(PREDICT_2, RunReport::finished("hi  \n\n"))
        .reply(STARTER_AND_CHECK, RunReport::exception("AssertionError", ""))
}

#[test]
fn a_correct_lesson_passes_and_every_block_runs_once_in_file_order() {
    let mut runner = runner_where_sample_passes();
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(check.failures, Vec::<String>::new());
    assert!(check.passed());
    assert_eq!(check.counts, CheckCounts { examples: 3, predicts: 2, exercises: 1 });
    assert_eq!(report_line(&check), "ok   03 sample-lesson  (3 examples, 2 predicts, 1 exercise)");
    let calls: Vec<(&str, f64)> = runner.calls.iter().map(|(c, t)| (c.as_str(), *t)).collect();
    assert_eq!(
        calls,
        [
            (EXAMPLE_1, 10.0),
            (EXAMPLE_2, 10.0),
            (PREDICT_1, 10.0),
            (PREDICT_2, 10.0),
            (STARTER_AND_CHECK, 10.0),
            (SOLUTION_AND_CHECK, 10.0),
            ("for i in range(3):\n    print(\"PLOT s\", i, i * i)", 2.5),
        ]
    );
}

#[test]
fn an_example_that_ends_differently_fails() {
    let mut runner = runner_where_sample_passes().reply(EXAMPLE_1, RunReport::exception("ZeroDivisionError", ""));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(check.failures, ["example at line 16 ended with exception ZeroDivisionError, expected finished"]);
    assert_eq!(
        report_line(&check),
        "FAIL 03 sample-lesson: example at line 16 ended with exception ZeroDivisionError, expected finished"
    );
}

#[test]
fn an_example_expecting_an_exception_needs_that_exception() {
    let mut runner = runner_where_sample_passes().reply(EXAMPLE_2, RunReport::finished("0\n"));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(check.failures, ["example at line 24 ended with finished, expected exception ZeroDivisionError"]);
    let mut runner = runner_where_sample_passes()
        .reply(EXAMPLE_2, RunReport::exception("TypeError", "unsupported operand\ntype(s)"));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(
        check.failures,
        [
            "example at line 24 ended with exception TypeError (unsupported operand), expected exception ZeroDivisionError"
        ]
    );
}

#[test]
fn other_outcomes_are_reported_with_their_message() {
    let time_limit = RunReport {
        outcome: "time_limit".to_owned(),
        message: "ran for more than 10 s".to_owned(),
        ..RunReport::default()
    };
    let mut runner = runner_where_sample_passes().reply(EXAMPLE_1, time_limit);
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(
        check.failures,
        ["example at line 16 ended with time_limit (ran for more than 10 s), expected finished"]
    );
}

#[test]
fn qualified_exception_names_match_their_class_name() {
    let text = super::fixtures::with_body(
        "```python example outcome=json.JSONDecodeError\nimport json\njson.loads('x')\n```\n",
    );
    let lesson = parse_lesson("t.md", &text).unwrap();
    let mut runner = ScriptedRunner::default()
        .reply("import json\njson.loads('x')", RunReport::exception("json.decoder.JSONDecodeError", "Expecting value"));
    assert!(check_lesson(&lesson, &mut runner).passed());
}

#[test]
fn a_predict_whose_output_differs_fails_with_the_first_difference() {
    let mut runner = runner_where_sample_passes().reply(PREDICT_1, RunReport::finished("[1]\n"));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(
        check.failures,
        [
            "predict at line 35: the output differs from the answer at line 49: output line 1 is `[1]`, the answer says `[1, 2]`"
        ]
    );
    let mut runner = runner_where_sample_passes().reply(PREDICT_2, RunReport::finished(""));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(
        check.failures,
        [
            "predict at line 53: the output differs from the answer at line 57: the output ends before line 1, the answer goes on with `hi`"
        ]
    );
    let mut runner = runner_where_sample_passes().reply(PREDICT_2, RunReport::finished("hi\nthere"));
    let check = check_lesson(&sample(), &mut runner);
    assert_eq!(
        check.failures,
        [
            "predict at line 53: the output differs from the answer at line 57: the output goes on at line 2 with `there`, after the answer ends"
        ]
    );
}

#[test]
fn a_predict_may_end_in_an_exception_but_not_in_a_time_limit() {
    let mut raised = RunReport::exception("ValueError", "boom");
    raised.stdout = "hi\n".to_owned();
    let mut runner = runner_where_sample_passes().reply(PREDICT_2, raised);
    assert!(check_lesson(&sample(), &mut runner).passed());

    let step_limit = RunReport { outcome: "step_limit".to_owned(), stdout: "hi\n".to_owned(), ..RunReport::default() };
    let mut runner = runner_where_sample_passes().reply(PREDICT_2, step_limit);
    assert_eq!(
        check_lesson(&sample(), &mut runner).failures,
        ["predict at line 53 ended with step_limit, expected it to run to the end"]
    );
}

#[test]
fn a_starter_that_passes_the_check_fails() {
    let mut runner = runner_where_sample_passes().reply(STARTER_AND_CHECK, RunReport::finished(""));
    assert_eq!(
        check_lesson(&sample(), &mut runner).failures,
        ["exercise `swap-pair` at line 63: the starter code already passes the check"]
    );
}

#[test]
fn a_starter_that_fails_to_compile_counts_as_failing_the_check() {
    let syntax_error =
        RunReport { outcome: "syntax_error".to_owned(), message: "invalid syntax".to_owned(), ..RunReport::default() };
    let mut runner = runner_where_sample_passes().reply(STARTER_AND_CHECK, syntax_error);
    assert!(check_lesson(&sample(), &mut runner).passed());
}

#[test]
fn a_crash_of_the_starter_is_reported() {
    let crashed =
        RunReport { outcome: OUTCOME_CRASHED.to_owned(), message: "worker died".to_owned(), ..RunReport::default() };
    let mut runner = runner_where_sample_passes().reply(STARTER_AND_CHECK, crashed);
    assert_eq!(
        check_lesson(&sample(), &mut runner).failures,
        ["exercise `swap-pair` at line 63: the starter code followed by the check ended with crashed \
          (worker died) instead of failing the check (program lines 1-2 are the starter code at file \
          lines 64-65; program line 3 is the check at file line 69)"]
    );
}

#[test]
fn a_solution_that_fails_the_check_is_reported_with_a_line_map() {
    let mut runner =
        runner_where_sample_passes().reply(SOLUTION_AND_CHECK, RunReport::exception("AssertionError", "line 3"));
    assert_eq!(
        check_lesson(&sample(), &mut runner).failures,
        ["exercise `swap-pair` at line 63: the solution followed by the check ended with exception \
          AssertionError (line 3), expected finished (program lines 1-2 are the solution at file lines \
          81-82; program line 3 is the check at file line 69)"]
    );
}

#[test]
fn combined_program_puts_the_check_on_the_line_after_the_code() {
    assert_eq!(combined_program("a = 1", "assert a"), "a = 1\nassert a");
    assert_eq!(combined_program("", "assert a"), "\nassert a");
}

#[test]
fn several_failures_share_one_report_line_and_counts_are_plural_aware() {
    let check = LessonCheck {
        lesson_id: "lists".to_owned(),
        order: 3,
        failures: vec!["one".to_owned(), "two".to_owned()],
        counts: CheckCounts::default(),
    };
    assert_eq!(report_line(&check), "FAIL 03 lists: one; two");
    let check = LessonCheck {
        lesson_id: "x".to_owned(),
        order: 12,
        failures: Vec::new(),
        counts: CheckCounts { examples: 1, predicts: 0, exercises: 2 },
    };
    assert_eq!(report_line(&check), "ok   12 x  (1 example, 0 predicts, 2 exercises)");
}

#[test]
fn check_catalog_includes_parse_errors() {
    let catalog = Catalog::from_sources([("03-sample.md", SAMPLE_LESSON), ("bad.md", "oops")]);
    let mut runner = runner_where_sample_passes();
    let result = check_catalog(&catalog, &mut runner);
    assert!(!result.passed());
    assert_eq!(
        result.report_lines(),
        [
            "FAIL bad.md: line 1: front matter: the file must start with a `+++` line, then the TOML keys \
             (id, title, order, goals), then another `+++` line",
            "ok   03 sample-lesson  (3 examples, 2 predicts, 1 exercise)",
        ]
    );
    let good = Catalog::from_sources([("03-sample.md", SAMPLE_LESSON)]);
    assert!(check_catalog(&good, &mut runner_where_sample_passes()).passed());
}
