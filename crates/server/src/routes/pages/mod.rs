//! The web screens of `peil-web`, server-rendered and working without JavaScript.
//!
//! Every screen is one route with a row in `table::ROUTES` (`Access::Page` for the screens that
//! need a session, `Public` / `Login` for the stylesheets, the login form and the public
//! transparency pages). Handlers obtain their data only through `Service` (role check, guard,
//! k gate and audit happen there) and render it with `peil_web`; the server adds nothing to the
//! markup.
//!
//! * Authentication: the session cookie of the API (`session::authenticate_page`); without a
//!   session a screen redirects (303) to `/login`; a workspace of another organisation (or one
//!   that does not exist) answers the 404 page.
//! * CSRF: every form that posts carries the session's CSRF token in the hidden field
//!   `csrf_token`, checked in `session.rs` before the handler runs (403 page otherwise). The
//!   login form: see [`login`].
//! * Language: Dutch by default; `?lang=en` (or `nl`) on any screen switches and is kept in the
//!   `__Host-peil-lang` cookie (not secret, `SameSite=Strict`), so later requests and form posts
//!   keep the choice; the toggle in the page header links to the same URL with the other `lang`.
//! * Errors are HTML pages in the request's language that never show the error's details (they
//!   could hold what the user typed); internal details go to the server log only.

pub mod dashboard;
pub mod fg;
pub mod login;
pub mod monitors;
pub mod public;
pub mod webcare;
pub mod workspaces;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use peil_model::Role;
use peil_service::{Actor, ErrorType, Operation};
use peil_web::{error_page, Language, PageContext};

use super::Route;
use crate::error::{ApiError, ApiErrorCode};
use crate::session::{cookie_header, cookie_value, language_cookie_name, PageSession, Principal};
use crate::state::AppState;

/// Content type of every screen.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// How long the language cookie lasts (one year).
const LANGUAGE_COOKIE_SECONDS: i64 = 365 * 24 * 3600;

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(public::routes());
    routes.extend(login::routes());
    routes.extend(workspaces::routes());
    routes.extend(monitors::routes());
    routes.extend(dashboard::routes());
    routes.extend(fg::routes());
    routes.extend(webcare::routes());
    routes
}

/// The value of `name` in a query string (`a=1&b=2`), decoded.
pub(crate) fn query_parameter(query: Option<&str>, name: &str) -> Option<String> {
    parse_pairs(query.unwrap_or_default().as_bytes())
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn parse_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// The language a request asks for: `?lang=`, else the language cookie, else Dutch.
pub fn request_language(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Language {
    if let Some(code) = query_parameter(uri.query(), "lang") {
        return Language::from_code(&code);
    }
    cookie_value(headers, language_cookie_name(state.settings.cookies))
        .map(|code| Language::from_code(&code))
        .unwrap_or_default()
}

/// A form-encoded request body.
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(parse_pairs(body))
    }

    /// The field's value (the first one), or an empty string.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    }

    /// The field's value, trimmed, or `None` when empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_string())
    }
}

/// What every screen handler knows about its request.
pub struct PageRequest {
    pub state: AppState,
    pub language: Language,
    /// Set when the request chose a language with `?lang=` (the cookie is then renewed).
    chosen_language: Option<Language>,
    /// Path and query of the request.
    pub current_path: String,
    pub principal: Option<Principal>,
    pub csrf_token: Option<String>,
    pub client: Option<IpAddr>,
}

impl FromRequestParts<AppState> for PageRequest {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<PageRequest, Infallible> {
        let chosen_language =
            query_parameter(parts.uri.query(), "lang").map(|code| Language::from_code(&code));
        let language = request_language(state, &parts.headers, &parts.uri);
        let current_path = parts
            .uri
            .path_and_query()
            .map(|path| path.as_str().to_string())
            .unwrap_or_else(|| parts.uri.path().to_string());
        let principal = parts.extensions.get::<Principal>().cloned();
        let csrf_token = parts
            .extensions
            .get::<PageSession>()
            .and_then(|session| session.csrf_token.clone());
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(PageRequest {
            state: state.clone(),
            language,
            chosen_language,
            current_path,
            principal,
            csrf_token,
            client,
        })
    }
}

