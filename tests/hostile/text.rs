//! Unusual text in programs and their output.

use crate::support::{pyxray, secs, trace};

#[test]
fn a_nul_byte_in_the_source_is_a_syntax_error() {
    let run = trace(b"x = 1\x00\n".as_slice(), &[]);
    run.expect_outcome("syntax_error").within(secs(10));
    assert!(run.message().contains("null"), "{}", run.message());
}

#[test]
fn a_nul_byte_in_the_output_is_kept() {
    let run = trace("print('a\\x00b')\n", &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.stdout, "a\u{0}b\n");
}

#[test]
fn printing_a_lone_surrogate_is_python_s_own_error() {
    let run = trace("s = '\\ud800'\nprint(s)\n", &[]);
    run.expect_outcome("exception").within(secs(10));
    assert!(run.message().starts_with("UnicodeEncodeError"), "{}", run.message());
}

#[test]
fn right_to_left_text_and_emoji_survive_source_output_and_heap() {
    let run = trace("greeting = 'שלום עולם 😀 مرحبا'\nprint(greeting)\n", &[]);
    run.expect_outcome("finished").within(secs(10));
    assert_eq!(run.stdout, "שלום עולם 😀 مرحبا\n");
    let strings = run.objects_by_type("str");
    assert!(strings.iter().any(|s| s["repr"] == "'שלום עולם 😀 مرحبا'"), "{strings:?}");
}

#[test]
fn a_one_megabyte_line_runs_and_its_repr_is_cut() {
    let code = format!("x = '{}'\ny = len(x)\n", "a".repeat(1_000_000));
    let run = trace(code, &[]);
    run.expect_outcome("finished").within(secs(10)).trace_under(100_000);
}

#[test]
fn a_ten_thousand_line_program_runs() {
    let mut code = String::from("total = 0\n");
    for i in 1..10_000 {
        code.push_str(&format!("total += {i}\n"));
    }
    code.push_str("print(total)\n");
    let run = trace(code, &["--timeout", "30"]);
    run.expect_outcome("finished").within(secs(40));
    assert_eq!(run.stdout, "49995000\n");
    assert!(run.steps >= 10_000);
}

#[test]
fn a_program_that_is_not_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let program = dir.path().join("latin1.py");
    std::fs::write(&program, b"print('caf\xe9')\n").expect("write");
    let (status, _, stderr, elapsed) = pyxray(&["trace".as_ref(), program.as_os_str()]);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not UTF-8") && stderr.contains("latin1.py"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(elapsed < secs(10));
}
