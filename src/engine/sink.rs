//! The worker's side of the protocol stream: steps and messages, buffered, flushed often enough for
//! the app to show progress and before the worker can die.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::output::OutputBuffers;
use super::protocol::{self, Response};
use crate::trace::Stream;

#[derive(Clone)]
pub struct Sink {
    out: Arc<Mutex<BufWriter<File>>>,
    /// In a plain (untraced) run there are no steps to carry output, so the flusher forwards it.
    forward_output: Arc<AtomicBool>,
}

impl Sink {
    pub fn new(file: File, output: Arc<OutputBuffers>) -> Self {
        let sink = Sink {
            // Small enough that a fast run's steps reach the reader while it still runs, so the app
            // (or `pyxray trace`'s JSON writer) works on the other core alongside the tracer.
            out: Arc::new(Mutex::new(BufWriter::with_capacity(32 * 1024, file))),
            forward_output: Arc::new(AtomicBool::new(false)),
        };
        let flusher = sink.clone();
        let _ = std::thread::Builder::new().name("pyxray-flush".into()).spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(30));
                if flusher.forward_output.load(Ordering::Relaxed) {
                    flusher.send_output(&output);
                }
                flusher.flush();
            }
        });
        sink
    }

    pub fn set_forward_output(&self, on: bool) {
        self.forward_output.store(on, Ordering::Relaxed);
    }

    /// Sends whatever output is waiting as `Output` messages.
    pub fn send_output(&self, output: &OutputBuffers) {
        // Taken and written under the stream's lock, so output taken by the flusher can never be
        // overtaken by the run's `End` and arrive after it.
        let Ok(mut out) = self.out.lock() else { return };
        let (stdout, stderr) = output.take();
        for (stream, text) in [(Stream::Stdout, stdout), (Stream::Stderr, stderr)] {
            if !text.is_empty() {
                let _ = protocol::write_response(&mut *out, &Response::Output { stream, text });
            }
        }
        let _ = out.flush();
    }

    pub fn step(&self, encoded: &[u8]) {
        if let Ok(mut out) = self.out.lock() {
            // A broken pipe means the app is gone; the worker notices on its next read.
            let _ = protocol::write_step(&mut *out, encoded);
        }
    }

    pub fn send(&self, response: &Response) {
        if let Ok(mut out) = self.out.lock() {
            let _ = protocol::write_response(&mut *out, response);
            let _ = out.flush();
        }
    }

    pub fn flush(&self) {
        if let Ok(mut out) = self.out.lock() {
            let _ = out.flush();
        }
    }
}
