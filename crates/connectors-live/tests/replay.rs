//! Replay tests: loopback servers serve the recorded real payloads of `../shared/fixtures`
//! (Jetstream v1 frames, Mastodon 4.6 timeline pages, feed-rs's RSS fixtures) with injected
//! faults, the live connectors read them, and the service runs them through the pipeline. The
//! assertions are on what ends up stored (counts from the store) and on the cursors asked for;
//! nothing of the content is printed.
//!
//! Under `CI=true` a missing fixtures directory fails; elsewhere the tests skip with a notice.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, Response, StatusCode};
use peil_connectors_live::replay::{serve_jetstream, serve_jetstream_compressed, Faults};
use peil_connectors_live::{
    next_batch_or_idle, run, shutdown_pair, BatchWait, ConnectorKind, ConnectorMetrics,
    ConnectorSpec, MetricsSnapshot, RunOptions,
};
use peil_model::{Purpose, WorkspaceDraft, WorkspaceStatus};
use peil_service::{Actor, ImportScope, Service, ServiceError, WatchBatch};
use tokio::sync::mpsc;

fn fixtures() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if path.is_dir() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("fixtures directory missing: {}", path.display());
    }
    eprintln!("notice: {} not found; replay test skipped", path.display());
    None
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

fn read(path: &Path) -> String {
    ok(std::fs::read_to_string(path))
}

/// A store with one active workspace whose monitor is `query`.
fn service_with_monitor(directory: &Path, query: &str) -> Service {
    let mut service = ok(Service::open(directory, None, "test"));
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Test", "test"));
    let draft = WorkspaceDraft {
        name: "live".to_string(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "trends in openbare berichten".to_string(),
        legal_basis: "AVG art. 6(1)(e)".to_string(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: Vec::new(),
        own_accounts: Vec::new(),
        fg_contact: Some("fg@gemeente.example".to_string()),
        ends_at: None,
    };
    ok(service.create_workspace(&operator, "Gemeente Test", &draft, "test"));
    ok(service.set_workspace_status(&operator, "live", None, WorkspaceStatus::Approved, "ok"));
    ok(service.set_workspace_status(&operator, "live", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(&operator, "live", None, query, "replay test"));
    service
}

fn stored(service: &mut Service) -> u64 {
    ok(service.check_store(&Actor::LocalOperator)).posts_in_database
}

/// What a watch run left behind.
#[derive(Debug)]
struct Watched {
    metrics: MetricsSnapshot,
    deletes: u64,
    rejected: u64,
}

/// Runs `spec` through the service like `peil watch` until the connector ends or `stop` says so.
async fn watch(
    service: &mut Service,
    spec: ConnectorSpec,
    stop_after: Option<u64>,
    stop: impl Fn(&MetricsSnapshot, Option<&str>) -> bool,
) -> Watched {
    let actor = Actor::LocalOperator;
    let (mut session, cursor) = ok(service.start_watch(
        &actor,
        &ImportScope::Installation,
        &spec.name,
        spec.kind.name(),
    ));
    let (sender, mut receiver) = mpsc::channel(1024);
    let metrics = Arc::new(ConnectorMetrics::default());
    let (trigger, shutdown) = shutdown_pair();
    let options = RunOptions {
        stop_after,
        backoff: (Duration::from_millis(20), Duration::from_millis(200)),
    };
    let task = tokio::spawn(run(
        spec,
        cursor,
        sender,
        Arc::clone(&metrics),
        shutdown,
        options,
    ));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut last_cursor: Option<String> = None;
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "watch did not end in time"
        );
        // Wakes up every 200 ms without events (to ask `stop`), never while a batch is being
        // collected: a timeout around `next_batch` would drop the events it already took.
        match next_batch_or_idle(
            &mut receiver,
            100,
            Duration::from_millis(20),
            Duration::from_millis(200),
        )
        .await
        {
            BatchWait::Batch(batch) => {
                if batch.cursor.is_some() {
                    last_cursor.clone_from(&batch.cursor);
                }
                let lag_ms = batch.lag_ms();
                ok(service.watch_batch(
                    &mut session,
                    WatchBatch {
                        records: batch.records,
                        errors: batch.errors,
                        cursor: batch.cursor,
                        lag_ms,
                    },
                ));
            }
            BatchWait::Closed => break,
            BatchWait::Idle => {}
        }
        if stop(&metrics.snapshot(), last_cursor.as_deref()) {
            trigger.stop();
        }
    }
    let outcome: Result<(), peil_connectors_live::LiveError> = ok(task.await);
    ok(outcome);
    let totals = ok::<_, ServiceError>(service.finish_watch(&actor, session));
    Watched {
        metrics: metrics.snapshot(),
        deletes: totals.deletes,
        rejected: totals.rejected,
    }
}

fn jetstream_spec(endpoints: Vec<String>) -> ConnectorSpec {
    ConnectorSpec {
        name: "bluesky".to_string(),
        kind: ConnectorKind::Jetstream,
        endpoints,
        ..ConnectorSpec::default()
    }
}

/// The recorded Jetstream frames in `time_us` order (as a Jetstream serves them).
fn jetstream_frames(fixtures: &Path) -> Vec<String> {
    let text = read(&fixtures.join("bluesky/jetstream_v1_real/corpus_expected_v1.jsonl"));
    let mut frames: Vec<(i64, String)> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let time_us = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|value| value.get("time_us").and_then(serde_json::Value::as_i64))
                .unwrap_or(0);
            (time_us, line.to_string())
        })
        .collect();
    frames.sort_by_key(|(time_us, _)| *time_us);
    frames.into_iter().map(|(_, frame)| frame).collect()
}

