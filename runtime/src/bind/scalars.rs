//! Binding scalars that carry a unit or a currency, and reading numbers from their text.

use clearance_compiler::types::{Dimension, UnitKind, unit_kind};
use rust_decimal::Decimal;

use super::{
    BindError, BindErrorKind, Binder, DataPath, Said, reject, report_duplicate_keys, said,
    unexpected_key,
};
use crate::data::Tree;
use crate::value::Value;

impl Binder {
    pub(super) fn bind_money(
        &self,
        json: Tree<'_>,
        expected: Option<&str>,
        path: &DataPath<'_>,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let (amount_text, currency) = match json {
            Tree::Object(object) => {
                report_duplicate_keys(object, path, errors);
                let amount = json.get("amount").and_then(number_text);
                let currency = match json.get("currency") {
                    Some(Tree::Text(text)) => Some(text),
                    _ => None,
                };
                if let Some(key) = unexpected_key(object, &["amount", "currency"]) {
                    return reject(
                        errors,
                        path,
                        BindErrorKind::UnknownField,
                        said!(
                            "money has fields `amount` and `currency`, not `{key}`",
                            "un montant a les champs `amount` et `currency`, pas `{key}`"
                        ),
                    );
                }
                match amount {
                    Some(amount) => (amount, currency),
                    None => {
                        return reject(
                            errors,
                            path,
                            BindErrorKind::MissingField,
                            said!("money needs an `amount`", "un montant demande un `amount`"),
                        );
                    }
                }
            }
            Tree::Text(text) if text.contains(' ') => {
                let mut parts = text.split_whitespace();
                let amount = parts.next().unwrap_or_default();
                (amount, parts.next())
            }
            other => match number_text(other) {
                Some(amount) => (amount, None),
                None => {
                    return reject(
                        errors,
                        path,
                        BindErrorKind::WrongType,
                        said!(
                            "expected money such as {{\"amount\": \"22.00\", \"currency\": \"EUR\"}}, found {}",
                            "attendu un montant tel que {{\"amount\": \"22.00\", \"currency\": \"EUR\"}}, trouvé {}",
                            describe(other)
                        ),
                    );
                }
            },
        };
        let Some(amount) = parse_decimal(amount_text) else {
            return reject(
                errors,
                path,
                BindErrorKind::InvalidValue,
                said!(
                    "\"{amount_text}\" is not an amount",
                    "\"{amount_text}\" n'est pas un montant"
                ),
            );
        };
        let currency = match (currency, expected) {
            (Some(found), Some(expected)) if found != expected => {
                return reject(
                    errors,
                    path,
                    BindErrorKind::InvalidValue,
                    said!(
                        "expected an amount in {expected}, found one in {found}",
                        "attendu un montant en {expected}, trouvé un montant en {found}"
                    ),
                );
            }
            (Some(found), _) => found,
            (None, Some(expected)) => expected,
            (None, None) => {
                return reject(
                    errors,
                    path,
                    BindErrorKind::MissingField,
                    said!(
                        "this amount has no currency; write {{\"amount\": ..., \"currency\": \"EUR\"}}",
                        "ce montant n'a pas de monnaie ; écrivez {{\"amount\": ..., \"currency\": \"EUR\"}}"
                    ),
                );
            }
        };
        if amount.is_sign_negative() && !amount.is_zero() {
            return reject(
                errors,
                path,
                BindErrorKind::OutOfRange,
                said!(
                    "{} is a negative amount; amounts in a declaration are never below zero",
                    "{} est un montant négatif ; les montants d'une déclaration ne sont jamais inférieurs à zéro",
                    shorten(amount_text)
                ),
            );
        }
        match self.currencies.get(currency) {
            Some(index) => Value::Money(amount, *index),
            None => reject(
                errors,
                path,
                BindErrorKind::UnknownCode,
                said!(
                    "\"{currency}\" is not an ISO 4217 currency code",
                    "\"{currency}\" n'est pas un code de monnaie ISO 4217"
                ),
            ),
        }
    }
}

