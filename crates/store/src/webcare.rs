//! The webcare inbox: posts of a `communication_webcare` workspace that are addressed to one of
//! the organisation's own accounts, with the reference needed to answer them (DESIGN.md
//! invariant 1's one exception).
//!
//! The reference (the post's URI at the source) is stored only sealed (XChaCha20-Poly1305 under
//! the workspace's webcare key from the key store, see `keys.rs`), in `webcare_messages`, whose
//! row goes with its post (`ON DELETE CASCADE`; `secure_delete` zeroes the bytes). It is opened
//! here only for the service, which hands it only to the `webcare` role.

use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use peil_model::{Language, SealedReference, SentimentLabel};
use rusqlite::params;
use serde::Serialize;

use crate::{Store, StoreError};

/// Where a webcare message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebcareStatus {
    Open,
    Answered,
    Closed,
}

impl WebcareStatus {
    pub fn code(self) -> &'static str {
        match self {
            WebcareStatus::Open => "open",
            WebcareStatus::Answered => "answered",
            WebcareStatus::Closed => "closed",
        }
    }
}

/// An unknown webcare status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown webcare status `{0}` (open, answered, closed)")]
pub struct UnknownWebcareStatus(pub String);

impl FromStr for WebcareStatus {
    type Err = UnknownWebcareStatus;

    fn from_str(code: &str) -> Result<WebcareStatus, UnknownWebcareStatus> {
        match code.trim() {
            "open" => Ok(WebcareStatus::Open),
            "answered" => Ok(WebcareStatus::Answered),
            "closed" => Ok(WebcareStatus::Closed),
            other => Err(UnknownWebcareStatus(other.chars().take(32).collect())),
        }
    }
}

/// One message of the inbox: the de-identified post and its opened answer link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebcareMessage {
    /// The post's internal id (the message id).
    pub id: i64,
    pub published_at: DateTime<Utc>,
    pub source: String,
    pub language: Language,
    /// The de-identified text (own accounts stay readable).
    pub text: String,
    pub sentiment: SentimentLabel,
    pub status: WebcareStatus,
    pub handled_at: Option<DateTime<Utc>>,
    /// The post's URI at the source, to open and answer it there.
    pub answer_link: String,
}

/// One page of the inbox, newest first, with the counts of the whole inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebcarePage {
    pub total: u64,
    pub open: u64,
    pub messages: Vec<WebcareMessage>,
}

fn time_of(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

impl Store {
    /// The webcare messages of `workspace_id`, newest first (`limit` from `offset`), with their
    /// answer links opened.
    pub fn webcare_messages(
        &mut self,
        workspace_id: i64,
        limit: usize,
        offset: usize,
    ) -> Result<WebcarePage, StoreError> {
        let (total, open): (i64, i64) = self.connection.query_row(
            "SELECT COUNT(*), COALESCE(SUM(status = 'open'), 0) FROM webcare_messages
             WHERE workspace_id = ?1",
            params![workspace_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            String,
            String,
            Option<i64>,
            Vec<u8>,
            Vec<u8>,
            Vec<u8>,
        );
        let rows: Vec<Row> = {
            let mut statement = self.connection.prepare(
                "SELECT p.id, p.published_at, p.source, p.language, p.text, p.sentiment,
                        w.status, w.handled_at, p.source_ref, w.reference_nonce, w.reference_sealed
                 FROM webcare_messages w JOIN posts p ON p.id = w.post_id
                 WHERE w.workspace_id = ?1 AND p.workspace_id = ?1
                 ORDER BY p.published_at DESC, p.id DESC
                 LIMIT ?2 OFFSET ?3",
            )?;
            let mapped = statement.query_map(
                params![
                    workspace_id,
                    i64::try_from(limit).unwrap_or(i64::MAX),
                    i64::try_from(offset).unwrap_or(i64::MAX)
                ],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                        row.get(7)?,
                        row.get(8)?,
                        row.get(9)?,
                        row.get(10)?,
                    ))
                },
            )?;
            mapped.collect::<Result<Vec<_>, _>>()?
        };
        let mut messages = Vec::with_capacity(rows.len());
        for (
            id,
            published_at,
            source,
            language,
            text,
            sentiment,
            status,
            handled_at,
            source_ref,
            nonce,
            ciphertext,
        ) in rows
        {
            let source_ref: [u8; 32] = source_ref.try_into().map_err(|_| {
                StoreError::Corrupt("a source reference has the wrong length".into())
            })?;
            let sealed = SealedReference { nonce, ciphertext };
            let answer_link =
                self.keys
                    .open_webcare_reference(workspace_id, &source_ref, &sealed)?;
            messages.push(WebcareMessage {
                id,
                published_at: time_of(published_at),
                source,
                language: Language::from_tag(&language),
                text,
                sentiment: SentimentLabel::from_code(&sentiment).unwrap_or(SentimentLabel::Neutral),
                status: status.parse().map_err(|error: UnknownWebcareStatus| {
                    StoreError::Corrupt(error.to_string())
                })?,
                handled_at: handled_at.map(time_of),
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
    pub fn webcare_message_count(&self, workspace_id: i64) -> Result<u64, StoreError> {
        let count: i64 = self.connection.query_row(
            "SELECT COUNT(*) FROM webcare_messages WHERE workspace_id = ?1",
            params![workspace_id],
            |row| row.get(0),
        )?;
        Ok(count.max(0) as u64)
    }

    /// Sets the status of message `message_id` of `workspace_id`; `NotFound` when the workspace
    /// has no such message (another workspace's id included).
    pub fn set_webcare_status(
        &mut self,
        workspace_id: i64,
        message_id: i64,
        status: WebcareStatus,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let handled_at = (status != WebcareStatus::Open).then(|| at.timestamp());
        let changed = self.connection.execute(
            "UPDATE webcare_messages SET status = ?3, handled_at = ?4
             WHERE workspace_id = ?1 AND post_id = ?2",
            params![workspace_id, message_id, status.code(), handled_at],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "webcare message",
                name: message_id.to_string(),
            });
        }
        Ok(())
    }
}