fn last_time_us(frames: &[String]) -> i64 {
    frames
        .iter()
        .filter_map(|frame| serde_json::from_str::<serde_json::Value>(frame).ok())
        .filter_map(|value| value.get("time_us").and_then(serde_json::Value::as_i64))
        .max()
        .unwrap_or(0)
}

/// Delete frames for every post create of `frames`, after the last of them.
fn delete_frames(frames: &[String]) -> Vec<String> {
    let mut time_us = last_time_us(frames);
    frames
        .iter()
        .filter_map(|frame| serde_json::from_str::<serde_json::Value>(frame).ok())
        .filter(|value| {
            value.pointer("/commit/collection").and_then(|v| v.as_str())
                == Some("app.bsky.feed.post")
                && value.pointer("/commit/operation").and_then(|v| v.as_str()) == Some("create")
        })
        .map(|value| {
            time_us += 1;
            serde_json::json!({
                "did": value.get("did"),
                "time_us": time_us,
                "kind": "commit",
                "commit": {
                    "rev": "3lzzzzzzzzzzz",
                    "operation": "delete",
                    "collection": "app.bsky.feed.post",
                    "rkey": value.pointer("/commit/rkey"),
                }
            })
            .to_string()
        })
        .collect()
}

const BLUESKY_MONITOR: &str =
    "government OR band OR show OR video OR speech OR election OR country OR people";

fn reached(target: i64) -> impl Fn(&MetricsSnapshot, Option<&str>) -> bool {
    move |_, cursor| {
        cursor
            .and_then(|cursor| cursor.parse::<i64>().ok())
            .is_some_and(|cursor| cursor >= target)
    }
}

