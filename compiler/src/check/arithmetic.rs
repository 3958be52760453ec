//! Checking arithmetic: signs, the operators on numbers, money, quantities and time, and
//! business time added to a date-time.

use std::sync::Arc;

use super::expr::{currency_not_known, invalid_literal};
use super::{Checker, maybe_absent};
use crate::diagnostics::{Diagnostic, DiagnosticId, did_you_mean};
use crate::ir::{BinaryOp, Node, NodeId, UnaryOp};
use crate::syntax::ast::{ArithOp, Expr, ExprKind, Name, Span};
use crate::types::Type;

impl Checker<'_> {
    pub(super) fn negate(&mut self, operand: &Expr, span: Span, expected: Option<&Type>) -> NodeId {
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
    pub(super) fn operands(&mut self, left: &Expr, right: &Expr) -> (NodeId, NodeId) {
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

    pub(super) fn is_unbound_name(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Name(name) => {
                !self.bindings.iter().any(|binding| &binding.name == name)
                    && self.scope.get(name).is_none()
            }
            ExprKind::Set(_) | ExprKind::List(_) | ExprKind::Absent => true,
            _ => false,
        }
    }

    pub(super) fn require_present(&mut self, node: NodeId, span: Span) -> Option<Type> {
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

    pub(super) fn arith(
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

    pub(super) fn same_currency(
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
    pub(super) fn business_add(
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
