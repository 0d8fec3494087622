//! Live connectors inside the server (`peil serve --connectors FILE`): every connector of the
//! configuration runs as a background task that feeds the same pipeline as `peil watch`, through
//! the service, as the local operator (who wrote the configuration):
//!
//! ```text
//! connector task ──events──▶ supervisor: short batches ──▶ Service::watch_batch (mutex, blocking
//!                                      thread) ──▶ pipeline, store, cursor saved after the posts
//! ```
//!
//! * A configuration that reaches beyond public sources is refused before the server starts
//!   ([`check_configuration`]), with the reason, before anything connects.
//! * Each run is one watch session: `Service::start_watch` (audit entry "start", resumes from
//!   the saved cursor) … `Service::finish_watch` (audit entry with the counts).
//! * Batches are short (at most [`BATCH_RECORDS`] events or [`BATCH_WAIT`]), so requests that
//!   wait for the service's mutex are not starved.
//! * A run that fails (the source is gone, a write failed, the connector ended) is started again
//!   after an exponential backoff with jitter; the state shows `backing_off` meanwhile.
//! * On shutdown the connectors stop, write what they read, save their cursors and close their
//!   sessions before the process ends ([`ConnectorTasks::stop`]).
//!
//! `GET /api/v1/connectors` (routes/connectors.rs) shows their health. Nothing here logs or keeps
//! content: names, hosts, states and counts only.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use peil_connectors_live::backoff::Backoff;
use peil_connectors_live::{
    next_batch, public_only, shutdown_pair, ConnectorMetrics, ConnectorSpec, Refusal, RunOptions,
    Shutdown, ShutdownTrigger,
};
use peil_service::{Actor, ConfiguredConnector, ImportScope, WatchBatch, WatchSession};
use serde::Serialize;
use tokio::task::JoinHandle;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// The most events one batch holds (one service call).
pub const BATCH_RECORDS: usize = 250;

/// How long a batch waits for more events after its first.
pub const BATCH_WAIT: Duration = Duration::from_millis(250);

/// How long the shutdown waits for the connectors to write their last batch and close.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// Checks a configuration before anything starts: every connector must read public sources
/// only. The refusal names the connector and the rule (never a secret value).
pub fn check_configuration(specs: &[ConnectorSpec]) -> Result<(), Refusal> {
    specs.iter().try_for_each(public_only::check)
}

/// What a connector is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Opening its session (before the first connection).
    Starting,
    /// Connected or polling.
    Running,
    /// Failed; waiting before it is started again.
    BackingOff,
    /// Stopped (the server shuts down).
    Stopped,
}

/// What the supervisor knows of one connector since the server started.
#[derive(Debug, Clone, Copy)]
pub struct LiveStatus {
    pub state: RunState,
    /// Times the connector was started again after a failure.
    pub restarts: u64,
    /// Deletions at the source received (whether or not Peil had stored the post).
    pub deletions: u64,
    /// When the last event was received.
    pub last_event_at: Option<DateTime<Utc>>,
}

/// One configured connector: its configuration, wire counters and status.
#[derive(Debug)]
pub struct RunningConnector {
    pub spec: ConnectorSpec,
    pub metrics: Arc<ConnectorMetrics>,
    status: Mutex<LiveStatus>,
}

