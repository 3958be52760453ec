//! Synthetic declarations with a fixed seed, and a hand-written Rust version of the starred
//! declaration rules (masses, documents by tariff code) to measure the interpreter against.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// The rule set the benchmarks run: the starred rules on declarations.
pub const STAR_RULES: &str = include_str!("../star.clr");

#[derive(Clone, Debug)]
pub struct Item {
    pub seq: i64,
    pub taric: String,
    pub net_mass: Decimal,
    pub gross_mass: Option<Decimal>,
    pub documents: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Declaration {
    pub reference: String,
    pub procedure: String,
    pub gross_mass: Option<Decimal>,
    pub released_at: String,
    pub items: Vec<Item>,
}

const PREFIXES: &[&str] = &[
    "0201", "0302", "0303", "0602", "8471", "8401", "6109", "9403", "2204", "3004",
];

fn required(taric: &str, procedure: &str) -> &'static [&'static [&'static str]] {
    if taric.starts_with("0201") {
        &[&["N853"]]
    } else if taric.starts_with("0302") || taric.starts_with("0303") {
        &[&["N853"], &["C673"]]
    } else if taric.starts_with("0602") {
        &[&["C678"]]
    } else if taric.starts_with("8401") && procedure.starts_with("10") {
        &[&["X002"]]
    } else {
        &[]
    }
}

fn mass(rng: &mut ChaCha8Rng, low: i64, high: i64) -> Decimal {
    Decimal::new(rng.random_range(low * 1000..high * 1000), 3)
}

/// `count` declarations of 1 to 50 items each, the same for a given seed on every machine.
pub fn declarations(count: usize, seed: u64) -> Vec<Declaration> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|index| {
            let procedure = if rng.random_bool(0.1) { "1000" } else { "4000" }.to_string();
            let item_count = rng.random_range(1..=50);
            let items: Vec<Item> = (1..=item_count)
                .map(|seq| {
                    let prefix = PREFIXES[rng.random_range(0..PREFIXES.len())];
                    let taric = format!("{prefix}{:06}", rng.random_range(0..1_000_000));
                    let net_mass = mass(&mut rng, 0, 1000);
                    let gross_mass = if rng.random_bool(0.05) {
                        None
                    } else if rng.random_bool(0.03) {
                        Some(net_mass - Decimal::new(1, 3))
                    } else {
                        Some(net_mass + mass(&mut rng, 0, 50))
                    };
                    let mut documents = Vec::new();
                    for alternatives in required(&taric, &procedure) {
                        if rng.random_bool(0.97) {
                            documents.push(alternatives[0].to_string());
                        }
                    }
                    if rng.random_bool(0.5) {
                        documents.push("N380".to_string());
                    }
                    Item {
                        seq,
                        taric,
                        net_mass,
                        gross_mass,
                        documents,
                    }
                })
                .collect();
            let total: Decimal = items
                .iter()
                .map(|item| item.gross_mass.unwrap_or(item.net_mass))
                .sum();
            Declaration {
                reference: format!("BENCH-{index:07}"),
                procedure,
                gross_mass: Some(if rng.random_bool(0.02) {
                    total - Decimal::ONE
                } else {
                    total
                }),
                released_at: format!("2026-03-{:02}T10:00:00+01:00", rng.random_range(1..=28)),
                items,
            }
        })
        .collect()
}

/// A declaration as the binder reads it, from its JSON text.
pub fn to_node(declaration: &Declaration) -> clearance_runtime::data::Node {
    clearance_runtime::data::parse_json(to_json(declaration).to_string().as_bytes())
        .unwrap_or(clearance_runtime::data::Node::Null)
}

