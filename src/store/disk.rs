//! Reading what is on disk, remembering it, and moving damaged files out of the way.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::atomic_write::display_name;
use super::timestamp::utc_timestamp;

/// What this process last saw in a file (after loading or saving it). Before overwriting, the
/// file is read again and compared with this, so a change made elsewhere is never clobbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DiskSnapshot {
    Absent,
    Bytes(Vec<u8>),
    /// The file could not be read; nothing on disk can be assumed safe to overwrite.
    Unknown,
}

impl DiskSnapshot {
    /// Whether `current` (freshly read) is exactly what was seen before.
    pub(crate) fn unchanged_in(&self, current: &DiskSnapshot) -> bool {
        match (self, current) {
            (Self::Unknown, _) | (_, Self::Unknown) => false,
            (seen, current) => seen == current,
        }
    }

    pub(crate) fn holds(&self, contents: &[u8]) -> bool {
        matches!(self, Self::Bytes(bytes) if bytes == contents)
    }
}

/// The file's current content; a missing file is not an error.
pub(crate) fn read_snapshot(path: &Path) -> io::Result<DiskSnapshot> {
    match fs::read(path) {
        Ok(bytes) => Ok(DiskSnapshot::Bytes(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(DiskSnapshot::Absent),
        Err(error) => Err(error),
    }
}

/// Renames `path` to `<name>.<label>-<UTC timestamp>` next to it (never deleting anything) and
/// returns the new path.
pub(crate) fn set_aside(path: &Path, label: &str) -> io::Result<PathBuf> {
    let stamp = utc_timestamp(SystemTime::now());
    let name = display_name(path);
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let new_path = unused_path(folder, |suffix| format!("{name}.{label}-{stamp}{suffix}"));
    fs::rename(path, &new_path)?;
    Ok(new_path)
}

/// The first of `name("")`, `name("-2")`, `name("-3")`, ... that does not exist yet in `folder`,
/// so two set-aside or conflict files from the same second do not overwrite each other.
pub(crate) fn unused_path(folder: &Path, name: impl Fn(&str) -> String) -> PathBuf {
    let mut candidate = folder.join(name(""));
    let mut number = 2u32;
    while candidate.symlink_metadata().is_ok() {
        candidate = folder.join(name(&format!("-{number}")));
        number += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_never_matches() {
        let unknown = DiskSnapshot::Unknown;
        assert!(!unknown.unchanged_in(&DiskSnapshot::Unknown));
        assert!(!unknown.unchanged_in(&DiskSnapshot::Absent));
        assert!(DiskSnapshot::Absent.unchanged_in(&DiskSnapshot::Absent));
        let seen = DiskSnapshot::Bytes(b"a".to_vec());
        assert!(seen.unchanged_in(&DiskSnapshot::Bytes(b"a".to_vec())));
        assert!(!seen.unchanged_in(&DiskSnapshot::Bytes(b"b".to_vec())));
    }

    #[test]
    fn set_aside_keeps_every_copy() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("progress.json");
        fs::write(&path, b"one").unwrap();
        let first = set_aside(&path, "corrupt").unwrap();
        fs::write(&path, b"two").unwrap();
        let second = set_aside(&path, "corrupt").unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"one");
        assert_eq!(fs::read(&second).unwrap(), b"two");
        assert!(!path.exists());
        let first_name = display_name(&first);
        assert!(first_name.starts_with("progress.json.corrupt-") && first_name.ends_with('Z'), "{first_name}");
    }

    #[test]
    fn missing_file_reads_as_absent() {
        let folder = tempfile::tempdir().unwrap();
        let snapshot = read_snapshot(&folder.path().join("nothing")).unwrap();
        assert_eq!(snapshot, DiskSnapshot::Absent);
    }
}
