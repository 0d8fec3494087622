//! The key store: pseudonym keys per workspace and period, in their own database file apart from
//! the data (DESIGN.md invariant 3).
//!
//! Keys are random (OS randomness), never shown, never exported, and destroyed with
//! `destroy_period_keys_before` when a period's retention ends, which makes the remaining
//! aggregates of that period unlinkable. The file lives in `keys/` with `secure_delete=ON`, so a
//! destroyed key is overwritten on disk.

use std::collections::HashMap;
use std::path::Path;

use peil_deid::{PeriodKey, KEY_BYTES};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{create_private_dir, migrations, StoreError};

const KEY_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS period_keys (
        workspace_id INTEGER NOT NULL,
        period TEXT NOT NULL,
        key BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, period)
    );
    CREATE TABLE IF NOT EXISTS reference_keys (
        workspace_id INTEGER PRIMARY KEY,
        key BLOB NOT NULL
    );
";

/// File name of the key database inside the key directory.
pub const KEY_DATABASE_FILE: &str = "keys.sqlite";

/// Pseudonym and reference keys, cached in memory after first use.
pub struct KeyStore {
    connection: Connection,
    period_keys: HashMap<(i64, String), PeriodKey>,
    reference_keys: HashMap<i64, PeriodKey>,
}

fn random_key() -> Result<PeriodKey, StoreError> {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Randomness(error.to_string()))?;
    Ok(PeriodKey::from_bytes(bytes))
}

fn key_from_blob(blob: Vec<u8>) -> Result<PeriodKey, StoreError> {
    let bytes: [u8; KEY_BYTES] = blob
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored key has the wrong length".into()))?;
    Ok(PeriodKey::from_bytes(bytes))
}

impl KeyStore {
    /// Opens (creating) the key database in `key_dir`.
    pub fn open(key_dir: &Path) -> Result<KeyStore, StoreError> {
        create_private_dir(key_dir)?;
        let connection = Connection::open(key_dir.join(KEY_DATABASE_FILE))?;
        migrations::configure(&connection)?;
        connection.execute_batch(KEY_SCHEMA)?;
        Ok(KeyStore {
            connection,
            period_keys: HashMap::new(),
            reference_keys: HashMap::new(),
        })
    }

    /// The pseudonym key of `workspace_id` for `period` (`YYYY-MM`), created on first use.
    pub fn period_key(&mut self, workspace_id: i64, period: &str) -> Result<PeriodKey, StoreError> {
        let cache_key = (workspace_id, period.to_string());
        if let Some(key) = self.period_keys.get(&cache_key) {
            return Ok(key.clone());
        }
        let stored: Option<Vec<u8>> = self
            .connection
            .query_row(
                "SELECT key FROM period_keys WHERE workspace_id = ?1 AND period = ?2",
                params![workspace_id, period],
                |row| row.get(0),
            )
            .optional()?;
        let key = match stored {
            Some(blob) => key_from_blob(blob)?,
            None => {
                let fresh = random_key()?;
                self.connection.execute(
                    "INSERT INTO period_keys (workspace_id, period, key, created_at)
                     VALUES (?1, ?2, ?3, strftime('%s', 'now'))",
                    params![workspace_id, period, fresh.as_bytes().as_slice()],
                )?;
                fresh
            }
        };
        self.period_keys.insert(cache_key, key.clone());
        Ok(key)
    }

    /// The key that turns source ids of `workspace_id` into duplicate-detection references.
    pub fn reference_key(&mut self, workspace_id: i64) -> Result<PeriodKey, StoreError> {
        if let Some(key) = self.reference_keys.get(&workspace_id) {
            return Ok(key.clone());
        }
        let stored: Option<Vec<u8>> = self
            .connection
            .query_row(
                "SELECT key FROM reference_keys WHERE workspace_id = ?1",
                params![workspace_id],
                |row| row.get(0),
            )
            .optional()?;
        let key = match stored {
            Some(blob) => key_from_blob(blob)?,
            None => {
                let fresh = random_key()?;
                self.connection.execute(
                    "INSERT INTO reference_keys (workspace_id, key) VALUES (?1, ?2)",
                    params![workspace_id, fresh.as_bytes().as_slice()],
                )?;
                fresh
            }
        };
        self.reference_keys.insert(workspace_id, key.clone());
        Ok(key)
    }

    /// Destroys the pseudonym keys of `workspace_id` for every period before `period`; returns how
    /// many were destroyed.
    pub fn destroy_period_keys_before(
        &mut self,
        workspace_id: i64,
        period: &str,
    ) -> Result<usize, StoreError> {
        let destroyed = self.connection.execute(
            "DELETE FROM period_keys WHERE workspace_id = ?1 AND period < ?2",
            params![workspace_id, period],
        )?;
        self.period_keys
            .retain(|(cached_workspace, cached_period), _| {
                *cached_workspace != workspace_id || cached_period.as_str() >= period
            });
        self.connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(destroyed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_per_workspace_and_period_and_differ_otherwise() -> Result<(), StoreError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let mut keys = KeyStore::open(directory.path())?;
        let first = keys.period_key(1, "2026-10")?;
        assert_eq!(first, keys.period_key(1, "2026-10")?);
        assert_ne!(first, keys.period_key(2, "2026-10")?);
        assert_ne!(first, keys.period_key(1, "2026-11")?);
        drop(keys);
        let mut reopened = KeyStore::open(directory.path())?;
        assert_eq!(first, reopened.period_key(1, "2026-10")?);
        assert_eq!(reopened.destroy_period_keys_before(1, "2026-11")?, 1);
        assert_ne!(first, reopened.period_key(1, "2026-10")?);
        Ok(())
    }
}
