//! Identity marks on recorded objects (small-int cache, interned, immortal, code constant), each
//! compared with what the traced program finds out about the same object by itself.

mod common;

use pyxray::trace::{ObjFlags, Outcome, Stream};

/// Binds objects of every kind of identity, then prints per name
/// `F name id small interned immortal constant`, each test done in Python:
/// - small: the int `int(str(x))` makes is this very object (only the cache hands out one object);
/// - interned: interning an equal copy gives back this object;
/// - immortal: 100 more references leave its refcount where it was;
/// - constant: it is one of the constants of the module's or `f`'s code object.
const PROGRAM: &str = "import sys
a = 256
b = 256
c = int('257')
d = 257
s = 'hello_world'
t = ''.join(['hello', '_world'])
n = None
flag = True
lst = [1, 2]
lit = 'a literal with spaces'
def f():
    return (1, 2, 3)
tup = f()
codes = [sys._getframe().f_code, f.__code__]
def small(x):
    return type(x) is int and x is int(str(x))
def interned(x):
    return type(x) is str and sys.intern(''.join(list(x))) is x
def immortal(x):
    before = sys.getrefcount(x)
    keep = [x] * 100
    return sys.getrefcount(x) == before
def constant(x):
    return any(x is k for co in codes for k in co.co_consts)
for name in ['a', 'b', 'c', 'd', 's', 't', 'n', 'flag', 'lst', 'lit', 'tup']:
    x = globals()[name]
    print('F', name, id(x), int(small(x)), int(interned(x)), int(immortal(x)), int(constant(x)))
print('M', sys.version_info.minor)
";

#[test]
fn identity_flags_agree_with_what_the_program_finds() {
    let engine = common::engine();
    let mut store = common::record(&engine, common::request(PROGRAM, "identity.py"));
    assert_eq!(store.end().map(|e| e.outcome), Some(Outcome::Finished), "{}", store.all_output(Stream::Stderr));
    let output = store.all_output(Stream::Stdout);
    let last = store.len() - 1;
    let snapshot = store.snapshot(last).expect("decodes").expect("recorded").clone();
    let flags = [ObjFlags::SMALL_INT, ObjFlags::INTERNED, ObjFlags::IMMORTAL, ObjFlags::CODE_CONSTANT];
    let mut seen = [[false; 2]; 4];
    let mut checked = 0;
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let ["F", name, id, found @ ..] = words.as_slice() else { continue };
        let id: u64 = id.parse().expect("an id");
        let binding = snapshot.stack[0].locals.iter().find(|b| b.name == *name).expect("bound");
        assert_eq!(binding.id, id, "{name}: the recorded id is id()");
        let object = snapshot.heap.get(&id).unwrap_or_else(|| panic!("{name} recorded"));
        for ((flag, found), seen) in flags.iter().zip(found).zip(seen.iter_mut()) {
            let python = *found == "1";
            assert_eq!(object.flags.contains(*flag), python, "{name}: flag {flag:?} vs the program's finding {python}");
            seen[usize::from(python)] = true;
        }
        checked += 1;
    }
    assert_eq!(checked, 11);
    let minor: u32 = output.lines().find_map(|l| l.strip_prefix("M ")).and_then(|m| m.parse().ok()).expect("version");
    // Each mark was found on some object and missing on another (immortality only exists from 3.12).
    for (at, seen) in seen.iter().enumerate() {
        let immortal_before_312 = at == 2 && minor < 12;
        assert_eq!(*seen, [true, !immortal_before_312], "flag {:?} both ways: {seen:?}", flags[at]);
    }
    let a = snapshot.stack[0].locals.iter().find(|b| b.name == "a").map(|b| b.id);
    let b = snapshot.stack[0].locals.iter().find(|b| b.name == "b").map(|b| b.id);
    assert_eq!(a, b, "a = 256; b = 256: one cached object");
}
