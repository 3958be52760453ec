//! Data binding: input trees in (from JSON or WCO XML), typed values out, against the rule
//! set's declared schema. This is the one binding path of every input format.
//!
//! Binding never stops at the first problem: it collects every one, each with the path of the
//! value at fault, so that an operator fixes a record in one pass. Numbers are read from their
//! own text into exact decimals; binary floating point is never involved.

use std::collections::HashMap;
use std::sync::Arc;

use clearance_compiler::diagnostics::closest;
use clearance_compiler::ir::Program;
use clearance_compiler::types::{Constraint, DefPath, Dimension, Type, UnitKind, unit_kind};
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::data::Node;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BindErrorKind {
    Malformed,
    WrongType,
    MissingField,
    UnknownField,
    DuplicateField,
    UnknownCode,
    /// A code of an open code list's shape that the list does not hold: a warning, and the
    /// code is kept.
    UnlistedCode,
    OutOfRange,
    InvalidValue,
}

/// A message in English and French.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Said {
    pub en: String,
    pub fr: String,
}

/// `said!("english {}", "français {}", args...)`: both texts from the same arguments.
macro_rules! said {
    ($en:literal, $fr:literal $(, $arg:expr)* $(,)?) => {
        Said {
            en: format!($en $(, $arg)*),
            fr: format!($fr $(, $arg)*),
        }
    };
}
pub(crate) use said;

/// One problem with a record's data, at a JSON path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BindError {
    pub path: String,
    pub kind: BindErrorKind,
    pub message: String,
    #[serde(skip)]
    pub message_fr: String,
}

impl BindError {
    pub fn new(path: impl Into<String>, kind: BindErrorKind, said: Said) -> BindError {
        BindError {
            path: path.into(),
            kind,
            message: said.en,
            message_fr: said.fr,
        }
    }

    /// Whether the problem only warns: the value is kept and the record still binds.
    pub fn is_warning(&self) -> bool {
        self.kind == BindErrorKind::UnlistedCode
    }
}

