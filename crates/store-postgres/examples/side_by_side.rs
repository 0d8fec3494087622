//! The embedded store and PostgreSQL side by side in one run (docs/scale-out.md, "Side by side
//! in one run"):
//!
//! ```sh
//! tests/postgres/with-cluster.sh sh -c 'cargo run --release -p peil-store-postgres \
//!     --example side_by_side -- --posts 1000000 --store-postgres "$PEIL_TEST_POSTGRES_URL"'
//! ```
//!
//! An example of `peil-store-postgres` rather than a `peil` command: the command line goes through
//! the service and may not open a store itself (`only_the_service_and_the_ingest_path_depend_on_
//! the_store`), while this measurement needs both stores directly.
//!
//! The same generated posts (same seed) are de-identified and analysed once, with the
//! pipeline's own building blocks (the organisation's de-identification engine, language
//! detection, sentiment, term extraction, the workspace's keyed references and pseudonyms); each
//! batch is then stored into both stores, alternating which goes first, and only the store step
//! is timed. Then the same dashboard-like requests (the whole k-gated report of `aggregate`, as
//! the dashboard asks it: partitions, terms, hashtags, word pairs, rising terms, bursts,
//! clusters, representativeness, with the differencing audit; no query and a term query, day and
//! hour interval, over several windows) are timed on each store. The report gives ingest posts/s, p50/p95 of the requests,
//! the bytes on disk and the posts stored per store, with the ratio PostgreSQL / embedded.
//!
//! Simplification against `peil import`: every generated post goes to the one benchmark
//! workspace (no monitor matching), so both stores hold exactly the same posts.
//!
//! This program must never write to a PostgreSQL server that is not on loopback unless the
//! operator said `--allow-remote`, never leave its schema behind (unless `--keep`), and never
//! print or put in errors post text, author ids, handles or the URL's password.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, TimeDelta, Utc};
use peil_analysis::sentiment::SentimentModel;
use peil_connectors::demo::{generate, DemoConfig};
use peil_deid::{author_pseudonym, organisation_engine, source_reference};
use peil_model::{Language, Purpose, Workspace, WorkspaceDraft};
use peil_store::{AggregateRequest, Interval, Store, StoredPost};
use peil_store_postgres::{PostgresStore, WorkspaceRegistration};
use postgres::config::Host;
use serde::Serialize;

/// The dashboard-like requests: (query, interval, window in days back from the last post;
/// `None` is the whole period).
const SIDE_BY_SIDE_REQUESTS: [(&str, Interval, Option<i64>); 6] = [
    ("", Interval::Day, None),
    ("", Interval::Hour, Some(7)),
    ("", Interval::Hour, Some(1)),
    ("afval", Interval::Day, Some(7)),
    ("afval", Interval::Hour, Some(1)),
    ("parkeren OR parkeervergunning*", Interval::Day, Some(1)),
];

/// The language of the table (Dutch by default, `--lang en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutputLanguage {
    Dutch,
    English,
}

impl OutputLanguage {
    fn pick(self, dutch: &'static str, english: &'static str) -> &'static str {
        match self {
            OutputLanguage::Dutch => dutch,
            OutputLanguage::English => english,
        }
    }
}

/// The options of a side-by-side run (the command line of this example).
#[derive(Debug, Clone, PartialEq)]
struct SideBySideOptions {
    url: String,
    allow_remote: bool,
    posts: usize,
    seed: u64,
    batch_size: usize,
    /// Rounds over the request set; the first is a warm-up and not measured.
    request_rounds: usize,
    keep: Option<PathBuf>,
    json: bool,
    language: OutputLanguage,
}

const USAGE: &str = "usage: side_by_side --store-postgres URL [--posts N] [--seed N] \
[--batch-size N] [--request-rounds N] [--keep DIR] [--allow-remote] [--json] [--lang nl|en]";

