//! `GET /login` (the form), `POST /login` (form-encoded `username`, `password`, `totp`) and
//! `POST /logout`.
//!
//! A login goes through the same code as the API's: the per-address rate limit of the server
//! (`AppState::count_login_attempt`) and `Service::login` (Argon2id, TOTP for admin and fg,
//! lockout after repeated failures, audit entry). On success the session and CSRF cookies are
//! set and the browser is sent (303) to `/`; a failure renders the form again with one message
//! that does not say what was wrong, status 401 (429 when rate-limited or locked out).
//!
//! Login CSRF (there is no session yet): the session cookies are `SameSite=Strict`, so another
//! site cannot ride on them; in addition the form is a double submit with a pre-session cookie:
//! `GET /login` sets a random token in the HttpOnly `SameSite=Strict` cookie
//! `__Host-peil-login` and in the form's hidden `csrf_token` field, and `POST /login` accepts
//! only when both are present and equal (constant-time). A request whose `Origin` header names
//! another host is refused as well. Both refusals answer the 403 page.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use peil_service::{AuthError, LoginAttempt};
use peil_web::{login_page, LoginForm};
use subtle::ConstantTimeEq;

use super::{see_other, status_page, FormData, PageRequest};
use crate::error::ApiError;
use crate::routes::Route;
use crate::session::{
    cleared_cookies, cookie_header, cookie_value, login_csrf_cookie_name, origin_of,
    session_cookies, Credential, CSRF_FIELD,
};
use crate::state::AppState;

/// How long the login form's pre-session token is valid (one hour).
const LOGIN_TOKEN_SECONDS: i64 = 3600;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/login", get(form)),
        Route::new(Method::POST, "/login", post(submit)),
        Route::new(Method::POST, "/logout", post(logout)),
    ]
}

/// 256 random bits as hex.
fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| ApiError::Internal(format!("no randomness: {error}")))?;
    Ok(hex::encode(bytes))
}

fn render(
    page: &PageRequest,
    status: StatusCode,
    token: &str,
    form: &LoginForm,
    set_token_cookie: bool,
) -> Response {
    let mut context = page.context();
    context.csrf_token = Some(token.to_string());
    let mut response = page.html(status, login_page(&context, form));
    if set_token_cookie {
        let mode = page.state.settings.cookies;
        if let Some(cookie) = cookie_header(
            mode,
            login_csrf_cookie_name(mode),
            token,
            LOGIN_TOKEN_SECONDS,
            true,
        ) {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
    }
    response
}

/// The login form, with a fresh pre-session token.
pub async fn form(page: PageRequest) -> Response {
    match random_token() {
        Ok(token) => render(&page, StatusCode::OK, &token, &LoginForm::default(), true),
        Err(error) => page.finish(Err(error)),
    }
}

/// Whether the request's `Origin` (when sent) is this server.
///
/// `Origin: null` counts as not sent: browsers send exactly that for every form post from a page
/// with `Referrer-Policy: no-referrer` (Fetch, "serializing a request origin"), which all of
/// Peil's pages have, so refusing it would refuse every real login. A cross-site post is still
/// refused by the double submit: it lacks the `SameSite=Strict` pre-session cookie.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    if origin.as_bytes() == b"null" {
        return true;
    }
    let Some(host) = headers.get(HOST).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let origin = origin.to_str().unwrap_or_default();
    origin == format!("https://{host}") || origin == format!("http://{host}")
}

/// Logs in from the form.
pub async fn submit(
    page: PageRequest,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mode = state.settings.cookies;
    let fields = FormData::parse(&body);
    let presented = fields.get(CSRF_FIELD).to_string();
    let expected = cookie_value(&headers, login_csrf_cookie_name(mode)).unwrap_or_default();
    let token_matches = !presented.is_empty()
        && presented.len() == expected.len()
        && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()));
    if !token_matches || !same_origin(&headers) {
        tracing::info!("login form refused: missing or wrong pre-session token or origin");
        return status_page(page.language, Some(page.context()), StatusCode::FORBIDDEN);
    }
    let form = LoginForm {
        username: fields.get("username").trim().to_string(),
        failed: true,
    };
    if state.count_login_attempt(page.client).is_err() {
        return render(
            &page,
            StatusCode::TOO_MANY_REQUESTS,
            &presented,
            &form,
            false,
        );
    }
    let name = form.username.clone();
    let password = fields.get("password").to_string();
    let totp = fields.optional("totp");
    let origin = origin_of(page.client);
    let policy = state.settings.policy;
    let session = state
        .call(move |service| {
            service
                .login(
                    &LoginAttempt {
                        name: &name,
                        password: &password,
                        totp_code: totp.as_deref(),
                        origin: &origin,
                    },
                    &policy,
                )
                .map_err(ApiError::from)
        })
        .await;
    match session {
        Ok(session) => {
            let mut response = see_other(peil_web::paths::HOME);
            let headers = response.headers_mut();
            for cookie in session_cookies(
                mode,
                &session.token,
                &session.csrf_token,
                policy.absolute_timeout.num_seconds(),
            ) {
                headers.append(SET_COOKIE, cookie);
            }
            if let Some(cookie) = cookie_header(mode, login_csrf_cookie_name(mode), "", 0, true) {
                headers.append(SET_COOKIE, cookie);
            }
            response
        }
        Err(ApiError::Auth(AuthError::InvalidCredentials | AuthError::Unauthenticated)) => {
            render(&page, StatusCode::UNAUTHORIZED, &presented, &form, false)
        }
        Err(ApiError::Auth(AuthError::LockedOut { .. })) => render(
            &page,
            StatusCode::TOO_MANY_REQUESTS,
            &presented,
            &form,
            false,
        ),
        Err(error) => page.finish(Err(error)),
    }
}

/// Logs out (the form in every page's header; CSRF checked from the table) and shows the login
/// form.
pub async fn logout(page: PageRequest, State(state): State<AppState>) -> Response {
    let result = async {
        let principal = page.principal()?;
        let Credential::Session { token } = principal.credential.clone() else {
            return Err(ApiError::TokenNotAllowed);
        };
        let origin = origin_of(page.client);
        state
            .call(move |service| service.logout(&token, &origin).map_err(ApiError::from))
            .await?;
        let mut response = see_other(peil_web::paths::LOGIN);
        for cookie in cleared_cookies(state.settings.cookies) {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
        Ok(response)
    }
    .await;
    page.finish(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("peil.example:8080"));
        if let Some(origin) = origin {
            headers.insert(ORIGIN, HeaderValue::from_static(origin));
        }
        headers
    }

    #[test]
    fn origin_check_accepts_this_server_absent_and_opaque_origins_only() {
        assert!(same_origin(&headers(None)));
        assert!(same_origin(&headers(Some("http://peil.example:8080"))));
        assert!(same_origin(&headers(Some("https://peil.example:8080"))));
        // What browsers send for a form post from a `no-referrer` page.
        assert!(same_origin(&headers(Some("null"))));
        assert!(!same_origin(&headers(Some("https://evil.example"))));
        assert!(!same_origin(&headers(Some("http://peil.example:8081"))));
    }
}
