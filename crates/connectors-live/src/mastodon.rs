//! Mastodon: an instance's public or hashtag timeline.
//!
//! * REST: `GET /api/v1/timelines/tag/:tag` or `/api/v1/timelines/public[?local=true]` with
//!   `min_id=<cursor>`: the page of statuses just after the cursor. While a page is full the next
//!   one follows at once (the `rel="prev"` Link, on the same host only); an empty page ends the
//!   round and the next poll comes after `poll_seconds`. The cursor is the highest status id seen.
//! * Politeness: `429` and `503` wait for `Retry-After` (seconds or an HTTP date, at most 15
//!   minutes); `X-RateLimit-Remaining: 0` waits until `X-RateLimit-Reset`. Other failures back
//!   off with jitter.
//! * Streaming (optional): after catching up over REST, `GET /api/v1/streaming/hashtag?tag=…` or
//!   `/streaming/public[/local]` (server-sent events): `update` and `status.update` carry statuses,
//!   `delete` carries the id of a deleted status, which the pipeline then removes. When the stream
//!   fails the connector polls over REST and tries the stream again later.
//! * A token (only for instances that require one) must be an app token: at the start the
//!   connector asks `GET /api/v1/accounts/verify_credentials` with it, and refuses to run if the
//!   token belongs to a user (a logged-in session). 401/403 without a token is a fatal refusal
//!   with an explanation.
//!
//! A deletion names a status id; Peil stores statuses under their `uri`, so the connector keeps
//! the id → uri of statuses it saw in this run (memory only, bounded). A deletion of a status
//! seen only before a restart is not applied live; retention removes it in time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use peil_connectors::{mastodon_status_value, Record, MASTODON_SOURCE};
use reqwest::header::{HeaderMap, AUTHORIZATION, LINK, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::backoff::Backoff;
use crate::{
    send, ConnectorMetrics, ConnectorSpec, LiveError, LiveEvent, MastodonTimeline, Recent,
    RunOptions, Shutdown, Tombstones,
};

/// Statuses per page (the API's maximum).
const PAGE_LIMIT: u32 = 40;
/// The longest wait Peil accepts from `Retry-After` or a rate-limit reset.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// How long one streaming connection may stay silent (instances send a heartbeat every ~10 s).
const STREAM_IDLE: Duration = Duration::from_secs(90);

/// Compares Mastodon ids (decimal strings, snowflake-like): longer is larger.
pub fn id_greater(left: &str, right: &str) -> bool {
    (left.len(), left) > (right.len(), right)
}

/// The `rel="prev"` (or other `rel`) URL of a Link header.
pub fn link_url(headers: &HeaderMap, rel: &str) -> Option<String> {
    let wanted = format!("rel=\"{rel}\"");
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find(|part| part.contains(&wanted))
        .and_then(|part| {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            part.get(start..end).map(str::to_string)
        })
}

/// How long a response asks Peil to wait: `Retry-After` (seconds or HTTP date) or, with no
/// requests left, until `X-RateLimit-Reset`.
pub fn requested_wait(status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
    let now = Utc::now();
    let until = |time: DateTime<Utc>| Some((time - now).to_std().unwrap_or(Duration::ZERO));
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok());
        let wait = match retry_after {
            Some(text) => match text.trim().parse::<u64>() {
                Ok(seconds) => Some(Duration::from_secs(seconds)),
                Err(_) => DateTime::parse_from_rfc2822(text.trim())
                    .ok()
                    .and_then(|time| until(time.with_timezone(&Utc))),
            },
            None => None,
        };
        return Some(wait.unwrap_or(Duration::from_secs(60)).min(LONGEST_WAIT));
    }
    let remaining = headers
        .get("x-ratelimit-remaining")
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    if remaining == Some(0) {
        let reset = headers
            .get("x-ratelimit-reset")
            .and_then(|value| value.to_str().ok())
            .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
            .and_then(|time| until(time.with_timezone(&Utc)));
        return Some(reset.unwrap_or(Duration::from_secs(60)).min(LONGEST_WAIT));
    }
    None
}

