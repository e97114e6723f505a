//! Interrupting the learner's program from outside the main thread.
//!
//! Stop, the time limit and the output limit set an abort reason. The tracer checks it at every
//! event; for code that runs without trace events (a loop in library code, `exec`'d strings) a
//! CPython pending call raises the same exception at the next bytecode boundary. A `__repr__` that
//! runs too long is interrupted the same way. Code stuck inside one long C call (`time.sleep`,
//! `10 ** 10 ** 8`) is beyond both: the app kills the worker after a grace period.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pyo3::ffi;

use crate::trace::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AbortReason {
    Stopped = 1,
    TimeLimit = 2,
    StepLimit = 3,
    OutputLimit = 4,
}

impl AbortReason {
    fn from_u8(value: u8) -> Option<Self> {
        match value {
            1 => Some(AbortReason::Stopped),
            2 => Some(AbortReason::TimeLimit),
            3 => Some(AbortReason::StepLimit),
            4 => Some(AbortReason::OutputLimit),
            _ => None,
        }
    }

    pub fn outcome(self) -> Outcome {
        match self {
            AbortReason::Stopped => Outcome::Stopped,
            AbortReason::TimeLimit => Outcome::TimeLimit,
            AbortReason::StepLimit => Outcome::StepLimit,
            AbortReason::OutputLimit => Outcome::OutputLimit,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AbortReason::Stopped => "pyxray: stopped",
            AbortReason::TimeLimit => "pyxray: the time limit was reached",
            AbortReason::StepLimit => "pyxray: the step limit was reached",
            AbortReason::OutputLimit => "pyxray: the output limit was reached",
        }
    }
}

static ABORT: AtomicU8 = AtomicU8::new(0);
/// The exception class raised to abort a run (a `BaseException` subclass created at start-up).
static ABORT_EXCEPTION: AtomicPtr<ffi::PyObject> = AtomicPtr::new(std::ptr::null_mut());
static REPR_GENERATION: AtomicU64 = AtomicU64::new(0);
/// The generation of the `__repr__` call currently under a budget, 0 when none is.
static REPR_ARMED: AtomicU64 = AtomicU64::new(0);
static REPR_TIMED_OUT: AtomicBool = AtomicBool::new(false);

const PENDING_ABORT: usize = 0;

#[derive(Default)]
struct Deadlines {
    run: Option<Instant>,
    repr: Option<(u64, Instant)>,
}

struct Watchdog {
    deadlines: Mutex<Deadlines>,
    wake: Condvar,
}

fn watchdog() -> &'static Watchdog {
    static WATCHDOG: OnceLock<Watchdog> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        std::thread::Builder::new()
            .name("pyxray-watchdog".into())
            .spawn(watch_loop)
            .map_err(|err| eprintln!("pyxray worker: cannot start the watchdog: {err}"))
            .ok();
        Watchdog { deadlines: Mutex::new(Deadlines::default()), wake: Condvar::new() }
    })
}

fn watch_loop() {
    let dog = watchdog();
    let Ok(mut deadlines) = dog.deadlines.lock() else { return };
    loop {
        let now = Instant::now();
        if deadlines.run.is_some_and(|at| at <= now) {
            deadlines.run = None;
            request_abort(AbortReason::TimeLimit);
        }
        if let Some((generation, at)) = deadlines.repr
            && at <= now
        {
            deadlines.repr = None;
            if REPR_ARMED.load(Ordering::SeqCst) == generation {
                REPR_TIMED_OUT.store(true, Ordering::SeqCst);
                schedule_pending(generation as usize);
            }
        }
        let next = [deadlines.run, deadlines.repr.map(|(_, at)| at)].into_iter().flatten().min();
        let wait = next.map_or(Duration::from_secs(3600), |at| at.saturating_duration_since(now));
        deadlines = match dog.wake.wait_timeout(deadlines, wait) {
            Ok((guard, _)) => guard,
            Err(_) => return,
        };
    }
}

/// Creates the abort exception class and starts the watchdog thread.
///
/// # Safety
/// GIL held.
pub unsafe fn init() {
    unsafe {
        let class =
            ffi::PyErr_NewException(c"pyxray.RunAborted".as_ptr(), ffi::PyExc_BaseException, std::ptr::null_mut());
        ABORT_EXCEPTION.store(class, Ordering::SeqCst);
    }
    watchdog();
}

pub fn abort_exception_class() -> *mut ffi::PyObject {
    ABORT_EXCEPTION.load(Ordering::SeqCst)
}