pub(super) fn bind_quantity(
    json: Tree<'_>,
    dimension: Dimension,
    path: &DataPath<'_>,
    errors: &mut Vec<BindError>,
) -> Value {
    let example = || format!("\"12.5 {}\"", dimension.base_unit());
    let (amount_text, unit) = match json {
        Tree::Object(object) => {
            report_duplicate_keys(object, path, errors);
            if let Some(key) = unexpected_key(object, &["value", "unit"]) {
                return reject(
                    errors,
                    path,
                    BindErrorKind::UnknownField,
                    said!(
                        "a quantity has fields `value` and `unit`, not `{key}`",
                        "une quantité a les champs `value` et `unit`, pas `{key}`"
                    ),
                );
            }
            let Some(value) = json.get("value").and_then(number_text) else {
                return reject(
                    errors,
                    path,
                    BindErrorKind::MissingField,
                    said!(
                        "a quantity needs a numeric `value`, such as {{\"value\": \"12.5\", \"unit\": \"{}\"}}",
                        "une quantité demande une valeur numérique `value`, telle que {{\"value\": \"12.5\", \"unit\": \"{}\"}}",
                        dimension.base_unit()
                    ),
                );
            };
            let unit = match json.get("unit") {
                Some(Tree::Text(unit)) => Some(unit),
                _ => None,
            };
            (value, unit)
        }
        Tree::Text(text) => match split_number_and_unit(text) {
            Some((number, unit)) => (number, unit),
            None => {
                return reject(
                    errors,
                    path,
                    BindErrorKind::InvalidValue,
                    said!(
                        "{} is not a quantity such as {}",
                        "{} n'est pas une quantité telle que {}",
                        describe(json),
                        example()
                    ),
                );
            }
        },
        Tree::Number(text) => (text, None),
        other => {
            return reject(
                errors,
                path,
                BindErrorKind::WrongType,
                said!(
                    "expected a quantity such as {}, found {}",
                    "attendu une quantité telle que {}, trouvé {}",
                    example(),
                    describe(other)
                ),
            );
        }
    };
    let Some(amount) = parse_decimal(amount_text) else {
        return reject(
            errors,
            path,
            BindErrorKind::OutOfRange,
            said!(
                "{} is too large a quantity for an exact decimal (at most 28 significant digits)",
                "{} est une quantité trop grande pour un décimal exact (28 chiffres significatifs au plus)",
                shorten(amount_text)
            ),
        );
    };
    let factor = match unit {
        None => Decimal::ONE,
        Some(unit) => match unit_kind(unit) {
            Some(UnitKind::Quantity(found, factor)) if found == dimension => factor,
            _ => {
                return reject(
                    errors,
                    path,
                    BindErrorKind::InvalidValue,
                    said!(
                        "\"{}\" is not a unit of {}",
                        "\"{}\" n'est pas une unité de {}",
                        shorten(unit),
                        dimension.type_name().to_lowercase()
                    ),
                );
            }
        },
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return reject(
            errors,
            path,
            BindErrorKind::OutOfRange,
            said!(
                "{} is negative; a {} is never below zero",
                "{} est négatif ; une grandeur ({}) n'est jamais inférieure à zéro",
                shorten(amount_text),
                dimension.type_name().to_lowercase()
            ),
        );
    }
    match amount.checked_mul(factor) {
        Some(value) => Value::Quantity(value),
        None => reject(
            errors,
            path,
            BindErrorKind::OutOfRange,
            said!("{} is too large", "{} est trop grand", shorten(amount_text)),
        ),
    }
}

/// Splits `"12.5 kg"`, `"1e3kg"` or `"12.5"` into the number and the unit. The number is the
/// longest prefix with the shape of one (sign, digits, fraction, exponent), so the exponent of
/// `1e3 kg` stays with the number; whether it fits an exact decimal is decided after.
fn split_number_and_unit(text: &str) -> Option<(&str, Option<&str>)> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits_from = |mut at: usize| {
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        at
    };
    let mut end = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let integer_end = digits_from(end);
    let mut has_digits = integer_end > end;
    end = integer_end;
    if bytes.get(end) == Some(&b'.') {
        let fraction_end = digits_from(end + 1);
        has_digits |= fraction_end > end + 1;
        end = fraction_end;
    }
    if !has_digits {
        return None;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let exponent_end = digits_from(end + 1 + sign);
        if exponent_end > end + 1 + sign {
            end = exponent_end;
        }
    }
    let number = text.get(..end)?;
    let unit = text.get(end..)?.trim();
    Some((number, (!unit.is_empty()).then_some(unit)))
}

/// The text of a number, or of a string that holds one (customs data often quotes decimals to
/// keep them exact).
pub(super) fn number_text(json: Tree<'_>) -> Option<&str> {
    match json {
        Tree::Number(number) => Some(number),
        Tree::Text(text)
            if !text.trim().is_empty()
                && text
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) =>
        {
            Some(text.trim())
        }
        _ => None,
    }
}

pub fn parse_decimal(text: &str) -> Option<Decimal> {
    // A number longer than any exact decimal is refused before it is parsed.
    if text.len() > 64 {
        return None;
    }
    Decimal::from_str_exact(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// Data shown in a message: long values are cut, so that a million-digit number is not
/// echoed back in full.
pub fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() > SHOWN {
        let kept: String = text.chars().take(SHOWN).collect();
        format!("{kept}… ({} characters)", text.chars().count())
    } else {
        text.to_string()
    }
}

pub(super) fn describe(json: Tree<'_>) -> String {
    match json {
        Tree::Null => "null".to_string(),
        Tree::Bool(value) => value.to_string(),
        Tree::Number(number) => shorten(number),
        Tree::Text(text) => format!("\"{}\"", shorten(text)),
        // Written the same in English and French messages.
        Tree::List(_) => "[…]".to_string(),
        Tree::Object(_) => "{…}".to_string(),
    }
}
