//! The Threads pane and the per-thread stacks, driven with the real worker: CPython's GIL passing
//! between two CPU-bound threads every switch interval, and at every `time.sleep` between two
//! I/O-bound ones; clicking a span of the timeline goes to its first step; an asyncio program's
//! tasks with their states.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pyxray::trace::ThreadTimeline;

mod gui_support;

use gui_support::*;

/// Two threads counting; a 1 ms switch interval makes CPython hand the GIL over often.
const CPU_BOUND: &str = "\
import sys
import threading

sys.setswitchinterval(0.001)

def count(n):
    total = 0
    for i in range(n):
        total += i
    return total

workers = [threading.Thread(target=count, args=(2000,), name=f'worker-{k}') for k in (1, 2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
done = True
";

/// A worker and the main thread each sleeping three times: `time.sleep` drops the GIL at once.
const IO_BOUND: &str = "\
import threading
import time

def work(n):
    for i in range(3):
        time.sleep(0.01)
        n += i
    return n

t = threading.Thread(target=work, args=(1,), name='worker-1')
t.start()
for j in range(3):
    time.sleep(0.01)
t.join()
done = True
";

const WORKER_SLEEP_LINE: u32 = 6;

fn threads_texts(harness: &Harness<'_, App>) -> Vec<String> {
    texts_in(harness, "Threads panel")
}

fn has(texts: &[String], wanted: &str) -> bool {
    texts.iter().any(|text| text.contains(wanted))
}

/// The hand-off count the summary states ("... · 7 GIL hand-offs · ...").
fn stated_hand_offs(texts: &[String]) -> usize {
    let summary = texts.iter().find(|text| text.contains("GIL hand-off")).unwrap_or_else(|| panic!("{texts:?}"));
    let part = summary.split(" · ").find(|part| part.contains("GIL hand-off")).expect("the hand-off part");
    part.split(' ').next().and_then(|count| count.parse().ok()).unwrap_or_else(|| panic!("{summary}"))
}

fn run(program: &str) -> Harness<'static, App> {
    let mut harness = harness();
    type_program(&mut harness, program);
    run_and_wait(&mut harness, "finished");
    show_tab(&mut harness, "Threads");
    harness
}

fn timeline(harness: &Harness<'_, App>) -> ThreadTimeline {
    app(harness).model().trace.thread_timeline()
}

#[test]
fn cpu_bound_threads_hand_the_gil_over_every_switch_interval() {
    let harness = run(CPU_BOUND);
    let texts = threads_texts(&harness);
    assert!(has(&texts, "3 threads ran your code"), "{texts:?}");
    let timeline = timeline(&harness);
    assert_eq!(timeline.names, ["MainThread", "worker-1", "worker-2"]);
    let hand_offs = stated_hand_offs(&texts);
    assert_eq!(hand_offs, timeline.hand_offs());
    // Each counts 2000 numbers (4000 traced lines); at 1 ms neither finishes in one go.
    assert!(hand_offs >= 10, "only {hand_offs} hand-offs");
    let switches_between_workers = timeline
        .spans
        .windows(2)
        .filter(|pair| pair[0].thread != 0 && pair[1].thread != 0 && pair[0].thread != pair[1].thread)
        .count();
    assert!(switches_between_workers >= 5, "the workers take turns: {switches_between_workers}");
    assert!(has(&texts, "every 5 ms by default"), "{texts:?}");
}

#[test]
fn io_bound_threads_hand_the_gil_over_at_each_sleep_and_both_stacks_show() {
    let mut harness = run(IO_BOUND);
    let texts = threads_texts(&harness);
    assert!(has(&texts, "2 threads ran your code"), "{texts:?}");
    let timeline = timeline(&harness);
    assert_eq!(timeline.names, ["MainThread", "worker-1"]);
    // Three sleeps in each thread: the GIL passes at least once per sleep of the worker and back.
    assert!(stated_hand_offs(&texts) >= 6, "{texts:?}");
    // The worker gives the GIL away at each of its three sleeps (a loaded machine may split a span
    // elsewhere too, by a switch-interval hand-off or a pause of the process).
    let model = app(&harness).model();
    let worker_spans: Vec<_> = timeline.spans.iter().filter(|span| span.thread == 1).collect();
    assert!(worker_spans.len() >= 3, "{worker_spans:?}");
    let ending_at_sleep =
        worker_spans.iter().filter(|span| model.steps().line(span.last_step) == Some(WORKER_SLEEP_LINE)).count();
    assert!(ending_at_sleep >= 3, "{ending_at_sleep} of {worker_spans:?} end at the sleep");

    // Clicking the worker's first span in the list goes to its first step.
    let first = worker_spans[0];
    let label = texts
        .iter()
        .find(|text| text.starts_with(&format!("worker-1 · steps {}–", first.first_step + 1)))
        .unwrap_or_else(|| panic!("the worker's first span in {texts:?}"))
        .clone();
    // The list is below the plot, under the fold of the small pane: through the accessibility action.
    harness.get_by_label(&label).click_accesskit();
    harness.run();
    assert_eq!(app(&harness).model().step(), first.first_step);
    let texts = threads_texts(&harness);
    assert!(has(&texts, &format!("Step {}: worker-1 is running", first.first_step + 1)), "{texts:?}");

    // There, the worker runs `work` and the main thread waits in `<module>`.
    show_tab(&mut harness, "Stack");
    let stack = texts_in(&harness, "Stack panel");
    let position = |wanted: &str| stack.iter().position(|text| text == wanted);
    let main = position("MainThread — waiting");
    let worker = position("worker-1 — running this step");
    assert!(main.is_some() && worker.is_some() && main < worker, "{stack:?}");
    assert!(stack.iter().any(|text| text.starts_with("Frame <module> line ")), "{stack:?}");
    assert!(stack.iter().any(|text| text.starts_with("Frame work line ")), "{stack:?}");
    assert!(stack.iter().any(|text| text.starts_with("t = ")), "main's local t is listed: {stack:?}");

    // The heap diagram draws both threads' frames, each named.
    show_tab(&mut harness, "Heap");
    let heap = texts_in(&harness, "Heap panel");
    assert!(heap.iter().any(|text| text.starts_with("frame work · worker-1")), "{heap:?}");
    assert!(heap.iter().any(|text| text.starts_with("frame <module> · MainThread")), "{heap:?}");
}

#[test]
fn a_program_with_one_thread_says_so() {
    let harness = run("x = 1\ny = x + 1\n");
    let texts = threads_texts(&harness);
    assert!(has(&texts, "This program ran in one thread, MainThread"), "{texts:?}");
    assert!(has(&texts, "It started no asyncio event loop either"), "{texts:?}");
    assert!(!has(&texts, "ran your code"), "no timeline summary: {texts:?}");
}

const ASYNCIO: &str = "\
import asyncio

async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name

async def main():
    first = asyncio.create_task(fetch('a', 0.01), name='fetch-a')
    second = asyncio.create_task(fetch('b', 0.02), name='fetch-b')
    results = await asyncio.gather(first, second)
    return results

out = asyncio.run(main())
";

#[test]
fn an_event_loop_shows_its_tasks_states_and_ready_queue() {
    let mut harness = run(ASYNCIO);
    let model = app(&harness).model();
    let on_line_4: Vec<u64> = (0..model.len()).filter(|step| model.steps().line(*step) == Some(4)).collect();
    let end = model.first_step_on_line(11).expect("main returned");
    let go_to = |harness: &mut Harness<'_, App>, step: u64| {
        app_mut(harness).queue_command(pyxray::ui::Command::GoToStep(step));
        harness.run();
        threads_texts(harness)
    };

    // fetch-a's first step: main waits in gather, fetch-b is next in the ready queue.
    let texts = go_to(&mut harness, on_line_4[0]);
    assert!(has(&texts, "Task Task-1: pending, coroutine main, line 10, awaiting _GatheringFuture"), "{texts:?}");
    assert!(has(&texts, "Task fetch-a: running, coroutine fetch, line 4"), "{texts:?}");
    assert!(has(&texts, "Task fetch-b: pending, coroutine fetch"), "{texts:?}");
    assert!(texts.contains(&"1. step fetch-b".to_owned()), "{texts:?}");

    // fetch-b's first step: fetch-a sleeps, its wake-up is the loop's one timer.
    let fetch_b_first = *on_line_4.iter().find(|step| **step > on_line_4[0] + 1).expect("fetch-b ran");
    let texts = go_to(&mut harness, fetch_b_first);
    assert!(has(&texts, "Task fetch-b: running"), "{texts:?}");
    assert!(has(&texts, "Task fetch-a: pending, coroutine fetch, line 4, awaiting"), "{texts:?}");
    assert!(has(&texts, "1 timer waiting"), "{texts:?}");

    // Back in main after gather: both fetches are done.
    let texts = go_to(&mut harness, end);
    assert!(has(&texts, "Task Task-1: running, coroutine main, line 11"), "{texts:?}");
    assert!(has(&texts, "Task fetch-a: done") && has(&texts, "Task fetch-b: done"), "{texts:?}");
}
