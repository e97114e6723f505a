//! Moving between bookmarked steps, and where playback stops for one. Pure logic over the
//! bookmarked steps of the example shown (sorted, 0-based); the steps are kept in the settings
//! (`store::Bookmarks`).

/// The first bookmark after `step`.
pub fn next(bookmarks: &[u64], step: u64) -> Option<u64> {
    bookmarks.iter().copied().find(|&mark| mark > step)
}

/// The last bookmark before `step`.
pub fn previous(bookmarks: &[u64], step: u64) -> Option<u64> {
    bookmarks.iter().rev().copied().find(|&mark| mark < step)
}

/// Playing from `from` to `to`: the first bookmark passed on the way (`to` included, `from` not,
/// so Play started on a bookmark leaves it), where playback pauses.
pub fn stop_between(bookmarks: &[u64], from: u64, to: u64) -> Option<u64> {
    next(bookmarks, from).filter(|&mark| mark <= to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_skip_the_step_shown() {
        let marks = [2, 5, 9];
        assert_eq!(next(&marks, 0), Some(2));
        assert_eq!(next(&marks, 2), Some(5));
        assert_eq!(next(&marks, 9), None);
        assert_eq!(previous(&marks, 9), Some(5));
        assert_eq!(previous(&marks, 6), Some(5));
        assert_eq!(previous(&marks, 2), None);
        assert_eq!(next(&[], 0), None);
    }

    #[test]
    fn playback_stops_at_the_first_bookmark_it_reaches() {
        let marks = [2, 5, 9];
        assert_eq!(stop_between(&marks, 0, 1), None);
        assert_eq!(stop_between(&marks, 1, 2), Some(2));
        assert_eq!(stop_between(&marks, 0, 7), Some(2), "a slow frame still stops at the first");
        assert_eq!(stop_between(&marks, 2, 3), None, "playing from a bookmark leaves it");
        assert_eq!(stop_between(&marks, 5, 100), Some(9));
        assert_eq!(stop_between(&marks, 9, 100), None);
    }
}
