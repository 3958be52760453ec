//! From pest's parse tree to the syntax tree of one item.
//!
//! pest stops at its first error, so the file is never handed to it whole: [`super::split`]
//! cuts the file into items and each item is parsed here on its own. A failed item becomes
//! [`ItemData::Broken`] with one syntax error; the other items are unaffected. The builder is
//! split along the tree: `items.rs` (one method per item and clause), `expressions.rs` and
//! `errors.rs` (pest's errors turned into messages an analyst can act on).

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::ast::*;
use super::lexer::{TokenKind, tokenize};
use crate::diagnostics::{Arg, Text};

#[derive(pest_derive::Parser)]
#[grammar = "syntax/clearance.pest"]
struct ClearanceParser;

/// How deep expressions may nest: deep enough for any rule an analyst writes, shallow enough
/// that checking and evaluating them never exhausts a thread's stack. The parser refuses longer
/// chains of one operator; the checker, deeper nesting.
pub const MAX_NESTING: u32 = 96;

/// A syntax error inside one item, with a span relative to the item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub span: Span,
    pub message: Text,
    /// A few words under the span.
    pub label: Text,
    pub help: Option<Text>,
}

/// The result of parsing one item: always a tree, and the errors met on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemParse {
    pub item: Item,
    pub errors: Vec<SyntaxError>,
}

/// Parses one item's text. `kind` is what the token layer saw, used when the text is broken.
pub fn parse_item(text: &str, kind: ItemKind) -> ItemParse {
    let docs = leading_docs(text);
    match ClearanceParser::parse(Rule::item_entry, text) {
        Ok(mut pairs) => {
            let mut builder = Builder::new(text);
            let data = pairs
                .next()
                .and_then(|entry| entry.into_inner().next())
                .map(|pair| builder.item(pair))
                .unwrap_or(ItemData::Broken(kind));
            ItemParse {
                item: Item { docs, data },
                errors: builder.errors,
            }
        }
        Err(error) => ItemParse {
            item: Item {
                docs,
                data: ItemData::Broken(kind),
            },
            errors: vec![syntax_error_from_pest(text, 0, &error)],
        },
    }
}

/// Parses a standalone expression; used by tests and by the editor.
pub fn parse_expression(text: &str) -> Result<Expr, SyntaxError> {
    let mut builder = Builder::new(text);
    let expr = builder.template_expr(text, 0)?;
    match builder.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(expr),
    }
}

include!(concat!(env!("OUT_DIR"), "/keyword_rules.rs"));

/// The children of a pair, without the keyword tokens that only the grammar needs.
fn children(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|child| !KEYWORD_RULES.contains(&child.as_rule()))
        .collect()
}

struct Builder<'t> {
    text: &'t str,
    /// Start and end of every token of the item that is not whitespace or a comment.
    token_ends: Vec<(usize, usize)>,
    /// Added to pest positions: non-zero when parsing a template's expression.
    base: usize,
    errors: Vec<SyntaxError>,
}

/// Pulls the next child, which the grammar guarantees; a missing one means the grammar and this
/// builder disagree, which becomes a syntax error rather than a panic.
macro_rules! next_child {
    ($self:ident, $iter:ident, $span:expr) => {
        match $iter.next() {
            Some(pair) => pair,
            None => return Err($self.internal($span)),
        }
    };
}

type Built<T> = Result<T, SyntaxError>;

