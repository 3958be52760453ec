//! Name resolution: which module each file is, what each module defines, and what names each
//! file can see.
//!
//! `module_index` depends on the item keys of every file, not on their bodies, so editing a
//! rule body leaves it (and every scope) equal, and salsa reuses them.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::db::{Db, ItemId, ItemKey, SourceFile, workspace};
use crate::diagnostics::{Diagnostic, DiagnosticId, did_you_mean};
use crate::items::{file_header, file_items, item_syntax};
use crate::syntax::ast::{ItemData, ItemKind, Span, TypeExpr, TypeExprKind};
use crate::types::{BUILTIN_TYPE_NAMES, Constraint, DefPath, Refined, Type, builtin_type};

/// A definition: the item that defines it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DefRef {
    pub file: SourceFile,
    pub key: ItemKey,
}

impl DefRef {
    pub fn item<'db>(&self, db: &'db dyn Db) -> ItemId<'db> {
        ItemId::new(db, self.file, self.key.clone())
    }

    pub fn kind(&self) -> ItemKind {
        self.key.kind
    }
}

/// What one file defines, under the module key that other files import it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleEntry {
    pub file: SourceFile,
    pub name: String,
    pub is_ruleset: bool,
    /// Named definitions, by name, in file order (the first of a name that repeats).
    pub defs: IndexMap<String, ItemKey>,
}

