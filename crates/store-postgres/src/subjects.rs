//! Data-subject requests on PostgreSQL (AVG art. 15 and 17, DESIGN.md invariant 7): how many
//! posts of a workspace an author's pseudonyms wrote, and their real erasure.
//!
//! The caller (the service) computes the pseudonyms under the workspace's live keys, as the
//! embedded store does (`peil_store::Store::pseudonyms_of`). An erasure deletes the posts, their
//! post references and their webcare messages and lowers the hourly rollups in one transaction,
//! and notes every touched relation for compaction, so the next retention run rewrites them and
//! the erased rows leave the table and index files.
//!
//! This module must never log, return or put into an error a pseudonym, a source reference or a
//! post text: only counts leave it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use peil_store::hour_bucket_start;

use crate::posts::{change_rollups, note_for_compaction, RollupKey, WEBCARE_RELATION};
use crate::terms::{lock_terms_for_removal, remove_unused_terms};
use crate::{partition_name, PostgresStore, PostgresStoreError, RETENTION_LOCK_KEY};

/// What an erasure deleted in one workspace (counts only, never which posts or whose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PseudonymErasure {
    pub posts: u64,
    pub webcare_messages: u64,
}

/// The pseudonyms as the `bytea[]` parameter of a statement.
fn pseudonym_parameter(pseudonyms: &[[u8; 32]]) -> Vec<&[u8]> {
    pseudonyms
        .iter()
        .map(|pseudonym| pseudonym.as_slice())
        .collect()
}

impl PostgresStore {
    /// Number of stored posts of `workspace_id` written under one of `pseudonyms`.
    pub fn posts_of_pseudonyms(
        &mut self,
        workspace_id: i64,
        pseudonyms: &[[u8; 32]],
    ) -> Result<u64, PostgresStoreError> {
        if pseudonyms.is_empty() {
            return Ok(0);
        }
        let row = self.client.query_one(
            "SELECT count(*) FROM posts
             WHERE workspace_id = $1 AND author_pseudonym = ANY($2::bytea[])",
            &[&workspace_id, &pseudonym_parameter(pseudonyms)],
        )?;
        let count: i64 = row.try_get(0)?;
        Ok(count.max(0) as u64)
    }

    /// Deletes every stored post of `workspace_id` written under one of `pseudonyms`, with its
    /// post reference, its webcare message and its rollup contribution, in one transaction. The
    /// touched relations are rewritten by the next retention run.
    pub fn erase_posts_of_pseudonyms(
        &mut self,
        workspace_id: i64,
        pseudonyms: &[[u8; 32]],
    ) -> Result<PseudonymErasure, PostgresStoreError> {
        let mut erasure = PseudonymErasure::default();
        if pseudonyms.is_empty() {
            return Ok(erasure);
        }
        let mut transaction = self.client.transaction()?;
        // Shared, like a batch: a retention run does not drop a partition under it.
        transaction.execute(
            "SELECT pg_advisory_xact_lock_shared($1)",
            &[&RETENTION_LOCK_KEY],
        )?;
        // Before any row lock: the term dictionary is cleaned up at the end (`terms.rs`).
        lock_terms_for_removal(&mut transaction)?;
        let deleted = transaction.query(
            "DELETE FROM posts
             WHERE workspace_id = $1 AND author_pseudonym = ANY($2::bytea[])
             RETURNING post_id, published_at, source_ref, key_period, sentiment, language, source,
                       terms",
            &[&workspace_id, &pseudonym_parameter(pseudonyms)],
        )?;
        if deleted.is_empty() {
            transaction.commit()?;
            return Ok(erasure);
        }
        let mut post_ids: Vec<i64> = Vec::with_capacity(deleted.len());
        let mut source_refs: Vec<Vec<u8>> = Vec::with_capacity(deleted.len());
        let mut partitions: BTreeSet<String> = BTreeSet::new();
        let mut rollups: BTreeMap<RollupKey, i64> = BTreeMap::new();
        let mut released_terms: Vec<String> = Vec::new();
        for row in &deleted {
            released_terms.extend(row.try_get::<_, Vec<String>>(7)?);
            post_ids.push(row.try_get(0)?);
            let published_at: DateTime<Utc> = row.try_get(1)?;
            source_refs.push(row.try_get(2)?);
            partitions.insert(partition_name(published_at)?);
            let hour_start =
                DateTime::<Utc>::from_timestamp(hour_bucket_start(published_at.timestamp()), 0)
                    .ok_or(PostgresStoreError::PublicationTimeOutOfRange)?;
            let key: RollupKey = (
                workspace_id,
                hour_start,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
            );
            *rollups.entry(key).or_insert(0) -= 1;
        }
        erasure.posts = deleted.len() as u64;
        transaction.execute(
            "DELETE FROM post_references
             WHERE workspace_id = $1 AND source_ref = ANY($2::bytea[])",
            &[&workspace_id, &source_refs],
        )?;
        erasure.webcare_messages = transaction.execute(
            "DELETE FROM webcare_messages WHERE workspace_id = $1 AND post_id = ANY($2::bigint[])",
            &[&workspace_id, &post_ids],
        )?;
        change_rollups(&mut transaction, &rollups)?;
        remove_unused_terms(&mut transaction, workspace_id, Some(&released_terms))?;
        note_for_compaction(&mut transaction, "post_references")?;
        if erasure.webcare_messages > 0 {
            note_for_compaction(&mut transaction, WEBCARE_RELATION)?;
        }
        for partition in &partitions {
            note_for_compaction(&mut transaction, partition)?;
        }
        transaction.commit()?;
        Ok(erasure)
    }
}
