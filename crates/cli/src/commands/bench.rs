//! `peil bench`: ingest throughput end to end and latency of a fixed set of aggregate queries, on
//! generated posts in a fresh data directory. Figures come from running the code, every time.
//!
//! The cost of analysis (issue 4: at most 25% of end-to-end ingest time) is measured in the same
//! run: the same posts are ingested into fresh directories with sentiment and term extraction
//! switched off (de-identification, language detection, matching and storage stay) and with
//! everything on, alternating which goes first, `--rounds` times; the report gives the best round
//! of each (the least disturbed on a shared machine), the share analysis adds, and the same share
//! from the medians.

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
    /// Rounds of the ingest with and without analysis (alternating which goes first); the
    /// figures are the best round of each, with the medians beside them.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
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
    /// (with − without) / without of the best rounds: what analysis adds to end-to-end ingest
    /// time.
    analysis_added_share: f64,
    /// The same share computed from the median rounds.
    analysis_added_share_of_medians: f64,
    /// Rounds of each ingest (alternating which goes first).
    rounds: usize,
    /// Seconds of every round, with and without analysis.
    ingest_seconds_each: Vec<f64>,
    ingest_without_analysis_seconds_each: Vec<f64>,
    queries_measured: usize,
    query_p50_ms: f64,
    query_p95_ms: f64,
    query_max_ms: f64,
    /// Median per query of the fixed set, in the order of `BENCH_QUERIES`.
    per_query_median_ms: Vec<(String, f64)>,
}

/// The shortest of the measured times (the least disturbed by other work on the machine).
fn best(seconds: &[f64]) -> f64 {
    seconds.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(seconds: &[f64]) -> f64 {
    let mut sorted = seconds.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        length if length % 2 == 1 => sorted[length / 2],
        length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0,
    }
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
    if context.store != peil_service::StoreLocation::Embedded {
        // Every round starts a fresh control plane, whose workspace ids would meet the posts of
        // the previous round in one PostgreSQL database.
        anyhow::bail!(
            "`peil bench` meet de ingebouwde opslag; de vergelijking met PostgreSQL staat in crates/store-postgres/examples / `peil bench` measures the embedded store; the side-by-side PostgreSQL benchmark is in crates/store-postgres/examples"
        );
    }
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

    // The same posts with analysis (sentiment and terms) and without it (the baseline), each
    // into a fresh directory, alternating which goes first, `rounds` times. The last store with
    // analysis stays for the queries.
    let rounds = arguments.rounds.max(1);
    let mut with_analysis_seconds: Vec<f64> = Vec::with_capacity(rounds);
    let mut without_analysis_seconds: Vec<f64> = Vec::with_capacity(rounds);
    let mut stored = 0;
    let mut kept_service: Option<Service> = None;
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for analysis in order {
            let round_directory = if analysis && round + 1 == rounds {
                directory.clone()
            } else {
                std::env::temp_dir().join(format!("{unique}-round{round}-{analysis}"))
            };
            let mut round_service = Service::open(&round_directory, None, "cli bench")?;
            if !analysis {
                round_service.skip_analysis_for_benchmark();
            }
            setup_demo_workspace(&mut round_service)?;
            let records = generated.iter().cloned().map(|post| Ok(Record::Post(post)));
            let summary = ingest(
                &mut round_service,
                &Actor::LocalOperator,
                &ImportScope::Installation,
                peil_pipeline::DEFAULT_BATCH_SIZE,
                records,
                &hidden,
                language,
            )?;
            if analysis {
                with_analysis_seconds.push(summary.seconds);
                stored = summary.stored;
            } else {
                without_analysis_seconds.push(summary.seconds);
            }
            if round_directory == directory {
                kept_service = Some(round_service);
            } else {
                drop(round_service);
                let _ = std::fs::remove_dir_all(&round_directory);
            }
        }
    }
    let Some(mut service) = kept_service else {
        anyhow::bail!("the benchmark kept no store for its queries");
    };
    let with_best = best(&with_analysis_seconds);
    let without_best = best(&without_analysis_seconds);
    let with_median = median(&with_analysis_seconds);
    let without_median = median(&without_analysis_seconds);

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
    let posts = arguments.posts as f64;
    let figures = BenchFigures {
        posts: arguments.posts,
        stored,
        rounds,
        ingest_seconds: with_best,
        ingest_posts_per_sec: posts / with_best.max(1e-9),
        ingest_without_analysis_seconds: without_best,
        ingest_without_analysis_posts_per_sec: posts / without_best.max(1e-9),
        analysis_added_share: (with_best - without_best) / without_best.max(1e-9),
        analysis_added_share_of_medians: (with_median - without_median) / without_median.max(1e-9),
        ingest_seconds_each: with_analysis_seconds,
        ingest_without_analysis_seconds_each: without_analysis_seconds,
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
        "  {} {} {}; {}: {:+.0}%",
        language.pick("beste van", "best of"),
        figures.rounds,
        language.pick(
            "rondes, afwisselend eerst met en eerst zonder",
            "rounds, alternating which goes first"
        ),
        language.pick("uit de medianen", "from the medians"),
        figures.analysis_added_share_of_medians * 100.0
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