#[tokio::test]
async fn jetstream_survives_faults_and_restarts_without_gap_or_duplicate() {
    let Some(fixtures) = fixtures() else { return };
    let frames = jetstream_frames(&fixtures);
    let target = last_time_us(&frames);

    // Reference: the whole recording, no faults.
    let clean_directory = ok(tempfile::tempdir());
    let mut clean = service_with_monitor(clean_directory.path(), BLUESKY_MONITOR);
    let server = ok(serve_jetstream(frames.clone(), Faults::default()).await);
    let reference = watch(
        &mut clean,
        jetstream_spec(vec![server.endpoint()]),
        None,
        reached(target),
    )
    .await;
    let expected = stored(&mut clean);
    assert!(
        expected >= 3,
        "the monitor should match some recorded posts, got {expected}"
    );
    assert_eq!(reference.metrics.received, frames.len() as u64);
    assert_eq!(reference.rejected, 0);

    // The same recording with faults, stopped halfway and restarted from the saved cursor.
    let directory = ok(tempfile::tempdir());
    let mut service = service_with_monitor(directory.path(), BLUESKY_MONITOR);
    let faulty = ok(serve_jetstream(
        frames.clone(),
        Faults {
            malformed_before: Some(10),
            duplicate: Some(20),
            swap_with_next: Some(30),
            disconnect_after: Some(60),
        },
    )
    .await);
    // The first endpoint refuses connections: the connector fails over to the second.
    let dead = ok(std::net::TcpListener::bind("127.0.0.1:0"));
    let dead_endpoint = format!("ws://{}/subscribe", ok(dead.local_addr()));
    drop(dead);
    let first = watch(
        &mut service,
        jetstream_spec(vec![dead_endpoint, faulty.endpoint()]),
        Some(100),
        |_, _| false,
    )
    .await;
    assert_eq!(first.rejected, 1, "one malformed frame");
    assert!(
        first.metrics.duplicates >= 2,
        "the duplicate and the replayed cursor frame"
    );
    assert!(first.metrics.reconnects >= 2, "failover and the disconnect");
    let requests = faulty.requests();
    assert!(requests.len() >= 2);
    assert!(!requests[0].contains("cursor="), "{:?}", requests[0]);
    assert!(
        requests[1].contains("cursor="),
        "resumes after the disconnect"
    );

    let saved = ok(service.connector_states(&Actor::LocalOperator));
    let cursor = saved.first().and_then(|state| state.cursor.clone());
    assert!(cursor.is_some());
    let restarted_server = ok(serve_jetstream(frames.clone(), Faults::default()).await);
    watch(
        &mut service,
        jetstream_spec(vec![restarted_server.endpoint()]),
        None,
        reached(target),
    )
    .await;
    let resumed = restarted_server.requests();
    assert_eq!(
        resumed
            .first()
            .map(|query| query.contains(&format!("cursor={}", cursor.unwrap_or_default()))),
        Some(true),
        "a restart resumes from the saved cursor"
    );
    assert_eq!(stored(&mut service), expected, "no gap, no duplicate");

    let states = ok(service.connector_states(&Actor::LocalOperator));
    let state = &states[0];
    assert_eq!(state.name, "bluesky");
    assert_eq!(state.errors, 1);
    assert_eq!(state.matched, expected);
    assert!(state.lag_ms.is_some());
}

#[tokio::test]
async fn jetstream_deletes_remove_stored_posts_even_out_of_order() {
    let Some(fixtures) = fixtures() else { return };
    let frames = jetstream_frames(&fixtures);
    let deletes = delete_frames(&frames);
    assert!(deletes.len() >= 10);

    let directory = ok(tempfile::tempdir());
    let mut service = service_with_monitor(directory.path(), BLUESKY_MONITOR);
    let mut all = frames.clone();
    all.extend(deletes.iter().cloned());
    let server = ok(serve_jetstream(all.clone(), Faults::default()).await);
    let watched = watch(
        &mut service,
        jetstream_spec(vec![server.endpoint()]),
        None,
        reached(last_time_us(&all)),
    )
    .await;
    assert!(
        watched.deletes >= 3,
        "stored posts were deleted: {}",
        watched.deletes
    );
    assert_eq!(
        stored(&mut service),
        0,
        "a deleted post is deleted in Peil too"
    );

    // Deletions that arrive before their creates (out of order): nothing is stored.
    let early_directory = ok(tempfile::tempdir());
    let mut early = service_with_monitor(early_directory.path(), BLUESKY_MONITOR);
    let mut reversed = deletes.clone();
    let offset = last_time_us(&deletes);
    reversed.extend(frames.iter().enumerate().filter_map(|(index, frame)| {
        let mut value: serde_json::Value = serde_json::from_str(frame).ok()?;
        value["time_us"] = serde_json::Value::from(offset + index as i64 + 1);
        Some(value.to_string())
    }));
    let server = ok(serve_jetstream(reversed.clone(), Faults::default()).await);
    let target = last_time_us(&reversed);
    watch(
        &mut early,
        jetstream_spec(vec![server.endpoint()]),
        None,
        reached(target),
    )
    .await;
    assert_eq!(stored(&mut early), 0);
}

/// A zstd dictionary for the recorded frames: trained from them (`dict::from_samples`), or, when
/// training on so few samples fails, raw content (recorded frames), which zstd loads as a
/// dictionary too. Returns the dictionary and whether it was trained.
fn dictionary_for(frames: &[String]) -> (Vec<u8>, bool) {
    let samples: Vec<&[u8]> = frames.iter().map(|frame| frame.as_bytes()).collect();
    match zstd::dict::from_samples(&samples, 8 * 1024) {
        Ok(dictionary) => (dictionary, true),
        Err(_) => (
            frames
                .iter()
                .take(24)
                .flat_map(|frame| frame.bytes())
                .collect(),
            false,
        ),
    }
}

