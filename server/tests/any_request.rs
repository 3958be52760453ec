//! Property tests of `/v1/validate`: whatever the body, its type and its query string, the
//! server answers (no 5xx, no panic), an error is JSON with its code, and a request that is
//! answered gives every record it holds exactly one result.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clearance_server::{AppState, Config, Limits};
use proptest::prelude::*;

const RECORDS: &str = include_str!("../../examples/declarations.ndjson");
const DECLARATION: &str = include_str!("../../examples/cds-import-declaration.xml");

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "application/x-ndjson",
    "application/xml",
    "text/xml",
    "text/plain",
    "",
    "application/json;;;",
    "APPLICATION/X-NDJSON",
];

const QUERIES: &[&str] = &[
    "",
    "?as_of=2026-03-10",
    "?as_of=2026-02-30",
    "?as_of=",
    "?as_of=%FF%FE",
    "?as_of=2026-03-10&as_of=2026-03-11",
    "?other=1",
    "?as_of=9999-12-31",
    "?%",
];

const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "\n",
    "<",
    ">",
    "</",
    "/>",
    "&amp;",
    "&#0;",
    "\u{FEFF}",
    "\u{FF}",
    "1e999",
    "null",
    "<!DOCTYPE x [<!ENTITY y \"z\">]>",
];

fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let state = AppState::new(Config {
                rules: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules"),
                limits: Limits {
                    max_body_bytes: 64 * 1024,
                    max_records: 50,
                    ..Limits::default()
                },
                allow_request_as_of: true,
                allow_record_as_of: true,
                admin_token: None,
                client_token: None,
                watch: false,
                decision_log_records: false,
            });
            state.load_rules().expect("the rule library loads");
            state
        })
        .clone()
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// One of the examples (NDJSON records or a WCO XML declaration) with a few edits: bytes
/// deleted, duplicated or replaced by a token that readers find hard.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((any::<usize>(), 0usize..40, 0..TOKENS.len(), 0u8..3), 0..6);
    (any::<bool>(), edits).prop_map(|(xml, edits)| {
        let mut bytes = if xml { DECLARATION } else { RECORDS }.as_bytes().to_vec();
        for (at, length, token, kind) in edits {
            let at = at % (bytes.len() + 1);
            let end = (at + length).min(bytes.len());
            match kind {
                0 => {
                    bytes.drain(at..end);
                }
                1 => {
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
                _ => {
                    bytes.splice(at..end, TOKENS[token].bytes());
                }
            }
        }
        bytes
    })
}

fn send(content_type: &str, query: &str, body: Vec<u8>) -> (StatusCode, String, Vec<u8>) {
    let mut request = Request::post(format!("/v1/validate{query}"));
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let request = request.body(Body::from(body)).unwrap();
    let (status, headers, body) = runtime().block_on(support::send(state(), request));
    let answered_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, answered_type, body)
}

fn check_answer(status: StatusCode, answered_type: &str, body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        !status.is_server_error(),
        "{status}: {}",
        String::from_utf8_lossy(body)
    );
    if status != StatusCode::OK {
        let error: serde_json::Value = serde_json::from_slice(body)
            .map_err(|error| TestCaseError::fail(format!("{status}, not JSON: {error}")))?;
        prop_assert!(error["error"]["code"].is_string(), "{error}");
        return Ok(());
    }
    if answered_type == "application/x-ndjson" {
        let text = std::str::from_utf8(body).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let last = lines.last().unwrap();
        let results = lines.len() - 1;
        if last["summary"].is_object() {
            prop_assert_eq!(last["summary"]["records_in"].as_u64(), Some(results as u64));
        } else {
            prop_assert!(last["error"]["code"].is_string(), "{last}");
            prop_assert_eq!(last["records_answered"].as_u64(), Some(results as u64));
        }
        for result in &lines[..results] {
            prop_assert!(result["verdict"].is_string(), "{result}");
        }
    } else {
        let answer: serde_json::Value = serde_json::from_slice(body).unwrap();
        let results = answer["results"].as_array().unwrap();
        prop_assert_eq!(
            answer["summary"]["records_in"].as_u64(),
            Some(results.len() as u64)
        );
        for (position, result) in results.iter().enumerate() {
            prop_assert_eq!(result["record"].as_u64(), Some(position as u64 + 1));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_request_is_answered_and_every_record_it_holds_once(
        body in body(),
        content_type in 0..CONTENT_TYPES.len(),
        query in 0..QUERIES.len(),
    ) {
        let (status, answered_type, answer) = send(CONTENT_TYPES[content_type], QUERIES[query], body);
        check_answer(status, &answered_type, &answer)?;
    }

    #[test]
    fn arbitrary_bytes_are_answered(
        body in prop::collection::vec(any::<u8>(), 0..400),
        content_type in 0..CONTENT_TYPES.len(),
    ) {
        let (status, answered_type, answer) = send(CONTENT_TYPES[content_type], "", body);
        check_answer(status, &answered_type, &answer)?;
    }
}
