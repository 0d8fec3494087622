//! Aggregates with the k-anonymity gate (DESIGN.md invariant 5), computed inside the store so no
//! unsuppressed cell can leave it.
//!
//! Method:
//! * A cell (time bucket, sentiment class, language, source, term, hashtag, bigram) is shown only
//!   when it holds posts of at least k distinct authors; otherwise its count is withheld
//!   (`posts: None`, `suppressed: true`) and, for terms, the term itself is not named.
//! * Distinct authors are counted per pseudonym-key period and the **largest** per-period count is
//!   used: pseudonyms of one author differ between periods, so summing would overcount; the maximum
//!   is a lower bound of the true number of distinct authors, which keeps the gate conservative.
//! * If the whole scope has fewer than k authors, every cell and the total are suppressed.
//! * Complementary suppression for partitions (volume, sentiment, language, source): when the
//!   total is shown, the suppressed cells together must also hold at least k distinct authors,
//!   otherwise "total minus visible cells" would reveal them; the smallest visible cells are
//!   suppressed as well until that holds.
//!
//! * Sentiment over time (`sentiment_series`): one cell per (bucket, class), counted with one
//!   GROUP BY over bucket, class and key period. It is shown **whole or not at all**: every cell
//!   is suppressed when any cell with posts holds fewer than k authors, when any volume or
//!   overall sentiment cell is suppressed, or when the differencing audit suppresses any cell of
//!   the series (or of volume or sentiment). Thinning it cell by cell would let "bucket total
//!   minus its visible classes", "class total minus the other buckets' visible cells" and their
//!   differences (a two-way table with both margins shown) single out a suppressed cell; a
//!   fully suppressed series only repeats the volume and sentiment cells already shown, and a
//!   fully shown one has no suppressed cell to reveal. Zero cells are suppressed with the rest.
//!   Shares are of the bucket's shown volume cell.
//!
//! * Windows are snapped outward to the interval grid, and a scope with fewer than k authors (or
//!   a withheld one) lists no bucket, language or source keys at all.
//!
//! * Rising terms, bursts and clusters of co-occurring terms (`signals.rs`) are computed from
//!   the gated candidates: a rising term is a term that passed the gate (and the differencing
//!   term rule) and is named like the top terms; bursts come from hourly cells of at least k
//!   authors; clusters only link terms the report already names, through co-occurrences of at
//!   least k authors. The representativeness block is in `representativeness.rs`.
//!
//! * The whole report is computed once for every backend: `aggregate_report` over the fact
//!   queries of `facts::ReportFacts` (`Store::aggregate` calls it); only the fact queries differ.
//!
//! Differencing across *different* queries (a query and the same query minus a narrow term,
//! overlapping windows, a new total minus the visible cells of an earlier answer) is handled by
//! the query-set audit in `differencing.rs`, which runs here before a report leaves the store:
//! see that module for the method and its residual risks.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use peil_model::{SentimentLabel, Workspace};
use peil_query::Query;
use rusqlite::{params, params_from_iter, types::Value};
use serde::Serialize;

use crate::differencing::{
    self, AuditPosts, Comparison, DifferencingReason, DifferencingRefusal, FactTables, Family,
    Reach, Repair, ShownCells, ShownPartition,
};
use crate::facts::{
    ActivityTally, AggregateFacts, AuditRows, AuthorLowerBound, Dimension, Occurrence, RawCell,
    RawPartition, ReportFacts, SplitTally, StoredAnswer, TermKind, TermPostCounts, TermScan,
};
use crate::posts::{TERM_KIND_BIGRAM, TERM_KIND_HASHTAG};
use crate::representativeness::{self, Representativeness};
use crate::signals::{
    self, Burst, Link, RisingTerm, RisingTerms, RisingUnavailable, Significance, TermCluster,
};
use crate::term_list;
use crate::{Store, StoreError};

/// Width of a volume bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Hour,
    Day,
}

impl Interval {
    pub fn seconds(self) -> i64 {
        match self {
            Interval::Hour => 3_600,
            Interval::Day => 86_400,
        }
    }
}

/// What to aggregate.
pub struct AggregateRequest<'a> {
    /// Restricts the posts to those matching this query; `None` means all posts of the workspace.
    pub query: Option<&'a Query>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub interval: Interval,
    /// How many terms, hashtags and bigrams to list at most.
    pub top: usize,
}

/// One cell of a partition. `posts` is `None` when the cell is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub key: String,
    pub posts: Option<u64>,
    /// Share of all posts in scope, when both this cell and the total are shown.
    pub share: Option<f64>,
    pub suppressed: bool,
}

/// One cell of the sentiment series: the posts of one sentiment class in one time bucket.
/// `posts` is `None` when the cell is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesCell {
    /// Start of the bucket (RFC 3339, UTC), as in `volume`.
    pub bucket: String,
    /// Sentiment class code (`negative`, `neutral`, `positive`).
    pub sentiment: String,
    pub posts: Option<u64>,
    /// Share of the bucket's posts, when both this cell and the bucket's volume cell are shown.
    pub share: Option<f64>,
    pub suppressed: bool,
}

/// A term that passed the k gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermCell {
    pub term: String,
    pub posts: u64,
}

/// Top terms that passed the gate, and how many terms did not (they are never named).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermList {
    pub items: Vec<TermCell>,
    pub suppressed: u64,
}

impl TermList {
    fn empty() -> TermList {
        TermList {
            items: Vec::new(),
            suppressed: 0,
        }
    }
}

/// Totals of the scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub posts: Option<u64>,
    /// A lower bound of the distinct authors (see the module docs), when at least k.
    pub authors_at_least: Option<u64>,
    pub suppressed: bool,
}

/// Every aggregate of one request, already through the k gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateReport {
    pub k: u32,
    pub interval: Interval,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub totals: Totals,
    pub volume: Vec<Cell>,
    pub sentiment: Vec<Cell>,
    pub languages: Vec<Cell>,
    pub sources: Vec<Cell>,
    pub terms: TermList,
    pub hashtags: TermList,
    pub bigrams: TermList,
    /// Sentiment over time: per bucket of `volume` (same order), one cell per sentiment class,
    /// behind the k gate and shown whole or not at all (see the module docs). Empty when the
    /// report shows nothing.
    pub sentiment_series: Vec<SeriesCell>,
    /// How many cells of `sentiment_series` are suppressed (also counted in `suppressed_cells`).
    pub sentiment_series_suppressed: u64,
    /// Number of suppressed cells across the whole report (terms included).
    pub suppressed_cells: u64,
    /// Terms, hashtags and word pairs that rose against the window of equal length before this
    /// one (log-likelihood, see `signals.rs`).
    pub rising: RisingTerms,
    /// Bursts in hourly volume.
    pub bursts: Vec<Burst>,
    /// Groups of named terms that often appear together.
    pub clusters: Vec<TermCluster>,
    /// Reposts, very active authors and data gaps per source; `None` when nothing is shown.
    pub representativeness: Option<Representativeness>,
    /// Set when the whole report is withheld because, compared with an earlier answer of this
    /// workspace, it would single out fewer than k authors (see `differencing.rs`). Every cell is
    /// then suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differencing_refusal: Option<DifferencingRefusal>,
}

/// The SQLite key expression of a partition dimension over `posts p` (keys as in
/// `facts::Dimension`).
impl Dimension {
    fn key_expression(self) -> String {
        match self {
            Dimension::Whole => "''".into(),
            Dimension::Bucket(width) => {
                format!("CAST((p.published_at - (p.published_at % {width})) AS TEXT)")
            }
            Dimension::Sentiment => "p.sentiment".into(),
            Dimension::Language => "p.language".into(),
            Dimension::Source => "p.source".into(),
            Dimension::SeriesCell(width) => format!(
                "(CAST((p.published_at - (p.published_at % {width})) AS TEXT) || ':' || p.sentiment)"
            ),
        }
    }
}

/// The posts a request covers, as a SQL condition on `posts p` plus its parameters.
pub struct Scope {
    pub(crate) condition: String,
    pub(crate) parameters: Vec<Value>,
}

fn fold_periods(rows: Vec<(String, u64, u64)>) -> BTreeMap<String, RawCell> {
    RawPartition::from_period_rows(rows).cells
}

impl Store {
    fn scope(
        &self,
        workspace_id: i64,
        query: Option<&Query>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Scope, StoreError> {
        let mut condition =
            String::from("p.workspace_id = ?1 AND p.published_at >= ?2 AND p.published_at < ?3");
        let parameters = vec![
            Value::Integer(workspace_id),
            Value::Integer(from.map_or(i64::MIN, |start| start.timestamp())),
            Value::Integer(to.map_or(i64::MAX, |end| end.timestamp())),
        ];
        if let Some(query) = query {
            let post_ids = self
                .index
                .search(workspace_id, query.to_tantivy(self.index.schema()))?;
            self.connection.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS scope_ids (id INTEGER PRIMARY KEY);
                 DELETE FROM temp.scope_ids;",
            )?;
            let mut insert = self
                .connection
                .prepare_cached("INSERT INTO temp.scope_ids (id) VALUES (?1)")?;
            for post_id in post_ids {
                insert.execute(params![post_id])?;
            }
            condition.push_str(" AND p.id IN (SELECT id FROM temp.scope_ids)");
        }
        Ok(Scope {
            condition,
            parameters,
        })
    }

