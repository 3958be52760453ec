//! Checking expressions: one method per form, each emitting typed IR.

use std::sync::Arc;

use super::{Checker, PlaceStep, compatible, maybe_absent};
use crate::defs::{codelist_by_path, codelist_def, record_by_path};
use crate::diagnostics::{Diagnostic, DiagnosticId, Text, did_you_mean};
use crate::ir::{Constant, Domain, LoopKind, Node, NodeId, UnaryOp};
use crate::resolve::{CURRENCY_CODELIST, CURRENCY_MODULE};
use crate::syntax::ast::{Expr, ExprKind, Name, Quantifier, Span};
use crate::time::{parse_date, parse_date_time};
use crate::types::{DefPath, Type};

pub use crate::syntax::parser::MAX_NESTING;

impl Checker<'_> {
    /// Checks an expression. `expected` guides literals and bare codes; the caller still
    /// coerces the result to what it needs.
    pub fn expr(&mut self, expr: &Expr, expected: Option<&Type>) -> NodeId {
        self.depth += 1;
        let node = if self.depth > MAX_NESTING {
            self.error(
                Diagnostic::new(
                    DiagnosticId::TooDeep,
                    expr.span,
                    text!(
                        "too-deep--expression-nested-more-than",
                        MAX_NESTING = MAX_NESTING
                    ),
                )
                .with_help(text!("help--split-let-bindings-helper")),
            );
            self.poisoned(expr.span)
        } else {
            stacker::maybe_grow(
                crate::syntax::parser::STACK_RED_ZONE,
                crate::syntax::parser::STACK_GROWTH,
                || self.expr_inner(expr, expected),
            )
        };
        self.depth -= 1;
        node
    }

    fn expr_inner(&mut self, expr: &Expr, expected: Option<&Type>) -> NodeId {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Name(name) => self.name(name, span, expected),
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::OptionalField(base, field) => self.optional_field(base, field, span),
            ExprKind::Number(text) => self.number(text, span, expected),
            ExprKind::Quantity { amount, unit } => self.quantity(amount, unit, span),
            ExprKind::Text(text) => self.push(
                Node::Const(Constant::Text(Arc::from(text.as_str()))),
                Type::Text,
                span,
            ),
            ExprKind::Bool(value) => {
                self.push(Node::Const(Constant::Bool(*value)), Type::Bool, span)
            }
            ExprKind::Date(text) => match parse_date(text) {
                Ok(date) => self.push(Node::Const(Constant::Date(date)), Type::Date, span),
                Err(message) => {
                    self.error(invalid_literal(span, message));
                    self.poisoned(span)
                }
            },
            ExprKind::DateTime(text) => match parse_date_time(text) {
                Ok(value) => self.push(
                    Node::Const(Constant::DateTime(value, Arc::from(text.as_str()))),
                    Type::DateTime,
                    span,
                ),
                Err(message) => {
                    self.error(
                        invalid_literal(span, message)
                            .with_help(text!("help--write-offset-2026-03")),
                    );
                    self.poisoned(span)
                }
            },
            ExprKind::Absent => self.push(Node::Const(Constant::Absent), Type::Absent, span),
            ExprKind::Negate(operand) => self.negate(operand, span, expected),
            ExprKind::Not(operand) => {
                let operand = self.condition(operand);
                self.push(
                    Node::Unary {
                        op: UnaryOp::Not,
                        operand,
                    },
                    Type::Bool,
                    span,
                )
            }
            ExprKind::And(left, right) => {
                let left = self.condition(left);
                let mark = self.narrowing_mark();
                let places = self.narrowings(left, true);
                self.narrow(places);
                let right = self.condition(right);
                self.unnarrow_to(mark);
                self.push(Node::And(left, right), Type::Bool, span)
            }
            ExprKind::Or(left, right) => {
                let left = self.condition(left);
                let mark = self.narrowing_mark();
                let places = self.narrowings(left, false);
                self.narrow(places);
                let right = self.condition(right);
                self.unnarrow_to(mark);
                self.push(Node::Or(left, right), Type::Bool, span)
            }
            ExprKind::Arith(op, left, right) => self.arith(*op, left, right, span, expected),
            ExprKind::Compare(op, left, right) => self.compare(*op, left, right, span),
            ExprKind::Temporal(op, left, right) => self.temporal(*op, left, right, span),
            ExprKind::Otherwise(value, default) => self.otherwise(value, default, span, expected),
            ExprKind::Is {
                negated,
                test,
                operand,
            } => self.presence(*negated, *test, operand, span),
            ExprKind::In {
                negated,
                element,
                collection,
            } => self.membership(*negated, element, collection, span),
            ExprKind::Call { function, args } => self.call(function, args, span, expected),
            ExprKind::Quantified {
                quantifier,
                binder,
                body,
            } => {
                let kind = match quantifier {
                    Quantifier::Every => LoopKind::Every,
                    Quantifier::Some => LoopKind::Some,
                    Quantifier::No => LoopKind::No,
                };
                self.quantified(kind, binder, body, span)
            }
            ExprKind::Count { binder, filter } => self.count(binder, filter.as_deref(), span),
            ExprKind::Aggregate {
                kind,
                value,
                binder,
                filter,
            } => self.aggregate(*kind, value, binder, filter.as_deref(), span),
            ExprKind::Comprehension {
                value,
                binder,
                filter,
            } => self.comprehension(value, binder, filter.as_deref(), span),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => self.if_expr(condition, then, otherwise, span, expected),
            ExprKind::List(elements) => self.list(elements, span, expected, false),
            ExprKind::Set(elements) => {
                if let Some(expected) = expected
                    && elements.is_empty()
                    && matches!(expected.unwrap_optional().base(), Type::Record(_))
                {
                    return self.record_literal(&[], span, Some(expected));
                }
                self.list(elements, span, expected, true)
            }
            ExprKind::Record(fields) => self.record_literal(fields, span, expected),
            ExprKind::BusinessOffset { .. } => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::BusinessTimeStart,
                        span,
                        text!("business-time-start--business-time-can-only"),
                    )
                    .with_help(text!("help--write-start-24-business")),
                );
                self.poisoned(span)
            }
        }
    }

    fn name(&mut self, name: &str, span: Span, expected: Option<&Type>) -> NodeId {
        if let Some(position) = self
            .bindings
            .iter()
            .rposition(|binding| binding.name == name)
        {
            let binding = &mut self.bindings[position];
            binding.used = true;
            let local = binding.local;
            let ty = binding.ty.clone();
            let declared = binding.span;
            if declared != Span::default() {
                self.name_use(span, super::NameTarget::Local { declared });
            }
            let ty = self.narrowed_type(vec![PlaceStep::Local(local)], ty);
            return self.push(Node::Local(local), ty, span);
        }
        // A bare code where the expected code list is itself in error: already reported.
        if expected.is_some_and(Type::is_error) && self.scope.get(name).is_none() {
            return self.poisoned(span);
        }
        // A bare code, when the context expects a code list.
        if let Some(expected) = expected
            && let Some(node) = self.bare_code(name, span, expected)
        {
            return node;
        }
        if let Some(def) = self.scope.get(name).cloned() {
            match def.kind() {
                crate::syntax::ast::ItemKind::Const => {
                    let signature =
                        crate::check::items::const_signature(self.db, def.item(self.db));
                    if signature.cyclic {
                        self.error(
                            Diagnostic::new(
                                DiagnosticId::RecursiveDefinition,
                                span,
                                text!("recursive-definition--constant-depends-itself", name = name),
                            )
                            .with_help(text!("help--constants-must-computable-without")),
                        );
                        return self.poisoned(span);
                    }
                    let path = crate::resolve::def_path(self.db, &def);
                    return self.push(
                        Node::ConstRef(crate::ir::Link::unresolved(path)),
                        signature.ty.clone(),
                        span,
                    );
                }
                crate::syntax::ast::ItemKind::Fixture => {
                    let path = crate::resolve::def_path(self.db, &def);
                    let ty = self
                        .inputs_record
                        .as_ref()
                        .map_or(Type::Error, |(path, _)| Type::Record(path.clone()));
                    return self.push(Node::ConstRef(crate::ir::Link::unresolved(path)), ty, span);
                }
                kind => {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::NotAValue,
                            span,
                            text!("not-a-value--value", name = name, kind = kind.keyword()),
                        )
                        .with_primary_label(text!("label--value"))
                        .with_help(match kind {
                            crate::syntax::ast::ItemKind::Table
                            | crate::syntax::ast::ItemKind::Function => {
                                text!("help--call-it", name = name)
                            }
                            crate::syntax::ast::ItemKind::Codelist => {
                                text!("help--name-one-of-its-codes", name = name)
                            }
                            _ => text!("help--use-a-value-here"),
                        }),
                    );
                    return self.poisoned(span);
                }
            }
        }
        self.unknown_name_use(span);
        if name.is_empty() {
            return self.poisoned(span);
        }
        let mut candidates: Vec<String> = self
            .bindings
            .iter()
            .map(|binding| binding.name.clone())
            .collect();
        candidates.extend(
            self.scope
                .names_of(&[crate::syntax::ast::ItemKind::Const])
                .map(str::to_string),
        );
        if let Some(Type::Code(path)) = expected.map(|ty| ty.unwrap_optional().base().clone())
            && let Some(codelist) = codelist_by_path(self.db, &path)
        {
            candidates.extend(codelist.codes.iter().map(|code| code.name.clone()));
        }
        self.error(
            Diagnostic::new(
                DiagnosticId::UnknownName,
                span,
                text!("unknown-name--there-here", name = name),
            )
            .with_primary_label(text!("label--unknown-name"))
            .with_optional_help(did_you_mean(name, candidates.iter().map(String::as_str))),
        );
        self.poisoned(span)
    }

    /// A code written alone where a code of a known list is expected: `mode == sea`.
    fn bare_code(&mut self, name: &str, span: Span, expected: &Type) -> Option<NodeId> {
        let element = match expected.unwrap_optional().base() {
            Type::Set(element) | Type::List(element) => element.unwrap_optional().base().clone(),
            other => other.clone(),
        };
        let Type::Code(path) = element else {
            return None;
        };
        let codelist = codelist_by_path(self.db, &path)?;
        let index = codelist.index(name);
        if index.is_some() || self.scope.get(name).is_none() {
            self.code_use(span, &path, index);
        }
        match index {
            Some(index) => Some(self.push(
                Node::Const(Constant::Code(index)),
                Type::Code(path.clone()),
                span,
            )),
            // A name the list does not hold but the scope defines (a constant, a set of codes)
            // is that definition: `mode in waterborne_modes`, `a == b`.
            None if self.scope.get(name).is_some() => None,
            // An operand not written yet: the parser has said so already.
            None if name.is_empty() => Some(self.poisoned(span)),
            None => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownCode,
                        span,
                        text!("unknown-code--code", name = name, path = path.name),
                    )
                    .with_primary_label(text!("label--unknown-code"))
                    .with_optional_help(did_you_mean(
                        name,
                        codelist.codes.iter().map(|code| code.name.as_str()),
                    )),
                );
                Some(self.poisoned(span))
            }
        }
    }

    /// The type of a local or field as declared, before any narrowing.
    pub(super) fn declared_type(&self, node: NodeId) -> Type {
        match self.body.node(node) {
            Some(Node::Local(local)) => self
                .bindings
                .iter()
                .rev()
                .find(|binding| binding.local == *local)
                .map_or_else(|| self.ty(node), |binding| binding.ty.clone()),
            Some(Node::Field { base, index, .. }) => match self.ty(*base).base() {
                Type::Record(path) => self
                    .record_fields(path)
                    .and_then(|fields| fields.get(*index as usize).map(|(_, ty)| ty.clone()))
                    .unwrap_or_else(|| self.ty(node)),
                _ => self.ty(node),
            },
            _ => self.ty(node),
        }
    }

    fn narrowed_type(&self, place: Vec<PlaceStep>, ty: Type) -> Type {
        match ty {
            Type::Optional(inner) if self.is_narrowed(&place) => *inner,
            other => other,
        }
    }

    fn field(&mut self, base: &Expr, field: &Name, span: Span) -> NodeId {
        // `Codelist.CODE`: a qualified code.
        if let ExprKind::Name(list_name) = &base.kind
            && !self
                .bindings
                .iter()
                .any(|binding| &binding.name == list_name)
            && let Some(def) = self.scope.get(list_name).cloned()
            && def.kind() == crate::syntax::ast::ItemKind::Codelist
        {
            let codelist = codelist_def(self.db, def.item(self.db));
            let index = codelist.index(&field.text);
            self.code_use(field.span, &codelist.path, index);
            if field.text.is_empty() {
                return self.poisoned(span);
            }
            return match index {
                Some(index) => self.push(
                    Node::Const(Constant::Code(index)),
                    Type::Code(codelist.path.clone()),
                    span,
                ),
                None => {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::UnknownCode,
                            field.span,
                            text!("unknown-code--code", name = field.text, path = list_name),
                        )
                        .with_primary_label(text!("label--unknown-code"))
                        .with_optional_help(did_you_mean(
                            &field.text,
                            codelist.codes.iter().map(|code| code.name.as_str()),
                        )),
                    );
                    self.poisoned(span)
                }
            };
        }
        let base_node = self.expr(base, None);
        let base_type = self.ty(base_node);
        if let Type::Money(_) = base_type.base() {
            self.name_use(field.span, super::NameTarget::MoneyField);
        }
        // `declaration.` with no name after it: the parser has said so; what was read is
        // recorded for completion, and nothing more is said.
        if field.text.is_empty() {
            match base_type.unwrap_optional().base() {
                Type::Record(path) => self.field_use(field.span, &path.clone(), None),
                Type::List(element) | Type::Set(element) => {
                    if let Type::Record(path) = element.base() {
                        self.field_use(field.span, &path.clone(), None);
                    }
                }
                _ => {}
            }
            return self.poisoned(span);
        }
        match base_type.base() {
            Type::Error => self.poisoned(span),
            Type::Record(path) => {
                let path = path.clone();
                self.record_field(base_node, &path, field, span, false)
            }
            Type::List(element) | Type::Set(element)
                if matches!(element.base(), Type::Record(_)) =>
            {
                let Type::Record(path) = element.base().clone() else {
                    return self.poisoned(span);
                };
                self.record_field(base_node, &path, field, span, true)
            }
            Type::Money(currency) => match field.text.as_str() {
                "amount" => self.push(
                    Node::Builtin {
                        builtin: crate::ir::Builtin::Amount,
                        args: vec![base_node],
                        link: None,
                    },
                    Type::Decimal,
                    span,
                ),
                "currency" => {
                    let _ = currency;
                    self.push(
                        Node::Builtin {
                            builtin: crate::ir::Builtin::CurrencyOf,
                            args: vec![base_node],
                            link: None,
                        },
                        Type::Code(DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST)),
                        span,
                    )
                }
                _ => {
                    self.error(unknown_field(
                        field,
                        &base_type,
                        ["amount", "currency"].into_iter(),
                    ));
                    self.poisoned(span)
                }
            },
            Type::Optional(inner) if matches!(inner.base(), Type::Record(_) | Type::Money(_)) => {
                self.error(maybe_absent(base.span, &base_type));
                self.poisoned(span)
            }
            _ => {
                self.error(not_a_record(field, &base_type));
                self.poisoned(span)
            }
        }
    }

    /// `a?.b`: `b` of the record `a` when `a` is present, absent otherwise. It is `a.b` under
    /// `if a is present`, so the result is optional, and an optional field is not made doubly so.
    fn optional_field(&mut self, base: &Expr, field: &Name, span: Span) -> NodeId {
        let base_node = self.expr(base, None);
        let base_type = self.ty(base_node).clone();
        let Type::Optional(inner) = &base_type else {
            if matches!(base_type, Type::Error) {
                return self.poisoned(span);
            }
            self.error(
                Diagnostic::new(
                    DiagnosticId::NotOptional,
                    span,
                    text!(
                        "not-optional--reads-field-record-may",
                        base_type = base_type
                    ),
                )
                .with_help(text!("help--write", field = field.text)),
            );
            return self.poisoned(span);
        };
        let Type::Record(path) = inner.base().clone() else {
            self.error(not_a_record(field, &base_type));
            return self.poisoned(span);
        };
        let present = self.push(Node::IsPresent(base_node), Type::Bool, span);
        let value = self.record_field(base_node, &path, field, span, false);
        let value_type = self.ty(value).clone();
        if matches!(value_type, Type::Error) {
            return value;
        }
        let result_type = match value_type {
            Type::Optional(_) => value_type,
            other => Type::Optional(Box::new(other)),
        };
        let absent = self.push(Node::Const(Constant::Absent), Type::Absent, span);
        self.push(
            Node::If {
                condition: present,
                then: value,
                otherwise: absent,
            },
            result_type,
            span,
        )
    }

    fn record_field(
        &mut self,
        base: NodeId,
        path: &DefPath,
        field: &Name,
        span: Span,
        project: bool,
    ) -> NodeId {
        let fields = self.record_fields(path);
        let Some(fields) = fields else {
            return self.poisoned(span);
        };
        let found = fields
            .iter()
            .enumerate()
            .find(|(_, (name, _))| name == &field.text);
        self.field_use(field.span, path, found.map(|(index, _)| index));
        let Some((index, (_, field_type))) = found else {
            let record_type = Type::Record(path.clone());
            self.error(unknown_field(
                field,
                &record_type,
                fields.iter().map(|(name, _)| name.as_str()),
            ));
            return self.poisoned(span);
        };
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let name: Arc<str> = Arc::from(field.text.as_str());
        if project {
            let element = field_type.unwrap_optional().clone();
            let ty = match element {
                Type::List(inner) | Type::Set(inner) => Type::List(inner),
                other => Type::List(Box::new(other)),
            };
            return self.push(Node::Project { base, index, name }, ty, span);
        }
        let ty = match self.place_of(base) {
            Some(mut place) => {
                place.push(PlaceStep::Field(index));
                self.narrowed_type(place, field_type.clone())
            }
            None => field_type.clone(),
        };
        self.push(Node::Field { base, index, name }, ty, span)
    }

    /// The fields of a record type, including the synthetic record of a rule set's inputs.
    pub(crate) fn record_fields(&self, path: &DefPath) -> Option<Vec<(String, Type)>> {
        if let Some((inputs_path, fields)) = &self.inputs_record
            && inputs_path == path
        {
            return Some(fields.clone());
        }
        record_by_path(self.db, path).map(|record| {
            record
                .fields
                .iter()
                .map(|field| (field.name.clone(), field.ty.clone()))
                .collect()
        })
    }
}