/// Everything needed to bind data, resolved once when a rule set is loaded.
pub struct Binder {
    records: HashMap<DefPath, Vec<(String, Type)>>,
    codes: HashMap<DefPath, HashMap<String, u32>>,
    /// Each list's codes as data writes them, with their English label (empty when none).
    code_names: HashMap<DefPath, Vec<(String, String)>>,
    /// The shape of the codes each open list accepts besides its own.
    open_lists: HashMap<DefPath, Regex>,
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
        let mut open_lists = HashMap::new();
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
                    .map(|code| {
                        (
                            code.external.clone(),
                            code.label
                                .get(clearance_compiler::syntax::ast::Lang::En)
                                .unwrap_or_default()
                                .to_string(),
                        )
                    })
                    .collect(),
            );
            if let Some(pattern) = &codelist.open
                && let Ok(regex) = Regex::new(pattern)
            {
                open_lists.insert(codelist.path.clone(), regex);
            }
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
            open_lists,
            patterns,
            currencies,
        }
    }

    /// Binds `json` as a value of type `ty`; problems go to `errors` and the value is then
    /// absent at that place.
    pub fn bind(&self, json: &Node, ty: &Type, path: &str, errors: &mut Vec<BindError>) -> Value {
        let mut error = |kind: BindErrorKind, said: Said| reject(errors, path, kind, said);
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
                Node::Bool(value) => Value::Bool(*value),
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected true or false, found {}",
                        "attendu true ou false, trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Int => match number_text(json) {
                Some(text) => match parse_decimal(&text) {
                    Some(value) if value.fract().is_zero() => match i64::try_from(value) {
                        Ok(value) => Value::Int(value),
                        Err(_) => error(
                            BindErrorKind::OutOfRange,
                            said!(
                                "{} is too large a whole number",
                                "{} est un nombre entier trop grand",
                                shorten(&text)
                            ),
                        ),
                    },
                    Some(_) => error(
                        BindErrorKind::WrongType,
                        said!(
                            "expected a whole number, found {}",
                            "attendu un nombre entier, trouvé {}",
                            shorten(&text)
                        ),
                    ),
                    None => error(
                        BindErrorKind::OutOfRange,
                        said!(
                            "{} is not a number Clearance can hold exactly",
                            "{} n'est pas un nombre que Clearance représente exactement",
                            shorten(&text)
                        ),
                    ),
                },
                None => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a whole number, found {}",
                        "attendu un nombre entier, trouvé {}",
                        describe(json)
                    ),
                ),
            },
            Type::Decimal => match number_text(json) {
                Some(text) => match parse_decimal(&text) {
                    Some(value) => Value::Decimal(value),
                    None => error(
                        BindErrorKind::OutOfRange,
                        said!(
                            "{} is not a number Clearance can hold exactly (at most 28 digits)",
                            "{} n'est pas un nombre que Clearance représente exactement (28 chiffres au plus)",
                            shorten(&text)
                        ),
                    ),
                },
                None => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a number, found {}",
                        "attendu un nombre, trouvé {}",
                        describe(json)
                    ),
                ),
            },
            Type::Text => match json {
                Node::Text(text) => Value::Text(Arc::from(text.as_ref())),
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a text, found {}",
                        "attendu un texte, trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Date => match json {
                Node::Text(text) => match clearance_compiler::time::parse_date(text) {
                    Ok(date) => Value::Date(date),
                    Err(message) => error(
                        BindErrorKind::InvalidValue,
                        Said {
                            en: message,
                            fr: format!(
                                "\"{}\" n'est pas une date valide de la forme AAAA-MM-JJ",
                                shorten(text)
                            ),
                        },
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a date such as \"2026-03-10\", found {}",
                        "attendu une date telle que \"2026-03-10\", trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::DateTime => match json {
                Node::Text(text) => match clearance_compiler::time::parse_date_time(text) {
                    Ok(value) => Value::DateTime(Arc::new(value)),
                    Err(message) => error(
                        BindErrorKind::InvalidValue,
                        Said {
                            en: message,
                            fr: format!(
                                "\"{}\" n'est pas une date et heure valide avec un décalage UTC ou un fuseau (RFC 3339)",
                                shorten(text)
                            ),
                        },
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a date-time such as \"2026-03-10T10:00:00+01:00\", found {}",
                        "attendu une date et heure telle que \"2026-03-10T10:00:00+01:00\", trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Duration => match json {
                Node::Text(text) => match text.parse::<jiff::SignedDuration>() {
                    Ok(duration) => Value::Duration(duration),
                    Err(_) => error(
                        BindErrorKind::InvalidValue,
                        said!(
                            "\"{}\" is not a duration such as \"PT24H\"",
                            "\"{}\" n'est pas une durée telle que \"PT24H\"",
                            shorten(text)
                        ),
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a duration such as \"PT24H\", found {}",
                        "attendu une durée telle que \"PT24H\", trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Period => match json {
                Node::Text(text) => match text.parse::<jiff::Span>() {
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
                        said!(
                            "\"{}\" is not a calendar period such as \"P2D\" or \"P1M\"",
                            "\"{}\" n'est pas une période calendaire telle que \"P2D\" ou \"P1M\"",
                            shorten(text)
                        ),
                    ),
                },
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a period such as \"P2D\", found {}",
                        "attendu une période telle que \"P2D\", trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Money(currency) => self.bind_money(json, currency.as_deref(), path, errors),
            Type::Quantity(dimension) => bind_quantity(json, *dimension, path, errors),
            Type::Code(list) => {
                let text = match json {
                    Node::Text(text) | Node::Number(text) => text.to_string(),
                    other => {
                        return error(
                            BindErrorKind::WrongType,
                            said!(
                                "expected a code of `{}`, found {}",
                                "attendu un code de `{}`, trouvé {}",
                                list.name,
                                describe(other)
                            ),
                        );
                    }
                };
                match self.codes.get(list).and_then(|codes| codes.get(&text)) {
                    Some(index) => Value::Code(*index),
                    None => self.bind_unknown_code(text, list, path, errors),
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
                    let (kind, rule, rule_fr) = match &refined.constraint {
                        Constraint::Matching(pattern) => (
                            BindErrorKind::InvalidValue,
                            format!("does not match `{pattern}`"),
                            format!("ne correspond pas à `{pattern}`"),
                        ),
                        Constraint::Between(low, high) => (
                            BindErrorKind::OutOfRange,
                            format!("is not between {low} and {high}"),
                            format!("n'est pas compris entre {low} et {high}"),
                        ),
                    };
                    let shown = describe(json);
                    errors.push(BindError::new(
                        path,
                        kind,
                        said!(
                            "{shown} is not a valid `{}`: it {rule}",
                            "{shown} n'est pas un `{}` valide : il {rule_fr}",
                            refined.path.name
                        ),
                    ));
                    Value::Invalid
                }
            }
            Type::List(element) | Type::Set(element) => match json {
                Node::List(items) => {
                    let values: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| {
                            self.bind(item, element, &format!("{path}[{index}]"), errors)
                        })
                        .collect();
                    Value::List(Arc::from(values))
                }
                Node::Null => Value::empty_list(),
                other => error(
                    BindErrorKind::WrongType,
                    said!(
                        "expected a list, found {}",
                        "attendu une liste, trouvé {}",
                        describe(other)
                    ),
                ),
            },
            Type::Record(record) => self.bind_record(json, record, path, errors),
        }
    }

    /// A code that a list does not hold: kept, with a warning, when an open list accepts its
    /// shape; otherwise invalid, with a suggestion only when one edit turns it into a code.
    fn bind_unknown_code(
        &self,
        text: String,
        list: &DefPath,
        path: &str,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let names = self.code_names.get(list).map(Vec::as_slice).unwrap_or(&[]);
        let suggestion = names
            .iter()
            .filter(|(code, _)| strsim::osa_distance(code, &text) == 1)
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(code, label)| {
                if label.is_empty() {
                    said!(
                        "; did you mean \"{code}\"?",
                        " ; vouliez-vous dire \"{code}\" ?"
                    )
                } else {
                    said!(
                        "; did you mean \"{code}\" ({label})?",
                        " ; vouliez-vous dire \"{code}\" ({label}) ?"
                    )
                }
            });
        if let Some(shape) = self.open_lists.get(list)
            && shape.is_match(&text)
        {
            let suggestion = suggestion.unwrap_or_default();
            let (shown, count) = (shorten(&text), names.len());
            errors.push(BindError::new(
                path,
                BindErrorKind::UnlistedCode,
                Said {
                    en: format!(
                        "\"{shown}\" is not among the {count} codes that `{}` lists; it is well formed, so it is kept{}",
                        list.name, suggestion.en
                    ),
                    fr: format!(
                        "\"{shown}\" ne figure pas parmi les {count} codes de la liste `{}` ; il est bien formé, il est donc conservé{}",
                        list.name, suggestion.fr
                    ),
                },
            ));
            return Value::UnlistedCode(Arc::from(text));
        }
        let hint = match suggestion {
            Some(suggestion) => suggestion,
            None if names.len() <= 12 => {
                let codes = names
                    .iter()
                    .map(|(code, _)| code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                said!("; the codes are {}", " ; les codes sont {}", codes)
            }
            None => Said::default(),
        };
        reject(
            errors,
            path,
            BindErrorKind::UnknownCode,
            Said {
                en: format!(
                    "\"{}\" is not a code of `{}`{}",
                    shorten(&text),
                    list.name,
                    hint.en
                ),
                fr: format!(
                    "\"{}\" n'est pas un code de `{}`{}",
                    shorten(&text),
                    list.name,
                    hint.fr
                ),
            },
        )
    }

    fn bind_record(
        &self,
        json: &Node,
        record: &DefPath,
        path: &str,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let Some(fields) = self.records.get(record) else {
            return Value::Absent;
        };
        let Node::Object(object) = json else {
            errors.push(BindError::new(
                path.to_string(),
                BindErrorKind::WrongType,
                said!(
                    "expected an object (a `{}`), found {}",
                    "attendu un objet (un `{}`), trouvé {}",
                    record.name,
                    describe(json)
                ),
            ));
            return Value::Invalid;
        };
        report_duplicate_keys(object, path, errors);
        let mut values = Vec::with_capacity(fields.len());
        for (name, ty) in fields {
            let field_path = join_path(path, name);
            let value = match json.get(name) {
                None | Some(Node::Null) => match ty.base() {
                    Type::Optional(_) => Value::Absent,
                    Type::List(_) | Type::Set(_) => Value::empty_list(),
                    _ => {
                        errors.push(BindError::new(
                            field_path,
                            BindErrorKind::MissingField,
                            said!(
                                "the required field `{name}` is missing",
                                "le champ obligatoire `{name}` est absent"
                            ),
                        ));
                        Value::Invalid
                    }
                },
                Some(json) => self.bind(json, ty, &field_path, errors),
            };
            values.push(value);
        }
        for (key, _) in object {
            if !fields.iter().any(|(name, _)| name.as_str() == key.as_ref()) {
                let candidate = closest(key, fields.iter().map(|(name, _)| name.as_str()));
                let hint = candidate
                    .map(|candidate| format!("; did you mean `{candidate}`?"))
                    .unwrap_or_default();
                let hint_fr = candidate
                    .map(|candidate| format!(" ; vouliez-vous dire `{candidate}` ?"))
                    .unwrap_or_default();
                errors.push(BindError::new(
                    join_path(path, key),
                    BindErrorKind::UnknownField,
                    said!(
                        "`{}` has no field `{key}`{hint}",
                        "`{}` n'a pas de champ `{key}`{hint_fr}",
                        record.name
                    ),
                ));
            }
        }
        Value::Record(Arc::from(values))
    }

    fn bind_money(
        &self,
        json: &Node,
        expected: Option<&str>,
        path: &str,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let (amount_text, currency) = match json {
            Node::Object(object) => {
                report_duplicate_keys(object, path, errors);
                let amount = json.get("amount").and_then(number_text);
                let currency = match json.get("currency") {
                    Some(Node::Text(text)) => Some(text.to_string()),
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
            Node::Text(text) if text.contains(' ') => {
                let mut parts = text.split_whitespace();
                let amount = parts.next().unwrap_or_default().to_string();
                (amount, parts.next().map(str::to_string))
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
        let Some(amount) = parse_decimal(&amount_text) else {
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
            (None, Some(expected)) => expected.to_string(),
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
                    shorten(&amount_text)
                ),
            );
        }
        match self.currencies.get(&currency) {
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

fn bind_quantity(
    json: &Node,
    dimension: Dimension,
    path: &str,
    errors: &mut Vec<BindError>,
) -> Value {
    let example = || format!("\"12.5 {}\"", dimension.base_unit());
    let (amount_text, unit) = match json {
        Node::Object(object) => {
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
                Some(Node::Text(unit)) => Some(unit.to_string()),
                _ => None,
            };
            (value, unit)
        }
        Node::Text(text) => match split_number_and_unit(text) {
            Some((number, unit)) => (number.to_string(), unit.map(str::to_string)),
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
        Node::Number(text) => (text.to_string(), None),
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
    let Some(amount) = parse_decimal(&amount_text) else {
        return reject(
            errors,
            path,
            BindErrorKind::OutOfRange,
            said!(
                "{} is too large a quantity for an exact decimal (at most 28 significant digits)",
                "{} est une quantité trop grande pour un décimal exact (28 chiffres significatifs au plus)",
                shorten(&amount_text)
            ),
        );
    };
    let factor = match unit {
        None => Decimal::ONE,
        Some(unit) => match unit_kind(&unit) {
            Some(UnitKind::Quantity(found, factor)) if found == dimension => factor,
            _ => {
                return reject(
                    errors,
                    path,
                    BindErrorKind::InvalidValue,
                    said!(
                        "\"{}\" is not a unit of {}",
                        "\"{}\" n'est pas une unité de {}",
                        shorten(&unit),
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
                shorten(&amount_text),
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
            said!(
                "{} is too large",
                "{} est trop grand",
                shorten(&amount_text)
            ),
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

/// Records a problem at `path`; the value there is then invalid, which is not absent: a rule
/// that reads it is not evaluated.
fn reject(errors: &mut Vec<BindError>, path: &str, kind: BindErrorKind, said: Said) -> Value {
    errors.push(BindError::new(path, kind, said));
    Value::Invalid
}

/// Reports every key that appears more than once in an object: which value would count is a
/// guess no auditor should have to make.
pub fn report_duplicate_keys(object: &[(Box<str>, Node)], path: &str, errors: &mut Vec<BindError>) {
    for (position, (key, _)) in object.iter().enumerate() {
        let earlier = object.get(..position).unwrap_or_default();
        if earlier.iter().any(|(seen, _)| seen == key) {
            errors.push(BindError::new(
                join_path(path, key),
                BindErrorKind::DuplicateField,
                said!(
                    "`{key}` is given more than once; give each field once",
                    "`{key}` est donné plusieurs fois ; donnez chaque champ une seule fois"
                ),
            ));
        }
    }
}

/// The first key of an object that is not among `allowed`.
fn unexpected_key<'a>(object: &'a [(Box<str>, Node)], allowed: &[&str]) -> Option<&'a str> {
    object
        .iter()
        .map(|(key, _)| key.as_ref())
        .find(|key| !allowed.contains(key))
}

/// `base.name`, or `name` at the top of a record.
pub fn join_path(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{name}")
    }
}

/// The text of a number, or of a string that holds one (customs data often quotes decimals to
/// keep them exact).
fn number_text(json: &Node) -> Option<String> {
    match json {
        Node::Number(number) => Some(number.to_string()),
        Node::Text(text)
            if !text.trim().is_empty()
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

fn describe(json: &Node) -> String {
    match json {
        Node::Null => "null".to_string(),
        Node::Bool(value) => value.to_string(),
        Node::Number(number) => shorten(number),
        Node::Text(text) => format!("\"{}\"", shorten(text)),
        // Written the same in English and French messages.
        Node::List(_) => "[…]".to_string(),
        Node::Object(_) => "{…}".to_string(),
    }
}
