//! Peil's scale-out store: the data path on PostgreSQL 15, with a schema that Citus can
//! distribute by `workspace_id` (docs/scale-out.md).
//!
//! * Versioned migrations (`schema_migrations`, one transaction each, safe to run from several
//!   processes at once).
//! * Posts partitioned by month of publication; a batch creates the partitions it needs, and
//!   retention drops whole partitions that lie past every workspace's retention, deletes the
//!   remaining expired rows of the boundary partitions and rewrites those (`VACUUM FULL`), so the
//!   deleted rows leave the table files.
//! * Deduplication on (workspace, source reference) with the same semantics as the embedded store
//!   (`peil_store::BatchOutcome`), the analysed terms of `peil_analysis` stored with each post
//!   under a GIN index, the query matcher's tokens of each post under another
//!   (`match_tokens.rs`, the query prefilter), and hourly rollups changed in the same
//!   transaction as the posts.
//! * It implements `peil_store::PostBackend`, so the conformance suite runs against it and the
//!   embedded store with the same posts.
//! * Binding (`binding.rs`, migration 5): a database belongs to one installation (data
//!   directory); the service binds before it reads or writes posts.
//! * Data-subject requests (`subjects.rs`: posts of pseudonyms, their real erasure in one
//!   transaction) and the webcare inbox (`webcare.rs`, answer links opened with the key store of
//!   the data directory).
//! * It implements `peil_store::AggregateFacts` (`aggregate.rs`), so the k-gated partitions of an
//!   aggregate, with complementary suppression and the differencing audit, are computed by
//!   `peil_store`'s own gating logic (`PostgresStore::aggregate_partitions`), and
//!   `peil_store::ReportFacts` (`report.rs`), so the whole report (terms, word pairs, rising
//!   terms, bursts, clusters, representativeness) is too (`PostgresStore::aggregate`), over a
//!   term dictionary kept by every batch and deletion (`terms.rs`) and the records read per
//!   source and hour (`source_hours.rs`).
//!
//! The API is synchronous like `peil_store` (the `postgres` crate runs a private tokio runtime
//! per client): calling it from inside a tokio runtime (the server) needs
//! `tokio::task::spawn_blocking`, or it panics.
//!
//! This crate must never store raw text or raw ids (it only accepts already de-identified posts
//! and pseudonyms), never return pseudonyms or post text, never put values of rows in errors or
//! logs, and never keep an expired post readable after a retention run.

mod aggregate;
mod binding;
mod error;
mod match_tokens;
pub mod migrations;
mod posts;
mod report;
mod retention;
mod source_hours;
mod subjects;
mod terms;
mod webcare;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use peil_store::{BatchOutcome, PostBackend, StoredPost};
use postgres::{Client, NoTls};

pub use aggregate::PostgresScope;
pub use binding::{Binding, BindingRefusal, Installation, BINDING_LOCK_KEY};
pub use error::PostgresStoreError;
pub use retention::PostgresRetentionReport;
pub use subjects::PseudonymErasure;
pub use terms::TERM_DICTIONARY_LOCK_KEY;

/// Advisory lock key of retention: a retention run holds it exclusively (one run at a time over
/// all processes, and no batch while it drops partitions); every batch holds it shared.
pub const RETENTION_LOCK_KEY: i64 = 0x7065_696c_7265_7431; // "peilret1"
/// Advisory lock key held while a partition is created.
pub const PARTITION_LOCK_KEY: i64 = 0x7065_696c_7061_7231; // "peilpar1"

/// What the PostgreSQL store needs to know of a workspace (the catalog stays in the embedded
/// store for now; the same ids are registered here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRegistration {
    pub workspace_id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub retention_days_posts: u32,
    pub retention_days_aggregates: u32,
}

/// An open connection to the PostgreSQL store, migrated.
pub struct PostgresStore {
    client: Client,
    /// The key store of the data directory, for the webcare inbox's answer links.
    keys: Option<peil_store::KeyStore>,
}

/// Whether `name` is a safe unquoted schema name (lower-case letter first, then a–z, 0–9, _).
fn valid_schema_name(name: &str) -> bool {
    let mut characters = name.chars();
    let Some(first) = characters.next() else {
        return false;
    };
    name.len() <= 63
        && first.is_ascii_lowercase()
        && characters.all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_'
        })
}

