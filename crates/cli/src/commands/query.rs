//! `peil query --workspace W "QUERY"`: aggregates only, through the k gate, with the caveat block.

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use peil_model::Role;
use peil_store::{AggregateRequest, Interval};

use super::actor::authorize_workspace;
use super::catalog::open_store;
use crate::report::{print_report, ReportDocument};
use crate::Context;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum IntervalArg {
    Hour,
    Day,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    #[arg(long)]
    workspace: String,
    #[arg(long)]
    org: Option<String>,
    /// Boolean query; empty for every stored post of the workspace.
    #[arg(default_value = "")]
    query: String,
    /// Start (inclusive): YYYY-MM-DD or RFC 3339.
    #[arg(long)]
    from: Option<String>,
    /// End (exclusive): YYYY-MM-DD or RFC 3339.
    #[arg(long)]
    to: Option<String>,
    #[arg(long, value_enum, default_value_t = IntervalArg::Day)]
    interval: IntervalArg,
    /// How many terms, hashtags and bigrams to list.
    #[arg(long, default_value_t = 15)]
    top: usize,
    #[arg(long)]
    json: bool,
}

/// Parses `YYYY-MM-DD` (midnight UTC) or an RFC 3339 timestamp.
pub fn parse_time(text: &str, option: &str) -> Result<DateTime<Utc>> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(midnight) = date.and_hms_opt(0, 0, 0) {
            return Ok(midnight.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| anyhow!("{option}: expected YYYY-MM-DD or an RFC 3339 time"))
}

impl From<IntervalArg> for Interval {
    fn from(argument: IntervalArg) -> Interval {
        match argument {
            IntervalArg::Hour => Interval::Hour,
            IntervalArg::Day => Interval::Day,
        }
    }
}

pub fn run(context: &Context, arguments: QueryArgs) -> Result<()> {
    let store = open_store(context)?;
    let (workspace, _actor) = authorize_workspace(
        &store,
        context,
        &arguments.workspace,
        arguments.org.as_deref(),
        &[Role::Analyst, Role::Fg],
        "query aggregates",
    )?;
    let organisation = store.organisation_by_id(workspace.organisation_id)?;
    let trimmed = arguments.query.trim();
    let allow_entries = store.allow_entries(workspace.organisation_id)?;
    peil_policy::refuse_person_targeting(&workspace, &allow_entries, trimmed)
        .map_err(|refusal| anyhow!("{refusal}"))
        .context("query refused")?;
    let query = if trimmed.is_empty() || trimmed == "*" {
        None
    } else {
        Some(
            peil_query::parse(trimmed)
                .map_err(|error| anyhow!("{error}"))
                .context("the query does not parse")?,
        )
    };
    let from = arguments
        .from
        .as_deref()
        .map(|text| parse_time(text, "--from"))
        .transpose()?;
    let to = arguments
        .to
        .as_deref()
        .map(|text| parse_time(text, "--to"))
        .transpose()?;
    if let (Some(start), Some(end)) = (from, to) {
        if start >= end {
            bail!("--from must be before --to");
        }
    }
    let request = AggregateRequest {
        query: query.as_ref(),
        from,
        to,
        interval: arguments.interval.into(),
        top: arguments.top,
    };
    let report = store.aggregate(&workspace, &request)?;
    let document = ReportDocument::new(&organisation.name, &workspace, trimmed, report);
    if arguments.json {
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print_report(&document, context.language);
    }
    Ok(())
}
