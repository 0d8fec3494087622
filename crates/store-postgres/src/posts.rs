//! Writing and deleting posts: one transaction per batch or deletion, which also changes the
//! hourly rollups, so rollups and posts never disagree.
//!
//! Deduplication mirrors the embedded store (`peil_store::Store::insert_posts`): a post whose
//! (workspace, source reference) is already stored, earlier or in the same batch, is a duplicate;
//! `BatchOutcome` counts stored and duplicate posts and flags each post of the batch in order.
//! This module must never log or return post text, pseudonyms or source references.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use peil_store::{hour_bucket_start, BatchOutcome, StoredPost};
use postgres::Transaction;

use crate::{partition_name, partition_range, PostgresStore, PostgresStoreError};
use crate::{PARTITION_LOCK_KEY, RETENTION_LOCK_KEY};

/// Prefix of a stored word term.
pub(crate) const TERM_PREFIX_WORD: &str = "w:";
/// Prefix of a stored hashtag term.
pub(crate) const TERM_PREFIX_HASHTAG: &str = "h:";
/// Prefix of a stored word-pair term.
pub(crate) const TERM_PREFIX_BIGRAM: &str = "b:";

/// The stored form of a term: its kind prefix and its text.
pub(crate) fn term_key(prefix: &str, text: &str) -> String {
    format!("{prefix}{text}")
}

/// The stored terms of a post: words, hashtags and word pairs, kind-prefixed, sorted, unique.
fn stored_terms(post: &StoredPost) -> Vec<String> {
    let kinds = [
        (TERM_PREFIX_WORD, &post.terms),
        (TERM_PREFIX_HASHTAG, &post.hashtags),
        (TERM_PREFIX_BIGRAM, &post.bigrams),
    ];
    let mut keys: Vec<String> = kinds
        .iter()
        .flat_map(|(prefix, texts)| texts.iter().map(|text| term_key(prefix, text)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// One row of the hourly rollup: (workspace, hour start, key period, sentiment, language,
/// source).
pub(crate) type RollupKey = (i64, DateTime<Utc>, String, String, String, String);

/// The rollup key of a post.
fn rollup_key(post: &StoredPost) -> Result<RollupKey, PostgresStoreError> {
    let hour_start =
        DateTime::<Utc>::from_timestamp(hour_bucket_start(post.published_at.timestamp()), 0)
            .ok_or(PostgresStoreError::PublicationTimeOutOfRange)?;
    Ok((
        post.workspace_id,
        hour_start,
        post.key_period.clone(),
        post.sentiment.code().to_string(),
        post.language.code().to_string(),
        post.source.clone(),
    ))
}

/// Adds `change` posts to each rollup row (created when missing; rows that reach zero go). In
/// key order, so concurrent transactions lock rollup rows in the same order.
pub(crate) fn change_rollups(
    transaction: &mut Transaction<'_>,
    changes: &BTreeMap<RollupKey, i64>,
) -> Result<(), PostgresStoreError> {
    let upsert = transaction.prepare(
        "INSERT INTO post_volume_hourly
            (workspace_id, hour_start, key_period, sentiment, language, source, posts)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workspace_id, hour_start, key_period, sentiment, language, source)
         DO UPDATE SET posts = post_volume_hourly.posts + excluded.posts
         RETURNING posts",
    )?;
    // A negative change only ever lowers an existing row (an INSERT of a negative count would
    // fail the CHECK before the conflict is seen).
    let lower = transaction.prepare(
        "UPDATE post_volume_hourly SET posts = posts + $7
         WHERE workspace_id = $1 AND hour_start = $2 AND key_period = $3 AND sentiment = $4
           AND language = $5 AND source = $6
         RETURNING posts",
    )?;
    let remove_empty = transaction.prepare(
        "DELETE FROM post_volume_hourly
         WHERE workspace_id = $1 AND hour_start = $2 AND key_period = $3 AND sentiment = $4
           AND language = $5 AND source = $6 AND posts <= 0",
    )?;
    for ((workspace_id, hour_start, key_period, sentiment, language, source), change) in changes {
        if *change == 0 {
            continue;
        }
        let statement = if *change > 0 { &upsert } else { &lower };
        let Some(row) = transaction.query_opt(
            statement,
            &[
                workspace_id,
                hour_start,
                key_period,
                sentiment,
                language,
                source,
                change,
            ],
        )?
        else {
            continue;
        };
        let remaining: i64 = row.try_get(0)?;
        if remaining <= 0 {
            transaction.execute(
                &remove_empty,
                &[
                    workspace_id,
                    hour_start,
                    key_period,
                    sentiment,
                    language,
                    source,
                ],
            )?;
        }
    }
    Ok(())
}

/// Creates the monthly partitions that `months` (partition names) need and that do not exist.
fn ensure_partitions(
    transaction: &mut Transaction<'_>,
    months: &BTreeSet<String>,
) -> Result<(), PostgresStoreError> {
    let mut locked = false;
    for name in months {
        let exists = transaction.query_one("SELECT to_regclass($1) IS NOT NULL", &[name])?;
        if exists.try_get::<_, bool>(0)? {
            continue;
        }
        if !locked {
            transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&PARTITION_LOCK_KEY])?;
            locked = true;
        }
        let (start, end) = partition_range(name)?;
        // The name comes from `partition_name` (letters, digits, _) and the bounds from it.
        transaction.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF posts
             FOR VALUES FROM ('{}') TO ('{}')",
            start.format("%Y-%m-%d %H:%M:%S+00"),
            end.format("%Y-%m-%d %H:%M:%S+00"),
        ))?;
    }
    Ok(())
}

