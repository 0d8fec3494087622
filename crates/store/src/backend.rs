//! The seam between the data path and a storage backend: what the conformance suite runs against
//! every backend (the embedded store here, PostgreSQL in `peil-store-postgres`) with the same
//! posts, expecting the same answers: stored counts, deduplication on the source reference,
//! deletion at the source, retention, and post volumes per hour.
//!
//! This first slice covers the write side of the data path and raw volumes only; it must never
//! grow a method that returns pseudonyms, post text or an aggregate that has not passed the k
//! gate (the volumes here are for conformance checks between backends, not for output).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::posts::TERM_KIND_WORD;
use crate::term_list;
use crate::{BatchOutcome, Store, StoreError, StoredPost};

/// Seconds in an hour bucket.
pub const SECONDS_PER_HOUR: i64 = 3_600;

/// The start (Unix seconds) of the hour that holds `unix_seconds`.
pub fn hour_bucket_start(unix_seconds: i64) -> i64 {
    unix_seconds - unix_seconds.rem_euclid(SECONDS_PER_HOUR)
}

/// The post operations of the data path that every storage backend implements alike.
pub trait PostBackend {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Stores a batch; a post whose (workspace, source reference) is already stored — earlier or
    /// in the same batch — is a duplicate, counted and not stored again.
    fn store_post_batch(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, Self::Error>;

    /// Deletes the post of `workspace_id` with `source_ref` (a deletion at the source). Returns
    /// whether a post was deleted.
    fn delete_post_at_source(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, Self::Error>;

    /// Applies every workspace's post retention as of `as_of`. Returns the posts deleted.
    fn apply_post_retention(&mut self, as_of: DateTime<Utc>) -> Result<u64, Self::Error>;

    /// Number of stored posts of a workspace.
    fn stored_post_count(&mut self, workspace_id: i64) -> Result<u64, Self::Error>;

    /// Number of stored posts of a workspace whose analysed words (`StoredPost::terms`, from
    /// `peil_analysis`) include `word`: both backends match the same posts.
    fn stored_posts_with_word(&mut self, workspace_id: i64, word: &str)
        -> Result<u64, Self::Error>;

    /// Stored posts of a workspace per hour bucket (start of the hour, Unix seconds); hours
    /// without posts are absent.
    fn post_volume_per_hour(
        &mut self,
        workspace_id: i64,
    ) -> Result<BTreeMap<i64, u64>, Self::Error>;
}

impl PostBackend for Store {
    type Error = StoreError;

    fn store_post_batch(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, StoreError> {
        self.insert_posts(posts)
    }

    fn delete_post_at_source(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, StoreError> {
        self.delete_post_by_reference(workspace_id, source_ref)
    }

    fn apply_post_retention(&mut self, as_of: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(self.run_retention(as_of)?.posts_deleted)
    }

    fn stored_post_count(&mut self, workspace_id: i64) -> Result<u64, StoreError> {
        self.post_count(workspace_id)
    }

    fn stored_posts_with_word(&mut self, workspace_id: i64, word: &str) -> Result<u64, StoreError> {
        let term_id: Option<i64> = self
            .connection
            .query_row(
                "SELECT id FROM terms WHERE workspace_id = ?1 AND kind = ?2 AND text = ?3",
                params![workspace_id, TERM_KIND_WORD, word],
                |row| row.get(0),
            )
            .optional()?;
        let Some(term_id) = term_id else {
            return Ok(0);
        };
        let mut statement = self
            .connection
            .prepare("SELECT term_ids FROM posts WHERE workspace_id = ?1")?;
        let mut rows = statement.query(params![workspace_id])?;
        let mut matching = 0u64;
        while let Some(row) = rows.next()? {
            let packed = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            let mut holds = false;
            term_list::for_each_id(packed, |id| holds |= id == term_id)?;
            matching += u64::from(holds);
        }
        Ok(matching)
    }

    fn post_volume_per_hour(
        &mut self,
        workspace_id: i64,
    ) -> Result<BTreeMap<i64, u64>, StoreError> {
        let mut statement = self
            .connection
            .prepare("SELECT published_at FROM posts WHERE workspace_id = ?1")?;
        let mut rows = statement.query(params![workspace_id])?;
        let mut volumes: BTreeMap<i64, u64> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let published_at: i64 = row.get(0)?;
            *volumes.entry(hour_bucket_start(published_at)).or_insert(0) += 1;
        }
        Ok(volumes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_buckets_start_on_the_hour_also_before_1970() {
        assert_eq!(hour_bucket_start(7_199), 3_600);
        assert_eq!(hour_bucket_start(7_200), 7_200);
        assert_eq!(hour_bucket_start(-1), -3_600);
    }
}
