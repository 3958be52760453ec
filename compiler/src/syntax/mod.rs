//! The syntax layer: tokens, item boundaries, the pest grammar and the syntax tree.
//!
//! This layer knows nothing of salsa, of name resolution or of the editor: it turns text into
//! trees and errors, and never fails.

pub mod ast;
pub mod format;
pub mod lexer;
pub mod parser;
pub mod split;

use ast::{Item, ItemKind};
pub use parser::{ItemParse, SyntaxError, parse_expression, parse_item};
pub use split::{RawItem, StrayText, split_items};

include!(concat!(env!("OUT_DIR"), "/keywords.rs"));

/// The words that are values, not keywords (the grammar's `bool_lit`, `absent_lit`,
/// `present_kw` and `empty_kw`): reserved like keywords, coloured like constants.
pub const VALUE_WORDS: &[&str] = &["true", "false", "absent", "present", "empty"];

/// One item of a file: where it is, what the token layer saw, and what the parser built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxItem {
    pub kind: ItemKind,
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub item: Item,
    pub errors: Vec<SyntaxError>,
}

/// A whole file's syntax: every item, and the text that belongs to none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSyntax {
    pub items: Vec<SyntaxItem>,
    pub stray: Vec<StrayText>,
}

/// Parses a file item by item. Never fails: each broken item carries its own errors.
pub fn parse_file(text: &str) -> FileSyntax {
    let split = split_items(text);
    let items = split
        .items
        .into_iter()
        .map(|raw| {
            let parse = parse_item(&text[raw.start..raw.end], raw.kind);
            SyntaxItem {
                kind: raw.kind,
                name: raw.name,
                start: raw.start,
                end: raw.end,
                item: parse.item,
                errors: parse.errors,
            }
        })
        .collect();
    FileSyntax {
        items,
        stray: split.stray,
    }
}

#[cfg(test)]
mod tests {
    use super::KEYWORDS;
    use super::ast::ItemKind;

    #[test]
    fn every_item_keyword_is_a_keyword_of_the_grammar() {
        assert!(KEYWORDS.len() > 80, "{KEYWORDS:?}");
        for word in KEYWORDS {
            if let Some(kind) = ItemKind::from_keyword(word) {
                assert_eq!(kind.keyword(), *word);
            }
        }
        let items = KEYWORDS
            .iter()
            .filter(|word| ItemKind::from_keyword(word).is_some())
            .count();
        assert_eq!(
            items, 15,
            "an item kind without its `k_` rule, or the reverse"
        );
    }
    #[test]
    fn a_dot_without_a_name_keeps_the_item_with_an_error() {
        use super::ast::{ExprKind, ItemData};
        let text = "fn f(d: Declaration) -> Text\n  = d.\n";
        let parsed = super::parser::parse_item(text, ItemKind::Function);
        let keys: Vec<&str> = parsed
            .errors
            .iter()
            .map(|error| error.message.key())
            .collect();
        assert_eq!(keys, ["syntax-error--field-name-missing"]);
        let error = &parsed.errors[0];
        assert_eq!(
            &text[error.span.start as usize..error.span.end as usize],
            "."
        );
        let ItemData::Function(function) = &parsed.item.data else {
            panic!("the function is kept: {:?}", parsed.item.data);
        };
        let ExprKind::Field(base, name) = &function.body.kind else {
            panic!("{:?}", function.body.kind);
        };
        assert_eq!(base.kind, ExprKind::Name("d".to_string()));
        let after_dot = u32::try_from(text.find("d.\n").unwrap() + 2).unwrap();
        assert_eq!(
            (name.text.as_str(), name.span.start, name.span.end),
            ("", after_dot, after_dot)
        );
    }

    #[test]
    fn a_comparison_without_its_right_operand_keeps_the_item_with_an_error() {
        use super::ast::{ExprKind, ItemData};
        for (text, operator) in [
            ("fn f(d: Declaration) -> Bool\n  = d.incoterm == \n", "=="),
            ("fn f(d: Declaration) -> Bool\n  = d.incoterm in\n", "in"),
        ] {
            let parsed = super::parser::parse_item(text, ItemKind::Function);
            let keys: Vec<&str> = parsed
                .errors
                .iter()
                .map(|error| error.message.key())
                .collect();
            assert_eq!(keys, ["syntax-error--operand-missing"], "{text}");
            let error = &parsed.errors[0];
            assert!(
                text[error.span.start as usize..error.span.end as usize].ends_with(operator),
                "{text}"
            );
            let ItemData::Function(function) = &parsed.item.data else {
                panic!("the function is kept: {:?}", parsed.item.data);
            };
            let right = match &function.body.kind {
                ExprKind::Compare(_, _, right) => right,
                ExprKind::In { collection, .. } => collection,
                other => panic!("{other:?}"),
            };
            let after = error.span.end;
            assert_eq!(
                (&right.kind, right.span.start, right.span.end),
                (&ExprKind::Name(String::new()), after, after),
                "{text}"
            );
        }
    }
}
