//! The route table: every route of the server, with how it is reached and the `Operation` whose
//! row in the service's role table decides who may perform it. Authentication (session or token,
//! CSRF, token scope) is applied from this table in `session::authenticate`; the role check and
//! the audit entry happen in the service, for the operation named here. Tests check that every
//! registered route has a row and that every row is routable.

use peil_service::Operation;

/// How a route is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No authentication (operators' health check, the API description).
    Public,
    /// No session yet: the login itself (audited by the service as `Operation::Login`).
    Login,
    /// A session (cookie, plus the CSRF header on state changes).
    Session(Operation),
    /// A session, or an API token scoped to the workspace in the path.
    SessionOrToken(Operation),
    /// A server-rendered HTML screen (`routes::pages`): the session cookie only (no API tokens),
    /// the CSRF token in the form field `csrf_token` on state changes; without a session it
    /// redirects to `/login`, and its errors are HTML pages.
    Page(Operation),
}

impl Access {
    /// The operation performed (whose row in the role table decides who may).
    pub fn operation(self) -> Option<Operation> {
        match self {
            Access::Public => None,
            Access::Login => Some(Operation::Login),
            Access::Session(operation)
            | Access::SessionOrToken(operation)
            | Access::Page(operation) => Some(operation),
        }
    }

    pub fn requires_authentication(self) -> bool {
        matches!(
            self,
            Access::Session(_) | Access::SessionOrToken(_) | Access::Page(_)
        )
    }

    /// Whether the route is an HTML screen (not part of the JSON API or its OpenAPI document).
    pub fn is_page(self) -> bool {
        matches!(self, Access::Page(_))
    }

    pub fn accepts_tokens(self) -> bool {
        matches!(self, Access::SessionOrToken(_))
    }
}

/// One row: method, path (axum syntax), access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> RouteRule {
    RouteRule {
        method,
        path,
        access,
    }
}

use Access::{Login, Page, Public, Session, SessionOrToken};

/// Every route of the server.
pub const ROUTES: &[RouteRule] = &[
    rule("GET", "/healthz", Public),
    rule("GET", "/api/v1/openapi.json", Public),
    rule("POST", "/api/v1/session", Login),
    rule("DELETE", "/api/v1/session", Session(Operation::Logout)),
    rule(
        "GET",
        "/api/v1/workspaces",
        SessionOrToken(Operation::ListWorkspaces),
    ),
    rule(
        "POST",
        "/api/v1/workspaces",
        Session(Operation::CreateWorkspace),
    ),
    rule(
        "GET",
        "/api/v1/workspaces/{id}",
        SessionOrToken(Operation::ListWorkspaces),
    ),
    rule(
        "PATCH",
        "/api/v1/workspaces/{id}",
        Session(Operation::EditWorkspace),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/renew",
        Session(Operation::RenewWorkspace),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/approve",
        Session(Operation::ApproveWorkspace),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/activate",
        Session(Operation::ActivateWorkspace),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/close",
        Session(Operation::CloseWorkspace),
    ),
    rule(
        "GET",
        "/api/v1/workspaces/{id}/monitors",
        SessionOrToken(Operation::ListMonitors),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/monitors",
        SessionOrToken(Operation::AddMonitor),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/monitors/check",
        SessionOrToken(Operation::CheckMonitor),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/query",
        SessionOrToken(Operation::Query),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/tokens",
        Session(Operation::IssueApiToken),
    ),
    rule(
        "GET",
        "/api/v1/audit/entries",
        Session(Operation::ViewAudit),
    ),
    rule(
        "GET",
        "/api/v1/audit/verify",
        Session(Operation::VerifyAudit),
    ),
    rule(
        "GET",
        "/api/v1/connectors",
        Session(Operation::ViewConnectorHealth),
    ),
    rule(
        "GET",
        "/api/v1/workspaces/{id}/webcare",
        SessionOrToken(Operation::ViewWebcareInbox),
    ),
    rule(
        "POST",
        "/api/v1/workspaces/{id}/webcare/{message}",
        SessionOrToken(Operation::MarkWebcareMessage),
    ),
    // The HTML screens (routes/pages). Public ones: the stylesheets, the login form and the
    // organisations' transparency pages (published by the installation, see pages/public.rs).
    rule("GET", "/static/{*path}", Public),
    rule("GET", "/login", Public),
    rule("POST", "/login", Login),
    // OIDC login at the organisation's issuer (routes/oidc.rs; audited as `login`).
    rule("GET", "/login/oidc/{org}", Login),
    rule("GET", "/login/oidc/callback", Login),
    // The public JWKS of the organisation's OIDC client key (private_key_jwt), for the issuer.
    rule("GET", "/login/oidc/{org}/jwks.json", Public),
    rule("GET", "/transparency/{org}", Public),
    rule("POST", "/logout", Page(Operation::Logout)),
    rule("GET", "/", Page(Operation::ListWorkspaces)),
    rule("GET", "/workspaces", Page(Operation::ListWorkspaces)),
    rule("POST", "/workspaces", Page(Operation::CreateWorkspace)),
    rule("GET", "/workspaces/new", Page(Operation::CreateWorkspace)),
    // The settings form of a workspace (admin): shown and saved in place.
    rule("GET", "/workspaces/{name}", Page(Operation::EditWorkspace)),
    rule("POST", "/workspaces/{name}", Page(Operation::EditWorkspace)),
    rule(
        "GET",
        "/workspaces/{name}/renew",
        Page(Operation::RenewWorkspace),
    ),
    rule(
        "POST",
        "/workspaces/{name}/renew",
        Page(Operation::RenewWorkspace),
    ),
    rule(
        "POST",
        "/workspaces/{name}/status",
        Page(Operation::ApproveWorkspace),
    ),
    rule(
        "GET",
        "/workspaces/{name}/monitors",
        Page(Operation::ListMonitors),
    ),
    rule(
        "POST",
        "/workspaces/{name}/monitors",
        Page(Operation::AddMonitor),
    ),
    rule(
        "GET",
        "/workspaces/{name}/dashboard",
        Page(Operation::Query),
    ),
    rule(
        "GET",
        "/workspaces/{name}/report.csv",
        Page(Operation::Query),
    ),
    rule("GET", "/workspaces/{name}/report", Page(Operation::Query)),
    rule("GET", "/inbox", Page(Operation::ViewWebcareInbox)),
    rule("POST", "/inbox", Page(Operation::MarkWebcareMessage)),
    rule("GET", "/fg", Page(Operation::ApproveWorkspace)),
    rule("GET", "/fg/audit", Page(Operation::ViewAudit)),
    rule("POST", "/fg/audit", Page(Operation::VerifyAudit)),
    rule(
        "GET",
        "/fg/subject-requests",
        Page(Operation::SubjectLookup),
    ),
    rule(
        "POST",
        "/fg/subject-requests",
        Page(Operation::SubjectLookup),
    ),
    rule(
        "GET",
        "/fg/documents/{kind}",
        Page(Operation::GenerateDocument),
    ),
];

/// The row for `method` and the matched `path`.
pub fn lookup(method: &str, path: &str) -> Option<&'static RouteRule> {
    ROUTES
        .iter()
        .find(|row| row.method.eq_ignore_ascii_case(method) && row.path == path)
}
