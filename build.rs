use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Link with an rpath to the libpython we were configured against, so the binary
    // never silently loads some other Python that happens to be on the loader path.
    pyo3_build_config::add_libpython_rpath_link_args();
    // `#[cfg(Py_3_12)]` and friends, for the few places the engine reads version-specific internals.
    pyo3_build_config::print_expected_cfgs();
    pyo3_build_config::use_pyo3_cfgs();
    // Tests compare the engine with this very interpreter run on its own.
    let config = pyo3_build_config::get();
    if let Some(python) = config.executable() {
        println!("cargo:rustc-env=PYXRAY_BUILD_PYTHON={python}");
    }
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    embed_lessons();
}

/// Generates `$OUT_DIR/embedded_lessons.rs`: every `lessons/*.md` file as `(file name, text)`,
/// sorted by name, so the shipped curriculum is compiled into the binary.
fn embed_lessons() {
    println!("cargo:rerun-if-changed=lessons");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut code = String::from("pub static EMBEDDED_LESSONS: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_lessons.rs");
    if let Err(err) = std::fs::write(&out, code) {
        panic!("cannot write {}: {err}", out.display());
    }
}
