//! The k-gated partitions of an aggregate on PostgreSQL: the fact queries of
//! `peil_store::AggregateFacts` over `posts`, with the gating logic of `peil_store` itself
//! (`peil_store::aggregate_partitions`), so both backends give the same answer for the same posts.
//!
//! * A query is evaluated exactly as the embedded store's tantivy index evaluates it: the posts
//!   of the workspace and window are read (id, de-identified text, language, source, hashtags
//!   from the stored `h:` terms) and matched with `peil_query`'s matcher, which analyses a post
//!   exactly like the index (terms, phrases, wildcards, hashtags, language and source filters,
//!   AND/OR/NOT). The matching posts' ids restrict every fact query. Only the posts the query's
//!   prefilter selects (`match_tokens.rs`, a superset of the matching ones) are read; where the
//!   prefilter decides alone (`Query::prefilter_decides`) and every post of the workspace holds
//!   its tokens, the selected ids are the answer and no text is read.
//! * Cell keys are the same text as in the embedded store: bucket starts in Unix seconds
//!   (`published - published % width` over whole seconds), sentiment and language codes, source
//!   names.
//!
//! This module must never return a fact (a count before the gate) outside `peil_store`'s opaque
//! types, never return or log post text or pseudonyms, and never answer a request with a set of
//! posts that differs from the embedded store's.

use std::cell::RefCell;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use peil_analysis::text::Analyzers;
use peil_model::{Language, Workspace};
use peil_query::{MatchDoc, Query};
use peil_store::{
    AggregateFacts, AggregateRequest, AuditRows, AuthorLowerBound, Dimension, PartitionReport,
    RawPartition, StoredAnswer,
};
use postgres::types::ToSql;
use postgres::Client;

use crate::match_tokens::{prefilter_condition, workspace_has_posts_without_tokens};
use crate::posts::TERM_PREFIX_HASHTAG;
use crate::{PostgresStore, PostgresStoreError};

/// Whole seconds of a post's publication time, as the embedded store keeps them.
pub(crate) const PUBLISHED_SECONDS: &str = "floor(extract(epoch FROM p.published_at))::bigint";

/// The posts a request covers on PostgreSQL.
pub struct PostgresScope {
    pub(crate) workspace_id: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    /// The ids of the posts matching the query; `None` without a query.
    post_ids: Option<Vec<i64>>,
}

impl PostgresScope {
    /// The SQL condition on `posts p` and its parameters, numbered from `$1`.
    pub(crate) fn condition(&self) -> (String, Vec<&(dyn ToSql + Sync)>) {
        let mut condition = String::from("p.workspace_id = $1");
        let mut parameters: Vec<&(dyn ToSql + Sync)> = vec![&self.workspace_id];
        if let Some(from) = &self.from {
            parameters.push(from);
            condition.push_str(&format!(" AND p.published_at >= ${}", parameters.len()));
        }
        if let Some(to) = &self.to {
            parameters.push(to);
            condition.push_str(&format!(" AND p.published_at < ${}", parameters.len()));
        }
        if let Some(post_ids) = &self.post_ids {
            parameters.push(post_ids);
            condition.push_str(&format!(" AND p.post_id = ANY(${})", parameters.len()));
        }
        (condition, parameters)
    }
}

/// The text key expression of `dimension` over `posts p` (the keys of `peil_store::Dimension`).
fn key_expression(dimension: Dimension) -> String {
    match dimension {
        Dimension::Whole => "''".into(),
        Dimension::Bucket(width) => {
            format!("(({PUBLISHED_SECONDS}) - mod(({PUBLISHED_SECONDS}), {width}))::text")
        }
        Dimension::Sentiment => "p.sentiment".into(),
        Dimension::Language => "p.language".into(),
        Dimension::Source => "p.source".into(),
        Dimension::SeriesCell(width) => format!(
            "((({PUBLISHED_SECONDS}) - mod(({PUBLISHED_SECONDS}), {width}))::text || ':' || p.sentiment)"
        ),
    }
}

/// Non-negative count from a `bigint` column.
pub(crate) fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The fact queries of one aggregate on one connection.
pub(crate) struct PostgresFacts<'a> {
    pub(crate) client: RefCell<&'a mut Client>,
    /// The term dictionary of the workspace asked about, read once per report (`report.rs`).
    pub(crate) dictionary: RefCell<Option<crate::report::Dictionary>>,
}

