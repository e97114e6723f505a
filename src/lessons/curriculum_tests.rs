//! The shipped lessons (everything in the repository's `lessons/` folder, embedded at build time) parse
//! and follow the curriculum rules.

use super::catalog::EMBEDDED_LESSONS;
use super::fixtures::{SAMPLE_LESSON, with_body};
use super::*;

#[test]
fn there_are_shipped_lessons() {
    assert!(!EMBEDDED_LESSONS.is_empty(), "no lessons/*.md files were embedded");
}

#[test]
fn every_shipped_lesson_parses() {
    let errors: Vec<String> = EMBEDDED_LESSONS
        .iter()
        .filter_map(|(name, text)| parse_lesson(name, text).err())
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "lessons that do not parse:\n{}", errors.join("\n"));
}

#[test]
fn shipped_lesson_ids_are_unique() {
    let catalog = Catalog::embedded();
    let duplicates: Vec<String> = catalog
        .errors
        .iter()
        .filter(|error| error.message.starts_with("duplicate lesson id"))
        .map(ToString::to_string)
        .collect();
    assert!(duplicates.is_empty(), "{}", duplicates.join("\n"));
}

#[test]
fn every_shipped_lesson_follows_the_curriculum_rules() {
    let problems: Vec<String> = EMBEDDED_LESSONS
        .iter()
        .filter_map(|(name, text)| parse_lesson(name, text).ok())
        .flat_map(|lesson| {
            curriculum_problems(&lesson).into_iter().map(move |problem| format!("{}: {problem}", lesson.source_name))
        })
        .collect();
    assert!(problems.is_empty(), "curriculum problems:\n{}", problems.join("\n"));
}

#[test]
fn the_sample_lesson_follows_the_rules() {
    let lesson = parse_lesson("s.md", SAMPLE_LESSON).unwrap();
    assert_eq!(curriculum_problems(&lesson), Vec::<String>::new());
}

#[test]
fn each_rule_is_reported() {
    let body = "```python exercise id=e\nx = 1\n```\n```python check\nassert x == 2\n```\n\
                ```python solution\nx = 2\n```\n\n## Summary\n";
    let text = with_body(body).replace("goals = [\"g\"]", "goals = []");
    let lesson = parse_lesson("t.md", &text).unwrap();
    assert_eq!(
        curriculum_problems(&lesson),
        [
            "has 0 examples, needs at least 3",
            "has 0 predicts, needs at least 2",
            "exercise `e` has no hint",
            "has no goals",
            "has no `## Recap` section",
        ]
    );
    let lesson = parse_lesson("t.md", &with_body("text\n")).unwrap();
    assert!(curriculum_problems(&lesson).contains(&"has no exercise with a check".to_owned()));
}
