//! The canonical layout of a rule file, as `clearance fmt` and the editor's formatting write it.
//!
//! The formatter works on the token layer, like gofmt it keeps the author's line breaks and
//! decides everything else: one space between tokens where the language reads them apart and
//! none where it glues them (`a.b`, `f(x)`, `CAS-MASS-01`), two spaces before each clause of an
//! item, continuation lines aligned on what they continue (the operand after the clause
//! keyword, the first element after an open bracket, the `if` of a `then`), at most one blank
//! line in a row, no trailing spaces, one final newline. Comments stay where they are.
//!
//! Whitespace means nothing to the grammar except where an item starts (an item keyword in
//! column 0) and inside the few compound tokens the formatter never splits, so a layout cannot
//! change meaning by construction. The formatter checks it all the same: the file is parsed
//! again and its trees, spans aside, and its comments must equal the original's, or nothing is
//! written. A file that does not parse is refused: its layout is the author's to mend first.

use super::ast::ItemKind;
use super::lexer::{Token, TokenKind, tokenize};
use super::{FileSyntax, KEYWORDS, parse_file};
use crate::diagnostics::text::Text;

/// Why a file was left as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not parse; each error with its byte offset in the file.
    Syntax(Vec<(usize, Text)>),
    /// The formatted text would not mean what the original means: a formatter bug, reported
    /// rather than written.
    MeaningChanged,
}

/// Formats a whole file. Refuses a file with syntax errors, and checks that the result parses
/// to the same trees and keeps the same comments.
pub fn format_file(text: &str) -> Result<String, FormatError> {
    let original = parse_file(text);
    let errors = syntax_errors(&original);
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let formatted = layout(text);
    let reparsed = parse_file(&formatted);
    if !syntax_errors(&reparsed).is_empty()
        || shape(&original) != shape(&reparsed)
        || comments(text) != comments(&formatted)
    {
        return Err(FormatError::MeaningChanged);
    }
    Ok(formatted)
}

fn syntax_errors(syntax: &FileSyntax) -> Vec<(usize, Text)> {
    let mut errors: Vec<(usize, Text)> = syntax
        .stray
        .iter()
        .map(|stray| (stray.start, crate::text!("stray-text--text-part-any-item")))
        .collect();
    for item in &syntax.items {
        for error in &item.errors {
            errors.push((
                item.start + error.span.start as usize,
                error.message.clone(),
            ));
        }
    }
    errors
}

/// The file's trees with every span left out: what the formatter must not change.
fn shape(syntax: &FileSyntax) -> Vec<(ItemKind, String, String)> {
    syntax
        .items
        .iter()
        .map(|item| {
            (
                item.kind,
                item.name.clone(),
                without_spans(&format!("{:?}", item.item)),
            )
        })
        .collect()
}

