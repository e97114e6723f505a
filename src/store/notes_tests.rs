//! Tests of [`NotesStore`]: round trips, autosave timing, conflicts, failures, export.

use std::time::Duration;

use super::super::autosave::{AUTOSAVE_DELAY, RETRY_INTERVAL};
use super::super::test_support::{
    make_read_only_if_that_blocks_writes, make_writable, names_in, single_name_starting_with, temp_store,
};
use super::*;

fn lesson(id: &str) -> LessonId {
    LessonId::parse(id).unwrap()
}

fn kinds(notes: &mut NotesStore) -> Vec<WarningKind> {
    notes.drain_warnings().iter().map(|w| w.kind).collect()
}

#[test]
fn round_trip_as_plain_markdown() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let text = "# My notes\n\n- `x = 1` binds a *name*\n- ünïcödé ✓\n";
    let mut notes = NotesStore::new(&paths);
    notes.set_text(&intro, text, Instant::now());
    assert!(notes.is_unsaved(&intro));
    notes.flush_all().unwrap();
    assert!(!notes.has_unsaved_changes());
    assert_eq!(fs::read_to_string(paths.note_path(&intro)).unwrap(), text);
    assert_eq!(NotesStore::new(&paths).text(&intro), text);
    assert!(notes.drain_warnings().is_empty());
}

#[test]
fn a_lesson_without_a_note_is_empty_and_creates_nothing() {
    let (_guard, paths) = temp_store();
    let mut notes = NotesStore::new(&paths);
    assert_eq!(notes.text(&lesson("intro")), "");
    notes.set_text(&lesson("intro"), "", Instant::now());
    notes.tick(Instant::now() + Duration::from_secs(5));
    notes.flush_all().unwrap();
    assert!(names_in(&paths.dir).is_empty());
}

#[test]
fn autosave_after_one_second() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let path = paths.note_path(&intro);
    let mut notes = NotesStore::new(&paths);
    let start = Instant::now();
    notes.set_text(&intro, "draft", start);
    notes.tick(start + Duration::from_millis(500));
    notes.tick(start + Duration::from_millis(999));
    assert!(!path.exists());
    notes.tick(start + Duration::from_secs(1));
    assert_eq!(fs::read_to_string(&path).unwrap(), "draft");
    assert!(!notes.has_unsaved_changes());
}

#[test]
fn nonstop_typing_is_saved_at_least_every_second() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let path = paths.note_path(&intro);
    let mut notes = NotesStore::new(&paths);
    let start = Instant::now();
    let at = |millis| start + Duration::from_millis(millis);
    notes.set_text(&intro, "a", at(0));
    notes.set_text(&intro, "ab", at(400));
    notes.set_text(&intro, "abc", at(800));
    notes.tick(at(900));
    assert!(!path.exists());
    notes.tick(at(1000));
    assert_eq!(fs::read_to_string(&path).unwrap(), "abc");
    notes.set_text(&intro, "abcd", at(1200));
    notes.tick(at(1900));
    assert_eq!(fs::read_to_string(&path).unwrap(), "abc");
    notes.tick(at(2200));
    assert_eq!(fs::read_to_string(&path).unwrap(), "abcd");
}

#[test]
fn tick_touches_nothing_when_nothing_is_unsaved() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let mut notes = NotesStore::new(&paths);
    notes.set_text(&intro, "saved", Instant::now());
    notes.flush_all().unwrap();
    // Setting the same text (as a UI may every frame) marks nothing.
    notes.set_text(&intro, "saved", Instant::now());
    assert!(!notes.has_unsaved_changes());
    // With the data folder gone, any file access by tick would fail and warn, or recreate it.
    fs::remove_dir_all(&paths.dir).unwrap();
    let start = Instant::now();
    for frame in 0..1000 {
        notes.tick(start + Duration::from_millis(16 * frame));
    }
    assert!(notes.drain_warnings().is_empty());
    assert!(!paths.dir.exists());
}

