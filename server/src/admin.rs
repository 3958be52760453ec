//! The operator's endpoints and tokens: `POST /v1/reload`, `GET /v1/status`, and the bearer
//! tokens that guard them (and, when the operator asks, `/v1/validate`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Json, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::ApiError;

/// A token as the server keeps it: its SHA-256, so that comparing two tokens takes the same
/// time whatever their lengths and contents.
#[derive(Clone)]
pub struct Token([u8; 32]);

impl Token {
    /// Reads a token from a file: its first line, trimmed; an empty one is an error.
    pub fn read(path: &std::path::Path) -> Result<Token, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read the token file `{}`: {error}", path.display()))?;
        let token = text.lines().next().unwrap_or("").trim();
        if token.is_empty() {
            return Err(format!("the token file `{}` is empty", path.display()));
        }
        Ok(Token::new(token))
    }

    pub fn new(token: &str) -> Token {
        Token(Sha256::digest(token.as_bytes()).into())
    }

    fn matches(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        self.0.ct_eq(&given).into()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Token(..)")
    }
}

fn authorized(token: &Token, request: &Request) -> Result<(), ApiError> {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match given {
        Some(given) if token.matches(given.trim()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "wrong-token",
            "the bearer token is not the one this endpoint takes",
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing-token",
            "this endpoint takes a bearer token: send `Authorization: Bearer TOKEN`",
        )),
    }
}

fn unauthorized(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Guards the admin endpoints; without an admin token file they are off.
pub async fn require_admin(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &state.config.admin_token else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "admin-disabled",
            "the admin endpoints are off: start the server with `--admin-token-file`",
        )
        .into_response();
    };
    match authorized(token, &request) {
        Ok(()) => next.run(request).await,
        Err(error) => unauthorized(error),
    }
}

/// Guards `/v1/validate` when the operator gave a client token file.
pub async fn require_client(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &state.config.client_token else {
        return next.run(request).await;
    };
    match authorized(token, &request) {
        Ok(()) => next.run(request).await,
        Err(error) => unauthorized(error),
    }
}

/// The last reload, for `/v1/status`.
#[derive(Clone, Debug, Serialize)]
pub struct ReloadOutcome {
    pub at: String,
    /// `loaded` or `failed`.
    pub outcome: &'static str,
    /// What asked for it: `start`, `request` or `watch`.
    pub cause: &'static str,
    pub generation: Option<u64>,
    pub diagnostics: Vec<String>,
}

pub async fn reload(State(state): State<Arc<AppState>>) -> Response {
    let reloading = state.clone();
    let outcome = tokio::task::spawn_blocking(move || reloading.reload("request")).await;
    match outcome {
        Ok(Ok(served)) => {
            #[derive(Serialize)]
            struct Reloaded<'a> {
                outcome: &'static str,
                #[serde(flatten)]
                served: crate::ServedView<'a>,
            }
            Json(Reloaded {
                outcome: "loaded",
                served: served.view(),
            })
            .into_response()
        }
        Ok(Err(diagnostics)) => {
            let serving = state.served().map(|served| served.generation);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({
                    "error": {
                        "code": "rules-do-not-load",
                        "message": "the rule directory does not load; the rules loaded before are still served",
                        "diagnostics": diagnostics,
                    },
                    "serving_generation": serving,
                })),
            )
                .into_response()
        }
        Err(_) => ApiError::internal().into_response(),
    }
}

pub async fn status(State(state): State<Arc<AppState>>) -> Response {
    let served = state.served();
    Json(serde_json::json!({
        "serving": served.as_ref().map(|served| served.view()),
        "last_reload": state.last_reload(),
        "requests_in_flight": state.requests_in_flight(),
        "rules": state.config.rules.display().to_string(),
    }))
    .into_response()
}