/// Reads the options from the arguments (without the program name). Errors never repeat the
/// URL (it may hold a password).
fn parse_options(arguments: &[String]) -> Result<SideBySideOptions> {
    let mut options = SideBySideOptions {
        url: String::new(),
        allow_remote: false,
        posts: 200_000,
        seed: 7,
        batch_size: peil_pipeline::DEFAULT_BATCH_SIZE,
        request_rounds: 6,
        keep: None,
        json: false,
        language: OutputLanguage::Dutch,
    };
    let mut remaining = arguments.iter();
    while let Some(argument) = remaining.next() {
        let mut value = |name: &str| {
            remaining
                .next()
                .cloned()
                .with_context(|| format!("{name} needs a value; {USAGE}"))
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .with_context(|| format!("{name} takes a whole number; {USAGE}"))
        };
        match argument.as_str() {
            "--store-postgres" | "--postgres" => options.url = value("--store-postgres")?,
            "--posts" => options.posts = number("--posts", value("--posts")?)? as usize,
            "--seed" => options.seed = number("--seed", value("--seed")?)?,
            "--batch-size" => {
                options.batch_size = number("--batch-size", value("--batch-size")?)? as usize
            }
            "--request-rounds" => {
                options.request_rounds =
                    number("--request-rounds", value("--request-rounds")?)? as usize
            }
            "--keep" => options.keep = Some(PathBuf::from(value("--keep")?)),
            "--allow-remote" => options.allow_remote = true,
            "--json" => options.json = true,
            "--lang" => {
                options.language = match value("--lang")?.as_str() {
                    "nl" => OutputLanguage::Dutch,
                    "en" => OutputLanguage::English,
                    _ => bail!("--lang takes nl or en; {USAGE}"),
                }
            }
            _ => bail!("unknown argument; {USAGE}"),
        }
    }
    if options.url.is_empty() {
        bail!("--store-postgres URL is required; {USAGE}");
    }
    Ok(options)
}

fn main() -> Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let options = parse_options(&arguments)?;
    let figures = run(&options)?;
    if options.json {
        println!("{}", serde_json::to_string(&figures)?);
        return Ok(());
    }
    print_table(options.language, &figures);
    Ok(())
}

/// The figures of one store.
#[derive(Debug, Serialize)]
struct StoreFigures {
    store: &'static str,
    posts_stored: u64,
    ingest_seconds: f64,
    ingest_posts_per_sec: f64,
    requests_measured: usize,
    request_p50_ms: f64,
    request_p95_ms: f64,
    request_max_ms: f64,
    bytes_on_disk: u64,
    bytes_per_post: f64,
    /// Median per request of the set, in the order of `SIDE_BY_SIDE_REQUESTS`.
    per_request_median_ms: Vec<(String, f64)>,
}

#[derive(Debug, Serialize)]
struct SideBySideFigures {
    posts_generated: usize,
    seed: u64,
    batch_size: usize,
    /// Seconds spent on de-identification and analysis (once, not part of either store's time).
    prepare_seconds: f64,
    embedded: StoreFigures,
    postgres: StoreFigures,
}

/// Whether every host of `url` is loopback (or a unix socket). A URL that does not parse is an
/// error without the URL in it (it may hold a password).
fn url_is_loopback(url: &str) -> Result<bool> {
    let Ok(config) = postgres::Config::from_str(url) else {
        bail!("the PostgreSQL URL does not parse (expected postgres://USER@HOST:PORT/DATABASE)");
    };
    if config.get_hosts().is_empty() {
        // libpq's default: the local unix socket.
        return Ok(true);
    }
    Ok(config.get_hosts().iter().all(|host| match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|address| address.is_loopback())
        }
    }))
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

