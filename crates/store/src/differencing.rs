//! Protection of the k gate against differencing across queries (DESIGN.md invariant 5).
//!
//! The k gate in `aggregate.rs` makes every single report safe: no shown cell holds posts of fewer
//! than k distinct authors, and "total minus the visible cells" of one partition never isolates
//! fewer than k authors (complementary suppression). An analyst who asks two *different* questions
//! could still subtract the answers: a query and the same query minus a narrow term, two windows
//! one bucket apart, the new total minus the visible cells of an earlier answer. This module makes
//! the store remember what it answered and refuse or thin out answers whose numbers, combined with
//! an earlier answer, would single out fewer than k authors. It is deterministic: no noise, so the
//! numbers that are shown are exact.
//!
//! # Method
//!
//! 1. **Grid.** Windows are snapped outward to the interval grid (whole days for `Day`, whole
//!    hours for `Hour`), so two windows can only differ by whole buckets.
//! 2. **Query-set audit.** For every answered report that showed anything, the store keeps, per
//!    workspace, the set of post ids of its scope (sorted, delta-varint encoded) and which cells it
//!    showed and which it suppressed (per partition) and which terms it named (table
//!    `answered_scopes`, migration 3). Rows older than the workspace's
//!    `retention_days_aggregates` are ignored (the retention run deletes them), and only the most
//!    recent [`REMEMBERED_SCOPES_PER_WORKSPACE`] per workspace are kept: older answers are
//!    forgotten and no longer checked against (see residual risks).
//! 3. **Scope check.** Before a new scope S is answered it is compared with every remembered scope
//!    S′ that overlaps it (S ∩ S′ ≠ ∅; disjoint scopes share no post, so no difference of their
//!    numbers can isolate anyone beyond what each gated answer shows). D₁ = S ∖ S′ and
//!    D₂ = S′ ∖ S must each be empty or hold at least k distinct authors; otherwise the whole
//!    report is withheld (`AggregateReport::differencing_refusal`, reason `small_difference`).
//!    *Direction:* the author count of a difference set is computed directly on the set (never as
//!    a difference of two author counts, which bounds nothing) and with the same per-key-period
//!    **lower bound** as the gate (the largest per-period count). A lower bound can only say "too
//!    few" more often than the truth, so "lower bound ≥ k" implies "truly ≥ k": conservative.
//!    Emptiness ("0 posts") is exact.
//! 4. **Cell check.** For each partition (volume, sentiment, language, source) the two reports are
//!    seen as blocks of cells: each visible cell, the group of suppressed cells (its sum is known
//!    as total minus the visible cells) and the total. On the finer of the two grids (hours when
//!    one report is hourly) the store computes, for every block X of one report and the blocks of
//!    the other report that lie inside X (and for overlapping blocks that do not nest), every
//!    number the attacker can derive as "X minus any selection of those blocks". Such a number
//!    depends exactly on a set of posts (the parts of S and S′ that do not cancel); that set must be
//!    empty or hold at least k authors. In particular, a cell shown in both answers must have its
//!    part in D₁ and its part in D₂ each empty or of at least k authors (the lead's rule), the new
//!    suppressed group minus the earlier visible cells must not isolate anyone, a day of a daily
//!    answer minus the visible hours of an hourly answer must not isolate the suppressed hours,
//!    and the new total minus the earlier visible cells must not isolate an earlier suppressed cell.
//!    A violation is repaired by suppressing cells in the *new* report (a visible cell that is
//!    involved, or growing the suppressed group by its smallest visible cell); complementary
//!    suppression stays valid because the suppressed group only grows. When only the totals
//!    could be blamed (nothing left to suppress), the report is withheld (reason
//!    `cells_would_single_out`). The check repeats over all remembered scopes until nothing
//!    changes.
//!    The sentiment series is a fifth partition (`Family::SentimentSeries`, cells keyed by bucket
//!    and class on the finer grid) checked the same way; because `aggregate.rs` shows it whole
//!    or not at all, its suppressed group is either empty or the whole series, so the blocks above
//!    (visible cells, the group, the total) are every number an answer gives away about it, and a
//!    repair that suppresses any of its cells suppresses all of them.
//! 5. **Terms.** A term (word, hashtag, bigram) named in both answers must have its posts in D₁
//!    and in D₂ each empty or of at least k authors; otherwise it is not named in the new answer
//!    (it counts as suppressed and the next term moves up).
//! 6. **Authors.** `authors_at_least` is shown only when, per key period, the authors of S that
//!    are not in S′ and those of S′ not in S are each none or at least k.
//! 7. **Repeats.** A scope identical to a remembered one (same post ids, same interval) is answered
//!    with exactly the remembered suppression, so repeating a query reveals nothing new and keeps
//!    its answer stable; its row is refreshed rather than duplicated.
//! 8. **Fully suppressed answers** (scope under k authors, or withheld) show no bucket, language
//!    or source keys at all, so their pattern of non-empty buckets reveals nothing either.
//!
//! Cost: the scope's ids come from the time index alone; then the posts of the scope and of all
//! remembered scopes are read once, with range scans of the table, into compact records (id,
//! time, period, pseudonym prefix, author number, sentiment, language, source). Each remembered
//! scope that overlaps is compared once, in one pass over those records that builds the views of
//! all four partitions (and the scope and author checks) at the same time; comparisons run on up
//! to four threads. A view keeps per fine cell only a *sample* of its authors: all of them while
//! every key period holds fewer than k, else only the mark that it holds at least k, which gives
//! exactly the same reach for every union the check forms. The repair rounds reuse the views, and
//! a partition of a comparison is checked again only after its suppressed group changed (the
//! check depends on nothing else), so the rounds decide exactly as a full recheck would. Term
//! checks read the term index per watched term. The first implementation (views rebuilt per
//! comparison and round, posts looked up per comparison) is kept in `reference` for tests that
//! assert both decide the same.
//!
//! # Residual risks (what this does not prevent)
//!
//! * **Trackers over many queries.** Only pairs (new answer, one earlier answer) are checked.
//!   Combinations of three or more answers (the classic tracker: |A∪T| + |B| − |A∪B| …) and
//!   answers older than the cap or the aggregate retention are not. Every query is in the audit log
//!   (invariant 8) for the FG to review; the query guard refuses person-targeting terms.
//! * **Cross-dimension combinations** (a term whose posts all lie on one day, compared with that
//!   day; a bigram against its word) are not audited, neither inside one report (the k gate never
//!   did) nor across reports.
//! * **Deleted posts.** Ids of posts deleted since an answer (source deletion, objection, retention)
//!   are dropped from the remembered scope, since nothing about them can be computed any more. An
//!   answer from before a deletion and one after it can therefore reveal the cells of the deleted
//!   posts (for an objection: how one author's posts were distributed). A tombstone per deleted
//!   post (its cells, no author) kept with the audit rows would close this; it is not built yet.
//! * **Suppression patterns** reveal "between 1 and k−1" like every suppressed cell does: a cell
//!   suppressed because of an earlier answer tells that its difference is small but non-zero, and
//!   a withheld report tells that the difference is. No count is revealed.
//! * **Counts of suppressed cells and terms** are shown (invariant 10) and may differ between
//!   answers; they count cells, not posts or authors.
//! * **Lower bounds across key periods** make the check conservative, never lax; 64-bit prefixes
//!   of pseudonyms can only merge authors (lower counts), also conservative.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{params, params_from_iter, types::Value, Connection};
use serde::{Deserialize, Serialize};

use crate::facts::{AggregateFacts, StoredAnswer};
use crate::term_list;
use crate::StoreError;

/// How many answered scopes the store remembers per workspace (the most recent ones). An answer
/// that falls out of this window is no longer checked against: see the residual risks above.
pub const REMEMBERED_SCOPES_PER_WORKSPACE: usize = 64;

/// Up to this many blocks inside one block, every selection of them is checked exactly; above it
/// the check uses sufficient conditions only (and suppresses when they fail).
const EXACT_SELECTION_LIMIT: usize = 10;

/// Why a whole report was withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferencingReason {
    /// The posts by which this scope and an earlier answered scope differ come from fewer than k
    /// authors.
    SmallDifference,
    /// Together with an earlier answer, the totals of this one would single out fewer than k
    /// authors, and suppressing cells cannot prevent it.
    CellsWouldSingleOut,
}

/// A report withheld because of an earlier answer, with a reason the analyst can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DifferencingRefusal {
    pub reason: DifferencingReason,
    pub message_nl: String,
    pub message_en: String,
}

impl DifferencingRefusal {
    pub(crate) fn new(reason: DifferencingReason, k: u64) -> DifferencingRefusal {
        let (message_nl, message_en) = match reason {
            DifferencingReason::SmallDifference => (
                format!(
                    "Dit antwoord wordt niet getoond: het verschilt van een eerder antwoord in deze \
                     werkruimte door berichten van minder dan {k} auteurs, dus het vergelijken van \
                     beide antwoorden zou iets over die auteurs prijsgeven. Verbreed de vraag of \
                     het tijdvak, of stel de eerdere vraag opnieuw."
                ),
                format!(
                    "This answer is withheld: it differs from an earlier answer in this workspace \
                     by posts of fewer than {k} authors, so comparing the two answers would reveal \
                     something about those authors. Broaden the query or the time window, or \
                     repeat the earlier query."
                ),
            ),
            DifferencingReason::CellsWouldSingleOut => (
                format!(
                    "Dit antwoord wordt niet getoond: samen met een eerder antwoord in deze \
                     werkruimte zouden de totalen een groep van minder dan {k} auteurs \
                     blootleggen. Verbreed de vraag of het tijdvak."
                ),
                format!(
                    "This answer is withheld: together with an earlier answer in this workspace \
                     its totals would single out a group of fewer than {k} authors. Broaden the \
                     query or the time window."
                ),
            ),
        };
        DifferencingRefusal {
            reason,
            message_nl,
            message_en,
        }
    }
}

/// Visible and suppressed keys of one partition of an answered report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ShownPartition {
    pub visible: Vec<String>,
    pub suppressed: Vec<String>,
}

/// What an answered report showed (stored as JSON in `answered_scopes.shown_cells`). Volume keys
/// are bucket starts in Unix seconds; terms are ids of the `terms` table (no text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ShownCells {
    pub interval_seconds: i64,
    pub volume: ShownPartition,
    pub sentiment: ShownPartition,
    pub languages: ShownPartition,
    pub sources: ShownPartition,
    /// Cells of the sentiment series (text keys `"<seconds>:<class>"`); absent in answers
    /// remembered before the series existed, which showed none.
    #[serde(default)]
    pub sentiment_series: ShownPartition,
    pub terms: Vec<i64>,
    pub authors_shown: bool,
}

impl ShownCells {
    pub(crate) fn partition(&self, family: Family) -> &ShownPartition {
        match family {
            Family::Volume => &self.volume,
            Family::Sentiment => &self.sentiment,
            Family::Language => &self.languages,
            Family::Source => &self.sources,
            Family::SentimentSeries => &self.sentiment_series,
        }
    }
}

/// One remembered answer.
pub(crate) struct RememberedScope {
    pub id: i64,
    /// Sorted ascending.
    pub post_ids: Vec<i64>,
    pub shown: ShownCells,
}

/// Encodes sorted post ids as delta varints.
pub(crate) fn encode_post_ids(sorted_ids: &[i64]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(sorted_ids.len() * 2);
    let mut previous: i64 = 0;
    for &id in sorted_ids {
        let mut delta = id.wrapping_sub(previous) as u64;
        previous = id;
        loop {
            let low_bits = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                blob.push(low_bits);
                break;
            }
            blob.push(low_bits | 0x80);
        }
    }
    blob
}

