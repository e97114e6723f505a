//! The catalogue: embedding, loading a folder, ordering, duplicates, and search.

use std::path::PathBuf;

use super::fixtures::{SAMPLE_LESSON, with_front_matter};
use super::*;

fn lesson_text(id: &str, order: u32) -> String {
    with_front_matter(&format!("id = \"{id}\"\ntitle = \"Lesson {id}\"\norder = {order}\ngoals = [\"g\"]"))
}

/// A fresh folder for one test, removed when dropped.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("pyxray-lessons-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.0.join(name), bytes).unwrap();
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn embedded_catalog_holds_every_embedded_file() {
    let catalog = Catalog::embedded();
    assert_eq!(catalog.lessons.len() + catalog.errors.len(), super::catalog::EMBEDDED_LESSONS.len());
}

#[test]
fn lessons_are_sorted_by_order_then_id() {
    let b = lesson_text("b", 2);
    let a = lesson_text("a", 2);
    let c = lesson_text("c", 1);
    let catalog = Catalog::from_sources([("1.md", b.as_str()), ("2.md", a.as_str()), ("3.md", c.as_str())]);
    let ids: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b"]);
    assert!(catalog.errors.is_empty());
    assert_eq!(catalog.lesson("a").map(|l| l.source_name.as_str()), Some("2.md"));
    assert!(catalog.lesson("zzz").is_none());
}

#[test]
fn duplicate_ids_keep_the_first_file_and_report_the_others() {
    let first = lesson_text("same", 1);
    let second = lesson_text("same", 2);
    let catalog = Catalog::from_sources([("01.md", first.as_str()), ("02.md", second.as_str())]);
    assert_eq!(catalog.lessons.len(), 1);
    assert_eq!(catalog.lessons[0].source_name, "01.md");
    assert_eq!(catalog.errors, [LessonError::at_line("02.md", 2, "duplicate lesson id `same`: 01.md already uses it")]);
}

#[test]
fn a_malformed_lesson_does_not_stop_the_others() {
    let good = lesson_text("good", 1);
    let catalog = Catalog::from_sources([("bad.md", "no front matter"), ("good.md", good.as_str())]);
    assert_eq!(catalog.lessons.len(), 1);
    assert_eq!(catalog.errors.len(), 1);
    assert_eq!(catalog.errors[0].file, "bad.md");
    assert_eq!(catalog.errors[0].line, Some(1));
}

#[test]
fn oversized_sources_are_refused() {
    let huge = format!("{}{}", lesson_text("huge", 1), "x".repeat(MAX_LESSON_BYTES));
    let catalog = Catalog::from_sources([("huge.md", huge.as_str())]);
    assert!(catalog.lessons.is_empty());
    assert_eq!(catalog.errors[0].line, None);
    assert_eq!(catalog.errors[0].message, "the file is 2.0 MB; lesson files over 2 MB are not loaded");
}

#[test]
fn load_dir_reads_md_files_and_reports_bad_ones() {
    let folder = TempFolder::new("mixed");
    folder.write("01-good.md", lesson_text("good", 1).as_bytes());
    folder.write("02-sample.MD", SAMPLE_LESSON.as_bytes());
    folder.write("03-broken.md", b"+++\nid = \"broken\"\n");
    let mut latin1 = lesson_text("latin", 4).into_bytes();
    latin1.extend_from_slice(b"more\ncaf\xe9\n");
    folder.write("04-latin1.md", &latin1);
    let mut big = lesson_text("big", 5).into_bytes();
    big.resize(MAX_LESSON_BYTES + 10, b'x');
    folder.write("05-big.md", &big);
    folder.write("notes.txt", b"not a lesson");
    std::fs::create_dir(folder.0.join("06-folder.md")).unwrap();
    std::fs::create_dir(folder.0.join("sub")).unwrap();
    folder.write("sub/07-nested.md", lesson_text("nested", 7).as_bytes());

    let catalog = Catalog::load_dir(&folder.0);
    let ids: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["good", "sample-lesson"]);
    assert_eq!(catalog.lessons[1].source_name, "02-sample.MD");
    let errors: Vec<String> = catalog.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "03-broken.md: line 1: front matter opened at line 1 never closes: add a `+++` line after the TOML keys",
            "04-latin1.md: line 9: the file is not UTF-8 text (save it as UTF-8)",
            "05-big.md: the file is 2.0 MB; lesson files over 2 MB are not loaded",
        ]
    );
}

#[test]
fn load_dir_reports_a_missing_or_empty_folder() {
    let missing = std::env::temp_dir().join("pyxray-lessons-no-such-folder");
    let catalog = Catalog::load_dir(&missing);
    assert!(catalog.lessons.is_empty());
    assert_eq!(catalog.errors.len(), 1);
    assert!(catalog.errors[0].message.starts_with("cannot read the lesson folder: "));
    assert_eq!(catalog.errors[0].file, missing.display().to_string());

    let folder = TempFolder::new("empty");
    let catalog = Catalog::load_dir(&folder.0);
    assert_eq!(catalog.errors[0].message, "the folder has no lesson files (*.md)");
}

fn sample_catalog() -> Catalog {
    let other = lesson_text("other", 9).replace("text\n", "More Text about LISTS\n");
    let catalog = Catalog::from_sources([("s.md", SAMPLE_LESSON), ("o.md", other.as_str())]);
    assert!(catalog.errors.is_empty());
    catalog
}

#[test]
fn search_ignores_case_and_finds_prose_and_code() {
    let catalog = sample_catalog();
    let hits = catalog.search("PRINT(");
    let found: Vec<(&str, usize, u32)> =
        hits.iter().map(|hit| (hit.lesson_id.as_str(), hit.section_index, hit.line)).collect();
    assert_eq!(
        found,
        [("sample-lesson", 1, 19), ("sample-lesson", 2, 39), ("sample-lesson", 2, 54), ("sample-lesson", 3, 87)]
    );
    assert_eq!(hits[0].snippet, "print(x)");
    assert_eq!(hits[3].snippet, "print(\"PLOT s\", i, i * i)");
    let hits = catalog.search("  lists ");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].lesson_id, "other");
    assert_eq!(hits[0].section_index, 0);
    assert_eq!(hits[0].snippet, "More Text about LISTS");
}

#[test]
fn blank_queries_find_nothing() {
    let catalog = sample_catalog();
    assert!(catalog.search("").is_empty());
    assert!(catalog.search("   ").is_empty());
    assert!(catalog.search("no such words").is_empty());
}

#[test]
fn search_handles_non_ascii_and_long_lines() {
    let long_line = format!("{} ÉCOLE {}", "a".repeat(300), "b".repeat(300));
    let text = format!("{}\n{long_line}\n", lesson_text("uni", 1));
    let catalog = Catalog::from_sources([("u.md", text.as_str())]);
    let hits = catalog.search("école");
    assert_eq!(hits.len(), 1);
    let snippet = &hits[0].snippet;
    assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
    assert!(snippet.contains("ÉCOLE"));
    assert!(snippet.chars().count() <= 122);
}
