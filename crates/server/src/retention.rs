//! The retention run scheduled inside the server (DESIGN.md invariant 7): once shortly after the
//! start and then every `retention_interval`, the service applies every workspace's retention as
//! the local operator — the same operation as `peil retention run`, audited the same way.
//!
//! This module must never skip a run silently: a failed run is logged (counts and the error's
//! kind only) and tried again at the next interval.

use std::time::Duration;

use peil_service::{Actor, RetentionReport};

use crate::{ApiError, AppState};

/// Waits before the first scheduled run, so a restart loop does not hammer the disk.
const FIRST_RUN_DELAY: Duration = Duration::from_secs(60);

/// Runs retention once, now; returns the report and the workspaces closed for their end date.
pub async fn run_retention_once(
    state: &AppState,
) -> Result<(RetentionReport, Vec<String>), ApiError> {
    state
        .call(|service| {
            service
                .run_retention(&Actor::LocalOperator, chrono::Utc::now())
                .map_err(ApiError::from)
        })
        .await
}

/// Runs retention after `FIRST_RUN_DELAY` and then every `interval`, for as long as the server
/// runs.
pub async fn retention_schedule(state: AppState, interval: Duration) {
    tokio::time::sleep(FIRST_RUN_DELAY).await;
    let mut ticker = tokio::time::interval(interval);
    loop {
        ticker.tick().await;
        match run_retention_once(&state).await {
            Ok((report, closed)) => tracing::info!(
                posts_deleted = report.posts_deleted,
                keys_destroyed = report.keys_destroyed,
                workspaces_closed = closed.len(),
                "scheduled retention run"
            ),
            Err(error) => tracing::error!(error = %error, "scheduled retention run failed"),
        }
    }
}
