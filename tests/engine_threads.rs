//! Threads: every thread the program starts is recorded with its own stack, the timeline of which
//! thread ran when agrees with what the threads themselves logged, and processes forked from the
//! worker never write into its trace.

mod common;

use pyxray::trace::{Outcome, Snapshot, Stream, ThreadTimeline, TraceStore};

fn record(code: &str) -> TraceStore {
    let engine = common::engine();
    let mut request = common::request(code, "threads.py");
    // Generous: a loaded machine running a debug build is slow, and none of these programs loops forever.
    request.limits.time_limit_secs = 60.0;
    let store = common::record(&engine, request);
    assert_eq!(store.end().map(|end| end.outcome), Some(Outcome::Finished), "{:?}", store.end());
    store
}

fn snapshots(store: &mut TraceStore) -> Vec<Snapshot> {
    (0..store.len()).map(|step| store.snapshot(step).expect("decodes").expect("recorded").clone()).collect()
}

/// Collapses consecutive repeats: `a a b a a` -> `a b a`.
fn runs<T: PartialEq + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if out.last() != Some(&item) {
            out.push(item);
        }
    }
    out
}

fn is_subsequence<T: PartialEq>(short: &[T], long: &[T]) -> bool {
    let mut long = long.iter();
    short.iter().all(|wanted| long.any(|item| item == wanted))
}

#[test]
fn each_thread_is_recorded_with_its_own_stack_and_name() {
    let code = "\
import threading

def work(count):
    total = 0
    for i in range(count):
        total += i
    print(threading.current_thread().name, total)
    return total

workers = [threading.Thread(target=work, args=(n,), name=f'worker-{n}') for n in (3, 4)]
for t in workers:
    t.start()
for t in workers:
    t.join()
print('main done')
";
    let mut store = record(code);
    let steps = snapshots(&mut store);
    let output = store.all_output(Stream::Stdout);
    assert!(output.contains("worker-3 3") && output.contains("worker-4 6"), "{output}");

    for (name, count) in [("worker-3", 3), ("worker-4", 4)] {
        let mine: Vec<&Snapshot> = steps.iter().filter(|snap| snap.thread_name() == name).collect();
        // Each thread's own stack holds only its `work` frame, and its loop body ran `count` times.
        assert!(!mine.is_empty(), "no step of {name}");
        for snap in &mine {
            let functions: Vec<&str> = snap.stack.iter().map(|f| f.function.as_str()).collect();
            assert_eq!(functions, ["work"], "step {} of {name}", snap.index);
        }
        let body_steps = mine.iter().filter(|snap| snap.line == 6).count();
        assert_eq!(body_steps, count, "{name}");
        // Meanwhile the main thread waits with its module frame parked.
        let main = &mine[0].threads[0];
        assert_eq!(main.name, "MainThread");
        assert_eq!(main.stack.iter().map(|f| f.function.as_str()).collect::<Vec<_>>(), ["<module>"]);
    }
    let main_steps = steps.iter().filter(|snap| snap.thread == 0).count();
    assert!(main_steps > 0);
    assert!(steps.iter().filter(|snap| snap.thread == 0).all(|snap| snap.stack[0].function == "<module>"));
    let last = steps.last().expect("steps");
    assert_eq!(
        last.threads.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["MainThread", "worker-3", "worker-4"]
    );
}

#[test]
fn a_global_rebound_by_a_thread_shows_in_the_waiting_main_frame() {
    let code = "\
import threading

counter = 0

def bump():
    global counter
    counter += 1000
    print(id(counter))

t = threading.Thread(target=bump)
t.start()
t.join()
";
    let mut store = record(code);
    let printed: u64 = store.all_output(Stream::Stdout).trim().parse().expect("an id");
    let steps = snapshots(&mut store);
    // The step after `counter += 1000` ran, in the thread: line 8 of `bump`.
    let after = steps.iter().find(|snap| snap.thread != 0 && snap.line == 8).expect("a step at line 8 in the thread");
    let module = &after.threads[0].stack[0];
    let counter = module.locals.iter().find(|b| b.name == "counter").expect("counter bound");
    assert_eq!(counter.id, printed, "the parked module frame sees the new binding");
    assert_eq!(after.heap.get(&printed).map(|o| o.repr.as_str()), Some("1000"));
}

/// What the threads logged of their own turns, and the recorded timeline, in one CPU-bound and one
/// I/O-bound run.
fn turns(code: &str) -> (Vec<String>, Vec<String>, ThreadTimeline) {
    let mut store = record(code);
    let logged: Vec<String> = store.all_output(Stream::Stdout).split_whitespace().map(str::to_owned).collect();
    let timeline = store.thread_timeline();
    let steps = snapshots(&mut store);
    let recorded: Vec<String> = steps
        .iter()
        .filter(|snap| snap.thread != 0 && snap.stack.first().is_some_and(|f| f.function == "spin"))
        .map(|snap| snap.thread_name().to_owned())
        .collect();
    (runs(logged), runs(recorded), timeline)
}

const TURNS: &str = "\
import sys, threading, time

log = []

def spin(rounds, pause):
    me = threading.current_thread().name
    for _ in range(rounds):
        n = 100 if pause == 0 else 1
        while n:
            n -= 1
        log.append(me)
        if pause:
            time.sleep(pause)

