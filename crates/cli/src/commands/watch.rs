//! `peil watch`: a live public-source connector (Bluesky Jetstream, Mastodon, RSS/Atom) through
//! the pipeline, in batches; `peil status`: the connectors' cursors and counters; and the
//! Jetstream replay benchmark of `peil bench --connector jetstream`.
//!
//! Everything runs on one thread (a current-thread tokio runtime): the connector reads while
//! the loop waits for the next batch, then the batch goes through the service (de-identification
//! in memory, only matched posts stored) and the cursor is saved. Nothing of the content is
//! printed: only counts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use clap::Args;
use peil_connectors_live::{
    next_batch, public_statement, run as run_connector, shutdown_pair, ConnectorKind,
    ConnectorMetrics, ConnectorSpec, MetricsSnapshot, RunOptions,
};
use peil_pipeline::IngestStats;
use peil_service::{Actor, ImportScope, Service, WatchBatch};
use serde::Serialize;

use crate::{Context, OutputLanguage};

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// jetstream, mastodon or rss.
    #[arg(long)]
    connector: String,
    /// Jetstream: a /subscribe WebSocket URL (repeat for failover); Mastodon: the instance's base
    /// URL; RSS: the feed URL.
    #[arg(long, required = true)]
    endpoint: Vec<String>,
    /// Mastodon: follow this hashtag; Jetstream: keep only posts with it.
    #[arg(long)]
    hashtag: Option<String>,
    /// Mastodon: also use the streaming API (deletions, low latency).
    #[arg(long)]
    streaming: bool,
    /// Mastodon: the local instead of the federated public timeline.
    #[arg(long)]
    local: bool,
    /// Seconds between polls (Mastodon, RSS).
    #[arg(long)]
    poll_seconds: Option<u64>,
    /// Stop after this many events were received.
    #[arg(long)]
    stop_after: Option<u64>,
    /// Name under which the cursor and counters are kept (default: the connector kind).
    #[arg(long)]
    name: Option<String>,
    /// Feed only this organisation's active workspaces.
    #[arg(long)]
    org: Option<String>,
    /// Mastodon: the environment variable holding an app token (never a user's token).
    #[arg(long)]
    app_token_env: Option<String>,
    /// Jetstream: Jetstream's zstd dictionary (`pkg/models/zstd_dictionary` of the
    /// bluesky-social/jetstream repository); asks for compressed frames and decodes them.
    #[arg(long, value_name = "FILE")]
    zstd_dictionary: Option<PathBuf>,
    /// Print the session's counts as JSON (counts only, never content).
    #[arg(long)]
    json: bool,
}

/// What one watch did.
#[derive(Debug, Serialize)]
pub struct WatchSummary {
    pub stats: WatchCounts,
    pub wire: MetricsSnapshot,
    pub seconds: f64,
    pub events_per_sec: f64,
}

#[derive(Debug, Serialize)]
pub struct WatchCounts {
    pub read: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub dropped: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub deletes: u64,
}

fn counts(stats: IngestStats) -> WatchCounts {
    WatchCounts {
        read: stats.read,
        stored: stats.stored,
        duplicates: stats.duplicates,
        dropped: stats.dropped + stats.dropped_objection,
        rejected: stats.rejected,
        skipped: stats.skipped,
        deletes: stats.deletes,
    }
}

