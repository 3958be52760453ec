//! The analysis thread: the one owner of the compiler's database.
//!
//! salsa's database is `Send` but not `Sync`, and edits must apply in the order the editor
//! sent them. So one thread owns the [`Project`] and takes [`Task`]s from a channel in order;
//! every protocol handler sends its task before its first `.await`, which keeps the order of
//! the wire, and waits for the answer on a oneshot channel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use clearance_compiler::diagnostics::{FileDiagnostic, Language, Severity};
use clearance_compiler::project::Project;
use clearance_compiler::text;
use tokio::sync::oneshot;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DocumentSymbol, Location, NumberOrString, Uri,
};

use crate::line_index::LineIndex;

mod edits;
mod views;
mod written;

use views::completion_kind;
pub use views::semantic_tokens_legend;
use written::{Reference, write_reference, write_stdlib};

/// Diagnostics to publish for one document, at the version they were computed for.
pub struct Published {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<lsp::Diagnostic>,
}

pub enum Task {
    /// Reads every `.clr` file below the roots: a rule library is checked as a whole.
    Load {
        roots: Vec<PathBuf>,
        language: Language,
        reply: oneshot::Sender<usize>,
    },
    Open {
        uri: Uri,
        version: i32,
        text: String,
        reply: oneshot::Sender<Vec<Published>>,
    },
    /// The document's changes: ranges replaced, or its whole new text.
    Change {
        uri: Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        reply: oneshot::Sender<Vec<Published>>,
    },
    Close {
        uri: Uri,
        reply: oneshot::Sender<Vec<Published>>,
    },
    /// Files changed on disk behind the editor (a `git checkout`): re-read, added or removed,
    /// except those open in the editor, whose text is the editor's.
    FilesChanged {
        changes: Vec<(Uri, lsp::FileChangeType)>,
        reply: oneshot::Sender<Vec<Published>>,
    },
    Symbols {
        uri: Uri,
        reply: oneshot::Sender<Option<Vec<DocumentSymbol>>>,
    },
    Hover {
        uri: Uri,
        position: lsp::Position,
        reply: oneshot::Sender<Option<lsp::Hover>>,
    },
    Definition {
        uri: Uri,
        position: lsp::Position,
        reply: oneshot::Sender<Option<Location>>,
    },
    Completion {
        uri: Uri,
        position: lsp::Position,
        reply: oneshot::Sender<Vec<lsp::CompletionItem>>,
    },
    /// The edits to the canonical layout, of the whole document or of the lines `lines`
    /// (first and last, both included). `None` for a document that does not parse; an error
    /// for a layout the formatter refused to write.
    Formatting {
        uri: Uri,
        lines: Option<(u32, u32)>,
        reply: oneshot::Sender<Result<Option<Vec<lsp::TextEdit>>, String>>,
    },
    SignatureHelp {
        uri: Uri,
        position: lsp::Position,
        reply: oneshot::Sender<Option<lsp::SignatureHelp>>,
    },
    /// The document's semantic tokens, delta-encoded as the protocol wants them.
    SemanticTokens {
        uri: Uri,
        reply: oneshot::Sender<Option<lsp::SemanticTokens>>,
    },
    /// The items of every file whose name holds `query`.
    WorkspaceSymbols {
        query: String,
        reply: oneshot::Sender<Vec<lsp::SymbolInformation>>,
    },
    /// The types of the `let`s in `range`.
    InlayHints {
        uri: Uri,
        range: lsp::Range,
        reply: oneshot::Sender<Vec<lsp::InlayHint>>,
    },
    /// Above each rule, how its examples fare; above each example, whether it passes.
    CodeLenses {
        uri: Uri,
        reply: oneshot::Sender<Vec<lsp::CodeLens>>,
    },
    /// Where the document's items and comment blocks fold.
    Folding {
        uri: Uri,
        reply: oneshot::Sender<Option<Vec<lsp::FoldingRange>>>,
    },
    References {
        uri: Uri,
        position: lsp::Position,
        include_declaration: bool,
        reply: oneshot::Sender<Vec<Location>>,
    },
    /// The range of the name a rename would change, or why there is none.
    PrepareRename {
        uri: Uri,
        position: lsp::Position,
        reply: oneshot::Sender<Result<lsp::Range, String>>,
    },
    Rename {
        uri: Uri,
        position: lsp::Position,
        new_name: String,
        reply: oneshot::Sender<Result<lsp::WorkspaceEdit, String>>,
    },
    /// Quick fixes for the diagnostics that meet `range`.
    CodeActions {
        uri: Uri,
        range: lsp::Range,
        reply: oneshot::Sender<Vec<lsp::CodeActionOrCommand>>,
    },
}

