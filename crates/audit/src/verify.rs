//! `peil audit verify`: recomputes the whole Merkle tree from the entry log and checks every
//! entry, every checkpoint signature (with the key directory's public key, never the copy in the
//! data directory), each checkpoint's root, consistency proofs between successive checkpoints,
//! an inclusion proof for every entry against the latest checkpoint, the signed head copy in the
//! key directory, and optionally a witness file.
//!
//! Verification only reads. Its report names files, line numbers, sizes and field names; it must
//! never quote the content of an entry or of a damaged line, and never trust a key, size or root
//! that comes from the data directory without a signature check.

use std::path::Path;

use serde::Serialize;

use crate::checkpoint::{
    decode_checkpoint, SignedCheckpoint, WitnessExport, WITNESS_EXPORT_FORMAT,
};
use crate::entry::decode_entry_line;
use crate::error::AuditError;
use crate::files::{
    file_length, for_each_line, read_optional, AuditPaths, CHECKPOINT_FILE_NAME,
    DATA_PUBLIC_KEY_FILE_NAME, ENTRY_LOG_FILE_NAME, HEAD_FILE_NAME,
};
use crate::keys::{parse_public_key_hex, read_trusted_public_key};
use crate::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash, MerkleTree};

/// At most this many problems are listed; the rest are counted in `problems_not_listed`.
pub const MAXIMUM_LISTED_PROBLEMS: usize = 1000;

/// The kind of a problem found by [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// An audit file is missing while others show the log existed.
    MissingFile,
    /// An entry line is not a valid entry.
    MalformedEntry,
    /// A file ends in the middle of a line.
    IncompleteLine,
    /// Entry lines hold unexpected indices (removed, inserted or reordered lines).
    EntryOutOfOrder,
    /// A checkpoint record is not valid.
    MalformedCheckpoint,
    /// A checkpoint's signature does not verify with the key directory's public key.
    BadSignature,
    /// A signed checkpoint, the head copy or a witness covers more entries than the log holds,
    /// or checkpoints were removed.
    Truncated,
    /// A signed root does not match the entries.
    RootMismatch,
    /// Checkpoints are not in increasing order of tree size.
    CheckpointOutOfOrder,
    /// A consistency proof between successive checkpoints fails.
    ConsistencyFailure,
    /// Inclusion proofs against the latest checkpoint fail.
    InclusionFailure,
    /// Entries after the latest checkpoint are not covered by any signature.
    UnsignedEntries,
    /// The signed head copy in the key directory is missing.
    HeadMissing,
    /// The witness file is not a valid witness export.
    WitnessInvalid,
    /// A public key found elsewhere differs from the key directory's.
    PublicKeyMismatch,
}

/// One problem: where, and what (never the content of a line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationProblem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The file's name (`audit-log.jsonl`, `audit-checkpoints.jsonl`, `audit-head.json`, ...).
    pub file: String,
    /// The 1-based line, where one line is at fault.
    pub line: Option<u64>,
    /// An explanation for the FG and the operator.
    pub message: String,
}

impl std::fmt::Display for VerificationProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{} line {}: {}", self.file, line, self.message),
            None => write!(formatter, "{}: {}", self.file, self.message),
        }
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VerificationReport {
    /// Lines in the entry log.
    pub entries_in_log: u64,
    /// Entries proven included in the latest checkpoint (and so in every later one).
    pub entries_verified: u64,
    /// Lines in the checkpoint file.
    pub checkpoints_in_file: u64,
    /// Checkpoints with a valid signature, a matching root and a valid consistency proof from
    /// the previous one.
    pub checkpoints_verified: u64,
    /// The checkpoint the inclusion proofs were checked against.
    pub latest_checkpoint: Option<SignedCheckpoint>,
    /// Whether the signed head copy in the key directory was found and matches.
    pub head_verified: bool,
    /// Witness checkpoints that the log still matches.
    pub witness_checkpoints_verified: u64,
    /// Every problem found (up to [`MAXIMUM_LISTED_PROBLEMS`]).
    pub problems: Vec<VerificationProblem>,
    /// Problems found beyond the listed ones.
    pub problems_not_listed: u64,
}

impl VerificationReport {
    /// True when no problem at all was found.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty() && self.problems_not_listed == 0
    }

    /// Whether a problem of this kind was found (among the listed ones).
    pub fn has_problem(&self, kind: ProblemKind) -> bool {
        self.problems.iter().any(|problem| problem.kind == kind)
    }

    fn add(&mut self, kind: ProblemKind, file: &str, line: Option<u64>, message: String) {
        if self.problems.len() >= MAXIMUM_LISTED_PROBLEMS {
            self.problems_not_listed += 1;
            return;
        }
        self.problems.push(VerificationProblem {
            kind,
            file: file.to_string(),
            line,
            message,
        });
    }
}

