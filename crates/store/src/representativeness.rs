//! Representativeness of a report (issue 4, DESIGN.md invariant 10): how skewed the posts behind
//! an aggregate may be, stated next to it. Source and language mix are the report's own
//! partitions; this module adds the share of reposts, the share of posts from very
//! high-frequency authors, and per source the hours in the window without any data.
//!
//! Every figure passes the k gate: a share is shown (as a whole percentage, which also blunts
//! differencing between overlapping windows) only when both the group and the rest come from at
//! least k authors (or the group is empty); otherwise it is withheld. High-frequency authors are
//! found from pseudonyms per key period and never listed or counted in the output.
//! Residual risk: these shares are not part of the differencing audit of `differencing.rs`; the
//! rounding to whole percentages is the only protection against comparing two overlapping
//! scopes, which for scopes of more than 100 posts hides a single post.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter};
use serde::Serialize;

use crate::aggregate::Scope;
use crate::facts::{ActivityTally, ReportFacts, SplitTally};
use crate::{Store, StoreError};

/// Posts per day (on average over the days an author's pseudonym was seen posting in scope) from
/// which an author counts as very high-frequency.
pub const HIGH_FREQUENCY_POSTS_PER_DAY: u32 = 10;

/// A share of the posts in scope, through the k gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GatedShare {
    /// Whole percent (0–100) when shown.
    pub percent: Option<u32>,
    pub suppressed: bool,
}

/// Data coverage of one source in the report's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCoverage {
    pub source: String,
    /// Hours in the window (up to now).
    pub hours_in_window: u64,
    /// Hours in which Peil read no record at all from this source for this workspace.
    pub hours_without_data: u64,
}

/// The representativeness block of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Representativeness {
    /// Share of reposts/boosts (Mastodon boosts and imported retweets; Bluesky reposts carry no
    /// text and are not read).
    pub reposts: GatedShare,
    /// Share of posts written by very high-frequency authors (see the threshold).
    pub high_frequency_authors: GatedShare,
    pub high_frequency_posts_per_day: u32,
    pub source_coverage: Vec<SourceCoverage>,
}

/// A group of posts and the rest of the scope, with author lower bounds.
type Split = SplitTally;

fn gated_share(split: Split, k: u64) -> GatedShare {
    let total = split.group_posts + split.rest_posts;
    if split.group_posts == 0 {
        return GatedShare {
            percent: Some(0),
            suppressed: false,
        };
    }
    let group_visible = split.group_authors >= k;
    let rest_visible = split.rest_posts == 0 || split.rest_authors >= k;
    if !group_visible || !rest_visible || total == 0 {
        return GatedShare {
            percent: None,
            suppressed: true,
        };
    }
    let percent = ((split.group_posts as f64 * 100.0) / total as f64).round() as u32;
    GatedShare {
        percent: Some(percent.min(100)),
        suppressed: false,
    }
}

/// The representativeness block of a visible scope, over any backend's facts.
pub(crate) fn representativeness<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    scope: &F::Scope,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    k: u64,
    now: DateTime<Utc>,
) -> Result<Representativeness, F::Error> {
    let mut reposts = SplitTally::default();
    facts.repost_split(scope, &mut reposts)?;
    let high_frequency = high_frequency_split(facts, scope)?;
    let source_coverage = source_coverage(facts, workspace_id, window, now)?;
    Ok(Representativeness {
        reposts: gated_share(reposts, k),
        high_frequency_authors: gated_share(high_frequency, k),
        high_frequency_posts_per_day: HIGH_FREQUENCY_POSTS_PER_DAY,
        source_coverage,
    })
}

/// Posts of authors (pseudonym per key period) who posted at least
/// [`HIGH_FREQUENCY_POSTS_PER_DAY`] per day over the days between their first and last post in
/// scope (at least one day), against the rest.
fn high_frequency_split<F: ReportFacts + ?Sized>(
    facts: &F,
    scope: &F::Scope,
) -> Result<Split, F::Error> {
    let mut activity = ActivityTally::default();
    facts.author_activity(scope, &mut activity)?;
    let mut split = Split::default();
    for counts in activity.periods.values() {
        split.group_authors = split.group_authors.max(counts[0]);
        split.group_posts += counts[1];
        split.rest_authors = split.rest_authors.max(counts[2]);
        split.rest_posts += counts[3];
    }
    Ok(split)
}

