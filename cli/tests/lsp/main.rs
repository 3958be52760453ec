//! `clearance lsp` over stdio, as an editor drives it: JSON-RPC framed by `Content-Length`,
//! numeric request ids, a float in the parameters, the rule library as the workspace folder.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod edits;
mod session;

use serde_json::{Value, json};

use session::{Session, document, file_uri, root};

#[test]
fn diagnostics_as_you_type_in_utf16_positions_and_requests_see_the_latest_text() {
    let mut session = Session::start();
    session.initialize("en");

    // A file of the library, opened as it is on disk: it checks clean.
    let library_file = root().join("rules/cas/declaration.clr");
    let library_uri = file_uri(&library_file);
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": library_uri, "languageId": "clearance", "version": 1,
            "text": std::fs::read_to_string(&library_file).unwrap()}}),
    );
    assert_eq!(session.diagnostics(&library_uri, 1), Vec::<Value>::new());

    // A new file with a misspelt field after characters of two and four bytes.
    let directory = std::env::temp_dir().join(format!("clearance-lsp-{}", std::process::id()));
    let uri = file_uri(&directory.join("new.clr"));
    let require = "\"é𝄞\" != \"x\" and declaration.refrence is present";
    let text = document("R-1", require);
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    let diagnostics = session.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "unknown-field");
    // The id links to its row in the diagnostics reference the server wrote.
    let href = diagnostic["codeDescription"]["href"].as_str().unwrap();
    let (file, line) = href
        .strip_prefix("file://")
        .unwrap()
        .split_once("#L")
        .unwrap();
    let reference = std::fs::read_to_string(file).unwrap();
    let row = reference
        .lines()
        .nth(line.parse::<usize>().unwrap() - 1)
        .unwrap();
    assert!(row.starts_with("| `unknown-field` |"), "{href}: {row}");
    assert_eq!(diagnostic["severity"], 1);
    let line = text
        .lines()
        .position(|line| line.contains("refrence"))
        .unwrap();
    let before = &text.lines().nth(line).unwrap()
        [..text.lines().nth(line).unwrap().find("refrence").unwrap()];
    let column: usize = before.chars().map(char::len_utf16).sum();
    assert_eq!(
        diagnostic["range"]["start"],
        json!({"line": line, "character": column})
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `reference`?"),
        "{diagnostic}"
    );

    // Its quick fix writes the name it proposes over the misspelt one.
    session.request(
        6,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]}}),
    );
    let actions = session.response(6);
    let action = &actions["result"][0];
    assert_eq!(action["title"], "replace with `reference`", "{actions}");
    assert_eq!(action["kind"], "quickfix");
    let edits = &action["edit"]["changes"][&uri];
    assert_eq!(edits[0]["newText"], "reference", "{actions}");
    assert_eq!(edits[0]["range"], diagnostic["range"]);

    // The fix, and at once a request: the request sees the new text (the rule's new name),
    // and the file's diagnostics are gone.
    let fixed = document("R-2", "declaration.gross_mass is present");
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    session.request(
        2,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols = session.response(2);
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lsp.test", "R-2"], "{symbols}");
    assert_eq!(session.diagnostics(&uri, 2), Vec::<Value>::new());

    // Hover on the rule, and on the record the rule set's input is, and go to its definition:
    // the standard library, written to a cache directory an editor can open.
    let position = |needle: &str| {
        let line = fixed
            .lines()
            .position(|line| line.contains(needle))
            .unwrap();
        let column = fixed.lines().nth(line).unwrap().find(needle).unwrap() + 1;
        json!({"line": line, "character": column})
    };
    session.request(
        3,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position("R-2")}),
    );
    let hover = session.response(3);
    let contents = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        contents.contains("**Mass**") && contents.contains("`CAS-MASS-01`"),
        "{hover}"
    );
    session.request(
        4,
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position("Declaration")}),
    );
    let definition = session.response(4);
    let target = definition["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("/customs.clr"), "{definition}");
    let written = std::fs::read_to_string(target.strip_prefix("file://").unwrap()).unwrap();
    let line = definition["result"]["range"]["start"]["line"]
        .as_u64()
        .unwrap() as usize;
    assert!(
        written
            .lines()
            .nth(line)
            .unwrap()
            .starts_with("record Declaration"),
        "{definition}"
    );

    // Completion where `sev` is typed, in a rule: the keyword `severity`.
    let typing = fixed.replace("  severity error", "  sev");
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": typing}]}),
    );
    let line = typing.lines().position(|line| line == "  sev").unwrap();
    session.request(
        5,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 5}}),
    );
    let completion = session.response(5);
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["severity"], "{completion}");

    session.stop();
}

