//! Every example written in the rule library passes: `clearance test rules/` as a test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use clearance_runtime::RuleSet;
use clearance_runtime::testing::run_examples;

fn rule_files(directory: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(directory)
        .expect("rules directory")
        .map(|entry| entry.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "clr") {
            files.push(path);
        }
    }
}

pub fn load_rules() -> RuleSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut paths = Vec::new();
    rule_files(&root, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&root)
                .expect("under rules")
                .display()
                .to_string();
            (
                format!("rules/{relative}"),
                std::fs::read_to_string(path).expect("readable"),
            )
        })
        .collect();
    // The data files the rules read are named as the program names them, from the repository.
    let repository = root.join("..");
    RuleSet::compile_reading(&files, |name| std::fs::read(repository.join(name)))
        .unwrap_or_else(|errors| panic!("the rules do not check:\n{errors}"))
}

#[test]
fn every_example_in_the_rule_library_passes() {
    let rule_set = load_rules();
    let results = run_examples(&rule_set, |_| true);
    assert!(
        results.len() > 20,
        "expected the rule library to hold examples"
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|result| !result.passed())
        .map(|result| {
            format!(
                "{}:{} {}: {}",
                result.path,
                result.line,
                result.description,
                result.failures.join("; ")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "failed examples:\n{}",
        failures.join("\n")
    );
}

/// A text of only white space in the data is not present: the rule that requires it fails,
/// and a required text of only white space is a problem of the record.
#[test]
fn a_text_of_only_white_space_is_not_present() {
    let rule_set = load_rules();
    let as_of = jiff::civil::Date::constant(2026, 3, 10);
    let record = r#"{"id": "BLANK", "declaration": {"reference": "R-1", "incoterm": "FCA",
        "delivery_place": " \t ", "items": [{"seq": 1, "net_mass": "1", "gross_mass": "2"}]}}"#;
    let result = rule_set.evaluate_text(record, 1, as_of);
    let rules: Vec<&str> = result
        .findings
        .iter()
        .map(|finding| finding.rule.as_str())
        .collect();
    assert!(rules.contains(&"CAS-DELIVERY-PLACE"), "{rules:?}");
    let record = r#"{"declaration": {"reference": "   ", "items": []}}"#;
    let result = rule_set.evaluate_text(record, 2, as_of);
    assert_eq!(result.verdict, clearance_runtime::Verdict::Invalid);
    let message = &result.findings[0].message.en;
    assert!(message.contains("only white space"), "{message}");
}

/// A code list's aliases are the sources' own spellings: `OEA-F` in data is the code `AEOF`,
/// and shows as `AEOF`; a spelling that is neither is refused with the closest one.
#[test]
fn code_aliases_bind_as_their_code() {
    let rule_set = load_rules();
    let episodes = include_str!("../../examples/fallback-episodes.ndjson");
    let first = episodes.lines().next().unwrap();
    let episode_with = |statuses: &str| {
        let record = first.replacen(
            "\"episode\": {",
            &format!("\"episode\": {{\"aeo_statuses\": [{statuses}], "),
            1,
        );
        let node = clearance_runtime::data::parse_json(record.as_bytes()).unwrap();
        rule_set.bind_input("episode", node.get("episode").unwrap())
    };
    let alias = episode_with("\"OEA-F\"").unwrap();
    let code = episode_with("\"AEOF\"").unwrap();
    assert_eq!(alias, code);
    let errors = episode_with("\"OEA-X\"").unwrap_err();
    assert!(
        errors[0].message.contains("is not a code of `AeoStatus`"),
        "{errors:?}"
    );
}

/// Findings print instants on the clock of the rule set's zone. The resumption bulletin comes
/// in Eastern standard time (-05:00) on Friday 6 March 2026; the deadline, 24 business hours
/// later, falls after the change to summer time, and prints as Toronto's clocks show it
/// (14:00 at -04:00), never as 14:00 at -05:00, a reading that is an hour off.
#[test]
fn instants_print_in_the_rule_sets_zone() {
    let rule_set = load_rules();
    let outages = include_str!("../../examples/cbsa-outages.ndjson");
    let first = outages.lines().next().unwrap();
    let mut record: serde_json::Value = serde_json::from_str(first).unwrap();
    record["outage"]["bulletins"] = serde_json::json!([{"issued_at": "2026-03-06T08:00:00-05:00", "status": "ALL_SYSTEMS_NORMAL"}]);
    record["outage"]["shipments"][0]["trade_documents_submitted_at"] =
        serde_json::json!("2026-03-10T14:00:01-04:00");
    let result = rule_set.evaluate_text(
        &record.to_string(),
        1,
        jiff::civil::Date::constant(2026, 3, 10),
    );
    let finding = result
        .findings
        .iter()
        .find(|finding| finding.rule == "CA-POST-TRADE-DOCUMENTS")
        .unwrap_or_else(|| panic!("{:#?}", result.findings));
    assert!(
        finding
            .message
            .en
            .contains("were due by 2026-03-10T14:00:00-04:00[America/Toronto]"),
        "{}",
        finding.message.en
    );
    assert!(
        finding
            .message
            .en
            .contains("resumption at 2026-03-06T08:00:00-05:00[America/Toronto]"),
        "{}",
        finding.message.en
    );
}
