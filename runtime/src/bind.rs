//! Data binding: JSON in, typed values out, against the rule set's declared schema.
//!
//! Binding never stops at the first problem: it collects every one, each with the JSON path of
//! the value at fault, so that an operator fixes a record in one pass. Numbers are read from
//! their JSON text into exact decimals; binary floating point is never involved.

use std::collections::HashMap;
use std::sync::Arc;

use clearance_compiler::diagnostics::closest;
use clearance_compiler::ir::Program;
use clearance_compiler::types::{Constraint, DefPath, Dimension, Type, UnitKind, unit_kind};
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;

use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BindErrorKind {
    Malformed,
    WrongType,
    MissingField,
    UnknownField,
    UnknownCode,
    OutOfRange,
    InvalidValue,
}

/// One problem with a record's data, at a JSON path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BindError {
    pub path: String,
    pub kind: BindErrorKind,
    pub message: String,
}

/// Everything needed to bind data, resolved once when a rule set is loaded.
pub struct Binder {
    records: HashMap<DefPath, Vec<(String, Type)>>,
    codes: HashMap<DefPath, HashMap<String, u32>>,
    code_names: HashMap<DefPath, Vec<String>>,
    patterns: HashMap<String, Regex>,
    currencies: HashMap<String, u32>,
}

fn collect_patterns(ty: &Type, patterns: &mut HashMap<String, Regex>) {
    match ty {
        Type::Refined(refined) => {
            if let Constraint::Matching(pattern) = &refined.constraint
                && !patterns.contains_key(pattern)
                && let Ok(regex) = Regex::new(pattern)
            {
                patterns.insert(pattern.clone(), regex);
            }
            collect_patterns(&refined.base, patterns);
        }
        Type::List(inner) | Type::Set(inner) | Type::Optional(inner) => {
            collect_patterns(inner, patterns)
        }
        _ => {}
    }
}

