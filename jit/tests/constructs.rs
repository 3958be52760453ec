//! Constructs the rule library does not write (list literals, integer arithmetic and negation,
//! counts and maxima, `other than`, `if`), in `tests/rules/constructs.clr`: every rule
//! compiles, and on records generated from its input schema the JIT gives the interpreter's
//! results byte for byte, deciding most rule runs itself, failures included.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Each test uses part of the shared generator.
#[allow(dead_code)]
#[path = "../../runtime/tests/support/generator.rs"]
mod generator;

use std::sync::Arc;

use clearance_jit::Jit;
use clearance_runtime::{Decision, RuleDecider, RuleSet, RuleStatus};
use generator::Generator;

fn constructs() -> RuleSet {
    let text = include_str!("rules/constructs.clr");
    RuleSet::compile(&[("tests/rules/constructs.clr".to_string(), text.to_string())])
        .unwrap_or_else(|errors| panic!("{errors}"))
}

#[test]
fn constructs_outside_the_rule_library_compile_and_decide_as_the_interpreter_does() {
    let interpreted = constructs();
    let compiled_rules = constructs();
    let jit = Arc::new(Jit::compile(&compiled_rules).unwrap().counting(true));
    let compiled = compiled_rules.with_decider(jit.clone());
    for rule in jit.stats() {
        assert_eq!(rule.not_compiled, None, "{}", rule.rule);
    }
    let mut generator = Generator::seeded(interpreted.program(), 3);
    let records: Vec<String> = (0..3_000).map(|_| generator.record()).collect();
    let as_of = jiff::civil::Date::constant(2026, 3, 29);
    let reference = interpreted.evaluate_batch(&records, 1, as_of);
    let with_jit = compiled.evaluate_batch(&records, 1, as_of);
    let mut failures = 0;
    for ((record, expected), actual) in records.iter().zip(&reference).zip(&with_jit) {
        let expected = serde_json::to_string(expected).unwrap();
        assert_eq!(expected, serde_json::to_string(actual).unwrap(), "{record}");
        failures += expected.matches("\"rule\":\"T-").count();
    }
    // Each decision itself, not only the output (which the interpreter would correct): a
    // pass, a rule that does not apply, or the interpreter's number of failures.
    let mut compared = 0;
    for record in &records {
        let json: serde_json::Value = serde_json::from_str(record).unwrap();
        let Some(declaration) = json.get("declaration") else {
            continue;
        };
        let node = clearance_runtime::data::parse_json(declaration.to_string().as_bytes()).unwrap();
        let Ok(input) = interpreted.bind_input("declaration", &node) else {
            continue;
        };
        let inputs = vec![input];
        let reports = interpreted.evaluate_ruleset(0, &inputs, as_of);
        for (position, report) in reports.iter().enumerate() {
            let decision = jit.decide(compiled.machine(), 0, position, &inputs, as_of);
            let agrees = match &decision {
                None | Some(Decision::Interpret) => true,
                Some(Decision::Passed) => report.status == RuleStatus::Passed,
                Some(Decision::NotApplicable) => report.status == RuleStatus::NotApplicable,
                Some(Decision::Failed(bindings)) => {
                    report.status == RuleStatus::Failed(bindings.len())
                }
            };
            assert!(
                agrees,
                "{}: compiled {decision:?}, interpreted {:?}: {record}",
                report.rule, report.status
            );
            compared += 1;
        }
    }
    assert!(compared > 1000, "{compared} decisions compared");
    // Every failure compiled code reported, the interpreter found at the same bindings.
    assert_eq!(compiled.unreproduced_failures(), 0);
    let stats = jit.stats();
    let decided: u64 = stats.iter().map(|rule| rule.decided).sum();
    let left: u64 = stats.iter().map(|rule| rule.interpreted).sum();
    eprintln!("{decided} rule runs decided by compiled code, {left} left; {failures} findings");
    assert!(decided > left, "{decided} decided, {left} left");
    assert!(failures > 0, "the records make some rule fail");
    for rule in &stats {
        assert!(
            rule.decided > 0,
            "compiled code never decided {}",
            rule.rule
        );
    }
}
