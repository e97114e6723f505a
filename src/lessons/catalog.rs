//! The set of lessons the app offers: the ones compiled into the binary, or a teacher's folder.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use super::error::LessonError;
use super::model::Lesson;
use super::parse::parse_lesson;

include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));

/// Lesson files larger than this are refused rather than parsed: no real lesson comes close, and a
/// folder picked by mistake may hold anything.
pub const MAX_LESSON_BYTES: usize = 2 * 1024 * 1024;

/// Loaded lessons, sorted by `order` then `id`, and the files that could not be loaded.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub lessons: Vec<Lesson>,
    pub errors: Vec<LessonError>,
}

impl Catalog {
    /// The lessons shipped inside the binary.
    pub fn embedded() -> Self {
        Self::from_sources(EMBEDDED_LESSONS.iter().copied())
    }

    /// Parses `(file name, text)` pairs; files that fail become entries in `errors`.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut catalog = Self::default();
        for (name, text) in sources {
            if text.len() > MAX_LESSON_BYTES {
                catalog.errors.push(too_large(name, text.len()));
                continue;
            }
            catalog.add_parsed(parse_lesson(name, text));
        }
        catalog.finish()
    }

    /// Loads every `*.md` file of a teacher's lesson folder (not its subfolders).
    pub fn load_dir(dir: &Path) -> Self {
        let mut catalog = Self::default();
        let folder_name = dir.display().to_string();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                let message = format!("cannot read the lesson folder: {err}");
                catalog.errors.push(LessonError::whole_file(&folder_name, message));
                return catalog;
            }
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("md")) && path.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            let message = "the folder has no lesson files (*.md)";
            catalog.errors.push(LessonError::whole_file(&folder_name, message));
        }
        for path in paths {
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            match read_lesson_text(&path, &name) {
                Ok(text) => catalog.add_parsed(parse_lesson(&name, &text)),
                Err(error) => catalog.errors.push(error),
            }
        }
        catalog.finish()
    }

    /// The lesson with this id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|lesson| lesson.id == id)
    }

    fn add_parsed(&mut self, parsed: Result<Lesson, LessonError>) {
        match parsed {
            Ok(lesson) => self.lessons.push(lesson),
            Err(error) => self.errors.push(error),
        }
    }

    /// Drops lessons whose id an earlier file already uses (ids key notes and progress, so they must be
    /// unique), then sorts.
    fn finish(mut self) -> Self {
        let mut first_file_of_id: HashMap<String, String> = HashMap::new();
        let mut unique = Vec::with_capacity(self.lessons.len());
        for lesson in std::mem::take(&mut self.lessons) {
            if let Some(first_file) = first_file_of_id.get(&lesson.id) {
                self.errors.push(LessonError::at_line(
                    &lesson.source_name,
                    lesson.id_line,
                    format!("duplicate lesson id `{}`: {first_file} already uses it", lesson.id),
                ));
                continue;
            }
            first_file_of_id.insert(lesson.id.clone(), lesson.source_name.clone());
            unique.push(lesson);
        }
        unique.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        self.lessons = unique;
        self
    }
}

fn too_large(name: &str, bytes: usize) -> LessonError {
    LessonError::whole_file(
        name,
        format!(
            "the file is {:.1} MB; lesson files over {} MB are not loaded",
            bytes as f64 / (1024.0 * 1024.0),
            MAX_LESSON_BYTES / (1024 * 1024)
        ),
    )
}

/// Reads a lesson file, refusing files that are too large or not UTF-8.
fn read_lesson_text(path: &Path, name: &str) -> Result<String, LessonError> {
    let cannot_read = |err: std::io::Error| LessonError::whole_file(name, format!("cannot read the file: {err}"));
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so a file that grows after a metadata check is still caught.
    let limit = u64::try_from(MAX_LESSON_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() > MAX_LESSON_BYTES {
        let size =
            std::fs::metadata(path).map_or(bytes.len(), |meta| usize::try_from(meta.len()).unwrap_or(usize::MAX));
        return Err(too_large(name, size));
    }
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.as_bytes().get(..err.utf8_error().valid_up_to()).unwrap_or_default();
        let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
        LessonError::at_line(
            name,
            u32::try_from(line).unwrap_or(u32::MAX),
            "the file is not UTF-8 text (save it as UTF-8)",
        )
    })
}
