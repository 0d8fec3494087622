//! `peil bench`: ingest throughput end to end and latency of a fixed set of aggregate queries, on
//! generated posts in a fresh data directory. Figures come from running the code, every time.
//!
//! The cost of analysis (issue 4: at most 25% of end-to-end ingest time) is measured in the same
//! run: the same posts are first ingested into a second fresh directory with sentiment and term
//! extraction switched off (de-identification, language detection, matching and storage stay),
//! then with everything on; the report gives both times and the share analysis adds.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use indicatif::ProgressBar;
use peil_connectors::demo::{generate, DemoConfig};
use peil_connectors::Record;
use peil_service::{Actor, ImportScope, Interval, QueryRequest, Service};
use serde::Serialize;

use super::demo::{setup_demo_workspace, DEMO_ORGANISATION, DEMO_WORKSPACE};
use super::import::ingest;
use crate::Context;

/// The fixed query set: (query, interval).
const BENCH_QUERIES: [(&str, Interval); 8] = [
    ("", Interval::Day),
    ("", Interval::Hour),
    ("afval", Interval::Day),
    ("#vuurwerkverbod", Interval::Day),
    ("parkeren OR parkeervergunning*", Interval::Day),
    ("\"blauwe zone\"", Interval::Day),
    ("storm AND NOT lang:en", Interval::Hour),
    ("woning* lang:nl", Interval::Day),
];

/// Rounds over the query set; the first is a warm-up and not measured.
const QUERY_ROUNDS: usize = 6;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Number of generated posts to ingest.
    #[arg(long, default_value_t = 200_000)]
    posts: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Keep the benchmark's data directory instead of deleting it.
    #[arg(long)]
    keep: Option<PathBuf>,
    #[arg(long)]
    json: bool,
    /// Benchmark a live connector instead (`jetstream`: replayed recorded frames through the
    /// connector, the pipeline and the store; prints events/s).
    #[arg(long)]
    connector: Option<String>,
    /// The recorded Jetstream frames (JSON Lines) to replay.
    #[arg(
        long,
        default_value = "../shared/fixtures/bluesky/jetstream_v1_real/corpus_expected_v1.jsonl"
    )]
    frames: PathBuf,
    /// How many copies of the recorded frames to replay.
    #[arg(long, default_value_t = 200)]
    copies: usize,
}

#[derive(Debug, Serialize)]
struct BenchFigures {
    posts: usize,
    stored: u64,
    ingest_seconds: f64,
    ingest_posts_per_sec: f64,
    /// The same ingest without sentiment and term extraction (the baseline).
    ingest_without_analysis_seconds: f64,
    ingest_without_analysis_posts_per_sec: f64,
    /// (with − without) / without: what analysis adds to end-to-end ingest time.
    analysis_added_share: f64,
    queries_measured: usize,
    query_p50_ms: f64,
    query_p95_ms: f64,
    query_max_ms: f64,
    /// Median per query of the fixed set, in the order of `BENCH_QUERIES`.
    per_query_median_ms: Vec<(String, f64)>,
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted
        .get(rank.min(sorted.len() - 1))
        .map_or(0.0, |duration| duration.as_secs_f64() * 1000.0)
}

