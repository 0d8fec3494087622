//! Where the data plane lives: the posts and everything derived from them (terms, rollups,
//! webcare messages), in the embedded store of the data directory or in PostgreSQL.
//!
//! The control plane (catalog, accounts, sessions, OIDC, pseudonym keys, objections, connector
//! state, audit log) always stays in the data directory. With PostgreSQL the bodies of
//! `Service::perform_on_data` get a [`Stores`] view: the control store for keys and catalog, and
//! the data plane for posts. Before a body reads or writes posts, every organisation and
//! workspace of the catalog is registered in PostgreSQL with its current retention, so
//! PostgreSQL's retention always applies the periods the catalog holds.
//!
//! This module must never print, log or put into an error the password of a PostgreSQL URL,
//! never answer a question about posts from the control store when the posts live in
//! PostgreSQL (that answer would be silently empty), and never hand out either store.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use peil_model::Workspace;
use peil_pipeline::{PipelineError, PostSink};
use peil_store::{
    AggregateReport, AggregateRequest, BatchOutcome, ErasureReport, RetentionReport, Store,
    StoredPost, SubjectHolding, WebcarePage, WebcareStatus, WorkspaceErasure,
};
use peil_store_postgres::{PostgresStore, PostgresStoreError, WorkspaceRegistration};
use serde::Serialize;

use crate::ServiceError;

/// Where the service keeps its data plane.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// SQLite + tantivy in the data directory, with the control plane (the default).
    Embedded,
    /// PostgreSQL at `url` (`postgres://…` or `postgresql://…`).
    Postgres { url: String },
}

impl std::fmt::Debug for StoreLocation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.redacted())
    }
}

impl StoreLocation {
    /// Reads `--store`: `embedded`, or a `postgres://` / `postgresql://` URL.
    pub fn parse(text: &str) -> Result<StoreLocation, ServiceError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "embedded" {
            return Ok(StoreLocation::Embedded);
        }
        if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            return Ok(StoreLocation::Postgres {
                url: trimmed.to_string(),
            });
        }
        Err(ServiceError::InvalidInput(
            "onbekende --store: gebruik `embedded` of een postgres://-URL / unknown --store: use `embedded` or a postgres:// URL"
                .to_string(),
        ))
    }

    /// The location for output: the URL without its password (`postgres://peil:***@host/db`).
    pub fn redacted(&self) -> String {
        match self {
            StoreLocation::Embedded => "embedded".to_string(),
            StoreLocation::Postgres { url } => redact_url(url),
        }
    }
}

/// `url` with the password (between `user:` and `@` of the authority) replaced by `***`, and
/// any `password=` parameter dropped.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(position) => rest.split_at(position),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{credentials}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.to_ascii_lowercase().starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The file in the data directory whose exclusive lock a retention run on PostgreSQL holds.
const RETENTION_LOCK_FILE: &str = "retention.lock";

/// What `peil store check` shows of the data plane on PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataPlaneCheck {
    /// The URL without its password.
    pub location: String,
    /// The migration versions applied to the PostgreSQL schema.
    pub schema_versions: Vec<i32>,
    /// Stored posts per workspace (id, name, posts).
    pub workspaces: Vec<(i64, String, u64)>,
    pub posts: u64,
}

/// The stores a body of `Service::perform_on_data` works on: the control plane and, with
/// PostgreSQL, the data plane. Without PostgreSQL both are the embedded store.
pub(crate) struct Stores<'a> {
    pub(crate) control: &'a mut Store,
    postgres: Option<&'a mut PostgresStore>,
}

impl<'a> Stores<'a> {
    pub(crate) fn new(control: &'a mut Store, postgres: Option<&'a mut PostgresStore>) -> Self {
        Stores { control, postgres }
    }

    /// Registers every organisation and workspace of the catalog (with its current retention)
    /// in PostgreSQL; a no-op on the embedded store.
    pub(crate) fn register_catalog(&mut self) -> Result<(), ServiceError> {
        let Some(postgres) = self.postgres.as_deref_mut() else {
            return Ok(());
        };
        let mut registered_organisations = BTreeSet::new();
        for (organisation_name, workspace) in self.control.workspaces()? {
            if registered_organisations.insert(workspace.organisation_id) {
                postgres.register_organisation(workspace.organisation_id, &organisation_name)?;
            }
            postgres.register_workspace(&registration_of(&workspace))?;
        }
        Ok(())
    }

    /// Runs `ingest` with the control store (keys, monitors) and, with PostgreSQL, the sink the
    /// pipeline writes posts to (`None`: the posts go into the control store, embedded).
    pub(crate) fn ingest<T>(
        &mut self,
        ingest: impl FnOnce(&mut Store, Option<&mut dyn PostSink>) -> T,
    ) -> T {
        match self.postgres.as_deref_mut() {
            Some(postgres) => {
                let mut sink = PostgresSink(postgres);
                ingest(self.control, Some(&mut sink))
            }
            None => ingest(self.control, None),
        }
    }