/// Decodes what `encode_post_ids` wrote; refuses anything that is not strictly ascending.
pub(crate) fn decode_post_ids(blob: &[u8]) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(blob.len() / 2);
    let mut previous: i64 = 0;
    let mut value: u64 = 0;
    let mut shift: u32 = 0;
    for &byte in blob {
        if shift >= 64 {
            return Err(StoreError::Corrupt(
                "answered scope: varint too long".into(),
            ));
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let id = previous.wrapping_add(value as i64);
        if !ids.is_empty() && id <= previous {
            return Err(StoreError::Corrupt(
                "answered scope: post ids not ascending".into(),
            ));
        }
        ids.push(id);
        previous = id;
        value = 0;
        shift = 0;
    }
    if shift != 0 {
        return Err(StoreError::Corrupt(
            "answered scope: truncated varint".into(),
        ));
    }
    Ok(ids)
}

/// The stored remembered answers of a workspace as (id, encoded post ids, shown cells as
/// JSON), newest first, answered at or after `not_before`, at most `limit`.
pub(crate) fn select_remembered(
    connection: &Connection,
    workspace_id: i64,
    not_before: i64,
    limit: usize,
) -> Result<Vec<StoredAnswer>, StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT id, post_ids, shown_cells FROM answered_scopes
         WHERE workspace_id = ?1 AND answered_at >= ?2
         ORDER BY answered_at DESC, id DESC LIMIT ?3",
    )?;
    let rows = statement
        .query_map(params![workspace_id, not_before, limit as i64], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Vec<u8>>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut answers = Vec::with_capacity(rows.len());
    for (id, blob, shown_cells) in rows {
        answers.push(StoredAnswer {
            id,
            post_ids: decode_post_ids(&blob)?,
            shown_cells,
        });
    }
    Ok(answers)
}

/// The remembered answers of a workspace, newest first, answered at or after `not_before`.
pub(crate) fn load_remembered<F: AggregateFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    not_before: i64,
) -> Result<Vec<RememberedScope>, F::Error> {
    let answers =
        facts.remembered_answers(workspace_id, not_before, REMEMBERED_SCOPES_PER_WORKSPACE)?;
    let mut remembered = Vec::with_capacity(answers.len());
    for answer in answers {
        // Rows are written only by `remember`; one in another shape (a hand-made row) says
        // nothing about what was shown, so it cannot be checked against and is skipped.
        let Ok(shown) = serde_json::from_str::<ShownCells>(&answer.shown_cells) else {
            tracing::warn!(
                answered_scope = answer.id,
                "skipping an answered scope of unknown shape"
            );
            continue;
        };
        let mut post_ids = answer.post_ids;
        post_ids.sort_unstable();
        post_ids.dedup();
        remembered.push(RememberedScope {
            id: answer.id,
            post_ids,
            shown,
        });
    }
    Ok(remembered)
}

/// Remembers an answer (the backend forgets the oldest beyond the cap).
pub(crate) fn remember<F: AggregateFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    answered_at: i64,
    sorted_post_ids: &[i64],
    shown: &ShownCells,
) -> Result<(), F::Error> {
    // Fail closed: an answer the audit cannot remember is not given.
    let shown_cells = serde_json::to_string(shown)
        .map_err(|error| StoreError::Corrupt(format!("shown cells: {error}")))?;
    facts.remember_answer(
        workspace_id,
        answered_at,
        sorted_post_ids,
        &shown_cells,
        REMEMBERED_SCOPES_PER_WORKSPACE,
    )
}

/// Stores an answer and forgets the oldest beyond `keep` (SQLite).
pub(crate) fn insert_answer(
    connection: &Connection,
    workspace_id: i64,
    answered_at: i64,
    sorted_post_ids: &[i64],
    shown_json: &str,
    keep: usize,
) -> Result<(), StoreError> {
    connection.execute(
        "INSERT INTO answered_scopes (workspace_id, answered_at, post_ids, shown_cells)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            workspace_id,
            answered_at,
            encode_post_ids(sorted_post_ids),
            shown_json
        ],
    )?;
    connection.execute(
        "DELETE FROM answered_scopes WHERE workspace_id = ?1 AND id NOT IN (
            SELECT id FROM answered_scopes WHERE workspace_id = ?1
            ORDER BY answered_at DESC, id DESC LIMIT ?2)",
        params![workspace_id, keep as i64],
    )?;
    Ok(())
}

/// Marks a remembered answer as answered again now.
pub(crate) fn refresh(
    connection: &Connection,
    id: i64,
    answered_at: i64,
) -> Result<(), StoreError> {
    connection.execute(
        "UPDATE answered_scopes SET answered_at = MAX(answered_at, ?2) WHERE id = ?1",
        params![id, answered_at],
    )?;
    Ok(())
}

/// An author as the audit sees it: (key period index, first 8 bytes of the pseudonym).
pub(crate) type Author = (u32, u64);

/// What the audit needs of one post. Never leaves the store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostFact {
    pub id: i64,
    pub published_at: i64,
    pub author: Author,
    /// The author as a small number, dense within one aggregate call.
    pub author_index: u32,
    pub sentiment: u32,
    pub language: u32,
    pub source: u32,
}

/// Interns short texts (key periods, sentiment codes, languages, sources) as small numbers.
#[derive(Default)]
pub(crate) struct Interner {
    indexes: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Interner {
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        if let Some(index) = self.indexes.get(text) {
            return *index;
        }
        let index = self.texts.len() as u32;
        self.indexes.insert(text.to_string(), index);
        self.texts.push(text.to_string());
        index
    }

    pub(crate) fn lookup(&self, text: &str) -> Option<u32> {
        self.indexes.get(text).copied()
    }

    pub(crate) fn text(&self, index: u32) -> Option<&str> {
        self.texts.get(index as usize).map(String::as_str)
    }

    fn len(&self) -> usize {
        self.texts.len()
    }
}

/// Interners shared by all facts of one aggregate call.
#[derive(Default)]
pub(crate) struct FactTables {
    periods: Interner,
    pub values: Interner,
}

const FACT_COLUMNS: &str =
    "p.id, p.published_at, p.key_period, p.author_pseudonym, p.sentiment, p.language, p.source";

/// Ids read close together are read with one range scan of the table when they are at most this
/// far apart (the rows in between are read and skipped).
const RANGE_SCAN_GAP: i64 = 16;

/// The ids of the posts of a scope (a condition on `posts p`), sorted ascending. Needs only the
/// time index and the scope's id table, not the rows.
pub(crate) fn load_scope_ids(
    connection: &Connection,
    condition: &str,
    parameters: &[Value],
) -> Result<Vec<i64>, StoreError> {
    let sql = format!("SELECT p.id FROM posts p WHERE {condition}");
    let mut statement = connection.prepare_cached(&sql)?;
    let mut scope_ids = statement
        .query_map(params_from_iter(parameters.iter()), |row| {
            row.get::<_, i64>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    scope_ids.sort_unstable();
    scope_ids.dedup();
    Ok(scope_ids)
}

/// One row as read for the audit; the values are indexes of a provisional interner.
pub(crate) struct RawRow {
    id: i64,
    published_at: i64,
    author: Author,
    sentiment: u32,
    language: u32,
    source: u32,
}

/// The rows of posts a backend reads for the audit, interned as they arrive (the first
/// appearance of a value decides its number, so rows must come in id order). Opaque outside
/// `peil_store`: nothing read into it can be read back out there.
pub struct AuditRows<'a> {
    pub(crate) rows: Vec<RawRow>,
    pub(crate) periods: &'a mut Interner,
    pub(crate) raw_values: &'a mut Interner,
}

impl AuditRows<'_> {
    /// Adds the post `id` (published at `published_at` Unix seconds) of key period
    /// `key_period` by the author with `pseudonym` (only its first 8 bytes are kept), with its
    /// sentiment code, language code and source name.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        id: i64,
        published_at: i64,
        key_period: &str,
        pseudonym: &[u8],
        sentiment: &str,
        language: &str,
        source: &str,
    ) {
        let period = self.periods.intern(key_period);
        let mut prefix = [0u8; 8];
        for (target, byte) in prefix.iter_mut().zip(pseudonym.iter()) {
            *target = *byte;
        }
        let sentiment = self.raw_values.intern(sentiment);
        let language = self.raw_values.intern(language);
        let source = self.raw_values.intern(source);
        self.rows.push(RawRow {
            id,
            published_at,
            author: (period, u64::from_le_bytes(prefix)),
            sentiment,
            language,
            source,
        });
    }
}

/// Reads the rows of `sorted_ids` (those of the workspace that still exist) with range scans of
/// the table, in id order.
pub(crate) fn read_rows(
    connection: &Connection,
    workspace_id: i64,
    sorted_ids: &[i64],
    audit_rows: &mut AuditRows<'_>,
) -> Result<(), StoreError> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {FACT_COLUMNS} FROM posts p
         WHERE p.id >= ?1 AND p.id <= ?2 AND +p.workspace_id = ?3 ORDER BY p.id"
    ))?;
    for wanted in id_runs(sorted_ids) {
        let (Some(first_id), Some(last_id)) = (wanted.first(), wanted.last()) else {
            continue;
        };
        let mut rows = statement.query(params![first_id, last_id, workspace_id])?;
        let mut wanted_position = 0usize;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            while wanted_position < wanted.len() && wanted[wanted_position] < id {
                wanted_position += 1;
            }
            if wanted.get(wanted_position) != Some(&id) {
                continue;
            }
            let period_text = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let pseudonym = row.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
            let sentiment_text = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
            let language_text = row.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
            let source_text = row.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?;
            audit_rows.push(
                id,
                row.get(1)?,
                period_text,
                pseudonym,
                sentiment_text,
                language_text,
                source_text,
            );
        }
    }
    Ok(())
}

/// Splits sorted ids into runs whose neighbours lie at most [`RANGE_SCAN_GAP`] apart: each run is
/// read with one range scan of the posts table.
fn id_runs(sorted_ids: &[i64]) -> Vec<&[i64]> {
    let mut runs = Vec::new();
    let mut run_start = 0usize;
    while run_start < sorted_ids.len() {
        let mut run_end = run_start;
        while run_end + 1 < sorted_ids.len()
            && sorted_ids[run_end + 1].saturating_sub(sorted_ids[run_end]) <= RANGE_SCAN_GAP
        {
            run_end += 1;
        }
        runs.push(&sorted_ids[run_start..=run_end]);
        run_start = run_end + 1;
    }
    runs
}

/// The union of sorted, deduplicated id lists.
fn sorted_union(left: &[i64], right: &[i64]) -> Vec<i64> {
    let mut union = Vec::with_capacity(left.len().max(right.len()));
    let mut left_index = 0;
    let mut right_index = 0;
    while left_index < left.len() && right_index < right.len() {
        let left_id = left[left_index];
        let right_id = right[right_index];
        if left_id <= right_id {
            union.push(left_id);
            left_index += 1;
            if left_id == right_id {
                right_index += 1;
            }
        } else {
            union.push(right_id);
            right_index += 1;
        }
    }
    union.extend_from_slice(&left[left_index..]);
    union.extend_from_slice(&right[right_index..]);
    union
}

/// Whether two sorted id lists share an id.
pub(crate) fn sorted_intersect(left: &[i64], right: &[i64]) -> bool {
    let mut right_index = 0;
    for &id in left {
        while right_index < right.len() && right[right_index] < id {
            right_index += 1;
        }
        if right_index < right.len() && right[right_index] == id {
            return true;
        }
    }
    false
}

