//! What an analyst waits for in the editor, through the protocol: `clearance lsp` over stdio,
//! as a client drives it, on a rule file of about 10,000 lines. A keystroke is a
//! `didChange` with the range it changed (incremental synchronisation, as VS Code sends it;
//! also measured with the whole text) and ends when the diagnostics of that version are
//! published.
//!
//! `cargo build --release -p clearance-cli && cargo bench -p clearance-benches --bench lsp_stdio`
//! (the binary is `target/release/clearance`, or `CLEARANCE_BIN`); prints p50 and p95.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

#[path = "editing_shared.rs"]
mod editing_shared;
use editing_shared::report;

struct Server {
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.stdin.flush();
    }

    fn read(&mut self) -> Option<Value> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if self.stdout.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().ok()?;
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).ok()?;
        serde_json::from_slice(&body).ok()
    }

    /// Reads messages until one `wanted` accepts.
    fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        loop {
            let message = self.read()?;
            if wanted(&message) {
                return Some(message);
            }
        }
    }
}

/// The protocol position (line, UTF-16 column) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": column})
}

/// The one change that turns `old` into `new`: the range between their common prefix and
/// suffix, and the new text of it.
fn change(old: &str, new: &str) -> Value {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old[prefix..]
        .bytes()
        .rev()
        .zip(new[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    json!({
        "range": {"start": position(old, prefix), "end": position(old, old.len() - suffix)},
        "text": &new[prefix..new.len() - suffix],
    })
}

fn main() {
    let binary = std::env::var("CLEARANCE_BIN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/clearance").to_string()
    });
    if !std::path::Path::new(&binary).exists() {
        eprintln!(
            "error: no `{binary}`: build it first (cargo build --release -p clearance-cli) or set CLEARANCE_BIN"
        );
        std::process::exit(2);
    }
    let library = std::env::temp_dir().join(format!("clearance-bench-lsp-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&library);
    let requirements = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/requirements.clr"
    ))
    .unwrap_or_default();
    let _ = std::fs::write(library.join("requirements.clr"), requirements);
    let rules = 700;
    let text = editing_shared::rule_file(rules, usize::MAX, 0);
    let path = library.join("rules.clr");
    let _ = std::fs::write(&path, &text);
    let uri = format!("file://{}", path.display());

    let Ok(mut child) = Command::new(&binary)
        .arg("lsp")
        .env("XDG_CACHE_HOME", library.join("cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("error: `{binary} lsp` did not start");
        std::process::exit(2);
    };
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        std::process::exit(2);
    };
    let mut server = Server {
        stdin,
        stdout: BufReader::new(stdout),
    };
    println!(
        "a rule file of {} lines, {rules} rules and as many examples, over stdio",
        text.lines().count()
    );
    server.send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "capabilities": {},
        "workspaceFolders": [{"uri": format!("file://{}", library.display()), "name": "bench"}]}}),
    );
    server.until(|message| message["id"] == 1);
    server.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    let published = |version: i64| {
        move |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("rules.clr"))
                && message["params"]["version"] == version
        }
    };
    let started = Instant::now();
    server.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "clearance", "version": 1, "text": text}}}),
    );
    server.until(published(1));
    println!(
        "{:<44} {:>8.2} ms",
        "didOpen -> diagnostics (cold)",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut version = 1;
    let mut current = text.clone();
    for whole_text in [false, true] {
        let mut keystrokes = Vec::new();
        for round in 0..200 {
            let edited = editing_shared::rule_file(rules, rules / 2, 1000 + round);
            version += 1;
            let changes = if whole_text {
                json!([{"text": edited}])
            } else {
                json!([change(&current, &edited)])
            };
            let started = Instant::now();
            server.send(
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": changes}}),
            );
            server.until(published(version));
            keystrokes.push(started.elapsed());
            current = edited;
        }
        report(
            if whole_text {
                "keystroke -> diagnostics (whole text sent)"
            } else {
                "keystroke -> diagnostics (incremental)"
            },
            keystrokes,
        );
    }

    let middle = text.find(&format!("rule R-{}", rules / 2)).unwrap_or(0);
    let line = text[..middle].matches('\n').count();
    let mut hovers = Vec::new();
    for id in 0..200i64 {
        let started = Instant::now();
        server.send(
            &json!({"jsonrpc": "2.0", "id": 100 + id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": 6}}}),
        );
        server.until(|message| message["id"] == 100 + id);
        hovers.push(started.elapsed());
    }
    report("hover on a rule, over stdio", hovers);
    server.send(&json!({"jsonrpc": "2.0", "id": 9, "method": "shutdown", "params": null}));
    server.until(|message| message["id"] == 9);
    server.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&library);
}
