//! The versioned protocol between the app (GUI or CLI) and its engine worker.
//!
//! Frames are `[u32 little-endian length][u8 tag][payload]`. A step's payload is its postcard-encoded
//! `StepDelta`, stored by the receiver as it arrives; every other message is a postcard `Request` or
//! `Response`. The worker speaks on descriptors it duplicated away from 0/1/2 before Python started,
//! so nothing a learner's program writes can corrupt the stream.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::trace::{ConcurrencyEvent, Disassembly, RunEnd, Stream};

pub const PROTOCOL_VERSION: u32 = 4;
/// A frame larger than this is treated as a corrupt stream rather than allocated.
pub const MAX_FRAME_BYTES: u32 = 256 * 1024 * 1024;

const TAG_MESSAGE: u8 = 1;
const TAG_STEP: u8 = 2;

/// Limits for one run. Defaults suit an interactive learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub max_steps: u64,
    pub time_limit_secs: f64,
    pub output_limit_bytes: u64,
    pub memory_limit_mb: u64,
    /// Children recorded per container before the rest are counted as "more".
    pub max_container_items: u32,
    /// Objects recorded per step before the rest of the heap is left out.
    pub max_objects: u32,
    /// Characters of a repr kept.
    pub max_repr_chars: u32,
    /// Time one `__repr__` call may take before a placeholder is shown.
    pub repr_time_budget_ms: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 200_000,
            time_limit_secs: 10.0,
            output_limit_bytes: 1_000_000,
            memory_limit_mb: 1024,
            max_container_items: 100,
            max_objects: 2_000,
            max_repr_chars: 500,
            repr_time_budget_ms: 200,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub code: String,
    /// Shown in tracebacks and used to tell learner frames from library frames.
    pub filename: String,
    pub limits: Limits,
    /// Text `input()` reads first. When it runs out: with `interactive`, the worker asks for more;
    /// otherwise `input()` gets EOF.
    pub stdin: String,
    pub interactive: bool,
    /// Record steps (false for a plain run).
    pub trace: bool,
    /// Put first on `sys.path` for the run (the program's folder), as `python PROGRAM.py` does.
    pub script_dir: Option<String>,
    /// Record one step per bytecode instruction (opcode events) instead of one per line.
    pub instruction_steps: bool,
}

impl RunRequest {
    /// A traced run of `code` under `filename` with the default limits, no input, line steps.
    pub fn traced(code: impl Into<String>, filename: impl Into<String>) -> Self {
        RunRequest {
            code: code.into(),
            filename: filename.into(),
            limits: Limits::default(),
            stdin: String::new(),
            interactive: false,
            trace: true,
            script_dir: None,
            instruction_steps: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Run(RunRequest),
    /// More text for `input()`; `None` closes stdin.
    Input(Option<String>),
    /// Ask the current run to stop; the app kills the worker if it does not.
    Stop,
    Shutdown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    Hello {
        protocol: u32,
        python_version: String,
        pid: u32,
    },
    /// Output not attached to a step (a plain run, or text written after the last step).
    Output {
        stream: Stream,
        text: String,
    },
    /// The program called `input()` and the supplied text ran out.
    WaitingForInput {
        prompt: String,
    },
    /// The program's code objects, disassembled before a traced run starts (before its first step).
    Bytecode(Disassembly),
    /// Threads or asyncio tasks changed; holds from the next step on.
    Concurrency(ConcurrencyEvent),
    End(RunEnd),
    /// The worker found itself unusable after the run (a thread still running, `sys.modules`
    /// emptied, ...) and should be replaced before the next one.
    NeedsRestart {
        reason: String,
    },
}

/// What arrives from the worker.
#[derive(Debug)]
pub enum Incoming {
    Message(Response),
    /// A `StepDelta`, still encoded.
    Step(Vec<u8>),
}

fn write_frame(out: &mut impl Write, tag: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len() + 1).map_err(|_| io::Error::other("frame too large"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&[tag])?;
    out.write_all(payload)
}

fn encode<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(io::Error::other)
}

pub fn write_request(out: &mut impl Write, request: &Request) -> io::Result<()> {
    write_frame(out, TAG_MESSAGE, &encode(request)?)?;
    out.flush()
}

pub fn write_response(out: &mut impl Write, response: &Response) -> io::Result<()> {
    write_frame(out, TAG_MESSAGE, &encode(response)?)
}

pub fn write_step(out: &mut impl Write, encoded_delta: &[u8]) -> io::Result<()> {
    write_frame(out, TAG_STEP, encoded_delta)
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
fn read_frame(input: &mut impl Read) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut len = [0u8; 4];
    let mut filled = 0;
    while filled < len.len() {
        match input.read(&mut len[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "stream ended inside a frame header")),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    let len = u32::from_le_bytes(len);
    if len == 0 || len > MAX_FRAME_BYTES {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("bad frame length {len}")));
    }
    let mut tag = [0u8; 1];
    input.read_exact(&mut tag)?;
    let mut payload = vec![0u8; len as usize - 1];
    input.read_exact(&mut payload)?;
    Ok(Some((tag[0], payload)))
}

