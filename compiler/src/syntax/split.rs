//! Item boundaries, found on tokens rather than characters so that a keyword inside a string
//! or a comment never starts an item.

use super::ast::ItemKind;
use super::lexer::{Token, TokenKind, tokenize};

/// One item's extent in the file, its kind and its name as the token layer sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawItem {
    pub kind: ItemKind,
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// Text that belongs to no item (before the first item keyword).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrayText {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    pub items: Vec<RawItem>,
    pub stray: Vec<StrayText>,
}

fn is_trivia(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Newline | TokenKind::Comment | TokenKind::DocComment
    )
}

/// Cuts a file into items. An item starts at an item keyword in column 0, together with the
/// `///` lines right above it, and runs to the next item.
pub fn split_items(text: &str) -> Split {
    let tokens = tokenize(text);
    let mut starts: Vec<(usize, ItemKind, usize)> = Vec::new();
    let mut line_start = 0usize;
    for (index, token) in tokens.iter().enumerate() {
        if token.kind == TokenKind::Newline {
            line_start = token.end;
            continue;
        }
        if token.start != line_start || token.kind != TokenKind::Ident {
            continue;
        }
        if let Some(kind) = ItemKind::from_keyword(&text[token.start..token.end]) {
            let start = doc_block_start(text, &tokens[..index], token.start);
            starts.push((start, kind, index));
        }
    }

    let mut split = Split::default();
    let first_start = starts.first().map_or(text.len(), |(start, _, _)| *start);
    let stray_tokens: Vec<&Token> = tokens
        .iter()
        .filter(|token| token.end <= first_start && !is_trivia(token.kind))
        .collect();
    if let (Some(first), Some(last)) = (stray_tokens.first(), stray_tokens.last()) {
        split.stray.push(StrayText {
            start: first.start,
            end: last.end,
        });
    }
    for (position, (start, kind, token_index)) in starts.iter().enumerate() {
        let end = starts
            .get(position + 1)
            .map_or(text.len(), |(next, _, _)| *next);
        split.items.push(RawItem {
            kind: *kind,
            name: item_name(text, &tokens[token_index + 1..], *kind),
            start: *start,
            end,
        });
    }
    split
}

/// Moves an item's start up over the `///` lines just above it.
fn doc_block_start(text: &str, before: &[Token], keyword_start: usize) -> usize {
    let mut start = keyword_start;
    let mut expect_newline = true;
    for token in before.iter().rev() {
        match token.kind {
            TokenKind::Newline if expect_newline => expect_newline = false,
            TokenKind::DocComment
                if !expect_newline && line_start_of(text, token.start) == token.start =>
            {
                start = token.start;
                expect_newline = true;
            }
            _ => break,
        }
    }
    start
}

fn line_start_of(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |index| index + 1)
}

/// The name the item declares, read from the tokens after its keyword.
fn item_name(text: &str, after: &[Token], kind: ItemKind) -> String {
    let mut tokens = after
        .iter()
        .filter(|token| token.kind != TokenKind::Comment)
        .skip_while(|token| token.kind == TokenKind::Newline)
        .peekable();
    let Some(first) = tokens.next() else {
        return String::new();
    };
    match kind {
        ItemKind::Example => {
            if first.kind == TokenKind::String {
                super::parser::unescape(&text[first.start..first.end])
            } else {
                String::new()
            }
        }
        ItemKind::Rule | ItemKind::Requirement => join_adjacent(text, first, tokens, |kind| {
            matches!(
                kind,
                TokenKind::Ident | TokenKind::Number | TokenKind::Minus
            )
        }),
        ItemKind::Ruleset | ItemKind::Module | ItemKind::Use => {
            let name = join_adjacent(text, first, tokens, |kind| {
                matches!(kind, TokenKind::Ident | TokenKind::Dot | TokenKind::Star)
            });
            name.trim_end_matches('.').to_string()
        }
        _ => {
            if first.kind == TokenKind::Ident {
                text[first.start..first.end].to_string()
            } else {
                String::new()
            }
        }
    }
}

fn join_adjacent<'a>(
    text: &str,
    first: &Token,
    rest: impl Iterator<Item = &'a Token>,
    accept: impl Fn(TokenKind) -> bool,
) -> String {
    if !accept(first.kind) {
        return String::new();
    }
    let mut end = first.end;
    for token in rest {
        if token.start != end || !accept(token.kind) {
            break;
        }
        end = token.end;
    }
    text[first.start..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(ItemKind, String)> {
        split_items(text)
            .items
            .into_iter()
            .map(|item| (item.kind, item.name))
            .collect()
    }

    #[test]
    fn items_start_at_column_zero_keywords() {
        let text = "module a.b\n\n/// The mass rule.\nrule CAS-MASS-01\n  title en \"rule x\"\n  require true\nrecord Item\n  type: Text\n";
        assert_eq!(
            names(text),
            vec![
                (ItemKind::Module, "a.b".to_string()),
                (ItemKind::Rule, "CAS-MASS-01".to_string()),
                (ItemKind::Record, "Item".to_string()),
            ]
        );
        let split = split_items(text);
        assert_eq!(&text[split.items[1].start..split.items[1].start + 3], "///");
    }

    #[test]
    fn keywords_in_strings_do_not_start_items() {
        let text = "example \"one\"\n  expect X passes\nexample \"rule two\"\n";
        assert_eq!(
            names(text),
            vec![
                (ItemKind::Example, "one".to_string()),
                (ItemKind::Example, "rule two".to_string()),
            ]
        );
    }

    #[test]
    fn text_before_the_first_item_is_stray() {
        let split = split_items("oops\nmodule m\n");
        assert_eq!(split.stray, vec![StrayText { start: 0, end: 4 }]);
    }

    #[test]
    fn use_items_are_named_by_their_path() {
        assert_eq!(
            names("use stdlib.customs.{A, B}\nuse stdlib.units.*\n"),
            vec![
                (ItemKind::Use, "stdlib.customs".to_string()),
                (ItemKind::Use, "stdlib.units.*".to_string()),
            ]
        );
    }
}
