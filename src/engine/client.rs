//! The app's side of the engine: starts the worker process, sends runs, receives steps, and enforces
//! Stop and the limits from outside, where no learner program can interfere.
//!
//! No Python here: this module is what the GUI and the CLI use.

use std::io::{BufReader, BufWriter};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::protocol::{self, Incoming, PROTOCOL_VERSION, Request, Response, RunRequest};
use crate::trace::{ConcurrencyEvent, Disassembly, Outcome, RunEnd, Stream};

/// How long a run may ignore Stop or its time limit before its worker is killed.
const GRACE: Duration = Duration::from_millis(500);
const SUPERVISOR_TICK: Duration = Duration::from_millis(20);
/// How long an idle worker may take to exit after `Shutdown` before it is killed.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(300);

#[derive(Debug)]
pub enum EngineEvent {
    Ready {
        python_version: String,
    },
    /// The program's code objects, disassembled; arrives before the run's first step.
    Bytecode(Box<Disassembly>),
    /// One recorded step, still encoded (see `TraceStore::push_encoded`).
    Step(Vec<u8>),
    /// Threads or asyncio tasks changed from the next step on (see `TraceStore::push_concurrency`).
    Concurrency(ConcurrencyEvent),
    Output {
        stream: Stream,
        text: String,
    },
    WaitingForInput {
        prompt: String,
    },
    Finished(RunEnd),
    /// The worker is being replaced (after a crash, a kill, or on request).
    Restarting {
        reason: String,
    },
    /// No worker could be started.
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    Starting,
    Idle,
    Running,
    WaitingForInput,
    Failed,
}

impl WorkerState {
    pub fn describe(self) -> &'static str {
        match self {
            WorkerState::Starting => "starting",
            WorkerState::Idle => "ready",
            WorkerState::Running => "running",
            WorkerState::WaitingForInput => "waiting for input",
            WorkerState::Failed => "failed",
        }
    }
}

struct RunWatch {
    /// The worker running it.
    generation: u64,
    started: Instant,
    time_limit: Duration,
    memory_limit_bytes: u64,
    stop_requested: Option<Instant>,
    waiting_since: Option<Instant>,
    paused: Duration,
    kill_reason: Option<Outcome>,
    peak_vm_bytes: u64,
}

struct WorkerHandle {
    generation: u64,
    pid: i32,
    requests: BufWriter<ChildStdin>,
}

struct State {
    worker: Option<WorkerHandle>,
    ready: bool,
    failed: bool,
    run: Option<RunWatch>,
    python_version: Option<String>,
    generation: u64,
    shutting_down: bool,
    /// `restart` is between killing the old worker and starting the new one: the old worker's
    /// reader must not start one of its own.
    replacing: bool,
}

type Wake = Arc<dyn Fn() + Send + Sync>;

struct Shared {
    exe: PathBuf,
    state: Mutex<State>,
    events: Sender<EngineEvent>,
    wake: Option<Wake>,
}

pub struct Engine {
    shared: Arc<Shared>,
    events: Receiver<EngineEvent>,
}

impl Engine {
    /// Starts a worker (`exe engine`). `wake` is called whenever an event arrives (the GUI repaints).
    pub fn start(exe: PathBuf, wake: Option<Wake>) -> Engine {
        let (sender, events) = mpsc::channel();
        let shared = Arc::new(Shared {
            exe,
            state: Mutex::new(State {
                worker: None,
                ready: false,
                failed: false,
                run: None,
                python_version: None,
                generation: 0,
                shutting_down: false,
                replacing: false,
            }),
            events: sender,
            wake,
        });
        spawn_worker(&shared);
        let supervisor = Arc::downgrade(&shared);
        let _ = std::thread::Builder::new().name("pyxray-supervisor".into()).spawn(move || {
            while let Some(shared) = supervisor.upgrade() {
                supervise(&shared);
                drop(shared);
                std::thread::sleep(SUPERVISOR_TICK);
            }
        });
        Engine { shared, events }
    }

    /// The binary to start as the worker: this very executable.
    pub fn current_exe() -> PathBuf {
        std::env::current_exe().unwrap_or_else(|_| PathBuf::from("pyxray"))
    }