impl ModuleEntry {
    pub fn get(&self, name: &str) -> Option<&ItemKey> {
        self.defs.get(name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleIndex {
    /// Module key -> module. `module` files are keyed by their name; rule set files, whose names
    /// repeat across versions, by name, version and path; files without a header by path.
    pub modules: IndexMap<String, ModuleEntry>,
    /// Module key of every file, in workspace order.
    pub file_keys: Vec<(SourceFile, String)>,
    /// Requirements by identifier, from every file (the first of an identifier that repeats).
    pub requirements: IndexMap<String, DefRef>,
    /// `module` headers whose name an earlier file already took.
    pub duplicate_modules: Vec<(SourceFile, String)>,
}

impl ModuleIndex {
    pub fn module_key(&self, file: SourceFile) -> Option<&str> {
        self.file_keys
            .iter()
            .find(|(candidate, _)| *candidate == file)
            .map(|(_, key)| key.as_str())
    }

    pub fn requirement(&self, id: &str) -> Option<&DefRef> {
        self.requirements.get(id)
    }

    /// Module names that `use` can import.
    pub fn importable(&self) -> impl Iterator<Item = &str> {
        self.modules
            .iter()
            .filter(|(_, entry)| !entry.is_ruleset)
            .map(|(key, _)| key.as_str())
    }
}

fn is_named_definition(kind: ItemKind) -> bool {
    !matches!(
        kind,
        ItemKind::Ruleset
            | ItemKind::Module
            | ItemKind::Use
            | ItemKind::Example
            | ItemKind::Requirement
    )
}

#[salsa::tracked(returns(ref))]
pub fn module_index(db: &dyn Db) -> ModuleIndex {
    let mut index = ModuleIndex::default();
    let Some(workspace) = workspace(db) else {
        return index;
    };
    for file in workspace.files(db) {
        let header = file_header(db, *file);
        let keys = file_items(db, *file);
        let (mut key, name, is_ruleset) = match header.as_deref() {
            Some(header) if header.is_ruleset => {
                let version = header
                    .version
                    .as_ref()
                    .map(|version| version.value.clone())
                    .unwrap_or_default();
                (
                    format!("{}@{}#{}", header.name.text, version, file.path(db)),
                    header.name.text.clone(),
                    true,
                )
            }
            Some(header) => (header.name.text.clone(), header.name.text.clone(), false),
            None => (file.path(db).clone(), file.path(db).clone(), false),
        };
        if index.modules.contains_key(&key) {
            index.duplicate_modules.push((*file, key.clone()));
            key = format!("{key}#{}", file.path(db));
        }
        let mut defs: IndexMap<String, ItemKey> = IndexMap::new();
        for item_key in keys {
            if item_key.kind == ItemKind::Requirement && !item_key.name.is_empty() {
                if index.requirement(&item_key.name).is_none() {
                    index.requirements.insert(
                        item_key.name.clone(),
                        DefRef {
                            file: *file,
                            key: item_key.clone(),
                        },
                    );
                }
                continue;
            }
            if is_named_definition(item_key.kind) && !item_key.name.is_empty() {
                defs.entry(item_key.name.clone())
                    .or_insert_with(|| item_key.clone());
            }
        }
        index.file_keys.push((*file, key.clone()));
        index.modules.insert(
            key,
            ModuleEntry {
                file: *file,
                name,
                is_ruleset,
                defs,
            },
        );
    }
    index
}

/// The path of a definition, as types and links name it.
pub fn def_path(db: &dyn Db, def: &DefRef) -> DefPath {
    let module = module_index(db)
        .module_key(def.file)
        .unwrap_or("")
        .to_string();
    DefPath::new(&module, &def.key.name)
}

/// The definition a path names.
pub fn resolve_path(db: &dyn Db, path: &DefPath) -> Option<DefRef> {
    let entry = module_index(db).modules.get(path.module.as_ref())?;
    let key = entry.get(&path.name)?;
    Some(DefRef {
        file: entry.file,
        key: key.clone(),
    })
}

/// The names one file can see: its own definitions and what it imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub module: String,
    /// The names in order of definition; read them with `get`, which uses `positions`.
    names: Vec<(String, DefRef)>,
    /// The position in `names` of each name's first definition: a look-up costs the same in a
    /// file of ten rules as in one of a hundred thousand.
    positions: std::collections::HashMap<String, usize>,
    /// Problems with `use` items and duplicate names, relative to the item they belong to.
    pub diagnostics: Vec<(ItemKey, Diagnostic)>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&DefRef> {
        self.names
            .get(*self.positions.get(name)?)
            .map(|(_, def)| def)
    }

    fn push(&mut self, name: String, def: DefRef) {
        self.positions
            .entry(name.clone())
            .or_insert(self.names.len());
        self.names.push((name, def));
    }

    pub fn names_of(&self, kinds: &[ItemKind]) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .filter(move |(_, def)| kinds.contains(&def.kind()))
            .map(|(name, _)| name.as_str())
    }
}

pub const TYPE_KINDS: &[ItemKind] = &[ItemKind::Record, ItemKind::Codelist, ItemKind::TypeAlias];

#[salsa::tracked(returns(ref))]
pub fn file_scope(db: &dyn Db, file: SourceFile) -> Scope {
    let index = module_index(db);
    let module = index.module_key(file).unwrap_or("").to_string();
    let mut scope = Scope {
        module: module.clone(),
        ..Scope::default()
    };
    let own: Vec<&ItemKey> = file_items(db, file)
        .iter()
        .filter(|key| is_named_definition(key.kind) && !key.name.is_empty())
        .collect();
    for key in &own {
        if scope.get(&key.name).is_some() {
            let span = item_name_span(db, file, key);
            scope.diagnostics.push((
                (*key).clone(),
                Diagnostic::new(
                    DiagnosticId::DuplicateDefinition,
                    span,
                    text!("duplicate-definition--defined-twice-file", key = key.name),
                )
                .with_primary_label(text!("label--second-definition"))
                .with_help(text!("help--rename-one-two-definitions")),
            ));
            continue;
        }
        scope.push(
            key.name.clone(),
            DefRef {
                file,
                key: (*key).clone(),
            },
        );
    }
    for key in file_items(db, file)
        .iter()
        .filter(|key| key.kind == ItemKind::Use)
    {
        let item = ItemId::new(db, file, key.clone());
        let Some(syntax) = item_syntax(db, item) else {
            continue;
        };
        let ItemData::Use(use_item) = &syntax.data else {
            continue;
        };
        let Some(entry) = index
            .modules
            .get(&use_item.module.text)
            .filter(|entry| !entry.is_ruleset)
        else {
            scope.diagnostics.push((
                key.clone(),
                Diagnostic::new(
                    DiagnosticId::UnknownModule,
                    use_item.module.span,
                    text!(
                        "unknown-module--there-module",
                        module = use_item.module.text
                    ),
                )
                .with_primary_label(text!("label--unknown-module"))
                .with_optional_help(did_you_mean(&use_item.module.text, index.importable())),
            ));
            continue;
        };
        let imports: Vec<(String, Span)> = match &use_item.names {
            Some(names) => names
                .iter()
                .map(|name| (name.text.clone(), name.span))
                .collect(),
            None => entry
                .defs
                .iter()
                .filter(|(_, def_key)| !matches!(def_key.kind, ItemKind::Rule | ItemKind::Fixture))
                .map(|(name, _)| (name.clone(), use_item.module.span))
                .collect(),
        };
        let explicit = use_item.names.is_some();
        for (name, span) in imports {
            let Some(def_key) = entry.get(&name) else {
                scope.diagnostics.push((
                    key.clone(),
                    Diagnostic::new(
                        DiagnosticId::UnknownImport,
                        span,
                        text!(
                            "unknown-import--module-has",
                            module = use_item.module.text,
                            name = name
                        ),
                    )
                    .with_primary_label(text!("label--defined-there"))
                    .with_optional_help(did_you_mean(
                        &name,
                        entry.defs.iter().map(|(name, _)| name.as_str()),
                    )),
                ));
                continue;
            };
            if let Some(existing) = scope.get(&name) {
                if explicit && existing.file == file {
                    scope.diagnostics.push((
                        key.clone(),
                        Diagnostic::new(
                            DiagnosticId::DuplicateDefinition,
                            span,
                            text!("duplicate-definition--imported-but-file-also", name = name),
                        )
                        .with_primary_label(text!("label--imported-here"))
                        .with_help(text!("help--remove-import-rename-local")),
                    ));
                }
                continue;
            }
            scope.push(
                name,
                DefRef {
                    file: entry.file,
                    key: def_key.clone(),
                },
            );
        }
    }
    scope
}

/// The span of an item's name, relative to the item, or its start when the tree is broken.
pub fn item_name_span(db: &dyn Db, file: SourceFile, key: &ItemKey) -> Span {
    let item = ItemId::new(db, file, key.clone());
    let Some(syntax) = item_syntax(db, item) else {
        return Span::default();
    };
    let name = match &syntax.data {
        ItemData::Header(header) => Some(header.name.span),
        ItemData::Record(record) => Some(record.name.span),
        ItemData::Codelist(codelist) => Some(codelist.name.span),
        ItemData::TypeAlias(alias) => Some(alias.name.span),
        ItemData::Const(constant) => Some(constant.name.span),
        ItemData::Table(table) => Some(table.name.span),
        ItemData::Function(function) => Some(function.name.span),
        ItemData::Rule(rule) => Some(rule.id.span),
        ItemData::Requirement(requirement) => Some(requirement.id.span),
        ItemData::Fixture(fixture) => Some(fixture.name.span),
        ItemData::Holidays(holidays) => Some(holidays.name.span),
        ItemData::Calendar(calendar) => Some(calendar.name.span),
        ItemData::Example(example) => Some(example.description.span),
        ItemData::Use(use_item) => Some(use_item.module.span),
        ItemData::Broken(_) => None,
    };
    name.unwrap_or(Span::new(0, key.kind.keyword().len()))
}

/// The module that holds the currency code list; money literals and `Money[EUR]` resolve
/// currency codes there, whatever the file imports.
pub const CURRENCY_MODULE: &str = "stdlib.currency";
pub const CURRENCY_CODELIST: &str = "Currency";

/// Resolves a type written in `file`. Diagnostics go to `diagnostics`, relative to the item
/// that holds the type expression.
pub fn resolve_type(
    db: &dyn Db,
    scope: &Scope,
    type_expr: &TypeExpr,
    diagnostics: &mut Vec<Diagnostic>,
) -> Type {
    match &type_expr.kind {
        TypeExprKind::List(element) => {
            Type::List(Box::new(resolve_type(db, scope, element, diagnostics)))
        }
        TypeExprKind::Set(element) => {
            Type::Set(Box::new(resolve_type(db, scope, element, diagnostics)))
        }
        TypeExprKind::Named {
            name,
            argument,
            optional,
        } => {
            let ty = resolve_named_type(db, scope, name, argument.as_ref(), diagnostics);
            if *optional { ty.optional() } else { ty }
        }
    }
}

fn resolve_named_type(
    db: &dyn Db,
    scope: &Scope,
    name: &crate::syntax::ast::Name,
    argument: Option<&crate::syntax::ast::Name>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Type {
    if let Some(builtin) = builtin_type(&name.text) {
        return match (builtin, argument) {
            (Type::Money(None), Some(currency)) => {
                if currency_index(db, &currency.text).is_some() {
                    Type::Money(Some(Arc::from(currency.text.as_str())))
                } else {
                    diagnostics.push(
                        Diagnostic::new(
                            DiagnosticId::UnknownCode,
                            currency.span,
                            text!(
                                "unknown-code--iso-4217-currency-code",
                                target = currency.text
                            ),
                        )
                        .with_primary_label(text!("label--unknown-currency"))
                        .with_optional_help(did_you_mean(
                            &currency.text,
                            currency_names(db).iter().map(String::as_str),
                        )),
                    );
                    Type::Money(None)
                }
            }
            (builtin, Some(extra)) => {
                diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::UnexpectedTypeArgument,
                        extra.span,
                        text!("unexpected-type-argument--takes-argument", name = name.text),
                    )
                    .with_help(text!("help--only-money-takes-one")),
                );
                builtin
            }
            (builtin, None) => builtin,
        };
    }
    let Some(def) = scope
        .get(&name.text)
        .filter(|def| TYPE_KINDS.contains(&def.kind()))
    else {
        let candidates = BUILTIN_TYPE_NAMES
            .iter()
            .copied()
            .chain(scope.names_of(TYPE_KINDS));
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::UnknownType,
                name.span,
                text!("unknown-type--there-type", name = name.text),
            )
            .with_primary_label(text!("label--unknown-type"))
            .with_optional_help(
                did_you_mean(&name.text, candidates)
                    .or_else(|| Some(text!("help--import-the-type"))),
            ),
        );
        return Type::Error;
    };
    if let Some(extra) = argument {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::UnexpectedTypeArgument,
                extra.span,
                text!("unexpected-type-argument--takes-argument", name = name.text),
            )
            .with_help(text!("help--only-money-takes-one")),
        );
    }
    type_of_def(db, def, &mut Vec::new())
}

