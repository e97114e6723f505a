//! Every error `parse_lesson` reports: the message and the line.

use super::fixtures::{BODY_FIRST_LINE, PREDICT_BLOCK, with_body, with_front_matter};
use super::*;

const L: u32 = BODY_FIRST_LINE;

#[track_caller]
fn assert_error(text: &str, line: u32, message: &str) {
    let error = parse_lesson("x.md", text).unwrap_err();
    assert_eq!(error.file, "x.md");
    assert_eq!(error.message, message, "wrong message (line {:?})", error.line);
    assert_eq!(error.line, Some(line), "wrong line for: {message}");
}

#[track_caller]
fn assert_body_error(body: &str, line_in_body: u32, message: &str) {
    assert_error(&with_body(body), L + line_in_body - 1, message);
}

const EXERCISE: &str = "```python exercise id=e\nx = 1\n```\n";
const CHECK: &str = "```python check\nassert x == 2\n```\n";
const SOLUTION: &str = "```python solution\nx = 2\n```\n";

// ---- front matter ----

#[test]
fn empty_file() {
    assert_error("", 1, "the file is empty");
    assert_error(" \n\n", 1, "the file is empty");
}

#[test]
fn missing_opening_fence() {
    let message = "front matter: the file must start with a `+++` line, then the TOML keys \
                   (id, title, order, goals), then another `+++` line";
    assert_error("# Title\n", 1, message);
    assert_error("\n+++\nid = \"a\"\n+++\n", 1, message);
    assert_error("---\nid: a\n---\n", 1, message);
}

#[test]
fn front_matter_never_closes() {
    let message = "front matter opened at line 1 never closes: add a `+++` line after the TOML keys";
    assert_error("+++\nid = \"a\"\n", 1, message);
    assert_error("+++", 1, message);
}

#[test]
fn toml_syntax_error_reports_its_line() {
    let error = parse_lesson("x.md", &with_front_matter("id = \"a\"\ntitle = oops")).unwrap_err();
    assert_eq!(error.line, Some(3));
    assert!(error.message.starts_with("front matter: "), "{}", error.message);
}

#[test]
fn unknown_key() {
    assert_error(
        &with_front_matter("id = \"a\"\ntitel = \"T\"\norder = 1\ngoals = []"),
        3,
        "front matter: unknown key `titel` (the keys are id, title, order, goals, panels, minutes)",
    );
}

#[test]
fn missing_keys() {
    assert_error(&with_front_matter("id = \"a\"\norder = 1\ngoals = []"), 1, "front matter: missing key `title`");
    assert_error(&with_front_matter("title = \"T\"\norder = 1\ngoals = []"), 1, "front matter: missing key `id`");
    assert_error(&with_front_matter("id = \"a\"\ntitle = \"T\"\ngoals = []"), 1, "front matter: missing key `order`");
    assert_error(&with_front_matter("id = \"a\"\ntitle = \"T\"\norder = 1"), 1, "front matter: missing key `goals`");
}

fn front(id: &str, title: &str, order: &str, goals: &str, extra: &str) -> String {
    with_front_matter(&format!("id = {id}\ntitle = {title}\norder = {order}\ngoals = {goals}\n{extra}"))
}

#[test]
fn id_must_be_a_lowercase_string() {
    assert_error(
        &front("3", "\"T\"", "1", "[]", ""),
        2,
        "front matter: `id` must be a string in quotes, like `id = \"names-and-references\"`",
    );
    assert_error(
        &front("\"Names_1\"", "\"T\"", "1", "[]", ""),
        2,
        "front matter: `id` may contain only lowercase letters, digits and dashes (got `Names_1`)",
    );
    assert_error(
        &front("\"\"", "\"T\"", "1", "[]", ""),
        2,
        "front matter: `id` may contain only lowercase letters, digits and dashes (got ``)",
    );
}

