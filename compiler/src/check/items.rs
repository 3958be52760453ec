//! Checking the other items: constants, functions, fixtures, examples, calendars, holidays,
//! requirements, records, code lists, aliases and headers; and the per-item diagnostics query.

use std::sync::Arc;

use jiff::civil::Date;

use super::{Checked, Checker};
use crate::db::{Db, ItemId, SourceFile};
use crate::defs::{codelist_def, function_signature, lang_texts, record_def, ruleset_inputs};
use crate::diagnostics::{Diagnostic, DiagnosticId, did_you_mean};
use crate::ir::{
    CalendarIr, ConstIr, DataFormat, DataSourceIr, ExampleIr, ExpectationIr, FunctionIr, Node,
    NodeId, OpeningIr, PathStep,
};
use crate::items::{file_header, file_items, item_syntax};
use crate::resolve::{DefRef, alias_type, def_path, file_scope, module_index, resolve_type};
use crate::syntax::ast::{
    ConstItem, ConstValue, DataPath, Expr, GivenValue, ItemData, ItemKind, Override, PathSegment,
    Span, StrLit,
};
use crate::time::{parse_clock_time, parse_date, time_zone};
use crate::types::{DefPath, Type};

/// The type of a constant, and whether computing it ran into itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstSignature {
    pub ty: Type,
    pub cyclic: bool,
}

fn const_cycle(_db: &dyn Db, _id: salsa::Id, _item: ItemId<'_>) -> Arc<ConstSignature> {
    Arc::new(ConstSignature {
        ty: Type::Error,
        cyclic: true,
    })
}

#[salsa::tracked(returns(clone), cycle_result = const_cycle)]
pub fn const_signature<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<ConstSignature> {
    let syntax = item_syntax(db, item);
    let Some(ItemData::Const(constant)) = syntax.as_deref().map(|syntax| &syntax.data) else {
        return Arc::new(ConstSignature {
            ty: Type::Error,
            cyclic: false,
        });
    };
    // A constant that reaches itself has no type to infer: asking would run in a circle.
    if *const_in_cycle(db, item) {
        return Arc::new(ConstSignature {
            ty: Type::Error,
            cyclic: true,
        });
    }
    if let Some(ty) = &constant.ty {
        let ty = resolve_type(db, file_scope(db, item.file(db)), ty, &mut Vec::new());
        return Arc::new(ConstSignature { ty, cyclic: false });
    }
    let checked = check_const(db, item);
    Arc::new(ConstSignature {
        ty: checked.ir.body.ty(checked.ir.root).clone(),
        cyclic: false,
    })
}

/// The names of a file's rules, once per file: every example of the file looks its
/// expectations up in them.
#[salsa::tracked(returns(ref))]
pub fn rule_names(db: &dyn Db, file: SourceFile) -> std::collections::BTreeSet<String> {
    file_items(db, file)
        .iter()
        .filter(|key| key.kind == ItemKind::Rule)
        .map(|key| key.name.clone())
        .collect()
}

