//! Data binding: input trees in (from JSON or WCO XML), typed values out, against the rule
//! set's declared schema. This is the one binding path of every input format.
//!
//! Binding never stops at the first problem: it collects every one, each with the path of the
//! value at fault, so that an operator fixes a record in one pass. Numbers are read from their
//! own text into exact decimals; binary floating point is never involved.

mod errors;
mod path;
mod scalars;

pub(crate) use errors::said;
pub use errors::{BindError, BindErrorKind, Said, key_hint};
pub use path::DataPath;
use scalars::{bind_quantity, describe, number_text};
pub use scalars::{parse_decimal, shorten};

use std::sync::Arc;

use clearance_compiler::diagnostics::closest;
use clearance_compiler::ir::Program;
use clearance_compiler::types::{Constraint, DefPath, Type};
use regex::Regex;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

use crate::data::Tree;
use crate::value::Value;

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
        let mut patterns = HashMap::default();
        let mut records = HashMap::default();
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
        let mut codes = HashMap::default();
        let mut code_names = HashMap::default();
        let mut open_lists = HashMap::default();
        for codelist in &program.codelists {
            let mut lookup = HashMap::default();
            for (index, code) in codelist.codes.iter().enumerate() {
                if let Ok(index) = u32::try_from(index) {
                    lookup.insert(code.external.clone(), index);
                    for alias in &code.aliases {
                        lookup.insert(alias.clone(), index);
                    }
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
    /// invalid at that place (not absent: a rule that reads it is not evaluated).
    /// The fields of a record type, by name, when `ty` is one.
    pub fn record_fields(&self, ty: &Type) -> Option<Vec<(String, Type)>> {
        match ty {
            Type::Record(path) => self.records.get(path).cloned(),
            _ => None,
        }
    }

    /// A value built otherwise than from data (an example's `given`), as binding would have
    /// given it: a text of only white space in an optional place is absent.
    pub fn normalize(&self, value: Value, ty: &Type) -> Value {
        match (ty, value) {
            (Type::Optional(_), Value::Text(text)) if text.trim().is_empty() => Value::Absent,
            (Type::Optional(inner), value) => self.normalize(value, inner),
            (Type::List(inner) | Type::Set(inner), Value::List(items)) => Value::List(
                items
                    .iter()
                    .map(|item| self.normalize(item.clone(), inner))
                    .collect(),
            ),
            (Type::Record(path), Value::Record(fields)) => match self.records.get(path) {
                Some(declared) if declared.len() == fields.len() => Value::Record(
                    fields
                        .iter()
                        .zip(declared)
                        .map(|(field, (_, field_type))| self.normalize(field.clone(), field_type))
                        .collect(),
                ),
                _ => Value::Record(fields),
            },
            (_, value) => value,
        }
    }

    pub fn bind(
        &self,
        json: Tree<'_>,
        ty: &Type,
        path: &DataPath<'_>,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let mut error = |kind: BindErrorKind, said: Said| reject(errors, path, kind, said);
        match ty {
            Type::Error | Type::Absent | Type::BusinessOffset => Value::Absent,
            Type::Optional(inner) => {
                // A text of only white space is not present: a delivery place of "   " is
                // missing, not given.
                if json.is_null() || is_blank_text(json) {
                    Value::Absent
                } else {
                    self.bind(json, inner, path, errors)
                }
            }
            Type::Bool => match json {
                Tree::Bool(value) => Value::Bool(value),
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
                Some(text) => match parse_decimal(text) {
                    Some(value) if value.fract().is_zero() => match i64::try_from(value) {
                        Ok(value) => Value::Int(value),
                        Err(_) => error(
                            BindErrorKind::OutOfRange,
                            said!(
                                "{} is too large a whole number",
                                "{} est un nombre entier trop grand",
                                shorten(text)
                            ),
                        ),
                    },
                    Some(_) => error(
                        BindErrorKind::WrongType,
                        said!(
                            "expected a whole number, found {}",
                            "attendu un nombre entier, trouvé {}",
                            shorten(text)
                        ),
                    ),
                    None => error(
                        BindErrorKind::OutOfRange,
                        said!(
                            "{} is not a number Clearance can hold exactly",
                            "{} n'est pas un nombre que Clearance représente exactement",
                            shorten(text)
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
                Some(text) => match parse_decimal(text) {
                    Some(value) => Value::Decimal(value),
                    None => error(
                        BindErrorKind::OutOfRange,
                        said!(
                            "{} is not a number Clearance can hold exactly (at most 28 digits)",
                            "{} n'est pas un nombre que Clearance représente exactement (28 chiffres au plus)",
                            shorten(text)
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
                Tree::Text(text) if text.trim().is_empty() => error(
                    BindErrorKind::MissingField,
                    said!(
                        "this text holds only white space, which is no value",
                        "ce texte ne contient que des espaces, ce qui n'est pas une valeur"
                    ),
                ),
                Tree::Text(text) => Value::Text(Arc::from(text)),
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
                Tree::Text(text) => match clearance_compiler::time::parse_date(text) {
                    Ok(date) => Value::Date(date),
                    Err(message) => error(
                        BindErrorKind::InvalidValue,
                        Said {
                            en: message.to_string(),
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
                Tree::Text(text) => match clearance_compiler::time::parse_date_time(text) {
                    Ok(value) => Value::DateTime(Arc::new(value)),
                    Err(message) => error(
                        BindErrorKind::InvalidValue,
                        Said {
                            en: message.to_string(),
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
                Tree::Text(text) => match text.parse::<jiff::SignedDuration>() {
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
                Tree::Text(text) => match text.parse::<jiff::Span>() {
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
                    Tree::Text(text) | Tree::Number(text) => text,
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
                match self.codes.get(list).and_then(|codes| codes.get(text)) {
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
                        path.to_string(),
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
                Tree::List(items) => Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| self.bind(*item, element, &path.index(index), errors))
                        .collect(),
                ),
                Tree::Null => Value::empty_list(),
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
        text: &str,
        list: &DefPath,
        path: &DataPath<'_>,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let names = self.code_names.get(list).map(Vec::as_slice).unwrap_or(&[]);
        let suggestion = names
            .iter()
            .filter(|(code, _)| strsim::osa_distance(code, text) == 1)
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
            && shape.is_match(text)
        {
            let suggestion = suggestion.unwrap_or_default();
            let (shown, count) = (shorten(text), names.len());
            errors.push(BindError::new(
                path.to_string(),
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
                    shorten(text),
                    list.name,
                    hint.en
                ),
                fr: format!(
                    "\"{}\" n'est pas un code de `{}`{}",
                    shorten(text),
                    list.name,
                    hint.fr
                ),
            },
        )
    }

    fn bind_record(
        &self,
        json: Tree<'_>,
        record: &DefPath,
        path: &DataPath<'_>,
        errors: &mut Vec<BindError>,
    ) -> Value {
        let Some(fields) = self.records.get(record) else {
            return Value::Absent;
        };
        let Tree::Object(object) = json else {
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
        let values = fields.iter().map(|(name, ty)| {
            let field_path = path.field(name);
            match json.get(name) {
                None | Some(Tree::Null) => match ty.base() {
                    Type::Optional(_) => Value::Absent,
                    Type::List(_) | Type::Set(_) => Value::empty_list(),
                    _ => {
                        errors.push(BindError::new(
                            field_path.to_string(),
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
            }
        });
        let values: Arc<[Value]> = values.collect();
        for (key, _) in object {
            if !fields.iter().any(|(name, _)| name.as_str() == *key) {
                let hint = key_hint(closest(key, fields.iter().map(|(name, _)| name.as_str())));
                let (hint, hint_fr) = (hint.en, hint.fr);
                errors.push(BindError::new(
                    path.field(key).to_string(),
                    BindErrorKind::UnknownField,
                    said!(
                        "`{}` has no field `{key}`{hint}",
                        "`{}` n'a pas de champ `{key}`{hint_fr}",
                        record.name
                    ),
                ));
            }
        }
        Value::Record(values)
    }
}

/// Records a problem at `path`; the value there is then invalid, which is not absent: a rule
/// that reads it is not evaluated.
pub(super) fn reject(
    errors: &mut Vec<BindError>,
    path: &DataPath<'_>,
    kind: BindErrorKind,
    said: Said,
) -> Value {
    errors.push(BindError::new(path.to_string(), kind, said));
    Value::Invalid
}

/// Reports every key that appears more than once in an object: which value would count is a
/// guess no auditor should have to make.
pub fn report_duplicate_keys(
    object: &[(&str, Tree<'_>)],
    path: &DataPath<'_>,
    errors: &mut Vec<BindError>,
) {
    for (position, (key, _)) in object.iter().enumerate() {
        let earlier = object.get(..position).unwrap_or_default();
        if earlier.iter().any(|(seen, _)| seen == key) {
            errors.push(BindError::new(
                path.field(key).to_string(),
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
pub(super) fn unexpected_key<'a>(
    object: &'a [(&'a str, Tree<'a>)],
    allowed: &[&str],
) -> Option<&'a str> {
    object
        .iter()
        .map(|(key, _)| *key)
        .find(|key| !allowed.contains(key))
}

fn is_blank_text(node: Tree<'_>) -> bool {
    matches!(node, Tree::Text(text) if text.trim().is_empty())
}
