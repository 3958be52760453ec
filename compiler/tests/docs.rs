//! `docs/language.md` stays true: its examples parse (and its complete files check clean), and
//! it mentions every keyword of the grammar.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::diagnostics::Language;
use clearance_compiler::diagnostics::render::render_human;
use clearance_compiler::project::Project;
use clearance_compiler::syntax::{parse_expression, parse_file};

const LANGUAGE: &str = include_str!("../../docs/language.md");

/// The fenced blocks with a given tag.
fn blocks(tag: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in LANGUAGE.lines() {
        match &mut current {
            None if line.trim() == format!("```{tag}") => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                found.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    found
}

#[test]
fn complete_examples_check_clean() {
    let files = blocks("clearance");
    assert!(files.len() >= 10);
    for (index, text) in files.iter().enumerate() {
        let mut project = Project::default();
        let path = format!("docs-{index}.clr");
        project.add_file(&path, text);
        let diagnostics = project.diagnostics(|file| file == path);
        assert!(
            diagnostics.is_empty(),
            "docs/language.md example {index}:\n{text}\n{}",
            render_human(&diagnostics, &project.sources(), false, Language::English)
        );
    }
}

#[test]
fn snippets_parse() {
    for snippet in blocks("clearance-snippet") {
        let text = if snippet.starts_with("  ") {
            format!("rule SNIPPET\n{snippet}")
        } else {
            snippet.clone()
        };
        let syntax = parse_file(&text);
        let errors: Vec<_> = syntax
            .items
            .iter()
            .flat_map(|item| item.errors.clone())
            .collect();
        assert!(
            errors.is_empty() && syntax.stray.is_empty(),
            "{snippet}\n{errors:?}"
        );
    }
}

#[test]
fn expressions_parse() {
    for block in blocks("clearance-expr") {
        for line in block.lines().filter(|line| !line.trim().is_empty()) {
            assert!(
                parse_expression(line).is_ok(),
                "`{line}` does not parse: {:?}",
                parse_expression(line)
            );
        }
    }
}

#[test]
fn every_keyword_of_the_grammar_is_documented() {
    let keywords = clearance_compiler::syntax::KEYWORDS;
    assert!(keywords.len() > 60);
    let missing: Vec<&&str> = keywords
        .iter()
        .filter(|keyword| {
            !LANGUAGE.contains(&format!("{keyword} "))
                && !LANGUAGE.contains(&format!("`{keyword}`"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "keywords not in docs/language.md: {missing:?}"
    );
}

/// The builtins table of `docs/language.md` is the registry's (`clearance_compiler::builtins`);
/// `CLEARANCE_UPDATE_DOCS=1` writes it.
#[test]
fn the_builtins_table_is_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = clearance_compiler::builtins::reference_table();
    let start_marker = "<!-- generated: builtins -->\n";
    let end_marker = "<!-- end: builtins -->";
    let start = text.find(start_marker).expect("start marker") + start_marker.len();
    let end = text.find(end_marker).expect("end marker");
    if std::env::var("CLEARANCE_UPDATE_DOCS").is_ok_and(|value| value == "1") {
        let updated = format!("{}{expected}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &text[start..end],
        expected,
        "docs/language.md is out of date: run the test with CLEARANCE_UPDATE_DOCS=1"
    );
}
