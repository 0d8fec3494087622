//! Audit entries: the BIO fields (action, object, result, actor, origin, time) plus an optional
//! detail, their validation, and their one-line JSON form in the entry log.
//!
//! Entries must never hold personal data. Callers pass ids or names of workspaces, users,
//! monitors and actions, and the channel as origin (`web`, `cli`, `api`, `scheduler`), never an
//! e-mail address, an IP address, a handle or post text. A query text goes into `detail` only when
//! the query guard allowed it. Validation refuses control characters, over-long fields and the
//! obvious shapes of personal data; it must never echo a refused value in an error.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AuditError, FieldProblem};

/// Longest `object` accepted, in characters.
pub const MAXIMUM_OBJECT_CHARACTERS: usize = 512;
/// Longest `actor` accepted, in characters.
pub const MAXIMUM_ACTOR_CHARACTERS: usize = 320;
/// Longest `origin` accepted, in characters.
pub const MAXIMUM_ORIGIN_CHARACTERS: usize = 320;
/// Longest `detail` accepted, in characters.
pub const MAXIMUM_DETAIL_CHARACTERS: usize = 4096;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Login,
    Logout,
    Query,
    View,
    Export,
    ConfigurationChange,
    Approval,
    RetentionRun,
    Erasure,
    KeyRotation,
    DataSubjectRequest,
    Import,
}

impl AuditAction {
    /// Every action, in declaration order.
    pub const ALL: [AuditAction; 12] = [
        AuditAction::Login,
        AuditAction::Logout,
        AuditAction::Query,
        AuditAction::View,
        AuditAction::Export,
        AuditAction::ConfigurationChange,
        AuditAction::Approval,
        AuditAction::RetentionRun,
        AuditAction::Erasure,
        AuditAction::KeyRotation,
        AuditAction::DataSubjectRequest,
        AuditAction::Import,
    ];

    /// The stable code written to the log (equal to the serde name).
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::Logout => "logout",
            AuditAction::Query => "query",
            AuditAction::View => "view",
            AuditAction::Export => "export",
            AuditAction::ConfigurationChange => "configuration_change",
            AuditAction::Approval => "approval",
            AuditAction::RetentionRun => "retention_run",
            AuditAction::Erasure => "erasure",
            AuditAction::KeyRotation => "key_rotation",
            AuditAction::DataSubjectRequest => "data_subject_request",
            AuditAction::Import => "import",
        }
    }

    /// The action with the given code, if any.
    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|candidate| candidate.code() == code)
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    /// A request was permitted (e.g. the query guard let a query through).
    Allowed,
    /// A request was refused (by authentication, role, purpose rules or the query guard).
    Refused,
    /// An operation failed.
    Failed,
    /// An operation completed.
    Succeeded,
}

impl AuditResult {
    /// The stable code written to the log (equal to the serde name).
    pub fn code(self) -> &'static str {
        match self {
            AuditResult::Allowed => "allowed",
            AuditResult::Refused => "refused",
            AuditResult::Failed => "failed",
            AuditResult::Succeeded => "succeeded",
        }
    }
}

/// One accountable event, with the fields the BIO asks for. No personal data (see module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// What was done.
    pub action: AuditAction,
    /// What it was done to: an id such as `workspace:42` or `export:2024-05-01` (1..=512 chars).
    pub object: String,
    /// How it ended.
    pub result: AuditResult,
    /// Who did it: an internal user id or `system` (1..=320 chars, no e-mail address).
    pub actor: String,
    /// Through which channel: `web`, `cli`, `api`, `scheduler` (1..=320 chars, not an IP address).
    pub origin: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Optional extra: a guard-allowed query text, a changed setting's name (<= 4096 chars).
    pub detail: Option<String>,
}

impl AuditEntry {
    /// An entry stamped with the current time and no detail.
    pub fn new(
        action: AuditAction,
        object: impl Into<String>,
        result: AuditResult,
        actor: impl Into<String>,
        origin: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            action,
            object: object.into(),
            result,
            actor: actor.into(),
            origin: origin.into(),
            at: Utc::now(),
            detail: None,
        }
    }

    /// The same entry with a detail.
    pub fn with_detail(self, detail: impl Into<String>) -> AuditEntry {
        AuditEntry {
            detail: Some(detail.into()),
            ..self
        }
    }

    /// Checks the limits described on the fields; the error names the field, never its value.
    pub fn validate(&self) -> Result<(), AuditError> {
        check_text("object", &self.object, MAXIMUM_OBJECT_CHARACTERS, true)?;
        check_text("actor", &self.actor, MAXIMUM_ACTOR_CHARACTERS, true)?;
        check_text("origin", &self.origin, MAXIMUM_ORIGIN_CHARACTERS, true)?;
        if self.actor.contains('@') {
            return Err(AuditError::InvalidField {
                field: "actor",
                problem: FieldProblem::LooksLikeEmailAddress,
            });
        }
        if self.origin.contains('@') {
            return Err(AuditError::InvalidField {
                field: "origin",
                problem: FieldProblem::LooksLikeEmailAddress,
            });
        }
        if looks_like_ip_address(&self.origin) || looks_like_ip_address(&self.actor) {
            let field = if looks_like_ip_address(&self.origin) {
                "origin"
            } else {
                "actor"
            };
            return Err(AuditError::InvalidField {
                field,
                problem: FieldProblem::LooksLikeIpAddress,
            });
        }
        if let Some(detail_text) = &self.detail {
            check_text("detail", detail_text, MAXIMUM_DETAIL_CHARACTERS, false)?;
        }
        Ok(())
    }
}

