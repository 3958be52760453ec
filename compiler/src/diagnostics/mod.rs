//! One diagnostics model, many renderers.
//!
//! Queries return diagnostics as values: a stable kebab-case id, a severity, a lowercase
//! message, labelled spans and a help line. Spans produced inside an item are relative to the
//! item; [`Diagnostic::shifted`] makes them absolute when a file's diagnostics are gathered.
//! [`render`] turns them into text for people (ariadne) and JSON for machines; the language
//! server maps the same values onto LSP diagnostics.

pub mod render;

use serde::Serialize;

use crate::syntax::ast::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    /// A rule's finding only: a consequence the administration applies (a vehicle moved to a
    /// park after 48 hours), reported as an action due with its date, not as the operator's
    /// offence.
    Action,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Action => "action",
        }
    }
}

macro_rules! diagnostic_ids {
    ($($variant:ident => $name:literal : $severity:ident,)*) => {
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
        }
    };
}

diagnostic_ids! {
    SyntaxError => "syntax-error": Error,
    StrayText => "stray-text": Error,
    MissingHeader => "missing-header": Error,
    MisplacedHeader => "misplaced-header": Error,
    DuplicateModule => "duplicate-module": Error,
    DuplicateDefinition => "duplicate-definition": Error,
    UnknownModule => "unknown-module": Error,
    UnknownImport => "unknown-import": Error,
    UnknownName => "unknown-name": Error,
    UnknownType => "unknown-type": Error,
    UnknownField => "unknown-field": Error,
    UnknownCode => "unknown-code": Error,
    UnknownUnit => "unknown-unit": Error,
    UnknownFunction => "unknown-function": Error,
    UnknownRule => "unknown-rule": Error,
    UnknownRequirement => "unknown-requirement": Error,
    UnknownSource => "unknown-source": Error,
    UnknownCalendar => "unknown-calendar": Error,
    UnknownHolidays => "unknown-holidays": Error,
    UnknownFixture => "unknown-fixture": Error,
    UnknownSeverity => "unknown-severity": Error,
    UnknownCategory => "unknown-category": Error,
    UnknownPolicy => "unknown-policy": Error,
    UnknownTimeZone => "unknown-time-zone": Error,
    TypeMismatch => "type-mismatch": Error,
    UnitMismatch => "unit-mismatch": Error,
    CurrencyMismatch => "currency-mismatch": Error,
    CurrencyNotKnown => "currency-not-known": Error,
    AmbiguousDeadline => "ambiguous-deadline": Error,
    MaybeAbsent => "maybe-absent": Error,
    NotOptional => "not-optional": Warning,
    NotACollection => "not-a-collection": Error,
    NotARecord => "not-a-record": Error,
    WrongArgumentCount => "wrong-argument-count": Error,
    RecursiveDefinition => "recursive-definition": Error,
    InvalidLiteral => "invalid-literal": Error,
    InvalidRegex => "invalid-regex": Error,
    InvalidPattern => "invalid-pattern": Error,
    NotConstant => "not-constant": Error,
    MissingField => "missing-field": Error,
    DuplicateField => "duplicate-field": Error,
    MissingClause => "missing-clause": Error,
    DuplicateClause => "duplicate-clause": Error,
    MisplacedInterpolation => "misplaced-interpolation": Error,
    MissingTranslation => "missing-translation": Warning,
    UnusedLet => "unused-let": Warning,
    OtherThanMismatch => "other-than-mismatch": Error,
    ConflictingInputs => "conflicting-inputs": Error,
    EmptyCalendar => "empty-calendar": Error,
    InvalidPeriod => "invalid-period": Error,
    TableRowShadowed => "table-row-shadowed": Error,
    TableRowUnreachable => "table-row-unreachable": Error,
    TableRowsOverlap => "table-rows-overlap": Error,
    TableNotExhaustive => "table-not-exhaustive": Error,
    TableArity => "table-arity": Error,
    ExceptionsIdentical => "exceptions-identical": Warning,
    ExampleWithoutExpectation => "example-without-expectation": Warning,
    ExampleOutsideRuleset => "example-outside-ruleset": Error,
    InvalidDataPath => "invalid-data-path": Error,
    TooDeep => "too-deep": Error,
    DataFileType => "data-file-type": Error,
    DataFileFormat => "data-file-format": Error,
}

/// A labelled span. The first label of a diagnostic is its primary location.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub id: DiagnosticId,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(id: DiagnosticId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            id,
            severity: id.default_severity(),
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
            }],
            help: None,
        }
    }

    /// Sets the message of the primary label.
    pub fn with_primary_label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(label) = self.labels.first_mut() {
            label.message = message.into();
        }
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_optional_help(mut self, help: Option<String>) -> Diagnostic {
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

/// A help line "did you mean `x`?" when a candidate is close to `name`.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
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