/// The name of the partition that holds posts published in the month of `moment`.
pub fn partition_name(moment: DateTime<Utc>) -> Result<String, PostgresStoreError> {
    let year = moment.year();
    if !(1..=9999).contains(&year) {
        return Err(PostgresStoreError::PublicationTimeOutOfRange);
    }
    Ok(format!("posts_y{year:04}m{:02}", moment.month()))
}

/// The [start, end) range of a partition named by `partition_name`.
pub fn partition_range(name: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), PostgresStoreError> {
    let unexpected = || PostgresStoreError::UnexpectedPartition {
        name: name.to_string(),
    };
    let digits = name.strip_prefix("posts_y").ok_or_else(unexpected)?;
    let (year, month) = digits.split_once('m').ok_or_else(unexpected)?;
    let year: i32 = year.parse().map_err(|_| unexpected())?;
    let month: u32 = month.parse().map_err(|_| unexpected())?;
    let start = Utc
        .with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .ok_or_else(unexpected)?;
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end = Utc
        .with_ymd_and_hms(next_year, next_month, 1, 0, 0, 0)
        .single()
        .ok_or_else(unexpected)?;
    Ok((start, end))
}

/// Whether the relation `name` exists in the current schema. Read from `pg_class` with the
/// statement's snapshot: `to_regclass` may answer from a catalog cache that has not yet seen a
/// partition dropped by another session.
pub(crate) fn relation_exists(
    client: &mut impl postgres::GenericClient,
    name: &str,
) -> Result<bool, PostgresStoreError> {
    let row = client.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_class
                        WHERE relname = $1 AND relnamespace = current_schema()::regnamespace)",
        &[&name],
    )?;
    Ok(row.try_get(0)?)
}

impl PostgresStore {
    /// Connects to `url` (e.g. `postgres://peil@127.0.0.1:5432/peil`), using the `public`
    /// schema, and applies the migrations.
    pub fn connect(url: &str) -> Result<PostgresStore, PostgresStoreError> {
        PostgresStore::connect_in_schema(url, "public")
    }

    /// Connects to `url` with every table in `schema` (created when missing), and applies the
    /// migrations. Several stores in one database each use their own schema (tests do).
    pub fn connect_in_schema(url: &str, schema: &str) -> Result<PostgresStore, PostgresStoreError> {
        if !valid_schema_name(schema) {
            return Err(PostgresStoreError::InvalidSchemaName);
        }
        let mut client = Client::connect(url, NoTls)?;
        migrations::create_schema(&mut client, schema)?;
        // The schema name is checked above: letters, digits and _ only.
        client.batch_execute(&format!(
            "SET search_path TO {schema}; SET TimeZone TO 'UTC';"
        ))?;
        migrations::migrate(&mut client)?;
        match_tokens::backfill_match_tokens(&mut client)?;
        Ok(PostgresStore { client, keys: None })
    }

    /// The migration versions applied to this schema.
    pub fn migration_versions(&mut self) -> Result<Vec<i32>, PostgresStoreError> {
        migrations::applied_versions(&mut self.client)
    }

    /// Applies the migrations again (a no-op when all are applied). Returns the versions applied.
    pub fn migrate(&mut self) -> Result<Vec<i32>, PostgresStoreError> {
        migrations::migrate(&mut self.client)
    }

    /// Registers (or updates the name of) an organisation under the id the catalog gave it.
    pub fn register_organisation(
        &mut self,
        organisation_id: i64,
        name: &str,
    ) -> Result<(), PostgresStoreError> {
        self.client.execute(
            "INSERT INTO organisations (organisation_id, name) VALUES ($1, $2)
             ON CONFLICT (organisation_id) DO UPDATE SET name = excluded.name",
            &[&organisation_id, &name],
        )?;
        Ok(())
    }

