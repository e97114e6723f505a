//! What the heap records: real refcounts and sizes, truncation, cycles, and objects built to break
//! a tracer (a `__repr__` that raises, loops forever or returns 50 MB).

mod common;

use std::time::{Duration, Instant};

use pyxray::engine::Limits;
use pyxray::trace::{Key, ObjKind, Outcome, Snapshot, Stream};

fn last_snapshot(code: &str, limits: Limits) -> (Snapshot, Outcome, String) {
    let engine = common::engine();
    let mut request = common::request(code, "heap.py");
    request.limits = limits;
    let mut store = common::record(&engine, request);
    let outcome = store.end().map(|e| e.outcome).expect("an end");
    let output = store.all_output(Stream::Stdout);
    let last = store.len() - 1;
    let snapshot = store.snapshot(last).expect("decodes").expect("recorded").clone();
    (snapshot, outcome, output)
}

fn binding(snapshot: &Snapshot, name: &str) -> u64 {
    snapshot.stack[0].locals.iter().find(|b| b.name == name).map(|b| b.id).expect(name)
}

#[test]
fn refcounts_and_sizes_are_what_the_program_sees() {
    let code = "import sys\nx = [1, 2, 3]\ny = x\nz = {'k': x}\nprint(sys.getrefcount(x) - 1, sys.getsizeof(x), sys.getsizeof(z))\n";
    let (snapshot, outcome, output) = last_snapshot(code, Limits::default());
    assert_eq!(outcome, Outcome::Finished);
    let seen: Vec<u64> = output.split_whitespace().map(|n| n.parse().expect("numbers")).collect();
    let list = &snapshot.heap[&binding(&snapshot, "x")];
    let dict = &snapshot.heap[&binding(&snapshot, "z")];
    assert_eq!(binding(&snapshot, "x"), binding(&snapshot, "y"), "aliases share one id");
    assert_eq!(list.refcount, seen[0], "refcount as sys.getrefcount minus its own argument");
    assert_eq!((list.size, dict.size), (seen[1], seen[2]));
    assert_eq!(snapshot.repr_of(binding(&snapshot, "z"), 100), "{'k': [1, 2, 3]}");
}

#[test]
fn big_containers_are_truncated_with_a_count() {
    let limits = Limits { max_container_items: 10, ..Limits::default() };
    let (snapshot, _, _) = last_snapshot("big = list(range(1000))\nd = {i: i for i in range(50)}\n", limits);
    let big = &snapshot.heap[&binding(&snapshot, "big")];
    assert_eq!((big.children.len(), big.more), (10, 990));
    let d = &snapshot.heap[&binding(&snapshot, "d")];
    assert_eq!((d.children.len(), d.more), (10, 40));
    assert!(matches!(d.children[0].key, Key::Object(_)));
}

#[test]
fn cycles_are_recorded_and_printed_like_python() {
    let (snapshot, outcome, _) = last_snapshot(
        "a = [1]\na.append(a)\nd = {}\nd['me'] = d\nclass Node: pass\nn = Node()\nn.next = n\n",
        Limits::default(),
    );
    assert_eq!(outcome, Outcome::Finished);
    assert_eq!(snapshot.repr_of(binding(&snapshot, "a"), 100), "[1, [...]]");
    assert_eq!(snapshot.repr_of(binding(&snapshot, "d"), 100), "{'me': {...}}");
    let node = binding(&snapshot, "n");
    assert_eq!(snapshot.heap[&node].kind, ObjKind::Instance);
    assert!(snapshot.heap[&node].children.iter().any(|c| c.id == node), "n.next points back at n");
}

#[test]
fn hostile_reprs_neither_hang_nor_crash_the_tracer() {
    let code = r#"
class Raises:
    def __repr__(self):
        raise RuntimeError("no")

class Loops:
    def __repr__(self):
        while True:
            pass

class Huge:
    def __repr__(self):
        return "x" * 50_000_000

class Lies:
    @property
    def __class__(self):
        return int
    def __getattribute__(self, name):
        raise AttributeError(name)
    def __eq__(self, other):
        raise TypeError("eq")
    def __hash__(self):
        raise TypeError("hash")

r = Raises()
l = Loops()
h = Huge()
s = Lies()
done = True
"#;
    let started = Instant::now();
    let (snapshot, outcome, _) = last_snapshot(code, Limits::default());
    assert_eq!(outcome, Outcome::Finished);
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    let repr = |name| snapshot.heap[&binding(&snapshot, name)].repr.clone();
    assert_eq!(repr("r"), "<repr raised RuntimeError>");
    assert_eq!(repr("l"), "<repr took too long>");
    let huge = repr("h");
    assert!(huge.len() < 10_000 && huge.starts_with("xxxx") && huge.ends_with("..."), "{}", &huge[..50]);
    assert_eq!(snapshot.heap[&binding(&snapshot, "s")].type_name, "Lies", "the real type, not __class__");
}
