//! End-to-end tests of the `clearance` binary over the bundled rules and examples.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn clearance(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// Runs `clearance run` over one input and returns the results by record id.
fn run(input: &str) -> (BTreeMap<String, Value>, Output) {
    run_as_of(input, "2026-03-10")
}

/// Runs `clearance run` over one input with the rules in force on a date.
fn run_as_of(input: &str, as_of: &str) -> (BTreeMap<String, Value>, Output) {
    let output = clearance(&[
        "run", "--rules", "rules", "--input", input, "--as-of", as_of, "--format", "ndjson",
    ]);
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let mut results = BTreeMap::new();
    for (position, line) in stdout.lines().enumerate() {
        let result: Value = serde_json::from_str(line).unwrap();
        let id = result["id"]
            .as_str()
            .map_or_else(|| format!("#{}", position + 1), str::to_string);
        results.insert(id, result);
    }
    (results, output)
}

fn failing_rules(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_string())
        .collect()
}

fn assert_verdict(results: &BTreeMap<String, Value>, id: &str, verdict: &str, rules: &[&str]) {
    let result = results
        .get(id)
        .unwrap_or_else(|| panic!("no result for {id}"));
    assert_eq!(result["verdict"], verdict, "{id}: {result:#}");
    assert_eq!(failing_rules(result), rules, "{id}: {result:#}");
}

