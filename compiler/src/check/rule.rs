//! Checking rules: their metadata, their steps, their assertion and its exceptions.

use std::sync::Arc;

use super::{Checked, Checker};
use crate::db::{Db, ItemId};
use crate::defs::ruleset_inputs;
use crate::diagnostics::{Diagnostic, DiagnosticId, Severity, did_you_mean};
use crate::ir::{
    Category, Citation, Exception, LangTexts, RuleIr, Step, Template, TemplatePiece, Validity,
};
use crate::items::{file_header, item_syntax};
use crate::resolve::module_index;
use crate::syntax::ast::{
    Effective, ItemData, Lang, RuleClauseKind, RuleItem, Span, TemplatePart, Texts,
};
use crate::time::parse_date;

/// The checked rule and its source map. Keyed by the rule's item, so that editing one rule
/// re-checks that rule alone.
#[salsa::tracked(returns(clone))]
pub fn check_rule<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<RuleIr>> {
    let syntax = item_syntax(db, item);
    if let Some(ItemData::Rule(rule)) = syntax.as_deref().map(|syntax| &syntax.data) {
        return RuleChecker::new(db, item).check(rule, false);
    }
    let broken = RuleItem {
        id: crate::syntax::ast::Name {
            text: item.key(db).name.clone(),
            span: Span::default(),
        },
        clauses: Vec::new(),
    };
    RuleChecker::new(db, item).check(&broken, true)
}

/// The IR of a rule, without its source map: equal across edits that only move text.
#[salsa::tracked(returns(clone))]
pub fn rule_ir<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<RuleIr> {
    Arc::clone(&check_rule(db, item).ir)
}

struct RuleChecker<'db> {
    checker: Checker<'db>,
    db: &'db dyn Db,
    item: ItemId<'db>,
}

fn missing(span: Span, what: &str, example: &str) -> Diagnostic {
    missing_clause(span, what, example, "rule")
}

pub fn missing_clause(span: Span, what: &str, example: &str, owner: &str) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::MissingClause,
        span,
        text!("missing-clause--has-clause", owner = owner, what = what),
    )
    .with_primary_label(text!("label--add", what = what))
    .with_help(text!("help--example", example = example))
}

