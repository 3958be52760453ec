//! What the in-process tests share: a request sent through the router, its answer collected.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use clearance_server::{AppState, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Sends `request` to the server's router (no socket) and collects the whole answer.
pub async fn send(
    state: Arc<AppState>,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = router(state).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}
