//! Typed errors of the audit log.
//!
//! Error values name files, line numbers, field names and sizes only. They must never carry the
//! content of an audit entry or of a file line (which could hold text an attacker planted), nor
//! key material.

use std::path::PathBuf;

use crate::merkle::MerkleError;

/// Why a field of an [`crate::AuditEntry`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    /// The field is empty but must name something.
    Empty,
    /// The field is longer than the limit (in characters).
    TooLong { maximum_characters: usize },
    /// The field holds a newline or another control character.
    ControlCharacter,
    /// The field looks like an e-mail address (personal data); pass an internal id instead.
    LooksLikeEmailAddress,
    /// The field looks like an IP address (personal data); pass the channel instead.
    LooksLikeIpAddress,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldProblem::Empty => write!(formatter, "empty"),
            FieldProblem::TooLong { maximum_characters } => {
                write!(formatter, "longer than {maximum_characters} characters")
            }
            FieldProblem::ControlCharacter => {
                write!(formatter, "holding a newline or control character")
            }
            FieldProblem::LooksLikeEmailAddress => write!(
                formatter,
                "shaped like an e-mail address (personal data; pass an internal id)"
            ),
            FieldProblem::LooksLikeIpAddress => write!(
                formatter,
                "shaped like an IP address (personal data; pass the channel, e.g. `web`)"
            ),
        }
    }
}

/// Everything that can go wrong while opening, appending to, reading or verifying the log.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file operation failed.
    #[error("could not {operation} {path}: {source}")]
    Io {
        operation: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An entry field was refused before anything was written.
    #[error("audit entry field `{field}` refused: {problem}")]
    InvalidField {
        field: &'static str,
        problem: FieldProblem,
    },
    /// A line of an audit file could not be read as a record. `reason` never quotes the line.
    #[error("line {line} of {file} is not a valid audit record: {reason}")]
    MalformedLine {
        file: &'static str,
        line: u64,
        reason: String,
    },
    /// The last line of the entry log has no newline (an interrupted write or a cut file).
    #[error(
        "line {line} of the audit log is incomplete; appending is refused until `peil audit verify` \
         has been run and an operator has repaired the file from a backup"
    )]
    IncompleteLine { line: u64 },
    /// The files on disk contradict the signed head kept in the key directory.
    #[error("the audit log does not match its signed head; appending is refused: {reason}")]
    Tampered { reason: String },
    /// The signing key is missing while the log already holds signed checkpoints.
    #[error(
        "the audit signing key {path} is missing but the log already has signed checkpoints; \
         restore the key directory from its backup (a new key would orphan the old checkpoints)"
    )]
    SigningKeyMissing { path: PathBuf },
    /// The public key needed for verification is missing.
    #[error("no audit public key found in the key directory ({path})")]
    PublicKeyMissing { path: PathBuf },
    /// A key file does not hold a valid key.
    #[error("the audit key file {path} does not hold a valid key")]
    KeyFileInvalid { path: PathBuf },
    /// The signing key file may be read by others.
    #[error("the audit signing key {path} has mode {mode:o}; it must be readable by its owner only (0600)")]
    KeyFilePermissions { path: PathBuf, mode: u32 },
    /// The public key beside the signing key does not belong to it.
    #[error("the public key {path} does not belong to the audit signing key")]
    PublicKeyMismatch { path: PathBuf },
    /// The key directory lies inside the data it must be kept apart from.
    #[error(
        "the audit key directory {key_dir} must be kept apart from the data directory {data_dir}"
    )]
    KeyDirectoryNotApart { key_dir: PathBuf, data_dir: PathBuf },
    /// A Merkle tree request out of range (a programming error or a damaged file).
    #[error("merkle tree: {0}")]
    Merkle(#[from] MerkleError),
    /// A record could not be serialised.
    #[error("could not serialise an audit record: {reason}")]
    Serialise { reason: String },
}

impl AuditError {
    pub(crate) fn io(
        operation: &'static str,
        path: &std::path::Path,
        source: std::io::Error,
    ) -> AuditError {
        AuditError::Io {
            operation,
            path: path.to_path_buf(),
            source,
        }
    }
}
