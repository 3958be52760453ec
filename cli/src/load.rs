//! Reading rule files and the data they name, for the commands; the library's root and its
//! files are found by `clearance-library`, as the language server finds them.

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

pub use clearance_library::{hash_name, library_root, rule_files, rule_set_with_data};

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
