//! Retention runs (DESIGN.md invariant 7: retention is real deletion).
//!
//! One run, per workspace: delete the posts published before `as_of − retention_days_posts`
//! (their terms and monitor links go with them, and terms no post uses any more), delete the
//! answered scopes older than `as_of − retention_days_aggregates`, and destroy the pseudonym keys
//! of every period that lies wholly before the posts' horizon. Then, for the whole store: merge
//! every index segment that holds deleted documents and remove the old segment files, checkpoint
//! and truncate the WAL, `VACUUM` the database, and do the same for the key store, so the deleted
//! bytes leave every file.
//!
//! Every step is idempotent, so an interrupted run is finished by running it again; a crash
//! between the database and the index commit is repaired by the reconciliation on open, and the
//! next run purges the index. This module must never log, return or keep anything of the deleted
//! posts (no text, no pseudonyms): only counts leave it.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::term_list;
use crate::{Store, StoreError};

/// What a retention run did in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceRetention {
    pub workspace_id: i64,
    pub workspace_name: String,
    /// Posts published before this moment were deleted.
    pub posts_horizon: DateTime<Utc>,
    /// Answered scopes (aggregate bookkeeping) from before this moment were deleted.
    pub aggregates_horizon: DateTime<Utc>,
    pub posts_deleted: u64,
    /// Terms no remaining post uses, deleted with the posts.
    pub terms_deleted: u64,
    /// Pseudonym keys destroyed (every generation of every period wholly before the horizon).
    pub keys_destroyed: u64,
    pub scopes_deleted: u64,
}

/// What a retention run did, per workspace and in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    pub as_of: DateTime<Utc>,
    pub workspaces: Vec<WorkspaceRetention>,
    pub posts_deleted: u64,
    pub terms_deleted: u64,
    pub keys_destroyed: u64,
    pub scopes_deleted: u64,
    /// Index segments rewritten without their deleted documents.
    pub index_segments_merged: u64,
    /// Obsolete index files removed from the disk.
    pub index_files_removed: u64,
    /// Whether the database file was rebuilt (`VACUUM`): when this run deleted anything or the
    /// file still had free pages from earlier deletions.
    pub database_vacuumed: bool,
}

/// `moment − days`, or the earliest representable moment when that lies before it (then nothing
/// is old enough to delete).
pub(crate) fn horizon_before(moment: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    TimeDelta::try_days(i64::from(days))
        .and_then(|retention| moment.checked_sub_signed(retention))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The key period (`YYYY-MM`) that contains `moment`; keys of earlier periods lie wholly before
/// it.
fn period_containing(moment: DateTime<Utc>) -> String {
    moment.format("%Y-%m").to_string()
}

/// Runs `PRAGMA wal_checkpoint(TRUNCATE)` and fails when it could not complete (another
/// connection was reading): the old WAL frames would keep deleted bytes on the disk. Running the
/// caller again later finishes the job.
pub(crate) fn checkpoint_and_truncate_wal(connection: &Connection) -> Result<(), StoreError> {
    let (busy, _log_frames, _checkpointed_frames): (i64, i64, i64) =
        connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
    if busy != 0 {
        return Err(StoreError::Database(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some(
                "the WAL checkpoint could not complete because another connection is reading; \
                 run the deletion again when it is done"
                    .into(),
            ),
        )));
    }
    Ok(())
}

/// Checkpoints the WAL, rebuilds the database file (`VACUUM`) and truncates the WAL again, so
/// freed pages and old WAL frames are gone from the files.
pub(crate) fn compact_database(connection: &Connection) -> Result<(), StoreError> {
    checkpoint_and_truncate_wal(connection)?;
    connection.execute_batch("VACUUM;")?;
    checkpoint_and_truncate_wal(connection)
}

/// The terms of deleted posts: for each term, how many of the deleted posts held it. Applied in
/// the transaction that deleted the posts, it lowers the terms' post counts and deletes the terms
/// no post holds any more, so no term text outlives the last post it came from.
#[derive(Debug, Default)]
pub(crate) struct TermRelease {
    posts_per_term: HashMap<i64, i64>,
}

impl TermRelease {
    /// Adds the packed term list of one deleted post.
    pub(crate) fn add(&mut self, packed: &[u8]) -> Result<(), StoreError> {
        term_list::for_each_id(packed, |id| {
            *self.posts_per_term.entry(id).or_insert(0) += 1;
        })?;
        Ok(())
    }

