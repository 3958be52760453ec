//! The operations of the language on values, as pure functions: arithmetic, comparison,
//! `with` updates, and the errors they fail with. The interpreter calls them, and so will
//! compiled code (its host helpers), so that every backend computes with the same code and
//! fails with the same kind of error.

use std::cmp::Ordering;
use std::sync::Arc;

use clearance_compiler::ir::{BinaryOp, Domain, PathStep, UnaryOp};
use clearance_compiler::syntax::ast::{CmpOp, TemporalOp};
use jiff::{SignedDuration, Span as CalendarSpan};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::value::Value;

/// What kind of failure stopped an evaluation: the part every backend must agree on (the
/// interpreter and compiled code report the same kind at the same record), and what an
/// operator counts. Written in kebab-case on a finding (`"error": "absent-value"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvalErrorKind {
    /// A value the computation needs is absent: a field not given, money without an amount.
    AbsentValue,
    /// A value in the record did not bind (its technical-validation finding says why).
    InvalidData,
    DivisionByZero,
    Overflow,
    /// Money in two currencies met in one operation.
    CurrencyMismatch,
    /// A builtin or a `with` given an argument outside what it accepts.
    InvalidArgument,
    /// Data the rules need and the run does not have: a data file, an exchange rate, the date.
    MissingData,
    /// No row of a table matches.
    NoTableRow,
    /// Two rows of a `unique` table match.
    AmbiguousTable,
    /// Two exceptions of a rule apply at once.
    AmbiguousExceptions,
    /// A calendar or table of the rule set could not be built.
    InvalidDefinition,
    /// Constants that refer to each other at run time.
    Cycle,
    /// Beyond what the engine supports: an exponent above 64, calls nested too deeply.
    Unsupported,
    /// A fault of the engine, not of the rules or the record.
    Internal,
}

impl EvalErrorKind {
    /// Every kind, in the order of the enum (kept beside it; docs/language.md lists them).
    pub const ALL: [EvalErrorKind; 14] = [
        EvalErrorKind::AbsentValue,
        EvalErrorKind::InvalidData,
        EvalErrorKind::DivisionByZero,
        EvalErrorKind::Overflow,
        EvalErrorKind::CurrencyMismatch,
        EvalErrorKind::InvalidArgument,
        EvalErrorKind::MissingData,
        EvalErrorKind::NoTableRow,
        EvalErrorKind::AmbiguousTable,
        EvalErrorKind::AmbiguousExceptions,
        EvalErrorKind::InvalidDefinition,
        EvalErrorKind::Cycle,
        EvalErrorKind::Unsupported,
        EvalErrorKind::Internal,
    ];
}

/// A failure while evaluating: reported on the record, never a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub kind: EvalErrorKind,
    pub message: String,
    /// The message in French, where the error has one; otherwise findings show the English.
    pub message_fr: Option<String>,
}

impl EvalError {
    pub fn new(kind: EvalErrorKind, message: impl Into<String>) -> EvalError {
        EvalError {
            kind,
            message: message.into(),
            message_fr: None,
        }
    }

    pub fn with_french(mut self, message: impl Into<String>) -> EvalError {
        self.message_fr = Some(message.into());
        self
    }
}

pub type Eval<T> = Result<T, EvalError>;

pub(crate) fn internal(what: &str) -> EvalError {
    EvalError::new(
        EvalErrorKind::Internal,
        format!(
            "internal error: {what}; please report this rule set and record to the Clearance maintainers"
        ),
    )
}

#[inline]
pub(crate) fn as_bool(value: &Value) -> Eval<bool> {
    match value {
        Value::Bool(value) => Ok(*value),
        Value::Absent => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a condition read an absent value",
        )),
        _ => Err(internal("a condition is not a boolean")),
    }
}

pub(crate) fn as_int(value: &Value) -> Eval<i64> {
    match value {
        Value::Int(value) => Ok(*value),
        Value::Absent => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a computation read an absent value",
        )),
        _ => Err(internal("expected a whole number")),
    }
}

pub(crate) fn as_decimal(value: &Value) -> Eval<Decimal> {
    match value {
        Value::Decimal(value) => Ok(*value),
        Value::Int(value) => Ok(Decimal::from(*value)),
        Value::Absent => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a computation read an absent value",
        )),
        _ => Err(internal("expected a number")),
    }
}

