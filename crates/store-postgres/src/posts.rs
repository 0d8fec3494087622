//! Writing and deleting posts: one transaction per batch or deletion, which also changes the
//! hourly rollups, so rollups and posts never disagree.
//!
//! Deduplication mirrors the embedded store (`peil_store::Store::insert_posts`): a post whose
//! (workspace, source reference) is already stored, earlier or in the same batch, is a duplicate;
//! `BatchOutcome` counts stored and duplicate posts and flags each post of the batch in order.
//! Every batch adds the terms its stored posts hold to the term dictionary, and every deletion
//! removes the entries no remaining post holds, in the same transaction (`terms.rs`).
//! This module must never log or return post text, pseudonyms or source references.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use peil_analysis::text::Analyzers;
use peil_store::{hour_bucket_start, BatchOutcome, StoredPost};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::Transaction;

use crate::match_tokens::post_match_tokens;
use crate::terms::{add_batch_terms, lock_terms_for_removal, remove_unused_terms};
use crate::{partition_name, partition_range, relation_exists, PostgresStore, PostgresStoreError};
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

/// Adds `change` posts to each rollup row (created when missing; rows that reach zero go). The
/// increases go in one statement, in key order, so concurrent transactions lock rollup rows in
/// the same order; a decrease (a deletion) lowers its row alone.
pub(crate) fn change_rollups(
    transaction: &mut Transaction<'_>,
    changes: &BTreeMap<RollupKey, i64>,
) -> Result<(), PostgresStoreError> {
    let increases: Vec<(&RollupKey, i64)> = changes
        .iter()
        .filter(|(_, change)| **change > 0)
        .map(|(key, change)| (key, *change))
        .collect();
    if !increases.is_empty() {
        let workspace_ids: Vec<i64> = increases.iter().map(|(key, _)| key.0).collect();
        let hour_starts: Vec<DateTime<Utc>> = increases.iter().map(|(key, _)| key.1).collect();
        let key_periods: Vec<&str> = increases.iter().map(|(key, _)| key.2.as_str()).collect();
        let sentiments: Vec<&str> = increases.iter().map(|(key, _)| key.3.as_str()).collect();
        let languages: Vec<&str> = increases.iter().map(|(key, _)| key.4.as_str()).collect();
        let sources: Vec<&str> = increases.iter().map(|(key, _)| key.5.as_str()).collect();
        let posts: Vec<i64> = increases.iter().map(|(_, change)| *change).collect();
        transaction.execute(
            "INSERT INTO post_volume_hourly
                (workspace_id, hour_start, key_period, sentiment, language, source, posts)
             SELECT change.workspace_id, change.hour_start, change.key_period, change.sentiment,
                 change.language, change.source, change.posts
             FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[],
                 $5::text[], $6::text[], $7::bigint[]) WITH ORDINALITY AS change
                 (workspace_id, hour_start, key_period, sentiment, language, source, posts,
                  position)
             ORDER BY position
             ON CONFLICT (workspace_id, hour_start, key_period, sentiment, language, source)
             DO UPDATE SET posts = post_volume_hourly.posts + excluded.posts",
            &[
                &workspace_ids,
                &hour_starts,
                &key_periods,
                &sentiments,
                &languages,
                &sources,
                &posts,
            ],
        )?;
    }
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
        if *change >= 0 {
            continue;
        }
        let Some(row) = transaction.query_opt(
            &lower,
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
        if relation_exists(transaction, name)? {
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

/// The relation of the webcare inbox (noted for compaction when rows of it are deleted).
pub(crate) const WEBCARE_RELATION: &str = "webcare_messages";

/// Writes a webcare message (status open) for each stored post with a sealed answer reference.
fn insert_webcare_messages(
    transaction: &mut Transaction<'_>,
    stored: &[(i64, &StoredPost)],
) -> Result<(), PostgresStoreError> {
    let mut workspace_ids: Vec<i64> = Vec::new();
    let mut post_ids: Vec<i64> = Vec::new();
    let mut published: Vec<DateTime<Utc>> = Vec::new();
    let mut nonces: Vec<&[u8]> = Vec::new();
    let mut sealed_references: Vec<&[u8]> = Vec::new();
    for (post_id, post) in stored {
        let Some(sealed) = &post.webcare_reference else {
            continue;
        };
        workspace_ids.push(post.workspace_id);
        post_ids.push(*post_id);
        published.push(post.published_at);
        nonces.push(&sealed.nonce);
        sealed_references.push(&sealed.ciphertext);
    }
    if post_ids.is_empty() {
        return Ok(());
    }
    transaction.execute(
        "INSERT INTO webcare_messages
            (workspace_id, post_id, published_at, reference_nonce, reference_sealed)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bytea[],
             $5::bytea[])",
        &[
            &workspace_ids,
            &post_ids,
            &published,
            &nonces,
            &sealed_references,
        ],
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
        // 1. The references, in one statement: a reference already stored (or earlier in the
        //    batch) conflicts and is skipped; the ones inserted come back with their new ids. In
        //    key order, so concurrent batches wait for each other instead of deadlocking.
        let workspace_ids: Vec<i64> = posts.iter().map(|post| post.workspace_id).collect();
        let source_refs: Vec<&[u8]> = posts.iter().map(|post| &post.source_ref[..]).collect();
        let published: Vec<DateTime<Utc>> = posts.iter().map(|post| post.published_at).collect();
        let inserted = transaction.query(
            "INSERT INTO post_references (workspace_id, source_ref, post_id, published_at)
             SELECT batch.workspace_id, batch.source_ref, nextval('post_ids'), batch.published_at
             FROM unnest($1::bigint[], $2::bytea[], $3::timestamptz[])
                 WITH ORDINALITY AS batch (workspace_id, source_ref, published_at, position)
             ORDER BY batch.workspace_id, batch.source_ref, batch.position
             ON CONFLICT (workspace_id, source_ref) DO NOTHING
             RETURNING workspace_id, source_ref, post_id",
            &[&workspace_ids, &source_refs, &published],
        )?;
        let mut new_ids: HashMap<(i64, Vec<u8>), i64> = HashMap::with_capacity(inserted.len());
        for row in &inserted {
            new_ids.insert((row.try_get(0)?, row.try_get(1)?), row.try_get(2)?);
        }
        // 2. The posts whose reference was new (the first of the batch with it), by binary COPY.
        let mut rollups: BTreeMap<RollupKey, i64> = BTreeMap::new();
        let mut stored: Vec<(i64, &StoredPost)> = Vec::with_capacity(new_ids.len());
        for post in posts {
            let key = (post.workspace_id, post.source_ref.to_vec());
            let Some(post_id) = new_ids.remove(&key) else {
                outcome.duplicates += 1;
                outcome.stored_flags.push(false);
                continue;
            };
            stored.push((post_id, post));
            *rollups.entry(rollup_key(post)?).or_insert(0) += 1;
            outcome.stored += 1;
            outcome.stored_flags.push(true);
        }
        // 3. The term dictionary: ids for the terms the stored posts hold and it lacks.
        add_batch_terms(&mut transaction, posts, &outcome.stored_flags)?;
        let sink = transaction.copy_in(
            "COPY posts (workspace_id, post_id, published_at, source, source_ref, language, text,
                author_pseudonym, key_period, is_reply, is_repost, sentiment, sentiment_score,
                terms, monitor_ids, match_tokens)
             FROM STDIN (FORMAT binary)",
        )?;
        let mut writer = BinaryCopyInWriter::new(
            sink,
            &[
                Type::INT8,
                Type::INT8,
                Type::TIMESTAMPTZ,
                Type::TEXT,
                Type::BYTEA,
                Type::TEXT,
                Type::TEXT,
                Type::BYTEA,
                Type::TEXT,
                Type::BOOL,
                Type::BOOL,
                Type::TEXT,
                Type::FLOAT4,
                Type::TEXT_ARRAY,
                Type::INT8_ARRAY,
                Type::TEXT_ARRAY,
            ],
        );
        let mut analyzers = Analyzers::default();
        for (post_id, post) in &stored {
            let source_ref: &[u8] = &post.source_ref;
            let author_pseudonym: &[u8] = &post.author_pseudonym;
            let terms = stored_terms(post);
            let match_tokens = post_match_tokens(
                &mut analyzers,
                &post.deidentified_text,
                post.language,
                &post.source,
                &post.hashtags,
            );
            writer.write(&[
                &post.workspace_id,
                post_id,
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
                &match_tokens,
            ])?;
        }
        writer.finish()?;
        // 3. The webcare messages of the stored posts that carry a sealed answer reference, as
        //    the embedded store's `insert_posts` writes them (status open).
        insert_webcare_messages(&mut transaction, &stored)?;
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
        // Shared, like a batch: a retention run does not drop the partition under it.
        transaction.execute(
            "SELECT pg_advisory_xact_lock_shared($1)",
            &[&RETENTION_LOCK_KEY],
        )?;
        // Before any row lock: the term dictionary is cleaned up at the end (`terms.rs`).
        lock_terms_for_removal(&mut transaction)?;
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
        let webcare_deleted = transaction.execute(
            "DELETE FROM webcare_messages WHERE workspace_id = $1 AND post_id = $2",
            &[&workspace_id, &post_id],
        )?;
        let deleted = transaction.query(
            "DELETE FROM posts WHERE workspace_id = $1 AND post_id = $2 AND published_at = $3
             RETURNING key_period, sentiment, language, source, terms",
            &[&workspace_id, &post_id, &published_at],
        )?;
        let hour_start =
            DateTime::<Utc>::from_timestamp(hour_bucket_start(published_at.timestamp()), 0)
                .ok_or(PostgresStoreError::PublicationTimeOutOfRange)?;
        let mut rollups: BTreeMap<RollupKey, i64> = BTreeMap::new();
        let mut released_terms: Vec<String> = Vec::new();
        for row in &deleted {
            released_terms.extend(row.try_get::<_, Vec<String>>(4)?);
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
        remove_unused_terms(&mut transaction, workspace_id, Some(&released_terms))?;
        note_for_compaction(&mut transaction, "post_references")?;
        if webcare_deleted > 0 {
            note_for_compaction(&mut transaction, WEBCARE_RELATION)?;
        }
        if !deleted.is_empty() {
            note_for_compaction(&mut transaction, &partition_name(published_at)?)?;
        }
        transaction.commit()?;
        Ok(!deleted.is_empty())
    }
}
