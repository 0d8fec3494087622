//! The OpenAPI document of `/api/v1`, generated from the handlers and types (utoipa; nothing is
//! downloaded). Served at `/api/v1/openapi.json` and committed as `crates/server/openapi.json`;
//! a test fails when the committed file differs from what the code generates.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;
use crate::routes;
use crate::table::lookup;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Peil API",
        version = "1",
        description = "Peil's versioned JSON API. Authenticate with a session (POST /api/v1/session; cookie plus the X-CSRF-Token header on state changes) or an API token scoped to one workspace (Authorization: Bearer). Every error answers {code, type, message}.",
        license(name = "EUPL-1.2")
    ),
    paths(
        routes::health::health,
        routes::health::openapi,
        routes::session::login,
        routes::session::logout,
        routes::workspaces::list,
        routes::workspaces::create,
        routes::workspaces::one,
        routes::workspaces::approve,
        routes::workspaces::activate,
        routes::workspaces::close,
        routes::workspaces::edit,
        routes::workspaces::renew,
        routes::monitors::list,
        routes::monitors::add,
        routes::monitors::check,
        routes::query::query,
        routes::tokens::issue,
        routes::audit::entries,
        routes::audit::verify,
        routes::connectors::list,
        routes::webcare::inbox,
        routes::webcare::mark,
    ),
    components(schemas(
        ErrorBody,
        routes::health::Health,
        routes::session::LoginRequest,
        routes::session::SessionView,
        routes::workspaces::WorkspaceView,
        routes::workspaces::WorkspaceCreate,
        routes::workspaces::Transition,
        routes::workspaces::WorkspacePatch,
        routes::workspaces::WorkspaceRenewal,
        routes::monitors::MonitorView,
        routes::monitors::MonitorCreate,
        routes::monitors::MonitorCheckRequest,
        routes::monitors::MonitorCheckView,
        routes::monitors::MonitorCheckReasonView,
        routes::query::QueryBody,
        routes::tokens::TokenRequest,
        routes::tokens::IssuedTokenView,
        routes::connectors::ConnectorsView,
        routes::connectors::ConnectorView,
        crate::connectors::RunState,
        routes::webcare::WebcareInboxView,
        routes::webcare::WebcareMessageView,
        routes::webcare::WebcareMark,
        routes::webcare::WebcareMarked,
    )),
    modifiers(&SecuritySchemes, &CommonErrors),
    security(("session" = []), ("api_token" = []))
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "__Host-peil-session",
                "Session cookie from POST /api/v1/session; state changes also need X-CSRF-Token",
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("API token scoped to one workspace and role"))
                    .build(),
            ),
        );
    }
}

/// The errors the HTTP layer can answer for any operation, added to each operation from its row
/// in the route table (an operation's own, more specific description is kept): 401 and 403 where
/// authentication applies (no session or token; CSRF token missing; an API token where only a
/// session is accepted; the role table), 400/413/415 where a JSON body is read, 400 and 404 where
/// a workspace id is in the path, 503 where the audit log is written (it fails closed).
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("GET", item.get.as_mut()),
                ("POST", item.post.as_mut()),
                ("PUT", item.put.as_mut()),
                ("PATCH", item.patch.as_mut()),
                ("DELETE", item.delete.as_mut()),
            ];
            for (method, operation) in operations {
                let (Some(operation), Some(rule)) = (operation, lookup(method, path)) else {
                    continue;
                };
                let mut extra: Vec<(&str, &str)> = Vec::new();
                if rule.access.requires_authentication() {
                    extra.push((
                        "401",
                        "Not logged in, or the session or API token is not valid",
                    ));
                    extra.push(("403", "The role may not do this, the CSRF token is missing, or an API token is used where only a session is accepted"));
                }
                if operation.request_body.is_some() {
                    extra.push(("400", "Malformed JSON or invalid input"));
                    extra.push(("413", "Request body over 1 MiB"));
                    extra.push(("415", "Content-Type is not application/json"));
                }
                if path.contains("{id}") {
                    extra.push(("400", "The id in the path is not a 64-bit integer"));
                    extra.push(("404", "No such workspace in this organisation"));
                }
                if rule.access.operation().is_some() {
                    extra.push((
                        "503",
                        "The audit log cannot be written; Peil refuses to work (fail closed)",
                    ));
                }
                for (status, description) in extra {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build(),
    )
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed (pretty JSON with a final newline).
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&document())?;
    text.push('\n');
    Ok(text)
}
