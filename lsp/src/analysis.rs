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
use clearance_compiler::items::parsed_file;
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::format::FormatError;
use tokio::sync::oneshot;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DocumentSymbol, Location, NumberOrString,
    SymbolKind, Uri,
};

use crate::line_index::LineIndex;

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

struct Reference {
    uri: Uri,
    page: String,
}

/// The cache directory of the files written for editors to open.
fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("clearance")
}

/// Writes the diagnostics reference (`docs/diagnostics.md`, as this binary knows its ids),
/// read-only, under a name given by its hash.
fn write_reference() -> Option<Reference> {
    use sha2::{Digest, Sha256};
    let page = clearance_compiler::diagnostics::reference_page();
    let hash: String = Sha256::digest(page.as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let dir = cache_dir().join(format!("docs-{hash}"));
    let target = dir.join("diagnostics.md");
    if !target.exists() {
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::write(&target, &page).ok()?;
        let mut permissions = std::fs::metadata(&target).ok()?.permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&target, permissions).ok()?;
    }
    let uri = Uri::from_file_path(target.canonicalize().unwrap_or(target))?;
    Some(Reference { uri, page })
}

/// Writes the embedded standard library, read-only, to a cache directory named by its hash,
/// so that "go to definition" can open it. `None` when no directory can be written.
fn write_stdlib() -> Option<PathBuf> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (path, text) in clearance_compiler::project::STDLIB {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    let hash: String = hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let dir = cache_dir().join(format!("stdlib-{hash}"));
    for (path, text) in clearance_compiler::project::STDLIB {
        let target = dir.join(path.strip_prefix("stdlib/").unwrap_or(path));
        if target.exists() {
            continue;
        }
        std::fs::create_dir_all(target.parent()?).ok()?;
        std::fs::write(&target, text).ok()?;
        let mut permissions = std::fs::metadata(&target).ok()?.permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&target, permissions).ok()?;
    }
    Some(dir.canonicalize().unwrap_or(dir))
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
                let text = crate::line_index::apply_changes(&current, changes);
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
                    Some(Location::new(
                        self.uri_of(&target.path)?,
                        self.range_in(&target.path, target.start, target.end)?,
                    ))
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
                                    .ok_or_else(|| "this file is not open".to_string())
                            },
                        )
                    }
                    None => Err("this file is not part of the rule library".to_string()),
                };
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
                    None => Err("this file is not part of the rule library".to_string()),
                };
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

    /// The quick fixes of a document's diagnostics whose range meets `range`: each replaces
    /// the diagnostic's span by the name its help proposes.
    fn code_actions(&self, uri: &Uri, range: lsp::Range) -> Vec<lsp::CodeActionOrCommand> {
        let Some((_, path)) = self.open.get(uri) else {
            return Vec::new();
        };
        let Some(file) = self.project.file(path) else {
            return Vec::new();
        };
        let index = LineIndex::new(file.text(self.project.db()));
        let mut actions = Vec::new();
        for file_diagnostic in self.project.diagnostics(|candidate| candidate == path) {
            let Some((replacement, title)) =
                clearance_compiler::diagnostics::replacement(&file_diagnostic.diagnostic)
            else {
                continue;
            };
            let span = file_diagnostic.diagnostic.primary_span();
            let span_range = index.range(span.start as usize, span.end as usize);
            if span_range.end < range.start || range.end < span_range.start {
                continue;
            }
            let edit = lsp::TextEdit::new(span_range, replacement);
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: title.render(self.language),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![self.to_protocol(uri, &index, &file_diagnostic)]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..lsp::WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..lsp::CodeAction::default()
            }));
        }
        actions
    }

    fn formatting(
        &self,
        uri: &Uri,
        lines: Option<(u32, u32)>,
    ) -> Result<Option<Vec<lsp::TextEdit>>, String> {
        let Some(file) = self.project.file(&self.path_of(uri)) else {
            return Ok(None);
        };
        let text = file.text(self.project.db());
        let lines = lines.map(|(first, last)| first as usize..last as usize + 1);
        match clearance_ide::formatting(text, lines) {
            Ok(edits) => {
                let index = LineIndex::new(text);
                Ok(Some(
                    edits
                        .into_iter()
                        .map(|edit| {
                            lsp::TextEdit::new(index.range(edit.start, edit.end), edit.new_text)
                        })
                        .collect(),
                ))
            }
            // Its syntax errors are on screen already: nothing to format until they are mended.
            Err(FormatError::Syntax(_)) => Ok(None),
            Err(FormatError::MeaningChanged) => Err(
                "the canonical layout would change what this file means (a bug of the \
formatter): the file was left as it is"
                    .to_string(),
            ),
        }
    }

    fn semantic_tokens(&self, uri: &Uri) -> Option<lsp::SemanticTokens> {
        let path = self.path_of(uri);
        let file = self.project.file(&path)?;
        let text = file.text(self.project.db());
        let index = LineIndex::new(text);
        let mut data = Vec::new();
        let (mut line, mut column) = (0u32, 0u32);
        for highlight in clearance_ide::highlight::highlights(&self.project, &path) {
            let start = index.position(highlight.start);
            let end = index.position(highlight.end);
            // A token never spans lines; one that would (an unterminated string) ends there.
            let length = if end.line == start.line {
                end.character - start.character
            } else {
                continue;
            };
            let delta_line = start.line - line;
            let delta_start = if delta_line == 0 {
                start.character - column
            } else {
                start.character
            };
            let modifiers = u32::from(highlight.documentation)
                | u32::from(highlight.standard_library) << 1
                | u32::from(highlight.readonly) << 2;
            data.push(lsp::SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: token_type_index(highlight.kind),
                token_modifiers_bitset: modifiers,
            });
            (line, column) = (start.line, start.character);
        }
        Some(lsp::SemanticTokens {
            result_id: None,
            data,
        })
    }

    fn code_lenses(&mut self, uri: &Uri) -> Vec<lsp::CodeLens> {
        let path = self.path_of(uri);
        let Some(file) = self.project.file(&path) else {
            return Vec::new();
        };
        // Examples run on rules that check: with errors anywhere, there is nothing to say yet.
        if self
            .project
            .diagnostics(|_| true)
            .iter()
            .any(|found| found.diagnostic.is_error())
        {
            return Vec::new();
        }
        let program = self.project.program();
        let stale = self
            .examples
            .as_ref()
            .is_none_or(|run| !std::sync::Arc::ptr_eq(&run.program, &program));
        if stale {
            let results = match clearance_library::rule_set_with_data(program.clone()) {
                Ok((rule_set, _warnings)) => {
                    Ok(clearance_runtime::testing::run_examples(&rule_set, |_| {
                        true
                    }))
                }
                Err(problems) => Err(problems
                    .first()
                    .map_or_else(String::new, ToString::to_string)),
            };
            self.examples = Some(ExampleRun { program, results });
        }
        let Some(run) = &self.examples else {
            return Vec::new();
        };
        let text = file.text(self.project.db());
        let index = LineIndex::new(text);
        let at_line = |line: u32| {
            let position = lsp::Position::new(line, 0);
            lsp::Range::new(position, position)
        };
        let lens = |range: lsp::Range, title: String| lsp::CodeLens {
            range,
            command: Some(lsp::Command {
                title,
                command: "clearance.runExamples".to_string(),
                arguments: None,
            }),
            data: None,
        };
        let results = match &run.results {
            Ok(results) => results,
            Err(problem) => {
                return vec![lens(at_line(0), format!("examples not run: {problem}"))];
            }
        };
        let mut lenses = Vec::new();
        let ours: Vec<_> = results
            .iter()
            .filter(|result| result.path == path)
            .collect();
        for result in &ours {
            let title = if result.passed() {
                "✓ example passes".to_string()
            } else {
                format!(
                    "✗ example fails: {}",
                    result.failures.first().map_or("", String::as_str)
                )
            };
            lenses.push(lens(at_line(result.line.saturating_sub(1)), title));
        }
        // Above each rule: the examples of its rule set that name it.
        let program = &run.program;
        for item in &parsed_file(self.project.db(), file).items {
            if item.key.kind != ItemKind::Rule {
                continue;
            }
            let mut passed = 0;
            let mut failed = 0;
            for ruleset in program
                .rulesets
                .iter()
                .filter(|ruleset| ruleset.path == path)
            {
                for example in &ruleset.examples {
                    let names_rule = example.expectations.iter().any(|expectation| {
                        expectation.rule.as_deref() == Some(item.key.name.as_str())
                    });
                    if !names_rule {
                        continue;
                    }
                    match ours.iter().find(|result| result.line == example.line) {
                        Some(result) if result.passed() => passed += 1,
                        Some(_) => failed += 1,
                        None => {}
                    }
                }
            }
            let title = match (passed + failed, failed) {
                (0, _) => "no example names this rule".to_string(),
                (1, 0) => "1 example: passed".to_string(),
                (count, 0) => format!("{count} examples: all passed"),
                (count, failed) => format!("{count} examples: {failed} failed"),
            };
            let line = index.position(item.offset as usize).line;
            // The lens goes on the `rule` line, below the item's doc comment.
            let keyword_line = text[item.offset as usize..]
                .lines()
                .position(|content| content.starts_with("rule"))
                .map_or(line, |skip| line + u32::try_from(skip).unwrap_or(0));
            lenses.push(lens(at_line(keyword_line), title));
        }
        lenses
    }

    /// Each item folds from its first line to its last line with text; so does each run of
    /// two or more comment lines.
    fn folding(&self, uri: &Uri) -> Option<Vec<lsp::FoldingRange>> {
        let file = self.project.file(&self.path_of(uri))?;
        let db = self.project.db();
        let text = file.text(db);
        let index = LineIndex::new(text);
        let mut ranges = Vec::new();
        for item in &parsed_file(db, file).items {
            let start = item.offset as usize;
            let end = start + text[start..start + item.len as usize].trim_end().len();
            let (first, last) = (index.position(start).line, index.position(end).line);
            if last > first {
                ranges.push(lsp::FoldingRange {
                    start_line: first,
                    end_line: last,
                    kind: Some(lsp::FoldingRangeKind::Region),
                    ..lsp::FoldingRange::default()
                });
            }
        }
        let mut run: Option<(u32, u32)> = None;
        for (line, content) in (0u32..).zip(text.lines()) {
            let comment = content.trim_start().starts_with("//");
            match (&mut run, comment) {
                (Some((_, last)), true) => *last = line,
                (None, true) => run = Some((line, line)),
                (Some((first, last)), false) => {
                    if last > first {
                        ranges.push(comment_fold(*first, *last));
                    }
                    run = None;
                }
                (None, false) => {}
            }
        }
        if let Some((first, last)) = run
            && last > first
        {
            ranges.push(comment_fold(first, last));
        }
        Some(ranges)
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

    /// One edit per place, each writing `new_text`, grouped by document.
    fn workspace_edit(
        &self,
        places: &[clearance_ide::FileRange],
        new_text: &str,
    ) -> lsp::WorkspaceEdit {
        let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for place in places {
            if let Some(location) = self.location(place) {
                changes
                    .entry(location.uri)
                    .or_default()
                    .push(lsp::TextEdit::new(location.range, new_text.to_string()));
            }
        }
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }
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

    /// The items of a document, each with its keyword's kind of symbol.
    fn symbols(&self, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
        let (_, path) = self.open.get(uri)?;
        let file = self.project.file(path)?;
        let db = self.project.db();
        let index = LineIndex::new(file.text(db));
        let symbols = parsed_file(db, file)
            .items
            .iter()
            .filter(|item| !matches!(item.key.kind, ItemKind::Use))
            .map(|item| {
                let start = item.offset as usize;
                let end = start + item.len as usize;
                let range = index.range(start, end);
                let keyword_end = start + item.key.kind.keyword().len();
                #[allow(deprecated)]
                DocumentSymbol {
                    name: item.key.name.clone(),
                    detail: Some(item.key.kind.keyword().to_string()),
                    kind: symbol_kind(item.key.kind),
                    tags: None,
                    deprecated: None,
                    range,
                    selection_range: index.range(start, keyword_end.min(end)),
                    children: None,
                }
            })
            .collect();
        Some(symbols)
    }
}

