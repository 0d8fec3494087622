//! Integration tests of the audit log on real files: appends, reopening, several writers, and
//! tampering with the files (changed bytes, removed, swapped and truncated lines, forged
//! checkpoints, a replaced public key, a rewritten history caught by a witness).

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Utc;
use ed25519_dalek::{Signer, SigningKey};
use peil_audit::merkle::{leaf_hash, MerkleTree};
use peil_audit::{
    verify, AuditAction, AuditEntry, AuditError, AuditLog, AuditResult, ProblemKind,
    SignedCheckpoint, VerificationReport,
};

struct Directories {
    _temporary: tempfile::TempDir,
    data: PathBuf,
    keys: PathBuf,
}

fn fresh_directories() -> Directories {
    let temporary = tempfile::tempdir().unwrap_or_else(|error| panic!("tempdir: {error}"));
    let data = temporary.path().join("data");
    let keys = temporary.path().join("keys-elsewhere");
    Directories {
        _temporary: temporary,
        data,
        keys,
    }
}

fn sample_entry(number: u64) -> AuditEntry {
    let action = AuditAction::ALL[(number as usize) % AuditAction::ALL.len()];
    let result = if number.is_multiple_of(3) {
        AuditResult::Refused
    } else {
        AuditResult::Succeeded
    };
    let entry = AuditEntry::new(
        action,
        format!("workspace:{number}"),
        result,
        format!("user:{}", number % 4),
        "cli",
    );
    let fixed_time = chrono::DateTime::from_timestamp(1_700_000_000 + number as i64, 0);
    let stamped = AuditEntry {
        at: fixed_time.unwrap_or_default(),
        ..entry
    };
    if action == AuditAction::Query {
        return stamped.with_detail("#afval AND leeuwarden");
    }
    stamped
}

fn open_log(directories: &Directories) -> AuditLog {
    AuditLog::open(&directories.data, &directories.keys)
        .unwrap_or_else(|error| panic!("open: {error}"))
}

fn log_with_entries(directories: &Directories, count: u64) -> AuditLog {
    let mut log = open_log(directories);
    for number in 0..count {
        let index = log
            .append(&sample_entry(number))
            .unwrap_or_else(|error| panic!("append: {error}"));
        assert_eq!(index, number);
    }
    log
}

fn entry_log_path(directories: &Directories) -> PathBuf {
    directories.data.join("audit").join("audit-log.jsonl")
}

fn checkpoint_path(directories: &Directories) -> PathBuf {
    directories
        .data
        .join("audit")
        .join("audit-checkpoints.jsonl")
}

fn read_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("read: {error}"));
    text.lines().map(str::to_string).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    if !lines.is_empty() {
        text.push('\n');
    }
    fs::write(path, text).unwrap_or_else(|error| panic!("write: {error}"));
}

fn verify_report(directories: &Directories, witness: Option<&Path>) -> VerificationReport {
    verify(&directories.data, &directories.keys, witness)
        .unwrap_or_else(|error| panic!("verify: {error}"))
}

fn assert_invalid_with(report: &VerificationReport, kind: ProblemKind) {
    assert!(!report.is_valid(), "expected an invalid report:\n{report}");
    assert!(
        report.has_problem(kind),
        "expected a {kind:?} problem:\n{report}"
    );
}

#[test]
fn appended_entries_verify_and_read_back() {
    let directories = fresh_directories();
    let log = log_with_entries(&directories, 13);
    let report = verify_report(&directories, None);
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.entries_in_log, 13);
    assert_eq!(report.entries_verified, 13);
    assert_eq!(report.checkpoints_in_file, 13);
    assert_eq!(report.checkpoints_verified, 13);
    assert!(report.head_verified);
    assert_eq!(
        report
            .latest_checkpoint
            .as_ref()
            .map(|checkpoint| checkpoint.tree_size),
        Some(13)
    );

    let entries = log
        .entries()
        .unwrap_or_else(|error| panic!("entries: {error}"));
    assert_eq!(entries.len(), 13);
    for (position, indexed) in entries.iter().enumerate() {
        assert_eq!(indexed.index, position as u64);
        assert_eq!(indexed.entry, sample_entry(position as u64));
    }
    assert_eq!(log.tree_size(), 13);
    assert_eq!(
        log.latest_checkpoint()
            .map(|checkpoint| checkpoint.root_hash.clone()),
        Some(hex::encode(log.root_hash()))
    );
}