    fn partition(
        &self,
        scope: &Scope,
        dimension: Dimension,
    ) -> Result<BTreeMap<String, RawCell>, StoreError> {
        let sql = format!(
            "SELECT {key} AS cell_key, p.key_period, COUNT(*), COUNT(DISTINCT p.author_pseudonym)
             FROM posts p WHERE {condition} GROUP BY cell_key, p.key_period",
            key = dimension.key_expression(),
            condition = scope.condition
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let rows = statement
            .query_map(params_from_iter(scope.parameters.iter()), |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(2)? as u64,
                    row.get::<_, i64>(3)? as u64,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(fold_periods(rows))
    }

    /// Distinct-author lower bound of the posts whose `dimension` key is one of `keys`.
    fn union_authors(
        &self,
        scope: &Scope,
        dimension: Dimension,
        keys: &BTreeSet<String>,
    ) -> Result<u64, StoreError> {
        if keys.is_empty() {
            return Ok(0);
        }
        let first_placeholder = scope.parameters.len() + 1;
        let placeholders: Vec<String> = (0..keys.len())
            .map(|offset| format!("?{}", first_placeholder + offset))
            .collect();
        let sql = format!(
            "SELECT COALESCE(MAX(authors), 0) FROM (
                SELECT COUNT(DISTINCT p.author_pseudonym) AS authors FROM posts p
                WHERE {condition} AND {key} IN ({placeholders}) GROUP BY p.key_period)",
            condition = scope.condition,
            key = dimension.key_expression(),
            placeholders = placeholders.join(", ")
        );
        let mut parameters = scope.parameters.clone();
        parameters.extend(keys.iter().map(|key| Value::Text(key.clone())));
        let authors: i64 =
            self.connection
                .query_row(&sql, params_from_iter(parameters.iter()), |row| row.get(0))?;
        Ok(authors as u64)
    }

    /// The k gate of the sentiment series (text keys `"<seconds>:<class>"`, from one GROUP BY
    /// over bucket, class and key period). The series is shown whole or not at all: every cell
    /// is suppressed when any cell with posts holds fewer than k authors, or any volume or overall
    /// sentiment cell is suppressed (else visible classes would add up to it). See the module
    /// docs for why it is not thinned cell by cell.
    fn gate_series(
        raw: &BTreeMap<String, RawCell>,
        volume_suppressed: &BTreeSet<String>,
        sentiment_suppressed: &BTreeSet<String>,
        k: u64,
    ) -> BTreeSet<String> {
        let any_small = raw
            .values()
            .any(|cell| cell.posts > 0 && cell.authors_lower_bound < k);
        if any_small || !volume_suppressed.is_empty() || !sentiment_suppressed.is_empty() {
            return raw.keys().cloned().collect();
        }
        BTreeSet::new()
    }
}

/// Terms, hashtags and bigrams of the scope that pass the k gate, ranked. One scan of the
/// scope's term occurrences; distinct authors are counted exactly in memory (sort and count),
/// per key period, and the largest per-period count is the term's author lower bound.
fn term_candidates<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    scope: &F::Scope,
    k: u64,
) -> Result<TermCandidates, F::Error> {
    let kinds = facts.term_kinds(workspace_id)?;
    let mut scan = TermScan::default();
    facts.term_occurrences(scope, &mut scan)?;
    let mut occurrences = scan.occurrences;
    occurrences.sort_unstable();
    let mut candidates = TermCandidates {
        ranked: [Vec::new(), Vec::new(), Vec::new()],
        gate_suppressed: [0; 3],
        occurrences: Vec::new(),
        ranges: HashMap::new(),
        rising: [Vec::new(), Vec::new(), Vec::new()],
    };
    let mut group_start = 0;
    while group_start < occurrences.len() {
        let term_id = occurrences[group_start].0;
        let mut group_end = group_start;
        let mut best_authors = 0u64;
        let mut period_authors = 0u64;
        let mut previous: Option<(u32, u64)> = None;
        while group_end < occurrences.len() && occurrences[group_end].0 == term_id {
            let (_, period, author, _) = occurrences[group_end];
            match previous {
                Some((previous_period, previous_author)) if previous_period == period => {
                    if previous_author != author {
                        period_authors += 1;
                    }
                }
                _ => {
                    best_authors = best_authors.max(period_authors);
                    period_authors = 1;
                }
            }
            previous = Some((period, author));
            group_end += 1;
        }
        best_authors = best_authors.max(period_authors);
        let posts = (group_end - group_start) as u64;
        let kind_index = kinds.get(&term_id).map_or(0, |kind| kind.list_index());
        if best_authors < k {
            candidates.gate_suppressed[kind_index] += 1;
        } else {
            candidates.ranked[kind_index].push((posts, term_id));
            candidates.ranges.insert(term_id, (group_start, group_end));
        }
        group_start = group_end;
    }
    for ranked in candidates.ranked.iter_mut() {
        ranked.sort_unstable_by(|left, right| right.0.cmp(&left.0).then(left.1.cmp(&right.1)));
    }
    candidates.occurrences = occurrences;
    Ok(candidates)
}

/// Picks the top terms and the top rising terms of each kind among the candidates that
/// `allowed` accepts (placeholders are never named), and the ids of every named term.
fn select_terms<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    candidates: &TermCandidates,
    top: usize,
    allowed: &mut dyn FnMut(i64, &[Occurrence]) -> bool,
) -> Result<TermSelection, F::Error> {
    let mut lists: [TermList; 3] = [TermList::empty(), TermList::empty(), TermList::empty()];
    let mut list_ids: [Vec<i64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut named: Vec<i64> = Vec::new();
    for (kind_index, ranked) in candidates.ranked.iter().enumerate() {
        let mut items = Vec::with_capacity(top);
        let mut extra_suppressed = 0;
        for (posts, term_id) in ranked.iter() {
            if items.len() >= top {
                break;
            }
            let term = facts.term_text(workspace_id, *term_id)?;
            if peil_model::is_placeholder(&term) {
                extra_suppressed += 1;
                continue;
            }
            if !allowed(*term_id, candidates.occurrences_of(*term_id)) {
                extra_suppressed += 1;
                continue;
            }
            named.push(*term_id);
            if let Some(ids) = list_ids.get_mut(kind_index) {
                ids.push(*term_id);
            }
            items.push(TermCell {
                term,
                posts: *posts,
            });
        }
        lists[kind_index] = TermList {
            items,
            suppressed: candidates.gate_suppressed[kind_index] + extra_suppressed,
        };
    }
    let mut rising: [Vec<RisingTerm>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (kind_index, ranked) in candidates.rising.iter().enumerate() {
        let Some(list) = rising.get_mut(kind_index) else {
            continue;
        };
        for (_, significance, posts, term_id) in ranked.iter() {
            if list.len() >= top {
                break;
            }
            let term = facts.term_text(workspace_id, *term_id)?;
            if peil_model::is_placeholder(&term) {
                continue;
            }
            if !named.contains(term_id) && !allowed(*term_id, candidates.occurrences_of(*term_id)) {
                continue;
            }
            if !named.contains(term_id) {
                named.push(*term_id);
            }
            list.push(RisingTerm {
                term,
                posts: *posts,
                significance: *significance,
            });
        }
    }
    Ok(TermSelection {
        lists,
        list_ids,
        rising,
        named,
    })
}

/// Per term id: posts holding the term in the baseline scope (no gate: these counts only feed
/// the significance test and are never shown). Also the scope's total posts and its author
/// lower bound.
fn baseline_counts<F: ReportFacts + ?Sized>(
    facts: &F,
    scope: &F::Scope,
    k: u64,
) -> Result<Baseline, F::Error> {
    let total = facts
        .partition(scope, Dimension::Whole)?
        .cells
        .remove("")
        .unwrap_or_default();
    let mut counts = TermPostCounts::default();
    facts.term_post_counts(scope, &mut counts)?;
    Ok(Baseline {
        posts: total.posts,
        authors_lower_bound: total.authors_lower_bound,
        term_posts: counts.posts,
        k,
    })
}

/// Hourly counts of the scope for burst detection: cells of fewer than k authors count as 0.
/// Returns the first hour and the series (hours without posts in between are 0).
fn hourly_series<F: AggregateFacts + ?Sized>(
    facts: &F,
    scope: &F::Scope,
    k: u64,
) -> Result<Option<(i64, Vec<u64>)>, F::Error> {
    let raw = facts.partition(scope, Dimension::Bucket(3_600))?.cells;
    let hours = gated_hours(&raw, |_, cell| cell.authors_lower_bound >= k);
    Ok(series_of(&hours))
}

/// Clusters of the named words and hashtags: links of at least k co-occurring authors.
fn term_clusters(
    candidates: &TermCandidates,
    selection: &TermSelection,
    total_posts: u64,
    k: u64,
) -> Vec<TermCluster> {
    // The named words and hashtags with their posts (post id, period, author), most frequent
    // first, at most 24.
    let mut named: Vec<NamedTermPosts> = Vec::new();
    for (kind_index, (list, ids)) in selection
        .lists
        .iter()
        .zip(selection.list_ids.iter())
        .take(2)
        .enumerate()
    {
        let prefix = if kind_index == 1 { "#" } else { "" };
        for (item, term_id) in list.items.iter().zip(ids.iter()) {
            let mut posts: Vec<(i64, u32, u64)> = candidates
                .occurrences_of(*term_id)
                .iter()
                .map(|occurrence| (occurrence.3, occurrence.1, occurrence.2))
                .collect();
            posts.sort_unstable();
            posts.dedup_by_key(|post| post.0);
            named.push((format!("{prefix}{}", item.term), item.posts, posts));
        }
    }
    named.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(&right.0)));
    named.truncate(24);
    let mut links = Vec::new();
    for (left, left_entry) in named.iter().enumerate() {
        for (right, right_entry) in named.iter().enumerate().skip(left + 1) {
            let together = intersect_posts(&left_entry.2, &right_entry.2);
            if together.is_empty() {
                continue;
            }
            let reach = differencing::reach_of_authors(
                together
                    .iter()
                    .map(|(_, period, author)| (*period, *author)),
                k,
            );
            if reach != Reach::Enough {
                continue;
            }
            links.push(Link {
                left,
                right,
                npmi: signals::npmi(
                    left_entry.2.len() as u64,
                    right_entry.2.len() as u64,
                    together.len() as u64,
                    total_posts,
                ),
            });
        }
    }
    signals::cluster(named.len(), &links)
        .into_iter()
        .take(8)
        .map(|group| TermCluster {
            terms: group
                .into_iter()
                .filter_map(|index| named.get(index).map(|entry| entry.0.clone()))
                .collect(),
        })
        .collect()
}

