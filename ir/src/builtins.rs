//! The builtin functions: one registry that the checker, the docs and the tests read.
//!
//! Each entry says how a builtin is written, what it takes and gives, what it means, how many
//! arguments it takes and which IR operations it lowers to. Builtins whose types are plain
//! ([`Signature::Plain`]) are checked from the entry alone; the others have their own checking
//! in `check/builtins.rs` (a code list argument, a calendar, a pattern written out, ...). The
//! interpreter evaluates the IR operations ([`Builtin`]); a test checks that every operation
//! belongs to an entry, so the two lists cannot drift apart.

use crate::Builtin;
use crate::types::Type;

/// How many arguments a builtin takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Exactly(usize),
    /// A record and at least one field name.
    AtLeast(usize),
}

/// A type in a plain signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainType {
    Bool,
    Int,
    Decimal,
    Text,
    Date,
    DateTime,
    Duration,
    OptionalInt,
    ListOfText,
}

impl PlainType {
    pub fn to_type(self) -> Type {
        match self {
            PlainType::Bool => Type::Bool,
            PlainType::Int => Type::Int,
            PlainType::Decimal => Type::Decimal,
            PlainType::Text => Type::Text,
            PlainType::Date => Type::Date,
            PlainType::DateTime => Type::DateTime,
            PlainType::Duration => Type::Duration,
            PlainType::OptionalInt => Type::Int.optional(),
            PlainType::ListOfText => Type::List(Box::new(Type::Text)),
        }
    }
}

/// How a builtin is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `name(arguments)`.
    Call,
    /// `value.name`, on a value of a builtin type (money's `amount` and `currency`).
    Field,
}

/// What the checker needs to type a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// Fixed parameter types and result: checked from the entry, lowered to its one operation.
    Plain {
        params: &'static [PlainType],
        result: PlainType,
    },
    /// Checked by its own code in `check/builtins.rs`.
    Special,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltinEntry {
    pub name: &'static str,
    pub form: Form,
    /// The call as the docs show it: `end_of_month(d)`.
    pub written: &'static str,
    /// Its type as the docs show it: `Date -> Date`.
    pub shown_type: &'static str,
    pub meaning: &'static str,
    pub arity: Arity,
    pub signature: Signature,
    /// The IR operations a call becomes (`abs` is two: one for whole numbers, one for
    /// decimals); empty for builtins the checker lowers to a node of their own.
    pub lowers_to: &'static [Builtin],
}

use PlainType as P;

macro_rules! plain {
    ([$($param:ident),*] -> $result:ident) => {
        Signature::Plain { params: &[$(P::$param),*], result: P::$result }
    };
}

