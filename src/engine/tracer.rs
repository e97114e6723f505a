//! The C-level trace function and the recorder behind it.
//!
//! Installed with `PyEval_SetTrace`, it sees exactly the call/line/return/exception events a
//! `sys.settrace` function would, so the recorded steps are CPython's own. Only frames running the
//! learner's file are recorded; each recorded event becomes one step, written straight in the
//! encoding of a `StepDelta` (see `StepWriter`) and sent as it is made.

use std::cell::RefCell;
use std::ffi::c_int;
use std::rc::Rc;
use std::time::Instant;

use pyo3::ffi;

use super::asyncio_tasks::AsyncioWatch;
use super::bytecode;
use super::exceptions;
use super::forks;
use super::frames::{self, CodeCache, CodeInfo, NamespaceEntry};
use super::generators;
use super::heap::{HeapLimits, HeapTracker};
use super::imports;
use super::modules::ModuleWatch;
use super::output::OutputBuffers;
use super::protocol::Response;
use super::pyutil;
use super::sink::Sink;
use super::threads;
use super::watchdog::{self, AbortReason};
use crate::trace::delta::StepWriter;
use crate::trace::{
    Binding, ConcurrencyEvent, Event, ExceptionInfo, Frame, FrameUpdate, GeneratorPhase, GeneratorState, Internals,
    Key, ThreadSwitch, TracebackEntry,
};

struct LocalRec {
    key: usize,
    name: String,
    value: usize,
}

struct FrameRec {
    ptr: usize,
    frame_id: u64,
    code: Rc<CodeInfo>,
    line: u32,
    locals: Vec<LocalRec>,
    dict_version: Option<u64>,
    /// Module and class bodies: the dict of their names.
    namespace: Option<usize>,
    /// Module and class bodies: that dict's entries as last read.
    entries: Vec<NamespaceEntry>,
}

/// How a frame's bindings changed at a step: rebound names by position in its locals (their names
/// are read from there when the step is written), and deleted names.
#[derive(Default)]
struct BindingChanges {
    set: Vec<usize>,
    removed: Vec<String>,
}

impl BindingChanges {
    fn clear(&mut self) {
        self.set.clear();
        self.removed.clear();
    }
}

/// A thread that ran learner code, numbered in order of its first step (0: the main thread).
struct ThreadRec {
    ident: u64,
    name: String,
    /// Its name went out with its first `Switch`.
    announced: bool,
    /// Its frames while another thread runs (the running thread's are `Recorder::stack`).
    parked: Vec<FrameRec>,
}

pub struct Recorder {
    codes: CodeCache,
    /// The frames of the thread running now.
    stack: Vec<FrameRec>,
    threads: Vec<ThreadRec>,
    /// Index in `threads` of the thread whose frames are `stack`, and its ident.
    current_thread: usize,
    current_ident: u64,
    /// When recording began; switches and (once a second thread ran) steps are timed from it.
    started: Instant,
    /// When the last step was recorded, in µs; timed only once more than one thread has run.
    last_step_us: Option<u64>,
    asyncio: AsyncioWatch,
    /// The top frame returned at the last step; it leaves the stack at this one.
    pop_pending: bool,
    next_frame_id: u64,
    /// Identity of suspended generator frames, so a resumed frame keeps its identity.
    resumable_ids: rustc_hash::FxHashMap<usize, u64>,
    heap: HeapTracker,
    modules: ModuleWatch,
    return_root: Option<usize>,
    /// The exception raised or being handled at the last step, kept reachable for that step only.
    exception_root: Option<usize>,
    /// Frames of generators seen before their first run, whose identity `push_frame` keeps.
    created_frames: rustc_hash::FxHashSet<usize>,
    steps: u64,
    max_steps: u64,
    output: std::sync::Arc<OutputBuffers>,
    sink: Sink,
    writer: StepWriter,
    changes: BindingChanges,
    rebound: Vec<(usize, usize)>,
    max_repr_chars: usize,
    repr_budget_ms: u32,
    /// One step per bytecode instruction (opcode events) instead of one per line.
    instruction_steps: bool,
}

/// A gap this long between two steps of one thread, while several threads exist, ends a span of
/// the thread timeline (shorter gaps are the tracer's and the interpreter's own work).
const PAUSE_US: u64 = 1_000;

/// The recorder shared by every thread of the program.
struct RecorderCell(RefCell<Option<Recorder>>);

