//! API tokens: issued by an admin for one workspace and one role; shown once, stored hashed.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::post;
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_model::Role;
use peil_service::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Route;
use crate::error::{ApiError, ErrorBody};
use crate::json::{ApiJson, ApiPath};
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::POST,
        "/api/v1/workspaces/{id}/tokens",
        post(issue),
    )]
}

/// What a new token may do.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `admin`, `analyst` or `webcare` (never `fg`).
    pub role: String,
}

/// A new API token: send it as `Authorization: Bearer <token>`. Shown only now.
#[derive(Serialize, ToSchema)]
pub struct IssuedTokenView {
    pub id: i64,
    pub token: String,
    pub workspace_id: i64,
    pub role: String,
    pub expires_at: DateTime<Utc>,
}

/// Issue an API token for one workspace of the admin's organisation.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/tokens", tag = "tokens",
    request_body = TokenRequest,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 201, description = "Issued", body = IssuedTokenView),
        (status = 403, description = "Only an admin issues tokens, never for the fg role", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<(StatusCode, ApiJson<IssuedTokenView>), ApiError> {
    let role: Role = request
        .role
        .parse()
        .map_err(|error: peil_model::ModelError| ServiceError::InvalidInput(error.to_string()))?;
    let actor = principal.actor.clone();
    let policy = state.settings.policy;
    let issued = state
        .call(move |service| {
            service
                .issue_api_token(&actor, id, role, &policy)
                .map_err(ApiError::from)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(IssuedTokenView {
            id: issued.id,
            token: issued.token,
            workspace_id: issued.workspace_id,
            role: issued.role.code().to_string(),
            expires_at: issued.expires_at,
        }),
    ))
}
