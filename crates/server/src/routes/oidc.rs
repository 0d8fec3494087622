//! `GET /login/oidc/{org}` (start an OIDC login at the organisation's issuer),
//! `GET /login/oidc/callback` (the issuer sends the browser back with `code` and `state`) and
//! `GET /login/oidc/{org}/jwks.json` (the public keys of the organisation's client, for an
//! issuer that authenticates it with private_key_jwt).
//!
//! Start: an organisation that does not exist or has no issuer is sent to the password form
//! (`/login`), the same answer for both. Otherwise the organisation's issuer (configured with `peil oidc configure`) is discovered, a
//! pre-login state is kept (see `crate::oidc`) and the browser is sent (303) to the issuer's
//! authorization endpoint with `response_type=code`, `scope=openid`, `state`, `nonce` and the PKCE
//! challenge (S256). The pre-login cookie is `SameSite=Lax` (it must come back with the issuer's
//! cross-site redirect) and HttpOnly.
//!
//! Callback: the pre-login cookie and the `state` must both match a pending login (single use,
//! at most ten minutes old); the code is exchanged at the token endpoint with the PKCE verifier
//! (client_secret_basic, or a fresh private_key_jwt client assertion, as configured), the JWKS
//! is fetched, and `Service::login_oidc` validates the ID token,
//! maps the subject to its linked user and creates the same session as a password login. The
//! organisation comes from the pending login, never from the request. Every refusal is audited
//! as a refused `login` with its reason (never the code, the tokens or the subject) and answers
//! the 403 page; the user can start again.
//!
//! After a successful callback the session cookies (`SameSite=Strict`) are set and the answer is
//! a small page that continues to `/` with a meta refresh and a link, not a redirect: a browser
//! does not send `Strict` cookies on a redirect chain that started at another site, so a 303 to
//! `/` would arrive without the new session.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use peil_service::OidcLoginAttempt;

use super::pages::{query_parameter, see_other, status_page, PageRequest, HTML_CONTENT_TYPE};
use super::Route;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::oidc::{self, pre_login_cookie, pre_login_cookie_name, PRE_LOGIN_SECONDS};
use crate::session::{cookie_value, origin_of, session_cookies};
use crate::state::AppState;

/// The path the issuer sends the browser back to (the end of the registered redirect URI).
pub const CALLBACK_PATH: &str = "/login/oidc/callback";

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/login/oidc/{org}", get(start)),
        Route::new(Method::GET, "/login/oidc/{org}/jwks.json", get(client_jwks)),
        Route::new(Method::GET, CALLBACK_PATH, get(callback)),
    ]
}