// SAFETY: the recorder is only ever touched with the GIL held (from trace callbacks and from
// install/uninstall), and the GIL lets one thread at a time run; pyxray is not built for
// free-threaded CPython. A callback that finds it borrowed (a thread switch while the recorder ran
// Python code for a repr) skips that event rather than wait, since waiting would hold the GIL.
unsafe impl Sync for RecorderCell {}

static RECORDER: RecorderCell = RecorderCell(RefCell::new(None));

pub struct RecorderConfig {
    pub filename: String,
    pub max_steps: u64,
    pub heap: HeapLimits,
    pub instruction_steps: bool,
}

/// Installs the tracer for the current (main) thread; threads the program starts get it through
/// `threads::hook`.
///
/// # Safety
/// GIL held.
pub unsafe fn install(config: RecorderConfig, output: std::sync::Arc<OutputBuffers>, sink: Sink, main_name: String) {
    // Threads started in an earlier run are not this run's.
    threads::take_started();
    let main_thread =
        ThreadRec { ident: threads::current_ident(), name: main_name, announced: true, parked: Vec::new() };
    sink.send(&Response::Concurrency(ConcurrencyEvent::Switch(ThreadSwitch {
        thread: 0,
        name: Some(main_thread.name.clone()),
        time_us: 0,
        left_at_us: None,
        leaving_keep: 0,
    })));
    let recorder = Recorder {
        codes: CodeCache::new(&config.filename),
        stack: Vec::new(),
        current_thread: 0,
        current_ident: main_thread.ident,
        threads: vec![main_thread],
        started: Instant::now(),
        last_step_us: None,
        asyncio: AsyncioWatch::default(),
        pop_pending: false,
        next_frame_id: 1,
        resumable_ids: Default::default(),
        max_repr_chars: config.heap.max_repr_chars,
        repr_budget_ms: config.heap.repr_budget_ms,
        heap: unsafe { HeapTracker::new(config.heap) },
        modules: ModuleWatch::default(),
        return_root: None,
        exception_root: None,
        created_frames: Default::default(),
        steps: 0,
        max_steps: config.max_steps,
        output,
        sink,
        writer: StepWriter::default(),
        changes: BindingChanges::default(),
        rebound: Vec::new(),
        instruction_steps: config.instruction_steps,
    };
    if let Ok(mut slot) = RECORDER.0.try_borrow_mut() {
        *slot = Some(recorder);
    }
    unsafe { trace_this_thread() };
}

/// Traces the calling thread, while a run is recorded.
///
/// # Safety
/// GIL held.
pub unsafe fn trace_this_thread() {
    let recording = RECORDER.0.try_borrow().map_or(true, |slot| slot.is_some());
    if recording && !forks::in_forked_child() {
        unsafe { ffi::PyEval_SetTrace(Some(trace_function), std::ptr::null_mut()) };
    }
}

/// Stops tracing the calling (main) thread; threads still running stay recorded until `uninstall`.
///
/// # Safety
/// GIL held.
pub unsafe fn stop_this_thread() {
    unsafe { ffi::PyEval_SetTrace(None, std::ptr::null_mut()) };
}

/// Ends the recording; returns how many steps were recorded and whether the heap was cut short.
/// Threads left running keep the trace function, which finds no recorder and does nothing.
///
/// # Safety
/// GIL held.
pub unsafe fn uninstall() -> (u64, bool) {
    unsafe { stop_this_thread() };
    let taken = match RECORDER.0.try_borrow_mut() {
        Ok(mut slot) => slot.take(),
        Err(_) => None,
    };
    match taken {
        Some(mut recorder) => {
            let time_us = recorder.last_step_us.unwrap_or_else(|| recorder.elapsed_us());
            recorder.sink.send(&Response::Concurrency(ConcurrencyEvent::Finished { time_us }));
            unsafe { recorder.codes.release() };
            (recorder.steps, recorder.heap.truncated)
        }
        None => (0, false),
    }
}

