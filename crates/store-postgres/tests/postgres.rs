//! Tests of the PostgreSQL store against a real PostgreSQL 15 (tests/postgres/with-cluster.sh
//! starts a throwaway cluster and exports PEIL_TEST_POSTGRES_URL). Without that variable every
//! test skips with a note, except under CI=true, where a missing PostgreSQL is a failure.
//!
//! Each test works in its own schema (dropped at the end), so the tests run in parallel.
//! Also here: the first slice of the conformance suite, one function generic over
//! `peil_store::PostBackend` run against the embedded store and PostgreSQL with the same posts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use peil_model::{Language, Purpose, SentimentLabel, WorkspaceDraft};
use peil_store::{AggregateRequest, BatchOutcome, Interval, PostBackend, Store, StoredPost};
use peil_store_postgres::{PostgresStore, PostgresStoreError, WorkspaceRegistration};
use postgres::{Client, NoTls};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The test cluster's URL; `None` (with a note) when there is none, a panic under CI=true.
fn test_url(test: &str) -> Option<String> {
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

static SCHEMA_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A schema of its own for one test, dropped when the test ends.
struct TestSchema {
    url: String,
    name: String,
}

impl TestSchema {
    fn new(url: &str, label: &str) -> TestSchema {
        let nanos = Utc::now().timestamp_subsec_nanos();
        let number = SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed);
        TestSchema {
            url: url.to_string(),
            name: format!("peil_test_{label}_{}_{nanos}_{number}", std::process::id()),
        }
    }

    fn open(&self) -> Result<PostgresStore, PostgresStoreError> {
        PostgresStore::connect_in_schema(&self.url, &self.name)
    }

    /// A plain client with the schema on its search path, for checks the store has no API for.
    fn client(&self) -> Result<Client, postgres::Error> {
        let mut client = Client::connect(&self.url, NoTls)?;
        client.batch_execute(&format!(
            "SET search_path TO {}; SET TimeZone TO 'UTC'",
            self.name
        ))?;
        Ok(client)
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&self.url, NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

fn moment(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .unwrap_or_default()
}

fn post(workspace_id: i64, number: u32, published_at: DateTime<Utc>, text: &str) -> StoredPost {
    let mut source_ref = [0u8; 32];
    source_ref[..4].copy_from_slice(&number.to_le_bytes());
    let sentiment = SentimentLabel::ALL[(number % 3) as usize];
    StoredPost {
        workspace_id,
        id: 0,
        source: if number.is_multiple_of(2) {
            "mastodon"
        } else {
            "bluesky"
        }
        .into(),
        source_ref,
        published_at,
        language: if number.is_multiple_of(5) {
            Language::En
        } else {
            Language::Nl
        },
        deidentified_text: text.into(),
        author_pseudonym: [(number % 7) as u8; 32],
        key_period: published_at.format("%Y-%m").to_string(),
        is_reply: false,
        is_repost: number.is_multiple_of(4),
        sentiment,
        sentiment_score: 0.0,
        terms: text
            .split_whitespace()
            .map(|word| word.to_lowercase())
            .collect(),
        hashtags: vec!["afval".into()],
        bigrams: vec![],
        matched_monitor_ids: vec![],
        webcare_reference: None,
    }
}

fn register(
    store: &mut PostgresStore,
    workspace_id: i64,
    retention_days_posts: u32,
) -> Result<(), PostgresStoreError> {
    store.register_organisation(1, "Gemeente Test")?;
    store.register_workspace(&WorkspaceRegistration {
        workspace_id,
        organisation_id: 1,
        name: format!("werkruimte {workspace_id}"),
        retention_days_posts,
        retention_days_aggregates: 365,
    })
}

#[test]
fn migrations_are_idempotent_and_safe_to_run_from_several_processes() -> TestResult {
    let Some(url) = test_url("migrations_are_idempotent") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "migrations");
    // Three connections migrate the fresh schema at once: one applies, the others wait and
    // find it applied.
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            let name = schema.name.clone();
            std::thread::spawn(move || PostgresStore::connect_in_schema(&url, &name).map(|_| ()))
        })
        .collect();
    for handle in handles {
        let joined = handle.join().map_err(|_| "a migrating thread panicked")?;
        joined?;
    }
    let mut store = schema.open()?;
    let all_versions: Vec<i32> = peil_store_postgres::migrations::MIGRATIONS
        .iter()
        .map(|(version, _, _)| *version)
        .collect();
    assert_eq!(store.migration_versions()?, all_versions);
    assert_eq!(store.migrate()?, Vec::<i32>::new(), "nothing left to apply");
    let mut client = schema.client()?;
    let rows: i64 = client
        .query_one("SELECT count(*) FROM schema_migrations", &[])?
        .try_get(0)?;
    assert_eq!(rows, all_versions.len() as i64);
    // The tables of migration 1 exist, posts as a partitioned table.
    let kind: i8 = client
        .query_one(
            "SELECT relkind FROM pg_class WHERE oid = 'posts'::regclass",
            &[],
        )?
        .try_get(0)?;
    assert_eq!(kind as u8, b'p', "posts is partitioned");
    Ok(())
}

#[test]
fn a_batch_stored_twice_is_stored_once() -> TestResult {
    let Some(url) = test_url("a_batch_stored_twice_is_stored_once") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "dedup");
    let mut store = schema.open()?;
    register(&mut store, 7, 30)?;
    let published_at = moment(2026, 11, 20, 9, 15);
    let batch = vec![
        post(7, 1, published_at, "container vol"),
        post(7, 2, published_at, "gft bak"),
        // The same source reference as the first post, in the same batch.
        post(7, 1, published_at, "container vol"),
    ];
    let first = store.store_batch(&batch)?;
    assert_eq!(
        first,
        BatchOutcome {
            stored: 2,
            duplicates: 1,
            stored_flags: vec![true, true, false],
        }
    );
    let second = store.store_batch(&batch)?;
    assert_eq!(second.stored, 0);
    assert_eq!(second.duplicates, 3);
    assert_eq!(second.stored_flags, vec![false, false, false]);
    assert_eq!(store.post_count(7)?, 2);
    assert_eq!(store.posts_with_word(7, "container")?, 1);
    assert_eq!(
        store.volume_per_hour(7)?,
        BTreeMap::from([(moment(2026, 11, 20, 9, 0).timestamp(), 2)])
    );
    // The partition of November was made on demand, and only that one.
    assert_eq!(store.partitions()?, vec!["posts_y2026m11".to_string()]);
    Ok(())
}

/// Posts per rollup row, keyed by the row's columns joined with `|`.
type RowCounts = BTreeMap<String, i64>;

/// The rollup rows and a recount of the posts, both as (workspace, hour, key period, sentiment,
/// language, source) → posts.
fn rollups_and_recount(client: &mut Client) -> Result<(RowCounts, RowCounts), postgres::Error> {
    let read = |client: &mut Client, sql: &str| -> Result<BTreeMap<String, i64>, postgres::Error> {
        let mut rows = BTreeMap::new();
        for row in client.query(sql, &[])? {
            rows.insert(row.try_get::<_, String>(0)?, row.try_get::<_, i64>(1)?);
        }
        Ok(rows)
    };
    let rollups = read(
        client,
        "SELECT concat_ws('|', workspace_id, extract(epoch FROM hour_start)::bigint, key_period,
                sentiment, language, source), posts
         FROM post_volume_hourly",
    )?;
    let recount = read(
        client,
        "SELECT concat_ws('|', workspace_id,
                extract(epoch FROM date_trunc('hour', published_at))::bigint, key_period,
                sentiment, language, source), count(*)
         FROM posts
         GROUP BY workspace_id, date_trunc('hour', published_at), key_period, sentiment,
                language, source",
    )?;
    Ok((rollups, recount))
}

#[derive(Debug, Clone)]
enum Step {
    /// Posts (number, workspace 1 or 2, hours after the start), stored as one batch.
    Batch(Vec<(u32, i64, i64)>),
    /// Delete at the source the post with this number in this workspace.
    Delete(u32, i64),
    /// Run retention this many days after the start.
    Retention(i64),
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => prop::collection::vec((0u32..40, 1i64..=2, 0i64..(24 * 120)), 1..12)
            .prop_map(Step::Batch),
        2 => (0u32..40, 1i64..=2).prop_map(|(number, workspace)| Step::Delete(number, workspace)),
        1 => (0i64..150).prop_map(Step::Retention),
    ]
}

#[test]
fn rollups_equal_a_recount_after_inserts_deletions_and_retention() -> TestResult {
    let Some(url) = test_url("rollups_equal_a_recount") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "rollups");
    let store = std::cell::RefCell::new(schema.open()?);
    let client = std::cell::RefCell::new(schema.client()?);
    {
        let mut store = store.borrow_mut();
        register(&mut store, 1, 30)?;
        register(&mut store, 2, 60)?;
    }
    let start = moment(2026, 7, 1, 0, 0);
    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(step_strategy(), 1..10), |steps| {
        let fail = |error: &dyn std::fmt::Display| TestCaseError::fail(error.to_string());
        let mut store = store.borrow_mut();
        let mut client = client.borrow_mut();
        client
            .batch_execute("TRUNCATE posts, post_references, post_volume_hourly")
            .map_err(|error| fail(&error))?;
        for step in &steps {
            match step {
                Step::Batch(posts) => {
                    let batch: Vec<StoredPost> = posts
                        .iter()
                        .map(|(number, workspace, hours)| {
                            post(
                                *workspace,
                                *number,
                                start + TimeDelta::minutes(hours * 60 + i64::from(*number)),
                                "afval container",
                            )
                        })
                        .collect();
                    store.store_batch(&batch).map_err(|error| fail(&error))?;
                }
                Step::Delete(number, workspace) => {
                    let mut source_ref = [0u8; 32];
                    source_ref[..4].copy_from_slice(&number.to_le_bytes());
                    store
                        .delete_post_by_reference(*workspace, &source_ref)
                        .map_err(|error| fail(&error))?;
                }
                Step::Retention(days) => {
                    store
                        .run_retention(start + TimeDelta::days(*days))
                        .map_err(|error| fail(&error))?;
                }
            }
            let (rollups, recount) =
                rollups_and_recount(&mut client).map_err(|error| fail(&error))?;
            prop_assert_eq!(rollups, recount, "after {:?}", step);
        }
        Ok(())
    });
    result.map_err(|error| error.to_string())?;
    Ok(())
}

/// Whether any file under `directory` holds `needle`.
fn files_hold(directory: &Path, needle: &[u8]) -> std::io::Result<Vec<String>> {
    let mut holding = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue; // removed between listing and reading
            };
            if bytes.windows(needle.len()).any(|window| window == needle) {
                holding.push(path.display().to_string());
            }
        }
    }
    Ok(holding)
}

