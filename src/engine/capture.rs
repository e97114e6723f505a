//! The objects a run sees as `sys.stdout`, `sys.stderr` and `sys.stdin`.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use super::output::OutputBuffers;
use super::protocol::Response;
use super::sink::Sink;
use super::watchdog;
use crate::trace::Stream;

#[pyclass(module = "pyxray")]
pub struct OutputStream {
    stream: Stream,
    buffers: Arc<OutputBuffers>,
    closed: bool,
}

impl OutputStream {
    pub fn new(stream: Stream, buffers: Arc<OutputBuffers>) -> Self {
        OutputStream { stream, buffers, closed: false }
    }
}

fn abort_error(py: Python<'_>) -> PyErr {
    if let Some(reason) = watchdog::abort_reason() {
        unsafe { watchdog::raise_abort(reason) };
    }
    PyErr::take(py).unwrap_or_else(|| PyValueError::new_err("pyxray: the run was aborted"))
}

#[pymethods]
impl OutputStream {
    fn write(&mut self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<usize> {
        if self.closed {
            return Err(PyValueError::new_err("I/O operation on closed file."));
        }
        let Ok(text) = text.cast::<PyString>() else {
            let type_name = text.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            return Err(PyTypeError::new_err(format!("write() argument must be str, not {type_name}")));
        };
        let chars = text.len()?;
        // Strict, as CPython's UTF-8 stdout is: a lone surrogate raises UnicodeEncodeError.
        if !self.buffers.write(self.stream, text.to_str()?) {
            return Err(abort_error(py));
        }
        Ok(chars)
    }

    fn writelines(&mut self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<()> {
        for line in lines.try_iter()? {
            self.write(py, &line?)?;
        }
        Ok(())
    }

    fn flush(&self) -> PyResult<()> {
        if self.closed {
            return Err(PyValueError::new_err("I/O operation on closed file."));
        }
        Ok(())
    }

    fn close(&mut self) {
        self.closed = true;
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed
    }

    fn isatty(&self) -> bool {
        false
    }

    fn writable(&self) -> bool {
        true
    }

    fn readable(&self) -> bool {
        false
    }

    fn seekable(&self) -> bool {
        false
    }

    /// The real descriptor: what is written there is captured too.
    fn fileno(&self) -> i32 {
        match self.stream {
            Stream::Stdout => 1,
            Stream::Stderr => 2,
        }
    }

    #[getter]
    fn encoding(&self) -> &'static str {
        "utf-8"
    }

    #[getter]
    fn errors(&self) -> &'static str {
        "strict"
    }

    #[getter]
    fn line_buffering(&self) -> bool {
        true
    }

    #[getter]
    fn name(&self) -> &'static str {
        match self.stream {
            Stream::Stdout => "<stdout>",
            Stream::Stderr => "<stderr>",
        }
    }
}

#[derive(Default)]
struct InputBuffer {
    text: String,
    eof: bool,
    interactive: bool,
    /// `input()` wanted more than was supplied.
    exhausted: bool,
}

/// Text for `input()`, refilled by the app when the run is interactive.
#[derive(Default)]
pub struct InputState {
    buffer: Mutex<InputBuffer>,
    more: Condvar,
}

impl InputState {
    pub fn reset(&self, text: &str, interactive: bool) {
        if let Ok(mut buffer) = self.buffer.lock() {
            *buffer = InputBuffer { text: text.to_owned(), eof: false, interactive, exhausted: false };
        }
    }

    /// More text from the app; `None` closes the input.
    pub fn supply(&self, text: Option<String>) {
        if let Ok(mut buffer) = self.buffer.lock() {
            match text {
                Some(text) => buffer.text.push_str(&text),
                None => buffer.eof = true,
            }
        }
        self.more.notify_all();
    }

    /// Wakes a waiting `input()` (Stop uses this).
    pub fn wake(&self) {
        self.more.notify_all();
    }

    pub fn was_exhausted(&self) -> bool {
        self.buffer.lock().map(|b| b.exhausted).unwrap_or(false)
    }
}

#[pyclass(module = "pyxray")]
pub struct InputStream {
    state: Arc<InputState>,
    output: Arc<OutputBuffers>,
    sink: Sink,
}

impl InputStream {
    pub fn new(state: Arc<InputState>, output: Arc<OutputBuffers>, sink: Sink) -> Self {
        InputStream { state, output, sink }
    }

    /// Takes up to `size` characters (a line when `line`), waiting for the app when interactive.
    fn take(&self, py: Python<'_>, size: Option<usize>, line: bool) -> PyResult<String> {
        loop {
            if watchdog::abort_reason().is_some() {
                return Err(abort_error(py));
            }
            let mut buffer = self.state.buffer.lock().map_err(|_| PyValueError::new_err("input state poisoned"))?;
            let newline = if line { buffer.text.find('\n').map(|i| i + 1) } else { None };
            let available = buffer.text.len();
            let wanted = match (newline, size) {
                (Some(end), Some(size)) => Some(end.min(size)),
                (Some(end), None) => Some(end),
                (None, Some(size)) if size <= available => Some(size),
                _ => None,
            };
            if let Some(mut end) = wanted {
                while !buffer.text.is_char_boundary(end) {
                    end += 1;
                }
                return Ok(buffer.text.drain(..end).collect());
            }
            if buffer.eof {
                buffer.exhausted = true;
                return Ok(std::mem::take(&mut buffer.text));
            }
            if !buffer.interactive {
                buffer.eof = true;
                continue;
            }
            drop(buffer);
            // Ask the app for more, with the time limit paused while a person types.
            self.sink.send(&Response::WaitingForInput { prompt: self.output.pending_prompt() });
            let paused = Instant::now();
            let remaining = watchdog::pause_run_deadline();
            let state = self.state.clone();
            py.detach(move || {
                if let Ok(buffer) = state.buffer.lock() {
                    drop(state.more.wait_while(buffer, |b| {
                        !b.eof && !b.text.contains('\n') && watchdog::abort_reason().is_none()
                    }));
                }
            });
            watchdog::resume_run_deadline(remaining, paused);
        }
    }
}

#[pymethods]
impl InputStream {
    #[pyo3(signature = (size=-1))]
    fn readline(&self, py: Python<'_>, size: isize) -> PyResult<String> {
        self.take(py, usize::try_from(size).ok(), true)
    }

    #[pyo3(signature = (size=-1))]
    fn read(&self, py: Python<'_>, size: isize) -> PyResult<String> {
        match usize::try_from(size) {
            Ok(size) => self.take(py, Some(size), false),
            Err(_) => {
                let mut all = String::new();
                loop {
                    let line = self.take(py, None, true)?;
                    if line.is_empty() {
                        return Ok(all);
                    }
                    all.push_str(&line);
                }
            }
        }
    }

    fn isatty(&self) -> bool {
        false
    }

    fn readable(&self) -> bool {
        true
    }

    fn writable(&self) -> bool {
        false
    }

    fn fileno(&self) -> i32 {
        0
    }

    #[getter]
    fn closed(&self) -> bool {
        false
    }

    #[getter]
    fn encoding(&self) -> &'static str {
        "utf-8"
    }

    fn close(&self) {}
}
