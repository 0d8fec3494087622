//! Where the audit log lives on disk and the few file primitives it needs: line-by-line reading
//! from an offset, durable appends and atomic replacement.
//!
//! Every file name contains `audit` so operators can find and back them up. This module must
//! never truncate or rewrite the entry log or the checkpoint file: they are only ever appended to.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::AuditError;

/// Folder under the data directory that holds the log.
pub const AUDIT_DIRECTORY_NAME: &str = "audit";
/// The entries, one JSON object per line.
pub const ENTRY_LOG_FILE_NAME: &str = crate::entry::ENTRY_LOG_FILE_NAME;
/// The signed checkpoints, one JSON object per line.
pub const CHECKPOINT_FILE_NAME: &str = "audit-checkpoints.jsonl";
/// Lock file serialising appends from several processes.
pub const LOCK_FILE_NAME: &str = "audit.lock";
/// Copy of the public key beside the data, for witnesses and backups; never trusted by `verify`.
pub const DATA_PUBLIC_KEY_FILE_NAME: &str = "audit-public-key.txt";
/// The Ed25519 signing key (hex seed) in the key directory, mode 0600.
pub const SIGNING_KEY_FILE_NAME: &str = "audit-signing.key";
/// The Ed25519 public key (hex) in the key directory: the one `verify` trusts.
pub const PUBLIC_KEY_FILE_NAME: &str = "audit-signing.pub";
/// Copy of the latest signed checkpoint in the key directory (detects truncation of both files).
pub const HEAD_FILE_NAME: &str = "audit-head.json";

/// All paths of one audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPaths {
    /// `<data_dir>/audit`.
    pub audit_directory: PathBuf,
    /// `<data_dir>/audit/audit-log.jsonl`.
    pub entry_log: PathBuf,
    /// `<data_dir>/audit/audit-checkpoints.jsonl`.
    pub checkpoints: PathBuf,
    /// `<data_dir>/audit/audit.lock`.
    pub lock: PathBuf,
    /// `<data_dir>/audit/audit-public-key.txt` (untrusted copy).
    pub data_public_key: PathBuf,
    /// The key directory.
    pub key_directory: PathBuf,
    /// `<key_dir>/audit-signing.key`.
    pub signing_key: PathBuf,
    /// `<key_dir>/audit-signing.pub`.
    pub public_key: PathBuf,
    /// `<key_dir>/audit-head.json`.
    pub head: PathBuf,
}

impl AuditPaths {
    /// The paths for a data directory and a key directory.
    pub fn new(data_dir: &Path, key_dir: &Path) -> AuditPaths {
        let audit_directory = data_dir.join(AUDIT_DIRECTORY_NAME);
        AuditPaths {
            entry_log: audit_directory.join(ENTRY_LOG_FILE_NAME),
            checkpoints: audit_directory.join(CHECKPOINT_FILE_NAME),
            lock: audit_directory.join(LOCK_FILE_NAME),
            data_public_key: audit_directory.join(DATA_PUBLIC_KEY_FILE_NAME),
            audit_directory,
            key_directory: key_dir.to_path_buf(),
            signing_key: key_dir.join(SIGNING_KEY_FILE_NAME),
            public_key: key_dir.join(PUBLIC_KEY_FILE_NAME),
            head: key_dir.join(HEAD_FILE_NAME),
        }
    }
}

/// What [`for_each_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineReadOutcome {
    /// Offset just after the last complete line.
    pub end_of_complete_lines: u64,
    /// Number of complete lines visited.
    pub complete_lines: u64,
    /// Whether bytes without a final newline follow the last complete line.
    pub incomplete_tail: bool,
}

/// Calls `visit` with every complete line (without its newline) from byte `start_offset` on.
/// A missing file reads as empty.
pub(crate) fn for_each_line(
    path: &Path,
    start_offset: u64,
    mut visit: impl FnMut(&[u8]) -> Result<(), AuditError>,
) -> Result<LineReadOutcome, AuditError> {
    let mut outcome = LineReadOutcome {
        end_of_complete_lines: start_offset,
        complete_lines: 0,
        incomplete_tail: false,
    };
    let mut file = match File::open(path) {
        Ok(opened) => opened,
        Err(open_error) if open_error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(outcome);
        }
        Err(open_error) => return Err(AuditError::io("open", path, open_error)),
    };
    file.seek(SeekFrom::Start(start_offset))
        .map_err(|seek_error| AuditError::io("seek in", path, seek_error))?;
    let mut reader = BufReader::new(file);
    let mut line_buffer = Vec::new();
    loop {
        line_buffer.clear();
        let bytes_read = reader
            .read_until(b'\n', &mut line_buffer)
            .map_err(|read_error| AuditError::io("read", path, read_error))?;
        if bytes_read == 0 {
            return Ok(outcome);
        }
        if line_buffer.last() != Some(&b'\n') {
            outcome.incomplete_tail = true;
            return Ok(outcome);
        }
        visit(&line_buffer[..line_buffer.len() - 1])?;
        outcome.end_of_complete_lines += bytes_read as u64;
        outcome.complete_lines += 1;
    }
}