impl Store {
    /// Computes every aggregate of `request` for `workspace`, with the k gate applied and the
    /// differencing audit against earlier answers of the workspace (see `differencing.rs`).
    /// The window is snapped outward to the interval grid; the report carries the snapped window.
    /// An answer that shows anything is remembered for later audits.
    pub fn aggregate(
        &self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<AggregateReport, StoreError> {
        self.aggregate_with(workspace, request, AuditPath::Fast, true)
    }

    /// `aggregate` with a choice of audit implementation (tests compare them) and whether the
    /// answer is remembered.
    fn aggregate_with(
        &self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
        path: AuditPath,
        remember_answer: bool,
    ) -> Result<AggregateReport, StoreError> {
        match path {
            AuditPath::Fast => aggregate_report_with(
                self,
                workspace,
                request,
                remember_answer,
                fast_audit::<Store>,
            ),
            #[cfg(test)]
            AuditPath::Reference => aggregate_report_with(
                self,
                workspace,
                request,
                remember_answer,
                |store, call, suppressions| {
                    store.reference_audit(
                        call.workspace_id,
                        call.k,
                        call.width,
                        call.top,
                        call.remembered,
                        call.scope,
                        call.candidates,
                        suppressions,
                    )
                },
            ),
        }
    }
}

/// What the differencing audit of a new answer is given.
struct AuditCall<'c, F: AggregateFacts + ?Sized> {
    workspace_id: i64,
    k: u64,
    width: i64,
    top: usize,
    remembered: &'c [differencing::RememberedScope],
    #[cfg_attr(not(test), allow(dead_code))]
    scope: &'c F::Scope,
    scope_ids: &'c [i64],
    candidates: &'c TermCandidates,
}

/// An implementation of the differencing audit (the fast one; tests also run the first one).
type AuditFn<F> = fn(
    &F,
    &AuditCall<'_, F>,
    &mut [BTreeSet<String>],
) -> Result<AuditedAnswer, <F as AggregateFacts>::Error>;

/// The full `AggregateReport` of `request` over any backend's facts: the k gate, complementary
/// suppression, the sentiment series, term selection with the term rule of the differencing
/// audit, rising terms, bursts, clusters and representativeness, exactly as `Store::aggregate`
/// (which calls it); the answer is remembered in the backend's audit table.
pub fn aggregate_report<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace: &Workspace,
    request: &AggregateRequest<'_>,
) -> Result<AggregateReport, F::Error> {
    aggregate_report_with(facts, workspace, request, true, fast_audit::<F>)
}

/// `aggregate_report` with a choice of audit implementation and whether the answer is
/// remembered.
fn aggregate_report_with<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace: &Workspace,
    request: &AggregateRequest<'_>,
    remember_answer: bool,
    audit: AuditFn<F>,
) -> Result<AggregateReport, F::Error> {
    let k = u64::from(workspace.k.max(peil_model::MINIMUM_K));
    let width = request.interval.seconds();
    let from = request.from.map(|moment| snap_down(moment, width));
    let to = request.to.map(|moment| snap_up(moment, width));
    // The baseline of the rising-terms test: the window of equal length just before this
    // one. Counted first, because a scope with a query on the embedded store reuses one
    // temporary table.
    let baseline_window = match (from, to) {
        (Some(start), Some(end)) => Some((start - (end - start), start)),
        _ => None,
    };
    let baseline = match baseline_window {
        Some((baseline_from, baseline_to)) => {
            let baseline_scope = facts.scope(
                workspace.id,
                request.query,
                Some(baseline_from),
                Some(baseline_to),
            )?;
            Some(baseline_counts(facts, &baseline_scope, k)?)
        }
        None => None,
    };
    let scope = facts.scope(workspace.id, request.query, from, to)?;
    let total_rows = facts
        .partition(&scope, Dimension::Whole)?
        .cells
        .remove("")
        .unwrap_or_default();
    let scope_visible = total_rows.posts > 0 && total_rows.authors_lower_bound >= k;
    if !scope_visible {
        return Ok(withheld_report(
            k,
            request.interval,
            (from, to),
            total_rows.posts > 0,
            None,
        ));
    }
    let total_posts = total_rows.posts;

    // The k gate per partition, with complementary suppression, and the sentiment series.
    let (raws, mut suppressions, series_keys) =
        gate_partitions(facts, &scope, k, width, total_posts)?;
    let mut candidates = term_candidates(facts, workspace.id, &scope, k)?;
    if let Some(baseline) = &baseline {
        candidates.rank_rising(total_posts, baseline);
    }

    // The differencing audit against the remembered answers.
    let answered_at = Utc::now().timestamp();
    let (remembered, scope_ids) = remembered_and_scope(facts, workspace, &scope, answered_at)?;
    let identical = identical_answer(&remembered, &scope_ids, width);

    let (selection, authors_shown) = match identical {
        Some(earlier) => {
            // Answer exactly as before: same suppression, same named terms.
            for (position, family) in Family::ALL.iter().enumerate() {
                let earlier_suppressed = &earlier.shown.partition(*family).suppressed;
                if let Some(suppressed) = suppressions.get_mut(position) {
                    suppressed.extend(earlier_suppressed.iter().cloned());
                }
            }
            let earlier_terms: BTreeSet<i64> = earlier.shown.terms.iter().copied().collect();
            let selection = select_terms(
                facts,
                workspace.id,
                &candidates,
                request.top,
                &mut |term_id, _| earlier_terms.contains(&term_id),
            )?;
            (selection, earlier.shown.authors_shown)
        }
        None => {
            let call = AuditCall {
                workspace_id: workspace.id,
                k,
                width,
                top: request.top,
                remembered: &remembered,
                scope: &scope,
                scope_ids: &scope_ids,
                candidates: &candidates,
            };
            match audit(facts, &call, &mut suppressions)? {
                AuditedAnswer::Refused(refusal) => {
                    return Ok(withheld_report(
                        k,
                        request.interval,
                        (from, to),
                        true,
                        Some(refusal),
                    ));
                }
                AuditedAnswer::Settled {
                    selection,
                    authors_shown,
                } => (*selection, authors_shown),
            }
        }
    };

    let totals = Totals {
        posts: Some(total_posts),
        authors_at_least: authors_shown.then_some(total_rows.authors_lower_bound),
        suppressed: false,
    };
    let mut shown = ShownCells {
        interval_seconds: width,
        terms: selection.named.clone(),
        authors_shown,
        ..ShownCells::default()
    };
    let FinishedPartitions {
        volume,
        sentiment,
        languages,
        sources,
        sentiment_series,
        sentiment_series_suppressed,
        suppressed_cells,
    } = finish_partitions(
        &raws,
        &mut suppressions,
        &series_keys,
        width,
        total_posts,
        &mut shown,
    );
    let mut suppressed_cells = suppressed_cells;
    // Signals and representativeness, from gated counts only.
    let bursts = match request.interval {
        Interval::Hour => {
            // The volume partition is hourly here: its gated cells (suppressed ones as 0).
            match (raws.first(), suppressions.first()) {
                (Some(raw), Some(suppressed)) => {
                    series_of(&gated_hours(raw, |key, _| !suppressed.contains(key)))
                        .map_or_else(Vec::new, |(first, series)| {
                            signals::detect_bursts(first, &series, true)
                        })
                }
                _ => Vec::new(),
            }
        }
        Interval::Day => hourly_series(facts, &scope, k)?
            .map_or_else(Vec::new, |(first, series)| {
                signals::detect_bursts(first, &series, false)
            }),
    };
    let clusters = term_clusters(&candidates, &selection, total_posts, k);
    let rising = match (baseline_window, &baseline) {
        (Some((baseline_from, baseline_to)), Some(baseline)) => {
            let window = (Some(baseline_from), Some(baseline_to));
            if baseline.posts_if_usable().is_none() {
                RisingTerms::unavailable(window, RisingUnavailable::BaselineTooSmall)
            } else {
                let [rising_terms, rising_hashtags, rising_bigrams] = selection.rising;
                RisingTerms {
                    baseline_from: window.0,
                    baseline_to: window.1,
                    unavailable: None,
                    terms: rising_terms,
                    hashtags: rising_hashtags,
                    bigrams: rising_bigrams,
                }
            }
        }
        _ => RisingTerms::unavailable((None, None), RisingUnavailable::NoWindow),
    };
    let representativeness = representativeness::representativeness(
        facts,
        workspace.id,
        &scope,
        (from, to),
        k,
        Utc::now(),
    )?;
    let [terms, hashtags, bigrams] = selection.lists;
    suppressed_cells += terms.suppressed + hashtags.suppressed + bigrams.suppressed;

    match identical {
        _ if !remember_answer => {}
        Some(earlier) => facts.refresh_answer(workspace.id, earlier.id, answered_at)?,
        None => differencing::remember(facts, workspace.id, answered_at, &scope_ids, &shown)?,
    }

    Ok(AggregateReport {
        k: k as u32,
        interval: request.interval,
        from,
        to,
        totals,
        volume,
        sentiment,
        languages,
        sources,
        sentiment_series,
        sentiment_series_suppressed,
        terms,
        hashtags,
        bigrams,
        rising,
        bursts,
        clusters,
        representativeness: Some(representativeness),
        suppressed_cells,
        differencing_refusal: None,
    })
}

/// The answers of `workspace` remembered within its aggregates' retention before `answered_at`,
/// and the sorted ids of the posts of `scope`: what the differencing audit compares.
fn remembered_and_scope<F: AggregateFacts + ?Sized>(
    facts: &F,
    workspace: &Workspace,
    scope: &F::Scope,
    answered_at: i64,
) -> Result<(Vec<differencing::RememberedScope>, Vec<i64>), F::Error> {
    let not_before =
        answered_at.saturating_sub(i64::from(workspace.retention_days_aggregates) * 86_400);
    let remembered = differencing::load_remembered(facts, workspace.id, not_before)?;
    let scope_ids = facts.scope_post_ids(scope)?;
    Ok((remembered, scope_ids))
}

/// The remembered answer over exactly the same posts and interval, if any (asked again).
fn identical_answer<'r>(
    remembered: &'r [differencing::RememberedScope],
    scope_ids: &[i64],
    width: i64,
) -> Option<&'r differencing::RememberedScope> {
    remembered
        .iter()
        .find(|earlier| earlier.shown.interval_seconds == width && earlier.post_ids == scope_ids)
}

