//! What running examples exercises: for each rule, whether its assertion was decided, each
//! `when` step's two outcomes, each exception that applied and whether the base rule did;
//! for each table, the rows that matched. The interpreter records into a [`Coverage`] only
//! when it is given one (`clearance test --coverage`); the compiled backend is not used then,
//! since it does not see branches.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Counts of what evaluation reached, shared by the evaluations of one test run.
#[derive(Debug, Default)]
pub struct Coverage {
    hits: Mutex<Hits>,
}

/// What was reached, and how many times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// By rule set position in the program, then rule position in the rule set.
    pub rules: BTreeMap<(usize, usize), RuleHits>,
    /// By table position in the program: how many times each row matched.
    pub table_rows: BTreeMap<u32, BTreeMap<usize, u64>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleHits {
    /// Bindings at which the rule's exceptions and assertion were decided.
    pub decided: u64,
    pub passed: u64,
    pub failed: u64,
    /// By step position: how many times the `when` step held, and how many times it did not.
    pub when: BTreeMap<usize, (u64, u64)>,
    /// By exception position: how many times it applied.
    pub exceptions: BTreeMap<usize, u64>,
    /// How many times no exception applied, so that the base assertion decided.
    pub base: u64,
}

/// Where in a rule evaluation stands, for recording.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RulePlace {
    pub(crate) ruleset: usize,
    pub(crate) rule: usize,
}

impl Coverage {
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// What was recorded so far.
    pub fn hits(&self) -> Hits {
        self.with(|hits| hits.clone())
    }

    fn with<T>(&self, record: impl FnOnce(&mut Hits) -> T) -> T {
        // A thread that panicked while recording leaves counts that are still counts.
        let mut hits = match self.hits.lock() {
            Ok(hits) => hits,
            Err(poisoned) => poisoned.into_inner(),
        };
        record(&mut hits)
    }

    fn rule(&self, place: RulePlace, record: impl FnOnce(&mut RuleHits)) {
        self.with(|hits| record(hits.rules.entry((place.ruleset, place.rule)).or_default()));
    }

    pub(crate) fn when(&self, place: RulePlace, step: usize, held: bool) {
        self.rule(place, |rule| {
            let counts = rule.when.entry(step).or_default();
            if held {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        });
    }

    /// The exceptions that applied at one binding (none: the base assertion decides).
    pub(crate) fn decided(&self, place: RulePlace, applied: &[usize]) {
        self.rule(place, |rule| {
            rule.decided += 1;
            if applied.is_empty() {
                rule.base += 1;
            }
            for exception in applied {
                *rule.exceptions.entry(*exception).or_default() += 1;
            }
        });
    }

    pub(crate) fn outcome(&self, place: RulePlace, passed: bool) {
        self.rule(place, |rule| {
            if passed {
                rule.passed += 1;
            } else {
                rule.failed += 1;
            }
        });
    }

    pub(crate) fn table_rows(&self, table: u32, rows: &[usize]) {
        self.with(|hits| {
            let counts = hits.table_rows.entry(table).or_default();
            for row in rows {
                *counts.entry(*row).or_default() += 1;
            }
        });
    }
}
