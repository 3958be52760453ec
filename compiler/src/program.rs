//! Assembling the whole program: every file's diagnostics, the totality check across
//! definitions, and the linked [`Program`] the runtime loads.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::check::{
    check_calendar, check_const, check_example, check_fixture, check_function, check_table,
    item_diagnostics, rule_ir,
};
use crate::db::{Db, ItemId, SourceFile, workspace};
use crate::defs::{codelist_def, lang_texts, record_def, ruleset_inputs};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::{
    Body, Citation, CodeIr, CodelistIr, FieldIr, InputIr, Link, Node, Program, RecordIr,
    RequirementIr, RulesetIr, SourceIr,
};
use crate::items::{file_header, file_syntax_diagnostics, item_syntax, parsed_file};
use crate::resolve::{CURRENCY_CODELIST, CURRENCY_MODULE, DefRef, def_path, item_name_span};
use crate::syntax::ast::{ItemData, ItemKind};
use crate::types::DefPath;

/// Every diagnostic of one file, with file-absolute spans, in the order of the text.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = file_syntax_diagnostics(db, file).clone();
    let parsed = parsed_file(db, file);
    let cycles = recursion_cycles(db);
    for parsed_item in &parsed.items {
        let item = ItemId::new(db, file, parsed_item.key.clone());
        for diagnostic in item_diagnostics(db, item) {
            diagnostics.push(diagnostic.clone().shifted(parsed_item.offset));
        }
        if let Some((_, cycle)) = cycles
            .iter()
            .find(|(def, _)| def.file == file && def.key == parsed_item.key)
        {
            let span = item_name_span(db, file, &parsed_item.key);
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::RecursiveDefinition,
                    span,
                    text!(
                        "recursive-definition--calls-itself",
                        key = parsed_item.key.name,
                        cycle = cycle
                    ),
                )
                .with_primary_label(text!("label--recursive"))
                .with_help(text!("help--functions-tables-may-call"))
                .shifted(parsed_item.offset),
            );
        }
    }
    for (conflict_file, diagnostic) in input_conflicts(db) {
        if *conflict_file == file {
            diagnostics.push(diagnostic.clone());
        }
    }
    diagnostics.sort_by_key(|diagnostic| {
        let span = diagnostic.primary_span();
        (span.start, span.end)
    });
    diagnostics
}

/// Functions and tables that call themselves, directly or not, with the cycle spelled out.
#[salsa::tracked(returns(ref))]
pub fn recursion_cycles(db: &dyn Db) -> Vec<(DefRef, String)> {
    let mut calls: BTreeMap<DefPath, (DefRef, Vec<DefPath>)> = BTreeMap::new();
    let Some(workspace) = workspace(db) else {
        return Vec::new();
    };
    for file in workspace.files(db) {
        for key in crate::items::file_items(db, *file) {
            let def = DefRef {
                file: *file,
                key: key.clone(),
            };
            let item = def.item(db);
            let callees = match key.kind {
                ItemKind::Function => check_function(db, item).calls.clone(),
                ItemKind::Table => check_table(db, item).calls.clone(),
                _ => continue,
            };
            calls.insert(def_path(db, &def), (def, callees));
        }
    }
    let mut cycles = Vec::new();
    for (start, (def, _)) in &calls {
        // A depth-first search for a path back to `start`.
        let mut stack: Vec<(DefPath, Vec<DefPath>)> = vec![(start.clone(), vec![start.clone()])];
        let mut visited: Vec<DefPath> = Vec::new();
        let mut found = None;
        while let Some((current, path)) = stack.pop() {
            let Some((_, callees)) = calls.get(&current) else {
                continue;
            };
            for callee in callees {
                if callee == start {
                    let mut cycle = path.clone();
                    cycle.push(callee.clone());
                    found = Some(cycle);
                    break;
                }
                if !visited.contains(callee) {
                    visited.push(callee.clone());
                    let mut next = path.clone();
                    next.push(callee.clone());
                    stack.push((callee.clone(), next));
                }
            }
            if found.is_some() {
                break;
            }
        }
        if let Some(cycle) = found {
            let described = cycle
                .iter()
                .map(|path| format!("`{}`", path.name))
                .collect::<Vec<_>>()
                .join(" -> ");
            cycles.push((def.clone(), described));
        }
    }
    cycles
}

