//! Quick fixes, as data: each case is a rule file, the fixes offered for its diagnostics, the
//! text each fix writes, and what `check` says of the fixed project. A fix that leaves its own
//! diagnostic, or adds an error, shows in the snapshot.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::diagnostics::Language;
use clearance_compiler::project::Project;
use clearance_ide::{FileEdit, fixes};

const CATALOGUE: &str = "module requirements
  title en \"Requirements\" fr \"Exigences\"
  source CAS \"CAS\"

requirement CAS-MASS-01
  title en \"Mass\" fr \"Masse\"
  cites CAS \"masse\"

requirement CAS-INCOTERM-01
  title en \"Incoterm\" fr \"Incoterm\"
  cites CAS \"incoterm\"
// ------------------------------------------------------------ transport

requirement TG-EXPORT-01
  title en \"Export\" fr \"Export\"
  cites CAS \"export\"
";

const HEADER: &str = "ruleset lib.checks
  title en \"Checks\" fr \"Contrôles\"
  version \"1\"
  source CAS \"CAS\"
  source OTHER \"Another source\"
  default severity error
  default category validation_violation
  input declaration: Declaration

use stdlib.customs.*
";

fn project(rules: &str) -> Project {
    let mut project = Project::default();
    project.add_file("lib/checks.clr", &format!("{HEADER}{rules}"));
    project.add_file("requirements.clr", CATALOGUE);
    project
}

fn diagnostics(project: &Project) -> Vec<String> {
    project
        .diagnostics(|path| !path.starts_with("stdlib/"))
        .iter()
        .map(|found| {
            let span = found.diagnostic.primary_span();
            let text = project.file(&found.path).unwrap().text(project.db());
            format!(
                "{} `{}` in {}",
                found.diagnostic.id.as_str(),
                &text[span.start as usize..span.end as usize],
                found.path
            )
        })
        .collect()
}

/// Applies edits to a text, from the last to the first so that offsets hold.
fn applied(text: &str, edits: &[&FileEdit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.start, edit.end)));
    let mut text = text.to_string();
    for edit in edits {
        text.replace_range(edit.start..edit.end, &edit.new_text);
    }
    text
}