impl Binder {
    pub fn new(program: &Program) -> Binder {
        let mut patterns = HashMap::new();
        let mut records = HashMap::new();
        for record in &program.records {
            for field in &record.fields {
                collect_patterns(&field.ty, &mut patterns);
            }
            records.insert(
                record.path.clone(),
                record
                    .fields
                    .iter()
                    .map(|field| (field.name.clone(), field.ty.clone()))
                    .collect(),
            );
        }
        for input in &program.inputs {
            collect_patterns(&input.ty, &mut patterns);
        }
        let mut codes = HashMap::new();
        let mut code_names = HashMap::new();
        for codelist in &program.codelists {
            let mut lookup = HashMap::new();
            for (index, code) in codelist.codes.iter().enumerate() {
                if let Ok(index) = u32::try_from(index) {
                    lookup.insert(code.external.clone(), index);
                }
            }
            codes.insert(codelist.path.clone(), lookup);
            code_names.insert(
                codelist.path.clone(),
                codelist
                    .codes
                    .iter()
                    .map(|code| code.external.clone())
                    .collect(),
            );
        }
        let currencies = program
            .currency_codelist
            .and_then(|list| program.codelists.get(list as usize))
            .map(|list| {
                list.codes
                    .iter()
                    .enumerate()
                    .filter_map(|(index, code)| {
                        u32::try_from(index)
                            .ok()
                            .map(|index| (code.name.clone(), index))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Binder {
            records,
            codes,
            code_names,
            patterns,
            currencies,
        }
    }

    /// Binds `json` as a value of type `ty`; problems go to `errors` and the value is then
    /// absent at that place.
    pub fn bind(&self, json: &Json, ty: &Type, path: &str, errors: &mut Vec<BindError>) -> Value {
        let mut error = |kind: BindErrorKind, message: String| reject(errors, path, kind, message);
        match ty {
            Type::Error | Type::Absent | Type::BusinessOffset => Value::Absent,
            Type::Optional(inner) => {
                if json.is_null() {
                    Value::Absent
                } else {
                    self.bind(json, inner, path, errors)
                }
            }
            Type::Bool => match json {
                Json::Bool(value) => Value::Bool(*value),
                other => error(
                    BindErrorKind::WrongType,
                    format!("expected true or false, found {}", describe(other)),
                ),
            },
            Type::Int => match number_text(json) {
                Some(text) => match parse_decimal(&text) {
                    Some(value) if value.fract().is_zero() => match i64::try_from(value) {
                        Ok(value) => Value::Int(value),
                        Err(_) => error(
                            BindErrorKind::OutOfRange,
                            format!("{text} is too large a whole number"),
                        ),
                    },
                    Some(_) => error(
                        BindErrorKind::WrongType,
                        format!("expected a whole number, found {text}"),
                    ),
                    None => error(
                        BindErrorKind::OutOfRange,
                        format!("{text} is not a number Clearance can hold exactly"),
                    ),
                },
                None => error(
                    BindErrorKind::WrongType,
                    format!("expected a whole number, found {}", describe(json)),
                ),
            },
            Type::Decimal => match number_text(json) {
                Some(text) => match parse_decimal(&text) {
                    Some(value) => Value::Decimal(value),
                    None => error(
                        BindErrorKind::OutOfRange,
                        format!(
                            "{text} is not a number Clearance can hold exactly (at most 28 digits)"
                        ),
                    ),
                },
                None => error(
                    BindErrorKind::WrongType,
                    format!("expected a number, found {}", describe(json)),
                ),
            },
            Type::Text => match json {
                Json::String(text) => Value::Text(Arc::from(text.as_str())),
                other => error(
                    BindErrorKind::WrongType,
                    format!("expected a text, found {}", describe(other)),
                ),
            },
            Type::Date => match json {
                Json::String(text) => match clearance_compiler::time::parse_date(text) {
                    Ok(date) => Value::Date(date),
                    Err(message) => error(BindErrorKind::InvalidValue, message),
                },
                other => error(
                    BindErrorKind::WrongType,
                    format!(
                        "expected a date such as \"2026-03-10\", found {}",
                        describe(other)
                    ),
                ),
            },
            Type::DateTime => match json {
                Json::String(text) => match clearance_compiler::time::parse_date_time(text) {
                    Ok(value) => Value::DateTime(Arc::new(value)),
                    Err(message) => error(BindErrorKind::InvalidValue, message),
                },
                other => error(
                    BindErrorKind::WrongType,
                    format!(
                        "expected a date-time such as \"2026-03-10T10:00:00+01:00\", found {}",
                        describe(other)
                    ),
                ),
            },
            Type::Duration => match json {
                Json::String(text) => match text.parse::<jiff::SignedDuration>() {
                    Ok(duration) => Value::Duration(duration),
                    Err(_) => error(
                        BindErrorKind::InvalidValue,
                        format!("\"{text}\" is not a duration such as \"PT24H\""),
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    format!(
                        "expected a duration such as \"PT24H\", found {}",
                        describe(other)
                    ),
                ),
            },
            Type::Period => match json {
                Json::String(text) => match text.parse::<jiff::Span>() {
                    Ok(span)
                        if span.get_hours() == 0
                            && span.get_minutes() == 0
                            && span.get_seconds() == 0
                            && span.get_years() == 0
                            && span.get_weeks() == 0 =>
                    {
                        Value::Period {
                            months: span.get_months(),
                            days: span.get_days(),
                        }
                    }
                    _ => error(
                        BindErrorKind::InvalidValue,
                        format!("\"{text}\" is not a calendar period such as \"P2D\" or \"P1M\""),
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    format!(
                        "expected a period such as \"P2D\", found {}",
                        describe(other)
                    ),
                ),
            },
            Type::Money(currency) => self.bind_money(json, currency.as_deref(), path, errors),
            Type::Quantity(dimension) => bind_quantity(json, *dimension, path, errors),
            Type::Code(list) => {
                let text = match json {
                    Json::String(text) => text.clone(),
                    Json::Number(number) => number.to_string(),
                    other => {
                        return error(
                            BindErrorKind::WrongType,
                            format!(
                                "expected a code of `{}`, found {}",
                                list.name,
                                describe(other)
                            ),
                        );
                    }
                };
                match self.codes.get(list).and_then(|codes| codes.get(&text)) {
                    Some(index) => Value::Code(*index),
                    None => {
                        let names = self.code_names.get(list).map(Vec::as_slice).unwrap_or(&[]);
                        let hint = match closest(&text, names.iter().map(String::as_str)) {
                            Some(candidate) => format!("; did you mean \"{candidate}\"?"),
                            None if names.len() <= 12 => {
                                format!("; the codes are {}", names.join(", "))
                            }
                            None => String::new(),
                        };
                        error(
                            BindErrorKind::UnknownCode,
                            format!("\"{text}\" is not a code of `{}`{hint}", list.name),
                        )
                    }
                }
            }
            Type::Refined(refined) => {
                let before = errors.len();
                let value = self.bind(json, &refined.base, path, errors);
                if errors.len() > before {
                    return value;
                }
                let valid = match (&refined.constraint, &value) {
                    (Constraint::Matching(pattern), Value::Text(text)) => self
                        .patterns
                        .get(pattern)
                        .is_some_and(|regex| regex.is_match(text)),
                    (Constraint::Between(low, high), Value::Int(number)) => {
                        let number = Decimal::from(*number);
                        *low <= number && number <= *high
                    }
                    (Constraint::Between(low, high), Value::Decimal(number)) => {
                        low <= number && number <= high
                    }
                    _ => true,
                };
                if valid {
                    value
                } else {
                    let (kind, rule) = match &refined.constraint {
                        Constraint::Matching(pattern) => (
                            BindErrorKind::InvalidValue,
                            format!("does not match `{pattern}`"),
                        ),
                        Constraint::Between(low, high) => (
                            BindErrorKind::OutOfRange,
                            format!("is not between {low} and {high}"),
                        ),
                    };
                    let shown = match json {
                        Json::String(text) => format!("\"{text}\""),
                        other => other.to_string(),
                    };
                    errors.push(BindError {
                        path: path.to_string(),
                        kind,
                        message: format!(
                            "{shown} is not a valid `{}`: it {rule}",
                            refined.path.name
                        ),
                    });
                    Value::Absent
                }
            }
            Type::List(element) | Type::Set(element) => match json {
                Json::Array(items) => {
                    let values: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| {
                            self.bind(item, element, &format!("{path}[{index}]"), errors)
                        })
                        .collect();
                    Value::List(Arc::from(values))
                }
                Json::Null => Value::empty_list(),
                other => error(
                    BindErrorKind::WrongType,
                    format!("expected a list, found {}", describe(other)),
                ),
            },
            Type::Record(record) => self.bind_record(json, record, path, errors),
        }
    }

    fn bind_record(
        &self,
        json: &Json,
        record: &DefPath,
        path: &str,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let Some(fields) = self.records.get(record) else {
            return Value::Absent;
        };
        let Json::Object(object) = json else {
            errors.push(BindError {
                path: path.to_string(),
                kind: BindErrorKind::WrongType,
                message: format!(
                    "expected an object (a `{}`), found {}",
                    record.name,
                    describe(json)
                ),
            });
            return Value::Absent;
        };
        let mut values = Vec::with_capacity(fields.len());
        for (name, ty) in fields {
            let field_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            let value = match object.get(name) {
                None | Some(Json::Null) => match ty.base() {
                    Type::Optional(_) => Value::Absent,
                    Type::List(_) | Type::Set(_) => Value::empty_list(),
                    _ => {
                        errors.push(BindError {
                            path: field_path,
                            kind: BindErrorKind::MissingField,
                            message: format!("the required field `{name}` is missing"),
                        });
                        Value::Absent
                    }
                },
                Some(json) => self.bind(json, ty, &field_path, errors),
            };
            values.push(value);
        }
        for key in object.keys() {
            if !fields.iter().any(|(name, _)| name == key) {
                let hint = closest(key, fields.iter().map(|(name, _)| name.as_str()))
                    .map(|candidate| format!("; did you mean `{candidate}`?"))
                    .unwrap_or_default();
                errors.push(BindError {
                    path: if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    },
                    kind: BindErrorKind::UnknownField,
                    message: format!("`{}` has no field `{key}`{hint}", record.name),
                });
            }
        }
        Value::Record(Arc::from(values))
    }

    fn bind_money(
        &self,
        json: &Json,
        expected: Option<&str>,
        path: &str,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let mut error = |kind: BindErrorKind, message: String| reject(errors, path, kind, message);
        let (amount_text, currency) = match json {
            Json::Object(object) => {
                let amount = object.get("amount").and_then(number_text);
                let currency = object
                    .get("currency")
                    .and_then(Json::as_str)
                    .map(str::to_string);
                for key in object.keys() {
                    if key != "amount" && key != "currency" {
                        return error(
                            BindErrorKind::UnknownField,
                            format!("money has fields `amount` and `currency`, not `{key}`"),
                        );
                    }
                }
                match amount {
                    Some(amount) => (amount, currency),
                    None => {
                        return error(
                            BindErrorKind::MissingField,
                            "money needs an `amount`".to_string(),
                        );
                    }
                }
            }
            Json::String(text) if text.contains(' ') => {
                let mut parts = text.split_whitespace();
                let amount = parts.next().unwrap_or_default().to_string();
                (amount, parts.next().map(str::to_string))
            }
            other => match number_text(other) {
                Some(amount) => (amount, None),
                None => {
                    return error(
                        BindErrorKind::WrongType,
                        format!(
                            "expected money such as {{\"amount\": \"22.00\", \"currency\": \"EUR\"}}, found {}",
                            describe(other)
                        ),
                    );
                }
            },
        };
        let Some(amount) = parse_decimal(&amount_text) else {
            return error(
                BindErrorKind::InvalidValue,
                format!("\"{amount_text}\" is not an amount"),
            );
        };
        let currency = match (currency, expected) {
            (Some(found), Some(expected)) if found != expected => {
                return error(
                    BindErrorKind::InvalidValue,
                    format!("expected an amount in {expected}, found one in {found}"),
                );
            }
            (Some(found), _) => found,
            (None, Some(expected)) => expected.to_string(),
            (None, None) => {
                return error(
                    BindErrorKind::MissingField,
                    "this amount has no currency; write {\"amount\": ..., \"currency\": \"EUR\"}"
                        .to_string(),
                );
            }
        };
        match self.currencies.get(&currency) {
            Some(index) => Value::Money(amount, *index),
            None => error(
                BindErrorKind::UnknownCode,
                format!("\"{currency}\" is not an ISO 4217 currency code"),
            ),
        }
    }
}

fn bind_quantity(
    json: &Json,
    dimension: Dimension,
    path: &str,
    errors: &mut Vec<BindError>,
) -> Value {
    let mut error = |kind: BindErrorKind, message: String| reject(errors, path, kind, message);
    if let Some(text) = number_text(json) {
        return match parse_decimal(&text) {
            Some(amount) => Value::Quantity(amount),
            None => error(
                BindErrorKind::OutOfRange,
                format!("{text} is too large a quantity for an exact decimal (at most 28 digits)"),
            ),
        };
    }
    let (amount_text, unit) = match json {
        Json::Object(object) => (
            object
                .get("value")
                .and_then(number_text)
                .unwrap_or_default(),
            object
                .get("unit")
                .and_then(Json::as_str)
                .map(str::to_string),
        ),
        Json::String(text) if text.contains(|c: char| c.is_ascii_alphabetic()) => {
            let split = text
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(text.len());
            (
                text[..split].trim().to_string(),
                Some(text[split..].trim().to_string()),
            )
        }
        other => match number_text(other) {
            Some(amount) => (amount, None),
            None => {
                return error(
                    BindErrorKind::WrongType,
                    format!(
                        "expected a quantity such as \"12.5 {}\", found {}",
                        dimension.base_unit(),
                        describe(other)
                    ),
                );
            }
        },
    };
    let Some(amount) = parse_decimal(&amount_text) else {
        let shown = match json {
            Json::String(text) => format!("\"{text}\""),
            other => other.to_string(),
        };
        return error(
            BindErrorKind::InvalidValue,
            format!(
                "{shown} is not a quantity such as \"12.5 {}\"",
                dimension.base_unit()
            ),
        );
    };
    let factor = match unit {
        None => Decimal::ONE,
        Some(unit) => match unit_kind(&unit) {
            Some(UnitKind::Quantity(found, factor)) if found == dimension => factor,
            _ => {
                return error(
                    BindErrorKind::InvalidValue,
                    format!(
                        "\"{unit}\" is not a unit of {}",
                        dimension.type_name().to_lowercase()
                    ),
                );
            }
        },
    };
    match amount.checked_mul(factor) {
        Some(value) => Value::Quantity(value),
        None => error(
            BindErrorKind::OutOfRange,
            format!("{amount_text} is too large"),
        ),
    }
}

/// Records a problem at `path`; the value there is then absent.
fn reject(errors: &mut Vec<BindError>, path: &str, kind: BindErrorKind, message: String) -> Value {
    errors.push(BindError {
        path: path.to_string(),
        kind,
        message,
    });
    Value::Absent
}

/// The text of a JSON number, or of a string that holds one (customs data often quotes
/// decimals to keep them exact).
fn number_text(json: &Json) -> Option<String> {
    match json {
        Json::Number(number) => Some(number.to_string()),
        Json::String(text)
            if !text.is_empty()
                && text
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) =>
        {
            Some(text.trim().to_string())
        }
        _ => None,
    }
}

pub fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str_exact(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

fn describe(json: &Json) -> String {
    match json {
        Json::Null => "null".to_string(),
        Json::Bool(value) => value.to_string(),
        Json::Number(number) => number.to_string(),
        Json::String(text) => {
            let shown: String = text.chars().take(40).collect();
            format!(
                "\"{shown}{}\"",
                if text.chars().count() > 40 { "…" } else { "" }
            )
        }
        Json::Array(_) => "a list".to_string(),
        Json::Object(_) => "an object".to_string(),
    }
}