#[tokio::test]
async fn jetstream_compressed_frames_with_the_dictionary_store_the_same_posts_as_plain_ones() {
    let Some(fixtures) = fixtures() else { return };
    let frames = jetstream_frames(&fixtures);
    let target = last_time_us(&frames);

    // Plain text, the reference.
    let plain_directory = ok(tempfile::tempdir());
    let mut plain = service_with_monitor(plain_directory.path(), BLUESKY_MONITOR);
    let server = ok(serve_jetstream(frames.clone(), Faults::default()).await);
    watch(
        &mut plain,
        jetstream_spec(vec![server.endpoint()]),
        None,
        reached(target),
    )
    .await;
    let expected = stored(&mut plain);
    let expected_matched = ok(plain.connector_states(&Actor::LocalOperator))
        .first()
        .map(|state| state.matched);
    assert!(expected >= 3, "{expected}");

    // Compressed with a dictionary, plus one binary frame that is not zstd.
    let (dictionary, trained) = dictionary_for(&frames);
    let mut compressor = ok(zstd::bulk::Compressor::with_dictionary(3, &dictionary));
    let plain_bytes: usize = frames.iter().map(String::len).sum();
    let compressed_bytes: usize = frames
        .iter()
        .map(|frame| ok(compressor.compress(frame.as_bytes())).len())
        .sum();
    eprintln!(
        "zstd dictionary: {} bytes, trained: {trained}; {} frames: {plain_bytes} bytes plain, \
         {compressed_bytes} compressed",
        dictionary.len(),
        frames.len()
    );
    let directory = ok(tempfile::tempdir());
    let dictionary_path = directory.path().join("zstd_dictionary");
    ok(std::fs::write(&dictionary_path, &dictionary));
    let mut service = service_with_monitor(&directory.path().join("data"), BLUESKY_MONITOR);
    let compressed_server = ok(serve_jetstream_compressed(
        frames.clone(),
        Faults {
            malformed_before: Some(5),
            ..Faults::default()
        },
        dictionary.clone(),
    )
    .await);
    let mut spec = jetstream_spec(vec![compressed_server.endpoint()]);
    spec.zstd_dictionary = Some(dictionary_path.clone());
    let compressed = watch(&mut service, spec, None, reached(target)).await;
    let requests = compressed_server.requests();
    assert!(
        requests
            .first()
            .is_some_and(|query| query.contains("compress=true")),
        "{requests:?}"
    );
    assert_eq!(compressed.metrics.received, frames.len() as u64 + 1);
    assert_eq!(
        compressed.rejected, 1,
        "the frame that is not zstd is an error"
    );
    assert_eq!(
        stored(&mut service),
        expected,
        "the same posts as plain text"
    );
    assert_eq!(
        ok(service.connector_states(&Actor::LocalOperator))
            .first()
            .map(|state| state.matched),
        expected_matched
    );

    // Another dictionary: no frame decodes; each is counted as an error, nothing is stored.
    let wrong_directory = ok(tempfile::tempdir());
    let wrong_path = wrong_directory.path().join("other_dictionary");
    let other: Vec<u8> = if trained {
        let shuffled: Vec<String> = frames.iter().rev().skip(40).cloned().collect();
        dictionary_for(&shuffled).0
    } else {
        b"{\"other\": \"dictionary\"}".repeat(40)
    };
    ok(std::fs::write(&wrong_path, &other));
    let mut wrong = service_with_monitor(&wrong_directory.path().join("data"), BLUESKY_MONITOR);
    let server =
        ok(serve_jetstream_compressed(frames.clone(), Faults::default(), dictionary).await);
    let mut spec = jetstream_spec(vec![server.endpoint()]);
    spec.zstd_dictionary = Some(wrong_path);
    let mismatched = watch(&mut wrong, spec, Some(frames.len() as u64), |_, _| false).await;
    assert_eq!(mismatched.rejected, frames.len() as u64);
    assert_eq!(stored(&mut wrong), 0);

    // A dictionary file that is missing stops the connector before it connects.
    let mut missing = jetstream_spec(vec![server.endpoint()]);
    missing.zstd_dictionary = Some(wrong_directory.path().join("absent"));
    let (_trigger, shutdown) = shutdown_pair();
    let (sender, _receiver) = mpsc::channel(4);
    let outcome = run(
        missing,
        None,
        sender,
        Arc::new(ConnectorMetrics::default()),
        shutdown,
        RunOptions::default(),
    )
    .await;
    assert!(matches!(
        outcome,
        Err(peil_connectors_live::LiveError::Fatal { .. })
    ));
}

