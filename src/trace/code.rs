//! The program's code objects, disassembled by the worker with CPython's own `dis` before the
//! program runs, so the listing is exactly the running interpreter's.

use serde::{Deserialize, Serialize};

use super::model::FrameKind;

/// One bytecode instruction, as `dis.dis` lists it (cache entries left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instruction {
    /// Bytes from the start of the code (`f_lasti` of a frame running it points at one of these).
    pub offset: u32,
    pub opname: String,
    /// The raw argument, `None` for instructions that take none.
    pub arg: Option<u32>,
    /// What `dis` prints for the argument (`'x'`, `+`, `to 24`, `to L1`, `NULL + print`).
    pub argrepr: String,
    /// The source line the instruction belongs to, as `dis` lists it (carried over from the last
    /// line start); `None` before the first line start.
    pub line: Option<u32>,
    /// `dis` starts a new line here.
    pub starts_line: bool,
    /// Some jump lands here.
    pub is_jump_target: bool,
    /// For jumps: the offset jumped to.
    pub jump_target: Option<u32>,
    /// The label `dis` gives a jump target (3.13+ prints `L1:` and `to L1`); `None` before 3.13.
    pub label: Option<u32>,
}

/// One code object of the program: the module, a function, a lambda, a comprehension, a class body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeObject {
    /// `id()` of the code object in the worker: every frame running it has this in `Frame::code`.
    pub id: u64,
    /// `co_qualname` (`co_name` before 3.11): `<module>`, `Point.__init__`, `f.<locals>.<lambda>`.
    pub name: String,
    pub kind: FrameKind,
    pub first_line: u32,
    /// The index (in `Disassembly::objects`) of the code object whose constants hold this one.
    pub parent: Option<u32>,
    pub instructions: Vec<Instruction>,
}

/// Every code object compiled from the program, the module's first, each before the ones nested in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disassembly {
    /// The program text that was compiled (line `n` of the listing is its line `n`).
    pub source: String,
    pub objects: Vec<CodeObject>,
    /// Why there is no listing (the disassembler failed), if so.
    pub problem: Option<String>,
}

impl Disassembly {
    /// The code object with this `id()`.
    pub fn by_id(&self, id: u64) -> Option<&CodeObject> {
        self.objects.iter().find(|code| code.id == id)
    }
}

impl CodeObject {
    /// The instruction at `offset`, if one starts there.
    pub fn instruction_at(&self, offset: i32) -> Option<usize> {
        let offset = u32::try_from(offset).ok()?;
        self.instructions.binary_search_by_key(&offset, |instruction| instruction.offset).ok()
    }

    /// Runs of consecutive instructions on one line, in offset order (a line can have several, a
    /// loop's header for one): `(line, index range into instructions)`.
    pub fn line_runs(&self) -> Vec<(Option<u32>, std::ops::Range<usize>)> {
        let mut runs: Vec<(Option<u32>, std::ops::Range<usize>)> = Vec::new();
        for (index, instruction) in self.instructions.iter().enumerate() {
            match runs.last_mut() {
                Some((line, range)) if *line == instruction.line && !instruction.starts_line => range.end = index + 1,
                _ => runs.push((instruction.line, index..index + 1)),
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instruction(offset: u32, line: Option<u32>, starts_line: bool) -> Instruction {
        Instruction {
            offset,
            opname: "NOP".into(),
            arg: None,
            argrepr: String::new(),
            line,
            starts_line,
            is_jump_target: false,
            jump_target: None,
            label: None,
        }
    }

    #[test]
    fn runs_split_where_dis_starts_a_line() {
        let code = CodeObject {
            id: 1,
            name: "<module>".into(),
            kind: FrameKind::Module,
            first_line: 1,
            parent: None,
            instructions: vec![
                instruction(0, None, false),
                instruction(2, Some(1), true),
                instruction(4, Some(1), false),
                instruction(6, Some(2), true),
                instruction(8, Some(1), true),
                instruction(10, Some(1), false),
            ],
        };
        let runs = code.line_runs();
        assert_eq!(runs, vec![(None, 0..1), (Some(1), 1..3), (Some(2), 3..4), (Some(1), 4..6)]);
        assert_eq!(code.instruction_at(6), Some(3));
        assert_eq!(code.instruction_at(5), None);
        assert_eq!(code.instruction_at(-1), None);
    }
}
