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

/// Yes/no facts about an object, in one byte (a new int is the commonest change of all, and the
/// per-step storage budget is 64 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjFlags(pub u8);

impl ObjFlags {
    /// The repr is rebuilt from the children (see `HeapObject::repr`).
    pub const REPR_FROM_CHILDREN: ObjFlags = ObjFlags(1);
    /// The very object of CPython's small-int cache (-5 to 256): every such value is this one object.
    pub const SMALL_INT: ObjFlags = ObjFlags(1 << 1);
    /// An interned string: equal interned strings are one object.
    pub const INTERNED: ObjFlags = ObjFlags(1 << 2);
    /// Immortal (3.12+): its refcount never changes and it is never freed.
    pub const IMMORTAL: ObjFlags = ObjFlags(1 << 3);
    /// A constant of a learner code object (`co_consts`), shared by every run of that code.
    pub const CODE_CONSTANT: ObjFlags = ObjFlags(1 << 4);

    pub const fn contains(self, other: ObjFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn set(&mut self, other: ObjFlags, on: bool) {
        if on {
            self.0 |= other.0;
        } else {
            self.0 &= !other.0;
        }
    }

    pub const fn with(self, other: ObjFlags) -> ObjFlags {
        ObjFlags(self.0 | other.0)
    }

    pub fn repr_from_children(self) -> bool {
        self.contains(ObjFlags::REPR_FROM_CHILDREN)
    }
}

/// One object on the heap as of a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapObject {
    pub type_name: String,
    pub kind: ObjKind,
    /// Python's own repr, truncated. Empty when `ObjFlags::REPR_FROM_CHILDREN` is set: the repr of
    /// an exact list, tuple, dict, set or frozenset is rebuilt from its children's reprs when it is
    /// shown, exactly as CPython builds it, so a growing list never stores its repr again at every step.
    pub repr: String,
    pub flags: ObjFlags,
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
    /// How its import went, when the program's run imported it (not for modules loaded before).
    #[serde(default)]
    pub import: Option<ImportTiming>,
    /// The first imports that found it already in `sys.modules` (at most `ModuleEntry::MAX_HITS_KEPT`).
    #[serde(default)]
    pub hits: Vec<ImportHit>,
    /// How many imports found it already in `sys.modules`, including those beyond `hits`.
    #[serde(default)]
    pub hit_count: u64,
}

impl ModuleEntry {
    /// Cache hits listed one by one; a loop that imports a module at every turn is counted past this.
    pub const MAX_HITS_KEPT: usize = 64;
}

/// One module's import as `python -X importtime` measures it: the call that found, loaded and ran it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTiming {
    /// Microseconds in this module's own import, without the imports nested in it.
    pub self_us: u64,
    /// Microseconds including the nested imports.
    pub cumulative_us: u64,
    /// The import this one ran inside (its parent in the import tree); `None`: not nested.
    pub parent: Option<String>,
    /// The module whose code asked for it (`__main__`: the program itself).
    pub importer: String,
}

/// Imports that found a module already in `sys.modules` during one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportHit {
    /// The step whose change carries it (the one after the line that imported).
    pub step: u64,
    /// The module whose code ran the import statement.
    pub importer: String,
    /// The module was still running its own top-level code (a circular import).
    pub initializing: bool,
    /// How many such imports that step made.
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracebackEntry {
    pub filename: String,
    pub function: String,
    pub line: u32,
}

/// The exception travelling at an `exception` step, the one an `except` or `finally` block is
/// handling at a step inside it (`handled`), or the one that ended the run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionInfo {
    pub type_name: String,
    pub message: String,
    /// Outermost first, as Python prints it.
    pub traceback: Vec<TracebackEntry>,
    /// `id()` of the exception object; during a step it is on the heap (the step keeps it reachable).
    #[serde(default)]
    pub object: Option<ObjId>,
    /// The exceptions Python prints above this one, nearest first: its `__cause__`, or else its
    /// `__context__` unless `__suppress_context__` hides it, then theirs.
    #[serde(default)]
    pub chain: Vec<ChainedException>,
    /// `__suppress_context__`: set by `raise ... from`, it hides `__context__` when printed.
    #[serde(default)]
    pub suppress_context: bool,
    /// Not raised at this step: an `except` or `finally` block is running while it is being handled
    /// (what `sys.exc_info()` would return there).
    #[serde(default)]
    pub handled: bool,
}

/// One exception of a `__cause__`/`__context__` chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainedException {
    /// How the exception before it in the chain (nearer the one raised) refers to it.
    pub link: ChainLink,
    pub type_name: String,
    pub message: String,
    /// Its own `__suppress_context__`.
    pub suppress_context: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainLink {
    /// `__cause__` (`raise ... from ...`): "The above exception was the direct cause of the following exception:".
    Cause,
    /// `__context__` (raised while handling it): "During handling of the above exception, another exception occurred:".
    Context,
}

impl ChainLink {
    /// The sentence Python prints between two chained tracebacks.
    pub fn sentence(self) -> &'static str {
        match self {
            ChainLink::Cause => "The above exception was the direct cause of the following exception:",
            ChainLink::Context => "During handling of the above exception, another exception occurred:",
        }
    }
}

/// Which stream a piece of output was written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stream {
    Stdout,
    Stderr,
}