/// The union of every rule set's inputs; a name declared with two types is a conflict,
/// reported on the later rule set's header.
#[salsa::tracked(returns(ref))]
pub fn program_inputs(db: &dyn Db) -> Vec<InputIr> {
    input_union(db).0
}

#[salsa::tracked(returns(ref))]
pub fn input_conflicts(db: &dyn Db) -> Vec<(SourceFile, Diagnostic)> {
    input_union(db).1
}

fn input_union(db: &dyn Db) -> (Vec<InputIr>, Vec<(SourceFile, Diagnostic)>) {
    let mut inputs: Vec<InputIr> = Vec::new();
    let mut conflicts = Vec::new();
    let Some(workspace) = workspace(db) else {
        return (inputs, conflicts);
    };
    for file in workspace.files(db) {
        let Some(header) = file_header(db, *file).filter(|header| header.is_ruleset) else {
            continue;
        };
        let offset = parsed_file(db, *file)
            .items
            .first()
            .map_or(0, |item| item.offset);
        for (name, ty) in &ruleset_inputs(db, *file).inputs {
            match inputs.iter().find(|input| &input.name == name) {
                Some(existing)
                    if !crate::check::compatible(ty, &existing.ty)
                        || !crate::check::compatible(&existing.ty, ty) =>
                {
                    let span = header
                        .inputs
                        .iter()
                        .find(|input| &input.name.text == name)
                        .map(|input| input.name.span)
                        .unwrap_or_default();
                    conflicts.push((
                        *file,
                        Diagnostic::new(
                            DiagnosticId::ConflictingInputs,
                            span,
                            text!(
                                "conflicting-inputs--input-has-type-here",
                                name = name,
                                ty = ty,
                                ty2 = existing.ty
                            ),
                        )
                        .with_help(text!("help--rule-sets-run-together"))
                        .shifted(offset),
                    ));
                }
                Some(_) => {}
                None => inputs.push(InputIr {
                    name: name.clone(),
                    ty: ty.clone(),
                }),
            }
        }
    }
    (inputs, conflicts)
}

/// The checked, linked program of the whole workspace.
#[salsa::tracked(returns(clone))]
pub fn program(db: &dyn Db) -> Arc<Program> {
    let Some(workspace) = workspace(db) else {
        return Arc::new(Program::default());
    };
    Arc::new(program_of_files(db, workspace.files(db)))
}

