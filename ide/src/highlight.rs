//! Semantic highlighting: what each word of a file is, from the token layer and the file's
//! scope (the editor's grammar colours words by their shape; this colours them by what they
//! name: a record, a code list, a constant, a builtin, a field after a `.`).

use clearance_compiler::builtins::builtin_named;
use clearance_compiler::db::ItemKey;
use clearance_compiler::items::parsed_file;
use clearance_compiler::project::Project;
use clearance_compiler::resolve::{file_scope, module_index};
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::lexer::{TokenKind, tokenize};
use clearance_compiler::syntax::{KEYWORDS, VALUE_WORDS};

/// What a highlighted range is; the language server's legend lists them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    Keyword,
    Comment,
    String,
    Number,
    Operator,
    Function,
    Type,
    Enum,
    Variable,
    Property,
    /// A rule's identifier.
    Event,
    /// A requirement's identifier.
    Macro,
}

impl HighlightKind {
    pub const ALL: [HighlightKind; 12] = [
        HighlightKind::Keyword,
        HighlightKind::Comment,
        HighlightKind::String,
        HighlightKind::Number,
        HighlightKind::Operator,
        HighlightKind::Function,
        HighlightKind::Type,
        HighlightKind::Enum,
        HighlightKind::Variable,
        HighlightKind::Property,
        HighlightKind::Event,
        HighlightKind::Macro,
    ];
}

/// One highlighted range of a file (bytes), with what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub kind: HighlightKind,
    /// A doc comment.
    pub documentation: bool,
    /// Defined in the standard library, or a builtin.
    pub standard_library: bool,
    /// A constant or fixture, whose value never changes.
    pub readonly: bool,
}

/// Every highlighted range of the file at `path`, in order.
pub fn highlights(project: &Project, path: &str) -> Vec<Highlight> {
    let Some(file) = project.file(path) else {
        return Vec::new();
    };
    let db = project.db();
    let text = file.text(db);
    let scope = file_scope(db, file);
    let index = module_index(db);
    let parsed = parsed_file(db, file);
    let tokens = tokenize(text);
    let mut out = Vec::with_capacity(tokens.len());
    let plain = |start: usize, end: usize, kind: HighlightKind| Highlight {
        start,
        end,
        kind,
        documentation: false,
        standard_library: false,
        readonly: false,
    };
    let mut position = 0;
    while position < tokens.len() {
        let token = tokens[position];
        let word = &text[token.start..token.end];
        let previous = position.checked_sub(1).map(|at| tokens[at]);
        position += 1;
        let kind = match token.kind {
            TokenKind::Newline | TokenKind::Unknown => continue,
            TokenKind::Comment => HighlightKind::Comment,
            TokenKind::DocComment => {
                out.push(Highlight {
                    documentation: true,
                    ..plain(token.start, token.end, HighlightKind::Comment)
                });
                continue;
            }
            TokenKind::String | TokenKind::UnterminatedString => HighlightKind::String,
            TokenKind::Number | TokenKind::Date | TokenKind::DateTime | TokenKind::Time => {
                HighlightKind::Number
            }
            TokenKind::Ident => {
                // A dashed identifier (`CAS-MASS-01`) is one word, read as "go to definition"
                // reads it: the tokens it spans go with it.
                let end = crate::word_at(text, token.start, true)
                    .map_or(token.end, |(_, end)| end.max(token.end));
                let last = position
                    + tokens[position..]
                        .iter()
                        .take_while(|next| next.start < end)
                        .count();
                let dashed = &text[token.start..end];
                if index.requirements.contains_key(dashed) {
                    position = last;
                    out.push(plain(token.start, end, HighlightKind::Macro));
                    continue;
                }
                let rule = ItemKey {
                    kind: ItemKind::Rule,
                    name: dashed.to_string(),
                    occurrence: 0,
                };
                if end > token.end && parsed.find(&rule).is_some() {
                    position = last;
                    out.push(plain(token.start, end, HighlightKind::Event));
                    continue;
                }
                if previous.is_some_and(|previous| previous.kind == TokenKind::Dot) {
                    HighlightKind::Property
                } else if KEYWORDS.contains(&word) || VALUE_WORDS.contains(&word) {
                    HighlightKind::Keyword
                } else if tokens
                    .get(position)
                    .is_some_and(|next| next.kind == TokenKind::LParen)
                    && scope.get(word).is_none()
                    && builtin_named(word).is_some()
                {
                    out.push(Highlight {
                        standard_library: true,
                        ..plain(token.start, token.end, HighlightKind::Function)
                    });
                    continue;
                } else if let Some(def) = scope.get(word) {
                    let kind = match def.key.kind {
                        ItemKind::Record | ItemKind::TypeAlias => HighlightKind::Type,
                        ItemKind::Codelist => HighlightKind::Enum,
                        ItemKind::Function | ItemKind::Table => HighlightKind::Function,
                        ItemKind::Rule => HighlightKind::Event,
                        ItemKind::Requirement => HighlightKind::Macro,
                        _ => HighlightKind::Variable,
                    };
                    out.push(Highlight {
                        standard_library: project.is_stdlib(def.file),
                        readonly: matches!(def.key.kind, ItemKind::Const | ItemKind::Fixture),
                        ..plain(token.start, token.end, kind)
                    });
                    continue;
                } else if word.starts_with(|c: char| c.is_ascii_uppercase())
                    && word.chars().skip(1).any(|c| c.is_ascii_lowercase())
                {
                    // The builtin types (`Int`, `Text`, `Mass`) are in no scope.
                    HighlightKind::Type
                } else {
                    HighlightKind::Variable
                }
            }
            _ => HighlightKind::Operator,
        };
        out.push(plain(token.start, token.end, kind));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_coloured_by_what_they_name() {
        let mut project = Project::default();
        let text = "module lib.colours\n\nuse stdlib.customs.*\n\n/// The floor.\nconst floor = 0 kg\n\nfn heavy(d: Declaration) -> Bool\n  = (d.gross_mass otherwise floor) > floor and starts_with(d.reference, \"FR\")\n";
        project.add_file("lib/colours.clr", text);
        let found = highlights(&project, "lib/colours.clr");
        let of = |needle: &str| {
            let start = text.find(needle).unwrap();
            found
                .iter()
                .find(|highlight| highlight.start == start)
                .cloned()
                .unwrap()
        };
        assert_eq!(of("module").kind, HighlightKind::Keyword);
        assert!(of("/// The floor.").documentation);
        assert_eq!(of("floor =").kind, HighlightKind::Variable);
        assert!(of("floor =").readonly);
        assert_eq!(of("0 kg").kind, HighlightKind::Number);
        assert_eq!(of("Declaration)").kind, HighlightKind::Type);
        assert!(of("Declaration)").standard_library);
        assert_eq!(of("gross_mass").kind, HighlightKind::Property);
        assert_eq!(of("Bool").kind, HighlightKind::Type);
        let builtin = of("starts_with");
        assert_eq!(builtin.kind, HighlightKind::Function);
        assert!(builtin.standard_library);
        assert_eq!(of("\"FR\"").kind, HighlightKind::String);
        assert_eq!(of("> floor").kind, HighlightKind::Operator);
    }
}
