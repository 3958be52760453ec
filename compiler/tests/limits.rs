//! Definitions and expressions that could run the checker in circles or off its stack are
//! diagnostics, never crashes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::diagnostics::DiagnosticId;
use clearance_compiler::project::Project;

fn diagnostics(files: &[(&str, &str)]) -> Vec<(DiagnosticId, String)> {
    let mut project = Project::default();
    for (path, text) in files {
        project.add_file(path, text);
    }
    let _ = project.program();
    project
        .diagnostics(|path| !path.starts_with("stdlib/"))
        .into_iter()
        .map(|diagnostic| {
            (
                diagnostic.diagnostic.id,
                diagnostic.diagnostic.message.to_string(),
            )
        })
        .collect()
}

fn recursive(found: &[(DiagnosticId, String)]) -> Vec<&str> {
    found
        .iter()
        .filter(|(id, _)| *id == DiagnosticId::RecursiveDefinition)
        .map(|(_, message)| message.as_str())
        .collect()
}

#[test]
fn constants_in_a_cycle_are_reported_not_crashed_on() {
    let found = diagnostics(&[(
        "m.clr",
        "module m\n\nconst a = b + 1\nconst b = a + 1\nconst c = c + 1\nconst d = a * 2\nconst e = 3\n",
    )]);
    let messages = recursive(&found);
    assert!(
        messages.contains(&"constant `a` depends on itself, through `b`"),
        "{found:?}"
    );
    assert!(
        messages.contains(&"constant `b` depends on itself, through `a`"),
        "{found:?}"
    );
    assert!(
        messages.contains(&"constant `c` is defined in terms of itself"),
        "{found:?}"
    );
    // `d` uses a constant of the cycle: reported where it names it; `e` is fine.
    assert_eq!(messages.len(), 4, "{found:?}");
}

#[test]
fn typed_constants_and_cycles_across_modules_are_reported_too() {
    let found = diagnostics(&[
        ("a.clr", "module a\n\nuse b.*\n\nconst x: Int = y + 1\n"),
        ("b.clr", "module b\n\nuse a.*\n\nconst y: Int = x + 1\n"),
    ]);
    assert_eq!(recursive(&found).len(), 2, "{found:?}");
}

fn rule_requiring(condition: &str) -> String {
    format!(
        "ruleset t.r\n  title en \"T\" fr \"T\"\n  version \"1\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nrule R-1\n  title en \"r\" fr \"r\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require {condition}\n  message en \"m\" fr \"m\"\n"
    )
}

/// On the test thread's own stack (2 MiB): a chain as long as these used to overflow it.
#[test]
fn long_chains_of_one_operator_are_reported_not_overflowed() {
    let sum = rule_requiring(&format!("{} > 0", vec!["1"; 30_000].join(" + ")));
    let found = diagnostics(&[("t.clr", &sum)]);
    assert!(
        found
            .iter()
            .any(|(_, message)| message.contains("this chain of `+` has 30000 operands")),
        "{:?}",
        found.iter().map(|(id, _)| id).collect::<Vec<_>>()
    );
    let or = rule_requiring(&vec!["true"; 100_000].join(" or "));
    let found = diagnostics(&[("t.clr", &or)]);
    assert!(
        found
            .iter()
            .any(|(_, message)| message.contains("this chain of `or` has 100000 operands")),
    );
    // Up to the limit, a chain is an expression like any other.
    let fine = rule_requiring(&vec!["true"; 90].join(" or "));
    let found = diagnostics(&[("t.clr", &fine)]);
    assert!(
        found
            .iter()
            .all(|(id, _)| *id != DiagnosticId::SyntaxError && *id != DiagnosticId::TooDeep),
        "{found:?}"
    );
}
