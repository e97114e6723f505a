//! Command-line entry points: the GUI (no subcommand), the hidden engine worker, and the tools.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

use crate::engine::{Engine, EngineEvent, Limits, RunRequest};
use crate::trace::{self, Outcome, RunEnd, Stream, TraceStore};

#[derive(Parser, Debug)]
#[command(name = "pyxray", about = "See how CPython really runs your code.", disable_version_flag = true)]
pub struct Cli {
    /// Print pyxray's version and the embedded Python's.
    #[arg(short = 'V', long)]
    pub version: bool,
    /// Keep notes, progress and settings in DIR instead of the user's config directory.
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The Python worker process (started by pyxray itself).
    #[command(hide = true)]
    Engine,
    /// Run a program under the tracer and write its trace as JSON Lines.
    Trace {
        program: PathBuf,
        #[arg(long, default_value_t = Limits::default().max_steps)]
        max_steps: u64,
        /// Wall-clock limit in seconds.
        #[arg(long, default_value_t = Limits::default().time_limit_secs)]
        timeout: f64,
        /// Where to write the trace (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Children recorded per container.
        #[arg(long, default_value_t = Limits::default().max_container_items)]
        max_items: u32,
        /// Objects recorded per step.
        #[arg(long, default_value_t = Limits::default().max_objects)]
        max_objects: u32,
        /// Text for input() (default: none, so input() gets EOF).
        #[arg(long)]
        stdin: Option<PathBuf>,
        /// Memory the program may use, in MB (0: no limit).
        #[arg(long, value_name = "MB", default_value_t = Limits::default().memory_limit_mb)]
        memory_limit: u64,
        /// One step per bytecode instruction (`instruction` events) instead of one per line.
        #[arg(long)]
        instructions: bool,
    },
    /// Lesson tools.
    Lessons {
        #[command(subcommand)]
        command: LessonsCommand,
    },
    /// Measure the engine's speed and memory (ratios, side by side).
    Bench,
    /// Draw the heap diagram of one step of a program, as SVG or PNG (chosen by the extension of --out).
    Render {
        program: PathBuf,
        /// The step to draw, counted from 1 as the window's "step N of M" counts.
        #[arg(long)]
        step: u64,
        /// Where to write the diagram: a .svg or .png file.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = Limits::default().max_steps)]
        max_steps: u64,
        /// Wall-clock limit in seconds.
        #[arg(long, default_value_t = Limits::default().time_limit_secs)]
        timeout: f64,
        /// Children recorded per container.
        #[arg(long, default_value_t = Limits::default().max_container_items)]
        max_items: u32,
        /// Draw ints, strings and other values as objects of their own (shows their sharing).
        #[arg(long)]
        show_every_object: bool,
        /// Add refcount and size badges to every object.
        #[arg(long)]
        badges: bool,
        /// Use the dark theme's colours (default: light).
        #[arg(long)]
        dark: bool,
    },
    /// Run a program (untraced) in the worker: its output, then its outcome.
    Run {
        program: PathBuf,
        #[arg(long, default_value_t = Limits::default().time_limit_secs)]
        timeout: f64,
        #[arg(long)]
        stdin: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum LessonsCommand {
    /// Parse every lesson, run every example, predict and exercise, and report a line per lesson.
    Check {
        /// A lesson folder (default: the lessons built into pyxray).
        dir: Option<PathBuf>,
    },
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Engine) => crate::engine::worker::worker_main(),
        Some(Command::Trace {
            program,
            max_steps,
            timeout,
            out,
            max_items,
            max_objects,
            stdin,
            memory_limit,
            instructions,
        }) => {
            let limits = Limits {
                max_steps,
                time_limit_secs: timeout,
                max_container_items: max_items,
                max_objects,
                memory_limit_mb: memory_limit,
                ..Limits::default()
            };
            report(trace_command(&program, limits, instructions, out.as_deref(), stdin.as_deref()))
        }
        Some(Command::Run { program, timeout, stdin }) => {
            let limits = Limits { time_limit_secs: timeout, ..Limits::default() };
            report(run_command(&program, limits, stdin.as_deref()))
        }
        Some(Command::Lessons { command: LessonsCommand::Check { dir } }) => {
            report(crate::lesson_check::run(dir.as_deref()))
        }
        Some(Command::Bench) => report(crate::bench::run()),
        Some(Command::Render {
            program,
            step,
            out,
            max_steps,
            timeout,
            max_items,
            show_every_object,
            badges,
            dark,
        }) => {
            let limits =
                Limits { max_steps, time_limit_secs: timeout, max_container_items: max_items, ..Limits::default() };
            let options = crate::ui::heap::ViewOptions { show_every_object, badges };
            report(render_command(&program, step, &out, limits, options, dark))
        }
        None if cli.version => {
            println!("{}", version_line());
            0
        }
        None => crate::app::run_gui(cli.data_dir),
    }
}

