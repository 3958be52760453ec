//! The validation server: `clearance serve`. It answers `POST /v1/validate` with the results
//! `clearance run` gives on the same records (the same readers, batching loop and evaluation),
//! names the rules that answered on every response, and reports on itself at `/healthz`,
//! `/readyz` and `/v1/rulesets`. A caller embeds it with [`router`] or runs it with [`serve`].

mod admin;
mod body;
mod error;
mod log;
mod metrics;
mod rules;
mod validate;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;

pub use admin::{ReloadOutcome, Token};
pub use error::ApiError;
pub use log::{LOG_FILTER_VARIABLE, LogFormat, init_logging};
pub use rules::{Served, ServedRuleset, ServedView};
pub use watch::watch;

/// What a request may ask of the server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest body, in bytes: more is refused with 413, before the body is read when its
    /// `Content-Length` says so.
    pub max_body_bytes: usize,
    /// The most records in one request (413 past it; a streamed response ends with an error line).
    pub max_records: usize,
    /// The longest a request may take (408; a streamed response ends with an error line).
    pub request_timeout: Duration,
    /// Requests evaluated at once; one more is refused with 503 and `Retry-After`.
    pub max_concurrent_requests: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 64 * 1024 * 1024,
            max_records: 100_000,
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 64,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The rule directory: the only place rules are read from.
    pub rules: PathBuf,
    pub limits: Limits,
    /// Whether a request may choose its date (`?as_of=`); otherwise such a request gets 400.
    pub allow_request_as_of: bool,
    /// Whether a record may carry its own `as_of` (as `clearance run --allow-record-as-of`).
    pub allow_record_as_of: bool,
    /// The token of `/v1/reload` and `/v1/status`; without one they are off.
    pub admin_token: Option<Token>,
    /// The token `/v1/validate` asks for, when the operator gives one.
    pub client_token: Option<Token>,
    /// Whether a change under the rule directory reloads it.
    pub watch: bool,
    /// Whether the decision log embeds each record (personal data included).
    pub decision_log_records: bool,
}

/// The server's state, shared by every request.
pub struct AppState {
    pub config: Config,
    /// The rule set being served, swapped whole on a reload.
    current: ArcSwapOption<Served>,
    /// Held while a rule set compiles, so that reloads happen one at a time; it keeps the last
    /// reload's outcome.
    reloading: std::sync::Mutex<Option<ReloadOutcome>>,
    permits: Arc<Semaphore>,
    metrics: metrics::Metrics,
    /// Where decisions are logged (`--decision-log`), when the operator asks.
    decision_log: std::sync::OnceLock<std::sync::Mutex<std::io::BufWriter<std::fs::File>>>,
}

impl AppState {
    pub fn new(config: Config) -> Arc<AppState> {
        let permits = Arc::new(Semaphore::new(config.limits.max_concurrent_requests.max(1)));
        Arc::new(AppState {
            config,
            current: ArcSwapOption::empty(),
            reloading: std::sync::Mutex::new(None),
            permits,
            metrics: metrics::Metrics::new(),
            decision_log: std::sync::OnceLock::new(),
        })
    }

    /// Loads the rule directory and, when it checks, serves it; the rule set served before
    /// stays otherwise, and the diagnostics are returned.
    pub fn load_rules(&self) -> Result<Arc<Served>, Vec<String>> {
        self.reload("start")
    }

    /// Loads the rule directory again (`cause`: what asked), one reload at a time, and swaps
    /// the new rule set in whole: a request started before keeps the one it began with.
    pub fn reload(&self, cause: &'static str) -> Result<Arc<Served>, Vec<String>> {
        let mut last = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let generation = self.served().map_or(1, |served| served.generation + 1);
        let loaded = rules::load(
            &self.config.rules,
            generation,
            self.config.allow_record_as_of,
        );
        let at = jiff::Timestamp::now().to_string();
        match loaded {
            Ok(served) => {
                let served = Arc::new(served);
                self.current.store(Some(served.clone()));
                self.metrics.reload(true, Some(generation));
                *last = Some(ReloadOutcome {
                    at,
                    outcome: "loaded",
                    cause,
                    generation: Some(generation),
                    diagnostics: Vec::new(),
                });
                tracing::info!(
                    cause,
                    generation,
                    rules_hash = %served.rules_hash(),
                    rulesets = served.rulesets.len(),
                    "rules loaded"
                );
                for warning in &served.warnings {
                    tracing::warn!(cause, generation, warning = %warning, "rules loaded with a warning");
                }
                Ok(served)
            }
            Err(diagnostics) => {
                self.metrics.reload(false, None);
                *last = Some(ReloadOutcome {
                    at,
                    outcome: "failed",
                    cause,
                    generation: None,
                    diagnostics: diagnostics.clone(),
                });
                tracing::warn!(
                    cause,
                    problems = diagnostics.len(),
                    serving_generation = self.served().map_or(0, |served| served.generation),
                    diagnostics = %diagnostics.join("\n"),
                    "rules not loaded; the rule set loaded before goes on serving"
                );
                Err(diagnostics)
            }
        }
    }

