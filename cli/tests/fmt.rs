//! `clearance fmt` end to end: rewriting files, `--check`, standard input, and refusing a file
//! that does not parse with the place of its error.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn clearance(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("clearance-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

const MESSY: &str = "record Party\n    eori:Text?\n\n\n  name :  Text\n";
const CANONICAL: &str = "record Party\n  eori: Text?\n\n  name: Text\n";

#[test]
fn check_lists_then_fmt_rewrites_then_check_passes() {
    let directory = scratch("rewrite");
    let messy = directory.join("party.clr");
    let tidy = directory.join("tidy.clr");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, CANONICAL).unwrap();
    let dir = directory.to_str().unwrap();

    let checked = clearance(&["fmt", "--check", dir], None);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("party.clr:2: not in the canonical layout"),
        "{stderr}"
    );
    assert!(!stderr.contains("tidy.clr"), "{stderr}");
    assert!(
        stderr.contains("2 files checked: 1 not formatted, 0 not parsed"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        MESSY,
        "--check writes nothing"
    );

    let written = clearance(&["fmt", dir], None);
    assert_eq!(written.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), CANONICAL);
    assert_eq!(
        clearance(&["fmt", "--check", dir], None).status.code(),
        Some(0)
    );
}

#[test]
fn standard_input_is_formatted_to_standard_output() {
    let output = clearance(&["fmt", "-"], Some(MESSY));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), CANONICAL);
    let checked = clearance(&["fmt", "--check", "-"], Some(CANONICAL));
    assert_eq!(checked.status.code(), Some(0));
}

#[test]
fn a_file_that_does_not_parse_is_left_as_it_is() {
    let directory = scratch("broken");
    let broken = directory.join("broken.clr");
    let text = "record Party\n    eori:Text?\nrule X\n  require (a\n";
    std::fs::write(&broken, text).unwrap();
    let output = clearance(&["fmt", broken.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.clr:4:"), "{stderr}");
    assert!(
        stderr.contains("not formatted: a file is formatted once it parses"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    let missing = clearance(&["fmt", "no/such/dir"], None);
    assert_eq!(missing.status.code(), Some(2));
}
