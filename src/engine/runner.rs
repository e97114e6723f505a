//! One run of a learner's program inside the worker: compile, set the stage, execute (traced or
//! not), decide the outcome, and put the interpreter back the way the next run expects it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyMemoryError, PySyntaxError, PySystemExit};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule};

use super::bytecode;
use super::capture::{InputState, InputStream, OutputStream};
use super::heap::HeapLimits;
use super::imports;
use super::output::OutputBuffers;
use super::protocol::{Response, RunRequest};
use super::sink::Sink;
use super::tracer::{self, RecorderConfig};
use super::watchdog::{self, AbortReason};
use crate::trace::{Outcome, RunEnd, Stream};

pub struct WorkerContext {
    pub output: Arc<OutputBuffers>,
    pub input: Arc<InputState>,
    pub sink: Sink,
}

/// The result of a run: its end, and a reason to replace the worker before the next one.
pub struct RunResult {
    pub end: RunEnd,
    pub needs_restart: Option<String>,
}

/// What a run changes in the interpreter and must give back.
struct Saved<'py> {
    sys: Bound<'py, PyModule>,
    streams: Vec<(&'static str, Bound<'py, PyAny>)>,
    builtins: Bound<'py, PyDict>,
    settrace: Option<Bound<'py, PyAny>>,
    os_exit: Option<Bound<'py, PyAny>>,
    sys_path_added: bool,
}

pub fn execute(py: Python<'_>, request: &RunRequest, context: &WorkerContext) -> RunResult {
    watchdog::clear_abort();
    context.output.reset(request.limits.output_limit_bytes);
    context.input.reset(&request.stdin, request.interactive);
    match execute_inner(py, request, context) {
        Ok(result) => result,
        Err(err) => RunResult {
            end: RunEnd::new(Outcome::Crashed, format!("pyxray could not set up the run: {err}")),
            needs_restart: Some("the interpreter could not be prepared for a run".into()),
        },
    }
}

