//! The server's log: events with fields (tracing), a line per request and per evaluation,
//! reload and stop. No event carries a record's content: a request is logged by its endpoint,
//! status, time and counts, an error by its code, never by its message (which may quote the
//! body). The decision log (`--decision-log`) is where records go, when the operator asks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use clearance_runtime::findings::Summary;
use tracing::Instrument as _;

use crate::AppState;

/// How `clearance serve` writes its log to standard error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// A line of text per event: time, level, message, then `field=value`.
    Text,
    /// A JSON object per line, for a log collector.
    Json,
}

/// The environment variable that chooses which events are written, in tracing's filter
/// syntax (`info`, `warn`, `clearance_server=debug`); when it is not set, the server's own
/// events from `info` and its libraries' (the compiler's salsa among them) from `warn`.
pub const LOG_FILTER_VARIABLE: &str = "CLEARANCE_LOG";

/// Sends the events of this process to standard error, in `format`, filtered by
/// [`LOG_FILTER_VARIABLE`]. An embedder that has its own subscriber does not call this.
pub fn init_logging(format: LogFormat) -> Result<(), String> {
    let filter = match std::env::var(LOG_FILTER_VARIABLE) {
        Ok(text) => tracing_subscriber::EnvFilter::try_new(&text).map_err(|error| {
            format!(
                "`{LOG_FILTER_VARIABLE}={text}` is not a log filter: {error}; try `info` or `warn`"
            )
        })?,
        Err(std::env::VarError::NotPresent) => {
            tracing_subscriber::EnvFilter::new("warn,clearance_server=info")
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(format!("`{LOG_FILTER_VARIABLE}` is not UTF-8"));
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|error| format!("cannot start the log: {error}"))
}

/// The header that names a request in the log: taken from the client (or its proxy) when it
/// is short and printable, otherwise given by the server; sent back on every response.
const REQUEST_ID: &str = "x-request-id";

fn request_id(request: &Request) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let given = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|text| {
            !text.is_empty()
                && text.len() <= 64
                && text
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte))
        });
    match given {
        Some(text) => text.to_string(),
        None => NEXT.fetch_add(1, Ordering::Relaxed).to_string(),
    }
}

/// The error code of an answer, which the log names (never the message).
#[derive(Clone, Copy, Debug)]
pub struct ErrorCode(pub &'static str);

/// What a request's records came to, which its log event names: counts, never the records.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub format: &'static str,
    pub generation: u64,
    pub summary: Summary,
}

/// Marks a streamed answer: its event is logged when the stream ends, with what it came to.
#[derive(Clone, Copy, Debug)]
pub struct Streamed;

/// Counts and times every request in the metrics, by the route it matched, once its status
/// and headers are ready; and logs it once, in a span that the events of its evaluation share:
/// a whole answer here, a streamed one by the stream, at its end.
pub async fn request(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_string(), |path| path.as_str().to_string());
    let id = request_id(&request);
    let span =
        tracing::info_span!("request", id = %id, method = %request.method(), endpoint = %endpoint);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    state.metrics.answered(
        &endpoint,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    if response.extensions().get::<Streamed>().is_none() {
        let error = response.extensions().get::<ErrorCode>().map(|code| code.0);
        let evaluated = response.extensions().get::<Evaluated>();
        span.in_scope(|| answered(response.status().as_u16(), started, error, evaluated));
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The one event of a request: its status, its time (`started` to now), the code of its error
/// and, for `/v1/validate`, what its records came to.
pub fn answered(
    status: u16,
    started: Instant,
    error: Option<&'static str>,
    evaluated: Option<&Evaluated>,
) {
    // To the microsecond: more digits are noise.
    let latency_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    macro_rules! event {
        ($level:expr) => {
            tracing::event!(
                $level,
                status,
                latency_ms,
                error,
                format = evaluated.map(|counts| counts.format),
                generation = evaluated.map(|counts| counts.generation),
                as_of = evaluated.map(|counts| counts.summary.as_of.as_str()),
                records = evaluated.map(|counts| counts.summary.records_in),
                pass = evaluated.map(|counts| counts.summary.pass),
                warn = evaluated.map(|counts| counts.summary.warn),
                fail = evaluated.map(|counts| counts.summary.fail),
                action_due = evaluated.map(|counts| counts.summary.action_due),
                invalid = evaluated.map(|counts| counts.summary.invalid),
                not_evaluated = evaluated.map(|counts| counts.summary.not_evaluated),
                not_a_declaration = evaluated.map(|counts| counts.summary.not_a_declaration),
                findings = evaluated.map(|counts| counts.summary.findings),
                "answered"
            )
        };
    }
    if status >= 500 {
        event!(tracing::Level::ERROR);
    } else {
        event!(tracing::Level::INFO);
    }
}
