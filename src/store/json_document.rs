//! One JSON file kept in memory, loaded defensively and saved with autosave, retry and
//! compare-before-write. `ProgressStore` and `SettingsStore` are this type.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::atomic_write::replace_file_atomically;
use super::autosave::AutosaveState;
use super::disk::{DiskSnapshot, read_snapshot, set_aside};
use super::error::{StoreError, describe_io_error};
use super::lock::lock_for_writing;
use super::paths::StorePaths;
use super::versioned::{Decoded, VersionedJson, decode, encode};
use super::warning::{StoreWarning, WarningKind};

pub struct JsonDocument<T> {
    path: PathBuf,
    write_lock_path: PathBuf,
    value: T,
    /// What the file held when last loaded or saved; see [`DiskSnapshot`].
    on_disk: DiskSnapshot,
    /// Set when saving would destroy something: a file from a newer pyxray, or a damaged file
    /// that could not be moved aside.
    read_only_reason: Option<String>,
    autosave: AutosaveState,
    warnings: Vec<StoreWarning>,
}

impl<T: VersionedJson> JsonDocument<T> {
    /// Loads `<dir>/<T::FILE_NAME>`. Never fails: problems become defaults plus a warning.
    pub fn open(paths: &StorePaths) -> Self {
        let mut document = Self {
            path: paths.dir.join(T::FILE_NAME),
            write_lock_path: paths.write_lock_path(),
            value: T::default(),
            on_disk: DiskSnapshot::Absent,
            read_only_reason: None,
            autosave: AutosaveState::default(),
            warnings: Vec::new(),
        };
        document.load();
        document
    }

    pub fn get(&self) -> &T {
        &self.value
    }

    /// Mutable access; the document counts as changed and is saved by a later `tick`.
    pub fn edit(&mut self, now: Instant) -> &mut T {
        self.autosave.mark_changed(now);
        &mut self.value
    }

    /// Runs `change`, which returns whether it changed anything; only then is the document
    /// marked for saving. Cheap enough to call every frame (e.g. for the scroll position).
    pub fn update(&mut self, now: Instant, change: impl FnOnce(&mut T) -> bool) -> bool {
        let changed = change(&mut self.value);
        if changed {
            self.autosave.mark_changed(now);
        }
        changed
    }

    /// Saves if a change is due (see [`AUTOSAVE_DELAY`](super::AUTOSAVE_DELAY)); nearly free
    /// when nothing changed. Failures are recorded as warnings and retried later.
    pub fn tick(&mut self, now: Instant) {
        if self.autosave.is_due(now) {
            let _ = self.save_and_record(now);
        }
    }

