//! One module per resource. Each lists its routes in `routes()`; `all()` collects them for the
//! router builder. Every route needs a row in `crate::table::ROUTES` (tests check both ways).

pub mod audit;
pub mod connectors;
pub mod health;
pub mod monitors;
pub mod oidc;
pub mod pages;
pub mod query;
pub mod session;
pub mod tokens;
pub mod webcare;
pub mod workspaces;

use axum::http::Method;
use axum::routing::MethodRouter;
use peil_service::{Actor, ServiceError};

use crate::error::ApiError;
use crate::session::Principal;
use crate::state::AppState;

/// One route: method, path (axum syntax) and handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn new(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
        Route {
            method,
            path,
            handler,
        }
    }
}

/// Every route of the server.
pub fn all() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(health::routes());
    routes.extend(session::routes());
    routes.extend(workspaces::routes());
    routes.extend(monitors::routes());
    routes.extend(query::routes());
    routes.extend(tokens::routes());
    routes.extend(audit::routes());
    routes.extend(connectors::routes());
    routes.extend(webcare::routes());
    routes.extend(pages::routes());
    routes.extend(oidc::routes());
    routes
}

/// The answer for a path that no route serves: the HTML 404 page for a browser (a request that
/// accepts `text/html`, outside `/api/`), else our JSON error body.
pub async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;

    let wants_html = request
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && !request.uri().path().starts_with("/api/") {
        let language = pages::request_language(&state, request.headers(), request.uri());
        return pages::status_page(language, None, axum::http::StatusCode::NOT_FOUND);
    }
    ApiError::RouteNotFound.into_response()
}

/// The name of workspace `id` as the principal sees it: another organisation's id (or, for an
/// API token, another workspace's) answers "not found".
pub(crate) async fn workspace_name(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<String, ApiError> {
    if principal.token_workspace().is_some_and(|scope| scope != id) {
        return Err(ServiceError::NotFound {
            what: "workspace",
            name: id.to_string(),
        }
        .into());
    }
    let actor: Actor = principal.actor.clone();
    state
        .call(move |service| service.workspace_name(&actor, id).map_err(ApiError::from))
        .await
}
