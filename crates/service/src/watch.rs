//! Live watching: a connector (Bluesky Jetstream, Mastodon, RSS/Atom; crates/connectors-live)
//! feeds the same pipeline as an import, in batches, for as long as it runs.
//!
//! Audit: a watch session is one import that does not end. `start_watch` is performed through the
//! role table (operation `watch`) and writes one audit entry; `finish_watch` writes one more with
//! the session's counts. The batches in between are not audited one by one (a busy stream would
//! write several entries a second): they can only be written through the `WatchSession` that the
//! audited start handed out, which holds the organisation scope checked there.
//!
//! After each batch the connector's cursor and counters are saved (migration 6), after the posts
//! were written: a crash in between replays the batch, whose posts the store then counts as
//! duplicates; nothing is skipped. Like the import, this module never returns or prints content
//! of the records: only counts.

use std::time::{Duration, Instant};

use peil_connectors::Record;
use peil_pipeline::{IngestStats, Pipeline};
use peil_store::{ConnectorProgress, ConnectorState, Store};

use crate::operation::Operation;
use crate::{Actor, ImportScope, Service, ServiceError};

/// How often a long watch re-reads the active workspaces and monitors.
const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// A running watch, handed out by [`Service::start_watch`] only.
pub struct WatchSession {
    connector: String,
    kind: String,
    organisation_id: Option<i64>,
    pipeline: Pipeline,
    prepared_at: Instant,
    totals: IngestStats,
}

impl std::fmt::Debug for WatchSession {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WatchSession")
            .field("connector", &self.connector)
            .field("kind", &self.kind)
            .field("organisation_id", &self.organisation_id)
            .finish_non_exhaustive()
    }
}

impl WatchSession {
    /// The connector's name.
    pub fn connector(&self) -> &str {
        &self.connector
    }

    /// The counts of this session so far.
    pub fn totals(&self) -> IngestStats {
        add(self.totals, self.pipeline.stats())
    }

    /// How many active workspaces with monitors the session feeds (0: nothing will be stored).
    pub fn monitored_workspaces(&self) -> usize {
        self.pipeline.monitored_workspaces()
    }
}

/// One batch from a connector.
#[derive(Debug, Default)]
pub struct WatchBatch {
    /// The records read, in order.
    pub records: Vec<Record>,
    /// Events that could not be read (counted, never shown).
    pub errors: u64,
    /// Where the connector resumes after this batch (`None`: unchanged).
    pub cursor: Option<String>,
    /// Delay between the newest event's time at the source and now, in milliseconds.
    pub lag_ms: Option<i64>,
}

fn prepare(store: &mut Store, organisation_id: Option<i64>) -> Result<Pipeline, ServiceError> {
    store.close_ended_workspaces(chrono::Utc::now())?;
    Ok(Pipeline::for_active_workspaces_of(store, organisation_id)?)
}

impl Service {
    /// Starts watching with connector `connector` (of `kind`) for the workspaces `scope` allows:
    /// checks the actor, prepares the pipeline and writes the session's first audit entry.
    /// Returns the session and the cursor where the connector stopped last time.
    pub fn start_watch(
        &mut self,
        actor: &Actor,
        scope: &ImportScope,
        connector: &str,
        kind: &str,
    ) -> Result<(WatchSession, Option<String>), ServiceError> {
        let organisation_id = match scope {
            ImportScope::Installation => match actor {
                Actor::LocalOperator => None,
                Actor::User(user) => Some(user.organisation_id),
            },
            ImportScope::Organisation(name) => {
                Some(self.organisation_for(actor, Operation::Watch, name)?.id)
            }
        };
        let object = format!("connector:{connector} kind:{kind}");
        let (pipeline, cursor) = self.perform(
            actor,
            Operation::Watch,
            organisation_id,
            &object,
            Some("start"),
            |store, _| {
                let pipeline = prepare(store, organisation_id)?;
                let cursor = store
                    .connector_state(connector)?
                    .and_then(|state| state.cursor);
                Ok((pipeline, cursor))
            },
        )?;
        tracing::info!(connector, kind, "watch started");
        Ok((
            WatchSession {
                connector: connector.to_string(),
                kind: kind.to_string(),
                organisation_id,
                pipeline,
                prepared_at: Instant::now(),
                totals: IngestStats::default(),
            },
            cursor,
        ))
    }

