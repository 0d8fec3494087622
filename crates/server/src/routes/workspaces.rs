//! Workspaces of the principal's organisation: list, create, one by id, edit in place (admin;
//! never the purpose), renew a public-order picture (admin), and the lifecycle steps approve
//! (FG), activate (admin) and close (admin, FG). The organisation is always the principal's; ids
//! of another organisation answer 404.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, patch, post};
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_model::{Purpose, Workspace, WorkspaceDraft, WorkspaceEdit, WorkspaceStatus, DEFAULT_K};
use peil_service::{ServiceError, WorkspaceSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{workspace_name, Route};
use crate::error::{ApiError, ErrorBody};
use crate::json::{ApiJson, ApiPath};
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/workspaces", get(list)),
        Route::new(Method::POST, "/api/v1/workspaces", post(create)),
        Route::new(Method::GET, "/api/v1/workspaces/{id}", get(one)),
        Route::new(Method::PATCH, "/api/v1/workspaces/{id}", patch(edit)),
        Route::new(Method::POST, "/api/v1/workspaces/{id}/renew", post(renew)),
        Route::new(
            Method::POST,
            "/api/v1/workspaces/{id}/approve",
            post(approve),
        ),
        Route::new(
            Method::POST,
            "/api/v1/workspaces/{id}/activate",
            post(activate),
        ),
        Route::new(Method::POST, "/api/v1/workspaces/{id}/close", post(close)),
    ]
}

/// A workspace: one processing activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub id: i64,
    pub organisation: String,
    pub name: String,
    /// `communication_webcare`, `trend_policy_analysis` or `public_order_general_picture`.
    pub purpose: String,
    pub purpose_text: String,
    pub legal_basis: String,
    pub lead: Option<String>,
    pub retention_days_posts: u32,
    pub retention_days_aggregates: u32,
    /// Minimum number of distinct authors per aggregate cell.
    pub k: u32,
    pub allowed_sources: Vec<String>,
    pub own_accounts: Vec<String>,
    pub fg_contact: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    /// `draft`, `approved`, `active` or `closed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    /// Stored posts (only in lists).
    pub posts: Option<u64>,
}

impl WorkspaceView {
    fn of(organisation: &str, workspace: Workspace, posts: Option<u64>) -> WorkspaceView {
        WorkspaceView {
            id: workspace.id,
            organisation: organisation.to_string(),
            name: workspace.name,
            purpose: workspace.purpose.code().to_string(),
            purpose_text: workspace.purpose_text,
            legal_basis: workspace.legal_basis,
            lead: workspace.lead,
            retention_days_posts: workspace.retention_days_posts,
            retention_days_aggregates: workspace.retention_days_aggregates,
            k: workspace.k,
            allowed_sources: workspace.allowed_sources,
            own_accounts: workspace.own_accounts,
            fg_contact: workspace.fg_contact,
            ends_at: workspace.ends_at,
            status: workspace.status.code().to_string(),
            created_at: workspace.created_at,
            posts,
        }
    }

    fn of_summary(summary: WorkspaceSummary) -> WorkspaceView {
        WorkspaceView::of(
            &summary.organisation,
            summary.workspace,
            Some(summary.posts),
        )
    }
}

/// A new workspace (created in status `draft`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkspaceCreate {
    pub name: String,
    /// `communication_webcare`, `trend_policy_analysis` or `public_order_general_picture`.
    pub purpose: String,
    pub purpose_text: String,
    pub legal_basis: String,
    /// The lead ("aanleiding"), required for `public_order_general_picture`.
    #[serde(default)]
    pub lead: Option<String>,
    pub retention_days_posts: u32,
    pub retention_days_aggregates: u32,
    /// Minimum cell size (at least 5; default 10).
    #[serde(default)]
    pub k: Option<u32>,
    #[serde(default)]
    pub allowed_sources: Vec<String>,
    #[serde(default)]
    pub own_accounts: Vec<String>,
    #[serde(default)]
    pub fg_contact: Option<String>,
    /// Required for `public_order_general_picture` (at most 30 days ahead).
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Why the workspace is created (recorded with the change).
    pub why: String,
}