#[test]
fn diagnostics_follow_the_clients_locale() {
    let mut session = Session::start();
    session.initialize("fr-FR");
    let directory = std::env::temp_dir().join(format!("clearance-lsp-fr-{}", std::process::id()));
    let uri = file_uri(&directory.join("nouveau.clr"));
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 7,
            "text": document("R-1", "declaration.refrence is present")}}),
    );
    let diagnostics = session.diagnostics(&uri, 7);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("n'a pas de champ `refrence`"), "{message}");
    assert!(
        message.contains("vouliez-vous dire `reference` ?"),
        "{message}"
    );
    session.stop();
}

#[test]
fn files_changed_behind_the_editor_are_read_again() {
    let library = std::env::temp_dir().join(format!("clearance-lsp-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&library);
    std::fs::create_dir_all(&library).unwrap();
    let shared = library.join("shared.clr");
    std::fs::write(&shared, "module lib.shared\n\nconst limit = 5\n").unwrap();
    let main = library.join("main.clr");
    let text = "module lib.main\n\nuse lib.shared.{limit}\n\nconst doubled = limit + limit\n";
    std::fs::write(&main, text).unwrap();

    let mut session = Session::start();
    session.initialize_with(
        "en",
        &library.canonicalize().unwrap(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // A client that lets it gets asked for the events of rule files.
    session.notify("initialized", json!({}));
    let registration = session.wait_for("client/registerCapability", |message| {
        message["method"] == "client/registerCapability"
    });
    let registered = &registration["params"]["registrations"][0];
    assert_eq!(registered["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registered["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.clr"
    );
    session.send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));
    let uri = file_uri(&main.canonicalize().unwrap());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    assert_eq!(session.diagnostics(&uri, 1), Vec::<Value>::new());

    // A checkout renames the constant the open file imports.
    std::fs::write(&shared, "module lib.shared\n\nconst ceiling = 5\n").unwrap();
    let shared_uri = file_uri(&shared.canonicalize().unwrap());
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": shared_uri, "type": 2}]}),
    );
    let diagnostics = session.diagnostics(&uri, 1);
    assert!(!diagnostics.is_empty(), "the import no longer resolves");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{diagnostics:?}"
    );

    // It comes back; then the module is deleted.
    std::fs::write(&shared, "module lib.shared\n\nconst limit = 5\n").unwrap();
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": shared_uri, "type": 2}]}),
    );
    assert_eq!(session.diagnostics(&uri, 1), Vec::<Value>::new());
    std::fs::remove_file(&shared).unwrap();
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": shared_uri, "type": 3}]}),
    );
    assert!(
        !session.diagnostics(&uri, 1).is_empty(),
        "the module is gone"
    );
    session.stop();
}