extern "C" fn trace_function(
    _arg: *mut ffi::PyObject,
    frame: *mut ffi::PyFrameObject,
    what: c_int,
    arg: *mut ffi::PyObject,
) -> c_int {
    if forks::in_forked_child() {
        // A copy of the worker made by `fork`: its steps are not the run's (see `forks`).
        unsafe { ffi::PyEval_SetTrace(None, std::ptr::null_mut()) };
        return 0;
    }
    if let Some(reason) = watchdog::abort_reason() {
        unsafe { watchdog::raise_abort(reason) };
        return -1;
    }
    let event = match what {
        ffi::PyTrace_CALL => Event::Call,
        ffi::PyTrace_LINE => Event::Line,
        ffi::PyTrace_RETURN => Event::Return,
        ffi::PyTrace_EXCEPTION => Event::Exception,
        ffi::PyTrace_OPCODE => Event::Instruction,
        _ => return 0,
    };
    let verdict = {
        let Ok(mut slot) = RECORDER.0.try_borrow_mut() else { return 0 };
        let Some(recorder) = slot.as_mut() else { return 0 };
        unsafe { recorder.on_event(frame, event, arg) }
    };
    match verdict {
        Ok(()) => 0,
        Err(reason) => {
            watchdog::request_abort(reason);
            unsafe { watchdog::raise_abort(reason) };
            -1
        }
    }
}

impl Recorder {
    unsafe fn on_event(
        &mut self,
        frame: *mut ffi::PyFrameObject,
        event: Event,
        arg: *mut ffi::PyObject,
    ) -> Result<(), AbortReason> {
        unsafe {
            let code = frames::code_of(frame);
            let Some(info) = self.codes.lookup(code) else {
                if event == Event::Call {
                    // Library code is never a step: spare it a call into the tracer for every line
                    // it runs (which also keeps import times near what `-X importtime` reports).
                    frames::skip_line_events(frame);
                }
                return Ok(());
            };
            // Stepping by instruction, the first instruction of a line is its step (same state).
            if event == Event::Line && self.instruction_steps {
                return Ok(());
            }
            if self.steps >= self.max_steps {
                return Err(AbortReason::StepLimit);
            }
            self.heap.begin_step();
            self.writer.begin();

            if let Some(root) = self.return_root.take() {
                self.heap.drop_edge(root);
            }
            if let Some(root) = self.exception_root.take() {
                self.heap.drop_edge(root);
            }
            // A frame that returned at the last step leaves its thread's stack now, whichever thread runs.
            if self.pop_pending {
                self.pop_pending = false;
                self.pop_frame();
            }
            let ident = threads::current_ident();
            if ident != self.current_ident || threads::any_started() {
                self.switch_thread(ident);
            } else if self.threads.len() > 1 {
                self.note_pause();
            }
            let mut keep = self.stack.len();
            if event == Event::Call {
                if self.stack.last().is_some_and(|top| top.ptr == frame as usize) {
                    // Already on our stack (a resync found it): nothing to push.
                } else {
                    self.push_frame(frame, info.clone());
                }
                if self.instruction_steps {
                    bytecode::enable_opcode_events(frame);
                }
            } else if self.stack.last().is_none_or(|top| top.ptr != frame as usize) {
                self.resync(frame);
                keep = 0;
            }
            keep = keep.min(self.stack.len());
            let top = self.stack.len() - 1;

            // Refresh the kept frames that can change, and describe the pushed ones.
            let mut changes = std::mem::take(&mut self.changes);
            for index in 0..keep {
                let is_top = index == top;
                let needs_read = is_top || !self.stack[index].code.optimized || self.stack[index].code.has_cells;
                let line = if is_top {
                    let line = frames::line_of(frame);
                    self.stack[index].line = line;
                    line
                } else {
                    self.stack[index].line
                };
                changes.clear();
                let frame_ptr = self.stack[index].ptr as *mut ffi::PyFrameObject;
                let changed = needs_read && self.refresh_locals(index, frame_ptr, &mut changes);
                if changed || (is_top && line != 0) {
                    let locals = &self.stack[index].locals;
                    let set = changes.set.iter().map(|&at| (locals[at].name.as_str(), locals[at].value as u64));
                    self.writer.frame_update(index as u32, line, set, &changes.removed);
                }
            }
            let mut encoding = Ok(());
            for index in keep..self.stack.len() {
                let frame_ptr = self.stack[index].ptr as *mut ffi::PyFrameObject;
                if index == top {
                    self.stack[index].line = frames::line_of(frame);
                }
                changes.clear();
                self.refresh_locals(index, frame_ptr, &mut changes);
                let rec = &self.stack[index];
                let pushed = Frame {
                    frame_id: rec.frame_id,
                    function: rec.code.function.clone(),
                    kind: rec.code.kind,
                    code: rec.code.id,
                    line: rec.line,
                    locals: rec.locals.iter().map(|l| Binding { name: l.name.clone(), id: l.value as u64 }).collect(),
                };
                encoding = encoding.and(self.writer.pushed_frame(&pushed));
            }
            if self.threads.len() > 1 {
                self.refresh_parked_namespaces(&mut changes);
                self.last_step_us = Some(self.elapsed_us());
            }
            self.changes = changes;
            let line = self.stack[top].line;
            let offset = frames::offset_of(frame);

            let mut return_value = None;
            let mut exception = None;
            match event {
                Event::Return => {
                    self.pop_pending = true;
                    if !arg.is_null() {
                        self.heap.add_edge(arg as usize);
                        self.return_root = Some(arg as usize);
                        return_value = Some(arg as u64);
                    }
                }
                Event::Exception => exception = self.exception_info(arg),
                Event::Call | Event::Line | Event::Instruction => exception = self.handled_exception_info(),
            }
            if let Some(object) = exception.as_ref().and_then(|info| info.object) {
                self.heap.add_edge(object as usize);
                self.exception_root = Some(object as usize);
            }

            for local in &self.stack[top].locals {
                self.heap.refresh_refcount(local.value);
            }
            let parked = self.threads.iter().flat_map(|thread| &thread.parked);
            let roots = self
                .stack
                .iter()
                .chain(parked)
                .flat_map(|f| f.locals.iter().map(|l| l.value))
                .chain(self.return_root)
                .chain(self.exception_root);
            self.heap.mark_from(roots);
            self.note_generators();
            if let Some(state) = self.asyncio.poll() {
                self.sink.send(&Response::Concurrency(ConcurrencyEvent::Asyncio(state)));
            }
            // Written straight into the step's bytes, in the order of `StepDelta`'s fields.
            let objects = self.writer.head(event, line, offset, keep as u32);
            let encoding = encoding.and(self.heap.finish_step(objects));
            let mut modules = self.modules.changes(self.steps);
            imports::annotate(&mut modules);
            let (stdout, stderr) = self.output.take();
            let step =
                encoding.and_then(|()| self.writer.tail(&modules, &stdout, &stderr, exception.as_ref(), return_value));
            match step {
                Ok(bytes) => self.sink.step(bytes),
                Err(err) => eprintln!("pyxray worker: cannot encode step {}: {err}", self.steps),
            }
            self.steps += 1;
            Ok(())
        }
    }