/// The constants a constant's expression names, read from its syntax alone, so that a cycle
/// is found before any type is asked for.
#[salsa::tracked(returns(ref))]
pub fn const_references<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Vec<ItemId<'db>> {
    let syntax = item_syntax(db, item);
    let Some(ItemData::Const(constant)) = syntax.as_deref().map(|syntax| &syntax.data) else {
        return Vec::new();
    };
    let ConstValue::Expr(expression) = &constant.value else {
        return Vec::new();
    };
    let scope = file_scope(db, item.file(db));
    let mut names: Vec<&str> = Vec::new();
    let mut pending: Vec<&Expr> = vec![expression];
    while let Some(expression) = pending.pop() {
        use crate::syntax::ast::ExprKind as K;
        match &expression.kind {
            K::Name(name) => names.push(name),
            K::Field(inner, _) | K::OptionalField(inner, _) | K::Negate(inner) | K::Not(inner) => {
                pending.push(inner)
            }
            K::And(left, right)
            | K::Or(left, right)
            | K::Arith(_, left, right)
            | K::Compare(_, left, right)
            | K::Temporal(_, left, right)
            | K::Otherwise(left, right) => {
                pending.push(left);
                pending.push(right);
            }
            K::Is { operand, .. } => pending.push(operand),
            K::In {
                element,
                collection,
                ..
            } => {
                pending.push(element);
                pending.push(collection);
            }
            K::Call { args, .. } | K::List(args) | K::Set(args) => pending.extend(args),
            K::Quantified { binder, body, .. } => {
                pending.push(&binder.collection);
                pending.push(body);
            }
            K::Count { binder, filter } => {
                pending.push(&binder.collection);
                pending.extend(filter.as_deref());
            }
            K::Aggregate {
                value,
                binder,
                filter,
                ..
            }
            | K::Comprehension {
                value,
                binder,
                filter,
            } => {
                pending.push(value);
                pending.push(&binder.collection);
                pending.extend(filter.as_deref());
            }
            K::If {
                condition,
                then,
                otherwise,
            } => {
                pending.push(condition);
                pending.push(then);
                pending.push(otherwise);
            }
            K::Record(fields) => pending.extend(fields.iter().map(|(_, value)| value)),
            K::Number(_)
            | K::Quantity { .. }
            | K::Text(_)
            | K::Bool(_)
            | K::Date(_)
            | K::DateTime(_)
            | K::Absent
            | K::BusinessOffset { .. } => {}
        }
    }
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| scope.get(name))
        .filter(|def| def.kind() == ItemKind::Const)
        .map(|def| def.item(db))
        .collect()
}

/// Whether a constant reaches itself through the constants it names.
#[salsa::tracked]
pub fn const_in_cycle<'db>(db: &'db dyn Db, item: ItemId<'db>) -> bool {
    let mut pending: Vec<ItemId<'db>> = const_references(db, item).clone();
    let mut seen: Vec<ItemId<'db>> = Vec::new();
    while let Some(next) = pending.pop() {
        if next == item {
            return true;
        }
        if seen.contains(&next) {
            continue;
        }
        seen.push(next);
        pending.extend(const_references(db, next).iter().copied());
    }
    false
}

#[salsa::tracked(returns(clone))]
pub fn check_const<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<ConstIr>> {
    let file = item.file(db);
    let mut checker = Checker::new(db, file);
    let path = def_path(
        db,
        &DefRef {
            file,
            key: item.key(db).clone(),
        },
    );
    let syntax = item_syntax(db, item);
    let mut data = None;
    let root = match syntax.as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Const(constant)) if *const_in_cycle(db, item) => {
            let through: Vec<String> = const_references(db, item)
                .iter()
                .filter(|other| **other != item && *const_in_cycle(db, **other))
                .map(|other| format!("`{}`", other.key(db).name))
                .collect();
            let message = if through.is_empty() {
                text!(
                    "recursive-definition--constant-defined-in-terms-of-itself",
                    name = constant.name.text
                )
            } else {
                text!(
                    "recursive-definition--constant-depends-on-itself-through",
                    name = constant.name.text,
                    through = through.join(", ")
                )
            };
            checker.diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::RecursiveDefinition,
                    constant.name.span,
                    message,
                )
                .with_help(text!("help--constant-must-computable-from")),
            );
            checker.poisoned(constant.name.span)
        }
        Some(ItemData::Const(constant)) => {
            let declared = constant
                .ty
                .as_ref()
                .map(|ty| resolve_type(db, checker.scope, ty, &mut checker.diagnostics));
            match &constant.value {
                ConstValue::Expr(value) => {
                    let node = checker.expr(value, declared.as_ref());
                    match &declared {
                        Some(declared) => checker.coerce(node, declared, value.span),
                        None => node,
                    }
                }
                ConstValue::Data(written) => {
                    data = data_source(
                        file.path(db),
                        constant,
                        written,
                        declared.as_ref(),
                        &mut checker.diagnostics,
                    );
                    checker.poisoned(written.span)
                }
            }
        }
        _ => checker.poisoned(Span::default()),
    };
    let calls = std::mem::take(&mut checker.calls);
    Arc::new(Checked {
        ir: Arc::new(ConstIr {
            path,
            body: checker.body,
            root,
            data,
        }),
        spans: checker.spans,
        diagnostics: checker.diagnostics,
        calls,
        names: checker.names,
    })
}

