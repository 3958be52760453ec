//! Checking expressions: one method per form, each emitting typed IR.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{Checker, PlaceStep, compatible, maybe_absent};
use crate::defs::{codelist_by_path, codelist_def, record_by_path};
use crate::diagnostics::{Diagnostic, DiagnosticId, Text, did_you_mean};
use crate::ir::{BinaryOp, Constant, Domain, LoopKind, Node, NodeId, UnaryOp};
use crate::resolve::{CURRENCY_CODELIST, CURRENCY_MODULE, currency_index, currency_names};
use crate::syntax::ast::{
    AggregateKind, ArithOp, Binder, CmpOp, Expr, ExprKind, Name, PresenceTest, Quantifier, Span,
    TemporalOp,
};
use crate::time::{parse_date, parse_date_time};
use crate::types::{DefPath, Type, UNIT_WORDS, UnitKind, days_per_unit, unit_kind};

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
        match codelist.index(name) {
            Some(index) => Some(self.push(
                Node::Const(Constant::Code(index)),
                Type::Code(path.clone()),
                span,
            )),
            // A name the list does not hold but the scope defines (a constant, a set of codes)
            // is that definition: `mode in waterborne_modes`, `a == b`.
            None if self.scope.get(name).is_some() => None,
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
    fn declared_type(&self, node: NodeId) -> Type {
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
            return match codelist.index(&field.text) {
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
        let Some((index, (_, field_type))) = fields
            .iter()
            .enumerate()
            .find(|(_, (name, _))| name == &field.text)
        else {
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

    fn number(&mut self, text: &str, span: Span, expected: Option<&Type>) -> NodeId {
        let wants_decimal =
            expected.is_some_and(|ty| matches!(ty.unwrap_optional().base(), Type::Decimal));
        if text.contains('.') || wants_decimal {
            match text.parse::<Decimal>() {
                Ok(value) => self.push(Node::Const(Constant::Decimal(value)), Type::Decimal, span),
                Err(_) => {
                    self.error(invalid_literal(
                        span,
                        text!("invalid-literal--too-large-number", text = text),
                    ));
                    self.poisoned(span)
                }
            }
        } else {
            match text.parse::<i64>() {
                Ok(value) => self.push(Node::Const(Constant::Int(value)), Type::Int, span),
                Err(_) => {
                    self.error(invalid_literal(
                        span,
                        text!("invalid-literal--too-large-whole-number", text = text),
                    ));
                    self.poisoned(span)
                }
            }
        }
    }

    fn quantity(&mut self, amount: &str, unit: &Name, span: Span) -> NodeId {
        let Ok(value) = amount.parse::<Decimal>() else {
            self.error(invalid_literal(
                span,
                text!("invalid-literal--too-large-number-2", amount = amount),
            ));
            return self.poisoned(span);
        };
        if let Some(currency) = currency_index(self.db, &unit.text) {
            return self.push(
                Node::Const(Constant::Money(value, currency)),
                Type::Money(Some(Arc::from(unit.text.as_str()))),
                span,
            );
        }
        match unit_kind(&unit.text) {
            Some(UnitKind::Quantity(dimension, factor)) => match value.checked_mul(factor) {
                Some(base) => self.push(
                    Node::Const(Constant::Quantity(base.normalize())),
                    Type::Quantity(dimension),
                    span,
                ),
                None => {
                    self.error(invalid_literal(
                        span,
                        text!("invalid-literal--quantity-too-large"),
                    ));
                    self.poisoned(span)
                }
            },
            Some(UnitKind::Duration(seconds_per_unit)) => {
                let seconds = value.checked_mul(Decimal::from(seconds_per_unit));
                match seconds
                    .filter(|seconds| seconds.fract().is_zero())
                    .and_then(|s| i64::try_from(s).ok())
                {
                    Some(seconds) => self.push(
                        Node::Const(Constant::Duration(jiff::SignedDuration::from_secs(seconds))),
                        Type::Duration,
                        span,
                    ),
                    None => {
                        self.error(invalid_literal(
                            span,
                            text!("invalid-literal--duration-must-whole-number"),
                        ));
                        self.poisoned(span)
                    }
                }
            }
            Some(kind @ (UnitKind::Days | UnitKind::Months)) => {
                let whole = if value.fract().is_zero() {
                    i32::try_from(value).ok()
                } else {
                    None
                };
                let Some(count) = whole else {
                    self.error(
                        invalid_literal(span, text!("invalid-literal--calendar-days-months-whole"))
                            .with_help(text!("help--part-day-write-hours")),
                    );
                    return self.poisoned(span);
                };
                let constant = if kind == UnitKind::Days {
                    Constant::Period {
                        months: 0,
                        days: count
                            .saturating_mul(i32::try_from(days_per_unit(&unit.text)).unwrap_or(1)),
                    }
                } else {
                    Constant::Period {
                        months: count,
                        days: 0,
                    }
                };
                self.push(Node::Const(constant), Type::Period, span)
            }
            None => {
                let currencies = currency_names(self.db);
                let candidates = UNIT_WORDS
                    .iter()
                    .copied()
                    .chain(currencies.iter().map(String::as_str));
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownUnit,
                        unit.span,
                        text!("unknown-unit--unit-currency", unit = unit.text),
                    )
                    .with_primary_label(text!("label--unknown-unit"))
                    .with_optional_help(
                        did_you_mean(&unit.text, candidates)
                            .or_else(|| Some(text!("help--units-are"))),
                    ),
                );
                self.poisoned(span)
            }
        }
    }

    fn negate(&mut self, operand: &Expr, span: Span, expected: Option<&Type>) -> NodeId {
        let node = self.expr(operand, expected);
        let ty = self.ty(node);
        let op = match ty.base() {
            Type::Int => UnaryOp::NegateInt,
            Type::Decimal => UnaryOp::NegateDecimal,
            Type::Money(_) => UnaryOp::NegateMoney,
            Type::Quantity(_) => UnaryOp::NegateQuantity,
            Type::Duration => UnaryOp::NegateDuration,
            Type::Error => return self.poisoned(span),
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotNegatable,
                        operand.span,
                        text!("not-negatable--cannot-negated", ty = ty),
                    )
                    .with_primary_label(text!("label--of-type", ty = ty)),
                );
                return self.poisoned(span);
            }
        };
        self.push(Node::Unary { op, operand: node }, ty.base().clone(), span)
    }

    /// Checks two operands where either may be a bare code that needs the other's type.
    fn operands(&mut self, left: &Expr, right: &Expr) -> (NodeId, NodeId) {
        if self.is_unbound_name(left) && !self.is_unbound_name(right) {
            let right_node = self.expr(right, None);
            let right_type = self.ty(right_node);
            let left_node = self.expr(left, Some(&right_type));
            (left_node, right_node)
        } else {
            let left_node = self.expr(left, None);
            let left_type = self.ty(left_node);
            let right_node = self.expr(right, Some(&left_type));
            (left_node, right_node)
        }
    }

    fn is_unbound_name(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Name(name) => {
                !self.bindings.iter().any(|binding| &binding.name == name)
                    && self.scope.get(name).is_none()
            }
            ExprKind::Set(_) | ExprKind::List(_) | ExprKind::Absent => true,
            _ => false,
        }
    }

    fn require_present(&mut self, node: NodeId, span: Span) -> Option<Type> {
        let ty = self.ty(node);
        match ty {
            Type::Error => None,
            Type::Optional(_) | Type::Absent => {
                self.error(maybe_absent(span, &ty));
                None
            }
            other => Some(other),
        }
    }

    fn arith(
        &mut self,
        op: ArithOp,
        left: &Expr,
        right: &Expr,
        span: Span,
        expected: Option<&Type>,
    ) -> NodeId {
        if let ExprKind::BusinessOffset {
            amount,
            unit,
            calendar,
        } = &right.kind
        {
            return self.business_add(op, left, amount, *unit, calendar, span, right.span);
        }
        let (left_node, right_node) = if matches!(op, ArithOp::Add | ArithOp::Sub) {
            let left_node = self.expr(left, expected);
            let left_type = self.ty(left_node);
            let right_node = self.expr(right, Some(&left_type));
            (left_node, right_node)
        } else {
            (self.expr(left, None), self.expr(right, None))
        };
        let (Some(lt), Some(rt)) = (
            self.require_present(left_node, left.span),
            self.require_present(right_node, right.span),
        ) else {
            return self.poisoned(span);
        };
        let (lt, rt) = (lt.base().clone(), rt.base().clone());
        // Money combines only within one currency, known when the rules are checked.
        if let (Type::Money(a), Type::Money(b)) = (&lt, &rt)
            && matches!(op, ArithOp::Add | ArithOp::Sub | ArithOp::Div)
            && self.same_currency(a, b, left, right, span).is_none()
        {
            return self.poisoned(span);
        }
        let Some(signature) = arithmetic(op, &lt, &rt) else {
            self.error(arithmetic_mismatch(
                op, &lt, &rt, left.span, right.span, span,
            ));
            return self.poisoned(span);
        };
        let widen = |checker: &mut Self, node: NodeId, widen: bool, span: Span| {
            if widen {
                checker.push(
                    Node::Unary {
                        op: UnaryOp::IntToDecimal,
                        operand: node,
                    },
                    Type::Decimal,
                    span,
                )
            } else {
                node
            }
        };
        let lhs = widen(self, left_node, signature.widen_left, left.span);
        let rhs = widen(self, right_node, signature.widen_right, right.span);
        let (lhs, rhs) = if signature.swap {
            (rhs, lhs)
        } else {
            (lhs, rhs)
        };
        self.push(
            Node::Binary {
                op: signature.op,
                lhs,
                rhs,
            },
            signature.result,
            span,
        )
    }

    fn same_currency(
        &mut self,
        left_currency: &Option<Arc<str>>,
        right_currency: &Option<Arc<str>>,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Arc<str>> {
        match (left_currency, right_currency) {
            (Some(a), Some(b)) if a == b => Some(a.clone()),
            (Some(a), Some(b)) => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::CurrencyMismatch,
                        span,
                        text!("currency-mismatch--money-money-do-combine", a = a, b = b),
                    )
                    .with_label(left.span, text!("label--in", a = a))
                    .with_label(right.span, text!("label--in", a = b))
                    .with_help(text!("help--convert-one-side-explicitly", a = a)),
                );
                None
            }
            (None, _) | (_, None) => {
                let unknown_span = if left_currency.is_none() {
                    left.span
                } else {
                    right.span
                };
                self.error(currency_not_known(unknown_span));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn business_add(
        &mut self,
        op: ArithOp,
        left: &Expr,
        amount: &str,
        unit: crate::syntax::ast::BusinessUnit,
        calendar: &Name,
        span: Span,
        offset_span: Span,
    ) -> NodeId {
        let start = self.expr(left, None);
        let Some(start_type) = self.require_present(start, left.span) else {
            return self.poisoned(span);
        };
        if op != ArithOp::Add || start_type.base() != &Type::DateTime {
            self.error(
                Diagnostic::new(
                    DiagnosticId::BusinessTimeStart,
                    span,
                    text!("business-time-start--business-time-can-only"),
                )
                .with_label(left.span, text!("label--of-type", ty = start_type))
                .with_help(text!("help--write-start-24-business-2")),
            );
            return self.poisoned(span);
        }
        let Ok(amount) = amount.parse::<i64>() else {
            self.error(
                invalid_literal(
                    offset_span,
                    text!("invalid-literal--business-hours-use-whole", amount = amount),
                )
                .with_help(text!("help--business-time-counts-whole")),
            );
            return self.poisoned(span);
        };
        let Some(link) = self.calendar_link(calendar) else {
            return self.poisoned(span);
        };
        self.push(
            Node::BusinessAdd {
                start,
                amount,
                unit,
                calendar: link,
            },
            Type::DateTime,
            span,
        )
    }

    pub(crate) fn calendar_link(&mut self, calendar: &Name) -> Option<crate::ir::Link> {
        match self.scope.get(&calendar.text).cloned() {
            Some(def) if def.kind() == crate::syntax::ast::ItemKind::Calendar => Some(
                crate::ir::Link::unresolved(crate::resolve::def_path(self.db, &def)),
            ),
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownCalendar,
                        calendar.span,
                        text!("unknown-calendar--there-calendar", calendar = calendar.text),
                    )
                    .with_primary_label(text!("label--unknown-calendar"))
                    .with_optional_help(
                        did_you_mean(
                            &calendar.text,
                            self.scope
                                .names_of(&[crate::syntax::ast::ItemKind::Calendar]),
                        )
                        .or_else(|| Some(text!("help--import-a-calendar"))),
                    ),
                );
                None
            }
        }
    }

    /// Unifies the types of two operands that must agree, coercing Int to Decimal.
    fn unify_operands(
        &mut self,
        left_node: NodeId,
        right_node: NodeId,
        left: &Expr,
        right: &Expr,
        span: Span,
        equality: bool,
    ) -> Option<(NodeId, NodeId, Type)> {
        let mut lt = self.ty(left_node);
        let mut rt = self.ty(right_node);
        if lt.is_error() || rt.is_error() {
            return None;
        }
        if !equality {
            for (ty, expr) in [(&lt, left), (&rt, right)] {
                if ty.is_optional() {
                    let ty = ty.clone();
                    self.error(maybe_absent(expr.span, &ty));
                    return None;
                }
            }
        }
        // Equality allows an optional operand: an absent value equals no present value.
        if equality {
            if matches!(lt, Type::Absent) || matches!(rt, Type::Absent) {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::AbsentCompared,
                        span,
                        text!("absent-compared--absent-tested-absent-compared"),
                    )
                    .with_help(text!("help--write-value-absent-value")),
                );
                return None;
            }
            lt = lt.unwrap_optional().clone();
            rt = rt.unwrap_optional().clone();
        }
        match (lt.base(), rt.base()) {
            (Type::Int, Type::Decimal) => {
                let lhs = self.coerce(left_node, &Type::Decimal, left.span);
                return Some((lhs, right_node, Type::Decimal));
            }
            (Type::Decimal, Type::Int) => {
                let rhs = self.coerce(right_node, &Type::Decimal, right.span);
                return Some((left_node, rhs, Type::Decimal));
            }
            (Type::Money(a), Type::Money(b)) => {
                let currency = self.same_currency(a, b, left, right, span)?;
                return Some((left_node, right_node, Type::Money(Some(currency))));
            }
            _ => {}
        }
        if compatible(&lt, &rt) || compatible(&rt, &lt) {
            return Some((left_node, right_node, lt.base().clone()));
        }
        match (&lt, &rt) {
            (Type::Optional(inner), other) | (other, Type::Optional(inner))
                if compatible(inner, other) || compatible(other, inner) =>
            {
                let optional_span = if lt.is_optional() {
                    left.span
                } else {
                    right.span
                };
                let optional_type = if lt.is_optional() { &lt } else { &rt };
                self.error(maybe_absent(optional_span, optional_type));
                return None;
            }
            _ => {}
        }
        let id = match (lt.base(), rt.base()) {
            (Type::Quantity(_) | Type::Money(_), Type::Quantity(_) | Type::Money(_)) => {
                DiagnosticId::UnitMismatch
            }
            _ => DiagnosticId::IncomparableTypes,
        };
        let help = match id {
            DiagnosticId::UnitMismatch => {
                text!("help--quantities-of-different-kinds-never-compare")
            }
            _ => text!("help--both-sides-same-type"),
        };
        let _ = span;
        self.error(
            Diagnostic::new(
                id,
                left.span,
                text!("incomparable-types--cannot-be-compared", lt = lt, rt = rt),
            )
            .with_primary_label(text!("label--of-type", ty = lt))
            .with_label(right.span, text!("label--of-type", ty = rt))
            .with_help(help),
        );
        None
    }

    fn compare(&mut self, op: CmpOp, left: &Expr, right: &Expr, span: Span) -> NodeId {
        let (left_node, right_node) = self.operands(left, right);
        let ordering = !matches!(op, CmpOp::Eq | CmpOp::NotEq);
        let Some((lhs, rhs, ty)) =
            self.unify_operands(left_node, right_node, left, right, span, !ordering)
        else {
            return self.poisoned(span);
        };
        let domain = match domain_of(&ty) {
            Some(Domain::Date | Domain::DateTime) if ordering => {
                let word = match op {
                    CmpOp::Lt => "before",
                    CmpOp::LtEq => "on or before",
                    CmpOp::Gt => "after",
                    _ => "on or after",
                };
                self.error(
                    Diagnostic::new(
                        DiagnosticId::AmbiguousDeadline,
                        span,
                        text!(
                            "ambiguous-deadline--dates-leaves-unsaid-whether",
                            op = op.symbol()
                        ),
                    )
                    .with_primary_label(text!("label--write-comparison-words"))
                    .with_help(text!("help--write-before-excludes-instant", word = word)),
                );
                return self.poisoned(span);
            }
            Some(Domain::Text | Domain::Code | Domain::Bool | Domain::Structural | Domain::Set)
                if ordering =>
            {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnorderedComparison,
                        span,
                        text!("unordered-comparison--values-type-have-order", ty = ty),
                    )
                    .with_help(text!("help--compare-them")),
                );
                return self.poisoned(span);
            }
            Some(domain) => domain,
            None => {
                self.error(Diagnostic::new(
                    DiagnosticId::IncomparableTypes,
                    span,
                    text!("incomparable-types--values-type-cannot-compared", ty = ty),
                ));
                return self.poisoned(span);
            }
        };
        self.push(
            Node::Binary {
                op: BinaryOp::Compare(op, domain),
                lhs,
                rhs,
            },
            Type::Bool,
            span,
        )
    }

    fn temporal(&mut self, op: TemporalOp, left: &Expr, right: &Expr, span: Span) -> NodeId {
        let left_node = self.expr(left, None);
        let right_node = self.expr(right, None);
        let (Some(lt), Some(rt)) = (
            self.require_present(left_node, left.span),
            self.require_present(right_node, right.span),
        ) else {
            return self.poisoned(span);
        };
        let domain = match (lt.base(), rt.base()) {
            (Type::Date, Type::Date) => Domain::Date,
            (Type::DateTime, Type::DateTime) => Domain::DateTime,
            (Type::Date, Type::DateTime) | (Type::DateTime, Type::Date) => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::DateWithDateTime,
                        span,
                        text!(
                            "date-with-date-time--compares-date-date-time",
                            op = op.words()
                        ),
                    )
                    .with_label(left.span, text!("label--of-type", ty = lt))
                    .with_label(right.span, text!("label--of-type", ty = rt))
                    .with_help(text!("help--take-calendar-date-date")),
                );
                return self.poisoned(span);
            }
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotADate,
                        span,
                        text!(
                            "not-a-date--compares-dates-date-times",
                            op = op.words(),
                            lt = lt,
                            rt = rt
                        ),
                    )
                    .with_label(left.span, text!("label--of-type", ty = lt))
                    .with_label(right.span, text!("label--of-type", ty = rt))
                    .with_help(text!("help--compare-numbers-money-quantities")),
                );
                return self.poisoned(span);
            }
        };
        self.push(
            Node::Binary {
                op: BinaryOp::Temporal(op, domain),
                lhs: left_node,
                rhs: right_node,
            },
            Type::Bool,
            span,
        )
    }

    fn otherwise(
        &mut self,
        value: &Expr,
        default: &Expr,
        span: Span,
        expected: Option<&Type>,
    ) -> NodeId {
        let value_node = self.expr(value, expected);
        let value_type = self.ty(value_node);
        let inner = match &value_type {
            Type::Error => return self.poisoned(span),
            Type::Optional(inner) => (**inner).clone(),
            other => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotOptional,
                        value.span,
                        text!("not-optional--value-never-absent-type", other = other),
                    )
                    .with_help(text!("help--remove-otherwise-default")),
                );
                other.clone()
            }
        };
        let default_node = self.expr(default, Some(&inner));
        let default_type = self.ty(default_node);
        let default_node = if default_type.is_optional() {
            self.coerce(default_node, &inner.clone().optional(), default.span)
        } else {
            self.coerce(default_node, &inner, default.span)
        };
        let result = if default_type.is_optional() {
            inner.optional()
        } else {
            inner
        };
        self.push(
            Node::Otherwise {
                value: value_node,
                default: default_node,
            },
            result,
            span,
        )
    }

    fn presence(
        &mut self,
        negated: bool,
        test: PresenceTest,
        operand: &Expr,
        span: Span,
    ) -> NodeId {
        let node = self.expr(operand, None);
        // `x is present` judges `x` by its declared type, even where an earlier test narrowed it.
        let ty = if test == PresenceTest::Empty {
            self.ty(node)
        } else {
            self.declared_type(node)
        };
        let tested = match test {
            PresenceTest::Present | PresenceTest::Absent => {
                if !ty.is_optional() && !ty.is_error() {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::NotOptional,
                            operand.span,
                            text!("not-optional--value-never-absent-type-2", ty = ty),
                        )
                        .with_help(match ty.base() {
                            Type::List(_) | Type::Set(_) => {
                                text!("help--list-never-absent-test-empty")
                            }
                            _ => text!("help--declare-the-field-optional"),
                        }),
                    );
                }
                let present = self.push(Node::IsPresent(node), Type::Bool, span);
                if test == PresenceTest::Absent {
                    self.push(
                        Node::Unary {
                            op: UnaryOp::Not,
                            operand: present,
                        },
                        Type::Bool,
                        span,
                    )
                } else {
                    present
                }
            }
            PresenceTest::Empty => {
                if ty.is_optional() {
                    self.error(maybe_absent(operand.span, &ty));
                } else if !matches!(
                    ty.base(),
                    Type::List(_) | Type::Set(_) | Type::Text | Type::Error
                ) {
                    self.error(Diagnostic::new(
                        DiagnosticId::NotACollection,
                        operand.span,
                        text!("not-a-collection--empty-tests-lists-sets", ty = ty),
                    ));
                }
                self.push(Node::IsEmpty(node), Type::Bool, span)
            }
        };
        if negated {
            self.push(
                Node::Unary {
                    op: UnaryOp::Not,
                    operand: tested,
                },
                Type::Bool,
                span,
            )
        } else {
            tested
        }
    }

    fn membership(
        &mut self,
        negated: bool,
        element: &Expr,
        collection: &Expr,
        span: Span,
    ) -> NodeId {
        // `mode in {sea, air}`, `mode in (if c then {sea} else {sea, air})`: the collection's
        // bare codes take their list from the element, so the element is checked first; only a
        // bare name as the element (`sea in modes`) takes its codes from the collection.
        let literal = matches!(
            collection.kind,
            ExprKind::Set(_) | ExprKind::List(_) | ExprKind::If { .. }
        );
        let early_element = if literal {
            let node = self.expr(element, None);
            let ty = self.ty(node).unwrap_optional().clone();
            Some((node, ty))
        } else {
            None
        };
        let expectation = early_element
            .as_ref()
            .map(|(_, ty)| Type::Set(Box::new(ty.clone())));
        let collection_node = self.expr(collection, expectation.as_ref());
        let collection_type = self.ty(collection_node);
        let element_type = match collection_type.base() {
            Type::Error => None,
            Type::List(element) | Type::Set(element) => Some((**element).clone()),
            _ => {
                self.error(not_a_collection(collection.span, &collection_type));
                None
            }
        };
        let element_node = match early_element {
            Some((node, _)) => node,
            None => self.expr(element, element_type.as_ref()),
        };
        // An absent value is in no collection, as `==` finds it equal to no value: `x in {…}`
        // is false and `x not in {…}` true when `x` is absent.
        let element_node = match &element_type {
            Some(expected) if matches!(self.ty(element_node), Type::Optional(_) | Type::Absent) => {
                self.coerce(
                    element_node,
                    &Type::Optional(Box::new(expected.clone())),
                    element.span,
                )
            }
            Some(expected) => self.coerce(element_node, expected, element.span),
            None => element_node,
        };
        let contains = self.push(
            Node::Contains {
                collection: collection_node,
                element: element_node,
            },
            Type::Bool,
            span,
        );
        if negated {
            self.push(
                Node::Unary {
                    op: UnaryOp::Not,
                    operand: contains,
                },
                Type::Bool,
                span,
            )
        } else {
            contains
        }
    }

    /// Checks a binder and brings its variables into scope. The caller checks the body and
    /// then calls `unbind_to(mark)`.
    fn binder(&mut self, binder: &Binder) -> Option<BinderInfo> {
        let collection = self.expr(&binder.collection, None);
        let collection_type = self.ty(collection);
        let element = match collection_type.base() {
            Type::Error => Type::Error,
            Type::List(element) | Type::Set(element) => (**element).clone(),
            Type::Optional(inner) if matches!(inner.base(), Type::List(_) | Type::Set(_)) => {
                self.error(maybe_absent(binder.collection.span, &collection_type));
                return None;
            }
            _ => {
                self.error(not_a_collection(binder.collection.span, &collection_type));
                return None;
            }
        };
        let collection_place = self.place_of(collection);
        let skip = match &binder.other_than {
            None => None,
            Some(other) => {
                let outer = self
                    .bindings
                    .iter()
                    .rev()
                    .find(|binding| binding.name == other.text)
                    .map(|binding| (binding.collection.clone(), binding.local));
                match outer {
                    Some((Some((place, index)), _))
                        if Some(&place) == collection_place.as_ref() =>
                    {
                        if let Some(binding) = self
                            .bindings
                            .iter_mut()
                            .rev()
                            .find(|binding| binding.name == other.text)
                        {
                            binding.used = true;
                        }
                        Some(index)
                    }
                    _ => {
                        self.error(
                            Diagnostic::new(
                                DiagnosticId::OtherThanMismatch,
                                other.span,
                                text!(
                                    "other-than-mismatch--other-than-needs-range",
                                    other = other.text
                                ),
                            )
                            .with_label(binder.collection.span, text!("label--collection"))
                            .with_help(text!("help--other-than-skips-element", other = other.text)),
                        );
                        None
                    }
                }
            }
        };
        let mark = self.binding_mark();
        let var = self.bind(&binder.var.text, element.clone(), binder.var.span, false);
        let index = match &binder.index_var {
            Some(index_var) => self.bind(&index_var.text, Type::Int, index_var.span, false),
            None => self.hidden_local(&format!("{}#position", binder.var.text)),
        };
        if let (Some(place), Some(binding)) = (
            collection_place,
            self.bindings.iter_mut().rev().find(|b| b.local == var),
        ) {
            binding.collection = Some((place, index));
        }
        Some(BinderInfo {
            mark,
            var,
            index,
            collection,
            skip,
        })
    }

    /// A `for every` binder at the top of a rule: the variable stays in scope.
    pub(crate) fn rule_binder(
        &mut self,
        var: &Name,
        collection: &Expr,
    ) -> Option<(u32, u32, NodeId)> {
        let binder = Binder {
            var: var.clone(),
            index_var: None,
            collection: Box::new(collection.clone()),
            other_than: None,
        };
        self.binder(&binder)
            .map(|info| (info.var, info.index, info.collection))
    }

    /// A binder, its filter and the value computed for each element, with the binder's
    /// variables (and the filter's narrowing) in scope for the value only.
    fn binder_value(
        &mut self,
        binder: &Binder,
        filter: Option<&Expr>,
        value: &Expr,
    ) -> Option<(BinderInfo, Option<NodeId>, NodeId)> {
        let info = self.binder(binder)?;
        let (filter, narrow_mark) = self.filter(filter);
        let value_node = self.expr(value, None);
        self.unnarrow_to(narrow_mark);
        self.unbind_to(info.mark);
        Some((info, filter, value_node))
    }

    fn loop_node(
        &mut self,
        kind: LoopKind,
        info: &BinderInfo,
        filter: Option<NodeId>,
        body: Option<NodeId>,
        ty: Type,
        span: Span,
    ) -> NodeId {
        self.push(
            Node::Loop {
                kind,
                var: info.var,
                index: info.index,
                collection: info.collection,
                skip: info.skip,
                filter,
                body,
            },
            ty,
            span,
        )
    }

    fn filter(&mut self, filter: Option<&Expr>) -> (Option<NodeId>, usize) {
        let mark = self.narrowing_mark();
        let node = filter.map(|filter| {
            let node = self.condition(filter);
            let places = self.narrowings(node, true);
            self.narrow(places);
            node
        });
        (node, mark)
    }

    fn quantified(&mut self, kind: LoopKind, binder: &Binder, body: &Expr, span: Span) -> NodeId {
        let Some(info) = self.binder(binder) else {
            return self.poisoned(span);
        };
        let body_node = self.condition(body);
        self.unbind_to(info.mark);
        self.loop_node(kind, &info, None, Some(body_node), Type::Bool, span)
    }

    fn count(&mut self, binder: &Binder, filter: Option<&Expr>, span: Span) -> NodeId {
        let Some(info) = self.binder(binder) else {
            return self.poisoned(span);
        };
        let (filter, narrow_mark) = self.filter(filter);
        self.unnarrow_to(narrow_mark);
        self.unbind_to(info.mark);
        self.loop_node(LoopKind::Count, &info, filter, None, Type::Int, span)
    }

    fn aggregate(
        &mut self,
        kind: AggregateKind,
        value: &Expr,
        binder: &Binder,
        filter: Option<&Expr>,
        span: Span,
    ) -> NodeId {
        let Some((info, filter, value_node)) = self.binder_value(binder, filter, value) else {
            return self.poisoned(span);
        };
        let Some(value_type) = self.require_present(value_node, value.span) else {
            return self.poisoned(span);
        };
        let value_type = value_type.base().clone();
        let domain = match (&value_type, kind) {
            (Type::Int, _) => Domain::Int,
            (Type::Decimal, _) => Domain::Decimal,
            (Type::Money(Some(_)), _) => Domain::Money,
            (Type::Money(None), _) => {
                self.error(currency_not_known(value.span));
                return self.poisoned(span);
            }
            (Type::Quantity(_), _) => Domain::Quantity,
            (Type::Duration, _) => Domain::Duration,
            (Type::Date, AggregateKind::Min | AggregateKind::Max) => Domain::Date,
            (Type::DateTime, AggregateKind::Min | AggregateKind::Max) => Domain::DateTime,
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotSummable,
                        value.span,
                        text!(
                            "not-summable--cannot-add-up",
                            aggregate = match kind {
                                AggregateKind::Sum => "sum",
                                AggregateKind::Min => "min",
                                AggregateKind::Max => "max",
                            },
                            value_type = value_type
                        ),
                    )
                    .with_help(text!("help--sums-take-numbers-money")),
                );
                return self.poisoned(span);
            }
        };
        let (loop_kind, result) = match kind {
            AggregateKind::Sum => (LoopKind::Sum(domain), value_type.clone()),
            AggregateKind::Min => (LoopKind::Min(domain), value_type.clone().optional()),
            AggregateKind::Max => (LoopKind::Max(domain), value_type.clone().optional()),
        };
        self.loop_node(loop_kind, &info, filter, Some(value_node), result, span)
    }

    fn comprehension(
        &mut self,
        value: &Expr,
        binder: &Binder,
        filter: Option<&Expr>,
        span: Span,
    ) -> NodeId {
        let Some((info, filter, value_node)) = self.binder_value(binder, filter, value) else {
            return self.poisoned(span);
        };
        let value_type = self.ty(value_node);
        self.loop_node(
            LoopKind::Collect,
            &info,
            filter,
            Some(value_node),
            Type::List(Box::new(value_type)),
            span,
        )
    }

    fn if_expr(
        &mut self,
        condition: &Expr,
        then: &Expr,
        otherwise: &Expr,
        span: Span,
        expected: Option<&Type>,
    ) -> NodeId {
        let condition_node = self.condition(condition);
        let mark = self.narrowing_mark();
        let places = self.narrowings(condition_node, true);
        self.narrow(places);
        let then_node = self.expr(then, expected);
        self.unnarrow_to(mark);
        let places = self.narrowings(condition_node, false);
        self.narrow(places);
        let then_type = self.ty(then_node);
        let otherwise_node = self.expr(otherwise, Some(expected.unwrap_or(&then_type)));
        self.unnarrow_to(mark);
        let otherwise_type = self.ty(otherwise_node);
        let Some(result) = unify(&then_type, &otherwise_type) else {
            self.error(
                Diagnostic::new(
                    DiagnosticId::BranchTypeMismatch,
                    span,
                    text!(
                        "branch-type-mismatch--branches-have-different-types",
                        then_type = then_type,
                        otherwise_type = otherwise_type
                    ),
                )
                .with_label(then.span, text!("label--of-type", ty = then_type))
                .with_label(otherwise.span, text!("label--of-type", ty = otherwise_type)),
            );
            return self.poisoned(span);
        };
        let then_node = self.coerce(then_node, &result, then.span);
        let otherwise_node = self.coerce(otherwise_node, &result, otherwise.span);
        self.push(
            Node::If {
                condition: condition_node,
                then: then_node,
                otherwise: otherwise_node,
            },
            result,
            span,
        )
    }

    fn list(
        &mut self,
        elements: &[Expr],
        span: Span,
        expected: Option<&Type>,
        is_set: bool,
    ) -> NodeId {
        let expected_element = expected.and_then(|ty| ty.unwrap_optional().element().cloned());
        if elements.is_empty() {
            let element = expected_element.unwrap_or(Type::Error);
            let ty = if is_set {
                Type::Set(Box::new(element))
            } else {
                Type::List(Box::new(element))
            };
            return self.push(Node::Const(Constant::EmptyList), ty, span);
        }
        let mut nodes = Vec::with_capacity(elements.len());
        let mut element_type = expected_element.clone();
        for element in elements {
            let node = self.expr(element, element_type.as_ref());
            let ty = self.ty(node);
            element_type = match element_type {
                None => Some(ty),
                Some(current) => Some(unify(&current, &ty).unwrap_or_else(|| {
                    self.report_mismatch(&ty, &current, element.span);
                    current
                })),
            };
            nodes.push((node, element.span));
        }
        let element_type = element_type.unwrap_or(Type::Error);
        let nodes = nodes
            .into_iter()
            .map(|(node, span)| self.coerce(node, &element_type, span))
            .collect();
        if is_set {
            self.push(
                Node::MakeSet(nodes),
                Type::Set(Box::new(element_type)),
                span,
            )
        } else {
            self.push(
                Node::MakeList(nodes),
                Type::List(Box::new(element_type)),
                span,
            )
        }
    }

    pub(crate) fn record_literal(
        &mut self,
        fields: &[(Name, Expr)],
        span: Span,
        expected: Option<&Type>,
    ) -> NodeId {
        let Some(Type::Record(path)) = expected.map(|ty| ty.unwrap_optional().base().clone())
        else {
            if expected.is_some_and(Type::is_error) {
                return self.poisoned(span);
            }
            self.error(
                Diagnostic::new(
                    DiagnosticId::UntypedRecordLiteral,
                    span,
                    text!("untyped-record-literal--record-literal-needs-known"),
                )
                .with_help(text!("help--record-literals-written-where")),
            );
            return self.poisoned(span);
        };
        let Some(declared) = self.record_fields(&path) else {
            return self.poisoned(span);
        };
        let mut values: Vec<Option<NodeId>> = vec![None; declared.len()];
        for (name, value) in fields {
            let Some(position) = declared.iter().position(|(field, _)| field == &name.text) else {
                self.error(unknown_field(
                    name,
                    &Type::Record(path.clone()),
                    declared.iter().map(|(field, _)| field.as_str()),
                ));
                continue;
            };
            if values[position].is_some() {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::DuplicateField,
                        name.span,
                        text!("duplicate-field--field-given-twice", name = name.text),
                    )
                    .with_help(text!("help--remove-one-two")),
                );
                continue;
            }
            let field_type = declared[position].1.clone();
            let node = self.expr(value, Some(&field_type));
            values[position] = Some(self.coerce(node, &field_type, value.span));
        }
        let mut missing = Vec::new();
        let mut nodes = Vec::with_capacity(declared.len());
        for ((name, ty), value) in declared.iter().zip(values) {
            let node = match value {
                Some(node) => node,
                None => match ty.base() {
                    Type::Optional(_) => self.push(Node::Const(Constant::Absent), ty.clone(), span),
                    Type::List(_) | Type::Set(_) => {
                        self.push(Node::Const(Constant::EmptyList), ty.clone(), span)
                    }
                    _ => {
                        missing.push(name.clone());
                        self.poisoned(span)
                    }
                },
            };
            nodes.push(node);
        }
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                Diagnostic::new(
                    DiagnosticId::MissingField,
                    span,
                    text!(
                        "missing-field--lacks-required-fields",
                        path = path.name,
                        list = list
                    ),
                )
                .with_help(text!("help--give-them-value-declare")),
            );
        }
        self.push(Node::MakeRecord(nodes), Type::Record(path), span)
    }
}

