//! What an analyst waits for in the editor: diagnostics after a keystroke, hover, definition
//! and completion, on a rule file of about 10,000 lines, in process (the language server's
//! analysis thread does the same work, plus the protocol).
//!
//! `cargo bench -p clearance-benches --bench editing`; prints p50 and p95 of each.

use std::time::Instant;

use clearance_compiler::diagnostics::Language;
use clearance_compiler::project::Project;

#[path = "editing_shared.rs"]
mod editing_shared;
use editing_shared::{report, rule_file};

fn main() {
    let rules = 700;
    let requirements = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/requirements.clr"
    ))
    .unwrap_or_default();
    let mut project = Project::default();
    project.add_file("requirements.clr", &requirements);
    let text = rule_file(rules, usize::MAX, 0);
    println!(
        "a rule file of {} lines, {rules} rules and as many examples",
        text.lines().count()
    );
    let started = Instant::now();
    let file = project.add_file("rules.clr", &text);
    let cold = project.diagnostics(|path| path == "rules.clr");
    println!(
        "{:<44} {:>8.2} ms ({} diagnostics)",
        "cold check of the file",
        started.elapsed().as_secs_f64() * 1000.0,
        cold.len()
    );

    // A keystroke in one rule's body: the whole text is replaced, as full synchronisation
    // sends it, and the file's diagnostics are asked for again.
    let mut keystrokes = Vec::new();
    for round in 0..200 {
        let edited = rule_file(rules, rules / 2, 1000 + round);
        let started = Instant::now();
        project.set_text(file, &edited);
        let diagnostics = project.diagnostics(|path| path == "rules.clr");
        keystrokes.push(started.elapsed());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
    report("keystroke -> diagnostics", keystrokes);

    let current = file.text(project.db()).clone();
    let middle = current.find(&format!("rule R-{}", rules / 2)).unwrap_or(0);
    let declaration = current.find("Declaration").unwrap_or(0) + 2;
    let mut hovers = Vec::new();
    let mut definitions = Vec::new();
    let mut completions = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        let hover = clearance_ide::hover(&project, "rules.clr", middle + 6, Language::English);
        hovers.push(started.elapsed());
        assert!(hover.is_some());
        let started = Instant::now();
        let definition = clearance_ide::definition(&project, "rules.clr", declaration);
        definitions.push(started.elapsed());
        assert!(definition.is_some());
        let started = Instant::now();
        let completion = clearance_ide::completions(&project, "rules.clr", middle + 2);
        completions.push(started.elapsed());
        assert!(!completion.is_empty());
    }
    report("hover on a rule", hovers);
    report("definition of a record (standard library)", definitions);
    report("completion", completions);
}
