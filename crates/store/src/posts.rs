//! Writing and deleting de-identified posts, keeping SQLite and the index in step.
//!
//! Write order: the SQLite transaction commits first (fsynced, `synchronous=FULL`), then the index
//! commits. A crash between the two leaves posts in SQLite that the index lacks; `reconcile_index`
//! (run on every open) indexes them, and removes index entries whose rows are gone. So after any
//! crash the store opens with SQLite and the index holding the same posts.

use std::collections::{BTreeMap, HashMap, HashSet};

use peil_model::{Language, StoredPost};
use peil_query::IndexablePost;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::retention::TermRelease;
use crate::term_list;
use crate::{Store, StoreError};

/// Kinds of rows in the `terms` table.
pub const TERM_KIND_WORD: i64 = 0;
pub const TERM_KIND_HASHTAG: i64 = 1;
pub const TERM_KIND_BIGRAM: i64 = 2;

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub stored: u64,
    pub duplicates: u64,
    /// For each post of the batch, in order: whether it was new (true) or a duplicate.
    pub stored_flags: Vec<bool>,
}

/// Ids of terms by workspace, kind and text, so that a batch asks the database only for terms it
/// has not seen before. Looked up by `&str`: a hit allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct TermCache {
    by_workspace_and_kind: HashMap<(i64, i64), HashMap<String, i64>>,
}

impl TermCache {
    fn get(&self, workspace_id: i64, kind: i64, text: &str) -> Option<i64> {
        self.by_workspace_and_kind
            .get(&(workspace_id, kind))
            .and_then(|ids| ids.get(text))
            .copied()
    }

    fn insert(&mut self, workspace_id: i64, kind: i64, text: &str, id: i64) {
        self.by_workspace_and_kind
            .entry((workspace_id, kind))
            .or_default()
            .insert(text.to_string(), id);
    }

    /// Forgets every id (after a rollback, or when many terms were deleted).
    pub(crate) fn clear(&mut self) {
        self.by_workspace_and_kind.clear();
    }

    /// Forgets the ids of deleted terms.
    fn forget(&mut self, deleted: &HashSet<i64>) {
        for ids in self.by_workspace_and_kind.values_mut() {
            ids.retain(|_, id| !deleted.contains(id));
        }
    }
}

/// The id of a term, from the cache or the database (created if new; `looked_up` collects the
/// ids the database gave).
fn term_id(
    transaction: &Transaction<'_>,
    cache: &mut TermCache,
    looked_up: &mut Vec<i64>,
    workspace_id: i64,
    kind: i64,
    text: &str,
) -> Result<i64, StoreError> {
    if let Some(id) = cache.get(workspace_id, kind, text) {
        return Ok(id);
    }
    let mut insert = transaction.prepare_cached(
        "INSERT INTO terms (workspace_id, kind, text) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace_id, kind, text) DO UPDATE SET text = excluded.text
         RETURNING id",
    )?;
    let id: i64 = insert.query_row(params![workspace_id, kind, text], |row| row.get(0))?;
    cache.insert(workspace_id, kind, text, id);
    looked_up.push(id);
    Ok(id)
}

