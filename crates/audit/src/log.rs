//! The append side of the audit log: [`AuditLog`] opens (creating) the files, keeps the right
//! edge of the Merkle tree in memory, and appends entries durably under an exclusive file lock,
//! each followed by a signed checkpoint and an updated head copy in the key directory.
//!
//! It must never rewrite or truncate an existing entry or checkpoint, never sign a tree that
//! contradicts the signed head (it refuses to append instead: fail closed), and never write an
//! entry that failed validation.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::Utc;
use ed25519_dalek::SigningKey;

use crate::checkpoint::{
    decode_checkpoint, encode_checkpoint, key_id_for, SignedCheckpoint, WitnessExport,
    WITNESS_EXPORT_FORMAT,
};
use crate::entry::{decode_entry_line, encode_entry_line, AuditEntry, IndexedEntry};
use crate::error::AuditError;
use crate::files::{
    append_line_durably, create_directory, create_file_once, file_length, for_each_line,
    read_optional, replace_file_atomically, sync_directory, AuditPaths, CHECKPOINT_FILE_NAME,
    HEAD_FILE_NAME,
};
use crate::keys::{load_or_create_signing_key, read_trusted_public_key};
use crate::merkle::{leaf_hash, CompactRange, Hash};

/// What the appender knows about the entry log after reading it up to `bytes_read`.
#[derive(Debug, Clone, Default)]
struct TreeState {
    compact_range: CompactRange,
    bytes_read: u64,
}

/// An open audit log that can be appended to. See the crate documentation for the files.
#[derive(Debug)]
pub struct AuditLog {
    paths: AuditPaths,
    data_directory: PathBuf,
    signing_key: SigningKey,
    state: TreeState,
    latest_checkpoint: Option<SignedCheckpoint>,
}

/// Holds the exclusive lock on `audit.lock` until dropped (closing the file releases it).
struct AppendLock {
    _file: File,
}

fn lock_exclusive(lock_path: &Path) -> Result<AppendLock, AuditError> {
    let file = crate::files::open_for_append(lock_path)?;
    file.lock()
        .map_err(|lock_error| AuditError::io("lock", lock_path, lock_error))?;
    Ok(AppendLock { _file: file })
}

