//! Persistence for pyxray: the learner's notes, progress and settings.
//!
//! The UI opens one [`Store`] at startup, calls [`Store::tick`] every frame and
//! [`Store::flush_all`] on exit, and shows what [`Store::drain_warnings`] returns. Nothing here
//! panics or fails to start because of what is on disk: problems become defaults plus a warning.
//!
//! # Files
//!
//! Everything lives in one data folder ([`StorePaths`]): `~/.config/pyxray` on Linux, or the
//! folder given with `--data-dir DIR`.
//!
//! - `notes/<lesson-id>.md`: one plain Markdown note per lesson, readable in any editor. Lesson
//!   ids are `[a-z0-9-]+` ([`LessonId`]), so a note path can never leave the notes folder.
//! - `progress.json`, `settings.json`: JSON with a `"schema_version"`. Missing fields take their
//!   defaults, so older files load; a file without `schema_version` is version 0 and is upgraded
//!   step by step ([`VersionedJson::upgrade_from`]).
//! - `.lock`, `.write.lock`: advisory locks (see below).
//!
//! # Durability
//!
//! Every file is written by [`write_file_atomically`]: a temp file in the same folder, fsync,
//! rename over the target, fsync of the folder. At any moment, `kill -9` or power loss included,
//! each file is the complete old or the complete new version. Temp files are hidden
//! (`.<name>.tmp-<pid>-<n>`), are never read as data, and the primary instance deletes ones older
//! than ten minutes. An edit is saved once its oldest unsaved change is
//! [`AUTOSAVE_DELAY`] (1 s) old: about a second after typing stops, and once a second during
//! non-stop typing, so a crash loses at most about the last second.
//!
//! # Damaged, unreadable and newer files
//!
//! A file that cannot be used (unreadable, empty, truncated, not JSON, wrong types, a note that
//! is not UTF-8) is renamed to `<name>.corrupt-<UTC timestamp>`, never deleted or overwritten;
//! defaults are used and a [`StoreWarning`] says what happened and where the file went. A JSON
//! file from a newer pyxray (higher `schema_version`) is loaded read-only when this build can
//! read it, so it is never overwritten; otherwise it is renamed to
//! `<name>.newer-v<N>-<UTC timestamp>` and defaults are used. Either way there is a warning.
//!
//! # Several pyxray windows: concurrency policy
//!
//! - The first instance takes an exclusive `flock` on `<dir>/.lock` for its lifetime
//!   ([`InstanceRole::Primary`]). Later instances are [`InstanceRole::Secondary`] and get a
//!   warning; they keep working. The kernel drops the lock when a process dies.
//! - No instance, primary or not, ever overwrites a file it has not seen: each remembers what
//!   it last read or wrote, and before writing reads the file again and compares. This check and
//!   the write happen under a short exclusive `flock` on `<dir>/.write.lock`, so two instances
//!   cannot both pass the check.
//! - Notes: if the note changed on disk (another window or an editor), the version on disk stays
//!   and this window's text is written next to it as `<lesson-id>.conflict-<timestamp>.md`; the
//!   note in memory becomes the version on disk and a [`WarningKind::NoteConflict`] warning tells
//!   where the other text went. A note deleted on disk is simply written again.
//! - Progress: the version on disk is merged in ([`Progress::merge_from`]: nothing recorded by
//!   either window is lost). Settings: the last change wins.
//!
//! # Write failures
//!
//! A full disk, a read-only folder or anything else that stops a save gives a specific
//! [`StoreError`] ("... while writing the temporary file: the disk is full ..."), recorded as a
//! [`WarningKind::SaveFailed`] warning once per distinct problem. The data stays in memory,
//! marked unsaved, and `tick` retries every [`RETRY_INTERVAL`] until a save succeeds, which is
//! reported as [`WarningKind::SaveRecovered`].

mod atomic_write;
mod autosave;
mod bookmarks;
mod disk;
mod error;
mod facade;
mod json_document;
mod lock;
mod notes;
mod notes_export;
mod paths;
mod progress;
mod progress_transfer;
mod settings;
mod timestamp;
mod versioned;
mod warning;

#[cfg(test)]
mod kill_test;
#[cfg(test)]
mod test_support;

pub use atomic_write::write_file_atomically;
pub use autosave::{AUTOSAVE_DELAY, RETRY_INTERVAL};
pub use bookmarks::{Bookmarks, ExampleBookmarks, ExampleKey};
pub use error::StoreError;
pub use facade::Store;
pub use json_document::JsonDocument;
pub use lock::InstanceRole;
pub use notes::NotesStore;
pub use paths::{InvalidLessonId, LessonId, StorePaths};
pub use progress::{LeftOff, LessonProgress, PassedExercise, PredictionAnswer, Progress, ProgressStore};
pub use progress_transfer::{ImportSummary, ProgressImportError};
pub use settings::{
    EngineLimitsSettings, MAX_CONTAINER_ITEMS_RANGE, MAX_STEPS_RANGE, MEMORY_LIMIT_MB_RANGE, OUTPUT_LIMIT_BYTES_RANGE,
    Settings, SettingsStore, TIME_LIMIT_SECS_RANGE, Theme, ZOOM_FACTOR_RANGE,
};
pub use versioned::VersionedJson;
pub use warning::{StoreWarning, WarningKind};
