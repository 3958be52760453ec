//! The language's vocabulary that both its syntax and its IR speak: languages of texts,
//! comparison and deadline words, business-time units, the outcomes an example expects and the
//! severities of findings. Defined here, in the IR crate, so that the IR depends on no parser
//! and no diagnostics renderer; the syntax tree re-exports them.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }
}

/// The words that compare instants: whether the deadline instant itself is on time is part of
/// the word chosen, never an accident of `<` against `<=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TemporalOp {
    Before,
    OnOrBefore,
    After,
    OnOrAfter,
}

impl TemporalOp {
    pub fn words(self) -> &'static str {
        match self {
            TemporalOp::Before => "before",
            TemporalOp::OnOrBefore => "on or before",
            TemporalOp::After => "after",
            TemporalOp::OnOrAfter => "on or after",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BusinessUnit {
    Hours,
    Days,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectedOutcome {
    Fails(Option<u32>),
    Passes,
    DoesNotApply,
    /// The rule meets a run-time error, such as a missing exchange rate.
    CannotBeEvaluated,
    NoFindings,
}

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