fn execute_inner(py: Python<'_>, request: &RunRequest, context: &WorkerContext) -> PyResult<RunResult> {
    let builtins = PyModule::import(py, "builtins")?;
    let code = match builtins.getattr("compile")?.call1((request.code.as_str(), request.filename.as_str(), "exec")) {
        Ok(code) => code,
        Err(err) => return Ok(RunResult { end: syntax_error_end(py, &err), needs_restart: None }),
    };
    if request.trace {
        // Before the stage is set and the tracer installed: none of this is the program's.
        context.sink.send(&Response::Bytecode(bytecode::disassemble(py, &code, &request.code)));
    }

    let main = PyModule::new(py, "__main__")?;
    let globals = main.dict();
    globals.set_item("__builtins__", &builtins)?;
    globals.set_item("__file__", request.filename.as_str())?;
    super::forks::register(py)?;
    let saved = prepare(py, request, context, &main)?;

    let memory_guard = MemoryLimit::apply(request.limits.memory_limit_mb);
    let time_limit = Duration::from_secs_f64(request.limits.time_limit_secs.clamp(0.05, 86_400.0));
    let started = Instant::now();
    watchdog::set_run_deadline(Some(started + time_limit));
    context.sink.set_forward_output(!request.trace);

    let heap = HeapLimits {
        max_items: request.limits.max_container_items.max(1) as usize,
        max_objects: request.limits.max_objects.max(16) as usize,
        max_repr_chars: request.limits.max_repr_chars.max(16) as usize,
        repr_budget_ms: request.limits.repr_time_budget_ms.max(10),
    };
    if request.trace {
        let config = RecorderConfig {
            filename: request.filename.clone(),
            max_steps: request.limits.max_steps,
            heap,
            instruction_steps: request.instruction_steps,
        };
        let main_name = super::threads::current_name(py);
        unsafe { tracer::install(config, context.output.clone(), context.sink.clone(), main_name) };
    }
    // Installed after the stage is set, so only the program's own imports are timed.
    let import_hooks = if request.trace { Some(imports::install(py)) } else { None };
    let result = unsafe {
        let value = ffi::PyEval_EvalCode(code.as_ptr(), globals.as_ptr(), globals.as_ptr());
        if value.is_null() {
            Err(PyErr::fetch(py))
        } else {
            ffi::Py_DecRef(value);
            Ok(())
        }
    };
    if super::forks::in_forked_child() {
        // A child the program forked ran to the end of the program: it ends here, as `python`
        // would, without speaking for the worker on the protocol stream.
        leave_forked_child(py, result);
    }
    // The main thread's part is over; threads still running stay recorded while they are joined.
    if request.trace {
        unsafe { tracer::stop_this_thread() };
    }
    let imports_left_hooked = match import_hooks {
        Some(Ok(hooks)) => hooks.uninstall(py).err(),
        Some(Err(err)) => {
            eprintln!("pyxray worker: imports are not timed in this run: {err}");
            None
        }
        None => None,
    };

    let mut end = match result {
        Ok(()) => RunEnd::new(Outcome::Finished, "finished"),
        Err(err) => exception_end(py, &err, context),
    };
    // Python waits for non-daemon threads before a program ends; so do we, within the time limit.
    let mut needs_restart = None;
    if end.outcome == Outcome::Finished || end.outcome == Outcome::Exception || end.outcome == Outcome::Exit {
        let left = time_limit.saturating_sub(started.elapsed());
        match join_threads(py, left) {
            ThreadState::AllDone => {}
            ThreadState::DaemonsLeft => needs_restart = Some("a daemon thread is still running".into()),
            ThreadState::StillRunning => {
                end = RunEnd::new(
                    Outcome::TimeLimit,
                    format!("time limit: a thread was still running after {:.1} s", time_limit.as_secs_f64()),
                );
                needs_restart = Some("a thread is still running".into());
            }
            ThreadState::Interrupted(reason) => {
                // The deadline or Stop arrived while waiting for the program's threads.
                let message = match reason {
                    AbortReason::TimeLimit => {
                        format!("time limit: a thread was still running after {:.1} s", time_limit.as_secs_f64())
                    }
                    other => {
                        format!("{} while a thread was still running", other.message().trim_start_matches("pyxray: "))
                    }
                };
                end = RunEnd::new(reason.outcome(), message);
                needs_restart = Some("a thread is still running".into());
            }
        }
    }
    let (steps, _heap_cut) = if request.trace { unsafe { tracer::uninstall() } } else { (0, false) };
    // Processes the program started and left running end with it (see `reaper`).
    let ended = super::reaper::end_own_descendants();
    if ended > 0 {
        context.output.write(
            Stream::Stderr,
            &format!("pyxray: ended {ended} process(es) the program started and left running\n"),
        );
    }
    watchdog::set_run_deadline(None);
    context.sink.set_forward_output(false);
    context.sink.send_output(&context.output);
    drop(memory_guard);
    end.steps = steps;
    if end.outcome == Outcome::Exception
        && end.exception.as_ref().is_some_and(|e| e.type_name == "EOFError")
        && context.input.was_exhausted()
    {
        end.message.push_str(" (input() found no more input to read: supply it before running, or with --stdin FILE)");
    }
    // Checked before `restore`, whose imports would quietly re-create what the program removed.
    let damage = health_problem(py);
    if let Err(problem) = restore(py, saved) {
        needs_restart = Some(format!("the interpreter could not be restored: {problem}"));
    }
    if let Some(problem) = damage {
        needs_restart = Some(problem);
    }
    if let Some(err) = imports_left_hooked {
        needs_restart = Some(format!("the import hooks could not be removed: {err}"));
    }
    watchdog::clear_abort();
    Ok(RunResult { end, needs_restart })
}

fn prepare<'py>(
    py: Python<'py>,
    request: &RunRequest,
    context: &WorkerContext,
    main: &Bound<'py, PyModule>,
) -> PyResult<Saved<'py>> {
    let sys = PyModule::import(py, "sys")?;
    let builtins = PyModule::import(py, "builtins")?;
    let mut streams = Vec::new();
    for name in ["stdout", "stderr", "stdin"] {
        streams.push((name, sys.getattr(name)?));
    }
    sys.setattr("stdout", Py::new(py, OutputStream::new(Stream::Stdout, context.output.clone()))?)?;
    sys.setattr("stderr", Py::new(py, OutputStream::new(Stream::Stderr, context.output.clone()))?)?;
    sys.setattr(
        "stdin",
        Py::new(py, InputStream::new(context.input.clone(), context.output.clone(), context.sink.clone()))?,
    )?;
    sys.getattr("modules")?.set_item("__main__", main)?;
    sys.setattr("argv", PyList::new(py, [request.filename.as_str()])?)?;
    let sys_path_added = match &request.script_dir {
        Some(dir) => {
            sys.getattr("path")?.call_method1("insert", (0, dir.as_str()))?;
            true
        }
        None => false,
    };
    let builtins_copy = builtins.dict().copy()?;

    // A program that replaces the trace function would silently end the recording; threads it
    // starts get the tracer through the same guard (see `threads`).
    let settrace = if request.trace {
        let original = sys.getattr("settrace")?;
        let guard = super::threads::hook(py)?;
        sys.setattr("settrace", guard)?;
        Some(original)
    } else {
        None
    };
    // os._exit ends the process at once: flush the recorded steps first so they are not lost.
    let os = PyModule::import(py, "os")?;
    let original_exit = os.getattr("_exit")?;
    let worker_pid = std::process::id();
    let flushing_exit = pyo3::types::PyCFunction::new_closure(py, None, None, {
        let sink = context.sink.clone();
        let output = context.output.clone();
        let original = original_exit.clone().unbind();
        move |args, _kwargs| -> PyResult<()> {
            let py = args.py();
            // In a child the program forked, the protocol and the processes are not its to touch.
            if std::process::id() == worker_pid {
                // The worker's death would orphan what the program started beyond reach: end it now.
                super::reaper::end_own_descendants();
                sink.send_output(&output);
                sink.flush();
            }
            original.bind(py).call1(args)?;
            Ok(())
        }
    })?;
    os.setattr("_exit", flushing_exit)?;
    Ok(Saved { sys, streams, builtins: builtins_copy, settrace, os_exit: Some(original_exit), sys_path_added })
}