    pub fn run(&self, request: RunRequest) -> Result<(), String> {
        let mut state = self.shared.lock();
        if state.run.is_some() {
            return Err("a program is already running".into());
        }
        let Some(worker) = state.worker.as_mut() else {
            return Err("the Python worker is not running".into());
        };
        let watch = RunWatch {
            generation: worker.generation,
            started: Instant::now(),
            time_limit: Duration::from_secs_f64(request.limits.time_limit_secs.clamp(0.05, 86_400.0)),
            memory_limit_bytes: request.limits.memory_limit_mb.saturating_mul(1024 * 1024),
            stop_requested: None,
            waiting_since: None,
            paused: Duration::ZERO,
            kill_reason: None,
            peak_vm_bytes: 0,
        };
        protocol::write_request(&mut worker.requests, &Request::Run(request))
            .map_err(|err| format!("cannot reach the Python worker: {err}"))?;
        state.run = Some(watch);
        Ok(())
    }

    /// Asks the running program to stop; the worker is killed if it has not stopped within a moment.
    pub fn stop(&self) {
        let mut state = self.shared.lock();
        let Some(run) = state.run.as_mut() else { return };
        run.stop_requested.get_or_insert_with(Instant::now);
        if let Some(worker) = state.worker.as_mut() {
            let _ = protocol::write_request(&mut worker.requests, &Request::Stop);
        }
    }

    /// Text for a waiting `input()`; `None` closes the program's input.
    pub fn send_input(&self, text: Option<String>) {
        let mut state = self.shared.lock();
        if let Some(run) = state.run.as_mut()
            && let Some(since) = run.waiting_since.take()
        {
            run.paused += since.elapsed();
        }
        if let Some(worker) = state.worker.as_mut() {
            let _ = protocol::write_request(&mut worker.requests, &Request::Input(text));
        }
    }

    /// Replaces the worker with a fresh interpreter (a fresh `sys.modules`).
    pub fn restart(&self) {
        {
            let mut state = self.shared.lock();
            if let Some(run) = state.run.as_mut() {
                run.kill_reason.get_or_insert(Outcome::Stopped);
            }
            state.replacing = true;
            kill_worker(&mut state);
        }
        // The reader of the old worker reports its end; a new one starts right away.
        spawn_worker(&self.shared);
    }

    pub fn try_recv(&self) -> Option<EngineEvent> {
        self.events.try_recv().ok()
    }

    pub fn recv_timeout(&self, timeout: Duration) -> Option<EngineEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    pub fn state(&self) -> WorkerState {
        let state = self.shared.lock();
        match (&state.run, state.ready, state.failed) {
            (Some(run), _, _) if run.waiting_since.is_some() => WorkerState::WaitingForInput,
            (Some(_), _, _) => WorkerState::Running,
            (None, _, true) => WorkerState::Failed,
            (None, true, _) => WorkerState::Idle,
            (None, false, _) => WorkerState::Starting,
        }
    }

    pub fn python_version(&self) -> Option<String> {
        self.shared.lock().python_version.clone()
    }

    /// The worker's process id (for tests that check nothing is left running).
    pub fn worker_pid(&self) -> Option<i32> {
        self.shared.lock().worker.as_ref().map(|w| w.pid)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.shutting_down = true;
        let idle = state.run.is_none();
        let pid = state.worker.as_ref().map(|w| w.pid);
        if let Some(worker) = state.worker.as_mut() {
            let _ = protocol::write_request(&mut worker.requests, &Request::Shutdown);
        }
        drop(state);
        // An idle worker exits by itself at once; give it a moment to, then make sure.
        if let (true, Some(pid)) = (idle, pid) {
            let deadline = Instant::now() + SHUTDOWN_GRACE;
            while Instant::now() < deadline && process_alive(pid) {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        kill_worker(&mut self.shared.lock());
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep going with it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn emit(&self, event: EngineEvent) {
        let _ = self.events.send(event);
        if let Some(wake) = &self.wake {
            wake();
        }
    }
}

fn kill_worker(state: &mut State) {
    if let Some(worker) = state.worker.take() {
        kill_worker_tree(worker.pid);
    }
    state.ready = false;
}

/// Kills the worker and everything the program started: its process group, and descendants that
/// left the group (`setsid`), found through the worker before it dies (it is their subreaper).
fn kill_worker_tree(pid: i32) {
    // SAFETY: signalling the worker we started, its process group, and its descendants.
    unsafe {
        libc::kill(pid, libc::SIGSTOP);
    }
    super::reaper::kill_descendants(pid);
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
        libc::kill(pid, libc::SIGKILL);
    }
}

fn spawn_worker(shared: &Arc<Shared>) {
    let mut command = Command::new(&shared.exe);
    command.arg("engine").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).process_group(0);
    let spawned = command.spawn();
    let mut state = shared.lock();
    if state.shutting_down {
        if let Ok(mut child) = spawned {
            let _ = child.kill();
            let _ = child.wait();
        }
        return;
    }
    state.generation += 1;
    state.replacing = false;
    let generation = state.generation;
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) => {
            state.failed = true;
            drop(state);
            shared
                .emit(EngineEvent::Failed(format!("cannot start the Python worker ({}): {err}", shared.exe.display())));
            return;
        }
    };
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        state.failed = true;
        return;
    };
    state.worker = Some(WorkerHandle { generation, pid: child.id() as i32, requests: BufWriter::new(stdin) });
    state.ready = false;
    state.failed = false;
    drop(state);
    let reader_shared = shared.clone();
    let spawned_reader = std::thread::Builder::new()
        .name("pyxray-responses".into())
        .spawn(move || read_worker(reader_shared, generation, child, BufReader::with_capacity(256 * 1024, stdout)));
    if let Err(err) = spawned_reader {
        shared.emit(EngineEvent::Failed(format!("cannot read from the Python worker: {err}")));
    }
}

