//! Programs that never end by themselves: the time or step limit ends them, whatever they do to
//! resist, and whatever they started is ended with them.

use crate::support::{process_gone, secs, trace};

/// Enough steps that the time limit, not the step limit, ends these loops.
const NO_STEP_LIMIT: &str = "1000000000";

#[test]
fn a_one_line_endless_loop_meets_the_time_limit() {
    // Each turn of the loop is a step from 3.13 on (its jump back is traced as a line): a body
    // that takes a while keeps the steps few, so the time limit, not the step limit, ends it.
    let code = "while True: sum(range(20_000))\n";
    trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]).expect_outcome("time_limit").within(secs(8));
}

#[test]
fn a_multi_line_endless_loop_meets_the_step_limit() {
    let run = trace("i = 0\nwhile True:\n    i += 1\n", &["--max-steps", "20000"]);
    run.expect_outcome("step_limit").within(secs(10));
    assert_eq!(run.steps, 20_000);
}

#[test]
fn a_multi_line_endless_loop_meets_the_time_limit() {
    let code = "total = 0\nwhile True:\n    total += sum(range(20_000))\n    total -= 1\n";
    trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]).expect_outcome("time_limit").within(secs(8));
}

#[test]
fn a_loop_that_swallows_base_exception_meets_the_time_limit() {
    let code = "while True:\n    try:\n        while True:\n            sum(range(20_000))\n    except BaseException:\n        pass\n";
    trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]).expect_outcome("time_limit").within(secs(8));
}

#[test]
fn a_program_ignoring_sigint_and_sigterm_meets_the_time_limit() {
    let code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    sum(range(20_000))\n";
    trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]).expect_outcome("time_limit").within(secs(8));
}

#[test]
fn a_spinning_non_daemon_thread_meets_the_time_limit() {
    let code = "import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin).start()\nprint('main done')\n";
    // The thread's steps are recorded too; a step limit out of reach leaves the time limit to end it.
    let run = trace(code, &["--timeout", "2", "--max-steps", "1000000000"]);
    run.expect_outcome("time_limit").within(secs(8));
    assert!(run.message().contains("thread"), "the message says a thread kept running: {}", run.message());
    assert!(run.stdout.contains("main done"), "{}", run.stdout);
}

#[test]
fn a_sleeping_non_daemon_thread_meets_the_time_limit() {
    let code = "import threading, time\ndef nap():\n    while True:\n        time.sleep(0.01)\nthreading.Thread(target=nap).start()\nprint('main done')\n";
    let run = trace(code, &["--timeout", "2"]);
    run.expect_outcome("time_limit").within(secs(8));
    assert!(run.message().contains("thread"), "the message says a thread kept running: {}", run.message());
}

/// `HOSTILE_DIR` is where the test looks for the pids a program writes.
const START_CHILD: &str = "import os, subprocess\ndef start(**options):\n    child = subprocess.Popen(['sleep', '1000'], **options)\n    with open(os.path.join(os.environ['HOSTILE_DIR'], 'pids'), 'a') as pids:\n        pids.write(f'{child.pid}\\n')\n    return child\n";

fn assert_children_gone(pids: &[i32], expected: usize) {
    assert_eq!(pids.len(), expected, "the program recorded its children: {pids:?}");
    for pid in pids {
        assert!(process_gone(*pid), "child {pid} is still running");
    }
}

#[test]
fn a_child_process_of_an_endless_program_is_killed_with_it() {
    let code = format!("{START_CHILD}start()\nwhile True:\n    sum(range(20_000))\n");
    let run = trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]);
    run.expect_outcome("time_limit").within(secs(8));
    assert_children_gone(&run.recorded_pids(), 1);
}

#[test]
fn a_child_process_left_by_a_finished_program_is_ended() {
    let run = trace(format!("{START_CHILD}start()\nprint('started')\n"), &["--timeout", "5"]);
    run.expect_outcome("finished").within(secs(10));
    assert_children_gone(&run.recorded_pids(), 1);
}

#[test]
fn a_child_in_its_own_session_is_ended_too() {
    let code = format!(
        "{START_CHILD}start(start_new_session=True)\nstart(start_new_session=True)\nwhile True:\n    sum(range(20_000))\n"
    );
    let run = trace(code, &["--timeout", "2", "--max-steps", NO_STEP_LIMIT]);
    run.expect_outcome("time_limit").within(secs(8));
    assert_children_gone(&run.recorded_pids(), 2);
}

#[test]
fn a_daemonised_grandchild_is_ended_too() {
    // The classic double fork: the child starts a grandchild in a new session and exits, so the
    // grandchild is nobody's child any more.
    let code = "import os, time\npid = os.fork()\nif pid == 0:\n    os.setsid()\n    if os.fork() == 0:\n        with open(os.path.join(os.environ['HOSTILE_DIR'], 'pids'), 'a') as pids:\n            pids.write(f'{os.getpid()}\\n')\n        time.sleep(1000)\n    os._exit(0)\nos.waitpid(pid, 0)\ntime.sleep(0.5)\nprint('parent done')\n";
    let run = trace(code, &["--timeout", "5"]);
    run.expect_outcome("finished").within(secs(10));
    assert_children_gone(&run.recorded_pids(), 1);
}
