//! `pyxray lessons check [DIR]`: the lesson checker driven by the real engine.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::engine::{Engine, Limits, RunRequest, WorkerState};
use crate::lessons::{self, Catalog, CodeRunner, RunReport};
use crate::trace::{Outcome, Stream};

/// Runs lesson code as the Run button does: traced, in the worker, with the default limits.
pub struct EngineRunner {
    engine: Engine,
}

impl EngineRunner {
    pub fn start(exe: std::path::PathBuf) -> Result<Self, String> {
        let engine = Engine::start(exe, None);
        crate::cli::wait_ready(&engine)?;
        Ok(EngineRunner { engine })
    }

    /// After a run that cost the worker its life (a crash, a kill), wait for the fresh one.
    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.engine.state() != WorkerState::Idle && Instant::now() < deadline {
            let _ = self.engine.recv_timeout(Duration::from_millis(20));
        }
    }
}

impl CodeRunner for EngineRunner {
    fn run(&mut self, code: &str, timeout_secs: f64) -> RunReport {
        self.wait_until_ready();
        let request = RunRequest {
            code: code.to_owned(),
            filename: "lesson.py".into(),
            limits: Limits { time_limit_secs: timeout_secs, ..Limits::default() },
            stdin: String::new(),
            interactive: false,
            trace: true,
            script_dir: None,
            instruction_steps: false,
        };
        match crate::cli::record(&self.engine, request) {
            Ok(store) => {
                let stdout = store.all_output(Stream::Stdout);
                match store.end() {
                    Some(end) => RunReport {
                        outcome: end.outcome.as_str().to_owned(),
                        exception_type: (end.outcome == Outcome::Exception)
                            .then(|| end.exception.as_ref().map(|e| e.type_name.clone()))
                            .flatten(),
                        message: end.message.clone(),
                        stdout,
                    },
                    None => RunReport { outcome: lessons::OUTCOME_CRASHED.into(), stdout, ..RunReport::default() },
                }
            }
            Err(message) => RunReport { outcome: lessons::OUTCOME_CRASHED.into(), message, ..RunReport::default() },
        }
    }
}

/// Checks the shipped lessons, or the pack in `dir`; prints a line per lesson; exit code 1 on any failure.
pub fn run(dir: Option<&Path>) -> Result<i32, String> {
    let catalog = match dir {
        Some(dir) => Catalog::load_dir(dir),
        None => Catalog::embedded(),
    };
    let mut runner = EngineRunner::start(Engine::current_exe())?;
    let result = lessons::check_catalog(&catalog, &mut runner);
    for line in result.report_lines() {
        println!("{line}");
    }
    let failed = result.lessons.iter().filter(|l| !l.passed()).count() + result.parse_errors.len();
    println!("{} passed, {} failed", result.lessons.len() + result.parse_errors.len() - failed, failed);
    Ok(if result.passed() { 0 } else { 1 })
}