#[test]
fn title_must_not_be_empty() {
    assert_error(&front("\"a\"", "\"  \"", "1", "[]", ""), 3, "front matter: `title` is empty");
    assert_error(
        &front("\"a\"", "[]", "1", "[]", ""),
        3,
        "front matter: `title` must be a string in quotes, like `title = \"Variables don't store values\"`",
    );
}

#[test]
fn order_and_minutes_must_be_whole_numbers() {
    assert_error(
        &front("\"a\"", "\"T\"", "-1", "[]", ""),
        4,
        "front matter: `order` must be a whole number of 0 or more, like `order = 3`",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "\"2\"", "[]", ""),
        4,
        "front matter: `order` must be a whole number of 0 or more, like `order = 3`",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[]", "minutes = 0"),
        6,
        "front matter: `minutes` must be a whole number of 1 or more, like `minutes = 3`",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[]", "minutes = 2.5"),
        6,
        "front matter: `minutes` must be a whole number of 1 or more, like `minutes = 3`",
    );
}

#[test]
fn goals_must_be_a_list_of_non_empty_strings() {
    assert_error(
        &front("\"a\"", "\"T\"", "1", "\"one\"", ""),
        5,
        "front matter: `goals` must be a list of strings, like `goals = [\"Predict aliasing\"]`",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[1]", ""),
        5,
        "front matter: `goals` must be a list of strings, like `goals = [\"Predict aliasing\"]`",
    );
    assert_error(&front("\"a\"", "\"T\"", "1", "[\"x\", \" \"]", ""), 5, "front matter: a goal in `goals` is empty");
}

#[test]
fn panels_must_be_known_and_listed_once() {
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[]", "panels = [\"heaps\"]"),
        6,
        "front matter: unknown panel `heaps` (the panels are heap, stack, modules, bytecode, output, internals, threads)",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[]", "panels = [\"heap\", \"heap\"]"),
        6,
        "front matter: panel `heap` is listed twice",
    );
    assert_error(
        &front("\"a\"", "\"T\"", "1", "[]", "panels = \"heap\""),
        6,
        "front matter: `panels` must be a list of strings, like `panels = [\"heap\", \"stack\"]`",
    );
}

// ---- structure ----

#[test]
fn unclosed_fence() {
    assert_body_error("text\n\n```python example\nprint(1)\n", 3, "code block opened at line 9 never closes");
    assert_body_error("```python\n", 1, "code block opened at line 7 never closes");
    assert_body_error("```", 1, "code block opened at line 7 never closes");
    // A closing fence must be at least as long as the opening one.
    assert_body_error("````python example\nx\n```\n", 1, "code block opened at line 7 never closes");
    // A fence that only looks closed because it has an info string.
    assert_body_error("```text\nx\n```python\n", 1, "code block opened at line 7 never closes");
}

#[test]
fn heading_without_title() {
    assert_body_error("## \n\ntext\n", 1, "a `## ` heading needs a title");
    assert_body_error("text\n\n##\n", 3, "a `## ` heading needs a title");
}

#[test]
fn unknown_roles() {
    assert_body_error(
        "```python exmaple\nx\n```\n",
        1,
        "unknown role `exmaple` for a ```python block (the roles are example, predict, exercise, check, solution)",
    );
    assert_body_error(
        "```text output\nx\n```\n",
        1,
        "unknown role `output` for a ```text block (the roles are choices, answer, hint)",
    );
}

#[test]
fn roles_in_the_wrong_language() {
    assert_body_error("```python hint\nx\n```\n", 1, "a `hint` block is written ```text hint, not ```python hint");
    assert_body_error(
        "```text example\nx\n```\n",
        1,
        "a `example` block is written ```python example, not ```text example",
    );
}

