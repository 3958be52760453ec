//! One diagnostics model, many renderers.
//!
//! Queries return diagnostics as values: a stable kebab-case id, a severity, a lowercase
//! message, labelled spans and a help line. Spans produced inside an item are relative to the
//! item; [`Diagnostic::shifted`] makes them absolute when a file's diagnostics are gathered.
//! [`render`] turns them into text for people (ariadne) and JSON for machines; the language
//! server maps the same values onto LSP diagnostics.

pub mod render;
pub mod text;

pub use text::{Arg, Language, Text};

use crate::syntax::ast::Span;

/// How serious a diagnostic is; rules use the same scale for their findings.
pub use clearance_ir::vocabulary::Severity;

macro_rules! diagnostic_ids {
    ($($variant:ident => $name:literal : $severity:ident $doc:literal,)*) => {
        /// Every diagnostic the compiler can report. The kebab-case name is stable: tools,
        /// documentation and suppressions refer to it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DiagnosticId {
            $($variant,)*
        }

        impl DiagnosticId {
            pub const ALL: &'static [DiagnosticId] = &[$(DiagnosticId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(DiagnosticId::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(DiagnosticId::$variant => Severity::$severity,)*
                }
            }

            /// What the diagnostic flags, for its entry in `docs/diagnostics.md`.
            pub fn documentation(self) -> &'static str {
                match self {
                    $(DiagnosticId::$variant => $doc,)*
                }
            }
        }
    };
}