#[test]
fn the_tree_is_rfc6962_over_the_exact_lines() {
    let directories = fresh_directories();
    let log = log_with_entries(&directories, 6);
    let lines = read_lines(&entry_log_path(&directories));
    let tree = MerkleTree::from_leaf_hashes(lines.iter().map(|line| leaf_hash(line.as_bytes())));
    assert_eq!(tree.root(6).ok(), Some(log.root_hash()));
}

#[test]
fn an_empty_log_is_valid() {
    let directories = fresh_directories();
    let _log = open_log(&directories);
    let report = verify_report(&directories, None);
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.entries_in_log, 0);
}

#[test]
fn reopening_continues_the_same_tree() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 3));
    let mut reopened = open_log(&directories);
    assert_eq!(reopened.tree_size(), 3);
    for number in 3..7 {
        let index = reopened
            .append(&sample_entry(number))
            .unwrap_or_else(|error| panic!("append: {error}"));
        assert_eq!(index, number);
    }
    let report = verify_report(&directories, None);
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.entries_verified, 7);
}

#[test]
fn file_names_contain_audit_and_the_key_is_private() {
    let directories = fresh_directories();
    let _log = log_with_entries(&directories, 1);
    for directory in [directories.data.join("audit"), directories.keys.clone()] {
        for directory_entry in fs::read_dir(&directory).into_iter().flatten().flatten() {
            let name = directory_entry.file_name().to_string_lossy().into_owned();
            assert!(name.contains("audit"), "{name} lacks `audit`");
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key_mode = fs::metadata(directories.keys.join("audit-signing.key"))
            .map(|metadata| metadata.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(key_mode, 0o600);
        let directory_mode = fs::metadata(&directories.keys)
            .map(|metadata| metadata.permissions().mode() & 0o777)
            .unwrap_or(0);
        assert_eq!(directory_mode, 0o700);
    }
    assert!(directories.keys.join("audit-signing.pub").exists());
    assert!(directories.keys.join("audit-head.json").exists());
    assert!(!directories
        .data
        .join("audit")
        .join("audit-signing.key")
        .exists());
}

#[test]
fn a_refused_entry_writes_nothing() {
    let directories = fresh_directories();
    let mut log = log_with_entries(&directories, 2);
    let with_newline = AuditEntry {
        object: "workspace:1\n{\"index\":2}".to_string(),
        ..sample_entry(2)
    };
    assert!(matches!(
        log.append(&with_newline),
        Err(AuditError::InvalidField {
            field: "object",
            ..
        })
    ));
    let email_actor = AuditEntry {
        actor: "piet@example.org".to_string(),
        ..sample_entry(2)
    };
    assert!(matches!(
        log.append(&email_actor),
        Err(AuditError::InvalidField { field: "actor", .. })
    ));
    assert_eq!(read_lines(&entry_log_path(&directories)).len(), 2);
    assert!(verify_report(&directories, None).is_valid());
}

#[test]
fn changing_one_byte_of_an_entry_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 10));
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    // Still valid JSON, only one character different.
    lines[3] = lines[3].replace("workspace:3", "workspace:8");
    write_lines(&path, &lines);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::RootMismatch);
    assert_invalid_with(&report, ProblemKind::InclusionFailure);
    assert_invalid_with(&report, ProblemKind::ConsistencyFailure);
    assert!(report.to_string().contains("lines 4..=4"), "{report}");
    // The appender refuses to extend a tampered log.
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.keys),
        Err(AuditError::Tampered { .. })
    ));
}

