//! Rebuilds the binary when a file of the admin page under `ui/` changes, is added or removed (the
//! page is compiled in).
fn main() {
    println!("cargo:rerun-if-changed=ui");
}