    /// Runs one batch of a session through the pipeline, writes it, and saves the connector's
    /// cursor and counters. Returns what this batch added.
    pub fn watch_batch(
        &mut self,
        session: &mut WatchSession,
        batch: WatchBatch,
    ) -> Result<IngestStats, ServiceError> {
        if session.prepared_at.elapsed() >= REFRESH_EVERY {
            session.pipeline.flush(&mut self.store)?;
            let previous = session.pipeline.stats();
            session.pipeline = prepare(&mut self.store, session.organisation_id)?;
            session.totals = add(session.totals, previous);
            session.prepared_at = Instant::now();
        }
        let before = session.pipeline.stats();
        for record in batch.records {
            session.pipeline.process(&mut self.store, record)?;
        }
        for _ in 0..batch.errors {
            session.pipeline.reject();
        }
        session.pipeline.flush(&mut self.store)?;
        let delta = subtract(session.pipeline.stats(), before);
        let progress = ConnectorProgress {
            received: delta.read,
            matched: delta.stored,
            dropped: delta.dropped + delta.dropped_objection + delta.duplicates + delta.skipped,
            errors: delta.rejected,
            deleted: delta.deletes,
            lag_ms: batch.lag_ms,
        };
        self.store.record_connector_progress(
            &session.connector,
            &session.kind,
            batch.cursor.as_deref(),
            &progress,
        )?;
        tracing::debug!(
            connector = session.connector.as_str(),
            received = delta.read,
            stored = delta.stored,
            "watch batch written"
        );
        Ok(delta)
    }

    /// Ends a session: writes what is pending and the session's closing audit entry with its
    /// counts. Returns the session's counts.
    pub fn finish_watch(
        &mut self,
        actor: &Actor,
        mut session: WatchSession,
    ) -> Result<IngestStats, ServiceError> {
        let object = format!("connector:{} kind:{}", session.connector, session.kind);
        let organisation_id = session.organisation_id;
        self.perform_described(
            actor,
            Operation::Watch,
            organisation_id,
            &object,
            |store, _| {
                session.pipeline.flush(store)?;
                Ok(add(session.totals, session.pipeline.stats()))
            },
            |stats| {
                Some(format!(
                    "stop: read {} stored {} dropped {} rejected {} deletes {}",
                    stats.read, stats.stored, stats.dropped, stats.rejected, stats.deletes
                ))
            },
        )
    }

    /// The cursor and counters of every live connector (the local operator only: the counts span
    /// every organisation).
    pub fn connector_states(&mut self, actor: &Actor) -> Result<Vec<ConnectorState>, ServiceError> {
        self.perform(
            actor,
            Operation::ViewConnectors,
            None,
            "connectors",
            None,
            |store, _| Ok(store.connector_states()?),
        )
    }
}

fn add(left: IngestStats, right: IngestStats) -> IngestStats {
    IngestStats {
        read: left.read + right.read,
        stored: left.stored + right.stored,
        duplicates: left.duplicates + right.duplicates,
        dropped: left.dropped + right.dropped,
        dropped_objection: left.dropped_objection + right.dropped_objection,
        rejected: left.rejected + right.rejected,
        skipped: left.skipped + right.skipped,
        deletes: left.deletes + right.deletes,
        redactions: left.redactions + right.redactions,
    }
}

fn subtract(after: IngestStats, before: IngestStats) -> IngestStats {
    IngestStats {
        read: after.read.saturating_sub(before.read),
        stored: after.stored.saturating_sub(before.stored),
        duplicates: after.duplicates.saturating_sub(before.duplicates),
        dropped: after.dropped.saturating_sub(before.dropped),
        dropped_objection: after
            .dropped_objection
            .saturating_sub(before.dropped_objection),
        rejected: after.rejected.saturating_sub(before.rejected),
        skipped: after.skipped.saturating_sub(before.skipped),
        deletes: after.deletes.saturating_sub(before.deletes),
        redactions: after.redactions.saturating_sub(before.redactions),
    }
}
