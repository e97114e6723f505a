//! Programs that end the worker or its streams: each is reported, never suffered.

use crate::support::{secs, trace};

#[test]
#[ignore = "known bug: output written before a segfault is lost (it waits in the worker's buffers for the next step)"]
fn a_segfault_through_ctypes_keeps_the_output_before_it() {
    let run = trace("import ctypes\nprint('before')\nctypes.string_at(0)\n", &[]);
    run.expect_outcome("crashed");
    assert_eq!(run.stdout, "before\n", "output before the crash is kept");
}

#[test]
fn a_segfault_through_ctypes_is_a_crash_naming_the_signal() {
    let run = trace("import ctypes\nctypes.string_at(0)\n", &[]);
    run.expect_outcome("crashed").within(secs(10));
    assert!(run.message().contains("SIGSEGV"), "{}", run.message());
}

#[test]
fn killing_itself_is_a_crash_naming_the_signal() {
    let run = trace("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", &[]);
    run.expect_outcome("crashed").within(secs(10));
    assert!(run.message().contains("SIGKILL"), "{}", run.message());
}

#[test]
fn os_exit_reports_its_code() {
    let run = trace("import os\nprint('before')\nos._exit(3)\n", &[]);
    run.expect_outcome("exit").within(secs(10));
    assert_eq!(run.end["exit_code"], 3);
    assert_eq!(run.stdout, "before\n");
}

#[test]
fn sys_exit_reports_its_code() {
    let run = trace("import sys\nsys.exit(3)\n", &[]);
    run.expect_outcome("exit").within(secs(10));
    assert_eq!(run.end["exit_code"], 3);
}

#[test]
fn printing_after_closing_stdout_is_python_s_own_error() {
    let run = trace("import sys\nprint('open')\nsys.stdout.close()\nprint('closed')\n", &[]);
    run.expect_outcome("exception").within(secs(10));
    assert!(run.message().contains("I/O operation on closed file"), "{}", run.message());
    assert_eq!(run.stdout, "open\n");
}

#[test]
fn closing_the_real_descriptors_is_survived() {
    let run = trace("import os\nos.close(1)\nos.close(2)\nprint('still here')\n", &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.stdout, "still here\n");
}
