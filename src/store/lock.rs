//! Advisory `flock` locks: one held for life by the primary instance, one held briefly per save.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::thread;
use std::time::Duration;

/// How this process relates to other pyxray processes using the same data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceRole {
    /// This process holds `<dir>/.lock`.
    Primary,
    /// Another process holds `<dir>/.lock`.
    Secondary,
    /// The lock file could not be opened, so other instances cannot be detected.
    Undetermined,
}

/// Keeps `<dir>/.lock` locked while alive; the kernel releases it when the process dies, so a
/// crash never leaves a stale lock behind.
#[derive(Debug)]
pub(crate) struct InstanceLock {
    _locked_file: Option<File>,
    pub role: InstanceRole,
}

impl InstanceLock {
    pub(crate) fn acquire(lock_path: &Path) -> Result<Self, io::Error> {
        let file = open_lock_file(lock_path)?;
        if try_lock_exclusive(&file)? {
            Ok(Self { _locked_file: Some(file), role: InstanceRole::Primary })
        } else {
            Ok(Self { _locked_file: None, role: InstanceRole::Secondary })
        }
    }

    pub(crate) fn undetermined() -> Self {
        Self { _locked_file: None, role: InstanceRole::Undetermined }
    }
}

/// Held during one compare-and-write, so two instances cannot both decide "the file is as I
/// last saw it" and then both write.
#[derive(Debug)]
pub(crate) struct WriteLock {
    _locked_file: Option<File>,
}

/// How long a save waits for another instance's save (which takes milliseconds) before giving
/// up; the caller then retries on a later tick instead of freezing the UI.
const WRITE_LOCK_ATTEMPTS: u32 = 50;
const WRITE_LOCK_PAUSE: Duration = Duration::from_millis(2);

/// Locks `lock_path`. If the lock file cannot even be opened (say, a read-only folder), the
/// write goes ahead unlocked: it will then fail with the real, more useful error, or, if the
/// target is writable after all, still be protected by the compare step.
pub(crate) fn lock_for_writing(lock_path: &Path) -> io::Result<WriteLock> {
    let Ok(file) = open_lock_file(lock_path) else {
        return Ok(WriteLock { _locked_file: None });
    };
    for _ in 0..WRITE_LOCK_ATTEMPTS {
        if try_lock_exclusive(&file)? {
            return Ok(WriteLock { _locked_file: Some(file) });
        }
        thread::sleep(WRITE_LOCK_PAUSE);
    }
    Err(io::Error::new(io::ErrorKind::WouldBlock, format!("{} is held by another pyxray window", lock_path.display())))
}

/// Creates the lock file if needed; an existing one only needs to be opened for reading, which
/// `flock` accepts.
fn open_lock_file(lock_path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path)
        .or_else(|_| File::open(lock_path))
}

/// `Ok(false)` when another open file description holds the lock.
fn try_lock_exclusive(file: &File) -> io::Result<bool> {
    loop {
        // SAFETY: flock only reads the descriptor number; `file` keeps the descriptor open for
        // the duration of the call.
        let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if result == 0 {
            return Ok(true);
        }
        let error = io::Error::last_os_error();
        match error.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => return Ok(false),
            _ => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_instance_is_primary_until_it_exits() {
        let folder = tempfile::tempdir().unwrap();
        let lock_path = folder.path().join(".lock");
        let first = InstanceLock::acquire(&lock_path).unwrap();
        let second = InstanceLock::acquire(&lock_path).unwrap();
        assert_eq!(first.role, InstanceRole::Primary);
        assert_eq!(second.role, InstanceRole::Secondary);
        drop(first);
        let third = InstanceLock::acquire(&lock_path).unwrap();
        assert_eq!(third.role, InstanceRole::Primary);
    }

    #[test]
    fn write_lock_waits_then_reports_a_busy_lock() {
        let folder = tempfile::tempdir().unwrap();
        let lock_path = folder.path().join(".write.lock");
        let held = lock_for_writing(&lock_path).unwrap();
        let error = lock_for_writing(&lock_path).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);
        drop(held);
        assert!(lock_for_writing(&lock_path).is_ok());
    }
}