/// The common type of two branches or elements, if they have one.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Error, other) | (other, Type::Error) => Some(other.clone()),
        (Type::Absent, Type::Absent) => Some(Type::Absent),
        (Type::Absent, other) | (other, Type::Absent) => Some(other.clone().optional()),
        (Type::Optional(x), Type::Optional(y)) => unify(x, y).map(Type::optional),
        (Type::Optional(x), other) | (other, Type::Optional(x)) => {
            unify(x, other).map(Type::optional)
        }
        (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => Some(Type::Decimal),
        (Type::List(x), Type::List(y)) => unify(x, y).map(|t| Type::List(Box::new(t))),
        (Type::Set(x), Type::Set(y)) => unify(x, y).map(|t| Type::Set(Box::new(t))),
        (x, y) if compatible(x, y) => Some(y.base().clone()),
        (x, y) if compatible(y, x) => Some(x.base().clone()),
        _ => None,
    }
}

pub fn domain_of(ty: &Type) -> Option<Domain> {
    Some(match ty.base() {
        Type::Bool => Domain::Bool,
        Type::Int => Domain::Int,
        Type::Decimal => Domain::Decimal,
        Type::Money(_) => Domain::Money,
        Type::Quantity(_) => Domain::Quantity,
        Type::Duration => Domain::Duration,
        Type::Text => Domain::Text,
        Type::Code(_) => Domain::Code,
        Type::Date => Domain::Date,
        Type::DateTime => Domain::DateTime,
        Type::Set(_) => Domain::Set,
        Type::List(_) | Type::Record(_) | Type::Period => Domain::Structural,
        _ => return None,
    })
}

