//! Renderers: ariadne for people, JSON for machines. The language server has its own mapping
//! in `lsp/`, from the same values.

use std::collections::HashMap;

use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};
use serde::Serialize;

use super::{FileDiagnostic, Language, Severity};

/// The texts diagnostics point into, by path.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    texts: HashMap<String, String>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(path.into(), text.into());
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.texts.get(path).map(String::as_str)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_to_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Renders diagnostics for people. `color` is off for snapshots, files and pipes.
pub fn render_human(
    diagnostics: &[FileDiagnostic],
    sources: &SourceMap,
    color: bool,
    language: Language,
) -> String {
    let mut out = Vec::new();
    for file_diagnostic in diagnostics {
        let diagnostic = &file_diagnostic.diagnostic;
        let path = file_diagnostic.path.clone();
        let text = sources.get(&path).unwrap_or("");
        let kind = match (diagnostic.severity, language) {
            (Severity::Error, Language::English) => ReportKind::Error,
            (Severity::Warning, Language::English) => ReportKind::Warning,
            (Severity::Info | Severity::Action, Language::English) => ReportKind::Advice,
            // ariadne names the three kinds in English; in French they are custom kinds with
            // ariadne's own colours.
            (Severity::Error, Language::French) => ReportKind::Custom("Erreur", Color::Red),
            (Severity::Warning, Language::French) => {
                ReportKind::Custom("Avertissement", Color::Yellow)
            }
            (Severity::Info | Severity::Action, Language::French) => {
                ReportKind::Custom("Conseil", Color::Fixed(147))
            }
        };
        let range = |span: crate::syntax::ast::Span| {
            let start = clamp_to_char_boundary(text, span.start as usize);
            let end = clamp_to_char_boundary(text, (span.end as usize).max(start));
            start..end
        };
        let primary = range(diagnostic.primary_span());
        let mut report = Report::build(kind, (path.clone(), primary))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(diagnostic.id.as_str())
            .with_message(diagnostic.message.render(language));
        for (position, label) in diagnostic.labels.iter().enumerate() {
            let mut ariadne_label = AriadneLabel::new((path.clone(), range(label.span)));
            // ariadne draws no underline for a label without words; the primary one needs one.
            if let Some(message) = &label.message {
                ariadne_label = ariadne_label.with_message(message.render(language));
            } else if position == 0 {
                ariadne_label =
                    ariadne_label.with_message(crate::text!("label--here").render(language));
            }
            report = report.with_label(ariadne_label);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(help.render(language));
        }
        let cache = ariadne::sources(vec![(path.clone(), text.to_string())]);
        if report.finish().write(cache, &mut out).is_err() {
            out.extend_from_slice(diagnostic.message.render(language).as_bytes());
            out.push(b'\n');
        }
    }
    let rendered = String::from_utf8_lossy(&out).into_owned();
    if color {
        rendered
    } else {
        without_colours(&rendered)
    }
}

/// `text` without ANSI colour sequences. ariadne colours a custom report kind (the French
/// severities) even when colour is off.
fn without_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct JsonLabel {
    start: JsonPosition,
    end: JsonPosition,
    message: String,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    id: &'static str,
    severity: &'static str,
    file: &'a str,
    message: String,
    help: Option<String>,
    labels: Vec<JsonLabel>,
}

/// Renders diagnostics as a JSON array, one object per diagnostic, with 1-based lines and
/// columns as well as byte offsets.
pub fn render_json(
    diagnostics: &[FileDiagnostic],
    sources: &SourceMap,
    language: Language,
) -> serde_json::Value {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|file_diagnostic| {
            let diagnostic = &file_diagnostic.diagnostic;
            let text = sources.get(&file_diagnostic.path).unwrap_or("");
            let position = |offset: usize| {
                let (line, column) = line_column(text, offset);
                JsonPosition {
                    line,
                    column,
                    offset,
                }
            };
            JsonDiagnostic {
                id: diagnostic.id.as_str(),
                severity: diagnostic.severity.as_str(),
                file: &file_diagnostic.path,
                message: diagnostic.message.render(language),
                help: diagnostic.help.as_ref().map(|help| help.render(language)),
                labels: diagnostic
                    .labels
                    .iter()
                    .map(|label| JsonLabel {
                        start: position(label.span.start as usize),
                        end: position(label.span.end as usize),
                        message: label
                            .message
                            .as_ref()
                            .map(|message| message.render(language))
                            .unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    serde_json::to_value(items).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\nçd\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 5), (2, 2));
    }
}
