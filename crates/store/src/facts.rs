//! The fact primitives the k-gated aggregates are computed from, as traits, so the gating logic
//! in `aggregate.rs` runs unchanged over the embedded store (SQLite + tantivy) and over other
//! backends (PostgreSQL, `peil-store-postgres`): [`AggregateFacts`] for the partitions,
//! [`ReportFacts`] for the rest of the whole report (terms, rising terms, clusters,
//! representativeness).
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

/// The kind of a term of the dictionary (the same codes in every backend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    Word,
    Hashtag,
    Bigram,
}

impl TermKind {
    /// Position in the report's lists (terms, hashtags, word pairs).
    pub(crate) fn list_index(self) -> usize {
        match self {
            TermKind::Word => 0,
            TermKind::Hashtag => 1,
            TermKind::Bigram => 2,
        }
    }
}

/// A term occurrence: (term id, period index, pseudonym prefix, post id).
pub(crate) type Occurrence = (i64, u32, u64, i64);

/// The term occurrences of a scope, before the gate; filled by a backend post by post, readable
/// inside `peil_store` only.
#[derive(Debug, Default)]
pub struct TermScan {
    pub(crate) periods: std::collections::HashMap<String, u32>,
    pub(crate) occurrences: Vec<Occurrence>,
    current_post: Option<(i64, u32, u64)>,
}

impl TermScan {
    /// Starts a post of the scope: its id, key period and author pseudonym (only the first 8
    /// bytes are kept; collisions of 64-bit prefixes could only lower an author count, which
    /// keeps the gate conservative).
    pub fn begin_post(&mut self, post_id: i64, key_period: &str, pseudonym: &[u8]) {
        let period_index = match self.periods.get(key_period) {
            Some(index) => *index,
            None => {
                let index = self.periods.len() as u32;
                self.periods.insert(key_period.to_string(), index);
                index
            }
        };
        let mut prefix = [0u8; 8];
        for (target, source) in prefix.iter_mut().zip(pseudonym.iter()) {
            *target = *source;
        }
        self.current_post = Some((post_id, period_index, u64::from_le_bytes(prefix)));
    }

    /// A term (dictionary id) the current post holds; each term once per post.
    pub fn push_term(&mut self, term_id: i64) {
        if let Some((post_id, period_index, author)) = self.current_post {
            self.occurrences
                .push((term_id, period_index, author, post_id));
        }
    }
}

/// Posts per term id in a scope (the baseline of rising terms), before the gate; readable inside
/// `peil_store` only.
#[derive(Debug, Default)]
pub struct TermPostCounts {
    pub(crate) posts: std::collections::HashMap<i64, u64>,
}

impl TermPostCounts {
    /// One more post holds `term_id`.
    pub fn add(&mut self, term_id: i64) {
        *self.posts.entry(term_id).or_insert(0) += 1;
    }
}

/// A group of posts of a scope and the rest, with author lower bounds (representativeness);
/// filled by a backend, readable inside `peil_store` only.
#[derive(Debug, Clone, Copy, Default)]
pub struct SplitTally {
    pub(crate) group_posts: u64,
    pub(crate) group_authors: u64,
    pub(crate) rest_posts: u64,
    pub(crate) rest_authors: u64,
}

impl SplitTally {
    /// Adds one key period's row: whether these posts are in the group, their posts and their
    /// distinct pseudonyms.
    pub fn add_period_row(&mut self, in_group: bool, posts: u64, authors: u64) {
        if in_group {
            self.group_posts += posts;
            self.group_authors = self.group_authors.max(authors);
        } else {
            self.rest_posts += posts;
            self.rest_authors = self.rest_authors.max(authors);
        }
    }
}

/// Per key period: (heavy authors, heavy posts, other authors, other posts), filled author by
/// author; readable inside `peil_store` only.
#[derive(Debug, Default)]
pub struct ActivityTally {
    pub(crate) periods: BTreeMap<String, [u64; 4]>,
}

impl ActivityTally {
    /// One author (pseudonym per key period) of the scope: their posts and the Unix seconds of
    /// their first and last post in scope.
    pub fn add_author(&mut self, key_period: &str, posts: u64, first: i64, last: i64) {
        let days = ((last.saturating_sub(first)) as f64 / 86_400.0)
            .ceil()
            .max(1.0);
        let heavy = posts as f64
            >= f64::from(crate::representativeness::HIGH_FREQUENCY_POSTS_PER_DAY) * days;
        let counts = self.periods.entry(key_period.to_string()).or_default();
        if heavy {
            counts[0] += 1;
            counts[1] += posts;
        } else {
            counts[2] += 1;
            counts[3] += posts;
        }
    }
}

/// The fact queries behind the rest of a full `AggregateReport` (terms, hashtags, word pairs,
/// rising terms, clusters, representativeness), beside those of [`AggregateFacts`]. Term ids
/// are the backend's dictionary ids: stable while any post holds the term, and a term first seen
/// later gets a larger id than every term of the workspace it then holds (ties in the term lists
/// are ranked by id, and the differencing audit remembers which ids an answer named).
pub trait ReportFacts: AggregateFacts {
    /// Every post of `scope` with the ids of the terms it holds (each once).
    fn term_occurrences(&self, scope: &Self::Scope, scan: &mut TermScan)
        -> Result<(), Self::Error>;

    /// The kind of every term of the workspace's dictionary.
    fn term_kinds(
        &self,
        workspace_id: i64,
    ) -> Result<std::collections::HashMap<i64, TermKind>, Self::Error>;

    /// The text of a term of the workspace's dictionary (only asked for terms that passed the
    /// gate).
    fn term_text(&self, workspace_id: i64, term_id: i64) -> Result<String, Self::Error>;

    /// Posts per term in `scope`.
    fn term_post_counts(
        &self,
        scope: &Self::Scope,
        counts: &mut TermPostCounts,
    ) -> Result<(), Self::Error>;

    /// For each post of `workspace_id` among `sorted_ids` that still exists, in id order, calls
    /// `found(post id, term id)` for each of its terms that is in `term_ids`.
    fn post_terms(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        term_ids: &BTreeSet<i64>,
        found: &mut dyn FnMut(i64, i64),
    ) -> Result<(), Self::Error>;

    /// Reposts against the rest of `scope`, per key period.
    fn repost_split(&self, scope: &Self::Scope, split: &mut SplitTally) -> Result<(), Self::Error>;

    /// Every author (pseudonym per key period) of `scope` with posts, first and last time.
    fn author_activity(
        &self,
        scope: &Self::Scope,
        activity: &mut ActivityTally,
    ) -> Result<(), Self::Error>;

    /// The first and last recorded source hour (Unix seconds) of the workspace, if any.
    fn source_hours_span(&self, workspace_id: i64) -> Result<Option<(i64, i64)>, Self::Error>;

    /// Per source the workspace ever read from: the hours in `[start_hour, end)` with records
    /// read (any order).
    fn source_hours_with_data(
        &self,
        workspace_id: i64,
        start_hour: i64,
        end: i64,
    ) -> Result<Vec<(String, u64)>, Self::Error>;
}
