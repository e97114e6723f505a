//! `input()` with nothing, or too little, to read.

use crate::support::{secs, trace};

#[test]
fn input_with_nothing_to_read_is_a_clear_eof_error() {
    let run = trace("name = input('name? ')\n", &[]);
    run.expect_outcome("exception").within(secs(10));
    assert!(run.message().starts_with("EOFError") && run.message().contains("no more input"), "{}", run.message());
    assert!(run.stderr_output.contains("Traceback") && run.stderr_output.contains("EOFError"), "{}", run.stderr_output);
}

#[test]
fn input_in_an_endless_loop_ends_at_the_first_eof() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stdin = dir.path().join("stdin.txt");
    std::fs::write(&stdin, "one\ntwo\n").expect("write");
    let stdin = stdin.display().to_string();
    let run = trace("while True:\n    print(input())\n", &["--stdin", &stdin]);
    run.expect_outcome("exception").within(secs(10));
    assert_eq!(run.stdout, "one\ntwo\n");
    assert!(run.message().contains("no more input"), "{}", run.message());
}

#[test]
fn reading_all_of_stdin_gets_empty_text() {
    let run = trace("data = __import__('sys').stdin.read()\nprint(repr(data))\n", &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.stdout, "''\n");
}