/// Removes every `Span { start: .., end: .. }` from a tree's debug text.
fn without_spans(debug: &str) -> String {
    const OPENING: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(OPENING) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.find('}') {
            Some(close) => rest = &rest[close + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

fn comments(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|token| matches!(token.kind, TokenKind::Comment | TokenKind::DocComment))
        .map(|token| text[token.start..token.end].trim_end().to_string())
        .collect()
}

/// One line of the original: its tokens (no newline) and whether it starts in column 0.
struct Line {
    tokens: std::ops::Range<usize>,
    at_column_zero: bool,
    blank_lines_before: usize,
}

/// What a line inside an open bracket, or inside a clause, aligns on.
struct Frame {
    /// The bracket that closes this frame; `None` for the clause itself.
    close: Option<TokenKind>,
    /// The bracket ended its line: its contents are a block, indented one step.
    block: bool,
    /// The indentation of the line that opened the bracket.
    opener_indent: usize,
    /// The bracket's own column.
    bracket_column: usize,
    /// Where continuation lines go; `None` until the token after the bracket is placed.
    anchor: Option<usize>,
    /// The columns of the `if`s whose `else` has not come yet.
    ifs: Vec<usize>,
    /// Set by a `then` or `else` line: the lines after it align on its operand.
    branch_anchor: Option<usize>,
    /// The clause is an `except when` whose `require` or `exempt` has not started a line yet.
    open_exception: bool,
    /// The line above ended on an operator: this one continues it, whatever its first word.
    dangling: bool,
}

impl Frame {
    fn clause(anchor: usize) -> Frame {
        Frame {
            close: None,
            block: false,
            opener_indent: CLAUSE_INDENT,
            bracket_column: CLAUSE_INDENT,
            anchor: Some(anchor),
            ifs: Vec::new(),
            branch_anchor: None,
            open_exception: false,
            dangling: false,
        }
    }

    fn continuation(&self) -> usize {
        self.branch_anchor
            .or(self.anchor)
            .unwrap_or(self.opener_indent + STEP)
    }
}

const CLAUSE_INDENT: usize = 2;
const STEP: usize = 2;

/// Words that start a continuation, never a clause, at the start of a line.
const CONTINUING_WORDS: &[&str] = &[
    "and",
    "or",
    "then",
    "else",
    "otherwise",
    "in",
    "satisfies",
    "where",
    "mod",
    "is",
    "en",
    "fr",
    "also",
    "on",
    "before",
    "after",
    "other",
    "than",
    "at",
    "times",
    "time",
    "exempt",
];

/// Words that leave an expression unfinished at the end of a line.
const DANGLING_WORDS: &[&str] = &[
    "satisfies",
    "and",
    "or",
    "not",
    "then",
    "else",
    "where",
    "in",
    "otherwise",
    "require",
    "when",
    "if",
    "mod",
];

/// Words that lead a clause before its operand: continuation lines align after them.
const LEADING_WORDS: &[&str] = &[
    "title",
    "severity",
    "category",
    "implements",
    "cites",
    "effective",
    "for",
    "every",
    "when",
    "require",
    "except",
    "message",
    "fix",
    "given",
    "expect",
    "source",
    "input",
    "version",
    "default",
    "languages",
    "zone",
    "policy",
    "if",
];

struct Layout<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    /// Per token: a `{` or `}` of a record literal, spaced inside (`{ a: 1 }`).
    record_brace: Vec<bool>,
    /// Per token: glued to the next token as written (`CAS-MASS-01`).
    glued: Vec<bool>,
    /// Per token: a `-` that negates what follows.
    unary_minus: Vec<bool>,
}

/// Lays a file out. Total: any token sequence gets a layout; [`format_file`] decides whether
/// to keep it.
pub fn layout(text: &str) -> String {
    Layout::new(text).write()
}

/// A piece of source (a clause) on one line, spaced as the layout spaces it and without its
/// comments: how a clause is quoted in findings and traces, whatever its layout.
pub fn one_line(text: &str) -> String {
    let layout = Layout::new(text);
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<usize> = None;
    for (index, token) in layout.tokens.iter().enumerate() {
        if is_trivia(token.kind) {
            continue;
        }
        if let Some(previous) = previous
            && layout.space_between(previous, index)
        {
            out.push(' ');
        }
        out.push_str(&text[token.start..token.end]);
        previous = Some(index);
    }
    out
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

fn record_braces(tokens: &[Token]) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&index| !is_trivia(tokens[index].kind))
        .collect();
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (position, &index) in significant.iter().enumerate() {
        match tokens[index].kind {
            TokenKind::LBrace => {
                let next = significant.get(position + 1).map(|&i| tokens[i].kind);
                let after = significant.get(position + 2).map(|&i| tokens[i].kind);
                let record = next == Some(TokenKind::Ident) && after == Some(TokenKind::Colon);
                marks[index] = record;
                open.push((index, record));
            }
            TokenKind::RBrace => {
                if let Some((_, record)) = open.pop() {
                    marks[index] = record;
                }
            }
            _ => {}
        }
    }
    marks
}

fn is_trivia(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Newline | TokenKind::Comment | TokenKind::DocComment
    )
}

