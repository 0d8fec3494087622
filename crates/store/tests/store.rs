//! Store-level tests of the invariants that live in the store: the k gate (5), real SQLite and
//! index agreement after a crash (durability), duplicate detection and owner-only files.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use chrono::{TimeZone, Utc};
use peil_model::{Language, Purpose, SentimentLabel, Workspace, WorkspaceDraft, WorkspaceStatus};
use peil_store::{AggregateRequest, Interval, Store, StoreError, StoredPost};

fn open(directory: &Path) -> Store {
    match Store::open(directory) {
        Ok(store) => store,
        Err(error) => panic!("store did not open: {error}"),
    }
}

fn active_workspace(store: &mut Store, name: &str, k: u32) -> Result<Workspace, StoreError> {
    let organisation = match store.organisation("Gemeente Test") {
        Ok(organisation) => organisation,
        Err(_) => store.create_organisation("Gemeente Test", "test", "tester")?,
    };
    let draft = WorkspaceDraft {
        name: name.into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = store.create_workspace(organisation.id, &draft, "test", "tester")?;
    store.set_workspace_status(workspace.id, WorkspaceStatus::Approved, "test", "tester")?;
    store.set_workspace_status(workspace.id, WorkspaceStatus::Active, "test", "tester")
}

fn post(
    workspace_id: i64,
    number: u32,
    author: u8,
    day: u32,
    text: &str,
    terms: &[&str],
) -> StoredPost {
    let mut source_ref = [0u8; 32];
    source_ref[..4].copy_from_slice(&number.to_le_bytes());
    StoredPost {
        workspace_id,
        id: 0,
        source: "import".into(),
        source_ref,
        published_at: Utc
            .with_ymd_and_hms(2026, 10, day, 12, 0, 0)
            .single()
            .unwrap_or_default(),
        language: Language::Nl,
        deidentified_text: text.into(),
        author_pseudonym: [author; 32],
        key_period: "2026-10".into(),
        is_reply: false,
        is_repost: false,
        sentiment: SentimentLabel::Neutral,
        sentiment_score: 0.0,
        terms: terms.iter().map(|term| term.to_string()).collect(),
        hashtags: vec![],
        bigrams: vec![],
        matched_monitor_ids: vec![],
        webcare_reference: None,
    }
}

fn day_request() -> AggregateRequest<'static> {
    AggregateRequest {
        query: None,
        from: None,
        to: None,
        interval: Interval::Day,
        top: 10,
    }
}

#[test]
fn cells_under_k_authors_are_suppressed_with_their_complement() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "k-gate", 10)?;
    let mut posts = Vec::new();
    // Day 1: 20 posts by 12 authors, all about "afval"; day 3: 3 posts by 3 authors about "rommel".
    for number in 0..20 {
        posts.push(post(
            workspace.id,
            number,
            (number % 12) as u8,
            1,
            "afval op straat",
            &["afval"],
        ));
    }
    for number in 20..23 {
        posts.push(post(
            workspace.id,
            number,
            100 + number as u8,
            3,
            "rommel",
            &["rommel"],
        ));
    }
    store.insert_posts(&posts)?;
    let report = store.aggregate(&workspace, &day_request())?;
    assert_eq!(report.totals.posts, Some(23));
    let day_three = report
        .volume
        .iter()
        .find(|cell| cell.key.starts_with("2026-10-03"));
    let Some(day_three) = day_three else {
        panic!("day 3 missing")
    };
    assert!(
        day_three.suppressed && day_three.posts.is_none(),
        "3 authors < k"
    );
    // Total minus the visible days would reveal day 3, so day 1 must be suppressed as well.
    let day_one = report
        .volume
        .iter()
        .find(|cell| cell.key.starts_with("2026-10-01"));
    let Some(day_one) = day_one else {
        panic!("day 1 missing")
    };
    assert!(day_one.suppressed, "complementary suppression");
    // The empty day in between is shown as 0: it reveals nothing about anyone.
    let day_two = report
        .volume
        .iter()
        .find(|cell| cell.key.starts_with("2026-10-02"));
    assert_eq!(day_two.and_then(|cell| cell.posts), Some(0));
    // The term of 12 authors is shown, the term of 3 authors is not even named.
    assert_eq!(report.terms.items.len(), 1);
    assert_eq!(report.terms.items[0].term, "afval");
    assert_eq!(report.terms.suppressed, 1);
    assert!(report.suppressed_cells >= 3);
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert!(!json.contains("rommel"));
    Ok(())
}

#[test]
fn a_scope_with_fewer_than_k_authors_shows_nothing() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "tiny", 5)?;
    // 40 posts, but only 4 authors: below k = 5 everywhere.
    let posts: Vec<StoredPost> = (0..40)
        .map(|number| {
            post(
                workspace.id,
                number,
                (number % 4) as u8,
                1 + number % 5,
                "afval",
                &["afval"],
            )
        })
        .collect();
    store.insert_posts(&posts)?;
    let report = store.aggregate(&workspace, &day_request())?;
    assert!(report.totals.suppressed);
    assert_eq!(report.totals.posts, None);
    assert!(report
        .volume
        .iter()
        .all(|cell| cell.posts.is_none() || cell.posts == Some(0)));
    assert!(report
        .sentiment
        .iter()
        .all(|cell| cell.posts.is_none() || cell.posts == Some(0)));
    assert!(report.terms.items.is_empty());
    Ok(())
}

#[test]
fn distinct_authors_are_not_summed_across_key_periods() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "periods", 10)?;
    // 6 authors in October and (as new pseudonyms) 6 in November: the true number may be 6.
    let mut posts = Vec::new();
    for number in 0..12u32 {
        let mut entry = post(workspace.id, number, number as u8, 1, "afval", &["afval"]);
        if number >= 6 {
            entry.key_period = "2026-11".into();
        }
        posts.push(entry);
    }
    store.insert_posts(&posts)?;
    let report = store.aggregate(&workspace, &day_request())?;
    assert!(
        report.totals.suppressed,
        "6 per period is a lower bound below k = 10"
    );
    Ok(())
}

#[test]
fn duplicates_are_stored_once() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "dedupe", 10)?;
    let batch = vec![
        post(workspace.id, 1, 1, 1, "afval", &[]),
        post(workspace.id, 1, 1, 1, "afval", &[]),
    ];
    let outcome = store.insert_posts(&batch)?;
    assert_eq!((outcome.stored, outcome.duplicates), (1, 1));
    let again = store.insert_posts(&batch)?;
    assert_eq!((again.stored, again.duplicates), (0, 2));
    assert_eq!(store.post_count(workspace.id)?, 1);
    Ok(())
}

/// The terms of a workspace with the number of posts holding each, read from the database file.
fn terms_with_post_counts(data_dir: &Path) -> Result<Vec<(String, i64)>, StoreError> {
    let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
    let mut statement = connection.prepare("SELECT text, posts FROM terms ORDER BY text")?;
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<Vec<(String, i64)>, _>>()?;
    Ok(rows)
}

#[test]
fn a_term_goes_with_the_last_post_that_held_it_and_duplicates_leave_no_terms(
) -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = active_workspace(&mut store, "termen", 5)?;
    let first = post(workspace.id, 1, 1, 1, "afval storm", &["afval", "storm"]);
    let second = post(workspace.id, 2, 2, 1, "afval", &["afval", "afval"]);
    store.insert_posts(&[first.clone(), second.clone()])?;
    assert_eq!(
        terms_with_post_counts(&data_dir)?,
        vec![("afval".to_string(), 2), ("storm".to_string(), 1)]
    );
    // A duplicate whose terms differ (an edit at the source) stores nothing, not even its terms.
    let edited = post(workspace.id, 1, 1, 1, "bewerkt", &["bewerkt", "afval"]);
    let outcome = store.insert_posts(std::slice::from_ref(&edited))?;
    assert_eq!(outcome.duplicates, 1);
    assert_eq!(
        terms_with_post_counts(&data_dir)?,
        vec![("afval".to_string(), 2), ("storm".to_string(), 1)]
    );
    // The same after a restart, when the term cache is empty.
    drop(store);
    let mut store = open(&data_dir);
    store.insert_posts(&[edited])?;
    assert_eq!(terms_with_post_counts(&data_dir)?.len(), 2);
    // Deleting the first post takes the term only it held, at once.
    assert!(store.delete_post_by_reference(workspace.id, &first.source_ref)?);
    assert_eq!(
        terms_with_post_counts(&data_dir)?,
        vec![("afval".to_string(), 1)]
    );
    // A post stored again after its term went gets a fresh term row.
    store.insert_posts(&[first])?;
    assert_eq!(
        terms_with_post_counts(&data_dir)?,
        vec![("afval".to_string(), 2), ("storm".to_string(), 1)]
    );
    assert!(store.delete_post_by_reference(workspace.id, &second.source_ref)?);
    assert_eq!(
        terms_with_post_counts(&data_dir)?,
        vec![("afval".to_string(), 1), ("storm".to_string(), 1)]
    );
    // Retention of everything leaves no term at all.
    let report = store.run_retention(moment(2026, 12, 31))?;
    assert_eq!(report.posts_deleted, 1);
    assert!(terms_with_post_counts(&data_dir)?.is_empty());
    Ok(())
}

#[test]
fn rows_missing_from_the_index_after_a_crash_are_indexed_on_open() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let workspace_id = {
        let mut store = open(directory.path());
        let workspace = active_workspace(&mut store, "crash", 10)?;
        store.insert_posts(&[post(workspace.id, 1, 1, 1, "afval", &["afval"])])?;
        workspace.id
    };
    // Simulate a crash between the SQLite commit and the index commit: a row the index lacks.
    {
        let connection =
            rusqlite::Connection::open(directory.path().join(peil_store::DATABASE_FILE))?;
        connection.execute(
            "INSERT INTO posts (workspace_id, source, source_ref, published_at, language, text,
                author_pseudonym, key_period, is_reply, sentiment, sentiment_score)
             VALUES (?1, 'import', x'02', 1790000000, 'nl', 'container vol', x'09', '2026-10', 0, 'neutral', 0)",
            [workspace_id],
        )?;
    }
    let store = open(directory.path());
    let (database_ids, index_ids) = store.post_ids()?;
    assert_eq!(database_ids.len(), 2);
    assert_eq!(database_ids, index_ids);
    Ok(())
}