/// Bytes of the regular files under `directory`, recursively.
fn directory_bytes(directory: &Path) -> Result<u64> {
    let mut total = 0;
    let entries = std::fs::read_dir(directory)
        .with_context(|| format!("cannot read {}", directory.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", directory.display()))?;
        let metadata = entry
            .metadata()
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        if metadata.is_dir() {
            total += directory_bytes(&entry.path())?;
        } else if metadata.is_file() {
            total += metadata.len();
        }
    }
    Ok(total)
}

/// Bytes of every table of `schema` with its indexes and TOAST (`pg_total_relation_size`).
fn schema_bytes(client: &mut postgres::Client, schema: &str) -> Result<u64> {
    let row = client
        .query_one(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')",
            &[&schema],
        )
        .context("cannot read the size of the benchmark schema")?;
    let bytes: i64 = row
        .try_get(0)
        .context("cannot read the size of the benchmark schema")?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}

/// De-identifies and analyses the generated posts, like the pipeline, for one workspace.
struct Preparer {
    deidentifier: peil_deid::Deidentifier,
    sentiment: SentimentModel,
    workspace_id: i64,
}

impl Preparer {
    fn prepare(&self, store: &mut Store, raw: &peil_connectors::RawPost) -> Result<StoredPost> {
        let redaction = self.deidentifier.redact(&raw.text);
        let text = redaction.text;
        let language = match raw.language.as_deref().map(Language::from_tag) {
            Some(tagged) if tagged != Language::Other => tagged,
            _ => peil_analysis::language::detect(&text),
        };
        let sentiment = self.sentiment.score(&text, language);
        let terms = peil_analysis::terms::extract(&text, language);
        let period = peil_pipeline::key_period(raw.created_at);
        let (period_label, period_key) = store.keys().period_key(self.workspace_id, &period)?;
        let reference_key = store.keys().reference_key(self.workspace_id)?;
        Ok(StoredPost {
            id: 0,
            workspace_id: self.workspace_id,
            source: raw.source.clone(),
            source_ref: source_reference(&reference_key, &raw.source, &raw.source_id),
            published_at: raw.created_at,
            language,
            deidentified_text: text,
            author_pseudonym: author_pseudonym(&period_key, &raw.source, &raw.author_id),
            key_period: period_label,
            is_reply: raw.reply_to_author_id.is_some(),
            is_repost: raw.is_repost,
            sentiment: sentiment.label,
            sentiment_score: sentiment.score,
            terms: terms.terms,
            hashtags: terms.hashtags,
            bigrams: terms.bigrams,
            matched_monitor_ids: vec![],
            webcare_reference: None,
        })
    }
}

fn benchmark_workspace(store: &mut Store) -> Result<Workspace> {
    let organisation = store.create_organisation(
        "Benchmark (peil bench)",
        "benchmark of the embedded store and PostgreSQL",
        "cli bench",
    )?;
    let draft = WorkspaceDraft {
        name: "bench".into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "benchmark".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 3_650,
        retention_days_aggregates: 3_650,
        k: 10,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    Ok(store.create_workspace(
        organisation.id,
        &draft,
        "benchmark of the embedded store and PostgreSQL",
        "cli bench",
    )?)
}

/// The timings of the request set on one store (the first round is a warm-up).
struct RequestTimings {
    all: Vec<Duration>,
    per_request: Vec<Vec<Duration>>,
}

impl RequestTimings {
    fn new() -> RequestTimings {
        RequestTimings {
            all: Vec::new(),
            per_request: vec![Vec::new(); SIDE_BY_SIDE_REQUESTS.len()],
        }
    }

    fn record(&mut self, index: usize, elapsed: Duration) {
        self.all.push(elapsed);
        if let Some(samples) = self.per_request.get_mut(index) {
            samples.push(elapsed);
        }
    }
}

fn request_label(text: &str, interval: Interval, window_days: Option<i64>) -> String {
    let window = window_days.map_or("all".to_string(), |days| format!("{days}d"));
    let text = if text.is_empty() { "-" } else { text };
    format!("{text} [{interval:?}, {window}]")
}

fn figures_of(
    store: &'static str,
    posts_stored: u64,
    ingest_seconds: f64,
    mut timings: RequestTimings,
    bytes_on_disk: u64,
) -> StoreFigures {
    timings.all.sort();
    let per_request_median_ms = SIDE_BY_SIDE_REQUESTS
        .iter()
        .zip(timings.per_request.iter_mut())
        .map(|((text, interval, window), samples)| {
            samples.sort();
            (
                request_label(text, *interval, *window),
                percentile(samples, 0.5),
            )
        })
        .collect();
    StoreFigures {
        store,
        posts_stored,
        ingest_seconds,
        ingest_posts_per_sec: posts_stored as f64 / ingest_seconds.max(1e-9),
        requests_measured: timings.all.len(),
        request_p50_ms: percentile(&timings.all, 0.50),
        request_p95_ms: percentile(&timings.all, 0.95),
        request_max_ms: percentile(&timings.all, 1.0),
        bytes_on_disk,
        bytes_per_post: bytes_on_disk as f64 / (posts_stored.max(1) as f64),
        per_request_median_ms,
    }
}

/// Runs the benchmark in a schema and a data directory of its own, removed afterwards unless
/// `--keep`, and returns the figures.
fn run(options: &SideBySideOptions) -> Result<SideBySideFigures> {
    if !options.allow_remote && !url_is_loopback(&options.url)? {
        bail!(
            "the benchmark writes to PostgreSQL: refusing a server that is not on loopback \
             (add --allow-remote to benchmark it anyway)"
        );
    }
    let unique = format!(
        "{}_{}",
        std::process::id(),
        chrono::Utc::now()
            .timestamp_micros()
            .rem_euclid(1_000_000_000)
    );
    let schema = format!("peil_bench_{unique}");
    let directory = options
        .keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("peil-bench-side-{unique}")));
    let mut admin = postgres::Client::connect(&options.url, postgres::NoTls)
        .context("cannot connect to PostgreSQL")?;
    let outcome = run_in(options, &schema, &directory, &mut admin);
    if options.keep.is_none() {
        let _ = std::fs::remove_dir_all(&directory);
        // The schema name is ours: letters, digits and _ only.
        let dropped = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        if dropped.is_err() && outcome.is_ok() {
            bail!("cannot drop the benchmark schema {schema}");
        }
    }
    outcome
}

