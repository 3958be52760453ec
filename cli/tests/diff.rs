//! `clearance diff`, end to end over the rule library: what changed on 1 January 2019 in the
//! Togo single window's rules and whom it affects; two libraries that differ in a rule and in
//! the operator's configuration table; identical rules; the usage errors.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::Value;
use support::{clearance, copy_tree, edit_after, root, scratch, stderr, stdout};

#[test]
fn the_change_of_one_january_is_shown_with_the_records_it_affects() {
    let output = clearance(&[
        "diff",
        "rules",
        "--as-of",
        "2018-12-31",
        "--as-of",
        "2019-01-01",
        "--input",
        "examples",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    for expected in [
        "comparing `rules` as of 2018-12-31 with `rules` as of 2019-01-01",
        "rule set tg.guce.mad_transfer changed (version 2018.1 → 2019.1)",
        "  rule TG-MAD-AFTER-SPLIT removed",
        "requirement TG-MAD-01: implemented by TG-MAD-AFTER-SPLIT, now by no rule",
        "TG-DS7-AFTER-SPLIT (examples/port-calls.ndjson:4): fail → pass",
        "finding no longer given: error TG-MAD-AFTER-SPLIT (tg.guce.mad_transfer)",
        "compared 22 records (as of 2018-12-31, then 2019-01-01): 21 unchanged, 1 changed (11 not checked on either date: no rule of theirs in force) (verdicts: fail → pass 1)",
        "records whose findings change, by rule: TG-MAD-AFTER-SPLIT 1",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    // Nothing else changed between those two days.
    assert_eq!(text.matches("rule set ").count(), 1, "{text}");
}

#[test]
fn a_changed_rule_and_configuration_table_are_compared_clause_by_clause_and_line_by_line() {
    let directory = scratch("diff", "two-libraries");
    let new = directory.join("rules");
    copy_tree(&root().join("rules"), &new);
    edit_after(
        &new.join("cas/declaration.clr"),
        "rule CAS-PORT-CONTAINER-FORMAT\n",
        "  severity warning\n",
        "  severity error\n",
    );
    edit_after(
        &new.join("cas/config/product-documents.csv"),
        "CFG-0302-CHEDP,0302,",
        "frozen fish",
        "frozen fish and fillets",
    );
    let new_path = new.to_str().unwrap();
    let args = [
        "diff",
        "rules",
        new_path,
        "--as-of",
        "2026-12-01",
        "--input",
        "examples",
        "--format",
        "json",
    ];
    let output = clearance(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rulesets = report["rulesets"].as_array().unwrap();
    assert_eq!(rulesets.len(), 1, "{report:#}");
    assert_eq!(rulesets[0]["name"], "cas.declaration");
    assert_eq!(rulesets[0]["change"], "changed");
    assert_eq!(
        rulesets[0]["rules"],
        serde_json::json!([{
            "rule": "CAS-PORT-CONTAINER-FORMAT",
            "change": "changed",
            "clauses": [
                {"sign": "-", "clause": "severity warning"},
                {"sign": "+", "clause": "severity error"},
            ],
        }])
    );
    assert_eq!(report["requirements"], serde_json::json!([]));
    let data_files = report["data_files"].as_array().unwrap();
    assert_eq!(data_files.len(), 1, "{report:#}");
    assert_eq!(data_files[0]["file"], "cas/config/product-documents.csv");
    assert!(
        data_files[0]["removed"][0]
            .as_str()
            .unwrap()
            .starts_with("CFG-0303-CHEDP,0303,,,N853,,\"frozen fish:")
    );
    assert!(
        data_files[0]["added"][0]
            .as_str()
            .unwrap()
            .contains("frozen fish and fillets")
    );
    // The HMRC sample declaration carries a container number outside ISO 6346: its warning
    // is now an error, and it fails.
    let records = &report["records"];
    assert_eq!(records["records"], 22);
    assert_eq!(
        records["per_rule"],
        serde_json::json!({"CAS-PORT-CONTAINER-FORMAT": 1})
    );
    assert_eq!(
        records["per_verdict"],
        serde_json::json!({"warn → fail": 1})
    );
    let changed = &records["changed"][0];
    assert_eq!(changed["source"], "examples/cds-import-declaration.xml");
    assert_eq!(changed["differences"][1]["kind"], "finding-changed");
    assert_eq!(changed["differences"][1]["logged"]["severity"], "warning");
    assert_eq!(changed["differences"][1]["now"]["severity"], "error");

    let human = clearance(&args[..args.len() - 2]);
    let text = stdout(&human);
    assert!(
        text.contains("finding changed from warning to error: error CAS-PORT-CONTAINER-FORMAT"),
        "{text}"
    );
    assert!(
        text.contains(
            "data file cas/config/product-documents.csv changed: 1 line removed, 1 added"
        ),
        "{text}"
    );
}

#[test]
fn the_same_rules_give_no_difference_and_exit_zero() {
    let output = clearance(&["diff", "rules", "rules", "--input", "examples"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        text.contains("the rules, their requirements and their data files are the same"),
        "{text}"
    );
    assert!(text.contains(": 22 unchanged, 0 changed"), "{text}");
}

#[test]
fn one_library_needs_two_dates_and_dates_must_be_dates() {
    let one_date = clearance(&["diff", "rules", "--as-of", "2019-01-01"]);
    assert_eq!(one_date.status.code(), Some(2));
    assert!(
        stderr(&one_date)
            .contains("or two dates to compare one library on (`--as-of D1 --as-of D2`)"),
        "{}",
        stderr(&one_date)
    );
    let three = clearance(&[
        "diff",
        "rules",
        "rules",
        "--as-of",
        "2019-01-01",
        "--as-of",
        "2019-01-02",
        "--as-of",
        "2019-01-03",
    ]);
    assert_eq!(three.status.code(), Some(2));
    assert!(
        stderr(&three).contains("give `--as-of` once"),
        "{}",
        stderr(&three)
    );
    let bad = clearance(&["diff", "rules", "rules", "--as-of", "2019-13-01"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with("error: --as-of: "),
        "{}",
        stderr(&bad)
    );
    let missing = clearance(&["diff", "rules", "no-such-rules"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("`no-such-rules` does not exist"),
        "{}",
        stderr(&missing)
    );
}