pub(crate) struct BinderInfo {
    mark: usize,
    var: u32,
    index: u32,
    collection: NodeId,
    skip: Option<u32>,
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

/// How an arithmetic operator applies to two operand types.
struct ArithSignature {
    op: BinaryOp,
    result: Type,
    /// Whether an `Int` operand widens to a `Decimal` first.
    widen_left: bool,
    widen_right: bool,
    /// Whether the operands swap, so that a measure always comes first (`2 * 3 kg`).
    swap: bool,
}

/// The operators of a measure (money, quantity, duration).
struct MeasureOps {
    add: BinaryOp,
    sub: BinaryOp,
    /// By a number.
    scale: BinaryOp,
    /// By a number.
    divide: Option<BinaryOp>,
    /// Of two measures, giving a number.
    ratio: Option<BinaryOp>,
}

fn measure_ops(ty: &Type) -> Option<MeasureOps> {
    Some(match ty {
        Type::Money(_) => MeasureOps {
            add: BinaryOp::AddMoney,
            sub: BinaryOp::SubMoney,
            scale: BinaryOp::ScaleMoney,
            divide: Some(BinaryOp::DivideMoney),
            ratio: Some(BinaryOp::RatioMoney),
        },
        Type::Quantity(_) => MeasureOps {
            add: BinaryOp::AddQuantity,
            sub: BinaryOp::SubQuantity,
            scale: BinaryOp::ScaleQuantity,
            divide: Some(BinaryOp::DivideQuantity),
            ratio: Some(BinaryOp::RatioQuantity),
        },
        Type::Duration => MeasureOps {
            add: BinaryOp::AddDuration,
            sub: BinaryOp::SubDuration,
            scale: BinaryOp::ScaleDuration,
            divide: None,
            ratio: None,
        },
        _ => return None,
    })
}

/// The typing rules of arithmetic, in one table: which operator applies to which operand
/// types, and with what result. Money has passed the currency check before.
fn arithmetic(op: ArithOp, lt: &Type, rt: &Type) -> Option<ArithSignature> {
    use ArithOp::*;
    use Type as T;
    let sign = |op: BinaryOp, result: Type| ArithSignature {
        op,
        result,
        widen_left: false,
        widen_right: false,
        swap: false,
    };
    let is_number = |ty: &Type| matches!(ty, T::Int | T::Decimal);
    Some(match (op, lt, rt) {
        (Add, T::Int, T::Int) => sign(BinaryOp::AddInt, T::Int),
        (Sub, T::Int, T::Int) => sign(BinaryOp::SubInt, T::Int),
        (Mul, T::Int, T::Int) => sign(BinaryOp::MulInt, T::Int),
        (Mod, T::Int, T::Int) => sign(BinaryOp::ModInt, T::Int),
        (Pow, T::Int, T::Int) => sign(BinaryOp::PowInt, T::Int),
        (Div, T::Int, T::Int) => sign(BinaryOp::DivInt, T::Decimal),
        (Pow, T::Decimal, T::Int) => sign(BinaryOp::PowDecimal, T::Decimal),
        (Add | Sub | Mul | Div | Mod, a, b) if is_number(a) && is_number(b) => ArithSignature {
            widen_left: *a == T::Int,
            widen_right: *b == T::Int,
            ..sign(
                match op {
                    Add => BinaryOp::AddDecimal,
                    Sub => BinaryOp::SubDecimal,
                    Mul => BinaryOp::MulDecimal,
                    Div => BinaryOp::DivDecimal,
                    _ => BinaryOp::ModDecimal,
                },
                T::Decimal,
            )
        },
        (Add | Sub | Div, a, b)
            if std::mem::discriminant(a) == std::mem::discriminant(b)
                && measure_ops(a).is_some() =>
        {
            if let (T::Quantity(x), T::Quantity(y)) = (a, b)
                && x != y
            {
                return None;
            }
            let ops = measure_ops(a)?;
            match op {
                Add => sign(ops.add, a.clone()),
                Sub => sign(ops.sub, a.clone()),
                _ => sign(ops.ratio?, T::Decimal),
            }
        }
        (Mul | Div, measure, number) if is_number(number) && measure_ops(measure).is_some() => {
            let ops = measure_ops(measure)?;
            ArithSignature {
                widen_right: *number == T::Int,
                ..sign(
                    if op == Mul { ops.scale } else { ops.divide? },
                    measure.clone(),
                )
            }
        }
        (Mul, number, measure) if is_number(number) && measure_ops(measure).is_some() => {
            let ops = measure_ops(measure)?;
            ArithSignature {
                widen_left: *number == T::Int,
                swap: true,
                ..sign(ops.scale, measure.clone())
            }
        }
        (Add, T::DateTime, T::Duration) => sign(BinaryOp::AddElapsed, T::DateTime),
        (Sub, T::DateTime, T::Duration) => sign(BinaryOp::SubElapsed, T::DateTime),
        (Sub, T::DateTime, T::DateTime) => sign(BinaryOp::Elapsed, T::Duration),
        (Add, T::DateTime, T::Period) => sign(BinaryOp::AddPeriodToDateTime, T::DateTime),
        (Sub, T::DateTime, T::Period) => sign(BinaryOp::SubPeriodFromDateTime, T::DateTime),
        (Add, T::Date, T::Period) => sign(BinaryOp::AddPeriodToDate, T::Date),
        (Sub, T::Date, T::Period) => sign(BinaryOp::SubPeriodFromDate, T::Date),
        (Add, T::Period, T::Period) => sign(BinaryOp::AddPeriods, T::Period),
        (Add, T::Text, T::Text) => sign(BinaryOp::ConcatText, T::Text),
        // The elements of the left list, then those of the right one.
        (Add, T::List(a), T::List(b)) if a == b => sign(BinaryOp::ConcatLists, lt.clone()),
        _ => return None,
    })
}

/// Why two operand types do not combine, with the help an analyst needs.
fn arithmetic_mismatch(
    op: ArithOp,
    lt: &Type,
    rt: &Type,
    left: Span,
    right: Span,
    span: Span,
) -> Diagnostic {
    use Type as T;
    match (lt, rt) {
        (T::Date, T::Duration) => Diagnostic::new(
            DiagnosticId::HoursOnDate,
            span,
            text!("hours-on-date--hours-cannot-added-date"),
        )
        .with_primary_label(text!("label--date-duration"))
        .with_help(text!("help--add-calendar-days-date")),
        (T::Duration, T::Period) | (T::Period, T::Duration) => Diagnostic::new(
            DiagnosticId::UnitMismatch,
            span,
            text!("unit-mismatch--elapsed-time-calendar-days"),
        )
        .with_primary_label(text!("label--duration-period"))
        .with_help(text!("help--calendar-day-always-24")),
        (T::Quantity(_) | T::Money(_), T::Quantity(_) | T::Money(_)) => Diagnostic::new(
            DiagnosticId::UnitMismatch,
            span,
            text!(
                "unit-mismatch--cannot-combine",
                op = op.symbol(),
                lt = lt,
                rt = rt
            ),
        )
        .with_label(left, text!("label--of-type", ty = lt))
        .with_label(right, text!("label--of-type", ty = rt))
        .with_help(text!("help--quantities-different-kinds-never")),
        _ => Diagnostic::new(
            DiagnosticId::InvalidArithmetic,
            span,
            text!(
                "unit-mismatch--cannot-combine",
                op = op.symbol(),
                lt = lt,
                rt = rt
            ),
        )
        .with_label(left, text!("label--of-type", ty = lt))
        .with_label(right, text!("label--of-type", ty = rt)),
    }
}

fn not_a_record(field: &Name, base_type: &Type) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::NotARecord,
        field.span,
        text!("not-a-record--has-fields", base_type = base_type),
    )
    .with_primary_label(text!("label--field", field = field.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Dimension;

    fn result(op: ArithOp, left: Type, right: Type) -> Option<(BinaryOp, Type, bool)> {
        arithmetic(op, &left, &right)
            .map(|signature| (signature.op, signature.result, signature.swap))
    }

    #[test]
    fn measures_scale_by_numbers_on_either_side() {
        let mass = Type::Quantity(Dimension::Mass);
        assert_eq!(
            result(ArithOp::Mul, mass.clone(), Type::Int),
            Some((BinaryOp::ScaleQuantity, mass.clone(), false))
        );
        assert_eq!(
            result(ArithOp::Mul, Type::Decimal, mass.clone()),
            Some((BinaryOp::ScaleQuantity, mass.clone(), true))
        );
        assert_eq!(
            result(ArithOp::Div, mass.clone(), mass.clone()),
            Some((BinaryOp::RatioQuantity, Type::Decimal, false))
        );
    }

    #[test]
    fn unlike_measures_do_not_combine() {
        let mass = Type::Quantity(Dimension::Mass);
        let volume = Type::Quantity(Dimension::Volume);
        assert_eq!(result(ArithOp::Add, mass.clone(), volume), None);
        assert_eq!(result(ArithOp::Add, mass, Type::Money(None)), None);
        assert_eq!(result(ArithOp::Div, Type::Duration, Type::Duration), None);
        assert_eq!(result(ArithOp::Add, Type::Duration, Type::Period), None);
        assert_eq!(result(ArithOp::Add, Type::Date, Type::Duration), None);
    }

    #[test]
    fn time_arithmetic_keeps_elapsed_and_calendar_time_apart() {
        assert_eq!(
            result(ArithOp::Sub, Type::DateTime, Type::DateTime),
            Some((BinaryOp::Elapsed, Type::Duration, false))
        );
        assert_eq!(
            result(ArithOp::Add, Type::DateTime, Type::Period),
            Some((BinaryOp::AddPeriodToDateTime, Type::DateTime, false))
        );
        assert_eq!(
            result(ArithOp::Div, Type::Int, Type::Int),
            Some((BinaryOp::DivInt, Type::Decimal, false))
        );
    }
}
