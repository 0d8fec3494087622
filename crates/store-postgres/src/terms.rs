//! The term dictionary on PostgreSQL (`terms`, migration 3): one id per workspace and
//! kind-prefixed term, as the embedded store's `terms` table, so both backends rank ties in the
//! term lists alike and the differencing audit remembers the same identities.
//!
//! * Ids come from the sequence `term_ids` in order of first appearance in a batch (every post of
//!   the batch in order, duplicates included; words, then hashtags, then word pairs, each in the
//!   order `peil_analysis` gave them), and only for terms a stored post holds: among the terms
//!   the workspace holds, a later term has a larger id, as in the embedded store.
//! * A term that no remaining post holds is deleted in the same transaction as the deletion that
//!   released it (`remove_unused_terms`), so no term text of a deleted post stays readable
//!   (invariant 7), and a term seen again later gets a new, larger id (as in the embedded store).
//! * Batches hold [`TERM_DICTIONARY_LOCK_KEY`] shared from their dictionary writes to their
//!   commit; a deletion path holds it exclusively from its start (`lock_terms_for_removal`, before
//!   any row lock, else it could deadlock with a batch) until `remove_unused_terms` and its
//!   commit, so it never removes a term that an uncommitted batch is about to use.
//!
//! This module must never log or return term text outside the store's gated report.

use std::collections::{BTreeMap, HashSet};

use peil_store::StoredPost;
use postgres::Transaction;

use crate::posts::{
    note_for_compaction, term_key, TERM_PREFIX_BIGRAM, TERM_PREFIX_HASHTAG, TERM_PREFIX_WORD,
};
use crate::PostgresStoreError;

/// Advisory lock key of the term dictionary: batches hold it shared while they add terms (until
/// their commit), `remove_unused_terms` exclusively.
pub const TERM_DICTIONARY_LOCK_KEY: i64 = 0x7065_696c_7465_7231; // "peilter1"

/// The kind-prefixed terms of a post in the order the embedded store first looks them up:
/// words, hashtags, word pairs, each in list order.
fn terms_in_lookup_order(post: &StoredPost) -> impl Iterator<Item = String> + '_ {
    let kinds = [
        (TERM_PREFIX_WORD, &post.terms),
        (TERM_PREFIX_HASHTAG, &post.hashtags),
        (TERM_PREFIX_BIGRAM, &post.bigrams),
    ];
    kinds
        .into_iter()
        .flat_map(|(prefix, texts)| texts.iter().map(move |text| term_key(prefix, text)))
}

/// Adds to the dictionary every term that a stored post of the batch holds and the dictionary
/// lacks, with ids in order of first appearance in `posts` (duplicates included). `stored` flags
/// each post of `posts` (as `BatchOutcome::stored_flags`).
pub(crate) fn add_batch_terms(
    transaction: &mut Transaction<'_>,
    posts: &[StoredPost],
    stored: &[bool],
) -> Result<(), PostgresStoreError> {
    // Per workspace: the terms stored posts hold.
    let mut held: BTreeMap<i64, HashSet<String>> = BTreeMap::new();
    for (post, is_stored) in posts.iter().zip(stored.iter()) {
        if *is_stored {
            held.entry(post.workspace_id)
                .or_default()
                .extend(terms_in_lookup_order(post));
        }
    }
    if held.is_empty() {
        return Ok(());
    }
    transaction.execute(
        "SELECT pg_advisory_xact_lock_shared($1)",
        &[&TERM_DICTIONARY_LOCK_KEY],
    )?;
    // Per workspace: the held terms in order of first appearance in the batch.
    let mut ordered: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    for post in posts {
        let Some(held_here) = held.get(&post.workspace_id) else {
            continue;
        };
        for term in terms_in_lookup_order(post) {
            if held_here.contains(&term) && seen.insert((post.workspace_id, term.clone())) {
                ordered.entry(post.workspace_id).or_default().push(term);
            }
        }
    }
    for (workspace_id, terms) in ordered {
        let existing: HashSet<String> = transaction
            .query(
                "SELECT term FROM terms WHERE workspace_id = $1 AND term = ANY($2)",
                &[&workspace_id, &terms],
            )?
            .iter()
            .map(|row| row.try_get::<_, String>(0))
            .collect::<Result<_, _>>()?;
        let missing: Vec<String> = terms
            .into_iter()
            .filter(|term| !existing.contains(term))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let wanted = i64::try_from(missing.len()).unwrap_or(i64::MAX);
        let mut ids: Vec<i64> = transaction
            .query(
                "SELECT nextval('term_ids') FROM generate_series(1::bigint, $1::bigint)",
                &[&wanted],
            )?
            .iter()
            .map(|row| row.try_get::<_, i64>(0))
            .collect::<Result<_, _>>()?;
        ids.sort_unstable();
        // A batch beside this one may have added a term meanwhile: its id stays.
        transaction.execute(
            "INSERT INTO terms (workspace_id, term_id, term)
             SELECT $1, added.term_id, added.term
             FROM unnest($2::bigint[], $3::text[]) AS added (term_id, term)
             ORDER BY added.term_id
             ON CONFLICT (workspace_id, term) DO NOTHING",
            &[&workspace_id, &ids, &missing],
        )?;
    }
    Ok(())
}

/// Takes the dictionary lock exclusively for the rest of `transaction`. A deletion path calls it
/// first, before it locks any row (rollups, references): a batch holds the lock shared while it
/// changes rollups, so taking it after them could deadlock.
pub(crate) fn lock_terms_for_removal(
    transaction: &mut Transaction<'_>,
) -> Result<(), PostgresStoreError> {
    transaction.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&TERM_DICTIONARY_LOCK_KEY],
    )?;
    Ok(())
}

/// Deletes the dictionary entries of `workspace_id` that no remaining post holds: among
/// `candidates` (the kind-prefixed terms of the posts just deleted), or every entry of the
/// workspace when `None` (after retention). Every deletion path of posts calls it in its own
/// transaction, after deleting the posts, so no term text of a deleted post stays readable
/// (invariant 7); the `terms` table is noted for the next rewrite (`VACUUM FULL`). Returns the
/// entries deleted. Call [`lock_terms_for_removal`] at the start of the transaction (it is taken
/// here too, for a path that holds no row locks yet).
pub(crate) fn remove_unused_terms(
    transaction: &mut Transaction<'_>,
    workspace_id: i64,
    candidates: Option<&[String]>,
) -> Result<u64, PostgresStoreError> {
    if candidates.is_some_and(|terms| terms.is_empty()) {
        return Ok(0);
    }
    lock_terms_for_removal(transaction)?;
    let deleted = match candidates {
        Some(terms) => transaction.execute(
            "DELETE FROM terms t
             WHERE t.workspace_id = $1 AND t.term = ANY($2)
               AND NOT EXISTS (SELECT 1 FROM posts p
                               WHERE p.workspace_id = $1 AND p.terms @> ARRAY[t.term])",
            &[&workspace_id, &terms],
        )?,
        None => transaction.execute(
            "DELETE FROM terms t
             WHERE t.workspace_id = $1
               AND NOT EXISTS (SELECT 1 FROM posts p
                               WHERE p.workspace_id = $1 AND p.terms @> ARRAY[t.term])",
            &[&workspace_id],
        )?,
    };
    if deleted > 0 {
        note_for_compaction(transaction, "terms")?;
    }
    Ok(deleted)
}
