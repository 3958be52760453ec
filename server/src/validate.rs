//! `POST /v1/validate`: records in (one JSON record, a JSON array, NDJSON streamed, WCO XML),
//! results out, by the code path of `clearance run`: the runtime's readers, its batching loop
//! (`read_batches`) and `RuleSet::evaluate_raw`.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearance_runtime::findings::{RecordResult, Summary};
use clearance_runtime::input::{InputFormat, RawRecord, RecordSource, open_records, read_batches};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::AppState;
use crate::body::{Pending, body_error, channel_reader};
use crate::error::ApiError;
use crate::rules::Served;

/// Records are evaluated in batches of at most this many, in parallel within a batch.
const BATCH: usize = 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateQuery {
    as_of: Option<String>,
}

/// Which rules answered: every response names them.
#[derive(Serialize)]
struct RulesUsed<'a> {
    hash: &'a str,
    generation: u64,
    rulesets: &'a [crate::rules::ServedRuleset],
}

pub async fn validate(
    State(state): State<Arc<AppState>>,
    query: Result<Query<ValidateQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match answer(state, query, headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn answer(
    state: Arc<AppState>,
    query: Result<Query<ValidateQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let Query(query) = query.map_err(|rejection| {
        ApiError::bad_request("bad-query", format!("the query string: {rejection}"))
    })?;
    let as_of = match query.as_of {
        Some(_) if !state.config.allow_request_as_of => {
            return Err(ApiError::bad_request(
                "request-as-of-not-allowed",
                "this server evaluates as of today: it was not started with `--allow-request-as-of`",
            ));
        }
        Some(text) => clearance_compiler::time::parse_date(&text)
            .map_err(|message| ApiError::bad_request("bad-as-of", format!("`as_of`: {message}")))?,
        None => clearance_compiler::time::today_utc(),
    };
    let format = input_format(&headers)?;
    let Ok(permit) = state.permits.clone().try_acquire_owned() else {
        drain_refused(&headers, body).await;
        let mut error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too-many-requests-in-flight",
            format!(
                "the server is answering {} requests already; send this one again shortly",
                state.config.limits.max_concurrent_requests
            ),
        );
        error.retry_after = Some(1);
        return Err(error);
    };
    let Some(served) = state.current.load_full() else {
        return Err(not_ready());
    };
    let limits = &state.config.limits;
    let bounds = RequestBounds {
        as_of,
        started,
        deadline: started + limits.request_timeout,
        max_records: limits.max_records,
        max_body_bytes: limits.max_body_bytes,
    };
    if format == InputFormat::Ndjson {
        return Ok(streamed(state, served, body, bounds, permit));
    }
    let bytes = axum::body::to_bytes(body, bounds.max_body_bytes)
        .await
        .map_err(|error| body_read_error(&body_error(error), bounds.max_body_bytes))?;
    match format {
        InputFormat::WcoXml => well_formed_xml(&bytes)?,
        _ => well_formed_json(&bytes)?,
    }
    let span = tracing::Span::current();
    let evaluated = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _span = span.enter();
        let records = open_records(Box::new(Cursor::new(bytes)), format, None)
            .map_err(|error| body_read_error(&error, bounds.max_body_bytes))?;
        let (results, summary) = evaluate_whole(&state, &served, records, &bounds)?;
        Ok::<_, ApiError>((served, results, summary))
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let (served, results, summary) = evaluated?;
    #[derive(Serialize)]
    struct Answer<'a> {
        rules: RulesUsed<'a>,
        as_of: String,
        results: &'a [RecordResult],
        summary: &'a Summary,
    }
    let body = serde_json::to_vec(&Answer {
        rules: rules_used(&served),
        as_of: as_of.to_string(),
        results: &results,
        summary: &summary,
    })
    .map_err(|_| ApiError::internal())?;
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    response.extensions_mut().insert(crate::log::Evaluated {
        format: format_name(format),
        generation: served.generation,
        summary,
    });
    name_rules(response.headers_mut(), &served);
    Ok(response)
}

/// Refuses a body whose `Content-Length` is over the limit before it is read (413), and
/// answers a request that has no answer within its time with 408, both as the server's JSON
/// errors. A body without a length is bounded as it is read (`RequestBodyLimitLayer`, inside).
pub async fn within_limits(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limits = &state.config.limits;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    let limit = u64::try_from(limits.max_body_bytes).unwrap_or(u64::MAX);
    if declared.is_some_and(|length| length > limit) {
        return body_too_large(limits.max_body_bytes).into_response();
    }
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => request_timeout().into_response(),
    }
}

