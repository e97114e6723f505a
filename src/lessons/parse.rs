//! `parse_lesson`: turns the text of a lesson file into a [`Lesson`], or says exactly what is wrong.

use super::assemble::Assembler;
use super::error::LessonError;
use super::front_matter::{parse_front_matter, split_front_matter};
use super::model::Lesson;
use super::scan::{BodyItem, scan_body};
use super::text::{LineIndex, count_lines, normalize_line_endings};

/// Parses one lesson file. `source_name` is the file name, used in errors and kept in the lesson.
/// Never panics, whatever `text` is.
pub fn parse_lesson(source_name: &str, text: &str) -> Result<Lesson, LessonError> {
    let text = normalize_line_endings(text);
    let layout = split_front_matter(source_name, &text)?;
    let front = parse_front_matter(source_name, layout.toml)?;
    let lines = LineIndex::new(&text);
    let items = scan_body(source_name, &text, layout.body_offset, &lines)?;
    let body_start_line = lines.line_of(layout.body_offset);
    let mut assembler = Assembler::new(source_name, &text, &lines, body_start_line);
    let mut prose_from = layout.body_offset;
    for item in items {
        let range = item.range();
        assembler.add_prose(prose_from, range.start);
        prose_from = range.end;
        match item {
            BodyItem::Heading { title, range } => {
                assembler.start_section(title, lines.line_of(range.start))?;
            }
            BodyItem::Block(block) => assembler.add_block(block)?,
        }
    }
    assembler.add_prose(prose_from, text.len());
    let sections = assembler.finish(count_lines(&text))?;
    Ok(Lesson {
        id: front.id,
        title: front.title,
        order: front.order,
        goals: front.goals,
        panels: front.panels,
        minutes: front.minutes,
        source_name: source_name.to_owned(),
        id_line: front.id_line,
        body: text.get(layout.body_offset..).unwrap_or_default().to_owned(),
        body_start_line,
        sections,
    })
}
