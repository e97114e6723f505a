//! Finds the structure of a lesson body with a CommonMark parser: the top-level `## ` headings and the
//! fenced code blocks that have a role. Using a real Markdown parser (rather than matching lines) means a
//! `## ` or a fence inside another code block is never mistaken for structure.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::error::LessonError;
use super::info_string::{Attributes, Role, parse_info_string};
use super::text::LineIndex;

/// A structural element of the body, with its byte range in the whole (normalized) file.
#[derive(Debug)]
pub(crate) enum BodyItem {
    Heading { title: String, range: Range<usize> },
    Block(RoleBlock),
}

/// A fenced code block with a role.
#[derive(Debug)]
pub(crate) struct RoleBlock {
    pub role: Role,
    pub attributes: Attributes,
    /// The block's content without the trailing newline.
    pub code: String,
    /// The line of the opening fence.
    pub line: u32,
    pub range: Range<usize>,
}

impl BodyItem {
    pub(crate) fn range(&self) -> Range<usize> {
        match self {
            BodyItem::Heading { range, .. } => range.clone(),
            BodyItem::Block(block) => block.range.clone(),
        }
    }
}

/// What the scanner is inside of, between a start and an end event.
enum Open {
    Nothing,
    Heading { title: String, start: usize },
    CodeBlock { info: String, code: String, start: usize },
}

/// Lists the headings and role blocks of the body that starts at byte `body_offset` of `text`.
pub(crate) fn scan_body(
    file: &str,
    text: &str,
    body_offset: usize,
    lines: &LineIndex,
) -> Result<Vec<BodyItem>, LessonError> {
    let body = text.get(body_offset..).unwrap_or_default();
    let mut items = Vec::new();
    // Lists and quotes nest; role blocks and sections only count outside them.
    let mut container_depth = 0usize;
    let mut open = Open::Nothing;
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        let range = (range.start + body_offset)..(range.end + body_offset);
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => container_depth += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => {
                container_depth = container_depth.saturating_sub(1);
            }
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. })
                if container_depth == 0 && is_atx_heading(text, range.start) =>
            {
                open = Open::Heading { title: String::new(), start: range.start };
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Open::CodeBlock { info: info.into_string(), code: String::new(), start: range.start };
            }
            Event::Text(piece) | Event::Code(piece) => match &mut open {
                Open::Heading { title, .. } => title.push_str(&piece),
                Open::CodeBlock { code, .. } => code.push_str(&piece),
                Open::Nothing => {}
            },
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Open::Heading { title, start } = std::mem::replace(&mut open, Open::Nothing) {
                    let title = title.trim().to_owned();
                    if title.is_empty() {
                        return Err(LessonError::at_line(file, lines.line_of(start), "a `## ` heading needs a title"));
                    }
                    items.push(BodyItem::Heading { title, range: start..range.end });
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Open::CodeBlock { info, code, start } = std::mem::replace(&mut open, Open::Nothing) {
                    let line = lines.line_of(start);
                    let source = text.get(start..range.end).unwrap_or_default();
                    if container_depth == 0 && !fence_closes(source) {
                        return Err(LessonError::at_line(
                            file,
                            line,
                            format!("code block opened at line {line} never closes"),
                        ));
                    }
                    let role = parse_info_string(&info).map_err(|message| LessonError::at_line(file, line, message))?;
                    let Some((role, attributes)) = role else {
                        continue;
                    };
                    if container_depth > 0 {
                        return Err(LessonError::at_line(
                            file,
                            line,
                            format!(
                                "a `{}` block must not be inside a list or a quote: start its fence \
                                 at the beginning of a line",
                                role.name()
                            ),
                        ));
                    }
                    let code = code.strip_suffix('\n').unwrap_or(&code).to_owned();
                    items.push(BodyItem::Block(RoleBlock { role, attributes, code, line, range: start..range.end }));
                }
            }
            _ => {}
        }
    }
    Ok(items)
}

/// True for `## Title`, false for a Setext heading (`Title` underlined with `---`), which is prose.
fn is_atx_heading(text: &str, start: usize) -> bool {
    text.get(start..).is_some_and(|rest| rest.trim_start_matches(' ').starts_with("##"))
}

/// Whether a fenced block's source (opening fence to the end of its range) ends with a closing fence.
/// CommonMark lets an unclosed fence run to the end of the document, which in a lesson is always a
/// mistake that would swallow the rest of the file.
fn fence_closes(source: &str) -> bool {
    let opening = source.trim_start_matches(' ');
    let Some(fence_char) = opening.chars().next().filter(|c| matches!(c, '`' | '~')) else {
        return false;
    };
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    let Some((_, last_line)) = source.rsplit_once('\n') else {
        return false;
    };
    let last_line = last_line.trim_start_matches(' ');
    let run_len = last_line.chars().take_while(|&c| c == fence_char).count();
    // The fence characters are ASCII, so `run_len` characters are `run_len` bytes.
    run_len >= fence_len && last_line.get(run_len..).is_some_and(|rest| rest.trim().is_empty())
}