#[test]
fn every_file_is_readable_by_the_owner_only() -> Result<(), StoreError> {
    let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })?;
    let data_dir = directory.path().join("data");
    {
        let mut store = open(&data_dir);
        let workspace = active_workspace(&mut store, "perm", 10)?;
        store.insert_posts(&[post(workspace.id, 1, 1, 1, "afval", &["afval"])])?;
    }
    let mode = std::fs::metadata(&data_dir)
        .map(|meta| meta.permissions().mode())
        .unwrap_or(0o777);
    assert_eq!(mode & 0o077, 0, "data directory must be private");
    for folder in [peil_store::INDEX_DIR, peil_store::KEYS_DIR] {
        let folder_mode = std::fs::metadata(data_dir.join(folder))
            .map(|meta| meta.permissions().mode())
            .unwrap_or(0o777);
        assert_eq!(folder_mode & 0o077, 0, "{folder} must be private");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Retention (invariant 7), data-subject requests and objections.
// ---------------------------------------------------------------------------------------------

use chrono::DateTime;
use peil_deid::author_pseudonym;

fn temporary_directory() -> Result<tempfile::TempDir, StoreError> {
    tempfile::tempdir().map_err(|source| StoreError::Io {
        path: "tmp".into(),
        source,
    })
}

fn moment(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// An active workspace in `organisation_name` (created when missing) with the given retention.
fn active_workspace_in(
    store: &mut Store,
    organisation_name: &str,
    name: &str,
    retention_days_posts: u32,
) -> Result<Workspace, StoreError> {
    let organisation = match store.organisation(organisation_name) {
        Ok(organisation) => organisation,
        Err(_) => store.create_organisation(organisation_name, "test", "tester")?,
    };
    let draft = WorkspaceDraft {
        name: name.into(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "test".into(),
        legal_basis: "AVG 6(1)(e)".into(),
        lead: None,
        retention_days_posts,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: vec![],
        own_accounts: vec![],
        fg_contact: None,
        ends_at: None,
    };
    let workspace = store.create_workspace(organisation.id, &draft, "test", "tester")?;
    store.set_workspace_status(workspace.id, WorkspaceStatus::Approved, "test", "tester")?;
    store.set_workspace_status(workspace.id, WorkspaceStatus::Active, "test", "tester")
}

struct PostSpec<'a> {
    number: u32,
    pseudonym: [u8; 32],
    published_at: DateTime<Utc>,
    key_period: &'a str,
    text: String,
    terms: Vec<String>,
}

fn stored_post(workspace_id: i64, spec: PostSpec<'_>) -> StoredPost {
    let mut source_ref = [0u8; 32];
    source_ref[..4].copy_from_slice(&spec.number.to_le_bytes());
    source_ref[31] = workspace_id as u8;
    StoredPost {
        workspace_id,
        id: 0,
        source: "mastodon".into(),
        source_ref,
        published_at: spec.published_at,
        language: Language::Nl,
        deidentified_text: spec.text,
        author_pseudonym: spec.pseudonym,
        key_period: spec.key_period.into(),
        is_reply: false,
        is_repost: false,
        sentiment: SentimentLabel::Neutral,
        sentiment_score: 0.0,
        terms: spec.terms,
        hashtags: vec![],
        bigrams: vec![],
        matched_monitor_ids: vec![],
        webcare_reference: None,
    }
}

/// Every regular file under `directory`, recursively, with its bytes.
fn files_under(directory: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// The files under `directory` that contain `needle`.
fn files_containing(directory: &Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    files_under(directory)
        .into_iter()
        .filter(|(_, bytes)| contains_bytes(bytes, needle))
        .map(|(path, _)| path)
        .collect()
}

/// Every term of every text field of the index on disk that contains `needle` (read with
/// tantivy itself, because term dictionaries are compressed and a byte scan may miss them).
fn index_terms_containing(data_dir: &Path, needle: &str) -> Vec<String> {
    let Ok(index) = tantivy::Index::open_in_dir(data_dir.join(peil_store::INDEX_DIR)) else {
        panic!("index did not open");
    };
    let Ok(reader) = index.reader() else {
        panic!("index reader did not open");
    };
    let searcher = reader.searcher();
    let schema = index.schema();
    let mut found = Vec::new();
    for segment_reader in searcher.segment_readers() {
        for (field, entry) in schema.fields() {
            if !matches!(entry.field_type(), tantivy::schema::FieldType::Str(_)) {
                continue;
            }
            let Ok(inverted_index) = segment_reader.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted_index.terms().stream() else {
                continue;
            };
            while stream.advance() {
                let term = String::from_utf8_lossy(stream.key()).to_string();
                if term.contains(needle) {
                    found.push(term);
                }
            }
        }
    }
    found
}

fn visible_posts_matching(
    store: &Store,
    workspace: &Workspace,
    query_text: &str,
) -> Result<Option<u64>, StoreError> {
    let Ok(query) = peil_query::parse(query_text) else {
        panic!("query did not parse");
    };
    let request = AggregateRequest {
        query: Some(&query),
        from: None,
        to: None,
        interval: Interval::Day,
        top: 10,
    };
    Ok(store.aggregate(workspace, &request)?.totals.posts)
}

const CANARY_PREFIX: &str = "kanarieqx7";

#[test]
fn retention_leaves_no_byte_of_expired_posts_or_keys_on_disk() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = active_workspace_in(&mut store, "Gemeente Retentie", "retentie", 30)?;
    let (old_label, old_key) = store.keys().period_key(workspace.id, "2026-08")?;
    let (recent_label, recent_key) = store.keys().period_key(workspace.id, "2026-10")?;
    let mut posts = Vec::new();
    // 60 expired posts (August) by 12 authors, each with its own canary word.
    for number in 0..60u32 {
        let canary = format!("{CANARY_PREFIX}{}", char::from(b'a' + (number % 26) as u8))
            + &format!("{}", number / 26);
        posts.push(stored_post(
            workspace.id,
            PostSpec {
                number,
                pseudonym: author_pseudonym(&old_key, "mastodon", &format!("old{}", number % 12)),
                published_at: moment(2026, 8, 1 + number % 28),
                key_period: &old_label,
                text: format!("de container is vol {canary} bij het station"),
                terms: vec!["container".into(), canary],
            },
        ));
    }
    // 20 recent posts (October) by 10 authors.
    for number in 100..120u32 {
        posts.push(stored_post(
            workspace.id,
            PostSpec {
                number,
                pseudonym: author_pseudonym(
                    &recent_key,
                    "mastodon",
                    &format!("new{}", number % 10),
                ),
                published_at: moment(2026, 10, 1 + number % 15),
                key_period: &recent_label,
                text: "afval naast de container".into(),
                terms: vec!["afval".into(), "container".into()],
            },
        ));
    }
    // Webcare messages: three expired posts and one recent one keep a sealed answer link.
    let webcare_uri =
        |number: u32| format!("https://social.example/@webcarecanary/statuses/{number}");
    let mut sealed_expired = Vec::new();
    for post in posts.iter_mut().filter(|post| {
        let number = u32::from_le_bytes([
            post.source_ref[0],
            post.source_ref[1],
            post.source_ref[2],
            post.source_ref[3],
        ]);
        number < 3 || number == 100
    }) {
        let number = u32::from_le_bytes([
            post.source_ref[0],
            post.source_ref[1],
            post.source_ref[2],
            post.source_ref[3],
        ]);
        let sealed = store.keys().seal_webcare_reference(
            workspace.id,
            &post.source_ref,
            &webcare_uri(number),
        )?;
        if number < 3 {
            sealed_expired.push(sealed.ciphertext.clone());
        }
        post.webcare_reference = Some(sealed);
    }
    store.insert_posts(&posts)?;
    assert_eq!(store.webcare_message_count(workspace.id)?, 4);
    // Only sealed: the plain URI is in no file, the ciphertext is in the database.
    for number in [0, 1, 2, 100] {
        let plain = files_containing(&data_dir, webcare_uri(number).as_bytes());
        assert!(plain.is_empty(), "plain answer link in {plain:?}");
    }
    for ciphertext in &sealed_expired {
        assert!(!files_containing(&data_dir, ciphertext).is_empty());
    }
    // Bookkeeping of answered scopes: one older than the aggregates' retention, one recent.
    {
        let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
        for answered_at in [moment(2025, 1, 1), moment(2026, 10, 10)] {
            connection.execute(
                "INSERT INTO answered_scopes (workspace_id, answered_at, post_ids, shown_cells)
                 VALUES (?1, ?2, x'01', '[]')",
                rusqlite::params![workspace.id, answered_at.timestamp()],
            )?;
        }
    }

    // Before: the canaries are on disk (so this test can fail) and findable in the index.
    let sqlite_with_canary: Vec<_> = files_containing(&data_dir, CANARY_PREFIX.as_bytes())
        .into_iter()
        .filter(|path| path.to_string_lossy().contains(peil_store::DATABASE_FILE))
        .collect();
    assert!(
        !sqlite_with_canary.is_empty(),
        "the database files hold the canaries before retention"
    );
    assert!(!index_terms_containing(&data_dir, CANARY_PREFIX).is_empty());
    assert_eq!(
        visible_posts_matching(&store, &workspace, &format!("{CANARY_PREFIX}a0"))?,
        None,
        "one author only: suppressed, but present"
    );
    assert!(!files_containing(&data_dir, old_key.as_bytes()).is_empty());

    let report = store.run_retention(moment(2026, 10, 20))?;
    assert_eq!(report.posts_deleted, 60);
    assert_eq!(
        report.keys_destroyed, 1,
        "the August key; September is partly kept"
    );
    assert_eq!(report.scopes_deleted, 1);
    assert!(report.terms_deleted >= 60);
    assert_eq!(report.workspaces.len(), 1);
    assert!(serde_json::to_string(&report).is_ok());

    // After: no canary byte, no byte of the destroyed key, in any file.
    let leftovers = files_containing(&data_dir, CANARY_PREFIX.as_bytes());
    assert!(leftovers.is_empty(), "canary bytes remain in {leftovers:?}");
    let key_leftovers = files_containing(&data_dir, old_key.as_bytes());
    assert!(
        key_leftovers.is_empty(),
        "destroyed key remains in {key_leftovers:?}"
    );
    assert!(index_terms_containing(&data_dir, CANARY_PREFIX).is_empty());
    assert!(!files_containing(&data_dir, recent_key.as_bytes()).is_empty());
    // The expired webcare messages went with their posts: no byte of their sealed links in any
    // file; the recent one still opens to its URI.
    for ciphertext in &sealed_expired {
        let left = files_containing(&data_dir, ciphertext);
        assert!(left.is_empty(), "a sealed webcare link remains in {left:?}");
    }
    let inbox = store.webcare_messages(workspace.id, 10, 0)?;
    assert_eq!(inbox.total, 1);
    assert_eq!(
        inbox
            .messages
            .first()
            .map(|message| message.answer_link.clone()),
        Some(webcare_uri(100))
    );
    for number in [0, 1, 2, 100] {
        assert!(files_containing(&data_dir, webcare_uri(number).as_bytes()).is_empty());
    }
    // Recent posts are still there and searchable.
    assert_eq!(store.post_count(workspace.id)?, 20);
    assert_eq!(
        visible_posts_matching(&store, &workspace, "afval")?,
        Some(20)
    );
    assert_eq!(
        visible_posts_matching(&store, &workspace, "container")?,
        Some(20)
    );
    let check = store.check()?;
    assert!(check.consistent && check.integrity == "ok", "{check:?}");

    // A second run is harmless.
    let again = store.run_retention(moment(2026, 10, 20))?;
    assert_eq!(
        (
            again.posts_deleted,
            again.keys_destroyed,
            again.scopes_deleted
        ),
        (0, 0, 0)
    );
    assert!(report.database_vacuumed && !again.database_vacuumed);
    drop(store);
    let reopened = open(&data_dir);
    let check = reopened.check()?;
    assert!(
        check.consistent && check.posts_in_database == 20,
        "{check:?}"
    );
    assert!(files_containing(&data_dir, CANARY_PREFIX.as_bytes()).is_empty());
    Ok(())
}

#[test]
fn a_retention_run_purges_posts_deleted_at_the_source_from_the_index_files(
) -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = active_workspace_in(&mut store, "Gemeente Bron", "bron", 30)?;
    let canary = format!("{CANARY_PREFIX}bron");
    let posts: Vec<StoredPost> = (0..6u32)
        .map(|number| {
            stored_post(
                workspace.id,
                PostSpec {
                    number,
                    pseudonym: [number as u8; 32],
                    published_at: moment(2026, 10, 1),
                    key_period: "2026-10",
                    text: if number == 0 {
                        format!("verwijderd {canary}")
                    } else {
                        "afval".into()
                    },
                    terms: if number == 0 {
                        vec![canary.clone()]
                    } else {
                        vec!["afval".into()]
                    },
                },
            )
        })
        .collect();
    let Some(first_reference) = posts.first().map(|post| post.source_ref) else {
        panic!("no posts");
    };
    store.insert_posts(&posts)?;
    assert!(store.delete_post_by_reference(workspace.id, &first_reference)?);
    let report = store.run_retention(moment(2026, 10, 2))?;
    assert_eq!(report.posts_deleted, 0);
    assert!(files_containing(&data_dir, canary.as_bytes()).is_empty());
    assert!(index_terms_containing(&data_dir, &canary).is_empty());
    assert_eq!(store.post_count(workspace.id)?, 5);
    assert!(store.check()?.consistent);
    Ok(())
}

const ANNA: &str = "https://social.example/@anna";
const ANNA_CANARY: &str = "annakanarie";

/// A workspace with 4 posts of Anna (3 under the first key of October, 1 under the rotated key),
/// 6 posts of others, and one reply of Bob to Anna.
fn subject_fixture(store: &mut Store, organisation_name: &str) -> Result<Workspace, StoreError> {
    let workspace = active_workspace_in(store, organisation_name, "dsr", 90)?;
    let (first_label, first_key) = store.keys().period_key(workspace.id, "2026-10")?;
    let mut posts = Vec::new();
    {
        let mut push = |number: u32, author: &str, text: String| {
            posts.push(stored_post(
                workspace.id,
                PostSpec {
                    number,
                    pseudonym: author_pseudonym(&first_key, "mastodon", author),
                    published_at: moment(2026, 10, 5),
                    key_period: &first_label,
                    terms: text.split(' ').map(str::to_string).collect(),
                    text,
                },
            ));
        };
        for number in 0..3u32 {
            push(number, ANNA, format!("{ANNA_CANARY}{number} afval"));
        }
        for number in 10..16u32 {
            push(
                number,
                &format!("https://social.example/@p{number}"),
                "afval overal".into(),
            );
        }
        // Bob replies to Anna: the post is Bob's (Peil keeps no reply-to id, only `is_reply`).
        push(20, "https://social.example/@bob", "ook afval".into());
    }
    if let Some(reply) = posts.last_mut() {
        reply.is_reply = true;
    }
    store.insert_posts(&posts)?;
    let rotated_label = store.keys().rotate(workspace.id, "2026-10")?;
    let (_, rotated_key) = store.keys().period_key(workspace.id, "2026-10")?;
    store.insert_posts(&[stored_post(
        workspace.id,
        PostSpec {
            number: 3,
            pseudonym: author_pseudonym(&rotated_key, "mastodon", ANNA),
            published_at: moment(2026, 10, 6),
            key_period: &rotated_label,
            text: format!("{ANNA_CANARY}3 afval"),
            terms: vec![format!("{ANNA_CANARY}3"), "afval".into()],
        },
    )])?;
    Ok(workspace)
}

#[test]
fn subject_lookup_finds_posts_under_live_keys_only() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = subject_fixture(&mut store, "Gemeente Inzage")?;
    let anna = vec![ANNA.to_string(), "  ".to_string()];
    let pseudonyms = store.pseudonyms_of(workspace.id, "mastodon", &anna)?;
    let labels: Vec<&str> = pseudonyms.iter().map(|(label, _)| label.as_str()).collect();
    assert_eq!(labels, vec!["2026-10", "2026-10.r2"]);
    let holdings =
        store.subject_post_counts_in_organisation(workspace.organisation_id, "Mastodon", &anna)?;
    assert_eq!(holdings.len(), 1);
    assert_eq!(
        holdings[0].posts, 4,
        "both key generations, not Bob's reply"
    );
    assert_eq!(holdings[0].live_keys_searched, 2);
    let everywhere = store.subject_post_counts("mastodon", &anna)?;
    assert_eq!(
        everywhere.iter().map(|holding| holding.posts).sum::<u64>(),
        4
    );
    // Another platform or another organisation holds nothing of her.
    let other_platform = store.subject_post_counts("bluesky", &anna)?;
    assert!(other_platform.iter().all(|holding| holding.posts == 0));
    assert!(store
        .subject_post_counts_in_organisation(workspace.organisation_id + 100, "mastodon", &anna)?
        .is_empty());
    // Once the period's keys are destroyed, nobody can be found any more.
    store
        .keys()
        .destroy_period_keys_before(workspace.id, "2026-11")?;
    assert!(store
        .pseudonyms_of(workspace.id, "mastodon", &anna)?
        .is_empty());
    let after = store.subject_post_counts("mastodon", &anna)?;
    assert!(after
        .iter()
        .all(|holding| holding.posts == 0 && holding.live_keys_searched == 0));
    Ok(())
}

