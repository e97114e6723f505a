//! Finding and ending the processes a learner's program started, wherever they went.
//!
//! The worker leads its own process group, so killing the group ends ordinary children. A child
//! that calls `setsid` (or double-forks to become a daemon) leaves the group; the worker is a child
//! subreaper, so such orphans become the worker's own children instead of init's, and a scan of
//! `/proc` by parent id still finds every descendant.

use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Makes orphaned descendants of this process its children (Linux), so they can still be found.
pub fn become_subreaper() {
    // SAFETY: a plain prctl on this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the parenthesised command name: state, then the parent's id.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?;
    if state == "Z" {
        return None;
    }
    fields.next()?.parse().ok()
}

/// Every running (not zombie) descendant of `root`.
pub fn descendants(root: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let parents: Vec<(i32, i32)> = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()))
        .filter_map(|pid| parent_of(pid).map(|parent| (pid, parent)))
        .collect();
    let mut family: HashSet<i32> = HashSet::from([root]);
    let mut found = Vec::new();
    loop {
        let before = found.len();
        for (pid, parent) in &parents {
            if family.contains(parent) && family.insert(*pid) {
                found.push(*pid);
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Stops and kills every descendant of `root` (not `root` itself). Stopping first keeps them from
/// starting new ones while the tree is walked again. Returns how many were ended.
pub fn kill_descendants(root: i32) -> usize {
    let mut ended: HashSet<i32> = HashSet::new();
    for _ in 0..8 {
        let fresh: Vec<i32> = descendants(root).into_iter().filter(|pid| !ended.contains(pid)).collect();
        if fresh.is_empty() {
            break;
        }
        for pid in &fresh {
            // SAFETY: signalling processes descended from `root`, which this program started.
            unsafe {
                libc::kill(*pid, libc::SIGSTOP);
            }
        }
        ended.extend(fresh);
    }
    for pid in &ended {
        // SAFETY: as above.
        unsafe {
            libc::kill(*pid, libc::SIGKILL);
        }
    }
    ended.len()
}

/// Kills what this process's descendants are, then reaps those that are its own children, so no
/// zombie is left either. Returns how many processes were ended.
pub fn end_own_descendants() -> usize {
    let me = std::process::id() as i32;
    let ended = kill_descendants(me);
    if ended > 0 {
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            // SAFETY: reaping children of this process that were just killed.
            let reaped = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
            if reaped <= 0 && descendants(me).is_empty() {
                break;
            }
            if reaped <= 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
    ended
}
