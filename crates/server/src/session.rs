//! Authentication of every request from the route table: a session cookie (with the CSRF header
//! on every state change) or an API token (only where the table accepts tokens, and only for the
//! workspace the token is scoped to). The principal found here is the only source of the tenant.
//!
//! Cookies: `__Host-peil-session` (HttpOnly) and `__Host-peil-csrf` (readable by the page, for
//! the double submit), both `Secure; Path=/; SameSite=Strict`. `__Host-` cookies need TLS, so
//! run Peil behind a TLS-terminating reverse proxy; `CookieMode::InsecureDev` drops the prefix
//! and `Secure` for local http testing only.
//!
//! HTML screens (`Access::Page`) use the same session cookie, never an API token. Their forms
//! carry the CSRF token in the hidden field `csrf_token` instead of the header: on a state change
//! this middleware reads the (size-limited) form body, checks the field against the session's
//! stored hash with the same constant-time comparison, and hands the body on unchanged. Without
//! a session a screen redirects to `/login`; a missing or wrong token answers the 403 page. The
//! token the pages put into their forms is the value of the CSRF cookie, used only when it
//! matches the session ([`PageSession`]). The login form itself has no session yet: see
//! `routes::pages::login` (SameSite=Strict plus a pre-session double-submit cookie and an
//! Origin check).

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use peil_service::{Actor, ServiceError};

use crate::error::ApiError;
use crate::state::{AppState, CookieMode};
use crate::table;

/// Header carrying the CSRF token on state-changing requests with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the request authenticated.
#[derive(Clone)]
pub enum Credential {
    /// A session cookie (the token is kept for logout).
    Session { token: String },
    /// An API token, valid only for one workspace.
    Token { workspace_id: i64 },
}

/// Who makes the request: the actor, their organisation (the tenant) and the credential.
#[derive(Clone)]
pub struct Principal {
    pub actor: Actor,
    pub organisation: String,
    pub credential: Credential,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Principal")
            .field("actor", &self.actor.audit_label())
            .finish_non_exhaustive()
    }
}

impl Principal {
    /// The workspace an API token is limited to (`None` for a session).
    pub fn token_workspace(&self) -> Option<i64> {
        match self.credential {
            Credential::Token { workspace_id } => Some(workspace_id),
            Credential::Session { .. } => None,
        }
    }
}

pub fn session_cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => "__Host-peil-session",
        CookieMode::InsecureDev => "peil-session",
    }
}

pub fn csrf_cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => "__Host-peil-csrf",
        CookieMode::InsecureDev => "peil-csrf",
    }
}

/// The pre-session CSRF cookie of the login form (HttpOnly; double submit with its field).
pub fn login_csrf_cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => "__Host-peil-login",
        CookieMode::InsecureDev => "peil-login",
    }
}

/// The cookie that keeps the interface language chosen with `?lang=` (not secret).
pub fn language_cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => "__Host-peil-lang",
        CookieMode::InsecureDev => "peil-lang",
    }
}

/// A `Set-Cookie` value: `Path=/; SameSite=Strict`, `Secure` unless in development mode.
pub fn cookie_header(
    mode: CookieMode,
    name: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
) -> Option<HeaderValue> {
    HeaderValue::from_str(&cookie(mode, name, value, max_age, http_only)).ok()
}

/// The session's CSRF token for an HTML screen's forms: the CSRF cookie's value, present only
/// when it matches the session (the session keeps just its hash).
#[derive(Clone, Default)]
pub struct PageSession {
    pub csrf_token: Option<String>,
}

fn cookie(mode: CookieMode, name: &str, value: &str, max_age: i64, http_only: bool) -> String {
    let mut text = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age}");
    if http_only {
        text.push_str("; HttpOnly");
    }
    if mode == CookieMode::Secure {
        text.push_str("; Secure");
    }
    text
}

/// The `Set-Cookie` values of a new session.
pub fn session_cookies(
    mode: CookieMode,
    token: &str,
    csrf_token: &str,
    max_age_seconds: i64,
) -> Vec<HeaderValue> {
    [
        cookie(
            mode,
            session_cookie_name(mode),
            token,
            max_age_seconds,
            true,
        ),
        cookie(
            mode,
            csrf_cookie_name(mode),
            csrf_token,
            max_age_seconds,
            false,
        ),
    ]
    .into_iter()
    .filter_map(|text| HeaderValue::from_str(&text).ok())
    .collect()
}

/// The `Set-Cookie` values that remove the session's cookies.
pub fn cleared_cookies(mode: CookieMode) -> Vec<HeaderValue> {
    session_cookies(mode, "", "", 0)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|token| !token.is_empty())
}

/// The client's address, when the server runs with connection info.
pub fn client_address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The audit origin of a request (`http 192.0.2.1`).
pub fn origin_of(address: Option<IpAddr>) -> String {
    match address {
        Some(address) => format!("http {address}"),
        None => "http".to_string(),
    }
}