/// Runs the differencing audit against the remembered answers: the scope check, the cell
/// check (growing `suppressions`, text keys per partition in `Family::ALL` order, until no
/// remembered answer can be combined with this one to single out fewer than k authors, or
/// refusing), the author rule and the term rule. The posts are loaded once; each remembered
/// scope is compared once (all four partitions in one pass, on several threads), and a
/// partition of a comparison is checked again only after its suppressed group changed.
fn fast_audit<F: ReportFacts + ?Sized>(
    facts: &F,
    call: &AuditCall<'_, F>,
    suppressions: &mut [BTreeSet<String>],
) -> Result<AuditedAnswer, F::Error> {
    let any_overlap = call
        .remembered
        .iter()
        .any(|earlier| differencing::sorted_intersect(&earlier.post_ids, call.scope_ids));
    if !any_overlap {
        // No remembered scope shares a post with this one: nothing to check against.
        let selection = select_terms(
            facts,
            call.workspace_id,
            call.candidates,
            call.top,
            &mut |_, _| true,
        )?;
        return Ok(AuditedAnswer::Settled {
            selection: Box::new(selection),
            authors_shown: true,
        });
    }
    let mut tables = FactTables::default();
    let audit_posts = AuditPosts::load(
        facts,
        call.workspace_id,
        call.scope_ids,
        call.remembered,
        call.width,
        &mut tables,
    )?;
    let (comparisons, authors_shown) = match audit_cells(
        call.remembered,
        &audit_posts,
        &tables,
        call.width,
        call.k,
        suppressions,
    ) {
        CellAudit::Refused(refusal) => return Ok(AuditedAnswer::Refused(refusal)),
        CellAudit::Settled {
            comparisons,
            authors_shown,
        } => (comparisons, authors_shown),
    };
    let selection = select_terms_audited(facts, call, &comparisons, &audit_posts)?;
    Ok(AuditedAnswer::Settled {
        selection: Box::new(selection),
        authors_shown,
    })
}

/// Term selection with the term rule of the audit: a term named in an earlier overlapping
/// answer is named again only if its posts only in the new scope, and those only in the
/// earlier one, each come from no or at least k authors.
fn select_terms_audited<F: ReportFacts + ?Sized>(
    facts: &F,
    call: &AuditCall<'_, F>,
    comparisons: &[Comparison<'_>],
    audit_posts: &AuditPosts,
) -> Result<TermSelection, F::Error> {
    let k = call.k;
    let candidates = call.candidates;
    let candidate_ids: BTreeSet<i64> = candidates.ranges.keys().copied().collect();
    let mut watched: BTreeSet<i64> = BTreeSet::new();
    for comparison in comparisons {
        watched.extend(
            comparison
                .remembered
                .shown
                .terms
                .iter()
                .copied()
                .filter(|term_id| candidate_ids.contains(term_id)),
        );
    }
    let old_posts_by_term =
        differencing::term_posts_outside(facts, call.workspace_id, audit_posts, &watched)?;
    let mut allowed = |term_id: i64, occurrences: &[Occurrence]| -> bool {
        if !watched.contains(&term_id) {
            return true;
        }
        let occurrence_positions: Vec<Option<usize>> = occurrences
            .iter()
            .map(|occurrence| audit_posts.scope_position(occurrence.3))
            .collect();
        let old_positions = old_posts_by_term
            .get(&term_id)
            .map_or(&[][..], |positions| &positions[..]);
        for comparison in comparisons {
            if !comparison.remembered.shown.terms.contains(&term_id) {
                continue;
            }
            // Period indexes of occurrences and of posts come from different tables; each
            // reach below uses one kind only.
            let only_new = differencing::reach_of_authors(
                occurrences
                    .iter()
                    .zip(occurrence_positions.iter())
                    .filter(|(occurrence, position)| {
                        !comparison.remembered_holds(**position, occurrence.3)
                    })
                    .map(|(occurrence, _)| (occurrence.1, occurrence.2)),
                k,
            );
            let only_old = differencing::reach_of_authors(
                old_positions
                    .iter()
                    .filter(|position| comparison.holds_position(**position))
                    .filter_map(|position| audit_posts.post(*position))
                    .map(|post| post.author),
                k,
            );
            if only_new == Reach::Few || only_old == Reach::Few {
                return false;
            }
        }
        true
    };
    select_terms(facts, call.workspace_id, candidates, call.top, &mut allowed)
}

/// Applies the k gate and complementary suppression to one partition.
fn gate_partition<F: AggregateFacts + ?Sized>(
    facts: &F,
    scope: &F::Scope,
    dimension: Dimension,
    raw: &BTreeMap<String, RawCell>,
    k: u64,
    total_posts: Option<u64>,
) -> Result<BTreeSet<String>, F::Error> {
    let mut suppressed: BTreeSet<String> = raw
        .iter()
        .filter(|(_, cell)| cell.posts > 0 && cell.authors_lower_bound < k)
        .map(|(key, _)| key.clone())
        .collect();
    if total_posts.is_none() || suppressed.is_empty() {
        return Ok(suppressed);
    }
    let mut visible_by_size: Vec<(&String, &RawCell)> = raw
        .iter()
        .filter(|(key, cell)| cell.posts > 0 && !suppressed.contains(*key))
        .collect();
    visible_by_size.sort_by_key(|(key, cell)| (cell.posts, (*key).clone()));
    let mut next_visible = visible_by_size.into_iter();
    while facts.union_authors(scope, dimension, &suppressed)?.0 < k {
        let Some((key, _)) = next_visible.next() else {
            break;
        };
        suppressed.insert(key.clone());
    }
    Ok(suppressed)
}

/// The raw cells and the gated suppressions of the partitions, in `Family::ALL` order (volume,
/// sentiment, languages, sources, sentiment series), and the keys of the series cells.
type GatedPartitions = (
    Vec<BTreeMap<String, RawCell>>,
    Vec<BTreeSet<String>>,
    Vec<String>,
);

/// The k gate per partition (volume with buckets of `width`, sentiment, language, source), with
/// complementary suppression, and the sentiment series gated whole or not at all. Same queries
/// on every backend: one per partition, one per round of complementary suppression.
fn gate_partitions<F: AggregateFacts + ?Sized>(
    facts: &F,
    scope: &F::Scope,
    k: u64,
    width: i64,
    total_posts: u64,
) -> Result<GatedPartitions, F::Error> {
    let dimensions = [
        Dimension::Bucket(width),
        Dimension::Sentiment,
        Dimension::Language,
        Dimension::Source,
    ];
    let mut raws: Vec<BTreeMap<String, RawCell>> = Vec::with_capacity(dimensions.len() + 1);
    let mut suppressions: Vec<BTreeSet<String>> = Vec::with_capacity(dimensions.len() + 1);
    for dimension in dimensions {
        let raw = facts.partition(scope, dimension)?.cells;
        let suppressed = gate_partition(facts, scope, dimension, &raw, k, Some(total_posts))?;
        raws.push(raw);
        suppressions.push(suppressed);
    }
    // The sentiment series (position 4, as in `Family::ALL`): one GROUP BY over bucket,
    // class and key period, shown whole or not at all.
    let series_raw = facts.partition(scope, Dimension::SeriesCell(width))?.cells;
    let series_suppressed = match (suppressions.first(), suppressions.get(1)) {
        (Some(volume_suppressed), Some(sentiment_suppressed)) => {
            Store::gate_series(&series_raw, volume_suppressed, sentiment_suppressed, k)
        }
        _ => series_raw.keys().cloned().collect(),
    };
    let series_keys: Vec<String> = series_raw.keys().cloned().collect();
    raws.push(series_raw);
    suppressions.push(series_suppressed);
    Ok((raws, suppressions, series_keys))
}

/// The finished partitions of a report.
struct FinishedPartitions {
    volume: Vec<Cell>,
    sentiment: Vec<Cell>,
    languages: Vec<Cell>,
    sources: Vec<Cell>,
    sentiment_series: Vec<SeriesCell>,
    sentiment_series_suppressed: u64,
    /// Suppressed cells of these partitions.
    suppressed_cells: u64,
}

/// Builds the cells of the gated partitions (`raws` and `suppressions` in `Family::ALL` order):
/// the series goes whole when any volume, sentiment or series cell is suppressed; empty buckets
/// are filled; bucket keys become RFC 3339. Records what is shown in `shown`.
fn finish_partitions(
    raws: &[BTreeMap<String, RawCell>],
    suppressions: &mut [BTreeSet<String>],
    series_keys: &[String],
    width: i64,
    total_posts: u64,
    shown: &mut ShownCells,
) -> FinishedPartitions {
    // The series stays whole or goes whole: if the audit suppressed any of its cells, or a
    // volume or overall sentiment cell, every series cell is suppressed.
    let series_thinned = suppressions
        .iter()
        .enumerate()
        .any(|(position, suppressed)| matches!(position, 0 | 1 | 4) && !suppressed.is_empty());
    if series_thinned {
        if let Some(series_suppressed) = suppressions.get_mut(4) {
            series_suppressed.extend(series_keys.iter().cloned());
        }
    }
    let mut suppressed_cells = 0u64;
    let mut partitions: Vec<Vec<Cell>> = Vec::with_capacity(4);
    for (position, family) in Family::ALL.iter().enumerate() {
        if *family == Family::SentimentSeries {
            // Built below, per bucket of the finished volume partition.
            continue;
        }
        let (Some(raw), Some(suppressed)) = (raws.get(position), suppressions.get(position)) else {
            continue;
        };
        let expected_keys: Vec<String> = match family {
            Family::Sentiment => SentimentLabel::ALL
                .iter()
                .map(|label| label.code().to_string())
                .collect(),
            _ => Vec::new(),
        };
        let mut cells = build_cells(raw, suppressed, expected_keys, total_posts);
        if *family == Family::Volume {
            fill_empty_buckets(&mut cells, width);
        }
        suppressed_cells += cells.iter().filter(|cell| cell.suppressed).count() as u64;
        let record = ShownPartition {
            visible: cells
                .iter()
                .filter(|cell| !cell.suppressed)
                .map(|cell| cell.key.clone())
                .collect(),
            suppressed: cells
                .iter()
                .filter(|cell| cell.suppressed)
                .map(|cell| cell.key.clone())
                .collect(),
        };
        match family {
            Family::Volume => shown.volume = record,
            Family::Sentiment => shown.sentiment = record,
            Family::Language => shown.languages = record,
            Family::Source => shown.sources = record,
            Family::SentimentSeries => shown.sentiment_series = record,
        }
        partitions.push(cells);
    }
    let mut partitions = partitions.into_iter();
    let mut volume = partitions.next().unwrap_or_default();
    let sentiment = partitions.next().unwrap_or_default();
    let languages = partitions.next().unwrap_or_default();
    let sources = partitions.next().unwrap_or_default();
    let empty_raw = BTreeMap::new();
    let empty_suppressed = BTreeSet::new();
    let (sentiment_series, series_record) = build_series(
        raws.get(4).unwrap_or(&empty_raw),
        suppressions.get(4).unwrap_or(&empty_suppressed),
        &volume,
    );
    let sentiment_series_suppressed = series_record.suppressed.len() as u64;
    suppressed_cells += sentiment_series_suppressed;
    shown.sentiment_series = series_record;
    for cell in &mut volume {
        if let Ok(seconds) = cell.key.parse::<i64>() {
            if let Some(start) = Utc.timestamp_opt(seconds, 0).single() {
                cell.key = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            }
        }
    }
    FinishedPartitions {
        volume,
        sentiment,
        languages,
        sources,
        sentiment_series,
        sentiment_series_suppressed,
        suppressed_cells,
    }
}

/// The embedded store's facts: the SQL of `Store::scope`, `Store::partition` and
/// `Store::union_authors` (tantivy resolves a query to post ids).
impl AggregateFacts for Store {
    type Scope = Scope;
    type Error = StoreError;

    fn scope(
        &self,
        workspace_id: i64,
        query: Option<&Query>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Scope, StoreError> {
        Store::scope(self, workspace_id, query, from, to)
    }

    fn partition(&self, scope: &Scope, dimension: Dimension) -> Result<RawPartition, StoreError> {
        Ok(RawPartition {
            cells: Store::partition(self, scope, dimension)?,
        })
    }

    fn union_authors(
        &self,
        scope: &Scope,
        dimension: Dimension,
        keys: &BTreeSet<String>,
    ) -> Result<AuthorLowerBound, StoreError> {
        Ok(AuthorLowerBound(Store::union_authors(
            self, scope, dimension, keys,
        )?))
    }

    fn scope_post_ids(&self, scope: &Scope) -> Result<Vec<i64>, StoreError> {
        differencing::load_scope_ids(&self.connection, &scope.condition, &scope.parameters)
    }

    fn audit_rows(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        rows: &mut AuditRows<'_>,
    ) -> Result<(), StoreError> {
        differencing::read_rows(&self.connection, workspace_id, sorted_ids, rows)
    }

    fn remembered_answers(
        &self,
        workspace_id: i64,
        not_before: i64,
        limit: usize,
    ) -> Result<Vec<StoredAnswer>, StoreError> {
        differencing::select_remembered(&self.connection, workspace_id, not_before, limit)
    }

    fn remember_answer(
        &self,
        workspace_id: i64,
        answered_at: i64,
        sorted_post_ids: &[i64],
        shown_cells: &str,
        keep: usize,
    ) -> Result<(), StoreError> {
        differencing::insert_answer(
            &self.connection,
            workspace_id,
            answered_at,
            sorted_post_ids,
            shown_cells,
            keep,
        )
    }

    fn refresh_answer(
        &self,
        _workspace_id: i64,
        id: i64,
        answered_at: i64,
    ) -> Result<(), StoreError> {
        differencing::refresh(&self.connection, id, answered_at)
    }
}

/// The embedded store's facts of the rest of a report: the packed term lists of `posts`, the
/// `terms` dictionary (ids follow first appearance; a term no post holds is deleted), reposts,
/// author activity and `source_hours`.
impl ReportFacts for Store {
    fn term_occurrences(&self, scope: &Scope, scan: &mut TermScan) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.term_ids, p.key_period, p.author_pseudonym, p.id
             FROM posts p
             WHERE {condition}",
            condition = scope.condition
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(scope.parameters.iter()))?;
        while let Some(row) = rows.next()? {
            let packed_terms = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            let period_text = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let pseudonym = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
            let post_id: i64 = row.get(3)?;
            scan.begin_post(post_id, period_text, pseudonym);
            term_list::for_each_id(packed_terms, |term_id| scan.push_term(term_id))?;
        }
        Ok(())
    }

    fn term_kinds(&self, workspace_id: i64) -> Result<HashMap<i64, TermKind>, StoreError> {
        let mut select_kinds = self
            .connection
            .prepare_cached("SELECT id, kind FROM terms WHERE workspace_id = ?1")?;
        let pairs = select_kinds
            .query_map(params![workspace_id], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<(i64, i64)>, _>>()?;
        Ok(pairs
            .into_iter()
            .map(|(id, kind)| {
                let kind = match kind {
                    TERM_KIND_HASHTAG => TermKind::Hashtag,
                    TERM_KIND_BIGRAM => TermKind::Bigram,
                    _ => TermKind::Word,
                };
                (id, kind)
            })
            .collect())
    }

    fn term_text(&self, _workspace_id: i64, term_id: i64) -> Result<String, StoreError> {
        let mut select_text = self
            .connection
            .prepare_cached("SELECT text FROM terms WHERE id = ?1")?;
        Ok(select_text.query_row(params![term_id], |row| row.get(0))?)
    }

    fn term_post_counts(
        &self,
        scope: &Scope,
        counts: &mut TermPostCounts,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.term_ids FROM posts p WHERE {condition}",
            condition = scope.condition
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(scope.parameters.iter()))?;
        while let Some(row) = rows.next()? {
            let packed_terms = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
            term_list::for_each_id(packed_terms, |term_id| counts.add(term_id))?;
        }
        Ok(())
    }

    fn post_terms(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        term_ids: &BTreeSet<i64>,
        found: &mut dyn FnMut(i64, i64),
    ) -> Result<(), StoreError> {
        differencing::read_post_terms(&self.connection, workspace_id, sorted_ids, term_ids, found)
    }

    fn repost_split(&self, scope: &Scope, split: &mut SplitTally) -> Result<(), StoreError> {
        self.repost_rows(scope, split)
    }

    fn author_activity(
        &self,
        scope: &Scope,
        activity: &mut ActivityTally,
    ) -> Result<(), StoreError> {
        self.author_activity_rows(scope, activity)
    }

    fn source_hours_span(&self, workspace_id: i64) -> Result<Option<(i64, i64)>, StoreError> {
        self.source_hours_span_of(workspace_id)
    }

    fn source_hours_with_data(
        &self,
        workspace_id: i64,
        start_hour: i64,
        end: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.source_hours_with_data_of(workspace_id, start_hour, end)
    }
}