/// The legend of semantic tokens: the kinds in [`clearance_ide::highlight::HighlightKind::ALL`]
/// order, and the three modifiers.
pub fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    use clearance_ide::highlight::HighlightKind as Kind;
    lsp::SemanticTokensLegend {
        token_types: Kind::ALL
            .iter()
            .map(|kind| match kind {
                Kind::Keyword => lsp::SemanticTokenType::KEYWORD,
                Kind::Comment => lsp::SemanticTokenType::COMMENT,
                Kind::String => lsp::SemanticTokenType::STRING,
                Kind::Number => lsp::SemanticTokenType::NUMBER,
                Kind::Operator => lsp::SemanticTokenType::OPERATOR,
                Kind::Function => lsp::SemanticTokenType::FUNCTION,
                Kind::Type => lsp::SemanticTokenType::TYPE,
                Kind::Enum => lsp::SemanticTokenType::ENUM,
                Kind::Variable => lsp::SemanticTokenType::VARIABLE,
                Kind::Property => lsp::SemanticTokenType::PROPERTY,
                Kind::Event => lsp::SemanticTokenType::EVENT,
                Kind::Macro => lsp::SemanticTokenType::MACRO,
            })
            .collect(),
        token_modifiers: vec![
            lsp::SemanticTokenModifier::DOCUMENTATION,
            lsp::SemanticTokenModifier::DEFAULT_LIBRARY,
            lsp::SemanticTokenModifier::READONLY,
        ],
    }
}

