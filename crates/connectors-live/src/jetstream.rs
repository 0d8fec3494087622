//! Bluesky Jetstream over WebSocket (`/subscribe?wantedCollections=app.bsky.feed.post`).
//!
//! * Post creates and updates become posts, post deletes become deletions (the pipeline removes a
//!   stored post); identity and account events, and other collections, are skipped.
//! * The cursor is the highest `time_us` seen. A restart or a reconnect asks for
//!   `cursor=<time_us>`, which Jetstream replays inclusively: the replayed events that were
//!   already seen in this run are dropped here (a memory of recent `time_us`), and a post replayed
//!   after a restart is a duplicate the store does not write twice. No gap, no double post.
//! * Events that arrive out of order are forwarded (the cursor never goes back); a delete that
//!   arrives before its create makes the late create a skip.
//! * On a failed or lost connection the next endpoint is tried (failover), after a delay with
//!   exponential backoff and full jitter. A connection that stays silent for `IDLE_TIMEOUT` is
//!   dropped and made again.
//! * Compressed mode: with `zstd_dictionary` set (`--zstd-dictionary FILE`), the connector asks
//!   for `compress=true` and decodes Jetstream's binary frames (zstd, made with Jetstream's custom
//!   dictionary, `pkg/models/zstd_dictionary` in the bluesky-social/jetstream repository) with
//!   one reused decoder context. A frame that does not decode, and any binary frame without a
//!   dictionary, is counted as unreadable; its bytes are never shown.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use peil_connectors::{jetstream_event, Record};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::backoff::Backoff;
use crate::{
    has_hashtag, send, ConnectorMetrics, ConnectorSpec, LiveError, LiveEvent, Recent, RunOptions,
    Shutdown, Tombstones,
};

/// The collection Peil asks for.
pub const POST_COLLECTION: &str = "app.bsky.feed.post";

/// A connection without any frame for this long is considered dead.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest decoded frame accepted (Jetstream events are a few kilobytes).
pub const MAX_DECODED_FRAME: usize = 1024 * 1024;

/// Decodes Jetstream's compressed frames: zstd with Jetstream's dictionary, one decoder context
/// and one output buffer reused for every frame.
pub struct FrameDecoder {
    context: zstd::bulk::Decompressor<'static>,
    buffer: Vec<u8>,
}

impl std::fmt::Debug for FrameDecoder {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("FrameDecoder")
            .finish_non_exhaustive()
    }
}

impl FrameDecoder {
    /// A decoder with `dictionary` (the bytes of Jetstream's `zstd_dictionary` file).
    pub fn new(dictionary: &[u8]) -> std::io::Result<FrameDecoder> {
        Ok(FrameDecoder {
            context: zstd::bulk::Decompressor::with_dictionary(dictionary)?,
            buffer: Vec::with_capacity(MAX_DECODED_FRAME),
        })
    }

    /// The decoded frame; `None` when it is not a zstd frame made with this dictionary, or
    /// decodes to more than [`MAX_DECODED_FRAME`] bytes.
    pub fn decode(&mut self, frame: &[u8]) -> Option<&[u8]> {
        self.buffer.clear();
        match self.context.decompress_to_buffer(frame, &mut self.buffer) {
            Ok(_) => Some(&self.buffer),
            Err(_) => None,
        }
    }
}

/// Reads the zstd dictionary of `spec`, if it has one. The error names the connector and the
/// kind of I/O failure.
pub fn load_dictionary(spec: &ConnectorSpec) -> Result<Option<FrameDecoder>, LiveError> {
    let Some(path) = &spec.zstd_dictionary else {
        return Ok(None);
    };
    let fatal = |reason: String| LiveError::Fatal {
        connector: spec.name.clone(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|error| {
        fatal(format!(
            "cannot read the zstd dictionary {}: {}",
            path.display(),
            error.kind()
        ))
    })?;
    FrameDecoder::new(&bytes)
        .map(Some)
        .map_err(|_| fatal(format!("{} is not a zstd dictionary", path.display())))
}

/// The envelope fields the connector needs besides the record.
#[derive(Deserialize)]
struct Envelope {
    time_us: Option<i64>,
}

/// The subscribe URL for `endpoint`, resuming at `cursor` (µs) when given, asking for
/// compressed frames when `compress`.
pub fn subscribe_url(
    endpoint: &str,
    cursor: Option<i64>,
    compress: bool,
) -> Result<String, String> {
    let mut url =
        reqwest::Url::parse(endpoint).map_err(|_| "endpoint is not a valid URL".to_string())?;
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("wantedCollections", POST_COLLECTION);
        if let Some(cursor) = cursor {
            pairs.append_pair("cursor", &cursor.to_string());
        }
        if compress {
            pairs.append_pair("compress", "true");
        }
    }
    Ok(url.to_string())
}