#[test]
fn attribute_syntax_and_names() {
    assert_body_error(
        "```python example finished\nx\n```\n",
        1,
        "`finished` on a `example` block must be written as key=value",
    );
    assert_body_error("```python example =x\nx\n```\n", 1, "`=x` on a `example` block must be written as key=value");
    assert_body_error(
        "```python example timeoutt=3\nx\n```\n",
        1,
        "unknown attribute `timeoutt` on a `example` block (allowed: outcome, start, timeout, plot)",
    );
    assert_body_error(
        "```python predict id=x\nx\n```\n",
        1,
        "unknown attribute `id` on a `predict` block (it takes none)",
    );
    assert_body_error(
        "```python example plot=line plot=scatter\nx\n```\n",
        1,
        "attribute `plot` is given twice on a `example` block",
    );
}

#[test]
fn bad_outcome() {
    let bad = |value: &str| {
        format!(
            "bad `outcome={value}`: write `finished` or the name of the exception type that ends \
             the run, like `outcome=ZeroDivisionError`"
        )
    };
    for value in ["error", "123", "", "Zero Division", "a..B", "os.error"] {
        let body = format!("```python example outcome={value}\nx\n```\n");
        if value.contains(' ') {
            continue; // Split into two words; covered by the key=value test.
        }
        assert_body_error(&body, 1, &bad(value));
    }
    assert_body_error(
        "```python example outcome=Finished\nx\n```\n",
        1,
        "bad `outcome=Finished`: write `finished` in lowercase",
    );
}

#[test]
fn bad_start_timeout_and_plot() {
    assert_body_error(
        "```python example start=0\nx\n```\n",
        1,
        "bad `start=0`: write the line of the example to start at, like `start=2`",
    );
    assert_body_error(
        "```python example start=3\nx\ny\n```\n",
        1,
        "`start=3` is past the end of the example, which has 2 lines",
    );
    for value in ["0", "-1", "abc", "inf", "NaN"] {
        assert_body_error(
            &format!("```python example timeout={value}\nx\n```\n"),
            1,
            &format!("bad `timeout={value}`: write the seconds as a number above 0, like `timeout=30`"),
        );
    }
    assert_body_error(
        "```python example plot=bar\nx\n```\n",
        1,
        "bad `plot=bar`: the plot kinds are `line` and `scatter`",
    );
}

#[test]
fn exercise_ids() {
    assert_body_error(
        "```python exercise\nx\n```\n",
        1,
        "an `exercise` block needs an id, like ```python exercise id=swap-pair",
    );
    assert_body_error(
        "```python exercise id=Swap_Pair\nx\n```\n",
        1,
        "exercise id `Swap_Pair` may contain only lowercase letters, digits and dashes",
    );
    let twice = format!("{EXERCISE}{CHECK}{SOLUTION}\n## Again\n\n{EXERCISE}");
    assert_body_error(&twice, 13, "duplicate exercise id `e`: it is already used at line 7");
}

#[test]
fn exercise_companions_out_of_place() {
    assert_body_error("text\n\n```python check\nassert 1\n```\n", 3, "a `check` block must follow an `exercise` block");
    assert_body_error("```text hint\nThink.\n```\n", 1, "a `hint` block must follow an `exercise` block");
    assert_body_error(
        &format!("{PREDICT_BLOCK}\n```python solution\nx\n```\n"),
        9,
        "a `solution` block must follow an `exercise` block",
    );
    // An example ends the exercise: its check cannot come after the example.
    let body = format!("{EXERCISE}{SOLUTION}```python example\nx\n```\n{CHECK}");
    assert_body_error(&body, 1, "exercise `e` has no `check` block after it (```python check)");
    // A new section ends it too.
    let body = format!("{EXERCISE}\n## Next\n\n{CHECK}");
    assert_body_error(&body, 1, "exercise `e` has no `check` block after it (```python check)");
}

