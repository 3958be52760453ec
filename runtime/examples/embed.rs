//! Embedding Clearance in a validation server: compile a rule set once, share it between
//! threads, evaluate records one by one or in batches, from JSON or WCO XML.
//!
//! `cargo run -p clearance-runtime --example embed`

use std::sync::Arc;

use clearance_runtime::{RuleSet, Verdict};
use jiff::civil::Date;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A server reads its rule files once at start-up. Here: the requirements catalogue, the
    // CAS declaration rules of this repository and the tariff module they import; and the data
    // files those rules read (`data "..."`), named as the rules name them.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = [
        "rules/requirements.clr",
        "rules/cas/declaration.clr",
        "rules/uk-tariff/data.clr",
    ]
    .iter()
    .map(|name| Ok((name.to_string(), std::fs::read_to_string(root.join(name))?)))
    .collect::<Result<Vec<_>, std::io::Error>>()?;
    // Compiling refuses rules with errors, and data that does not bind: a server never runs
    // rules that did not check. The server reads the data files the rules name; here they sit
    // beside the rules, under the names the rules give them.
    let rule_set = Arc::new(
        RuleSet::compile_reading(&files, |name| std::fs::read(root.join(name)))
            .map_err(|errors| errors.to_string())?,
    );
    let as_of = Date::constant(2026, 3, 10);

    // One record, as a request handler would receive it.
    let record = r#"{"id": "REQ-1", "declaration": {"reference": "FR-1", "incoterm": "DAP",
        "delivery_place": "Paris", "gross_mass": "90",
        "items": [{"seq": 1, "taric": "8471300000", "net_mass": "100", "gross_mass": "95"}]}}"#;
    let result = rule_set.evaluate_text(record, 1, as_of);
    println!(
        "{} -> {:?}",
        result.id.as_deref().unwrap_or("?"),
        result.verdict
    );
    for finding in &result.findings {
        println!(
            "  [{}] {} ({})",
            finding.rule,
            finding.message.en,
            finding.requirements.join(", ")
        );
    }
    assert_eq!(result.verdict, Verdict::Fail);

    // The same rule set, shared by several threads at once.
    let handles: Vec<_> = (0..4)
        .map(|thread| {
            let rule_set = Arc::clone(&rule_set);
            std::thread::spawn(move || {
                let record = format!(
                    r#"{{"id": "T{thread}", "declaration": {{"reference": "T{thread}", "incoterm": "FCA",
                    "delivery_place": "FRLEH", "items": []}}}}"#
                );
                rule_set.evaluate_text(&record, thread + 1, as_of).verdict
            })
        })
        .collect();
    for handle in handles {
        let verdict = handle.join().map_err(|_| "a thread panicked")?;
        assert_eq!(verdict, Verdict::Pass);
    }

    // A batch: evaluated on every core, one result per record, in input order.
    let batch: Vec<String> = (1..=100)
        .map(|index| {
            format!(
                r#"{{"id": "B{index}", "declaration": {{"reference": "B{index}", "incoterm": "FCA",
                "delivery_place": "FRLEH", "items": [{{"seq": 1, "taric": "8471300000",
                "net_mass": "{index}", "gross_mass": "{}"}}]}}}}"#,
                if index % 10 == 0 {
                    index - 1
                } else {
                    index + 1
                }
            )
        })
        .collect();
    let results = rule_set.evaluate_batch(&batch, 1, as_of);
    let failed = results
        .iter()
        .filter(|result| result.verdict == Verdict::Fail)
        .count();
    println!(
        "batch: {} records, {} results, {failed} failed",
        batch.len(),
        results.len()
    );
    assert_eq!(results.len(), batch.len());
    assert_eq!(failed, 10);

    // WCO DEC-DMS XML, as the UK CDS sends it: each `Declaration` element is a record; a
    // notification or a malformed file is a record too, so nothing is lost.
    let xml = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/cds-import-declaration.xml"),
    )?;
    let records = clearance_runtime::input::wco::read_messages(&xml);
    for result in rule_set.evaluate_raw(&records, 1, as_of) {
        println!(
            "xml {} (line {}) -> {:?}, {} findings",
            result.id.as_deref().unwrap_or("?"),
            result.line.unwrap_or(0),
            result.verdict,
            result.findings.len()
        );
    }
    Ok(())
}
