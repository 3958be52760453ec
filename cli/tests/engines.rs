//! `clearance run --engine jit` against `--engine interp` on records generated from the rule
//! library's input schema (the runtime's generator, `runtime/tests/support/generator.rs`):
//! the same bytes on standard output and the same summary.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

// Each test uses part of the shared generator.
#[allow(dead_code)]
#[path = "../../runtime/tests/support/generator.rs"]
mod generator;

use std::path::Path;
use std::process::Command;

use generator::{Generator, rule_library};

#[test]
fn both_engines_write_the_same_bytes_for_generated_records() {
    let rule_set = rule_library();
    let mut generator = Generator::seeded(rule_set.program(), 11);
    let records: Vec<String> = (0..1_000).map(|_| generator.record()).collect();
    let input =
        std::env::temp_dir().join(format!("clearance-engines-{}.ndjson", std::process::id()));
    std::fs::write(&input, records.join("\n") + "\n").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |engine: &str| {
        Command::new(env!("CARGO_BIN_EXE_clearance"))
            .args(["run", "--rules", "rules", "--input"])
            .arg(&input)
            .args([
                "--as-of",
                "2026-03-29",
                "--format",
                "ndjson",
                "--engine",
                engine,
            ])
            .current_dir(&root)
            .output()
            .expect("the binary runs")
    };
    let interpreted = run("interp");
    let compiled = run("jit");
    std::fs::remove_file(&input).unwrap();
    assert_eq!(
        interpreted
            .stdout
            .iter()
            .filter(|byte| **byte == b'\n')
            .count(),
        records.len(),
        "one result per record"
    );
    assert!(
        interpreted.stdout == compiled.stdout,
        "the engines' results differ"
    );
    assert_eq!(
        String::from_utf8_lossy(&interpreted.stderr),
        String::from_utf8_lossy(&compiled.stderr)
    );
}
