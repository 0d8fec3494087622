//! `POST /api/v1/session` (log in) and `DELETE /api/v1/session` (log out).
//!
//! A login answers the session cookie (HttpOnly) and the CSRF cookie, and the CSRF token in the
//! body; every later state change sends it back in `X-CSRF-Token`. Logins are rate-limited per
//! client address (429) and accounts lock after repeated failures (the service).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_service::LoginAttempt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Route;
use crate::error::{ApiError, ErrorBody};
use crate::json::ApiJson;
use crate::session::{cleared_cookies, origin_of, session_cookies, Credential, Principal};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, "/api/v1/session", post(login)),
        Route::new(Method::DELETE, "/api/v1/session", delete(logout)),
    ]
}

/// What a login presents. Never logged.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub name: String,
    pub password: String,
    /// The 6-digit TOTP code (required for admin and fg, and for everyone who enrolled).
    #[serde(default)]
    pub totp: Option<String>,
}

/// A new session. The session token itself is only in the HttpOnly cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user_id: i64,
    pub name: String,
    /// `admin`, `analyst`, `webcare` or `fg`.
    pub role: String,
    pub organisation: String,
    /// Send this in the `X-CSRF-Token` header of every state-changing request.
    pub csrf_token: String,
    /// The absolute end of the session (it also ends after a period without activity).
    pub expires_at: DateTime<Utc>,
}

/// Log in with name, password and (for admin and fg) a TOTP code.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; sets the session and CSRF cookies", body = SessionView),
        (status = 401, description = "Name, password or code incorrect", body = ErrorBody),
        (status = 429, description = "Locked out or rate-limited", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = connection.map(|Extension(ConnectInfo(address))| address.ip());
    state.count_login_attempt(client)?;
    let policy = state.settings.policy;
    let origin = origin_of(client);
    let session = state
        .call(move |service| {
            service
                .login(
                    &LoginAttempt {
                        name: &request.name,
                        password: &request.password,
                        totp_code: request.totp.as_deref(),
                        origin: &origin,
                    },
                    &policy,
                )
                .map_err(ApiError::from)
        })
        .await?;
    let mut headers = HeaderMap::new();
    for cookie in session_cookies(
        state.settings.cookies,
        &session.token,
        &session.csrf_token,
        policy.absolute_timeout.num_seconds(),
    ) {
        headers.append(SET_COOKIE, cookie);
    }
    let body = SessionView {
        user_id: session.user.id,
        name: session.user.name.clone(),
        role: session.user.role.code().to_string(),
        organisation: session.organisation.clone(),
        csrf_token: session.csrf_token.clone(),
        expires_at: session.expires_at,
    };
    Ok((headers, ApiJson(body)).into_response())
}

/// Log out: the session ends on the server and the cookies are cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "CSRF token missing or wrong", body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    let Credential::Session { token } = principal.credential else {
        return Err(ApiError::TokenNotAllowed);
    };
    let origin = origin_of(connection.map(|Extension(ConnectInfo(address))| address.ip()));
    state
        .call(move |service| service.logout(&token, &origin).map_err(ApiError::from))
        .await?;
    let mut headers = HeaderMap::new();
    for cookie in cleared_cookies(state.settings.cookies) {
        headers.append(SET_COOKIE, cookie);
    }
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
