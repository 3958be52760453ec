//! Incrementality: an edit re-checks only what depends on it. Each test records which queries
//! salsa executed after an edit and asserts the set.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::db::{Database, ExecutedQuery, ItemId, ItemKey, SourceFile};
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::ItemKind;
use salsa::plumbing::AsId;

const RULES: &str = "ruleset test.incremental
  title en \"Incrementality\" fr \"Incrémentalité\"
  version \"1\"
  input declaration: Declaration

use stdlib.customs.*

rule MASS
  title en \"Masses\" fr \"Masses\"
  severity error
  category validation_violation
  implements CAS-MASS-01
  for every item in declaration.items
  when item.gross_mass is present and item.net_mass is present
  require item.gross_mass >= item.net_mass
  message en \"item {item.seq}\" fr \"article {item.seq}\"

rule ITEMS
  title en \"Items\" fr \"Articles\"
  severity error
  category validation_violation
  implements CAS-MASS-01
  require declaration.items is not empty
  message en \"no items\" fr \"aucun article\"
";

fn project() -> (Project, SourceFile) {
    let mut project = Project::new(Database::with_event_log());
    let file = project.add_file("rules/test.clr", RULES);
    // Warm every query up, as the editor and `clearance check` do.
    assert!(
        project.diagnostics(|_| true).is_empty(),
        "{:?}",
        project.diagnostics(|_| true)
    );
    project.program();
    project.db().take_executed();
    (project, file)
}

fn rule_id(project: &Project, file: SourceFile, name: &str) -> salsa::Id {
    ItemId::new(
        project.db(),
        file,
        ItemKey {
            kind: ItemKind::Rule,
            name: name.to_string(),
            occurrence: 0,
        },
    )
    .as_id()
}

fn executed(project: &Project, query: &str) -> Vec<salsa::Id> {
    project
        .db()
        .take_executed()
        .into_iter()
        .filter(|ExecutedQuery { query: name, .. }| name == query)
        .map(|executed| executed.key)
        .collect()
}

/// The rules with one rule's body changed.
fn body_edited() -> String {
    RULES.replace(
        "require item.gross_mass >= item.net_mass",
        "require item.gross_mass > item.net_mass",
    )
}

#[test]
fn editing_one_rule_body_rechecks_that_rule_alone() {
    let (mut project, file) = project();
    let edited = body_edited();
    project.set_text(file, &edited);
    project.diagnostics(|_| true);
    let checked = executed(&project, "check_rule");
    assert_eq!(checked, vec![rule_id(&project, file, "MASS")]);
}

#[test]
fn editing_one_rule_parses_that_rule_alone() {
    let (mut project, file) = project();
    let edited = body_edited();
    project.set_text(file, &edited);
    project.diagnostics(|_| true);
    let events = project.db().take_executed();
    let parsed: Vec<&ExecutedQuery> = events
        .iter()
        .filter(|event| event.query == "item_parse")
        .collect();
    assert_eq!(parsed.len(), 1, "{events:?}");
    // Blank lines after the `use` item move every rule down: the `use` item, whose text now
    // ends with them, is parsed again, and no rule is.
    let moved = edited.replace("use stdlib.customs.*\n", "use stdlib.customs.*\n\n\n");
    project.set_text(file, &moved);
    project.diagnostics(|_| true);
    assert_eq!(executed(&project, "item_parse").len(), 1);
}

#[test]
fn moving_text_rechecks_no_rule() {
    let (mut project, file) = project();
    let moved = RULES.replace(
        "use stdlib.customs.*\n",
        "use stdlib.customs.*\n\n// A comment that moves every rule down.\n\n",
    );
    project.set_text(file, &moved);
    let diagnostics = project.diagnostics(|_| true);
    assert!(diagnostics.is_empty());
    assert_eq!(executed(&project, "check_rule"), Vec::<salsa::Id>::new());
}

#[test]
fn moved_diagnostics_still_point_at_their_text() {
    let broken = RULES.replace(
        "require declaration.items is not empty",
        "require declaration.itemz is not empty",
    );
    let mut project = Project::new(Database::with_event_log());
    let file = project.add_file("rules/test.clr", &broken);
    let before = project.diagnostics(|_| true);
    assert_eq!(before.len(), 1);
    let moved = broken.replace(
        "use stdlib.customs.*\n",
        "use stdlib.customs.*\n\n// moved\n",
    );
    project.set_text(file, &moved);
    project.db().take_executed();
    let after = project.diagnostics(|_| true);
    assert_eq!(executed(&project, "check_rule"), Vec::<salsa::Id>::new());
    let span = after[0].diagnostic.primary_span();
    assert_eq!(&moved[span.start as usize..span.end as usize], "itemz");
}

#[test]
fn renaming_a_record_field_rechecks_only_the_rules_that_read_it() {
    let mut project = Project::new(Database::with_event_log());
    let schema = "module test.schema\n\nrecord Thing\n  weight: Mass\n  label: Text\n";
    let schema_file = project.add_file("rules/schema.clr", schema);
    let rules = "ruleset test.things
  title en \"Things\" fr \"Choses\"
  version \"1\"
  input thing: Thing

use test.schema.*

rule HEAVY
  title en \"Heavy\" fr \"Lourd\"
  severity error
  category validation_violation
  implements X-1
  require thing.weight < 10 kg
  message en \"heavy\" fr \"lourd\"

rule LABELLED
  title en \"Labelled\" fr \"Étiqueté\"
  severity error
  category validation_violation
  implements X-1
  require true
  message en \"unlabelled\" fr \"sans étiquette\"
";
    let file = project.add_file("rules/things.clr", rules);
    assert!(project.diagnostics(|_| true).is_empty());
    project.db().take_executed();
    project.set_text(schema_file, &schema.replace("weight", "mass"));
    let diagnostics = project.diagnostics(|_| true);
    assert_eq!(
        diagnostics.len(),
        1,
        "the rule that reads `weight` reports it"
    );
    // LABELLED reads no field of `Thing`, so the edit leaves it alone.
    assert_eq!(
        executed(&project, "check_rule"),
        vec![rule_id(&project, file, "HEAVY")]
    );
}
