//! What a parsed lesson looks like. Every line number is 1-based and counts lines of the whole file,
//! front matter included, so it can be shown to the author as is.

use std::fmt;

/// One lesson file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Unique, lowercase, digits and dashes; used as the key for notes and progress.
    pub id: String,
    pub title: String,
    /// Position in the table of contents.
    pub order: u32,
    pub goals: Vec<String>,
    pub panels: Vec<Panel>,
    /// Estimated time in minutes.
    pub minutes: u32,
    /// The file name the lesson was read from, e.g. `02-names-and-references.md`.
    pub source_name: String,
    /// The line of the `id` key in the front matter (for duplicate-id reports).
    pub id_line: u32,
    /// The Markdown after the front matter, with `\n` line endings and no byte order mark.
    pub body: String,
    /// The file line on which `body` starts.
    pub body_start_line: u32,
    /// The introduction (if there is text before the first `## ` heading), then one section per heading.
    pub sections: Vec<Section>,
}

/// A panel of the app that a lesson uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    Heap,
    Stack,
    Modules,
    Bytecode,
    Output,
    Internals,
    Threads,
}

impl Panel {
    pub const ALL: [Panel; 7] =
        [Panel::Heap, Panel::Stack, Panel::Modules, Panel::Bytecode, Panel::Output, Panel::Internals, Panel::Threads];

    /// The name used in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Heap => "heap",
            Panel::Stack => "stack",
            Panel::Modules => "modules",
            Panel::Bytecode => "bytecode",
            Panel::Output => "output",
            Panel::Internals => "internals",
            Panel::Threads => "threads",
        }
    }

    pub fn from_name(name: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|panel| panel.as_str() == name)
    }
}

/// A `## ` section (or the introduction before the first one): a table-of-contents entry and a slide.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading's text without `## ` and without Markdown markup; "Introduction" for the introduction.
    pub title: String,
    /// True for the text before the first `## ` heading.
    pub is_introduction: bool,
    /// The heading's line (for the introduction: the first line of the body).
    pub start_line: u32,
    /// The last line that belongs to this section.
    pub end_line: u32,
    /// The section's prose without its heading and without role blocks (prose parts joined by a blank line).
    pub markdown: String,
    /// Prose and interactive blocks in the order they appear; the heading is not included.
    pub parts: Vec<Part>,
}

/// One piece of a section, in reading order. The UI renders `Markdown` with a Markdown viewer and
/// puts a widget where each other part is.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Markdown(MarkdownText),
    Example(Example),
    Predict(Predict),
    Exercise(Exercise),
}

/// A run of prose between role blocks. Plain code blocks (without a role) stay in here.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownText {
    pub text: String,
    /// The line of the first non-blank line of `text`.
    pub line: u32,
}

/// A ```` ```python example ```` block: loads into the editor with Run and Step through.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The code, without a trailing newline.
    pub code: String,
    /// The line of the opening fence.
    pub line: u32,
    pub outcome: ExpectedOutcome,
    /// `start=`: the line of `code` (1 = its first line) whose first step the step-through starts at.
    pub start_line: Option<u32>,
    /// `timeout=`: seconds the example may run.
    pub timeout_secs: f64,
    pub plot: Option<PlotKind>,
}

/// The seconds an example may run unless it says otherwise; also used for predicts and exercises.
pub const DEFAULT_TIMEOUT_SECS: f64 = 10.0;

/// How an example's run must end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedOutcome {
    Finished,
    /// The run ends with an uncaught exception of this type, e.g. `ZeroDivisionError`.
    Exception(String),
}

impl fmt::Display for ExpectedOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedOutcome::Finished => f.write_str("finished"),
            ExpectedOutcome::Exception(type_name) => write!(f, "exception {type_name}"),
        }
    }
}

/// `plot=`: output lines `PLOT <series> <x> <y>` are drawn as a chart of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotKind {
    Line,
    Scatter,
}

/// A ```` ```python predict ```` block with its `answer` (and optional `choices`).
#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    /// The code, without a trailing newline.
    pub code: String,
    /// The line of the opening fence.
    pub line: u32,
    /// One choice per line, trailing white space removed, blank lines skipped; contains the answer.
    pub choices: Option<Vec<String>>,
    /// The exact expected output, without a trailing newline.
    pub answer: String,
    /// The line of the `answer` block's opening fence.
    pub answer_line: u32,
}

/// A ```` ```python exercise id=... ```` block with its `check`, hints and `solution`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// Unique within the lesson.
    pub id: String,
    /// The starter code, without a trailing newline.
    pub starter: String,
    /// Runs after the learner's code in the same namespace; the exercise passes when it raises nothing.
    pub check: String,
    /// Revealed one at a time.
    pub hints: Vec<String>,
    pub solution: String,
    /// The line of the `exercise` block's opening fence.
    pub line: u32,
    /// The line of the `check` block's opening fence.
    pub check_line: u32,
    /// The line of the `solution` block's opening fence.
    pub solution_line: u32,
}

impl Lesson {
    /// Every part of every section, in order.
    pub fn parts(&self) -> impl Iterator<Item = &Part> {
        self.sections.iter().flat_map(|section| section.parts.iter())
    }

    pub fn examples(&self) -> impl Iterator<Item = &Example> {
        self.parts().filter_map(|part| match part {
            Part::Example(example) => Some(example),
            _ => None,
        })
    }

    pub fn predicts(&self) -> impl Iterator<Item = &Predict> {
        self.parts().filter_map(|part| match part {
            Part::Predict(predict) => Some(predict),
            _ => None,
        })
    }

    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.parts().filter_map(|part| match part {
            Part::Exercise(exercise) => Some(exercise),
            _ => None,
        })
    }

    /// The index in `sections` of the section that contains file line `line`.
    pub fn section_index_at_line(&self, line: u32) -> Option<usize> {
        self.sections.iter().position(|section| section.start_line <= line && line <= section.end_line)
    }
}