/// Dense numbers of the fine cells of one partition: per post, the index of its cell key.
struct DenseKeys {
    per_post: Vec<u32>,
    count: usize,
}

/// The posts one aggregate call audits, loaded once for all remembered scopes and all repair
/// rounds: the posts of the new scope, then the posts of remembered scopes outside it that still
/// exist, each part sorted by id.
pub(crate) struct AuditPosts {
    posts: Vec<PostFact>,
    scope_len: usize,
    /// Key period of each author index.
    author_periods: Vec<u32>,
    /// Posts of the new scope per author index.
    scope_posts_per_author: Vec<u32>,
    /// Dense cell numbers of the volume partition per fine width.
    volume_keys: HashMap<i64, DenseKeys>,
    /// Dense cell numbers of the sentiment series per fine width.
    series_keys: HashMap<i64, DenseKeys>,
    /// Dense cell numbers of the categorical partitions (the interned value).
    value_keys: [DenseKeys; 3],
}

impl AuditPosts {
    /// Loads the posts of the scope `scope_ids` and of the remembered scopes (the posts of a
    /// remembered scope outside the new one only if they still exist). Values are interned in
    /// the order the earlier implementation used (new scope by id, then the other posts by time
    /// and id), so the numeric keys and thus every tie-break stay the same.
    pub(crate) fn load<F: AggregateFacts + ?Sized>(
        facts: &F,
        workspace_id: i64,
        scope_ids: &[i64],
        remembered: &[RememberedScope],
        new_width: i64,
        tables: &mut FactTables,
    ) -> Result<AuditPosts, F::Error> {
        let mut remembered_union: Vec<i64> = Vec::new();
        for earlier in remembered {
            remembered_union = sorted_union(&remembered_union, &earlier.post_ids);
        }
        let wanted = sorted_union(scope_ids, &remembered_union);
        let mut raw_values = Interner::default();
        let mut audit_rows = AuditRows {
            rows: Vec::with_capacity(wanted.len()),
            periods: &mut tables.periods,
            raw_values: &mut raw_values,
        };
        facts.audit_rows(workspace_id, &wanted, &mut audit_rows)?;
        let rows = audit_rows.rows;
        let mut scope_rows: Vec<&RawRow> = Vec::with_capacity(scope_ids.len());
        let mut other_rows: Vec<&RawRow> = Vec::with_capacity(rows.len());
        let mut scope_position = 0usize;
        for row in &rows {
            while scope_position < scope_ids.len() && scope_ids[scope_position] < row.id {
                scope_position += 1;
            }
            if scope_ids.get(scope_position) == Some(&row.id) {
                scope_rows.push(row);
            } else {
                other_rows.push(row);
            }
        }
        let mut final_value: Vec<Option<u32>> = vec![None; raw_values.len()];
        let mut intern_values = |row: &RawRow, tables: &mut FactTables| {
            for raw in [row.sentiment, row.language, row.source] {
                let Some(slot) = final_value.get_mut(raw as usize) else {
                    continue;
                };
                if slot.is_none() {
                    *slot = raw_values.text(raw).map(|text| tables.values.intern(text));
                }
            }
        };
        for row in &scope_rows {
            intern_values(row, tables);
        }
        let mut other_by_time: Vec<&RawRow> = other_rows.clone();
        other_by_time.sort_unstable_by_key(|row| (row.published_at, row.id));
        for row in &other_by_time {
            intern_values(row, tables);
        }
        let value_of = |raw: u32| {
            final_value
                .get(raw as usize)
                .copied()
                .flatten()
                .unwrap_or(u32::MAX)
        };
        let mut author_indexes: HashMap<Author, u32> = HashMap::new();
        let mut author_periods: Vec<u32> = Vec::new();
        let mut posts: Vec<PostFact> = Vec::with_capacity(rows.len());
        for row in scope_rows.iter().chain(other_rows.iter()) {
            let author_index = *author_indexes.entry(row.author).or_insert_with(|| {
                author_periods.push(row.author.0);
                (author_periods.len() - 1) as u32
            });
            posts.push(PostFact {
                id: row.id,
                published_at: row.published_at,
                author: row.author,
                author_index,
                sentiment: value_of(row.sentiment),
                language: value_of(row.language),
                source: value_of(row.source),
            });
        }
        let scope_len = scope_rows.len();
        let mut scope_posts_per_author = vec![0u32; author_periods.len()];
        for post in posts.iter().take(scope_len) {
            if let Some(count) = scope_posts_per_author.get_mut(post.author_index as usize) {
                *count += 1;
            }
        }
        let value_count = tables.values.len();
        let value_keys =
            [Family::Sentiment, Family::Language, Family::Source].map(|family| DenseKeys {
                per_post: posts
                    .iter()
                    .map(|post| family.categorical_key(post) as u32)
                    .collect(),
                count: value_count,
            });
        let mut volume_keys: HashMap<i64, DenseKeys> = HashMap::new();
        let mut series_keys: HashMap<i64, DenseKeys> = HashMap::new();
        for earlier in remembered {
            let fine_width = new_width.min(earlier.shown.interval_seconds.max(1));
            if volume_keys.contains_key(&fine_width) {
                continue;
            }
            for (family, target) in [
                (Family::Volume, &mut volume_keys),
                (Family::SentimentSeries, &mut series_keys),
            ] {
                let mut numbers: HashMap<i64, u32> = HashMap::new();
                let per_post: Vec<u32> = posts
                    .iter()
                    .map(|post| {
                        let fine_key = family.cell_key(post, fine_width);
                        let next = numbers.len() as u32;
                        *numbers.entry(fine_key).or_insert(next)
                    })
                    .collect();
                target.insert(
                    fine_width,
                    DenseKeys {
                        per_post,
                        count: numbers.len(),
                    },
                );
            }
        }
        Ok(AuditPosts {
            posts,
            scope_len,
            author_periods,
            scope_posts_per_author,
            volume_keys,
            series_keys,
            value_keys,
        })
    }

    fn scope_posts(&self) -> &[PostFact] {
        self.posts.get(..self.scope_len).unwrap_or(&[])
    }

    fn other_posts(&self) -> &[PostFact] {
        self.posts.get(self.scope_len..).unwrap_or(&[])
    }

    /// The position in `posts` of a post of the new scope.
    pub(crate) fn scope_position(&self, post_id: i64) -> Option<usize> {
        self.scope_posts()
            .binary_search_by_key(&post_id, |post| post.id)
            .ok()
    }

    /// The post at a position of `posts`.
    pub(crate) fn post(&self, position: usize) -> Option<&PostFact> {
        self.posts.get(position)
    }

    /// The position in `posts` of a post outside the new scope.
    fn other_position(&self, post_id: i64) -> Option<usize> {
        self.other_posts()
            .binary_search_by_key(&post_id, |post| post.id)
            .ok()
            .map(|position| position + self.scope_len)
    }

    fn dense_keys(&self, family: Family, fine_width: i64) -> Option<&DenseKeys> {
        match family {
            Family::Volume => self.volume_keys.get(&fine_width),
            Family::Sentiment => self.value_keys.first(),
            Family::Language => self.value_keys.get(1),
            Family::Source => self.value_keys.get(2),
            Family::SentimentSeries => self.series_keys.get(&fine_width),
        }
    }
}

/// For each of `term_ids`, the posts outside the new scope (positions in `AuditPosts`) that
/// carry it. Reads the packed term lists of those posts in id ranges (as `read_rows` does).
pub(crate) fn term_posts_outside<F: crate::facts::ReportFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    audit_posts: &AuditPosts,
    term_ids: &BTreeSet<i64>,
) -> Result<HashMap<i64, Vec<usize>>, F::Error> {
    let mut posts_by_term: HashMap<i64, Vec<usize>> = HashMap::new();
    let other_posts = audit_posts.other_posts();
    if other_posts.is_empty() || term_ids.is_empty() {
        return Ok(posts_by_term);
    }
    let other_ids: Vec<i64> = other_posts.iter().map(|post| post.id).collect();
    debug_assert!(other_ids.windows(2).all(|pair| pair[0] < pair[1]));
    facts.post_terms(
        workspace_id,
        &other_ids,
        term_ids,
        &mut |post_id, term_id| {
            if let Some(position) = audit_posts.other_position(post_id) {
                posts_by_term.entry(term_id).or_default().push(position);
            }
        },
    )?;
    Ok(posts_by_term)
}

/// The embedded store's `ReportFacts::post_terms`: for each post of `workspace_id` among
/// `sorted_ids`, in id order, its terms that are in `term_ids` (one range scan per run of
/// nearby ids).
pub(crate) fn read_post_terms(
    connection: &Connection,
    workspace_id: i64,
    sorted_ids: &[i64],
    term_ids: &BTreeSet<i64>,
    found: &mut dyn FnMut(i64, i64),
) -> Result<(), StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT p.id, p.term_ids FROM posts p
         WHERE p.id >= ?1 AND p.id <= ?2 AND +p.workspace_id = ?3 ORDER BY p.id",
    )?;
    for wanted in id_runs(sorted_ids) {
        let (Some(first_id), Some(last_id)) = (wanted.first(), wanted.last()) else {
            continue;
        };
        let mut rows = statement.query(params![first_id, last_id, workspace_id])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if wanted.binary_search(&id).is_err() {
                continue;
            }
            let packed_terms = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            term_list::for_each_id(packed_terms, |term_id| {
                if term_ids.contains(&term_id) {
                    found(id, term_id);
                }
            })?;
        }
    }
    Ok(())
}

/// A partition the audit checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Volume,
    Sentiment,
    Language,
    Source,
    /// Sentiment over time: one cell per (time bucket, sentiment class). Its numeric key is
    /// `bucket start × SERIES_STRIDE + interned sentiment`, its text key `"<seconds>:<class>"`.
    SentimentSeries,
}

/// Multiplier of the bucket start in a numeric key of the sentiment series (the interned
/// sentiment value is below it).
pub(crate) const SERIES_STRIDE: i64 = 1 << 20;

impl Family {
    pub(crate) const ALL: [Family; 5] = [
        Family::Volume,
        Family::Sentiment,
        Family::Language,
        Family::Source,
        Family::SentimentSeries,
    ];

    fn categorical_key(self, fact: &PostFact) -> i64 {
        match self {
            Family::Volume | Family::SentimentSeries => fact.published_at,
            Family::Sentiment => i64::from(fact.sentiment),
            Family::Language => i64::from(fact.language),
            Family::Source => i64::from(fact.source),
        }
    }

    /// The numeric key of the cell of `fact` on a grid of `width` seconds (the width matters only
    /// for timed families).
    pub(crate) fn cell_key(self, fact: &PostFact, width: i64) -> i64 {
        match self {
            Family::Volume => bucket_start(fact.published_at, width),
            Family::SentimentSeries => series_key(
                bucket_start(fact.published_at, width),
                i64::from(fact.sentiment),
            ),
            _ => self.categorical_key(fact),
        }
    }

    /// The numeric key of a cell's text key (bucket seconds, or the interned value); `None` when
    /// no post of this call has that value.
    pub(crate) fn key_of_text(self, text: &str, tables: &FactTables) -> Option<i64> {
        match self {
            Family::Volume => text.parse::<i64>().ok(),
            Family::SentimentSeries => {
                let (seconds, class) = text.split_once(':')?;
                let bucket = seconds.parse::<i64>().ok()?;
                let class_index = tables.values.lookup(class)?;
                Some(series_key(bucket, i64::from(class_index)))
            }
            _ => tables.values.lookup(text).map(i64::from),
        }
    }

