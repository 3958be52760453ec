//! The page of one file: a rule set version (its rules, examples and definitions) or a module
//! (its tables, code lists, calendars, data and functions), in the order the file gives.

use std::collections::BTreeMap;

use clearance_compiler::diagnostics::render::line_column;
use clearance_compiler::ir::vocabulary::Severity;
use clearance_compiler::ir::{RuleIr, RulesetIr, Validity};
use clearance_compiler::syntax::SyntaxItem;
use clearance_compiler::syntax::ast::{
    ExampleItem, ExpectedOutcome, ItemData, Lang, RuleClauseKind, RuleItem, Span, Texts,
};
use clearance_compiler::trace::Trace;
use maud::{Markup, html};

use super::library::{citation, requirement_link, shell, to_language_root};
use super::search::SearchEntry;
use super::{DataText, DocumentedFile, Library, tr};

pub(crate) struct Context<'a> {
    pub library: &'a Library<'a>,
    pub files: &'a [DocumentedFile<'a>],
    pub data: &'a BTreeMap<&'a str, &'a DataText>,
    pub trace: &'a Trace,
    pub lang: Lang,
}

pub(crate) fn validity_text(lang: Lang, validity: &Validity) -> String {
    match lang {
        Lang::En => validity.to_string(),
        Lang::Fr => validity.in_french(),
    }
}

fn severity_name(lang: Lang, severity: Severity) -> &'static str {
    match severity {
        Severity::Error => tr(lang, "error", "erreur"),
        Severity::Warning => tr(lang, "warning", "avertissement"),
        Severity::Info => tr(lang, "information", "information"),
        Severity::Action => tr(lang, "action", "action"),
    }
}

pub(crate) fn outcome_name(lang: Lang, outcome: ExpectedOutcome) -> String {
    match outcome {
        ExpectedOutcome::Fails(Some(count)) => match lang {
            Lang::En => format!("fails ({count} findings)"),
            Lang::Fr => format!("non conforme ({count} constats)"),
        },
        ExpectedOutcome::Fails(None) => tr(lang, "fails", "non conforme").to_string(),
        ExpectedOutcome::Passes => tr(lang, "passes", "conforme").to_string(),
        ExpectedOutcome::DoesNotApply => {
            tr(lang, "does not apply", "ne s'applique pas").to_string()
        }
        ExpectedOutcome::CannotBeEvaluated => {
            tr(lang, "cannot be evaluated", "ne peut être évaluée").to_string()
        }
        ExpectedOutcome::NoFindings => tr(lang, "no findings", "aucun constat").to_string(),
    }
}

/// The text of `span` (relative to the item) in the file.
pub(crate) fn slice<'t>(file: &DocumentedFile<'t>, item: &SyntaxItem, span: Span) -> &'t str {
    let start = item.start + span.start as usize;
    let end = item.start + span.end as usize;
    file.text.get(start..end).unwrap_or_default()
}

/// Texts in the page's language, or in the other one when the file gives only that.
pub(crate) fn texts_in(lang: Lang, texts: &Texts) -> String {
    texts
        .get(lang)
        .or(texts.entries.first())
        .map(|text| text.plain())
        .unwrap_or_default()
}

/// The item as written, without the documentation lines above it.
pub(crate) fn item_code<'t>(file: &DocumentedFile<'t>, item: &SyntaxItem) -> &'t str {
    let text = file.text.get(item.start..item.end).unwrap_or_default();
    let mut code = text;
    while code.starts_with("///") {
        code = code.split_once('\n').map_or("", |(_, rest)| rest);
    }
    code.trim_end()
}

pub(crate) fn line_of(file: &DocumentedFile<'_>, item: &SyntaxItem) -> usize {
    line_column(file.text, item.start).0
}

/// The documentation comments of an item, as paragraphs.
pub(crate) fn docs(lines: &[String]) -> Markup {
    let text = lines.join("\n");
    html! {
        @for paragraph in text.split("\n\n").filter(|paragraph| !paragraph.trim().is_empty()) {
            p.docs { (paragraph.trim()) }
        }
    }
}

