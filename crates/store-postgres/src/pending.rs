//! TEMPORARY stand-ins for the `PostgresStore` methods that two other parts of issue 8 deliver
//! (the full report: `report.rs`, `source_hours.rs`; data-subject requests and webcare:
//! `subjects.rs`, `webcare.rs`), with exactly the agreed signatures, so that the service can be
//! wired to PostgreSQL now. The merge replaces each of them.
//!
//! This module must never give a silently wrong answer: what it cannot answer yet it refuses with
//! `PostgresStoreError::NotYetOnPostgres`, and the one report it gives holds only the k-gated
//! partitions (the term-derived parts are empty, never guessed).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use peil_model::Workspace;
use peil_store::{
    AggregateReport, AggregateRequest, RisingTerms, TermList, WebcarePage, WebcareStatus,
};

use crate::{PostgresStore, PostgresStoreError};

/// What an erasure of pseudonyms deleted in one workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PseudonymErasure {
    pub posts: u64,
    pub webcare_messages: u64,
}

fn empty_terms() -> TermList {
    TermList {
        items: Vec::new(),
        suppressed: 0,
    }
}

impl PostgresStore {
    // TEMPORARY: replaced by report.rs at merge
    /// The report of `request`: the k-gated partitions from `aggregate_partitions`; terms,
    /// hashtags, word pairs, rising terms, bursts, clusters and representativeness stay empty.
    pub fn aggregate(
        &mut self,
        workspace: &Workspace,
        request: &AggregateRequest<'_>,
    ) -> Result<AggregateReport, PostgresStoreError> {
        let partitions = self.aggregate_partitions(workspace, request)?;
        Ok(AggregateReport {
            k: partitions.k,
            interval: partitions.interval,
            from: partitions.from,
            to: partitions.to,
            totals: partitions.totals,
            volume: partitions.volume,
            sentiment: partitions.sentiment,
            languages: partitions.languages,
            sources: partitions.sources,
            terms: empty_terms(),
            hashtags: empty_terms(),
            bigrams: empty_terms(),
            sentiment_series: partitions.sentiment_series,
            sentiment_series_suppressed: partitions.sentiment_series_suppressed,
            suppressed_cells: partitions.suppressed_cells,
            rising: RisingTerms {
                baseline_from: None,
                baseline_to: None,
                unavailable: None,
                terms: Vec::new(),
                hashtags: Vec::new(),
                bigrams: Vec::new(),
            },
            bursts: Vec::new(),
            clusters: Vec::new(),
            representativeness: None,
            differencing_refusal: partitions.differencing_refusal,
        })
    }

    // TEMPORARY: replaced by source_hours.rs at merge
    /// Records source coverage per hour. Until the report lands nothing reads it on PostgreSQL
    /// (the temporary report has no representativeness block), so nothing is written.
    pub fn record_source_hours(
        &mut self,
        workspace_ids: &[i64],
        hours: &BTreeMap<(String, i64), u64>,
    ) -> Result<(), PostgresStoreError> {
        let _ = (workspace_ids, hours);
        Ok(())
    }

    // TEMPORARY: replaced by subjects.rs at merge
    /// Stored posts of those author pseudonyms.
    pub fn posts_of_pseudonyms(
        &mut self,
        workspace_id: i64,
        pseudonyms: &[[u8; 32]],
    ) -> Result<u64, PostgresStoreError> {
        let _ = (workspace_id, pseudonyms);
        Err(PostgresStoreError::NotYetOnPostgres("posts_of_pseudonyms"))
    }

    // TEMPORARY: replaced by subjects.rs at merge
    /// Deletes the posts of those author pseudonyms for real, in one transaction.
    pub fn erase_posts_of_pseudonyms(
        &mut self,
        workspace_id: i64,
        pseudonyms: &[[u8; 32]],
    ) -> Result<PseudonymErasure, PostgresStoreError> {
        let _ = (workspace_id, pseudonyms);
        Err(PostgresStoreError::NotYetOnPostgres(
            "erase_posts_of_pseudonyms",
        ))
    }

    // TEMPORARY: replaced by webcare.rs at merge
    /// A page of the webcare inbox of a workspace.
    pub fn webcare_messages(
        &mut self,
        workspace_id: i64,
        limit: usize,
        offset: usize,
    ) -> Result<WebcarePage, PostgresStoreError> {
        let _ = (workspace_id, limit, offset);
        Err(PostgresStoreError::NotYetOnPostgres("webcare_messages"))
    }

    // TEMPORARY: replaced by webcare.rs at merge
    /// Number of webcare messages of a workspace.
    pub fn webcare_message_count(&mut self, workspace_id: i64) -> Result<u64, PostgresStoreError> {
        let _ = workspace_id;
        Err(PostgresStoreError::NotYetOnPostgres(
            "webcare_message_count",
        ))
    }

    // TEMPORARY: replaced by webcare.rs at merge
    /// Sets the status of a webcare message.
    pub fn set_webcare_status(
        &mut self,
        workspace_id: i64,
        message_id: i64,
        status: WebcareStatus,
        at: DateTime<Utc>,
    ) -> Result<(), PostgresStoreError> {
        let _ = (workspace_id, message_id, status, at);
        Err(PostgresStoreError::NotYetOnPostgres("set_webcare_status"))
    }
}
