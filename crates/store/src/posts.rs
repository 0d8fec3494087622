//! Writing and deleting de-identified posts, keeping SQLite and the index in step.
//!
//! Write order: the SQLite transaction commits first (fsynced, `synchronous=FULL`), then the index
//! commits. A crash between the two leaves posts in SQLite that the index lacks; `reconcile_index`
//! (run on every open) indexes them, and removes index entries whose rows are gone. So after any
//! crash the store opens with SQLite and the index holding the same posts.

use std::collections::{BTreeMap, HashMap, HashSet};

use peil_model::{Language, StoredPost};
use peil_query::IndexablePost;
use rusqlite::{params, params_from_iter, Transaction};

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

fn term_id(
    transaction: &Transaction<'_>,
    cache: &mut HashMap<(i64, i64, String), i64>,
    workspace_id: i64,
    kind: i64,
    text: &str,
) -> Result<i64, StoreError> {
    let key = (workspace_id, kind, text.to_string());
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    let mut insert = transaction.prepare_cached(
        "INSERT INTO terms (workspace_id, kind, text) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace_id, kind, text) DO UPDATE SET text = excluded.text
         RETURNING id",
    )?;
    let id: i64 = insert.query_row(params![workspace_id, kind, text], |row| row.get(0))?;
    cache.insert(key, id);
    Ok(id)
}

/// Term rows written by one multi-row statement.
const POST_TERMS_PER_STATEMENT: usize = 8;

/// `INSERT … VALUES (?1, ?2), (?1, ?3), …` for [`POST_TERMS_PER_STATEMENT`] terms of one post.
fn post_terms_chunk_statement() -> String {
    let rows: Vec<String> = (0..POST_TERMS_PER_STATEMENT)
        .map(|offset| format!("(?1, ?{})", offset + 2))
        .collect();
    format!(
        "INSERT OR IGNORE INTO post_terms (post_id, term_id) VALUES {}",
        rows.join(", ")
    )
}

impl Store {
    /// Stores a batch of posts: rows first, then the index. Posts already stored (same workspace
    /// and source reference) are counted as duplicates and not stored again.
    pub fn insert_posts(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, StoreError> {
        let mut outcome = BatchOutcome::default();
        let mut inserted: Vec<(i64, &StoredPost)> = Vec::with_capacity(posts.len());
        let mut term_cache = std::mem::take(&mut self.term_ids);
        let transaction = self.connection.transaction()?;
        {
            let mut insert_post = transaction.prepare_cached(
                "INSERT INTO posts (workspace_id, source, source_ref, published_at, language, text,
                    author_pseudonym, key_period, is_reply, sentiment, sentiment_score, is_repost)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (workspace_id, source_ref) DO NOTHING
                 RETURNING id",
            )?;
            let mut insert_post_term = transaction.prepare_cached(
                "INSERT OR IGNORE INTO post_terms (post_id, term_id) VALUES (?1, ?2)",
            )?;
            let mut insert_post_terms_chunk =
                transaction.prepare_cached(&post_terms_chunk_statement())?;
            let mut term_ids: Vec<i64> = Vec::with_capacity(64);
            let mut insert_post_monitor = transaction.prepare_cached(
                "INSERT OR IGNORE INTO post_monitors (post_id, monitor_id) VALUES (?1, ?2)",
            )?;
            for post in posts {
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
                ])?;
                let Some(row) = rows.next()? else {
                    outcome.duplicates += 1;
                    outcome.stored_flags.push(false);
                    continue;
                };
                let post_id: i64 = row.get(0)?;
                drop(rows);
                let kinds = [
                    (TERM_KIND_WORD, &post.terms),
                    (TERM_KIND_HASHTAG, &post.hashtags),
                    (TERM_KIND_BIGRAM, &post.bigrams),
                ];
                term_ids.clear();
                for (kind, texts) in kinds {
                    for text in texts.iter() {
                        term_ids.push(term_id(
                            &transaction,
                            &mut term_cache,
                            post.workspace_id,
                            kind,
                            text,
                        )?);
                    }
                }
                term_ids.sort_unstable();
                term_ids.dedup();
                // Sorted ids in one multi-row statement per chunk: one statement instead of one
                // per term, and B-tree inserts in key order.
                for chunk in term_ids.chunks(POST_TERMS_PER_STATEMENT) {
                    if chunk.len() == POST_TERMS_PER_STATEMENT {
                        let mut values: Vec<i64> = Vec::with_capacity(chunk.len() + 1);
                        values.push(post_id);
                        values.extend_from_slice(chunk);
                        insert_post_terms_chunk.execute(params_from_iter(values.iter()))?;
                    } else {
                        for id in chunk {
                            insert_post_term.execute(params![post_id, id])?;
                        }
                    }
                }
                for monitor_id in &post.matched_monitor_ids {
                    insert_post_monitor.execute(params![post_id, monitor_id])?;
                }
                inserted.push((post_id, post));
                outcome.stored += 1;
                outcome.stored_flags.push(true);
            }
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
        let term_ids_of_post: Vec<i64> = {
            let mut statement = transaction.prepare_cached(
                "SELECT pt.term_id FROM post_terms pt JOIN posts p ON p.id = pt.post_id
                 WHERE p.workspace_id = ?1 AND p.source_ref = ?2",
            )?;
            let rows = statement
                .query_map(params![workspace_id, source_ref.as_slice()], |row| {
                    row.get(0)
                })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let post_ids: Vec<i64> = {
            let mut statement = transaction.prepare(
                "DELETE FROM posts WHERE workspace_id = ?1 AND source_ref = ?2 RETURNING id",
            )?;
            let rows = statement
                .query_map(params![workspace_id, source_ref.as_slice()], |row| {
                    row.get(0)
                })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let mut deleted_term_ids = HashSet::new();
        {
            let mut delete_unused_term = transaction.prepare_cached(
                "DELETE FROM terms WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM post_terms WHERE term_id = ?1)",
            )?;
            for term_id in &term_ids_of_post {
                if delete_unused_term.execute(params![term_id])? > 0 {
                    deleted_term_ids.insert(*term_id);
                }
            }
        }
        transaction.commit()?;
        if !deleted_term_ids.is_empty() {
            self.term_ids
                .retain(|_, cached_id| !deleted_term_ids.contains(cached_id));
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
                "SELECT workspace_id, published_at, language, source, text FROM posts WHERE id = ?1",
            )?;
            let mut select_hashtags = self.connection.prepare_cached(
                "SELECT t.text FROM post_terms pt JOIN terms t ON t.id = pt.term_id
                 WHERE pt.post_id = ?1 AND t.kind = ?2",
            )?;
            for post_id in &missing {
                let (workspace_id, published_at, language_code, source, text): (
                    i64,
                    i64,
                    String,
                    String,
                    String,
                ) = select_post.query_row(params![post_id], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                })?;
                let hashtags = select_hashtags
                    .query_map(params![post_id, TERM_KIND_HASHTAG], |row| row.get(0))?
                    .collect::<Result<Vec<String>, _>>()?;
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