    fn elapsed_us(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    /// Another thread runs this step: park the frames of the one that ran the last step, take out
    /// this one's, and tell the app (before the step) which thread runs and when.
    fn switch_thread(&mut self, ident: u64) {
        let time_us = self.elapsed_us();
        for (started_ident, name) in threads::take_started() {
            // A new thread may reuse a finished thread's ident: it still gets its own number.
            self.threads.push(ThreadRec { ident: started_ident, name, announced: false, parked: Vec::new() });
        }
        let number = match self.threads.iter().rposition(|thread| thread.ident == ident) {
            Some(number) => number,
            None => {
                // Started some other way than `threading` (then it is not traced), or named late.
                let number = self.threads.len();
                self.threads.push(ThreadRec {
                    ident,
                    name: format!("thread {number}"),
                    announced: false,
                    parked: Vec::new(),
                });
                number
            }
        };
        if number == self.current_thread {
            return;
        }
        let leaving_keep = self.stack.len() as u32;
        let leaving = std::mem::take(&mut self.stack);
        self.threads[self.current_thread].parked = leaving;
        self.stack = std::mem::take(&mut self.threads[number].parked);
        self.current_thread = number;
        self.current_ident = ident;
        let thread = &mut self.threads[number];
        let name = (!thread.announced).then(|| thread.name.clone());
        thread.announced = true;
        let switch = ThreadSwitch { thread: number as u32, name, time_us, left_at_us: self.last_step_us, leaving_keep };
        self.sink.send(&Response::Concurrency(ConcurrencyEvent::Switch(switch)));
    }

    /// With several threads, a thread that ran no learner code for a while (it slept, blocked, or
    /// worked in C) starts a new span of the timeline, as if it had been switched to again.
    fn note_pause(&mut self) {
        let Some(last) = self.last_step_us else { return };
        let time_us = self.elapsed_us();
        if time_us.saturating_sub(last) < PAUSE_US {
            return;
        }
        let switch = ThreadSwitch {
            thread: self.current_thread as u32,
            name: None,
            time_us,
            left_at_us: Some(last),
            leaving_keep: self.stack.len() as u32,
        };
        self.sink.send(&Response::Concurrency(ConcurrencyEvent::Switch(switch)));
    }

    /// Module and class bodies of threads not running now share their names with the running one
    /// (`global` statements): re-read those that changed and tell the app, before the step.
    unsafe fn refresh_parked_namespaces(&mut self, changes: &mut BindingChanges) {
        for number in 0..self.threads.len() {
            if number == self.current_thread || self.threads[number].parked.iter().all(|f| f.namespace.is_none()) {
                continue;
            }
            std::mem::swap(&mut self.stack, &mut self.threads[number].parked);
            for index in 0..self.stack.len() {
                if self.stack[index].namespace.is_none() {
                    continue;
                }
                changes.clear();
                let frame_ptr = self.stack[index].ptr as *mut ffi::PyFrameObject;
                if unsafe { self.refresh_locals(index, frame_ptr, changes) } {
                    let rec = &self.stack[index];
                    let update = FrameUpdate {
                        index: index as u32,
                        line: rec.line,
                        set: changes
                            .set
                            .iter()
                            .map(|&at| Binding { name: rec.locals[at].name.clone(), id: rec.locals[at].value as u64 })
                            .collect(),
                        removed: changes.removed.clone(),
                    };
                    let event = ConcurrencyEvent::ParkedFrame { thread: number as u32, update };
                    self.sink.send(&Response::Concurrency(event));
                }
            }
            std::mem::swap(&mut self.stack, &mut self.threads[number].parked);
        }
    }

    unsafe fn push_frame(&mut self, frame: *mut ffi::PyFrameObject, code: Rc<CodeInfo>) {
        // Before anything of this frame is recorded; the code cache keeps the code object alive.
        unsafe { self.heap.note_code_constants(code.id as usize) };
        let ptr = frame as usize;
        let resumed = code.kind.is_resumable() && unsafe { frames::offset_of(frame) } >= 0;
        // A generator shown while created keeps the identity it was given then.
        let first_run_of_created = self.created_frames.remove(&ptr);
        let frame_id = match (resumed || first_run_of_created, self.resumable_ids.get(&ptr)) {
            (true, Some(&id)) => id,
            _ => {
                let id = self.next_frame_id;
                self.next_frame_id += 1;
                if code.kind.is_resumable() {
                    self.resumable_ids.insert(ptr, id);
                }
                id
            }
        };
        let namespace = unsafe { frames::namespace_of(frame, &code) };
        self.stack.push(FrameRec {
            ptr,
            frame_id,
            code,
            line: 0,
            locals: Vec::new(),
            dict_version: None,
            namespace,
            entries: Vec::new(),
        });
    }

    fn pop_frame(&mut self) {
        if let Some(frame) = self.stack.pop() {
            for local in frame.locals {
                self.heap.drop_edge(local.value);
            }
        }
    }

    /// Rebuilds our stack from the interpreter's when it disagrees with the events seen
    /// (for instance after a frame was left without a return event reaching us).
    unsafe fn resync(&mut self, frame: *mut ffi::PyFrameObject) {
        while !self.stack.is_empty() {
            self.pop_frame();
        }
        let mut chain = Vec::new();
        unsafe {
            let mut current = frame;
            ffi::Py_IncRef(current as *mut ffi::PyObject);
            while !current.is_null() {
                let code = frames::code_of(current);
                if let Some(info) = self.codes.lookup(code) {
                    chain.push((current as usize, info));
                }
                let back = ffi::PyFrame_GetBack(current);
                ffi::Py_DecRef(current as *mut ffi::PyObject);
                current = back;
            }
            for (ptr, info) in chain.into_iter().rev() {
                self.push_frame(ptr as *mut ffi::PyFrameObject, info);
                let line = frames::line_of(ptr as *mut ffi::PyFrameObject);
                if let Some(last) = self.stack.last_mut() {
                    last.line = line;
                }
            }
        }
    }

    /// Re-reads a frame's variables; returns whether any binding changed (filling `changes`).
    unsafe fn refresh_locals(
        &mut self,
        index: usize,
        frame: *mut ffi::PyFrameObject,
        changes: &mut BindingChanges,
    ) -> bool {
        let pairs = match self.stack[index].namespace {
            Some(dict) => {
                let dict = dict as *mut ffi::PyObject;
                let version = unsafe { frames::dict_version_of(dict) };
                let rec = &mut self.stack[index];
                if version.is_some() && version == rec.dict_version {
                    return false;
                }
                rec.dict_version = version;
                let mut rebound = std::mem::take(&mut self.rebound);
                rebound.clear();
                let same_names = unsafe { frames::rebound_in_namespace(dict, &mut rec.entries, &mut rebound) };
                if same_names {
                    for &(position, value) in &rebound {
                        unsafe { self.rebind(index, position, value, changes) };
                    }
                    self.rebound = rebound;
                    return !changes.set.is_empty();
                }
                self.rebound = rebound;
                unsafe { frames::read_namespace(dict, &mut self.stack[index].entries) }
            }
            None => {
                let rec = &self.stack[index];
                let Some(read) = (unsafe { frames::read_locals(frame, &rec.code, rec.dict_version, None) }) else {
                    return false;
                };
                self.stack[index].dict_version = read.dict_version;
                read.pairs
            }
        };
        let old = &self.stack[index].locals;
        let same_names = old.len() == pairs.len() && old.iter().zip(&pairs).all(|(l, (key, _))| l.key == *key);
        if same_names {
            // The common case: the same names, some bound to new objects. Update in place.
            for (position, (_, value)) in pairs.into_iter().enumerate() {
                unsafe { self.rebind(index, position, value, changes) };
            }
            return !changes.set.is_empty();
        }
        let mut old = std::mem::take(&mut self.stack[index].locals);
        let mut new_locals = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let position = old.iter().position(|l| l.key == key);
            let (name, previous) = match position {
                Some(i) => {
                    let l = old.swap_remove(i);
                    (l.name, Some(l.value))
                }
                None => (unsafe { pyutil::str_to_string(key as *mut ffi::PyObject, 200) }, None),
            };
            if previous != Some(value) {
                unsafe { self.heap.add_edge(value) };
                if let Some(previous) = previous {
                    self.heap.drop_edge(previous);
                }
                changes.set.push(new_locals.len());
            }
            new_locals.push(LocalRec { key, name, value });
        }
        for gone in old {
            self.heap.drop_edge(gone.value);
            changes.removed.push(gone.name);
        }
        self.stack[index].locals = new_locals;
        true
    }