/// Length of a file, 0 if it does not exist.
pub(crate) fn file_length(path: &Path) -> Result<u64, AuditError> {
    match std::fs::metadata(path) {
        Ok(metadata) => Ok(metadata.len()),
        Err(metadata_error) if metadata_error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(metadata_error) => Err(AuditError::io("inspect", path, metadata_error)),
    }
}

/// Opens a file for appending, creating it (mode 0600 on Unix) if needed.
pub(crate) fn open_for_append(path: &Path) -> Result<File, AuditError> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|open_error| AuditError::io("open for appending", path, open_error))
}

/// Appends `line_bytes` and a newline in one write, then flushes it to stable storage.
pub(crate) fn append_line_durably(path: &Path, line_bytes: &[u8]) -> Result<(), AuditError> {
    let mut file = open_for_append(path)?;
    let mut record = Vec::with_capacity(line_bytes.len() + 1);
    record.extend_from_slice(line_bytes);
    record.push(b'\n');
    file.write_all(&record)
        .map_err(|write_error| AuditError::io("append to", path, write_error))?;
    file.sync_data()
        .map_err(|sync_error| AuditError::io("flush", path, sync_error))
}

/// Flushes a directory entry list (after creating or renaming files in it).
pub(crate) fn sync_directory(directory: &Path) -> Result<(), AuditError> {
    #[cfg(unix)]
    {
        let opened = File::open(directory)
            .map_err(|open_error| AuditError::io("open directory", directory, open_error))?;
        opened
            .sync_all()
            .map_err(|sync_error| AuditError::io("flush directory", directory, sync_error))?;
    }
    #[cfg(not(unix))]
    {
        let _ = directory;
    }
    Ok(())
}

/// Creates a directory (and parents) with mode `mode` on Unix if it does not exist yet.
pub(crate) fn create_directory(directory: &Path, mode: u32) -> Result<(), AuditError> {
    if directory.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(mode);
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
    }
    builder
        .create(directory)
        .map_err(|create_error| AuditError::io("create directory", directory, create_error))
}

/// A temporary name beside `path` that no other process uses.
fn temporary_sibling(path: &Path) -> Result<PathBuf, AuditError> {
    let mut random_bytes = [0u8; 8];
    getrandom::fill(&mut random_bytes).map_err(|random_error| {
        AuditError::io(
            "draw a random name beside",
            path,
            std::io::Error::other(random_error.to_string()),
        )
    })?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "audit".to_string());
    Ok(path.with_file_name(format!("{file_name}.{}.tmp", hex::encode(random_bytes))))
}

/// Writes a new file with `contents` and `mode`, flushed, at a temporary name; returns the name.
fn write_temporary(path: &Path, contents: &[u8], mode: u32) -> Result<PathBuf, AuditError> {
    let temporary_path = temporary_sibling(path)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
    }
    let write_result = options
        .open(&temporary_path)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        })
        .map_err(|write_error| AuditError::io("write", &temporary_path, write_error));
    if let Err(write_failure) = write_result {
        let _ = std::fs::remove_file(&temporary_path);
        return Err(write_failure);
    }
    Ok(temporary_path)
}

/// Replaces `path` atomically with `contents` (write, flush, rename, flush directory).
pub(crate) fn replace_file_atomically(
    path: &Path,
    contents: &[u8],
    mode: u32,
) -> Result<(), AuditError> {
    let temporary_path = write_temporary(path, contents, mode)?;
    if let Err(rename_error) = std::fs::rename(&temporary_path, path) {
        let _ = std::fs::remove_file(&temporary_path);
        return Err(AuditError::io("replace", path, rename_error));
    }
    sync_directory(parent_directory(path))
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_directory(path: &Path) -> &Path {
    match path.parent() {
        Some(directory) if !directory.as_os_str().is_empty() => directory,
        _ => Path::new("."),
    }
}

/// Creates `path` with `contents` only if it does not exist yet, atomically (never a
/// half-written file under the final name). Returns false if it already existed.
pub(crate) fn create_file_once(
    path: &Path,
    contents: &[u8],
    mode: u32,
) -> Result<bool, AuditError> {
    let temporary_path = write_temporary(path, contents, mode)?;
    let link_result = std::fs::hard_link(&temporary_path, path);
    let _ = std::fs::remove_file(&temporary_path);
    match link_result {
        Ok(()) => {
            sync_directory(parent_directory(path))?;
            Ok(true)
        }
        Err(link_error) if link_error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(link_error) => Err(AuditError::io("create", path, link_error)),
    }
}

/// Reads a small file; `Ok(None)` if it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, AuditError> {
    match std::fs::read(path) {
        Ok(contents) => Ok(Some(contents)),
        Err(read_error) if read_error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(read_error) => Err(AuditError::io("read", path, read_error)),
    }
}
