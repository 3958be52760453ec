//! What an editor asks of the rules, answered as plain data over the compiler's database.
//!
//! Positions are byte offsets into a file's text, paths are the project's paths; the language
//! server turns them into the protocol's lines, UTF-16 columns and URIs. Nothing here knows
//! the protocol, so the CLI can give the same answers.
//!
//! Names resolve through the file's scope (its definitions and what it imports), requirement
//! identifiers through the catalogue, rule identifiers within the rule set's file, and builtin
//! functions through the registry. Fields and codes, whose meaning depends on the type they are
//! read from, through what the checker recorded of each body (`names.rs`).

pub mod fixes;
pub mod formatting;
pub mod highlight;
pub mod inlay;
mod names;
pub mod references;
pub mod signature;
pub mod symbols;
pub mod textmate;

pub use fixes::{FileEdit, Fix, fixes};
pub use formatting::{TextEdit, formatting};
pub use references::{prepare_rename, references, rename};

use clearance_compiler::builtins::{BUILTINS, Form, builtin_named};
use clearance_compiler::db::{ItemKey, SourceFile};
use clearance_compiler::diagnostics::Language;
use clearance_compiler::items::parsed_file;
use clearance_compiler::project::Project;
use clearance_compiler::resolve::{DefRef, file_scope, module_index};
use clearance_compiler::syntax::KEYWORDS;
use clearance_compiler::syntax::ast::{ItemData, ItemKind, Lang};

/// A place in a file of the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRange {
    pub path: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// Markdown.
    pub contents: String,
    /// The word it is about, in the hovered file.
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Builtin,
    Definition(ItemKind),
    Field,
    Code,
    /// A binding in scope: an input, a `let`, a parameter or a loop variable.
    Local,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
}

/// The word under `offset`: with `-` for identifiers such as `CAS-MASS-01`, or without.
pub(crate) fn word_at(text: &str, offset: usize, with_dash: bool) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || (with_dash && b == b'-');
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && part(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && part(bytes[end]) {
        end += 1;
    }
    (start < end).then_some((start, end))
}

/// A definition the word names, and the word's extent.
pub(crate) fn resolve(
    project: &Project,
    file: SourceFile,
    offset: usize,
) -> Option<(DefRef, usize, usize)> {
    let db = project.db();
    let text = file.text(db);
    // `CAS-MASS-01` is one word as a requirement or rule identifier.
    if let Some((start, end)) = word_at(text, offset, true) {
        let word = &text[start..end];
        if let Some(def) = module_index(db).requirements.get(word) {
            return Some((def.clone(), start, end));
        }
        let key = ItemKey {
            kind: ItemKind::Rule,
            name: word.to_string(),
            occurrence: 0,
        };
        if parsed_file(db, file).find(&key).is_some() {
            return Some((DefRef { file, key }, start, end));
        }
    }
    let (start, end) = word_at(text, offset, false)?;
    // After a `.` a word is a field or a code, never a name of the scope.
    if text[..start].ends_with('.') {
        return None;
    }
    let def = file_scope(db, file).get(&text[start..end])?;
    Some((def.clone(), start, end))
}

/// Where a definition's name stands: after its keyword, in its item.
pub(crate) fn name_range(project: &Project, def: &DefRef) -> Option<FileRange> {
    let db = project.db();
    let parsed = parsed_file(db, def.file);
    let item = parsed.find(&def.key)?;
    let text = def.file.text(db);
    let start = item.offset as usize;
    let end = (start + item.len as usize).min(text.len());
    let item_text = text.get(start..end)?;
    let after_keyword = def.key.kind.keyword().len();
    let name_at = item_text
        .get(after_keyword..)
        .and_then(|rest| rest.find(def.key.name.as_str()))
        .map_or(start, |position| start + after_keyword + position);
    Some(FileRange {
        path: def.file.path(db).clone(),
        start: name_at,
        end: name_at + def.key.name.len(),
    })
}

/// Where the name at `offset` in the file at `path` is defined.
pub fn definition(project: &Project, path: &str, offset: usize) -> Option<FileRange> {
    let file = project.file(path)?;
    if let Some(places) = names::local_at(project, file, offset) {
        return places.into_iter().next();
    }
    if let Some(name) = names::name_use_at(project, file, offset)
        && let Some(declaration) = names::declaration(project, &name.target)
    {
        return Some(declaration);
    }
    let (def, _, _) = resolve(project, file, offset)?;
    name_range(project, &def)
}