/// The program of some of the workspace's files: a rule set's examples can run while a file it
/// does not use is broken (see [`used_files`]).
pub fn program_of_files(db: &dyn Db, files: &[SourceFile]) -> Program {
    let mut program = Program {
        inputs: program_inputs(db).clone(),
        ..Program::default()
    };
    for file in files {
        let parsed = parsed_file(db, *file);
        let header = file_header(db, *file);
        let mut ruleset = header
            .as_ref()
            .filter(|header| header.is_ruleset)
            .map(|header| {
                let validity = header
                    .effective
                    .as_ref()
                    .map(|effective| crate::check::validity_of(effective, &mut Vec::new()))
                    .unwrap_or_default();
                RulesetIr {
                    hash: crate::hashes::ruleset_hash(db, *file),
                    name: header.name.text.clone(),
                    version: header
                        .version
                        .as_ref()
                        .map(|version| version.value.clone())
                        .unwrap_or_default(),
                    title: lang_texts(header.title.as_ref()),
                    path: file.path(db).clone(),
                    validity,
                    zone: header.zone.as_ref().map(|zone| zone.value.clone()),
                    sources: header
                        .sources
                        .iter()
                        .map(|source| SourceIr {
                            id: source.id.text.clone(),
                            title: source.title.value.clone(),
                            url: source.url.as_ref().map(|url| url.value.clone()),
                        })
                        .collect(),
                    inputs: ruleset_inputs(db, *file)
                        .inputs
                        .iter()
                        .filter_map(|(name, _)| {
                            program
                                .inputs
                                .iter()
                                .position(|input| &input.name == name)
                                .and_then(|index| u32::try_from(index).ok())
                        })
                        .collect(),
                    rules: Vec::new(),
                    examples: Vec::new(),
                }
            });
        // Items come in file order: each example's line is counted on from the previous one,
        // not from the start of the file.
        let text = file.text(db);
        let mut cursor = (0usize, 1usize);
        for parsed_item in &parsed.items {
            let item = ItemId::new(db, *file, parsed_item.key.clone());
            match parsed_item.key.kind {
                ItemKind::Rule => {
                    if let Some(ruleset) = &mut ruleset
                        && !matches!(parsed_item.item.data, ItemData::Broken(_))
                    {
                        ruleset.rules.push((*rule_ir(db, item)).clone());
                    }
                }
                ItemKind::Example => {
                    if let Some(ruleset) = &mut ruleset
                        && !matches!(parsed_item.item.data, ItemData::Broken(_))
                    {
                        let mut example = (*check_example(db, item).ir).clone();
                        let offset = (parsed_item.offset as usize).min(text.len());
                        if offset >= cursor.0 {
                            let between = text.get(cursor.0..offset).unwrap_or("");
                            cursor = (offset, cursor.1 + between.matches('\n').count());
                        } else {
                            let (line, _) = crate::diagnostics::render::line_column(text, offset);
                            cursor = (offset, line);
                        }
                        example.line = u32::try_from(cursor.1).unwrap_or(0);
                        ruleset.examples.push(example);
                    }
                }
                ItemKind::Function => program
                    .functions
                    .push((*check_function(db, item).ir).clone()),
                ItemKind::Table => program.tables.push((*check_table(db, item).ir).clone()),
                ItemKind::Const => program.consts.push((*check_const(db, item).ir).clone()),
                ItemKind::Fixture => program.consts.push((*check_fixture(db, item).ir).clone()),
                ItemKind::Calendar => program
                    .calendars
                    .push((*check_calendar(db, item).ir).clone()),
                ItemKind::Codelist => {
                    let codelist = codelist_def(db, item);
                    program.codelists.push(CodelistIr {
                        path: codelist.path.clone(),
                        codes: codelist
                            .codes
                            .iter()
                            .map(|code| CodeIr {
                                name: code.name.clone(),
                                external: code.external.clone(),
                                aliases: code.aliases.clone(),
                                label: code.label.clone(),
                            })
                            .collect(),
                        open: codelist.open.clone(),
                    });
                }
                ItemKind::Record => {
                    let record = record_def(db, item);
                    program.records.push(RecordIr {
                        path: record.path.clone(),
                        fields: record
                            .fields
                            .iter()
                            .map(|field| FieldIr {
                                name: field.name.clone(),
                                ty: field.ty.clone(),
                            })
                            .collect(),
                    });
                }
                ItemKind::Requirement => {
                    if let Some(syntax) = item_syntax(db, item)
                        && let ItemData::Requirement(requirement) = &syntax.data
                    {
                        let source_titles: HashMap<&str, &str> = header
                            .as_ref()
                            .map(|header| {
                                header
                                    .sources
                                    .iter()
                                    .map(|source| {
                                        (source.id.text.as_str(), source.title.value.as_str())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        program.requirements.push(RequirementIr {
                            id: requirement.id.text.clone(),
                            title: lang_texts(requirement.title.as_ref()),
                            starred: requirement.starred,
                            not_checkable: requirement
                                .not_checkable
                                .as_ref()
                                .map(|reason| reason.value.clone()),
                            built_in: requirement
                                .built_in
                                .as_ref()
                                .map(|reason| reason.value.clone()),
                            citations: requirement
                                .cites
                                .iter()
                                .map(|cite| Citation {
                                    source: cite.source.text.clone(),
                                    source_title: source_titles
                                        .get(cite.source.text.as_str())
                                        .map(|title| title.to_string())
                                        .unwrap_or_default(),
                                    quote: cite.quote.value.clone(),
                                })
                                .collect(),
                            path: file.path(db).clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(ruleset) = ruleset {
            program.rulesets.push(ruleset);
        }
    }
    let currency = DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST);
    program.currency_codelist = program
        .codelists
        .iter()
        .position(|codelist| codelist.path == currency)
        .and_then(|index| u32::try_from(index).ok());
    program.content_hash = crate::hashes::library_hash(db);
    link(&mut program);
    program
}

/// A file and the files of the modules it uses, directly or through them, in workspace order.
pub fn used_files(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    let index = crate::resolve::module_index(db);
    let mut found = vec![file];
    let mut next = 0;
    while let Some(&current) = found.get(next) {
        next += 1;
        for parsed_item in &parsed_file(db, current).items {
            if let ItemData::Use(used) = &parsed_item.item.data
                && let Some(module) = index.modules.get(&used.module.text)
                && !found.contains(&module.file)
            {
                found.push(module.file);
            }
        }
    }
    let order = &index.file_keys;
    found.sort_by_key(|file| order.iter().position(|(candidate, _)| candidate == file));
    found
}

/// Resolves every [`Link`] to its index in the program's tables.
fn link(program: &mut Program) {
    let index_of = |paths: Vec<&DefPath>| -> HashMap<DefPath, u32> {
        paths
            .into_iter()
            .enumerate()
            .filter_map(|(index, path)| {
                u32::try_from(index).ok().map(|index| (path.clone(), index))
            })
            .collect()
    };
    let functions = index_of(program.functions.iter().map(|f| &f.path).collect());
    let tables = index_of(program.tables.iter().map(|t| &t.path).collect());
    let consts = index_of(program.consts.iter().map(|c| &c.path).collect());
    let calendars = index_of(program.calendars.iter().map(|c| &c.path).collect());
    let mut unlinked: Vec<DefPath> = Vec::new();
    let mut resolve = |link: &mut Link, table: &HashMap<DefPath, u32>| {
        link.index = table.get(&link.path).copied();
        if link.index.is_none() && !unlinked.contains(&link.path) {
            unlinked.push(link.path.clone());
        }
    };
    let mut link_body = |body: &mut Body| {
        for node in &mut body.nodes {
            match node {
                Node::Call { function, .. } => resolve(function, &functions),
                Node::TableCall { table, .. } => resolve(table, &tables),
                Node::ConstRef(constant) => resolve(constant, &consts),
                Node::BusinessAdd { calendar, .. } => resolve(calendar, &calendars),
                Node::Builtin {
                    link: Some(calendar),
                    ..
                } => resolve(calendar, &calendars),
                _ => {}
            }
        }
    };
    for function in &mut program.functions {
        link_body(&mut function.body);
    }
    for table in &mut program.tables {
        link_body(&mut table.body);
    }
    for constant in &mut program.consts {
        link_body(&mut constant.body);
    }
    for ruleset in &mut program.rulesets {
        for rule in &mut ruleset.rules {
            link_body(&mut rule.body);
        }
        for example in &mut ruleset.examples {
            link_body(&mut example.body);
        }
    }
    program.unlinked = unlinked;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FunctionIr;
    use crate::types::Type;

    #[test]
    fn linking_lists_what_it_cannot_resolve_and_resolves_the_rest() {
        let known = DefPath::new("m", "known");
        let missing = DefPath::new("m", "missing");
        let mut body = Body::default();
        let resolved = body.push(
            Node::Call {
                function: Link::unresolved(known.clone()),
                args: Vec::new(),
            },
            Type::Int,
        );
        let root = body.push(
            Node::Call {
                function: Link::unresolved(missing.clone()),
                args: Vec::new(),
            },
            Type::Int,
        );
        let mut callee_body = Body::default();
        let callee_root = callee_body.push(Node::Const(crate::ir::Constant::Int(1)), Type::Int);
        let function = |path: DefPath, body: Body, root| FunctionIr {
            path,
            params: Vec::new(),
            result: Type::Int,
            body,
            root,
        };
        let mut program = Program {
            functions: vec![
                function(known.clone(), callee_body, callee_root),
                function(DefPath::new("m", "caller"), body, root),
            ],
            ..Program::default()
        };
        link(&mut program);
        assert_eq!(program.unlinked, vec![missing]);
        let Node::Call { function, .. } = &program.functions[1].body.nodes[resolved.index()] else {
            panic!("the call is still a call");
        };
        assert_eq!(function.index, Some(0));
    }
}
