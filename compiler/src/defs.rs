//! Signatures of definitions: record fields, code lists, the parameters and results of
//! functions and tables, rule set inputs. Checking a rule body reads these, never the bodies
//! of other definitions, so an edit inside one body re-checks that body alone.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{Db, ItemId, ItemKey, SourceFile};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::LangTexts;
use crate::items::{file_header, file_items, item_syntax};
use crate::resolve::{DefRef, def_path, file_scope, resolve_path, resolve_type};
use crate::syntax::ast::{ItemData, ItemKind, Lang, Param, Texts};
use crate::types::{DefPath, Type};

/// The plain text of `texts` by language (interpolations shown as `{…}`).
pub fn lang_texts(texts: Option<&Texts>) -> LangTexts {
    let Some(texts) = texts else {
        return LangTexts::default();
    };
    LangTexts {
        en: texts.get(Lang::En).map(|text| text.plain()),
        fr: texts.get(Lang::Fr).map(|text| text.plain()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDef {
    pub path: DefPath,
    pub fields: Vec<FieldDef>,
    pub diagnostics: Vec<Diagnostic>,
}

impl RecordDef {
    pub fn field(&self, name: &str) -> Option<(u32, &FieldDef)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, field)| field.name == name)
            .and_then(|(index, field)| u32::try_from(index).ok().map(|index| (index, field)))
    }
}

#[salsa::tracked(returns(clone))]
pub fn record_def<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<RecordDef> {
    let def = DefRef {
        file: item.file(db),
        key: item.key(db).clone(),
    };
    let mut record = RecordDef {
        path: def_path(db, &def),
        fields: Vec::new(),
        diagnostics: Vec::new(),
    };
    let Some(syntax) = item_syntax(db, item) else {
        return Arc::new(record);
    };
    let ItemData::Record(record_item) = &syntax.data else {
        return Arc::new(record);
    };
    let scope = file_scope(db, def.file);
    for field in &record_item.fields {
        let ty = resolve_type(db, scope, &field.ty, &mut record.diagnostics);
        if record.field(&field.name.text).is_some() {
            record.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DuplicateField,
                    field.name.span,
                    text!(
                        "duplicate-field--field-declared-twice",
                        name = field.name.text
                    ),
                )
                .with_help(text!("help--remove-one-two-declarations")),
            );
            continue;
        }
        if matches!(ty, Type::Optional(ref inner) if matches!(**inner, Type::List(_) | Type::Set(_)))
        {
            record.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::NotOptional,
                    field.ty.span,
                    text!("not-optional--list-never-absent-missing"),
                )
                .with_help(text!("help--remove-test-empty-instead")),
            );
        }
        record.fields.push(FieldDef {
            name: field.name.text.clone(),
            ty,
            docs: field.docs.clone(),
        });
    }
    Arc::new(record)
}

pub fn record_by_path(db: &dyn Db, path: &DefPath) -> Option<Arc<RecordDef>> {
    let def = resolve_path(db, path).filter(|def| def.kind() == ItemKind::Record)?;
    Some(record_def(db, def.item(db)))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeDef {
    pub name: String,
    pub external: String,
    /// Other spellings data may use for the code.
    pub aliases: Vec<String>,
    pub label: LangTexts,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodelistDef {
    pub path: DefPath,
    pub title: LangTexts,
    pub codes: Vec<CodeDef>,
    pub by_name: HashMap<String, u32>,
    /// The shape of the codes an open list accepts besides its own.
    pub open: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CodelistDef {
    pub fn index(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }
}

#[salsa::tracked(returns(clone))]
pub fn codelist_def<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<CodelistDef> {
    let def = DefRef {
        file: item.file(db),
        key: item.key(db).clone(),
    };
    let mut codelist = CodelistDef {
        path: def_path(db, &def),
        title: LangTexts::default(),
        codes: Vec::new(),
        by_name: HashMap::new(),
        open: None,
        diagnostics: Vec::new(),
    };
    let Some(syntax) = item_syntax(db, item) else {
        return Arc::new(codelist);
    };
    let ItemData::Codelist(item) = &syntax.data else {
        return Arc::new(codelist);
    };
    codelist.title = lang_texts(item.title.as_ref());
    if let Some(pattern) = &item.open {
        match regex::Regex::new(&pattern.value) {
            Ok(_) => codelist.open = Some(pattern.value.clone()),
            Err(error) => codelist.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::InvalidRegex,
                    pattern.span,
                    text!("invalid-regex--pattern-valid-regular-expression"),
                )
                .with_primary_label(text!(
                    "label--regex-error",
                    error = crate::resolve::first_line(&error.to_string())
                ))
                .with_help(text!("help--patterns-use-syntax-rust")),
            ),
        }
    }
    let mut externals: HashMap<String, ()> = HashMap::new();
    for entry in &item.entries {
        let external = entry.external.as_ref().map_or_else(
            || entry.name.text.clone(),
            |external| external.value.clone(),
        );
        if codelist.by_name.contains_key(&entry.name.text) {
            codelist.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DuplicateDefinition,
                    entry.name.span,
                    text!(
                        "duplicate-definition--code-listed-twice",
                        name = entry.name.text
                    ),
                )
                .with_help(text!("help--remove-one-two-entries")),
            );
            continue;
        }
        if externals.insert(external.clone(), ()).is_some() {
            codelist.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DuplicateDefinition,
                    entry.name.span,
                    text!(
                        "duplicate-definition--two-codes-written-data",
                        external = external
                    ),
                )
                .with_help(text!("help--each-code-needs-own")),
            );
        }
        for alias in &entry.aliases {
            if externals.insert(alias.value.clone(), ()).is_some() {
                codelist.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::DuplicateDefinition,
                        alias.span,
                        text!(
                            "duplicate-definition--already-stands-code-list",
                            alias = alias.value
                        ),
                    )
                    .with_help(text!("help--each-spelling-data-names")),
                );
            }
        }
        let index = u32::try_from(codelist.codes.len()).unwrap_or(u32::MAX);
        codelist.by_name.insert(entry.name.text.clone(), index);
        codelist.codes.push(CodeDef {
            name: entry.name.text.clone(),
            external,
            aliases: entry
                .aliases
                .iter()
                .map(|alias| alias.value.clone())
                .collect(),
            label: lang_texts(entry.labels.as_ref()),
            docs: entry.docs.clone(),
        });
    }
    Arc::new(codelist)
}

