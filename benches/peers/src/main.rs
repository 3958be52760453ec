//! The engines a user would pick instead of Clearance, in one run with it, on the same 1,000
//! synthetic declarations (`clearance_benches::declarations`) and two rules: an item's gross
//! mass may not be below its net mass (when given and above zero), and an item under a TARIC
//! code of heading 0201 needs document N853. Each engine lists the failing items, and every
//! engine must list the same ones as hand-written Rust before anything is timed.
//!
//! `cd benches/peers && cargo run --release`. This crate is its own workspace: CI never builds
//! the peer engines. Figures and their reading are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clearance_benches::{Declaration, declarations, item_count, to_json, to_node};
use clearance_runtime::RuleSet;
use clearance_runtime::value::Value;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::json;

const DECLARATIONS: usize = 1000;
const SEED: u64 = 20261124;

const CLEARANCE_RULES: &str = include_str!("../peers.clr");

const ZEN_MASS: &str = "map(filter(declaration.items, #.gross_mass != null and #.gross_mass > 0 and #.gross_mass < #.net_mass), #.seq)";
const ZEN_DOCUMENTS: &str = "map(filter(declaration.items, startsWith(#.taric, '0201') and not contains(#.documents, 'N853')), #.seq)";
const CEL_MASS: &str = "declaration.items.filter(i, has(i.gross_mass) && i.gross_mass > 0.0 && i.gross_mass < i.net_mass).map(i, i.seq)";
const CEL_DOCUMENTS: &str = "declaration.items.filter(i, i.taric.startsWith('0201') && !('N853' in i.documents)).map(i, i.seq)";
const RHAI_SCRIPT: &str = r#"
let failures = [];
for item in declaration.items {
    if item.gross_mass != () && item.gross_mass > 0.0 && item.gross_mass < item.net_mass {
        failures.push("mass " + item.seq);
    }
}
for item in declaration.items {
    if item.taric.starts_with("0201") && !item.documents.contains("N853") {
        failures.push("documents " + item.seq);
    }
}
failures
"#;

/// The failing items, written by hand.
fn hand_written(declaration: &Declaration) -> Vec<String> {
    let mut failures = Vec::new();
    for item in &declaration.items {
        if let Some(gross) = item.gross_mass
            && gross > Decimal::ZERO
            && gross < item.net_mass
        {
            failures.push(format!("mass {}", item.seq));
        }
    }
    for item in &declaration.items {
        if item.taric.starts_with("0201") && !item.documents.iter().any(|code| code == "N853") {
            failures.push(format!("documents {}", item.seq));
        }
    }
    failures
}

/// A declaration as the peer engines take it: masses as JSON numbers (the engines have no
/// exact decimals of their own except zen), an absent gross mass left out, documents as codes.
fn peer_json(declaration: &Declaration) -> serde_json::Value {
    let number = |mass: Decimal| json!(mass.to_f64().unwrap_or(f64::NAN));
    let items: Vec<serde_json::Value> = declaration
        .items
        .iter()
        .map(|item| {
            let mut object = json!({
                "seq": item.seq,
                "taric": item.taric,
                "net_mass": number(item.net_mass),
                "documents": item.documents,
            });
            if let Some(gross) = item.gross_mass {
                object["gross_mass"] = number(gross);
            }
            object
        })
        .collect();
    json!({ "declaration": { "procedure": declaration.procedure, "items": items } })
}

fn sorted(mut failures: Vec<String>) -> Vec<String> {
    failures.sort();
    failures
}

/// The median of 21 passes over every declaration.
fn time(mut pass: impl FnMut()) -> Duration {
    pass();
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let started = Instant::now();
            pass();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[10]
}

fn clearance_failures(
    rule_set: &RuleSet,
    inputs: &[Value],
    as_of: jiff::civil::Date,
) -> Vec<String> {
    rule_set
        .evaluate_ruleset(0, inputs, as_of)
        .into_iter()
        .flat_map(|report| report.findings)
        .map(|finding| finding.message.en)
        .collect()
}

fn zen_seqs(value: &zen_expression::variable::Variable, kind: &str) -> Vec<String> {
    let json: serde_json::Value = value.clone().into();
    json.as_array()
        .into_iter()
        .flatten()
        .map(|seq| format!("{kind} {seq}"))
        .collect()
}

fn cel_seqs(value: &cel::Value, kind: &str) -> Vec<String> {
    match value {
        cel::Value::List(items) => items
            .iter()
            .map(|seq| match seq {
                cel::Value::Int(seq) => format!("{kind} {seq}"),
                cel::Value::UInt(seq) => format!("{kind} {seq}"),
                other => format!("{kind} {other:?}"),
            })
            .collect(),
        other => vec![format!("{other:?}")],
    }
}

