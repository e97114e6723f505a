// Temporary profiling driver (not part of the project): replays a captured worker stream into a TraceStore.
fn main() {
    let path = std::env::args().nth(1).expect("stream file");
    let bytes = std::fs::read(path).expect("read");
    let mut store = pyxray::trace::TraceStore::new();
    let mut at = 0;
    let started = std::time::Instant::now();
    while at + 5 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let tag = bytes[at + 4];
        let payload = &bytes[at + 5..at + 4 + len];
        if tag == 2 {
            store.push_encoded(payload).expect("decode");
        }
        at += 4 + len;
    }
    eprintln!("{} steps in {:?}", store.len(), started.elapsed());
}
