//! The hashes that name what rules a result came from, the same wherever a command runs:
//!
//! - the library's: the engine's version, and every source file (the standard library's
//!   included) by its library-relative name and content;
//! - each rule set's: the engine's version, its own file and the files it imports, directly or
//!   through other modules.
//!
//! Files are named by their `hash_name` (`Project::set_hash_name`), relative to their
//! library's root, never by where the command happens to run.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use crate::db::{Db, ItemId, SourceFile, workspace};
use crate::items::{file_items, item_syntax};
use crate::resolve::module_index;
use crate::syntax::ast::{ItemData, ItemKind};

/// The engine's version: a new engine may read the same rules differently.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

fn digest<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> String {
    let mut files: Vec<(String, &str)> = files.into_iter().collect();
    files.sort();
    let mut hasher = Sha256::new();
    hasher.update(b"clearance ");
    hasher.update(ENGINE_VERSION.as_bytes());
    hasher.update([0]);
    for (name, text) in files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}

/// The library's hash.
pub fn library_hash(db: &dyn Db) -> String {
    let Some(workspace) = workspace(db) else {
        return digest([]);
    };
    digest(
        workspace
            .files(db)
            .iter()
            .map(|file| (file.hash_name(db).clone(), file.text(db).as_str())),
    )
}

/// The files a file imports with `use`, directly or not, itself included.
pub fn imported_files(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    let index = module_index(db);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut files = vec![file];
    let mut pending = vec![file];
    seen.insert(file.path(db).clone());
    while let Some(current) = pending.pop() {
        for key in file_items(db, current)
            .iter()
            .filter(|key| key.kind == ItemKind::Use)
        {
            let Some(syntax) = item_syntax(db, ItemId::new(db, current, key.clone())) else {
                continue;
            };
            let ItemData::Use(use_item) = &syntax.data else {
                continue;
            };
            if let Some(entry) = index.modules.get(&use_item.module.text)
                && seen.insert(entry.file.path(db).clone())
            {
                files.push(entry.file);
                pending.push(entry.file);
            }
        }
    }
    files
}

/// A rule set's hash, from the file that declares it.
pub fn ruleset_hash(db: &dyn Db, file: SourceFile) -> String {
    digest(
        imported_files(db, file)
            .into_iter()
            .map(|file| (file.hash_name(db).clone(), file.text(db).as_str())),
    )
}
