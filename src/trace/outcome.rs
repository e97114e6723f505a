//! How a run ended.

use serde::{Deserialize, Serialize};

use super::model::ExceptionInfo;

/// Every run ends with exactly one outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    Finished,
    Exception,
    Exit,
    SyntaxError,
    StepLimit,
    TimeLimit,
    MemoryLimit,
    OutputLimit,
    Stopped,
    Crashed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Finished => "finished",
            Outcome::Exception => "exception",
            Outcome::Exit => "exit",
            Outcome::SyntaxError => "syntax_error",
            Outcome::StepLimit => "step_limit",
            Outcome::TimeLimit => "time_limit",
            Outcome::MemoryLimit => "memory_limit",
            Outcome::OutputLimit => "output_limit",
            Outcome::Stopped => "stopped",
            Outcome::Crashed => "crashed",
        }
    }

    /// A run that ended because of a limit or Stop rather than by itself.
    pub fn was_cut_short(self) -> bool {
        matches!(
            self,
            Outcome::StepLimit
                | Outcome::TimeLimit
                | Outcome::MemoryLimit
                | Outcome::OutputLimit
                | Outcome::Stopped
                | Outcome::Crashed
        )
    }
}

/// The end of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunEnd {
    pub outcome: Outcome,
    /// One line a person can read: "ZeroDivisionError: division by zero", "stopped after 2.0 s", ...
    pub message: String,
    /// With `exit`: the code given to `sys.exit` or `os._exit`.
    pub exit_code: Option<i32>,
    /// Steps recorded.
    pub steps: u64,
    /// Where a syntax error or the uncaught exception points (1-based).
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub exception: Option<ExceptionInfo>,
}

impl RunEnd {
    pub fn new(outcome: Outcome, message: impl Into<String>) -> Self {
        RunEnd {
            outcome,
            message: message.into(),
            exit_code: None,
            steps: 0,
            line: None,
            column: None,
            exception: None,
        }
    }
}
