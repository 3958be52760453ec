//! The token layer: a logos lexer over the whole file.
//!
//! The pest grammar parses one item at a time; this layer finds where items begin, so that a
//! syntax error in one rule costs that rule and not the file. The same tokens serve the
//! formatter and the editor's semantic highlighting, which need comments and exact positions.

use logos::Logos;

/// One token kind. Keywords are identifiers here, because the language keeps most keywords
/// contextual (a field may be called `from`); the grammar lists them ([`super::KEYWORDS`]).
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\f]+")]
pub enum TokenKind {
    #[token("\n")]
    Newline,
    #[regex(r"///[^\n]*", priority = 5, allow_greedy = true)]
    DocComment,
    #[regex(r"//[^\n]*", priority = 4, allow_greedy = true)]
    Comment,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    String,
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, priority = 1)]
    UnterminatedString,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?(\[[^\]\n]+\])?")]
    DateTime,
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    Date,
    #[regex(r"[0-9]{2}:[0-9]{2}")]
    Time,
    #[regex(r"[0-9]+(\.[0-9]+)?")]
    Number,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[token("=>")]
    FatArrow,
    #[token("->")]
    Arrow,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<=")]
    LtEq,
    #[token(">=")]
    GtEq,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("=")]
    Eq,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("^")]
    Caret,
    #[token("?")]
    Question,
    #[token(".")]
    Dot,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token("|")]
    Pipe,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    /// A character that starts no token; the parser reports it.
    Unknown,
}

/// One token with its byte range in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Lexes a whole file. Never fails: characters that start no token become [`TokenKind::Unknown`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut lexer = TokenKind::lexer(text);
    let mut tokens = Vec::new();
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        let kind = result.unwrap_or(TokenKind::Unknown);
        tokens.push(Token {
            kind,
            start: span.start,
            end: span.end,
        });
    }
    tokens
}

/// The tokens of `text` from `from` (a token boundary) on, lexed as they are read, with
/// offsets in `text`.
pub fn tokens_from(text: &str, from: usize) -> impl Iterator<Item = Token> + '_ {
    let mut lexer = TokenKind::lexer(text.get(from..).unwrap_or(""));
    std::iter::from_fn(move || {
        let result = lexer.next()?;
        let span = lexer.span();
        Some(Token {
            kind: result.unwrap_or(TokenKind::Unknown),
            start: from + span.start,
            end: from + span.end,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn doc_comments_win_over_comments() {
        assert_eq!(
            kinds("/// doc\n// plain\n"),
            vec![
                TokenKind::DocComment,
                TokenKind::Newline,
                TokenKind::Comment,
                TokenKind::Newline
            ]
        );
    }

    #[test]
    fn dates_times_and_numbers_are_distinct() {
        assert_eq!(
            kinds("2026-03-10 2026-03-10T10:00:01+01:00 08:00 22.00"),
            vec![
                TokenKind::Date,
                TokenKind::DateTime,
                TokenKind::Time,
                TokenKind::Number
            ]
        );
    }

    #[test]
    fn an_unterminated_string_stops_at_the_line_end() {
        assert_eq!(
            kinds("\"abc\nrule"),
            vec![
                TokenKind::UnterminatedString,
                TokenKind::Newline,
                TokenKind::Ident
            ]
        );
    }

    #[test]
    fn unknown_characters_become_unknown_tokens() {
        assert_eq!(
            kinds("a § b"),
            vec![TokenKind::Ident, TokenKind::Unknown, TokenKind::Ident]
        );
    }
}