struct Mastodon<'run> {
    spec: &'run ConnectorSpec,
    client: reqwest::Client,
    base: reqwest::Url,
    token: Option<String>,
    cursor: Option<String>,
    uris: HashMap<String, String>,
    uri_order: std::collections::VecDeque<String>,
    seen: Recent<String>,
    tombstones: Tombstones,
    sender: mpsc::Sender<LiveEvent>,
    metrics: Arc<ConnectorMetrics>,
    received: u64,
    stop_after: Option<u64>,
}

/// What a step of the run asks for next.
enum Next {
    /// The round is done: poll (or stream) next.
    Continue,
    /// The source asked to wait this long.
    Wait(Duration),
    /// A failure: retry after a backoff delay.
    Retry,
    Finished,
}

impl Mastodon<'_> {
    fn timeline_url(&self) -> Result<reqwest::Url, LiveError> {
        let path = match &self.spec.hashtag {
            Some(tag) => format!("api/v1/timelines/tag/{}", tag.trim_start_matches('#')),
            None => "api/v1/timelines/public".to_string(),
        };
        let mut url = self
            .base
            .join(&path)
            .map_err(|_| self.fatal("bad base URL"))?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("limit", &PAGE_LIMIT.to_string());
            if self.spec.hashtag.is_none() && self.spec.timeline == Some(MastodonTimeline::Local) {
                pairs.append_pair("local", "true");
            }
            if let Some(cursor) = &self.cursor {
                pairs.append_pair("min_id", cursor);
            }
        }
        Ok(url)
    }

    fn streaming_url(&self) -> Result<reqwest::Url, LiveError> {
        let (path, tag) = match (&self.spec.hashtag, self.spec.timeline) {
            (Some(tag), _) => (
                "api/v1/streaming/hashtag",
                Some(tag.trim_start_matches('#')),
            ),
            (None, Some(MastodonTimeline::Local)) => ("api/v1/streaming/public/local", None),
            (None, _) => ("api/v1/streaming/public", None),
        };
        let mut url = self
            .base
            .join(path)
            .map_err(|_| self.fatal("bad base URL"))?;
        if let Some(tag) = tag {
            url.query_pairs_mut().append_pair("tag", tag);
        }
        Ok(url)
    }

    fn fatal(&self, reason: &str) -> LiveError {
        LiveError::Fatal {
            connector: self.spec.name.clone(),
            reason: reason.to_string(),
        }
    }

    fn request(&self, url: reqwest::Url) -> reqwest::RequestBuilder {
        let request = self.client.get(url);
        match &self.token {
            Some(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
            None => request,
        }
    }

    fn same_host(&self, url: &str) -> Option<reqwest::Url> {
        let parsed = reqwest::Url::parse(url).ok()?;
        (parsed.scheme() == self.base.scheme()
            && parsed.host_str() == self.base.host_str()
            && parsed.port_or_known_default() == self.base.port_or_known_default())
        .then_some(parsed)
    }

    /// Refuses a token that belongs to a user.
    async fn check_token(&self) -> Result<(), LiveError> {
        if self.token.is_none() {
            return Ok(());
        }
        let url = self
            .base
            .join("api/v1/accounts/verify_credentials")
            .map_err(|_| self.fatal("bad base URL"))?;
        match self.request(url).send().await {
            Ok(response) if response.status().is_success() => Err(self.fatal(
                "the configured token belongs to a user account (a logged-in session); Peil only \
                 uses an app token (client credentials) / het token hoort bij een gebruiker",
            )),
            _ => Ok(()),
        }
    }

    async fn forward(
        &mut self,
        record: Record,
        status_id: Option<&str>,
        time: Option<DateTime<Utc>>,
    ) -> bool {
        let record = self.tombstones.admit(record);
        if let Some(time) = time {
            self.metrics
                .set_lag_ms((Utc::now() - time).num_milliseconds().max(0));
        }
        if let Some(id) = status_id {
            if self
                .cursor
                .as_deref()
                .is_none_or(|cursor| id_greater(id, cursor))
            {
                self.cursor = Some(id.to_string());
            }
        }
        self.metrics.forwarded();
        send(
            &self.sender,
            LiveEvent::Record {
                record,
                cursor: self.cursor.clone(),
                source_time: time,
            },
        )
        .await
    }

    fn remember_uri(&mut self, id: &str, uri: &str) {
        if self.uris.insert(id.to_string(), uri.to_string()).is_none() {
            self.uri_order.push_back(id.to_string());
            if self.uri_order.len() > 100_000 {
                if let Some(oldest) = self.uri_order.pop_front() {
                    self.uris.remove(&oldest);
                }
            }
        }
    }

    /// One status (REST page element or streaming update). `false`: the run is over.
    async fn status(&mut self, status: &Value, edited: bool) -> bool {
        self.received += 1;
        self.metrics.received();
        let id = status.get("id").and_then(Value::as_str).map(str::to_string);
        let version = status
            .get("edited_at")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key = format!("{}|{}", id.as_deref().unwrap_or_default(), version);
        if id.is_some() && !edited && !self.seen.insert(key) {
            self.metrics.duplicate();
            return !self.limit_reached();
        }
        let time = status
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .map(|time| time.with_timezone(&Utc));
        let open = match mastodon_status_value(status) {
            Ok(record) => {
                if let (Some(id), Record::Post(post)) = (&id, &record) {
                    let uri = post.source_id.clone();
                    self.remember_uri(id, &uri);
                }
                self.forward(record, id.as_deref(), time).await
            }
            Err(error) => {
                self.metrics.error();
                tracing::debug!(connector = self.spec.name.as_str(), reason = %error.reason, "unreadable status");
                send(
                    &self.sender,
                    LiveEvent::Unreadable {
                        cursor: self.cursor.clone(),
                    },
                )
                .await
            }
        };
        open && !self.limit_reached()
    }

    fn limit_reached(&self) -> bool {
        self.stop_after.is_some_and(|limit| self.received >= limit)
    }

    /// Fetches pages after the cursor until an empty one.
    async fn catch_up(&mut self) -> Result<Next, LiveError> {
        let mut url = self.timeline_url()?;
        loop {
            let response = match self.request(url.clone()).send().await {
                Ok(response) => response,
                Err(error) => {
                    self.metrics.error();
                    tracing::warn!(connector = self.spec.name.as_str(), host = self.base.host_str().unwrap_or("?"), error = %without_url(error), "Mastodon request failed");
                    return Ok(Next::Retry);
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            if let Some(wait) = requested_wait(status, &headers) {
                if !status.is_success() {
                    self.metrics.throttled();
                    tracing::info!(
                        connector = self.spec.name.as_str(),
                        status = status.as_u16(),
                        wait_s = wait.as_secs(),
                        "Mastodon asks to wait"
                    );
                    return Ok(Next::Wait(wait));
                }
            }
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                return Err(self.fatal(
                    "the instance requires authorisation for this timeline; configure an app \
                     token (token_env, token_kind = \"app\") or choose an instance that serves \
                     it publicly",
                ));
            }
            if !status.is_success() {
                self.metrics.error();
                tracing::warn!(
                    connector = self.spec.name.as_str(),
                    status = status.as_u16(),
                    "Mastodon answered an error"
                );
                return Ok(Next::Retry);
            }
            let page: Value = match response
                .bytes()
                .await
                .ok()
                .and_then(|body| serde_json::from_slice(&body).ok())
            {
                Some(page) => page,
                None => {
                    self.metrics.error();
                    tracing::warn!(
                        connector = self.spec.name.as_str(),
                        "Mastodon page is not JSON"
                    );
                    return Ok(Next::Retry);
                }
            };
            let Some(statuses) = page.as_array() else {
                self.metrics.error();
                return Ok(Next::Retry);
            };
            if statuses.is_empty() {
                return Ok(Next::Continue);
            }
            // Pages come newest first; the cursor moves up, so take them oldest first.
            let mut ordered: Vec<&Value> = statuses.iter().collect();
            ordered.sort_by(|left, right| {
                let left = left.get("id").and_then(Value::as_str).unwrap_or_default();
                let right = right.get("id").and_then(Value::as_str).unwrap_or_default();
                (left.len(), left).cmp(&(right.len(), right))
            });
            for status in ordered {
                if !self.status(status, false).await {
                    return Ok(Next::Finished);
                }
            }
            if let Some(wait) = requested_wait(status, &headers) {
                self.metrics.throttled();
                return Ok(Next::Wait(wait));
            }
            url = match link_url(&headers, "prev").and_then(|link| self.same_host(&link)) {
                Some(next) => next,
                None => self.timeline_url()?,
            };
        }
    }

    /// Reads the streaming API until it ends. `Ok(true)`: go on (poll, then stream again).
    async fn stream(&mut self, shutdown: &mut Shutdown) -> Result<bool, LiveError> {
        let url = self.streaming_url()?;
        let response = match self.request(url).send().await {
            Ok(response) if response.status().is_success() => response,
            Ok(response) => {
                tracing::info!(
                    connector = self.spec.name.as_str(),
                    status = response.status().as_u16(),
                    "Mastodon streaming not available; polling"
                );
                return Ok(true);
            }
            Err(error) => {
                self.metrics.error();
                tracing::info!(connector = self.spec.name.as_str(), error = %without_url(error), "Mastodon streaming failed; polling");
                return Ok(true);
            }
        };
        let mut response = response;
        let mut buffer: Vec<u8> = Vec::new();
        loop {
            let chunk = tokio::select! {
                chunk = tokio::time::timeout(STREAM_IDLE, response.chunk()) => chunk,
                _ = shutdown.stopped() => return Ok(false),
            };
            let bytes = match chunk {
                Ok(Ok(Some(bytes))) => bytes,
                Ok(Ok(None)) | Err(_) => return Ok(true),
                Ok(Err(_)) => {
                    self.metrics.error();
                    return Ok(true);
                }
            };
            buffer.extend_from_slice(&bytes);
            if buffer.len() > 4 * 1024 * 1024 {
                self.metrics.error();
                return Ok(true);
            }
            while let Some(end) = frame_end(&buffer) {
                let frame: Vec<u8> = buffer.drain(..end.1).collect();
                let Some((event, data)) = parse_frame(&frame[..end.0]) else {
                    continue;
                };
                if !self.stream_event(&event, &data).await {
                    return Ok(false);
                }
            }
        }
    }

    async fn stream_event(&mut self, event: &str, data: &str) -> bool {
        match event {
            "update" | "status.update" => match serde_json::from_str::<Value>(data) {
                Ok(status) => self.status(&status, event == "status.update").await,
                Err(_) => {
                    self.received += 1;
                    self.metrics.received();
                    self.metrics.error();
                    send(
                        &self.sender,
                        LiveEvent::Unreadable {
                            cursor: self.cursor.clone(),
                        },
                    )
                    .await
                        && !self.limit_reached()
                }
            },
            "delete" => {
                self.received += 1;
                self.metrics.received();
                let id = data.trim().trim_matches('"');
                let record = match self.uris.get(id) {
                    Some(uri) => Record::Delete {
                        source: MASTODON_SOURCE.to_string(),
                        source_id: uri.clone(),
                    },
                    None => Record::Skip {
                        reason: "deletion of a status not seen in this run",
                    },
                };
                self.forward(record, None, None).await && !self.limit_reached()
            }
            _ => true,
        }
    }
}

/// The end of the first complete SSE frame: (content length, length including the blank line).
fn frame_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer
        .windows(2)
        .position(|window| window == b"\n\n")
        .map(|at| (at, at + 2));
    let crlf = buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| (at, at + 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Parses one SSE frame into (event, data); comments (heartbeats) give `None`.
pub fn parse_frame(frame: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(frame).ok()?;
    let mut event = String::from("message");
    let mut data: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            event = value.trim().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value));
        }
    }
    (!data.is_empty()).then(|| (event, data.join("\n")))
}

