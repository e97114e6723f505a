//! Threads and asyncio: which thread ran each step, every thread's stack, the GIL hand-offs over
//! time, and the asyncio event loop's tasks.
//!
//! None of this is in the step deltas (a single-threaded program pays nothing for it): the worker
//! sends a `ConcurrencyEvent` between steps only when something about threads or tasks changed, and
//! `TraceStore` logs each one against the step it comes before.

use serde::{Deserialize, Serialize};

use super::delta::FrameUpdate;
use super::model::{Frame, ObjId};

/// Something about threads or tasks that holds from the next step on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConcurrencyEvent {
    /// Thread number `thread` (0 is the main thread, others are numbered as they first run learner
    /// code) runs the next step; the thread that ran the step before gave up the GIL in between.
    /// When `thread` is the one that ran the step before, it ran no learner code for a while (it
    /// slept, blocked or worked in C for at least a millisecond): a new span of the timeline.
    Switch(ThreadSwitch),
    /// A frame of a thread that is not running was changed by the running one (a module-level name
    /// rebound by another thread's `global` statement).
    ParkedFrame { thread: u32, update: FrameUpdate },
    /// The asyncio event loop of the running thread as of the next step (`None`: no loop runs).
    Asyncio(Option<AsyncioState>),
    /// The run stopped recording, `time_us` after its first step (where the last span of the
    /// thread timeline ends).
    Finished { time_us: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSwitch {
    pub thread: u32,
    /// The thread's name (`threading.current_thread().name`), sent the first time it runs.
    pub name: Option<String>,
    /// When the next step started, in microseconds since the run's first step.
    pub time_us: u64,
    /// When the thread being left ran its last step, if that was timed (steps are timed only once a
    /// second thread has run); the gap until `time_us` is spent outside the learner's code: in the
    /// library, in C, or waiting for the GIL.
    pub left_at_us: Option<u64>,
    /// How many frames the thread being left keeps: a frame that returned at its last step is
    /// popped now rather than at its next step, which may never come.
    pub leaving_keep: u32,
}

/// A thread's stack as of a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub name: String,
    /// Outermost first. Empty for the running thread, whose frames are `Snapshot::stack`.
    pub stack: Vec<Frame>,
}

/// The event loop running in the current thread, read from the loop itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncioState {
    /// Every task of the loop (`asyncio.all_tasks`, done ones included while they are alive), in
    /// the order they were created.
    pub tasks: Vec<AsyncTask>,
    /// The callbacks the loop will run next, in order (`loop._ready`).
    pub ready: Vec<ReadyCallback>,
    /// Timer callbacks waiting for their time (`loop._scheduled`), such as `asyncio.sleep(0.1)`.
    pub timers: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncTask {
    /// `id()` of the Task object.
    pub id: ObjId,
    /// `task.get_name()`.
    pub name: String,
    /// The coroutine's `__qualname__`.
    pub coroutine: String,
    pub state: TaskState,
    /// Where the coroutine is suspended (or running), when it has a frame.
    pub line: Option<u32>,
    /// What a pending task waits for: the type of the future it awaits (`_fut_waiter`), or of the
    /// awaitable its coroutine is suspended in.
    pub awaiting: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskState {
    /// Not done; waiting for something, or scheduled in the ready queue.
    Pending,
    /// The task whose coroutine runs this step (`asyncio.current_task()`).
    Running,
    /// Finished with a result.
    Done,
    Cancelled,
    /// Finished with an exception (its type name).
    Failed(String),
}

impl TaskState {
    pub fn as_str(&self) -> &str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Running => "running",
            TaskState::Done => "done",
            TaskState::Cancelled => "cancelled",
            TaskState::Failed(_) => "failed",
        }
    }
}

/// One entry of the loop's ready queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyCallback {
    /// The task this callback steps or wakes, if it belongs to one.
    pub task: Option<ObjId>,
    /// What will be called: "step Task-2", "wake Task-3", or a callback's qualified name.
    pub describe: String,
}

/// One stretch of the thread timeline: `thread` ran learner code from `start_us` until `end_us`,
/// steps `first_step..=last_step`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadSpan {
    pub thread: u32,
    pub first_step: u64,
    pub last_step: u64,
    pub start_us: u64,
    pub end_us: u64,
}