fn restore(py: Python<'_>, saved: Saved<'_>) -> PyResult<()> {
    for (name, stream) in &saved.streams {
        saved.sys.setattr(*name, stream)?;
    }
    if let Some(settrace) = &saved.settrace {
        saved.sys.setattr("settrace", settrace)?;
        super::threads::unhook(py)?;
    }
    if let Some(exit) = &saved.os_exit {
        PyModule::import(py, "os")?.setattr("_exit", exit)?;
    }
    if saved.sys_path_added {
        saved.sys.getattr("path")?.call_method1("pop", (0,))?;
    }
    // Builtins a program replaced (`print = ...` on the builtins module) must not leak into the next run.
    let builtins = PyModule::import(py, "builtins")?.dict();
    builtins.clear();
    builtins.update(saved.builtins.as_mapping())?;
    Ok(())
}

/// Ends a forked child that ran off the end of the program: its traceback printed as Python prints
/// one, its output flushed, exit status 1 after an uncaught exception.
fn leave_forked_child(py: Python<'_>, result: PyResult<()>) -> ! {
    let status = match result {
        Ok(()) => 0,
        Err(err) if err.is_instance_of::<pyo3::exceptions::PySystemExit>(py) => {
            let code = err.value(py).getattr("code").ok();
            code.and_then(|code| code.extract::<i32>().ok()).unwrap_or(0)
        }
        Err(err) => {
            err.print(py);
            1
        }
    };
    if let Ok(sys) = PyModule::import(py, "sys") {
        for stream in ["stdout", "stderr"] {
            let _ = sys.getattr(stream).and_then(|s| s.call_method0("flush"));
        }
    }
    // SAFETY: ends this process at once; nothing of the worker's may run in it.
    unsafe { libc::_exit(status) }
}

fn health_problem(py: Python<'_>) -> Option<String> {
    let check = || -> PyResult<Option<String>> {
        // The interpreter's own module table: importing `sys` here would re-create a bare one.
        // SAFETY: GIL held; a borrowed reference to the interpreter's module dict.
        let modules = unsafe { Bound::from_borrowed_ptr(py, ffi::PyImport_GetModuleDict()) };
        for needed in ["sys", "builtins", "os"] {
            if !modules.contains(needed)? {
                return Ok(Some(format!("the program removed `{needed}` from sys.modules")));
            }
        }
        Ok(None)
    };
    check().unwrap_or_else(|err| Some(format!("the interpreter is damaged: {err}")))
}

enum ThreadState {
    AllDone,
    DaemonsLeft,
    StillRunning,
    Interrupted(AbortReason),
}

fn join_threads(py: Python<'_>, within: Duration) -> ThreadState {
    let join = || -> PyResult<(usize, usize)> {
        let modules = PyModule::import(py, "sys")?.getattr("modules")?;
        if !modules.contains("threading")? {
            return Ok((0, 0));
        }
        let helper = py.eval(
            c"lambda threading, time, wait: ([t.join(max(0.0, wait - (time.monotonic() - start))) for start in [time.monotonic()] for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon], (sum(1 for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()), sum(1 for t in threading.enumerate() if t is not threading.main_thread() and t.daemon and t.is_alive())))[1]",
            None,
            None,
        )?;
        let threading = PyModule::import(py, "threading")?;
        let time = PyModule::import(py, "time")?;
        helper.call1((threading, time, within.as_secs_f64()))?.extract()
    };
    match join() {
        Ok((0, 0)) => ThreadState::AllDone,
        Ok((0, _)) => ThreadState::DaemonsLeft,
        Ok(_) => ThreadState::StillRunning,
        Err(_) => match watchdog::abort_reason() {
            Some(reason) => ThreadState::Interrupted(reason),
            None => ThreadState::DaemonsLeft,
        },
    }
}

