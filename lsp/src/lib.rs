//! The Clearance language server (`clearance lsp`), over stdio.
//!
//! A thin protocol layer on tower-lsp-server: each handler turns its message into a
//! [`analysis::Task`] for the analysis thread, which owns the compiler's database, and sends
//! the task before its first `.await`, so that edits and requests reach the database in the
//! order the editor sent them (tower-lsp-server runs handlers concurrently). What it answers
//! today: diagnostics as you type (every one `clearance check` reports, in the client's
//! locale when it is French), the items of a document as symbols, and, from the `ide` layer,
//! hover, go to definition (into the standard library, written read-only to a cache
//! directory), completion, references, rename, formatting and folding.

pub mod analysis;
pub mod line_index;

use std::sync::mpsc;

use clearance_compiler::diagnostics::Language;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeActionParams, CodeActionProviderCapability, CodeActionResponse, CompletionOptions,
    CompletionParams, CompletionResponse, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentFormattingParams,
    DocumentRangeFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange,
    FoldingRangeParams, FoldingRangeProviderCapability, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, InitializedParams, OneOf, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit,
};
use tower_lsp_server::ls_types::{
    CodeLens, CodeLensOptions, CodeLensParams, InlayHint, InlayHintParams, SymbolInformation,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, Location,
    PrepareRenameResponse, ReferenceParams, Registration, RenameOptions, RenameParams,
    SemanticTokensFullOptions, SemanticTokensOptions, SemanticTokensParams, SemanticTokensResult,
    SemanticTokensServerCapabilities, SignatureHelp, SignatureHelpOptions, SignatureHelpParams,
    TextDocumentPositionParams, WorkDoneProgressOptions, WorkspaceEdit,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use analysis::{Published, Task};

struct Backend {
    client: Client,
    analysis: mpsc::Sender<Task>,
    /// The client lets the server ask for file events (rule files changed behind the editor).
    watch_files: std::sync::atomic::AtomicBool,
}

impl Backend {
    /// Sends a task; `false` when the analysis thread has stopped.
    fn send(&self, task: Task) -> bool {
        self.analysis.send(task).is_ok()
    }

    /// Sends the task `make` builds and waits for its answer. The task is sent when this is
    /// first polled, before anything else waits: the wire's order is kept. A reply dropped
    /// unanswered is a request an edit cancelled: the client is told the content changed.
    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Task) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        if !self.send(make(reply)) {
            return Err(analysis_stopped());
        }
        answer.await.map_err(|_| content_modified())
    }

    /// Applies an edit and publishes the diagnostics it changed. A notification has no
    /// answer: when the analysis thread has stopped there is nothing to publish.
    async fn edit(&self, make: impl FnOnce(oneshot::Sender<Vec<Published>>) -> Task) {
        let Ok(published) = self.ask(make).await else {
            return;
        };
        for document in published {
            self.client
                .publish_diagnostics(document.uri, document.diagnostics, document.version)
                .await;
        }
    }
}

fn content_modified() -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ContentModified,
        message: "the document changed while the request ran: ask again".into(),
        data: None,
    }
}