/// When less than this much stack is left, recursive descent continues on a new segment.
pub const STACK_RED_ZONE: usize = 128 * 1024;
pub const STACK_GROWTH: usize = 2 * 1024 * 1024;

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        let token_ends = tokenize(text)
            .into_iter()
            .filter(|token| {
                !matches!(
                    token.kind,
                    TokenKind::Newline | TokenKind::Comment | TokenKind::DocComment
                )
            })
            .map(|token| (token.start, token.end))
            .collect();
        Builder {
            text,
            token_ends,
            base: 0,
            errors: Vec::new(),
        }
    }

    /// The span of a pair, without the whitespace and comments pest counts into a rule that
    /// ends with a repetition.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        let (start, end) = (span.start(), span.end());
        let end = if self.base == 0 {
            let last = self
                .token_ends
                .partition_point(|&(token_start, token_end)| token_end <= end && token_start < end);
            match last.checked_sub(1).map(|index| self.token_ends[index]) {
                Some((token_start, token_end)) if token_start >= start => token_end,
                _ => start + pair.as_str().trim_end().len(),
            }
        } else {
            start + pair.as_str().trim_end().len()
        };
        Span::new(start + self.base, end.max(start) + self.base)
    }

    /// A chain of one operator longer than the checker's nesting limit: refused here, before a
    /// tree as deep as the chain is long is built (and compared, hashed and dropped).
    fn chain_too_long(&self, span: Span, operands: usize, operator: &str) -> SyntaxError {
        SyntaxError {
            span,
            label: text!("label--too-long"),
            message: text!(
                "syntax-error--chain-too-long",
                operator = operator,
                operands = operands,
                limit = MAX_NESTING
            ),
            help: Some(text!("help--split-the-chain")),
        }
    }

    fn internal(&self, span: Span) -> SyntaxError {
        SyntaxError {
            span,
            label: text!("label--here"),
            message: text!("syntax-error--item-could-not-be-read"),
            help: Some(text!("help--report-this-text")),
        }
    }

    /// The first part of `pair`, such as the one text of a `title` clause.
    fn first_child<'p>(&self, pair: Pair<'p, Rule>) -> Built<Pair<'p, Rule>> {
        let span = self.span(&pair);
        children(pair)
            .into_iter()
            .next()
            .ok_or_else(|| self.internal(span))
    }

    fn name(&self, pair: &Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    /// A `.` with no name after it: an empty name just after the dot, and an error.
    /// Reports something not written yet at `span` and gives the empty span just after it,
    /// where the name or value the analyst is about to type goes.
    fn not_written_yet(&mut self, span: Span, message: Text, label: Text, help: Text) -> Span {
        self.errors.push(SyntaxError {
            span,
            message,
            label,
            help: Some(help),
        });
        Span::new(span.end as usize, span.end as usize)
    }

    fn missing_field_name(&mut self, dot: Span) -> Name {
        let span = self.not_written_yet(
            dot,
            text!("syntax-error--field-name-missing"),
            text!("label--field-name-missing"),
            text!("help--write-field-name-after-dot"),
        );
        Name {
            text: String::new(),
            span,
        }
    }

    /// The right operand of a comparison or `in` not written yet: an empty name just after the
    /// operator, and a syntax error.
    fn missing_operand(&mut self, operator: Span) -> Expr {
        let span = self.not_written_yet(
            operator,
            text!("syntax-error--operand-missing"),
            text!("label--operand-missing"),
            text!("help--write-value-after-operator"),
        );
        Expr {
            kind: ExprKind::Name(String::new()),
            span,
        }
    }

    /// The value of a `with` not written yet: an empty name at the clause's end, and a syntax
    /// error.
    fn missing_value(&mut self, clause: Span) -> Expr {
        let span = self.not_written_yet(
            clause,
            text!("syntax-error--with-value-missing"),
            text!("label--with-value-missing"),
            text!("help--write-with-value"),
        );
        Expr {
            kind: ExprKind::Name(String::new()),
            span,
        }
    }

    fn raw(&self, pair: &Pair<'_, Rule>) -> RawLit {
        RawLit {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> StrLit {
        StrLit {
            value: unescape(pair.as_str()),
            span: self.span(pair),
        }
    }
}

fn unescape_char(ch: char) -> char {
    match ch {
        'n' => '\n',
        't' => '\t',
        other => other,
    }
}

/// Removes the quotes of a string literal and resolves its escapes.
pub fn unescape(raw: &str) -> String {
    let inner = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            if let Some(escaped) = chars.next() {
                out.push(unescape_char(escaped));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// The `///` lines at the top of an item's text.
fn leading_docs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .take_while(|line| line.starts_with("///"))
        .map(|line| line.trim_start_matches('/').trim().to_string())
        .collect()
}

/// The `///` lines right above the line that holds `offset`.
fn docs_before(text: &str, offset: usize) -> Vec<String> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |index| index + 1);
    let mut docs: Vec<String> = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|line| line.starts_with("///"))
        .map(|line| line.trim_start_matches('/').trim().to_string())
        .collect();
    docs.reverse();
    docs
}

mod errors;
mod expressions;
mod items;

use errors::syntax_error_from_pest;
