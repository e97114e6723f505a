//! Case-insensitive text search over the lessons of a catalogue. It scans every body line on each call:
//! a dozen lessons are a few thousand lines, which takes well under a millisecond, so no index is kept
//! that could go stale.

use super::catalog::Catalog;
use super::model::Lesson;
use super::text::to_u32;

/// Characters of context kept before the match when a long line is cut down to a snippet.
const SNIPPET_LEAD_CHARS: usize = 40;
const SNIPPET_MAX_CHARS: usize = 120;

/// A line of a lesson that contains the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub lesson_id: String,
    /// Index into the lesson's `sections`.
    pub section_index: usize,
    /// 1-based line in the lesson file.
    pub line: u32,
    /// The line around the match, trimmed, cut to about 120 characters.
    pub snippet: String,
}

impl Catalog {
    /// Every body line (prose and code) that contains `query`, ignoring case, in catalogue order.
    /// A blank query finds nothing.
    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits = Vec::new();
        for lesson in &self.lessons {
            search_lesson(lesson, query, &mut hits);
        }
        hits
    }
}

fn search_lesson(lesson: &Lesson, query: &str, hits: &mut Vec<SearchHit>) {
    for (index, line_text) in lesson.body.lines().enumerate() {
        let Some(match_at) = find_ignoring_case(line_text, query) else {
            continue;
        };
        let line = lesson.body_start_line.saturating_add(to_u32(index));
        let Some(section_index) = lesson.section_index_at_line(line) else {
            continue;
        };
        hits.push(SearchHit {
            lesson_id: lesson.id.clone(),
            section_index,
            line,
            snippet: snippet(line_text, match_at),
        });
    }
}

/// The byte offset in `haystack` where `needle` starts, comparing lowercased characters.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.is_ascii() {
        let needle = needle.as_bytes();
        return haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle));
    }
    let folded_needle: String = needle.chars().flat_map(char::to_lowercase).collect();
    // ASCII letters lowercase to ASCII, so an ASCII line cannot hold a non-ASCII needle. Lesson lines
    // are mostly ASCII, which keeps non-ASCII queries as cheap as ASCII ones.
    if haystack.is_ascii() && !folded_needle.is_ascii() {
        return None;
    }
    // Most lines do not match: rule them out with one pass before looking for the position.
    let folded_haystack: String = haystack.chars().flat_map(char::to_lowercase).collect();
    if !folded_haystack.contains(&folded_needle) {
        return None;
    }
    haystack.char_indices().map(|(at, _)| at).find(|&at| {
        let mut rest = haystack[at..].chars().flat_map(char::to_lowercase);
        folded_needle.chars().all(|wanted| rest.next() == Some(wanted))
    })
}

/// The trimmed line; a long line is cut to a window that starts a little before the match.
fn snippet(line_text: &str, match_at: usize) -> String {
    let trimmed = line_text.trim();
    if trimmed.chars().count() <= SNIPPET_MAX_CHARS {
        return trimmed.to_owned();
    }
    let leading = line_text.len() - line_text.trim_start().len();
    let match_in_trimmed = match_at.saturating_sub(leading);
    let match_char = trimmed.char_indices().take_while(|&(at, _)| at < match_in_trimmed).count();
    let first_char = match_char.saturating_sub(SNIPPET_LEAD_CHARS);
    let window: String = trimmed.chars().skip(first_char).take(SNIPPET_MAX_CHARS).collect();
    let prefix = if first_char > 0 { "…" } else { "" };
    let suffix = if first_char + SNIPPET_MAX_CHARS < trimmed.chars().count() { "…" } else { "" };
    format!("{prefix}{window}{suffix}")
}
