//! The installation id of a data directory: a random 32-byte id in the file `installation-id`
//! (owner-only permissions) of the control plane, with whether the directory is a demo's. A
//! PostgreSQL data plane is bound to it (`peil_store_postgres::Installation`, migration 5), so
//! one database never serves two data directories whose catalog ids would mix (invariant 11).
//!
//! A file rather than the embedded store's metadata: it is read before the data plane is opened
//! and needs no schema change of the embedded store; it is written once, atomically (a private
//! temporary file hard-linked into place, so two processes opening a fresh directory at once end
//! up with the same id), and never changed.
//!
//! This module must never print, log or put into an error the id, and never change the id of a
//! directory that has one (the database bound to it would be refused from then on).

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

use peil_store::StoreError;
use peil_store_postgres::Installation;

use crate::ServiceError;

/// The file in the data directory that holds the installation id.
pub(crate) const INSTALLATION_FILE: &str = "installation-id";

const HEADER: &str = "peil-installation 1";

fn io_error(path: &Path, source: std::io::Error) -> ServiceError {
    ServiceError::Store(StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn corrupt() -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!(
        "{INSTALLATION_FILE} does not have the form Peil writes"
    )))
}

/// Reads the installation of `data_dir`, creating it (a fresh random id; a demo's when
/// `demo_when_new`) when the directory has none.
pub(crate) fn installation_of(
    data_dir: &Path,
    demo_when_new: bool,
) -> Result<Installation, ServiceError> {
    let path = data_dir.join(INSTALLATION_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => return parse(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(&path, error)),
    }
    let mut id = [0u8; 32];
    getrandom::fill(&mut id).map_err(|error| {
        ServiceError::Store(StoreError::Randomness(format!(
            "no random installation id: {error}"
        )))
    })?;
    let text = format!(
        "{HEADER}\nid {}\ndemo {}\n",
        hex::encode(id),
        if demo_when_new { "yes" } else { "no" }
    );
    // Written completely under a private temporary name, then linked into place: a reader never
    // sees half a file, and of two processes creating it at once the first link wins.
    let mut random_suffix = [0u8; 8];
    getrandom::fill(&mut random_suffix).map_err(|error| {
        ServiceError::Store(StoreError::Randomness(format!(
            "no random file name: {error}"
        )))
    })?;
    let temporary = data_dir.join(format!(
        ".{INSTALLATION_FILE}.{}",
        hex::encode(random_suffix)
    ));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(io_error(&temporary, error));
    }
    let linked = fs::hard_link(&temporary, &path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => parse(&text),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = fs::read_to_string(&path).map_err(|error| io_error(&path, error))?;
            parse(&text)
        }
        Err(error) => Err(io_error(&path, error)),
    }
}

fn parse(text: &str) -> Result<Installation, ServiceError> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(corrupt());
    }
    let id_hex = lines
        .next()
        .and_then(|line| line.strip_prefix("id "))
        .ok_or_else(corrupt)?;
    let mut id = [0u8; 32];
    hex::decode_to_slice(id_hex.trim(), &mut id).map_err(|_| corrupt())?;
    let is_demo = match lines.next().and_then(|line| line.strip_prefix("demo ")) {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(corrupt()),
    };
    Ok(Installation::new(id, is_demo))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn the_installation_id_is_created_once_privately_and_kept() -> Result<(), ServiceError> {
        let directory = tempfile::tempdir().map_err(|error| io_error(Path::new("."), error))?;
        let first = installation_of(directory.path(), false)?;
        assert!(!first.is_demo());
        // Asked again, even as a demo: the same installation, never a new id.
        assert_eq!(installation_of(directory.path(), true)?, first);
        let path = directory.path().join(INSTALLATION_FILE);
        let mode = fs::metadata(&path)
            .map_err(|error| io_error(&path, error))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        // Another directory gets another id; a demo's says so.
        let other = tempfile::tempdir().map_err(|error| io_error(Path::new("."), error))?;
        let demo = installation_of(other.path(), true)?;
        assert!(demo.is_demo());
        assert_ne!(demo, first);
        // Only the one temporary-free file is left.
        let entries = fs::read_dir(directory.path())
            .map_err(|error| io_error(directory.path(), error))?
            .count();
        assert_eq!(entries, 1);
        Ok(())
    }

    #[test]
    fn a_damaged_file_is_refused_not_replaced() -> Result<(), ServiceError> {
        let directory = tempfile::tempdir().map_err(|error| io_error(Path::new("."), error))?;
        let path = directory.path().join(INSTALLATION_FILE);
        fs::write(&path, "peil-installation 1\nid 12\ndemo no\n")
            .map_err(|error| io_error(&path, error))?;
        assert!(installation_of(directory.path(), false).is_err());
        let kept = fs::read_to_string(&path).map_err(|error| io_error(&path, error))?;
        assert!(kept.contains("id 12"));
        Ok(())
    }
}
