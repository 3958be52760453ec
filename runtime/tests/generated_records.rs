//! Records generated from the rule library's own input schema (`support/generator.rs`):
//! every record gives exactly one result; no rule fails with an engine fault (`internal`); and
//! the parallel batch gives, byte for byte, what one record at a time gives.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Each test uses part of the shared generator.
#[allow(dead_code)]
#[path = "support/generator.rs"]
mod generator;

use generator::{Generator, rule_library};
use serde_json::Value;

#[test]
fn generated_records_give_one_result_each_no_engine_fault_and_the_same_result_in_a_batch() {
    let rule_set = rule_library();
    let mut generator = Generator::deterministic(rule_set.program());
    // Debug builds check a few hundred; CLEARANCE_GENERATED_RECORDS raises it.
    let count: usize = std::env::var("CLEARANCE_GENERATED_RECORDS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(500);
    let records: Vec<String> = (0..count).map(|_| generator.record()).collect();
    let as_of = jiff::civil::Date::constant(2026, 3, 29);
    let batch = rule_set.evaluate_batch(&records, 1, as_of);
    assert_eq!(batch.len(), records.len());
    let mut verdicts = std::collections::BTreeMap::new();
    let mut broken: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (index, (record, batched)) in records.iter().zip(&batch).enumerate() {
        assert_eq!(batched.record, index + 1);
        let alone = rule_set.evaluate_text(record, index + 1, as_of);
        let (alone, batched) = (
            serde_json::to_string(&alone).unwrap(),
            serde_json::to_string(batched).unwrap(),
        );
        assert_eq!(alone, batched, "record {}: {record}", index + 1);
        let result: Value = serde_json::from_str(&alone).unwrap();
        for finding in result["findings"].as_array().into_iter().flatten() {
            assert_ne!(
                finding["error"],
                "internal",
                "record {}: {record}\n{finding:#}",
                index + 1
            );
        }
        *verdicts
            .entry(result["verdict"].as_str().unwrap_or("").to_string())
            .or_insert(0) += 1;
        for finding in result["findings"].as_array().into_iter().flatten() {
            if finding["rule"] == "technical-validation" {
                // Positions left out: `items[]`, not `items[0]`, `items[1]`, ...
                let path = finding["paths"][0].as_str().unwrap_or("");
                let path: String = path
                    .split('[')
                    .map(|part| part.split_once(']').map_or(part, |(_, rest)| rest))
                    .collect::<Vec<_>>()
                    .join("[]");
                *broken.entry(path).or_insert(0) += 1;
            }
        }
    }
    // The generator reaches more than one verdict: the records are not all rejected.
    assert!(verdicts.len() >= 3, "{verdicts:?}");
    eprintln!("{count} generated records: {verdicts:?}\nvalues that did not bind: {broken:?}");
}
