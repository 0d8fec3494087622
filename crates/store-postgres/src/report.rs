//! The full `AggregateReport` on PostgreSQL: the fact queries of `peil_store::ReportFacts` (term
//! occurrences through the term dictionary, baseline term counts, reposts, author activity,
//! source hours) beside those of `aggregate.rs`, with the report logic of `peil_store` itself
//! (`peil_store::aggregate_report`: k gate, suppression, term selection and the term rule of the
//! differencing audit, rising terms, bursts, clusters, representativeness), so both backends
//! give the same report for the same posts and the same earlier answers.
//!
//! Term ids are the dictionary's (`terms.rs`). This module must never return a fact outside
//! `peil_store`'s opaque types, and never return or log post text, term text or pseudonyms (a
//! term's text only leaves through the gated report).

use std::collections::{BTreeSet, HashMap};

use peil_model::Workspace;
use peil_store::{
    ActivityTally, AggregateReport, AggregateRequest, ReportFacts, SplitTally, TermKind,
    TermPostCounts, TermScan,
};

use crate::aggregate::{count, PostgresFacts, PostgresScope, PUBLISHED_SECONDS};
use crate::posts::{TERM_PREFIX_BIGRAM, TERM_PREFIX_HASHTAG, TERM_PREFIX_WORD};
use crate::{PostgresStore, PostgresStoreError};

/// The term dictionary of one workspace, read once per report.
pub(crate) struct Dictionary {
    workspace_id: i64,
    ids: HashMap<String, i64>,
    terms: HashMap<i64, String>,
}

impl Dictionary {
    /// The id of a stored (kind-prefixed) term; a post holding a term the dictionary lacks would
    /// make the report differ from the embedded store's, so it is an error.
    fn id_of(&self, term: &str) -> Result<i64, PostgresStoreError> {
        self.ids
            .get(term)
            .copied()
            .ok_or(PostgresStoreError::TermDictionaryIncomplete)
    }
}

/// The kind of a stored term from its prefix.
fn kind_of(term: &str) -> TermKind {
    if term.starts_with(TERM_PREFIX_HASHTAG) {
        TermKind::Hashtag
    } else if term.starts_with(TERM_PREFIX_BIGRAM) {
        TermKind::Bigram
    } else {
        TermKind::Word
    }
}

/// The text of a stored term without its kind prefix.
fn text_of(term: &str) -> &str {
    for prefix in [TERM_PREFIX_WORD, TERM_PREFIX_HASHTAG, TERM_PREFIX_BIGRAM] {
        if let Some(text) = term.strip_prefix(prefix) {
            return text;
        }
    }
    term
}

impl PostgresFacts<'_> {
    /// Runs `read` with the dictionary of `workspace_id`, reading it first when needed.
    fn with_dictionary<T>(
        &self,
        workspace_id: i64,
        read: impl FnOnce(&Dictionary) -> Result<T, PostgresStoreError>,
    ) -> Result<T, PostgresStoreError> {
        let loaded = self
            .dictionary
            .borrow()
            .as_ref()
            .is_some_and(|dictionary| dictionary.workspace_id == workspace_id);
        if !loaded {
            let rows = self.client.borrow_mut().query(
                "SELECT term_id, term FROM terms WHERE workspace_id = $1",
                &[&workspace_id],
            )?;
            let mut dictionary = Dictionary {
                workspace_id,
                ids: HashMap::with_capacity(rows.len()),
                terms: HashMap::with_capacity(rows.len()),
            };
            for row in rows {
                let term_id: i64 = row.try_get(0)?;
                let term: String = row.try_get(1)?;
                dictionary.ids.insert(term.clone(), term_id);
                dictionary.terms.insert(term_id, term);
            }
            *self.dictionary.borrow_mut() = Some(dictionary);
        }
        let dictionary = self.dictionary.borrow();
        match dictionary.as_ref() {
            Some(dictionary) => read(dictionary),
            None => Err(PostgresStoreError::TermDictionaryIncomplete),
        }
    }
}