fn report(result: Result<i32, String>) -> i32 {
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pyxray: {message}");
            2
        }
    }
}

pub fn version_line() -> String {
    let engine = Engine::start(Engine::current_exe(), None);
    let python = wait_ready(&engine).unwrap_or_else(|err| format!("unavailable ({err})"));
    format!("pyxray {} (Python {python})", env!("CARGO_PKG_VERSION"))
}

/// Waits for the worker's greeting; returns the Python version.
pub fn wait_ready(engine: &Engine) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match engine.recv_timeout(Duration::from_millis(100)) {
            Some(EngineEvent::Ready { python_version }) => return Ok(python_version),
            Some(EngineEvent::Failed(message)) => return Err(message),
            _ => {}
        }
    }
    Err("the Python worker did not start within 30 s".into())
}

fn read_program(program: &Path) -> Result<(String, RunRequest), String> {
    let bytes = std::fs::read(program).map_err(|err| format!("cannot read {}: {err}", program.display()))?;
    let code = String::from_utf8(bytes).map_err(|err| {
        format!("{} is not UTF-8 text (first bad byte at offset {})", program.display(), err.utf8_error().valid_up_to())
    })?;
    let absolute = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
    let request = RunRequest {
        code: code.clone(),
        filename: absolute.display().to_string(),
        limits: Limits::default(),
        stdin: String::new(),
        interactive: false,
        trace: true,
        script_dir: absolute.parent().map(|dir| dir.display().to_string()),
        instruction_steps: false,
    };
    Ok((code, request))
}

fn read_stdin_file(stdin: Option<&Path>) -> Result<String, String> {
    match stdin {
        Some(path) => std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display())),
        None => Ok(String::new()),
    }
}

/// Runs `request` to its end, handing every event to `on_event`; returns the end.
pub fn run_to_end(
    engine: &Engine,
    request: RunRequest,
    mut on_event: impl FnMut(EngineEvent),
) -> Result<RunEnd, String> {
    engine.run(request)?;
    loop {
        match engine.recv_timeout(Duration::from_secs(1)) {
            Some(EngineEvent::Finished(end)) => return Ok(end),
            Some(EngineEvent::Failed(message)) => return Err(message),
            Some(EngineEvent::WaitingForInput { .. }) => engine.send_input(None),
            Some(event) => on_event(event),
            None => {}
        }
    }
}