/// Writes the rows of a batch inside `transaction`: each new post with its packed term list,
/// its monitors, and the post counts of its terms (one update per distinct term of the batch).
/// Terms first seen in this batch that only duplicates used are removed again.
fn write_posts<'batch>(
    transaction: &Transaction<'_>,
    term_cache: &mut TermCache,
    posts: &'batch [StoredPost],
    outcome: &mut BatchOutcome,
    inserted: &mut Vec<(i64, &'batch StoredPost)>,
) -> Result<(), StoreError> {
    let mut insert_post = transaction.prepare_cached(
        "INSERT INTO posts (workspace_id, source, source_ref, published_at, language, text,
            author_pseudonym, key_period, is_reply, sentiment, sentiment_score, is_repost,
            term_ids)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (workspace_id, source_ref) DO NOTHING
         RETURNING id",
    )?;
    let mut insert_post_monitor = transaction.prepare_cached(
        "INSERT OR IGNORE INTO post_monitors (post_id, monitor_id) VALUES (?1, ?2)",
    )?;
    let mut insert_webcare_message = transaction.prepare_cached(
        "INSERT INTO webcare_messages (post_id, workspace_id, reference_nonce, reference_sealed)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut term_ids: Vec<i64> = Vec::with_capacity(64);
    let mut packed: Vec<u8> = Vec::with_capacity(128);
    // Every term id of every stored post of the batch, counted once the batch is written.
    let mut held_term_ids: Vec<i64> = Vec::new();
    let mut looked_up: Vec<i64> = Vec::new();
    for post in posts {
        let kinds = [
            (TERM_KIND_WORD, &post.terms),
            (TERM_KIND_HASHTAG, &post.hashtags),
            (TERM_KIND_BIGRAM, &post.bigrams),
        ];
        term_ids.clear();
        for (kind, texts) in kinds {
            for text in texts.iter() {
                term_ids.push(term_id(
                    transaction,
                    term_cache,
                    &mut looked_up,
                    post.workspace_id,
                    kind,
                    text,
                )?);
            }
        }
        term_ids.sort_unstable();
        term_ids.dedup();
        term_list::encode_into(&term_ids, &mut packed);
        let mut rows = insert_post.query(params![
            post.workspace_id,
            post.source,
            post.source_ref.as_slice(),
            post.published_at.timestamp(),
            post.language.code(),
            post.deidentified_text,
            post.author_pseudonym.as_slice(),
            post.key_period,
            post.is_reply,
            post.sentiment.code(),
            f64::from(post.sentiment_score),
            post.is_repost,
            packed.as_slice(),
        ])?;
        let Some(row) = rows.next()? else {
            outcome.duplicates += 1;
            outcome.stored_flags.push(false);
            continue;
        };
        let post_id: i64 = row.get(0)?;
        drop(rows);
        held_term_ids.extend_from_slice(&term_ids);
        for monitor_id in &post.matched_monitor_ids {
            insert_post_monitor.execute(params![post_id, monitor_id])?;
        }
        if let Some(sealed) = &post.webcare_reference {
            insert_webcare_message.execute(params![
                post_id,
                post.workspace_id,
                sealed.nonce.as_slice(),
                sealed.ciphertext.as_slice(),
            ])?;
        }
        inserted.push((post_id, post));
        outcome.stored += 1;
        outcome.stored_flags.push(true);
    }
    let mut count_posts =
        transaction.prepare_cached("UPDATE terms SET posts = posts + ?2 WHERE id = ?1")?;
    // In id order: the updates walk the terms B-tree forwards.
    held_term_ids.sort_unstable();
    let mut counted: Vec<(i64, i64)> = Vec::new();
    for id in held_term_ids {
        match counted.last_mut() {
            Some((last_id, posts)) if *last_id == id => *posts += 1,
            _ => counted.push((id, 1)),
        }
    }
    for (id, posts) in &counted {
        count_posts.execute(params![id, posts])?;
    }
    // A term looked up in the database for this batch that no stored post holds was created
    // for a duplicate (or was already unused): it goes, so no text lingers without a post.
    let mut delete_if_unused =
        transaction.prepare_cached("DELETE FROM terms WHERE id = ?1 AND posts <= 0")?;
    let mut deleted: HashSet<i64> = HashSet::new();
    for id in &looked_up {
        if counted
            .binary_search_by_key(id, |(counted_id, _)| *counted_id)
            .is_ok()
        {
            continue;
        }
        if delete_if_unused.execute(params![id])? > 0 {
            deleted.insert(*id);
        }
    }
    if !deleted.is_empty() {
        term_cache.forget(&deleted);
    }
    Ok(())
}