    /// Appends a decision per record answered to `path` (the decision log of `clearance run
    /// --decision-log`, which `clearance replay` reads).
    pub fn open_decision_log(&self, path: &std::path::Path) -> Result<(), String> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|error| format!("cannot write `{}`: {error}", path.display()))?;
        self.decision_log
            .set(std::sync::Mutex::new(std::io::BufWriter::new(file)))
            .map_err(|_| "the decision log is open already".to_string())
    }

    /// Logs the decisions of a batch, and flushes them, before its results are sent.
    fn log_decisions(
        &self,
        batch: &[clearance_runtime::input::RawRecord],
        results: &[clearance_runtime::findings::RecordResult],
    ) -> Result<(), ApiError> {
        use std::io::Write as _;
        let Some(log) = self.decision_log.get() else {
            return Ok(());
        };
        let options = clearance_runtime::decision_log::LogOptions {
            record_as_of_allowed: self.config.allow_record_as_of,
            embed_records: self.config.decision_log_records,
        };
        let mut out = log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let written = batch.iter().zip(results).try_for_each(|(record, result)| {
            let decision = clearance_runtime::decision_log::Decision::of(record, result, options);
            serde_json::to_writer(&mut *out, &decision)?;
            out.write_all(b"\n")?;
            Ok::<(), std::io::Error>(())
        });
        written.and_then(|()| out.flush()).map_err(|error| {
            tracing::error!(error = %error, "cannot write the decision log");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "decision-log-failed",
                "the decisions could not be logged, so the results are not given; the server's log says why",
            )
        })
    }

    /// The last reload's outcome.
    pub fn last_reload(&self) -> Option<ReloadOutcome> {
        self.reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Requests of `/v1/validate` being evaluated now.
    pub fn requests_in_flight(&self) -> usize {
        self.config.limits.max_concurrent_requests.max(1) - self.permits.available_permits()
    }

    pub fn served(&self) -> Option<Arc<Served>> {
        self.current.load_full()
    }
}

/// The server's routes and limits, for `serve` or for a caller's own listener.
pub fn router(state: Arc<AppState>) -> Router {
    let limits = state.config.limits.clone();
    let validate = post(validate::validate).layer((
        axum::middleware::from_fn_with_state(state.clone(), admin::require_client),
        axum::middleware::from_fn_with_state(state.clone(), validate::within_limits),
        RequestBodyLimitLayer::new(limits.max_body_bytes),
    ));
    let admin = axum::middleware::from_fn_with_state(state.clone(), admin::require_admin);
    Router::new()
        .route("/v1/validate", validate)
        .route("/v1/reload", post(admin::reload).layer(admin.clone()))
        .route("/v1/status", get(admin::status).layer(admin))
        .route("/v1/rulesets", get(rulesets))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Innermost, so that a panic's 500 is counted and logged like any other answer.
        .route_layer(tower_http::catch_panic::CatchPanicLayer::custom(
            answer_panic,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            log::request,
        ))
        .with_state(state)
}

/// A handler that panics is answered with 500 `internal-error` (and logged), not with a
/// connection cut.
fn answer_panic(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = what, "a request panicked; it is answered with 500");
    ApiError::internal().into_response()
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match state.served() {
        Some(_) => (StatusCode::OK, "ready\n").into_response(),
        None => validate::not_ready().into_response(),
    }
}

async fn rulesets(State(state): State<Arc<AppState>>) -> Response {
    match state.served() {
        Some(served) => Json(served.view()).into_response(),
        None => validate::not_ready().into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no-such-endpoint",
        "no such endpoint; the server answers `POST /v1/validate`, `GET /v1/rulesets`, `POST /v1/reload`, `GET /v1/status`, `GET /healthz`, `GET /readyz` and `GET /metrics`",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not answer that method; `Allow` says which it answers (`POST /v1/validate` takes the records)",
    )
}

/// Why `serve` stopped with an error.
#[derive(Debug)]
pub enum ServeError {
    /// The rules do not load: their diagnostics.
    Rules(Vec<String>),
    /// Anything else: the address, the runtime.
    Other(String),
}

/// Loads the rules, then serves on `address` until SIGTERM or Ctrl-C, letting the requests in
/// flight finish.
pub fn serve(
    config: Config,
    address: SocketAddr,
    decision_log: Option<&std::path::Path>,
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            ServeError::Other(format!("cannot start the server's runtime: {error}"))
        })?;
    // A panic is a defect: it goes to the log as an event (the request is answered with 500,
    // or its stream ends with an error line), not as a line of text among the events.
    std::panic::set_hook(Box::new(|panic| {
        if tracing::dispatcher::has_been_set() {
            tracing::error!(panic = %panic, "panic");
        } else {
            eprintln!("{panic}");
        }
    }));
    runtime.block_on(async move {
        let state = AppState::new(config);
        if let Some(path) = decision_log {
            state.open_decision_log(path).map_err(ServeError::Other)?;
        }
        let loading = state.clone();
        let served = tokio::task::spawn_blocking(move || loading.load_rules())
            .await
            .map_err(|error| ServeError::Other(format!("loading the rules failed: {error}")))?
            .map_err(ServeError::Rules)?;
        let _watching = if state.config.watch {
            Some(watch::watch(state.clone()).map_err(ServeError::Other)?)
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|error| ServeError::Other(format!("cannot listen on `{address}`: {error}")))?;
        let bound = listener
            .local_addr()
            .map_err(|error| ServeError::Other(format!("cannot listen on `{address}`: {error}")))?;
        tracing::info!(
            address = %bound,
            rulesets = served.rulesets.len(),
            rules_hash = %served.rules_hash(),
            generation = served.generation,
            "serving on http://{bound}"
        );
        let stopping = state.clone();
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                tracing::info!(
                    in_flight = stopping.requests_in_flight(),
                    "stopping: the requests in flight are answered first; no new connection is accepted"
                );
            })
            .await
            .map_err(|error| ServeError::Other(format!("the server stopped: {error}")))
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn defect() -> &'static str {
        panic!("a defect")
    }

    #[tokio::test]
    async fn a_handler_that_panics_is_answered_with_500_internal_error() {
        let routes = axum::Router::new()
            .route("/", axum::routing::get(defect))
            .route_layer(tower_http::catch_panic::CatchPanicLayer::custom(
                super::answer_panic,
            ));
        let response = routes
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal-error");
    }
}