/// Reads and drops the body of a refused request, up to 1 MiB and for at most a second, so
/// that the connection stays open and the client reads its 503: a connection closed with a
/// body unread is reset, and a reset can lose the answer before the client reads it. A client
/// that waits for `100 Continue` has sent no body, and is not asked for it.
async fn drain_refused(headers: &HeaderMap, body: Body) {
    const DRAINED_BYTES: usize = 1024 * 1024;
    let waits_for_continue = headers
        .get(header::EXPECT)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if waits_for_continue {
        return;
    }
    let mut chunks = body.into_data_stream();
    let drained = async {
        let mut read = 0;
        while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut chunks).await {
            read += chunk.len();
            if read > DRAINED_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), drained).await;
}

/// NDJSON in, NDJSON out: a result line per record as its batch is evaluated, then a line
/// `{"summary": ...}`; a stream that must stop midway ends with a line `{"error": ...}` that
/// says how many records were answered, so that a client knows where to start again.
fn streamed(
    state: Arc<AppState>,
    served: Arc<Served>,
    body: Body,
    bounds: RequestBounds,
    permit: OwnedSemaphorePermit,
) -> Response {
    let (reader, pending) = channel_reader(body, tokio::time::Instant::from_std(bounds.deadline));
    let (lines, receiver) = mpsc::channel::<Bytes>(64);
    let for_task = served.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _span = span.enter();
        let served = for_task;
        let mut sent = Sent {
            lines: &lines,
            answered: 0,
        };
        let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            stream_results(
                &state,
                &served,
                Box::new(reader),
                &pending,
                &bounds,
                &mut sent,
            );
        }));
        if finished.is_err() {
            // The status is sent: the answer ends with an error line, not a cut.
            let line = ApiError::internal().ndjson_line(sent.answered);
            let _ = send_line(&lines, Bytes::from(line), bounds.deadline);
            crate::log::answered(200, bounds.started, Some("internal-error"), None);
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|line| (Ok::<_, std::convert::Infallible>(line), receiver))
    });
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::from_stream(stream),
    )
        .into_response();
    response.extensions_mut().insert(crate::log::Streamed);
    name_rules(response.headers_mut(), &served);
    response
}

/// The date and the bounds of a request.
struct RequestBounds {
    as_of: Date,
    /// When the request began, which its log counts its time from.
    started: Instant,
    deadline: Instant,
    max_records: usize,
    max_body_bytes: usize,
}

/// The lines of a streamed answer, and how many of them are results.
struct Sent<'a> {
    lines: &'a mpsc::Sender<Bytes>,
    answered: usize,
}

fn stream_results(
    state: &AppState,
    served: &Served,
    reader: Box<dyn std::io::BufRead + Send>,
    pending: &Pending,
    bounds: &RequestBounds,
    sent: &mut Sent<'_>,
) {
    let mut summary = served.rule_set.empty_summary(bounds.as_of);
    let outcome = open_records(reader, InputFormat::Ndjson, None)
        .map_err(|error| body_read_error(&error, bounds.max_body_bytes))
        .and_then(|mut records: Box<dyn RecordSource + Send>| {
            read_batches(
                records.as_mut(),
                BATCH,
                1,
                &|| pending.at_hand(),
                |batch, first| {
                    let evaluated =
                        evaluate_batch(state, served, batch, first, bounds, &mut summary)?;
                    for result in evaluated {
                        let mut line =
                            serde_json::to_vec(&result).map_err(|_| ApiError::internal())?;
                        line.push(b'\n');
                        send_line(sent.lines, Bytes::from(line), bounds.deadline)?;
                        sent.answered += 1;
                    }
                    Ok(())
                },
                |error| body_read_error(&error, bounds.max_body_bytes),
            )
        });
    let (last, error) = match outcome {
        Ok(_) => {
            #[derive(Serialize)]
            struct End<'a> {
                summary: &'a Summary,
            }
            let mut line = serde_json::to_vec(&End { summary: &summary }).unwrap_or_default();
            line.push(b'\n');
            (Some(line), None)
        }
        Err(error) if error.code == "client-gone" => (None, Some(error.code)),
        Err(error) => (Some(error.ndjson_line(sent.answered)), Some(error.code)),
    };
    if let Some(last) = last {
        let _ = send_line(sent.lines, Bytes::from(last), bounds.deadline);
    }
    let evaluated = crate::log::Evaluated {
        format: "ndjson",
        generation: served.generation,
        summary,
    };
    crate::log::answered(200, bounds.started, error, Some(&evaluated));
}