/// Starts the analysis thread; the server holds the sending end.
pub fn start() -> std::io::Result<mpsc::Sender<Task>> {
    let (sender, receiver) = mpsc::channel::<Task>();
    std::thread::Builder::new()
        .name("clearance-analysis".to_string())
        .spawn(move || {
            let mut state = State::default();
            for task in receiver {
                if task.reads_only() {
                    read_on_snapshot(state.snapshot(), task);
                } else {
                    state.handle(task);
                }
            }
        })?;
    Ok(sender)
}

/// Answers a request on a worker thread, over a snapshot of the database taken when the
/// request's turn came (so it sees every edit sent before it). An edit that comes while it
/// runs cancels it: salsa unwinds the worker at its next query, the reply is dropped, and the
/// client is told the content was modified. The edit waits only for that unwinding.
fn read_on_snapshot(snapshot: State, task: Task) {
    let spawned = std::thread::Builder::new()
        .name("clearance-request".to_string())
        .spawn(move || {
            let mut snapshot = snapshot;
            let _cancelled = salsa::Cancelled::catch(std::panic::AssertUnwindSafe(move || {
                snapshot.handle(task)
            }));
        });
    if let Err(error) = spawned {
        // The request's reply went with the closure: the client is told to ask again.
        eprintln!("clearance lsp: no thread for a request: {error}");
    }
}

impl Task {
    /// Whether the task only reads the database: it then runs on a snapshot.
    fn reads_only(&self) -> bool {
        !matches!(
            self,
            Task::Load { .. }
                | Task::Open { .. }
                | Task::Change { .. }
                | Task::Close { .. }
                | Task::FilesChanged { .. }
                // The lenses keep the examples' results of the last program.
                | Task::CodeLenses { .. }
        )
    }
}

#[derive(Default)]
struct State {
    project: Project,
    language: Language,
    /// Open documents: their version and their path in the project.
    open: HashMap<Uri, (i32, String)>,
    /// Where the embedded standard library is written for editors to open, read-only.
    stdlib_dir: Option<PathBuf>,
    /// The examples' results of the last program the lenses ran, by rule set file.
    examples: Option<ExampleRun>,
    /// The diagnostics reference written beside it, which each diagnostic's code links to.
    reference: Option<std::sync::Arc<Reference>>,
    /// The folders whose rule files are read: the workspace folders, and the libraries of
    /// files opened outside them.
    folders: Vec<PathBuf>,
}

/// The examples of one program, run once for every lens asked while it stands.
struct ExampleRun {
    program: std::sync::Arc<clearance_compiler::ir::Program>,
    /// The results, or why the examples could not run (a data file that does not bind).
    results: Result<Vec<clearance_runtime::testing::ExampleResult>, String>,
}

impl State {
    /// A copy for one request: the database shares its storage with this one.
    fn snapshot(&self) -> State {
        State {
            project: self.project.clone(),
            language: self.language,
            open: self.open.clone(),
            stdlib_dir: self.stdlib_dir.clone(),
            examples: None,
            reference: self.reference.clone(),
            folders: self.folders.clone(),
        }
    }

    /// Reads every rule file below `root` that the project does not hold yet; the number read.
    fn load_folder(&mut self, root: &Path) -> usize {
        // Editors send absolute paths without `..`: the library's files are named the same
        // way, so that an opened file is the library's, not a copy.
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if self.folders.contains(&root) {
            return 0;
        }
        self.folders.push(root.clone());
        let mut loaded = 0;
        let files = match clearance_library::rule_files(&root) {
            Ok(files) => files,
            Err(error) => {
                // Standard error is the server's log; the editor shows it.
                eprintln!("clearance lsp: cannot read `{}`: {error}", root.display());
                return 0;
            }
        };
        for path in files {
            let name = path.to_string_lossy();
            if self.project.file(&name).is_some() {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                self.project.add_file(&name, &text);
                loaded += 1;
            }
        }
        loaded
    }

