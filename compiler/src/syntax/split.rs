//! Item boundaries, found on tokens rather than characters so that a keyword inside a string
//! or a comment never starts an item.

use super::ast::ItemKind;
use super::lexer::{Token, TokenKind, tokenize, tokens_from};

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
///
/// No token spans a line (strings and comments end at a newline), so a keyword at the start of
/// a line is a token there, and the file is cut by reading the first word of each line: a
/// keystroke costs a scan of the lines, not a lexing of the whole file. The tokens are lexed
/// only for the names after the keywords and for the text before the first item.
pub fn split_items(text: &str) -> Split {
    // (start with the doc lines above, kind, end of the keyword)
    let mut starts: Vec<(usize, ItemKind, usize)> = Vec::new();
    let mut doc_lines_start: Option<usize> = None;
    let mut line_start = 0usize;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let word = if bytes
            .first()
            .is_some_and(|first| first.is_ascii_alphabetic() || *first == b'_')
        {
            bytes
                .iter()
                .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
                .count()
        } else {
            0
        };
        match ItemKind::from_keyword(&line[..word]).filter(|_| word > 0) {
            Some(kind) => {
                starts.push((
                    doc_lines_start.take().unwrap_or(line_start),
                    kind,
                    line_start + word,
                ));
            }
            None if line.starts_with("///") => {
                doc_lines_start.get_or_insert(line_start);
            }
            None => doc_lines_start = None,
        }
        line_start += line.len();
    }

    let named = starts
        .into_iter()
        .map(|(start, kind, keyword_end)| {
            (
                start,
                kind,
                item_name(text, tokens_from(text, keyword_end), kind),
            )
        })
        .collect();
    split_at(text, named)
}

/// The split of `text` given where its items start (with the doc lines above), their kinds and
/// names: each item runs to the next, and what comes before the first is stray text.
fn split_at(text: &str, starts: Vec<(usize, ItemKind, String)>) -> Split {
    let mut split = Split::default();
    let first_start = starts.first().map_or(text.len(), |(start, _, _)| *start);
    let stray_tokens: Vec<Token> = tokenize(&text[..first_start])
        .into_iter()
        .filter(|token| !is_trivia(token.kind))
        .collect();
    if let (Some(first), Some(last)) = (stray_tokens.first(), stray_tokens.last()) {
        split.stray.push(StrayText {
            start: first.start,
            end: last.end,
        });
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|(next, _, _)| *next)
        .chain([text.len()])
        .collect();
    for ((start, kind, name), end) in starts.into_iter().zip(ends) {
        split.items.push(RawItem {
            kind,
            name,
            start,
            end,
        });
    }
    split
}

/// The name the item declares, read from the tokens after its keyword.
fn item_name(text: &str, after: impl Iterator<Item = Token>, kind: ItemKind) -> String {
    let mut tokens = after
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

fn join_adjacent(
    text: &str,
    first: Token,
    rest: impl Iterator<Item = Token>,
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

    /// Where items start and what they are named, found as it was written first, on the
    /// tokens of the whole file: the reference the line scan is compared with.
    fn split_by_tokens(text: &str) -> Split {
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
        let named = starts
            .into_iter()
            .map(|(start, kind, token_index)| {
                let after = tokens[token_index + 1..].iter().copied();
                (start, kind, item_name(text, after, kind))
            })
            .collect();
        split_at(text, named)
    }

    fn doc_block_start(text: &str, before: &[Token], keyword_start: usize) -> usize {
        let line_start_of = |offset: usize| text[..offset].rfind('\n').map_or(0, |index| index + 1);
        let mut start = keyword_start;
        let mut expect_newline = true;
        for token in before.iter().rev() {
            match token.kind {
                TokenKind::Newline if expect_newline => expect_newline = false,
                TokenKind::DocComment
                    if !expect_newline && line_start_of(token.start) == token.start =>
                {
                    start = token.start;
                    expect_newline = true;
                }
                _ => break,
            }
        }
        start
    }

    fn clr_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir()
                && name != "target"
                && name != "node_modules"
                && !name.to_string_lossy().starts_with('.')
            {
                clr_files(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "clr") {
                found.push(path);
            }
        }
    }

    #[test]
    fn the_line_scan_cuts_every_file_as_the_tokens_do() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        clr_files(&root, &mut files);
        assert!(files.len() >= 30, "{} rule files", files.len());
        let mut texts: Vec<String> = files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        // The edges: doc lines with and without a blank line, `////`, keywords glued to other
        // characters, CRLF, a keyword in a string on its own line, text before the first item.
        texts.extend(
            [
                "stray words\n\n/// a\n/// b\nrule R-1\n  require true\n",
                "/// a\n\nrule R-1\n//// four\nrecord A\n  x: Int\n",
                "rules x\nrule\n  R-2\nrecordé A\nrule_x\n\"rule x\"\n",
                "ruleset a.b\r\n  title en \"x\"\r\n/// d\r\nrule X-1\r\n  require true\r\n",
                "  /// indented\nexample \"one\"\n  given { x: \"\nrule in a string\" }\n",
                "",
                "\n\n// only a comment\n",
            ]
            .map(str::to_string),
        );
        for text in &texts {
            assert_eq!(split_items(text), split_by_tokens(text), "{text}");
        }
    }

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
