//! The snapshot vocabulary: what one step of a traced program looks like, as plain data.

use serde::{Deserialize, Serialize};

/// The real `id()` of a Python object in the worker.
pub type ObjId = u64;

/// The trace event CPython raised for a step (the ones a `sys.settrace` function sees).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    Call,
    #[default]
    Line,
    Return,
    Exception,
    /// One bytecode instruction about to run (an `opcode` event; recorded instead of `line` events
    /// when stepping by instruction).
    Instruction,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Call => "call",
            Event::Line => "line",
            Event::Return => "return",
            Event::Exception => "exception",
            Event::Instruction => "instruction",
        }
    }
}

/// What kind of code a frame runs; generator and coroutine frames can be suspended and resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FrameKind {
    Module,
    Function,
    Lambda,
    Comprehension,
    Class,
    Generator,
    Coroutine,
    AsyncGenerator,
}

impl FrameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FrameKind::Module => "module",
            FrameKind::Function => "function",
            FrameKind::Lambda => "lambda",
            FrameKind::Comprehension => "comprehension",
            FrameKind::Class => "class",
            FrameKind::Generator => "generator",
            FrameKind::Coroutine => "coroutine",
            FrameKind::AsyncGenerator => "async_generator",
        }
    }

    pub fn is_resumable(self) -> bool {
        matches!(self, FrameKind::Generator | FrameKind::Coroutine | FrameKind::AsyncGenerator)
    }
}

/// A local name bound to an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub name: String,
    pub id: ObjId,
}

/// One learner frame on the stack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Identity of this activation, unique within a run (a generator keeps its identity across resumptions).
    pub frame_id: u64,
    pub function: String,
    pub kind: FrameKind,
    /// `id()` of the code object the frame runs (`CodeObject::id` in the run's `Disassembly`).
    pub code: u64,
    pub line: u32,
    pub locals: Vec<Binding>,
}

/// How an object's children are labelled, which decides how panels draw it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjKind {
    /// Immutable and childless: int, str, float, bytes, None, ...
    #[default]
    Leaf,
    List,
    Tuple,
    Set,
    FrozenSet,
    Dict,
    /// An object whose children are its attributes.
    Instance,
    /// A function; its children are its closure cells, named after the free variables.
    Function,
    /// A class; its children are its own (non-dunder) attributes.
    Class,
    /// A closure cell; its one child is its contents.
    Cell,
    Generator,
    /// Anything else: shown by its repr.
    Other,
}

impl ObjKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjKind::Leaf => "leaf",
            ObjKind::List => "list",
            ObjKind::Tuple => "tuple",
            ObjKind::Set => "set",
            ObjKind::FrozenSet => "frozenset",
            ObjKind::Dict => "dict",
            ObjKind::Instance => "instance",
            ObjKind::Function => "function",
            ObjKind::Class => "class",
            ObjKind::Cell => "cell",
            ObjKind::Generator => "generator",
            ObjKind::Other => "other",
        }
    }
}

/// The label of an edge from a container to a child.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    /// A sequence or set slot; its position is the child's index.
    Index,
    /// An attribute, closure cell or class member name.
    Name(String),
    /// A dict entry's key object.
    Object(ObjId),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Child {
    pub key: Key,
    pub id: ObjId,
}

/// One object on the heap as of a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapObject {
    pub type_name: String,
    pub kind: ObjKind,
    /// Python's own repr, truncated. Empty when `repr_from_children` is set: the repr of an exact
    /// list, tuple, dict, set or frozenset is rebuilt from its children's reprs when it is shown,
    /// exactly as CPython builds it, so a growing list never stores its repr again at every step.
    pub repr: String,
    pub repr_from_children: bool,
    /// `sys.getsizeof`.
    pub size: u64,
    /// `sys.getrefcount` less the references held by the tracer itself.
    pub refcount: u64,
    pub children: Vec<Child>,
    /// Children beyond the recording limit (a truncated container).
    pub more: u64,
}

/// Where a module in `sys.modules` came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleOrigin {
    BuiltIn,
    Frozen,
    File(String),
    Namespace,
    Unknown,
}

impl ModuleOrigin {
    pub fn describe(&self) -> String {
        match self {
            ModuleOrigin::BuiltIn => "built-in".into(),
            ModuleOrigin::Frozen => "frozen".into(),
            ModuleOrigin::File(path) => path.clone(),
            ModuleOrigin::Namespace => "namespace".into(),
            ModuleOrigin::Unknown => "unknown".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleEntry {
    pub name: String,
    pub origin: ModuleOrigin,
    /// The step at which the module appeared in `sys.modules` (0: before the program started).
    pub added_step: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracebackEntry {
    pub filename: String,
    pub function: String,
    pub line: u32,
}

/// The exception travelling at an `exception` step, or the one that ended the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionInfo {
    pub type_name: String,
    pub message: String,
    /// Outermost first, as Python prints it.
    pub traceback: Vec<TracebackEntry>,
}

/// Which stream a piece of output was written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stream {
    Stdout,
    Stderr,
}