#[test]
fn a_flipped_byte_that_breaks_the_json_is_reported_by_line_without_content() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 5));
    let path = entry_log_path(&directories);
    let mut bytes = fs::read(&path).unwrap_or_default();
    let second_line_start = bytes.iter().position(|byte| *byte == b'\n').unwrap_or(0) + 1;
    bytes[second_line_start] = b'X';
    fs::write(&path, &bytes).unwrap_or_else(|error| panic!("write: {error}"));
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::MalformedEntry);
    let malformed = report
        .problems
        .iter()
        .find(|problem| problem.kind == ProblemKind::MalformedEntry);
    assert_eq!(malformed.and_then(|problem| problem.line), Some(2));
}

#[test]
fn a_planted_line_is_reported_without_its_content() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 3));
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    lines.insert(
        1,
        "{\"index\":1,\"naam\":\"Jan Geheimsma\",\"telefoon\":\"0612345678\"}".to_string(),
    );
    write_lines(&path, &lines);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::MalformedEntry);
    let text = report.to_string();
    assert!(text.contains("line 2"), "{text}");
    assert!(
        !text.contains("Geheimsma") && !text.contains("0612345678"),
        "{text}"
    );
}

#[test]
fn deleting_a_line_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 8));
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    lines.remove(4);
    write_lines(&path, &lines);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::EntryOutOfOrder);
    assert_invalid_with(&report, ProblemKind::RootMismatch);
    assert_invalid_with(&report, ProblemKind::Truncated);
}

#[test]
fn deleting_a_line_and_renumbering_is_still_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 8));
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    lines.remove(2);
    let renumbered: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let old_index = if position >= 2 {
                position + 1
            } else {
                position
            };
            line.replace(
                &format!("{{\"index\":{old_index},"),
                &format!("{{\"index\":{position},"),
            )
        })
        .collect();
    write_lines(&path, &renumbered);
    let report = verify_report(&directories, None);
    assert!(
        !report.has_problem(ProblemKind::EntryOutOfOrder),
        "{report}"
    );
    assert_invalid_with(&report, ProblemKind::RootMismatch);
}

#[test]
fn swapping_two_lines_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 8));
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    lines.swap(2, 5);
    write_lines(&path, &lines);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::EntryOutOfOrder);
    assert_invalid_with(&report, ProblemKind::RootMismatch);
}

#[test]
fn truncating_the_log_is_detected() {
    let directories = fresh_directories();
    let mut open_handle = log_with_entries(&directories, 9);
    let path = entry_log_path(&directories);
    let lines = read_lines(&path);
    write_lines(&path, &lines[..6]);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::Truncated);
    // Neither an open handle nor a new one appends to a truncated log.
    assert!(matches!(
        open_handle.append(&sample_entry(9)),
        Err(AuditError::Tampered { .. })
    ));
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.keys),
        Err(AuditError::Tampered { .. })
    ));
}

#[test]
fn cutting_the_log_mid_line_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 4));
    let path = entry_log_path(&directories);
    let bytes = fs::read(&path).unwrap_or_default();
    fs::write(&path, &bytes[..bytes.len() - 10]).unwrap_or_else(|error| panic!("write: {error}"));
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::IncompleteLine);
    assert_invalid_with(&report, ProblemKind::Truncated);
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.keys),
        Err(AuditError::IncompleteLine { line: 4 })
    ));
}

