//! `clearance lsp` over stdio, as an editor drives it: JSON-RPC framed by `Content-Length`,
//! numeric request ids, a float in the parameters, the rule library as the workspace folder.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

struct Session {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one, kept for later waits.
    backlog: RefCell<VecDeque<Value>>,
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
            .arg("lsp")
            // The standard library is written for the editor under the cache directory.
            .env(
                "XDG_CACHE_HOME",
                std::env::temp_dir().join(format!("clearance-lsp-cache-{}", std::process::id())),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Session {
            child,
            stdin,
            messages,
            backlog: RefCell::new(VecDeque::new()),
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, id: i64, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message `wanted` accepts, from those already read or the next ones; the
    /// others stay for later waits.
    fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let mut backlog = self.backlog.borrow_mut();
        if let Some(position) = backlog.iter().position(&wanted) {
            return backlog.remove(position).unwrap();
        }
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no {what} within 60 s; read meanwhile: {backlog:?}"));
            if wanted(&message) {
                return message;
            }
            backlog.push_back(message);
        }
    }

    fn response(&self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |message| message["id"] == id)
    }

    fn diagnostics(&self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(
            &format!("diagnostics of {uri} at version {version}"),
            |message| {
                message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri
                    && message["params"]["version"] == version
            },
        );
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn stop(mut self) {
        self.request(99, "shutdown", Value::Null);
        self.response(99);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }

    fn initialize(&mut self, locale: &str) {
        self.initialize_in(locale, &root().join("rules"));
    }

    fn initialize_in(&mut self, locale: &str, folder: &Path) {
        self.initialize_with(locale, folder, json!({}));
    }

    fn initialize_with(&mut self, locale: &str, folder: &Path, capabilities: Value) {
        self.request(
            1,
            "initialize",
            json!({
                "processId": null,
                "locale": locale,
                "capabilities": capabilities,
                "initializationOptions": {"ratio": 1.5},
                "workspaceFolders": [{"uri": file_uri(folder), "name": "rules"}],
            }),
        );
        let response = self.response(1);
        assert_eq!(
            response["result"]["capabilities"]["textDocumentSync"], 2,
            "{response}"
        );
    }
}

const HEADER: &str = "ruleset lsp.test
  title en \"LSP test\" fr \"Test du serveur\"
  version \"1\"
  source CAS \"CAS\"
  input declaration: Declaration

use stdlib.customs.*
";

fn document(rule: &str, require: &str) -> String {
    format!(
        "{HEADER}\nrule {rule}\n  title en \"Mass\" fr \"Masse brute déclarée\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require {require}\n  message en \"m\" fr \"m\"\n"
    )
}

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

/// Applies protocol text edits (line and UTF-16 column; ASCII here) to a text.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
        .collect();
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let column = position["character"].as_u64().unwrap() as usize;
        starts.get(line).map_or(text.len(), |start| start + column)
    };
    let mut ranges: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    ranges.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = text.to_string();
    for (start, end, new_text) in ranges {
        out.replace_range(start..end, new_text);
    }
    out
}

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