fn syntax_error_end(py: Python<'_>, err: &PyErr) -> RunEnd {
    let value = err.value(py);
    let type_name = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "SyntaxError".into());
    if err.is_instance_of::<PySyntaxError>(py) {
        let line = value.getattr("lineno").ok().and_then(|v| v.extract::<u32>().ok());
        let column = value.getattr("offset").ok().and_then(|v| v.extract::<u32>().ok());
        let message = value.getattr("msg").ok().and_then(|v| v.extract::<String>().ok()).unwrap_or_default();
        let place = match (line, column) {
            (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
            (Some(line), None) => format!(" (line {line})"),
            _ => String::new(),
        };
        let mut end = RunEnd::new(Outcome::SyntaxError, format!("{type_name}: {message}{place}"));
        end.line = line;
        end.column = column;
        end
    } else {
        // compile() rejects NUL bytes with ValueError before 3.12.
        RunEnd::new(
            Outcome::SyntaxError,
            format!("{type_name}: {}", value.str().map(|s| s.to_string()).unwrap_or_default()),
        )
    }
}

fn exception_end(py: Python<'_>, err: &PyErr, context: &WorkerContext) -> RunEnd {
    let value = err.value(py);
    let abort_class = watchdog::abort_exception_class();
    let aborted = !abort_class.is_null()
        && value.is_instance(&unsafe { Bound::from_borrowed_ptr(py, abort_class) }).unwrap_or(false);
    if aborted || watchdog::abort_reason().is_some() {
        let reason = watchdog::abort_reason().unwrap_or(AbortReason::Stopped);
        return RunEnd::new(reason.outcome(), reason.message().trim_start_matches("pyxray: "));
    }
    if err.is_instance_of::<PySystemExit>(py) {
        let code = value.getattr("code").ok();
        let exit_code = match code {
            None => 0,
            Some(code) if code.is_none() => 0,
            Some(code) => match code.extract::<i32>() {
                Ok(number) => number,
                Err(_) => {
                    context
                        .output
                        .write(Stream::Stderr, &format!("{}\n", code.str().map(|s| s.to_string()).unwrap_or_default()));
                    1
                }
            },
        };
        let mut end = RunEnd::new(Outcome::Exit, format!("the program exited with code {exit_code}"));
        end.exit_code = Some(exit_code);
        return end;
    }
    let traceback = err.traceback(py);
    let info = unsafe {
        tracer::describe_exception(
            value.get_type().as_ptr(),
            value.as_ptr(),
            traceback.as_ref().map_or(std::ptr::null_mut(), |t| t.as_ptr()),
            2000,
            200,
        )
    };
    let printed = PyModule::import(py, "traceback")
        .and_then(|tb| tb.getattr("format_exception")?.call1((value.get_type(), value, traceback.clone())))
        .and_then(|lines| lines.extract::<Vec<String>>())
        .map(|lines| lines.concat())
        .unwrap_or_else(|_| format!("{}: {}\n", info.type_name, info.message));
    context.output.write(Stream::Stderr, &printed);
    let outcome = if err.is_instance_of::<PyMemoryError>(py) { Outcome::MemoryLimit } else { Outcome::Exception };
    let message =
        if info.message.is_empty() { info.type_name.clone() } else { format!("{}: {}", info.type_name, info.message) };
    let mut end = RunEnd::new(outcome, message);
    end.line = info.traceback.last().map(|entry| entry.line);
    end.exception = Some(info);
    end
}

/// Caps the worker's address space for one run, so a memory bomb meets `MemoryError` instead of
/// the machine's OOM killer. Restored when dropped.
struct MemoryLimit {
    previous: Option<libc::rlimit>,
}

impl MemoryLimit {
    fn apply(limit_mb: u64) -> Self {
        let baseline = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|pages| pages.parse::<u64>().ok()))
            .map(|pages| pages * 4096);
        let (Some(baseline), true) = (baseline, limit_mb > 0) else { return MemoryLimit { previous: None } };
        let mut previous = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: plain syscalls on this process's own limits.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_AS, &mut previous) != 0 {
                return MemoryLimit { previous: None };
            }
            let wanted = baseline.saturating_add(limit_mb.saturating_mul(1024 * 1024));
            let capped = libc::rlimit { rlim_cur: wanted.min(previous.rlim_max), rlim_max: previous.rlim_max };
            if libc::setrlimit(libc::RLIMIT_AS, &capped) != 0 {
                return MemoryLimit { previous: None };
            }
        }
        MemoryLimit { previous: Some(previous) }
    }
}

impl Drop for MemoryLimit {
    fn drop(&mut self) {
        if let Some(previous) = self.previous {
            // SAFETY: restoring the limit read in `apply`.
            unsafe {
                libc::setrlimit(libc::RLIMIT_AS, &previous);
            }
        }
    }
}
