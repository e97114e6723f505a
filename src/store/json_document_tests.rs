//! Tests of [`JsonDocument`] with a small test document type; progress and settings add their
//! own tests for their content.

use std::time::Duration;

use super::super::autosave::{AUTOSAVE_DELAY, RETRY_INTERVAL};
use super::super::test_support::{names_in, single_name_starting_with, temp_store};
use super::super::versioned::tests::Counter;
use super::*;

type CounterDocument = JsonDocument<Counter>;

fn kinds(document: &mut CounterDocument) -> Vec<WarningKind> {
    document.drain_warnings().into_iter().map(|warning| warning.kind).collect()
}

#[test]
fn round_trip() {
    let (_guard, paths) = temp_store();
    let mut document = CounterDocument::open(&paths);
    assert_eq!(document.get(), &Counter::default());
    document.edit(Instant::now()).count = 5;
    document.flush().unwrap();
    assert!(!document.has_unsaved_changes());
    let reopened = CounterDocument::open(&paths);
    assert_eq!(reopened.get().count, 5);
    let text = fs::read_to_string(paths.dir.join("counter.json")).unwrap();
    assert!(text.contains("\"schema_version\": 1"), "{text}");
}

#[test]
fn version_zero_file_is_upgraded_and_saved_in_the_current_version() {
    let (_guard, paths) = temp_store();
    let path = paths.dir.join("counter.json");
    fs::write(&path, r#"{"n": 41}"#).unwrap();
    let mut document = CounterDocument::open(&paths);
    assert_eq!(document.get().count, 41);
    assert!(kinds(&mut document).is_empty());
    document.edit(Instant::now()).count += 1;
    document.flush().unwrap();
    let saved: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["schema_version"], 1);
    assert_eq!(saved["count"], 42);
    assert!(saved.get("n").is_none());
}

#[test]
fn newer_file_is_loaded_read_only_and_never_overwritten() {
    let (_guard, paths) = temp_store();
    let path = paths.dir.join("counter.json");
    let newer = r#"{"schema_version": 7, "count": 3, "added_in_v7": [1, 2]}"#;
    fs::write(&path, newer).unwrap();
    let mut document = CounterDocument::open(&paths);
    assert_eq!(document.get().count, 3);
    assert!(document.read_only_reason().unwrap().contains("schema version 7"));
    assert_eq!(kinds(&mut document), [WarningKind::NewerSchemaVersion]);
    document.edit(Instant::now()).count = 99;
    document.flush().unwrap();
    document.tick(Instant::now() + Duration::from_secs(10));
    assert_eq!(fs::read_to_string(&path).unwrap(), newer);
    assert!(!document.has_unsaved_changes());
}

#[test]
fn unreadable_newer_file_is_set_aside() {
    let (_guard, paths) = temp_store();
    let newer = r#"{"schema_version": 8, "count": "now a string"}"#;
    fs::write(paths.dir.join("counter.json"), newer).unwrap();
    let mut document = CounterDocument::open(&paths);
    assert_eq!(document.get(), &Counter::default());
    assert!(document.read_only_reason().is_none());
    let moved = single_name_starting_with(&paths.dir, "counter.json.newer-v8-");
    assert_eq!(fs::read_to_string(paths.dir.join(&moved)).unwrap(), newer);
    let warnings = document.drain_warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains(&moved), "{}", warnings[0].message);
}

#[test]
fn corrupt_truncated_and_empty_files_are_set_aside_with_a_warning() {
    let cases = [
        ("corrupt", "{\"schema_version\": 1, \"count\": ]]]"),
        ("truncated", "{\"schema_version\": 1, \"count\": 4"),
        ("empty", ""),
        ("binary", "\u{0}\u{1}\u{2}"),
        ("wrong type", "{\"schema_version\": 1, \"count\": \"four\"}"),
    ];
    for (case, content) in cases {
        let (_guard, paths) = temp_store();
        fs::write(paths.dir.join("counter.json"), content).unwrap();
        let mut document = CounterDocument::open(&paths);
        assert_eq!(document.get(), &Counter::default(), "{case}");
        let moved = single_name_starting_with(&paths.dir, "counter.json.corrupt-");
        assert_eq!(
            fs::read_to_string(paths.dir.join(&moved)).unwrap(),
            content,
            "{case}: the damaged file must be kept as it was"
        );
        assert!(!paths.dir.join("counter.json").exists(), "{case}");
        let warnings = document.drain_warnings();
        assert_eq!(warnings.len(), 1, "{case}");
        assert_eq!(warnings[0].kind, WarningKind::CorruptFileSetAside);
        assert!(warnings[0].message.contains(&moved), "{case}: {}", warnings[0].message);
        // Saving afterwards creates a fresh file and leaves the set-aside copy alone.
        document.edit(Instant::now()).count = 1;
        document.flush().unwrap();
        assert_eq!(fs::read_to_string(paths.dir.join(&moved)).unwrap(), content, "{case}");
    }
}