fn check_text(
    field: &'static str,
    value: &str,
    maximum_characters: usize,
    required: bool,
) -> Result<(), AuditError> {
    if required && value.trim().is_empty() {
        return Err(AuditError::InvalidField {
            field,
            problem: FieldProblem::Empty,
        });
    }
    if value.chars().count() > maximum_characters {
        return Err(AuditError::InvalidField {
            field,
            problem: FieldProblem::TooLong { maximum_characters },
        });
    }
    if value.chars().any(char::is_control) {
        return Err(AuditError::InvalidField {
            field,
            problem: FieldProblem::ControlCharacter,
        });
    }
    Ok(())
}

fn looks_like_ip_address(value: &str) -> bool {
    let trimmed = value.trim();
    if trimmed.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    if trimmed.parse::<std::net::SocketAddr>().is_ok() {
        return true;
    }
    let without_brackets = trimmed.trim_start_matches('[').trim_end_matches(']');
    without_brackets.parse::<std::net::Ipv6Addr>().is_ok()
}

/// An entry together with its position in the log (0-based, equal to its leaf index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedEntry {
    /// Position in the log and leaf index in the Merkle tree.
    pub index: u64,
    /// The entry.
    pub entry: AuditEntry,
}

/// The exact shape of one line of `audit-log.jsonl` when written.
#[derive(Serialize)]
struct StoredEntryForWriting<'a> {
    index: u64,
    at: &'a DateTime<Utc>,
    action: AuditAction,
    object: &'a str,
    result: AuditResult,
    actor: &'a str,
    origin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// The exact shape of one line of `audit-log.jsonl` when read; unknown fields are refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredEntryForReading {
    index: u64,
    at: DateTime<Utc>,
    action: AuditAction,
    object: String,
    result: AuditResult,
    actor: String,
    origin: String,
    #[serde(default)]
    detail: Option<String>,
}

/// Name of the entry log file, used in error messages.
pub(crate) const ENTRY_LOG_FILE_NAME: &str = "audit-log.jsonl";

const ENTRY_FIELD_NAMES: &str = "index, at, action, object, result, actor, origin, detail";

/// The bytes of one log line (without the newline) for `entry` at `index`.
pub(crate) fn encode_entry_line(index: u64, entry: &AuditEntry) -> Result<Vec<u8>, AuditError> {
    let stored = StoredEntryForWriting {
        index,
        at: &entry.at,
        action: entry.action,
        object: &entry.object,
        result: entry.result,
        actor: &entry.actor,
        origin: &entry.origin,
        detail: entry.detail.as_deref(),
    };
    serde_json::to_vec(&stored).map_err(|serde_error| AuditError::Serialise {
        reason: serde_error.to_string(),
    })
}

/// A description of a JSON error that names its position and kind, never the offending text.
pub(crate) fn describe_json_error(json_error: &serde_json::Error, expected_fields: &str) -> String {
    match json_error.classify() {
        serde_json::error::Category::Syntax => {
            format!(
                "not valid JSON (syntax error at column {})",
                json_error.column()
            )
        }
        serde_json::error::Category::Eof => "the JSON record ends too early".to_string(),
        serde_json::error::Category::Data => format!(
            "fields missing, unknown or of the wrong type (expected fields: {expected_fields})"
        ),
        serde_json::error::Category::Io => "could not be read".to_string(),
    }
}

