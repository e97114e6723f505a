//! The presenter's clock and talk timer, as text.

/// The local wall-clock time as "14:05" (`--:--` if the system cannot say).
pub fn wall_clock() -> String {
    // SAFETY: `time` with a null pointer only returns the time; `localtime_r` writes into the
    // `tm` we own and returns null on failure, which is checked.
    let (hour, minute) = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut tm).is_null() {
            return "--:--".to_owned();
        }
        (tm.tm_hour, tm.tm_min)
    };
    format!("{hour:02}:{minute:02}")
}

/// Seconds as "4:05" or, from an hour on, "1:04:05".
pub fn elapsed(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 { format!("{hours}:{minutes:02}:{seconds:02}") } else { format!("{minutes}:{seconds:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_reads_as_minutes_and_seconds() {
        assert_eq!(elapsed(0), "0:00");
        assert_eq!(elapsed(65), "1:05");
        assert_eq!(elapsed(3_725), "1:02:05");
    }

    #[test]
    fn the_wall_clock_is_hours_and_minutes() {
        let clock = wall_clock();
        assert_eq!(clock.len(), 5, "{clock}");
        assert_eq!(clock.as_bytes()[2], b':');
    }
}