/// The k-gated partitions of an aggregate: totals, volume, sentiment, languages, sources and
/// sentiment over time (the fields of `AggregateReport` with the same names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartitionReport {
    pub k: u32,
    pub interval: Interval,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub totals: Totals,
    pub volume: Vec<Cell>,
    pub sentiment: Vec<Cell>,
    pub languages: Vec<Cell>,
    pub sources: Vec<Cell>,
    pub sentiment_series: Vec<SeriesCell>,
    pub sentiment_series_suppressed: u64,
    /// Suppressed cells of these partitions (the total included when it is suppressed).
    pub suppressed_cells: u64,
    /// Set when the whole answer is withheld by the differencing audit (as in
    /// `AggregateReport`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differencing_refusal: Option<DifferencingRefusal>,
}

impl AggregateReport {
    /// The partitions part of the report. For a report whose terms are all shown, as
    /// `aggregate_partitions` over the same facts gives it when no earlier answer made the
    /// differencing audit suppress more.
    pub fn partitions(&self) -> PartitionReport {
        let term_suppressed =
            self.terms.suppressed + self.hashtags.suppressed + self.bigrams.suppressed;
        PartitionReport {
            k: self.k,
            interval: self.interval,
            from: self.from,
            to: self.to,
            totals: self.totals.clone(),
            volume: self.volume.clone(),
            sentiment: self.sentiment.clone(),
            languages: self.languages.clone(),
            sources: self.sources.clone(),
            sentiment_series: self.sentiment_series.clone(),
            sentiment_series_suppressed: self.sentiment_series_suppressed,
            suppressed_cells: self.suppressed_cells.saturating_sub(term_suppressed),
            differencing_refusal: self.differencing_refusal.clone(),
        }
    }
}

/// The k-gated partitions of `request` (totals, volume, sentiment, languages, sources, sentiment
/// over time) over any backend's facts: the same gate, complementary suppression, series rule
/// and differencing audit (scope check, cell check and author rule against the workspace's
/// remembered answers, which it then joins) as `Store::aggregate`, with the same window
/// snapping, so both backends give the same answer for the same posts and the same earlier
/// answers. It names no terms, and remembers that it named none.
pub fn aggregate_partitions<F: AggregateFacts + ?Sized>(
    facts: &F,
    workspace: &Workspace,
    request: &AggregateRequest<'_>,
) -> Result<PartitionReport, F::Error> {
    let k = u64::from(workspace.k.max(peil_model::MINIMUM_K));
    let width = request.interval.seconds();
    let from = request.from.map(|moment| snap_down(moment, width));
    let to = request.to.map(|moment| snap_up(moment, width));
    let scope = facts.scope(workspace.id, request.query, from, to)?;
    let total_rows = facts
        .partition(&scope, Dimension::Whole)?
        .cells
        .remove("")
        .unwrap_or_default();
    if total_rows.posts == 0 || total_rows.authors_lower_bound < k {
        let withheld = withheld_report(k, request.interval, (from, to), total_rows.posts > 0, None);
        return Ok(withheld.partitions());
    }
    let total_posts = total_rows.posts;
    let (raws, mut suppressions, series_keys) =
        gate_partitions(facts, &scope, k, width, total_posts)?;

    // The differencing audit against the remembered answers, as in `Store::aggregate`.
    let answered_at = Utc::now().timestamp();
    let (remembered, scope_ids) = remembered_and_scope(facts, workspace, &scope, answered_at)?;
    let identical = identical_answer(&remembered, &scope_ids, width);
    let authors_shown = match identical {
        Some(earlier) => {
            // Answer exactly as before: the same suppression.
            for (position, family) in Family::ALL.iter().enumerate() {
                let earlier_suppressed = &earlier.shown.partition(*family).suppressed;
                if let Some(suppressed) = suppressions.get_mut(position) {
                    suppressed.extend(earlier_suppressed.iter().cloned());
                }
            }
            earlier.shown.authors_shown
        }
        None => {
            let any_overlap = remembered
                .iter()
                .any(|earlier| differencing::sorted_intersect(&earlier.post_ids, &scope_ids));
            if any_overlap {
                let mut tables = FactTables::default();
                let audit_posts = AuditPosts::load(
                    facts,
                    workspace.id,
                    &scope_ids,
                    &remembered,
                    width,
                    &mut tables,
                )?;
                match audit_cells(
                    &remembered,
                    &audit_posts,
                    &tables,
                    width,
                    k,
                    &mut suppressions,
                ) {
                    CellAudit::Refused(refusal) => {
                        let withheld =
                            withheld_report(k, request.interval, (from, to), true, Some(refusal));
                        return Ok(withheld.partitions());
                    }
                    CellAudit::Settled { authors_shown, .. } => authors_shown,
                }
            } else {
                true
            }
        }
    };
    let mut shown = ShownCells {
        interval_seconds: width,
        terms: Vec::new(),
        authors_shown,
        ..ShownCells::default()
    };
    let finished = finish_partitions(
        &raws,
        &mut suppressions,
        &series_keys,
        width,
        total_posts,
        &mut shown,
    );
    match identical {
        Some(earlier) => facts.refresh_answer(workspace.id, earlier.id, answered_at)?,
        None => differencing::remember(facts, workspace.id, answered_at, &scope_ids, &shown)?,
    }
    Ok(PartitionReport {
        k: k as u32,
        interval: request.interval,
        from,
        to,
        totals: Totals {
            posts: Some(total_posts),
            authors_at_least: authors_shown.then_some(total_rows.authors_lower_bound),
            suppressed: false,
        },
        volume: finished.volume,
        sentiment: finished.sentiment,
        languages: finished.languages,
        sources: finished.sources,
        sentiment_series: finished.sentiment_series,
        sentiment_series_suppressed: finished.sentiment_series_suppressed,
        suppressed_cells: finished.suppressed_cells,
        differencing_refusal: None,
    })
}