/// Per token: whether it is glued to the next one as written, inside a dashed identifier
/// (`CAS-MASS-01`, `TG-VEHICLE-48H`, where `48H` is a number and a name to the lexer) or a
/// code (`108C`).
fn glued_to_next(tokens: &[Token]) -> Vec<bool> {
    let word = |kind: TokenKind| matches!(kind, TokenKind::Ident | TokenKind::Number);
    let touching =
        |index: usize| index + 1 < tokens.len() && tokens[index].end == tokens[index + 1].start;
    // A number touching a name is one word as written: a code (`108C`), or a quantity
    // (`10kg`) that reads the same either way.
    let mut glued: Vec<bool> = (0..tokens.len())
        .map(|index| {
            touching(index)
                && tokens[index].kind == TokenKind::Number
                && tokens[index + 1].kind == TokenKind::Ident
        })
        .collect();
    for index in 1..tokens.len().saturating_sub(1) {
        let dash = tokens[index].kind == TokenKind::Minus
            && word(tokens[index - 1].kind)
            && word(tokens[index + 1].kind)
            && touching(index - 1)
            && touching(index);
        if dash {
            glued[index - 1] = true;
            glued[index] = true;
            // The rest of the identifier: `48H` after the last dash.
            let mut next = index + 1;
            while touching(next) && word(tokens[next + 1].kind) {
                glued[next] = true;
                next += 1;
            }
        }
    }
    glued
}

fn unary_minuses(text: &str, tokens: &[Token]) -> Vec<bool> {
    let mut marks = vec![false; tokens.len()];
    let mut previous: Option<usize> = None;
    let mut before_previous: Option<usize> = None;
    for (index, token) in tokens.iter().enumerate() {
        if is_trivia(token.kind) {
            continue;
        }
        if token.kind == TokenKind::Minus {
            marks[index] = match previous.map(|p| tokens[p]) {
                None => true,
                Some(prev) => match prev.kind {
                    TokenKind::Ident => {
                        let after_dot =
                            before_previous.is_some_and(|b| tokens[b].kind == TokenKind::Dot);
                        !after_dot && is_keyword(&text[prev.start..prev.end])
                    }
                    TokenKind::Number
                    | TokenKind::String
                    | TokenKind::Date
                    | TokenKind::DateTime
                    | TokenKind::Time
                    | TokenKind::RParen
                    | TokenKind::RBracket
                    | TokenKind::RBrace
                    | TokenKind::Question
                    | TokenKind::UnterminatedString
                    | TokenKind::Unknown => false,
                    _ => true,
                },
            };
        }
        before_previous = previous;
        previous = Some(index);
    }
    marks
}

