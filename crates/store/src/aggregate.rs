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
//! Differencing across *different* queries (a query and the same query minus a narrow term,
//! overlapping windows) is the subject of the governance work and not yet covered here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use peil_model::{SentimentLabel, Workspace};
use peil_query::Query;
use rusqlite::{params, params_from_iter, types::Value};
use serde::Serialize;

use crate::posts::{TERM_KIND_BIGRAM, TERM_KIND_HASHTAG};
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
    /// Number of suppressed cells across the whole report (terms included).
    pub suppressed_cells: u64,
}

/// Counts of one cell before the gate.
#[derive(Debug, Clone, Copy, Default)]
struct RawCell {
    posts: u64,
    authors_lower_bound: u64,
}

/// A partition dimension and its SQL key expression over `posts p`.
#[derive(Clone, Copy)]
enum Dimension {
    /// The whole scope as one cell (key `''`).
    Whole,
    Bucket(i64),
    Sentiment,
    Language,
    Source,
}

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
        }
    }
}

/// The posts a request covers, as a SQL condition on `posts p` plus its parameters.
struct Scope {
    condition: String,
    parameters: Vec<Value>,
}

fn fold_periods(rows: Vec<(String, u64, u64)>) -> BTreeMap<String, RawCell> {
    let mut cells: BTreeMap<String, RawCell> = BTreeMap::new();
    for (key, posts, authors) in rows {
        let cell = cells.entry(key).or_default();
        cell.posts += posts;
        cell.authors_lower_bound = cell.authors_lower_bound.max(authors);
    }
    cells
}

