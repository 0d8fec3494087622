//! RSS, Atom and JSON Feed (news media, government bodies), parsed with `feed-rs`.
//!
//! * Conditional GET: the ETag and Last-Modified of the last answer are the cursor (saved with
//!   the batch), sent back as `If-None-Match` / `If-Modified-Since`; `304 Not Modified` costs the
//!   publisher nothing and yields nothing.
//! * Dedupe: entries already seen in this run (by entry id) are not forwarded again; an entry seen
//!   before a restart is a duplicate the store does not write twice.
//! * `429`/`503` wait for `Retry-After`; other failures back off with jitter. A feed larger than
//!   10 MiB is refused.
//! * An entry becomes a post with source `rss`: its title and summary (or content) as text, its
//!   publication (or update) time, the feed's language. The "author" is the feed itself (the
//!   publisher, an organisation): the entry's named authors (journalists) are not read at all.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use peil_connectors::{html_to_text, RawPost, Record, MAX_TEXT_BYTES};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::backoff::Backoff;
use crate::mastodon::requested_wait;
use crate::{
    send, ConnectorMetrics, ConnectorSpec, LiveError, LiveEvent, Recent, RunOptions, Shutdown,
};

/// The `source` of feed entries.
pub const RSS_SOURCE: &str = "rss";

/// The largest feed document that is read.
const MAX_FEED_BYTES: usize = 10 * 1024 * 1024;

/// The resume position of a feed: the validators of the last answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCursor {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl FeedCursor {
    fn parse(text: Option<&str>) -> FeedCursor {
        text.and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    }

    fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Turns a parsed feed into records (memory only).