/// Refuses a key directory that is the data directory or lies inside the audit folder.
fn check_key_directory_apart(paths: &AuditPaths, data_dir: &Path) -> Result<(), AuditError> {
    let canonical = |path: &Path| {
        path.canonicalize()
            .map_err(|canonical_error| AuditError::io("resolve", path, canonical_error))
    };
    let key_directory = canonical(&paths.key_directory)?;
    let data_directory = canonical(data_dir)?;
    let audit_directory = canonical(&paths.audit_directory)?;
    if key_directory == data_directory || key_directory.starts_with(&audit_directory) {
        return Err(AuditError::KeyDirectoryNotApart {
            key_dir: paths.key_directory.clone(),
            data_dir: data_dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Fails if the compact range has reached the head's size with another root.
fn check_against_head(
    compact_range: &CompactRange,
    head: Option<&(SignedCheckpoint, Hash)>,
) -> Result<(), AuditError> {
    let Some((head_checkpoint, head_root)) = head else {
        return Ok(());
    };
    if compact_range.tree_size() == head_checkpoint.tree_size && compact_range.root() != *head_root
    {
        return Err(AuditError::Tampered {
            reason: format!(
                "the first {} entries no longer have the root recorded in the signed head",
                head_checkpoint.tree_size
            ),
        });
    }
    Ok(())
}

impl AuditLog {
    /// Opens (creating) the log: entries in `<data_dir>/audit/audit-log.jsonl`, signed
    /// checkpoints in `<data_dir>/audit/audit-checkpoints.jsonl`; the Ed25519 signing key in
    /// `<key_dir>/audit-signing.key` (0600, directory 0700) with its public key in
    /// `<key_dir>/audit-signing.pub`, and a copy of the latest signed checkpoint in
    /// `<key_dir>/audit-head.json`. Reads the whole entry log once to rebuild the right edge of
    /// the tree and checks it against the signed head.
    ///
    /// Errors: the key directory equals the data directory or lies in its audit folder; the
    /// signing key is missing while signed checkpoints exist; the log contradicts the head, has
    /// a malformed or incomplete line, or is shorter than the head says.
    pub fn open(data_dir: &Path, key_dir: &Path) -> Result<AuditLog, AuditError> {
        let paths = AuditPaths::new(data_dir, key_dir);
        create_directory(&paths.audit_directory, 0o700)?;
        create_directory(key_dir, 0o700)?;
        check_key_directory_apart(&paths, data_dir)?;
        let _lock = lock_exclusive(&paths.lock)?;
        let has_signed_history = file_length(&paths.checkpoints)? > 0 || paths.head.exists();
        let signing_key = load_or_create_signing_key(&paths, !has_signed_history)?;
        let public_key_text = format!("{}\n", hex::encode(signing_key.verifying_key().as_bytes()));
        create_file_once(&paths.data_public_key, public_key_text.as_bytes(), 0o644)?;
        let mut log = AuditLog {
            paths,
            data_directory: data_dir.to_path_buf(),
            signing_key,
            state: TreeState::default(),
            latest_checkpoint: None,
        };
        log.catch_up()?;
        Ok(log)
    }

    /// Reads and checks the signed head copy in the key directory, if there is one.
    fn read_verified_head(&self) -> Result<Option<(SignedCheckpoint, Hash)>, AuditError> {
        let Some(head_bytes) = read_optional(&self.paths.head)? else {
            return Ok(None);
        };
        let head = decode_checkpoint(head_bytes.trim_ascii_end(), HEAD_FILE_NAME, 1)?;
        let head_root = head
            .check(&self.signing_key.verifying_key())
            .map_err(|problem| AuditError::Tampered {
                reason: format!("the signed head in the key directory is not valid: {problem}"),
            })?;
        Ok(Some((head, head_root)))
    }

    /// Reads entries appended since the last read (by this or another process) into the
    /// compact range, checking indices and the signed head. Changes nothing on error.
    fn catch_up(&mut self) -> Result<(), AuditError> {
        let head = self.read_verified_head()?;
        let mut next_state = self.state.clone();
        let current_length = file_length(&self.paths.entry_log)?;
        if current_length < next_state.bytes_read {
            return Err(AuditError::Tampered {
                reason: "the entry log became shorter while it was open".to_string(),
            });
        }
        check_against_head(&next_state.compact_range, head.as_ref())?;
        let outcome = for_each_line(&self.paths.entry_log, next_state.bytes_read, |line_bytes| {
            let expected_index = next_state.compact_range.tree_size();
            let decoded = decode_entry_line(line_bytes, expected_index + 1)?;
            if decoded.index != expected_index {
                return Err(AuditError::Tampered {
                    reason: format!(
                        "line {} holds entry index {} (lines removed or reordered)",
                        expected_index + 1,
                        decoded.index
                    ),
                });
            }
            next_state.compact_range.append(leaf_hash(line_bytes));
            check_against_head(&next_state.compact_range, head.as_ref())
        })?;
        if outcome.incomplete_tail {
            return Err(AuditError::IncompleteLine {
                line: next_state.compact_range.tree_size() + 1,
            });
        }
        if let Some((head_checkpoint, _)) = &head {
            if head_checkpoint.tree_size > next_state.compact_range.tree_size() {
                return Err(AuditError::Tampered {
                    reason: format!(
                        "the signed head covers {} entries but the log holds only {} (truncated)",
                        head_checkpoint.tree_size,
                        next_state.compact_range.tree_size()
                    ),
                });
            }
        }
        next_state.bytes_read = outcome.end_of_complete_lines;
        self.state = next_state;
        if let Some((head_checkpoint, _)) = head {
            self.latest_checkpoint = Some(head_checkpoint);
        }
        Ok(())
    }

    /// Appends one entry durably (fsync) under an exclusive lock, so several processes can
    /// append; first reads whatever other processes appended, then signs and appends a
    /// checkpoint and updates the head copy in the key directory. Returns the entry's index.
    ///
    /// The entry is validated first (see [`AuditEntry::validate`]); nothing is written if it is
    /// refused. If the log contradicts its signed head, nothing is written and the error says
    /// so. If signing fails after the entry was written, the entry stays and the next append
    /// signs it.
    pub fn append(&mut self, entry: &AuditEntry) -> Result<u64, AuditError> {
        entry.validate()?;
        let _lock = lock_exclusive(&self.paths.lock)?;
        self.catch_up()?;
        let index = self.state.compact_range.tree_size();
        let line_bytes = encode_entry_line(index, entry)?;
        let log_was_empty = file_length(&self.paths.entry_log)? == 0;
        append_line_durably(&self.paths.entry_log, &line_bytes)?;
        if log_was_empty {
            sync_directory(&self.paths.audit_directory)?;
        }
        self.state.compact_range.append(leaf_hash(&line_bytes));
        self.state.bytes_read += line_bytes.len() as u64 + 1;

        let checkpoint = SignedCheckpoint::sign(
            self.state.compact_range.tree_size(),
            &self.state.compact_range.root(),
            Utc::now(),
            &self.signing_key,
        );
        let checkpoint_bytes = encode_checkpoint(&checkpoint)?;
        append_line_durably(&self.paths.checkpoints, &checkpoint_bytes)?;
        let mut head_bytes = checkpoint_bytes;
        head_bytes.push(b'\n');
        replace_file_atomically(&self.paths.head, &head_bytes, 0o600)?;
        self.latest_checkpoint = Some(checkpoint);
        Ok(index)
    }

    /// Every entry with its index, read from the file (for the FG console).
    pub fn entries(&self) -> Result<Vec<IndexedEntry>, AuditError> {
        read_entries(&self.data_directory)
    }

    /// Writes a witness file (see [`WitnessExport`]) with every checkpoint; returns how many.
    pub fn export_checkpoints(&self, out: &Path) -> Result<usize, AuditError> {
        export_checkpoints(&self.data_directory, &self.paths.key_directory, out)
    }

    /// Number of entries known to this handle (including those read from other processes).
    pub fn tree_size(&self) -> u64 {
        self.state.compact_range.tree_size()
    }

    /// Merkle root over the entries known to this handle.
    pub fn root_hash(&self) -> Hash {
        self.state.compact_range.root()
    }

    /// The latest checkpoint signed or read by this handle.
    pub fn latest_checkpoint(&self) -> Option<&SignedCheckpoint> {
        self.latest_checkpoint.as_ref()
    }

    /// The log's file paths.
    pub fn paths(&self) -> &AuditPaths {
        &self.paths
    }
}

/// Every entry of the log in `data_dir` with its index; needs no key. Fails on a malformed or
/// incomplete line (naming the line, not its content): run [`crate::verify`] for the full picture.
pub fn read_entries(data_dir: &Path) -> Result<Vec<IndexedEntry>, AuditError> {
    let paths = AuditPaths::new(data_dir, Path::new(""));
    let mut entries = Vec::new();
    let outcome = for_each_line(&paths.entry_log, 0, |line_bytes| {
        let line_number = entries.len() as u64 + 1;
        entries.push(decode_entry_line(line_bytes, line_number)?);
        Ok(())
    })?;
    if outcome.incomplete_tail {
        return Err(AuditError::IncompleteLine {
            line: entries.len() as u64 + 1,
        });
    }
    Ok(entries)
}

/// Writes every signed checkpoint of the log in `data_dir`, with the key directory's public key,
/// to `out` for an outside witness; returns how many. Refuses (typed error) if a checkpoint is
/// malformed or its signature does not verify.
pub fn export_checkpoints(
    data_dir: &Path,
    key_dir: &Path,
    out: &Path,
) -> Result<usize, AuditError> {
    let paths = AuditPaths::new(data_dir, key_dir);
    let trusted_key = read_trusted_public_key(&paths)?;
    let mut checkpoints = Vec::new();
    let outcome = for_each_line(&paths.checkpoints, 0, |line_bytes| {
        let line_number = checkpoints.len() as u64 + 1;
        let checkpoint = decode_checkpoint(line_bytes, CHECKPOINT_FILE_NAME, line_number)?;
        if let Err(problem) = checkpoint.check(&trusted_key) {
            return Err(AuditError::Tampered {
                reason: format!("checkpoint on line {line_number} is not valid: {problem}"),
            });
        }
        checkpoints.push(checkpoint);
        Ok(())
    })?;
    if outcome.incomplete_tail {
        return Err(AuditError::MalformedLine {
            file: CHECKPOINT_FILE_NAME,
            line: checkpoints.len() as u64 + 1,
            reason: "the last line is incomplete".to_string(),
        });
    }
    let export = WitnessExport {
        format: WITNESS_EXPORT_FORMAT.to_string(),
        public_key: hex::encode(trusted_key.as_bytes()),
        key_id: key_id_for(&trusted_key),
        exported_at: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        checkpoints,
    };
    let mut export_bytes =
        serde_json::to_vec_pretty(&export).map_err(|serde_error| AuditError::Serialise {
            reason: serde_error.to_string(),
        })?;
    export_bytes.push(b'\n');
    replace_file_atomically(out, &export_bytes, 0o644)?;
    Ok(export.checkpoints.len())
}
