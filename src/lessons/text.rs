//! Small text helpers shared by the parser, the search and the checker.

/// Removes a byte order mark and turns `\r\n` and lone `\r` line endings into `\n`. Each line ending
/// stays one line ending, so line numbers do not change.
pub(crate) fn normalize_line_endings(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Finds the 1-based line of a byte offset.
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Self { line_starts }
    }

    /// The line that contains byte `offset` (offsets past the end give the last line).
    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        to_u32(line.max(1))
    }
}

/// Line numbers and counts are `u32`; a file with more than 4 billion lines saturates rather than wraps.
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The number of lines in `text` (a final line without `\n` counts; an empty text has none).
pub(crate) fn count_lines(text: &str) -> u32 {
    to_u32(text.lines().count())
}

/// Output as the comparison with a predict's answer sees it: trailing white space removed from every
/// line and from the end.
pub fn normalize_output(output: &str) -> String {
    let lines: Vec<&str> = output.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
}

/// At most `max_chars` characters of `text`, with `…` appended when something was cut.
pub(crate) fn truncate_chars(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
