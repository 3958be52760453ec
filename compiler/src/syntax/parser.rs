//! From pest's parse tree to the syntax tree of one item.
//!
//! pest stops at its first error, so the file is never handed to it whole: [`super::split`]
//! cuts the file into items and each item is parsed here on its own. A failed item becomes
//! [`ItemData::Broken`] with one syntax error; the other items are unaffected.

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

    fn name(&self, pair: &Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
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

    fn item(&mut self, pair: Pair<'_, Rule>) -> ItemData {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::ruleset_item => ItemKind::Ruleset,
            Rule::module_item => ItemKind::Module,
            Rule::use_item => ItemKind::Use,
            Rule::requirement_item => ItemKind::Requirement,
            Rule::record_item => ItemKind::Record,
            Rule::codelist_item => ItemKind::Codelist,
            Rule::type_item => ItemKind::TypeAlias,
            Rule::const_item => ItemKind::Const,
            Rule::table_item => ItemKind::Table,
            Rule::fn_item => ItemKind::Function,
            Rule::rule_item => ItemKind::Rule,
            Rule::example_item => ItemKind::Example,
            Rule::fixture_item => ItemKind::Fixture,
            Rule::holidays_item => ItemKind::Holidays,
            _ => ItemKind::Calendar,
        };
        let built = match pair.as_rule() {
            Rule::ruleset_item => self.header(pair, true).map(ItemData::Header),
            Rule::module_item => self.header(pair, false).map(ItemData::Header),
            Rule::use_item => self.use_item(pair).map(ItemData::Use),
            Rule::requirement_item => self.requirement(pair).map(ItemData::Requirement),
            Rule::record_item => self.record(pair).map(ItemData::Record),
            Rule::codelist_item => self.codelist(pair).map(ItemData::Codelist),
            Rule::type_item => self.type_alias(pair).map(ItemData::TypeAlias),
            Rule::const_item => self.const_item(pair).map(ItemData::Const),
            Rule::table_item => self.table(pair).map(ItemData::Table),
            Rule::fn_item => self.function(pair).map(ItemData::Function),
            Rule::rule_item => self.rule(pair).map(ItemData::Rule),
            Rule::example_item => self.example(pair).map(ItemData::Example),
            Rule::fixture_item => self.fixture(pair).map(ItemData::Fixture),
            Rule::holidays_item => self.holidays(pair).map(ItemData::Holidays),
            Rule::calendar_item => self.calendar(pair).map(ItemData::Calendar),
            _ => Err(self.internal(span)),
        };
        match built {
            Ok(data) => data,
            Err(error) => {
                self.errors.push(error);
                ItemData::Broken(kind)
            }
        }
    }

    fn texts(&mut self, pair: Pair<'_, Rule>) -> Built<Texts> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        for lang_text in children(pair) {
            let entry_span = self.span(&lang_text);
            let mut parts = children(lang_text).into_iter();
            let lang_pair = next_child!(self, parts, entry_span);
            let string_pair = next_child!(self, parts, entry_span);
            let lang = if lang_pair.as_str() == "fr" {
                Lang::Fr
            } else {
                Lang::En
            };
            let template = self.template(&string_pair);
            entries.push(LangText {
                lang,
                parts: template,
                span: entry_span,
            });
        }
        Ok(Texts { entries, span })
    }

    /// Splits a string literal into text and `{expression}` parts.
    fn template(&mut self, pair: &Pair<'_, Rule>) -> Vec<TemplatePart> {
        let raw = pair.as_str();
        let start = pair.as_span().start() + self.base;
        let inner = &raw[1..raw.len().saturating_sub(1)];
        let inner_start = start + 1;
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = inner.char_indices().peekable();
        while let Some((index, ch)) = chars.next() {
            match ch {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        literal.push(unescape_char(escaped));
                    }
                }
                '{' => {
                    let mut depth = 1;
                    let mut end = None;
                    for (inner_index, inner_ch) in chars.by_ref() {
                        match inner_ch {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(inner_index);
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    let Some(end) = end else {
                        self.errors.push(SyntaxError {
                            span: Span::new(inner_start + index, inner_start + inner.len()),
                            label: text!("label--unclosed-interpolation"),
                            message: text!("syntax-error--unclosed-interpolation"),
                            help: Some(text!("help--close-the-interpolation")),
                        });
                        literal.push_str(&inner[index..]);
                        break;
                    };
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
                    }
                    let source = &inner[index + 1..end];
                    match self.template_expr(source, inner_start + index + 1) {
                        Ok(expr) => parts.push(TemplatePart::Expr(expr)),
                        Err(error) => self.errors.push(error),
                    }
                }
                _ => literal.push(ch),
            }
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Text(literal));
        }
        parts
    }

    fn template_expr(&mut self, source: &str, offset: usize) -> Built<Expr> {
        match ClearanceParser::parse(Rule::template_entry, source) {
            Ok(mut pairs) => {
                let saved_base = self.base;
                self.base = offset;
                let entry_span = Span::new(offset, offset + source.len());
                let result = match pairs.next().and_then(|entry| entry.into_inner().next()) {
                    Some(expr) => self.expr(expr),
                    None => Err(self.internal(entry_span)),
                };
                self.base = saved_base;
                result
            }
            Err(error) => Err(syntax_error_from_pest(source, offset, &error)),
        }
    }

    fn effective(&mut self, pair: Pair<'_, Rule>) -> Effective {
        let span = self.span(&pair);
        let mut from = None;
        let mut until = None;
        let mut saw_until = false;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::k_until => saw_until = true,
                Rule::date if saw_until => until = Some(self.raw(&child)),
                Rule::date => from = Some(self.raw(&child)),
                _ => {}
            }
        }
        Effective { from, until, span }
    }

    fn cite(&mut self, pair: Pair<'_, Rule>) -> Built<Cite> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let source = next_child!(self, parts, span);
        let quote = next_child!(self, parts, span);
        Ok(Cite {
            source: self.name(&source),
            quote: self.string(&quote),
            span,
        })
    }

    fn header(&mut self, pair: Pair<'_, Rule>, is_ruleset: bool) -> Built<HeaderItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut header = HeaderItem {
            is_ruleset,
            name,
            title: None,
            version: None,
            effective: None,
            zone: None,
            default_severity: None,
            default_category: None,
            languages: None,
            sources: Vec::new(),
            inputs: Vec::new(),
        };
        for clause in parts {
            let clause_span = self.span(&clause);
            match clause.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(clause).into_iter();
                    header.title = Some(self.texts(next_child!(self, inner, clause_span))?);
                }
                Rule::version_clause => {
                    let mut inner = children(clause).into_iter();
                    header.version = Some(self.string(&next_child!(self, inner, clause_span)));
                }
                Rule::effective_clause => header.effective = Some(self.effective(clause)),
                Rule::zone_clause => {
                    let mut inner = children(clause).into_iter();
                    header.zone = Some(self.string(&next_child!(self, inner, clause_span)));
                }
                Rule::default_clause => {
                    let mut inner = children(clause).into_iter();
                    let default = next_child!(self, inner, clause_span);
                    let is_severity = default.as_rule() == Rule::severity_clause;
                    let mut parts = children(default).into_iter();
                    let name = self.name(&next_child!(self, parts, clause_span));
                    if is_severity {
                        header.default_severity = Some(name);
                    } else {
                        header.default_category = Some(name);
                    }
                }
                Rule::languages_clause => {
                    header.languages = Some(
                        children(clause)
                            .iter()
                            .map(|lang| {
                                if lang.as_str() == "fr" {
                                    Lang::Fr
                                } else {
                                    Lang::En
                                }
                            })
                            .collect(),
                    );
                }
                Rule::source_decl => {
                    let mut inner = children(clause).into_iter();
                    let id = self.name(&next_child!(self, inner, clause_span));
                    let title = self.string(&next_child!(self, inner, clause_span));
                    let url = inner.next().map(|url| self.string(&url));
                    header.sources.push(SourceDecl { id, title, url });
                }
                Rule::input_decl => {
                    let mut inner = children(clause).into_iter();
                    let name = self.name(&next_child!(self, inner, clause_span));
                    let ty = self.type_expr(next_child!(self, inner, clause_span))?;
                    header.inputs.push(InputDecl { name, ty });
                }
                _ => return Err(self.internal(clause_span)),
            }
        }
        Ok(header)
    }

    fn use_item(&mut self, pair: Pair<'_, Rule>) -> Built<UseItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let use_path = next_child!(self, parts, span);
        let mut inner = use_path.into_inner();
        let module = self.name(&next_child!(self, inner, span));
        let list = next_child!(self, inner, span);
        let names = match list.as_rule() {
            Rule::use_all => None,
            _ => Some(list.into_inner().map(|name| self.name(&name)).collect()),
        };
        Ok(UseItem { module, names })
    }

    fn requirement(&mut self, pair: Pair<'_, Rule>) -> Built<RequirementItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let id = self.name(&next_child!(self, parts, span));
        let mut requirement = RequirementItem {
            id,
            title: None,
            cites: Vec::new(),
            not_checkable: None,
            built_in: None,
            starred: false,
        };
        for clause in parts {
            let clause_span = self.span(&clause);
            match clause.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(clause).into_iter();
                    requirement.title = Some(self.texts(next_child!(self, inner, clause_span))?);
                }
                Rule::cites_clause => requirement.cites.push(self.cite(clause)?),
                Rule::not_checkable_clause => {
                    let mut inner = children(clause).into_iter();
                    requirement.not_checkable =
                        Some(self.string(&next_child!(self, inner, clause_span)));
                }
                Rule::built_in_clause => {
                    let mut inner = children(clause).into_iter();
                    requirement.built_in =
                        Some(self.string(&next_child!(self, inner, clause_span)));
                }
                Rule::starred => requirement.starred = true,
                _ => return Err(self.internal(clause_span)),
            }
        }
        Ok(requirement)
    }

    fn record(&mut self, pair: Pair<'_, Rule>) -> Built<RecordItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut record = RecordItem {
            name,
            title: None,
            fields: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(part).into_iter();
                    record.title = Some(self.texts(next_child!(self, inner, part_span))?);
                }
                Rule::field_decl => {
                    let docs = docs_before(self.text, part_span.start as usize);
                    let mut inner = children(part).into_iter();
                    let name = self.name(&next_child!(self, inner, part_span));
                    let ty = self.type_expr(next_child!(self, inner, part_span))?;
                    record.fields.push(FieldDecl { docs, name, ty });
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(record)
    }

    fn codelist(&mut self, pair: Pair<'_, Rule>) -> Built<CodelistItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut codelist = CodelistItem {
            name,
            title: None,
            source: None,
            open: None,
            entries: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(part).into_iter();
                    codelist.title = Some(self.texts(next_child!(self, inner, part_span))?);
                }
                Rule::source_clause => {
                    let mut inner = children(part).into_iter();
                    codelist.source = Some(self.string(&next_child!(self, inner, part_span)));
                }
                Rule::open_codes => {
                    let mut inner = children(part).into_iter();
                    codelist.open = Some(self.string(&next_child!(self, inner, part_span)));
                }
                Rule::code_entry => {
                    let docs = docs_before(self.text, part_span.start as usize);
                    let mut inner = children(part).into_iter();
                    let name = self.name(&next_child!(self, inner, part_span));
                    let mut external = None;
                    let mut aliases = Vec::new();
                    let mut labels = None;
                    for rest in inner {
                        match rest.as_rule() {
                            Rule::string => external = Some(self.string(&rest)),
                            Rule::code_aliases => {
                                aliases = children(rest)
                                    .iter()
                                    .map(|alias| self.string(alias))
                                    .collect();
                            }
                            _ => labels = Some(self.texts(rest)?),
                        }
                    }
                    codelist.entries.push(CodeEntry {
                        docs,
                        name,
                        external,
                        aliases,
                        labels,
                    });
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(codelist)
    }

    fn type_alias(&mut self, pair: Pair<'_, Rule>) -> Built<TypeAliasItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let ty = self.type_expr(next_child!(self, parts, span))?;
        let mut alias = TypeAliasItem {
            name,
            ty,
            refinement: None,
            title: None,
        };
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::refinement => {
                    let inner = children(part);
                    alias.refinement = Some(match inner.as_slice() {
                        [pattern] => Refinement::Matching(self.string(pattern)),
                        [low, high] => Refinement::Between(self.raw(low), self.raw(high)),
                        _ => return Err(self.internal(part_span)),
                    });
                }
                Rule::title_clause => {
                    let mut inner = children(part).into_iter();
                    alias.title = Some(self.texts(next_child!(self, inner, part_span))?);
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(alias)
    }

    fn const_item(&mut self, pair: Pair<'_, Rule>) -> Built<ConstItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut ty = None;
        let mut value = None;
        for part in parts {
            match part.as_rule() {
                Rule::type_expr => ty = Some(self.type_expr(part)?),
                Rule::data_source => {
                    let string = children(part)
                        .into_iter()
                        .next()
                        .ok_or_else(|| self.internal(span))?;
                    value = Some(ConstValue::Data(self.string(&string)));
                }
                _ => value = Some(ConstValue::Expr(self.expr(part)?)),
            }
        }
        match value {
            Some(value) => Ok(ConstItem { name, ty, value }),
            None => Err(self.internal(span)),
        }
    }

    fn params(&mut self, pair: Pair<'_, Rule>) -> Built<Vec<Param>> {
        let mut params = Vec::new();
        for param in children(pair) {
            let span = self.span(&param);
            let mut inner = children(param).into_iter();
            let name = self.name(&next_child!(self, inner, span));
            let ty = self.type_expr(next_child!(self, inner, span))?;
            params.push(Param { name, ty });
        }
        Ok(params)
    }

    fn table(&mut self, pair: Pair<'_, Rule>) -> Built<TableItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let params = self.params(next_child!(self, parts, span))?;
        let result = self.type_expr(next_child!(self, parts, span))?;
        let mut table = TableItem {
            name,
            params,
            result,
            title: None,
            source: None,
            policy: None,
            rows: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(part).into_iter();
                    table.title = Some(self.texts(next_child!(self, inner, part_span))?);
                }
                Rule::source_clause => {
                    let mut inner = children(part).into_iter();
                    table.source = Some(self.string(&next_child!(self, inner, part_span)));
                }
                Rule::policy_clause => {
                    let mut inner = children(part).into_iter();
                    table.policy = Some(self.name(&next_child!(self, inner, part_span)));
                }
                Rule::table_row => {
                    let mut patterns = Vec::new();
                    let mut value = None;
                    for child in children(part) {
                        match child.as_rule() {
                            Rule::pattern => patterns.push(self.pattern(child)?),
                            _ => value = Some(self.expr(child)?),
                        }
                    }
                    let Some(value) = value else {
                        return Err(self.internal(part_span));
                    };
                    table.rows.push(TableRow {
                        patterns,
                        value,
                        span: part_span,
                    });
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(table)
    }

    fn pattern(&mut self, pair: Pair<'_, Rule>) -> Built<Pattern> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let child = next_child!(self, inner, span);
        let kind = match child.as_rule() {
            Rule::wildcard => PatternKind::Wildcard,
            Rule::cmp_pattern => {
                let mut parts = children(child).into_iter();
                let op = cmp_op(next_child!(self, parts, span).as_str());
                let operand = self.expr(next_child!(self, parts, span))?;
                PatternKind::Compare(op, operand)
            }
            Rule::between_pattern => {
                let mut parts = children(child).into_iter();
                let low = self.expr(next_child!(self, parts, span))?;
                let high = self.expr(next_child!(self, parts, span))?;
                PatternKind::Between(low, high)
            }
            _ => PatternKind::Value(self.expr(child)?),
        };
        Ok(Pattern { kind, span })
    }

    fn function(&mut self, pair: Pair<'_, Rule>) -> Built<FunctionItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let params = self.params(next_child!(self, parts, span))?;
        let result = self.type_expr(next_child!(self, parts, span))?;
        let mut title = None;
        let mut lets = Vec::new();
        let mut body = None;
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::title_clause => {
                    let mut inner = children(part).into_iter();
                    title = Some(self.texts(next_child!(self, inner, part_span))?);
                }
                Rule::let_clause => lets.push(self.let_binding(part)?),
                _ => body = Some(self.expr(part)?),
            }
        }
        let Some(body) = body else {
            return Err(self.internal(span));
        };
        Ok(FunctionItem {
            name,
            params,
            result,
            title,
            lets,
            body,
        })
    }

    fn let_binding(&mut self, pair: Pair<'_, Rule>) -> Built<Let> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let name = self.name(&next_child!(self, inner, span));
        let value = self.expr(next_child!(self, inner, span))?;
        Ok(Let { name, value })
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Built<RuleItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let id = self.name(&next_child!(self, parts, span));
        let mut clauses = Vec::new();
        for clause in parts {
            let clause_span = self.span(&clause);
            let clause_text = clause.as_str().to_string();
            let rule = clause.as_rule();
            let kind = match rule {
                Rule::cites_clause => RuleClauseKind::Cites(self.cite(clause)?),
                Rule::effective_clause => RuleClauseKind::Effective(self.effective(clause)),
                Rule::let_clause => RuleClauseKind::Let(self.let_binding(clause)?),
                _ => {
                    let inner = children(clause);
                    match (rule, inner.as_slice()) {
                        (Rule::title_clause, [texts]) => {
                            RuleClauseKind::Title(self.texts(texts.clone())?)
                        }
                        (Rule::severity_clause, [name]) => {
                            RuleClauseKind::Severity(self.name(name))
                        }
                        (Rule::category_clause, [name]) => {
                            RuleClauseKind::Category(self.name(name))
                        }
                        (Rule::implements_clause, ids) => {
                            RuleClauseKind::Implements(ids.iter().map(|id| self.name(id)).collect())
                        }
                        (Rule::for_clause, [var, collection]) => RuleClauseKind::ForEvery {
                            var: self.name(var),
                            collection: self.expr(collection.clone())?,
                        },
                        (Rule::when_clause, [condition]) => {
                            RuleClauseKind::When(self.expr(condition.clone())?)
                        }
                        (Rule::require_clause, [condition]) => {
                            RuleClauseKind::Require(self.expr(condition.clone())?)
                        }
                        (Rule::except_clause, [condition, consequence]) => {
                            let condition = self.expr(condition.clone())?;
                            let consequence = match consequence.as_rule() {
                                Rule::exempt => None,
                                _ => Some(self.expr(consequence.clone())?),
                            };
                            RuleClauseKind::Except {
                                condition,
                                consequence,
                            }
                        }
                        (Rule::message_clause, [texts]) => {
                            RuleClauseKind::Message(self.texts(texts.clone())?)
                        }
                        (Rule::fix_clause, [texts]) => {
                            RuleClauseKind::Fix(self.texts(texts.clone())?)
                        }
                        _ => return Err(self.internal(clause_span)),
                    }
                }
            };
            clauses.push(RuleClause {
                kind,
                span: clause_span,
                text: clause_text,
            });
        }
        Ok(RuleItem { id, clauses })
    }

    fn given(&mut self, pair: Pair<'_, Rule>) -> Built<GivenValue> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let value = next_child!(self, inner, span);
        Ok(match value.as_rule() {
            Rule::ident => GivenValue::Fixture(self.name(&value)),
            _ => GivenValue::Literal(self.expr(value)?),
        })
    }

    fn override_clause(&mut self, pair: Pair<'_, Rule>) -> Built<Override> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let path_pair = next_child!(self, inner, span);
        let path_span = self.span(&path_pair);
        let mut segments = Vec::new();
        for segment in path_pair.into_inner() {
            match segment.as_rule() {
                Rule::number => {
                    let index = segment.as_str().parse::<u32>().map_err(|_| SyntaxError {
                        span: self.span(&segment),
                        label: text!("label--here"),
                        message: text!(
                            "syntax-error--not-a-list-position",
                            segment = segment.as_str()
                        ),
                        help: Some(text!("help--write-a-whole-number", example = 0)),
                    })?;
                    segments.push(PathSegment::Index(index, self.span(&segment)));
                }
                _ => segments.push(PathSegment::Field(self.name(&segment))),
            }
        }
        let value = self.expr(next_child!(self, inner, span))?;
        Ok(Override {
            path: DataPath {
                segments,
                span: path_span,
            },
            value,
            span,
        })
    }

    fn example(&mut self, pair: Pair<'_, Rule>) -> Built<ExampleItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let description = self.string(&next_child!(self, parts, span));
        let mut example = ExampleItem {
            description,
            as_of: None,
            given: None,
            overrides: Vec::new(),
            expects: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            match part.as_rule() {
                Rule::as_of_clause => {
                    let mut inner = children(part).into_iter();
                    example.as_of = Some(self.raw(&next_child!(self, inner, part_span)));
                }
                Rule::given_clause => {
                    let mut inner = children(part).into_iter();
                    example.given = Some(self.given(next_child!(self, inner, part_span))?);
                }
                Rule::with_clause => example.overrides.push(self.override_clause(part)?),
                Rule::expect_clause => example.expects.push(self.expectation(part)?),
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(example)
    }

    fn expectation(&mut self, pair: Pair<'_, Rule>) -> Built<Expectation> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let first = next_child!(self, inner, span);
        if first.as_rule() == Rule::no_findings {
            return Ok(Expectation {
                rule: None,
                outcome: ExpectedOutcome::NoFindings,
                span,
            });
        }
        let rule = self.name(&first);
        let outcome_pair = next_child!(self, inner, span);
        let mut outcome_inner = children(outcome_pair).into_iter();
        let which = next_child!(self, outcome_inner, span);
        let outcome = match which.as_rule() {
            Rule::fails_outcome => {
                let count = children(which)
                    .into_iter()
                    .find(|child| child.as_rule() == Rule::number);
                match count {
                    Some(count) => {
                        let value = count.as_str().parse::<u32>().map_err(|_| SyntaxError {
                            span: self.span(&count),
                            label: text!("label--here"),
                            message: text!(
                                "syntax-error--not-a-number-of-times",
                                count = count.as_str()
                            ),
                            help: Some(text!("help--write-a-whole-number", example = 2)),
                        })?;
                        ExpectedOutcome::Fails(Some(value))
                    }
                    None => ExpectedOutcome::Fails(None),
                }
            }
            Rule::passes_outcome => ExpectedOutcome::Passes,
            Rule::error_outcome => ExpectedOutcome::CannotBeEvaluated,
            _ => ExpectedOutcome::DoesNotApply,
        };
        Ok(Expectation {
            rule: Some(rule),
            outcome,
            span,
        })
    }

    fn fixture(&mut self, pair: Pair<'_, Rule>) -> Built<FixtureItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let given = self.given(next_child!(self, parts, span))?;
        let mut overrides = Vec::new();
        for part in parts {
            overrides.push(self.override_clause(part)?);
        }
        Ok(FixtureItem {
            name,
            given,
            overrides,
        })
    }

    fn holidays(&mut self, pair: Pair<'_, Rule>) -> Built<HolidaysItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut holidays = HolidaysItem {
            name,
            title: None,
            source: None,
            entries: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            let rule = part.as_rule();
            let mut inner = children(part).into_iter();
            match rule {
                Rule::title_clause => {
                    holidays.title = Some(self.texts(next_child!(self, inner, part_span))?)
                }
                Rule::source_clause => {
                    holidays.source = Some(self.string(&next_child!(self, inner, part_span)))
                }
                Rule::holiday_entry => {
                    let date = self.raw(&next_child!(self, inner, part_span));
                    let labels = self.texts(next_child!(self, inner, part_span))?;
                    holidays.entries.push(HolidayEntry { date, labels });
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(holidays)
    }

    fn calendar(&mut self, pair: Pair<'_, Rule>) -> Built<CalendarItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let mut calendar = CalendarItem {
            name,
            title: None,
            source: None,
            zone: None,
            open: Vec::new(),
            closed_on: Vec::new(),
        };
        for part in parts {
            let part_span = self.span(&part);
            let rule = part.as_rule();
            let inner = children(part);
            match (rule, inner.as_slice()) {
                (Rule::title_clause, [texts]) => calendar.title = Some(self.texts(texts.clone())?),
                (Rule::source_clause, [source]) => calendar.source = Some(self.string(source)),
                (Rule::zone_clause, [zone]) => calendar.zone = Some(self.string(zone)),
                (Rule::open_clause, [day, from, to]) => calendar.open.push(OpeningHours {
                    first_day: self.name(day),
                    last_day: self.name(day),
                    from: self.raw(from),
                    to: self.raw(to),
                    span: part_span,
                }),
                (Rule::open_clause, [first, last, from, to]) => calendar.open.push(OpeningHours {
                    first_day: self.name(first),
                    last_day: self.name(last),
                    from: self.raw(from),
                    to: self.raw(to),
                    span: part_span,
                }),
                (Rule::closed_clause, names) => {
                    calendar
                        .closed_on
                        .extend(names.iter().map(|name| self.name(name)));
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(calendar)
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Built<TypeExpr> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let first = next_child!(self, inner, span);
        let kind = match first.as_rule() {
            Rule::list_type => {
                let mut element = children(first).into_iter();
                TypeExprKind::List(Box::new(self.type_expr(next_child!(self, element, span))?))
            }
            Rule::set_type => {
                let mut element = children(first).into_iter();
                TypeExprKind::Set(Box::new(self.type_expr(next_child!(self, element, span))?))
            }
            _ => {
                let mut named = children(first).into_iter();
                let name = self.name(&next_child!(self, named, span));
                let argument = named.next().map(|argument| self.name(&argument));
                let optional = inner.next().is_some();
                TypeExprKind::Named {
                    name,
                    argument,
                    optional,
                }
            }
        };
        Ok(TypeExpr { kind, span })
    }

    // ------------------------------------------------------------ expressions

    /// Deeply nested expressions recurse deeply; the stack grows on the heap rather than
    /// overflow, whatever thread parses.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.expr_inner(pair))
    }

    fn expr_inner(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::paren | Rule::literal => {
                let mut inner = children(pair).into_iter();
                let child = next_child!(self, inner, span);
                let mut expr = self.expr(child)?;
                expr.span = span;
                Ok(expr)
            }
            Rule::or_expr => self.fold_logical(pair, false),
            Rule::and_expr => self.fold_logical(pair, true),
            Rule::not_expr => {
                let mut inner = children(pair).into_iter();
                let child = next_child!(self, inner, span);
                if child.as_rule() == Rule::not_expr {
                    let operand = self.expr(child)?;
                    Ok(Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(child)
                }
            }
            Rule::cmp_expr => self.comparison(pair),
            Rule::coalesce => {
                let mut inner = children(pair).into_iter();
                let mut left = self.expr(next_child!(self, inner, span))?;
                for right in inner {
                    let right = self.expr(right)?;
                    let span = left.span.to(right.span);
                    left = Expr {
                        kind: ExprKind::Otherwise(Box::new(left), Box::new(right)),
                        span,
                    };
                }
                Ok(left)
            }
            Rule::additive | Rule::multiplicative | Rule::power => self.fold_arith(pair),
            Rule::unary => {
                let mut inner = children(pair).into_iter();
                let first = next_child!(self, inner, span);
                if first.as_rule() == Rule::neg_op {
                    let operand = self.expr(next_child!(self, inner, span))?;
                    Ok(Expr {
                        kind: ExprKind::Negate(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(first)
                }
            }
            Rule::postfix => {
                let mut inner = children(pair).into_iter();
                let mut expr = self.expr(next_child!(self, inner, span))?;
                for access in inner {
                    let access_span = self.span(&access);
                    let optional = access.as_rule() == Rule::optional_access;
                    let mut field = access.into_inner();
                    let name = self.name(&next_child!(self, field, access_span));
                    let span = expr.span.to(access_span);
                    let kind = if optional {
                        ExprKind::OptionalField(Box::new(expr), name)
                    } else {
                        ExprKind::Field(Box::new(expr), name)
                    };
                    expr = Expr { kind, span };
                }
                Ok(expr)
            }
            Rule::name => Ok(Expr {
                kind: ExprKind::Name(pair.as_str().to_string()),
                span,
            }),
            Rule::number_lit => Ok(Expr {
                kind: ExprKind::Number(pair.as_str().to_string()),
                span,
            }),
            Rule::string_lit | Rule::string => {
                let raw = if pair.as_rule() == Rule::string {
                    pair.as_str().to_string()
                } else {
                    pair.into_inner()
                        .next()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default()
                };
                Ok(Expr {
                    kind: ExprKind::Text(unescape(&raw)),
                    span,
                })
            }
            Rule::bool_lit => Ok(Expr {
                kind: ExprKind::Bool(pair.as_str() == "true"),
                span,
            }),
            Rule::absent_lit => Ok(Expr {
                kind: ExprKind::Absent,
                span,
            }),
            Rule::date => Ok(Expr {
                kind: ExprKind::Date(pair.as_str().to_string()),
                span,
            }),
            Rule::datetime => Ok(Expr {
                kind: ExprKind::DateTime(pair.as_str().to_string()),
                span,
            }),
            Rule::quantity => {
                let mut inner = pair.into_inner();
                let amount = next_child!(self, inner, span).as_str().to_string();
                let unit = self.name(&next_child!(self, inner, span));
                Ok(Expr {
                    kind: ExprKind::Quantity { amount, unit },
                    span,
                })
            }
            Rule::business_offset => {
                let mut inner = children(pair).into_iter();
                let amount = next_child!(self, inner, span).as_str().to_string();
                let unit = match next_child!(self, inner, span).as_str() {
                    "hours" | "hour" => BusinessUnit::Hours,
                    _ => BusinessUnit::Days,
                };
                let calendar = self.name(&next_child!(self, inner, span));
                Ok(Expr {
                    kind: ExprKind::BusinessOffset {
                        amount,
                        unit,
                        calendar,
                    },
                    span,
                })
            }
            Rule::call => {
                let mut inner = children(pair).into_iter();
                let function = self.name(&next_child!(self, inner, span));
                let mut args = Vec::new();
                for arg in inner {
                    args.push(self.expr(arg)?);
                }
                Ok(Expr {
                    kind: ExprKind::Call { function, args },
                    span,
                })
            }
            Rule::quantifier => {
                let mut inner = children(pair).into_iter();
                let kind_pair = next_child!(self, inner, span);
                let quantifier = match kind_pair.as_str() {
                    "every" => Quantifier::Every,
                    "some" => Quantifier::Some,
                    _ => Quantifier::No,
                };
                // The binder's tail is the body here: `satisfies` takes the place of `where`.
                let (binder, body) = self.binder_with_index(inner, span)?;
                let Some(body) = body else {
                    return Err(self.internal(span));
                };
                Ok(Expr {
                    kind: ExprKind::Quantified {
                        quantifier,
                        binder,
                        body,
                    },
                    span,
                })
            }
            Rule::count_expr => {
                let inner = children(pair).into_iter();
                let (binder, filter) = self.binder_with_index(inner, span)?;
                Ok(Expr {
                    kind: ExprKind::Count { binder, filter },
                    span,
                })
            }
            Rule::aggregate => {
                let mut inner = children(pair).into_iter();
                let kind = match next_child!(self, inner, span).as_str() {
                    "sum" => AggregateKind::Sum,
                    "min" => AggregateKind::Min,
                    _ => AggregateKind::Max,
                };
                let value = self.expr(next_child!(self, inner, span))?;
                let (binder, filter) = self.binder_with_index(inner, span)?;
                Ok(Expr {
                    kind: ExprKind::Aggregate {
                        kind,
                        value: Box::new(value),
                        binder,
                        filter,
                    },
                    span,
                })
            }
            Rule::comprehension => {
                let mut inner = children(pair).into_iter();
                let value = self.expr(next_child!(self, inner, span))?;
                let mut binders = Vec::new();
                let mut filter = None;
                for part in inner {
                    if part.as_rule() == Rule::generator {
                        let (binder, _) =
                            self.binder_with_index(children(part).into_iter(), span)?;
                        binders.push(binder);
                    } else {
                        filter = Some(Box::new(self.expr(part)?));
                    }
                }
                // `[m for h in hs for m in h.xs where c]` is
                // `flatten([[m for m in h.xs where c] for h in hs])`: the innermost loop is
                // built first, and each outer one flattens the lists the inner one gives.
                let mut binders = binders.into_iter().rev();
                let Some(innermost) = binders.next() else {
                    return Err(self.internal(span));
                };
                let mut expr = Expr {
                    kind: ExprKind::Comprehension {
                        value: Box::new(value),
                        binder: innermost,
                        filter,
                    },
                    span,
                };
                for binder in binders {
                    let lists = Expr {
                        kind: ExprKind::Comprehension {
                            value: Box::new(expr),
                            binder,
                            filter: None,
                        },
                        span,
                    };
                    expr = Expr {
                        kind: ExprKind::Call {
                            function: Name {
                                text: "flatten".to_string(),
                                span,
                            },
                            args: vec![lists],
                        },
                        span,
                    };
                }
                Ok(expr)
            }
            Rule::if_expr => {
                let mut inner = children(pair).into_iter();
                let condition = self.expr(next_child!(self, inner, span))?;
                let then = self.expr(next_child!(self, inner, span))?;
                let otherwise = self.expr(next_child!(self, inner, span))?;
                Ok(Expr {
                    kind: ExprKind::If {
                        condition: Box::new(condition),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    span,
                })
            }
            Rule::list_literal | Rule::set_literal => {
                let is_list = pair.as_rule() == Rule::list_literal;
                let mut elements = Vec::new();
                for element in children(pair) {
                    elements.push(self.expr(element)?);
                }
                Ok(Expr {
                    kind: if is_list {
                        ExprKind::List(elements)
                    } else {
                        ExprKind::Set(elements)
                    },
                    span,
                })
            }
            Rule::record_literal => {
                let mut fields = Vec::new();
                for field in children(pair) {
                    let field_span = self.span(&field);
                    let mut inner = children(field).into_iter();
                    let name = self.name(&next_child!(self, inner, field_span));
                    let value = self.expr(next_child!(self, inner, field_span))?;
                    fields.push((name, value));
                }
                Ok(Expr {
                    kind: ExprKind::Record(fields),
                    span,
                })
            }
            _ => Err(self.internal(span)),
        }
    }

    fn other_than(&mut self, pair: Pair<'_, Rule>) -> Built<Name> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        Ok(self.name(&next_child!(self, inner, span)))
    }

    #[allow(clippy::type_complexity)]
    fn binder_tail<'p>(
        &mut self,
        rest: impl Iterator<Item = Pair<'p, Rule>>,
    ) -> Built<(Option<Name>, Option<Box<Expr>>)> {
        let mut other_than = None;
        let mut filter = None;
        for part in rest {
            match part.as_rule() {
                Rule::other_than => other_than = Some(self.other_than(part)?),
                _ => filter = Some(Box::new(self.expr(part)?)),
            }
        }
        Ok((other_than, filter))
    }

    fn binder_with_index<'p>(
        &mut self,
        mut rest: impl Iterator<Item = Pair<'p, Rule>>,
        span: Span,
    ) -> Built<(Binder, Option<Box<Expr>>)> {
        let var = self.name(&next_child!(self, rest, span));
        let next = next_child!(self, rest, span);
        let (index_var, collection_pair) = if next.as_rule() == Rule::ident {
            (Some(self.name(&next)), next_child!(self, rest, span))
        } else {
            (None, next)
        };
        let collection = self.expr(collection_pair)?;
        let (other_than, filter) = self.binder_tail(rest)?;
        Ok((
            Binder {
                var,
                index_var,
                collection: Box::new(collection),
                other_than,
            },
            filter,
        ))
    }

    fn fold_logical(&mut self, pair: Pair<'_, Rule>, is_and: bool) -> Built<Expr> {
        let span = self.span(&pair);
        let children = children(pair);
        if children.len() > MAX_NESTING as usize {
            return Err(self.chain_too_long(
                span,
                children.len(),
                if is_and { "and" } else { "or" },
            ));
        }
        let mut inner = children.into_iter();
        let mut left = self.expr(next_child!(self, inner, span))?;
        for right in inner {
            let right = self.expr(right)?;
            let span = left.span.to(right.span);
            let kind = if is_and {
                ExprKind::And(Box::new(left), Box::new(right))
            } else {
                ExprKind::Or(Box::new(left), Box::new(right))
            };
            left = Expr { kind, span };
        }
        Ok(left)
    }

    fn fold_arith(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        let is_power = pair.as_rule() == Rule::power;
        let operands = pair.clone().into_inner().count() / if is_power { 1 } else { 2 } + 1;
        if operands > MAX_NESTING as usize {
            let operator = if is_power { "^" } else { "+" };
            return Err(self.chain_too_long(span, operands, operator));
        }
        let mut inner = pair.into_inner();
        let mut left = self.expr(next_child!(self, inner, span))?;
        while let Some(op_pair) = inner.next() {
            let (op, right_pair) = if is_power {
                (ArithOp::Pow, op_pair)
            } else {
                let op = match op_pair.as_str() {
                    "+" => ArithOp::Add,
                    "-" => ArithOp::Sub,
                    "*" => ArithOp::Mul,
                    "/" => ArithOp::Div,
                    _ => ArithOp::Mod,
                };
                (op, next_child!(self, inner, span))
            };
            let right = self.expr(right_pair)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: ExprKind::Arith(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let left = self.expr(next_child!(self, inner, span))?;
        let Some(tail) = inner.next() else {
            return Ok(left);
        };
        let kind = match tail.as_rule() {
            Rule::cmp_op => {
                let op = cmp_op(tail.as_str());
                let right = self.expr(next_child!(self, inner, span))?;
                ExprKind::Compare(op, Box::new(left), Box::new(right))
            }
            Rule::is_test => {
                let mut negated = false;
                let mut test = PresenceTest::Present;
                for part in children(tail) {
                    match part.as_rule() {
                        Rule::negation => negated = true,
                        Rule::absent_kw => test = PresenceTest::Absent,
                        Rule::empty_kw => test = PresenceTest::Empty,
                        _ => test = PresenceTest::Present,
                    }
                }
                ExprKind::Is {
                    negated,
                    test,
                    operand: Box::new(left),
                }
            }
            Rule::in_test => {
                let mut negated = false;
                let mut collection = None;
                for part in children(tail) {
                    match part.as_rule() {
                        Rule::negation => negated = true,
                        _ => collection = Some(self.expr(part)?),
                    }
                }
                let Some(collection) = collection else {
                    return Err(self.internal(span));
                };
                ExprKind::In {
                    negated,
                    element: Box::new(left),
                    collection: Box::new(collection),
                }
            }
            Rule::temporal_test => {
                let mut parts = children(tail).into_iter();
                let op_pair = next_child!(self, parts, span);
                let mut op_inner = children(op_pair).into_iter();
                let op = match next_child!(self, op_inner, span).as_rule() {
                    Rule::on_or_before => TemporalOp::OnOrBefore,
                    Rule::on_or_after => TemporalOp::OnOrAfter,
                    Rule::before_op => TemporalOp::Before,
                    _ => TemporalOp::After,
                };
                let right = self.expr(next_child!(self, parts, span))?;
                ExprKind::Temporal(op, Box::new(left), Box::new(right))
            }
            _ => return Err(self.internal(span)),
        };
        Ok(Expr { kind, span })
    }
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::NotEq,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::LtEq,
        ">" => CmpOp::Gt,
        _ => CmpOp::GtEq,
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
        Rule::field_access => "expected--field-name",
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
fn syntax_error_from_pest(
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
