//! Data beside the rules: the tariff import that writes it, and the checks that bind it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("clearance-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn clearance(args: &[&str], directory: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(directory)
        .output()
        .unwrap()
}

/// The committed `rules/uk-tariff/measures.json` is what the command writes from the vendored
/// tariff responses: the data the rules read can be made again by anyone.
#[test]
fn the_imported_tariff_is_what_the_command_writes() {
    let directory = scratch("tariff");
    let archive =
        std::fs::File::open(root().join("tests/data/uk-tariff-samples/commodities.tar.gz"))
            .unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(archive))
        .unpack(&directory)
        .unwrap();
    let out = directory.join("measures.json");
    let output = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .arg("import-tariff")
        .arg(&directory)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    assert!(
        report.contains("read 10 files: 182 measures, 37 kept with their document conditions"),
        "{report}"
    );
    assert!(
        report.contains("145 measures without a document condition"),
        "{report}"
    );
    // The hand-edited fixture upstream is named, not silently merged.
    assert!(
        report.contains("holds commodity 7202118000, not 7202999000"),
        "{report}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(root().join("rules/uk-tariff/measures.json")).unwrap();
    assert_eq!(
        written, committed,
        "regenerate rules/uk-tariff/measures.json with import-tariff"
    );
    let lines = written.lines().count();
    assert_eq!(lines, 37 + 2, "one measure per line between the brackets");
}

#[test]
fn a_response_that_is_not_a_commodity_is_refused() {
    let directory = scratch("tariff-bad");
    std::fs::create_dir_all(directory.join("uk")).unwrap();
    std::fs::write(directory.join("uk/x.json"), r#"{"data": []}"#).unwrap();
    let output = clearance(&["import-tariff", "uk", "--out", "out.json"], &directory);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a commodity response"), "{stderr}");
    std::fs::write(
        directory.join("y.json"),
        br#"{"goods_nomenclature_item_id": "0102291010"}"#,
    )
    .unwrap();
    let output = clearance(
        &["import-tariff", "y.json", "--out", "out.json"],
        &directory,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pass `--tariff`"));
}

const LIBRARY: &str = "module requirements
  source CAS \"C4T\"

requirement R-1
  title en \"r\" fr \"r\"
  cites CAS \"x\"
";

const RULES: &str = "ruleset config.rules
  title en \"Configured documents\" fr \"Documents configurés\"
  version \"1\"
  effective from 2024-01-01
  source CAS \"C4T\"
  input declaration: Declaration

use stdlib.customs.*
use stdlib.documents.*

record ProductDocuments
  prefix: Text
  documents: set of DocumentCode
  strict: Bool?

const configured: list of ProductDocuments = data \"config/products.csv\"

rule CONFIGURED
  title en \"Configured documents\" fr \"Documents configurés\"
  severity error
  category validation_violation
  implements R-1
  for every item in declaration.items
  for every row in configured
  when item.taric is present and starts_with(item.taric, row.prefix)
  require some document in item.documents satisfies document.code in row.documents
  message en \"item {item.seq} lacks one of {row.documents}\" fr \"l'article {item.seq} n'a aucun de {row.documents}\"

example \"a configured product without its document fails\"
  given { declaration: { reference: \"R\", items: [{ seq: 1, taric: \"0102291010\" }] } }
  expect CONFIGURED fails 1 time

example \"a configured product with its document passes\"
  given { declaration: { reference: \"R\", items: [{ seq: 1, taric: \"0102291010\", documents: [{ code: C640 }] }] } }
  expect CONFIGURED passes
";

fn library(name: &str, csv: &str) -> PathBuf {
    let directory = scratch(name);
    std::fs::create_dir_all(directory.join("config")).unwrap();
    std::fs::write(directory.join("requirements.clr"), LIBRARY).unwrap();
    std::fs::write(directory.join("rules.clr"), RULES).unwrap();
    std::fs::write(directory.join("config/products.csv"), csv).unwrap();
    directory
}

#[test]
fn a_csv_configuration_is_read_and_its_rows_apply() {
    let directory = library("csv-good", "prefix,documents,strict\n0102,C640;N853,true\n");
    let output = clearance(&["test", "."], &directory);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}

#[test]
fn a_bad_row_is_reported_with_its_line_and_field_and_refuses_the_rules() {
    let directory = library(
        "csv-bad",
        "prefix,documents,strict\n0102,C640,true\n0103,c640,yes\n",
    );
    let output = clearance(&["check", "."], &directory);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("[data-file-invalid] error: config/products.csv:3: at `documents[0]`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("config/products.csv:3: at `strict`"),
        "{stderr}"
    );
    let output = clearance(&["test", "."], &directory);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_missing_data_file_is_an_error_not_an_empty_list() {
    let directory = library("csv-missing", "prefix,documents\n");
    std::fs::remove_file(directory.join("config/products.csv")).unwrap();
    let output = clearance(&["check", "."], &directory);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "[data-file-unreadable] error: config/products.csv: the data file cannot be read"
        ),
        "{stderr}"
    );
}

#[test]
fn the_data_is_part_of_the_rules_hash() {
    let hash = |name: &str, csv: &str| {
        let directory = library(name, csv);
        std::fs::write(
            directory.join("record.json"),
            r#"{"declaration": {"reference": "R", "items": [{"seq": 1, "taric": "0102291010"}]}}"#,
        )
        .unwrap();
        let output = clearance(
            &[
                "run",
                "--rules",
                ".",
                "--input",
                "record.json",
                "--as-of",
                "2026-01-01",
                "--format",
                "ndjson",
            ],
            &directory,
        );
        let line = String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap()
            .to_string();
        let result: serde_json::Value = serde_json::from_str(&line).unwrap();
        result["rules_hash"].as_str().unwrap().to_string()
    };
    let first = hash("hash-1", "prefix,documents\n0102,C640\n");
    assert_eq!(first, hash("hash-2", "prefix,documents\n0102,C640\n"));
    assert_ne!(first, hash("hash-3", "prefix,documents\n0102,N853\n"));
}
