//! Monitors of a workspace: list, and add (after the query guard and the purpose rules).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_model::Monitor;
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
