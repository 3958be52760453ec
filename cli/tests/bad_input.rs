//! Regression tests for bad input, as an adversarial user would give it: every record gives
//! one result whatever its bytes, nothing passes unchecked, and the command never panics.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn clearance_in(directory: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(directory)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn clearance(args: &[&str]) -> Output {
    clearance_in(&root(), args, None)
}

/// A scratch directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("clearance-bad-input-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn write(directory: &Path, name: &str, bytes: &[u8]) -> String {
    let path = directory.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// Runs the rule library over one input file, results as NDJSON.
fn run_file(path: &str, extra: &[&str]) -> (Vec<Value>, Output) {
    let mut args = vec![
        "run",
        "--rules",
        "rules",
        "--input",
        path,
        "--as-of",
        "2026-03-10",
        "--format",
        "ndjson",
    ];
    args.extend_from_slice(extra);
    let output = clearance(&args);
    (results(&output), output)
}

fn results(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn message(result: &Value) -> String {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["message"]["en"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

const GOOD: &str = r#"{"id": "GOOD", "declaration": {"reference": "G1", "procedure": "4000", "incoterm": "DAP", "delivery_place": "Paris", "gross_mass": "12", "items": [{"seq": 1, "taric": "8471300000", "net_mass": "10", "gross_mass": "11"}]}}"#;

/// `count` lines of the good record.
fn good_lines(count: usize) -> Vec<u8> {
    format!("{GOOD}\n").repeat(count).into_bytes()
}

fn with(declaration_fields: &str) -> String {
    format!(
        r#"{{"id": "X", "declaration": {{"reference": "X1", "procedure": "4000", "incoterm": "DAP", "delivery_place": "Paris", {declaration_fields}, "items": [{{"seq": 1, "taric": "8471300000", "net_mass": "10", "gross_mass": "11"}}]}}}}"#
    )
}

#[test]
fn an_invalid_utf8_byte_costs_one_record_not_the_file() {
    let directory = scratch("utf8");
    let mut bytes = good_lines(3000);
    bytes.extend_from_slice(b"{\"id\": \"BAD\xFF\"}\n");
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.push(b'\n');
    let path = write(&directory, "records.ndjson", &bytes);
    let (results, output) = run_file(&path, &[]);
    assert_eq!(results.len(), 3002);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3002 records in, 3002 results out"),
        "{stderr}"
    );
    let bad = &results[3000];
    assert_eq!(bad["verdict"], "invalid");
    assert_eq!(bad["line"], 3001);
    assert!(message(bad).contains("not valid UTF-8"), "{bad:#}");
    assert_eq!(results[3001]["verdict"], "pass");
}

#[test]
fn a_record_cannot_switch_its_rules_off() {
    let record = GOOD.replace(
        "{\"id\": \"GOOD\",",
        "{\"id\": \"OLD\", \"as_of\": \"1990-01-01\",",
    );
    let directory = scratch("as-of");
    let path = write(&directory, "old.ndjson", record.as_bytes());
    let (results, output) = run_file(&path, &[]);
    assert_eq!(results[0]["verdict"], "invalid", "{:#}", results[0]);
    assert!(message(&results[0]).contains("--allow-record-as-of"));
    assert_eq!(output.status.code(), Some(1));
    // Where the operator allows it, a date before every rule set is not a pass either.
    let (results, output) = run_file(&path, &["--allow-record-as-of"]);
    assert_eq!(results[0]["verdict"], "not_evaluated", "{:#}", results[0]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_date_before_every_rule_set_is_not_a_pass() {
    let directory = scratch("early");
    let path = write(&directory, "good.ndjson", GOOD.as_bytes());
    let output = clearance(&[
        "run",
        "--rules",
        "rules",
        "--input",
        &path,
        "--as-of",
        "1990-01-01",
        "--format",
        "ndjson",
    ]);
    let results = results(&output);
    assert_eq!(results[0]["verdict"], "not_evaluated");
    assert!(
        message(&results[0]).contains("in force from 2024-01-01"),
        "{}",
        message(&results[0])
    );
    let french = results[0]["findings"][0]["message"]["fr"].as_str().unwrap();
    assert!(
        french.contains("`cas.declaration` en vigueur depuis le 2024-01-01"),
        "the French message gives the periods in French: {french}"
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 not evaluated"), "{stderr}");
}

/// Starts a command whose standard output is closed at once, as `| head -0` would.
fn with_closed_output(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let directory = scratch("pipe");
    let bytes = good_lines(20_000);
    let path = write(&directory, "many.ndjson", &bytes);
    let commands: [&[&str]; 4] = [
        &[
            "run",
            "--rules",
            "rules",
            "--input",
            &path,
            "--as-of",
            "2026-03-10",
        ],
        &["trace", "rules"],
        &["test", "rules"],
        &["check", "--format", "json", "rules"],
    ];
    for args in commands {
        let output = with_closed_output(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            output.status
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

#[test]
fn negative_masses_and_amounts_are_refused() {
    let directory = scratch("negative");
    let records = [
        with(r#""gross_mass": "-5 kg""#),
        with(r#""gross_mass": -5"#),
        with(r#""invoice_value": {"amount": "-1.00", "currency": "EUR"}"#),
    ]
    .join("\n");
    let path = write(&directory, "negative.ndjson", records.as_bytes());
    let (results, _) = run_file(&path, &[]);
    for result in &results {
        assert_eq!(result["verdict"], "invalid", "{result:#}");
        assert!(message(result).contains("negative"), "{result:#}");
        // The French message is French, not the English one in parentheses.
        let french = result["findings"][0]["message"]["fr"].as_str().unwrap();
        assert!(french.contains("négatif"), "{french}");
        assert!(!french.contains("negative"), "{french}");
    }
}

#[test]
fn impossible_offsets_and_leap_seconds_are_refused() {
    let directory = scratch("time");
    let records = [
        with(r#""released_at": "2026-03-10T10:00:00+24:00""#),
        with(r#""released_at": "2026-03-10T10:00:00+25:00""#),
        with(r#""released_at": "2026-03-10T10:00:60+01:00""#),
    ]
    .join("\n");
    let path = write(&directory, "time.ndjson", records.as_bytes());
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results.len(), 3);
    for result in &results {
        assert_eq!(result["verdict"], "invalid", "{result:#}");
        assert_eq!(result["findings"][0]["paths"][0], "declaration.released_at");
    }
}

#[test]
fn duplicate_keys_are_named() {
    let directory = scratch("duplicate");
    let record = with(r#""gross_mass": "12", "gross_mass": "1""#);
    let path = write(&directory, "duplicate.ndjson", record.as_bytes());
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results[0]["verdict"], "invalid");
    assert!(message(&results[0]).contains("`gross_mass` is given more than once"));
}

#[test]
fn a_byte_order_mark_is_read_or_named() {
    let directory = scratch("bom");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.extend_from_slice(b"\n\xEF\xBB\xBF");
    bytes.extend_from_slice(GOOD.as_bytes());
    let path = write(&directory, "bom.ndjson", &bytes);
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results[0]["verdict"], "pass", "{:#}", results[0]);
    assert_eq!(results[1]["verdict"], "invalid");
    assert!(message(&results[1]).contains("byte order mark"));
    let array = write(
        &directory,
        "bom.json",
        &[b"\xEF\xBB\xBF[", GOOD.as_bytes(), b"]"].concat(),
    );
    let (results, _) = run_file(&array, &[]);
    assert_eq!(results[0]["verdict"], "pass", "{:#}", results[0]);
}

#[test]
fn an_ndjson_file_is_read_line_by_line_whatever_its_first_line() {
    let directory = scratch("ndjson-array");
    let text = format!("[1, 2]\n{GOOD}\n");
    let path = write(&directory, "records.ndjson", text.as_bytes());
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["verdict"], "invalid");
    assert_eq!(results[1]["verdict"], "pass");
}

#[test]
fn pipes_and_dev_stdin_are_inputs() {
    let text = format!("{GOOD}\n{GOOD}\n");
    for input in ["-", "/dev/stdin"] {
        let output = clearance_in(
            &root(),
            &[
                "run",
                "--rules",
                "rules",
                "--input",
                input,
                "--as-of",
                "2026-03-10",
                "--format",
                "ndjson",
            ],
            Some(text.as_bytes()),
        );
        assert_eq!(
            results(&output).len(),
            2,
            "{input}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(0));
    }
}

#[test]
fn json_arrays_are_streamed_and_a_broken_one_is_reported() {
    let directory = scratch("array");
    let records: Vec<String> = (0..5000).map(|_| GOOD.to_string()).collect();
    let text = format!("[\n{}\n]\n", records.join(",\n"));
    let path = write(&directory, "records.json", text.as_bytes());
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results.len(), 5000);
    assert_eq!(results[4999]["line"], 5001);
    let broken = write(
        &directory,
        "broken.json",
        format!("[{GOOD}, {GOOD} {GOOD}]").as_bytes(),
    );
    let (results, output) = run_file(&broken, &[]);
    assert_eq!(results.len(), 3);
    assert_eq!(results[2]["verdict"], "invalid");
    assert!(message(&results[2]).contains("expected `,` or `]` after record 2"));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn numbers_are_read_whole_and_echoed_short() {
    let directory = scratch("numbers");
    let huge = "9".repeat(1_000_000);
    let long = "9".repeat(100);
    let records = [
        with(r#""gross_mass": "1e3 kg""#),
        with(&format!(r#""gross_mass": {huge}"#)),
        with(&format!(r#""gross_mass": "{huge} kg""#)),
        with(&format!(r#""gross_mass": "{long} kg""#)),
    ]
    .join("\n");
    let path = write(&directory, "numbers.ndjson", records.as_bytes());
    let (results, _) = run_file(&path, &[]);
    assert_eq!(results[0]["verdict"], "pass", "{:#}", results[0]);
    for result in &results[1..] {
        assert_eq!(result["verdict"], "invalid");
        for finding in result["findings"].as_array().unwrap() {
            let text = finding["message"]["en"].as_str().unwrap();
            assert!(text.len() < 300, "{} characters: {text}", text.len());
        }
    }
    assert!(
        message(&results[2]).contains("(1000000 characters)"),
        "{}",
        message(&results[2])
    );
    assert!(
        message(&results[3]).contains("(100 characters)"),
        "{}",
        message(&results[3])
    );
}

#[test]
fn a_value_outside_a_closed_list_is_invalid_not_absent() {
    let directory = scratch("invalid-state");
    let record = with(r#""border_transport_mode": "Z", "incoterm": "FOB""#)
        .replace(r#""incoterm": "DAP", "#, "");
    let path = write(&directory, "mode.ndjson", record.as_bytes());
    let (results, output) = run_file(&path, &[]);
    let result = &results[0];
    assert_eq!(result["verdict"], "invalid", "{result:#}");
    assert_eq!(output.status.code(), Some(1));
    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings[0]["rule"], "technical-validation");
    assert_eq!(findings[0]["paths"][0], "declaration.border_transport_mode");
    // The rules that do not read the mode still ran; the one that reads it was not evaluated,
    // neither passed nor reported as a missing value.
    assert!(
        result["rules"]["passed"].as_u64().unwrap() > 0,
        "{result:#}"
    );
    let incoterm_mode = findings
        .iter()
        .find(|finding| finding["rule"] == "CAS-INCOTERM-MODE")
        .unwrap_or_else(|| panic!("{result:#}"));
    let text = incoterm_mode["message"]["en"].as_str().unwrap();
    assert!(text.contains("could not be evaluated"), "{text}");
    assert!(
        text.contains("`declaration.border_transport_mode`"),
        "{text}"
    );
    assert!(text.contains("invalid"), "{text}");
    // The kind of the failure, for an operator to count.
    assert_eq!(incoterm_mode["error"], "invalid-data", "{incoterm_mode:#}");
    assert!(findings[0].get("error").is_none(), "{:#}", findings[0]);
}

#[test]
fn the_hashes_do_not_depend_on_where_the_command_runs() {
    let directory = scratch("hashes");
    let input = write(&directory, "good.ndjson", GOOD.as_bytes());
    let rules = root().join("rules").canonicalize().unwrap();
    let rules = rules.display().to_string();
    let hashes = |cwd: &Path| {
        let output = clearance_in(
            cwd,
            &[
                "run",
                "--rules",
                &rules,
                "--input",
                &input,
                "--as-of",
                "2026-03-10",
                "--format",
                "json",
            ],
            None,
        );
        let document: Value = serde_json::from_slice(&output.stdout).unwrap();
        let summary = &document["summary"];
        let result = &document["results"][0];
        assert_eq!(result["rules_hash"], summary["rules_hash"]);
        (
            summary["rules_hash"].as_str().unwrap().to_string(),
            result["rulesets"].to_string(),
        )
    };
    let from_root = hashes(&root());
    assert_eq!(from_root.0.len(), 64);
    assert!(from_root.1.contains("cas.declaration"), "{}", from_root.1);
    assert_eq!(hashes(&root().join("cli")), from_root);
    assert_eq!(hashes(&directory), from_root);
    assert_eq!(hashes(Path::new("/")), from_root);
}

#[test]
fn the_input_format_can_be_named() {
    let xml = std::fs::read(root().join("examples/cds-import-declaration.xml")).unwrap();
    let run = |format: &str, bytes: &[u8]| {
        let output = clearance_in(
            &root(),
            &[
                "run",
                "--rules",
                "rules",
                "--input",
                "-",
                "--input-format",
                format,
                "--as-of",
                "2026-03-10",
                "--format",
                "ndjson",
            ],
            Some(bytes),
        );
        results(&output)
    };
    let from_xml = run("wco-xml", &xml);
    assert_eq!(from_xml.len(), 1);
    assert_eq!(from_xml[0]["id"], "U.7849431BQMLR");
    assert!(from_xml[0]["rules"]["evaluated"].as_u64().unwrap() > 0);
    // A JSON array forced as NDJSON is read line by line; as JSON, as an array.
    let array = format!("[{GOOD},\n{GOOD}]");
    assert_eq!(run("json", array.as_bytes()).len(), 2);
    assert_eq!(run("ndjson", array.as_bytes()).len(), 2);
    assert_eq!(run("ndjson", array.as_bytes())[0]["verdict"], "invalid");
    // A directory walk reads files of the named format only, and counts the others as skipped.
    let directory = scratch("formats");
    write(&directory, "a.ndjson", GOOD.as_bytes());
    write(&directory, "b.XML", &xml);
    write(&directory, "notes.txt", b"not records");
    let directory = directory.display().to_string();
    let output = clearance(&[
        "run",
        "--rules",
        "rules",
        "--input",
        &directory,
        "--input-format",
        "wco-xml",
        "--as-of",
        "2026-03-10",
        "--format",
        "json",
    ]);
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["summary"]["records_in"], 1);
    assert_eq!(document["summary"]["skipped_files"], 2);
}