fn read_worker(
    shared: Arc<Shared>,
    generation: u64,
    mut child: Child,
    mut stdout: BufReader<std::process::ChildStdout>,
) {
    let mut replace_reason = None;
    loop {
        match protocol::read_incoming(&mut stdout) {
            Ok(Some(Incoming::Step(bytes))) => shared.emit(EngineEvent::Step(bytes)),
            Ok(Some(Incoming::Message(message))) => match message {
                Response::Hello { protocol: version, python_version, .. } => {
                    if version != PROTOCOL_VERSION {
                        replace_reason = Some(format!("the worker speaks protocol {version}, not {PROTOCOL_VERSION}"));
                        break;
                    }
                    {
                        let mut state = shared.lock();
                        state.python_version = Some(python_version.clone());
                        state.ready = true;
                    }
                    shared.emit(EngineEvent::Ready { python_version });
                }
                Response::Bytecode(disassembly) => shared.emit(EngineEvent::Bytecode(Box::new(disassembly))),
                Response::Concurrency(event) => shared.emit(EngineEvent::Concurrency(event)),
                Response::Output { stream, text } => shared.emit(EngineEvent::Output { stream, text }),
                Response::WaitingForInput { prompt } => {
                    if let Some(run) = shared.lock().run.as_mut() {
                        run.waiting_since.get_or_insert_with(Instant::now);
                    }
                    shared.emit(EngineEvent::WaitingForInput { prompt });
                }
                Response::End(end) => {
                    {
                        let mut state = shared.lock();
                        if state.run.as_ref().is_some_and(|run| run.generation == generation) {
                            state.run = None;
                        }
                    }
                    shared.emit(EngineEvent::Finished(end));
                    if replace_reason.is_some() {
                        break;
                    }
                }
                Response::NeedsRestart { reason } => {
                    // Comes just before the end of the run that damaged the worker: report that
                    // end, then replace the worker. Until then it is not ready for another run.
                    replace_reason = Some(reason);
                    let mut state = shared.lock();
                    state.ready = false;
                    if state.run.as_ref().is_none_or(|run| run.generation != generation) {
                        break;
                    }
                }
            },
            Ok(None) => break,
            Err(err) => {
                replace_reason = Some(format!("the worker's messages could not be read: {err}"));
                break;
            }
        }
    }
    // Whatever ended the stream, nothing of this worker may outlive it: it may have exited on its own
    // (a Shutdown, `os._exit`, a crash) leaving processes the program started. It is not reaped
    // yet, so its pid and group id cannot have been reused.
    let worker_pid = child.id() as i32;
    super::reaper::kill_descendants(worker_pid);
    // SAFETY: killing the process group of the worker this thread owns.
    unsafe {
        libc::kill(-worker_pid, libc::SIGKILL);
    }
    if replace_reason.is_some() {
        unsafe {
            libc::kill(worker_pid, libc::SIGKILL);
        }
    }
    let status = child.wait();
    let mut state = shared.lock();
    let run = if state.run.as_ref().is_some_and(|run| run.generation == generation) { state.run.take() } else { None };
    if state.worker.as_ref().is_some_and(|w| w.generation == generation) {
        state.worker = None;
        state.ready = false;
    }
    let respawn = !state.shutting_down && !state.replacing && state.worker.is_none();
    drop(state);
    if let Some(run) = run {
        shared.emit(EngineEvent::Finished(end_of_lost_worker(&run, status.ok())));
    }
    if respawn {
        let reason = replace_reason.unwrap_or_else(|| "the worker ended".into());
        shared.emit(EngineEvent::Restarting { reason });
        spawn_worker(&shared);
    }
}

