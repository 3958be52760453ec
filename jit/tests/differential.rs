//! The JIT against the interpreter, the reference: on every example of the repository's rule
//! library, each rule's compiled decision agrees with the interpreter's result (a pass, a rule
//! that does not apply, or as many failures as the interpreter finds), and the rule set run
//! with the JIT gives the same reports, findings included, byte for byte.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// The shared generator's loader of the rule library; its records are used elsewhere.
#[allow(dead_code)]
#[path = "../../runtime/tests/support/generator.rs"]
mod generator;

use std::sync::Arc;

use clearance_compiler::ir::Step;
use clearance_jit::Jit;
use clearance_runtime::testing::default_as_of;
use clearance_runtime::{Decision, RuleDecider, RuleReport, RuleStatus};
use generator::rule_library;

fn reports_text(reports: &[RuleReport]) -> String {
    reports
        .iter()
        .map(|report| {
            format!(
                "{} {:?} {}\n",
                report.rule,
                report.status,
                serde_json::to_string(&report.findings).unwrap()
            )
        })
        .collect()
}

#[test]
fn compiled_rules_decide_every_example_of_the_rule_library_as_the_interpreter_does() {
    let interpreted = rule_library();
    let compiled_rules = rule_library();
    let jit = Arc::new(Jit::compile(&compiled_rules).unwrap().counting(true));
    let compiled = compiled_rules.with_decider(jit.clone());
    let program = interpreted.program();
    let mut examples = 0;
    let mut native_decisions = 0;
    let mut failures_found = 0;
    let mut disagreements = Vec::new();
    for (index, ruleset) in program.rulesets.iter().enumerate() {
        for example in &ruleset.examples {
            let Ok(inputs) = interpreted.example_inputs(ruleset, example) else {
                continue;
            };
            examples += 1;
            let as_of = example.as_of.unwrap_or_else(|| default_as_of(ruleset));
            let reference = interpreted.evaluate_ruleset(index, &inputs, as_of);
            for (position, report) in reference.iter().enumerate() {
                if report.status == RuleStatus::NotInForce {
                    continue;
                }
                let decision = jit.decide(compiled.machine(), index, position, &inputs, as_of);
                let agrees = match &decision {
                    None | Some(Decision::Interpret) => true,
                    Some(Decision::Passed) => report.status == RuleStatus::Passed,
                    Some(Decision::NotApplicable) => report.status == RuleStatus::NotApplicable,
                    Some(Decision::Failed(bindings)) => {
                        // Each binding names a position for every `for every` step.
                        let loops = ruleset.rules[position]
                            .steps
                            .iter()
                            .filter(|step| matches!(step, Step::ForEvery { .. }))
                            .count();
                        report.status == RuleStatus::Failed(bindings.len())
                            && bindings.iter().all(|binding| binding.len() == loops)
                    }
                };
                if matches!(decision, Some(Decision::Failed(_))) {
                    failures_found += 1;
                }
                if !matches!(decision, None | Some(Decision::Interpret)) {
                    native_decisions += 1;
                }
                if !agrees {
                    disagreements.push(format!(
                        "{}:{} `{}`: rule `{}`: compiled code says {decision:?}, the interpreter {:?}",
                        ruleset.path, example.line, example.description, report.rule, report.status
                    ));
                }
            }
            let with_jit = compiled.evaluate_ruleset(index, &inputs, as_of);
            assert_eq!(
                reports_text(&reference),
                reports_text(&with_jit),
                "{}:{} `{}`",
                ruleset.path,
                example.line,
                example.description
            );
        }
    }
    // Every failure compiled code reported, the interpreter found at the same bindings.
    assert_eq!(compiled.unreproduced_failures(), 0);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    let stats = jit.stats();
    let not_compiled: Vec<String> = stats
        .iter()
        .filter_map(|rule| {
            rule.not_compiled
                .as_ref()
                .map(|reason| format!("{}: {reason}", rule.rule))
        })
        .collect();
    println!(
        "{examples} examples; {} of {} rules compiled; {native_decisions} decisions made by compiled code, {failures_found} of them failures",
        stats.len() - not_compiled.len(),
        stats.len()
    );
    assert!(examples > 100, "the rule library has examples");
    assert!(
        failures_found > 20,
        "compiled code found {failures_found} failures"
    );
    assert!(
        not_compiled.is_empty(),
        "rules not compiled:\n{}",
        not_compiled.join("\n")
    );
    assert!(
        native_decisions * 2 > examples,
        "compiled code decided only {native_decisions} rule runs over {examples} examples"
    );
}

