//! `clearance test --coverage`, `--lcov`, `--junit` and `--min`, end to end: on a small library
//! whose coverage is known point by point, and on the rule library, whose every rule is a point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::{clearance, scratch, stderr, stdout};

const REQUIREMENTS: &str = "module requirements
  source CAS \"C4T\"

requirement R-1
  title en \"r\" fr \"r\"
  cites CAS \"x\"
";

/// A rule with a `when` clause that the examples see both hold and not, an exception that
/// applies once, and a table whose second row no example reaches; and a rule no example
/// decides.
const RULES: &str = "ruleset cover.rules
  title en \"Coverage\" fr \"Couverture\"
  version \"1\"
  effective from 2024-01-01
  source CAS \"C4T\"
  input declaration: Declaration

use stdlib.customs.*

table limit(procedure: Text) -> Mass
  | \"4000\" => 10 kg
  | * => 20 kg

rule MASS
  title en \"Mass\" fr \"Masse\"
  severity error
  category validation_violation
  implements R-1
  when declaration.gross_mass is present
  except when declaration.procedure == \"1000\" exempt
  require declaration.gross_mass <= limit(declaration.procedure otherwise \"4000\")
  message en \"too heavy\" fr \"trop lourd\"

rule NEVER
  title en \"Never\" fr \"Jamais\"
  severity error
  category validation_violation
  implements R-1
  when declaration.reference == \"never\"
  require false
  message en \"never\" fr \"jamais\"

example \"a light declaration passes\"
  given { declaration: { reference: \"R\", procedure: \"4000\", gross_mass: 5 kg } }
  expect MASS passes

example \"an exempt procedure passes whatever its mass\"
  given { declaration: { reference: \"R\", procedure: \"1000\", gross_mass: 50 kg } }
  expect MASS passes

example \"without a mass the rule does not apply\"
  given { declaration: { reference: \"R\" } }
  expect MASS does not apply
";

fn library(name: &str, rules: &str) -> PathBuf {
    let directory = scratch("coverage", name);
    std::fs::write(directory.join("requirements.clr"), REQUIREMENTS).unwrap();
    std::fs::write(directory.join("rules.clr"), rules).unwrap();
    directory
}

fn clearance_in(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("the binary runs")
}

#[test]
fn each_point_is_reported_with_its_line_and_in_lcov_and_junit() {
    let directory = library("points", RULES);
    let output = clearance_in(
        &directory,
        &[
            "test",
            ".",
            "--lcov",
            "cover.info",
            "--junit",
            "junit.xml",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["passed"], 3);
    let points: Vec<(String, String, u64, u64)> = report["coverage"]["files"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| {
            (
                point["kind"].as_str().unwrap().to_string(),
                point["owner"].as_str().unwrap().to_string(),
                point["line"].as_u64().unwrap(),
                point["hits"].as_u64().unwrap(),
            )
        })
        .collect();
    let point = |kind: &str, owner: &str, line: u64, hits: u64| {
        (kind.to_string(), owner.to_string(), line, hits)
    };
    assert_eq!(
        points,
        [
            point("table-row", "limit", 11, 1),
            point("table-row", "limit", 12, 0),
            point("rule", "MASS", 14, 2),
            point("when-holds", "MASS", 19, 2),
            point("when-does-not-hold", "MASS", 19, 1),
            point("exception", "MASS", 20, 1),
            point("base-requirement", "MASS", 21, 1),
            point("rule", "NEVER", 24, 0),
            point("when-holds", "NEVER", 29, 0),
            point("when-does-not-hold", "NEVER", 29, 3),
        ]
    );
    assert_eq!(report["coverage"]["total"]["covered"], 7);
    assert_eq!(report["coverage"]["total"]["total"], 10);
    assert_eq!(report["coverage"]["percent"], "70.0");

    let lcov = std::fs::read_to_string(directory.join("cover.info")).unwrap();
    for line in [
        "SF:rules.clr",
        "FN:14,MASS",
        "FNDA:0,NEVER",
        "FNF:3",
        "FNH:2",
        "BRDA:19,1,0,2",
        "BRDA:19,1,1,1",
        "BRDA:20,2,0,1",
        "BRDA:21,2,1,1",
        "BRF:6",
        "BRH:5",
        "DA:12,0",
        "end_of_record",
    ] {
        assert!(
            lcov.lines().any(|written| written == line),
            "{line} in:\n{lcov}"
        );
    }
    let junit = std::fs::read_to_string(directory.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<testsuite name="cover.rules" file="rules.clr" tests="3" failures="0">"#),
        "{junit}"
    );

    let human = clearance_in(&directory, &["test", ".", "--coverage"]);
    let text = stdout(&human);
    for expected in [
        "3 passed, 0 failed",
        "coverage: 70.0% (7 of 10 points): rules 1/2, `when` holds 1/2, `when` does not hold 2/2, exceptions 1/1, base requirements 1/1, table rows 1/2",
        "  rules.clr:12: row never matches (table limit): | * => 20 kg",
        "  rules.clr:24: rule never decided: rule NEVER",
        "  rules.clr:29: never holds (rule NEVER): when declaration.reference == \"never\"",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}

#[test]
fn a_floor_fails_the_run_under_it_and_a_failing_example_is_a_junit_failure() {
    let directory = library("floor", RULES);
    let under = clearance_in(&directory, &["test", ".", "--min", "75"]);
    assert_eq!(under.status.code(), Some(1));
    assert!(
        stderr(&under).contains("cover 70.0% of the coverage points, under the floor of 75%"),
        "{}",
        stderr(&under)
    );
    let over = clearance_in(&directory, &["test", ".", "--min", "70"]);
    assert_eq!(over.status.code(), Some(0), "{}", stderr(&over));
    for bad in ["seventy", "101", "12.5.1"] {
        let output = clearance_in(&directory, &["test", ".", "--min", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&output).starts_with("error: --min: "),
            "{}",
            stderr(&output)
        );
    }

    let failing = RULES.replace("  expect MASS does not apply\n", "  expect MASS fails\n");
    let directory = library("failing", &failing);
    let output = clearance_in(&directory, &["test", ".", "--junit", "junit.xml"]);
    assert_eq!(output.status.code(), Some(1));
    let junit = std::fs::read_to_string(directory.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"tests="3" failures="1""#)
            && junit
                .contains(r#"<failure message="expected `MASS` to fail, but it does not apply">"#),
        "{junit}"
    );
}

#[test]
fn every_rule_of_the_library_is_a_point_of_its_coverage() {
    let output = clearance(&["test", "rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plain: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        plain.get("coverage").is_none(),
        "coverage only when asked for"
    );
    let output = clearance(&["test", "rules", "--coverage", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = &report["coverage"]["by_kind"]["rule"];
    assert_eq!(rules["total"], 67, "every rule of the library: {rules}");
    assert_eq!(
        rules["covered"], 67,
        "every rule has an example that decides it"
    );
    assert!(
        report["coverage"]["by_kind"]["table-row"]["total"]
            .as_u64()
            .unwrap()
            >= 2
    );
    let files: Vec<&str> = report["coverage"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"rules/tg-guce/mad-transfer-2018.clr"),
        "{files:?}"
    );
    // The same examples give the same report.
    let again = clearance(&["test", "rules", "--coverage", "--format", "json"]);
    assert_eq!(again.stdout, output.stdout);
}