pub fn abort_reason() -> Option<AbortReason> {
    AbortReason::from_u8(ABORT.load(Ordering::Relaxed))
}

/// Asks the running program to end; the first reason given wins. Safe from any thread.
pub fn request_abort(reason: AbortReason) {
    if ABORT.compare_exchange(0, reason as u8, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
        schedule_pending(PENDING_ABORT);
    }
}

pub fn clear_abort() {
    ABORT.store(0, Ordering::SeqCst);
}

/// Sets (or clears) the wall-clock deadline of the current run.
pub fn set_run_deadline(deadline: Option<Instant>) {
    let dog = watchdog();
    if let Ok(mut deadlines) = dog.deadlines.lock() {
        deadlines.run = deadline;
        dog.wake.notify_all();
    }
}

fn schedule_pending(tag: usize) {
    // Py_AddPendingCall may be called without the GIL from any thread; it fails only when the queue
    // is full, in which case an earlier call is still waiting to do the same job.
    unsafe {
        ffi::Py_AddPendingCall(Some(on_pending), tag as *mut c_void);
    }
    // Before 3.12 a pending call added from another thread does not set the main thread's eval
    // breaker, so it would wait for something else to. Asking for the GIL does: the main thread
    // hands it over at its next check and runs the pending call on the way back. A short-lived
    // thread asks, so the watchdog never blocks on a main thread stuck inside one C call.
    let _ = std::thread::Builder::new().name("pyxray-nudge".into()).spawn(|| unsafe {
        let state = ffi::PyGILState_Ensure();
        ffi::PyGILState_Release(state);
    });
}

extern "C" fn on_pending(tag: *mut c_void) -> c_int {
    let tag = tag as usize;
    unsafe {
        if tag == PENDING_ABORT {
            if let Some(reason) = abort_reason() {
                raise_abort(reason);
                return -1;
            }
        } else if REPR_ARMED.load(Ordering::SeqCst) == tag as u64 {
            ffi::PyErr_SetString(ffi::PyExc_TimeoutError, c"pyxray: __repr__ ran out of time".as_ptr());
            return -1;
        }
    }
    0
}

/// Sets the abort exception as the current error.
///
/// # Safety
/// GIL held.
pub unsafe fn raise_abort(reason: AbortReason) {
    let class = abort_exception_class();
    let message = match reason {
        AbortReason::Stopped => c"pyxray: stopped",
        AbortReason::TimeLimit => c"pyxray: the time limit was reached",
        AbortReason::StepLimit => c"pyxray: the step limit was reached",
        AbortReason::OutputLimit => c"pyxray: the output limit was reached",
    };
    unsafe {
        let class = if class.is_null() { ffi::PyExc_KeyboardInterrupt } else { class };
        ffi::PyErr_SetString(class, message.as_ptr());
    }
}

/// Disarms the `__repr__` budget when dropped.
pub struct ReprGuard {
    generation: u64,
}

impl Drop for ReprGuard {
    fn drop(&mut self) {
        let _ = REPR_ARMED.compare_exchange(self.generation, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// Puts the next `__repr__`/`__str__` call under a time budget.
pub fn arm_repr(budget_ms: u32) -> ReprGuard {
    let generation = REPR_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    REPR_TIMED_OUT.store(false, Ordering::SeqCst);
    REPR_ARMED.store(generation, Ordering::SeqCst);
    let dog = watchdog();
    if let Ok(mut deadlines) = dog.deadlines.lock() {
        deadlines.repr = Some((generation, Instant::now() + Duration::from_millis(u64::from(budget_ms))));
        dog.wake.notify_all();
    }
    ReprGuard { generation }
}

/// Whether the last budgeted call was interrupted for taking too long (and forgets it).
pub fn take_repr_timeout() -> bool {
    REPR_TIMED_OUT.swap(false, Ordering::SeqCst)
}

/// Suspends the run's deadline (while `input()` waits for a person); returns the time that was left.
pub fn pause_run_deadline() -> Option<Duration> {
    let dog = watchdog();
    let Ok(mut deadlines) = dog.deadlines.lock() else { return None };
    let left = deadlines.run.map(|at| at.saturating_duration_since(Instant::now()));
    deadlines.run = None;
    left
}

/// Restores a deadline paused by `pause_run_deadline`.
pub fn resume_run_deadline(left: Option<Duration>, _paused_at: Instant) {
    if let Some(left) = left {
        set_run_deadline(Some(Instant::now() + left));
    }
}
