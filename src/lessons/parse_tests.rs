//! What `parse_lesson` makes of well-formed lessons.

use super::fixtures::{SAMPLE_LESSON, with_body};
use super::*;

fn sample() -> Lesson {
    parse_lesson("03-sample.md", SAMPLE_LESSON).unwrap()
}

#[test]
fn front_matter_values_are_read() {
    let lesson = sample();
    assert_eq!(lesson.id, "sample-lesson");
    assert_eq!(lesson.title, "A sample");
    assert_eq!(lesson.order, 3);
    assert_eq!(lesson.goals, ["Read a lesson", "Write one"]);
    assert_eq!(lesson.panels, [Panel::Heap, Panel::Output]);
    assert_eq!(lesson.minutes, 12);
    assert_eq!(lesson.source_name, "03-sample.md");
    assert_eq!(lesson.id_line, 2);
    assert_eq!(lesson.body_start_line, 9);
    assert!(lesson.body.starts_with("\nIntro text"));
}

#[test]
fn optional_keys_take_their_defaults() {
    let lesson = parse_lesson("t.md", &with_body("text\n")).unwrap();
    assert_eq!(lesson.minutes, 15);
    assert!(lesson.panels.is_empty());
}

#[test]
fn sections_follow_the_headings_with_the_introduction_first() {
    let lesson = sample();
    let titles: Vec<&str> = lesson.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Introduction", "First section", "Predicting", "Exercise", "Recap"]);
    assert!(lesson.sections[0].is_introduction);
    assert!(!lesson.sections[1].is_introduction);
    let lines: Vec<(u32, u32)> = lesson.sections.iter().map(|s| (s.start_line, s.end_line)).collect();
    assert_eq!(lines, [(9, 11), (12, 32), (33, 60), (61, 89), (90, 92)]);
}

#[test]
fn a_blank_introduction_is_not_a_section() {
    let lesson = parse_lesson("t.md", &with_body("\n\n## Only\n\ntext\n")).unwrap();
    assert_eq!(lesson.sections.len(), 1);
    assert_eq!(lesson.sections[0].title, "Only");
    assert_eq!(lesson.sections[0].start_line, 9);
}

#[test]
fn heading_titles_drop_markup_and_setext_headings_stay_prose() {
    let body = "## Lists `append` **fast**\n\nA line\n---\n\n> ## quoted\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(lesson.sections.len(), 1);
    assert_eq!(lesson.sections[0].title, "Lists append fast");
    assert!(lesson.sections[0].markdown.contains("A line\n---"));
}

#[test]
fn parts_keep_prose_and_blocks_in_order() {
    let lesson = sample();
    let kinds: Vec<String> = lesson.sections[1]
        .parts
        .iter()
        .map(|part| match part {
            Part::Markdown(prose) => format!("md@{}", prose.line),
            Part::Example(example) => format!("example@{}", example.line),
            Part::Predict(predict) => format!("predict@{}", predict.line),
            Part::Exercise(exercise) => format!("exercise@{}", exercise.line),
        })
        .collect();
    assert_eq!(kinds, ["md@14", "example@16", "md@22", "example@24", "md@28"]);
}

#[test]
fn section_markdown_has_no_role_blocks_but_keeps_plain_code() {
    let lesson = sample();
    let first = &lesson.sections[1];
    assert_eq!(
        first.markdown,
        "Some prose with `code`.\n\nBetween blocks.\n\n```python\n# a plain illustration\n## not a heading\n```"
    );
    let predicting = &lesson.sections[2].markdown;
    assert_eq!(predicting, "Pick one:");
}

#[test]
fn examples_carry_their_attributes() {
    let lesson = sample();
    let examples: Vec<&Example> = lesson.examples().collect();
    assert_eq!(examples.len(), 3);
    assert_eq!(examples[0].code, "x = [1, 2, 3]\ny = x\nprint(x)");
    assert_eq!(examples[0].line, 16);
    assert_eq!(examples[0].outcome, ExpectedOutcome::Finished);
    assert_eq!(examples[0].start_line, Some(2));
    assert_eq!(examples[0].timeout_secs, DEFAULT_TIMEOUT_SECS);
    assert_eq!(examples[0].plot, None);
    assert_eq!(examples[1].outcome, ExpectedOutcome::Exception("ZeroDivisionError".to_owned()));
    assert_eq!(examples[1].start_line, None);
    assert_eq!(examples[2].timeout_secs, 2.5);
    assert_eq!(examples[2].plot, Some(PlotKind::Scatter));
    assert_eq!(examples[2].line, 85);
}

