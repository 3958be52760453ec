//! `clearance serve` over loopback: the answers are those of `clearance run`, SIGTERM (sent with
//! the `kill` command) during a load lets every accepted request finish, and the log names
//! every request but never a record's content.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Server {
    child: Child,
    address: String,
    /// The server's log events (`--log-format json`) after the one that says where it listens,
    /// as they come.
    events: std::sync::mpsc::Receiver<serde_json::Value>,
    /// Every line of standard error, also those that are not events.
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server on a free port, its log in JSON, and waits (with a deadline) until it
/// says where it listens.
fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .args(["serve", "--rules", "rules", "--addr", "127.0.0.1:0"])
        .args(["--log-format", "json"])
        .args(extra)
        .env_remove("CLEARANCE_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let all = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all.lock().unwrap().push(line.clone());
            if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                let _ = sender.send(event);
            }
        }
    });
    let address = loop {
        let event = receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("the server says where it listens");
        if let Some(address) = event["address"].as_str() {
            break address.to_string();
        }
    };
    Server {
        child,
        address,
        events: receiver,
        lines,
    }
}

impl Server {
    /// Waits (with a deadline) until `/metrics` shows `count` requests in flight.
    fn wait_in_flight(&self, count: usize) {
        let expected = format!("clearance_requests_in_flight {count}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, metrics) = request(&self.address, "GET", "/metrics", "text/plain", b"");
            if metrics.lines().any(|line| line == expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{count} requests are in flight: {metrics}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The next event whose message starts with `message`, waited for with a deadline.
    fn event(&self, message: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = self
                .events
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("the server logs `{message}`"));
            if event["message"]
                .as_str()
                .is_some_and(|text| text.starts_with(message))
            {
                return event;
            }
        }
    }
}

/// One HTTP/1.1 request on its own connection; the status and the body (chunks joined).
fn request(
    address: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8(response).unwrap();
    let (head, rest) = text.split_once("\r\n\r\n").expect("a complete response");
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    (status, body)
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").expect("a chunk size");
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

#[test]
fn validate_answers_what_clearance_run_answers_and_logs_decisions_that_replay() {
    let log = std::env::temp_dir().join(format!(
        "clearance-serve-decisions-{}.ndjson",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&log);
    let server = start(&[
        "--allow-request-as-of",
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    let run = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .args([
            "run",
            "--rules",
            "rules",
            "--input",
            "examples/declarations.ndjson",
        ])
        .args(["--as-of", "2026-03-10", "--format", "ndjson"])
        .output()
        .unwrap();
    let expected: Vec<serde_json::Value> = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut result: serde_json::Value = serde_json::from_str(line).unwrap();
            // `run` names the file each record came from; a request has no file.
            result.as_object_mut().unwrap().remove("source");
            result
        })
        .collect();
    assert!(expected.len() >= 4);
    let records = std::fs::read(root().join("examples/declarations.ndjson")).unwrap();
    let (status, body) = request(
        &server.address,
        "POST",
        "/v1/validate?as_of=2026-03-10",
        "application/x-ndjson",
        &records,
    );
    assert_eq!(status, 200, "{body}");
    let lines: Vec<serde_json::Value> = body
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        expected.len() + 1,
        "a result per record, then the summary"
    );
    assert_eq!(&lines[..expected.len()], &expected[..]);
    assert_eq!(
        lines[expected.len()]["summary"]["records_in"],
        expected.len()
    );

    // The decisions the server logged replay with no difference, as `run`'s do.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), expected.len());
    let replay = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .arg("replay")
        .arg(&log)
        .args([
            "--input",
            "examples/declarations.ndjson",
            "--rules",
            "rules",
        ])
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}{}",
        String::from_utf8_lossy(&replay.stdout),
        String::from_utf8_lossy(&replay.stderr)
    );
    let _ = std::fs::remove_file(&log);
}

#[test]
fn sigterm_during_a_load_answers_every_accepted_request() {
    let server = start(&["--allow-request-as-of"]);
    let records = std::fs::read(root().join("examples/declarations.ndjson")).unwrap();
    let expected_lines = String::from_utf8_lossy(&records)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    // A load large enough to be in flight when the signal comes: each request many records.
    let mut body = Vec::new();
    for _ in 0..2000 {
        body.extend_from_slice(&records);
        if !body.ends_with(b"\n") {
            body.push(b'\n');
        }
    }
    let per_request = expected_lines * 2000;
    let body = std::sync::Arc::new(body);
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let address = server.address.clone();
            let body = body.clone();
            std::thread::spawn(move || {
                request(
                    &address,
                    "POST",
                    "/v1/validate?as_of=2026-03-10",
                    "application/x-ndjson",
                    &body,
                )
            })
        })
        .collect();
    // Wait (with a deadline) until every request is being answered, then ask the server to stop.
    server.wait_in_flight(8);
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let stopping = server.event("stopping");
    assert_eq!(
        stopping["in_flight"], 8,
        "the signal came during the load: {stopping}"
    );
    for client in clients {
        let (status, body) = client.join().unwrap();
        assert_eq!(status, 200);
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(
            lines.len(),
            per_request + 1,
            "every record answered, then the summary"
        );
        let last: serde_json::Value = serde_json::from_str(lines[lines.len() - 1]).unwrap();
        assert_eq!(last["summary"]["records_in"], per_request);
    }
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server stops after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "a clean stop exits 0: {status:?}");
}

