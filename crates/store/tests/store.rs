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
        sentiment: SentimentLabel::Neutral,
        sentiment_score: 0.0,
        terms: terms.iter().map(|term| term.to_string()).collect(),
        hashtags: vec![],
        bigrams: vec![],
        matched_monitor_ids: vec![],
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