/// Per source the workspace ever read from: hours of the window (clamped to `now`, and to the
/// span of the workspace's coverage when the window is open) without a record read. Sources in
/// byte order of their names.
fn source_coverage<F: ReportFacts + ?Sized>(
    facts: &F,
    workspace_id: i64,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    now: DateTime<Utc>,
) -> Result<Vec<SourceCoverage>, F::Error> {
    let Some((first_hour, last_hour)) = facts.source_hours_span(workspace_id)? else {
        return Ok(Vec::new());
    };
    let start = window.0.map_or(first_hour, |moment| moment.timestamp());
    let now_hour_end = {
        let seconds = now.timestamp();
        seconds - seconds.rem_euclid(3_600) + 3_600
    };
    let end = window
        .1
        .map_or(last_hour + 3_600, |moment| moment.timestamp())
        .min(now_hour_end);
    let start_hour = start - start.rem_euclid(3_600);
    if end <= start_hour {
        return Ok(Vec::new());
    }
    let hours_in_window = ((end - start_hour) + 3_599) as u64 / 3_600;
    let mut rows = facts.source_hours_with_data(workspace_id, start_hour, end)?;
    rows.sort_by(|left, right| left.0.as_bytes().cmp(right.0.as_bytes()));
    let mut coverage = Vec::with_capacity(rows.len());
    for (source, hours_with_data) in rows {
        coverage.push(SourceCoverage {
            source,
            hours_in_window,
            hours_without_data: hours_in_window.saturating_sub(hours_with_data),
        });
    }
    Ok(coverage)
}

/// The embedded store's representativeness facts (SQL over `posts p` and `source_hours`).
impl Store {
    pub(crate) fn repost_rows(
        &self,
        scope: &Scope,
        split: &mut SplitTally,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.is_repost, p.key_period, COUNT(*), COUNT(DISTINCT p.author_pseudonym)
             FROM posts p WHERE {condition} GROUP BY p.is_repost, p.key_period",
            condition = scope.condition
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(scope.parameters.iter()))?;
        while let Some(row) = rows.next()? {
            let is_repost: bool = row.get(0)?;
            let posts = row.get::<_, i64>(2)? as u64;
            let authors = row.get::<_, i64>(3)? as u64;
            split.add_period_row(is_repost, posts, authors);
        }
        Ok(())
    }

    pub(crate) fn author_activity_rows(
        &self,
        scope: &Scope,
        activity: &mut ActivityTally,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT p.key_period, COUNT(*), MIN(p.published_at), MAX(p.published_at)
             FROM posts p WHERE {condition} GROUP BY p.key_period, p.author_pseudonym",
            condition = scope.condition
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(scope.parameters.iter()))?;
        while let Some(row) = rows.next()? {
            let period = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let posts = row.get::<_, i64>(1)? as u64;
            let first: i64 = row.get(2)?;
            let last: i64 = row.get(3)?;
            activity.add_author(period, posts, first, last);
        }
        Ok(())
    }

    pub(crate) fn source_hours_span_of(
        &self,
        workspace_id: i64,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let (first_hour, last_hour): (Option<i64>, Option<i64>) = self.connection.query_row(
            "SELECT MIN(hour_start), MAX(hour_start) FROM source_hours WHERE workspace_id = ?1",
            params![workspace_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(first_hour.zip(last_hour))
    }

    pub(crate) fn source_hours_with_data_of(
        &self,
        workspace_id: i64,
        start_hour: i64,
        end: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT source, COUNT(*) FILTER (WHERE hour_start >= ?2 AND hour_start < ?3
                                              AND records_read > 0)
             FROM source_hours WHERE workspace_id = ?1 GROUP BY source ORDER BY source",
        )?;
        let rows = statement
            .query_map(params![workspace_id, start_hour, end], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_shows_only_when_group_and_rest_reach_k() {
        let visible = Split {
            group_posts: 30,
            group_authors: 12,
            rest_posts: 70,
            rest_authors: 40,
        };
        assert_eq!(
            gated_share(visible, 10),
            GatedShare {
                percent: Some(30),
                suppressed: false
            }
        );
        let small_group = Split {
            group_authors: 3,
            ..visible
        };
        assert_eq!(gated_share(small_group, 10).percent, None);
        assert!(gated_share(small_group, 10).suppressed);
        let small_rest = Split {
            rest_authors: 2,
            ..visible
        };
        assert!(gated_share(small_rest, 10).suppressed);
        let empty_group = Split {
            group_posts: 0,
            group_authors: 0,
            ..visible
        };
        assert_eq!(gated_share(empty_group, 10).percent, Some(0));
        let everything = Split {
            rest_posts: 0,
            rest_authors: 0,
            ..visible
        };
        assert_eq!(gated_share(everything, 10).percent, Some(100));
    }
}