fn host_of(endpoint: &str) -> String {
    reqwest::Url::parse(endpoint)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// The state of one run, kept across reconnects.
struct Reader {
    cursor: Option<i64>,
    seen: Recent<i64>,
    tombstones: Tombstones,
    hashtag: Option<String>,
    received: u64,
    stop_after: Option<u64>,
}

enum Outcome {
    /// Go on reading.
    Continue,
    /// The run is over (stop_after reached, receiver gone).
    Finished,
}

impl Reader {
    /// A frame that could not be decoded: counted as received and unreadable.
    async fn unreadable(
        &mut self,
        sender: &mpsc::Sender<LiveEvent>,
        metrics: &ConnectorMetrics,
    ) -> Outcome {
        self.received += 1;
        metrics.received();
        metrics.error();
        let event = LiveEvent::Unreadable {
            cursor: self.cursor.map(|cursor| cursor.to_string()),
        };
        if !send(sender, event).await {
            return Outcome::Finished;
        }
        if self.stop_after.is_some_and(|limit| self.received >= limit) {
            return Outcome::Finished;
        }
        Outcome::Continue
    }

    async fn frame(
        &mut self,
        bytes: &[u8],
        sender: &mpsc::Sender<LiveEvent>,
        metrics: &ConnectorMetrics,
    ) -> Outcome {
        self.received += 1;
        metrics.received();
        let time_us = serde_json::from_slice::<Envelope>(bytes)
            .ok()
            .and_then(|envelope| envelope.time_us);
        let event = match (time_us, jetstream_event(bytes)) {
            (Some(time_us), _) if !self.seen.insert(time_us) => {
                metrics.duplicate();
                None
            }
            (time_us, Ok(record)) => {
                if let Some(time_us) = time_us {
                    self.cursor = Some(self.cursor.map_or(time_us, |cursor| cursor.max(time_us)));
                }
                let source_time = time_us.and_then(DateTime::<Utc>::from_timestamp_micros);
                if let Some(time) = source_time {
                    metrics.set_lag_ms((Utc::now() - time).num_milliseconds().max(0));
                }
                let record = match (record, &self.hashtag) {
                    (Record::Post(post), Some(tag)) if !has_hashtag(&post.text, tag) => {
                        Record::Skip {
                            reason: "without the hashtag",
                        }
                    }
                    (record, _) => record,
                };
                metrics.forwarded();
                Some(LiveEvent::Record {
                    record: self.tombstones.admit(record),
                    cursor: self.cursor.map(|cursor| cursor.to_string()),
                    source_time,
                })
            }
            (time_us, Err(error)) => {
                metrics.error();
                tracing::debug!(reason = %error.reason, "unreadable Jetstream frame");
                if let Some(time_us) = time_us {
                    self.cursor = Some(self.cursor.map_or(time_us, |cursor| cursor.max(time_us)));
                }
                Some(LiveEvent::Unreadable {
                    cursor: self.cursor.map(|cursor| cursor.to_string()),
                })
            }
        };
        if let Some(event) = event {
            if !send(sender, event).await {
                return Outcome::Finished;
            }
        }
        if self.stop_after.is_some_and(|limit| self.received >= limit) {
            return Outcome::Finished;
        }
        Outcome::Continue
    }
}

/// Runs the Jetstream connector (see the module documentation).
pub async fn run(
    spec: &ConnectorSpec,
    cursor: Option<String>,
    sender: mpsc::Sender<LiveEvent>,
    metrics: Arc<ConnectorMetrics>,
    mut shutdown: Shutdown,
    options: RunOptions,
) -> Result<(), LiveError> {
    let mut reader = Reader {
        cursor: cursor.and_then(|text| text.trim().parse::<i64>().ok()),
        seen: Recent::new(200_000),
        tombstones: Tombstones::new(),
        hashtag: spec.hashtag.clone(),
        received: 0,
        stop_after: options.stop_after,
    };
    let mut decoder = load_dictionary(spec)?;
    let mut backoff = Backoff::new(options.backoff.0, options.backoff.1);
    let mut endpoint_index = 0usize;
    let mut first = true;
    loop {
        if shutdown.is_stopped() {
            return Ok(());
        }
        let Some(endpoint) = spec
            .endpoints
            .get(endpoint_index % spec.endpoints.len().max(1))
        else {
            return Err(LiveError::Fatal {
                connector: spec.name.clone(),
                reason: "no endpoint".to_string(),
            });
        };
        if !first {
            metrics.reconnect();
        }
        first = false;
        let url = subscribe_url(endpoint, reader.cursor, decoder.is_some()).map_err(|reason| {
            LiveError::Fatal {
                connector: spec.name.clone(),
                reason,
            }
        })?;
        let host = host_of(endpoint);
        let connected = tokio::select! {
            attempt = tokio::time::timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(url.as_str())) => Some(attempt),
            _ = shutdown.stopped() => None,
        };
        match connected {
            None => return Ok(()),
            Some(Ok(Ok((mut stream, _)))) => {
                tracing::info!(connector = spec.name.as_str(), host = host.as_str(), cursor = ?reader.cursor, "Jetstream connected");
                let mut healthy = false;
                loop {
                    let next = tokio::select! {
                        next = tokio::time::timeout(IDLE_TIMEOUT, stream.next()) => next,
                        _ = shutdown.stopped() => {
                            let _ = stream.close(None).await;
                            return Ok(());
                        }
                    };
                    let message = match next {
                        Err(_) => {
                            tracing::warn!(
                                connector = spec.name.as_str(),
                                host = host.as_str(),
                                "Jetstream silent, reconnecting"
                            );
                            break;
                        }
                        Ok(None) => break,
                        Ok(Some(Err(error))) => {
                            metrics.error();
                            tracing::warn!(connector = spec.name.as_str(), host = host.as_str(), error = %error, "Jetstream connection lost");
                            break;
                        }
                        Ok(Some(Ok(message))) => message,
                    };
                    let outcome = match message {
                        Message::Text(text) => {
                            if !healthy {
                                healthy = true;
                                backoff.reset();
                            }
                            reader.frame(text.as_bytes(), &sender, &metrics).await
                        }
                        Message::Binary(bytes) => {
                            let decoded =
                                decoder.as_mut().and_then(|decoder| decoder.decode(&bytes));
                            match decoded {
                                Some(frame) => {
                                    if !healthy {
                                        healthy = true;
                                        backoff.reset();
                                    }
                                    reader.frame(frame, &sender, &metrics).await
                                }
                                None => {
                                    tracing::debug!(
                                        connector = spec.name.as_str(),
                                        "undecodable compressed Jetstream frame"
                                    );
                                    reader.unreadable(&sender, &metrics).await
                                }
                            }
                        }
                        Message::Close(_) => break,
                        _ => Outcome::Continue,
                    };
                    if let Outcome::Finished = outcome {
                        let _ = stream.close(None).await;
                        return Ok(());
                    }
                }
            }
            Some(Ok(Err(error))) => {
                metrics.error();
                tracing::warn!(connector = spec.name.as_str(), host = host.as_str(), error = %error, "Jetstream connection failed");
            }
            Some(Err(_)) => {
                metrics.error();
                tracing::warn!(
                    connector = spec.name.as_str(),
                    host = host.as_str(),
                    "Jetstream connection timed out"
                );
            }
        }
        // Failover: the next attempt goes to the next host.
        endpoint_index = endpoint_index.wrapping_add(1);
        let delay = backoff.next_delay();
        tracing::debug!(
            connector = spec.name.as_str(),
            delay_ms = delay.as_millis() as u64,
            "reconnecting"
        );
        if !shutdown.sleep(delay).await {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subscribe_url_asks_for_posts_and_resumes() {
        let url = subscribe_url(
            "wss://jetstream.example/subscribe",
            Some(1_725_000_000_000_000),
            false,
        );
        assert_eq!(
            url.as_deref().ok(),
            Some("wss://jetstream.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725000000000000")
        );
        let compressed = subscribe_url("wss://jetstream.example/subscribe", None, true);
        assert_eq!(
            compressed.as_deref().ok(),
            Some("wss://jetstream.example/subscribe?wantedCollections=app.bsky.feed.post&compress=true")
        );
    }
}