/// Runs `spec` into `service` until the connector ends (stop_after, Ctrl-C, a fatal refusal).
pub fn drive(
    service: &mut Service,
    actor: &Actor,
    scope: &ImportScope,
    spec: ConnectorSpec,
    stop_after: Option<u64>,
    language: OutputLanguage,
) -> Result<WatchSummary> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (mut session, cursor) = service.start_watch(actor, scope, &spec.name, spec.kind.name())?;
    if session.monitored_workspaces() == 0 {
        eprintln!(
            "{}",
            language.pick(
                "Let op: geen actieve werkruimte met monitors; er wordt niets opgeslagen.",
                "Note: no active workspace with monitors; nothing will be stored."
            )
        );
    }
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4096);
    let metrics = Arc::new(ConnectorMetrics::default());
    let (trigger, shutdown) = shutdown_pair();
    let options = RunOptions {
        stop_after,
        ..RunOptions::default()
    };
    let started = Instant::now();
    let task = runtime.spawn(run_connector(
        spec,
        cursor,
        sender,
        Arc::clone(&metrics),
        shutdown,
        options,
    ));
    let trigger = Arc::new(trigger);
    let on_signal = Arc::clone(&trigger);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.stop();
        }
    });
    let mut failure = None;
    while let Some(batch) =
        runtime.block_on(next_batch(&mut receiver, 2_000, Duration::from_millis(500)))
    {
        let lag_ms = batch.lag_ms();
        let written = service.watch_batch(
            &mut session,
            WatchBatch {
                records: batch.records,
                errors: batch.errors,
                cursor: batch.cursor,
                lag_ms,
            },
        );
        if let Err(error) = written {
            trigger.stop();
            failure = Some(error);
            break;
        }
    }
    drop(receiver);
    let outcome = runtime.block_on(task);
    let elapsed = started.elapsed();
    let totals = service.finish_watch(actor, session)?;
    if let Some(error) = failure {
        return Err(error.into());
    }
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(error.into()),
        Err(_) => anyhow::bail!("the connector task ended abnormally"),
    }
    let wire = metrics.snapshot();
    let seconds = elapsed.as_secs_f64();
    Ok(WatchSummary {
        stats: counts(totals),
        wire,
        seconds,
        events_per_sec: if seconds > 0.0 {
            wire.received as f64 / seconds
        } else {
            0.0
        },
    })
}

fn print_summary(summary: &WatchSummary, language: OutputLanguage) {
    println!(
        "{} {:.1} s ({:.0} {})",
        language.pick("Gevolgd gedurende", "Watched for"),
        summary.seconds,
        summary.events_per_sec,
        language.pick("gebeurtenissen/s", "events/s")
    );
    let rows = [
        (
            language.pick("ontvangen", "received"),
            summary.wire.received,
        ),
        (language.pick("opgeslagen", "stored"), summary.stats.stored),
        (
            language.pick("niet gematcht, verwijderd", "matched no monitor, dropped"),
            summary.stats.dropped,
        ),
        (
            language.pick("al eerder opgeslagen", "already stored"),
            summary.stats.duplicates,
        ),
        (
            language.pick("dubbel ontvangen", "received twice"),
            summary.wire.duplicates,
        ),
        (
            language.pick("overgeslagen (geen bericht)", "skipped (not a post)"),
            summary.stats.skipped,
        ),
        (
            language.pick("verwijderd bij de bron", "deleted at the source"),
            summary.stats.deletes,
        ),
        (
            language.pick("onleesbaar", "unreadable"),
            summary.stats.rejected,
        ),
        (
            language.pick("opnieuw verbonden", "reconnects"),
            summary.wire.reconnects,
        ),
        (
            language.pick("afgeremd door de bron", "throttled by the source"),
            summary.wire.throttled,
        ),
    ];
    for (label, value) in rows {
        println!("  {label:<32} {value:>10}");
    }
}

