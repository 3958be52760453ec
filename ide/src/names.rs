//! Fields, codes and the types of expressions under the cursor, from what the checker recorded
//! of each body: which record a field was read from, which list a code belongs to, the type of
//! every node and the bindings in scope where a name resolved to nothing.

use clearance_compiler::check::{CheckedItem, NameTarget, NameUse};
use clearance_compiler::db::{ItemId, SourceFile};
use clearance_compiler::defs::{codelist_by_path, record_by_path};
use clearance_compiler::diagnostics::Text;
use clearance_compiler::items::{file_header, item_syntax, parsed_file};
use clearance_compiler::project::Project;
use clearance_compiler::resolve::{module_index, resolve_path};
use clearance_compiler::syntax::ast::{ItemData, ItemKind};
use clearance_compiler::text;
use clearance_compiler::types::{DefPath, Type};

use crate::FileRange;

/// A name the checker resolved, with its extent in the file.
#[derive(Clone, Debug)]
pub(crate) struct NameAt {
    pub target: NameTarget,
    pub start: usize,
    pub end: usize,
}

/// The item of `file` whose text holds `offset` (its end included, where the cursor stands
/// after the last word), and where it starts.
fn item_at(project: &Project, file: SourceFile, offset: usize) -> Option<(ItemId<'_>, usize)> {
    let db = project.db();
    let parsed = parsed_file(db, file);
    let item = parsed.item_at(offset)?;
    Some((
        ItemId::new(db, file, item.key.clone()),
        item.offset as usize,
    ))
}

/// The field or code written at `offset`, or the name there that resolved to nothing.
pub(crate) fn name_use_at(project: &Project, file: SourceFile, offset: usize) -> Option<NameAt> {
    let db = project.db();
    let (item, item_start) = item_at(project, file, offset)?;
    let checked = CheckedItem::of(db, item)?;
    innermost_name(checked.names(), offset.checked_sub(item_start)?).map(|name| NameAt {
        target: name.target.clone(),
        start: item_start + name.span.start as usize,
        end: item_start + name.span.end as usize,
    })
}

/// The innermost recorded name that holds `relative` (an offset in the item): a name inside a
/// template is recorded after its string's span.
fn innermost_name(names: &[NameUse], relative: usize) -> Option<&NameUse> {
    names
        .iter()
        .filter(|name| (name.span.start as usize..=name.span.end as usize).contains(&relative))
        .min_by_key(|name| name.span.end - name.span.start)
}

/// Whether a recorded name is a binding: its declaration or a use.
pub(crate) fn is_binding(target: &NameTarget) -> bool {
    matches!(
        target,
        NameTarget::Local { .. } | NameTarget::Binding { .. }
    )
}

/// The type of the smallest checked expression under `offset`, with its extent.
pub(crate) fn type_at(
    project: &Project,
    file: SourceFile,
    offset: usize,
) -> Option<(Type, usize, usize)> {
    let db = project.db();
    let (item, item_start) = item_at(project, file, offset)?;
    let checked = CheckedItem::of(db, item)?;
    let relative = offset.checked_sub(item_start)?;
    let body = checked.body();
    checked
        .spans()
        .iter()
        .enumerate()
        .filter(|(_, span)| {
            span.start < span.end && (span.start as usize..span.end as usize).contains(&relative)
        })
        .filter_map(|(index, span)| {
            let ty = body.types.get(index)?;
            (!ty.is_error()).then_some((ty, span))
        })
        .min_by_key(|(_, span)| span.end - span.start)
        .map(|(ty, span)| {
            (
                ty.clone(),
                item_start + span.start as usize,
                item_start + span.end as usize,
            )
        })
}

/// A type as hover shows it: with the unit a quantity is stored in, or the currency of money.
pub(crate) fn describe_type(ty: &Type) -> String {
    let unit = match ty.unwrap_optional().base() {
        Type::Quantity(dimension) => format!(" · in `{}`", dimension.base_unit()),
        Type::Money(Some(currency)) => format!(" · in `{currency}`"),
        Type::Money(None) => " · in any currency".to_string(),
        _ => String::new(),
    };
    let absent = if ty.is_optional() {
        " · may be absent"
    } else {
        ""
    };
    format!("`{ty}`{unit}{absent}")
}

