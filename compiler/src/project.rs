//! A project: the standard library and a set of rule files in one salsa database, with the
//! calls that the command line and the language server make.
//!
//! This is the compiler's front door. It does no IO: callers read files and hand over text.

use std::sync::Arc;

use salsa::Setter;

use crate::db::{Database, SourceFile, Workspace};
use crate::diagnostics::FileDiagnostic;
use crate::diagnostics::render::SourceMap;
use crate::ir::Program;
use crate::program::{file_diagnostics, program};

/// The standard library, compiled into the binary so that it is the same everywhere: every
/// `.clr` file of `stdlib/`, as `(path, text)`, in name order.
pub use crate::stdlib::STDLIB;

#[derive(Clone)]
pub struct Project {
    db: Database,
    workspace: Workspace,
    files: Vec<SourceFile>,
}

impl Default for Project {
    fn default() -> Project {
        Project::new(Database::default())
    }
}

impl Project {
    /// A project over `db` (use [`Database::with_event_log`] to watch queries), holding the
    /// standard library.
    pub fn new(db: Database) -> Project {
        let workspace = Workspace::new(&db, Vec::new());
        let mut project = Project {
            db,
            workspace,
            files: Vec::new(),
        };
        for (path, text) in STDLIB {
            project.add_file(path, text);
        }
        project
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    /// Adds a file, or replaces the text of the file already at `path`.
    pub fn add_file(&mut self, path: &str, text: &str) -> SourceFile {
        if let Some(file) = self.file(path) {
            self.set_text(file, text);
            return file;
        }
        let file = SourceFile::new(
            &self.db,
            path.to_string(),
            text.to_string(),
            path.to_string(),
        );
        self.files.push(file);
        self.workspace
            .set_files(&mut self.db)
            .to(self.files.clone());
        file
    }

    /// Removes the file at `path` (deleted on disk); `false` when there is none. The standard
    /// library stays.
    pub fn remove_file(&mut self, path: &str) -> bool {
        let Some(file) = self.file(path) else {
            return false;
        };
        if self.is_stdlib(file) {
            return false;
        }
        self.files.retain(|candidate| *candidate != file);
        self.workspace
            .set_files(&mut self.db)
            .to(self.files.clone());
        true
    }

    pub fn set_text(&mut self, file: SourceFile, text: &str) {
        if file.text(&self.db) != text {
            file.set_text(&mut self.db).to(text.to_string());
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files
            .iter()
            .copied()
            .find(|file| file.path(&self.db) == path)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn is_stdlib(&self, file: SourceFile) -> bool {
        STDLIB.iter().any(|(path, _)| file.path(&self.db) == path)
    }

    /// Diagnostics of the files `include` accepts, in file order.
    pub fn diagnostics(&self, include: impl Fn(&str) -> bool) -> Vec<FileDiagnostic> {
        let mut all = Vec::new();
        for file in &self.files {
            let path = file.path(&self.db);
            if !include(path) {
                continue;
            }
            for diagnostic in file_diagnostics(&self.db, *file) {
                all.push(FileDiagnostic {
                    path: path.clone(),
                    diagnostic: diagnostic.clone(),
                });
            }
        }
        all
    }

    /// The texts of every file, for rendering diagnostics.
    pub fn sources(&self) -> SourceMap {
        let mut sources = SourceMap::new();
        for file in &self.files {
            sources.insert(file.path(&self.db).clone(), file.text(&self.db).clone());
        }
        sources
    }

    /// Names the file at `path` by `name` in the hashes: its path relative to its library's
    /// root, so that the hashes do not depend on where the command runs.
    pub fn set_hash_name(&mut self, path: &str, name: &str) {
        if let Some(file) = self.file(path)
            && file.hash_name(&self.db) != name
        {
            file.set_hash_name(&mut self.db).to(name.to_string());
        }
    }

    /// The checked, linked program, with the library's and each rule set's hash. Check
    /// diagnostics first: a program with errors runs, but the parts that failed to check are
    /// poisoned.
    pub fn program(&self) -> Arc<Program> {
        program(&self.db)
    }
}