impl ReportFacts for PostgresFacts<'_> {
    fn term_occurrences(
        &self,
        scope: &PostgresScope,
        scan: &mut TermScan,
    ) -> Result<(), PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!(
            "SELECT p.post_id, p.key_period, p.author_pseudonym, p.terms
             FROM posts p WHERE {condition}"
        );
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        self.with_dictionary(scope.workspace_id, |dictionary| {
            for row in &rows {
                let post_id: i64 = row.try_get(0)?;
                let key_period: &str = row.try_get(1)?;
                let pseudonym: &[u8] = row.try_get(2)?;
                let terms: Vec<&str> = row.try_get(3)?;
                scan.begin_post(post_id, key_period, pseudonym);
                for term in terms {
                    scan.push_term(dictionary.id_of(term)?);
                }
            }
            Ok(())
        })
    }

    fn term_kinds(&self, workspace_id: i64) -> Result<HashMap<i64, TermKind>, PostgresStoreError> {
        self.with_dictionary(workspace_id, |dictionary| {
            Ok(dictionary
                .terms
                .iter()
                .map(|(term_id, term)| (*term_id, kind_of(term)))
                .collect())
        })
    }

    fn term_text(&self, workspace_id: i64, term_id: i64) -> Result<String, PostgresStoreError> {
        self.with_dictionary(workspace_id, |dictionary| {
            dictionary
                .terms
                .get(&term_id)
                .map(|term| text_of(term).to_string())
                .ok_or(PostgresStoreError::TermDictionaryIncomplete)
        })
    }

    fn term_post_counts(
        &self,
        scope: &PostgresScope,
        counts: &mut TermPostCounts,
    ) -> Result<(), PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!("SELECT p.terms FROM posts p WHERE {condition}");
        let rows = self.client.borrow_mut().query(&sql, &parameters)?;
        self.with_dictionary(scope.workspace_id, |dictionary| {
            for row in &rows {
                let terms: Vec<&str> = row.try_get(0)?;
                for term in terms {
                    counts.add(dictionary.id_of(term)?);
                }
            }
            Ok(())
        })
    }

    fn post_terms(
        &self,
        workspace_id: i64,
        sorted_ids: &[i64],
        term_ids: &BTreeSet<i64>,
        found: &mut dyn FnMut(i64, i64),
    ) -> Result<(), PostgresStoreError> {
        if sorted_ids.is_empty() || term_ids.is_empty() {
            return Ok(());
        }
        let wanted: Vec<i64> = sorted_ids.to_vec();
        let rows = self.client.borrow_mut().query(
            "SELECT p.post_id, p.terms FROM posts p
             WHERE p.workspace_id = $1 AND p.post_id = ANY($2) ORDER BY p.post_id",
            &[&workspace_id, &wanted],
        )?;
        self.with_dictionary(workspace_id, |dictionary| {
            for row in &rows {
                let post_id: i64 = row.try_get(0)?;
                let terms: Vec<&str> = row.try_get(1)?;
                for term in terms {
                    let term_id = dictionary.id_of(term)?;
                    if term_ids.contains(&term_id) {
                        found(post_id, term_id);
                    }
                }
            }
            Ok(())
        })
    }

    fn repost_split(
        &self,
        scope: &PostgresScope,
        split: &mut SplitTally,
    ) -> Result<(), PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!(
            "SELECT p.is_repost, p.key_period, COUNT(*), COUNT(DISTINCT p.author_pseudonym)
             FROM posts p WHERE {condition} GROUP BY 1, 2"
        );
        for row in self.client.borrow_mut().query(&sql, &parameters)? {
            let is_repost: bool = row.try_get(0)?;
            split.add_period_row(is_repost, count(row.try_get(2)?), count(row.try_get(3)?));
        }
        Ok(())
    }

    fn author_activity(
        &self,
        scope: &PostgresScope,
        activity: &mut ActivityTally,
    ) -> Result<(), PostgresStoreError> {
        let (condition, parameters) = scope.condition();
        let sql = format!(
            "SELECT p.key_period, COUNT(*), MIN({PUBLISHED_SECONDS}), MAX({PUBLISHED_SECONDS})
             FROM posts p WHERE {condition} GROUP BY p.key_period, p.author_pseudonym"
        );
        for row in self.client.borrow_mut().query(&sql, &parameters)? {
            let key_period: &str = row.try_get(0)?;
            activity.add_author(
                key_period,
                count(row.try_get(1)?),
                row.try_get(2)?,
                row.try_get(3)?,
            );
        }
        Ok(())
    }

    fn source_hours_span(
        &self,
        workspace_id: i64,
    ) -> Result<Option<(i64, i64)>, PostgresStoreError> {
        let row = self.client.borrow_mut().query_one(
            "SELECT MIN(hour_start), MAX(hour_start) FROM source_hours WHERE workspace_id = $1",
            &[&workspace_id],
        )?;
        let first: Option<i64> = row.try_get(0)?;
        let last: Option<i64> = row.try_get(1)?;
        Ok(first.zip(last))
    }

    fn source_hours_with_data(
        &self,
        workspace_id: i64,
        start_hour: i64,
        end: i64,
    ) -> Result<Vec<(String, u64)>, PostgresStoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT source, COUNT(*) FILTER (WHERE hour_start >= $2 AND hour_start < $3
                                              AND records_read > 0)
             FROM source_hours WHERE workspace_id = $1 GROUP BY source",
            &[&workspace_id, &start_hour, &end],
        )?;
        let mut hours = Vec::with_capacity(rows.len());
        for row in rows {
            hours.push((row.try_get(0)?, count(row.try_get(1)?)));
        }
        Ok(hours)
    }
}

impl PostgresStore {
    /// The full report of `request` for `workspace` (`peil_store::aggregate_report` over this
    /// store's facts): the same report as `Store::aggregate` for the same posts and the same
    /// earlier answers, remembered in `answered_scopes` for later differencing audits.
    pub fn aggregate(
        &mut self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<AggregateReport, PostgresStoreError> {
        let facts = PostgresFacts::new(&mut self.client);
        peil_store::aggregate_report(&facts, workspace, request)
    }
}