impl Store {
    /// Stores a batch of posts: rows first, then the index. Posts already stored (same workspace
    /// and source reference) are counted as duplicates and not stored again.
    pub fn insert_posts(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, StoreError> {
        let mut outcome = BatchOutcome::default();
        let mut inserted: Vec<(i64, &StoredPost)> = Vec::with_capacity(posts.len());
        let mut term_cache = std::mem::take(&mut self.term_ids);
        let transaction = self.connection.transaction()?;
        let written = write_posts(
            &transaction,
            &mut term_cache,
            posts,
            &mut outcome,
            &mut inserted,
        );
        if let Err(error) = written {
            // The transaction rolls back when dropped: ids handed out in it may be reused.
            term_cache.clear();
            self.term_ids = term_cache;
            return Err(error);
        }
        let committed = transaction.commit();
        if committed.is_err() {
            // The transaction rolled back: ids handed out in it may be reused, so forget them.
            term_cache.clear();
        }
        self.term_ids = term_cache;
        committed?;
        for (post_id, post) in &inserted {
            self.index.add(&IndexablePost {
                post_id: *post_id as u64,
                workspace_id: post.workspace_id as u64,
                published_at_unix: post.published_at.timestamp(),
                language: post.language,
                source: &post.source,
                text: &post.deidentified_text,
                hashtags: &post.hashtags,
            })?;
        }
        self.index.commit()?;
        Ok(outcome)
    }

    /// Adds records read per source and hour to the coverage of `workspace_ids` (every record a
    /// pipeline read for them, matched or not: counts only). Reports use it to say in which hours
    /// a source delivered nothing.
    pub fn record_source_hours(
        &mut self,
        workspace_ids: &[i64],
        hours: &BTreeMap<(String, i64), u64>,
    ) -> Result<(), StoreError> {
        if workspace_ids.is_empty() || hours.is_empty() {
            return Ok(());
        }
        let transaction = self.connection.transaction()?;
        {
            let mut upsert = transaction.prepare_cached(
                "INSERT INTO source_hours (workspace_id, source, hour_start, records_read)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (workspace_id, source, hour_start)
                 DO UPDATE SET records_read = records_read + excluded.records_read",
            )?;
            for workspace_id in workspace_ids {
                for ((source, hour_start), records) in hours {
                    debug_assert_eq!(hour_start.rem_euclid(3_600), 0);
                    upsert.execute(params![workspace_id, source, hour_start, *records as i64])?;
                }
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// Deletes the post of `workspace_id` with source reference `source_ref` (a deletion at the
    /// source is a deletion in Peil), with the terms only it used. Returns whether a post was
    /// deleted. The index marks the document deleted; the next retention run rewrites the
    /// segment so its bytes leave the disk.
    pub fn delete_post_by_reference(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let transaction = self.connection.transaction()?;
        let mut released = TermRelease::default();
        let post_ids: Vec<i64> = {
            let mut statement = transaction.prepare(
                "DELETE FROM posts WHERE workspace_id = ?1 AND source_ref = ?2
                 RETURNING id, term_ids",
            )?;
            let mut rows = statement.query(params![workspace_id, source_ref.as_slice()])?;
            let mut ids = Vec::new();
            while let Some(row) = rows.next()? {
                ids.push(row.get(0)?);
                released.add(row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?)?;
            }
            ids
        };
        let deleted_term_ids = released.apply(&transaction)?;
        transaction.commit()?;
        if !deleted_term_ids.is_empty() {
            self.term_ids.forget(&deleted_term_ids);
        }
        for post_id in &post_ids {
            self.index.delete(*post_id as u64)?;
        }
        self.index.commit()?;
        Ok(!post_ids.is_empty())
    }

    /// Number of stored posts of a workspace.
    pub fn post_count(&self, workspace_id: i64) -> Result<u64, StoreError> {
        let count: i64 = self.connection.query_row(
            "SELECT COUNT(*) FROM posts WHERE workspace_id = ?1",
            params![workspace_id],
            |row| row.get(0),
        )?;
        Ok(count as u64)
    }

    /// Post ids in the database and in the index, for consistency checks.
    pub fn post_ids(&self) -> Result<(HashSet<i64>, HashSet<i64>), StoreError> {
        let mut statement = self.connection.prepare("SELECT id FROM posts")?;
        let database_ids = statement
            .query_map([], |row| row.get::<_, i64>(0))?
            .collect::<Result<HashSet<_>, _>>()?;
        Ok((database_ids, self.index.all_post_ids()?))
    }

    /// Brings the index in line with the database: indexes rows the index lacks and removes index
    /// entries whose rows are gone. Returns (indexed, removed).
    pub fn reconcile_index(&mut self) -> Result<(u64, u64), StoreError> {
        let (database_ids, index_ids) = self.post_ids()?;
        let mut removed = 0;
        for stale in index_ids.difference(&database_ids) {
            self.index.delete(*stale as u64)?;
            removed += 1;
        }
        let mut missing: Vec<i64> = database_ids.difference(&index_ids).copied().collect();
        missing.sort_unstable();
        let mut indexed = 0;
        {
            let mut select_post = self.connection.prepare_cached(
                "SELECT workspace_id, published_at, language, source, text, term_ids
                 FROM posts WHERE id = ?1",
            )?;
            let mut select_hashtag = self
                .connection
                .prepare_cached("SELECT text FROM terms WHERE id = ?1 AND kind = ?2")?;
            for post_id in &missing {
                let (workspace_id, published_at, language_code, source, text, packed_terms): (
                    i64,
                    i64,
                    String,
                    String,
                    String,
                    Vec<u8>,
                ) = select_post.query_row(params![post_id], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })?;
                let mut hashtags: Vec<String> = Vec::new();
                for term_id in term_list::decode(&packed_terms)? {
                    let hashtag: Option<String> = select_hashtag
                        .query_row(params![term_id, TERM_KIND_HASHTAG], |row| row.get(0))
                        .optional()?;
                    hashtags.extend(hashtag);
                }
                self.index.add(&IndexablePost {
                    post_id: *post_id as u64,
                    workspace_id: workspace_id as u64,
                    published_at_unix: published_at,
                    language: Language::from_tag(&language_code),
                    source: &source,
                    text: &text,
                    hashtags: &hashtags,
                })?;
                indexed += 1;
            }
        }
        if indexed > 0 || removed > 0 {
            tracing::warn!(
                indexed,
                removed,
                "reconciled the full-text index with the database"
            );
            self.index.commit()?;
        }
        Ok((indexed, removed))
    }
}
