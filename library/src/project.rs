//! Loading a rule library into a project, and a checked rule set from it: what the commands and
//! the validation server both start from, so that they read the same files the same way.

use std::path::{Path, PathBuf};

use clearance_compiler::diagnostics::FileDiagnostic;
use clearance_compiler::project::Project;
use clearance_runtime::{DataError, RuleSet};

use crate::{hash_name, library_root, rule_files, rule_set_with_data};

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

fn display_path(path: &Path) -> String {
    let current = std::env::current_dir().ok();
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match current.and_then(|current| canonical.strip_prefix(current).ok().map(Path::to_path_buf)) {
        Some(relative) => relative.display().to_string(),
        // Outside the current directory, the canonical path: `../rules/x.clr` given and the
        // same file found from the library's root are one file, not two modules of one name.
        None => canonical.display().to_string(),
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

/// A rule library that checks, with its data bound: what `run` evaluates and `serve` serves.
pub struct Checked {
    pub loaded: Loaded,
    pub rule_set: RuleSet,
    /// What the data files and the standard library's tables warn of; the rules still run.
    pub warnings: Vec<String>,
}

/// Why a rule library was refused.
pub enum Refused {
    /// A path that does not exist or cannot be read.
    Unreadable(String),
    /// The rules have errors (every file's, since any of them may break the program).
    Diagnostics {
        loaded: Box<Loaded>,
        errors: Vec<FileDiagnostic>,
    },
    /// The rules check, but their data files do not read or bind.
    Data(Vec<DataError>),
}

/// Loads the rule files under `paths` and refuses them unless they check and their data binds.
pub fn checked(paths: &[PathBuf]) -> Result<Checked, Refused> {
    let loaded = load(paths).map_err(Refused::Unreadable)?;
    let errors: Vec<FileDiagnostic> = loaded
        .project
        .diagnostics(|_| true)
        .into_iter()
        .filter(|diagnostic| diagnostic.diagnostic.is_error())
        .collect();
    if !errors.is_empty() {
        return Err(Refused::Diagnostics {
            loaded: Box::new(loaded),
            errors,
        });
    }
    let (rule_set, data_warnings) =
        rule_set_with_data(loaded.project.program()).map_err(Refused::Data)?;
    let mut warnings: Vec<String> = data_warnings.iter().map(ToString::to_string).collect();
    warnings.extend(
        rule_set
            .machine()
            .load_errors()
            .iter()
            .map(|problem| format!("warning: {problem}")),
    );
    Ok(Checked {
        loaded,
        rule_set,
        warnings,
    })
}