/// An edit in place: only the fields to change, and the required why note. The purpose never
/// changes (a different one answers 422 `rule_violation`: a new purpose is a new workspace). A
/// change that widens processing (longer retention, lower k, more sources or own accounts, a new
/// lead, another legal basis or purpose description) sends an approved or active workspace back
/// to `draft` for the FG's approval.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkspacePatch {
    /// Only to be refused when it differs from the workspace's purpose.
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub purpose_text: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// An empty lead removes it (refused for `public_order_general_picture`).
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    pub retention_days_posts: Option<u32>,
    #[serde(default)]
    pub retention_days_aggregates: Option<u32>,
    /// At least 5.
    #[serde(default)]
    pub k: Option<u32>,
    /// An empty list means every source.
    #[serde(default)]
    pub allowed_sources: Option<Vec<String>>,
    #[serde(default)]
    pub own_accounts: Option<Vec<String>>,
    /// An empty contact removes it.
    #[serde(default)]
    pub fg_contact: Option<String>,
    /// Why the workspace changes (recorded with the change note).
    pub why: String,
}

/// A renewal of a `public_order_general_picture` workspace: a new end date (at most 30 days
/// ahead) and lead; the workspace goes back to `draft` for the FG's approval.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkspaceRenewal {
    pub ends_at: DateTime<Utc>,
    pub lead: String,
    pub why: String,
}

/// Why a lifecycle step is taken.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Transition {
    pub why: String,
}

/// The workspaces of the principal's organisation (an API token sees only its own).
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces",
    responses(
        (status = 200, description = "Workspaces", body = [WorkspaceView]),
        (status = 401, description = "Not logged in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<ApiJson<Vec<WorkspaceView>>, ApiError> {
    let actor = principal.actor.clone();
    let scope = principal.token_workspace();
    let summaries = state
        .call(move |service| service.workspaces(&actor).map_err(ApiError::from))
        .await?;
    Ok(ApiJson(
        summaries
            .into_iter()
            .filter(|summary| scope.is_none_or(|id| id == summary.workspace.id))
            .map(WorkspaceView::of_summary)
            .collect(),
    ))
}

/// One workspace of the principal's organisation.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}", tag = "workspaces",
    params(("id" = i64, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The workspace", body = WorkspaceView),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    let actor = principal.actor.clone();
    let summaries = state
        .call(move |service| service.workspaces(&actor).map_err(ApiError::from))
        .await?;
    summaries
        .into_iter()
        .find(|summary| summary.workspace.id == id)
        .filter(|_| principal.token_workspace().is_none_or(|scope| scope == id))
        .map(|summary| ApiJson(WorkspaceView::of_summary(summary)))
        .ok_or_else(|| {
            ServiceError::NotFound {
                what: "workspace",
                name: id.to_string(),
            }
            .into()
        })
}

/// Create a workspace in the principal's organisation (admin).
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces",
    request_body = WorkspaceCreate,
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 201, description = "Created (status draft)", body = WorkspaceView),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 403, description = "Role may not create workspaces", body = ErrorBody),
        (status = 409, description = "A workspace with this name exists already", body = ErrorBody),
        (status = 422, description = "A domain rule refused it", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(request): ApiJson<WorkspaceCreate>,
) -> Result<(StatusCode, ApiJson<WorkspaceView>), ApiError> {
    let purpose: Purpose = request
        .purpose
        .parse()
        .map_err(|error: peil_model::ModelError| ServiceError::InvalidInput(error.to_string()))?;
    let draft = WorkspaceDraft {
        name: request.name,
        purpose,
        purpose_text: request.purpose_text,
        legal_basis: request.legal_basis,
        lead: request.lead,
        retention_days_posts: request.retention_days_posts,
        retention_days_aggregates: request.retention_days_aggregates,
        k: request.k.unwrap_or(DEFAULT_K),
        allowed_sources: request.allowed_sources,
        own_accounts: request.own_accounts,
        fg_contact: request.fg_contact,
        ends_at: request.ends_at,
    };
    let actor = principal.actor.clone();
    let organisation = principal.organisation.clone();
    let why = request.why;
    let workspace = state
        .call(move |service| {
            service
                .create_workspace(&actor, &organisation, &draft, &why)
                .map_err(ApiError::from)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(WorkspaceView::of(&principal.organisation, workspace, None)),
    ))
}