impl<'db> RuleChecker<'db> {
    fn new(db: &'db dyn Db, item: ItemId<'db>) -> RuleChecker<'db> {
        RuleChecker {
            checker: Checker::new(db, item.file(db)),
            db,
            item,
        }
    }

    fn check(mut self, rule: &RuleItem, broken: bool) -> Arc<Checked<RuleIr>> {
        let db = self.db;
        let file = self.item.file(db);
        let header = file_header(db, file);
        let in_ruleset = header.as_ref().is_some_and(|header| header.is_ruleset);
        if !in_ruleset && !broken {
            self.checker.error(
                Diagnostic::new(
                    DiagnosticId::ExampleOutsideRuleset,
                    rule.id.span,
                    text!("example-outside-ruleset--rules-belong-rule-set"),
                )
                .with_primary_label(text!("label--file-rule-set"))
                .with_help(text!("help--start-file-ruleset-name")),
            );
        }
        let inputs = ruleset_inputs(db, file).inputs.clone();
        self.checker.bind_inputs(&inputs);

        let mut ir = RuleIr {
            id: rule.id.text.clone(),
            title: LangTexts::default(),
            severity: Severity::Error,
            category: Category::ValidationViolation,
            requirements: Vec::new(),
            citations: Vec::new(),
            validity: Validity::default(),
            body: Default::default(),
            steps: Vec::new(),
            require: None,
            exceptions: Vec::new(),
            message: Vec::new(),
            fix: Vec::new(),
            assertion_text: String::new(),
        };
        let mut seen: Vec<&'static str> = Vec::new();
        let mut deferred = Vec::new();
        for clause in &rule.clauses {
            let keyword = clause.kind.keyword();
            let repeatable = matches!(
                clause.kind,
                RuleClauseKind::ForEvery { .. }
                    | RuleClauseKind::Let(_)
                    | RuleClauseKind::Except { .. }
                    | RuleClauseKind::Cites(_)
                    | RuleClauseKind::Implements(_)
            );
            if !repeatable && seen.contains(&keyword) {
                self.checker.error(
                    Diagnostic::new(
                        DiagnosticId::DuplicateClause,
                        clause.span,
                        text!(
                            "duplicate-clause--rule-has-second-clause",
                            keyword = keyword
                        ),
                    )
                    .with_primary_label(text!("label--second-clause"))
                    .with_help(match keyword {
                        "require" | "when" => {
                            text!("help--combine-the-conditions", keyword = keyword)
                        }
                        _ => text!("help--keep-one-clause", keyword = keyword),
                    }),
                );
                continue;
            }
            seen.push(keyword);
            match &clause.kind {
                RuleClauseKind::Title(texts) => {
                    self.plain_texts(texts);
                    ir.title = crate::defs::lang_texts(Some(texts));
                }
                RuleClauseKind::Severity(name) => {
                    ir.severity = severity_named(name, &mut self.checker.diagnostics)
                        .unwrap_or(Severity::Error);
                }
                RuleClauseKind::Category(name) => {
                    if let Some(category) = category_named(name, &mut self.checker.diagnostics) {
                        ir.category = category;
                    }
                }
                RuleClauseKind::Implements(ids) => {
                    for id in ids {
                        self.requirement(id);
                        if !ir.requirements.contains(&id.text) {
                            ir.requirements.push(id.text.clone());
                        }
                    }
                }
                RuleClauseKind::Cites(cite) => {
                    if let Some(citation) = self.citation(cite) {
                        ir.citations.push(citation);
                    }
                }
                RuleClauseKind::Effective(effective) => {
                    ir.validity = self.validity(effective);
                }
                RuleClauseKind::ForEvery { var, collection } => {
                    if let Some((var, index, collection)) =
                        self.checker.rule_binder(var, collection)
                    {
                        ir.steps.push(Step::ForEvery {
                            var,
                            index,
                            collection,
                        });
                    }
                }
                RuleClauseKind::Let(binding) => {
                    let value = self.checker.expr(&binding.value, None);
                    let ty = self.checker.ty(value);
                    let local = self
                        .checker
                        .bind(&binding.name.text, ty, binding.name.span, true);
                    ir.steps.push(Step::Let { local, value });
                }
                RuleClauseKind::When(condition) => {
                    let node = self.checker.condition(condition);
                    let places = self.checker.narrowings(node, true);
                    self.checker.narrow(places);
                    ir.steps.push(Step::When(node));
                }
                RuleClauseKind::Require(_)
                | RuleClauseKind::Except { .. }
                | RuleClauseKind::Message(_)
                | RuleClauseKind::Fix(_) => deferred.push(clause),
            }
        }

        // Exceptions first: the base assertion applies only where no exception does, so it may
        // rely on what their conditions rule out.
        let mut exception_conditions = Vec::new();
        for clause in &deferred {
            if let RuleClauseKind::Except {
                condition,
                consequence,
            } = &clause.kind
            {
                let condition_node = self.checker.condition(condition);
                let mark = self.checker.narrowing_mark();
                let places = self.checker.narrowings(condition_node, true);
                self.checker.narrow(places);
                let requirement = consequence
                    .as_ref()
                    .map(|consequence| self.checker.condition(consequence));
                self.checker.unnarrow_to(mark);
                // Conditions are compared as written, whitespace aside.
                let start = condition.span.start.saturating_sub(clause.span.start) as usize;
                let end = condition.span.end.saturating_sub(clause.span.start) as usize;
                let written = clause
                    .text
                    .get(start..end)
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some((earlier_span, _)) = exception_conditions
                    .iter()
                    .find(|(_, earlier)| *earlier == written)
                {
                    self.checker.error(
                        Diagnostic::new(
                            DiagnosticId::ExceptionsIdentical,
                            condition.span,
                            text!("exceptions-identical--two-exceptions-have-same"),
                        )
                        .with_label(*earlier_span, text!("label--same-condition"))
                        .with_help(text!("help--two-exceptions-hold-once")),
                    );
                }
                exception_conditions.push((condition.span, written));
                ir.exceptions.push(Exception {
                    condition: condition_node,
                    requirement,
                    description: clause.text.clone(),
                });
            }
        }
        let mark = self.checker.narrowing_mark();
        for exception in &ir.exceptions {
            let places = self.checker.narrowings(exception.condition, false);
            self.checker.narrow(places);
        }
        for clause in &deferred {
            if let RuleClauseKind::Require(condition) = &clause.kind {
                ir.require = Some(self.checker.condition(condition));
                ir.assertion_text = clause.text.trim_start_matches("require").trim().to_string();
            }
        }
        self.checker.unnarrow_to(mark);
        for clause in &deferred {
            match &clause.kind {
                RuleClauseKind::Message(texts) => ir.message = self.templates(texts),
                RuleClauseKind::Fix(texts) => ir.fix = self.templates(texts),
                _ => {}
            }
        }

        if !broken {
            let id_span = rule.id.span;
            if !seen.contains(&"title") {
                self.checker.error(missing(id_span, "title", "title en \"Gross mass not below net mass\" fr \"Masse brute non inférieure à la masse nette\""));
            }
            // The rule set's defaults stand in for what a rule does not say; they are checked,
            // with their own diagnostics, with the header.
            let defaults = header.as_deref();
            match defaults.and_then(|header| header.default_severity.as_ref()) {
                Some(default) if !seen.contains(&"severity") => {
                    ir.severity =
                        severity_named(default, &mut Vec::new()).unwrap_or(Severity::Error);
                }
                None if !seen.contains(&"severity") => {
                    self.checker.error(
                        missing(id_span, "severity", "severity error")
                            .with_help(text!("help--add-severity-error-rule")),
                    );
                }
                _ => {}
            }
            match defaults.and_then(|header| header.default_category.as_ref()) {
                Some(default) if !seen.contains(&"category") => {
                    if let Some(category) = category_named(default, &mut Vec::new()) {
                        ir.category = category;
                    }
                }
                None if !seen.contains(&"category") => {
                    self.checker.error(
                        missing(id_span, "category", "category validation_violation")
                            .with_help(text!("help--add-category-validation-violation")),
                    );
                }
                _ => {}
            }
            if !seen.contains(&"implements") {
                self.checker
                    .error(missing(id_span, "implements", "implements CAS-MASS-01"));
            }
            if !seen.contains(&"require") {
                self.checker.error(missing(
                    id_span,
                    "require",
                    "require item.gross_mass >= item.net_mass",
                ));
            }
            if !seen.contains(&"message") {
                self.checker
                    .error(missing(id_span, "message", "message en \"...\" fr \"...\""));
            }
        }
        self.checker.unbind_to(0);
        ir.body = std::mem::take(&mut self.checker.body);
        let calls = std::mem::take(&mut self.checker.calls);
        Arc::new(Checked {
            ir: Arc::new(ir),
            spans: self.checker.spans,
            diagnostics: self.checker.diagnostics,
            calls,
            names: self.checker.names,
        })
    }

    fn requirement(&mut self, id: &crate::syntax::ast::Name) {
        let index = module_index(self.db);
        if index.requirements.is_empty() || index.requirement(&id.text).is_some() {
            return;
        }
        self.checker.error(
            Diagnostic::new(
                DiagnosticId::UnknownRequirement,
                id.span,
                text!("unknown-requirement--requirements-catalogue", id = id.text),
            )
            .with_primary_label(text!("label--unknown-requirement"))
            .with_help(
                did_you_mean(
                    &id.text,
                    index.requirements.iter().map(|(id, _)| id.as_str()),
                )
                .unwrap_or_else(|| text!("help--add-it-to-the-catalogue")),
            ),
        );
    }

    fn citation(&mut self, cite: &crate::syntax::ast::Cite) -> Option<Citation> {
        let header = file_header(self.db, self.item.file(self.db))?;
        match header
            .sources
            .iter()
            .find(|source| source.id.text == cite.source.text)
        {
            Some(source) => Some(Citation {
                source: source.id.text.clone(),
                source_title: source.title.value.clone(),
                quote: cite.quote.value.clone(),
            }),
            None => {
                self.checker.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownSource,
                        cite.source.span,
                        text!(
                            "unknown-source--rule-set-declares-source",
                            source = cite.source.text
                        ),
                    )
                    .with_primary_label(text!("label--unknown-source"))
                    .with_help(
                        did_you_mean(
                            &cite.source.text,
                            header.sources.iter().map(|s| s.id.text.as_str()),
                        )
                        .unwrap_or_else(|| {
                            text!("help--declare-the-source", source = cite.source.text)
                        }),
                    ),
                );
                None
            }
        }
    }

    fn validity(&mut self, effective: &Effective) -> Validity {
        validity_of(effective, &mut self.checker.diagnostics)
    }

    /// The languages the rule set asks every text for (`languages`), English and French when
    /// it does not say.
    fn languages(&self) -> Vec<Lang> {
        file_header(self.db, self.item.file(self.db))
            .as_ref()
            .and_then(|header| header.languages.clone())
            .unwrap_or_else(|| vec![Lang::En, Lang::Fr])
    }

    /// Titles may not interpolate values: they name the rule, whatever the data.
    fn plain_texts(&mut self, texts: &Texts) {
        check_languages_among(texts, &self.languages(), &mut self.checker.diagnostics);
        for entry in &texts.entries {
            for part in &entry.parts {
                if let TemplatePart::Expr(expr) = part {
                    self.checker.error(
                        Diagnostic::new(
                            DiagnosticId::MisplacedInterpolation,
                            expr.span,
                            text!("misplaced-interpolation--title-cannot-show-values"),
                        )
                        .with_help(text!("help--interpolate-values-message-fix")),
                    );
                }
            }
        }
    }

    fn templates(&mut self, texts: &Texts) -> Vec<Template> {
        check_languages_among(texts, &self.languages(), &mut self.checker.diagnostics);
        texts
            .entries
            .iter()
            .map(|entry| Template {
                lang: entry.lang,
                pieces: entry
                    .parts
                    .iter()
                    .map(|part| match part {
                        TemplatePart::Text(text) => TemplatePiece::Text(text.clone()),
                        TemplatePart::Expr(expr) => {
                            TemplatePiece::Value(self.checker.expr(expr, None))
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The severity a word names, or a diagnostic.
pub fn severity_named(
    name: &crate::syntax::ast::Name,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Severity> {
    match name.text.as_str() {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "action" => Some(Severity::Action),
        other => {
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::UnknownSeverity,
                    name.span,
                    text!("unknown-severity--severity", other = other),
                )
                .with_primary_label(text!("label--unknown-severity"))
                .with_help(
                    did_you_mean(other, ["error", "warning", "info", "action"])
                        .unwrap_or_else(|| text!("help--write-a-severity")),
                ),
            );
            None
        }
    }
}

/// The alert category a word names, or a diagnostic.
pub fn category_named(
    name: &crate::syntax::ast::Name,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Category> {
    if let Some((_, category)) = Category::ALL.iter().find(|(word, _)| *word == name.text) {
        return Some(*category);
    }
    let words = Category::ALL.iter().map(|(word, _)| *word);
    diagnostics.push(
        Diagnostic::new(
            DiagnosticId::UnknownCategory,
            name.span,
            text!("unknown-category--alert-category", name = name.text),
        )
        .with_primary_label(text!("label--unknown-category"))
        .with_help(did_you_mean(&name.text, words.clone()).unwrap_or_else(|| {
            text!(
                "help--the-categories-are",
                categories = words
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })),
    );
    None
}

/// Findings go to French and English readers alike; a text missing one language is a warning.
pub fn check_languages(texts: &Texts, diagnostics: &mut Vec<Diagnostic>) {
    check_languages_among(texts, &[Lang::En, Lang::Fr], diagnostics);
}

/// A text missing one of the languages a rule set asks for is a warning.
pub fn check_languages_among(texts: &Texts, languages: &[Lang], diagnostics: &mut Vec<Diagnostic>) {
    for lang in languages.iter().copied() {
        if texts.get(lang).is_none() {
            let other = if lang == Lang::En { "fr" } else { "en" };
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::MissingTranslation,
                    texts.span,
                    text!("missing-translation--text-has-version", code = lang.code()),
                )
                .with_help(text!(
                    "help--add-after-text",
                    code = lang.code(),
                    other = other
                )),
            );
        }
    }
}

pub fn validity_of(effective: &Effective, diagnostics: &mut Vec<Diagnostic>) -> Validity {
    let mut date = |raw: &Option<crate::syntax::ast::RawLit>| {
        raw.as_ref().and_then(|raw| match parse_date(&raw.text) {
            Ok(date) => Some(date),
            Err(message) => {
                diagnostics.push(
                    Diagnostic::new(DiagnosticId::InvalidLiteral, raw.span, message)
                        .with_primary_label(text!("label--invalid-date")),
                );
                None
            }
        })
    };
    let from = date(&effective.from);
    let until = date(&effective.until);
    if let (Some(from), Some(until)) = (from, until)
        && until < from
    {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::InvalidPeriod,
                effective.span,
                text!("invalid-period--period-ends-before-starts"),
            )
            .with_help(text!("help--effective-from-until-b")),
        );
    }
    Validity { from, until }
}
