//! What the server writes into documents: formatting, rename across files, quick fixes.

use serde_json::{Value, json};

use crate::session::{Session, apply_edits, document, file_uri};

#[test]
fn formatting_a_document_and_a_range_and_folding_it() {
    let mut session = Session::start();
    session.initialize("en");
    // A document the server does not know folds nowhere.
    session.request(
        2,
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": "file:///nowhere.clr"}}),
    );
    let unknown = session.response(2);
    assert!(unknown["result"].is_null(), "{unknown}");
    let directory = std::env::temp_dir().join(format!("clearance-lsp-fmt-{}", std::process::id()));
    let uri = file_uri(&directory.join("layout.clr"));
    let messy = document(
        "R-1",
        "declaration.gross_mass>=0 kg\n     and   declaration.reference is present",
    )
    .replace("  severity error", "      severity error")
    .replace(
        "use stdlib.customs.*\n",
        "use stdlib.customs.*\n\n\n\n// a note\n// over two lines\n",
    );
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": messy}}),
    );
    session.diagnostics(&uri, 1);

    // The whole document: the edits give what `clearance fmt` writes.
    session.request(
        3,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let response = session.response(3);
    let edits = response["result"].as_array().unwrap();
    let formatted = apply_edits(&messy, edits);
    let expected = clearance_compiler::syntax::format::format_file(&messy).unwrap();
    assert_eq!(formatted, expected);
    assert!(formatted.contains("\n  severity error\n"), "{formatted}");
    assert!(
        formatted.contains(
            "require declaration.gross_mass >= 0 kg\n          and declaration.reference"
        ),
        "{formatted}"
    );

    // The edits sent back as incremental changes (last first, so that each range still
    // holds): the document is then in the canonical layout.
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|edit| json!({"range": edit["range"], "text": edit["newText"]}))
        .collect();
    changes.sort_by_key(|change| {
        std::cmp::Reverse((
            change["range"]["start"]["line"].as_u64().unwrap(),
            change["range"]["start"]["character"].as_u64().unwrap(),
        ))
    });
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
    );
    session.request(
        30,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let again = session.response(30);
    assert_eq!(again["result"], json!([]), "{again}");
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": messy}]}),
    );

    // A range: the line of `severity` only.
    let line = messy
        .lines()
        .position(|line| line == "      severity error")
        .unwrap();
    session.request(
        4,
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 3}}}),
    );
    let response = session.response(4);
    let ranged = apply_edits(&messy, response["result"].as_array().unwrap());
    assert_eq!(
        ranged,
        messy.replace("      severity error", "  severity error")
    );

    // Folding: the comment block and each item of more than one line.
    session.request(
        5,
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let response = session.response(5);
    let folds = response["result"].as_array().unwrap();
    let comment = messy.lines().position(|line| line == "// a note").unwrap();
    assert!(
        folds.iter().any(|fold| fold["kind"] == "comment"
            && fold["startLine"] == comment
            && fold["endLine"] == comment + 1),
        "{response}"
    );
    let rule = messy.lines().position(|line| line == "rule R-1").unwrap();
    let last = messy.lines().count() - 1;
    assert!(
        folds.iter().any(|fold| fold["kind"] == "region"
            && fold["startLine"] == rule
            && fold["endLine"] == last),
        "{response}"
    );

    // A document that does not parse is not formatted.
    let broken = messy.replace("require declaration", "require (declaration");
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": broken}]}),
    );
    session.request(
        6,
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let response = session.response(6);
    assert!(response["result"].is_null(), "{response}");
    session.stop();
}