#[test]
fn postgres_canary_expired_posts_are_gone_from_queries_catalog_and_table_files() -> TestResult {
    let Some(url) = test_url("postgres_canary") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "canary");
    let mut store = schema.open()?;
    register(&mut store, 3, 30)?;
    let unique = format!(
        "{}x{}",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    );
    // One canary in August (a partition wholly past the 30 days), one on 10 November (the
    // boundary partition: the horizon is 15 November), and posts that stay.
    let old_canary = format!("kanarieoud{unique}");
    let boundary_canary = format!("kanariegrens{unique}");
    // And one in December, within retention, deleted at the source before the run.
    let deleted_canary = format!("kanarieweg{unique}");
    let posts = vec![
        post(
            3,
            1,
            moment(2026, 8, 10, 12, 0),
            &format!("container {old_canary}"),
        ),
        post(3, 2, moment(2026, 8, 11, 12, 0), "container vol"),
        post(
            3,
            3,
            moment(2026, 11, 10, 12, 0),
            &format!("bak {boundary_canary}"),
        ),
        post(3, 4, moment(2026, 11, 20, 12, 0), "container leeg"),
        post(3, 5, moment(2026, 12, 14, 12, 0), "gft bak"),
        post(
            3,
            6,
            moment(2026, 12, 14, 13, 0),
            &format!("bak {deleted_canary}"),
        ),
    ];
    assert_eq!(store.store_batch(&posts)?.stored, 6);
    let mut client = schema.client()?;
    let data_directory: String = client.query_one("SHOW data_directory", &[])?.try_get(0)?;
    let database_oid: u32 = client
        .query_one(
            "SELECT oid FROM pg_database WHERE datname = current_database()",
            &[],
        )?
        .try_get(0)?;
    let database_files = Path::new(&data_directory)
        .join("base")
        .join(database_oid.to_string());
    let files_readable = std::fs::read_dir(&database_files).is_ok();
    if files_readable {
        // The scan finds the canaries while they are stored (else the check below proves
        // nothing).
        client.batch_execute("CHECKPOINT")?;
        assert!(!files_hold(&database_files, old_canary.as_bytes())?.is_empty());
        assert!(!files_hold(&database_files, boundary_canary.as_bytes())?.is_empty());
        assert!(!files_hold(&database_files, deleted_canary.as_bytes())?.is_empty());
    } else if std::env::var("CI").as_deref() == Ok("true") {
        return Err(
            format!("the data directory {data_directory} is not readable under CI=true").into(),
        );
    } else {
        eprintln!("note: the data directory is not readable here; the file scan is skipped");
    }
    assert_eq!(store.posts_with_word(3, &old_canary)?, 1);
    assert!(store.delete_post_by_reference(3, &posts[5].source_ref)?);
    assert_eq!(store.posts_with_word(3, &deleted_canary)?, 0);

    let report = store.run_retention(moment(2026, 12, 15, 0, 0))?;
    assert_eq!(report.posts_deleted, 3);
    assert_eq!(report.posts_deleted_per_workspace, BTreeMap::from([(3, 3)]));
    assert_eq!(
        report.partitions_dropped,
        vec!["posts_y2026m08".to_string()]
    );
    assert_eq!(report.relations_left_pending, Vec::<String>::new());
    // The boundary partition, the partition of the deletion at the source and the references
    // were rewritten.
    for relation in ["posts_y2026m11", "posts_y2026m12", "post_references"] {
        assert!(
            report.relations_compacted.contains(&relation.to_string()),
            "{relation} not rewritten: {:?}",
            report.relations_compacted
        );
    }

    // No query reaches an expired post: not through the store, not through plain SQL.
    assert_eq!(store.post_count(3)?, 2);
    assert_eq!(store.posts_with_word(3, &old_canary)?, 0);
    assert_eq!(store.posts_with_word(3, &boundary_canary)?, 0);
    let like = format!("%{unique}%");
    let readable: i64 = client
        .query_one(
            "SELECT count(*) FROM posts WHERE text LIKE $1 OR array_to_string(terms, ' ') LIKE $1",
            &[&like],
        )?
        .try_get(0)?;
    assert_eq!(readable, 0);
    let references: i64 = client
        .query_one(
            "SELECT count(*) FROM post_references WHERE published_at < '2026-11-15'",
            &[],
        )?
        .try_get(0)?;
    assert_eq!(references, 0);
    // The August partition no longer exists in the catalog.
    let august: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relname = 'posts_y2026m08'",
            &[&schema.name],
        )?
        .try_get(0)?;
    assert_eq!(august, 0);
    assert_eq!(
        store.partitions()?,
        vec!["posts_y2026m11".to_string(), "posts_y2026m12".to_string()]
    );
    // The rollups lost the expired posts.
    let hours: BTreeSet<i64> = store.volume_per_hour(3)?.keys().copied().collect();
    assert_eq!(
        hours,
        BTreeSet::from([
            moment(2026, 11, 20, 12, 0).timestamp(),
            moment(2026, 12, 14, 12, 0).timestamp()
        ])
    );
    if files_readable {
        // After a checkpoint the dropped partition's files are unlinked and the rewritten
        // boundary partition holds no dead tuple: neither canary is in any file of the database.
        client.batch_execute("CHECKPOINT")?;
        assert_eq!(
            files_hold(&database_files, old_canary.as_bytes())?,
            Vec::<String>::new()
        );
        assert_eq!(
            files_hold(&database_files, boundary_canary.as_bytes())?,
            Vec::<String>::new()
        );
        assert_eq!(
            files_hold(&database_files, deleted_canary.as_bytes())?,
            Vec::<String>::new()
        );
    }
    Ok(())
}

/// What a backend answered at each step of the conformance scenario.
#[derive(Debug, PartialEq, Eq)]
struct Observations {
    first_batch: BatchOutcome,
    second_batch: BatchOutcome,
    count_after_batches: u64,
    /// Posts holding the words "container", "gft", "bak" and "afwezig" after the batches.
    word_matches_after_batches: Vec<u64>,
    volumes_after_batches: BTreeMap<i64, u64>,
    deleted_at_source: bool,
    deleted_again: bool,
    count_after_deletion: u64,
    volumes_after_deletion: BTreeMap<i64, u64>,
    retention_deleted: u64,
    count_after_retention: u64,
    word_matches_after_retention: Vec<u64>,
    volumes_after_retention: BTreeMap<i64, u64>,
}

/// Posts of `workspace_id` holding each of the scenario's words.
fn word_matches<B: PostBackend>(backend: &mut B, workspace_id: i64) -> Result<Vec<u64>, B::Error> {
    ["container", "gft", "bak", "afwezig"]
        .iter()
        .map(|word| backend.stored_posts_with_word(workspace_id, word))
        .collect()
}

/// The conformance scenario, the same for every backend: two overlapping batches, a deletion at
/// the source, a retention run.
fn conformance_scenario<B: PostBackend>(
    backend: &mut B,
    workspace_id: i64,
) -> Result<Observations, B::Error> {
    let first: Vec<StoredPost> = (0..12)
        .map(|number| {
            post(
                workspace_id,
                number,
                moment(2026, 10, 1 + number * 2, 8 + number % 3, 10),
                "afval container bak",
            )
        })
        .collect();
    // Overlaps the first batch (numbers 8..12) and repeats a post inside itself.
    let mut second: Vec<StoredPost> = (8..16)
        .map(|number| {
            post(
                workspace_id,
                number,
                moment(2026, 10, 1 + number, 14, 40),
                "container gft",
            )
        })
        .collect();
    second.push(second[0].clone());
    let first_batch = backend.store_post_batch(&first)?;
    let second_batch = backend.store_post_batch(&second)?;
    let count_after_batches = backend.stored_post_count(workspace_id)?;
    let word_matches_after_batches = word_matches(backend, workspace_id)?;
    let volumes_after_batches = backend.post_volume_per_hour(workspace_id)?;
    let deleted_at_source = backend.delete_post_at_source(workspace_id, &first[3].source_ref)?;
    let deleted_again = backend.delete_post_at_source(workspace_id, &first[3].source_ref)?;
    let count_after_deletion = backend.stored_post_count(workspace_id)?;
    let volumes_after_deletion = backend.post_volume_per_hour(workspace_id)?;
    // 30 days of retention as of 20 November: posts before 21 October 00:00 go.
    let retention_deleted = backend.apply_post_retention(moment(2026, 11, 20, 0, 0))?;
    Ok(Observations {
        first_batch,
        second_batch,
        count_after_batches,
        word_matches_after_batches,
        volumes_after_batches,
        deleted_at_source,
        deleted_again,
        count_after_deletion,
        volumes_after_deletion,
        retention_deleted,
        count_after_retention: backend.stored_post_count(workspace_id)?,
        word_matches_after_retention: word_matches(backend, workspace_id)?,
        volumes_after_retention: backend.post_volume_per_hour(workspace_id)?,
    })
}

#[test]
fn conformance_embedded_and_postgres_give_the_same_answers() -> TestResult {
    let Some(url) = test_url("conformance_embedded_and_postgres") else {
        return Ok(());
    };
    // The embedded store: catalog first, then the same workspace id registered in PostgreSQL.
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let draft = WorkspaceDraft {
        name: "afval".into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 10,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation.id, &draft, "test", "tester")?;
    let schema = TestSchema::new(&url, "conformance");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    postgres.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id: organisation.id,
        name: workspace.name.clone(),
        retention_days_posts: 30,
        retention_days_aggregates: 365,
    })?;

    let from_embedded = conformance_scenario(&mut embedded, workspace.id)?;
    let from_postgres = conformance_scenario(&mut postgres, workspace.id)?;
    assert_eq!(from_embedded, from_postgres);
    // And the answers are the expected ones (not merely equal).
    assert_eq!(from_postgres.first_batch.stored, 12);
    assert_eq!(from_postgres.second_batch.stored, 4);
    assert_eq!(from_postgres.second_batch.duplicates, 5);
    assert_eq!(from_postgres.count_after_batches, 16);
    // 12 posts "afval container bak" and 4 new "container gft"; no post holds "afwezig".
    assert_eq!(from_postgres.word_matches_after_batches, vec![16, 4, 12, 0]);
    assert_eq!(
        from_postgres.volumes_after_batches.values().sum::<u64>(),
        16
    );
    assert!(from_postgres.deleted_at_source);
    assert!(!from_postgres.deleted_again);
    assert_eq!(from_postgres.count_after_deletion, 15);
    assert!(from_postgres.retention_deleted > 0);
    assert_eq!(
        from_postgres.count_after_retention,
        15 - from_postgres.retention_deleted
    );
    assert_eq!(
        from_postgres.volumes_after_retention.values().sum::<u64>(),
        from_postgres.count_after_retention
    );
    Ok(())
}

/// Measurement, not a check (run with `--ignored --nocapture`): posts per second stored in
/// batches of 500, in PostgreSQL and in the embedded store, and the retention run after it.
#[test]
#[ignore]
fn measure_batch_throughput() -> TestResult {
    let Some(url) = test_url("measure_batch_throughput") else {
        return Ok(());
    };
    let total: u32 = std::env::var("PEIL_MEASURE_POSTS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(20_000);
    let start = moment(2026, 9, 1, 0, 0);
    let posts: Vec<StoredPost> = (0..total)
        .map(|number| {
            post(
                1,
                number,
                start + TimeDelta::minutes(i64::from(number) * 7),
                "afval container bak gft leeg vol straat buurt",
            )
        })
        .collect();
    let schema = TestSchema::new(&url, "measure");
    let mut postgres = schema.open()?;
    register(&mut postgres, 1, 30)?;
    let clock = std::time::Instant::now();
    for batch in posts.chunks(500) {
        postgres.store_batch(batch)?;
    }
    let postgres_seconds = clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let report = postgres.run_retention(start + TimeDelta::days(90))?;
    let retention_seconds = clock.elapsed().as_secs_f64();

    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let draft = WorkspaceDraft {
        name: "meting".into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 10,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation.id, &draft, "test", "tester")?;
    let embedded_posts: Vec<StoredPost> = posts
        .iter()
        .map(|post| StoredPost {
            workspace_id: workspace.id,
            ..post.clone()
        })
        .collect();
    let clock = std::time::Instant::now();
    for batch in embedded_posts.chunks(500) {
        embedded.insert_posts(batch)?;
    }
    let embedded_seconds = clock.elapsed().as_secs_f64();
    eprintln!(
        "measured: {total} posts in batches of 500: PostgreSQL {:.0} posts/s ({postgres_seconds:.2} s), \
         embedded {:.0} posts/s ({embedded_seconds:.2} s); PostgreSQL retention deleted {} posts, \
         dropped {} partitions in {retention_seconds:.2} s",
        f64::from(total) / postgres_seconds,
        f64::from(total) / embedded_seconds,
        report.posts_deleted,
        report.partitions_dropped.len(),
    );
    Ok(())
}

#[test]
fn several_writers_store_each_post_once() -> TestResult {
    let Some(url) = test_url("several_writers_store_each_post_once") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "writers");
    let mut store = schema.open()?;
    register(&mut store, 4, 30)?;
    // Four connections store overlapping batches at once (as two `serve` and two `watch`
    // processes would): posts 0..60, each writer from a different offset, in its own order.
    let handles: Vec<_> = (0..4u32)
        .map(|writer| {
            let url = url.clone();
            let name = schema.name.clone();
            std::thread::spawn(move || -> Result<u64, PostgresStoreError> {
                let mut store = PostgresStore::connect_in_schema(&url, &name)?;
                let mut stored = 0;
                for round in 0..3u32 {
                    let batch: Vec<StoredPost> = (0..30u32)
                        .map(|index| (index * 7 + writer * 11 + round * 13) % 60)
                        .map(|number| {
                            post(
                                4,
                                number,
                                moment(2026, 11, 1 + number % 28, 10, 0),
                                "container",
                            )
                        })
                        .collect();
                    stored += store.store_batch(&batch)?.stored;
                }
                Ok(stored)
            })
        })
        .collect();
    let mut stored_by_all = 0;
    for handle in handles {
        stored_by_all += handle.join().map_err(|_| "a writer panicked")??;
    }
    let expected: BTreeSet<u32> = (0..4u32)
        .flat_map(|writer| {
            (0..3u32).flat_map(move |round| {
                (0..30u32).map(move |index| (index * 7 + writer * 11 + round * 13) % 60)
            })
        })
        .collect();
    assert_eq!(stored_by_all, expected.len() as u64);
    assert_eq!(store.post_count(4)?, expected.len() as u64);
    assert_eq!(
        store.volume_per_hour(4)?.values().sum::<u64>(),
        expected.len() as u64
    );
    Ok(())
}

