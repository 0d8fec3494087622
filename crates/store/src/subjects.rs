//! Support for data-subject requests (AVG art. 15, 17 and 21) inside the store.
//!
//! * Lookup: an author's posts are found through the author's pseudonyms under every key of the
//!   workspace that still exists. A destroyed key gives nothing: that is the point of expiry
//!   (DESIGN.md invariant 3), and the posts of such a period are already gone by retention.
//! * Access: only counts per workspace leave the store, never texts.
//! * Erasure: the posts are deleted from the database and the index, the index segments are
//!   rewritten and the WAL truncated, so the erased posts leave no bytes on the disk.
//! * Objection: only `HMAC-SHA256(objection key of the organisation, platform ‖ author id)` is
//!   stored; the key lives in the key store and is never rotated, so future posts of the author
//!   are recognised and dropped at ingest.
//!
//! Which author ids belong to a handle is the caller's concern; these functions take author-id
//! strings in the form the connectors put into `RawPost::author_id`. Posts that only reply to the
//! person are not theirs and are not touched (Peil stores no reply-to ids, only `is_reply`).
//!
//! This module must never log, store or put into an error an author id, a platform handle or a
//! pseudonym, and must never return post texts.

use std::collections::{HashMap, HashSet};

use peil_deid::{author_pseudonym, PeriodKey};
use rusqlite::params;
use serde::Serialize;

use crate::retention::{checkpoint_and_truncate_wal, TermRelease};
use crate::{Store, StoreError};

/// How many posts one workspace holds of the data subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectHolding {
    pub organisation_id: i64,
    pub workspace_id: i64,
    pub workspace_name: String,
    pub posts: u64,
    /// Keys of the workspace that still exist and were searched; posts of periods whose key is
    /// destroyed cannot be linked to anyone (and are already deleted by retention).
    pub live_keys_searched: u64,
}

/// What an erasure deleted in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceErasure {
    pub workspace_id: i64,
    pub workspace_name: String,
    pub posts_deleted: u64,
    pub terms_deleted: u64,
}

/// What an erasure deleted, per workspace and in total (never which posts or whose).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    pub organisation_id: i64,
    pub workspaces: Vec<WorkspaceErasure>,
    pub posts_deleted: u64,
    pub terms_deleted: u64,
    pub index_segments_merged: u64,
    pub index_files_removed: u64,
}

/// Recognises the authors who objected in one organisation. Cheap per post: one HMAC and one
/// set lookup, and nothing at all when nobody objected. `Debug` shows only the count.
#[derive(Clone)]
pub struct ObjectionMatcher {
    key: Option<PeriodKey>,
    hashes: HashSet<[u8; 32]>,
}

impl std::fmt::Debug for ObjectionMatcher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ObjectionMatcher")
            .field("objections", &self.hashes.len())
            .finish_non_exhaustive()
    }
}

impl ObjectionMatcher {
    /// A matcher without objections.
    pub fn none() -> ObjectionMatcher {
        ObjectionMatcher {
            key: None,
            hashes: HashSet::new(),
        }
    }

    /// Whether the author `author_id` on `platform` objected in this organisation.
    pub fn is_objected(&self, platform: &str, author_id: &str) -> bool {
        if self.hashes.is_empty() {
            return false;
        }
        let Some(key) = self.key.as_ref() else {
            return false;
        };
        self.hashes
            .contains(&objection_hash(key, platform, author_id))
    }