impl<'a> PostgresFacts<'a> {
    pub(crate) fn new(client: &'a mut Client) -> PostgresFacts<'a> {
        PostgresFacts {
            client: RefCell::new(client),
            dictionary: RefCell::new(None),
        }
    }
}

impl AggregateFacts for PostgresFacts<'_> {
    type Scope = PostgresScope;
    type Error = PostgresStoreError;

    fn scope(
        &self,
        workspace_id: i64,
        query: Option<&Query>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<PostgresScope, PostgresStoreError> {
        let mut scope = PostgresScope {
            workspace_id,
            from,
            to,
            post_ids: None,
        };
        let Some(query) = query else {
            return Ok(scope);
        };
        let (mut condition, mut parameters) = scope.condition();
        // The prefilter (match_tokens.rs): a superset of the matching posts, found by the GIN
        // index; the matcher below decides for each.
        let mut token_lists: Vec<Vec<String>> = Vec::new();
        let mut posts_without_tokens = true;
        if let Some(prefilter) = query.prefilter() {
            posts_without_tokens =
                workspace_has_posts_without_tokens(&mut self.client.borrow_mut(), workspace_id)?;
            let first_parameter = parameters.len() + 1;
            condition.push_str(" AND ");
            condition.push_str(&prefilter_condition(
                &prefilter,
                first_parameter,
                &mut token_lists,
                posts_without_tokens,
            ));
        }
        for token_list in &token_lists {
            parameters.push(token_list);
        }
        if !token_lists.is_empty() && !posts_without_tokens && query.prefilter_decides() {
            // Every post holds its tokens and the prefilter decides: no text to read or match.
            let sql = format!("SELECT p.post_id FROM posts p WHERE {condition}");
            let rows = self.client.borrow_mut().query(&sql, &parameters)?;
            let mut post_ids = Vec::with_capacity(rows.len());
            for row in rows {
                post_ids.push(row.try_get::<_, i64>(0)?);
            }
            post_ids.sort_unstable();
            scope.post_ids = Some(post_ids);
            return Ok(scope);
        }
        let sql = format!(
            "SELECT p.post_id, p.text, p.language, p.source,
                    ARRAY(SELECT substr(term, 3) FROM unnest(p.terms) AS term
                          WHERE left(term, 2) = '{TERM_PREFIX_HASHTAG}' ORDER BY term)
             FROM posts p WHERE {condition}"
        );
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        let mut analyzers = Analyzers::default();
        let mut post_ids = Vec::new();
        for row in rows {
            let post_id: i64 = row.try_get(0)?;
            let text: &str = row.try_get(1)?;
            let language: &str = row.try_get(2)?;
            let source: &str = row.try_get(3)?;
            let hashtags: Vec<String> = row.try_get(4)?;
            let document = MatchDoc::new(
                &mut analyzers,
                text,
                Language::from_tag(language),
                source,
                &hashtags,
            );
            if query.matches(&document) {
                post_ids.push(post_id);
            }
        }
        post_ids.sort_unstable();
        scope.post_ids = Some(post_ids);
        Ok(scope)
    }

    fn partition(
        &self,
        scope: &PostgresScope,
        dimension: Dimension,
    ) -> Result<RawPartition, PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!(
            "SELECT {key} AS cell_key, p.key_period, COUNT(*), COUNT(DISTINCT p.author_pseudonym)
             FROM posts p WHERE {condition} GROUP BY 1, 2",
            key = key_expression(dimension),
        );
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        let mut period_rows = Vec::with_capacity(rows.len());
        for row in rows {
            let key: String = row.try_get(0)?;
            let posts: i64 = row.try_get(2)?;
            let authors: i64 = row.try_get(3)?;
            period_rows.push((key, count(posts), count(authors)));
        }
        Ok(RawPartition::from_period_rows(period_rows))
    }

