//! Running one hostile program through the real `pyxray trace` binary, and checking what it leaves
//! behind: the end record, the wall time, the trace's size, and any process still running.
//!
//! Every run gets its own marker in the environment (`PYXRAY_HOSTILE_MARKER`). The worker inherits
//! it, and so does every process the program starts (a `setsid` one included), so scanning
//! `/proc/*/environ` for the marker finds whatever the run left running.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

const MARKER_VAR: &str = "PYXRAY_HOSTILE_MARKER";
/// A `pyxray trace` that runs longer than this has hung: it is killed and the test fails.
const HANG: Duration = Duration::from_secs(120);
/// How long processes may take to disappear after `pyxray trace` returned.
const REAP_GRACE: Duration = Duration::from_secs(2);

/// What one `pyxray trace` run produced.
pub struct Traced {
    /// The header's Python version.
    pub python: String,
    pub elapsed: Duration,
    /// The last line of the trace (the end record), parsed.
    pub end: Value,
    /// The number of step lines.
    pub steps: u64,
    /// Everything written to stdout/stderr during the steps and after them, joined.
    pub stdout: String,
    pub stderr_output: String,
    /// The trace file's size in bytes.
    pub trace_bytes: u64,
    /// The last step line, parsed (when there was one).
    pub last_step: Option<Value>,
    /// `pyxray trace`'s own standard error.
    pub cli_stderr: String,
    /// The folder the program ran in (`HOSTILE_DIR` in its environment); pid files go here.
    pub dir: tempfile::TempDir,
}

impl Traced {
    pub fn outcome(&self) -> &str {
        self.end["outcome"].as_str().unwrap_or("<no outcome>")
    }

    /// The embedded Python's minor version (`11` for 3.11), from the trace's header.
    pub fn python_minor(&self) -> u32 {
        self.python.split('.').nth(1).and_then(|minor| minor.parse().ok()).unwrap_or(0)
    }

    pub fn message(&self) -> &str {
        self.end["message"].as_str().unwrap_or("")
    }

    /// Asserts the outcome, with the whole end record in the failure message.
    pub fn expect_outcome(&self, outcome: &str) -> &Self {
        assert_eq!(self.outcome(), outcome, "end record: {}\npyxray stderr: {}", self.end, self.cli_stderr);
        self
    }

    /// Asserts the run ended within `bound`.
    pub fn within(&self, bound: Duration) -> &Self {
        assert!(self.elapsed < bound, "took {:?}, more than {bound:?}; end: {}", self.elapsed, self.end);
        self
    }

    /// Asserts the trace file stayed under `bytes`.
    pub fn trace_under(&self, bytes: u64) -> &Self {
        assert!(self.trace_bytes < bytes, "the trace is {} bytes, more than {bytes}", self.trace_bytes);
        self
    }

