//! Exporting progress to a JSON file and importing it again (say, on another computer).

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use super::atomic_write::write_file_atomically;
use super::error::{StoreError, describe_io_error};
use super::progress::{Progress, ProgressStore};
use super::versioned::{Decoded, VersionedJson, decode_object};

/// Marks an export file, so that importing some other JSON file is refused with a clear message.
const EXPORT_FORMAT: &str = "pyxray-progress";

/// Keys that identify a plain copy of `progress.json` (any version), accepted without `format`.
const PROGRESS_KEYS: [&str; 5] = ["lessons", "left_off", "visited", "completed", "last_lesson"];

/// Larger files are refused before reading: real progress files are kilobytes.
const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Why an import was refused. Current progress is untouched when this is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressImportError {
    pub message: String,
}

impl fmt::Display for ProgressImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProgressImportError {}

fn refuse(message: impl Into<String>) -> ProgressImportError {
    ProgressImportError { message: message.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub lessons_in_file: usize,
    /// Lessons that had no progress here before the import.
    pub lessons_added: usize,
}

#[derive(Serialize)]
struct ExportFile<'a> {
    format: &'static str,
    schema_version: u64,
    #[serde(flatten)]
    progress: &'a Progress,
}

impl Progress {
    /// The export format: `progress.json` plus `"format": "pyxray-progress"`.
    pub fn to_export_json(&self) -> Result<String, serde_json::Error> {
        let mut progress = self.clone();
        progress.sanitize();
        let mut text = serde_json::to_string_pretty(&ExportFile {
            format: EXPORT_FORMAT,
            schema_version: Self::SCHEMA_VERSION,
            progress: &progress,
        })?;
        text.push('\n');
        Ok(text)
    }

    /// Parses and validates an export (or a copy of `progress.json`, of any known version).
    pub fn from_export_json(text: &str) -> Result<Progress, ProgressImportError> {
        if text.trim().is_empty() {
            return Err(refuse("The file is empty."));
        }
        let mut object = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                return Err(refuse("This is not a pyxray progress file: it does not contain a JSON object."));
            }
            Err(error) if error.is_eof() => {
                return Err(refuse(format!("The file ends too early; it looks truncated ({error}).")));
            }
            Err(error) => return Err(refuse(format!("The file is not valid JSON ({error})."))),
        };
        match object.remove("format") {
            Some(Value::String(format)) if format == EXPORT_FORMAT => {}
            Some(other) => {
                return Err(refuse(format!(
                    "This is not a pyxray progress file: its \"format\" is {other}, not \"{EXPORT_FORMAT}\"."
                )));
            }
            None if PROGRESS_KEYS.iter().any(|key| object.contains_key(*key)) => {}
            None => {
                return Err(refuse(format!(
                    "This is not a pyxray progress file: it has no \"format\": \"{EXPORT_FORMAT}\" and no lesson progress."
                )));
            }
        }
        match decode_object::<Progress>(object) {
            Decoded::Valid { value, .. } => Ok(value),
            Decoded::Newer { version, .. } => Err(refuse(format!(
                "This file comes from a newer pyxray (progress schema version {version}; this version reads up to {}). Update pyxray to import it.",
                Self::SCHEMA_VERSION
            ))),
            Decoded::Corrupt { reason } => Err(refuse(format!("The file cannot be imported: {reason}."))),
        }
    }
}

impl ProgressStore {
    pub fn export_json(&self) -> Result<String, serde_json::Error> {
        self.get().to_export_json()
    }

    /// Writes the export to `target` atomically.
    pub fn export_to_file(&self, target: &Path) -> Result<(), StoreError> {
        let text = self.export_json().map_err(|error| {
            let source = io::Error::new(io::ErrorKind::InvalidData, error);
            StoreError::new("export your progress", target, "converting to JSON", source)
        })?;
        write_file_atomically(target, text.as_bytes()).map_err(|mut error| {
            error.action = "export your progress".to_owned();
            error
        })
    }

    /// Validates `text` completely, then merges it into current progress (see
    /// [`Progress::merge_from`]: an import only adds, it never erases what was done here) and
    /// saves. A save failure is handled like any other: warning, kept in memory, retried.
    pub fn import_json(&mut self, text: &str, now: Instant) -> Result<ImportSummary, ProgressImportError> {
        if let Some(reason) = self.read_only_reason() {
            return Err(refuse(format!("Progress cannot be imported in this window: {reason}.")));
        }
        let imported = Progress::from_export_json(text)?;
        let summary = ImportSummary {
            lessons_in_file: imported.lessons.len(),
            lessons_added: imported.lessons.keys().filter(|lesson| self.get().lesson(lesson).is_none()).count(),
        };
        self.edit(now).merge_from(imported);
        let _ = self.flush();
        Ok(summary)
    }

    pub fn import_from_file(&mut self, source: &Path, now: Instant) -> Result<ImportSummary, ProgressImportError> {
        let cannot_read =
            |error: io::Error| refuse(format!("Could not read {}: {}.", source.display(), describe_io_error(&error)));
        let size = fs::metadata(source).map_err(cannot_read)?.len();
        if size > MAX_IMPORT_BYTES {
            return Err(refuse(format!(
                "{} is {size} bytes, far too large to be a pyxray progress file.",
                source.display()
            )));
        }
        let bytes = fs::read(source).map_err(cannot_read)?;
        let text = String::from_utf8(bytes).map_err(|_| refuse(format!("{} is not a text file.", source.display())))?;
        self.import_json(&text, now)
    }
}