#[test]
fn erasure_leaves_no_byte_of_the_erased_posts_on_disk() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = subject_fixture(&mut store, "Gemeente Wissen")?;
    let before = files_containing(&data_dir, ANNA_CANARY.as_bytes());
    assert!(
        before
            .iter()
            .any(|path| path.to_string_lossy().contains(peil_store::DATABASE_FILE)),
        "the canaries are on disk before the erasure"
    );
    let report = store.erase_subject(workspace.organisation_id, "mastodon", &[ANNA.to_string()])?;
    assert_eq!(report.posts_deleted, 4);
    assert_eq!(report.workspaces.len(), 1);
    assert!(serde_json::to_string(&report).is_ok());
    let leftovers = files_containing(&data_dir, ANNA_CANARY.as_bytes());
    assert!(leftovers.is_empty(), "erased bytes remain in {leftovers:?}");
    assert!(index_terms_containing(&data_dir, ANNA_CANARY).is_empty());
    assert_eq!(
        store.post_count(workspace.id)?,
        7,
        "others and Bob's reply stay"
    );
    assert_eq!(
        visible_posts_matching(&store, &workspace, "afval")?,
        Some(7)
    );
    assert!(store.check()?.consistent);
    let holdings = store.subject_post_counts("mastodon", &[ANNA.to_string()])?;
    assert!(holdings.iter().all(|holding| holding.posts == 0));
    // Erasing again finds nothing and breaks nothing; new posts still store (term ids of
    // deleted terms are not reused from a stale cache).
    let again = store.erase_subject(workspace.organisation_id, "mastodon", &[ANNA.to_string()])?;
    assert_eq!(again.posts_deleted, 0);
    let fresh = stored_post(
        workspace.id,
        PostSpec {
            number: 50,
            pseudonym: [50; 32],
            published_at: moment(2026, 10, 7),
            key_period: "2026-10.r2",
            text: format!("{ANNA_CANARY}0 opnieuw"),
            terms: vec![format!("{ANNA_CANARY}0")],
        },
    );
    assert_eq!(store.insert_posts(&[fresh])?.stored, 1);
    assert!(store.check()?.consistent);
    Ok(())
}

#[test]
fn objections_are_keyed_hashes_per_organisation() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let first = store.create_organisation("Gemeente Een", "test", "tester")?;
    let second = store.create_organisation("Gemeente Twee", "test", "tester")?;
    let third = store.create_organisation("Gemeente Drie", "test", "tester")?;
    let anna = vec![ANNA.to_string()];
    assert_eq!(store.add_objection(first.id, "mastodon", &anna)?, 1);
    assert_eq!(
        store.add_objection(first.id, "Mastodon", &anna)?,
        0,
        "already objected"
    );
    assert_eq!(store.add_objection(second.id, "mastodon", &anna)?, 1);
    assert!(store
        .add_objection(first.id + 100, "mastodon", &anna)
        .is_err());
    assert_eq!(store.objection_count(first.id)?, 1);

    let first_matcher = store.objection_matcher(first.id)?;
    assert!(first_matcher.is_objected("mastodon", ANNA));
    assert!(first_matcher.is_objected("MASTODON", &format!(" {ANNA} ")));
    assert!(!first_matcher.is_objected("bluesky", ANNA));
    assert!(!first_matcher.is_objected("mastodon", "https://social.example/@bob"));
    assert!(!format!("{first_matcher:?}").contains("anna"));
    let third_matcher = store.objection_matcher(third.id)?;
    assert!(third_matcher.is_empty() && !third_matcher.is_objected("mastodon", ANNA));

    // The stored hash is not the id, and differs between organisations.
    let hashes: Vec<(i64, Vec<u8>)> = {
        let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
        let mut statement =
            connection.prepare("SELECT organisation_id, author_hash FROM objections")?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    assert_eq!(hashes.len(), 2);
    assert!(hashes.iter().all(|(_, hash)| hash.len() == 32
        && !contains_bytes(hash, ANNA.as_bytes())
        && !contains_bytes(hash, b"anna")));
    assert_ne!(hashes[0].1, hashes[1].1, "organisations never share hashes");
    assert!(
        files_containing(&data_dir, b"@anna").is_empty(),
        "the author id is not on disk"
    );
    // The objection key survives a restart, so the author stays recognised.
    drop(store);
    let reopened = open(&data_dir);
    assert!(reopened
        .objection_matcher(first.id)?
        .is_objected("mastodon", ANNA));
    assert!(reopened
        .objection_matcher(second.id)?
        .is_objected("mastodon", ANNA));
    Ok(())
}

