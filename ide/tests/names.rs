//! Fields and codes, answered from what the checker recorded: definition, hover, references,
//! rename and completion, and the type of an expression under the cursor.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::diagnostics::Language;
use clearance_compiler::project::Project;
use clearance_ide::{
    CompletionKind, completions, definition, hover, prepare_rename, references, rename,
};

const RULES: &str = "ruleset lib.boxes
  title en \"Boxes\" fr \"Boîtes\"
  version \"1\"
  source CAS \"CAS\"
  input declaration: Declaration

use stdlib.customs.*
use stdlib.codes.{TransportMode}

record Box
  /// The weight of the box, in whole units.
  weight: Int
  code: Text

record Crate
  code: Text

fn heavy(box: Box) -> Bool
  = box.weight > 3 and box.code != \"\"

fn crate_code(c: Crate) -> Text
  = c.code

const usual: Box = {weight: 2, code: \"B\"}

const mode: TransportMode = sea

const other_mode = TransportMode.air

rule R-1
  title en \"Mass\" fr \"Masse\"
  severity error
  category validation_violation
  implements CAS-MASS-01
  let total = sum item.gross_mass otherwise 0 kg for item in declaration.items
  require total >= 0 kg and declaration.reference != \"\"
  message en \"{declaration.reference}\" fr \"{declaration.reference}\"
";

const CATALOGUE: &str = "module requirements\n  source CAS \"CAS\"\n\nrequirement CAS-MASS-01\n  title en \"Mass\" fr \"Masse\"\n  cites CAS \"masse\"\n";

fn project(rules: &str) -> Project {
    let mut project = Project::default();
    project.add_file("lib/boxes.clr", rules);
    project.add_file("requirements.clr", CATALOGUE);
    project
}

/// The offset just inside the `nth` (0-based) occurrence of `needle`, at `within` bytes in.
fn at(text: &str, needle: &str, nth: usize, within: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .map(|(start, _)| start + within)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the text"))
}

fn texts_of(project: &Project, ranges: &[clearance_ide::FileRange]) -> Vec<String> {
    ranges
        .iter()
        .map(|range| {
            let text = project.file(&range.path).unwrap().text(project.db());
            format!("{}:{}", range.path, &text[range.start..range.end])
        })
        .collect()
}

fn line_of(project: &Project, range: &clearance_ide::FileRange) -> String {
    let text = project.file(&range.path).unwrap().text(project.db());
    let start = text[..range.start].rfind('\n').map_or(0, |at| at + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |at| range.end + at);
    text[start..end].trim().to_string()
}

#[test]
fn a_field_goes_to_its_record_and_a_code_to_its_list() {
    let project = project(RULES);
    let path = "lib/boxes.clr";
    let weight = definition(&project, path, at(RULES, "box.weight", 0, 5)).unwrap();
    assert_eq!(
        (weight.path.as_str(), line_of(&project, &weight).as_str()),
        (path, "weight: Int")
    );
    let gross = definition(&project, path, at(RULES, "item.gross_mass", 0, 6)).unwrap();
    assert_eq!(gross.path, "stdlib/customs.clr");
    assert_eq!(line_of(&project, &gross), "gross_mass: Mass?");
    let sea = definition(&project, path, at(RULES, "= sea", 0, 3)).unwrap();
    assert_eq!(sea.path, "stdlib/codes.clr");
    assert!(
        line_of(&project, &sea).starts_with("sea = \"1\""),
        "{}",
        line_of(&project, &sea)
    );
    let air = definition(&project, path, at(RULES, "TransportMode.air", 0, 15)).unwrap();
    assert!(line_of(&project, &air).starts_with("air = \"4\""));
    // A field inside a message template, and an input through the rule set's header.
    let reference =
        definition(&project, path, at(RULES, "{declaration.reference}", 0, 14)).unwrap();
    assert_eq!(line_of(&project, &reference), "reference: Text");
    // A record literal's key is the field too.
    let key = definition(&project, path, at(RULES, "{weight: 2", 0, 2)).unwrap();
    assert_eq!(key, weight);
}

#[test]
fn hover_shows_a_field_a_code_and_the_type_of_an_expression_with_its_unit() {
    let project = project(RULES);
    let path = "lib/boxes.clr";
    let weight = hover(
        &project,
        path,
        at(RULES, "box.weight", 0, 5),
        Language::English,
    )
    .unwrap();
    assert!(
        weight.contents.contains("weight: Int"),
        "{}",
        weight.contents
    );
    assert!(
        weight.contents.contains("field of record `Box`"),
        "{}",
        weight.contents
    );
    assert!(
        weight.contents.contains("The weight of the box"),
        "{}",
        weight.contents
    );
    let gross = hover(
        &project,
        path,
        at(RULES, "item.gross_mass", 0, 7),
        Language::English,
    )
    .unwrap();
    assert!(
        gross.contents.contains("`Mass?` · in `kg` · may be absent"),
        "{}",
        gross.contents
    );
    let sea = hover(&project, path, at(RULES, "= sea", 0, 3), Language::English).unwrap();
    assert!(
        sea.contents.contains("TransportMode.sea"),
        "{}",
        sea.contents
    );
    assert!(
        sea.contents.contains("- en: Sea transport"),
        "{}",
        sea.contents
    );
    assert!(
        sea.contents.contains("- fr: Transport maritime"),
        "{}",
        sea.contents
    );
    assert!(
        sea.contents.contains("written `1` in data"),
        "{}",
        sea.contents
    );
    // A `let` where it is used: the checked type of the binding, with its unit.
    let total = hover(
        &project,
        path,
        at(RULES, "total >=", 0, 2),
        Language::English,
    )
    .unwrap();
    assert!(
        total.contents.contains("total\n```\n`Mass` · in `kg`"),
        "{}",
        total.contents
    );
    let input = hover(
        &project,
        path,
        at(RULES, "in declaration.items", 0, 5),
        Language::English,
    )
    .unwrap();
    assert!(
        input.contents.contains("`Declaration`"),
        "{}",
        input.contents
    );
}

#[test]
fn references_of_a_field_are_the_uses_of_that_record_s_field_only() {
    let project = project(RULES);
    let path = "lib/boxes.clr";
    let from_use = references(&project, path, at(RULES, "box.code", 0, 5), true);
    assert_eq!(
        texts_of(&project, &from_use),
        [
            "lib/boxes.clr:code",
            "lib/boxes.clr:code",
            "lib/boxes.clr:code"
        ],
    );
    assert_eq!(line_of(&project, &from_use[0]), "code: Text");
    // `Crate`'s field of the same name is another field; the declaration finds the same uses.
    let declared = at(RULES, "  code: Text", 0, 2);
    assert_eq!(references(&project, path, declared, true), from_use);
    let crate_code = references(&project, path, at(RULES, "c.code", 0, 3), false);
    assert_eq!(crate_code.len(), 1);
    assert_eq!(line_of(&project, &crate_code[0]), "= c.code");
    // A code across the standard library and the rules.
    let sea = references(&project, path, at(RULES, "= sea", 0, 3), false);
    assert!(sea.iter().any(|range| range.path == path), "{sea:?}");
}

#[test]
fn a_field_of_the_rules_own_record_is_renamed_everywhere_but_data_and_codes_are_not() {
    let project = project(RULES);
    let path = "lib/boxes.clr";
    let offset = at(RULES, "box.weight", 0, 5);
    let range = prepare_rename(&project, path, offset).unwrap();
    assert_eq!(&RULES[range.start..range.end], "weight");
    let edits = rename(&project, path, offset, "mass").unwrap();
    let mut renamed = RULES.to_string();
    let mut starts: Vec<(usize, usize)> = edits.iter().map(|edit| (edit.start, edit.end)).collect();
    starts.sort();
    for (start, end) in starts.into_iter().rev() {
        renamed.replace_range(start..end, "mass");
    }
    assert!(renamed.contains("  mass: Int"), "{renamed}");
    assert!(renamed.contains("box.mass > 3"), "{renamed}");
    assert!(renamed.contains("{mass: 2"), "{renamed}");
    let renamed_project = project_checked(&renamed);
    assert!(renamed_project.is_empty(), "{renamed_project:?}");

    let taken = rename(&project, path, offset, "code")
        .unwrap_err()
        .english();
    assert!(taken.contains("already a field of `Box`"), "{taken}");
    let code = prepare_rename(&project, path, at(RULES, "= sea", 0, 3))
        .unwrap_err()
        .english();
    assert!(code.contains("is a code"), "{code}");
    let stdlib = prepare_rename(&project, path, at(RULES, "item.gross_mass", 0, 6))
        .unwrap_err()
        .english();
    assert!(stdlib.contains("standard library"), "{stdlib}");

    // A record the inputs reach is named by the data's keys.
    let inputs = RULES.replace(
        "input declaration: Declaration",
        "input declaration: Declaration\n  input box: Box",
    );
    let project = project_checked_project(&inputs);
    let data = prepare_rename(&project, path, at(&inputs, "box.weight", 0, 5))
        .unwrap_err()
        .english();
    assert!(data.contains("read from data (the input `box`"), "{data}");
}

fn project_checked_project(rules: &str) -> Project {
    let project = project(rules);
    let errors = project_checked(rules);
    assert!(errors.is_empty(), "{errors:?}");
    project
}

/// The errors the project reports, as messages.
fn project_checked(rules: &str) -> Vec<String> {
    let project = project(rules);
    project
        .diagnostics(|_| true)
        .into_iter()
        .filter(|diagnostic| {
            diagnostic.diagnostic.severity == clearance_compiler::diagnostics::Severity::Error
        })
        .map(|diagnostic| {
            let message = &diagnostic.diagnostic.message;
            format!("{} {}", message.key(), message.english())
        })
        .collect()
}

fn labels(project: &Project, path: &str, offset: usize) -> Vec<(String, CompletionKind)> {
    completions(project, path, offset)
        .into_iter()
        .map(|completion| (completion.label, completion.kind))
        .collect()
}

#[test]
fn completion_after_a_dot_offers_the_fields_of_the_record_read() {
    let path = "lib/boxes.clr";
    // The analyst has typed `declaration.` and nothing after it yet.
    let typing = RULES.replace("declaration.reference != \"\"", "declaration.");
    let project = project(&typing);
    let offset = at(&typing, "declaration.\n", 0, "declaration.".len());
    let offered = labels(&project, path, offset);
    assert!(
        offered.contains(&("reference".to_string(), CompletionKind::Field)),
        "{offered:?}"
    );
    assert!(
        offered.contains(&("items".to_string(), CompletionKind::Field)),
        "{offered:?}"
    );
    assert!(
        offered
            .iter()
            .all(|(_, kind)| *kind == CompletionKind::Field),
        "{offered:?}"
    );
    // The rest of the file is still checked: the error is the missing name, once.
    let errors = project_checked(&typing);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("field-name-missing"), "{errors:?}");

    // A prefix narrows them; a loop variable's record is the list's element.
    let prefix = RULES.replace("item.gross_mass otherwise", "item.gro otherwise");
    let project = self::project(&prefix);
    let offered = labels(&project, path, at(&prefix, "item.gro", 0, "item.gro".len()));
    assert_eq!(offered, [("gross_mass".to_string(), CompletionKind::Field)]);
}