impl std::fmt::Display for VerificationReport {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.is_valid() { "VALID" } else { "INVALID" };
        writeln!(
            formatter,
            "audit log {verdict}: {} of {} entries and {} of {} checkpoints verified; signed head {}",
            self.entries_verified,
            self.entries_in_log,
            self.checkpoints_verified,
            self.checkpoints_in_file,
            if self.head_verified { "matches" } else { "not verified" },
        )?;
        if self.witness_checkpoints_verified > 0 {
            writeln!(
                formatter,
                "{} witness checkpoints matched",
                self.witness_checkpoints_verified
            )?;
        }
        for problem in &self.problems {
            writeln!(formatter, "- {problem}")?;
        }
        if self.problems_not_listed > 0 {
            writeln!(
                formatter,
                "- and {} more problems",
                self.problems_not_listed
            )?;
        }
        Ok(())
    }
}

/// Up to five line numbers, for messages.
fn sample_lines(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
    if lines.len() > 5 {
        return format!("{}, ...", shown.join(", "));
    }
    shown.join(", ")
}

/// A signature-checked checkpoint from the checkpoint file.
#[derive(Debug, Clone)]
struct SignedFileCheckpoint {
    line: u64,
    checkpoint: SignedCheckpoint,
    root: Hash,
}

/// Reads the entry log into a tree, reporting malformed and out-of-order lines.
fn read_entry_tree(
    paths: &AuditPaths,
    report: &mut VerificationReport,
) -> Result<MerkleTree, AuditError> {
    let mut tree = MerkleTree::new();
    let mut out_of_order_lines: Vec<u64> = Vec::new();
    let mut malformed_problems: Vec<(u64, String)> = Vec::new();
    let outcome = for_each_line(&paths.entry_log, 0, |line_bytes| {
        let line_number = tree.len() + 1;
        match decode_entry_line(line_bytes, line_number) {
            Err(decode_error) => malformed_problems.push((line_number, decode_error.to_string())),
            Ok(decoded) if decoded.index != line_number - 1 => out_of_order_lines.push(line_number),
            Ok(_) => {}
        }
        tree.push(leaf_hash(line_bytes));
        Ok(())
    })?;
    for (line_number, message) in malformed_problems {
        report.add(
            ProblemKind::MalformedEntry,
            ENTRY_LOG_FILE_NAME,
            Some(line_number),
            message,
        );
    }
    if let Some(first_line) = out_of_order_lines.first() {
        report.add(
            ProblemKind::EntryOutOfOrder,
            ENTRY_LOG_FILE_NAME,
            Some(*first_line),
            format!(
                "{} lines hold another entry index than their position (lines {}): entries were \
                 removed, inserted or reordered",
                out_of_order_lines.len(),
                sample_lines(&out_of_order_lines)
            ),
        );
    }
    if outcome.incomplete_tail {
        report.add(
            ProblemKind::IncompleteLine,
            ENTRY_LOG_FILE_NAME,
            Some(tree.len() + 1),
            "the file ends in the middle of a line (cut off or an interrupted write)".to_string(),
        );
    }
    report.entries_in_log = tree.len();
    Ok(tree)
}