fn end_of_lost_worker(run: &RunWatch, status: Option<std::process::ExitStatus>) -> RunEnd {
    let elapsed = run.started.elapsed().saturating_sub(run.paused).as_secs_f64();
    if let Some(reason) = run.kill_reason {
        let message = match reason {
            Outcome::Stopped => format!("stopped after {elapsed:.1} s"),
            Outcome::TimeLimit => format!("time limit of {:.1} s reached", run.time_limit.as_secs_f64()),
            Outcome::MemoryLimit => {
                format!("memory limit of {} MB reached", run.memory_limit_bytes / (1024 * 1024))
            }
            other => other.as_str().to_owned(),
        };
        return RunEnd::new(reason, message);
    }
    match status {
        Some(status) => match (status.code(), status.signal()) {
            (Some(code), _) => {
                let mut end = RunEnd::new(Outcome::Exit, format!("the program exited with code {code}"));
                end.exit_code = Some(code);
                end
            }
            (None, Some(signal)) => {
                let near_memory_limit =
                    run.memory_limit_bytes > 0 && run.peak_vm_bytes >= run.memory_limit_bytes / 10 * 9;
                if near_memory_limit && (signal == libc::SIGKILL || signal == libc::SIGABRT) {
                    RunEnd::new(Outcome::MemoryLimit, "the memory limit was reached")
                } else {
                    RunEnd::new(Outcome::Crashed, format!("the Python worker crashed ({})", signal_name(signal)))
                }
            }
            (None, None) => RunEnd::new(Outcome::Crashed, "the Python worker ended unexpectedly"),
        },
        None => RunEnd::new(Outcome::Crashed, "the Python worker ended unexpectedly"),
    }
}

pub fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGSEGV => "SIGSEGV, a segmentation fault",
        libc::SIGABRT => "SIGABRT, aborted",
        libc::SIGKILL => "SIGKILL, killed",
        libc::SIGBUS => "SIGBUS, a bus error",
        libc::SIGFPE => "SIGFPE, an arithmetic fault",
        libc::SIGILL => "SIGILL, an illegal instruction",
        libc::SIGTERM => "SIGTERM, terminated",
        libc::SIGINT => "SIGINT, interrupted",
        _ => return format!("signal {signal}"),
    };
    name.to_owned()
}

/// Whether `pid` still runs (a zombie waiting to be reaped counts as ended).
fn process_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}

fn memory_of(pid: i32) -> Option<(u64, u64)> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let mut fields = statm.split_whitespace().map(|f| f.parse::<u64>().ok());
    let vm = fields.next()?? * 4096;
    let rss = fields.next()?? * 4096;
    Some((vm, rss))
}

/// One supervisor tick: kill the worker of a run that ignored Stop, overran its time, or outgrew
/// its memory.
fn supervise(shared: &Shared) {
    let mut state = shared.lock();
    let pid = state.worker.as_ref().map(|w| w.pid);
    let Some(run) = state.run.as_mut() else { return };
    if run.kill_reason.is_some() {
        return;
    }
    let now = Instant::now();
    let paused = run.paused + run.waiting_since.map_or(Duration::ZERO, |since| now - since);
    let mut reason = None;
    if run.stop_requested.is_some_and(|at| now - at > GRACE) {
        reason = Some(Outcome::Stopped);
    } else if run.waiting_since.is_none() && now - run.started > run.time_limit + paused + GRACE {
        reason = Some(Outcome::TimeLimit);
    }
    if let Some((vm, rss)) = pid.and_then(memory_of) {
        run.peak_vm_bytes = run.peak_vm_bytes.max(vm);
        // The worker caps its own address space; this catches what that cannot (e.g. a child's
        // memory is not counted, but a runaway RSS of the worker itself is).
        if run.memory_limit_bytes > 0 && rss > run.memory_limit_bytes + 256 * 1024 * 1024 {
            reason = reason.or(Some(Outcome::MemoryLimit));
        }
    }
    if let Some(reason) = reason {
        run.kill_reason = Some(reason);
        kill_worker(&mut state);
    }
}