diagnostic_ids! {
    SyntaxError => "syntax-error": Error "The text of an item does not follow the grammar, or a chain of one operator is longer than an expression may nest. Only that item is lost; the others are checked.",
    StrayText => "stray-text": Error "Text at the start of a line that begins no item (items start with their keyword in column 1).",
    MissingHeader => "missing-header": Error "The file does not start with `ruleset` or `module`.",
    MisplacedHeader => "misplaced-header": Error "A second `ruleset` or `module` header in one file.",
    DuplicateModule => "duplicate-module": Error "Two files declare the same module name.",
    DuplicateDefinition => "duplicate-definition": Error "A name, a code, a spelling of a code in data, a source or a field is defined twice where it must be unique.",
    UnknownModule => "unknown-module": Error "A `use` names a module no file of the library defines.",
    UnknownImport => "unknown-import": Error "A `use module.{Name}` names something the module does not define.",
    UnknownName => "unknown-name": Error "A name that no input, variable, constant, fixture or code of the expected list defines.",
    NotAValue => "not-a-value": Error "A name that stands for a table, a function, a code list or a type, written where a value is needed.",
    UnknownType => "unknown-type": Error "A type, or the code list a builtin needs (`to_code`), is not defined or imported.",
    UnknownField => "unknown-field": Error "A record has no field of that name.",
    UnknownCode => "unknown-code": Error "A code list has no code of that name.",
    UnknownUnit => "unknown-unit": Error "A quantity's unit is not one the language knows (kg, g, t, l, m3, packages).",
    UnknownFunction => "unknown-function": Error "A call names no builtin, function or table.",
    UnknownRule => "unknown-rule": Error "An example expects an outcome of a rule its rule set does not have.",
    UnknownRequirement => "unknown-requirement": Error "A rule implements a requirement the catalogue (`requirements.clr`) does not list.",
    UnknownSource => "unknown-source": Error "A rule cites a source its rule set's header does not declare.",
    UnknownCalendar => "unknown-calendar": Error "A business-time expression or `is_open` names no calendar.",
    UnknownHolidays => "unknown-holidays": Error "A calendar is closed on a list of holidays that is not defined.",
    UnknownFixture => "unknown-fixture": Error "An example is given a fixture the file does not define.",
    UnknownSeverity => "unknown-severity": Error "A severity other than `error`, `warning`, `info` or `action`.",
    UnknownCategory => "unknown-category": Error "An alert category outside the CAS list (requirement CAS-CAT-01).",
    UnknownPolicy => "unknown-policy": Error "A table policy other than `first`, `unique` or `collect`.",
    UnknownTimeZone => "unknown-time-zone": Error "A time zone that is not in the IANA database.",
    TypeMismatch => "type-mismatch": Error "A value of one type where its place expects another: a condition that is not a `Bool`, an argument, a field of a record literal.",
    IncomparableTypes => "incomparable-types": Error "`==`, `!=` or an ordering between values of two types that never compare (a text and a number), or of a type that has no comparison.",
    UnorderedComparison => "unordered-comparison": Error "`<`, `<=`, `>` or `>=` on texts, codes, booleans, records or sets, which have no order.",
    AbsentCompared => "absent-compared": Error "A value compared with `absent` by `==` or `!=`: presence is tested with `is absent` or `is present`.",
    DateWithDateTime => "date-with-date-time": Error "`before`, `after`, `on or before` or `on or after` between a date and a date-time: one has a time of day, the other has none.",
    NotADate => "not-a-date": Error "`before`, `after`, `on or before` or `on or after` on values that are neither dates nor date-times.",
    BusinessTimeStart => "business-time-start": Error "Business time (`24 business hours on office`) that is not added to a date-time, where the count would start.",
    HoursOnDate => "hours-on-date": Error "A duration in hours or minutes added to a date, which has no time of day.",
    NotNegatable => "not-negatable": Error "A minus sign before a value that is not a number, an amount of money, a quantity or a duration.",
    NotSummable => "not-summable": Error "`sum`, `min` or `max` over values they cannot add up or order (texts, codes, records).",
    BranchTypeMismatch => "branch-type-mismatch": Error "The `then` and `else` branches of an `if` give values of types that have no common type.",
    InvalidArithmetic => "invalid-arithmetic": Error "`+`, `-`, `*` or `/` between operand types that do not combine (a text plus a number).",
    UntypedRecordLiteral => "untyped-record-literal": Error "A record literal `{ field: value }` where no record type is expected, so its fields cannot be checked.",
    UnexpectedTypeArgument => "unexpected-type-argument": Error "`[...]` after a type that takes no argument; only `Money` takes one (`Money[EUR]`).",
    ConstraintTypeMismatch => "constraint-type-mismatch": Error "An alias constrained by `matching` when its type is not `Text`, or by `between` when it is not a number.",
    InvertedRange => "inverted-range": Error "A `between` whose lower bound is above its upper bound.",
    UnitMismatch => "unit-mismatch": Error "Quantities of different dimensions combined or compared (kilograms and litres).",
    CurrencyMismatch => "currency-mismatch": Error "Money in two currencies combined or compared without `convert`.",
    CurrencyNotKnown => "currency-not-known": Error "An operation needs the currency when the rules are checked, and the type says `Money` without one.",
    AmbiguousDeadline => "ambiguous-deadline": Error "Date-times compared with `<` or `<=`: write `before`, `on or before`, `after` or `on or after`, which say whether the instant itself counts.",
    MaybeAbsent => "maybe-absent": Error "An optional value used where a value is needed: test `is present` first, or give a default with `otherwise`.",
    NotOptional => "not-optional": Warning "`is present`, `otherwise` or `absent` on a value that is never absent.",
    NotACollection => "not-a-collection": Error "A loop, `in` or an aggregate over a value that is not a list or a set.",
    NotARecord => "not-a-record": Error "A field read on a value that is not a record.",
    WrongArgumentCount => "wrong-argument-count": Error "A call with more or fewer arguments than the function, table or builtin takes.",
    RecursiveDefinition => "recursive-definition": Error "Functions or tables that call each other in a cycle, or a constant that depends on itself: every rule's cost stays bounded by its input.",
    InvalidLiteral => "invalid-literal": Error "A date, date-time, number, duration or quantity that does not read.",
    InvalidRegex => "invalid-regex": Error "A `matches` pattern or an open list's shape that is not a valid regular expression.",
    InvalidPattern => "invalid-pattern": Error "A table row pattern that does not fit its parameter's type.",
    NotConstant => "not-constant": Error "An argument that must be written out (a target currency, a time zone, a pattern) is computed.",
    MissingField => "missing-field": Error "A record literal without a required field.",
    DuplicateField => "duplicate-field": Error "A record literal gives a field twice.",
    MissingClause => "missing-clause": Error "A rule, rule set or item lacks a required clause (title, severity, category, implements, require, message, version).",
    DuplicateClause => "duplicate-clause": Error "A clause that may appear once appears twice.",
    MisplacedInterpolation => "misplaced-interpolation": Error "A `{...}` where values cannot be shown, such as a title.",
    MissingTranslation => "missing-translation": Warning "A text lacks a language the rule set asks for (`languages`, English and French by default).",
    UnusedLet => "unused-let": Warning "A `let` that no later clause or message reads.",
    OtherThanMismatch => "other-than-mismatch": Error "`other than x` where `x` does not range over the same collection.",
    ConflictingInputs => "conflicting-inputs": Error "Two rule sets declare one input name with different types.",
    EmptyCalendar => "empty-calendar": Error "A calendar with no opening hours.",
    InvalidPeriod => "invalid-period": Error "An `effective` period that ends before it starts, or a rule's period outside its rule set's.",
    TableRowShadowed => "table-row-shadowed": Error "A table row that an earlier row always takes first.",
    TableRowUnreachable => "table-row-unreachable": Error "A table row after a catch-all row.",
    TableRowsOverlap => "table-rows-overlap": Error "Rows of a `unique` table that can match the same input.",
    TableNotExhaustive => "table-not-exhaustive": Error "A table whose result is not optional and that has inputs no row matches.",
    TableArity => "table-arity": Error "A table row with more or fewer patterns than the table has parameters.",
    ExceptionsIdentical => "exceptions-identical": Warning "Two exceptions of a rule with the same condition.",
    ExampleWithoutExpectation => "example-without-expectation": Warning "An example that expects nothing.",
    ExampleOutsideRuleset => "example-outside-ruleset": Error "A rule or an example in a module file, where there are no inputs to check.",
    InvalidDataPath => "invalid-data-path": Error "An example's `with` path that does not name a field or element of the inputs.",
    TooDeep => "too-deep": Error "An expression nested deeper than the limit that keeps checking and evaluation within a thread's stack.",
    DataFileType => "data-file-type": Error "A constant read from a data file without a written type that is a list of records.",
    DataFileFormat => "data-file-format": Error "A data file whose extension is not `.json`, `.ndjson` or `.csv`.",
}

