//! Programs that eat memory, stack or output, and heaps too big to record in full.

use crate::support::{secs, trace};

#[test]
fn a_fast_memory_bomb_meets_the_memory_limit() {
    trace("x = bytearray(10**12)\n", &[]).expect_outcome("memory_limit").within(secs(10));
    let code = "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))\n";
    trace(code, &["--memory-limit", "300"]).expect_outcome("memory_limit").within(secs(15));
}

#[test]
fn a_slow_memory_bomb_meets_the_memory_limit() {
    let code = "strings = []\nwhile True:\n    strings.append('x' * 100_000)\n";
    let run = trace(code, &["--memory-limit", "300", "--timeout", "30", "--max-steps", "100000000"]);
    run.expect_outcome("memory_limit").within(secs(35)).trace_under(50_000_000);
}

#[test]
fn deep_recursion_is_a_recursion_error() {
    let run = trace("def down(n):\n    return down(n + 1)\ndown(0)\n", &[]);
    // The trace lists the whole stack at every step, a thousand frames deep here: slow to write in
    // a debug build, hence the bound.
    run.expect_outcome("exception").within(secs(40));
    assert!(run.message().starts_with("RecursionError"), "{}", run.message());
}

#[test]
fn recursion_past_the_c_stack_is_a_crash_naming_the_signal() {
    // The recursion runs in code compiled under another file name, so it is not recorded (a trace
    // listing a stack tens of thousands of frames deep at every step would be gigabytes); it goes
    // through C (`map`), so every level uses C stack.
    let code = "import sys\nsys.setrecursionlimit(10**7)\nnamespace = {}\nexec(compile('def down(n):\\n    return next(map(down, [n + 1]))\\n', 'library.py', 'exec'), namespace)\nnamespace['down'](0)\n";
    let run = trace(code, &["--timeout", "30"]);
    run.within(secs(35));
    if run.python_minor() >= 12 {
        // CPython 3.12 counts C recursion separately and raises before the stack runs out.
        assert!(
            run.outcome() == "exception" && run.message().starts_with("RecursionError")
                || run.outcome() == "crashed"
                    && (run.message().contains("SIGSEGV") || run.message().contains("SIGABRT")),
            "{}",
            run.end
        );
    } else {
        // A segfault, or CPython's own "Cannot recover from stack overflow" abort.
        run.expect_outcome("crashed");
        assert!(run.message().contains("SIGSEGV") || run.message().contains("SIGABRT"), "{}", run.message());
    }
}

#[test]
fn an_output_flood_with_newlines_meets_the_output_limit() {
    let run = trace("while True:\n    print('spam' * 100)\n", &["--max-steps", "100000000"]);
    run.expect_outcome("output_limit").within(secs(15));
    assert_eq!(run.stdout.len(), 1_000_000, "output is kept up to the limit");
}

#[test]
fn an_output_flood_without_newlines_meets_the_output_limit() {
    let run = trace("while True:\n    print('x' * 1000, end='')\n", &["--max-steps", "100000000"]);
    run.expect_outcome("output_limit").within(secs(15));
    assert_eq!(run.stdout.len(), 1_000_000);
}

#[test]
fn one_huge_write_meets_the_output_limit() {
    let run = trace("import sys\nsys.stdout.write('z' * 50_000_000)\nprint('after')\n", &[]);
    run.expect_outcome("output_limit").within(secs(15)).trace_under(5_000_000);
    assert_eq!(run.stdout.len(), 1_000_000);
}

#[test]
fn a_flood_on_the_raw_descriptor_meets_the_output_limit() {
    let run = trace("import os\nwhile True:\n    os.write(1, b'y' * 4096)\n", &["--max-steps", "100000000"]);
    run.expect_outcome("output_limit").within(secs(15));
    assert!(run.stdout.len() <= 1_000_000 && run.stdout.len() > 900_000, "{}", run.stdout.len());
}

#[test]
fn a_million_element_list_is_truncated_and_the_trace_stays_small() {
    let run = trace("x = list(range(1_000_000))\ny = len(x)\n", &[]);
    run.expect_outcome("finished").within(secs(15)).trace_under(2_000_000);
    let lists = run.objects_by_type("list");
    let big = lists.iter().find(|list| list["more"].as_u64().is_some_and(|more| more > 0)).expect("the big list");
    let recorded = big["items"].as_array().map_or(0, Vec::len) as u64;
    assert_eq!(recorded + big["more"].as_u64().unwrap_or(0), 1_000_000, "{big}");
    assert!(recorded <= 100);
}

#[test]
fn a_hundred_thousand_key_dict_is_truncated_and_the_trace_stays_small() {
    let run = trace("d = dict(zip(range(100_000), map(str, range(100_000))))\ny = len(d)\n", &[]);
    run.expect_outcome("finished").within(secs(15)).trace_under(2_000_000);
    let dicts = run.objects_by_type("dict");
    let big = dicts.iter().find(|d| d["more"].as_u64().is_some_and(|more| more > 0)).expect("the big dict");
    let recorded = big["entries"].as_array().map_or(0, Vec::len) as u64;
    assert_eq!(recorded + big["more"].as_u64().unwrap_or(0), 100_000, "{big}");
}