fn trace_command(
    program: &Path,
    limits: Limits,
    instructions: bool,
    out: Option<&Path>,
    stdin: Option<&Path>,
) -> Result<i32, String> {
    let (_, mut request) = read_program(program)?;
    request.limits = limits;
    request.instruction_steps = instructions;
    request.stdin = read_stdin_file(stdin)?;
    let engine = Engine::start(Engine::current_exe(), None);
    let python = wait_ready(&engine)?;
    let mut writer: Box<dyn Write> = match out {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|err| format!("cannot create {}: {err}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut lines = trace::json::JsonLines::default();
    lines.value_line(&trace::json::header(&python, &request.filename, request.limits.max_steps));
    let mut trailing = (String::new(), String::new());
    let mut failure = None;
    let end = run_to_end(&engine, request, |event| match event {
        EngineEvent::Step(bytes) => match postcard::from_bytes::<trace::StepDelta>(&bytes) {
            Ok(delta) => {
                lines.step(delta);
                if lines.pending().len() >= PENDING_TRACE_BYTES
                    && let Err(err) = write_pending(&mut lines, &mut writer)
                {
                    failure.get_or_insert(err);
                }
            }
            Err(err) => {
                failure.get_or_insert(format!("step {} could not be decoded: {err}", lines.steps()));
            }
        },
        EngineEvent::Concurrency(event) => lines.concurrency(&event),
        EngineEvent::Output { stream: Stream::Stdout, text } => trailing.0.push_str(&text),
        EngineEvent::Output { stream: Stream::Stderr, text } => trailing.1.push_str(&text),
        _ => {}
    })?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    lines.value_line(&trace::json::end(&RunEnd { steps: lines.steps(), ..end }, &trailing.0, &trailing.1));
    write_pending(&mut lines, &mut writer)?;
    writer.flush().map_err(|err| format!("cannot write the trace: {err}"))?;
    if std::env::var_os("PYXRAY_REPORT_MEMORY").is_some() {
        // For `pyxray bench`: this process's and the worker's peak resident memory.
        let peaks = [Some(std::process::id() as i32), engine.worker_pid()];
        for pid in peaks.into_iter().flatten() {
            if let Some(kb) = peak_rss_kb(pid) {
                eprintln!("pyxray-memory-kb {kb}");
            }
        }
    }
    Ok(0)
}

/// Trace lines gathered before they are written out (one write per this many bytes).
const PENDING_TRACE_BYTES: usize = 1 << 20;

fn write_pending(lines: &mut trace::json::JsonLines, writer: &mut dyn Write) -> Result<(), String> {
    let written = writer.write_all(lines.pending());
    // Cleared even when the write failed, so a failing output does not pile the trace up in memory.
    lines.clear_pending();
    written.map_err(|err| format!("cannot write the trace: {err}"))
}

fn peak_rss_kb(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run_command(program: &Path, limits: Limits, stdin: Option<&Path>) -> Result<i32, String> {
    let (_, mut request) = read_program(program)?;
    request.limits = limits;
    request.trace = false;
    request.stdin = read_stdin_file(stdin)?;
    let engine = Engine::start(Engine::current_exe(), None);
    wait_ready(&engine)?;
    let end = run_to_end(&engine, request, |event| {
        if let EngineEvent::Output { stream, text } = event {
            let _ = match stream {
                Stream::Stdout => std::io::stdout().write_all(text.as_bytes()),
                Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
            };
        }
    })?;
    let _ = std::io::stdout().flush();
    if end.message == end.outcome.as_str() {
        eprintln!("pyxray: {}", end.outcome.as_str());
    } else {
        eprintln!("pyxray: {}: {}", end.outcome.as_str(), end.message);
    }
    Ok(match end.outcome {
        Outcome::Finished => 0,
        Outcome::Exit => end.exit_code.unwrap_or(1),
        _ => 1,
    })
}

/// Runs a program traced and collects its whole trace (tests, benchmarks, lesson checks).
pub fn record(engine: &Engine, request: RunRequest) -> Result<TraceStore, String> {
    let mut store = TraceStore::new();
    let mut failure = None;
    let end = run_to_end(engine, request, |event| match event {
        EngineEvent::Step(bytes) => {
            if let Err(err) = store.push_encoded(&bytes) {
                failure.get_or_insert(err.to_string());
            }
        }
        EngineEvent::Concurrency(event) => store.push_concurrency(event),
        EngineEvent::Output { stream, text } => store.push_output(stream, &text),
        _ => {}
    })?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    store.set_end(end);
    Ok(store)
}

/// `pyxray render`: records the program, then draws step `step` (1-based) with the Heap panel's layout.
fn render_command(
    program: &Path,
    step: u64,
    out: &Path,
    limits: Limits,
    options: crate::ui::heap::ViewOptions,
    dark: bool,
) -> Result<i32, String> {
    use crate::ui::heap::{diagram_of_step, export};
    export::Format::of(out)?;
    if step == 0 {
        return Err("steps are counted from 1 (as in the window's \"step N of M\"); use --step 1 for the first".into());
    }
    let (_, mut request) = read_program(program)?;
    request.limits = limits;
    let engine = Engine::start(Engine::current_exe(), None);
    wait_ready(&engine)?;
    let mut store = record(&engine, request)?;
    let steps = store.len();
    let ended = store.end().map(crate::ui::model::describe_end).unwrap_or_else(|| "unknown".into());
    if step > steps {
        return Err(format!(
            "step {step} is out of range: {} recorded {steps} step{} (it ended: {ended})",
            program.display(),
            if steps == 1 { "" } else { "s" }
        ));
    }
    if store.end().is_some_and(|end| end.outcome != Outcome::Finished) {
        eprintln!("pyxray: the program did not finish ({ended}); drawing step {step} of its partial trace");
    }
    let diagram = diagram_of_step(&mut store, step - 1, options)?;
    export::write_diagram(out, &diagram, &crate::ui::theme::DiagramPalette::for_dark_mode(dark))?;
    eprintln!("pyxray: wrote step {step} of {steps} to {}", out.display());
    Ok(0)
}