/// The data file a constant names, when its type and its file name say how to read it.
fn data_source(
    declaring_file: &str,
    constant: &ConstItem,
    written: &StrLit,
    declared: Option<&Type>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<DataSourceIr> {
    let element = match declared {
        Some(Type::List(element)) if matches!(element.as_ref(), Type::Record(_)) => {
            element.as_ref().clone()
        }
        Some(Type::Error) => return None,
        Some(other) => {
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DataFileType,
                    constant
                        .ty
                        .as_ref()
                        .map_or(constant.name.span, |ty| ty.span),
                    text!("data-file-type--data-file-holds-list", other = other),
                )
                .with_help(text!(
                    "help--declare-records-type-const",
                    name = constant.name.text,
                    written = written.value
                )),
            );
            return None;
        }
        None => {
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DataFileType,
                    constant.name.span,
                    text!(
                        "data-file-type--constant-reads-data-file",
                        name = constant.name.text
                    ),
                )
                .with_help(text!(
                    "help--write-records-type-const",
                    name = constant.name.text,
                    written = written.value
                )),
            );
            return None;
        }
    };
    let Some(format) = DataFormat::of_file_name(&written.value) else {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::DataFileFormat,
                written.span,
                text!(
                    "data-file-format--file-clearance-reads-data",
                    written = written.value
                ),
            )
            .with_help(text!("help--name-json-ndjson-csv")),
        );
        return None;
    };
    Some(DataSourceIr {
        file: data_file_name(declaring_file, &written.value),
        format,
        element,
    })
}

/// `folder/rules.clr` and `tariff/measures.json` give `folder/tariff/measures.json`, with `.`
/// and `..` worked out, so that two files naming one data file agree on its name.
pub fn data_file_name(declaring_file: &str, written: &str) -> String {
    if written.starts_with('/') {
        return written.to_string();
    }
    let mut parts: Vec<&str> = declaring_file.split('/').collect();
    parts.pop();
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[salsa::tracked(returns(clone))]
pub fn check_function<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<FunctionIr>> {
    let file = item.file(db);
    let signature = function_signature(db, item);
    let mut checker = Checker::new(db, file);
    checker
        .diagnostics
        .extend(signature.diagnostics.iter().cloned());
    let syntax = item_syntax(db, item);
    let root = match syntax.as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Function(function)) => {
            for ((name, ty), param) in signature.params.iter().zip(&function.params) {
                checker.bind(name, ty.clone(), param.name.span, false);
            }
            let mut lets = Vec::new();
            for binding in &function.lets {
                let value = checker.expr(&binding.value, None);
                let ty = checker.ty(value);
                let local = checker.bind(&binding.name.text, ty, binding.name.span, true);
                lets.push((local, value, binding.name.span));
            }
            let body = checker.expr(&function.body, Some(&signature.result));
            let mut root = checker.coerce(body, &signature.result, function.body.span);
            checker.unbind_to(0);
            for (local, value, span) in lets.into_iter().rev() {
                root = checker.push(
                    Node::Let {
                        local,
                        value,
                        body: root,
                    },
                    signature.result.clone(),
                    span,
                );
            }
            root
        }
        _ => checker.poisoned(Span::default()),
    };
    let calls = std::mem::take(&mut checker.calls);
    Arc::new(Checked {
        ir: Arc::new(FunctionIr {
            path: signature.path.clone(),
            params: signature.params.iter().map(|(_, ty)| ty.clone()).collect(),
            result: signature.result.clone(),
            body: checker.body,
            root,
        }),
        spans: checker.spans,
        diagnostics: checker.diagnostics,
        calls,
        names: checker.names,
    })
}

/// The synthetic record type of a rule set's inputs: what an example's `given` builds.
pub fn inputs_record(db: &dyn Db, file: SourceFile) -> (DefPath, Vec<(String, Type)>) {
    let module = module_index(db).module_key(file).unwrap_or("").to_string();
    (
        DefPath::new(&module, "inputs"),
        ruleset_inputs(db, file).inputs.clone(),
    )
}