    /// Binds the local at `position` of frame `index` to `value`, noting it when that is a change.
    unsafe fn rebind(&mut self, index: usize, position: usize, value: usize, changes: &mut BindingChanges) {
        let Some(local) = self.stack[index].locals.get_mut(position) else { return };
        if local.value == value {
            return;
        }
        let previous = std::mem::replace(&mut local.value, value);
        changes.set.push(position);
        unsafe { self.heap.add_edge(value) };
        self.heap.drop_edge(previous);
    }

    /// The exception an `except` or `finally` block is handling at this step, if any.
    unsafe fn handled_exception_info(&self) -> Option<ExceptionInfo> {
        unsafe {
            let value = exceptions::handled_exception();
            if value.is_null() {
                return None;
            }
            let traceback = ffi::PyException_GetTraceback(value);
            let mut info = describe_exception(
                ffi::Py_TYPE(value) as *mut ffi::PyObject,
                value,
                traceback,
                self.max_repr_chars,
                self.repr_budget_ms,
            );
            info.handled = true;
            if !traceback.is_null() {
                ffi::Py_DecRef(traceback);
            }
            // The thread state keeps it alive for the rest of this step.
            ffi::Py_DecRef(value);
            Some(info)
        }
    }

    /// Notes the state and paused frame of every generator-like object reached at this step.
    unsafe fn note_generators(&mut self) {
        let mut noted = Vec::new();
        for (ptr, children) in self.heap.generators_reached() {
            let Some(read) = (unsafe { generators::read(ptr as *mut ffi::PyObject) }) else { continue };
            let locals = children
                .iter()
                .filter_map(|child| match &child.key {
                    Key::Name(name) => Some(Binding { name: name.clone(), id: child.id }),
                    _ => None,
                })
                .collect();
            noted.push((ptr, read, locals));
        }
        for (ptr, read, locals) in noted {
            let frame = read.frame.map(|frame| unsafe { self.paused_frame(frame, read.phase, locals) });
            let state = GeneratorState { state: read.phase, frame };
            unsafe { read.release() };
            self.heap.note_internals(ptr, Some(Internals::Generator(state)));
        }
    }