    /// Saves any change now. A read-only document (see [`Self::read_only_reason`]) is not
    /// written and this returns `Ok`: the warning was given when it became read-only.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        if !self.autosave.is_dirty() {
            return Ok(());
        }
        self.save_and_record(Instant::now())
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.autosave.is_dirty() && self.read_only_reason.is_none()
    }

    /// Why changes to this document are not being saved in this session, if they are not.
    pub fn read_only_reason(&self) -> Option<&str> {
        self.read_only_reason.as_deref()
    }

    /// The message of the save failure that is currently being retried, if any.
    pub fn save_problem(&self) -> Option<&str> {
        self.autosave.failure_message()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn drain_warnings(&mut self) -> Vec<StoreWarning> {
        std::mem::take(&mut self.warnings)
    }

    fn warn(&mut self, kind: WarningKind, message: String) {
        let warning = StoreWarning::new(kind, message).about_file(&self.path);
        self.warnings.push(warning);
    }

    fn load(&mut self) {
        let bytes = match read_snapshot(&self.path) {
            Ok(DiskSnapshot::Bytes(bytes)) => bytes,
            Ok(_) => return,
            Err(error) => {
                let reason = format!("it could not be read: {}", describe_io_error(&error));
                self.set_aside_unusable("corrupt", WarningKind::CorruptFileSetAside, &reason);
                return;
            }
        };
        match decode::<T>(&bytes) {
            Decoded::Valid { value, adjustments, .. } => {
                // An upgraded file is rewritten in the current version by the next save.
                self.value = value;
                self.on_disk = DiskSnapshot::Bytes(bytes);
                if !adjustments.is_empty() {
                    // Save the corrected values, so the warning is not repeated at every start.
                    self.autosave.mark_changed(Instant::now());
                }
                for adjustment in adjustments {
                    let message = format!("In {}: {adjustment}.", self.path.display());
                    self.warn(WarningKind::ValueAdjusted, message);
                }
            }
            Decoded::Newer { version, readable: Some(value) } => {
                self.value = value;
                self.on_disk = DiskSnapshot::Bytes(bytes);
                self.become_read_only(version);
            }
            Decoded::Newer { version, readable: None } => {
                let reason = format!(
                    "it was written by a newer pyxray (schema version {version}) in a form this version cannot read"
                );
                let label = format!("newer-v{version}");
                self.set_aside_unusable(&label, WarningKind::NewerSchemaVersion, &reason);
            }
            Decoded::Corrupt { reason } => {
                self.set_aside_unusable("corrupt", WarningKind::CorruptFileSetAside, &reason);
            }
        }
    }

    fn become_read_only(&mut self, version: u64) {
        let reason = format!(
            "{} was written by a newer pyxray (schema version {version}; this version understands up to {})",
            self.path.display(),
            T::SCHEMA_VERSION
        );
        let message = format!(
            "{reason}. It was loaded read-only: changes to your {} in this window will not be saved, so the newer file stays intact. Update pyxray to save again.",
            T::DESCRIPTION
        );
        self.read_only_reason = Some(reason);
        self.autosave.discard();
        self.warn(WarningKind::NewerSchemaVersion, message);
    }

    /// Renames the file to `<name>.<label>-<timestamp>` and starts from defaults; if even the
    /// rename fails, uses defaults read-only so the file is never overwritten.
    fn set_aside_unusable(&mut self, label: &str, kind: WarningKind, reason: &str) {
        let shown_path = self.path.display().to_string();
        self.value = T::default();
        match set_aside(&self.path, label) {
            Ok(new_path) => {
                self.on_disk = DiskSnapshot::Absent;
                let message = format!(
                    "{shown_path} could not be used: {reason}. It was renamed to {} (nothing was deleted), and pyxray started with fresh {}.",
                    new_path.display(),
                    T::DESCRIPTION
                );
                self.warn(kind, message);
            }
            Err(error) => {
                self.on_disk = DiskSnapshot::Unknown;
                self.read_only_reason = Some(format!("{shown_path} could not be used: {reason}"));
                let message = format!(
                    "{shown_path} could not be used: {reason}. It could not be renamed out of the way either ({}), so pyxray uses fresh {} for this session and will not overwrite the file.",
                    describe_io_error(&error),
                    T::DESCRIPTION
                );
                self.warn(kind, message);
            }
        }
    }

    fn save_and_record(&mut self, now: Instant) -> Result<(), StoreError> {
        if self.read_only_reason.is_some() {
            self.autosave.discard();
            return Ok(());
        }
        match self.save_now() {
            Ok(()) if self.read_only_reason.is_some() => {
                self.autosave.discard();
                Ok(())
            }
            Ok(()) => {
                if self.autosave.record_success() {
                    let message =
                        format!("{} was saved after all; the earlier problem is solved.", self.path.display());
                    self.warn(WarningKind::SaveRecovered, message);
                }
                Ok(())
            }
            Err(error) => {
                if self.autosave.record_failure(now, error.to_string()) {
                    let message = format!(
                        "{error}. The changes to your {} are kept in memory and pyxray keeps trying to save them.",
                        T::DESCRIPTION
                    );
                    self.warn(WarningKind::SaveFailed, message);
                }
                Err(error)
            }
        }
    }

    /// Compare-and-write under the write lock: a version saved meanwhile by another window is
    /// absorbed first (see [`VersionedJson::absorb_concurrent_change`]), a newer-schema one
    /// makes this document read-only, a damaged one is set aside.
    fn save_now(&mut self) -> Result<(), StoreError> {
        let action = format!("save your {}", T::DESCRIPTION);
        let path = self.path.clone();
        let failed = |step: &str| {
            let (action, path, step) = (action.clone(), path.clone(), step.to_owned());
            move |source: io::Error| StoreError::new(action, path, step, source)
        };
        if let Some(folder) = self.path.parent() {
            let step = format!("creating the folder {}", folder.display());
            fs::create_dir_all(folder).map_err(failed(&step))?;
        }
        let _write_lock = lock_for_writing(&self.write_lock_path)
            .map_err(failed("waiting for another pyxray window to finish saving"))?;
        let current = read_snapshot(&self.path).map_err(failed("checking whether another window changed the file"))?;
        if !self.on_disk.unchanged_in(&current)
            && let DiskSnapshot::Bytes(bytes) = &current
        {
            match decode::<T>(bytes) {
                Decoded::Valid { value, .. } => self.value.absorb_concurrent_change(value),
                Decoded::Newer { version, .. } => {
                    self.become_read_only(version);
                    return Ok(());
                }
                Decoded::Corrupt { reason } => {
                    let moved_to =
                        set_aside(&self.path, "corrupt").map_err(failed("moving the damaged file on disk aside"))?;
                    let message = format!(
                        "{} was damaged on disk ({reason}). It was renamed to {} and replaced by the {} of this window.",
                        self.path.display(),
                        moved_to.display(),
                        T::DESCRIPTION
                    );
                    self.warn(WarningKind::CorruptFileSetAside, message);
                }
            }
        }
        self.value.sanitize();
        let bytes = encode(&self.value)
            .map_err(|error| failed("converting to JSON")(io::Error::new(io::ErrorKind::InvalidData, error)))?;
        replace_file_atomically(&self.path, &bytes)
            .map_err(|failure| failure.into_store_error(action.clone(), &self.path))?;
        self.on_disk = DiskSnapshot::Bytes(bytes);
        Ok(())
    }
}

#[cfg(test)]
#[path = "json_document_tests.rs"]
mod tests;