    /// The text key of a numeric key.
    pub(crate) fn text_of_key(self, key: i64, tables: &FactTables) -> Option<String> {
        match self {
            Family::Volume => Some(key.to_string()),
            Family::SentimentSeries => {
                let bucket = key.div_euclid(SERIES_STRIDE);
                let class = u32::try_from(key.rem_euclid(SERIES_STRIDE))
                    .ok()
                    .and_then(|index| tables.values.text(index))?;
                Some(series_text_key(bucket, class))
            }
            _ => u32::try_from(key)
                .ok()
                .and_then(|index| tables.values.text(index))
                .map(str::to_string),
        }
    }
}

/// The numeric key of a sentiment-series cell.
fn series_key(bucket: i64, class_index: i64) -> i64 {
    bucket
        .saturating_mul(SERIES_STRIDE)
        .saturating_add(class_index)
}

/// The text key of a sentiment-series cell: bucket start in Unix seconds and the class code.
pub(crate) fn series_text_key(bucket: i64, class: &str) -> String {
    format!("{bucket}:{class}")
}

/// Bucket start of `seconds` in a grid of `width`, with the same rounding as the SQL of the gate.
pub(crate) fn bucket_start(seconds: i64, width: i64) -> i64 {
    seconds - (seconds % width)
}

/// Whether a set of authors is empty, holds fewer than k, or at least k (per-period lower bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    Empty,
    Few,
    Enough,
}

/// The distinct authors of a set of posts as far as the audit needs them: all of them while every
/// key period holds fewer than k, otherwise only the mark `saturated` (the set alone holds at
/// least k authors in one period, so every union with it does too). Reaches computed on samples
/// equal those on the full lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthorSample {
    distinct: Vec<Author>,
    saturated: bool,
}

impl AuthorSample {
    fn add(&mut self, author: Author, k: u64) {
        if self.saturated || self.distinct.contains(&author) {
            return;
        }
        let same_period = self
            .distinct
            .iter()
            .filter(|other| other.0 == author.0)
            .count() as u64
            + 1;
        if same_period >= k {
            self.saturated = true;
            self.distinct = Vec::new();
            return;
        }
        self.distinct.push(author);
    }

    fn is_empty(&self) -> bool {
        !self.saturated && self.distinct.is_empty()
    }
}

/// The reach of the union of `samples`; equal to `reach` on the lists they sample.
fn reach_of_samples(samples: &[&AuthorSample], k: u64) -> Reach {
    if samples.iter().all(|sample| sample.is_empty()) {
        return Reach::Empty;
    }
    if samples.iter().any(|sample| sample.saturated) {
        return Reach::Enough;
    }
    let mut union = AuthorSample::default();
    for sample in samples {
        for author in &sample.distinct {
            union.add(*author, k);
            if union.saturated {
                return Reach::Enough;
            }
        }
    }
    Reach::Few
}

fn safe_samples(samples: &[&AuthorSample], k: u64) -> bool {
    reach_of_samples(samples, k) != Reach::Few
}

/// The reach of the authors of `authors` (an iterator over one kind of author only).
pub(crate) fn reach_of_authors(authors: impl Iterator<Item = Author>, k: u64) -> Reach {
    let mut sample = AuthorSample::default();
    for author in authors {
        sample.add(author, k);
        if sample.saturated {
            return Reach::Enough;
        }
    }
    reach_of_samples(&[&sample], k)
}

/// A block of cells of one report: a visible cell (by numeric key) or the suppressed group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Block {
    Visible(i64),
    Group,
}

/// The posts of both scopes that fall in one cell of the finer grid.
struct FineCell {
    /// The new report's cell key.
    new_cell: i64,
    /// The remembered report's block.
    old_block: Block,
    /// Posts of the new scope here.
    new_posts: u64,
    /// Authors of posts in both scopes, only in the new, only in the remembered.
    common: AuthorSample,
    only_new: AuthorSample,
    only_old: AuthorSample,
}

/// The author samples of one piece inside a block: (its whole part, its difference part).
type Piece<'a> = (Vec<&'a AuthorSample>, Vec<&'a AuthorSample>);

/// Which scope a post belongs to in a comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Common,
    OnlyNew,
    OnlyOld,
}

/// Which posts of a fine cell to take: the new scope (common and only new), the remembered scope
/// (common and only remembered), or the difference (only new and only remembered).
#[derive(Clone, Copy)]
enum View {
    NewScope,
    OldScope,
    Difference,
}

fn gather_samples<'a>(
    cells: &'a [FineCell],
    members: &[usize],
    view: View,
) -> Vec<&'a AuthorSample> {
    let mut samples: Vec<&AuthorSample> = Vec::with_capacity(members.len() * 2);
    for &index in members {
        let Some(cell) = cells.get(index) else {
            continue;
        };
        let pair: [&AuthorSample; 2] = match view {
            View::NewScope => [&cell.common, &cell.only_new],
            View::OldScope => [&cell.common, &cell.only_old],
            View::Difference => [&cell.only_new, &cell.only_old],
        };
        samples.extend(pair);
    }
    samples
}

/// One partition of a comparison, on the finer grid of the two reports.
pub(crate) struct FamilyView {
    cells: Vec<FineCell>,
}

/// What to do about a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repair {
    /// Suppress this visible cell of the new report.
    Suppress(i64),
    /// Add the smallest visible cell (outside `escape` of the remembered report if given) to the
    /// suppressed group.
    GrowGroup { escape: Option<BlockRef> },
    /// Withhold the report.
    Refuse,
}

/// An opaque reference to a remembered block (for `Repair::GrowGroup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockRef(Block);

/// Builds the view of one family while the posts of a comparison pass by.
struct ViewBuilder<'a> {
    family: Family,
    old_group: BTreeSet<i64>,
    new_width: i64,
    old_width: i64,
    keys: Option<&'a DenseKeys>,
    /// Per dense key: the position of its cell in `cells`, or `u32::MAX`.
    positions: Vec<u32>,
    cells: Vec<FineCell>,
}

impl<'a> ViewBuilder<'a> {
    fn new(
        family: Family,
        remembered: &RememberedScope,
        audit_posts: &'a AuditPosts,
        new_width: i64,
        tables: &FactTables,
    ) -> ViewBuilder<'a> {
        let shown = remembered.shown.partition(family);
        let old_width = remembered.shown.interval_seconds.max(1);
        let old_group: BTreeSet<i64> = shown
            .suppressed
            .iter()
            .filter_map(|text| family.key_of_text(text, tables))
            .collect();
        let keys = audit_posts.dense_keys(family, new_width.min(old_width));
        ViewBuilder {
            family,
            old_group,
            new_width,
            old_width,
            keys,
            positions: vec![u32::MAX; keys.map_or(0, |dense| dense.count)],
            cells: Vec::new(),
        }
    }

    /// The cell keys of the earlier implementation, computed from the first post of a cell.
    fn new_cell(&self, fact: &PostFact) -> FineCell {
        let (new_cell, old_key) = (
            self.family.cell_key(fact, self.new_width),
            self.family.cell_key(fact, self.old_width),
        );
        let old_block = if self.old_group.contains(&old_key) {
            Block::Group
        } else {
            Block::Visible(old_key)
        };
        FineCell {
            new_cell,
            old_block,
            new_posts: 0,
            common: AuthorSample::default(),
            only_new: AuthorSample::default(),
            only_old: AuthorSample::default(),
        }
    }

    fn add(&mut self, position_in_posts: usize, fact: &PostFact, side: Side, k: u64) {
        let Some(dense) = self
            .keys
            .and_then(|keys| keys.per_post.get(position_in_posts))
            .map(|dense| *dense as usize)
        else {
            return;
        };
        let Some(slot) = self.positions.get(dense).copied() else {
            return;
        };
        let cell_position = if slot == u32::MAX {
            let cell = self.new_cell(fact);
            self.cells.push(cell);
            let created = self.cells.len() - 1;
            if let Some(target) = self.positions.get_mut(dense) {
                *target = created as u32;
            }
            created
        } else {
            slot as usize
        };
        let Some(cell) = self.cells.get_mut(cell_position) else {
            return;
        };
        match side {
            Side::Common => {
                cell.new_posts += 1;
                cell.common.add(fact.author, k);
            }
            Side::OnlyNew => {
                cell.new_posts += 1;
                cell.only_new.add(fact.author, k);
            }
            Side::OnlyOld => cell.only_old.add(fact.author, k),
        }
    }

    fn finish(self) -> FamilyView {
        FamilyView { cells: self.cells }
    }
}

/// How one remembered scope relates to the new one, with everything the audit needs of the pair,
/// computed once in one pass over the posts.
pub(crate) struct Comparison<'a> {
    pub remembered: &'a RememberedScope,
    /// Per post of `AuditPosts`: whether the remembered scope holds it.
    in_remembered: Vec<bool>,
    overlaps: bool,
    /// D₁ and D₂ each empty or of at least k authors.
    difference_safe: bool,
    /// Whether `authors_at_least` may be shown next to this earlier answer.
    pub authors_comparable: bool,
    /// The views of the four partitions, in `Family::ALL` order (empty when the scopes do not
    /// overlap or their difference is too small).
    pub views: Vec<FamilyView>,
}