/// The type a record, code list or alias definition stands for. Alias chains are followed
/// with a guard, so that a cycle of aliases is an error and not a hang.
pub fn type_of_def(db: &dyn Db, def: &DefRef, visiting: &mut Vec<DefRef>) -> Type {
    match def.kind() {
        ItemKind::Record => Type::Record(def_path(db, def)),
        ItemKind::Codelist => Type::Code(def_path(db, def)),
        ItemKind::TypeAlias => {
            if visiting.contains(def) || visiting.len() > 32 {
                return Type::Error;
            }
            visiting.push(def.clone());
            let ty = alias_type(db, def, visiting, &mut Vec::new());
            visiting.pop();
            ty
        }
        _ => Type::Error,
    }
}

/// Resolves an alias definition; diagnostics are only kept when checking the alias itself.
pub fn alias_type(
    db: &dyn Db,
    def: &DefRef,
    visiting: &mut Vec<DefRef>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Type {
    let item = def.item(db);
    let Some(syntax) = item_syntax(db, item) else {
        return Type::Error;
    };
    let ItemData::TypeAlias(alias) = &syntax.data else {
        return Type::Error;
    };
    let scope = file_scope(db, def.file);
    let target = match &alias.ty.kind {
        TypeExprKind::Named {
            name,
            argument: None,
            optional,
        } if builtin_type(&name.text).is_none() => match scope.get(&name.text) {
            Some(target_def) if TYPE_KINDS.contains(&target_def.kind()) => {
                if visiting.contains(target_def) {
                    diagnostics.push(
                        Diagnostic::new(
                            DiagnosticId::RecursiveDefinition,
                            name.span,
                            text!(
                                "recursive-definition--type-defined-terms-itself",
                                name = alias.name.text
                            ),
                        )
                        .with_primary_label(text!("label--refers-back-alias"))
                        .with_help(text!("help--alias-must-end-record")),
                    );
                    return Type::Error;
                }
                let ty = type_of_def(db, &target_def.clone(), visiting);
                if *optional { ty.optional() } else { ty }
            }
            _ => resolve_type(db, scope, &alias.ty, diagnostics),
        },
        _ => resolve_type(db, scope, &alias.ty, diagnostics),
    };
    let Some(refinement) = &alias.refinement else {
        return target;
    };
    let constraint = match refinement {
        crate::syntax::ast::Refinement::Matching(pattern) => {
            if let Err(error) = regex::Regex::new(&pattern.value) {
                diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::InvalidRegex,
                        pattern.span,
                        text!("invalid-regex--pattern-valid-regular-expression"),
                    )
                    .with_primary_label(text!(
                        "label--regex-error",
                        error = first_line(&error.to_string())
                    ))
                    .with_help(text!("help--patterns-use-syntax-rust")),
                );
                return target;
            }
            if !matches!(target.base(), Type::Text) {
                diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::ConstraintTypeMismatch,
                        pattern.span,
                        text!(
                            "constraint-type-mismatch--matching-constrains-texts-but",
                            target = target
                        ),
                    )
                    .with_help(text!("help--use-between-numbers")),
                );
                return target;
            }
            Constraint::Matching(pattern.value.clone())
        }
        crate::syntax::ast::Refinement::Between(low, high) => {
            let parse =
                |raw: &crate::syntax::ast::RawLit| raw.text.parse::<rust_decimal::Decimal>().ok();
            match (parse(low), parse(high)) {
                (Some(low_value), Some(high_value)) if target.is_numeric() => {
                    if low_value > high_value {
                        diagnostics.push(
                            Diagnostic::new(
                                DiagnosticId::InvertedRange,
                                low.span.to(high.span),
                                text!("inverted-range--lower-bound-above-upper"),
                            )
                            .with_help(text!("help--write-smaller-number-first")),
                        );
                    }
                    Constraint::Between(low_value, high_value)
                }
                _ => {
                    diagnostics.push(
                        Diagnostic::new(
                            DiagnosticId::ConstraintTypeMismatch,
                            low.span.to(high.span),
                            text!(
                                "constraint-type-mismatch--between-constrains-numbers-but",
                                target = target
                            ),
                        )
                        .with_help(text!("help--use-matching-texts")),
                    );
                    return target;
                }
            }
        }
    };
    Type::Refined(Arc::new(Refined {
        path: def_path(db, def),
        base: target,
        constraint,
    }))
}

pub fn first_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim()
        .to_string()
}

/// The currency codes, in the order of the currency code list: a money value's currency is
/// its position here.
#[salsa::tracked(returns(ref))]
pub fn currency_names(db: &dyn Db) -> Vec<String> {
    let Some(def) = resolve_path(db, &DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST)) else {
        return Vec::new();
    };
    let Some(syntax) = item_syntax(db, def.item(db)) else {
        return Vec::new();
    };
    match &syntax.data {
        ItemData::Codelist(codelist) => codelist
            .entries
            .iter()
            .map(|entry| entry.name.text.clone())
            .collect(),
        _ => Vec::new(),
    }
}

pub fn currency_index(db: &dyn Db, code: &str) -> Option<u32> {
    currency_names(db)
        .iter()
        .position(|name| name == code)
        .and_then(|index| u32::try_from(index).ok())
}