/// What the cell check of the differencing audit decided.
enum CellAudit<'a> {
    Refused(DifferencingRefusal),
    Settled {
        /// The remembered answers that overlap this one (for the term rule).
        comparisons: Vec<Comparison<'a>>,
        authors_shown: bool,
    },
}

/// The scope check and the cell check of the differencing audit: grows `suppressions` (text keys
/// per partition in `Family::ALL` order) until no remembered answer can be combined with this
/// one to single out fewer than k authors, or refuses. Each remembered scope is compared once
/// (all partitions in one pass), and a partition of a comparison is checked again only after its
/// suppressed group changed.
fn audit_cells<'a>(
    remembered: &'a [differencing::RememberedScope],
    audit_posts: &'a AuditPosts,
    tables: &'a FactTables,
    width: i64,
    k: u64,
    suppressions: &mut [BTreeSet<String>],
) -> CellAudit<'a> {
    let mut comparisons: Vec<Comparison<'_>> = Vec::new();
    for comparison in differencing::compare_all(remembered, audit_posts, width, k, tables) {
        if !comparison.overlaps() {
            continue;
        }
        if !comparison.difference_safe() {
            return CellAudit::Refused(DifferencingRefusal::new(
                DifferencingReason::SmallDifference,
                k,
            ));
        }
        comparisons.push(comparison);
    }
    let refused = || {
        CellAudit::Refused(DifferencingRefusal::new(
            DifferencingReason::CellsWouldSingleOut,
            k,
        ))
    };
    let mut groups: Vec<BTreeSet<i64>> = Family::ALL
        .iter()
        .zip(suppressions.iter())
        .map(|(family, suppressed)| {
            suppressed
                .iter()
                .filter_map(|text| family.key_of_text(text, tables))
                .collect()
        })
        .collect();
    // How often each family's group has grown, and per comparison and family the count at
    // which its check last found nothing: the check depends only on the view (fixed) and
    // the group, so it is not repeated while the group stays the same.
    let mut group_versions = [0u64; 5];
    let mut clean_at: Vec<[Option<u64>; 5]> = vec![[None; 5]; comparisons.len()];
    loop {
        let mut changed = false;
        for (comparison, comparison_clean_at) in comparisons.iter().zip(clean_at.iter_mut()) {
            for (position, view) in comparison.views.iter().enumerate() {
                let (Some(group), Some(version), Some(last_clean)) = (
                    groups.get_mut(position),
                    group_versions.get_mut(position),
                    comparison_clean_at.get_mut(position),
                ) else {
                    continue;
                };
                if *last_clean == Some(*version) {
                    continue;
                }
                loop {
                    let repairs = view.find_repairs(group, k);
                    if repairs.is_empty() {
                        break;
                    }
                    for repair in repairs {
                        let key = match repair {
                            Repair::Suppress(key) => Some(key),
                            Repair::GrowGroup { escape } => view.group_candidate(group, escape),
                            Repair::Refuse => None,
                        };
                        let Some(key) = key else {
                            return refused();
                        };
                        if !group.insert(key) {
                            return refused();
                        }
                        *version += 1;
                    }
                    changed = true;
                }
                *last_clean = Some(*version);
            }
        }
        if !changed {
            break;
        }
    }
    for ((family, group), suppressed) in Family::ALL
        .iter()
        .zip(groups.iter())
        .zip(suppressions.iter_mut())
    {
        for key in group {
            if let Some(text) = family.text_of_key(*key, tables) {
                suppressed.insert(text);
            }
        }
    }
    let authors_shown = comparisons
        .iter()
        .all(|comparison| comparison.authors_comparable);
    CellAudit::Settled {
        comparisons,
        authors_shown,
    }
}

/// Terms that passed the gate, before selection.
struct TermCandidates {
    /// Per kind (word, hashtag, bigram): (posts, term id), largest first.
    ranked: [Vec<(u64, i64)>; 3],
    /// Per kind: terms under k authors.
    gate_suppressed: [u64; 3],
    /// All occurrences of the scope, sorted by term.
    occurrences: Vec<Occurrence>,
    /// Range in `occurrences` of each passing term.
    ranges: HashMap<i64, (usize, usize)>,
    /// Per kind: passing terms that rose significantly against the baseline window, as (G²,
    /// class, posts, term id), largest G² first. Empty without a baseline.
    rising: [Vec<(f64, Significance, u64, i64)>; 3],
}

impl TermCandidates {
    /// Ranks the passing terms by their rise against `baseline` (see `signals.rs`).
    fn rank_rising(&mut self, window_posts: u64, baseline: &Baseline) {
        let Some(baseline_posts) = baseline.posts_if_usable() else {
            return;
        };
        for (kind_index, ranked) in self.ranked.iter().enumerate() {
            let Some(rising) = self.rising.get_mut(kind_index) else {
                continue;
            };
            for (posts, term_id) in ranked {
                let before = baseline.term_posts.get(term_id).copied().unwrap_or(0);
                let g2 =
                    signals::signed_log_likelihood(*posts, window_posts, before, baseline_posts);
                if let Some(significance) = Significance::of(g2) {
                    rising.push((g2, significance, *posts, *term_id));
                }
            }
            rising.sort_by(|left, right| right.0.total_cmp(&left.0).then(left.3.cmp(&right.3)));
        }
    }
}

/// The terms a report names.
struct TermSelection {
    /// Top words, hashtags and word pairs.
    lists: [TermList; 3],
    /// The term ids of `lists`, item by item.
    list_ids: [Vec<i64>; 3],
    /// Rising words, hashtags and word pairs.
    rising: [Vec<RisingTerm>; 3],
    /// Every named term id (remembered for the differencing audit).
    named: Vec<i64>,
}

/// Counts of the baseline window of the rising-terms test.
struct Baseline {
    posts: u64,
    authors_lower_bound: u64,
    term_posts: HashMap<i64, u64>,
    /// k of the workspace.
    k: u64,
}

impl Baseline {
    /// The baseline's post count, when it holds posts of at least k authors.
    fn posts_if_usable(&self) -> Option<u64> {
        (self.posts > 0 && self.authors_lower_bound >= self.k).then_some(self.posts)
    }
}

/// A named term (hashtags with `#`), its posts in scope, and those posts as (post id, period
/// index, pseudonym prefix) sorted by post id.
type NamedTermPosts = (String, u64, Vec<(i64, u32, u64)>);

/// Posts (sorted by id) present in both lists.
fn intersect_posts(left: &[(i64, u32, u64)], right: &[(i64, u32, u64)]) -> Vec<(i64, u32, u64)> {
    let mut together = Vec::new();
    let (mut left_index, mut right_index) = (0, 0);
    while let (Some(left_post), Some(right_post)) = (left.get(left_index), right.get(right_index)) {
        match left_post.0.cmp(&right_post.0) {
            std::cmp::Ordering::Less => left_index += 1,
            std::cmp::Ordering::Greater => right_index += 1,
            std::cmp::Ordering::Equal => {
                together.push(*left_post);
                left_index += 1;
                right_index += 1;
            }
        }
    }
    together
}

/// Hour start → posts of the cells `shown` accepts; the others count as 0.
fn gated_hours(
    raw: &BTreeMap<String, RawCell>,
    shown: impl Fn(&String, &RawCell) -> bool,
) -> BTreeMap<i64, u64> {
    raw.iter()
        .filter_map(|(key, cell)| {
            let start = key.parse::<i64>().ok()?;
            Some((start, if shown(key, cell) { cell.posts } else { 0 }))
        })
        .collect()
}

/// An hourly series from hour start → posts, with the hours in between filled with 0.
fn series_of(hours: &BTreeMap<i64, u64>) -> Option<(i64, Vec<u64>)> {
    let first = *hours.keys().next()?;
    let last = *hours.keys().next_back()?;
    let length = usize::try_from((last - first) / 3_600 + 1).ok()?;
    // A window of more than ten years of hours is not a burst question.
    if length > 24 * 366 * 10 {
        return None;
    }
    let mut series = vec![0u64; length];
    for (start, posts) in hours {
        let index = usize::try_from((start - first) / 3_600).ok()?;
        if let Some(slot) = series.get_mut(index) {
            *slot = *posts;
        }
    }
    Some((first, series))
}

impl TermCandidates {
    fn occurrences_of(&self, term_id: i64) -> &[Occurrence] {
        self.ranges
            .get(&term_id)
            .and_then(|(start, end)| self.occurrences.get(*start..*end))
            .unwrap_or(&[])
    }
}

/// Which implementation of the differencing audit answers.
#[derive(Clone, Copy)]
enum AuditPath {
    Fast,
    /// The first implementation, kept to check that the fast one decides the same.
    #[cfg(test)]
    Reference,
}

/// What the audit decided about a new answer.
enum AuditedAnswer {
    Refused(DifferencingRefusal),
    Settled {
        selection: Box<TermSelection>,
        authors_shown: bool,
    },
}

/// The start of the bucket of `width` seconds that holds `moment`.
fn snap_down(moment: DateTime<Utc>, width: i64) -> DateTime<Utc> {
    let seconds = moment.timestamp();
    let snapped = seconds - seconds.rem_euclid(width);
    Utc.timestamp_opt(snapped, 0).single().unwrap_or(moment)
}