    /// A generator's frame as it waits to be resumed (or started).
    unsafe fn paused_frame(
        &mut self,
        frame: *mut ffi::PyFrameObject,
        phase: GeneratorPhase,
        locals: Vec<Binding>,
    ) -> Frame {
        unsafe {
            let ptr = frame as usize;
            let code = frames::code_of(frame);
            let info = self.codes.lookup(code);
            let frame_id = match self.resumable_ids.get(&ptr) {
                Some(&id) if phase == GeneratorPhase::Suspended || self.created_frames.contains(&ptr) => id,
                _ => {
                    let id = self.next_frame_id;
                    self.next_frame_id += 1;
                    self.resumable_ids.insert(ptr, id);
                    if phase == GeneratorPhase::Created {
                        self.created_frames.insert(ptr);
                    }
                    id
                }
            };
            let (function, kind) = match &info {
                Some(info) => (info.function.clone(), info.kind),
                None => {
                    let name = pyutil::getattr_string(code, c"co_qualname").unwrap_or_else(|| "?".into());
                    let flags = pyutil::getattr_i64(code, c"co_flags").unwrap_or(0);
                    let kind = frames::kind_of_code(&name, flags);
                    (name, kind)
                }
            };
            Frame { frame_id, function, kind, code: code as u64, line: frames::line_of(frame), locals }
        }
    }