#[test]
fn mass_consistency_and_documents_by_tariff_code() {
    let (results, _) = run("examples/declarations.ndjson");
    assert_verdict(&results, "DECL-OK", "pass", &[]);
    assert_verdict(
        &results,
        "DECL-MASS",
        "fail",
        &["CAS-MASS-ITEM", "CAS-MASS-TOTAL"],
    );
    assert_verdict(
        &results,
        "DECL-DOCS",
        "fail",
        &["CAS-DOCS-CONFIGURED", "CAS-PORT-CHECK-DIGIT"],
    );
    let mass = &results["DECL-MASS"]["findings"][0];
    assert_eq!(mass["requirements"][0], "CAS-MASS-01");
    assert_eq!(mass["category"], "validation-violation");
    assert_eq!(mass["paths"][0], "declaration.items[0]");
    assert_eq!(mass["values"][0]["path"], "declaration.items[0].gross_mass");
    assert_eq!(mass["values"][0]["value"], "95 kg");
    assert!(
        mass["message"]["fr"]
            .as_str()
            .unwrap()
            .contains("masse brute 95 kg")
    );
    assert!(mass["fix"]["en"].as_str().unwrap().contains("gross mass"));
    assert_eq!(mass["provenance"]["ruleset"], "cas.declaration");
    assert_eq!(mass["provenance"]["as_of"], "2026-03-10");
    assert_eq!(mass["provenance"]["rules_hash"].as_str().unwrap().len(), 64);
    assert!(
        mass["citations"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("masse brute")
    );
}

#[test]
fn fallback_triggers_and_reintegration_deadlines() {
    let (results, _) = run("examples/fallback-episodes.ndjson");
    assert_verdict(&results, "FR-REINTEGRATED-IN-TIME", "pass", &[]);
    assert_verdict(
        &results,
        "FR-REINTEGRATED-1S-LATE",
        "fail",
        &["FR-DX-REINTEGRATE"],
    );
    assert_verdict(&results, "FR-LOW-VALUE-22-EUR", "pass", &[]);
    assert_verdict(
        &results,
        "FR-USD-NOT-REINTEGRATED",
        "fail",
        &["FR-DX-REINTEGRATE"],
    );
    assert_verdict(&results, "FR-SELF-TRIGGER-SUNDAY-3AM", "pass", &[]);
    assert_verdict(
        &results,
        "FR-SELF-TRIGGER-UNDER-CONTROL",
        "fail",
        &[
            "FR-BCP-BLOCKED-TECHNICALLY",
            "FR-BCP-SELF-TRIGGER-REASON",
            "FR-DX-DEPOSIT",
        ],
    );
    assert_verdict(
        &results,
        "FR-PAPER-BEFORE-OFFICE-INFORMED",
        "fail",
        &["FR-BCP-START"],
    );
    let late = &results["FR-REINTEGRATED-1S-LATE"]["findings"][0];
    assert!(
        late["message"]["en"]
            .as_str()
            .unwrap()
            .contains("2026-03-10T10:00:00+01:00")
    );
}

#[test]
fn outage_contingency_in_business_hours() {
    let (results, _) = run("examples/cbsa-outages.ndjson");
    assert_verdict(&results, "CA-DOCS-AT-24-BUSINESS-HOURS", "pass", &[]);
    assert_verdict(
        &results,
        "CA-DOCS-1S-LATE",
        "fail",
        &["CA-POST-TRADE-DOCUMENTS"],
    );
    assert_verdict(
        &results,
        "CA-TRANSMITTED-119-MIN-BEFORE",
        "warn",
        &["CA-PRE-TRANSMISSION"],
    );
    assert_verdict(
        &results,
        "CA-PENALTY-IN-BUFFER",
        "fail",
        &["CA-BUFFER-NO-PENALTY"],
    );
    assert_verdict(&results, "CA-ACROSS-A-WEEKEND", "pass", &[]);
    assert_verdict(
        &results,
        "CA-PARTNER-REPORTED-LATE",
        "fail",
        &["CA-NOTIFY-UNPLANNED"],
    );
    assert_eq!(
        results["CA-TRANSMITTED-119-MIN-BEFORE"]["findings"][0]["severity"],
        "warning"
    );
}

#[test]
fn port_workflow() {
    let (results, _) = run("examples/port-calls.ndjson");
    assert_verdict(&results, "TG-MANIFEST-AFTER-A-SUNDAY", "pass", &[]);
    assert_verdict(
        &results,
        "TG-SECOND-DECLARATION-SAME-BL",
        "fail",
        &["TG-ONE-DECLARATION-PER-BL"],
    );
    // The second declaration is the one reported, not the first.
    let finding = &results["TG-SECOND-DECLARATION-SAME-BL"]["findings"][0];
    let message = finding["message"]["en"].as_str().unwrap();
    assert!(message.contains("(IM4-2026-2)"), "{message}");
    // A consequence the port applies is an action due, with its date, not a failure.
    assert_verdict(
        &results,
        "TG-VEHICLE-WAITING-48H",
        "action_due",
        &["TG-VEHICLE-48H"],
    );
    let finding = &results["TG-VEHICLE-WAITING-48H"]["findings"][0];
    assert_eq!(finding["severity"], "action");
    let message = finding["message"]["en"].as_str().unwrap();
    assert!(
        message.starts_with("action due on 2026-03-07T12:00:00+00:00"),
        "{message}"
    );
}

/// `tg.guce.mad_transfer` has two versions: 2018.1, until the change its source foresaw for
/// 2018, forbids a transfer after splitting; 2019.1 allows it. The date of the run chooses.
#[test]
fn the_rules_in_force_on_the_date_decide() {
    let version_of = |result: &Value| {
        // A result that no rule set evaluated names none.
        result["rulesets"]
            .as_array()?
            .iter()
            .find(|ruleset| ruleset["name"] == "tg.guce.mad_transfer")
            .map(|ruleset| ruleset["version"].as_str().unwrap().to_string())
    };
    let (before, _) = run_as_of("examples/port-calls.ndjson", "2018-12-31");
    assert_verdict(
        &before,
        "TG-DS7-AFTER-SPLIT",
        "fail",
        &["TG-MAD-AFTER-SPLIT"],
    );
    assert_eq!(
        version_of(&before["TG-DS7-AFTER-SPLIT"]).as_deref(),
        Some("2018.1")
    );
    let (after, _) = run_as_of("examples/port-calls.ndjson", "2019-01-01");
    assert_verdict(&after, "TG-DS7-AFTER-SPLIT", "pass", &[]);
    assert_eq!(
        version_of(&after["TG-DS7-AFTER-SPLIT"]).as_deref(),
        Some("2019.1")
    );
    // Before the rule set's first version, it evaluates nothing.
    let (earliest, _) = run_as_of("examples/port-calls.ndjson", "2017-12-31");
    assert_eq!(version_of(&earliest["TG-DS7-AFTER-SPLIT"]), None);
}

#[test]
fn every_bad_record_gets_its_finding_and_every_good_one_its_verdict() {
    let (results, output) = run("tests/data/mixed-batch.ndjson");
    // 12 lines, one blank: 11 records in, 11 results out.
    assert_eq!(results.len(), 11);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("11 records in, 11 results out"), "{stderr}");
    assert_eq!(output.status.code(), Some(1));
    assert_verdict(&results, "GOOD-1", "pass", &[]);
    assert_verdict(&results, "GOOD-2", "pass", &[]);
    let technical = |id: &str, path: &str, kind: &str| {
        let result = results
            .get(id)
            .unwrap_or_else(|| panic!("no result for {id}"));
        assert_eq!(result["verdict"], "invalid", "{id}");
        let finding = &result["findings"][0];
        assert_eq!(finding["rule"], "technical-validation", "{id}");
        assert_eq!(finding["category"], "technical-validation", "{id}");
        if !path.is_empty() {
            assert_eq!(finding["paths"][0], path, "{id}: {finding:#}");
        }
        assert!(
            finding["message"]["en"].as_str().unwrap().contains(kind),
            "{id}: {finding:#}"
        );
    };
    technical("#2", "", "not valid JSON");
    technical(
        "WRONG-TYPE",
        "declaration.items[0].seq",
        "expected a whole number",
    );
    technical("MISSING-FIELD", "declaration.items[0].seq", "is missing");
    technical(
        "UNKNOWN-CODE",
        "declaration.incoterm",
        "did you mean \"FOB\"",
    );
    technical(
        "OUT-OF-RANGE",
        "declaration.items[0].seq",
        "not between 1 and 9999",
    );
    technical("HUGE-NUMBER", "declaration.gross_mass", "too large");
    technical(
        "UNKNOWN-FIELD",
        "declaration.grossmass",
        "did you mean `gross_mass`",
    );
    technical("NOT-AN-OBJECT", "declaration", "expected an object");
    technical("#10", "", "JSON object");
}