    /// Number of stored posts of a workspace.
    pub(crate) fn post_count(&mut self, workspace_id: i64) -> Result<u64, ServiceError> {
        match self.postgres.as_deref_mut() {
            Some(postgres) => Ok(postgres.post_count(workspace_id)?),
            None => Ok(self.control.post_count(workspace_id)?),
        }
    }

    /// The k-gated report of `request`.
    pub(crate) fn aggregate(
        &mut self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<AggregateReport, ServiceError> {
        match self.postgres.as_deref_mut() {
            Some(postgres) => Ok(postgres.aggregate(workspace, request)?),
            None => Ok(self.control.aggregate(workspace, request)?),
        }
    }

    /// A page of a webcare inbox.
    pub(crate) fn webcare_messages(
        &mut self,
        workspace_id: i64,
        limit: usize,
        offset: usize,
    ) -> Result<WebcarePage, ServiceError> {
        match self.postgres.as_deref_mut() {
            Some(postgres) => Ok(postgres.webcare_messages(workspace_id, limit, offset)?),
            None => Ok(self.control.webcare_messages(workspace_id, limit, offset)?),
        }
    }

    /// Marks a webcare message.
    pub(crate) fn set_webcare_status(
        &mut self,
        workspace_id: i64,
        message_id: i64,
        status: WebcareStatus,
        at: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        match self.postgres.as_deref_mut() {
            Some(postgres) => {
                match postgres.set_webcare_status(workspace_id, message_id, status, at) {
                    Ok(()) => Ok(()),
                    // As the embedded store answers it: not found, naming the id asked for.
                    Err(PostgresStoreError::WebcareMessageNotFound) => {
                        Err(ServiceError::NotFound {
                            what: "webcare message",
                            name: message_id.to_string(),
                        })
                    }
                    Err(other) => Err(other.into()),
                }
            }
            None => Ok(self
                .control
                .set_webcare_status(workspace_id, message_id, status, at)?),
        }
    }

    /// How many posts every workspace of `organisation_id` holds of the given authors: on
    /// PostgreSQL the pseudonyms are computed with the control plane's live keys, as
    /// `Store::pseudonyms_of` does, and only they travel to PostgreSQL.
    pub(crate) fn subject_post_counts(
        &mut self,
        organisation_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<Vec<SubjectHolding>, ServiceError> {
        let Some(postgres) = self.postgres.as_deref_mut() else {
            return Ok(self.control.subject_post_counts_in_organisation(
                organisation_id,
                platform,
                author_ids,
            )?);
        };
        let mut holdings = Vec::new();
        for (_, workspace) in self.control.workspaces()? {
            if workspace.organisation_id != organisation_id {
                continue;
            }
            let live_keys_searched = self.control.keys().keys_of(workspace.id)?.len() as u64;
            let pseudonyms = pseudonyms_only(self.control.pseudonyms_of(
                workspace.id,
                platform,
                author_ids,
            )?);
            let posts = if pseudonyms.is_empty() {
                0
            } else {
                postgres.posts_of_pseudonyms(workspace.id, &pseudonyms)?
            };
            holdings.push(SubjectHolding {
                organisation_id: workspace.organisation_id,
                workspace_id: workspace.id,
                workspace_name: workspace.name,
                posts,
                live_keys_searched,
            });
        }
        Ok(holdings)
    }

    /// Erases every post of the given authors in every workspace of `organisation_id`.
    pub(crate) fn erase_subject(
        &mut self,
        organisation_id: i64,
        platform: &str,
        author_ids: &[String],
    ) -> Result<ErasureReport, ServiceError> {
        let Some(postgres) = self.postgres.as_deref_mut() else {
            return Ok(self
                .control
                .erase_subject(organisation_id, platform, author_ids)?);
        };
        let mut report = ErasureReport {
            organisation_id,
            workspaces: Vec::new(),
            posts_deleted: 0,
            terms_deleted: 0,
            index_segments_merged: 0,
            index_files_removed: 0,
        };
        for (_, workspace) in self.control.workspaces()? {
            if workspace.organisation_id != organisation_id {
                continue;
            }
            let pseudonyms = pseudonyms_only(self.control.pseudonyms_of(
                workspace.id,
                platform,
                author_ids,
            )?);
            let posts_deleted = if pseudonyms.is_empty() {
                0
            } else {
                postgres
                    .erase_posts_of_pseudonyms(workspace.id, &pseudonyms)?
                    .posts
            };
            report.posts_deleted += posts_deleted;
            report.workspaces.push(WorkspaceErasure {
                workspace_id: workspace.id,
                workspace_name: workspace.name,
                posts_deleted,
                terms_deleted: 0,
            });
        }
        Ok(report)
    }

    /// Applies retention as of `as_of`: on PostgreSQL its own run (under its advisory lock, one
    /// process at a time) deletes the expired posts and the expired answered scopes of the
    /// aggregates on PostgreSQL first, then the control plane destroys the expired keys and
    /// forgets its own expired answered scopes; the report counts both.
    pub(crate) fn run_retention(
        &mut self,
        as_of: DateTime<Utc>,
    ) -> Result<RetentionReport, ServiceError> {
        let Some(postgres) = self.postgres.as_deref_mut() else {
            return Ok(self.control.run_retention(as_of)?);
        };
        // One run at a time over every process of this data directory (PostgreSQL's advisory
        // lock covers its own part across hosts; the control plane lives on this host).
        let lock_path = self.control.data_dir().join(RETENTION_LOCK_FILE);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .and_then(|file| file.lock().map(|()| file))
            .map_err(|source| {
                ServiceError::Store(peil_store::StoreError::Io {
                    path: lock_path.clone(),
                    source,
                })
            })?;
        let data_plane = postgres.run_retention(as_of)?;
        let report = self.control.run_retention(as_of);
        drop(lock);
        let mut report = report?;
        report.posts_deleted += data_plane.posts_deleted;
        report.scopes_deleted += data_plane.answered_scopes_deleted;
        for workspace in &mut report.workspaces {
            if let Some(deleted) = data_plane
                .posts_deleted_per_workspace
                .get(&workspace.workspace_id)
            {
                workspace.posts_deleted += deleted;
            }
            if let Some(deleted) = data_plane
                .answered_scopes_deleted_per_workspace
                .get(&workspace.workspace_id)
            {
                workspace.scopes_deleted += deleted;
            }
        }
        Ok(report)
    }

    /// The data plane's check on PostgreSQL (`None` on the embedded store).
    pub(crate) fn check(&mut self, location: &str) -> Result<Option<DataPlaneCheck>, ServiceError> {
        let Some(postgres) = self.postgres.as_deref_mut() else {
            return Ok(None);
        };
        let schema_versions = postgres.migration_versions()?;
        let mut workspaces = Vec::new();
        let mut posts = 0;
        for (_, workspace) in self.control.workspaces()? {
            let count = postgres.post_count(workspace.id)?;
            posts += count;
            workspaces.push((workspace.id, workspace.name, count));
        }
        Ok(Some(DataPlaneCheck {
            location: location.to_string(),
            schema_versions,
            workspaces,
            posts,
        }))
    }
}

fn pseudonyms_only(labelled: Vec<(String, [u8; 32])>) -> Vec<[u8; 32]> {
    let distinct: BTreeSet<[u8; 32]> = labelled
        .into_iter()
        .map(|(_, pseudonym)| pseudonym)
        .collect();
    distinct.into_iter().collect()
}

fn registration_of(workspace: &Workspace) -> WorkspaceRegistration {
    WorkspaceRegistration {
        workspace_id: workspace.id,
        organisation_id: workspace.organisation_id,
        name: workspace.name.clone(),
        retention_days_posts: workspace.retention_days_posts,
        retention_days_aggregates: workspace.retention_days_aggregates,
    }
}

fn data_plane_error(error: PostgresStoreError) -> PipelineError {
    PipelineError::DataPlane(Box::new(error))
}

/// The pipeline's sink on PostgreSQL.
struct PostgresSink<'s>(&'s mut PostgresStore);

impl PostSink for PostgresSink<'_> {
    fn write_posts(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, PipelineError> {
        self.0.store_batch(posts).map_err(data_plane_error)
    }

    fn delete_at_source(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, PipelineError> {
        self.0
            .delete_post_by_reference(workspace_id, source_ref)
            .map_err(data_plane_error)
    }

    fn write_source_hours(
        &mut self,
        workspace_ids: &[i64],
        hours: &BTreeMap<(String, i64), u64>,
    ) -> Result<(), PipelineError> {
        self.0
            .record_source_hours(workspace_ids, hours)
            .map_err(data_plane_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_of_a_url_is_never_shown() {
        assert_eq!(
            redact_url("postgres://peil:geheim@db.example:5432/peil?sslmode=disable"),
            "postgres://peil:***@db.example:5432/peil?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgresql://peil@127.0.0.1/peil?password=geheim&application_name=x"),
            "postgresql://peil@127.0.0.1/peil?application_name=x"
        );
        let location = StoreLocation::parse("postgres://a:geheim@h/d").ok();
        assert!(!format!("{location:?}").contains("geheim"));
    }

    #[test]
    fn store_locations_parse() {
        assert_eq!(
            StoreLocation::parse("embedded").ok(),
            Some(StoreLocation::Embedded)
        );
        assert!(StoreLocation::parse("mysql://x").is_err());
    }
}
