//! Reloads, in process: by request and by a change on disk, during requests, and failed; the
//! tokens of the admin and client endpoints. Polls have deadlines; no fixed sleep.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clearance_server::{AppState, Config, Limits, Token};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the rule library that a test may change.
fn library_copy(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("clearance-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    copy_tree(&root().join("rules"), &directory);
    directory
}

fn state(rules: PathBuf, admin: Option<&str>, client: Option<&str>) -> Arc<AppState> {
    let state = AppState::new(Config {
        rules,
        limits: Limits::default(),
        allow_request_as_of: true,
        allow_record_as_of: false,
        admin_token: admin.map(Token::new),
        client_token: client.map(Token::new),
        watch: false,
        decision_log_records: false,
    });
    state.load_rules().expect("the rule library loads");
    state
}

async fn send(
    state: Arc<AppState>,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let (status, headers, body) = support::send(state, request).await;
    let value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    (status, headers, value)
}

fn admin(method: &str, path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

fn records() -> String {
    let text = std::fs::read_to_string(root().join("examples/declarations.ndjson")).unwrap();
    format!("[{}]", text.lines().collect::<Vec<_>>().join(","))
}

fn validate(body: String) -> Request<Body> {
    Request::post("/v1/validate?as_of=2026-03-10")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_endpoints_take_their_token_and_are_off_without_one() {
    let rules = root().join("rules");
    let guarded = state(rules.clone(), Some("s3cret-admin"), Some("s3cret-client"));
    let (status, headers, body) = send(guarded.clone(), admin("GET", "/v1/status", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_eq!(body["error"]["code"], "missing-token");
    let (status, _, body) = send(
        guarded.clone(),
        admin("GET", "/v1/status", Some("s3cret-admix")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "wrong-token");
    // The client's token does not open the admin endpoints.
    let (status, _, _) = send(
        guarded.clone(),
        admin("GET", "/v1/status", Some("s3cret-client")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = send(
        guarded.clone(),
        admin("GET", "/v1/status", Some("s3cret-admin")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["serving"]["generation"], 1);
    assert_eq!(body["last_reload"]["outcome"], "loaded");

    // /v1/validate takes the client's token.
    let (status, _, _) = send(guarded.clone(), validate("{}".to_string())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut request = validate("{}".to_string());
    request.headers_mut().insert(
        header::AUTHORIZATION,
        "Bearer s3cret-client".parse().unwrap(),
    );
    let (status, _, _) = send(guarded, request).await;
    assert_eq!(status, StatusCode::OK);

    let open = state(rules, None, None);
    let (status, _, body) = send(open.clone(), admin("POST", "/v1/reload", Some("anything"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "admin-disabled");
    assert_eq!(
        open.served().unwrap().generation,
        1,
        "a refused reload reloads nothing"
    );
    let (status, _, _) = send(open, validate("{}".to_string())).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "without a client token file, validate is open"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_during_reloads_are_all_answered_each_by_one_version() {
    let rules = library_copy("reload");
    let state = state(rules.clone(), Some("t"), None);
    let body = records();

    // Requests in flight while two reloads swap the rules, then while one fails.
    let mut requests = Vec::new();
    for _ in 0..24 {
        requests.push(tokio::spawn(send(state.clone(), validate(body.clone()))));
    }
    let (status, _, reloaded) = send(state.clone(), admin("POST", "/v1/reload", Some("t"))).await;
    assert_eq!(status, StatusCode::OK, "{reloaded}");
    assert_eq!(reloaded["generation"], 2);
    for _ in 0..24 {
        requests.push(tokio::spawn(send(state.clone(), validate(body.clone()))));
    }
    std::fs::write(
        rules.join("broken.clr"),
        "module broken\nrule X-1\n  require nothing at all\n",
    )
    .unwrap();
    let (status, _, failed) = send(state.clone(), admin("POST", "/v1/reload", Some("t"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(failed["error"]["code"], "rules-do-not-load");
    assert_eq!(failed["serving_generation"], 2);
    let diagnostics = failed["error"]["diagnostics"].to_string();
    assert!(diagnostics.contains("broken.clr"), "{diagnostics}");
    for _ in 0..24 {
        requests.push(tokio::spawn(send(state.clone(), validate(body.clone()))));
    }

    let mut expected_by_generation: std::collections::BTreeMap<u64, serde_json::Value> =
        std::collections::BTreeMap::new();
    for request in requests {
        let (status, headers, answer) = request.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        let generation = answer["rules"]["generation"].as_u64().unwrap();
        assert!(
            generation == 1 || generation == 2,
            "generation {generation}"
        );
        assert_eq!(
            headers["clearance-generation"],
            generation.to_string().as_str()
        );
        assert_eq!(answer["results"].as_array().unwrap().len(), 4);
        // One version answers a whole request: the same generation, the same results.
        let expected = expected_by_generation
            .entry(generation)
            .or_insert_with(|| answer["results"].clone());
        assert_eq!(&answer["results"], expected);
    }
    let (_, _, status) = send(state.clone(), admin("GET", "/v1/status", Some("t"))).await;
    assert_eq!(status["serving"]["generation"], 2);
    assert_eq!(status["last_reload"]["outcome"], "failed");
    assert_eq!(status["last_reload"]["cause"], "request");

    std::fs::remove_file(rules.join("broken.clr")).unwrap();
    let (status, _, reloaded) = send(state, admin("POST", "/v1/reload", Some("t"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reloaded["generation"], 3);
    let _ = std::fs::remove_dir_all(rules);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_on_disk_reloads_the_rules() {
    let rules = library_copy("watch");
    let state = state(rules.clone(), None, None);
    let _watching = clearance_server::watch(state.clone()).unwrap();
    let file = rules.join("cas/declaration.clr");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n// A comment added while the server runs.\n");
    std::fs::write(&file, text).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.served().unwrap().generation < 2 {
        assert!(Instant::now() < deadline, "the change is picked up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A comment changes the file's hash, so the rule set's hash, not its results.
    let last = state.last_reload().unwrap();
    assert_eq!(last.cause, "watch");
    assert_eq!(last.outcome, "loaded");
    drop(_watching);
    let _ = std::fs::remove_dir_all(rules);
}

#[test]
fn a_data_file_outside_the_rule_directory_is_refused() {
    let rules = library_copy("outside");
    let outside = rules.with_extension("measures.json");
    std::fs::rename(rules.join("uk-tariff/measures.json"), &outside).unwrap();
    let declaring = rules.join("uk-tariff/data.clr");
    let source = std::fs::read_to_string(&declaring).unwrap();
    let name = outside.file_name().unwrap().to_str().unwrap();
    let changed = source.replace("data \"measures.json\"", &format!("data \"../../{name}\""));
    assert_ne!(source, changed);
    std::fs::write(&declaring, changed).unwrap();
    let state = AppState::new(Config {
        rules: rules.clone(),
        limits: Limits::default(),
        allow_request_as_of: true,
        allow_record_as_of: false,
        admin_token: None,
        client_token: None,
        watch: false,
        decision_log_records: false,
    });
    let problems = match state.load_rules() {
        Ok(_) => panic!("a data file outside the rule directory is refused"),
        Err(problems) => problems,
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains(&format!("the data file `{}`", outside.display()))
            && problems[0].contains("is outside the rule directory"),
        "{problems:?}"
    );
    let _ = std::fs::remove_file(&outside);
    let _ = std::fs::remove_dir_all(&rules);
}