pub fn codelist_by_path(db: &dyn Db, path: &DefPath) -> Option<Arc<CodelistDef>> {
    let def = resolve_path(db, path).filter(|def| def.kind() == ItemKind::Codelist)?;
    Some(codelist_def(db, def.item(db)))
}

/// Parameters and result of a function or table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub path: DefPath,
    pub params: Vec<(String, Type)>,
    /// The type a call gives.
    pub result: Type,
    pub diagnostics: Vec<Diagnostic>,
}

fn resolve_params(
    db: &dyn Db,
    file: SourceFile,
    params: &[Param],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, Type)> {
    let scope = file_scope(db, file);
    params
        .iter()
        .map(|param| {
            (
                param.name.text.clone(),
                resolve_type(db, scope, &param.ty, diagnostics),
            )
        })
        .collect()
}

#[salsa::tracked(returns(clone))]
pub fn function_signature<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Signature> {
    let file = item.file(db);
    let def = DefRef {
        file,
        key: item.key(db).clone(),
    };
    let mut diagnostics = Vec::new();
    let (params, result) = match item_syntax(db, item).as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Function(function)) => (
            resolve_params(db, file, &function.params, &mut diagnostics),
            resolve_type(db, file_scope(db, file), &function.result, &mut diagnostics),
        ),
        _ => (Vec::new(), Type::Error),
    };
    Arc::new(Signature {
        path: def_path(db, &def),
        params,
        result,
        diagnostics,
    })
}

/// How a table combines the rows that match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Policy {
    First,
    Unique,
    Collect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSignature {
    pub signature: Signature,
    pub policy: Policy,
    /// The declared type of each row's value.
    pub row_type: Type,
}

#[salsa::tracked(returns(clone))]
pub fn table_signature<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<TableSignature> {
    let file = item.file(db);
    let def = DefRef {
        file,
        key: item.key(db).clone(),
    };
    let mut diagnostics = Vec::new();
    let mut policy = Policy::First;
    let (params, row_type) = match item_syntax(db, item).as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Table(table)) => {
            if let Some(name) = &table.policy {
                policy = match name.text.as_str() {
                    "first" => Policy::First,
                    "unique" => Policy::Unique,
                    "collect" => Policy::Collect,
                    other => {
                        diagnostics.push(
                            Diagnostic::new(
                                DiagnosticId::UnknownPolicy,
                                name.span,
                                text!("unknown-policy--table-policy", other = other),
                            )
                            .with_primary_label(text!("label--unknown-policy"))
                            .with_help(text!("help--write-policy-first-policy")),
                        );
                        Policy::First
                    }
                };
            }
            (
                resolve_params(db, file, &table.params, &mut diagnostics),
                resolve_type(db, file_scope(db, file), &table.result, &mut diagnostics),
            )
        }
        _ => (Vec::new(), Type::Error),
    };
    let result = match policy {
        Policy::Collect => Type::List(Box::new(row_type.clone())),
        Policy::First | Policy::Unique => row_type.clone(),
    };
    Arc::new(TableSignature {
        signature: Signature {
            path: def_path(db, &def),
            params,
            result,
            diagnostics,
        },
        policy,
        row_type,
    })
}

/// The inputs a rule set declares, with their types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RulesetInputs {
    pub inputs: Vec<(String, Type)>,
    /// Relative to the header item.
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(ref))]
pub fn ruleset_inputs(db: &dyn Db, file: SourceFile) -> RulesetInputs {
    let mut result = RulesetInputs::default();
    let Some(header) = file_header(db, file) else {
        return result;
    };
    let scope = file_scope(db, file);
    for input in &header.inputs {
        if result
            .inputs
            .iter()
            .any(|(name, _)| name == &input.name.text)
        {
            result.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DuplicateDefinition,
                    input.name.span,
                    text!(
                        "duplicate-definition--input-declared-twice",
                        name = input.name.text
                    ),
                )
                .with_help(text!("help--remove-one-two-declarations")),
            );
            continue;
        }
        let ty = resolve_type(db, scope, &input.ty, &mut result.diagnostics);
        result.inputs.push((input.name.text.clone(), ty));
    }
    result
}

/// The key of the header item of a file, for diagnostics relative to it.
pub fn header_key(db: &dyn Db, file: SourceFile) -> Option<ItemKey> {
    file_items(db, file)
        .first()
        .filter(|key| matches!(key.kind, ItemKind::Ruleset | ItemKind::Module))
        .cloned()
}
