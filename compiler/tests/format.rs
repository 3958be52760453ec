//! `clearance fmt` over every rule file of the repository: a file that parses formats to the
//! same trees and comments (the formatter checks it and refuses otherwise), formatting twice
//! changes nothing, and the layout depends only on the tokens and the line breaks: any other
//! whitespace written differently gives the same file.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use clearance_compiler::project::Project;
use clearance_compiler::syntax::format::{FormatError, format_file};
use clearance_compiler::syntax::lexer::{TokenKind, tokenize};
use proptest::prelude::*;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rule_files(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                rule_files(&path, found);
            }
        } else if name.ends_with(".clr") {
            found.push(path);
        }
    }
}

fn every_rule_file() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    rule_files(&repository(), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(repository())
                .unwrap()
                .display()
                .to_string();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn every_file_that_parses_formats_to_the_same_meaning_and_is_idempotent() {
    let files = every_rule_file();
    assert!(files.len() >= 30, "{} rule files", files.len());
    let mut formatted_files = 0;
    for (name, text) in &files {
        match format_file(text) {
            Ok(formatted) => {
                formatted_files += 1;
                assert_eq!(
                    format_file(&formatted).as_ref(),
                    Ok(&formatted),
                    "{name}: formatting twice changed it"
                );
            }
            Err(FormatError::Syntax(errors)) => {
                assert!(
                    name.contains("corpus/bad"),
                    "{name} does not parse: {errors:?}"
                );
            }
            Err(FormatError::MeaningChanged) => panic!("{name}: the layout changed its meaning"),
        }
    }
    assert!(formatted_files >= 30);
}

/// The formatted rule library compiles to the same program (its IR, each rule's quoted
/// clauses included), and the broken corpus to the same diagnostics on the same lines.
#[test]
fn the_formatted_library_compiles_to_the_same_program() {
    let files = every_rule_file();
    let compile = |prefix: &str, formatted: bool| {
        let mut project = Project::default();
        for (name, text) in files.iter().filter(|(name, _)| name.starts_with(prefix)) {
            let text = match format_file(text) {
                Ok(layout) if formatted => layout,
                _ => text.clone(),
            };
            project.add_file(name, &text);
        }
        let diagnostics: Vec<String> = project
            .diagnostics(|_| true)
            .iter()
            .map(|found| {
                format!(
                    "{} {:?} {:?}",
                    found.path, found.diagnostic.id, found.diagnostic.message
                )
            })
            .collect();
        let mut program = (*project.program()).clone();
        // The hashes cover each file's bytes: the one thing formatting is meant to change.
        program.content_hash = String::new();
        for ruleset in &mut program.rulesets {
            ruleset.hash = String::new();
        }
        (diagnostics, format!("{program:?}"))
    };
    let (diagnostics, program) = compile("rules/", false);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert!(program.contains("CAS-MASS-ITEM"));
    assert_eq!(compile("rules/", true), (diagnostics, program));
    let (broken, _) = compile("tests/corpus/bad/", false);
    assert!(!broken.is_empty());
    assert_eq!(compile("tests/corpus/bad/", true).0, broken);
}

/// Rewrites a file's whitespace without touching its tokens, its line breaks, which lines
/// start in column 0 and which tokens touch: what the layout may not depend on.
fn rewritten_whitespace(text: &str, spaces: &[u8]) -> String {
    let mut out = String::new();
    let mut choice = spaces.iter().cycle();
    let mut next = || usize::from(*choice.next().unwrap_or(&1) % 5) + 1;
    let mut last_end = 0;
    for token in tokenize(text) {
        let gap = &text[last_end..token.start];
        let at_line_start = last_end == 0 || text[..last_end].ends_with('\n');
        if at_line_start && gap.is_empty() {
            // Column 0 stays column 0: an item starts there.
        } else if !gap.is_empty() {
            out.extend(std::iter::repeat_n(' ', next()));
        }
        if token.kind == TokenKind::Newline {
            out.extend(std::iter::repeat_n(' ', next() - 1));
        }
        out.push_str(&text[token.start..token.end]);
        // Another blank line where there is one already (one between a doc comment and its
        // item would detach it).
        if token.kind == TokenKind::Newline
            && text[token.end..]
                .trim_start_matches([' ', '\t', '\r'])
                .starts_with('\n')
            && next() == 1
        {
            out.push('\n');
        }
        last_end = token.end;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_layout_ignores_how_whitespace_was_written(
        file in 0usize..1000,
        spaces in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        let files: Vec<(String, String)> = every_rule_file()
            .into_iter()
            .filter(|(name, _)| !name.contains("corpus/bad"))
            .collect();
        let (name, text) = &files[file % files.len()];
        let canonical = format_file(text).unwrap();
        let rewritten = rewritten_whitespace(text, &spaces);
        prop_assert_eq!(format_file(&rewritten).unwrap(), canonical, "{}", name);
    }
}

/// The language guide shows the canonical layout.
#[test]
fn the_guides_examples_are_in_the_canonical_layout() {
    let guide = std::fs::read_to_string(repository().join("docs/language.md")).unwrap();
    let blocks: Vec<&str> = guide
        .split("```clearance\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(blocks.len() >= 10);
    for block in blocks {
        assert_eq!(format_file(block).as_deref(), Ok(block));
    }
}
