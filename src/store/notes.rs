//! The learner's notes: one plain Markdown file per lesson, loaded lazily and autosaved.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::atomic_write::replace_file_atomically;
use super::autosave::AutosaveState;
use super::disk::{DiskSnapshot, read_snapshot, set_aside, unused_path};
use super::error::{StoreError, describe_io_error};
use super::lock::lock_for_writing;
use super::paths::{LessonId, StorePaths, lesson_of_note_file};
use super::timestamp::utc_timestamp;
use super::warning::{StoreWarning, WarningKind};

pub struct NotesStore {
    paths: StorePaths,
    /// Notes loaded so far; a lesson's note is read the first time it is asked for.
    notes: BTreeMap<LessonId, Note>,
    /// Lessons with unsaved text, so `tick` is nearly free when nothing changed.
    dirty: BTreeSet<LessonId>,
    warnings: Vec<StoreWarning>,
}

struct Note {
    text: String,
    /// What the note file held when this window last read or wrote it.
    on_disk: DiskSnapshot,
    autosave: AutosaveState,
}

enum SaveOutcome {
    Saved,
    /// The file changed elsewhere; this window's text went to `conflict_path`.
    Conflict {
        conflict_path: PathBuf,
    },
}

impl NotesStore {
    pub fn new(paths: &StorePaths) -> Self {
        Self { paths: paths.clone(), notes: BTreeMap::new(), dirty: BTreeSet::new(), warnings: Vec::new() }
    }

    /// The note's current text ("" when there is none), read from disk on first use. Read it
    /// again every frame rather than caching it: after a conflict it is replaced by the version
    /// on disk.
    pub fn text(&mut self, lesson: &LessonId) -> &str {
        &self.loaded(lesson).text
    }

    /// Replaces the note's text; a later [`Self::tick`] saves it. Calling this with unchanged
    /// text (say, every frame) costs one string comparison and marks nothing.
    pub fn set_text(&mut self, lesson: &LessonId, text: &str, now: Instant) {
        let note = self.loaded(lesson);
        if note.text == text {
            return;
        }
        text.clone_into(&mut note.text);
        note.autosave.mark_changed(now);
        self.dirty.insert(lesson.clone());
    }

    /// Saves notes whose oldest unsaved edit is [`AUTOSAVE_DELAY`](super::AUTOSAVE_DELAY) old,
    /// and retries failed saves every [`RETRY_INTERVAL`](super::RETRY_INTERVAL). Call it every
    /// frame: with nothing unsaved it only checks that a set is empty.
    pub fn tick(&mut self, now: Instant) {
        if self.dirty.is_empty() {
            return;
        }
        let due: Vec<LessonId> = self
            .dirty
            .iter()
            .filter(|lesson| self.notes.get(*lesson).is_some_and(|note| note.autosave.is_due(now)))
            .cloned()
            .collect();
        for lesson in due {
            let _ = self.save_and_record(&lesson, now);
        }
    }