pub(crate) fn code_block(code: &str) -> Markup {
    html! { pre.code { code { (code) } } }
}

pub(crate) fn file_page(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    entries: &mut Vec<SearchEntry>,
) -> String {
    let lang = context.lang;
    let root = to_language_root(&file.page);
    let ruleset = file
        .ruleset
        .map(|index| &context.library.program.rulesets[index]);
    let title = match ruleset {
        Some(ruleset) => format!("{} {}", ruleset.title.best(lang), ruleset.version),
        None => file.module.clone(),
    };
    let examples: Vec<&SyntaxItem> = file
        .syntax
        .items
        .iter()
        .filter(|item| matches!(item.item.data, ItemData::Example(_)))
        .collect();
    let body = html! {
        @if let Some(ruleset) = ruleset {
            (ruleset_header(context, file, ruleset))
        } @else {
            h1 { code { (file.module) } }
            p.meta { (tr(lang, "Module", "Module")) " · " code { (file.path) } }
        }
        @for item in &file.syntax.items {
            @match &item.item.data {
                ItemData::Header(_) => { (docs(&item.item.docs)) }
                ItemData::Rule(rule) => {
                    @if let Some(ruleset) = ruleset {
                        @if let Some(rule_ir) = ruleset.rules.iter().find(|candidate| candidate.id == rule.id.text) {
                            (rule_section(context, file, item, rule, ruleset, rule_ir, &root, entries))
                        }
                    }
                }
                ItemData::Table(table) => { (super::data::table_section(context, file, item, table, entries)) }
                ItemData::Codelist(codelist) => { (super::data::codelist_section(context, file, item, codelist, entries)) }
                ItemData::Calendar(calendar) => { (super::data::calendar_section(context, file, item, calendar, entries)) }
                ItemData::Holidays(holidays) => { (super::data::holidays_section(context, file, item, holidays, entries)) }
                ItemData::Const(constant) => { (super::data::const_section(context, file, item, constant, entries)) }
                ItemData::Record(record) => {
                    section.definition id={ "record-" (record.name.text) } {
                        h3 { (tr(lang, "Record", "Enregistrement")) " " code { (record.name.text) } }
                        (docs(&item.item.docs))
                        (code_block(item_code(file, item)))
                    }
                }
                ItemData::Function(function) => {
                    section.definition id={ "fn-" (function.name.text) } {
                        h3 { (tr(lang, "Function", "Fonction")) " " code { (function.name.text) } }
                        (docs(&item.item.docs))
                        (code_block(item_code(file, item)))
                    }
                }
                ItemData::Requirement(requirement) => {
                    p.requirement-line { (requirement_link(&root, &requirement.id.text)) }
                }
                _ => {}
            }
        }
        @if !examples.is_empty() {
            h2 #examples { (tr(lang, "Examples", "Exemples")) " (" (examples.len()) ")" }
            @for item in &examples {
                @if let ItemData::Example(example) = &item.item.data {
                    (example_section(context, file, item, example))
                }
            }
        }
    };
    shell(context, &file.page, &title, body)
}