fn token_type_index(kind: clearance_ide::highlight::HighlightKind) -> u32 {
    clearance_ide::highlight::HighlightKind::ALL
        .iter()
        .position(|candidate| *candidate == kind)
        .and_then(|position| u32::try_from(position).ok())
        .unwrap_or(0)
}

fn comment_fold(first: u32, last: u32) -> lsp::FoldingRange {
    lsp::FoldingRange {
        start_line: first,
        end_line: last,
        kind: Some(lsp::FoldingRangeKind::Comment),
        ..lsp::FoldingRange::default()
    }
}

fn completion_kind(kind: ItemKind) -> lsp::CompletionItemKind {
    match kind {
        ItemKind::Record => lsp::CompletionItemKind::STRUCT,
        ItemKind::Codelist => lsp::CompletionItemKind::ENUM,
        ItemKind::TypeAlias => lsp::CompletionItemKind::TYPE_PARAMETER,
        ItemKind::Const | ItemKind::Fixture => lsp::CompletionItemKind::CONSTANT,
        ItemKind::Table | ItemKind::Function => lsp::CompletionItemKind::FUNCTION,
        _ => lsp::CompletionItemKind::VALUE,
    }
}

fn symbol_kind(kind: ItemKind) -> SymbolKind {
    match kind {
        ItemKind::Ruleset | ItemKind::Module | ItemKind::Use => SymbolKind::MODULE,
        ItemKind::Requirement => SymbolKind::KEY,
        ItemKind::Record => SymbolKind::STRUCT,
        ItemKind::Codelist => SymbolKind::ENUM,
        ItemKind::TypeAlias => SymbolKind::TYPE_PARAMETER,
        ItemKind::Const | ItemKind::Fixture => SymbolKind::CONSTANT,
        ItemKind::Table | ItemKind::Function => SymbolKind::FUNCTION,
        ItemKind::Rule => SymbolKind::EVENT,
        ItemKind::Example => SymbolKind::METHOD,
        ItemKind::Holidays | ItemKind::Calendar => SymbolKind::OBJECT,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
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
