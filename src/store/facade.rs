//! [`Store`]: everything the UI needs, opened once at startup.

use std::fs;
use std::time::{Duration, Instant};

use super::atomic_write::remove_stale_temp_files;
use super::error::{StoreError, describe_io_error};
use super::lock::{InstanceLock, InstanceRole};
use super::notes::NotesStore;
use super::paths::StorePaths;
use super::progress::ProgressStore;
use super::settings::SettingsStore;
use super::warning::{StoreWarning, WarningKind};

/// Temp files older than this were left by a killed process (a live write takes milliseconds).
const STALE_TEMP_FILE_AGE: Duration = Duration::from_secs(600);

pub struct Store {
    pub paths: StorePaths,
    pub notes: NotesStore,
    pub progress: ProgressStore,
    pub settings: SettingsStore,
    instance_lock: InstanceLock,
    warnings: Vec<StoreWarning>,
}

impl Store {
    /// Opens the data folder, creating it if needed. Never fails: every problem (damaged file,
    /// unwritable folder, another instance) becomes a warning and the app starts with what it
    /// could load.
    pub fn open(paths: StorePaths) -> Self {
        let mut warnings = Vec::new();
        let folder_problem =
            |message: String| StoreWarning::new(WarningKind::DataFolderProblem, message).about_file(&paths.dir);
        let instance_lock = match fs::create_dir_all(&paths.dir) {
            Err(error) => {
                warnings.push(folder_problem(format!(
                    "The data folder {} could not be created: {}. Nothing can be saved until that is fixed; pyxray keeps trying.",
                    paths.dir.display(),
                    describe_io_error(&error)
                )));
                InstanceLock::undetermined()
            }
            Ok(()) => InstanceLock::acquire(&paths.instance_lock_path()).unwrap_or_else(|error| {
                warnings.push(folder_problem(format!(
                    "The lock file {} could not be used ({}), so pyxray cannot tell whether another pyxray window uses the same data. Notes are still checked for changes before each save.",
                    paths.instance_lock_path().display(),
                    describe_io_error(&error)
                )));
                InstanceLock::undetermined()
            }),
        };
        match instance_lock.role {
            InstanceRole::Primary => {
                remove_stale_temp_files(&paths.dir, STALE_TEMP_FILE_AGE);
                remove_stale_temp_files(&paths.notes_dir(), STALE_TEMP_FILE_AGE);
            }
            InstanceRole::Secondary => {
                let message = format!(
                    "Another pyxray window is using the data folder {}. Both can stay open: before saving a note pyxray checks that it was not changed by the other window, and if it was, keeps both versions (yours as a .conflict file). Progress from both windows is combined; for settings the last change wins.",
                    paths.dir.display()
                );
                warnings.push(StoreWarning::new(WarningKind::SecondInstance, message));
            }
            InstanceRole::Undetermined => {}
        }
        Self {
            notes: NotesStore::new(&paths),
            progress: ProgressStore::open(&paths),
            settings: SettingsStore::open(&paths),
            paths,
            instance_lock,
            warnings,
        }
    }

    pub fn instance_role(&self) -> InstanceRole {
        self.instance_lock.role
    }

    /// Call every frame: saves what is due, retries failed saves. Nearly free when nothing
    /// changed.
    pub fn tick(&mut self, now: Instant) {
        self.notes.tick(now);
        self.progress.tick(now);
        self.settings.tick(now);
    }

    /// Saves everything now (on exit). Failures are also recorded as warnings.
    pub fn flush_all(&mut self) -> Result<(), Vec<StoreError>> {
        let mut errors = self.notes.flush_all().err().unwrap_or_default();
        errors.extend(self.progress.flush().err());
        errors.extend(self.settings.flush().err());
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.notes.has_unsaved_changes() || self.progress.has_unsaved_changes() || self.settings.has_unsaved_changes()
    }

    /// Everything to show the learner since the last call, oldest first within each part.
    pub fn drain_warnings(&mut self) -> Vec<StoreWarning> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(self.settings.drain_warnings());
        warnings.extend(self.progress.drain_warnings());
        warnings.extend(self.notes.drain_warnings());
        warnings
    }
}

/// A safety net for an exit path that forgot [`Store::flush_all`]; errors cannot be shown
/// any more at this point, so they are ignored.
impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.flush_all();
    }
}

#[cfg(test)]
mod tests {
    use super::super::paths::LessonId;
    use super::super::test_support::{names_in, temp_store};
    use super::*;

    #[test]
    fn open_creates_the_folder_and_flush_writes_everything() {
        let folder = tempfile::tempdir().unwrap();
        let paths = StorePaths::in_dir(folder.path().join("new").join("pyxray"));
        let mut store = Store::open(paths.clone());
        assert_eq!(store.instance_role(), InstanceRole::Primary);
        assert!(store.drain_warnings().is_empty());
        let lesson = LessonId::parse("intro").unwrap();
        let now = Instant::now();
        store.notes.set_text(&lesson, "my note", now);
        store.progress.update(now, |progress| progress.mark_visited(&lesson));
        store.settings.edit(now).zoom_factor = 1.5;
        assert!(store.has_unsaved_changes());
        store.flush_all().unwrap();
        assert!(!store.has_unsaved_changes());
        assert_eq!(names_in(&paths.dir), [".lock", ".write.lock", "notes", "progress.json", "settings.json"]);
    }

    #[test]
    fn tick_saves_all_parts_after_the_delay() {
        let (_guard, paths) = temp_store();
        let mut store = Store::open(paths.clone());
        let lesson = LessonId::parse("intro").unwrap();
        let start = Instant::now();
        store.notes.set_text(&lesson, "typed", start);
        store.progress.update(start, |progress| progress.mark_completed(&lesson));
        store.tick(start + Duration::from_millis(300));
        assert!(!paths.note_path(&lesson).exists());
        store.tick(start + Duration::from_secs(1));
        assert!(!store.has_unsaved_changes());
        assert_eq!(fs::read_to_string(paths.note_path(&lesson)).unwrap(), "typed");
        assert!(paths.progress_path().exists());
    }

    #[test]
    fn second_instance_is_told_and_first_is_primary() {
        let (_guard, paths) = temp_store();
        let first = Store::open(paths.clone());
        let mut second = Store::open(paths.clone());
        assert_eq!(first.instance_role(), InstanceRole::Primary);
        assert_eq!(second.instance_role(), InstanceRole::Secondary);
        let kinds: Vec<WarningKind> = second.drain_warnings().iter().map(|w| w.kind).collect();
        assert_eq!(kinds, [WarningKind::SecondInstance]);
    }

    #[test]
    fn dropping_the_store_saves_what_is_unsaved() {
        let (_guard, paths) = temp_store();
        let lesson = LessonId::parse("intro").unwrap();
        let mut store = Store::open(paths.clone());
        store.notes.set_text(&lesson, "last words", Instant::now());
        drop(store);
        assert_eq!(fs::read_to_string(paths.note_path(&lesson)).unwrap(), "last words");
    }

    #[test]
    fn a_file_in_place_of_the_data_folder_is_reported() {
        let folder = tempfile::tempdir().unwrap();
        let paths = StorePaths::in_dir(folder.path().join("pyxray"));
        fs::write(&paths.dir, b"oops").unwrap();
        let mut store = Store::open(paths);
        let warnings = store.drain_warnings();
        assert_eq!(warnings[0].kind, WarningKind::DataFolderProblem);
        assert!(warnings[0].message.contains("could not be created"), "{}", warnings[0].message);
    }
}