impl Checker<'_> {
    /// Checks `given` and `with` of an example or fixture: a record of the rule set's inputs.
    fn given(&mut self, given: Option<&GivenValue>, overrides: &[Override], span: Span) -> NodeId {
        let Some((path, fields)) = self.inputs_record.clone() else {
            return self.poisoned(span);
        };
        let record_type = Type::Record(path.clone());
        let mut node = match given {
            Some(GivenValue::Literal(expr)) => {
                let node = self.expr(expr, Some(&record_type));
                self.coerce(node, &record_type, expr.span)
            }
            Some(GivenValue::Fixture(name)) => match self.scope.get(&name.text).cloned() {
                Some(def) if def.kind() == ItemKind::Fixture && def.file == self.file => {
                    let path = def_path(self.db, &def);
                    self.push(
                        Node::ConstRef(crate::ir::Link::unresolved(path)),
                        record_type.clone(),
                        name.span,
                    )
                }
                _ => {
                    let fixtures: Vec<String> = file_items(self.db, self.file)
                        .iter()
                        .filter(|key| key.kind == ItemKind::Fixture)
                        .map(|key| key.name.clone())
                        .collect();
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::UnknownFixture,
                            name.span,
                            text!("unknown-fixture--rule-set-has-fixture", name = name.text),
                        )
                        .with_primary_label(text!("label--unknown-fixture"))
                        .with_optional_help(
                            did_you_mean(&name.text, fixtures.iter().map(String::as_str)).or_else(
                                || Some(text!("help--define-the-fixture", name = name.text)),
                            ),
                        ),
                    );
                    self.poisoned(name.span)
                }
            },
            None => self.record_literal(&[], span, Some(&record_type)),
        };
        let _ = fields;
        for override_clause in overrides {
            let Some((steps, target)) = self.data_path(&override_clause.path, &record_type) else {
                continue;
            };
            let value = self.expr(&override_clause.value, Some(&target));
            let value = self.coerce(value, &target, override_clause.value.span);
            node = self.push(
                Node::Update {
                    base: node,
                    path: steps,
                    value,
                },
                record_type.clone(),
                override_clause.span,
            );
        }
        node
    }

    fn data_path(&mut self, path: &DataPath, root: &Type) -> Option<(Vec<PathStep>, Type)> {
        let mut steps = Vec::new();
        let mut current = root.clone();
        for segment in &path.segments {
            match segment {
                PathSegment::Field(name) => {
                    let record = match current.base() {
                        Type::Record(record) => record.clone(),
                        Type::Optional(inner) => match inner.base() {
                            Type::Record(record) => {
                                steps.push(PathStep::Present);
                                record.clone()
                            }
                            _ => return self.bad_path(name.span, &current),
                        },
                        _ => return self.bad_path(name.span, &current),
                    };
                    let fields = self.record_fields(&record)?;
                    let index = fields.iter().position(|(field, _)| field == &name.text);
                    self.field_use(name.span, &record, index);
                    let Some(index) = index else {
                        // A name not written yet after a `.`: the parser has said so.
                        if name.text.is_empty() {
                            return None;
                        }
                        self.error(super::expr::unknown_field(
                            name,
                            &Type::Record(record.clone()),
                            fields.iter().map(|(field, _)| field.as_str()),
                        ));
                        return None;
                    };
                    steps.push(PathStep::Field(u32::try_from(index).ok()?));
                    current = fields[index].1.clone();
                }
                PathSegment::Index(index, span) => match current.base() {
                    Type::List(element) | Type::Set(element) => {
                        steps.push(PathStep::Index(*index));
                        current = (**element).clone();
                    }
                    _ => return self.bad_path(*span, &current),
                },
            }
        }
        Some((steps, current))
    }

    fn bad_path<T>(&mut self, span: Span, ty: &Type) -> Option<T> {
        if ty.is_error() {
            return None;
        }
        self.error(
            Diagnostic::new(
                DiagnosticId::InvalidDataPath,
                span,
                text!("invalid-data-path--has-such-part", ty = ty),
            )
            .with_help(text!("help--data-path-names-fields")),
        );
        None
    }
}