#[test]
fn the_term_dictionary_holds_exactly_the_stored_terms_under_writers_and_deletions() -> TestResult {
    let Some(url) = test_url("the_term_dictionary_holds_exactly_the_stored_terms") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "dictionary");
    let mut store = schema.open()?;
    register(&mut store, 5, 30)?;
    // Two writers store batches of posts with words of their own and shared words, while a third
    // connection deletes posts at the source (their words then held by no post, or by posts
    // being written); no deadlock, and the dictionary ends equal to the terms the posts hold.
    let texts = [
        "deel een",
        "deel twee",
        "alleen drie",
        "alleen vier",
        "deel vijf zes",
    ];
    let writers: Vec<_> = (0..2u32)
        .map(|writer| {
            let url = url.clone();
            let name = schema.name.clone();
            std::thread::spawn(move || -> Result<(), PostgresStoreError> {
                let mut store = PostgresStore::connect_in_schema(&url, &name)?;
                for round in 0..6u32 {
                    let batch: Vec<StoredPost> = (0..20u32)
                        .map(|index| writer * 1_000 + round * 20 + index)
                        .map(|number| {
                            post(
                                5,
                                number,
                                moment(2026, 11, 1 + number % 28, 10, 0),
                                &format!("{} w{writer}r{round}", texts[(number % 5) as usize]),
                            )
                        })
                        .collect();
                    store.store_batch(&batch)?;
                }
                Ok(())
            })
        })
        .collect();
    let deleter = {
        let url = url.clone();
        let name = schema.name.clone();
        std::thread::spawn(move || -> Result<u64, PostgresStoreError> {
            let mut store = PostgresStore::connect_in_schema(&url, &name)?;
            let mut deleted = 0;
            for pass in 0..3 {
                for number in (0..120u32)
                    .chain(1_000..1_120)
                    .filter(|n| n % 3 == pass % 3)
                {
                    let mut reference = [0u8; 32];
                    reference[..4].copy_from_slice(&number.to_le_bytes());
                    deleted += u64::from(store.delete_post_by_reference(5, &reference)?);
                }
            }
            Ok(deleted)
        })
    };
    for writer in writers {
        writer.join().map_err(|_| "a writer panicked")??;
    }
    let deleted = deleter.join().map_err(|_| "the deleter panicked")??;
    assert!(deleted > 0);
    let mut client = schema.client()?;
    let dictionary: BTreeSet<String> = client
        .query("SELECT term FROM terms WHERE workspace_id = 5", &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let held: BTreeSet<String> = client
        .query(
            "SELECT DISTINCT unnest(terms) FROM posts WHERE workspace_id = 5",
            &[],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    assert!(!held.is_empty());
    assert_eq!(dictionary, held);
    assert_eq!(store.post_count(5)?, 240 - deleted);
    Ok(())
}

#[test]
fn retention_runs_and_writers_side_by_side_keep_one_truth() -> TestResult {
    let Some(url) = test_url("retention_runs_and_writers_side_by_side") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "sidebyside");
    let mut store = schema.open()?;
    register(&mut store, 5, 30)?;
    let as_of = moment(2026, 12, 15, 0, 0);
    // Two writers store posts from August to December while two processes run retention.
    let mut handles = Vec::new();
    for writer in 0..2u32 {
        let url = url.clone();
        let name = schema.name.clone();
        handles.push(std::thread::spawn(
            move || -> Result<(), PostgresStoreError> {
                let mut store = PostgresStore::connect_in_schema(&url, &name)?;
                for round in 0..6u32 {
                    let batch: Vec<StoredPost> = (0..20u32)
                        .map(|index| {
                            let number = writer * 1_000 + round * 20 + index;
                            post(
                                5,
                                number,
                                moment(2026, 8 + (index % 5), 1 + (number % 27), 6, 0),
                                "container",
                            )
                        })
                        .collect();
                    store.store_batch(&batch)?;
                }
                Ok(())
            },
        ));
    }
    for _ in 0..2 {
        let url = url.clone();
        let name = schema.name.clone();
        handles.push(std::thread::spawn(
            move || -> Result<(), PostgresStoreError> {
                let mut store = PostgresStore::connect_in_schema(&url, &name)?;
                for _ in 0..3 {
                    store.run_retention(as_of)?;
                }
                Ok(())
            },
        ));
    }
    for handle in handles {
        handle.join().map_err(|_| "a thread panicked")??;
    }
    // A last run after the writers: nothing before the horizon is left, and the rollups equal
    // a recount of what is.
    store.run_retention(as_of)?;
    let mut client = schema.client()?;
    let expired: i64 = client
        .query_one(
            "SELECT count(*) FROM posts WHERE published_at < '2026-11-15'",
            &[],
        )?
        .try_get(0)?;
    assert_eq!(expired, 0);
    let (rollups, recount) = rollups_and_recount(&mut client)?;
    assert_eq!(rollups, recount);
    assert!(store.post_count(5)? > 0);
    assert!(!store.partitions()?.contains(&"posts_y2026m08".to_string()));
    Ok(())
}

#[test]
fn errors_carry_no_values_of_rows() -> TestResult {
    let Some(url) = test_url("errors_carry_no_values_of_rows") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "errors");
    let mut store = schema.open()?;
    // A workspace of an organisation that does not exist: PostgreSQL's DETAIL names the key
    // value; the store's error keeps the SQLSTATE and the message only.
    let Err(error) = store.register_workspace(&WorkspaceRegistration {
        workspace_id: 9,
        organisation_id: 424_242,
        name: "geheim".into(),
        retention_days_posts: 30,
        retention_days_aggregates: 365,
    }) else {
        return Err("a workspace of an unknown organisation was registered".into());
    };
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("23503"), "{shown}");
    assert!(!shown.contains("424242"), "{shown}");
    assert!(!shown.contains("Key ("), "{shown}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Conformance of the k-gated partitions of an aggregate (totals, volume, sentiment, languages,
// sources, sentiment over time): `peil_store::aggregate_partitions` over the embedded store's
// facts and `PostgresStore::aggregate_partitions` give the same report (serde JSON equal) for the
// same posts and request.

/// One author's post of the aggregate corpus.
#[allow(clippy::too_many_arguments)]
fn corpus_post(
    workspace_id: i64,
    number: u32,
    author: u32,
    published_at: DateTime<Utc>,
    text: &str,
    language: Language,
    source: &str,
    sentiment: SentimentLabel,
) -> StoredPost {
    let mut source_ref = [0u8; 32];
    source_ref[..4].copy_from_slice(&number.to_le_bytes());
    let mut author_pseudonym = [7u8; 32];
    author_pseudonym[..4].copy_from_slice(&author.to_le_bytes());
    let words: Vec<&str> = text.split_whitespace().collect();
    StoredPost {
        workspace_id,
        id: 0,
        source: source.into(),
        source_ref,
        published_at,
        language,
        deidentified_text: text.into(),
        author_pseudonym,
        key_period: published_at.format("%Y-%m").to_string(),
        is_reply: false,
        is_repost: number.is_multiple_of(4),
        sentiment,
        sentiment_score: 0.0,
        terms: words
            .iter()
            .filter(|word| !word.starts_with('#'))
            .map(|word| word.to_lowercase())
            .collect(),
        hashtags: words
            .iter()
            .filter_map(|word| word.strip_prefix('#'))
            .map(|tag| tag.to_lowercase())
            .collect(),
        bigrams: vec![],
        matched_monitor_ids: vec![],
        webcare_reference: None,
    }
}

const CORPUS_TEXTS: [&str; 6] = [
    "afval container vol #afval",
    "gft bak niet geleegd #afval",
    "verkeer drukte op de brug #verkeer",
    "containers bij de brug vol afval",
    "gft bak en afval #afval #verkeer",
    "mooi weer vandaag",
];

/// Texts of the random-posts conformance test beyond `CORPUS_TEXTS`, for the query prefilter:
/// upper case, hashtags in upper case, diacritics, stems (plural, inflected), stop words, a word
/// of several tokens, words that only a wildcard reaches.
const PREFILTER_TEXTS: [&str; 6] = [
    "Het Café bij de Brug is DICHT #Afval",
    "Gemeenten halen de containers op na covid-19 #Verkeer",
    "Déjà vu: gft-bak weer vol #KLIMAAT #afvalscheiding",
    "The municipalities collect waste near the bridge #verkeersveiligheid",
    "Die Gemeinden und der Müll am Brückentag",
    "cafe deja vu en een gemeente met containerbeleid",
];

/// Text `index` of the random-posts pool: `CORPUS_TEXTS`, then `PREFILTER_TEXTS`.
fn random_text(index: usize) -> &'static str {
    let pool_size = CORPUS_TEXTS.len() + PREFILTER_TEXTS.len();
    let index = index % pool_size;
    match CORPUS_TEXTS.get(index) {
        Some(text) => text,
        None => PREFILTER_TEXTS[index - CORPUS_TEXTS.len()],
    }
}

/// Queries of the random-posts conformance test that exercise every construct the query
/// prefilter derives a condition from (or must not): words in upper case, stems, stop words,
/// diacritics, hashtags with `#` and upper case, phrases, words of several tokens, wildcards,
/// NOT, OR of mixed kinds, language and source filters; and queries whose prefilter decides
/// alone (hashtags, filters, one-word phrases), answered without the matcher.
const PREFILTER_QUERIES: [&str; 15] = [
    "\"Café\" OR #verkeer lang:fr",
    "AFVAL",
    "#Afval",
    "#KLIMAAT OR #verkeer",
    "Café",
    "deja",
    "gemeenten OR municipality",
    "container",
    "de brug",
    "\"gft bak\" OR \"deja vu\"",
    "covid-19 OR müll",
    "contain* OR #verkeer",
    "#afval* -brug",
    "(afval OR café OR #verkeer) lang:nl source:bluesky",
    "NOT afval OR (gemeinden AND NOT lang:de)",
];

/// Source reference number of the first post of the group of exactly k French-writing authors.
const FIRST_FRENCH_POST: u32 = 1_000;

/// The corpus (k = 5): 240 posts of 30 authors over 2–4 November 2026 (Dutch and English,
/// mastodon and bluesky, every sentiment class); 5 posts in French of exactly 5 authors on
/// 4 November; 8 posts of 4 authors (one fewer than k) in German from an RSS source on
/// 5 November.
fn aggregate_corpus(workspace_id: i64) -> Vec<StoredPost> {
    let mut posts = Vec::new();
    for number in 0..240u32 {
        let day = 2 + (number / 7) % 3;
        let hour = (number * 5) % 24;
        posts.push(corpus_post(
            workspace_id,
            number,
            number % 30,
            moment(2026, 11, day, hour, number % 60),
            CORPUS_TEXTS[(number % 6) as usize],
            if number % 3 == 0 {
                Language::En
            } else {
                Language::Nl
            },
            if number.is_multiple_of(2) {
                "mastodon"
            } else {
                "bluesky"
            },
            SentimentLabel::ALL[((number / 2) % 3) as usize],
        ));
    }
    for offset in 0..5u32 {
        posts.push(corpus_post(
            workspace_id,
            FIRST_FRENCH_POST + offset,
            200 + offset,
            moment(2026, 11, 4, 10 + offset, 0),
            "afval container",
            Language::Fr,
            "mastodon",
            SentimentLabel::ALL[(offset % 3) as usize],
        ));
    }
    for offset in 0..8u32 {
        posts.push(corpus_post(
            workspace_id,
            2_000 + offset,
            100 + offset % 4,
            moment(2026, 11, 5, 8 + offset, 30),
            "verkeer brug #verkeer",
            Language::De,
            "rss",
            SentimentLabel::ALL[(offset % 3) as usize],
        ));
    }
    posts
}

/// A request: (query text, interval, window).
type RequestSpec = (
    Option<&'static str>,
    Interval,
    Option<(DateTime<Utc>, DateTime<Utc>)>,
);

/// 2–4 November (the German group of 5 November outside).
fn three_days() -> RequestSpec {
    (
        None,
        Interval::Day,
        Some((moment(2026, 11, 2, 0, 0), moment(2026, 11, 5, 0, 0))),
    )
}

/// The whole corpus.
fn whole_corpus() -> RequestSpec {
    (None, Interval::Day, None)
}

/// The requests compared, in order (each answer is remembered by the differencing audit of
/// both backends, so later ones are audited against earlier ones).
fn aggregate_requests() -> Vec<RequestSpec> {
    vec![
        three_days(),
        whole_corpus(),
        (
            None,
            Interval::Hour,
            Some((moment(2026, 11, 4, 6, 0), moment(2026, 11, 5, 23, 0))),
        ),
        (Some("afval"), Interval::Day, None),
        (Some("#verkeer"), Interval::Day, None),
        (
            Some("afval AND NOT gft"),
            Interval::Day,
            Some((moment(2026, 11, 2, 0, 0), moment(2026, 11, 5, 0, 0))),
        ),
        (
            Some("verkeer OR gft"),
            Interval::Hour,
            Some((moment(2026, 11, 3, 0, 0), moment(2026, 11, 4, 0, 0))),
        ),
        (Some("(afval OR #verkeer) AND lang:nl"), Interval::Day, None),
        (Some("\"gft bak\""), Interval::Day, None),
        (Some("contain*"), Interval::Day, None),
        (Some("vol AND NOT source:bluesky"), Interval::Day, None),
    ]
}

