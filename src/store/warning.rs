//! Things the learner should know about, collected for the UI to show (and then drain).

use std::fmt;
use std::path::PathBuf;

use super::paths::LessonId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// A damaged or unreadable file was renamed to `<name>.corrupt-<timestamp>`; defaults are used.
    CorruptFileSetAside,
    /// A file from a newer pyxray was loaded read-only, or set aside when this build cannot read it.
    NewerSchemaVersion,
    /// A value was out of its allowed range and was clamped or reset.
    ValueAdjusted,
    /// Saving failed; the data is kept in memory and saving is retried.
    SaveFailed,
    /// A save that had failed earlier has now succeeded.
    SaveRecovered,
    /// A note changed on disk since this window read it; this window's text went to a conflict file.
    NoteConflict,
    /// Another pyxray instance is using the same data folder.
    SecondInstance,
    /// The data folder or its lock file could not be used.
    DataFolderProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreWarning {
    pub kind: WarningKind,
    /// A complete sentence for the learner: what happened, and where any moved file went.
    pub message: String,
    /// The file the warning is about.
    pub path: Option<PathBuf>,
    /// The lesson whose note the warning is about. After a [`WarningKind::NoteConflict`], the
    /// note's text in memory was replaced by the version on disk: show it again.
    pub lesson: Option<LessonId>,
}

impl StoreWarning {
    pub(crate) fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), path: None, lesson: None }
    }

    pub(crate) fn about_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub(crate) fn about_lesson(mut self, lesson: &LessonId) -> Self {
        self.lesson = Some(lesson.clone());
        self
    }
}

impl fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
