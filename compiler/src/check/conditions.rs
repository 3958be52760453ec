//! Checking conditions: comparisons, deadlines in words, `otherwise`, presence tests,
//! membership and `if`.

use super::expr::{domain_of, not_a_collection, unify};
use super::{Checker, compatible, maybe_absent};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::{BinaryOp, Domain, Node, NodeId, UnaryOp};
use crate::syntax::ast::{CmpOp, Expr, ExprKind, PresenceTest, Span, TemporalOp};
use crate::types::Type;

impl Checker<'_> {
    /// Unifies the types of two operands that must agree, coercing Int to Decimal.
    pub(super) fn unify_operands(
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

    pub(super) fn compare(&mut self, op: CmpOp, left: &Expr, right: &Expr, span: Span) -> NodeId {
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

    pub(super) fn temporal(
        &mut self,
        op: TemporalOp,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> NodeId {
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

    pub(super) fn otherwise(
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

    pub(super) fn presence(
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

    pub(super) fn membership(
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

    pub(super) fn if_expr(
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
}
