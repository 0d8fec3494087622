//! Retention on PostgreSQL (DESIGN.md invariant 7: retention is real deletion).
//!
//! One run, in one transaction under the exclusive retention lock (one run at a time over all
//! processes; batches wait): for every workspace, the rollup rows of hours wholly before its
//! horizon go and the boundary hour is lowered by its expired posts; its expired post references
//! go; its remembered answers (answered scopes) and records read per source and hour older than
//! its aggregates' horizon go. Then per monthly partition: a partition whose every remaining post is past its
//! workspace's horizon is dropped whole (its files go at the next checkpoint); in any other
//! partition the expired rows are deleted; term dictionary entries no remaining post holds go.
//! After the commit every relation that holds deleted
//! rows (these, and earlier deletions at the source) is rewritten with `VACUUM FULL`, so the
//! deleted tuples leave the table and index files.
//!
//! Interrupted, it is finished by running it again. This module must never log, return or keep
//! anything of the deleted posts: only counts and partition names leave it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use postgres::error::SqlState;
use postgres::GenericClient;

use crate::posts::{note_for_compaction, WEBCARE_RELATION};
use crate::terms::remove_unused_terms;
use crate::{
    partition_range, relation_exists, PostgresStore, PostgresStoreError, RETENTION_LOCK_KEY,
};

/// What a retention run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostgresRetentionReport {
    pub posts_deleted: u64,
    pub posts_deleted_per_workspace: BTreeMap<i64, u64>,
    /// Partitions dropped whole.
    pub partitions_dropped: Vec<String>,
    /// Remembered answers of the differencing audit older than their workspace's aggregate
    /// retention, deleted.
    pub answered_scopes_deleted: u64,
    pub answered_scopes_deleted_per_workspace: BTreeMap<i64, u64>,
    /// Relations rewritten (`VACUUM FULL`) because they held deleted rows.
    pub relations_compacted: Vec<String>,
    /// Relations rewritten while another session's older snapshot could still see deleted rows:
    /// they may keep them, so the next run rewrites them again (empty in a healthy run).
    pub relations_left_pending: Vec<String>,
}

/// The relation of the remembered answers (noted for compaction when rows of it are deleted).
const ANSWERED_SCOPES_RELATION: &str = "answered_scopes";

/// How long a run waits for older snapshots to end before it rewrites the relations anyway.
const SNAPSHOT_WAIT: Duration = Duration::from_secs(30);

/// `as_of − days`, or `None` when that lies before the year 1 (then nothing is old enough).
fn horizon_before(as_of: DateTime<Utc>, days: i32) -> Option<DateTime<Utc>> {
    let horizon = as_of.checked_sub_signed(TimeDelta::try_days(i64::from(days))?)?;
    let earliest = DateTime::<Utc>::from_timestamp(-62_135_596_800, 0)?; // 0001-01-01
    (horizon >= earliest).then_some(horizon)
}

/// The post partitions of the current schema, in name (= time) order.
pub(crate) fn partitions(
    client: &mut impl GenericClient,
) -> Result<Vec<String>, PostgresStoreError> {
    let rows = client.query(
        "SELECT child.relname::text
         FROM pg_inherits
         JOIN pg_class child ON child.oid = pg_inherits.inhrelid
         WHERE pg_inherits.inhparent = 'posts'::regclass
         ORDER BY 1",
        &[],
    )?;
    rows.iter()
        .map(|row| {
            row.try_get::<_, String>(0)
                .map_err(PostgresStoreError::from)
        })
        .collect()
}

fn add_deleted(report: &mut PostgresRetentionReport, workspace_id: i64, posts: i64) {
    if posts <= 0 {
        return;
    }
    *report
        .posts_deleted_per_workspace
        .entry(workspace_id)
        .or_insert(0) += posts as u64;
    report.posts_deleted += posts as u64;
}

