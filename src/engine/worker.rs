//! `pyxray engine`: the worker process that embeds CPython and runs learner code.
//!
//! Before Python starts, the protocol moves off descriptors 0 and 1 onto private ones (close-on-exec,
//! so programs the learner starts do not inherit them). Descriptor 0 becomes /dev/null, and 1 and 2
//! become pipes whose contents count as the program's output. Nothing a program writes can reach
//! the protocol stream.

use std::fs::File;
use std::io::BufReader;
use std::os::fd::FromRawFd;
use std::sync::Arc;
use std::sync::mpsc;

use pyo3::prelude::*;

use super::capture::InputState;
use super::output::{self, OutputBuffers};
use super::protocol::{self, PROTOCOL_VERSION, Request, Response};
use super::runner::{self, WorkerContext};
use super::sink::Sink;
use super::watchdog::{self, AbortReason};
use crate::trace::Stream;

struct Descriptors {
    requests: File,
    responses: File,
    stdout_pipe: i32,
    stderr_pipe: i32,
}

fn check(result: i32, what: &str) -> std::io::Result<i32> {
    if result < 0 {
        let err = std::io::Error::last_os_error();
        return Err(std::io::Error::new(err.kind(), format!("{what}: {err}")));
    }
    Ok(result)
}

/// Moves the protocol to private descriptors and puts pipes on 1 and 2.
fn take_over_descriptors() -> std::io::Result<Descriptors> {
    // SAFETY: plain descriptor syscalls at start-up, before any other thread exists.
    unsafe {
        let requests = check(libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 10), "dup stdin")?;
        let responses = check(libc::fcntl(1, libc::F_DUPFD_CLOEXEC, 10), "dup stdout")?;
        let null = check(libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY), "open /dev/null")?;
        check(libc::dup2(null, 0), "dup2 stdin")?;
        libc::close(null);
        let mut pipes = [[0i32; 2]; 2];
        for (target, pipe) in [1, 2].into_iter().zip(pipes.iter_mut()) {
            check(libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC), "pipe")?;
            check(libc::dup2(pipe[1], target), "dup2 output")?;
            libc::close(pipe[1]);
        }
        Ok(Descriptors {
            requests: File::from_raw_fd(requests),
            responses: File::from_raw_fd(responses),
            stdout_pipe: pipes[0][0],
            stderr_pipe: pipes[1][0],
        })
    }
}

/// Runs the worker until the app goes away or says `Shutdown`; returns the process exit code.
pub fn worker_main() -> i32 {
    let descriptors = match take_over_descriptors() {
        Ok(d) => d,
        Err(err) => {
            eprintln!("pyxray engine: {err}");
            return 2;
        }
    };
    super::reaper::become_subreaper();
    let output = Arc::new(OutputBuffers::new());
    output::pump_descriptor(descriptors.stdout_pipe, Stream::Stdout, output.clone());
    output::pump_descriptor(descriptors.stderr_pipe, Stream::Stderr, output.clone());
    let sink = Sink::new(descriptors.responses, output.clone());
    let input = Arc::new(InputState::default());

    let (runs, run_requests) = mpsc::channel::<Request>();
    // Waited on with the GIL released, which needs a `Sync` handle.
    let run_requests = std::sync::Mutex::new(run_requests);
    let reader_input = input.clone();
    let mut requests = BufReader::new(descriptors.requests);
    let reader = std::thread::Builder::new().name("pyxray-requests".into()).spawn(move || {
        loop {
            match protocol::read_request(&mut requests) {
                Ok(Some(Request::Stop)) => {
                    watchdog::request_abort(AbortReason::Stopped);
                    reader_input.wake();
                }
                Ok(Some(Request::Input(text))) => reader_input.supply(text),
                Ok(Some(other)) => {
                    if runs.send(other).is_err() {
                        break;
                    }
                }
                // The app is gone (or spoke nonsense): nothing left to work for.
                Ok(None) | Err(_) => {
                    super::reaper::kill_descendants(std::process::id() as i32);
                    std::process::exit(0)
                }
            }
        }
    });
    if let Err(err) = reader {
        eprintln!("pyxray engine: cannot start the request reader: {err}");
        return 2;
    }

    Python::initialize();
    Python::attach(|py| {
        unsafe { watchdog::init() };
        let context = WorkerContext { output, input, sink: sink.clone() };
        sink.send(&Response::Hello {
            protocol: PROTOCOL_VERSION,
            python_version: python_version(py),
            pid: std::process::id(),
        });
        loop {
            let request = py.detach(|| run_requests.lock().map_err(|_| mpsc::RecvError).and_then(|r| r.recv()));
            match request {
                Ok(Request::Run(run)) => {
                    let result = runner::execute(py, &run, &context);
                    // Said before the end, so the app never takes this worker for ready in between.
                    if let Some(reason) = result.needs_restart {
                        sink.send(&Response::NeedsRestart { reason });
                    }
                    sink.send(&Response::End(result.end));
                }
                Ok(Request::Shutdown) | Err(_) => break,
                Ok(Request::Stop | Request::Input(_)) => {}
            }
        }
        sink.flush();
    });
    super::reaper::end_own_descendants();
    0
}

fn python_version(py: Python<'_>) -> String {
    let info = py.version_info();
    format!("{}.{}.{}", info.major, info.minor, info.patch)
}