fn run_in(
    options: &SideBySideOptions,
    schema: &str,
    directory: &Path,
    admin: &mut postgres::Client,
) -> Result<SideBySideFigures> {
    let mut embedded = Store::open(directory)?;
    let workspace = benchmark_workspace(&mut embedded)?;
    let mut postgres_store = PostgresStore::connect_in_schema(&options.url, schema)
        .context("cannot open the PostgreSQL benchmark schema")?;
    postgres_store.register_organisation(workspace.organisation_id, "Benchmark (peil bench)")?;
    postgres_store.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id: workspace.organisation_id,
        name: workspace.name.clone(),
        retention_days_posts: workspace.retention_days_posts,
        retention_days_aggregates: workspace.retention_days_aggregates,
    })?;
    let entries = embedded.allow_entries(workspace.organisation_id)?;
    let preparer = Preparer {
        deidentifier: organisation_engine(std::iter::empty::<&str>(), &entries),
        sentiment: SentimentModel::embedded(),
        workspace_id: workspace.id,
    };
    let config = DemoConfig {
        posts: options.posts,
        seed: options.seed,
        ..DemoConfig::default()
    };
    let batch_size = options.batch_size.max(1);
    let mut prepare_time = Duration::ZERO;
    let mut embedded_time = Duration::ZERO;
    let mut postgres_time = Duration::ZERO;
    let mut embedded_stored = 0u64;
    let mut postgres_stored = 0u64;
    let mut last_published: Option<DateTime<Utc>> = None;
    let mut generated = generate(&config);
    let mut batch_number = 0usize;
    loop {
        let started = Instant::now();
        let mut batch: Vec<StoredPost> = Vec::with_capacity(batch_size);
        for raw in generated.by_ref().take(batch_size) {
            let post = preparer.prepare(&mut embedded, &raw)?;
            last_published = Some(
                last_published.map_or(post.published_at, |latest| latest.max(post.published_at)),
            );
            batch.push(post);
        }
        prepare_time += started.elapsed();
        if batch.is_empty() {
            break;
        }
        let order = if batch_number.is_multiple_of(2) {
            [false, true]
        } else {
            [true, false]
        };
        for postgres_first in order {
            let started = Instant::now();
            if postgres_first {
                let outcome = postgres_store.store_batch(&batch)?;
                postgres_time += started.elapsed();
                postgres_stored += outcome.stored;
            } else {
                let outcome = embedded.insert_posts(&batch)?;
                embedded_time += started.elapsed();
                embedded_stored += outcome.stored;
            }
        }
        batch_number += 1;
    }
    let Some(last_published) = last_published else {
        bail!("the benchmark generated no posts (use --posts 1 or more)");
    };

    let mut embedded_timings = RequestTimings::new();
    let mut postgres_timings = RequestTimings::new();
    let rounds = options.request_rounds.max(2);
    for round in 0..rounds {
        for (index, (text, interval, window_days)) in SIDE_BY_SIDE_REQUESTS.iter().enumerate() {
            let query = if text.is_empty() {
                None
            } else {
                Some(peil_query::parse(text)?)
            };
            let request = AggregateRequest {
                query: query.as_ref(),
                from: window_days.map(|days| last_published - TimeDelta::days(days)),
                to: None,
                interval: *interval,
                top: 15,
            };
            // Alternate which store answers first, like the ingest.
            let order = if (round + index).is_multiple_of(2) {
                [false, true]
            } else {
                [true, false]
            };
            for postgres_first in order {
                let started = Instant::now();
                if postgres_first {
                    let report = postgres_store.aggregate(&workspace, &request)?;
                    std::hint::black_box(&report);
                    if round > 0 {
                        postgres_timings.record(index, started.elapsed());
                    }
                } else {
                    let report = embedded.aggregate(&workspace, &request)?;
                    std::hint::black_box(&report);
                    if round > 0 {
                        embedded_timings.record(index, started.elapsed());
                    }
                }
            }
        }
    }
    let embedded_posts = embedded.post_count(workspace.id)?;
    let postgres_posts = postgres_store.post_count(workspace.id)?;
    drop(embedded);
    drop(postgres_store);
    let embedded_bytes = directory_bytes(directory)?;
    let postgres_bytes = schema_bytes(admin, schema)?;
    if embedded_posts != embedded_stored || postgres_posts != postgres_stored {
        bail!("the stores count other posts than their batches reported");
    }
    let figures = SideBySideFigures {
        posts_generated: options.posts,
        seed: options.seed,
        batch_size,
        prepare_seconds: prepare_time.as_secs_f64(),
        embedded: figures_of(
            "embedded",
            embedded_posts,
            embedded_time.as_secs_f64(),
            embedded_timings,
            embedded_bytes,
        ),
        postgres: figures_of(
            "postgresql",
            postgres_posts,
            postgres_time.as_secs_f64(),
            postgres_timings,
            postgres_bytes,
        ),
    };
    Ok(figures)
}

