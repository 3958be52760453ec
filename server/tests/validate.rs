//! The server in process (`Router::oneshot`, no socket): the answers, the limits, the errors.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use clearance_server::{AppState, Config, Limits};
use support::send;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config(limits: Limits, allow_request_as_of: bool) -> Config {
    Config {
        rules: root().join("rules"),
        limits,
        allow_request_as_of,
        allow_record_as_of: false,
        admin_token: None,
        client_token: None,
        watch: false,
        decision_log_records: false,
    }
}

/// The rule library, loaded once for the tests that do not change the limits' effect on it.
fn served_state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| state_with(Limits::default(), true))
        .clone()
}

fn state_with(limits: Limits, allow_request_as_of: bool) -> Arc<AppState> {
    let state = AppState::new(config(limits, allow_request_as_of));
    state.load_rules().expect("the rule library loads");
    state
}

fn example_lines(file: &str) -> Vec<String> {
    std::fs::read_to_string(root().join("examples").join(file))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(body)))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_array_of_records_gets_one_result_each_named_by_the_rules_that_answered() {
    let state = served_state();
    let lines = example_lines("declarations.ndjson");
    let array = format!("[{}]", lines.join(","));
    let (status, headers, body) = send(
        state.clone(),
        post("/v1/validate?as_of=2026-03-10", "application/json", array),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answer = json(&body);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), lines.len());
    assert_eq!(answer["summary"]["records_in"], lines.len());
    assert_eq!(answer["summary"]["results_out"], lines.len());
    assert_eq!(results[0]["id"], "DECL-OK");
    assert_eq!(results[0]["verdict"], "pass");
    assert!(results.iter().any(|result| result["verdict"] == "fail"));
    let served = state.served().unwrap();
    assert_eq!(answer["rules"]["hash"], served.rules_hash());
    assert_eq!(answer["rules"]["generation"], served.generation);
    assert_eq!(headers["clearance-rules-hash"], served.rules_hash());
    assert!(
        headers["clearance-rulesets"]
            .to_str()
            .unwrap()
            .contains("cas.declaration 2026.1")
    );
    assert_eq!(answer["as_of"], "2026-03-10");

    // The same records one by one give the same results.
    for (line, expected) in lines.iter().zip(results) {
        let (status, _, body) = send(
            state.clone(),
            post(
                "/v1/validate?as_of=2026-03-10",
                "application/json",
                line.clone(),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let one = json(&body);
        let mut expected = expected.clone();
        let mut got = one["results"][0].clone();
        // Positions count from the request's first record.
        expected["record"] = 1.into();
        got["record"] = 1.into();
        assert_eq!(got, expected);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ndjson_is_streamed_a_line_per_record_then_the_summary() {
    let state = served_state();
    let lines = example_lines("declarations.ndjson");
    let mut body = lines.join("\n");
    body.push_str("\n{not json}\n");
    let (status, headers, answer) = send(
        state,
        post(
            "/v1/validate?as_of=2026-03-10",
            "application/x-ndjson",
            body,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson");
    let out: Vec<serde_json::Value> = String::from_utf8(answer)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // Every record, the unreadable line among them, gets exactly one result.
    assert_eq!(out.len(), lines.len() + 2);
    for (position, result) in out[..lines.len() + 1].iter().enumerate() {
        assert_eq!(result["record"], position + 1);
    }
    assert_eq!(out[lines.len()]["verdict"], "invalid");
    assert_eq!(
        out[lines.len() + 1]["summary"]["records_in"],
        lines.len() + 1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wco_xml_is_read_as_clearance_run_reads_it() {
    let xml = std::fs::read(root().join("examples/cds-import-declaration.xml")).unwrap();
    let (status, _, body) = send(
        served_state(),
        post("/v1/validate?as_of=2026-03-10", "application/xml", xml),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answer = json(&body);
    assert_eq!(answer["results"].as_array().unwrap().len(), 1);
    assert_ne!(answer["results"][0]["verdict"], "invalid");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_input_gets_400_naming_where() {
    let state = served_state();
    let (status, _, body) = send(
        state.clone(),
        post(
            "/v1/validate",
            "application/json",
            r#"[{"declaration": {"items": [1, 2,]}}]"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = json(&body)["error"].clone();
    assert_eq!(error["code"], "malformed-json");
    // The trailing comma is inside the list of items.
    assert_eq!(error["path"], "$[0].declaration.items");
    assert_eq!(error["line"], 1);

    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/json", "{} {}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "malformed-json");

    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/xml", "<a>\n<b></a>"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "malformed-xml");
    assert_eq!(json(&body)["error"]["line"], 2);

    // An element never closed, which quick-xml alone lets through to the end.
    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/xml", "<a>\n<b>\n</b>\n"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = json(&body)["error"].clone();
    assert_eq!(error["code"], "malformed-xml");
    assert_eq!(
        error["message"],
        "the body is not well-formed XML: the element `a` opened at line 1 is not closed"
    );

    let (status, _, body) = send(state.clone(), post("/v1/validate", "text/plain", "{}")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json(&body)["error"]["code"], "unsupported-content-type");

    let (status, _, body) = send(
        state,
        post("/v1/validate?as_of=2026-02-30", "application/json", "{}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "bad-as-of");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_may_set_its_date_only_where_the_operator_allows_it() {
    let state = state_with(Limits::default(), false);
    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate?as_of=2026-03-10", "application/json", "{}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "request-as-of-not-allowed");
    let (status, _, body) = send(state, post("/v1/validate", "application/json", "{}")).await;
    assert_eq!(status, StatusCode::OK);
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    assert_eq!(json(&body)["as_of"], today.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_give_413_408_and_503() {
    let limits = Limits {
        max_body_bytes: 1000,
        max_records: 3,
        request_timeout: Duration::from_secs(1),
        max_concurrent_requests: 1,
    };
    let state = state_with(limits, true);

    // Content-Length over the limit: refused before the body is read.
    let request = Request::post("/v1/validate")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "5000")
        .body(Body::from(vec![b' '; 5000]))
        .unwrap();
    let (status, _, body) = send(state.clone(), request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["error"]["code"], "body-too-large");

    // A body of unknown length that grows past the limit.
    let chunks = futures_util::stream::iter(
        (0..20).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 100]))),
    );
    let (status, _, body) = send(
        state.clone(),
        post(
            "/v1/validate",
            "application/json",
            Body::from_stream(chunks),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["error"]["code"], "body-too-large");

    // More records than a request may hold.
    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/json", "[{},{},{},{}]"),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["error"]["code"], "too-many-records");

    // Streamed, the same limit ends the stream with an error line after the records answered.
    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/x-ndjson", "{}\n{}\n{}\n{}\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "too-many-records");

    // A body that never ends: the request times out.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    sender.send(Ok(Bytes::from_static(b"[{}"))).await.unwrap();
    let stalled = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let slow = tokio::spawn(send(
        state.clone(),
        post(
            "/v1/validate",
            "application/json",
            Body::from_stream(stalled),
        ),
    ));
    // While it waits, it holds the only permit: another request is refused with 503.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while state.requests_in_flight() == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        state.requests_in_flight(),
        1,
        "the stalled request is in flight"
    );
    let (status, headers, body) = send(
        state.clone(),
        post("/v1/validate", "application/json", "{}"),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(json(&body)["error"]["code"], "too-many-requests-in-flight");
    let (status, _, body) = slow.await.unwrap();
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(json(&body)["error"]["code"], "request-timeout");
    drop(sender);

    // Streamed, a client that stalls midway gets its records answered, then a timeout line.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    sender
        .send(Ok(Bytes::from_static(b"{}\n{}\n")))
        .await
        .unwrap();
    let stalled = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let (status, _, body) = send(
        state.clone(),
        post(
            "/v1/validate",
            "application/x-ndjson",
            Body::from_stream(stalled),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[2]["error"]["code"], "request-timeout");
    assert_eq!(lines[2]["records_answered"], 2);
    assert_eq!(
        state.requests_in_flight(),
        0,
        "the stalled stream let its permit go"
    );
    drop(sender);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_endpoints_answer() {
    let state = served_state();
    // A method an endpoint does not answer: JSON, as every error, with `Allow`.
    let (status, headers, body) = send(
        state.clone(),
        Request::get("/v1/validate").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "POST");
    assert_eq!(json(&body)["error"]["code"], "method-not-allowed");
    let (status, _, body) = send(
        state.clone(),
        Request::get("/v2/nothing").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"]["code"], "no-such-endpoint");
    let (status, _, _) = send(
        state.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(
        state.clone(),
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = send(
        state.clone(),
        Request::get("/v1/rulesets").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let loaded = json(&body);
    let versions: Vec<String> = loaded["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ruleset| {
            format!(
                "{} {}",
                ruleset["name"].as_str().unwrap(),
                ruleset["version"].as_str().unwrap()
            )
        })
        .collect();
    assert!(versions.contains(&"tg.guce.mad_transfer 2018.1".to_string()));
    assert!(versions.contains(&"tg.guce.mad_transfer 2019.1".to_string()));
    let (status, _, body) =
        send(state, Request::get("/nowhere").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"]["code"], "no-such-endpoint");

    let unloaded = AppState::new(config(Limits::default(), false));
    let (status, _, _) = send(
        unloaded.clone(),
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _, body) = send(unloaded, post("/v1/validate", "application/json", "{}")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(&body)["error"]["code"], "rules-not-loaded");
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_requests_records_findings_and_reloads() {
    let state = state_with(Limits::default(), true);
    let lines = example_lines("declarations.ndjson");
    let (status, _, body) = send(
        state.clone(),
        post(
            "/v1/validate?as_of=2026-03-10",
            "application/json",
            format!("[{}]", lines.join(",")),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    let failing_rule = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|result| result["findings"].as_array().unwrap())
        .map(|finding| finding["rule"].as_str().unwrap().to_string())
        .next()
        .expect("a finding");
    let (status, headers, body) =
        send(state, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8(body).unwrap();
    let passes = answer["summary"]["pass"].as_u64().unwrap();
    for expected in [
        format!("clearance_records_total{{verdict=\"pass\"}} {passes}"),
        "clearance_http_requests_total{endpoint=\"/v1/validate\",status=\"200\"} 1".to_string(),
        "clearance_reloads_total{outcome=\"loaded\"} 1".to_string(),
        "clearance_rules_generation 1".to_string(),
        "clearance_requests_in_flight 0".to_string(),
    ] {
        assert!(
            text.lines().any(|line| line == expected),
            "no `{expected}` in:\n{text}"
        );
    }
    assert!(
        text.contains(&format!(
            "clearance_findings_total{{rule=\"{failing_rule}\"}}"
        )),
        "{text}"
    );
    assert!(
        text.contains("clearance_http_request_duration_seconds_bucket{le="),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_decision_log_holds_the_records_answered_and_no_refused_request() {
    let limits = Limits {
        max_records: 1500,
        ..Limits::default()
    };
    let state = state_with(limits, true);
    let log = std::env::temp_dir().join(format!(
        "clearance-server-refused-{}.ndjson",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&log);
    state.open_decision_log(&log).unwrap();
    let decisions = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
    };

    // More records than a batch holds, so that a refusal after the first batch would show.
    let array = |records: usize| format!("[{}]", vec!["{}"; records].join(","));
    let lines = |records: usize| "{}\n".repeat(records);

    // A body read whole with more records than allowed: refused before any is evaluated.
    let (status, _, _) = send(
        state.clone(),
        post("/v1/validate", "application/json", array(2000)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(decisions(), 0, "a refused request has no decision");

    let (status, _, _) = send(
        state.clone(),
        post("/v1/validate", "application/json", array(1000)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decisions(), 1000);

    // Streamed, the records answered before the limit are logged, and no other.
    let (status, _, body) = send(
        state.clone(),
        post("/v1/validate", "application/x-ndjson", lines(2000)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let answered = last["records_answered"].as_u64().unwrap() as usize;
    assert!(answered <= 1500, "{last}");
    assert_eq!(text.lines().count(), answered + 1);
    assert_eq!(decisions(), 1000 + answered);
    let _ = std::fs::remove_file(&log);
}