/// Notes a relation that now holds deleted rows, for the next retention run to rewrite.
pub(crate) fn note_for_compaction(
    transaction: &mut Transaction<'_>,
    relation_name: &str,
) -> Result<(), PostgresStoreError> {
    transaction.execute(
        "INSERT INTO pending_compaction (relation_name) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&relation_name],
    )?;
    Ok(())
}

impl PostgresStore {
    /// Stores a batch of posts with their rollups in one transaction. Posts already stored (same
    /// workspace and source reference) are counted as duplicates and not stored again.
    pub fn store_batch(
        &mut self,
        posts: &[StoredPost],
    ) -> Result<BatchOutcome, PostgresStoreError> {
        let mut outcome = BatchOutcome::default();
        if posts.is_empty() {
            return Ok(outcome);
        }
        let mut months: BTreeSet<String> = BTreeSet::new();
        for post in posts {
            months.insert(partition_name(post.published_at)?);
        }
        let mut transaction = self.client.transaction()?;
        // Shared: batches run side by side; a retention run (exclusive) waits for them.
        transaction.execute(
            "SELECT pg_advisory_xact_lock_shared($1)",
            &[&RETENTION_LOCK_KEY],
        )?;
        ensure_partitions(&mut transaction, &months)?;
        let insert_reference = transaction.prepare(
            "INSERT INTO post_references (workspace_id, source_ref, post_id, published_at)
             VALUES ($1, $2, nextval('post_ids'), $3)
             ON CONFLICT (workspace_id, source_ref) DO NOTHING
             RETURNING post_id",
        )?;
        let insert_post = transaction.prepare(
            "INSERT INTO posts (workspace_id, post_id, published_at, source, source_ref, language,
                text, author_pseudonym, key_period, is_reply, is_repost, sentiment,
                sentiment_score, terms, monitor_ids, webcare_nonce, webcare_sealed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )?;
        let mut rollups: BTreeMap<RollupKey, i64> = BTreeMap::new();
        for post in posts {
            let source_ref: &[u8] = &post.source_ref;
            let inserted = transaction.query_opt(
                &insert_reference,
                &[&post.workspace_id, &source_ref, &post.published_at],
            )?;
            let Some(row) = inserted else {
                outcome.duplicates += 1;
                outcome.stored_flags.push(false);
                continue;
            };
            let post_id: i64 = row.try_get(0)?;
            let author_pseudonym: &[u8] = &post.author_pseudonym;
            let terms = stored_terms(post);
            let (webcare_nonce, webcare_sealed): (Option<&[u8]>, Option<&[u8]>) =
                match &post.webcare_reference {
                    Some(sealed) => (Some(&sealed.nonce), Some(&sealed.ciphertext)),
                    None => (None, None),
                };
            transaction.execute(
                &insert_post,
                &[
                    &post.workspace_id,
                    &post_id,
                    &post.published_at,
                    &post.source,
                    &source_ref,
                    &post.language.code(),
                    &post.deidentified_text,
                    &author_pseudonym,
                    &post.key_period,
                    &post.is_reply,
                    &post.is_repost,
                    &post.sentiment.code(),
                    &post.sentiment_score,
                    &terms,
                    &post.matched_monitor_ids,
                    &webcare_nonce,
                    &webcare_sealed,
                ],
            )?;
            *rollups.entry(rollup_key(post)?).or_insert(0) += 1;
            outcome.stored += 1;
            outcome.stored_flags.push(true);
        }
        change_rollups(&mut transaction, &rollups)?;
        transaction.commit()?;
        Ok(outcome)
    }

    /// Deletes the post of `workspace_id` with source reference `source_ref` (a deletion at the
    /// source is a deletion in Peil) with its rollup contribution. Returns whether a post was
    /// deleted. Its partition is rewritten by the next retention run, so its bytes leave the
    /// table files.
    pub fn delete_post_by_reference(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, PostgresStoreError> {
        let source_ref: &[u8] = source_ref;
        let mut transaction = self.client.transaction()?;
        let reference = transaction.query_opt(
            "DELETE FROM post_references WHERE workspace_id = $1 AND source_ref = $2
             RETURNING post_id, published_at",
            &[&workspace_id, &source_ref],
        )?;
        let Some(reference) = reference else {
            return Ok(false);
        };
        let post_id: i64 = reference.try_get(0)?;
        let published_at: DateTime<Utc> = reference.try_get(1)?;
        let deleted = transaction.query(
            "DELETE FROM posts WHERE workspace_id = $1 AND post_id = $2 AND published_at = $3
             RETURNING key_period, sentiment, language, source",
            &[&workspace_id, &post_id, &published_at],
        )?;
        let hour_start =
            DateTime::<Utc>::from_timestamp(hour_bucket_start(published_at.timestamp()), 0)
                .ok_or(PostgresStoreError::PublicationTimeOutOfRange)?;
        let mut rollups: BTreeMap<RollupKey, i64> = BTreeMap::new();
        for row in &deleted {
            let key: RollupKey = (
                workspace_id,
                hour_start,
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            );
            *rollups.entry(key).or_insert(0) -= 1;
        }
        change_rollups(&mut transaction, &rollups)?;
        note_for_compaction(&mut transaction, "post_references")?;
        if !deleted.is_empty() {
            note_for_compaction(&mut transaction, &partition_name(published_at)?)?;
        }
        transaction.commit()?;
        Ok(!deleted.is_empty())
    }
}
