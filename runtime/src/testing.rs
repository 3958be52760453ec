//! Running the examples written in rule files: `clearance test`.

use clearance_compiler::ir::{ExampleIr, RulesetIr};
use clearance_compiler::syntax::ast::ExpectedOutcome;
use jiff::civil::Date;

use crate::coverage::Coverage;
use crate::engine::{RuleReport, RuleSet, RuleStatus};

/// The outcome of one example.
#[derive(Clone, Debug)]
pub struct ExampleResult {
    pub ruleset: String,
    pub path: String,
    pub line: u32,
    pub description: String,
    /// Why the example failed; empty when it passed.
    pub failures: Vec<String>,
}

impl ExampleResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The date an example runs as of when it names none: the day its rule set comes into force,
/// so that an example means the same thing whenever it runs.
pub fn default_as_of(ruleset: &RulesetIr) -> Date {
    ruleset
        .validity
        .from
        .unwrap_or_else(|| Date::constant(2000, 1, 1))
}

fn describe(status: RuleStatus) -> String {
    match status {
        RuleStatus::Passed => "passes".to_string(),
        RuleStatus::Failed(1) => "fails once".to_string(),
        RuleStatus::Failed(count) => format!("fails {count} times"),
        RuleStatus::NotApplicable => "does not apply".to_string(),
        RuleStatus::NotInForce => "is not in force on that date".to_string(),
        RuleStatus::Error => "cannot be evaluated".to_string(),
    }
}

/// Runs one example of the rule set at `index` in the program.
pub fn run_example(rule_set: &RuleSet, index: usize, example: &ExampleIr) -> ExampleResult {
    run_example_covering(rule_set, index, example, None)
}

/// [`run_example`], recording into `coverage` what the example exercises.
pub fn run_example_covering(
    rule_set: &RuleSet,
    index: usize,
    example: &ExampleIr,
    coverage: Option<&Coverage>,
) -> ExampleResult {
    let Some(ruleset) = rule_set.program().rulesets.get(index) else {
        return ExampleResult {
            ruleset: String::new(),
            path: String::new(),
            line: example.line,
            description: example.description.clone(),
            failures: vec!["its rule set is not in the program".to_string()],
        };
    };
    let mut result = ExampleResult {
        ruleset: ruleset.name.clone(),
        path: ruleset.path.clone(),
        line: example.line,
        description: example.description.clone(),
        failures: Vec::new(),
    };
    let inputs = match rule_set.example_inputs(ruleset, example) {
        Ok(inputs) => inputs,
        Err(error) => {
            result
                .failures
                .push(format!("its data could not be built: {}", error.message));
            return result;
        }
    };
    let as_of = example.as_of.unwrap_or_else(|| default_as_of(ruleset));
    let reports = rule_set.evaluate_ruleset_covering(index, &inputs, as_of, coverage);
    for expectation in &example.expectations {
        let report: Option<&RuleReport> = expectation
            .rule
            .as_ref()
            .and_then(|rule| reports.iter().find(|report| &report.rule == rule));
        match (expectation.outcome, report) {
            (ExpectedOutcome::NoFindings, _) => {
                let found: Vec<&str> = reports
                    .iter()
                    .filter(|report| !report.findings.is_empty())
                    .map(|report| report.rule.as_str())
                    .collect();
                if !found.is_empty() {
                    result.failures.push(format!(
                        "expected no findings, but {} reported some",
                        found.join(", ")
                    ));
                }
            }
            (_, None) => result.failures.push(format!(
                "rule `{}` is not in this rule set",
                expectation.rule.as_deref().unwrap_or("")
            )),
            (expected, Some(report)) => {
                let ok = match (expected, report.status) {
                    (ExpectedOutcome::Passes, RuleStatus::Passed) => true,
                    (ExpectedOutcome::DoesNotApply, RuleStatus::NotApplicable) => true,
                    (ExpectedOutcome::CannotBeEvaluated, RuleStatus::Error) => true,
                    (ExpectedOutcome::Fails(None), RuleStatus::Failed(_)) => true,
                    (ExpectedOutcome::Fails(Some(expected)), RuleStatus::Failed(count)) => {
                        expected as usize == count
                    }
                    _ => false,
                };
                if !ok {
                    let wanted = match expected {
                        ExpectedOutcome::Passes => "pass".to_string(),
                        ExpectedOutcome::DoesNotApply => "not apply".to_string(),
                        ExpectedOutcome::Fails(None) => "fail".to_string(),
                        ExpectedOutcome::Fails(Some(count)) => {
                            format!("fail {count} time{}", if count == 1 { "" } else { "s" })
                        }
                        ExpectedOutcome::NoFindings => "report nothing".to_string(),
                        ExpectedOutcome::CannotBeEvaluated => {
                            "be impossible to evaluate".to_string()
                        }
                    };
                    let mut message = format!(
                        "expected `{}` to {wanted}, but it {}",
                        report.rule,
                        describe(report.status)
                    );
                    if let Some(finding) = report.findings.first() {
                        message.push_str(&format!(": {}", finding.message.en));
                    }
                    result.failures.push(message);
                }
            }
        }
    }
    result
}

/// Runs every example of the rule sets whose file `include` accepts.
pub fn run_examples(rule_set: &RuleSet, include: impl Fn(&str) -> bool) -> Vec<ExampleResult> {
    run_examples_covering(rule_set, include, None)
}

/// [`run_examples`], recording into `coverage` what the examples exercise.
pub fn run_examples_covering(
    rule_set: &RuleSet,
    include: impl Fn(&str) -> bool,
    coverage: Option<&Coverage>,
) -> Vec<ExampleResult> {
    let mut results = Vec::new();
    for (index, ruleset) in rule_set.program().rulesets.iter().enumerate() {
        if !include(&ruleset.path) {
            continue;
        }
        for example in &ruleset.examples {
            results.push(run_example_covering(rule_set, index, example, coverage));
        }
    }
    results
}