    unsafe fn exception_info(&self, arg: *mut ffi::PyObject) -> Option<ExceptionInfo> {
        unsafe {
            if arg.is_null() || ffi::PyTuple_Check(arg) == 0 || ffi::PyTuple_GET_SIZE(arg) < 3 {
                return None;
            }
            let kind = ffi::PyTuple_GET_ITEM(arg, 0);
            let value = ffi::PyTuple_GET_ITEM(arg, 1);
            let traceback = ffi::PyTuple_GET_ITEM(arg, 2);
            Some(describe_exception(kind, value, traceback, self.max_repr_chars, self.repr_budget_ms))
        }
    }
}

/// Type, message and traceback of an exception, outermost frame first.
///
/// # Safety
/// GIL held; pointers live or null/None.
pub unsafe fn describe_exception(
    kind: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
    traceback: *mut ffi::PyObject,
    max_chars: usize,
    budget_ms: u32,
) -> ExceptionInfo {
    unsafe {
        let type_name = if !kind.is_null() && ffi::PyType_Check(kind) != 0 {
            pyutil::type_name(kind as *mut ffi::PyTypeObject)
        } else if !value.is_null() {
            pyutil::type_name(ffi::Py_TYPE(value))
        } else {
            String::from("?")
        };
        let message = if value.is_null() || value == ffi::Py_None() {
            String::new()
        } else {
            pyutil::safe_str(value, max_chars, budget_ms)
        };
        let mut entries = Vec::new();
        let mut current = traceback;
        if !current.is_null() {
            ffi::Py_IncRef(current);
        }
        while !current.is_null() && current != ffi::Py_None() && entries.len() < 200 {
            let frame = pyutil::getattr(current, c"tb_frame");
            let line = pyutil::getattr_i64(current, c"tb_lineno").unwrap_or(0);
            if !frame.is_null() {
                let code = pyutil::getattr(frame, c"f_code");
                if !code.is_null() {
                    entries.push(TracebackEntry {
                        filename: pyutil::getattr_string(code, c"co_filename").unwrap_or_default(),
                        function: pyutil::getattr_string(code, c"co_name").unwrap_or_default(),
                        line: line.max(0) as u32,
                    });
                    ffi::Py_DecRef(code);
                }
                ffi::Py_DecRef(frame);
            }
            let next = pyutil::getattr(current, c"tb_next");
            ffi::Py_DecRef(current);
            current = next;
        }
        if !current.is_null() {
            ffi::Py_DecRef(current);
        }
        let is_exception = !value.is_null() && ffi::PyExceptionInstance_Check(value) != 0;
        ExceptionInfo {
            type_name,
            message,
            traceback: entries,
            object: is_exception.then_some(value as u64),
            chain: if is_exception { exceptions::chain_of(value, max_chars, budget_ms) } else { Vec::new() },
            suppress_context: is_exception && exceptions::suppress_context(value),
            handled: false,
        }
    }
}
