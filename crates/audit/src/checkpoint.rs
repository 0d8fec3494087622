//! Signed checkpoints (signed tree heads): tree size, root hash, time, key id and an Ed25519
//! signature over a fixed text form, plus the witness export format.
//!
//! A checkpoint says nothing about entry contents beyond the root hash. This module must never
//! accept a checkpoint whose signature it has not checked against a key supplied by the caller
//! (the key directory's, never one found next to the data), and never sign anything but the
//! fixed checkpoint text.

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entry::describe_json_error;
use crate::error::AuditError;
use crate::merkle::Hash;

/// First line of the signed text; changing the format means changing this line.
pub const CHECKPOINT_SIGNATURE_CONTEXT: &str = "peil-audit-checkpoint/v1";
/// `format` value of a witness export file.
pub const WITNESS_EXPORT_FORMAT: &str = "peil-audit-witness/v1";

const CHECKPOINT_FIELD_NAMES: &str = "tree_size, root_hash, timestamp, key_id, signature";

/// A signed statement "the log held `tree_size` entries with Merkle root `root_hash` at
/// `timestamp`". All hashes and the signature are lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// Number of entries covered.
    pub tree_size: u64,
    /// RFC 6962 Merkle tree hash of the first `tree_size` entries (hex).
    pub root_hash: String,
    /// When it was signed (RFC 3339, UTC).
    pub timestamp: String,
    /// First 8 bytes of SHA-256 of the public key (hex).
    pub key_id: String,
    /// Ed25519 signature over [`SignedCheckpoint::signed_message`] (hex).
    pub signature: String,
}

/// Why a checkpoint was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// `root_hash` is not 64 lowercase hex digits.
    MalformedRootHash,
    /// `timestamp` is not an RFC 3339 time.
    MalformedTimestamp,
    /// `key_id` does not name the trusted key.
    WrongKeyId,
    /// `signature` is not 128 hex digits.
    MalformedSignature,
    /// The signature does not verify with the trusted key.
    SignatureInvalid,
}

impl std::fmt::Display for CheckpointProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            CheckpointProblem::MalformedRootHash => "its root hash is not a SHA-256 hash in hex",
            CheckpointProblem::MalformedTimestamp => "its timestamp is not an RFC 3339 time",
            CheckpointProblem::WrongKeyId => "it names a key other than the trusted audit key",
            CheckpointProblem::MalformedSignature => {
                "its signature is not an Ed25519 signature in hex"
            }
            CheckpointProblem::SignatureInvalid => {
                "its signature does not verify with the trusted audit key"
            }
        };
        formatter.write_str(text)
    }
}

/// The key id: first 8 bytes of SHA-256 of the public key, in hex.
pub fn key_id_for(public_key: &VerifyingKey) -> String {
    let digest = Sha256::digest(public_key.as_bytes());
    hex::encode(&digest[..8])
}

fn decode_hash_hex(text: &str) -> Option<Hash> {
    if text.len() != 64 || text.chars().any(|character| character.is_ascii_uppercase()) {
        return None;
    }
    let bytes = hex::decode(text).ok()?;
    let mut hash = [0u8; 32];
    if bytes.len() != hash.len() {
        return None;
    }
    hash.copy_from_slice(&bytes);
    Some(hash)
}

impl SignedCheckpoint {
    /// Signs a checkpoint for `tree_size` entries with root `root`.
    pub(crate) fn sign(
        tree_size: u64,
        root: &Hash,
        signed_at: DateTime<Utc>,
        signing_key: &SigningKey,
    ) -> SignedCheckpoint {
        let unsigned = SignedCheckpoint {
            tree_size,
            root_hash: hex::encode(root),
            timestamp: signed_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            key_id: key_id_for(&signing_key.verifying_key()),
            signature: String::new(),
        };
        let signature = signing_key.sign(unsigned.signed_message().as_bytes());
        SignedCheckpoint {
            signature: hex::encode(signature.to_bytes()),
            ..unsigned
        }
    }

    /// The exact text that is signed (every field but the signature, one per line).
    pub fn signed_message(&self) -> String {
        format!(
            "{CHECKPOINT_SIGNATURE_CONTEXT}\ntree_size {}\nroot_hash {}\ntimestamp {}\nkey_id {}\n",
            self.tree_size, self.root_hash, self.timestamp, self.key_id
        )
    }

    /// The root hash as bytes, if well-formed.
    pub fn root_hash_bytes(&self) -> Option<Hash> {
        decode_hash_hex(&self.root_hash)
    }

