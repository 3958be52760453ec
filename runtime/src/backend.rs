//! The boundary between the engine and a compiled backend. The interpreter holds the reference
//! semantics; a backend (the Cranelift JIT) decides the common case: a rule that passes, does
//! not apply, or fails at some bindings, which the interpreter then explains one by one. It
//! leaves everything else to the interpreter: an error, or any case it does not decide itself.
//! So a backend never writes a finding, and the output cannot depend on which backend ran.

use jiff::civil::Date;

use crate::interp::Machine;
use crate::value::Value;

/// What a backend says of one rule on one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The rule's assertion held at every binding it reached, at least one.
    Passed,
    /// The rule reached no binding: its `when` steps or its loops left nothing to check.
    NotApplicable,
    /// The assertion failed at these bindings, in the order the rule reaches them; each is
    /// the positions its `for every` steps stand at. The interpreter explains each one.
    Failed(Vec<Vec<usize>>),
    /// The backend leaves this record to the interpreter: the rule could not be evaluated,
    /// or met a value the backend does not decide (absent, invalid, unlisted).
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