#[test]
fn the_log_names_every_request_and_never_a_records_content() {
    // A value that only the records hold: it may come back in an answer, never in the log.
    const MARKER: &str = "Ysolde-Quarternak-5512";
    let server = start(&["--allow-request-as-of", "--no-watch"]);
    let first = std::fs::read_to_string(root().join("examples/declarations.ndjson")).unwrap();
    let first = first.lines().next().unwrap();
    let record = first.replace("FR-2026-000123", MARKER);
    assert_ne!(record, first, "the marker is in the record");
    let ndjson = format!("{record}\n{{\"id\": \"{MARKER}\", \"declaration\": 12}}\n");
    let malformed_json = format!("{{\"id\": \"{MARKER}\", \"declaration\": {MARKER}}}");
    let malformed_xml = format!("<Declaration><ID>{MARKER}</ID><Declaration>");
    let sent = [
        ("application/json", record.as_str(), 200),
        ("application/x-ndjson", ndjson.as_str(), 200),
        ("application/json", malformed_json.as_str(), 400),
        ("application/xml", malformed_xml.as_str(), 400),
    ];
    for (content_type, body, expected) in sent {
        let (status, answer) = request(
            &server.address,
            "POST",
            "/v1/validate?as_of=2026-03-10",
            content_type,
            body.as_bytes(),
        );
        assert_eq!(status, expected, "{content_type}: {answer}");
    }
    let (status, _) = request(
        &server.address,
        "POST",
        &format!("/v1/validate?as_of={MARKER}"),
        "application/json",
        record.as_bytes(),
    );
    assert_eq!(status, 400, "a date that is not one");
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = server
            .events
            .recv_timeout(left)
            .expect("the server logs its stop");
        let stopping = event["message"]
            .as_str()
            .is_some_and(|text| text.starts_with("stopping"));
        events.push(event);
        if stopping {
            break;
        }
    }
    // One event per request, in the order the requests came (a stream logs when it ends, which
    // may be after the next request began).
    let mut answered: Vec<_> = events
        .iter()
        .filter(|event| event["message"] == "answered")
        .collect();
    answered.sort_by_key(|event| {
        event["span"]["id"]
            .as_str()
            .and_then(|id| id.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });
    let statuses: Vec<_> = answered
        .iter()
        .map(|event| event["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 400, 400, 400], "{events:#?}");
    let errors: Vec<_> = answered
        .iter()
        .map(|event| event["error"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        errors,
        ["", "", "malformed-json", "malformed-xml", "bad-as-of"]
    );
    let evaluated: Vec<_> = answered
        .iter()
        .map(|event| (event["format"].as_str(), event["records"].as_u64()))
        .collect();
    assert_eq!(
        evaluated,
        [
            (Some("json"), Some(1)),
            (Some("ndjson"), Some(2)),
            (None, None),
            (None, None),
            (None, None)
        ]
    );
    for event in &answered {
        assert_eq!(event["span"]["endpoint"], "/v1/validate");
        assert!(event["latency_ms"].is_number(), "a latency: {event}");
    }
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server stops after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Every line of standard error is an event, and none holds the records' content.
    std::thread::sleep(Duration::from_millis(100));
    let lines = server.lines.lock().unwrap().clone();
    assert!(lines.len() >= events.len());
    for line in &lines {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not an event: {line}"
        );
        assert!(
            !line.contains(MARKER),
            "a record's content in the log: {line}"
        );
    }
}

/// Reads one response from a connection that stays open: its status and its body (by
/// `Content-Length`).
fn read_response(stream: &mut BufReader<TcpStream>) -> (u16, String) {
    let mut status_line = String::new();
    stream.read_line(&mut status_line).unwrap();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .unwrap_or_else(|| panic!("a status line: {status_line:?}"))
        .parse()
        .unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    (status, String::from_utf8(body).unwrap())
}

#[test]
fn a_request_refused_under_load_gets_its_503_and_the_connection_stays_open() {
    let server = start(&["--max-concurrent-requests", "1", "--request-timeout", "60"]);
    // The only permit, held by a request whose body has not all come.
    let mut holding = TcpStream::connect(&server.address).unwrap();
    write!(
        holding,
        "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000000\r\n\r\n{{}}\n"
    )
    .unwrap();
    server.wait_in_flight(1);
    // A large body, refused before it is read: the server reads it away, so that the
    // connection is not reset under the answer and serves the next request.
    let connection = TcpStream::connect(&server.address).unwrap();
    connection
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = connection.try_clone().unwrap();
    let mut reader = BufReader::new(connection);
    let body = "{}\n".repeat(100_000);
    write!(
        writer,
        "POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (status, answer) = read_response(&mut reader);
    assert_eq!(status, 503, "{answer}");
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["error"]["code"], "too-many-requests-in-flight");
    write!(writer, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (status, answer) = read_response(&mut reader);
    assert_eq!(
        (status, answer.as_str()),
        (200, "ok\n"),
        "the same connection"
    );
    drop(holding);
}