async fn transition(
    state: AppState,
    principal: Principal,
    id: i64,
    next: WorkspaceStatus,
    why: String,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let workspace = state
        .call(move |service| {
            service
                .set_workspace_status(&actor, &name, None, next, &why)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(WorkspaceView::of(
        &principal.organisation,
        workspace,
        None,
    )))
}

/// Approve a draft workspace (FG only).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/approve", tag = "workspaces",
    request_body = Transition,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Approved", body = WorkspaceView),
        (status = 403, description = "Only the FG approves", body = ErrorBody),
        (status = 422, description = "A domain rule refused it (an empty why note, a status change the lifecycle does not allow)", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<Transition>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    transition(state, principal, id, WorkspaceStatus::Approved, request.why).await
}

/// Activate an approved workspace (admin).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/activate", tag = "workspaces",
    request_body = Transition,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Active", body = WorkspaceView),
        (status = 403, description = "Role may not activate", body = ErrorBody),
        (status = 422, description = "A domain rule refused it (an empty why note, a status change the lifecycle does not allow)", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn activate(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<Transition>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    transition(state, principal, id, WorkspaceStatus::Active, request.why).await
}

/// Close a workspace (admin, FG).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/close", tag = "workspaces",
    request_body = Transition,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Closed", body = WorkspaceView),
        (status = 403, description = "Role may not close", body = ErrorBody),
        (status = 422, description = "A domain rule refused it (an empty why note, a status change the lifecycle does not allow)", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<Transition>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    transition(state, principal, id, WorkspaceStatus::Closed, request.why).await
}

/// Edit a workspace in place (admin): only the fields given, never the purpose.
#[utoipa::path(patch, path = "/api/v1/workspaces/{id}", tag = "workspaces",
    request_body = WorkspacePatch,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Edited (status draft when the change widens processing of an approved or active workspace)", body = WorkspaceView),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 403, description = "Role may not edit workspaces", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody),
        (status = 422, description = "A domain rule refused it (another purpose, a closed workspace, k below 5, an empty why note, nothing changed)", body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<WorkspacePatch>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    let purpose =
        match request.purpose.as_deref() {
            Some(code) => Some(code.parse::<Purpose>().map_err(
                |error: peil_model::ModelError| ServiceError::InvalidInput(error.to_string()),
            )?),
            None => None,
        };
    let edit = WorkspaceEdit {
        purpose,
        purpose_text: request.purpose_text,
        legal_basis: request.legal_basis,
        lead: request.lead,
        retention_days_posts: request.retention_days_posts,
        retention_days_aggregates: request.retention_days_aggregates,
        k: request.k,
        allowed_sources: request.allowed_sources,
        own_accounts: request.own_accounts,
        fg_contact: request.fg_contact,
    };
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let why = request.why;
    let workspace = state
        .call(move |service| {
            service
                .edit_workspace(&actor, &name, None, &edit, &why)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(WorkspaceView::of(
        &principal.organisation,
        workspace,
        None,
    )))
}

/// Renew a public-order picture (admin): new end date and lead, back to draft for the FG.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/renew", tag = "workspaces",
    request_body = WorkspaceRenewal,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Renewed (status draft, awaiting FG approval)", body = WorkspaceView),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 403, description = "Role may not renew", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody),
        (status = 422, description = "A domain rule refused it (not a public-order picture, closed, end date passed or too far, no lead, an empty why note)", body = ErrorBody)))]
pub async fn renew(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<WorkspaceRenewal>,
) -> Result<ApiJson<WorkspaceView>, ApiError> {
    let name = workspace_name(&state, &principal, id).await?;
    let actor = principal.actor.clone();
    let workspace = state
        .call(move |service| {
            service
                .renew_workspace(
                    &actor,
                    &name,
                    None,
                    request.ends_at,
                    &request.lead,
                    &request.why,
                )
                .map_err(ApiError::from)
        })
        .await?;
    Ok(ApiJson(WorkspaceView::of(
        &principal.organisation,
        workspace,
        None,
    )))
}