#[test]
fn two_runs_give_byte_identical_output() {
    let args = [
        "run",
        "--rules",
        "rules",
        "--input",
        "examples",
        "--input",
        "tests/data/mixed-batch.ndjson",
        "--as-of",
        "2026-03-10",
        "--format",
        "json",
    ];
    let first = clearance(&args);
    let second = clearance(&args);
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.stderr, second.stderr);
    let document: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(
        document["summary"]["records_in"],
        document["summary"]["results_out"]
    );
}

#[test]
fn an_auditor_replays_with_the_rules_of_the_day() {
    // Before 2021-06-01, the French fallback rule sets were not in force.
    let output = clearance(&[
        "run",
        "--rules",
        "rules",
        "--input",
        "examples/fallback-episodes.ndjson",
        "--as-of",
        "2020-01-01",
        "--format",
        "ndjson",
    ]);
    // No rule was in force: the records were not checked, so none of them passed.
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        let result: Value = serde_json::from_str(line).unwrap();
        assert_eq!(result["rules"]["evaluated"], 0, "{result:#}");
        assert_eq!(result["verdict"], "not_evaluated");
        let message = result["findings"][0]["message"]["en"].as_str().unwrap();
        assert!(message.contains("in force from 2021-06-01"), "{message}");
    }
}