/// The partitions of every request from both backends, as JSON, after checking they are equal.
fn compare_partitions(
    embedded: &Store,
    postgres: &mut PostgresStore,
    workspace: &peil_model::Workspace,
    requests: &[RequestSpec],
    step: &str,
) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    let mut reports = Vec::new();
    for (query_text, interval, window) in requests.iter().copied() {
        let query = match query_text {
            Some(text) => Some(peil_query::parse(text)?),
            None => None,
        };
        let request = AggregateRequest {
            query: query.as_ref(),
            from: window.map(|(from, _)| from),
            to: window.map(|(_, to)| to),
            interval,
            top: 10,
        };
        let from_embedded = serde_json::to_value(peil_store::aggregate_partitions(
            embedded, workspace, &request,
        )?)?;
        let from_postgres =
            serde_json::to_value(postgres.aggregate_partitions(workspace, &request)?)?;
        assert_eq!(
            from_embedded, from_postgres,
            "{step}: query {query_text:?}, {interval:?}, window {window:?}"
        );
        reports.push(from_postgres);
    }
    Ok(reports)
}

/// The cell of `partition` with `key` in a report as JSON.
fn json_cell<'a>(
    report: &'a serde_json::Value,
    partition: &str,
    key: &str,
) -> Option<&'a serde_json::Value> {
    report[partition]
        .as_array()?
        .iter()
        .find(|cell| cell["key"] == key)
}

/// A new workspace (k = 5) in the embedded store, registered in PostgreSQL, holding the corpus
/// in both.
fn corpus_workspace(
    embedded: &mut Store,
    postgres: &mut PostgresStore,
    organisation_id: i64,
    name: &str,
) -> Result<peil_model::Workspace, Box<dyn std::error::Error>> {
    let draft = WorkspaceDraft {
        name: name.into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation_id, &draft, "test", "tester")?;
    postgres.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id,
        name: workspace.name.clone(),
        retention_days_posts: 30,
        retention_days_aggregates: 365,
    })?;
    let corpus = aggregate_corpus(workspace.id);
    embedded.store_post_batch(&corpus)?;
    postgres.store_post_batch(&corpus)?;
    Ok(workspace)
}

/// Whether the cell `key` of `partition` is suppressed in a report as JSON.
fn suppressed(report: &serde_json::Value, partition: &str, key: &str) -> bool {
    json_cell(report, partition, key).is_some_and(|cell| cell["suppressed"] == true)
}

#[test]
fn conformance_aggregates_embedded_and_postgres_give_the_same_reports() -> TestResult {
    let Some(url) = test_url("conformance_aggregates") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "aggregates");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;

    // 1. The whole corpus first, through the embedded request path and then through both
    // backends' partitions: German (4 authors, one fewer than k) is suppressed on both, and
    // French (the smallest visible language) with it, because "total minus the other languages"
    // would reveal German; the RSS source and the day of 5 November too, and the sentiment series
    // whole.
    let first = corpus_workspace(&mut embedded, &mut postgres, organisation.id, "eerst")?;
    let whole_request = AggregateRequest {
        query: None,
        from: None,
        to: None,
        interval: Interval::Day,
        top: 10,
    };
    let from_request_path = embedded.aggregate(&first, &whole_request)?.partitions();
    let reports = compare_partitions(&embedded, &mut postgres, &first, &[whole_corpus()], "whole")?;
    assert_eq!(serde_json::to_value(&from_request_path)?, reports[0]);
    let whole = &reports[0];
    assert_eq!(whole["totals"]["posts"], 253);
    assert!(suppressed(whole, "languages", "de"));
    assert!(suppressed(whole, "languages", "fr"));
    assert_eq!(
        json_cell(whole, "languages", "nl").map(|cell| &cell["posts"]),
        Some(&160.into())
    );
    assert!(suppressed(whole, "sources", "rss"));
    assert!(suppressed(whole, "volume", "2026-11-05T00:00:00Z"));
    assert_eq!(whole["sentiment_series_suppressed"], 12);

    // 2. Every request in turn on a second workspace: the same reports, the differencing audit
    // included. 2–4 November first: French (exactly 5 authors) and the series are shown; the
    // whole corpus after it would reveal the German group as the difference: withheld on both.
    let second = corpus_workspace(&mut embedded, &mut postgres, organisation.id, "tweede")?;
    let requests = aggregate_requests();
    let reports = compare_partitions(&embedded, &mut postgres, &second, &requests, "sequence")?;
    assert_eq!(reports[0]["totals"]["posts"], 245);
    assert_eq!(
        json_cell(&reports[0], "languages", "fr").map(|cell| &cell["posts"]),
        Some(&5.into())
    );
    assert_eq!(reports[0]["sentiment_series_suppressed"], 0);
    assert_eq!(reports[0]["suppressed_cells"], 0);
    assert!(reports[1]["totals"]["posts"].is_null());
    assert!(reports[1]["differencing_refusal"].is_object());
    // Not a comparison of empty reports: most requests are answered.
    let answered = reports
        .iter()
        .filter(|report| report["totals"]["posts"].as_u64().unwrap_or(0) > 0)
        .count();
    assert!(answered >= 6, "{answered} answered");
    // Asked again, every answer is the same on both (identical scopes answer as before).
    let again = compare_partitions(&embedded, &mut postgres, &second, &requests, "again")?;
    assert_eq!(again, reports);

    // 3. A deletion at the source takes the French group below k on both backends, with
    // complementary suppression of one more language.
    let third = corpus_workspace(&mut embedded, &mut postgres, organisation.id, "derde")?;
    let mut french_reference = [0u8; 32];
    french_reference[..4].copy_from_slice(&FIRST_FRENCH_POST.to_le_bytes());
    assert!(embedded.delete_post_at_source(third.id, &french_reference)?);
    assert!(postgres.delete_post_at_source(third.id, &french_reference)?);
    let reports = compare_partitions(
        &embedded,
        &mut postgres,
        &third,
        &[three_days()],
        "deletion",
    )?;
    assert_eq!(reports[0]["totals"]["posts"], 244);
    assert!(suppressed(&reports[0], "languages", "fr"));
    let suppressed_languages = reports[0]["languages"].as_array().map_or(0, |cells| {
        cells
            .iter()
            .filter(|cell| cell["suppressed"] == true)
            .count()
    });
    assert_eq!(suppressed_languages, 2);

    // 4. Retention (30 days as of 3 December noon) removes the posts before 3 November noon;
    // afterwards the reports (audited against the answers before it) are again the same.
    let removed_embedded = embedded.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    let removed_postgres = postgres.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    assert_eq!(removed_embedded, removed_postgres);
    assert!(removed_postgres > 0);
    let fourth = corpus_workspace(&mut embedded, &mut postgres, organisation.id, "vierde")?;
    let removed_embedded = embedded.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    let removed_postgres = postgres.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    assert_eq!(removed_embedded, removed_postgres);
    let after = compare_partitions(
        &embedded,
        &mut postgres,
        &fourth,
        &[whole_corpus()],
        "retention",
    )?;
    assert_eq!(
        after[0]["totals"]["posts"].as_u64(),
        Some(253 - removed_postgres)
    );
    compare_partitions(
        &embedded,
        &mut postgres,
        &second,
        &requests,
        "after retention",
    )?;
    Ok(())
}

/// One random post: (author, hour after 2 November 00:00, text, language, source, sentiment).
type RandomPost = (u32, u32, usize, usize, usize, usize);

#[test]
fn conformance_aggregates_on_random_posts() -> TestResult {
    let Some(url) = test_url("conformance_aggregates_on_random_posts") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "aggregates_random");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    let stores = std::cell::RefCell::new((embedded, postgres));
    let case_number = AtomicU64::new(0);
    let languages = [Language::Nl, Language::En, Language::De, Language::Fr];
    let sources = ["mastodon", "bluesky", "rss"];
    let mut requests: Vec<RequestSpec> = vec![
        whole_corpus(),
        (
            None,
            Interval::Hour,
            Some((moment(2026, 11, 2, 12, 0), moment(2026, 11, 3, 18, 0))),
        ),
        (Some("afval"), Interval::Day, None),
        (Some("#verkeer OR gft"), Interval::Hour, None),
        (
            Some("brug AND NOT lang:en"),
            Interval::Day,
            Some((moment(2026, 11, 3, 0, 0), moment(2026, 11, 5, 0, 0))),
        ),
    ];
    let mut report_requests = requests.clone();
    for query_text in PREFILTER_QUERIES {
        requests.push((Some(query_text), Interval::Day, None));
    }
    report_requests.push((
        Some("Gemeenten OR #Afval OR \"deja vu\""),
        Interval::Day,
        None,
    ));
    report_requests.push((
        None,
        Interval::Day,
        Some((moment(2026, 11, 3, 0, 0), moment(2026, 11, 4, 0, 0))),
    ));
    report_requests.push((
        Some("afval OR #verkeer"),
        Interval::Hour,
        Some((moment(2026, 11, 3, 12, 0), moment(2026, 11, 4, 12, 0))),
    ));
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let post_strategy = (
        0u32..12,
        0u32..72,
        0usize..CORPUS_TEXTS.len() + PREFILTER_TEXTS.len(),
        0usize..4,
        0usize..3,
        0usize..3,
    );
    let result = runner.run(
        &prop::collection::vec(post_strategy, 1..90),
        |posts: Vec<RandomPost>| {
            let fail = |error: &dyn std::fmt::Display| TestCaseError::fail(error.to_string());
            let mut stores = stores.borrow_mut();
            let (embedded, postgres) = &mut *stores;
            let number = case_number.fetch_add(1, Ordering::Relaxed);
            let draft = WorkspaceDraft {
                name: format!("willekeurig {number}"),
                purpose: Purpose::TrendPolicyAnalysis,
                purpose_text: "test".into(),
                legal_basis: "AVG 6(1)(e)".into(),
                lead: None,
                retention_days_posts: 30,
                retention_days_aggregates: 365,
                k: 5,
                allowed_sources: vec![],
                own_accounts: vec![],
                fg_contact: None,
                ends_at: None,
            };
            let workspace = embedded
                .create_workspace(organisation.id, &draft, "test", "tester")
                .map_err(|error| fail(&error))?;
            postgres
                .register_workspace(&WorkspaceRegistration {
                    workspace_id: workspace.id,
                    organisation_id: organisation.id,
                    name: workspace.name.clone(),
                    retention_days_posts: 30,
                    retention_days_aggregates: 365,
                })
                .map_err(|error| fail(&error))?;
            let batch: Vec<StoredPost> = posts
                .iter()
                .enumerate()
                .map(
                    |(index, (author, hour, text, language, source, sentiment))| {
                        corpus_post(
                            workspace.id,
                            index as u32,
                            *author,
                            moment(2026, 11, 2, 0, 0) + TimeDelta::hours(i64::from(*hour)),
                            random_text(*text),
                            languages[*language % languages.len()],
                            sources[*source % sources.len()],
                            SentimentLabel::ALL[*sentiment % 3],
                        )
                    },
                )
                .collect();
            embedded
                .store_post_batch(&batch)
                .map_err(|error| fail(&error))?;
            postgres
                .store_post_batch(&batch)
                .map_err(|error| fail(&error))?;
            // `compare_partitions` asserts equality request by request (a panic fails the case).
            compare_partitions(embedded, postgres, &workspace, &requests, "random")
                .map_err(|error| fail(&error))?;
            // The whole reports, on a second workspace with the same posts (with word pairs):
            // terms, rising terms, bursts, clusters and representativeness too.
            let full_draft = WorkspaceDraft {
                name: format!("willekeurig volledig {number}"),
                ..draft
            };
            let full_workspace = embedded
                .create_workspace(organisation.id, &full_draft, "test", "tester")
                .map_err(|error| fail(&error))?;
            postgres
                .register_workspace(&WorkspaceRegistration {
                    workspace_id: full_workspace.id,
                    organisation_id: organisation.id,
                    name: full_workspace.name.clone(),
                    retention_days_posts: 30,
                    retention_days_aggregates: 365,
                })
                .map_err(|error| fail(&error))?;
            let full_batch: Vec<StoredPost> = batch
                .iter()
                .map(|post| {
                    with_word_pairs(StoredPost {
                        workspace_id: full_workspace.id,
                        ..post.clone()
                    })
                })
                .collect();
            embedded
                .store_post_batch(&full_batch)
                .map_err(|error| fail(&error))?;
            postgres
                .store_post_batch(&full_batch)
                .map_err(|error| fail(&error))?;
            compare_reports(
                embedded,
                postgres,
                &full_workspace,
                &report_requests,
                "random",
            )
            .map_err(|error| fail(&error))?;
            Ok(())
        },
    );
    result.map_err(|error| error.to_string())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Conformance of the whole `AggregateReport`: `Store::aggregate` and `PostgresStore::aggregate`
// give the same report (serde JSON equal: terms, hashtags, word pairs, rising terms, bursts,
// clusters, representativeness, the differencing audit with its term rule) for the same posts,
// source hours and requests.

/// The post with its word pairs: every two consecutive words, as `peil_analysis` pairs them.
fn with_word_pairs(mut post: StoredPost) -> StoredPost {
    post.bigrams = post
        .terms
        .windows(2)
        .map(|pair| format!("{} {}", pair[0], pair[1]))
        .collect();
    post.bigrams.dedup();
    post
}