pub(crate) fn as_text(value: &Value) -> Eval<&Arc<str>> {
    match value {
        Value::Text(text) => Ok(text),
        Value::Absent => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a computation read an absent text",
        )),
        _ => Err(internal("expected a text")),
    }
}

pub(crate) fn as_list(value: &Value) -> Eval<&Arc<[Value]>> {
    match value {
        Value::List(items) => Ok(items),
        Value::Absent => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a loop read an absent list",
        )),
        _ => Err(internal("expected a list")),
    }
}

pub(crate) fn overflow() -> EvalError {
    EvalError::new(
        EvalErrorKind::Overflow,
        "a computation overflowed: the numbers are too large",
    )
}

pub(crate) fn division_by_zero() -> EvalError {
    EvalError::new(EvalErrorKind::DivisionByZero, "division by zero")
}

/// The order of two values of the same domain.
#[inline]
pub fn order(a: &Value, b: &Value) -> Eval<Ordering> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Decimal(x), Value::Decimal(y)) => x.cmp(y),
        (Value::Int(x), Value::Decimal(y)) => Decimal::from(*x).cmp(y),
        (Value::Decimal(x), Value::Int(y)) => x.cmp(&Decimal::from(*y)),
        (Value::Money(x, c), Value::Money(y, d)) => {
            if c != d {
                return Err(EvalError::new(
                    EvalErrorKind::CurrencyMismatch,
                    "money in two currencies was compared",
                ));
            }
            x.cmp(y)
        }
        (Value::Quantity(x), Value::Quantity(y)) => x.cmp(y),
        (Value::Duration(x), Value::Duration(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.timestamp().cmp(&y.timestamp()),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Absent, _) | (_, Value::Absent) => {
            return Err(EvalError::new(
                EvalErrorKind::AbsentValue,
                "an absent value was compared",
            ));
        }
        _ => return Err(internal("values of different kinds were compared")),
    })
}

#[inline]
pub fn compare(op: CmpOp, a: &Value, b: &Value, domain: Domain) -> Eval<bool> {
    if domain == Domain::Set
        && matches!(op, CmpOp::Eq | CmpOp::NotEq)
        && let (Value::List(x), Value::List(y)) = (a, b)
    {
        let equal = x.iter().all(|item| y.iter().any(|other| other.same(item)))
            && y.iter().all(|item| x.iter().any(|other| other.same(item)));
        return Ok(if op == CmpOp::Eq { equal } else { !equal });
    }
    let by_identity = matches!(
        domain,
        Domain::Structural | Domain::Set | Domain::Text | Domain::Code | Domain::Bool
    );
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) && (by_identity || a.is_absent() || b.is_absent()) {
        let equal = a.same(b);
        return Ok(if op == CmpOp::Eq { equal } else { !equal });
    }
    let ordering = order(a, b)?;
    Ok(match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::NotEq => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::LtEq => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::GtEq => ordering != Ordering::Less,
    })
}

pub(crate) fn pow_decimal(base: Decimal, exponent: i64) -> Eval<Decimal> {
    if exponent.unsigned_abs() > 64 {
        return Err(EvalError::new(
            EvalErrorKind::Unsupported,
            "an exponent above 64 is not supported",
        ));
    }
    let mut result = Decimal::ONE;
    for _ in 0..exponent.unsigned_abs() {
        result = result.checked_mul(base).ok_or_else(overflow)?;
    }
    if exponent < 0 {
        result = Decimal::ONE
            .checked_div(result)
            .ok_or_else(division_by_zero)?;
    }
    Ok(result)
}

pub(crate) fn scale_duration(duration: SignedDuration, factor: Decimal) -> Eval<SignedDuration> {
    let nanos = Decimal::from_i128_with_scale(duration.as_nanos(), 0);
    let scaled = nanos
        .checked_mul(factor)
        .ok_or_else(overflow)?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven);
    let nanos = i128::try_from(scaled).map_err(|_| overflow())?;
    let seconds = i64::try_from(nanos / 1_000_000_000).map_err(|_| overflow())?;
    let rest = i32::try_from(nanos % 1_000_000_000).map_err(|_| overflow())?;
    Ok(SignedDuration::new(seconds, rest))
}