pub fn run(context: &Context, arguments: WatchArgs) -> Result<()> {
    let kind: ConnectorKind = arguments
        .connector
        .parse()
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let spec = ConnectorSpec {
        name: arguments.name.unwrap_or_else(|| kind.name().to_string()),
        kind,
        endpoints: arguments.endpoint,
        hashtag: arguments.hashtag,
        timeline: arguments
            .local
            .then_some(peil_connectors_live::MastodonTimeline::Local),
        streaming: arguments.streaming,
        poll_seconds: arguments.poll_seconds,
        token_kind: arguments.app_token_env.as_ref().map(|_| "app".to_string()),
        token_env: arguments.app_token_env,
        organisation: arguments.org.clone(),
        zstd_dictionary: arguments.zstd_dictionary,
        ..ConnectorSpec::default()
    };
    if spec.zstd_dictionary.is_some() && kind != ConnectorKind::Jetstream {
        anyhow::bail!("--zstd-dictionary applies to --connector jetstream only");
    }
    peil_connectors_live::public_only::check(&spec)?;
    // A missing or broken dictionary fails here, before the session starts.
    peil_connectors_live::jetstream::load_dictionary(&spec)?;
    eprintln!("{}", public_statement(kind));
    let (mut service, actor) = context.open_service()?;
    let scope = match arguments.org {
        Some(name) => ImportScope::Organisation(name),
        None => ImportScope::Installation,
    };
    let summary = drive(
        &mut service,
        &actor,
        &scope,
        spec,
        arguments.stop_after,
        context.language,
    )?;
    if arguments.json {
        println!("{}", serde_json::to_string(&summary)?);
        return Ok(());
    }
    print_summary(&summary, context.language);
    Ok(())
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `peil status`: every live connector's cursor and counters.
pub fn run_status(context: &Context, arguments: StatusArgs) -> Result<()> {
    let (mut service, actor) = context.open_service()?;
    let states = service.connector_states(&actor)?;
    if arguments.json {
        println!("{}", serde_json::to_string_pretty(&states)?);
        return Ok(());
    }
    let language = context.language;
    if states.is_empty() {
        println!(
            "{}",
            language.pick(
                "Nog geen live connectoren gedraaid.",
                "No live connector has run yet."
            )
        );
        return Ok(());
    }
    println!(
        "{:<20} {:<10} {:>10} {:>10} {:>10} {:>8} {:>8} {:>9}  {}",
        language.pick("connector", "connector"),
        language.pick("soort", "kind"),
        language.pick("ontvangen", "received"),
        language.pick("gematcht", "matched"),
        language.pick("gedropt", "dropped"),
        language.pick("fouten", "errors"),
        language.pick("gewist", "deleted"),
        language.pick("vertr. ms", "lag ms"),
        language.pick("bijgewerkt", "updated"),
    );
    for state in states {
        println!(
            "{:<20} {:<10} {:>10} {:>10} {:>10} {:>8} {:>8} {:>9}  {}",
            state.name,
            state.kind,
            state.received,
            state.matched,
            state.dropped,
            state.errors,
            state.deleted,
            state
                .lag_ms
                .map_or_else(|| "-".to_string(), |lag| lag.to_string()),
            state.updated_at.format("%Y-%m-%d %H:%M:%S UTC"),
        );
    }
    Ok(())
}

/// `peil bench --connector jetstream`: replays recorded Jetstream frames (multiplied, with fresh
/// `time_us` and record keys) from a loopback server through the real connector, the pipeline
/// and the store, on one thread, and reports events per second.
pub fn bench_jetstream(
    service: &mut Service,
    frames_file: &PathBuf,
    copies: usize,
    language: OutputLanguage,
    json: bool,
) -> Result<()> {
    let text = std::fs::read_to_string(frames_file)
        .with_context(|| format!("cannot read {}", frames_file.display()))?;
    let recorded: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect();
    let frames = peil_connectors_live::replay::multiply_frames(
        &recorded,
        copies.max(1),
        chrono::Utc::now().timestamp_micros() - 3_600_000_000,
    );
    let total = frames.len() as u64;
    // The loopback server plays the network on its own thread; the connector, the pipeline and
    // the store share the measured thread.
    let (endpoint_sender, endpoint_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async move {
            let served = peil_connectors_live::replay::serve_jetstream(
                frames,
                peil_connectors_live::replay::Faults::default(),
            )
            .await;
            let _ = endpoint_sender.send(served.map(|server| server.endpoint()));
            std::future::pending::<()>().await;
        });
    });
    let endpoint = endpoint_receiver
        .recv()
        .context("the replay server did not start")??;
    let spec = ConnectorSpec {
        name: "bench-jetstream".to_string(),
        kind: ConnectorKind::Jetstream,
        endpoints: vec![endpoint],
        ..ConnectorSpec::default()
    };
    let summary = drive(
        service,
        &Actor::LocalOperator,
        &ImportScope::Installation,
        spec,
        Some(total),
        language,
    )?;
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!(
            "Jetstream replay: {} {} {:.2} s = {:.0} {}",
            summary.wire.received,
            language.pick("gebeurtenissen in", "events in"),
            summary.seconds,
            summary.events_per_sec,
            language.pick(
                "gebeurtenissen/s (één thread, connector + pipeline + opslag)",
                "events/s (one thread, connector + pipeline + store)"
            )
        );
        print_summary(&summary, language);
    }
    Ok(())
}