#[test]
fn unreadable_file_is_set_aside() {
    let (_guard, paths) = temp_store();
    // A folder where the file should be cannot be read as a file, even by root.
    fs::create_dir(paths.dir.join("counter.json")).unwrap();
    let mut document = CounterDocument::open(&paths);
    let moved = single_name_starting_with(&paths.dir, "counter.json.corrupt-");
    assert!(paths.dir.join(moved).is_dir());
    assert_eq!(kinds(&mut document), [WarningKind::CorruptFileSetAside]);
}

#[test]
fn autosave_waits_for_the_delay() {
    let (_guard, paths) = temp_store();
    let path = paths.dir.join("counter.json");
    let mut document = CounterDocument::open(&paths);
    let start = Instant::now();
    assert!(!document.update(start, |_| false));
    assert!(!document.has_unsaved_changes());
    document.update(start, |counter| {
        counter.count = 1;
        true
    });
    document.tick(start + AUTOSAVE_DELAY / 2);
    assert!(!path.exists());
    document.tick(start + AUTOSAVE_DELAY);
    assert!(path.exists());
    assert!(!document.has_unsaved_changes());
}

#[test]
fn a_newer_file_written_meanwhile_is_not_overwritten() {
    let (_guard, paths) = temp_store();
    let path = paths.dir.join("counter.json");
    let mut document = CounterDocument::open(&paths);
    let newer = r#"{"schema_version": 2, "count": 8}"#;
    fs::write(&path, newer).unwrap();
    document.edit(Instant::now()).count = 1;
    document.flush().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), newer);
    assert!(document.read_only_reason().is_some());
    assert_eq!(kinds(&mut document), [WarningKind::NewerSchemaVersion]);
}

#[test]
fn a_file_damaged_meanwhile_is_set_aside_before_saving() {
    let (_guard, paths) = temp_store();
    let path = paths.dir.join("counter.json");
    let mut document = CounterDocument::open(&paths);
    fs::write(&path, "{ garbage").unwrap();
    document.edit(Instant::now()).count = 2;
    document.flush().unwrap();
    let moved = single_name_starting_with(&paths.dir, "counter.json.corrupt-");
    assert_eq!(fs::read_to_string(paths.dir.join(moved)).unwrap(), "{ garbage");
    assert_eq!(CounterDocument::open(&paths).get().count, 2);
    assert_eq!(kinds(&mut document), [WarningKind::CorruptFileSetAside]);
}

#[test]
fn failed_save_is_reported_kept_and_retried() {
    let (_guard, paths) = temp_store();
    let mut document = CounterDocument::open(&paths);
    // A file in place of the data folder makes every write fail, for root too.
    fs::remove_dir_all(&paths.dir).unwrap();
    fs::write(&paths.dir, b"not a folder").unwrap();
    let start = Instant::now();
    document.edit(start).count = 3;
    document.tick(start + AUTOSAVE_DELAY);
    assert!(document.has_unsaved_changes());
    let warnings = document.drain_warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].kind, WarningKind::SaveFailed);
    assert!(warnings[0].message.contains("is in the way"), "{}", warnings[0].message);
    assert!(document.save_problem().is_some());
    // Retrying fails the same way without repeating the warning.
    document.tick(start + AUTOSAVE_DELAY + RETRY_INTERVAL);
    assert!(document.drain_warnings().is_empty());

    fs::remove_file(&paths.dir).unwrap();
    fs::create_dir(&paths.dir).unwrap();
    document.tick(start + AUTOSAVE_DELAY + RETRY_INTERVAL + Duration::from_millis(10));
    assert!(document.has_unsaved_changes(), "retry must wait for the interval");
    document.tick(start + AUTOSAVE_DELAY + RETRY_INTERVAL * 2);
    assert!(!document.has_unsaved_changes());
    assert_eq!(kinds(&mut document), [WarningKind::SaveRecovered]);
    assert_eq!(CounterDocument::open(&paths).get().count, 3);
    assert_eq!(names_in(&paths.dir), [".write.lock", "counter.json"]);
}
