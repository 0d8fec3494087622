//! Monitors of a workspace: list, add (after the query guard and the purpose rules), and check a
//! typed query without saving it (the monitor editor's live guard feedback). The check answers
//! what the guard found by kind and code, never by repeating the query; it is rate limited per
//! user ([`AppState::count_monitor_check`]).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_model::Monitor;
use peil_service::MonitorCheck;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{workspace_name, Route};
use crate::error::{ApiError, ErrorBody};
use crate::json::{ApiJson, ApiPath};
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/workspaces/{id}/monitors", get(list)),
        Route::new(
            Method::POST,
            "/api/v1/workspaces/{id}/monitors",
            axum::routing::post(add),
        ),
        Route::new(
            Method::POST,
            "/api/v1/workspaces/{id}/monitors/check",
            axum::routing::post(check),
        ),
    ]
}

/// A justified Boolean search that decides what the workspace stores.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorView {
    pub id: i64,
    pub workspace_id: i64,
    pub query: String,
    pub justification: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Monitor> for MonitorView {
    fn from(monitor: Monitor) -> MonitorView {
        MonitorView {
            id: monitor.id,
            workspace_id: monitor.workspace_id,
            query: monitor.query,
            justification: monitor.justification,
            active: monitor.active,
            created_at: monitor.created_at,
        }
    }
}

/// A new monitor.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MonitorCreate {
    /// Boolean query (terms, phrases, AND/OR/NOT, wildcards, #hashtags); never a person.
    pub query: String,
    /// Why this search is needed for the workspace's purpose.
    pub justification: String,
}

/// The monitors of a workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/monitors", tag = "monitors",
    params(("id" = i64, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "Monitors", body = [MonitorView]),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<MonitorView>>, ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let monitors = state
        .call(move |service| {
            service
                .monitors(&actor, &name, None)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(
        monitors.into_iter().map(MonitorView::from).collect(),
    ))
}

/// Add a monitor (analyst, admin); person-targeting queries are refused (422).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/monitors", tag = "monitors",
    request_body = MonitorCreate,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token (sessions only)")),
    responses(
        (status = 201, description = "Added", body = MonitorView),
        (status = 403, description = "Role may not add monitors", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody),
        (status = 422, description = "Refused by the query guard or the purpose rules", body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<MonitorCreate>,
) -> Result<(StatusCode, ApiJson<MonitorView>), ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let monitor = state
        .call(move |service| {
            service
                .add_monitor(&actor, &name, None, &request.query, &request.justification)
                .map_err(ApiError::from)
        })
        .await?;
    Ok((StatusCode::CREATED, ApiJson(MonitorView::from(monitor))))
}

/// A typed query to check.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MonitorCheckRequest {
    /// The query as typed in the monitor editor; checked, never saved.
    pub query: String,
}

/// Why a typed query would be refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorCheckReasonView {
    /// The kind of problem: `person_operator`, `handle`, `profile_url`, `email`, `phone`,
    /// `address`, `pseudonym`, `personal_number`, `user_name`, `person_name`, `invalid_query`,
    /// `no_topic`, `empty_query` or `workspace_closed`.
    pub code: String,
    /// The explanation in Dutch (as the submit path gives it).
    pub message_nl: String,
    /// The explanation in English.
    pub message_en: String,
}

/// The verdict on a typed query: what adding it as a monitor would answer (the justification is
/// checked on submit).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitorCheckView {
    pub accepted: bool,
    pub reasons: Vec<MonitorCheckReasonView>,
}

impl From<MonitorCheck> for MonitorCheckView {
    fn from(check: MonitorCheck) -> MonitorCheckView {
        MonitorCheckView {
            accepted: check.accepted,
            reasons: check
                .reasons
                .into_iter()
                .map(|reason| MonitorCheckReasonView {
                    code: reason.code.to_string(),
                    message_nl: reason.message_nl,
                    message_en: reason.message_en,
                })
                .collect(),
        }
    }
}

/// Check a typed query against the guard and the purpose rules without saving it (analyst,
/// admin). Audited as `check_monitor` with the verdict and refusal codes, never the query.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/monitors/check", tag = "monitors",
    request_body = MonitorCheckRequest,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token (sessions only)")),
    responses(
        (status = 200, description = "The verdict (accepted or refused with reasons)", body = MonitorCheckView),
        (status = 403, description = "Role may not add monitors", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody),
        (status = 429, description = "Too many checks; wait a moment", body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<MonitorCheckRequest>,
) -> Result<ApiJson<MonitorCheckView>, ApiError> {
    state.count_monitor_check(&principal.actor.audit_label())?;
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let verdict = state
        .call(move |service| {
            service
                .check_monitor(&actor, &name, None, &request.query)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(MonitorCheckView::from(verdict)))
}
