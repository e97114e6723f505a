//! Damaged files: lesson folders checked with `pyxray lessons check DIR`, and notes, progress and
//! settings opened through the store. Bad input gets a specific message; nothing is lost.

use std::path::Path;
use std::time::Instant;

use pyxray::store::{LessonId, Store, StorePaths, WarningKind};

use crate::support::{pyxray, secs};

fn lesson_folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write lesson");
    }
    dir
}

fn check_lessons(dir: &Path) -> (Option<i32>, String, String) {
    let (status, stdout, stderr, elapsed) = pyxray(&["lessons".as_ref(), "check".as_ref(), dir.as_os_str()]);
    assert!(!stderr.contains("panicked") && !stdout.contains("panicked"), "{stdout}\n{stderr}");
    assert!(elapsed < secs(60), "lessons check took {elapsed:?}");
    (status.code(), stdout, stderr)
}

fn fail_line<'a>(stdout: &'a str, file: &str) -> &'a str {
    stdout.lines().find(|line| line.starts_with("FAIL") && line.contains(file)).unwrap_or_else(|| {
        panic!("no FAIL line for {file}:\n{stdout}");
    })
}

#[test]
fn damaged_lesson_files_each_get_a_clear_failure() {
    let good = include_bytes!("../../lessons/11-unpacking.md");
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    binary.extend_from_slice(b"\xff\xfe\x00\x00");
    let mut huge = b"+++\nid = \"huge\"\ntitle = \"Huge\"\n+++\n\n## Section\n\n".to_vec();
    while huge.len() < 8 * 1024 * 1024 {
        huge.extend_from_slice(b"A paragraph of text that goes on and on, with `code` and *emphasis*.\n\n");
    }
    let dir = lesson_folder(&[
        ("good.md", good.as_slice()),
        ("front-matter.md", b"+++\nid = \nthis is not toml [[[\n+++\n\nText.\n"),
        ("no-front-matter.md", b"Just text, no front matter at all.\n"),
        ("binary.md", &binary),
        (
            "unclosed.md",
            b"+++\nid = \"unclosed\"\ntitle = \"Unclosed\"\norder = 99\ngoals = [\"g\"]\n+++\n\n## Start\n\n```python example\nprint(1)\n",
        ),
        ("huge.md", &huge),
    ]);
    let (code, stdout, stderr) = check_lessons(dir.path());
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.lines().any(|l| l.starts_with("ok") && l.contains("unpacking")),
        "the good lesson still passes:\n{stdout}"
    );
    for file in ["front-matter.md", "no-front-matter.md", "binary.md", "unclosed.md"] {
        let line = fail_line(&stdout, file);
        assert!(line.len() > file.len() + 10, "the failure says what is wrong: {line}");
    }
    assert!(fail_line(&stdout, "binary.md").contains("UTF-8"), "{stdout}");
    assert!(fail_line(&stdout, "unclosed.md").contains("clos"), "{stdout}");
    assert!(fail_line(&stdout, "huge.md").contains("MB"), "{stdout}");
}

fn open(dir: &Path) -> Store {
    Store::open(StorePaths::in_dir(dir))
}

fn set_aside_copies(dir: &Path, name: &str) -> Vec<Vec<u8>> {
    let mut copies = Vec::new();
    for entry in std::fs::read_dir(dir).expect("data dir").flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(name) && file_name != name {
            copies.push(std::fs::read(entry.path()).expect("read the copy"));
        }
    }
    copies
}

