//! Building items and their clauses.

use super::expressions::cmp_op;
use super::*;

impl Builder<'_> {
    pub(super) fn item(&mut self, pair: Pair<'_, Rule>) -> ItemData {
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

    pub(super) fn texts(&mut self, pair: Pair<'_, Rule>) -> Built<Texts> {
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
    pub(super) fn template(&mut self, pair: &Pair<'_, Rule>) -> Vec<TemplatePart> {
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

    pub(super) fn template_expr(&mut self, source: &str, offset: usize) -> Built<Expr> {
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

    pub(super) fn effective(&mut self, pair: Pair<'_, Rule>) -> Effective {
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

    pub(super) fn cite(&mut self, pair: Pair<'_, Rule>) -> Built<Cite> {
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

    pub(super) fn header(&mut self, pair: Pair<'_, Rule>, is_ruleset: bool) -> Built<HeaderItem> {
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
                    header.title = Some(self.texts(self.first_child(clause)?)?);
                }
                Rule::version_clause => {
                    header.version = Some(self.string(&self.first_child(clause)?));
                }
                Rule::effective_clause => header.effective = Some(self.effective(clause)),
                Rule::zone_clause => {
                    header.zone = Some(self.string(&self.first_child(clause)?));
                }
                Rule::default_clause => {
                    let default = self.first_child(clause)?;
                    let is_severity = default.as_rule() == Rule::severity_clause;
                    let name = self.name(&self.first_child(default)?);
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

    pub(super) fn use_item(&mut self, pair: Pair<'_, Rule>) -> Built<UseItem> {
        let span = self.span(&pair);
        let use_path = self.first_child(pair)?;
        let mut inner = use_path.into_inner();
        let module = self.name(&next_child!(self, inner, span));
        let list = next_child!(self, inner, span);
        let names = match list.as_rule() {
            Rule::use_all => None,
            _ => Some(list.into_inner().map(|name| self.name(&name)).collect()),
        };
        Ok(UseItem { module, names })
    }

    pub(super) fn requirement(&mut self, pair: Pair<'_, Rule>) -> Built<RequirementItem> {
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
                    requirement.title = Some(self.texts(self.first_child(clause)?)?);
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

    pub(super) fn record(&mut self, pair: Pair<'_, Rule>) -> Built<RecordItem> {
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
                    record.title = Some(self.texts(self.first_child(part)?)?);
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

    pub(super) fn codelist(&mut self, pair: Pair<'_, Rule>) -> Built<CodelistItem> {
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
                    codelist.title = Some(self.texts(self.first_child(part)?)?);
                }
                Rule::source_clause => {
                    codelist.source = Some(self.string(&self.first_child(part)?));
                }
                Rule::open_codes => {
                    codelist.open = Some(self.string(&self.first_child(part)?));
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

    pub(super) fn type_alias(&mut self, pair: Pair<'_, Rule>) -> Built<TypeAliasItem> {
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
                    alias.title = Some(self.texts(self.first_child(part)?)?);
                }
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(alias)
    }

    pub(super) fn const_item(&mut self, pair: Pair<'_, Rule>) -> Built<ConstItem> {
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

    pub(super) fn params(&mut self, pair: Pair<'_, Rule>) -> Built<Vec<Param>> {
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

    pub(super) fn table(&mut self, pair: Pair<'_, Rule>) -> Built<TableItem> {
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
                    table.title = Some(self.texts(self.first_child(part)?)?);
                }
                Rule::source_clause => {
                    table.source = Some(self.string(&self.first_child(part)?));
                }
                Rule::policy_clause => {
                    table.policy = Some(self.name(&self.first_child(part)?));
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

    pub(super) fn pattern(&mut self, pair: Pair<'_, Rule>) -> Built<Pattern> {
        let span = self.span(&pair);
        let child = self.first_child(pair)?;
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

    pub(super) fn function(&mut self, pair: Pair<'_, Rule>) -> Built<FunctionItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let name = self.name(&next_child!(self, parts, span));
        let params = self.params(next_child!(self, parts, span))?;
        let result = self.type_expr(next_child!(self, parts, span))?;
        let mut title = None;
        let mut lets = Vec::new();
        let mut body = None;
        for part in parts {
            match part.as_rule() {
                Rule::title_clause => {
                    title = Some(self.texts(self.first_child(part)?)?);
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

    pub(super) fn let_binding(&mut self, pair: Pair<'_, Rule>) -> Built<Let> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let name = self.name(&next_child!(self, inner, span));
        let value = self.expr(next_child!(self, inner, span))?;
        Ok(Let { name, value })
    }

    pub(super) fn rule(&mut self, pair: Pair<'_, Rule>) -> Built<RuleItem> {
        let span = self.span(&pair);
        let mut parts = children(pair).into_iter();
        let id = self.name(&next_child!(self, parts, span));
        let mut clauses = Vec::new();
        for clause in parts {
            let clause_span = self.span(&clause);
            let clause_text = crate::syntax::format::one_line(clause.as_str());
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

    pub(super) fn given(&mut self, pair: Pair<'_, Rule>) -> Built<GivenValue> {
        let value = self.first_child(pair)?;
        Ok(match value.as_rule() {
            Rule::ident => GivenValue::Fixture(self.name(&value)),
            _ => GivenValue::Literal(self.expr(value)?),
        })
    }

    pub(super) fn override_clause(&mut self, pair: Pair<'_, Rule>) -> Built<Override> {
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
                Rule::path_field => {
                    let dot = self.span(&segment);
                    let name = match segment.into_inner().next() {
                        Some(name) => self.name(&name),
                        None => self.missing_field_name(dot),
                    };
                    segments.push(PathSegment::Field(name));
                }
                _ => segments.push(PathSegment::Field(self.name(&segment))),
            }
        }
        let value = match inner.next() {
            Some(value) => self.expr(value)?,
            None => self.missing_value(span),
        };
        Ok(Override {
            path: DataPath {
                segments,
                span: path_span,
            },
            value,
            span,
        })
    }

    pub(super) fn example(&mut self, pair: Pair<'_, Rule>) -> Built<ExampleItem> {
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
                    example.as_of = Some(self.raw(&self.first_child(part)?));
                }
                Rule::given_clause => {
                    example.given = Some(self.given(self.first_child(part)?)?);
                }
                Rule::with_clause => example.overrides.push(self.override_clause(part)?),
                Rule::expect_clause => example.expects.push(self.expectation(part)?),
                _ => return Err(self.internal(part_span)),
            }
        }
        Ok(example)
    }

    pub(super) fn expectation(&mut self, pair: Pair<'_, Rule>) -> Built<Expectation> {
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
        let which = self.first_child(outcome_pair)?;
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

    pub(super) fn fixture(&mut self, pair: Pair<'_, Rule>) -> Built<FixtureItem> {
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

    pub(super) fn holidays(&mut self, pair: Pair<'_, Rule>) -> Built<HolidaysItem> {
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

    pub(super) fn calendar(&mut self, pair: Pair<'_, Rule>) -> Built<CalendarItem> {
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

    pub(super) fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Built<TypeExpr> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let first = next_child!(self, inner, span);
        let kind = match first.as_rule() {
            Rule::list_type => {
                TypeExprKind::List(Box::new(self.type_expr(self.first_child(first)?)?))
            }
            Rule::set_type => {
                TypeExprKind::Set(Box::new(self.type_expr(self.first_child(first)?)?))
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
}