/// The full report of every request from both backends, as JSON, after checking they are equal.
fn compare_reports(
    embedded: &Store,
    postgres: &mut PostgresStore,
    workspace: &peil_model::Workspace,
    requests: &[RequestSpec],
    step: &str,
) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    let mut reports = Vec::new();
    for (query_text, interval, window) in requests.iter().copied() {
        let query = match query_text {
            Some(text) => Some(peil_query::parse(text)?),
            None => None,
        };
        let request = AggregateRequest {
            query: query.as_ref(),
            from: window.map(|(from, _)| from),
            to: window.map(|(_, to)| to),
            interval,
            top: 10,
        };
        let from_embedded = serde_json::to_value(embedded.aggregate(workspace, &request)?)?;
        let from_postgres = serde_json::to_value(postgres.aggregate(workspace, &request)?)?;
        assert_eq!(
            from_embedded, from_postgres,
            "{step}: query {query_text:?}, {interval:?}, window {window:?}"
        );
        reports.push(from_postgres);
    }
    Ok(reports)
}

/// Source reference number of the first post of the outage group.
const FIRST_OUTAGE_POST: u32 = 3_000;
/// Source reference number of the first post of the fifth-day group.
const FIRST_FIFTH_DAY_POST: u32 = 4_000;

/// The report corpus (k = 5): the aggregate corpus without its German group, with word pairs;
/// plus an outage on 4 November 14:00–16:00 (5 very active authors, 12 posts each, and 12 other
/// authors, 2 posts each: "storing stroom uitval #storing", a burst and a rising term), and on
/// 5 November 10 authors of whom only 3 write about the bridge ("brug").
fn report_corpus(workspace_id: i64) -> Vec<StoredPost> {
    let mut posts: Vec<StoredPost> = aggregate_corpus(workspace_id)
        .into_iter()
        .filter(|post| post.language != Language::De)
        .map(with_word_pairs)
        .collect();
    let outage_authors = (300..305u32)
        .flat_map(|author| std::iter::repeat_n(author, 12))
        .chain((310..322u32).flat_map(|author| std::iter::repeat_n(author, 2)));
    for (number, (index, author)) in (FIRST_OUTAGE_POST..).zip(outage_authors.enumerate()) {
        let index = index as u32;
        posts.push(with_word_pairs(corpus_post(
            workspace_id,
            number,
            author,
            moment(2026, 11, 4, 14 + index % 2, index % 60),
            "storing stroom uitval #storing",
            Language::Nl,
            if index.is_multiple_of(2) {
                "mastodon"
            } else {
                "bluesky"
            },
            SentimentLabel::Negative,
        )));
    }
    for offset in 0..10u32 {
        let text = if offset < 3 {
            "brug dicht vandaag"
        } else {
            "mooi weer vandaag"
        };
        posts.push(with_word_pairs(corpus_post(
            workspace_id,
            FIRST_FIFTH_DAY_POST + offset,
            400 + offset,
            moment(2026, 11, 5, 9 + offset, 15),
            text,
            Language::Nl,
            "mastodon",
            SentimentLabel::ALL[(offset % 3) as usize],
        )));
    }
    posts
}

/// A new workspace (k = 5) holding the report corpus and the same source hours in both stores.
fn report_workspace(
    embedded: &mut Store,
    postgres: &mut PostgresStore,
    organisation_id: i64,
    name: &str,
) -> Result<peil_model::Workspace, Box<dyn std::error::Error>> {
    let draft = WorkspaceDraft {
        name: name.into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation_id, &draft, "test", "tester")?;
    postgres.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id,
        name: workspace.name.clone(),
        retention_days_posts: 30,
        retention_days_aggregates: 365,
    })?;
    let corpus = report_corpus(workspace.id);
    embedded.store_post_batch(&corpus)?;
    postgres.store_post_batch(&corpus)?;
    // Records read: mastodon every hour of 2–5 November but the night of the 3rd, bluesky only
    // on 2 and 4 November, and a feed that delivered nothing.
    let mut hours: BTreeMap<(String, i64), u64> = BTreeMap::new();
    let start = moment(2026, 11, 2, 0, 0).timestamp();
    for hour in 0..96i64 {
        let hour_start = start + hour * 3_600;
        if !(24..30).contains(&hour) {
            hours.insert(("mastodon".into(), hour_start), 40);
        }
        if hour < 24 || (48..72).contains(&hour) {
            hours.insert(("bluesky".into(), hour_start), 7);
        }
        hours.insert(("rss".into(), hour_start), 0);
    }
    embedded.record_source_hours(&[workspace.id], &hours)?;
    postgres.record_source_hours(&[workspace.id], &hours)?;
    Ok(workspace)
}

/// The items of a term list of a report as JSON.
fn listed_terms(report: &serde_json::Value, list: &str) -> Vec<String> {
    report[list]["items"]
        .as_array()
        .map_or_else(Vec::new, |items| {
            items
                .iter()
                .filter_map(|item| item["term"].as_str().map(str::to_string))
                .collect()
        })
}

#[test]
fn conformance_full_reports_embedded_and_postgres_give_the_same_reports() -> TestResult {
    let Some(url) = test_url("conformance_full_reports") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "full_reports");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;

    // 1. Single requests, each on a fresh workspace (nothing remembered yet).
    let single: Vec<(&str, RequestSpec)> = vec![
        ("whole", whole_corpus()),
        (
            "query",
            (
                Some("(afval OR #verkeer OR \"gft bak\" OR contain* OR stor*) AND NOT lang:fr"),
                Interval::Day,
                None,
            ),
        ),
        (
            "rising",
            (
                None,
                Interval::Day,
                Some((moment(2026, 11, 4, 0, 0), moment(2026, 11, 5, 0, 0))),
            ),
        ),
        (
            "hours",
            (
                None,
                Interval::Hour,
                Some((moment(2026, 11, 2, 0, 0), moment(2026, 11, 5, 0, 0))),
            ),
        ),
    ];
    let mut singles = BTreeMap::new();
    for (label, request) in single {
        let workspace = report_workspace(&mut embedded, &mut postgres, organisation.id, label)?;
        let reports = compare_reports(&embedded, &mut postgres, &workspace, &[request], label)?;
        singles.insert(label, reports.into_iter().next().unwrap_or_default());
    }
    // Not a comparison of empty reports.
    let whole = &singles["whole"];
    assert_eq!(whole["totals"]["posts"], 339);
    for list in ["terms", "hashtags", "bigrams"] {
        assert!(!listed_terms(whole, list).is_empty(), "{list} named");
    }
    assert!(listed_terms(whole, "hashtags").contains(&"storing".to_string()));
    assert!(listed_terms(whole, "bigrams").contains(&"gft bak".to_string()));
    assert!(whole["clusters"].as_array().is_some_and(|c| !c.is_empty()));
    let representativeness = &whole["representativeness"];
    assert!(representativeness["reposts"]["percent"].as_u64().is_some());
    assert!(representativeness["high_frequency_authors"]["percent"]
        .as_u64()
        .is_some_and(|percent| percent > 0));
    assert_eq!(
        representativeness["source_coverage"]
            .as_array()
            .map(|sources| sources.len()),
        Some(3)
    );
    assert!(
        representativeness["source_coverage"][0]["hours_without_data"]
            .as_u64()
            .is_some_and(|hours| hours > 0)
    );
    let rising = &singles["rising"]["rising"];
    assert!(rising["unavailable"].is_null(), "{rising}");
    assert!(rising["terms"]
        .as_array()
        .is_some_and(|terms| terms.iter().any(|term| term["term"] == "storing")));
    assert!(singles["hours"]["bursts"]
        .as_array()
        .is_some_and(|bursts| !bursts.is_empty()));
    assert!(singles["query"]["totals"]["posts"].as_u64().unwrap_or(0) > 100);

    // 2. A sequence on one workspace: the requests of the partition conformance, a window with a
    // previous window, and again; the whole corpus after 2–4 November is withheld on both (the
    // difference would single out the German group).
    let sequence_workspace =
        corpus_workspace(&mut embedded, &mut postgres, organisation.id, "reeks")?;
    let mut requests = aggregate_requests();
    requests.push((
        None,
        Interval::Day,
        Some((moment(2026, 11, 3, 0, 0), moment(2026, 11, 5, 0, 0))),
    ));
    let reports = compare_reports(
        &embedded,
        &mut postgres,
        &sequence_workspace,
        &requests,
        "sequence",
    )?;
    assert!(reports[1]["differencing_refusal"].is_object());
    let again = compare_reports(
        &embedded,
        &mut postgres,
        &sequence_workspace,
        &requests,
        "again",
    )?;
    assert_eq!(again, reports);

    // 3. The term rule of the differencing audit: 2–4 November names "brug"; 2–5 November adds
    // posts of 10 authors (enough for every cell), but only 3 of them write "brug", so naming
    // it again would single them out: it is withheld on both, and the rest is shown.
    let term_rule = report_workspace(&mut embedded, &mut postgres, organisation.id, "termregel")?;
    let reports = compare_reports(
        &embedded,
        &mut postgres,
        &term_rule,
        &[
            three_days(),
            (
                None,
                Interval::Day,
                Some((moment(2026, 11, 2, 0, 0), moment(2026, 11, 6, 0, 0))),
            ),
        ],
        "term rule",
    )?;
    assert!(listed_terms(&reports[0], "terms").contains(&"brug".to_string()));
    assert!(reports[1]["differencing_refusal"].is_null());
    assert!(reports[1]["totals"]["posts"].as_u64().is_some());
    assert!(!listed_terms(&reports[1], "terms").contains(&"brug".to_string()));
    assert!(
        reports[1]["terms"]["suppressed"].as_u64() > reports[0]["terms"]["suppressed"].as_u64()
    );

    // 4. After a deletion at the source and retention, the reports are the same again.
    let mut reference = [0u8; 32];
    reference[..4].copy_from_slice(&FIRST_OUTAGE_POST.to_le_bytes());
    assert!(embedded.delete_post_at_source(term_rule.id, &reference)?);
    assert!(postgres.delete_post_at_source(term_rule.id, &reference)?);
    let removed_embedded = embedded.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    let removed_postgres = postgres.apply_post_retention(moment(2026, 12, 3, 12, 0))?;
    assert_eq!(removed_embedded, removed_postgres);
    let after = report_workspace(&mut embedded, &mut postgres, organisation.id, "na")?;
    compare_reports(
        &embedded,
        &mut postgres,
        &after,
        &[whole_corpus(), three_days()],
        "after deletion",
    )?;
    compare_reports(
        &embedded,
        &mut postgres,
        &term_rule,
        &[whole_corpus()],
        "after retention",
    )?;
    Ok(())
}

/// The names of the tables of the test's schema holding a row whose text contains `needle`.
fn tables_holding(
    client: &mut Client,
    schema: &str,
    needle: &str,
) -> Result<Vec<String>, postgres::Error> {
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
            &[&schema],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut holding = Vec::new();
    for table in tables {
        // Table names come from the catalog of the test's own schema.
        let found: bool = client
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM {table} t WHERE t::text LIKE $1)"),
                &[&format!("%{needle}%")],
            )?
            .try_get(0)?;
        if found {
            holding.push(table);
        }
    }
    Ok(holding)
}

#[test]
fn deleted_posts_leave_no_term_text_in_any_table() -> TestResult {
    let Some(url) = test_url("deleted_posts_leave_no_term_text") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "term_deletion");
    let mut store = schema.open()?;
    register(&mut store, 1, 30)?;
    let mut deleted_at_source = with_word_pairs(post(
        1,
        1,
        moment(2026, 11, 20, 10, 0),
        "kanariebron gedeeld woord",
    ));
    deleted_at_source.hashtags = vec!["kanariebronlabel".into()];
    let mut expiring = with_word_pairs(post(
        1,
        2,
        moment(2026, 10, 1, 10, 0),
        "kanarieoud gedeeld woord",
    ));
    expiring.hashtags = vec!["kanarieoudlabel".into()];
    let kept = with_word_pairs(post(
        1,
        3,
        moment(2026, 11, 21, 10, 0),
        "gedeeld woord blijft",
    ));
    store.store_post_batch(&[deleted_at_source, expiring, kept])?;
    let mut client = schema.client()?;
    // Before: the dictionary holds every canary (words, hashtags, word pairs).
    for canary in ["kanariebron", "kanarieoud"] {
        let holding = tables_holding(&mut client, &schema.name, canary)?;
        assert!(
            holding.contains(&"terms".to_string()),
            "{canary}: {holding:?}"
        );
    }
    let mut reference = [0u8; 32];
    reference[..4].copy_from_slice(&1u32.to_le_bytes());
    assert!(store.delete_post_at_source(1, &reference)?);
    assert_eq!(
        tables_holding(&mut client, &schema.name, "kanariebron")?,
        Vec::<String>::new(),
        "after the deletion at the source"
    );
    assert!(!tables_holding(&mut client, &schema.name, "kanarieoud")?.is_empty());
    // Records read per source and hour follow the aggregates' retention (365 days).
    let hours = BTreeMap::from([
        (
            (
                "mastodon".to_string(),
                moment(2025, 11, 1, 10, 0).timestamp(),
            ),
            3,
        ),
        (
            (
                "mastodon".to_string(),
                moment(2026, 11, 1, 10, 0).timestamp(),
            ),
            4,
        ),
    ]);
    store.record_source_hours(&[1], &hours)?;
    store.record_source_hours(&[1], &hours)?;
    let report = store.run_retention(moment(2026, 11, 25, 0, 0))?;
    assert_eq!(report.posts_deleted, 1);
    let source_hours: Vec<(i64, i64)> = client
        .query(
            "SELECT hour_start, records_read FROM source_hours WHERE workspace_id = 1",
            &[],
        )?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, postgres::Error>>()?;
    assert_eq!(
        source_hours,
        vec![(moment(2026, 11, 1, 10, 0).timestamp(), 8)]
    );
    assert_eq!(
        tables_holding(&mut client, &schema.name, "kanarieoud")?,
        Vec::<String>::new(),
        "after retention"
    );
    // Terms a remaining post holds stay, with their ids.
    let remaining: Vec<String> = client
        .query(
            "SELECT term FROM terms WHERE workspace_id = 1 ORDER BY term_id",
            &[],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        remaining,
        vec![
            "w:gedeeld",
            "w:woord",
            "b:gedeeld woord",
            "w:blijft",
            "h:afval",
            "b:woord blijft"
        ]
    );
    Ok(())
}

