//! A rule library on disk. A library is a directory holding a `requirements.clr` catalogue and
//! the rule files below it; files anywhere in it may import one another. The CLI and the
//! language server find libraries and their files here, so that both read the same files and
//! hash them by the same names, and load a checked program with the data files it names.

mod project;

use std::path::{Path, PathBuf};

pub use project::{Checked, Loaded, Refused, checked, load};

/// Every `.clr` file under `path` (or `path` itself), sorted for a stable order. Hidden
/// directories and build output (`target`, `node_modules`) are not walked.
pub fn rule_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory)? {
            let entry = entry?;
            let entry_path = entry.path();
            if entry.file_type()?.is_dir() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    pending.push(entry_path);
                }
            } else if entry_path
                .extension()
                .is_some_and(|extension| extension == "clr")
            {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The rule library a path belongs to: the nearest directory at or above it that holds a
/// `requirements.clr` catalogue, canonical.
pub fn library_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_file() { path.parent()? } else { path };
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|candidate| candidate.join("requirements.clr").is_file())
        .map(Path::to_path_buf)
}

/// The name a file is hashed by: its path relative to its library's root, with `/` between
/// the parts; a file outside any library by its file name. Never relative to the working
/// directory, so that the same rules give the same hashes wherever they are read.
pub fn hash_name(path: &Path) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let relative = library_root(&canonical)
        .and_then(|root| canonical.strip_prefix(&root).ok().map(Path::to_path_buf));
    match relative {
        Some(relative) => relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        None => canonical
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Reads the data files the rules name; a file that cannot be read is a problem of its own.
pub fn data_files(
    program: &clearance_compiler::ir::Program,
) -> (
    Vec<clearance_runtime::DataFile>,
    Vec<clearance_runtime::DataError>,
) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for name in program.data_files() {
        let path = Path::new(name);
        match std::fs::read(path) {
            Ok(bytes) => files.push(clearance_runtime::DataFile {
                name: name.to_string(),
                hash_name: hash_name(path),
                bytes,
            }),
            Err(error) => problems.push(clearance_runtime::DataError::unreadable(name, &error)),
        }
    }
    (files, problems)
}

/// Loads a checked program with its data files: the rule set, and the warnings about the data;
/// or every problem that refuses it.
pub fn rule_set_with_data(
    program: std::sync::Arc<clearance_compiler::ir::Program>,
) -> Result<
    (
        clearance_runtime::RuleSet,
        Vec<clearance_runtime::DataError>,
    ),
    Vec<clearance_runtime::DataError>,
> {
    let (files, unreadable) = data_files(&program);
    let rule_set = clearance_runtime::RuleSet::from_program(program);
    match rule_set.with_data(&files) {
        Ok(loaded) if unreadable.is_empty() => Ok(loaded),
        Ok(_) => Err(unreadable),
        Err(mut problems) => {
            problems.retain(|problem| {
                !unreadable
                    .iter()
                    .any(|missing| missing.file == problem.file && problem.line.is_none())
            });
            problems.splice(0..0, unreadable);
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_library_is_found_from_any_file_in_it_and_names_files_from_its_root() {
        let root = std::env::temp_dir().join(format!("clearance-library-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("cas/config")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        std::fs::write(root.join("requirements.clr"), "").unwrap();
        std::fs::write(root.join("cas/rules.clr"), "").unwrap();
        std::fs::write(root.join("cas/config/notes.txt"), "").unwrap();
        std::fs::write(root.join(".git/stray.clr"), "").unwrap();
        std::fs::write(root.join("target/built.clr"), "").unwrap();
        let canonical = root.canonicalize().unwrap();
        assert_eq!(
            library_root(&root.join("cas/rules.clr")),
            Some(canonical.clone())
        );
        assert_eq!(
            library_root(&root.join("cas/config")),
            Some(canonical.clone())
        );
        assert_eq!(hash_name(&root.join("cas/rules.clr")), "cas/rules.clr");
        let files = rule_files(&root).unwrap();
        assert_eq!(
            files,
            vec![root.join("cas/rules.clr"), root.join("requirements.clr")]
        );
        let outside =
            std::env::temp_dir().join(format!("clearance-outside-{}.clr", std::process::id()));
        std::fs::write(&outside, "").unwrap();
        assert_eq!(library_root(&outside), None);
        assert_eq!(
            hash_name(&outside),
            outside.file_name().unwrap().to_string_lossy()
        );
    }
}