impl Layout<'_> {
    fn new(text: &str) -> Layout<'_> {
        let tokens: Vec<Token> = tokenize(text);
        Layout {
            text,
            record_brace: record_braces(&tokens),
            glued: glued_to_next(&tokens),
            unary_minus: unary_minuses(text, &tokens),
            tokens,
        }
    }

    fn word(&self, index: usize) -> &str {
        let token = self.tokens[index];
        &self.text[token.start..token.end]
    }

    fn lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut line_start_offset = 0;
        let mut blank = 0;
        for (index, token) in self.tokens.iter().enumerate() {
            if token.kind != TokenKind::Newline {
                continue;
            }
            if start == index {
                blank += 1;
            } else {
                lines.push(Line {
                    tokens: start..index,
                    at_column_zero: self.tokens[start].start == line_start_offset,
                    blank_lines_before: blank,
                });
                blank = 0;
            }
            start = index + 1;
            line_start_offset = token.end;
        }
        if start < self.tokens.len() {
            lines.push(Line {
                tokens: start..self.tokens.len(),
                at_column_zero: self.tokens[start].start == line_start_offset,
                blank_lines_before: blank,
            });
        }
        lines
    }

    fn is_comment_line(&self, line: &Line) -> bool {
        line.tokens.clone().all(|index| {
            matches!(
                self.tokens[index].kind,
                TokenKind::Comment | TokenKind::DocComment
            )
        })
    }

    fn is_item_start(&self, line: &Line) -> bool {
        let first = line.tokens.start;
        line.at_column_zero
            && self.tokens[first].kind == TokenKind::Ident
            && ItemKind::from_keyword(self.word(first)).is_some()
    }

    /// Whether a line (at the clause level) continues the clause above rather than starting one.
    fn continues(&self, line: &Line) -> bool {
        let first = line.tokens.start;
        match self.tokens[first].kind {
            TokenKind::Ident => {
                let word = self.word(first);
                let next = (first + 1 < line.tokens.end).then(|| self.word(first + 1));
                CONTINUING_WORDS.contains(&word)
                    || (word == "not" && next != Some("machine"))
                    || (word == "for" && next.is_some_and(|next| next != "every"))
            }
            TokenKind::Number | TokenKind::Date | TokenKind::Pipe | TokenKind::Eq => false,
            _ => true,
        }
    }

    fn write(&self) -> String {
        let lines = self.lines();
        let mut out = String::with_capacity(self.text.len());
        let mut frames: Vec<Frame> = vec![Frame::clause(CLAUSE_INDENT)];
        let mut pending_comments: Vec<&Line> = Vec::new();
        let mut wrote_any = false;
        for line in &lines {
            if self.is_comment_line(line) {
                pending_comments.push(line);
                continue;
            }
            let (indent, clause_start) = self.indent(line, &mut frames);
            for comment in pending_comments.drain(..) {
                self.write_line(
                    &mut out,
                    comment,
                    (indent, false),
                    &mut Vec::new(),
                    &mut wrote_any,
                );
            }
            self.write_line(
                &mut out,
                line,
                (indent, clause_start),
                &mut frames,
                &mut wrote_any,
            );
        }
        for comment in pending_comments.drain(..) {
            self.write_line(
                &mut out,
                comment,
                (0, false),
                &mut Vec::new(),
                &mut wrote_any,
            );
        }
        out
    }

    /// The indentation of a code line, whether it starts a clause, and the frames reset for a
    /// new item or clause.
    fn indent(&self, line: &Line, frames: &mut Vec<Frame>) -> (usize, bool) {
        let first = line.tokens.start;
        let kind = self.tokens[first].kind;
        if self.is_item_start(line) {
            frames.clear();
            frames.push(Frame::clause(CLAUSE_INDENT));
            return (0, false);
        }
        let Some(top) = frames.last_mut() else {
            frames.push(Frame::clause(CLAUSE_INDENT));
            return (CLAUSE_INDENT, true);
        };
        if top.close.is_some() && top.close == Some(kind) {
            let indent = if top.block {
                top.opener_indent
            } else {
                top.bracket_column
            };
            return (indent, false);
        }
        let word = (kind == TokenKind::Ident).then(|| self.word(first));
        let branch = matches!(word, Some("then" | "else"));
        if top.close.is_none() && top.open_exception && matches!(word, Some("require" | "exempt")) {
            // The consequence of an exception, a step under its `except when`.
            frames.clear();
            frames.push(Frame::clause(CLAUSE_INDENT + 2 * STEP));
            return (CLAUSE_INDENT + STEP, true);
        }
        if top.close.is_some() || top.dangling || self.continues(line) {
            if branch && let Some(&column) = top.ifs.last() {
                return (column, false);
            }
            return (top.continuation(), false);
        }
        frames.clear();
        let mut clause = Frame::clause(CLAUSE_INDENT + STEP);
        clause.open_exception = word == Some("except");
        frames.push(clause);
        (CLAUSE_INDENT, true)
    }

    fn write_line(
        &self,
        out: &mut String,
        line: &Line,
        (indent, clause_start): (usize, bool),
        frames: &mut Vec<Frame>,
        wrote_any: &mut bool,
    ) {
        if *wrote_any && line.blank_lines_before > 0 {
            out.push('\n');
        }
        *wrote_any = true;
        let first = line.tokens.start;
        let last_code = line
            .tokens
            .clone()
            .rev()
            .find(|&index| !is_trivia(self.tokens[index].kind));
        let first_word = (self.tokens[first].kind == TokenKind::Ident).then(|| self.word(first));
        let branch_line = matches!(first_word, Some("then" | "else" | "where"));
        // Where this line's operand starts, for the clause or branch anchors.
        let mut operand_wanted = clause_start || branch_line;
        let skip_to_equals = clause_start && matches!(first_word, Some("let" | "with"));
        let mut seen_equals = false;

        let frames_at_start = frames.len();
        for frame in frames.iter_mut() {
            frame.dangling = false;
        }
        let mut column = indent;
        out.extend(std::iter::repeat_n(' ', indent));
        let mut previous: Option<usize> = None;
        let mut else_column: Option<usize> = None;
        for index in line.tokens.clone() {
            let token = self.tokens[index];
            let word = &self.text[token.start..token.end];
            if let Some(previous) = previous
                && self.space_between(previous, index)
            {
                out.push(' ');
                column += 1;
            }
            if let Some(top) = frames.last_mut()
                && top.close.is_some()
                && top.anchor.is_none()
            {
                top.anchor = Some(column);
            }
            if operand_wanted && !is_trivia(token.kind) {
                let leading = (skip_to_equals && !seen_equals)
                    || (branch_line && previous.is_none())
                    || token.kind == TokenKind::Eq
                    || (token.kind == TokenKind::Ident && LEADING_WORDS.contains(&word));
                if token.kind == TokenKind::Eq {
                    seen_equals = true;
                }
                if !leading {
                    operand_wanted = false;
                    if let Some(top) = frames.last_mut() {
                        if branch_line {
                            top.branch_anchor = Some(column);
                        } else {
                            top.anchor = Some(column);
                        }
                    }
                }
            }
            let after_dot = previous.is_some_and(|p| self.tokens[p].kind == TokenKind::Dot);
            match token.kind {
                TokenKind::Ident if word == "if" && !after_dot => {
                    // `else if` continues the chain: its `then` and `else` align on the first
                    // `if`, as the `else` does.
                    if let Some(top) = frames.last_mut() {
                        top.ifs.push(else_column.unwrap_or(column));
                    }
                }
                TokenKind::Ident if word == "else" && !after_dot => {
                    if let Some(top) = frames.last_mut() {
                        top.ifs.pop();
                    }
                }
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => {
                    let close = match token.kind {
                        TokenKind::LParen => TokenKind::RParen,
                        TokenKind::LBracket => TokenKind::RBracket,
                        _ => TokenKind::RBrace,
                    };
                    let block = last_code == Some(index);
                    frames.push(Frame {
                        close: Some(close),
                        block,
                        opener_indent: indent,
                        bracket_column: column,
                        anchor: block.then_some(indent + STEP),
                        ifs: Vec::new(),
                        branch_anchor: None,
                        open_exception: false,
                        dangling: false,
                    });
                }
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace
                    if frames.len() > 1
                        && frames.last().is_some_and(|f| f.close == Some(token.kind)) =>
                {
                    frames.pop();
                }
                _ => {}
            }
            else_column =
                (token.kind == TokenKind::Ident && word == "else" && !after_dot).then_some(column);
            let written = word.trim_end();
            out.push_str(written);
            column += written.chars().count();
            previous = Some(index);
        }
        if operand_wanted
            && !branch_line
            && let Some(top) = frames.first_mut()
        {
            top.anchor = Some(indent + STEP);
        }
        // A line that ends on an operator waits for its operand: the lines after it go one
        // step in (`satisfies` at the end of a line, its condition below).
        if let Some(last) = last_code
            && self.dangles(last)
            && frames.len() <= frames_at_start
            && let Some(top) = frames.last_mut()
        {
            top.branch_anchor = Some(indent + STEP);
            top.dangling = true;
        }
        if operand_wanted
            && branch_line
            && let Some(top) = frames.last_mut()
        {
            top.branch_anchor = Some(indent + STEP);
            top.dangling = true;
        }
        out.push('\n');
    }

    /// Whether a line that ends with this token leaves its expression unfinished.
    fn dangles(&self, index: usize) -> bool {
        use TokenKind as K;
        match self.tokens[index].kind {
            K::Ident => DANGLING_WORDS.contains(&self.word(index)),
            K::Eq
            | K::EqEq
            | K::NotEq
            | K::Lt
            | K::Gt
            | K::LtEq
            | K::GtEq
            | K::Plus
            | K::Minus
            | K::Star
            | K::Slash
            | K::Caret
            | K::FatArrow
            | K::Arrow => true,
            _ => false,
        }
    }

    /// Whether two tokens written on one line take a space between them.
    fn space_between(&self, previous: usize, current: usize) -> bool {
        use TokenKind as K;
        let prev = self.tokens[previous].kind;
        let cur = self.tokens[current].kind;
        if matches!(cur, K::Comment | K::DocComment) {
            return true;
        }
        if prev == K::Dot || cur == K::Dot || cur == K::Question {
            return false;
        }
        if matches!(cur, K::Comma | K::RParen | K::RBracket | K::Colon)
            || matches!(prev, K::LParen | K::LBracket)
        {
            return false;
        }
        if cur == K::RBrace {
            return self.record_brace[current];
        }
        if prev == K::LBrace {
            return self.record_brace[previous];
        }
        let plain_name = prev == K::Ident && !is_keyword(self.word(previous));
        if cur == K::LParen {
            return !plain_name;
        }
        if cur == K::LBracket {
            return !(plain_name || prev == K::RBracket);
        }
        if self.glued[previous] && previous + 1 == current {
            return false;
        }
        if prev == K::Minus && self.unary_minus[previous] {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> String {
        match format_file(text) {
            Ok(formatted) => formatted,
            Err(error) => format!("refused: {error:?}"),
        }
    }

    #[test]
    fn spacing_and_clause_indentation_are_canonical() {
        let text = "rule  CAS-MASS-01\n title en  \"t\" fr \"t\"\n      implements CAS-MASS-01\n  for every item in declaration .items\n  when item.gross_mass is present and item.gross_mass>0 kg\n         and f( item.a ,item.b )\n  require item.gross_mass >= -1 kg\n";
        assert_eq!(
            formatted(text),
            "rule CAS-MASS-01\n  title en \"t\" fr \"t\"\n  implements CAS-MASS-01\n  for every item in declaration.items\n  when item.gross_mass is present and item.gross_mass > 0 kg\n       and f(item.a, item.b)\n  require item.gross_mass >= -1 kg\n"
        );
    }

    #[test]
    fn brackets_align_or_indent_as_blocks() {
        let text = "fixture f = {\n      declaration: { a: [1,\n 2],\n      b: {x, y} }\n}\n";
        assert_eq!(
            formatted(text),
            "fixture f = {\n  declaration: { a: [1,\n                     2],\n                 b: {x, y} }\n}\n"
        );
    }

    #[test]
    fn then_and_else_align_on_their_if() {
        let text = "fn f(x: Number) -> Number\n  = if x > 1\n  then 1\n  else 2\n  and 3\n";
        assert_eq!(
            formatted(text),
            "fn f(x: Number) -> Number\n  = if x > 1\n    then 1\n    else 2\n         and 3\n"
        );
    }

    #[test]
    fn comments_and_blank_lines_are_kept_and_collapsed() {
        let text = "\n\n// head\nrecord R   \n   /// the a\n   a: Text // trailing   \n\n\n\n  b: Text\n// tail\n";
        assert_eq!(
            formatted(text),
            "// head\nrecord R\n  /// the a\n  a: Text // trailing\n\n  b: Text\n// tail\n"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        assert!(matches!(
            format_file("rule X\n  require (\n"),
            Err(FormatError::Syntax(errors)) if !errors.is_empty()
        ));
    }

    #[test]
    fn formatting_is_idempotent() {
        let text = "use stdlib.customs.{ A,B }\nconst s = {FAS,\nFOB}\n";
        let once = formatted(text);
        assert_eq!(
            once,
            "use stdlib.customs.{A, B}\nconst s = {FAS,\n           FOB}\n"
        );
        assert_eq!(formatted(&once), once);
    }
}