#[test]
fn a_run_interrupted_after_the_database_step_is_finished_by_the_next_run() -> Result<(), StoreError>
{
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let workspace_id = {
        let mut store = open(&data_dir);
        let workspace = active_workspace_in(&mut store, "Gemeente Onderbroken", "stop", 30)?;
        let posts: Vec<StoredPost> = (0..10u32)
            .map(|number| {
                let canary = format!("{CANARY_PREFIX}stop{number}");
                stored_post(
                    workspace.id,
                    PostSpec {
                        number,
                        pseudonym: [number as u8; 32],
                        published_at: moment(2026, if number < 5 { 8 } else { 10 }, 3),
                        key_period: if number < 5 { "2026-08" } else { "2026-10" },
                        text: if number < 5 {
                            format!("oud {canary}")
                        } else {
                            "afval".into()
                        },
                        terms: if number < 5 {
                            vec![canary]
                        } else {
                            vec!["afval".into()]
                        },
                    },
                )
            })
            .collect();
        store.insert_posts(&posts)?;
        workspace.id
    };
    // The database step of a run committed, then the process died.
    {
        let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
        connection.execute_batch("PRAGMA foreign_keys = ON;")?;
        connection.execute(
            "DELETE FROM posts WHERE workspace_id = ?1 AND published_at < ?2",
            rusqlite::params![workspace_id, moment(2026, 9, 20).timestamp()],
        )?;
    }
    let mut store = open(&data_dir);
    let check = store.check()?;
    assert!(check.consistent && check.removed_from_index_on_open == 5);
    assert!(
        !index_terms_containing(&data_dir, CANARY_PREFIX).is_empty(),
        "marked deleted, but still in the segment files"
    );
    let report = store.run_retention(moment(2026, 10, 20))?;
    assert_eq!(report.posts_deleted, 0, "already gone from the database");
    assert_eq!(
        report.terms_deleted, 5,
        "the terms the interrupted run left behind"
    );
    assert!(index_terms_containing(&data_dir, CANARY_PREFIX).is_empty());
    assert!(files_containing(&data_dir, CANARY_PREFIX.as_bytes()).is_empty());
    assert_eq!(store.post_count(workspace_id)?, 5);
    assert!(store.check()?.consistent);
    Ok(())
}

// ---- Differencing across queries (invariant 5): tests that play the attacker. ----

mod differencing_attacks {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    use peil_store::{AggregateReport, DifferencingReason};
    use proptest::prelude::*;