/// Measurement, not a check (run with `--ignored --nocapture`): the k-gated partitions of 20,000
/// posts of 400 authors over a month, with and without a query, on both backends (each request
/// on a fresh workspace, so the differencing audit has nothing remembered).
#[test]
#[ignore]
fn measure_aggregate_partitions() -> TestResult {
    measure_aggregates(false)
}

/// Measurement, not a check (run with `--ignored --nocapture`): the whole reports (terms, word
/// pairs, rising terms, bursts, clusters, representativeness) of the same posts and requests,
/// plus a week with its previous week.
#[test]
#[ignore]
fn measure_full_reports() -> TestResult {
    measure_aggregates(true)
}

/// The k-gated partitions (`full` false) or the whole reports (`full` true) of 20,000 posts of
/// 400 authors over a month on both backends, each request on a fresh workspace.
fn measure_aggregates(full: bool) -> TestResult {
    let Some(url) = test_url("measure_aggregates") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "aggregates_measure");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    let languages = [Language::Nl, Language::En, Language::De, Language::Fr];
    let sources = ["mastodon", "bluesky", "rss"];
    let requests: Vec<RequestSpec> = vec![
        (None, Interval::Day, None),
        (None, Interval::Hour, None),
        (Some("afval AND NOT gft"), Interval::Day, None),
        (Some("#verkeer"), Interval::Hour, None),
        (
            None,
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        // Query shapes of the prefilter (docs/scale-out.md), over a week as the dashboard asks.
        (
            Some("afval"),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        (
            Some("mooi"),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        (
            Some("\"gft bak\""),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        (
            Some("#verkeer OR weer"),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        (
            Some("contain*"),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
        (
            Some("afwezig"),
            Interval::Day,
            Some((moment(2026, 11, 15, 0, 0), moment(2026, 11, 22, 0, 0))),
        ),
    ];
    for (query_text, interval, window) in requests {
        let draft = WorkspaceDraft {
            name: format!("meting {query_text:?} {interval:?} {}", window.is_some()),
            purpose: Purpose::TrendPolicyAnalysis,
            purpose_text: "test".into(),
            legal_basis: "AVG 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 365,
            retention_days_aggregates: 365,
            k: 5,
            allowed_sources: vec![],
            own_accounts: vec![],
            fg_contact: None,
            ends_at: None,
        };
        let workspace = embedded.create_workspace(organisation.id, &draft, "test", "tester")?;
        postgres.register_workspace(&WorkspaceRegistration {
            workspace_id: workspace.id,
            organisation_id: organisation.id,
            name: workspace.name.clone(),
            retention_days_posts: 365,
            retention_days_aggregates: 365,
        })?;
        for batch_start in (0..20_000u32).step_by(2_000) {
            let batch: Vec<StoredPost> = (batch_start..batch_start + 2_000)
                .map(|number| {
                    let post = corpus_post(
                        workspace.id,
                        number,
                        (number * 7) % 400,
                        moment(2026, 11, 1, 0, 0) + TimeDelta::minutes(i64::from(number) * 2),
                        CORPUS_TEXTS[(number % 6) as usize],
                        languages[(number % 4) as usize],
                        sources[(number % 3) as usize],
                        SentimentLabel::ALL[((number / 3) % 3) as usize],
                    );
                    with_word_pairs(post)
                })
                .collect();
            embedded.store_post_batch(&batch)?;
            postgres.store_post_batch(&batch)?;
        }
        let query = match query_text {
            Some(text) => Some(peil_query::parse(text)?),
            None => None,
        };
        let request = AggregateRequest {
            query: query.as_ref(),
            from: window.map(|(from, _)| from),
            to: window.map(|(_, to)| to),
            interval,
            top: 10,
        };
        let started = std::time::Instant::now();
        let (posts, embedded_seconds, postgres_seconds) = if full {
            let from_embedded = embedded.aggregate(&workspace, &request)?;
            let embedded_seconds = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            let from_postgres = postgres.aggregate(&workspace, &request)?;
            let postgres_seconds = started.elapsed().as_secs_f64();
            assert_eq!(
                serde_json::to_value(&from_embedded)?,
                serde_json::to_value(&from_postgres)?
            );
            (
                from_postgres.totals.posts,
                embedded_seconds,
                postgres_seconds,
            )
        } else {
            let from_embedded = peil_store::aggregate_partitions(&embedded, &workspace, &request)?;
            let embedded_seconds = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            let from_postgres = postgres.aggregate_partitions(&workspace, &request)?;
            let postgres_seconds = started.elapsed().as_secs_f64();
            assert_eq!(from_embedded, from_postgres);
            (
                from_postgres.totals.posts,
                embedded_seconds,
                postgres_seconds,
            )
        };
        if query_text == Some("afwezig") {
            // The plan of a prefiltered scope, as `aggregate.rs` asks it (the index must be used).
            let mut client = schema.client()?;
            // With statistics, as autovacuum keeps them on a running server.
            client.batch_execute("ANALYZE posts")?;
            let plan = client.query(
                "EXPLAIN (COSTS OFF) SELECT p.post_id, p.text FROM posts p
                 WHERE p.workspace_id = $1 AND p.published_at >= $2 AND p.published_at < $3
                 AND p.match_tokens && $4::text[]",
                &[
                    &workspace.id,
                    &moment(2026, 11, 15, 0, 0),
                    &moment(2026, 11, 22, 0, 0),
                    &vec!["s:afwezig".to_string(), "e:afwezig".to_string()],
                ],
            )?;
            for line in plan {
                eprintln!("  plan: {}", line.try_get::<_, String>(0)?);
            }
        }
        eprintln!(
            "{query_text:?} {interval:?} {window:?}: embedded {embedded_seconds:.3} s, \
             PostgreSQL {postgres_seconds:.3} s ({} posts)",
            posts.unwrap_or(0)
        );
    }
    Ok(())
}

// --- Data-subject requests and the webcare inbox: the embedded store and PostgreSQL agree ---

/// The authors of the subject corpus (raw ids: only ever fed to the keyed pseudonym function).
const SUBJECT_AUTHORS: [&str; 3] = ["auteur-een", "auteur-twee", "auteur-drie"];

/// The text of subject post `number`: a token of its own, found by a scan only in that post.
fn subject_text(number: u32) -> String {
    format!("melding over afval subjecttoken{number:03}einde")
}

/// The answer link of subject post `number` (sealed in the store; never stored in clear).
fn subject_link(number: u32) -> String {
    format!("https://social.example/@gemeente/antwoord{number:03}")
}

/// The embedded store's data directory, the embedded store, the PostgreSQL schema and store,
/// the organisation id and the workspace id.
type SubjectStores = (
    tempfile::TempDir,
    Store,
    TestSchema,
    PostgresStore,
    i64,
    i64,
);

/// A catalog workspace in the embedded store, the same ids registered in PostgreSQL, and
/// PostgreSQL given the embedded store's key store (the webcare keys).
fn subject_stores(url: &str, label: &str) -> Result<SubjectStores, Box<dyn std::error::Error>> {
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let draft = WorkspaceDraft {
        name: "inbox".into(),
        purpose: Purpose::CommunicationWebcare,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 10,
        allowed_sources: vec![],
        own_accounts: vec!["@gemeente".into()],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation.id, &draft, "test", "tester")?;
    let schema = TestSchema::new(url, label);
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    postgres.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id: organisation.id,
        name: workspace.name.clone(),
        retention_days_posts: 30,
        retention_days_aggregates: 365,
    })?;
    postgres.use_key_store(peil_store::KeyStore::open(
        &data_dir.path().join(peil_store::KEYS_DIR),
    )?);
    Ok((
        data_dir,
        embedded,
        schema,
        postgres,
        organisation.id,
        workspace.id,
    ))
}

/// `count` posts of the three authors over October and November 2026 (two partitions), each at a
/// minute of its own; every even post is a webcare message with a sealed answer link.
fn subject_posts(
    embedded: &mut Store,
    workspace_id: i64,
    count: u32,
) -> Result<Vec<StoredPost>, Box<dyn std::error::Error>> {
    let mut posts = Vec::new();
    for number in 0..count {
        let published_at = moment(2026, 10 + (number % 2), 3 + number % 20, 9, number % 60);
        let author = SUBJECT_AUTHORS[(number % 3) as usize];
        let (label, key) = embedded
            .keys()
            .period_key(workspace_id, &published_at.format("%Y-%m").to_string())?;
        let mut stored = post(
            workspace_id,
            number + 100,
            published_at,
            &subject_text(number),
        );
        stored.source = "mastodon".into();
        stored.author_pseudonym = peil_deid::author_pseudonym(&key, "mastodon", author);
        stored.key_period = label;
        if number.is_multiple_of(2) {
            stored.webcare_reference = Some(embedded.keys().seal_webcare_reference(
                workspace_id,
                &stored.source_ref,
                &subject_link(number),
            )?);
        }
        posts.push(stored);
    }
    Ok(posts)
}

/// A page as JSON without the message ids (each store numbers its posts itself).
fn page_without_ids(
    page: &peil_store::WebcarePage,
) -> Result<serde_json::Value, serde_json::Error> {
    let mut value = serde_json::to_value(page)?;
    if let Some(messages) = value["messages"].as_array_mut() {
        for message in messages {
            if let Some(fields) = message.as_object_mut() {
                fields.remove("id");
            }
        }
    }
    Ok(value)
}

/// The id of the message with answer link `link` in `page`.
fn message_id(page: &peil_store::WebcarePage, link: &str) -> Option<i64> {
    page.messages
        .iter()
        .find(|message| message.answer_link == link)
        .map(|message| message.id)
}

/// Every row of every table of the schema as text (bytea as \x hex), partitions included.
fn every_row_as_text(client: &mut Client, schema: &str) -> Result<Vec<String>, postgres::Error> {
    let tables: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
            &[&schema],
        )?
        .iter()
        .map(|row| row.try_get::<_, String>(0))
        .collect::<Result<_, _>>()?;
    assert!(tables.len() >= 8, "found only {} tables", tables.len());
    let mut rows = Vec::new();
    for table in tables {
        for row in client.query(&format!("SELECT t::text FROM {table} t"), &[])? {
            rows.push(row.try_get::<_, String>(0)?);
        }
    }
    Ok(rows)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn conformance_subject_requests_and_webcare_embedded_and_postgres_agree() -> TestResult {
    let Some(url) = test_url("conformance_subject_requests_and_webcare") else {
        return Ok(());
    };
    let (_data_dir, mut embedded, schema, mut postgres, organisation_id, workspace_id) =
        subject_stores(&url, "subjects")?;
    let posts = subject_posts(&mut embedded, workspace_id, 30)?;
    embedded.store_post_batch(&posts)?;
    postgres.store_post_batch(&posts)?;

    // The inbox: the same pages (15 messages, newest first), page by page.
    assert_eq!(postgres.webcare_message_count(workspace_id)?, 15);
    assert_eq!(embedded.webcare_message_count(workspace_id)?, 15);
    for (limit, offset) in [(4, 0), (4, 4), (10, 10), (50, 0)] {
        let from_embedded = embedded.webcare_messages(workspace_id, limit, offset)?;
        let from_postgres = postgres.webcare_messages(workspace_id, limit, offset)?;
        assert_eq!(
            page_without_ids(&from_embedded)?,
            page_without_ids(&from_postgres)?
        );
    }
    let first_page = postgres.webcare_messages(workspace_id, 50, 0)?;
    assert_eq!((first_page.total, first_page.open), (15, 15));
    assert!(first_page
        .messages
        .iter()
        .any(|message| message.answer_link == subject_link(4)));

    // Status changes: answered, closed, and answered then open again, in both stores.
    let handled_at = moment(2026, 12, 1, 10, 30) + TimeDelta::milliseconds(250);
    let changes = [
        (subject_link(0), peil_store::WebcareStatus::Answered),
        (subject_link(2), peil_store::WebcareStatus::Closed),
        (subject_link(6), peil_store::WebcareStatus::Answered),
        (subject_link(6), peil_store::WebcareStatus::Open),
    ];
    for (link, status) in &changes {
        let embedded_page = embedded.webcare_messages(workspace_id, 50, 0)?;
        let postgres_page = postgres.webcare_messages(workspace_id, 50, 0)?;
        let embedded_id = message_id(&embedded_page, link).ok_or("no such message")?;
        let postgres_id = message_id(&postgres_page, link).ok_or("no such message")?;
        embedded.set_webcare_status(workspace_id, embedded_id, *status, handled_at)?;
        postgres.set_webcare_status(workspace_id, postgres_id, *status, handled_at)?;
    }
    let from_embedded = embedded.webcare_messages(workspace_id, 50, 0)?;
    let from_postgres = postgres.webcare_messages(workspace_id, 50, 0)?;
    assert_eq!(
        page_without_ids(&from_embedded)?,
        page_without_ids(&from_postgres)?
    );
    assert_eq!((from_postgres.total, from_postgres.open), (15, 13));
    let answered = from_postgres
        .messages
        .iter()
        .find(|message| message.answer_link == subject_link(0))
        .ok_or("the answered message is missing")?;
    assert_eq!(answered.status, peil_store::WebcareStatus::Answered);
    assert_eq!(answered.handled_at, Some(moment(2026, 12, 1, 10, 30)));
    // An id the workspace does not have: a typed error that names no value.
    let Err(error) = postgres.set_webcare_status(
        workspace_id,
        987_654_321,
        peil_store::WebcareStatus::Closed,
        handled_at,
    ) else {
        panic!("an unknown message was changed");
    };
    assert!(matches!(error, PostgresStoreError::WebcareMessageNotFound));
    assert!(!error.to_string().contains("987654321"));
    assert!(
        postgres
            .set_webcare_status(
                workspace_id + 1,
                first_page.messages[0].id,
                peil_store::WebcareStatus::Closed,
                handled_at
            )
            .is_err(),
        "another workspace's message was changed"
    );

    // Subject lookup: the same counts per author.
    let erased_author = SUBJECT_AUTHORS[0];
    let mut pseudonyms_per_author = Vec::new();
    for author in SUBJECT_AUTHORS {
        let pseudonyms: Vec<[u8; 32]> = embedded
            .pseudonyms_of(workspace_id, "mastodon", &[author.to_string()])?
            .into_iter()
            .map(|(_, pseudonym)| pseudonym)
            .collect();
        let holdings = embedded.subject_post_counts_in_organisation(
            organisation_id,
            "mastodon",
            &[author.to_string()],
        )?;
        let embedded_posts: u64 = holdings
            .iter()
            .filter(|holding| holding.workspace_id == workspace_id)
            .map(|holding| holding.posts)
            .sum();
        assert_eq!(
            postgres.posts_of_pseudonyms(workspace_id, &pseudonyms)?,
            embedded_posts
        );
        assert_eq!(embedded_posts, 10, "{author}");
        pseudonyms_per_author.push(pseudonyms);
    }
    assert_eq!(postgres.posts_of_pseudonyms(workspace_id, &[])?, 0);
    assert_eq!(postgres.posts_of_pseudonyms(workspace_id, &[[9u8; 32]])?, 0);

    // Erasure of the first author: the same posts go in both stores, with their webcare messages.
    let webcare_before = embedded.webcare_message_count(workspace_id)?;
    let report =
        embedded.erase_subject(organisation_id, "mastodon", &[erased_author.to_string()])?;
    let erasure = postgres.erase_posts_of_pseudonyms(workspace_id, &pseudonyms_per_author[0])?;
    assert_eq!(erasure.posts, report.posts_deleted);
    assert_eq!(erasure.posts, 10);
    assert_eq!(
        erasure.webcare_messages,
        webcare_before - embedded.webcare_message_count(workspace_id)?
    );
    assert_eq!(erasure.webcare_messages, 5);
    assert_eq!(
        postgres.posts_of_pseudonyms(workspace_id, &pseudonyms_per_author[0])?,
        0
    );
    assert_eq!(
        postgres.posts_of_pseudonyms(workspace_id, &pseudonyms_per_author[1])?,
        10
    );
    assert_eq!(
        postgres.post_count(workspace_id)?,
        embedded.post_count(workspace_id)?
    );
    assert_eq!(
        PostBackend::post_volume_per_hour(&mut postgres, workspace_id)?,
        PostBackend::post_volume_per_hour(&mut embedded, workspace_id)?
    );
    assert_eq!(
        PostBackend::post_volume_per_hour(&mut postgres, workspace_id)?
            .values()
            .sum::<u64>(),
        20
    );
    assert_eq!(
        page_without_ids(&embedded.webcare_messages(workspace_id, 50, 0)?)?,
        page_without_ids(&postgres.webcare_messages(workspace_id, 50, 0)?)?
    );
    // Erasing again finds nothing.
    assert_eq!(
        postgres.erase_posts_of_pseudonyms(workspace_id, &pseudonyms_per_author[0])?,
        peil_store_postgres::PseudonymErasure::default()
    );

    // Nothing of the erased posts is readable in any table of the schema: no text, pseudonym,
    // source reference or sealed answer link.
    let mut needles: Vec<String> = pseudonyms_per_author[0].iter().map(|p| hex_of(p)).collect();
    for (number, erased) in posts.iter().enumerate() {
        if erased.author_pseudonym != pseudonyms_per_author[0][0]
            && !pseudonyms_per_author[0].contains(&erased.author_pseudonym)
        {
            continue;
        }
        needles.push(subject_text(number as u32));
        // The post's own word, alone: its term dictionary entry goes with the post.
        needles.push(format!("subjecttoken{:03}einde", number));
        needles.push(hex_of(&erased.source_ref));
        if let Some(sealed) = &erased.webcare_reference {
            needles.push(hex_of(&sealed.ciphertext));
        }
    }
    assert!(needles.len() > 20);
    let mut client = schema.client()?;
    let rows = every_row_as_text(&mut client, &schema.name)?;
    for needle in &needles {
        assert!(
            !rows.iter().any(|row| row.contains(needle.as_str())),
            "an erased value is still readable"
        );
    }
    // The other authors' posts are still there (the scan would see them).
    assert!(rows.iter().any(|row| row.contains(&subject_text(1))));

    // The touched relations are noted and rewritten by the next retention run (nothing expires).
    let noted: Vec<String> = client
        .query(
            "SELECT relation_name FROM pending_compaction ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|row| row.try_get::<_, String>(0))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        noted,
        vec![
            "post_references".to_string(),
            "posts_y2026m10".to_string(),
            "posts_y2026m11".to_string(),
            "terms".to_string(),
            "webcare_messages".to_string()
        ]
    );
    let retention = postgres.run_retention(moment(2026, 10, 1, 0, 0))?;
    assert_eq!(retention.posts_deleted, 0);
    assert_eq!(retention.relations_compacted, noted);
    Ok(())
}

#[test]
fn webcare_messages_go_with_their_posts_at_source_deletion_and_retention() -> TestResult {
    let Some(url) = test_url("webcare_messages_go_with_their_posts") else {
        return Ok(());
    };
    let (_data_dir, mut embedded, schema, mut postgres, _organisation_id, workspace_id) =
        subject_stores(&url, "webcare_deletion")?;
    let posts = subject_posts(&mut embedded, workspace_id, 12)?;
    embedded.store_post_batch(&posts)?;
    postgres.store_post_batch(&posts)?;
    // Stored twice: the duplicates write no second message.
    postgres.store_post_batch(&posts)?;
    assert_eq!(postgres.webcare_message_count(workspace_id)?, 6);

    // Deletion at the source of a webcare post takes its message along.
    for backend_deleted in [
        embedded.delete_post_at_source(workspace_id, &posts[4].source_ref)?,
        postgres.delete_post_at_source(workspace_id, &posts[4].source_ref)?,
    ] {
        assert!(backend_deleted);
    }
    assert_eq!(postgres.webcare_message_count(workspace_id)?, 5);
    assert_eq!(
        postgres.webcare_message_count(workspace_id)?,
        embedded.webcare_message_count(workspace_id)?
    );
    assert!(postgres
        .webcare_messages(workspace_id, 50, 0)?
        .messages
        .iter()
        .all(|message| message.answer_link != subject_link(4)));

    // Retention at 2026-12-05 (30 days): October's posts expire (its partition is dropped) and
    // so do their messages; November's stay.
    let as_of = moment(2026, 12, 5, 0, 0);
    let from_embedded = embedded.apply_post_retention(as_of)?;
    let report = postgres.run_retention(as_of)?;
    assert_eq!(report.posts_deleted, from_embedded);
    assert!(report
        .partitions_dropped
        .contains(&"posts_y2026m10".to_string()));
    assert_eq!(
        postgres.webcare_message_count(workspace_id)?,
        embedded.webcare_message_count(workspace_id)?
    );
    assert_eq!(
        page_without_ids(&embedded.webcare_messages(workspace_id, 50, 0)?)?,
        page_without_ids(&postgres.webcare_messages(workspace_id, 50, 0)?)?
    );
    // Even posts fall in October (number % 2 == 0): every message was of October or deleted.
    assert_eq!(postgres.webcare_message_count(workspace_id)?, 0);
    let mut client = schema.client()?;
    let left: i64 = client
        .query_one("SELECT count(*) FROM webcare_messages", &[])?
        .try_get(0)?;
    assert_eq!(left, 0);

    // Without the key store the inbox cannot open the links: a typed error, no value in it.
    let mut without_keys = schema.open()?;
    postgres.store_post_batch(&subject_posts(&mut embedded, workspace_id, 2)?)?;
    let Err(error) = without_keys.webcare_messages(workspace_id, 10, 0) else {
        panic!("the inbox opened links without the key store");
    };
    assert!(matches!(error, PostgresStoreError::KeyStoreMissing));
    Ok(())
}

#[test]
fn migration_4_moves_sealed_references_out_of_posts_into_the_inbox() -> TestResult {
    let Some(url) = test_url("migration_4_moves_sealed_references") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "migration_four");
    // A schema as versions 1 and 2 left it, with a post that carries a sealed reference.
    let mut client = Client::connect(&url, NoTls)?;
    client.batch_execute(&format!(
        "CREATE SCHEMA {name}; SET search_path TO {name}; SET TimeZone TO 'UTC';
         CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now());",
        name = schema.name
    ))?;
    for (version, description, statements) in peil_store_postgres::migrations::MIGRATIONS {
        if *version > 2 {
            continue;
        }
        client.batch_execute(statements)?;
        client.execute(
            "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
            &[version, description],
        )?;
    }
    client.batch_execute(
        "INSERT INTO organisations VALUES (1, 'Gemeente Test');
         INSERT INTO workspaces VALUES (7, 1, 'inbox', 30, 365);
         CREATE TABLE posts_y2026m11 PARTITION OF posts
             FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');
         INSERT INTO posts VALUES (7, 41, '2026-11-03 09:00:00+00', 'mastodon', '\\x01', 'nl',
             'tekst', '\\x02', '2026-11', false, false, 'neutral', 0, '{}', '{}',
             '\\x0a0b', '\\x0c0d');
         INSERT INTO posts VALUES (7, 42, '2026-11-03 10:00:00+00', 'mastodon', '\\x03', 'nl',
             'tekst', '\\x04', '2026-11', false, false, 'neutral', 0, '{}', '{}', NULL, NULL);",
    )?;
    let mut store = schema.open()?;
    assert_eq!(store.post_count(7)?, 2);
    assert_eq!(store.webcare_message_count(7)?, 1);
    let mut client = schema.client()?;
    let moved = client.query_one(
        "SELECT post_id, published_at, reference_nonce, reference_sealed, status
         FROM webcare_messages WHERE workspace_id = 7",
        &[],
    )?;
    assert_eq!(moved.try_get::<_, i64>(0)?, 41);
    assert_eq!(
        moved.try_get::<_, DateTime<Utc>>(1)?,
        moment(2026, 11, 3, 9, 0)
    );
    assert_eq!(moved.try_get::<_, Vec<u8>>(2)?, vec![0x0a, 0x0b]);
    assert_eq!(moved.try_get::<_, Vec<u8>>(3)?, vec![0x0c, 0x0d]);
    assert_eq!(moved.try_get::<_, String>(4)?, "open");
    // The sealed reference lives in one place only now.
    let columns: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'posts'
               AND column_name LIKE 'webcare%'",
            &[],
        )?
        .try_get(0)?;
    assert_eq!(columns, 0);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Remembered answers follow the aggregates' retention; the Citus statements name every table;
// a database is bound to one installation.

#[test]
fn remembered_answers_follow_the_aggregates_retention_like_the_embedded_store() -> TestResult {
    use peil_store::AggregateFacts as _;
    let Some(url) = test_url("remembered_answers_follow_the_aggregates_retention") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "answered_retention");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    let draft = WorkspaceDraft {
        name: "antwoorden".into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 60,
        k: 5,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = embedded.create_workspace(organisation.id, &draft, "test", "tester")?;
    postgres.register_workspace(&WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id: organisation.id,
        name: workspace.name.clone(),
        retention_days_posts: 30,
        retention_days_aggregates: 60,
    })?;
    let as_of = moment(2026, 12, 15, 12, 0);
    let days_before =
        |days: i64, seconds: i64| (as_of - TimeDelta::days(days)).timestamp() + seconds;
    // Two answers past the 60-day horizon (one a second past it), two within it (one exactly on
    // it, which stays: only older answers go).
    let answered_at = [
        days_before(90, 0),
        days_before(60, -1),
        days_before(60, 0),
        days_before(1, 0),
    ];
    // The embedded store through the audit's own facts; PostgreSQL's rows as its facts write
    // them (`PostgresFacts` is private to the crate).
    let mut client = schema.client()?;
    for (number, at) in answered_at.iter().enumerate() {
        let post_ids = vec![number as i64 + 1, 100];
        let shown = format!("[\"cel {number}\"]");
        embedded.remember_answer(workspace.id, *at, &post_ids, &shown, 100)?;
        client.execute(
            "INSERT INTO answered_scopes (workspace_id, answered_at, post_ids, shown_cells)
             VALUES ($1, $2, $3, $4)",
            &[&workspace.id, at, &post_ids, &shown],
        )?;
    }
    let from_embedded = |embedded: &Store| -> Result<Vec<String>, peil_store::StoreError> {
        let mut shown: Vec<String> = embedded
            .remembered_answers(workspace.id, i64::MIN, 100)?
            .into_iter()
            .map(|answer| format!("{:?} {}", answer.post_ids, answer.shown_cells))
            .collect();
        shown.sort();
        Ok(shown)
    };
    let from_postgres = |client: &mut Client| -> Result<Vec<String>, postgres::Error> {
        let mut shown: Vec<String> = client
            .query(
                "SELECT post_ids, shown_cells FROM answered_scopes WHERE workspace_id = $1",
                &[&workspace.id],
            )?
            .iter()
            .map(|row| {
                let post_ids: Vec<i64> = row.get(0);
                let cells: String = row.get(1);
                format!("{post_ids:?} {cells}")
            })
            .collect();
        shown.sort();
        Ok(shown)
    };
    assert_eq!(from_embedded(&embedded)?.len(), 4);
    assert_eq!(from_embedded(&embedded)?, from_postgres(&mut client)?);

    let report = postgres.run_retention(as_of)?;
    embedded.run_retention(as_of)?;
    assert_eq!(report.answered_scopes_deleted, 2);
    assert_eq!(
        report
            .answered_scopes_deleted_per_workspace
            .get(&workspace.id),
        Some(&2)
    );
    assert!(
        report
            .relations_compacted
            .contains(&"answered_scopes".to_string()),
        "{report:?}"
    );
    assert_eq!(
        from_embedded(&embedded)?,
        vec![
            "[3, 100] [\"cel 2\"]".to_string(),
            "[4, 100] [\"cel 3\"]".to_string()
        ]
    );
    assert_eq!(from_embedded(&embedded)?, from_postgres(&mut client)?);
    // A second run deletes nothing more.
    assert_eq!(postgres.run_retention(as_of)?.answered_scopes_deleted, 0);
    Ok(())
}