/// Checks every checkpoint of the checkpoint file; returns those with a valid signature.
fn check_checkpoint_file(
    paths: &AuditPaths,
    trusted_key: &ed25519_dalek::VerifyingKey,
    tree: &MerkleTree,
    report: &mut VerificationReport,
) -> Result<Vec<SignedFileCheckpoint>, AuditError> {
    let entry_count = tree.len();
    let mut signed: Vec<SignedFileCheckpoint> = Vec::new();
    let mut line_problems: Vec<(ProblemKind, u64, String)> = Vec::new();
    let mut beyond_log: Vec<(u64, u64)> = Vec::new();
    let mut root_mismatches: Vec<(u64, u64)> = Vec::new();
    let mut consistency_failures: Vec<u64> = Vec::new();
    let mut matching_sizes: Vec<u64> = Vec::new();
    let mut previous: Option<SignedFileCheckpoint> = None;
    let mut line_number = 0u64;
    let outcome = for_each_line(&paths.checkpoints, 0, |line_bytes| {
        line_number += 1;
        let checkpoint = match decode_checkpoint(line_bytes, CHECKPOINT_FILE_NAME, line_number) {
            Ok(decoded) => decoded,
            Err(decode_error) => {
                line_problems.push((
                    ProblemKind::MalformedCheckpoint,
                    line_number,
                    decode_error.to_string(),
                ));
                return Ok(());
            }
        };
        let root = match checkpoint.check(trusted_key) {
            Ok(verified_root) => verified_root,
            Err(problem) => {
                line_problems.push((
                    ProblemKind::BadSignature,
                    line_number,
                    format!("checkpoint not accepted: {problem}"),
                ));
                return Ok(());
            }
        };
        let size = checkpoint.tree_size;
        let current = SignedFileCheckpoint {
            line: line_number,
            checkpoint,
            root,
        };
        let mut acceptable = true;
        if let Some(earlier) = &previous {
            let earlier_size = earlier.checkpoint.tree_size;
            if size < earlier_size {
                acceptable = false;
                line_problems.push((
                    ProblemKind::CheckpointOutOfOrder,
                    line_number,
                    format!(
                        "checkpoint for {size} entries follows one for {earlier_size} entries (line {})",
                        earlier.line
                    ),
                ));
            } else if size <= entry_count {
                let proof = tree.consistency_proof(earlier_size, size)?;
                if !verify_consistency(earlier_size, size, &earlier.root, &root, &proof) {
                    acceptable = false;
                    consistency_failures.push(line_number);
                }
            }
        }
        if size > entry_count {
            acceptable = false;
            beyond_log.push((line_number, size));
        } else if tree.root(size)? != root {
            acceptable = false;
            root_mismatches.push((line_number, size));
        } else {
            matching_sizes.push(size);
        }
        if acceptable {
            report.checkpoints_verified += 1;
        }
        let is_newest = previous
            .as_ref()
            .is_none_or(|earlier| size >= earlier.checkpoint.tree_size);
        if is_newest {
            previous = Some(current.clone());
        }
        signed.push(current);
        Ok(())
    })?;
    report.checkpoints_in_file = line_number;
    for (kind, line, message) in line_problems {
        report.add(kind, CHECKPOINT_FILE_NAME, Some(line), message);
    }
    if outcome.incomplete_tail {
        report.add(
            ProblemKind::IncompleteLine,
            CHECKPOINT_FILE_NAME,
            Some(line_number + 1),
            "the file ends in the middle of a line (cut off or an interrupted write)".to_string(),
        );
    }
    if let Some((first_line, _)) = beyond_log.first() {
        let largest = beyond_log.iter().map(|(_, size)| *size).max().unwrap_or(0);
        report.add(
            ProblemKind::Truncated,
            CHECKPOINT_FILE_NAME,
            Some(*first_line),
            format!(
                "{} signed checkpoints cover more entries than the log holds (up to {largest}, \
                 the log has {entry_count}): entries were removed",
                beyond_log.len()
            ),
        );
    }
    if let Some((first_line, smallest_mismatch)) = root_mismatches.first() {
        let last_good = matching_sizes
            .iter()
            .copied()
            .filter(|size| size < smallest_mismatch)
            .max()
            .unwrap_or(0);
        let lines: Vec<u64> = root_mismatches.iter().map(|(line, _)| *line).collect();
        report.add(
            ProblemKind::RootMismatch,
            CHECKPOINT_FILE_NAME,
            Some(*first_line),
            format!(
                "{} signed checkpoints (lines {}) do not match the entries: an entry among log \
                 lines {}..={} was changed, removed, inserted or reordered",
                root_mismatches.len(),
                sample_lines(&lines),
                last_good + 1,
                smallest_mismatch
            ),
        );
    }
    if let Some(first_line) = consistency_failures.first() {
        report.add(
            ProblemKind::ConsistencyFailure,
            CHECKPOINT_FILE_NAME,
            Some(*first_line),
            format!(
                "{} consistency proofs from the previous checkpoint fail (lines {}): the log was \
                 rewritten between those checkpoints",
                consistency_failures.len(),
                sample_lines(&consistency_failures)
            ),
        );
    }
    Ok(signed)
}