    const K: u32 = 5;
    const TARGET_WORD: &str = "zeldzaamwoord";
    const TARGET_AUTHOR: u16 = 1_000;
    const COMMON_WORDS: [&str; 5] = ["afval", "verkeer", "fiets", "groen", "water"];
    const SENTIMENTS: [SentimentLabel; 3] = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];

    #[derive(Clone, Debug)]
    struct TestPost {
        author: u16,
        day: u32,
        hour: u32,
        sentiment: SentimentLabel,
        words: Vec<&'static str>,
    }

    impl TestPost {
        fn published(&self) -> i64 {
            Utc.with_ymd_and_hms(2026, 10, self.day, self.hour, 0, 0)
                .single()
                .map_or(0, |moment| moment.timestamp())
        }
    }

    /// One question of the attacker.
    #[derive(Clone, Debug)]
    struct Ask {
        include: Option<&'static str>,
        exclude_target: bool,
        from_day: u32,
        to_day: u32,
        hourly: bool,
    }

    impl Ask {
        fn query_text(&self) -> Option<String> {
            match (self.include, self.exclude_target) {
                (None, false) => None,
                (Some(word), false) => Some(word.to_string()),
                (Some(word), true) => Some(format!("{word} -{TARGET_WORD}")),
                (None, true) => Some(format!("-{TARGET_WORD}")),
            }
        }

        fn matches(&self, post: &TestPost) -> bool {
            let included = self.include.is_none_or(|word| post.words.contains(&word));
            let excluded = self.exclude_target && post.words.contains(&TARGET_WORD);
            included && !excluded && post.day >= self.from_day && post.day < self.to_day
        }
    }

    fn stored(workspace_id: i64, number: u32, post: &TestPost) -> StoredPost {
        let mut source_ref = [0u8; 32];
        source_ref[..4].copy_from_slice(&number.to_le_bytes());
        source_ref[31] = 0xd1;
        let mut pseudonym = [0u8; 32];
        pseudonym[..2].copy_from_slice(&post.author.to_le_bytes());
        pseudonym[2] = 0x5a;
        StoredPost {
            workspace_id,
            id: 0,
            source: "import".into(),
            source_ref,
            published_at: Utc
                .with_ymd_and_hms(2026, 10, post.day, post.hour, 0, 0)
                .single()
                .unwrap_or_default(),
            language: Language::Nl,
            deidentified_text: post.words.join(" "),
            author_pseudonym: pseudonym,
            key_period: "2026-10".into(),
            is_reply: false,
            is_repost: false,
            sentiment: post.sentiment,
            sentiment_score: 0.0,
            terms: post.words.iter().map(|word| word.to_string()).collect(),
            hashtags: vec![],
            bigrams: vec![],
            matched_monitor_ids: vec![],
            webcare_reference: None,
        }
    }

    fn day_start(day: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, day, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn ask_store(
        store: &Store,
        workspace: &Workspace,
        ask: &Ask,
    ) -> Result<AggregateReport, StoreError> {
        let query = match ask.query_text() {
            Some(text) => match peil_query::parse(&text) {
                Ok(query) => Some(query),
                Err(error) => panic!("test query {text} did not parse: {error}"),
            },
            None => None,
        };
        let request = AggregateRequest {
            query: query.as_ref(),
            from: Some(day_start(ask.from_day)),
            to: Some(day_start(ask.to_day)),
            interval: if ask.hourly {
                Interval::Hour
            } else {
                Interval::Day
            },
            top: 10,
        };
        store.aggregate(workspace, &request)
    }

    /// A number the attacker holds, with the posts it counts (known to the test, not to the
    /// attacker).
    #[derive(Clone, Debug)]
    struct Known {
        family: String,
        label: String,
        posts: BTreeSet<usize>,
        value: u64,
        is_total: bool,
        /// For a group sum: the ranges (time) or keys (other families) it covers.
        group_ranges: Vec<(i64, i64)>,
        group_keys: BTreeSet<String>,
        is_group: bool,
        /// For a time cell: its range.
        range: Option<(i64, i64)>,
        key: String,
    }

    fn cell_range(key: &str, width: i64) -> Option<(i64, i64)> {
        chrono::DateTime::parse_from_rfc3339(key)
            .ok()
            .map(|start| (start.timestamp(), start.timestamp() + width))
    }

    /// Every number a report shows, plus its "total minus visible cells" per partition.
    fn knowns_of(report: &AggregateReport, ask: &Ask, posts: &[TestPost]) -> Vec<Known> {
        let mut knowns = Vec::new();
        let scope: BTreeSet<usize> = posts
            .iter()
            .enumerate()
            .filter(|(_, post)| ask.matches(post))
            .map(|(index, _)| index)
            .collect();
        let width = if ask.hourly { 3_600 } else { 86_400 };
        let blank = |family: &str, label: String| Known {
            family: family.to_string(),
            label,
            posts: BTreeSet::new(),
            value: 0,
            is_total: false,
            group_ranges: Vec::new(),
            group_keys: BTreeSet::new(),
            is_group: false,
            range: None,
            key: String::new(),
        };
        let partitions: [(&str, &Vec<peil_store::Cell>); 4] = [
            ("time", &report.volume),
            ("sentiment", &report.sentiment),
            ("language", &report.languages),
            ("source", &report.sources),
        ];
        for (family, cells) in partitions {
            let in_cell = |post: &TestPost, key: &str| -> bool {
                match family {
                    "time" => cell_range(key, width).is_some_and(|(start, end)| {
                        post.published() >= start && post.published() < end
                    }),
                    "sentiment" => post.sentiment.code() == key,
                    "language" => key == "nl",
                    _ => key == "import",
                }
            };
            if let Some(total) = report.totals.posts {
                let mut known = blank(family, "total".into());
                known.posts = scope.clone();
                known.value = total;
                known.is_total = true;
                knowns.push(known);
                let mut group = blank(family, "total minus visible".into());
                let mut visible_sum = 0;
                group.posts = scope.clone();
                for cell in cells.iter() {
                    match cell.posts {
                        Some(count) => {
                            visible_sum += count;
                            group
                                .posts
                                .retain(|index| !in_cell(&posts[*index], &cell.key));
                        }
                        None => {
                            group.group_keys.insert(cell.key.clone());
                            if let Some(range) = cell_range(&cell.key, width) {
                                group.group_ranges.push(range);
                            }
                        }
                    }
                }
                group.value = total.saturating_sub(visible_sum);
                group.is_group = true;
                knowns.push(group);
            }
            for cell in cells.iter() {
                let Some(count) = cell.posts else {
                    continue;
                };
                let mut known = blank(family, format!("cell {}", cell.key));
                known.posts = scope
                    .iter()
                    .copied()
                    .filter(|index| in_cell(&posts[*index], &cell.key))
                    .collect();
                known.value = count;
                known.key = cell.key.clone();
                if family == "time" {
                    known.range = cell_range(&cell.key, width);
                }
                knowns.push(known);
            }
        }
        // The sentiment series: each visible (bucket, class) cell, and what one answer gives
        // away besides: per bucket with a shown volume cell, that cell minus its visible
        // classes; per class with a shown overall cell (the suppressed classes together), that
        // cell minus its visible series cells; and the total minus all visible series cells.
        let in_series_cell = |post: &TestPost, bucket: &str, class: &str| -> bool {
            post.sentiment.code() == class
                && cell_range(bucket, width)
                    .is_some_and(|(start, end)| post.published() >= start && post.published() < end)
        };
        let series_posts = |bucket: &str, class: &str| -> BTreeSet<usize> {
            scope
                .iter()
                .copied()
                .filter(|index| in_series_cell(&posts[*index], bucket, class))
                .collect()
        };
        let mut visible_series: BTreeSet<usize> = BTreeSet::new();
        for cell in &report.sentiment_series {
            let Some(count) = cell.posts else {
                continue;
            };
            let mut known = blank("series", format!("cell {} {}", cell.bucket, cell.sentiment));
            known.posts = series_posts(&cell.bucket, &cell.sentiment);
            visible_series.extend(known.posts.iter().copied());
            known.value = count;
            known.key = cell.sentiment.clone();
            known.range = cell_range(&cell.bucket, width);
            knowns.push(known);
        }
        for bucket in &report.volume {
            let Some(count) = bucket.posts else {
                continue;
            };
            // Without a visible class the bucket's group is its volume cell, already known.
            let any_class_shown = report
                .sentiment_series
                .iter()
                .any(|cell| cell.bucket == bucket.key && !cell.suppressed);
            if !any_class_shown {
                continue;
            }
            let mut known = blank("series", format!("bucket {} minus visible", bucket.key));
            known.posts = scope
                .iter()
                .copied()
                .filter(|index| {
                    !visible_series.contains(index)
                        && cell_range(&bucket.key, width).is_some_and(|(start, end)| {
                            posts[*index].published() >= start && posts[*index].published() < end
                        })
                })
                .collect();
            let shown_in_bucket: u64 = report
                .sentiment_series
                .iter()
                .filter(|cell| cell.bucket == bucket.key)
                .filter_map(|cell| cell.posts)
                .sum();
            known.value = count.saturating_sub(shown_in_bucket);
            knowns.push(known);
        }
        if let Some(total) = report.totals.posts {
            let mut columns: Vec<(String, BTreeSet<String>, u64)> = Vec::new();
            let mut hidden_classes = BTreeSet::new();
            let mut hidden_value = total;
            for cell in &report.sentiment {
                match cell.posts {
                    Some(count) => {
                        hidden_value = hidden_value.saturating_sub(count);
                        columns.push((cell.key.clone(), BTreeSet::from([cell.key.clone()]), count));
                    }
                    None => {
                        hidden_classes.insert(cell.key.clone());
                    }
                }
            }
            columns.push(("suppressed classes".into(), hidden_classes, hidden_value));
            columns.push((
                "all classes".into(),
                SENTIMENTS
                    .iter()
                    .map(|label| label.code().to_string())
                    .collect(),
                total,
            ));
            for (name, classes, value) in columns {
                let any_cell_shown = report
                    .sentiment_series
                    .iter()
                    .any(|cell| classes.contains(&cell.sentiment) && !cell.suppressed);
                if !any_cell_shown {
                    continue;
                }
                let mut known = blank("series", format!("class {name} minus visible"));
                known.posts = scope
                    .iter()
                    .copied()
                    .filter(|index| {
                        !visible_series.contains(index)
                            && classes.contains(posts[*index].sentiment.code())
                    })
                    .collect();
                let shown_in_classes: u64 = report
                    .sentiment_series
                    .iter()
                    .filter(|cell| classes.contains(&cell.sentiment))
                    .filter_map(|cell| cell.posts)
                    .sum();
                known.value = value.saturating_sub(shown_in_classes);
                knowns.push(known);
            }
        }
        for list in [&report.terms, &report.hashtags, &report.bigrams] {
            for item in &list.items {
                let mut known = blank(&format!("term {}", item.term), "term".into());
                known.posts = scope
                    .iter()
                    .copied()
                    .filter(|index| posts[*index].words.contains(&item.term.as_str()))
                    .collect();
                known.value = item.posts;
                knowns.push(known);
            }
        }
        knowns
    }

    fn authors_of(set: &BTreeSet<usize>, posts: &[TestPost]) -> usize {
        set.iter()
            .map(|index| posts[*index].author)
            .collect::<HashSet<u16>>()
            .len()
    }

    fn symmetric(left: &BTreeSet<usize>, right: &BTreeSet<usize>) -> BTreeSet<usize> {
        left.symmetric_difference(right).copied().collect()
    }

    /// What the attacker can derive from the answers: differences of every pair of numbers of one
    /// partition (or of one term) across and within answers, and every total, group sum or time
    /// cell of one answer minus the cells of another answer that lie inside it. Each derived
    /// number depends on exactly the posts that do not cancel; it must not be about 1..k-1
    /// authors. Returns the violations found.
    fn attacker_findings(answers: &[Vec<Known>], posts: &[TestPost], k: usize) -> Vec<String> {
        let mut findings = Vec::new();
        for (first_index, first) in answers.iter().enumerate() {
            for known in first {
                if known.value != known.posts.len() as u64 {
                    findings.push(format!(
                        "test model disagrees with answer {first_index}: {} {} shows {} for {} posts",
                        known.family,
                        known.label,
                        known.value,
                        known.posts.len()
                    ));
                }
            }
            for (second_index, second) in answers.iter().enumerate() {
                for (left_position, left) in first.iter().enumerate() {
                    for (right_position, right) in second.iter().enumerate() {
                        if left.family != right.family
                            || (first_index == second_index && left_position >= right_position)
                        {
                            continue;
                        }
                        let derived = symmetric(&left.posts, &right.posts);
                        let authors = authors_of(&derived, posts);
                        if !derived.is_empty() && authors < k {
                            findings.push(format!(
                                "answer {first_index} {} {} minus answer {second_index} {} {}: \
                                 {} posts of {authors} authors",
                                left.family,
                                left.label,
                                right.family,
                                right.label,
                                derived.len()
                            ));
                        }
                    }
                }
                if first_index == second_index {
                    continue;
                }
                for container in first {
                    if !(container.is_total || container.is_group || container.range.is_some()) {
                        continue;
                    }
                    let pieces: Vec<&Known> = second
                        .iter()
                        .filter(|piece| {
                            piece.family == container.family
                                && !piece.is_total
                                && !piece.is_group
                                && !piece.label.starts_with("term")
                        })
                        .filter(|piece| {
                            if container.is_total {
                                return true;
                            }
                            match (container.range, piece.range) {
                                (Some((start, end)), Some((piece_start, piece_end))) => {
                                    // A series cell holds only the cells of its own class.
                                    piece_start >= start
                                        && piece_end <= end
                                        && (container.family != "series"
                                            || piece.key == container.key)
                                }
                                _ if container.is_group => match piece.range {
                                    Some((piece_start, piece_end)) => {
                                        container.group_ranges.iter().any(|(start, end)| {
                                            piece_start >= *start && piece_end <= *end
                                        })
                                    }
                                    None => container.group_keys.contains(&piece.key),
                                },
                                _ => false,
                            }
                        })
                        .collect();
                    if pieces.len() < 2 {
                        continue;
                    }
                    let union: BTreeSet<usize> = pieces
                        .iter()
                        .flat_map(|piece| piece.posts.iter().copied())
                        .collect();
                    let derived = symmetric(&container.posts, &union);
                    let authors = authors_of(&derived, posts);
                    if !derived.is_empty() && authors < k {
                        findings.push(format!(
                            "answer {first_index} {} {} minus {} cells of answer {second_index}: \
                             {} posts of {authors} authors",
                            container.family,
                            container.label,
                            pieces.len(),
                            derived.len()
                        ));
                    }
                }
            }
        }
        findings
    }

    fn regular_posts() -> impl Strategy<Value = Vec<TestPost>> {
        proptest::collection::vec(
            (
                0u16..30,
                1u32..=8,
                0u32..24,
                0usize..3,
                0usize..5,
                0usize..5,
            ),
            60..140,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .map(|(author, day, hour, sentiment, first, second)| {
                    let mut words = vec![COMMON_WORDS[first]];
                    if second != first {
                        words.push(COMMON_WORDS[second]);
                    }
                    TestPost {
                        author,
                        day,
                        hour,
                        sentiment: SENTIMENTS[sentiment],
                        words,
                    }
                })
                .collect()
        })
    }

    fn target_posts() -> impl Strategy<Value = Vec<TestPost>> {
        proptest::collection::vec((1u32..=8, 0u32..24, 0usize..3, 0usize..5), 1..3).prop_map(
            |rows| {
                rows.into_iter()
                    .map(|(day, hour, sentiment, word)| TestPost {
                        author: TARGET_AUTHOR,
                        day,
                        hour,
                        sentiment: SENTIMENTS[sentiment],
                        words: vec![COMMON_WORDS[word], TARGET_WORD],
                    })
                    .collect()
            },
        )
    }

    fn any_ask() -> impl Strategy<Value = Ask> {
        (
            proptest::option::of(0usize..5),
            any::<bool>(),
            1u32..=8,
            1u32..=8,
            proptest::bool::weighted(0.25),
        )
            .prop_map(|(word, exclude_target, from_day, length, hourly)| Ask {
                include: word.map(|index| COMMON_WORDS[index]),
                exclude_target,
                from_day,
                to_day: (from_day + length).min(9),
                hourly,
            })
    }

    /// The attacks: (a) a query and the same query without the target's word, (b) windows one
    /// day apart around the target's posts (daily or hourly), (c) one broad answer (its own total
    /// minus its cells), (d) a random mix of several questions.
    fn attack(
        targets: &[TestPost],
        mode: usize,
        word: Option<usize>,
        hourly: bool,
        mixed: Vec<Ask>,
    ) -> Vec<Ask> {
        let target_day = targets.first().map_or(4, |post| post.day);
        let include = match word {
            Some(index) => Some(COMMON_WORDS[index]),
            None => targets.first().and_then(|post| post.words.first().copied()),
        };
        let whole = |include: Option<&'static str>, exclude_target: bool| Ask {
            include,
            exclude_target,
            from_day: 1,
            to_day: 9,
            hourly,
        };
        match mode {
            0 => vec![whole(include, false), whole(include, true)],
            1 => vec![whole(None, false), whole(None, true)],
            2 => vec![
                Ask {
                    include: None,
                    exclude_target: false,
                    from_day: target_day,
                    to_day: (target_day + 2).min(9),
                    hourly,
                },
                Ask {
                    include: None,
                    exclude_target: false,
                    from_day: (target_day + 1).min(8),
                    to_day: (target_day + 2).min(9),
                    hourly,
                },
                Ask {
                    include: None,
                    exclude_target: false,
                    from_day: target_day.saturating_sub(1).max(1),
                    to_day: (target_day + 1).min(9),
                    hourly: !hourly,
                },
            ],
            3 => vec![whole(None, false)],
            4 => vec![
                whole(include, false),
                whole(include, true),
                whole(include, false),
            ],
            _ => mixed,
        }
    }

    fn run_attack(
        regular: Vec<TestPost>,
        targets: Vec<TestPost>,
        asks: Vec<Ask>,
    ) -> Result<(Vec<String>, usize), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut store = open(directory.path());
        let workspace = active_workspace(&mut store, "differencing", K)?;
        let mut posts = regular;
        posts.extend(targets);
        let stored_posts: Vec<StoredPost> = posts
            .iter()
            .enumerate()
            .map(|(number, post)| stored(workspace.id, number as u32, post))
            .collect();
        store.insert_posts(&stored_posts)?;
        let mut answers = Vec::new();
        let mut answered = 0;
        for ask in &asks {
            let report = ask_store(&store, &workspace, ask)?;
            if report.totals.posts.is_some() {
                answered += 1;
            }
            answers.push(knowns_of(&report, ask, &posts));
        }
        Ok((attacker_findings(&answers, &posts, K as usize), answered))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

        #[test]
        fn the_attacker_cannot_isolate_fewer_than_k_authors(
            regular in regular_posts(),
            targets in target_posts(),
            mode in 0usize..6,
            word in proptest::option::of(0usize..5),
            hourly in proptest::bool::weighted(0.3),
            mixed in proptest::collection::vec(any_ask(), 2..6),
        ) {
            let asks = attack(&targets, mode, word, hourly, mixed);
            let outcome = run_attack(regular, targets, asks.clone());
            let Ok((findings, _)) = outcome else {
                return Err(TestCaseError::fail(format!("store error: {outcome:?}")));
            };
            prop_assert!(findings.is_empty(), "asks {:?}\nfindings {:#?}", asks, findings);
        }
    }

    fn fixture_posts() -> Vec<TestPost> {
        // 40 authors over 8 days; every author writes about afval and half also about verkeer.
        let mut posts = Vec::new();
        for author in 0u16..40 {
            for day in [1 + u32::from(author) % 8, 1 + (u32::from(author) + 3) % 8] {
                let mut words = vec!["afval"];
                if author % 2 == 0 {
                    words.push("verkeer");
                }
                posts.push(TestPost {
                    author,
                    day,
                    hour: 9 + u32::from(author) % 8,
                    sentiment: SENTIMENTS[usize::from(author) % 3],
                    words,
                });
            }
        }
        for author in 40u16..80 {
            posts.push(TestPost {
                author,
                day: 1 + u32::from(author) % 8,
                hour: 12,
                sentiment: SENTIMENTS[usize::from(author) % 3],
                words: vec!["fiets"],
            });
        }
        posts
    }

    fn setup(posts: &[TestPost]) -> Result<(tempfile::TempDir, Store, Workspace), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut store = open(directory.path());
        let workspace = active_workspace(&mut store, "differencing-fixture", K)?;
        let stored_posts: Vec<StoredPost> = posts
            .iter()
            .enumerate()
            .map(|(number, post)| stored(workspace.id, number as u32, post))
            .collect();
        store.insert_posts(&stored_posts)?;
        Ok((directory, store, workspace))
    }

    fn whole_ask(include: Option<&'static str>, exclude_target: bool) -> Ask {
        Ask {
            include,
            exclude_target,
            from_day: 1,
            to_day: 9,
            hourly: false,
        }
    }

    #[test]
    fn leaving_out_the_target_word_is_refused() -> Result<(), StoreError> {
        let mut posts = fixture_posts();
        posts.push(TestPost {
            author: TARGET_AUTHOR,
            day: 3,
            hour: 22,
            sentiment: SentimentLabel::Negative,
            words: vec!["afval", TARGET_WORD],
        });
        let (_directory, store, workspace) = setup(&posts)?;
        let with_word = ask_store(&store, &workspace, &whole_ask(Some("afval"), false))?;
        assert!(with_word.totals.posts.is_some());
        assert!(with_word.differencing_refusal.is_none());
        let without_word = ask_store(&store, &workspace, &whole_ask(Some("afval"), true))?;
        let Some(refusal) = &without_word.differencing_refusal else {
            panic!("the second answer would reveal the target: {without_word:?}");
        };
        assert_eq!(refusal.reason, DifferencingReason::SmallDifference);
        assert!(refusal.message_nl.contains("minder dan 5 auteurs"));
        assert!(refusal.message_en.contains("fewer than 5 authors"));
        assert_eq!(without_word.totals.posts, None);
        assert!(without_word.volume.is_empty() && without_word.languages.is_empty());
        assert!(without_word
            .sentiment
            .iter()
            .all(|cell| cell.posts.is_none()));
        let json = serde_json::to_string(&without_word).unwrap_or_default();
        assert!(json.contains("differencing_refusal"));
        // The earlier question is still answered, and the same way.
        let again = ask_store(&store, &workspace, &whole_ask(Some("afval"), false))?;
        assert_eq!(again, with_word);
        Ok(())
    }

    #[test]
    fn ordinary_use_two_broad_queries_are_both_answered() -> Result<(), StoreError> {
        let posts = fixture_posts();
        let (_directory, store, workspace) = setup(&posts)?;
        let asks = [
            whole_ask(Some("afval"), false),
            whole_ask(Some("verkeer"), false),
            whole_ask(None, false),
            whole_ask(Some("fiets"), false),
        ];
        let mut answers = Vec::new();
        for ask in &asks {
            let report = ask_store(&store, &workspace, ask)?;
            assert!(
                report.differencing_refusal.is_none() && report.totals.posts.is_some(),
                "{ask:?} was not answered: {report:?}"
            );
            assert!(report.volume.iter().any(|cell| cell.posts.is_some()));
            answers.push(knowns_of(&report, ask, &posts));
        }
        let findings = attacker_findings(&answers, &posts, K as usize);
        assert!(findings.is_empty(), "{findings:#?}");
        Ok(())
    }

    #[test]
    fn the_json_of_an_ordinary_report_has_no_refusal_field() -> Result<(), StoreError> {
        let posts = fixture_posts();
        let (_directory, store, workspace) = setup(&posts)?;
        let report = ask_store(&store, &workspace, &whole_ask(None, false))?;
        let json = serde_json::to_string(&report).unwrap_or_default();
        assert!(!json.contains("differencing_refusal"));
        Ok(())
    }

    #[test]
    fn windows_are_snapped_to_whole_buckets() -> Result<(), StoreError> {
        let posts = fixture_posts();
        let (_directory, store, workspace) = setup(&posts)?;
        let request = AggregateRequest {
            query: None,
            from: Utc.with_ymd_and_hms(2026, 10, 2, 13, 30, 0).single(),
            to: Utc.with_ymd_and_hms(2026, 10, 5, 0, 0, 1).single(),
            interval: Interval::Day,
            top: 5,
        };
        let report = store.aggregate(&workspace, &request)?;
        assert_eq!(report.from, Some(day_start(2)));
        assert_eq!(report.to, Some(day_start(6)));
        Ok(())
    }

    /// Not a timed assertion: measures the audit on a workspace of ~75k posts with dozens of
    /// remembered answers. Run with
    /// `cargo test --release -p peil-store --test store -- --ignored --nocapture audit_cost`.
    #[test]
    #[ignore]
    fn audit_cost_on_a_large_workspace() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut store = open(directory.path());
        let workspace = active_workspace(&mut store, "differencing-bench", 10)?;
        let vocabulary: Vec<String> = (0..400).map(|index| format!("woord{index}")).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut batch = Vec::new();
        let started = std::time::Instant::now();
        for number in 0..75_000u32 {
            let author = (next() % 9_000) as u16;
            let day = 1 + (next() % 30) as u32;
            let hour = (next() % 24) as u32;
            let words: Vec<String> = (0..6)
                .map(|_| vocabulary[(next() % 400) as usize].clone())
                .collect();
            let mut post = stored(
                workspace.id,
                number,
                &TestPost {
                    author,
                    day,
                    hour,
                    sentiment: SENTIMENTS[(next() % 3) as usize],
                    words: vec![],
                },
            );
            post.deidentified_text = words.join(" ");
            post.terms = words;
            batch.push(post);
            if batch.len() == 5_000 {
                store.insert_posts(&batch)?;
                batch.clear();
            }
        }
        eprintln!("inserted 75k posts in {:?}", started.elapsed());
        let queries: Vec<Option<peil_query::Query>> = std::iter::once(None)
            .chain((0..47).map(|index| {
                let text = match index % 3 {
                    0 => format!("woord{} OR woord{}", index, index + 50),
                    1 => format!(
                        "woord{} OR woord{} OR woord{}",
                        index,
                        index + 100,
                        index + 200
                    ),
                    _ => format!("-woord{}", index),
                };
                peil_query::parse(&text).ok()
            }))
            .collect();
        let mut timings: BTreeMap<&str, Vec<std::time::Duration>> = BTreeMap::new();
        let mut audit_costs: BTreeMap<&str, Vec<std::time::Duration>> = BTreeMap::new();
        let mut refused = 0;
        for (round, query) in queries.iter().enumerate() {
            for (label, interval, from_day) in [
                ("day, whole month", Interval::Day, 1),
                ("hour, from day 10", Interval::Hour, 10),
            ] {
                let request = AggregateRequest {
                    query: query.as_ref(),
                    from: Some(day_start(from_day)),
                    to: None,
                    interval,
                    top: 15,
                };
                let started = std::time::Instant::now();
                let report = store.aggregate(&workspace, &request)?;
                let elapsed = started.elapsed();
                // The same question again is an identical scope: answered without the audit.
                let started_again = std::time::Instant::now();
                let repeated = store.aggregate(&workspace, &request)?;
                let elapsed_again = started_again.elapsed();
                if let Some(refusal) = &report.differencing_refusal {
                    refused += 1;
                    eprintln!("withheld ({:?}): query {round}, {label}", refusal.reason);
                } else {
                    assert_eq!(
                        repeated, report,
                        "a repeated question is answered the same way"
                    );
                }
                if round > 0 {
                    timings.entry(label).or_default().push(elapsed);
                    if report.differencing_refusal.is_none() {
                        audit_costs
                            .entry(label)
                            .or_default()
                            .push(elapsed.saturating_sub(elapsed_again));
                    }
                } else {
                    eprintln!("{label}, no remembered answer yet: {elapsed:?}");
                }
            }
        }
        for (label, mut samples) in timings {
            samples.sort();
            let median = samples[samples.len() / 2];
            let worst = samples[samples.len() - 1];
            eprintln!(
                "{label}: {} answers, whole answer median {median:?}, worst {worst:?}",
                samples.len()
            );
        }
        for (label, mut samples) in audit_costs {
            samples.sort();
            if samples.is_empty() {
                continue;
            }
            let median = samples[samples.len() / 2];
            let worst = samples[samples.len() - 1];
            eprintln!(
                "{label}: audit share (first answer minus identical repeat) median {median:?}, \
                 worst {worst:?}"
            );
        }
        eprintln!("withheld answers: {refused}");
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Signals and representativeness (issue 4): rising terms, bursts, clusters, reposts, very active
// authors and data gaps, each through the k gate.