#[test]
fn predicts_carry_choices_and_answer() {
    let lesson = sample();
    let predicts: Vec<&Predict> = lesson.predicts().collect();
    assert_eq!(predicts.len(), 2);
    assert_eq!(predicts[0].code, "a = [1]\nb = a\nb += [2]\nprint(a)");
    assert_eq!(predicts[0].line, 35);
    assert_eq!(predicts[0].choices, Some(vec!["[1]".to_owned(), "[1, 2]".to_owned()]));
    assert_eq!(predicts[0].answer, "[1, 2]");
    assert_eq!(predicts[0].answer_line, 49);
    assert_eq!(predicts[1].choices, None);
    assert_eq!(predicts[1].answer, "hi");
}

#[test]
fn exercises_collect_check_hints_and_solution() {
    let lesson = sample();
    let exercises: Vec<&Exercise> = lesson.exercises().collect();
    assert_eq!(exercises.len(), 1);
    let exercise = exercises[0];
    assert_eq!(exercise.id, "swap-pair");
    assert_eq!(exercise.line, 63);
    assert_eq!(exercise.starter, "def swap(pair):\n    ...");
    assert_eq!(exercise.check, "assert swap((1, 2)) == (2, 1)");
    assert_eq!(exercise.check_line, 68);
    assert_eq!(
        exercise.hints,
        ["A tuple can be built from its items in any order.", "`pair[1], pair[0]` is already a tuple."]
    );
    assert_eq!(exercise.solution, "def swap(pair):\n    return pair[1], pair[0]");
    assert_eq!(exercise.solution_line, 80);
}

#[test]
fn crlf_bom_and_lone_cr_give_the_same_lesson() {
    let crlf = format!("\u{feff}{}", SAMPLE_LESSON.replace('\n', "\r\n"));
    assert_eq!(parse_lesson("03-sample.md", &crlf).unwrap(), sample());
    let cr = SAMPLE_LESSON.replace('\n', "\r");
    assert_eq!(parse_lesson("03-sample.md", &cr).unwrap(), sample());
}

#[test]
fn tabs_in_code_are_kept() {
    let body = "```python example\nif True:\n\tprint(1)\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(lesson.examples().next().unwrap().code, "if True:\n\tprint(1)");
}

#[test]
fn tilde_fences_longer_fences_and_quoted_attributes_work() {
    let body = "~~~python exercise id=\"a-b\"\nx = 1\n~~~\n\n````python check\n```\nassert x\n````\n\n\
                ```python solution\nx = 2\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    let exercise = lesson.exercises().next().unwrap();
    assert_eq!(exercise.id, "a-b");
    assert_eq!(exercise.check, "```\nassert x");
}

#[test]
fn a_predict_answer_may_come_before_its_choices_and_prose_may_sit_between() {
    let body = "```python predict\nprint(2)\n```\n\nSo?\n\n```text answer\n2\n```\n\n```text choices\n1\n2\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    let predict = lesson.predicts().next().unwrap();
    assert_eq!(predict.answer, "2");
    assert_eq!(predict.choices.as_deref().map(<[String]>::len), Some(2));
}

#[test]
fn choices_match_an_answer_with_trailing_white_space() {
    let body = "```python predict\nprint(2)\n```\n\n```text choices\n1   \n2  \n```\n\n```text answer\n2   \n\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(lesson.predicts().next().unwrap().choices, Some(vec!["1".to_owned(), "2".to_owned()]));
}

#[test]
fn other_languages_and_bare_python_blocks_are_plain() {
    let body = "```python\nx\n```\n\n```pycon example\n>>> 1\n```\n\n```text\nout\n```\n\n```\nnone\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(lesson.parts().count(), 1);
    assert!(matches!(lesson.parts().next(), Some(Part::Markdown(_))));
}

#[test]
fn outcome_accepts_qualified_exception_names() {
    let body = "```python example outcome=json.JSONDecodeError\nimport json\njson.loads('x')\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(
        lesson.examples().next().unwrap().outcome,
        ExpectedOutcome::Exception("json.JSONDecodeError".to_owned())
    );
}

#[test]
fn section_index_at_line_finds_the_enclosing_section() {
    let lesson = sample();
    assert_eq!(lesson.section_index_at_line(10), Some(0));
    assert_eq!(lesson.section_index_at_line(12), Some(1));
    assert_eq!(lesson.section_index_at_line(92), Some(4));
    assert_eq!(lesson.section_index_at_line(5), None);
}

#[test]
fn an_empty_starter_is_allowed() {
    let body = "```python exercise id=e\n```\n\n```python check\nassert f()\n```\n\n```python solution\ndef f(): return 1\n```\n";
    let lesson = parse_lesson("t.md", &with_body(body)).unwrap();
    assert_eq!(lesson.exercises().next().unwrap().starter, "");
}
