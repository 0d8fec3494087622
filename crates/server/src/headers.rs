//! What every response carries, errors included: security headers, `Cache-Control: no-store`
//! (unless a handler set its own, e.g. the static assets), our JSON error body for errors that
//! axum or tower produce themselves (unknown route, wrong method, body too large, timeout, panic),
//! the request body limit and a request timeout.
//!
//! The Content-Security-Policy depends on what the response is: HTML documents (the screens of
//! `peil-web`) get [`peil_web::CONTENT_SECURITY_POLICY`], exactly what those pages need (own
//! stylesheets, own scripts from `/static/`, same-origin fetch, nothing inline); everything else
//! keeps the API's [`CONTENT_SECURITY_POLICY`]. Neither allows `unsafe-inline` or `unsafe-eval`.

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::ApiError;

/// The Content-Security-Policy: nothing inline, nothing evaluated, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// How long a request may take before it answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The Content-Security-Policy of HTML documents (the web screens).
pub const HTML_CONTENT_SECURITY_POLICY: &str = peil_web::CONTENT_SECURITY_POLICY;

/// The security headers set (overriding) on every response; the Content-Security-Policy is set
/// by [`set_content_security_policy`] according to the content type.
pub fn security_headers() -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), interest-cohort=()",
            ),
        ),
    ]
}

/// Wraps `router` in the layers every response passes through.
pub fn apply(router: Router, body_limit_bytes: usize) -> Router {
    let mut router = router
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| {
                ApiError::Internal("a handler panicked".to_string()).into_response()
            },
        ))
        .layer(axum::middleware::map_response(normalize_error))
        .layer(axum::middleware::map_response(set_content_security_policy))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    for (name, value) in security_headers() {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router
}

fn content_type_starts_with(response: &Response, prefix: &str) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(prefix))
}

fn is_json(response: &Response) -> bool {
    content_type_starts_with(response, "application/json")
}

fn is_html(response: &Response) -> bool {
    content_type_starts_with(response, "text/html")
}

/// Sets (overriding) the policy for the response's kind: the web pages' for HTML, the API's
/// for everything else.
async fn set_content_security_policy(mut response: Response) -> Response {
    let policy = if is_html(&response) {
        HTML_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    response
}

/// Gives errors produced outside our handlers (axum's 404/405/413, tower's 408) our JSON body.
async fn normalize_error(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_json(&response)
        || is_html(&response)
    {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::RouteNotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::REQUEST_TIMEOUT => ApiError::RequestTimeout,
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            ApiError::MalformedJson("the request could not be read".to_string())
        }
        _ => ApiError::Internal(format!("unexpected status {status}")),
    };
    let mut normalized = error.into_response();
    // Keep the status axum or tower chose (e.g. 405 with its Allow header).
    *normalized.status_mut() = status;
    if let Some(allow) = response.headers().get(header::ALLOW) {
        normalized
            .headers_mut()
            .insert(header::ALLOW, allow.clone());
    }
    normalized
}
