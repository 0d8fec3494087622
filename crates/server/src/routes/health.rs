//! `GET /healthz` for operators and `GET /api/v1/openapi.json`, the API's description.

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use super::Route;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/healthz", get(health)),
        Route::new(Method::GET, "/api/v1/openapi.json", get(openapi)),
    ]
}

/// Whether the server can reach its service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Health of the server (for operators and load balancers).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The server and its service answer", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Result<ApiJson<Health>, ApiError> {
    state.call(|_| Ok(())).await?;
    Ok(ApiJson(Health {
        status: "ok".to_string(),
    }))
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi() -> Result<ApiJson<serde_json::Value>, ApiError> {
    serde_json::to_value(crate::openapi::document())
        .map(ApiJson)
        .map_err(|error| ApiError::Internal(error.to_string()))
}