#[test]
fn damaged_progress_and_settings_are_set_aside_never_overwritten() {
    // (what, the bytes, whether settings.json can use them too: unknown keys are ignored there).
    let cases: [(&str, &[u8], bool); 4] = [
        ("truncated", b"{\"schema_version\": 1, \"lessons\": {\"a\": {\"vis", false),
        ("not json", b"\x00\x01\x02 binary \xff garbage", false),
        ("wrong types", b"{\"schema_version\": 1, \"lessons\": 42}", true),
        ("empty", b"", false),
    ];
    for (what, bytes, settings_usable) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("progress.json"), bytes).expect("write");
        std::fs::write(dir.path().join("settings.json"), bytes).expect("write");
        let mut store = open(dir.path());
        let warnings = store.drain_warnings();
        let set_aside = warnings.iter().filter(|w| w.kind == WarningKind::CorruptFileSetAside).count();
        let damaged = if settings_usable { ["progress.json"].as_slice() } else { &["progress.json", "settings.json"] };
        assert_eq!(set_aside, damaged.len(), "{what}: one warning per damaged file: {warnings:?}");
        assert!(warnings.iter().all(|w| !w.message.is_empty()));
        // Working on saves new files next to the set-aside copies, which keep the damaged bytes.
        let lesson = LessonId::parse("basics").expect("id");
        store.progress.update(Instant::now(), |progress| progress.mark_visited(&lesson));
        store.flush_all().expect("saved");
        for name in damaged {
            assert_eq!(set_aside_copies(dir.path(), name), vec![bytes.to_vec()], "{what}: {name} kept as it was");
        }
        let reopened = open(dir.path());
        assert!(reopened.progress.get().lesson(&lesson).is_some(), "{what}: the new progress was saved");
    }
}

#[test]
fn a_newer_schema_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let newer = b"{\"schema_version\": 999, \"lessons\": {}, \"from_the_future\": true}".to_vec();
    std::fs::write(dir.path().join("progress.json"), &newer).expect("write");
    let mut store = open(dir.path());
    let warnings = store.drain_warnings();
    assert!(warnings.iter().any(|w| w.kind == WarningKind::NewerSchemaVersion), "{warnings:?}");
    let lesson = LessonId::parse("basics").expect("id");
    store.progress.update(Instant::now(), |progress| progress.mark_visited(&lesson));
    let _ = store.flush_all();
    let on_disk = std::fs::read(dir.path().join("progress.json")).ok();
    let kept =
        on_disk.as_deref() == Some(newer.as_slice()) || set_aside_copies(dir.path(), "progress.json").contains(&newer);
    assert!(kept, "the newer file is still there, byte for byte");
}

#[test]
fn a_note_that_is_not_utf8_is_set_aside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(&notes).expect("notes dir");
    let bytes = b"caf\xe9 \xff\xfe notes".to_vec();
    std::fs::write(notes.join("basics.md"), &bytes).expect("write");
    let mut store = open(dir.path());
    let lesson = LessonId::parse("basics").expect("id");
    assert_eq!(store.notes.text(&lesson), "");
    let warnings = store.drain_warnings();
    assert!(warnings.iter().any(|w| w.kind == WarningKind::CorruptFileSetAside), "{warnings:?}");
    assert_eq!(set_aside_copies(&notes, "basics.md"), vec![bytes]);
}

#[test]
fn unwritable_files_are_reported_and_the_data_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A folder where the file should be: no permission bits needed (tests may run as root).
    std::fs::create_dir(dir.path().join("progress.json")).expect("a folder in the way");
    std::fs::write(dir.path().join("progress.json").join("inside"), b"mine").expect("write");
    let mut store = open(dir.path());
    let lesson = LessonId::parse("basics").expect("id");
    store.progress.update(Instant::now(), |progress| progress.mark_visited(&lesson));
    let result = store.flush_all();
    let warnings = store.drain_warnings();
    assert!(
        result.is_err() && warnings.iter().any(|w| w.kind == WarningKind::SaveFailed)
            || warnings.iter().any(|w| w.kind == WarningKind::CorruptFileSetAside),
        "{result:?} {warnings:?}"
    );
    assert!(store.progress.get().lesson(&lesson).is_some(), "the data stays in memory");
    let inside = dir.path().join("progress.json").join("inside");
    let moved = std::fs::read_dir(dir.path()).expect("dir").flatten().any(|e| e.path().join("inside").exists());
    assert!(inside.exists() || moved, "what was in the way is not deleted");
}