/// Checks an inclusion proof for every entry against the newest signed checkpoint that fits.
fn check_inclusion(
    tree: &MerkleTree,
    signed: &[SignedFileCheckpoint],
    report: &mut VerificationReport,
) -> Result<(), AuditError> {
    let entry_count = tree.len();
    let latest = signed
        .iter()
        .filter(|candidate| candidate.checkpoint.tree_size <= entry_count)
        .max_by_key(|candidate| (candidate.checkpoint.tree_size, candidate.line));
    let covered_size = latest.map_or(0, |found| found.checkpoint.tree_size);
    if let Some(latest_checkpoint) = latest {
        let mut failed_lines: Vec<u64> = Vec::new();
        for index in 0..covered_size {
            let proof = tree.inclusion_proof(index, covered_size)?;
            let leaf = tree.leaf(index).unwrap_or_default();
            if verify_inclusion(&leaf, index, covered_size, &proof, &latest_checkpoint.root) {
                report.entries_verified += 1;
            } else {
                failed_lines.push(index + 1);
            }
        }
        if !failed_lines.is_empty() {
            report.add(
                ProblemKind::InclusionFailure,
                ENTRY_LOG_FILE_NAME,
                failed_lines.first().copied(),
                format!(
                    "{} of {covered_size} entries (lines {}) cannot be proven included in the signed \
                     checkpoint on line {}",
                    failed_lines.len(),
                    sample_lines(&failed_lines),
                    latest_checkpoint.line
                ),
            );
        }
        report.latest_checkpoint = Some(latest_checkpoint.checkpoint.clone());
    }
    if entry_count > covered_size {
        report.add(
            ProblemKind::UnsignedEntries,
            ENTRY_LOG_FILE_NAME,
            Some(covered_size + 1),
            format!(
                "log lines {}..={entry_count} are not covered by any signed checkpoint (an \
                 interrupted append, which the next append signs, or lines added by hand)",
                covered_size + 1
            ),
        );
    }
    Ok(())
}

/// Checks the signed head copy in the key directory.
fn check_head(
    paths: &AuditPaths,
    trusted_key: &ed25519_dalek::VerifyingKey,
    tree: &MerkleTree,
    signed: &[SignedFileCheckpoint],
    report: &mut VerificationReport,
) -> Result<(), AuditError> {
    let entry_count = tree.len();
    let Some(head_bytes) = read_optional(&paths.head)? else {
        if entry_count > 0 || report.checkpoints_in_file > 0 {
            report.add(
                ProblemKind::HeadMissing,
                HEAD_FILE_NAME,
                None,
                "the signed head copy is missing from the key directory, so truncation of the \
                 log together with its checkpoints cannot be ruled out"
                    .to_string(),
            );
        }
        return Ok(());
    };
    let head = match decode_checkpoint(head_bytes.trim_ascii_end(), HEAD_FILE_NAME, 1) {
        Ok(decoded) => decoded,
        Err(decode_error) => {
            report.add(
                ProblemKind::MalformedCheckpoint,
                HEAD_FILE_NAME,
                None,
                decode_error.to_string(),
            );
            return Ok(());
        }
    };
    let head_root = match head.check(trusted_key) {
        Ok(verified_root) => verified_root,
        Err(problem) => {
            report.add(
                ProblemKind::BadSignature,
                HEAD_FILE_NAME,
                None,
                format!("the signed head is not accepted: {problem}"),
            );
            return Ok(());
        }
    };
    let head_size = head.tree_size;
    if head_size > entry_count {
        report.add(
            ProblemKind::Truncated,
            HEAD_FILE_NAME,
            None,
            format!(
                "the signed head covers {head_size} entries but the log holds only \
                 {entry_count}: entries were removed from the end"
            ),
        );
    } else if tree.root(head_size)? != head_root {
        report.add(
            ProblemKind::RootMismatch,
            HEAD_FILE_NAME,
            None,
            format!("the first {head_size} entries do not match the root in the signed head"),
        );
    } else {
        report.head_verified = true;
    }
    let head_in_file = signed.iter().any(|candidate| {
        candidate.checkpoint.tree_size == head_size && candidate.root == head_root
    });
    if !head_in_file {
        report.head_verified = false;
        report.add(
            ProblemKind::Truncated,
            CHECKPOINT_FILE_NAME,
            None,
            format!(
                "the checkpoint file lacks the checkpoint for {head_size} entries recorded in \
                 the signed head: checkpoints were removed or replaced"
            ),
        );
    }
    Ok(())
}