fn post_at(
    workspace_id: i64,
    number: u32,
    author: u8,
    published_at: DateTime<Utc>,
    terms: &[&str],
) -> StoredPost {
    let mut stored = post(workspace_id, number, author, 1, "tekst", terms);
    stored.published_at = published_at;
    stored
}

fn hour(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0)
        .single()
        .unwrap_or_default()
}

#[test]
fn a_term_that_rises_against_the_week_before_is_named_with_its_significance(
) -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "rising", 10)?;
    let mut posts = Vec::new();
    let mut number = 0u32;
    // Baseline week (1–7 Oct): 200 posts of 40 authors about "afval"; "brug" 4 times.
    // Window (8–14 Oct): 200 posts; "brug" in 60 posts by 20 authors; "stank" in 40 posts of
    // 3 authors only (under k: never named, not even as rising).
    for index in 0..200u32 {
        let day = 1 + index % 7;
        let mut terms = vec!["afval"];
        if index < 4 {
            terms.push("brug");
        }
        posts.push(post_at(
            workspace.id,
            number,
            (index % 40) as u8,
            hour(day, 10),
            &terms,
        ));
        number += 1;
    }
    for index in 0..200u32 {
        let day = 8 + index % 7;
        let mut terms = vec!["afval"];
        if index < 60 {
            terms.push("brug");
        }
        let author = if (60..100).contains(&index) {
            200 + (index % 3) as u8
        } else {
            (index % 40) as u8
        };
        if (60..100).contains(&index) {
            terms.push("stank");
        }
        posts.push(post_at(workspace.id, number, author, hour(day, 10), &terms));
        number += 1;
    }
    store.insert_posts(&posts)?;
    let request = AggregateRequest {
        query: None,
        from: Some(hour(8, 0)),
        to: Some(hour(15, 0)),
        interval: Interval::Day,
        top: 10,
    };
    let report = store.aggregate(&workspace, &request)?;
    let rising: Vec<&str> = report
        .rising
        .terms
        .iter()
        .map(|item| item.term.as_str())
        .collect();
    assert_eq!(rising, vec!["brug"], "{:?}", report.rising);
    assert_eq!(report.rising.unavailable, None);
    assert_eq!(report.rising.baseline_from, Some(hour(1, 0)));
    assert_eq!(report.rising.baseline_to, Some(hour(8, 0)));
    assert_eq!(
        report.rising.terms.first().map(|item| item.significance),
        Some(peil_store::Significance::P0001)
    );
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert!(
        !json.contains("stank"),
        "a term under k must never be named"
    );
    assert!(json.contains("\"p<0.0001\""));

    // Without a start there is no baseline window; an empty baseline is too small.
    let open_request = AggregateRequest {
        from: None,
        ..request
    };
    let open_report = store.aggregate(&workspace, &open_request)?;
    assert_eq!(
        open_report.rising.unavailable,
        Some(peil_store::RisingUnavailable::NoWindow)
    );
    let early_request = AggregateRequest {
        query: None,
        from: Some(hour(1, 0)),
        to: Some(hour(8, 0)),
        interval: Interval::Day,
        top: 10,
    };
    let early_report = store.aggregate(&workspace, &early_request)?;
    assert_eq!(
        early_report.rising.unavailable,
        Some(peil_store::RisingUnavailable::BaselineTooSmall)
    );
    Ok(())
}

