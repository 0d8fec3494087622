//! `peil query --workspace W "QUERY"`: aggregates only, through the k gate, with the caveat block.

use anyhow::{anyhow, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use peil_service::Interval;
use peil_service::QueryRequest;

use crate::report::print_report;
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
    let (mut service, actor) = context.open_service()?;
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
    let request = QueryRequest {
        workspace: arguments.workspace,
        organisation: arguments.org,
        text: arguments.query,
        from,
        to,
        interval: arguments.interval.into(),
        top: arguments.top,
    };
    let answer = service.query(&actor, &request)?;
    if arguments.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print_report(&answer, context.language);
    }
    Ok(())
}