/// Sends a line of a streamed answer; a client that stops reading is given until the
/// request's deadline, then the stream is dropped.
fn send_line(lines: &mpsc::Sender<Bytes>, line: Bytes, deadline: Instant) -> Result<(), ApiError> {
    let handle = tokio::runtime::Handle::current();
    let deadline = tokio::time::Instant::from_std(deadline);
    match handle.block_on(tokio::time::timeout_at(deadline, lines.send(line))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(_) => Err(client_gone()),
    }
}

fn request_timeout() -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request-timeout",
        "the request took longer than the server's limit per request; send fewer records per request",
    )
}

/// Evaluates one batch of a streamed request, within its bounds: the decisions logged first,
/// then the summary and the metrics counted.
fn evaluate_batch(
    state: &AppState,
    served: &Served,
    batch: &[RawRecord],
    first: usize,
    bounds: &RequestBounds,
    summary: &mut Summary,
) -> Result<Vec<RecordResult>, ApiError> {
    check_limits(first + batch.len() - 1, bounds)?;
    let evaluated = served.rule_set.evaluate_raw(batch, first, bounds.as_of);
    state.log_decisions(batch, &evaluated)?;
    count(state, &evaluated, summary);
    Ok(evaluated)
}

/// Evaluates the records of a body read whole, all or none: they are counted as they are read
/// (413 once they pass the limit, before any is evaluated), evaluated by batches of the
/// runtime's loop until the deadline, and their decisions logged only once every one has a
/// result, so that the decision log holds the requests that were answered and no other.
fn evaluate_whole(
    state: &AppState,
    served: &Served,
    mut records: Box<dyn RecordSource + Send>,
    bounds: &RequestBounds,
) -> Result<(Vec<RecordResult>, Summary), ApiError> {
    let mut read = Vec::new();
    read_batches(
        records.as_mut(),
        BATCH,
        1,
        &|| true,
        |batch, first| {
            check_limits(first + batch.len() - 1, bounds)?;
            read.append(batch);
            Ok(())
        },
        |error| body_read_error(&error, bounds.max_body_bytes),
    )?;
    let mut results = Vec::with_capacity(read.len());
    for (index, batch) in read.chunks(BATCH).enumerate() {
        check_deadline(bounds.deadline)?;
        results.extend(
            served
                .rule_set
                .evaluate_raw(batch, 1 + index * BATCH, bounds.as_of),
        );
    }
    state.log_decisions(&read, &results)?;
    let mut summary = served.rule_set.empty_summary(bounds.as_of);
    count(state, &results, &mut summary);
    Ok((results, summary))
}

/// Counts a request's results into its summary and the server's metrics.
fn count(state: &AppState, results: &[RecordResult], summary: &mut Summary) {
    summary.records_in += results.len();
    for result in results {
        summary.add(result);
        state.metrics.result(result);
    }
}

fn check_limits(last_position: usize, bounds: &RequestBounds) -> Result<(), ApiError> {
    let max_records = bounds.max_records;
    if last_position > max_records {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-many-records",
            format!(
                "a request may hold at most {max_records} records; send the rest in another request"
            ),
        ));
    }
    check_deadline(bounds.deadline)
}

/// What a body that cannot be read as records is answered: over the size limit, out of
/// time, or not records at all.
fn body_read_error(error: &std::io::Error, max_body_bytes: usize) -> ApiError {
    match error.kind() {
        std::io::ErrorKind::FileTooLarge => body_too_large(max_body_bytes),
        std::io::ErrorKind::TimedOut => request_timeout(),
        _ => ApiError::bad_request("unreadable-body", format!("the body: {error}")),
    }
}

fn check_deadline(deadline: Instant) -> Result<(), ApiError> {
    if Instant::now() > deadline {
        return Err(request_timeout());
    }
    Ok(())
}

fn format_name(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Json => "json",
        InputFormat::Ndjson => "ndjson",
        InputFormat::WcoXml => "xml",
        InputFormat::Auto => "auto",
    }
}

fn input_format(headers: &HeaderMap) -> Result<InputFormat, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(InputFormat::Json),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => {
            Ok(InputFormat::Ndjson)
        }
        "application/xml" | "text/xml" => Ok(InputFormat::WcoXml),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-content-type",
            format!(
                "`{content_type}` is not a format of records; send `application/json` (a record or an array), `application/x-ndjson` (a record per line) or `application/xml` (WCO DEC-DMS)"
            ),
        )),
    }
}