/// Every builtin, in the order the docs list them.
pub const BUILTINS: &[BuiltinEntry] = &[
    BuiltinEntry {
        form: Form::Call,
        name: "as_of",
        written: "as_of()",
        shown_type: "-> Date",
        meaning: "the date the record is checked as of: `--as-of`, the record's own `as_of` where allowed, or an example's `as of`",
        arity: Arity::Exactly(0),
        signature: plain!([] -> Date),
        lowers_to: &[Builtin::AsOf],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "date",
        written: "date(t)",
        shown_type: "DateTime -> Date",
        meaning: "the calendar date of an instant, in its own zone",
        arity: Arity::Exactly(1),
        signature: plain!([DateTime] -> Date),
        lowers_to: &[Builtin::DateOf],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "end_of_month",
        written: "end_of_month(d)",
        shown_type: "Date -> Date",
        meaning: "the last day of the month",
        arity: Arity::Exactly(1),
        signature: plain!([Date] -> Date),
        lowers_to: &[Builtin::EndOfMonth],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "end_of_decade",
        written: "end_of_decade(d)",
        shown_type: "Date -> Date",
        meaning: "the last day of the ten-day period: the 10th, the 20th or the month's last day",
        arity: Arity::Exactly(1),
        signature: plain!([Date] -> Date),
        lowers_to: &[Builtin::EndOfDecade],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "days_between",
        written: "days_between(a, b)",
        shown_type: "Date, Date -> Int",
        meaning: "calendar days from `a` to `b`",
        arity: Arity::Exactly(2),
        signature: plain!([Date, Date] -> Int),
        lowers_to: &[Builtin::DaysBetween],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "day_start",
        written: "day_start(d, \"Zone\")",
        shown_type: "Date, Text -> DateTime",
        meaning: "the first instant of `d` in a zone, written out as a text",
        arity: Arity::Exactly(2),
        signature: Signature::Special,
        lowers_to: &[Builtin::DayStart],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "day_end",
        written: "day_end(d, \"Zone\")",
        shown_type: "Date, Text -> DateTime",
        meaning: "the first instant of the next day in a zone: the exclusive end of `d`",
        arity: Arity::Exactly(2),
        signature: Signature::Special,
        lowers_to: &[Builtin::DayEnd],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "is_open",
        written: "is_open(t, calendar)",
        shown_type: "DateTime -> Bool",
        meaning: "within the calendar's opening hours",
        arity: Arity::Exactly(2),
        signature: Signature::Special,
        lowers_to: &[Builtin::IsOpen],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "business_time_between",
        written: "business_time_between(a, b, calendar)",
        shown_type: "-> Duration",
        meaning: "opening time between two instants",
        arity: Arity::Exactly(3),
        signature: Signature::Special,
        lowers_to: &[Builtin::BusinessTimeBetween],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "hours",
        written: "hours(d)",
        shown_type: "Duration -> Decimal",
        meaning: "hours in a duration",
        arity: Arity::Exactly(1),
        signature: plain!([Duration] -> Decimal),
        lowers_to: &[Builtin::HoursOf],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "convert",
        written: "convert(m, EUR, rates)",
        shown_type: "Money -> Money[EUR]",
        meaning: "with rates given in the data (records with `from`, `to`, `rate`): a rate from `m`'s currency multiplies, one given the other way round (1 EUR = 1.15 USD, used from USD) divides at full precision; the result is rounded once to the target's minor unit (`stdlib.currency.minor_unit`), half away from zero; an error when the data has no rate either way",
        arity: Arity::Exactly(3),
        signature: Signature::Special,
        lowers_to: &[Builtin::Convert],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "length",
        written: "length(t)",
        shown_type: "Text -> Int",
        meaning: "characters in a text",
        arity: Arity::Exactly(1),
        signature: plain!([Text] -> Int),
        lowers_to: &[Builtin::Length],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "substring",
        written: "substring(t, start, length)",
        shown_type: "Text, Int, Int -> Text",
        meaning: "`length` characters from `start`, counted from 0",
        arity: Arity::Exactly(3),
        signature: plain!([Text, Int, Int] -> Text),
        lowers_to: &[Builtin::Substring],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "chars",
        written: "chars(t)",
        shown_type: "Text -> list of Text",
        meaning: "the characters of a text, in order",
        arity: Arity::Exactly(1),
        signature: plain!([Text] -> ListOfText),
        lowers_to: &[Builtin::Chars],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "upper",
        written: "upper(t)",
        shown_type: "Text -> Text",
        meaning: "the text in capitals",
        arity: Arity::Exactly(1),
        signature: plain!([Text] -> Text),
        lowers_to: &[Builtin::Upper],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "lower",
        written: "lower(t)",
        shown_type: "Text -> Text",
        meaning: "the text in small letters",
        arity: Arity::Exactly(1),
        signature: plain!([Text] -> Text),
        lowers_to: &[Builtin::Lower],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "starts_with",
        written: "starts_with(t, p)",
        shown_type: "Text, Text -> Bool",
        meaning: "whether `t` begins with `p`",
        arity: Arity::Exactly(2),
        signature: plain!([Text, Text] -> Bool),
        lowers_to: &[Builtin::StartsWith],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "contains",
        written: "contains(t, p)",
        shown_type: "Text, Text -> Bool",
        meaning: "whether `p` occurs in `t`",
        arity: Arity::Exactly(2),
        signature: plain!([Text, Text] -> Bool),
        lowers_to: &[Builtin::Contains],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "matches",
        written: "matches(t, \"regex\")",
        shown_type: "Text -> Bool",
        meaning: "a regular expression, written out and checked when the rules are",
        arity: Arity::Exactly(2),
        signature: Signature::Special,
        lowers_to: &[],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "to_int",
        written: "to_int(t)",
        shown_type: "Text -> Int?",
        meaning: "absent when not a whole number",
        arity: Arity::Exactly(1),
        signature: plain!([Text] -> OptionalInt),
        lowers_to: &[Builtin::ToInt],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "to_code",
        written: "to_code(t, List)",
        shown_type: "Text -> List?",
        meaning: "the code of the list `t` writes, as data writes it (aliases included): `to_code(substring(reference, 0, 2), Country) in eu`; absent when it writes none, and for an open list a text of its shape is that unlisted code",
        arity: Arity::Exactly(2),
        signature: Signature::Special,
        lowers_to: &[Builtin::ToCode],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "text",
        written: "text(v)",
        shown_type: "-> Text",
        meaning: "any value shown as text",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::TextOf],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "abs",
        written: "abs(x)",
        shown_type: "Int -> Int, Decimal -> Decimal",
        meaning: "the number without its sign",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::AbsInt, Builtin::AbsDecimal],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "round",
        written: "round(x, places)",
        shown_type: "Decimal, Int -> Decimal",
        meaning: "rounded to `places` decimals, halves away from zero",
        arity: Arity::Exactly(2),
        signature: plain!([Decimal, Int] -> Decimal),
        lowers_to: &[Builtin::Round],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "size",
        written: "size(xs)",
        shown_type: "-> Int",
        meaning: "elements of a list or set",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::Size],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "flatten",
        written: "flatten(xss)",
        shown_type: "list of list of T -> list of T",
        meaning: "the elements of every list, in order",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::Flatten],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "missing",
        written: "missing(record, field, ...)",
        shown_type: "-> list of Text",
        meaning: "the named fields that are absent or empty: \"must be present\" for many fields at once",
        arity: Arity::AtLeast(2),
        signature: Signature::Special,
        lowers_to: &[],
    },
    BuiltinEntry {
        form: Form::Call,
        name: "provided",
        written: "provided(record, field, ...)",
        shown_type: "-> list of Text",
        meaning: "the named fields that are given: \"not allowed\" for many fields at once. A presence condition with one finding per offending field: `for every field in missing(d, mrn) + provided(d, incoterm)`, then `require false`",
        arity: Arity::AtLeast(2),
        signature: Signature::Special,
        lowers_to: &[],
    },
    BuiltinEntry {
        form: Form::Field,
        name: "amount",
        written: "m.amount",
        shown_type: "Money -> Decimal",
        meaning: "the amount of money, without its currency",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::Amount],
    },
    BuiltinEntry {
        form: Form::Field,
        name: "currency",
        written: "m.currency",
        shown_type: "Money -> Currency",
        meaning: "the currency of money, as a code of `stdlib.currency.Currency`",
        arity: Arity::Exactly(1),
        signature: Signature::Special,
        lowers_to: &[Builtin::CurrencyOf],
    },
];