impl<'a> Comparison<'a> {
    pub(crate) fn new(
        remembered: &'a RememberedScope,
        audit_posts: &AuditPosts,
        new_width: i64,
        k: u64,
        tables: &FactTables,
    ) -> Comparison<'a> {
        let mut in_remembered = vec![false; audit_posts.posts.len()];
        for (part, offset) in [
            (audit_posts.scope_posts(), 0usize),
            (audit_posts.other_posts(), audit_posts.scope_len),
        ] {
            let mut part_index = 0usize;
            for &old_id in &remembered.post_ids {
                while part_index < part.len() && part[part_index].id < old_id {
                    part_index += 1;
                }
                if part_index < part.len() && part[part_index].id == old_id {
                    if let Some(flag) = in_remembered.get_mut(offset + part_index) {
                        *flag = true;
                    }
                    part_index += 1;
                }
            }
        }
        let overlaps = in_remembered
            .iter()
            .take(audit_posts.scope_len)
            .any(|inside| *inside);
        let mut comparison = Comparison {
            remembered,
            in_remembered,
            overlaps,
            difference_safe: true,
            authors_comparable: true,
            views: Vec::new(),
        };
        if !overlaps {
            return comparison;
        }
        let mut only_new_sample = AuthorSample::default();
        let mut only_old_sample = AuthorSample::default();
        let mut builders: Vec<ViewBuilder<'_>> = Family::ALL
            .iter()
            .map(|family| ViewBuilder::new(*family, remembered, audit_posts, new_width, tables))
            .collect();
        let author_count = audit_posts.author_periods.len();
        let mut only_new_posts = vec![0u32; author_count];
        let mut only_old_author = vec![false; author_count];
        for (position, (fact, inside)) in audit_posts
            .posts
            .iter()
            .zip(comparison.in_remembered.iter())
            .enumerate()
        {
            let side = match (position < audit_posts.scope_len, *inside) {
                (true, true) => Side::Common,
                (true, false) => Side::OnlyNew,
                (false, true) => Side::OnlyOld,
                (false, false) => continue,
            };
            let author_index = fact.author_index as usize;
            match side {
                Side::OnlyNew => {
                    only_new_sample.add(fact.author, k);
                    if let Some(count) = only_new_posts.get_mut(author_index) {
                        *count += 1;
                    }
                }
                Side::OnlyOld => {
                    only_old_sample.add(fact.author, k);
                    if let Some(flag) = only_old_author.get_mut(author_index) {
                        *flag = true;
                    }
                }
                Side::Common => {}
            }
            for builder in builders.iter_mut() {
                builder.add(position, fact, side, k);
            }
        }
        comparison.difference_safe =
            safe_samples(&[&only_new_sample], k) && safe_samples(&[&only_old_sample], k);
        let mut gained: HashMap<u32, u64> = HashMap::new();
        let mut lost: HashMap<u32, u64> = HashMap::new();
        for (author_index, period) in audit_posts.author_periods.iter().enumerate() {
            let only_new = only_new_posts.get(author_index).copied().unwrap_or(0);
            let all_new = audit_posts
                .scope_posts_per_author
                .get(author_index)
                .copied()
                .unwrap_or(0);
            let only_old = only_old_author.get(author_index).copied().unwrap_or(false);
            if only_new > 0 && only_new == all_new && !only_old {
                *gained.entry(*period).or_default() += 1;
            }
            if only_old && all_new == 0 {
                *lost.entry(*period).or_default() += 1;
            }
        }
        comparison.authors_comparable = gained
            .values()
            .chain(lost.values())
            .all(|count| *count >= k);
        comparison.views = builders.into_iter().map(ViewBuilder::finish).collect();
        comparison
    }

    pub(crate) fn overlaps(&self) -> bool {
        self.overlaps
    }

    pub(crate) fn difference_safe(&self) -> bool {
        self.difference_safe
    }

    /// Whether the remembered scope holds a post of the new scope, given its position in
    /// `AuditPosts` (or, when it has none, by its id).
    pub(crate) fn remembered_holds(&self, position: Option<usize>, post_id: i64) -> bool {
        match position.and_then(|position| self.in_remembered.get(position)) {
            Some(inside) => *inside,
            None => self.remembered.post_ids.binary_search(&post_id).is_ok(),
        }
    }

    /// Whether the remembered scope holds the post at `position` of `AuditPosts`.
    pub(crate) fn holds_position(&self, position: usize) -> bool {
        self.in_remembered.get(position).copied().unwrap_or(false)
    }
}

/// Compares the new scope with every remembered scope, on up to `threads` threads; the result is
/// in the order of `remembered`.
pub(crate) fn compare_all<'a>(
    remembered: &'a [RememberedScope],
    audit_posts: &AuditPosts,
    new_width: i64,
    k: u64,
    tables: &FactTables,
) -> Vec<Comparison<'a>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |count| count.get())
        .clamp(1, 4);
    let work = remembered.len().saturating_mul(audit_posts.posts.len());
    if threads < 2 || remembered.len() < 2 || work < 200_000 {
        return remembered
            .iter()
            .map(|earlier| Comparison::new(earlier, audit_posts, new_width, k, tables))
            .collect();
    }
    let chunk_size = remembered.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = remembered
            .chunks(chunk_size)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|earlier| Comparison::new(earlier, audit_posts, new_width, k, tables))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut comparisons = Vec::with_capacity(remembered.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => comparisons.extend(part),
                // A panicking worker is a bug in this module: pass the panic on unchanged.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        comparisons
    })
}

impl FamilyView {
    /// Posts of the new scope per new cell key.
    fn new_cell_posts(&self) -> BTreeMap<i64, u64> {
        let mut posts: BTreeMap<i64, u64> = BTreeMap::new();
        for cell in &self.cells {
            *posts.entry(cell.new_cell).or_default() += cell.new_posts;
        }
        posts
    }

    /// Repairs for violations of the cell check given the new report's suppressed keys: all
    /// cells that break the rule for cells shown in both answers at once, otherwise the first
    /// other violation. Empty when the new report may be shown as it is.
    pub(crate) fn find_repairs(&self, new_group: &BTreeSet<i64>, k: u64) -> Vec<Repair> {
        let mut same_key: Vec<Repair> = Vec::new();
        if let Some(repair) = self.find_violation(new_group, k, &mut same_key) {
            return vec![repair];
        }
        same_key
    }

