//! `clearance run` over HMRC's sample declarations unpacked on disk, as an operator would run
//! it: one result per declaration or message, the malformed files reported with their place,
//! the files that are not XML counted as skipped.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn one_result_per_declaration_or_message() {
    let directory = std::env::temp_dir().join(format!("clearance-hmrc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    let archive = std::fs::File::open(
        root().join("tests/data/hmrc-cds-samples/annotated_XML_samples.tar.gz"),
    )
    .unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(archive))
        .unpack(&directory)
        .unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(["run", "--rules", "rules", "--input"])
        .arg(&directory)
        .args(["--as-of", "2026-03-10", "--format", "json"])
        .current_dir(root())
        .output()
        .unwrap();
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary = &document["summary"];
    // 2,457 `.xml` and 18 `.XML` files; 126 others (notes, slides, spreadsheets) skipped.
    assert_eq!(summary["records_in"], 2475, "{summary:#}");
    assert_eq!(summary["results_out"], 2475);
    assert_eq!(summary["skipped_files"], 126);
    assert_eq!(summary["not_a_declaration"], 1494);
    let results = document["results"].as_array().unwrap();
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    for result in results {
        *verdicts
            .entry(result["verdict"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let rules_evaluated = results
        .iter()
        .filter(|result| result["rules"]["evaluated"].as_u64().unwrap() > 0)
        .count();
    // 969 declarations, and 3 files whose root element's namespace is garbled.
    assert_eq!(rules_evaluated, 969, "{verdicts:?}");
    let malformed: Vec<&Value> = results
        .iter()
        .filter(|result| {
            result["findings"][0]["message"]["en"]
                .as_str()
                .is_some_and(|message| message.contains("not well-formed XML"))
        })
        .collect();
    assert_eq!(malformed.len(), 9);
    for result in malformed {
        assert!(result["line"].as_u64().unwrap() > 1, "{result:#}");
        let message = result["findings"][0]["message"]["en"].as_str().unwrap();
        assert!(
            message.contains("(line ") && message.contains("column "),
            "{message}"
        );
    }
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for result in results {
        for finding in result["findings"].as_array().unwrap() {
            *per_rule
                .entry(finding["rule"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    let mut per_rule_records: BTreeMap<String, usize> = BTreeMap::new();
    for result in results {
        let mut rules: Vec<&str> = result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["rule"].as_str().unwrap())
            .collect();
        rules.dedup();
        for rule in rules {
            *per_rule_records.entry(rule.to_string()).or_default() += 1;
        }
    }
    let mut table = String::from("| rule | findings | results |\n|---|---:|---:|\n");
    for (rule, count) in &per_rule {
        table.push_str(&format!(
            "| {rule} | {count} | {} |\n",
            per_rule_records[rule]
        ));
    }
    check_generated_section(
        &root().join("docs/real-data.md"),
        "findings per rule",
        &table,
    );
    // HMRC's declarations give delivery terms wherever valuation method 1 requires them.
    assert_eq!(per_rule.get("CAS-INCOTERM"), None, "{per_rule:?}");
    assert_eq!(per_rule.get("CAS-DELIVERY-PLACE"), None, "{per_rule:?}");
    // 9 declarations combine CIF or CFR, Incoterms for sea and inland waterway, with air
    // transport at the border (mode 4), and each is found.
    let sea_terms_by_air = results
        .iter()
        .flat_map(|result| result["findings"].as_array().unwrap())
        .filter(|finding| {
            finding["rule"] == "CAS-INCOTERM-MODE"
                && finding["message"]["en"]
                    .as_str()
                    .is_some_and(|message| message.ends_with("the mode at the border is 4"))
        })
        .count();
    assert_eq!(sea_terms_by_air, 9, "{per_rule:?}");
    // The run exits 1: declarations fail rules (issue 8 corrects the rules on real data).
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&directory);
}

/// The part of a document between `<!-- generated: NAME -->` and `<!-- end: NAME -->` must be
/// `expected`; with `CLEARANCE_UPDATE_DOCS=1` the test writes it instead.
fn check_generated_section(path: &Path, name: &str, expected: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let start_marker = format!("<!-- generated: {name} -->\n");
    let end_marker = format!("<!-- end: {name} -->");
    let start = text.find(&start_marker).expect("start marker") + start_marker.len();
    let end = text.find(&end_marker).expect("end marker");
    if std::env::var("CLEARANCE_UPDATE_DOCS").is_ok_and(|value| value == "1") {
        let updated = format!("{}{expected}{}", &text[..start], &text[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        &text[start..end],
        expected,
        "{} is out of date: run the test with CLEARANCE_UPDATE_DOCS=1",
        path.display()
    );
}
