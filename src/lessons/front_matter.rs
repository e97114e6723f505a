//! The TOML front matter between the two `+++` lines at the top of a lesson file.

use super::error::LessonError;
use super::model::Panel;
use super::text::{LineIndex, to_u32};

const FENCE: &str = "+++";
const REQUIRED_KEYS: [&str; 4] = ["id", "title", "order", "goals"];
const ALL_KEYS: [&str; 6] = ["id", "title", "order", "goals", "panels", "minutes"];
const DEFAULT_MINUTES: u32 = 15;

/// The front matter's values, checked.
#[derive(Debug)]
pub(crate) struct FrontMatter {
    pub id: String,
    pub id_line: u32,
    pub title: String,
    pub order: u32,
    pub goals: Vec<String>,
    pub panels: Vec<Panel>,
    pub minutes: u32,
}

/// Where the front matter and the body are in a (line-ending normalized) file.
#[derive(Debug)]
pub(crate) struct FileLayout<'a> {
    /// The TOML text between the `+++` lines; it starts on line 2.
    pub toml: &'a str,
    /// Byte offset of the body (the line after the closing `+++`).
    pub body_offset: usize,
}

/// Splits `text` (with `\n` line endings) into front matter and body.
pub(crate) fn split_front_matter<'a>(file: &str, text: &'a str) -> Result<FileLayout<'a>, LessonError> {
    if text.trim().is_empty() {
        return Err(LessonError::at_line(file, 1, "the file is empty"));
    }
    let mut lines = line_spans(text);
    let opens = lines.next().is_some_and(|(start, end)| text.get(start..end).is_some_and(is_fence));
    if !opens {
        return Err(LessonError::at_line(
            file,
            1,
            "front matter: the file must start with a `+++` line, then the TOML keys \
             (id, title, order, goals), then another `+++` line",
        ));
    }
    let toml_start = text.find('\n').map_or(text.len(), |at| at + 1);
    for (start, end) in lines {
        if text.get(start..end).is_some_and(is_fence) {
            let toml = text.get(toml_start..start).unwrap_or_default();
            // `end` is the closing line's `\n` (or the end of the file); the body starts after it.
            let body_offset = end.saturating_add(1).min(text.len());
            return Ok(FileLayout { toml, body_offset });
        }
    }
    Err(LessonError::at_line(
        file,
        1,
        "front matter opened at line 1 never closes: add a `+++` line after the TOML keys",
    ))
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == FENCE
}

/// `(start, end)` byte ranges of each line, without the `\n`.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |at| start + at);
        let span = (start, end);
        start = end + 1;
        Some(span)
    })
}

/// Parses and checks the TOML text that starts on file line 2.
pub(crate) fn parse_front_matter(file: &str, toml_text: &str) -> Result<FrontMatter, LessonError> {
    let reader = KeyReader { file, toml_text };
    let table: toml::Table = toml_text.parse().map_err(|err: toml::de::Error| {
        let line = err.span().map_or(1, |span| 1 + LineIndex::new(toml_text).line_of(span.start));
        let message = err.message().trim().replace('\n', "; ");
        LessonError::at_line(file, line, format!("front matter: {message}"))
    })?;
    for key in table.keys() {
        if !ALL_KEYS.contains(&key.as_str()) {
            return Err(
                reader.error(key, format!("front matter: unknown key `{key}` (the keys are {})", ALL_KEYS.join(", ")))
            );
        }
    }
    for key in REQUIRED_KEYS {
        if !table.contains_key(key) {
            return Err(LessonError::at_line(file, 1, format!("front matter: missing key `{key}`")));
        }
    }
    let id = reader.string(&table, "id", "id = \"names-and-references\"")?;
    if id.is_empty() || !id.chars().all(is_id_char) {
        return Err(reader.error(
            "id",
            format!("front matter: `id` may contain only lowercase letters, digits and dashes (got `{id}`)"),
        ));
    }
    let title = reader.string(&table, "title", "title = \"Variables don't store values\"")?;
    if title.trim().is_empty() {
        return Err(reader.error("title", "front matter: `title` is empty"));
    }
    let order = reader.whole_number(&table, "order", 0)?.unwrap_or_default();
    let goals = reader.strings(&table, "goals", "goals = [\"Predict aliasing\"]")?;
    if goals.iter().any(|goal| goal.trim().is_empty()) {
        return Err(reader.error("goals", "front matter: a goal in `goals` is empty"));
    }
    let panels = reader.panels(&table)?;
    let minutes = reader.whole_number(&table, "minutes", 1)?.unwrap_or(DEFAULT_MINUTES);
    Ok(FrontMatter { id_line: reader.key_line("id"), id, title, order, goals, panels, minutes })
}