#[test]
fn truncating_log_and_checkpoints_together_is_caught_by_the_head_copy() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 10));
    let log_lines = read_lines(&entry_log_path(&directories));
    let checkpoint_lines = read_lines(&checkpoint_path(&directories));
    write_lines(&entry_log_path(&directories), &log_lines[..7]);
    write_lines(&checkpoint_path(&directories), &checkpoint_lines[..7]);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::Truncated);
    let from_head = report
        .problems
        .iter()
        .any(|problem| problem.kind == ProblemKind::Truncated && problem.file == "audit-head.json");
    assert!(from_head, "{report}");
    // Without the head copy the truncation would be invisible; its absence is itself reported.
    fs::remove_file(directories.keys.join("audit-head.json"))
        .unwrap_or_else(|error| panic!("remove: {error}"));
    let without_head = verify_report(&directories, None);
    assert_invalid_with(&without_head, ProblemKind::HeadMissing);
}

#[test]
fn removing_only_checkpoints_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 6));
    let checkpoint_lines = read_lines(&checkpoint_path(&directories));
    write_lines(&checkpoint_path(&directories), &checkpoint_lines[..4]);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::Truncated);
    assert_invalid_with(&report, ProblemKind::UnsignedEntries);
}

#[test]
fn reordering_checkpoints_is_detected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 6));
    let mut checkpoint_lines = read_lines(&checkpoint_path(&directories));
    checkpoint_lines.swap(1, 4);
    write_lines(&checkpoint_path(&directories), &checkpoint_lines);
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::CheckpointOutOfOrder);
}

/// Signs a checkpoint with an attacker's key, claiming the real key id when asked.
fn attacker_checkpoint(
    attacker: &SigningKey,
    tree_size: u64,
    root: &[u8; 32],
    key_id: &str,
) -> SignedCheckpoint {
    let unsigned = SignedCheckpoint {
        tree_size,
        root_hash: hex::encode(root),
        timestamp: Utc::now().to_rfc3339(),
        key_id: key_id.to_string(),
        signature: String::new(),
    };
    let signature = attacker.sign(unsigned.signed_message().as_bytes());
    SignedCheckpoint {
        signature: hex::encode(signature.to_bytes()),
        ..unsigned
    }
}

#[test]
fn replacing_the_public_key_in_the_data_directory_does_not_help_a_forger() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 5));
    let attacker = SigningKey::from_bytes(&[42u8; 32]);
    let attacker_key_id = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(attacker.verifying_key().as_bytes())[..8])
    };
    // Rewrite an entry, re-sign every checkpoint with the attacker's key, plant their key.
    let path = entry_log_path(&directories);
    let mut lines = read_lines(&path);
    lines[1] = lines[1].replace("workspace:1", "workspace:9");
    write_lines(&path, &lines);
    let tree = MerkleTree::from_leaf_hashes(lines.iter().map(|line| leaf_hash(line.as_bytes())));
    let forged: Vec<String> = (1..=5u64)
        .map(|size| {
            let root = tree.root(size).unwrap_or_default();
            serde_json::to_string(&attacker_checkpoint(
                &attacker,
                size,
                &root,
                &attacker_key_id,
            ))
            .unwrap_or_default()
        })
        .collect();
    write_lines(&checkpoint_path(&directories), &forged);
    fs::write(
        directories.data.join("audit").join("audit-public-key.txt"),
        format!("{}\n", hex::encode(attacker.verifying_key().as_bytes())),
    )
    .unwrap_or_else(|error| panic!("write: {error}"));
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::BadSignature);
    assert_invalid_with(&report, ProblemKind::PublicKeyMismatch);
    assert_eq!(report.checkpoints_verified, 0, "{report}");
}

