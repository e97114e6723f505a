//! Builds sections out of the body's headings, role blocks and the prose between them.

use std::collections::HashMap;

use super::companions::{Companions, OpenBlock, add_exercise_companion, add_predict_companion, close_open_block};
use super::error::LessonError;
use super::info_string::{Role, example_attributes, exercise_id};
use super::model::{Example, Exercise, MarkdownText, Part, Predict, Section};
use super::scan::RoleBlock;
use super::text::{LineIndex, count_lines};

/// A section being filled.
pub(super) struct SectionBuilder {
    pub title: String,
    pub is_introduction: bool,
    pub start_line: u32,
    pub parts: Vec<Part>,
    /// The predict or exercise whose companion blocks may still follow.
    pub open: Option<OpenBlock>,
}

impl SectionBuilder {
    fn new(title: String, is_introduction: bool, start_line: u32) -> Self {
        Self { title, is_introduction, start_line, parts: Vec::new(), open: None }
    }
}

pub(super) struct Assembler<'a> {
    file: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    sections: Vec<Section>,
    current: SectionBuilder,
    /// Exercise id → line of its block, to report duplicates.
    exercise_ids: HashMap<String, u32>,
}

impl<'a> Assembler<'a> {
    /// Starts with the introduction, which begins on the body's first line.
    pub(super) fn new(file: &'a str, text: &'a str, lines: &'a LineIndex, body_start_line: u32) -> Self {
        Self {
            file,
            text,
            lines,
            sections: Vec::new(),
            current: SectionBuilder::new("Introduction".to_owned(), true, body_start_line),
            exercise_ids: HashMap::new(),
        }
    }

    /// Adds the prose between two structural items (if it is not blank) to the current section.
    pub(super) fn add_prose(&mut self, from: usize, to: usize) {
        let Some(prose) = self.text.get(from..to) else {
            return;
        };
        let Some(first_visible) = prose.find(|c: char| !c.is_whitespace()) else {
            return;
        };
        // Keep the first line's indentation: in Markdown four spaces make a code block.
        let first_line_start = prose[..first_visible].rfind('\n').map_or(0, |at| at + 1);
        self.current.parts.push(Part::Markdown(MarkdownText {
            text: prose[first_line_start..].trim_end().to_owned(),
            line: self.lines.line_of(from + first_line_start),
        }));
    }

    pub(super) fn start_section(&mut self, title: String, line: u32) -> Result<(), LessonError> {
        let next = SectionBuilder::new(title, false, line);
        let finished = std::mem::replace(&mut self.current, next);
        self.push_section(finished)
    }

    /// The sections, the last one ending on `last_line`.
    pub(super) fn finish(mut self, last_line: u32) -> Result<Vec<Section>, LessonError> {
        let last = std::mem::replace(&mut self.current, SectionBuilder::new(String::new(), true, 0));
        self.push_section(last)?;
        set_end_lines(&mut self.sections, last_line);
        Ok(self.sections)
    }

    fn push_section(&mut self, mut builder: SectionBuilder) -> Result<(), LessonError> {
        close_open_block(self.file, &mut builder)?;
        if builder.is_introduction && builder.parts.is_empty() {
            return Ok(());
        }
        let markdown = builder
            .parts
            .iter()
            .filter_map(|part| match part {
                Part::Markdown(prose) => Some(prose.text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        self.sections.push(Section {
            title: builder.title,
            is_introduction: builder.is_introduction,
            start_line: builder.start_line,
            end_line: builder.start_line,
            markdown,
            parts: builder.parts,
        });
        Ok(())
    }

    pub(super) fn add_block(&mut self, block: RoleBlock) -> Result<(), LessonError> {
        match block.role {
            Role::Example | Role::Predict | Role::Exercise => self.add_main_block(block),
            Role::Choices | Role::Answer => add_predict_companion(self.file, &mut self.current, block),
            Role::Check | Role::Hint | Role::Solution => add_exercise_companion(self.file, &mut self.current, block),
        }
    }

    /// An example, predict or exercise: ends the previous predict or exercise and starts a new part.
    fn add_main_block(&mut self, block: RoleBlock) -> Result<(), LessonError> {
        close_open_block(self.file, &mut self.current)?;
        let error = |message: String| LessonError::at_line(self.file, block.line, message);
        if block.role != Role::Exercise && block.code.trim().is_empty() {
            return Err(error(format!("this `{}` block is empty", block.role.name())));
        }
        let part = match block.role {
            Role::Example => {
                let attributes = example_attributes(&block.attributes, count_lines(&block.code)).map_err(error)?;
                Part::Example(Example {
                    code: block.code,
                    line: block.line,
                    outcome: attributes.outcome,
                    start_line: attributes.start_line,
                    timeout_secs: attributes.timeout_secs,
                    plot: attributes.plot,
                })
            }
            Role::Predict => Part::Predict(Predict {
                code: block.code,
                line: block.line,
                choices: None,
                answer: String::new(),
                answer_line: block.line,
            }),
            _ => {
                let id = exercise_id(&block.attributes).map_err(error)?;
                if let Some(first_line) = self.exercise_ids.get(&id) {
                    return Err(error(format!(
                        "duplicate exercise id `{id}`: it is already used at line {first_line}"
                    )));
                }
                self.exercise_ids.insert(id.clone(), block.line);
                Part::Exercise(Exercise {
                    id,
                    starter: block.code,
                    check: String::new(),
                    hints: Vec::new(),
                    solution: String::new(),
                    line: block.line,
                    check_line: block.line,
                    solution_line: block.line,
                })
            }
        };
        if !matches!(part, Part::Example(_)) {
            self.current.open =
                Some(OpenBlock { part_index: self.current.parts.len(), line: block.line, seen: Companions::default() });
        }
        self.current.parts.push(part);
        Ok(())
    }
}

/// Each section ends on the line before the next one starts; the last one on `last_line`.
fn set_end_lines(sections: &mut [Section], last_line: u32) {
    let next_starts: Vec<u32> = sections.iter().skip(1).map(|s| s.start_line).collect();
    for (index, section) in sections.iter_mut().enumerate() {
        let end = next_starts.get(index).map_or(last_line, |next| next.saturating_sub(1));
        section.end_line = end.max(section.start_line);
    }
}