pub fn run(context: &Context, arguments: BenchArgs) -> Result<()> {
    let language = context.language;
    let unique = format!(
        "peil-bench-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let directory = arguments
        .keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(&unique));
    if let Some(connector) = &arguments.connector {
        let mut service = Service::open(&directory, None, "cli bench")?;
        setup_demo_workspace(&mut service)?;
        if connector != "jetstream" {
            anyhow::bail!("only `--connector jetstream` has a replay benchmark");
        }
        // A broad monitor besides the demo's Dutch ones, so that replayed posts are stored too.
        service.add_monitor(
            &Actor::LocalOperator,
            DEMO_WORKSPACE,
            Some(DEMO_ORGANISATION),
            "government OR people OR country OR show",
            "benchmark of the live connector",
        )?;
        let outcome = super::watch::bench_jetstream(
            &mut service,
            &arguments.frames,
            arguments.copies,
            language,
            arguments.json,
        );
        if arguments.keep.is_none() {
            let _ = std::fs::remove_dir_all(&directory);
        }
        return outcome;
    }
    let config = DemoConfig {
        posts: arguments.posts,
        seed: arguments.seed,
        ..DemoConfig::default()
    };
    // Generate first so the timing covers the pipeline and the store, not the generator.
    let generated: Vec<_> = generate(&config).collect();
    let hidden = ProgressBar::hidden();

    // Baseline: the same posts without sentiment and terms, in a directory of its own.
    let baseline_directory = std::env::temp_dir().join(format!("{unique}-baseline"));
    let baseline = {
        let mut baseline_service = Service::open(&baseline_directory, None, "cli bench")?;
        baseline_service.skip_analysis_for_benchmark();
        setup_demo_workspace(&mut baseline_service)?;
        let records = generated.iter().cloned().map(|post| Ok(Record::Post(post)));
        ingest(
            &mut baseline_service,
            &Actor::LocalOperator,
            &ImportScope::Installation,
            peil_pipeline::DEFAULT_BATCH_SIZE,
            records,
            &hidden,
            language,
        )?
    };
    let _ = std::fs::remove_dir_all(&baseline_directory);

    let mut service = Service::open(&directory, None, "cli bench")?;
    setup_demo_workspace(&mut service)?;
    let records = generated.into_iter().map(|post| Ok(Record::Post(post)));
    let summary = ingest(
        &mut service,
        &Actor::LocalOperator,
        &ImportScope::Installation,
        peil_pipeline::DEFAULT_BATCH_SIZE,
        records,
        &hidden,
        language,
    )?;

    let mut timings = Vec::new();
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); BENCH_QUERIES.len()];
    for round in 0..QUERY_ROUNDS {
        for (query_index, (text, interval)) in BENCH_QUERIES.iter().enumerate() {
            let request = QueryRequest {
                workspace: DEMO_WORKSPACE.to_string(),
                organisation: Some(DEMO_ORGANISATION.to_string()),
                text: text.to_string(),
                from: None,
                to: None,
                interval: *interval,
                top: 15,
            };
            // Through the service: guard, k gate and the audit entry, as a user would ask.
            let started = Instant::now();
            let report = service.query(&Actor::LocalOperator, &request)?;
            let elapsed = started.elapsed();
            std::hint::black_box(&report);
            if round > 0 {
                timings.push(elapsed);
                if let Some(samples) = per_query.get_mut(query_index) {
                    samples.push(elapsed);
                }
            }
        }
    }
    timings.sort();
    let per_query_median_ms = BENCH_QUERIES
        .iter()
        .zip(per_query.iter_mut())
        .map(|((text, interval), samples)| {
            samples.sort();
            let label = format!("{text} [{interval:?}]");
            (label, percentile(samples, 0.5))
        })
        .collect();
    let figures = BenchFigures {
        posts: arguments.posts,
        stored: summary.stored,
        ingest_seconds: summary.seconds,
        ingest_posts_per_sec: summary.posts_per_sec,
        ingest_without_analysis_seconds: baseline.seconds,
        ingest_without_analysis_posts_per_sec: baseline.posts_per_sec,
        analysis_added_share: (summary.seconds - baseline.seconds) / baseline.seconds.max(1e-9),
        queries_measured: timings.len(),
        query_p50_ms: percentile(&timings, 0.50),
        query_p95_ms: percentile(&timings, 0.95),
        query_max_ms: percentile(&timings, 1.0),
        per_query_median_ms,
    };
    drop(service);
    if arguments.keep.is_none() {
        let _ = std::fs::remove_dir_all(&directory);
    }
    if arguments.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    println!(
        "{}: {} {}, {} {}",
        language.pick("Ingest", "Ingest"),
        figures.posts,
        language.pick("berichten", "posts"),
        figures.stored,
        language.pick("opgeslagen", "stored")
    );
    println!(
        "  {:.0} {} ({:.1} s)",
        figures.ingest_posts_per_sec,
        language.pick("berichten/s end-to-end", "posts/s end to end"),
        figures.ingest_seconds
    );
    println!(
        "  {:.0} {} ({:.1} s); {}: {:+.0}% ({})",
        figures.ingest_without_analysis_posts_per_sec,
        language.pick(
            "berichten/s zonder sentiment en termen",
            "posts/s without sentiment and terms"
        ),
        figures.ingest_without_analysis_seconds,
        language.pick("analyse kost", "analysis adds"),
        figures.analysis_added_share * 100.0,
        language.pick("doel: hoogstens +25%", "target: at most +25%")
    );
    println!(
        "{}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} {})",
        language.pick("Aggregaatvragen", "Aggregate queries"),
        figures.query_p50_ms,
        figures.query_p95_ms,
        figures.query_max_ms,
        figures.queries_measured,
        language.pick("metingen", "measurements")
    );
    for (label, median) in &figures.per_query_median_ms {
        println!("  {median:>8.1} ms  {label}");
    }
    Ok(())
}