/// The public JWKS of the organisation's client key (private_key_jwt), for the issuer to fetch
/// as the client's `jwks_uri`. Public keys only; an empty key set (one answer) for an
/// organisation that does not exist, has no issuer or authenticates with a secret.
pub async fn client_jwks(
    State(state): State<AppState>,
    Path(organisation): Path<String>,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let jwks = state
        .call(move |service| {
            service
                .oidc_client_public_jwks(&organisation)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(jwks))
}

/// Starts a login at the issuer of organisation `org`.
pub async fn start(
    page: PageRequest,
    State(state): State<AppState>,
    Path(organisation): Path<String>,
) -> Response {
    if state.count_login_attempt(page.client).is_err() {
        return status_page(
            page.language,
            Some(page.context()),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let client = state
        .call(move |service| service.oidc_client(&organisation).map_err(ApiError::from))
        .await;
    let client = match client {
        Ok(client) => client,
        // No such organisation, or one without an issuer: the password form (one answer for
        // both, so the route tells nothing about which organisations exist).
        Err(error)
            if error.code()
                == crate::error::ApiErrorCode::Service(peil_service::ErrorCode::NotFound) =>
        {
            return super::pages::redirect_to_login(page.language);
        }
        Err(error) => return page.finish(Err(error)),
    };
    let started = match oidc::discover(&client.issuer).await {
        Ok(discovery) => oidc::begin(&client, &discovery),
        Err(error) => Err(error),
    };
    let started = match started {
        Ok(started) => started,
        Err(error) => {
            tracing::warn!(reason = error.reason(), "OIDC login could not start");
            return status_page(page.language, Some(page.context()), StatusCode::BAD_GATEWAY);
        }
    };
    let mut response = see_other(&started.location);
    let mode = state.settings.cookies;
    if let Some(cookie) = pre_login_cookie(mode, &started.cookie_token, PRE_LOGIN_SECONDS) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// The issuer's answer: checks the pre-login state, exchanges the code, logs in.
pub async fn callback(
    page: PageRequest,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    let mode = state.settings.cookies;
    let origin = origin_of(page.client);
    let refuse = |organisation_id: Option<i64>, reason: &'static str| {
        let state = state.clone();
        let page_context = page.context();
        let language = page.language;
        let origin = origin.clone();
        async move {
            let audited = state
                .call(move |service| {
                    service
                        .refuse_oidc_login(organisation_id, reason, &origin)
                        .map_err(ApiError::from)
                })
                .await;
            if let Err(error) = audited {
                tracing::error!(%error, "OIDC refusal could not be audited");
                return status_page(
                    language,
                    Some(page_context),
                    StatusCode::INTERNAL_SERVER_ERROR,
                );
            }
            let mut response = status_page(language, Some(page_context), StatusCode::FORBIDDEN);
            if let Some(cookie) = pre_login_cookie(mode, "", 0) {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
    };
    if state.count_login_attempt(page.client).is_err() {
        return status_page(
            page.language,
            Some(page.context()),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let query = query_string(&page.current_path);
    let pending =
        cookie_value(&headers, pre_login_cookie_name(mode)).and_then(|token| oidc::take(&token));
    let Some(pending) = pending else {
        return refuse(None, "no pre-login state").await;
    };
    let organisation_id = Some(pending.organisation_id);
    let presented_state = query_parameter(query, "state").unwrap_or_default();
    if !pending.state_matches(&presented_state) {
        return refuse(organisation_id, "state").await;
    }
    if query_parameter(query, "error").is_some() {
        return refuse(organisation_id, "issuer error").await;
    }
    let Some(code) = query_parameter(query, "code").filter(|code| !code.is_empty()) else {
        return refuse(organisation_id, "code missing").await;
    };
    let wanted = pending.organisation_id;
    let client = state
        .call(move |service| service.oidc_client_by_id(wanted).map_err(ApiError::from))
        .await;
    let Ok(client) = client else {
        return refuse(organisation_id, "not configured").await;
    };
    let discovery = match oidc::discover(&client.issuer).await {
        Ok(discovery) => discovery,
        Err(error) => return refuse(organisation_id, error.reason()).await,
    };
    let id_token = match oidc::exchange_code(&client, &discovery, &code, &pending.verifier).await {
        Ok(id_token) => id_token,
        Err(error) => return refuse(organisation_id, error.reason()).await,
    };
    let jwks = match oidc::fetch_jwks(&discovery).await {
        Ok(jwks) => jwks,
        Err(error) => return refuse(organisation_id, error.reason()).await,
    };
    let policy = state.settings.policy;
    let nonce = pending.nonce.clone();
    let login_origin = origin.clone();
    let session = state
        .call(move |service| {
            service
                .login_oidc(
                    &OidcLoginAttempt {
                        organisation_id: wanted,
                        id_token: &id_token,
                        jwks: &jwks,
                        nonce: &nonce,
                        origin: &login_origin,
                    },
                    &policy,
                )
                .map_err(ApiError::from)
        })
        .await;
    match session {
        Ok(session) => {
            let mut response = continue_page();
            let headers = response.headers_mut();
            for cookie in session_cookies(
                mode,
                &session.token,
                &session.csrf_token,
                policy.absolute_timeout.num_seconds(),
            ) {
                headers.append(SET_COOKIE, cookie);
            }
            if let Some(cookie) = pre_login_cookie(mode, "", 0) {
                headers.append(SET_COOKIE, cookie);
            }
            response
        }
        // Refused and audited by the service.
        Err(ApiError::Auth(_)) => {
            let mut response =
                status_page(page.language, Some(page.context()), StatusCode::FORBIDDEN);
            if let Some(cookie) = pre_login_cookie(mode, "", 0) {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => page.finish(Err(error)),
    }
}

/// The query string of a request's path and query.
fn query_string(path_and_query: &str) -> Option<&str> {
    path_and_query.split_once('?').map(|(_, query)| query)
}

/// The page after a successful callback: continues to the overview (see the module's comment).
fn continue_page() -> Response {
    let home = peil_web::paths::HOME;
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={home}\"><title>Peil</title></head>\
         <body><p><a href=\"{home}\">Ingelogd — verder naar Peil / Logged in — continue to Peil</a></p>\
         </body></html>\n"
    );
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(HTML_CONTENT_TYPE));
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
