//! Tests of [`Progress`] and `ProgressStore`: content, migration, merging, export and import.

use std::fs;
use std::time::{Duration, Instant, UNIX_EPOCH};

use super::super::paths::StorePaths;
use super::super::test_support::{single_name_starting_with, temp_store};
use super::super::warning::WarningKind;
use super::*;

fn lesson(id: &str) -> LessonId {
    LessonId::parse(id).unwrap()
}

fn at_unix(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// Progress with every kind of field filled in.
fn sample_progress() -> Progress {
    let intro = lesson("intro");
    let mut progress = Progress::default();
    progress.mark_visited(&intro);
    progress.mark_completed(&intro);
    progress.record_example_run(&intro, 0);
    progress.record_example_run(&intro, 0);
    progress.record_example_run(&intro, 2);
    progress.record_prediction(&intro, 1, "[1, 2]\n", true);
    progress.record_exercise_pass(&intro, "swap", "a, b = b, a", at_unix(1_700_000_000));
    progress.mark_visited(&lesson("names"));
    progress.set_left_off(LeftOff {
        lesson_id: lesson("names"),
        scroll_offset: 120.5,
        editor_code: "x = [1]\ny = x\n".into(),
        step_index: Some(3),
    });
    progress
}

fn open_with(paths: &StorePaths, progress: Progress) -> ProgressStore {
    let mut store = ProgressStore::open(paths);
    *store.edit(Instant::now()) = progress;
    store.flush().unwrap();
    store
}

#[test]
fn round_trip_keeps_every_field() {
    let (_guard, paths) = temp_store();
    open_with(&paths, sample_progress());
    let reopened = ProgressStore::open(&paths);
    assert_eq!(reopened.get(), &sample_progress());
    let intro = reopened.get().lesson(&lesson("intro")).unwrap();
    assert_eq!(intro.example_runs.get(&0), Some(&2));
    assert_eq!(intro.exercises_passed["swap"].passed_at_unix_secs, 1_700_000_000);
}

#[test]
fn mutators_report_whether_anything_changed() {
    let intro = lesson("intro");
    let mut progress = Progress::default();
    assert!(progress.mark_visited(&intro));
    assert!(!progress.mark_visited(&intro));
    assert!(progress.record_prediction(&intro, 0, "3", false));
    assert!(!progress.record_prediction(&intro, 0, "3", false));
    assert!(progress.record_prediction(&intro, 0, "4", true));
    assert!(progress.record_exercise_pass(&intro, "e", "pass", at_unix(5)));
    assert!(!progress.record_exercise_pass(&intro, "e", "other", at_unix(6)));
    assert!(progress.set_left_off(LeftOff::at_lesson(intro.clone())));
    assert!(!progress.set_left_off(LeftOff::at_lesson(intro)));
}

#[test]
fn version_zero_file_is_upgraded() {
    let (_guard, paths) = temp_store();
    let version_0 = r#"{"visited": ["intro", "names"], "completed": ["intro"], "last_lesson": "names"}"#;
    fs::write(paths.progress_path(), version_0).unwrap();
    let mut store = ProgressStore::open(&paths);
    assert!(store.drain_warnings().is_empty());
    let progress = store.get();
    let intro = progress.lesson(&lesson("intro")).unwrap();
    assert!(intro.visited && intro.completed);
    let names = progress.lesson(&lesson("names")).unwrap();
    assert!(names.visited && !names.completed);
    assert_eq!(progress.left_off, Some(LeftOff::at_lesson(lesson("names"))));
}

#[test]
fn a_damaged_left_off_entry_is_dropped_alone() {
    let (_guard, paths) = temp_store();
    let text = r#"{"schema_version": 1, "lessons": {"intro": {"visited": true}}, "left_off": {"scroll_offset": 3}}"#;
    fs::write(paths.progress_path(), text).unwrap();
    let mut store = ProgressStore::open(&paths);
    assert!(store.drain_warnings().is_empty());
    assert!(store.get().lesson(&lesson("intro")).unwrap().visited);
    assert_eq!(store.get().left_off, None);
}

#[test]
fn version_zero_with_an_invalid_lesson_id_is_set_aside() {
    let (_guard, paths) = temp_store();
    fs::write(paths.progress_path(), r#"{"visited": ["../../etc"]}"#).unwrap();
    let mut store = ProgressStore::open(&paths);
    assert_eq!(store.get(), &Progress::default());
    single_name_starting_with(&paths.dir, "progress.json.corrupt-");
    let warnings = store.drain_warnings();
    assert!(warnings[0].message.contains("not a valid lesson id"), "{}", warnings[0].message);
}

#[test]
fn newer_progress_file_is_not_overwritten() {
    let (_guard, paths) = temp_store();
    let newer = r#"{"schema_version": 2, "lessons": {"intro": {"visited": true, "stars": 3}}}"#;
    fs::write(paths.progress_path(), newer).unwrap();
    let mut store = ProgressStore::open(&paths);
    assert!(store.get().lesson(&lesson("intro")).unwrap().visited);
    store.update(Instant::now(), |progress| progress.mark_completed(&lesson("intro")));
    store.flush().unwrap();
    assert_eq!(fs::read_to_string(paths.progress_path()).unwrap(), newer);
    assert_eq!(store.drain_warnings()[0].kind, WarningKind::NewerSchemaVersion);
}

#[test]
fn truncated_progress_file_is_set_aside() {
    let (_guard, paths) = temp_store();
    let full = sample_progress().to_export_json().unwrap();
    let truncated = &full[..full.len() / 2];
    fs::write(paths.progress_path(), truncated).unwrap();
    let mut store = ProgressStore::open(&paths);
    assert_eq!(store.get(), &Progress::default());
    let moved = single_name_starting_with(&paths.dir, "progress.json.corrupt-");
    assert_eq!(fs::read_to_string(paths.dir.join(moved)).unwrap(), truncated);
    let warnings = store.drain_warnings();
    assert!(warnings[0].message.contains("truncated"), "{}", warnings[0].message);
}

#[test]
fn merge_only_adds() {
    let intro = lesson("intro");
    let mut ours = Progress::default();
    ours.mark_visited(&intro);
    ours.record_example_run(&intro, 0);
    ours.record_prediction(&intro, 0, "ours", true);
    ours.record_exercise_pass(&intro, "late", "ours", at_unix(200));
    let mut theirs = Progress::default();
    theirs.mark_completed(&intro);
    for _ in 0..3 {
        theirs.record_example_run(&intro, 0);
    }
    theirs.record_prediction(&intro, 0, "theirs", false);
    theirs.record_prediction(&intro, 1, "theirs", true);
    theirs.record_exercise_pass(&intro, "late", "theirs", at_unix(100));
    theirs.set_left_off(LeftOff::at_lesson(intro.clone()));
    ours.merge_from(theirs);
    let merged = ours.lesson(&intro).unwrap();
    assert!(merged.visited && merged.completed);
    assert_eq!(merged.example_runs[&0], 3);
    assert_eq!(merged.predictions[&0].answer, "ours");
    assert_eq!(merged.predictions[&1].answer, "theirs");
    assert_eq!(merged.exercises_passed["late"].code, "theirs");
    assert_eq!(ours.left_off, Some(LeftOff::at_lesson(intro)));
}

#[test]
fn two_windows_saving_progress_keep_both_windows_work() {
    let (_guard, paths) = temp_store();
    let mut first = ProgressStore::open(&paths);
    let mut second = ProgressStore::open(&paths);
    first.update(Instant::now(), |p| p.mark_completed(&lesson("intro")));
    first.flush().unwrap();
    second.update(Instant::now(), |p| p.mark_completed(&lesson("names")));
    second.flush().unwrap();
    let on_disk = ProgressStore::open(&paths);
    assert!(on_disk.get().lesson(&lesson("intro")).unwrap().completed);
    assert!(on_disk.get().lesson(&lesson("names")).unwrap().completed);
}

#[test]
fn export_then_import_restores_everything() {
    let (_guard, paths) = temp_store();
    let source = open_with(&paths, sample_progress());
    let export_path = paths.dir.join("my-progress.json");
    source.export_to_file(&export_path).unwrap();
    let text = fs::read_to_string(&export_path).unwrap();
    assert!(text.contains("\"format\": \"pyxray-progress\""), "{text}");

    let (_other_guard, other_paths) = temp_store();
    let mut target = ProgressStore::open(&other_paths);
    let summary = target.import_from_file(&export_path, Instant::now()).unwrap();
    assert_eq!(summary.lessons_in_file, 2);
    assert_eq!(summary.lessons_added, 2);
    assert_eq!(target.get(), &sample_progress());
    assert!(!target.has_unsaved_changes(), "an import is saved at once");
    assert_eq!(ProgressStore::open(&other_paths).get(), &sample_progress());
}

#[test]
fn importing_a_version_zero_copy_works() {
    let (_guard, paths) = temp_store();
    let mut store = ProgressStore::open(&paths);
    store.import_json(r#"{"completed": ["intro"]}"#, Instant::now()).unwrap();
    assert!(store.get().lesson(&lesson("intro")).unwrap().completed);
}

#[test]
fn bad_imports_are_refused_clearly_and_change_nothing() {
    let (_guard, paths) = temp_store();
    let mut store = open_with(&paths, sample_progress());
    let before = fs::read(paths.progress_path()).unwrap();
    let cases = [
        ("", "empty"),
        ("{\"format\": \"pyxray-progress\", \"lessons\": {", "truncated"),
        ("lessons: yes", "not valid JSON"),
        ("[1, 2, 3]", "does not contain a JSON object"),
        ("{\"theme\": \"dark\", \"schema_version\": 1}", "no lesson progress"),
        ("{\"format\": \"pyxray-settings\"}", "its \"format\" is"),
        ("{\"format\": \"pyxray-progress\", \"schema_version\": 99}", "newer pyxray"),
        ("{\"format\": \"pyxray-progress\", \"lessons\": {\"../x\": {}}}", "not a valid lesson id"),
        ("{\"format\": \"pyxray-progress\", \"lessons\": {\"intro\": {\"visited\": \"yes\"}}}", "cannot be imported"),
    ];
    for (text, expected) in cases {
        let error = store.import_json(text, Instant::now()).unwrap_err();
        assert!(error.message.contains(expected), "{text:?}: {error}");
        assert_eq!(store.get(), &sample_progress(), "{text:?}");
        assert!(!store.has_unsaved_changes());
    }
    assert_eq!(fs::read(paths.progress_path()).unwrap(), before);
    let missing = store.import_from_file(&paths.dir.join("absent.json"), Instant::now());
    assert!(missing.unwrap_err().message.contains("does not exist"));
}

#[test]
fn import_is_refused_while_progress_is_read_only() {
    let (_guard, paths) = temp_store();
    fs::write(paths.progress_path(), r#"{"schema_version": 5}"#).unwrap();
    let mut store = ProgressStore::open(&paths);
    let error = store.import_json(&sample_progress().to_export_json().unwrap(), Instant::now()).unwrap_err();
    assert!(error.message.contains("newer pyxray"), "{error}");
}
