//! Helpers the command tests share: the workspace root, the binary run from it, scratch
//! directories and copies of the rule library.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root, where `rules/` and `examples/` are.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `clearance` with `args` from the workspace root.
pub fn clearance(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// An empty directory of its own for a test, named after the test file and `name`.
pub fn scratch(prefix: &str, name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("clearance-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces the first `from` after `after` in the file at `path` by `to`.
pub fn edit_after(path: &Path, after: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {path:?}"));
    let at = start
        + text[start..]
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} after {after:?}"));
    let edited = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
    std::fs::write(path, edited).unwrap();
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