/// The lines of `after` that are not in `before`, each run after the last written line it
/// follows.
fn added_lines(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.lines().collect();
    let lines: Vec<&str> = after.lines().collect();
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        if old.contains(line) {
            continue;
        }
        let previous = lines[..index]
            .iter()
            .rev()
            .find(|line| !line.trim().is_empty());
        if let Some(previous) = previous
            && old.contains(previous)
            && index > 0
            && old.contains(&lines[index - 1])
        {
            out.push_str(&format!("  {previous}\n"));
        }
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

fn report(rules: &str) -> String {
    let project = project(rules);
    let mut out = format!("{rules}\n---- before\n");
    for found in diagnostics(&project) {
        out.push_str(&format!("{found}\n"));
    }
    let path = "lib/checks.clr";
    let length = project.file(path).unwrap().text(project.db()).len();
    for fix in fixes(&project, path, 0, length) {
        out.push_str(&format!(
            "---- fix: {} ({}){}\n",
            fix.title.render(Language::English),
            fix.diagnostic.diagnostic.id.as_str(),
            if fix.preferred { ", preferred" } else { "" }
        ));
        let mut fixed = self::project(rules);
        let mut files: Vec<&str> = fix.edits.iter().map(|edit| edit.path.as_str()).collect();
        files.dedup();
        for file_path in files {
            let file = fixed.file(file_path).unwrap();
            let before = file.text(fixed.db()).clone();
            let edits: Vec<&FileEdit> = fix
                .edits
                .iter()
                .filter(|edit| edit.path == file_path)
                .collect();
            let after = applied(&before, &edits);
            out.push_str(&format!("{file_path}:\n{}", added_lines(&before, &after)));
            fixed.set_text(file, &after);
        }
        let left = diagnostics(&fixed);
        if left.is_empty() {
            out.push_str("then: no diagnostic\n");
        }
        for found in left {
            out.push_str(&format!("then: {found}\n"));
        }
    }
    out
}

#[test]
fn a_value_that_may_be_absent_is_tested_in_a_new_when() {
    insta::assert_snapshot!(report(
        "
rule R-1
  title en \"Mass\" fr \"Masse\"
  implements CAS-MASS-01
  for every item in declaration.items
  require item.gross_mass >= 1 kg
  message en \"m\" fr \"m\"
"
    ));
}

#[test]
fn a_value_that_may_be_absent_is_tested_in_the_rule_s_when() {
    insta::assert_snapshot!(report(
        "
rule R-1
  title en \"Mass\" fr \"Masse\"
  implements CAS-MASS-01
  for every item in declaration.items
  when item.gross_mass > 0 kg or item.seq == 1
  require item.net_mass <= 10 kg
  message en \"m\" fr \"m\"
"
    ));
}

#[test]
fn a_value_bound_inside_a_condition_is_tested_there_only() {
    insta::assert_snapshot!(report(
        "
rule R-1
  title en \"Mass\" fr \"Masse\"
  implements CAS-MASS-01
  require every item in declaration.items satisfies item.gross_mass > 0 kg
  message en \"m\" fr \"m\"
"
    ));
}

#[test]
fn a_requirement_missing_from_the_catalogue_is_added_to_it() {
    insta::assert_snapshot!(report(
        "
rule R-1
  title en \"Masses\" fr \"Masses\"
  implements CAS-MASS-02, TG-EXPORT-09
  cites OTHER \"not in the catalogue's sources\"
  cites CAS \"La masse brute indiquée est inférieure à la masse nette\"
  require declaration.reference != \"\"
  message en \"m\" fr \"m\"
"
    ));
}

/// The rule library of the repository, with the standard library.
fn rule_library() -> (Project, Vec<(String, String)>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut project = Project::default();
    let mut files = Vec::new();
    for path in clearance_library::rule_files(&root).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .to_string();
        project.add_file(&name, &text);
        files.push((name, text));
    }
    assert!(files.len() >= 5, "{} rule files", files.len());
    (project, files)
}

fn errors(project: &Project, path: &str) -> Vec<String> {
    project
        .diagnostics(|candidate| candidate == path)
        .iter()
        .filter(|found| found.diagnostic.is_error())
        .map(|found| format!("{:?}", found.diagnostic))
        .collect()
}

/// Applies a fix's edits to the project's files.
fn apply(project: &mut Project, fix: &clearance_ide::Fix) {
    let mut paths: Vec<&str> = fix.edits.iter().map(|edit| edit.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let file = project.file(path).unwrap();
        let text = file.text(project.db()).clone();
        let edits: Vec<&FileEdit> = fix.edits.iter().filter(|edit| edit.path == path).collect();
        project.set_text(file, &applied(&text, &edits));
    }
}

