//! Embeds every `.clr` file of `stdlib/` into the compiler, in name order, so that the
//! standard library is the same on every machine and adding a file needs no code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let stdlib = Path::new(&manifest).join("../stdlib");
    println!("cargo:rerun-if-changed={}", stdlib.display());
    let mut files: Vec<_> = std::fs::read_dir(&stdlib)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "clr"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("pub const STDLIB: &[(&str, &str)] = &[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let absolute = path.canonicalize().unwrap_or(path);
        let _ = writeln!(
            out,
            "    (\"stdlib/{name}\", include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("stdlib.rs");
    if let Err(error) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {error}", target.display());
    }
}
