//! Types of the language, and the units that quantities, money and time are written in.
//!
//! Units live in the type: a mass and an amount of money never compare, and money in euros
//! never compares with money in dollars, unless converted explicitly.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The name of a definition: its module and its name within the module.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DefPath {
    pub module: Arc<str>,
    pub name: Arc<str>,
}

impl DefPath {
    pub fn new(module: &str, name: &str) -> DefPath {
        DefPath {
            module: Arc::from(module),
            name: Arc::from(name),
        }
    }
}

impl fmt::Display for DefPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.module, self.name)
    }
}

/// The physical dimension of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dimension {
    Mass,
    Volume,
    Packages,
}

impl Dimension {
    pub fn type_name(self) -> &'static str {
        match self {
            Dimension::Mass => "Mass",
            Dimension::Volume => "Volume",
            Dimension::Packages => "Packages",
        }
    }

    /// The unit values of this dimension are stored and shown in.
    pub fn base_unit(self) -> &'static str {
        match self {
            Dimension::Mass => "kg",
            Dimension::Volume => "l",
            Dimension::Packages => "packages",
        }
    }
}

/// A constraint that a refined type adds to its base type, checked when data is bound.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Constraint {
    Matching(String),
    Between(Decimal, Decimal),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Refined {
    pub path: DefPath,
    pub base: Type,
    pub constraint: Constraint,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    /// The type of an expression that already has an error; it matches anything, so that one
    /// mistake is reported once.
    Error,
    Bool,
    Int,
    Decimal,
    Text,
    Date,
    DateTime,
    /// Elapsed time: hours, minutes, seconds.
    Duration,
    /// Calendar time: days and months, whose length depends on the calendar.
    Period,
    /// Money; the currency is known statically when it is `Some`.
    Money(Option<Arc<str>>),
    Quantity(Dimension),
    Code(DefPath),
    Record(DefPath),
    List(Box<Type>),
    Set(Box<Type>),
    Optional(Box<Type>),
    Refined(Arc<Refined>),
    /// The type of `absent`, which fits any optional type.
    Absent,
    /// `24 business hours on calendar`: only ever added to a date-time.
    BusinessOffset,
}

impl Type {
    /// The type with refinements removed, for operations that do not care about them.
    pub fn base(&self) -> &Type {
        match self {
            Type::Refined(refined) => refined.base.base(),
            other => other,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_) | Type::Absent)
    }

    /// The type inside an optional, or the type itself.
    pub fn unwrap_optional(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other => other,
        }
    }

    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::Error | Type::Absent => self,
            other => Type::Optional(Box::new(other)),
        }
    }

    /// The element type of a list or set.
    pub fn element(&self) -> Option<&Type> {
        match self.base() {
            Type::List(element) | Type::Set(element) => Some(element),
            _ => None,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.base(), Type::Int | Type::Decimal)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Error => write!(f, "?"),
            Type::Bool => write!(f, "Bool"),
            Type::Int => write!(f, "Int"),
            Type::Decimal => write!(f, "Decimal"),
            Type::Text => write!(f, "Text"),
            Type::Date => write!(f, "Date"),
            Type::DateTime => write!(f, "DateTime"),
            Type::Duration => write!(f, "Duration"),
            Type::Period => write!(f, "Period"),
            Type::Money(None) => write!(f, "Money"),
            Type::Money(Some(currency)) => write!(f, "Money[{currency}]"),
            Type::Quantity(dimension) => write!(f, "{}", dimension.type_name()),
            Type::Code(path) | Type::Record(path) => write!(f, "{}", path.name),
            Type::List(element) => write!(f, "list of {element}"),
            Type::Set(element) => write!(f, "set of {element}"),
            Type::Optional(inner) => write!(f, "{inner}?"),
            Type::Refined(refined) => write!(f, "{}", refined.path.name),
            Type::Absent => write!(f, "absent"),
            Type::BusinessOffset => write!(f, "business time"),
        }
    }
}

/// What a unit word after a number means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// A quantity unit and how many base units one of it is worth.
    Quantity(Dimension, Decimal),
    /// Elapsed time, in seconds per unit.
    Duration(i64),
    /// Calendar days.
    Days,
    /// Calendar months.
    Months,
}

/// The unit words the language knows, other than currency codes.
pub const UNIT_WORDS: &[&str] = &[
    "kg", "g", "t", "l", "m3", "package", "packages", "second", "seconds", "minute", "minutes",
    "hour", "hours", "day", "days", "week", "weeks", "month", "months",
];

pub fn unit_kind(word: &str) -> Option<UnitKind> {
    Some(match word {
        "kg" => UnitKind::Quantity(Dimension::Mass, Decimal::ONE),
        "g" => UnitKind::Quantity(Dimension::Mass, Decimal::new(1, 3)),
        "t" => UnitKind::Quantity(Dimension::Mass, Decimal::new(1000, 0)),
        "l" => UnitKind::Quantity(Dimension::Volume, Decimal::ONE),
        "m3" => UnitKind::Quantity(Dimension::Volume, Decimal::new(1000, 0)),
        "package" | "packages" => UnitKind::Quantity(Dimension::Packages, Decimal::ONE),
        "second" | "seconds" => UnitKind::Duration(1),
        "minute" | "minutes" => UnitKind::Duration(60),
        "hour" | "hours" => UnitKind::Duration(3600),
        "day" | "days" => UnitKind::Days,
        "week" | "weeks" => UnitKind::Days,
        "month" | "months" => UnitKind::Months,
        _ => return None,
    })
}

/// How many calendar days one `week`/`day` unit is.
pub fn days_per_unit(word: &str) -> i64 {
    if word.starts_with("week") { 7 } else { 1 }
}

/// The builtin scalar type names.
pub fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "Bool" => Type::Bool,
        "Int" => Type::Int,
        "Decimal" => Type::Decimal,
        "Text" => Type::Text,
        "Date" => Type::Date,
        "DateTime" => Type::DateTime,
        "Duration" => Type::Duration,
        "Period" => Type::Period,
        "Money" => Type::Money(None),
        "Mass" => Type::Quantity(Dimension::Mass),
        "Volume" => Type::Quantity(Dimension::Volume),
        "Packages" => Type::Quantity(Dimension::Packages),
        _ => return None,
    })
}

pub const BUILTIN_TYPE_NAMES: &[&str] = &[
    "Bool", "Int", "Decimal", "Text", "Date", "DateTime", "Duration", "Period", "Money", "Mass",
    "Volume", "Packages",
];