#[test]
fn semantic_tokens_in_utf16_with_the_legend() {
    let mut session = Session::start();
    session.request(
        1,
        "initialize",
        json!({"processId": null, "capabilities": {},
            "workspaceFolders": [{"uri": file_uri(&root().join("rules")), "name": "rules"}]}),
    );
    let initialized = session.response(1);
    let legend = &initialized["result"]["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<&str> = legend["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kind| kind.as_str().unwrap())
        .collect();
    let directory =
        std::env::temp_dir().join(format!("clearance-lsp-tokens-{}", std::process::id()));
    let uri = file_uri(&directory.join("tokens.clr"));
    // `é` is one UTF-16 unit and two bytes; `𝄞` two units and four bytes.
    let text = "module lib.tokens\n\nconst é𝄞 = 1\n\nconst twice = é𝄞 + é𝄞\n";
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    session.request(
        2,
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let response = session.response(2);
    let data: Vec<u64> = response["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|number| number.as_u64().unwrap())
        .collect();
    let (mut line, mut column) = (0, 0);
    let mut decoded = Vec::new();
    for token in data.chunks(5) {
        if token[0] > 0 {
            column = 0;
        }
        line += token[0];
        column += token[1];
        decoded.push((line, column, token[2], types[token[3] as usize]));
    }
    assert!(decoded.contains(&(0, 0, 6, "keyword")), "{decoded:?}");
    assert!(decoded.contains(&(4, 0, 5, "keyword")), "{decoded:?}");
    assert!(decoded.contains(&(4, 6, 5, "variable")), "{decoded:?}");
    // After `é𝄞 ` (three UTF-16 units and a space) comes `+`, at unit 18 of its line.
    assert!(decoded.contains(&(4, 18, 1, "operator")), "{decoded:?}");
    session.stop();
}

#[test]
fn a_file_opened_outside_the_workspace_brings_its_library() {
    let library =
        std::env::temp_dir().join(format!("clearance-lsp-outside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&library);
    std::fs::create_dir_all(library.join("sub")).unwrap();
    std::fs::write(
        library.join("requirements.clr"),
        "module lib.requirements\n",
    )
    .unwrap();
    std::fs::write(
        library.join("shared.clr"),
        "module lib.shared\n\nconst limit = 5\n",
    )
    .unwrap();
    let main = library.join("sub/main.clr");
    let text = "module lib.main\n\nuse lib.shared.{limit}\n\nconst doubled = limit + limit\n";
    std::fs::write(&main, text).unwrap();
    let mut session = Session::start();
    // The workspace folder is the repository's rule library, not this one.
    session.initialize("en");
    let uri = file_uri(&main.canonicalize().unwrap());
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    assert_eq!(session.diagnostics(&uri, 1), Vec::<Value>::new());
    session.stop();
}

#[test]
fn code_lenses_say_how_the_examples_fare() {
    let mut session = Session::start();
    session.initialize("en");
    let directory = std::env::temp_dir().join(format!("clearance-lsp-lens-{}", std::process::id()));
    let uri = file_uri(&directory.join("lenses.clr"));
    let text = format!(
        "{}\nexample \"a reference passes\"\n  given {{ declaration: {{ reference: \"R\" }} }}\n  expect R-1 passes\n\nexample \"wrongly expected to fail\"\n  given {{ declaration: {{ reference: \"R\" }} }}\n  expect R-1 fails\n",
        document("R-1", "declaration.reference != \"X\"")
    )
    .replace("  require declaration.reference", "  let reference = declaration.reference\n  require reference");
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}),
    );
    assert_eq!(session.diagnostics(&uri, 1), Vec::<Value>::new());
    session.request(
        2,
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let response = session.response(2);
    let lenses: Vec<(u64, String)> = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|lens| {
            (
                lens["range"]["start"]["line"].as_u64().unwrap(),
                lens["command"]["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let line = |needle: &str| {
        text.lines()
            .position(|line| line.starts_with(needle))
            .unwrap() as u64
    };
    assert!(
        lenses.contains(&(line("rule R-1"), "2 examples: 1 failed".to_string())),
        "{lenses:?}"
    );
    assert!(
        lenses.contains(&(
            line("example \"a reference passes\""),
            "✓ example passes".to_string()
        )),
        "{lenses:?}"
    );
    assert!(
        lenses
            .iter()
            .any(|(at, title)| *at == line("example \"wrongly")
                && title.starts_with("✗ example fails: ")),
        "{lenses:?}"
    );

    // A broken file that this one does not use leaves its examples running; an error in this
    // file stops them.
    let broken_uri = file_uri(&directory.join("broken.clr"));
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": broken_uri, "languageId": "clearance", "version": 1,
            "text": "module lens.broken\n\nconst oops: Int = \"text\"\n"}}),
    );
    assert_eq!(session.diagnostics(&broken_uri, 1).len(), 1);
    let titles = |session: &mut Session, id: i64| -> Vec<String> {
        session.request(
            id,
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        session.response(id)["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|lens| lens["command"]["title"].as_str().unwrap().to_string())
            .collect()
    };
    let with_broken_neighbour = titles(&mut session, 3);
    assert!(
        with_broken_neighbour.contains(&"2 examples: 1 failed".to_string()),
        "{with_broken_neighbour:?}"
    );
    let broken_here = text.replace(
        "  let reference = declaration.reference",
        "  let reference = declaration.refrence",
    );
    session.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken_here}]}),
    );
    assert!(!session.diagnostics(&uri, 2).is_empty());
    assert_eq!(titles(&mut session, 4), Vec::<String>::new());
    session.stop();
}