/// Checks the log against the checkpoints an outside witness kept.
fn check_witness(
    witness_path: &Path,
    trusted_key: &ed25519_dalek::VerifyingKey,
    tree: &MerkleTree,
    report: &mut VerificationReport,
) -> Result<(), AuditError> {
    let witness_file = witness_path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "witness".to_string());
    let Some(witness_bytes) = read_optional(witness_path)? else {
        report.add(
            ProblemKind::MissingFile,
            &witness_file,
            None,
            "the witness file does not exist".to_string(),
        );
        return Ok(());
    };
    let export: WitnessExport = match serde_json::from_slice(&witness_bytes) {
        Ok(parsed) => parsed,
        Err(json_error) => {
            report.add(
                ProblemKind::WitnessInvalid,
                &witness_file,
                None,
                crate::entry::describe_json_error(
                    &json_error,
                    "format, public_key, key_id, exported_at, checkpoints",
                ),
            );
            return Ok(());
        }
    };
    if export.format != WITNESS_EXPORT_FORMAT {
        report.add(
            ProblemKind::WitnessInvalid,
            &witness_file,
            None,
            format!("not a witness export (expected format {WITNESS_EXPORT_FORMAT})"),
        );
        return Ok(());
    }
    if parse_public_key_hex(&export.public_key).as_ref() != Some(trusted_key) {
        report.add(
            ProblemKind::PublicKeyMismatch,
            &witness_file,
            None,
            "the witness holds another public key than the key directory: the audit key was \
             replaced since the witness copy was made"
                .to_string(),
        );
    }
    let entry_count = tree.len();
    for (position, checkpoint) in export.checkpoints.iter().enumerate() {
        let number = position as u64 + 1;
        let root = match checkpoint.check(trusted_key) {
            Ok(verified_root) => verified_root,
            Err(problem) => {
                report.add(
                    ProblemKind::BadSignature,
                    &witness_file,
                    None,
                    format!("witness checkpoint #{number} not accepted: {problem}"),
                );
                continue;
            }
        };
        if checkpoint.tree_size > entry_count {
            report.add(
                ProblemKind::Truncated,
                &witness_file,
                None,
                format!(
                    "witness checkpoint #{number} covers {} entries but the log holds only \
                     {entry_count}: entries were removed",
                    checkpoint.tree_size
                ),
            );
            continue;
        }
        if tree.root(checkpoint.tree_size)? != root {
            report.add(
                ProblemKind::RootMismatch,
                &witness_file,
                None,
                format!(
                    "the first {} entries no longer match witness checkpoint #{number}",
                    checkpoint.tree_size
                ),
            );
            continue;
        }
        report.witness_checkpoints_verified += 1;
    }
    Ok(())
}

/// Verifies the audit log in `<data_dir>/audit` with the public key and signed head in
/// `key_dir`, and optionally against a witness export. Problems in the files are listed in the
/// report (check [`VerificationReport::is_valid`]); an `Err` means verification could not run
/// (no trusted public key, a file that cannot be read).
pub fn verify(
    data_dir: &Path,
    key_dir: &Path,
    witness: Option<&Path>,
) -> Result<VerificationReport, AuditError> {
    let paths = AuditPaths::new(data_dir, key_dir);
    let trusted_key = read_trusted_public_key(&paths)?;
    let mut report = VerificationReport::default();

    if let Some(copy_bytes) = read_optional(&paths.data_public_key)? {
        let copy_key = std::str::from_utf8(&copy_bytes)
            .ok()
            .and_then(parse_public_key_hex);
        if copy_key.as_ref() != Some(&trusted_key) {
            report.add(
                ProblemKind::PublicKeyMismatch,
                DATA_PUBLIC_KEY_FILE_NAME,
                None,
                "the public key copy beside the data differs from the key directory's (it is \
                 not used for verification)"
                    .to_string(),
            );
        }
    }

    let log_exists = paths.entry_log.exists();
    let tree = read_entry_tree(&paths, &mut report)?;
    let signed = check_checkpoint_file(&paths, &trusted_key, &tree, &mut report)?;
    if !log_exists && (file_length(&paths.checkpoints)? > 0 || paths.head.exists()) {
        report.add(
            ProblemKind::MissingFile,
            ENTRY_LOG_FILE_NAME,
            None,
            "the entry log is missing but checkpoints exist".to_string(),
        );
    }
    if !paths.checkpoints.exists() && (!tree.is_empty() || paths.head.exists()) {
        report.add(
            ProblemKind::MissingFile,
            CHECKPOINT_FILE_NAME,
            None,
            "the checkpoint file is missing but entries exist".to_string(),
        );
    }
    check_inclusion(&tree, &signed, &mut report)?;
    check_head(&paths, &trusted_key, &tree, &signed, &mut report)?;
    if let Some(witness_path) = witness {
        check_witness(witness_path, &trusted_key, &tree, &mut report)?;
    }
    Ok(report)
}