#[test]
fn forged_checkpoints_are_rejected() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 4));
    let path = checkpoint_path(&directories);
    let original = read_lines(&path);
    let real_key_id = serde_json::from_str::<SignedCheckpoint>(&original[0])
        .map(|checkpoint| checkpoint.key_id)
        .unwrap_or_default();

    // 1. Change the root of a genuine checkpoint.
    let mut changed_root = original.clone();
    let mut genuine: SignedCheckpoint =
        serde_json::from_str(&changed_root[2]).unwrap_or_else(|error| panic!("parse: {error}"));
    genuine.root_hash = hex::encode([7u8; 32]);
    changed_root[2] = serde_json::to_string(&genuine).unwrap_or_default();
    write_lines(&path, &changed_root);
    assert_invalid_with(
        &verify_report(&directories, None),
        ProblemKind::BadSignature,
    );

    // 2. Add a checkpoint signed by another key under the real key id.
    let attacker = SigningKey::from_bytes(&[5u8; 32]);
    let mut added = original.clone();
    let forged = attacker_checkpoint(&attacker, 4, &[1u8; 32], &real_key_id);
    added.push(serde_json::to_string(&forged).unwrap_or_default());
    write_lines(&path, &added);
    assert_invalid_with(
        &verify_report(&directories, None),
        ProblemKind::BadSignature,
    );

    // 3. Garbage signature.
    let mut garbage = original.clone();
    let mut broken: SignedCheckpoint =
        serde_json::from_str(&garbage[1]).unwrap_or_else(|error| panic!("parse: {error}"));
    broken.signature = "00".repeat(64);
    garbage[1] = serde_json::to_string(&broken).unwrap_or_default();
    write_lines(&path, &garbage);
    assert_invalid_with(
        &verify_report(&directories, None),
        ProblemKind::BadSignature,
    );

    // 4. Restored, it verifies again.
    write_lines(&path, &original);
    assert!(verify_report(&directories, None).is_valid());
}

#[test]
fn a_witness_catches_a_history_rewritten_with_the_real_key() {
    let directories = fresh_directories();
    let witness_path = directories.data.with_file_name("witness-audit.json");
    let log = log_with_entries(&directories, 5);
    let exported = log
        .export_checkpoints(&witness_path)
        .unwrap_or_else(|error| panic!("export: {error}"));
    assert_eq!(exported, 5);
    drop(log);
    drop_and_append(&directories, 5..8);
    let report = verify_report(&directories, Some(&witness_path));
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.witness_checkpoints_verified, 5);

    // Someone with the key directory rebuilds the whole log with other entries.
    fs::remove_dir_all(directories.data.join("audit")).unwrap_or_else(|error| panic!("{error}"));
    fs::remove_file(directories.keys.join("audit-head.json"))
        .unwrap_or_else(|error| panic!("{error}"));
    let mut rebuilt = open_log(&directories);
    for number in 100..108 {
        rebuilt
            .append(&sample_entry(number))
            .unwrap_or_else(|error| panic!("append: {error}"));
    }
    assert!(verify_report(&directories, None).is_valid());
    let with_witness = verify_report(&directories, Some(&witness_path));
    assert_invalid_with(&with_witness, ProblemKind::RootMismatch);

    // A witness that saw more entries than remain catches truncation.
    let short = fresh_directories();
    let short_witness = short.data.with_file_name("witness-audit.json");
    let short_log = log_with_entries(&short, 6);
    short_log
        .export_checkpoints(&short_witness)
        .unwrap_or_else(|error| panic!("export: {error}"));
    drop(short_log);
    fs::remove_dir_all(short.data.join("audit")).unwrap_or_else(|error| panic!("{error}"));
    fs::remove_file(short.keys.join("audit-head.json")).unwrap_or_else(|error| panic!("{error}"));
    drop(log_with_entries(&short, 3));
    assert_invalid_with(
        &verify_report(&short, Some(&short_witness)),
        ProblemKind::Truncated,
    );
}

fn drop_and_append(directories: &Directories, numbers: std::ops::Range<u64>) {
    let mut log = open_log(directories);
    for number in numbers {
        log.append(&sample_entry(number))
            .unwrap_or_else(|error| panic!("append: {error}"));
    }
}