fn ruleset_header(context: &Context<'_>, file: &DocumentedFile<'_>, ruleset: &RulesetIr) -> Markup {
    let lang = context.lang;
    let program = context.library.program;
    let versions: Vec<&RulesetIr> = program
        .rulesets
        .iter()
        .filter(|other| other.name == ruleset.name && other.path != ruleset.path)
        .collect();
    html! {
        h1 { (ruleset.title.best(lang)) }
        table.meta {
            tr { th { (tr(lang, "Rule set", "Jeu de règles")) } td { code { (ruleset.name) } } }
            tr { th { (tr(lang, "Version", "Version")) } td { (ruleset.version) } }
            tr { th { (tr(lang, "In force", "En vigueur")) } td { (validity_text(lang, &ruleset.validity)) } }
            @if let Some(zone) = &ruleset.zone {
                tr { th { (tr(lang, "Time zone", "Fuseau horaire")) } td { (zone) } }
            }
            tr { th { (tr(lang, "File", "Fichier")) } td { code { (file.path) } } }
            tr { th { (tr(lang, "Hash", "Empreinte")) } td { code { (ruleset.hash) } } }
            @if !versions.is_empty() {
                tr {
                    th { (tr(lang, "Other versions", "Autres versions")) }
                    td {
                        @for other in &versions {
                            a href={ "../" (super::ruleset_page(&other.name, &other.version)) } { (other.version) }
                            " (" (validity_text(lang, &other.validity)) ") "
                        }
                    }
                }
            }
        }
        @if !ruleset.sources.is_empty() {
            h2 { (tr(lang, "Sources", "Sources")) }
            ul.sources {
                @for source in &ruleset.sources {
                    li {
                        code { (source.id) } " · " (source.title)
                        @if let Some(url) = &source.url { " · " a href=(url) { (url) } }
                    }
                }
            }
        }
        h2 { (tr(lang, "Rules", "Règles")) " (" (ruleset.rules.len()) ")" }
        ol.contents {
            @for rule in &ruleset.rules {
                li { a href={ "#rule-" (rule.id) } { (rule.id) } " · " (rule.title.best(lang)) }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn rule_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    rule: &RuleItem,
    ruleset: &RulesetIr,
    rule_ir: &RuleIr,
    root: &str,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let clause_text = |keyword: fn(&RuleClauseKind) -> bool| -> Vec<&str> {
        rule.clauses
            .iter()
            .filter(|clause| keyword(&clause.kind))
            .map(|clause| clause.text.as_str())
            .collect()
    };
    let requires = clause_text(|kind| matches!(kind, RuleClauseKind::Require(_)));
    let exceptions = clause_text(|kind| matches!(kind, RuleClauseKind::Except { .. }));
    let conditions = clause_text(|kind| matches!(kind, RuleClauseKind::When(_)));
    let message = rule.clauses.iter().find_map(|clause| match &clause.kind {
        RuleClauseKind::Message(texts) => lang_source(file, item, texts, lang),
        _ => None,
    });
    let fix = rule.clauses.iter().find_map(|clause| match &clause.kind {
        RuleClauseKind::Fix(texts) => lang_source(file, item, texts, lang),
        _ => None,
    });
    let examples: Vec<(&str, u32, String)> = ruleset
        .examples
        .iter()
        .flat_map(|example| {
            example
                .expectations
                .iter()
                .filter(|expectation| {
                    expectation
                        .rule
                        .as_ref()
                        .is_none_or(|name| name == &rule_ir.id)
                })
                .map(|expectation| {
                    (
                        example.description.as_str(),
                        example.line,
                        outcome_name(lang, expectation.outcome),
                    )
                })
        })
        .collect();
    let mut words = vec![rule_ir.id.clone(), rule_ir.title.best(lang).to_string()];
    words.extend(rule_ir.requirements.iter().cloned());
    words.extend(rule_ir.citations.iter().map(|cited| cited.quote.clone()));
    entries.push(SearchEntry {
        kind: tr(lang, "rule", "règle"),
        name: rule_ir.id.clone(),
        title: format!(
            "{} ({} {})",
            rule_ir.title.best(lang),
            ruleset.name,
            ruleset.version
        ),
        url: format!("{}#rule-{}", file.page, rule_ir.id),
        words: words.join(" "),
    });
    html! {
        section.rule id={ "rule-" (rule_ir.id) } {
            h3 { span.rule-id { (rule_ir.id) } " · " (rule_ir.title.best(lang)) }
            p.meta {
                span class={ "severity " (rule_ir.severity.as_str()) } { (severity_name(lang, rule_ir.severity)) }
                " · " (tr(lang, "category", "catégorie")) " " code { (rule_ir.category.as_str()) }
                // A rule without a period of its own is in force with its rule set.
                " · " (validity_text(lang, if rule_ir.validity == Validity::default() { &ruleset.validity } else { &rule_ir.validity }))
                " · " (tr(lang, "implements", "met en œuvre")) " "
                @for (position, id) in rule_ir.requirements.iter().enumerate() {
                    @if position > 0 { ", " }
                    (requirement_link(root, id))
                }
            }
            (docs(&item.item.docs))
            div.beside {
                div.sources {
                    h4 { (tr(lang, "What the sources say", "Ce que disent les sources")) }
                    @for cited in &rule_ir.citations { (citation(cited)) }
                    @if rule_ir.citations.is_empty() {
                        p { (tr(lang, "This rule cites no sentence.", "Cette règle ne cite aucune phrase.")) }
                    }
                }
                div.rule-code {
                    h4 { (tr(lang, "The rule", "La règle")) " " span.line { (file.path) ":" (line_of(file, item) + leading_doc_lines(item)) } }
                    (code_block(item_code(file, item)))
                }
            }
            @if !conditions.is_empty() {
                h4 { (tr(lang, "Applies when", "S'applique lorsque")) }
                ul.clauses { @for condition in &conditions { li { code { (condition) } } } }
            }
            h4 { (tr(lang, "Base requirement", "Exigence de base")) }
            ul.clauses { @for require in &requires { li { code { (require) } } } }
            @if !exceptions.is_empty() {
                h4 { (tr(lang, "Exceptions to the base requirement", "Exceptions à l'exigence de base")) }
                ul.clauses.exceptions {
                    @for (exception, exception_ir) in exceptions.iter().zip(&rule_ir.exceptions) {
                        li { code { (exception) } " · " (exception_ir.description) }
                    }
                }
            }
            @if let Some(message) = message {
                p { strong { (tr(lang, "Finding", "Constat")) ": " } q { (message) } }
            }
            @if let Some(fix) = fix {
                p { strong { (tr(lang, "How to fix it", "Comment corriger")) ": " } q { (fix) } }
            }
            h4 { (tr(lang, "Examples", "Exemples")) }
            @if examples.is_empty() {
                p.status.missing { (tr(lang, "No example exercises this rule.", "Aucun exemple n'exerce cette règle.")) }
            } @else {
                ul.examples {
                    @for (description, line, outcome) in &examples {
                        li { a href={ "#example-" (line) } { (description) } " · " (outcome) }
                    }
                }
            }
        }
    }
}

fn leading_doc_lines(item: &SyntaxItem) -> usize {
    item.item.docs.len()
}

/// A message or fix in the page's language as written, with its interpolations in braces.
fn lang_source(
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    texts: &Texts,
    lang: Lang,
) -> Option<String> {
    let text = texts.get(lang).or(texts.entries.first())?;
    // The span holds the language tag too (`en "..."`).
    let written = slice(file, item, text.span).trim();
    let quoted = written.find('"').map_or(written, |start| &written[start..]);
    let unquoted = quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(quoted);
    Some(unquoted.to_string())
}

fn example_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    example: &ExampleItem,
) -> Markup {
    let lang = context.lang;
    html! {
        section.example id={ "example-" (line_of(file, item)) } {
            h3 { (example.description.value) }
            @if let Some(as_of) = &example.as_of {
                p.meta { (tr(lang, "as of", "à la date du")) " " (as_of.text) }
            }
            ul.expectations {
                @for expectation in &example.expects {
                    li {
                        @match &expectation.rule {
                            Some(rule) => { a href={ "#rule-" (rule.text) } { (rule.text) } }
                            None => { (tr(lang, "every rule", "chaque règle")) }
                        }
                        " · " (outcome_name(lang, expectation.outcome))
                    }
                }
            }
            (code_block(item_code(file, item)))
        }
    }
}