#[test]
fn references_and_rename_across_the_library() {
    let library = std::env::temp_dir().join(format!("clearance-lsp-rename-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&library);
    std::fs::create_dir_all(&library).unwrap();
    let shared = library.join("shared.clr");
    std::fs::write(&shared, "module lib.shared\n\nconst limit = 5\n").unwrap();
    let main = library.join("main.clr");
    let text = "module lib.main\n\nuse lib.shared.{limit}\n\nrecord Box\n  limit: Int\n\nfn over(b: Box) -> Bool\n  = b.limit > limit\n";
    std::fs::write(&main, text).unwrap();
    let mut session = Session::start();
    session.initialize_in("en", &library.canonicalize().unwrap());
    let uri = file_uri(&main.canonicalize().unwrap());
    let shared_uri = file_uri(&shared.canonicalize().unwrap());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    assert_eq!(session.diagnostics(&uri, 1), Vec::<Value>::new());
    let last_line = text.lines().count() - 1;
    let use_of_limit = json!({"line": last_line, "character": text.lines().last().unwrap().rfind("limit").unwrap() + 1});

    session.request(
        2,
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": use_of_limit, "context": {"includeDeclaration": true}}),
    );
    let response = session.response(2);
    let mut places: Vec<(String, u64)> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|location| {
            (
                location["uri"].as_str().unwrap().to_string(),
                location["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    places.sort();
    // The constant, its import and its use; not the field `limit` nor `b.limit`.
    assert_eq!(
        places,
        [
            (uri.clone(), 2),
            (uri.clone(), last_line as u64),
            (shared_uri.clone(), 2)
        ],
        "{response}"
    );

    // Workspace symbols: the constant, found by part of its name, in the file not open.
    session.request(20, "workspace/symbol", json!({"query": "LIM"}));
    let symbols = session.response(20);
    let found = symbols["result"].as_array().unwrap();
    assert!(
        found.iter().any(|symbol| symbol["name"] == "limit"
            && symbol["location"]["uri"] == shared_uri.as_str()
            && symbol["kind"] == 14),
        "{symbols}"
    );

    session.request(
        3,
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": use_of_limit}),
    );
    let prepared = session.response(3);
    assert_eq!(prepared["result"]["start"]["line"], last_line, "{prepared}");

    session.request(
        4,
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": use_of_limit, "newName": "ceiling"}),
    );
    let renamed = session.response(4);
    let changes = renamed["result"]["changes"].as_object().unwrap();
    assert_eq!(changes[&uri].as_array().unwrap().len(), 2, "{renamed}");
    assert_eq!(
        changes[&shared_uri].as_array().unwrap().len(),
        1,
        "{renamed}"
    );
    assert!(
        changes[&uri]
            .as_array()
            .unwrap()
            .iter()
            .all(|edit| edit["newText"] == "ceiling")
    );

    // Refused, with the reason: a name that is taken.
    session.request(
        5,
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": use_of_limit, "newName": "Box"}),
    );
    let refused = session.response(5);
    let reason = refused["error"]["message"].as_str().unwrap();
    assert!(
        reason.contains("`Box` already names record `Box`"),
        "{refused}"
    );
    // The field `limit` of `Box` is another name: renaming it renames the field and `b.limit`,
    // found by the checker, and leaves the constant alone.
    let field = json!({"line": last_line, "character": text.lines().last().unwrap().find("limit").unwrap() + 1});
    session.request(
        6,
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": field, "newName": "size"}),
    );
    let renamed = session.response(6);
    let changes = renamed["result"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "{renamed}");
    let mut lines: Vec<u64> = changes[&uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|edit| edit["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    lines.sort();
    assert_eq!(lines, [5, last_line as u64], "{renamed}");
    session.stop();
}

#[test]
fn a_missing_translation_is_added_by_a_quick_fix() {
    let mut session = Session::start();
    session.initialize("en");
    let directory =
        std::env::temp_dir().join(format!("clearance-lsp-translate-{}", std::process::id()));
    let uri = file_uri(&directory.join("translate.clr"));
    let text = document("R-1", "declaration.reference != \"X\"").replace(
        "  message en \"m\" fr \"m\"",
        "  message en \"the reference is X\"",
    );
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    let diagnostics = session.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "missing-translation");
    session.request(
        2,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"],
            "context": {"diagnostics": []}}),
    );
    let response = session.response(2);
    let action = &response["result"][0];
    assert_eq!(action["title"], "add the `fr` text", "{response}");
    let edits = action["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert!(
        fixed.contains("  message en \"the reference is X\" fr \"\"\n"),
        "{fixed}"
    );
    session.stop();
}

#[test]
fn quick_fixes_add_a_presence_test_and_a_requirement_to_the_catalogue() {
    let library = std::env::temp_dir().join(format!("clearance-lsp-fixes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&library);
    std::fs::create_dir_all(&library).unwrap();
    let catalogue = library.join("requirements.clr");
    let catalogue_text = "module requirements\n  source CAS \"CAS\"\n\nrequirement CAS-MASS-01\n  title en \"Mass\" fr \"Masse\"\n  cites CAS \"masse\"\n";
    std::fs::write(&catalogue, catalogue_text).unwrap();
    let rules = library.join("rules.clr");
    let text = document("R-1", "declaration.gross_mass > 0 kg")
        .replace("implements CAS-MASS-01", "implements CAS-WEIGHT-07");
    std::fs::write(&rules, &text).unwrap();
    let mut session = Session::start();
    session.initialize_in("en", &library.canonicalize().unwrap());
    let uri = file_uri(&rules.canonicalize().unwrap());
    let catalogue_uri = file_uri(&catalogue.canonicalize().unwrap());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    let diagnostics = session.diagnostics(&uri, 1);
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown-requirement", "maybe-absent"],
        "{diagnostics:?}"
    );
    let lines = text.lines().count() as u64;
    session.request(
        2,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}},
            "context": {"diagnostics": diagnostics}}),
    );
    let response = session.response(2);
    let actions = response["result"].as_array().unwrap();
    let titled = |title: &str| -> &Value {
        actions
            .iter()
            .find(|action| action["title"] == title)
            .unwrap_or_else(|| panic!("no action `{title}` in {response}"))
    };

    // The requirement goes into the catalogue, another file than the one being edited.
    let add = titled("add `CAS-WEIGHT-07` to the requirements catalogue `requirements.clr`");
    let edits = add["edit"]["changes"][&catalogue_uri].as_array().unwrap();
    let fixed = apply_edits(catalogue_text, edits);
    assert!(
        fixed.ends_with("  cites CAS \"masse\"\n\nrequirement CAS-WEIGHT-07\n  title en \"Mass\" fr \"Masse brute déclarée\"\n"),
        "{fixed}"
    );
    assert_eq!(add["edit"]["changes"].as_object().unwrap().len(), 1);

    // The presence test goes into a new `when` before the `require`.
    let guard = titled("test `declaration.gross_mass` is present in the rule's `when`");
    assert_eq!(guard["isPreferred"], true);
    let edits = guard["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert!(
        fixed.contains(
            "  when declaration.gross_mass is present\n  require declaration.gross_mass > 0 kg\n"
        ),
        "{fixed}"
    );
    session.stop();
    let _ = std::fs::remove_dir_all(&library);
}
