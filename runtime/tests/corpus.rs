//! The corpus of good and bad rule files under `tests/corpus`.
//!
//! A bad file marks each expected diagnostic on its line with `//~ id line:column`; the test
//! checks that each is reported there, and that no error goes unmarked. A good file checks
//! clean and its examples pass.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use clearance_compiler::diagnostics::Language;
use clearance_compiler::diagnostics::render::{line_column, render_human};
use clearance_compiler::project::Project;
use clearance_runtime::RuleSet;
use clearance_runtime::testing::run_examples;

fn corpus(kind: &str) -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "clr"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> (Project, String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut project = Project::default();
    project.add_file(&name, &text);
    (project, name, text)
}

#[test]
fn bad_files_report_every_marked_error_at_its_place() {
    let files = corpus("bad");
    assert!(!files.is_empty());
    for path in files {
        let (project, name, text) = load(&path);
        let diagnostics = project.diagnostics(|file| file == name);
        let rendered = render_human(&diagnostics, &project.sources(), false, Language::English);
        let mut expected = Vec::new();
        for line in text.lines() {
            if let Some((_, mark)) = line.split_once("//~ ") {
                let mut parts = mark.split_whitespace();
                let id = parts.next().unwrap().to_string();
                let (line, column) = parts.next().unwrap().split_once(':').unwrap();
                expected.push((
                    id,
                    line.parse::<usize>().unwrap(),
                    column.parse::<usize>().unwrap(),
                ));
            }
        }
        let found: Vec<(String, usize, usize, bool)> = diagnostics
            .iter()
            .map(|diagnostic| {
                let (line, column) =
                    line_column(&text, diagnostic.diagnostic.primary_span().start as usize);
                (
                    diagnostic.diagnostic.id.as_str().to_string(),
                    line,
                    column,
                    diagnostic.diagnostic.is_error(),
                )
            })
            .collect();
        for (id, line, column) in &expected {
            assert!(
                found.iter().any(|(f_id, f_line, f_column, _)| f_id == id
                    && f_line == line
                    && f_column == column),
                "{name}: expected `{id}` at {line}:{column}; found {found:?}\n{rendered}"
            );
        }
        for (id, line, column, is_error) in &found {
            if *is_error {
                assert!(
                    expected.iter().any(|(e_id, e_line, e_column)| e_id == id
                        && e_line == line
                        && e_column == column),
                    "{name}: unexpected `{id}` at {line}:{column}\n{rendered}"
                );
            }
        }
    }
}

#[test]
fn the_five_scattered_errors_are_all_reported() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/bad/five_errors.clr");
    let (project, name, _) = load(&path);
    let errors = project
        .diagnostics(|file| file == name)
        .into_iter()
        .filter(|diagnostic| diagnostic.diagnostic.is_error())
        .count();
    assert_eq!(errors, 5);
}

#[test]
fn good_files_check_clean_and_their_examples_pass() {
    let files = corpus("good");
    assert!(!files.is_empty());
    for path in files {
        let (project, name, text) = load(&path);
        let diagnostics = project.diagnostics(|file| file == name);
        assert!(
            diagnostics.is_empty(),
            "{}",
            render_human(&diagnostics, &project.sources(), false, Language::English)
        );
        let rule_set = RuleSet::compile(&[(name.clone(), text)]).unwrap();
        let results = run_examples(&rule_set, |_| true);
        assert!(!results.is_empty(), "{name} has no example");
        for result in results {
            assert!(
                result.passed(),
                "{name}: {} failed: {:?}",
                result.description,
                result.failures
            );
        }
    }
}
