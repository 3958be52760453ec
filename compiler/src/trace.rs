//! The traceability matrix: requirement -> rules -> examples -> source sentence, as auditors
//! read it, computed from the checked program.

use serde::Serialize;

use crate::ir::{Citation, Program};
use crate::syntax::ast::ExpectedOutcome;

/// One example that exercises a rule, and whether it expects the rule to fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TracedExample {
    pub description: String,
    pub path: String,
    pub line: u32,
    pub expects: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TracedRule {
    pub ruleset: String,
    pub version: String,
    pub rule: String,
    pub path: String,
    pub citations: Vec<Citation>,
    pub examples: Vec<TracedExample>,
    /// Whether some example expects the rule to pass (or not to apply) and some to fail.
    pub has_passing_example: bool,
    pub has_failing_example: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    /// Implemented by rules, each with passing and failing examples.
    Exemplified,
    /// Implemented, but some rule lacks a passing or a failing example.
    Implemented,
    /// Met by the language itself.
    BuiltIn,
    /// Not machine-checkable, with the catalogue's reason.
    NotCheckable,
    /// No rule implements it.
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TracedRequirement {
    pub id: String,
    pub title: String,
    pub starred: bool,
    pub coverage: Coverage,
    pub reason: Option<String>,
    pub citations: Vec<Citation>,
    pub rules: Vec<TracedRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub requirements: Vec<TracedRequirement>,
    /// Rules that cite a requirement the catalogue does not have.
    pub unknown_requirements: Vec<(String, String)>,
}

impl Trace {
    /// Whether the library meets its bar: every starred requirement exemplified, every other
    /// one at least implemented, built in or explained.
    pub fn complete(&self) -> bool {
        self.requirements
            .iter()
            .all(|requirement| match requirement.coverage {
                Coverage::Exemplified | Coverage::BuiltIn | Coverage::NotCheckable => true,
                Coverage::Implemented => !requirement.starred,
                Coverage::Missing => false,
            })
    }

    pub fn gaps(&self) -> Vec<&TracedRequirement> {
        self.requirements
            .iter()
            .filter(|requirement| {
                matches!(
                    requirement.coverage,
                    Coverage::Missing | Coverage::Implemented
                )
            })
            .collect()
    }
}

fn expects(outcome: ExpectedOutcome) -> &'static str {
    match outcome {
        ExpectedOutcome::Fails(_) => "fails",
        ExpectedOutcome::Passes => "passes",
        ExpectedOutcome::DoesNotApply => "does not apply",
        ExpectedOutcome::CannotBeEvaluated => "cannot be evaluated",
        ExpectedOutcome::NoFindings => "no findings",
    }
}

pub fn trace(program: &Program) -> Trace {
    let mut trace = Trace::default();
    for requirement in &program.requirements {
        let mut rules = Vec::new();
        for ruleset in &program.rulesets {
            for rule in ruleset
                .rules
                .iter()
                .filter(|rule| rule.requirements.contains(&requirement.id))
            {
                let mut examples = Vec::new();
                for example in &ruleset.examples {
                    for expectation in &example.expectations {
                        let concerns = match &expectation.rule {
                            Some(name) => name == &rule.id,
                            // `expect no findings` shows every rule of the rule set passing.
                            None => true,
                        };
                        if concerns {
                            examples.push(TracedExample {
                                description: example.description.clone(),
                                path: ruleset.path.clone(),
                                line: example.line,
                                expects: expects(expectation.outcome),
                            });
                        }
                    }
                }
                let has_failing_example = examples.iter().any(|example| example.expects == "fails");
                let has_passing_example = examples.iter().any(|example| {
                    matches!(example.expects, "passes" | "no findings" | "does not apply")
                });
                rules.push(TracedRule {
                    ruleset: ruleset.name.clone(),
                    version: ruleset.version.clone(),
                    rule: rule.id.clone(),
                    path: ruleset.path.clone(),
                    citations: rule.citations.clone(),
                    examples,
                    has_passing_example,
                    has_failing_example,
                });
            }
        }
        let (coverage, reason) = if let Some(reason) = &requirement.not_checkable {
            (Coverage::NotCheckable, Some(reason.clone()))
        } else if let Some(reason) = &requirement.built_in {
            (Coverage::BuiltIn, Some(reason.clone()))
        } else if rules.is_empty() {
            (Coverage::Missing, None)
        } else if rules
            .iter()
            .all(|rule| rule.has_passing_example && rule.has_failing_example)
        {
            (Coverage::Exemplified, None)
        } else {
            (Coverage::Implemented, None)
        };
        trace.requirements.push(TracedRequirement {
            id: requirement.id.clone(),
            title: requirement
                .title
                .best(crate::syntax::ast::Lang::En)
                .to_string(),
            starred: requirement.starred,
            coverage,
            reason,
            citations: requirement.citations.clone(),
            rules,
        });
    }
    for ruleset in &program.rulesets {
        for rule in &ruleset.rules {
            for id in &rule.requirements {
                if !program
                    .requirements
                    .iter()
                    .any(|requirement| &requirement.id == id)
                {
                    trace
                        .unknown_requirements
                        .push((rule.id.clone(), id.clone()));
                }
            }
        }
    }
    trace
}
