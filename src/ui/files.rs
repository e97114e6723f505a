//! The editor's program as a file: reading and writing `.py` files (with the checks that keep a
//! wrong file out of the editor), whether the text has unsaved changes, the window title, the
//! recent files list, and the "save changes?" question asked before the text is replaced or the
//! window closes.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use egui::{Id, Modal, RichText};

use crate::store::write_file_atomically;

/// Largest file the editor opens. The editor lays out and highlights the whole program again on
/// every keystroke; at about a megabyte that takes longer than a frame, so typing would lag. A
/// program worth tracing step by step is far smaller (a long lesson program is a few kilobytes).
pub const MAX_PROGRAM_BYTES: u64 = 1_000_000;
/// Most lines the editor opens, for the same reason (many short lines cost more than few long ones).
pub const MAX_PROGRAM_LINES: usize = 20_000;
/// Entries in File → Open recent.
pub const MAX_RECENT_FILES: usize = 10;
/// The name of a program that has no file yet.
pub const UNTITLED: &str = "untitled";

/// Reads a program for the editor. A file that is missing, unreadable, not a regular file, too
/// large, not UTF-8 or binary is refused with a message that says which and what to do. A UTF-8
/// byte order mark is dropped and Windows line ends become `\n`, as Python reads them.
pub fn read_program(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let metadata = fs::metadata(path).map_err(|error| describe_io_error(path, &error))?;
    if metadata.is_dir() {
        return Err(format!("{shown} is a folder, not a Python file."));
    }
    // Opening a pipe or a device could block forever or never end.
    if !metadata.is_file() {
        return Err(format!("{shown} is not a regular file (a pipe or a device?), so pyxray does not open it."));
    }
    if metadata.len() > MAX_PROGRAM_BYTES {
        return Err(too_large(path, metadata.len()));
    }
    let mut bytes = Vec::new();
    let file = File::open(path).map_err(|error| describe_io_error(path, &error))?;
    // The file may have grown since the check: read no more than one byte past the limit.
    file.take(MAX_PROGRAM_BYTES + 1).read_to_end(&mut bytes).map_err(|error| describe_io_error(path, &error))?;
    if bytes.len() as u64 > MAX_PROGRAM_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    let text = decode_program(&bytes).map_err(|problem| format!("{shown} {problem}"))?;
    let lines = text.lines().count();
    if lines > MAX_PROGRAM_LINES {
        return Err(format!(
            "{shown} has {lines} lines; pyxray opens programs of up to {MAX_PROGRAM_LINES} lines, since the editor \
             would lag on every keystroke with more. The editor is unchanged."
        ));
    }
    Ok(text)
}

fn too_large(path: &Path, size: u64) -> String {
    format!(
        "{} is {} KB; pyxray opens programs of up to {} KB, since the editor would lag on every keystroke with \
         more. The editor is unchanged.",
        path.display(),
        size.div_ceil(1000),
        MAX_PROGRAM_BYTES / 1000
    )
}

/// UTF-8 text from a file's bytes, or what is wrong with them ("is not UTF-8 text: ...").
pub fn decode_program(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |newline| newline + 1);
            let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
            let byte = bytes[error.valid_up_to()];
            return Err(format!(
                "is not UTF-8 text: byte 0x{byte:02X} at line {line}, column {column} is not valid UTF-8 (the file \
                 may be in Latin-1 or Windows-1252). Save it as UTF-8 in another editor and open it again. The \
                 editor is unchanged."
            ));
        }
    };
    if text.contains('\0') {
        return Err(
            "contains NUL bytes, so it is not a Python program (a binary file?). The editor is unchanged.".to_owned()
        );
    }
    Ok(text.replace("\r\n", "\n"))
}

/// Writes the program atomically (a temporary file, flushed, renamed over the old one), so a
/// failure leaves the old file as it was.
pub fn write_program(path: &Path, code: &str) -> Result<(), String> {
    write_file_atomically(path, code.as_bytes())
        .map_err(|error| format!("The program was not saved: {error}. Your text is still in the editor."))
}

fn describe_io_error(path: &Path, error: &io::Error) -> String {
    let shown = path.display();
    match error.kind() {
        io::ErrorKind::NotFound => {
            format!("{shown} does not exist (it may have been moved or deleted). The editor is unchanged.")
        }
        io::ErrorKind::PermissionDenied => {
            format!("{shown} cannot be read: permission denied. The editor is unchanged.")
        }
        _ => format!("{shown} cannot be read: {error}. The editor is unchanged."),
    }
}

/// Puts `path` first in the recent files (once), keeping at most `MAX_RECENT_FILES`. Paths that
/// are not valid Unicode are left out: the settings file is JSON, which cannot hold them.
pub fn remember_recent(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if path.to_str().is_none() {
        return;
    }
    recent.retain(|known| known != &path);
    recent.insert(0, path);
    recent.truncate(MAX_RECENT_FILES);
}

/// The file the editor's program belongs to (if any), and the text as last opened or saved.
#[derive(Debug, Default)]
pub struct ProgramFile {
    path: Option<PathBuf>,
    /// The text as it was when opened, saved or started; any other text is unsaved.
    saved_text: String,
}