fn ruleset_only(db: &dyn Db, file: SourceFile, span: Span, what: &str) -> Option<Diagnostic> {
    let in_ruleset = file_header(db, file).is_some_and(|header| header.is_ruleset);
    (!in_ruleset).then(|| {
        Diagnostic::new(
            DiagnosticId::ExampleOutsideRuleset,
            span,
            text!("example-outside-ruleset--belong-rule-set-file", what = what),
        )
        .with_help(text!("help--examples-fixtures-build-inputs"))
    })
}

#[salsa::tracked(returns(clone))]
pub fn check_fixture<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<ConstIr>> {
    let file = item.file(db);
    let mut checker = Checker::new(db, file);
    let (path, fields) = inputs_record(db, file);
    checker.set_inputs_record(path, fields);
    let own_path = def_path(
        db,
        &DefRef {
            file,
            key: item.key(db).clone(),
        },
    );
    let syntax = item_syntax(db, item);
    let root = match syntax.as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Fixture(fixture)) => {
            if let Some(diagnostic) = ruleset_only(db, file, fixture.name.span, "fixtures") {
                checker.error(diagnostic);
            }
            if let GivenValue::Fixture(name) = &fixture.given
                && name.text == fixture.name.text
            {
                checker.error(
                    Diagnostic::new(
                        DiagnosticId::RecursiveDefinition,
                        name.span,
                        text!(
                            "recursive-definition--fixture-built-from-itself",
                            name = name.text
                        ),
                    )
                    .with_help(text!("help--start-from-record-literal")),
                );
                checker.poisoned(name.span)
            } else {
                checker.given(Some(&fixture.given), &fixture.overrides, fixture.name.span)
            }
        }
        _ => checker.poisoned(Span::default()),
    };
    let calls = std::mem::take(&mut checker.calls);
    Arc::new(Checked {
        ir: Arc::new(ConstIr {
            path: own_path,
            body: checker.body,
            root,
            data: None,
        }),
        spans: checker.spans,
        diagnostics: checker.diagnostics,
        calls,
        names: checker.names,
    })
}

#[salsa::tracked(returns(clone))]
pub fn check_example<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<ExampleIr>> {
    let file = item.file(db);
    let mut checker = Checker::new(db, file);
    let (path, fields) = inputs_record(db, file);
    checker.set_inputs_record(path, fields);
    let syntax = item_syntax(db, item);
    let example = match syntax.as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Example(example)) => Some(example),
        _ => None,
    };
    let given = match example {
        Some(example) => {
            if let Some(diagnostic) = ruleset_only(db, file, example.description.span, "examples") {
                checker.error(diagnostic);
            }
            checker.given(
                example.given.as_ref(),
                &example.overrides,
                example.description.span,
            )
        }
        // A broken example (kept out of the program) is given a poisoned node, not a sentinel.
        None => checker.poisoned(Span::default()),
    };
    let mut ir = ExampleIr {
        description: item.key(db).name.clone(),
        as_of: None,
        body: Default::default(),
        given,
        expectations: Vec::new(),
        line: 0,
    };
    if let Some(example) = example {
        if let Some(as_of) = &example.as_of {
            let text = as_of.text.get(..10).unwrap_or(&as_of.text);
            match parse_date(text) {
                Ok(date) => ir.as_of = Some(date),
                Err(message) => checker.error(
                    Diagnostic::new(DiagnosticId::InvalidLiteral, as_of.span, message)
                        .with_primary_label(text!("label--invalid-date")),
                ),
            }
        }
        let rules = rule_names(db, file);
        for expectation in &example.expects {
            if let Some(rule) = &expectation.rule
                && !rules.contains(&rule.text)
            {
                checker.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownRule,
                        rule.span,
                        text!("unknown-rule--rule-set-has-rule", rule = rule.text),
                    )
                    .with_primary_label(text!("label--unknown-rule"))
                    .with_optional_help(did_you_mean(&rule.text, rules.iter().map(String::as_str))),
                );
                continue;
            }
            ir.expectations.push(ExpectationIr {
                rule: expectation.rule.as_ref().map(|rule| rule.text.clone()),
                outcome: expectation.outcome,
            });
        }
        if example.expects.is_empty() {
            checker.error(
                Diagnostic::new(
                    DiagnosticId::ExampleWithoutExpectation,
                    example.description.span,
                    text!("example-without-expectation--example-expects-nothing-so"),
                )
                .with_help(text!("help--add-expect-rule-id")),
            );
        }
    }
    ir.body = std::mem::take(&mut checker.body);
    let calls = std::mem::take(&mut checker.calls);
    Arc::new(Checked {
        ir: Arc::new(ir),
        spans: checker.spans,
        diagnostics: checker.diagnostics,
        calls,
        names: checker.names,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidaysDef {
    pub dates: Vec<Date>,
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(clone))]
pub fn holidays_def<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<HolidaysDef> {
    let mut def = HolidaysDef {
        dates: Vec::new(),
        diagnostics: Vec::new(),
    };
    let syntax = item_syntax(db, item);
    if let Some(ItemData::Holidays(holidays)) = syntax.as_deref().map(|syntax| &syntax.data) {
        if let Some(title) = &holidays.title {
            super::rule::check_languages(title, &mut def.diagnostics);
        }
        for entry in &holidays.entries {
            match parse_date(&entry.date.text) {
                Ok(date) if def.dates.contains(&date) => def.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::DuplicateDefinition,
                        entry.date.span,
                        text!("duplicate-definition--listed-twice", date = date),
                    )
                    .with_help(text!("help--remove-one-two-entries")),
                ),
                Ok(date) => def.dates.push(date),
                Err(message) => def.diagnostics.push(
                    Diagnostic::new(DiagnosticId::InvalidLiteral, entry.date.span, message)
                        .with_primary_label(text!("label--invalid-date")),
                ),
            }
            super::rule::check_languages(&entry.labels, &mut def.diagnostics);
        }
        def.dates.sort();
    }
    Arc::new(def)
}