/// The language of texts that a language of diagnostics reads.
fn lang(language: Language) -> Lang {
    match language {
        Language::English => Lang::En,
        Language::French => Lang::Fr,
    }
}

/// What the word at `offset` is: a builtin's signature and meaning; a definition's kind and
/// module, and for a rule its title, severity, category and requirements, for a record its
/// fields, for a code list its codes with their labels.
pub fn hover(project: &Project, path: &str, offset: usize, language: Language) -> Option<Hover> {
    let db = project.db();
    let file = project.file(path)?;
    let text = file.text(db);
    if let Some((start, end)) = word_at(text, offset, false)
        && text[end..].trim_start().starts_with('(')
        && let Some(entry) = builtin_named(&text[start..end])
    {
        return Some(Hover {
            contents: format!(
                "```clearance\n{}\n```\n`{}`\n\n{}",
                entry.written, entry.shown_type, entry.meaning
            ),
            start,
            end,
        });
    }
    let name = names::name_use_at(project, file, offset);
    if let Some(name) = &name
        && let Some(contents) = names::hover(project, &name.target)
    {
        return Some(Hover {
            contents,
            start: name.start,
            end: name.end,
        });
    }
    // A binding is itself even where a definition has its name: its type.
    let resolved = match &name {
        Some(name) if names::is_binding(&name.target) => None,
        _ => resolve(project, file, offset),
    };
    let Some((def, start, end)) = resolved else {
        // A binding's declaration: the type it was declared with.
        if let Some(name) = &name
            && let clearance_compiler::check::NameTarget::Binding { ty } = &name.target
        {
            return Some(Hover {
                contents: format!(
                    "```clearance\n{}\n```\n{}",
                    &text[name.start..name.end],
                    names::describe_type(ty)
                ),
                start: name.start,
                end: name.end,
            });
        }
        // A binding or any other expression: its type.
        let (ty, start, end) = names::type_at(project, file, offset)?;
        return Some(Hover {
            contents: format!(
                "```clearance\n{}\n```\n{}",
                clearance_compiler::syntax::format::one_line(&text[start..end]),
                names::describe_type(&ty)
            ),
            start,
            end,
        });
    };
    let item = def.item(db);
    let module = module_index(db)
        .module_key(def.file)
        .unwrap_or("")
        .to_string();
    let mut contents = format!(
        "```clearance\n{} {}\n```\n",
        def.key.kind.keyword(),
        def.key.name
    );
    match def.key.kind {
        ItemKind::Rule => {
            let rule = clearance_compiler::check::rule::rule_ir(db, item);
            contents.push_str(&format!(
                "**{}**\n\nseverity `{}` · category `{}`",
                rule.title.best(lang(language)),
                rule.severity.as_str(),
                rule.category.as_str()
            ));
            // Each requirement with its title in the catalogue, then the sentences cited.
            for id in &rule.requirements {
                let title = module_index(db)
                    .requirements
                    .get(id)
                    .and_then(|requirement| {
                        let syntax =
                            clearance_compiler::items::item_syntax(db, requirement.item(db))?;
                        let ItemData::Requirement(requirement) = &syntax.data else {
                            return None;
                        };
                        let texts = requirement.title.as_ref()?;
                        texts
                            .get(lang(language))
                            .or_else(|| texts.entries.first())
                            .map(|text| text.plain())
                    });
                contents.push_str(&format!(
                    "\n\nimplements `{id}`{}",
                    title.map_or(String::new(), |title| format!(": {title}"))
                ));
            }
            for citation in &rule.citations {
                contents.push_str(&format!(
                    "\n\n> {}\n\n— {}",
                    citation.quote, citation.source
                ));
            }
        }
        ItemKind::Record => {
            let record = clearance_compiler::defs::record_def(db, item);
            for field in &record.fields {
                contents.push_str(&format!("- `{}: {}`\n", field.name, field.ty));
            }
        }
        ItemKind::Codelist => {
            let codelist = clearance_compiler::defs::codelist_def(db, item);
            // Both labels: an analyst reads a code in the language of the source.
            for code in codelist.codes.iter().take(30) {
                let labels: Vec<&str> = [code.label.en.as_deref(), code.label.fr.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                contents.push_str(&format!("- `{}` {}\n", code.name, labels.join(" · ")));
            }
            if codelist.codes.len() > 30 {
                contents.push_str(&format!("- … {} codes in all\n", codelist.codes.len()));
            }
        }
        _ => {}
    }
    if !module.is_empty() {
        contents.push_str(&format!("\n\nin `{module}`"));
    }
    Some(Hover {
        contents,
        start,
        end,
    })
}

/// What may be written at `offset`: keywords, builtin functions and the names in scope,
/// those that start with the word already typed.
pub fn completions(project: &Project, path: &str, offset: usize) -> Vec<Completion> {
    let Some(file) = project.file(path) else {
        return Vec::new();
    };
    let db = project.db();
    let text = file.text(db);
    let offset = offset.min(text.len());
    let prefix = word_at(text, offset, false)
        .map(|(start, _)| &text[start..offset])
        .unwrap_or("");
    let before = &text[..offset - prefix.len()];
    let after_dot = before.ends_with('.');
    let name = names::name_use_at(project, file, offset).or_else(|| {
        // An operand not written yet is an empty name just after its operator: `mode == |`.
        let operand_at = before.trim_end_matches([' ', '\t']).len();
        if !prefix.is_empty() || operand_at == offset {
            return None;
        }
        names::name_use_at(project, file, operand_at).filter(|name| name.start == name.end)
    });
    let mut completions: Vec<Completion> = Vec::new();
    // What the checker knows of the word typed: the record a field is read from, the list a
    // code belongs to, the bindings in scope.
    match name.as_ref().map(|name| &name.target) {
        Some(clearance_compiler::check::NameTarget::Field { record, .. }) => {
            for (field, ty) in names::fields_of(project, record) {
                if field.starts_with(prefix) {
                    completions.push(Completion {
                        label: field,
                        kind: CompletionKind::Field,
                        detail: Some(ty.to_string()),
                    });
                }
            }
        }
        Some(clearance_compiler::check::NameTarget::Code { codelist, .. }) => {
            if let Some(list) = clearance_compiler::defs::codelist_by_path(db, codelist) {
                for code in list
                    .codes
                    .iter()
                    .filter(|code| code.name.starts_with(prefix))
                {
                    completions.push(Completion {
                        label: code.name.clone(),
                        kind: CompletionKind::Code,
                        detail: code.label.en.clone().or_else(|| code.label.fr.clone()),
                    });
                }
            }
        }
        Some(clearance_compiler::check::NameTarget::MoneyField) => {
            for (field, ty) in [("amount", "Decimal"), ("currency", "Currency")] {
                if field.starts_with(prefix) {
                    completions.push(Completion {
                        label: field.to_string(),
                        kind: CompletionKind::Field,
                        detail: Some(ty.to_string()),
                    });
                }
            }
        }
        Some(clearance_compiler::check::NameTarget::Unknown { bindings }) => {
            for (binding, ty) in bindings.iter().rev() {
                if binding.starts_with(prefix)
                    && !completions.iter().any(|known| &known.label == binding)
                {
                    completions.push(Completion {
                        label: binding.clone(),
                        kind: CompletionKind::Local,
                        detail: Some(ty.to_string()),
                    });
                }
            }
        }
        // A binding written in full: the names of the scope follow, as for any word.
        Some(
            clearance_compiler::check::NameTarget::Local { .. }
            | clearance_compiler::check::NameTarget::Binding { .. },
        )
        | None => {}
    }
    // After a `.` come only fields and codes.
    if after_dot {
        return completions;
    }
    let mut push = |label: &str, kind: CompletionKind, detail: Option<String>| {
        if label.starts_with(prefix) && !completions.iter().any(|c| c.label == label) {
            completions.push(Completion {
                label: label.to_string(),
                kind,
                detail,
            });
        }
    };
    for keyword in KEYWORDS {
        push(keyword, CompletionKind::Keyword, None);
    }
    for entry in BUILTINS.iter().filter(|entry| entry.form == Form::Call) {
        push(
            entry.name,
            CompletionKind::Builtin,
            Some(format!("{} {}", entry.written, entry.shown_type)),
        );
    }
    let scope = file_scope(db, file);
    let kinds = [
        ItemKind::Record,
        ItemKind::Codelist,
        ItemKind::TypeAlias,
        ItemKind::Const,
        ItemKind::Table,
        ItemKind::Function,
        ItemKind::Fixture,
        ItemKind::Calendar,
        ItemKind::Holidays,
    ];
    for name in scope.names_of(&kinds) {
        if let Some(def) = scope.get(name) {
            push(
                name,
                CompletionKind::Definition(def.kind()),
                Some(def.kind().keyword().to_string()),
            );
        }
    }
    completions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let mut project = Project::default();
        project.add_file(
            "rules.clr",
            "ruleset t\n  title en \"T\" fr \"T\"\n  version \"1\"\n  source CAS \"C\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nconst limit: Int = 3\n\nrule R-1\n  title en \"Limit\" fr \"Limite\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  cites CAS \"la masse brute\"\n  require size(declaration.items) <= limit\n  message en \"m\" fr \"m\"\n",
        );
        project.add_file(
            "requirements.clr",
            "module requirements\n\nrequirement CAS-MASS-01\n  title en \"Mass\" fr \"Masse\"\n  cites CAS \"masse\"\n",
        );
        project
    }

    fn at(project: &Project, needle: &str) -> usize {
        let text = project
            .file("rules.clr")
            .unwrap()
            .text(project.db())
            .clone();
        text.rfind(needle).unwrap() + 1
    }

    #[test]
    fn definitions_of_a_constant_a_record_in_the_standard_library_and_a_requirement() {
        let project = project();
        let constant = definition(&project, "rules.clr", at(&project, "<= limit") + 3).unwrap();
        let text = project.file("rules.clr").unwrap().text(project.db());
        assert_eq!(&text[constant.start..constant.end], "limit");
        assert!(text[..constant.start].ends_with("const "));

        let record = definition(&project, "rules.clr", at(&project, ": Declaration") + 2).unwrap();
        assert_eq!(record.path, "stdlib/customs.clr");
        let requirement =
            definition(&project, "rules.clr", at(&project, "CAS-MASS-01") + 3).unwrap();
        assert_eq!(requirement.path, "requirements.clr");
    }

    #[test]
    fn hovers_show_builtins_rules_and_records() {
        let project = project();
        let builtin = hover(
            &project,
            "rules.clr",
            at(&project, "size("),
            Language::English,
        )
        .unwrap();
        assert!(
            builtin.contents.contains("elements of a list or set"),
            "{}",
            builtin.contents
        );
        let rule = hover(&project, "rules.clr", at(&project, "R-1"), Language::French).unwrap();
        assert!(rule.contents.contains("**Limite**"), "{}", rule.contents);
        assert!(
            rule.contents.contains("implements `CAS-MASS-01`: Masse"),
            "{}",
            rule.contents
        );
        assert!(
            rule.contents.contains("> la masse brute\n\n— CAS"),
            "{}",
            rule.contents
        );
        let record = hover(
            &project,
            "rules.clr",
            at(&project, ": Declaration") + 2,
            Language::English,
        )
        .unwrap();
        assert!(
            record.contents.contains("- `items: list of Item`"),
            "{}",
            record.contents
        );
    }

    #[test]
    fn completions_start_with_the_word_typed_and_only_fields_after_a_dot() {
        let project = project();
        let offset = at(&project, "limit");
        let labels: Vec<String> = completions(&project, "rules.clr", offset)
            .into_iter()
            .map(|completion| completion.label)
            .collect();
        assert!(labels.contains(&"limit".to_string()), "{labels:?}");
        assert!(labels.contains(&"lower".to_string()), "{labels:?}");
        assert!(
            labels.iter().all(|label| label.starts_with('l')),
            "{labels:?}"
        );
        let after_dot = at(&project, ".items") + 1;
        let fields: Vec<String> = completions(&project, "rules.clr", after_dot)
            .into_iter()
            .map(|completion| completion.label)
            .collect();
        assert_eq!(
            fields,
            [
                "importer",
                "incoterm",
                "invoice_value",
                "items",
                "invalidation_requested_at",
                "invalidation_special_provision"
            ]
        );
    }
}