/// The section "The exact statements to distribute it" of docs/scale-out.md.
fn citus_section() -> Result<String, Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scale-out.md");
    let document = std::fs::read_to_string(path)?;
    let heading = "## The exact statements to distribute it";
    let start = document
        .find(heading)
        .ok_or("docs/scale-out.md lacks the section on the Citus statements")?;
    let rest = &document[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Ok(rest[..end].to_string())
}

/// Whether `text` names `word` on its own (not inside a longer identifier).
fn names_word(text: &str, word: &str) -> bool {
    let is_identifier = |character: char| character.is_ascii_alphanumeric() || character == '_';
    text.match_indices(word).any(|(position, _)| {
        let before = text[..position].chars().next_back();
        let after = text[position + word.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    })
}

#[test]
fn the_citus_statements_name_every_table_of_the_schema() -> TestResult {
    let Some(url) = test_url("the_citus_statements_name_every_table_of_the_schema") else {
        return Ok(());
    };
    let schema = TestSchema::new(&url, "citus_tables");
    let mut store = schema.open()?;
    // A partition exists, so the test shows that partitions are left out of the list.
    register(&mut store, 1, 30)?;
    store.store_post_batch(&[post(1, 1, moment(2026, 11, 3, 9, 0), "afval container")])?;
    let mut client = schema.client()?;
    let tables: Vec<String> = client
        .query(
            "SELECT relname::text FROM pg_class
             WHERE relnamespace = current_schema()::regnamespace
               AND relkind IN ('r', 'p') AND NOT relispartition
             ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for expected in ["posts", "answered_scopes", "terms", "installation"] {
        assert!(tables.contains(&expected.to_string()), "{tables:?}");
    }
    assert!(!tables.iter().any(|table| table.starts_with("posts_y")));
    let section = citus_section()?;
    let missing: Vec<&String> = tables
        .iter()
        .filter(|table| !names_word(&section, table))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/scale-out.md, \"The exact statements to distribute it\", does not name: {missing:?}"
    );
    Ok(())
}

#[test]
fn a_database_is_bound_to_one_installation_and_only_a_demo_clears_an_earlier_demo() -> TestResult {
    use peil_store_postgres::{Binding, BindingRefusal, Installation};
    let Some(url) = test_url("a_database_is_bound_to_one_installation") else {
        return Ok(());
    };
    let refusal = |outcome: Result<Binding, PostgresStoreError>| match outcome {
        Err(PostgresStoreError::BindingRefused(refusal)) => Some(refusal),
        _ => None,
    };
    let first = Installation::new([1; 32], false);
    let second = Installation::new([2; 32], false);
    let schema = TestSchema::new(&url, "binding");
    let mut store = schema.open()?;
    assert_eq!(store.bind_installation(&first, false)?, Binding::NewlyBound);
    assert_eq!(store.bind_installation(&first, false)?, Binding::Same);
    register(&mut store, 1, 30)?;
    store.store_post_batch(&[post(1, 1, moment(2026, 11, 3, 9, 0), "afval container")])?;
    // Another installation, and a demo asking to clear a real installation's database: refused,
    // and the error names no id.
    let mut other = schema.open()?;
    let refused = other.bind_installation(&second, false);
    assert!(!format!("{refused:?}").contains("[2, 2"), "{refused:?}");
    assert_eq!(refusal(refused), Some(BindingRefusal::AnotherInstallation));
    let demo = Installation::new([3; 32], true);
    assert_eq!(
        refusal(other.bind_installation(&demo, true)),
        Some(BindingRefusal::RealInstallation)
    );
    assert!(!format!("{demo:?}").contains('3'));
    assert_eq!(store.post_count(1)?, 1, "a refusal clears nothing");

    // An unbound database that already holds posts is refused (its ids came from a data
    // directory nobody can name).
    let mut client = schema.client()?;
    client.batch_execute("DELETE FROM installation")?;
    assert_eq!(
        refusal(store.bind_installation(&first, false)),
        Some(BindingRefusal::UnboundWithPosts)
    );
    assert_eq!(
        refusal(store.bind_installation(&demo, true)),
        Some(BindingRefusal::UnboundWithPosts)
    );

    // A demo database: a later demo clears it and takes it over; a real installation or a
    // command without the demo's permission does not.
    let demo_schema = TestSchema::new(&url, "binding_demo");
    let mut demo_store = demo_schema.open()?;
    assert_eq!(
        demo_store.bind_installation(&demo, true)?,
        Binding::NewlyBound
    );
    register(&mut demo_store, 1, 30)?;
    demo_store.store_post_batch(&[
        post(1, 1, moment(2026, 11, 3, 9, 0), "afval container"),
        post(1, 2, moment(2026, 12, 3, 9, 0), "parkeren"),
    ])?;
    let later_demo = Installation::new([4; 32], true);
    assert_eq!(
        refusal(demo_store.bind_installation(&later_demo, false)),
        Some(BindingRefusal::AnotherInstallation)
    );
    assert_eq!(
        refusal(demo_store.bind_installation(&second, true)),
        Some(BindingRefusal::AnotherInstallation)
    );
    assert_eq!(demo_store.post_count(1)?, 2);
    assert_eq!(
        demo_store.bind_installation(&later_demo, true)?,
        Binding::ReplacedEarlierDemo
    );
    let mut demo_client = demo_schema.client()?;
    for table in [
        "posts",
        "post_references",
        "post_volume_hourly",
        "terms",
        "workspaces",
        "organisations",
        "answered_scopes",
        "source_hours",
        "webcare_messages",
    ] {
        let rows: i64 = demo_client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
            .get(0);
        assert_eq!(rows, 0, "{table} after the demo's clearing");
    }
    assert_eq!(
        demo_store.bind_installation(&later_demo, false)?,
        Binding::Same
    );
    // The earlier demo's directory, opened by an ordinary command, is refused now.
    assert_eq!(
        refusal(demo_store.bind_installation(&demo, false)),
        Some(BindingRefusal::AnotherInstallation)
    );
    // Post ids start again, so a refilled demo stores like the first one.
    register(&mut demo_store, 1, 30)?;
    demo_store.store_post_batch(&[post(1, 1, moment(2026, 11, 3, 9, 0), "afval container")])?;
    let first_id: i64 = demo_client
        .query_one("SELECT min(post_id) FROM posts", &[])?
        .get(0);
    assert_eq!(first_id, 1);
    Ok(())
}

// --- The query prefilter: posts without match tokens (stored before migration 6) ---

/// The match tokens of every post of the schema, by post id (NULL as `None`).
fn match_tokens_by_post(
    client: &mut Client,
) -> Result<BTreeMap<i64, Option<Vec<String>>>, postgres::Error> {
    let rows = client.query("SELECT post_id, match_tokens FROM posts", &[])?;
    let mut tokens = BTreeMap::new();
    for row in rows {
        tokens.insert(row.try_get(0)?, row.try_get(1)?);
    }
    Ok(tokens)
}

#[test]
fn posts_without_match_tokens_pass_the_prefilter_and_are_backfilled_at_connect() -> TestResult {
    let Some(url) = test_url("posts_without_match_tokens") else {
        return Ok(());
    };
    let data_dir = tempfile::tempdir()?;
    let mut embedded = Store::open(data_dir.path())?;
    let organisation = embedded.create_organisation("Gemeente Test", "test", "tester")?;
    let schema = TestSchema::new(&url, "prefilter_backfill");
    let mut postgres = schema.open()?;
    postgres.register_organisation(organisation.id, &organisation.name)?;
    let workspace = corpus_workspace(&mut embedded, &mut postgres, organisation.id, "backfill")?;
    let languages = [Language::Nl, Language::En, Language::De, Language::Fr];
    let sources = ["mastodon", "bluesky", "rss"];
    let extra: Vec<StoredPost> = (0..60u32)
        .map(|index| {
            corpus_post(
                workspace.id,
                50_000 + index,
                index % 11,
                moment(2026, 11, 3, 0, 0) + TimeDelta::hours(i64::from(index % 30)),
                random_text(CORPUS_TEXTS.len() + (index as usize % PREFILTER_TEXTS.len())),
                languages[index as usize % languages.len()],
                sources[index as usize % sources.len()],
                SentimentLabel::ALL[index as usize % 3],
            )
        })
        .collect();
    embedded.store_post_batch(&extra)?;
    postgres.store_post_batch(&extra)?;
    let requests: Vec<RequestSpec> = PREFILTER_QUERIES
        .iter()
        .map(|query_text| (Some(*query_text), Interval::Day, None))
        .collect();

    // Every batch writes the tokens.
    let mut client = schema.client()?;
    let written = match_tokens_by_post(&mut client)?;
    assert!(!written.is_empty());
    assert!(written.values().all(|tokens| tokens
        .as_ref()
        .is_some_and(|tokens| tokens.iter().any(|token| token.starts_with("s:")))));
    let answers_with_tokens =
        compare_partitions(&embedded, &mut postgres, &workspace, &requests, "tokens")?;

    // As posts stored before migration 6: no tokens. They pass every prefilter.
    client.execute("UPDATE posts SET match_tokens = NULL", &[])?;
    let answers_without_tokens =
        compare_partitions(&embedded, &mut postgres, &workspace, &requests, "no tokens")?;
    assert_eq!(answers_with_tokens, answers_without_tokens);

    // The next connection fills exactly the tokens a batch writes.
    let mut reconnected = schema.open()?;
    assert_eq!(match_tokens_by_post(&mut client)?, written);
    compare_partitions(
        &embedded,
        &mut reconnected,
        &workspace,
        &requests,
        "backfilled",
    )?;
    Ok(())
}
