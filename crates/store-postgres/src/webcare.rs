//! The webcare inbox on PostgreSQL, as the embedded store's (`peil_store::Store::webcare_messages`
//! and friends, DESIGN.md invariant 1's one exception): a post of a `communication_webcare`
//! workspace addressed to one of the organisation's own accounts keeps its answer reference,
//! sealed with the workspace's webcare key, in `webcare_messages` (written by `store_batch`,
//! deleted with its post by deletion at the source, retention and erasure).
//!
//! The webcare keys stay in the key store of the data directory (the control plane): the inbox
//! opens the answer links with the key store given to `PostgresStore::use_key_store`.
//!
//! This module must never log or put into an error a post text, a source reference or an answer
//! link; the opened links leave it only in the page, for the service to hand to the webcare role.

use chrono::{DateTime, Utc};
use peil_model::{Language, SealedReference, SentimentLabel};
use peil_store::{KeyStore, WebcareMessage, WebcarePage, WebcareStatus};

use crate::{PostgresStore, PostgresStoreError};

/// Whole seconds, as the embedded store keeps its times.
fn whole_seconds(moment: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(moment.timestamp(), 0).unwrap_or(moment)
}

impl PostgresStore {
    /// Gives this store the key store (of the data directory) whose webcare keys open the answer
    /// links of the inbox.
    pub fn use_key_store(&mut self, keys: KeyStore) {
        self.keys = Some(keys);
    }

    /// The webcare messages of `workspace_id`, newest first (`limit` from `offset`), with their
    /// answer links opened, and the counts of the whole inbox.
    pub fn webcare_messages(
        &mut self,
        workspace_id: i64,
        limit: usize,
        offset: usize,
    ) -> Result<WebcarePage, PostgresStoreError> {
        let counts = self.client.query_one(
            "SELECT count(*), count(*) FILTER (WHERE status = 'open') FROM webcare_messages
             WHERE workspace_id = $1",
            &[&workspace_id],
        )?;
        let total: i64 = counts.try_get(0)?;
        let open: i64 = counts.try_get(1)?;
        let rows = self.client.query(
            "SELECT p.post_id, p.published_at, p.source, p.language, p.text, p.sentiment,
                    w.status, w.handled_at, p.source_ref, w.reference_nonce, w.reference_sealed
             FROM webcare_messages w
             JOIN posts p ON p.workspace_id = w.workspace_id AND p.post_id = w.post_id
                 AND p.published_at = w.published_at
             WHERE w.workspace_id = $1
             ORDER BY p.published_at DESC, p.post_id DESC
             LIMIT $2 OFFSET $3",
            &[
                &workspace_id,
                &i64::try_from(limit).unwrap_or(i64::MAX),
                &i64::try_from(offset).unwrap_or(i64::MAX),
            ],
        )?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in rows {
            let source_ref: Vec<u8> = row.try_get(8)?;
            let source_ref: [u8; 32] =
                source_ref
                    .try_into()
                    .map_err(|_| PostgresStoreError::Corrupt {
                        what: "source reference",
                    })?;
            let sealed = SealedReference {
                nonce: row.try_get(9)?,
                ciphertext: row.try_get(10)?,
            };
            let keys = self
                .keys
                .as_mut()
                .ok_or(PostgresStoreError::KeyStoreMissing)?;
            let answer_link = keys.open_webcare_reference(workspace_id, &source_ref, &sealed)?;
            let language: String = row.try_get(3)?;
            let sentiment: String = row.try_get(5)?;
            let status: String = row.try_get(6)?;
            let handled_at: Option<DateTime<Utc>> = row.try_get(7)?;
            messages.push(WebcareMessage {
                id: row.try_get(0)?,
                published_at: whole_seconds(row.try_get(1)?),
                source: row.try_get(2)?,
                language: Language::from_tag(&language),
                text: row.try_get(4)?,
                sentiment: SentimentLabel::from_code(&sentiment).unwrap_or(SentimentLabel::Neutral),
                status: status.parse().map_err(|_| PostgresStoreError::Corrupt {
                    what: "webcare status",
                })?,
                handled_at: handled_at.map(whole_seconds),
                answer_link,
            });
        }
        Ok(WebcarePage {
            total: total.max(0) as u64,
            open: open.max(0) as u64,
            messages,
        })
    }

    /// Number of webcare messages of `workspace_id` (with or without a status).
    pub fn webcare_message_count(&mut self, workspace_id: i64) -> Result<u64, PostgresStoreError> {
        let row = self.client.query_one(
            "SELECT count(*) FROM webcare_messages WHERE workspace_id = $1",
            &[&workspace_id],
        )?;
        let count: i64 = row.try_get(0)?;
        Ok(count.max(0) as u64)
    }

    /// Sets the status of message `message_id` of `workspace_id` (handled at `at`, in whole
    /// seconds, unless it is open again); `WebcareMessageNotFound` when the workspace has no such
    /// message (another workspace's id included).
    pub fn set_webcare_status(
        &mut self,
        workspace_id: i64,
        message_id: i64,
        status: WebcareStatus,
        at: DateTime<Utc>,
    ) -> Result<(), PostgresStoreError> {
        let handled_at = (status != WebcareStatus::Open).then(|| whole_seconds(at));
        let changed = self.client.execute(
            "UPDATE webcare_messages SET status = $3, handled_at = $4
             WHERE workspace_id = $1 AND post_id = $2",
            &[&workspace_id, &message_id, &status.code(), &handled_at],
        )?;
        if changed == 0 {
            return Err(PostgresStoreError::WebcareMessageNotFound);
        }
        Ok(())
    }
}