#[test]
fn second_instance_writes_a_conflict_file_instead_of_overwriting() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let mut first = NotesStore::new(&paths);
    let mut second = NotesStore::new(&paths);
    assert_eq!(first.text(&intro), "");
    assert_eq!(second.text(&intro), "");
    first.set_text(&intro, "from the first window", Instant::now());
    first.flush_all().unwrap();
    second.set_text(&intro, "from the second window", Instant::now());
    second.flush_all().unwrap();

    let note_path = paths.note_path(&intro);
    assert_eq!(fs::read_to_string(&note_path).unwrap(), "from the first window");
    let conflict = single_name_starting_with(&paths.notes_dir(), "intro.conflict-");
    assert!(conflict.ends_with("Z.md"), "{conflict}");
    assert_eq!(fs::read_to_string(paths.notes_dir().join(&conflict)).unwrap(), "from the second window");
    let warnings = second.drain_warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].kind, WarningKind::NoteConflict);
    assert_eq!(warnings[0].lesson, Some(intro.clone()));
    assert!(warnings[0].message.contains(&conflict), "{}", warnings[0].message);
    // The second window now shows the version on disk and can continue from it.
    assert_eq!(second.text(&intro), "from the first window");
    assert!(!second.has_unsaved_changes());
    second.set_text(&intro, "from the first window, edited in the second", Instant::now());
    second.flush_all().unwrap();
    assert!(second.drain_warnings().is_empty());
    assert_eq!(fs::read_to_string(&note_path).unwrap(), "from the first window, edited in the second");
    // The first window has not seen that edit, so it cannot overwrite it either.
    first.set_text(&intro, "first again", Instant::now());
    first.flush_all().unwrap();
    assert_eq!(kinds(&mut first), [WarningKind::NoteConflict]);
    assert_eq!(fs::read_to_string(&note_path).unwrap(), "from the first window, edited in the second");
    assert_eq!(names_in(&paths.notes_dir()).len(), 3);
}

#[test]
fn an_edit_made_in_another_editor_is_never_overwritten() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let mut notes = NotesStore::new(&paths);
    notes.set_text(&intro, "v1", Instant::now());
    notes.flush_all().unwrap();
    fs::write(paths.note_path(&intro), "edited in vim").unwrap();
    notes.set_text(&intro, "v2", Instant::now());
    notes.flush_all().unwrap();
    assert_eq!(fs::read_to_string(paths.note_path(&intro)).unwrap(), "edited in vim");
    assert_eq!(notes.text(&intro), "edited in vim");
    assert_eq!(kinds(&mut notes), [WarningKind::NoteConflict]);
}

#[test]
fn no_conflict_when_disk_already_matches_or_the_note_was_deleted() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let mut notes = NotesStore::new(&paths);
    notes.set_text(&intro, "v1", Instant::now());
    notes.flush_all().unwrap();
    fs::write(paths.note_path(&intro), "same text").unwrap();
    notes.set_text(&intro, "same text", Instant::now());
    notes.flush_all().unwrap();
    fs::remove_file(paths.note_path(&intro)).unwrap();
    notes.set_text(&intro, "written again", Instant::now());
    notes.flush_all().unwrap();
    assert!(notes.drain_warnings().is_empty());
    assert_eq!(fs::read_to_string(paths.note_path(&intro)).unwrap(), "written again");
    assert_eq!(names_in(&paths.notes_dir()), ["intro.md"]);
}

#[test]
fn a_note_that_is_not_text_is_set_aside() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    fs::create_dir_all(paths.notes_dir()).unwrap();
    let garbage = [0xff, 0xfe, 0x00, b'x'];
    fs::write(paths.note_path(&intro), garbage).unwrap();
    let mut notes = NotesStore::new(&paths);
    assert_eq!(notes.text(&intro), "");
    let moved = single_name_starting_with(&paths.notes_dir(), "intro.md.corrupt-");
    assert_eq!(fs::read(paths.notes_dir().join(&moved)).unwrap(), garbage);
    let warnings = notes.drain_warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].kind, WarningKind::CorruptFileSetAside);
    assert!(warnings[0].message.contains(&moved), "{}", warnings[0].message);
    notes.set_text(&intro, "fresh", Instant::now());
    notes.flush_all().unwrap();
    assert_eq!(fs::read_to_string(paths.note_path(&intro)).unwrap(), "fresh");
}