/// The module whose synthetic record `inputs` a rule set's examples build, and that rule set.
fn inputs_file(project: &Project, record: &DefPath) -> Option<SourceFile> {
    if record.name.as_ref() != "inputs" {
        return None;
    }
    let db = project.db();
    let index = module_index(db);
    let entry = index.modules.get(record.module.as_ref())?;
    // A record really named `inputs` is that record.
    if entry.get("inputs").is_some() {
        return None;
    }
    Some(entry.file)
}

/// The fields of a record, by name and type: a declared record's, or a rule set's inputs.
pub(crate) fn fields_of(project: &Project, record: &DefPath) -> Vec<(String, Type)> {
    let db = project.db();
    if let Some(file) = inputs_file(project, record) {
        return clearance_compiler::defs::ruleset_inputs(db, file)
            .inputs
            .clone();
    }
    record_by_path(db, record)
        .map(|def| {
            def.fields
                .iter()
                .map(|field| (field.name.clone(), field.ty.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Where a field or a code is declared: its name in the record, the code list or the rule set's
/// `input` clause.
pub(crate) fn declaration(project: &Project, target: &NameTarget) -> Option<FileRange> {
    let db = project.db();
    match target {
        NameTarget::Field {
            record,
            index: Some(index),
        } => {
            let name = fields_of(project, record)
                .into_iter()
                .nth(*index as usize)?
                .0;
            if let Some(file) = inputs_file(project, record) {
                let header = file_header(db, file)?;
                let input = header.inputs.iter().find(|input| input.name.text == name)?;
                let start = parsed_file(db, file).items.first()?.offset as usize;
                return Some(FileRange {
                    path: file.path(db).clone(),
                    start: start + input.name.span.start as usize,
                    end: start + input.name.span.end as usize,
                });
            }
            name_in_item(project, record, |data| match data {
                ItemData::Record(item) => item
                    .fields
                    .iter()
                    .find(|field| field.name.text == name)
                    .map(|field| field.name.span),
                _ => None,
            })
        }
        NameTarget::Code {
            codelist,
            index: Some(index),
        } => {
            let name = codelist_by_path(db, codelist)?
                .codes
                .get(*index as usize)?
                .name
                .clone();
            name_in_item(project, codelist, |data| match data {
                ItemData::Codelist(item) => item
                    .entries
                    .iter()
                    .find(|entry| entry.name.text == name)
                    .map(|entry| entry.name.span),
                _ => None,
            })
        }
        _ => None,
    }
}

/// The range in its file of the name that `find` picks in the syntax of the item at `path`.
fn name_in_item(
    project: &Project,
    path: &DefPath,
    find: impl Fn(&ItemData) -> Option<clearance_compiler::syntax::ast::Span>,
) -> Option<FileRange> {
    let db = project.db();
    let def = resolve_path(db, path)?;
    let syntax = item_syntax(db, def.item(db))?;
    let span = find(&syntax.data)?;
    let start = parsed_file(db, def.file).find(&def.key)?.offset as usize;
    Some(FileRange {
        path: def.file.path(db).clone(),
        start: start + span.start as usize,
        end: start + span.end as usize,
    })
}

/// Every place a body of the project names the field or code, as the checker resolved it.
pub(crate) fn uses(project: &Project, target: &NameTarget) -> Vec<FileRange> {
    let db = project.db();
    let mut found = Vec::new();
    for &file in project.files() {
        let parsed = parsed_file(db, file);
        for parsed_item in &parsed.items {
            let item = ItemId::new(db, file, parsed_item.key.clone());
            let Some(checked) = CheckedItem::of(db, item) else {
                continue;
            };
            let start = parsed_item.offset as usize;
            for name in checked.names() {
                if name.target == *target {
                    found.push(FileRange {
                        path: file.path(db).clone(),
                        start: start + name.span.start as usize,
                        end: start + name.span.end as usize,
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
    found.dedup();
    found
}

/// Hover for a field or a code: what it belongs to, its type or labels, and its documentation.
pub(crate) fn hover(project: &Project, target: &NameTarget) -> Option<String> {
    let db = project.db();
    match target {
        NameTarget::Field {
            record,
            index: Some(index),
        } => {
            let (name, ty) = fields_of(project, record)
                .into_iter()
                .nth(*index as usize)?;
            if inputs_file(project, record).is_some() {
                return Some(format!(
                    "```clearance\ninput {name}: {ty}\n```\n{}\n\nan input of the rule set",
                    describe_type(&ty)
                ));
            }
            let docs = record_by_path(db, record)
                .and_then(|def| {
                    def.fields
                        .get(*index as usize)
                        .map(|field| field.docs.join("\n"))
                })
                .unwrap_or_default();
            Some(format!(
                "```clearance\n{name}: {ty}\n```\n{}\n\nfield of record `{}` in `{}`{}",
                describe_type(&ty),
                record.name,
                record.module,
                if docs.is_empty() {
                    String::new()
                } else {
                    format!("\n\n{docs}")
                }
            ))
        }
        NameTarget::Code {
            codelist,
            index: Some(index),
        } => {
            let list = codelist_by_path(db, codelist)?;
            let code = list.codes.get(*index as usize)?;
            let mut contents = format!("```clearance\n{}.{}\n```\n", codelist.name, code.name);
            for (language, label) in [("en", &code.label.en), ("fr", &code.label.fr)] {
                if let Some(label) = label {
                    contents.push_str(&format!("- {language}: {label}\n"));
                }
            }
            contents.push_str(&format!("\nwritten `{}` in data", code.external));
            if !code.aliases.is_empty() {
                let aliases: Vec<String> = code
                    .aliases
                    .iter()
                    .map(|alias| format!("`{alias}`"))
                    .collect();
                contents.push_str(&format!(" (also {})", aliases.join(", ")));
            }
            contents.push_str(&format!(
                "\n\ncode of `{}` in `{}`",
                codelist.name, codelist.module
            ));
            if !code.docs.is_empty() {
                contents.push_str(&format!("\n\n{}", code.docs.join("\n")));
            }
            Some(contents)
        }
        _ => None,
    }
}

/// Why a field may not be renamed: it names data read from outside (the rule set's inputs or a
/// data file), whose keys would no longer bind to it. `written` is the field as written.
pub(crate) fn read_from_data(project: &Project, record: &DefPath, written: &str) -> Option<Text> {
    let db = project.db();
    if inputs_file(project, record).is_some() {
        return Some(text!("rename--field-read-from-inputs", name = written));
    }
    for &file in project.files() {
        for (input, ty) in &clearance_compiler::defs::ruleset_inputs(db, file).inputs {
            if reaches(project, ty, record, &mut Vec::new()) {
                return Some(text!(
                    "rename--field-read-from-input",
                    name = written,
                    record = record.name,
                    input = input,
                    path = file.path(db)
                ));
            }
        }
        for parsed_item in &parsed_file(db, file).items {
            if parsed_item.key.kind != ItemKind::Const {
                continue;
            }
            let item = ItemId::new(db, file, parsed_item.key.clone());
            let checked = clearance_compiler::check::items::check_const(db, item);
            if checked.ir.data.is_some() {
                let ty = &clearance_compiler::check::items::const_signature(db, item).ty;
                if reaches(project, ty, record, &mut Vec::new()) {
                    return Some(text!(
                        "rename--field-read-from-data-file",
                        name = written,
                        record = record.name,
                        constant = parsed_item.key.name
                    ));
                }
            }
        }
    }
    None
}

fn reaches(project: &Project, ty: &Type, record: &DefPath, seen: &mut Vec<DefPath>) -> bool {
    match ty {
        Type::Record(path) => {
            if path == record {
                return true;
            }
            if seen.contains(path) {
                return false;
            }
            seen.push(path.clone());
            fields_of(project, path)
                .iter()
                .any(|(_, field)| reaches(project, field, record, seen))
        }
        Type::List(inner) | Type::Set(inner) | Type::Optional(inner) => {
            reaches(project, inner, record, seen)
        }
        Type::Refined(refined) => reaches(project, &refined.base, record, seen),
        _ => false,
    }
}

/// The field or code declared at `offset`: a field of a record, a code of a code list, an input
/// of a rule set.
pub(crate) fn declared_at(project: &Project, file: SourceFile, offset: usize) -> Option<NameAt> {
    let db = project.db();
    let (item, item_start) = item_at(project, file, offset)?;
    let relative = offset.checked_sub(item_start)?;
    let within = |span: clearance_compiler::syntax::ast::Span| {
        (span.start as usize..=span.end as usize).contains(&relative)
    };
    let syntax = item_syntax(db, item)?;
    let def = clearance_compiler::resolve::DefRef {
        file,
        key: item.key(db).clone(),
    };
    let (target, span) = match &syntax.data {
        ItemData::Record(record) => {
            let path = clearance_compiler::resolve::def_path(db, &def);
            let field = record.fields.iter().find(|field| within(field.name.span))?;
            let (index, _) = record_by_path(db, &path)?.field(&field.name.text)?;
            (
                NameTarget::Field {
                    record: path,
                    index: Some(index),
                },
                field.name.span,
            )
        }
        ItemData::Codelist(codelist) => {
            let path = clearance_compiler::resolve::def_path(db, &def);
            let entry = codelist
                .entries
                .iter()
                .find(|entry| within(entry.name.span))?;
            let index = codelist_by_path(db, &path)?.index(&entry.name.text)?;
            (
                NameTarget::Code {
                    codelist: path,
                    index: Some(index),
                },
                entry.name.span,
            )
        }
        ItemData::Header(header) => {
            let input = header.inputs.iter().find(|input| within(input.name.span))?;
            let (record, inputs) = clearance_compiler::check::items::inputs_record(db, file);
            let index = inputs
                .iter()
                .position(|(name, _)| *name == input.name.text)?;
            (
                NameTarget::Field {
                    record,
                    index: u32::try_from(index).ok(),
                },
                input.name.span,
            )
        }
        _ => return None,
    };
    Some(NameAt {
        target,
        start: item_start + span.start as usize,
        end: item_start + span.end as usize,
    })
}

/// The field or code used or declared at `offset`, when it is one the rules define.
pub(crate) fn known_target_at(
    project: &Project,
    file: SourceFile,
    offset: usize,
) -> Option<NameAt> {
    name_use_at(project, file, offset)
        .or_else(|| declared_at(project, file, offset))
        .filter(|name| {
            matches!(
                name.target,
                NameTarget::Field { index: Some(_), .. } | NameTarget::Code { index: Some(_), .. }
            )
        })
}

/// Whether the record or code list that declares the target is in the standard library.
pub(crate) fn declared_in_stdlib(project: &Project, target: &NameTarget) -> bool {
    declaration(project, target).is_some_and(|range| {
        project
            .file(&range.path)
            .is_some_and(|file| project.is_stdlib(file))
    })
}

/// The binding (a `let`, a loop variable, a parameter) named at `offset`: where it is declared
/// first, then every use, in its item; what the checker resolved, so that a binding that
/// shadows a definition of the same name is itself, and another binding of the same name is
/// another.
pub(crate) fn local_at(
    project: &Project,
    file: SourceFile,
    offset: usize,
) -> Option<Vec<FileRange>> {
    let db = project.db();
    let (item, item_start) = item_at(project, file, offset)?;
    let checked = CheckedItem::of(db, item)?;
    let name = innermost_name(checked.names(), offset.checked_sub(item_start)?)?;
    let declared = match name.target {
        NameTarget::Local { declared } => declared,
        NameTarget::Binding { .. } => name.span,
        _ => return None,
    };
    let path = file.path(db);
    let range = |span: clearance_compiler::syntax::ast::Span| FileRange {
        path: path.clone(),
        start: item_start + span.start as usize,
        end: item_start + span.end as usize,
    };
    let mut places = vec![range(declared)];
    for use_of in checked.names() {
        if use_of.target == (NameTarget::Local { declared }) {
            let place = range(use_of.span);
            if !places.contains(&place) {
                places.push(place);
            }
        }
    }
    places[1..].sort_by_key(|place| place.start);
    Some(places)
}

/// Whether the item that holds `offset` declares a binding called `name`: there, a definition
/// renamed to `name` would be hidden by it.
pub(crate) fn declares_local(
    project: &Project,
    file: SourceFile,
    offset: usize,
    name: &str,
) -> bool {
    let db = project.db();
    let Some((item, item_start)) = item_at(project, file, offset) else {
        return false;
    };
    let Some(checked) = CheckedItem::of(db, item) else {
        return false;
    };
    let text = file.text(db);
    checked.names().iter().any(|use_of| {
        matches!(use_of.target, NameTarget::Binding { .. })
            && text
                .get(item_start + use_of.span.start as usize..item_start + use_of.span.end as usize)
                == Some(name)
    })
}
