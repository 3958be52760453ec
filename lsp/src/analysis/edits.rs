//! What the server writes into documents: quick fixes, formatting, and the edits of a rename.

use std::collections::HashMap;

use clearance_compiler::syntax::format::FormatError;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::State;
use crate::line_index::LineIndex;

impl State {
    /// The quick fixes of a document's diagnostics whose range meets `range`, each with the
    /// edits the help proposes, in this document or another (the requirements catalogue).
    pub(super) fn code_actions(
        &self,
        uri: &Uri,
        range: lsp::Range,
    ) -> Vec<lsp::CodeActionOrCommand> {
        let Some((_, path)) = self.open.get(uri) else {
            return Vec::new();
        };
        let Some(file) = self.project.file(path) else {
            return Vec::new();
        };
        let index = LineIndex::new(file.text(self.project.db()));
        let (start, end) = (index.offset(range.start), index.offset(range.end));
        clearance_ide::fixes(&self.project, path, start, end)
            .into_iter()
            .map(|fix| {
                let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
                for edit in &fix.edits {
                    let (Some(edited), Some(written)) = (
                        self.uri_of(&edit.path),
                        self.range_in(&edit.path, edit.start, edit.end),
                    ) else {
                        continue;
                    };
                    changes
                        .entry(edited)
                        .or_default()
                        .push(lsp::TextEdit::new(written, edit.new_text.clone()));
                }
                lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title.render(self.language),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![self.to_protocol(uri, &index, &fix.diagnostic)]),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(changes),
                        ..lsp::WorkspaceEdit::default()
                    }),
                    is_preferred: Some(fix.preferred),
                    ..lsp::CodeAction::default()
                })
            })
            .collect()
    }

    pub(super) fn formatting(
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

    /// One edit per place, each writing `new_text`, grouped by document.
    pub(super) fn workspace_edit(
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
}
