//! The audit signing key: generated once, stored as a hex seed in the key directory with mode
//! 0600 (directory 0700), its public key beside it.
//!
//! The key directory must stay apart from the data directory so that someone who can rewrite
//! the data cannot also re-sign it. This module must never print, log or return the secret seed,
//! and must never replace an existing key.

use std::path::Path;

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::error::AuditError;
use crate::files::{create_file_once, read_optional, AuditPaths};

fn decode_key_bytes(contents: &[u8], path: &Path) -> Result<[u8; 32], AuditError> {
    let invalid = || AuditError::KeyFileInvalid {
        path: path.to_path_buf(),
    };
    let text = std::str::from_utf8(contents).map_err(|_| invalid())?;
    let bytes = hex::decode(text.trim()).map_err(|_| invalid())?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| invalid())
}

/// Parses a hex public key.
pub(crate) fn parse_public_key_hex(text: &str) -> Option<VerifyingKey> {
    let bytes = hex::decode(text.trim()).ok()?;
    let array = <[u8; 32]>::try_from(bytes.as_slice()).ok()?;
    VerifyingKey::from_bytes(&array).ok()
}

#[cfg(unix)]
fn check_private_mode(path: &Path) -> Result<(), AuditError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path)
        .map_err(|metadata_error| AuditError::io("inspect", path, metadata_error))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(AuditError::KeyFilePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private_mode(_path: &Path) -> Result<(), AuditError> {
    Ok(())
}

/// Reads the signing key, or creates one when `may_create` (no signed history exists yet).
/// Writes the public key beside it if missing and refuses a public key that does not match.
pub(crate) fn load_or_create_signing_key(
    paths: &AuditPaths,
    may_create: bool,
) -> Result<SigningKey, AuditError> {
    let existing = read_optional(&paths.signing_key)?;
    let seed = match existing {
        Some(contents) => {
            check_private_mode(&paths.signing_key)?;
            decode_key_bytes(&contents, &paths.signing_key)?
        }
        None => {
            if !may_create {
                return Err(AuditError::SigningKeyMissing {
                    path: paths.signing_key.clone(),
                });
            }
            let mut fresh_seed = [0u8; 32];
            getrandom::fill(&mut fresh_seed).map_err(|random_error| {
                AuditError::io(
                    "draw randomness for",
                    &paths.signing_key,
                    std::io::Error::other(random_error.to_string()),
                )
            })?;
            let seed_text = format!("{}\n", hex::encode(fresh_seed));
            let created = create_file_once(&paths.signing_key, seed_text.as_bytes(), 0o600)?;
            if created {
                fresh_seed
            } else {
                // Another process created it first: use theirs.
                let contents = read_optional(&paths.signing_key)?.ok_or_else(|| {
                    AuditError::SigningKeyMissing {
                        path: paths.signing_key.clone(),
                    }
                })?;
                decode_key_bytes(&contents, &paths.signing_key)?
            }
        }
    };
    let signing_key = SigningKey::from_bytes(&seed);
    let public_text = format!("{}\n", hex::encode(signing_key.verifying_key().as_bytes()));
    let created_public = create_file_once(&paths.public_key, public_text.as_bytes(), 0o644)?;
    if !created_public {
        let trusted_public = read_trusted_public_key(paths)?;
        if trusted_public != signing_key.verifying_key() {
            return Err(AuditError::PublicKeyMismatch {
                path: paths.public_key.clone(),
            });
        }
    }
    Ok(signing_key)
}

/// The public key `verify` trusts: the key directory's `audit-signing.pub`, or, if only the
/// signing key is there, the public half of it. Never the copy in the data directory.
pub(crate) fn read_trusted_public_key(paths: &AuditPaths) -> Result<VerifyingKey, AuditError> {
    if let Some(contents) = read_optional(&paths.public_key)? {
        let text = std::str::from_utf8(&contents).map_err(|_| AuditError::KeyFileInvalid {
            path: paths.public_key.clone(),
        })?;
        return parse_public_key_hex(text).ok_or_else(|| AuditError::KeyFileInvalid {
            path: paths.public_key.clone(),
        });
    }
    if let Some(contents) = read_optional(&paths.signing_key)? {
        let seed = decode_key_bytes(&contents, &paths.signing_key)?;
        return Ok(SigningKey::from_bytes(&seed).verifying_key());
    }
    Err(AuditError::PublicKeyMissing {
        path: paths.public_key.clone(),
    })
}