#[test]
fn a_storm_in_hourly_volume_is_a_burst_and_hours_under_k_are_not() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "bursts", 10)?;
    let mut posts = Vec::new();
    let mut number = 0u32;
    // Two quiet days: 12 posts an hour by 12 authors. Day 3, 09:00–11:00: 30, 80, 40 posts by
    // many authors. Day 3, 20:00: 60 posts by 2 authors (under k: must not be a burst).
    for day in 1..=3u32 {
        for clock in 0..24u32 {
            let count = match (day, clock) {
                (3, 9) => 30,
                (3, 10) => 80,
                (3, 11) => 40,
                (3, 20) => 60,
                _ => 12,
            };
            for index in 0..count {
                let author = if (day, clock) == (3, 20) {
                    250 + (index % 2) as u8
                } else {
                    (index % 50) as u8
                };
                posts.push(post_at(workspace.id, number, author, hour(day, clock), &[]));
                number += 1;
            }
        }
    }
    store.insert_posts(&posts)?;
    for interval in [Interval::Hour, Interval::Day] {
        let request = AggregateRequest {
            query: None,
            from: Some(hour(1, 0)),
            to: Some(hour(4, 0)),
            interval,
            top: 5,
        };
        let report = store.aggregate(&workspace, &request)?;
        assert_eq!(report.bursts.len(), 1, "{interval:?}: {:?}", report.bursts);
        let Some(burst) = report.bursts.first() else {
            continue;
        };
        assert_eq!(burst.start, hour(3, 9));
        assert_eq!(burst.peak, hour(3, 10));
        assert_eq!(burst.end, hour(3, 12));
        let expected_peak = match interval {
            Interval::Hour => Some(80),
            Interval::Day => None,
        };
        assert_eq!(burst.peak_posts, expected_peak);
    }
    Ok(())
}

#[test]
fn terms_that_appear_together_form_a_cluster_only_with_k_authors() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "clusters", 10)?;
    let mut posts = Vec::new();
    // "brug" + "afsluiting" together in 40 posts of 20 authors; "stank" + "riool" together in 30
    // posts, but only 4 authors write both (each term also alone by many others); "park" alone.
    for number in 0..40u32 {
        posts.push(post(
            workspace.id,
            number,
            (number % 20) as u8,
            1,
            "t",
            &["brug", "afsluiting"],
        ));
    }
    for number in 40..70u32 {
        posts.push(post(
            workspace.id,
            number,
            100 + (number % 4) as u8,
            2,
            "t",
            &["stank", "riool"],
        ));
    }
    for number in 70..100u32 {
        posts.push(post(
            workspace.id,
            number,
            120 + (number % 15) as u8,
            3,
            "t",
            &["stank"],
        ));
    }
    for number in 100..130u32 {
        posts.push(post(
            workspace.id,
            number,
            140 + (number % 15) as u8,
            4,
            "t",
            &["riool"],
        ));
    }
    for number in 130..200u32 {
        posts.push(post(
            workspace.id,
            number,
            (number % 30) as u8,
            5,
            "t",
            &["park"],
        ));
    }
    store.insert_posts(&posts)?;
    let report = store.aggregate(&workspace, &day_request())?;
    let clusters: Vec<Vec<&str>> = report
        .clusters
        .iter()
        .map(|cluster| cluster.terms.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(clusters, vec![vec!["afsluiting", "brug"]], "{clusters:?}");
    Ok(())
}

#[test]
fn representativeness_states_reposts_very_active_authors_and_data_gaps() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "representativeness", 10)?;
    let mut posts = Vec::new();
    // 100 posts of 50 authors on 1 Oct, 25 of them reposts by 25 authors; then 3 authors who
    // post 40 times each on 2 Oct (very active, but fewer than k: the share is withheld).
    for number in 0..100u32 {
        let mut stored = post_at(workspace.id, number, (number % 50) as u8, hour(1, 12), &[]);
        stored.is_repost = number < 25;
        posts.push(stored);
    }
    store.insert_posts(&posts)?;
    let mut hours = std::collections::BTreeMap::new();
    hours.insert(("import".to_string(), hour(1, 12).timestamp()), 250u64);
    hours.insert(("import".to_string(), hour(1, 14).timestamp()), 3u64);
    store.record_source_hours(&[workspace.id], &hours)?;
    let request = AggregateRequest {
        query: None,
        from: Some(hour(1, 0)),
        to: Some(hour(2, 0)),
        interval: Interval::Hour,
        top: 5,
    };
    let report = store.aggregate(&workspace, &request)?;
    let Some(block) = report.representativeness.clone() else {
        panic!("a visible report carries representativeness");
    };
    assert_eq!(block.reposts.percent, Some(25));
    assert_eq!(block.high_frequency_authors.percent, Some(0));
    assert_eq!(block.source_coverage.len(), 1);
    assert_eq!(
        block.source_coverage.first().map(|coverage| (
            coverage.source.as_str(),
            coverage.hours_in_window,
            coverage.hours_without_data
        )),
        Some(("import", 24, 22))
    );

    // Another workspace (a new question about the same posts would be a differencing attack):
    // 100 posts of 50 authors plus 3 authors who post 40 times each in one day. Very active,
    // but fewer than k: the share is withheld. With 10 such authors it is shown.
    for (name, heavy_authors, expected) in
        [("drie-actief", 3u32, None), ("tien-actief", 10, Some(80))]
    {
        let other = active_workspace(&mut store, name, 10)?;
        let mut mixed = Vec::new();
        for number in 0..100u32 {
            mixed.push(post_at(
                other.id,
                number,
                (number % 50) as u8,
                hour(1, 12),
                &[],
            ));
        }
        for number in 100..(100 + 40 * heavy_authors) {
            mixed.push(post_at(
                other.id,
                number,
                200 + (number % heavy_authors) as u8,
                hour(2, 12),
                &[],
            ));
        }
        store.insert_posts(&mixed)?;
        let report = store.aggregate(&other, &day_request())?;
        let Some(block) = report.representativeness else {
            panic!("a visible report carries representativeness");
        };
        assert_eq!(block.high_frequency_authors.percent, expected, "{name}");
        assert_eq!(block.high_frequency_authors.suppressed, expected.is_none());
    }
    Ok(())
}

#[test]
fn a_webcare_message_goes_with_its_post_when_the_source_deletes_it() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = active_workspace_in(&mut store, "Gemeente Webcare", "webcare", 7)?;
    let uri = "https://social.example/@bron/statuses/42";
    let mut post = stored_post(
        workspace.id,
        PostSpec {
            number: 42,
            pseudonym: [7u8; 32],
            published_at: Utc::now(),
            key_period: "2026-12",
            text: "@gemeente het afval".into(),
            terms: vec!["afval".into()],
        },
    );
    let sealed = store
        .keys()
        .seal_webcare_reference(workspace.id, &post.source_ref, uri)?;
    let ciphertext = sealed.ciphertext.clone();
    // A sealed link opens only for its own post and workspace.
    let mut other_post = post.source_ref;
    other_post[5] ^= 1;
    assert!(store
        .keys()
        .open_webcare_reference(workspace.id, &other_post, &sealed)
        .is_err());
    assert!(store
        .keys()
        .open_webcare_reference(workspace.id + 1, &post.source_ref, &sealed)
        .is_err());
    post.webcare_reference = Some(sealed);
    store.insert_posts(std::slice::from_ref(&post))?;
    let inbox = store.webcare_messages(workspace.id, 10, 0)?;
    assert_eq!(
        inbox
            .messages
            .first()
            .map(|message| message.answer_link.as_str()),
        Some(uri)
    );
    let message_id = inbox
        .messages
        .first()
        .map(|message| message.id)
        .unwrap_or_default();
    store.set_webcare_status(
        workspace.id,
        message_id,
        peil_store::WebcareStatus::Answered,
        Utc::now(),
    )?;
    assert!(
        store
            .set_webcare_status(
                workspace.id + 1,
                message_id,
                peil_store::WebcareStatus::Closed,
                Utc::now()
            )
            .is_err(),
        "another workspace's message is not found"
    );
    assert!(store.delete_post_by_reference(workspace.id, &post.source_ref)?);
    assert_eq!(store.webcare_message_count(workspace.id)?, 0);
    assert!(files_containing(&data_dir, uri.as_bytes()).is_empty());
    drop(store);
    // secure_delete zeroed the row: after a checkpoint no byte of the sealed link remains.
    {
        let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    let left = files_containing(&data_dir, &ciphertext);
    assert!(left.is_empty(), "sealed link remains in {left:?}");
    Ok(())
}

/// The webcare key bytes of `workspace_id`, read straight from the key database (a test looks at
/// the file; the store never hands key bytes out).
fn webcare_key_bytes(data_dir: &Path, workspace_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    use rusqlite::OptionalExtension;
    let connection = rusqlite::Connection::open(data_dir.join("keys").join("keys.sqlite"))?;
    Ok(connection
        .query_row(
            "SELECT key FROM webcare_keys WHERE workspace_id = ?1",
            rusqlite::params![workspace_id],
            |row| row.get(0),
        )
        .optional()?)
}

#[test]
fn closing_a_workspace_destroys_its_webcare_key_and_messages() -> Result<(), StoreError> {
    for close_by_end_date in [false, true] {
        let directory = temporary_directory()?;
        let data_dir = directory.path().join("data");
        let mut store = open(&data_dir);
        let workspace = active_workspace_in(&mut store, "Gemeente Webcare", "webcare", 7)?;
        let uri = "https://social.example/@bron/statuses/77";
        let mut post = stored_post(
            workspace.id,
            PostSpec {
                number: 77,
                pseudonym: [9u8; 32],
                published_at: Utc::now(),
                key_period: "2026-12",
                text: "@gemeente de container is vol".into(),
                terms: vec!["container".into()],
            },
        );
        let sealed = store
            .keys()
            .seal_webcare_reference(workspace.id, &post.source_ref, uri)?;
        post.webcare_reference = Some(sealed.clone());
        store.insert_posts(std::slice::from_ref(&post))?;
        assert_eq!(store.webcare_message_count(workspace.id)?, 1);
        let Some(key) = webcare_key_bytes(&data_dir, workspace.id)? else {
            panic!("no webcare key was stored");
        };
        assert!(
            !files_containing(&data_dir, &key).is_empty(),
            "the key is on disk before closing (so this test can fail)"
        );
        if close_by_end_date {
            let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
            connection.execute(
                "UPDATE workspaces SET ends_at = ?1 WHERE id = ?2",
                rusqlite::params![
                    (Utc::now() + chrono::Duration::hours(1)).timestamp(),
                    workspace.id
                ],
            )?;
            let closed = store.close_ended_workspaces(Utc::now() + chrono::Duration::hours(2))?;
            assert_eq!(closed, vec!["webcare".to_string()]);
        } else {
            store.set_workspace_status(workspace.id, WorkspaceStatus::Closed, "einde", "tester")?;
        }
        assert_eq!(store.webcare_message_count(workspace.id)?, 0);
        assert!(
            store
                .keys()
                .open_webcare_reference(workspace.id, &post.source_ref, &sealed)
                .is_err(),
            "a remaining sealed link never opens again"
        );
        assert_eq!(webcare_key_bytes(&data_dir, workspace.id)?, None);
        let left = files_containing(&data_dir, &key);
        assert!(left.is_empty(), "webcare key bytes remain in {left:?}");
        // Opening did not bring a fresh key back.
        assert_eq!(webcare_key_bytes(&data_dir, workspace.id)?, None);
    }
    Ok(())
}