    /// The first violation of the cell check, if any. Violations of the rule for cells shown in
    /// both answers are all collected into `same_key` instead (and end the search).
    fn find_violation(
        &self,
        new_group: &BTreeSet<i64>,
        k: u64,
        same_key: &mut Vec<Repair>,
    ) -> Option<Repair> {
        let cells = &self.cells;
        let new_block_of = |cell: &FineCell| {
            if new_group.contains(&cell.new_cell) {
                Block::Group
            } else {
                Block::Visible(cell.new_cell)
            }
        };
        let mut new_members: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
        let mut old_members: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
        let mut new_hits: BTreeMap<Block, BTreeSet<Block>> = BTreeMap::new();
        let mut old_hits: BTreeMap<Block, BTreeSet<Block>> = BTreeMap::new();
        let mut new_blocks: Vec<Block> = Vec::with_capacity(cells.len());
        for (index, cell) in cells.iter().enumerate() {
            let new_block = new_block_of(cell);
            new_blocks.push(new_block);
            new_members.entry(new_block).or_default().push(index);
            old_members.entry(cell.old_block).or_default().push(index);
            new_hits
                .entry(new_block)
                .or_default()
                .insert(cell.old_block);
            old_hits
                .entry(cell.old_block)
                .or_default()
                .insert(new_block);
        }
        let hits_one = |hits: &BTreeMap<Block, BTreeSet<Block>>, block: &Block| {
            hits.get(block).is_some_and(|set| set.len() == 1)
        };
        let gather = |members: &[usize], view: View| gather_samples(cells, members, view);

        // The lead's rule: a cell shown in both answers (same posts' cells) may differ only by
        // parts of D₁ and D₂ that are each empty or of at least k authors.
        for (block, members) in &new_members {
            let Block::Visible(cell_key) = block else {
                continue;
            };
            if !hits_one(&new_hits, block) {
                continue;
            }
            let Some(old_block) = new_hits.get(block).and_then(|set| set.iter().next()) else {
                continue;
            };
            if !matches!(old_block, Block::Visible(_)) || !hits_one(&old_hits, old_block) {
                continue;
            }
            let only_new: Vec<&AuthorSample> = members
                .iter()
                .map(|&index| &cells[index].only_new)
                .collect();
            let only_old: Vec<&AuthorSample> = members
                .iter()
                .map(|&index| &cells[index].only_old)
                .collect();
            if !safe_samples(&only_new, k) || !safe_samples(&only_old, k) {
                same_key.push(Repair::Suppress(*cell_key));
            }
        }
        if !same_key.is_empty() {
            return None;
        }

        // A block of the new report minus any selection of remembered blocks inside it.
        for (block, members) in &new_members {
            let pieces: Vec<Block> = new_hits
                .get(block)
                .map(|hits| {
                    hits.iter()
                        .filter(|old| hits_one(&old_hits, old))
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            if pieces.is_empty() {
                continue;
            }
            let uncovered: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&index| !pieces.contains(&cells[index].old_block))
                .collect();
            let base = gather(&uncovered, View::NewScope);
            let piece_lists: Vec<Piece<'_>> = pieces
                .iter()
                .map(|piece| {
                    let piece_members = old_members.get(piece).map_or(&[][..], |v| &v[..]);
                    (
                        gather(piece_members, View::NewScope),
                        gather(piece_members, View::Difference),
                    )
                })
                .collect();
            if !selections_safe(&base, &piece_lists, k) {
                return Some(match block {
                    Block::Visible(cell_key) => Repair::Suppress(*cell_key),
                    Block::Group => Repair::GrowGroup { escape: None },
                });
            }
        }

        // A remembered block minus any selection of new blocks inside it.
        for (old_block, members) in &old_members {
            let pieces: Vec<Block> = old_hits
                .get(old_block)
                .map(|hits| {
                    hits.iter()
                        .filter(|new| hits_one(&new_hits, new))
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            if pieces.is_empty() {
                continue;
            }
            let uncovered: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&index| !pieces.contains(&new_blocks[index]))
                .collect();
            let base = gather(&uncovered, View::OldScope);
            let piece_lists: Vec<Piece<'_>> = pieces
                .iter()
                .map(|piece| {
                    let piece_members = new_members.get(piece).map_or(&[][..], |v| &v[..]);
                    (
                        gather(piece_members, View::OldScope),
                        gather(piece_members, View::Difference),
                    )
                })
                .collect();
            if !selections_safe(&base, &piece_lists, k) {
                return Some(self.repair_new_pieces(
                    &pieces,
                    &piece_lists,
                    Some(BlockRef(*old_block)),
                    k,
                ));
            }
        }

        // Blocks that overlap without nesting: their plain difference.
        for (block, hits) in &new_hits {
            if hits.len() < 2 {
                continue;
            }
            for old_block in hits {
                if old_hits.get(old_block).is_none_or(|set| set.len() < 2) {
                    continue;
                }
                let mut lists: Vec<&AuthorSample> = Vec::new();
                for &index in new_members.get(block).map_or(&[][..], |v| &v[..]) {
                    let view = if cells[index].old_block == *old_block {
                        View::Difference
                    } else {
                        View::NewScope
                    };
                    lists.extend(gather(&[index], view));
                }
                for &index in old_members.get(old_block).map_or(&[][..], |v| &v[..]) {
                    if new_blocks[index] != *block {
                        lists.extend(gather(&[index], View::OldScope));
                    }
                }
                if !safe_samples(&lists, k) {
                    return Some(match block {
                        Block::Visible(cell_key) => Repair::Suppress(*cell_key),
                        Block::Group => Repair::GrowGroup { escape: None },
                    });
                }
            }
        }

        // The new total minus any selection of remembered blocks.
        let all_old: Vec<Piece<'_>> = old_members
            .values()
            .map(|members| {
                (
                    gather(members, View::NewScope),
                    gather(members, View::Difference),
                )
            })
            .collect();
        if !selections_safe(&[], &all_old, k) {
            return Some(Repair::Refuse);
        }
        // The remembered total minus any selection of new blocks.
        let new_pieces: Vec<Block> = new_members.keys().copied().collect();
        let all_new: Vec<Piece<'_>> = new_members
            .values()
            .map(|members| {
                (
                    gather(members, View::OldScope),
                    gather(members, View::Difference),
                )
            })
            .collect();
        if !selections_safe(&[], &all_new, k) {
            return Some(self.repair_new_pieces(&new_pieces, &all_new, None, k));
        }
        None
    }

    /// Repair for "remembered block minus new blocks": suppress a visible new piece (one with a
    /// small part first, then the smallest); else move the group out of the remembered block.
    fn repair_new_pieces(
        &self,
        pieces: &[Block],
        piece_lists: &[Piece<'_>],
        escape: Option<BlockRef>,
        k: u64,
    ) -> Repair {
        let posts = self.new_cell_posts();
        let mut best: Option<(bool, u64, i64)> = None;
        for (piece, (whole, difference)) in pieces.iter().zip(piece_lists.iter()) {
            let Block::Visible(cell_key) = piece else {
                continue;
            };
            let cell_posts = posts.get(cell_key).copied().unwrap_or(0);
            if cell_posts == 0 {
                continue;
            }
            let small = reach_of_samples(whole, k) == Reach::Few
                || reach_of_samples(difference, k) == Reach::Few;
            let candidate = (!small, cell_posts, *cell_key);
            if best.is_none_or(|current| candidate < current) {
                best = Some(candidate);
            }
        }
        if let Some((_, _, cell_key)) = best {
            return Repair::Suppress(cell_key);
        }
        if escape.is_some() && pieces.contains(&Block::Group) {
            return Repair::GrowGroup { escape };
        }
        Repair::Refuse
    }

    /// The visible new cell to add to the group for `Repair::GrowGroup`: the smallest by posts,
    /// preferring cells with posts outside the remembered block `escape`.
    pub(crate) fn group_candidate(
        &self,
        new_group: &BTreeSet<i64>,
        escape: Option<BlockRef>,
    ) -> Option<i64> {
        let posts = self.new_cell_posts();
        let mut leaves_escape: BTreeSet<i64> = BTreeSet::new();
        if let Some(BlockRef(old_block)) = escape {
            for cell in &self.cells {
                if cell.old_block != old_block {
                    leaves_escape.insert(cell.new_cell);
                }
            }
        }
        posts
            .iter()
            .filter(|(key, count)| **count > 0 && !new_group.contains(key))
            .filter(|(key, _)| escape.is_none() || leaves_escape.contains(key))
            .min_by_key(|(key, count)| (**count, **key))
            .map(|(key, _)| *key)
    }
}

/// Whether "container minus any non-empty selection T of its pieces" is safe for every T: the
/// posts that do not cancel are `base` ∪ (whole part of each piece not in T) ∪ (difference part
/// of each piece in T). A selection that leaves out a piece whose whole part holds at least k
/// authors, or takes in one whose difference part does, is safe; so only selections holding all
/// of the first kind and none of the second can be unsafe, and only the remaining ("free")
/// pieces vary. Exact for up to `EXACT_SELECTION_LIMIT` free pieces; above that only sufficient
/// conditions are used and failing them counts as unsafe.
fn selections_safe(base: &[&AuthorSample], pieces: &[Piece<'_>], k: u64) -> bool {
    if pieces.is_empty() || reach_of_samples(base, k) == Reach::Enough {
        return true;
    }
    let reaches: Vec<(Reach, Reach)> = pieces
        .iter()
        .map(|(whole, difference)| (reach_of_samples(whole, k), reach_of_samples(difference, k)))
        .collect();
    let mut fixed: Vec<&AuthorSample> = base.to_vec();
    let mut forced_in = 0usize;
    let mut free: Vec<usize> = Vec::new();
    for (position, ((whole, difference), (whole_reach, difference_reach))) in
        pieces.iter().zip(reaches.iter()).enumerate()
    {
        match (
            *whole_reach == Reach::Enough,
            *difference_reach == Reach::Enough,
        ) {
            // Whichever way it is selected, this piece alone makes the derived set large.
            (true, true) => return true,
            // Must be in T (else its large whole part is in the set): adds its difference part.
            (true, false) => {
                forced_in += 1;
                fixed.extend(difference.iter().copied());
            }
            // Must stay out of T (else its large difference part is in): adds its whole part.
            (false, true) => fixed.extend(whole.iter().copied()),
            (false, false) => {
                if *whole_reach != Reach::Empty || *difference_reach != Reach::Empty {
                    free.push(position);
                }
            }
        }
    }
    // Pieces whose parts are both empty add nothing whichever way they are selected, but they
    // still make a non-empty selection possible.
    let silent_pieces = reaches
        .iter()
        .filter(|(whole, difference)| *whole == Reach::Empty && *difference == Reach::Empty)
        .count();
    if reach_of_samples(&fixed, k) == Reach::Enough {
        return true;
    }
    if free.len() > EXACT_SELECTION_LIMIT {
        return false;
    }
    let selections: u32 = 1 << free.len();
    for selection in 0..selections {
        if selection == 0 && forced_in == 0 && silent_pieces == 0 {
            // T would be empty: the container itself, which its own gate made safe.
            continue;
        }
        let mut lists: Vec<&AuthorSample> = fixed.clone();
        for (bit, &position) in free.iter().enumerate() {
            let Some((whole, difference)) = pieces.get(position) else {
                continue;
            };
            if selection & (1 << bit) != 0 {
                lists.extend(difference.iter().copied());
            } else {
                lists.extend(whole.iter().copied());
            }
        }
        if !safe_samples(&lists, k) {
            return false;
        }
    }
    true
}

#[cfg(test)]
/// The audit as first written (rebuilding the views per comparison and round, facts looked up
/// through SQLite per comparison), kept for tests that assert the fast path decides the same.
pub(crate) mod reference {
    #![allow(dead_code)]
    use super::*;
    use std::collections::HashSet;

    /// Ids in `left` that are not in `right` (both sorted ascending).
    pub(crate) fn sorted_difference(left: &[i64], right: &[i64]) -> Vec<i64> {
        let mut difference = Vec::new();
        let mut right_index = 0;
        for &id in left {
            while right_index < right.len() && right[right_index] < id {
                right_index += 1;
            }
            if right_index < right.len() && right[right_index] == id {
                continue;
            }
            difference.push(id);
        }
        difference
    }

    /// The reach of the union of `lists`.
    pub(crate) fn reach(lists: &[&[Author]], k: u64) -> Reach {
        if lists.iter().all(|list| list.is_empty()) {
            return Reach::Empty;
        }
        let mut per_period: HashMap<u32, HashSet<u64>> = HashMap::new();
        for list in lists {
            for (period, author) in list.iter() {
                let authors = per_period.entry(*period).or_default();
                authors.insert(*author);
                if authors.len() as u64 >= k {
                    return Reach::Enough;
                }
            }
        }
        Reach::Few
    }

    /// Whether an author set may be shown as a difference: empty or at least k.
    pub(crate) fn safe(lists: &[&[Author]], k: u64) -> bool {
        reach(lists, k) != Reach::Few
    }

    fn read_fact(row: &rusqlite::Row<'_>, tables: &mut FactTables) -> rusqlite::Result<PostFact> {
        let period_text = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        let period = tables.periods.intern(period_text);
        let pseudonym = row.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
        let mut prefix = [0u8; 8];
        for (target, source) in prefix.iter_mut().zip(pseudonym.iter()) {
            *target = *source;
        }
        let sentiment_text = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let sentiment = tables.values.intern(sentiment_text);
        let language_text = row.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
        let language = tables.values.intern(language_text);
        let source_text = row.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?;
        let source = tables.values.intern(source_text);
        Ok(PostFact {
            id: row.get(0)?,
            published_at: row.get(1)?,
            author: (period, u64::from_le_bytes(prefix)),
            author_index: 0,
            sentiment,
            language,
            source,
        })
    }

    /// Facts of the posts of a scope (a condition on `posts p`), sorted by id.
    pub(crate) fn load_scope_facts(
        connection: &Connection,
        condition: &str,
        parameters: &[Value],
        tables: &mut FactTables,
    ) -> Result<Vec<PostFact>, StoreError> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM posts p WHERE {condition} ORDER BY p.id");
        let mut statement = connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(parameters.iter()))?;
        let mut facts = Vec::new();
        while let Some(row) = rows.next()? {
            facts.push(read_fact(row, tables)?);
        }
        Ok(facts)
    }

    /// Facts of the given posts of a workspace (those that still exist), by id.
    pub(crate) fn load_facts_by_id(
        connection: &Connection,
        workspace_id: i64,
        post_ids: &[i64],
        tables: &mut FactTables,
    ) -> Result<HashMap<i64, PostFact>, StoreError> {
        let mut facts = HashMap::with_capacity(post_ids.len());
        if post_ids.is_empty() {
            return Ok(facts);
        }
        fill_audit_ids(connection, post_ids)?;
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM temp.audit_ids a JOIN posts p ON p.id = a.id
             WHERE p.workspace_id = ?1"
        );
        let mut statement = connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params![workspace_id])?;
        while let Some(row) = rows.next()? {
            let fact = read_fact(row, tables)?;
            facts.insert(fact.id, fact);
        }
        Ok(facts)
    }

