//! The JIT against the interpreter on records generated from the rule library's input schema
//! (the runtime's generator, `runtime/tests/support/generator.rs`): the rule set run with the
//! JIT gives, record for record and byte for byte, the interpreter's results. 100,000 records
//! by default; `CLEARANCE_DIFFERENTIAL_RECORDS` sets another count (1,000,000 locally).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Each test uses part of the shared generator.
#[allow(dead_code)]
#[path = "../../runtime/tests/support/generator.rs"]
mod generator;

use std::sync::Arc;

use clearance_jit::Jit;
use generator::{Generator, rule_library};
use rayon::prelude::*;

#[test]
fn the_jit_gives_the_interpreters_results_on_generated_records() {
    let interpreted = rule_library();
    let compiled_rules = rule_library();
    let jit = Arc::new(Jit::compile(&compiled_rules).unwrap().counting(true));
    let compiled = compiled_rules.with_decider(jit.clone());
    let count: usize = std::env::var("CLEARANCE_DIFFERENTIAL_RECORDS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(100_000);
    let as_of = jiff::civil::Date::constant(2026, 3, 29);
    let chunk = 5_000;
    let mut checked = 0;
    let mut seed = 0;
    while checked < count {
        // Each chunk is generated, evaluated and compared on every core.
        let size = chunk.min(count - checked);
        let records: Vec<String> = (0..size.div_ceil(500))
            .into_par_iter()
            .map(|part| {
                let mut generator = Generator::seeded(interpreted.program(), seed + part as u64);
                let length = 500.min(size - part * 500);
                (0..length).map(|_| generator.record()).collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        seed += size.div_ceil(500) as u64;
        let reference = interpreted.evaluate_batch(&records, checked + 1, as_of);
        let with_jit = compiled.evaluate_batch(&records, checked + 1, as_of);
        assert_eq!(reference.len(), with_jit.len());
        let differing = (0..records.len()).into_par_iter().find_first(|at| {
            serde_json::to_string(&reference[*at]).unwrap()
                != serde_json::to_string(&with_jit[*at]).unwrap()
        });
        if let Some(at) = differing {
            assert_eq!(
                serde_json::to_string_pretty(&reference[at]).unwrap(),
                serde_json::to_string_pretty(&with_jit[at]).unwrap(),
                "record {}: {}",
                checked + at + 1,
                records[at]
            );
        }
        checked += records.len();
    }
    // Every failure compiled code reported, the interpreter found at the same bindings.
    assert_eq!(compiled.unreproduced_failures(), 0);
    let stats = jit.stats();
    let decided: u64 = stats.iter().map(|rule| rule.decided).sum();
    let interpreted_runs: u64 = stats.iter().map(|rule| rule.interpreted).sum();
    eprintln!(
        "{checked} records: compiled code decided {decided} rule runs and left {interpreted_runs} to the interpreter"
    );
    // The records reach compiled decisions, not only the interpreter.
    assert!(
        decided > interpreted_runs / 4,
        "{decided} decided, {interpreted_runs} left"
    );
}
