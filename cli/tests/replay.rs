//! `clearance run --decision-log` and `clearance replay`, end to end over the rule library
//! and its bundled records: a log replays with no difference; a changed rule, a missing
//! record, an altered embedded record and a malformed log are each reported as such.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use support::{clearance, copy_tree, edit_after, root, stdout};

fn scratch(name: &str) -> std::path::PathBuf {
    support::scratch("replay", name)
}

/// Runs the rule library over the bundled records, writing a decision log; returns the log's
/// path and its decisions.
fn write_log(directory: &Path, extra: &[&str]) -> (String, Vec<serde_json::Value>) {
    let log = directory.join("decisions.ndjson");
    let log_text = log.to_str().unwrap().to_string();
    let mut args = vec![
        "run",
        "--rules",
        "rules",
        "--input",
        "examples",
        "--as-of",
        "2026-03-10",
        "--format",
        "ndjson",
        "--decision-log",
        &log_text,
    ];
    args.extend_from_slice(extra);
    let output = clearance(&args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the examples include failures"
    );
    let results = String::from_utf8(output.stdout).unwrap().lines().count();
    let decisions: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(decisions.len(), results, "one decision per result");
    (log_text, decisions)
}

#[test]
fn a_log_replays_on_the_same_rules_and_records_with_no_difference() {
    let directory = scratch("same");
    let (log, decisions) = write_log(&directory, &[]);
    let output = clearance(&["replay", &log, "--input", "examples", "--rules", "rules"]);
    assert_eq!(
        stdout(&output),
        format!(
            "replayed {} decisions: {} identical, 0 differ\n",
            decisions.len(),
            decisions.len()
        ),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        decisions
            .iter()
            .any(|decision| decision["verdict"] == "fail"),
        "the log holds failing decisions"
    );
}

#[test]
fn the_log_keeps_personal_data_out_unless_records_are_embedded() {
    // The bundled CDS declaration names its importer's EORI and name.
    let xml = std::fs::read_to_string(root().join("examples/cds-import-declaration.xml")).unwrap();
    for personal in ["GB553202734852", "The Boston Tobacco Company"] {
        assert!(xml.contains(personal));
    }
    let directory = scratch("personal");
    let (log, _) = write_log(&directory, &[]);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("GB553202734852") && !text.contains("Boston"));

    let embedded_directory = scratch("embedded");
    let (embedded_log, decisions) = write_log(&embedded_directory, &["--decision-log-records"]);
    let text = std::fs::read_to_string(&embedded_log).unwrap();
    assert!(text.contains("GB553202734852") && text.contains("Boston"));
    assert!(
        decisions
            .iter()
            .all(|decision| decision["embedded"]["result"]["verdict"] == decision["verdict"])
    );

    // The embedded records replay without the input files.
    let output = clearance(&["replay", &embedded_log, "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).ends_with(&format!("{} identical, 0 differ\n", decisions.len())));
}

#[test]
fn a_changed_rule_is_reported_with_the_records_it_affects() {
    let directory = scratch("changed");
    let (log, decisions) = write_log(&directory, &[]);
    let rules = directory.join("rules");
    copy_tree(&root().join("rules"), &rules);
    // FR-DX-REINTEGRATE becomes a warning: the records that only it failed now warn.
    let file = rules.join("fr-dgddi/fiche4-delta-x-import.clr");
    edit_after(
        &file,
        "rule FR-DX-REINTEGRATE\n",
        "  severity error\n",
        "  severity warning\n",
    );

    let output = clearance(&[
        "replay",
        &log,
        "--input",
        "examples",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reintegration_failures = decisions
        .iter()
        .flat_map(|decision| decision["findings"].as_array().unwrap())
        .filter(|finding| finding["rule"] == "FR-DX-REINTEGRATE")
        .count();
    assert!(
        reintegration_failures > 0,
        "the examples fail FR-DX-REINTEGRATE"
    );
    assert_eq!(
        report["per_rule"]["FR-DX-REINTEGRATE"],
        reintegration_failures
    );
    assert_eq!(report["decisions"], decisions.len());
    // Every decision names the library's hash, which a changed file changes.
    assert_eq!(report["per_kind"]["rules-hash"], decisions.len());
    let changed_findings: Vec<&serde_json::Value> = report["differing"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|differing| differing["differences"].as_array().unwrap())
        .filter(|difference| difference["kind"] == "finding-changed")
        .collect();
    assert_eq!(changed_findings.len(), reintegration_failures);
    assert!(changed_findings.iter().all(|difference| {
        difference["logged"]["severity"] == "error" && difference["now"]["severity"] == "warning"
    }));
    assert!(report["per_kind"]["verdict"].as_u64().unwrap() >= 1);
    assert!(report["per_kind"]["ruleset"].as_u64().unwrap() >= 1);

    let human = clearance(&[
        "replay",
        &log,
        "--input",
        "examples",
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let text = stdout(&human);
    assert!(
        text.contains("verdict differs: logged fail, now warn"),
        "{text}"
    );
    assert!(
        text.contains("rule set `fr.dgddi.delta_x_import_fallback` differs"),
        "{text}"
    );
    assert!(
        text.contains(&format!("FR-DX-REINTEGRATE {reintegration_failures}")),
        "{text}"
    );
}

#[test]
fn a_record_not_among_the_inputs_is_a_difference() {
    let directory = scratch("missing");
    let (log, decisions) = write_log(&directory, &[]);
    let output = clearance(&[
        "replay",
        &log,
        "--input",
        "examples/declarations.ndjson",
        "--rules",
        "rules",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let from_elsewhere = decisions
        .iter()
        .filter(|decision| decision["source"] != "examples/declarations.ndjson")
        .count();
    assert!(from_elsewhere > 0);
    assert_eq!(report["per_kind"]["record-missing"], from_elsewhere);
    assert_eq!(
        report["identical"].as_u64().unwrap() as usize,
        decisions.len() - from_elsewhere
    );
}

#[test]
fn an_altered_embedded_record_is_named_by_its_hash() {
    let directory = scratch("altered");
    let (log, _) = write_log(&directory, &["--decision-log-records"]);
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let json_record = lines
        .iter_mut()
        .find(|decision| decision["embedded"]["record"]["json"].is_string())
        .unwrap();
    let record = json_record["embedded"]["record"]["json"]
        .as_str()
        .unwrap()
        .to_string();
    json_record["embedded"]["record"]["json"] = serde_json::Value::String(format!("{record} "));
    let altered: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    std::fs::write(&log, altered.join("\n") + "\n").unwrap();
    let output = clearance(&["replay", &log, "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("record hash differs"), "{text}");
    assert!(text.contains("1 differ (by kind: record-hash 1)"), "{text}");
}

#[test]
fn a_malformed_log_or_a_log_without_records_is_a_usage_error() {
    let directory = scratch("malformed");
    let (log, _) = write_log(&directory, &[]);
    let output = clearance(&["replay", &log, "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("give the records it was written from with `--input`")
    );

    let text = std::fs::read_to_string(&log).unwrap();
    let broken = directory.join("broken.ndjson");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{\"record\": 3}");
    std::fs::write(&broken, lines.join("\n")).unwrap();
    let output = clearance(&[
        "replay",
        broken.to_str().unwrap(),
        "--input",
        "examples",
        "--rules",
        "rules",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.ndjson`:3: not a decision of `clearance run --decision-log`"),
        "{stderr}"
    );
}