pub fn feed_records(feed: &feed_rs::model::Feed, feed_url: &str) -> Vec<Record> {
    let mut records = Vec::with_capacity(feed.entries.len());
    for entry in &feed.entries {
        let title = entry
            .title
            .as_ref()
            .map(|text| plain(&text.content))
            .unwrap_or_default();
        let body = entry
            .summary
            .as_ref()
            .map(|text| plain(&text.content))
            .or_else(|| {
                entry
                    .content
                    .as_ref()
                    .and_then(|content| content.body.as_deref())
                    .map(plain)
            })
            .unwrap_or_default();
        let mut text = match (title.trim().is_empty(), body.trim().is_empty()) {
            (false, false) => format!("{}\n{}", title.trim(), body.trim()),
            (false, true) => title.trim().to_string(),
            (true, false) => body.trim().to_string(),
            (true, true) => String::new(),
        };
        if text.is_empty() {
            records.push(Record::Skip {
                reason: "empty text",
            });
            continue;
        }
        if text.len() > MAX_TEXT_BYTES {
            let mut end = MAX_TEXT_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        let created_at = entry
            .published
            .or(entry.updated)
            .or(feed.updated)
            .unwrap_or_else(Utc::now);
        records.push(Record::Post(RawPost {
            source: RSS_SOURCE.to_string(),
            source_id: if entry.id.is_empty() {
                entry
                    .links
                    .first()
                    .map(|link| link.href.clone())
                    .unwrap_or_else(|| format!("{feed_url}#{}", title.trim()))
            } else {
                entry.id.clone()
            },
            created_at,
            text,
            author_id: feed_url.to_string(),
            is_repost: false,
            language: entry.language.clone().or_else(|| feed.language.clone()),
            url: entry.links.first().map(|link| link.href.clone()),
            reply_to_author_id: None,
        }));
    }
    records
}

fn plain(content: &str) -> String {
    if content.contains('<') {
        html_to_text(content)
    } else {
        content.to_string()
    }
}

enum Poll {
    Done,
    Wait(Duration),
    Retry,
    Finished,
}

/// Runs the RSS connector (see the module documentation).
pub async fn run(
    spec: &ConnectorSpec,
    cursor: Option<String>,
    sender: mpsc::Sender<LiveEvent>,
    metrics: Arc<ConnectorMetrics>,
    mut shutdown: Shutdown,
    options: RunOptions,
) -> Result<(), LiveError> {
    let feed_url = spec
        .endpoints
        .first()
        .cloned()
        .ok_or_else(|| LiveError::Fatal {
            connector: spec.name.clone(),
            reason: "no endpoint".to_string(),
        })?;
    let client = crate::http_client(&spec.name, "feed reader", Some(Duration::from_secs(60)))?;
    let mut validators = FeedCursor::parse(cursor.as_deref());
    let mut seen: Recent<String> = Recent::new(50_000);
    let mut received = 0u64;
    let mut backoff = Backoff::new(options.backoff.0, options.backoff.1);
    loop {
        if shutdown.is_stopped() {
            return Ok(());
        }
        let poll = tokio::select! {
            poll = poll_once(&client, &feed_url, spec, &mut validators, &mut seen, &sender, &metrics, &mut received, options.stop_after) => poll,
            _ = shutdown.stopped() => return Ok(()),
        };
        let wait = match poll {
            Poll::Finished => return Ok(()),
            Poll::Done => {
                backoff.reset();
                spec.poll_interval()
            }
            Poll::Wait(wait) => wait,
            Poll::Retry => {
                metrics.reconnect();
                backoff.next_delay()
            }
        };
        if !shutdown.sleep(wait).await {
            return Ok(());
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn poll_once(
    client: &reqwest::Client,
    feed_url: &str,
    spec: &ConnectorSpec,
    validators: &mut FeedCursor,
    seen: &mut Recent<String>,
    sender: &mpsc::Sender<LiveEvent>,
    metrics: &ConnectorMetrics,
    received: &mut u64,
    stop_after: Option<u64>,
) -> Poll {
    let mut request = client.get(feed_url);
    if let Some(etag) = &validators.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(modified) = &validators.last_modified {
        request = request.header(IF_MODIFIED_SINCE, modified);
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            metrics.error();
            tracing::warn!(connector = spec.name.as_str(), error = %error.without_url(), "feed request failed");
            return Poll::Retry;
        }
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        tracing::debug!(connector = spec.name.as_str(), "feed not modified");
        return Poll::Done;
    }
    if let Some(wait) = requested_wait(status, response.headers()) {
        if !status.is_success() {
            metrics.throttled();
            return Poll::Wait(wait);
        }
    }
    if !status.is_success() {
        metrics.error();
        tracing::warn!(
            connector = spec.name.as_str(),
            status = status.as_u16(),
            "feed answered an error"
        );
        return Poll::Retry;
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
            .map(str::to_string)
    };
    let next_validators = FeedCursor {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let mut body: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_FEED_BYTES {
                    metrics.error();
                    tracing::warn!(
                        connector = spec.name.as_str(),
                        "feed larger than 10 MiB, refused"
                    );
                    return Poll::Retry;
                }
            }
            Ok(None) => break,
            Err(error) => {
                metrics.error();
                tracing::warn!(connector = spec.name.as_str(), error = %error.without_url(), "feed download failed");
                return Poll::Retry;
            }
        }
    }
    let feed = match feed_rs::parser::parse(body.as_slice()) {
        Ok(feed) => feed,
        Err(_) => {
            metrics.received();
            metrics.error();
            *received += 1;
            tracing::warn!(connector = spec.name.as_str(), "feed could not be parsed");
            let event = LiveEvent::Unreadable { cursor: None };
            if !send(sender, event).await {
                return Poll::Finished;
            }
            return Poll::Retry;
        }
    };
    *validators = next_validators;
    let cursor = validators.encode();
    for record in feed_records(&feed, feed_url) {
        *received += 1;
        metrics.received();
        if let Record::Post(post) = &record {
            if !seen.insert(post.source_id.clone()) {
                metrics.duplicate();
                continue;
            }
        }
        metrics.forwarded();
        // The new validators are saved only after the whole feed (the `Cursor` event below): a
        // crash halfway asks for the full feed again instead of getting a 304 for the rest.
        let event = LiveEvent::Record {
            record,
            cursor: None,
            source_time: None,
        };
        if !send(sender, event).await || stop_after.is_some_and(|limit| *received >= limit) {
            return Poll::Finished;
        }
    }
    if !send(sender, LiveEvent::Cursor(cursor)).await {
        return Poll::Finished;
    }
    Poll::Done
}
