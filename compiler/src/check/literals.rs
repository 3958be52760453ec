//! Checking literals: numbers, quantities and money written with their units.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::Checker;
use super::expr::invalid_literal;
use crate::diagnostics::{Diagnostic, DiagnosticId, did_you_mean};
use crate::ir::{Constant, Node, NodeId};
use crate::resolve::{currency_index, currency_names};
use crate::syntax::ast::{Name, Span};
use crate::types::{Type, UNIT_WORDS, UnitKind, days_per_unit, unit_kind};

impl Checker<'_> {
    pub(super) fn number(&mut self, text: &str, span: Span, expected: Option<&Type>) -> NodeId {
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

    pub(super) fn quantity(&mut self, amount: &str, unit: &Name, span: Span) -> NodeId {
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
}
