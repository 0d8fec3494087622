//! `GET /api/v1/connectors`: the health of the live connectors that `peil serve` runs (admin,
//! FG; operation `view_connector_health`, one audit entry per call).
//!
//! Sealed tenants (invariant 11): the service decides which connectors the user sees (those that
//! feed every organisation, and those of the user's own organisation) and leaves out what the
//! pipeline decided (matched, dropped, stored posts deleted), which depends on every
//! organisation's monitors. This module adds only what happens on the wire, which says nothing
//! about any organisation: state, restarts, reconnects, deletions at the source received, the
//! time of the last event. Never a cursor value, a hashtag or a token variable.

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Extension;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Route;
use crate::connectors::RunState;
use crate::error::{ApiError, ErrorBody};
use crate::json::ApiJson;
use crate::session::Principal;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    vec![Route::new(Method::GET, "/api/v1/connectors", get(list))]
}

/// What is withheld, and why (Dutch, then English).
pub const WITHHELD_NOTE: &str = "Aantallen gematcht, gedropt en opgeslagen worden niet getoond: ze hangen af van de monitors van alle organisaties. / Matched, dropped and stored counts are not shown: they depend on every organisation's monitors.";

/// The live connectors the user may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectorsView {
    pub connectors: Vec<ConnectorView>,
    /// What is withheld, and why.
    pub note: String,
}

/// One live connector.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectorView {
    /// The configured name.
    pub name: String,
    /// `jetstream`, `mastodon` or `rss`.
    pub kind: String,
    /// Hosts of the public endpoints.
    pub hosts: Vec<String>,
    /// `installation` (feeds every organisation) or `organisation` (feeds yours only).
    pub scope: String,
    pub state: RunState,
    /// Times the connector was started again after a failure, since the server started.
    pub restarts: u64,
    /// Events received, over every run.
    pub received: u64,
    /// Events that could not be read, over every run.
    pub errors: u64,
    /// Connections made again (reconnects, failover) since the server started.
    pub reconnects: u64,
    /// Deletions at the source received since the server started.
    pub deletions_at_source: u64,
    /// Last measured delay between an event's time at the source and its processing (ms).
    pub lag_ms: Option<i64>,
    /// When the last event was received (since the server started).
    pub last_event_at: Option<DateTime<Utc>>,
    /// When the connector last saved its cursor and counters.
    pub cursor_saved_at: Option<DateTime<Utc>>,
    /// Seconds since then.
    pub cursor_age_seconds: Option<i64>,
}

/// The live connectors that feed your organisation, and their health (admin, FG).
#[utoipa::path(get, path = "/api/v1/connectors", tag = "connectors",
    responses(
        (status = 200, description = "Connectors that feed every organisation or yours; no matched, dropped or stored counts", body = ConnectorsView),
        (status = 403, description = "Role may not view the connectors", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> Result<ApiJson<ConnectorsView>, ApiError> {
    let actor = principal.actor.clone();
    let configured = state.connectors.configured();
    let health = state
        .call(move |service| {
            service
                .connector_health(&actor, &configured)
                .map_err(ApiError::from)
        })
        .await?;
    let now = Utc::now();
    let connectors = health
        .into_iter()
        .filter_map(|row| {
            let running = state.connectors.find(&row.name)?;
            let status = running.status();
            let wire = running.metrics.snapshot();
            Some(ConnectorView {
                hosts: running.hosts(),
                scope: if running.spec.organisation.is_some() {
                    "organisation"
                } else {
                    "installation"
                }
                .to_string(),
                state: status.state,
                restarts: status.restarts,
                received: row.received,
                errors: row.errors,
                reconnects: wire.reconnects,
                deletions_at_source: status.deletions,
                lag_ms: row.lag_ms,
                last_event_at: status.last_event_at,
                cursor_saved_at: row.updated_at,
                cursor_age_seconds: row
                    .updated_at
                    .map(|saved| (now - saved).num_seconds().max(0)),
                name: row.name,
                kind: row.kind,
            })
        })
        .collect();
    Ok(ApiJson(ConnectorsView {
        connectors,
        note: WITHHELD_NOTE.to_string(),
    }))
}
