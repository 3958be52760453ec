//! Runs the interpreter on the starred rules in a loop, for profilers:
//! `cargo run --release -p clearance-benches --bin profile -- 20 [rules.clr]`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_benches::{STAR_RULES, declarations, to_node};
use clearance_runtime::RuleSet;
use jiff::civil::Date;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(20);
    let rules = match std::env::args().nth(2) {
        Some(path) => std::fs::read_to_string(path).unwrap(),
        None => STAR_RULES.to_string(),
    };
    let rule_set = RuleSet::compile(&[("bench/star.clr".to_string(), rules)])
        .unwrap_or_else(|errors| panic!("{errors}"));
    let as_of = Date::constant(2026, 3, 10);
    let bound: Vec<_> = declarations(1000, 20261124)
        .iter()
        .map(|declaration| {
            vec![
                rule_set
                    .bind_input("declaration", &to_node(declaration))
                    .unwrap(),
            ]
        })
        .collect();
    let started = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for inputs in &bound {
            findings += rule_set
                .evaluate_ruleset(0, inputs, as_of)
                .iter()
                .map(|report| report.findings.len())
                .sum::<usize>();
        }
    }
    println!(
        "{rounds} rounds, {findings} findings, {:?} per round",
        started.elapsed() / rounds as u32
    );
}