impl PostgresStore {
    /// Applies every workspace's post retention as of `as_of` (see the module docs).
    pub fn run_retention(
        &mut self,
        as_of: DateTime<Utc>,
    ) -> Result<PostgresRetentionReport, PostgresStoreError> {
        let mut report = PostgresRetentionReport::default();
        let mut transaction = self.client.transaction()?;
        transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&RETENTION_LOCK_KEY])?;
        // Listed under the lock: no batch creates a partition while the run looks at them.
        let partition_names = partitions(&mut transaction)?;
        let mut horizons: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
        let mut aggregate_horizons: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
        for row in transaction.query(
            "SELECT workspace_id, retention_days_posts, retention_days_aggregates FROM workspaces
             ORDER BY workspace_id",
            &[],
        )? {
            let workspace_id: i64 = row.try_get(0)?;
            let days: i32 = row.try_get(1)?;
            if let Some(horizon) = horizon_before(as_of, days) {
                horizons.insert(workspace_id, horizon);
            }
            if let Some(horizon) = horizon_before(as_of, row.try_get(2)?) {
                aggregate_horizons.insert(workspace_id, horizon);
            }
        }
        // Records read per source and hour (counts only) and the differencing audit's remembered
        // answers follow the aggregates' retention, as in the embedded store.
        for (workspace_id, horizon) in &aggregate_horizons {
            transaction.execute(
                "DELETE FROM source_hours WHERE workspace_id = $1 AND hour_start < $2",
                &[workspace_id, &horizon.timestamp()],
            )?;
            let scopes_deleted = transaction.execute(
                "DELETE FROM answered_scopes WHERE workspace_id = $1 AND answered_at < $2",
                &[workspace_id, &horizon.timestamp()],
            )?;
            if scopes_deleted > 0 {
                report.answered_scopes_deleted += scopes_deleted;
                report
                    .answered_scopes_deleted_per_workspace
                    .insert(*workspace_id, scopes_deleted);
            }
        }
        if report.answered_scopes_deleted > 0 {
            note_for_compaction(&mut transaction, ANSWERED_SCOPES_RELATION)?;
        }
        let mut references_deleted = 0u64;
        let mut webcare_deleted = 0u64;
        for (workspace_id, horizon) in &horizons {
            // Hours wholly before the horizon: every post in them expires.
            transaction.execute(
                "DELETE FROM post_volume_hourly
                 WHERE workspace_id = $1 AND hour_start < date_trunc('hour', $2::timestamptz)",
                &[workspace_id, horizon],
            )?;
            // The boundary hour: lowered by its expired posts.
            transaction.execute(
                "WITH expired AS (
                    SELECT key_period, sentiment, language, source, count(*) AS posts
                    FROM posts
                    WHERE workspace_id = $1 AND published_at < $2
                      AND published_at >= date_trunc('hour', $2::timestamptz)
                    GROUP BY key_period, sentiment, language, source)
                 UPDATE post_volume_hourly AS rollup SET posts = rollup.posts - expired.posts
                 FROM expired
                 WHERE rollup.workspace_id = $1
                   AND rollup.hour_start = date_trunc('hour', $2::timestamptz)
                   AND rollup.key_period = expired.key_period
                   AND rollup.sentiment = expired.sentiment
                   AND rollup.language = expired.language AND rollup.source = expired.source",
                &[workspace_id, horizon],
            )?;
            transaction.execute(
                "DELETE FROM post_volume_hourly WHERE workspace_id = $1 AND posts <= 0",
                &[workspace_id],
            )?;
            references_deleted += transaction.execute(
                "DELETE FROM post_references WHERE workspace_id = $1 AND published_at < $2",
                &[workspace_id, horizon],
            )?;
            // The webcare messages of the expired posts, whether their partition is dropped
            // whole below or their rows are deleted.
            webcare_deleted += transaction.execute(
                "DELETE FROM webcare_messages WHERE workspace_id = $1 AND published_at < $2",
                &[workspace_id, horizon],
            )?;
        }
        if references_deleted > 0 {
            note_for_compaction(&mut transaction, "post_references")?;
        }
        if webcare_deleted > 0 {
            note_for_compaction(&mut transaction, WEBCARE_RELATION)?;
        }

        for name in &partition_names {
            let (start, end) = partition_range(name)?;
            // Workspaces whose posts in this partition are all expired.
            let wholly_expired: Vec<i64> = horizons
                .iter()
                .filter(|(_, horizon)| **horizon >= end)
                .map(|(workspace_id, _)| *workspace_id)
                .collect();
            // The partition name was produced by `partition_name` and checked by
            // `partition_range` above: letters, digits and _ only.
            let others = transaction.query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM {name} WHERE workspace_id <> ALL($1))"),
                &[&wholly_expired],
            )?;
            // Past for at least one workspace: an empty partition of the current month stays.
            let in_the_past = !wholly_expired.is_empty();
            if in_the_past && !others.try_get::<_, bool>(0)? {
                for row in transaction.query(
                    &format!("SELECT workspace_id, count(*) FROM {name} GROUP BY workspace_id"),
                    &[],
                )? {
                    add_deleted(&mut report, row.try_get(0)?, row.try_get(1)?);
                }
                transaction.batch_execute(&format!("DROP TABLE {name}"))?;
                transaction.execute(
                    "DELETE FROM pending_compaction WHERE relation_name = $1",
                    &[name],
                )?;
                report.partitions_dropped.push(name.clone());
                continue;
            }
            let mut deleted_here = false;
            for (workspace_id, horizon) in &horizons {
                if *horizon <= start {
                    continue;
                }
                let row = transaction.query_one(
                    &format!(
                        "WITH deleted AS (
                            DELETE FROM {name} WHERE workspace_id = $1 AND published_at < $2
                            RETURNING 1)
                         SELECT count(*) FROM deleted"
                    ),
                    &[workspace_id, horizon],
                )?;
                let deleted: i64 = row.try_get(0)?;
                add_deleted(&mut report, *workspace_id, deleted);
                deleted_here |= deleted > 0;
            }
            if deleted_here {
                note_for_compaction(&mut transaction, name)?;
            }
        }
        // The term dictionary: entries no remaining post holds go in the same transaction, so no
        // term text of an expired post stays readable.
        let workspaces_with_deletions: Vec<i64> =
            report.posts_deleted_per_workspace.keys().copied().collect();
        for workspace_id in workspaces_with_deletions {
            remove_unused_terms(&mut transaction, workspace_id, None)?;
        }
        // The id of this transaction: a session whose snapshot is older may still see the rows
        // deleted here, and VACUUM FULL would copy them into the rewritten files.
        let deleting_transaction: String = transaction
            .query_one("SELECT pg_current_xact_id()::text", &[])?
            .try_get(0)?;
        transaction.commit()?;
        let snapshots_released =
            self.wait_for_older_snapshots(&deleting_transaction, SNAPSHOT_WAIT)?;
        let (compacted, left_pending) = self.compact_pending(snapshots_released)?;
        report.relations_compacted = compacted;
        report.relations_left_pending = left_pending;
        Ok(report)
    }

    /// Waits (at most `timeout`) until no other session of this database holds a snapshot or a
    /// transaction from before `transaction_id` (`pg_stat_activity`; the store's role needs
    /// `pg_read_all_stats` to see other roles' sessions). Returns whether none is left.
    fn wait_for_older_snapshots(
        &mut self,
        transaction_id: &str,
        timeout: Duration,
    ) -> Result<bool, PostgresStoreError> {
        let started = Instant::now();
        loop {
            let older: i64 = self
                .client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND ((backend_xmin IS NOT NULL
                             AND age(backend_xmin) >= age($1::text::xid))
                         OR (backend_xid IS NOT NULL
                             AND age(backend_xid) >= age($1::text::xid)))",
                    &[&transaction_id],
                )?
                .try_get(0)?;
            if older == 0 {
                return Ok(true);
            }
            if started.elapsed() >= timeout {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Rewrites (`VACUUM FULL`) every relation noted as holding deleted rows, so the deleted
    /// tuples leave its table and index files. When an older snapshot may still see deleted rows
    /// (`snapshots_released` false) the rewrite may keep them: the relations stay noted for the
    /// next run. Returns (rewritten, left pending).
    fn compact_pending(
        &mut self,
        snapshots_released: bool,
    ) -> Result<(Vec<String>, Vec<String>), PostgresStoreError> {
        let pending: Vec<String> = self
            .client
            .query(
                "SELECT relation_name FROM pending_compaction ORDER BY relation_name",
                &[],
            )?
            .iter()
            .map(|row| row.try_get::<_, String>(0))
            .collect::<Result<_, _>>()?;
        let mut compacted = Vec::new();
        let mut left_pending = Vec::new();
        for name in pending {
            let is_known = matches!(name.as_str(), "post_references" | "terms")
                || name == WEBCARE_RELATION
                || name == ANSWERED_SCOPES_RELATION
                || partition_range(&name).is_ok();
            let mut exists = relation_exists(&mut self.client, &name)?;
            if is_known && exists {
                // Checked above: `post_references`, `terms`, `webcare_messages`, `answered_scopes` or a partition
                // name (letters, digits, _).
                match self.client.batch_execute(&format!("VACUUM (FULL) {name}")) {
                    Ok(()) => compacted.push(name.clone()),
                    // Dropped meanwhile by another retention run: its rows are gone with it.
                    Err(error) if error.code() == Some(&SqlState::UNDEFINED_TABLE) => {
                        exists = false;
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            if !snapshots_released && is_known && exists {
                left_pending.push(name);
                continue;
            }
            self.client.execute(
                "DELETE FROM pending_compaction WHERE relation_name = $1",
                &[&name],
            )?;
        }
        Ok((compacted, left_pending))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn horizons_before_the_year_one_mean_nothing_expires() {
        let as_of = Utc
            .with_ymd_and_hms(2026, 12, 15, 0, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            horizon_before(as_of, 30).map(|horizon| horizon.to_rfc3339()),
            Some("2026-11-15T00:00:00+00:00".to_string())
        );
        assert_eq!(horizon_before(as_of, i32::MAX), None);
    }
}