pub(crate) fn period_span(months: i32, days: i32) -> Eval<CalendarSpan> {
    CalendarSpan::new()
        .try_months(months)
        .and_then(|span| span.try_days(days))
        .map_err(|_| overflow())
}

pub fn unary(op: UnaryOp, value: Value) -> Eval<Value> {
    if value.is_absent() {
        return Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a computation read an absent value",
        ));
    }
    Ok(match (op, value) {
        (UnaryOp::Not, value) => Value::Bool(!as_bool(&value)?),
        (UnaryOp::NegateInt, Value::Int(x)) => Value::Int(x.checked_neg().ok_or_else(overflow)?),
        (UnaryOp::NegateDecimal, Value::Decimal(x)) => Value::Decimal(-x),
        (UnaryOp::NegateMoney, Value::Money(x, c)) => Value::Money(-x, c),
        (UnaryOp::NegateQuantity, Value::Quantity(x)) => Value::Quantity(-x),
        (UnaryOp::NegateDuration, Value::Duration(x)) => {
            Value::Duration(x.checked_neg().ok_or_else(overflow)?)
        }
        (UnaryOp::IntToDecimal, Value::Int(x)) => Value::Decimal(Decimal::from(x)),
        (UnaryOp::IntToDecimal, Value::Decimal(x)) => Value::Decimal(x),
        _ => return Err(internal("an operator met a value of the wrong kind")),
    })
}

/// Addition in a sum's domain.
pub fn add(domain: Domain, a: &Value, b: &Value) -> Eval<Value> {
    let op = match domain {
        Domain::Int => BinaryOp::AddInt,
        Domain::Decimal => BinaryOp::AddDecimal,
        Domain::Money => BinaryOp::AddMoney,
        Domain::Quantity => BinaryOp::AddQuantity,
        Domain::Duration => BinaryOp::AddDuration,
        _ => return Err(internal("a sum in a domain without addition")),
    };
    binary(op, a, b)
}

pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Eval<Value> {
    use BinaryOp as B;
    use Value as V;
    if let B::Compare(cmp, domain) = op {
        return Ok(V::Bool(compare(cmp, a, b, domain)?));
    }
    if a.is_absent() || b.is_absent() {
        return Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "a computation read an absent value",
        ));
    }
    Ok(match (op, a, b) {
        (B::AddInt, V::Int(x), V::Int(y)) => V::Int(x.checked_add(*y).ok_or_else(overflow)?),
        (B::SubInt, V::Int(x), V::Int(y)) => V::Int(x.checked_sub(*y).ok_or_else(overflow)?),
        (B::MulInt, V::Int(x), V::Int(y)) => V::Int(x.checked_mul(*y).ok_or_else(overflow)?),
        (B::DivInt, V::Int(x), V::Int(y)) => {
            if *y == 0 {
                return Err(division_by_zero());
            }
            V::Decimal(
                Decimal::from(*x)
                    .checked_div(Decimal::from(*y))
                    .ok_or_else(overflow)?,
            )
        }
        (B::ModInt, V::Int(x), V::Int(y)) => {
            if *y == 0 {
                return Err(division_by_zero());
            }
            V::Int(x.checked_rem_euclid(*y).ok_or_else(overflow)?)
        }
        (B::PowInt, V::Int(x), V::Int(y)) => {
            let Ok(exponent) = u32::try_from(*y) else {
                return Err(EvalError::new(
                    EvalErrorKind::InvalidArgument,
                    "a whole number was raised to a negative power",
                ));
            };
            V::Int(x.checked_pow(exponent).ok_or_else(overflow)?)
        }
        (B::AddDecimal, V::Decimal(x), V::Decimal(y)) => {
            V::Decimal(x.checked_add(*y).ok_or_else(overflow)?)
        }
        (B::SubDecimal, V::Decimal(x), V::Decimal(y)) => {
            V::Decimal(x.checked_sub(*y).ok_or_else(overflow)?)
        }
        (B::MulDecimal, V::Decimal(x), V::Decimal(y)) => {
            V::Decimal(x.checked_mul(*y).ok_or_else(overflow)?)
        }
        (B::DivDecimal, V::Decimal(x), V::Decimal(y)) => {
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Decimal(x.checked_div(*y).ok_or_else(overflow)?)
        }
        (B::ModDecimal, V::Decimal(x), V::Decimal(y)) => {
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Decimal(x.checked_rem(*y).ok_or_else(overflow)?)
        }
        (B::PowDecimal, V::Decimal(x), V::Int(y)) => V::Decimal(pow_decimal(*x, *y)?),
        (B::AddMoney | B::SubMoney, V::Money(x, c), V::Money(y, d)) => {
            if c != d {
                return Err(EvalError::new(
                    EvalErrorKind::CurrencyMismatch,
                    "money in two currencies was added",
                ));
            }
            let total = if op == B::AddMoney {
                x.checked_add(*y)
            } else {
                x.checked_sub(*y)
            };
            V::Money(total.ok_or_else(overflow)?, *c)
        }
        (B::ScaleMoney, V::Money(x, c), V::Decimal(y)) => {
            V::Money(x.checked_mul(*y).ok_or_else(overflow)?, *c)
        }
        (B::DivideMoney, V::Money(x, c), V::Decimal(y)) => {
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Money(x.checked_div(*y).ok_or_else(overflow)?, *c)
        }
        (B::RatioMoney, V::Money(x, c), V::Money(y, d)) => {
            if c != d {
                return Err(EvalError::new(
                    EvalErrorKind::CurrencyMismatch,
                    "money in two currencies was divided",
                ));
            }
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Decimal(x.checked_div(*y).ok_or_else(overflow)?)
        }
        (B::AddQuantity, V::Quantity(x), V::Quantity(y)) => {
            V::Quantity(x.checked_add(*y).ok_or_else(overflow)?)
        }
        (B::SubQuantity, V::Quantity(x), V::Quantity(y)) => {
            V::Quantity(x.checked_sub(*y).ok_or_else(overflow)?)
        }
        (B::ScaleQuantity, V::Quantity(x), V::Decimal(y)) => {
            V::Quantity(x.checked_mul(*y).ok_or_else(overflow)?)
        }
        (B::DivideQuantity, V::Quantity(x), V::Decimal(y)) => {
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Quantity(x.checked_div(*y).ok_or_else(overflow)?)
        }
        (B::RatioQuantity, V::Quantity(x), V::Quantity(y)) => {
            if y.is_zero() {
                return Err(division_by_zero());
            }
            V::Decimal(x.checked_div(*y).ok_or_else(overflow)?)
        }
        (B::AddDuration, V::Duration(x), V::Duration(y)) => {
            V::Duration(x.checked_add(*y).ok_or_else(overflow)?)
        }
        (B::SubDuration, V::Duration(x), V::Duration(y)) => {
            V::Duration(x.checked_sub(*y).ok_or_else(overflow)?)
        }
        (B::ScaleDuration, V::Duration(x), V::Decimal(y)) => V::Duration(scale_duration(*x, *y)?),
        (B::AddElapsed, V::DateTime(t), V::Duration(d)) => {
            V::DateTime(Arc::new(t.checked_add(*d).map_err(|_| overflow())?))
        }
        (B::SubElapsed, V::DateTime(t), V::Duration(d)) => {
            V::DateTime(Arc::new(t.checked_sub(*d).map_err(|_| overflow())?))
        }
        (B::Elapsed, V::DateTime(x), V::DateTime(y)) => {
            V::Duration(x.timestamp().duration_since(y.timestamp()))
        }
        (B::AddPeriodToDateTime, V::DateTime(t), V::Period { months, days }) => {
            V::DateTime(Arc::new(
                t.checked_add(period_span(*months, *days)?)
                    .map_err(|_| overflow())?,
            ))
        }
        (B::SubPeriodFromDateTime, V::DateTime(t), V::Period { months, days }) => {
            V::DateTime(Arc::new(
                t.checked_sub(period_span(*months, *days)?)
                    .map_err(|_| overflow())?,
            ))
        }
        (B::AddPeriodToDate, V::Date(d), V::Period { months, days }) => V::Date(
            d.checked_add(period_span(*months, *days)?)
                .map_err(|_| overflow())?,
        ),
        (B::SubPeriodFromDate, V::Date(d), V::Period { months, days }) => V::Date(
            d.checked_sub(period_span(*months, *days)?)
                .map_err(|_| overflow())?,
        ),
        (
            B::AddPeriods,
            V::Period {
                months: m1,
                days: d1,
            },
            V::Period {
                months: m2,
                days: d2,
            },
        ) => V::Period {
            months: m1.checked_add(*m2).ok_or_else(overflow)?,
            days: d1.checked_add(*d2).ok_or_else(overflow)?,
        },
        (B::ConcatText, V::Text(x), V::Text(y)) => V::Text(Arc::from(format!("{x}{y}"))),
        (B::ConcatLists, V::List(x), V::List(y)) => {
            V::List(x.iter().chain(y.iter()).cloned().collect::<Vec<_>>().into())
        }
        (B::Temporal(op, _), x, y) => {
            let ordering = order(x, y)?;
            V::Bool(match op {
                TemporalOp::Before => ordering == Ordering::Less,
                TemporalOp::OnOrBefore => ordering != Ordering::Greater,
                TemporalOp::After => ordering == Ordering::Greater,
                TemporalOp::OnOrAfter => ordering != Ordering::Less,
            })
        }
        _ => return Err(internal("an operator met values of the wrong kind")),
    })
}

