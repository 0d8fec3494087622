//! Peil's embedded store: the last step of the ingest path and the first of the request path.
//!
//! * SQLite (WAL, `secure_delete=ON`, versioned migrations) holds organisations, workspaces,
//!   monitors, change notes and the de-identified posts with their terms.
//! * tantivy holds the full-text index of the same posts; SQLite is the source of truth and the
//!   index is reconciled with it every time the store opens, so the two never disagree after a
//!   crash.
//! * A separate key store holds the pseudonym keys per workspace and period, apart from the data.
//! * The k gate lives here: aggregates leave this crate only with every cell of fewer than k
//!   distinct authors suppressed.
//!
//! This crate must never store raw text or raw ids (it only accepts already de-identified posts
//! and pseudonyms), never return pseudonyms, and never return an aggregate cell that has not
//! passed the k gate.

mod accounts;
mod aggregate;
mod backend;
mod catalog;
mod connectors;
mod differencing;
mod error;
mod facts;
mod index;
mod keys;
mod migrations;
mod oidc;
mod posts;
mod representativeness;
mod retention;
mod signals;
mod subjects;
mod term_list;
mod webcare;

use std::fs::{self, DirBuilder};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub use accounts::{ApiTokenRecord, Credentials, SessionRecord};
pub use aggregate::{
    aggregate_partitions, aggregate_report, AggregateReport, AggregateRequest, Cell, Interval,
    PartitionReport, SeriesCell, TermCell, TermList, Totals,
};
pub use backend::{hour_bucket_start, PostBackend, SECONDS_PER_HOUR};
pub use connectors::{ConnectorProgress, ConnectorState};
pub use differencing::{DifferencingReason, DifferencingRefusal, REMEMBERED_SCOPES_PER_WORKSPACE};
pub use error::StoreError;
pub use facts::{
    ActivityTally, AggregateFacts, AuditRows, AuthorLowerBound, Dimension, RawPartition,
    ReportFacts, SplitTally, StoredAnswer, TermKind, TermPostCounts, TermScan,
};
pub use keys::{period_label, KeyInfo, KeyStore};
pub use oidc::{OidcClientAuthentication, OidcProviderRecord};
pub use peil_model::StoredPost;
pub use posts::BatchOutcome;
pub use representativeness::{
    GatedShare, Representativeness, SourceCoverage, HIGH_FREQUENCY_POSTS_PER_DAY,
};
pub use retention::{RetentionReport, WorkspaceRetention};
pub use signals::{Burst, RisingTerm, RisingTerms, RisingUnavailable, Significance, TermCluster};
pub use subjects::{ErasureReport, ObjectionMatcher, SubjectHolding, WorkspaceErasure};
pub use webcare::{UnknownWebcareStatus, WebcareMessage, WebcarePage, WebcareStatus};

use index::PostIndex;
use rusqlite::Connection;

/// File name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "peil.sqlite";
/// Folder of the tantivy index inside the data directory.
pub const INDEX_DIR: &str = "index";
/// Folder of the key store inside the data directory.
pub const KEYS_DIR: &str = "keys";

/// An open embedded store in one data directory.
pub struct Store {
    data_dir: PathBuf,
    connection: Connection,
    index: PostIndex,
    keys: KeyStore,
    /// Cache of term ids by (workspace, kind, text).
    term_ids: posts::TermCache,
    /// What the reconciliation at open had to repair: (indexed, removed).
    reconciled_on_open: (u64, u64),
}

/// The result of `Store::check`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoreCheck {
    pub posts_in_database: u64,
    pub posts_in_index: u64,
    /// Posts the index lacked when the store opened (a crash between the two commits).
    pub reindexed_on_open: u64,
    /// Index entries without a row when the store opened.
    pub removed_from_index_on_open: u64,
    /// Whether database and index hold exactly the same posts now.
    pub consistent: bool,
    /// The answer of SQLite's `PRAGMA integrity_check` (`ok` when healthy).
    pub integrity: String,
}

/// Creates `path` (and parents) readable by the owner only.
pub fn create_private_dir(path: &Path) -> Result<(), StoreError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

impl Store {
    /// Opens (creating on first use) the store in `data_dir`: migrates the database, asserts
    /// `secure_delete`, opens the key store and the index, and reconciles the index with the
    /// database.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with_key_dir(data_dir, None)
    }

    /// Like `open`, with the key store in `key_dir` (e.g. on another volume) instead of
    /// `<data_dir>/keys`.
    pub fn open_with_key_dir(data_dir: &Path, key_dir: Option<&Path>) -> Result<Store, StoreError> {
        create_private_dir(data_dir)?;
        let database_path = data_dir.join(DATABASE_FILE);
        let connection = migrations::open_database(&database_path)?;
        let default_key_dir = data_dir.join(KEYS_DIR);
        let keys = KeyStore::open(key_dir.unwrap_or(&default_key_dir))?;
        let index = PostIndex::open(&data_dir.join(INDEX_DIR))?;
        let mut store = Store {
            data_dir: data_dir.to_path_buf(),
            connection,
            index,
            keys,
            term_ids: posts::TermCache::default(),
            reconciled_on_open: (0, 0),
        };
        store.reconciled_on_open = store.reconcile_index()?;
        Ok(store)
    }

    /// Checks the store: SQLite integrity and agreement of database and index.
    pub fn check(&self) -> Result<StoreCheck, StoreError> {
        let integrity: String = self
            .connection
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        let (database_ids, index_ids) = self.post_ids()?;
        Ok(StoreCheck {
            posts_in_database: database_ids.len() as u64,
            posts_in_index: index_ids.len() as u64,
            reindexed_on_open: self.reconciled_on_open.0,
            removed_from_index_on_open: self.reconciled_on_open.1,
            consistent: database_ids == index_ids,
            integrity,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn keys(&mut self) -> &mut KeyStore {
        &mut self.keys
    }
}