/// The entry of the builtin function called `name` (written `name(...)`).
pub fn builtin_named(name: &str) -> Option<&'static BuiltinEntry> {
    BUILTINS
        .iter()
        .find(|entry| entry.form == Form::Call && entry.name == name)
}

/// The names of every builtin function, for "did you mean".
pub fn builtin_names() -> impl Iterator<Item = &'static str> + Clone {
    BUILTINS
        .iter()
        .filter(|entry| entry.form == Form::Call)
        .map(|entry| entry.name)
}

/// The builtins table of `docs/language.md`, generated from the registry.
pub fn reference_table() -> String {
    let mut table = String::from("| builtin | type | meaning |\n|---|---|---|\n");
    for entry in BUILTINS {
        table.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            entry.written, entry.shown_type, entry.meaning
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_belongs_to_an_entry() {
        for operation in Builtin::ALL {
            assert!(
                BUILTINS
                    .iter()
                    .any(|entry| entry.lowers_to.contains(operation)),
                "{operation:?} belongs to no builtin"
            );
        }
    }

    #[test]
    fn names_are_unique_and_plain_entries_lower_to_one_operation() {
        let mut names = std::collections::BTreeSet::new();
        for entry in BUILTINS {
            assert!(names.insert(entry.name), "`{}` twice", entry.name);
            let written = match entry.form {
                Form::Call => format!("{}(", entry.name),
                Form::Field => format!(".{}", entry.name),
            };
            assert!(entry.written.contains(&written), "`{}`", entry.written);
            if let Signature::Plain { params, .. } = entry.signature {
                assert_eq!(entry.lowers_to.len(), 1, "`{}`", entry.name);
                assert_eq!(
                    entry.arity,
                    Arity::Exactly(params.len()),
                    "`{}`",
                    entry.name
                );
            }
        }
    }
}