/// The end of the bucket of `width` seconds that holds the instant just before `moment` (so a
/// moment on the grid stays where it is).
fn snap_up(moment: DateTime<Utc>, width: i64) -> DateTime<Utc> {
    let mut seconds = moment.timestamp();
    if moment.timestamp_subsec_nanos() > 0 {
        seconds = seconds.saturating_add(1);
    }
    let remainder = seconds.rem_euclid(width);
    if remainder == 0 {
        return Utc.timestamp_opt(seconds, 0).single().unwrap_or(moment);
    }
    let snapped = seconds.saturating_add(width - remainder);
    Utc.timestamp_opt(snapped, 0).single().unwrap_or(moment)
}

/// The cells of one gated partition, in key order.
fn build_cells(
    raw: &BTreeMap<String, RawCell>,
    suppressed: &BTreeSet<String>,
    expected_keys: Vec<String>,
    total_posts: u64,
) -> Vec<Cell> {
    let mut keys: BTreeSet<String> = raw.keys().cloned().collect();
    keys.extend(expected_keys);
    let mut cells = Vec::with_capacity(keys.len());
    for key in keys {
        let posts = raw.get(&key).map_or(0, |cell| cell.posts);
        let is_suppressed = suppressed.contains(&key);
        let shown_posts = (!is_suppressed).then_some(posts);
        let share = match shown_posts {
            Some(cell_posts) if total_posts > 0 => Some(cell_posts as f64 / total_posts as f64),
            _ => None,
        };
        cells.push(Cell {
            key,
            posts: shown_posts,
            share,
            suppressed: is_suppressed,
        });
    }
    cells
}

/// A report that shows nothing: the scope has fewer than k authors (`has_posts`), is empty, or
/// is withheld by the differencing audit. No bucket, language or source keys are listed, so not
/// even the pattern of non-empty buckets of a small group is revealed.
fn withheld_report(
    k: u64,
    interval: Interval,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    has_posts: bool,
    refusal: Option<DifferencingRefusal>,
) -> AggregateReport {
    let sentiment: Vec<Cell> = SentimentLabel::ALL
        .iter()
        .map(|label| Cell {
            key: label.code().to_string(),
            posts: (!has_posts).then_some(0),
            share: None,
            suppressed: has_posts,
        })
        .collect();
    let suppressed_cells = if has_posts {
        1 + sentiment.len() as u64
    } else {
        0
    };
    AggregateReport {
        k: k as u32,
        interval,
        from: window.0,
        to: window.1,
        totals: Totals {
            posts: None,
            authors_at_least: None,
            suppressed: has_posts,
        },
        volume: Vec::new(),
        sentiment,
        languages: Vec::new(),
        sources: Vec::new(),
        sentiment_series: Vec::new(),
        sentiment_series_suppressed: 0,
        terms: TermList::empty(),
        hashtags: TermList::empty(),
        bigrams: TermList::empty(),
        rising: RisingTerms::unavailable((None, None), RisingUnavailable::BaselineTooSmall),
        bursts: Vec::new(),
        clusters: Vec::new(),
        representativeness: None,
        suppressed_cells,
        differencing_refusal: refusal,
    }
}