fn weekday_number(name: &str) -> Option<i8> {
    Some(match name {
        "monday" => 1,
        "tuesday" => 2,
        "wednesday" => 3,
        "thursday" => 4,
        "friday" => 5,
        "saturday" => 6,
        "sunday" => 7,
        _ => return None,
    })
}

#[salsa::tracked(returns(clone))]
pub fn check_calendar<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<CalendarIr>> {
    let file = item.file(db);
    let mut diagnostics = Vec::new();
    let path = def_path(
        db,
        &DefRef {
            file,
            key: item.key(db).clone(),
        },
    );
    let mut ir = CalendarIr {
        path,
        title: Default::default(),
        zone: String::from("UTC"),
        opening: Vec::new(),
        holidays: Vec::new(),
    };
    let syntax = item_syntax(db, item);
    if let Some(ItemData::Calendar(calendar)) = syntax.as_deref().map(|syntax| &syntax.data) {
        ir.title = lang_texts(calendar.title.as_ref());
        match &calendar.zone {
            Some(zone) => match time_zone(&zone.value) {
                Ok(_) => ir.zone = zone.value.clone(),
                Err(message) => diagnostics.push(
                    Diagnostic::new(DiagnosticId::UnknownTimeZone, zone.span, message)
                        .with_primary_label(text!("label--unknown-time-zone"))
                        .with_help(text!("help--name-iana-time-zone-2")),
                ),
            },
            None => diagnostics.push(super::rule::missing_clause(
                calendar.name.span,
                "zone",
                "zone \"America/Toronto\"",
                "calendar",
            )),
        }
        for open in &calendar.open {
            let first = weekday_number(&open.first_day.text);
            let last = weekday_number(&open.last_day.text);
            let from = parse_clock_time(&open.from.text);
            let to = if open.to.text == "24:00" {
                Ok(None)
            } else {
                parse_clock_time(&open.to.text).map(Some)
            };
            for (error, raw) in [
                (from.as_ref().err(), &open.from),
                (to.as_ref().err(), &open.to),
            ] {
                if let Some(message) = error {
                    diagnostics.push(
                        Diagnostic::new(DiagnosticId::InvalidLiteral, raw.span, message.clone())
                            .with_primary_label(text!("label--invalid-time"))
                            .with_help(text!("help--write-hours-as-08")),
                    );
                }
            }
            let (Some(first), Some(last), Ok(from), Ok(to)) = (first, last, from, to) else {
                continue;
            };
            if last < first || to.is_some_and(|to| to <= from) {
                diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::InvalidPeriod,
                        open.span,
                        text!("invalid-period--these-opening-hours-end"),
                    )
                    .with_help(text!("help--write-days-from-monday")),
                );
                continue;
            }
            ir.opening.push(OpeningIr {
                first_weekday: first,
                last_weekday: last,
                from,
                to,
            });
        }
        if calendar.open.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::EmptyCalendar,
                    calendar.name.span,
                    text!("empty-calendar--calendar-never-open-so"),
                )
                .with_help(text!("help--add-opening-hours-open")),
            );
        }
        let scope = file_scope(db, file);
        for name in &calendar.closed_on {
            match scope.get(&name.text).cloned() {
                Some(def) if def.kind() == ItemKind::Holidays => {
                    let holidays = holidays_def(db, def.item(db));
                    ir.holidays.extend(holidays.dates.iter().copied());
                }
                _ => diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::UnknownHolidays,
                        name.span,
                        text!("unknown-holidays--there-list-holidays", name = name.text),
                    )
                    .with_primary_label(text!("label--unknown-holidays"))
                    .with_optional_help(did_you_mean(
                        &name.text,
                        scope.names_of(&[ItemKind::Holidays]),
                    )),
                ),
            }
        }
        ir.holidays.sort();
        ir.holidays.dedup();
    }
    Arc::new(Checked {
        ir: Arc::new(ir),
        spans: Vec::new(),
        diagnostics,
        calls: Vec::new(),
        names: Vec::new(),
    })
}

