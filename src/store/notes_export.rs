//! All notes as one Markdown document, one `# <lesson title>` section per lesson.

use std::collections::BTreeSet;
use std::path::Path;

use super::atomic_write::write_file_atomically;
use super::error::StoreError;
use super::notes::NotesStore;
use super::paths::LessonId;

impl NotesStore {
    /// `lessons` gives the order and titles (the table of contents). Notes of lessons not in it
    /// (say, from a lesson folder not loaded now) follow, titled by their id, so nothing the
    /// learner wrote is left out. Empty notes are skipped.
    pub fn export_markdown(&mut self, lessons: &[(LessonId, String)]) -> String {
        let listed: BTreeSet<&LessonId> = lessons.iter().map(|(lesson, _)| lesson).collect();
        let mut unlisted: BTreeSet<LessonId> =
            self.lessons_with_notes_on_disk().into_iter().filter(|lesson| !listed.contains(lesson)).collect();
        unlisted.extend(self.lessons_in_memory().filter(|lesson| !listed.contains(lesson)).cloned());
        let titled: Vec<(LessonId, String)> = lessons
            .iter()
            .cloned()
            .chain(unlisted.into_iter().map(|lesson| {
                let title = lesson.to_string();
                (lesson, title)
            }))
            .collect();
        let mut sections = Vec::new();
        for (lesson, title) in &titled {
            let text = self.text(lesson);
            if !text.trim().is_empty() {
                sections.push(format!("# {}\n\n{}\n", one_line(title), text.trim_end()));
            }
        }
        sections.join("\n")
    }

    /// Writes [`Self::export_markdown`] to `target` atomically.
    pub fn export_to_file(&mut self, lessons: &[(LessonId, String)], target: &Path) -> Result<(), StoreError> {
        let markdown = self.export_markdown(lessons);
        write_file_atomically(target, markdown.as_bytes()).map_err(|mut error| {
            error.action = "export your notes".to_owned();
            error
        })
    }
}

/// A title on several lines would end the heading early.
fn one_line(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}
