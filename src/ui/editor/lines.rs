//! Line arithmetic on the editor's text: which line the cursor is on, and where the lines with a
//! breakpoint went after an edit (so a breakpoint stays on its statement when lines are inserted
//! or deleted above it).

use std::collections::BTreeSet;

/// Lines in `text` (1-based count; an empty text and a text ending in a newline count the empty
/// last line, as the editor shows it).
pub fn line_count(text: &str) -> u32 {
    let newlines = text.bytes().filter(|&b| b == b'\n').count();
    u32::try_from(newlines).unwrap_or(u32::MAX).saturating_add(1)
}

/// The 1-based line of the character with index `char_index` (a cursor position).
pub fn line_of_char(text: &str, char_index: usize) -> u32 {
    let newlines = text.chars().take(char_index).filter(|&c| c == '\n').count();
    u32::try_from(newlines).unwrap_or(u32::MAX).saturating_add(1)
}

/// The character index where 1-based `line` starts, if the text has that line.
pub fn line_start_char(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut current = 1;
    if current == line {
        return Some(0);
    }
    for (index, c) in text.chars().enumerate() {
        if c == '\n' {
            current += 1;
            if current == line {
                return Some(index + 1);
            }
        }
    }
    None
}

/// Where the breakpoints of `old` belong in `new`, the text after one edit.
///
/// The edit is taken to be the span between the longest common prefix and suffix. Lines wholly
/// before it keep their number; lines from its end on move by the number of lines it added or
/// removed; lines it removed lose their breakpoint. The line the edit starts in keeps its
/// breakpoint in place when the edit starts inside it (typing in a line, Enter at its end), and
/// moves with the text when the edit starts at its very beginning (Enter before it). Breakpoints
/// past the new last line are dropped.
pub fn remap_breakpoints(breakpoints: &BTreeSet<u32>, old: &str, new: &str) -> BTreeSet<u32> {
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let prefix = old_bytes.iter().zip(new_bytes).take_while(|(a, b)| a == b).count();
    let room = old_bytes.len().min(new_bytes.len()) - prefix;
    let suffix = old_bytes.iter().rev().zip(new_bytes.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    let newlines = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count() as u32;

    let start_line = newlines(&old_bytes[..prefix]) + 1;
    let starts_at_line_start = prefix == 0 || old_bytes[prefix - 1] == b'\n';
    let old_end_line = start_line + newlines(&old_bytes[prefix..old_bytes.len() - suffix]);
    let new_end_line = start_line + newlines(&new_bytes[prefix..new_bytes.len() - suffix]);
    let last_line = line_count(new);

    breakpoints
        .iter()
        .filter_map(|&line| {
            if line < start_line || (line == start_line && !starts_at_line_start) {
                Some(line)
            } else if line >= old_end_line {
                Some(line - old_end_line + new_end_line)
            } else {
                None
            }
        })
        .filter(|&line| line >= 1 && line <= last_line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remap(lines: &[u32], old: &str, new: &str) -> Vec<u32> {
        remap_breakpoints(&lines.iter().copied().collect(), old, new).into_iter().collect()
    }

    const FOUR: &str = "a = 1\nb = 2\nc = 3\nd = 4\n";

    #[test]
    fn a_line_inserted_above_pushes_breakpoints_down() {
        // Enter at the end of line 1.
        assert_eq!(remap(&[1, 3], FOUR, "a = 1\n\nb = 2\nc = 3\nd = 4\n"), vec![1, 4]);
        // Enter at the start of line 3 moves line 3's text (and its breakpoint) down.
        assert_eq!(remap(&[3], FOUR, "a = 1\nb = 2\n\nc = 3\nd = 4\n"), vec![4]);
        // Enter in the middle of line 3 leaves the breakpoint where the statement starts.
        assert_eq!(remap(&[3], FOUR, "a = 1\nb = 2\nc =\n 3\nd = 4\n"), vec![3]);
    }

    #[test]
    fn a_deleted_line_takes_its_breakpoint_and_lifts_the_rest() {
        assert_eq!(remap(&[2, 4], FOUR, "a = 1\nc = 3\nd = 4\n"), vec![3]);
        // Two lines deleted at once.
        assert_eq!(remap(&[1, 2, 3, 4], FOUR, "a = 1\nd = 4\n"), vec![1, 2]);
    }

    #[test]
    fn typing_within_a_line_moves_nothing() {
        assert_eq!(remap(&[2, 3], FOUR, "a = 1\nb = 22\nc = 3\nd = 4\n"), vec![2, 3]);
        assert_eq!(remap(&[2], FOUR, FOUR), vec![2]);
    }

    #[test]
    fn joining_two_lines_keeps_one_breakpoint() {
        // Backspace at the start of line 3.
        assert_eq!(remap(&[2, 3], FOUR, "a = 1\nb = 2c = 3\nd = 4\n"), vec![2]);
    }

    #[test]
    fn breakpoints_past_the_end_are_dropped() {
        assert_eq!(remap(&[2, 9], FOUR, "x = 0\n"), Vec::<u32>::new());
        // The empty line after the last newline is a line too: its breakpoint moves with it.
        assert_eq!(remap(&[5], FOUR, "x = 0\n"), vec![2]);
        assert_eq!(remap(&[9], "x\n", "x\ny\n"), Vec::<u32>::new());
    }

    #[test]
    fn lines_and_cursors() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count("a\nb\n"), 3);
        assert_eq!(line_of_char("é\nü\n", 0), 1);
        assert_eq!(line_of_char("é\nü\n", 2), 2);
        assert_eq!(line_of_char("é\nü\n", 99), 3);
        assert_eq!(line_start_char("é\nü\nz", 3), Some(4));
        assert_eq!(line_start_char("a", 2), None);
        assert_eq!(line_start_char("a", 0), None);
    }
}
