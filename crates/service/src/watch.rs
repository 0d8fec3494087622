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
use serde::Serialize;

use crate::operation::Operation;
use crate::{Actor, ImportScope, Service, ServiceError};

/// How often a long watch re-reads the active workspaces and monitors.
const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// A running watch, handed out by [`Service::start_watch`] only.
pub struct WatchSession {
    connector: String,
    kind: String,
    /// The organisation whose workspaces are fed (`None`: every organisation).
    organisation_id: Option<i64>,
    /// The organisation the start was authorised for (`None`: the installation).
    authorised_for: Option<i64>,
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
        let (organisation_id, authorised_for) = match scope {
            ImportScope::Installation => match actor {
                Actor::LocalOperator => (None, None),
                Actor::User(user) => (Some(user.organisation_id), Some(user.organisation_id)),
            },
            ImportScope::Organisation(name) => {
                let id = self.organisation_for(actor, Operation::Watch, name)?.id;
                match actor {
                    // The local operator may feed every organisation (a watch without scope,
                    // the connectors `peil serve` runs from its configuration), so also one.
                    Actor::LocalOperator => (Some(id), None),
                    Actor::User(_) => (Some(id), Some(id)),
                }
            }
        };
        let object = watch_object(connector, kind, organisation_id, authorised_for);
        let (pipeline, cursor) = self.perform_on_data(
            actor,
            Operation::Watch,
            authorised_for,
            &object,
            |stores, _| {
                let pipeline = prepare(stores.control, organisation_id)?;
                let cursor = stores
                    .control
                    .connector_state(connector)?
                    .and_then(|state| state.cursor);
                Ok((pipeline, cursor))
            },
            |_| Some("start".to_string()),
        )?;
        tracing::info!(connector, kind, "watch started");
        Ok((
            WatchSession {
                connector: connector.to_string(),
                kind: kind.to_string(),
                organisation_id,
                authorised_for,
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
        let mut stores = self.stores()?;
        if session.prepared_at.elapsed() >= REFRESH_EVERY {
            stores.ingest(|store, data_plane| session.pipeline.flush_into(store, data_plane))?;
            let previous = session.pipeline.stats();
            // Workspaces made (or retention changed) since the start are registered before
            // their posts are written.
            stores.register_catalog()?;
            session.pipeline = prepare(stores.control, session.organisation_id)?;
            session.totals = add(session.totals, previous);
            session.prepared_at = Instant::now();
        }
        let before = session.pipeline.stats();
        stores.ingest(|store, mut data_plane| {
            for record in batch.records {
                session
                    .pipeline
                    .process_into(store, data_plane.as_deref_mut(), record)?;
            }
            for _ in 0..batch.errors {
                session.pipeline.reject();
            }
            session.pipeline.flush_into(store, data_plane)
        })?;
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
        let object = watch_object(
            &session.connector,
            &session.kind,
            session.organisation_id,
            session.authorised_for,
        );
        let authorised_for = session.authorised_for;
        self.perform_on_data(
            actor,
            Operation::Watch,
            authorised_for,
            &object,
            |stores, _| {
                stores
                    .ingest(|store, data_plane| session.pipeline.flush_into(store, data_plane))?;
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

    /// The health of the connectors `configured` (those `peil serve` runs) as `actor` may see it
    /// (operation `view_connector_health`: admin and FG, and the local operator).
    ///
    /// Sealed tenants (invariant 11): a user sees only the connectors that feed every
    /// organisation or their own, and per connector only what says nothing about any
    /// organisation: its name, kind, events received, unreadable events, lag and the time of its
    /// last progress. What the pipeline decided (matched, dropped, deleted stored posts) depends
    /// on every organisation's monitors and is left out (`pipeline: None`); the local operator
    /// gets it, and also sees connectors that ran outside the configuration (`peil watch`).
    pub fn connector_health(
        &mut self,
        actor: &Actor,
        configured: &[ConfiguredConnector],
    ) -> Result<Vec<ConnectorHealth>, ServiceError> {
        let own_organisation = actor.organisation_id();
        self.perform(
            actor,
            Operation::ViewConnectorHealth,
            own_organisation,
            "connectors",
            None,
            |store, _| {
                let own_name = match own_organisation {
                    Some(id) => Some(store.organisation_by_id(id)?.name),
                    None => None,
                };
                let mut states: std::collections::BTreeMap<String, ConnectorState> = store
                    .connector_states()?
                    .into_iter()
                    .map(|state| (state.name.clone(), state))
                    .collect();
                let mut rows = Vec::new();
                for connector in configured {
                    let visible = match (&own_name, &connector.organisation) {
                        (None, _) | (_, None) => true,
                        (Some(own), Some(fed)) => own == fed,
                    };
                    let state = states.remove(&connector.name);
                    if visible {
                        rows.push(ConnectorHealth::of(
                            &connector.name,
                            &connector.kind,
                            state.as_ref(),
                            own_name.is_none(),
                        ));
                    }
                }
                if own_name.is_none() {
                    for state in states.values() {
                        rows.push(ConnectorHealth::of(
                            &state.name,
                            &state.kind,
                            Some(state),
                            true,
                        ));
                    }
                }
                Ok(rows)
            },
        )
    }
}

/// A connector `peil serve` runs: its name, kind and the organisation it feeds (`None`: every
/// organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredConnector {
    pub name: String,
    pub kind: String,
    pub organisation: Option<String>,
}

/// What the pipeline did with a connector's events, counted over every organisation's
/// workspaces: for the local operator only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PipelineCounts {
    /// Posts stored in at least one workspace.
    pub matched: u64,
    /// Posts that matched no monitor, duplicates and skipped events.
    pub dropped: u64,
    /// Deletions at the source that removed a stored post.
    pub deleted: u64,
}

/// The stored health of one connector (totals over all its runs), as an actor may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectorHealth {
    pub name: String,
    pub kind: String,
    /// Events received (good or bad).
    pub received: u64,
    /// Events that could not be read.
    pub errors: u64,
    /// The last measured delay between an event's time at the source and its processing (ms).
    pub lag_ms: Option<i64>,
    /// When the connector last saved progress (its cursor); `None`: it never ran.
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// For the local operator only (`None` for users, see [`Service::connector_health`]).
    pub pipeline: Option<PipelineCounts>,
}

impl ConnectorHealth {
    fn of(
        name: &str,
        kind: &str,
        state: Option<&ConnectorState>,
        with_pipeline: bool,
    ) -> ConnectorHealth {
        ConnectorHealth {
            name: name.to_string(),
            kind: kind.to_string(),
            received: state.map_or(0, |state| state.received),
            errors: state.map_or(0, |state| state.errors),
            lag_ms: state.and_then(|state| state.lag_ms),
            updated_at: state.map(|state| state.updated_at),
            pipeline: with_pipeline.then(|| PipelineCounts {
                matched: state.map_or(0, |state| state.matched),
                dropped: state.map_or(0, |state| state.dropped),
                deleted: state.map_or(0, |state| state.deleted),
            }),
        }
    }
}

/// The audit object of a watch: the connector, and the organisation it feeds when that is not
/// already the entry's scope.
fn watch_object(
    connector: &str,
    kind: &str,
    organisation_id: Option<i64>,
    authorised_for: Option<i64>,
) -> String {
    match (organisation_id, authorised_for) {
        (Some(fed), None) => format!("connector:{connector} kind:{kind} feeds:organisation:{fed}"),
        _ => format!("connector:{connector} kind:{kind}"),
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