    fn handle(&mut self, task: Task) {
        // A client that went away is no error of ours: its answer is dropped.
        match task {
            Task::Load {
                roots,
                language,
                reply,
            } => {
                self.language = language;
                self.stdlib_dir = write_stdlib();
                self.reference = write_reference().map(std::sync::Arc::new);
                let mut loaded = 0;
                for root in &roots {
                    loaded += self.load_folder(root);
                }
                let _ = reply.send(loaded);
            }
            Task::Open {
                uri,
                version,
                text,
                reply,
            } => {
                let path = self.path_of(&uri);
                // A file outside the workspace folders brings its own library, so that its
                // imports and requirement identifiers resolve.
                if self.project.file(&path).is_none()
                    && let Some(root) = clearance_library::library_root(Path::new(&path))
                {
                    self.load_folder(&root);
                }
                self.project.add_file(&path, &text);
                self.open.insert(uri, (version, path));
                let _ = reply.send(self.publish_all());
            }
            Task::Change {
                uri,
                version,
                changes,
                reply,
            } => {
                let path = self.path_of(&uri);
                let current = self
                    .project
                    .file(&path)
                    .map(|file| file.text(self.project.db()).clone())
                    .unwrap_or_default();
                let text = crate::line_index::apply_changes(current, changes);
                self.project.add_file(&path, &text);
                self.open.insert(uri, (version, path));
                let _ = reply.send(self.publish_all());
            }
            Task::Close { uri, reply } => {
                let mut published = Vec::new();
                if self.open.remove(&uri).is_some() {
                    // The file stays in the project: it is still part of the library on disk.
                    published.push(Published {
                        uri,
                        version: None,
                        diagnostics: Vec::new(),
                    });
                }
                published.extend(self.publish_all());
                let _ = reply.send(published);
            }
            Task::FilesChanged { changes, reply } => {
                for (uri, change) in changes {
                    if self.open.contains_key(&uri) {
                        continue;
                    }
                    let path = self.path_of(&uri);
                    if !path.ends_with(".clr") || path.starts_with("stdlib/") {
                        continue;
                    }
                    if change == lsp::FileChangeType::DELETED {
                        self.project.remove_file(&path);
                    } else if let Ok(text) = std::fs::read_to_string(&path) {
                        self.project.add_file(&path, &text);
                    } else {
                        // Gone already, or unreadable: not part of the library any more.
                        self.project.remove_file(&path);
                    }
                }
                let _ = reply.send(self.publish_all());
            }
            Task::Symbols { uri, reply } => {
                let _ = reply.send(self.symbols(&uri));
            }
            Task::Hover {
                uri,
                position,
                reply,
            } => {
                let answer = self.offset_in(&uri, position).and_then(|(path, offset)| {
                    let hover = clearance_ide::hover(&self.project, &path, offset, self.language)?;
                    let range = self.range_in(&path, hover.start, hover.end)?;
                    Some(lsp::Hover {
                        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                            kind: lsp::MarkupKind::Markdown,
                            value: hover.contents,
                        }),
                        range: Some(range),
                    })
                });
                let _ = reply.send(answer);
            }
            Task::Definition {
                uri,
                position,
                reply,
            } => {
                let answer = self.offset_in(&uri, position).and_then(|(path, offset)| {
                    let target = clearance_ide::definition(&self.project, &path, offset)?;
                    self.location(&target)
                });
                let _ = reply.send(answer);
            }
            Task::Completion {
                uri,
                position,
                reply,
            } => {
                let items = self
                    .offset_in(&uri, position)
                    .map(|(path, offset)| {
                        clearance_ide::completions(&self.project, &path, offset)
                            .into_iter()
                            .map(|completion| lsp::CompletionItem {
                                label: completion.label,
                                kind: Some(match completion.kind {
                                    clearance_ide::CompletionKind::Keyword => {
                                        lsp::CompletionItemKind::KEYWORD
                                    }
                                    clearance_ide::CompletionKind::Builtin => {
                                        lsp::CompletionItemKind::FUNCTION
                                    }
                                    clearance_ide::CompletionKind::Definition(kind) => {
                                        completion_kind(kind)
                                    }
                                    clearance_ide::CompletionKind::Field => {
                                        lsp::CompletionItemKind::FIELD
                                    }
                                    clearance_ide::CompletionKind::Code => {
                                        lsp::CompletionItemKind::ENUM_MEMBER
                                    }
                                    clearance_ide::CompletionKind::Local => {
                                        lsp::CompletionItemKind::VARIABLE
                                    }
                                }),
                                detail: completion.detail,
                                ..lsp::CompletionItem::default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = reply.send(items);
            }
            Task::CodeActions { uri, range, reply } => {
                let _ = reply.send(self.code_actions(&uri, range));
            }
            Task::References {
                uri,
                position,
                include_declaration,
                reply,
            } => {
                let locations = self
                    .offset_in(&uri, position)
                    .map(|(path, offset)| {
                        clearance_ide::references(&self.project, &path, offset, include_declaration)
                            .into_iter()
                            .filter_map(|found| self.location(&found))
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = reply.send(locations);
            }
            Task::PrepareRename {
                uri,
                position,
                reply,
            } => {
                let answer = match self.offset_in(&uri, position) {
                    Some((path, offset)) => {
                        clearance_ide::prepare_rename(&self.project, &path, offset).and_then(
                            |found| {
                                self.range_in(&found.path, found.start, found.end)
                                    .ok_or_else(|| text!("rename--document-not-open"))
                            },
                        )
                    }
                    None => Err(text!("rename--file-outside-library")),
                };
                let answer = answer.map_err(|refused| refused.render(self.language));
                let _ = reply.send(answer);
            }
            Task::Rename {
                uri,
                position,
                new_name,
                reply,
            } => {
                let answer = match self.offset_in(&uri, position) {
                    Some((path, offset)) => {
                        clearance_ide::rename(&self.project, &path, offset, &new_name)
                            .map(|edits| self.workspace_edit(&edits, &new_name))
                    }
                    None => Err(text!("rename--file-outside-library")),
                };
                let answer = answer.map_err(|refused| refused.render(self.language));
                let _ = reply.send(answer);
            }
            Task::Formatting { uri, lines, reply } => {
                let _ = reply.send(self.formatting(&uri, lines));
            }
            Task::SignatureHelp {
                uri,
                position,
                reply,
            } => {
                let answer = self.offset_in(&uri, position).and_then(|(path, offset)| {
                    let help =
                        clearance_ide::signature::signature_help(&self.project, &path, offset)?;
                    Some(lsp::SignatureHelp {
                        signatures: vec![lsp::SignatureInformation {
                            label: help.label,
                            documentation: Some(lsp::Documentation::MarkupContent(
                                lsp::MarkupContent {
                                    kind: lsp::MarkupKind::Markdown,
                                    value: help.documentation,
                                },
                            )),
                            parameters: Some(
                                help.parameters
                                    .into_iter()
                                    .map(|parameter| lsp::ParameterInformation {
                                        label: lsp::ParameterLabel::Simple(parameter),
                                        documentation: None,
                                    })
                                    .collect(),
                            ),
                            active_parameter: u32::try_from(help.active).ok(),
                        }],
                        active_signature: Some(0),
                        active_parameter: u32::try_from(help.active).ok(),
                    })
                });
                let _ = reply.send(answer);
            }
            Task::SemanticTokens { uri, reply } => {
                let _ = reply.send(self.semantic_tokens(&uri));
            }
            Task::WorkspaceSymbols { query, reply } => {
                let symbols = clearance_ide::symbols::workspace_symbols(&self.project, &query)
                    .into_iter()
                    .filter_map(|symbol| {
                        #[allow(deprecated)]
                        Some(lsp::SymbolInformation {
                            name: symbol.name,
                            kind: views::symbol_kind(symbol.kind),
                            tags: None,
                            deprecated: None,
                            location: self.location(&symbol.place)?,
                            container_name: Some(symbol.kind.keyword().to_string()),
                        })
                    })
                    .collect();
                let _ = reply.send(symbols);
            }
            Task::InlayHints { uri, range, reply } => {
                let path = self.path_of(&uri);
                let hints = self
                    .project
                    .file(&path)
                    .map(|file| {
                        let index = LineIndex::new(file.text(self.project.db()));
                        let (start, end) = (index.offset(range.start), index.offset(range.end));
                        clearance_ide::inlay::inlay_hints(&self.project, &path, start, end)
                            .into_iter()
                            .map(|hint| lsp::InlayHint {
                                position: index.position(hint.offset),
                                label: lsp::InlayHintLabel::String(hint.label),
                                kind: Some(lsp::InlayHintKind::TYPE),
                                text_edits: None,
                                tooltip: None,
                                padding_left: None,
                                padding_right: Some(true),
                                data: None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = reply.send(hints);
            }
            Task::CodeLenses { uri, reply } => {
                let lenses = self.code_lenses(&uri);
                let _ = reply.send(lenses);
            }
            Task::Folding { uri, reply } => {
                let _ = reply.send(self.folding(&uri));
            }
        }
    }

    /// The project path of a document: the standard library's own name for a file of the
    /// written copy, its file path where it has one, else the URI itself.
    fn path_of(&self, uri: &Uri) -> String {
        let Some(path) = uri.to_file_path() else {
            return uri.as_str().to_string();
        };
        if let Some(dir) = &self.stdlib_dir
            && let Ok(rest) = path.strip_prefix(dir)
        {
            return format!("stdlib/{}", rest.to_string_lossy());
        }
        path.to_string_lossy().into_owned()
    }

    /// The URI of a project path: the written copy for the standard library.
    fn uri_of(&self, path: &str) -> Option<Uri> {
        if let Some(rest) = path.strip_prefix("stdlib/") {
            return Uri::from_file_path(self.stdlib_dir.as_ref()?.join(rest));
        }
        let open = self
            .open
            .iter()
            .find(|(_, (_, open_path))| open_path == path)
            .map(|(uri, _)| uri.clone());
        open.or_else(|| Uri::from_file_path(path))
    }

    fn location(&self, found: &clearance_ide::FileRange) -> Option<Location> {
        Some(Location::new(
            self.uri_of(&found.path)?,
            self.range_in(&found.path, found.start, found.end)?,
        ))
    }

    fn offset_in(&self, uri: &Uri, position: lsp::Position) -> Option<(String, usize)> {
        let path = self.path_of(uri);
        let file = self.project.file(&path)?;
        let offset = LineIndex::new(file.text(self.project.db())).offset(position);
        Some((path, offset))
    }

    fn range_in(&self, path: &str, start: usize, end: usize) -> Option<lsp::Range> {
        let file = self.project.file(path)?;
        Some(LineIndex::new(file.text(self.project.db())).range(start, end))
    }

    /// The diagnostics of every open document: an edit in one file can change another's.
    fn publish_all(&self) -> Vec<Published> {
        let mut published = Vec::new();
        for (uri, (version, path)) in &self.open {
            let Some(file) = self.project.file(path) else {
                continue;
            };
            let text = file.text(self.project.db());
            let index = LineIndex::new(text);
            let diagnostics = self
                .project
                .diagnostics(|candidate| candidate == path)
                .iter()
                .map(|diagnostic| self.to_protocol(uri, &index, diagnostic))
                .collect();
            published.push(Published {
                uri: uri.clone(),
                version: Some(*version),
                diagnostics,
            });
        }
        published
    }

    fn to_protocol(
        &self,
        uri: &Uri,
        index: &LineIndex<'_>,
        file_diagnostic: &FileDiagnostic,
    ) -> lsp::Diagnostic {
        let diagnostic = &file_diagnostic.diagnostic;
        let span = diagnostic.primary_span();
        let mut message = diagnostic.message.render(self.language);
        if let Some(help) = &diagnostic.help {
            message.push('\n');
            message.push_str(&help.render(self.language));
        }
        let related: Vec<DiagnosticRelatedInformation> = diagnostic
            .labels
            .iter()
            .filter_map(|label| {
                let text = label.message.as_ref()?.render(self.language);
                Some(DiagnosticRelatedInformation {
                    location: Location::new(
                        uri.clone(),
                        index.range(label.span.start as usize, label.span.end as usize),
                    ),
                    message: text,
                })
            })
            .collect();
        lsp::Diagnostic {
            range: index.range(span.start as usize, span.end as usize),
            severity: Some(match diagnostic.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                Severity::Info | Severity::Action => lsp::DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(diagnostic.id.as_str().to_string())),
            code_description: self.reference.as_ref().and_then(|reference| {
                let line = clearance_compiler::diagnostics::reference_line(
                    &reference.page,
                    diagnostic.id,
                )?;
                let href = format!("{}#L{}", reference.uri.as_str(), line + 1);
                Some(lsp::CodeDescription {
                    href: href.parse().ok()?,
                })
            }),
            source: Some("clearance".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..lsp::Diagnostic::default()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clearance_compiler::items::parsed_file;
    use salsa::Database as _;

    /// A read on a snapshot is cancelled by an edit: the edit does not wait for it to finish,
    /// and the read ends with `Cancelled` instead of an answer about a text that is gone.
    #[test]
    fn an_edit_cancels_a_read_on_a_snapshot() {
        let mut state = State::default();
        let file = state.project.add_file("a.clr", "module a\n\nconst x = 1\n");
        let snapshot = state.snapshot();
        let (started, running) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            salsa::Cancelled::catch(std::panic::AssertUnwindSafe(move || {
                let _ = started.send(());
                // A read that would never end: it asks the database again and again.
                loop {
                    let _ = parsed_file(snapshot.project.db(), file);
                    snapshot.project.db().unwind_if_revision_cancelled();
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }))
        });
        running.recv().unwrap();
        state.project.set_text(file, "module a\n\nconst x = 2\n");
        assert!(
            reader.join().unwrap().is_err(),
            "the read was not cancelled"
        );
        assert_eq!(
            file.text(state.project.db()),
            "module a\n\nconst x = 2\n",
            "the edit applied"
        );
    }
}