    /// The pids the program wrote to `pids` in its folder, one per line.
    pub fn recorded_pids(&self) -> Vec<i32> {
        std::fs::read_to_string(self.dir.path().join("pids"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .collect()
    }

    /// Every object of the run whose type is `type_name`, with the fields of all its lines merged.
    pub fn objects_by_type(&self, type_name: &str) -> Vec<Value> {
        self.all_objects().into_iter().filter(|object| object["type"] == type_name).collect()
    }

    fn all_objects(&self) -> Vec<Value> {
        let file = std::fs::File::open(self.dir.path().join("trace.jsonl")).expect("trace readable");
        let mut objects = serde_json::Map::new();
        for line in BufReader::new(file).lines() {
            let line = line.expect("trace line");
            if !line.starts_with("{\"type\":\"step\"") {
                continue;
            }
            let step: Value = serde_json::from_str(&line).expect("step line is JSON");
            for (id, object) in step["objects"].as_object().into_iter().flatten() {
                let entry = objects.entry(id.clone()).or_insert_with(|| Value::Object(Default::default()));
                for (key, value) in object.as_object().into_iter().flatten() {
                    entry[key] = value.clone();
                }
            }
        }
        objects.into_iter().map(|(_, object)| object).collect()
    }
}

fn next_marker() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!("hostile-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// Runs `program` (raw bytes, so tests can hand in non-UTF-8 text) through `pyxray trace ARGS`,
/// then checks that nothing it started is still running.
pub fn trace(program: impl AsRef<[u8]>, args: &[&str]) -> Traced {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("prog.py");
    std::fs::write(&path, program).expect("write the program");
    let out = dir.path().join("trace.jsonl");
    let marker = next_marker();
    let (status, elapsed, cli_stderr) = run_cli(&path, &out, args, &marker, dir.path());
    assert_nothing_left(&marker);
    assert!(status.success(), "pyxray trace failed ({status}): {cli_stderr}");
    let summary = summarise(&out);
    // Shown with --nocapture: the suite's report of outcome and time per case.
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    eprintln!("[hostile] {test}: {} in {:.2} s", summary.end["outcome"], elapsed.as_secs_f64());
    Traced {
        python: summary.python,
        elapsed,
        end: summary.end,
        steps: summary.steps,
        stdout: summary.stdout,
        stderr_output: summary.stderr,
        trace_bytes: std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0),
        last_step: summary.last_step,
        cli_stderr,
        dir,
    }
}

/// Runs `pyxray ARGS` (any subcommand) and returns its status, stdout and stderr, after checking
/// nothing it started is left.
pub fn pyxray(args: &[&std::ffi::OsStr]) -> (ExitStatus, String, String, Duration) {
    let marker = next_marker();
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pyxray"))
        .args(args)
        .env(MARKER_VAR, &marker)
        .stdin(Stdio::null())
        .output()
        .expect("pyxray runs");
    let elapsed = started.elapsed();
    assert_nothing_left(&marker);
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed,
    )
}

fn run_cli(program: &Path, out: &Path, args: &[&str], marker: &str, dir: &Path) -> (ExitStatus, Duration, String) {
    let stderr_path = dir.join("pyxray-stderr.txt");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyxray"))
        .arg("trace")
        .arg(program)
        .arg("--out")
        .arg(out)
        .args(args)
        .env(MARKER_VAR, marker)
        .env("HOSTILE_DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("pyxray starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for pyxray") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            kill_marked(marker);
            panic!("pyxray trace hung for {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let cli_stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(!cli_stderr.contains("panicked"), "pyxray panicked: {cli_stderr}");
    (status, elapsed, cli_stderr)
}

struct Summary {
    python: String,
    end: Value,
    steps: u64,
    stdout: String,
    stderr: String,
    last_step: Option<Value>,
}

/// Reads the trace line by line (it may be large), keeping only what the tests look at.
fn summarise(out: &PathBuf) -> Summary {
    let mut summary = Summary {
        python: String::new(),
        end: Value::Null,
        steps: 0,
        stdout: String::new(),
        stderr: String::new(),
        last_step: None,
    };
    let Ok(file) = std::fs::File::open(out) else { return summary };
    let mut last_step_line = None;
    for line in BufReader::new(file).lines() {
        let line = line.expect("the trace is UTF-8 text");
        if line.starts_with("{\"type\":\"step\"") {
            summary.steps += 1;
            let step: Value = serde_json::from_str(&line).expect("a step line is JSON");
            for (field, into) in [("stdout", &mut summary.stdout), ("stderr", &mut summary.stderr)] {
                if let Some(text) = step[field].as_str() {
                    into.push_str(text);
                }
            }
            last_step_line = Some(step);
        } else if line.starts_with("{\"type\":\"header\"") {
            let header: Value = serde_json::from_str(&line).expect("the header is JSON");
            summary.python = header["python"].as_str().unwrap_or_default().to_owned();
        } else if line.starts_with("{\"type\":\"end\"") {
            let end: Value = serde_json::from_str(&line).expect("the end line is JSON");
            for (field, into) in [("stdout", &mut summary.stdout), ("stderr", &mut summary.stderr)] {
                if let Some(text) = end[field].as_str() {
                    into.push_str(text);
                }
            }
            summary.end = end;
        }
    }
    summary.last_step = last_step_line;
    summary
}

/// Processes carrying `marker` in their environment (zombies have none, so they do not count).
pub fn marked_processes(marker: &str) -> Vec<(i32, String)> {
    let needle = format!("{MARKER_VAR}={marker}\0");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return found };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) else { continue };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.windows(needle.len()).any(|window| window == needle.as_bytes()) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
        }
    }
    found
}

fn kill_marked(marker: &str) {
    for (pid, _) in marked_processes(marker) {
        // SAFETY: signalling a process this test started (it carries the test's marker).
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Fails the test if anything started under `marker` still runs a moment after pyxray returned
/// (and kills it, so a failure leaves nothing behind either).
pub fn assert_nothing_left(marker: &str) {
    let deadline = Instant::now() + REAP_GRACE;
    loop {
        let left = marked_processes(marker);
        if left.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            kill_marked(marker);
            panic!("processes left running after pyxray returned: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether `pid` is gone (or a zombie, which runs nothing).
pub fn process_gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) == Some("Z"),
        Err(_) => true,
    }
}

/// Seconds, for readable bounds.
pub fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}
