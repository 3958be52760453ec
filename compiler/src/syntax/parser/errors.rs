//! Syntax errors: what pest expected, said in the analyst's words, and bracket errors found
//! on tokens.

use super::*;

/// What an analyst should read for a grammar rule that pest expected.
/// The catalogue key of what a grammar rule stands for, in an "expected ..." message.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::coalesce
        | Rule::additive
        | Rule::multiplicative
        | Rule::power
        | Rule::unary
        | Rule::postfix
        | Rule::template_entry => "expected--expression",
        Rule::name | Rule::ident | Rule::any_ident => "expected--name",
        Rule::path | Rule::path_prefix | Rule::use_path => "expected--module-path-stdlib-customs",
        Rule::ref_id => "expected--identifier-cas-mass-01",
        Rule::code_name => "expected--code",
        Rule::string | Rule::string_lit => "expected--text-in-double-quotes",
        Rule::number | Rule::number_lit | Rule::signed_literal => "expected--number",
        Rule::date => "expected--date-2026-03-10",
        Rule::datetime => "expected--date-time-2026-03",
        Rule::clock_time => "expected--time-08-00",
        Rule::lang | Rule::lang_text | Rule::texts => "expected--language-tag-en-fr",
        Rule::type_expr | Rule::named_type | Rule::list_type | Rule::set_type => "expected--type",
        Rule::cmp_op => "expected--comparison",
        Rule::temporal_op
        | Rule::temporal_test
        | Rule::on_or_before
        | Rule::on_or_after
        | Rule::before_op
        | Rule::after_op => "expected--before-after-on-before",
        Rule::add_op => "expected--plus-or-minus",
        Rule::mul_op => "expected--mod",
        Rule::is_test => "expected--is-present-is-absent",
        Rule::in_test => "expected--in",
        Rule::field_access | Rule::path_field => "expected--field-name",
        Rule::quantity | Rule::unit => "expected--quantity-10-kg-22",
        Rule::weekday => "expected--day-week-monday",
        Rule::pattern | Rule::wildcard | Rule::cmp_pattern | Rule::between_pattern => {
            "expected--table-pattern"
        }
        Rule::table_row => "expected--table-row-starting-with",
        Rule::field_decl => "expected--field-gross-mass-mass",
        Rule::code_entry => "expected--code",
        Rule::param | Rule::params => "expected--parameter-list-code-tariccode",
        Rule::outcome
        | Rule::fails_outcome
        | Rule::passes_outcome
        | Rule::not_applicable_outcome
        | Rule::error_outcome => "expected--fails-passes-does-not",
        Rule::record_literal | Rule::record_field => "expected--record-field-value",
        Rule::given_value => "expected--record-literal-fixture-name",
        Rule::data_path => "expected--data-path-declaration-items",
        Rule::exempt => "expected--exempt-require",
        Rule::EOI => "expected--end-item",
        Rule::title_clause => "expected--title",
        Rule::version_clause => "expected--version",
        Rule::effective_clause => "expected--effective",
        Rule::source_decl | Rule::source_clause => "expected--source",
        Rule::input_decl => "expected--input",
        Rule::severity_clause => "expected--severity",
        Rule::category_clause => "expected--category",
        Rule::implements_clause => "expected--implements",
        Rule::cites_clause => "expected--cites",
        Rule::for_clause => "expected--for-every",
        Rule::let_clause => "expected--let",
        Rule::when_clause => "expected--when",
        Rule::require_clause => "expected--require",
        Rule::except_clause => "expected--except-when",
        Rule::message_clause => "expected--message",
        Rule::fix_clause => "expected--fix",
        Rule::as_of_clause => "expected--as-of",
        Rule::given_clause => "expected--given",
        Rule::with_clause => "expected--with",
        Rule::expect_clause => "expected--expect",
        Rule::policy_clause => "expected--policy",
        Rule::zone_clause => "expected--zone",
        Rule::open_clause => "expected--open",
        Rule::closed_clause => "expected--closed-on",
        Rule::refinement => "expected--matching-between",
        Rule::not_checkable_clause => "expected--not-machine-checkable-because",
        Rule::built_in_clause => "expected--built-in",
        Rule::starred => "expected--starred",
        Rule::holiday_entry => "expected--holiday-2026-01-01",
        Rule::optional_mark => "expected--optional-mark",
        _ => return None,
    })
}

fn describe_keyword(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::k_and => "`and`",
        Rule::k_or => "`or`",
        Rule::k_in => "`in`",
        Rule::k_satisfies => "`satisfies`",
        Rule::k_then => "`then`",
        Rule::k_else => "`else`",
        Rule::k_for => "`for`",
        Rule::k_every => "`every`",
        Rule::k_where => "`where`",
        Rule::k_of => "`of`",
        Rule::k_to => "`to`",
        Rule::k_from => "`from`",
        Rule::k_until => "`until`",
        Rule::k_when => "`when`",
        Rule::k_require => "`require`",
        Rule::k_times => "`times`",
        Rule::k_otherwise => "`otherwise`",
        Rule::k_other => "`other than`",
        _ => return None,
    })
}

