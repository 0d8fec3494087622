//! The audit log as admin and FG read it: their organisation's entries (and the installation's),
//! and the verification of the whole log (Merkle tree, signed checkpoints).

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Extension;
use peil_service::{IndexedEntry, ServiceError, VerificationReport};
use serde::Deserialize;
use utoipa::IntoParams;

use super::Route;
use crate::error::{ApiError, ErrorBody};
use crate::json::{ApiJson, ApiQuery};
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/audit/entries", get(entries)),
        Route::new(Method::GET, "/api/v1/audit/verify", get(verify)),
    ]
}

/// Which page of the audit log (both optional: without them, every entry).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditPageQuery {
    /// Only entries with an index below this one; for the next older page, the `index` of the
    /// first (oldest) entry of this page.
    #[param(minimum = 0)]
    pub before: Option<u64>,
    /// At most this many entries (1–1000): the newest of those before `before`.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The largest page of the API.
pub const MAX_AUDIT_LIMIT: u32 = 1000;

/// The audit entries the principal may read, oldest first (admin, FG), optionally one page of
/// them (`?before=INDEX&limit=N`: the newest N entries with an index below INDEX).
#[utoipa::path(get, path = "/api/v1/audit/entries", tag = "audit",
    params(AuditPageQuery),
    responses(
        (status = 200, description = "Entries (peil_audit::IndexedEntry)", body = [Object]),
        (status = 400, description = "before or limit is not a number in range", body = ErrorBody),
        (status = 403, description = "Role may not read the audit log", body = ErrorBody)))]
pub async fn entries(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiQuery(query): ApiQuery<AuditPageQuery>,
) -> Result<ApiJson<Vec<IndexedEntry>>, ApiError> {
    if query
        .limit
        .is_some_and(|limit| limit == 0 || limit > MAX_AUDIT_LIMIT)
    {
        return Err(ServiceError::InvalidInput(format!(
            "limit moet tussen 1 en {MAX_AUDIT_LIMIT} liggen / limit must be between 1 and {MAX_AUDIT_LIMIT}"
        ))
        .into());
    }
    let actor = principal.actor.clone();
    let entries = state
        .call(move |service| service.audit_entries(&actor).map_err(ApiError::from))
        .await?;
    let limit = query.limit.and_then(|limit| usize::try_from(limit).ok());
    Ok(ApiJson(
        peil_web::audit_page_of(entries, query.before, limit).entries,
    ))
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
