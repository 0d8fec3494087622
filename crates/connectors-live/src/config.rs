//! Connector configuration: one [`ConnectorSpec`] per connector, from `peil watch`'s options or
//! from the JSON file given to `peil serve --connectors FILE`:
//!
//! ```json
//! [
//!   {"name": "bluesky", "kind": "jetstream",
//!    "endpoints": ["wss://jetstream1.us-east.bsky.network/subscribe",
//!                  "wss://jetstream2.us-east.bsky.network/subscribe"],
//!    "zstd_dictionary": "/etc/peil/jetstream_zstd_dictionary"},
//!   {"name": "mastodon-nl", "kind": "mastodon", "endpoints": ["https://mastodon.nl"],
//!    "hashtag": "afval", "streaming": true},
//!   {"name": "nos", "kind": "rss", "endpoints": ["https://feeds.nos.nl/nosnieuwsalgemeen"],
//!    "poll_seconds": 300}
//! ]
//! ```
//!
//! `organisation` limits a connector to one organisation's workspaces (default: every active
//! workspace of the installation). `zstd_dictionary` (Jetstream only) switches on Jetstream's
//! compressed mode.
//!
//! A Mastodon app token is never written in the file: `token_env` names the environment variable
//! that holds it, and `token_kind` must say `app`. The fields `session_cookie`, `username`,
//! `password` and `private` exist only so that such a configuration is refused with an
//! explanation (see `public_only`) rather than silently ignored.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// The kinds of live connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorKind {
    /// Bluesky Jetstream (WebSocket).
    #[default]
    Jetstream,
    /// Mastodon public and hashtag timelines (REST polling, optionally streaming).
    Mastodon,
    /// RSS, Atom or JSON Feed (conditional GET).
    Rss,
}

impl ConnectorKind {
    pub fn name(self) -> &'static str {
        match self {
            ConnectorKind::Jetstream => "jetstream",
            ConnectorKind::Mastodon => "mastodon",
            ConnectorKind::Rss => "rss",
        }
    }
}

impl fmt::Display for ConnectorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The name is not a connector kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown connector `{0}`: expected jetstream, mastodon or rss")]
pub struct UnknownKind(pub String);

impl FromStr for ConnectorKind {
    type Err = UnknownKind;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "jetstream" | "bluesky" => Ok(ConnectorKind::Jetstream),
            "mastodon" => Ok(ConnectorKind::Mastodon),
            "rss" | "atom" | "feed" => Ok(ConnectorKind::Rss),
            other => Err(UnknownKind(other.to_string())),
        }
    }
}

/// Which Mastodon timeline to follow when no hashtag is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MastodonTimeline {
    /// The instance's federated public timeline.
    #[default]
    Public,
    /// The instance's local public timeline.
    Local,
}

/// One connector.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    /// A unique name; the cursor and counters are kept under it.
    pub name: String,
    pub kind: ConnectorKind,
    /// Jetstream: WebSocket URLs of the `/subscribe` endpoints, tried in turn (failover).
    /// Mastodon: the instance's base URL. RSS: the feed URL.
    pub endpoints: Vec<String>,
    /// Mastodon: follow this hashtag's public timeline. Jetstream: forward only posts with it.
    pub hashtag: Option<String>,
    /// Mastodon without hashtag: `public` (default) or `local`.
    pub timeline: Option<MastodonTimeline>,
    /// Mastodon: also use the streaming API (for deletions and low latency).
    #[serde(default)]
    pub streaming: bool,
    /// Seconds between polls (Mastodon REST, RSS). Default: 60 (Mastodon), 300 (RSS).
    pub poll_seconds: Option<u64>,
    /// Mastodon: the environment variable that holds an app token.
    pub token_env: Option<String>,
    /// Mastodon: must be `app` when `token_env` is set.
    pub token_kind: Option<String>,
    /// Feed only this organisation's workspaces (default: every active workspace).
    pub organisation: Option<String>,
    /// Jetstream: Jetstream's zstd dictionary file; the connector then asks for compressed
    /// frames (`compress=true`) and decodes them with it.
    pub zstd_dictionary: Option<std::path::PathBuf>,
    /// Refused when set (public sources only).
    pub session_cookie: Option<String>,
    /// Refused when set (public sources only).
    pub username: Option<String>,
    /// Refused when set (public sources only).
    pub password: Option<String>,
    /// Refused when true (private accounts and closed groups are not followed).
    pub private: Option<bool>,
}

impl ConnectorSpec {
    /// Seconds between polls for this kind.
    pub fn poll_interval(&self) -> std::time::Duration {
        let default = match self.kind {
            ConnectorKind::Rss => 300,
            _ => 60,
        };
        std::time::Duration::from_secs(self.poll_seconds.unwrap_or(default).max(1))
    }
}

/// The connectors file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the connectors file is not valid JSON for a list of connectors: {0}")]
    Json(#[from] serde_json::Error),
    #[error("two connectors are named `{0}`")]
    DuplicateName(String),
    #[error("connector `{connector}`: `{field}` applies to {applies_to} connectors only")]
    Misplaced {
        connector: String,
        field: &'static str,
        applies_to: &'static str,
    },
    #[error(transparent)]
    Refused(#[from] crate::public_only::Refusal),
}

/// Reads a connectors file (a JSON array of [`ConnectorSpec`]) and checks every entry against the
/// public-only rules.
pub fn parse_connectors(text: &str) -> Result<Vec<ConnectorSpec>, ConfigError> {
    let specs: Vec<ConnectorSpec> = serde_json::from_str(text)?;
    let mut names = std::collections::BTreeSet::new();
    for spec in &specs {
        if !names.insert(spec.name.clone()) {
            return Err(ConfigError::DuplicateName(spec.name.clone()));
        }
        if spec.zstd_dictionary.is_some() && spec.kind != ConnectorKind::Jetstream {
            return Err(ConfigError::Misplaced {
                connector: spec.name.clone(),
                field: "zstd_dictionary",
                applies_to: "jetstream",
            });
        }
        crate::public_only::check(spec)?;
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_connectors_file_and_refuses_logins() {
        let good = r#"[{"name": "b", "kind": "jetstream", "endpoints": ["wss://j.example/subscribe"]},
                       {"name": "m", "kind": "mastodon", "endpoints": ["https://m.example"],
                        "hashtag": "afval", "streaming": true}]"#;
        let specs = parse_connectors(good);
        assert_eq!(specs.as_ref().map(Vec::len).ok(), Some(2));
        let login = r#"[{"name": "m", "kind": "mastodon", "endpoints": ["https://m.example"],
                         "username": "someone", "password": "pw"}]"#;
        assert!(matches!(
            parse_connectors(login),
            Err(ConfigError::Refused(_))
        ));
        let unknown = r#"[{"name": "m", "kind": "mastodon", "endpoints": [], "cookie": "x"}]"#;
        assert!(matches!(
            parse_connectors(unknown),
            Err(ConfigError::Json(_))
        ));
        assert_eq!(
            "bluesky".parse::<ConnectorKind>(),
            Ok(ConnectorKind::Jetstream)
        );
    }
}
