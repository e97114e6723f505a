//! What the program writes, gathered from `sys.stdout`/`sys.stderr` and from the raw descriptors 1 and 2
//! (C code and child processes write there), until the next step or flush collects it.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::watchdog::{self, AbortReason};
use crate::trace::Stream;

#[derive(Default)]
pub struct OutputBuffers {
    stdout: Mutex<String>,
    stderr: Mutex<String>,
    /// Something is waiting to be collected (checked without locking at every step).
    pending: AtomicBool,
    written: AtomicU64,
    limit: AtomicU64,
}

impl OutputBuffers {
    pub fn new() -> Self {
        let buffers = Self::default();
        buffers.limit.store(u64::MAX, Ordering::Relaxed);
        buffers
    }

    /// Starts a run: forgets what was written and sets the output limit.
    pub fn reset(&self, limit: u64) {
        self.take();
        self.written.store(0, Ordering::Relaxed);
        self.limit.store(limit, Ordering::Relaxed);
    }

    /// Appends text; past the limit, keeps what fits, then aborts the run. Returns false when the
    /// limit was reached.
    pub fn write(&self, stream: Stream, text: &str) -> bool {
        let limit = self.limit.load(Ordering::Relaxed);
        let before = self.written.fetch_add(text.len() as u64, Ordering::Relaxed);
        let room = limit.saturating_sub(before) as usize;
        let kept = if text.len() > room {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            &text[..cut]
        } else {
            text
        };
        let target = match stream {
            Stream::Stdout => &self.stdout,
            Stream::Stderr => &self.stderr,
        };
        if !kept.is_empty()
            && let Ok(mut buffer) = target.lock()
        {
            buffer.push_str(kept);
            self.pending.store(true, Ordering::Release);
        }
        if kept.len() < text.len() {
            watchdog::request_abort(AbortReason::OutputLimit);
            return false;
        }
        true
    }

    /// Collects everything written since the last call.
    pub fn take(&self) -> (String, String) {
        if !self.pending.swap(false, Ordering::Acquire) {
            return (String::new(), String::new());
        }
        let take = |m: &Mutex<String>| m.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
        (take(&self.stdout), take(&self.stderr))
    }

    /// The text after the last newline written to stdout and not yet collected (an `input()` prompt).
    pub fn pending_prompt(&self) -> String {
        self.stdout.lock().map(|s| s.rsplit('\n').next().unwrap_or_default().to_owned()).unwrap_or_default()
    }
}

/// Forwards bytes written to a raw descriptor (its read end is `fd`) into the buffers.
pub fn pump_descriptor(fd: i32, stream: Stream, buffers: std::sync::Arc<OutputBuffers>) {
    // SAFETY: the worker created this pipe and hands its read end to this thread alone.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut file = std::fs::File::from(owned);
    let spawned = std::thread::Builder::new().name(format!("pyxray-{stream:?}")).spawn(move || {
        let mut chunk = [0u8; 8192];
        let mut carry = Vec::new();
        loop {
            match file.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    carry.extend_from_slice(&chunk[..n]);
                    // Keep an incomplete UTF-8 sequence for the next read.
                    let valid = match std::str::from_utf8(&carry) {
                        Ok(_) => carry.len(),
                        Err(err) if err.error_len().is_none() => err.valid_up_to(),
                        Err(_) => carry.len(),
                    };
                    let text = String::from_utf8_lossy(&carry[..valid]).into_owned();
                    carry.drain(..valid);
                    buffers.write(stream, &text);
                }
            }
        }
    });
    if let Err(err) = spawned {
        eprintln!("pyxray worker: cannot watch {stream:?}: {err}");
    }
}