/// Everything wrong with one item, relative to the item. The per-file diagnostics query
/// shifts these by the item's offset.
#[salsa::tracked(returns(ref))]
pub fn item_diagnostics<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Vec<Diagnostic> {
    let file = item.file(db);
    let key = item.key(db);
    let mut diagnostics = Vec::new();
    let Some(syntax) = item_syntax(db, item) else {
        return diagnostics;
    };
    if matches!(syntax.data, ItemData::Broken(_)) {
        return diagnostics;
    }
    match key.kind {
        ItemKind::Rule => diagnostics.extend(
            super::rule::check_rule(db, item)
                .diagnostics
                .iter()
                .cloned(),
        ),
        ItemKind::Table => diagnostics.extend(
            super::table::check_table(db, item)
                .diagnostics
                .iter()
                .cloned(),
        ),
        ItemKind::Function => {
            diagnostics.extend(check_function(db, item).diagnostics.iter().cloned())
        }
        ItemKind::Const => diagnostics.extend(check_const(db, item).diagnostics.iter().cloned()),
        ItemKind::Fixture => {
            diagnostics.extend(check_fixture(db, item).diagnostics.iter().cloned())
        }
        ItemKind::Example => {
            diagnostics.extend(check_example(db, item).diagnostics.iter().cloned())
        }
        ItemKind::Calendar => {
            diagnostics.extend(check_calendar(db, item).diagnostics.iter().cloned())
        }
        ItemKind::Holidays => {
            diagnostics.extend(holidays_def(db, item).diagnostics.iter().cloned())
        }
        ItemKind::Record => diagnostics.extend(record_def(db, item).diagnostics.iter().cloned()),
        ItemKind::Codelist => {
            let codelist = codelist_def(db, item);
            diagnostics.extend(codelist.diagnostics.iter().cloned());
        }
        ItemKind::TypeAlias => {
            let def = DefRef {
                file,
                key: key.clone(),
            };
            alias_type(db, &def, &mut vec![def.clone()], &mut diagnostics);
        }
        ItemKind::Requirement => {
            if let ItemData::Requirement(requirement) = &syntax.data {
                let header = file_header(db, file);
                match &requirement.title {
                    Some(title) => super::rule::check_languages(title, &mut diagnostics),
                    None => diagnostics.push(super::rule::missing_clause(
                        requirement.id.span,
                        "title",
                        "title en \"...\" fr \"...\"",
                        "requirement",
                    )),
                }
                for cite in &requirement.cites {
                    let declared = header.as_ref().is_some_and(|header| {
                        header
                            .sources
                            .iter()
                            .any(|source| source.id.text == cite.source.text)
                    });
                    if !declared {
                        diagnostics.push(
                            Diagnostic::new(
                                DiagnosticId::UnknownSource,
                                cite.source.span,
                                text!(
                                    "unknown-source--file-declares-source",
                                    source = cite.source.text
                                ),
                            )
                            .with_primary_label(text!("label--unknown-source"))
                            .with_optional_help(
                                header.as_ref().and_then(|header| {
                                    did_you_mean(
                                        &cite.source.text,
                                        header.sources.iter().map(|s| s.id.text.as_str()),
                                    )
                                }),
                            ),
                        );
                    }
                }
                if requirement.cites.is_empty() {
                    diagnostics.push(super::rule::missing_clause(
                        requirement.id.span,
                        "cites",
                        "cites CAS \"La masse brute indiquée est inférieure à la masse nette\"",
                        "requirement",
                    ));
                }
            }
        }
        ItemKind::Ruleset | ItemKind::Module => {
            if let ItemData::Header(header) = &syntax.data {
                diagnostics.extend(header_diagnostics(db, file, header));
            }
        }
        ItemKind::Use => {}
    }
    // Scope problems (bad imports, duplicate names) belong to the item they were found in.
    for (scope_key, diagnostic) in &file_scope(db, file).diagnostics {
        if scope_key == key {
            diagnostics.push(diagnostic.clone());
        }
    }
    diagnostics
}

