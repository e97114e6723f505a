//! Splitting Markdown into prose and its top-level code blocks, for the lesson pane and the notes
//! preview: pyxray draws those code blocks itself (highlighted, without egui_commonmark's copy icon,
//! a glyph pyxray's fonts do not have) and leaves the prose to egui_commonmark.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkdownPiece {
    /// A byte range of the text that is not blank.
    Prose(Range<usize>),
    Code {
        language: String,
        code: String,
    },
}

/// The prose and top-level code blocks of `markdown`, in order (code inside lists or quotes stays
/// with the prose; blank prose between blocks is dropped; an unclosed fence runs to the end).
pub fn split_code_blocks(markdown: &str) -> Vec<MarkdownPiece> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_DEFINITION_LIST;
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut prose_start = 0;
    // (start of the block in `markdown`, language, code so far)
    let mut code: Option<(usize, String, String)> = None;
    let push_prose = |pieces: &mut Vec<MarkdownPiece>, range: Range<usize>| {
        if markdown.get(range.clone()).is_some_and(|text| !text.trim().is_empty()) {
            pieces.push(MarkdownPiece::Prose(range));
        }
    };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) if depth == 0 => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default().to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((range.start, language, String::new()));
                depth += 1;
            }
            Event::Text(text) if depth == 1 => {
                if let Some((_, _, so_far)) = code.as_mut() {
                    so_far.push_str(&text);
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((start, language, text)) = code.take()
                {
                    push_prose(&mut pieces, prose_start..start);
                    let text = text.strip_suffix('\n').unwrap_or(&text).to_owned();
                    pieces.push(MarkdownPiece::Code { language, code: text });
                    prose_start = range.end;
                }
            }
            _ => {}
        }
    }
    push_prose(&mut pieces, prose_start..markdown.len());
    pieces
}