fn invalid(err: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err.to_string())
}

pub fn read_incoming(input: &mut impl Read) -> io::Result<Option<Incoming>> {
    let Some((tag, payload)) = read_frame(input)? else { return Ok(None) };
    match tag {
        TAG_STEP => Ok(Some(Incoming::Step(payload))),
        TAG_MESSAGE => postcard::from_bytes(&payload).map(|r| Some(Incoming::Message(r))).map_err(invalid),
        other => Err(invalid(format!("unknown frame tag {other}"))),
    }
}

pub fn read_request(input: &mut impl Read) -> io::Result<Option<Request>> {
    let Some((tag, payload)) = read_frame(input)? else { return Ok(None) };
    if tag != TAG_MESSAGE {
        return Err(invalid(format!("unexpected frame tag {tag}")));
    }
    postcard::from_bytes(&payload).map(Some).map_err(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Outcome, StepDelta};

    #[test]
    fn frames_round_trip() {
        let mut buf = Vec::new();
        write_response(&mut buf, &Response::End(RunEnd::new(Outcome::Finished, "ok"))).unwrap();
        let delta = postcard::to_stdvec(&StepDelta { line: 7, ..Default::default() }).unwrap();
        write_step(&mut buf, &delta).unwrap();
        let mut input = buf.as_slice();
        assert!(matches!(read_incoming(&mut input).unwrap(), Some(Incoming::Message(Response::End(_)))));
        match read_incoming(&mut input).unwrap() {
            Some(Incoming::Step(bytes)) => assert_eq!(bytes, delta),
            other => panic!("{other:?}"),
        }
        assert!(read_incoming(&mut input).unwrap().is_none());
    }

    #[test]
    fn requests_round_trip() {
        let mut buf = Vec::new();
        write_request(&mut buf, &Request::Input(Some("hi\n".into()))).unwrap();
        assert_eq!(read_request(&mut buf.as_slice()).unwrap(), Some(Request::Input(Some("hi\n".into()))));
    }

    proptest::proptest! {
        /// Whatever arrives on the pipe, decoding returns a value or an error: it never panics and
        /// never allocates more than the frame limit.
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let mut input = bytes.as_slice();
            for _ in 0..8 {
                match read_incoming(&mut input) {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            let _ = read_request(&mut bytes.as_slice());
        }

        /// Valid frames with corrupted payloads decode to an error or a message, never a panic.
        #[test]
        fn corrupted_payloads_never_panic(payload in proptest::collection::vec(proptest::num::u8::ANY, 0..256), tag in 1u8..3) {
            let mut frame = Vec::new();
            frame.extend_from_slice(&((payload.len() + 1) as u32).to_le_bytes());
            frame.push(tag);
            frame.extend_from_slice(&payload);
            let _ = read_incoming(&mut frame.as_slice());
            if let Ok(Some(Incoming::Step(bytes))) = read_incoming(&mut frame.as_slice()) {
                let mut store = crate::trace::TraceStore::new();
                let _ = store.push_encoded(&bytes);
            }
        }
    }

    #[test]
    fn corrupt_streams_are_errors() {
        for bad in [vec![0, 0, 0, 0], vec![255, 255, 255, 255, 1], vec![3, 0, 0, 0, 9, 1, 2], vec![2, 0, 0, 0, 1, 200]]
        {
            assert!(read_incoming(&mut bad.as_slice()).is_err(), "{bad:?}");
        }
        assert!(read_incoming(&mut [1u8, 0].as_slice()).is_err(), "truncated length");
    }
}
