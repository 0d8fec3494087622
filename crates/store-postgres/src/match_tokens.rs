//! The query prefilter on PostgreSQL: each post's match tokens (`posts.match_tokens`, GIN
//! indexed) and the SQL condition of a query's `peil_query::Prefilter` over them.
//!
//! * A batch writes the tokens of every post it stores (`post_match_tokens`, from the very
//!   `MatchDoc` the scope's matcher builds); posts stored before migration 6 are backfilled when
//!   a store connects (`backfill_match_tokens`), and while a workspace still holds a post without
//!   tokens such a post passes the prefilter, so an answer never depends on the backfill.
//! * The condition selects a superset of the posts the query matches; the matcher decides.
//!
//! This module must never log or return post text or tokens, and never narrow a scope by more
//! than the query implies.

use chrono::{DateTime, Utc};
use peil_analysis::text::Analyzers;
use peil_model::Language;
use peil_query::{MatchDoc, Prefilter};
use postgres::Client;

use crate::posts::TERM_PREFIX_HASHTAG;
use crate::{PostgresStoreError, RETENTION_LOCK_KEY};

/// Posts backfilled per transaction.
const BACKFILL_BATCH: i64 = 500;

/// The match tokens of a post, as the scope's matcher sees the post.
pub(crate) fn post_match_tokens(
    analyzers: &mut Analyzers,
    text: &str,
    language: Language,
    source: &str,
    hashtags: &[String],
) -> Vec<String> {
    MatchDoc::new(analyzers, text, language, source, hashtags).prefilter_tokens()
}

/// Fills `match_tokens` of the posts stored without them (before migration 6), in batches of
/// `BACKFILL_BATCH` posts; several processes may run it at once (rows another one holds are
/// skipped and filled by it). Returns the number of posts filled.
pub(crate) fn backfill_match_tokens(client: &mut Client) -> Result<u64, PostgresStoreError> {
    let mut analyzers = Analyzers::default();
    let mut filled = 0u64;
    loop {
        let mut transaction = client.transaction()?;
        // Shared, like a batch: a retention run (exclusive) waits.
        transaction.execute(
            "SELECT pg_advisory_xact_lock_shared($1)",
            &[&RETENTION_LOCK_KEY],
        )?;
        let rows = transaction.query(
            &format!(
                "SELECT p.workspace_id, p.post_id, p.published_at, p.text, p.language, p.source,
                        ARRAY(SELECT substr(term, 3) FROM unnest(p.terms) AS term
                              WHERE left(term, 2) = '{TERM_PREFIX_HASHTAG}' ORDER BY term)
                 FROM posts p WHERE p.match_tokens IS NULL
                 LIMIT $1 FOR UPDATE SKIP LOCKED"
            ),
            &[&BACKFILL_BATCH],
        )?;
        if rows.is_empty() {
            transaction.commit()?;
            return Ok(filled);
        }
        let statement = transaction.prepare(
            "UPDATE posts SET match_tokens = $4
             WHERE workspace_id = $1 AND post_id = $2 AND published_at = $3",
        )?;
        for row in &rows {
            let workspace_id: i64 = row.try_get(0)?;
            let post_id: i64 = row.try_get(1)?;
            let published_at: DateTime<Utc> = row.try_get(2)?;
            let text: &str = row.try_get(3)?;
            let language: &str = row.try_get(4)?;
            let source: &str = row.try_get(5)?;
            let hashtags: Vec<String> = row.try_get(6)?;
            let tokens = post_match_tokens(
                &mut analyzers,
                text,
                Language::from_tag(language),
                source,
                &hashtags,
            );
            transaction.execute(
                &statement,
                &[&workspace_id, &post_id, &published_at, &tokens],
            )?;
        }
        transaction.commit()?;
        filled += u64::try_from(rows.len()).unwrap_or(u64::MAX);
    }
}