    /// Lowers the post counts and deletes the terms left without posts. Returns their ids.
    pub(crate) fn apply(self, transaction: &Transaction<'_>) -> Result<HashSet<i64>, StoreError> {
        let mut released: Vec<(i64, i64)> = self.posts_per_term.into_iter().collect();
        released.sort_unstable();
        let mut lower = transaction
            .prepare_cached("UPDATE terms SET posts = posts - ?2 WHERE id = ?1 RETURNING posts")?;
        let mut delete = transaction.prepare_cached("DELETE FROM terms WHERE id = ?1")?;
        let mut deleted = HashSet::new();
        for (id, posts) in released {
            let remaining: Option<i64> = lower
                .query_row(params![id, posts], |row| row.get(0))
                .optional()?;
            let Some(remaining) = remaining else {
                continue;
            };
            debug_assert!(remaining >= 0, "term {id} counted fewer posts than held it");
            if remaining <= 0 {
                delete.execute(params![id])?;
                deleted.insert(id);
            }
        }
        Ok(deleted)
    }
}

/// Recounts the posts of every term of `workspace_id` from the posts' packed term lists and
/// deletes the terms no post holds (after an interrupted or foreign deletion; normally there are
/// none). One scan of the workspace's posts. Returns how many terms were deleted.
pub(crate) fn sweep_terms(
    transaction: &Transaction<'_>,
    workspace_id: i64,
) -> Result<u64, StoreError> {
    let mut held: HashMap<i64, i64> = HashMap::new();
    {
        let mut statement =
            transaction.prepare_cached("SELECT term_ids FROM posts WHERE workspace_id = ?1")?;
        let mut rows = statement.query(params![workspace_id])?;
        while let Some(row) = rows.next()? {
            let packed = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            term_list::for_each_id(packed, |id| *held.entry(id).or_insert(0) += 1)?;
        }
    }
    let counted: Vec<(i64, i64)> = {
        let mut statement =
            transaction.prepare_cached("SELECT id, posts FROM terms WHERE workspace_id = ?1")?;
        let rows = statement
            .query_map(params![workspace_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let mut delete = transaction.prepare_cached("DELETE FROM terms WHERE id = ?1")?;
    let mut correct = transaction.prepare_cached("UPDATE terms SET posts = ?2 WHERE id = ?1")?;
    let mut deleted = 0u64;
    let mut corrected = 0u64;
    for (id, posts) in counted {
        let actual = held.get(&id).copied().unwrap_or(0);
        if actual == 0 {
            delete.execute(params![id])?;
            deleted += 1;
        } else if actual != posts {
            correct.execute(params![id, actual])?;
            corrected += 1;
        }
    }
    if deleted > 0 || corrected > 0 {
        tracing::warn!(
            workspace_id,
            deleted,
            corrected,
            "term post counts did not match the stored posts; repaired"
        );
    }
    Ok(deleted)
}

/// What retention and data-subject requests need to know of a workspace.
pub(crate) struct WorkspaceOutline {
    pub(crate) id: i64,
    pub(crate) organisation_id: i64,
    pub(crate) name: String,
    pub(crate) retention_days_posts: u32,
    pub(crate) retention_days_aggregates: u32,
}

impl Store {
    /// Every workspace (any status), ordered by id.
    pub(crate) fn workspace_outlines(&self) -> Result<Vec<WorkspaceOutline>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, organisation_id, name, retention_days_posts, retention_days_aggregates
             FROM workspaces ORDER BY id",
        )?;
        let outlines = statement
            .query_map([], |row| {
                Ok(WorkspaceOutline {
                    id: row.get(0)?,
                    organisation_id: row.get(1)?,
                    name: row.get(2)?,
                    retention_days_posts: row.get(3)?,
                    retention_days_aggregates: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(outlines)
    }

    /// Applies every workspace's retention as of `as_of` (see the module docs). Safe to run twice
    /// and safe to interrupt.
    pub fn run_retention(&mut self, as_of: DateTime<Utc>) -> Result<RetentionReport, StoreError> {
        let workspaces = self.workspace_outlines()?;
        let mut report = RetentionReport {
            as_of,
            workspaces: Vec::with_capacity(workspaces.len()),
            posts_deleted: 0,
            terms_deleted: 0,
            keys_destroyed: 0,
            scopes_deleted: 0,
            index_segments_merged: 0,
            index_files_removed: 0,
            database_vacuumed: false,
        };
        for workspace in workspaces {
            let posts_horizon = horizon_before(as_of, workspace.retention_days_posts);
            let aggregates_horizon = horizon_before(as_of, workspace.retention_days_aggregates);
            let (deleted_post_ids, terms_deleted, scopes_deleted) =
                self.delete_expired_rows(workspace.id, posts_horizon, aggregates_horizon)?;
            // The database has committed; a crash from here on leaves index entries without rows,
            // which the reconciliation on open removes and the next run purges.
            for post_id in &deleted_post_ids {
                self.index.delete(*post_id as u64)?;
            }
            self.index.commit()?;
            let keys_destroyed = if posts_horizon > DateTime::<Utc>::MIN_UTC {
                self.keys
                    .destroy_period_keys_before(workspace.id, &period_containing(posts_horizon))?
                    as u64
            } else {
                0
            };
            let entry = WorkspaceRetention {
                workspace_id: workspace.id,
                workspace_name: workspace.name,
                posts_horizon,
                aggregates_horizon,
                posts_deleted: deleted_post_ids.len() as u64,
                terms_deleted,
                keys_destroyed,
                scopes_deleted,
            };
            tracing::info!(
                workspace_id = entry.workspace_id,
                posts_deleted = entry.posts_deleted,
                terms_deleted = entry.terms_deleted,
                keys_destroyed = entry.keys_destroyed,
                scopes_deleted = entry.scopes_deleted,
                "applied retention to a workspace"
            );
            report.posts_deleted += entry.posts_deleted;
            report.terms_deleted += entry.terms_deleted;
            report.keys_destroyed += entry.keys_destroyed;
            report.scopes_deleted += entry.scopes_deleted;
            report.workspaces.push(entry);
        }
        // Always purge and compact, even when this run deleted nothing: an earlier interrupted
        // run (or deletions at the source) may have left deleted bytes behind.
        let purge = self.index.purge_deleted_documents()?;
        report.index_segments_merged = purge.segments_merged;
        report.index_files_removed = purge.files_removed;
        let deleted_anything =
            report.posts_deleted > 0 || report.terms_deleted > 0 || report.scopes_deleted > 0;
        let free_pages: i64 =
            self.connection
                .pragma_query_value(None, "freelist_count", |row| row.get(0))?;
        if deleted_anything || free_pages > 0 {
            compact_database(&self.connection)?;
            report.database_vacuumed = true;
        } else {
            // secure_delete has zeroed deleted cells in place; only the WAL may hold old frames.
            checkpoint_and_truncate_wal(&self.connection)?;
        }
        self.keys.compact()?;
        tracing::info!(
            posts_deleted = report.posts_deleted,
            terms_deleted = report.terms_deleted,
            keys_destroyed = report.keys_destroyed,
            scopes_deleted = report.scopes_deleted,
            index_segments_merged = report.index_segments_merged,
            index_files_removed = report.index_files_removed,
            database_vacuumed = report.database_vacuumed,
            "retention run finished"
        );
        Ok(report)
    }

    /// Deletes, in one transaction, the expired posts of a workspace (returning their ids), the
    /// terms left unused, and the expired answered scopes.
    fn delete_expired_rows(
        &mut self,
        workspace_id: i64,
        posts_horizon: DateTime<Utc>,
        aggregates_horizon: DateTime<Utc>,
    ) -> Result<(Vec<i64>, u64, u64), StoreError> {
        let transaction = self.connection.transaction()?;
        let mut released = TermRelease::default();
        let deleted_post_ids: Vec<i64> = {
            let mut statement = transaction.prepare(
                "DELETE FROM posts WHERE workspace_id = ?1 AND published_at < ?2
                 RETURNING id, term_ids",
            )?;
            let mut rows = statement.query(params![workspace_id, posts_horizon.timestamp()])?;
            let mut ids = Vec::new();
            while let Some(row) = rows.next()? {
                ids.push(row.get(0)?);
                released.add(row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?)?;
            }
            ids
        };
        let released_terms = released.apply(&transaction)?.len() as u64;
        let terms_deleted = released_terms + sweep_terms(&transaction, workspace_id)?;
        let scopes_deleted = transaction.execute(
            "DELETE FROM answered_scopes WHERE workspace_id = ?1 AND answered_at < ?2",
            params![workspace_id, aggregates_horizon.timestamp()],
        )? as u64;
        // Coverage counts (records read per source and hour) follow the aggregates' retention.
        transaction.execute(
            "DELETE FROM source_hours WHERE workspace_id = ?1 AND hour_start < ?2",
            params![workspace_id, aggregates_horizon.timestamp()],
        )?;
        transaction.commit()?;
        if terms_deleted > 0 {
            // Cached term ids may point at deleted rows now.
            self.term_ids.clear();
        }
        Ok((deleted_post_ids, terms_deleted, scopes_deleted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn horizons_and_periods() {
        let as_of = Utc
            .with_ymd_and_hms(2026, 12, 15, 0, 0, 0)
            .single()
            .unwrap_or_default();
        let horizon = horizon_before(as_of, 30);
        assert_eq!(horizon.to_rfc3339(), "2026-11-15T00:00:00+00:00");
        assert_eq!(period_containing(horizon), "2026-11");
        assert_eq!(horizon_before(as_of, u32::MAX), DateTime::<Utc>::MIN_UTC);
    }
}