impl Store {
    fn scope(
        &self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<Scope, StoreError> {
        let mut condition =
            String::from("p.workspace_id = ?1 AND p.published_at >= ?2 AND p.published_at < ?3");
        let parameters = vec![
            Value::Integer(workspace.id),
            Value::Integer(request.from.map_or(i64::MIN, |from| from.timestamp())),
            Value::Integer(request.to.map_or(i64::MAX, |to| to.timestamp())),
        ];
        if let Some(query) = request.query {
            let post_ids = self
                .index
                .search(workspace.id, query.to_tantivy(self.index.schema()))?;
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

    /// Applies the k gate and complementary suppression to one partition.
    fn gate_partition(
        &self,
        scope: &Scope,
        dimension: Dimension,
        raw: &BTreeMap<String, RawCell>,
        k: u64,
        total_posts: Option<u64>,
    ) -> Result<BTreeSet<String>, StoreError> {
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
        while self.union_authors(scope, dimension, &suppressed)? < k {
            let Some((key, _)) = next_visible.next() else {
                break;
            };
            suppressed.insert(key.clone());
        }
        Ok(suppressed)
    }

    /// Top terms, hashtags and bigrams of the scope, gated. One scan of the scope's term
    /// occurrences; distinct authors are counted exactly in memory (sort and count), per key
    /// period, and the largest per-period count is the term's author lower bound.
    fn term_lists(&self, scope: &Scope, k: u64, top: usize) -> Result<[TermList; 3], StoreError> {
        let sql = format!(
            "SELECT pt.term_id, p.key_period, p.author_pseudonym
             FROM posts p
             JOIN post_terms pt ON pt.post_id = p.id
             WHERE {condition}",
            condition = scope.condition
        );
        let kinds: HashMap<i64, i64> = {
            let mut select_kinds = self
                .connection
                .prepare_cached("SELECT id, kind FROM terms WHERE workspace_id = ?1")?;
            let workspace_id = scope.parameters.first().cloned().unwrap_or(Value::Null);
            let pairs = select_kinds
                .query_map(params![workspace_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<HashMap<i64, i64>, _>>()?;
            pairs
        };
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(scope.parameters.iter()))?;
        let mut periods: HashMap<String, u16> = HashMap::new();
        // (term id, period index, first 8 bytes of the pseudonym): collisions of 64-bit prefixes
        // are negligible and could only lower the count, which keeps the gate conservative.
        let mut occurrences: Vec<(i64, u16, u64)> = Vec::new();
        while let Some(row) = rows.next()? {
            let term_id: i64 = row.get(0)?;
            let period_text = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let period_index = match periods.get(period_text) {
                Some(index) => *index,
                None => {
                    let index = periods.len() as u16;
                    periods.insert(period_text.to_string(), index);
                    index
                }
            };
            let pseudonym = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
            let mut prefix = [0u8; 8];
            for (target, source) in prefix.iter_mut().zip(pseudonym.iter()) {
                *target = *source;
            }
            occurrences.push((term_id, period_index, u64::from_le_bytes(prefix)));
        }
        occurrences.sort_unstable();
        // Per kind: (posts, term id) of passing terms, and the number of suppressed terms.
        let mut passing: [Vec<(u64, i64)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut suppressed = [0u64; 3];
        let mut group_start = 0;
        while group_start < occurrences.len() {
            let term_id = occurrences[group_start].0;
            let mut group_end = group_start;
            let mut best_authors = 0u64;
            let mut period_authors = 0u64;
            let mut previous: Option<(u16, u64)> = None;
            while group_end < occurrences.len() && occurrences[group_end].0 == term_id {
                let (_, period, author) = occurrences[group_end];
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
            let kind_index = match kinds.get(&term_id) {
                Some(&TERM_KIND_HASHTAG) => 1,
                Some(&TERM_KIND_BIGRAM) => 2,
                _ => 0,
            };
            if best_authors < k {
                suppressed[kind_index] += 1;
            } else {
                passing[kind_index].push((posts, term_id));
            }
            group_start = group_end;
        }
        let mut select_text = self
            .connection
            .prepare_cached("SELECT text FROM terms WHERE id = ?1")?;
        let mut lists: [TermList; 3] = [TermList::empty(), TermList::empty(), TermList::empty()];
        for (kind_index, candidates) in passing.iter_mut().enumerate() {
            candidates
                .sort_unstable_by(|left, right| right.0.cmp(&left.0).then(left.1.cmp(&right.1)));
            let mut items = Vec::with_capacity(top);
            let mut extra_suppressed = 0;
            for (posts, term_id) in candidates.iter() {
                if items.len() >= top {
                    break;
                }
                let term: String = select_text.query_row(params![term_id], |row| row.get(0))?;
                if peil_model::is_placeholder(&term) {
                    extra_suppressed += 1;
                    continue;
                }
                items.push(TermCell {
                    term,
                    posts: *posts,
                });
            }
            lists[kind_index] = TermList {
                items,
                suppressed: suppressed[kind_index] + extra_suppressed,
            };
        }
        Ok(lists)
    }

    /// Computes every aggregate of `request` for `workspace`, with the k gate applied.
    pub fn aggregate(
        &self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<AggregateReport, StoreError> {
        let k = u64::from(workspace.k.max(peil_model::MINIMUM_K));
        let scope = self.scope(workspace, request)?;
        let total_rows = self
            .partition(&scope, Dimension::Whole)?
            .remove("")
            .unwrap_or_default();
        let scope_visible = total_rows.posts > 0 && total_rows.authors_lower_bound >= k;
        let totals = Totals {
            posts: scope_visible.then_some(total_rows.posts),
            authors_at_least: scope_visible.then_some(total_rows.authors_lower_bound),
            suppressed: total_rows.posts > 0 && !scope_visible,
        };
        let mut suppressed_cells = u64::from(totals.suppressed);
        let total_posts = totals.posts;

        let mut partition_cells =
            |dimension: Dimension, expected_keys: Vec<String>| -> Result<Vec<Cell>, StoreError> {
                let raw = self.partition(&scope, dimension)?;
                let suppressed = if scope_visible {
                    self.gate_partition(&scope, dimension, &raw, k, total_posts)?
                } else {
                    raw.keys().cloned().collect()
                };
                let mut keys: BTreeSet<String> = raw.keys().cloned().collect();
                keys.extend(expected_keys);
                let mut cells = Vec::with_capacity(keys.len());
                for key in keys {
                    let posts = raw.get(&key).map_or(0, |cell| cell.posts);
                    let is_suppressed = suppressed.contains(&key);
                    if is_suppressed {
                        suppressed_cells += 1;
                    }
                    let shown_posts = (!is_suppressed).then_some(posts);
                    let share = match (shown_posts, total_posts) {
                        (Some(cell_posts), Some(all_posts)) if all_posts > 0 => {
                            Some(cell_posts as f64 / all_posts as f64)
                        }
                        _ => None,
                    };
                    cells.push(Cell {
                        key,
                        posts: shown_posts,
                        share,
                        suppressed: is_suppressed,
                    });
                }
                Ok(cells)
            };

        let width = request.interval.seconds();
        let mut volume = partition_cells(Dimension::Bucket(width), Vec::new())?;
        fill_empty_buckets(&mut volume, width);
        for cell in &mut volume {
            if let Ok(seconds) = cell.key.parse::<i64>() {
                if let Some(start) = Utc.timestamp_opt(seconds, 0).single() {
                    cell.key = start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                }
            }
        }
        let sentiment = partition_cells(
            Dimension::Sentiment,
            SentimentLabel::ALL
                .iter()
                .map(|label| label.code().to_string())
                .collect(),
        )?;
        let languages = partition_cells(Dimension::Language, Vec::new())?;
        let sources = partition_cells(Dimension::Source, Vec::new())?;

        let [terms, hashtags, bigrams] = if scope_visible {
            self.term_lists(&scope, k, request.top)?
        } else {
            [TermList::empty(), TermList::empty(), TermList::empty()]
        };
        suppressed_cells += terms.suppressed + hashtags.suppressed + bigrams.suppressed;

        Ok(AggregateReport {
            k: k as u32,
            interval: request.interval,
            from: request.from,
            to: request.to,
            totals,
            volume,
            sentiment,
            languages,
            sources,
            terms,
            hashtags,
            bigrams,
            suppressed_cells,
        })
    }
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