/// A JSON body must be one JSON value; where it is not, the error names the path and place.
fn well_formed_json(bytes: &[u8]) -> Result<(), ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let checked = serde::de::IgnoredAny::deserialize(&mut deserializer);
    let error = match checked {
        Ok(_) => match deserializer.end() {
            Ok(()) => return Ok(()),
            Err(error) => {
                let mut api = ApiError::bad_request(
                    "malformed-json",
                    format!(
                        "the body holds more than one JSON value ({error}); send an array of records, or NDJSON"
                    ),
                );
                api.line = Some(error.line());
                api.column = Some(error.column());
                return Err(api);
            }
        },
        Err(_) => {
            // Read again, only now, into values, which is what tells the path.
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            let traced: Result<serde_json::Value, _> =
                serde_path_to_error::deserialize(&mut deserializer);
            match traced {
                Err(error) => error,
                Ok(_) => {
                    return Err(ApiError::bad_request(
                        "malformed-json",
                        "the body is not JSON",
                    ));
                }
            }
        }
    };
    // An object's key not yet read shows as `?`: the path stops at the object.
    let path = error.path().to_string().replace(".?", "");
    let path = if path == "?" { ".".to_string() } else { path };
    let inner = error.into_inner();
    let mut api = ApiError::bad_request("malformed-json", format!("the body is not JSON: {inner}"));
    api.path = Some(match path.as_str() {
        "." => "$".to_string(),
        indexed if indexed.starts_with('[') => format!("${indexed}"),
        keyed => format!("$.{keyed}"),
    });
    api.line = Some(inner.line());
    api.column = Some(inner.column());
    Err(api)
}

fn well_formed_xml(bytes: &[u8]) -> Result<(), ApiError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buffer = Vec::new();
    let line_at = |offset: u64| {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let before = &bytes[..offset.min(bytes.len())];
        before.iter().filter(|byte| **byte == b'\n').count() + 1
    };
    // The elements open, with where each opened: quick-xml checks that end tags match, not
    // that every element is closed by the end.
    let mut open: Vec<(String, u64)> = Vec::new();
    loop {
        let before = reader.buffer_position();
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Eof) => {
                let Some((name, at)) = open.last() else {
                    return Ok(());
                };
                let mut api = ApiError::bad_request(
                    "malformed-xml",
                    format!(
                        "the body is not well-formed XML: the element `{}` opened at line {} is not closed",
                        name,
                        line_at(*at)
                    ),
                );
                api.line = Some(line_at(reader.buffer_position()));
                return Err(api);
            }
            Ok(quick_xml::events::Event::Start(start)) => {
                open.push((start.name().as_ref().to_string(), before));
                buffer.clear();
            }
            Ok(quick_xml::events::Event::End(_)) => {
                open.pop();
                buffer.clear();
            }
            Ok(_) => buffer.clear(),
            Err(error) => {
                let mut api = ApiError::bad_request(
                    "malformed-xml",
                    format!("the body is not well-formed XML: {error}"),
                );
                api.line = Some(line_at(reader.error_position()));
                return Err(api);
            }
        }
    }
}

fn rules_used(served: &Served) -> RulesUsed<'_> {
    RulesUsed {
        hash: served.rules_hash(),
        generation: served.generation,
        rulesets: &served.rulesets,
    }
}

/// The headers that name the rules that answered, on every response of `/v1/validate`.
fn name_rules(headers: &mut HeaderMap, served: &Served) {
    if let Ok(value) = HeaderValue::from_str(served.rules_hash()) {
        headers.insert("clearance-rules-hash", value);
    }
    headers.insert("clearance-generation", HeaderValue::from(served.generation));
    let versions = served
        .rulesets
        .iter()
        .map(|ruleset| format!("{} {}", ruleset.name, ruleset.version))
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::from_str(&versions) {
        headers.insert("clearance-rulesets", value);
    }
}

pub fn not_ready() -> ApiError {
    let mut error = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "rules-not-loaded",
        "no rule set is loaded yet; see `/v1/status`",
    );
    error.retry_after = Some(1);
    error
}

fn body_too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        format!(
            "the body is larger than the limit of {limit} bytes; send fewer records per request, or stream NDJSON"
        ),
    )
}

fn client_gone() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "client-gone",
        "the client went away",
    )
}