pub fn invalid_literal(span: Span, message: Text) -> Diagnostic {
    Diagnostic::new(DiagnosticId::InvalidLiteral, span, message)
        .with_primary_label(text!("label--invalid-literal"))
}

pub fn currency_not_known(span: Span) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::CurrencyNotKnown,
        span,
        text!("currency-not-known--currency-money-only-known"),
    )
    .with_primary_label(text!("label--money-any-currency"))
    .with_help(text!("help--convert-currency-first-convert"))
}

pub fn not_a_collection(span: Span, ty: &Type) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::NotACollection,
        span,
        text!("not-a-collection--expected-list-set-found", ty = ty),
    )
    .with_primary_label(text!("label--of-type", ty = ty))
}

pub fn unknown_field<'a>(
    field: &Name,
    ty: &Type,
    fields: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let listed: Vec<&str> = fields.clone().take(12).collect();
    Diagnostic::new(
        DiagnosticId::UnknownField,
        field.span,
        text!("unknown-field--has-field", ty = ty, field = field.text),
    )
    .with_primary_label(text!("label--unknown-field"))
    .with_optional_help(did_you_mean(&field.text, fields).or_else(|| {
        if listed.is_empty() {
            None
        } else {
            Some(text!(
                "help--its-fields-are",
                fields = listed
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }))
}

fn not_a_record(field: &Name, base_type: &Type) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::NotARecord,
        field.span,
        text!("not-a-record--has-fields", base_type = base_type),
    )
    .with_primary_label(text!("label--field", field = field.text))
}
