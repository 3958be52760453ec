//! The salsa database: its two inputs, the interned item ids, and an optional event log that
//! tests use to see which queries re-ran.
//!
//! Inputs are few: the text of each file, and the workspace (the list of files). Everything
//! else is a tracked query, keyed per item where it can be, so that editing one rule body
//! re-checks that rule alone.

use std::sync::{Arc, Mutex};

use crate::syntax::ast::ItemKind;

/// One source file. Its path is for messages and module discovery; its text is the input.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// The name the file is hashed by: its path relative to its library (see `hashes`).
    /// Only the hashes read it, so renaming it re-runs nothing else.
    #[returns(ref)]
    pub hash_name: String,
}

/// The set of files that make up a program: the standard library and the rule files.
#[salsa::input(singleton, debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
}

/// What identifies an item inside its file across edits: its kind, its name and, for the rare
/// item that shares both with an earlier one, its rank among them. The position is left out on
/// purpose, so that inserting an item above another does not change the other's identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub kind: ItemKind,
    pub name: String,
    pub occurrence: u32,
}

#[salsa::interned(debug)]
pub struct ItemId<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(ref)]
    pub key: ItemKey,
}

#[salsa::db]
pub trait Db: salsa::Database {}

/// The workspace of this database, once it has been created.
pub fn workspace(db: &dyn Db) -> Option<Workspace> {
    Workspace::try_get(db)
}

/// One executed query, as the event log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutedQuery {
    pub query: String,
    pub key: salsa::Id,
}

type EventLog = Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>>;

#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    executed: Option<EventLog>,
}

impl Default for Database {
    fn default() -> Database {
        Database {
            storage: salsa::Storage::new(None),
            executed: None,
        }
    }
}

impl Database {
    /// A database that records every query it executes, for incrementality tests.
    pub fn with_event_log() -> Database {
        let log: EventLog = Arc::default();
        let sink = Arc::clone(&log);
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind
                && let Ok(mut executed) = sink.lock()
            {
                executed.push(database_key);
            }
        })));
        Database {
            storage,
            executed: Some(log),
        }
    }

    /// The queries executed since the last call, with their names.
    pub fn take_executed(&self) -> Vec<ExecutedQuery> {
        let Some(log) = &self.executed else {
            return Vec::new();
        };
        let keys = match log.lock() {
            Ok(mut executed) => std::mem::take(&mut *executed),
            Err(_) => return Vec::new(),
        };
        keys.into_iter()
            .map(|key| ExecutedQuery {
                query: salsa::Database::ingredient_debug_name(self, key.ingredient_index())
                    .into_owned(),
                key: key.key_index(),
            })
            .collect()
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}
