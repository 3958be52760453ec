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