/// A labelled span. The first label of a diagnostic is its primary location.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub id: DiagnosticId,
    pub severity: Severity,
    pub message: Text,
    pub labels: Vec<Label>,
    pub help: Option<Text>,
}

impl Diagnostic {
    pub fn new(id: DiagnosticId, span: Span, message: Text) -> Diagnostic {
        Diagnostic {
            id,
            severity: id.default_severity(),
            message,
            labels: vec![Label {
                span,
                message: None,
            }],
            help: None,
        }
    }

    /// Sets the message of the primary label.
    pub fn with_primary_label(mut self, message: Text) -> Diagnostic {
        if let Some(label) = self.labels.first_mut() {
            label.message = Some(message);
        }
        self
    }

    pub fn with_label(mut self, span: Span, message: Text) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: Some(message),
        });
        self
    }

    pub fn with_help(mut self, help: Text) -> Diagnostic {
        self.help = Some(help);
        self
    }

    pub fn with_optional_help(mut self, help: Option<Text>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn primary_span(&self) -> Span {
        self.labels
            .first()
            .map(|label| label.span)
            .unwrap_or_default()
    }

    /// Moves every span by `offset`, from item-relative to file-absolute positions.
    pub fn shifted(mut self, offset: u32) -> Diagnostic {
        for label in &mut self.labels {
            label.span = label.span.shifted(offset);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic together with the file it belongs to, with file-absolute spans.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileDiagnostic {
    pub path: String,
    pub diagnostic: Diagnostic,
}

/// "did you mean" for a misspelt name: the closest candidate, if it is close enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = name.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = strsim::jaro_winkler(&lowered, &candidate.to_lowercase());
        let distance = strsim::levenshtein(&lowered, &candidate.to_lowercase());
        let close = score >= 0.85 || (distance <= 2 && candidate.len() > 2);
        if close && best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// A diagnostic's quick fix, when its help names one: the text it writes over the primary
/// span (the candidate of a "did you mean"), or after it (the missing language of a text), and
/// the title an editor shows for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuickFix {
    /// Written after the primary span rather than over it.
    pub after: bool,
    pub text: String,
    pub title: Text,
}

pub fn quick_fix(diagnostic: &Diagnostic) -> Option<QuickFix> {
    let help = diagnostic.help.as_ref()?;
    match help.key() {
        "help--did-you-mean" => {
            let candidate = help.plain_arg("candidate")?.to_string();
            Some(QuickFix {
                after: false,
                title: crate::text!("action--replace-with", candidate = candidate),
                text: candidate,
            })
        }
        "help--add-after-text" => {
            let code = help.plain_arg("code")?.to_string();
            Some(QuickFix {
                after: true,
                text: format!(" {code} \"\""),
                title: crate::text!("action--add-text", code = code),
            })
        }
        _ => None,
    }
}

/// A help line "did you mean `x`?" when a candidate is close to `name`.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Text> {
    closest(name, candidates)
        .map(|candidate| crate::text!("help--did-you-mean", candidate = candidate))
}

/// The reference of every diagnostic id (`docs/diagnostics.md`), generated from the ids' own
/// documentation: the repository's page, and the one the language server links each
/// diagnostic to.
pub fn reference_page() -> String {
    let mut page = String::from(
        "# Diagnostics\n\nEvery problem `clearance check` finds in rule files has one of these ids. Each id has a\nsnapshot in `compiler/tests/snapshots/` that shows a source giving it and the whole report.\nThe data files the rules read (`data \"...\"`) are checked once the rules are, with three ids of\ntheir own: `data-file-unreadable`, `data-file-invalid` (a record that does not bind, with its\nline and field) and `data-file-unlisted-code` (a warning).\n\nEvery message, label and help is in English and in French: `clearance check --lang fr` (and\n`--format json --lang fr`) shows them in French; the ids stay the same. The wordings are in\n`compiler/locales/en.ftl` and `compiler/locales/fr.ftl`.\n\nGenerated from `compiler/src/diagnostics/mod.rs` by `compiler/tests/diagnostics.rs`.\n\n| id | severity | what it flags |\n|---|---|---|\n",
    );
    for id in DiagnosticId::ALL {
        page.push_str(&format!(
            "| `{}` | {} | {} |\n",
            id.as_str(),
            id.default_severity().as_str(),
            id.documentation()
        ));
    }
    page
}

/// The line (0-based) of an id's row in [`reference_page`].
pub fn reference_line(page: &str, id: DiagnosticId) -> Option<usize> {
    let row = format!("| `{}` |", id.as_str());
    page.lines().position(|line| line.starts_with(&row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for id in DiagnosticId::ALL {
            let name = id.as_str();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert!(seen.insert(name), "{name} is listed twice");
        }
    }

    #[test]
    fn closest_finds_a_misspelling() {
        let fields = ["gross_mass", "net_mass", "taric"];
        assert_eq!(closest("gros_mass", fields), Some("gross_mass"));
        assert_eq!(closest("volume", fields), None);
    }
}
