//! Aggregate queries of a workspace: the service's guard, the store's k gate, the caveat block.

use axum::extract::State;
use axum::http::Method;
use axum::routing::post;
use axum::Extension;
use chrono::{DateTime, Utc};
use peil_service::{Interval, QueryAnswer, QueryRequest, ServiceError};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{workspace_name, Route};
use crate::error::{ApiError, ErrorBody};
use crate::json::{ApiJson, ApiPath};
use crate::session::Principal;
use crate::state::AppState;

/// The most terms, hashtags and bigrams a query lists.
pub const MAXIMUM_TOP: usize = 100;

pub fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::POST,
        "/api/v1/workspaces/{id}/query",
        post(query),
    )]
}

/// An aggregate query.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QueryBody {
    /// Boolean query; empty or `*` for every stored post of the workspace.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// `hour` or `day` (default).
    #[serde(default)]
    pub interval: Option<String>,
    /// How many terms, hashtags and bigrams to list (default 10, at most 100).
    #[serde(default)]
    pub top: Option<usize>,
}

/// Aggregates of a workspace (analyst, FG): volumes, sentiment, terms, every cell k-gated, with
/// the caveat block that must travel with them.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/query", tag = "query",
    request_body = QueryBody,
    params(("id" = i64, Path, description = "Workspace id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token (sessions only)")),
    responses(
        (status = 200, description = "The gated report and its caveat (peil_service::QueryAnswer): volume, sentiment, sentiment over time (`sentiment_series`: per bucket and class, posts and share of the bucket, `null` and `suppressed` below k; `sentiment_series_suppressed` counts those cells), languages, sources, terms and signals", body = Object),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 403, description = "Role may not query", body = ErrorBody),
        (status = 404, description = "No such workspace in this organisation", body = ErrorBody),
        (status = 422, description = "Refused by the query guard", body = ErrorBody)))]
pub async fn query(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<QueryBody>,
) -> Result<ApiJson<QueryAnswer>, ApiError> {
    let interval = match body.interval.as_deref() {
        None | Some("day") => Interval::Day,
        Some("hour") => Interval::Hour,
        Some(_) => {
            return Err(ServiceError::InvalidInput(
                "interval is `hour` of `day` / interval must be `hour` or `day`".to_string(),
            )
            .into())
        }
    };
    let name = workspace_name(&state, &principal, id).await?;
    let request = QueryRequest {
        workspace: name,
        organisation: None,
        text: body.text,
        from: body.from,
        to: body.to,
        interval,
        top: body.top.unwrap_or(10).min(MAXIMUM_TOP),
    };
    let actor = principal.actor.clone();
    let answer = state
        .call(move |service| service.query(&actor, &request).map_err(ApiError::from))
        .await?;
    Ok(ApiJson(answer))
}