/// Lesson and exercise ids: lowercase ASCII letters, digits and dashes.
pub(crate) fn is_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Reads typed values out of the table and reports problems at the key's line.
struct KeyReader<'a> {
    file: &'a str,
    toml_text: &'a str,
}

impl KeyReader<'_> {
    /// The file line on which `key = ...` is written (line 1 if it cannot be found).
    fn key_line(&self, key: &str) -> u32 {
        self.toml_text
            .lines()
            .position(|line| {
                let line = line.trim_start();
                let rest = line
                    .strip_prefix(key)
                    .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                    .or_else(|| line.strip_prefix(&format!("'{key}'")));
                rest.is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map_or(1, |index| to_u32(index).saturating_add(2))
    }

    fn error(&self, key: &str, message: impl Into<String>) -> LessonError {
        LessonError::at_line(self.file, self.key_line(key), message)
    }

    fn string(&self, table: &toml::Table, key: &str, like: &str) -> Result<String, LessonError> {
        match table.get(key) {
            Some(toml::Value::String(value)) => Ok(value.clone()),
            _ => Err(self.error(key, format!("front matter: `{key}` must be a string in quotes, like `{like}`"))),
        }
    }

    /// An optional whole number of at least `min`; `None` when the key is absent.
    fn whole_number(&self, table: &toml::Table, key: &str, min: u32) -> Result<Option<u32>, LessonError> {
        let Some(value) = table.get(key) else {
            return Ok(None);
        };
        let number = value.as_integer().and_then(|number| u32::try_from(number).ok()).filter(|&number| number >= min);
        match number {
            Some(number) => Ok(Some(number)),
            None => Err(self.error(
                key,
                format!("front matter: `{key}` must be a whole number of {min} or more, like `{key} = 3`"),
            )),
        }
    }

    fn strings(&self, table: &toml::Table, key: &str, like: &str) -> Result<Vec<String>, LessonError> {
        let Some(value) = table.get(key) else {
            return Ok(Vec::new());
        };
        let strings: Option<Vec<String>> =
            value.as_array().and_then(|items| items.iter().map(|item| item.as_str().map(str::to_owned)).collect());
        strings
            .ok_or_else(|| self.error(key, format!("front matter: `{key}` must be a list of strings, like `{like}`")))
    }

    fn panels(&self, table: &toml::Table) -> Result<Vec<Panel>, LessonError> {
        let names = self.strings(table, "panels", "panels = [\"heap\", \"stack\"]")?;
        let mut panels = Vec::with_capacity(names.len());
        for name in names {
            let Some(panel) = Panel::from_name(&name) else {
                let known: Vec<&str> = Panel::ALL.iter().map(|panel| panel.as_str()).collect();
                return Err(self.error(
                    "panels",
                    format!("front matter: unknown panel `{name}` (the panels are {})", known.join(", ")),
                ));
            };
            if panels.contains(&panel) {
                return Err(self.error("panels", format!("front matter: panel `{name}` is listed twice")));
            }
            panels.push(panel);
        }
        Ok(panels)
    }
}
