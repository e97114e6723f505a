//! Where pyxray keeps its files, and the lesson ids that name note files.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Longest accepted lesson id: keeps note and conflict file names far below file system limits.
const MAX_LESSON_ID_LEN: usize = 100;

/// A validated lesson id: 1 to 100 characters from `a-z`, `0-9` and `-`.
///
/// Because only these characters are allowed, an id can never name a path outside the notes
/// folder (`..`, `/`, `\` and `.` are all rejected), so building a file name from it is safe.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LessonId(String);

/// The error for a string that is not a valid [`LessonId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLessonId {
    pub given: String,
}

impl fmt::Display for InvalidLessonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a valid lesson id: use 1 to {MAX_LESSON_ID_LEN} characters from a-z, 0-9 and '-'",
            self.given
        )
    }
}

impl std::error::Error for InvalidLessonId {}

impl LessonId {
    pub fn parse(id: &str) -> Result<Self, InvalidLessonId> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if id.is_empty() || id.len() > MAX_LESSON_ID_LEN || !id.chars().all(allowed) {
            return Err(InvalidLessonId { given: id.to_owned() });
        }
        Ok(Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LessonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LessonId {
    type Error = InvalidLessonId;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::parse(&id)
    }
}

impl From<LessonId> for String {
    fn from(id: LessonId) -> Self {
        id.0
    }
}

/// The data folder and the files in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub dir: PathBuf,
}

impl StorePaths {
    /// The per-user configuration folder (`~/.config/pyxray` on Linux); `None` when the system
    /// reports no home folder.
    pub fn default_location() -> Option<Self> {
        directories::ProjectDirs::from("", "", "pyxray").map(|dirs| Self { dir: dirs.config_dir().to_path_buf() })
    }

    /// An explicit folder: the app's `--data-dir DIR` option, and tests.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `--data-dir` when given, otherwise the default location.
    pub fn from_data_dir_option(data_dir: Option<PathBuf>) -> Option<Self> {
        match data_dir {
            Some(dir) => Some(Self::in_dir(dir)),
            None => Self::default_location(),
        }
    }

    pub fn notes_dir(&self) -> PathBuf {
        self.dir.join("notes")
    }

    pub fn note_path(&self, lesson: &LessonId) -> PathBuf {
        self.notes_dir().join(format!("{lesson}.md"))
    }

    pub fn progress_path(&self) -> PathBuf {
        self.dir.join("progress.json")
    }

    pub fn settings_path(&self) -> PathBuf {
        self.dir.join("settings.json")
    }

    /// Held (flock) for its whole life by the primary pyxray instance.
    pub(crate) fn instance_lock_path(&self) -> PathBuf {
        self.dir.join(".lock")
    }

    /// Held (flock) by any instance for the few milliseconds of a compare-and-write.
    pub(crate) fn write_lock_path(&self) -> PathBuf {
        self.dir.join(".write.lock")
    }
}

/// The lesson a note file belongs to, or `None` for any other file in the notes folder
/// (conflict copies, set-aside files, temporary files).
pub(crate) fn lesson_of_note_file(file_name: &str) -> Option<LessonId> {
    let stem = file_name.strip_suffix(".md")?;
    LessonId::parse(stem).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_digits_and_dashes() {
        for id in ["intro", "names-and-references", "a1", "0", "-"] {
            assert_eq!(LessonId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn rejects_anything_that_could_escape_the_notes_folder() {
        let too_long = "a".repeat(MAX_LESSON_ID_LEN + 1);
        for id in ["", "..", "../x", "a/b", "a\\b", "a.b", "A", " a", "é", "a\0", &too_long] {
            assert!(LessonId::parse(id).is_err(), "{id:?} was accepted");
        }
    }

    #[test]
    fn deserializing_validates_the_id() {
        assert!(serde_json::from_str::<LessonId>("\"../etc\"").is_err());
        let id: LessonId = serde_json::from_str("\"intro\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"intro\"");
    }

    #[test]
    fn files_live_in_the_data_folder() {
        let paths = StorePaths::in_dir("/data");
        let lesson = LessonId::parse("intro").unwrap();
        assert_eq!(paths.note_path(&lesson), PathBuf::from("/data/notes/intro.md"));
        assert_eq!(paths.progress_path(), PathBuf::from("/data/progress.json"));
        assert_eq!(paths.settings_path(), PathBuf::from("/data/settings.json"));
        assert_eq!(StorePaths::from_data_dir_option(Some("/x".into())), Some(StorePaths::in_dir("/x")));
    }

    #[test]
    fn only_plain_note_files_belong_to_lessons() {
        assert_eq!(lesson_of_note_file("intro.md"), Some(LessonId::parse("intro").unwrap()));
        for name in [
            "intro.conflict-20250101T000000Z.md",
            "intro.md.corrupt-20250101T000000Z",
            ".intro.md.tmp-12-3",
            "Intro.md",
            "intro.txt",
        ] {
            assert_eq!(lesson_of_note_file(name), None, "{name}");
        }
    }
}