#[test]
fn check_test_and_trace_report_and_exit_as_documented() {
    let check = clearance(&["check", "rules"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let bad = clearance(&["check", "tests/corpus/bad/five_errors.clr"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(stderr.contains("5 errors"), "{stderr}");

    let json = clearance(&[
        "check",
        "--format",
        "json",
        "tests/corpus/bad/five_errors.clr",
    ]);
    let diagnostics: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(diagnostics.as_array().unwrap().len(), 5);
    assert_eq!(diagnostics[0]["labels"][0]["start"]["line"], 9);

    // The same diagnostics in French, for people and for machines; the ids do not change.
    let french = clearance(&["check", "--lang", "fr", "tests/corpus/bad/five_errors.clr"]);
    assert_eq!(french.status.code(), Some(1));
    let stderr = String::from_utf8(french.stderr).unwrap();
    assert!(stderr.contains("Erreur:"), "{stderr}");
    assert!(!stderr.contains("] Error:"), "{stderr}");
    let french_json = clearance(&[
        "check",
        "--lang",
        "fr",
        "--format",
        "json",
        "tests/corpus/bad/five_errors.clr",
    ]);
    let french_diagnostics: Value = serde_json::from_slice(&french_json.stdout).unwrap();
    let ids = |diagnostics: &Value| -> Vec<Value> {
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .map(|diagnostic| diagnostic["id"].clone())
            .collect()
    };
    assert_eq!(ids(&french_diagnostics), ids(&diagnostics));
    assert_ne!(french_diagnostics[0]["message"], diagnostics[0]["message"]);

    let missing = clearance(&["check", "no/such/path"]);
    assert_eq!(missing.status.code(), Some(2));

    let test = clearance(&["test", "rules"]);
    let stdout = String::from_utf8(test.stdout).unwrap();
    assert_eq!(test.status.code(), Some(0), "{stdout}");
    assert!(stdout.trim_end().ends_with("passed, 0 failed"), "{stdout}");

    let trace = clearance(&["trace", "--format", "json", "rules"]);
    assert_eq!(trace.status.code(), Some(0));
    let matrix: Value = serde_json::from_slice(&trace.stdout).unwrap();
    let starred: Vec<&Value> = matrix["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|requirement| requirement["starred"] == true)
        .collect();
    assert!(starred.len() >= 15);
    assert!(
        starred
            .iter()
            .all(|requirement| requirement["coverage"] == "exemplified")
    );
}

#[test]
fn failing_examples_fail_the_test_command() {
    let directory = std::env::temp_dir().join(format!("clearance-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let file = directory.join("wrong.clr");
    std::fs::write(
        &file,
        "ruleset t\n  title en \"t\" fr \"t\"\n  version \"1\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nrule R\n  title en \"r\" fr \"r\"\n  severity error\n  category validation_violation\n  implements X\n  require declaration.items is not empty\n  message en \"no items\" fr \"aucun article\"\n\nexample \"wrong expectation\"\n  given { declaration: { reference: \"x\" } }\n  expect R passes\n",
    )
    .unwrap();
    let output = clearance(&["test", file.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    std::fs::remove_dir_all(&directory).ok();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("expected `R` to pass, but it fails once"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn the_jit_and_the_interpreter_give_byte_identical_output() {
    let run_with = |engine: &str| {
        clearance(&[
            "run",
            "--rules",
            "rules",
            "--input",
            "examples",
            "--input",
            "tests/data/mixed-batch.ndjson",
            "--as-of",
            "2026-03-10",
            "--format",
            "ndjson",
            "--engine",
            engine,
            "--stats",
        ])
    };
    let interpreted = run_with("interp");
    let compiled = run_with("jit");
    assert!(!compiled.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&interpreted.stdout),
        String::from_utf8_lossy(&compiled.stdout)
    );
    let stats = String::from_utf8_lossy(&compiled.stderr);
    assert!(
        stats.contains("engine: jit, 67 of 67 rules compiled"),
        "{stats}"
    );
    // A rule that passes on some examples was decided by compiled code.
    let mass_item = stats
        .lines()
        .find(|line| line.contains(" CAS-MASS-ITEM "))
        .unwrap_or_else(|| panic!("{stats}"));
    let decided: u64 = mass_item
        .split_whitespace()
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert!(decided > 0, "{mass_item}");
    let stats = String::from_utf8_lossy(&interpreted.stderr);
    assert!(
        stats.contains("engine: interpreter for all 67 rules"),
        "{stats}"
    );
}