#[test]
fn exercise_needs_check_and_solution_once() {
    assert_body_error(
        &format!("{EXERCISE}{SOLUTION}"),
        1,
        "exercise `e` has no `check` block after it (```python check)",
    );
    assert_body_error(
        &format!("{EXERCISE}{CHECK}"),
        1,
        "exercise `e` has no `solution` block after it (```python solution)",
    );
    assert_body_error(&format!("{EXERCISE}{CHECK}{CHECK}{SOLUTION}"), 7, "exercise `e` already has a `check` block");
    assert_body_error(
        &format!("{EXERCISE}{CHECK}{SOLUTION}{SOLUTION}"),
        10,
        "exercise `e` already has a `solution` block",
    );
}

#[test]
fn predict_companions_out_of_place() {
    assert_body_error("```text answer\n1\n```\n", 1, "an `answer` block must follow a `predict` block");
    assert_body_error(
        &format!("{EXERCISE}```text choices\na\nb\n```\n"),
        4,
        "a `choices` block must follow a `predict` block",
    );
    assert_body_error(
        "```python example\nx\n```\n```text answer\n1\n```\n",
        4,
        "an `answer` block must follow a `predict` block",
    );
}

#[test]
fn predict_needs_an_answer() {
    let message = "this `predict` block has no `answer` block after it (```text answer)";
    assert_body_error("```python predict\nprint(1)\n```\n", 1, message);
    assert_body_error("```python predict\nprint(1)\n```\n\n## Next\n", 1, message);
    assert_body_error("```python predict\nprint(1)\n```\n```python example\nx\n```\n", 1, message);
    assert_body_error("```python predict\nprint(1)\n```\n```text choices\n1\n2\n```\n", 1, message);
}

#[test]
fn predict_companions_once() {
    assert_body_error(
        &format!("{PREDICT_BLOCK}```text answer\n1\n```\n"),
        8,
        "the `predict` block at line 7 already has an `answer` block",
    );
    let choices = "```text choices\n1\n2\n```\n";
    assert_body_error(
        &format!("{PREDICT_BLOCK}{choices}{choices}"),
        12,
        "the `predict` block at line 7 already has a `choices` block",
    );
}

#[test]
fn choices_rules() {
    assert_body_error(
        &format!("{PREDICT_BLOCK}```text choices\n1\n\n```\n"),
        8,
        "a `choices` block needs at least two choices, one per line",
    );
    assert_body_error(&format!("{PREDICT_BLOCK}```text choices\n1\n2\n1 \n```\n"), 8, "choice `1` is listed twice");
    assert_body_error(
        &format!("{PREDICT_BLOCK}```text choices\n2\n3\n```\n"),
        8,
        "`choices` does not contain the answer",
    );
    // A multi-line answer can never be one of the one-line choices.
    let body = "```python predict\nprint(1)\nprint(2)\n```\n```text choices\n1\n2\n```\n```text answer\n1\n2\n```\n";
    assert_body_error(body, 5, "`choices` does not contain the answer");
}

#[test]
fn empty_blocks() {
    for (role, language) in [("example", "python"), ("predict", "python")] {
        assert_body_error(&format!("```{language} {role}\n  \n```\n"), 1, &format!("this `{role}` block is empty"));
    }
    for (role, language) in [("check", "python"), ("hint", "text"), ("solution", "python")] {
        assert_body_error(
            &format!("{EXERCISE}```{language} {role}\n```\n"),
            4,
            &format!("this `{role}` block is empty"),
        );
    }
}

#[test]
fn role_blocks_must_not_be_nested() {
    assert_body_error(
        "- item\n\n  ```python example\n  x\n  ```\n",
        3,
        "a `example` block must not be inside a list or a quote: start its fence at the beginning of a line",
    );
    assert_body_error(
        "> ```text hint\n> x\n> ```\n",
        1,
        "a `hint` block must not be inside a list or a quote: start its fence at the beginning of a line",
    );
}

#[test]
fn errors_display_file_and_line() {
    let error = parse_lesson("03-lists.md", &with_body("```python check\nx\n```\n")).unwrap_err();
    assert_eq!(error.to_string(), "03-lists.md: line 7: a `check` block must follow an `exercise` block");
}