/// The signed-in user's name and role, if any.
fn user_of(principal: Option<&Principal>) -> (Option<String>, Option<Role>) {
    match principal.map(|principal| &principal.actor) {
        Some(Actor::User(user)) => (Some(user.name.clone()), Some(user.role)),
        _ => (None, None),
    }
}

impl PageRequest {
    /// The page context of this request (user, role, CSRF token, language, path).
    pub fn context(&self) -> PageContext {
        let (user_label, role) = user_of(self.principal.as_ref());
        PageContext {
            language: self.language,
            user_label,
            role,
            csrf_token: self.csrf_token.clone(),
            current_path: self.current_path.clone(),
        }
    }

    /// The principal of a screen behind `Access::Page` (always present there).
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        self.principal.as_ref().ok_or(ApiError::Unauthenticated)
    }

    /// The signed-in user's role.
    pub fn role(&self) -> Option<Role> {
        user_of(self.principal.as_ref()).1
    }

    /// Whether the signed-in user's role may perform `operation` (the service checks again;
    /// this only turns a form that could never succeed into the 403 page).
    pub fn may(&self, operation: Operation) -> bool {
        self.role()
            .is_some_and(|role| operation.allowed_roles().contains(&role))
    }

    /// `Forbidden` unless the role may perform `operation`.
    pub fn require(&self, operation: Operation) -> Result<(), ApiError> {
        if self.may(operation) {
            return Ok(());
        }
        Err(peil_service::ServiceError::Forbidden(format!(
            "deze rol mag dit scherm niet gebruiken / this role may not use this screen ({})",
            operation.code()
        ))
        .into())
    }

    /// An HTML response, with the language cookie when the request chose a language.
    pub fn html(&self, status: StatusCode, body: String) -> Response {
        let mut response = html_response(status, body);
        if let Some(language) = self.chosen_language {
            let mode = self.state.settings.cookies;
            if let Some(cookie) = cookie_header(
                mode,
                language_cookie_name(mode),
                language.code(),
                LANGUAGE_COOKIE_SECONDS,
                true,
            ) {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
        }
        response
    }

    /// The answer to a handler's result: the page, or the error page for the error.
    pub fn finish(&self, result: Result<Response, ApiError>) -> Response {
        match result {
            Ok(response) => response,
            Err(error) => error_response(self.language, Some(self.context()), &error),
        }
    }
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(HTML_CONTENT_TYPE));
    response
}

/// `303 See Other` to `location` (a local path).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// The redirect of a screen without a session.
pub fn redirect_to_login(language: Language) -> Response {
    match language {
        Language::Nl => see_other(peil_web::paths::LOGIN),
        Language::En => see_other(&peil_web::paths::with_language(
            peil_web::paths::LOGIN,
            "en",
        )),
    }
}

/// The error page for `status` (a context without a user when none is given).
pub fn status_page(
    language: Language,
    context: Option<PageContext>,
    status: StatusCode,
) -> Response {
    let context = context.unwrap_or_else(|| PageContext::anonymous(language, "/"));
    html_response(status, error_page(&context, status.as_u16()))
}

/// The HTML answer to an error: the login redirect for a missing session, else the error page
/// with the status of the error's row in the API's table (details never shown; internal ones
/// logged).
pub fn error_response(
    language: Language,
    context: Option<PageContext>,
    error: &ApiError,
) -> Response {
    let code = error.code();
    if code == ApiErrorCode::Unauthenticated {
        return redirect_to_login(language);
    }
    if code.describe().1 == ErrorType::Internal {
        tracing::error!(code = code.code(), detail = %error, "screen failed");
    }
    status_page(language, context, code.status())
}

/// The message in the page's language.
pub(crate) fn pick(language: Language, dutch: &str, english: &str) -> String {
    match language {
        Language::Nl => dutch.to_string(),
        Language::En => english.to_string(),
    }
}

/// Of a bilingual service message (`Dutch / English`), the part in `language`.
pub(crate) fn message_in(language: Language, message: &str) -> String {
    match message.split_once(" / ") {
        Some((dutch, english)) => pick(language, dutch.trim(), english.trim()),
        None => message.to_string(),
    }
}
