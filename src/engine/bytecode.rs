//! Disassembling the learner's program with CPython's own `dis`, before it runs.
//!
//! The module's code object and every code object nested in its constants (functions, lambdas,
//! comprehensions, class bodies) are listed with `dis.Bytecode` (what `dis.dis` prints: no cache
//! entries, not specialised, exception handlers marked as jump targets), so the listing is exactly
//! the running interpreter's. The work happens before the tracer is installed, so none of it is
//! recorded; and whatever `import dis` added to `sys.modules` is taken out again, so the program's
//! own `import dis` is a real first import and the Modules panel shows only the program's world.

use std::cell::RefCell;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

use super::frames::kind_of_code;
use crate::trace::{CodeObject, Disassembly, Instruction};

/// Characters of an instruction's `argrepr` kept (a long string constant is cut).
const MAX_ARGREPR_CHARS: usize = 200;

/// The helper, run in a private namespace. `disassemble(code)` returns one tuple per code object:
/// `(id, qualname, name, flags, first_line, parent index, instructions)`, each instruction as
/// `(offset, opname, arg, argrepr, line, starts_line, is_jump_target, jump_target, label)`.
const HELPER: &std::ffi::CStr = c"
import sys

_dis = None

def _rows(dis, code):
    rows = []
    line = None
    # Bytecode is what dis.dis prints: exception handlers count as jump targets too.
    for ins in dis.Bytecode(code):
        if hasattr(ins, 'line_number'):
            # 3.13+: dis carries the line itself, and names jump targets by label.
            line = ins.line_number
            rows.append((ins.offset, ins.opname, ins.arg, ins.argrepr, line, bool(ins.starts_line),
                         bool(ins.is_jump_target), ins.jump_target, ins.label))
        else:
            if ins.starts_line is not None:
                line = ins.starts_line
            jumps = ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs
            rows.append((ins.offset, ins.opname, ins.arg, ins.argrepr, line, ins.starts_line is not None,
                         bool(ins.is_jump_target), ins.argval if jumps else None, None))
    return rows

def _walk(dis, code, parent, out):
    index = len(out)
    out.append((id(code), getattr(code, 'co_qualname', code.co_name), code.co_name, code.co_flags,
                code.co_firstlineno, parent, _rows(dis, code)))
    for const in code.co_consts:
        if isinstance(const, type(code)):
            _walk(dis, const, index, out)

def disassemble(module_code):
    global _dis
    modules = sys.modules
    before = set(modules)
    try:
        if _dis is None:
            import dis
            _dis = dis
        out = []
        _walk(_dis, module_code, None, out)
        return out
    finally:
        for name in [name for name in modules if name not in before]:
            modules.pop(name, None)
";

thread_local! {
    /// The helper's `disassemble`, made once per worker (the `dis` module it imported stays with
    /// it, out of `sys.modules`, so later runs pay nothing for the import).
    static DISASSEMBLE: RefCell<Option<Py<PyAny>>> = const { RefCell::new(None) };
}

type RawInstruction = (i64, String, Option<i64>, String, Option<i64>, bool, bool, Option<i64>, Option<i64>);
type RawCode = (u64, String, String, i64, i64, Option<i64>, Vec<RawInstruction>);

fn helper(py: Python<'_>) -> PyResult<Py<PyAny>> {
    if let Some(function) = DISASSEMBLE.with(|cell| cell.borrow().as_ref().map(|f| f.clone_ref(py))) {
        return Ok(function);
    }
    let namespace = PyDict::new(py);
    namespace.set_item("__builtins__", PyModule::import(py, "builtins")?)?;
    namespace.set_item("__name__", "_pyxray_bytecode")?;
    py.run(HELPER, Some(&namespace), None)?;
    let function = namespace
        .get_item("disassemble")?
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the disassembler helper did not load"))?
        .unbind();
    DISASSEMBLE.with(|cell| *cell.borrow_mut() = Some(function.clone_ref(py)));
    Ok(function)
}

/// Every code object of `module_code` (the compiled program), disassembled. A failure is reported
/// in `problem`; it never stops the run.
pub fn disassemble(py: Python<'_>, module_code: &Bound<'_, PyAny>, source: &str) -> Disassembly {
    let listed = helper(py).and_then(|function| function.bind(py).call1((module_code,))?.extract::<Vec<RawCode>>());
    match listed {
        Ok(raw) => Disassembly {
            source: source.to_owned(),
            objects: raw.into_iter().map(code_object).collect(),
            problem: None,
        },
        Err(err) => Disassembly {
            source: source.to_owned(),
            objects: Vec::new(),
            problem: Some(format!("the program could not be disassembled: {err}")),
        },
    }
}

fn code_object(raw: RawCode) -> CodeObject {
    let (id, qualname, name, flags, first_line, parent, instructions) = raw;
    CodeObject {
        id,
        name: qualname,
        kind: kind_of_code(&name, flags),
        first_line: to_u32(first_line),
        parent: parent.map(to_u32),
        instructions: instructions.into_iter().map(instruction).collect(),
    }
}

fn instruction(raw: RawInstruction) -> Instruction {
    let (offset, opname, arg, argrepr, line, starts_line, is_jump_target, jump_target, label) = raw;
    let argrepr = match argrepr.char_indices().nth(MAX_ARGREPR_CHARS) {
        Some((cut, _)) => format!("{}...", &argrepr[..cut]),
        None => argrepr,
    };
    Instruction {
        offset: to_u32(offset),
        opname,
        arg: arg.map(to_u32),
        argrepr,
        line: line.map(to_u32),
        starts_line,
        is_jump_target,
        jump_target: jump_target.map(to_u32),
        label: label.map(to_u32),
    }
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Asks CPython for an `opcode` trace event before every instruction of `frame` (stepping by
/// instruction), as `frame.f_trace_opcodes = True` does for a `sys.settrace` function.
///
/// # Safety
/// GIL held; `frame` live; no exception pending.
pub unsafe fn enable_opcode_events(frame: *mut pyo3::ffi::PyFrameObject) {
    use pyo3::ffi;
    unsafe {
        let object = frame as *mut ffi::PyObject;
        let asked = ffi::PyObject_SetAttrString(object, c"f_trace_opcodes".as_ptr(), ffi::Py_True()) == 0;
        if !asked {
            ffi::PyErr_Clear();
        }
        // From 3.13 the setter above switches the code object's instruction events on only when
        // the frame has a Python-level trace function (`f_trace`), which a C trace function never
        // sets. Setting one turns them on; taking it away again leaves them on (and the frame as
        // the program would see it).
        #[cfg(Py_3_13)]
        if asked
            && (ffi::PyObject_SetAttrString(object, c"f_trace".as_ptr(), ffi::Py_True()) != 0
                || ffi::PyObject_SetAttrString(object, c"f_trace".as_ptr(), ffi::Py_None()) != 0)
        {
            ffi::PyErr_Clear();
        }
    }
}
