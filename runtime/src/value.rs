//! Run-time values. Scalars are inline and cheap to copy; records and lists are shared slices,
//! bound once from the input and never copied while rules read them.

use std::fmt::Write as _;
use std::sync::Arc;

use clearance_compiler::ir::{Constant, Program};
use clearance_compiler::types::Type;
use jiff::civil::Date;
use jiff::{SignedDuration, ZonedDateTime};
use rust_decimal::Decimal;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Absent,
    /// Data that was given but did not bind (a code outside a closed list, a malformed
    /// number): distinct from absent. A rule that reads it is not evaluated.
    Invalid,
    /// A code of an open code list that the list does not hold, as the data wrote it. It
    /// equals only the same unlisted code.
    UnlistedCode(Arc<str>),
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Text(Arc<str>),
    /// A code, as its position in its code list.
    Code(u32),
    /// An amount and the position of its currency in the currency code list.
    Money(Decimal, u32),
    /// A quantity in the base unit of its dimension (kg, l, packages).
    Quantity(Decimal),
    Date(Date),
    DateTime(Arc<ZonedDateTime>),
    Duration(SignedDuration),
    Period {
        months: i32,
        days: i32,
    },
    List(Arc<[Value]>),
    Record(Arc<[Value]>),
}

impl Value {
    pub fn from_constant(constant: &Constant) -> Value {
        match constant {
            Constant::Absent => Value::Absent,
            Constant::Bool(value) => Value::Bool(*value),
            Constant::Int(value) => Value::Int(*value),
            Constant::Decimal(value) => Value::Decimal(*value),
            Constant::Text(value) => Value::Text(Arc::clone(value)),
            Constant::Code(value) => Value::Code(*value),
            Constant::Money(amount, currency) => Value::Money(*amount, *currency),
            Constant::Quantity(value) => Value::Quantity(*value),
            Constant::Date(value) => Value::Date(*value),
            Constant::DateTime(value, _) => Value::DateTime(Arc::new(value.clone())),
            Constant::Duration(value) => Value::Duration(*value),
            Constant::Period { months, days } => Value::Period {
                months: *months,
                days: *days,
            },
            Constant::EmptyList => Value::empty_list(),
        }
    }

    /// An empty list. Records hold many (every list field a declaration leaves out), so each
    /// thread shares one instead of allocating one per field.
    pub fn empty_list() -> Value {
        thread_local! {
            static EMPTY: Arc<[Value]> = Arc::from(Vec::new());
        }
        EMPTY.with(|empty| Value::List(Arc::clone(empty)))
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }

    /// Whether two values are equal as the language defines it: instants by the instant, sets
    /// by their members.
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::DateTime(a), Value::DateTime(b)) => a.timestamp() == b.timestamp(),
            (Value::Decimal(a), Value::Decimal(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Record(a), Value::Record(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y))
            }
            (a, b) => a == b,
        }
    }
}

/// Shows a value as findings print it, using its static type for codes and units.
/// The value with its instants shown in `zone`: the same instants, read on that zone's clock.
pub fn in_zone(value: Value, zone: &jiff::tz::TimeZone) -> Value {
    match value {
        Value::DateTime(zoned) => Value::DateTime(Arc::new(zoned.with_time_zone(zone.clone()))),
        Value::List(items) if items.iter().any(|item| matches!(item, Value::DateTime(_))) => {
            Value::List(
                items
                    .iter()
                    .map(|item| in_zone(item.clone(), zone))
                    .collect(),
            )
        }
        other => other,
    }
}

pub fn display(value: &Value, ty: &Type, program: &Program) -> String {
    let mut out = String::new();
    write_value(&mut out, value, ty, program);
    out
}

fn write_value(out: &mut String, value: &Value, ty: &Type, program: &Program) {
    let ty = ty.base();
    let ty = match ty {
        Type::Optional(inner) => inner.base(),
        other => other,
    };
    match value {
        Value::Absent => out.push_str("absent"),
        Value::Invalid => out.push_str("invalid"),
        Value::UnlistedCode(code) => out.push_str(code),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Int(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Decimal(value) => {
            let _ = write!(out, "{value}");
        }
        Value::Text(value) => out.push_str(value),
        Value::Code(index) => {
            let name = match ty {
                // Codes are shown as the data writes them, which is what operators know.
                Type::Code(path) => program
                    .codelist(path)
                    .and_then(|list| list.codes.get(*index as usize))
                    .map(|code| code.external.as_str()),
                _ => None,
            };
            match name {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(out, "#{index}");
                }
            }
        }
        Value::Money(amount, currency) => {
            let _ = write!(out, "{amount} {}", program.currency_code(*currency));
        }
        Value::Quantity(amount) => {
            let unit = clearance_compiler::ir::dimension_of(ty).map_or("", |d| d.base_unit());
            let _ = write!(out, "{} {unit}", amount.normalize());
        }
        Value::Date(date) => {
            let _ = write!(out, "{date}");
        }
        Value::DateTime(zoned) => {
            let _ = write!(
                out,
                "{}",
                zoned.timestamp().display_with_offset(zoned.offset())
            );
            let name = zoned.time_zone().iana_name();
            if let Some(name) = name {
                let _ = write!(out, "[{name}]");
            }
        }
        Value::Duration(duration) => {
            let _ = write!(out, "{duration:#}");
        }
        Value::Period { months, days } => match (months, days) {
            (0, days) => {
                let _ = write!(out, "{days} day{}", if *days == 1 { "" } else { "s" });
            }
            (months, 0) => {
                let _ = write!(out, "{months} month{}", if *months == 1 { "" } else { "s" });
            }
            (months, days) => {
                let _ = write!(out, "{months} months {days} days");
            }
        },
        Value::List(items) => {
            let element = ty.element().cloned().unwrap_or(Type::Error);
            let is_set = matches!(ty, Type::Set(_));
            if is_set {
                out.push('{');
            }
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, &element, program);
            }
            if is_set {
                out.push('}');
            }
        }
        Value::Record(fields) => {
            out.push('{');
            let record = match ty {
                Type::Record(path) => program.record(path),
                _ => None,
            };
            for (position, field) in fields.iter().enumerate() {
                if position > 0 {
                    out.push_str(", ");
                }
                match record.and_then(|record| record.fields.get(position)) {
                    Some(declared) => {
                        let _ = write!(out, "{}: ", declared.name);
                        write_value(out, field, &declared.ty, program);
                    }
                    None => write_value(out, field, &Type::Error, program),
                }
            }
            out.push('}');
        }
    }
}