/// The kind of every node in a body, and in the functions it calls, once each.
fn node_kinds(
    program: &clearance_compiler::ir::Program,
    body: &clearance_compiler::ir::Body,
    kinds: &mut std::collections::BTreeSet<String>,
    seen_functions: &mut std::collections::BTreeSet<u32>,
) {
    use clearance_compiler::ir::Node;
    for node in &body.nodes {
        let kind = format!("{node:?}");
        let kind = kind
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_string();
        kinds.insert(kind);
        if let Node::Call { function, .. } = node
            && let Some(index) = function.index
            && seen_functions.insert(index)
        {
            node_kinds(
                program,
                &program.functions[index as usize].body,
                kinds,
                seen_functions,
            );
        }
    }
}

/// The rule library's rules reach nearly every kind of node, so the examples and generated
/// records exercise compiled code for them. Record literals and `with` updates are written in
/// examples' data, not in rules, and no rule of the library writes a list literal: those three
/// are the only ones allowed missing.
#[test]
fn the_rule_library_reaches_the_constructs_compiled_code_handles() {
    let rule_set = rule_library();
    let program = rule_set.program();
    let mut kinds = std::collections::BTreeSet::new();
    let mut functions = std::collections::BTreeSet::new();
    for ruleset in &program.rulesets {
        for rule in &ruleset.rules {
            node_kinds(program, &rule.body, &mut kinds, &mut functions);
        }
    }
    let all = [
        "Const",
        "Local",
        "ConstRef",
        "Field",
        "Project",
        "Unary",
        "Binary",
        "And",
        "Or",
        "If",
        "Otherwise",
        "IsPresent",
        "IsEmpty",
        "Contains",
        "Loop",
        "MakeList",
        "MakeSet",
        "MakeRecord",
        "Call",
        "TableCall",
        "Builtin",
        "Matches",
        "MissingFields",
        "BusinessAdd",
        "Let",
        "Update",
    ];
    let missing: Vec<&str> = all
        .iter()
        .copied()
        .filter(|kind| !kinds.contains(*kind))
        .collect();
    println!("node kinds the rule library does not reach: {missing:?}");
    assert!(
        missing
            .iter()
            .all(|kind| ["MakeList", "MakeRecord", "Update"].contains(kind)),
        "the rule library no longer reaches: {missing:?}"
    );
}

/// A JIT decides only for the program it was compiled from: attached to another rule set, even
/// one compiled from the same files, it leaves every rule to that rule set's interpreter.
#[test]
fn a_jit_decides_nothing_for_another_program() {
    let compiled_from = rule_library();
    let other = rule_library();
    let jit = Jit::compile(&compiled_from).unwrap();
    let program = other.program();
    let (index, ruleset, example) = program
        .rulesets
        .iter()
        .enumerate()
        .find_map(|(index, ruleset)| {
            ruleset
                .examples
                .first()
                .map(|example| (index, ruleset, example))
        })
        .unwrap();
    let inputs = other.example_inputs(ruleset, example).unwrap();
    let as_of = default_as_of(ruleset);
    assert_eq!(jit.decide(other.machine(), index, 0, &inputs, as_of), None);
    assert!(
        jit.decide(compiled_from.machine(), index, 0, &inputs, as_of)
            .is_some()
    );
}
