//! The fact primitives the k-gated aggregates are computed from, as a trait, so the gating logic
//! in `aggregate.rs` runs unchanged over the embedded store (SQLite + tantivy) and over other
//! backends (PostgreSQL, `peil-store-postgres`).
//!
//! A backend resolves a request to an opaque scope and answers, per partition dimension, how
//! many posts and how many distinct authors (per pseudonym-key period) each cell holds. These
//! facts are **ungated**: they must never leave `peil_store`. Outside this crate they are opaque —
//! a backend can build a [`RawPartition`] or an [`AuthorLowerBound`] but nothing outside this
//! crate can read one back — so the only way out is through the k gate (DESIGN.md invariant 5).
//! A backend must never answer a construct of a query it cannot evaluate exactly with a
//! different set of posts: it refuses it with an error instead.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use peil_query::Query;

pub use crate::differencing::AuditRows;

/// A partition dimension. Its cell keys are text, the same in every backend:
/// * `Whole`: one cell, key `""`;
/// * `Bucket(width)`: the bucket start in Unix seconds, `published - published % width`, decimal;
/// * `Sentiment`, `Language`: the class or language code; `Source`: the source name;
/// * `SeriesCell(width)`: `"<bucket start seconds>:<sentiment code>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The whole scope as one cell (key `''`).
    Whole,
    Bucket(i64),
    Sentiment,
    Language,
    Source,
    /// One cell per (bucket of this width, sentiment class), text key `"<seconds>:<class>"`.
    SeriesCell(i64),
}

/// Counts of one cell before the gate.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RawCell {
    pub(crate) posts: u64,
    pub(crate) authors_lower_bound: u64,
}

/// The ungated cells of one partition; readable inside `peil_store` only.
#[derive(Debug, Clone, Default)]
pub struct RawPartition {
    pub(crate) cells: BTreeMap<String, RawCell>,
}

impl RawPartition {
    /// Folds rows of (cell key, key period, posts, distinct authors in that period): posts add
    /// up, and the author lower bound of a cell is its largest per-period count (pseudonyms of one
    /// author differ between periods, so summing would overcount).
    pub fn from_period_rows(rows: impl IntoIterator<Item = (String, u64, u64)>) -> RawPartition {
        let mut cells: BTreeMap<String, RawCell> = BTreeMap::new();
        for (key, posts, authors) in rows {
            let cell = cells.entry(key).or_default();
            cell.posts += posts;
            cell.authors_lower_bound = cell.authors_lower_bound.max(authors);
        }
        RawPartition { cells }
    }
}

/// A distinct-author lower bound (the largest per-period count); readable inside `peil_store`
/// only.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthorLowerBound(pub(crate) u64);

impl AuthorLowerBound {
    /// The largest of the per-period distinct-author counts (0 when there are none).
    pub fn from_period_counts(counts: impl IntoIterator<Item = u64>) -> AuthorLowerBound {
        AuthorLowerBound(counts.into_iter().max().unwrap_or(0))
    }
}

/// A remembered answer of the differencing audit as a backend stores it: its id, the ids of the
/// posts it covered, and what it showed (cell keys and term ids as JSON, no counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub id: i64,
    pub post_ids: Vec<i64>,
    pub shown_cells: String,
}

/// The fact queries behind the k-gated partitions of an aggregate (totals, volume, sentiment,
/// languages, sources, sentiment over time). Implemented by the embedded `Store` and by
/// `PostgresStore`.
pub trait AggregateFacts {
    /// The posts a request covers, in the backend's own form.
    type Scope;
    /// The backend's error; the shared gate logic reports its own failures (e.g. an answer that
    /// cannot be serialised for the differencing audit) as a `StoreError` converted into it.
    type Error: From<crate::StoreError>;

    /// The posts of `workspace_id` published in `[from, to)` (unbounded where `None`) that match
    /// `query` (all posts where `None`). A backend that cannot evaluate a construct of `query`
    /// exactly must return an error, never a different set of posts.
    fn scope(
        &self,
        workspace_id: i64,
        query: Option<&Query>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Self::Scope, Self::Error>;

    /// Posts and distinct authors of every non-empty cell of `dimension` in `scope`.
    fn partition(
        &self,
        scope: &Self::Scope,
        dimension: Dimension,
    ) -> Result<RawPartition, Self::Error>;

    /// Distinct-author lower bound of the posts of `scope` whose `dimension` key is in `keys`
    /// (0 when `keys` is empty).
    fn union_authors(
        &self,
        scope: &Self::Scope,
        dimension: Dimension,
        keys: &BTreeSet<String>,
    ) -> Result<AuthorLowerBound, Self::Error>;

    /// The ids of the posts of `scope`, sorted ascending, without repeats.
    fn scope_post_ids(&self, scope: &Self::Scope) -> Result<Vec<i64>, Self::Error>;

    /// Pushes the posts of `workspace_id` among `sorted_ids` that still exist into `rows`, in
    /// id order (for the differencing audit).
    fn audit_rows(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        rows: &mut AuditRows<'_>,
    ) -> Result<(), Self::Error>;

    /// The remembered answers of `workspace_id` answered at or after `not_before` (Unix
    /// seconds), newest first (ties: highest id first), at most `limit`.
    fn remembered_answers(
        &self,
        workspace_id: i64,
        not_before: i64,
        limit: usize,
    ) -> Result<Vec<StoredAnswer>, Self::Error>;

    /// Remembers an answer; then keeps only the newest `keep` answers of the workspace.
    fn remember_answer(
        &self,
        workspace_id: i64,
        answered_at: i64,
        sorted_post_ids: &[i64],
        shown_cells: &str,
        keep: usize,
    ) -> Result<(), Self::Error>;

    /// Marks the remembered answer `id` as answered again at `answered_at` (never earlier).
    fn refresh_answer(
        &self,
        workspace_id: i64,
        id: i64,
        answered_at: i64,
    ) -> Result<(), Self::Error>;
}