fn main() {
    let synthetic = declarations(DECLARATIONS, SEED);
    let items = item_count(&synthetic);
    let as_of = jiff::civil::Date::constant(2026, 3, 10);
    let expected: Vec<Vec<String>> = synthetic
        .iter()
        .map(|declaration| sorted(hand_written(declaration)))
        .collect();

    // Clearance: the interpreter and the JIT over values already bound.
    let files = [("bench/peers.clr".to_string(), CLEARANCE_RULES.to_string())];
    let interpreted = RuleSet::compile(&files).unwrap_or_else(|errors| panic!("{errors}"));
    let compiled_rules = RuleSet::compile(&files).unwrap_or_else(|errors| panic!("{errors}"));
    let jit = clearance_jit::Jit::compile(&compiled_rules).expect("the JIT starts");
    let compiled = compiled_rules.with_decider(std::sync::Arc::new(jit));
    let bound: Vec<Vec<Value>> = synthetic
        .iter()
        .map(|declaration| {
            vec![
                interpreted
                    .bind_input("declaration", &to_node(declaration))
                    .expect("the declaration binds"),
            ]
        })
        .collect();
    let _ = to_json;

    // The peers, each over its own form of the same declarations, built before timing.
    let peer_documents: Vec<serde_json::Value> = synthetic.iter().map(peer_json).collect();
    let zen_mass = zen_expression::compile_expression(ZEN_MASS).expect("zen compiles");
    let zen_documents = zen_expression::compile_expression(ZEN_DOCUMENTS).expect("zen compiles");
    let zen_contexts: Vec<zen_expression::variable::Variable> = peer_documents
        .iter()
        .map(|document| document.clone().into())
        .collect();
    let cel_mass = cel::Program::compile(CEL_MASS).expect("cel compiles");
    let cel_documents = cel::Program::compile(CEL_DOCUMENTS).expect("cel compiles");
    let cel_contexts: Vec<cel::Context> = peer_documents
        .iter()
        .map(|document| {
            let mut context = cel::Context::default();
            let value = cel::to_value(&document["declaration"]).expect("cel reads JSON");
            context.add_variable_from_value("declaration", value);
            context
        })
        .collect();
    let rhai_engine = rhai::Engine::new();
    let rhai_ast = rhai_engine.compile(RHAI_SCRIPT).expect("rhai compiles");
    let rhai_scopes: Vec<rhai::Scope> = peer_documents
        .iter()
        .map(|document| {
            let mut scope = rhai::Scope::new();
            let value = rhai::serde::to_dynamic(&document["declaration"]).expect("rhai reads JSON");
            scope.push_dynamic("declaration", value);
            scope
        })
        .collect();

    // Every engine finds the same failures before it is timed.
    let mut vm = zen_expression::vm::VM::new();
    for (position, expected) in expected.iter().enumerate() {
        let mut zen = zen_seqs(
            &zen_mass
                .evaluate_with(zen_contexts[position].clone(), &mut vm)
                .expect("zen runs"),
            "mass",
        );
        zen.extend(zen_seqs(
            &zen_documents
                .evaluate_with(zen_contexts[position].clone(), &mut vm)
                .expect("zen runs"),
            "documents",
        ));
        assert_eq!(&sorted(zen), expected, "zen, declaration {position}");
        let mut cel_found = cel_seqs(
            &cel_mass.execute(&cel_contexts[position]).expect("cel runs"),
            "mass",
        );
        cel_found.extend(cel_seqs(
            &cel_documents
                .execute(&cel_contexts[position])
                .expect("cel runs"),
            "documents",
        ));
        assert_eq!(&sorted(cel_found), expected, "cel, declaration {position}");
        let mut scope = rhai_scopes[position].clone();
        let rhai_found: rhai::Array = rhai_engine
            .eval_ast_with_scope(&mut scope, &rhai_ast)
            .expect("rhai runs");
        let rhai_found: Vec<String> = rhai_found
            .into_iter()
            .map(|item| item.to_string())
            .collect();
        assert_eq!(
            &sorted(rhai_found),
            expected,
            "rhai, declaration {position}"
        );
        for rule_set in [&interpreted, &compiled] {
            let found = clearance_failures(rule_set, &bound[position], as_of);
            assert_eq!(
                &sorted(found),
                expected,
                "clearance, declaration {position}"
            );
        }
    }
    let failures: usize = expected.iter().map(Vec::len).sum();
    println!(
        "{DECLARATIONS} declarations, {items} items, {failures} failing items; every engine agrees"
    );

    let mut results: Vec<(&str, Duration)> = Vec::new();
    results.push((
        "hand-written Rust",
        time(|| {
            for declaration in &synthetic {
                black_box(hand_written(black_box(declaration)));
            }
        }),
    ));
    results.push((
        "Clearance JIT",
        time(|| {
            for inputs in &bound {
                black_box(compiled.evaluate_ruleset(0, black_box(inputs), as_of));
            }
        }),
    ));
    results.push((
        "Clearance interpreter",
        time(|| {
            for inputs in &bound {
                black_box(interpreted.evaluate_ruleset(0, black_box(inputs), as_of));
            }
        }),
    ));
    results.push((
        "zen-expression 2.1.6",
        time(|| {
            for context in &zen_contexts {
                black_box(zen_mass.evaluate_with(context.clone(), &mut vm).ok());
                black_box(zen_documents.evaluate_with(context.clone(), &mut vm).ok());
            }
        }),
    ));
    results.push((
        "cel 0.15.0",
        time(|| {
            for context in &cel_contexts {
                black_box(cel_mass.execute(context).ok());
                black_box(cel_documents.execute(context).ok());
            }
        }),
    ));
    results.push((
        "rhai 1.27.0",
        time(|| {
            for scope in &rhai_scopes {
                let mut scope = scope.clone();
                black_box(
                    rhai_engine
                        .eval_ast_with_scope::<rhai::Array>(&mut scope, &rhai_ast)
                        .ok(),
                );
            }
        }),
    ));
    let hand = results[0].1.as_secs_f64();
    println!(
        "| engine | time per {DECLARATIONS} declarations | ns per item | ratio to hand-written |"
    );
    println!("|---|---|---|---|");
    for (engine, elapsed) in &results {
        println!(
            "| {engine} | {:.2} ms | {:.0} | {:.1}x |",
            elapsed.as_secs_f64() * 1000.0,
            elapsed.as_secs_f64() * 1e9 / items as f64,
            elapsed.as_secs_f64() / hand
        );
    }
}