/// A reqwest error without its URL (which could name a hashtag or a token-bearing query).
fn without_url(error: reqwest::Error) -> reqwest::Error {
    error.without_url()
}

/// Runs the Mastodon connector (see the module documentation).
pub async fn run(
    spec: &ConnectorSpec,
    cursor: Option<String>,
    sender: mpsc::Sender<LiveEvent>,
    metrics: Arc<ConnectorMetrics>,
    mut shutdown: Shutdown,
    options: RunOptions,
) -> Result<(), LiveError> {
    let endpoint = spec.endpoints.first().ok_or_else(|| LiveError::Fatal {
        connector: spec.name.clone(),
        reason: "no endpoint".to_string(),
    })?;
    let mut base = reqwest::Url::parse(endpoint).map_err(|_| LiveError::Fatal {
        connector: spec.name.clone(),
        reason: "the endpoint is not a valid URL".to_string(),
    })?;
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    let token = match &spec.token_env {
        Some(variable) => Some(std::env::var(variable).map_err(|_| LiveError::Fatal {
            connector: spec.name.clone(),
            reason: format!("the environment variable `{variable}` (app token) is not set"),
        })?),
        None => None,
    };
    let client = crate::http_client(&spec.name, "public timelines", None)?;
    let mut connector = Mastodon {
        spec,
        client,
        base,
        token,
        cursor,
        uris: HashMap::new(),
        uri_order: std::collections::VecDeque::new(),
        seen: Recent::new(100_000),
        tombstones: Tombstones::new(),
        sender,
        metrics,
        received: 0,
        stop_after: options.stop_after,
    };
    connector.check_token().await?;
    let mut backoff = Backoff::new(options.backoff.0, options.backoff.1);
    loop {
        if shutdown.is_stopped() {
            return Ok(());
        }
        let step = tokio::select! {
            step = connector.catch_up() => step?,
            _ = shutdown.stopped() => return Ok(()),
        };
        let wait = match step {
            Next::Finished => return Ok(()),
            Next::Retry => {
                connector.metrics.reconnect();
                backoff.next_delay()
            }
            Next::Wait(wait) => wait,
            Next::Continue => {
                backoff.reset();
                if spec.streaming {
                    if !connector.stream(&mut shutdown).await? {
                        return Ok(());
                    }
                    connector.metrics.reconnect();
                    backoff.next_delay()
                } else {
                    spec.poll_interval()
                }
            }
        };
        if !shutdown.sleep(wait).await {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn ids_compare_as_numbers() {
        assert!(id_greater("117020582251615632", "99"));
        assert!(id_greater("117020582251615633", "117020582251615632"));
        assert!(!id_greater("1", "1"));
    }

    #[test]
    fn reads_links_waits_and_frames() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<http://localhost:3000/api/v1/timelines/tag/t?limit=10&max_id=1>; rel=\"next\", <http://localhost:3000/api/v1/timelines/tag/t?limit=10&min_id=2>; rel=\"prev\"",
            ),
        );
        assert_eq!(
            link_url(&headers, "prev").as_deref(),
            Some("http://localhost:3000/api/v1/timelines/tag/t?limit=10&min_id=2")
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(
            requested_wait(StatusCode::TOO_MANY_REQUESTS, &headers),
            Some(Duration::from_secs(3))
        );
        assert_eq!(requested_wait(StatusCode::OK, &headers), None);
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert(
            "x-ratelimit-reset",
            HeaderValue::from_static("2000-01-01T00:00:00Z"),
        );
        assert_eq!(
            requested_wait(StatusCode::OK, &headers),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_frame(b"event: delete\ndata: 123"),
            Some(("delete".to_string(), "123".to_string()))
        );
        assert_eq!(parse_frame(b":)"), None);
        assert_eq!(frame_end(b"a\n\nb"), Some((1, 3)));
    }
}
