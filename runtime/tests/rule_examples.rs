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
    // The data files the rules read, named as the program names them (from the repository).
    let mut project = clearance_compiler::project::Project::default();
    for (path, text) in &files {
        project.add_file(path, text);
    }
    let repository = root.join("..");
    let data: Vec<clearance_runtime::DataFile> = project
        .program()
        .data_files()
        .iter()
        .map(|name| clearance_runtime::DataFile {
            name: name.to_string(),
            hash_name: name.to_string(),
            bytes: std::fs::read(repository.join(name)).expect("data file"),
        })
        .collect();
    RuleSet::compile_with_data(&files, &data)
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
