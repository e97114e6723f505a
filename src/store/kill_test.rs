//! Durability under SIGKILL: a child process (this test binary, re-executed to run the ignored
//! test `sigkill_writer_child`) saves a note and progress as fast as it can, with content that
//! checks itself; the parent kills it at varied moments and checks that every file on disk is a
//! complete version, old or new, and that temp files are never taken for data.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::atomic_write::is_temp_file_name;
use super::facade::Store;
use super::notes::NotesStore;
use super::paths::{LessonId, StorePaths};
use super::progress::{LeftOff, Progress};
use super::versioned::{Decoded, decode};

const CHILD_DIR_ENV: &str = "PYXRAY_STORE_KILL_TEST_DIR";
const READY_LINE: &str = "KILL-TEST-WRITER-READY";
const KILL_ROUNDS: u32 = 40;
const LESSON: &str = "kill-test";
/// The writer stops by itself after this, in case the parent test died without killing it.
const WRITER_LIFETIME: Duration = Duration::from_secs(30);

/// libtest names a test by its module path without the crate name.
fn child_test_name() -> String {
    let module = module_path!();
    let within_crate = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{within_crate}::sigkill_writer_child")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Version `version` of the content: 1 to 300 lines that all name the version (so a write is
/// anything from 70 bytes to 20 kB), then a trailer with a checksum of those lines.
fn versioned_content(version: u64) -> String {
    let body: String = (0..=version % 300)
        .map(|line| format!("version {version} line {line}: the quick brown fox jumps over the lazy dog\n"))
        .collect();
    format!("{body}checksum {:016x} version {version}\n", fnv1a(body.as_bytes()))
}

/// The version of `content` if it is exactly one complete version, else what is wrong.
fn check_content(content: &str) -> Result<u64, String> {
    let without_final_newline = content.strip_suffix('\n').ok_or("the content does not end with a newline")?;
    let trailer_start = without_final_newline.rfind('\n').map_or(0, |index| index + 1);
    let (body, trailer) = content.split_at(trailer_start);
    let fields: Vec<&str> = trailer.split_whitespace().collect();
    let ["checksum", checksum, "version", version] = fields[..] else {
        return Err(format!("the trailer {trailer:?} is malformed"));
    };
    let version: u64 = version.parse().map_err(|_| format!("the version in {trailer:?} is not a number"))?;
    if format!("{:016x}", fnv1a(body.as_bytes())) != checksum {
        return Err(format!("the checksum of version {version} does not match"));
    }
    if content != versioned_content(version) {
        return Err(format!("the content is not exactly version {version}"));
    }
    Ok(version)
}

#[test]
#[ignore = "the writer half of sigkill_leaves_only_complete_files, which starts and kills it"]
fn sigkill_writer_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR_ENV) else {
        return;
    };
    let mut store = Store::open(StorePaths::in_dir(dir));
    let lesson = LessonId::parse(LESSON).unwrap();
    let mut version = check_content(store.notes.text(&lesson)).unwrap_or(0);
    println!("{READY_LINE}");
    let started = Instant::now();
    while started.elapsed() < WRITER_LIFETIME {
        version += 1;
        let content = versioned_content(version);
        let now = Instant::now();
        store.notes.set_text(&lesson, &content, now);
        store.notes.flush_all().unwrap();
        store.progress.update(now, |progress| {
            progress.set_left_off(LeftOff { editor_code: content.clone(), ..LeftOff::at_lesson(lesson.clone()) })
        });
        store.progress.flush().unwrap();
    }
}

/// Waits (at most 20 s) for the child to announce that it is about to write.
fn wait_until_writing(child: &mut Child) {
    let stdout = child.stdout.take().unwrap();
    let (ready_sender, ready) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == READY_LINE {
                let _ = ready_sender.send(());
            }
        }
    });
    ready.recv_timeout(Duration::from_secs(20)).expect("the writer child did not start");
}