impl RunningConnector {
    /// A copy of the status.
    pub fn status(&self) -> LiveStatus {
        match self.status.lock() {
            Ok(status) => *status,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    fn update(&self, change: impl FnOnce(&mut LiveStatus)) {
        match self.status.lock() {
            Ok(mut status) => change(&mut status),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }

    /// The hosts of the connector's endpoints (public sources; no path, no query).
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self
            .spec
            .endpoints
            .iter()
            .filter_map(|endpoint| reqwest::Url::parse(endpoint).ok())
            .filter_map(|url| url.host_str().map(str::to_string))
            .collect();
        hosts.dedup();
        hosts
    }
}

/// The configured connectors (shared by the supervisors and the API).
#[derive(Debug, Clone, Default)]
pub struct Connectors {
    running: Arc<Vec<Arc<RunningConnector>>>,
}

impl Connectors {
    pub fn new(specs: Vec<ConnectorSpec>) -> Connectors {
        let running = specs
            .into_iter()
            .map(|spec| {
                Arc::new(RunningConnector {
                    spec,
                    metrics: Arc::new(ConnectorMetrics::default()),
                    status: Mutex::new(LiveStatus {
                        state: RunState::Starting,
                        restarts: 0,
                        deletions: 0,
                        last_event_at: None,
                    }),
                })
            })
            .collect();
        Connectors {
            running: Arc::new(running),
        }
    }

    pub fn all(&self) -> &[Arc<RunningConnector>] {
        &self.running
    }

    pub fn find(&self, name: &str) -> Option<&Arc<RunningConnector>> {
        self.running
            .iter()
            .find(|connector| connector.spec.name == name)
    }

    /// What the service needs to decide who sees which connector.
    pub fn configured(&self) -> Vec<ConfiguredConnector> {
        self.running
            .iter()
            .map(|connector| ConfiguredConnector {
                name: connector.spec.name.clone(),
                kind: connector.spec.kind.name().to_string(),
                organisation: connector.spec.organisation.clone(),
            })
            .collect()
    }
}

/// The running supervisors; [`ConnectorTasks::stop`] ends them.
#[derive(Debug)]
pub struct ConnectorTasks {
    trigger: ShutdownTrigger,
    handles: Vec<JoinHandle<()>>,
}

impl ConnectorTasks {
    /// Stops every connector and waits until each has written its last batch, saved its cursor
    /// and closed its session (at most 30 s).
    pub async fn stop(self) {
        self.trigger.stop();
        let all = futures_join(self.handles);
        if tokio::time::timeout(STOP_TIMEOUT, all).await.is_err() {
            tracing::error!("connectors did not stop in time");
        }
    }
}

async fn futures_join(handles: Vec<JoinHandle<()>>) {
    for handle in handles {
        let _ = handle.await;
    }
}

/// Starts a supervisor for every configured connector of `state`.
pub fn start(state: &AppState) -> ConnectorTasks {
    let (trigger, shutdown) = shutdown_pair();
    let handles = state
        .connectors
        .all()
        .iter()
        .map(|connector| {
            tokio::spawn(supervise(
                state.clone(),
                Arc::clone(connector),
                shutdown.clone(),
            ))
        })
        .collect();
    ConnectorTasks { trigger, handles }
}

/// Runs one connector until shutdown, starting it again with backoff after each failure.
async fn supervise(state: AppState, connector: Arc<RunningConnector>, mut shutdown: Shutdown) {
    let (base, cap) = state.settings.connector_restart_backoff;
    let mut backoff = Backoff::new(base, cap);
    let name = connector.spec.name.clone();
    loop {
        if shutdown.is_stopped() {
            break;
        }
        connector.update(|status| status.state = RunState::Starting);
        let (outcome, progressed) = run_once(&state, &connector, shutdown.clone()).await;
        if shutdown.is_stopped() {
            if let Err(reason) = outcome {
                tracing::warn!(connector = name.as_str(), reason = %reason, "connector ended with an error at shutdown");
            }
            break;
        }
        if progressed {
            backoff.reset();
        }
        let delay = backoff.next_delay();
        match outcome {
            Ok(()) => tracing::warn!(
                connector = name.as_str(),
                delay_ms = delay.as_millis() as u64,
                "connector ended; starting it again"
            ),
            Err(reason) => tracing::warn!(
                connector = name.as_str(),
                reason = %reason,
                delay_ms = delay.as_millis() as u64,
                "connector failed; starting it again"
            ),
        }
        connector.update(|status| {
            status.state = RunState::BackingOff;
            status.restarts += 1;
        });
        if !shutdown.sleep(delay).await {
            break;
        }
    }
    connector.update(|status| status.state = RunState::Stopped);
    tracing::info!(connector = name.as_str(), "connector stopped");
}

/// One watch session of `connector`: start (audited, cursor), batches until the connector ends
/// or the server stops, finish (audited). Returns how it ended and whether any event came in.
async fn run_once(
    state: &AppState,
    connector: &RunningConnector,
    shutdown: Shutdown,
) -> (Result<(), String>, bool) {
    let spec = connector.spec.clone();
    let scope = match &spec.organisation {
        Some(organisation) => ImportScope::Organisation(organisation.clone()),
        None => ImportScope::Installation,
    };
    let (name, kind) = (spec.name.clone(), spec.kind.name());
    let started = state
        .call(move |service| {
            service
                .start_watch(&Actor::LocalOperator, &scope, &name, kind)
                .map_err(ApiError::from)
        })
        .await;
    let (session, cursor) = match started {
        Ok(started) => started,
        Err(error) => return (Err(error.to_string()), false),
    };
    let mut session: Option<WatchSession> = Some(session);
    // The connector stops when the server stops, or when a batch could not be written.
    let (run_trigger, run_shutdown) = shutdown_pair();
    let run_trigger = Arc::new(run_trigger);
    let forward = {
        let trigger = Arc::clone(&run_trigger);
        let mut shutdown = shutdown;
        tokio::spawn(async move {
            shutdown.stopped().await;
            trigger.stop();
        })
    };
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4096);
    let options = RunOptions {
        stop_after: None,
        ..RunOptions::default()
    };
    let task = tokio::spawn(peil_connectors_live::run(
        spec,
        cursor,
        sender,
        Arc::clone(&connector.metrics),
        run_shutdown,
        options,
    ));
    connector.update(|status| status.state = RunState::Running);
    let mut failure: Option<String> = None;
    let mut progressed = false;
    while let Some(batch) = next_batch(&mut receiver, BATCH_RECORDS, BATCH_WAIT).await {
        progressed = true;
        let received_at = Utc::now();
        let deletions = batch.deletions;
        connector.update(|status| {
            status.deletions += deletions;
            status.last_event_at = Some(received_at);
        });
        let lag_ms = batch.lag_ms();
        let watch_batch = WatchBatch {
            records: batch.records,
            errors: batch.errors,
            cursor: batch.cursor,
            lag_ms,
        };
        let Some(mut open) = session.take() else {
            break;
        };
        let written = state
            .call(move |service| {
                let written = service.watch_batch(&mut open, watch_batch);
                Ok((open, written))
            })
            .await;
        match written {
            Ok((open, Ok(_))) => session = Some(open),
            Ok((open, Err(error))) => {
                session = Some(open);
                failure = Some(error.to_string());
                run_trigger.stop();
                break;
            }
            Err(error) => {
                failure = Some(error.to_string());
                run_trigger.stop();
                break;
            }
        }
    }
    // Whatever the connector still sends is not written: its cursor was not saved either, so
    // the next run reads it again.
    drop(receiver);
    let ended = task.await;
    forward.abort();
    if let Some(open) = session {
        let finished = state
            .call(move |service| {
                service
                    .finish_watch(&Actor::LocalOperator, open)
                    .map_err(ApiError::from)
            })
            .await;
        if let Err(error) = finished {
            failure.get_or_insert_with(|| error.to_string());
        }
    }
    if let Some(reason) = failure {
        return (Err(reason), progressed);
    }
    match ended {
        Ok(Ok(())) => (Ok(()), progressed),
        Ok(Err(error)) => (Err(error.to_string()), progressed),
        Err(_) => (
            Err("the connector task ended abnormally".to_string()),
            progressed,
        ),
    }
}
