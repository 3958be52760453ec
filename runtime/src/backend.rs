//! The boundary between the engine and a compiled backend. The interpreter holds the reference
//! semantics; a backend (the Cranelift JIT) decides the common case, a rule that passes or does
//! not apply, and leaves everything else to the interpreter, which then gives the findings: a
//! failure, an error, or any case the backend does not decide itself. So a backend never writes
//! a finding, and the output cannot depend on which backend ran.

use jiff::civil::Date;

use crate::interp::Machine;
use crate::value::Value;

/// What a backend says of one rule on one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The rule's assertion held at every binding it reached, at least one.
    Passed,
    /// The rule reached no binding: its `when` steps or its loops left nothing to check.
    NotApplicable,
    /// The backend leaves this record to the interpreter: the rule failed, could not be
    /// evaluated, or met a value the backend does not decide (absent, invalid, unlisted).
    Interpret,
}

/// A backend that decides rules. It is shared between the threads of a batch.
pub trait RuleDecider: Send + Sync {
    /// The decision on rule `rule` of the program's rule set `ruleset`, given the rule set's
    /// inputs in its input order and the date the record is checked as of; `None` when the
    /// backend did not compile this rule.
    /// `machine` is the loaded program the backend was compiled from.
    fn decide(
        &self,
        machine: &Machine,
        ruleset: usize,
        rule: usize,
        inputs: &[Value],
        as_of: Date,
    ) -> Option<Decision>;

    /// The backend's name, as `--stats` reports it.
    fn name(&self) -> &'static str;
}