/// The sentiment series per bucket of the gated volume partition (keys still in Unix seconds):
/// every class of a bucket, zero cells for classes without posts. The series is shown whole or
/// not at all (`gate_series`): when any key is suppressed, every cell is, zero cells included
/// (two zeros next to a shown bucket would give away the third class). Shares are of the
/// bucket's shown posts. Also what it shows, for the audit.
fn build_series(
    raw: &BTreeMap<String, RawCell>,
    suppressed: &BTreeSet<String>,
    volume: &[Cell],
) -> (Vec<SeriesCell>, ShownPartition) {
    let mut cells = Vec::with_capacity(volume.len() * SentimentLabel::ALL.len());
    let mut record = ShownPartition::default();
    for bucket in volume {
        let Ok(seconds) = bucket.key.parse::<i64>() else {
            continue;
        };
        let bucket_text = Utc.timestamp_opt(seconds, 0).single().map_or_else(
            || bucket.key.clone(),
            |start| start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
        for label in SentimentLabel::ALL {
            let key = differencing::series_text_key(seconds, label.code());
            let is_suppressed = bucket.suppressed || !suppressed.is_empty();
            let posts = (!is_suppressed).then(|| raw.get(&key).map_or(0, |cell| cell.posts));
            let share = match (posts, bucket.posts) {
                (Some(cell_posts), Some(bucket_posts)) if bucket_posts > 0 => {
                    Some(cell_posts as f64 / bucket_posts as f64)
                }
                _ => None,
            };
            if is_suppressed {
                record.suppressed.push(key);
            } else {
                record.visible.push(key);
            }
            cells.push(SeriesCell {
                bucket: bucket_text.clone(),
                sentiment: label.code().to_string(),
                posts,
                share,
                suppressed: is_suppressed,
            });
        }
    }
    (cells, record)
}

/// Adds zero cells for buckets without posts between the first and last bucket, so charts show
/// quiet periods. Zero cells reveal nothing about anyone and are not suppressed.
fn fill_empty_buckets(volume: &mut Vec<Cell>, width: i64) {
    let starts: Vec<i64> = volume
        .iter()
        .filter_map(|cell| cell.key.parse::<i64>().ok())
        .collect();
    let (Some(first), Some(last)) = (starts.iter().min().copied(), starts.iter().max().copied())
    else {
        return;
    };
    let present: BTreeSet<i64> = starts.into_iter().collect();
    let mut bucket = first;
    while bucket < last {
        if !present.contains(&bucket) {
            volume.push(Cell {
                key: bucket.to_string(),
                posts: Some(0),
                share: None,
                suppressed: false,
            });
        }
        bucket += width;
    }
    volume.sort_by_key(|cell| cell.key.parse::<i64>().unwrap_or(i64::MAX));
}

#[cfg(test)]
/// The audit as first written, kept to check that the fast path decides the same.
mod reference_audit {
    use super::*;
    use crate::differencing::reference;

    enum AuditOutcome<'a> {
        Refused(DifferencingRefusal),
        Settled(Vec<reference::Comparison<'a>>),
    }

    impl Store {
        /// The first implementation of the audited part of `aggregate` (after the gate).
        #[allow(clippy::too_many_arguments)]
        pub(super) fn reference_audit(
            &self,
            workspace_id: i64,
            k: u64,
            width: i64,
            top: usize,
            remembered: &[differencing::RememberedScope],
            scope: &Scope,
            candidates: &TermCandidates,
            suppressions: &mut [BTreeSet<String>],
        ) -> Result<AuditedAnswer, StoreError> {
            let mut tables = FactTables::default();
            let facts = reference::load_scope_facts(
                &self.connection,
                &scope.condition,
                &scope.parameters,
                &mut tables,
            )?;
            let audit = self.old_audit(
                workspace_id,
                k,
                width,
                remembered,
                &facts,
                &mut tables,
                suppressions,
            )?;
            let comparisons = match audit {
                AuditOutcome::Refused(refusal) => return Ok(AuditedAnswer::Refused(refusal)),
                AuditOutcome::Settled(comparisons) => comparisons,
            };
            let author_posts = reference::posts_per_author(&facts);
            let authors_shown = comparisons
                .iter()
                .all(|comparison| comparison.author_counts_comparable(&facts, &author_posts, k));
            let selection =
                self.old_select_terms_audited(workspace_id, candidates, top, k, &comparisons)?;
            Ok(AuditedAnswer::Settled {
                selection: Box::new(selection),
                authors_shown,
            })
        }

        /// Runs the scope and cell checks of the differencing audit, growing `suppressions` (text keys
        /// per partition, in `Family::ALL` order) until no remembered answer can be combined with this
        /// one to single out fewer than k authors, or refusing.
        #[allow(clippy::too_many_arguments)]
        fn old_audit<'a>(
            &self,
            workspace_id: i64,
            k: u64,
            width: i64,
            remembered: &'a [differencing::RememberedScope],
            facts: &[differencing::PostFact],
            tables: &mut FactTables,
            suppressions: &mut [BTreeSet<String>],
        ) -> Result<AuditOutcome<'a>, StoreError> {
            let scope_ids: Vec<i64> = facts.iter().map(|fact| fact.id).collect();
            let mut only_remembered_ids: Vec<i64> = Vec::new();
            for earlier in remembered {
                only_remembered_ids
                    .extend(reference::sorted_difference(&earlier.post_ids, &scope_ids));
            }
            only_remembered_ids.sort_unstable();
            only_remembered_ids.dedup();
            let facts_by_id = reference::load_facts_by_id(
                &self.connection,
                workspace_id,
                &only_remembered_ids,
                tables,
            )?;
            let mut comparisons: Vec<reference::Comparison<'a>> = Vec::new();
            for earlier in remembered {
                let comparison = reference::Comparison::new(earlier, facts, &facts_by_id);
                if !comparison.overlaps() {
                    continue;
                }
                let (only_new, only_old) = comparison.difference_authors(facts);
                if !reference::safe(&[&only_new], k) || !reference::safe(&[&only_old], k) {
                    return Ok(AuditOutcome::Refused(DifferencingRefusal::new(
                        DifferencingReason::SmallDifference,
                        k,
                    )));
                }
                comparisons.push(comparison);
            }
            let refused = || {
                Ok(AuditOutcome::Refused(DifferencingRefusal::new(
                    DifferencingReason::CellsWouldSingleOut,
                    k,
                )))
            };
            let mut groups: Vec<BTreeSet<i64>> = Family::ALL
                .iter()
                .zip(suppressions.iter())
                .map(|(family, suppressed)| {
                    suppressed
                        .iter()
                        .filter_map(|text| family.key_of_text(text, tables))
                        .collect()
                })
                .collect();
            loop {
                let mut changed = false;
                for comparison in &comparisons {
                    for (position, family) in Family::ALL.iter().enumerate() {
                        let Some(group) = groups.get_mut(position) else {
                            continue;
                        };
                        let view =
                            reference::FamilyView::new(*family, comparison, facts, width, tables);
                        loop {
                            let repairs = view.find_repairs(group, k);
                            if repairs.is_empty() {
                                break;
                            }
                            for repair in repairs {
                                let key = match repair {
                                    reference::Repair::Suppress(key) => Some(key),
                                    reference::Repair::GrowGroup { escape } => {
                                        view.group_candidate(group, escape)
                                    }
                                    reference::Repair::Refuse => None,
                                };
                                let Some(key) = key else {
                                    return refused();
                                };
                                if !group.insert(key) {
                                    return refused();
                                }
                            }
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            for ((family, group), suppressed) in Family::ALL
                .iter()
                .zip(groups.iter())
                .zip(suppressions.iter_mut())
            {
                for key in group {
                    if let Some(text) = family.text_of_key(*key, tables) {
                        suppressed.insert(text);
                    }
                }
            }
            Ok(AuditOutcome::Settled(comparisons))
        }

        /// Term selection with the term rule of the audit: a term named in an earlier overlapping
        /// answer is named again only if its posts only in the new scope, and those only in the
        /// earlier one, each come from no or at least k authors.
        fn old_select_terms_audited(
            &self,
            workspace_id: i64,
            candidates: &TermCandidates,
            top: usize,
            k: u64,
            comparisons: &[reference::Comparison<'_>],
        ) -> Result<TermSelection, StoreError> {
            let candidate_ids: BTreeSet<i64> = candidates.ranges.keys().copied().collect();
            let mut watched: BTreeSet<i64> = BTreeSet::new();
            let mut only_remembered_ids: Vec<i64> = Vec::new();
            for comparison in comparisons {
                let shared: Vec<i64> = comparison
                    .remembered
                    .shown
                    .terms
                    .iter()
                    .copied()
                    .filter(|term_id| candidate_ids.contains(term_id))
                    .collect();
                if shared.is_empty() {
                    continue;
                }
                watched.extend(shared);
                only_remembered_ids.extend(comparison.only_remembered.iter().map(|fact| fact.id));
            }
            only_remembered_ids.sort_unstable();
            only_remembered_ids.dedup();
            let old_posts_by_term =
                reference::term_posts_among(&self.connection, &only_remembered_ids, &watched)?;
            let mut allowed = |term_id: i64, occurrences: &[Occurrence]| -> bool {
                if !watched.contains(&term_id) {
                    return true;
                }
                for comparison in comparisons {
                    if !comparison.remembered.shown.terms.contains(&term_id) {
                        continue;
                    }
                    // Period indexes of occurrences and of facts come from different tables; each
                    // list below uses one kind only.
                    let only_new: Vec<differencing::Author> = occurrences
                        .iter()
                        .filter(|occurrence| !comparison.remembered_contains(occurrence.3))
                        .map(|occurrence| (occurrence.1, occurrence.2))
                        .collect();
                    let old_posts = old_posts_by_term
                        .get(&term_id)
                        .map_or(&[][..], |posts| &posts[..]);
                    let only_old: Vec<differencing::Author> = comparison
                        .only_remembered
                        .iter()
                        .filter(|fact| old_posts.binary_search(&fact.id).is_ok())
                        .map(|fact| fact.author)
                        .collect();
                    if !reference::safe(&[&only_new], k) || !reference::safe(&[&only_old], k) {
                        return false;
                    }
                }
                true
            };
            select_terms(self, workspace_id, candidates, top, &mut allowed)
        }
    }
}

#[cfg(test)]
/// The fast audit must decide exactly as the first implementation did: both answer every
/// question of random workspaces on the same remembered state, and the reports must be equal
/// (field by field and as JSON).
mod equivalence_tests {
    use super::*;
    use peil_model::{Language, Purpose, StoredPost, WorkspaceDraft, WorkspaceStatus};
    use proptest::prelude::*;

    const WORDS: [&str; 6] = ["afval", "verkeer", "fiets", "groen", "water", "zeldzaam"];
    const LANGUAGES: [Language; 3] = [Language::Nl, Language::En, Language::De];
    const SOURCES: [&str; 3] = ["import", "rss", "mastodon"];
    const PERIODS: [&str; 2] = ["2026-10", "2026-10.r1"];

    #[derive(Clone, Debug)]
    struct RandomPost {
        author: u16,
        period: usize,
        day: u32,
        hour: u32,
        sentiment: usize,
        language: usize,
        source: usize,
        words: Vec<usize>,
    }

    #[derive(Clone, Debug)]
    struct RandomAsk {
        word: Option<usize>,
        exclude: Option<usize>,
        from_day: u32,
        length: u32,
        hourly: bool,
        /// Delete this post (by number) before asking.
        delete_first: Option<usize>,
    }

    fn random_post() -> impl Strategy<Value = RandomPost> {
        (
            0u16..24,
            prop_oneof![4 => Just(0usize), 1 => Just(1usize)],
            1u32..=8,
            0u32..24,
            0usize..3,
            prop_oneof![6 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
            prop_oneof![5 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
            proptest::collection::vec(0usize..6, 1..3),
        )
            .prop_map(
                |(author, period, day, hour, sentiment, language, source, words)| RandomPost {
                    author,
                    period,
                    day,
                    hour,
                    sentiment,
                    language,
                    source,
                    words,
                },
            )
    }

    fn random_ask() -> impl Strategy<Value = RandomAsk> {
        (
            proptest::option::of(0usize..6),
            proptest::option::weighted(0.3, 0usize..6),
            1u32..=8,
            1u32..=8,
            proptest::bool::weighted(0.3),
            proptest::option::weighted(0.15, 0usize..200),
        )
            .prop_map(|(word, exclude, from_day, length, hourly, delete_first)| {
                RandomAsk {
                    word,
                    exclude,
                    from_day,
                    length,
                    hourly,
                    delete_first,
                }
            })
    }

    fn moment(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn source_ref(number: usize) -> [u8; 32] {
        let mut reference = [0u8; 32];
        reference[..8].copy_from_slice(&(number as u64).to_le_bytes());
        reference[31] = 0xe7;
        reference
    }

    fn stored(workspace_id: i64, number: usize, post: &RandomPost) -> StoredPost {
        let mut pseudonym = [0u8; 32];
        pseudonym[..2].copy_from_slice(&post.author.to_le_bytes());
        pseudonym[2] = 0x5a;
        let words: Vec<String> = post.words.iter().map(|word| WORDS[*word].into()).collect();
        StoredPost {
            workspace_id,
            id: 0,
            source: SOURCES[post.source].into(),
            source_ref: source_ref(number),
            published_at: moment(post.day, post.hour),
            language: LANGUAGES[post.language],
            deidentified_text: words.join(" "),
            author_pseudonym: pseudonym,
            key_period: PERIODS[post.period].into(),
            is_reply: false,
            is_repost: false,
            sentiment: SentimentLabel::ALL[post.sentiment],
            sentiment_score: 0.0,
            terms: words,
            hashtags: vec![],
            bigrams: vec![],
            matched_monitor_ids: vec![],
            webcare_reference: None,
        }
    }

    fn run(posts: &[RandomPost], asks: &[RandomAsk]) -> Result<usize, String> {
        let directory = tempfile::tempdir().map_err(|error| error.to_string())?;
        let mut store = Store::open(directory.path()).map_err(|error| error.to_string())?;
        let organisation = store
            .create_organisation("Gemeente Test", "test", "tester")
            .map_err(|error| error.to_string())?;
        let draft = WorkspaceDraft {
            name: "equivalence".into(),
            purpose: Purpose::TrendPolicyAnalysis,
            purpose_text: "test".into(),
            legal_basis: "AVG 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 30,
            retention_days_aggregates: 365,
            k: 5,
            allowed_sources: vec![],
            own_accounts: vec![],
            fg_contact: None,
            ends_at: None,
        };
        let created = store
            .create_workspace(organisation.id, &draft, "test", "tester")
            .map_err(|error| error.to_string())?;
        store
            .set_workspace_status(created.id, WorkspaceStatus::Approved, "test", "tester")
            .map_err(|error| error.to_string())?;
        let workspace = store
            .set_workspace_status(created.id, WorkspaceStatus::Active, "test", "tester")
            .map_err(|error| error.to_string())?;
        let stored_posts: Vec<StoredPost> = posts
            .iter()
            .enumerate()
            .map(|(number, post)| stored(workspace.id, number, post))
            .collect();
        store
            .insert_posts(&stored_posts)
            .map_err(|error| error.to_string())?;
        let mut differing_from_plain_gate = 0;
        for ask in asks {
            if let Some(number) = ask.delete_first.filter(|number| *number < posts.len()) {
                store
                    .delete_post_by_reference(workspace.id, &source_ref(number))
                    .map_err(|error| error.to_string())?;
            }
            let text = match (ask.word, ask.exclude) {
                (None, None) => None,
                (Some(word), None) => Some(WORDS[word].to_string()),
                (Some(word), Some(excluded)) => {
                    Some(format!("{} -{}", WORDS[word], WORDS[excluded]))
                }
                (None, Some(excluded)) => Some(format!("-{}", WORDS[excluded])),
            };
            let query = match text.as_deref().map(peil_query::parse) {
                Some(Ok(query)) => Some(query),
                Some(Err(error)) => return Err(format!("query did not parse: {error}")),
                None => None,
            };
            let request = AggregateRequest {
                query: query.as_ref(),
                from: Some(moment(ask.from_day, 0)),
                to: Some(moment((ask.from_day + ask.length).min(9), 0)),
                interval: if ask.hourly {
                    Interval::Hour
                } else {
                    Interval::Day
                },
                top: 4,
            };
            let reference = store
                .aggregate_with(&workspace, &request, AuditPath::Reference, false)
                .map_err(|error| error.to_string())?;
            let fast = store
                .aggregate_with(&workspace, &request, AuditPath::Fast, true)
                .map_err(|error| error.to_string())?;
            if reference != fast {
                return Err(format!(
                    "reports differ for {ask:?}:\nreference {reference:?}\nfast {fast:?}"
                ));
            }
            let reference_json = serde_json::to_string(&reference).unwrap_or_default();
            let fast_json = serde_json::to_string(&fast).unwrap_or_default();
            if reference_json != fast_json {
                return Err(format!("JSON differs for {ask:?}"));
            }
            if fast.differencing_refusal.is_some() || fast.suppressed_cells > 0 {
                differing_from_plain_gate += 1;
            }
        }
        Ok(differing_from_plain_gate)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        #[test]
        fn fast_audit_answers_exactly_like_the_first_implementation(
            posts in proptest::collection::vec(random_post(), 30..160),
            asks in proptest::collection::vec(random_ask(), 2..9),
        ) {
            let outcome = run(&posts, &asks);
            prop_assert!(outcome.is_ok(), "{:?}", outcome);
        }
    }
}
