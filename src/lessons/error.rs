//! The error a lesson file produces when it cannot be loaded.

use std::fmt;

/// Why one lesson file could not be loaded, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonError {
    /// The file's name (or, for a folder that cannot be read, the folder's path).
    pub file: String,
    /// The 1-based line the problem is on; `None` when it concerns the whole file.
    pub line: Option<u32>,
    /// What is wrong, for a teacher to read, e.g. "a `check` block must follow an `exercise` block".
    pub message: String,
}

impl LessonError {
    pub fn at_line(file: &str, line: u32, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: Some(line), message: message.into() }
    }

    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: None, message: message.into() }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: line {line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LessonError {}
