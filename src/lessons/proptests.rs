//! `parse_lesson` never panics: on arbitrary text, on Markdown-like token soup, and on real lessons
//! with random damage. Lessons that do parse keep their line numbers within the file.

use std::sync::LazyLock;

use proptest::prelude::*;

use super::catalog::EMBEDDED_LESSONS;
use super::fixtures::SAMPLE_LESSON;
use super::*;

/// Pieces that steer random text into the parser's interesting paths.
const FRAGMENTS: &[&str] = &[
    "+++",
    "+++\n",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u{feff}",
    " ",
    "    ",
    "```",
    "````",
    "~~~",
    "```python example",
    "```python predict",
    "```python exercise id=e",
    "```python check",
    "```python solution",
    "```text choices",
    "```text answer",
    "```text hint",
    "```python",
    "```text",
    " outcome=ValueError",
    " start=1",
    " start=99",
    " timeout=0.5",
    " plot=line",
    " id=e",
    "## ",
    "## Recap",
    "# ",
    "> ",
    "- ",
    "1. ",
    "id = \"a\"\n",
    "title = \"T\"\n",
    "order = 1\n",
    "goals = [\"g\"]\n",
    "panels = [\"heap\"]\n",
    "minutes = 3\n",
    "print(1)",
    "1",
    "x",
    "é",
    "😀",
    "\u{0}",
    "[",
    "]",
    "=",
    "\"",
    "'",
    "`",
];

fn fragment_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..80).prop_map(|parts| parts.concat())
}

/// The sample lesson and every shipped lesson.
fn real_lessons() -> Vec<String> {
    std::iter::once(SAMPLE_LESSON).chain(EMBEDDED_LESSONS.iter().map(|(_, text)| *text)).map(str::to_owned).collect()
}

fn floor_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    Truncate(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    DeleteLine(prop::sample::Index),
    CrLf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<prop::sample::Index>(), fragment_soup()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<prop::sample::Index>(), ".{0,20}").prop_map(|(at, s)| Mutation::Insert(at, s)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        Just(Mutation::CrLf),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    match mutation {
        Mutation::Delete(at, len) => {
            let start = floor_boundary(text, at.index(text.len() + 1));
            let end = floor_boundary(text, start + len);
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert(at, piece) => {
            let at = floor_boundary(text, at.index(text.len() + 1));
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Mutation::Truncate(at) => text[..floor_boundary(text, at.index(text.len() + 1))].to_owned(),
        Mutation::DuplicateLine(at) if !lines.is_empty() => {
            let index = at.index(lines.len());
            lines.insert(index, lines[index]);
            lines.concat()
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            lines.concat()
        }
        Mutation::DeleteLine(at) if !lines.is_empty() => {
            lines.remove(at.index(lines.len()));
            lines.concat()
        }
        Mutation::CrLf => text.replace('\n', "\r\n"),
        _ => text.to_owned(),
    }
}

/// What must hold for any lesson that parses.
fn assert_consistent(text: &str, lesson: &Lesson) {
    // The parser counts `\r\n` and a lone `\r` as one line ending each.
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let line_count = u32::try_from(normalized.split('\n').count()).unwrap();
    let mut previous_start = 0;
    for section in &lesson.sections {
        assert!(section.start_line >= 1 && section.start_line <= section.end_line);
        assert!(section.start_line > previous_start);
        assert!(section.end_line <= line_count.max(section.start_line));
        previous_start = section.start_line;
    }
    for part in lesson.parts() {
        let line = match part {
            Part::Markdown(prose) => prose.line,
            Part::Example(example) => example.line,
            Part::Predict(predict) => predict.answer_line.max(predict.line),
            Part::Exercise(exercise) => exercise.solution_line.max(exercise.check_line),
        };
        assert!((1..=line_count).contains(&line), "line {line} of {line_count}");
    }
}

static SEARCHED_CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::from_sources([("s.md", SAMPLE_LESSON)].into_iter().chain(EMBEDDED_LESSONS.iter().copied()))
});

fn check_does_not_panic(text: &str) {
    if let Ok(lesson) = parse_lesson("fuzz.md", text) {
        assert_consistent(text, &lesson);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_does_not_panic(&text);
        check_does_not_panic(&format!("+++\n{text}"));
    }

    #[test]
    fn binary_junk_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check_does_not_panic(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn fragment_soup_never_panics(soup in fragment_soup()) {
        check_does_not_panic(&soup);
        let front = "+++\nid = \"a\"\ntitle = \"T\"\norder = 1\ngoals = [\"g\"]\n+++\n";
        check_does_not_panic(&format!("{front}{soup}"));
    }

    #[test]
    fn damaged_real_lessons_never_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let lessons = real_lessons();
        let mut text = lessons[which.index(lessons.len())].clone();
        for mutation in &mutations {
            text = apply(&text, mutation);
        }
        check_does_not_panic(&text);
    }

}

proptest! {
    // Each case searches every lesson; fewer cases keep the suite quick on a busy machine.
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn search_never_panics(query in any::<String>()) {
        for hit in SEARCHED_CATALOG.search(&query) {
            prop_assert!(hit.snippet.chars().count() <= 122);
        }
    }
}

#[test]
fn a_huge_lesson_parses() {
    let section = "## Part\n\ntext with `code`\n\n```python example\nprint(1)\n```\n\n";
    let text =
        format!("+++\nid = \"big\"\ntitle = \"Big\"\norder = 1\ngoals = [\"g\"]\n+++\n{}", section.repeat(30_000));
    let lesson = parse_lesson("big.md", &text).unwrap();
    assert_eq!(lesson.sections.len(), 30_000);
    assert_eq!(lesson.examples().count(), 30_000);
}

#[test]
fn deeply_nested_markup_does_not_overflow() {
    let text = format!(
        "+++\nid = \"deep\"\ntitle = \"Deep\"\norder = 1\ngoals = [\"g\"]\n+++\n{}x\n\n{}\n",
        "> ".repeat(10_000),
        "[".repeat(10_000)
    );
    check_does_not_panic(&text);
    check_does_not_panic(&format!("+++\n{}\n+++\n", "[".repeat(10_000)));
    check_does_not_panic(&format!("+++\nx = {}\n+++\n", "[".repeat(10_000)));
}