fn header_diagnostics(
    db: &dyn Db,
    file: SourceFile,
    header: &crate::syntax::ast::HeaderItem,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if let Some(title) = &header.title {
        super::rule::check_languages(title, &mut diagnostics);
    }
    if let Some(effective) = &header.effective {
        super::rule::validity_of(effective, &mut diagnostics);
    }
    if let Some(default) = &header.default_severity {
        super::rule::severity_named(default, &mut diagnostics);
    }
    if let Some(default) = &header.default_category {
        super::rule::category_named(default, &mut diagnostics);
    }
    if let Some(zone) = &header.zone
        && let Err(message) = crate::time::time_zone(&zone.value)
    {
        diagnostics.push(
            Diagnostic::new(DiagnosticId::UnknownTimeZone, zone.span, message)
                .with_primary_label(text!("label--unknown-time-zone"))
                .with_help(text!("help--name-iana-time-zone-2")),
        );
    }
    for (position, source) in header.sources.iter().enumerate() {
        if header.sources[..position]
            .iter()
            .any(|earlier| earlier.id.text == source.id.text)
        {
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticId::DuplicateDefinition,
                    source.id.span,
                    text!(
                        "duplicate-definition--source-declared-twice",
                        id = source.id.text
                    ),
                )
                .with_help(text!("help--remove-one-two-declarations")),
            );
        }
    }
    if header.is_ruleset {
        if header.version.is_none() {
            diagnostics.push(super::rule::missing_clause(
                header.name.span,
                "version",
                "version \"2021.06\"",
                "ruleset",
            ));
        }
        if header.title.is_none() {
            diagnostics.push(super::rule::missing_clause(
                header.name.span,
                "title",
                "title en \"...\" fr \"...\"",
                "ruleset",
            ));
        }
        diagnostics.extend(ruleset_inputs(db, file).diagnostics.iter().cloned());
    }
    if module_index(db)
        .duplicate_modules
        .iter()
        .any(|(duplicate, _)| *duplicate == file)
    {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::DuplicateModule,
                header.name.span,
                if header.is_ruleset {
                    text!(
                        "duplicate-module--another-file-is-the-rule-set",
                        name = header.name.text
                    )
                } else {
                    text!(
                        "duplicate-module--another-file-is-the-module",
                        name = header.name.text
                    )
                },
            )
            .with_help(if header.is_ruleset {
                text!("help--give-each-version-its-own-version")
            } else {
                text!("help--module-names-must-be-unique")
            }),
        );
    }
    diagnostics
}