/// The value in the actual path at the position of `{id}` in the pattern.
fn path_id<'a>(pattern: &str, actual: &'a str) -> Option<&'a str> {
    pattern
        .split('/')
        .zip(actual.split('/'))
        .find(|(part, _)| *part == "{id}")
        .map(|(_, value)| value)
}

fn is_state_change(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware on every routed request: applies the route table's access rule and puts the
/// `Principal` into the request's extensions.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let pattern = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_string())
        .unwrap_or_default();
    // HEAD is answered like GET (axum runs the GET handler without the body).
    let method = if request.method() == Method::HEAD {
        "GET"
    } else {
        request.method().as_str()
    };
    let Some(row) = table::lookup(method, &pattern) else {
        // The path is routed, the method is not (axum's 405 fallback runs inside this layer).
        if table::ROUTES.iter().any(|row| row.path == pattern) {
            return Err(ApiError::MethodNotAllowed);
        }
        return Err(ApiError::Internal(format!(
            "route {} {pattern} has no row in the route table",
            request.method()
        )));
    };
    if !row.access.requires_authentication() {
        return Ok(next.run(request).await);
    }
    if row.access.is_page() {
        return Ok(authenticate_page(state, request, next).await);
    }
    let principal = if let Some(token) = bearer_token(request.headers()) {
        if !row.access.accepts_tokens() {
            return Err(ApiError::TokenNotAllowed);
        }
        let found = state
            .call(move |service| service.token_actor(&token).map_err(ApiError::from))
            .await?;
        if let Some(id) = path_id(&pattern, request.uri().path()) {
            if id.parse::<i64>().ok() != Some(found.workspace_id) {
                return Err(ApiError::Service(ServiceError::NotFound {
                    what: "workspace",
                    name: id.to_string(),
                }));
            }
        }
        Principal {
            actor: found.actor,
            organisation: found.organisation,
            credential: Credential::Token {
                workspace_id: found.workspace_id,
            },
        }
    } else {
        let mode = state.settings.cookies;
        let Some(token) = cookie_value(request.headers(), session_cookie_name(mode)) else {
            return Err(ApiError::Unauthenticated);
        };
        let policy = state.settings.policy;
        let session_token = token.clone();
        let found = state
            .call(move |service| {
                service
                    .session_actor(&session_token, &policy)
                    .map_err(ApiError::from)
            })
            .await?;
        if is_state_change(request.method()) {
            let presented = request
                .headers()
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            if presented.is_empty() || !found.csrf_matches(presented) {
                return Err(ApiError::CsrfRejected);
            }
        }
        Principal {
            actor: found.actor,
            organisation: found.organisation,
            credential: Credential::Session { token },
        }
    };
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

/// The form field that carries the CSRF token of an HTML form.
pub const CSRF_FIELD: &str = "csrf_token";

/// The value of `name` in a form-encoded body (the first one).
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// Authentication of an HTML screen: the session cookie (API tokens are not looked at), the
/// form's CSRF field on state changes; answers a redirect to the login page or an HTML error.
async fn authenticate_page(state: AppState, request: Request, next: Next) -> Response {
    use crate::routes::pages;

    let mode = state.settings.cookies;
    let language = pages::request_language(&state, request.headers(), request.uri());
    let Some(token) = cookie_value(request.headers(), session_cookie_name(mode)) else {
        return pages::redirect_to_login(language);
    };
    let policy = state.settings.policy;
    let session_token = token.clone();
    let found = state
        .call(move |service| {
            service
                .session_actor(&session_token, &policy)
                .map_err(ApiError::from)
        })
        .await;
    let found = match found {
        Ok(found) => found,
        Err(error) if error.code() == crate::error::ApiErrorCode::Unauthenticated => {
            return pages::redirect_to_login(language);
        }
        Err(error) => return pages::error_response(language, None, &error),
    };
    let csrf_token = cookie_value(request.headers(), csrf_cookie_name(mode))
        .filter(|token| found.csrf_matches(token));
    let mut request = request;
    if is_state_change(request.method()) {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, state.settings.body_limit_bytes).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return pages::status_page(language, None, StatusCode::PAYLOAD_TOO_LARGE);
            }
        };
        let presented = form_field(&bytes, CSRF_FIELD).unwrap_or_default();
        if presented.is_empty() || !found.csrf_matches(&presented) {
            tracing::info!("HTML form refused: missing or wrong CSRF token");
            return pages::status_page(language, None, StatusCode::FORBIDDEN);
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    let principal = Principal {
        actor: found.actor,
        organisation: found.organisation,
        credential: Credential::Session { token },
    };
    request.extensions_mut().insert(principal);
    request.extensions_mut().insert(PageSession { csrf_token });
    next.run(request).await.into_response()
}
