//! Helpers shared by the store's tests.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::paths::StorePaths;

/// A fresh data folder that is deleted when the returned guard is dropped.
pub(crate) fn temp_store() -> (tempfile::TempDir, StorePaths) {
    let folder = tempfile::tempdir().unwrap();
    let paths = StorePaths::in_dir(folder.path().join("data"));
    fs::create_dir_all(&paths.dir).unwrap();
    (folder, paths)
}

/// Sorted names of the entries of `folder`.
pub(crate) fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The one name in `folder` starting with `prefix`; panics unless there is exactly one.
pub(crate) fn single_name_starting_with(folder: &Path, prefix: &str) -> String {
    let matching: Vec<String> = names_in(folder).into_iter().filter(|name| name.starts_with(prefix)).collect();
    assert_eq!(matching.len(), 1, "expected one {prefix}* in {matching:?}");
    matching[0].clone()
}

/// Makes `folder` read-only (0555) and reports whether that actually stops this process from
/// creating files in it. It does not for root (CAP_DAC_OVERRIDE), which is how these tests run
/// in CI containers; callers then provoke the failure another way.
pub(crate) fn make_read_only_if_that_blocks_writes(folder: &Path) -> bool {
    fs::set_permissions(folder, fs::Permissions::from_mode(0o555)).unwrap();
    let probe = folder.join("write-probe");
    match fs::write(&probe, b"probe") {
        Ok(()) => {
            fs::remove_file(&probe).unwrap();
            fs::set_permissions(folder, fs::Permissions::from_mode(0o755)).unwrap();
            false
        }
        Err(_) => true,
    }
}

pub(crate) fn make_writable(folder: &Path) {
    fs::set_permissions(folder, fs::Permissions::from_mode(0o755)).unwrap();
}
