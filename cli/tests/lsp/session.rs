//! The harness: `clearance lsp` started as a child process, driven over its stdio with
//! `Content-Length` framing, and what the tests share (a rule set's header, a one-rule
//! document, edits applied to a text).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub struct Session {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one, kept for later waits.
    backlog: RefCell<VecDeque<Value>>,
}

impl Session {
    pub fn start() -> Session {
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

    pub fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn request(&mut self, id: i64, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The first message `wanted` accepts, from those already read or the next ones; the
    /// others stay for later waits.
    pub fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
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

    pub fn response(&self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |message| message["id"] == id)
    }

    pub fn diagnostics(&self, uri: &str, version: i64) -> Vec<Value> {
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

    pub fn stop(mut self) {
        self.request(99, "shutdown", Value::Null);
        self.response(99);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }

    pub fn initialize(&mut self, locale: &str) {
        self.initialize_in(locale, &root().join("rules"));
    }

    pub fn initialize_in(&mut self, locale: &str, folder: &Path) {
        self.initialize_with(locale, folder, json!({}));
    }

    pub fn initialize_with(&mut self, locale: &str, folder: &Path, capabilities: Value) {
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

pub fn document(rule: &str, require: &str) -> String {
    format!(
        "{HEADER}\nrule {rule}\n  title en \"Mass\" fr \"Masse brute déclarée\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require {require}\n  message en \"m\" fr \"m\"\n"
    )
}

/// Applies protocol text edits (line and UTF-16 column; ASCII here) to a text.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
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
