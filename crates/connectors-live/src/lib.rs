//! Peil's live connectors: network clients for public sources that feed the same pipeline as an
//! import (`connector ──raw post (memory only)──▶ de-identify ──▶ …`).
//!
//! * [`jetstream`]: Bluesky Jetstream over WebSocket: post creates, updates and deletes; resumes
//!   from the persisted cursor (`time_us`); reconnects with backoff and jitter; fails over
//!   between hosts.
//! * [`mastodon`]: public and hashtag timelines of an instance over REST (`min_id` paging, Link
//!   headers, rate-limit headers and `Retry-After` honoured), optionally the streaming API for
//!   deletions; an optional app token, never a user's session.
//! * [`rss`]: RSS/Atom/JSON feeds with conditional GET (ETag, Last-Modified) and dedupe.
//!
//! Each connector runs as a tokio task and sends [`LiveEvent`]s into a channel; the caller (`peil
//! watch`, `peil serve`) collects them with [`next_batch`] and hands the batches to the service,
//! which runs the pipeline and saves the cursor after the posts.
//!
//! # What this crate must never do
//!
//! It reads public sources only ([`public_only`] refuses everything else, before connecting). The
//! raw posts it produces live in memory only: it never writes them anywhere, and it never logs,
//! prints or puts into an error any post text, author id, handle or profile URL. Log fields and
//! errors name the connector, the endpoint's host, HTTP statuses and counts; parse errors carry
//! the content-free reasons of `peil-connectors`. Secrets (an app token) are read from the
//! environment and never logged.

pub mod backoff;
pub mod config;
pub mod jetstream;
pub mod mastodon;
pub mod metrics;
pub mod public_only;
pub mod replay;
pub mod rss;

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use peil_connectors::Record;
use tokio::sync::{mpsc, watch};

pub use config::{parse_connectors, ConfigError, ConnectorKind, ConnectorSpec, MastodonTimeline};
pub use metrics::{ConnectorMetrics, MetricsSnapshot};
pub use public_only::{public_statement, Refusal};

/// What a connector sends to the pipeline.
#[derive(Debug)]
pub enum LiveEvent {
    /// A record read from the source (a post, a deletion, or something skipped).
    Record {
        record: Record,
        /// Where to resume once this event is written (`None`: unchanged).
        cursor: Option<String>,
        /// The event's time at the source, for the lag.
        source_time: Option<DateTime<Utc>>,
    },
    /// An event that could not be read (counted; its content is never shown).
    Unreadable { cursor: Option<String> },
    /// No event, but the resume position moved (an RSS feed's new ETag).
    Cursor(String),
}

/// A batch of events, ready for the service.
#[derive(Debug, Default)]
pub struct Batch {
    pub records: Vec<Record>,
    pub errors: u64,
    pub cursor: Option<String>,
    pub newest_source_time: Option<DateTime<Utc>>,
    /// Deletions at the source among `records` (whether or not Peil stored the post).
    pub deletions: u64,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.errors == 0 && self.cursor.is_none()
    }

    /// Milliseconds between the newest event's time at the source and now.
    pub fn lag_ms(&self) -> Option<i64> {
        self.newest_source_time
            .map(|time| (Utc::now() - time).num_milliseconds().max(0))
    }

    fn add(&mut self, event: LiveEvent) {
        match event {
            LiveEvent::Record {
                record,
                cursor,
                source_time,
            } => {
                if matches!(record, Record::Delete { .. }) {
                    self.deletions += 1;
                }
                self.records.push(record);
                if cursor.is_some() {
                    self.cursor = cursor;
                }
                if let Some(time) = source_time {
                    self.newest_source_time = Some(
                        self.newest_source_time
                            .map_or(time, |newest| newest.max(time)),
                    );
                }
            }
            LiveEvent::Unreadable { cursor } => {
                self.errors += 1;
                if cursor.is_some() {
                    self.cursor = cursor;
                }
            }
            LiveEvent::Cursor(cursor) => self.cursor = Some(cursor),
        }
    }
}

/// Collects the next batch: waits for a first event, then takes what arrives within `max_wait`,
/// up to `max_records`. `None` once the connector has stopped and everything was taken.
///
/// Not cancel-safe: dropped while collecting (e.g. inside `tokio::time::timeout`), it loses the
/// events it already took. A loop that must wake up without events uses [`next_batch_or_idle`].
pub async fn next_batch(
    receiver: &mut mpsc::Receiver<LiveEvent>,
    max_records: usize,
    max_wait: Duration,
) -> Option<Batch> {
    let first = receiver.recv().await?;
    collect_batch(receiver, first, max_records, max_wait).await
}