    /// Number of objections known to this matcher.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// Platforms are compared case-insensitively (connectors write them in lower case).
fn normalised_platform(platform: &str) -> String {
    platform.trim().to_ascii_lowercase()
}

/// Author ids as connectors write them: trimmed, never empty.
fn normalised_author_ids(author_ids: &[String]) -> Vec<&str> {
    let mut seen = HashSet::new();
    author_ids
        .iter()
        .map(|author_id| author_id.trim())
        .filter(|author_id| !author_id.is_empty())
        .filter(|author_id| seen.insert(*author_id))
        .collect()
}

/// The pseudonyms of `author_ids` under each of `live_keys`, with the key's label.
fn pseudonyms_under(
    live_keys: &[(String, PeriodKey)],
    platform: &str,
    author_ids: &[String],
) -> Vec<(String, [u8; 32])> {
    let platform_name = normalised_platform(platform);
    let author_id_list = normalised_author_ids(author_ids);
    let mut pseudonyms = Vec::with_capacity(live_keys.len() * author_id_list.len());
    for (label, key) in live_keys {
        for author_id in &author_id_list {
            pseudonyms.push((
                label.clone(),
                author_pseudonym(key, &platform_name, author_id),
            ));
        }
    }
    pseudonyms
}

/// `HMAC-SHA256(objection key, platform ‖ 0x1F ‖ author id)`.
fn objection_hash(key: &PeriodKey, platform: &str, author_id: &str) -> [u8; 32] {
    author_pseudonym(key, &normalised_platform(platform), author_id.trim())
}

impl Store {
    /// The pseudonyms of the given authors under every live key of `workspace_id`, each with the
    /// label of its key period. For data-subject requests only: never display or export them.
    pub fn pseudonyms_of(
        &self,
        workspace_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<Vec<(String, [u8; 32])>, StoreError> {
        let live_keys = self.keys.live_period_keys(workspace_id)?;
        Ok(pseudonyms_under(&live_keys, platform, author_ids))
    }

    /// Ids of the posts of `workspace_id` written by the given authors (under a live key), and
    /// how many live keys were searched.
    fn subject_post_ids(
        &self,
        workspace_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<(Vec<i64>, u64), StoreError> {
        let live_keys = self.keys.live_period_keys(workspace_id)?;
        let live_keys_searched = live_keys.len() as u64;
        let pseudonyms = pseudonyms_under(&live_keys, platform, author_ids);
        if pseudonyms.is_empty() {
            return Ok((Vec::new(), live_keys_searched));
        }
        let mut wanted_by_label: HashMap<String, HashSet<[u8; 32]>> = HashMap::new();
        for (label, pseudonym) in pseudonyms {
            wanted_by_label.entry(label).or_default().insert(pseudonym);
        }
        let mut statement = self.connection.prepare(
            "SELECT id, key_period, author_pseudonym FROM posts WHERE workspace_id = ?1",
        )?;
        let mut rows = statement.query(params![workspace_id])?;
        let mut post_ids = Vec::new();
        while let Some(row) = rows.next()? {
            let key_period: String = row.get(1)?;
            let Some(wanted) = wanted_by_label.get(&key_period) else {
                continue;
            };
            let stored_blob: Vec<u8> = row.get(2)?;
            let Ok(stored_pseudonym) = <[u8; 32]>::try_from(stored_blob.as_slice()) else {
                continue;
            };
            if wanted.contains(&stored_pseudonym) {
                post_ids.push(row.get(0)?);
            }
        }
        Ok((post_ids, live_keys_searched))
    }

    /// How many posts every workspace of every organisation holds of the given authors. The
    /// caller (the FG of one organisation) should use `subject_post_counts_in_organisation`.
    pub fn subject_post_counts(
        &self,
        platform: &str,
        author_ids: &[String],
    ) -> Result<Vec<SubjectHolding>, StoreError> {
        self.subject_post_counts_where(None, platform, author_ids)
    }

    /// How many posts every workspace of `organisation_id` holds of the given authors.
    pub fn subject_post_counts_in_organisation(
        &self,
        organisation_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<Vec<SubjectHolding>, StoreError> {
        self.subject_post_counts_where(Some(organisation_id), platform, author_ids)
    }

    fn subject_post_counts_where(
        &self,
        organisation_id: Option<i64>,
        platform: &str,
        author_ids: &[String],
    ) -> Result<Vec<SubjectHolding>, StoreError> {
        let mut holdings = Vec::new();
        for workspace in self.workspace_outlines()? {
            if organisation_id.is_some_and(|wanted| wanted != workspace.organisation_id) {
                continue;
            }
            let (post_ids, live_keys_searched) =
                self.subject_post_ids(workspace.id, platform, author_ids)?;
            holdings.push(SubjectHolding {
                organisation_id: workspace.organisation_id,
                workspace_id: workspace.id,
                workspace_name: workspace.name,
                posts: post_ids.len() as u64,
                live_keys_searched,
            });
        }
        Ok(holdings)
    }

    /// Erases every post of the given authors in every workspace of `organisation_id` (database
    /// and index), then rewrites the index segments and truncates the WAL so no byte of them
    /// stays on the disk.
    pub fn erase_subject(
        &mut self,
        organisation_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<ErasureReport, StoreError> {
        let mut report = ErasureReport {
            organisation_id,
            workspaces: Vec::new(),
            posts_deleted: 0,
            terms_deleted: 0,
            index_segments_merged: 0,
            index_files_removed: 0,
        };
        for workspace in self.workspace_outlines()? {
            if workspace.organisation_id != organisation_id {
                continue;
            }
            let (post_ids, _live_keys_searched) =
                self.subject_post_ids(workspace.id, platform, author_ids)?;
            let terms_deleted = self.delete_posts_by_id(workspace.id, &post_ids)?;
            let entry = WorkspaceErasure {
                workspace_id: workspace.id,
                workspace_name: workspace.name,
                posts_deleted: post_ids.len() as u64,
                terms_deleted,
            };
            tracing::info!(
                workspace_id = entry.workspace_id,
                posts_deleted = entry.posts_deleted,
                terms_deleted = entry.terms_deleted,
                "erased a data subject's posts in a workspace"
            );
            report.posts_deleted += entry.posts_deleted;
            report.terms_deleted += entry.terms_deleted;
            report.workspaces.push(entry);
        }
        let purge = self.index.purge_deleted_documents()?;
        report.index_segments_merged = purge.segments_merged;
        report.index_files_removed = purge.files_removed;
        checkpoint_and_truncate_wal(&self.connection)?;
        Ok(report)
    }

    /// Deletes the posts `post_ids` of `workspace_id` and the terms they leave unused (database
    /// first, then the index). Returns how many terms were deleted.
    fn delete_posts_by_id(
        &mut self,
        workspace_id: i64,
        post_ids: &[i64],
    ) -> Result<u64, StoreError> {
        if post_ids.is_empty() {
            return Ok(0);
        }
        let transaction = self.connection.transaction()?;
        let mut released = TermRelease::default();
        {
            let mut delete_post = transaction.prepare_cached(
                "DELETE FROM posts WHERE id = ?1 AND workspace_id = ?2 RETURNING term_ids",
            )?;
            for post_id in post_ids {
                let mut rows = delete_post.query(params![post_id, workspace_id])?;
                while let Some(row) = rows.next()? {
                    released.add(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?)?;
                }
            }
        }
        let terms_deleted = released.apply(&transaction)?.len() as u64;
        transaction.commit()?;
        if terms_deleted > 0 {
            self.term_ids.clear();
        }
        for post_id in post_ids {
            self.index.delete(*post_id as u64)?;
        }
        self.index.commit()?;
        Ok(terms_deleted)
    }

    /// Records that the given authors on `platform` object to processing by `organisation_id`:
    /// only their keyed hashes are stored. Returns how many objections were new.
    pub fn add_objection(
        &mut self,
        organisation_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<usize, StoreError> {
        let platform_name = normalised_platform(platform);
        let author_id_list = normalised_author_ids(author_ids);
        if platform_name.is_empty() || author_id_list.is_empty() {
            return Ok(0);
        }
        // Fails with a typed error when the organisation does not exist.
        self.organisation_by_id(organisation_id)?;
        let key = self.keys.objection_key(organisation_id)?;
        let transaction = self.connection.transaction()?;
        let mut added = 0;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO objections (organisation_id, platform, author_hash, created_at)
                 VALUES (?1, ?2, ?3, strftime('%s', 'now'))
                 ON CONFLICT (organisation_id, platform, author_hash) DO NOTHING",
            )?;
            for author_id in author_id_list {
                let hash = objection_hash(&key, &platform_name, author_id);
                added +=
                    insert.execute(params![organisation_id, platform_name, hash.as_slice()])?;
            }
        }
        transaction.commit()?;
        tracing::info!(organisation_id, added, "recorded objections");
        Ok(added)
    }

    /// The objections of `organisation_id`, ready for the ingest path.
    pub fn objection_matcher(&self, organisation_id: i64) -> Result<ObjectionMatcher, StoreError> {
        let Some(key) = self.keys.existing_objection_key(organisation_id)? else {
            return Ok(ObjectionMatcher::none());
        };
        let mut statement = self
            .connection
            .prepare("SELECT author_hash FROM objections WHERE organisation_id = ?1")?;
        let blobs = statement
            .query_map(params![organisation_id], |row| row.get::<_, Vec<u8>>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut hashes = HashSet::with_capacity(blobs.len());
        for blob in blobs {
            let hash = <[u8; 32]>::try_from(blob.as_slice()).map_err(|_| {
                StoreError::Corrupt("a stored objection has the wrong length".into())
            })?;
            hashes.insert(hash);
        }
        Ok(ObjectionMatcher {
            key: Some(key),
            hashes,
        })
    }

    /// Number of objections recorded for `organisation_id` (a count, nothing else).
    pub fn objection_count(&self, organisation_id: i64) -> Result<u64, StoreError> {
        let count: i64 = self.connection.query_row(
            "SELECT COUNT(*) FROM objections WHERE organisation_id = ?1",
            params![organisation_id],
            |row| row.get(0),
        )?;
        Ok(count as u64)
    }
}