impl ProgramFile {
    /// A program with no file whose current text counts as saved (nothing to lose yet).
    pub fn untitled(text: &str) -> Self {
        ProgramFile { path: None, saved_text: text.to_owned() }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The text now belongs to `path` (or to no file) and is saved as it is.
    pub fn set(&mut self, path: Option<PathBuf>, text: &str) {
        self.path = path;
        text.clone_into(&mut self.saved_text);
    }

    pub fn is_dirty(&self, text: &str) -> bool {
        self.saved_text != text
    }

    /// "loops.py", or "untitled".
    pub fn name(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| UNTITLED.to_owned(), |name| name.to_string_lossy().into_owned())
    }

    /// "pyxray — loops.py •" (the dot while there are unsaved changes); just "pyxray" for an
    /// untitled program with nothing typed.
    pub fn window_title(&self, text: &str) -> String {
        let dirty = self.is_dirty(text);
        match (&self.path, dirty) {
            (None, false) => "pyxray".to_owned(),
            (_, false) => format!("pyxray — {}", self.name()),
            (_, true) => format!("pyxray — {} •", self.name()),
        }
    }
}

/// What waits for the answer to "save changes?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuardedAction {
    NewFile,
    /// The open dialog comes next.
    OpenFile,
    OpenPath(PathBuf),
    /// Code from a lesson replaces the program (Load, Run, Step through, checking a prediction),
    /// then runs if `run` says so.
    LessonCode {
        code: String,
        run: Option<crate::ui::commands::LessonRun>,
    },
    /// Closing the window (Quit, or its close button).
    Close,
}

/// The answer to "save changes?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardAnswer {
    Save,
    DontSave,
    Cancel,
}

/// Asks whether to save the program before `action` replaces it or closes the window. Buttons
/// "Save", "Don't save" and "Cancel"; Escape or a click outside is Cancel.
pub fn show_guard(ctx: &egui::Context, file_name: &str, action: &GuardedAction) -> Option<GuardAnswer> {
    let consequence = match action {
        GuardedAction::Close => "If you don't save, your changes are lost when pyxray closes.",
        _ => "If you don't save, your changes are lost when the editor's program is replaced.",
    };
    let mut answer = None;
    let modal = Modal::new(Id::unique("unsaved_changes_guard")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.label(RichText::new(format!("Save the changes to {file_name}?")).strong());
        ui.label(consequence);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                answer = Some(GuardAnswer::Save);
            }
            if ui.button("Don't save").clicked() {
                answer = Some(GuardAnswer::DontSave);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(GuardAnswer::Cancel);
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(GuardAnswer::Cancel);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_1_bytes_are_refused_with_their_place() {
        let problem = decode_program(b"x = 1\nname = 'Jos\xe9'\n").unwrap_err();
        assert!(problem.contains("byte 0xE9 at line 2, column 12"), "{problem}");
        assert!(problem.contains("not UTF-8"), "{problem}");
    }

    #[test]
    fn utf8_text_is_read_as_python_reads_it() {
        assert_eq!(decode_program("\u{feff}print('é')\r\n".as_bytes()).unwrap(), "print('é')\n");
        assert!(decode_program(b"x = 1\0").unwrap_err().contains("NUL"));
    }

    #[test]
    fn files_that_cannot_be_opened_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_program(&dir.path().join("gone.py")).unwrap_err();
        assert!(missing.contains("does not exist"), "{missing}");
        assert!(read_program(dir.path()).unwrap_err().contains("is a folder"));

        let huge = dir.path().join("huge.py");
        fs::write(&huge, "x = 1\n".repeat(200_000)).unwrap();
        let problem = read_program(&huge).unwrap_err();
        assert!(problem.contains("1200 KB") && problem.contains("up to 1000 KB"), "{problem}");

        let long = dir.path().join("long.py");
        fs::write(&long, "\n".repeat(MAX_PROGRAM_LINES + 1)).unwrap();
        assert!(read_program(&long).unwrap_err().contains("20001 lines"));

        let fine = dir.path().join("fine.py");
        fs::write(&fine, "print('hi')\n").unwrap();
        assert_eq!(read_program(&fine).unwrap(), "print('hi')\n");
    }

    #[test]
    fn recent_files_are_most_recent_first_without_repeats() {
        let mut recent = Vec::new();
        for index in 0..12 {
            remember_recent(&mut recent, Path::new(&format!("/code/p{index}.py")));
        }
        remember_recent(&mut recent, Path::new("/code/p5.py"));
        assert_eq!(recent.len(), MAX_RECENT_FILES);
        assert_eq!(recent[0], PathBuf::from("/code/p5.py"));
        assert_eq!(recent[1], PathBuf::from("/code/p11.py"));
        assert_eq!(recent.iter().filter(|path| path.ends_with("p5.py")).count(), 1);
        assert!(!recent.contains(&PathBuf::from("/code/p1.py")), "the oldest fell off");
    }

    #[test]
    fn the_title_names_the_file_and_marks_unsaved_changes() {
        let mut file = ProgramFile::untitled("x = 1\n");
        assert_eq!(file.window_title("x = 1\n"), "pyxray");
        assert_eq!(file.window_title("x = 2\n"), "pyxray — untitled •");
        file.set(Some(PathBuf::from("/code/loops.py")), "for i in range(3): pass\n");
        assert_eq!(file.window_title("for i in range(3): pass\n"), "pyxray — loops.py");
        assert_eq!(file.window_title("for i in range(4): pass\n"), "pyxray — loops.py •");
    }
}