/// Blocks writes into the notes folder; returns the words the error message must contain.
///
/// The obvious way is chmod 0555. Root ignores permission bits, and these tests run as root in
/// CI, so when chmod does not stop a probe write, the notes folder is replaced by a regular
/// file instead: creating the folder then fails for every user ("a file ... is in the way").
fn block_writes_to_notes(paths: &StorePaths) -> (&'static str, bool) {
    fs::create_dir_all(paths.notes_dir()).unwrap();
    if make_read_only_if_that_blocks_writes(&paths.notes_dir()) {
        ("permission denied", true)
    } else {
        fs::remove_dir(paths.notes_dir()).unwrap();
        fs::write(paths.notes_dir(), b"a file where the notes folder should be").unwrap();
        ("is in the way", false)
    }
}

fn unblock_writes_to_notes(paths: &StorePaths, blocked_by_permissions: bool) {
    if blocked_by_permissions {
        make_writable(&paths.notes_dir());
    } else {
        fs::remove_file(paths.notes_dir()).unwrap();
        fs::create_dir(paths.notes_dir()).unwrap();
    }
}

#[test]
fn unwritable_folder_is_reported_and_the_note_kept_and_retried() {
    let (_guard, paths) = temp_store();
    let intro = lesson("intro");
    let mut notes = NotesStore::new(&paths);
    let start = Instant::now();
    notes.set_text(&intro, "precious", start);
    let (expected_cause, by_permissions) = block_writes_to_notes(&paths);

    notes.tick(start + AUTOSAVE_DELAY);
    assert!(notes.is_unsaved(&intro));
    assert_eq!(notes.text(&intro), "precious");
    let warnings = notes.drain_warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].kind, WarningKind::SaveFailed);
    assert_eq!(warnings[0].lesson, Some(intro.clone()));
    let message = &warnings[0].message;
    assert!(message.contains(expected_cause), "{message}");
    assert!(message.contains("save your note for lesson 'intro'"), "{message}");
    assert!(notes.save_problem(&intro).is_some());

    unblock_writes_to_notes(&paths, by_permissions);
    notes.tick(start + AUTOSAVE_DELAY + RETRY_INTERVAL / 2);
    assert!(notes.is_unsaved(&intro), "retries wait for RETRY_INTERVAL");
    notes.tick(start + AUTOSAVE_DELAY + RETRY_INTERVAL);
    assert!(!notes.has_unsaved_changes());
    assert_eq!(kinds(&mut notes), [WarningKind::SaveRecovered]);
    assert_eq!(fs::read_to_string(paths.note_path(&intro)).unwrap(), "precious");
}

#[test]
fn flush_all_reports_every_note_it_could_not_save() {
    let (_guard, paths) = temp_store();
    let mut notes = NotesStore::new(&paths);
    notes.set_text(&lesson("one"), "1", Instant::now());
    notes.set_text(&lesson("two"), "2", Instant::now());
    let (_, by_permissions) = block_writes_to_notes(&paths);
    let errors = notes.flush_all().unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(kinds(&mut notes).len(), 2);
    unblock_writes_to_notes(&paths, by_permissions);
    notes.flush_all().unwrap();
    assert_eq!(names_in(&paths.notes_dir()), ["one.md", "two.md"]);
}

#[test]
fn export_has_one_section_per_lesson_in_table_of_contents_order() {
    let (_guard, paths) = temp_store();
    let mut notes = NotesStore::new(&paths);
    let now = Instant::now();
    notes.set_text(&lesson("intro"), "Intro note\n\n", now);
    notes.set_text(&lesson("names"), "Names note", now);
    notes.set_text(&lesson("blank"), "  \n", now);
    notes.set_text(&lesson("old-lesson"), "Old note", now);
    notes.flush_all().unwrap();
    let conflict = paths.notes_dir().join("intro.conflict-20250101T000000Z.md");
    fs::write(conflict, "not a lesson note").unwrap();

    let lessons = [
        (lesson("names"), "Names and objects".to_owned()),
        (lesson("intro"), "Intro\nto pyxray".to_owned()),
        (lesson("blank"), "Blank".to_owned()),
    ];
    let expected = "# Names and objects\n\nNames note\n\n# Intro to pyxray\n\nIntro note\n\n# old-lesson\n\nOld note\n";
    assert_eq!(NotesStore::new(&paths).export_markdown(&lessons), expected);

    let target = paths.dir.join("export.md");
    notes.export_to_file(&lessons, &target).unwrap();
    assert_eq!(fs::read_to_string(target).unwrap(), expected);
}