    /// Checks form and signature against the trusted key; returns the root hash on success.
    pub fn check(&self, trusted_key: &VerifyingKey) -> Result<Hash, CheckpointProblem> {
        let Some(root) = self.root_hash_bytes() else {
            return Err(CheckpointProblem::MalformedRootHash);
        };
        if DateTime::parse_from_rfc3339(&self.timestamp).is_err() {
            return Err(CheckpointProblem::MalformedTimestamp);
        }
        if self.key_id != key_id_for(trusted_key) {
            return Err(CheckpointProblem::WrongKeyId);
        }
        let Ok(signature_bytes) = hex::decode(&self.signature) else {
            return Err(CheckpointProblem::MalformedSignature);
        };
        let Ok(signature_array) = <[u8; 64]>::try_from(signature_bytes.as_slice()) else {
            return Err(CheckpointProblem::MalformedSignature);
        };
        let signature = Signature::from_bytes(&signature_array);
        if trusted_key
            .verify_strict(self.signed_message().as_bytes(), &signature)
            .is_err()
        {
            return Err(CheckpointProblem::SignatureInvalid);
        }
        Ok(root)
    }
}

/// Parses one checkpoint record (a line of the checkpoint file, or the head file).
pub(crate) fn decode_checkpoint(
    record_bytes: &[u8],
    file: &'static str,
    line_number: u64,
) -> Result<SignedCheckpoint, AuditError> {
    serde_json::from_slice(record_bytes).map_err(|json_error| AuditError::MalformedLine {
        file,
        line: line_number,
        reason: describe_json_error(&json_error, CHECKPOINT_FIELD_NAMES),
    })
}

/// Serialises one checkpoint as a single line (without the newline).
pub(crate) fn encode_checkpoint(checkpoint: &SignedCheckpoint) -> Result<Vec<u8>, AuditError> {
    serde_json::to_vec(checkpoint).map_err(|serde_error| AuditError::Serialise {
        reason: serde_error.to_string(),
    })
}

/// What `peil audit export` writes for an outside witness: every signed checkpoint and the
/// public key that verifies them. A witness keeps these files; a later `verify --witness` proves
/// that the log still extends every checkpoint the witness saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessExport {
    /// Always [`WITNESS_EXPORT_FORMAT`].
    pub format: String,
    /// The Ed25519 public key (hex) from the key directory.
    pub public_key: String,
    /// Its key id.
    pub key_id: String,
    /// When the export was written (RFC 3339, UTC).
    pub exported_at: String,
    /// The checkpoints, in log order.
    pub checkpoints: Vec<SignedCheckpoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed_key(seed_byte: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed_byte; 32])
    }

    #[test]
    fn signed_checkpoints_verify_and_any_change_breaks_them() {
        let signing_key = fixed_key(7);
        let trusted = signing_key.verifying_key();
        let root = [9u8; 32];
        let checkpoint = SignedCheckpoint::sign(5, &root, Utc::now(), &signing_key);
        assert_eq!(checkpoint.check(&trusted), Ok(root));

        let bigger = SignedCheckpoint {
            tree_size: 6,
            ..checkpoint.clone()
        };
        assert_eq!(
            bigger.check(&trusted),
            Err(CheckpointProblem::SignatureInvalid)
        );
        let other_root = SignedCheckpoint {
            root_hash: hex::encode([8u8; 32]),
            ..checkpoint.clone()
        };
        assert_eq!(
            other_root.check(&trusted),
            Err(CheckpointProblem::SignatureInvalid)
        );
        let garbage_signature = SignedCheckpoint {
            signature: "zz".to_string(),
            ..checkpoint.clone()
        };
        assert_eq!(
            garbage_signature.check(&trusted),
            Err(CheckpointProblem::MalformedSignature)
        );
        let other_key = fixed_key(8);
        let forged = SignedCheckpoint::sign(5, &root, Utc::now(), &other_key);
        assert_eq!(forged.check(&trusted), Err(CheckpointProblem::WrongKeyId));
        let forged_with_our_id = SignedCheckpoint {
            key_id: checkpoint.key_id.clone(),
            ..SignedCheckpoint::sign(5, &root, Utc::now(), &other_key)
        };
        assert_eq!(
            forged_with_our_id.check(&trusted),
            Err(CheckpointProblem::SignatureInvalid)
        );
    }

    #[test]
    fn checkpoint_records_round_trip() {
        let checkpoint = SignedCheckpoint::sign(1, &[1u8; 32], Utc::now(), &fixed_key(1));
        let encoded = encode_checkpoint(&checkpoint).unwrap_or_default();
        let decoded = decode_checkpoint(&encoded, "audit-checkpoints.jsonl", 1);
        assert_eq!(decoded.ok(), Some(checkpoint));
        assert!(decode_checkpoint(b"{\"tree_size\":1}", "audit-checkpoints.jsonl", 2).is_err());
    }
}