#[test]
fn an_edit_is_noted_with_old_and_new_values_and_shorter_retention_applies_at_the_next_run(
) -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let data_dir = directory.path().join("data");
    let mut store = open(&data_dir);
    let workspace = active_workspace_in(&mut store, "Gemeente Bewaar", "afval", 30)?;
    let as_of = moment(2026, 10, 30);
    let mut posts = Vec::new();
    for (number, day) in [(1, 5), (2, 12), (3, 20), (4, 28)] {
        posts.push(stored_post(
            workspace.id,
            PostSpec {
                number,
                pseudonym: [number as u8; 32],
                published_at: moment(2026, 10, day),
                key_period: "2026-10",
                text: "afval".into(),
                terms: vec!["afval".into()],
            },
        ));
    }
    store.insert_posts(&posts)?;
    assert_eq!(
        store.run_retention(as_of)?.posts_deleted,
        0,
        "30 days keep all"
    );
    // Narrowing: 30 -> 14 days and k 5 -> 8 keep the workspace active.
    let narrowing = peil_model::WorkspaceEdit {
        retention_days_posts: Some(14),
        k: Some(8),
        ..peil_model::WorkspaceEdit::default()
    };
    let edited = store.edit_workspace(workspace.id, &narrowing, "kortere bewaartermijn", "anna")?;
    assert_eq!(edited.status, WorkspaceStatus::Active);
    assert_eq!((edited.retention_days_posts, edited.k), (14, 8));
    let Some(note) = store.changes()?.into_iter().last() else {
        panic!("no change note");
    };
    assert_eq!(note.action, "edit: retention_days_posts 30 -> 14; k 5 -> 8");
    assert_eq!(note.why, "kortere bewaartermijn");
    // The next run reads the new retention: the posts of 5 and 12 October go.
    assert_eq!(store.run_retention(as_of)?.posts_deleted, 2);
    assert_eq!(store.post_count(workspace.id)?, 2);
    // Widening (longer retention) sends it back to draft for the FG; the purpose never changes.
    let widening = peil_model::WorkspaceEdit {
        retention_days_posts: Some(60),
        ..peil_model::WorkspaceEdit::default()
    };
    let widened = store.edit_workspace(workspace.id, &widening, "langer nodig", "anna")?;
    assert_eq!(widened.status, WorkspaceStatus::Draft);
    let purpose = peil_model::WorkspaceEdit {
        purpose: Some(Purpose::PublicOrderGeneralPicture),
        ..peil_model::WorkspaceEdit::default()
    };
    assert!(matches!(
        store.edit_workspace(workspace.id, &purpose, "ander doel", "anna"),
        Err(StoreError::Model(peil_model::ModelError::PurposeIsFixed))
    ));
    assert!(matches!(
        store.edit_workspace(workspace.id, &narrowing, " ", "anna"),
        Err(StoreError::Model(peil_model::ModelError::MissingWhy))
    ));
    // The database keeps the rules too: no purpose change ever, and no change of the approved
    // texts outside draft.
    let connection = rusqlite::Connection::open(data_dir.join(peil_store::DATABASE_FILE))?;
    assert!(connection
        .execute(
            "UPDATE workspaces SET purpose = 'public_order_general_picture' WHERE id = ?1",
            rusqlite::params![workspace.id],
        )
        .is_err());
    connection.execute(
        "UPDATE workspaces SET status = 'active' WHERE id = ?1",
        rusqlite::params![workspace.id],
    )?;
    assert!(connection
        .execute(
            "UPDATE workspaces SET legal_basis = 'iets anders' WHERE id = ?1",
            rusqlite::params![workspace.id],
        )
        .is_err());
    Ok(())
}

/// Two days of posts by `authors_per_class` authors per class; `dominated` adds a class on day 2
/// written by one author only (many posts).
fn sentiment_series_fixture(
    dominated: bool,
) -> Result<(tempfile::TempDir, Store, Workspace), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "series", 10)?;
    let mut posts = Vec::new();
    let mut number = 0u32;
    for day in [1u32, 2] {
        for (class_index, label) in [SentimentLabel::Negative, SentimentLabel::Neutral]
            .into_iter()
            .enumerate()
        {
            for author in 0..12u8 {
                let mut stored = post(
                    workspace.id,
                    number,
                    author + 20 * class_index as u8,
                    day,
                    "afval",
                    &["afval"],
                );
                stored.sentiment = label;
                posts.push(stored);
                number += 1;
            }
        }
    }
    if dominated {
        // Day 2, positive: 15 posts, all by one author.
        for _ in 0..15 {
            let mut stored = post(workspace.id, number, 200, 2, "afval", &["afval"]);
            stored.sentiment = SentimentLabel::Positive;
            posts.push(stored);
            number += 1;
        }
    }
    store.insert_posts(&posts)?;
    Ok((directory, store, workspace))
}

#[test]
fn the_sentiment_series_shows_each_class_per_bucket_when_every_cell_has_k_authors(
) -> Result<(), StoreError> {
    let (_directory, store, workspace) = sentiment_series_fixture(false)?;
    let report = store.aggregate(&workspace, &day_request())?;
    // Two days × three classes, each day's shares of its own posts.
    assert_eq!(report.sentiment_series.len(), 6);
    assert_eq!(report.sentiment_series_suppressed, 0);
    let day_one_negative = report
        .sentiment_series
        .iter()
        .find(|cell| cell.bucket.starts_with("2026-10-01") && cell.sentiment == "negative");
    assert_eq!(day_one_negative.and_then(|cell| cell.posts), Some(12));
    assert_eq!(day_one_negative.and_then(|cell| cell.share), Some(0.5));
    // A class without posts is a plain zero: it reveals nothing while the series is shown.
    let day_two_positive = report
        .sentiment_series
        .iter()
        .find(|cell| cell.bucket.starts_with("2026-10-02") && cell.sentiment == "positive");
    assert_eq!(day_two_positive.and_then(|cell| cell.posts), Some(0));
    Ok(())
}

#[test]
fn one_author_dominating_a_class_suppresses_the_whole_series() -> Result<(), StoreError> {
    let (_directory, store, workspace) = sentiment_series_fixture(true)?;
    let report = store.aggregate(&workspace, &day_request())?;
    // The scope has enough authors, and the overall positive cell (one author) is suppressed.
    assert_eq!(report.totals.posts, Some(63));
    let positive = report.sentiment.iter().find(|cell| cell.key == "positive");
    assert!(positive.is_some_and(|cell| cell.suppressed));
    // Day 2 positive has 15 posts of one author: shown next to the other classes of day 2 and
    // the day's volume it would be given away, so no cell of the series is shown, not even the
    // zero of day 1 positive (with two zeros beside a shown day, the third class is known).
    assert_eq!(report.sentiment_series.len(), 6);
    assert!(report
        .sentiment_series
        .iter()
        .all(|cell| cell.suppressed && cell.posts.is_none() && cell.share.is_none()));
    assert_eq!(report.sentiment_series_suppressed, 6);
    assert!(report.suppressed_cells >= 7);
    Ok(())
}

#[test]
fn a_scope_under_k_authors_lists_no_sentiment_series() -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "series-small", 10)?;
    let posts: Vec<StoredPost> = (0..30u32)
        .map(|number| {
            post(
                workspace.id,
                number,
                (number % 4) as u8,
                1,
                "afval",
                &["afval"],
            )
        })
        .collect();
    store.insert_posts(&posts)?;
    let report = store.aggregate(&workspace, &day_request())?;
    assert!(report.totals.suppressed);
    assert!(report.sentiment_series.is_empty());
    Ok(())
}

#[test]
fn a_series_cell_that_two_overlapping_answers_would_single_out_is_suppressed(
) -> Result<(), StoreError> {
    let directory = temporary_directory()?;
    let mut store = open(directory.path());
    let workspace = active_workspace(&mut store, "series-differencing", 5)?;
    let classes = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];
    let mut posts = Vec::new();
    let mut number = 0u32;
    let mut author = 0u8;
    // Six authors in every (day, class) cell.
    for day in [1u32, 2] {
        for label in classes {
            for _ in 0..6 {
                let mut stored = post(workspace.id, number, author, day, "afval", &["afval"]);
                stored.sentiment = label;
                posts.push(stored);
                number += 1;
                author += 1;
            }
        }
    }
    // Ten more posts of ten authors, with the word "extra": each day and each class differs by
    // none or five authors between "afval" and "afval -extra", but the (day, class) cells
    // differ by one or four.
    let extra = [
        (1, SentimentLabel::Negative),
        (1, SentimentLabel::Neutral),
        (1, SentimentLabel::Neutral),
        (1, SentimentLabel::Neutral),
        (1, SentimentLabel::Neutral),
        (2, SentimentLabel::Negative),
        (2, SentimentLabel::Negative),
        (2, SentimentLabel::Negative),
        (2, SentimentLabel::Negative),
        (2, SentimentLabel::Neutral),
    ];
    for (day, label) in extra {
        let mut stored = post(
            workspace.id,
            number,
            author,
            day,
            "afval extra",
            &["afval", "extra"],
        );
        stored.sentiment = label;
        posts.push(stored);
        number += 1;
        author += 1;
    }
    store.insert_posts(&posts)?;
    let ask = |text: &str| -> Result<peil_store::AggregateReport, StoreError> {
        let query = match peil_query::parse(text) {
            Ok(query) => query,
            Err(error) => panic!("test query did not parse: {error}"),
        };
        store.aggregate(
            &workspace,
            &AggregateRequest {
                query: Some(&query),
                ..day_request()
            },
        )
    };
    let first = ask("afval")?;
    assert!(first.sentiment_series.iter().all(|cell| !cell.suppressed));
    let second = ask("afval -extra")?;
    // Volume and overall sentiment may be shown (they differ by five authors or none) …
    assert!(second.differencing_refusal.is_none());
    assert!(second.volume.iter().all(|cell| !cell.suppressed));
    // … but (day 1, negative) differs by one author from the first answer: the series goes.
    assert!(
        second.sentiment_series.iter().all(|cell| cell.suppressed),
        "{:?}",
        second.sentiment_series
    );
    Ok(())
}
