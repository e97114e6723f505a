//! pyxray: see how CPython really runs your code.

fn main() {
    std::process::exit(pyxray::cli::main());
}