/// What [`next_batch_or_idle`] found.
#[derive(Debug)]
pub enum BatchWait {
    /// A batch, collected as [`next_batch`] does.
    Batch(Batch),
    /// No event arrived within the idle time; nothing was taken from the channel.
    Idle,
    /// The connector has stopped and everything was taken.
    Closed,
}

/// [`next_batch`], giving up only while it waits for the first event (after `idle`): once an
/// event is taken the batch is always completed and returned, so no event is ever lost to the
/// wake-up.
pub async fn next_batch_or_idle(
    receiver: &mut mpsc::Receiver<LiveEvent>,
    max_records: usize,
    max_wait: Duration,
    idle: Duration,
) -> BatchWait {
    let first = match tokio::time::timeout(idle, receiver.recv()).await {
        Err(_) => return BatchWait::Idle,
        Ok(None) => return BatchWait::Closed,
        Ok(Some(first)) => first,
    };
    match collect_batch(receiver, first, max_records, max_wait).await {
        Some(batch) => BatchWait::Batch(batch),
        None => BatchWait::Closed,
    }
}

/// A batch that starts with `first` and takes what arrives within `max_wait`, up to
/// `max_records`.
async fn collect_batch(
    receiver: &mut mpsc::Receiver<LiveEvent>,
    first: LiveEvent,
    max_records: usize,
    max_wait: Duration,
) -> Option<Batch> {
    let mut batch = Batch::default();
    batch.add(first);
    let deadline = tokio::time::Instant::now() + max_wait;
    while batch.records.len() < max_records {
        match tokio::time::timeout_at(deadline, receiver.recv()).await {
            Ok(Some(event)) => batch.add(event),
            Ok(None) | Err(_) => break,
        }
    }
    Some(batch)
}

/// Asks a running connector to stop.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// The other side of [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

impl ShutdownTrigger {
    pub fn stop(&self) {
        let _ = self.0.send(true);
    }
}

/// A shutdown signal pair.
pub fn shutdown_pair() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger(sender), Shutdown(receiver))
}

impl Shutdown {
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when stop was asked (or the trigger was dropped).
    pub async fn stopped(&mut self) {
        loop {
            if *self.0.borrow() {
                return;
            }
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }

    /// Sleeps for `duration`; `false` when stopped meanwhile.
    pub async fn sleep(&mut self, duration: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(duration) => !self.is_stopped(),
            _ = self.stopped() => false,
        }
    }
}

/// How a connector run ended.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The configuration reaches beyond public sources.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The source refuses Peil for good (e.g. it requires a login); retrying would not help.
    #[error("connector `{connector}`: {reason}")]
    Fatal { connector: String, reason: String },
    /// The HTTP client could not be built.
    #[error("connector `{connector}`: HTTP client: {reason}")]
    Client { connector: String, reason: String },
}

/// Common options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop after this many events were received (frames, statuses, entries).
    pub stop_after: Option<u64>,
    /// Starting backoff delay and cap.
    pub backoff: (Duration, Duration),
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            stop_after: None,
            backoff: (Duration::from_millis(500), Duration::from_secs(60)),
        }
    }
}

/// Runs the connector of `spec` until it is stopped, `stop_after` is reached, or the receiver is
/// gone. `cursor` is where the last run stopped (from the store).
pub async fn run(
    spec: ConnectorSpec,
    cursor: Option<String>,
    sender: mpsc::Sender<LiveEvent>,
    metrics: Arc<ConnectorMetrics>,
    shutdown: Shutdown,
    options: RunOptions,
) -> Result<(), LiveError> {
    public_only::check(&spec)?;
    tracing::info!(
        connector = spec.name.as_str(),
        kind = spec.kind.name(),
        public = public_statement(spec.kind),
        "connector starting"
    );
    match spec.kind {
        ConnectorKind::Jetstream => {
            jetstream::run(&spec, cursor, sender, metrics, shutdown, options).await
        }
        ConnectorKind::Mastodon => {
            mastodon::run(&spec, cursor, sender, metrics, shutdown, options).await
        }
        ConnectorKind::Rss => rss::run(&spec, cursor, sender, metrics, shutdown, options).await,
    }
}