    /// Saves every unsaved note now (on exit). Each failure is also recorded as a warning; the
    /// notes stay in memory, unsaved, so the caller may offer to retry.
    pub fn flush_all(&mut self) -> Result<(), Vec<StoreError>> {
        let now = Instant::now();
        let unsaved: Vec<LessonId> = self.dirty.iter().cloned().collect();
        let errors: Vec<StoreError> =
            unsaved.iter().filter_map(|lesson| self.save_and_record(lesson, now).err()).collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    pub fn has_unsaved_changes(&self) -> bool {
        !self.dirty.is_empty()
    }

    pub fn is_unsaved(&self, lesson: &LessonId) -> bool {
        self.dirty.contains(lesson)
    }

    /// The message of the save failure being retried for this note, if any.
    pub fn save_problem(&self, lesson: &LessonId) -> Option<&str> {
        self.notes.get(lesson)?.autosave.failure_message()
    }

    /// Lessons that have a note file, sorted; conflict copies and temporary files are ignored.
    pub fn lessons_with_notes_on_disk(&self) -> Vec<LessonId> {
        let Ok(entries) = fs::read_dir(self.paths.notes_dir()) else {
            return Vec::new();
        };
        let mut lessons: Vec<LessonId> =
            entries.flatten().filter_map(|entry| lesson_of_note_file(entry.file_name().to_str()?)).collect();
        lessons.sort();
        lessons
    }

    pub fn drain_warnings(&mut self) -> Vec<StoreWarning> {
        std::mem::take(&mut self.warnings)
    }

    pub(crate) fn lessons_in_memory(&self) -> impl Iterator<Item = &LessonId> {
        self.notes.keys()
    }

    fn loaded(&mut self, lesson: &LessonId) -> &mut Note {
        let Self { paths, notes, warnings, .. } = self;
        notes.entry(lesson.clone()).or_insert_with(|| load_note(paths, lesson, warnings))
    }

    fn save_and_record(&mut self, lesson: &LessonId, now: Instant) -> Result<(), StoreError> {
        let outcome = self.save_now(lesson);
        let note_path = self.paths.note_path(lesson);
        let Some(note) = self.notes.get_mut(lesson) else {
            self.dirty.remove(lesson);
            return Ok(());
        };
        let warning = match outcome {
            Ok(SaveOutcome::Saved) => {
                self.dirty.remove(lesson);
                note.autosave.record_success().then(|| {
                    let message = format!(
                        "Your note for lesson '{lesson}' was saved to {} after all; the earlier problem is solved.",
                        note_path.display()
                    );
                    StoreWarning::new(WarningKind::SaveRecovered, message).about_file(&note_path)
                })
            }
            Ok(SaveOutcome::Conflict { ref conflict_path }) => {
                self.dirty.remove(lesson);
                note.autosave.record_success();
                let message = format!(
                    "Your note for lesson '{lesson}' ({}) was changed by another pyxray window or another program since this window read it. So that neither version is lost, the version on disk was kept and is now shown, and the text from this window was saved as {}.",
                    note_path.display(),
                    conflict_path.display()
                );
                Some(StoreWarning::new(WarningKind::NoteConflict, message).about_file(conflict_path))
            }
            Err(ref error) => note.autosave.record_failure(now, error.to_string()).then(|| {
                let message =
                    format!("{error}. The note stays in pyxray, unsaved, and pyxray keeps trying to save it.");
                StoreWarning::new(WarningKind::SaveFailed, message).about_file(&note_path)
            }),
        };
        if let Some(warning) = warning {
            self.warnings.push(warning.about_lesson(lesson));
        }
        outcome.map(|_| ())
    }

    /// Compare-and-write under the write lock. The note file is overwritten only if it still
    /// holds what this window last saw (or was deleted); otherwise this window's text goes to a
    /// conflict file and the note shows the version on disk.
    fn save_now(&mut self, lesson: &LessonId) -> Result<SaveOutcome, StoreError> {
        let path = self.paths.note_path(lesson);
        let notes_dir = self.paths.notes_dir();
        let action = format!("save your note for lesson '{lesson}'");
        let failed = |step: &str| {
            let (action, path, step) = (action.clone(), path.clone(), step.to_owned());
            move |source: io::Error| StoreError::new(action, path, step, source)
        };
        let step = format!("creating the notes folder {}", notes_dir.display());
        fs::create_dir_all(&notes_dir).map_err(failed(&step))?;
        let _write_lock = lock_for_writing(&self.paths.write_lock_path())
            .map_err(failed("waiting for another pyxray window to finish saving"))?;
        let current = read_snapshot(&path).map_err(failed("checking whether the note was changed elsewhere"))?;
        let Some(note) = self.notes.get_mut(lesson) else {
            return Ok(SaveOutcome::Saved);
        };
        if current.holds(note.text.as_bytes()) {
            note.on_disk = current;
            return Ok(SaveOutcome::Saved);
        }
        if note.on_disk.unchanged_in(&current) || current == DiskSnapshot::Absent {
            replace_file_atomically(&path, note.text.as_bytes())
                .map_err(|failure| failure.into_store_error(action.clone(), &path))?;
            note.on_disk = DiskSnapshot::Bytes(note.text.as_bytes().to_vec());
            return Ok(SaveOutcome::Saved);
        }
        let stamp = utc_timestamp(SystemTime::now());
        let conflict_path = unused_path(&notes_dir, |suffix| format!("{lesson}.conflict-{stamp}{suffix}.md"));
        replace_file_atomically(&conflict_path, note.text.as_bytes())
            .map_err(|failure| failure.into_store_error(action.clone(), &conflict_path))?;
        note.text = match &current {
            DiskSnapshot::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            DiskSnapshot::Absent | DiskSnapshot::Unknown => String::new(),
        };
        note.on_disk = current;
        Ok(SaveOutcome::Conflict { conflict_path })
    }
}

impl Note {
    fn new(text: String, on_disk: DiskSnapshot) -> Self {
        Self { text, on_disk, autosave: AutosaveState::default() }
    }
}

fn load_note(paths: &StorePaths, lesson: &LessonId, warnings: &mut Vec<StoreWarning>) -> Note {
    let path = paths.note_path(lesson);
    let bytes = match read_snapshot(&path) {
        Ok(DiskSnapshot::Bytes(bytes)) => bytes,
        Ok(DiskSnapshot::Absent | DiskSnapshot::Unknown) => {
            return Note::new(String::new(), DiskSnapshot::Absent);
        }
        Err(error) => {
            let reason = format!("it could not be read: {}", describe_io_error(&error));
            return set_aside_unusable_note(&path, lesson, &reason, warnings);
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let on_disk = DiskSnapshot::Bytes(text.as_bytes().to_vec());
            Note::new(text, on_disk)
        }
        Err(_) => {
            let reason = "it is not UTF-8 text";
            set_aside_unusable_note(&path, lesson, reason, warnings)
        }
    }
}

/// Moves an unusable note file to `<id>.md.corrupt-<timestamp>` and starts an empty note. If
/// it cannot be moved, the note is marked unknown, so a save never replaces that file: it goes
/// to a conflict file if the file can be read by then, and fails (and is retried) otherwise.
fn set_aside_unusable_note(path: &Path, lesson: &LessonId, reason: &str, warnings: &mut Vec<StoreWarning>) -> Note {
    let (message, on_disk) = match set_aside(path, "corrupt") {
        Ok(new_path) => (
            format!(
                "Your note for lesson '{lesson}' ({}) could not be used: {reason}. It was renamed to {} (nothing was deleted) and the note starts empty.",
                path.display(),
                new_path.display()
            ),
            DiskSnapshot::Absent,
        ),
        Err(error) => (
            format!(
                "Your note for lesson '{lesson}' ({}) could not be used: {reason}. It could not be renamed out of the way either ({}), so pyxray will never overwrite it.",
                path.display(),
                describe_io_error(&error)
            ),
            DiskSnapshot::Unknown,
        ),
    };
    let warning = StoreWarning::new(WarningKind::CorruptFileSetAside, message).about_file(path).about_lesson(lesson);
    warnings.push(warning);
    Note::new(String::new(), on_disk)
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
