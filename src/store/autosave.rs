//! When an edited note or JSON file is due to be saved, and when a failed save is retried.

use std::time::{Duration, Instant};

/// A change is saved once its oldest unsaved edit is this old. That saves about a second after
/// the learner stops typing, and once a second during non-stop typing, so a crash or `kill -9`
/// loses at most about the last second of work.
pub const AUTOSAVE_DELAY: Duration = Duration::from_secs(1);

/// After a failed save (disk full, read-only folder), wait this long before trying again, so a
/// broken disk is not hammered 60 times a second by the UI's per-frame `tick`.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Debug, Default, Clone)]
pub(crate) struct AutosaveState {
    unsaved_since: Option<Instant>,
    retry_not_before: Option<Instant>,
    /// The message of the failure in progress, to warn once per distinct problem, not per retry.
    failing_with: Option<String>,
}

impl AutosaveState {
    pub(crate) fn mark_changed(&mut self, now: Instant) {
        self.unsaved_since.get_or_insert(now);
    }

    pub(crate) fn is_dirty(&self) -> bool {
        self.unsaved_since.is_some()
    }

    pub(crate) fn is_due(&self, now: Instant) -> bool {
        let old_enough = self.unsaved_since.is_some_and(|since| now.saturating_duration_since(since) >= AUTOSAVE_DELAY);
        let retry_allowed = self.retry_not_before.is_none_or(|not_before| now >= not_before);
        old_enough && retry_allowed
    }

    pub(crate) fn failure_message(&self) -> Option<&str> {
        self.failing_with.as_deref()
    }

    /// Marks everything saved; returns whether an earlier failure has now been overcome.
    pub(crate) fn record_success(&mut self) -> bool {
        self.unsaved_since = None;
        self.retry_not_before = None;
        self.failing_with.take().is_some()
    }

    /// Keeps the change dirty and schedules a retry; returns whether this problem is new (and
    /// so worth a warning).
    pub(crate) fn record_failure(&mut self, now: Instant, message: String) -> bool {
        self.retry_not_before = Some(now + RETRY_INTERVAL);
        let is_new = self.failing_with.as_deref() != Some(message.as_str());
        self.failing_with = Some(message);
        is_new
    }

    /// Forgets the pending change without saving it (a read-only file).
    pub(crate) fn discard(&mut self) {
        self.unsaved_since = None;
        self.retry_not_before = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_one_second_after_the_first_unsaved_edit() {
        let start = Instant::now();
        let mut state = AutosaveState::default();
        assert!(!state.is_due(start + Duration::from_secs(60)));
        state.mark_changed(start);
        state.mark_changed(start + Duration::from_millis(800));
        assert!(!state.is_due(start + Duration::from_millis(999)));
        assert!(state.is_due(start + AUTOSAVE_DELAY));
    }

    #[test]
    fn failures_back_off_and_warn_once_per_problem() {
        let start = Instant::now();
        let mut state = AutosaveState::default();
        state.mark_changed(start);
        let failed_at = start + AUTOSAVE_DELAY;
        assert!(state.record_failure(failed_at, "disk full".into()));
        assert!(!state.is_due(failed_at + Duration::from_millis(100)));
        assert!(state.is_due(failed_at + RETRY_INTERVAL));
        assert!(!state.record_failure(failed_at + RETRY_INTERVAL, "disk full".into()));
        assert!(state.is_dirty());
        assert!(state.record_success());
        assert!(!state.is_dirty());
        assert!(!state.record_success());
    }
}