// ---- HTTP replays (Mastodon, RSS) ----

/// A canned answer.
#[derive(Clone)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// (path and query, If-None-Match, status answered) of one request.
type Logged = (String, Option<String>, u16);

#[derive(Clone, Default)]
struct HttpReplay {
    /// Answers per path, served in order; the last one repeats.
    answers: Arc<Mutex<HashMap<String, VecDeque<Canned>>>>,
    /// (path and query, If-None-Match, status answered) of every request.
    log: Arc<Mutex<Vec<Logged>>>,
}

impl HttpReplay {
    fn add(&self, path: &str, answer: Canned) {
        if let Ok(mut answers) = self.answers.lock() {
            answers
                .entry(path.to_string())
                .or_default()
                .push_back(answer);
        }
    }

    fn log(&self) -> Vec<Logged> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

async fn answer(State(replay): State<HttpReplay>, request: Request<Body>) -> Response<Body> {
    let path = request.uri().path().to_string();
    let full = request
        .uri()
        .path_and_query()
        .map(|pq| pq.to_string())
        .unwrap_or_default();
    let headers: &HeaderMap = request.headers();
    let if_none_match = headers
        .get("if-none-match")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let canned = replay.answers.lock().ok().and_then(|mut answers| {
        let queue = answers.get_mut(&path)?;
        if queue.len() > 1 {
            queue.pop_front()
        } else {
            queue.front().cloned()
        }
    });
    let mut canned = canned.unwrap_or(Canned {
        status: 404,
        headers: Vec::new(),
        body: b"{\"error\":\"Record not found\"}".to_vec(),
    });
    let etag = canned
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("etag"))
        .map(|(_, value)| value.clone());
    if etag.is_some() && etag == if_none_match {
        canned = Canned {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
        };
    }
    if let Ok(mut log) = replay.log.lock() {
        log.push((full, if_none_match, canned.status));
    }
    let mut response = Response::builder()
        .status(StatusCode::from_u16(canned.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (name, value) in &canned.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    match response.body(Body::from(canned.body)) {
        Ok(response) => response,
        Err(_) => Response::new(Body::empty()),
    }
}

async fn serve_http(replay: HttpReplay) -> SocketAddr {
    let listener = ok(tokio::net::TcpListener::bind("127.0.0.1:0").await);
    let address = ok(listener.local_addr());
    let router = axum::Router::new().fallback(answer).with_state(replay);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    address
}

fn json_answer(body: String, headers: Vec<(String, String)>) -> Canned {
    let mut all = vec![("content-type".to_string(), "application/json".to_string())];
    all.extend(headers);
    Canned {
        status: 200,
        headers: all,
        body: body.into_bytes(),
    }
}

#[tokio::test]
async fn mastodon_pages_waits_on_429_and_applies_streamed_deletes() {
    let Some(fixtures) = fixtures() else { return };
    let cassettes = fixtures.join("mastodon/mastodonpy_cassettes");
    let page1 = read(&cassettes.join("timelines_tag_page1_limit10.json"));
    let page2 = read(&cassettes.join("timelines_tag_page2_max_id.json"));
    let page1_ids: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&page1)
        .unwrap_or_default()
        .iter()
        .filter_map(|status| {
            status
                .get("id")
                .and_then(|id| id.as_str())
                .map(str::to_string)
        })
        .collect();
    assert_eq!(page1_ids.len(), 10);
    let newest_of_page1 = page1_ids
        .iter()
        .max_by_key(|id| (id.len(), id.to_string()))
        .cloned()
        .unwrap_or_default();
    let one_from_page2 = serde_json::from_str::<Vec<serde_json::Value>>(&page2)
        .unwrap_or_default()
        .first()
        .map(|status| status.to_string())
        .unwrap_or_default();

    let replay = HttpReplay::default();
    let address = serve_http(replay.clone()).await;
    let tag_path = "/api/v1/timelines/tag/fgizt";
    replay.add(
        tag_path,
        Canned {
            status: 429,
            headers: vec![("retry-after".to_string(), "1".to_string())],
            body: b"{\"error\":\"Too many requests\"}".to_vec(),
        },
    );
    let prev =
        format!("<http://{address}{tag_path}?limit=40&min_id={newest_of_page1}>; rel=\"prev\"");
    replay.add(
        tag_path,
        json_answer(page1, vec![("link".to_string(), prev)]),
    );
    replay.add(tag_path, json_answer("[]".to_string(), Vec::new()));
    let stream = format!(
        ":)\n\nevent: update\ndata: {one_from_page2}\n\nevent: update\ndata: {{\"id\": \"1\", \"content\n\nevent: delete\ndata: {}\n\n",
        page1_ids[0]
    );
    replay.add(
        "/api/v1/streaming/hashtag",
        Canned {
            status: 200,
            headers: vec![("content-type".to_string(), "text/event-stream".to_string())],
            body: stream.into_bytes(),
        },
    );

    let directory = ok(tempfile::tempdir());
    let mut service = service_with_monitor(directory.path(), "toot");
    let spec = ConnectorSpec {
        name: "mastodon-test".to_string(),
        kind: ConnectorKind::Mastodon,
        endpoints: vec![format!("http://{address}")],
        hashtag: Some("fgizt".to_string()),
        streaming: true,
        ..ConnectorSpec::default()
    };
    let watched = watch(&mut service, spec, Some(13), |_, _| false).await;
    assert_eq!(watched.metrics.throttled, 1, "429 honoured");
    assert_eq!(watched.rejected, 1, "the broken streamed status");
    assert_eq!(
        watched.deletes, 1,
        "the streamed delete removed a stored status"
    );
    assert_eq!(
        stored(&mut service),
        10,
        "10 + 1 matched statuses, 1 deleted"
    );
    let log = replay.log();
    assert_eq!(log.first().map(|entry| entry.2), Some(429));
    assert!(
        log.iter()
            .any(|entry| entry.0.contains(&format!("min_id={newest_of_page1}"))),
        "pages with min_id"
    );
    let states = ok(service.connector_states(&Actor::LocalOperator));
    assert_eq!(
        states
            .first()
            .and_then(|state| state.cursor.as_deref())
            .map(str::len),
        Some(18)
    );
}

#[tokio::test]
async fn rss_uses_conditional_get_and_dedupes_across_restarts() {
    let Some(fixtures) = fixtures() else { return };
    let feed = ok(std::fs::read(
        fixtures.join("rss_atom/feed-rs/rss2/rss_2.0_bbc.xml"),
    ));
    let replay = HttpReplay::default();
    let address = serve_http(replay.clone()).await;
    replay.add(
        "/feed",
        Canned {
            status: 200,
            headers: vec![
                (
                    "content-type".to_string(),
                    "application/rss+xml".to_string(),
                ),
                ("etag".to_string(), "\"v1\"".to_string()),
                (
                    "last-modified".to_string(),
                    "Mon, 23 Nov 2026 08:00:00 GMT".to_string(),
                ),
            ],
            body: feed,
        },
    );
    let directory = ok(tempfile::tempdir());
    let mut service = service_with_monitor(directory.path(), "guests OR discuss");
    let spec = ConnectorSpec {
        name: "bbc".to_string(),
        kind: ConnectorKind::Rss,
        endpoints: vec![format!("http://{address}/feed")],
        poll_seconds: Some(1),
        ..ConnectorSpec::default()
    };
    watch(&mut service, spec.clone(), None, |_, cursor| {
        cursor.is_some()
    })
    .await;
    assert_eq!(stored(&mut service), 1);
    // A restart sends the saved ETag back: 304, nothing new, nothing stored twice.
    let log_for_stop = replay.clone();
    watch(&mut service, spec, None, move |_, _| {
        log_for_stop.log().len() >= 2
    })
    .await;
    let log = replay.log();
    assert_eq!(log.first().map(|entry| entry.2), Some(200));
    assert_eq!(
        log.get(1).map(|entry| (entry.1.clone(), entry.2)),
        Some((Some("\"v1\"".to_string()), 304))
    );
    assert_eq!(stored(&mut service), 1);
}

#[tokio::test]
async fn a_configuration_for_a_user_session_is_refused_before_connecting() {
    let spec = ConnectorSpec {
        name: "home".to_string(),
        kind: ConnectorKind::Mastodon,
        endpoints: vec!["https://mastodon.example/api/v1/timelines/home".to_string()],
        ..ConnectorSpec::default()
    };
    let (sender, _receiver) = mpsc::channel(1);
    let (_trigger, shutdown) = shutdown_pair();
    let outcome = run(
        spec,
        None,
        sender,
        Arc::new(ConnectorMetrics::default()),
        shutdown,
        RunOptions::default(),
    )
    .await;
    let message = outcome
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(message.contains("refused"), "{message}");
}
