//! The one way pyxray writes a file: temp file in the same folder, fsync, rename, fsync folder.
//!
//! `rename` within one folder atomically replaces the target, so readers (and a restart after
//! `kill -9`) see either the complete old or the complete new file. The fsync of the temp file
//! before the rename makes sure the new name never points at data still in the page cache only,
//! and the fsync of the folder makes the rename itself survive a power loss.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::error::StoreError;

/// Part of every temporary file name; see [`is_temp_file_name`].
const TEMP_MARKER: &str = ".tmp-";

/// Makes temp names unique among the writes of this process (the pid covers other processes).
static TEMP_FILE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Which step of an atomic write failed, and why.
#[derive(Debug)]
pub(crate) struct WriteFailure {
    pub step: String,
    pub source: io::Error,
}

impl WriteFailure {
    pub(crate) fn into_store_error(self, action: impl Into<String>, path: &Path) -> StoreError {
        StoreError::new(action, path, self.step, self.source)
    }
}

/// Writes `contents` to `target` atomically and durably. The parent folder must exist.
pub fn write_file_atomically(target: &Path, contents: &[u8]) -> Result<(), StoreError> {
    replace_file_atomically(target, contents)
        .map_err(|failure| failure.into_store_error(format!("write {}", display_name(target)), target))
}

pub(crate) fn replace_file_atomically(target: &Path, contents: &[u8]) -> Result<(), WriteFailure> {
    let folder = parent_folder(target);
    let temp_path = temp_path_for(target);
    let fail = |step: String| move |source| WriteFailure { step, source };

    let mut temp_file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp_path)
        .map_err(fail(format!("creating a temporary file in {}", folder.display())))?;
    // Keep permissions the learner may have set on the file (say, 0600 on a private note).
    if let Ok(existing) = fs::metadata(target) {
        let _ = temp_file.set_permissions(existing.permissions());
    }
    let written = temp_file
        .write_all(contents)
        .map_err(fail("writing the temporary file".to_owned()))
        .and_then(|()| temp_file.sync_all().map_err(fail("flushing the temporary file to disk".to_owned())));
    drop(temp_file);
    if let Err(failure) = written {
        remove_leftover(&temp_path);
        return Err(failure);
    }
    if let Err(source) = fs::rename(&temp_path, target) {
        remove_leftover(&temp_path);
        return Err(WriteFailure { step: "replacing the old file with the new one".to_owned(), source });
    }
    match File::open(folder).and_then(|folder_handle| folder_handle.sync_all()) {
        // Some file systems cannot fsync a folder; the rename is then as durable as they allow,
        // and calling it a failure would retry the save forever.
        Err(error) if matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOTSUP)) => Ok(()),
        result => result.map_err(fail(format!("flushing the folder {} to disk", folder.display()))),
    }
}

/// A hidden name next to the target, recognisable by [`is_temp_file_name`], so no reader ever
/// mistakes a half-written temp file for a note or a settings file.
fn temp_path_for(target: &Path) -> PathBuf {
    let counter = TEMP_FILE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!(".{}{TEMP_MARKER}{}-{counter}", display_name(target), std::process::id());
    parent_folder(target).join(name)
}

pub(crate) fn is_temp_file_name(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.contains(TEMP_MARKER)
}

fn parent_folder(target: &Path) -> &Path {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

pub(crate) fn display_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Best effort: a leftover temp file is harmless (never read as data), only untidy.
fn remove_leftover(temp_path: &Path) {
    let _ = fs::remove_file(temp_path);
}

/// Deletes temp files a killed process left behind. Only files older than `min_age` go, so a
/// write in progress in another pyxray window is never disturbed.
pub(crate) fn remove_stale_temp_files(folder: &Path, min_age: Duration) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let is_temp = entry.file_name().to_str().is_some_and(is_temp_file_name);
        let is_old = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .is_ok_and(|modified| now.duration_since(modified).is_ok_and(|age| age >= min_age));
        if is_temp && is_old {
            remove_leftover(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temp_file() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("note.md");
        write_file_atomically(&target, b"first").unwrap();
        write_file_atomically(&target, b"second, longer").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second, longer");
        assert_eq!(names_in(folder.path()), ["note.md"]);
    }

    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("note.md");
        write_file_atomically(&target, b"first").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        write_file_atomically(&target, b"second").unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn failure_names_the_step_and_keeps_the_old_file() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("note.md");
        write_file_atomically(&target, b"old").unwrap();
        // A folder in place of the target makes the final rename fail, even for root.
        let blocked = folder.path().join("blocked.md");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), b"x").unwrap();
        let error = write_file_atomically(&blocked, b"new").unwrap_err();
        assert!(error.step.contains("replacing"), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(names_in(folder.path()), ["blocked.md", "note.md"]);
    }

    #[test]
    fn missing_folder_is_reported_at_temp_file_creation() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("absent").join("note.md");
        let error = write_file_atomically(&target, b"x").unwrap_err();
        assert!(error.step.contains("creating a temporary file"), "{error}");
    }

    #[test]
    fn temp_names_are_hidden_and_recognisable() {
        let temp = temp_path_for(Path::new("/data/notes/intro.md"));
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert!(is_temp_file_name(name), "{name}");
        assert!(!is_temp_file_name("intro.md"));
        assert_eq!(temp.parent(), Some(Path::new("/data/notes")));
    }

    #[test]
    fn stale_temp_files_are_removed_but_data_is_not() {
        let folder = tempfile::tempdir().unwrap();
        fs::write(folder.path().join(".intro.md.tmp-1-1"), b"partial").unwrap();
        fs::write(folder.path().join("intro.md"), b"note").unwrap();
        remove_stale_temp_files(folder.path(), Duration::from_secs(3600));
        assert_eq!(names_in(folder.path()).len(), 2, "a fresh temp file must stay");
        remove_stale_temp_files(folder.path(), Duration::ZERO);
        assert_eq!(names_in(folder.path()), ["intro.md"]);
    }
}