#[test]
fn completion_offers_the_codes_of_the_expected_list_and_the_bindings_in_scope() {
    let path = "lib/boxes.clr";
    let typing = RULES.replace(
        "const mode: TransportMode = sea",
        "const mode: TransportMode = ro",
    );
    let project = project(&typing);
    let offered = labels(&project, path, at(&typing, "= ro", 0, 4));
    assert!(
        offered.contains(&("road".to_string(), CompletionKind::Code)),
        "{offered:?}"
    );
    assert!(
        offered.contains(&("roll_on_roll_off".to_string(), CompletionKind::Code)),
        "{offered:?}"
    );
    let qualified = RULES.replace("TransportMode.air", "TransportMode.");
    let project = self::project(&qualified);
    let offered = labels(&project, path, at(&qualified, "TransportMode.\n", 0, 14));
    assert!(
        offered.contains(&("air".to_string(), CompletionKind::Code)),
        "{offered:?}"
    );
    assert_eq!(offered.len(), 9, "{offered:?}");

    let local = RULES.replace("require total >= 0 kg", "require tot");
    let project = self::project(&local);
    let offered = labels(
        &project,
        path,
        at(&local, "require tot", 0, "require tot".len()),
    );
    assert!(
        offered.contains(&("total".to_string(), CompletionKind::Local)),
        "{offered:?}"
    );
}

