//! The audit log as admin and FG read it: their organisation's entries (and the installation's),
//! and the verification of the whole log (Merkle tree, signed checkpoints).

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Extension;
use peil_service::{IndexedEntry, VerificationReport};

use super::Route;
use crate::error::{ApiError, ErrorBody};
use crate::json::ApiJson;
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/audit/entries", get(entries)),
        Route::new(Method::GET, "/api/v1/audit/verify", get(verify)),
    ]
}

/// The audit entries the principal may read, oldest first (admin, FG).
#[utoipa::path(get, path = "/api/v1/audit/entries", tag = "audit",
    responses(
        (status = 200, description = "Entries (peil_audit::IndexedEntry)", body = [Object]),
        (status = 403, description = "Role may not read the audit log", body = ErrorBody)))]
pub async fn entries(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<ApiJson<Vec<IndexedEntry>>, ApiError> {
    let actor = principal.actor.clone();
    let entries = state
        .call(move |service| service.audit_entries(&actor).map_err(ApiError::from))
        .await?;
    Ok(ApiJson(entries))
}

/// Verifies the whole log: every entry, every checkpoint's signature and consistency (admin,
/// FG). The verification itself is recorded.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses(
        (status = 200, description = "Verification report (peil_audit::VerificationReport)", body = Object),
        (status = 403, description = "Role may not verify the audit log", body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<ApiJson<VerificationReport>, ApiError> {
    let actor = principal.actor.clone();
    let key_dir = state.key_dir.clone();
    let report = state
        .call(move |service| {
            // Verification reads only the log files (no personal data); the role check and the
            // audit entry follow in `record_audit_verification`, and a refusal answers 403.
            let report = peil_service::verify_audit(service.data_dir(), key_dir.as_deref(), None)?;
            service.record_audit_verification(&actor, &report)?;
            Ok(report)
        })
        .await?;
    Ok(ApiJson(report))
}