/// The thread timeline of a run, built from its `Switch` events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ThreadTimeline {
    pub names: Vec<String>,
    pub spans: Vec<ThreadSpan>,
    /// The first step an asyncio event loop was running at, if one ever ran.
    pub event_loop_from: Option<u64>,
}

impl ThreadTimeline {
    /// Spans from the logged events (`(step, event)` in order), for a run of `steps` steps.
    pub fn build<'a>(events: impl IntoIterator<Item = &'a (u64, ConcurrencyEvent)>, steps: u64) -> Self {
        let mut timeline = ThreadTimeline::default();
        let mut finished = None;
        for (step, event) in events {
            match event {
                ConcurrencyEvent::Switch(switch) => {
                    let index = switch.thread as usize;
                    if timeline.names.len() <= index {
                        timeline.names.resize_with(index + 1, String::new);
                    }
                    if let Some(name) = &switch.name {
                        timeline.names[index].clone_from(name);
                    }
                    if let Some(last) = timeline.spans.last_mut() {
                        last.last_step = step.saturating_sub(1).max(last.first_step);
                        last.end_us = switch.left_at_us.unwrap_or(switch.time_us).clamp(last.start_us, switch.time_us);
                    }
                    timeline.spans.push(ThreadSpan {
                        thread: switch.thread,
                        first_step: *step,
                        last_step: *step,
                        start_us: switch.time_us,
                        end_us: switch.time_us,
                    });
                }
                ConcurrencyEvent::Finished { time_us } => finished = Some(*time_us),
                ConcurrencyEvent::Asyncio(Some(_)) if timeline.event_loop_from.is_none() => {
                    timeline.event_loop_from = Some(*step);
                }
                ConcurrencyEvent::ParkedFrame { .. } | ConcurrencyEvent::Asyncio(_) => {}
            }
        }
        if let Some(last) = timeline.spans.last_mut() {
            last.last_step = steps.saturating_sub(1).max(last.first_step);
            last.end_us = finished.unwrap_or(last.start_us).max(last.start_us);
        }
        for (index, name) in timeline.names.iter_mut().enumerate() {
            if name.is_empty() {
                *name = format!("thread {index}");
            }
        }
        timeline
    }

    /// The number of times the GIL passed from one thread to another.
    pub fn hand_offs(&self) -> usize {
        self.spans.windows(2).filter(|pair| pair[0].thread != pair[1].thread).count()
    }

    /// The span holding `step`.
    pub fn span_of(&self, step: u64) -> Option<&ThreadSpan> {
        let after = self.spans.partition_point(|span| span.first_step <= step);
        after.checked_sub(1).map(|index| &self.spans[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch(thread: u32, name: Option<&str>, time_us: u64, left_at_us: Option<u64>) -> ConcurrencyEvent {
        ConcurrencyEvent::Switch(ThreadSwitch {
            thread,
            name: name.map(str::to_owned),
            time_us,
            left_at_us,
            leaving_keep: 0,
        })
    }

    #[test]
    fn timeline_spans_run_from_switch_to_switch() {
        let log = vec![
            (0, switch(0, Some("MainThread"), 0, None)),
            (10, switch(1, Some("worker"), 500, Some(450))),
            (30, switch(0, None, 6000, Some(5900))),
            (31, ConcurrencyEvent::Asyncio(None)),
            (40, ConcurrencyEvent::Finished { time_us: 7000 }),
        ];
        let timeline = ThreadTimeline::build(&log, 40);
        assert_eq!(timeline.names, ["MainThread", "worker"]);
        let spans: Vec<_> =
            timeline.spans.iter().map(|s| (s.thread, s.first_step, s.last_step, s.start_us, s.end_us)).collect();
        assert_eq!(spans, [(0, 0, 9, 0, 450), (1, 10, 29, 500, 5900), (0, 30, 39, 6000, 7000)]);
        assert_eq!(timeline.hand_offs(), 2);
        assert_eq!(timeline.event_loop_from, None, "no loop ran");
        assert_eq!(timeline.span_of(29).map(|s| s.thread), Some(1));
        assert_eq!(timeline.span_of(35).map(|s| s.first_step), Some(30));
    }

    #[test]
    fn unnamed_threads_get_a_number() {
        let log = vec![(0, switch(2, None, 0, None))];
        let timeline = ThreadTimeline::build(&log, 1);
        assert_eq!(timeline.names, ["thread 0", "thread 1", "thread 2"]);
        assert_eq!(timeline.hand_offs(), 0);
    }
}