/// Every `x is present and` of the rule library, taken out: where the checker then flags `x`,
/// the preferred fixes put a test back and the file checks again.
#[test]
fn the_rule_library_s_presence_tests_taken_out_are_put_back_by_the_fixes() {
    let (mut project, files) = rule_library();
    let (mut restored, mut not_needed) = (0, 0);
    for (path, text) in &files {
        assert_eq!(errors(&project, path), Vec::<String>::new(), "{path}");
        let file = project.file(path).unwrap();
        for (at, _) in text.match_indices(" is present and ") {
            let start = text[..at]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || "_.?".contains(c)))
                .map_or(0, |before| before + 1);
            let value = &text[start..at];
            let taken_out = format!(
                "{}{}",
                &text[..start],
                &text[at + " is present and ".len()..]
            );
            project.set_text(file, &taken_out);
            let flagged = |project: &Project| {
                project
                    .diagnostics(|candidate| candidate == path)
                    .into_iter()
                    .find(|found| {
                        let span = found.diagnostic.primary_span();
                        let current = project.file(path).unwrap().text(project.db());
                        found.diagnostic.id.as_str() == "maybe-absent"
                            && current[span.start as usize..span.end as usize] == *value
                    })
            };
            if flagged(&project).is_none() {
                not_needed += 1;
            }
            let mut rounds = 0;
            while let Some(found) = flagged(&project) {
                rounds += 1;
                assert!(
                    rounds <= 5,
                    "{path}: `{value}` is still flagged after 5 fixes"
                );
                let span = found.diagnostic.primary_span();
                let fix = fixes(&project, path, span.start as usize, span.end as usize)
                    .into_iter()
                    .find(|fix| fix.diagnostic == found && fix.preferred)
                    .unwrap_or_else(|| panic!("{path}: no fix for `{value}`"));
                apply(&mut project, &fix);
            }
            if rounds > 0 {
                restored += 1;
                let fixed = project.file(path).unwrap().text(project.db()).clone();
                assert_eq!(
                    errors(&project, path),
                    Vec::<String>::new(),
                    "{path}: `{value}` fixed as\n{}",
                    added_lines(&taken_out, &fixed)
                );
            }
            project.set_text(file, text);
        }
    }
    // Most of the library's tests guard a use the checker would flag.
    assert!(
        restored >= 20,
        "restored {restored}, not needed {not_needed}"
    );
}

/// Every requirement of the library's catalogue, taken out: the rules that implement it are
/// flagged, and the fix that adds it to the catalogue makes the library check again.
#[test]
fn the_rule_library_s_requirements_taken_out_are_added_back_by_a_fix() {
    let (mut project, files) = rule_library();
    let (_, catalogue_text) = files
        .iter()
        .find(|(path, _)| path == "requirements.clr")
        .unwrap();
    let catalogue = project.file("requirements.clr").unwrap();
    let mut added = 0;
    let mut offsets: Vec<usize> = catalogue_text
        .match_indices("\nrequirement ")
        .map(|(at, _)| at + 1)
        .collect();
    offsets.push(catalogue_text.len());
    for pair in offsets.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let item = &catalogue_text[start..end];
        let id = item["requirement ".len()..]
            .split_whitespace()
            .next()
            .unwrap();
        project.set_text(
            catalogue,
            &format!("{}{}", &catalogue_text[..start], &catalogue_text[end..]),
        );
        let flagged: Vec<_> = project
            .diagnostics(|path| path != "requirements.clr" && !path.starts_with("stdlib/"))
            .into_iter()
            .filter(|found| {
                found.diagnostic.id.as_str() == "unknown-requirement"
                    && found
                        .diagnostic
                        .message
                        .render(Language::English)
                        .contains(id)
            })
            .collect();
        if let Some(found) = flagged.first() {
            let span = found.diagnostic.primary_span();
            let fix = fixes(
                &project,
                &found.path,
                span.start as usize,
                span.end as usize,
            )
            .into_iter()
            .find(|fix| fix.diagnostic == *found && fix.edits[0].path == "requirements.clr")
            .unwrap_or_else(|| panic!("no fix adds `{id}`"));
            apply(&mut project, &fix);
            let left: Vec<String> = project
                .diagnostics(|path| !path.starts_with("stdlib/"))
                .iter()
                .filter(|found| found.diagnostic.is_error())
                .map(|found| format!("{}: {:?}", found.path, found.diagnostic))
                .collect();
            let fixed = catalogue.text(project.db()).clone();
            assert_eq!(
                left,
                Vec::<String>::new(),
                "`{id}` added as\n{}",
                added_lines(catalogue_text, &fixed)
            );
            added += 1;
        }
        project.set_text(catalogue, catalogue_text);
    }
    assert!(added >= 20, "{added} requirements added back");
}