/// An unclosed or unmatched bracket, found on tokens: pest only says where it gave up, which
/// is often far from the bracket at fault.
fn bracket_error(text: &str, offset: usize) -> Option<SyntaxError> {
    let mut open: Vec<(TokenKind, usize, usize)> = Vec::new();
    for token in tokenize(text) {
        let closing = match token.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => {
                open.push((token.kind, token.start, token.end));
                continue;
            }
            TokenKind::RParen => TokenKind::LParen,
            TokenKind::RBracket => TokenKind::LBracket,
            TokenKind::RBrace => TokenKind::LBrace,
            _ => continue,
        };
        match open.pop() {
            Some((kind, _, _)) if kind == closing => {}
            Some((_, start, end)) => {
                return Some(SyntaxError {
                    span: Span::new(offset + token.start, offset + token.end),
                    label: text!("label--mismatched-bracket"),
                    message: text!(
                        "syntax-error--does-not-close",
                        closer = &text[token.start..token.end],
                        opener = &text[start..end]
                    ),
                    help: Some(text!(
                        "help--still-open",
                        opener = &text[start..end],
                        offset = offset + start
                    )),
                });
            }
            None => {
                return Some(SyntaxError {
                    span: Span::new(offset + token.start, offset + token.end),
                    label: text!("label--unmatched"),
                    message: text!(
                        "syntax-error--closes-nothing",
                        closer = &text[token.start..token.end]
                    ),
                    help: Some(text!("help--remove-or-add-the-bracket")),
                });
            }
        }
    }
    open.pop().map(|(kind, start, end)| {
        let closer = match kind {
            TokenKind::LParen => ")",
            TokenKind::LBracket => "]",
            _ => "}",
        };
        SyntaxError {
            span: Span::new(offset + start, offset + end),
            label: text!("label--never-closed"),
            message: text!("syntax-error--never-closed", opener = &text[start..end]),
            help: Some(text!("help--add-the-closer", closer = closer)),
        }
    })
}

/// Turns a pest error into a message an analyst can act on: what was expected, what was found.
pub(super) fn syntax_error_from_pest(
    text: &str,
    offset: usize,
    error: &pest::error::Error<Rule>,
) -> SyntaxError {
    if let Some(bracket) = bracket_error(text, offset) {
        return bracket;
    }
    let position = match error.location {
        InputLocation::Pos(position) => position,
        InputLocation::Span((start, _)) => start,
    };
    let found = found_at(text, position);
    let span = Span::new(offset + found.start, offset + found.end);
    match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<Text> = Vec::new();
            for rule in positives {
                let description = match describe(*rule) {
                    Some(key) => Some(Text::new(key, Vec::new())),
                    None => describe_keyword(*rule)
                        .map(|keyword| text!("expected--keyword", keyword = keyword)),
                };
                if let Some(description) = description
                    && !expected.contains(&description)
                {
                    expected.push(description);
                }
            }
            let message = match (expected.as_slice(), found.text.is_empty()) {
                ([one], true) => Text::new(
                    "syntax-error--ends-too-early-expected",
                    vec![("expected", Arg::Texts(vec![one.clone()]))],
                ),
                (_, true) => text!("syntax-error--ends-too-early"),
                ([one], false) => Text::new(
                    "syntax-error--expected-found",
                    vec![
                        ("expected", Arg::Texts(vec![one.clone()])),
                        ("found", Arg::plain(&found.text)),
                    ],
                ),
                (_, false) => text!("syntax-error--unexpected", found = found.text),
            };
            let help = match (expected.len(), found.kind) {
                (_, Some(TokenKind::UnterminatedString)) => Some(text!("help--close-the-text")),
                (_, Some(TokenKind::Unknown)) => Some(text!("help--character-has-no-meaning")),
                (0 | 1, _) => None,
                (_, _) => {
                    let more = if expected.len() > 8 { ", …" } else { "" };
                    let shown: Vec<Text> = expected.into_iter().take(8).collect();
                    Some(Text::new(
                        "help--expected-one-of",
                        vec![("expected", Arg::Texts(shown)), ("more", Arg::plain(&more))],
                    ))
                }
            };
            SyntaxError {
                span,
                label: if found.text.is_empty() {
                    text!("label--the-item-ends-here")
                } else {
                    text!("label--unexpected-here")
                },
                message,
                help,
            }
        }
        ErrorVariant::CustomError { message } => SyntaxError {
            span,
            label: text!("label--here"),
            message: text!("syntax-error--grammar", message = message),
            help: None,
        },
    }
}

struct Found {
    start: usize,
    end: usize,
    text: String,
    kind: Option<TokenKind>,
}

/// The token that starts at (or covers) `position`, for "found `...`".
fn found_at(text: &str, position: usize) -> Found {
    let position = position.min(text.len());
    for token in tokenize(text) {
        if token.end <= position || token.kind == TokenKind::Newline {
            continue;
        }
        if token.kind == TokenKind::Comment || token.kind == TokenKind::DocComment {
            continue;
        }
        let start = token.start.max(position);
        let start = if token.start <= position {
            token.start
        } else {
            start
        };
        return Found {
            start,
            end: token.end,
            text: text[start..token.end].to_string(),
            kind: Some(token.kind),
        };
    }
    let end = text[..position].trim_end().len();
    Found {
        start: end,
        end,
        text: String::new(),
        kind: None,
    }
}
