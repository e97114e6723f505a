//! Errors that say what pyxray was doing, on which file, and why the system refused.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// A failed file operation, phrased for the learner, e.g.
/// "Could not save note 'intro' (/home/a/.config/pyxray/notes/intro.md) while writing the
/// temporary file: the disk is full (No space left on device (os error 28))".
#[derive(Debug)]
pub struct StoreError {
    /// What pyxray tried to do, e.g. "save note 'intro'".
    pub action: String,
    pub path: PathBuf,
    /// The step that failed, e.g. "writing the temporary file".
    pub step: String,
    pub source: io::Error,
}

impl StoreError {
    pub(crate) fn new(
        action: impl Into<String>,
        path: impl Into<PathBuf>,
        step: impl Into<String>,
        source: io::Error,
    ) -> Self {
        Self { action: action.into(), path: path.into(), step: step.into(), source }
    }

    /// Why the operation failed, in words: "the disk is full (...)".
    pub fn cause(&self) -> String {
        describe_io_error(&self.source)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Could not {} ({}) while {}: {}", self.action, self.path.display(), self.step, self.cause())
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A plain-words reason followed by the system's own message, which users can search for.
pub(crate) fn describe_io_error(error: &io::Error) -> String {
    let reason = match error.raw_os_error() {
        Some(libc::ENOSPC) => Some("the disk is full"),
        Some(libc::EDQUOT) => Some("your disk quota is used up"),
        Some(libc::EROFS) => Some("the file system is mounted read-only"),
        Some(libc::EACCES | libc::EPERM) => {
            Some("permission denied: the folder or file is not writable (or readable) by you")
        }
        Some(libc::ENOTDIR) => Some("part of the path that should be a folder is a file"),
        Some(libc::EISDIR) => Some("there is a folder where a file should be"),
        Some(libc::EEXIST) => Some("a file with that name is in the way"),
        Some(libc::ENOENT) => Some("the folder or file does not exist"),
        Some(libc::EIO) => Some("the disk reported an input/output error"),
        _ => match error.kind() {
            io::ErrorKind::WouldBlock => Some("another pyxray window is saving at this moment"),
            io::ErrorKind::InvalidData => Some("the content is not what pyxray expected"),
            _ => None,
        },
    };
    match reason {
        Some(reason) => format!("{reason} ({error})"),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_common_write_failures() {
        let cases = [
            (libc::ENOSPC, "the disk is full"),
            (libc::EDQUOT, "disk quota"),
            (libc::EROFS, "read-only"),
            (libc::EACCES, "permission denied"),
            (libc::ENOTDIR, "should be a folder is a file"),
        ];
        for (errno, expected) in cases {
            let text = describe_io_error(&io::Error::from_raw_os_error(errno));
            assert!(text.contains(expected), "{text}");
        }
    }

    #[test]
    fn message_names_action_path_step_and_cause() {
        let error = StoreError::new(
            "save note 'intro'",
            "/data/notes/intro.md",
            "writing the temporary file",
            io::Error::from_raw_os_error(libc::ENOSPC),
        );
        let text = error.to_string();
        for part in [
            "save note 'intro'",
            "/data/notes/intro.md",
            "writing the temporary file",
            "the disk is full",
            "No space left on device",
        ] {
            assert!(text.contains(part), "{text}");
        }
    }
}
