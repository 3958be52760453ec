//! Finding and reading rule files: the only place, with `main.rs`, that touches the disk.

use std::path::{Path, PathBuf};

use clearance_compiler::project::Project;

/// The rule files a command works on, and the project they were loaded into.
pub struct Loaded {
    pub project: Project,
    /// Paths (as the project names them) of the files the user asked for.
    pub selected: Vec<String>,
}

impl Loaded {
    pub fn is_selected(&self, path: &str) -> bool {
        self.selected.iter().any(|selected| selected == path)
    }
}

/// Every `.clr` file under `path` (or `path` itself), sorted for a stable order.
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
                pending.push(entry_path);
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
/// `requirements.clr` catalogue. Files anywhere in it may be imported.
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
/// directory, so that the same rules give the same hashes wherever the command runs.
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

fn display_path(path: &Path) -> String {
    let current = std::env::current_dir().ok();
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match current.and_then(|current| canonical.strip_prefix(current).ok().map(Path::to_path_buf)) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

/// Loads the files under `paths`, and the rest of their rule library so that imports resolve.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let mut project = Project::default();
    let mut selected = Vec::new();
    let mut to_load: Vec<PathBuf> = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("`{}` does not exist", path.display()));
        }
        let files = rule_files(path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        if files.is_empty() {
            return Err(format!("`{}` holds no `.clr` file", path.display()));
        }
        for file in files {
            selected.push(display_path(&file));
            to_load.push(file);
        }
        if let Some(root) = library_root(path) {
            let library = rule_files(&root)
                .map_err(|error| format!("cannot read `{}`: {error}", root.display()))?;
            to_load.extend(library);
        }
    }
    let mut seen = Vec::new();
    for file in to_load {
        let name = display_path(&file);
        if seen.contains(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|error| format!("cannot read `{}`: {error}", file.display()))?;
        project.add_file(&name, &text);
        project.set_hash_name(&name, &hash_name(&file));
        seen.push(name);
    }
    selected.dedup();
    Ok(Loaded { project, selected })
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