    /// Registers (or updates) a workspace under the id the catalog gave it, with its retention.
    pub fn register_workspace(
        &mut self,
        workspace: &WorkspaceRegistration,
    ) -> Result<(), PostgresStoreError> {
        let retention_days_posts =
            i32::try_from(workspace.retention_days_posts).unwrap_or(i32::MAX);
        let retention_days_aggregates =
            i32::try_from(workspace.retention_days_aggregates).unwrap_or(i32::MAX);
        self.client.execute(
            "INSERT INTO workspaces (workspace_id, organisation_id, name, retention_days_posts,
                retention_days_aggregates)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (workspace_id) DO UPDATE SET name = excluded.name,
                retention_days_posts = excluded.retention_days_posts,
                retention_days_aggregates = excluded.retention_days_aggregates",
            &[
                &workspace.workspace_id,
                &workspace.organisation_id,
                &workspace.name,
                &retention_days_posts,
                &retention_days_aggregates,
            ],
        )?;
        Ok(())
    }

    /// Number of stored posts of a workspace.
    pub fn post_count(&mut self, workspace_id: i64) -> Result<u64, PostgresStoreError> {
        let row = self.client.query_one(
            "SELECT count(*) FROM posts WHERE workspace_id = $1",
            &[&workspace_id],
        )?;
        let count: i64 = row.try_get(0)?;
        Ok(count.max(0) as u64)
    }

    /// Number of stored posts of a workspace that hold the analysed word `word` (through the
    /// GIN index on the stored terms).
    pub fn posts_with_word(
        &mut self,
        workspace_id: i64,
        word: &str,
    ) -> Result<u64, PostgresStoreError> {
        let key = vec![posts::term_key(posts::TERM_PREFIX_WORD, word)];
        let row = self.client.query_one(
            "SELECT count(*) FROM posts WHERE workspace_id = $1 AND terms @> $2",
            &[&workspace_id, &key],
        )?;
        let count: i64 = row.try_get(0)?;
        Ok(count.max(0) as u64)
    }

    /// Posts of a workspace per hour bucket (start of the hour, Unix seconds), from the rollup.
    pub fn volume_per_hour(
        &mut self,
        workspace_id: i64,
    ) -> Result<BTreeMap<i64, u64>, PostgresStoreError> {
        let rows = self.client.query(
            "SELECT extract(epoch FROM hour_start)::bigint, sum(posts)::bigint
             FROM post_volume_hourly WHERE workspace_id = $1 AND posts > 0
             GROUP BY hour_start",
            &[&workspace_id],
        )?;
        let mut volumes = BTreeMap::new();
        for row in rows {
            let hour_start: i64 = row.try_get(0)?;
            let posts: i64 = row.try_get(1)?;
            volumes.insert(hour_start, posts.max(0) as u64);
        }
        Ok(volumes)
    }

    /// The names of the existing post partitions of this schema, in order.
    pub fn partitions(&mut self) -> Result<Vec<String>, PostgresStoreError> {
        retention::partitions(&mut self.client)
    }
}

impl PostBackend for PostgresStore {
    type Error = PostgresStoreError;

    fn store_post_batch(
        &mut self,
        posts: &[StoredPost],
    ) -> Result<BatchOutcome, PostgresStoreError> {
        self.store_batch(posts)
    }

    fn delete_post_at_source(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, PostgresStoreError> {
        self.delete_post_by_reference(workspace_id, source_ref)
    }

    fn apply_post_retention(&mut self, as_of: DateTime<Utc>) -> Result<u64, PostgresStoreError> {
        Ok(self.run_retention(as_of)?.posts_deleted)
    }

    fn stored_post_count(&mut self, workspace_id: i64) -> Result<u64, PostgresStoreError> {
        self.post_count(workspace_id)
    }

    fn stored_posts_with_word(
        &mut self,
        workspace_id: i64,
        word: &str,
    ) -> Result<u64, PostgresStoreError> {
        self.posts_with_word(workspace_id, word)
    }

    fn post_volume_per_hour(
        &mut self,
        workspace_id: i64,
    ) -> Result<BTreeMap<i64, u64>, PostgresStoreError> {
        self.volume_per_hour(workspace_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_checked() {
        assert!(valid_schema_name("peil_test_1"));
        assert!(!valid_schema_name(""));
        assert!(!valid_schema_name("1abc"));
        assert!(!valid_schema_name("a; DROP TABLE posts"));
        assert!(!valid_schema_name("Public"));
    }

    #[test]
    fn partition_names_and_ranges_round_trip() -> Result<(), PostgresStoreError> {
        let moment = Utc
            .with_ymd_and_hms(2026, 12, 31, 23, 59, 59)
            .single()
            .ok_or(PostgresStoreError::PublicationTimeOutOfRange)?;
        let name = partition_name(moment)?;
        assert_eq!(name, "posts_y2026m12");
        let (start, end) = partition_range(&name)?;
        assert_eq!(start.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert!(partition_range("posts_2026").is_err());
        Ok(())
    }
}