fn print_table(language: OutputLanguage, figures: &SideBySideFigures) {
    let embedded = &figures.embedded;
    let postgres = &figures.postgres;
    let ratio = |postgres: f64, embedded: f64| {
        if embedded > 0.0 {
            format!("{:.2}", postgres / embedded)
        } else {
            "-".to_string()
        }
    };
    println!(
        "{}: {} {}, seed {}, {} {}; {} {:.1} s",
        language.pick(
            "Embedded en PostgreSQL naast elkaar",
            "Embedded and PostgreSQL side by side"
        ),
        figures.posts_generated,
        language.pick("berichten", "posts"),
        figures.seed,
        language.pick("batches van", "batches of"),
        figures.batch_size,
        language.pick("voorbereiden (eenmalig)", "preparing (once)"),
        figures.prepare_seconds
    );
    println!(
        "{:<28} {:>14} {:>14} {:>10}",
        "",
        "embedded",
        "PostgreSQL",
        language.pick("PG/emb.", "PG/emb.")
    );
    let rows: [(&str, f64, f64, usize); 7] = [
        (
            language.pick("berichten opgeslagen", "posts stored"),
            embedded.posts_stored as f64,
            postgres.posts_stored as f64,
            0,
        ),
        (
            language.pick("ingest berichten/s", "ingest posts/s"),
            embedded.ingest_posts_per_sec,
            postgres.ingest_posts_per_sec,
            0,
        ),
        (
            language.pick("vraag p50 ms", "request p50 ms"),
            embedded.request_p50_ms,
            postgres.request_p50_ms,
            1,
        ),
        (
            language.pick("vraag p95 ms", "request p95 ms"),
            embedded.request_p95_ms,
            postgres.request_p95_ms,
            1,
        ),
        (
            language.pick("vraag max ms", "request max ms"),
            embedded.request_max_ms,
            postgres.request_max_ms,
            1,
        ),
        (
            language.pick("op schijf MiB", "on disk MiB"),
            embedded.bytes_on_disk as f64 / 1_048_576.0,
            postgres.bytes_on_disk as f64 / 1_048_576.0,
            1,
        ),
        (
            language.pick("bytes per bericht", "bytes per post"),
            embedded.bytes_per_post,
            postgres.bytes_per_post,
            0,
        ),
    ];
    for (label, embedded_value, postgres_value, decimals) in rows {
        println!(
            "{label:<28} {embedded_value:>14.decimals$} {postgres_value:>14.decimals$} {:>10}",
            ratio(postgres_value, embedded_value)
        );
    }
    println!(
        "{} ({} {}):",
        language.pick("Mediaan per vraag", "Median per request"),
        embedded.requests_measured,
        language.pick("metingen per opslag", "measurements per store")
    );
    for ((label, embedded_median), (_, postgres_median)) in embedded
        .per_request_median_ms
        .iter()
        .zip(postgres.per_request_median_ms.iter())
    {
        println!(
            "  {label:<40} {embedded_median:>10.1} ms {postgres_median:>10.1} ms {:>8}",
            ratio(*postgres_median, *embedded_median)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test cluster's URL; `None` (with a note) when there is none, a panic under CI=true.
    fn postgres_test_url(test: &str) -> Option<String> {
        if let Ok(url) = std::env::var("PEIL_TEST_POSTGRES_URL") {
            return Some(url);
        }
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "{test}: PEIL_TEST_POSTGRES_URL is not set under CI=true; run the tests through \
                 tests/postgres/with-cluster.sh"
            );
        }
        eprintln!(
            "note: {test} skipped: PEIL_TEST_POSTGRES_URL is not set (run through \
             tests/postgres/with-cluster.sh)"
        );
        None
    }

    fn arguments(list: &[&str]) -> Vec<String> {
        list.iter().map(|argument| argument.to_string()).collect()
    }

    #[test]
    fn only_loopback_urls_are_taken_without_allow_remote() -> Result<()> {
        assert!(url_is_loopback("postgres://peil@127.0.0.1:5432/peil")?);
        assert!(url_is_loopback("postgres://peil@localhost/peil")?);
        assert!(url_is_loopback("postgres://peil@[::1]:5432/peil")?);
        assert!(url_is_loopback("host=/tmp/socket user=peil dbname=peil")?);
        assert!(!url_is_loopback("postgres://peil@db.example.nl/peil")?);
        assert!(!url_is_loopback("postgres://peil@10.0.0.5:5432/peil")?);
        assert!(!url_is_loopback(
            "postgres://peil@127.0.0.1,db.example.nl/peil"
        )?);
        assert!(url_is_loopback("not a url at all ::").is_err());
        Ok(())
    }

    #[test]
    fn options_are_read_from_the_command_line() -> Result<()> {
        let options = parse_options(&arguments(&[
            "--posts",
            "2000",
            "--request-rounds",
            "2",
            "--json",
            "--lang",
            "en",
            "--store-postgres",
            "postgres://peil@127.0.0.1/peil",
        ]))?;
        assert_eq!(options.posts, 2000);
        assert_eq!(options.request_rounds, 2);
        assert!(options.json);
        assert!(!options.allow_remote);
        assert_eq!(options.language, OutputLanguage::English);
        assert_eq!(options.url, "postgres://peil@127.0.0.1/peil");
        assert!(parse_options(&arguments(&["--posts", "2000"])).is_err());
        assert!(parse_options(&arguments(&["--posts", "many", "--store-postgres", "x"])).is_err());
        Ok(())
    }

    #[test]
    fn the_side_by_side_benchmark_refuses_a_remote_server() -> Result<()> {
        let options = parse_options(&arguments(&[
            "--posts",
            "10",
            "--store-postgres",
            "postgres://peil:secret-word@db.example.nl:5432/peil",
        ]))?;
        let Err(error) = run(&options) else {
            panic!("a remote server was taken without --allow-remote");
        };
        let message = format!("{error:#}");
        assert!(message.contains("--allow-remote"), "{message}");
        assert!(!message.contains("secret-word"), "{message}");
        // A URL that does not parse is refused without repeating it.
        let Err(error) = parse_options(&arguments(&["--store-postgres"])) else {
            panic!("a missing URL was taken");
        };
        assert!(!format!("{error:#}").contains("secret-word"));
        Ok(())
    }

    #[test]
    fn the_side_by_side_benchmark_stores_the_same_posts_in_both_stores() -> Result<()> {
        let Some(url) =
            postgres_test_url("the_side_by_side_benchmark_stores_the_same_posts_in_both_stores")
        else {
            return Ok(());
        };
        let options = parse_options(&arguments(&[
            "--posts",
            "2000",
            "--request-rounds",
            "2",
            "--store-postgres",
            &url,
        ]))?;
        let figures = serde_json::to_value(run(&options)?)?;
        assert_eq!(figures["posts_generated"], 2000);
        for store in ["embedded", "postgres"] {
            let of_store = &figures[store];
            // Every generated post has its own source id: all are stored, in both stores.
            assert_eq!(of_store["posts_stored"], 2000, "{store}: {figures}");
            for key in ["ingest_posts_per_sec", "request_p50_ms", "request_p95_ms"] {
                let value = of_store[key].as_f64().unwrap_or(-1.0);
                assert!(value > 0.0, "{store} {key}: {figures}");
            }
            assert!(
                of_store["bytes_on_disk"].as_u64().unwrap_or(0) > 100_000,
                "{store} size: {figures}"
            );
            // One measured round of the six requests.
            assert_eq!(of_store["requests_measured"], 6, "{store}: {figures}");
        }
        // The benchmark's schema is dropped afterwards (no --keep).
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        let left: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'peil_bench_%'",
                &[],
            )?
            .try_get(0)?;
        assert_eq!(left, 0, "a benchmark schema was left behind");
        Ok(())
    }
}