fn internal_error(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

fn analysis_stopped() -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: "the analysis thread has stopped".into(),
        data: None,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut roots: Vec<std::path::PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| folder.uri.to_file_path().map(|path| path.into_owned()))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(path) = params.root_uri.as_ref().and_then(|uri| uri.to_file_path())
        {
            roots.push(path.into_owned());
        }
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        self.watch_files
            .store(can_watch, std::sync::atomic::Ordering::Relaxed);
        let language = params
            .locale
            .as_deref()
            .and_then(Language::from_tag)
            .unwrap_or_default();
        let (reply, loaded) = oneshot::channel();
        if !self.send(Task::Load {
            roots,
            language,
            reply,
        }) {
            return Err(analysis_stopped());
        }
        let _ = loaded.await;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                // A `.` opens the fields of a record or the codes of a list.
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".to_string()]),
                    ..CompletionOptions::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                references_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".to_string(), ",".to_string()]),
                    retrigger_characters: None,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: analysis::semantic_tokens_legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        },
                    ),
                ),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "clearance".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.watch_files.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.clr".to_string()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "clearance-rule-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        // A client that refuses still gets diagnostics; only edits made outside it go unseen.
        let _ = self.client.register_capability(vec![registration]).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.edit(|reply| Task::Open {
            uri: document.uri,
            version: document.version,
            text: document.text,
            reply,
        })
        .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Incremental synchronisation: ranges replaced in order (or a whole new text).
        self.edit(|reply| Task::Change {
            uri: params.text_document.uri,
            version: params.text_document.version,
            changes: params.content_changes,
            reply,
        })
        .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.edit(|reply| Task::Close { uri, reply }).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let changes = params
            .changes
            .into_iter()
            .map(|event| (event.uri, event.typ))
            .collect();
        self.edit(|reply| Task::FilesChanged { changes, reply })
            .await;
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let symbols = self.ask(|reply| Task::Symbols { uri, reply }).await?;
        Ok(symbols.map(DocumentSymbolResponse::Nested))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.ask(|reply| Task::Hover {
            uri: at.text_document.uri,
            position: at.position,
            reply,
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let location = self
            .ask(|reply| Task::Definition {
                uri: at.text_document.uri,
                position: at.position,
                reply,
            })
            .await?;
        Ok(location.map(GotoDefinitionResponse::Scalar))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let actions = self
            .ask(|reply| Task::CodeActions { uri, range, reply })
            .await?;
        Ok(Some(actions))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let answer = self
            .ask(|reply| Task::Formatting {
                uri,
                lines: None,
                reply,
            })
            .await?;
        answer.map_err(internal_error)
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let lines = Some((params.range.start.line, params.range.end.line));
        let answer = self
            .ask(|reply| Task::Formatting { uri, lines, reply })
            .await?;
        answer.map_err(internal_error)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let locations = self
            .ask(|reply| Task::References {
                uri: at.text_document.uri,
                position: at.position,
                include_declaration: params.context.include_declaration,
                reply,
            })
            .await?;
        Ok(Some(locations))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let answer = self
            .ask(|reply| Task::PrepareRename {
                uri: params.text_document.uri,
                position: params.position,
                reply,
            })
            .await?;
        // The reason goes back as the error's message: clients show it where the rename was
        // asked for.
        answer
            .map(|range| Some(PrepareRenameResponse::Range(range)))
            .map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let answer = self
            .ask(|reply| Task::Rename {
                uri: at.text_document.uri,
                position: at.position,
                new_name: params.new_name,
                reply,
            })
            .await?;
        answer.map(Some).map_err(Error::invalid_params)
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        self.ask(|reply| Task::SignatureHelp {
            uri: at.text_document.uri,
            position: at.position,
            reply,
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let tokens = self
            .ask(|reply| Task::SemanticTokens { uri, reply })
            .await?;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        let symbols: Vec<SymbolInformation> = self
            .ask(|reply| Task::WorkspaceSymbols { query, reply })
            .await?;
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let hints = self
            .ask(|reply| Task::InlayHints { uri, range, reply })
            .await?;
        Ok(Some(hints))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let lenses = self.ask(|reply| Task::CodeLenses { uri, reply }).await?;
        Ok(Some(lenses))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri;
        self.ask(|reply| Task::Folding { uri, reply }).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let items = self
            .ask(|reply| Task::Completion {
                uri: at.text_document.uri,
                position: at.position,
                reply,
            })
            .await?;
        Ok(Some(CompletionResponse::Array(items)))
    }
}

/// Serves the protocol on standard input and output until the client exits.
pub fn serve_stdio() -> std::io::Result<()> {
    let analysis = analysis::start()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let (service, socket) = LspService::new(|client| Backend {
            client,
            analysis,
            watch_files: std::sync::atomic::AtomicBool::new(false),
        });
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    Ok(())
}
