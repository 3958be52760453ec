//! The library's and each rule set's hash: what changes them and what does not.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::project::Project;

const MODULE: &str =
    "module shared.limits\n  title en \"Limits\" fr \"Limites\"\n\nconst limit: Int = 22\n";

fn ruleset(name: &str, uses_module: bool) -> String {
    format!(
        "ruleset {name}\n  title en \"R\" fr \"R\"\n  version \"1\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n{}",
        if uses_module {
            "use shared.limits.*\n"
        } else {
            ""
        }
    )
}

fn hashes(module: &str, prefix: &str) -> (String, String, String) {
    let mut project = Project::default();
    for (name, text) in [
        ("limits.clr", module.to_string()),
        ("a.clr", ruleset("test.a", true)),
        ("b.clr", ruleset("test.b", false)),
    ] {
        let path = format!("{prefix}{name}");
        project.add_file(&path, &text);
        project.set_hash_name(&path, name);
    }
    let program = project.program();
    let hash_of = |name: &str| {
        program
            .rulesets
            .iter()
            .find(|ruleset| ruleset.name == name)
            .unwrap()
            .hash
            .clone()
    };
    (
        program.content_hash.clone(),
        hash_of("test.a"),
        hash_of("test.b"),
    )
}

#[test]
fn a_change_changes_the_hashes_of_what_depends_on_it_only() {
    let before = hashes(MODULE, "rules/");
    assert_eq!(before.0.len(), 64);
    // Where the files are is not part of the hashes; their library-relative names are.
    assert_eq!(hashes(MODULE, "../elsewhere/rules/"), before);
    let after = hashes(&MODULE.replace("22", "23"), "rules/");
    assert_ne!(after.0, before.0, "the library changed");
    assert_ne!(after.1, before.1, "test.a imports the changed module");
    assert_eq!(after.2, before.2, "test.b does not");
}