sys.setswitchinterval(0.002)
threads = [threading.Thread(target=spin, args=(ROUNDS, PAUSE), name=name) for name in ('A', 'B')]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(' '.join(log))
";

#[test]
fn the_timeline_agrees_with_the_threads_own_log_for_cpu_and_io_bound_work() {
    let (cpu_log, cpu_steps, cpu) = turns(&TURNS.replace("ROUNDS", "30").replace("PAUSE", "0"));
    let (io_log, io_steps, io) = turns(&TURNS.replace("ROUNDS", "8").replace("PAUSE", "0.01"));
    for (log, steps) in [(&cpu_log, &cpu_steps), (&io_log, &io_steps)] {
        // Every change of hands the threads saw is in the recording (which may see more: a thread
        // can lose the GIL between two of its log entries).
        assert!(is_subsequence(log, steps), "logged {log:?}\nrecorded {steps:?}");
    }
    // Sleeping threads hand the GIL over at every sleep.
    assert!(io_log.len() >= 12, "{io_log:?}");
    assert!(io.hand_offs() >= io_log.len() - 1);

    // CPU-bound: learner code runs nearly all the time, in turns of about the switch interval.
    // I/O-bound: short bursts, mostly nothing runs (the threads sleep).
    let busy = |timeline: &ThreadTimeline| {
        let threads: Vec<_> = timeline.spans.iter().filter(|span| span.thread != 0).collect();
        let first = threads.first().map_or(0, |span| span.start_us);
        let last = threads.last().map_or(0, |span| span.end_us);
        let running: u64 = threads.iter().map(|span| span.end_us - span.start_us).sum();
        running as f64 / (last - first).max(1) as f64
    };
    let (cpu_busy, io_busy) = (busy(&cpu), busy(&io));
    eprintln!(
        "CPU-bound: {} turns logged, {} hand-offs, busy {:.2}; I/O-bound: {} turns logged, {} hand-offs, busy {:.2}",
        cpu_log.len(),
        cpu.hand_offs(),
        cpu_busy,
        io_log.len(),
        io.hand_offs(),
        io_busy
    );
    // (Other tests and programs share the cores, which widens every gap: the bounds are loose, the
    // contrast is what matters.)
    assert!(cpu_busy > 0.35, "CPU-bound threads ran learner code {:.0}% of the time", cpu_busy * 100.0);
    assert!(io_busy < 0.25, "I/O-bound threads ran learner code {:.0}% of the time", io_busy * 100.0);
    assert!(cpu_busy > 2.0 * io_busy);
    if cpu_log.len() > 2 {
        // A turn runs from a hand-off to the next (a thread's pauses within its turn split spans, not turns).
        let mut turns: Vec<u64> = Vec::new();
        let mut current: Option<(u32, u64, u64)> = None;
        for span in cpu.spans.iter().filter(|s| s.thread != 0) {
            match &mut current {
                Some((thread, _, end)) if *thread == span.thread => *end = span.end_us,
                _ => {
                    turns.extend(current.map(|(_, start, end)| end - start));
                    current = Some((span.thread, span.start_us, span.end_us));
                }
            }
        }
        turns.sort_unstable();
        // Turns last about the 2 ms switch interval (the waiting thread asks after 2 ms).
        assert!(turns[turns.len() / 2] >= 1_000, "median turn {} µs", turns[turns.len() / 2]);
    }
}

#[test]
fn a_forked_process_pool_runs_untraced_and_its_output_arrives() {
    let code = "\
import concurrent.futures, multiprocessing, os

def square(n):
    print('child', os.getpid(), flush=True)
    return n * n

parent = os.getpid()
with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context('fork')) as pool:
    results = list(pool.map(square, range(6)))
print('parent', parent, results)
";
    let mut store = record(code);
    let output = store.all_output(Stream::Stdout);
    let parent = output.lines().find_map(|line| line.strip_prefix("parent ")).expect("the parent's line");
    assert!(parent.ends_with("[0, 1, 4, 9, 16, 25]"), "{output}");
    let parent_pid = parent.split_whitespace().next().expect("pid");
    let children: Vec<&str> = output.lines().filter_map(|line| line.strip_prefix("child ")).collect();
    assert_eq!(children.len(), 6, "every call printed, from the children: {output}");
    assert!(children.iter().all(|pid| *pid != parent_pid));
    // `square` ran only in the children, which record nothing.
    let steps = snapshots(&mut store);
    assert!(steps.iter().all(|snap| snap.stack.iter().all(|f| f.function != "square")));
    assert!(steps.iter().any(|snap| snap.line == 10), "the parent's steps are all there");
}

#[test]
fn a_forked_child_that_runs_to_the_end_leaves_the_trace_alone() {
    let code = "\
import os

pid = os.fork()
who = 'child' if pid == 0 else 'parent'
print(who, os.getpid(), flush=True)
if pid:
    os.waitpid(pid, 0)
    print('parent waited')
";
    let mut store = record(code);
    let output = store.all_output(Stream::Stdout);
    assert!(output.contains("child ") && output.contains("parent waited"), "{output}");
    assert_eq!(store.end().map(|end| end.steps), Some(store.len()));
    // Only the parent's steps: it is the one that reaches line 7.
    let steps = snapshots(&mut store);
    assert_eq!(steps.iter().filter(|snap| snap.line == 4).count(), 1, "one process recorded line 4");
    assert!(steps.iter().any(|snap| snap.line == 8));
}
