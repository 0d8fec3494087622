//! The OpenAPI document of `/api/v1`, generated from the handlers and types (utoipa; nothing is
//! downloaded). Served at `/api/v1/openapi.json` and committed as `crates/server/openapi.json`;
//! a test fails when the committed file differs from what the code generates.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;
use crate::routes;

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
        routes::monitors::list,
        routes::monitors::add,
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
        routes::monitors::MonitorView,
        routes::monitors::MonitorCreate,
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
    modifiers(&SecuritySchemes),
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