#[test]
fn verification_uses_the_key_directory_not_the_data_directory() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 3));
    // Another key in the key directory: every genuine checkpoint fails.
    let other = SigningKey::from_bytes(&[3u8; 32]);
    fs::write(
        directories.keys.join("audit-signing.pub"),
        format!("{}\n", hex::encode(other.verifying_key().as_bytes())),
    )
    .unwrap_or_else(|error| panic!("write: {error}"));
    let report = verify_report(&directories, None);
    assert_invalid_with(&report, ProblemKind::BadSignature);
    // No public key at all: verification cannot run.
    fs::remove_file(directories.keys.join("audit-signing.pub"))
        .unwrap_or_else(|error| panic!("{error}"));
    fs::remove_file(directories.keys.join("audit-signing.key"))
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(matches!(
        verify(&directories.data, &directories.keys, None),
        Err(AuditError::PublicKeyMissing { .. })
    ));
}

#[test]
fn a_missing_signing_key_is_not_silently_replaced() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 2));
    fs::remove_file(directories.keys.join("audit-signing.key"))
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.keys),
        Err(AuditError::SigningKeyMissing { .. })
    ));
}

#[test]
fn a_key_directory_inside_the_audit_data_is_refused() {
    let directories = fresh_directories();
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.data),
        Err(AuditError::KeyDirectoryNotApart { .. })
    ));
    assert!(matches!(
        AuditLog::open(
            &directories.data,
            &directories.data.join("audit").join("keys")
        ),
        Err(AuditError::KeyDirectoryNotApart { .. })
    ));
}

#[cfg(unix)]
#[test]
fn a_signing_key_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 1));
    let key_path = directories.keys.join("audit-signing.key");
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644))
        .unwrap_or_else(|error| panic!("chmod: {error}"));
    assert!(matches!(
        AuditLog::open(&directories.data, &directories.keys),
        Err(AuditError::KeyFilePermissions { .. })
    ));
}

#[test]
fn two_writers_on_the_same_directories_keep_one_tree() {
    const APPENDS_PER_WRITER: u64 = 40;
    let directories = fresh_directories();
    // Both open before either appends, so each must pick up the other's entries under the lock.
    let mut first = open_log(&directories);
    let mut second = open_log(&directories);
    let results = std::thread::scope(|scope| {
        let first_writer = scope.spawn(move || {
            (0..APPENDS_PER_WRITER)
                .map(|number| first.append(&sample_entry(number)))
                .collect::<Result<Vec<u64>, AuditError>>()
        });
        let second_writer = scope.spawn(move || {
            (0..APPENDS_PER_WRITER)
                .map(|number| second.append(&sample_entry(1000 + number)))
                .collect::<Result<Vec<u64>, AuditError>>()
        });
        (first_writer.join(), second_writer.join())
    });
    let (Ok(Ok(first_indices)), Ok(Ok(second_indices))) = results else {
        panic!("a writer failed");
    };
    let mut all_indices: Vec<u64> = first_indices.into_iter().chain(second_indices).collect();
    all_indices.sort_unstable();
    let expected: Vec<u64> = (0..2 * APPENDS_PER_WRITER).collect();
    assert_eq!(all_indices, expected);
    let report = verify_report(&directories, None);
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.entries_verified, 2 * APPENDS_PER_WRITER);
    assert_eq!(report.checkpoints_verified, 2 * APPENDS_PER_WRITER);
}

#[test]
fn export_without_a_signing_key_and_read_entries_without_any_key() {
    let directories = fresh_directories();
    drop(log_with_entries(&directories, 3));
    let entries =
        peil_audit::read_entries(&directories.data).unwrap_or_else(|error| panic!("read: {error}"));
    assert_eq!(entries.len(), 3);
    fs::remove_file(directories.keys.join("audit-signing.key"))
        .unwrap_or_else(|error| panic!("{error}"));
    let out = directories.keys.join("witness-audit.json");
    let count = peil_audit::export_checkpoints(&directories.data, &directories.keys, &out)
        .unwrap_or_else(|error| panic!("export: {error}"));
    assert_eq!(count, 3);
    let report = verify_report(&directories, Some(&out));
    assert!(report.is_valid(), "{report}");
    assert_eq!(report.witness_checkpoints_verified, 3);
}