/// A bounded memory of recently seen keys (first in, first out).
#[derive(Debug)]
pub(crate) struct Recent<K> {
    set: HashSet<K>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone> Recent<K> {
    pub(crate) fn new(capacity: usize) -> Recent<K> {
        Recent {
            set: HashSet::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Remembers `key`; `false` if it was already known.
    pub(crate) fn insert(&mut self, key: K) -> bool {
        if self.set.contains(&key) {
            return false;
        }
        if self.order.len() >= self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
        self.set.insert(key.clone());
        self.order.push_back(key);
        true
    }

    pub(crate) fn contains(&self, key: &K) -> bool {
        self.set.contains(key)
    }
}

/// Drops posts whose deletion was already seen (a delete that arrived before its create, out of
/// order), so a deleted post is never stored afterwards.
#[derive(Debug)]
pub(crate) struct Tombstones(Recent<String>);

impl Tombstones {
    pub(crate) fn new() -> Tombstones {
        Tombstones(Recent::new(100_000))
    }

    pub(crate) fn admit(&mut self, record: Record) -> Record {
        match record {
            Record::Delete { source, source_id } => {
                self.0.insert(source_id.clone());
                Record::Delete { source, source_id }
            }
            Record::Post(post) if self.0.contains(&post.source_id) => Record::Skip {
                reason: "deleted at the source",
            },
            other => other,
        }
    }
}

/// Whether a post carries `#tag` (case-insensitive), for connectors that filter locally.
/// The HTTP client of a polling connector: Peil's user agent with `purpose`, a 15 s connect
/// timeout and, when given, a whole-request timeout. Errors name the connector, never a URL.
pub(crate) fn http_client(
    connector: &str,
    purpose: &str,
    request_timeout: Option<Duration>,
) -> Result<reqwest::Client, LiveError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(format!("Peil/{} ({purpose})", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15));
    if let Some(timeout) = request_timeout {
        builder = builder.timeout(timeout);
    }
    builder.build().map_err(|error| LiveError::Client {
        connector: connector.to_string(),
        reason: error.without_url().to_string(),
    })
}

pub(crate) fn has_hashtag(text: &str, tag: &str) -> bool {
    let wanted = format!("#{}", tag.trim_start_matches('#').to_lowercase());
    text.to_lowercase()
        .match_indices(&wanted)
        .any(|(position, _)| {
            let after = &text.to_lowercase()[position + wanted.len()..];
            !after
                .chars()
                .next()
                .is_some_and(|character| character.is_alphanumeric() || character == '_')
        })
}

/// Sends `event`; `false` when the receiver is gone (the run should end).
pub(crate) async fn send(sender: &mpsc::Sender<LiveEvent>, event: LiveEvent) -> bool {
    sender.send(event).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_forgets_the_oldest() {
        let mut recent = Recent::new(2);
        assert!(recent.insert(1));
        assert!(!recent.insert(1));
        assert!(recent.insert(2));
        assert!(recent.insert(3));
        assert!(!recent.contains(&1));
        assert!(recent.contains(&3));
    }

    #[test]
    fn hashtags_match_whole_tags() {
        assert!(has_hashtag("Weer #Afval op straat", "afval"));
        assert!(has_hashtag("#afval", "#AFVAL"));
        assert!(!has_hashtag("#afvalbak vol", "afval"));
        assert!(!has_hashtag("afval", "afval"));
    }

    #[tokio::test]
    async fn batches_take_what_arrives() {
        let (sender, mut receiver) = mpsc::channel(16);
        for number in 0..5 {
            let event = LiveEvent::Record {
                record: Record::Skip { reason: "test" },
                cursor: Some(number.to_string()),
                source_time: None,
            };
            assert!(send(&sender, event).await);
        }
        assert!(send(&sender, LiveEvent::Unreadable { cursor: None }).await);
        drop(sender);
        let batch = next_batch(&mut receiver, 3, Duration::from_millis(50)).await;
        assert_eq!(batch.as_ref().map(|b| b.records.len()), Some(3));
        assert_eq!(batch.and_then(|b| b.cursor), Some("2".to_string()));
        let rest = next_batch(&mut receiver, 10, Duration::from_millis(50)).await;
        assert_eq!(
            rest.as_ref().map(|b| (b.records.len(), b.errors)),
            Some((2, 1))
        );
        assert!(next_batch(&mut receiver, 10, Duration::from_millis(50))
            .await
            .is_none());
    }
}
