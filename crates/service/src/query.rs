//! Aggregate queries: guard, then the store's k gate, then the caveat block.
//!
//! The query text passes the person-targeting guard before it is parsed; a refused query never
//! reaches the store and its text never reaches the audit log. What leaves this module is the
//! store's gated report with the caveat, never a post or a pseudonym.

use chrono::{DateTime, Utc};
use peil_model::{AllowEntry, Workspace};
use peil_policy::Caveat;
use peil_query::Query;
use peil_store::{AggregateReport, AggregateRequest, Interval};
use serde::Serialize;

use crate::operation::Operation;
use crate::{object_of, Actor, Service, ServiceError};

/// What an analyst asks.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    pub workspace: String,
    /// The organisation's name, when a workspace name exists in several organisations (the local
    /// operator only; a user's organisation is implied).
    pub organisation: Option<String>,
    /// Boolean query; empty (or `*`) for every stored post of the workspace.
    pub text: String,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub interval: Interval,
    /// How many terms, hashtags and bigrams to list at most.
    pub top: usize,
}

/// The answer: the gated report and the caveat block that must travel with it.
#[derive(Debug, Clone, Serialize)]
pub struct QueryAnswer {
    pub organisation: String,
    pub workspace: String,
    pub purpose: String,
    pub query: String,
    pub report: AggregateReport,
    pub caveat: Caveat,
}

/// Runs the guard on `query_text`, then parses it. `None` for an empty query (everything).
pub(crate) fn guarded_parse(
    workspace: &Workspace,
    allow_entries: &[AllowEntry],
    query_text: &str,
) -> Result<Option<Query>, ServiceError> {
    let trimmed = query_text.trim();
    peil_policy::screen_query(workspace, allow_entries, trimmed).map_err(|refusal| {
        ServiceError::QueryRefused {
            dutch: refusal.dutch,
            english: refusal.english,
        }
    })?;
    if trimmed.is_empty() || trimmed == "*" {
        return Ok(None);
    }
    peil_query::parse(trimmed)
        .map(Some)
        .map_err(|error| ServiceError::InvalidQuery(error.to_string()))
}

impl Service {
    /// Aggregates of a workspace for `request`, through guard, k gate and audit.
    pub fn query(
        &mut self,
        actor: &Actor,
        request: &QueryRequest,
    ) -> Result<QueryAnswer, ServiceError> {
        let workspace = self.workspace_for(
            actor,
            Operation::Query,
            &request.workspace,
            request.organisation.as_deref(),
        )?;
        let query_text = request.text.trim().to_string();
        let detail = query_text.clone();
        self.perform_on_data(
            actor,
            Operation::Query,
            Some(workspace.organisation_id),
            &object_of("workspace", &workspace.name),
            |stores, _| {
                let store = &mut *stores.control;
                if let (Some(start), Some(end)) = (request.from, request.to) {
                    if start >= end {
                        return Err(ServiceError::InvalidInput(
                            "het begin moet voor het einde liggen / from must be before to"
                                .to_string(),
                        ));
                    }
                }
                let allow_entries = store.allow_entries(workspace.organisation_id)?;
                let query = guarded_parse(&workspace, &allow_entries, &query_text)?;
                let aggregate_request = AggregateRequest {
                    query: query.as_ref(),
                    from: request.from,
                    to: request.to,
                    interval: request.interval,
                    top: request.top,
                };
                let organisation = store.organisation_by_id(workspace.organisation_id)?;
                let report = stores.aggregate(&workspace, &aggregate_request)?;
                let caveat = Caveat::for_report(&report);
                Ok(QueryAnswer {
                    organisation: organisation.name,
                    workspace: workspace.name.clone(),
                    purpose: workspace.purpose.code().to_string(),
                    query: query_text.clone(),
                    report,
                    caveat,
                })
            },
            |_| Some(detail),
        )
    }
}