#[test]
fn completion_after_an_operator_with_nothing_typed_yet() {
    let path = "lib/boxes.clr";
    // `require declaration.border_transport_mode == ` and the cursor after the space.
    let typing = RULES.replace(
        "require total >= 0 kg and declaration.reference != \"\"",
        "require declaration.border_transport_mode == ",
    );
    let project = project(&typing);
    let offset = at(&typing, "== ", 0, 3);
    let offered = labels(&project, path, offset);
    for code in ["sea", "air", "road"] {
        assert!(
            offered.contains(&(code.to_string(), CompletionKind::Code)),
            "{offered:?}"
        );
    }
    // The rest of the file is still checked: the error is the missing operand, once.
    let errors = project_checked(&typing);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("operand-missing"), "{errors:?}");

    // After `in`, the bindings in scope and the constants; a name after a space is not an
    // operand being typed.
    let membership = RULES.replace(
        "require total >= 0 kg and declaration.reference != \"\"",
        "require declaration.reference != \"\" and total in ",
    );
    let project = self::project(&membership);
    let offered = labels(&project, path, at(&membership, "in \n", 0, 3));
    assert!(
        offered.contains(&("total".to_string(), CompletionKind::Local)),
        "{offered:?}"
    );
    let after_a_field = labels(
        &project,
        path,
        at(&membership, "reference != ", 0, "reference ".len()),
    );
    assert!(
        after_a_field
            .iter()
            .all(|(_, kind)| *kind != CompletionKind::Field),
        "{after_a_field:?}"
    );
}

