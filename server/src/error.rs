//! Errors as the server answers them: a status and a JSON body that names what was wrong and,
//! for malformed input, where.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// One kebab-case id per situation (`malformed-json`, `body-too-large`, ...).
    pub code: &'static str,
    pub message: String,
    /// Where in the body, as a JSON path (`$[2].items[0]`), when it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Seconds after which the request may be sent again (`503`).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            path: None,
            line: None,
            column: None,
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A defect of the server (a panic, a task that failed): logged, and answered with 500.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "the server failed to answer this request; it is logged",
        )
    }

    /// The error as one NDJSON line, which ends a streamed response that must stop midway.
    pub fn ndjson_line(&self, records_answered: usize) -> Vec<u8> {
        #[derive(Serialize)]
        struct Line<'a> {
            error: &'a ApiError,
            records_answered: usize,
        }
        let mut line = serde_json::to_vec(&Line {
            error: self,
            records_answered,
        })
        .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal-error\"}}".to_vec());
        line.push(b'\n');
        line
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a ApiError,
        }
        let body = serde_json::to_vec(&Body { error: &self })
            .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal-error\"}}".to_vec());
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        response
            .extensions_mut()
            .insert(crate::log::ErrorCode(self.code));
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
