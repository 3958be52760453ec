//! What the server shows of a document beside its diagnostics: semantic tokens, code lenses,
//! folding ranges and symbols.

use tower_lsp_server::ls_types::{self as lsp, DocumentSymbol, SymbolKind, Uri};

use clearance_compiler::items::parsed_file;
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::text;

use super::{ExampleRun, State};
use crate::line_index::LineIndex;

impl State {
    pub(super) fn semantic_tokens(&self, uri: &Uri) -> Option<lsp::SemanticTokens> {
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

    pub(super) fn code_lenses(&mut self, uri: &Uri) -> Vec<lsp::CodeLens> {
        let path = self.path_of(uri);
        let Some(file) = self.project.file(&path) else {
            return Vec::new();
        };
        // Examples run on rules that check: with errors in this file or a module it uses, there
        // is nothing to say yet; a broken file it does not use leaves it a program of its own.
        let has_errors = |include: &dyn Fn(&str) -> bool| {
            self.project
                .diagnostics(include)
                .iter()
                .any(|found| found.diagnostic.is_error())
        };
        let program = if has_errors(&|_| true) {
            let db = self.project.db();
            let mut used = clearance_compiler::program::used_files(db, file);
            // The standard library is always there (the currency list, the customs records).
            let stdlib: Vec<_> = self
                .project
                .files()
                .iter()
                .copied()
                .filter(|candidate| self.project.is_stdlib(*candidate) && !used.contains(candidate))
                .collect();
            used.extend(stdlib);
            let used_paths: Vec<&String> = used.iter().map(|used| used.path(db)).collect();
            if has_errors(&|candidate| used_paths.iter().any(|path| *path == candidate)) {
                return Vec::new();
            }
            std::sync::Arc::new(clearance_compiler::program::program_of_files(db, &used))
        } else {
            self.project.program()
        };
        let stale = self.examples.as_ref().is_none_or(|run| {
            !std::sync::Arc::ptr_eq(&run.program, &program) && *run.program != *program
        });
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
                let title = text!("lens--examples-not-run", problem = problem);
                return vec![lens(at_line(0), title.render(self.language))];
            }
        };
        let mut lenses = Vec::new();
        let ours: Vec<_> = results
            .iter()
            .filter(|result| result.path == path)
            .collect();
        for result in &ours {
            let title = if result.passed() {
                text!("lens--example-passes")
            } else {
                text!(
                    "lens--example-fails",
                    failure = result.failures.first().map_or("", String::as_str)
                )
            };
            lenses.push(lens(
                at_line(result.line.saturating_sub(1)),
                title.render(self.language),
            ));
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
                (0, _) => text!("lens--no-example"),
                (1, 0) => text!("lens--one-example-passed"),
                (1, _) => text!("lens--one-example-failed"),
                (count, 0) => text!("lens--examples-all-passed", count = count),
                (count, failed) => text!("lens--examples-failed", count = count, failed = failed),
            };
            let line = index.position(item.offset as usize).line;
            // The lens goes on the `rule` line, below the item's doc comment.
            let keyword_line = text[item.offset as usize..]
                .lines()
                .position(|content| content.starts_with("rule"))
                .map_or(line, |skip| line + u32::try_from(skip).unwrap_or(0));
            lenses.push(lens(at_line(keyword_line), title.render(self.language)));
        }
        lenses
    }

    /// Each item folds from its first line to its last line with text; so does each run of
    /// two or more comment lines.
    pub(super) fn folding(&self, uri: &Uri) -> Option<Vec<lsp::FoldingRange>> {
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

    /// The items of a document, each with its keyword's kind of symbol.
    pub(super) fn symbols(&self, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
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

pub(super) fn completion_kind(kind: ItemKind) -> lsp::CompletionItemKind {
    match kind {
        ItemKind::Record => lsp::CompletionItemKind::STRUCT,
        ItemKind::Codelist => lsp::CompletionItemKind::ENUM,
        ItemKind::TypeAlias => lsp::CompletionItemKind::TYPE_PARAMETER,
        ItemKind::Const | ItemKind::Fixture => lsp::CompletionItemKind::CONSTANT,
        ItemKind::Table | ItemKind::Function => lsp::CompletionItemKind::FUNCTION,
        _ => lsp::CompletionItemKind::VALUE,
    }
}

pub(super) fn symbol_kind(kind: ItemKind) -> SymbolKind {
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