/// Whether some post of `workspace_id` has no match tokens yet (stored before migration 6 and not
/// yet backfilled, or written by an older version of Peil); answered by the partial index
/// `posts_match_tokens_missing`.
pub(crate) fn workspace_has_posts_without_tokens(
    client: &mut Client,
    workspace_id: i64,
) -> Result<bool, PostgresStoreError> {
    let row = client.query_one(
        "SELECT EXISTS (SELECT 1 FROM posts p
                        WHERE p.workspace_id = $1 AND p.match_tokens IS NULL)",
        &[&workspace_id],
    )?;
    Ok(row.try_get(0)?)
}

/// The SQL condition of `prefilter` on `posts p`; the token lists it names are pushed to
/// `token_lists` and referenced as `$n` with n = `first_parameter` + their index there. With
/// `posts_without_tokens`, a post without tokens passes too (the GIN index then cannot narrow
/// the scan, but the answer stays exact).
pub(crate) fn prefilter_condition(
    prefilter: &Prefilter,
    first_parameter: usize,
    token_lists: &mut Vec<Vec<String>>,
    posts_without_tokens: bool,
) -> String {
    let inner = prefilter_sql(prefilter, first_parameter, token_lists);
    if posts_without_tokens {
        return format!("(p.match_tokens IS NULL OR {inner})");
    }
    inner
}

fn prefilter_sql(
    prefilter: &Prefilter,
    first_parameter: usize,
    token_lists: &mut Vec<Vec<String>>,
) -> String {
    match prefilter {
        Prefilter::Nothing => "false".into(),
        Prefilter::AllTokens(tokens) => {
            token_lists.push(tokens.clone());
            format!(
                "p.match_tokens @> ${}::text[]",
                first_parameter + token_lists.len() - 1
            )
        }
        Prefilter::AnyToken(tokens) => {
            token_lists.push(tokens.clone());
            format!(
                "p.match_tokens && ${}::text[]",
                first_parameter + token_lists.len() - 1
            )
        }
        Prefilter::And(operands) => joined(operands, " AND ", first_parameter, token_lists),
        Prefilter::Or(operands) => joined(operands, " OR ", first_parameter, token_lists),
    }
}

fn joined(
    operands: &[Prefilter],
    separator: &str,
    first_parameter: usize,
    token_lists: &mut Vec<Vec<String>>,
) -> String {
    let parts: Vec<String> = operands
        .iter()
        .map(|operand| prefilter_sql(operand, first_parameter, token_lists))
        .collect();
    format!("({})", parts.join(separator))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition_of(input: &str) -> Option<(String, Vec<Vec<String>>)> {
        let query = peil_query::parse(input).ok()?;
        let prefilter = query.prefilter()?;
        let mut token_lists = Vec::new();
        let condition = prefilter_condition(&prefilter, 4, &mut token_lists, true);
        Some((condition, token_lists))
    }

    #[test]
    fn conditions_number_their_token_lists_after_the_scope_parameters() {
        assert_eq!(
            condition_of("#klimaat lang:nl"),
            Some((
                "(p.match_tokens IS NULL OR p.match_tokens @> $4::text[])".to_string(),
                vec![vec!["h:klimaat".to_string(), "l:nl".to_string()]]
            ))
        );
        let Some((condition, token_lists)) = condition_of("(#a1 OR #b1) \"gft bak\"") else {
            panic!("an AND of an OR and a phrase has a prefilter");
        };
        assert_eq!(
            condition,
            "(p.match_tokens IS NULL OR (p.match_tokens @> $4::text[] AND p.match_tokens && $5::text[]))"
        );
        assert_eq!(token_lists.len(), 2);
        assert_eq!(condition_of("zwem*"), None);
        let Some(prefilter) = peil_query::parse("#klimaat")
            .ok()
            .and_then(|query| query.prefilter())
        else {
            panic!("a hashtag has a prefilter");
        };
        let mut token_lists = Vec::new();
        assert_eq!(
            prefilter_condition(&prefilter, 2, &mut token_lists, false),
            "p.match_tokens @> $2::text[]"
        );
    }
}