struct Observed {
    note_version: u64,
    progress_version: u64,
    temp_files: usize,
}

/// Checks every file in the data folder; panics on anything but complete versions and temps.
fn check_files_after_kill(paths: &StorePaths, round: u32) -> Observed {
    let mut observed = Observed { note_version: 0, progress_version: 0, temp_files: 0 };
    for entry in fs::read_dir(&paths.dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = [".lock", ".write.lock", "notes", "progress.json"];
        if is_temp_file_name(&name) {
            observed.temp_files += 1;
        } else {
            assert!(known.contains(&name.as_str()), "round {round}: unexpected {name}");
        }
    }
    let notes_dir = paths.notes_dir();
    if notes_dir.exists() {
        for entry in fs::read_dir(&notes_dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if is_temp_file_name(&name) {
                observed.temp_files += 1;
                continue;
            }
            assert_eq!(name, format!("{LESSON}.md"), "round {round}: unexpected file");
            let content = fs::read_to_string(notes_dir.join(&name)).unwrap();
            observed.note_version =
                check_content(&content).unwrap_or_else(|problem| panic!("round {round}: note file: {problem}"));
        }
    }
    let lesson = LessonId::parse(LESSON).unwrap();
    let mut fresh_notes = NotesStore::new(paths);
    let loaded = fresh_notes.text(&lesson).to_owned();
    assert_eq!(check_content(&loaded).unwrap_or(0), observed.note_version);
    assert!(fresh_notes.drain_warnings().is_empty(), "round {round}");
    assert_eq!(fresh_notes.lessons_with_notes_on_disk().len(), usize::from(observed.note_version > 0));
    observed.progress_version = progress_version(&paths.progress_path(), round);
    observed
}

fn progress_version(path: &Path, round: u32) -> u64 {
    let Ok(bytes) = fs::read(path) else {
        return 0;
    };
    match decode::<Progress>(&bytes) {
        Decoded::Valid { value, .. } => {
            let code = value.left_off.map(|left_off| left_off.editor_code);
            check_content(&code.unwrap_or_default())
                .unwrap_or_else(|problem| panic!("round {round}: progress.json: {problem}"))
        }
        other => panic!("round {round}: progress.json is not a complete version: {other:?}"),
    }
}

#[test]
fn sigkill_leaves_only_complete_files() {
    let folder = tempfile::tempdir().unwrap();
    let paths = StorePaths::in_dir(folder.path().join("data"));
    let test_binary = std::env::current_exe().unwrap();
    let (mut note_version, mut progress_version, mut temp_files) = (0, 0, 0);
    for round in 0..KILL_ROUNDS {
        let mut child = Command::new(&test_binary)
            .args([&child_test_name(), "--exact", "--nocapture", "--include-ignored"])
            .env(CHILD_DIR_ENV, &paths.dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_until_writing(&mut child);
        // 1 to 60 ms, in an order that mixes short and long.
        thread::sleep(Duration::from_millis(1 + u64::from(round * 37 % 60)));
        // On Unix, Child::kill sends SIGKILL: no destructor, no flush, no cleanup runs.
        child.kill().unwrap();
        child.wait().unwrap();

        let observed = check_files_after_kill(&paths, round);
        assert!(observed.note_version >= note_version, "round {round}: note went back");
        assert!(observed.progress_version >= progress_version, "round {round}: progress went back");
        assert!(observed.progress_version <= observed.note_version);
        note_version = observed.note_version;
        progress_version = observed.progress_version;
        temp_files = observed.temp_files;
    }
    eprintln!(
        "sigkill test: {KILL_ROUNDS} kills, reached note version {note_version}, progress version {progress_version}, {temp_files} leftover temp files ignored"
    );
    assert!(
        note_version >= u64::from(KILL_ROUNDS / 4),
        "the writer saved only {note_version} versions: too few for the kills to test anything"
    );
}