/// The JSON a validation server would receive for a declaration.
pub fn to_json(declaration: &Declaration) -> Value {
    json!({
        "reference": declaration.reference,
        "procedure": declaration.procedure,
        "gross_mass": declaration.gross_mass.map(|mass| mass.to_string()),
        "released_at": declaration.released_at,
        "items": declaration.items.iter().map(|item| json!({
            "seq": item.seq,
            "taric": item.taric,
            "net_mass": item.net_mass.to_string(),
            "gross_mass": item.gross_mass.map(|mass| mass.to_string()),
            "documents": item.documents.iter().map(|code| json!({ "code": code })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The same three rules, written by hand: the failures' messages, as the interpreter gives them.
pub fn hand_written(declaration: &Declaration) -> Vec<String> {
    let mut findings = Vec::new();
    for item in &declaration.items {
        if let Some(gross) = item.gross_mass
            && gross > Decimal::ZERO
            && gross < item.net_mass
        {
            findings.push(format!(
                "item {}: gross mass {} kg is below net mass {} kg",
                item.seq,
                gross.normalize(),
                item.net_mass.normalize()
            ));
        }
    }
    if let Some(gross) = declaration.gross_mass
        && gross > Decimal::ZERO
    {
        let total: Decimal = declaration.items.iter().map(|item| item.net_mass).sum();
        if gross < total {
            findings.push(format!(
                "gross mass {} kg is below the total net mass {} kg",
                gross.normalize(),
                total.normalize()
            ));
        }
    }
    for item in &declaration.items {
        let missing: Vec<&[&str]> = required(&item.taric, &declaration.procedure)
            .iter()
            .copied()
            .filter(|alternatives| {
                !item
                    .documents
                    .iter()
                    .any(|code| alternatives.contains(&code.as_str()))
            })
            .collect();
        if !missing.is_empty() {
            let shown: Vec<String> = missing
                .iter()
                .map(|set| format!("{{{}}}", set.join(", ")))
                .collect();
            findings.push(format!(
                "item {} (TARIC {}) lacks {}",
                item.seq,
                item.taric,
                shown.join(", ")
            ));
        }
    }
    findings
}

/// The starred rules, compiled with the standard library.
pub fn star_rule_set() -> Result<clearance_runtime::RuleSet, String> {
    clearance_runtime::RuleSet::compile(&[("bench/star.clr".to_string(), STAR_RULES.to_string())])
        .map_err(|errors| errors.to_string())
}

/// Each declaration as the line of NDJSON a validation server would receive.
pub fn ndjson(declarations: &[Declaration]) -> Vec<String> {
    declarations
        .iter()
        .map(|declaration| json!({ "declaration": to_json(declaration) }).to_string())
        .collect()
}

/// Each declaration bound to the rule set's `declaration` input, as evaluation takes it.
pub fn bound(
    rule_set: &clearance_runtime::RuleSet,
    declarations: &[Declaration],
) -> Result<Vec<Vec<clearance_runtime::value::Value>>, String> {
    declarations
        .iter()
        .map(|declaration| {
            rule_set
                .bind_input("declaration", &to_node(declaration))
                .map(|value| vec![value])
                .map_err(|errors| format!("{} does not bind: {errors:?}", declaration.reference))
        })
        .collect()
}

/// The English messages of the findings the rule set gives on one declaration, sorted: what
/// every engine must agree on before it is timed.
pub fn finding_messages(
    rule_set: &clearance_runtime::RuleSet,
    inputs: &[clearance_runtime::value::Value],
    as_of: jiff::civil::Date,
) -> Vec<String> {
    let mut messages: Vec<String> = rule_set
        .evaluate_ruleset(0, inputs, as_of)
        .into_iter()
        .flat_map(|report| report.findings)
        .map(|finding| finding.message.en)
        .collect();
    messages.sort();
    messages
}

pub fn item_count(declarations: &[Declaration]) -> usize {
    declarations
        .iter()
        .map(|declaration| declaration.items.len())
        .sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
    use super::*;
    use clearance_runtime::RuleSet;

    /// The benchmark's rules check, and agree with the hand-written ones on a few declarations:
    /// a schema change that breaks them fails here, not first in `cargo bench`.
    #[test]
    fn the_benchmark_rules_check_and_agree() {
        let rule_set = RuleSet::compile(&[("bench/star.clr".to_string(), STAR_RULES.to_string())])
            .unwrap_or_else(|errors| panic!("{errors}"));
        let as_of = jiff::civil::Date::constant(2026, 3, 10);
        for declaration in declarations(20, 7) {
            let inputs = vec![
                rule_set
                    .bind_input("declaration", &to_node(&declaration))
                    .unwrap(),
            ];
            let mut got: Vec<String> = rule_set
                .evaluate_ruleset(0, &inputs, as_of)
                .into_iter()
                .flat_map(|report| report.findings)
                .map(|finding| finding.message.en)
                .collect();
            let mut expected = hand_written(&declaration);
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "{}", declaration.reference);
        }
    }
}