    fn union_authors(
        &self,
        scope: &PostgresScope,
        dimension: Dimension,
        keys: &BTreeSet<String>,
    ) -> Result<AuthorLowerBound, PostgresStoreError> {
        if keys.is_empty() {
            return Ok(AuthorLowerBound::default());
        }
        let (condition, mut parameters) = scope.condition();
        let key_list: Vec<String> = keys.iter().cloned().collect();
        parameters.push(&key_list);
        let sql = format!(
            "SELECT COUNT(DISTINCT p.author_pseudonym) FROM posts p
             WHERE {condition} AND {key} = ANY(${position}) GROUP BY p.key_period",
            key = key_expression(dimension),
            position = parameters.len(),
        );
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            let authors: i64 = row.try_get(0)?;
            counts.push(count(authors));
        }
        Ok(AuthorLowerBound::from_period_counts(counts))
    }

    fn scope_post_ids(&self, scope: &PostgresScope) -> Result<Vec<i64>, PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!("SELECT p.post_id FROM posts p WHERE {condition}");
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        let mut post_ids = Vec::with_capacity(rows.len());
        for row in rows {
            post_ids.push(row.try_get::<_, i64>(0)?);
        }
        post_ids.sort_unstable();
        post_ids.dedup();
        Ok(post_ids)
    }

    fn audit_rows(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        audit_rows: &mut AuditRows<'_>,
    ) -> Result<(), PostgresStoreError> {
        let wanted: Vec<i64> = sorted_ids.to_vec();
        let sql = format!(
            "SELECT p.post_id, {PUBLISHED_SECONDS}, p.key_period, p.author_pseudonym,
                    p.sentiment, p.language, p.source
             FROM posts p WHERE p.workspace_id = $1 AND p.post_id = ANY($2) ORDER BY p.post_id"
        );
        let rows = self
            .client
            .borrow_mut()
            .query(&sql, &[&workspace_id, &wanted])?;
        for row in rows {
            audit_rows.push(
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
            );
        }
        Ok(())
    }

    fn remembered_answers(
        &self,
        workspace_id: i64,
        not_before: i64,
        limit: usize,
    ) -> Result<Vec<StoredAnswer>, PostgresStoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.client.borrow_mut().query(
            "SELECT answered_scope_id, post_ids, shown_cells FROM answered_scopes
             WHERE workspace_id = $1 AND answered_at >= $2
             ORDER BY answered_at DESC, answered_scope_id DESC LIMIT $3",
            &[&workspace_id, &not_before, &limit],
        )?;
        let mut answers = Vec::with_capacity(rows.len());
        for row in rows {
            answers.push(StoredAnswer {
                id: row.try_get(0)?,
                post_ids: row.try_get(1)?,
                shown_cells: row.try_get(2)?,
            });
        }
        Ok(answers)
    }

    fn remember_answer(
        &self,
        workspace_id: i64,
        answered_at: i64,
        sorted_post_ids: &[i64],
        shown_cells: &str,
        keep: usize,
    ) -> Result<(), PostgresStoreError> {
        let post_ids: Vec<i64> = sorted_post_ids.to_vec();
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        let mut client = self.client.borrow_mut();
        let mut transaction = client.transaction()?;
        transaction.execute(
            "INSERT INTO answered_scopes (workspace_id, answered_at, post_ids, shown_cells)
             VALUES ($1, $2, $3, $4)",
            &[&workspace_id, &answered_at, &post_ids, &shown_cells],
        )?;
        transaction.execute(
            "DELETE FROM answered_scopes WHERE workspace_id = $1 AND answered_scope_id NOT IN (
                SELECT answered_scope_id FROM answered_scopes WHERE workspace_id = $1
                ORDER BY answered_at DESC, answered_scope_id DESC LIMIT $2)",
            &[&workspace_id, &keep],
        )?;
        transaction.commit()?;
        Ok(())
    }

    fn refresh_answer(
        &self,
        workspace_id: i64,
        id: i64,
        answered_at: i64,
    ) -> Result<(), PostgresStoreError> {
        self.client.borrow_mut().execute(
            "UPDATE answered_scopes SET answered_at = GREATEST(answered_at, $3)
             WHERE workspace_id = $1 AND answered_scope_id = $2",
            &[&workspace_id, &id, &answered_at],
        )?;
        Ok(())
    }
}

impl PostgresStore {
    /// The k-gated partitions of `request` for `workspace` (totals, volume, sentiment, languages,
    /// sources, sentiment over time), computed by `peil_store::aggregate_partitions` over this
    /// store's facts, with the differencing audit against this workspace's remembered answers
    /// (kept in `answered_scopes`): the same answer as the embedded store for the same posts and
    /// the same earlier answers.
    pub fn aggregate_partitions(
        &mut self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<PartitionReport, PostgresStoreError> {
        let facts = PostgresFacts::new(&mut self.client);
        peil_store::aggregate_partitions(&facts, workspace, request)
    }
}