#[test]
fn completion_in_an_example_s_with_path_and_value() {
    let path = "lib/boxes.clr";
    let example = "\nexample \"a mass\"\n  given { declaration: { reference: \"R\", items: [] } }\n  with declaration.\n  expect R-1 passes\n";
    let typing = format!("{RULES}{example}");
    let project = project(&typing);
    let offered = labels(
        &project,
        path,
        at(&typing, "with declaration.", 0, "with declaration.".len()),
    );
    for field in ["reference", "items", "border_transport_mode"] {
        assert!(
            offered.contains(&(field.to_string(), CompletionKind::Field)),
            "{offered:?}"
        );
    }
    let errors = project_checked(&typing);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().all(|error| error.contains("syntax-error")),
        "{errors:?}"
    );

    // The path written, the value not yet: the codes of the field's list.
    let valued = typing.replace(
        "with declaration.\n",
        "with declaration.border_transport_mode = \n",
    );
    let project = self::project(&valued);
    let offered = labels(
        &project,
        path,
        at(
            &valued,
            "border_transport_mode = ",
            0,
            "border_transport_mode = ".len(),
        ),
    );
    assert!(
        offered.contains(&("sea".to_string(), CompletionKind::Code)),
        "{offered:?}"
    );
}

#[test]
fn a_let_goes_to_its_declaration_and_its_references_include_the_message() {
    let path = "lib/boxes.clr";
    let text = RULES.replace(
        "message en \"{declaration.reference}\" fr \"{declaration.reference}\"",
        "message en \"total {total}\" fr \"total {total}\"",
    );
    let project = project(&text);
    assert_eq!(project_checked(&text), Vec::<String>::new());
    let declared = at(&text, "let total", 0, 4);
    let in_message = at(&text, "{total}", 1, 1);
    let definition = definition(&project, path, in_message).unwrap();
    assert_eq!(definition.start, declared);
    let found: Vec<usize> = references(&project, path, declared + 1, true)
        .into_iter()
        .map(|place| place.start)
        .collect();
    assert_eq!(
        found,
        [
            declared,
            at(&text, "require total", 0, "require ".len()),
            at(&text, "{total}", 0, 1),
            in_message
        ]
    );
    let shown = hover(&project, path, declared + 1, Language::English).unwrap();
    assert!(shown.contents.contains("`Mass`"), "{}", shown.contents);
}
