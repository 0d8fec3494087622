//! Live connectors' state (migration 6): per connector its resume cursor and its counters.
//!
//! A cursor is a position in a public stream (a Jetstream `time_us`, a Mastodon status id, an RSS
//! feed's ETag or Last-Modified). It names no person and holds no content. The counters are
//! totals over every run of the connector; `lag_ms` is the last measured delay between an event's
//! time at the source and its processing.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{Store, StoreError};

/// The stored state of one live connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectorState {
    /// The connector's configured name (e.g. `jetstream`, `mastodon-overheid`).
    pub name: String,
    /// `jetstream`, `mastodon` or `rss`.
    pub kind: String,
    /// Where the next run resumes; `None` before the first batch.
    pub cursor: Option<String>,
    /// Events received (good or bad).
    pub received: u64,
    /// Posts stored in at least one workspace.
    pub matched: u64,
    /// Posts that matched no monitor (dropped, never stored), duplicates and skipped events.
    pub dropped: u64,
    /// Events that could not be read.
    pub errors: u64,
    /// Deletions at the source that removed a stored post.
    pub deleted: u64,
    /// Delay between the source's event time and its processing, in milliseconds.
    pub lag_ms: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// What one batch adds to a connector's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectorProgress {
    pub received: u64,
    pub matched: u64,
    pub dropped: u64,
    pub errors: u64,
    pub deleted: u64,
    pub lag_ms: Option<i64>,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl Store {
    /// The stored state of connector `name`, if it ever ran.
    pub fn connector_state(&self, name: &str) -> Result<Option<ConnectorState>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT name, kind, cursor, received, matched, dropped, errors, deleted, lag_ms,
                        updated_at
                 FROM connector_state WHERE name = ?1",
                params![name],
                row_to_state,
            )
            .optional()?)
    }

    /// Every connector's state, by name.
    pub fn connector_states(&self) -> Result<Vec<ConnectorState>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT name, kind, cursor, received, matched, dropped, errors, deleted, lag_ms,
                    updated_at
             FROM connector_state ORDER BY name",
        )?;
        let rows = statement.query_map([], row_to_state)?;
        let mut states = Vec::new();
        for row in rows {
            states.push(row?);
        }
        Ok(states)
    }

    /// Adds `progress` to connector `name` and moves its cursor to `cursor` (kept when `None`).
    /// Called after the batch's posts were written, so a crash in between replays the batch
    /// (the store drops the duplicates) and never skips it.
    pub fn record_connector_progress(
        &mut self,
        name: &str,
        kind: &str,
        cursor: Option<&str>,
        progress: &ConnectorProgress,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO connector_state
                (name, kind, cursor, received, matched, dropped, errors, deleted, lag_ms, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,
                cursor = COALESCE(excluded.cursor, connector_state.cursor),
                received = connector_state.received + excluded.received,
                matched = connector_state.matched + excluded.matched,
                dropped = connector_state.dropped + excluded.dropped,
                errors = connector_state.errors + excluded.errors,
                deleted = connector_state.deleted + excluded.deleted,
                lag_ms = COALESCE(excluded.lag_ms, connector_state.lag_ms),
                updated_at = excluded.updated_at",
            params![
                name,
                kind,
                cursor,
                signed(progress.received),
                signed(progress.matched),
                signed(progress.dropped),
                signed(progress.errors),
                signed(progress.deleted),
                progress.lag_ms,
                Utc::now().timestamp(),
            ],
        )?;
        Ok(())
    }
}

fn row_to_state(row: &rusqlite::Row<'_>) -> rusqlite::Result<ConnectorState> {
    let updated_at: i64 = row.get(9)?;
    Ok(ConnectorState {
        name: row.get(0)?,
        kind: row.get(1)?,
        cursor: row.get(2)?,
        received: count(row.get(3)?),
        matched: count(row.get(4)?),
        dropped: count(row.get(5)?),
        errors: count(row.get(6)?),
        deleted: count(row.get(7)?),
        lag_ms: row.get(8)?,
        updated_at: DateTime::from_timestamp(updated_at, 0).unwrap_or(DateTime::UNIX_EPOCH),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_adds_up_and_the_cursor_moves_only_forward_when_given() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut store = Store::open(directory.path())?;
        assert_eq!(store.connector_state("jetstream")?, None);
        let progress = ConnectorProgress {
            received: 10,
            matched: 2,
            dropped: 7,
            errors: 1,
            deleted: 0,
            lag_ms: Some(40),
        };
        store.record_connector_progress("jetstream", "jetstream", Some("100"), &progress)?;
        store.record_connector_progress("jetstream", "jetstream", None, &progress)?;
        let state = store.connector_state("jetstream")?;
        assert_eq!(
            state.as_ref().and_then(|s| s.cursor.as_deref()),
            Some("100")
        );
        assert_eq!(state.as_ref().map(|s| s.received), Some(20));
        assert_eq!(state.as_ref().map(|s| s.errors), Some(2));
        assert_eq!(store.connector_states()?.len(), 1);
        Ok(())
    }
}
