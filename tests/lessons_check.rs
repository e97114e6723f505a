//! `pyxray lessons check` on the shipped curriculum: every example ends as it says, every predict's
//! answer is the real output, every exercise's check passes the solution and fails the starter.

use std::process::Command;

#[test]
fn every_shipped_lesson_passes_its_own_check() {
    let output = Command::new(env!("CARGO_BIN_EXE_pyxray")).args(["lessons", "check"]).output().expect("pyxray runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let ok_lines = stdout.lines().filter(|line| line.starts_with("ok")).count();
    assert!(output.status.success(), "lessons check failed:\n{stdout}\n{stderr}");
    assert_eq!(ok_lines, 12, "one ok line per lesson:\n{stdout}");
}

#[test]
fn a_broken_lesson_pack_fails_with_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = include_str!("../lessons/11-unpacking.md");
    std::fs::write(dir.path().join("good.md"), good).expect("write");
    std::fs::write(dir.path().join("broken.md"), "+++\nid = \"broken\"\n+++\n\n```python example\nprint(1)\n")
        .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_pyxray"))
        .args(["lessons", "check"])
        .arg(dir.path())
        .output()
        .expect("pyxray runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("ok") && l.contains("unpacking")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("FAIL") && l.contains("broken.md")), "{stdout}");
}