    fn fill_audit_ids(connection: &Connection, post_ids: &[i64]) -> Result<(), StoreError> {
        connection.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS audit_ids (id INTEGER PRIMARY KEY);
             DELETE FROM temp.audit_ids;",
        )?;
        let mut insert =
            connection.prepare_cached("INSERT OR IGNORE INTO temp.audit_ids (id) VALUES (?1)")?;
        for post_id in post_ids {
            insert.execute(params![post_id])?;
        }
        Ok(())
    }

    /// For each of `term_ids`, the posts among `post_ids` that carry it.
    pub(crate) fn term_posts_among(
        connection: &Connection,
        post_ids: &[i64],
        term_ids: &BTreeSet<i64>,
    ) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
        let mut posts_by_term: HashMap<i64, Vec<i64>> = HashMap::new();
        if post_ids.is_empty() || term_ids.is_empty() {
            return Ok(posts_by_term);
        }
        fill_audit_ids(connection, post_ids)?;
        let mut statement = connection.prepare_cached(
            "SELECT p.id, p.term_ids FROM temp.audit_ids a JOIN posts p ON p.id = a.id",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let post_id: i64 = row.get(0)?;
            let packed_terms = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            crate::term_list::for_each_id(packed_terms, |term_id| {
                if term_ids.contains(&term_id) {
                    posts_by_term.entry(term_id).or_default().push(post_id);
                }
            })?;
        }
        for posts in posts_by_term.values_mut() {
            posts.sort_unstable();
        }
        Ok(posts_by_term)
    }

    /// How one remembered scope relates to the new one.
    pub(crate) struct Comparison<'a> {
        pub remembered: &'a RememberedScope,
        /// For each fact of the new scope (same order): whether the remembered scope holds it too.
        pub in_remembered: Vec<bool>,
        /// Facts of posts only in the remembered scope that still exist, sorted by id.
        pub only_remembered: Vec<PostFact>,
    }

    impl<'a> Comparison<'a> {
        /// Compares by merging the two sorted id vectors. Ids of posts deleted since are skipped.
        pub(crate) fn new(
            remembered: &'a RememberedScope,
            new_facts: &[PostFact],
            facts_by_id: &HashMap<i64, PostFact>,
        ) -> Comparison<'a> {
            let mut in_remembered = vec![false; new_facts.len()];
            let mut only_remembered = Vec::new();
            let mut new_index = 0;
            for &old_id in &remembered.post_ids {
                while new_index < new_facts.len() && new_facts[new_index].id < old_id {
                    new_index += 1;
                }
                if new_index < new_facts.len() && new_facts[new_index].id == old_id {
                    in_remembered[new_index] = true;
                    new_index += 1;
                    continue;
                }
                if let Some(fact) = facts_by_id.get(&old_id) {
                    only_remembered.push(*fact);
                }
            }
            Comparison {
                remembered,
                in_remembered,
                only_remembered,
            }
        }

        pub(crate) fn overlaps(&self) -> bool {
            self.in_remembered.iter().any(|inside| *inside)
        }

        pub(crate) fn remembered_contains(&self, post_id: i64) -> bool {
            self.remembered.post_ids.binary_search(&post_id).is_ok()
        }

        /// Authors of D₁ (only new) and D₂ (only remembered).
        pub(crate) fn difference_authors(
            &self,
            new_facts: &[PostFact],
        ) -> (Vec<Author>, Vec<Author>) {
            let only_new: Vec<Author> = new_facts
                .iter()
                .zip(self.in_remembered.iter())
                .filter(|(_, inside)| !**inside)
                .map(|(fact, _)| fact.author)
                .collect();
            let only_old: Vec<Author> = self
                .only_remembered
                .iter()
                .map(|fact| fact.author)
                .collect();
            (only_new, only_old)
        }

        /// Whether the author sets of the two scopes differ, per key period, by none or at least k
        /// authors in each direction (the condition for showing `authors_at_least`).
        pub(crate) fn author_counts_comparable(
            &self,
            new_facts: &[PostFact],
            new_author_posts: &HashMap<Author, u32>,
            k: u64,
        ) -> bool {
            let mut only_new_posts: HashMap<Author, u32> = HashMap::new();
            for (fact, inside) in new_facts.iter().zip(self.in_remembered.iter()) {
                if !*inside {
                    *only_new_posts.entry(fact.author).or_default() += 1;
                }
            }
            let old_only_authors: HashSet<Author> = self
                .only_remembered
                .iter()
                .map(|fact| fact.author)
                .collect();
            let mut gained: HashMap<u32, u64> = HashMap::new();
            for (author, posts) in &only_new_posts {
                let all_new_posts = new_author_posts.get(author).copied().unwrap_or(0);
                if *posts == all_new_posts && !old_only_authors.contains(author) {
                    *gained.entry(author.0).or_default() += 1;
                }
            }
            let mut lost: HashMap<u32, u64> = HashMap::new();
            for author in &old_only_authors {
                if !new_author_posts.contains_key(author) {
                    *lost.entry(author.0).or_default() += 1;
                }
            }
            gained
                .values()
                .chain(lost.values())
                .all(|count| *count >= k)
        }
    }

    /// Posts of the new scope per author.
    pub(crate) fn posts_per_author(new_facts: &[PostFact]) -> HashMap<Author, u32> {
        let mut posts: HashMap<Author, u32> = HashMap::new();
        for fact in new_facts {
            *posts.entry(fact.author).or_default() += 1;
        }
        posts
    }

    /// A block of cells of one report: a visible cell (by numeric key) or the suppressed group.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    enum Block {
        Visible(i64),
        Group,
    }

    /// The posts of both scopes that fall in one cell of the finer grid.
    struct FineCell {
        /// The new report's cell key.
        new_cell: i64,
        /// The remembered report's block.
        old_block: Block,
        /// Posts of the new scope here.
        new_posts: u64,
        /// Authors (deduplicated) of posts in both scopes, only in the new, only in the remembered.
        common: Vec<Author>,
        only_new: Vec<Author>,
        only_old: Vec<Author>,
    }

    /// The author lists of one piece inside a block: (its whole part, its difference part).
    type Piece<'a> = (Vec<&'a [Author]>, Vec<&'a [Author]>);

    /// Which scope a fact belongs to in a comparison.
    #[derive(Clone, Copy)]
    enum Side {
        Common,
        OnlyNew,
        OnlyOld,
    }

    /// Which posts of a fine cell to take: the new scope (common and only new), the remembered scope
    /// (common and only remembered), or the difference (only new and only remembered).
    #[derive(Clone, Copy)]
    enum View {
        NewScope,
        OldScope,
        Difference,
    }

    fn gather_lists<'a>(cells: &'a [FineCell], members: &[usize], view: View) -> Vec<&'a [Author]> {
        let mut lists: Vec<&[Author]> = Vec::with_capacity(members.len() * 2);
        for &index in members {
            let Some(cell) = cells.get(index) else {
                continue;
            };
            let pair: [&[Author]; 2] = match view {
                View::NewScope => [&cell.common, &cell.only_new],
                View::OldScope => [&cell.common, &cell.only_old],
                View::Difference => [&cell.only_new, &cell.only_old],
            };
            lists.extend(pair);
        }
        lists
    }

    /// One partition of a comparison, on the finer grid of the two reports.
    pub(crate) struct FamilyView {
        cells: Vec<FineCell>,
    }

    /// What to do about a violation.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Repair {
        /// Suppress this visible cell of the new report.
        Suppress(i64),
        /// Add the smallest visible cell (outside `escape` of the remembered report if given) to the
        /// suppressed group.
        GrowGroup { escape: Option<BlockRef> },
        /// Withhold the report.
        Refuse,
    }

    /// An opaque reference to a remembered block (for `Repair::GrowGroup`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct BlockRef(Block);

    impl FamilyView {
        /// Builds the view of `family` for `comparison`. `new_width`/`old_width` are the interval
        /// widths of the two reports (used for volume only).
        pub(crate) fn new(
            family: Family,
            comparison: &Comparison<'_>,
            new_facts: &[PostFact],
            new_width: i64,
            tables: &FactTables,
        ) -> FamilyView {
            let shown = comparison.remembered.shown.partition(family);
            let old_width = comparison.remembered.shown.interval_seconds.max(1);
            let old_group: BTreeSet<i64> = shown
                .suppressed
                .iter()
                .filter_map(|text| family.key_of_text(text, tables))
                .collect();
            let fine_width = new_width.min(old_width);
            let cell_keys = |fact: &PostFact| -> (i64, i64, Block) {
                let old_cell = family.cell_key(fact, old_width);
                let old_block = if old_group.contains(&old_cell) {
                    Block::Group
                } else {
                    Block::Visible(old_cell)
                };
                (
                    family.cell_key(fact, fine_width),
                    family.cell_key(fact, new_width),
                    old_block,
                )
            };
            // Cells by fine key; facts of neighbouring ids mostly share a cell, so the last one is
            // remembered to skip the lookup.
            let mut index_of: HashMap<i64, usize> = HashMap::new();
            let mut cells: Vec<FineCell> = Vec::new();
            let mut last: Option<(i64, usize)> = None;
            let new_posts = new_facts
                .iter()
                .zip(comparison.in_remembered.iter())
                .map(|(fact, inside)| (fact, if *inside { Side::Common } else { Side::OnlyNew }));
            let old_posts = comparison
                .only_remembered
                .iter()
                .map(|fact| (fact, Side::OnlyOld));
            for (fact, side) in new_posts.chain(old_posts) {
                let fine_key = family.cell_key(fact, fine_width);
                let position = match last {
                    Some((last_key, last_position)) if last_key == fine_key => last_position,
                    _ => {
                        let position = *index_of.entry(fine_key).or_insert_with(|| {
                            let (_, new_cell, old_block) = cell_keys(fact);
                            cells.push(FineCell {
                                new_cell,
                                old_block,
                                new_posts: 0,
                                common: Vec::new(),
                                only_new: Vec::new(),
                                only_old: Vec::new(),
                            });
                            cells.len() - 1
                        });
                        last = Some((fine_key, position));
                        position
                    }
                };
                let Some(cell) = cells.get_mut(position) else {
                    continue;
                };
                match side {
                    Side::Common => {
                        cell.new_posts += 1;
                        cell.common.push(fact.author);
                    }
                    Side::OnlyNew => {
                        cell.new_posts += 1;
                        cell.only_new.push(fact.author);
                    }
                    Side::OnlyOld => cell.only_old.push(fact.author),
                }
            }
            FamilyView { cells }
        }

        /// Posts of the new scope per new cell key.
        fn new_cell_posts(&self) -> BTreeMap<i64, u64> {
            let mut posts: BTreeMap<i64, u64> = BTreeMap::new();
            for cell in &self.cells {
                *posts.entry(cell.new_cell).or_default() += cell.new_posts;
            }
            posts
        }

        /// Repairs for violations of the cell check given the new report's suppressed keys: all
        /// cells that break the rule for cells shown in both answers at once, otherwise the first
        /// other violation. Empty when the new report may be shown as it is.
        pub(crate) fn find_repairs(&self, new_group: &BTreeSet<i64>, k: u64) -> Vec<Repair> {
            let mut same_key: Vec<Repair> = Vec::new();
            if let Some(repair) = self.find_violation(new_group, k, &mut same_key) {
                return vec![repair];
            }
            same_key
        }

        /// The first violation of the cell check, if any. Violations of the rule for cells shown in
        /// both answers are all collected into `same_key` instead (and end the search).
        fn find_violation(
            &self,
            new_group: &BTreeSet<i64>,
            k: u64,
            same_key: &mut Vec<Repair>,
        ) -> Option<Repair> {
            let cells = &self.cells;
            let new_block_of = |cell: &FineCell| {
                if new_group.contains(&cell.new_cell) {
                    Block::Group
                } else {
                    Block::Visible(cell.new_cell)
                }
            };
            let mut new_members: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
            let mut old_members: BTreeMap<Block, Vec<usize>> = BTreeMap::new();
            let mut new_hits: BTreeMap<Block, BTreeSet<Block>> = BTreeMap::new();
            let mut old_hits: BTreeMap<Block, BTreeSet<Block>> = BTreeMap::new();
            let mut new_blocks: Vec<Block> = Vec::with_capacity(cells.len());
            for (index, cell) in cells.iter().enumerate() {
                let new_block = new_block_of(cell);
                new_blocks.push(new_block);
                new_members.entry(new_block).or_default().push(index);
                old_members.entry(cell.old_block).or_default().push(index);
                new_hits
                    .entry(new_block)
                    .or_default()
                    .insert(cell.old_block);
                old_hits
                    .entry(cell.old_block)
                    .or_default()
                    .insert(new_block);
            }
            let hits_one = |hits: &BTreeMap<Block, BTreeSet<Block>>, block: &Block| {
                hits.get(block).is_some_and(|set| set.len() == 1)
            };
            let gather = |members: &[usize], view: View| gather_lists(cells, members, view);

            // The lead's rule: a cell shown in both answers (same posts' cells) may differ only by
            // parts of D₁ and D₂ that are each empty or of at least k authors.
            for (block, members) in &new_members {
                let Block::Visible(cell_key) = block else {
                    continue;
                };
                if !hits_one(&new_hits, block) {
                    continue;
                }
                let Some(old_block) = new_hits.get(block).and_then(|set| set.iter().next()) else {
                    continue;
                };
                if !matches!(old_block, Block::Visible(_)) || !hits_one(&old_hits, old_block) {
                    continue;
                }
                let only_new: Vec<&[Author]> = members
                    .iter()
                    .map(|&index| &cells[index].only_new[..])
                    .collect();
                let only_old: Vec<&[Author]> = members
                    .iter()
                    .map(|&index| &cells[index].only_old[..])
                    .collect();
                if !safe(&only_new, k) || !safe(&only_old, k) {
                    same_key.push(Repair::Suppress(*cell_key));
                }
            }
            if !same_key.is_empty() {
                return None;
            }

            // A block of the new report minus any selection of remembered blocks inside it.
            for (block, members) in &new_members {
                let pieces: Vec<Block> = new_hits
                    .get(block)
                    .map(|hits| {
                        hits.iter()
                            .filter(|old| hits_one(&old_hits, old))
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default();
                if pieces.is_empty() {
                    continue;
                }
                let uncovered: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&index| !pieces.contains(&cells[index].old_block))
                    .collect();
                let base = gather(&uncovered, View::NewScope);
                let piece_lists: Vec<Piece<'_>> = pieces
                    .iter()
                    .map(|piece| {
                        let piece_members = old_members.get(piece).map_or(&[][..], |v| &v[..]);
                        (
                            gather(piece_members, View::NewScope),
                            gather(piece_members, View::Difference),
                        )
                    })
                    .collect();
                if !selections_safe(&base, &piece_lists, k) {
                    return Some(match block {
                        Block::Visible(cell_key) => Repair::Suppress(*cell_key),
                        Block::Group => Repair::GrowGroup { escape: None },
                    });
                }
            }

            // A remembered block minus any selection of new blocks inside it.
            for (old_block, members) in &old_members {
                let pieces: Vec<Block> = old_hits
                    .get(old_block)
                    .map(|hits| {
                        hits.iter()
                            .filter(|new| hits_one(&new_hits, new))
                            .copied()
                            .collect()
                    })
                    .unwrap_or_default();
                if pieces.is_empty() {
                    continue;
                }
                let uncovered: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&index| !pieces.contains(&new_blocks[index]))
                    .collect();
                let base = gather(&uncovered, View::OldScope);
                let piece_lists: Vec<Piece<'_>> = pieces
                    .iter()
                    .map(|piece| {
                        let piece_members = new_members.get(piece).map_or(&[][..], |v| &v[..]);
                        (
                            gather(piece_members, View::OldScope),
                            gather(piece_members, View::Difference),
                        )
                    })
                    .collect();
                if !selections_safe(&base, &piece_lists, k) {
                    return Some(self.repair_new_pieces(
                        &pieces,
                        &piece_lists,
                        Some(BlockRef(*old_block)),
                        k,
                    ));
                }
            }

            // Blocks that overlap without nesting: their plain difference.
            for (block, hits) in &new_hits {
                if hits.len() < 2 {
                    continue;
                }
                for old_block in hits {
                    if old_hits.get(old_block).is_none_or(|set| set.len() < 2) {
                        continue;
                    }
                    let mut lists: Vec<&[Author]> = Vec::new();
                    for &index in new_members.get(block).map_or(&[][..], |v| &v[..]) {
                        let view = if cells[index].old_block == *old_block {
                            View::Difference
                        } else {
                            View::NewScope
                        };
                        lists.extend(gather(&[index], view));
                    }
                    for &index in old_members.get(old_block).map_or(&[][..], |v| &v[..]) {
                        if new_blocks[index] != *block {
                            lists.extend(gather(&[index], View::OldScope));
                        }
                    }
                    if !safe(&lists, k) {
                        return Some(match block {
                            Block::Visible(cell_key) => Repair::Suppress(*cell_key),
                            Block::Group => Repair::GrowGroup { escape: None },
                        });
                    }
                }
            }

            // The new total minus any selection of remembered blocks.
            let all_old: Vec<Piece<'_>> = old_members
                .values()
                .map(|members| {
                    (
                        gather(members, View::NewScope),
                        gather(members, View::Difference),
                    )
                })
                .collect();
            if !selections_safe(&[], &all_old, k) {
                return Some(Repair::Refuse);
            }
            // The remembered total minus any selection of new blocks.
            let new_pieces: Vec<Block> = new_members.keys().copied().collect();
            let all_new: Vec<Piece<'_>> = new_members
                .values()
                .map(|members| {
                    (
                        gather(members, View::OldScope),
                        gather(members, View::Difference),
                    )
                })
                .collect();
            if !selections_safe(&[], &all_new, k) {
                return Some(self.repair_new_pieces(&new_pieces, &all_new, None, k));
            }
            None
        }

        /// Repair for "remembered block minus new blocks": suppress a visible new piece (one with a
        /// small part first, then the smallest); else move the group out of the remembered block.
        fn repair_new_pieces(
            &self,
            pieces: &[Block],
            piece_lists: &[Piece<'_>],
            escape: Option<BlockRef>,
            k: u64,
        ) -> Repair {
            let posts = self.new_cell_posts();
            let mut best: Option<(bool, u64, i64)> = None;
            for (piece, (whole, difference)) in pieces.iter().zip(piece_lists.iter()) {
                let Block::Visible(cell_key) = piece else {
                    continue;
                };
                let cell_posts = posts.get(cell_key).copied().unwrap_or(0);
                if cell_posts == 0 {
                    continue;
                }
                let small = reach(whole, k) == Reach::Few || reach(difference, k) == Reach::Few;
                let candidate = (!small, cell_posts, *cell_key);
                if best.is_none_or(|current| candidate < current) {
                    best = Some(candidate);
                }
            }
            if let Some((_, _, cell_key)) = best {
                return Repair::Suppress(cell_key);
            }
            if escape.is_some() && pieces.contains(&Block::Group) {
                return Repair::GrowGroup { escape };
            }
            Repair::Refuse
        }

        /// The visible new cell to add to the group for `Repair::GrowGroup`: the smallest by posts,
        /// preferring cells with posts outside the remembered block `escape`.
        pub(crate) fn group_candidate(
            &self,
            new_group: &BTreeSet<i64>,
            escape: Option<BlockRef>,
        ) -> Option<i64> {
            let posts = self.new_cell_posts();
            let mut leaves_escape: BTreeSet<i64> = BTreeSet::new();
            if let Some(BlockRef(old_block)) = escape {
                for cell in &self.cells {
                    if cell.old_block != old_block {
                        leaves_escape.insert(cell.new_cell);
                    }
                }
            }
            posts
                .iter()
                .filter(|(key, count)| **count > 0 && !new_group.contains(key))
                .filter(|(key, _)| escape.is_none() || leaves_escape.contains(key))
                .min_by_key(|(key, count)| (**count, **key))
                .map(|(key, _)| *key)
        }
    }

    /// Whether "container minus any non-empty selection T of its pieces" is safe for every T: the
    /// posts that do not cancel are `base` ∪ (whole part of each piece not in T) ∪ (difference part
    /// of each piece in T). A selection that leaves out a piece whose whole part holds at least k
    /// authors, or takes in one whose difference part does, is safe; so only selections holding all
    /// of the first kind and none of the second can be unsafe, and only the remaining ("free")
    /// pieces vary. Exact for up to `EXACT_SELECTION_LIMIT` free pieces; above that only sufficient
    /// conditions are used and failing them counts as unsafe.
    pub(super) fn selections_safe(base: &[&[Author]], pieces: &[Piece<'_>], k: u64) -> bool {
        if pieces.is_empty() || reach(base, k) == Reach::Enough {
            return true;
        }
        let reaches: Vec<(Reach, Reach)> = pieces
            .iter()
            .map(|(whole, difference)| (reach(whole, k), reach(difference, k)))
            .collect();
        let mut fixed: Vec<&[Author]> = base.to_vec();
        let mut forced_in = 0usize;
        let mut free: Vec<usize> = Vec::new();
        for (position, ((whole, difference), (whole_reach, difference_reach))) in
            pieces.iter().zip(reaches.iter()).enumerate()
        {
            match (
                *whole_reach == Reach::Enough,
                *difference_reach == Reach::Enough,
            ) {
                // Whichever way it is selected, this piece alone makes the derived set large.
                (true, true) => return true,
                // Must be in T (else its large whole part is in the set): adds its difference part.
                (true, false) => {
                    forced_in += 1;
                    fixed.extend(difference.iter().copied());
                }
                // Must stay out of T (else its large difference part is in): adds its whole part.
                (false, true) => fixed.extend(whole.iter().copied()),
                (false, false) => {
                    if *whole_reach != Reach::Empty || *difference_reach != Reach::Empty {
                        free.push(position);
                    }
                }
            }
        }
        // Pieces whose parts are both empty add nothing whichever way they are selected, but they
        // still make a non-empty selection possible.
        let silent_pieces = reaches
            .iter()
            .filter(|(whole, difference)| *whole == Reach::Empty && *difference == Reach::Empty)
            .count();
        if reach(&fixed, k) == Reach::Enough {
            return true;
        }
        if free.len() > EXACT_SELECTION_LIMIT {
            return false;
        }
        let selections: u32 = 1 << free.len();
        for selection in 0..selections {
            if selection == 0 && forced_in == 0 && silent_pieces == 0 {
                // T would be empty: the container itself, which its own gate made safe.
                continue;
            }
            let mut lists: Vec<&[Author]> = fixed.clone();
            for (bit, &position) in free.iter().enumerate() {
                let Some((whole, difference)) = pieces.get(position) else {
                    continue;
                };
                if selection & (1 << bit) != 0 {
                    lists.extend(difference.iter().copied());
                } else {
                    lists.extend(whole.iter().copied());
                }
            }
            if !safe(&lists, k) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn post_ids_round_trip(mut ids in proptest::collection::vec(1i64..1_000_000_000, 0..200)) {
            ids.sort_unstable();
            ids.dedup();
            let decoded = decode_post_ids(&encode_post_ids(&ids));
            prop_assert!(decoded.is_ok());
            prop_assert_eq!(decoded.unwrap_or_default(), ids);
        }
    }

    proptest! {
        /// Samples (all distinct authors until a period reaches k, then only the mark) give the
        /// same reach as the full lists, for any split of the posts into lists.
        #[test]
        fn samples_reach_like_full_lists(
            lists in proptest::collection::vec(
                proptest::collection::vec((0u32..2, 0u64..12), 0..30),
                0..6,
            ),
            k in 1u64..8,
        ) {
            let samples: Vec<AuthorSample> = lists
                .iter()
                .map(|list| {
                    let mut sample = AuthorSample::default();
                    for author in list {
                        sample.add(*author, k);
                    }
                    sample
                })
                .collect();
            let list_refs: Vec<&[Author]> = lists.iter().map(|list| &list[..]).collect();
            let sample_refs: Vec<&AuthorSample> = samples.iter().collect();
            prop_assert_eq!(reach_of_samples(&sample_refs, k), reference::reach(&list_refs, k));
            let flat: Vec<Author> = lists.iter().flatten().copied().collect();
            prop_assert_eq!(reach_of_authors(flat.iter().copied(), k), reference::reach(&[&flat], k));
        }
    }

    #[test]
    fn corrupt_blobs_are_refused_not_panicked_on() {
        assert!(decode_post_ids(&[0x80]).is_err());
        assert!(decode_post_ids(&[0xff; 12]).is_err());
        assert!(decode_post_ids(&[5, 0]).is_err(), "not ascending");
    }

    fn authors(period: u32, range: std::ops::Range<u64>) -> Vec<Author> {
        range.map(|author| (period, author)).collect()
    }

    #[test]
    fn reach_uses_the_largest_period_as_a_lower_bound() {
        let october = authors(0, 0..3);
        let november = authors(1, 0..3);
        assert_eq!(reference::reach(&[&october, &november], 5), Reach::Few);
        assert_eq!(reference::reach(&[&october, &november], 3), Reach::Enough);
        assert_eq!(reference::reach(&[&[], &[]], 5), Reach::Empty);
    }

    #[test]
    fn a_group_minus_visible_pieces_must_not_isolate_a_small_cell() {
        // The new group = {a, b}; the remembered report showed a; b alone holds 1 author.
        let cell_a = authors(0, 0..20);
        let cell_b = authors(0, 100..101);
        let empty: Vec<Author> = Vec::new();
        let base: Vec<&[Author]> = vec![&cell_b];
        let pieces = vec![(vec![&cell_a[..]], vec![&empty[..]])];
        assert!(!reference::selections_safe(&base, &pieces, 5));
        let wide_b = authors(0, 100..110);
        let base_wide: Vec<&[Author]> = vec![&wide_b];
        assert!(reference::selections_safe(&base_wide, &pieces, 5));
        // The same on samples.
        let sample_of = |list: &[Author]| {
            let mut sample = AuthorSample::default();
            for author in list {
                sample.add(*author, 5);
            }
            sample
        };
        let (sample_a, sample_b, sample_wide_b, sample_empty) = (
            sample_of(&cell_a),
            sample_of(&cell_b),
            sample_of(&wide_b),
            sample_of(&empty),
        );
        let sample_pieces = vec![(vec![&sample_a], vec![&sample_empty])];
        assert!(!selections_safe(&[&sample_b], &sample_pieces, 5));
        assert!(selections_safe(&[&sample_wide_b], &sample_pieces, 5));
    }
}