/// Parses one log line (without the newline) at 1-based `line_number`.
pub(crate) fn decode_entry_line(
    line_bytes: &[u8],
    line_number: u64,
) -> Result<IndexedEntry, AuditError> {
    let stored: StoredEntryForReading =
        serde_json::from_slice(line_bytes).map_err(|json_error| AuditError::MalformedLine {
            file: ENTRY_LOG_FILE_NAME,
            line: line_number,
            reason: describe_json_error(&json_error, ENTRY_FIELD_NAMES),
        })?;
    let entry = AuditEntry {
        action: stored.action,
        object: stored.object,
        result: stored.result,
        actor: stored.actor,
        origin: stored.origin,
        at: stored.at,
        detail: stored.detail,
    };
    if let Err(AuditError::InvalidField { field, problem }) = entry.validate() {
        return Err(AuditError::MalformedLine {
            file: ENTRY_LOG_FILE_NAME,
            line: line_number,
            reason: format!("field `{field}` is {problem}"),
        });
    }
    Ok(IndexedEntry {
        index: stored.index,
        entry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_entry() -> AuditEntry {
        AuditEntry::new(
            AuditAction::Query,
            "workspace:7",
            AuditResult::Allowed,
            "user:12",
            "web",
        )
        .with_detail("#woningbouw AND leeuwarden")
    }

    #[test]
    fn action_codes_equal_serde_names_and_round_trip() {
        for action in AuditAction::ALL {
            let serialised = serde_json::to_string(&action).unwrap_or_default();
            assert_eq!(serialised, format!("\"{}\"", action.code()));
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
        }
        assert_eq!(AuditAction::from_code("nonsense"), None);
        assert_eq!(AuditResult::Refused.code(), "refused");
    }

    #[test]
    fn entry_line_round_trips() {
        let entry = sample_entry();
        let line = encode_entry_line(3, &entry).unwrap_or_default();
        assert!(!line.contains(&b'\n'));
        let decoded = decode_entry_line(&line, 4);
        assert_eq!(decoded.ok(), Some(IndexedEntry { index: 3, entry }));
    }

    #[test]
    fn fields_with_control_characters_or_too_long_are_refused() {
        let with_newline = AuditEntry {
            object: "workspace:1\nforged".to_string(),
            ..sample_entry()
        };
        assert!(matches!(
            with_newline.validate(),
            Err(AuditError::InvalidField {
                field: "object",
                problem: FieldProblem::ControlCharacter
            })
        ));
        let too_long = AuditEntry {
            detail: Some("a".repeat(MAXIMUM_DETAIL_CHARACTERS + 1)),
            ..sample_entry()
        };
        assert!(matches!(
            too_long.validate(),
            Err(AuditError::InvalidField {
                field: "detail",
                problem: FieldProblem::TooLong { .. }
            })
        ));
        let empty_actor = AuditEntry {
            actor: " ".to_string(),
            ..sample_entry()
        };
        assert!(matches!(
            empty_actor.validate(),
            Err(AuditError::InvalidField {
                field: "actor",
                problem: FieldProblem::Empty
            })
        ));
        assert!(sample_entry().validate().is_ok());
    }

    #[test]
    fn obvious_personal_data_shapes_are_refused_without_echoing_them() {
        let email_actor = AuditEntry {
            actor: "jan.jansen@example.nl".to_string(),
            ..sample_entry()
        };
        let refused = email_actor.validate();
        assert!(matches!(
            refused,
            Err(AuditError::InvalidField {
                field: "actor",
                problem: FieldProblem::LooksLikeEmailAddress
            })
        ));
        let message = refused
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(!message.contains("jansen"));
        for address in [
            "192.0.2.7",
            "2001:db8::1",
            "192.0.2.7:443",
            "[2001:db8::1]:8080",
        ] {
            let ip_origin = AuditEntry {
                origin: address.to_string(),
                ..sample_entry()
            };
            assert!(matches!(
                ip_origin.validate(),
                Err(AuditError::InvalidField {
                    field: "origin",
                    problem: FieldProblem::LooksLikeIpAddress
                })
            ));
        }
    }

    #[test]
    fn malformed_lines_report_position_but_not_content() {
        let secret = "Piet Geheim 0612345678";
        let bad_json = format!("{{\"index\":0,\"object\":\"{secret}\"");
        let unknown_field = format!(
            "{{\"index\":0,\"at\":\"2024-01-01T00:00:00Z\",\"action\":\"login\",\"object\":\"o\",\"result\":\"allowed\",\"actor\":\"a\",\"origin\":\"web\",\"{secret}\":1}}"
        );
        let wrong_type = format!("{{\"index\":\"{secret}\"}}");
        for line in [bad_json, unknown_field, wrong_type, secret.to_string()] {
            let error = decode_entry_line(line.as_bytes(), 9).err();
            let message = error.map(|found| found.to_string()).unwrap_or_default();
            assert!(message.contains("line 9"), "{message}");
            assert!(!message.contains("Geheim"), "{message}");
            assert!(!message.contains("0612345678"), "{message}");
        }
    }
}
