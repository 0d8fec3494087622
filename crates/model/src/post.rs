//! Stored posts and the value types analysis attaches to them.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Languages Peil distinguishes. Everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nl,
    En,
    De,
    Fr,
    Other,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Nl,
        Language::En,
        Language::De,
        Language::Fr,
        Language::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Other => "other",
        }
    }

    /// Maps a language tag such as `nl`, `nl-BE` or `en-US` to a Peil language.
    pub fn from_tag(tag: &str) -> Language {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Language::Nl,
            "en" => Language::En,
            "de" => Language::De,
            "fr" => Language::Fr,
            _ => Language::Other,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// Three-class sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    Negative,
    Neutral,
    Positive,
}

impl SentimentLabel {
    pub const ALL: [SentimentLabel; 3] = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }

    pub fn from_code(code: &str) -> Option<SentimentLabel> {
        match code {
            "negative" => Some(SentimentLabel::Negative),
            "neutral" => Some(SentimentLabel::Neutral),
            "positive" => Some(SentimentLabel::Positive),
            _ => None,
        }
    }
}

impl fmt::Display for SentimentLabel {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// A post as Peil stores it: de-identified, pseudonymised, analysed, and only because it matched at
/// least one monitor of its workspace.
///
/// There is deliberately no field for display names, bios, avatars, follower data, geo or raw ids.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPost {
    pub workspace_id: i64,
    /// Internal id, assigned by the store (0 before the post is stored).
    pub id: i64,
    /// Source name, e.g. `bluesky`, `mastodon`, `rss`, `import`.
    pub source: String,
    /// Keyed hash of source + source id, used only to drop duplicates.
    pub source_ref: [u8; 32],
    pub published_at: DateTime<Utc>,
    pub language: Language,
    pub deidentified_text: String,
    /// HMAC of platform + author id under the workspace key of `key_period`.
    pub author_pseudonym: [u8; 32],
    /// The label of the key (`YYYY-MM`, `YYYY-MM.rN` after rotation) that made the pseudonym.
    pub key_period: String,
    pub is_reply: bool,
    /// A repost or boost (counted in the representativeness block of every report).
    pub is_repost: bool,
    pub sentiment: SentimentLabel,
    pub sentiment_score: f32,
    /// Content words (readable surface forms).
    pub terms: Vec<String>,
    /// Hashtags, lower-case, without `#`.
    pub hashtags: Vec<String>,
    /// Word pairs, two words joined by a space.
    pub bigrams: Vec<String>,
    pub matched_monitor_ids: Vec<i64>,
    /// Only in a `communication_webcare` workspace, only for a post addressed to one of the
    /// organisation's own accounts: the post's URI at the source (the reference needed to answer
    /// it), sealed with the workspace's webcare key (DESIGN.md invariant 1's one exception).
    /// Never the plain URI; `None` for every other post.
    pub webcare_reference: Option<SealedReference>,
}

/// An answer reference sealed with XChaCha20-Poly1305 under a workspace's webcare key: a random
/// 24-byte nonce and the ciphertext with its tag. The plain URI is never kept.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedReference {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for SealedReference {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SealedReference")
            .field("bytes", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}