/// A copy of `base` with the part at `path` replaced by `value` (for examples' `with`).
pub fn update(base: &Value, path: &[PathStep], value: Value) -> Eval<Value> {
    let Some((step, rest)) = path.split_first() else {
        return Ok(value);
    };
    match (step, base) {
        (PathStep::Present, Value::Absent) => Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "`with` sets a field inside a record that is absent; give the whole record instead",
        )),
        (PathStep::Present, base) => update(base, rest, value),
        (PathStep::Field(index), Value::Record(fields)) => {
            let mut fields: Vec<Value> = fields.to_vec();
            let Some(slot) = fields.get_mut(*index as usize) else {
                return Err(internal("a record field is missing"));
            };
            *slot = update(slot, rest, value)?;
            Ok(Value::Record(Arc::from(fields)))
        }
        (PathStep::Index(index), Value::List(items)) => {
            let mut items: Vec<Value> = items.to_vec();
            let length = items.len();
            let Some(slot) = items.get_mut(*index as usize) else {
                return Err(EvalError::new(
                    EvalErrorKind::InvalidArgument,
                    format!(
                        "`with` names position {index} of a list that has {length} element{}",
                        if length == 1 { "" } else { "s" }
                    ),
                ));
            };
            *slot = update(slot, rest, value)?;
            Ok(Value::List(Arc::from(items)))
        }
        _ => Err(EvalError::new(
            EvalErrorKind::InvalidArgument,
            "`with` names a part of the data that does not exist",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_documented() {
        let language = include_str!("../../docs/language.md");
        for kind in EvalErrorKind::ALL {
            let name = serde_json::to_value(kind).unwrap();
            let name = name.as_str().unwrap();
            assert!(
                language.contains(&format!("`{name}`")),
                "`{name}` is not in docs/language.md"
            );
        }
    }

    #[test]
    fn each_failure_has_its_kind() {
        let kind = |op: BinaryOp, a: Value, b: Value| {
            binary(op, &a, &b).map(|_| ()).map_err(|error| error.kind)
        };
        assert_eq!(
            kind(BinaryOp::DivInt, Value::Int(1), Value::Int(0)),
            Err(EvalErrorKind::DivisionByZero)
        );
        assert_eq!(
            kind(BinaryOp::AddInt, Value::Int(i64::MAX), Value::Int(1)),
            Err(EvalErrorKind::Overflow)
        );
        assert_eq!(
            kind(BinaryOp::AddInt, Value::Absent, Value::Int(1)),
            Err(EvalErrorKind::AbsentValue)
        );
        assert_eq!(
            kind(
                BinaryOp::AddMoney,
                Value::Money(Decimal::ONE, 0),
                Value::Money(Decimal::ONE, 1)
            ),
            Err(EvalErrorKind::CurrencyMismatch)
        );
        assert_eq!(kind(BinaryOp::AddInt, Value::Int(2), Value::Int(1)), Ok(()));
    }
}
